import Testing
@testable import TensorGraph

/// Gradients and diagnostics of the ops the model zoos need (MirrorPad, LRN, the fused batch norm
/// versions); their values are checked against TensorFlow in ops.json.
@Suite("model-zoo ops")
struct ZooOpsTests {
    @Test("mirror padding and its gradient op, each the other's gradient")
    func mirrorPadGradients() throws {
        for mode in [MirrorPadMode.reflect, .symmetric] {
            try GradientTests.check("MirrorPad \(mode)", [[3, 4]]) { g, x in
                try g.mirrorPad(x[0], paddings: [(2, 1), (0, 3)], mode: mode)
            }
            try GradientTests.check("MirrorPadGrad \(mode)", [[6, 5]]) { g, x in
                let paddings = try g.constant(Tensor(shape: [2, 2], scalars: [Int32(2), 1, 0, 2]))
                return try g.addOutput(
                    "MirrorPadGrad", inputs: [x[0], paddings], attributes: ["mode": .string(mode.rawValue)])
            }
        }
    }

    @Test("mirror padding larger than the input allows names the axis, the limit and the fix")
    func mirrorPadTooWide() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [2, 3], name: "x")
        #expect(try graph.inferredShape(of: try graph.mirrorPad(x, paddings: [(0, 0), (3, 3)], mode: .symmetric))
                == Shape([2, 9]))
        let message = errorText { try graph.mirrorPad(x, paddings: [(0, 0), (3, 0)], mode: .reflect, name: "wide") }
        #expect(message?.contains("pad axis 1 by 3 and 0, but REFLECT pads an axis of size 3 by at most 2") == true,
                "\(message ?? "")")
        #expect(message?.contains("use mode SYMMETRIC") == true)
    }

    @Test("space_to_batch_nd and batch_to_space_nd: each the other's gradient, and a block that does not fit is named")
    func spaceBatchGradients() throws {
        try GradientTests.check("SpaceToBatchND", [[1, 3, 4, 2]]) { g, x in
            try g.spaceToBatch(x[0], blockShape: [2, 2], paddings: [(1, 0), (0, 2)])
        }
        try GradientTests.check("BatchToSpaceND", [[4, 2, 3, 1]]) { g, x in
            try g.batchToSpace(x[0], blockShape: [2, 2], crops: [(0, 1), (1, 1)])
        }
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [1, 5, 4, 2], name: "x")
        #expect(try graph.inferredShape(of: try graph.spaceToBatch(x, blockShape: [2, 2], paddings: [(1, 0), (0, 0)]))
                == Shape([4, 3, 2, 2]))
        let message = errorText { try graph.spaceToBatch(x, blockShape: [2, 2], paddings: [(0, 0), (0, 0)], name: "s") }
        #expect(message?.contains("spatial axis 1 of size 5, padded by 0 and 0, is not a multiple of its block size 2")
                == true, "\(message ?? "")")
    }

    @Test("l2_loss's gradient is its input times the incoming gradient")
    func l2LossGradient() throws {
        try GradientTests.check("L2Loss", [[3, 4]]) { g, x in try g.l2Loss(x[0]) }
    }

    @Test("local response normalization's gradient, with default and AlexNet-like attributes")
    func lrnGradient() throws {
        try GradientTests.check("LRN", [[1, 2, 2, 7]]) { g, x in try g.localResponseNormalization(x[0]) }
        try GradientTests.check("LRN alexnet", [[2, 1, 2, 6]]) { g, x in
            try g.localResponseNormalization(x[0], depthRadius: 2, bias: 1.5, alpha: 0.3, beta: 0.75)
        }
    }

    /// FusedBatchNorm and FusedBatchNormV2 share FusedBatchNormV3's code; their gradients (through
    /// FusedBatchNormGrad and FusedBatchNormGradV2) must be V3's.
    @Test("FusedBatchNorm and FusedBatchNormV2 train as FusedBatchNormV3 does")
    func fusedBatchNormVersions() throws {
        let x = Tensor(shape: [2, 3, 2, 3], scalars: GradientTests.values(36, seed: 3).map { Float($0) })
        let statistics = [[0.5, -1, 2], [0.1, 0.2, -0.3], [0.3, 0, -0.2], [1, 0.5, 2]].map {
            Tensor($0.map { Float($0) })
        }
        for training in [true, false] {
            var results: [[Tensor]] = []
            for op in ["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"] {
                let graph = Graph()
                let input = try graph.constant(x)
                let rest = try statistics.map { try graph.constant($0) }
                let y = try graph.addNode(op, inputs: [input] + rest,
                                          attributes: ["epsilon": .float(0.001), "is_training": .bool(training)])
                #expect(y.count == (op == "FusedBatchNormV3" ? 6 : 5))
                let loss = try graph.sum(try graph.multiply(y[0], y[0]))
                let gradients = try graph.gradients(of: loss, withRespectTo: [input, rest[0], rest[1]]).map {
                    try #require($0)
                }
                results.append(try Session(graph: graph).run(fetches: [y[0]] + gradients, feeds: [:]))
            }
            for other in results.dropLast() {
                for (a, b) in zip(other, results.last!) { expectClose(a, b, tolerance: 1e-6, "training \(training)") }
            }
        }
    }

    @Test("batch matrix products: every adjoint, broadcast batches summed back in the gradient")
    func batchMatMulGradients() throws {
        for (adjointX, adjointY) in [(false, false), (false, true), (true, false), (true, true)] {
            let x = adjointX ? [2, 1, 4, 3] : [2, 1, 3, 4], y = adjointY ? [3, 5, 4] : [3, 4, 5]
            try GradientTests.check("BatchMatMulV2 adj_x \(adjointX) adj_y \(adjointY)", [x, y]) { g, inputs in
                try g.batchMatMul(inputs[0], inputs[1], adjointX: adjointX, adjointY: adjointY)
            }
        }
        try GradientTests.check("BatchMatMul", [[2, 3, 4], [2, 4, 2]]) { g, x in
            try g.addOutput("BatchMatMul", inputs: [x[0], x[1]])
        }
    }

    @Test("einsum's matrix-product equations and transposes, with their gradients")
    func einsumGradients() throws {
        for (equation, shapes) in [("bij,bjk->bik", [[2, 3, 4], [2, 4, 2]]), ("ij,jk->ik", [[3, 4], [4, 2]]),
                                   ("bhqd,bhkd->bhqk", [[1, 2, 3, 4], [1, 2, 2, 4]]), ("ij,kj->ki", [[2, 3], [4, 3]]),
                                   ("abc,cd->dba", [[2, 3, 2], [2, 3]]), ("ijk->kji", [[2, 3, 4]])] {
            try GradientTests.check("einsum \(equation)", shapes) { g, x in try g.einsum(equation, x) }
        }
    }

    @Test("unsupported einsum equations and mismatched batches are errors naming them")
    func einsumAndBatchDiagnostics() throws {
        let graph = Graph()
        let a = try graph.placeholder(.float32, shape: [3, 3], name: "a")
        let b = try graph.placeholder(.float32, shape: [2, 3, 4], name: "b")
        for (equation, operands, expected) in [
            ("ii->i", [a], "repeats a label in \"ii\""), ("ij->i", [a], "sums label j over operand 0 alone"),
            ("...ij,jk->...ik", [a, a], "no ellipsis"), ("bij,jk->bik", [a, a], "gives operand 0 3 labels"),
            ("ij,jk->ik", [a, b], "gives operand 1 2 labels"),
        ] {
            let message = errorText { try graph.einsum(equation, operands) }
            #expect(message?.contains(expected) == true, "\(equation): \(message ?? "accepted")")
            #expect(message?.contains(equation) == true)
        }
        let c = try graph.placeholder(.float32, shape: [3, 4, 5], name: "c")
        let batches = errorText { try graph.batchMatMul(b, c) }
        #expect(batches?.contains("batch dimensions: shapes [2] and [3] cannot broadcast") == true, "\(batches ?? "")")
        let inner = errorText { try graph.batchMatMul(b, b) }
        #expect(
            inner?.contains("inner dimensions differ: x [2, 3, 4] has 4 columns, but y [2, 3, 4] has 3 rows") == true)
    }

    @Test("grouped convolution: Conv2D, conv2d_transpose and Conv2DBackpropFilter by finite differences")
    func groupedConvolutionGradients() throws {
        try GradientTests.check("Conv2D 3 groups", [[1, 4, 4, 6], [3, 3, 2, 3]]) { g, x in
            try g.conv2d(x[0], filter: x[1], strides: [1, 1], padding: .same)
        }
        try GradientTests.check("Conv2D 2 groups, VALID, stride 2", [[1, 5, 5, 4], [2, 2, 2, 6]]) { g, x in
            try g.conv2d(x[0], filter: x[1], strides: [2, 2], padding: .valid)
        }
        try GradientTests.check("conv2d_transpose 2 groups", [[1, 3, 3, 4], [3, 3, 3, 4]]) { g, x in
            try g.conv2dTranspose(x[0], filter: x[1], outputShape: [1, 6, 6, 6], strides: [2, 2], padding: .same)
        }
        try GradientTests.check("Conv2DBackpropFilter 2 groups", [[1, 4, 4, 4], [1, 4, 4, 6]]) { g, x in
            try g.addOutput("Conv2DBackpropFilter", inputs: [x[0], try g.constant(Tensor([Int32(3), 3, 2, 6])), x[1]],
                            attributes: ["strides": .ints([1, 1, 1, 1]), "padding": .string("SAME")])
        }
    }

    /// The float32 kernels (packed GEMM) of a grouped convolution's three ops against their float64 loops.
    @Test("grouped convolution's float32 kernels agree with float64")
    func groupedConvolutionFloat32() throws {
        var results: [[Tensor]] = []
        for dtype in [DType.float32, .float64] {
            let graph = Graph()
            let x = try graph.constant(
                Tensor(shape: [2, 5, 5, 6], scalars: GradientTests.values(300, seed: 5)).cast(to: dtype))
            let w = try graph.constant(
                Tensor(shape: [3, 3, 3, 4], scalars: GradientTests.values(108, seed: 6)).cast(to: dtype))
            let y = try graph.conv2d(x, filter: w, strides: [2, 2], padding: .same)
            let gradients = try graph.gradients(of: try graph.sum(try graph.square(y)), withRespectTo: [x, w])
            results.append(try Session(graph: graph).run(fetches: [y] + gradients.map { try #require($0) }, feeds: [:]))
        }
        for (single, double) in zip(results[0], results[1]) {
            expectClose(single.cast(to: .float64), double, tolerance: 1e-5)
        }
    }
}
