/// Variables, in both of TensorFlow's styles: VariableV2 (read through its output, changed by
/// Assign / AssignAdd / AssignSub) and resource variables (VarHandleOp, read by ReadVariableOp,
/// changed by AssignVariableOp / AssignAddVariableOp / AssignSubVariableOp). Either way the value
/// lives in the session under the variable node's name.
enum StateOps {
    static let definitions = [variableV2, assign("Assign", nil), assign("AssignAdd", .add),
                              assign("AssignSub", .subtract),
                              varHandleOp, readVariableOp, varIsInitializedOp, assignVariable("AssignVariableOp", nil),
                              assignVariable("AssignAddVariableOp", .add),
                              assignVariable("AssignSubVariableOp", .subtract)]

    /// The error for reading a variable that has no value yet.
    static func uninitialized(_ variable: String, readBy node: String) -> GraphError {
        GraphError(.uninitializedVariable, node: variable, op: "variable",
                   message: "'\(node)' reads the variable before it was initialized",
                   fix: "run its initializer first, e.g. session.run(targets: [graph.globalVariablesInitializer()])")
    }

    /// The error for reading a VariableV2 that has no value yet.
    static func uninitializedVariableV2(_ name: String) -> GraphError {
        GraphError(
            .uninitializedVariable, node: name, op: "VariableV2",
            message: "the variable is read before it was initialized",
            fix: "run its initializer first, e.g. session.run(targets: [graph.globalVariablesInitializer()])")
    }

    /// `tf.Variable`'s handle in resource style; fetched, it gives the variable's value.
    static let varHandleOp = OpDefinition(
        "VarHandleOp",
        attributes: [.attr("container", default: .string("")), .attr("shared_name", default: .string("")),
                     .attr("debug_name", default: .string("")), .type("dtype"), .attr("shape"),
                     .attr("allowed_devices", default: .strings([]))],
        folds: false,
        shape: { context in [TensorInfo(try context.attributes.type("dtype"), try context.attributes.shape("shape"))] },
        kernel: { context in
            guard let value = context.state.variable(named: context.node) else {
                throw uninitialized(context.node, readBy: context.node)
            }
            return [value]
        })

    /// Reads a resource variable.
    static let readVariableOp = OpDefinition(
        "ReadVariableOp",
        inputs: [.resource("resource")],
        attributes: [.type("dtype")],
        folds: false,
        shape: { context in
            let dtype = try context.attributes.type("dtype")
            guard dtype == context.inputs[0].dtype else {
                throw context.invalid("reads a \(context.inputs[0].dtype) variable as \(dtype)")
            }
            return [TensorInfo(dtype, context.inputs[0].shape)]
        },
        kernel: { context in
            guard let value = context.state.variable(named: context.references[0]) else {
                throw uninitialized(context.references[0], readBy: context.node)
            }
            return [value]
        },
        gradient: .function { c in [try c.gradient()] })

    /// Whether a resource variable has a value.
    static let varIsInitializedOp = OpDefinition(
        "VarIsInitializedOp",
        inputs: [.resource("resource")],
        folds: false,
        shape: { _ in [TensorInfo(.bool, .scalar)] },
        kernel: { context in [Tensor(context.state.variable(named: context.references[0]) != nil)] })

