/// Ops that pick or repeat elements by index: GatherV2, DynamicStitch, Tile (the helper ops
/// TensorFlow's gradient code emits).
enum IndexingOps {
    static let definitions = [gatherV2, dynamicStitch, tile, unsortedSegmentSum]

    /// `tf.math.unsorted_segment_sum`: rows of `data` added into row `segment_ids[i]` of a
    /// result with `num_segments` rows.
    static let unsortedSegmentSum = OpDefinition(
        "UnsortedSegmentSum",
        inputs: [
            .input("data", type: "T"), .input("segment_ids", type: "Tindices"),
            .input("num_segments", type: "Tnumsegments")
        ],
        attributes: [
            .type("T", DType.numeric), .type("Tindices", DType.integer),
            .type("Tnumsegments", DType.integer, default: .int32)
        ],
        shape: { context in
            let data = context.inputs[0]
            let segments = context.integers(ofInput: 2)?.first
            guard let dims = data.shape.dimensions, let rank = context.inputs[1].shape.rank else {
                return [TensorInfo(data.dtype, .unknown)]
            }
            guard rank <= dims.count else { throw context.error("segment_ids has more dimensions than data") }
            return [TensorInfo(data.dtype, Shape([segments] + Array(dims[rank...])))]
        },
        kernel: { context in
            let data = context.inputs[0]
            guard let ids = context.inputs[1].integers, let segments = context.inputs[2].integers?.first,
                  segments >= 0 else {
                throw context.error("segment_ids and num_segments must be integers, num_segments at least 0")
            }
            let rank = context.inputs[1].rank
            guard Array(data.shape.prefix(rank)) == context.inputs[1].shape else {
                throw context.error("data must begin with segment_ids' shape")
            }
            let rowShape = Array(data.shape.dropFirst(rank)), rowSize = rowShape.reduce(1, *)
            _ = try context.allocation([segments] + rowShape, data.dtype)
            if let bad = ids.first(where: { $0 >= segments }) {
                throw context.error("segment id \(bad) is not below num_segments \(segments)")
            }
            let values = data.doubles
            var sums = [Double](repeating: 0, count: segments * rowSize)
            for (row, id) in ids.enumerated() where id >= 0 {
                for k in 0..<rowSize { sums[id * rowSize + k] += values[row * rowSize + k] }
            }
            return [Tensor(shape: [segments] + rowShape, scalars: sums).cast(to: data.dtype)]
        },
        gradient: .function { c in
            [
                try c.graph.addOutput(
                    "GatherV2", name: "GatherV2", inputs: [try c.gradient(), c.input(1), try c.graph.constant(Int32(0))]
                ), nil, nil
            ]
        })

