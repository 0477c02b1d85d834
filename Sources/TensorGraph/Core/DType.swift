/// The element type of a tensor, with TensorFlow's `DataType` enum values.
///
/// TensorGraph supports the five dtypes below; anything else met in a graph file is an error
/// that names the dtype.
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
        }
    }

    /// Size of one element in bytes.
    public var byteCount: Int {
        switch self {
        case .float32, .int32: 4
        case .float64, .int64: 8
        case .bool: 1
        }
    }

    /// Whether the dtype is `float32` or `float64`.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// Whether the dtype is `int32` or `int64`.
    public var isInteger: Bool { self == .int32 || self == .int64 }

    /// Whether arithmetic is defined on the dtype (every dtype but `bool`).
    public var isNumeric: Bool { self != .bool }

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
