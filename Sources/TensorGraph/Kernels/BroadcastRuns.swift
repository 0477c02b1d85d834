/// Two operands broadcast into a result shape, as runs: stretches of the result along which each
/// operand is either contiguous or one repeated value, so that a vector kernel can do each run in
/// one call. Axes of size 1 are dropped and neighbouring axes that broadcast alike are merged, so
/// `[8, 64, 64, 16] + [16]` is 16,384 runs of 16 and `[8, 64, 64, 16] + [8, 1, 1, 16]` is 8 × 4,096
/// runs of 16 with the second operand's offset stepping once per image.
struct BroadcastRuns {
    /// Elements per run, and each operand's step along a run (1 contiguous, 0 repeated).
    let length: Int, aStep: Int, bStep: Int
    /// The merged axes outside the run, and each operand's offset step along each.
    let outerShape: [Int], aOuterSteps: [Int], bOuterSteps: [Int]
    /// How many runs cover the result.
    let count: Int

    init(_ aShape: [Int], _ bShape: [Int], into shape: [Int]) {
        // Per kept axis: its size and whether each operand spans it (true) or repeats along it.
        var axes: [(size: Int, a: Bool, b: Bool)] = []
        for axis in shape.indices where shape[axis] != 1 {
            let a = Self.spans(aShape, axis, of: shape), b = Self.spans(bShape, axis, of: shape)
            if let last = axes.last, last.a == a, last.b == b {
                axes[axes.count - 1].size *= shape[axis]
            } else {
                axes.append((shape[axis], a, b))
            }
        }
        let inner = axes.popLast() ?? (1, true, true)
        (length, aStep, bStep) = (inner.size, inner.a ? 1 : 0, inner.b ? 1 : 0)
        outerShape = axes.map(\.size)
        // Offsets: an operand steps by everything it spans to the right of an axis it spans.
        var aSteps = [Int](repeating: 0, count: axes.count), bSteps = aSteps
        var aSpan = inner.a ? inner.size : 1, bSpan = inner.b ? inner.size : 1
        for axis in axes.indices.reversed() {
            if axes[axis].a { aSteps[axis] = aSpan; aSpan *= axes[axis].size }
            if axes[axis].b { bSteps[axis] = bSpan; bSpan *= axes[axis].size }
        }
        (aOuterSteps, bOuterSteps) = (aSteps, bSteps)
        count = outerShape.reduce(1, *)
    }

    /// Whether an operand of `operandShape` (aligned to the right of `shape`) has `shape`'s size at `axis`.
    private static func spans(_ operandShape: [Int], _ axis: Int, of shape: [Int]) -> Bool {
        let local = axis - (shape.count - operandShape.count)
        return local >= 0 && operandShape[local] == shape[axis]
    }

    /// Calls `body(run, aOffset, bOffset)` for each run in `runs`, in order; the run's result
    /// starts at `run * length`.
    func forEach(in runs: Range<Int>, _ body: (Int, Int, Int) -> Void) {
        guard !runs.isEmpty else { return }
        let rank = outerShape.count
        var index = [Int](repeating: 0, count: rank), a = 0, b = 0, rest = runs.lowerBound
        for axis in (0..<rank).reversed() {
            index[axis] = rest % outerShape[axis]
            rest /= outerShape[axis]
            a += index[axis] * aOuterSteps[axis]
            b += index[axis] * bOuterSteps[axis]
        }
        for run in runs {
            body(run, a, b)
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                a += aOuterSteps[axis]
                b += bOuterSteps[axis]
                if index[axis] < outerShape[axis] { break }
                a -= aOuterSteps[axis] * outerShape[axis]
                b -= bOuterSteps[axis] * outerShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
