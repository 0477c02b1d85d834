/// DepthwiseConv2dNative, the per-channel convolution of MobileNet, EfficientNet and Xception
/// (`tf.nn.depthwise_conv2d`), and its two gradient ops.
enum DepthwiseConvolutionOps {
    static let definitions = [depthwiseConv2dNative, backpropInput, backpropFilter]

    static let windowAttributes: [AttributeSpec] = [
        .type("T", DType.floatingPoint),
        .attr("strides"),
        .string("padding", ["SAME", "VALID", "EXPLICIT"]),
        .attr("explicit_paddings", default: .ints([])),
        .string("data_format", ["NHWC", "NCHW"], default: "NHWC"),
        .attr("dilations", default: .ints([1, 1, 1, 1])),
    ]

    /// The window attributes a gradient op takes from the op it differentiates.
    static func inheritedAttributes(_ c: GradientContext) -> [String: AttrValue] {
        c.node.attributes.filter { windowAttributes.map(\.name).contains($0.key) && $0.key != "T" }
    }

    /// The geometry of one depthwise convolution: image [N, H, W, C] in NHWC, filter
    /// [kh, kw, C, M], grid [N, OH, OW, C·M].
    static func geometry(image: [Int], filter: [Int], _ window: ConvolutionAttributes,
                         _ context: KernelContext) throws -> ConvolutionGeometry {
        guard image.count == 4, filter.count == 4, filter[2] == image[3] else {
            throw context.error(
                "input \(describe(image)) and filter \(describe(filter)) do not fit one depthwise convolution")
        }
        let rows = window.rows(kernel: filter[0]), columns = window.columns(kernel: filter[1])
        guard let height = rows.outputSize(input: image[1]), let width = columns.outputSize(input: image[2]) else {
            throw context.error("the kernel does not fit the input")
        }
        return ConvolutionGeometry(batch: image[0], imageHeight: image[1], imageWidth: image[2],
                                   imageChannels: image[3], gridHeight: height, gridWidth: width,
                                   gridChannels: filter[2] * filter[3], rows: rows, columns: columns)
    }

    /// `tf.nn.depthwise_conv2d`: input [N, H, W, C] with filter [kh, kw, C, M] → [N, OH, OW, C·M],
    /// output channel `c·M + m` from input channel `c` and filter `(·, ·, c, m)`.
    static let depthwiseConv2dNative = OpDefinition(
        "DepthwiseConv2dNative", label: "depthwise_conv2d",
        inputs: [.input("input", type: "T"), .input("filter", type: "T")],
        attributes: windowAttributes,
        shape: { context in
            let window = try ConvolutionAttributes(context.attributes, fail: { context.invalid($0) })
            let image = try context.dimensions(of: 0, rank: 4, role: "input").map(window.split)
            let filter = try context.dimensions(of: 1, rank: 4, role: "filter") ?? [nil, nil, nil, nil]
            if let channels = image?.channels, let expected = filter[2], channels != expected {
                throw context.error(
                    "input has \(channels) channels, but the filter \(context.inputs[1].shape) expects \(expected) "
                    + "(its third dimension, in_channels)",
                    fix: "give the filter shape [kh, kw, \(channels), channel_multiplier]")
            }
            let channels = (image?.channels ?? filter[2]).flatMap { c in filter[3].map { c * $0 } }
            guard let image else {
                return [TensorInfo(context.inputs[0].dtype,
                                   Shape(window.format.arrange(batch: nil, height: nil, width: nil,
                                                               channels: channels)))]
            }
            let (height, width) = try ConvolutionOps.outputSize(context, window, input: image, filter: filter)
            return [TensorInfo(context.inputs[0].dtype,
                               Shape(window.format.arrange(batch: image.batch, height: height, width: width,
                                                           channels: channels)))]
        },
        output: { context in try convolve(&context) },
        gradient: .function { c in
            let graph = c.graph, g = try c.gradient(), attributes = inheritedAttributes(c)
            let input = try graph.addOutput("DepthwiseConv2dNativeBackpropInput",
                                            name: "DepthwiseConv2dNativeBackpropInput",
                                            inputs: [try graph.shape(c.input(0)), c.input(1), g],
                                            attributes: attributes)
            let filter = try graph.addOutput("DepthwiseConv2dNativeBackpropFilter",
                                             name: "DepthwiseConv2dNativeBackpropFilter",
                                             inputs: [c.input(0), try graph.shape(c.input(1)), g],
                                             attributes: attributes)
            return [input, filter]
        }
    ).with(OpTraits(
        linearWeights: LinearWeights(input: 1) { attributes, rank in
            try ConvolutionOps.isChannelsLast(attributes) && rank == 4 ? 2..<4 : nil
        },
        fusedForm: FusedForm(op: "_FusedDepthwiseConv2dNative", tensorFlowActivations: nil) { attributes in
            // TensorFlow's fused depthwise op has no explicit paddings.
            try ConvolutionOps.isChannelsLast(attributes) && attributes.type("T") == .float32
                && attributes.string("padding") != "EXPLICIT"
        }))

