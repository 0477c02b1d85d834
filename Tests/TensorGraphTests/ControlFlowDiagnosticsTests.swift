import Foundation
import Testing
@testable import TensorGraph

/// A shape error inside a branch or a loop body names the node and where it is, whether the graph
/// was built in Swift or loaded from a GraphDef.
@Suite("control-flow diagnostics")
struct ControlFlowDiagnosticsTests {
    @Test func aShapeErrorInALoopBodyNamesTheFrame() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 3], name: "x")
        let w = try graph.placeholder(.float32, shape: [4, 5], name: "w")
        let error = try #require(throws: GraphError.self) {
            try graph.whileLoop(condition: { try graph.less($0[0], try graph.constant(Int32(3))) },
                                body: { [try graph.add($0[0], try graph.constant(Int32(1))),
                                         try graph.matMul(x, w, name: "project")] },
                                loopVariables: [try graph.constant(Int32(0)), try graph.zerosLike(x)])
        }
        #expect(error.node == "while/project")
        #expect(error.description.contains("inside loop frame 'while/while_context'"), "\(error)")
    }

    @Test func aShapeErrorInABranchNamesTheBranchAndTheLoopAroundIt() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 3], name: "x")
        let p = try graph.placeholder(.bool, shape: [], name: "p")
        let error = try #require(throws: GraphError.self) {
            try graph.whileLoop(condition: { try graph.less($0[0], try graph.constant(Int32(3))) },
                                body: { variables in
                                    let y = try graph.cond(p, then: { try graph.matMul(x, x, name: "square") },
                                                           else: { x })
                                    return [try graph.add(variables[0], try graph.constant(Int32(1))), y]
                                },
                                loopVariables: [try graph.constant(Int32(0)), x])
        }
        #expect(error.node == "while/cond/square")
        #expect(error.description.contains(
            "inside the true branch of cond 'while/cond', in loop frame 'while/while_context'"), "\(error)")
    }

    /// Loaded from a GraphDef, the frame comes from the Enter the node reads through.
    @Test func aShapeErrorInALoadedLoopNamesTheFrame() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 3], name: "x")
        let w = try graph.placeholder(.float32, shape: [nil, 5], name: "w")
        let start = try graph.constant(Tensor(repeating: 0, shape: [2, 5], dtype: .float32))
        _ = try graph.whileLoop(condition: { try graph.less($0[0], try graph.constant(Int32(3))) },
                                body: { [try graph.add($0[0], try graph.constant(Int32(1))),
                                         try graph.matMul(x, w, name: "project")] },
                                loopVariables: [try graph.constant(Int32(0)), start])
        let error = try #require(throws: GraphError.self) {
            try Graph.load(graphDef: graph.graphDefProtobuf(), shapes: ["w": [4, 5]])
        }
        #expect(error.node == "while/project")
        #expect(error.description.contains("inside loop frame 'while/while_context'"), "\(error)")
    }

    /// A node that reads an inner loop's Exit runs in the outer loop, whose Enter lies behind the inner one's.
    @Test func aShapeErrorAfterAnInnerLoopNamesTheOuterFrame() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 3], name: "x")
        let w = try graph.placeholder(.float32, shape: [nil, 5], name: "w")
        let outer = try enter(graph, x, frame: "outer", constant: true)
        let inner = try enter(graph, outer, frame: "inner", constant: true)
        let exit = try graph.addOutput("Exit", inputs: [inner])
        _ = try graph.matMul(exit, w, name: "project")
        let error = try #require(throws: GraphError.self) {
            try Graph.load(graphDef: graph.graphDefProtobuf(), shapes: ["w": [4, 5]])
        }
        #expect(error.node == "project")
        #expect(error.description.contains("inside loop frame 'outer'"), "\(error)")
    }

    private func enter(_ graph: Graph, _ value: Output, frame: String, constant: Bool = false) throws -> Output {
        try graph.addOutput("Enter", inputs: [value],
                            attributes: ["frame_name": .string(frame), "is_constant": .bool(constant)])
    }

    /// A frame that iterates through NextIteration with no Switch to end it would never finish.
    @Test func aLoopWithNothingToEndItIsRefusedNotRun() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [], name: "x")
        let merge = try graph.addNode("Merge", name: "spin/merge", inputs: [try enter(graph, x, frame: "spin"),
                                                                            Output(node: "spin/next")])[0]
        let increment = try graph.add(merge, try graph.constant(Float(1)))
        let next = try graph.addOperation("NextIteration", name: "spin/next", inputs: [increment])
        let session = Session(graph: graph, options: SessionOptions(operationTimeout: 5))
        let error = try #require(throws: GraphError.self) {
            try session.run(feeds: [x: Tensor(Float(0))], targets: [next])
        }
        #expect(error.node == "spin/next")
        #expect(error.description.contains("no Switch runs in that frame"), "\(error)")
    }

    @Test func inputsFromTwoFramesAreRefused() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [], name: "x")
        let sum = try graph.add(try enter(graph, x, frame: "a"), try enter(graph, x, frame: "b"), name: "mixed")
        let error = try #require(throws: GraphError.self) {
            try Session(graph: graph).run(feeds: [x: Tensor(Float(1))], targets: [Operation(name: sum.node)])
        }
        #expect(error.node == "mixed")
        #expect(error.description.contains("different frames"), "\(error)")
        #expect(error.description.contains("frame 'a'") && error.description.contains("frame 'b'"), "\(error)")
    }

    @Test func aNextIterationOutsideEveryLoopIsNamed() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [], name: "x")
        let next = try graph.addOperation("NextIteration", name: "stray_next", inputs: [x])
        let error = try #require(throws: GraphError.self) {
            try Session(graph: graph).run(feeds: [x: Tensor(Float(1))], targets: [next])
        }
        #expect(error.node == "stray_next")
        #expect(error.description.contains("not inside a while loop"), "\(error)")
    }
}
