/// One call being inlined: the function, the call node and the attribute values it binds, and
/// the renaming of the function's body into the graph (see ``FunctionInliner``).
struct FunctionScope {
    let function: FunctionDef
    let call: NodeDef
    /// The call's attribute values for the function's attributes, defaults filled in.
    let bindings: [String: AttrValue]
    /// The library, for the output arguments of calls inside the body.
    let functions: [String: FunctionDef]
    private let body: [String: NodeDef]

    init(function: FunctionDef, call: NodeDef, bindings: [String: AttrValue], functions: [String: FunctionDef]) {
        (self.function, self.call, self.bindings, self.functions) = (function, call, bindings, functions)
        body = Dictionary(function.nodes.map { ($0.name, $0) }) { first, _ in first }
    }

    func error(_ message: String, fix: String? = nil) -> GraphError {
        GraphError(.invalidFile, node: call.name, op: call.op, message: message, fix: fix)
    }

    /// The call's inputs by the function argument each stands for, in signature order.
    func arguments() throws -> [String: [Output]] {
        var arguments: [String: [Output]] = [:], position = 0
        let counts = try function.inputs.map { try count(of: $0, bindings: bindings, in: function) }
        guard counts.reduce(0, +) == call.inputs.count else {
            throw error("has \(call.inputs.count) input(s), but the function '\(function.name)' takes "
                        + "\(counts.reduce(0, +)) (" + function.inputs.map(\.name).joined(separator: ", ") + ")")
        }
        for (argument, count) in zip(function.inputs, counts) {
            arguments[argument.name] = Array(call.inputs[position..<position + count])
            position += count
        }
        return arguments
    }

    /// How many tensors `argument` of `function` stands for under `bindings`.
    private func count(of argument: ArgumentDef, bindings: [String: AttrValue],
                       in function: FunctionDef) throws -> Int {
        if !argument.numberAttribute.isEmpty {
            guard case .int(let count)? = bindings[argument.numberAttribute], count >= 0 else {
                throw error("calls '\(function.name)' without an int attribute '\(argument.numberAttribute)' "
                            + "counting its argument '\(argument.name)'")
            }
            return count
        }
        if !argument.typeListAttribute.isEmpty {
            switch bindings[argument.typeListAttribute] {
            case .types(let types)?: return types.count
            case let value? where value.isEmptyList: return 0
            default:
                throw error("calls '\(function.name)' without a list(type) attribute '\(argument.typeListAttribute)' "
                            + "for its argument '\(argument.name)'")
            }
        }
        return 1
    }

    /// `node` of the body, renamed under `prefix`, its inputs and placeholders resolved.
    func inlined(_ node: NodeDef, prefix: String, arguments: [String: [Output]]) throws -> NodeDef {
        let inputs = try node.inputNames.flatMap { try resolve($0, in: node, prefix: prefix, arguments: arguments) }
        var controls = try node.controlInputs.flatMap { name -> [String] in
            if body[name] != nil { return [prefix + "/" + name] }
            guard let tensors = arguments[name] else {
                throw error("the function '\(function.name)' has node '\(node.name)' with control input '^\(name)', "
                            + "which is neither a node nor an argument of the function")
            }
            return tensors.map(\.node)
        }
        let dependsOnBody = node.inputNames.contains { body[String($0.prefix { $0 != ":" })] != nil }
            || node.controlInputs.contains { body[$0] != nil }
        if !dependsOnBody { controls += call.controlInputs }
        var renamed = NodeDef(name: prefix + "/" + node.name, op: node.op, inputs: inputs, controlInputs: controls,
                              device: node.device.isEmpty ? call.device : node.device,
                              attributes: try node.attributes.mapValues { try substituted($0, in: node) })
        renamed.unsupportedDType = node.unsupportedDType
        return renamed
    }

    /// The node under the call's name that passes the returned tensors on, with the
    /// `control_ret` nodes as control inputs.
    func resultNode(prefix: String, arguments: [String: [Output]]) throws -> NodeDef {
        var results: [Output] = []
        for argument in function.outputs {
            guard let returned = function.returns[argument.name] else {
                throw error("the function '\(function.name)' returns nothing for its output "
                            + "'\(argument.name)' (no ret)")
            }
            let tensors = try resolve(returned, in: nil, prefix: prefix, arguments: arguments)
            let count = try self.count(of: argument, bindings: bindings, in: function)
            guard tensors.count == count else {
                throw error("the function '\(function.name)' returns \(tensors.count) tensor(s) ('\(returned)') "
                            + "for its output '\(argument.name)', which holds \(count)")
            }
            results += tensors
        }
        let controls = try function.controlReturns.keys.sorted().map { key in
            let name = function.controlReturns[key]!
            guard body[name] != nil else {
                throw error("the function '\(function.name)' has control output '\(key)' naming '\(name)', "
                            + "which is not a node of the function")
            }
            return prefix + "/" + name
        }
        return NodeDef(name: call.name, op: results.isEmpty ? FunctionCallOps.emptyResultOp : FunctionCallOps.resultOp,
                       inputs: results, controlInputs: controls, device: call.device, attributes: [:])
    }

