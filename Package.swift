// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "TensorGraph",
    products: [
        .library(name: "TensorGraph", targets: ["TensorGraph"]),
        .executable(name: "tensorgraph", targets: ["tensorgraph"]),
    ],
    targets: [
        .target(name: "TensorGraph"),
        .executableTarget(
            name: "tensorgraph", dependencies: ["TensorGraph"],
            exclude: ["Resources/make_digits.py"],
            resources: [.copy("Resources/digits_images.npy"), .copy("Resources/digits_labels.npy")]),
        .testTarget(name: "TensorGraphTests", dependencies: ["TensorGraph"]),
    ],
    swiftLanguageModes: [.v6]
)
