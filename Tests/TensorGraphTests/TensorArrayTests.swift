import Foundation
import Testing
@testable import TensorGraph

/// TF1's TensorArrays and TF2's tensor lists in straight-line graphs (no loops): TensorFlow's own
/// graphs run to TensorFlow's numbers, gradients included, and each misuse TensorFlow reports is an
/// error naming the node.
@Suite("TensorArrays and tensor lists")
struct TensorArrayTests {
    @Test("TensorArrayV3 ops and tf.gradients through TensorArrayGradV3 agree with TensorFlow")
    func tensorArrayFixture() throws {
        try ControlFlowFixture.named("tensorarray").runAndCompare()
    }

    @Test("TF2 tensor lists (Reserve, SetItem, GetItem, Stack, FromTensor, Length, ElementShape) agree with TensorFlow")
    func tensorListFixture() throws {
        try ControlFlowFixture.named("tensorlist").runAndCompare()
    }

    @Test("dynamic_rnn LSTM and GRU with their gradients, and a TF2 Keras LSTM, agree with TensorFlow",
          arguments: ["dynamic_rnn_lstm", "dynamic_rnn_gru", "tf2_keras_lstm"])
    func recurrentFixtures(name: String) throws {
        try ControlFlowFixture.named(name).runAndCompare()
    }

    /// A graph with a float TensorArray of `size` and the given attributes; returns it and its handle and flow.
    static func array(size: Int32, _ attributes: [String: AttrValue] = [:]) throws -> (Graph, Output, Output) {
        let graph = Graph()
        let outputs = try graph.addNode("TensorArrayV3", name: "ta", inputs: [try graph.constant(size)],
                                        attributes: ["dtype": .type(.float32)].merging(attributes) { $1 })
        return (graph, outputs[0], outputs[1])
    }

    static func write(_ graph: Graph, _ handle: Output, _ index: Int32, _ value: [Float], flow: Output,
                      name: String) throws -> Output {
        try graph.addOutput("TensorArrayWriteV3", name: name,
                            inputs: [handle, try graph.constant(index), try graph.constant(value, shape: [value.count]),
                                     flow])
    }

    static func read(_ graph: Graph, _ handle: Output, _ index: Int32, flow: Output, name: String) throws -> Output {
        try graph.addOutput("TensorArrayReadV3", name: name, inputs: [handle, try graph.constant(index), flow],
                            attributes: ["dtype": .type(.float32)])
    }

    /// The error running `fetch` throws.
    static func runError(_ graph: Graph, _ fetch: Output) -> GraphError? {
        do {
            _ = try Session(graph: graph).run(fetch)
            return nil
        } catch { return error as? GraphError }
    }

    @Test("an element never written reads as zeros of a known element shape, and fails naming the node otherwise")
    func readUnwritten() throws {
        let (graph, handle, flow) = try Self.array(size: 3)
        let written = try Self.write(graph, handle, 0, [1, 2], flow: flow, name: "write")
        let read = try Self.read(graph, handle, 2, flow: written, name: "read_two")
        let error = try #require(Self.runError(graph, read))
        #expect(error.node == "read_two" && error.op == "TensorArrayReadV3")
        #expect(error.message.contains("index 2: it has not been written"))

        let (shaped, shapedHandle, shapedFlow) = try Self.array(size: 3, ["element_shape": .shape([2])])
        let zeros = try Self.read(shaped, shapedHandle, 2, flow: shapedFlow, name: "read_two")
        #expect(try Session(graph: shaped).run(zeros) == Tensor(shape: [2], scalars: [0, 0] as [Float]))
    }