    /// AssignVariableOp (`combine` nil), AssignAddVariableOp or AssignSubVariableOp.
    static func assignVariable(_ name: String, _ combine: BinaryFunction?) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.resource("resource"), .input("value", type: "dtype")],
            attributes: [.type("dtype")] + (combine == nil ? [.attr("validate_shape", default: .bool(false))] : []),
            folds: false,
            shape: { context in
                let variable = context.inputs[0].shape, value = context.inputs[1].shape
                let strict = try combine != nil || context.attributes.bool("validate_shape")
                guard !strict || variable.isCompatible(with: value) else {
                    throw context.error("cannot assign a value of shape \(value) to a variable of shape \(variable)",
                                        fix: "give the value shape \(variable)")
                }
                return []
            },
            kernel: { context in
                let name = context.references[0], value = context.inputs[1]
                guard let combine else {
                    context.state.assign(value, toVariable: name)
                    return []
                }
                guard try context.state.update(variable: name, { try combined($0, value, combine, context) })
                        != nil else {
                    throw uninitialized(name, readBy: context.node)
                }
                return []
            })
    }

    /// `current combine value` elementwise, for the updating assigns.
    static func combined(
        _ current: Tensor, _ value: Tensor, _ combine: BinaryFunction, _ context: KernelContext
    ) throws -> Tensor {
        guard current.shape == value.shape else {
            throw context.error(
                "cannot update a variable of shape \(describe(current.shape)) with a value of shape "
                    + "\(describe(value.shape))")
        }
        return try MathOps.elementwise(current, value, combine, context)
    }

    /// The name a checkpoint keeps `node`'s value under, when `node` is a variable: a VariableV2's
    /// own name, a VarHandleOp's `shared_name` (its own name when that is empty), as
    /// `tf.compat.v1.train.Saver` names them; `nil` for any other node.
    static func checkpointKey(of node: Node) -> String? {
        switch node.op {
        case variableV2.name: return node.name
        case varHandleOp.name:
            guard case .string(let shared)? = node.attributes["shared_name"], !shared.isEmpty else { return node.name }
            return shared
        default: return nil
        }
    }

    /// `tf.compat.v1.Variable`'s op: reads the session's value of the variable named like the node.
    static let variableV2 = OpDefinition(
        "VariableV2",
        attributes: [.attr("shape"), .type("dtype"), .attr("container", default: .string("")),
                     .attr("shared_name", default: .string(""))],
        folds: false,
        shape: { context in [TensorInfo(try context.attributes.type("dtype"), try context.attributes.shape("shape"))] },
        kernel: { context in
            guard let value = context.state.variable(named: context.node) else {
                throw uninitializedVariableV2(context.node)
            }
            return [value]
        }
    ).with(OpTraits(isVariable: true))

    /// Assign (`combine` nil), AssignAdd or AssignSub: updates the variable and returns its new value.
    static func assign(_ name: String, _ combine: BinaryFunction?) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.reference("ref", type: "T"), .input("value", type: "T")],
            attributes: combine == nil
                ? [
                    .type("T"), .attr("validate_shape", default: .bool(true)),
                    .attr("use_locking", default: .bool(true))
                ]
                : [.type("T", DType.numeric), .attr("use_locking", default: .bool(false))],
            folds: false,
            shape: { context in
                let variable = context.inputs[0].shape, value = context.inputs[1].shape
                let validate = try combine != nil || context.attributes.bool("validate_shape")
                guard !validate || variable.isCompatible(with: value) else {
                    throw context.error("cannot assign a value of shape \(value) to a variable of shape \(variable)",
                                        fix: "give the value shape \(variable)")
                }
                return [
                    TensorInfo(context.inputs[0].dtype, validate ? (variable.merged(with: value) ?? variable) : value)
                ]
            },
            kernel: { context in
                let name = context.references[0]
                let value = context.inputs[1]
                guard let combine else {
                    context.state.assign(value, toVariable: name)
                    return [value]
                }
                let updated = try context.state.update(variable: name) { try combined($0, value, combine, context) }
                guard let updated else {
                    throw GraphError(.uninitializedVariable, node: name, op: "VariableV2",
                                     message: "the variable is updated by '\(context.node)' before it was initialized",
                                     fix: "run its initializer first")
                }
                return [updated]
            })
    }
}

