/// Activations, layer arithmetic and losses: BiasAdd, Relu, Relu6, LeakyRelu, Softmax,
/// FusedBatchNorm (V1, V2 and V3), the softmax cross entropies, L2Loss, and their gradient ops.

import Foundation

enum NeuralNetworkOps {
    static let definitions = [
        biasAdd, biasAddGrad,
        MathOps.unary("Relu", .relu, input: "features", gradient: .function { c in
            [try c.graph.addOutput("ReluGrad", name: "ReluGrad", inputs: [c.gradient(), c.output(0)])]
        }).fusable(.relu),
        MathOps.unary("Relu6", .relu6, input: "features", gradient: .function { c in
            [try c.graph.addOutput("Relu6Grad", name: "Relu6Grad", inputs: [c.gradient(), c.input(0)])]
        }).fusable(.relu6),
        slopeGradient("ReluGrad") { _ in { x in x > 0 ? 1 : 0 } },
        slopeGradient("Relu6Grad") { _ in { x in x > 0 && x < 6 ? 1 : 0 } },
        slopeGradient("LeakyReluGrad", attributes: [.attr("alpha", default: .float(0.2))]) { attributes in
            let alpha = Double(try attributes.float("alpha"))
            return { x in x > 0 ? 1 : alpha }
        },
        leakyRelu, softmax, logSoftmax,
        fusedBatchNorm(.v1), fusedBatchNorm(.v2), fusedBatchNorm(.v3),
        fusedBatchNormGrad(.v1), fusedBatchNormGrad(.v2), fusedBatchNormGrad(.v3),
        softmaxCrossEntropy, sparseSoftmaxCrossEntropy, l2Loss,
    ]

    /// `tf.nn.l2_loss` (TensorFlow op `L2Loss`): half the sum of the squares, a scalar. tf_slim's
    /// weight regularizers put one beside every weight of a net, so TF1 graphs hold them.
    static let l2Loss = OpDefinition(
        "L2Loss", label: "l2_loss",
        inputs: [.input("t", type: "T")],
        attributes: [.type("T", DType.floatingPoint)],
        shape: { context in [TensorInfo(context.inputs[0].dtype, .scalar)] },
        output: { context in
            // Summed in float64, as TensorFlow's reduction does not round each partial sum to float32 either.
            switch context.inputs[0].storage {
            case .float32(let t): return Tensor(Float(t.reduce(0) { $0 + Double($1) * Double($1) } / 2))
            case .float64(let t): return Tensor(t.reduce(0) { $0 + $1 * $1 } / 2)
            default: throw context.error("t must be float32 or float64")
            }
        },
        gradient: .function { c in [try c.graph.multiply(c.input(0), try c.gradient())] })

    /// ReluGrad, Relu6Grad, LeakyReluGrad: the gradient scaled by the activation's slope at each
    /// feature. Their own gradient is the same op on the incoming gradient, none for the features.
    static func slopeGradient(_ name: String, attributes: [AttributeSpec] = [],
                              _ slope: @escaping @Sendable (Attributes) throws -> @Sendable (Double) -> Double)
        -> OpDefinition {
        MathOps.elementwisePair(name, inputs: ("gradients", "features"), attributes: attributes,
                                gradient: .function { c in
            let attributes = c.node.attributes.filter { $0.key != "T" }
            return [try c.graph.addOutput(name, name: name, inputs: [try c.gradient(), c.input(1)],
                                          attributes: attributes),
                    try c.graph.zerosLike(c.input(1))]
        }) { attributes in
            let slope = try slope(attributes)
            return { gradient, feature in gradient * slope(feature) }
        }
    }

