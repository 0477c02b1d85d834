/// A node's attributes with typed, checked accessors; a missing or mistyped attribute is a
/// ``GraphError`` naming the node, never a trap.
public struct Attributes: Sendable, Equatable {
    /// The raw values by name.
    public let values: [String: AttrValue]
    let node: String
    let op: String

    init(_ values: [String: AttrValue], node: String, op: String) {
        self.values = values
        self.node = node
        self.op = op
    }

    /// The raw value, if present.
    public subscript(name: String) -> AttrValue? { values[name] }

    private func value(_ name: String) throws -> AttrValue {
        guard let value = values[name] else {
            throw GraphError(.invalidArgument, node: node, op: op, message: "missing attribute '\(name)'")
        }
        return value
    }

    private func mismatch(_ name: String, _ expected: String, _ found: AttrValue) -> GraphError {
        GraphError(.invalidArgument, node: node, op: op,
                   message: "attribute '\(name)' must be \(expected), not \(found.kindName) \(found)")
    }

    func string(_ name: String) throws -> String {
        let v = try value(name)
        if case .bytes = v {
            throw GraphError(.invalidArgument, node: node, op: op,
                             message: "attribute '\(name)' holds bytes that are not UTF-8 text, "
                                + "where the op reads text")
        }
        guard case .string(let s) = v else { throw mismatch(name, "a string", v) }
        return s
    }

    func int(_ name: String) throws -> Int {
        let v = try value(name)
        guard case .int(let i) = v else { throw mismatch(name, "an int", v) }
        return i
    }

    func float(_ name: String) throws -> Float {
        let v = try value(name)
        guard case .float(let f) = v else { throw mismatch(name, "a float", v) }
        return f
    }

    func bool(_ name: String) throws -> Bool {
        let v = try value(name)
        guard case .bool(let b) = v else { throw mismatch(name, "a bool", v) }
        return b
    }

    func type(_ name: String) throws -> DType {
        let v = try value(name)
        guard case .type(let t) = v else { throw mismatch(name, "a dtype", v) }
        return t
    }

    func shape(_ name: String) throws -> Shape {
        let v = try value(name)
        guard case .shape(let s) = v else { throw mismatch(name, "a shape", v) }
        return s
    }

    func tensor(_ name: String) throws -> Tensor {
        let v = try value(name)
        guard case .tensor(let t) = v else { throw mismatch(name, "a tensor", v) }
        return t
    }

    func ints(_ name: String) throws -> [Int] {
        let v = try value(name)
        if v.isEmptyList { return [] }
        guard case .ints(let a) = v else { throw mismatch(name, "a list of ints", v) }
        return a
    }

    func floats(_ name: String) throws -> [Float] {
        let v = try value(name)
        if v.isEmptyList { return [] }
        guard case .floats(let a) = v else { throw mismatch(name, "a list of floats", v) }
        return a
    }

    func bools(_ name: String) throws -> [Bool] {
        let v = try value(name)
        if v.isEmptyList { return [] }
        guard case .bools(let a) = v else { throw mismatch(name, "a list of bools", v) }
        return a
    }

    func strings(_ name: String) throws -> [String] {
        let v = try value(name)
        if v.isEmptyList { return [] }
        guard case .strings(let a) = v else { throw mismatch(name, "a list of strings", v) }
        return a
    }

    func types(_ name: String) throws -> [DType] {
        let v = try value(name)
        if v.isEmptyList { return [] }
        guard case .types(let a) = v else { throw mismatch(name, "a list of dtypes", v) }
        return a
    }
}
