/// How a layer fills a new variable, as Keras / tf.layers initializers do.
public enum Initializer: Sendable, Equatable {
    /// All zeros (`tf.zeros_initializer`).
    case zeros
    /// Every element `value` (`tf.constant_initializer`).
    case constant(Double)
    /// Uniform in ±√(6 / (fan_in + fan_out)) (`tf.glorot_uniform_initializer`, Keras' default kernel initializer).
    case glorotUniform(seed: Int? = nil)
    /// Normal samples redrawn beyond two standard deviations (Keras' `TruncatedNormal`, whose
    /// stddev defaults to 0.05; `tf.compat.v1.truncated_normal_initializer` defaults to 1).
    case truncatedNormal(mean: Double = 0, stddev: Double = 0.05, seed: Int? = nil)

    /// Builds the initial value of a variable of `shape` in `graph`.
    func initialValue(shape: [Int], dtype: DType, in graph: Graph) throws -> Output {
        switch self {
        case .zeros:
            return try graph.constant(Tensor(zeros: shape, dtype: dtype), name: "Initializer/zeros")
        case .constant(let value):
            return try graph.constant(Tensor(repeating: value, shape: shape, dtype: dtype), name: "Initializer/Const")
        case .glorotUniform(let seed):
            let (fanIn, fanOut) = Initializer.fans(shape)
            let limit = (6 / Double(Swift.max(1, fanIn + fanOut))).squareRoot()
            return try graph.withNameScope("Initializer") {
                try graph.randomUniform(shape: shape, minimum: -limit, maximum: limit, dtype: dtype, seed: seed)
            }
        case .truncatedNormal(let mean, let stddev, let seed):
            return try graph.withNameScope("Initializer") {
                try graph.truncatedNormal(shape: shape, mean: mean, stddev: stddev, dtype: dtype, seed: seed)
            }
        }
    }

    /// Keras' fan-in and fan-out: the last two dimensions times the receptive field.
    static func fans(_ shape: [Int]) -> (Int, Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        default:
            let receptive = shape.dropLast(2).reduce(1, *)
            return (shape[shape.count - 2] * receptive, shape[shape.count - 1] * receptive)
        }
    }
}

/// A layer's activation function.
public enum Activation: Sendable, Equatable {
    /// `tf.nn.relu`.
    case relu
    /// `tf.nn.relu6`.
    case relu6
    /// `tf.nn.leaky_relu`.
    case leakyRelu(alpha: Float)
    /// `tf.sigmoid`.
    case sigmoid
    /// `tf.tanh`.
    case tanh
    /// `tf.nn.softmax`.
    case softmax

    func apply(_ x: Output, in graph: Graph) throws -> Output {
        switch self {
        case .relu: try graph.relu(x, name: "Relu")
        case .relu6: try graph.relu6(x, name: "Relu6")
        case .leakyRelu(let alpha): try graph.leakyRelu(x, alpha: alpha, name: "LeakyRelu")
        case .sigmoid: try graph.sigmoid(x, name: "Sigmoid")
        case .tanh: try graph.tanh(x, name: "Tanh")
        case .softmax: try graph.softmax(x, name: "Softmax")
        }
    }
}
