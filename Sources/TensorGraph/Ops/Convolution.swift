/// Conv2D and Conv2DBackpropInput (conv2d_transpose), with the output-shape validation that is
/// TensorGraph's reason to exist, and Conv2DBackpropFilter. Each is also TensorFlow's grouped
/// convolution when the image has a multiple of the filter's in_channels: the channels then split
/// into groups, each convolved with its own consecutive share of the filter's out_channels.
enum ConvolutionOps {
    static let definitions = [conv2D, conv2DBackpropInput, conv2DBackpropFilter]

    /// Whether an image of `channels` channels fits a filter of `perGroup` in_channels and `outputs`
    /// out_channels: equal, or (a grouped convolution) a multiple whose group count divides `outputs`.
    static func groupsFit(channels: Int, perGroup: Int, outputs: Int?) -> Bool {
        // An image of no channels has no groups to divide out_channels by (fuzz-graph found the division).
        guard perGroup > 0, channels > 0, channels % perGroup == 0 else { return channels == perGroup }
        return outputs.map { $0 % (channels / perGroup) == 0 } ?? true
    }

    /// The group count of a convolution of an image of `channels` channels with a filter of
    /// `perGroup` in_channels and `outputs` out_channels, checked when running.
    static func groups(_ context: KernelContext, channels: Int, perGroup: Int, outputs: Int) throws -> Int {
        guard groupsFit(channels: channels, perGroup: perGroup, outputs: outputs) else {
            throw context.error("the image's \(channels) channels do not fit a filter of \(perGroup) in_channels and "
                                + "\(outputs) out_channels (equal, or a multiple whose group count divides "
                                + "out_channels)")
        }
        return perGroup == 0 ? 1 : channels / perGroup
    }

    /// The attributes a convolution's gradient ops share with it.
    static func windowAttributes(of node: Node) -> [String: AttrValue] {
        node.attributes.filter {
            ["strides", "padding", "explicit_paddings", "data_format", "dilations", "use_cudnn_on_gpu"].contains($0.key)
        }
    }

    /// Whether a convolution's output keeps channels on its last axis (NHWC).
    static func isChannelsLast(_ attributes: Attributes) throws -> Bool {
        try attributes.string("data_format") == "NHWC"
    }

    static let windowAttributes: [AttributeSpec] = [
        .type("T", DType.floatingPoint),
        .attr("strides"),
        .string("padding", ["SAME", "VALID", "EXPLICIT"]),
        .attr("explicit_paddings", default: .ints([])),
        .string("data_format", ["NHWC", "NCHW"], default: "NHWC"),
        .attr("dilations", default: .ints([1, 1, 1, 1])),
        .attr("use_cudnn_on_gpu", default: .bool(true)),
    ]

    /// The output height and width of a forward convolution of `input` with a filter [kh, kw, ...],
    /// when known; an input smaller than the kernel is an error naming the sizes.
    static func outputSize(_ context: InferenceContext, _ window: ConvolutionAttributes,
                           input: (batch: Int?, height: Int?, width: Int?, channels: Int?),
                           filter: [Int?]) throws -> (height: Int?, width: Int?) {
        func spatial(_ size: Int?, _ kernel: Int?, _ geometry: (Int) -> WindowGeometry, _ name: String) throws -> Int? {
            guard let size, let kernel else { return nil }
            let g = geometry(kernel)
            guard let output = g.outputSize(input: size) else {
                throw context.error("input \(name) \(size) is smaller than the kernel (\(g.effectiveKernel) "
                                    + "with dilation) under padding \(g.padding.rawValue)",
                                    fix: "use padding SAME, a smaller kernel, or a larger input")
            }
            return output
        }
        return (try spatial(input.height, filter[0], window.rows, "height"),
                try spatial(input.width, filter[1], window.columns, "width"))
    }

