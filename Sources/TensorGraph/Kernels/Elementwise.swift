import TensorGraphKernels

/// Element-by-element loops, with numpy broadcasting for two operands.
enum Elementwise {
    /// `f(a[i], b[j])` over the broadcast of `aShape` and `bShape` into `shape`.
    static func broadcast<T, R>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int], into shape: [Int],
                                _ f: (T, T) -> R) -> [R] {
        if aShape == bShape { return zip(a, b).map(f) }
        if b.count == 1 { let y = b[0]; return a.map { f($0, y) } }
        if a.count == 1 { let x = a[0]; return b.map { f(x, $0) } }
        var result: [R] = []
        result.reserveCapacity(shape.reduce(1, *))
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                forEachPair(aShape, bShape, in: shape) { i, j in result.append(f(a[i], b[j])) }
            }
        }
        return result
    }

    /// `target[i] = f(target[i], b[j])` over `target`'s shape, into which `bShape` broadcasts:
    /// the output written over an operand the kernel owns.
    static func update<T>(_ target: UnsafeMutableBufferPointer<T>, _ shape: [Int], with b: [T], _ bShape: [Int],
                          _ f: (T, T) -> T) {
        b.withUnsafeBufferPointer { b in
            if b.count == target.count {
                for i in target.indices { target[i] = f(target[i], b[i]) }
            } else if b.count == 1 {
                let y = b[0]
                for i in target.indices { target[i] = f(target[i], y) }
            } else {
                forEachPair(shape, bShape, in: shape) { i, j in target[i] = f(target[i], b[j]) }
            }
        }
    }

    /// Calls `body(i, j)` with the element of each operand under every element of `shape`, in
    /// row-major order, run by run (`BroadcastRuns`).
    private static func forEachPair(_ aShape: [Int], _ bShape: [Int], in shape: [Int], _ body: (Int, Int) -> Void) {
        let runs = BroadcastRuns(aShape, bShape, into: shape)
        runs.forEach(in: 0..<runs.count) { _, a, b in
            for k in 0..<runs.length { body(a + k * runs.aStep, b + k * runs.bStep) }
        }
    }
}

/// The two-operand arithmetic functions, written once for every numeric type. The raw value is
/// the function's name in a `_FusedElementwise` node's `functions`.
enum BinaryFunction: String, Sendable {
    case add, subtract, multiply, divide, maximum, minimum, squaredDifference, floorDivide, floorModulo

    /// The float32 vector kernel's operator for the function, if it has one.
    var vectorOperator: tg_binary_op? {
        switch self {
        case .add: TG_ADD
        case .subtract: TG_SUBTRACT
        case .multiply: TG_MULTIPLY
        case .divide: TG_DIVIDE
        case .maximum: TG_MAXIMUM
        case .minimum: TG_MINIMUM
        case .squaredDifference: TG_SQUARED_DIFFERENCE
        case .floorDivide, .floorModulo: nil
        }
    }

    /// Whether the function divides, so integer division by zero must be caught first.
    var divides: Bool { self == .divide || self == .floorDivide || self == .floorModulo }

    func callAsFunction<T: NumericScalar>(_ a: T, _ b: T) -> T {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: T.quotient(a, b)
        case .maximum: Swift.max(a, b)
        case .minimum: Swift.min(a, b)
        case .squaredDifference: (a - b) * (a - b)
        case .floorDivide: T.floorQuotient(a, b)
        case .floorModulo: a - T.floorQuotient(a, b) * b
        }
    }
}

/// The one-operand functions. Floating-point types support all; integers the few TensorFlow
/// defines for them.
enum UnaryFunction: Sendable, Equatable {
    case negate, square, abs, sign, sqrt, rsqrt, exp, log, log1p, sigmoid, tanh, relu, relu6
    case reciprocal, softplus, elu, selu, erf, erfc, floor, ceil, round, sin, cos
    case leakyRelu(alpha: Double)
    /// `x · sigmoid(x)` (SiLU): Keras' swish, which TensorFlow graphs write as Sigmoid then Mul.
    case swish

    /// The float32 vector kernel's operator for the function, and its parameter, if it has one.
    var vectorOperator: (tg_unary_op, alpha: Float)? {
        switch self {
        case .negate: (TG_NEGATE, 0)
        case .square: (TG_SQUARE, 0)
        case .abs: (TG_ABS, 0)
        case .sqrt: (TG_SQRT, 0)
        case .rsqrt: (TG_RSQRT, 0)
        case .exp: (TG_EXP, 0)
        case .log: (TG_LOG, 0)
        case .sigmoid: (TG_SIGMOID, 0)
        case .tanh: (TG_TANH, 0)
        case .relu: (TG_RELU, 0)
        case .relu6: (TG_RELU6, 0)
        case .leakyRelu(let alpha): (TG_LEAKY_RELU, Float(alpha))
        case .swish: (TG_SWISH, 0)
        case .sign, .log1p, .reciprocal, .softplus, .elu, .selu, .erf, .erfc, .floor, .ceil, .round, .sin, .cos: nil
        }
    }

    /// The function's name in a `_FusedElementwise` node's `functions`: the case's name.
    var name: String {
        if case .leakyRelu = self { return "leakyRelu" }
        return "\(self)"
    }

