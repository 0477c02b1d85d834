import Foundation
import Testing
@testable import TensorGraph

/// Function libraries: graphs that TensorFlow 2 writes with calls into their library (nested
/// `PartitionedCall`s, a frozen `StatefulPartitionedCall`) load with the calls inlined and compute
/// TensorFlow's numbers; hand-written libraries check arguments, placeholders, control edges and
/// the errors.
@Suite("function libraries")
struct FunctionInliningTests {
    static func url(_ name: String) -> URL { Fixtures.directory.appendingPathComponent("formats/" + name) }

    @Test("tf.functions calling tf.functions (nested PartitionedCalls) load from .pb and agree with TensorFlow")
    func nestedCalls() throws {
        let graph = try Graph.load(contentsOf: Self.url("function_calls.pb"))
        let input = try Fixtures.npy("formats/function_calls_input.npy")
        let results = try Session(graph: graph).run(fetches: ["output", "mean"], feeds: ["input": input])
        expectClose(results[0], try Fixtures.npy("formats/function_calls_output.npy"), tolerance: 1e-5, "output")
        expectClose(results[1], try Fixtures.npy("formats/function_calls_mean.npy"), tolerance: 1e-5, "mean")
        // Each call's body lies under the call's name, nested calls under theirs; the call's own
        // name passes its results on.
        let names = Set(graph.nodes.map(\.name))
        #expect(names.contains("PartitionedCall/PartitionedCall/FusedBatchNormV3"))
        #expect(
            names.contains("PartitionedCall_1/conv2d_transpose") && names.contains("PartitionedCall_2/conv2d_transpose")
        )
        #expect(graph.node(named: "PartitionedCall")?.op == "IdentityN")
        #expect(!graph.nodes.contains { $0.op.hasSuffix("PartitionedCall") })
    }

    @Test(
        "a graph frozen by convert_variables_to_constants_v2 around an XLA function (as ConvNeXt is) agrees with TensorFlow")
    func frozenStatefulCall() throws {
        let graph = try Graph.load(contentsOf: Self.url("frozen_xla_call.pb"))
        let fetch = try String(contentsOf: Self.url("frozen_xla_call.txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try Session(graph: graph).run(Output(fetch),
            feeds: ["input": try Fixtures.npy("formats/frozen_xla_call_input.npy")])
        expectClose(result, try Fixtures.npy("formats/frozen_xla_call_output.npy"), "output")
        // The function's control output holds the call's stand-in back.
        #expect(
            graph.node(named: "StatefulPartitionedCall")?.controlInputs == [
                "StatefulPartitionedCall/Conv2D/ReadVariableOp"
            ])
    }

    @Test("list arguments, attribute placeholders and defaults, control inputs and control outputs")
    func handWrittenLibrary() throws {
        let graph = try Graph.load(contentsOf: Self.url("library_by_hand.pbtxt"))
        let feeds: [Output: Tensor] = ["a": Tensor(shape: [2], scalars: [Float(-1), 2]),
                                       "b": Tensor(shape: [2], scalars: [Float(-3), 1])]
        let results = try Session(graph: graph).run(fetches: ["out", "call:1"], feeds: feeds)
        expectClose(results[0], Tensor(shape: [2], scalars: [Float(-2.4), 9]), "leaky_relu((a + b) * 3)")
        expectClose(results[1], Tensor(shape: [2], scalars: [Float(-1), 2]), "the first argument returned as is")
        // Body nodes that depend on nothing else in the body wait for the call's control inputs.
        for name in ["call/total", "call/three", "call/mark"] {
            #expect(graph.node(named: name)?.controlInputs == ["gate"])
        }
        #expect(graph.node(named: "call/scaled")?.controlInputs == [])
        #expect(graph.node(named: "call")?.controlInputs == ["call/mark"])
        #expect(graph.node(named: "call/leaky")?.attributes["alpha"] == .float(0.2))
    }

    /// The library of library_by_hand.pbtxt with `edit` applied to its text, loaded; the error message.
    static func error(_ edit: (String) -> String) throws -> String {
        let text = edit(try String(contentsOf: url("library_by_hand.pbtxt"), encoding: .utf8))
        do {
            _ = try Graph.load(graphDef: Data(text.utf8))
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test(
        "a missing function, recursion, a wrong input count, an unset placeholder and an unknown output name are each one clear error")
    func errors() throws {
        let missing = try Self.error {
            $0.replacingOccurrences(of: "func { name: \"scaled_sum\"", with: "func { name: \"scaled_sun\"")
        }
        #expect(
            missing.contains("calls the function 'scaled_sun', which the graph's library does not define"), "\(missing)"
        )
        #expect(missing.contains("did you mean 'scaled_sum'?"), "\(missing)")
        let recursive = try Self.error {
            $0.replacingOccurrences(of: "name: \"mark\" op: \"NoOp\"", with: "name: \"mark\" op: \"scaled_sum\"")
        }
        #expect(
            recursive.contains("calls the function 'scaled_sum' recursively (scaled_sum → scaled_sum)"),
            "\(recursive)")
        let count = try Self.error { $0.replacingOccurrences(of: "value { i: 2 }", with: "value { i: 3 }") }
        #expect(count.contains("has 2 input(s), but the function 'scaled_sum' takes 3 (xs)"), "\(count)")
        let unset = try Self.error {
            $0.replacingOccurrences(of: "attr { key: \"T\" value { type: DT_FLOAT } } } }", with: "} }")
        }
        #expect(unset.contains("has node 'total' reading its attribute 'T', which the call does not set"), "\(unset)")
        let output = try Self.error { $0.replacingOccurrences(of: "op: \"Const\"", with: "op: \"FusedBatchNormV3\"") }
        #expect(
            output.contains(
                "has node 'scaled' with input 'three:output:0', but op FusedBatchNormV3 has no output named "
                    + "'output'; its outputs are y, batch_mean"), "\(output)")
    }

    @Test("a taken prefix is made unique")
    func uniquePrefix() throws {
        let text = try String(contentsOf: Self.url("library_by_hand.pbtxt"), encoding: .utf8)
            + "node { name: \"call/total\" op: \"NoOp\" }\n"
        let graph = try Graph.load(graphDef: Data(text.utf8))
        #expect(graph.node(named: "call_1/total")?.op == "AddN")
        #expect(graph.node(named: "call/total")?.op == "NoOp")
    }

    @Test("every op TensorGraph knows declares the output arguments TensorFlow gives it, where it has several")
    func outputArguments() throws {
        let table = try #require(try Fixtures.json("formats/op_output_arguments.json") as? [String: [String]])
        for name in Graph.supportedOps {
            guard let expected = table[name] else { continue }
            let declared = OpRegistry.definition(named: name)!.outputs.map(\.name)
            #expect(
                declared == expected,
                "\(name) has output arguments \(expected) in TensorFlow; declare them in its OpDefinition (outputs:)")
        }
    }
}

