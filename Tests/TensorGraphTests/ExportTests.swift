import Foundation
import Testing
@testable import TensorGraph

/// Graphs built with the Swift API and saved as GraphDef JSON import into TensorFlow and give the
/// same results: `Tests/Fixtures/import_exported.py` imported the committed files with
/// `json_format.Parse` + `tf.import_graph_def` and saved TensorFlow's outputs beside them.
/// Set TENSORGRAPH_WRITE_FIXTURES=1 to rewrite the JSON files after changing a graph here.
@Suite("export to TensorFlow")
struct ExportTests {
    static let directory = Fixtures.directory.appendingPathComponent("exported")

    /// Each example returns its graph; its result is the node "output", after running "init" if present.
    static let examples: [String: @Sendable () throws -> Graph] = [
        "conv_deconv": convDeconv,
        "variables": variables,
        "array_math_logic": arrayMathLogic,
    ]

    static func values(_ count: Int, scale: Float, offset: Int = 0) -> [Float] {
        (0..<count).map { Float(($0 * 37 + offset) % 23 - 11) * scale }
    }

    static func convDeconv() throws -> Graph {
        let g = Graph()
        let x = try g.placeholder(defaultingTo: try g.constant(values(2 * 8 * 8 * 3, scale: 0.1), shape: [2, 8, 8, 3]),
                                  shape: [nil, 8, 8, 3], name: "input")
        let encoded = try g.layers.conv2d(
            x, filters: 4, kernelSize: 3, strides: 2, padding: .same, activation: .leakyRelu(alpha: 0.1),
                                          kernelInitializer: .constant(0.05), biasInitializer: .constant(0.1))
        let pooled = try g.maxPool(encoded, size: [2, 2], strides: [1, 1], padding: .same)
        let normalized = try g.batchNormalization(pooled, scale: try g.constant([1, 2, 0.5, 1] as [Float], shape: [4]),
                                                  offset: try g.constant([0, 0.1, -0.1, 0] as [Float], shape: [4]),
                                                  mean: try g.constant([0.1, 0, 0.2, 0] as [Float], shape: [4]),
                                                  variance: try g.constant([1, 0.5, 2, 1] as [Float], shape: [4]))
        let w = try g.constant(values(3 * 3 * 2 * 4, scale: 0.05, offset: 3), shape: [3, 3, 2, 4])
        let batch = try g.stridedSlice(try g.shape(normalized), [.index(0)])
        let up = try g.conv2dTranspose(
            normalized, filter: w, outputShape: try g.stack([batch] + [8, 8, 2].map { try g.constant(Int32($0)) }),
                                       strides: [2, 2], padding: .same, name: "decoder/deconv")
        let joined = try g.concat([try g.relu6(up), try g.stridedSlice(x, [.all, .all, .all, .range(0, 2)])], axis: 3)
        let padded = try g.pad(
            try g.transpose(joined, permutation: [0, 3, 1, 2]), paddings: [(0, 0), (0, 0), (1, 0), (0, 1)])
        let pooledAvg = try g.avgPool(
            try g.transpose(padded, permutation: [0, 2, 3, 1]), size: [3, 3], strides: [2, 2], padding: .valid)
        let flat = try g.reshape(pooledAvg, to: [-1, 4 * 4 * 4])
        let logits = try g.biasAdd(
            try g.matMul(flat, try g.constant(values(64 * 5, scale: 0.05, offset: 5), shape: [64, 5])),
                                   try g.constant(values(5, scale: 0.1, offset: 1), shape: [5]))
        let probabilities = try g.softmax(try g.tanh(logits))
        let winner = try g.expandDims(
            try g.cast(try g.argMax(probabilities, axis: 1, outputType: .int32), to: .float32), axis: 1)
        let scaled = try g.multiply(probabilities, winner)
        _ = try g.add(try g.mean(scaled, axes: [1], keepDims: true), try g.sigmoid(probabilities), name: "output")
        _ = try g.globalVariablesInitializer()
        return g
    }

