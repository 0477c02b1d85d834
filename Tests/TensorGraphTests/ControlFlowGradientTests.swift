import Foundation
import Testing
@testable import TensorGraph

/// `gradients` through `cond` and `whileLoop` built in Swift, as TensorFlow 1.x's `tf.gradients`
/// builds them (a backward loop reading stacks of forward values), checked against finite
/// differences in float64.
@Suite("control-flow gradients")
struct ControlFlowGradientTests {
    private func one(_ graph: Graph) throws -> Output { try graph.constant(Int32(1)) }

    @Test("through a cond, both ways", arguments: [true, false])
    func cond(taken: Bool) throws {
        try GradientTests.check("cond \(taken)", [[2, 3], [2, 3]]) { graph, x in
            try graph.cond(try graph.constant(taken), then: {
                try graph.add(try graph.multiply(x[0], x[1]), try graph.sin(x[0]))
            }, else: {
                try graph.subtract(x[0], try graph.multiply(x[1], x[1]))
            })
        }
    }

    @Test("through a cond whose predicate the data decides, and a cond nested in a branch")
    func nestedCond() throws {
        try GradientTests.check("nested cond", [[3], [3]]) { graph, x in
            let positive = try graph.less(try graph.constant(Double(-10)), try graph.sum(x[0]))
            return try graph.cond(positive, then: {
                try graph.cond(try graph.constant(false), then: { x[0] }, else: {
                    try graph.multiply(try graph.sin(x[0]), x[1])
                })
            }, else: { x[1] })
        }
    }

    /// `h ← tanh(h · w)` three times: the gradient reaches the initial h through the loop variable
    /// and w, a loop invariant, through the sum over the backward iterations.
    @Test("through a while loop: a loop variable and a loop invariant")
    func whileLoop() throws {
        try GradientTests.check("while", [[2, 3], [3, 3]]) { graph, x in
            let limit = try graph.constant(Int32(3))
            return try graph.whileLoop(
                condition: { try graph.less($0[0], limit) },
                body: { [try graph.add($0[0], try one(graph)), try graph.tanh(try graph.matMul($0[1], x[1]))] },
                loopVariables: [try graph.constant(Int32(0)), x[0]])[1]
        }
    }

    /// The loop's trip count comes from the data (`while sum(h²) < 50: h ← 1.5 h + b`), and the
    /// other loop variable, whose result the ys do not use, still carries the gradient to the one
    /// they use (its Exit gets a zero gradient).
    @Test("through a data-dependent trip count, with an unused loop variable feeding a used one")
    func unusedLoopVariable() throws {
        try GradientTests.check("unused exit", [[3], [3]]) { graph, x in
            let results = try graph.whileLoop(
                condition: { try graph.less(try graph.sum(try graph.square($0[0])), try graph.constant(Double(50))) },
                body: { [try graph.add(try graph.multiply($0[0], try graph.constant(Double(1.5))), $0[1]),
                         try graph.multiply($0[1], try graph.constant(Double(1.1)))] },
                loopVariables: [x[0], x[1]])
            return results[0]
        }
    }

    /// A cond in the body, whose branch the iteration's counter decides: the backward loop reads
    /// the predicate of each forward iteration from its stack.
    @Test("through a cond inside a while loop")
    func condInsideLoop() throws {
        try GradientTests.check("cond in while", [[2, 2], [2, 2]]) { graph, x in
            let limit = try graph.constant(Int32(4)), two = try graph.constant(Int32(2))
            return try graph.whileLoop(
                condition: { try graph.less($0[0], limit) },
                body: { variables in
                    let h = try graph.cond(try graph.less(variables[0], two),
                                           then: { try graph.matMul(variables[1], x[1]) },
                                           else: { try graph.multiply(try graph.sin(variables[1]), x[1]) })
                    return [try graph.add(variables[0], try one(graph)), h]
                },
                loopVariables: [try graph.constant(Int32(0)), x[0]])[1]
        }
    }

