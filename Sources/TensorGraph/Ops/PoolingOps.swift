/// MaxPool and AvgPool over height and width.
enum PoolingOps {
    static let definitions = [pool("MaxPool", average: false), pool("AvgPool", average: true)]

    /// A pooling op: `ksize` and `strides` are 4-vectors in the data format's order.
    static func pool(_ name: String, average: Bool) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("input", type: "T")],
            attributes: [.type("T", DType.floatingPoint), .attr("ksize"), .attr("strides"),
                         .string("padding", average ? ["SAME", "VALID"] : ["SAME", "VALID", "EXPLICIT"]),
                         .string("data_format", ["NHWC", "NCHW"], default: "NHWC")]
                + (average ? [] : [.attr("explicit_paddings", default: .ints([]))]),
            shape: { context in
                let (window, kernel) = try poolWindow(context)
                let input = context.inputs[0]
                guard let dims = try context.dimensions(of: 0, rank: 4, role: "input") else {
                    return [TensorInfo(input.dtype, Shape(unknownDimensions: 4))]
                }
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
                return [TensorInfo(input.dtype, Shape(window.format.arrange(batch: parts.batch, height: height, width: width, channels: parts.channels)))]
            },
            kernel: { context in
                let (window, kernel) = try poolWindow(InferenceContext(kernel: context))
                let x = window.toNHWC(context.inputs[0])
                let rows = window.rows(kernel: kernel.height), columns = window.columns(kernel: kernel.width)
                guard let outH = rows.outputSize(input: x.shape[1]), let outW = columns.outputSize(input: x.shape[2]) else {
                    throw context.error("the pooling window does not fit the input")
                }
                let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
                let top = rows.paddingBefore(input: h), left = columns.paddingBefore(input: w)
                func run<T: FloatingScalar>(_ v: [T]) -> Tensor {
                    var out = [T](repeating: 0, count: n * outH * outW * c)
                    for b in 0..<n {
                        for oy in 0..<outH {
                            let y0 = oy * rows.stride - top
                            let ys = max(y0, 0)..<min(y0 + rows.kernel, h)
                            for ox in 0..<outW {
                                let x0 = ox * columns.stride - left
                                let xs = max(x0, 0)..<min(x0 + columns.kernel, w)
                                let base = ((b * outH + oy) * outW + ox) * c
                                for ch in 0..<c {
                                    var acc: T = average ? 0 : -T.infinity
                                    for y in ys {
                                        for xx in xs {
                                            let value = v[((b * h + y) * w + xx) * c + ch]
                                            if average { acc += value } else if value > acc || value.isNaN { acc = value }
                                        }
                                    }
                                    out[base + ch] = average ? acc / T(max(ys.count * xs.count, 1)) : acc
                                }
                            }
                        }
                    }
                    return Tensor(shape: [n, outH, outW, c], scalars: out)
                }
                switch x.storage {
                case .float32(let v): return [window.fromNHWC(run(v))]
                case .float64(let v): return [window.fromNHWC(run(v))]
                default: throw context.error("input must be float32 or float64")
                }
            })
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
