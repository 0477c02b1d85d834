/// Folds per-channel arithmetic with constants after a product with constant weights (Conv2D,
/// DepthwiseConv2dNative, MatMul, Conv2DBackpropInput) into the weights and one bias:
/// `(x ⋆ W + b) · s + t` becomes `x ⋆ (W · s) + (b · s + t)`. That is an inference batch norm
/// written out (Keras writes `x · scale + shift` with constants), which then costs nothing.
struct BatchNormFolding: GraphPass {
    var name: String { "batch-norm folding" }

    func run(_ graph: inout PlanGraph) throws -> Int {
        var folded = 0
        for name in graph.runningInOrder {
            guard let node = graph.runningNode(name) else { continue }
            if let normalization = try graph.constantNormalization(of: node) {
                guard let chain = try LinearChain(feeding: normalization.input, in: graph),
                      chain.channels == normalization.multiplier.count else { continue }
                try chain.fold(scale: normalization.multiplier, shift: normalization.shift, into: node, in: &graph)
                folded += 1
                continue
            }
            guard let arithmetic = try channelArithmetic(of: node, in: graph) else { continue }
            // Addition and multiplication take the constant on either side.
            let sides = arithmetic == .add || arithmetic == .multiply ? [(0, 1), (1, 0)] : [(0, 1)]
            for (chainSide, constantSide) in sides {
                guard let chain = try LinearChain(feeding: node.inputs[chainSide], in: graph),
                      let constant = graph.constantValue(node.inputs[constantSide]),
                      let operand = chain.perChannel(constant, resultShape: node.outputs[0]) else { continue }
                // The canonical form already: one bias straight after the product.
                if chain.bias == nil, arithmetic == .add, node.op == NeuralNetworkOps.biasAdd.name { break }
                try chain.fold(arithmetic, operand, into: node, in: &graph)
                folded += 1
                break
            }
        }
        return folded
    }

    /// The per-channel arithmetic a node of a floating-point dtype does, when its op has one.
    private func channelArithmetic(of node: Node, in graph: PlanGraph) throws -> ChannelArithmetic? {
        guard node.outputs.count == 1, node.outputs[0].dtype.isFloatingPoint else { return nil }
        return try graph.channelArithmetic(of: node)
    }
}

/// A product with constant weights, optionally followed by the one bias it already has, whose
/// result only the node being folded reads.
struct LinearChain {
    let product: Node
    let weightsInput: Int
    let weights: Tensor
    /// The weights' axes that make up the output channel.
    let channelAxes: Range<Int>
    let channels: Int
    /// The bias node after the product, and its value.
    let bias: (node: Node, value: Tensor)?

    /// The chain that produces `output`, if it is one the node reading it may fold into.
    init?(feeding output: Output, in graph: PlanGraph) throws {
        guard output.index == 0, graph.hasSoleReader(output.node),
              let first = graph.nodes[output.node] else { return nil }
        var product = first, bias: (Node, Tensor)?
        if try graph.definition(of: first).traits.linearWeights == nil {
            // A bias between: BiasAdd (or an Add) of a constant vector on the product.
            guard try graph.channelArithmetic(of: first) == .add, first.inputs[0].index == 0,
                  graph.hasSoleReader(first.inputs[0].node),
                  let value = graph.constantValue(first.inputs[1]), let next = graph.nodes[first.inputs[0].node]
            else { return nil }
            (product, bias) = (next, (first, value))
        }
        let definition = try graph.definition(of: product)
        guard let linear = definition.traits.linearWeights, product.outputs.count == 1,
              let weights = graph.constantValue(product.inputs[linear.input]),
              weights.dtype == product.outputs[0].dtype,
              let axes = try linear.channelAxes(Attributes(product.attributes, node: product.name, op: product.op),
                                                weights.rank),
              let channels = product.outputs[0].shape.dimensions?.last ?? nil,
              weights.shape[axes].reduce(1, *) == channels else { return nil }
        (self.product, self.weightsInput, self.weights, self.channelAxes, self.channels) =
            (product, linear.input, weights, axes, channels)
        if let bias {
            guard let vector = LinearChain.channelVector(bias.1, channels: channels, dtype: weights.dtype) else {
                return nil
            }
            self.bias = (bias.0, vector)
        } else {
            self.bias = nil
        }
    }