    static func variables() throws -> Graph {
        let g = Graph()
        let w = try g.variable(Tensor(shape: [2, 3], scalars: values(6, scale: 0.5)), name: "w")
        let b = try g.variable(Tensor([Float(1), -1, 0.5]), name: "b")
        let x = try g.placeholder(
            defaultingTo: try g.constant(values(8, scale: 0.25), shape: [4, 2]), shape: [nil, 2], name: "x")
        let y = try g.add(try g.matMul(x, w.value), b.value)
        _ = try g.maximum(try g.sqrt(try g.square(y)), try g.exp(try g.negate(y)), name: "output")
        _ = try g.globalVariablesInitializer()
        return g
    }

    /// The array, math and logic ops through their Swift builders, so that TensorFlow checks the
    /// attributes each builder writes.
    static func arrayMathLogic() throws -> Graph {
        let g = Graph()
        let x = try g.placeholder(defaultingTo: try g.constant(values(4 * 6, scale: 0.3), shape: [4, 6]),
                                  shape: [nil, 6], name: "x")
        let halves = try g.split(x, count: 2, axis: 1), parts = try g.split(x, sizes: [2, -1], axis: -1)
        let top = try g.topK(x, k: 3)
        let batch = try g.addOutput("Shape", inputs: [x], attributes: ["out_type": .type(.int64)])
        let rows = try g.range(start: try g.constant(Int64(0)), limit: try g.stridedSlice(batch, [.index(0)]),
                               delta: try g.constant(Int64(1)))
        let lowest = try g.gatherND(x, indices: try g.stack([rows, try g.argMin(x, axis: 1)], axis: 1))
        let hot = try g.oneHot(try g.argMin(x, axis: 1), depth: 6, onValue: try g.constant(Float(2)),
                               offValue: try g.constant(Float(-1)))
        let positive = try g.addOutput("Greater", inputs: [x, try g.constant(Float(0))])
        let mixed = try g.logicalAnd(try g.any(positive, axes: [1]), try g.logicalNot(try g.all(positive, axes: [1])))
        let rowPick = try g.logicalOr(mixed, try g.addOutput("Greater", inputs: [rows, try g.constant(Int64(2))]))
        let chosen = try g.addOutput("Select", inputs: [rowPick, halves[0], try g.reverse(halves[1], axes: [1])])
        let magnitude = try g.add(try g.addOutput("Abs", inputs: [parts[0]]), try g.constant(Float(0.5)))
        let powered = try g.pow(magnitude, try g.constant(Float(1.5)))
        let bounded = try g.clip(powered, min: try g.constant(Float(0.8)), max: try g.constant(Float(1.6)))
        let negative = try g.addOutput("Less", inputs: [parts[1], try g.constant(Float(0))])
        let signs = try g.select(negative, try g.negate(parts[1]), parts[1])
        let trueCount = try g.stridedSlice(try g.shape(try g.coordinatesOfTrue(positive)), [.index(0)])
        let count = try g.cast(trueCount, to: .float32)
        let spread = try g.scatterND(indices: try g.constant(Tensor(shape: [4, 1], scalars: [Int32(3), 0, 3, 1])),
                                     updates: top.values, shape: try g.constant(Tensor([Int32(4), 3])))
        let columns = [
            top.values, try g.cast(top.indices, to: .float32), try g.expandDims(lowest, axis: 1), hot, chosen,
                       bounded, signs, spread]
        _ = try g.add(try g.concat(columns, axis: 1), count, name: "output")
        return g
    }

    @Test("the committed exports are what the Swift API writes today", arguments: Array(examples.keys).sorted())
    func exportIsCurrent(_ name: String) throws {
        let json = try Self.examples[name]!().graphDefJSON()
        let file = Self.directory.appendingPathComponent(name + ".json")
        if ProcessInfo.processInfo.environment["TENSORGRAPH_WRITE_FIXTURES"] == "1" { try json.write(to: file) }
        #expect(
            try Data(contentsOf: file) == json,
            "rerun with TENSORGRAPH_WRITE_FIXTURES=1, then Tests/Fixtures/import_exported.py")
    }

    @Test("TensorFlow's results for the imported export equal ours", arguments: Array(examples.keys).sorted())
    func matchesTensorFlow(_ name: String) throws {
        let graph = try Graph.load(contentsOf: Self.directory.appendingPathComponent(name + ".json"))
        let session = Session(graph: graph)
        if graph.node(named: "init") != nil { try session.run(targets: ["init"]) }
        expectClose(try session.run("output"), try Fixtures.npy("exported/\(name).tf.npy"), name)
    }
}
