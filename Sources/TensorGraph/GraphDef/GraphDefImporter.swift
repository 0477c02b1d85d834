import Foundation

/// Assembles a decoded GraphDef (``GraphDefModel``, from any format) into a ``Graph``: nodes in
/// any order, absent attributes defaulted, every node checked by shape inference in dependency
/// order, the graph's own Saver left out (``SaverSubgraph``).
struct GraphDefImporter {
    /// Overrides for placeholders' declared shapes, by node name.
    var shapeOverrides: [String: Shape] = [:]
    /// Past this many bytes, a tensor in the file is an error rather than an allocation.
    var tensorByteLimit = Limits.defaultMaximumTensorBytes
    /// Whether to keep going past shape errors, recording them, so every diagnostic can be shown.
    var collectsErrors = false

    /// The graph of a GraphDef file, JSON or binary protobuf (told apart by content), and (when
    /// collecting) the errors met; otherwise the first error is thrown.
    func importGraph(_ data: Data) throws -> (Graph, [GraphError]) {
        try importGraph(GraphDefFormat.decode(data, tensorByteLimit: tensorByteLimit))
    }

    /// The graph of a decoded GraphDef, its function calls inlined, and (when collecting) the errors met.
    func importGraph(_ model: GraphDefModel) throws -> (Graph, [GraphError]) {
        let model = try FunctionInliner.inline(model)
        let saver = SaverSubgraph(model.nodes)
        let definitions = saver.nodes.isEmpty ? model.nodes : model.nodes.filter { saver.nodes[$0.name] == nil }
        if let unsupported = definitions.lazy.compactMap(\.unsupportedDType).first { throw unsupported }
        var index: [String: Int] = [:]
        for (position, node) in definitions.enumerated() {
            guard index[node.name] == nil else {
                throw GraphError(
                    .duplicateName, node: node.name, op: node.op, message: "two nodes are named '\(node.name)'",
                    fix: "node names in a GraphDef must be unique")
            }
            index[node.name] = position
        }
        let dependencies = try definitions.map { node -> [Int] in
            try (node.inputs.map(\.node) + node.controlInputs).compactMap { input in
                guard let position = index[input] else {
                    throw GraphError(.notFound, node: node.name, op: node.op,
                                     message: "has input '\(input)', but no node is named '\(input)'",
                                     fix: NameSuggestion.hint(for: input, among: index.keys))
                }
                return GraphDefImporter.isBackEdge(from: definitions[position], to: node) ? nil : position
            }
        }
        let order = try TopologicalOrder.sort(dependencies, names: definitions.map(\.name))

        let graph = Graph()
        (graph.producerVersion, graph.minimumConsumerVersion) = (model.producer, model.minimumConsumer)
        graph.saverNodesLeftOut = saver.nodes
        for node in definitions { graph.reserve(node.name) }
        let outputCounts = definitions.reduce(into: [String: Int]()) { counts, node in
            for input in node.inputs { counts[input.node] = max(counts[input.node, default: 0], input.index + 1) }
        }
        for name in shapeOverrides.keys.sorted() {
            guard let position = index[name], Self.isPlaceholder(definitions[position]) else {
                let placeholders = definitions.filter(Self.isPlaceholder).map(\.name)
                throw GraphError(
                    .notFound, node: name,
                    message: "a shape override names '\(name)', which is not a placeholder in the graph",
                    fix: NameSuggestion.hint(for: name, among: placeholders))
            }
        }
        var errors: [GraphError] = []
        let unknown = UnknownOps(definitions)
        if !unknown.isEmpty {
            guard collectsErrors else { throw unknown.error }
            errors.append(unknown.error)
        }
        for position in order {
            let node = definitions[position]
            if unknown.contains(node.op) {
                graph.append(placeholderNode(for: node, outputs: outputCounts[node.name, default: 0]))
                continue
            }
            do {
                try add(node, to: graph)
            } catch let error as GraphError where collectsErrors {
                errors.append(error)
                graph.append(placeholderNode(for: node, outputs: outputCounts[node.name, default: 0]))
            }
        }
        return (graph, errors)
    }

    private func add(_ node: NodeDef, to graph: Graph) throws {
        guard let definition = OpRegistry.definition(named: node.op) else {
            throw GraphError(.unsupported, node: node.name, op: node.op, message: "unknown op '\(node.op)'",
                             fix: NameSuggestion.hint(for: node.op, among: OpRegistry.names))
        }
        var attributes = node.attributes
        if definition.traits.isPlaceholder, let shape = shapeOverrides[node.name] {
            attributes["shape"] = .shape(shape)
        }
        for input in node.inputs where graph.contains(input.node) || !isLoopMerge(node) {
            guard let producer = graph.node(named: input.node), input.index < producer.outputs.count else {
                let count = graph.node(named: input.node)?.outputs.count ?? 0
                throw GraphError(.notFound, node: node.name, op: node.op,
                                 message: "has input '\(input)', but '\(input.node)' has \(count) output(s)")
            }
        }
        // A loaded graph keeps no contexts: its nodes' Enters say which loop frame they run in.
        let location = { graph.loopFrame(reading: node.inputs).map { "loop frame '\($0)'" } }
        graph.append(try GraphError.locating(node.name, at: location) {
            try graph.makeNode(definition, name: node.name, inputs: node.inputs, attributes: attributes,
                               controlInputs: node.controlInputs, device: node.device)
        })
    }

    /// Whether `producer → consumer` closes a while loop: a NextIteration feeding its loop's Merge,
    /// which is built first; the Merge takes its value in later iterations.
    static func isBackEdge(from producer: NodeDef, to consumer: NodeDef) -> Bool {
        role(of: producer) == .nextIteration && role(of: consumer) == .mergeFirstLive
    }

    private func isLoopMerge(_ node: NodeDef) -> Bool { GraphDefImporter.role(of: node) == .mergeFirstLive }

    private static func isPlaceholder(_ node: NodeDef) -> Bool {
        OpRegistry.definition(named: node.op)?.traits.isPlaceholder == true
    }

    private static func role(of node: NodeDef) -> ControlFlowRole? {
        OpRegistry.definition(named: node.op)?.traits.controlFlow
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
}
