/// Elementwise arithmetic with numpy broadcasting (Add, AddV2, Sub, Mul, RealDiv, Maximum,
/// Minimum, SquaredDifference), comparison (Equal) and one-operand math (Neg, Square, Abs, Sqrt,
/// Rsqrt, Exp, Log, Sigmoid, Tanh).
enum MathOps {
    static let definitions = [
        binary("Add", .add), binary("AddV2", .add), binary("Sub", .subtract), binary("Mul", .multiply),
        binary("RealDiv", .divide), binary("Maximum", .maximum), binary("Minimum", .minimum),
        binary("SquaredDifference", .squaredDifference),
        equal,
        unary("Neg", .negate), unary("Square", .square), unary("Abs", .abs), unary("Sqrt", .sqrt),
        unary("Rsqrt", .rsqrt), unary("Exp", .exp), unary("Log", .log), unary("Sigmoid", .sigmoid),
        unary("Tanh", .tanh),
    ]

    /// The broadcast shape of the two inputs, or the diagnostic naming the clashing dimension.
    static func broadcastShape(_ context: InferenceContext) throws -> Shape {
        let a = context.inputs[0].shape, b = context.inputs[1].shape
        switch Broadcasting.shape(a, b) {
        case .success(let shape): return shape
        case .failure(let failure):
            throw context.error(failure.message(a, b), fix: "reshape one operand so each dimension matches or is 1")
        }
    }

    /// A two-operand numeric op applying `function` elementwise with broadcasting.
    static func binary(_ name: String, _ function: BinaryFunction) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("x", type: "T"), .input("y", type: "T")],
            attributes: [.type("T", DType.numeric)],
            shape: { context in [TensorInfo(context.inputs[0].dtype, try broadcastShape(context))] },
            kernel: { context in
                let x = context.inputs[0], y = context.inputs[1]
                guard case .success(let shape) = Broadcasting.shape(x.shape, y.shape) else {
                    throw context.error("shapes \(describe(x.shape)) and \(describe(y.shape)) cannot broadcast")
                }
                func run<T: NumericScalar>(_ a: [T], _ b: [T]) -> Tensor {
                    Tensor(shape: shape, scalars: Elementwise.broadcast(a, x.shape, b, y.shape, into: shape) { function($0, $1) })
                }
                switch (x.storage, y.storage) {
                case let (.float32(a), .float32(b)): return [run(a, b)]
                case let (.float64(a), .float64(b)): return [run(a, b)]
                case let (.int32(a), .int32(b)):
                    if function == .divide, b.contains(0) { throw context.error("integer division by zero") }
                    return [run(a, b)]
                case let (.int64(a), .int64(b)):
                    if function == .divide, b.contains(0) { throw context.error("integer division by zero") }
                    return [run(a, b)]
                default: throw context.error("operands must be numeric and of one dtype")
                }
            })
    }

    /// `tf.equal`: elementwise `x == y` with broadcasting, as bools.
    static let equal = OpDefinition(
        "Equal",
        inputs: [.input("x", type: "T"), .input("y", type: "T")],
        attributes: [.type("T"), .attr("incompatible_shape_error", default: .bool(true))],
        shape: { context in [TensorInfo(.bool, try broadcastShape(context))] },
        kernel: { context in
            let x = context.inputs[0], y = context.inputs[1]
            guard case .success(let shape) = Broadcasting.shape(x.shape, y.shape) else {
                throw context.error("shapes \(describe(x.shape)) and \(describe(y.shape)) cannot broadcast")
            }
            func run<T: TensorScalar>(_ a: [T], _ b: [T]) -> Tensor {
                Tensor(shape: shape, scalars: Elementwise.broadcast(a, x.shape, b, y.shape, into: shape, ==))
            }
            switch (x.storage, y.storage) {
            case let (.float32(a), .float32(b)): return [run(a, b)]
            case let (.float64(a), .float64(b)): return [run(a, b)]
            case let (.int32(a), .int32(b)): return [run(a, b)]
            case let (.int64(a), .int64(b)): return [run(a, b)]
            case let (.bool(a), .bool(b)): return [run(a, b)]
            default: throw context.error("operands must have one dtype")
            }
        })

    /// A one-operand op applying `function` to every element.
    static func unary(_ name: String, _ function: UnaryFunction, attributes: [AttributeSpec] = []) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("x", type: "T")],
            attributes: [.type("T", function.acceptsIntegers ? DType.numeric : DType.floatingPoint)] + attributes,
            shape: { context in [TensorInfo(context.inputs[0].dtype, context.inputs[0].shape)] },
            kernel: { context in [function.apply(context.inputs[0])] })
    }
}

extension Graph {
    /// `x + y` with broadcasting, `tf.add` (TensorFlow op `AddV2`).
    public func add(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("AddV2", name: name, inputs: [x, y])
    }

    /// `x - y` with broadcasting, `tf.subtract` (TensorFlow op `Sub`).
    public func subtract(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("Sub", name: name, inputs: [x, y])
    }

    /// `x * y` with broadcasting, `tf.multiply` (TensorFlow op `Mul`).
    public func multiply(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("Mul", name: name, inputs: [x, y])
    }

    /// `x / y` with broadcasting, `tf.divide` (TensorFlow op `RealDiv`).
    public func divide(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("RealDiv", name: name, inputs: [x, y])
    }

    /// The larger of `x` and `y` elementwise, `tf.maximum` (TensorFlow op `Maximum`).
    public func maximum(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("Maximum", name: name, inputs: [x, y])
    }

    /// The smaller of `x` and `y` elementwise, `tf.minimum` (TensorFlow op `Minimum`).
    public func minimum(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("Minimum", name: name, inputs: [x, y])
    }

    /// `x == y` elementwise as bools, `tf.equal` (TensorFlow op `Equal`).
    public func equal(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("Equal", name: name, inputs: [x, y])
    }

    /// `-x`, `tf.negative` (TensorFlow op `Neg`).
    public func negate(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Neg", name: name, inputs: [x]) }

    /// `x²`, `tf.square` (TensorFlow op `Square`).
    public func square(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Square", name: name, inputs: [x]) }

    /// `√x`, `tf.sqrt` (TensorFlow op `Sqrt`).
    public func sqrt(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Sqrt", name: name, inputs: [x]) }

    /// `eˣ`, `tf.exp` (TensorFlow op `Exp`).
    public func exp(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Exp", name: name, inputs: [x]) }

    /// The natural logarithm, `tf.math.log` (TensorFlow op `Log`).
    public func log(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Log", name: name, inputs: [x]) }

    /// `1 / (1 + e⁻ˣ)`, `tf.sigmoid` (TensorFlow op `Sigmoid`).
    public func sigmoid(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Sigmoid", name: name, inputs: [x]) }

    /// The hyperbolic tangent, `tf.tanh` (TensorFlow op `Tanh`).
    public func tanh(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Tanh", name: name, inputs: [x]) }
}
