/// Where each element of a mirror-padded tensor comes from: along each axis, positions before the
/// input reflect back into it (REFLECT leaves the edge out, SYMMETRIC repeats it), as do positions
/// after it. MirrorPad gathers along these sources, and MirrorPadGrad adds back along them.
struct MirrorPadding: Sendable {
    let inputShape: [Int]
    let paddings: [(before: Int, after: Int)]
    /// REFLECT (true) or SYMMETRIC (false).
    let reflect: Bool

    var outputShape: [Int] { zip(inputShape, paddings).map { $0 + $1.before + $1.after } }

    /// For each axis, the input offset (index · stride) that each padded position reads.
    private var sourceOffsets: [[Int]] {
        var stride = 1
        var offsets: [[Int]] = []
        for (size, pad) in zip(inputShape, paddings).reversed() {
            offsets.append((0..<(size + pad.before + pad.after)).map { position in
                let i = position - pad.before
                let edge = reflect ? 0 : 1
                let mirrored = i < 0 ? -i - edge : i >= size ? 2 * size - 2 + edge - i : i
                return mirrored * stride
            })
            stride *= size
        }
        return offsets.reversed()
    }

    /// Calls `body` for each row of the padded tensor (all axes but the last, in order) with the
    /// input offset its elements' last-axis offsets add to.
    private func forEachRow(_ offsets: [[Int]], _ body: (Int) -> Void) {
        let leading = offsets.dropLast()
        let rows = leading.reduce(1) { $0 * $1.count }
        var index = [Int](repeating: 0, count: leading.count)
        for _ in 0..<rows {
            body(zip(leading, index).reduce(0) { $0 + $1.0[$1.1] })
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < leading[leading.startIndex + axis].count { break }
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// MirrorPad: the padded tensor's elements.
    func pad<T>(_ input: [T]) -> [T] {
        let offsets = sourceOffsets
        guard let last = offsets.last else { return input }
        let count = outputShape.reduce(1, *)
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBufferPointer { x in
                var o = 0
                forEachRow(offsets) { base in
                    for offset in last {
                        (out.baseAddress! + o).initialize(to: x[base + offset])
                        o += 1
                    }
                }
            }
            initialized = count
        }
    }

    /// MirrorPadGrad: each padded element's gradient added to the input element it came from.
    func gradient<T: NumericScalar>(_ padded: [T]) -> [T] {
        let offsets = sourceOffsets
        guard let last = offsets.last else { return padded }
        var result = [T](repeating: 0, count: inputShape.reduce(1, *))
        result.withUnsafeMutableBufferPointer { result in
            padded.withUnsafeBufferPointer { g in
                var index = 0
                forEachRow(offsets) { base in
                    for offset in last {
                        result[base + offset] += g[index]
                        index += 1
                    }
                }
            }
        }
        return result
    }
}
