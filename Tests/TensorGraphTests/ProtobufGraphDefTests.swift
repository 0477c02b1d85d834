import Foundation
import Testing
@testable import TensorGraph

/// Binary GraphDef (`.pb`) files: one that TensorFlow wrote loads and computes TensorFlow's
/// numbers, and malformed ones are each one clear error naming the field path and byte offset.
@Suite("binary GraphDef")
struct ProtobufGraphDefTests {
    static let pb = Fixtures.directory.appendingPathComponent("formats/conv_deconv.pb")

    @Test("TensorFlow's conv -> conv2d_transpose network loads from .pb and agrees with TensorFlow")
    func tensorFlowGraph() throws {
        let graph = try Graph.load(contentsOf: Self.pb)
        let input = try Fixtures.npy("formats/conv_deconv_input.npy")
        let session = Session(graph: graph)
        let results = try session.run(fetches: ["output:0", "pooled:0"], feeds: ["input:0": input])
        expectClose(results[0], try Fixtures.npy("formats/conv_deconv_output.npy"), "output")
        expectClose(results[1], try Fixtures.npy("formats/conv_deconv_pooled.npy"), "pooled")
        #expect(try graph.inferredShape(of: "deconv:0").rank == 4)
        #expect(graph.producerVersion > 0)
    }

    @Test("a graph saved as .pb loads back with the same nodes and attributes and computes the same")
    func roundTrip() throws {
        let original = try Graph.load(contentsOf: Self.pb)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("roundtrip-\(UUID().uuidString).pb")
        defer { try? FileManager.default.removeItem(at: file) }
        try original.save(to: file)
        let reloaded = try Graph.load(contentsOf: file)
        #expect(reloaded.nodes.map(\.name) == original.nodes.map(\.name))
        for (a, b) in zip(original.nodes, reloaded.nodes) {
            #expect(a.op == b.op && a.inputs == b.inputs && a.controlInputs == b.controlInputs, "\(a.name)")
            #expect(a.attributes == b.attributes, "\(a.name) attributes")
        }
        #expect(reloaded.graphDefProtobuf() == original.graphDefProtobuf())
        let input = try Fixtures.npy("formats/conv_deconv_input.npy")
        expectClose(try Session(graph: reloaded).run("output", feeds: ["input": input]),
                    try Fixtures.npy("formats/conv_deconv_output.npy"), "output after the round trip")
        // Every attribute kind, negative integers, an unknown-rank shape and empty lists.
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: Shape([nil, 3]), name: "x")
        _ = try graph.placeholder(.int64, shape: .unknown, name: "y")
        _ = try graph.addOutput("Pack", name: "p", inputs: [x, x], attributes: ["axis": .int(-1)])
        _ = try graph.constant(Tensor(shape: [2], scalars: [Int64(-5), 1 << 40]), name: "c")
        let again = try Graph.load(graphDef: graph.graphDefProtobuf())
        for (a, b) in zip(graph.nodes, again.nodes) { #expect(a.attributes == b.attributes, "\(a.name) attributes") }
    }

    /// The message a load of `bytes` throws, or nil.
    static func error(_ bytes: [UInt8]) -> String? {
        do {
            _ = try Graph.load(graphDef: Data(bytes))
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A length-delimited field: key, varint length, bytes.
    static func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] {
        var length = payload.count, varint: [UInt8] = []
        repeat {
            varint.append(UInt8(length & 0x7f) | (length >= 0x80 ? 0x80 : 0))
            length >>= 7
        } while length > 0
        return [number << 3 | 2] + varint + payload
    }

    static let constNode = field(1, field(1, Array("c".utf8)) + field(2, Array("Const".utf8))
        + field(5, field(1, Array("dtype".utf8)) + field(2, [0x30, 0x01]))
            + field(
                5,
                field(1, Array("value".utf8))
                    + field(2, field(8, [0x08, 0x01] + field(2, field(2, [0x08, 0x03])) + field(4, [0, 0, 128, 63])))))

    @Test("a hand-written GraphDef holds what it says; its tensor_content too short is an error naming the field")
    func handWritten() throws {
        #expect(Self.error(Self.constNode)?.contains("has 4 bytes of tensor_content, but float32 [3] needs 12") == true)
        #expect(Self.error(Self.constNode)?.contains("node[0].attr.[\"value\"].tensor") == true)
        let good = Self.field(1, Self.field(1, Array("c".utf8)) + Self.field(2, Array("Const".utf8))
            + Self.field(5, Self.field(1, Array("dtype".utf8)) + Self.field(2, [0x30, 0x01]))
            + Self.field(5, Self.field(1, Array("value".utf8)) + Self.field(2, Self.field(8, [0x08, 0x01]
                + Self.field(2, Self.field(2, [0x08, 0x03])) + [0x2d, 0, 0, 0x40, 0x40]))))
        let graph = try Graph.load(graphDef: Data(good))
        // One float_val repeats over the whole shape, as TensorFlow fills it.
        #expect(try Session(graph: graph).run("c").scalars(as: Float.self) == [3, 3, 3])
    }

    @Test("malformed bytes are one clear error each", arguments: [
        ([0x0a, 0x05, 0x0a], "a field claims 5 bytes, but its message has 1 left"),
        ([0x0a, 0x80], "a varint runs past the end of its message"),
        ([0x0a] + [UInt8](repeating: 0xff, count: 11), "a varint is longer than 64 bits"),
        ([0x0b], "wire type 3 is not one protobuf uses"),
        ([0x0a, 0x02, 0x12, 0x00], "has no name"),
        ([0x0d, 0, 0, 0, 0], "has wire type fixed32, expected lengthDelimited"),
    ] as [([UInt8], String)])
    func malformed(_ bytes: [UInt8], _ expected: String) {
        let message = Self.error(bytes)
        #expect(message?.contains(expected) == true, "\(message ?? "no error")")
    }

    @Test("an unknown field nested 10,000 deep is skipped by its length, not descended")
    func deepUnknownField() throws {
        var payload: [UInt8] = []
        for _ in 0..<10_000 { payload = Self.field(1, payload) }
        let node = Self.field(
            1, Self.field(1, Array("n".utf8)) + Self.field(2, Array("NoOp".utf8)) + Self.field(7, payload))
        #expect(try Graph.load(graphDef: Data(node)).nodeCount == 1)
    }

    @Test("known messages nested deeper than TensorFlow's 100 levels are an error, not a deep recursion")
    func deepKnownNesting() {
        // attr { key: "f" value { func { name: "g" attr { ... } } } }: three messages a level.
        var value: [UInt8] = []
        for _ in 0..<60 {
            let entry = Self.field(1, Array("f".utf8)) + Self.field(2, value)
            value = Self.field(10, Self.field(1, Array("g".utf8)) + Self.field(2, entry))
        }
        let node = Self.field(1, Array("n".utf8)) + Self.field(2, Array("NoOp".utf8))
            + Self.field(5, Self.field(1, Array("f".utf8)) + Self.field(2, value))
        let message = Self.error(Self.field(1, node))
        #expect(message?.contains("messages nest deeper than 100 levels") == true, "\(message ?? "no error")")
    }

    @Test("a field repeated a million times is read in one pass")
    func manyInputs() throws {
        var node = Self.field(1, Array("i".utf8)) + Self.field(2, Array("NoOp".utf8))
        for _ in 0..<1_000_000 { node += Self.field(3, Array("^i".utf8)) }
        let message = Self.error(Self.field(1, node))
        #expect(message?.contains("cycle") == true, "\(message ?? "no error")")
    }
}
