import Testing
@testable import TensorGraph

/// The elementwise fusion: chains of elementwise ops on one tensor run as one `_FusedElementwise`,
/// which computes what the ops as written compute; fetched tensors and broadcasts it cannot read
/// stop a chain.
@Suite("elementwise fusion")
struct ElementwiseFusionTests {
    static func random(_ shape: [Int], seed: Int, scale: Float = 1) -> Tensor {
        let values = OptimizerTests.random(shape, seed: seed).scalars(as: Float.self)!.map { $0 * scale }
        return Tensor(shape: shape, scalars: values)
    }

    static func ops(_ session: Session, _ fetches: [Output], _ feeds: [Output: Tensor]) throws -> [String] {
        try session.profile(fetches: fetches, feeds: feeds).profile.nodes.map(\.op)
    }

    /// A chain of every kind of step over `shape`: unary functions with and without a vector
    /// kernel, a per-channel bias, scalar and per-channel operands on either side, and a computed
    /// operand of the same shape.
    static func chain(_ shape: [Int]) throws -> (graph: Graph, out: Output, middle: Output, feeds: [Output: Tensor]) {
        let graph = Graph(), channels = shape.last!
        let x = try graph.placeholder(.float32, shape: Shape(shape), name: "x")
        let y = try graph.placeholder(.float32, shape: Shape(shape), name: "y")
        var value = try graph.biasAdd(x, try graph.constant(random([channels], seed: 1)), name: "bias")
        value = try graph.multiply(try graph.constant(Tensor(Float(1.5))), value, name: "scale")
        value = try graph.leakyRelu(value, alpha: 0.1, name: "leaky")
        value = try graph.subtract(try graph.constant(random([1, 1, channels], seed: 2)), value, name: "flip")
        value = try graph.addOutput("Elu", name: "elu", inputs: [value])
        value = try graph.tanh(value, name: "tanh")
        let middle = value
        value = try graph.maximum(value, y, name: "max")
        value = try graph.addOutput("Softplus", name: "softplus", inputs: [value])
        value = try graph.divide(value, try graph.constant(random([channels], seed: 3, scale: 2)), name: "divide")
        value = try graph.exp(value, name: "exp")
        let out = try graph.relu6(value, name: "out")
        let feeds = [x: random(shape, seed: 4, scale: 3), y: random(shape, seed: 5)]
        return (graph, out, middle, feeds)
    }

    @Test("a chain of eleven steps becomes one _FusedElementwise that computes what the ops as written do")
    func chainFuses() throws {
        // One block exactly; and large enough to go in several blocks over both cores, with 3 and
        // 24 channels (neither divides a block of 4096 evenly).
        for shape in [[4, 32, 32], [2, 64, 64, 3], [1, 96, 80, 24]] {
            let (graph, out, _, feeds) = try Self.chain(shape)
            let (session, _) = try OptimizerTests.bothWays(graph, [out], feeds)
            #expect(try Self.ops(session, [out], feeds) == ["_FusedElementwise"], "\(shape)")
            let report = try session.optimization(fetches: [out], feeds: feeds)
            #expect(report.rewrites.first { $0.pass == "elementwise fusion" }?.count == 1, "\(report)")
        }
    }

    @Test("a chain over a tensor smaller than one block stays as written: fusing it would save nothing")
    func smallChainsStay() throws {
        let (graph, out, _, feeds) = try Self.chain([2, 3, 5])
        let (session, _) = try OptimizerTests.bothWays(graph, [out], feeds)
        #expect(try !Self.ops(session, [out], feeds).contains("_FusedElementwise"))
    }

    @Test("fetching a tensor in the middle splits the chain there, and the tensor holds what it would")
    func fetchInTheMiddle() throws {
        let (graph, out, middle, feeds) = try Self.chain([2, 40, 60])
        let (session, results) = try OptimizerTests.bothWays(graph, [out, middle], feeds)
        #expect(try Self.ops(session, [out, middle], feeds) == ["_FusedElementwise", "_FusedElementwise"])
        let plain = Session(graph: graph, options: SessionOptions(optimizesGraph: false))
        #expect(results[1] == (try plain.run(middle, feeds: feeds)))
        // Feeding it cuts the chain before it too.
        var fed = feeds
        fed[middle] = Self.random([2, 40, 60], seed: 9)
        let (cut, _) = try OptimizerTests.bothWays(graph, [out], fed)
        #expect(try Self.ops(cut, [out], fed) == ["_FusedElementwise"])
    }

