import Testing
@testable import TensorGraph

/// The memory plan: the peak of tensors alive at once, planned from the schedule, is the peak a
/// run measures, counting outputs written over the inputs they replace and views once.
@Suite("memory plan")
struct MemoryPlanTests {
    /// The peak of a profiled run as planned and as measured, optimized or not.
    static func peaks(_ graph: Graph, _ fetches: [Output], _ feeds: [Output: Tensor],
                      optimized: Bool) throws -> (plan: MemoryPlan, measured: Int) {
        let session = Session(graph: graph, options: SessionOptions(optimizesGraph: optimized))
        let profile = try session.profile(fetches: fetches, feeds: feeds).profile
        return (try #require(profile.memory), profile.measuredPeakBytes)
    }

    @Test("a product, a Relu over it, a Reshape view and a second product peak at the second product")
    func smallChain() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [16, 16], name: "x")
        let a = try graph.matMul(x, try graph.constant(OptimizerTests.random([16, 32], seed: 1)))
        let b = try graph.relu(a)
        let c = try graph.reshape(b, to: [32, 16])
        let d = try graph.matMul(c, try graph.constant(OptimizerTests.random([16, 8], seed: 2)), name: "second")
        let out = try graph.exp(d)
        let feeds = [x: OptimizerTests.random([16, 16], seed: 3)]
        for optimized in [false, true] {
            let (plan, measured) = try Self.peaks(graph, [out], feeds, optimized: optimized)
            // x (1 KiB, the caller's) + the Relu written over the first product, viewed as c (2 KiB) + d (1 KiB).
            #expect(plan.peakBytes == 4096 && plan.peakNode == "second", "\(plan)")
            #expect(plan.unsizedTensors == 0)
            #expect(measured == 4096, "optimized \(optimized)")
        }
    }

    @Test("the planned peak is the measured one on a residual block and an elementwise chain, optimized or not")
    func plannedIsMeasured() throws {
        let block = try OptimizerTests.ResidualBlock()
        let chain = try ElementwiseFusionTests.chain([2, 16, 16, 8])
        for (graph, fetches, feeds) in [(block.graph, [block.output], block.feeds),
                                        (block.graph, [block.bias, block.output], block.feeds),
                                        (chain.graph, [chain.out], chain.feeds)] {
            for optimized in [false, true] {
                let (plan, measured) = try Self.peaks(graph, fetches, feeds, optimized: optimized)
                #expect(plan.peakBytes == measured, "\(fetches), optimized \(optimized): \(plan)")
                #expect(plan.peakBytes > 0)
            }
        }
    }

    /// Every output of a forwarding op is its input's buffer, not only the first: IdentityN's second was
    /// counted as a fresh buffer.
    @Test("IdentityN's outputs are views of its inputs, all of them")
    func identityNForwardsEveryInput() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [64, 64], name: "x")
        let a = try graph.matMul(x, try graph.constant(OptimizerTests.random([64, 64], seed: 1)))
        let b = try graph.matMul(x, try graph.constant(OptimizerTests.random([64, 64], seed: 2)))
        let forwarded = try graph.addNode("IdentityN", name: "both", inputs: [a, b])
        let out = try graph.add(forwarded[0], forwarded[1])
        let feeds = [x: OptimizerTests.random([64, 64], seed: 3)]
        for optimized in [false, true] {
            let (plan, measured) = try Self.peaks(graph, [out], feeds, optimized: optimized)
            // x, a and b, 16 KiB each: IdentityN and the Add over its first output take no buffer of their own.
            #expect(plan.peakBytes == 3 * 16384, "optimized \(optimized): \(plan)")
            #expect(measured == 3 * 16384, "optimized \(optimized)")
        }
    }

    @Test("a tensor of unknown size is named as not counted")
    func unsized() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: Shape([nil, 4]), name: "x")
        let out = try graph.relu(try graph.matMul(x, try graph.constant(OptimizerTests.random([4, 4], seed: 1))))
        let (plan, _) = try Self.peaks(graph, [out], [x: OptimizerTests.random([3, 4], seed: 2)], optimized: false)
        #expect(plan.unsizedTensors == 2, "\(plan)")
    }
}
