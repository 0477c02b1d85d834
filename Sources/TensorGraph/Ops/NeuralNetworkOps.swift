/// Activations and layer arithmetic: BiasAdd, Relu, Relu6, LeakyRelu, Softmax, FusedBatchNormV3.
enum NeuralNetworkOps {
    static let definitions = [
        biasAdd,
        MathOps.unary("Relu", .relu), MathOps.unary("Relu6", .relu6),
        leakyRelu, softmax, fusedBatchNormV3,
    ]

    /// `tf.nn.bias_add`: adds a vector along the channel axis (last for NHWC, 1 for NCHW).
    static let biasAdd = OpDefinition(
        "BiasAdd",
        inputs: [.input("value", type: "T"), .input("bias", type: "T")],
        attributes: [.type("T", DType.numeric), .string("data_format", ["NHWC", "NCHW"], default: "NHWC")],
        shape: { context in
            let value = context.inputs[0]
            _ = try context.dimensions(of: 1, rank: 1, role: "bias")
            if let rank = value.shape.rank, rank < 2 {
                throw context.error("value must have rank 2 or more, but has shape \(value.shape)")
            }
            let channelsFirst = try context.attributes.string("data_format") == "NCHW"
            if let dims = value.shape.dimensions, let size = context.inputs[1].shape[0] {
                let axis = channelsFirst ? 1 : dims.count - 1
                if let channels = dims[axis], channels != size {
                    throw context.error("bias has \(size) elements, but value \(value.shape) has \(channels) channels (axis \(axis))",
                                        fix: "give the bias \(channels) elements")
                }
            }
            return [TensorInfo(value.dtype, value.shape)]
        },
        kernel: { context in
            let value = context.inputs[0], bias = context.inputs[1]
            let channelsFirst = try context.attributes.string("data_format") == "NCHW"
            let axis = channelsFirst ? 1 : value.rank - 1
            guard value.shape[axis] == bias.elementCount else { throw context.error("bias size does not match the channels") }
            var biasShape = Array(repeating: 1, count: value.rank)
            biasShape[axis] = bias.elementCount
            func run<T: NumericScalar>(_ a: [T], _ b: [T]) -> Tensor {
                Tensor(shape: value.shape, scalars: Elementwise.broadcast(a, value.shape, b, biasShape, into: value.shape, +))
            }
            switch (value.storage, bias.storage) {
            case let (.float32(a), .float32(b)): return [run(a, b)]
            case let (.float64(a), .float64(b)): return [run(a, b)]
            case let (.int32(a), .int32(b)): return [run(a, b)]
            case let (.int64(a), .int64(b)): return [run(a, b)]
            default: throw context.error("value and bias must be numeric and of one dtype")
            }
        })

    /// `tf.nn.leaky_relu`: x when positive, alpha·x otherwise.
    static let leakyRelu = OpDefinition(
        "LeakyRelu",
        inputs: [.input("features", type: "T")],
        attributes: [.type("T", DType.floatingPoint), .attr("alpha", default: .float(0.2))],
        shape: { context in [context.inputs[0].withoutValue] },
        kernel: { context in
            [UnaryFunction.leakyRelu(alpha: Double(try context.attributes.float("alpha"))).apply(context.inputs[0])]
        })

    /// `tf.nn.softmax` over the last axis.
    static let softmax = OpDefinition(
        "Softmax",
        inputs: [.input("logits", type: "T")],
        attributes: [.type("T", DType.floatingPoint)],
        shape: { context in
            if let rank = context.inputs[0].shape.rank, rank < 1 {
                throw context.error("logits must have rank 1 or more, but is a scalar")
            }
            return [context.inputs[0].withoutValue]
        },
        kernel: { context in
            let logits = context.inputs[0]
            let classes = logits.shape.last ?? 1
            func run<T: FloatingScalar>(_ x: [T]) -> Tensor {
                var y = x
                guard classes > 0 else { return logits }
                for start in stride(from: 0, to: x.count, by: classes) {
                    let row = start..<(start + classes)
                    let top = x[row].max()!
                    var total: T = 0
                    for i in row { y[i] = T.exp(x[i] - top); total += y[i] }
                    for i in row { y[i] /= total }
                }
                return Tensor(shape: logits.shape, scalars: y)
            }
            switch logits.storage {
            case .float32(let x): return [run(x)]
            case .float64(let x): return [run(x)]
            default: throw context.error("logits must be float32 or float64")
            }
        })