    /// The function named `name` (see ``name``); LeakyRelu's slope is `alpha`.
    init?(name: String, alpha: Double) {
        if name == "leakyRelu" {
            self = .leakyRelu(alpha: alpha)
        } else if let function = UnaryFunction.parameterless[name] {
            self = function
        } else {
            return nil
        }
    }

    /// The functions without a parameter, by name.
    private static let parameterless = Dictionary(uniqueKeysWithValues: [
        UnaryFunction.negate, .square, .abs, .sign, .sqrt, .rsqrt, .exp, .log, .log1p, .sigmoid, .tanh, .relu, .relu6,
        .reciprocal, .softplus, .elu, .selu, .erf, .erfc, .floor, .ceil, .round, .sin, .cos, .swish,
    ].map { ($0.name, $0) })

    /// SELU's constants (Klambauer et al.), as TensorFlow's kernel has them.
    static let seluScale = 1.0507009873554804934193349852946, seluAlpha = 1.6732632423543772848170429916717

    /// Whether TensorFlow defines the function for integers.
    var acceptsIntegers: Bool {
        switch self {
        case .negate, .square, .abs, .sign, .relu, .relu6: true
        default: false
        }
    }

    func callAsFunction<T: FloatingScalar>(_ x: T) -> T {
        switch self {
        case .negate: -x
        case .square: x * x
        case .abs: Swift.abs(x)
        case .sign: x > 0 ? 1 : (x < 0 ? -1 : x)
        case .sqrt: x.squareRoot()
        case .rsqrt: 1 / x.squareRoot()
        case .exp: T.exp(x)
        case .log: T.log(x)
        case .log1p: T(converting: Foundation.log1p(x.asDouble))
        case .reciprocal: 1 / x
        // log(1 + e^x) without overflow: x + log1p(e^−x) for positive x.
        case .softplus: x > 0 ? x + T(converting: Foundation.log1p(Foundation.exp(-x.asDouble)))
            : T(converting: Foundation.log1p(Foundation.exp(x.asDouble)))
        case .elu: x > 0 ? x : T(converting: Foundation.expm1(x.asDouble))
        case .selu: x > 0 ? T(converting: UnaryFunction.seluScale) * x
            : T(converting: UnaryFunction.seluScale * UnaryFunction.seluAlpha * Foundation.expm1(x.asDouble))
        case .erf: T(converting: Foundation.erf(x.asDouble))
        case .erfc: T(converting: Foundation.erfc(x.asDouble))
        case .sin: T(converting: Foundation.sin(x.asDouble))
        case .cos: T(converting: Foundation.cos(x.asDouble))
        case .floor: x.rounded(.down)
        case .ceil: x.rounded(.up)
        // TensorFlow rounds halves to even.
        case .round: x.rounded(.toNearestOrEven)
        case .sigmoid: 1 / (1 + T.exp(-x))
        case .tanh: T.tanh(x)
        case .relu: x > 0 ? x : (x.isNaN ? x : 0)
        case .relu6: x.isNaN ? x : Swift.min(Swift.max(x, 0), 6)
        case .leakyRelu(let alpha): x > 0 ? x : x * T(alpha)
        case .swish: x / (1 + T.exp(-x))
        }
    }

    func integer<T: NumericScalar>(_ x: T) -> T {
        switch self {
        case .negate: 0 - x
        case .square: x * x
        case .abs: x < 0 ? 0 - x : x
        case .sign: x > 0 ? 1 : (x < 0 ? 0 - 1 : 0)
        case .relu: Swift.max(x, 0)
        case .relu6: Swift.min(Swift.max(x, 0), 6)
        default: x
        }
    }

    /// Applies the function to every element of a tensor the kernel owns, in its own buffer.
    func apply(overwriting tensor: consuming Tensor) -> Tensor {
        var tensor = tensor
        switch tensor.dtype {
        case .float32:
            tensor.withMutableScalars(as: Float.self) { x in
                if let (op, alpha) = vectorOperator {
                    VectorElementwise.apply(op, alpha: alpha, UnsafeBufferPointer(x), into: x)
                } else {
                    for i in x.indices { x[i] = self(x[i]) }
                }
            }
        case .float64: tensor.withMutableScalars(as: Double.self) { x in for i in x.indices { x[i] = self(x[i]) } }
        case .int32: tensor.withMutableScalars(as: Int32.self) { x in for i in x.indices { x[i] = integer(x[i]) } }
        case .int64: tensor.withMutableScalars(as: Int64.self) { x in for i in x.indices { x[i] = integer(x[i]) } }
        case .bool, .string, .resource, .variant: break
        }
        return tensor
    }

    /// Applies the function to every element.
    func apply(_ tensor: Tensor) -> Tensor {
        switch tensor.storage {
        case .float32(let a):
            if let (op, alpha) = vectorOperator {
                Tensor(shape: tensor.shape, scalars: [Float](unsafeUninitializedCapacity: a.count) { out, initialized in
                    a.withUnsafeBufferPointer { VectorElementwise.apply(op, alpha: alpha, $0, into: out) }
                    initialized = a.count
                })
            } else {
                Tensor(shape: tensor.shape, scalars: a.map { self($0) })
            }
        case .float64(let a): Tensor(shape: tensor.shape, scalars: a.map { self($0) })
        case .int32(let a): Tensor(shape: tensor.shape, scalars: a.map { integer($0) })
        case .int64(let a): Tensor(shape: tensor.shape, scalars: a.map { integer($0) })
        case .bool, .string, .resource, .variant: tensor
        }
    }
}

import Foundation
