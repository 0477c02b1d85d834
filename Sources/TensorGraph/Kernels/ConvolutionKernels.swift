/// The sizes of one 2-D convolution in NHWC terms. The "image" side is the forward convolution's
/// input, the "grid" side its output; a transposed convolution maps grid to image.
struct ConvolutionGeometry: Sendable {
    var batch: Int
    var imageHeight: Int, imageWidth: Int, imageChannels: Int
    var gridHeight: Int, gridWidth: Int, gridChannels: Int
    var rows: WindowGeometry
    var columns: WindowGeometry

    var padTop: Int { rows.paddingBefore(input: imageHeight) }
    var padLeft: Int { columns.paddingBefore(input: imageWidth) }
    /// The length of one unrolled patch: kh·kw·imageChannels.
    var patchLength: Int { rows.kernel * columns.kernel * imageChannels }

    /// Whether every window's kernel columns fall inside the image side by side (no horizontal
    /// padding, no dilation): then each kernel row of a window is kw·imageChannels contiguous floats
    /// of the image, which a forward convolution reads as one tap (ResNet's 7×7 stem on 3 channels
    /// makes 7 taps of 21 floats instead of 49 of 3).
    var windowRowsAreContiguous: Bool {
        columns.dilation == 1 && padLeft == 0 && (gridWidth - 1) * columns.stride + columns.kernel <= imageWidth
    }
}

/// Convolution kernels on NHWC buffers with filters laid out [kh, kw, imageChannels, gridChannels].
enum ConvolutionKernels {
    /// How many images to unroll at once, so one matrix product covers several images while the
    /// unrolled patches stay near 4M elements (32 MiB in float64).
    static func imagesPerChunk(_ g: ConvolutionGeometry) -> Int {
        let perImage = max(1, g.gridHeight * g.gridWidth * g.patchLength)
        return max(1, min(g.batch, (4 << 20) / perImage))
    }

    /// Conv2D's float32 filter packed for `convolve(_:packed:_:)`; it depends on the filter alone.
    static func packedFilter(_ filter: [Float], _ g: ConvolutionGeometry) -> IndirectGemm.PackedWeights {
        filter.withUnsafeBufferPointer { IndirectGemm.pack(ConvolutionFilter(filter: $0.baseAddress!, g: g)) }
    }

    /// Conv2D in float32: image [N, H, W, C] → grid [N, OH, OW, O], one indirect matrix product
    /// that reads each patch straight from the image.
    static func convolve(_ image: [Float], packed: IndirectGemm.PackedWeights, _ g: ConvolutionGeometry) -> [Float] {
        let count = g.batch * g.gridHeight * g.gridWidth * g.gridChannels
        // Every output row is written once by the product, so the buffer starts uninitialized.
        return [Float](unsafeUninitializedCapacity: count) { grid, initialized in
            if count > 0 { convolve(image, packed: packed, g, into: grid.baseAddress!) }
            initialized = count
        }
    }

    /// Conv2D in float32 into `grid` (`accumulate`: added to what it holds), each output pixel
    /// finished by `epilogue`.
    static func convolve(_ image: [Float], packed: IndirectGemm.PackedWeights, _ g: ConvolutionGeometry,
                         into grid: UnsafeMutablePointer<Float>, accumulate: Bool = false, epilogue: Epilogue? = nil) {
        image.withUnsafeBufferPointer { image in
            // An empty image has no patch to read: its base address only stands in.
            let operands = ConvolutionOperands(image: image.baseAddress ?? UnsafePointer(grid), grid: grid, g)
            IndirectGemm.multiply(operands, weights: packed, accumulate: accumulate, epilogue: epilogue)
        }
    }

    /// Conv2DBackpropInput's float32 filter packed per stride phase for `transposeConvolve(_:packed:_:)`;
    /// it depends on the filter, strides and dilations alone.
    static func packedPhases(_ filter: [Float], _ g: ConvolutionGeometry) -> [IndirectGemm.PackedWeights] {
        filter.withUnsafeBufferPointer { filter in
            StridePhase.all(g).map {
                IndirectGemm.pack(TransposedConvolutionFilter(filter: filter.baseAddress!, g: g, phase: $0))
            }
        }
    }

