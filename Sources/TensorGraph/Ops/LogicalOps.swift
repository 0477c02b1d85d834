/// Boolean logic and the ops driven by a condition: LogicalAnd, LogicalOr, LogicalNot, Select
/// (TensorFlow 1.x's `tf.where(c, t, e)`) and Where (the coordinates of the true elements).
enum LogicalOps {
    static let definitions = [connective("LogicalAnd") { $0 && $1 }, connective("LogicalOr") { $0 || $1 },
                              logicalNot, select, whereTrue]

    /// `tf.logical_and` / `tf.logical_or`: bools combined elementwise with broadcasting.
    static func connective(_ name: String, _ combine: @escaping @Sendable (Bool, Bool) -> Bool) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("x", .bool), .input("y", .bool)],
            shape: { context in [TensorInfo(.bool, try MathOps.broadcastShape(context))] },
            kernel: { context in
                let x = context.inputs[0], y = context.inputs[1]
                guard case .success(let shape) = Broadcasting.shape(x.shape, y.shape),
                      let a = x.scalars(as: Bool.self), let b = y.scalars(as: Bool.self) else {
                    throw context.error("x and y must be bools of shapes that broadcast")
                }
                let result = Elementwise.broadcast(a, x.shape, b, y.shape, into: shape, combine)
                return [Tensor(shape: shape, scalars: result)]
            },
            gradient: .notDifferentiable)
    }

    /// `tf.logical_not`: each bool negated.
    static let logicalNot = OpDefinition(
        "LogicalNot",
        inputs: [.input("x", .bool)],
        shape: { context in [TensorInfo(.bool, context.inputs[0].shape)] },
        kernel: { context in
            guard let x = context.inputs[0].scalars(as: Bool.self) else { throw context.error("x must be bools") }
            return [Tensor(shape: context.inputs[0].shape, scalars: x.map { !$0 })]
        },
        gradient: .notDifferentiable)

    /// TensorFlow 1.x's `tf.where(condition, t, e)` (TensorFlow op `Select`): `t` and `e` of one
    /// shape, and a condition of that shape, a scalar, or a vector choosing whole rows.
    static let select = OpDefinition(
        "Select",
        inputs: [.input("condition", .bool), .input("t", type: "T"), .input("e", type: "T")],
        attributes: [.type("T")],
        shape: { context in
            let (condition, t, e) = (context.inputs[0].shape, context.inputs[1].shape, context.inputs[2].shape)
            guard let shape = t.merged(with: e) else {
                throw context.error("t \(t) and e \(e) must have one shape", fix: "use SelectV2 to broadcast them")
            }
            try checkCondition(condition, against: shape, context)
            return [TensorInfo(context.inputs[1].dtype, shape)]
        },
        kernel: { context in
            let (condition, t, e) = (context.inputs[0], context.inputs[1], context.inputs[2])
            guard let flags = condition.scalars(as: Bool.self), t.shape == e.shape else {
                throw context.error("t and e must have one shape")
            }
            // How many consecutive elements of t each flag decides: all, one, or one row.
            let span: Int
            if condition.rank == 0 {
                span = max(t.elementCount, 1)
            } else if condition.shape == t.shape {
                span = 1
            } else if condition.rank == 1, t.rank > 1, condition.shape[0] == t.shape[0] {
                span = t.shape[1...].reduce(1, *)
            } else {
                throw context.error("condition must be a scalar, have t's shape, or be as long as t's first dimension")
            }
            let joined = TensorStorage.concatenating([t.storage, e.storage], dtype: t.dtype)
            let positions = (0..<t.elementCount).map { flags[$0 / max(span, 1)] ? $0 : t.elementCount + $0 }
            return [Tensor(shape: t.shape, storage: joined.selecting(positions))]
        },
        gradient: .function { c in
            let graph = c.graph, g = try c.gradient(), zeros = try graph.zerosLike(c.input(1))
            return [nil, try graph.addOutput("Select", name: "Select", inputs: [c.input(0), g, zeros]),
                    try graph.addOutput("Select", name: "Select_1", inputs: [c.input(0), zeros, g])]
        })

    /// Select's rule for its condition: a scalar, the shape of t, or (for t of rank 2 or more) a
    /// vector as long as t's first dimension.
    static func checkCondition(_ condition: Shape, against shape: Shape, _ context: InferenceContext) throws {
        guard let rank = condition.rank, rank > 0, let valueRank = shape.rank else { return }
        let fits = rank == 1 && valueRank > 1 ? Shape([condition[0]]).isCompatible(with: Shape([shape[0]]))
                                              : condition.isCompatible(with: shape)
        guard fits else {
            throw context.error("condition \(condition) must be a scalar, have the shape of t \(shape), "
                                + "or be a vector as long as t's first dimension",
                                fix: "use SelectV2 to broadcast the condition")
        }
    }

    /// `tf.where(condition)` (TensorFlow op `Where`): the coordinates of the true (non-zero)
    /// elements in row-major order, an int64 matrix of one row per element and one column per axis.
    static let whereTrue = OpDefinition(
        "Where",
        inputs: [.input("input", type: "T")],
        attributes: [.type("T", default: .bool)],
        shape: { context in
            let input = context.inputs[0]
            let count = input.value.map { $0.doubles.count { $0 != 0 } }
            return [TensorInfo(.int64, input.shape.rank.map { Shape([count, $0]) } ?? Shape([nil, nil]))]
        },
        kernel: { context in
            let input = context.inputs[0]
            let values = input.doubles
            let count = values.count { $0 != 0 }
            _ = try context.allocation([count, input.rank], .int64)
            let strides = Layout.strides(input.shape)
            var coordinates: [Int64] = []
            coordinates.reserveCapacity(count * input.rank)
            for (position, value) in values.enumerated() where value != 0 {
                for (axis, stride) in strides.enumerated() {
                    coordinates.append(Int64(position / stride % input.shape[axis]))
                }
            }
            return [Tensor(shape: [count, input.rank], scalars: coordinates)]
        },
        gradient: .notDifferentiable)
}

extension Graph {
    /// `x && y` elementwise with broadcasting, `tf.logical_and` (TensorFlow op `LogicalAnd`).
    public func logicalAnd(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("LogicalAnd", name: name, inputs: [x, y])
    }

    /// `x || y` elementwise with broadcasting, `tf.logical_or` (TensorFlow op `LogicalOr`).
    public func logicalOr(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("LogicalOr", name: name, inputs: [x, y])
    }

    /// `!x` elementwise, `tf.logical_not` (TensorFlow op `LogicalNot`).
    public func logicalNot(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("LogicalNot", name: name, inputs: [x])
    }

    /// `t` where `condition` holds, else `e`, all three broadcast, `tf.where(condition, t, e)`
    /// (TensorFlow op `SelectV2`).
    public func select(_ condition: Output, _ t: Output, _ e: Output, name: String? = nil) throws -> Output {
        try addOutput("SelectV2", name: name, inputs: [condition, t, e])
    }

    /// The coordinates of the true (non-zero) elements of `x`, an int64 matrix [count, rank],
    /// `tf.where(x)` (TensorFlow op `Where`).
    public func coordinatesOfTrue(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("Where", name: name, inputs: [x])
    }
}
