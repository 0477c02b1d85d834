/// Elementwise arithmetic with numpy broadcasting (Add, AddV2, Sub, Mul, RealDiv, Maximum,
/// Minimum, SquaredDifference), comparison (Equal) and one-operand math (Neg, Square, Abs, Sqrt,
/// Rsqrt, Exp, Log, Sigmoid, Tanh).
enum MathOps {
    static let definitions = [
        binary("Add", .add, gradient: addGradient), binary("AddV2", .add, gradient: addGradient),
        binary("Sub", .subtract, gradient: .function { c in
            let g = try c.gradient()
            return try unbroadcast(g, try c.graph.negate(g), c)
        }),
        binary("Mul", .multiply, gradient: .function { c in
            let g = try c.gradient()
            return try unbroadcast(try c.graph.multiply(g, c.input(1)), try c.graph.multiply(c.input(0), g), c)
        }),
        binary("RealDiv", .divide, gradient: .function { c in
            let g = try c.gradient(), graph = c.graph
            let gx = try graph.divide(g, c.input(1))
            let gy = try graph.multiply(g, try graph.divide(try graph.negate(c.input(0)), try graph.square(c.input(1))))
            return try unbroadcast(gx, gy, c)
        }),
        binary("Maximum", .maximum, gradient: .function { c in try chooseGradient(c, keepsX: "GreaterEqual") }),
        binary("Minimum", .minimum, gradient: .function { c in try chooseGradient(c, keepsX: "LessEqual") }),
        comparison("Greater") { $0 > $1 }, comparison("GreaterEqual") { $0 >= $1 },
        comparison("Less") { $0 < $1 }, comparison("LessEqual") { $0 <= $1 },
        selectV2,
        binary("SquaredDifference", .squaredDifference, gradient: .function { c in
            let graph = c.graph
            let gx = try graph.multiply(try graph.multiply(try c.gradient(), try graph.constant(2, like: c.input(0))),
                                        try graph.subtract(c.input(0), c.input(1)))
            return try unbroadcast(gx, try graph.negate(gx), c)
        }),
        binary("FloorDiv", .floorDivide, gradient: .notDifferentiable),
        binary("FloorMod", .floorModulo, gradient: .function { c in
            let graph = c.graph, g = try c.gradient()
            let quotient = try graph.addOutput("FloorDiv", name: "FloorDiv", inputs: [c.input(0), c.input(1)])
            return try unbroadcast(g, try graph.multiply(try graph.negate(g), quotient), c)
        }),
        equal, addN,
        unary("Neg", .negate, gradient: .function { c in [try c.graph.negate(c.gradient())] }),
        unary("Square", .square, gradient: .function { c in
            [try c.graph.multiply(c.gradient(),
                                  try c.graph.multiply(c.input(0), try c.graph.constant(2, like: c.input(0))))]
        }),
        unary("Abs", .abs, gradient: .function { c in
            [try c.graph.multiply(c.gradient(), try c.graph.addOutput("Sign", inputs: [c.input(0)]))]
        }),
        unary("Sign", .sign, gradient: .function { c in [try c.graph.zerosLike(c.input(0))] }),
        unary("Sqrt", .sqrt, gradient: .function { c in
            [try c.graph.divide(try c.graph.multiply(c.gradient(), try c.graph.constant(0.5, like: c.output(0))),
                                c.output(0))]
        }),
        unary("Rsqrt", .rsqrt, gradient: .function { c in
            [try c.graph.addOutput("RsqrtGrad", name: "RsqrtGrad", inputs: [c.output(0), c.gradient()])]
        }),
        elementwisePair("RsqrtGrad", inputs: ("y", "dy"), gradient: .function { c in
            let graph = c.graph, g = try c.gradient(), y = c.input(0)
            let first = try graph.multiply(
                try graph.multiply(g, try graph.constant(-1.5, like: y)),
                try graph.multiply(c.input(1), try graph.square(y)))
            return [first, try graph.addOutput("RsqrtGrad", name: "RsqrtGrad", inputs: [y, g])]
        }) { _ in { y, dy in -0.5 * dy * y * y * y } },
        unary("Exp", .exp, gradient: .function { c in [try c.graph.multiply(c.gradient(), c.output(0))] }),
        unary("Log", .log, gradient: .function { c in [try c.graph.divide(c.gradient(), c.input(0))] }),
        unary("Log1p", .log1p, gradient: .function { c in
            [try c.graph.divide(c.gradient(), try c.graph.add(try c.graph.constant(1, like: c.input(0)), c.input(0)))]
        }),
        unary("Reciprocal", .reciprocal, gradient: .function { c in
            // −g · y², as TensorFlow's ReciprocalGrad.
            let graph = c.graph, y = c.output(0)
            return [try graph.negate(try graph.multiply(try c.gradient(), try graph.square(y)))]
        }),
        unary("Softplus", .softplus, input: "features", gradient: .function { c in
            [try c.graph.multiply(c.gradient(), try c.graph.sigmoid(c.input(0)))]
        }),
        unary("Elu", .elu, input: "features", gradient: .function { c in
            // g where y > 0, g · (y + 1) elsewhere, as TensorFlow's EluGrad.
            let graph = c.graph, y = c.output(0), g = try c.gradient()
            let negative = try graph.multiply(g, try graph.add(y, try graph.constant(1, like: y)))
            return [try negativeSideGradient(graph, y, positive: g, negative: negative)]
        }).fusable(.elu),
        unary("Selu", .selu, input: "features", gradient: .function { c in
            // g · scale where y > 0, g · (y + scale · alpha) elsewhere, as TensorFlow's SeluGrad.
            let graph = c.graph, y = c.output(0), g = try c.gradient()
            let scale = try graph.constant(UnaryFunction.seluScale, like: y)
            let shift = try graph.constant(UnaryFunction.seluScale * UnaryFunction.seluAlpha, like: y)
            return [try negativeSideGradient(graph, y, positive: try graph.multiply(g, scale),
                                              negative: try graph.multiply(g, try graph.add(y, shift)))]
        }),
        unary("Erf", .erf, gradient: .function { c in
            [try c.graph.multiply(c.gradient(), try gaussian(c.graph, c.input(0), scale: 2 / Double.pi.squareRoot()))]
        }),
        unary("Erfc", .erfc, gradient: .function { c in
            [try c.graph.multiply(c.gradient(), try gaussian(c.graph, c.input(0), scale: -2 / Double.pi.squareRoot()))]
        }),
        unary("Sin", .sin, gradient: .function { c in
            [try c.graph.multiply(c.gradient(), try c.graph.cos(c.input(0)))]
        }),
        unary("Cos", .cos, gradient: .function { c in
            [try c.graph.negate(try c.graph.multiply(c.gradient(), try c.graph.sin(c.input(0))))]
        }),
        unary("Floor", .floor, gradient: .notDifferentiable),
        unary("Ceil", .ceil, gradient: .notDifferentiable),
        unary("Round", .round, gradient: .notDifferentiable),
        unary("Sigmoid", .sigmoid, gradient: .function { c in
            [try c.graph.addOutput("SigmoidGrad", name: "SigmoidGrad", inputs: [c.output(0), c.gradient()])]
        }).fusable(.sigmoid),
        unary("Tanh", .tanh, gradient: .function { c in
            [try c.graph.addOutput("TanhGrad", name: "TanhGrad", inputs: [c.output(0), c.gradient()])]
        }).fusable(.tanh),
        elementwisePair("SigmoidGrad", inputs: ("y", "dy"), gradient: .function { c in
            // d/dy = grad·dy·(1 − 2y), d/d(dy) = SigmoidGrad(y, grad), as TensorFlow's _SigmoidGradGrad.
            let graph = c.graph, g = try c.gradient(), y = c.input(0)
            let gy = try graph.multiply(g, c.input(1))
            let first = try graph.subtract(
                gy, try graph.multiply(try graph.multiply(gy, try graph.constant(2, like: y)), y))
            return [first, try graph.addOutput("SigmoidGrad", name: "SigmoidGrad", inputs: [y, g])]
        }) { _ in { y, dy in dy * y * (1 - y) } },
        elementwisePair("TanhGrad", inputs: ("y", "dy"), gradient: .function { c in
            let graph = c.graph, g = try c.gradient(), y = c.input(0)
            let first = try graph.multiply(
                try graph.multiply(g, try graph.constant(-2, like: y)), try graph.multiply(c.input(1), y))
            return [first, try graph.addOutput("TanhGrad", name: "TanhGrad", inputs: [y, g])]
        }) { _ in { y, dy in dy * (1 - y * y) } },
    ]

