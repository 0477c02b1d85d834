/// Ops that rearrange or make tensors without arithmetic: Reshape, Shape, Pack, Unpack,
/// Transpose, InvertPermutation, ExpandDims, Squeeze, ConcatV2, Pad, Fill, ZerosLike, OnesLike, Cast.
enum ArrayOps {
    static let definitions = [reshape, shape, pack, unpack, transpose, invertPermutation, expandDims, squeeze,
                              concatV2, pad, fill, zerosLike, onesLike, cast, broadcastTo, broadcastGradientArgs,
                              shapeN, concatOffset, size]

    /// `tf.size`: the number of elements, as a scalar.
    static let size = OpDefinition(
        "Size",
        inputs: [.input("input", type: "T")],
        attributes: [.type("T"), .type("out_type", DType.integer, default: .int32)],
        shape: { context in
            let type = try context.attributes.type("out_type")
            if let count = context.inputs[0].shape.elementCount {
                return [TensorInfo(constant: Tensor(Int64(count)).cast(to: type))]
            }
            return [TensorInfo(type, .scalar)]
        },
        kernel: { context in
            [Tensor(Int64(context.inputs[0].elementCount)).cast(to: try context.attributes.type("out_type"))]
        },
        gradient: .notDifferentiable)

    /// Where each of N concatenated tensors starts along the concatenation axis.
    static let concatOffset = OpDefinition(
        "ConcatOffset",
        inputs: [.input("concat_dim", .int32), .inputs("shape", type: "shape_type", count: "N")],
        attributes: [.attr("N"), .type("shape_type", DType.integer, default: .int32)],
        shape: { context in context.inputs.dropFirst().map { TensorInfo($0.dtype, $0.shape) } },
        kernel: { context in
            guard let requested = context.inputs[0].integers?.first else {
                throw context.error("concat_dim must be an integer")
            }
            let shapes = try context.inputs.dropFirst().map { tensor -> [Int] in
                guard let dims = tensor.integers else { throw context.error("shapes must be integers") }
                return dims
            }
            let rank = shapes.first?.count ?? 0
            let axis = try normalizedAxis(requested, rank: rank, context: InferenceContext(kernel: context))
            var offset = 0
            return try zip(shapes, context.inputs.dropFirst()).map { dims, tensor in
                guard dims.count == rank else { throw context.error("every shape must have rank \(rank)") }
                var offsets = Array(repeating: 0, count: rank)
                offsets[axis] = offset
                offset += dims[axis]
                return Tensor(offsets.map(Int64.init)).cast(to: tensor.dtype)
            }
        },
        gradient: .notDifferentiable)

    /// `tf.shape_n`: the shapes of N tensors, one output each.
    static let shapeN = OpDefinition(
        "ShapeN",
        inputs: [.inputs("input", type: "T", count: "N")],
        attributes: [.attr("N"), .type("T"), .type("out_type", DType.integer, default: .int32)],
        shape: { context in
            // Shape's rule, once per input.
            try context.inputs.indices.map { index in
                try shape.shape(
                    InferenceContext(
                        node: context.node, op: context.op, attributes: context.attributes,
                        inputs: [context.inputs[index]]))[0]
            }
        },
        kernel: { context in
            let type = try context.attributes.type("out_type")
            return context.inputs.map { shapeTensor($0.shape, type) }
        },
        gradient: .notDifferentiable)

    /// The gradient of ops that only rearrange: the incoming gradient reshaped to the input's shape.
    static let reshapeGradient = Gradient.function { c in
        var result: [Output?] = [try c.graph.reshape(try c.gradient(), to: try c.graph.shape(c.input(0)))]
        result += Array(repeating: nil, count: c.node.inputs.count - 1)
        return result
    }

