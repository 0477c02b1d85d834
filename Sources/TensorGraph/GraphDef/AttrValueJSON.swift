import Foundation

/// TensorFlow's `AttrValue` in the protobuf JSON mapping: `{"s": base64}`, `{"i": "3"}`,
/// `{"f": 0.5}`, `{"b": true}`, `{"type": "DT_FLOAT"}`, `{"shape": ...}`, `{"tensor": ...}` and
/// `{"func": {"name": ..., "attr": {...}}}`, `{"placeholder": "T"}` and `{"list": {...}}` of each.
enum AttrValueJSON {
    static func decode(_ object: JSONObject, byteLimit: Int) throws -> AttrValue {
        let path = object.path
        if let value = object.raw("s") { return AttrValue(bytes: try JSONObject.bytes(value, path: path + ".s")) }
        if let value = object.raw("i") { return .int(try JSONObject.integer(value, path: path + ".i")) }
        if let value = object.raw("f") { return .float(Float(try JSONObject.double(value, path: path + ".f"))) }
        if let value = object.raw("b") { return .bool(try JSONObject.bool(value, path: path + ".b")) }
        if let value = object.raw("type") { return .type(try TensorProtoJSON.dtype(value, path: path + ".type")) }
        if let value = try object.object("shape") { return .shape(try TensorProtoJSON.shape(value)) }
        if let value = try object.object("tensor") {
            return .tensor(try TensorProtoJSON.tensor(value, byteLimit: byteLimit))
        }
        if let value = try object.string("placeholder") { return .placeholder(value) }
        if let value = try object.object("func") { return .function(try function(value, byteLimit: byteLimit)) }
        guard let list = try object.object("list") else {
            throw JSONObject.error(path, "has none of the AttrValue fields (s, i, f, b, type, shape, tensor, list)")
        }
        return try decodeList(list, byteLimit: byteLimit)
    }

    private static func decodeList(_ list: JSONObject, byteLimit: Int) throws -> AttrValue {
        let path = list.path
        func items(_ name: String) throws -> [(Any, String)]? {
            try list.array(name).map { $0.enumerated().map { ($1, "\(path).\(name)[\($0)]") } }
        }
        if let values = try items("s") {
            return AttrValue(byteStrings: try values.map { Array(try JSONObject.bytes($0, path: $1)) })
        }
        if let values = try items("i") { return .ints(try values.map { try JSONObject.integer($0, path: $1) }) }
        if let values = try items("f") { return .floats(try values.map { Float(try JSONObject.double($0, path: $1)) }) }
        if let values = try items("b") { return .bools(try values.map { try JSONObject.bool($0, path: $1) }) }
        if let values = try items("type") { return .types(try values.map { try TensorProtoJSON.dtype($0, path: $1) }) }
        if let values = try items("shape") {
            return .shapes(try values.map { try TensorProtoJSON.shape(JSONObject($0, path: $1)) })
        }
        if let values = try items("tensor") {
            return .tensors(
                try values.map { try TensorProtoJSON.tensor(JSONObject($0, path: $1), byteLimit: byteLimit) })
        }
        if let values = try items("func") {
            return .functions(try values.map { try function(JSONObject($0, path: $1), byteLimit: byteLimit) })
        }
        return .ints([])
    }

    /// A `NameAttrList`: `{"name": "f", "attr": {"T": {...}}}`.
    private static func function(_ object: JSONObject, byteLimit: Int) throws -> FunctionReference {
        var reference = FunctionReference(name: try object.string("name") ?? "")
        reference.attributes = try attributes(object.object("attr"), byteLimit: byteLimit)
        return reference
    }

    /// A `map<string, AttrValue>` object, or no attributes when absent.
    static func attributes(_ object: JSONObject?, byteLimit: Int) throws -> [String: AttrValue] {
        let (attributes, unsupported) = try attributesPastUnsupportedDTypes(object, byteLimit: byteLimit)
        if let unsupported { throw unsupported }
        return attributes
    }

    /// A node's `map<string, AttrValue>`, leaving out any attribute that holds a dtype TensorGraph
    /// lacks: the rest, and the first such attribute's error (in key order) for the importer to
    /// throw or not (`NodeDef.unsupportedDType`).
    static func attributesPastUnsupportedDTypes(_ object: JSONObject?,
                                                byteLimit: Int) throws -> ([String: AttrValue], GraphError?) {
        guard let object else { return ([:], nil) }
        var attributes: [String: AttrValue] = [:], unsupported: GraphError?
        for (key, value) in object.fields.sorted(by: { $0.key < $1.key }) {
            do {
                attributes[key] = try decode(JSONObject(value, path: "\(object.path).\(key)"), byteLimit: byteLimit)
            } catch let error as GraphError where error.kind == .unsupported {
                unsupported = unsupported ?? error
            }
        }
        return (attributes, unsupported)
    }

    static func encode(_ value: AttrValue) -> [String: Any] {
        switch value {
        case .string(let s): return ["s": Data(s.utf8).base64EncodedString()]
        case .bytes(let b): return ["s": Data(b).base64EncodedString()]
        case .int(let i): return ["i": String(i)]
        case .float(let f): return ["f": TensorProtoJSON.jsonNumber(f)]
        case .bool(let b): return ["b": b]
        case .type(let t): return ["type": t.tensorFlowName]
        case .shape(let s): return ["shape": TensorProtoJSON.encode(s)]
        case .tensor(let t): return ["tensor": TensorProtoJSON.encode(t)]
        case .strings(let a): return list("s", a.map { Data($0.utf8).base64EncodedString() })
        case .byteStrings(let a): return list("s", a.map { Data($0).base64EncodedString() })
        case .ints(let a): return list("i", a.map { String($0) })
        case .floats(let a): return list("f", a.map { TensorProtoJSON.jsonNumber($0) })
        case .bools(let a): return list("b", a.map { $0 as Any })
        case .types(let a): return list("type", a.map { $0.tensorFlowName as Any })
        case .shapes(let a): return list("shape", a.map { TensorProtoJSON.encode($0) as Any })
        case .tensors(let a): return list("tensor", a.map { TensorProtoJSON.encode($0) as Any })
        case .function(let f): return ["func": encode(f)]
        case .functions(let a): return list("func", a.map { encode($0) as Any })
        case .placeholder(let name): return ["placeholder": name]
        }
    }

    private static func encode(_ function: FunctionReference) -> [String: Any] {
        var object: [String: Any] = ["name": function.name]
        if !function.attributes.isEmpty { object["attr"] = function.attributes.mapValues(encode) }
        return object
    }

    private static func list(_ key: String, _ values: [Any]) -> [String: Any] {
        let items: [String: Any] = values.isEmpty ? [:] : [key: values]
        return ["list": items]
    }
}
