/// `_FusedConv2D`, `_FusedDepthwiseConv2dNative` and `_FusedMatMul`: a convolution or matrix
/// product whose result is finished in the same pass (bias, residual addition, activation), as
/// TensorFlow's Grappler remapper writes them. The graph optimizer makes them; a GraphDef that
/// TensorFlow optimized may hold them too.
enum FusedOps {
    static let definitions = [fusedConv2D, fusedDepthwiseConv2D, fusedMatMul, fusedBatchNormEx, swish, fusedElementwise]

    /// `_MklSwish`: `features · sigmoid(features)`, the op TensorFlow's oneDNN remapper makes of a
    /// Sigmoid and the Mul by its input, and the name `fused_ops` gives that activation.
    static let swish = MathOps.unary("_MklSwish", .swish, input: "features").fusable(.swish)

    /// The attributes of the fused epilogue, as TensorFlow declares them.
    static let epilogueAttributes: [AttributeSpec] = [
        .attr("num_args"), .attr("fused_ops", default: .strings([])),
        .attr("epsilon", default: .float(0.0001)), .attr("leakyrelu_alpha", default: .float(0.2)),
    ]

    /// The shape function of a fused product: the product's own (on its first two inputs), with
    /// the epilogue's arguments checked against the product's output.
    static func productShape(_ product: OpDefinition) -> ShapeFunction {
        { context in
            let outputs = try product.shape(context.restricted(toInputs: 0..<2))
            try FusedOperations(context.attributes, firstArgument: 2).check(context, product: outputs[0])
            return outputs
        }
    }

    /// `_FusedConv2D`: Conv2D, then `fused_ops` ("BiasAdd", an optional "Add" of a residual, an
    /// optional activation) over its `args` (the bias, then the residual).
    static let fusedConv2D = OpDefinition(
        "_FusedConv2D",
        inputs: [.input("input", type: "T"), .input("filter", type: "T"), .inputs("args", types: "TArgs"),
                 .inputs("host_args", .float32, count: "num_host_args")],
        attributes: ConvolutionOps.windowAttributes + epilogueAttributes + [
            .attr("TArgs"), .attr("num_host_args", default: .int(0)),
            .string("filter_format", ["HWIO"], default: "HWIO"),
        ],
        shape: productShape(ConvolutionOps.conv2D),
        output: { context in
            try ConvolutionOps.convolve(&context, fused: FusedOperations(context.attributes, firstArgument: 2))
        }).storing(.overOwnedInput(2..<Int.max))

    /// `_FusedDepthwiseConv2dNative`: DepthwiseConv2dNative, then `fused_ops` over its `args`.
    static let fusedDepthwiseConv2D = OpDefinition(
        "_FusedDepthwiseConv2dNative",
        inputs: [.input("input", type: "T"), .input("filter", type: "T"),
                 .inputs("args", type: "T", count: "num_args")],
        attributes: [.type("T", DType.floatingPoint), .attr("strides"), .string("padding", ["SAME", "VALID"]),
                     .string("data_format", ["NHWC", "NCHW"], default: "NHWC"),
                     .attr("dilations", default: .ints([1, 1, 1, 1]))] + epilogueAttributes,
        shape: productShape(DepthwiseConvolutionOps.depthwiseConv2dNative),
        output: { context in
            try DepthwiseConvolutionOps.convolve(&context, fused: FusedOperations(context.attributes, firstArgument: 2))
        }).storing(.overOwnedInput(2..<Int.max))

    /// `_FusedMatMul`: MatMul, then `fused_ops` over its `args`, as `_FusedConv2D`.
    static let fusedMatMul = OpDefinition(
        "_FusedMatMul",
        inputs: [.input("a", type: "T"), .input("b", type: "T"), .inputs("args", type: "T", count: "num_args")],
        attributes: MatMulOps.matMul.attributes + epilogueAttributes,
        shape: productShape(MatMulOps.matMul),
        output: { context in
            try MatMulOps.multiply(&context, fused: FusedOperations(context.attributes, firstArgument: 2))
        }).storing(.overOwnedInput(2..<Int.max))
}

/// The epilogue of a fused product, read from `fused_ops` as TensorFlow's kernels read it:
/// "BiasAdd" first, then "Add" of a residual, then an activation, each optional but the bias.
struct FusedOperations: Sendable {
    /// The input holding the bias, one value per output channel.
    var bias: Int?
    /// The input holding the residual, of the product's shape.
    var residual: Int?
    var activation: UnaryFunction?

    /// No epilogue: the plain product.
    static let none = FusedOperations()

    private init() {}

