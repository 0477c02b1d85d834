import Foundation
import Testing
@testable import TensorGraph

enum ExampleGraphs {
    static let directory = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Graphs")

    static func names(in folder: URL = directory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }
}

@Suite("GraphDef JSON")
struct GraphDefTests {
    @Test("every graph in Graphs/ loads, runs with no feeds, and matches TensorFlow", arguments: ExampleGraphs.names())
    func exampleGraph(_ name: String) throws {
        let graph = try Graph.load(contentsOf: ExampleGraphs.directory.appendingPathComponent(name + ".json"))
        let result = try Session(graph: graph).run("output")
        expectClose(result, try Fixtures.npy("graphs/\(name).npy"), name)
    }

    @Test("Graphs/ holds the promised examples")
    func examplesPresent() {
        #expect(ExampleGraphs.names() == ["classifier_head", "dcgan_generator", "seed002_2x2_transposed_convolution",
                                          "seed002_4x4x3_stride2_same",
                                          "seed002_4x4x3_stride2_valid", "seed004_network", "unet_decoder"])
    }

    @Test("load(save(g)) gives an identical graph", arguments: ExampleGraphs.names())
    func roundTrip(_ name: String) throws {
        let graph = try Graph.load(contentsOf: ExampleGraphs.directory.appendingPathComponent(name + ".json"))
        let again = try Graph.load(graphDef: graph.graphDefJSON())
        #expect(again.nodes == graph.nodes)
        #expect(again.graphDefJSON() == graph.graphDefJSON())
    }

    @Test("each broken graph fails shape inference with its diagnostic", arguments: [
            (
                "bad_output_height",
                "conv2d_transpose 'decoder/deconv': output height 7 cannot come from input height 3 with kernel 3, "
                    + "stride 2, padding SAME; valid heights are 5 and 6 (e.g. output_shape [1, 6, 6, 2])"
            ),
            (
                "bad_output_width",
                "conv2d_transpose 'decoder/deconv': output width 4 cannot come from input width 3 with kernel 3, "
                    + "stride 2, padding SAME; valid widths are 5 and 6 (e.g. output_shape [1, 6, 5, 2])"
            ),
            (
                "wrong_output_channels",
                "conv2d_transpose 'decoder/deconv': output_shape asks for 3 channels, but the filter [3, 3, 2, 4] "
                    + "makes 2 (its third dimension, output_channels); set output_shape's channels to 2, or give the "
                    + "filter shape [kh, kw, 3, in_channels]"
            ),
            (
                "wrong_filter_in_channels",
                "conv2d_transpose 'decoder/deconv': input has 4 channels, but the filter [3, 3, 2, 3] expects 3 (its "
                    + "last dimension, in_channels); conv2d_transpose filters are [height, width, output_channels, "
                    + "input_channels]: use [3, 3, 2, 4]"
            ),
            (
                "batch_mismatch",
                "conv2d_transpose 'decoder/deconv': output_shape asks for batch 2, but the input has batch 1; build "
                    + "output_shape's batch from the input, e.g. stack([shape(input)[0], ...])"
            ),
            (
                "rank_mismatch",
                "conv2d_transpose 'decoder/deconv': input must have rank 4, but has shape [3, 3, 4] (rank 3)"
            ),
    ])
    func brokenGraph(_ name: String, _ message: String) throws {
        let url = ExampleGraphs.directory.appendingPathComponent("broken/\(name).json")
        #expect(errorText { try Graph.load(contentsOf: url) } == message)
        let (_, errors) = try Graph.check(contentsOf: url)
        #expect(errors.map(\.description) == [message])
    }

    @Test("the protobuf JSON mapping's variants are all accepted")
    func mappingVariants() throws {
        let json = """
        {"node": [
          {"name": "y", "op": "AddV2", "input": ["x", "c:0", "^init"]},
          {"name": "c", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"},
             "value": {"tensor": {"dtype": "DT_FLOAT", "tensor_shape": {"dim": [{"size": 2}, {"size": "3"}]},
               "float_val": [1.5]}}}},
          {"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": 1},
             "shape": {"shape": {"dim": [{"size": "-1"}, {"size": 3}]}},
             "_output_shapes": {"list": {"shape": [{"unknown_rank": true}]}}}},
          {"name": "init", "op": "NoOp"},
          {"name": "bits", "op": "Const", "attr": {"dtype": {"type": "DT_INT64"},
             "value": {"tensor": {"dtype": "DT_INT64", "tensorShape": {"dim": [{"size": "2"}]},
               "tensorContent": "AQAAAAAAAAD//////////w=="}}}},
          {"name": "flags", "op": "Const", "attr": {"dtype": {"type": "DT_BOOL"},
             "value": {"tensor": {"dtype": "DT_BOOL", "tensorShape": {"dim": [{"size": "3"}]},
               "boolVal": [true, false]}}}}
        ], "versions": {"producer": 1234}}
        """
        let graph = try Graph.load(graphDef: Data(json.utf8))
        #expect(graph.producerVersion == 1234)
        #expect(try graph.inferredShape(of: "y") == [2, 3])
        #expect(graph.node(named: "y")?.controlInputs == ["init"])
        #expect(graph.node(named: "x")?.attributes["_output_shapes"] != nil)
        let session = Session(graph: graph)
        #expect(
            try session.run("y", feeds: ["x": Tensor(repeating: 1, shape: [1, 3], dtype: .float32)]).scalars(
                as: Float.self) == Array(repeating: 2.5, count: 6))
        #expect(try session.run("bits") == Tensor([Int64(1), -1]))
        #expect(try session.run("flags") == Tensor([true, false, false]))
    }

    @Test("both variable styles load and run: VariableV2 and resource variables")
    func variableStyles() throws {
        let json = """
        {"node": [
          {"name": "init_value", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"},
             "value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": "2"}]}, "floatVal": [3]}}}},
          {"name": "v1", "op": "VariableV2", "attr": {"dtype": {"type": "DT_FLOAT"},
             "shape": {"shape": {"dim": [{"size": "2"}]}}}},
          {"name": "v1/Assign", "op": "Assign", "input": ["v1", "init_value"], "attr": {"T": {"type": "DT_FLOAT"}}},
          {"name": "v1/read", "op": "Identity", "input": ["v1"], "attr": {"T": {"type": "DT_FLOAT"}}},
          {"name": "v2", "op": "VarHandleOp", "attr": {"dtype": {"type": "DT_FLOAT"},
             "shape": {"shape": {"dim": [{"size": "2"}]}},
             "shared_name": {"s": "djI="}}},
          {"name": "v2/IsInitialized", "op": "VarIsInitializedOp", "input": ["v2"]},
          {"name": "v2/Assign", "op": "AssignVariableOp", "input": ["v2", "init_value"],
             "attr": {"dtype": {"type": "DT_FLOAT"}}},
          {"name": "v2/Read", "op": "ReadVariableOp", "input": ["v2"], "attr": {"dtype": {"type": "DT_FLOAT"}}},
          {"name": "v2/Bump", "op": "AssignAddVariableOp", "input": ["v2", "v1/read"],
             "attr": {"dtype": {"type": "DT_FLOAT"}}},
          {"name": "sum", "op": "AddV2", "input": ["v1/read", "v2/Read"], "attr": {"T": {"type": "DT_FLOAT"}}},
          {"name": "init", "op": "NoOp", "input": ["^v1/Assign", "^v2/Assign"]}
        ]}
        """
        let graph = try Graph.load(graphDef: Data(json.utf8))
        let session = Session(graph: graph)
        #expect(try session.run("v2/IsInitialized") == Tensor(false))
        #expect(
            errorText { try session.run("v2/Read") }
                == "variable 'v2': 'v2/Read' reads the variable before it was initialized; run its initializer "
                    + "first, e.g. session.run(targets: [graph.globalVariablesInitializer()])"
        )
        try session.run(targets: ["init"])
        #expect(try session.run("v2/IsInitialized") == Tensor(true))
        #expect(try session.run("sum").scalars(as: Float.self) == [6, 6])
        try session.run(targets: ["v2/Bump"])
        #expect(try session.run("v2").scalars(as: Float.self) == [6, 6])
        #expect(try session.run("v1").scalars(as: Float.self) == [3, 3])
    }

    @Test("malformed graphs are clear errors")
    func malformed() throws {
        func load(_ text: String) -> String? { errorText { try Graph.load(graphDef: Data(text.utf8)) } }
        #expect(load("{\"node\": [")?.hasPrefix("the graph file is not valid JSON") == true)
        #expect(load("[]") == "the graph must be a JSON object, not an array")
        #expect(load("{\"node\": [{\"name\": \"a\", \"op\": \"Relu\", \"input\": [\"b\"]}]}")
                == "Relu 'a': has input 'b', but no node is named 'b'")
        #expect(
            load("{\"node\": [{\"name\": \"a\", \"op\": \"Rellu\"}]}")
                == "Rellu 'a': unknown op 'Rellu'; did you mean 'Relu' or 'Elu' or 'Relu6'?")
        #expect(load("{\"node\": [{\"name\": \"a\\nb\", \"op\": \"NoOp\"}]}")
                == "node[0] has the name \"a\\nb\", which TensorFlow's naming rule ([A-Za-z0-9.][A-Za-z0-9_.\\-/>]*) "
                    + "does not allow"
        )
        #expect(load("{\"node\": [{\"name\": \"a\", \"op\": \"Relu\", \"input\": [\"b:-1\"]}]}")
                == "node[0].input[0] 'b:-1' has an output index that is not a whole number")
        #expect(load("{\"node\": \"x\"}") == "node must be an array, not a string")
        #expect(load("{\"node\": [{\"name\": \"a\", \"op\": \"NoOp\"}, {\"name\": \"a\", \"op\": \"NoOp\"}]}")
                == "NoOp 'a': two nodes are named 'a'; node names in a GraphDef must be unique")
        #expect(
            load(
                "{\"node\": [{\"name\": \"a\", \"op\": \"Identity\", \"input\": [\"b\"]}, {\"name\": \"b\", \"op\": "
                    + "\"Identity\", \"input\": [\"a\"]}]}"
            )
                == "the graph has a cycle: 'a' -> 'b' -> 'a'; a node cannot depend on its own output; break the cycle")
        #expect(
            load(
                "{\"node\": [{\"name\": \"f\", \"op\": \"PartitionedCall\", \"attr\": {\"f\": {\"func\": {\"name\": "
                    + "\"my_fm\"}}}}], \"library\": {\"function\": [{\"signature\": {\"name\": \"my_fn\"}}]}}"
            )
                == "PartitionedCall 'f': calls the function 'my_fm', which the graph's library does not define (it "
                    + "defines my_fn); did you mean 'my_fn'?"
        )
        #expect(
            load("{\"node\": [{\"name\": \"c\", \"op\": \"Const\", \"attr\": {\"dtype\": {\"type\": \"DT_HALF\"}}}]}")
                == "node[0].attr.dtype.type is dtype DT_HALF, which TensorGraph does not support (DT_FLOAT, DT_DOUBLE, "
                    + "DT_INT32, DT_INT64, DT_BOOL, DT_STRING, DT_RESOURCE and DT_VARIANT are)")
        #expect(
            load(
                "{\"node\": [{\"name\": \"p\", \"op\": \"Placeholder\", \"attr\": {\"dtype\": {\"func\": {\"name\": "
                    + "\"g\"}}}}]}"
            )
                == "Placeholder 'p': attribute 'dtype' must be a dtype, not func function 'g'")
        #expect(
            load(
                "{\"node\": [{\"name\": \"c\", \"op\": \"Const\", \"attr\": {\"dtype\": {\"type\": \"DT_FLOAT\"}, "
                    + "\"value\": {\"tensor\": {\"dtype\": \"DT_FLOAT\", \"tensorShape\": {\"dim\": [{\"size\": "
                    + "\"3\"}]}, \"tensorContent\": \"AAAA\"}}}}]}"
            )
                == "node[0].attr.value.tensor has 3 bytes of tensorContent, but float32 [3] needs 12")
    }
}

