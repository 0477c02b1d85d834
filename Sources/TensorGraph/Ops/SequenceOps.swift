/// Ops whose output size comes from their input values: Range (an arithmetic sequence) and
/// OneHot (indices spread into a new axis of `depth`).
enum SequenceOps {
    static let definitions = [range, oneHot]

    /// `tf.range(start, limit, delta)` (TensorFlow op `Range`): `start + i·delta` for every `i`
    /// that stays short of `limit`, in int32, int64, float32 or float64; known while building when
    /// the three inputs are.
    static let range = OpDefinition(
        "Range",
        inputs: [.input("start", type: "Tidx"), .input("limit", type: "Tidx"), .input("delta", type: "Tidx")],
        attributes: [.type("Tidx", DType.numeric, default: .int32)],
        shape: { context in
            for (index, role) in ["start", "limit", "delta"].enumerated() {
                try context.requireScalar(index, role: role)
            }
            let dtype = context.inputs[0].dtype
            let values = context.inputs.compactMap(\.value)
            guard values.count == 3 else { return [TensorInfo(dtype, Shape([nil]))] }
            return [TensorInfo(dtype, Shape([try length(values[0], values[1], values[2], context)]))]
        },
        kernel: { context in
            let (start, limit, delta) = (context.inputs[0], context.inputs[1], context.inputs[2])
            let count = try length(start, limit, delta, InferenceContext(kernel: context))
            _ = try context.allocation([count], start.dtype)
            func sequence<T: FloatingScalar>(_ type: T.Type) -> Tensor {
                let first = start.scalars(as: T.self)![0], step = delta.scalars(as: T.self)![0]
                return Tensor(shape: [count], scalars: (0..<count).map { first + T(converting: Double($0)) * step })
            }
            guard let first = start.integers?.first, let step = delta.integers?.first else {
                return [start.dtype == .float32 ? sequence(Float.self) : sequence(Double.self)]
            }
            // Each element lies between start and limit, so wrapping arithmetic gives it exactly.
            let values = (0..<count).map { Int64(first) &+ Int64($0) &* Int64(step) }
            return [Tensor(shape: [count], scalars: values).cast(to: start.dtype)]
        },
        gradient: .notDifferentiable)

    /// The number of elements of a range, as TensorFlow's kernel counts them (floats in their own
    /// dtype), or the error for a zero step, one that walks away from `limit`, or too many elements.
    static func length(_ start: Tensor, _ limit: Tensor, _ delta: Tensor, _ context: InferenceContext) throws -> Int {
        let length: Double
        if let a = start.integers?.first, let b = limit.integers?.first, let step = delta.integers?.first {
            try checkDirection(a, b, step, context)
            let (span, overflow) = b.subtractingReportingOverflow(a)
            length = overflow ? .infinity : Double((span.magnitude + step.magnitude - 1) / step.magnitude)
        } else if let a = start.scalars(as: Float.self)?.first, let b = limit.scalars(as: Float.self)?.first,
                  let step = delta.scalars(as: Float.self)?.first {
            try checkDirection(a, b, step, context)
            length = Double(abs((b - a) / step).rounded(.up))
        } else if let a = start.scalars(as: Double.self)?.first, let b = limit.scalars(as: Double.self)?.first,
                  let step = delta.scalars(as: Double.self)?.first {
            try checkDirection(a, b, step, context)
            length = abs((b - a) / step).rounded(.up)
        } else {
            throw context.invalid("start, limit and delta must be numbers of one dtype")
        }
        guard length.isFinite, length < 0x1p62 else {
            throw context.invalid("this range has more elements than any tensor can hold",
                                  fix: "check start, limit and delta")
        }
        return Int(length)
    }

