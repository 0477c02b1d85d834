import Foundation

/// The optimizer update ops, under TensorFlow's names: ApplyGradientDescent, ApplyMomentum,
/// ApplyAdam, ApplyRMSProp. Each updates its variable (and slot variables) in place and
/// returns the variable's new value.
enum TrainingOps {
    static let definitions = [
        apply("ApplyGradientDescent", variables: ["var"], scalars: ["alpha"], extra: []) { state, s, g in
            for i in g.indices { state[0][i] -= s[0] * g[i] }
        },
        apply("ApplyMomentum", variables: ["var", "accum"], scalars: ["lr"], extra: [.attr("use_nesterov", default: .bool(false))],
              gradientFirst: true, trailingScalars: ["momentum"]) { state, s, g in
            // scalars: lr, momentum, use_nesterov (1 or 0)
            let (lr, momentum, nesterov) = (s[0], s[1], s[2] != 0)
            for i in g.indices {
                state[1][i] = state[1][i] * momentum + g[i]
                state[0][i] -= nesterov ? g[i] * lr + state[1][i] * momentum * lr : lr * state[1][i]
            }
        },
        apply("ApplyAdam", variables: ["var", "m", "v"],
              scalars: ["beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon"],
              extra: [.attr("use_nesterov", default: .bool(false))]) { state, s, g in
            let (beta1Power, beta2Power, lr, beta1, beta2, epsilon, nesterov) = (s[0], s[1], s[2], s[3], s[4], s[5], s[6] != 0)
            let step = lr * (1 - beta2Power).squareRoot() / (1 - beta1Power)
            for i in g.indices {
                state[1][i] += (g[i] - state[1][i]) * (1 - beta1)
                state[2][i] += (g[i] * g[i] - state[2][i]) * (1 - beta2)
                let m = nesterov ? state[1][i] * beta1 + (1 - beta1) * g[i] : state[1][i]
                state[0][i] -= step * m / (state[2][i].squareRoot() + epsilon)
            }
        },
        apply("ApplyRMSProp", variables: ["var", "ms", "mom"], scalars: ["lr", "rho", "momentum", "epsilon"], extra: []) { state, s, g in
            let (lr, rho, momentum, epsilon) = (s[0], s[1], s[2], s[3])
            for i in g.indices {
                state[1][i] = rho * state[1][i] + (1 - rho) * g[i] * g[i]
                state[2][i] = momentum * state[2][i] + lr * g[i] / (state[1][i] + epsilon).squareRoot()
                state[0][i] -= state[2][i]
            }
        },
    ]

    /// An update op: reference inputs `variables` (the trained variable first, then its slots),
    /// scalar inputs, and the gradient, in TensorFlow's input order — the gradient last, or for
    /// ApplyMomentum (`gradientFirst`) between `scalars` and `trailingScalars`. `update` changes the
    /// variables' elements in place; it sees the scalars followed by 1 or 0 for `use_nesterov`.
    static func apply(_ name: String, variables: [String], scalars: [String], extra: [AttributeSpec],
                      gradientFirst: Bool = false, trailingScalars: [String] = [],
                      update: @escaping @Sendable (inout [[Double]], [Double], [Double]) -> Void) -> OpDefinition {
        let scalarInputs = scalars.map { InputSpec.input($0, type: "T") }
        let trailing = trailingScalars.map { InputSpec.input($0, type: "T") }
        let gradient = InputSpec.input("grad", type: "T")
        let inputs = variables.map { InputSpec.reference($0, type: "T") } + scalarInputs
            + (gradientFirst ? [gradient] + trailing : trailing + [gradient])
        let gradientIndex = variables.count + scalars.count + (gradientFirst ? 0 : trailingScalars.count)
        let scalarIndices = Array(variables.count..<(variables.count + scalars.count))
            + (gradientFirst ? Array((gradientIndex + 1)..<inputs.count) : Array((gradientIndex - trailingScalars.count)..<gradientIndex))
        return OpDefinition(
            name,
            inputs: inputs,
            attributes: [.type("T", DType.floatingPoint), .attr("use_locking", default: .bool(false))] + extra,
            folds: false,
            shape: { context in
                for index in scalarIndices where context.inputs[index].shape.rank.map({ $0 != 0 }) ?? false {
                    throw context.error("\(inputs[index].name) must be a scalar, but has shape \(context.inputs[index].shape)")
                }
                var shape = context.inputs[gradientIndex].shape
                for index in variables.indices {
                    guard let merged = shape.merged(with: context.inputs[index].shape) else {
                        throw context.error("\(inputs[index].name) \(context.inputs[index].shape) and grad \(context.inputs[gradientIndex].shape) must have one shape")
                    }
                    shape = merged
                }
                return [TensorInfo(context.inputs[0].dtype, shape)]
            },
            kernel: { context in
                let grad = context.inputs[gradientIndex]
                var values = scalarIndices.map { context.inputs[$0].doubles.first ?? 0 }
                values.append(context.attributes["use_nesterov"] == .bool(true) ? 1 : 0)
                var state: [[Double]] = []
                for name in context.references {
                    guard let value = context.state.variable(named: name) else { throw StateOps.uninitializedVariableV2(name) }
                    guard value.shape == grad.shape else {
                        throw context.error("variable '\(name)' has shape \(describe(value.shape)), but grad has \(describe(grad.shape))")
                    }
                    state.append(value.doubles)
                }
                update(&state, values, grad.doubles)
                for (name, elements) in zip(context.references, state) {
                    context.state.assign(Tensor(shape: grad.shape, scalars: elements).cast(to: grad.dtype), toVariable: name)
                }
                return [Tensor(shape: grad.shape, scalars: state[0]).cast(to: grad.dtype)]
            })
    }
}