    /// `tf.nn.bias_add`'s gradient for the bias: the sum over every axis but the channels.
    static let biasAddGrad = OpDefinition(
        "BiasAddGrad",
        inputs: [.input("out_backprop", type: "T")],
        attributes: [.type("T", DType.numeric), .string("data_format", ["NHWC", "NCHW"], default: "NHWC")],
        shape: { context in
            let shape = context.inputs[0].shape
            let channelsFirst = try context.attributes.string("data_format") == "NCHW"
            guard let dims = shape.dimensions else {
                return [TensorInfo(context.inputs[0].dtype, Shape(unknownDimensions: 1))]
            }
            guard dims.count >= 2 else {
                throw context.error("out_backprop must have rank 2 or more, but has shape \(shape)")
            }
            return [TensorInfo(context.inputs[0].dtype, Shape([dims[channelsFirst ? 1 : dims.count - 1]]))]
        },
        kernel: { context in
            let g = context.inputs[0]
            let axis = try context.attributes.string("data_format") == "NCHW" ? 1 : g.rank - 1
            let channels = g.shape[axis], inner = g.shape[(axis + 1)...].reduce(1, *)
            var sums = [Double](repeating: 0, count: channels)
            for (i, value) in g.doubles.enumerated() { sums[(i / inner) % channels] += value }
            return [Tensor(shape: [channels], scalars: sums).cast(to: g.dtype)]
        },
        gradient: .function { c in
            // The bias gradient's gradient spreads back over every position, as TensorFlow's _BiasAddGradGrad.
            let graph = c.graph
            guard let rank = try c.inputShape(0).rank else {
                throw GraphError(
                    .unsupported, node: c.node.name, op: "BiasAddGrad",
                    message: "the gradient needs the input's rank known while building")
            }
            let channelsFirst = c.node.attributes["data_format"] == .string("NCHW")
            var kept = Array(repeating: 1, count: rank)
            kept[channelsFirst ? 1 : rank - 1] = -1
            let expanded = try graph.reshape(try c.gradient(), to: kept)
            return [
                try graph.addOutput("BroadcastTo", name: "BroadcastTo", inputs: [expanded, try graph.shape(c.input(0))])
            ]
        })

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
                    throw context.error(
                        "bias has \(size) elements, but value \(value.shape) has \(channels) channels (axis \(axis))",
                        fix: "give the bias \(channels) elements")
                }
            }
            return [TensorInfo(value.dtype, value.shape)]
        },
        kernel: { context in
            let value = context.inputs[0], bias = context.inputs[1]
            let channelsFirst = try context.attributes.string("data_format") == "NCHW"
            let axis = channelsFirst ? 1 : value.rank - 1
            guard value.shape[axis] == bias.elementCount else {
                throw context.error("bias size does not match the channels")
            }
            var biasShape = Array(repeating: 1, count: value.rank)
            biasShape[axis] = bias.elementCount
            if value.dtype == .float32, bias.dtype == .float32 {
                return [MathOps.combineFloats(.add, into: value.shape, yShape: biasShape, &context)]
            }
            func run<T: NumericScalar>(_ a: [T], _ b: [T]) -> Tensor {
                Tensor(
                    shape: value.shape,
                    scalars: Elementwise.broadcast(a, value.shape, b, biasShape, into: value.shape, +))
            }
            switch (value.storage, bias.storage) {
            case let (.float32(a), .float32(b)): return [run(a, b)]
            case let (.float64(a), .float64(b)): return [run(a, b)]
            case let (.int32(a), .int32(b)): return [run(a, b)]
            case let (.int64(a), .int64(b)): return [run(a, b)]
            default: throw context.error("value and bias must be numeric and of one dtype")
            }
        },
        gradient: .function { c in
            let g = try c.gradient()
            return [g, try c.graph.addOutput("BiasAddGrad", name: "BiasAddGrad", inputs: [g],
                    attributes: ["data_format": c.node.attributes["data_format"] ?? .string("NHWC")])
            ]
        }
    ).with(OpTraits(channelArithmetic: { try $0.string("data_format") == "NHWC" ? .add : nil },
                    elementwiseBinary: { try $0.string("data_format") == "NHWC" ? .add : nil }))
        .storing(.overOwnedInput(0..<1))

    /// `tf.nn.leaky_relu`: x when positive, alpha·x otherwise.
    static let leakyRelu = OpDefinition(
        "LeakyRelu",
        inputs: [.input("features", type: "T")],
        attributes: [.type("T", DType.floatingPoint), .attr("alpha", default: .float(0.2))],
        shape: { context in [context.inputs[0].withoutValue] },
        kernel: { context in
            [UnaryFunction.leakyRelu(alpha: Double(try context.attributes.float("alpha"))).apply(context.inputs[0])]
        },
        gradient: .function { c in
            [try c.graph.addOutput("LeakyReluGrad", name: "LeakyReluGrad", inputs: [c.gradient(), c.input(0)],
                                   attributes: ["alpha": c.node.attributes["alpha"] ?? .float(0.2)])]
        }
    ).with(OpTraits(activation: { try .leakyRelu(alpha: Double($0.float("alpha"))) },
                    elementwise: { try .leakyRelu(alpha: Double($0.float("alpha"))) }))

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
            switch logits.storage {
            case .float32: return [softmaxFloats(&context, logarithm: false)]
            case .float64(let x):
                return [Tensor(shape: logits.shape,
                               scalars: VectorReductions.softmax(x, columns: logits.shape.last ?? 1, logarithm: false))]
            default: throw context.error("logits must be float32 or float64")
            }
        },
        gradient: .function { c in
            // (g - sum(g·y, last axis)) · y, as TensorFlow's _SoftmaxGrad.
            let graph = c.graph, y = c.output(0), g = try c.gradient()
            let rank = try graph.inferredShape(of: y).rank ?? 2
            let dot = try graph.sum(try graph.multiply(g, y), axes: [rank - 1], keepDims: true)
            return [try graph.multiply(try graph.subtract(g, dot), y)]
        }).storing(.overOwnedInput(0..<1))

    /// Softmax or log-softmax of float32 logits over the last axis through the vector kernels,
    /// written over the logits when this kernel owns them.
    static func softmaxFloats(_ context: inout KernelContext, logarithm: Bool) -> Tensor {
        let classes = context.inputs[0].shape.last ?? 1
        if context.owns(0) {
            var output = context.takeInput(0)
            output.withMutableScalars(as: Float.self) { x in
                VectorReductions.softmax(UnsafeBufferPointer(x), columns: classes, logarithm: logarithm, into: x)
            }
            return output
        }
        let logits = context.inputs[0], values = logits.scalars(as: Float.self)!
        return Tensor(shape: logits.shape,
                      scalars: [Float](unsafeUninitializedCapacity: values.count) { out, initialized in
                          values.withUnsafeBufferPointer {
                              VectorReductions.softmax($0, columns: classes, logarithm: logarithm, into: out)
                          }
                          initialized = values.count
                      })
    }

    /// `tf.nn.log_softmax` over the last axis: logits − log Σ exp(logits).
    static let logSoftmax = OpDefinition(
        "LogSoftmax",
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
            switch logits.storage {
            case .float32: return [softmaxFloats(&context, logarithm: true)]
            case .float64(let x):
                return [Tensor(shape: logits.shape,
                               scalars: VectorReductions.softmax(x, columns: logits.shape.last ?? 1, logarithm: true))]
            default: throw context.error("logits must be float32 or float64")
            }
        },
        gradient: .function { c in
            // g − sum(g, last axis) · softmax, as TensorFlow's _LogSoftmaxGrad.
            let graph = c.graph, g = try c.gradient()
            let rank = try graph.inferredShape(of: c.output(0)).rank ?? 2
            let total = try graph.sum(g, axes: [rank - 1], keepDims: true)
            return [try graph.subtract(g, try graph.multiply(total, try graph.exp(c.output(0))))]
        }).storing(.overOwnedInput(0..<1))

    /// `tf.nn.softmax_cross_entropy_with_logits`: per-row loss −Σ labels·log softmax(features),
    /// and its gradient with respect to the features, softmax(features) − labels.
    static let softmaxCrossEntropy = OpDefinition(
        "SoftmaxCrossEntropyWithLogits",
        inputs: [.input("features", type: "T"), .input("labels", type: "T")],
        outputs: [.output("loss"), .output("backprop")],
        attributes: [.type("T", DType.floatingPoint)],
        shape: { context in
            let features = try context.dimensions(of: 0, rank: 2, role: "features") ?? [nil, nil]
            let labels = try context.dimensions(of: 1, rank: 2, role: "labels") ?? [nil, nil]
            guard let merged = Shape(features).merged(with: Shape(labels)) else {
                throw context.error(
                    "features \(context.inputs[0].shape) and labels \(context.inputs[1].shape) must have one shape",
                    fix: "give labels one row of class probabilities per example")
            }
            let dtype = context.inputs[0].dtype
            return [TensorInfo(dtype, Shape([merged[0]])), TensorInfo(dtype, merged)]
        },
        kernel: { context in
            let features = context.inputs[0], labels = context.inputs[1]
            guard features.shape == labels.shape, features.rank == 2 else {
                throw context.error("features and labels must be [batch, classes] alike")
            }
            let (loss, backprop) = crossEntropy(features) { row, _ in
                Array(labels.doubles[(row * features.shape[1])..<((row + 1) * features.shape[1])])
            }
            return [loss.cast(to: features.dtype), backprop.cast(to: features.dtype)]
        },
        gradient: .function { c in
            // The labels' gradient is −log softmax(features) · g, as TensorFlow's.
            let graph = c.graph
            let logSoftmax = try graph.addOutput("LogSoftmax", name: "LogSoftmax", inputs: [c.input(0)])
            let labels = try graph.multiply(
                try graph.expandDims(try c.gradient(0), axis: -1), try graph.negate(logSoftmax))
            return [try crossEntropyGradient(c), labels]
        })

    /// `tf.nn.sparse_softmax_cross_entropy_with_logits`: the same with labels as class indices.
    static let sparseSoftmaxCrossEntropy = OpDefinition(
        "SparseSoftmaxCrossEntropyWithLogits",
        inputs: [.input("features", type: "T"), .input("labels", type: "Tlabels")],
        outputs: [.output("loss"), .output("backprop")],
        attributes: [.type("T", DType.floatingPoint), .type("Tlabels", DType.integer, default: .int64)],
        shape: { context in
            let features = try context.dimensions(of: 0, rank: 2, role: "features") ?? [nil, nil]
            let labels = try context.dimensions(of: 1, rank: 1, role: "labels") ?? [nil]
            if let a = features[0], let b = labels[0], a != b {
                throw context.error("features have \(a) rows but labels have \(b)", fix: "give one label per example")
            }
            let dtype = context.inputs[0].dtype
            return [
                TensorInfo(dtype, Shape([features[0] ?? labels[0]])),
                TensorInfo(dtype, Shape([features[0] ?? labels[0], features[1]]))
            ]
        },
        kernel: { context in
            let features = context.inputs[0]
            guard features.rank == 2, let labels = context.inputs[1].integers, labels.count == features.shape[0] else {
                throw context.error("labels must hold one class index per row of features")
            }
            let classes = features.shape[1]
            if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
                throw context.error("label \(bad) is outside the \(classes) classes [0, \(classes))")
            }
            let (loss, backprop) = crossEntropy(features) { row, count in
                var oneHot = [Double](repeating: 0, count: count)
                oneHot[labels[row]] = 1
                return oneHot
            }
            return [loss.cast(to: features.dtype), backprop.cast(to: features.dtype)]
        },
        gradient: .function { c in [try crossEntropyGradient(c), nil] })

    /// Loss and backprop of softmax cross entropy, rows computed in Double for stability.
    static func crossEntropy(_ features: Tensor, labels: (Int, Int) -> [Double]) -> (Tensor, Tensor) {
        let rows = features.shape[0], classes = features.shape[1]
        let x = features.doubles
        var loss = [Double](repeating: 0, count: rows), backprop = [Double](repeating: 0, count: rows * classes)
        for row in 0..<rows {
            let logits = x[(row * classes)..<((row + 1) * classes)]
            let top = logits.max() ?? 0
            let logSum = Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - top) }) + top
            let target = labels(row, classes)
            for (k, logit) in logits.enumerated() {
                let logProbability = logit - logSum
                loss[row] -= target[k] * logProbability
                backprop[row * classes + k] = Foundation.exp(logProbability) - target[k]
            }
        }
        return (Tensor(shape: [rows], scalars: loss), Tensor(shape: [rows, classes], scalars: backprop))
    }

    /// d(loss)/d(features) = g[:, None] · backprop, as TensorFlow's _SoftmaxCrossEntropyWithLogitsGrad.
    static func crossEntropyGradient(_ c: GradientContext) throws -> Output {
        let graph = c.graph
        return try graph.multiply(try graph.expandDims(try c.gradient(0), axis: -1), c.output(1))
    }

    /// The three versions of TensorFlow's fused batch norm: V1 has one dtype `T` for every input and
    /// output, V2 keeps the statistics in a dtype `U` of their own, and V3 adds a sixth output
    /// (reserve_space_3) that its gradient op takes as a sixth input. Otherwise they compute the same.
    enum FusedBatchNormVersion {
        case v1, v2, v3

        var suffix: String {
            switch self {
            case .v1: ""
            case .v2: "V2"
            case .v3: "V3"
            }
        }
        /// The dtype attribute of scale, offset, mean and variance.
        var statisticsType: String { self == .v1 ? "T" : "U" }
        var typeAttributes: [AttributeSpec] {
            self == .v1 ? [.type("T", [.float32])] : [.type("T", [.float32]), .type("U", [.float32])]
        }
        /// The output arguments' names, as function bodies refer to them.
        var outputs: [OutputSpec] {
            [.output("y"), .output("batch_mean"), .output("batch_variance"), .output("reserve_space_1"),
             .output("reserve_space_2")] + (self == .v3 ? [.output("reserve_space_3")] : [])
        }
        /// The gradient op's output arguments' names.
        var gradientOutputs: [OutputSpec] {
            let reserves = self == .v3 ? ["reserve_space_4", "reserve_space_5"] : ["reserve_space_3", "reserve_space_4"]
            return [.output("x_backprop"), .output("scale_backprop"), .output("offset_backprop")]
                + reserves.map(OutputSpec.output)
        }
    }

    /// `tf.compat.v1.nn.fused_batch_norm`: normalizes each channel by the given mean and variance
    /// (inference) or by the batch's (training, `is_training`), then scales and offsets.
    static func fusedBatchNorm(_ version: FusedBatchNormVersion) -> OpDefinition {
        let u = version.statisticsType
        return OpDefinition(
            "FusedBatchNorm" + version.suffix,
            inputs: [.input("x", type: "T"), .input("scale", type: u), .input("offset", type: u),
                     .input("mean", type: u), .input("variance", type: u)],
            outputs: version.outputs,
            attributes: version.typeAttributes + [.attr("epsilon", default: .float(0.0001)),
                         .attr("exponential_avg_factor", default: .float(1)),
                         .string("data_format", ["NHWC", "NCHW"], default: "NHWC"),
                         .attr("is_training", default: .bool(true))],
            shape: { context in
                let x = context.inputs[0]
                let dims = try context.dimensions(of: 0, rank: 4, role: "x")
                let channelsFirst = try context.attributes.string("data_format") == "NCHW"
                var channels = dims?[channelsFirst ? 1 : 3] ?? nil
                // In training the batch's own statistics are used, and mean and variance may be empty.
                let training = try context.attributes.bool("is_training")
                for (index, role) in [(1, "scale"), (2, "offset"), (3, "mean"), (4, "variance")] {
                    if training && index >= 3 { continue }
                    guard let size = try context.dimensions(of: index, rank: 1, role: role)?[0] else { continue }
                    if let known = channels, known != size {
                        throw context.error("\(role) has \(size) elements, but x \(x.shape) has \(known) channels",
                                            fix: "give \(role) \(known) elements")
                    }
                    channels = size
                }
                let vector = TensorInfo(.float32, Shape([channels]))
                let reserved = version == .v3 ? [TensorInfo(.float32, .scalar)] : []
                return [TensorInfo(x.dtype, x.shape), vector, vector, vector, vector] + reserved
            },
            kernel: { context in
                let channelsFirst = try context.attributes.string("data_format") == "NCHW"
                let x = channelsFirst ? Layout.transpose(context.inputs[0], [0, 2, 3, 1]) : context.inputs[0]
                guard let values = x.scalars(as: Float.self), let scale = context.inputs[1].scalars(as: Float.self),
                      let offset = context.inputs[2].scalars(as: Float.self) else {
                    throw context.error("expects float32 tensors")
                }
                let epsilon = try context.attributes.float("epsilon")
                let channels = x.shape[3]
                let count = values.count / max(channels, 1)
                var mean: [Float], variance: [Float], reportedVariance: [Float]
                if try context.attributes.bool("is_training") {
                    let squaredDeviations: [Float]
                    (mean, squaredDeviations) = VectorReductions.moments(values, channels: channels)
                    variance = squaredDeviations.map { $0 / Float(max(count, 1)) }
                    reportedVariance = squaredDeviations.map { $0 / Float(max(count - 1, 1)) }
                } else {
                    guard let m = context.inputs[3].scalars(as: Float.self),
                          let v = context.inputs[4].scalars(as: Float.self) else {
                        throw context.error("expects float32 mean and variance")
                    }
                    mean = m
                    variance = v
                    reportedVariance = v
                }
                guard [scale, offset, mean, variance].allSatisfy({ $0.count == channels }) else {
                    throw context.error("scale, offset, mean and variance must have \(channels) elements")
                }
                // (x − mean) · multiplier + offset, as one multiply-add per element.
                let multiplier = (0..<channels).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
                let shift = (0..<channels).map { offset[$0] - mean[$0] * multiplier[$0] }
                let y = [Float](unsafeUninitializedCapacity: values.count) { out, initialized in
                    values.withUnsafeBufferPointer {
                        VectorReductions.scaleShift($0, scale: multiplier, shift: shift, into: out)
                    }
                    initialized = values.count
                }
                var output = Tensor(shape: x.shape, scalars: y)
                if channelsFirst { output = Layout.transpose(output, [0, 3, 1, 2]) }
                let reserved = version == .v3 ? [Tensor(Float(0))] : []
                return [output, Tensor(mean), Tensor(reportedVariance), Tensor(mean), Tensor(variance)] + reserved
            },
            gradient: .function { c in
                // Training normalizes by the batch's statistics (reserve spaces 1 and 2); inference by the given ones.
                let training = try c.attributes.bool("is_training")
                let statistics = training ? [c.output(3), c.output(4)] : [c.input(3), c.input(4)]
                let attributes = c.node.attributes.filter { ["epsilon", "data_format", "is_training"].contains($0.key) }
                let name = "FusedBatchNormGrad" + version.suffix
                let reserved = version == .v3 ? [c.output(5)] : []
                let inputs = [try c.gradient(0), c.input(0), c.input(1)] + statistics + reserved
                let gradients = try c.graph.addNode(name, name: name, inputs: inputs, attributes: attributes)
                return [gradients[0], gradients[1], gradients[2], nil, nil]
            }
        ).with(OpTraits(inferenceNormalization: { attributes in
            guard try !attributes.bool("is_training"), try attributes.string("data_format") == "NHWC" else {
                return nil
            }
            return InferenceNormalization(epsilon: Double(try attributes.float("epsilon")))
        }))
    }

    /// FusedBatchNorm's gradient (each version its own op): x_backprop, scale_backprop and
    /// offset_backprop from y_backprop, with the statistics the forward pass normalized by (the
    /// batch's in training, in reserve_space_1/2 as mean and variance; the given ones in inference).
    /// V3's reserve_space_3 is taken and not needed.
    static func fusedBatchNormGrad(_ version: FusedBatchNormVersion) -> OpDefinition {
        let u = version.statisticsType
        return OpDefinition(
            "FusedBatchNormGrad" + version.suffix,
            inputs: [.input("y_backprop", type: "T"), .input("x", type: "T"),
                     version == .v1 ? .input("scale", type: "T") : .input("scale", .float32),
                     .input("reserve_space_1", type: u), .input("reserve_space_2", type: u)]
                + (version == .v3 ? [.input("reserve_space_3", type: u)] : []),
            outputs: version.gradientOutputs,
            attributes: version.typeAttributes + [.attr("epsilon", default: .float(0.0001)),
                         .string("data_format", ["NHWC", "NCHW"], default: "NHWC"),
                         .attr("is_training", default: .bool(true))],
            shape: { context in
                let x = context.inputs[1]
                let channelsFirst = try context.attributes.string("data_format") == "NCHW"
                let channels = try context.dimensions(of: 1, rank: 4, role: "x")?[channelsFirst ? 1 : 3] ?? nil
                let vector = TensorInfo(.float32, Shape([channels]))
                let empty = TensorInfo(.float32, [0])
                return [TensorInfo(x.dtype, x.shape), vector, vector, empty, empty]
            },
            kernel: { context in
                let channelsFirst = try context.attributes.string("data_format") == "NCHW"
                func nhwc(_ t: Tensor) -> Tensor { channelsFirst ? Layout.transpose(t, [0, 2, 3, 1]) : t }
                let dy = nhwc(context.inputs[0]).doubles, xTensor = nhwc(context.inputs[1]), x = xTensor.doubles
                let scale = context.inputs[2].doubles, mean = context.inputs[3].doubles
                let variance = context.inputs[4].doubles
                let channels = xTensor.shape[3], epsilon = Double(try context.attributes.float("epsilon"))
                guard dy.count == x.count, [scale, mean, variance].allSatisfy({ $0.count == channels }) else {
                    throw context.error("y_backprop, x, scale and the statistics do not agree on \(channels) channels")
                }
                let count = Double(max(x.count / max(channels, 1), 1))
                let inverse = variance.map { 1 / ($0 + epsilon).squareRoot() }
                var sumDy = [Double](repeating: 0, count: channels), sumDyXhat = [Double](repeating: 0, count: channels)
                for i in x.indices {
                    let k = i % channels
                    sumDy[k] += dy[i]
                    sumDyXhat[k] += dy[i] * (x[i] - mean[k]) * inverse[k]
                }
                let training = try context.attributes.bool("is_training")
                let dx = x.indices.map { i -> Double in
                    let k = i % channels
                    guard training else { return dy[i] * scale[k] * inverse[k] }
                    let xhat = (x[i] - mean[k]) * inverse[k]
                    return scale[k] * inverse[k] * (dy[i] - sumDy[k] / count - xhat * sumDyXhat[k] / count)
                }
                var xBackprop = Tensor(shape: xTensor.shape, scalars: dx.map { Float($0) })
                if channelsFirst { xBackprop = Layout.transpose(xBackprop, [0, 3, 1, 2]) }
                let empty = Tensor(shape: [0], scalars: [Float]())
                return [xBackprop, Tensor(sumDyXhat.map { Float($0) }), Tensor(sumDy.map { Float($0) }), empty, empty]
            })
    }
}

