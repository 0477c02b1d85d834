/// The optimizer update ops, under TensorFlow's names: ApplyGradientDescent.
enum TrainingOps {
    static let definitions = [applyGradientDescent]

    /// `var -= alpha · delta`, in place; returns the new value.
    static let applyGradientDescent = OpDefinition(
        "ApplyGradientDescent",
        inputs: [.reference("var", type: "T"), .input("alpha", type: "T"), .input("delta", type: "T")],
        attributes: [.type("T", DType.floatingPoint), .attr("use_locking", default: .bool(false))],
        folds: false,
        shape: { context in
            try requireScalar(context, 1, "alpha")
            guard let shape = context.inputs[0].shape.merged(with: context.inputs[2].shape) else {
                throw context.error("delta \(context.inputs[2].shape) must have the variable's shape \(context.inputs[0].shape)")
            }
            return [TensorInfo(context.inputs[0].dtype, shape)]
        },
        kernel: { context in
            let name = context.references[0], alpha = context.inputs[1].doubles[0], delta = context.inputs[2]
            let updated = try context.state.update(variable: name) { current in
                guard current.shape == delta.shape else { throw context.error("delta's shape differs from the variable's") }
                return Tensor(shape: current.shape, scalars: zip(current.doubles, delta.doubles).map { $0 - alpha * $1 }).cast(to: current.dtype)
            }
            guard let updated else { throw StateOps.uninitializedVariableV2(name) }
            return [updated]
        })

    static func requireScalar(_ context: InferenceContext, _ index: Int, _ role: String) throws {
        if let rank = context.inputs[index].shape.rank, rank != 0 {
            throw context.error("\(role) must be a scalar, but has shape \(context.inputs[index].shape)")
        }
    }
}