    /// The epilogue `fused_ops` names, its arguments numbered from `firstArgument`.
    init(_ attributes: Attributes, firstArgument: Int) throws {
        let list = try attributes.strings("fused_ops")
        var names = list[...]
        func fail(_ message: String) -> GraphError {
            GraphError(.unsupported, node: attributes.node, op: attributes.op, message: "fused_ops \(list): \(message)",
                       fix: "fuse BiasAdd, then optionally Add, then optionally one activation")
        }
        guard names.popFirst() == "BiasAdd" else { throw fail("the first must be BiasAdd") }
        bias = firstArgument
        if names.first == "Add" {
            names.removeFirst()
            residual = firstArgument + 1
        }
        if let name = names.popFirst() {
            guard let activation = OpRegistry.definition(named: name)?.traits.activation else {
                throw fail("\(name) is not an activation")
            }
            let alpha = try attributes.float("leakyrelu_alpha")
            self.activation = try activation(Attributes(["alpha": .float(alpha)], node: attributes.node, op: name))
        }
        guard names.isEmpty else { throw fail("\(names.joined(separator: ", ")) cannot follow") }
        let expected = 1 + (residual == nil ? 0 : 1)
        guard try attributes.int("num_args") == expected else { throw fail("num_args must be \(expected)") }
    }

    /// Checks the arguments' shapes against the product's while building.
    func check(_ context: InferenceContext, product: TensorInfo) throws {
        let channels = product.shape.dimensions?.last ?? nil
        if let bias, let size = try context.dimensions(of: bias, rank: 1, role: "bias")?[0], let channels,
           size != channels {
            throw context.error(
                "the bias has \(size) elements, but the product \(product.shape) has \(channels) channels",
                                fix: "give the bias \(channels) elements")
        }
        if let residual, !context.inputs[residual].shape.isCompatible(with: product.shape) {
            throw context.error(
                "the residual \(context.inputs[residual].shape) does not match the product \(product.shape)",
                                fix: "add a residual of the product's shape")
        }
    }

    /// Runs a float32 product of `shape` through `product`, which writes into the buffer it is
    /// given (adding to it when told to) and finishes each row with the epilogue. The residual,
    /// brought to the product's layout, is the buffer the product adds to.
    func run(_ context: inout KernelContext, shape: [Int], toProductLayout: (Tensor) -> Tensor = { $0 },
             product: (UnsafeMutablePointer<Float>, _ accumulate: Bool, Epilogue?) -> Void) throws -> Tensor {
        let count = shape.reduce(1, *), channels = shape.last ?? 1
        var bias: [Float] = []
        if let index = self.bias {
            guard let values = context.inputs[index].scalars(as: Float.self), values.count == channels else {
                throw context.error(
                    "the bias must be \(channels) float32 values, not \(describe(context.inputs[index].shape))")
            }
            bias = values
        }
        var output: Tensor
        if let index = residual {
            guard context.inputs[index].dtype == .float32, context.inputs[index].shape.reduce(1, *) == count else {
                let residual = describe(context.inputs[index].shape)
                throw context.error("the residual \(residual) does not match the product \(describe(shape))")
            }
            output = toProductLayout(context.owns(index) ? context.takeInput(index) : context.inputs[index])
        } else {
            output = Tensor(shape: shape, scalars: [Float](unsafeUninitializedCapacity: count) { _, initialized in
                initialized = count
            })
        }
        guard count > 0 else { return output.reshaped(to: shape) }
        let activation = self.activation?.vectorOperator
        bias.withUnsafeBufferPointer { bias in
            let epilogue = Epilogue(bias: self.bias == nil ? nil : bias.baseAddress, activation: activation)
            output.withMutableScalars(as: Float.self) { product($0.baseAddress!, residual != nil, epilogue) }
        }
        output = output.reshaped(to: shape)
        if let function = self.activation, activation == nil { output = function.apply(overwriting: output) }
        return output
    }

    /// Applies the epilogue to a product computed whole (float64, or grouped), channels last; the
    /// residual is brought to that layout first.
    func finish(_ result: Tensor, toProductLayout: (Tensor) -> Tensor = { $0 },
                _ context: inout KernelContext) throws -> Tensor {
        guard bias != nil || residual != nil || activation != nil else { return result }
        func apply<T: FloatingScalar>(_ values: [T]) throws -> Tensor {
            var values = values
            let channels = result.shape.last ?? 1
            if let index = bias {
                guard let bias = context.inputs[index].scalars(as: T.self), bias.count == channels else {
                    throw context.error("the bias must be \(channels) values of the product's dtype")
                }
                for i in values.indices { values[i] += bias[i % channels] }
            }
            if let index = residual {
                guard let residual = toProductLayout(context.inputs[index]).scalars(as: T.self),
                      residual.count == values.count else {
                    throw context.error("the residual must match the product \(describe(result.shape))")
                }
                for i in values.indices { values[i] += residual[i] }
            }
            if let activation { for i in values.indices { values[i] = activation(values[i]) } }
            return Tensor(shape: result.shape, scalars: values)
        }
        switch result.storage {
        case .float32(let values): return try apply(values)
        case .float64(let values): return try apply(values)
        default: throw context.error("a fused product must be float32 or float64")
        }
    }
}