    /// `tf.nn.conv2d`: input [N, H, W, C] ⋆ filter [kh, kw, C, O] → [N, OH, OW, O].
    static let conv2D = OpDefinition(
        "Conv2D",
        inputs: [.input("input", type: "T"), .input("filter", type: "T")],
        attributes: windowAttributes,
        shape: { context in
            let window = try ConvolutionAttributes(context.attributes, fail: { context.invalid($0) })
            let dtype = context.inputs[0].dtype
            let image = try context.dimensions(of: 0, rank: 4, role: "input")
            let filter = try context.dimensions(of: 1, rank: 4, role: "filter") ?? [nil, nil, nil, nil]
            guard let image else {
                return [
                    TensorInfo(
                        dtype, Shape(window.format.arrange(batch: nil, height: nil, width: nil, channels: filter[3])))
                ]
            }
            let parts = window.split(image)
            if let channels = parts.channels, let expected = filter[2],
               !groupsFit(channels: channels, perGroup: expected, outputs: filter[3]) {
                throw context.error(
                    "input has \(channels) channels, but the filter \(context.inputs[1].shape) expects \(expected) "
                        + "(its third dimension, in_channels)",
                    fix: "give the filter shape [kh, kw, \(channels), out_channels]")
            }
            let (height, width) = try outputSize(context, window, input: parts, filter: filter)
            return [
                TensorInfo(
                    dtype,
                    Shape(window.format.arrange(batch: parts.batch, height: height, width: width, channels: filter[3])))
            ]
        },
        output: { context in try convolve(&context) },
        gradient: .function { c in
            let graph = c.graph, g = try c.gradient(), attributes = windowAttributes(of: c.node)
            let input = try graph.addOutput("Conv2DBackpropInput", name: "Conv2DBackpropInput",
                inputs: [try graph.shape(c.input(0)), c.input(1), g], attributes: attributes)
            let filter = try graph.addOutput("Conv2DBackpropFilter", name: "Conv2DBackpropFilter",
                inputs: [c.input(0), try graph.shape(c.input(1)), g], attributes: attributes)
            return [input, filter]
        }
    ).with(OpTraits(
        linearWeights: LinearWeights(input: 1) { attributes, rank in
            try isChannelsLast(attributes) && rank == 4 ? 3..<4 : nil
        },
        fusedForm: FusedForm(op: "_FusedConv2D", tensorFlowActivations: ["Relu", "Relu6", "Elu", "LeakyRelu"]) {
            attributes in
            try isChannelsLast(attributes) && attributes.type("T") == .float32
        }))

    /// Conv2D's computation, finished by `fused` (the bias, residual and activation of
    /// `_FusedConv2D`), in the node's data format.
    static func convolve(_ context: inout KernelContext, fused: FusedOperations = .none) throws -> Tensor {
        let window = try ConvolutionAttributes(context.attributes, fail: { context.error($0) })
        let image = window.toNHWC(context.inputs[0])
        let filter = context.inputs[1]
        let rows = window.rows(kernel: filter.shape[0]), columns = window.columns(kernel: filter.shape[1])
        guard let height = rows.outputSize(input: image.shape[1]),
              let width = columns.outputSize(input: image.shape[2]) else {
            throw context.error("the kernel does not fit the input")
        }
        let groups = try groups(context, channels: image.shape[3], perGroup: filter.shape[2], outputs: filter.shape[3])
        let geometry = ConvolutionGeometry(
            batch: image.shape[0], imageHeight: image.shape[1], imageWidth: image.shape[2],
            imageChannels: filter.shape[2], gridHeight: height, gridWidth: width,
            gridChannels: filter.shape[3] / groups, rows: rows, columns: columns)
        let shape = [geometry.batch, height, width, geometry.gridChannels]
        if groups == 1, case let (.float32(x), .float32(w)) = (image.storage, filter.storage) {
            let packed = context.derived(fromInput: 1) { ConvolutionKernels.packedFilter(w, geometry) }
            let result = try fused.run(&context, shape: shape, toProductLayout: window.toNHWC) { grid, sums, epilogue in
                ConvolutionKernels.convolve(x, packed: packed, geometry, into: grid, accumulate: sums,
                                            epilogue: epilogue)
            }
            return window.fromNHWC(result)
        }
        let images = ChannelGroups.split(image, groups: groups)
        let results: [Tensor]
        switch (image.dtype, filter.dtype) {
        case (.float32, .float32):
            let packed = context.derived(fromInput: 1) {
                ChannelGroups.split(filter, groups: groups).map {
                    ConvolutionKernels.packedFilter($0.scalars(as: Float.self)!, geometry)
                }
            }
            results = zip(images, packed).map { x, w in
                Tensor(shape: shape,
                       scalars: ConvolutionKernels.convolve(x.scalars(as: Float.self)!, packed: w, geometry))
            }
        case (.float64, .float64):
            results = zip(images, ChannelGroups.split(filter, groups: groups)).map { x, w in
                let (image, weights) = (x.scalars(as: Double.self)!, w.scalars(as: Double.self)!)
                let values = ConvolutionKernels.convolve(image, filter: weights, geometry)
                return Tensor(shape: shape, scalars: values)
            }
        default: throw context.error("needs float32 or float64 input and filter of one dtype")
        }
        return window.fromNHWC(try fused.finish(ChannelGroups.join(results), toProductLayout: window.toNHWC, &context))
    }

