import Foundation
import Testing
@testable import TensorGraph

/// Malformed and hostile graph files: each is one clear error, never a crash or a trap.
@Suite("hostile graph files")
struct HostileInputTests {
    static func load(_ text: String) -> String? {
        errorText { try Graph.load(graphDef: Data(text.utf8)) }
    }

    static func constant(
        _ name: String, dtype: String = "DT_FLOAT", dims: [String], content: String? = nil, values: String? = nil
    ) -> String {
        let dimText = dims.map { "{\"size\": \"\($0)\"}" }.joined(separator: ", ")
        let body =
            content.map { "\"tensorContent\": \"\($0)\"" }
            ?? "\"\(dtype == "DT_FLOAT" ? "floatVal" : "int64Val")\": [\(values ?? "")]"
        return
            "{\"name\": \"\(name)\", \"op\": \"Const\", \"attr\": {\"dtype\": {\"type\": \"\(dtype)\"}, \"value\": "
                + "{\"tensor\": {\"dtype\": \"\(dtype)\", \"tensorShape\": {\"dim\": [\(dimText)]}, \(body)}}}}"
    }

    static let cases: [(String, String, String)] = [
        ("invalid JSON", "{\"node\": [{]}", "the graph file is not valid JSON"),
        ("not an object", "42", "the graph must be a JSON object, not a number"),
        ("node list of wrong type", "{\"node\": {}}", "node must be an array, not an object"),
        ("node of wrong type", "{\"node\": [7]}", "node[0] must be a JSON object, not a number"),
        ("missing name", "{\"node\": [{\"op\": \"NoOp\"}]}", "node[0] has no name"),
        ("missing op", "{\"node\": [{\"name\": \"a\"}]}", "node[0] ('a') has no op"),
        (
            "name of wrong type", "{\"node\": [{\"name\": 5, \"op\": \"NoOp\"}]}",
            "node[0].name must be a string, not a number"
        ),
        (
            "input of wrong type", "{\"node\": [{\"name\": \"a\", \"op\": \"NoOp\", \"input\": [1]}]}",
            "node[0].input[0] must be a tensor name"
        ),
        (
            "unknown op", "{\"node\": [{\"name\": \"a\", \"op\": \"Frobnicate\"}]}",
            "Frobnicate 'a': unknown op 'Frobnicate'"
        ),
        (
            "dangling input", "{\"node\": [{\"name\": \"a\", \"op\": \"Identity\", \"input\": [\"ghost\"]}]}",
            "Identity 'a': has input 'ghost', but no node is named 'ghost'"
        ),
        (
            "dangling control input", "{\"node\": [{\"name\": \"a\", \"op\": \"NoOp\", \"input\": [\"^ghost\"]}]}",
            "NoOp 'a': has input 'ghost', but no node is named 'ghost'"
        ),
        (
            "missing output index",
            "{\"node\": [\(constant("c", dims: ["1"], values: "1")), {\"name\": \"a\", \"op\": \"Identity\", "
                + "\"input\": [\"c:3\"]}]}",
         "Identity 'a': has input 'c:3', but 'c' has 1 output(s)"),
        (
            "duplicate names", "{\"node\": [{\"name\": \"a\", \"op\": \"NoOp\"}, {\"name\": \"a\", \"op\": \"NoOp\"}]}",
            "NoOp 'a': two nodes are named 'a'"
        ),
        (
            "cycle through data",
            "{\"node\": [{\"name\": \"a\", \"op\": \"Identity\", \"input\": [\"b\"]}, {\"name\": \"b\", \"op\": "
                + "\"Identity\", \"input\": [\"a\"]}]}",
         "the graph has a cycle: 'a' -> 'b' -> 'a'"),
        (
            "cycle through control",
            "{\"node\": [{\"name\": \"a\", \"op\": \"NoOp\", \"input\": [\"^b\"]}, {\"name\": \"b\", \"op\": "
                + "\"NoOp\", \"input\": [\"^a\"]}]}",
         "the graph has a cycle: 'a' -> 'b' -> 'a'"),
        (
            "self-loop", "{\"node\": [{\"name\": \"a\", \"op\": \"Identity\", \"input\": [\"a\"]}]}",
            "the graph has a cycle: 'a' -> 'a'"
        ),
        ("tensorContent too short", "{\"node\": [\(constant("c", dims: ["2", "2"], content: "AAAAAA=="))]}",
         "node[0].attr.value.tensor has 4 bytes of tensorContent, but float32 [2, 2] needs 16"),
        (
            "negative dimension", "{\"node\": [\(constant("c", dims: ["-3"], values: "1"))]}",
            "node[0].attr.value.tensor.tensorShape.dim[0] has size -3"
        ),
        ("huge dimensions", "{\"node\": [\(constant("c", dims: ["1099511627776", "1099511627776"], values: "1"))]}",
            "node[0].attr.value.tensor has shape [1099511627776, 1099511627776], larger than the 4294967296-byte "
                + "limit for one tensor"
        ),
        (
            "dimension beyond 2^40", "{\"node\": [\(constant("c", dims: ["9000000000000000000"], values: "1"))]}",
            "has size 9000000000000000000"
        ),
        (
            "int64 beyond Int",
            "{\"node\": [\(constant("c", dtype: "DT_INT64", dims: ["1"], values: "\"99999999999999999999\""))]}",
         "must be an integer that fits in 64 bits"),
        (
            "NaN stride",
            "{\"node\": [\(constant("x", dims: ["1", "4", "4", "1"], values: "1")), "
                + "\(constant("w", dims: ["1", "1", "1", "1"], values: "1")), {\"name\": \"conv\", \"op\": "
                + "\"Conv2D\", \"input\": [\"x\", \"w\"], \"attr\": {\"strides\": {\"list\": {\"f\": [\"NaN\", 1, 1, "
                + "1]}}, \"padding\": {\"s\": \"U0FNRQ==\"}}}]}",
         "Conv2D 'conv': attribute 'strides' must be a list of ints"),
        (
            "infinite attribute",
            "{\"node\": [\(constant("x", dims: ["2"], values: "1")), {\"name\": \"r\", \"op\": \"LeakyRelu\", "
                + "\"input\": [\"x\"], \"attr\": {\"alpha\": {\"f\": \"Infinity\"}}}]}",
            ""
        ),
        (
            "zero stride",
            "{\"node\": [\(constant("x", dims: ["1", "4", "4", "1"], values: "1")), "
                + "\(constant("w", dims: ["1", "1", "1", "1"], values: "1")), {\"name\": \"conv\", \"op\": "
                + "\"Conv2D\", \"input\": [\"x\", \"w\"], \"attr\": {\"strides\": {\"list\": {\"i\": [\"1\", \"0\", "
                + "\"1\", \"1\"]}}, \"padding\": {\"s\": \"U0FNRQ==\"}}}]}",
         "Conv2D 'conv': strides [1, 0, 1, 1] must be between 1 and 65536"),
        (
            "negative stride",
            "{\"node\": [\(constant("x", dims: ["1", "4", "4", "1"], values: "1")), "
                + "\(constant("w", dims: ["1", "1", "1", "1"], values: "1")), {\"name\": \"conv\", \"op\": "
                + "\"Conv2D\", \"input\": [\"x\", \"w\"], \"attr\": {\"strides\": {\"list\": {\"i\": [\"1\", \"-2\", "
                + "\"1\", \"1\"]}}, \"padding\": {\"s\": \"U0FNRQ==\"}}}]}",
         "Conv2D 'conv': strides [1, -2, 1, 1] must be between 1 and 65536"),
        (
            "kernel larger than the padded input",
            "{\"node\": [\(constant("x", dims: ["1", "2", "2", "1"], values: "1")), "
                + "\(constant("w", dims: ["5", "5", "1", "1"], values: "1")), {\"name\": \"conv\", \"op\": "
                + "\"Conv2D\", \"input\": [\"x\", \"w\"], \"attr\": {\"strides\": {\"list\": {\"i\": [\"1\", \"1\", "
                + "\"1\", \"1\"]}}, \"padding\": {\"s\": \"VkFMSUQ=\"}}}]}",
         "Conv2D 'conv': input height 2 is smaller than the kernel (5 with dilation) under padding VALID"),
        (
            "shape arithmetic that overflows",
            "{\"node\": [\(constant("x", dims: ["2"], values: "1")), "
                + "\(constant("s", dtype: "DT_INT64", dims: ["3"], values: "\"4611686018427387904\", \"4\", \"4\"")), "
                + "{\"name\": \"r\", \"op\": \"Reshape\", \"input\": [\"x\", \"s\"], \"attr\": {\"Tshape\": "
                + "{\"type\": \"DT_INT64\"}}}]}",
         "Reshape 'r': shape [4611686018427387904, 4, 4] has more elements than can be counted"),
        (
            "call of a function the library lacks",
            "{\"node\": [{\"name\": \"a\", \"op\": \"StatefulPartitionedCall\", \"attr\": {\"f\": {\"func\": "
                + "{\"name\": \"g\"}}}}]}",
            "StatefulPartitionedCall 'a': calls the function 'g', which the graph's library does not define (it "
                + "defines none)"
        ),
        (
            "attribute of the wrong kind",
            "{\"node\": [\(constant("x", dims: ["2"], values: "1")), {\"name\": \"p\", \"op\": \"Pack\", \"input\": "
                + "[\"x\"], \"attr\": {\"axis\": {\"s\": \"eA==\"}}}]}",
         "Pack 'p': attribute 'axis' must be an int, not string \"x\""),
        (
            "input count that disagrees with N",
            "{\"node\": [\(constant("x", dims: ["2"], values: "1")), {\"name\": \"p\", \"op\": \"Pack\", \"input\": "
                + "[\"x\"], \"attr\": {\"N\": {\"i\": \"5\"}}}]}",
         "Pack 'p': takes 5 input(s) (values), but was given 1"),
    ]

    @Test("each is a clear error", arguments: 0..<cases.count)
    func clearError(_ index: Int) {
        let (label, json, expected) = Self.cases[index]
        let message = Self.load(json)
        if expected.isEmpty {
            #expect(message == nil, "\(label): \(message ?? "")")
        } else {
            #expect(message?.contains(expected) == true, "\(label): \(message ?? "loaded without error")")
            #expect(message?.contains("\n") == false, "\(label): the message spans lines")
        }
    }

    @Test("a chain of 200,000 nodes loads and runs without recursion")
    func longChain() throws {
        var json = "{\"node\": [" + Self.constant("n0", dims: ["2"], values: "1, 2")
        for index in 1...200_000 {
            json += ",{\"name\":\"n\(index)\",\"op\":\"Identity\",\"input\":[\"n\(index - 1)\"]}"
        }
        json += "]}"
        let graph = try Graph.load(graphDef: Data(json.utf8))
        #expect(graph.nodeCount == 200_001)
        let session = Session(graph: graph)
        #expect(try session.run("n200000", feeds: ["n0": Tensor([Float(3), 4])]).scalars(as: Float.self) == [3, 4])
    }

    @Test("run-time failures inside kernels are errors, not traps")
    func kernelFailures() throws {
        let graph = Graph()
        let params = try graph.placeholder(.float32, shape: [3], name: "params")
        let indices = try graph.placeholder(.int32, shape: [2], name: "indices")
        let gathered = try graph.addOutput(
            "GatherV2", name: "gather", inputs: [params, indices, try graph.constant(Int32(0))])
        let numerator = try graph.placeholder(.int32, shape: [2], name: "numerator")
        let quotient = try graph.addOutput("FloorDiv", name: "quotient", inputs: [numerator, indices])
        let flat = try graph.placeholder(.float32, shape: [nil], name: "flat")
        let reshaped = try graph.reshape(flat, to: [2, 3], name: "reshaped")
        let sizes = try graph.placeholder(.int32, shape: [2], name: "sizes")
        let filled = try graph.fill(dims: sizes, value: try graph.constant(Float(1)), name: "filled")
        let session = Session(graph: graph)
        #expect(
            errorText {
                try session.run(gathered, feeds: [params: Tensor([Float(1), 2, 3]), indices: Tensor([Int32(0), 7])])
            }
                == "GatherV2 'gather': index 7 is out of range for axis 0 of size 3")
        #expect(
            errorText {
                try session.run(quotient, feeds: [numerator: Tensor([Int32(1), 2]), indices: Tensor([Int32(1), 0])])
            }
                == "FloorDiv 'quotient': integer division by zero")
        #expect(errorText { try session.run(reshaped, feeds: [flat: Tensor([Float(1), 2, 3, 4, 5])]) }
                == "Reshape 'reshaped': cannot reshape [5] (5 elements) into [2, 3] (6 elements); the sizes must "
                    + "multiply to 5; use -1 for one size to infer it"
        )
        #expect(errorText { try session.run(filled, feeds: [sizes: Tensor([Int32(1 << 30), 1 << 30])]) }
                == "Fill 'filled': an output of shape [1073741824, 1073741824] (float32) would exceed the limit of "
                    + "4294967296 bytes per tensor; check the sizes fed to this node, or raise Session's "
                    + "maximumTensorBytes"
        )
        #expect(
            errorText { try session.run(filled, feeds: [sizes: Tensor([Int32(-1), 2])]) }
                == "Fill 'filled': dims [-1, 2] has the negative size -1")
    }
}