    /// An RNN over a [time, batch, features] sequence read one step at a time by Gather: the
    /// gradients reach the sequence, both weight matrices and the initial state.
    @Test("through an RNN over a sequence")
    func recurrentNetwork() throws {
        try GradientTests.check("rnn", [[4, 2, 3], [3, 5], [5, 5], [2, 5]], tolerance: 1e-5) { graph, x in
            let (sequence, input, recurrent) = (x[0], x[1], x[2])
            let steps = try graph.constant(Int32(4))
            return try graph.whileLoop(
                condition: { try graph.less($0[0], steps) },
                body: { variables in
                    let axis = try graph.constant(Int32(0))
                    let step = try graph.addOutput("GatherV2", inputs: [sequence, variables[0], axis])
                    let h = try graph.tanh(try graph.add(try graph.matMul(step, input),
                                                         try graph.matMul(variables[1], recurrent)))
                    return [try graph.add(variables[0], try one(graph)), h]
                },
                loopVariables: [try graph.constant(Int32(0)), x[3]])[1]
        }
    }

    /// A loop in the body of a loop: the inner loop's trip counts are pushed by the outer loop.
    @Test("through nested while loops")
    func nestedLoops() throws {
        try GradientTests.check("nested while", [[3], [3]]) { graph, x in
            let outerLimit = try graph.constant(Int32(2)), innerLimit = try graph.constant(Int32(3))
            return try graph.whileLoop(
                condition: { try graph.less($0[0], outerLimit) },
                body: { outer in
                    let inner = try graph.whileLoop(
                        condition: { try graph.less($0[0], innerLimit) },
                        body: { [try graph.add($0[0], try one(graph)),
                                 try graph.sin(try graph.multiply($0[1], x[1]))] },
                        loopVariables: [try graph.constant(Int32(0)), outer[1]])
                    return [try graph.add(outer[0], try one(graph)), try graph.add(inner[1], x[1])]
                },
                loopVariables: [try graph.constant(Int32(0)), x[0]])[1]
        }
    }

    /// `maximumIterations` adds its own counter as a loop variable; the gradient ignores it.
    @Test("through a loop stopped by maximumIterations")
    func maximumIterations() throws {
        try GradientTests.check("maximum iterations", [[3]]) { graph, x in
            try graph.whileLoop(condition: { _ in try graph.constant(true) },
                                body: { [try graph.sin(try graph.multiply($0[0], try graph.constant(Double(1.5))))] },
                                loopVariables: [x[0]], maximumIterations: try graph.constant(Int32(3)))[0]
        }
    }

    /// A loop on a branch of a cond: its backward loop runs only when the branch was taken.
    @Test("through a loop inside a cond", arguments: [true, false])
    func loopInsideCond(taken: Bool) throws {
        try GradientTests.check("while in cond \(taken)", [[2], [2]]) { graph, x in
            try graph.cond(try graph.constant(taken), then: {
                try graph.whileLoop(condition: { try graph.less($0[0], try graph.constant(Int32(3))) },
                                    body: { [try graph.add($0[0], try one(graph)),
                                             try graph.multiply(try graph.sin($0[1]), x[1])] },
                                    loopVariables: [try graph.constant(Int32(0)), x[0]])[1]
            }, else: { try graph.multiply(x[0], x[1]) })
        }
    }

    /// With a relaxed shape invariant the loop variable's shape is unknown while building: the
    /// backward loop's zeros take their shapes from the forward values at run time.
    @Test("through a loop variable of unknown shape")
    func unknownShape() throws {
        try GradientTests.check("unknown shape", [[2, 3], [3, 3]]) { graph, x in
            let result = try graph.whileLoop(
                condition: { try graph.less($0[0], try graph.constant(Int32(2))) },
                body: { variables in
                    // Only two of three columns reach the next value: Split's gradient needs zeros
                    // for the third, shaped at run time.
                    let columns = try graph.addNode("Split", inputs: [try graph.constant(Int32(1)), variables[1]],
                                                    attributes: ["num_split": .int(3)])
                    let kept = try graph.concat([columns[0], columns[2], columns[0]], axis: 1)
                    let product = try graph.matMul(kept, x[1])
                    // The third variable's next value does not depend on it: its backward Merge
                    // gets zeros for every later iteration.
                    return [try graph.add(variables[0], try one(graph)), try graph.tanh(product), product]
                },
                loopVariables: [try graph.constant(Int32(0)), x[0], x[0]],
                shapeInvariants: [.scalar, Shape([nil, 3]), Shape([nil, 3])])
            return try graph.reshape(try graph.add(result[1], result[2]), to: [2, 3])
        }
    }

