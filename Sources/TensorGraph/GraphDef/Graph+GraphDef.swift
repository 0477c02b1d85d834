import Foundation

extension Graph {
    /// Loads a TensorFlow GraphDef, binary (`.pb`, as `SerializeToString()` writes it), in the
    /// protobuf text format (`.pbtxt`, as `tf.io.write_graph(..., as_text=True)` writes it) or in
    /// the protobuf JSON mapping (as `json_format.MessageToJson(graph.as_graph_def())` writes it),
    /// told apart by content.
    ///
    /// Nodes may come in any order; attributes that are absent take TensorFlow's defaults;
    /// attributes whose names start with "_" are kept and ignored. Calls to the functions of the
    /// graph's library (`PartitionedCall`, `StatefulPartitionedCall`) are inlined, their nodes
    /// named under the call's name. Every node is checked by shape inference, and the first
    /// problem is thrown as a ``GraphError``.
    ///
    /// - Parameter shapes: overrides for placeholders' declared shapes, by node name.
    public static func load(graphDef data: Data, shapes: [String: Shape] = [:]) throws -> Graph {
        try GraphDefImporter(shapeOverrides: shapes).importGraph(data).0
    }

    /// Loads a GraphDef file, binary, text or JSON.
    public static func load(contentsOf url: URL, shapes: [String: Shape] = [:]) throws -> Graph {
        let importer = GraphDefImporter(shapeOverrides: shapes)
        let model = try GraphDefFormat.decode(contentsOf: url, tensorByteLimit: importer.tensorByteLimit)
        return try importer.importGraph(model).0
    }

    /// Loads a GraphDef file (binary, text or JSON) and checks every node, returning the graph (with failed nodes'
    /// outputs unknown) and every diagnostic instead of stopping at the first.
    public static func check(
        contentsOf url: URL, shapes: [String: Shape] = [:]
    ) throws -> (graph: Graph, errors: [GraphError]) {
        let importer = GraphDefImporter(shapeOverrides: shapes, collectsErrors: true)
        let model = try GraphDefFormat.decode(contentsOf: url, tensorByteLimit: importer.tensorByteLimit)
        let (graph, errors) = try importer.importGraph(model)
        return (graph, errors)
    }

    /// Loads GraphDef bytes (binary, text or JSON) and checks every node, as ``check(contentsOf:shapes:)``.
    public static func check(
        graphDef data: Data, shapes: [String: Shape] = [:]
    ) throws -> (graph: Graph, errors: [GraphError]) {
        let (graph, errors) = try GraphDefImporter(shapeOverrides: shapes, collectsErrors: true).importGraph(data)
        return (graph, errors)
    }

    /// The graph as a TensorFlow GraphDef in the protobuf JSON mapping, which
    /// `json_format.Parse(text, tf.compat.v1.GraphDef())` reads back.
    public func graphDefJSON() -> Data {
        let nodeList = nodes.map { node -> [String: Any] in
            var object: [String: Any] = ["name": node.name, "op": node.op]
            let inputs =
                node.inputs.map { $0.index == 0 ? $0.node : $0.description } + node.controlInputs.map { "^" + $0 }
            if !inputs.isEmpty { object["input"] = inputs }
            if !node.device.isEmpty { object["device"] = node.device }
            if !node.attributes.isEmpty { object["attr"] = node.attributes.mapValues(AttrValueJSON.encode) }
            return object
        }
        var versions: [String: Any] = ["producer": producerVersion]
        if minimumConsumerVersion != 0 { versions["minConsumer"] = minimumConsumerVersion }
        let root: [String: Any] = ["node": nodeList, "versions": versions]
        // Sorted keys make the file the same every time it is written.
        return (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// The graph as a binary TensorFlow GraphDef, which `tf.compat.v1.GraphDef().ParseFromString`
    /// reads back (what `tf.io.write_graph(..., as_text=False)` writes).
    public func graphDefProtobuf() -> Data { Data(GraphDefProtobuf.encode(self)) }

    /// The graph as a TensorFlow GraphDef in protobuf's text format, which
    /// `text_format.Parse(text, tf.compat.v1.GraphDef())` reads back (what
    /// `tf.io.write_graph(..., as_text=True)` writes).
    public func graphDefText() -> String { GraphDefText.encode(self) }

    /// Writes the graph to `url`: as a binary GraphDef when the name ends in `.pb`, in the text
    /// format when it ends in `.pbtxt`, else as GraphDef JSON (``graphDefJSON()``).
    public func save(to url: URL) throws {
        let data = switch url.pathExtension.lowercased() {
        case "pb": graphDefProtobuf()
        case "pbtxt": Data(graphDefText().utf8)
        default: graphDefJSON()
        }
        do { try data.write(to: url, options: .atomic) } catch {
            throw GraphError(.invalidFile, message: "cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}