    /// `tf.broadcast_to`: the input repeated along dimensions of size 1 (or missing) up to `shape`.
    static let broadcastTo = OpDefinition(
        "BroadcastTo",
        inputs: [.input("input", type: "T"), .input("shape", type: "Tidx")],
        attributes: [.type("T"), .type("Tidx", DType.integer, default: .int32)],
        shape: { context in
            let target = try context.shape(fromTensorInput: 1, role: "shape")
            if case .failure(let failure) = Broadcasting.shape(context.inputs[0].shape, target) {
                throw context.error(failure.message(context.inputs[0].shape, target))
            }
            return [TensorInfo(context.inputs[0].dtype, target)]
        },
        kernel: { context in
            let input = context.inputs[0]
            guard let target = context.inputs[1].integers, target.count >= input.rank,
                  case .success(let shape) = Broadcasting.shape(input.shape, target), shape == target else {
                throw context.error("cannot broadcast \(describe(input.shape)) to \(context.inputs[1].integers ?? [])")
            }
            _ = try context.allocation(target, input.dtype)
            let steps = Broadcasting.strides(of: input.shape, broadcastTo: target)
            return [
                Tensor(
                    shape: target,
                    storage: input.storage.selecting(Layout.positions(resultShape: target, start: 0, steps: steps)))
            ]
        },
        gradient: .function { c in
            let graph = c.graph
            let axes = try graph.addNode("BroadcastGradientArgs", name: "BroadcastGradientArgs",
                                         inputs: [try graph.shape(c.input(0)), c.input(1)])
            let summed = try graph.addOutput(
                "Sum", name: "Sum", inputs: [try c.gradient(), axes[0]], attributes: ["keep_dims": .bool(true)])
            return [try graph.reshape(summed, to: try graph.shape(c.input(0))), nil]
        })

    /// The axes along which each of two broadcast operands was repeated, for summing gradients back.
    static let broadcastGradientArgs = OpDefinition(
        "BroadcastGradientArgs",
        inputs: [.input("s0", type: "T"), .input("s1", type: "T")],
        outputs: [.output("r0"), .output("r1")],
        attributes: [.type("T", DType.integer, default: .int32)],
        shape: { context in
            let dtype = context.inputs[0].dtype
            return [TensorInfo(dtype, Shape(unknownDimensions: 1)), TensorInfo(dtype, Shape(unknownDimensions: 1))]
        },
        kernel: { context in
            guard let a = context.inputs[0].integers, let b = context.inputs[1].integers else {
                throw context.error("shapes must be integers")
            }
            let rank = max(a.count, b.count)
            let x = Array(repeating: 1, count: rank - a.count) + a, y = Array(repeating: 1, count: rank - b.count) + b
            var rx: [Int] = [], ry: [Int] = []
            for axis in 0..<rank {
                switch (x[axis], y[axis]) {
                case (1, 1): rx.append(axis); ry.append(axis)
                case (1, _): rx.append(axis)
                case (_, 1): ry.append(axis)
                case let (p, q) where p != q: throw context.error("shapes \(a) and \(b) cannot broadcast")
                default: break
                }
            }
            let dtype = context.inputs[0].dtype
            return [Tensor(rx.map(Int64.init)).cast(to: dtype), Tensor(ry.map(Int64.init)).cast(to: dtype)]
        },
        gradient: .notDifferentiable)

    /// `tf.reshape`: the same elements under a new shape; one entry may be -1 (inferred).
    static let reshape = OpDefinition(
        "Reshape",
        inputs: [.input("tensor", type: "T"), .input("shape", type: "Tshape")],
        attributes: [.type("T"), .type("Tshape", DType.integer, default: .int32)],
        shape: { context in
            let input = context.inputs[0]
            let dtype = input.dtype
            if let requested = context.integers(ofInput: 1) {
                let count = input.shape.elementCount
                return [
                    TensorInfo(
                        dtype,
                        Shape(try resolveReshape(requested, elementCount: count, from: input.shape, context: context)))
                ]
            }
            return [TensorInfo(dtype, try context.shape(fromTensorInput: 1, role: "shape"))]
        },
        kernel: { context in
            let input = context.inputs[0]
            guard let requested = context.inputs[1].integers else { throw context.error("shape must be integers") }
            let dims = try resolveReshape(requested, elementCount: input.elementCount, from: Shape(input.shape),
                                          context: InferenceContext(kernel: context))
            return [input.reshaped(to: dims.map { $0 ?? 0 })]
        },
        gradient: reshapeGradient).storing(.inputView)

    /// Works out a reshape's dimensions, filling in one -1; `nil` entries when still unknown.
    static func resolveReshape(
        _ requested: [Int], elementCount: Int?, from shape: Shape, context: InferenceContext
    ) throws -> [Int?] {
        let inferred = requested.indices.filter { requested[$0] == -1 }
        guard inferred.count <= 1 else {
            throw context.invalid("shape \(requested) has more than one -1; only one dimension can be inferred")
        }
        if let bad = requested.first(where: { $0 < -1 }) {
            throw context.invalid("shape \(requested) has the negative size \(bad)")
        }
        guard let known = Limits.elementCount(requested.filter { $0 != -1 }) else {
            throw context.invalid("shape \(requested) has more elements than can be counted")
        }
        guard let elementCount else { return requested.map { $0 == -1 ? nil : $0 } }
        var result = requested.map { Optional($0) }
        if let axis = inferred.first {
            guard known > 0, elementCount % known == 0 else {
                throw context.error(
                    "cannot reshape \(shape) (\(elementCount) elements) into \(requested): \(elementCount) is not a "
                        + "multiple of \(known)",
                    fix: "make the known sizes multiply to a divisor of \(elementCount)")
            }
            result[axis] = elementCount / known
        } else if known != elementCount {
            throw context.error(
                "cannot reshape \(shape) (\(elementCount) elements) into \(requested) (\(known) elements)",
                fix: "the sizes must multiply to \(elementCount); use -1 for one size to infer it")
        }
        return result
    }

