import TensorGraphKernels

/// The pooling windows over an NHWC image, and the loops of MaxPool, AvgPool and their gradients
/// over them: float32 pooling through the vector kernels, everything else in plain loops.
struct PoolingGeometry: Sendable {
    /// The NHWC input and output shapes.
    let inputShape: [Int], outputShape: [Int]
    let rows: WindowGeometry, columns: WindowGeometry

    var outputCount: Int { outputShape.reduce(1, *) }
    private var outputPixels: Int { outputShape[0] * outputShape[1] * outputShape[2] }

    /// Writes the input pixels (`(n · H + y) · W + x`) that output pixel `pixel`'s window covers to
    /// `cells`, and returns how many.
    @inline(__always)
    private func window(_ pixel: Int, _ cells: UnsafeMutablePointer<Int>) -> Int {
        let (h, w, oh, ow) = (inputShape[1], inputShape[2], outputShape[1], outputShape[2])
        let (n, oy, ox) = (pixel / (oh * ow), pixel / ow % oh, pixel % ow)
        let y0 = oy * rows.stride - rows.paddingBefore(input: h),
            x0 = ox * columns.stride - columns.paddingBefore(input: w)
        // A window in the explicit padding alone covers nothing (an empty range, not a reversed one).
        let top = max(y0, 0), left = max(x0, 0)
        var count = 0
        for y in top..<max(top, min(y0 + rows.kernel, h)) {
            for x in left..<max(left, min(x0 + columns.kernel, w)) {
                cells[count] = (n * h + y) * w + x
                count += 1
            }
        }
        return count
    }

    /// Calls `body(pixel, count, cells)` for every output pixel with the input pixels its window covers.
    private func forEachWindow(_ body: (Int, Int, UnsafePointer<Int>) -> Void) {
        let cells = UnsafeMutablePointer<Int>.allocate(capacity: max(1, rows.kernel * columns.kernel))
        defer { cells.deallocate() }
        for pixel in 0..<outputPixels { body(pixel, window(pixel, cells), cells) }
    }

    /// MaxPool or AvgPool in float32: each output pixel's window, all channels at once, through the
    /// vector kernel, split over the cores.
    func pool(_ image: [Float], average: Bool) -> [Float] {
        let channels = inputShape[3], pixels = outputPixels, geometry = self
        return [Float](unsafeUninitializedCapacity: pixels * channels) { out, initialized in
            image.withUnsafeBufferPointer { image in
                VectorReductions.pool(average ? TG_REDUCE_SUM : TG_REDUCE_MAX, average: average, image,
                                      channels: channels, outputPixels: pixels,
                                      maximumWindow: rows.kernel * columns.kernel, into: out) {
                    geometry.window($0, $1)
                }
            }
            initialized = pixels * channels
        }
    }

    /// MaxPool or AvgPool in any floating-point type, in plain loops (the float64 reference).
    func pool<T: FloatingScalar>(_ image: [T], average: Bool) -> [T] {
        let channels = inputShape[3]
        var out = [T](repeating: 0, count: outputCount)
        forEachWindow { pixel, count, cells in
            for c in 0..<channels {
                var acc: T = average ? 0 : -T.infinity
                for k in 0..<count {
                    let value = image[cells[k] * channels + c]
                    if average { acc += value } else if value > acc || value.isNaN { acc = value }
                }
                out[pixel * channels + c] = average ? acc / T(max(count, 1)) : acc
            }
        }
        return out
    }

    /// MaxPoolGrad: each output's gradient goes to the first largest input in its window.
    func maxPoolGradient(input: [Double], gradient: [Double]) -> [Double] {
        let channels = inputShape[3]
        var dx = [Double](repeating: 0, count: input.count)
        forEachWindow { pixel, count, cells in
            guard count > 0 else { return }
            for c in 0..<channels {
                var best = cells[0] * channels + c
                for k in 1..<count where input[cells[k] * channels + c] > input[best] { best = cells[k] * channels + c }
                dx[best] += gradient[pixel * channels + c]
            }
        }
        return dx
    }

    /// AvgPoolGrad: each output's gradient spread evenly over the inputs in its window.
    func averagePoolGradient(_ gradient: [Double]) -> [Double] {
        let channels = inputShape[3]
        var dx = [Double](repeating: 0, count: inputShape.reduce(1, *))
        forEachWindow { pixel, count, cells in
            for c in 0..<channels {
                let share = gradient[pixel * channels + c] / Double(max(count, 1))
                for k in 0..<count { dx[cells[k] * channels + c] += share }
            }
        }
        return dx
    }
}
