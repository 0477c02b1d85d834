/// MatMul: matrix product with optional transposes.
enum MatMulOps {
    static let definitions = [matMul]

    /// `tf.matmul`: a [m, k] · b [k, n] → [m, n], either operand optionally transposed.
    static let matMul = OpDefinition(
        "MatMul",
        inputs: [.input("a", type: "T"), .input("b", type: "T")],
        attributes: [.type("T", DType.floatingPoint), .attr("transpose_a", default: .bool(false)),
                     .attr("transpose_b", default: .bool(false))],
        shape: { context in
            let transposeA = try context.attributes.bool("transpose_a"),
                transposeB = try context.attributes.bool("transpose_b")
            let a = try context.dimensions(of: 0, rank: 2, role: "a") ?? [nil, nil]
            let b = try context.dimensions(of: 1, rank: 2, role: "b") ?? [nil, nil]
            let (m, k1) = transposeA ? (a[1], a[0]) : (a[0], a[1])
            let (k2, n) = transposeB ? (b[1], b[0]) : (b[0], b[1])
            if let k1, let k2, k1 != k2 {
                throw context.error(
                    "inner dimensions differ: a \(context.inputs[0].shape)\(transposeA ? " transposed" : "") has \(k1) "
                        + "columns, but b \(context.inputs[1].shape)\(transposeB ? " transposed" : "") has \(k2) rows",
                    fix: "reshape a to [batch, \(k2)] or give b \(k1) rows")
            }
            return [TensorInfo(context.inputs[0].dtype, Shape([m, n]))]
        },
        output: { context in try multiply(&context) },
        gradient: .function { c in
            // TensorFlow's _MatMulGrad, for each combination of transposes.
            let graph = c.graph, g = try c.gradient(), a = c.input(0), b = c.input(1)
            let ta = try c.attributes.bool("transpose_a"), tb = try c.attributes.bool("transpose_b")
            switch (ta, tb) {
            case (false, false):
                return [try graph.matMul(g, b, transposeB: true), try graph.matMul(a, g, transposeA: true)]
            case (false, true):
                return [try graph.matMul(g, b), try graph.matMul(g, a, transposeA: true)]
            case (true, false):
                return [try graph.matMul(b, g, transposeB: true), try graph.matMul(a, g)]
            case (true, true):
                return [try graph.matMul(b, g, transposeA: true, transposeB: true),
                        try graph.matMul(g, a, transposeA: true, transposeB: true)]
            }
        }
    ).with(OpTraits(
        linearWeights: LinearWeights(input: 1) { attributes, rank in
            guard rank == 2 else { return nil }
            return try attributes.bool("transpose_b") ? 0..<1 : 1..<2
        },
        fusedForm: FusedForm(op: "_FusedMatMul",
                             tensorFlowActivations: ["Relu", "Relu6", "Elu", "LeakyRelu", "Sigmoid", "Tanh"]) {
            attributes in
            try !attributes.bool("transpose_a") && attributes.type("T") == .float32
        }))

    /// MatMul's computation, finished by `fused` (the bias, residual and activation of `_FusedMatMul`).
    static func multiply(_ context: inout KernelContext, fused: FusedOperations = .none) throws -> Tensor {
        let transposeA = try context.attributes.bool("transpose_a")
        let transposeB = try context.attributes.bool("transpose_b")
        let a = transposeA ? Layout.transpose(context.inputs[0], [1, 0]) : context.inputs[0]
        let b = context.inputs[1]
        let (m, k) = (a.shape[0], a.shape[1])
        let (bRows, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard bRows == k else { throw context.error("inner dimensions differ: \(k) and \(bRows)") }
        switch (a.storage, b.storage) {
        case let (.float32(x), .float32(y)):
            // B is read in place, transposed or not, and packed once for all runs when it is a constant.
            let weights = y.withUnsafeBufferPointer { y in
                context.derived(fromInput: 1) {
                    // An empty B has no rows to read: its address only stands in.
                    IndirectGemm.pack(MatrixWeights(b: y.baseAddress ?? UnsafePointer(bitPattern: 64)!,
                                                    ldb: transposeB ? 1 : n, columnStride: transposeB ? k : 1,
                                                    channels: k, columns: n))
                }
            }
            return try fused.run(&context, shape: [m, n]) { c, accumulate, epilogue in
                x.withUnsafeBufferPointer { x in
                    let operands = MatrixOperands(a: x.baseAddress ?? UnsafePointer(c), lda: k, c: c, ldc: n,
                                                  rows: m, channels: k, columns: n)
                    IndirectGemm.multiply(operands, weights: weights, accumulate: accumulate, epilogue: epilogue)
                }
            }
        case let (.float64(x), .float64(y)):
            let y = transposeB ? Layout.transpose(b, [1, 0]).scalars(as: Double.self)! : y
            var c = [Double](repeating: 0, count: m * n)
            if m > 0, n > 0, k > 0 {
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeBufferPointer { y in
                        c.withUnsafeMutableBufferPointer { c in
                            Gemm.multiply(m: m, n: n, k: k, a: x.baseAddress!, lda: k, b: y.baseAddress!, ldb: n,
                                          c: c.baseAddress!, ldc: n)
                        }
                    }
                }
            }
            return try fused.finish(Tensor(shape: [m, n], scalars: c), &context)
        default: throw context.error("needs float32 or float64 operands of one dtype")
        }
    }
}

extension Graph {
    /// Matrix product, `tf.matmul` (TensorFlow op `MatMul`).
    ///
    /// ```swift
    /// let logits = try graph.matMul(hidden, weights)   // [batch, 64] · [64, 10] → [batch, 10]
    /// ```
    public func matMul(_ a: Output, _ b: Output, transposeA: Bool = false, transposeB: Bool = false,
                       name: String? = nil) throws -> Output {
        try addOutput("MatMul", name: name, inputs: [a, b],
                      attributes: ["transpose_a": .bool(transposeA), "transpose_b": .bool(transposeB)])
    }
}