    /// `positive` where `y > 0`, `negative` elsewhere: the gradient of the ELU family, which is
    /// linear above zero and follows the output below.
    static func negativeSideGradient(_ graph: Graph, _ y: Output, positive: Output, negative: Output) throws -> Output {
        let above = try graph.addOutput("Greater", name: "Greater", inputs: [y, try graph.constant(0, like: y)])
        return try graph.addOutput("SelectV2", name: "SelectV2", inputs: [above, positive, negative])
    }

    /// `scale · e^(−x²)`, the derivative of erf (scale 2/√π) and of erfc (−2/√π).
    static func gaussian(_ graph: Graph, _ x: Output, scale: Double) throws -> Output {
        try graph.multiply(try graph.constant(scale, like: x), try graph.exp(try graph.negate(try graph.square(x))))
    }

    /// Maximum's and Minimum's gradient: the incoming gradient goes to whichever operand was
    /// chosen (x where `keepsX(x, y)`), as TensorFlow's _MaximumMinimumGrad.
    static func chooseGradient(_ c: GradientContext, keepsX comparison: String) throws -> [Output?] {
        let graph = c.graph, g = try c.gradient()
        let mask = try graph.addOutput(comparison, name: comparison, inputs: [c.input(0), c.input(1)])
        let zeros = try graph.zerosLike(g)
        return try unbroadcast(try graph.addOutput("SelectV2", name: "SelectV2", inputs: [mask, g, zeros]),
                               try graph.addOutput("SelectV2", name: "SelectV2_1", inputs: [mask, zeros, g]), c)
    }

