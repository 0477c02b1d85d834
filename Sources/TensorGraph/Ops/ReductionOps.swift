/// Reductions along axes: Sum, Mean, Max, Min, Prod, Any, All, ArgMax and ArgMin.
enum ReductionOps {
    static let definitions = [reduction("Sum", .sum, gradient: .function { c in [try spreadBack(c), nil] }),
                              reduction("Mean", .mean, gradient: .function { c in
                                  let graph = c.graph
                let inputCount = try graph.cast(
                    try graph.reduceAll("Prod", try graph.shape(c.input(0))), to: try graph.dtype(of: c.input(0)))
                let outputCount = try graph.cast(
                    try graph.reduceAll("Prod", try graph.shape(c.output(0))), to: try graph.dtype(of: c.input(0)))
                return [try graph.divide(try spreadBack(c), try graph.divide(inputCount, outputCount)), nil]
                              }),
                              reduction("Max", .max, gradient: .function { c in [try chosenGradient(c), nil] }),
                              reduction("Min", .min, gradient: .function { c in [try chosenGradient(c), nil] }),
                              reduction("Prod", .product, gradient: .function { c in [try productGradient(c), nil] }),
                              logicalReduction("Any", all: false), logicalReduction("All", all: true),
                              argExtremum("ArgMax", label: "argmax", largest: true),
                              argExtremum("ArgMin", label: "argmin", largest: false),
                              scan("Cumsum", product: false), scan("Cumprod", product: true)]

    /// Prod's gradient: for each element the product of all the others in its reduction, from
    /// exclusive cumulative products both ways (so zeros need no division), as TensorFlow's _ProdGrad.
    static func productGradient(_ c: GradientContext) throws -> Output {
        let graph = c.graph
        let (_, keptGradient, reduced) = try keptDimensions(c)
        guard let rank = try c.inputShape(0).rank else {
            throw GraphError(
                .unsupported, node: c.node.name, op: "Prod", message: "the gradient needs the input's rank")
        }
        let gradient = try graph.addOutput(
            "BroadcastTo", name: "BroadcastTo", inputs: [keptGradient, try graph.shape(c.input(0))])
        let permutation = reduced + (0..<rank).filter { !reduced.contains($0) }
        var inverse = permutation
        for (index, axis) in permutation.enumerated() { inverse[axis] = index }
        let permuted = try graph.transpose(c.input(0), permutation: permutation)
        let reducedCount = try graph.reduceAll("Prod", try graph.addOutput("GatherV2", name: "GatherV2",
            inputs: [
                try graph.shape(c.input(0)), try graph.constant(Tensor(reduced.map(Int32.init))),
                try graph.constant(Int32(0))
            ]))
        let matrix = try graph.reshape(permuted, to: try graph.stack([reducedCount, try graph.constant(Int32(-1))]))
        let zero = try graph.constant(Int32(0))
        let left = try graph.addOutput(
            "Cumprod", name: "Cumprod", inputs: [matrix, zero], attributes: ["exclusive": .bool(true)])
        let right = try graph.addOutput("Cumprod", name: "Cumprod_1", inputs: [matrix, zero],
                                        attributes: ["exclusive": .bool(true), "reverse": .bool(true)])
        let others = try graph.reshape(try graph.multiply(left, right), to: try graph.shape(permuted))
        return try graph.multiply(gradient, try graph.transpose(others, permutation: inverse))
    }

