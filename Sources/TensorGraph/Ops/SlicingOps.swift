/// Slice, StridedSlice (`x[:, 1:3]`, `tf.shape(x)[0]`) and ReverseV2 (`x[::-1]` along axes).
enum SlicingOps {
    static let definitions = [slice, stridedSlice, stridedSliceGrad, reverseV2]

    /// `tf.reverse(tensor, axis)` (TensorFlow op `ReverseV2`): the order of elements reversed along
    /// each axis listed (negative counts from the end; each axis at most once).
    static let reverseV2 = OpDefinition(
        "ReverseV2",
        inputs: [.input("tensor", type: "T"), .input("axis", type: "Tidx")],
        attributes: [.type("Tidx", DType.integer, default: .int32), .type("T")],
        shape: { context in
            let input = context.inputs[0]
            if let rank = input.shape.rank, let requested = context.integers(ofInput: 1) {
                _ = try reversedAxes(requested, rank: rank, context: context)
            }
            return [input.withoutValue]
        },
        kernel: { context in
            let input = context.inputs[0]
            guard let requested = context.inputs[1].integers else { throw context.error("axis must be integers") }
            let axes = try reversedAxes(requested, rank: input.rank, context: InferenceContext(kernel: context))
            guard input.elementCount > 0 else { return [input] }
            // Read each reversed axis from its last element backwards.
            var steps = Layout.strides(input.shape), start = 0
            for axis in axes {
                start += (input.shape[axis] - 1) * steps[axis]
                steps[axis] = -steps[axis]
            }
            let positions = Layout.positions(resultShape: input.shape, start: start, steps: steps)
            return [Tensor(shape: input.shape, storage: input.storage.selecting(positions))]
        },
        gradient: .function { c in
            [try c.graph.addOutput("ReverseV2", name: "ReverseV2", inputs: [try c.gradient(), c.input(1)]), nil]
        })

    /// ReverseV2's axes, each in range and listed once.
    static func reversedAxes(_ requested: [Int], rank: Int, context: InferenceContext) throws -> [Int] {
        let axes = try requested.map { try normalizedAxis($0, rank: rank, context: context) }
        if let repeated = axes.first(where: { axis in axes.count { $0 == axis } > 1 }) {
            throw context.invalid("axis \(repeated) is listed more than once in \(requested)",
                                  fix: "list each axis to reverse once")
        }
        return axes
    }

    /// `tf.slice`: `size[i]` elements from `begin[i]` along each axis; size -1 means "to the end".
    static let slice = OpDefinition(
        "Slice",
        inputs: [.input("input", type: "T"), .input("begin", type: "Index"), .input("size", type: "Index")],
        attributes: [.type("T"), .type("Index", DType.integer, default: .int32)],
        shape: { context in
            let input = context.inputs[0]
            guard let begin = context.integers(ofInput: 1), let size = context.integers(ofInput: 2) else {
                let rank = input.shape.rank ?? context.inputs[1].shape[0]
                return [TensorInfo(input.dtype, rank.map { Shape(unknownDimensions: $0) } ?? .unknown)]
            }
            guard let dims = input.shape.dimensions else {
                return [TensorInfo(input.dtype, Shape(unknownDimensions: begin.count))]
            }
            return [TensorInfo(input.dtype, Shape(try sliceSizes(dims, begin: begin, size: size, context: context)))]
        },
        kernel: { context in
            let input = context.inputs[0]
            guard let begin = context.inputs[1].integers, let size = context.inputs[2].integers else {
                throw context.error("begin and size must be integers")
            }
            let sizes = try sliceSizes(
                input.shape, begin: begin, size: size, context: InferenceContext(kernel: context)
            ).map { $0 ?? 0 }
            let strides = Layout.strides(input.shape)
            let start = zip(begin, strides).reduce(0) { $0 + $1.0 * $1.1 }
            return [
                Tensor(
                    shape: sizes,
                    storage: input.storage.selecting(Layout.positions(resultShape: sizes, start: start, steps: strides))
                )
            ]
        },
        gradient: .function { c in
            // Pad the gradient back out: before = begin, after = shape(x) - shape(y) - begin.
            let graph = c.graph, index = try graph.dtype(of: c.input(1))
            let inputShape = try graph.addOutput(
                "Shape", name: "Shape", inputs: [c.input(0)], attributes: ["out_type": .type(index)])
            let outputShape = try graph.addOutput(
                "Shape", name: "Shape_1", inputs: [c.output(0)], attributes: ["out_type": .type(index)])
            let after = try graph.subtract(try graph.subtract(inputShape, outputShape), c.input(1))
            let paddings = try graph.stack([c.input(1), after], axis: 1)
            return [try graph.addOutput("Pad", name: "Pad", inputs: [try c.gradient(), paddings]), nil, nil]
        })

