/// Fuses a product (Conv2D, DepthwiseConv2dNative, MatMul) with the bias after it, a residual
/// addition and an activation into one `_FusedConv2D` / `_FusedDepthwiseConv2dNative` /
/// `_FusedMatMul`, whose kernel finishes each row of the result while it is in cache, so the
/// activation is written once. The fused node takes the name of the last node it replaces, so its
/// readers and fetches are untouched, as TensorFlow's remapper does.
struct ProductFusion: GraphPass {
    /// Whether to make only what TensorFlow's CPU kernels run (``FusedForm/tensorFlowActivations``):
    /// no residual, and only the activations they apply.
    var forTensorFlow = false

    var name: String { "product fusion" }

    func run(_ graph: inout PlanGraph) throws -> Int {
        var fused = 0
        for name in graph.runningInOrder {
            guard let product = graph.runningNode(name), let form = try graph.definition(of: product).traits.fusedForm,
                  try form.accepts(Attributes(product.attributes, node: product.name, op: product.op)),
                  !forTensorFlow || form.tensorFlowActivations != nil,
                  let bias = try biasReader(of: product, in: graph) else { continue }
            var chain = [product, bias.node], operations = ["BiasAdd"], arguments = [bias.value]
            if !forTensorFlow, let residual = try residualReader(of: bias.node, in: graph) {
                chain.append(residual.node)
                operations.append("Add")
                arguments.append(residual.other)
            }
            var attributes = product.attributes
            if let activation = try activationReader(of: chain.last!, in: graph),
               !forTensorFlow || form.tensorFlowActivations?.contains(activation.op) == true {
                chain.append(activation)
                operations.append(activation.op)
                if let alpha = activation.attributes["alpha"] { attributes["leakyrelu_alpha"] = alpha }
            }
            let last = chain.last!
            attributes["fused_ops"] = .strings(operations)
            attributes["num_args"] = .int(arguments.count)
            // `_FusedConv2D` lists its arguments' dtypes; `_FusedMatMul` counts them.
            if OpRegistry.definition(named: form.op)?.attributes.contains(where: { $0.name == "TArgs" }) == true {
                attributes["TArgs"] = .types(arguments.map { _ in product.outputs[0].dtype })
            }
            // The fused op declares the product's attributes it keeps (no explicit_paddings on a depthwise one).
            let declared = Set(OpRegistry.definition(named: form.op)?.attributes.map(\.name) ?? [])
            let node = try graph.makeNode(form.op, name: last.name, inputs: product.inputs + arguments,
                                          attributes: attributes.filter { declared.contains($0.key) },
                                          controlInputs: product.controlInputs)
            graph.replace(node)
            for replaced in chain.dropLast() { graph.remove(replaced.name) }
            fused += 1
        }
        return fused
    }

    /// The product's only reader, when it adds a constant vector per channel: the bias.
    private func biasReader(of product: Node, in graph: PlanGraph) throws -> (node: Node, value: Output)? {
        guard product.outputs.count == 1, graph.hasSoleReader(product.name),
              let reader = graph.readerNodes(of: product.name).first, reader.controlInputs.isEmpty,
              reader.inputs.count == 2, reader.inputs[0] == Output(node: product.name),
              try graph.channelArithmetic(of: reader) == .add,
              let value = graph.constantValue(reader.inputs[1]), value.rank == 1,
              value.shape[0] == product.outputs[0].shape.dimensions?.last ?? nil else { return nil }
        return (reader, reader.inputs[1])
    }

    /// The only reader of `node`, when it adds another computed tensor of the same shape to it.
    private func residualReader(of node: Node, in graph: PlanGraph) throws -> (node: Node, other: Output)? {
        guard graph.hasSoleReader(node.name), let reader = graph.readerNodes(of: node.name).first,
              reader.controlInputs.isEmpty, try graph.channelArithmetic(of: reader) == .add,
              let side = reader.inputs.firstIndex(of: Output(node: node.name)),
              reader.inputs[1 - side] != reader.inputs[side]
        else { return nil }
        let other = reader.inputs[1 - side]
        guard graph.constantValue(other) == nil, let info = graph.info(of: other), info.dtype == node.outputs[0].dtype,
              info.shape.isFullyDefined, info.shape == node.outputs[0].shape, reader.outputs[0].shape == info.shape
        else { return nil }
        return (reader, other)
    }

    /// The only reader of `node`, when it is an activation a fused product can apply.
    private func activationReader(of node: Node, in graph: PlanGraph) throws -> Node? {
        guard graph.hasSoleReader(node.name), let reader = graph.readerNodes(of: node.name).first,
              reader.controlInputs.isEmpty, reader.inputs == [Output(node: node.name)],
              try graph.definition(of: reader).traits.activation != nil else { return nil }
        return reader
    }
}