extension FusedOps {
    /// `_FusedBatchNormEx` in inference: FusedBatchNormV3 with `is_training` false, then an optional
    /// side input added and an activation (`activation_mode`), in one pass, as TensorFlow's remapper
    /// writes it. The optimizer makes it of a per-channel `x · s + t` and the activation after it.
    static let fusedBatchNormEx = OpDefinition(
        "_FusedBatchNormEx",
        inputs: [.input("x", type: "T"), .input("scale", type: "U"), .input("offset", type: "U"),
                 .input("mean", type: "U"), .input("variance", type: "U"),
                 .inputs("side_input", type: "T", count: "num_side_inputs")],
        outputs: ["y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2", "reserve_space_3"]
            .map(OutputSpec.output),
        attributes: [.type("T", [.float32]), .type("U", [.float32]), .attr("epsilon", default: .float(0.0001)),
                     .attr("exponential_avg_factor", default: .float(1)),
                     .attr("activation_mode", default: .string("Identity")),
                     .string("data_format", ["NHWC"], default: "NHWC"),
                     .attr("num_side_inputs", default: .int(0)), .attr("is_training", default: .bool(true))],
        shape: { context in
            guard try !context.attributes.bool("is_training") else {
                throw context.invalid("TensorGraph runs _FusedBatchNormEx in inference only (is_training false)",
                                      fix: "use FusedBatchNormV3 for training")
            }
            let normalized = try NeuralNetworkOps.fusedBatchNorm(.v3).shape(context.restricted(toInputs: 0..<5))
            return normalized.prefix(5) + [TensorInfo(.float32, Shape([0]))]
        },
        kernel: { context in
            guard let scale = context.inputs[1].scalars(as: Float.self),
                  let offset = context.inputs[2].scalars(as: Float.self),
                  let mean = context.inputs[3].scalars(as: Float.self),
                  let variance = context.inputs[4].scalars(as: Float.self),
                  context.inputs[0].dtype == .float32, let channels = context.inputs[0].shape.last,
                  [scale, offset, mean, variance].allSatisfy({ $0.count == channels }) else {
                throw context.error("needs float32 x and scale, offset, mean and variance of one value per channel")
            }
            let epsilon = try context.attributes.float("epsilon")
            let mode = try context.attributes.string("activation_mode")
            var activation: UnaryFunction?
            if mode != "Identity" {
                guard let declared = OpRegistry.definition(named: mode)?.traits.activation else {
                    throw context.error("activation_mode \(mode) is not an activation")
                }
                activation = try declared(Attributes([:], node: context.node, op: mode))
            }
            let sideInput = context.inputs.count > 5 ? context.inputs[5] : nil
            // (x − mean) · multiplier + offset, as one multiply-add per element, written over x when it is owned.
            let multiplier = (0..<channels).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
            let shift = (0..<channels).map { offset[$0] - mean[$0] * multiplier[$0] }
            let inline = sideInput == nil ? activation?.vectorOperator : nil
            var y: Tensor
            if context.owns(0) {
                y = context.takeInput(0)
                y.withMutableScalars(as: Float.self) { out in
                    VectorReductions.scaleShift(UnsafeBufferPointer(out), scale: multiplier, shift: shift,
                                                activation: inline, into: out)
                }
            } else {
                let values = context.inputs[0].scalars(as: Float.self)!
                y = Tensor(shape: context.inputs[0].shape, scalars: [Float](unsafeUninitializedCapacity: values.count) {
                    out, initialized in
                    values.withUnsafeBufferPointer {
                        VectorReductions.scaleShift($0, scale: multiplier, shift: shift, activation: inline, into: out)
                    }
                    initialized = values.count
                })
            }
            if let sideInput { y = try MathOps.elementwise(y, sideInput, .add, context) }
            if let activation, inline == nil { y = activation.apply(overwriting: y) }
            let empty = Tensor(shape: [0], scalars: [Float]())
            return [y, Tensor(mean), Tensor(variance), Tensor(mean), Tensor(variance), empty]
        }).storing(.overOwnedInput(0..<1))
}
