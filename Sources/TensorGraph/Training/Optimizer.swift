/// Plain gradient descent, `tf.compat.v1.train.GradientDescentOptimizer`: each variable moves
/// against its gradient by `learningRate` (TensorFlow op `ApplyGradientDescent`).
///
/// ```swift
/// let train = try GradientDescentOptimizer(learningRate: 0.1).minimize(loss, in: graph)
/// for batch in batches { try session.run(feeds: [x: batch], targets: [train]) }
/// ```
public struct GradientDescentOptimizer: Sendable {
    /// The step size.
    public var learningRate: Double

    /// An optimizer stepping by `learningRate`.
    public init(learningRate: Double) { self.learningRate = learningRate }

    /// Adds the gradients of `loss` and one update per variable, and returns the operation that
    /// runs them all (and bumps `globalStep`, when given), as `optimizer.minimize(loss)`.
    ///
    /// - Parameter variables: what to train; the graph's trainable variables when `nil`.
    public func minimize(_ loss: Output, in graph: Graph, variables: [Variable]? = nil, globalStep: Variable? = nil,
                         name: String = "GradientDescent") throws -> Operation {
        let trained = variables ?? graph.trainableVariables
        let gradients = try graph.gradients(of: loss, withRespectTo: trained.map(\.value))
        return try graph.withNameScope(name) {
            var updates: [Operation] = []
            for (variable, gradient) in zip(trained, gradients) {
                guard let gradient else { continue }
                let update = try graph.withNameScope("update_" + variable.name) {
                    let rate = try graph.constant(Tensor(repeating: learningRate, shape: [], dtype: variable.dtype), name: "learning_rate")
                    return try graph.addOutput("ApplyGradientDescent", name: "ApplyGradientDescent",
                                               inputs: [Output(node: variable.name), rate, gradient])
                }
                updates.append(update.operation)
            }
            guard !updates.isEmpty else {
                throw GraphError(.invalidArgument, node: loss.node, message: "the loss depends on none of the variables to train",
                                 fix: "pass the variables the loss is computed from")
            }
            if let globalStep {
                return try graph.withControlDependencies(updates) {
                    try graph.assignAdd(globalStep, try graph.constant(Tensor(repeating: 1, shape: [], dtype: globalStep.dtype)),
                                        name: currentScopeName(graph)).operation
                }
            }
            return try graph.group(updates, name: currentScopeName(graph))
        }
    }

    /// The open scope as an exact node name, so the train op is named like the optimizer.
    private func currentScopeName(_ graph: Graph) -> String { graph.currentScope }
}