    /// Dimensions as an int32 or int64 vector, as Shape and ShapeN give them.
    static func shapeTensor(_ dims: [Int], _ type: DType) -> Tensor {
        type == .int32 ? Tensor(dims.map(Int32.init)) : Tensor(dims.map(Int64.init))
    }

    /// `tf.shape`: the input's dimensions as a vector.
    static let shape = OpDefinition(
        "Shape",
        inputs: [.input("input", type: "T")],
        attributes: [.type("T"), .type("out_type", DType.integer, default: .int32)],
        shape: { context in
            let type = try context.attributes.type("out_type")
            let input = context.inputs[0].shape
            if let dims = input.concrete {
                return [TensorInfo(constant: shapeTensor(dims, type))]
            }
            var info = TensorInfo(type, Shape([input.rank]))
            info.shapeValue = input.rank == nil ? nil : input
            return [info]
        },
        kernel: { context in
            [shapeTensor(context.inputs[0].shape, try context.attributes.type("out_type"))]
        },
        gradient: .notDifferentiable)

    /// `tf.stack`: N tensors of one shape joined along a new axis.
    static let pack = OpDefinition(
        "Pack",
        inputs: [.inputs("values", type: "T", count: "N")],
        attributes: [.type("T"), .attr("N"), .attr("axis", default: .int(0))],
        shape: { context in
            var merged = Shape.unknown
            for (index, input) in context.inputs.enumerated() {
                guard let next = merged.merged(with: input.shape) else {
                    throw context.error(
                        "input \(index) has shape \(input.shape), but earlier inputs have \(merged); stack needs one "
                            + "shape")
                }
                merged = next
            }
            guard let dtype = context.inputs.first?.dtype else { throw context.invalid("needs at least one input") }
            guard var dims = merged.dimensions else { return [TensorInfo(dtype, .unknown)] }
            let axis = try normalizedAxis(try context.attributes.int("axis"), rank: dims.count + 1, context: context)
            dims.insert(context.inputs.count, at: axis)
            var info = TensorInfo(dtype, Shape(dims))
            if dims.count == 1 {
                info.shapeValue = Shape(context.inputs.map { $0.shapeValue?.dimensions?.first ?? nil })
            }
            return [info]
        },
        kernel: { context in
            let first = context.inputs[0]
            let axis = try normalizedAxis(
                try context.attributes.int("axis"), rank: first.rank + 1, context: InferenceContext(kernel: context))
            let expanded = context.inputs.map { $0.reshaped(to: insert(1, at: axis, in: $0.shape)) }
            return [concatenate(expanded, axis: axis)]
        },
        gradient: .function { c in
            try c.graph.addNode("Unpack", name: "unstack", inputs: [try c.gradient()],
                attributes: ["num": .int(c.node.inputs.count), "axis": c.node.attributes["axis"] ?? .int(0)])
        })

    /// `tf.unstack`: splits a tensor along an axis into `num` tensors.
    static let unpack = OpDefinition(
        "Unpack",
        inputs: [.input("value", type: "T")],
        attributes: [.type("T"), .attr("num"), .attr("axis", default: .int(0))],
        shape: { context in
            let num = try context.outputCount(attribute: "num", minimum: 0)
            let input = context.inputs[0]
            guard var dims = input.shape.dimensions else {
                return Array(repeating: TensorInfo(input.dtype, .unknown), count: num)
            }
            let axis = try normalizedAxis(try context.attributes.int("axis"), rank: dims.count, context: context)
            if let size = dims[axis], size != num {
                throw context.error("cannot unstack \(size) slices along axis \(axis) into num = \(num) outputs",
                                    fix: "set num to \(size)")
            }
            dims.remove(at: axis)
            return Array(repeating: TensorInfo(input.dtype, Shape(dims)), count: num)
        },
        kernel: { context in
            let input = context.inputs[0]
            let axis = try normalizedAxis(
                try context.attributes.int("axis"), rank: input.rank, context: InferenceContext(kernel: context))
            var sliceShape = input.shape
            sliceShape[axis] = 1
            let strides = Layout.strides(input.shape)
            var resultShape = input.shape
            resultShape.remove(at: axis)
            return (0..<input.shape[axis]).map { index in
                let positions = Layout.positions(resultShape: sliceShape, start: index * strides[axis], steps: strides)
                return Tensor(shape: resultShape, storage: input.storage.selecting(positions))
            }
        },
        gradient: .function { c in
            let pieces = try c.node.outputs.indices.map { try c.gradient($0) }
            return [try c.graph.stack(pieces, axis: try c.attributes.int("axis"))]
        })

