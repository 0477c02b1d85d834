/// Completes and checks a node's attributes against its op definition: fills TensorFlow's
/// defaults, infers dtype and count attributes from the inputs, and rejects what the op does not
/// allow, each with a message naming the node.
struct AttributeResolver {
    let definition: OpDefinition
    let node: String

    func resolve(_ given: [String: AttrValue], inputs: [TensorInfo]) throws -> Attributes {
        var values = given
        let label = definition.label
        func fail(_ message: String, fix: String? = nil) -> GraphError {
            GraphError(.invalidArgument, node: node, op: label, inputShapes: inputs.map(\.shape), message: message,
                       fix: fix)
        }

        let variadic = definition.inputs.filter { $0.countAttribute != nil || $0.typeListAttribute != nil }
        let fixedCount = definition.inputs.count - variadic.count
        // A run with a default count (`_FusedConv2D`'s host_args) takes it when not given.
        for spec in definition.attributes where values[spec.name] == nil && spec.defaultValue != nil
            && variadic.contains(where: { $0.countAttribute == spec.name }) {
            values[spec.name] = spec.defaultValue
        }
        if let listName = variadic.first?.typeListAttribute, values[listName] == nil {
            // The dtypes of every input past the fixed ones (a type-list run is the op's last input).
            values[listName] = .types(inputs.dropFirst(max(0, fixedCount)).map(\.dtype))
        }
        if let countName = variadic.first?.countAttribute, values[countName] == nil {
            let spare = inputs.count - fixedCount
            guard spare >= 0, spare % variadic.count == 0 else {
                throw fail("takes \(fixedCount) input(s) besides its list, but was given \(inputs.count)")
            }
            values[countName] = .int(spare / variadic.count)
        }
        let layout = try definition.expandedInputs(Attributes(values, node: node, op: label))
        guard layout.count == inputs.count else {
            let names = definition.inputs.map(\.name).joined(separator: ", ")
            throw fail("takes \(layout.count) input(s) (\(names)), but was given \(inputs.count)")
        }

        var listPosition = 0
        let listTypes = try variadic.first?.typeListAttribute.map {
            try Attributes(values, node: node, op: label).types($0)
        }
        for (index, (spec, input)) in zip(layout, inputs).enumerated() {
            if spec.typeListAttribute != nil, let listTypes {
                let (listName, declared) = (spec.typeListAttribute!, listTypes[listPosition])
                listPosition += 1
                guard declared == input.dtype else {
                    throw fail("input \(index) ('\(spec.name)') is \(input.dtype), "
                               + "but the op's \(listName) says \(declared)")
                }
                continue
            }
            if let fixed = spec.fixedType, fixed != input.dtype {
                throw fail("input \(index) ('\(spec.name)') must be \(fixed), but is \(input.dtype)",
                           fix: "cast it with cast(_:to: .\(fixed))")
            }
            guard let typeName = spec.typeAttribute else { continue }
            if case .type(let declared)? = values[typeName] {
                if declared != input.dtype {
                    throw fail("input \(index) ('\(spec.name)') is \(input.dtype), "
                               + "but the op's \(typeName) is \(declared)",
                               fix: "give every '\(typeName)' input the same dtype, casting where needed")
                }
            } else {
                values[typeName] = .type(input.dtype)
            }
        }

        try refuseOpaqueInputs(layout, inputs, fail: { message, fix in
            GraphError(.unsupported, node: node, op: label, inputShapes: inputs.map(\.shape), message: message,
                       fix: fix)
        })
        for spec in definition.attributes {
            if values[spec.name] == nil {
                guard let fallback = spec.defaultValue else {
                    throw fail("needs attribute '\(spec.name)', which was not given")
                }
                values[spec.name] = fallback
            }
            if let allowed = spec.allowedTypes, case .type(let t)? = values[spec.name], !allowed.contains(t) {
                throw GraphError(.unsupported, node: node, op: label, inputShapes: inputs.map(\.shape),
                                 message: "does not support dtype \(t) for '\(spec.name)'; it takes "
                                    + allowed.map(\.description).joined(separator: ", "))
            }
            if let allowed = spec.allowedStrings, case .string(let s)? = values[spec.name], !allowed.contains(s) {
                throw fail("attribute '\(spec.name)' is \"\(s)\"; it must be one of "
                           + allowed.map { "\"\($0)\"" }.joined(separator: ", "))
            }
        }
        return Attributes(values, node: node, op: label)
    }

    /// A string, resource or variant input reaches a kernel only through an input that declares it:
    /// a fixed dtype, a dtype attribute that allows it, or a list of dtypes passed on (IdentityN,
    /// Assert's data). Inputs typed by an attribute the op does not declare are numeric ones.
    private func refuseOpaqueInputs(_ layout: [InputSpec], _ inputs: [TensorInfo],
                                    fail: (String, String) -> GraphError) throws {
        for (index, (spec, input)) in zip(layout, inputs).enumerated() where !input.dtype.isPlainData {
            if spec.fixedType == input.dtype || spec.typeListAttribute != nil || spec.isReference { continue }
            let declared = definition.attributes.first { $0.name == spec.typeAttribute }
            if declared != nil { continue }  // checked with the attribute, which names what it allows
            throw fail("input \(index) ('\(spec.name)') is a \(input.dtype) tensor, but \(definition.label) computes "
                       + "on numbers and takes no \(input.dtype) input",
                       "give it a numeric tensor; \(input.dtype) values go only to the ops made for them")
        }
    }
}

extension OpDefinition {
    /// The inputs one by one, variadic runs expanded by their count attributes.
    func expandedInputs(_ attributes: Attributes) throws -> [InputSpec] {
        var layout: [InputSpec] = []
        for spec in inputs {
            if let listName = spec.typeListAttribute {
                layout += Array(repeating: spec, count: try attributes.types(listName).count)
                continue
            }
            guard let countName = spec.countAttribute else {
                layout.append(spec)
                continue
            }
            let count = try attributes.int(countName)
            guard count >= 0, count <= 1 << 20 else {
                throw GraphError(.invalidArgument, node: attributes.node, op: label,
                                 message: "attribute '\(countName)' is \(count), which is not a valid input count")
            }
            layout += Array(repeating: spec, count: count)
        }
        return layout
    }
}
