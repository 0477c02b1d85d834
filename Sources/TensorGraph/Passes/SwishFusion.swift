/// Rewrites `x · sigmoid(x)` (Keras' swish: a Sigmoid and the Mul of its input by it, with a Mul
/// by a constant beta of 1 before the Sigmoid where Keras 3 writes one) as one `_MklSwish`, the
/// name TensorFlow's oneDNN remapper gives it, which a fused product or the channel affine
/// fusion then applies as its activation.
struct SwishFusion: GraphPass {
    var name: String { "swish fusion" }

    func run(_ graph: inout PlanGraph) throws -> Int {
        var fused = 0
        for name in graph.runningInOrder {
            guard let multiply = graph.runningNode(name), multiply.controlInputs.isEmpty,
                  try graph.channelArithmetic(of: multiply) == .multiply, multiply.outputs.count == 1,
                  case let dtype = multiply.outputs[0].dtype, dtype.isFloatingPoint else { continue }
            for side in 0..<2 {
                let x = multiply.inputs[1 - side]
                guard graph.info(of: x)?.shape == multiply.outputs[0].shape,
                      let gate = try sigmoidChain(from: multiply.inputs[side], of: x, in: graph) else { continue }
                graph.replace(try graph.makeNode(FusedOps.swish.name, name: multiply.name, inputs: [x],
                                                 attributes: ["T": .type(dtype)]))
                for node in gate { graph.remove(node.name) }
                fused += 1
                break
            }
        }
        return fused
    }

    /// The nodes that compute `sigmoid(x)` or `sigmoid(x · 1)` into `output`, each read only by
    /// the next.
    private func sigmoidChain(from output: Output, of x: Output, in graph: PlanGraph) throws -> [Node]? {
        guard output.index == 0, output != x, graph.hasSoleReader(output.node), let sigmoid = graph.nodes[output.node],
              sigmoid.controlInputs.isEmpty, sigmoid.inputs.count == 1,
              let activation = try graph.definition(of: sigmoid).traits.activation,
              try activation(Attributes(sigmoid.attributes, node: sigmoid.name, op: sigmoid.op)) == .sigmoid
        else { return nil }
        if sigmoid.inputs[0] == x { return [sigmoid] }
        let scaled = sigmoid.inputs[0]
        guard scaled.index == 0, graph.hasSoleReader(scaled.node), let beta = graph.nodes[scaled.node],
              beta.controlInputs.isEmpty, try graph.channelArithmetic(of: beta) == .multiply,
              let side = beta.inputs.firstIndex(of: x), let one = graph.constantValue(beta.inputs[1 - side]),
              one.elementCount == 1, one.doubles[0] == 1, beta.outputs[0].shape == graph.info(of: x)?.shape
        else { return nil }
        return [sigmoid, beta]
    }
}
