import Foundation
import Testing
@testable import TensorGraph

/// The array, math and logic ops of issue 13 beyond their TensorFlow fixtures (ops.json): shapes
/// inferred while building, diagnostics, and hostile values that must be one clear error.
@Suite("array, math and logic ops")
struct ArrayMathLogicOpsTests {
    static let one = Tensor(Float(1)), zero = Tensor(Float(0))

    /// Runs `op` on constants fed through placeholders, so that the kernel (not folding) sees them.
    static func run(_ op: String, _ inputs: [Tensor], attributes: [String: AttrValue] = [:],
                    maximumTensorBytes: Int = Limits.defaultMaximumTensorBytes) throws -> [Tensor] {
        let graph = Graph()
        let placeholders = try inputs.enumerated().map {
            try graph.placeholder($1.dtype, shape: .unknown, name: "in\($0)")
        }
        let outputs = try graph.addNode(op, name: "node", inputs: placeholders, attributes: attributes)
        let session = Session(graph: graph, maximumTensorBytes: maximumTensorBytes)
        return try session.run(fetches: outputs, feeds: Dictionary(uniqueKeysWithValues: zip(placeholders, inputs)))
    }

    @Test("shapes known while building: split pieces, SplitV's -1, Range and Where from constants, OneHot, TopK")
    func inferredShapes() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [nil, 6], name: "x")
        #expect(try graph.split(x, count: 3, axis: -1).map { try graph.inferredShape(of: $0) }
                == [[nil, 2], [nil, 2], [nil, 2]])
        #expect(try graph.split(x, sizes: [1, -1, 2], axis: 1).map { try graph.inferredShape(of: $0) }
                == [[nil, 1], [nil, 3], [nil, 2]])
        let range = try graph.range(start: try graph.constant(Int32(10)), limit: try graph.constant(Int32(-3)),
                                    delta: try graph.constant(Int32(-4)))
        #expect(try graph.inferredShape(of: range) == [4])
        #expect(try graph.info(of: range).value == Tensor([Int32(10), 6, 2, -2]))
        let mask = try graph.constant(Tensor(shape: [2, 2], scalars: [true, false, true, true]))
        #expect(try graph.inferredShape(of: try graph.coordinatesOfTrue(mask)) == [3, 2])
        #expect(try graph.inferredShape(of: try graph.coordinatesOfTrue(x)) == [nil, 2])
        let labels = try graph.placeholder(.int64, shape: [nil], name: "labels")
        let hot = try graph.oneHot(labels, depth: 10, onValue: try graph.constant(Float(1)),
                                   offValue: try graph.constant(Float(0)))
        #expect(try graph.inferredShape(of: hot) == [nil, 10])
        let top = try graph.topK(x, k: 4)
        #expect(try graph.inferredShape(of: top.values) == [nil, 4])
        #expect(try graph.dtype(of: top.indices) == .int32)
    }

    @Test("diagnostics name the node, the shapes and the fix")
    func diagnostics() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 5], name: "x")
        let uneven = errorText { try graph.split(x, count: 2, axis: 1, name: "halves") }
        #expect(uneven?.contains("Split 'halves'") == true
                && uneven?.contains("dimension 1 of value [2, 5] (size 5)") == true
                && uneven?.contains("SplitV") == true, "\(uneven ?? "")")
        let twoOpen = errorText { try graph.split(x, sizes: [-1, -1], axis: 1, name: "open") }
        #expect(twoOpen?.contains("more than one -1") == true, "\(twoOpen ?? "")")
        let tooMuch = errorText { try graph.split(x, sizes: [3, 3], axis: 1, name: "sum") }
        #expect(tooMuch?.contains("add up to 6, but dimension 1 has size 5") == true
                && tooMuch?.contains("value [2, 5]") == true, "\(tooMuch ?? "")")
        let topK = errorText { try graph.topK(x, k: 7, name: "top") }
        #expect(topK?.contains("TopKV2 'top'") == true && topK?.contains("only 5 elements") == true
                && topK?.contains("at most 5") == true, "\(topK ?? "")")
        let zeroStep = errorText {
            try graph.range(start: try graph.constant(Int32(0)), limit: try graph.constant(Int32(4)),
                            delta: try graph.constant(Int32(0)), name: "steps")
        }
        #expect(zeroStep?.contains("Range 'steps'") == true && zeroStep?.contains("delta is 0") == true,
                "\(zeroStep ?? "")")
        let condition = try graph.constant(Tensor([true, false, true]))
        let select = errorText { try graph.addOutput("Select", name: "pick", inputs: [condition, x, x]) }
        #expect(select?.contains("condition [3] must be a scalar") == true, "\(select ?? "")")
        let reverse = errorText { try graph.reverse(x, axes: [0, -2], name: "flip") }
        #expect(reverse?.contains("axis 0 is listed more than once") == true, "\(reverse ?? "")")
        let bounds = errorText {
            try graph.clip(x, min: try graph.constant(Tensor([Float(0), 1])), max: try graph.constant(Float(1)),
                           name: "clip")
        }
        #expect(bounds?.contains("ClipByValue 'clip'") == true && bounds?.contains("[2]") == true, "\(bounds ?? "")")
        let indices = try graph.constant(Tensor(shape: [1, 3], scalars: [Int32(0), 0, 0]))
        let gather = errorText { try graph.gatherND(x, indices: indices, name: "g") }
        #expect(gather?.contains("tuples of length 3 cannot address params of rank 2") == true, "\(gather ?? "")")
    }

    @Test("out-of-range indices are one error, worded as TensorFlow's CPU kernels")
    func badIndices() throws {
        let params = Tensor(shape: [3, 4], scalars: (0..<12).map(Float.init))
        let gather = errorText {
            try Self.run("GatherNd", [params, Tensor(shape: [2, 2], scalars: [Int32(0), 1, 5, 0])])
        }
        #expect(gather?.contains("indices[1] = [5, 0] does not index into param shape [3, 4]") == true,
                "\(gather ?? "")")
        let scatter = errorText {
            try Self.run("ScatterNd", [Tensor(shape: [2, 1], scalars: [Int32(0), -1]), Tensor([Float(1), 2]),
                                       Tensor([Int32(4)])])
        }
        #expect(scatter?.contains("indices[1] = [-1] does not index into shape [4]") == true, "\(scatter ?? "")")
        let power = errorText { try Self.run("Pow", [Tensor([Int32(2)]), Tensor([Int32(-1)])]) }
        #expect(power?.contains("negative integer powers") == true, "\(power ?? "")")
        // TensorFlow's OneHot gives a row of off_value for an index outside 0..<depth; so does this.
        let hot = try Self.run("OneHot", [Tensor([Int64(1), 9, -1]), Tensor(Int32(2)), Self.one, Self.zero])
        #expect(hot[0] == Tensor(shape: [3, 2], scalars: [0, 1, 0, 0, 0, 0] as [Float]))
    }

    @Test("sizes read from data are checked against the session's limit before allocating")
    func sizesFromData() throws {
        let limit = 1 << 20
        let range = errorText {
            try Self.run("Range", [Tensor(Int64(0)), Tensor(Int64(1) << 40), Tensor(Int64(1))],
                         maximumTensorBytes: limit)
        }
        #expect(range?.contains("would exceed the limit of \(limit) bytes") == true, "\(range ?? "")")
        let hugeRange = errorText { try Self.run("Range", [Tensor(Int64.min), Tensor(Int64.max), Tensor(Int64(1))]) }
        #expect(hugeRange?.contains("more elements than any tensor can hold") == true, "\(hugeRange ?? "")")
        let scatter = errorText {
            try Self.run("ScatterNd", [Tensor(shape: [1, 1], scalars: [Int32(0)]),
                                       Tensor(shape: [1, 4], scalars: [Float](repeating: 1, count: 4)),
                                       Tensor([Int32(1) << 30, 4])], maximumTensorBytes: limit)
        }
        #expect(scatter?.contains("would exceed the limit") == true, "\(scatter ?? "")")
        let hot = errorText {
            try Self.run("OneHot", [Tensor([Int64(1)]), Tensor(Int32.max), Self.one, Self.zero],
                         maximumTensorBytes: limit)
        }
        #expect(hot?.contains("would exceed the limit") == true, "\(hot ?? "")")
        let negative = errorText {
            try Self.run("OneHot", [Tensor([Int64(1)]), Tensor(Int32(-2)), Self.one, Self.zero])
        }
        #expect(negative?.contains("depth is -2") == true, "\(negative ?? "")")
        let floats = errorText { try Self.run("Range", [Tensor(Float(0)), Tensor(Float.infinity), Tensor(Float(1))]) }
        #expect(floats?.contains("more elements than any tensor can hold") == true, "\(floats ?? "")")
    }

    @Test("a graph file cannot make a node of a billion outputs")
    func outputCounts() throws {
        func load(_ op: String, _ inputs: String, _ attribute: String) -> String? {
            let placeholder =
                "{\"name\": \"x\", \"op\": \"Placeholder\", \"attr\": {\"dtype\": {\"type\": \"DT_FLOAT\"}}}"
            let axis = "{\"name\": \"axis\", \"op\": \"Const\", \"attr\": {\"dtype\": {\"type\": \"DT_INT32\"}, "
                + "\"value\": {\"tensor\": {\"dtype\": \"DT_INT32\", \"tensorShape\": {}, \"intVal\": [1]}}}}"
            let node = "{\"name\": \"s\", \"op\": \"\(op)\", \"input\": [\(inputs)], "
                + "\"attr\": {\"\(attribute)\": {\"i\": \"1000000000000\"}}}"
            return errorText { try Graph.load(graphDef: Data("{\"node\": [\(placeholder), \(axis), \(node)]}".utf8)) }
        }
        let split = load("Split", "\"axis\", \"x\"", "num_split")
        #expect(
            split?.contains("Split 's': num_split is 1000000000000; it must be in 1...65536") == true, "\(split ?? "")")
        let unpack = load("Unpack", "\"x\"", "num")
        #expect(
            unpack?.contains("Unpack 's': num is 1000000000000; it must be in 0...65536") == true, "\(unpack ?? "")")
    }

    @Test("int64 values past 2^53 compare exactly in ArgMax, ArgMin and TopKV2")
    func wideIntegers() throws {
        let big = Int64(1) << 60
        let values = Tensor([big + 1, big + 3, big + 2])
        #expect(try Self.run("ArgMax", [values, Tensor(Int32(0))])[0] == Tensor(Int64(1)))
        #expect(try Self.run("ArgMin", [values, Tensor(Int32(0))])[0] == Tensor(Int64(0)))
        let top = try Self.run("TopKV2", [values, Tensor(Int32(2))])
        #expect(top[0] == Tensor([big + 3, big + 2]) && top[1] == Tensor([Int32(1), 2]))
    }

    @Test("empty and degenerate inputs: no true element, k = 0, zero-size splits")
    func degenerate() throws {
        #expect(try Self.run("Where", [Tensor([false, false])])[0] == Tensor(shape: [0, 1], scalars: [Int64]()))
        let top = try Self.run("TopKV2", [Tensor(repeating: 1, shape: [2, 3], dtype: .float32), Tensor(Int32(0))])
        #expect(top[0].shape == [2, 0] && top[1].shape == [2, 0])
        let pieces = try Self.run("SplitV", [Tensor([Float(1), 2, 3]), Tensor([Int64(0), -1, 0]), Tensor(Int32(0))],
                                  attributes: ["num_split": .int(3)])
        #expect(pieces.map(\.shape) == [[0], [3], [0]])
        #expect(try Self.run("All", [Tensor(shape: [0], scalars: [Bool]()), Tensor([Int32(0)])])[0] == Tensor(true))
        #expect(try Self.run("Any", [Tensor(shape: [0], scalars: [Bool]()), Tensor([Int32(0)])])[0] == Tensor(false))
    }

    @Test("gradients against finite differences: split, pow, clip, select, top-k, gather_nd, scatter_nd, reverse")
    func gradients() throws {
        typealias G = GradientTests
        try G.check("split", [[4, 6]]) { g, x in
            let parts = try g.split(x[0], count: 3, axis: 1)
            return try g.concat([parts[2], try g.square(parts[0])], axis: 1)  // no gradient reaches parts[1]
        }
        try G.check("splitV", [[3, 7]]) { g, x in
            let parts = try g.split(x[0], sizes: [2, -1, 3], axis: -1)
            return try g.multiply(parts[0], try g.stridedSlice(parts[2], [.all, .range(1, nil)]))
        }
        try G.check("pow", [[2, 3], [3]], positive: true) { g, x in try g.pow(x[0], x[1]) }
        try G.check("clip, scalar bounds", [[3, 4]]) { g, x in
            try g.clip(x[0], min: try g.constant(Double(-0.4)), max: try g.constant(Double(0.5)))
        }
        try G.check("clip, every operand", [[2, 3], [], []]) { g, x in
            try g.clip(try g.multiply(x[0], try g.constant(Double(3))), min: x[1],
                       max: try g.add(x[2], try g.constant(Double(1))))
        }
        try G.check("clip, tensor bounds", [[2, 3], [2, 3]]) { g, x in
            try g.clip(x[0], min: try g.subtract(x[1], try g.constant(Double(0.3))),
                       max: try g.add(x[1], try g.constant(Double(0.2))))
        }
        try G.check("select rows", [[2, 3], [2, 3]]) { g, x in
            try g.addOutput("Select", inputs: [try g.constant(Tensor([true, false])), x[0], x[1]])
        }
        try G.check("topK", [[3, 5]]) { g, x in try g.topK(x[0], k: 2).values }
        try G.check("gatherNd, a repeated index", [[3, 4, 2]]) { g, x in
            try g.gatherND(x[0], indices: try g.constant(Tensor(shape: [3, 2], scalars: [Int32(0), 1, 2, 3, 0, 1])))
        }
        try G.check("scatterNd", [[3, 2]]) { g, x in
            try g.scatterND(indices: try g.constant(Tensor(shape: [3, 1], scalars: [Int64(1), 3, 1])), updates: x[0],
                            shape: try g.constant(Tensor([Int64(5), 2])))
        }
        try G.check("reverse", [[2, 3, 4]]) { g, x in try g.reverse(x[0], axes: [0, -1]) }
    }
}
