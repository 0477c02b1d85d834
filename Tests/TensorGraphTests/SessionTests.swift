import Dispatch
import Foundation
import Testing
@testable import TensorGraph

@Suite("sessions")
struct SessionTests {
    @Test("feeding an intermediate tensor cuts the graph above it")
    func feedCutsGraph() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2], name: "x")
        let hidden = try graph.square(x, name: "hidden")
        let y = try graph.add(hidden, try graph.constant(Float(1)), name: "y")
        let session = Session(graph: graph)
        // x is never fed: feeding hidden means x is not needed.
        #expect(try session.run(y, feeds: [hidden: Tensor([Float(3), 4])]).scalars(as: Float.self) == [4, 5])
        #expect(try session.run(y, feeds: [x: Tensor([Float(3), 4])]).scalars(as: Float.self) == [10, 17])
    }

    @Test("only the needed subgraph runs: an unrelated unfed placeholder is no error")
    func onlyNeededNodesRun() throws {
        let graph = Graph()
        _ = try graph.relu(try graph.placeholder(.float32, name: "unrelated"))
        let c = try graph.add(try graph.constant(Float(2)), try graph.constant(Float(3)))
        #expect(try Session(graph: graph).run(c).scalars(as: Float.self) == [5])
    }

    @Test("each node runs at most once per run")
    func nodesRunOnce() throws {
        let graph = Graph()
        graph.seed = 1
        let r = try graph.randomUniform(shape: [4])
        let a = try graph.add(r, try graph.constant(Float(0)))
        let b = try graph.multiply(r, try graph.constant(Float(1)))
        let results = try Session(graph: graph).run(fetches: [r, a, b])
        #expect(results[0] == results[1])
        #expect(results[0] == results[2])
    }

    @Test("variables live in the session and persist across runs")
    func variablesPersist() throws {
        let graph = Graph()
        let counter = try graph.variable(Tensor(Int32(0)), name: "counter")
        let step = try graph.assignAdd(counter, try graph.constant(Int32(1)))
        let initialize = try graph.globalVariablesInitializer()
        let first = Session(graph: graph), second = Session(graph: graph)
        try first.run(targets: [initialize])
        try second.run(targets: [initialize])
        for _ in 0..<3 { try first.run(targets: [step.operation]) }
        #expect(try first.run(counter.value) == Tensor(Int32(3)))
        #expect(try second.run(counter.value) == Tensor(Int32(0)))
        #expect(first.value(ofVariable: "counter") == Tensor(Int32(3)))
        #expect(try first.run(Output("counter")) == Tensor(Int32(3)))
    }

    @Test("plans are cached per signature, and values are released after their last reader")
    func plansAndReleases() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [3], name: "x")
        let a = try graph.relu(x), b = try graph.square(a), c = try graph.add(a, b)
        let plan = try Plan(graph: graph, fetches: [c], feeds: [x], targets: [])
        #expect(plan.steps.map(\.site.node) == [a.node, b.node, c.node])
        let released = plan.steps.flatMap(\.releases).sorted()
        let fetched = Set(plan.fetchSlots)
        #expect(released == Array(0..<plan.slotCount).filter { !fetched.contains($0) })
        // A's value is released by its last reader, c, not by b.
        #expect(plan.steps[1].releases.contains(plan.steps[0].outputSlots[0]) == false)
        #expect(plan.steps[2].releases.contains(plan.steps[0].outputSlots[0]))
        let session = Session(graph: graph)
        for value in [Float(1), 2] {
            #expect(
                try session.run(c, feeds: [x: Tensor([value, -1, 0])]).scalars(as: Float.self)
                    == [value + value * value, 0, 0])
        }
    }

    @Test("feeding one output of a node and fetching another runs the node and keeps the fed value")
    func feedOneOutputFetchAnother() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 3], name: "x")
        let rows = try graph.unstack(x)
        let sum = try graph.add(rows[0], rows[1])
        let session = Session(graph: graph)
        let results = try session.run(
            fetches: [rows[1], sum],
            feeds: [
                x: Tensor(shape: [2, 3], scalars: [Float(1), 2, 3, 4, 5, 6]),
                                                                rows[0]: Tensor([Float(10), 20, 30])])
        #expect(results[0].scalars(as: Float.self) == [4, 5, 6])
        #expect(results[1].scalars(as: Float.self) == [14, 25, 36])
    }

    @Test("run may be called from several threads at once")
    func concurrentRuns() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [nil, 4, 4, 2], name: "x")
        let w = try graph.constant(Tensor(repeating: 0.5, shape: [3, 3, 1, 2], dtype: .float32))
        let batch = try graph.stridedSlice(try graph.shape(x), [.index(0)])
        let shape = try graph.stack([
            batch, try graph.constant(Int32(8)), try graph.constant(Int32(8)), try graph.constant(Int32(1))
        ])
        let y = try graph.sum(
            try graph.conv2dTranspose(x, filter: w, outputShape: shape, strides: [2, 2], padding: .same))
        let counter = try graph.variable(Tensor(Int64(0)), name: "runs")
        let bump = try graph.assignAdd(counter, try graph.constant(Int64(1)))
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for run in 0..<50 {
                let batchSize = 1 + (thread + run) % 3
                let input = Tensor(repeating: 1, shape: [batchSize, 4, 4, 2], dtype: .float32)
                do {
                    let results = try session.run(fetches: [y], feeds: [x: input], targets: [bump.operation])
                    // Every input pixel spreads 2 channels × 0.5 over the 3x3 window cells inside the output.
                    let expected = Float(batchSize) * Self.transposedSum
                    if results[0].scalars(as: Float.self) != [expected] {
                        failures.add("thread \(thread) run \(run): \(results[0])")
                    }
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
        #expect(try session.run(counter.value) == Tensor(Int64(400)))
    }

    /// The sum of a 4x4x2 all-ones input transposed-convolved to 8x8 (stride 2, SAME) by a 3x3 kernel of 0.5.
    static let transposedSum: Float = {
        let graph = Graph()
        let x = try! graph.constant(Tensor(repeating: 1, shape: [1, 4, 4, 2], dtype: .float32))
        let w = try! graph.constant(Tensor(repeating: 0.5, shape: [3, 3, 1, 2], dtype: .float32))
        let y = try! graph.conv2dTranspose(x, filter: w, outputShape: [1, 8, 8, 1], strides: [2, 2], padding: .same)
        return try! Session(graph: graph).run(y).scalars(as: Float.self)!.reduce(0, +)
    }()
}