extension TensorInfo {
    /// The same dtype and shape with the value forgotten, for ops whose output differs from their input.
    var withoutValue: TensorInfo { TensorInfo(dtype, shape) }
}

extension Graph {
    /// Adds `bias` along the channel axis, `tf.nn.bias_add` (TensorFlow op `BiasAdd`).
    public func biasAdd(
        _ value: Output, _ bias: Output, dataFormat: DataFormat = .nhwc, name: String? = nil
    ) throws -> Output {
        try addOutput(
            "BiasAdd", name: name, inputs: [value, bias], attributes: ["data_format": .string(dataFormat.rawValue)])
    }

    /// `max(x, 0)`, `tf.nn.relu` (TensorFlow op `Relu`).
    public func relu(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("Relu", name: name, inputs: [x])
    }

    /// `min(max(x, 0), 6)`, `tf.nn.relu6` (TensorFlow op `Relu6`).
    public func relu6(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("Relu6", name: name, inputs: [x])
    }

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
                                   epsilon: Float = 0.001, dataFormat: DataFormat = .nhwc,
                                   name: String? = nil) throws -> Output {
        try addNode("FusedBatchNormV3", name: name, inputs: [x, scale, offset, mean, variance],
                    attributes: ["epsilon": .float(epsilon), "is_training": .bool(false),
                                 "data_format": .string(dataFormat.rawValue)])[0]
    }
}