    /// `tf.math.cumsum` / `tf.math.cumprod` along `axis`, optionally exclusive and reversed.
    static func scan(_ name: String, product: Bool) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("x", type: "T"), .input("axis", type: "Tidx")],
            attributes: [.type("T", DType.numeric), .type("Tidx", DType.integer, default: .int32),
                         .attr("exclusive", default: .bool(false)), .attr("reverse", default: .bool(false))],
            shape: { context in
                if let axis = context.integers(ofInput: 1)?.first, let rank = context.inputs[0].shape.rank {
                    _ = try normalizedAxis(axis, rank: rank, context: context)
                }
                return [context.inputs[0].withoutValue]
            },
            kernel: { context in
                let x = context.inputs[0]
                guard let requested = context.inputs[1].integers?.first else {
                    throw context.error("axis must be an integer")
                }
                let axis = try normalizedAxis(requested, rank: x.rank, context: InferenceContext(kernel: context))
                let exclusive = try context.attributes.bool("exclusive"),
                    reverse = try context.attributes.bool("reverse")
                let size = x.shape[axis], inner = x.shape[(axis + 1)...].reduce(1, *),
                    outer = x.elementCount / max(size * inner, 1)
                let values = x.doubles
                var result = values
                for o in 0..<outer {
                    for i in 0..<inner {
                        var running: Double = product ? 1 : 0
                        for step in 0..<size {
                            let k = reverse ? size - 1 - step : step
                            let index = (o * size + k) * inner + i
                            if exclusive { result[index] = running }
                            running = product ? running * values[index] : running + values[index]
                            if !exclusive { result[index] = running }
                        }
                    }
                }
                return [Tensor(shape: x.shape, scalars: result).cast(to: x.dtype)]
            },
            gradient: .function { c in
                // A sum's scan runs the gradient back the other way; a product's does so on prod·grad,
                // then divides by x, as TensorFlow's _CumsumGrad and _CumprodGrad (which assume x ≠ 0).
                let graph = c.graph
                var backward = c.node.attributes
                backward["reverse"] = .bool(!(c.node.attributes["reverse"] == .bool(true)))
                guard product else {
                    return [
                        try graph.addOutput(
                            "Cumsum", name: "Cumsum", inputs: [try c.gradient(), c.input(1)], attributes: backward), nil
                    ]
                }
                let weighted = try graph.multiply(c.output(0), try c.gradient())
                let summed = try graph.addOutput(
                    "Cumsum", name: "Cumsum", inputs: [weighted, c.input(1)], attributes: backward)
                return [try graph.divide(summed, c.input(0)), nil]
            })
    }

    /// Max's and Min's gradient: shared equally among the elements equal to the result, as
    /// TensorFlow's _MinOrMaxGrad.
    static func chosenGradient(_ c: GradientContext) throws -> Output {
        let graph = c.graph
        let (result, gradient, axes) = try keptDimensions(c)
        let dtype = try graph.dtype(of: c.input(0))
        let indicators = try graph.cast(try graph.equal(result, c.input(0)), to: dtype)
        let selected = try graph.sum(indicators, axes: axes, keepDims: true)
        return try graph.multiply(try graph.divide(indicators, selected), gradient)
    }

    /// The reduction's output and incoming gradient with the reduced axes kept (as size 1), and the axes.
    static func keptDimensions(_ c: GradientContext) throws -> (Output, Output, [Int]) {
        let graph = c.graph
        guard let rank = try c.inputShape(0).rank, let requested = try graph.info(of: c.input(1)).value?.integers else {
            throw GraphError(.unsupported, node: c.node.name, op: c.node.op,
                             message: "the gradient needs the input's rank and the reduced axes known while building")
        }
        let axes = Set(requested.map { $0 < 0 ? $0 + rank : $0 }).sorted()
        var output = c.output(0), gradient = try c.gradient()
        if !(try c.attributes.bool("keep_dims")) {
            for axis in axes {
                output = try graph.expandDims(output, axis: axis)
                gradient = try graph.expandDims(gradient, axis: axis)
            }
        }
        return (output, gradient, axes)
    }

    /// The gradient of a sum: the output's gradient repeated over the reduced axes.
    static func spreadBack(_ c: GradientContext) throws -> Output {
        let (_, gradient, _) = try keptDimensions(c)
        return try c.graph.addOutput(
            "BroadcastTo", name: "BroadcastTo", inputs: [gradient, try c.graph.shape(c.input(0))])
    }

    /// The reduced axes, checked against the rank.
    static func axes(_ requested: [Int], rank: Int, context: InferenceContext) throws -> Set<Int> {
        Set(try requested.map { try normalizedAxis($0, rank: rank, context: context) })
    }

    /// The shape after reducing `axes` (kept as 1 when `keepDims`).
    static func reducedShape(_ dims: [Int?], axes: Set<Int>, keepDims: Bool) -> [Int?] {
        var result: [Int?] = []
        for (axis, size) in dims.enumerated() {
            if !axes.contains(axis) { result.append(size) } else if keepDims { result.append(1) }
        }
        return result
    }

    /// A reduction op (`tf.reduce_sum`, ...): input, reduction_indices, keep_dims.
    static func reduction(_ name: String, _ reducer: Reducer, gradient: Gradient = .none) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("input", type: "T"), .input("reduction_indices", type: "Tidx")],
            attributes: [.type("T", DType.numeric), .type("Tidx", DType.integer, default: .int32),
                         .attr("keep_dims", default: .bool(false))],
            shape: reducedInfo,
            kernel: { context in
                let input = context.inputs[0]
                let (reduced, outputShape) = try reduction(of: context)
                if case .float32(let values) = input.storage,
                   let result = reducer.reduce(values, shape: input.shape, axes: reduced) {
                    return [Tensor(shape: outputShape, scalars: result)]
                }
                let positions = outputPositions(input.shape, reducing: reduced)
                let count = outputShape.reduce(1, *)
                func result<T: NumericScalar>(_ a: [T]) -> [Tensor] {
                    [Tensor(shape: outputShape, scalars: reducer.reduce(a, positions: positions, outputCount: count))]
                }
                switch input.storage {
                case .float32(let a): return result(a)
                case .float64(let a): return result(a)
                case .int32(let a): return result(a)
                case .int64(let a): return result(a)
                case .bool, .string, .resource, .variant: throw context.error("cannot reduce \(input.dtype) values")
                }
            },
            gradient: gradient)
    }

    /// A reduction's output: the input's dtype and shape with the reduced axes removed (kept as 1
    /// with `keep_dims`).
    static func reducedInfo(_ context: InferenceContext) throws -> [TensorInfo] {
        let input = context.inputs[0]
        let keepDims = try context.attributes.bool("keep_dims")
        guard let dims = input.shape.dimensions, let requested = context.integers(ofInput: 1) else {
            let rank = keepDims ? input.shape.rank : nil
            return [TensorInfo(input.dtype, rank.map { Shape(unknownDimensions: $0) } ?? .unknown)]
        }
        let reduced = try axes(requested, rank: dims.count, context: context)
        return [TensorInfo(input.dtype, Shape(reducedShape(dims, axes: reduced, keepDims: keepDims)))]
    }

    /// A running reduction's axes, checked, and its output shape.
    static func reduction(of context: KernelContext) throws -> (axes: Set<Int>, shape: [Int]) {
        guard let requested = context.inputs[1].integers else {
            throw context.error("reduction_indices must be integers")
        }
        let reduced = try axes(requested, rank: context.inputs[0].rank, context: InferenceContext(kernel: context))
        let keepDims = try context.attributes.bool("keep_dims")
        return (reduced, reducedShape(context.inputs[0].shape, axes: reduced, keepDims: keepDims).map { $0 ?? 1 })
    }

    /// For each element of an input of `shape`, the output element it is reduced into.
    static func outputPositions(_ shape: [Int], reducing reduced: Set<Int>) -> [Int] {
        let keptShape = reducedShape(shape, axes: reduced, keepDims: true).map { $0 ?? 1 }
        var steps = Layout.strides(keptShape)
        for axis in reduced { steps[axis] = 0 }
        return Layout.positions(resultShape: shape, start: 0, steps: steps)
    }

    /// `tf.reduce_any` (`all` false) and `tf.reduce_all` (`all` true): bools reduced along axes.
    static func logicalReduction(_ name: String, all: Bool) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("input", .bool), .input("reduction_indices", type: "Tidx")],
            attributes: [.type("Tidx", DType.integer, default: .int32), .attr("keep_dims", default: .bool(false))],
            shape: reducedInfo,
            kernel: { context in
                guard let values = context.inputs[0].scalars(as: Bool.self) else {
                    throw context.error("input must be bools")
                }
                let (reduced, outputShape) = try reduction(of: context)
                var result = [Bool](repeating: all, count: outputShape.reduce(1, *))
                for (value, position) in zip(values, outputPositions(context.inputs[0].shape, reducing: reduced))
                where value != all {
                    result[position] = !all
                }
                return [Tensor(shape: outputShape, scalars: result)]
            },
            gradient: .notDifferentiable)
    }

    /// `tf.argmax` (`largest`) / `tf.argmin`: the index along one axis of the largest (smallest)
    /// element, the first such on ties.
    static func argExtremum(_ name: String, label: String, largest: Bool) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("input", type: "T"), .input("dimension", type: "Tidx")],
            attributes: [.type("T", DType.numeric), .type("Tidx", DType.integer, default: .int32),
                         .type("output_type", DType.integer, default: .int64)],
            shape: { context in
                let input = context.inputs[0]
                let type = try context.attributes.type("output_type")
                guard let dims = input.shape.dimensions, let axis = context.integers(ofInput: 1)?.first else {
                    let rank = input.shape.rank.map { max($0 - 1, 0) }
                    return [TensorInfo(type, rank.map { Shape(unknownDimensions: $0) } ?? .unknown)]
                }
                let reduced = try normalizedAxis(axis, rank: dims.count, context: context)
                if dims[reduced] == 0 { throw context.error("cannot take \(label) over an empty dimension \(reduced)") }
                return [TensorInfo(type, Shape(reducedShape(dims, axes: [reduced], keepDims: false)))]
            },
            kernel: { context in
                let input = context.inputs[0]
                guard let requested = context.inputs[1].integers?.first else {
                    throw context.error("dimension must be an integer")
                }
                let axis = try normalizedAxis(requested, rank: input.rank, context: InferenceContext(kernel: context))
                guard input.shape[axis] > 0 else {
                    throw context.error("cannot take \(label) over an empty dimension \(axis)")
                }
                let size = input.shape[axis]
                let outer = input.shape[..<axis].reduce(1, *), inner = input.shape[(axis + 1)...].reduce(1, *)
                // In the input's own type, so that int64 values past 2^53 compare exactly.
                func indices<T: Comparable>(_ values: [T]) -> [Int64] {
                    var indices = [Int64](repeating: 0, count: outer * inner)
                    for o in 0..<outer {
                        for i in 0..<inner {
                            var best = values[o * size * inner + i], bestIndex = 0
                            for k in 1..<size {
                                let value = values[(o * size + k) * inner + i]
                                if largest ? value > best : value < best { (best, bestIndex) = (value, k) }
                            }
                            indices[o * inner + i] = Int64(bestIndex)
                        }
                    }
                    return indices
                }
                let found: [Int64]
                switch input.storage {
                case .float32(let values): found = indices(values)
                case .float64(let values): found = indices(values)
                case .int32(let values): found = indices(values)
                case .int64(let values): found = indices(values)
                case .bool, .string, .resource, .variant:
                    throw context.error("\(label) is not defined for \(input.dtype) here")
                }
                let shape = reducedShape(input.shape, axes: [axis], keepDims: false).map { $0 ?? 1 }
                let result = Tensor(shape: shape, scalars: found)
                return [try context.attributes.type("output_type") == .int32 ? result.cast(to: .int32) : result]
            },
            gradient: .notDifferentiable)
    }
}

