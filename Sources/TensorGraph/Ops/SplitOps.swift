/// Split and SplitV: one tensor cut along an axis into `num_split` pieces, equal or of given sizes.
enum SplitOps {
    static let definitions = [split, splitV]

    /// `tf.split(value, num_split, axis)`: `num_split` equal pieces (TensorFlow op `Split`, whose
    /// inputs are `split_dim` then `value`).
    static let split = OpDefinition(
        "Split",
        inputs: [.input("split_dim", .int32), .input("value", type: "T")],
        attributes: [.attr("num_split"), .type("T")],
        shape: { context in try pieces(of: context, value: 1, axis: 0, sizes: equalSizes) },
        kernel: { context in
            try cut(context, value: 1, axis: 0, sizes: equalSizes)
        },
        gradient: .function { c in
            // The pieces' gradients joined back along the same axis, as TensorFlow's _SplitGrad.
            [nil, try joinedGradients(c, axis: c.input(0))]
        })

    /// `tf.split(value, size_splits, axis)`: pieces of the sizes in `size_splits`, one of which may
    /// be -1 for whatever remains (TensorFlow op `SplitV`).
    static let splitV = OpDefinition(
        "SplitV",
        inputs: [.input("value", type: "T"), .input("size_splits", type: "Tlen"), .input("split_dim", .int32)],
        attributes: [.attr("num_split"), .type("T"), .type("Tlen", DType.integer, default: .int64)],
        shape: { context in try pieces(of: context, value: 0, axis: 2, sizes: givenSizes) },
        kernel: { context in
            try cut(context, value: 0, axis: 2, sizes: givenSizes)
        },
        gradient: .function { c in [try joinedGradients(c, axis: c.input(2)), nil, nil] })

    /// How a split divides one dimension: the sizes of the pieces (`nil` where not known yet),
    /// given the dimension's size when known.
    typealias SizeRule = (InferenceContext, _ axis: Int, _ size: Int?, _ count: Int) throws -> [Int?]

    /// The outputs of a split of input `value` along the axis in input `axis`: one per piece, with
    /// that piece's size along the axis.
    static func pieces(of context: InferenceContext, value: Int, axis axisInput: Int,
                       sizes: SizeRule) throws -> [TensorInfo] {
        let input = context.inputs[value]
        let count = try context.outputCount(attribute: "num_split")
        guard let dims = input.shape.dimensions else {
            return Array(repeating: TensorInfo(input.dtype, .unknown), count: count)
        }
        guard let requested = context.integers(ofInput: axisInput)?.first else {
            _ = try sizes(context, 0, nil, count)
            return Array(repeating: TensorInfo(input.dtype, Shape(unknownDimensions: dims.count)), count: count)
        }
        let axis = try normalizedAxis(requested, rank: dims.count, context: context)
        return try sizes(context, axis, dims[axis], count).map { size in
            var piece = dims
            piece[axis] = size
            return TensorInfo(input.dtype, Shape(piece))
        }
    }

    /// Split's rule: `count` equal pieces, which must divide the dimension.
    static func equalSizes(_ context: InferenceContext, axis: Int, size: Int?, count: Int) throws -> [Int?] {
        guard let size else { return Array(repeating: nil, count: count) }
        guard size % count == 0 else {
            throw context.error("cannot split dimension \(axis) of value \(context.inputs[1].shape) (size \(size)) "
                                + "into num_split = \(count) equal pieces",
                                fix: "use a num_split that divides \(size), or SplitV with the sizes of the pieces")
        }
        return Array(repeating: size / count, count: count)
    }