    /// `tf.nn.conv2d_transpose`: input [N, IH, IW, C] with filter [kh, kw, O, C] → output_shape
    /// [N, OH, OW, O], where each requested OH and OW must be a size whose forward convolution
    /// gives back IH and IW.
    static let conv2DBackpropInput = OpDefinition(
        "Conv2DBackpropInput", label: "conv2d_transpose",
        inputs: [.input("input_sizes", .int32), .input("filter", type: "T"), .input("out_backprop", type: "T")],
        attributes: windowAttributes,
        shape: { context in
            let window = try ConvolutionAttributes(context.attributes, fail: { context.invalid($0) })
            let requested = try context.shape(fromTensorInput: 0, role: "output_shape")
            if let sizes = context.integers(ofInput: 0), let negative = sizes.first(where: { $0 < 0 }) {
                throw context.invalid("output_shape \(sizes) holds the negative size \(negative)",
                                      fix: "every size of output_shape must be at least 0")
            }
            if let rank = requested.rank, rank != 4 {
                throw context.error("output_shape must have 4 entries (\(window.format.rawValue)), but has \(rank)",
                                    fix: "pass [batch, height, width, channels] in the input's data format")
            }
            let filter = try context.dimensions(of: 1, rank: 4, role: "filter") ?? [nil, nil, nil, nil]
            let grid = try context.dimensions(of: 2, rank: 4, role: "input") ?? [nil, nil, nil, nil]
            let output = window.split(requested.dimensions ?? [nil, nil, nil, nil])
            let input = window.split(grid)
            let filterShape = context.inputs[1].shape
            if let channels = input.channels, let expected = filter[3], channels != expected {
                throw context.error(
                    "input has \(channels) channels, but the filter \(filterShape) expects \(expected) (its last "
                        + "dimension, in_channels)",
                    fix: "conv2d_transpose filters are [height, width, output_channels, input_channels]: use "
                        + "[\(filter[0].map(String.init) ?? "kh"), \(filter[1].map(String.init) ?? "kw"), "
                        + "\(filter[2].map(String.init) ?? "out_channels"), \(channels)]")
            }
            if let channels = output.channels, let expected = filter[2],
               !groupsFit(channels: channels, perGroup: expected, outputs: filter[3]) {
                throw context.error(
                    "output_shape asks for \(channels) channels, but the filter \(filterShape) makes \(expected) (its "
                        + "third dimension, output_channels)",
                    fix: "set output_shape's channels to \(expected), or give the filter shape [kh, kw, \(channels), "
                        + "in_channels]")
            }
            if let requestedBatch = output.batch, let batch = input.batch, requestedBatch != batch {
                throw context.error("output_shape asks for batch \(requestedBatch), but the input has batch \(batch)",
                    fix: "build output_shape's batch from the input, e.g. stack([shape(input)[0], ...])")
            }
            let spatial: [(name: String, requested: Int?, input: Int?, geometry: WindowGeometry?)] = [
                ("height", output.height, input.height, filter[0].map(window.rows)),
                ("width", output.width, input.width, filter[1].map(window.columns)),
            ]
            var suggestion = [output.height, output.width]
            var firstFailure:
                (name: String, requested: Int, input: Int, geometry: WindowGeometry, valid: ClosedRange<Int>?)?
            for (axis, dimension) in spatial.enumerated() {
                guard let requested = dimension.requested, let size = dimension.input,
                      let geometry = dimension.geometry else { continue }
                let valid = geometry.transposedOutputRange(input: size)
                if let valid, valid.contains(requested) { continue }
                suggestion[axis] = valid.map { min(max(requested, $0.lowerBound), $0.upperBound) }
                if firstFailure == nil { firstFailure = (dimension.name, requested, size, geometry, valid) }
            }
            if let failure = firstFailure {
                let known = window.format.arrange(
                    batch: output.batch ?? input.batch, height: suggestion[0], width: suggestion[1],
                    channels: output.channels ?? filter[2])
                let example = Shape(known).description
                let problem =
                    "output \(failure.name) \(failure.requested) cannot come from input \(failure.name) "
                        + "\(failure.input) with \(failure.geometry.summary)"
                guard let valid = failure.valid else {
                    throw context.error(problem + "; no \(failure.name) can",
                                        fix: "reduce the explicit padding or the stride")
                }
                let plural = valid.count == 1 ? "the only valid \(failure.name) is" : "valid \(failure.name)s are"
                throw context.error(problem, fix: "\(plural) \(describeSizes(valid)) (e.g. output_shape \(example))")
            }
            let shape = window.format.arrange(
                batch: output.batch ?? input.batch, height: output.height, width: output.width,
                channels: output.channels ?? filter[2])
            return [TensorInfo(context.inputs[1].dtype, Shape(shape))]
        },
        kernel: { context in
            let window = try ConvolutionAttributes(context.attributes, fail: { context.error($0) })
            guard let sizes = context.inputs[0].integers, sizes.count == 4, sizes.allSatisfy({ $0 >= 0 }) else {
                throw context.error("output_shape must hold 4 sizes of at least 0")
            }
            let filter = context.inputs[1]
            let grid = window.toNHWC(context.inputs[2])
            let requested = window.split(sizes)
            guard let height = requested.height, let width = requested.width, let channels = requested.channels else {
                throw context.error("output_shape must hold 4 sizes")
            }
            let groups = try groups(context, channels: channels, perGroup: filter.shape[2], outputs: filter.shape[3])
            guard grid.shape[3] == filter.shape[3] else {
                throw context.error(
                    "the input's \(grid.shape[3]) channels differ from the filter's in_channels \(filter.shape[3])")
            }
            let geometry = ConvolutionGeometry(
                batch: grid.shape[0], imageHeight: height, imageWidth: width, imageChannels: filter.shape[2],
                gridHeight: grid.shape[1], gridWidth: grid.shape[2], gridChannels: grid.shape[3] / groups,
                rows: window.rows(kernel: filter.shape[0]), columns: window.columns(kernel: filter.shape[1]))
            let shape = [geometry.batch, height, width, channels]
            let groupShape = [geometry.batch, height, width, filter.shape[2]]
            _ = try context.allocation(shape, grid.dtype)
            if shape.contains(0) { return [window.fromNHWC(Tensor(zeros: shape, dtype: grid.dtype))] }
            let grids = ChannelGroups.split(grid, groups: groups)
            let results: [Tensor]
            switch (grid.dtype, filter.dtype) {
            case (.float32, .float32):
                let packed = context.derived(fromInput: 1) {
                    ChannelGroups.split(filter, groups: groups).map {
                        ConvolutionKernels.packedPhases($0.scalars(as: Float.self)!, geometry)
                    }
                }
                results = zip(grids, packed).map { x, w in
                    Tensor(shape: groupShape,
                           scalars: ConvolutionKernels.transposeConvolve(x.scalars(as: Float.self)!, packed: w,
                                                                         geometry))
                }
            case (.float64, .float64):
                results = zip(grids, ChannelGroups.split(filter, groups: groups)).map { x, w in
                    Tensor(shape: groupShape, scalars: ConvolutionKernels.transposeConvolve(
                        x.scalars(as: Double.self)!, filter: w.scalars(as: Double.self)!, geometry))
                }
            default: throw context.error("needs float32 or float64 input and filter of one dtype")
            }
            return [window.fromNHWC(ChannelGroups.join(results))]
        },
        gradient: .function { c in
            // conv2d_transpose's gradient for its input is a Conv2D, for its filter a Conv2DBackpropFilter.
            let graph = c.graph, g = try c.gradient(), attributes = windowAttributes(of: c.node)
            let filter = try graph.addOutput("Conv2DBackpropFilter", name: "Conv2DBackpropFilter",
                inputs: [g, try graph.shape(c.input(1)), c.input(2)], attributes: attributes)
            let input = try graph.addOutput("Conv2D", name: "Conv2D", inputs: [g, c.input(1)], attributes: attributes)
            return [nil, filter, input]
        }
    ).with(OpTraits(linearWeights: LinearWeights(input: 1) { attributes, rank in
        try ConvolutionOps.isChannelsLast(attributes) && rank == 4 ? 2..<3 : nil
    }))