    /// `tf.transpose`: permutes the axes; result axis i is input axis perm[i].
    static let transpose = OpDefinition(
        "Transpose",
        inputs: [.input("x", type: "T"), .input("perm", type: "Tperm")],
        attributes: [.type("T"), .type("Tperm", DType.integer, default: .int32)],
        shape: { context in
            let input = context.inputs[0]
            guard let perm = context.integers(ofInput: 1) else {
                return [TensorInfo(input.dtype, input.shape.rank.map { Shape(unknownDimensions: $0) } ?? .unknown)]
            }
            if let dims = input.shape.dimensions {
                try checkPermutation(perm, rank: dims.count, context: context)
                return [TensorInfo(input.dtype, Shape(perm.map { dims[$0] }))]
            }
            return [TensorInfo(input.dtype, Shape(unknownDimensions: perm.count))]
        },
        kernel: { context in
            guard let perm = context.inputs[1].integers else { throw context.error("perm must be integers") }
            try checkPermutation(perm, rank: context.inputs[0].rank, context: InferenceContext(kernel: context))
            return [Layout.transpose(context.inputs[0], perm)]
        },
        gradient: .function { c in
            guard let perm = try c.graph.info(of: c.input(1)).value?.integers else {
                throw GraphError(
                    .unsupported, node: c.node.name, op: "Transpose",
                    message: "the gradient needs perm known while building")
            }
            var inverse = perm
            for (index, axis) in perm.enumerated() { inverse[axis] = index }
            return [try c.graph.transpose(try c.gradient(), permutation: inverse), nil]
        })

    /// `tf.math.invert_permutation`: the permutation that undoes `x` (`y[x[i]] = i`), which
    /// TensorFlow's gradient of a transpose writes when the permutation is computed (dynamic_rnn's).
    static let invertPermutation = OpDefinition(
        "InvertPermutation",
        inputs: [.input("x", type: "T")],
        attributes: [.type("T", DType.integer, default: .int32)],
        shape: { context in
            if let rank = context.inputs[0].shape.rank, rank != 1 {
                throw context.error("x must be a vector, but has shape \(context.inputs[0].shape)")
            }
            return [context.inputs[0]]
        },
        kernel: { context in
            let x = context.inputs[0]
            guard x.rank == 1, let perm = x.integers else { throw context.error("x must be an integer vector") }
            try checkPermutation(perm, rank: perm.count, context: InferenceContext(kernel: context))
            var inverse = perm
            for (index, value) in perm.enumerated() { inverse[value] = index }
            return [Tensor(inverse.map(Int64.init)).cast(to: x.dtype)]
        },
        gradient: .notDifferentiable)

    static func checkPermutation(_ perm: [Int], rank: Int, context: InferenceContext) throws {
        guard perm.count == rank, Set(perm) == Set(0..<rank) else {
            throw context.invalid("perm \(perm) is not a permutation of the input's \(rank) axes")
        }
    }

    /// `tf.expand_dims`: inserts a dimension of size 1 at `axis`.
    static let expandDims = OpDefinition(
        "ExpandDims",
        inputs: [.input("input", type: "T"), .input("dim", type: "Tdim")],
        attributes: [.type("T"), .type("Tdim", DType.integer, default: .int32)],
        shape: { context in
            let input = context.inputs[0]
            guard let dims = input.shape.dimensions, let axis = context.integers(ofInput: 1)?.first else {
                return [TensorInfo(input.dtype, input.shape.rank.map { Shape(unknownDimensions: $0 + 1) } ?? .unknown)]
            }
            let position = try normalizedAxis(axis, rank: dims.count + 1, context: context)
            var info = TensorInfo(input.dtype, Shape(insert(1, at: position, in: dims)))
            info.shapeValue = input.shapeValue
            return [info]
        },
        kernel: { context in
            let input = context.inputs[0]
            guard let axis = context.inputs[1].integers?.first else { throw context.error("dim must be an integer") }
            let position = try normalizedAxis(axis, rank: input.rank + 1, context: InferenceContext(kernel: context))
            return [input.reshaped(to: insert(1, at: position, in: input.shape))]
        },
        gradient: reshapeGradient).storing(.inputView)