    @Test("writing an index twice fails; writing past a fixed size fails; a dynamic array grows")
    func writes() throws {
        var (graph, handle, flow) = try Self.array(size: 2)
        let first = try Self.write(graph, handle, 1, [1], flow: flow, name: "first")
        let second = try Self.write(graph, handle, 1, [2], flow: first, name: "second")
        var error = try #require(Self.runError(graph, second))
        #expect(error.node == "second" && error.message.contains("already been written"))

        (graph, handle, flow) = try Self.array(size: 2)
        let past = try Self.write(graph, handle, 5, [1], flow: flow, name: "past")
        error = try #require(Self.runError(graph, past))
        #expect(error.node == "past" && error.message.contains("not resizeable") && error.message.contains("size is 2"))

        (graph, handle, flow) = try Self.array(size: 0, ["dynamic_size": .bool(true)])
        let grown = try Self.write(graph, handle, 3, [7], flow: flow, name: "grown")
        let size = try graph.addOutput("TensorArraySizeV3", name: "size", inputs: [handle, grown])
        #expect(try Session(graph: graph).run(size) == Tensor(Int32(4)))
    }

    @Test("with clear_after_read an element reads once; without it, again; a read past the size fails")
    func clearAfterRead() throws {
        for clears in [true, false] {
            let (graph, handle, flow) = try Self.array(size: 1, ["clear_after_read": .bool(clears)])
            let written = try Self.write(graph, handle, 0, [3, 4], flow: flow, name: "write")
            let once = try Self.read(graph, handle, 0, flow: written, name: "once")
            let twice = try graph.addOutput("TensorArrayReadV3", name: "twice",
                                            inputs: [handle, try graph.constant(Int32(0)),
                                                     try graph.addOutput("Identity", inputs: [written])],
                                            attributes: ["dtype": .type(.float32)])
            let sum = try graph.addOutput("AddV2", name: "sum", inputs: [once, twice])
            if clears {
                let error = try #require(Self.runError(graph, sum))
                #expect(error.op == "TensorArrayReadV3" && error.message.contains("twice because it was cleared"))
            } else {
                #expect(try Session(graph: graph).run(sum) == Tensor(shape: [2], scalars: [6, 8] as [Float]))
            }
        }
        let (graph, handle, flow) = try Self.array(size: 2)
        let beyond = try Self.read(graph, handle, 2, flow: flow, name: "beyond")
        let error = try #require(Self.runError(graph, beyond))
        #expect(error.node == "beyond" && error.message.contains("index 2") && error.message.contains("size is 2"))
    }

    @Test("element_shape is checked on write; a closed array cannot be used")
    func elementShapeAndClose() throws {
        var (graph, handle, flow) = try Self.array(size: 2, ["element_shape": .shape([3])])
        let wrong = try Self.write(graph, handle, 0, [1, 2], flow: flow, name: "wrong")
        var error = try #require(Self.runError(graph, wrong))
        #expect(error.node == "wrong" && error.message.contains("[2]") && error.message.contains("[3]"))

        (graph, handle, flow) = try Self.array(size: 1)
        let close = try graph.addOperation("TensorArrayCloseV3", name: "close", inputs: [handle])
        let flowAfterClose = try graph.addNode("Identity", name: "flow_after", inputs: [flow],
                                               controlInputs: [close])[0]
        let ordered = try graph.addOutput("TensorArraySizeV3", name: "size_after_close",
                                          inputs: [handle, flowAfterClose])
        error = try #require(Self.runError(graph, ordered))
        #expect(error.node == "size_after_close" && error.message.contains("closed"))
    }

    @Test("a tensor list item that was never set reads as zeros of a known element shape, and fails otherwise")
    func unsetListItems() throws {
        for known in [true, false] {
            let graph = Graph()
            let shape = try graph.constant([Int32(known ? 2 : -1)], shape: [1])
            let list = try graph.addOutput("TensorListReserve", name: "list",
                                           inputs: [shape, try graph.constant(Int32(2))],
                                           attributes: ["element_dtype": .type(.float32)])
            let item = try graph.addOutput("TensorListGetItem", name: "item",
                                           inputs: [list, try graph.constant(Int32(1)), shape],
                                           attributes: ["element_dtype": .type(.float32)])
            if known {
                #expect(try Session(graph: graph).run(item) == Tensor(shape: [2], scalars: [0, 0] as [Float]))
            } else {
                let error = try #require(Self.runError(graph, item))
                #expect(error.node == "item" && error.message.contains("never set"))
            }
        }
    }