    /// SplitV's rule: the sizes in `size_splits` (input 1), with at most one -1 for the rest.
    static func givenSizes(_ context: InferenceContext, axis: Int, size: Int?, count: Int) throws -> [Int?] {
        let info = context.inputs[1]
        if let rank = info.shape.rank, rank != 1 {
            throw context.error("size_splits must be a vector, but has shape \(info.shape)")
        }
        if let length = info.shape[0], length != count {
            throw context.invalid("size_splits has \(length) sizes, but num_split is \(count)",
                                  fix: "give one size per piece")
        }
        guard let requested = context.integers(ofInput: 1) else { return Array(repeating: nil, count: count) }
        let open = requested.indices.filter { requested[$0] == -1 }
        guard open.count <= 1 else {
            throw context.invalid("size_splits \(requested) holds more than one -1; only one size can be inferred")
        }
        if let bad = requested.first(where: { $0 < -1 }) {
            throw context.invalid("size_splits \(requested) holds \(bad); sizes must be at least 0 (or -1 once)")
        }
        let known = requested.filter { $0 >= 0 }.reduce(0, +)
        guard let size else { return requested.map { $0 >= 0 ? $0 : nil } }
        let fix = "make the sizes add up to \(size) (dimension \(axis) of value \(context.inputs[0].shape)), "
            + "or let one of them be -1"
        if let index = open.first {
            guard known <= size else {
                throw context.error(
                    "size_splits \(requested) add up to \(known), more than the \(size) of dimension \(axis)", fix: fix)
            }
            var result = requested
            result[index] = size - known
            return result
        }
        guard known == size else {
            throw context.error("size_splits \(requested) add up to \(known), but dimension \(axis) has size \(size)",
                                fix: fix)
        }
        return requested
    }

    /// The kernel: input `value` cut along the axis in input `axis`, by the rule `sizes`.
    static func cut(_ context: KernelContext, value: Int, axis axisInput: Int, sizes: SizeRule) throws -> [Tensor] {
        let inference = InferenceContext(kernel: context), tensor = context.inputs[value]
        let shapes = try pieces(of: inference, value: value, axis: axisInput, sizes: sizes)
            .map { $0.shape.concrete ?? [] }
        guard let requested = context.inputs[axisInput].integers?.first else {
            throw context.error("split_dim must be an integer")
        }
        let axis = try normalizedAxis(requested, rank: tensor.rank, context: inference)
        let inner = tensor.shape[(axis + 1)...].reduce(1, *), size = tensor.shape[axis]
        let outer = tensor.shape[..<axis].reduce(1, *)
        var offset = 0
        return shapes.map { shape in
            let positions = Layout.positions(resultShape: [outer, shape[axis], inner], start: offset * inner,
                                             steps: [size * inner, inner, 1])
            offset += shape[axis]
            return Tensor(shape: shape, storage: tensor.storage.selecting(positions))
        }
    }

    /// The gradients of every piece (zeros where none arrived) concatenated along `axis`.
    static func joinedGradients(_ c: GradientContext, axis: Output) throws -> Output {
        let gradients = try c.node.outputs.indices.map { try c.gradient($0) }
        return try c.graph.addOutput("ConcatV2", name: "concat", inputs: gradients + [axis])
    }
}

extension Graph {
    /// `x` cut along `axis` into `count` equal pieces, `tf.split` (TensorFlow op `Split`).
    public func split(_ x: Output, count: Int, axis: Int = 0, name: String? = nil) throws -> [Output] {
        try withNameScope(name ?? "split") {
            try addNode("Split", name: currentScope, inputs: [try constant(Int32(axis), name: "split_dim"), x],
                        attributes: ["num_split": .int(count)])
        }
    }

    /// `x` cut along `axis` into pieces of `sizes` (one may be -1 for the rest), `tf.split` with a
    /// list of sizes (TensorFlow op `SplitV`).
    public func split(_ x: Output, sizes: [Int], axis: Int = 0, name: String? = nil) throws -> [Output] {
        try withNameScope(name ?? "split") {
            let splits = try constant(Tensor(sizes.map(Int64.init)), name: "size_splits")
            return try addNode("SplitV", name: currentScope,
                               inputs: [x, splits, try constant(Int32(axis), name: "split_dim")],
                               attributes: ["num_split": .int(sizes.count)])
        }
    }
}