    /// The gradient of Conv2D with respect to its filter: input [N, H, W, C] and out_backprop
    /// [N, OH, OW, O] → filter_sizes [kh, kw, C, O].
    static let conv2DBackpropFilter = OpDefinition(
        "Conv2DBackpropFilter",
        inputs: [.input("input", type: "T"), .input("filter_sizes", .int32), .input("out_backprop", type: "T")],
        attributes: windowAttributes,
        shape: { context in
            let window = try ConvolutionAttributes(context.attributes, fail: { context.invalid($0) })
            let sizes = try context.shape(fromTensorInput: 1, role: "filter_sizes")
            if let rank = sizes.rank, rank != 4 {
                throw context.error("filter_sizes must have 4 entries, but has \(rank)")
            }
            let image = try context.dimensions(of: 0, rank: 4, role: "input").map(window.split)
            let grid = try context.dimensions(of: 2, rank: 4, role: "out_backprop").map(window.split)
            let filter = sizes.dimensions ?? [nil, nil, nil, nil]
            if let channels = image?.channels, let expected = filter[2],
               !groupsFit(channels: channels, perGroup: expected, outputs: filter[3]) {
                throw context.error("input has \(channels) channels, but filter_sizes \(sizes) expects \(expected)")
            }
            if let channels = grid?.channels, let expected = filter[3], channels != expected {
                throw context.error(
                    "out_backprop has \(channels) channels, but filter_sizes \(sizes) makes \(expected)")
            }
            // Unknown in_channels are taken to be the image's: a grouped convolution's gradient knows its filter_sizes.
            return [TensorInfo(context.inputs[0].dtype, Shape([filter[0], filter[1], filter[2] ?? image?.channels,
                                                               filter[3] ?? grid?.channels]))]
        },
        kernel: { context in
            let window = try ConvolutionAttributes(context.attributes, fail: { context.error($0) })
            guard let sizes = context.inputs[1].integers, sizes.count == 4, sizes.allSatisfy({ $0 >= 0 }) else {
                throw context.error("filter_sizes must hold 4 sizes of at least 0")
            }
            let image = window.toNHWC(context.inputs[0]), grid = window.toNHWC(context.inputs[2])
            let groups = try groups(context, channels: image.shape[3], perGroup: sizes[2], outputs: sizes[3])
            let geometry = ConvolutionGeometry(
                batch: image.shape[0], imageHeight: image.shape[1], imageWidth: image.shape[2], imageChannels: sizes[2],
                gridHeight: grid.shape[1], gridWidth: grid.shape[2], gridChannels: grid.shape[3] / groups,
                rows: window.rows(kernel: sizes[0]), columns: window.columns(kernel: sizes[1]))
            guard grid.shape[0] == image.shape[0],
                  geometry.rows.outputSize(input: geometry.imageHeight) == geometry.gridHeight,
                  geometry.columns.outputSize(input: geometry.imageWidth) == geometry.gridWidth,
                  sizes[3] == grid.shape[3] else {
                throw context.error(
                    "input \(describe(image.shape)), filter_sizes \(sizes) and out_backprop \(describe(grid.shape)) do "
                        + "not fit one convolution")
            }
            _ = try context.allocation(sizes, image.dtype)
            let groupShape = [sizes[0], sizes[1], sizes[2], geometry.gridChannels]
            let pairs = zip(ChannelGroups.split(image, groups: groups), ChannelGroups.split(grid, groups: groups))
            let results: [Tensor]
            switch (image.dtype, grid.dtype) {
            case (.float32, .float32):
                results = pairs.map { x, g in
                    Tensor(shape: groupShape, scalars: ConvolutionKernels.filterGradient(
                        x.scalars(as: Float.self)!, grid: g.scalars(as: Float.self)!, geometry))
                }
            case (.float64, .float64):
                results = pairs.map { x, g in
                    Tensor(shape: groupShape, scalars: ConvolutionKernels.filterGradient(
                        x.scalars(as: Double.self)!, grid: g.scalars(as: Double.self)!, geometry))
                }
            default: throw context.error("needs float32 or float64 input and out_backprop of one dtype")
            }
            return [ChannelGroups.join(results)]
        },
        gradient: .function { c in
            let graph = c.graph, g = try c.gradient(), attributes = windowAttributes(of: c.node)
            let input = try graph.addOutput("Conv2DBackpropInput", name: "Conv2DBackpropInput",
                inputs: [try graph.shape(c.input(0)), g, c.input(2)], attributes: attributes)
            let grid = try graph.addOutput("Conv2D", name: "Conv2D", inputs: [c.input(0), g], attributes: attributes)
            return [input, nil, grid]
        })
}

