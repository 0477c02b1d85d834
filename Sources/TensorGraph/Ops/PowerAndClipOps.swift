import Foundation

/// Pow (`x^y` with broadcasting) and ClipByValue (`t` held between two bounds): the elementwise
/// ops whose gradients choose between their operands.
enum PowerAndClipOps {
    static let definitions = [pow, clipByValue]

    /// `tf.pow(x, y)`: `x^y` elementwise with broadcasting; integers to negative powers are an
    /// error, as in TensorFlow's CPU kernel.
    static let pow = OpDefinition(
        "Pow",
        inputs: [.input("x", type: "T"), .input("y", type: "T")],
        attributes: [.type("T", DType.numeric)],
        shape: { context in [TensorInfo(context.inputs[0].dtype, try MathOps.broadcastShape(context))] },
        kernel: { context in
            let x = context.inputs[0], y = context.inputs[1]
            guard case .success(let shape) = Broadcasting.shape(x.shape, y.shape) else {
                throw context.error("shapes \(describe(x.shape)) and \(describe(y.shape)) cannot broadcast")
            }
            func floats<T: FloatingScalar>(_ a: [T], _ b: [T]) -> Tensor {
                Tensor(shape: shape, scalars: Elementwise.broadcast(a, x.shape, b, y.shape, into: shape) {
                    T(converting: Foundation.pow($0.asDouble, $1.asDouble))
                })
            }
            func integers<T: NumericScalar & FixedWidthInteger>(_ a: [T], _ b: [T]) throws -> Tensor {
                guard !b.contains(where: { $0 < 0 }) else {
                    throw context.error("integers to negative integer powers are not allowed",
                                        fix: "cast x and y to a float dtype first")
                }
                let result = Elementwise.broadcast(a, x.shape, b, y.shape, into: shape) { power($0, $1) }
                return Tensor(shape: shape, scalars: result)
            }
            switch (x.storage, y.storage) {
            case let (.float32(a), .float32(b)): return [floats(a, b)]
            case let (.float64(a), .float64(b)): return [floats(a, b)]
            case let (.int32(a), .int32(b)): return [try integers(a, b)]
            case let (.int64(a), .int64(b)): return [try integers(a, b)]
            default: throw context.error("operands must be numeric and of one dtype")
            }
        },
        gradient: .function { c in
            // gx = g·y·x^(y−1); gy = g·z·log x where x > 0 and 0 elsewhere (no false singularity at
            // x = 0), as TensorFlow's _PowGrad.
            let graph = c.graph, g = try c.gradient(), x = c.input(0), y = c.input(1)
            let exponent = try graph.subtract(y, try graph.constant(1, like: y))
            let gx = try graph.multiply(try graph.multiply(g, y), try graph.addOutput("Pow", inputs: [x, exponent]))
            let positive = try graph.addOutput("Greater", name: "Greater", inputs: [x, try graph.constant(0, like: x)])
            let safeX = try graph.addOutput("SelectV2", name: "SelectV2", inputs: [positive, x, try graph.onesLike(x)])
            let logX = try graph.addOutput("SelectV2", name: "SelectV2_1",
                                           inputs: [positive, try graph.log(safeX), try graph.zerosLike(x)])
            let gy = try graph.multiply(try graph.multiply(g, c.output(0)), logX)
            return try MathOps.unbroadcast(gx, gy, c)
        })

    /// `a^b` for a non-negative integer `b`, by squaring, wrapping on overflow as C++ does.
    static func power<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        var result: T = 1, base = a, exponent = b
        while exponent > 0 {
            if exponent & 1 == 1 { result = result &* base }
            base = base &* base
            exponent >>= 1
        }
        return result
    }

    /// `tf.clip_by_value(t, clip_value_min, clip_value_max)`: `min(max(t, lo), hi)` as TensorFlow
    /// computes it (`max(min(t, hi), lo)`, so `lo` wins when the bounds cross); each bound is a
    /// scalar or has `t`'s shape.
    static let clipByValue = OpDefinition(
        "ClipByValue",
        inputs: [.input("t", type: "T"), .input("clip_value_min", type: "T"), .input("clip_value_max", type: "T")],
        attributes: [.type("T", DType.numeric)],
        shape: { context in
            let t = context.inputs[0].shape
            for bound in context.inputs.dropFirst() where bound.shape.rank != 0 && !bound.shape.isCompatible(with: t) {
                let (low, high) = (context.inputs[1].shape, context.inputs[2].shape)
                throw context.error("clip_value_min \(low) and clip_value_max \(high) must each be a scalar "
                                    + "or have the shape of t \(t)",
                                    fix: "pass scalar bounds, or broadcast them to t's shape first")
            }
            return [TensorInfo(context.inputs[0].dtype, t)]
        },
        kernel: { context in
            let (t, low, high) = (context.inputs[0], context.inputs[1], context.inputs[2])
            for bound in [low, high] where bound.rank != 0 && bound.shape != t.shape {
                throw context.error("clip_value_min and clip_value_max must each be a scalar or have the shape of t")
            }
            func clip<T: NumericScalar>(_ x: [T], _ lo: [T], _ hi: [T]) -> Tensor {
                Tensor(shape: t.shape, scalars: x.indices.map { i in
                    Swift.max(Swift.min(x[i], hi[hi.count == 1 ? 0 : i]), lo[lo.count == 1 ? 0 : i])
                })
            }
            switch (t.storage, low.storage, high.storage) {
            case let (.float32(x), .float32(lo), .float32(hi)): return [clip(x, lo, hi)]
            case let (.float64(x), .float64(lo), .float64(hi)): return [clip(x, lo, hi)]
            case let (.int32(x), .int32(lo), .int32(hi)): return [clip(x, lo, hi)]
            case let (.int64(x), .int64(lo), .int64(hi)): return [clip(x, lo, hi)]
            default: throw context.error("t and its bounds must be numeric and of one dtype")
            }
        },
        gradient: .function { c in
            // The gradient goes to t where it lies within the bounds, else to the bound that held
            // it (summed when the bound is a scalar), as TensorFlow's _ClipByValueGrad.
            let graph = c.graph, g = try c.gradient(), t = c.input(0), zeros = try graph.zerosLike(g)
            let below = try graph.addOutput("Less", name: "Less", inputs: [t, c.input(1)])
            let above = try graph.addOutput("Greater", name: "Greater", inputs: [t, c.input(2)])
            let outside = try graph.addOutput("LogicalOr", name: "LogicalOr", inputs: [below, above])
            let gt = try graph.addOutput("SelectV2", name: "SelectV2", inputs: [outside, zeros, g])
            let gLow = try graph.addOutput("SelectV2", name: "SelectV2_1", inputs: [below, g, zeros])
            let gHigh = try graph.addOutput("SelectV2", name: "SelectV2_2", inputs: [above, g, zeros])
            return [gt, try MathOps.summed(gLow, to: c.input(1), from: t, graph),
                    try MathOps.summed(gHigh, to: c.input(2), from: t, graph)]
        })
}

extension Graph {
    /// `x^y` elementwise with broadcasting, `tf.pow` (TensorFlow op `Pow`).
    public func pow(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("Pow", name: name, inputs: [x, y])
    }

    /// `x` held between `min` and `max` (scalars or `x`'s shape), `tf.clip_by_value` (TensorFlow op
    /// `ClipByValue`).
    public func clip(_ x: Output, min: Output, max: Output, name: String? = nil) throws -> Output {
        try addOutput("ClipByValue", name: name, inputs: [x, min, max])
    }
}