    /// Rejects a zero step, or one that walks away from `limit`, as TensorFlow's kernel does.
    static func checkDirection<T: Comparable & SignedNumeric>(_ start: T, _ limit: T, _ delta: T,
                                                             _ context: InferenceContext) throws {
        guard delta != 0 else {
            throw context.invalid("delta is 0; a range needs a non-zero step", fix: "pass a non-zero delta")
        }
        if delta > 0, start > limit {
            throw context.invalid("start \(start) is above limit \(limit), but delta \(delta) counts up",
                                  fix: "use a negative delta to count down")
        }
        if delta < 0, start < limit {
            throw context.invalid("start \(start) is below limit \(limit), but delta \(delta) counts down",
                                  fix: "use a positive delta to count up")
        }
    }

    /// `tf.one_hot(indices, depth, on_value, off_value, axis)`: a new axis of `depth` at `axis`
    /// (-1 for last) holding `on_value` where it equals the index and `off_value` elsewhere; an
    /// index outside `0..<depth` gives a row of `off_value`, as in TensorFlow.
    static let oneHot = OpDefinition(
        "OneHot",
        inputs: [.input("indices", type: "TI"), .input("depth", .int32), .input("on_value", type: "T"),
                 .input("off_value", type: "T")],
        attributes: [.attr("axis", default: .int(-1)), .type("T"), .type("TI", DType.integer, default: .int64)],
        shape: { context in
            let indices = context.inputs[0].shape, dtype = context.inputs[2].dtype
            for (index, role) in [(1, "depth"), (2, "on_value"), (3, "off_value")] {
                try context.requireScalar(index, role: role)
            }
            let depth = context.integers(ofInput: 1)?.first
            if let depth, depth < 0 { throw context.invalid("depth is \(depth); it must be at least 0") }
            guard let dims = indices.dimensions else { return [TensorInfo(dtype, .unknown)] }
            let axis = try oneHotAxis(context, rank: dims.count)
            return [TensorInfo(dtype, Shape(insert(depth, at: axis, in: dims)))]
        },
        kernel: { context in
            let indices = context.inputs[0]
            guard let picks = indices.integers, let depth = context.inputs[1].integers?.first, depth >= 0 else {
                throw context.error("depth must be at least 0")
            }
            let axis = try oneHotAxis(InferenceContext(kernel: context), rank: indices.rank)
            let shape = insert(depth, at: axis, in: indices.shape)
            let count = try context.allocation(shape, context.inputs[2].dtype)
            let inner = indices.shape[axis...].reduce(1, *)
            // Element (outer, d, inner) takes on_value (position 0 below) or off_value (position 1).
            var positions = [Int](repeating: 1, count: count)
            for (flat, pick) in picks.enumerated() where pick >= 0 && pick < depth {
                let outer = flat / max(inner, 1), within = flat % max(inner, 1)
                positions[(outer * depth + pick) * inner + within] = 0
            }
            let choices = TensorStorage.concatenating([context.inputs[2].storage, context.inputs[3].storage],
                                                      dtype: context.inputs[2].dtype)
            return [Tensor(shape: shape, storage: choices.selecting(positions))]
        },
        gradient: .notDifferentiable)

    /// OneHot's `axis` attribute as a position in the output: -1 is the last.
    static func oneHotAxis(_ context: InferenceContext, rank: Int) throws -> Int {
        let axis = try context.attributes.int("axis")
        guard axis >= -1, axis <= rank else {
            throw context.invalid("axis is \(axis); it must be -1 or in 0...\(rank) for indices of rank \(rank)")
        }
        return axis == -1 ? rank : axis
    }
}

extension Graph {
    /// `start, start + delta, ...` short of `limit`, `tf.range` (TensorFlow op `Range`).
    public func range(start: Output, limit: Output, delta: Output, name: String? = nil) throws -> Output {
        try addOutput("Range", name: name, inputs: [start, limit, delta])
    }

    /// `indices` spread into a new axis of `depth`, `tf.one_hot` (TensorFlow op `OneHot`).
    public func oneHot(_ indices: Output, depth: Int, onValue: Output, offValue: Output, axis: Int = -1,
                       name: String? = nil) throws -> Output {
        try withNameScope(name ?? "one_hot") {
            try addOutput("OneHot", name: currentScope,
                          inputs: [indices, try constant(Int32(depth), name: "depth"), onValue, offValue],
                          attributes: ["axis": .int(axis)])
        }
    }
}
