/// TopKV2: the `k` largest elements of each row (the last axis) and where they were.
enum SortingOps {
    static let definitions = [topKV2]

    /// `tf.math.top_k(input, k)` (TensorFlow op `TopKV2`): along the last axis, the `k` largest
    /// values in descending order and their indices, ties going to the lower index as in
    /// TensorFlow. With `sorted` false TensorFlow leaves the order unspecified; TensorGraph sorts.
    static let topKV2 = OpDefinition(
        "TopKV2",
        inputs: [.input("input", type: "T"), .input("k", type: "Tk")],
        outputs: [.output("values"), .output("indices")],
        attributes: [.attr("sorted", default: .bool(true)), .type("T", DType.numeric),
                     .type("Tk", DType.integer, default: .int32), .type("index_type", DType.integer, default: .int32)],
        shape: topKInfo,
        kernel: { context in
            let input = context.inputs[0]
            let outputs = try topKInfo(InferenceContext(kernel: context))
            guard let shape = outputs[0].shape.concrete, let k = shape.last else {
                throw context.error("k must be known")
            }
            let size = input.shape.last!, rows = size == 0 ? 0 : input.elementCount / size
            // Row by row in the input's own type (int64 past 2^53 compares exactly): descending by
            // value, NaN first, then ascending by index, so that ties keep TensorFlow's order.
            func choose<T: Comparable>(_ values: [T]) -> [Int] {
                var chosen: [Int] = []
                chosen.reserveCapacity(rows * k)
                for row in 0..<rows {
                    let base = row * size
                    let order = (0..<size).sorted { a, b in
                        let (x, y) = (values[base + a], values[base + b])
                        let (xNaN, yNaN) = (x != x, y != y)
                        if xNaN || yNaN { return xNaN != yNaN ? xNaN : a < b }
                        return x > y || (x == y && a < b)
                    }
                    chosen += order.prefix(k)
                }
                return chosen
            }
            let chosen: [Int]
            switch input.storage {
            case .float32(let values): chosen = choose(values)
            case .float64(let values): chosen = choose(values)
            case .int32(let values): chosen = choose(values)
            case .int64(let values): chosen = choose(values)
            case .bool, .string, .resource, .variant: throw context.error("top_k is not defined for \(input.dtype)")
            }
            let positions = chosen.enumerated().map { $0.offset / max(k, 1) * size + $0.element }
            let indices = chosen.map(Int64.init)
            let picked = Tensor(shape: shape, storage: input.storage.selecting(positions))
            return [picked, Tensor(shape: shape, scalars: indices).cast(to: outputs[1].dtype)]
        },
        gradient: .function { c in [try topKGradient(c), nil] })

    /// TopKV2's outputs: the input's shape with `k` as its last dimension, values then indices.
    static func topKInfo(_ context: InferenceContext) throws -> [TensorInfo] {
        let input = context.inputs[0], indexType = try context.attributes.type("index_type")
        if let rank = context.inputs[1].shape.rank, rank != 0 {
            throw context.error("k must be a scalar, but has shape \(context.inputs[1].shape)")
        }
        let k = context.integers(ofInput: 1)?.first
        if let k, k < 0 { throw context.invalid("k is \(k); it must be at least 0") }
        guard var dims = input.shape.dimensions else {
            return [TensorInfo(input.dtype, .unknown), TensorInfo(indexType, .unknown)]
        }
        guard let last = dims.indices.last else {
            throw context.error("input must have rank at least 1, but is a scalar", fix: "pass a vector or more")
        }
        if let k, let size = dims[last], size < k {
            throw context.error("cannot take the top \(k) of the last dimension, which has only \(size) elements",
                                fix: "use a k of at most \(size)")
        }
        dims[last] = k
        return [TensorInfo(input.dtype, Shape(dims)), TensorInfo(indexType, Shape(dims))]
        }

    /// The values' gradient scattered back to where each value came from, as TensorFlow's _TopKGrad:
    /// the indices are made flat across rows and ScatterNd places the gradient at them.
    static func topKGradient(_ c: GradientContext) throws -> Output {
        let graph = c.graph
        guard let rank = try c.inputShape(0).rank else {
            throw GraphError(.unsupported, node: c.node.name, op: "TopKV2",
                             message: "the gradient needs the input's rank known while building")
        }
        let inputShape = try graph.addOutput("Shape", name: "Shape", inputs: [c.input(0)],
                                             attributes: ["out_type": .type(.int64)])
        let columns = try graph.stridedSlice(inputShape, [.index(rank - 1)])
        let k = try graph.cast(c.input(1), to: .int64)
        let rows = try graph.reshape(try graph.cast(c.output(1), to: .int64),
                                     to: try graph.stack([try graph.constant(Int64(-1)), k]))
        let rowCount = try graph.stridedSlice(try graph.addOutput("Shape", name: "Shape_1", inputs: [rows],
                                                                  attributes: ["out_type": .type(.int64)]), [.index(0)])
        let rowStarts = try graph.range(start: try graph.constant(Int64(0)),
                                        limit: try graph.multiply(rowCount, columns),
                                        delta: try graph.maximum(columns, try graph.constant(Int64(1))))
        let flat = try graph.reshape(try graph.add(rows, try graph.expandDims(rowStarts, axis: 1)), to: [-1, 1])
        let total = try graph.reshape(try graph.reduceAll("Prod", inputShape), to: [1])
        let scattered = try graph.scatterND(indices: flat, updates: try graph.reshape(try c.gradient(0), to: [-1]),
                                            shape: total)
        return try graph.reshape(scattered, to: inputShape)
    }
}

extension Graph {
    /// The `k` largest values along the last axis and their indices, `tf.math.top_k` (TensorFlow
    /// op `TopKV2`).
    public func topK(_ x: Output, k: Int, name: String? = nil) throws -> (values: Output, indices: Output) {
        let outputs = try withNameScope(name ?? "TopKV2") {
            try addNode("TopKV2", name: currentScope, inputs: [x, try constant(Int32(k), name: "k")])
        }
        return (outputs[0], outputs[1])
    }
}