    /// `tf.compat.v1.nn.fused_batch_norm`: normalizes each channel by the given mean and variance
    /// (inference) or by the batch's (training, `is_training`), then scales and offsets.
    static let fusedBatchNormV3 = OpDefinition(
        "FusedBatchNormV3",
        inputs: [.input("x", type: "T"), .input("scale", type: "U"), .input("offset", type: "U"),
                 .input("mean", type: "U"), .input("variance", type: "U")],
        attributes: [.type("T", [.float32]), .type("U", [.float32]), .attr("epsilon", default: .float(0.0001)),
                     .attr("exponential_avg_factor", default: .float(1)),
                     .string("data_format", ["NHWC", "NCHW"], default: "NHWC"), .attr("is_training", default: .bool(true))],
        shape: { context in
            let x = context.inputs[0]
            let dims = try context.dimensions(of: 0, rank: 4, role: "x")
            let channelsFirst = try context.attributes.string("data_format") == "NCHW"
            var channels = dims?[channelsFirst ? 1 : 3] ?? nil
            for (index, role) in [(1, "scale"), (2, "offset"), (3, "mean"), (4, "variance")] {
                let training = try context.attributes.bool("is_training")
                if training && index >= 3 { continue }
                guard let size = try context.dimensions(of: index, rank: 1, role: role)?[0] else { continue }
                if let known = channels, known != size {
                    throw context.error("\(role) has \(size) elements, but x \(x.shape) has \(known) channels",
                                        fix: "give \(role) \(known) elements")
                }
                channels = size
            }
            let vector = TensorInfo(.float32, Shape([channels]))
            return [TensorInfo(x.dtype, x.shape), vector, vector, vector, vector, TensorInfo(.float32, .scalar)]
        },
        kernel: { context in
            let channelsFirst = try context.attributes.string("data_format") == "NCHW"
            let x = channelsFirst ? Layout.transpose(context.inputs[0], [0, 2, 3, 1]) : context.inputs[0]
            guard let values = x.scalars(as: Float.self), let scale = context.inputs[1].scalars(as: Float.self),
                  let offset = context.inputs[2].scalars(as: Float.self) else { throw context.error("expects float32 tensors") }
            let epsilon = try context.attributes.float("epsilon")
            let channels = x.shape[3]
            let count = values.count / max(channels, 1)
            var mean: [Float], variance: [Float], reportedVariance: [Float]
            if try context.attributes.bool("is_training") {
                mean = [Float](repeating: 0, count: channels)
                variance = [Float](repeating: 0, count: channels)
                for (i, v) in values.enumerated() { mean[i % channels] += v }
                mean = mean.map { $0 / Float(max(count, 1)) }
                for (i, v) in values.enumerated() { let d = v - mean[i % channels]; variance[i % channels] += d * d }
                reportedVariance = variance.map { $0 / Float(max(count - 1, 1)) }
                variance = variance.map { $0 / Float(max(count, 1)) }
            } else {
                guard let m = context.inputs[3].scalars(as: Float.self), let v = context.inputs[4].scalars(as: Float.self) else {
                    throw context.error("expects float32 mean and variance")
                }
                mean = m
                variance = v
                reportedVariance = v
            }
            guard scale.count == channels, offset.count == channels, mean.count == channels, variance.count == channels else {
                throw context.error("scale, offset, mean and variance must have \(channels) elements")
            }
            let multiplier = (0..<channels).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
            let y = values.enumerated().map { i, v in (v - mean[i % channels]) * multiplier[i % channels] + offset[i % channels] }
            var output = Tensor(shape: x.shape, scalars: y)
            if channelsFirst { output = Layout.transpose(output, [0, 3, 1, 2]) }
            return [output, Tensor(mean), Tensor(reportedVariance), Tensor(mean), Tensor(variance), Tensor(Float(0))]
        })
}

extension TensorInfo {
    /// The same dtype and shape with the value forgotten, for ops whose output differs from their input.
    var withoutValue: TensorInfo { TensorInfo(dtype, shape) }
}

extension Graph {
    /// Adds `bias` along the channel axis, `tf.nn.bias_add` (TensorFlow op `BiasAdd`).
    public func biasAdd(_ value: Output, _ bias: Output, dataFormat: DataFormat = .nhwc, name: String? = nil) throws -> Output {
        try addOutput("BiasAdd", name: name, inputs: [value, bias], attributes: ["data_format": .string(dataFormat.rawValue)])
    }

    /// `max(x, 0)`, `tf.nn.relu` (TensorFlow op `Relu`).
    public func relu(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Relu", name: name, inputs: [x]) }

    /// `min(max(x, 0), 6)`, `tf.nn.relu6` (TensorFlow op `Relu6`).
    public func relu6(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Relu6", name: name, inputs: [x]) }

    /// `x` when positive, `alpha·x` otherwise, `tf.nn.leaky_relu` (TensorFlow op `LeakyRelu`).
    public func leakyRelu(_ x: Output, alpha: Float = 0.2, name: String? = nil) throws -> Output {
        try addOutput("LeakyRelu", name: name, inputs: [x], attributes: ["alpha": .float(alpha)])
    }

    /// Softmax over the last axis, `tf.nn.softmax` (TensorFlow op `Softmax`).
    public func softmax(_ logits: Output, name: String? = nil) throws -> Output {
        try addOutput("Softmax", name: name, inputs: [logits])
    }

    /// Batch normalization with given statistics, `tf.compat.v1.nn.fused_batch_norm(is_training=False)`
    /// (TensorFlow op `FusedBatchNormV3`); returns the normalized tensor.
    public func batchNormalization(_ x: Output, scale: Output, offset: Output, mean: Output, variance: Output,
                                   epsilon: Float = 0.001, dataFormat: DataFormat = .nhwc, name: String? = nil) throws -> Output {
        try addNode("FusedBatchNormV3", name: name, inputs: [x, scale, offset, mean, variance],
                    attributes: ["epsilon": .float(epsilon), "is_training": .bool(false),
                                 "data_format": .string(dataFormat.rawValue)])[0]
    }
}
