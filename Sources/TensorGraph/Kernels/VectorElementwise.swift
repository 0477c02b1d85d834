import TensorGraphKernels

/// float32 elementwise arithmetic through the vector kernels of the active instruction set, split
/// over the cores when a tensor is large enough to pay for the threads.
enum VectorElementwise {
    /// `function(a, b)` with `a` of `aShape` and `b` of `bShape` broadcast into `shape`, written to
    /// `out`, which may be `a` or `b` when that operand has `shape`. The function must have a
    /// vector operator.
    static func combine(_ function: BinaryFunction, _ a: UnsafeBufferPointer<Float>, _ aShape: [Int],
                        _ b: UnsafeBufferPointer<Float>, _ bShape: [Int], into out: UnsafeMutableBufferPointer<Float>,
                        shape: [Int]) {
        guard let op = function.vectorOperator else { preconditionFailure("\(function) has no vector kernel") }
        guard let a = a.baseAddress, let b = b.baseAddress, let out = out.baseAddress else { return }
        let binary = InstructionSet.active.kernels.binary!
        let count = shape.reduce(1, *), shared = UncheckedSendable((a, b, out))
        let aCount = aShape.reduce(1, *), bCount = bShape.reduce(1, *)
        // One run over everything: equal shapes, or an operand of one element.
        if (aCount == count || aCount == 1) && (bCount == count || bCount == 1) {
            let aStep = aCount == 1 && count > 1 ? 0 : 1, bStep = bCount == 1 && count > 1 ? 0 : 1
            Parallel.forEachChunk(count, work: count) { range in
                let (a, b, out) = shared.value
                binary(op, a + range.lowerBound * aStep, aStep, b + range.lowerBound * bStep, bStep,
                       out + range.lowerBound, range.count)
            }
            return
        }
        let runs = BroadcastRuns(aShape, bShape, into: shape)
        Parallel.forEachChunk(runs.count, work: count) { range in
            let (a, b, out) = shared.value
            runs.forEach(in: range) { run, aOffset, bOffset in
                binary(op, a + aOffset, runs.aStep, b + bOffset, runs.bStep, out + run * runs.length, runs.length)
            }
        }
    }

    /// `op(x)` for each element of `x`, written to `out` (as long), which may be `x`'s buffer.
    static func apply(_ op: tg_unary_op, alpha: Float = 0, _ x: UnsafeBufferPointer<Float>,
                      into out: UnsafeMutableBufferPointer<Float>) {
        let count = x.count
        guard let x = x.baseAddress, let out = out.baseAddress else { return }
        let unary = InstructionSet.active.kernels.unary!
        let shared = UncheckedSendable((x, out))
        Parallel.forEachChunk(count, work: count) { range in
            let (x, out) = shared.value
            unary(op, x + range.lowerBound, out + range.lowerBound, range.count, alpha)
        }
    }
}
