/// Layer helpers in the spirit of `tf.compat.v1.layers`: each creates its variables inside its own
/// name scope (`conv2d_transpose/kernel`, `conv2d_transpose_1/kernel`, ...) and returns its output.
///
/// ```swift
/// let up = try graph.layers.conv2dTranspose(features, filters: 16, kernelSize: 5, strides: 2,
///                                            padding: .same, activation: .relu)
/// ```
public struct Layers {
    /// The graph the layers are built in.
    public let graph: Graph

    /// A 2-D convolution layer, `tf.compat.v1.layers.conv2d`: kernel [k, k, in, filters] and a bias.
    public func conv2d(_ input: Output, filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid,
                       activation: Activation? = nil, useBias: Bool = true,
                       kernelInitializer: Initializer = .glorotUniform(), biasInitializer: Initializer = .zeros,
                       name: String? = nil) throws -> Output {
        let channels = try knownChannels(input, layer: "conv2d")
        return try graph.withNameScope(name ?? "conv2d") {
            let kernel = try makeVariable(
                "kernel", [kernelSize, kernelSize, channels, filters], input, kernelInitializer)
            var output = try graph.conv2d(
                input, filter: kernel, strides: [strides, strides], padding: padding, name: "Conv2D")
            output = try finish(
                output, filters: filters, useBias: useBias, biasInitializer: biasInitializer, activation: activation)
            return output
        }
    }

    /// A transposed 2-D convolution layer, `tf.compat.v1.layers.conv2d_transpose`: kernel
    /// [k, k, filters, in] and a bias.
    ///
    /// The output size is inferred the Keras way (SAME: in·stride; VALID: (in-1)·stride + kernel),
    /// or with `outputPadding` p (0 ≤ p < stride) as the smallest valid size + p, as PyTorch
    /// defines it. The batch is read from the input when running, so one graph serves any batch.
    public func conv2dTranspose(_ input: Output, filters: Int, kernelSize: Int, strides: Int = 1,
                                padding: Padding = .valid, outputPadding: Int? = nil, activation: Activation? = nil,
                                useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform(),
                                biasInitializer: Initializer = .zeros, name: String? = nil) throws -> Output {
        let shape = try graph.inferredShape(of: input)
        let channels = try knownChannels(input, layer: "conv2d_transpose")
        guard let height = shape[1], let width = shape[2] else {
            throw GraphError(
                .invalidShape, node: name ?? "conv2d_transpose", op: "conv2d_transpose", inputShapes: [shape],
                message: "the input's height and width must be known to infer the output size, but the input is "
                    + "\(shape)",
                fix: "use graph.conv2dTranspose with an explicit outputShape")
        }
        if let outputPadding, outputPadding < 0 || outputPadding >= strides {
            throw GraphError(.invalidArgument, node: name ?? "conv2d_transpose", op: "conv2d_transpose",
                             message: "output padding \(outputPadding) must be at least 0 "
                                 + "and below the stride \(strides)")
        }
        let geometry = WindowGeometry(kernel: kernelSize, stride: strides, dilation: 1, padding: padding)
        guard let outHeight = geometry.defaultTransposedOutput(input: height, outputPadding: outputPadding),
              let outWidth = geometry.defaultTransposedOutput(input: width, outputPadding: outputPadding) else {
            throw GraphError(
                .invalidShape, node: name ?? "conv2d_transpose", op: "conv2d_transpose", inputShapes: [shape],
                message: "no output size fits input \(shape) with kernel \(kernelSize), stride \(strides)")
        }
        return try graph.withNameScope(name ?? "conv2d_transpose") {
            let kernel = try makeVariable(
                "kernel", [kernelSize, kernelSize, filters, channels], input, kernelInitializer)
            let batch = try graph.stridedSlice(try graph.shape(input, name: "Shape"), [.index(0)])
            let sizes = try [outHeight, outWidth, filters].map { try graph.constant(Int32($0)) }
            let outputShape = try graph.stack([batch] + sizes)
            var output = try graph.conv2dTranspose(
                input, filter: kernel, outputShape: outputShape, strides: [strides, strides],
                padding: padding, name: "conv2d_transpose")
            output = try finish(
                output, filters: filters, useBias: useBias, biasInitializer: biasInitializer, activation: activation)
            return output
        }
    }

    /// A fully connected layer, `tf.compat.v1.layers.dense`, on [batch, features] inputs.
    public func dense(_ input: Output, units: Int, activation: Activation? = nil, useBias: Bool = true,
                      kernelInitializer: Initializer = .glorotUniform(), biasInitializer: Initializer = .zeros,
                      name: String? = nil) throws -> Output {
        let shape = try graph.inferredShape(of: input)
        guard shape.rank == 2, let features = shape[1] else {
            throw GraphError(.invalidShape, node: name ?? "dense", op: "dense", inputShapes: [shape],
                             message: "dense takes [batch, features] with known features, but the input is \(shape)",
                             fix: "reshape it first, e.g. graph.reshape(x, to: [-1, features])")
        }
        return try graph.withNameScope(name ?? "dense") {
            let kernel = try makeVariable("kernel", [features, units], input, kernelInitializer)
            let output = try graph.matMul(input, kernel, name: "MatMul")
            return try finish(
                output, filters: units, useBias: useBias, biasInitializer: biasInitializer, activation: activation)
        }
    }

    private func knownChannels(_ input: Output, layer: String) throws -> Int {
        let shape = try graph.inferredShape(of: input)
        guard shape.rank == 4, let channels = shape[3] else {
            throw GraphError(.invalidShape, op: layer, inputShapes: [shape],
                             message: "\(layer) takes NHWC input with known channels, but the input is \(shape)")
        }
        return channels
    }

    private func makeVariable(
        _ name: String, _ shape: [Int], _ input: Output, _ initializer: Initializer
    ) throws -> Output {
        let dtype = try graph.dtype(of: input)
        return try graph.variable(name: name) { graph in
            try initializer.initialValue(shape: shape, dtype: dtype, in: graph)
        }.value
    }

    private func finish(_ output: Output, filters: Int, useBias: Bool, biasInitializer: Initializer,
                        activation: Activation?) throws -> Output {
        var result = output
        if useBias {
            let bias = try makeVariable("bias", [filters], output, biasInitializer)
            result = try graph.biasAdd(result, bias, name: "BiasAdd")
        }
        if let activation { result = try activation.apply(result, in: graph) }
        return result
    }
}

extension Graph {
    /// Layer helpers (`graph.layers.dense(...)`), as `tf.compat.v1.layers`.
    public var layers: Layers { Layers(graph: self) }
}
