/// GatherNd and ScatterNd: slices addressed by index tuples (the last axis of `indices` holds
/// one coordinate per leading axis of the indexed tensor). Each is the other's gradient.
enum NdIndexingOps {
    static let definitions = [gatherNd, scatterNd]

    /// `tf.gather_nd(params, indices)`: for each index tuple, the slice of `params` it addresses;
    /// the result has shape `indices.shape[:-1] + params.shape[r:]` for tuples of length `r`.
    static let gatherNd = OpDefinition(
        "GatherNd",
        inputs: [.input("params", type: "Tparams"), .input("indices", type: "Tindices")],
        attributes: [.type("Tparams"), .type("Tindices", DType.integer),
                     .string("bad_indices_policy", ["", "DEFAULT", "ERROR", "IGNORE"], default: "")],
        shape: gatheredInfo,
        kernel: { context in
            let params = context.inputs[0], indices = context.inputs[1]
            _ = try gatheredInfo(InferenceContext(kernel: context))
            let sliceShape = Array(params.shape[indices.shape.last!...]), sliceSize = sliceShape.reduce(1, *)
            let offsets = try sliceOffsets(indices, into: params.shape, context, role: "param shape")
            var positions: [Int] = []
            positions.reserveCapacity(offsets.count * sliceSize)
            for offset in offsets {
                // An ignored bad tuple (bad_indices_policy IGNORE) gathers zeros, as TensorFlow does.
                guard let offset else { positions += repeatElement(-1, count: sliceSize); continue }
                positions += (offset * sliceSize)..<((offset + 1) * sliceSize)
            }
            let shape = Array(indices.shape.dropLast()) + sliceShape
            return [Tensor(shape: shape, storage: params.storage.selecting(positions))]
        },
        gradient: .function { c in
            // The gradient scattered back to the addressed slices, as TensorFlow's _GatherNdGrad.
            let graph = c.graph, indices = c.input(1)
            let shape = try graph.addOutput("Shape", name: "Shape", inputs: [c.input(0)],
                                            attributes: ["out_type": .type(try graph.dtype(of: indices))])
            return [try graph.addOutput("ScatterNd", name: "ScatterNd", inputs: [indices, try c.gradient(), shape]),
                    nil]
        })

    /// `tf.scatter_nd(indices, updates, shape)`: zeros of `shape` into which each slice of
    /// `updates` is added at the position its index tuple addresses (repeated tuples add up).
    static let scatterNd = OpDefinition(
        "ScatterNd",
        inputs: [.input("indices", type: "Tindices"), .input("updates", type: "T"), .input("shape", type: "Tindices")],
        attributes: [.type("T", DType.numeric), .type("Tindices", DType.integer),
                     .string("bad_indices_policy", ["", "DEFAULT", "ERROR", "IGNORE"], default: "")],
        shape: { context in
            let output = try context.shape(fromTensorInput: 2, role: "shape")
            if let dims = output.dimensions, let bad = dims.first(where: { ($0 ?? 0) < 0 }) {
                throw context.invalid("shape \(output) holds \(bad!); sizes must be at least 0")
            }
            try checkScatter(context, output: output)
            return [TensorInfo(context.inputs[1].dtype, output)]
        },
        kernel: { context in
            let indices = context.inputs[0], updates = context.inputs[1]
            guard let shape = context.inputs[2].integers else { throw context.error("shape must be integers") }
            let count = try context.allocation(shape, updates.dtype)
            try checkScatter(InferenceContext(kernel: context), output: Shape(shape))
            let length = indices.shape.last!, sliceSize = shape[length...].reduce(1, *)
            let offsets = try sliceOffsets(indices, into: shape, context, role: "shape")
            func scatter<T: NumericScalar>(_ values: [T]) -> Tensor {
                var result = [T](repeating: 0, count: count)
                for (slice, offset) in offsets.enumerated() {
                    guard let offset else { continue }  // an ignored bad tuple adds nothing
                    for k in 0..<sliceSize { result[offset * sliceSize + k] += values[slice * sliceSize + k] }
                }
                return Tensor(shape: shape, scalars: result)
            }
            switch updates.storage {
            case .float32(let values): return [scatter(values)]
            case .float64(let values): return [scatter(values)]
            case .int32(let values): return [scatter(values)]
            case .int64(let values): return [scatter(values)]
            case .bool, .string, .resource, .variant: throw context.error("cannot add \(updates.dtype) values")
            }
        },
        gradient: .function { c in
            // Each update's gradient is the slice of the output's gradient it was added to.
            [nil, try c.graph.addOutput("GatherNd", name: "GatherNd", inputs: [try c.gradient(), c.input(0)]), nil]
        })