/// A variable built with the Swift API: a VariableV2 node `name`, its initializer `name/Assign`
/// and its value `name/read`, as `tf.compat.v1.Variable` builds them.
public struct Variable: Sendable, Hashable {
    /// The VariableV2 node, also the variable's name in checkpoints.
    public let name: String
    /// The variable's current value in a run (the `name/read` Identity).
    public let value: Output
    /// The Assign that sets the initial value.
    public let initializer: Operation
    /// The dtype.
    public let dtype: DType
    /// The shape.
    public let shape: Shape
    /// Whether training updates it (`tf.compat.v1.trainable_variables`).
    public let isTrainable: Bool
}

extension Graph {
    /// A variable initialized to `initialValue`, `tf.compat.v1.Variable(initial_value, name=name)`
    /// (TensorFlow ops `VariableV2`, `Assign`, `Identity`).
    ///
    /// ```swift
    /// let w = try graph.variable(Tensor(zeros: [784, 10], dtype: .float32), name: "w")
    /// let logits = try graph.matMul(x, w.value)
    /// ```
    public func variable(_ initialValue: Tensor, name: String? = nil, trainable: Bool = true) throws -> Variable {
        try variable(name: name, trainable: trainable) { graph in
            try graph.constant(initialValue, name: "initial_value")
        }
    }

    /// A variable whose initial value `makeInitialValue` builds inside the variable's name scope,
    /// as tf.layers' initializers do (`dense/kernel/Initializer/...`).
    public func variable(name: String? = nil, trainable: Bool = true,
                         initialValue makeInitialValue: (Graph) throws -> Output) throws -> Variable {
        let variable = try withNameScope(name ?? "Variable") { () throws -> Variable in
            let scope = currentScope
            let initial = try makeInitialValue(self)
            let info = try info(of: initial)
            guard info.shape.isFullyDefined else {
                throw GraphError(.invalidShape, node: String(scope.dropLast()), op: "VariableV2",
                                 message: "the initial value's shape \(info.shape) is not fully known",
                                 fix: "give the initial value a fixed shape")
            }
            let node = try add("VariableV2", name: scope, inputs: [],
                               attributes: ["shape": .shape(info.shape), "dtype": .type(info.dtype)], controlInputs: [])
            let reference = Output(node: node.name)
            let assign = try add(
                "Assign", name: "Assign", inputs: [reference, initial], attributes: [:], controlInputs: [])
            let read = try addOutput("Identity", name: "read", inputs: [reference])
            return Variable(name: node.name, value: read, initializer: Operation(name: assign.name),
                            dtype: info.dtype, shape: info.shape, isTrainable: trainable)
        }
        register(variable)
        return variable
    }

    /// Sets `variable` to `value` and returns the new value, `tf.compat.v1.assign` (TensorFlow op `Assign`).
    public func assign(_ variable: Variable, _ value: Output, name: String? = nil) throws -> Output {
        try addOutput("Assign", name: name ?? "Assign", inputs: [Output(node: variable.name), value])
    }

    /// Adds `value` to `variable`, `tf.compat.v1.assign_add` (TensorFlow op `AssignAdd`).
    public func assignAdd(_ variable: Variable, _ value: Output, name: String? = nil) throws -> Output {
        try addOutput("AssignAdd", name: name, inputs: [Output(node: variable.name), value])
    }

    /// Subtracts `value` from `variable`, `tf.compat.v1.assign_sub` (TensorFlow op `AssignSub`).
    public func assignSub(_ variable: Variable, _ value: Output, name: String? = nil) throws -> Output {
        try addOutput("AssignSub", name: name, inputs: [Output(node: variable.name), value])
    }

    /// An operation that runs every variable's initializer, `tf.compat.v1.global_variables_initializer()`
    /// (a `NoOp` named `init` depending on each `Assign`).
    public func globalVariablesInitializer(name: String = "init") throws -> Operation {
        try addOperation("NoOp", name: name, controlInputs: variables.map(\.initializer))
    }

    /// The variables training updates, in creation order (`tf.compat.v1.trainable_variables()`).
    public var trainableVariables: [Variable] { variables.filter(\.isTrainable) }
}
