/// MirrorPad (`tf.pad` with mode REFLECT or SYMMETRIC) and its gradient op MirrorPadGrad; each is
/// the other's gradient.
enum MirrorPadOps {
    static let definitions = [mirrorPad(gradient: false), mirrorPad(gradient: true)]

    /// MirrorPad pads `input` by `paddings` [rank, 2] mirrored from inside; MirrorPadGrad takes a
    /// padded tensor and sums each padded element back into the unpadded one it came from.
    static func mirrorPad(gradient isGradient: Bool) -> OpDefinition {
        let shape: ShapeFunction = { try paddedShape($0, gradient: isGradient) }
        return OpDefinition(
            isGradient ? "MirrorPadGrad" : "MirrorPad",
            inputs: [.input("input", type: "T"), .input("paddings", type: "Tpaddings")],
            attributes: [.type("T"), .type("Tpaddings", DType.integer, default: .int32),
                         .string("mode", ["REFLECT", "SYMMETRIC"])],
            shape: shape,
            output: { context in
                let inferred = try shape(InferenceContext(kernel: context))
                let x = context.inputs[0]
                guard let pairs = context.inputs[1].integers, let outputShape = inferred[0].shape.concrete else {
                    throw context.error("paddings must be known integers")
                }
                _ = try context.allocation(outputShape, x.dtype)
                let paddings = stride(from: 0, to: pairs.count, by: 2).map {
                    (before: pairs[$0], after: pairs[$0 + 1])
                }
                let reflect = try context.attributes.string("mode") == "REFLECT"
                let mirror = MirrorPadding(inputShape: isGradient ? outputShape : x.shape, paddings: paddings,
                                           reflect: reflect)
                func run<T: NumericScalar>(_ values: [T]) -> Tensor {
                    Tensor(shape: outputShape, scalars: isGradient ? mirror.gradient(values) : mirror.pad(values))
                }
                switch x.storage {
                case .float32(let v): return run(v)
                case .float64(let v): return run(v)
                case .int32(let v): return run(v)
                case .int64(let v): return run(v)
                case .bool(let v):
                    guard !isGradient else { throw context.error("input must be numeric") }
                    return Tensor(shape: outputShape, scalars: mirror.pad(v))
                case .string, .resource, .variant: throw context.error("input must be numeric or bool")
                }
            },
            gradient: .function { c in
                let inverse = isGradient ? "MirrorPad" : "MirrorPadGrad"
                let attributes = c.node.attributes.filter { $0.key == "mode" || $0.key == "Tpaddings" }
                return [try c.graph.addOutput(inverse, name: inverse, inputs: [try c.gradient(), c.input(1)],
                                              attributes: attributes), nil]
            })
    }

    /// The padded shape (MirrorPad) or unpadded shape (MirrorPadGrad) of input 0 under the paddings
    /// of input 1, once the paddings are known; each padding must be at most the unpadded size
    /// (REFLECT: that size − 1, since the edge is not repeated).
    static func paddedShape(_ context: InferenceContext, gradient: Bool) throws -> [TensorInfo] {
        let input = context.inputs[0], paddings = context.inputs[1]
        if let rank = paddings.shape.rank, rank != 2 {
            throw context.error("paddings must be a [rank, 2] matrix, but has shape \(paddings.shape)",
                                fix: "give one [before, after] row per dimension of the input")
        }
        let rows = paddings.shape.dimensions?[0], columns = paddings.shape.dimensions?[1]
        if let columns, columns != 2 {
            throw context.error("paddings must have 2 columns [before, after], but has shape \(paddings.shape)")
        }
        if let rank = input.shape.rank, let rows, rows != rank {
            throw context.error("paddings has \(rows) rows, but the input \(input.shape) has rank \(rank)",
                                fix: "give one [before, after] row per dimension of the input")
        }
        guard let rank = input.shape.rank ?? rows else { return [TensorInfo(input.dtype, .unknown)] }
        guard let values = context.integers(ofInput: 1) else {
            return [TensorInfo(input.dtype, Shape(unknownDimensions: rank))]
        }
        let mode = try context.attributes.string("mode"), reflect = mode == "REFLECT"
        let pairs = (0..<rank).map { "[\(values[2 * $0]), \(values[2 * $0 + 1])]" }.joined(separator: ", ")
        var dims: [Int?] = []
        for axis in 0..<rank {
            let (before, after) = (values[2 * axis], values[2 * axis + 1])
            guard before >= 0, after >= 0 else {
                throw context.invalid("paddings [\(pairs)] hold a negative size on axis \(axis)",
                                      fix: "pad by 0 or more on each side")
            }
            let size = input.shape.dimensions?[axis]
            let unpadded = gradient ? size.map { $0 - before - after } : size
            if let unpadded {
                let most = reflect ? unpadded - 1 : unpadded
                guard before <= most, after <= most else {
                    let what = gradient ? "the unpadded size \(unpadded)" : "size \(unpadded)"
                    throw context.error("paddings [\(pairs)] pad axis \(axis) by \(before) and \(after), but \(mode) "
                                        + "pads an axis of \(what) by at most \(max(most, 0)) on each side",
                                        fix: reflect ? "use mode SYMMETRIC, or smaller paddings"
                                            : "use smaller paddings")
                }
            }
            dims.append(gradient ? unpadded : size.map { $0 + before + after })
        }
        return [TensorInfo(input.dtype, Shape(dims))]
    }
}

extension Graph {
    /// Pads `x` by mirroring it at its edges, `tf.pad(x, paddings, mode="REFLECT")` or
    /// `mode="SYMMETRIC"` (TensorFlow op `MirrorPad`): REFLECT leaves the edge out (`[1, 2, 3]` padded
    /// by 2 before is `[3, 2, 1, 2, 3]`), SYMMETRIC repeats it (`[2, 1, 1, 2, 3]`).
    ///
    /// ```swift
    /// let padded = try graph.mirrorPad(image, paddings: [(0, 0), (1, 1), (1, 1), (0, 0)], mode: .reflect)
    /// ```
    public func mirrorPad(_ x: Output, paddings: [(before: Int, after: Int)], mode: MirrorPadMode,
                          name: String? = nil) throws -> Output {
        try withNameScope(name ?? "MirrorPad") {
            let flat = paddings.flatMap { [Int32(clamping: $0.before), Int32(clamping: $0.after)] }
            let rows = try constant(Tensor(shape: [paddings.count, 2], scalars: flat), name: "paddings")
            return try addOutput("MirrorPad", name: currentScope, inputs: [x, rows],
                                 attributes: ["mode": .string(mode.rawValue)])
        }
    }
}

/// How ``Graph/mirrorPad(_:paddings:mode:name:)`` mirrors: TensorFlow's `mode` attribute.
public enum MirrorPadMode: String, Sendable {
    /// Mirror around the edge element, which is not repeated.
    case reflect = "REFLECT"
    /// Mirror including the edge element.
    case symmetric = "SYMMETRIC"
}
