import TensorGraphKernels

/// How a reduction op (Sum, Mean, Max, Min, Prod) combines values, and its loops: float32 over
/// adjacent axes through the vector kernels, everything else through a position table.
enum Reducer: Sendable {
    case sum, mean, max, min, product

    /// The vector kernels' operator (a mean is a sum divided afterwards), if they have one.
    var vectorOperator: tg_reduce_op? {
        switch self {
        case .sum, .mean: TG_REDUCE_SUM
        case .max: TG_REDUCE_MAX
        case .min: TG_REDUCE_MIN
        case .product: nil
        }
    }

    /// The reduction of `values` into `outputCount` results, value `i` going to `positions[i]`.
    func reduce<T: NumericScalar>(_ values: [T], positions: [Int], outputCount: Int) -> [T] {
        let initial: T
        switch self {
        case .sum, .mean: initial = 0
        case .product: initial = 1
        case .max: initial = T(converting: -.infinity)
        case .min: initial = T(converting: .infinity)
        }
        var result = [T](repeating: initial, count: outputCount)
        for (value, target) in zip(values, positions) {
            switch self {
            case .sum, .mean: result[target] += value
            case .product: result[target] *= value
            case .max: if value > result[target] || value != value { result[target] = value }
            case .min: if value < result[target] || value != value { result[target] = value }
            }
        }
        if self == .mean, outputCount > 0 {
            let count = T(converting: Double(values.count / outputCount))
            if values.count > 0 { result = result.map { T.quotient($0, count) } }
        }
        return result
    }
}

extension Reducer {
    /// float32 `values` of `shape` reduced over `axes` through the vector kernels, when the kernels
    /// have the operator and the axes are adjacent once size-1 axes are left out; `nil` otherwise.
    func reduce(_ values: [Float], shape: [Int], axes: Set<Int>) -> [Float]? {
        guard let op = vectorOperator, let (outer, length, inner) = Self.middleAxes(shape, axes), length > 0 else {
            return nil
        }
        var result = [Float](unsafeUninitializedCapacity: outer * inner) { out, initialized in
            values.withUnsafeBufferPointer {
                VectorReductions.reduce(op, $0, outer: outer, length: length, inner: inner, into: out)
            }
            initialized = outer * inner
        }
        if self == .mean { result.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] /= Float(length) } } }
        return result
    }

    /// The input seen as `[outer, length, inner]` with every reduced axis in the middle, when the
    /// reduced axes are adjacent once axes of size 1 are left out.
    static func middleAxes(_ shape: [Int], _ reduced: Set<Int>) -> (outer: Int, length: Int, inner: Int)? {
        var sizes = (outer: 1, length: 1, inner: 1), part = 0  // 0 outer, 1 reduced, 2 inner
        for (axis, size) in shape.enumerated() where size != 1 {
            if reduced.contains(axis) {
                guard part <= 1 else { return nil }
                part = 1
                sizes.length *= size
            } else if part == 0 {
                sizes.outer *= size
            } else {
                part = 2
                sizes.inner *= size
            }
        }
        return sizes
    }
}
