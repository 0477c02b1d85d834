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
}

/// Convolution kernels on NHWC buffers with filters laid out [kh, kw, imageChannels, gridChannels].
enum ConvolutionKernels {
    /// Conv2D: image [N, H, W, C] → grid [N, OH, OW, O], by unrolling patches (im2col) and one
    /// matrix product per image.
    static func convolve<T: FloatingScalar>(_ image: [T], filter: [T], _ g: ConvolutionGeometry) -> [T] {
        let gridPositions = g.gridHeight * g.gridWidth
        var grid = [T](repeating: 0, count: g.batch * gridPositions * g.gridChannels)
        if grid.isEmpty || image.isEmpty || filter.isEmpty { return grid }
        var patches = [T](repeating: 0, count: gridPositions * g.patchLength)
        image.withUnsafeBufferPointer { image in
            filter.withUnsafeBufferPointer { filter in
                grid.withUnsafeMutableBufferPointer { grid in
                    patches.withUnsafeMutableBufferPointer { patches in
                        for n in 0..<g.batch {
                            let imageStart = image.baseAddress! + n * g.imageHeight * g.imageWidth * g.imageChannels
                            unroll(imageStart, into: patches.baseAddress!, g)
                            Gemm.multiply(m: gridPositions, n: g.gridChannels, k: g.patchLength,
                                          a: patches.baseAddress!, lda: g.patchLength,
                                          b: filter.baseAddress!, ldb: g.gridChannels,
                                          c: grid.baseAddress! + n * gridPositions * g.gridChannels, ldc: g.gridChannels)
                        }
                    }
                }
            }
        }
        return grid
    }

    /// Conv2DBackpropInput (conv2d_transpose): grid [N, IH, IW, O] → image [N, H, W, C]. Each grid
    /// position's contribution to every patch element is one matrix product; they are then added
    /// into place (col2im), so the zero-stuffed input is never built.
    static func transposeConvolve<T: FloatingScalar>(_ grid: [T], filter: [T], _ g: ConvolutionGeometry) -> [T] {
        let gridPositions = g.gridHeight * g.gridWidth
        var image = [T](repeating: 0, count: g.batch * g.imageHeight * g.imageWidth * g.imageChannels)
        if image.isEmpty || grid.isEmpty || filter.isEmpty { return image }
        var patches = [T](repeating: 0, count: gridPositions * g.patchLength)
        var filterTransposed = [T](repeating: 0, count: filter.count)
        filter.withUnsafeBufferPointer { filter in
            filterTransposed.withUnsafeMutableBufferPointer { target in
                Gemm.transpose(filter.baseAddress!, rows: g.patchLength, columns: g.gridChannels, into: target.baseAddress!)
            }
        }
        grid.withUnsafeBufferPointer { grid in
            filterTransposed.withUnsafeBufferPointer { filterT in
                image.withUnsafeMutableBufferPointer { image in
                    patches.withUnsafeMutableBufferPointer { patches in
                        for n in 0..<g.batch {
                            Gemm.multiply(m: gridPositions, n: g.patchLength, k: g.gridChannels,
                                          a: grid.baseAddress! + n * gridPositions * g.gridChannels, lda: g.gridChannels,
                                          b: filterT.baseAddress!, ldb: g.patchLength,
                                          c: patches.baseAddress!, ldc: g.patchLength)
                            let imageStart = image.baseAddress! + n * g.imageHeight * g.imageWidth * g.imageChannels
                            fold(patches.baseAddress!, into: imageStart, g)
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
                                unroll(image.baseAddress! + n * g.imageHeight * g.imageWidth * g.imageChannels, into: patches.baseAddress!, g)
                                Gemm.transpose(patches.baseAddress!, rows: gridPositions, columns: g.patchLength, into: transposed.baseAddress!)
                                Gemm.multiply(m: g.patchLength, n: g.gridChannels, k: gridPositions,
                                              a: transposed.baseAddress!, lda: gridPositions,
                                              b: grid.baseAddress! + n * gridPositions * g.gridChannels, ldb: g.gridChannels,
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
