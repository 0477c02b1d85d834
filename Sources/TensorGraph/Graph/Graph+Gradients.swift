extension Graph {
    /// Adds the ops computing d(sum of `ys`)/d`xs` to the graph, as `tf.gradients(ys, xs, grad_ys)`,
    /// and returns one gradient per x (`nil` where `ys` do not depend on it).
    ///
    /// Each op's gradient is built from its definition with TensorFlow's op names
    /// (`Conv2DBackpropInput`, `ReluGrad`, ...) under the scope `gradients/`, so a training graph
    /// exported from here imports into TensorFlow.
    ///
    /// - Parameter initialGradients: dy for each y (`grad_ys`); ones when `nil`.
    public func gradients(of ys: [Output], withRespectTo xs: [Output], initialGradients: [Output]? = nil,
                          name: String = "gradients") throws -> [Output?] {
        try withNameScope(name) {
            var builder = try GradientBuilder(graph: self, ys: ys, xs: xs)
            return try builder.run(initialGradients: initialGradients)
        }
    }

    /// d`y`/d`xs` for a single y.
    public func gradients(of y: Output, withRespectTo xs: [Output]) throws -> [Output?] {
        try gradients(of: [y], withRespectTo: xs)
    }

    /// A constant of zeros of the fully known `shape`: the gradient where none flows. Unlike `zerosLike`
    /// it reads no tensor, so a backward loop can build it without reaching into the forward loop.
    func zerosConstant(shape: [Int], dtype: DType, name: String? = nil) throws -> Output {
        try constant(Tensor(zeros: shape, dtype: dtype), name: name)
    }

    /// Runs the node's gradient function in its own scope (`gradients/<node>_grad`).
    func gradientsOfInputs(_ node: Node, _ outputGradients: [Output?]) throws -> [Output?] {
        guard let definition = OpRegistry.definition(named: node.op) else {
            throw GraphError(.unsupported, node: node.name, op: node.op, message: "unknown op '\(node.op)'")
        }
        switch definition.gradient {
        case .notDifferentiable:
            return Array(repeating: nil, count: node.inputs.count)
        case .none:
            throw GraphError(.unsupported, node: node.name, op: definition.label,
                             message: "no gradient is defined for \(node.op), and a gradient must flow through it here",
                             fix: "stop the gradient before this op, "
                                 + "or leave its inputs out of the variables being trained")
        case .function(let build):
            let gradients = try withNameScope(node.name + "_grad") {
                try build(GradientContext(graph: self, node: node, outputGradients: outputGradients))
            }
            guard gradients.count == node.inputs.count else {
                throw GraphError(.runtime, node: node.name, op: node.op,
                                 message: "the gradient gave \(gradients.count) results for "
                                     + "\(node.inputs.count) inputs")
            }
            return gradients
        }
    }
}
