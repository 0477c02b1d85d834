/// BatchMatMul, BatchMatMulV2 and BatchMatMulV3 (`tf.linalg.matmul` of batches): matrix products
/// over the last two axes, the leading (batch) axes broadcast (V2, V3) or equal (BatchMatMul),
/// either operand optionally adjointed — transposed, as no dtype here is complex.
enum BatchMatMulOps {
    static let definitions = ["BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"].map(batchMatMul)

    static func batchMatMul(_ name: String) -> OpDefinition {
        let v3 = name == "BatchMatMulV3", broadcasts = name != "BatchMatMul"
        // V3 names each operand's dtype and the output's; all three must be one float dtype here.
        let types: [AttributeSpec] = v3
            ? ["Ta", "Tb", "Tout"].map { .type($0, DType.floatingPoint) } : [.type("T", DType.floatingPoint)]
        return OpDefinition(
            name,
            inputs: [.input("x", type: v3 ? "Ta" : "T"), .input("y", type: v3 ? "Tb" : "T")],
            attributes: types + ["adj_x", "adj_y", "grad_x", "grad_y"].map { .attr($0, default: .bool(false)) },
            shape: { context in
                let dtype = context.inputs[0].dtype
                if v3, try context.attributes.type("Tout") != dtype || context.inputs[1].dtype != dtype {
                    throw context.invalid("Ta, Tb and Tout must be one dtype here, but are \(dtype), "
                                          + "\(context.inputs[1].dtype) and \(try context.attributes.type("Tout"))",
                                          fix: "cast the operands to one float dtype")
                }
                return [TensorInfo(dtype, try productShape(context, broadcasts: broadcasts))]
            },
            output: { context in
                let inferred = try productShape(InferenceContext(kernel: context), broadcasts: broadcasts)
                guard let shape = inferred.concrete else { throw context.error("the product's shape is not known") }
                _ = try context.allocation(shape, context.inputs[0].dtype)
                var x = context.inputs[0]
                if try context.attributes.bool("adj_x") { x = Layout.transpose(x, Layout.swappingLastAxes(x.rank)) }
                guard let product = BatchedGemm.product(x, context.inputs[1], batch: Array(shape.dropLast(2)),
                                                        transposeY: try context.attributes.bool("adj_y")) else {
                    throw context.error("needs float32 or float64 operands of one dtype")
                }
                return product
            },
            gradient: .function { c in try gradient(c, broadcasts: broadcasts) })
    }

    /// The product's shape, [batch..., m, n], from x [..., m, k] and y [..., k, n] (each with its last
    /// two axes swapped when adjointed); the messages name the operands' shapes and the fix.
    static func productShape(_ context: InferenceContext, broadcasts: Bool) throws -> Shape {
        let adjX = try context.attributes.bool("adj_x"), adjY = try context.attributes.bool("adj_y")
        let x = context.inputs[0].shape, y = context.inputs[1].shape
        for (shape, role) in [(x, "x"), (y, "y")] {
            if let rank = shape.rank, rank < 2 {
                throw context.error("\(role) must have rank 2 or more, but has shape \(shape)",
                                    fix: "reshape \(role) to [..., rows, columns]")
            }
        }
        guard let xd = x.dimensions, let yd = y.dimensions else { return .unknown }
        let (m, kx) = adjX ? (xd[xd.count - 1], xd[xd.count - 2]) : (xd[xd.count - 2], xd[xd.count - 1])
        let (ky, n) = adjY ? (yd[yd.count - 1], yd[yd.count - 2]) : (yd[yd.count - 2], yd[yd.count - 1])
        if let kx, let ky, kx != ky {
            throw context.error("inner dimensions differ: x \(x)\(adjX ? " adjointed" : "") has \(kx) columns, "
                                + "but y \(y)\(adjY ? " adjointed" : "") has \(ky) rows",
                                fix: "give y \(kx) rows, or set adj_x or adj_y to read an operand transposed")
        }
        let xBatch = Shape(Array(xd.dropLast(2))), yBatch = Shape(Array(yd.dropLast(2)))
        var batch: Shape
        if broadcasts {
            switch Broadcasting.shape(xBatch, yBatch) {
            case .success(let shape): batch = shape
            case .failure(let failure):
                throw context.error("batch dimensions: " + failure.message(xBatch, yBatch),
                                    fix: "give x and y batch dimensions that are equal or 1")
            }
        } else {
            guard xd.count == yd.count, let merged = xBatch.merged(with: yBatch) else {
                throw context.error("BatchMatMul needs equal batch dimensions, but x is \(x) and y is \(y)",
                                    fix: "use BatchMatMulV2, which broadcasts them")
            }
            batch = merged
        }
        return Shape((batch.dimensions ?? []) + [m, n])
    }

    /// TensorFlow's _BatchMatMulV2 gradient: one product per operand for each combination of
    /// adjoints, each summed over the batch axes its operand was broadcast along.
    static func gradient(_ c: GradientContext, broadcasts: Bool) throws -> [Output?] {
        let graph = c.graph, g = try c.gradient(), x = c.input(0), y = c.input(1)
        func product(_ a: Output, _ b: Output, _ adjA: Bool, _ adjB: Bool) throws -> Output {
            try graph.addOutput("BatchMatMulV2", name: "MatMul", inputs: [a, b],
                                attributes: ["adj_x": .bool(adjA), "adj_y": .bool(adjB)])
        }
        let gx: Output, gy: Output
        switch (try c.attributes.bool("adj_x"), try c.attributes.bool("adj_y")) {
        case (false, false): (gx, gy) = (try product(g, y, false, true), try product(x, g, true, false))
        case (false, true): (gx, gy) = (try product(g, y, false, false), try product(g, x, true, false))
        case (true, false): (gx, gy) = (try product(y, g, false, true), try product(x, g, false, false))
        case (true, true): (gx, gy) = (try product(y, g, true, true), try product(g, x, true, true))
        }
        let xShape = try graph.inferredShape(of: x), yShape = try graph.inferredShape(of: y)
        let batch = { (shape: Shape) in shape.dimensions.map { Array($0.dropLast(2)) } }
        let sameBatch = batch(xShape) == batch(yShape)
        if !broadcasts || (sameBatch && xShape.isFullyDefined && yShape.isFullyDefined) { return [gx, gy] }
        return [try MathOps.summed(gx, to: x, from: gx, graph), try MathOps.summed(gy, to: y, from: gy, graph)]
    }
}

extension Graph {
    /// Matrix products of batches, `tf.linalg.matmul` on tensors of rank 3 or more (TensorFlow op
    /// `BatchMatMulV2`): x [..., m, k] · y [..., k, n] → [..., m, n], the leading axes broadcast.
    ///
    /// ```swift
    /// let scores = try graph.batchMatMul(queries, keys, adjointY: true)   // [b, h, q, d] · [b, h, k, d]ᵀ
    /// ```
    public func batchMatMul(_ x: Output, _ y: Output, adjointX: Bool = false, adjointY: Bool = false,
                            name: String? = nil) throws -> Output {
        try addOutput("BatchMatMulV2", name: name, inputs: [x, y],
                      attributes: ["adj_x": .bool(adjointX), "adj_y": .bool(adjointY)])
    }
}