    /// `constant` as one value per channel, when it is a scalar or a vector along the last axis and
    /// broadcasting it leaves the product's shape as it is.
    func perChannel(_ constant: Tensor, resultShape: TensorInfo) -> Tensor? {
        guard resultShape.shape == product.outputs[0].shape, constant.rank <= (product.outputs[0].shape.rank ?? 0)
        else { return nil }
        return LinearChain.channelVector(constant, channels: channels, dtype: weights.dtype)
    }

    /// A scalar or a `[1, ..., 1, channels]` constant as a vector of `channels` values.
    static func channelVector(_ constant: Tensor, channels: Int, dtype: DType) -> Tensor? {
        guard constant.dtype == dtype, constant.shape.dropLast().allSatisfy({ $0 == 1 }) else { return nil }
        switch constant.elementCount {
        case channels: return constant.reshaped(to: [channels])
        case 1: return Tensor(repeating: constant.doubles[0], shape: [channels], dtype: dtype)
        default: return nil
        }
    }

    /// Rewrites `node` (the arithmetic reading this chain) as the product with folded weights and
    /// one bias, under the node's name so that its readers and fetches are untouched.
    func fold(_ arithmetic: ChannelArithmetic, _ operand: Tensor, into node: Node, in graph: inout PlanGraph) throws {
        let c = operand.doubles
        switch arithmetic {
        case .add: try fold(scale: nil, shift: c, into: node, in: &graph)
        case .subtract: try fold(scale: nil, shift: c.map { -$0 }, into: node, in: &graph)
        case .multiply: try fold(scale: c, shift: nil, into: node, in: &graph)
        case .divide: try fold(scale: c.map { 1 / $0 }, shift: nil, into: node, in: &graph)
        }
    }

    /// Rewrites `node`, which computes this chain's result `· scale + shift` per channel, as the
    /// product with the weights scaled and one bias, under the node's name.
    func fold(scale: [Double]?, shift: [Double]?, into node: Node, in graph: inout PlanGraph) throws {
        var newBias = bias?.value.doubles ?? Array(repeating: 0, count: channels)
        if let scale { newBias = zip(newBias, scale).map { $0 * $1 } }
        if let shift { newBias = zip(newBias, shift).map { $0 + $1 } }
        var product = self.product
        if let scale {
            let scaled = graph.addConstant(scaledWeights(scale), named: product.name + "/folded_weights")
            var inputs = product.inputs
            inputs[weightsInput] = scaled
            product = Node(name: product.name, op: product.op, inputs: inputs, controlInputs: product.controlInputs,
                           attributes: product.attributes, device: product.device, outputs: product.outputs)
            graph.replace(product)
        }
        let biasVector = weights.dtype == .float32
            ? Tensor(shape: [channels], scalars: newBias.map { Float($0) })
            : Tensor(shape: [channels], scalars: newBias)
        let biasOutput = graph.addConstant(biasVector,
                                           named: product.name + "/folded_bias")
        let biasAdd = try graph.makeNode(NeuralNetworkOps.biasAdd.name, name: node.name,
                                         inputs: [Output(node: product.name), biasOutput],
                                         attributes: ["T": .type(weights.dtype), "data_format": .string("NHWC")],
                                         controlInputs: node.controlInputs)
        graph.replace(biasAdd)
        if let bias { graph.remove(bias.node.name) }
    }

    /// The weights with every element of output channel `c` multiplied by `scale[c]`.
    private func scaledWeights(_ scale: [Double]) -> Tensor {
        let inner = weights.shape[channelAxes.upperBound...].reduce(1, *)
        func scaled<T: FloatingScalar>(_ values: [T]) -> [T] {
            let factors = scale.map { T($0) }
            var values = values
            for i in values.indices { values[i] *= factors[i / inner % channels] }
            return values
        }
        switch weights.storage {
        case .float32(let values): return Tensor(shape: weights.shape, scalars: scaled(values))
        case .float64(let values): return Tensor(shape: weights.shape, scalars: scaled(values))
        default: return weights
        }
    }
}
