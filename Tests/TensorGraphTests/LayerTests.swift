import Testing
@testable import TensorGraph

@Suite("layers")
struct LayerTests {
    @Test("conv2dTranspose infers the Keras output size, or the smallest valid + output padding")
    func transposedOutputSizes() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [nil, 4, 4, 3], name: "x")
        let same = try graph.layers.conv2dTranspose(x, filters: 1, kernelSize: 3, strides: 2, padding: .same)
        let valid = try graph.layers.conv2dTranspose(x, filters: 1, kernelSize: 3, strides: 2, padding: .valid)
        let padded = try graph.layers.conv2dTranspose(
            x, filters: 2, kernelSize: 3, strides: 2, padding: .same, outputPadding: 0)
        #expect(try graph.inferredShape(of: same) == [nil, 8, 8, 1])
        #expect(try graph.inferredShape(of: valid) == [nil, 9, 9, 1])
        #expect(try graph.inferredShape(of: padded) == [nil, 7, 7, 2])
        #expect(
            errorText { try graph.layers.conv2dTranspose(x, filters: 1, kernelSize: 3, strides: 2, outputPadding: 2) }
                == "conv2d_transpose 'conv2d_transpose': output padding 2 must be at least 0 and below the stride 2")
        let names = graph.variables.map(\.name)
        #expect(names == ["conv2d_transpose/kernel", "conv2d_transpose/bias", "conv2d_transpose_1/kernel",
                          "conv2d_transpose_1/bias", "conv2d_transpose_2/kernel", "conv2d_transpose_2/bias"])
        #expect(graph.variables[0].shape == [3, 3, 1, 3])
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])
        let out = try session.run(
            fetches: [same, valid, padded], feeds: [x: Tensor(repeating: 1, shape: [5, 4, 4, 3], dtype: .float32)])
        #expect(out.map(\.shape) == [[5, 8, 8, 1], [5, 9, 9, 1], [5, 7, 7, 2]])
    }

    @Test("dense and conv2d layers with activations, biases and initializers")
    func denseAndConv() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [nil, 6, 6, 2], name: "x")
        let conv = try graph.layers.conv2d(x, filters: 3, kernelSize: 3, strides: 2, padding: .same, activation: .relu,
                                           kernelInitializer: .constant(0.5), biasInitializer: .constant(1))
        let flat = try graph.reshape(conv, to: [-1, 27])
        let logits = try graph.layers.dense(
            flat, units: 4, kernelInitializer: .constant(0.1), biasInitializer: .zeros, name: "logits")
        #expect(try graph.inferredShape(of: logits) == [nil, 4])
        #expect(graph.variables.map(\.name) == ["conv2d/kernel", "conv2d/bias", "logits/kernel", "logits/bias"])
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])
        let result = try session.run(conv, feeds: [x: Tensor(repeating: 1, shape: [1, 6, 6, 2], dtype: .float32)])
        // The centre output sees a full 3x3x2 window of ones: 18 × 0.5 + 1.
        #expect(result.scalars(as: Float.self)?[4 * 3] == 10)
        #expect(errorText { try graph.layers.dense(x, units: 2) }
                == "dense 'dense': dense takes [batch, features] with known features, but the input is [?, 6, 6, 2]; "
                    + "reshape it first, e.g. graph.reshape(x, to: [-1, features])"
        )
    }

    @Test("random initializers are deterministic for a graph seed and op seed, and differ between ops")
    func randomDeterminism() throws {
        func draw(graphSeed: Int?, opSeed: Int?) throws -> [Tensor] {
            let graph = Graph()
            graph.seed = graphSeed
            let a = try graph.randomNormal(shape: [1000], seed: opSeed)
            let b = try graph.truncatedNormal(shape: [1000], seed: opSeed)
            let c = try graph.randomUniform(shape: [1000], minimum: -1, maximum: 1, seed: opSeed)
            return try Session(graph: graph).run(fetches: [a, b, c])
        }
        #expect(try draw(graphSeed: 7, opSeed: nil) == draw(graphSeed: 7, opSeed: nil))
        #expect(try draw(graphSeed: nil, opSeed: 3) == draw(graphSeed: nil, opSeed: 3))
        #expect(try draw(graphSeed: 7, opSeed: 1) != draw(graphSeed: 7, opSeed: 2))
        let samples = try draw(graphSeed: 11, opSeed: nil).map { $0.doubles }
        let mean = samples[0].reduce(0, +) / 1000,
            variance = samples[0].map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000
        #expect(abs(mean) < 0.1 && abs(variance - 1) < 0.15)
        #expect(samples[1].allSatisfy { abs($0) <= 2 })
        #expect(samples[2].allSatisfy { $0 >= -1 && $0 < 1 })
        // Each run of a stateful random op draws new numbers.
        let graph = Graph()
        graph.seed = 1
        let r = try graph.randomUniform(shape: [4])
        let session = Session(graph: graph)
        #expect(try session.run(r) != session.run(r))
    }
}

@Suite("layer output sizes")
struct LayerSizeTests {
    @Test("VALID with a kernel smaller than the stride picks I·s, as Keras' deconv_output_length")
    func smallKernel() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [1, 5, 5, 1], name: "x")
        let y = try graph.layers.conv2dTranspose(x, filters: 1, kernelSize: 2, strides: 3, padding: .valid)
        #expect(try graph.inferredShape(of: y) == [1, 15, 15, 1])
    }
}