    /// An ordering comparison (`tf.greater`, ...) elementwise with broadcasting, as bools.
    static func comparison(_ name: String, _ compare: @escaping @Sendable (Double, Double) -> Bool) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("x", type: "T"), .input("y", type: "T")],
            attributes: [.type("T", DType.numeric)],
            shape: { context in [TensorInfo(.bool, try broadcastShape(context))] },
            output: { context in
                let x = context.inputs[0], y = context.inputs[1]
                guard case .success(let shape) = Broadcasting.shape(x.shape, y.shape) else {
                    throw context.error("shapes \(describe(x.shape)) and \(describe(y.shape)) cannot broadcast")
                }
                return Tensor(shape: shape, scalars: compareElements(x, y, into: shape, compare))
            },
            gradient: .notDifferentiable)
    }

    /// `compare(x, y)` elementwise with broadcasting; float32 and int32 operands are read where
    /// they are (a loop compares its counter every iteration), the others through `doubles`.
    private static func compareElements(_ x: Tensor, _ y: Tensor, into shape: [Int],
                                        _ compare: (Double, Double) -> Bool) -> [Bool] {
        switch (x.storage, y.storage) {
        case (.float32(let a), .float32(let b)):
            Elementwise.broadcast(a, x.shape, b, y.shape, into: shape) { compare(Double($0), Double($1)) }
        case (.int32(let a), .int32(let b)):
            Elementwise.broadcast(a, x.shape, b, y.shape, into: shape) { compare(Double($0), Double($1)) }
        default:
            Elementwise.broadcast(x.doubles, x.shape, y.doubles, y.shape, into: shape, compare)
        }
    }

    /// `tf.where(condition, t, e)` with broadcasting of all three (TensorFlow op `SelectV2`).
    static let selectV2 = OpDefinition(
        "SelectV2",
        inputs: [.input("condition", .bool), .input("t", type: "T"), .input("e", type: "T")],
        attributes: [.type("T")],
        shape: { context in
            var shape = context.inputs[0].shape
            for input in context.inputs.dropFirst() {
                guard case .success(let next) = Broadcasting.shape(shape, input.shape) else {
                    throw context.error(
                        "condition, t and e have shapes "
                            + "\(context.inputShapes.map(\.description).joined(separator: ", ")), which cannot "
                            + "broadcast")
                }
                shape = next
            }
            return [TensorInfo(context.inputs[1].dtype, shape)]
        },
        kernel: { context in
            let (condition, t, e) = (context.inputs[0], context.inputs[1], context.inputs[2])
            guard case .success(let partial) = Broadcasting.shape(condition.shape, t.shape),
                  case .success(let shape) = Broadcasting.shape(partial, e.shape),
                  let flags = condition.scalars(as: Bool.self) else {
                throw context.error("condition, t and e cannot broadcast")
            }
            let count = shape.reduce(1, *)
            func positions(_ tensor: Tensor) -> [Int] {
                Layout.positions(
                    resultShape: shape, start: 0, steps: Broadcasting.strides(of: tensor.shape, broadcastTo: shape))
            }
            let (c, a, b) = (positions(condition), positions(t), positions(e))
            let joined = TensorStorage.concatenating([t.storage, e.storage], dtype: t.dtype)
            return [
                Tensor(
                    shape: shape,
                    storage: joined.selecting((0..<count).map { flags[c[$0]] ? a[$0] : t.elementCount + b[$0] }))
            ]
        },
        gradient: .function { c in
            let graph = c.graph, g = try c.gradient(), zeros = try graph.zerosLike(g)
            let gt = try graph.addOutput("SelectV2", name: "SelectV2", inputs: [c.input(0), g, zeros])
            let ge = try graph.addOutput("SelectV2", name: "SelectV2_1", inputs: [c.input(0), zeros, g])
            return [nil, try summed(gt, to: c.input(1), from: c.output(0), graph),
                    try summed(ge, to: c.input(2), from: c.output(0), graph)]
        })

    /// `gradient`, shaped like `output`, summed over the dimensions along which `input` was
    /// broadcast to make `output` and reshaped to `input`'s shape.
    static func summed(_ gradient: Output, to input: Output, from output: Output, _ graph: Graph) throws -> Output {
        let axes = try graph.addNode("BroadcastGradientArgs", name: "BroadcastGradientArgs",
                                     inputs: [try graph.shape(input), try graph.shape(output)])
        return try graph.reshape(try graph.addOutput("Sum", name: "Sum", inputs: [gradient, axes[0]]),
                                 to: try graph.shape(input))
    }

    static let addGradient = Gradient.function { c in
        let g = try c.gradient()
        return try unbroadcast(g, g, c)
    }

    /// The gradients `gx` and `gy` of a broadcasting binary op, each summed back over the
    /// dimensions its input was broadcast along (TensorFlow's BroadcastGradientArgs + Sum + Reshape).
    static func unbroadcast(_ gx: Output, _ gy: Output, _ c: GradientContext) throws -> [Output?] {
        let x = c.input(0), y = c.input(1), graph = c.graph
        let xShape = try graph.inferredShape(of: x), yShape = try graph.inferredShape(of: y)
        if xShape.isFullyDefined && xShape == yShape { return [gx, gy] }
        let sx = try graph.shape(x), sy = try graph.shape(y)
        let axes = try graph.addNode("BroadcastGradientArgs", name: "BroadcastGradientArgs", inputs: [sx, sy])
        return [try graph.reshape(try graph.addOutput("Sum", name: "Sum", inputs: [gx, axes[0]]), to: sx),
                try graph.reshape(try graph.addOutput("Sum", name: "Sum_1", inputs: [gy, axes[1]]), to: sy)]
    }

    /// `tf.add_n`: the sum of N tensors of one shape.
    static let addN = OpDefinition(
        "AddN",
        inputs: [.inputs("inputs", type: "T", count: "N")],
        attributes: [.attr("N"), .type("T", DType.numeric)],
        shape: { context in
            var merged = Shape.unknown
            for (index, input) in context.inputs.enumerated() {
                guard let next = merged.merged(with: input.shape) else {
                    throw context.error(
                        "input \(index) has shape \(input.shape), but earlier inputs have \(merged); add_n needs one "
                            + "shape")
                }
                merged = next
            }
            guard let dtype = context.inputs.first?.dtype else { throw context.invalid("needs at least one input") }
            return [TensorInfo(dtype, merged)]
        },
        kernel: { context in
            var total = context.inputs[0]
            for next in context.inputs.dropFirst() {
                guard next.shape == total.shape else { throw context.error("inputs must share one shape") }
                total = try elementwise(total, next, BinaryFunction.add, context)
            }
            return [total]
        },
        gradient: .function { c in Array(repeating: try c.gradient(), count: c.node.inputs.count) })

    /// `f(a[i], b[i])` for two tensors of one shape and numeric dtype.
    static func elementwise(
        _ a: Tensor, _ b: Tensor, _ function: BinaryFunction, _ context: KernelContext
    ) throws -> Tensor {
        func run<T: NumericScalar>(_ x: [T], _ y: [T]) -> Tensor {
            Tensor(shape: a.shape, scalars: zip(x, y).map { function($0, $1) })
        }
        switch (a.storage, b.storage) {
        case let (.float32(x), .float32(y)): return run(x, y)
        case let (.float64(x), .float64(y)): return run(x, y)
        case let (.int32(x), .int32(y)): return run(x, y)
        case let (.int64(x), .int64(y)): return run(x, y)
        default: throw context.error("operands must be numeric and of one dtype")
        }
    }

    /// An op on two float inputs of one shape, computed elementwise by the rule its attributes
    /// choose: the activations' gradient ops (SigmoidGrad(y, dy), ReluGrad(gradients, features), ...).
    static func elementwisePair(_ name: String, inputs names: (String, String), attributes: [AttributeSpec] = [],
                                gradient: Gradient,
                                _ rule: @escaping @Sendable (Attributes) throws -> @Sendable (Double, Double) -> Double)
        -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input(names.0, type: "T"), .input(names.1, type: "T")],
            attributes: [.type("T", DType.floatingPoint)] + attributes,
            shape: { context in
                guard let shape = context.inputs[0].shape.merged(with: context.inputs[1].shape) else {
                    throw context.error(
                        "\(names.0) \(context.inputs[0].shape) and \(names.1) \(context.inputs[1].shape) must have one "
                            + "shape")
                }
                return [TensorInfo(context.inputs[0].dtype, shape)]
            },
            kernel: { context in
                let a = context.inputs[0], b = context.inputs[1]
                guard a.shape == b.shape else { throw context.error("\(names.0) and \(names.1) must have one shape") }
                let f = try rule(context.attributes)
                return [Tensor(shape: a.shape, scalars: zip(a.doubles, b.doubles).map(f)).cast(to: a.dtype)]
            },
            gradient: gradient)
    }

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
    static func binary(_ name: String, _ function: BinaryFunction, gradient: Gradient = .none) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input("x", type: "T"), .input("y", type: "T")],
            attributes: [.type("T", DType.numeric)],
            shape: { context in [TensorInfo(context.inputs[0].dtype, try broadcastShape(context))] },
            output: { context in try combine(function, &context) },
            gradient: gradient
        ).with(OpTraits(channelArithmetic: function.channelArithmetic.map { arithmetic in
            { @Sendable _ in arithmetic }
        }, elementwiseBinary: { _ in function },
                        outputStorage: .overOwnedInput(0..<2)))
    }

    /// `function(x, y)` of a binary op's two inputs, with broadcasting.
    private static func combine(_ function: BinaryFunction, _ context: inout KernelContext) throws -> Tensor {
        let xShape = context.inputs[0].shape, yShape = context.inputs[1].shape
        guard case .success(let shape) = Broadcasting.shape(xShape, yShape) else {
            throw context.error("shapes \(describe(xShape)) and \(describe(yShape)) cannot broadcast")
        }
        switch (context.inputs[0].dtype, context.inputs[1].dtype) {
        case (.float32, .float32):
            if function.vectorOperator != nil { return combineFloats(function, into: shape, &context) }
            return try combine(function, Float.self, into: shape, &context)
        case (.float64, .float64): return try combine(function, Double.self, into: shape, &context)
        case (.int32, .int32): return try combine(function, Int32.self, into: shape, &context)
        case (.int64, .int64): return try combine(function, Int64.self, into: shape, &context)
        default: throw context.error("operands must be numeric and of one dtype")
        }
    }

    /// `function(x, y)` of a binary op's two `T` inputs broadcast into `shape`, written over an
    /// input this kernel owns that has that shape, else into a new buffer.
    private static func combine<T: NumericScalar>(_ function: BinaryFunction, _ type: T.Type, into shape: [Int],
                                                  _ context: inout KernelContext) throws -> Tensor {
        if function.divides, T.dtype.isInteger, context.inputs[1].scalars(as: T.self)!.contains(0) {
            throw context.error("integer division by zero")
        }
        if context.owns(0), context.inputs[0].shape == shape {
            var output = context.takeInput(0)
            let y = context.inputs[1]
            output.withMutableScalars(as: T.self) {
                Elementwise.update($0, shape, with: y.scalars(as: T.self)!, y.shape) { function($0, $1) }
            }
            return output
        }
        if context.owns(1), context.inputs[1].shape == shape {
            var output = context.takeInput(1)
            let x = context.inputs[0]
            output.withMutableScalars(as: T.self) {
                Elementwise.update($0, shape, with: x.scalars(as: T.self)!, x.shape) { function($1, $0) }
            }
            return output
        }
        let x = context.inputs[0], y = context.inputs[1]
        return Tensor(
            shape: shape,
            scalars: Elementwise.broadcast(
                x.scalars(as: T.self)!, x.shape, y.scalars(as: T.self)!, y.shape,
                into: shape) { function($0, $1) })
    }

    /// `function(x, y)` of two float32 inputs through the vector kernels, written over an input this
    /// kernel owns that has the output's shape, else into a new buffer; `yShape` is how y
    /// broadcasts, when not as its own shape (BiasAdd's bias).
    static func combineFloats(_ function: BinaryFunction, into shape: [Int], yShape: [Int]? = nil,
                              _ context: inout KernelContext) -> Tensor {
        let xShape = context.inputs[0].shape, yShape = yShape ?? context.inputs[1].shape
        for owned in 0..<2 where context.owns(owned) && (owned == 0 ? xShape : yShape) == shape {
            var output = context.takeInput(owned)
            let other = context.inputs[1 - owned], scalars = other.scalars(as: Float.self)!
            output.withMutableScalars(as: Float.self) { out in
                scalars.withUnsafeBufferPointer { scalars in
                    let own = UnsafeBufferPointer(out)
                    if owned == 0 {
                        VectorElementwise.combine(function, own, shape, scalars, yShape, into: out, shape: shape)
                    } else {
                        VectorElementwise.combine(function, scalars, xShape, own, shape, into: out, shape: shape)
                    }
                }
            }
            return output
        }
        let count = shape.reduce(1, *)
        let a = context.inputs[0].scalars(as: Float.self)!, b = context.inputs[1].scalars(as: Float.self)!
        return Tensor(shape: shape, scalars: [Float](unsafeUninitializedCapacity: count) { out, initialized in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    VectorElementwise.combine(function, a, xShape, b, yShape, into: out, shape: shape)
                }
            }
            initialized = count
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
        },
        gradient: .notDifferentiable)

    /// A one-operand op applying `function` to every element.
    static func unary(
        _ name: String, _ function: UnaryFunction, input: String = "x", gradient: Gradient = .none
    ) -> OpDefinition {
        OpDefinition(
            name,
            inputs: [.input(input, type: "T")],
            attributes: [.type("T", function.acceptsIntegers ? DType.numeric : DType.floatingPoint)],
            shape: { context in [TensorInfo(context.inputs[0].dtype, context.inputs[0].shape)] },
            output: { context in
                context.owns(0) ? function.apply(overwriting: context.takeInput(0)) : function.apply(context.inputs[0])
            },
            gradient: gradient
        ).with(OpTraits(elementwise: { _ in function }, outputStorage: .overOwnedInput(0..<1)))
    }
}