    /// `tf.squeeze`: removes dimensions of size 1 (those in `squeeze_dims`, or all).
    static let squeeze = OpDefinition(
        "Squeeze",
        inputs: [.input("input", type: "T")],
        attributes: [.type("T"), .attr("squeeze_dims", default: .ints([]))],
        shape: { context in
            let input = context.inputs[0]
            guard let dims = input.shape.dimensions else { return [TensorInfo(input.dtype, .unknown)] }
            return [TensorInfo(input.dtype, Shape(try squeezed(dims, context: context)))]
        },
        kernel: { context in
            let input = context.inputs[0]
            let dims = try squeezed(input.shape.map { $0 }, context: InferenceContext(kernel: context))
            return [input.reshaped(to: dims.map { $0 ?? 1 })]
        },
        gradient: reshapeGradient).storing(.inputView)

    static func squeezed(_ dims: [Int?], context: InferenceContext) throws -> [Int?] {
        let axes = try Set(
            context.attributes.ints("squeeze_dims").map { try normalizedAxis($0, rank: dims.count, context: context) })
        var result: [Int?] = []
        for (axis, size) in dims.enumerated() {
            if axes.isEmpty {
                if size != 1 { result.append(size) }
            } else if axes.contains(axis) {
                if let size, size != 1 {
                    throw context.error("cannot squeeze dimension \(axis): its size is \(size), not 1")
                }
            } else {
                result.append(size)
            }
        }
        return result
    }

    /// `tf.concat`: N tensors joined along an existing axis.
    static let concatV2 = OpDefinition(
        "ConcatV2",
        inputs: [.inputs("values", type: "T", count: "N"), .input("axis", type: "Tidx")],
        attributes: [.type("T"), .attr("N"), .type("Tidx", DType.integer, default: .int32)],
        shape: { context in
            let values = Array(context.inputs.dropLast())
            guard let dtype = values.first?.dtype else {
                throw context.invalid("needs at least one tensor to concatenate")
            }
            guard let rank = values.lazy.compactMap(\.shape.rank).first else { return [TensorInfo(dtype, .unknown)] }
            guard let requestedAxis = context.integers(ofInput: values.count)?.first else {
                return [TensorInfo(dtype, Shape(unknownDimensions: rank))]
            }
            let axis = try normalizedAxis(requestedAxis, rank: rank, context: context)
            var result: [Int?] = Array(repeating: nil, count: rank)
            var total: Int? = 0
            for (index, value) in values.enumerated() {
                guard let dims = value.shape.dimensions else { total = nil; continue }
                guard dims.count == rank else {
                    throw context.error(
                        "input \(index) has shape \(value.shape), rank \(dims.count); every input must have rank "
                            + "\(rank)")
                }
                for a in 0..<rank where a != axis {
                    if let known = result[a], let size = dims[a], known != size {
                        throw context.error(
                            "input \(index) has shape \(value.shape), whose dimension \(a) is \(size), but earlier "
                                + "inputs have \(known); only axis \(axis) may differ",
                            fix: "make every dimension but \(axis) agree")
                    }
                    result[a] = result[a] ?? dims[a]
                }
                total = dims[axis].flatMap { size in
                    total.flatMap { $0.addingReportingOverflow(size).overflow ? nil : $0 + size }
                }
            }
            result[axis] = total
            var info = TensorInfo(dtype, Shape(result))
            if rank == 1 {
                let parts = values.map { $0.shapeValue?.dimensions }
                if parts.allSatisfy({ $0 != nil }) { info.shapeValue = Shape(parts.flatMap { $0! }) }
            }
            return [info]
        },
        kernel: { context in
            let values = Array(context.inputs.dropLast())
            guard let requested = context.inputs.last?.integers?.first else {
                throw context.error("axis must be an integer")
            }
            let axis = try normalizedAxis(requested, rank: values[0].rank, context: InferenceContext(kernel: context))
            return [concatenate(values, axis: axis)]
        },
        gradient: .function { c in
            // Slice each input's part back out, from ConcatOffset's offsets, as TensorFlow's _ConcatGradV2.
            let graph = c.graph, values = Array(c.node.inputs.dropLast())
            var axis = c.node.inputs.last!
            if let requested = try graph.info(of: axis).value?.integers?.first, requested < 0,
               let rank = try graph.inferredShape(of: values[0]).rank {
                axis = try graph.constant(Int32(requested + rank), name: "axis")
            }
            let shapes = try graph.addNode("ShapeN", name: "ShapeN", inputs: values)
            let offsets = try graph.addNode("ConcatOffset", name: "ConcatOffset", inputs: [axis] + shapes)
            let g = try c.gradient()
            var gradients: [Output?] = try zip(offsets, shapes).map { offset, shape in
                try graph.addOutput("Slice", name: "Slice", inputs: [g, offset, shape])
            }
            gradients.append(nil)
            return gradients
        })