extension Graph {
    /// 2-D convolution, `tf.nn.conv2d` (TensorFlow op `Conv2D`).
    ///
    /// ```swift
    /// let features = try graph.conv2d(images, filter: kernel, strides: [2, 2], padding: .same)
    /// ```
    /// - Parameters:
    ///   - input: images, [batch, height, width, channels] (NHWC) or [batch, channels, height, width] (NCHW).
    ///   - filter: [height, width, in_channels, out_channels].
    ///   - strides: 1, 2 (height, width) or 4 entries (in the data format's order).
    ///   - padding: `.same`, `.valid` or `.explicit` with `explicitPaddings`.
    ///   - dilations: 1, 2 or 4 entries, like `strides`.
    ///   - explicitPaddings: for `.explicit`: [top, bottom, left, right], or TensorFlow's 8 entries.
    public func conv2d(_ input: Output, filter: Output, strides: [Int], padding: Padding,
                       dataFormat: DataFormat = .nhwc, dilations: [Int] = [1], explicitPaddings: [Int] = [],
                       name: String? = nil) throws -> Output {
        try addOutput("Conv2D", name: name, inputs: [input, filter],
                      attributes: try windowAttributes(strides: strides, padding: padding, dataFormat: dataFormat,
                                                       dilations: dilations, explicitPaddings: explicitPaddings))
    }

