import Foundation
import Testing
@testable import TensorGraph

/// Our symbolic gradients give TensorFlow's numbers: the same small graphs as
/// Tests/Fixtures/gradients.py, differentiated here and compared with tf.gradients.
@Suite("gradients against TensorFlow")
struct GradientFixtureTests {
    static func tensor(_ object: Any?) throws -> Tensor {
        let dictionary = try #require(object as? [String: Any])
        let shape = try #require(dictionary["shape"] as? [Int])
        let values = try #require(dictionary["values"] as? [NSNumber])
        return Tensor(shape: shape, scalars: values.map(\.floatValue))
    }

    /// The graph of each case, written as the Python script writes it.
    static func build(_ name: String, _ g: Graph, _ x: [Output], labels: Tensor) throws -> Output {
        switch name {
        case "conv_relu":
            return try g.relu(try g.add(try g.conv2d(x[0], filter: x[1], strides: [2, 2], padding: .same), x[2]))
        case "conv2d_transpose":
            return try g.conv2dTranspose(x[0], filter: x[1], outputShape: [2, 6, 5, 3], strides: [2, 2], padding: .same)
        case "dense_softmax_cross_entropy":
            return try g.softmaxCrossEntropy(
                logits: try g.add(try g.matMul(x[0], x[1]), x[2]), labels: try g.constant(labels))
        case "pool_batch_norm":
            let pooled = try g.add(try g.maxPool(x[0], size: [2, 2], strides: [2, 2], padding: .valid),
                                   try g.avgPool(x[0], size: [2, 2], strides: [2, 2], padding: .valid))
            let empty = try g.constant(Tensor(shape: [0], scalars: [Float]()))
            return try g.addNode("FusedBatchNormV3", inputs: [pooled, x[1], x[2], empty, empty],
                                 attributes: ["epsilon": .float(0.001), "is_training": .bool(true)])[0]
        case "elementwise":
            let one = try g.constant(Float(1))
            let first = try g.multiply(try g.sigmoid(x[0]), try g.tanh(x[1]))
            let second = try g.divide(try g.maximum(x[0], x[1]), try g.add(one, try g.square(x[1])))
            return try g.subtract(
                try g.add(first, second), try g.exp(try g.negate(try g.addOutput("Abs", inputs: [x[0]]))))
        case "reshape_and_slice":
            let joined = try g.concat(
                [try g.mean(x[0], axes: [1]), try g.max(try g.transpose(x[0], permutation: [1, 0, 2]), axes: [0])],
                axis: 1)
            let window = try g.stridedSlice(joined, [.all, .range(1, 5)])
            let corner = try g.reshape(try g.stridedSlice(x[0], [.all, .index(0), .range(nil, 2)]), to: [2, 2])
            return try g.add(window, try g.pad(corner, paddings: [(0, 0), (1, 1)]))
        case "split_select_gather":
            return try splitSelectGather(g, x[0], x[1])
        default:
            throw GraphError(.notFound, message: "no case \(name)")
        }
    }

    @Test("tf.gradients values", arguments: FixtureCase.all("gradients.json"))
    func matches(_ fixture: FixtureCase) throws {
        let name = fixture["name"] as! String
        let labels = Tensor(
            shape: [4, 5], scalars: (try Fixtures.json("gradients.json")["labels"] as! [NSNumber]).map(\.floatValue))
        let inputs = try (fixture["inputs"] as! [Any]).map(Self.tensor)
        let graph = Graph()
        let placeholders = try inputs.enumerated().map {
            try graph.placeholder(.float32, shape: Shape($1.shape), name: "x\($0)")
        }
        let y = try Self.build(name, graph, placeholders, labels: labels)
        let loss = try graph.sum(try graph.multiply(y, try graph.constant(try Self.tensor(fixture["weights"]))))
        let gradients = try graph.gradients(of: loss, withRespectTo: placeholders)
        let feeds = Dictionary(uniqueKeysWithValues: zip(placeholders, inputs))
        let session = Session(graph: graph)
        expectClose(
            try session.run(y, feeds: feeds), try Self.tensor(fixture["output"]), tolerance: 1e-5, "\(name) output")
        for (index, (gradient, expected)) in zip(gradients, try (fixture["gradients"] as! [Any]).map(Self.tensor))
            .enumerated()
        {
            let value = try session.run(try #require(gradient, "\(name): no gradient for input \(index)"), feeds: feeds)
            expectClose(value, expected, tolerance: 1e-5, "\(name) gradient \(index)")
        }
    }

    /// Split, SplitV, TopKV2, ClipByValue, Pow, GatherNd, ReverseV2, Select and ScatterNd, as the
    /// script's `_split_select_gather`.
    static func splitSelectGather(_ g: Graph, _ x: Output, _ y: Output) throws -> Output {
        let thirds = try g.split(x, count: 3, axis: 1), parts = try g.split(x, sizes: [4, -1], axis: 1)
        let top = try g.topK(parts[0], k: 2).values
        let clipped = try g.clip(thirds[2], min: try g.constant(Float(-0.5)), max: try g.constant(Float(0.5)))
        let powered = try g.pow(try g.add(try g.addOutput("Abs", inputs: [thirds[0]]), try g.constant(Float(0.5))), y)
        let indices = try g.constant(Tensor(shape: [3, 2], scalars: [Int32(0), 1, 2, 5, 0, 1]))
        let gathered = try g.reshape(try g.gatherND(x, indices: indices), to: [3, 1])
        let rows = try g.constant(Tensor([true, false, true]))
        let selected = try g.addOutput("Select", inputs: [rows, thirds[1], try g.reverse(parts[1], axes: [1])])
        let scattered = try g.scatterND(indices: try g.constant(Tensor(shape: [2, 1], scalars: [Int32(2), 0])),
                                        updates: try g.stridedSlice(y, [.range(nil, 2)]),
                                        shape: try g.constant(Tensor([Int32(3), 2])))
        let sum = try g.add(try g.add(top, clipped), try g.multiply(powered, selected))
        return try g.add(try g.add(sum, gathered), scattered)
    }
}
