import TensorGraphKernels

/// MaxPool and AvgPool over height and width, and their gradients MaxPoolGrad and AvgPoolGrad.
enum PoolingOps {
    static let definitions = [pool("MaxPool", average: false), pool("AvgPool", average: true), maxPoolGrad, avgPoolGrad]

    static func poolAttributes(average: Bool) -> [AttributeSpec] {
        [.type("T", DType.floatingPoint), .attr("ksize"), .attr("strides"),
         .string("padding", average ? ["SAME", "VALID"] : ["SAME", "VALID", "EXPLICIT"]),
         .string("data_format", ["NHWC", "NCHW"], default: "NHWC")]
            + (average ? [] : [.attr("explicit_paddings", default: .ints([]))])
    }

    /// A pooling op: `ksize` and `strides` are 4-vectors in the data format's order.
    static func pool(_ name: String, average: Bool) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input(average ? "value" : "input", type: "T")],
            attributes: poolAttributes(average: average),
            shape: { context in
                [TensorInfo(context.inputs[0].dtype, try pooledShape(context, input: context.inputs[0].shape))]
            },
            kernel: { context in
                let windows = try PoolingWindows(context, inputShape: context.inputs[0].shape)
                let x = windows.attributes.toNHWC(context.inputs[0])
                func run<T: FloatingScalar>(_ v: [T]) -> Tensor {
                    var out = [T](repeating: 0, count: windows.outputCount)
                    windows.forEach { output, cells in
                        var acc: T = average ? 0 : -T.infinity
                        for cell in cells {
                            let value = v[cell]
                            if average { acc += value } else if value > acc || value.isNaN { acc = value }
                        }
                        out[output] = average ? acc / T(max(cells.count, 1)) : acc
                    }
                    return Tensor(shape: windows.outputShape, scalars: out)
                }
                switch x.storage {
                case .float32(let v): return [windows.attributes.fromNHWC(windows.pool(v, average: average))]
                case .float64(let v): return [windows.attributes.fromNHWC(run(v))]
                default: throw context.error("input must be float32 or float64")
                }
            },
            gradient: .function { c in
                let g = try c.gradient(), graph = c.graph
                var attributes = c.node.attributes.filter { $0.key != "T" }
                if average {
                    return [try graph.addOutput("AvgPoolGrad", name: "AvgPoolGrad", inputs: [try graph.shape(c.input(0)), g], attributes: attributes)]
                }
                attributes["explicit_paddings"] = attributes["explicit_paddings"] ?? .ints([])
                return [try graph.addOutput("MaxPoolGrad", name: "MaxPoolGrad", inputs: [c.input(0), c.output(0), g], attributes: attributes)]
            })
    }

    /// MaxPool's gradient: each output's gradient goes to the first largest input in its window.
    static let maxPoolGrad = OpDefinition(
        "MaxPoolGrad",
        inputs: [.input("orig_input", type: "T"), .input("orig_output", type: "T"), .input("grad", type: "T")],
        attributes: poolAttributes(average: false),
        shape: { context in
            _ = try pooledShape(context, input: context.inputs[0].shape)
            return [TensorInfo(context.inputs[0].dtype, context.inputs[0].shape)]
        },
        kernel: { context in
            let windows = try PoolingWindows(context, inputShape: context.inputs[0].shape)
            let x = windows.attributes.toNHWC(context.inputs[0]).doubles, g = windows.attributes.toNHWC(context.inputs[2]).doubles
            guard g.count == windows.outputCount else { throw context.error("grad must have the pooled shape") }
            var dx = [Double](repeating: 0, count: x.count)
            windows.forEach { output, cells in
                guard var best = cells.first else { return }
                for cell in cells where x[cell] > x[best] { best = cell }
                dx[best] += g[output]
            }
            return [windows.attributes.fromNHWC(Tensor(shape: windows.inputShape, scalars: dx).cast(to: context.inputs[0].dtype))]
        })

    /// AvgPool's gradient: each output's gradient spread evenly over the inputs in its window.
    static let avgPoolGrad = OpDefinition(
        "AvgPoolGrad",
        inputs: [.input("orig_input_shape", .int32), .input("grad", type: "T")],
        attributes: poolAttributes(average: true),
        shape: { context in
            let shape = try context.shape(fromTensorInput: 0, role: "orig_input_shape")
            _ = try pooledShape(context, input: shape)
            return [TensorInfo(context.inputs[1].dtype, shape)]
        },
        kernel: { context in
            guard let dims = context.inputs[0].integers, dims.count == 4 else { throw context.error("orig_input_shape must hold 4 sizes") }
            let grad = context.inputs[1]
            _ = try context.allocation(dims, grad.dtype)
            let windows = try PoolingWindows(context, inputShape: dims)
            let g = windows.attributes.toNHWC(grad).doubles
            guard g.count == windows.outputCount else { throw context.error("grad must have the pooled shape") }
            var dx = [Double](repeating: 0, count: windows.inputShape.reduce(1, *))
            windows.forEach { output, cells in
                let share = g[output] / Double(max(cells.count, 1))
                for cell in cells { dx[cell] += share }
            }
            return [windows.attributes.fromNHWC(Tensor(shape: windows.inputShape, scalars: dx).cast(to: grad.dtype))]
        },
        gradient: .function { c in
            let attributes = c.node.attributes.filter { $0.key != "T" }
            return [nil, try c.graph.addOutput("AvgPool", name: "AvgPool", inputs: [try c.gradient()], attributes: attributes)]
        })

    /// The pooled shape of `input` in the node's data format, checking the window fits.
    static func pooledShape(_ context: InferenceContext, input: Shape) throws -> Shape {
        let (window, kernel) = try poolWindow(context)
        guard let dims = input.dimensions else { return Shape(unknownDimensions: 4) }
        guard dims.count == 4 else { throw context.error("input must have rank 4, but has shape \(input)") }
        let parts = window.split(dims)
        func size(_ extent: Int?, _ g: WindowGeometry, _ label: String) throws -> Int? {
            guard let extent else { return nil }
            guard let out = g.outputSize(input: extent) else {
                throw context.error("input \(label) \(extent) is smaller than the pooling window \(g.kernel) under padding \(g.padding.rawValue)",
                                    fix: "use padding SAME or a smaller window")
            }
            return out
        }
        let height = try size(parts.height, window.rows(kernel: kernel.height), "height")
        let width = try size(parts.width, window.columns(kernel: kernel.width), "width")
        return Shape(window.format.arrange(batch: parts.batch, height: height, width: width, channels: parts.channels))
    }

    /// The window attributes and the kernel's height and width, read from `ksize`.
    static func poolWindow(_ context: InferenceContext) throws -> (ConvolutionAttributes, (height: Int, width: Int)) {
        let window = try ConvolutionAttributes(context.attributes, fail: { context.invalid($0) })
        let ksize = try context.attributes.ints("ksize")
        let axes = window.format.axes
        guard ksize.count == 4, ksize[axes.batch] == 1, ksize[axes.channels] == 1, ksize.allSatisfy({ $0 >= 1 && $0 <= 1 << 40 }) else {
            throw context.invalid("ksize must have 4 positive entries, 1 along batch and channels, but is \(ksize)")
        }
        return (window, (ksize[axes.height], ksize[axes.width]))
    }
}