extension Graph {
    /// The sum along `axes` (all when `nil`), `tf.reduce_sum` (TensorFlow op `Sum`).
    public func sum(_ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) throws -> Output {
        try reduce("Sum", x, axes: axes, keepDims: keepDims, name: name)
    }

    /// The mean along `axes` (all when `nil`), `tf.reduce_mean` (TensorFlow op `Mean`).
    public func mean(_ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) throws -> Output {
        try reduce("Mean", x, axes: axes, keepDims: keepDims, name: name)
    }

    /// The maximum along `axes` (all when `nil`), `tf.reduce_max` (TensorFlow op `Max`).
    public func max(_ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) throws -> Output {
        try reduce("Max", x, axes: axes, keepDims: keepDims, name: name)
    }

    /// The index of the largest element along `axis`, `tf.argmax` (TensorFlow op `ArgMax`).
    public func argMax(_ x: Output, axis: Int, outputType: DType = .int64, name: String? = nil) throws -> Output {
        try argExtremum("ArgMax", x, axis: axis, outputType: outputType, name: name)
    }

    /// The index of the smallest element along `axis`, `tf.argmin` (TensorFlow op `ArgMin`).
    public func argMin(_ x: Output, axis: Int, outputType: DType = .int64, name: String? = nil) throws -> Output {
        try argExtremum("ArgMin", x, axis: axis, outputType: outputType, name: name)
    }

