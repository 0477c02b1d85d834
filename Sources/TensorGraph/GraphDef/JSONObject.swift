import Foundation

/// Typed, throwing access to decoded JSON, following the protobuf JSON mapping: every field may
/// be spelled in lowerCamelCase or as in the .proto (`tensorContent` / `tensor_content`), and
/// int64 values may be strings or numbers. A wrong type is a ``GraphError`` naming the path.
struct JSONObject {
    let fields: [String: Any]
    /// Where this object sits in the file, for messages (`node[3].attr.strides`).
    let path: String

    init(_ value: Any?, path: String) throws {
        guard let fields = value as? [String: Any] else {
            throw JSONObject.error(path, "must be a JSON object, not \(JSONObject.kind(of: value))")
        }
        self.fields = fields
        self.path = path
    }

    static func error(_ path: String, _ message: String) -> GraphError {
        GraphError(.invalidFile, message: "\(path.isEmpty ? "the graph" : path) \(message)")
    }

    static func kind(of value: Any?) -> String {
        switch value {
        case nil, is NSNull: "null"
        case is String: "a string"
        case let number as NSNumber: isBoolean(number) ? "a boolean" : "a number"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        default: "something else"
        }
    }

    /// JSONSerialization gives booleans as NSNumbers whose Objective-C type is `char`.
    static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    /// The path of field `name` below this object.
    func child(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The value of a field under its camelCase or proto name.
    func raw(_ name: String) -> Any? {
        if let value = fields[name] { return value }
        let snake = name.reduce(into: "") { result, character in
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return fields[snake]
    }

    func has(_ name: String) -> Bool { raw(name) != nil }

    func string(_ name: String) throws -> String? {
        guard let value = raw(name) else { return nil }
        guard let text = value as? String else {
            throw JSONObject.error(child(name), "must be a string, not \(JSONObject.kind(of: value))")
        }
        return text
    }

    func object(_ name: String) throws -> JSONObject? {
        guard let value = raw(name) else { return nil }
        return try JSONObject(value, path: child(name))
    }

    func array(_ name: String) throws -> [Any]? {
        guard let value = raw(name) else { return nil }
        guard let items = value as? [Any] else {
            throw JSONObject.error(child(name), "must be an array, not \(JSONObject.kind(of: value))")
        }
        return items
    }

    /// An int64 field, given as a string or a number.
    func integer(_ name: String) throws -> Int? {
        guard let value = raw(name) else { return nil }
        return try JSONObject.integer(value, path: child(name))
    }

    static func integer(_ value: Any, path: String) throws -> Int {
        if let text = value as? String {
            guard let number = Int(text) else {
                throw error(path, "must be an integer that fits in 64 bits, not \"\(text.prefix(40))\"")
            }
            return number
        }
        guard let number = value as? NSNumber, !isBoolean(number) else {
            throw error(path, "must be an integer, not \(kind(of: value))")
        }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 9.2e18 else {
            throw error(path, "must be an integer that fits in 64 bits, not \(number)")
        }
        return number.intValue
    }

    static func double(_ value: Any, path: String) throws -> Double {
        if let text = value as? String {
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let number = Double(text) else {
                    throw error(path, "must be a number, not \"\(text.prefix(40))\"")
                }
                return number
            }
        }
        guard let number = value as? NSNumber, !isBoolean(number) else {
            throw error(path, "must be a number, not \(kind(of: value))")
        }
        return number.doubleValue
    }

    static func bool(_ value: Any, path: String) throws -> Bool {
        guard let number = value as? NSNumber, isBoolean(number) else {
            throw error(path, "must be true or false, not \(kind(of: value))")
        }
        return number.boolValue
    }

    /// Base64 bytes, padded or not.
    static func bytes(_ value: Any, path: String) throws -> Data {
        guard var text = value as? String else { throw error(path, "must be a base64 string, not \(kind(of: value))") }
        text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { throw error(path, "is not valid base64") }
        return data
    }
}
