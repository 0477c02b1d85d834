import Foundation
import Testing
@testable import TensorGraph

/// The dtypes TensorFlow passes between ops without computing on them: DT_STRING (Assert's
/// messages), DT_RESOURCE (a TensorArray's handle) and DT_VARIANT (a tensor list). They load, save,
/// feed and pass through Identity; Assert reads strings; numeric ops refuse them by name.
@Suite("string, resource and variant dtypes")
struct OpaqueDTypeTests {
    /// A graph with a string constant, a fed string placeholder and an Identity of each.
    static func stringGraph() throws -> Graph {
        let graph = Graph()
        let message = try graph.constant(Tensor(shape: [2], strings: ["shape is ", "bytes \u{e9}"]), name: "message")
        _ = try graph.identity(message, name: "same")
        let fed = try graph.placeholder(.string, shape: [nil], name: "fed")
        _ = try graph.identity(fed, name: "fed_same")
        return graph
    }

    @Test("a string constant survives .pb, JSON and .pbtxt, and strings feed and fetch")
    func stringRoundTrip() throws {
        let graph = try Self.stringGraph()
        for data in [graph.graphDefProtobuf(), graph.graphDefJSON(), Data(graph.graphDefText().utf8)] {
            let loaded = try Graph.load(graphDef: data)
            let results = try Session(graph: loaded).run(
                fetches: ["same", "fed_same"], feeds: ["fed": Tensor(shape: [1], strings: ["x"])])
            #expect(results[0].strings == ["shape is ", "bytes \u{e9}"])
            #expect(results[1].strings == ["x"] && results[1].dtype == .string)
        }
        #expect(graph.graphDefText().contains("string_val: \"shape is \""))
        #expect(graph.graphDefText().contains("dtype: DT_STRING"))
    }

    @Test("TensorFlow's string constants load from pbtxt, repeating the last value as TensorFlow does")
    func stringValRepeats() throws {
        let text = """
            node { name: "c" op: "Const" attr { key: "dtype" value { type: DT_STRING } }
              attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { dim { size: 3 } }
                string_val: "a\\001" string_val: "b" } } } }
            """
        let value = try Session(graph: try Graph.load(graphDef: Data(text.utf8))).run("c")
        #expect(value.storage == .string([[97, 1], [98], [98]]))
    }

    @Test("resource and variant dtypes load in attributes; a resource constant is refused by name")
    func resourceAttributes() throws {
        let text = """
            node { name: "p" op: "Placeholder" attr { key: "dtype" value { type: DT_VARIANT } } }
            node { name: "c" op: "Const" attr { key: "dtype" value { type: DT_RESOURCE } }
              attr { key: "value" value { tensor { dtype: DT_RESOURCE tensor_shape { } } } } }
            """
        #expect(throws: GraphError.self) { try Graph.load(graphDef: Data(text.utf8)) }
        do {
            _ = try Graph.load(graphDef: Data(text.utf8))
        } catch let error as GraphError {
            #expect(error.description.contains("DT_RESOURCE constant"))
        }
        let variant = try Graph.load(graphDef: Data(text.split(separator: "\n")[0].utf8))
        #expect(try variant.inferredShape(of: "p") == .unknown)
        #expect(variant.graphDefText().contains("type: DT_VARIANT"))
    }

    @Test("a numeric op given a string input fails at build time naming the node, the op and the dtype")
    func numericOpsRefuse() throws {
        let graph = try Self.stringGraph()
        let error = try #require(throws: GraphError.self) {
            try graph.addOutput("Relu", name: "relu", inputs: ["same"])
        }
        #expect(error.node == "relu" && error.op == "Relu" && error.kind == .unsupported)
        #expect(error.description.contains("string"))
        let concat = try #require(throws: GraphError.self) {
            try graph.addOutput("ConcatV2", name: "joined", inputs: ["same", "same", try graph.constant(Int32(0))])
        }
        #expect(concat.node == "joined" && concat.description.contains("string"))
        let npy = FileManager.default.temporaryDirectory.appendingPathComponent("string.npy")
        #expect(throws: GraphError.self) { try NPY.write(Tensor(shape: [], strings: ["a"]), to: npy) }
    }

    @Test("Assert passes when its condition holds, and fails the run with TensorFlow's message when it does not")
    func assertion() throws {
        let graph = Graph()
        let condition = try graph.placeholder(.bool, shape: [], name: "condition")
        let message = try graph.constant(Tensor(shape: [], strings: ["Expected shape is "]), name: "message")
        let shape = try graph.constant([2, 3, 4, 5] as [Int32], shape: [4], name: "shape")
        let check = try graph.addOperation("Assert", name: "check", inputs: [condition, message, shape])
        let value = try graph.constant(Float(1.5), name: "value")
        let guarded = try graph.addNode("Identity", name: "guarded", inputs: [value], controlInputs: [check])[0]
        let session = Session(graph: graph)
        #expect(try session.run(guarded, feeds: [condition: Tensor(true)]) == Tensor(Float(1.5)))
        let error = try #require(throws: GraphError.self) {
            try session.run(guarded, feeds: [condition: Tensor(false)])
        }
        #expect(error.kind == .assertionFailed && error.node == "check" && error.op == "Assert")
        #expect(error.message == "assertion failed: [Expected shape is ] [2 3 4...]")
    }
}
