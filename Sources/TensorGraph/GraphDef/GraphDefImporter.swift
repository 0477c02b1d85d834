import Foundation

/// Reads a TensorFlow GraphDef in the protobuf JSON mapping (what
/// `json_format.MessageToJson(graph.as_graph_def())` writes) into a ``Graph``: nodes in any
/// order, absent attributes defaulted, every node checked by shape inference in dependency order.
struct GraphDefImporter {
    /// Overrides for placeholders' declared shapes, by node name.
    var shapeOverrides: [String: Shape] = [:]
    /// Past this many bytes, a tensor in the file is an error rather than an allocation.
    var tensorByteLimit = Limits.defaultMaximumTensorBytes
    /// Whether to keep going past shape errors, recording them, so every diagnostic can be shown.
    var collectsErrors = false

    /// One node as the file states it.
    private struct NodeDef {
        let name: String
        let op: String
        let inputs: [Output]
        let controlInputs: [String]
        let device: String
        let attributes: [String: AttrValue]
    }

    /// The graph, and (when collecting) the errors met; otherwise the first error is thrown.
    func importGraph(_ data: Data) throws -> (Graph, [GraphError]) {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw GraphError(.invalidFile, message: "the graph file is not valid JSON (\(error.localizedDescription))")
        }
        let root = try JSONObject(json, path: "")
        let functions = try libraryFunctions(root)
        let definitions = try (root.array("node") ?? []).enumerated().map { index, value in
            try nodeDef(JSONObject(value, path: "node[\(index)]"))
        }

        var index: [String: Int] = [:]
        for (position, node) in definitions.enumerated() {
            guard index[node.name] == nil else {
                throw GraphError(.duplicateName, node: node.name, op: node.op, message: "two nodes are named '\(node.name)'",
                                 fix: "node names in a GraphDef must be unique")
            }
            index[node.name] = position
        }
        let dependencies = try definitions.map { node -> [Int] in
            try (node.inputs.map(\.node) + node.controlInputs).map { input in
                guard let position = index[input] else {
                    throw GraphError(.notFound, node: node.name, op: node.op,
                                     message: "has input '\(input)', but no node is named '\(input)'",
                                     fix: NameSuggestion.hint(for: input, among: index.keys))
                }
                return position
            }
        }
        let order = try TopologicalOrder.sort(dependencies, names: definitions.map(\.name))

