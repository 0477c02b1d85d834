import Foundation
import Testing
@testable import TensorGraph

/// The graph optimizer: each rewrite fires where it should, leaves what a run fetches, feeds or
/// keeps in variables alone, and every optimized run agrees with the same run as written.
@Suite("graph optimizer")
struct OptimizerTests {
    static func random(_ shape: [Int], seed: Int) -> Tensor {
        var state = UInt64(seed) &* 6364136223846793005 &+ 1442695040888963407
        let values = (0..<shape.reduce(1, *)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 40) % 2001 - 1000) / 1000
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// A residual block as Keras freezes it: conv → BiasAdd → ·scale → +shift (a batch norm written
    /// out), a second conv on the same input for the shortcut, their sum, Relu.
    struct ResidualBlock {
        let graph = Graph()
        let input: Output, bias: Output, normalized: Output, output: Output

        init(filter: Output? = nil) throws {
            input = try graph.placeholder(.float32, shape: [2, 6, 6, 3], name: "x")
            let weights = try filter ?? graph.constant(OptimizerTests.random([3, 3, 3, 8], seed: 1), name: "w")
            let conv = try graph.conv2d(input, filter: weights, strides: [1], padding: .same, name: "conv")
            bias = try graph.biasAdd(conv, try graph.constant(OptimizerTests.random([8], seed: 2)), name: "bias")
            let scaled = try graph.multiply(
                bias, try graph.constant(OptimizerTests.random([8], seed: 3)), name: "scale")
            normalized = try graph.add(try graph.constant(OptimizerTests.random([1, 1, 1, 8], seed: 4)), scaled,
                                       name: "shift")
            let shortcutWeights = try graph.constant(OptimizerTests.random([1, 1, 3, 8], seed: 5))
            let shortcut = try graph.conv2d(
                input, filter: shortcutWeights, strides: [1], padding: .valid, name: "short")
            let sum = try graph.add(normalized, shortcut, name: "sum")
            output = try graph.relu(sum, name: "out")
        }

        var feeds: [Output: Tensor] { [input: OptimizerTests.random([2, 6, 6, 3], seed: 6)] }
    }

    /// `fetches` computed with and without the optimizer, which must agree within 1e-5.
    static func bothWays(_ graph: Graph, _ fetches: [Output], _ feeds: [Output: Tensor],
                         targets: [TensorGraph.Operation] = []) throws -> (Session, [Tensor]) {
        let session = Session(graph: graph)
        let optimized = try session.run(fetches: fetches, feeds: feeds)
        let plain = Session(graph: graph, options: SessionOptions(optimizesGraph: false))
        for operation in targets { try plain.run(targets: [operation]) }
        let written = try plain.run(fetches: fetches, feeds: feeds)
        for (a, b) in zip(optimized, written) { expectClose(a, b, "optimized vs as written") }
        return (session, optimized)
    }

    @Test("a batch norm folds into the weights, and conv, bias, residual and Relu fuse into one node")
    func residualBlock() throws {
        let block = try ResidualBlock()
        let (session, _) = try Self.bothWays(block.graph, [block.output], block.feeds)
        let report = try session.optimization(fetches: [block.output], feeds: block.feeds)
        #expect(report.failure == nil)
        #expect(report.rewrites.first { $0.pass == "batch-norm folding" }?.count == 2, "\(report)")
        #expect(report.rewrites.first { $0.pass == "product fusion" }?.count == 1, "\(report)")
        let profile = try session.profile(fetches: [block.output], feeds: block.feeds).profile
        // The shortcut conv stays a Conv2D: it has no bias to fuse with.
        #expect(profile.nodes.map(\.op).sorted() == ["Conv2D", "_FusedConv2D"], "\(profile.nodes)")
        #expect(profile.nodes.contains { $0.node == "out" && $0.op == "_FusedConv2D" })
    }