extension Graph {
    /// Per-example softmax cross entropy of `logits` against class-probability `labels`,
    /// `tf.nn.softmax_cross_entropy_with_logits` (TensorFlow op `SoftmaxCrossEntropyWithLogits`).
    public func softmaxCrossEntropy(logits: Output, labels: Output, name: String? = nil) throws -> Output {
        try addNode("SoftmaxCrossEntropyWithLogits", name: name, inputs: [logits, labels])[0]
    }

    /// Elementwise sigmoid cross entropy of `logits` against probabilities `labels`, computed
    /// stably as TensorFlow's `tf.nn.sigmoid_cross_entropy_with_logits` composes it:
    /// max(x, 0) − x·z + log(1 + e^−|x|).
    public func sigmoidCrossEntropy(logits: Output, labels: Output, name: String? = nil) throws -> Output {
        try withNameScope(name ?? "logistic_loss") {
            let zeros = try zerosLike(logits)
            let positive = try addOutput(
                "SelectV2", name: "Select",
                inputs: [try addOutput("GreaterEqual", inputs: [logits, zeros]), logits, zeros])
            let negativeAbs = try addOutput("SelectV2", name: "Select_1",
                inputs: [
                    try addOutput("GreaterEqual", name: "GreaterEqual_1", inputs: [logits, zeros]), try negate(logits),
                    logits
                ])
            let linear = try subtract(positive, try multiply(logits, labels))
            return try add(linear, try addOutput("Log1p", inputs: [try exp(negativeAbs)]), name: currentScope)
        }
    }

    /// Per-example softmax cross entropy of `logits` against class indices `labels`,
    /// `tf.nn.sparse_softmax_cross_entropy_with_logits` (TensorFlow op `SparseSoftmaxCrossEntropyWithLogits`).
    public func sparseSoftmaxCrossEntropy(logits: Output, labels: Output, name: String? = nil) throws -> Output {
        try addNode("SparseSoftmaxCrossEntropyWithLogits", name: name, inputs: [logits, labels])[0]
    }

    /// Half the sum of the squares of `t`, a scalar: `tf.nn.l2_loss` (TensorFlow op `L2Loss`), the
    /// weight-decay term.
    public func l2Loss(_ t: Output, name: String? = nil) throws -> Output {
        try addOutput("L2Loss", name: name, inputs: [t])
    }
}