    /// DepthwiseConv2dNative's computation, finished by `fused` (the bias, residual and activation
    /// of `_FusedDepthwiseConv2dNative`), in the node's data format.
    static func convolve(_ context: inout KernelContext, fused: FusedOperations = .none) throws -> Tensor {
        let window = try ConvolutionAttributes(context.attributes, fail: { context.error($0) })
        let image = window.toNHWC(context.inputs[0]), filter = context.inputs[1]
        let g = try geometry(image: image.shape, filter: filter.shape, window, context)
        let shape = [g.batch, g.gridHeight, g.gridWidth, g.gridChannels]
        _ = try context.allocation(shape, image.dtype)
        switch (image.storage, filter.storage) {
        case let (.float32(x), .float32(w)):
            let result = try fused.run(&context, shape: shape, toProductLayout: window.toNHWC) { out, sums, epilogue in
                DepthwiseKernels.convolve(x, filter: w, g, into: out, accumulate: sums, epilogue: epilogue)
            }
            return window.fromNHWC(result)
        case let (.float64(x), .float64(w)):
            let result = Tensor(shape: shape, scalars: DepthwiseKernels.convolve(x, filter: w, g))
            return window.fromNHWC(try fused.finish(result, toProductLayout: window.toNHWC, &context))
        default: throw context.error("needs float32 or float64 input and filter of one dtype")
        }
    }

    /// The gradient of DepthwiseConv2dNative with respect to its input, of shape `input_sizes`.
    static let backpropInput = OpDefinition(
        "DepthwiseConv2dNativeBackpropInput",
        inputs: [.input("input_sizes", .int32), .input("filter", type: "T"), .input("out_backprop", type: "T")],
        attributes: windowAttributes,
        shape: { context in
            [TensorInfo(context.inputs[1].dtype, try context.shape(fromTensorInput: 0, role: "input_sizes"))]
        },
        kernel: { context in
            let window = try ConvolutionAttributes(context.attributes, fail: { context.error($0) })
            guard let sizes = context.inputs[0].integers, sizes.count == 4, sizes.allSatisfy({ $0 >= 0 }) else {
                throw context.error("input_sizes must hold 4 sizes of at least 0")
            }
            let nhwc = window.format == .nhwc ? sizes : [sizes[0], sizes[2], sizes[3], sizes[1]]
            let filter = context.inputs[1], grid = window.toNHWC(context.inputs[2])
            let g = try geometry(image: nhwc, filter: filter.shape, window, context)
            guard grid.shape == [g.batch, g.gridHeight, g.gridWidth, g.gridChannels] else {
                throw context.error("out_backprop \(describe(grid.shape)) does not fit input_sizes \(sizes) "
                                    + "and filter \(describe(filter.shape))")
            }
            _ = try context.allocation(nhwc, filter.dtype)
            switch (grid.storage, filter.storage) {
            case let (.float32(dy), .float32(w)):
                return [window.fromNHWC(Tensor(shape: nhwc, scalars: DepthwiseKernels.inputGradient(dy, filter: w, g)))]
            case let (.float64(dy), .float64(w)):
                return [window.fromNHWC(Tensor(shape: nhwc, scalars: DepthwiseKernels.inputGradient(dy, filter: w, g)))]
            default: throw context.error("needs float32 or float64 filter and out_backprop of one dtype")
            }
        },
        gradient: .function { c in
            // As TensorFlow's _DepthwiseConv2dNativeBackpropInputGrad: linear in the filter and in out_backprop.
            let graph = c.graph, g = try c.gradient(), attributes = inheritedAttributes(c)
            let filter = try graph.addOutput("DepthwiseConv2dNativeBackpropFilter",
                                             name: "DepthwiseConv2dNativeBackpropFilter",
                                             inputs: [g, try graph.shape(c.input(1)), c.input(2)],
                                             attributes: attributes)
            let outBackprop = try graph.addOutput("DepthwiseConv2dNative", name: "DepthwiseConv2dNative",
                                                  inputs: [g, c.input(1)], attributes: attributes)
            return [nil, filter, outBackprop]
        })

