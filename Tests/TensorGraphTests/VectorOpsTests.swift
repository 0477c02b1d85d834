import Foundation
import Testing
@testable import TensorGraph

/// The ops whose float32 loops run on the vector kernels (reductions, pooling, softmax, batch
/// normalization), on every instruction set this CPU runs, against their float64 paths or a
/// double-precision reference: axes adjacent and not, windows over borders, rows of every length.
@Suite("vector kernels behind the ops")
struct VectorOpsTests {
    /// Builds `build(graph, x)` in float64 and, for every instruction set, in float32, feeds the
    /// same numbers (scaled by `scale`), and compares.
    static func compare(_ label: String, input: [Int], scale: Double = 1, tolerance: Double = 1e-5,
                        _ build: (Graph, Output) throws -> Output) throws {
        func run(_ dtype: DType) throws -> Tensor {
            let graph = Graph()
            let x = try graph.placeholder(dtype, shape: Shape(input), name: "x")
            let values = KernelTests.values(input.reduce(1, *), seed: 3).map { $0 * scale }
            return try Session(graph: graph).run(
                try build(graph, x), feeds: [x: Tensor(shape: input, scalars: values).cast(to: dtype)])
        }
        let expected = try run(.float64)
        for isa in InstructionSet.supported {
            let result = try InstructionSet.running(isa) { try run(.float32) }
            expectClose(result.cast(to: .float64), expected, tolerance: tolerance, "\(label) [\(isa)]")
        }
    }

    @Test("Sum, Mean, Max and Min over adjacent, split and all axes, with and without kept dimensions")
    func reductions() throws {
        let cases: [([Int], [Int])] = [([7, 300], [1]), ([7, 300], [0]), ([4, 5, 6, 7], [1, 2]), ([4, 5, 6, 7], [0, 2]),
            ([4, 5, 6, 7], [0, 1, 2, 3]), ([3, 1, 5], [1]), ([1000, 33], [0]), ([2, 1, 1, 9], [1, 2]),
                                       ([600, 400], [1])]
        for (shape, axes) in cases {
            for (op, reduce) in [("Sum", Graph.sum), ("Mean", Graph.mean), ("Max", Graph.max)] {
                try Self.compare("\(op) \(shape) over \(axes)", input: shape) { graph, x in
                    try reduce(graph)(x, axes, axes.count % 2 == 0, nil)
                }
            }
            try Self.compare("Min \(shape) over \(axes)", input: shape) { graph, x in
                try graph.addOutput(
                    "Min", inputs: [x, try graph.constant(Tensor(shape: [axes.count], scalars: axes.map(Int32.init)))])
            }
        }
        // An empty reduced axis sums to zero (max and min of nothing are infinite, which the comparison cannot take).
        try Self.compare("Sum [5, 0, 3] over [1]", input: [5, 0, 3]) { graph, x in try graph.sum(x, axes: [1]) }
    }

    @Test("MaxPool and AvgPool with windows over the borders, strides past the window, and many channels")
    func pooling() throws {
        let cases: [([Int], [Int], [Int], Padding)] = [
            ([2, 7, 9, 3], [3, 3], [2, 2], .same), ([1, 8, 8, 64], [2, 2], [2, 2], .valid),
            ([3, 5, 6, 17], [3, 2], [1, 3], .same), ([1, 4, 4, 5], [1, 1], [3, 3], .valid),
                                                       ([2, 32, 32, 40], [3, 3], [1, 1], .same)]
        for (shape, size, strides, padding) in cases {
            try Self.compare("MaxPool \(shape) \(size) \(strides) \(padding)", input: shape) { graph, x in
                try graph.maxPool(x, size: size, strides: strides, padding: padding)
            }
            try Self.compare("AvgPool \(shape) \(size) \(strides) \(padding)", input: shape) { graph, x in
                try graph.avgPool(x, size: size, strides: strides, padding: padding)
            }
        }
    }