    /// A body input as tensors of the graph: an argument's (`x` for all of them, `x:1` for one) or
    /// a body node's output (`conv:output:0` for one; `split:output` for a whole output argument),
    /// the output argument resolved to positions among the node's outputs.
    private func resolve(_ text: String, in node: NodeDef?, prefix: String,
                         arguments: [String: [Output]]) throws -> [Output] {
        let context = node.map { "has node '\($0.name)' with input" } ?? "returns"
        func fail(_ message: String) -> GraphError {
            error("the function '\(function.name)' \(context) '\(text)', \(message)")
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let tensors = arguments[parts[0]] {
            guard parts.count <= 2 else { throw fail("but '\(parts[0])' is an argument, which has no output names") }
            guard parts.count == 2 else { return tensors }
            guard let index = Int(parts[1]), tensors.indices.contains(index) else {
                throw fail("but its argument '\(parts[0])' has \(tensors.count) tensor(s)")
            }
            return [tensors[index]]
        }
        guard let producer = body[parts[0]] else {
            throw fail("which is neither an argument nor a node of the function")
        }
        let name = prefix + "/" + producer.name
        switch parts.count {
        case 1: return [Output(node: name, index: 0)]
        case 2 where Int(parts[1]) != nil: return [Output(node: name, index: Int(parts[1])!)]
        case 2, 3:
            let range: Range<Int>?
            do {
                range = try outputRange(of: producer, argument: parts[1])
            } catch let failure as GraphError {
                throw fail("but \(failure.message)")
            }
            guard parts.count == 3 else { return (range ?? 0..<1).map { Output(node: name, index: $0) } }
            guard let index = Int(parts[2]), index >= 0, range.map({ index < $0.count }) ?? true else {
                throw fail("but output '\(parts[1])' of '\(producer.name)' has \(range?.count ?? 1) tensor(s)")
            }
            return [Output(node: name, index: (range?.lowerBound ?? 0) + index)]
        default: throw fail("which is not of the form node:output:index")
        }
    }

    /// Where output argument `argument` lies among `producer`'s outputs: from its op definition,
    /// or, for a call, from the called function's signature; nil when the op declares no output
    /// arguments (its outputs are all one argument).
    private func outputRange(of producer: NodeDef, argument: String) throws -> Range<Int>? {
        let attributes = try producer.attributes.mapValues { try substituted($0, in: producer) }
        if let attribute = FunctionCallOps.functionAttribute[producer.op] {
            // A call's outputs are one list argument, as long as its function's outputs.
            guard case .function(let reference)? = attributes[attribute], let callee = functions[reference.name] else {
                return nil
            }
            return 0..<(try outputRanges(of: callee, attributes: reference.attributes).last?.upperBound ?? 0)
        }
        if let callee = functions[producer.op] {
            guard let range = try outputRanges(of: callee, attributes: attributes)[argument] else {
                throw GraphError(.invalidFile, message: "the function '\(callee.name)' has no output '\(argument)'")
            }
            return range
        }
        return try OpRegistry.definition(named: producer.op)?.outputRange(argument: argument, attributes: attributes)
    }

    /// Where each output argument of `callee`, called with `attributes`, lies among its outputs.
    private func outputRanges(of callee: FunctionDef, attributes: [String: AttrValue]) throws -> OrderedRanges {
        let calleeBindings = callee.attributeDefaults.merging(attributes) { $1 }
        var ranges = OrderedRanges(), position = 0
        for output in callee.outputs {
            let count = try self.count(of: output, bindings: calleeBindings, in: callee)
            ranges.append(output.name, position..<position + count)
            position += count
        }
        return ranges
    }

    /// `value` with attribute placeholders replaced by the call's bound values.
    private func substituted(_ value: AttrValue, in node: NodeDef) throws -> AttrValue {
        switch value {
        case .placeholder(let name):
            guard let bound = bindings[name] else {
                throw error("the function '\(function.name)' has node '\(node.name)' reading its attribute '\(name)', "
                            + "which the call does not set")
            }
            return bound
        case .function(var reference):
            reference.attributes = try reference.attributes.mapValues { try substituted($0, in: node) }
            return .function(reference)
        case .functions(let references):
            return .functions(try references.map { reference in
                var reference = reference
                reference.attributes = try reference.attributes.mapValues { try substituted($0, in: node) }
                return reference
            })
        default: return value
        }
    }
}

/// Named ranges in order: a function's output arguments and where each lies.
struct OrderedRanges {
    private var names: [String] = [], ranges: [Range<Int>] = []

    mutating func append(_ name: String, _ range: Range<Int>) {
        names.append(name)
        ranges.append(range)
    }

    subscript(name: String) -> Range<Int>? { names.firstIndex(of: name).map { ranges[$0] } }

    var last: Range<Int>? { ranges.last }
}
