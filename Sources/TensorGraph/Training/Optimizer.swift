/// An optimizer in TensorFlow 1.x's style: it adds one update op per variable to the graph, and
/// ``minimize(_:in:variables:globalStep:)`` returns the operation running them all.
public protocol Optimizer: Sendable {
    /// The scope its ops are built in, and the suffix of its slot variables (`w/Adam`).
    var name: String { get }
    /// Adds the update of `variable` by `gradient` (slots are created here) and returns it.
    func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Operation
    /// Adds what runs after every update, such as Adam's decay of its beta powers.
    func finish(after updates: [Operation], in graph: Graph) throws -> [Operation]
}

extension Optimizer {
    public func finish(after updates: [Operation], in graph: Graph) throws -> [Operation] { updates }

    /// Adds the gradients of `loss` and one update per variable, and returns the operation that
    /// runs them all (and then bumps `globalStep`, when given), as `optimizer.minimize(loss)`.
    ///
    /// - Parameter variables: what to train; the graph's trainable variables when `nil`.
    public func minimize(_ loss: Output, in graph: Graph, variables: [Variable]? = nil,
                         globalStep: Variable? = nil) throws -> Operation {
        let trained = variables ?? graph.trainableVariables
        let gradients = try graph.gradients(of: loss, withRespectTo: trained.map(\.value))
        guard gradients.contains(where: { $0 != nil }) else {
            throw GraphError(
                .invalidArgument, node: loss.node, message: "the loss depends on none of the variables to train",
                fix: "pass the variables the loss is computed from")
        }
        return try graph.withNameScope(name) {
            var updates: [Operation] = []
            for (variable, gradient) in zip(trained, gradients) {
                guard let gradient else { continue }
                updates.append(try update(variable, gradient: gradient, in: graph))
            }
            let finished = try finish(after: updates, in: graph)
            guard let globalStep else { return try graph.group(finished, name: graph.currentScope) }
            return try graph.withControlDependencies(finished) {
                try graph.assignAdd(
                    globalStep, try graph.constant(Tensor(repeating: 1, shape: [], dtype: globalStep.dtype)),
                    name: graph.currentScope).operation
            }
        }
    }

    /// A scalar constant in the variable's dtype.
    func scalar(_ value: Double, _ variable: Variable, _ name: String, in graph: Graph) throws -> Output {
        try graph.constant(Tensor(repeating: value, shape: [], dtype: variable.dtype), name: name)
    }

    /// A slot variable `<variable>/<suffix>`, built outside the optimizer's scope as TensorFlow
    /// does, initialized to `value` everywhere and not trained.
    func slot(for variable: Variable, _ suffix: String, value: Double, in graph: Graph) throws -> Variable {
        let shape = variable.shape.concrete ?? []
        return try graph.atTopLevel {
            try graph.variable(name: variable.name + "/" + suffix, trainable: false) { graph in
                try graph.constant(
                    Tensor(repeating: value, shape: shape, dtype: variable.dtype), name: "Initializer/Const")
            }
        }
    }

    /// One Apply* op on `variable` and its slots, in the optimizer's `update_<variable>` scope.
    func apply(_ op: String, _ variable: Variable, slots: [Variable], inputs: (Graph) throws -> [Output],
               attributes: [String: AttrValue] = [:], in graph: Graph) throws -> Operation {
        try graph.withNameScope("update_" + variable.name) {
            let references = ([variable] + slots).map { Output(node: $0.name) }
            return try graph.addOutput(op, name: op, inputs: references + (try inputs(graph)), attributes: attributes)
                .operation
        }
    }
}

/// Plain gradient descent, `tf.compat.v1.train.GradientDescentOptimizer` (TensorFlow op
/// `ApplyGradientDescent`): `var -= learningRate · grad`.
///
/// ```swift
/// let train = try GradientDescentOptimizer(learningRate: 0.1).minimize(loss, in: graph)
/// for batch in batches { try session.run(feeds: [x: batch], targets: [train]) }
/// ```
public struct GradientDescentOptimizer: Optimizer {
    /// The step size.
    public var learningRate: Double
    public var name: String

    /// An optimizer stepping by `learningRate`.
    public init(learningRate: Double, name: String = "GradientDescent") {
        self.learningRate = learningRate
        self.name = name
    }

    public func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Operation {
        try apply("ApplyGradientDescent", variable, slots: [], inputs: { graph in
            [try scalar(learningRate, variable, "learning_rate", in: graph), gradient]
        }, in: graph)
    }
}

/// Momentum, `tf.compat.v1.train.MomentumOptimizer` (TensorFlow op `ApplyMomentum`):
/// `accum = momentum · accum + grad; var -= learningRate · accum` (Nesterov's variant optional).
public struct MomentumOptimizer: Optimizer {
    public var learningRate: Double
    public var momentum: Double
    public var useNesterov: Bool
    public var name: String

