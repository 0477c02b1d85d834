// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "TensorGraph",
    products: [
        .library(name: "TensorGraph", targets: ["TensorGraph"]),
        .executable(name: "tensorgraph", targets: ["tensorgraph"]),
    ],
    targets: [
        // The float32 micro-kernels, compiled for every instruction set and chosen at run time.
        .target(name: "TensorGraphKernels"),
        .target(name: "TensorGraph", dependencies: ["TensorGraphKernels"]),
        .executableTarget(
            name: "tensorgraph", dependencies: ["TensorGraph"],
            exclude: ["Resources/make_digits.py"],
            resources: [.copy("Resources/digits_images.npy"), .copy("Resources/digits_labels.npy")]),
        // libFuzzer targets (Tests/Fuzz/run.sh builds them with -sanitize=fuzzer); built normally, each
        // replays the files it is given through the same entry point.
        .target(name: "FuzzSupport"),
        .executableTarget(name: "fuzz-graph", dependencies: ["TensorGraph", "FuzzSupport"], path: "Sources/FuzzGraph"),
        .executableTarget(name: "fuzz-npy", dependencies: ["TensorGraph", "FuzzSupport"], path: "Sources/FuzzNPY"),
        .executableTarget(name: "fuzz-checkpoint", dependencies: ["TensorGraph", "FuzzSupport"],
                          path: "Sources/FuzzCheckpoint"),
        .executableTarget(name: "fuzz-pbtxt", dependencies: ["TensorGraph", "FuzzSupport"], path: "Sources/FuzzPbtxt"),
        // Saves checkpoints in a loop until killed, for the crash-safety test.
        .executableTarget(name: "checkpoint-writer", dependencies: ["TensorGraph"], path: "Sources/CheckpointWriter"),
        .testTarget(name: "TensorGraphTests", dependencies: ["TensorGraph"]),
    ],
    swiftLanguageModes: [.v6]
)