@Suite("unknown ops")
struct UnknownOpsTests {
    static let graph = """
        {"node": [{"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}}},
                  {"name": "a", "op": "Frobnicate", "input": ["x"]}, {"name": "b", "op": "Frobnicate", "input": ["a"]},
                  {"name": "c", "op": "Rellu", "input": ["b"]}, {"name": "d", "op": "Relu", "input": ["c"]}]}
        """

    @Test("every unknown op is named in one error, with the nodes using it, by load and by check")
    func listed() throws {
        let expected =
            "2 unknown ops: 'Frobnicate' (2 nodes 'a', 'b'), 'Rellu' (node 'c'; did you mean 'Relu' or 'Elu' or "
                + "'Relu6'?)"
        let (graph, errors) = try Graph.check(graphDef: Data(Self.graph.utf8))
        #expect(errors.count == 1)
        #expect(errors.first?.message == expected, "\(errors)")
        #expect(graph.node(named: "d") != nil)
        do {
            _ = try Graph.load(graphDef: Data(Self.graph.utf8))
            Issue.record("the graph loaded")
        } catch let error as GraphError {
            #expect(error.message == expected)
        }
    }
}

@Suite("function library limits")
struct FunctionLimitTests {
    /// f0 is a NoOp body; each f(k) calls f(k-1) twice, so calling f30 would inline 2^30 nodes.
    static func doubling(depth: Int) -> String {
        var text = "node { name: \"call\" op: \"f\(depth)\" }\nlibrary {\n"
        text += "  function { signature { name: \"f0\" } node_def { name: \"n\" op: \"NoOp\" } }\n"
        for k in 1...depth {
            text += "  function { signature { name: \"f\(k)\" } node_def { name: \"a\" op: \"f\(k - 1)\" } "
                + "node_def { name: \"b\" op: \"f\(k - 1)\" } }\n"
        }
        return text + "}\n"
    }

    @Test("functions calling functions many times over stop at the node limit, and a small case inlines in full")
    func exponentialCalls() throws {
        let model = try GraphDefFormat.decode(Data(Self.doubling(depth: 30).utf8), tensorByteLimit: 1 << 20)
        #expect(throws: GraphError.self) { try FunctionInliner.inline(model, maximumNodes: 10_000) }
        do {
            _ = try FunctionInliner.inline(model, maximumNodes: 10_000)
        } catch let error as GraphError {
            #expect(error.message.contains("inlines more than 10000 nodes in all"), "\(error)")
        }
        let small = try Graph.load(graphDef: Data(Self.doubling(depth: 3).utf8))
        // Three levels of two calls each: 8 leaves, each under its chain of call names.
        #expect(small.nodes.filter { $0.name.hasSuffix("/n") }.count == 8)
        #expect(small.node(named: "call/a/b/a/n") != nil)
    }
}