    @Test("gradients built here through scatter, write, gather, read, split and concat match finite differences")
    func gradientsByFiniteDifferences() throws {
        try GradientTests.check("TensorArray ops", [[3, 2], [2]]) { graph, x in
            let indices = { (values: [Int32]) in try graph.constant(values, shape: [values.count]) }
            let made = try graph.addNode("TensorArrayV3", name: "ta", inputs: [try graph.constant(Int32(4))],
                                         attributes: ["dtype": .type(.float64), "element_shape": .shape([2])])
            let handle = made[0]
            let scattered = try graph.addOutput("TensorArrayScatterV3", inputs: [handle, try indices([0, 2, 3]), x[0],
                                                                                   made[1]])
            let written = try graph.addOutput("TensorArrayWriteV3", inputs: [handle, try graph.constant(Int32(1)),
                                                                             try graph.square(x[1]), scattered])
            let gathered = try graph.addOutput("TensorArrayGatherV3", inputs: [handle, try indices([3, 1]), written],
                                               attributes: ["dtype": .type(.float64), "element_shape": .shape([2])])
            let read = try graph.addOutput("TensorArrayReadV3", inputs: [handle, try graph.constant(Int32(2)), written],
                                           attributes: ["dtype": .type(.float64)])
            let pieces = try graph.addNode("TensorArrayV3", name: "pieces", inputs: [try graph.constant(Int32(2))],
                                           attributes: ["dtype": .type(.float64)])
            let split = try graph.addOutput("TensorArraySplitV3",
                                            inputs: [pieces[0], x[0], try graph.constant([1, 2] as [Int64], shape: [2]),
                                                     pieces[1]])
            let joined = try graph.addNode("TensorArrayConcatV3", inputs: [pieces[0], split],
                                           attributes: ["dtype": .type(.float64)])[0]
            return try graph.concat([gathered, try graph.reshape(read, to: [1, 2]),
                                     try graph.square(try graph.reshape(joined, to: [3, 2]))], axis: 0)
        }
    }

    @Test("stacks push and pop last first; popping an empty stack or pushing past max_size fails naming the node")
    func stacks() throws {
        let graph = Graph()
        let stack = try graph.addOutput("StackV2", name: "stack", inputs: [try graph.constant(Int32(2))],
                                        attributes: ["elem_type": .type(.float32)])
        let first = try graph.addOutput("StackPushV2", name: "first", inputs: [stack, try graph.constant(Float(1))])
        let second = try graph.addNode("StackPushV2", name: "second", inputs: [stack, try graph.constant(Float(2))],
                                       controlInputs: [Operation(name: first.node)])[0]
        let pop = { (name: String, after: Output) in
            try graph.addNode("StackPopV2", name: name, inputs: [stack], attributes: ["elem_type": .type(.float32)],
                              controlInputs: [Operation(name: after.node)])[0]
        }
        let top = try pop("top", second)
        let next = try pop("next", top)
        #expect(try Session(graph: graph).run(fetches: [top, next]) == [Tensor(Float(2)), Tensor(Float(1))])
        let empty = try pop("empty", next)
        #expect(Self.runError(graph, empty)?.node == "empty")
        #expect(Self.runError(graph, empty)?.message.contains("empty") == true)
        let third = try graph.addNode("StackPushV2", name: "third", inputs: [stack, try graph.constant(Float(3))],
                                      controlInputs: [Operation(name: second.node)])[0]
        #expect(Self.runError(graph, third)?.message.contains("overflowed its max_size (2)") == true)
    }
}