    static func sliceSizes(_ dims: [Int?], begin: [Int], size: [Int], context: InferenceContext) throws -> [Int?] {
        guard begin.count == dims.count, size.count == dims.count else {
            throw context.error(
                "begin \(begin) and size \(size) must have one entry per input dimension (\(dims.count))")
        }
        return try dims.indices.map { axis in
            guard let extent = dims[axis] else { return size[axis] >= 0 ? size[axis] : nil }
            let length = size[axis] == -1 ? extent - begin[axis] : size[axis]
            guard begin[axis] >= 0, length >= 0, begin[axis] + length <= extent else {
                throw context.invalid(
                    "slice of axis \(axis) from \(begin[axis]) with size \(size[axis]) does not fit its \(extent) "
                        + "elements")
            }
            return length
        }
    }

    /// `x[begin:end:stride]` with TensorFlow's masks (begin_mask, end_mask, ellipsis_mask,
    /// new_axis_mask, shrink_axis_mask).
    static let stridedSlice = OpDefinition(
        "StridedSlice",
        inputs: [.input("input", type: "T"), .input("begin", type: "Index"), .input("end", type: "Index"),
                 .input("strides", type: "Index")],
        attributes: [.type("T"), .type("Index", DType.integer),
                     .attr("begin_mask", default: .int(0)), .attr("end_mask", default: .int(0)),
                     .attr("ellipsis_mask", default: .int(0)), .attr("new_axis_mask", default: .int(0)),
                     .attr("shrink_axis_mask", default: .int(0))],
        shape: { context in
            let input = context.inputs[0]
            guard let begin = context.integers(ofInput: 1), let end = context.integers(ofInput: 2),
                  let strides = context.integers(ofInput: 3), let dims = input.shape.dimensions else {
                return [TensorInfo(input.dtype, .unknown)]
            }
            let plan = try StridedSlicePlan(dims, begin: begin, end: end, strides: strides, context: context)
            var info = TensorInfo(input.dtype, Shape(plan.resultShape))
            if dims.count == 1, let known = input.shapeValue?.dimensions, known.count == dims.count,
               let start = plan.axes[0].begin, let length = plan.axes[0].size {
                info.shapeValue = Shape((0..<length).map { known[start + $0 * plan.axes[0].stride] })
            }
            return [info]
        },
        kernel: { context in
            let input = context.inputs[0]
            guard let begin = context.inputs[1].integers, let end = context.inputs[2].integers,
                  let strides = context.inputs[3].integers else {
                throw context.error("begin, end and strides must be integers")
            }
            let plan = try StridedSlicePlan(input.shape, begin: begin, end: end, strides: strides,
                                            context: InferenceContext(kernel: context))
            let inputStrides = Layout.strides(input.shape)
            let sizes = plan.axes.map { $0.size ?? 0 }
            let start = zip(plan.axes, inputStrides).reduce(0) { $0 + ($1.0.begin ?? 0) * $1.1 }
            let steps = zip(plan.axes, inputStrides).map { $0.stride * $1 }
            let positions = Layout.positions(resultShape: sizes, start: start, steps: steps)
            return [Tensor(shape: plan.resultShape.map { $0 ?? 0 }, storage: input.storage.selecting(positions))]
        },
        gradient: .function { c in
            let graph = c.graph, index = try graph.dtype(of: c.input(1))
            let shape = try graph.addOutput(
                "Shape", name: "Shape", inputs: [c.input(0)], attributes: ["out_type": .type(index)])
            var attributes = c.node.attributes.filter { $0.key.hasSuffix("_mask") }
            attributes["Index"] = .type(index)
            let gradient = try graph.addOutput("StridedSliceGrad", name: "StridedSliceGrad",
                inputs: [shape, c.input(1), c.input(2), c.input(3), try c.gradient()], attributes: attributes)
            return [gradient, nil, nil, nil]
        })