    private func argExtremum(_ op: String, _ x: Output, axis: Int, outputType: DType, name: String?) throws -> Output {
        try withNameScope(name ?? op) {
            try addOutput(op, name: currentScope, inputs: [x, try constant(Int32(axis), name: "dimension")],
                          attributes: ["output_type": .type(outputType)])
        }
    }

    /// Whether any element along `axes` (all when `nil`) is true, `tf.reduce_any` (TensorFlow op `Any`).
    public func any(_ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) throws -> Output {
        try reduce("Any", x, axes: axes, keepDims: keepDims, name: name)
    }

    /// Whether every element along `axes` (all when `nil`) is true, `tf.reduce_all` (TensorFlow op `All`).
    public func all(_ x: Output, axes: [Int]? = nil, keepDims: Bool = false, name: String? = nil) throws -> Output {
        try reduce("All", x, axes: axes, keepDims: keepDims, name: name)
    }

    /// `op` over every axis of a vector (used by gradients, where the rank is 1).
    func reduceAll(_ op: String, _ x: Output) throws -> Output {
        try reduce(op, x, axes: [0], keepDims: false, name: nil)
    }

    private func reduce(_ op: String, _ x: Output, axes: [Int]?, keepDims: Bool, name: String?) throws -> Output {
        let resolved: [Int]
        if let axes {
            resolved = axes
        } else {
            guard let rank = try inferredShape(of: x).rank else {
                throw GraphError(
                    .invalidShape, op: op, message: "reducing every axis needs the input's rank, which is unknown",
                    fix: "pass axes explicitly")
            }
            resolved = Array(0..<rank)
        }
        return try withNameScope(name ?? op) {
            let indices = try constant(Tensor(resolved.map(Int32.init)), name: "reduction_indices")
            return try addOutput(
                op, name: currentScope, inputs: [x, indices], attributes: ["keep_dims": .bool(keepDims)])
        }
    }
}