    /// `tf.gather(params, indices, axis)`: slices of `params` along `axis` picked by `indices`.
    static let gatherV2 = OpDefinition(
        "GatherV2",
        inputs: [.input("params", type: "Tparams"), .input("indices", type: "Tindices"), .input("axis", type: "Taxis")],
        attributes: [.type("Tparams"), .type("Tindices", DType.integer), .type("Taxis", DType.integer),
                     .attr("batch_dims", default: .int(0))],
        shape: { context in
            guard try context.attributes.int("batch_dims") == 0 else {
                throw context.invalid("batch_dims other than 0 is not supported")
            }
            let params = context.inputs[0]
            guard let dims = params.shape.dimensions, let indices = context.inputs[1].shape.dimensions,
                  let requested = context.integers(ofInput: 2)?.first else {
                return [TensorInfo(params.dtype, .unknown)]
            }
            let axis = try normalizedAxis(requested, rank: dims.count, context: context)
            var info = TensorInfo(params.dtype, Shape(Array(dims[..<axis]) + indices + Array(dims[(axis + 1)...])))
            if dims.count == 1, let known = params.shapeValue?.dimensions, let picks = context.integers(ofInput: 1) {
                info.shapeValue = Shape(picks.map { $0 >= 0 && $0 < known.count ? known[$0] : nil })
            }
            return [info]
        },
        kernel: { context in
            let params = context.inputs[0]
            guard let indices = context.inputs[1].integers, let requested = context.inputs[2].integers?.first else {
                throw context.error("indices and axis must be integers")
            }
            let axis = try normalizedAxis(requested, rank: params.rank, context: InferenceContext(kernel: context))
            let size = params.shape[axis]
            if let bad = indices.first(where: { $0 < 0 || $0 >= size }) {
                throw context.error("index \(bad) is out of range for axis \(axis) of size \(size)")
            }
            let outer = params.shape[..<axis].reduce(1, *), inner = params.shape[(axis + 1)...].reduce(1, *)
            var positions: [Int] = []
            positions.reserveCapacity(outer * indices.count * inner)
            for o in 0..<outer {
                for index in indices { positions += ((o * size + index) * inner)..<((o * size + index + 1) * inner) }
            }
            let shape = Array(params.shape[..<axis]) + context.inputs[1].shape + Array(params.shape[(axis + 1)...])
            return [Tensor(shape: shape, storage: params.storage.selecting(positions))]
        },
        gradient: .function { c in
            // Rows picked along axis 0 sum back into their rows (TensorFlow's IndexedSlices, made dense).
            let graph = c.graph
            guard try graph.info(of: c.input(2)).value?.integers?.first == 0 else {
                throw GraphError(
                    .unsupported, node: c.node.name, op: "GatherV2",
                    message: "the gradient is only supported for axis 0")
            }
            let index = try graph.dtype(of: c.input(1))
            let paramsShape = try graph.addOutput(
                "Shape", name: "Shape", inputs: [c.input(0)], attributes: ["out_type": .type(index)])
            let rows = try graph.stridedSlice(paramsShape, [.range(0, 1)])
            let inner = try graph.stridedSlice(paramsShape, [.range(1, nil)])
            let count = try graph.addOutput(
                "Size", name: "Size", inputs: [c.input(1)], attributes: ["out_type": .type(index)])
            let values = try graph.reshape(
                try c.gradient(), to: try graph.concat([try graph.expandDims(count, axis: 0), inner], axis: 0))
            let ids = try graph.reshape(c.input(1), to: [-1])
            let segments = try graph.stridedSlice(rows, [.index(0)])
            return [
                try graph.addOutput("UnsortedSegmentSum", name: "UnsortedSegmentSum", inputs: [values, ids, segments]),
                nil, nil
            ]
        })

    /// `tf.dynamic_stitch`: interleaves `data[i]` into the result at positions `indices[i]`.
    static let dynamicStitch = OpDefinition(
        "DynamicStitch",
        inputs: [.inputs("indices", type: "Tindices", count: "N"), .inputs("data", type: "T", count: "N")],
        attributes: [.attr("N"), .type("T"), .type("Tindices", [.int32], default: .int32)],
        shape: { context in
            let n = context.inputs.count / 2
            let dtype = context.inputs[n].dtype
            var largest = -1
            for index in 0..<n {
                guard let values = context.integers(ofInput: index) else { return [TensorInfo(dtype, .unknown)] }
                largest = max(largest, values.max() ?? -1)
            }
            guard let first = context.inputs[n].shape.dimensions, let rank = context.inputs[0].shape.rank else {
                return [TensorInfo(dtype, .unknown)]
            }
            return [TensorInfo(dtype, Shape([largest + 1] + Array(first.dropFirst(rank))))]
        },
        kernel: { context in
            let n = context.inputs.count / 2
            var slices: [Int: (Int, Int)] = [:]  // result row → (data input, row within it)
            var largest = -1, rowShape: [Int] = []
            for part in 0..<n {
                guard let indices = context.inputs[part].integers else {
                    throw context.error("indices must be integers")
                }
                let data = context.inputs[n + part], rank = context.inputs[part].rank
                guard Array(data.shape.prefix(rank)) == context.inputs[part].shape else {
                    throw context.error("data \(n + part) must begin with the shape of indices \(part)")
                }
                rowShape = Array(data.shape.dropFirst(rank))
                for (row, index) in indices.enumerated() {
                    guard index >= 0 else { throw context.error("index \(index) is negative") }
                    slices[index] = (n + part, row)
                    largest = max(largest, index)
                }
            }
            let rowSize = rowShape.reduce(1, *)
            var positions: [Int] = [], bases: [Int] = [], base = 0
            for part in 0..<n { bases.append(base); base += context.inputs[n + part].elementCount }
            for index in 0...max(largest, -1) where largest >= 0 {
                guard let (input, row) = slices[index] else {
                    throw context.error("no data is stitched into row \(index)")
                }
                positions += (bases[input - n] + row * rowSize)..<(bases[input - n] + (row + 1) * rowSize)
            }
            let joined = TensorStorage.concatenating(
                context.inputs[n...].map(\.storage), dtype: context.inputs[n].dtype)
            return [Tensor(shape: [largest + 1] + rowShape, storage: joined.selecting(positions))]
        },
        gradient: .function { c in
            // Each data input gets the rows of the gradient its indices point at.
            let n = c.node.inputs.count / 2, g = try c.gradient()
            let data: [Output?] = try (0..<n).map { part in
                try c.graph.addOutput(
                    "GatherV2", name: "GatherV2", inputs: [g, c.input(part), try c.graph.constant(Int32(0))])
            }
            return Array(repeating: nil, count: n) + data
        })

