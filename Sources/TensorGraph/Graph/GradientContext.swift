/// What an op's gradient function sees: the graph to build in, the node, and the gradient
/// arriving at each of its outputs.
struct GradientContext {
    let graph: Graph
    let node: Node
    /// dy/d(output i), or `nil` where no gradient arrives (taken as zero).
    let outputGradients: [Output?]

    /// Input `index` of the node.
    func input(_ index: Int) -> Output { node.inputs[index] }

    /// Output `index` of the node.
    func output(_ index: Int) -> Output { Output(node: node.name, index: index) }

    /// The gradient at output `index`, zeros shaped like the output where none arrived.
    func gradient(_ index: Int = 0) throws -> Output {
        if let gradient = outputGradients[index] { return gradient }
        return try zeros(for: output(index))
    }

    /// The node's attributes.
    var attributes: Attributes { Attributes(node.attributes, node: node.name, op: node.op) }

    /// The inferred shape of input `index`.
    func inputShape(_ index: Int) throws -> Shape { try graph.inferredShape(of: input(index)) }
}
