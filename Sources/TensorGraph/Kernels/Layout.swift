/// Moving elements between layouts without regard to their dtype: an op computes, for each
/// result element, which source element it copies, and `TensorStorage.selecting` does the copy
/// once for every dtype.
enum Layout {
    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// Source positions for a strided read: the result element at multi-index `idx` over
    /// `resultShape` reads source position `start + Σ idx[a]·steps[a]`.
    static func positions(resultShape: [Int], start: Int, steps: [Int]) -> [Int] {
        let count = resultShape.reduce(1, *)
        guard count > 0 else { return [] }
        let rank = resultShape.count
        if rank == 0 { return [start] }
        var result: [Int] = []
        result.reserveCapacity(count)
        var index = Array(repeating: 0, count: rank)
        var offset = start
        let innerSize = resultShape[rank - 1], innerStep = steps[rank - 1]
        while true {
            var position = offset
            for _ in 0..<innerSize {
                result.append(position)
                position += innerStep
            }
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                offset += steps[axis]
                if index[axis] < resultShape[axis] { break }
                offset -= steps[axis] * resultShape[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { break }
        }
        return result
    }

    /// The tensor with axes permuted: result axis `i` is source axis `permutation[i]`.
    static func transpose(_ tensor: Tensor, _ permutation: [Int]) -> Tensor {
        let sourceStrides = strides(tensor.shape)
        let shape = permutation.map { tensor.shape[$0] }
        let steps = permutation.map { sourceStrides[$0] }
        let positions = positions(resultShape: shape, start: 0, steps: steps)
        return Tensor(shape: shape, storage: tensor.storage.selecting(positions))
    }
}

extension TensorStorage {
    /// The elements at `positions`, in order; a position of -1 takes `fill` (converted to the dtype).
    func selecting(_ positions: [Int], fill: Double = 0) -> TensorStorage {
        func pick<T>(_ source: [T], _ fill: T) -> [T] {
            source.withUnsafeBufferPointer { source in positions.map { $0 < 0 ? fill : source[$0] } }
        }
        switch self {
        case .float32(let a): return .float32(pick(a, Float(fill)))
        case .float64(let a): return .float64(pick(a, fill))
        case .int32(let a): return .int32(pick(a, Int32(converting: fill)))
        case .int64(let a): return .int64(pick(a, Int64(converting: fill)))
        case .bool(let a): return .bool(pick(a, fill != 0))
        case .string(let a): return .string(pick(a, []))
        case .resource(let a): return .resource(positions.map { a[$0] })
        case .variant(let a): return .variant(positions.map { a[$0] })
        }
    }

    /// The elements of several storages of one dtype, one after another.
    static func concatenating(_ parts: [TensorStorage], dtype: DType) -> TensorStorage {
        switch dtype {
        case .float32: .float32(parts.flatMap { Float.scalars(in: $0) ?? [] })
        case .float64: .float64(parts.flatMap { Double.scalars(in: $0) ?? [] })
        case .int32: .int32(parts.flatMap { Int32.scalars(in: $0) ?? [] })
        case .int64: .int64(parts.flatMap { Int64.scalars(in: $0) ?? [] })
        case .bool: .bool(parts.flatMap { Bool.scalars(in: $0) ?? [] })
        case .string: .string(parts.flatMap(\.strings))
        case .resource: .resource(parts.flatMap(\.resourceHandles))
        case .variant: .variant(parts.flatMap(\.variants))
        }
    }

    /// The byte strings of a string storage; empty for any other.
    var strings: [[UInt8]] {
        guard case .string(let a) = self else { return [] }
        return a
    }

    /// The handles of a resource storage; empty for any other.
    var resourceHandles: [ResourceHandle] {
        guard case .resource(let a) = self else { return [] }
        return a
    }

    /// The values of a variant storage; empty for any other.
    var variants: [VariantValue] {
        guard case .variant(let a) = self else { return [] }
        return a
    }
}

extension Layout {
    /// `tensor` with `pads[2·axis]` zeros before and `pads[2·axis + 1]` after each axis, into
    /// `shape`: the output starts as zeros and each row of the input from its last padded axis on
    /// is copied whole.
    /// The tensor holds plain data (Pad's definition takes no other).
    static func padded(_ tensor: Tensor, pads: [Int], into shape: [Int]) -> Tensor {
        func pad<T: TensorScalar>(_ values: [T], zero: T) -> Tensor {
            let count = shape.reduce(1, *), rank = shape.count
            guard rank > 0 else { return tensor }
            guard !values.isEmpty else { return Tensor(shape: shape, scalars: [T](repeating: zero, count: count)) }
            // A row runs from the last padded axis to the end: the axes after it are not padded, so
            // it lies whole in the output too (an NHWC image padded in H and W copies 224 rows of
            // 224 pixels, not 50,176 runs of 3 channels).
            let last = (0..<rank).last { pads[2 * $0] + pads[2 * $0 + 1] > 0 } ?? 0
            let rowLength = tensor.shape[last...].reduce(1, *), outStrides = strides(shape)
            var index = [Int](repeating: 0, count: last)
            // Rows come in the output's order, so the zeros are the gaps between them: each element
            // is written once.
            let out = [T](unsafeUninitializedCapacity: count) { target, initialized in
                var written = 0
                values.withUnsafeBufferPointer { source in
                    for row in 0..<values.count / max(1, rowLength) {
                        var offset = pads[2 * last] * outStrides[last]
                        for axis in 0..<last { offset += (index[axis] + pads[2 * axis]) * outStrides[axis] }
                        (target.baseAddress! + written).initialize(repeating: zero, count: offset - written)
                        (target.baseAddress! + offset).initialize(from: source.baseAddress! + row * rowLength,
                                                                  count: rowLength)
                        written = offset + rowLength
                        var axis = last - 1
                        while axis >= 0 {
                            index[axis] += 1
                            if index[axis] < tensor.shape[axis] { break }
                            index[axis] = 0
                            axis -= 1
                        }
                    }
                }
                (target.baseAddress! + written).initialize(repeating: zero, count: count - written)
                initialized = count
            }
            return Tensor(shape: shape, scalars: out)
        }
        switch tensor.storage {
        case .float32(let a): return pad(a, zero: 0)
        case .float64(let a): return pad(a, zero: 0)
        case .int32(let a): return pad(a, zero: 0)
        case .int64(let a): return pad(a, zero: 0)
        case .bool(let a): return pad(a, zero: false)
        case .string, .resource, .variant: preconditionFailure("cannot pad a \(tensor.dtype) tensor")
        }
    }
}
