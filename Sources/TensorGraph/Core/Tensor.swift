/// A concrete n-dimensional array: a dtype, a shape and row-major elements.
///
/// Tensors are values (copy-on-write), what `Session.run` returns and what feeds carry.
///
/// ```swift
/// let image = Tensor(shape: [1, 2, 2, 1], scalars: [0, 1, 2, 3] as [Float])
/// let label = Tensor(Int32(7))
/// ```
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    /// The dimensions; `[]` for a scalar.
    public let shape: [Int]
    /// The elements in row-major order.
    public private(set) var storage: TensorStorage
    /// The element type, kept beside the storage so that reading it needs no switch.
    public let dtype: DType

    /// Creates a tensor from row-major scalars; their count must equal the product of `shape`.
    public init<T: TensorScalar>(shape: [Int], scalars: [T]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "\(scalars.count) scalars cannot fill shape \(describe(shape))")
        self.shape = shape
        self.storage = T.storage(scalars)
        self.dtype = T.dtype
    }

    /// Creates a scalar (rank-0) tensor.
    public init<T: TensorScalar>(_ scalar: T) {
        self.init(shape: [], scalars: [scalar])
    }

    /// Creates a rank-1 tensor.
    public init<T: TensorScalar>(_ vector: [T]) {
        self.init(shape: [vector.count], scalars: vector)
    }

    /// Creates a tensor from storage whose count matches `shape`; internal callers have checked it.
    init(shape: [Int], storage: TensorStorage) {
        assert(shape.reduce(1, *) == storage.count)
        self.shape = shape
        self.storage = storage
        self.dtype = storage.dtype
    }

    /// A tensor of byte strings, from UTF-8 text (`tf.constant(["a", "b"])`).
    public init(shape: [Int], strings: [String]) {
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == strings.count,
                     "\(strings.count) strings cannot fill shape \(describe(shape))")
        self.init(shape: shape, storage: .string(strings.map { Array($0.utf8) }))
    }

    /// A tensor of `shape` with every element zero (`false` for bool, empty for string); resource
    /// and variant tensors have no zero.
    public init(zeros shape: [Int], dtype: DType) {
        self.init(repeating: 0, shape: shape, dtype: dtype)
    }

    /// A tensor of `shape` with every element `value` converted to `dtype` (non-zero is `true`).
    public init(repeating value: Double, shape: [Int], dtype: DType) {
        let count = shape.reduce(1, *)
        switch dtype {
        case .float32: self.init(shape: shape, scalars: [Float](repeating: Float(value), count: count))
        case .float64: self.init(shape: shape, scalars: [Double](repeating: value, count: count))
        case .int32: self.init(shape: shape, scalars: [Int32](repeating: Int32(converting: value), count: count))
        case .int64: self.init(shape: shape, scalars: [Int64](repeating: Int64(converting: value), count: count))
        case .bool: self.init(shape: shape, scalars: [Bool](repeating: value != 0, count: count))
        case .string: self.init(shape: shape, storage: .string([[UInt8]](repeating: [], count: count)))
        case .resource, .variant: preconditionFailure("a \(dtype) tensor cannot be filled with a number")
        }
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The number of elements.
    public var elementCount: Int { storage.count }

    /// The elements as `T`, or `nil` when the tensor's dtype is not `T`'s.
    public func scalars<T: TensorScalar>(as type: T.Type) -> [T]? { T.scalars(in: storage) }

    /// Rewrites the elements of a `T` tensor through `body`, in this tensor's own buffer unless
    /// another tensor shares it (then it is copied first, as any copy-on-write value is).
    mutating func withMutableScalars<T: TensorScalar, R>(
        as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
    ) rethrows -> R {
        guard var scalars = T.scalars(in: storage) else {
            preconditionFailure("a \(dtype) tensor has no \(T.dtype) elements")
        }
        // Holding the elements in `scalars` alone lets an unshared buffer be written without a copy.
        storage = .bool([])
        defer { storage = T.storage(scalars) }
        return try scalars.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// The same elements under another shape with the same element count.
    func reshaped(to newShape: [Int]) -> Tensor { Tensor(shape: newShape, storage: storage) }

    /// Every element converted to `Double` (`true` is 1); for messages, tests and constant folding.
    /// Empty for string, resource and variant tensors, whose elements are not numbers.
    public var doubles: [Double] {
        switch storage {
        case .float32(let a): a.map(Double.init)
        case .float64(let a): a
        case .int32(let a): a.map(Double.init)
        case .int64(let a): a.map(Double.init)
        case .bool(let a): a.map { $0 ? 1 : 0 }
        case .string, .resource, .variant: []
        }
    }

    /// The elements of a string tensor as text (bytes that are not UTF-8 are repaired as
    /// `String(decoding:as:)` does), or `nil` when the dtype is not string.
    public var strings: [String]? {
        guard case .string(let a) = storage else { return nil }
        return a.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every element of an integer tensor as `Int`, or `nil` when the dtype is not an integer.
    public var integers: [Int]? {
        switch storage {
        case .int32(let a): a.map(Int.init)
        case .int64(let a): a.map(Int.init)
        default: nil
        }
    }

    /// `Tensor(float32, [2, 2]) [[0.0, 1.0], [2.0, 3.0]]`, elided past a thousand elements.
    public var description: String {
        "Tensor(\(dtype), \(describe(shape))) " + valuesDescription
    }

    /// The elements as numpy prints them: nested brackets, the middle of each axis elided
    /// (`...`) past a thousand elements.
    public var valuesDescription: String { TensorFormatter(tensor: self).render() }
}
