/// Fuses a chain of elementwise ops on one tensor (each the only reader of the one before, nothing
/// fetched, fed or waited for inside the chain) into one `_FusedElementwise`, which runs the whole
/// chain in one sweep over the tensor instead of one pass per op: the BiasAdd and activation after
/// a conv2d_transpose, an input's `(x − mean) / std`. A step joins only when it is float32 and its
/// other operand is a scalar, a tensor of the same shape or a vector along the last axis; one that
/// broadcasts any other way, or enlarges the tensor, is left as it is. The fused node takes the
/// name of the chain's last node, so its readers and fetches are untouched. A tensor smaller than
/// one of the fused kernel's blocks stays in the first-level cache between unfused ops anyway, so
/// there fusing saves no memory traffic and only adds the fused kernel's setup: it is left alone.
struct ElementwiseFusion: GraphPass {
    var name: String { "elementwise fusion" }

    /// The fewest elements a fused tensor has: one block of the fused kernel.
    static let minimumElements = ElementwiseProgram.elementsPerBlock

    /// One node as a step of a chain: the tensor it applies its function to, and its other operand.
    private struct Link {
        let node: Node
        let value: Output
        let function: ElementwiseSteps.Function
        let operand: Output?
        let operandFirst: Bool
    }

    func run(_ graph: inout PlanGraph) throws -> Int {
        var fused = 0
        for name in graph.runningInOrder {
            guard let head = graph.runningNode(name),
                  let first = try link(head, value: nil, in: graph) else { continue }
            var chain = [first]
            while case let end = chain.last!.node.name, graph.hasSoleReader(end),
                  let reader = graph.readerNodes(of: end).first, reader.controlInputs.isEmpty,
                  let next = try link(reader, value: Output(node: end), in: graph) {
                chain.append(next)
            }
            guard chain.count >= 2 else { continue }
            var operands: [Output] = []
            let steps = chain.map { link in
                let index = link.operand.map { operand in
                    if let index = operands.firstIndex(of: operand) { return index + 1 }
                    operands.append(operand)
                    return operands.count
                }
                return ElementwiseSteps.Step(function: link.function, operand: index, operandFirst: link.operandFirst)
            }
            let attributes = ElementwiseSteps(steps).attributes(operandCount: operands.count)
            graph.replace(try graph.makeNode(FusedOps.fusedElementwise.name, name: chain.last!.node.name,
                                             inputs: [first.value] + operands, attributes: attributes,
                                             controlInputs: head.controlInputs))
            for link in chain.dropLast() { graph.remove(link.node.name) }
            fused += 1
        }
        return fused
    }

    /// `node` as a step applied to `value` (for a chain's first node, nil: whichever input has the
    /// node's shape), when it is a float32 elementwise op whose other operand spreads over the
    /// tensor as the fused kernel reads it.
    private func link(_ node: Node, value: Output?, in graph: PlanGraph) throws -> Link? {
        guard node.outputs.count == 1, node.outputs[0].dtype == .float32,
              let shape = node.outputs[0].shape.concrete,
              shape.reduce(1, *) >= Self.minimumElements else { return nil }
        let traits = try graph.definition(of: node).traits
        let attributes = Attributes(node.attributes, node: node.name, op: node.op)
        func hasShape(_ output: Output) -> Bool {
            graph.info(of: output)?.dtype == .float32 && graph.info(of: output)?.shape.concrete == shape
        }
        if let unary = traits.elementwise, node.inputs.count == 1 {
            guard value == nil || node.inputs[0] == value, hasShape(node.inputs[0]) else { return nil }
            return Link(node: node, value: node.inputs[0], function: .unary(try unary(attributes)), operand: nil,
                        operandFirst: false)
        }
        guard node.inputs.count == 2, let function = try traits.elementwiseBinary?(attributes) else { return nil }
        for side in 0..<2 where value == nil || node.inputs[side] == value {
            let operand = node.inputs[1 - side]
            guard hasShape(node.inputs[side]), let info = graph.info(of: operand), info.dtype == .float32,
                  let operandShape = info.shape.concrete,
                  ElementwiseProgram.Spread(operandShape, over: shape) != nil else { continue }
            return Link(node: node, value: node.inputs[side], function: .binary(function), operand: operand,
                        operandFirst: side == 1)
        }
        return nil
    }
}
