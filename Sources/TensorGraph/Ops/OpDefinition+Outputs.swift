extension OpDefinition {
    /// The positions among a node's outputs of output argument `argument` (how function bodies
    /// name outputs: `bn:batch_mean:0` is tensor 0 of argument `batch_mean`), with list arguments
    /// sized by `attributes`, the node's attributes as written (defaults filled from the
    /// definition); nil for an op that declares no output arguments, whose outputs are all one.
    func outputRange(argument: String, attributes given: [String: AttrValue]) throws -> Range<Int>? {
        guard !outputs.isEmpty else { return nil }
        var values = given
        for spec in self.attributes where values[spec.name] == nil { values[spec.name] = spec.defaultValue }
        var position = 0
        for spec in outputs {
            let count: Int
            if let name = spec.countAttribute {
                guard case .int(let n)? = values[name], n >= 0 else {
                    throw outputError("needs its int attribute '\(name)'")
                }
                count = n
            } else if let name = spec.typeListAttribute {
                guard case .types(let types)? = values[name] else {
                    throw outputError("needs its list(type) attribute '\(name)'")
                }
                count = types.count
            } else {
                count = 1
            }
            if spec.name == argument { return position..<position + count }
            position += count
        }
        throw outputError("has no output named '\(argument)'; its outputs are "
                          + outputs.map(\.name).joined(separator: ", "))
    }

    private func outputError(_ message: String) -> GraphError {
        GraphError(.invalidArgument, op: name, message: "op \(name) \(message)")
    }
}
