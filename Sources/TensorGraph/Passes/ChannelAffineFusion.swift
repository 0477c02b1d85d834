/// Fuses `x · s + t` with per-channel constants `s` and `t` (written out as Mul and Add, or a
/// FusedBatchNorm with constant statistics in inference), and the activation after it, into one
/// `_FusedBatchNormEx` (mean 0, variance 1, epsilon 0): the batch norms that cannot fold into the
/// weights before them, because an activation comes between (DenseNet's BN → Relu → Conv), then
/// cost one pass over the activations instead of three.
struct ChannelAffineFusion: GraphPass {
    var name: String { "channel affine fusion" }

    /// A per-channel `input · scale + shift` computed by `chain`, whose last node gives the result.
    private struct Affine {
        let input: Output
        let scale: Tensor, shift: Tensor
        var chain: [Node]
    }

    func run(_ graph: inout PlanGraph) throws -> Int {
        var fused = 0
        for name in graph.runningInOrder {
            guard let node = graph.runningNode(name),
                  var affine = try normalization(node, in: graph) ?? multiplyAdd(node, in: graph) else { continue }
            var mode = "Identity"
            let result = affine.chain.last!
            if graph.hasSoleReader(result.name), let activation = graph.readerNodes(of: result.name).first,
               activation.controlInputs.isEmpty, activation.inputs == [Output(node: result.name)],
               try graph.definition(of: activation).traits.activation != nil, activation.attributes["alpha"] == nil {
                affine.chain.append(activation)
                mode = activation.op
            }
            let channels = affine.scale.elementCount
            let statistics = [Tensor(zeros: [channels], dtype: .float32),
                              Tensor(repeating: 1, shape: [channels], dtype: .float32)]
            let inputs = [affine.input, graph.addConstant(affine.scale, named: result.name + "/scale"),
                          graph.addConstant(affine.shift, named: result.name + "/offset")]
                + statistics.enumerated().map { graph.addConstant($1, named: result.name + "/statistics_\($0)") }
            let last = affine.chain.last!
            let fusedNode = try graph.makeNode(FusedOps.fusedBatchNormEx.name, name: last.name, inputs: inputs,
                                               attributes: ["epsilon": .float(0), "is_training": .bool(false),
                                                            "activation_mode": .string(mode)],
                                               controlInputs: affine.chain[0].controlInputs)
            graph.replace(fusedNode)
            for replaced in affine.chain.dropLast() { graph.remove(replaced.name) }
            fused += 1
        }
        return fused
    }

    /// A FusedBatchNorm with constant statistics in inference, on a rank-4 float32 input.
    private func normalization(_ node: Node, in graph: PlanGraph) throws -> Affine? {
        guard let (input, multiplier, shift) = try graph.constantNormalization(of: node),
              graph.constantValue(input) == nil, graph.info(of: input)?.shape.rank == 4 else { return nil }
        let channels = [multiplier.count]
        return Affine(input: input, scale: Tensor(shape: channels, scalars: multiplier.map { Float($0) }),
                      shift: Tensor(shape: channels, scalars: shift.map { Float($0) }), chain: [node])
    }

    /// A Mul by a per-channel constant whose only reader adds one.
    private func multiplyAdd(_ multiply: Node, in graph: PlanGraph) throws -> Affine? {
        guard try graph.channelArithmetic(of: multiply) == .multiply,
              let (input, scale) = perChannelOperands(of: multiply, in: graph),
              graph.hasSoleReader(multiply.name), let add = graph.readerNodes(of: multiply.name).first,
              add.controlInputs.isEmpty, try graph.channelArithmetic(of: add) == .add,
              add.inputs.count == 2, let side = add.inputs.firstIndex(of: Output(node: multiply.name)),
              let constant = graph.constantValue(add.inputs[1 - side]),
              let shift = LinearChain.channelVector(constant, channels: scale.elementCount, dtype: .float32),
              add.outputs[0].shape == multiply.outputs[0].shape else { return nil }
        return Affine(input: input, scale: scale, shift: shift, chain: [multiply, add])
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
