/// What the graph optimizer may know of an op, declared with the op, so that no pass tests an op's
/// name: which ops only pass values on, which are linear in a weights input, which apply an
/// activation, which do per-channel arithmetic.
struct OpTraits: Sendable {
    /// Output `i` is input `i`, unchanged (Identity, IdentityN, StopGradient, Snapshot).
    var forwardsInputs = false
    /// Its one output is its one input, unchanged, but passes must keep the node (LoopCond): an
    /// executor may pass the input on without running the kernel, as it may for a forwarding op.
    var returnsItsInput = false
    /// The op computes nothing; only its control inputs matter (NoOp).
    var ordersOnly = false
    /// Its output is a variable, read in place by each op that consumes it (VariableV2).
    var isVariable = false
    /// A value the graph is meant to be fed (Placeholder, PlaceholderWithDefault): loading may
    /// override its declared `shape`, and messages call it a placeholder.
    var isPlaceholder = false
    /// Elementwise arithmetic that, with one operand constant along the last axis, scales or
    /// shifts each channel (Add, AddV2, BiasAdd, Sub, Mul, RealDiv), for the node's attributes;
    /// `nil` when the operand is not broadcast along the last axis (an NCHW BiasAdd).
    var channelArithmetic: (@Sendable (Attributes) throws -> ChannelArithmetic?)?
    /// The op is linear in a weights input, each output channel coming from a slice of the weights
    /// (Conv2D, DepthwiseConv2dNative, MatMul, Conv2DBackpropInput).
    var linearWeights: LinearWeights?
    /// The op is `function(x)` elementwise, for the function the attributes give (Relu, LeakyRelu, ...).
    var activation: (@Sendable (Attributes) throws -> UnaryFunction)?
    /// The op is `function(x)` elementwise, for the function the attributes give: every one-operand
    /// math op (Neg, Exp, Sqrt, ...) and every activation. What the elementwise fusion chains.
    var elementwise: (@Sendable (Attributes) throws -> UnaryFunction)?
    /// The op is `function(x, y)` elementwise with numpy broadcasting, for the function the
    /// attributes give (Add, Sub, Mul, RealDiv, Maximum, ..., BiasAdd in NHWC); `nil` when the
    /// operands do not broadcast that way (an NCHW BiasAdd).
    var elementwiseBinary: (@Sendable (Attributes) throws -> BinaryFunction?)?
    /// The fused op (`_FusedConv2D`, `_FusedMatMul`) that computes this product together with a bias,
    /// a residual addition and an activation, and the attributes it keeps from the product.
    var fusedForm: FusedForm?
    /// The op normalizes each channel by statistics it is given, for the node's attributes
    /// (FusedBatchNorm, V2 and V3 with `is_training` false, channels last): `nil` when it computes
    /// the batch's own statistics or the channel is not the last axis.
    var inferenceNormalization: (@Sendable (Attributes) throws -> InferenceNormalization?)?
    /// How the op routes values between branches, loop frames and iterations (Switch, Merge, Enter,
    /// Exit, NextIteration); a run holding one goes to the dataflow executor.
    var controlFlow: ControlFlowRole?
    /// Where the op's output lives, for the memory plan.
    var outputStorage = OutputStorage.fresh
}

/// Where an op's outputs keep their elements, as its kernel does it: what a run's memory plan
/// counts (``MemoryPlan``).
enum OutputStorage: Sendable {
    /// A buffer of its own for every output.
    case fresh
    /// For the first output, the buffer of one of these inputs that the kernel is the last reader of
    /// (it takes it over with `KernelContext.takeInput`) when one has the output's size: the elementwise
    /// ops, BiasAdd, Softmax, a fused product's residual, `_FusedBatchNormEx`'s x. Fresh buffers otherwise.
    case overOwnedInput(Range<Int>)
    /// Output `i` is input `i`'s buffer, perhaps under another shape (Reshape, ExpandDims, Squeeze;
    /// every output of an op that ``OpTraits/forwardsInputs``, as IdentityN's).
    case inputView
}

/// A batch normalization with given statistics, `y = (x − mean) · scale / √(variance + ε) + offset`,
/// its inputs in TensorFlow's order: x, scale, offset, mean, variance.
struct InferenceNormalization: Sendable {
    static let x = 0, scale = 1, offset = 2, mean = 3, variance = 4
    let epsilon: Double

    /// The per-channel `x · multiplier + shift` it computes, for the four statistics' values, or
    /// `nil` when they are not vectors of `channels` values.
    func affine(scale: [Double], offset: [Double], mean: [Double], variance: [Double],
                channels: Int) -> (multiplier: [Double], shift: [Double])? {
        guard [scale, offset, mean, variance].allSatisfy({ $0.count == channels }) else { return nil }
        let multiplier = (0..<channels).map { scale[$0] / (variance[$0] + epsilon).squareRoot() }
        return (multiplier, (0..<channels).map { offset[$0] - mean[$0] * multiplier[$0] })
    }
}

/// How an elementwise op combines a value with a per-channel operand.
enum ChannelArithmetic: Sendable {
    case add, subtract, multiply, divide
}

/// Where an op's weights hold each output channel: with the weights seen as `[outer, channels,
/// inner]`, axes `channelAxes` of the weights' shape make up the output's last axis.
struct LinearWeights: Sendable {
    /// The weights' input index.
    let input: Int
    /// The weights' axes that form the output channel, for the node's attributes and the weights'
    /// rank; `nil` when the output's last axis is not the channel (NCHW) or the weights are not
    /// laid out per channel (a transposed MatMul operand `a`).
    let channelAxes: @Sendable (Attributes, Int) throws -> Range<Int>?
}

/// A product's fused form: the op that computes it with its epilogue.
struct FusedForm: Sendable {
    /// TensorFlow's name of the fused op (`_FusedConv2D`).
    let op: String
    /// The activations TensorFlow's CPU kernels of the fused op apply, with oneDNN and with Eigen
    /// alike (neither runs a residual Add after the bias on both); `nil` when Eigen has no kernel
    /// for the fused op at all. What an optimized graph written for TensorFlow may hold.
    let tensorFlowActivations: Set<String>?
    /// Whether the product's attributes allow fusing (float32, NHWC, no transpose of `a`).
    let accepts: @Sendable (Attributes) throws -> Bool

    init(op: String, tensorFlowActivations: Set<String>?, accepts: @escaping @Sendable (Attributes) throws -> Bool) {
        (self.op, self.tensorFlowActivations, self.accepts) = (op, tensorFlowActivations, accepts)
    }
}

extension OpDefinition {
    /// This definition with `traits`.
    func with(_ traits: OpTraits) -> OpDefinition {
        var definition = self
        definition.traits = traits
        return definition
    }
}

extension OpDefinition {
    /// This definition with its output kept in `storage`.
    func storing(_ storage: OutputStorage) -> OpDefinition {
        var traits = self.traits
        traits.outputStorage = storage
        return with(traits)
    }

    /// This elementwise definition marked as the activation `function`, which a fused product may
    /// apply as its last step (the activations TensorFlow's `_FusedConv2D` accepts).
    func fusable(_ function: UnaryFunction) -> OpDefinition {
        var traits = self.traits
        traits.activation = { _ in function }
        return with(traits)
    }
}

extension BinaryFunction {
    /// What the function does to a channel when one operand is a per-channel constant.
    var channelArithmetic: ChannelArithmetic? {
        switch self {
        case .add: .add
        case .subtract: .subtract
        case .multiply: .multiply
        case .divide: .divide
        default: nil
        }
    }
}