    /// Transposed 2-D convolution ("deconvolution"), `tf.nn.conv2d_transpose` (TensorFlow op
    /// `Conv2DBackpropInput`), with a fixed output shape.
    ///
    /// The output shape is checked here: every spatial size must be one whose forward convolution
    /// gives back the input's size, otherwise this throws a ``GraphError`` naming the valid sizes.
    ///
    /// ```swift
    /// // input [1, 3, 3, 4], filter [3, 3, 2, 4]: heights 5 and 6 are valid at stride 2, SAME.
    /// let up = try graph.conv2dTranspose(x, filter: w, outputShape: [1, 6, 6, 2], strides: [2, 2], padding: .same)
    /// ```
    /// - Parameters:
    ///   - input: [batch, height, width, in_channels] (NHWC) or NCHW.
    ///   - filter: [height, width, out_channels, in_channels].
    ///   - outputShape: the output's 4 sizes in the data format's order.
    public func conv2dTranspose(_ input: Output, filter: Output, outputShape: [Int], strides: [Int], padding: Padding,
                                dataFormat: DataFormat = .nhwc, dilations: [Int] = [1], explicitPaddings: [Int] = [],
                                name: String? = nil) throws -> Output {
        try withNameScope(name ?? "conv2d_transpose") {
            let shape = try constant(Tensor(outputShape.map(Int32.init)), name: "output_shape")
            return try conv2dTranspose(input, filter: filter, outputShape: shape, strides: strides, padding: padding,
                                       dataFormat: dataFormat, dilations: dilations, explicitPaddings: explicitPaddings,
                                       name: currentScope)
        }
    }

