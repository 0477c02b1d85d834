import Foundation
import Testing
@testable import TensorGraph

/// Seed 004's network: conv2d 5x5 stride 2 SAME + bias → relu → conv2d_transpose back to
/// 28x28x16 with output_shape built from tf.shape(x)[0] + bias → relu → reshape → matmul → relu
/// → matmul, with TensorFlow's weights, run at batch 16 and 500 from one graph.
@Suite("seed 004 network")
struct Seed004NetworkTests {
    struct Network {
        let graph = Graph()
        let data: Output
        let hidden: Output
        let logits: Output

        init() throws {
            let g = graph
            func weight(_ name: String) throws -> Output {
                try g.constant(try Fixtures.npy("seed004/\(name).npy"), name: name)
            }
            data = try g.placeholder(.float32, shape: [nil, 28, 28, 1], name: "data")
            let batchSize = try g.stridedSlice(try g.shape(data), [.index(0)])
            let outputShape = try g.stack([
                batchSize, try g.constant(Int32(28)), try g.constant(Int32(28)), try g.constant(Int32(16))
            ])
            var conv = try g.conv2d(data, filter: try weight("layer1_weights"), strides: [1, 2, 2, 1], padding: .same)
            var hidden = try g.relu(try g.add(conv, try weight("layer1_biases")))
            conv = try g.conv2dTranspose(hidden, filter: try weight("layer2_weights"), outputShape: outputShape,
                                         strides: [1, 2, 2, 1], padding: .same)
            hidden = try g.relu(try g.add(conv, try weight("layer2_biases")))
            self.hidden = hidden
            let reshape = try g.reshape(hidden, to: [-1, 28 * 28 * 16])
            hidden = try g.relu(
                try g.add(try g.matMul(reshape, try weight("layer3_weights")), try weight("layer3_biases")))
            logits = try g.add(try g.matMul(hidden, try weight("layer4_weights")), try weight("layer4_biases"))
        }
    }

    @Test("shapes are inferred while building, with the batch unknown")
    func inferredShapes() throws {
        let network = try Network()
        #expect(try network.graph.inferredShape(of: network.hidden) == [nil, 28, 28, 16])
        #expect(try network.graph.inferredShape(of: network.logits) == [nil, 10])
        let deconv = try #require(network.graph.nodes.first { $0.op == "Conv2DBackpropInput" })
        #expect(deconv.inputs[0].node == "stack")
        #expect(try network.graph.info(of: deconv.inputs[0]).shapeValue == [nil, 28, 28, 16])
    }

    @Test("matches TensorFlow at batch 16 and batch 500 from one graph and one session")
    func bothBatches() throws {
        let network = try Network()
        let session = Session(graph: network.graph)
        for batch in [16, 500] {
            let input = try Fixtures.npy("seed004/input_batch\(batch).npy")
            let expected = try Fixtures.npy("seed004/logits_batch\(batch).npy")
            let logits = try session.run(network.logits, feeds: [network.data: input])
            expectClose(logits, expected, "batch \(batch)")
        }
    }
}