    @Test("an operand that broadcasts other than as a scalar, a same-shaped tensor or a channel vector stops the chain")
    func broadcastsLeftAlone() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 50, 48], name: "x")
        let a = try graph.relu(x)
        // Per row: [50, 1] spreads over the middle axis, which the fused kernel does not read.
        let rows = try graph.multiply(a, try graph.constant(Self.random([50, 1], seed: 1)))
        let b = try graph.tanh(try graph.sigmoid(rows))
        // Enlarges the tensor: [2, 50, 48] + [3, 1, 1, 1] is [3, 2, 50, 48].
        let wider = try graph.add(b, try graph.constant(Self.random([3, 1, 1, 1], seed: 2)))
        let out = try graph.exp(try graph.negate(wider))
        let feeds = [x: Self.random([2, 50, 48], seed: 3)]
        let (session, results) = try OptimizerTests.bothWays(graph, [out], feeds)
        #expect(results[0].shape == [3, 2, 50, 48])
        #expect(try Self.ops(session, [out], feeds)
                == ["Relu", "Mul", "_FusedElementwise", "AddV2", "_FusedElementwise"])
    }

    @Test("a chain whose input is also a later operand does not write over that input")
    func inputReadAgain() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [3, 40, 50], name: "x")
        // Computed, so the run owns it and could hand it over.
        let t = try graph.transpose(x, permutation: [0, 2, 1])
        let out = try graph.add(try graph.multiply(try graph.relu(t), t), t)
        let feeds = [x: Self.random([3, 40, 50], seed: 1)]
        let (session, _) = try OptimizerTests.bothWays(graph, [out], feeds)
        #expect(try Self.ops(session, [out], feeds) == ["Transpose", "_FusedElementwise"])
    }

    @Test("a graph written for TensorFlow holds no _FusedElementwise; TensorGraph's own profile does")
    func notForTensorFlow() throws {
        let (graph, out, _, feeds) = try Self.chain([2, 48, 48])
        for (profile, fused) in [(OptimizationProfile.tensorFlow, false), (.tensorGraph, true)] {
            let (optimized, report) = try graph.optimized(fetches: [out], feeds: Array(feeds.keys), profile: profile)
            #expect(report.failure == nil)
            #expect(optimized.nodes.contains { $0.op == "_FusedElementwise" } == fused, "\(profile)")
            let result = try Session(graph: optimized, options: SessionOptions(optimizesGraph: false))
                .run(fetches: [out], feeds: feeds)
            let expected = try Session(graph: graph, options: SessionOptions(optimizesGraph: false))
                .run(fetches: [out], feeds: feeds)
            expectClose(result[0], expected[0], "\(profile)")
        }
    }

    @Test("a _FusedElementwise with steps that do not match its inputs is a clear error")
    func badSteps() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 3], name: "x")
        let operand = try graph.constant(Self.random([2, 1], seed: 1))
        func fused(_ functions: [String], _ operands: [Int]) throws {
            _ = try graph.addNode("_FusedElementwise", inputs: [x, operand], attributes: [
                "num_operands": .int(1), "functions": .strings(functions), "step_operands": .ints(operands),
                "operand_first": .bools(functions.map { _ in false }), "alphas": .floats(functions.map { _ in 0 })])
        }
        for (functions, operands, message) in [(["relu", "cube"], [-1, -1], "'cube' names no elementwise function"),
                                                (["add"], [2], "takes input 2 as operand"),
                                                (["multiply"], [1], "does not spread over x")] {
            do {
                try fused(functions, operands)
                Issue.record("\(functions) was accepted")
            } catch let error as GraphError {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }
}