    /// Transposed 2-D convolution whose output shape is computed in the graph, such as
    /// `stack([shape(x)[0], 28, 28, 16])` for a batch known only when running. The parts known
    /// while building are checked now; the rest are checked by the same rule when the session runs.
    public func conv2dTranspose(_ input: Output, filter: Output, outputShape: Output, strides: [Int], padding: Padding,
                                dataFormat: DataFormat = .nhwc, dilations: [Int] = [1], explicitPaddings: [Int] = [],
                                name: String? = nil) throws -> Output {
        try addOutput("Conv2DBackpropInput", name: name ?? "conv2d_transpose", inputs: [outputShape, filter, input],
                      attributes: try windowAttributes(strides: strides, padding: padding, dataFormat: dataFormat,
                                                       dilations: dilations, explicitPaddings: explicitPaddings))
    }

    /// The window attributes in TensorFlow's form: 4-entry strides and dilations, 8 explicit paddings.
    func windowAttributes(strides: [Int], padding: Padding, dataFormat: DataFormat, dilations: [Int],
                          explicitPaddings: [Int]) throws -> [String: AttrValue] {
        func spread(_ values: [Int], _ role: String) throws -> [Int] {
            switch values.count {
            case 1: return dataFormat.arrange(batch: 1, height: values[0], width: values[0], channels: 1)
            case 2: return dataFormat.arrange(batch: 1, height: values[0], width: values[1], channels: 1)
            case 4: return values
            default:
                throw GraphError(.invalidArgument, message: "\(role) must have 1, 2 or 4 entries, not \(values.count)")
            }
        }
        // Zero paddings mean nothing without EXPLICIT, and TensorFlow rejects them there.
        var pads = padding == .explicit || explicitPaddings.contains { $0 != 0 } ? explicitPaddings : []
        if pads.count == 4 {
            pads = dataFormat.arrange(
                batch: [0, 0], height: [pads[0], pads[1]], width: [pads[2], pads[3]], channels: [0, 0]
            ).flatMap { $0 }
        }
        return [
            "strides": .ints(try spread(strides, "strides")),
            "dilations": .ints(try spread(dilations, "dilations")),
            "padding": .string(padding.rawValue),
            "explicit_paddings": .ints(pads),
            "data_format": .string(dataFormat.rawValue),
        ]
    }
}