    /// Joins tensors whose shapes agree except along `axis`: for each index before the axis, each
    /// input's block after it is copied whole (DenseNet joins dozens of large tensors per image).
    static func concatenate(_ values: [Tensor], axis: Int) -> Tensor {
        var shape = values[0].shape
        shape[axis] = values.reduce(0) { $0 + $1.shape[axis] }
        let outer = shape[..<axis].reduce(1, *), count = shape.reduce(1, *)
        func join<T: TensorScalar>(_ arrays: [[T]]) -> Tensor {
            let blocks = values.map { $0.shape[axis...].reduce(1, *) }
            return Tensor(shape: shape, scalars: [T](unsafeUninitializedCapacity: count) { out, initialized in
                var target = out.baseAddress
                for o in 0..<outer {
                    for (array, block) in zip(arrays, blocks) where block > 0 {
                        array.withUnsafeBufferPointer { source in
                            target!.initialize(from: source.baseAddress! + o * block, count: block)
                        }
                        target! += block
                    }
                }
                initialized = count
            })
        }
        switch values[0].dtype {
        case .float32: return join(values.map { $0.scalars(as: Float.self)! })
        case .float64: return join(values.map { $0.scalars(as: Double.self)! })
        case .int32: return join(values.map { $0.scalars(as: Int32.self)! })
        case .int64: return join(values.map { $0.scalars(as: Int64.self)! })
        case .bool: return join(values.map { $0.scalars(as: Bool.self)! })
        case .string, .resource, .variant: preconditionFailure("ConcatV2 takes no \(values[0].dtype) values")
        }
    }

    /// `tf.pad` with zeros: paddings is [rank, 2] of (before, after).
    static let pad = OpDefinition(
        "Pad",
        inputs: [.input("input", type: "T"), .input("paddings", type: "Tpaddings")],
        attributes: [.type("T"), .type("Tpaddings", DType.integer, default: .int32)],
        shape: { context in
            let input = context.inputs[0]
            guard let pads = context.integers(ofInput: 1) else {
                let rank = input.shape.rank ?? context.inputs[1].shape[0]
                return [TensorInfo(input.dtype, rank.map { Shape(unknownDimensions: $0) } ?? .unknown)]
            }
            guard let dims = input.shape.dimensions else {
                return [TensorInfo(input.dtype, Shape(unknownDimensions: pads.count / 2))]
            }
            try checkPaddings(pads, rank: dims.count, context: context)
            return [
                TensorInfo(
                    input.dtype,
                    Shape(dims.enumerated().map { axis, size in size.map { $0 + pads[2 * axis] + pads[2 * axis + 1] } })
                )
            ]
        },
        kernel: { context in
            let input = context.inputs[0]
            guard let pads = context.inputs[1].integers else { throw context.error("paddings must be integers") }
            try checkPaddings(pads, rank: input.rank, context: InferenceContext(kernel: context))
            let shape = input.shape.enumerated().map { $1 + pads[2 * $0] + pads[2 * $0 + 1] }
            _ = try context.allocation(shape, input.dtype)
            return [Layout.padded(input, pads: pads, into: shape)]
        },
        gradient: .function { c in
            // The gradient's interior: begin at each axis's padding before, size the input's shape.
            let graph = c.graph, index = try graph.dtype(of: c.input(1))
            let before = try graph.stridedSlice(c.input(1), [.all, .index(0)])
            let size = try graph.addOutput(
                "Shape", name: "Shape", inputs: [c.input(0)], attributes: ["out_type": .type(index)])
            return [try graph.addOutput("Slice", name: "Slice", inputs: [try c.gradient(), before, size]), nil]
        })

