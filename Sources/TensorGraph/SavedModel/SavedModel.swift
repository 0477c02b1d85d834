import Foundation

/// A TensorFlow SavedModel directory (`saved_model.pb` and `variables/`), loaded for one of its
/// signatures: the graph pruned to what the signature's outputs need, the signature's input and
/// output names mapped to tensors, and the variables restored from `variables/variables` when a
/// session is made. TensorFlow's `tf.compat.v1.saved_model.load` followed by picking a
/// `signature_def`.
///
/// ```swift
/// let model = try SavedModel(contentsOf: URL(fileURLWithPath: "exported"))   // serving_default
/// let session = try model.makeSession()
/// let decoded = try session.run(model.outputs["decoded"]!, feeds: [model.inputs["image"]!: image])
/// ```
public struct SavedModel: Sendable {
    /// The signature a SavedModel is served by unless another is asked for.
    public static let defaultSignature = "serving_default"

    /// The directory.
    public let directory: URL
    /// The signature's graph: the nodes its outputs need.
    public let graph: Graph
    /// The signature loaded.
    public let signature: String
    /// Every signature the model has, sorted.
    public let signatures: [String]
    /// The signature's inputs, by their names in the signature.
    public let inputs: [String: Output]
    /// The signature's outputs, by their names in the signature.
    public let outputs: [String: Output]
    /// Problems shape inference found, when loaded to check rather than to run.
    public let errors: [GraphError]
    /// Checkpoint keys that differ from a variable's TF1 name (a TF2 model's object-graph paths),
    /// by variable node.
    let checkpointKeys: [String: String]

    /// Loads `directory` for `signature`, from the MetaGraphDef tagged with every one of `tags`.
    public init(contentsOf directory: URL, signature: String = defaultSignature, tags: Set<String> = ["serve"]) throws {
        try self.init(directory, signature: signature, tags: tags, collectsErrors: false)
    }

    /// Loads `directory` as ``init(contentsOf:signature:tags:)`` does, but records shape errors in
    /// ``errors`` instead of stopping at the first (what `tensorgraph check` shows).
    public static func check(contentsOf directory: URL, signature: String = defaultSignature,
                             tags: Set<String> = ["serve"]) throws -> SavedModel {
        try SavedModel(directory, signature: signature, tags: tags, collectsErrors: true)
    }

    /// Whether `url` is a directory holding a `saved_model.pb`.
    public static func isSavedModel(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
            && FileManager.default.fileExists(atPath: url.appendingPathComponent("saved_model.pb").path)
    }

    /// A session on ``graph`` with every variable restored from `variables/variables`.
    public func makeSession(options: SessionOptions = SessionOptions()) throws -> Session {
        let session = Session(graph: graph, options: options)
        let saver = try Saver(graph: graph, keys: checkpointKeys)
        if !saver.entries.isEmpty {
            try saver.restore(session, from: directory.appendingPathComponent("variables/variables"))
        }
        return session
    }

    /// The tensor `name` stands for: a signature input's or output's name, else a tensor name.
    public func tensor(named name: String) -> Output { inputs[name] ?? outputs[name] ?? Output(name) }

    private init(_ directory: URL, signature: String, tags: Set<String>, collectsErrors: Bool) throws {
        let source = "saved_model.pb"
        guard Self.isSavedModel(directory) else {
            throw GraphError(.invalidFile,
                             message: "\(directory.path) is not a SavedModel directory: it has no \(source)")
        }
        let file = try MappedFile(directory.appendingPathComponent(source))
        let metaGraphs = try SavedModelProtos.metaGraphs(file.bytes, source: source)
        guard let index = metaGraphs.firstIndex(where: { tags.isSubset(of: $0.tags) }) else {
            let sets = metaGraphs.map { "[" + $0.tags.joined(separator: ", ") + "]" }.joined(separator: ", ")
            let asked = tags.sorted().joined(separator: ", ")
            throw GraphError(.notFound, message: "\(directory.lastPathComponent) has no MetaGraphDef tagged \(asked); "
                             + "its tag sets are \(sets.isEmpty ? "none" : sets)")
        }
        let metaGraph = metaGraphs[index]
        let names = metaGraph.signatures.keys.sorted()
        guard let chosen = metaGraph.signatures[signature] else {
            throw GraphError(.notFound, message: "\(directory.lastPathComponent) has no signature '\(signature)'; its "
                             + "signatures are " + (names.isEmpty ? "none" : names.map { "'\($0)'" }
                                .joined(separator: ", ")),
                             fix: NameSuggestion.hint(for: signature, among: names)
                                 ?? "choose one with --signature NAME")
        }
        guard let range = metaGraph.graphDef else {
            throw GraphError(.invalidFile, message: "\(source): meta_graphs[\(index)] has no graph_def")
        }
        let path = "\(source) meta_graphs[\(index)].graph_def"
        let bytes = UnsafeRawBufferPointer(rebasing: file.bytes[range])
        let importer = GraphDefImporter(collectsErrors: collectsErrors)
        var reader = ProtobufReader(bytes, path: path)
        let skeleton = try SavedModelProtos.skeleton(&reader)
        let needed = Self.positions(needing: Array(chosen.outputs.values) + Array(chosen.inputs.values),
                                    in: skeleton.nodes)
        checkpointKeys = Self.capturedVariableKeys(skeleton.nodes, needed: needed, objects: metaGraph.objects)
        let model = try GraphDefProtobuf.decode(bytes, tensorByteLimit: importer.tensorByteLimit, path: path,
                                                keeping: needed,
                                                keepingFunctions: Self.functions(calledBy: needed, in: skeleton))
        (graph, errors) = try importer.importGraph(model)
        self.directory = directory
        self.signature = signature
        signatures = names
        inputs = chosen.inputs.mapValues { Output($0) }
        outputs = chosen.outputs.mapValues { Output($0) }
    }

    /// The positions of the library's functions that the nodes at `positions` call, directly or
    /// through other functions (the saver's functions, with their string constants, are left out).
    static func functions(calledBy positions: Set<Int>, in graph: SavedModelProtos.GraphSkeleton) -> Set<Int> {
        var positionByName: [String: Int] = [:]
        for (position, function) in graph.functions.enumerated() { positionByName[function.name] = position }
        var kept: Set<Int> = []
        var pending = positions.flatMap { [graph.nodes[$0].op] + (graph.nodes[$0].function.map { [$0] } ?? []) }
        while let name = pending.popLast() {
            guard let position = positionByName[name], kept.insert(position).inserted else { continue }
            pending += graph.functions[position].calls
        }
        return kept
    }

    /// The positions of the nodes that `tensors` need (their nodes and, transitively, every data
    /// and control input), from a first pass that reads only names and inputs.
    static func positions(needing tensors: [String], in nodes: [SavedModelProtos.NodeSkeleton]) -> Set<Int> {
        var positionByName: [String: Int] = [:]
        for (position, node) in nodes.enumerated() { positionByName[node.name] = position }
        var needed: Set<Int> = [], pending = tensors.map { Output($0).node }
        while let name = pending.popLast() {
            // A name no node has is left for the importer to report with its usual message.
            guard let position = positionByName[name], needed.insert(position).inserted else { continue }
            pending += nodes[position].inputs.map { Output($0.hasPrefix("^") ? String($0.dropFirst()) : $0).node }
        }
        return needed
    }
}
