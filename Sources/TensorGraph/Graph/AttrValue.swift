/// The value of a node attribute, one case per kind TensorFlow's `AttrValue` holds.
public enum AttrValue: Sendable, Equatable, CustomStringConvertible {
    /// `s` holding UTF-8 text (padding "SAME", data_format "NHWC", ...), as nearly every `s` does.
    case string(String)
    /// `s` holding bytes that are not UTF-8 text (a serialized `config_proto`), kept as they are so
    /// the graph saves back unchanged. Decoders give ``string(_:)`` whenever the bytes are text;
    /// ``init(bytes:)`` chooses.
    case bytes([UInt8])
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
    /// `list { s }` of UTF-8 text.
    case strings([String])
    /// `list { s }` with an element that is not UTF-8 text; ``init(byteStrings:)`` chooses.
    case byteStrings([[UInt8]])
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
    /// `func`: a function of the graph's library with attributes bound (TensorFlow's `NameAttrList`),
    /// as `PartitionedCall`'s `f` names it.
    case function(FunctionReference)
    /// `list { func }`.
    case functions([FunctionReference])
    /// `placeholder`: inside a function's body, the function attribute this value comes from
    /// when the function is called.
    case placeholder(String)

    /// `s` from its bytes: ``string(_:)`` when they are UTF-8 text, else ``bytes(_:)``.
    public init(bytes: some Collection<UInt8>) {
        if let text = String(validating: bytes, as: UTF8.self) {
            self = .string(text)
        } else {
            self = .bytes(Array(bytes))
        }
    }

    /// `list { s }` from each element's bytes: ``strings(_:)`` when all are UTF-8 text, else
    /// ``byteStrings(_:)``.
    public init(byteStrings: [[UInt8]]) {
        let texts = byteStrings.compactMap { String(validating: $0, as: UTF8.self) }
        self = texts.count == byteStrings.count ? .strings(texts) : .byteStrings(byteStrings)
    }

    /// The kind's name as TensorFlow's op definitions write it (`int`, `list(int)`, ...).
    public var kindName: String {
        switch self {
        case .string, .bytes: "string"
        case .int: "int"
        case .float: "float"
        case .bool: "bool"
        case .type: "type"
        case .shape: "shape"
        case .tensor: "tensor"
        case .strings, .byteStrings: "list(string)"
        case .ints: "list(int)"
        case .floats: "list(float)"
        case .bools: "list(bool)"
        case .types: "list(type)"
        case .shapes: "list(shape)"
        case .tensors: "list(tensor)"
        case .function: "func"
        case .functions: "list(func)"
        case .placeholder: "placeholder"
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
        case .byteStrings(let a): a.isEmpty
        case .functions(let a): a.isEmpty
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
        case .bytes(let b): "\"\(TextFormatEscaping.escaped(b))\""
        case .byteStrings(let a): "[" + a.map { "\"\(TextFormatEscaping.escaped($0))\"" }.joined(separator: ", ") + "]"
        case .function(let f): f.description
        case .functions(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .placeholder(let name): "placeholder '\(name)'"
        }
    }
}

/// A function of the graph's library and the attributes it is called with (TensorFlow's
/// `NameAttrList`), the value of a `func` attribute.
public struct FunctionReference: Sendable, Equatable, CustomStringConvertible {
    /// The function's name in the library (`signature.name`).
    public var name: String
    /// The attributes bound for the call.
    public var attributes: [String: AttrValue]

    /// Names `name` with `attributes` bound.
    public init(name: String, attributes: [String: AttrValue] = [:]) {
        self.name = name
        self.attributes = attributes
    }

    /// `function 'name'`.
    public var description: String { "function '\(name)'" }
}