    /// A body that returns an outside value as a loop variable's next value: the loop still ends,
    /// and the gradient reaches the outside value through every iteration but the last.
    @Test("through a loop variable replaced by an outside value")
    func outsideValueFedBack() throws {
        try GradientTests.check("outside value fed back", [[3], [3]]) { graph, x in
            let results = try graph.whileLoop(
                condition: { try graph.less($0[0], try graph.constant(Int32(3))) },
                body: { [try graph.add($0[0], try one(graph)), x[1], try graph.multiply($0[2], $0[1])] },
                loopVariables: [try graph.constant(Int32(0)), x[0], x[0]])
            return try graph.add(results[1], results[2])
        }
    }

    /// One iteration at a time: no ControlTrigger orders the pops, and none is needed.
    @Test("through a loop that runs one iteration at a time")
    func oneIterationAtATime() throws {
        try GradientTests.check("parallel iterations 1", [[2, 2], [2, 2]]) { graph, x in
            try graph.whileLoop(condition: { try graph.less($0[0], try graph.constant(Int32(3))) },
                                body: { [try graph.add($0[0], try one(graph)),
                                         try graph.sin(try graph.matMul($0[1], x[1]))] },
                                loopVariables: [try graph.constant(Int32(0)), x[0]], parallelIterations: 1)[1]
        }
    }

    /// The graph optimizer leaves the backward loop's stacks and counters as they are: optimized and
    /// unoptimized runs of an RNN's gradients agree.
    @Test("optimized and unoptimized runs of a loop's gradients agree")
    func optimizedAgrees() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 3], name: "x")
        let w = try graph.constant(Tensor(shape: [3, 3], scalars: (0..<9).map { Float($0) / 10 - 0.4 }))
        let final = try graph.whileLoop(
            condition: { try graph.less($0[0], try graph.constant(Int32(4))) },
            body: { [try graph.add($0[0], try one(graph)),
                     try graph.tanh(try graph.add(try graph.matMul($0[1], w), try graph.constant(Float(0.1))))] },
            loopVariables: [try graph.constant(Int32(0)), x])[1]
        let gradients = try graph.gradients(of: try graph.sum(try graph.square(final)), withRespectTo: [x])
        let feeds = [x: Tensor(shape: [2, 3], scalars: [Float(0.5), -0.25, 1, 0.75, -1, 0.125])]
        let fetches = gradients.map { $0! }
        let optimized = try Session(graph: graph).run(fetches: fetches, feeds: feeds)
        let plain = try Session(graph: graph, options: SessionOptions(optimizesGraph: false))
            .run(fetches: fetches, feeds: feeds)
        #expect(zip(optimized[0].doubles, plain[0].doubles).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
    }

    @Test("gradient descent through an RNN lowers its loss")
    func training() throws {
        let graph = Graph()
        let weight = try graph.variable(Tensor(shape: [2, 2], scalars: [Float(0.1), 0.2, -0.3, 0.4]), name: "w")
        let start = try graph.constant(Tensor(shape: [1, 2], scalars: [Float(1), -1]))
        let final = try graph.whileLoop(
            condition: { try graph.less($0[0], try graph.constant(Int32(5))) },
            body: { [try graph.add($0[0], try one(graph)), try graph.tanh(try graph.matMul($0[1], weight.value))] },
            loopVariables: [try graph.constant(Int32(0)), start])[1]
        let target = try graph.constant(Tensor(shape: [1, 2], scalars: [Float(0.5), 0.25]))
        let loss = try graph.sum(try graph.square(try graph.subtract(final, target)))
        let step = try GradientDescentOptimizer(learningRate: 0.5).minimize(loss, in: graph)
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])
        let before = try session.run(loss).doubles[0]
        for _ in 0..<50 { try session.run(targets: [step]) }
        let after = try session.run(loss).doubles[0]
        #expect(after < before / 10, "loss \(before) → \(after)")
    }

    @Test("a loop loaded from a GraphDef has no while context: a clear error, not a wrong gradient")
    func importedLoop() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2], name: "x")
        let result = try graph.whileLoop(
            condition: { try graph.less($0[0], try graph.constant(Int32(3))) },
            body: { [try graph.add($0[0], try one(graph)), try graph.sin($0[1])] },
            loopVariables: [try graph.constant(Int32(0)), x])[1]
        let loaded = try Graph.load(graphDef: graph.graphDefProtobuf())
        #expect {
            _ = try loaded.gradients(of: result, withRespectTo: [x])
        } throws: { error in
            let message = "\(error)"
            return message.contains("while context") && message.contains(result.node)
        }
    }
}
