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
        model.functions = try library(root, tensorByteLimit: tensorByteLimit)
        model.nodes = try (root.array("node") ?? []).enumerated().map { index, value in
            try nodeDef(JSONObject(value, path: "node[\(index)]"), tensorByteLimit: tensorByteLimit)
        }
        if let versions = try root.object("versions") {
            model.producer = try versions.integer("producer") ?? 0
            model.minimumConsumer = try versions.integer("minConsumer") ?? 0
        }
        return model
    }

    static func nodeDef(_ object: JSONObject, tensorByteLimit: Int) throws -> NodeDef {
        var inputs: [String] = []
        for (position, value) in (try object.array("input") ?? []).enumerated() {
            guard let text = value as? String else {
                throw JSONObject.error("\(object.path).input[\(position)]",
                                       "must be a tensor name like \"a\", \"a:1\" or \"^a\"")
            }
            inputs.append(text)
        }
        let (attributes, unsupported) = try AttrValueJSON.attributesPastUnsupportedDTypes(object.object("attr"),
                                                                                         byteLimit: tensorByteLimit)
        var node = try NodeDef(name: try object.string("name") ?? "", op: try object.string("op") ?? "",
                               inputs: inputs, device: try object.string("device") ?? "",
                               attributes: attributes) { field, message in
            JSONObject.error(field.isEmpty ? object.path : "\(object.path).\(field)", message)
        }
        node.unsupportedDType = unsupported
        return node
    }

    /// The library's functions (`library.function`), by signature name.
    private static func library(_ root: JSONObject, tensorByteLimit: Int) throws -> [String: FunctionDef] {
        guard let library = try root.object("library") else { return [:] }
        var functions: [String: FunctionDef] = [:]
        for (index, value) in (try library.array("function") ?? []).enumerated() {
            let object = try JSONObject(value, path: "library.function[\(index)]")
            let function = try functionDef(object, tensorByteLimit: tensorByteLimit)
            guard functions[function.name] == nil else {
                throw JSONObject.error(object.path, "defines the function '\(function.name)' a second time")
            }
            functions[function.name] = function
        }
        return functions
    }

    private static func functionDef(_ object: JSONObject, tensorByteLimit: Int) throws -> FunctionDef {
        guard let signature = try object.object("signature"), let name = try signature.string("name"),
              !name.isEmpty else {
            throw JSONObject.error(object.path, "has no signature.name")
        }
        var function = FunctionDef(name: name)
        function.inputs = try arguments(signature, "inputArg")
        function.outputs = try arguments(signature, "outputArg")
        for (index, value) in (try signature.array("attr") ?? []).enumerated() {
            let attribute = try JSONObject(value, path: "\(signature.path).attr[\(index)]")
            if let name = try attribute.string("name"), let fallback = try attribute.object("defaultValue") {
                function.attributeDefaults[name] = try AttrValueJSON.decode(fallback, byteLimit: tensorByteLimit)
            }
        }
        function.nodes = try (object.array("nodeDef") ?? []).enumerated().map { index, value in
            try nodeDef(JSONObject(value, path: "\(object.path).nodeDef[\(index)]"), tensorByteLimit: tensorByteLimit)
        }
        function.returns = try stringMap(object.object("ret"))
        function.controlReturns = try stringMap(object.object("controlRet"))
        return function
    }

    private static func arguments(_ signature: JSONObject, _ field: String) throws -> [ArgumentDef] {
        try (signature.array(field) ?? []).enumerated().map { index, value in
            let object = try JSONObject(value, path: "\(signature.path).\(field)[\(index)]")
            var argument = ArgumentDef(name: try object.string("name") ?? "")
            argument.numberAttribute = try object.string("numberAttr") ?? ""
            argument.typeListAttribute = try object.string("typeListAttr") ?? ""
            return argument
        }
    }

    /// A `map<string, string>` object.
    private static func stringMap(_ object: JSONObject?) throws -> [String: String] {
        guard let object else { return [:] }
        var map: [String: String] = [:]
        for key in object.fields.keys { map[key] = try object.string(key) }
        return map
    }
}
