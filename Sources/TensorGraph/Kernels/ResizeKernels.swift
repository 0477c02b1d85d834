/// The sampling of TensorFlow's image resizes along one axis, and the loops of ResizeBilinear,
/// ResizeNearestNeighbor and their gradients over NHWC images. Positions are computed in float32,
/// as TensorFlow's kernels compute them, so that the same source pixels are picked.
struct ResizeAxis: Sendable {
    /// Where output position `i` samples the input: between `lower` and `upper`, `lerp` of the way.
    struct Sample: Sendable {
        let lower: Int, upper: Int, lerp: Float
    }

    let inputSize: Int, outputSize: Int
    let alignCorners: Bool, halfPixelCenters: Bool

    /// Input pixels per output pixel: (in - 1) / (out - 1) with aligned corners, in / out otherwise
    /// (TensorFlow's `CalculateResizeScale`).
    var scale: Float {
        alignCorners && outputSize > 1
            ? Float(inputSize - 1) / Float(outputSize - 1)
            : Float(inputSize) / Float(outputSize)
    }

    /// Bilinear samples: half-pixel centers map output i to (i + 0.5)·scale − 0.5, the legacy rule to
    /// i·scale; the neighbours are that position's floor and ceiling, kept inside the input.
    var bilinearSamples: [Sample] {
        let scale = self.scale
        return (0..<outputSize).map { i in
            let position = halfPixelCenters ? (Float(i) + 0.5) * scale - 0.5 : Float(i) * scale
            let floor = position.rounded(.down)
            return Sample(lower: max(Int(floor), 0), upper: min(Int(position.rounded(.up)), inputSize - 1),
                          lerp: position - floor)
        }
    }

    /// Nearest-neighbour sources: (i + 0.5)·scale with half-pixel centers, i·scale otherwise, rounded
    /// half away from zero with aligned corners and down otherwise, kept inside the input.
    var nearestSources: [Int] {
        let scale = self.scale
        return (0..<outputSize).map { i in
            let position = halfPixelCenters ? (Float(i) + 0.5) * scale : Float(i) * scale
            let index = min(Int(alignCorners ? position.rounded(.toNearestOrAwayFromZero) : position.rounded(.down)),
                            inputSize - 1)
            return halfPixelCenters ? max(index, 0) : index
        }
    }
}

/// Resizing loops over NHWC images between `input` [N, H, W, C] and `output` [N, H', W', C].
struct ResizeGeometry: Sendable {
    let batch: Int, channels: Int
    let rows: ResizeAxis, columns: ResizeAxis

    var inputShape: [Int] { [batch, rows.inputSize, columns.inputSize, channels] }
    var outputShape: [Int] { [batch, rows.outputSize, columns.outputSize, channels] }

    /// Bilinear interpolation in float32: the top and bottom rows are blended across first, then
    /// down, in TensorFlow's order of operations.
    func bilinear(_ input: [Float]) -> [Float] {
        let ys = rows.bilinearSamples, xs = columns.bilinearSamples
        let (h, w, c) = (rows.inputSize, columns.inputSize, channels)
        let count = outputShape.reduce(1, *)
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBufferPointer { x in
                let sharedOut = UncheckedSendable(out)
                Parallel.forEachChunk(batch * rows.outputSize, work: count * 8) { lines in
                    for line in lines {
                        let (n, y) = (line / rows.outputSize, line % rows.outputSize)
                        let top = (n * h + ys[y].lower) * w, bottom = (n * h + ys[y].upper) * w, dy = ys[y].lerp
                        var o = line * columns.outputSize * c
                        for sample in xs {
                            let (l, r, dx) = (sample.lower * c, sample.upper * c, sample.lerp)
                            for k in 0..<c {
                                let topLeft = x[(top * c) + l + k], topRight = x[(top * c) + r + k]
                                let bottomLeft = x[(bottom * c) + l + k], bottomRight = x[(bottom * c) + r + k]
                                let upper = topLeft + (topRight - topLeft) * dx
                                let lower = bottomLeft + (bottomRight - bottomLeft) * dx
                                sharedOut.value[o] = upper + (lower - upper) * dy
                                o += 1
                            }
                        }
                    }
                }
            }
            initialized = count
        }
    }

    /// ResizeBilinearGrad: each output gradient spread back over the four input pixels it was blended
    /// from, with the same weights (products in float32, sums in `T`, as TensorFlow's kernel).
    func bilinearGradient<T: FloatingScalar>(_ gradient: [Float], as type: T.Type) -> [T] {
        let ys = rows.bilinearSamples, xs = columns.bilinearSamples
        let (h, w, c) = (rows.inputSize, columns.inputSize, channels)
        var result = [T](repeating: 0, count: inputShape.reduce(1, *))
        var g = 0
        for n in 0..<batch {
            for sy in ys {
                let top = (n * h + sy.lower) * w, bottom = (n * h + sy.upper) * w
                let (dy, ry) = (sy.lerp, 1 - sy.lerp)
                for sx in xs {
                    let (dx, rx) = (sx.lerp, 1 - sx.lerp)
                    let corners = [((top + sx.lower) * c, ry * rx), ((top + sx.upper) * c, ry * dx),
                                   ((bottom + sx.lower) * c, dy * rx), ((bottom + sx.upper) * c, dy * dx)]
                    for k in 0..<c {
                        for (base, weight) in corners { result[base + k] += T(gradient[g + k] * weight) }
                    }
                    g += c
                }
            }
        }
        return result
    }

    /// ResizeNearestNeighbor: each output pixel copies its source pixel's channels.
    func nearest<T>(_ input: [T]) -> [T] {
        let ys = rows.nearestSources, xs = columns.nearestSources
        let (h, w, c) = (rows.inputSize, columns.inputSize, channels)
        let count = outputShape.reduce(1, *)
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBufferPointer { x in
                let shared = UncheckedSendable(out)
                Parallel.forEachChunk(batch * ys.count, work: count) { lines in
                    for line in lines {
                        let (n, y) = (line / ys.count, line % ys.count)
                        var o = line * xs.count * c
                        for source in xs {
                            let from = x.baseAddress! + ((n * h + ys[y]) * w + source) * c
                            (shared.value.baseAddress! + o).initialize(from: from, count: c)
                            o += c
                        }
                    }
                }
            }
            initialized = count
        }
    }

    /// ResizeNearestNeighborGrad: each output gradient added to its source pixel.
    func nearestGradient<T: NumericScalar>(_ gradient: [T]) -> [T] {
        let ys = rows.nearestSources, xs = columns.nearestSources
        let (h, w, c) = (rows.inputSize, columns.inputSize, channels)
        var result = [T](repeating: 0, count: inputShape.reduce(1, *))
        var g = 0
        for n in 0..<batch {
            for y in ys {
                for x in xs {
                    let target = ((n * h + y) * w + x) * c
                    for k in 0..<c { result[target + k] += gradient[g + k] }
                    g += c
                }
            }
        }
        return result
    }
}
