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
}