/// Every pooling window of an NHWC input: for each output element, the input elements it covers.
struct PoolingWindows {
    let attributes: ConvolutionAttributes
    /// The NHWC input and output shapes.
    let inputShape: [Int]
    let outputShape: [Int]
    let rows: WindowGeometry
    let columns: WindowGeometry

    var outputCount: Int { outputShape.reduce(1, *) }

    /// The windows of a kernel's node, for an input of `shape` in the node's data format.
    init(_ context: KernelContext, inputShape shape: [Int]) throws {
        let (window, kernel) = try PoolingOps.poolWindow(InferenceContext(kernel: context))
        guard shape.count == 4 else { throw context.error("input must have rank 4") }
        let nhwc = window.format == .nhwc ? shape : [shape[0], shape[2], shape[3], shape[1]]
        rows = window.rows(kernel: kernel.height)
        columns = window.columns(kernel: kernel.width)
        guard let height = rows.outputSize(input: nhwc[1]), let width = columns.outputSize(input: nhwc[2]) else {
            throw context.error("the pooling window does not fit the input")
        }
        attributes = window
        inputShape = nhwc
        outputShape = [nhwc[0], height, width, nhwc[3]]
    }

    /// float32 pooling through the vector kernels: per output pixel, `max` or average over the input
    /// pixels its window covers, all channels at once.
    func pool(_ image: [Float], average: Bool) -> Tensor {
        let (h, w, c) = (inputShape[1], inputShape[2], inputShape[3])
        let (oh, ow) = (outputShape[1], outputShape[2])
        let top = rows.paddingBefore(input: h), left = columns.paddingBefore(input: w)
        let (rows, columns) = (rows, columns)
        let pixels = outputShape[0] * oh * ow
        let scalars = [Float](unsafeUninitializedCapacity: pixels * c) { out, initialized in
            image.withUnsafeBufferPointer { image in
                VectorReductions.pool(average ? TG_REDUCE_SUM : TG_REDUCE_MAX, average: average, image, channels: c,
                                      outputPixels: pixels, maximumWindow: rows.kernel * columns.kernel, into: out) { pixel, cells in
                    let (b, oy, ox) = (pixel / (oh * ow), pixel / ow % oh, pixel % ow)
                    let y0 = oy * rows.stride - top, x0 = ox * columns.stride - left
                    var count = 0
                    for y in max(y0, 0)..<min(y0 + rows.kernel, h) {
                        for x in max(x0, 0)..<min(x0 + columns.kernel, w) {
                            cells[count] = (b * h + y) * w + x
                            count += 1
                        }
                    }
                    return count
                }
            }
            initialized = pixels * c
        }
        return Tensor(shape: outputShape, scalars: scalars)
    }