    /// StridedSlice's gradient: a tensor of `shape`, zero except where the slice took elements,
    /// which receive `dy`.
    static let stridedSliceGrad = OpDefinition(
        "StridedSliceGrad",
        inputs: [.input("shape", type: "Index"), .input("begin", type: "Index"), .input("end", type: "Index"),
                 .input("strides", type: "Index"), .input("dy", type: "T")],
        attributes: [.type("T"), .type("Index", DType.integer),
                     .attr("begin_mask", default: .int(0)), .attr("end_mask", default: .int(0)),
                     .attr("ellipsis_mask", default: .int(0)), .attr("new_axis_mask", default: .int(0)),
                     .attr("shrink_axis_mask", default: .int(0))],
        shape: { context in
            [TensorInfo(context.inputs[4].dtype, try context.shape(fromTensorInput: 0, role: "shape"))]
        },
        kernel: { context in
            guard let shape = context.inputs[0].integers, let begin = context.inputs[1].integers,
                  let end = context.inputs[2].integers, let strides = context.inputs[3].integers else {
                throw context.error("shape, begin, end and strides must be integers")
            }
            let dy = context.inputs[4]
            let count = try context.allocation(shape, dy.dtype)
            let plan = try StridedSlicePlan(
                shape, begin: begin, end: end, strides: strides, context: InferenceContext(kernel: context))
            let sizes = plan.axes.map { $0.size ?? 0 }
            guard sizes.reduce(1, *) == dy.elementCount else {
                throw context.error("dy does not have the slice's \(sizes.reduce(1, *)) elements")
            }
            let inputStrides = Layout.strides(shape)
            let start = zip(plan.axes, inputStrides).reduce(0) { $0 + ($1.0.begin ?? 0) * $1.1 }
            let steps = zip(plan.axes, inputStrides).map { $0.stride * $1 }
            var source = [Int](repeating: -1, count: count)
            for (element, position) in Layout.positions(resultShape: sizes, start: start, steps: steps).enumerated() {
                source[position] = element
            }
            return [Tensor(shape: shape, storage: dy.storage.selecting(source))]
        },
        gradient: .function { c in
            let attributes = c.node.attributes.filter { $0.key.hasSuffix("_mask") || $0.key == "Index" }
            let sliced = try c.graph.addOutput("StridedSlice", name: "StridedSlice",
                inputs: [try c.gradient(), c.input(1), c.input(2), c.input(3)], attributes: attributes)
            return [nil, nil, nil, nil, sliced]
        })
}

/// Resolves a strided slice, as TensorFlow's `ValidateStridedSliceOp`: the masks expand the
/// sparse begin/end/strides into one range per input axis, then new axes are inserted and
/// shrunk axes removed.
struct StridedSlicePlan {
    /// Per input axis: first index, step and element count (`nil` where the axis size is unknown).
    var axes: [(begin: Int?, stride: Int, size: Int?)] = []
    /// The output shape.
    var resultShape: [Int?] = []

    init(_ dims: [Int?], begin: [Int], end: [Int], strides: [Int], context: InferenceContext) throws {
        let a = context.attributes
        let beginMask = try a.int("begin_mask"), endMask = try a.int("end_mask"),
            ellipsisMask = try a.int("ellipsis_mask")
        let newAxisMask = try a.int("new_axis_mask"), shrinkMask = try a.int("shrink_axis_mask")
        guard begin.count == end.count, end.count == strides.count, begin.count <= 64 else {
            throw context.invalid(
                "begin, end and strides must have the same length (\(begin.count), \(end.count), \(strides.count))")
        }
        guard ellipsisMask & (ellipsisMask - 1) == 0 else { throw context.invalid("only one ellipsis is allowed") }
        let bit = { (mask: Int, i: Int) in mask & (1 << i) != 0 }
        let sparseCount = begin.count
        let realAxesInSpec = (0..<sparseCount).filter { !bit(newAxisMask, $0) && !bit(ellipsisMask, $0) }.count
        // Each sparse entry maps to an input axis, a new output axis, or (ellipsis) a run of full axes.
        var axis = 0
        var output: [Int?] = []
        for i in 0..<sparseCount {
            if bit(ellipsisMask, i) {
                let covered = max(0, dims.count - realAxesInSpec)
                for _ in 0..<covered {
                    guard axis < dims.count else { break }
                    axes.append(Self.range(dims[axis], nil, nil, 1, true, true))
                    output.append(axes.last!.size)
                    axis += 1
                }
                continue
            }
            if bit(newAxisMask, i) {
                output.append(1)
                continue
            }
            guard axis < dims.count else {
                throw context.invalid("the slice has more indices than the input has dimensions (\(dims.count))")
            }
            guard strides[i] != 0 else { throw context.invalid("strides must not be 0") }
            if bit(shrinkMask, i) {
                var index = begin[i]
                if let size = dims[axis] {
                    if index < 0 { index += size }
                    guard index >= 0, index < size else {
                        throw context.invalid("index \(begin[i]) is out of range for axis \(axis) of size \(size)")
                    }
                    axes.append((index, 1, 1))
                } else {
                    axes.append((index >= 0 ? index : nil, 1, 1))
                }
            } else {
                axes.append(Self.range(dims[axis], begin[i], end[i], strides[i], bit(beginMask, i), bit(endMask, i)))
                output.append(axes.last!.size)
            }
            axis += 1
        }
        // Axes past the spec (with no ellipsis) are taken whole.
        while axis < dims.count {
            axes.append(Self.range(dims[axis], nil, nil, 1, true, true))
            output.append(axes.last!.size)
            axis += 1
        }
        resultShape = output
    }

