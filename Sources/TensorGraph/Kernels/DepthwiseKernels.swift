import TensorGraphKernels

/// Depthwise convolution (DepthwiseConv2dNative) and its two gradients on NHWC buffers with
/// filters [kh, kw, C, M]: output channel `c·M + m` of a pixel is channel `c` of the input pixels
/// under its window times filter `(·, ·, c, m)`. In the geometry, `imageChannels` is C and
/// `gridChannels` C·M.
enum DepthwiseKernels {
    /// Calls `body(pixel, count, inputs, cells)` for each output pixel in `pixels` with the `count`
    /// input pixels its window covers inside the image and the filter cells (`ky · kw + kx`) over them.
    private static func forEachWindow(_ g: ConvolutionGeometry, pixels: Range<Int>,
                                      _ body: (Int, Int, UnsafePointer<Int>, UnsafePointer<Int>) -> Void) {
        let cellCount = g.rows.kernel * g.columns.kernel
        let inputs = UnsafeMutablePointer<Int>.allocate(capacity: max(1, cellCount))
        let cells = UnsafeMutablePointer<Int>.allocate(capacity: max(1, cellCount))
        defer { inputs.deallocate(); cells.deallocate() }
        let (padTop, padLeft) = (g.padTop, g.padLeft)
        for pixel in pixels {
            let ox = pixel % g.gridWidth, oy = pixel / g.gridWidth % g.gridHeight,
                n = pixel / (g.gridWidth * g.gridHeight)
            var count = 0
            for ky in 0..<g.rows.kernel {
                let y = oy * g.rows.stride - padTop + ky * g.rows.dilation
                guard y >= 0 && y < g.imageHeight else { continue }
                for kx in 0..<g.columns.kernel {
                    let x = ox * g.columns.stride - padLeft + kx * g.columns.dilation
                    guard x >= 0 && x < g.imageWidth else { continue }
                    inputs[count] = (n * g.imageHeight + y) * g.imageWidth + x
                    cells[count] = ky * g.columns.kernel + kx
                    count += 1
                }
            }
            body(pixel, count, inputs, cells)
        }
    }

    private static func outputPixels(_ g: ConvolutionGeometry) -> Int { g.batch * g.gridHeight * g.gridWidth }

    /// The forward convolution in float32, through the vector kernel, split over the cores.
    static func convolve(_ image: [Float], filter: [Float], _ g: ConvolutionGeometry) -> [Float] {
        let count = outputPixels(g) * g.gridChannels
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            if let out = out.baseAddress { convolve(image, filter: filter, g, into: out) }
            initialized = count
        }
    }

    /// The forward convolution in float32 into `out` (`accumulate`: added to what it holds), each
    /// output pixel finished by `epilogue` while it is in cache.
    static func convolve(_ image: [Float], filter: [Float], _ g: ConvolutionGeometry,
                         into out: UnsafeMutablePointer<Float>,
                         accumulate: Bool = false, epilogue: Epilogue? = nil) {
        let pixels = outputPixels(g), width = g.gridChannels, channels = g.imageChannels
        let multiplier = channels == 0 ? 0 : width / channels
        let kernels = InstructionSet.active.kernels, depthwise = kernels.depthwise!, binary = kernels.binary!
        image.withUnsafeBufferPointer { image in
            filter.withUnsafeBufferPointer { filter in
                // An empty image or filter still has outputs (all zero) when the other is not empty.
                let shared = UncheckedSendable((image.baseAddress, filter.baseAddress, out))
                let cellCount = g.rows.kernel * g.columns.kernel
                Parallel.forEachChunk(pixels, work: pixels * cellCount * width) { range in
                    let (image, filter, out) = shared.value
                    let sources = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: max(1, cellCount))
                    let filters = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: max(1, cellCount))
                    let sum = UnsafeMutablePointer<Float>.allocate(capacity: accumulate ? max(1, width) : 1)
                    defer { sources.deallocate(); filters.deallocate(); sum.deallocate() }
                    forEachWindow(g, pixels: range) { pixel, count, inputs, cells in
                        let target = out + pixel * width, result = accumulate ? sum : target
                        if let image, let filter {
                            for k in 0..<count {
                                sources[k] = image + inputs[k] * channels
                                filters[k] = filter + cells[k] * width
                            }
                            depthwise(sources, filters, count, channels, multiplier, result)
                        } else {
                            result.update(repeating: 0, count: width)
                        }
                        if accumulate { binary(TG_ADD, target, 1, sum, 1, target, width) }
                        epilogue?.apply(to: target, columns: 0..<width, kernels: kernels)
                    }
                }
            }
        }
    }

    /// The forward convolution in any floating-point type: the plain loops the float32 kernel is
    /// tested against.
    static func convolve<T: FloatingScalar>(_ image: [T], filter: [T], _ g: ConvolutionGeometry) -> [T] {
        let width = g.gridChannels, channels = g.imageChannels, multiplier = channels == 0 ? 0 : width / channels
        var out = [T](repeating: 0, count: outputPixels(g) * width)
        forEachWindow(g, pixels: 0..<outputPixels(g)) { pixel, count, inputs, cells in
            for k in 0..<count {
                for j in 0..<width {
                    out[pixel * width + j] +=
                        image[inputs[k] * channels + j / multiplier] * filter[cells[k] * width + j]
                }
            }
        }
        return out
    }

    /// DepthwiseConv2dNativeBackpropInput: the gradient with respect to the image, each output
    /// gradient sent back through the filter cells to the input pixels it came from.
    static func inputGradient<T: FloatingScalar>(_ grid: [T], filter: [T], _ g: ConvolutionGeometry) -> [T] {
        let width = g.gridChannels, channels = g.imageChannels, multiplier = channels == 0 ? 0 : width / channels
        var image = [T](repeating: 0, count: g.batch * g.imageHeight * g.imageWidth * channels)
        forEachWindow(g, pixels: 0..<outputPixels(g)) { pixel, count, inputs, cells in
            for k in 0..<count {
                for j in 0..<width {
                    image[inputs[k] * channels + j / multiplier] +=
                        grid[pixel * width + j] * filter[cells[k] * width + j]
                }
            }
        }
        return image
    }

    /// DepthwiseConv2dNativeBackpropFilter: the gradient with respect to the filter, Σ over output
    /// pixels of input times output gradient at each cell.
    static func filterGradient<T: FloatingScalar>(_ image: [T], grid: [T], _ g: ConvolutionGeometry) -> [T] {
        let width = g.gridChannels, channels = g.imageChannels, multiplier = channels == 0 ? 0 : width / channels
        var filter = [T](repeating: 0, count: g.rows.kernel * g.columns.kernel * width)
        forEachWindow(g, pixels: 0..<outputPixels(g)) { pixel, count, inputs, cells in
            for k in 0..<count {
                for j in 0..<width {
                    filter[cells[k] * width + j] +=
                        image[inputs[k] * channels + j / multiplier] * grid[pixel * width + j]
                }
            }
        }
        return filter
    }
}