/// Collects failures from concurrent work.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }

    @Test("values folded from constants are read as constants, unless a feed changes what they were folded from")
    func foldedConstants() throws {
        let graph = Graph()
        let c = try graph.constant(Tensor([Float(1), 2]), name: "c")
        let i = try graph.identity(c, name: "i")
        let y = try graph.multiply(i, try graph.constant(Tensor([Float(2), 2])), name: "y")
        let session = Session(graph: graph)
        #expect(try session.run(y).scalars(as: Float.self) == [2, 4])
        #expect(try session.run(y, feeds: [c: Tensor([Float(5), 6])]).scalars(as: Float.self) == [10, 12])
        #expect(try session.run(y, feeds: [i: Tensor([Float(7), 8])]).scalars(as: Float.self) == [14, 16])
        #expect(try session.run(y).scalars(as: Float.self) == [2, 4])

        // The shape of a variable is folded while building, but an assignment may change it, so it
        // is computed in the run.
        let v = try graph.variable(Tensor([Float(1), 2]), name: "v")
        let size = try graph.addOutput("Size", name: "size", inputs: [v.value])
        let grow = try graph.addOutput(
            "Assign", name: "grow", inputs: [Output(node: v.name), try graph.constant(Tensor([Float(1), 2, 3]))],
                                       attributes: ["validate_shape": .bool(false)])
        try session.run(targets: [v.initializer])
        #expect(try session.run(size).scalars(as: Int32.self) == [2])
        _ = try session.run(grow)
        #expect(try session.run(size).scalars(as: Int32.self) == [3])
    }


    @Test(
        "a run flushes denormal results to zero, as TensorFlow's CPU ops do, on every thread, and restores the caller's mode")
    func denormalsFlushed() throws {
        let graph = Graph()
        // Large enough to be split over the cores.
        let x = try graph.placeholder(.float32, shape: [1 << 18], name: "x")
        let half = try graph.multiply(x, try graph.constant(Float(0.5)))
        let tiny = Float.leastNormalMagnitude
        let result = try Session(graph: graph).run(half, feeds: [x: Tensor(repeating: Double(tiny), shape: [1 << 18],
                                                                            dtype: .float32)])
        #expect(result.scalars(as: Float.self)!.allSatisfy { $0 == 0 })
        // Outside a run this thread reads denormals again.
        let denormal = Tensor(shape: [4], scalars: [Float](repeating: tiny / 2, count: 4))
        #expect(UnaryFunction.relu.apply(denormal).scalars(as: Float.self) == [Float](repeating: tiny / 2, count: 4))
    }
}