extension Graph {
    /// A scalar constant of `value` in the dtype of `like`.
    func constant(_ value: Double, like: Output) throws -> Output {
        try constant(Tensor(repeating: value, shape: [], dtype: try dtype(of: like)))
    }

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

    /// `x < y` elementwise as bools, `tf.less` (TensorFlow op `Less`).
    public func less(_ x: Output, _ y: Output, name: String? = nil) throws -> Output {
        try addOutput("Less", name: name, inputs: [x, y])
    }

    /// `-x`, `tf.negative` (TensorFlow op `Neg`).
    public func negate(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("Neg", name: name, inputs: [x])
    }

    /// `x²`, `tf.square` (TensorFlow op `Square`).
    public func square(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("Square", name: name, inputs: [x])
    }

    /// `√x`, `tf.sqrt` (TensorFlow op `Sqrt`).
    public func sqrt(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("Sqrt", name: name, inputs: [x])
    }

    /// `eˣ`, `tf.exp` (TensorFlow op `Exp`).
    public func exp(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Exp", name: name, inputs: [x]) }

    /// The sine, `tf.math.sin` (TensorFlow op `Sin`).
    public func sin(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Sin", name: name, inputs: [x]) }

    /// The cosine, `tf.math.cos` (TensorFlow op `Cos`).
    public func cos(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Cos", name: name, inputs: [x]) }

    /// The natural logarithm, `tf.math.log` (TensorFlow op `Log`).
    public func log(_ x: Output, name: String? = nil) throws -> Output { try addOutput("Log", name: name, inputs: [x]) }

    /// `1 / (1 + e⁻ˣ)`, `tf.sigmoid` (TensorFlow op `Sigmoid`).
    public func sigmoid(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("Sigmoid", name: name, inputs: [x])
    }

    /// The hyperbolic tangent, `tf.tanh` (TensorFlow op `Tanh`).
    public func tanh(_ x: Output, name: String? = nil) throws -> Output {
        try addOutput("Tanh", name: name, inputs: [x])
    }
}
