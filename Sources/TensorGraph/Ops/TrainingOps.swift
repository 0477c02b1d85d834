/// The optimizer update ops, under TensorFlow's names: ApplyGradientDescent, ApplyMomentum,
/// ApplyAdam, ApplyRMSProp, which update a VariableV2 (and its slots) in place and return its new
/// value, and their resource-variable twins ResourceApply*, which return nothing.
enum TrainingOps {
    static let definitions = [false, true].flatMap { resource in [
        apply("ApplyGradientDescent", variables: ["var"], scalars: ["alpha"], extra: [], resource: resource,
              rule: GradientDescentRule()),
        apply("ApplyMomentum", variables: ["var", "accum"], scalars: ["lr"],
              extra: [.attr("use_nesterov", default: .bool(false))],
              gradientFirst: true, trailingScalars: ["momentum"], resource: resource, rule: MomentumRule()),
        apply("ApplyAdam", variables: ["var", "m", "v"],
              scalars: ["beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon"],
              extra: [.attr("use_nesterov", default: .bool(false))], resource: resource, rule: AdamRule()),
        apply("ApplyRMSProp", variables: ["var", "ms", "mom"], scalars: ["lr", "rho", "momentum", "epsilon"], extra: [],
              resource: resource, rule: RMSPropRule()),
    ] }

    /// An update op: reference inputs `variables` (the trained variable first, then its slots),
    /// scalar inputs, and the gradient, in TensorFlow's input order — the gradient last, or for
    /// ApplyMomentum (`gradientFirst`) between `scalars` and `trailingScalars`. `update` changes the
    /// variables' elements in place; it sees the scalars followed by 1 or 0 for `use_nesterov`.
    static func apply(_ name: String, variables: [String], scalars: [String], extra: [AttributeSpec],
                      gradientFirst: Bool = false, trailingScalars: [String] = [], resource: Bool,
                      rule: some UpdateRule) -> OpDefinition {
        let scalarInputs = scalars.map { InputSpec.input($0, type: "T") }
        let trailing = trailingScalars.map { InputSpec.input($0, type: "T") }
        let gradient = InputSpec.input("grad", type: "T")
        // The resource-variable twin (ResourceApplyAdam, ...) takes handles and returns nothing.
        let inputs = variables.map { resource ? InputSpec.resource($0) : InputSpec.reference($0, type: "T") }
            + scalarInputs + (gradientFirst ? [gradient] + trailing : trailing + [gradient])
        let gradientIndex = variables.count + scalars.count + (gradientFirst ? 0 : trailingScalars.count)
        let scalarIndices = Array(variables.count..<(variables.count + scalars.count))
            + (gradientFirst ? Array((gradientIndex + 1)..<inputs.count)
                             : Array((gradientIndex - trailingScalars.count)..<gradientIndex))
        return OpDefinition(
            resource ? "Resource" + name : name,
            inputs: inputs,
            attributes: [.type("T", DType.floatingPoint), .attr("use_locking", default: .bool(false))] + extra,
            folds: false,
            shape: { context in
                for index in scalarIndices where context.inputs[index].shape.rank.map({ $0 != 0 }) ?? false {
                    throw context.error(
                        "\(inputs[index].name) must be a scalar, but has shape \(context.inputs[index].shape)")
                }
                var shape = context.inputs[gradientIndex].shape
                for index in variables.indices {
                    guard let merged = shape.merged(with: context.inputs[index].shape) else {
                        throw context.error(
                            "\(inputs[index].name) \(context.inputs[index].shape) and grad "
                                + "\(context.inputs[gradientIndex].shape) must have one shape")
                    }
                    shape = merged
                }
                return resource ? [] : [TensorInfo(context.inputs[0].dtype, shape)]
            },
            kernel: { context in
                let grad = context.inputs[gradientIndex]
                let nesterov = context.attributes["use_nesterov"] == .bool(true)
                var current: [Tensor] = []
                for name in context.references {
                    guard let value = context.state.variable(named: name) else {
                        throw StateOps.uninitializedVariableV2(name)
                    }
                    guard value.shape == grad.shape, value.dtype == grad.dtype else {
                        throw context.error(
                            "variable '\(name)' is \(value.dtype) \(describe(value.shape)), but grad is \(grad.dtype) "
                                + "\(describe(grad.shape))")
                    }
                    current.append(value)
                }
                func run<T: FloatingScalar>(_ type: T.Type) -> [Tensor] {
                    var state = current.map { $0.scalars(as: T.self)! }
                    let scalars = scalarIndices.map { context.inputs[$0].scalars(as: T.self)?.first ?? 0 }
                    rule.apply(&state, scalars, grad.scalars(as: T.self)!, nesterov: nesterov)
                    return state.map { Tensor(shape: grad.shape, scalars: $0) }
                }
                let updated = grad.dtype == .float32 ? run(Float.self) : run(Double.self)
                for (name, value) in zip(context.references, updated) { context.state.assign(value, toVariable: name) }
                return resource ? [] : [updated[0]]
            })
    }
}

/// One optimizer's arithmetic, written in the variable's own precision with TensorFlow's
/// operation order, so results match its kernels.
protocol UpdateRule: Sendable {
    /// Updates the variable (`state[0]`) and its slots in place from the scalar inputs and the gradient.
    func apply<T: FloatingScalar>(_ state: inout [[T]], _ scalars: [T], _ grad: [T], nesterov: Bool)
}

struct GradientDescentRule: UpdateRule {
    func apply<T: FloatingScalar>(_ state: inout [[T]], _ s: [T], _ g: [T], nesterov: Bool) {
        for i in g.indices { state[0][i] -= g[i] * s[0] }
    }
}

struct MomentumRule: UpdateRule {
    func apply<T: FloatingScalar>(_ state: inout [[T]], _ s: [T], _ g: [T], nesterov: Bool) {
        let (lr, momentum) = (s[0], s[1])
        for i in g.indices {
            state[1][i] = state[1][i] * momentum + g[i]
            state[0][i] -= nesterov ? g[i] * lr + state[1][i] * momentum * lr : state[1][i] * lr
        }
    }
}

struct AdamRule: UpdateRule {
    func apply<T: FloatingScalar>(_ state: inout [[T]], _ s: [T], _ g: [T], nesterov: Bool) {
        let (beta1Power, beta2Power, lr, beta1, beta2, epsilon) = (s[0], s[1], s[2], s[3], s[4], s[5])
        let alpha = lr * (1 - beta2Power).squareRoot() / (1 - beta1Power)
        for i in g.indices {
            state[1][i] += (g[i] - state[1][i]) * (1 - beta1)
            state[2][i] += (g[i] * g[i] - state[2][i]) * (1 - beta2)
            let step = nesterov ? (g[i] * (1 - beta1) + beta1 * state[1][i]) * alpha : state[1][i] * alpha
            state[0][i] -= step / (state[2][i].squareRoot() + epsilon)
        }
    }
}

struct RMSPropRule: UpdateRule {
    func apply<T: FloatingScalar>(_ state: inout [[T]], _ s: [T], _ g: [T], nesterov: Bool) {
        let (lr, rho, momentum, epsilon) = (s[0], s[1], s[2], s[3])
        for i in g.indices {
            state[1][i] += (g[i] * g[i] - state[1][i]) * (1 - rho)
            state[2][i] = state[2][i] * momentum + g[i] * lr / (state[1][i] + epsilon).squareRoot()
            state[0][i] -= state[2][i]
        }
    }
}
