import Foundation

/// A GraphDef in the protobuf JSON mapping, as `json_format.MessageToJson(graph.as_graph_def())`
/// writes it, decoded into a ``GraphDefModel``; errors name the JSON path (`node[3].attr.strides`).
enum GraphDefJSON {
    static func decode(_ data: Data, tensorByteLimit: Int) throws -> GraphDefModel {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw GraphError(.invalidFile, message: "the graph file is not valid JSON (\(error.localizedDescription))")
        }
        let root = try JSONObject(json, path: "")
        var model = GraphDefModel()
        model.functionNames = try libraryFunctions(root)
        model.nodes = try (root.array("node") ?? []).enumerated().map { index, value in
            try nodeDef(JSONObject(value, path: "node[\(index)]"), tensorByteLimit: tensorByteLimit)
        }
        if let versions = try root.object("versions") {
            model.producer = try versions.integer("producer") ?? 0
            model.minimumConsumer = try versions.integer("minConsumer") ?? 0
        }
        return model
    }

    private static func nodeDef(_ object: JSONObject, tensorByteLimit: Int) throws -> NodeDef {
        var inputs: [String] = []
        for (position, value) in (try object.array("input") ?? []).enumerated() {
            guard let text = value as? String else {
                throw JSONObject.error("\(object.path).input[\(position)]",
                                       "must be a tensor name like \"a\", \"a:1\" or \"^a\"")
            }
            inputs.append(text)
        }
        var attributes: [String: AttrValue] = [:]
        if let attrs = try object.object("attr") {
            for (key, value) in attrs.fields {
                attributes[key] = try AttrValueJSON.decode(JSONObject(value, path: "\(object.path).attr.\(key)"),
                                                           byteLimit: tensorByteLimit)
            }
        }
        return try NodeDef(name: try object.string("name") ?? "", op: try object.string("op") ?? "", inputs: inputs,
                           device: try object.string("device") ?? "", attributes: attributes) { field, message in
            JSONObject.error(field.isEmpty ? object.path : "\(object.path).\(field)", message)
        }
    }

    private static func libraryFunctions(_ root: JSONObject) throws -> Set<String> {
        guard let library = try root.object("library") else { return [] }
        var names: Set<String> = []
        for (index, value) in (try library.array("function") ?? []).enumerated() {
            let function = try JSONObject(value, path: "library.function[\(index)]")
            if let name = try function.object("signature")?.string("name") { names.insert(name) }
        }
        return names
    }
}