    /// The first index, step and count along one axis of size `size`, clamped as Python slices are.
    private static func range(_ size: Int?, _ begin: Int?, _ end: Int?, _ stride: Int, _ fullBegin: Bool,
                              _ fullEnd: Bool) -> (begin: Int?, stride: Int, size: Int?) {
        guard let size else {
            let start: Int? = fullBegin ? (stride > 0 ? 0 : nil) : (begin.flatMap { $0 >= 0 ? $0 : nil })
            return (start, stride, nil)
        }
        func canonical(_ value: Int?, full: Bool, isBegin: Bool) -> Int {
            if full || value == nil {
                return stride > 0 ? (isBegin ? 0 : size) : (isBegin ? size - 1 : -1)
            }
            var v = value!
            if v < 0 { v += size }
            return stride > 0 ? min(max(v, 0), size) : min(max(v, -1), size - 1)
        }
        let first = canonical(begin, full: fullBegin, isBegin: true)
        let last = canonical(end, full: fullEnd, isBegin: false)
        let span = last - first
        let count = (stride > 0 && span > 0) || (stride < 0 && span < 0)
            ? (span + stride + (stride > 0 ? -1 : 1)) / stride : 0
        return (first, stride, count)
    }
}

/// One entry of a Python-style subscript, for ``Graph/stridedSlice(_:_:name:)``.
public enum SliceIndex: Sendable, Equatable {
    /// `x[i]`: one position, removing the axis (negative counts from the end).
    case index(Int)
    /// `x[start:end:stride]`; `nil` bounds mean "from the start" / "to the end".
    case range(Int?, Int?, stride: Int = 1)
    /// `x[:]`: the whole axis.
    case all
    /// `x[tf.newaxis]`: a new axis of size 1.
    case newAxis
    /// `x[...]`: as many whole axes as needed.
    case ellipsis
}

extension Graph {
    /// `x` with the order of its elements reversed along `axes`, `tf.reverse` (TensorFlow op `ReverseV2`).
    public func reverse(_ x: Output, axes: [Int], name: String? = nil) throws -> Output {
        try withNameScope(name ?? "ReverseV2") {
            let axis = try constant(Tensor(axes.map(Int32.init)), name: "axis")
            return try addOutput("ReverseV2", name: currentScope, inputs: [x, axis])
        }
    }

    /// `x[begin..., size...]`, `tf.slice` (TensorFlow op `Slice`); a size of -1 means "to the end".
    public func slice(_ x: Output, begin: [Int], size: [Int], name: String? = nil) throws -> Output {
        try withNameScope(name ?? "Slice") {
            let b = try constant(Tensor(begin.map(Int32.init)), name: "begin")
            let s = try constant(Tensor(size.map(Int32.init)), name: "size")
            return try addOutput("Slice", name: currentScope, inputs: [x, b, s])
        }
    }

    /// A Python-style subscript, TensorFlow's `x[...]` (TensorFlow op `StridedSlice`):
    /// `tf.shape(x)[0]` is `stridedSlice(shape(x), [.index(0)])`, `x[:, 1:3]` is
    /// `stridedSlice(x, [.all, .range(1, 3)])`.
    public func stridedSlice(_ x: Output, _ indices: [SliceIndex], name: String? = nil) throws -> Output {
        var begin: [Int32] = [], end: [Int32] = [], strides: [Int32] = []
        var masks = (begin: 0, end: 0, ellipsis: 0, newAxis: 0, shrink: 0)
        for (i, index) in indices.enumerated() {
            let bit = 1 << i
            switch index {
            case .index(let position):
                begin.append(Int32(position)); end.append(Int32(position + 1)); strides.append(1)
                masks.shrink |= bit
            case .range(let start, let stop, let stride):
                begin.append(Int32(start ?? 0)); end.append(Int32(stop ?? 0)); strides.append(Int32(stride))
                if start == nil { masks.begin |= bit }
                if stop == nil { masks.end |= bit }
            case .all:
                begin.append(0); end.append(0); strides.append(1)
                masks.begin |= bit; masks.end |= bit
            case .newAxis:
                begin.append(0); end.append(0); strides.append(1)
                masks.newAxis |= bit
            case .ellipsis:
                begin.append(0); end.append(0); strides.append(1)
                masks.ellipsis |= bit
            }
        }
        return try withNameScope(name ?? "strided_slice") {
            let inputs = [x, try constant(Tensor(begin), name: "stack"), try constant(Tensor(end), name: "stack_1"),
                          try constant(Tensor(strides), name: "stack_2")]
            return try addOutput("StridedSlice", name: currentScope, inputs: inputs, attributes: [
                "begin_mask": .int(masks.begin), "end_mask": .int(masks.end), "ellipsis_mask": .int(masks.ellipsis),
                "new_axis_mask": .int(masks.newAxis), "shrink_axis_mask": .int(masks.shrink),
            ])
        }
    }
}