    /// Conv2DBackpropInput (conv2d_transpose) in float32: grid [N, IH, IW, O] → image [N, H, W, C],
    /// one indirect matrix product per stride phase (`TransposedConvolutionPhase`): every image
    /// pixel gathers what reaches it, so nothing is zero-stuffed or scattered. Images go in chunks
    /// of about 1 MiB of input so that the phases find their input in cache.
    static func transposeConvolve(
        _ grid: [Float], packed: [IndirectGemm.PackedWeights], _ g: ConvolutionGeometry
    ) -> [Float] {
        let count = g.batch * g.imageHeight * g.imageWidth * g.imageChannels
        if grid.isEmpty || g.patchLength == 0 { return [Float](repeating: 0, count: count) }
        let gridImage = g.gridHeight * g.gridWidth * g.gridChannels
        let chunk = max(1, min(g.batch, (256 << 10) / max(1, gridImage)))
        let phases = StridePhase.all(g)
        // The phases together write every image pixel once, so the buffer starts uninitialized.
        return [Float](unsafeUninitializedCapacity: count) { image, initialized in
            grid.withUnsafeBufferPointer { grid in
                // Every phase of every chunk of images in one parallel region, chunk by chunk.
                let products = stride(from: 0, to: g.batch, by: chunk).flatMap { first in
                    zip(phases, packed).map { phase, weights in
                        (TransposedConvolutionPhase(grid: grid.baseAddress!, image: image.baseAddress!, g, phase: phase,
                                                    images: first..<min(g.batch, first + chunk)), weights)
                    }
                }
                IndirectGemm.multiply(products)
            }
            initialized = count
        }
    }

    /// Conv2D in float64 (gradient checks): image [N, H, W, C] → grid [N, OH, OW, O], by unrolling
    /// patches (im2col) for a chunk of images and one matrix product per chunk.
    static func convolve<T: FloatingScalar>(_ image: [T], filter: [T], _ g: ConvolutionGeometry) -> [T] {
        let gridPositions = g.gridHeight * g.gridWidth
        var grid = [T](repeating: 0, count: g.batch * gridPositions * g.gridChannels)
        if grid.isEmpty || image.isEmpty || filter.isEmpty { return grid }
        let chunk = imagesPerChunk(g), imageSize = g.imageHeight * g.imageWidth * g.imageChannels
        var patches = [T](repeating: 0, count: chunk * gridPositions * g.patchLength)
        image.withUnsafeBufferPointer { image in
            filter.withUnsafeBufferPointer { filter in
                grid.withUnsafeMutableBufferPointer { grid in
                    patches.withUnsafeMutableBufferPointer { patches in
                        let shared = UncheckedSendable((image.baseAddress!, patches.baseAddress!))
                        for first in stride(from: 0, to: g.batch, by: chunk) {
                            let count = min(chunk, g.batch - first)
                            Parallel.forEachChunk(count, work: count * gridPositions * g.patchLength) { images in
                                let (image, patches) = shared.value
                                for n in images {
                                    unroll(
                                        image + (first + n) * imageSize,
                                        into: patches + n * gridPositions * g.patchLength, g)
                                }
                            }
                            Gemm.multiply(m: count * gridPositions, n: g.gridChannels, k: g.patchLength,
                                          a: patches.baseAddress!, lda: g.patchLength,
                                          b: filter.baseAddress!, ldb: g.gridChannels,
                                          c: grid.baseAddress! + first * gridPositions * g.gridChannels,
                                          ldc: g.gridChannels)
                        }
                    }
                }
            }
        }
        return grid
    }

    /// Conv2DBackpropInput (conv2d_transpose) in float64: grid [N, IH, IW, O] → image [N, H, W, C]. Each grid
    /// position's contribution to every patch element is one matrix product per chunk of images;
    /// they are then added into place (col2im), so the zero-stuffed input is never built.
    static func transposeConvolve<T: FloatingScalar>(_ grid: [T], filter: [T], _ g: ConvolutionGeometry) -> [T] {
        let gridPositions = g.gridHeight * g.gridWidth
        var image = [T](repeating: 0, count: g.batch * g.imageHeight * g.imageWidth * g.imageChannels)
        if image.isEmpty || grid.isEmpty || filter.isEmpty { return image }
        let chunk = imagesPerChunk(g), imageSize = g.imageHeight * g.imageWidth * g.imageChannels
        var patches = [T](repeating: 0, count: chunk * gridPositions * g.patchLength)
        var filterTransposed = [T](repeating: 0, count: filter.count)
        filter.withUnsafeBufferPointer { filter in
            filterTransposed.withUnsafeMutableBufferPointer { target in
                Gemm.transpose(
                    filter.baseAddress!, rows: g.patchLength, columns: g.gridChannels, into: target.baseAddress!)
            }
        }
        grid.withUnsafeBufferPointer { grid in
            filterTransposed.withUnsafeBufferPointer { filterT in
                image.withUnsafeMutableBufferPointer { image in
                    patches.withUnsafeMutableBufferPointer { patches in
                        let shared = UncheckedSendable((image.baseAddress!, UnsafePointer(patches.baseAddress!)))
                        for first in stride(from: 0, to: g.batch, by: chunk) {
                            let count = min(chunk, g.batch - first)
                            Gemm.multiply(m: count * gridPositions, n: g.patchLength, k: g.gridChannels,
                                          a: grid.baseAddress! + first * gridPositions * g.gridChannels,
                                          lda: g.gridChannels,
                                          b: filterT.baseAddress!, ldb: g.patchLength,
                                          c: patches.baseAddress!, ldc: g.patchLength)
                            Parallel.forEachChunk(count, work: count * gridPositions * g.patchLength) { images in
                                let (image, patches) = shared.value
                                for n in images {
                                    fold(
                                        patches + n * gridPositions * g.patchLength,
                                        into: image + (first + n) * imageSize, g)
                                }
                            }
                        }
                    }
                }
            }
        }
        return image
    }