    @Test("a fetched or fed tensor inside a chain stops folding and fusion there, and holds what it would")
    func fetchesAndFeedsArePinned() throws {
        let block = try ResidualBlock()
        let (session, results) = try Self.bothWays(block.graph, [block.bias, block.output], block.feeds)
        #expect(results[0].shape == [2, 6, 6, 8])
        let report = try session.optimization(fetches: [block.bias, block.output], feeds: block.feeds)
        #expect(report.rewrites.first { $0.pass == "batch-norm folding" }?.count == 0, "\(report)")

        var feeds = block.feeds
        feeds[block.normalized] = Self.random([2, 6, 6, 8], seed: 7)
        _ = try Self.bothWays(block.graph, [block.output], feeds)
    }

    @Test("weights in a variable are not folded, and a new value is seen by the next run")
    func variablesAreNotConstants() throws {
        let graph = Graph()
        let variable = try graph.variable(Self.random([3, 3, 3, 8], seed: 1), name: "w")
        let x = try graph.placeholder(.float32, shape: [1, 4, 4, 3], name: "x")
        let conv = try graph.conv2d(x, filter: variable.value, strides: [1], padding: .same)
        let scaled = try graph.multiply(conv, try graph.constant(Self.random([8], seed: 3)))
        let out = try graph.relu(try graph.biasAdd(scaled, try graph.constant(Self.random([8], seed: 2))))
        let assign = try graph.assign(variable, try graph.constant(Self.random([3, 3, 3, 8], seed: 9)))
        let feeds = [x: Self.random([1, 4, 4, 3], seed: 4)]
        let optimized = Session(graph: graph),
            plain = Session(graph: graph, options: SessionOptions(optimizesGraph: false))
        var before: [Tensor] = [], after: [Tensor] = []
        for session in [optimized, plain] {
            try session.run(targets: [variable.initializer])
            before.append(try session.run(out, feeds: feeds))
            try session.run(fetches: [assign])
            after.append(try session.run(out, feeds: feeds))
        }
        expectClose(before[0], before[1], "before the assignment")
        expectClose(after[0], after[1], "after the assignment")
        #expect(before[0] != after[0])
        let report = try optimized.optimization(fetches: [out], feeds: feeds)
        #expect(report.rewrites.first { $0.pass == "batch-norm folding" }?.count == 0, "\(report)")
    }