    static func checkPaddings(_ pads: [Int], rank: Int, context: InferenceContext) throws {
        guard pads.count == 2 * rank else {
            throw context.error(
                "paddings must be [\(rank), 2] for an input of rank \(rank), but holds \(pads.count) numbers")
        }
        guard pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 40 }) else {
            throw context.invalid("paddings \(pads) must be between 0 and 2^40")
        }
    }

    /// `tf.fill`: a tensor of shape `dims` with every element `value`.
    static let fill = OpDefinition(
        "Fill",
        inputs: [.input("dims", type: "index_type"), .input("value", type: "T")],
        attributes: [.type("T"), .type("index_type", DType.integer, default: .int32)],
        shape: { context in
            if let rank = context.inputs[1].shape.rank, rank != 0 {
                throw context.error("value must be a scalar, but has shape \(context.inputs[1].shape)")
            }
            let shape = try context.shape(fromTensorInput: 0, role: "dims")
            if let dims = context.integers(ofInput: 0), let negative = dims.first(where: { $0 < 0 }) {
                throw context.invalid("dims \(dims) has the negative size \(negative)")
            }
            return [TensorInfo(context.inputs[1].dtype, shape)]
        },
        kernel: { context in
            guard let dims = context.inputs[0].integers, dims.allSatisfy({ $0 >= 0 }) else {
                throw context.error("dims must be non-negative integers")
            }
            let count = try context.allocation(dims, context.inputs[1].dtype)
            return [
                Tensor(shape: dims, storage: context.inputs[1].storage.selecting(Array(repeating: 0, count: count)))
            ]
        },
        gradient: .function { c in
            guard let rank = try c.graph.inferredShape(of: c.output(0)).rank else {
                throw GraphError(
                    .unsupported, node: c.node.name, op: "Fill",
                    message: "the gradient needs the output's rank known while building")
            }
            return [nil, try c.graph.sum(try c.gradient(), axes: Array(0..<rank))]
        })

    /// `tf.zeros_like`.
    static let zerosLike = OpDefinition(
        "ZerosLike",
        inputs: [.input("x", type: "T")], attributes: [.type("T")],
        shape: { context in [TensorInfo(context.inputs[0].dtype, context.inputs[0].shape)] },
        kernel: { context in [Tensor(zeros: context.inputs[0].shape, dtype: context.inputs[0].dtype)] },
        gradient: .notDifferentiable)

    /// `tf.ones_like`.
    static let onesLike = OpDefinition(
        "OnesLike",
        inputs: [.input("x", type: "T")], attributes: [.type("T")],
        shape: { context in [TensorInfo(context.inputs[0].dtype, context.inputs[0].shape)] },
        kernel: { context in [Tensor(repeating: 1, shape: context.inputs[0].shape, dtype: context.inputs[0].dtype)] },
        gradient: .notDifferentiable)

    /// `tf.cast`: converts the elements to `DstT`.
    static let cast = OpDefinition(
        "Cast",
        inputs: [.input("x", type: "SrcT")],
        attributes: [.type("SrcT"), .type("DstT"), .attr("Truncate", default: .bool(false))],
        shape: { context in
            var info = TensorInfo(try context.attributes.type("DstT"), context.inputs[0].shape)
            info.shapeValue = info.dtype.isInteger ? context.inputs[0].shapeValue : nil
            return [info]
        },
        kernel: { context in [context.inputs[0].cast(to: try context.attributes.type("DstT"))] },
        gradient: .function { c in
            let source = try c.attributes.type("SrcT"), target = try c.attributes.type("DstT")
            guard source.isFloatingPoint && target.isFloatingPoint else { return [nil] }
            return [try c.graph.cast(try c.gradient(), to: source)]
        })
}

/// `axis` counted from the end when negative; an error when outside `-rank..<rank`.
func normalizedAxis(_ axis: Int, rank: Int, context: InferenceContext) throws -> Int {
    guard axis >= -rank, axis < rank else {
        throw context.invalid("axis \(axis) is out of range for rank \(rank) (it must be in \(-rank)..<\(rank))")
    }
    return axis < 0 ? axis + rank : axis
}

/// `dims` with `value` inserted at `position`.
func insert<T>(_ value: T, at position: Int, in dims: [T]) -> [T] {
    var result = dims
    result.insert(value, at: position)
    return result
}

extension Graph {
    /// The same elements under a new shape, `tf.reshape` (TensorFlow op `Reshape`); one size may be -1.
    public func reshape(_ x: Output, to shape: [Int], name: String? = nil) throws -> Output {
        try withNameScope(name ?? "Reshape") {
            try reshape(x, to: try constant(Tensor(shape.map(Int32.init)), name: "shape"), name: currentScope)
        }
    }