    /// The gradient of DepthwiseConv2dNative with respect to its filter, of shape `filter_sizes`.
    static let backpropFilter = OpDefinition(
        "DepthwiseConv2dNativeBackpropFilter",
        inputs: [.input("input", type: "T"), .input("filter_sizes", .int32), .input("out_backprop", type: "T")],
        attributes: windowAttributes,
        shape: { context in
            [TensorInfo(context.inputs[0].dtype, try context.shape(fromTensorInput: 1, role: "filter_sizes"))]
        },
        kernel: { context in
            let window = try ConvolutionAttributes(context.attributes, fail: { context.error($0) })
            guard let sizes = context.inputs[1].integers, sizes.count == 4, sizes.allSatisfy({ $0 >= 0 }) else {
                throw context.error("filter_sizes must hold 4 sizes of at least 0")
            }
            let image = window.toNHWC(context.inputs[0]), grid = window.toNHWC(context.inputs[2])
            let g = try geometry(image: image.shape, filter: sizes, window, context)
            guard grid.shape == [g.batch, g.gridHeight, g.gridWidth, g.gridChannels] else {
                throw context.error("out_backprop \(describe(grid.shape)) does not fit input \(describe(image.shape)) "
                                    + "and filter_sizes \(sizes)")
            }
            _ = try context.allocation(sizes, image.dtype)
            switch (image.storage, grid.storage) {
            case let (.float32(x), .float32(dy)):
                return [Tensor(shape: sizes, scalars: DepthwiseKernels.filterGradient(x, grid: dy, g))]
            case let (.float64(x), .float64(dy)):
                return [Tensor(shape: sizes, scalars: DepthwiseKernels.filterGradient(x, grid: dy, g))]
            default: throw context.error("needs float32 or float64 input and out_backprop of one dtype")
            }
        },
        gradient: .function { c in
            // As TensorFlow's _DepthwiseConv2dNativeBackpropFilterGrad.
            let graph = c.graph, g = try c.gradient(), attributes = inheritedAttributes(c)
            let input = try graph.addOutput("DepthwiseConv2dNativeBackpropInput",
                                            name: "DepthwiseConv2dNativeBackpropInput",
                                            inputs: [try graph.shape(c.input(0)), g, c.input(2)],
                                            attributes: attributes)
            let outBackprop = try graph.addOutput("DepthwiseConv2dNative", name: "DepthwiseConv2dNative",
                                                  inputs: [c.input(0), g], attributes: attributes)
            return [input, nil, outBackprop]
        })
}

extension Graph {
    /// Depthwise 2-D convolution, `tf.nn.depthwise_conv2d` (TensorFlow op `DepthwiseConv2dNative`):
    /// input [N, H, W, C] with filter [kh, kw, C, M] gives [N, OH, OW, C·M].
    ///
    /// ```swift
    /// let y = try graph.depthwiseConv2d(x, filter: w, strides: [2], padding: .same)
    /// ```
    public func depthwiseConv2d(_ input: Output, filter: Output, strides: [Int], padding: Padding,
                                dataFormat: DataFormat = .nhwc, dilations: [Int] = [1], explicitPaddings: [Int] = [],
                                name: String? = nil) throws -> Output {
        let attributes = try windowAttributes(strides: strides, padding: padding, dataFormat: dataFormat,
                                              dilations: dilations, explicitPaddings: explicitPaddings)
        return try addOutput("DepthwiseConv2dNative", name: name, inputs: [input, filter], attributes: attributes)
    }
}
