/// The element type of a tensor, with TensorFlow's `DataType` enum values.
///
/// Five dtypes hold numbers or truth values and take part in arithmetic, casts and file formats
/// (`.npy`, `tensor_content`, checkpoints). Three hold values TensorFlow passes between ops without
/// computing on them: byte strings (Assert's messages), resource handles (a TensorArray) and variants
/// (TF2's tensor lists). Any other dtype met in a graph file is an error that names it.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    /// 32-bit IEEE float (`tf.float32`, `DT_FLOAT`).
    case float32
    /// 64-bit IEEE float (`tf.float64`, `DT_DOUBLE`).
    case float64
    /// 32-bit signed integer (`tf.int32`, `DT_INT32`).
    case int32
    /// 64-bit signed integer (`tf.int64`, `DT_INT64`).
    case int64
    /// Boolean (`tf.bool`, `DT_BOOL`).
    case bool
    /// A byte string per element (`tf.string`, `DT_STRING`).
    case string
    /// A handle to a per-run resource such as a TensorArray (`tf.resource`, `DT_RESOURCE`).
    case resource
    /// An opaque value such as a TF2 tensor list (`tf.variant`, `DT_VARIANT`).
    case variant

    /// The name used in messages, matching TensorFlow's Python names (`float32`, `int64`, ...).
    public var description: String { rawValue }

    /// TensorFlow's `DataType` enum value (`DT_FLOAT` is 1), as GraphDef files store it.
    public var tensorFlowValue: Int {
        switch self {
        case .float32: 1
        case .float64: 2
        case .int32: 3
        case .int64: 9
        case .bool: 10
        case .string: 7
        case .resource: 20
        case .variant: 21
        }
    }

    /// TensorFlow's `DataType` enum name (`DT_FLOAT`), as the protobuf JSON mapping writes it.
    public var tensorFlowName: String {
        switch self {
        case .float32: "DT_FLOAT"
        case .float64: "DT_DOUBLE"
        case .int32: "DT_INT32"
        case .int64: "DT_INT64"
        case .bool: "DT_BOOL"
        case .string: "DT_STRING"
        case .resource: "DT_RESOURCE"
        case .variant: "DT_VARIANT"
        }
    }

    /// Size of one element in bytes; for string, resource and variant, which have no fixed width,
    /// the size of the reference each element is held by (what size limits count).
    public var byteCount: Int {
        switch self {
        case .float32, .int32: 4
        case .float64, .int64: 8
        case .bool: 1
        case .string, .resource, .variant: 8
        }
    }

    /// Whether the dtype is `float32` or `float64`.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// Whether the dtype is `int32` or `int64`.
    public var isInteger: Bool { self == .int32 || self == .int64 }

    /// Whether arithmetic is defined on the dtype (the floats and the integers).
    public var isNumeric: Bool { isFloatingPoint || isInteger }

    /// Whether the elements are fixed-width numbers or bools, stored as little-endian bytes in
    /// `tensor_content`, `.npy` files and checkpoints (every dtype but string, resource and variant).
    public var isPlainData: Bool { isNumeric || self == .bool }

    /// The TensorFlow names of every dtype, for messages that list them:
    /// `DT_FLOAT, DT_DOUBLE, ... and DT_VARIANT`.
    static let tensorFlowNames = allCases.dropLast().map(\.tensorFlowName).joined(separator: ", ")
        + " and " + allCases.last!.tensorFlowName

    /// Looks a dtype up by TensorFlow's enum value.
    public init?(tensorFlowValue: Int) {
        guard let match = DType.allCases.first(where: { $0.tensorFlowValue == tensorFlowValue }) else { return nil }
        self = match
    }

    /// Looks a dtype up by TensorFlow's enum name (`DT_FLOAT`).
    public init?(tensorFlowName: String) {
        guard let match = DType.allCases.first(where: { $0.tensorFlowName == tensorFlowName }) else { return nil }
        self = match
    }
}