    /// `tf.tile`: the input repeated `multiples[i]` times along each axis.
    static let tile = OpDefinition(
        "Tile",
        inputs: [.input("input", type: "T"), .input("multiples", type: "Tmultiples")],
        attributes: [.type("T"), .type("Tmultiples", DType.integer, default: .int32)],
        shape: { context in
            let input = context.inputs[0]
            guard let dims = input.shape.dimensions, let multiples = context.integers(ofInput: 1) else {
                return [TensorInfo(input.dtype, input.shape.rank.map { Shape(unknownDimensions: $0) } ?? .unknown)]
            }
            guard multiples.count == dims.count, multiples.allSatisfy({ $0 >= 0 }) else {
                throw context.invalid(
                    "multiples \(multiples) must hold one non-negative count per input dimension (\(dims.count))")
            }
            return [TensorInfo(input.dtype, Shape(zip(dims, multiples).map { d, m in d.map { $0 * m } }))]
        },
        kernel: { context in
            let input = context.inputs[0]
            guard let multiples = context.inputs[1].integers, multiples.count == input.rank,
                  multiples.allSatisfy({ $0 >= 0 }) else {
                throw context.error("multiples must hold one non-negative count per input dimension")
            }
            let shape = zip(input.shape, multiples).map { $0 * $1 }
            let count = try context.allocation(shape, input.dtype)
            let sourceStrides = Layout.strides(input.shape), outputStrides = Layout.strides(shape)
            var positions = [Int](repeating: 0, count: count)
            for out in 0..<count {
                var remainder = out, source = 0
                for axis in 0..<shape.count {
                    source += (remainder / outputStrides[axis]) % input.shape[axis] * sourceStrides[axis]
                    remainder %= outputStrides[axis]
                }
                positions[out] = source
            }
            return [Tensor(shape: shape, storage: input.storage.selecting(positions))]
        },
        gradient: .function { c in
            // Sum the tiles back: reshape to [m0, d0, m1, d1, ...] and sum the multiple axes, as TensorFlow's
            // _TileGrad.
            let graph = c.graph
            guard let rank = try c.inputShape(0).rank else {
                throw GraphError(
                    .unsupported, node: c.node.name, op: "Tile",
                    message: "the gradient needs the input's rank known while building")
            }
            let index = try graph.dtype(of: c.input(1))
            let inputShape = try graph.addOutput(
                "Shape", name: "Shape", inputs: [c.input(0)], attributes: ["out_type": .type(index)])
            let split = try graph.reshape(
                try graph.transpose(try graph.stack([c.input(1), inputShape]), permutation: [1, 0]), to: [-1])
            let tiles = try graph.reshape(try c.gradient(), to: try graph.cast(split, to: .int32))
            return [try graph.sum(tiles, axes: (0..<rank).map { 2 * $0 }), nil]
        })
}