    @Test("DepthwiseConv2dNative: channel multipliers, strides, dilation, padding, channels past a vector")
    func depthwise() throws {
        let cases: [([Int], [Int], Int, Int, Padding)] = [([2, 7, 9, 19], [3, 3, 19, 1], 1, 1, .same),
                                                          ([1, 9, 8, 5], [3, 3, 5, 3], 2, 1, .valid),
                                                          ([1, 10, 10, 33], [3, 3, 33, 1], 1, 2, .same),
                                                          ([2, 12, 11, 64], [5, 5, 64, 1], 2, 1, .same),
                                                          ([0, 4, 4, 3], [3, 3, 3, 1], 1, 1, .same)]
        for (input, filterShape, stride, dilation, padding) in cases {
            var results: [Tensor] = []
            for dtype in [DType.float64, .float32] {
                for isa in dtype == .float64 ? [InstructionSet.best] : InstructionSet.supported {
                    let graph = Graph()
                    let x = try graph.placeholder(dtype, shape: Shape(input), name: "x")
                    let filter = try graph.constant(KernelTests.tensor(filterShape, seed: 9, dtype: dtype))
                    let y = try graph.depthwiseConv2d(
                        x, filter: filter, strides: [stride], padding: padding, dilations: [dilation])
                    results.append(try InstructionSet.running(isa) {
                        try Session(graph: graph).run(y, feeds: [x: KernelTests.tensor(input, seed: 10, dtype: dtype)])
                    })
                    if dtype == .float32 {
                        expectClose(
                            results.last!.cast(to: .float64), results[0], "depthwise \(input) \(filterShape) [\(isa)]")
                    }
                }
            }
        }
    }

    @Test("Softmax and LogSoftmax over rows shorter and longer than a vector, with large logits")
    func softmax() throws {
        for shape in [[3, 1], [5, 7], [4, 16], [2, 3, 33], [300, 1000]] {
            try Self.compare("Softmax \(shape)", input: shape, scale: 30) { graph, x in try graph.softmax(x) }
            try Self.compare("LogSoftmax \(shape)", input: shape, scale: 30) { graph, x in
                try graph.addOutput("LogSoftmax", inputs: [x])
            }
            // Through a product first, so the kernel owns its logits and writes over them.
            try Self.compare("LogSoftmax in place \(shape)", input: shape, scale: 30) { graph, x in
                try graph.addOutput("LogSoftmax", inputs: [try graph.multiply(x, try graph.constant(1, like: x))])
            }
            try Self.compare("Softmax in place \(shape)", input: shape, scale: 30) { graph, x in
                try graph.softmax(try graph.multiply(x, try graph.constant(1, like: x)))
            }
        }
    }

    @Test("FusedBatchNormV3 in inference and training against double precision")
    func batchNormalization() throws {
        let shape = [4, 5, 6, 19], channels = 19, count = 4 * 5 * 6
        let x = KernelTests.values(shape.reduce(1, *), seed: 4).map { $0 * 3 + 1 }
        let scale = KernelTests.values(channels, seed: 5), offset = KernelTests.values(channels, seed: 6)
        let givenMean = KernelTests.values(channels, seed: 7),
            givenVariance = KernelTests.values(channels, seed: 8).map { $0 + 1.5 }
        for training in [false, true] {
            var mean = givenMean, variance = givenVariance
            if training {
                mean = [Double](repeating: 0, count: channels)
                variance = mean
                for (i, value) in x.enumerated() { mean[i % channels] += value / Double(count) }
                for (i, value) in x.enumerated() {
                    let deviation: Double = value - mean[i % channels]
                    variance[i % channels] += deviation * deviation / Double(count)
                }
            }
            let expected = x.indices.map { i in
                let c = i % channels
                return (x[i] - mean[c]) / (variance[c] + 0.001).squareRoot() * scale[c] + offset[c]
            }
            for isa in InstructionSet.supported {
                let graph = Graph()
                func constant(_ values: [Double]) throws -> Output {
                    try graph.constant(Tensor(shape: [values.count], scalars: values).cast(to: .float32))
                }
                let input = try graph.constant(Tensor(shape: shape, scalars: x).cast(to: .float32))
                let outputs = try graph.addNode(
                    "FusedBatchNormV3",
                    inputs: [
                        input, try constant(scale), try constant(offset),
                                                                             try constant(training ? [] : givenMean),
                        try constant(training ? [] : givenVariance)
                    ],
                                                attributes: ["epsilon": .float(0.001), "is_training": .bool(training)])
                let y = try InstructionSet.running(isa) { try Session(graph: graph).run(outputs[0]) }
                expectClose(y.cast(to: .float64), Tensor(shape: shape, scalars: expected), tolerance: 1e-5,
                            "training \(training) [\(isa)]")
                if training {
                    let reported = try Session(graph: graph).run(outputs[2])
                    expectClose(
                        reported.cast(to: .float64),
                        Tensor(shape: [channels], scalars: variance.map { $0 * Double(count) / Double(count - 1) }),
                                "reported variance")
                }
            }
        }
    }
}