    /// An optimizer with slot `<var>/Momentum`.
    public init(learningRate: Double, momentum: Double, useNesterov: Bool = false, name: String = "Momentum") {
        self.learningRate = learningRate
        self.momentum = momentum
        self.useNesterov = useNesterov
        self.name = name
    }

    public func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Operation {
        let accumulator = try slot(for: variable, name, value: 0, in: graph)
        return try apply("ApplyMomentum", variable, slots: [accumulator], inputs: { graph in
            [try scalar(learningRate, variable, "learning_rate", in: graph), gradient,
             try scalar(momentum, variable, "momentum", in: graph)]
        }, attributes: ["use_nesterov": .bool(useNesterov)], in: graph)
    }
}

/// Adam, `tf.compat.v1.train.AdamOptimizer` (TensorFlow op `ApplyAdam`), with slots
/// `<var>/Adam` and `<var>/Adam_1` and the beta powers as variables `beta1_power`, `beta2_power`.
public struct AdamOptimizer: Optimizer {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var name: String

    /// An optimizer with TensorFlow's defaults.
    public init(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                name: String = "Adam") {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.name = name
    }

    public func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Operation {
        let (beta1Power, beta2Power) = try powers(in: graph, dtype: variable.dtype)
        let m = try slot(for: variable, name, value: 0, in: graph),
            v = try slot(for: variable, name + "_1", value: 0, in: graph)
        return try apply("ApplyAdam", variable, slots: [m, v], inputs: { graph in
            [beta1Power.value, beta2Power.value, try scalar(learningRate, variable, "learning_rate", in: graph),
             try scalar(beta1, variable, "beta1", in: graph), try scalar(beta2, variable, "beta2", in: graph),
             try scalar(epsilon, variable, "epsilon", in: graph), gradient]
        }, in: graph)
    }

    public func finish(after updates: [Operation], in graph: Graph) throws -> [Operation] {
        guard let dtype = graph.variables.first(where: { $0.name == "beta1_power" })?.dtype else { return updates }
        let (beta1Power, beta2Power) = try powers(in: graph, dtype: dtype)
        let decays = try graph.withControlDependencies(updates) {
            [try graph.assign(beta1Power, try graph.multiply(beta1Power.value,
                                                             try graph.constant(Tensor(repeating: beta1, shape: [],
                                                                                       dtype: dtype))),
                              name: "Assign"),
             try graph.assign(beta2Power, try graph.multiply(beta2Power.value,
                                                             try graph.constant(Tensor(repeating: beta2, shape: [],
                                                                                       dtype: dtype))),
                              name: "Assign_1")]
        }
        return updates + decays.map(\.operation)
    }

    /// The beta-power variables, created on first use as TensorFlow does.
    private func powers(in graph: Graph, dtype: DType) throws -> (Variable, Variable) {
        if let one = graph.variables.first(where: { $0.name == "beta1_power" }),
           let two = graph.variables.first(where: { $0.name == "beta2_power" }) { return (one, two) }
        return try graph.atTopLevel {
            (try graph.variable(Tensor(repeating: beta1, shape: [], dtype: dtype), name: "beta1_power",
                                trainable: false),
             try graph.variable(Tensor(repeating: beta2, shape: [], dtype: dtype), name: "beta2_power",
                                trainable: false))
        }
    }
}

/// RMSProp, `tf.compat.v1.train.RMSPropOptimizer` (TensorFlow op `ApplyRMSProp`), with slots
/// `<var>/RMSProp` (started at ones, as TensorFlow does) and `<var>/RMSProp_1`.
public struct RMSPropOptimizer: Optimizer {
    public var learningRate: Double
    public var decay: Double
    public var momentum: Double
    public var epsilon: Double
    public var name: String

    /// An optimizer with TensorFlow's defaults.
    public init(learningRate: Double, decay: Double = 0.9, momentum: Double = 0, epsilon: Double = 1e-10,
                name: String = "RMSProp") {
        self.learningRate = learningRate
        self.decay = decay
        self.momentum = momentum
        self.epsilon = epsilon
        self.name = name
    }

    public func update(_ variable: Variable, gradient: Output, in graph: Graph) throws -> Operation {
        let ms = try slot(for: variable, name, value: 1, in: graph),
            mom = try slot(for: variable, name + "_1", value: 0, in: graph)
        return try apply("ApplyRMSProp", variable, slots: [ms, mom], inputs: { graph in
            [try scalar(learningRate, variable, "learning_rate", in: graph),
             try scalar(decay, variable, "decay", in: graph),
             try scalar(momentum, variable, "momentum", in: graph), try scalar(epsilon, variable, "epsilon", in: graph),
             gradient]
        }, in: graph)
    }
}
