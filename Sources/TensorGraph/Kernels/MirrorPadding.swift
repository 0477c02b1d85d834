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

    /// Calls `body` with the input index of each padded element, in the padded tensor's order.
    private func forEachSource(_ body: (Int) -> Void) {
        let offsets = sourceOffsets
        func visit(_ axis: Int, _ base: Int) {
            guard axis < offsets.count else { return body(base) }
            for offset in offsets[axis] { visit(axis + 1, base + offset) }
        }
        visit(0, 0)
    }

    /// MirrorPad: the padded tensor's elements.
    func pad<T>(_ input: [T]) -> [T] {
        var result: [T] = []
        result.reserveCapacity(outputShape.reduce(1, *))
        forEachSource { result.append(input[$0]) }
        return result
    }

    /// MirrorPadGrad: each padded element's gradient added to the input element it came from.
    func gradient<T: NumericScalar>(_ padded: [T]) -> [T] {
        var result = [T](repeating: 0, count: inputShape.reduce(1, *))
        var index = 0
        forEachSource { source in
            result[source] += padded[index]
            index += 1
        }
        return result
    }
}