    /// Calls `body` with each output element's offset and the offsets of the inputs its window covers.
    func forEach(_ body: (Int, [Int]) -> Void) {
        let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let top = rows.paddingBefore(input: h), left = columns.paddingBefore(input: w)
        var cells: [Int] = []
        for b in 0..<n {
            for oy in 0..<outputShape[1] {
                let y0 = oy * rows.stride - top
                for ox in 0..<outputShape[2] {
                    let x0 = ox * columns.stride - left
                    for ch in 0..<c {
                        cells.removeAll(keepingCapacity: true)
                        for y in max(y0, 0)..<min(y0 + rows.kernel, h) {
                            for x in max(x0, 0)..<min(x0 + columns.kernel, w) { cells.append(((b * h + y) * w + x) * c + ch) }
                        }
                        body(((b * outputShape[1] + oy) * outputShape[2] + ox) * c + ch, cells)
                    }
                }
            }
        }
    }
}
extension Graph {
    /// Max pooling, `tf.nn.max_pool2d` (TensorFlow op `MaxPool`).
    public func maxPool(_ x: Output, size: [Int], strides: [Int], padding: Padding, dataFormat: DataFormat = .nhwc,
                        name: String? = nil) throws -> Output {
        try pool("MaxPool", x, size: size, strides: strides, padding: padding, dataFormat: dataFormat, name: name)
    }

    /// Average pooling, `tf.nn.avg_pool2d` (TensorFlow op `AvgPool`); windows over the border
    /// average only the elements inside the input, as TensorFlow does.
    public func avgPool(_ x: Output, size: [Int], strides: [Int], padding: Padding, dataFormat: DataFormat = .nhwc,
                        name: String? = nil) throws -> Output {
        try pool("AvgPool", x, size: size, strides: strides, padding: padding, dataFormat: dataFormat, name: name)
    }

    private func pool(_ op: String, _ x: Output, size: [Int], strides: [Int], padding: Padding, dataFormat: DataFormat,
                      name: String?) throws -> Output {
        var attributes = try windowAttributes(strides: strides, padding: padding, dataFormat: dataFormat, dilations: [1],
                                              explicitPaddings: [])
        attributes["dilations"] = nil
        if op == "AvgPool" { attributes["explicit_paddings"] = nil }
        attributes["ksize"] = try windowAttributes(strides: size, padding: padding, dataFormat: dataFormat, dilations: [1],
                                                   explicitPaddings: [])["strides"]
        return try addOutput(op, name: name, inputs: [x], attributes: attributes)
    }
}
