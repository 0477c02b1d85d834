/// Fuses `x · s + t` with per-channel constants `s` and `t`, and the activation after it, into one
/// `_FusedBatchNormEx` (mean 0, variance 1, epsilon 0): the batch norms that cannot fold into the
/// weights before them, because an activation comes between (DenseNet's BN → Relu → Conv), then
/// cost one pass over the activations instead of three.
struct ChannelAffineFusion: GraphPass {
    var name: String { "channel affine fusion" }

    func run(_ graph: inout PlanGraph) throws -> Int {
        var fused = 0
        for name in graph.runningInOrder {
            guard let multiply = graph.runningNode(name), try graph.channelArithmetic(of: multiply) == .multiply,
                  let (input, scale) = perChannelOperands(of: multiply, in: graph),
                  graph.hasSoleReader(multiply.name), let add = graph.readerNodes(of: multiply.name).first,
                  add.controlInputs.isEmpty, try graph.channelArithmetic(of: add) == .add,
                  add.inputs.count == 2, let side = add.inputs.firstIndex(of: Output(node: multiply.name)),
                  let constant = graph.constantValue(add.inputs[1 - side]),
                  let shift = LinearChain.channelVector(constant, channels: scale.elementCount, dtype: .float32),
                  add.outputs[0].shape == multiply.outputs[0].shape else { continue }
            var chain = [multiply, add], mode = "Identity"
            if graph.hasSoleReader(add.name), let activation = graph.readerNodes(of: add.name).first,
               activation.controlInputs.isEmpty, activation.inputs == [Output(node: add.name)],
               try graph.definition(of: activation).traits.activation != nil, activation.attributes["alpha"] == nil {
                chain.append(activation)
                mode = activation.op
            }
            let channels = scale.elementCount
            let statistics = [Tensor(zeros: [channels], dtype: .float32),
                              Tensor(repeating: 1, shape: [channels], dtype: .float32)]
            let inputs = [input, graph.addConstant(scale, named: multiply.name + "/scale"),
                          graph.addConstant(shift, named: add.name + "/offset")]
                + statistics.enumerated().map { graph.addConstant($1, named: add.name + "/statistics_\($0)") }
            let last = chain.last!
            let node = try graph.makeNode(FusedOps.fusedBatchNormEx.name, name: last.name, inputs: inputs,
                                          attributes: ["epsilon": .float(0), "is_training": .bool(false),
                                                       "activation_mode": .string(mode)])
            graph.replace(node)
            for replaced in chain.dropLast() { graph.remove(replaced.name) }
            fused += 1
        }
        return fused
    }

    /// The computed input of a float32 rank-4 multiplication by a per-channel constant, and that
    /// constant as a vector.
    private func perChannelOperands(of node: Node, in graph: PlanGraph) -> (Output, Tensor)? {
        guard node.controlInputs.isEmpty, node.inputs.count == 2, node.outputs[0].dtype == .float32 else { return nil }
        for side in 0..<2 {
            let input = node.inputs[side]
            guard graph.constantValue(input) == nil, let info = graph.info(of: input),
                  info.shape == node.outputs[0].shape,
                  info.shape.rank == 4, let channels = info.shape.dimensions?.last ?? nil,
                  let constant = graph.constantValue(node.inputs[1 - side]),
                  let scale = LinearChain.channelVector(constant, channels: channels, dtype: .float32) else { continue }
            return (input, scale)
        }
        return nil
    }
}
