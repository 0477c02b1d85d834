import Foundation
import Testing
@testable import TensorGraph

/// tf.cond and tf.while_loop built with the Swift API, run by the dataflow executor: values,
/// deadness (an untaken branch does not run), frames and iterations, and the diagnostics.
@Suite("control flow")
struct ControlFlowTests {
    /// `cond(p, x · 2, x + 10)`, whose false branch also reads a placeholder that only it needs.
    struct Conditional {
        let graph = Graph()
        let predicate: Output, x: Output, onlyFalse: Output, result: Output

        init() throws {
            predicate = try graph.placeholder(.bool, shape: [], name: "p")
            x = try graph.placeholder(.float32, shape: [2], name: "x")
            let graph = graph, x = x
            var onlyFalse: Output?
            result = try graph.cond(predicate, then: { try graph.multiply(x, try graph.constant(Float(2))) }, else: {
                let extra = try graph.placeholder(.float32, shape: [], name: "only_false")
                onlyFalse = extra
                return try graph.add(try graph.add(x, try graph.constant(Float(10))), extra)
            })
            self.onlyFalse = onlyFalse!
        }
    }

    @Test func condRunsOnlyTheTakenBranch() throws {
        let conditional = try Conditional()
        let session = Session(graph: conditional.graph)
        let x = Tensor(shape: [2], scalars: [Float(1), 3])
        // The false branch's placeholder is not fed: it must not run when the predicate is true.
        let taken = try session.run(conditional.result, feeds: [conditional.predicate: Tensor(true), conditional.x: x])
        #expect(taken.scalars(as: Float.self) == [2, 6])
        let other = try session.run(conditional.result, feeds: [conditional.predicate: Tensor(false), conditional.x: x,
                                                                conditional.onlyFalse: Tensor(Float(0.5))])
        #expect(other.scalars(as: Float.self) == [11.5, 13.5])
        #expect(throws: GraphError.self) {
            try session.run(conditional.result, feeds: [conditional.predicate: Tensor(false), conditional.x: x])
        }
    }

    @Test func condMergesTheBranchShapes() throws {
        let graph = Graph()
        let p = try graph.placeholder(.bool, shape: [])
        let a = try graph.placeholder(.float32, shape: [2, 3]), b = try graph.placeholder(.float32, shape: [4, 3])
        let merged = try graph.cond(p, then: { a }, else: { b })
        #expect(try graph.inferredShape(of: merged) == Shape([nil, 3]))
        let mismatched = try graph.placeholder(.int32, shape: [2, 3])
        #expect(throws: GraphError.self) { try graph.cond(p, then: { a }, else: { mismatched }) }
    }

    /// `while i < n: (i + 1, total + i)`, with `n` fed: the trip count is the data's.
    @Test func whileLoopRunsAsManyIterationsAsTheDataSays() throws {
        let graph = Graph()
        let n = try graph.placeholder(.int32, shape: [], name: "n")
        let zero = try graph.constant(Int32(0))
        let results = try graph.whileLoop(
            condition: { try graph.less($0[0], n) },
            body: { [try graph.add($0[0], try graph.constant(Int32(1))), try graph.add($0[1], $0[0])] },
            loopVariables: [zero, zero])
        let session = Session(graph: graph)
        for (count, total) in [(0, 0), (1, 0), (10, 45), (1000, 499_500)] {
            let outputs = try session.run(fetches: results, feeds: [n: Tensor(Int32(count))])
            #expect(outputs[0].scalars(as: Int32.self) == [Int32(count)])
            #expect(outputs[1].scalars(as: Int32.self) == [Int32(total)])
        }
    }

    /// A cond inside a while body, reading a value from outside the loop.
    @Test func condInsideWhileLoop() throws {
        let graph = Graph()
        let scale = try graph.placeholder(.float32, shape: [], name: "scale")
        let results = try graph.whileLoop(
            condition: { try graph.less($0[0], try graph.constant(Int32(6))) },
            body: { variables in
                let i = variables[0], total = variables[1]
                let even = try graph.equal(try graph.addOutput("FloorMod", inputs: [i, try graph.constant(Int32(2))]),
                                           try graph.constant(Int32(0)))
                let value = try graph.cast(i, to: .float32)
                let next = try graph.cond(even, then: { try graph.add(total, try graph.multiply(value, scale)) },
                                          else: { try graph.subtract(total, value) })
                return [try graph.add(i, try graph.constant(Int32(1))), next]
            },
            loopVariables: [try graph.constant(Int32(0)), try graph.constant(Float(0))])
        let total = try Session(graph: graph).run(results[1], feeds: [scale: Tensor(Float(10))])
        // (0 + 2 + 4)·10 − (1 + 3 + 5)
        #expect(total.scalars(as: Float.self) == [51])
    }

    @Test func nestedWhileLoops() throws {
        let graph = Graph()
        let zero = try graph.constant(Int32(0)), one = try graph.constant(Int32(1))
        let results = try graph.whileLoop(
            condition: { try graph.less($0[0], try graph.constant(Int32(4))) },
            body: { outer in
                let inner = try graph.whileLoop(
                    condition: { try graph.less($0[0], outer[0]) },
                    body: { [try graph.add($0[0], one), try graph.add($0[1], one)] },
                    loopVariables: [zero, outer[1]])
                return [try graph.add(outer[0], one), inner[1]]
            },
            loopVariables: [zero, zero])
        // The inner loop runs 0 + 1 + 2 + 3 times in all.
        #expect(try Session(graph: graph).run(results[1]).scalars(as: Int32.self) == [6])
    }

    @Test func maximumIterationsStopsAnEndlessLoop() throws {
        let graph = Graph()
        let limit = try graph.placeholder(.int32, shape: [], name: "limit")
        let results = try graph.whileLoop(
            condition: { _ in try graph.constant(true) },
            body: { [try graph.add($0[0], try graph.constant(Float(0.5)))] },
            loopVariables: [try graph.constant(Float(0))], maximumIterations: limit)
        let value = try Session(graph: graph).run(results[0], feeds: [limit: Tensor(Int32(7))])
        #expect(value.scalars(as: Float.self) == [3.5])
    }

    /// A loop on the untaken side of a cond: its Enter is dead, so its Merge and Exits are, and the
    /// run ends with the other branch's value instead of waiting.
    @Test func whileLoopInAnUntakenBranch() throws {
        let graph = Graph()
        let p = try graph.placeholder(.bool, shape: [], name: "p")
        let x = try graph.placeholder(.float32, shape: [], name: "x")
        let result = try graph.cond(p, then: {
            try graph.whileLoop(condition: { try graph.less($0[0], try graph.constant(Float(100))) },
                                body: { [try graph.multiply($0[0], try graph.constant(Float(2)))] },
                                loopVariables: [x])[0]
        }, else: { try graph.negate(x) })
        let session = Session(graph: graph)
        #expect(try session.run(result, feeds: [p: Tensor(true), x: Tensor(Float(3))]).scalars(as: Float.self) == [192])
        #expect(try session.run(result, feeds: [p: Tensor(false), x: Tensor(Float(3))]).scalars(as: Float.self) == [-3])
    }

    /// TensorFlow's dead-Enter rule: a dead Enter makes its loop's Merge dead although the loop's
    /// NextIteration never comes, so the loop's Exit runs, dead, and what waits for it goes on. A
    /// Merge after the cond waits for the untaken loop's Exit (a control input, as gradient graphs
    /// have): without the rule that Exit never runs and the Merge never fires.
    @Test func aDeadEnterEndsItsLoopSoAMergeWaitingForItsExitFires() throws {
        let graph = Graph()
        let p = try graph.placeholder(.bool, shape: [], name: "p")
        let x = try graph.placeholder(.float32, shape: [], name: "x")
        var exit: Output?
        let result = try graph.cond(p, then: {
            exit = try graph.whileLoop(condition: { try graph.less($0[0], try graph.constant(Float(100))) },
                                       body: { [try graph.multiply($0[0], try graph.constant(Float(2)))] },
                                       loopVariables: [x])[0]
            return exit!
        }, else: { try graph.negate(x) })
        let after = try graph.addNode("Merge", name: "after", inputs: [result, result],
                                      controlInputs: [exit!.operation])[0]
        let session = Session(graph: graph)
        for fetch in [result, after] {
            let untaken = try session.run(fetch, feeds: [p: Tensor(false), x: Tensor(Float(3))])
            #expect(untaken.scalars(as: Float.self) == [-3])
            let taken = try session.run(fetch, feeds: [p: Tensor(true), x: Tensor(Float(3))])
            #expect(taken.scalars(as: Float.self) == [192])
        }
    }

    @Test func aLoopThatNeverEndsTimesOut() throws {
        let graph = Graph()
        let results = try graph.whileLoop(condition: { _ in try graph.constant(true) },
                                          body: { [try graph.add($0[0], try graph.constant(Int32(1)))] },
                                          loopVariables: [try graph.constant(Int32(0))])
        let session = Session(graph: graph, options: SessionOptions(operationTimeout: 0.2))
        let error = try #require(throws: GraphError.self) { try session.run(results[0]) }
        #expect(error.description.contains("timed out"))
        #expect(error.description.contains("while/while_context"))
    }

    @Test func aBodyThatChangesAShapeAgainstItsInvariantIsRefused() throws {
        let graph = Graph()
        let start = try graph.constant(Tensor(shape: [1], scalars: [Float(1)]))
        let body: ([Output]) throws -> [Output] = { [try graph.addOutput("ConcatV2", inputs: [$0[0], $0[0],
                        try graph.constant(Int32(0))
                    ])
            ]
        }
        let error = try #require(throws: GraphError.self) {
            try graph.whileLoop(condition: { _ in try graph.constant(false) }, body: body, loopVariables: [start])
        }
        #expect(error.description.contains("while/while_context"))
        #expect(error.description.contains("shapeInvariants"))
        // With a shape invariant that lets the length vary, the same loop builds and runs.
        let grown = try graph.whileLoop(
            condition: { try graph.less(try graph.addOutput("Size", inputs: [$0[0]]), try graph.constant(Int32(8))) },
            body: body, loopVariables: [start], shapeInvariants: [Shape([nil])])
        #expect(try Session(graph: graph).run(grown[0]).shape == [8])
    }

    @Test func fetchingInsideALoopIsRefused() throws {
        let graph = Graph()
        var inside: Output?
        _ = try graph.whileLoop(condition: { try graph.less($0[0], try graph.constant(Int32(3))) },
                                body: { variables in
                                    inside = try graph.add(variables[0], try graph.constant(Int32(1)))
                                    return [inside!]
                                }, loopVariables: [try graph.constant(Int32(0))])
        let error = try #require(throws: GraphError.self) { try Session(graph: graph).run(inside!) }
        #expect(error.description.contains("once per iteration"))
    }

    /// Written as a GraphDef and read back, the loop's back edges (NextIteration → Merge) import,
    /// and the imported graph computes the same values.
    @Test func loopsSurviveAGraphDefRoundTrip() throws {
        let graph = Graph()
        let n = try graph.placeholder(.int32, shape: [], name: "n")
        let results = try graph.whileLoop(
            condition: { try graph.less($0[0], n) },
            body: {
                [
                    try graph.add($0[0], try graph.constant(Int32(1))),
                    try graph.multiply($0[1], try graph.constant(Float(1.5)))
                ]
            },
            loopVariables: [try graph.constant(Int32(0)), try graph.constant(Float(2))])
        let imported = try Graph.load(graphDef: graph.graphDefProtobuf())
        let feeds = [n: Tensor(Int32(4))]
        let expected = try Session(graph: graph).run(results[1], feeds: feeds)
        #expect(expected.scalars(as: Float.self) == [10.125])
        #expect(try Session(graph: imported).run(results[1], feeds: feeds) == expected)
    }

    @Test func optimizedAndUnoptimizedRunsAgree() throws {
        let conditional = try Conditional()
        let feeds = [conditional.predicate: Tensor(true), conditional.x: Tensor(shape: [2], scalars: [Float(-1), 4])]
        let plain = Session(graph: conditional.graph, options: SessionOptions(optimizesGraph: false))
        let optimized = Session(graph: conditional.graph)
        #expect(try plain.run(conditional.result, feeds: feeds) == optimized.run(conditional.result, feeds: feeds))
    }

    @Test func anExitOutsideEveryLoopIsNamed() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [], name: "x")
        let exit = try graph.addOutput("Exit", name: "stray_exit", inputs: [x])
        let error = try #require(throws: GraphError.self) {
            try Session(graph: graph).run(exit, feeds: [x: Tensor(Float(1))])
        }
        #expect(error.description.contains("stray_exit"))
        #expect(error.description.contains("not inside a while loop"))
    }

    @Test func dotDrawsEachLoopFrameAsACluster() throws {
        let graph = Graph()
        let zero = try graph.constant(Int32(0))
        _ = try graph.whileLoop(condition: { try graph.less($0[0], try graph.constant(Int32(3))) },
                                body: { [try graph.add($0[0], try graph.constant(Int32(1)))] }, loopVariables: [zero])
        let dot = graph.dot()
        let cluster = try #require(dot.range(of: "subgraph \"cluster_1\" {"))
        let inside = dot[cluster.upperBound...]
        #expect(inside.hasPrefix("\n    label=\"while/while_context\"; style=dashed;"))
        #expect(inside.contains("\"while/Merge\" [label="))
        #expect(!dot[..<cluster.lowerBound].contains("\"while/Merge\" [label="))
    }

    /// `tensorgraph run --timeout` stops a loop that never ends with an error line and status 1.
    @Test func theCommandLineStopsAnEndlessLoop() throws {
        let graph = Graph()
        _ = try graph.whileLoop(condition: { _ in try graph.constant(true) },
                                body: { [try graph.add($0[0], try graph.constant(Int32(1)))] },
                                loopVariables: [try graph.constant(Int32(0))], name: "forever")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("endless-\(UUID().uuidString).pb")
        defer { try? FileManager.default.removeItem(at: file) }
        try graph.save(to: file)
        let tool = try CommandLineTool(["run", file.path, "--fetch", "forever/Exit", "--timeout", "0.3"])
        #expect(tool.status == 1)
        #expect(tool.stderr.contains("timed out"), "\(tool.stderr)")
        let refused = try CommandLineTool(["run", file.path, "--timeout", "soon"])
        #expect(refused.status == 2)
    }

    /// A Merge with no live input is dead, and fetching a dead tensor is an error naming it.
    @Test func fetchingADeadTensorIsAnError() throws {
        let graph = Graph()
        let p = try graph.placeholder(.bool, shape: [], name: "p")
        let x = try graph.placeholder(.float32, shape: [], name: "x")
        let switched = try graph.addNode("Switch", name: "s", inputs: [x, p])
        let onlyTrue = try graph.addOutput("Merge", name: "only_true", inputs: [switched[1], switched[1]])
        let session = Session(graph: graph)
        #expect(try session.run(onlyTrue, feeds: [p: Tensor(true), x: Tensor(Float(2))]).scalars(as: Float.self) == [2])
        let error = try #require(throws: GraphError.self) {
            try session.run(onlyTrue, feeds: [p: Tensor(false), x: Tensor(Float(2))])
        }
        #expect(error.description.contains("'only_true:0' has no value in this run"))
    }
}
