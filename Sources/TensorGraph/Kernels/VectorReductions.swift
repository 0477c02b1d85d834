import TensorGraphKernels

/// float32 reductions, pooling windows, softmax rows and per-channel scale-and-shift through the
/// vector kernels of the active instruction set, split over the cores when there is enough work.
enum VectorReductions {
    /// `op` over the middle axis of `x` seen as `[outer, length, inner]`, into `out` (`outer · inner`).
    static func reduce(_ op: tg_reduce_op, _ x: UnsafeBufferPointer<Float>, outer: Int, length: Int, inner: Int,
                       into out: UnsafeMutableBufferPointer<Float>) {
        guard let x = x.baseAddress, let out = out.baseAddress else { return }
        let reduce = InstructionSet.active.kernels.reduce!, shared = UncheckedSendable((x, out))
        Parallel.forEachChunk(outer, work: outer * length * inner) { range in
            let (x, out) = shared.value
            reduce(op, x + range.lowerBound * length * inner, range.count, length, inner,
                   out + range.lowerBound * inner)
        }
    }

    /// The mean of each channel of `values` (rows of `channels` floats) and the sum of squared
    /// deviations from it, which gives the variance without the cancellation of E[x²] − E[x]².
    static func moments(_ values: [Float], channels: Int) -> (mean: [Float], squaredDeviations: [Float]) {
        let rows = values.count / max(channels, 1)
        func sums(_ x: UnsafeBufferPointer<Float>) -> [Float] {
            [Float](unsafeUninitializedCapacity: channels) { out, initialized in
                reduce(TG_REDUCE_SUM, x, outer: 1, length: rows, inner: channels, into: out)
                if rows == 0 { out.initialize(repeating: 0) }
                initialized = channels
            }
        }
        let mean = values.withUnsafeBufferPointer { sums($0) }.map { $0 / Float(max(rows, 1)) }
        let deviations = [Float](unsafeUninitializedCapacity: values.count) { out, initialized in
            values.withUnsafeBufferPointer { x in
                mean.withUnsafeBufferPointer { mean in
                    VectorElementwise.combine(.squaredDifference, x, [rows, channels], mean, [channels], into: out,
                                              shape: [rows, channels])
                }
            }
            initialized = values.count
        }
        return (mean, deviations.withUnsafeBufferPointer { sums($0) })
    }

    /// Softmax (or log-softmax) of each row of `columns` floats of `x`, into `out`, which may be `x`'s buffer.
    static func softmax(_ x: UnsafeBufferPointer<Float>, columns: Int, logarithm: Bool,
                        into out: UnsafeMutableBufferPointer<Float>) {
        guard columns > 0, let base = x.baseAddress, let target = out.baseAddress else { return }
        let softmax = InstructionSet.active.kernels.softmax!, shared = UncheckedSendable((base, target))
        let rows = x.count / columns
        Parallel.forEachChunk(rows, work: x.count * 8) { range in
            let (x, out) = shared.value
            softmax(x + range.lowerBound * columns, out + range.lowerBound * columns, range.count, columns,
                    logarithm ? 1 : 0)
        }
    }

    /// Softmax (or log-softmax) of each row of `columns` values in any floating-point type, in plain
    /// loops: the float64 reference the vector kernel is tested against.
    static func softmax<T: FloatingScalar>(_ x: [T], columns: Int, logarithm: Bool) -> [T] {
        var y = x
        guard columns > 0 else { return y }
        for start in stride(from: 0, to: x.count, by: columns) {
            let row = start..<(start + columns)
            let top = x[row].max()!
            var total: T = 0
            for i in row { y[i] = T.exp(x[i] - top); total += y[i] }
            let logTotal = T.log(total) + top
            for i in row { y[i] = logarithm ? x[i] - logTotal : y[i] / total }
        }
        return y
    }

    /// `x · scale[c] + shift[c]` over rows of `scale.count` channels, into `out`, which may be `x`'s
    /// buffer; then `activation`, block by block while each block is in cache.
    static func scaleShift(_ x: UnsafeBufferPointer<Float>, scale: [Float], shift: [Float],
                           activation: (op: tg_unary_op, alpha: Float)? = nil,
                           into out: UnsafeMutableBufferPointer<Float>) {
        let channels = scale.count
        guard channels > 0, let base = x.baseAddress, let target = out.baseAddress else { return }
        let kernels = InstructionSet.active.kernels, scaleShift = kernels.scale_shift!, unary = kernels.unary!
        // About 64 KiB of rows at a time: written, then activated, before they leave the L2 cache.
        let blockRows = max(1, (16 << 10) / channels)
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                let shared = UncheckedSendable((base, target, scale.baseAddress!, shift.baseAddress!))
                Parallel.forEachChunk(x.count / channels, work: x.count) { range in
                    let (x, out, scale, shift) = shared.value
                    var row = range.lowerBound
                    while row < range.upperBound {
                        let rows = min(blockRows, range.upperBound - row), offset = row * channels
                        scaleShift(x + offset, scale, shift, out + offset, rows, channels)
                        if let activation {
                            unary(activation.op, out + offset, out + offset, rows * channels, activation.alpha)
                        }
                        row += rows
                    }
                }
            }
        }
    }

    /// Pools `image` [N, H, W, C] into `out` [N, OH, OW, C]: each output pixel is `op` over the
    /// input pixels `window(pixel, into:)` lists (it returns how many), times `1 / count` when
    /// `average`.
    static func pool(_ op: tg_reduce_op, average: Bool, _ image: UnsafeBufferPointer<Float>, channels: Int,
                     outputPixels: Int, maximumWindow: Int, into out: UnsafeMutableBufferPointer<Float>,
                     window: @escaping @Sendable (Int, UnsafeMutablePointer<Int>) -> Int) {
        guard channels > 0, let target = out.baseAddress else { return }
        guard let base = image.baseAddress else {
            // An empty image under explicit padding still has windows, each over nothing.
            return out.initialize(repeating: average ? 0 : -.infinity)
        }
        let pool = InstructionSet.active.kernels.pool!, shared = UncheckedSendable((base, target))
        Parallel.forEachChunk(outputPixels, work: outputPixels * maximumWindow * channels) { range in
            let (image, out) = shared.value
            let cells = UnsafeMutablePointer<Int>.allocate(capacity: maximumWindow)
            let sources = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: maximumWindow)
            defer { cells.deallocate(); sources.deallocate() }
            for pixel in range {
                let count = window(pixel, cells)
                for k in 0..<count { sources[k] = image + cells[k] * channels }
                pool(op, sources, count, channels, average ? 1 / Float(max(count, 1)) : 1, out + pixel * channels)
            }
        }
    }
}
