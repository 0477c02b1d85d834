import Foundation
import Testing
@testable import TensorGraph

/// Text GraphDef (`.pbtxt`): files TensorFlow wrote load and compute its numbers; every form of
/// the text format TensorFlow and people write reads; the same graph goes pb → JSON → pbtxt and
/// back unchanged; malformed text is one error naming the line and column.
@Suite("text GraphDef")
struct PbtxtTests {
    static func url(_ name: String) -> URL { Fixtures.directory.appendingPathComponent("formats/" + name) }

    @Test("TensorFlow's conv -> conv2d_transpose network loads from .pbtxt and agrees with TensorFlow")
    func tensorFlowGraph() throws {
        let graph = try Graph.load(contentsOf: Self.url("conv_deconv.pbtxt"))
        let input = try Fixtures.npy("formats/conv_deconv_input.npy")
        let results = try Session(graph: graph).run(fetches: ["output:0", "pooled:0"], feeds: ["input:0": input])
        expectClose(results[0], try Fixtures.npy("formats/conv_deconv_output.npy"), "output")
        expectClose(results[1], try Fixtures.npy("formats/conv_deconv_pooled.npy"), "pooled")
        let binary = try Graph.load(contentsOf: Self.url("conv_deconv.pb"))
        #expect(graph.graphDefProtobuf() == binary.graphDefProtobuf(), "the .pbtxt and the .pb are the same graph")
    }

    @Test("a text GraphDef with a function library (nested calls, non-UTF-8 config_proto) agrees with TensorFlow")
    func library() throws {
        let graph = try Graph.load(contentsOf: Self.url("function_calls.pbtxt"))
        let input = try Fixtures.npy("formats/function_calls_input.npy")
        let results = try Session(graph: graph).run(fetches: ["output", "mean"], feeds: ["input": input])
        expectClose(results[0], try Fixtures.npy("formats/function_calls_output.npy"), "output")
        expectClose(results[1], try Fixtures.npy("formats/function_calls_mean.npy"), "mean")
    }

    @Test("pb -> JSON -> pbtxt -> pb gives identical graphs, attribute for attribute and byte for byte")
    func roundTrips() throws {
        let original = try Graph.load(contentsOf: Self.url("function_calls.pb"))
        let viaJSON = try Graph.load(graphDef: original.graphDefJSON())
        let viaText = try Graph.load(graphDef: Data(viaJSON.graphDefText().utf8))
        let back = try Graph.load(graphDef: viaText.graphDefProtobuf())
        for graph in [viaJSON, viaText, back] {
            #expect(graph.nodes.map(\.name) == original.nodes.map(\.name))
            for (a, b) in zip(original.nodes, graph.nodes) {
                #expect(a.op == b.op && a.inputs == b.inputs && a.controlInputs == b.controlInputs, "\(a.name)")
                #expect(a.attributes == b.attributes, "\(a.name) attributes")
            }
        }
        #expect(back.graphDefProtobuf() == original.graphDefProtobuf())
        #expect(back.graphDefText() == original.graphDefText())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("roundtrip-\(UUID().uuidString).pbtxt")
        defer { try? FileManager.default.removeItem(at: file) }
        try original.save(to: file)
        #expect(try String(contentsOf: file, encoding: .utf8).hasPrefix("node {\n  name: \"input\"\n"))
        #expect(try Graph.load(contentsOf: file).graphDefProtobuf() == original.graphDefProtobuf())
    }

