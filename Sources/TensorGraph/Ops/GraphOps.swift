/// The ops that feed a graph or tie it together: Const, Placeholder, PlaceholderWithDefault,
/// Identity, IdentityN, StopGradient, Snapshot, NoOp.
enum GraphOps {
    static let definitions = [
        const, placeholder, placeholderWithDefault, identity, identityN, stopGradient, snapshot, noOp,
    ]

    /// `tf.constant`: a value fixed in the graph.
    static let const = OpDefinition(
        "Const",
        attributes: [.attr("value"), .type("dtype", DType.any)],
        shape: { context in
            let value = try context.attributes.tensor("value")
            let dtype = try context.attributes.type("dtype")
            guard value.dtype == dtype else {
                throw context.invalid("its value is \(value.dtype), but its dtype attribute says \(dtype)")
            }
            return [TensorInfo(constant: value)]
        },
        kernel: { context in [try context.attributes.tensor("value")] },
        gradient: .notDifferentiable)

    /// `tf.compat.v1.placeholder`: a tensor every run must feed.
    static let placeholder = OpDefinition(
        "Placeholder",
        attributes: [.type("dtype", DType.any), .attr("shape", default: .shape(.unknown))],
        folds: false,
        shape: { context in
            [TensorInfo(try context.attributes.type("dtype"), try context.attributes.shape("shape"))]
        },
        kernel: { context in
            let dtype = try context.attributes.type("dtype")
            let shape = try context.attributes.shape("shape")
            throw GraphError(.unfedPlaceholder, node: context.node, op: context.op,
                message: "this run needs the placeholder's value, a \(dtype) tensor of shape \(shape), but it was not "
                    + "fed",
                fix: "feed it: feeds: [\"\(context.node)\": tensor]")
        },
        gradient: .notDifferentiable
    ).with(OpTraits(isPlaceholder: true))

    /// `tf.compat.v1.placeholder_with_default`: its input unless a run feeds it.
    static let placeholderWithDefault = OpDefinition(
        "PlaceholderWithDefault",
        inputs: [.input("input", type: "dtype")],
        attributes: [.type("dtype", DType.any), .attr("shape")],
        folds: false,
        shape: { context in
            let shape = try context.attributes.shape("shape")
            guard shape.isCompatible(with: context.inputs[0].shape) else {
                throw context.error(
                    "the default value has shape \(context.inputs[0].shape), which does not fit the declared shape "
                        + "\(shape)")
            }
            return [TensorInfo(context.inputs[0].dtype, shape)]
        },
        kernel: { context in [context.inputs[0]] },
        gradient: .function { c in [try c.gradient()] }
    ).with(OpTraits(isPlaceholder: true))

    /// `tf.identity`: its input, unchanged.
    static let identity = forwarding("Identity", gradient: .function { c in [try c.gradient()] })

    /// `tf.stop_gradient`: its input, through which no gradient flows.
    static let stopGradient = forwarding("StopGradient", gradient: .notDifferentiable)

    /// `Snapshot`: a copy of its input (TensorGraph's tensors are values, so the input itself).
    static let snapshot = forwarding("Snapshot", gradient: .function { c in [try c.gradient()] })

    /// An op whose output is its one input, unchanged, which the optimizer may remove.
    static func forwarding(_ name: String, gradient: Gradient) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("input", type: "T")],
            attributes: [.type("T", DType.any)],
            shape: { context in [context.inputs[0]] },
            output: { context in context.takeInput(0) },
            gradient: gradient
        ).with(OpTraits(forwardsInputs: true))
    }

    /// `tf.identity_n`: its inputs, unchanged, as one output each (Keras writes it around custom
    /// gradients, e.g. EfficientNet's swish).
    static let identityN = OpDefinition(
        "IdentityN",
        inputs: [.inputs("input", types: "T")],
        attributes: [.attr("T")],
        shape: { context in context.inputs },
        kernel: { context in context.inputs },
        gradient: .function { c in try c.node.inputs.indices.map { try c.gradient($0) } }
    ).with(OpTraits(forwardsInputs: true))

    /// `tf.no_op`: does nothing; its control inputs give it meaning (`tf.group`).
    static let noOp = OpDefinition(
        "NoOp", folds: false,
        shape: { _ in [] },
        kernel: { _ in [] }
    ).with(OpTraits(ordersOnly: true))
}

extension GraphOps {
    /// A Const node holding `value`, as the graph optimizer adds them.
    static func constantNode(named name: String, value: Tensor) -> Node {
        Node(name: name, op: const.name, inputs: [], controlInputs: [],
             attributes: ["value": .tensor(value), "dtype": .type(value.dtype)], device: "",
             outputs: [TensorInfo(constant: value)])
    }
}

extension Graph {
    /// A constant, `tf.constant` (TensorFlow op `Const`).
    public func constant(_ value: Tensor, name: String? = nil) throws -> Output {
        try addOutput(
            "Const", name: name ?? "Const", attributes: ["value": .tensor(value), "dtype": .type(value.dtype)])
    }

    /// A scalar constant.
    public func constant<T: TensorScalar>(_ scalar: T, name: String? = nil) throws -> Output {
        try constant(Tensor(scalar), name: name)
    }

    /// A constant of the given shape from row-major scalars.
    public func constant<T: TensorScalar>(_ scalars: [T], shape: [Int], name: String? = nil) throws -> Output {
        try constant(Tensor(shape: shape, scalars: scalars), name: name)
    }

    /// A placeholder, `tf.compat.v1.placeholder` (TensorFlow op `Placeholder`): a tensor every
    /// run that needs it must feed. Unknown dimensions are `nil`: `[nil, 28, 28, 1]`.
    public func placeholder(_ dtype: DType, shape: Shape = .unknown, name: String? = nil) throws -> Output {
        try addOutput(
            "Placeholder", name: name ?? "Placeholder", attributes: ["dtype": .type(dtype), "shape": .shape(shape)])
    }

    /// `tf.compat.v1.placeholder_with_default` (TensorFlow op `PlaceholderWithDefault`): `value`
    /// unless a run feeds another tensor of `shape`.
    public func placeholder(defaultingTo value: Output, shape: Shape, name: String? = nil) throws -> Output {
        try addOutput("PlaceholderWithDefault", name: name ?? "PlaceholderWithDefault", inputs: [value],
                      attributes: ["shape": .shape(shape)])
    }

    /// `tf.identity` (TensorFlow op `Identity`).
    public func identity(_ input: Output, name: String? = nil) throws -> Output {
        try addOutput("Identity", name: name, inputs: [input])
    }

    /// `tf.group` (TensorFlow op `NoOp`): an operation that runs all of `operations`.
    public func group(_ operations: [Operation], name: String? = nil) throws -> Operation {
        try addOperation("NoOp", name: name ?? "group_deps", controlInputs: operations)
    }
}