    /// The same elements under a shape computed in the graph.
    public func reshape(_ x: Output, to shape: Output, name: String? = nil) throws -> Output {
        try addOutput("Reshape", name: name, inputs: [x, shape])
    }

    /// The dimensions of `x` as an int32 vector computed when running, `tf.shape` (TensorFlow op `Shape`).
    public func shape(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("Shape", name: name, inputs: [x])
    }

    /// Tensors of one shape joined along a new axis, `tf.stack` (TensorFlow op `Pack`).
    public func stack(_ values: [Output], axis: Int = 0, name: String? = nil) throws -> Output {
        try addOutput("Pack", name: name ?? "stack", inputs: values, attributes: ["axis": .int(axis)])
    }

    /// `x` split along `axis` into its slices, `tf.unstack` (TensorFlow op `Unpack`).
    public func unstack(_ x: Output, axis: Int = 0, name: String? = nil) throws -> [Output] {
        guard let rank = try inferredShape(of: x).rank,
              let count = try inferredShape(of: x)[axis < 0 ? axis + rank : axis] else {
            throw GraphError(
                .invalidShape, op: "Unpack", message: "unstack needs the size of axis \(axis), which is unknown")
        }
        return try addNode(
            "Unpack", name: name ?? "unstack", inputs: [x], attributes: ["num": .int(count), "axis": .int(axis)])
    }

    /// The axes of `x` permuted, `tf.transpose` (TensorFlow op `Transpose`): result axis i is axis `permutation[i]`.
    public func transpose(_ x: Output, permutation: [Int], name: String? = nil) throws -> Output {
        try withNameScope(name ?? "transpose") {
            try addOutput(
                "Transpose", name: currentScope,
                inputs: [x, try constant(Tensor(permutation.map(Int32.init)), name: "perm")])
        }
    }

    /// `x` with a size-1 dimension inserted at `axis`, `tf.expand_dims` (TensorFlow op `ExpandDims`).
    public func expandDims(_ x: Output, axis: Int, name: String? = nil) throws -> Output {
        try withNameScope(name ?? "ExpandDims") {
            try addOutput("ExpandDims", name: currentScope, inputs: [x, try constant(Int32(axis), name: "dim")])
        }
    }

    /// `x` without the size-1 dimensions `axes` (all when empty), `tf.squeeze` (TensorFlow op `Squeeze`).
    public func squeeze(_ x: Output, axes: [Int] = [], name: String? = nil) throws -> Output {
        try addOutput("Squeeze", name: name, inputs: [x], attributes: ["squeeze_dims": .ints(axes)])
    }

    /// Tensors joined along `axis`, `tf.concat` (TensorFlow op `ConcatV2`).
    public func concat(_ values: [Output], axis: Int, name: String? = nil) throws -> Output {
        try withNameScope(name ?? "concat") {
            try addOutput("ConcatV2", name: currentScope, inputs: values + [try constant(Int32(axis), name: "axis")])
        }
    }

    /// `x` padded with zeros, `tf.pad` (TensorFlow op `Pad`): one (before, after) pair per dimension.
    public func pad(_ x: Output, paddings: [(before: Int, after: Int)], name: String? = nil) throws -> Output {
        let values = paddings.flatMap { [Int32($0.before), Int32($0.after)] }
        return try withNameScope(name ?? "Pad") {
            let pads = try constant(Tensor(shape: [paddings.count, 2], scalars: values), name: "paddings")
            return try addOutput("Pad", name: currentScope, inputs: [x, pads])
        }
    }

    /// A tensor of shape `dims` filled with the scalar `value`, `tf.fill` (TensorFlow op `Fill`).
    public func fill(dims: Output, value: Output, name: String? = nil) throws -> Output {
        try addOutput("Fill", name: name, inputs: [dims, value])
    }

    /// Zeros shaped like `x`, `tf.zeros_like` (TensorFlow op `ZerosLike`).
    public func zerosLike(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("ZerosLike", name: name, inputs: [x])
    }

    /// Ones shaped like `x`, `tf.ones_like` (TensorFlow op `OnesLike`).
    public func onesLike(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("OnesLike", name: name, inputs: [x])
    }

    /// `x` converted to `dtype`, `tf.cast` (TensorFlow op `Cast`).
    public func cast(_ x: Output, to dtype: DType, name: String? = nil) throws -> Output {
        try addOutput("Cast", name: name, inputs: [x], attributes: ["DstT": .type(dtype)])
    }
}