        let graph = Graph()
        if let versions = try root.object("versions") {
            graph.producerVersion = try versions.integer("producer") ?? 0
            graph.minimumConsumerVersion = try versions.integer("minConsumer") ?? 0
        }
        for node in definitions { graph.reserve(node.name) }
        let outputCounts = definitions.reduce(into: [String: Int]()) { counts, node in
            for input in node.inputs { counts[input.node] = max(counts[input.node, default: 0], input.index + 1) }
        }
        for name in shapeOverrides.keys.sorted() {
            guard let position = index[name], ["Placeholder", "PlaceholderWithDefault"].contains(definitions[position].op) else {
                let placeholders = definitions.filter { $0.op.hasPrefix("Placeholder") }.map(\.name)
                throw GraphError(.notFound, node: name, message: "a shape override names '\(name)', which is not a placeholder in the graph",
                                 fix: NameSuggestion.hint(for: name, among: placeholders))
            }
        }
        var errors: [GraphError] = []
        for position in order {
            let node = definitions[position]
            do {
                try add(node, to: graph, functions: functions)
            } catch let error as GraphError where collectsErrors {
                errors.append(error)
                graph.append(placeholderNode(for: node, outputs: outputCounts[node.name, default: 0]))
            }
        }
        return (graph, errors)
    }

    private func add(_ node: NodeDef, to graph: Graph, functions: Set<String>) throws {
        guard let definition = OpRegistry.definition(named: node.op) else {
            if functions.contains(node.op) {
                throw GraphError(.unsupported, node: node.name, op: node.op,
                                 message: "calls the function '\(node.op)' from the graph's library; TensorGraph does not support functions",
                                 fix: "export the graph with functions inlined, e.g. from tf.compat.v1 graph mode")
            }
            throw GraphError(.unsupported, node: node.name, op: node.op, message: "unknown op '\(node.op)'",
                             fix: NameSuggestion.hint(for: node.op, among: OpRegistry.names))
        }
        var attributes = node.attributes
        if node.op == "Placeholder" || node.op == "PlaceholderWithDefault", let shape = shapeOverrides[node.name] {
            attributes["shape"] = .shape(shape)
        }
        for input in node.inputs {
            guard let producer = graph.node(named: input.node), input.index < producer.outputs.count else {
                let count = graph.node(named: input.node)?.outputs.count ?? 0
                throw GraphError(.notFound, node: node.name, op: node.op,
                                 message: "has input '\(input)', but '\(input.node)' has \(count) output(s)")
            }
        }
        graph.append(try graph.makeNode(definition, name: node.name, inputs: node.inputs, attributes: attributes,
                                        controlInputs: node.controlInputs, device: node.device))
    }

    /// A stand-in for a node that failed, so nodes after it can still be checked.
    private func placeholderNode(for node: NodeDef, outputs: Int) -> Node {
        var dtype = DType.float32
        for key in ["T", "dtype", "out_type", "DstT"] {
            if case .type(let t)? = node.attributes[key] { dtype = t; break }
        }
        return Node(name: node.name, op: node.op, inputs: node.inputs, controlInputs: node.controlInputs,
                    attributes: node.attributes, device: node.device,
                    outputs: Array(repeating: TensorInfo(dtype, .unknown), count: outputs))
    }

    private func nodeDef(_ object: JSONObject) throws -> NodeDef {
        guard let name = try object.string("name"), !name.isEmpty else { throw JSONObject.error(object.path, "has no name") }
        guard GraphDefImporter.isValidNodeName(name) else {
            throw JSONObject.error(object.path, "has the name \(String(name.prefix(80)).debugDescription), which TensorFlow's naming rule ([A-Za-z0-9.][A-Za-z0-9_.\\-/>]*) does not allow")
        }
        guard let op = try object.string("op"), !op.isEmpty else { throw JSONObject.error(object.path, "('\(name)') has no op") }
        var inputs: [Output] = [], controls: [String] = []
        for (position, value) in (try object.array("input") ?? []).enumerated() {
            guard let text = value as? String, !text.isEmpty else {
                throw JSONObject.error("\(object.path).input[\(position)]", "must be a tensor name like \"a\", \"a:1\" or \"^a\"")
            }
            if text.hasPrefix("^") {
                controls.append(String(text.dropFirst()))
            } else {
                if let colon = text.lastIndex(of: ":"), (Int(text[text.index(after: colon)...]) ?? -1) < 0 {
                    throw JSONObject.error("\(object.path).input[\(position)]", "'\(text.prefix(80))' has an output index that is not a whole number")
                }
                let output = Output(text)
                guard controls.isEmpty else {
                    throw JSONObject.error("\(object.path).input[\(position)]", "'\(text)' comes after a control input; data inputs come first")
                }
                inputs.append(output)
            }
        }
        var attributes: [String: AttrValue] = [:]
        if let attrs = try object.object("attr") {
            for (key, value) in attrs.fields {
                attributes[key] = try AttrValueJSON.decode(JSONObject(value, path: "\(object.path).attr.\(key)"), byteLimit: tensorByteLimit)
            }
        }
        return NodeDef(name: name, op: op, inputs: inputs, controlInputs: controls, device: try object.string("device") ?? "",
                       attributes: attributes)
    }

    /// TensorFlow's rule for node names: `[A-Za-z0-9.][A-Za-z0-9_.\-/>]*`.
    static func isValidNodeName(_ name: String) -> Bool {
        func allowed(_ c: Unicode.Scalar, first: Bool) -> Bool {
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || (!first && "_-/>".unicodeScalars.contains(c)))
        }
        let scalars = Array(name.unicodeScalars)
        guard let head = scalars.first, allowed(head, first: true) else { return false }
        return scalars.dropFirst().allSatisfy { allowed($0, first: false) }
    }

    private func libraryFunctions(_ root: JSONObject) throws -> Set<String> {
        guard let library = try root.object("library") else { return [] }
        var names: Set<String> = []
        for (index, value) in (try library.array("function") ?? []).enumerated() {
            let function = try JSONObject(value, path: "library.function[\(index)]")
            if let name = try function.object("signature")?.string("name") { names.insert(name) }
        }
        return names
    }
}