    @Test("a depthwise convolution's batch norm folds and it fuses with its Relu6, as in MobileNet")
    func depthwise() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [1, 7, 7, 4], name: "x")
        let filter = try graph.constant(Self.random([3, 3, 4, 2], seed: 1))
        let conv = try graph.depthwiseConv2d(x, filter: filter, strides: [2], padding: .same)
        let scaled = try graph.multiply(conv, try graph.constant(Self.random([8], seed: 2)))
        let shifted = try graph.add(scaled, try graph.constant(Self.random([8], seed: 3)))
        let out = try graph.relu6(shifted)
        let feeds = [x: Self.random([1, 7, 7, 4], seed: 4)]
        let (session, _) = try Self.bothWays(graph, [out], feeds)
        #expect(
            try session.profile(fetches: [out], feeds: feeds).profile.nodes.map(\.op) == ["_FusedDepthwiseConv2dNative"]
        )
    }

    @Test("a batch norm before its Relu and conv (DenseNet's order) becomes one _FusedBatchNormEx pass")
    func preActivation() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [1, 5, 5, 6], name: "x")
        let scaled = try graph.multiply(try graph.constant(Self.random([6], seed: 1)), x)
        let shifted = try graph.add(scaled, try graph.constant(Self.random([1, 1, 1, 6], seed: 2)))
        let activated = try graph.relu(shifted)
        let out = try graph.conv2d(activated, filter: try graph.constant(Self.random([1, 1, 6, 4], seed: 3)),
                                   strides: [1], padding: .valid)
        let feeds = [x: Self.random([1, 5, 5, 6], seed: 4)]
        let (session, _) = try Self.bothWays(graph, [out, shifted], feeds)
        // Fetching the shift pins it: the fused node takes its name and computes it, and the Relu stays.
        #expect(try session.profile(fetches: [out, shifted], feeds: feeds).profile.nodes.map(\.op)
                == ["_FusedBatchNormEx", "Relu", "Conv2D"])
        _ = try Self.bothWays(graph, [out], feeds)
        #expect(
            try session.profile(fetches: [out], feeds: feeds).profile.nodes.map(\.op) == ["_FusedBatchNormEx", "Conv2D"]
        )
    }

    /// `FusedBatchNorm` + `version` of `x` with constant statistics, as TF-Slim and TF1 Keras write
    /// an inference batch norm.
    static func fusedBatchNorm(_ x: Output, in graph: Graph, version: String = "V3", training: Bool = false,
                               seed: Int = 10, name: String = "bn") throws -> [Output] {
        let channels = try graph.inferredShape(of: x).dimensions!.last!!
        let statistics = try (0..<4).map { index in
            var value = Self.random([channels], seed: seed + index)
            // A variance must be positive.
            if index == 3 {
                value = Tensor(shape: [channels], scalars: value.scalars(as: Float.self)!.map { abs($0) + 0.1 })
            }
            return try graph.constant(value)
        }
        return try graph.addNode("FusedBatchNorm" + version, name: name, inputs: [x] + statistics,
                                 attributes: ["epsilon": .float(0.001), "is_training": .bool(training)])
    }

    @Test("FusedBatchNorm, V2 and V3 in inference fold into the conv before them and fuse with its Relu")
    func fusedBatchNormFolds() throws {
        for version in ["", "V2", "V3"] {
            let graph = Graph()
            let x = try graph.placeholder(.float32, shape: [2, 6, 6, 3], name: "x")
            let conv = try graph.conv2d(x, filter: try graph.constant(Self.random([3, 3, 3, 8], seed: 1)),
                                        strides: [1], padding: .same, name: "conv")
            let normalized = try Self.fusedBatchNorm(conv, in: graph, version: version)
            let out = try graph.relu(normalized[0], name: "out")
            let feeds = [x: Self.random([2, 6, 6, 3], seed: 6)]
            let (session, _) = try Self.bothWays(graph, [out], feeds)
            let ops = try session.profile(fetches: [out], feeds: feeds).profile.nodes.map(\.op)
            #expect(ops == ["_FusedConv2D"], "FusedBatchNorm\(version): \(ops)")
        }
    }

    @Test("a FusedBatchNormV3 with nothing to fold into becomes one _FusedBatchNormEx with its Relu")
    func fusedBatchNormAffine() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [1, 5, 5, 6], name: "x")
        let normalized = try Self.fusedBatchNorm(x, in: graph)
        let out = try graph.relu(normalized[0], name: "out")
        let feeds = [x: Self.random([1, 5, 5, 6], seed: 4)]
        let (session, _) = try Self.bothWays(graph, [out], feeds)
        #expect(try session.profile(fetches: [out], feeds: feeds).profile.nodes.map(\.op) == ["_FusedBatchNormEx"])
    }

    @Test("a batch norm in training, or one whose batch_mean is read, is left as it is")
    func fusedBatchNormKept() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 4, 4, 3], name: "x")
        let filter = try graph.constant(Self.random([1, 1, 3, 5], seed: 1))
        let conv = try graph.conv2d(x, filter: filter, strides: [1], padding: .valid, name: "conv")
        let training = try Self.fusedBatchNorm(conv, in: graph, training: true, name: "training")
        let conv2 = try graph.conv2d(x, filter: filter, strides: [1], padding: .valid, name: "conv2")
        let inference = try Self.fusedBatchNorm(conv2, in: graph, name: "inference")
        let mean = try graph.add(inference[1], try graph.constant(Self.random([5], seed: 2)), name: "mean")
        let fetches = [training[0], inference[0], mean]
        let feeds = [x: Self.random([2, 4, 4, 3], seed: 4)]
        let (session, _) = try Self.bothWays(graph, fetches, feeds)
        let ops = try session.profile(fetches: fetches, feeds: feeds).profile.nodes.map(\.op).sorted()
        #expect(ops == ["AddV2", "Conv2D", "Conv2D", "FusedBatchNormV3", "FusedBatchNormV3"], "\(ops)")
        // Fetching only y lets it fold.
        _ = try Self.bothWays(graph, [inference[0]], feeds)
        #expect(try session.profile(fetches: [inference[0]], feeds: feeds).profile.nodes.map(\.op) == ["_FusedConv2D"])
    }

    @Test("MatMul with a bias and each fusable activation becomes one _FusedMatMul")
    func matMulActivations() throws {
        for activation in ["Relu", "Relu6", "Elu", "Sigmoid", "Tanh", "LeakyRelu"] {
            let graph = Graph()
            let x = try graph.placeholder(.float32, shape: [5, 7], name: "x")
            let product = try graph.matMul(x, try graph.constant(Self.random([7, 33], seed: 1)))
            let biased = try graph.biasAdd(product, try graph.constant(Self.random([33], seed: 2)))
            let attributes: [String: AttrValue] = activation == "LeakyRelu" ? ["alpha": .float(0.3)] : [:]
            let out = try graph.addNode(activation, inputs: [biased], attributes: attributes)[0]
            let feeds = [x: Self.random([5, 7], seed: 3)]
            let (session, _) = try Self.bothWays(graph, [out], feeds)
            let ops = try session.profile(fetches: [out], feeds: feeds).profile.nodes.map(\.op)
            #expect(ops == ["_FusedMatMul"], "\(activation): \(ops)")
        }
    }

    /// `x · sigmoid(beta · x)` as Keras 3 writes swish (the Mul by beta left out when `beta` is nil).
    static func swish(_ x: Output, in graph: Graph, beta: Double? = 1) throws -> Output {
        let gate = try beta.map { try graph.multiply(try graph.constant(Tensor(Float($0))), x) } ?? x
        return try graph.multiply(x, try graph.sigmoid(gate))
    }

    @Test("swish, x · sigmoid(x), fuses into a product's epilogue and into a channel affine pass")
    func swishFuses() throws {
        for beta in [1, nil] as [Double?] {
            let graph = Graph()
            let x = try graph.placeholder(.float32, shape: [2, 6, 6, 3], name: "x")
            let conv = try graph.conv2d(x, filter: try graph.constant(Self.random([3, 3, 3, 8], seed: 1)),
                                        strides: [1], padding: .same)
            let scaled = try graph.multiply(conv, try graph.constant(Self.random([8], seed: 2)))
            let shifted = try graph.add(scaled, try graph.constant(Self.random([8], seed: 3)))
            let activated = try Self.swish(shifted, in: graph, beta: beta)
            // A batch norm after the activation cannot fold: it becomes the affine pass, with a swish too.
            let normalized = try graph.add(try graph.multiply(activated, try graph.constant(Self.random([8], seed: 4))),
                                           try graph.constant(Self.random([8], seed: 5)))
            let out = try Self.swish(normalized, in: graph, beta: beta)
            // Inputs to ±4, so the sigmoids are not near-linear.
            let feeds = [
                x: Tensor(
                    shape: [2, 6, 6, 3],
                    scalars: Self.random([2, 6, 6, 3], seed: 6).scalars(as: Float.self)!.map { $0 * 4 })
            ]
            let (session, _) = try Self.bothWays(graph, [out], feeds)
            let ops = try session.profile(fetches: [out], feeds: feeds).profile.nodes.map(\.op)
            #expect(ops == ["_FusedConv2D", "_FusedBatchNormEx"], "beta \(String(describing: beta)): \(ops)")
        }
    }

    @Test("sigmoid(2x) · x is no swish, and a fetched sigmoid stays")
    func swishKept() throws {
        let graph = Graph()
        // 1024 × 4: one block of the elementwise fusion.
        let x = try graph.placeholder(.float32, shape: [1024, 5], name: "x")
        let product = try graph.matMul(x, try graph.constant(Self.random([5, 4], seed: 1)))
        let biased = try graph.biasAdd(product, try graph.constant(Self.random([4], seed: 2)))
        let other = try Self.swish(biased, in: graph, beta: 2)
        let gate = try graph.sigmoid(other, name: "gate")
        let out = try graph.multiply(other, gate)
        let feeds = [x: Self.random([1024, 5], seed: 3)]
        let (session, _) = try Self.bothWays(graph, [out, gate], feeds)
        let ops = try session.profile(fetches: [out, gate], feeds: feeds).profile.nodes.map(\.op)
        // Mul by 2, Sigmoid and Mul run as one elementwise chain, not as a swish.
        #expect(ops == ["_FusedMatMul", "_FusedElementwise", "Sigmoid", "Mul"], "\(ops)")
        _ = try Self.bothWays(graph, [out], feeds)
    }

    @Test("an optimized graph written for TensorFlow holds only what TensorFlow runs, reloads and computes the same")
    func optimizedGraphForTensorFlow() throws {
        let block = try ResidualBlock()
        let expected = try Session(graph: block.graph, options: SessionOptions(optimizesGraph: false))
            .run(block.output, feeds: block.feeds)
        for (profile, ops) in [
            (OptimizationProfile.tensorFlow, ["AddV2", "Conv2D", "Placeholder", "Relu", "_FusedConv2D"]),
                               (.tensorGraph, ["Conv2D", "Placeholder", "_FusedConv2D"])] {
            let (optimized, report) = try block.graph.optimized(fetches: [block.output], feeds: [block.input],
                                                                profile: profile)
            #expect(report.failure == nil)
            let reloaded = try Graph.load(graphDef: optimized.graphDefProtobuf())
            #expect(Set(reloaded.nodes.filter { $0.op != "Const" }.map(\.op)) == Set(ops), "\(profile)")
            let fused = try #require(reloaded.nodes.first { $0.op == "_FusedConv2D" })
            let operations = profile == .tensorFlow ? ["BiasAdd"] : ["BiasAdd", "Add", "Relu"]
            #expect(fused.attributes["fused_ops"] == .strings(operations))
            let result = try Session(graph: reloaded, options: SessionOptions(optimizesGraph: false))
                .run("out:0", feeds: ["x:0": block.feeds[block.input]!])
            expectClose(result, expected, "\(profile)")
        }
        // A fed tensor inside the graph becomes a Placeholder of its dtype and shape.
        let (cut, _) = try block.graph.optimized(fetches: [block.output], feeds: [block.normalized, block.input])
        let placeholder = try #require(cut.node(named: block.normalized.node))
        #expect(placeholder.op == "Placeholder" && placeholder.inputs.isEmpty)
        #expect(placeholder.attributes["shape"] == .shape(Shape([2, 6, 6, 8])))
        #expect(cut.node(named: "scale") == nil)
    }

    @Test("identities go, constant subgraphs fold, and the graph computes the same")
    func identitiesAndConstants() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [4], name: "x")
        // A constant chain larger than build-time folding handles (64k elements).
        let big = try graph.constant(Tensor(repeating: 2, shape: [300, 300], dtype: .float32))
        let doubled = try graph.add(big, big)
        let sum = try graph.addOutput("Sum", inputs: [doubled, try graph.constant([Int32(0), 1], shape: [2])])
        let through = try graph.identity(try graph.identity(x))
        let out = try graph.multiply(through, try graph.addOutput("StopGradient", inputs: [sum]))
        let feeds = [x: Tensor([Float(1), 2, 3, 4])]
        let (session, results) = try Self.bothWays(graph, [out], feeds)
        #expect(results[0].scalars(as: Float.self) == [360_000, 720_000, 1_080_000, 1_440_000])
        let report = try session.optimization(fetches: [out], feeds: feeds)
        #expect(report.rewrites.first { $0.pass == "identity removal" }?.count == 3, "\(report)")
        #expect(report.rewrites.first { $0.pass == "constant folding" }?.count == 2, "\(report)")
        #expect(try session.profile(fetches: [out], feeds: feeds).profile.nodes.map(\.op) == ["Mul"])
    }

    @Test("the GraphDef TensorFlow wrote computes the same optimized as written, and TensorFlow's numbers")
    func fixtureBothWays() throws {
        let graph = try Graph.load(contentsOf: ProtobufGraphDefTests.pb)
        let input = try Fixtures.npy("formats/conv_deconv_input.npy")
        let (_, results) = try Self.bothWays(graph, ["output:0"], ["input:0": input])
        expectClose(results[0], try Fixtures.npy("formats/conv_deconv_output.npy"), "output")
    }
}
