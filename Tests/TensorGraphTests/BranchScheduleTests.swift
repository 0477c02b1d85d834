import Foundation
import Testing
@testable import TensorGraph

/// Steps of a branching graph run side by side (`BranchSchedule`): same results as the plan run in
/// order, values released and handed over only once every reader is done, errors still reported,
/// and graphs that must run in order (variables) or gain nothing (a chain) are left in order.
@Suite("branches run side by side")
struct BranchScheduleTests {
    /// An input read by four towers of unequal length, joined by a concatenation: Inception's shape.
    /// Elementwise ops write over the values they own, so a hand-over too early would show.
    /// With `side` 40 the long tower's convolutions are loops worth sharing (`Parallel.minimumWork`).
    static func towers(side: Int = 9) throws -> (Graph, x: Output, y: Output) {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, side, side, 4], name: "x")
        func filter(_ shape: [Int], _ seed: UInt64) throws -> Output {
            try graph.constant(KernelTests.tensor(shape, seed: seed, dtype: .float32))
        }
        let one = try graph.relu(graph.conv2d(x, filter: filter([1, 1, 4, 8], 1), strides: [1], padding: .same))
        var two = try graph.conv2d(x, filter: filter([3, 3, 4, 6], 2), strides: [1], padding: .same)
        for seed in UInt64(3)...6 {
            two = try graph.conv2d(graph.tanh(two), filter: filter([3, 1, 6, 6], seed), strides: [1], padding: .same)
        }
        let three = try graph.sigmoid(graph.add(x, graph.tanh(x)))
        let four = try graph.multiply(graph.relu(x), graph.square(x))
        let y = try graph.concat([one, two, three, four], axis: 3)
        return (graph, x, y)
    }

    @Test("four towers give exactly what the plan gives in order, run after run", arguments: [9, 40])
    func towersAgree(side: Int) throws {
        // At 40 the idle worker joins the loops of the long tower's steps once the short ones are done.
        let (graph, x, y) = try Self.towers(side: side)
        let plan = try Plan(graph: graph, fetches: [y], feeds: [x], targets: [])
        #expect(plan.branches != nil)
        let session = Session(graph: graph)
        for seed in UInt64(10)..<30 {
            let input = KernelTests.tensor([2, side, side, 4], seed: seed, dtype: .float32)
            // A profiled run times its steps one after another, in the plan's order.
            let inOrder = try session.profile(fetches: [y], feeds: [x: input]).outputs[0]
            #expect(try session.run(y, feeds: [x: input]) == inOrder, "seed \(seed)")
            #expect(try session.run(fetches: [y], feeds: [x: input])[0] == inOrder, "seed \(seed)")
        }
    }

    @Test("an error in one tower fails the run with that node's error")
    func errorsAreReported() throws {
        let (graph, x, y) = try Self.towers()
        let shape = try graph.placeholder(.int32, shape: [2], name: "shape")
        let broken = try graph.reshape(graph.tanh(x), to: shape, name: "broken")
        let joined = try graph.add(graph.sum(y, axes: [0, 1, 2, 3]), graph.sum(broken, axes: [0, 1]))
        let session = Session(graph: graph)
        let input = KernelTests.tensor([2, 9, 9, 4], seed: 1, dtype: .float32)
        #expect(try Plan(graph: graph, fetches: [joined], feeds: [x, shape], targets: []).branches != nil)
        #expect(throws: GraphError.self) {
            try session.run(joined, feeds: [x: input, shape: Tensor([Int32(7), 7])])
        }
        let fine = try session.run(joined, feeds: [x: input, shape: Tensor([Int32(18), 36])])
        let inOrder = try session.profile(fetches: [joined], feeds: [x: input, shape: Tensor([Int32(18), 36])])
        #expect(fine == inOrder.outputs[0])
    }

    @Test("a graph that reads a variable, or is one chain, runs in order")
    func inOrder() throws {
        let (graph, x, y) = try Self.towers()
        let w = try graph.variable(Tensor(shape: [1], scalars: [Float(2)]), name: "w")
        let scaled = try graph.multiply(y, w.value)
        #expect(try Plan(graph: graph, fetches: [scaled], feeds: [x], targets: []).branches == nil)
        var chain = x
        for _ in 0..<8 { chain = try graph.tanh(graph.relu(chain)) }
        #expect(try Plan(graph: graph, fetches: [chain], feeds: [x], targets: []).branches == nil)
    }
}