    /// GatherNd's output: `indices.shape[:-1] + params.shape[r:]` for index tuples of length `r`.
    static func gatheredInfo(_ context: InferenceContext) throws -> [TensorInfo] {
        let params = context.inputs[0].shape, indices = context.inputs[1].shape, dtype = context.inputs[0].dtype
        guard let tuples = indices.dimensions, let dims = params.dimensions else {
            return [TensorInfo(dtype, .unknown)]
        }
        guard let length = try tupleLength(tuples, context) else { return [TensorInfo(dtype, .unknown)] }
        guard length <= dims.count else {
            throw context.error("index tuples of length \(length) cannot address params of rank \(dims.count)",
                                fix: "make the last dimension of indices at most \(dims.count)")
        }
        return [TensorInfo(dtype, Shape(Array(tuples.dropLast()) + Array(dims[length...])))]
    }

    /// The length of the index tuples (the last dimension of `indices`), when known.
    static func tupleLength(_ indices: [Int?], _ context: InferenceContext) throws -> Int? {
        guard let length = indices.last else {
            throw context.error("indices must have rank at least 1, but is a scalar",
                                fix: "put the index tuple in a vector")
        }
        return length
    }

    /// ScatterNd's shape rule: `updates.shape == indices.shape[:-1] + shape[r:]` for tuples of
    /// length `r`.
    static func checkScatter(_ context: InferenceContext, output: Shape) throws {
        let (indices, updates) = (context.inputs[0].shape, context.inputs[1].shape)
        guard let tuples = indices.dimensions, let length = try tupleLength(tuples, context),
              let dims = output.dimensions, let updateDims = updates.dimensions else { return }
        guard length <= dims.count else {
            throw context.error("index tuples of length \(length) cannot address an output of shape \(output)",
                                fix: "make the last dimension of indices at most \(dims.count)")
        }
        let expected = Shape(Array(tuples.dropLast()) + Array(dims[length...]))
        guard Shape(updateDims).isCompatible(with: expected) else {
            throw context.error("updates have shape \(updates), but indices \(indices) and shape \(output) "
                                + "need updates of shape \(expected)",
                                fix: "give one update slice of shape \(Shape(Array(dims[length...]))) per index tuple")
        }
    }

    /// The row-major offset, counted in slices, of the slice each index tuple addresses, or the
    /// error naming the first tuple that falls outside `shape`, as TensorFlow's CPU kernels word it;
    /// with `bad_indices_policy` IGNORE, `nil` for such a tuple instead.
    static func sliceOffsets(_ indices: Tensor, into shape: [Int], _ context: KernelContext,
                             role: String) throws -> [Int?] {
        guard let coordinates = indices.integers, let length = indices.shape.last else {
            throw context.error("indices must be integers of rank at least 1")
        }
        let count = indices.shape.dropLast().reduce(1, *)
        let ignoresBadTuples = try context.attributes.string("bad_indices_policy") == "IGNORE"
        var offsets: [Int?] = []
        offsets.reserveCapacity(count)
        for tuple in 0..<count {
            var offset = 0, inside = true
            for axis in 0..<length {
                let index = coordinates[tuple * length + axis]
                guard index >= 0, index < shape[axis] else {
                    if ignoresBadTuples { inside = false; break }
                    let found = coordinates[(tuple * length)..<((tuple + 1) * length)].map(String.init)
                    throw context.error("indices[\(tuple)] = [\(found.joined(separator: ", "))] does not index into "
                                        + "\(role) \(describe(shape))",
                                        fix: "keep every index tuple within the \(role)")
                }
                offset = offset * shape[axis] + index
            }
            offsets.append(inside ? offset : nil)
        }
        return offsets
    }
}

extension Graph {
    /// The slices of `params` addressed by the index tuples in the last axis of `indices`,
    /// `tf.gather_nd` (TensorFlow op `GatherNd`).
    public func gatherND(_ params: Output, indices: Output, name: String? = nil) throws -> Output {
        try addOutput("GatherNd", name: name, inputs: [params, indices])
    }

    /// Zeros of `shape` with `updates` added at the slices `indices` address, `tf.scatter_nd`
    /// (TensorFlow op `ScatterNd`).
    public func scatterND(indices: Output, updates: Output, shape: Output, name: String? = nil) throws -> Output {
        try addOutput("ScatterNd", name: name, inputs: [indices, updates, shape])
    }
}
