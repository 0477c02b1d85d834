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
                let x = windows.attributes.toNHWC(context.inputs[0]), g = windows.geometry
                switch x.storage {
                case .float32(let v): return [windows.fromNHWC(g.pool(v, average: average))]
                case .float64(let v): return [windows.fromNHWC(g.pool(v, average: average))]
                default: throw context.error("input must be float32 or float64")
                }
            },
            gradient: .function { c in
                let g = try c.gradient(), graph = c.graph
                var attributes = c.node.attributes.filter { $0.key != "T" }
                if average {
                    return [
                        try graph.addOutput(
                            "AvgPoolGrad", name: "AvgPoolGrad", inputs: [try graph.shape(c.input(0)), g],
                            attributes: attributes)
                    ]
                }
                attributes["explicit_paddings"] = attributes["explicit_paddings"] ?? .ints([])
                return [
                    try graph.addOutput(
                        "MaxPoolGrad", name: "MaxPoolGrad", inputs: [c.input(0), c.output(0), g], attributes: attributes
                    )
                ]
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
            let x = windows.attributes.toNHWC(context.inputs[0]).doubles,
                g = windows.attributes.toNHWC(context.inputs[2]).doubles
            guard g.count == windows.geometry.outputCount else {
                throw context.error("grad must have the pooled shape")
            }
            let dx = windows.geometry.maxPoolGradient(input: x, gradient: g)
            return [windows.fromNHWC(dx, input: true).cast(to: context.inputs[0].dtype)]
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
            guard let dims = context.inputs[0].integers, dims.count == 4 else {
                throw context.error("orig_input_shape must hold 4 sizes")
            }
            let grad = context.inputs[1]
            _ = try context.allocation(dims, grad.dtype)
            let windows = try PoolingWindows(context, inputShape: dims)
            let g = windows.attributes.toNHWC(grad).doubles
            guard g.count == windows.geometry.outputCount else {
                throw context.error("grad must have the pooled shape")
            }
            return [windows.fromNHWC(windows.geometry.averagePoolGradient(g), input: true).cast(to: grad.dtype)]
        },
        gradient: .function { c in
            let attributes = c.node.attributes.filter { $0.key != "T" }
            return [
                nil,
                try c.graph.addOutput("AvgPool", name: "AvgPool", inputs: [try c.gradient()], attributes: attributes)
            ]
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
                throw context.error(
                    "input \(label) \(extent) is smaller than the pooling window \(g.kernel) under padding "
                        + "\(g.padding.rawValue)",
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
        guard ksize.count == 4, ksize[axes.batch] == 1, ksize[axes.channels] == 1,
              ksize.allSatisfy({ $0 >= 1 && $0 <= 1 << 40 }) else {
            throw context.invalid("ksize must have 4 positive entries, 1 along batch and channels, but is \(ksize)")
        }
        return (window, (ksize[axes.height], ksize[axes.width]))
    }
}

/// A pooling node's windows: its attributes, read once, and the geometry of its NHWC input.
struct PoolingWindows {
    let attributes: ConvolutionAttributes
    let geometry: PoolingGeometry

    /// The windows of a kernel's node, for an input of `shape` in the node's data format.
    init(_ context: KernelContext, inputShape shape: [Int]) throws {
        let (window, kernel) = try PoolingOps.poolWindow(InferenceContext(kernel: context))
        guard shape.count == 4 else { throw context.error("input must have rank 4") }
        let nhwc = window.format == .nhwc ? shape : [shape[0], shape[2], shape[3], shape[1]]
        let rows = window.rows(kernel: kernel.height), columns = window.columns(kernel: kernel.width)
        guard let height = rows.outputSize(input: nhwc[1]), let width = columns.outputSize(input: nhwc[2]) else {
            throw context.error("the pooling window does not fit the input")
        }
        attributes = window
        geometry = PoolingGeometry(inputShape: nhwc, outputShape: [nhwc[0], height, width, nhwc[3]],
                                   rows: rows, columns: columns)
    }

    /// The pooled output (or, with `input`, an input-shaped gradient) in the node's data format.
    func fromNHWC<T: TensorScalar>(_ scalars: [T], input: Bool = false) -> Tensor {
        attributes.fromNHWC(Tensor(shape: input ? geometry.inputShape : geometry.outputShape, scalars: scalars))
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
        var attributes = try windowAttributes(strides: strides, padding: padding, dataFormat: dataFormat,
                                              dilations: [1], explicitPaddings: [])
        attributes["dilations"] = nil
        if op == "AvgPool" { attributes["explicit_paddings"] = nil }
        attributes["ksize"] = try windowAttributes(strides: size, padding: padding, dataFormat: dataFormat,
                                                   dilations: [1], explicitPaddings: [])["strides"]
        return try addOutput(op, name: name, inputs: [x], attributes: attributes)
    }
}
