/// A symbolic tensor: output `index` of the node `node`, written `"node:index"` as in TensorFlow.
///
/// Graph builders return outputs; `Session.run` fetches and feeds them. A string literal names
/// one: `"logits"` is `"logits:0"`.
public struct Output: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name of the node producing the tensor.
    public let node: String
    /// Which of the node's outputs.
    public let index: Int

    /// Names output `index` of `node`.
    public init(node: String, index: Int = 0) {
        self.node = node
        self.index = index
    }

    /// Parses `"node"` (output 0) or `"node:k"`.
    public init(_ name: String) {
        if let colon = name.lastIndex(of: ":"), let k = Int(name[name.index(after: colon)...]), k >= 0 {
            self.init(node: String(name[..<colon]), index: k)
        } else {
            self.init(node: name, index: 0)
        }
    }

    /// Parses `"node"` or `"node:k"`.
    public init(stringLiteral value: String) { self.init(value) }

    /// The operation that produces this tensor.
    public var operation: Operation { Operation(name: node) }

    /// `"node:index"`.
    public var description: String { "\(node):\(index)" }
}

/// A node used for its effect rather than its value (TensorFlow's `tf.Operation`), such as a
/// variable initializer or a train op, run as a `Session.run` target.
public struct Operation: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The node's name.
    public let name: String

    /// Names the node `name`.
    public init(name: String) { self.name = name }

    /// Names the node `value`.
    public init(stringLiteral value: String) { self.name = value }

    /// The node's name.
    public var description: String { name }
}

/// What is known about a symbolic tensor while building: its dtype, its partial shape and,
/// for constants and what folds from them, its value.
public struct TensorInfo: Sendable, Equatable {
    /// The element type.
    public var dtype: DType
    /// The shape as far as it is known.
    public var shape: Shape
    /// The value, when it is known before running (constants and what folds from them).
    public var value: Tensor?
    /// For an int32/int64 scalar or vector that will be used as a shape: the elements known so
    /// far (`stack([shape(x)[0], 28, 28, 16])` is `[?, 28, 28, 16]`), as TensorFlow's shape
    /// inference tracks them.
    public var shapeValue: Shape?

    /// Describes a tensor whose value is not known before running.
    public init(_ dtype: DType, _ shape: Shape) {
        self.dtype = dtype
        self.shape = shape
    }

    /// Describes a tensor whose value is known.
    public init(constant: Tensor) {
        self.dtype = constant.dtype
        self.shape = Shape(constant.shape)
        self.value = constant
        self.shapeValue = TensorInfo.shapeValue(of: constant)
    }

    /// An integer scalar or vector read as dimensions, with negative entries unknown.
    static func shapeValue(of tensor: Tensor) -> Shape? {
        guard tensor.rank <= 1, tensor.elementCount <= 64, let values = tensor.integers else { return nil }
        return Shape(values.map { $0 >= 0 ? $0 : nil })
    }
}