    /// Conv2DBackpropFilter: Σ over images of patchesᵀ · grid, a [kh·kw·C, O] matrix.
    static func filterGradient<T: FloatingScalar>(_ image: [T], grid: [T], _ g: ConvolutionGeometry) -> [T] {
        let gridPositions = g.gridHeight * g.gridWidth
        var filter = [T](repeating: 0, count: g.patchLength * g.gridChannels)
        if filter.isEmpty || image.isEmpty || grid.isEmpty || gridPositions == 0 { return filter }
        var patches = [T](repeating: 0, count: gridPositions * g.patchLength)
        var transposed = [T](repeating: 0, count: patches.count)
        image.withUnsafeBufferPointer { image in
            grid.withUnsafeBufferPointer { grid in
                filter.withUnsafeMutableBufferPointer { filter in
                    patches.withUnsafeMutableBufferPointer { patches in
                        transposed.withUnsafeMutableBufferPointer { transposed in
                            for n in 0..<g.batch {
                                unroll(
                                    image.baseAddress! + n * g.imageHeight * g.imageWidth * g.imageChannels,
                                    into: patches.baseAddress!, g)
                                Gemm.transpose(
                                    patches.baseAddress!, rows: gridPositions, columns: g.patchLength,
                                    into: transposed.baseAddress!)
                                Gemm.multiply(m: g.patchLength, n: g.gridChannels, k: gridPositions,
                                              a: transposed.baseAddress!, lda: gridPositions,
                                              b: grid.baseAddress! + n * gridPositions * g.gridChannels,
                                              ldb: g.gridChannels,
                                              c: filter.baseAddress!, ldc: g.gridChannels, accumulate: n > 0)
                            }
                        }
                    }
                }
            }
        }
        return filter
    }

    /// im2col: copies every patch of one image into a row of `patches`, zeros where the window
    /// hangs over the border.
    private static func unroll<T: FloatingScalar>(_ image: UnsafePointer<T>, into patches: UnsafeMutablePointer<T>,
                                                  _ g: ConvolutionGeometry) {
        let c = g.imageChannels
        forEachWindowCell(g) { patch, pixel in
            if let pixel {
                (patches + patch).update(from: image + pixel * c, count: c)
            } else {
                (patches + patch).update(repeating: 0, count: c)
            }
        }
    }

    /// col2im: adds every patch row back into the image positions it covers.
    private static func fold<T: FloatingScalar>(_ patches: UnsafePointer<T>, into image: UnsafeMutablePointer<T>,
                                                _ g: ConvolutionGeometry) {
        let c = g.imageChannels
        forEachWindowCell(g) { patch, pixel in
            guard let pixel else { return }
            let target = image + pixel * c, source = patches + patch
            for i in 0..<c { target[i] += source[i] }
        }
    }

    /// Visits every (grid position, kernel cell) pair with the offset of its channel run in the
    /// patch matrix and the image pixel under it (`nil` in the padding).
    @inline(__always)
    private static func forEachWindowCell(_ g: ConvolutionGeometry, _ visit: (_ patch: Int, _ pixel: Int?) -> Void) {
        var patch = 0
        for oy in 0..<g.gridHeight {
            for ox in 0..<g.gridWidth {
                for ky in 0..<g.rows.kernel {
                    let y = oy * g.rows.stride - g.padTop + ky * g.rows.dilation
                    for kx in 0..<g.columns.kernel {
                        let x = ox * g.columns.stride - g.padLeft + kx * g.columns.dilation
                        let inside = y >= 0 && y < g.imageHeight && x >= 0 && x < g.imageWidth
                        visit(patch, inside ? y * g.imageWidth + x : nil)
                        patch += g.imageChannels
                    }
                }
            }
        }
    }
}