    @Test("bytes that are not UTF-8 in `s` are kept through every format, and an op reading them as text says so")
    func byteStrings() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2], name: "x")
        let bytes: [UInt8] = [0x0a, 0x07, 0x82, 0x01, 0x00, 0xff, 0x22, 0x5c]
        _ = try graph.addOutput("Identity", name: "tagged", inputs: [x],
                                attributes: ["_config": .bytes(bytes), "_list": .byteStrings([bytes, [0x41]])])
        for data in [graph.graphDefProtobuf(), graph.graphDefJSON(), Data(graph.graphDefText().utf8)] {
            let node = try #require(try Graph.load(graphDef: data).node(named: "tagged"))
            #expect(node.attributes["_config"] == .bytes(bytes))
            #expect(node.attributes["_list"] == .byteStrings([bytes, [0x41]]))
        }
        #expect(AttrValue(bytes: Array("SAME".utf8)) == .string("SAME"))
        let text = graph.graphDefText()
        #expect(text.contains("s: \"\\n\\007\\202\\001\\000\\377\\\"\\\\\""), "\(text)")
        let bad = """
            node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
            node { name: "r" op: "MaxPool" input: "x" attr { key: "padding" value { s: "\\377" } }
                   attr { key: "ksize" value { list { i: [1, 1, 1, 1] } } }
                   attr { key: "strides" value { list { i: [1, 1, 1, 1] } } } }
            """
        let message = Self.error(bad)
        #expect(message.contains("attribute 'padding' holds bytes that are not UTF-8 text"), "\(message)")
    }

    @Test("the text format's forms: comments, <>, lists, escapes, float forms, enums by number, unknown fields")
    func forms() throws {
        let text = #"""
            # a comment
            node <
              name: 'c' op: "Co" "nst"   # adjacent strings join
              attr { key: "dtype" value { type: 1 } }
              attr: {
                key: "value"
                value { tensor {
                  dtype: DT_FLOAT
                  tensor_shape { dim { size: 8 } }
                  float_val: [1e-05, -0, inf, -inf, 2.5f, .5, 16, 1E2]
                  future_field { deeply { nested: [1, 2] name: "x" } }
                } }
              }
              attr { key: "_note" value { s: "tab\there \"q\" \x41\101\u00e9\n" } }
              [type.googleapis.com/some.Extension] { anything: true }
              unknown_scalar: -12e3;
            >
            versions { producer: 0x10, min_consumer: 010 }
            """#
        let graph = try Graph.load(graphDef: Data(text.utf8))
        let values = try #require(try Session(graph: graph).run("c").scalars(as: Float.self))
        #expect(values.count == 8)
        #expect(values[0] == 1e-05 && values[1] == 0 && values[1].sign == .minus && values[2] == .infinity)
        #expect(values[3] == -.infinity && values[4] == 2.5 && values[5] == 0.5 && values[6] == 16 && values[7] == 100)
        #expect(graph.node(named: "c")?.attributes["_note"] == .string("tab\there \"q\" AAé\n"))
        #expect(graph.producerVersion == 16 && graph.minimumConsumerVersion == 8)
        let nan = try Graph.load(graphDef: Data(text.replacingOccurrences(of: "1e-05", with: "nan").utf8))
        #expect(try #require(try Session(graph: nan).run("c").scalars(as: Float.self))[0].isNaN)
    }

    /// The error a load of `text` throws, or "no error".
    static func error(_ text: String) -> String {
        do {
            _ = try Graph.load(graphDef: Data(text.utf8))
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("malformed text is one error naming the line and column", arguments: [
        ("node {\n  name: \"a\"\n  op \"NoOp\"\n}", "pbtxt node.op at line 3, column 6: expected ':' after 'op'"),
        ("node {\n  name: \"a\n}", "pbtxt node.name at line 2, column 9: the string is not closed on its line"),
        ("node {\n  name: \"a\"", "at line 2, column 12: the message is not closed with '}' before the end"),
            (
                "node { name: \"a\" op: \"NoOp\" } }",
                "pbtxt GraphDef at line 1, column 31: expected a field name, found '}'"
            ),
            (
                "versions { producer: 2147483648 }",
                "line 1, column 22: 2147483648 is out of range for int32 field 'producer'"
            ),
            (
                "node { attr { key: \"i\" value { i: 99999999999999999999 } } }",
                "expected an integer, found '99999999999999999999'"
            ),
            (
                "node { attr { key: \"t\" value { type: DT_FLAOT } } }",
                "line 1, column 38: expected a DataType such as DT_FLOAT, found 'DT_FLAOT'"
            ),
        ("node { name: \"a\\q\" }", "line 1, column 16: unknown escape '\\q' in a string"),
        ("node { name: \"\\777\" }", "the octal escape \\777 is larger than a byte"),
        ("node { attr { key: \"f\" value { f: 1.5.5 } } }", "expected a number, found '1.5.5'"),
        ("node { name: \"a\" op: \"NoOp\" }\nnode { op: \"NoOp\" }", "pbtxt node[1] at line 2, column 8: has no name"),
        ("node { name: \"\\377\" }", "'name' must be UTF-8 text"),
    ])
    func malformed(_ text: String, _ expected: String) {
        let message = Self.error(text)
        #expect(message.contains(expected), "\(message)")
    }

    @Test("nesting deeper than TensorFlow's 100 levels is an error, in known and in unknown fields")
    func deepNesting() {
        let unknown = "node { " + String(repeating: "x { ", count: 200) + String(repeating: "} ", count: 200) + "}"
        #expect(Self.error(unknown).contains("messages nest deeper than 100 levels"), "\(Self.error(unknown))")
        let known =
            "node { attr { key: \"k\" value { " + String(repeating: "func { attr { key: \"k\" value { ", count: 40)
        #expect(Self.error(known).contains("messages nest deeper than 100 levels"), "\(Self.error(known))")
        #expect(
            Self.error("node { " + String(repeating: "[", count: 100_000)).contains(
                "the bracketed field name is not closed"))
    }
}
