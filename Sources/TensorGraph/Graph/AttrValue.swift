/// The value of a node attribute, one case per kind TensorFlow's `AttrValue` holds.
public enum AttrValue: Sendable, Equatable, CustomStringConvertible {
    /// `s`: a byte string, held as text (padding "SAME", data_format "NHWC", ...).
    case string(String)
    /// `i`: an integer.
    case int(Int)
    /// `f`: a 32-bit float.
    case float(Float)
    /// `b`: a boolean.
    case bool(Bool)
    /// `type`: a dtype.
    case type(DType)
    /// `shape`: a partial shape.
    case shape(Shape)
    /// `tensor`: a constant tensor.
    case tensor(Tensor)
    /// `list { s }`.
    case strings([String])
    /// `list { i }`.
    case ints([Int])
    /// `list { f }`.
    case floats([Float])
    /// `list { b }`.
    case bools([Bool])
    /// `list { type }`.
    case types([DType])
    /// `list { shape }`.
    case shapes([Shape])
    /// `list { tensor }`.
    case tensors([Tensor])

    /// The kind's name as TensorFlow's op definitions write it (`int`, `list(int)`, ...).
    public var kindName: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .float: "float"
        case .bool: "bool"
        case .type: "type"
        case .shape: "shape"
        case .tensor: "tensor"
        case .strings: "list(string)"
        case .ints: "list(int)"
        case .floats: "list(float)"
        case .bools: "list(bool)"
        case .types: "list(type)"
        case .shapes: "list(shape)"
        case .tensors: "list(tensor)"
        }
    }

    /// Whether this is a list with no elements, which TensorFlow's format cannot type.
    var isEmptyList: Bool {
        switch self {
        case .strings(let a): a.isEmpty
        case .ints(let a): a.isEmpty
        case .floats(let a): a.isEmpty
        case .bools(let a): a.isEmpty
        case .types(let a): a.isEmpty
        case .shapes(let a): a.isEmpty
        case .tensors(let a): a.isEmpty
        default: false
        }
    }

    /// The value as written in messages: `"SAME"`, `[1, 2, 2, 1]`, `float32`.
    public var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .int(let i): String(i)
        case .float(let f): String(f)
        case .bool(let b): String(b)
        case .type(let t): t.description
        case .shape(let s): s.description
        case .tensor(let t): "tensor \(t.dtype) \(describe(t.shape))"
        case .strings(let a): "[" + a.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .ints(let a): "[" + a.map(String.init).joined(separator: ", ") + "]"
        case .floats(let a): "[" + a.map { String($0) }.joined(separator: ", ") + "]"
        case .bools(let a): "[" + a.map(String.init).joined(separator: ", ") + "]"
        case .types(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .shapes(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .tensors(let a): "[\(a.count) tensors]"
        }
    }
}