@Suite("GraphDef attribute kinds")
struct AttributeKindTests {
    @Test("every AttrValue kind and list kind decodes, and survives export and import")
    func everyKind() throws {
        let tensor = #"{"dtype": "DT_INT32", "tensorShape": {"dim": [{"size": "2"}]}, "intVal": [4, 5]}"#
        let json = """
        {"node": [{"name": "c", "op": "Const", "attr": {
          "dtype": {"type": "DT_FLOAT"},
          "value": {"tensor": {"dtype": "DT_FLOAT", "tensorShape": {}, "floatVal": ["Infinity"]}},
          "_s": {"s": "aGk="}, "_i": {"i": "-3"}, "_f": {"f": 0.25}, "_b": {"b": true}, "_type": {"type": "DT_INT64"},
          "_shape": {"shape": {"unknownRank": true}}, "_tensor": {"tensor": \(tensor)},
          "_ls": {"list": {"s": ["YQ==", "Yg"]}}, "_li": {"list": {"i": ["1", 2]}},
          "_lf": {"list": {"f": [1.5, "-Infinity"]}},
          "_lb": {"list": {"b": [false]}}, "_ltype": {"list": {"type": ["DT_BOOL", 3]}},
          "_lshape": {"list": {"shape": [{"dim": [{"size": "-1"}]}, {}]}},
          "_ltensor": {"list": {"tensor": [\(tensor)]}},
          "_empty": {"list": {}}
        }}]}
        """
        let graph = try Graph.load(graphDef: Data(json.utf8))
        let attributes = try #require(graph.node(named: "c")?.attributes)
        #expect(attributes["_s"] == .string("hi"))
        #expect(attributes["_i"] == .int(-3))
        #expect(attributes["_f"] == .float(0.25))
        #expect(attributes["_b"] == .bool(true))
        #expect(attributes["_type"] == .type(.int64))
        #expect(attributes["_shape"] == .shape(.unknown))
        #expect(attributes["_tensor"] == .tensor(Tensor([Int32(4), 5])))
        #expect(attributes["_ls"] == .strings(["a", "b"]))
        #expect(attributes["_li"] == .ints([1, 2]))
        #expect(attributes["_lf"] == .floats([1.5, -.infinity]))
        #expect(attributes["_lb"] == .bools([false]))
        #expect(attributes["_ltype"] == .types([.bool, .int32]))
        #expect(attributes["_lshape"] == .shapes([[nil], .scalar]))
        #expect(attributes["_ltensor"] == .tensors([Tensor([Int32(4), 5])]))
        #expect(attributes["_empty"] == .ints([]))
        #expect(try Session(graph: graph).run("c") == Tensor(Float.infinity))
        let again = try Graph.load(graphDef: graph.graphDefJSON())
        #expect(again.nodes == graph.nodes)
    }
}
