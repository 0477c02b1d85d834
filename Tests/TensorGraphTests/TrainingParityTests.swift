import Foundation
import Testing
@testable import TensorGraph

/// Training parity with TensorFlow: from the same initial weights on the same batches, the loss
/// at each of 100 steps matches TensorFlow's (Tests/Fixtures/training.py) to 1e-4 relative.
@Suite("training parity with TensorFlow")
struct TrainingParityTests {
    enum Network: String, CaseIterable { case seed004, autoencoder }

    static func weight(_ network: Network, _ name: String) throws -> Tensor {
        try Fixtures.npy("training/\(network.rawValue)_\(name).npy")
    }

    /// The network's loss on placeholders `data` and `labels`, with variables named as in TensorFlow.
    static func build(_ network: Network, in g: Graph) throws -> (data: Output, labels: Output, loss: Output) {
        func variable(_ name: String) throws -> Output { try g.variable(try weight(network, name), name: name).value }
        switch network {
        case .seed004:
            let data = try g.placeholder(.float32, shape: [nil, 28, 28, 1], name: "data")
            let labels = try g.placeholder(.float32, shape: [nil, 10], name: "labels")
            let w1 = try variable("layer1_weights"), b1 = try variable("layer1_biases")
            let w2 = try variable("layer2_weights"), b2 = try variable("layer2_biases")
            let w3 = try variable("layer3_weights"), b3 = try variable("layer3_biases")
            let w4 = try variable("layer4_weights"), b4 = try variable("layer4_biases")
            let batch = try g.stridedSlice(try g.shape(data), [.index(0)])
            let outputShape = try g.stack([batch] + [28, 28, 16].map { try g.constant(Int32($0)) })
            var hidden = try g.relu(try g.add(try g.conv2d(data, filter: w1, strides: [2, 2], padding: .same), b1))
            hidden = try g.relu(
                try g.add(
                    try g.conv2dTranspose(
                        hidden, filter: w2, outputShape: outputShape, strides: [2, 2], padding: .same), b2))
            hidden = try g.relu(try g.add(try g.matMul(try g.reshape(hidden, to: [-1, 28 * 28 * 16]), w3), b3))
            let logits = try g.add(try g.matMul(hidden, w4), b4)
            return (
                data, labels,
                try g.mean(try g.softmaxCrossEntropy(logits: logits, labels: labels), axes: [0], name: "loss")
            )
        case .autoencoder:
            let data = try g.placeholder(.float32, shape: [nil, 16, 16, 1], name: "data")
            let labels = try g.placeholder(.float32, shape: [nil, 10], name: "labels")
            let code = try g.relu(
                try g.add(
                    try g.conv2d(data, filter: try variable("encoder_kernel"), strides: [2, 2], padding: .same),
                                            try variable("encoder_bias")))
            let outputShape = try g.stack(
                [try g.stridedSlice(try g.shape(data), [.index(0)])] + [16, 16, 1].map { try g.constant(Int32($0)) })
            let decoded = try g.sigmoid(
                try g.add(
                    try g.conv2dTranspose(
                        code, filter: try variable("decoder_kernel"), outputShape: outputShape,
                        strides: [2, 2], padding: .same), try variable("decoder_bias")))
            return (
                data, labels, try g.mean(try g.square(try g.subtract(decoded, data)), axes: [0, 1, 2, 3], name: "loss")
            )
        }
    }

    static let cases: [(Network, String)] = [
        (.seed004, "sgd"), (.seed004, "adam"), (.autoencoder, "sgd"), (.autoencoder, "adam")
    ]

    @Test("100 steps match TensorFlow's losses", arguments: 0..<4)
    func parity(_ index: Int) throws {
        let (network, optimizerName) = Self.cases[index]
        let graph = Graph()
        let (data, labels, loss) = try Self.build(network, in: graph)
        let optimizer: any Optimizer
        switch (network, optimizerName) {
        case (.seed004, "sgd"): optimizer = GradientDescentOptimizer(learningRate: 0.02)
        case (.seed004, _): optimizer = AdamOptimizer(learningRate: 0.0005)
        case (.autoencoder, "sgd"): optimizer = GradientDescentOptimizer(learningRate: 0.5)
        case (.autoencoder, _): optimizer = AdamOptimizer(learningRate: 0.01)
        }
        let train = try optimizer.minimize(loss, in: graph)
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])
        let batches = try (0..<4).map { try Self.weight(network, "batch\($0)") }
        let labelSets = try (0..<4).map { try Self.weight(network, "labels\($0)") }
        let expected = try Self.weight(network, "\(optimizerName)_losses").doubles
        var worst = 0.0
        for step in 0..<expected.count {
            let value = try session.run(
                fetches: [loss], feeds: [data: batches[step % 4], labels: labelSets[step % 4]], targets: [train])[0]
            worst = max(worst, abs(value.doubles[0] - expected[step]) / abs(expected[step]))
        }
        #expect(expected.count == 100)
        #expect(worst < 1e-4, "\(network) \(optimizerName): worst relative loss difference \(worst)")
    }
}

@Suite("TensorFlow's own training graph")
struct TensorFlowTrainingGraphTests {
    /// TensorFlow built this graph with `GradientDescentOptimizer.minimize` (its gradient code
    /// emits ShapeN, Tile, GatherV2, FloorMod, Prod, LogSoftmax, ...); run here, it reproduces
    /// TensorFlow's losses step by step.
    @Test("TensorFlow-exported training graphs train here with TensorFlow's numbers", arguments: [
        ("seed004", "sgd", "seed004_sgd_graph.json"),                        // ref variables, ApplyGradientDescent
        ("autoencoder", "adam", "autoencoder_adam_resource_graph.json"),     // resource variables, ResourceApplyAdam
    ])
    func tensorFlowGraph(_ network: String, _ optimizer: String, _ file: String) throws {
        let graph = try Graph.load(contentsOf: Fixtures.directory.appendingPathComponent("training/" + file))
        let session = Session(graph: graph)
        try session.run(targets: ["init"])
        let batches = try (0..<4).map { try Fixtures.npy("training/\(network)_batch\($0).npy") }
        let labels = try (0..<4).map { try Fixtures.npy("training/\(network)_labels\($0).npy") }
        let expected = try Fixtures.npy("training/\(network)_\(optimizer)_losses.npy").doubles
        var worst = 0.0
        for step in 0..<expected.count {
            let loss = try session.run(
                fetches: ["loss"], feeds: ["data": batches[step % 4], "labels": labels[step % 4]],
                targets: ["train"])[0]
            worst = max(worst, abs(loss.doubles[0] - expected[step]) / abs(expected[step]))
        }
        #expect(worst < 1e-4, "worst relative loss difference \(worst)")
    }
}
