/// The parts of `saved_model.pb` TensorGraph uses, decoded with ``ProtobufReader`` by the field
/// numbers of TensorFlow's `saved_model.proto`, `meta_graph.proto` and `graph.proto`: each
/// MetaGraphDef's tags, where its `graph_def` lies, and its `signature_def` map with each
/// TensorInfo's tensor name. Everything else is skipped by its length.
enum SavedModelProtos {
    /// A signature: its inputs' and outputs' names mapped to tensor names (`input:0`).
    struct Signature {
        var inputs: [String: String] = [:], outputs: [String: String] = [:]
    }

    struct MetaGraph {
        var tags: [String] = []
        /// The `graph_def` field's bytes, as a range of the file.
        var graphDef: Range<Int>?
        var signatures: [String: Signature] = [:]
        /// `object_graph_def` (a TF2 SavedModel's SavedObjectGraph).
        var objects = ObjectGraph()
    }

    /// The parts of a SavedObjectGraph that locate variables: each object's children and whether
    /// it is a variable, and each concrete function's `bound_inputs` (the objects it captures).
    struct ObjectGraph {
        var children: [[(id: Int, name: String)]] = []
        var isVariable: [Bool] = []
        var boundInputs: [String: [Int]] = [:]
    }

    /// One node as a first pass sees it: enough to find which nodes a signature needs, and the
    /// function a call node calls (its `f` attribute).
    struct NodeSkeleton {
        var name = "", op = "", inputs: [String] = [], function: String?
    }

    /// A graph as a first pass sees it: its nodes, and its library's functions with the names
    /// each one's body calls (by op or by `f`).
    struct GraphSkeleton {
        var nodes: [NodeSkeleton] = []
        var functions: [(name: String, calls: Set<String>)] = []
    }

    static func metaGraphs(_ bytes: UnsafeRawBufferPointer, source: String) throws -> [MetaGraph] {
        var reader = ProtobufReader(bytes, path: source)
        var graphs: [MetaGraph] = []
        while let (number, type) = try reader.nextField() {
            guard number == 2 else { try reader.skip(type); continue }
            var message = try reader.message("meta_graphs[\(graphs.count)]", type)
            graphs.append(try metaGraph(&message))
        }
        return graphs
    }

    /// One MetaGraphDef: a SavedModel's `meta_graphs[i]`, or a whole `.meta` file.
    static func metaGraph(_ reader: inout ProtobufReader) throws -> MetaGraph {
        var graph = MetaGraph()
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1:
                var info = try reader.message("meta_info_def", type)
                while let (field, type) = try info.nextField() {
                    if field == 4 { graph.tags.append(try info.string("tags", type)) } else { try info.skip(type) }
                }
            case 2:
                try reader.expect(type, .lengthDelimited, field: "graph_def")
                graph.graphDef = try reader.lengthDelimited()
            case 7:
                var objects = try reader.message("object_graph_def", type)
                graph.objects = try objectGraph(&objects)
            case 5:
                var entry = try reader.message("signature_def", type)
                var key = "", signature = Signature()
                while let (field, type) = try entry.nextField() {
                    switch field {
                    case 1: key = try entry.string("key", type)
                    case 2:
                        var value = try entry.message("[\"\(key)\"]", type)
                        signature = try self.signature(&value)
                    default: try entry.skip(type)
                    }
                }
                graph.signatures[key] = signature
            default: try reader.skip(type)
            }
        }
        return graph
    }

    private static func signature(_ reader: inout ProtobufReader) throws -> Signature {
        var signature = Signature()
        while let (number, type) = try reader.nextField() {
            guard number == 1 || number == 2 else { try reader.skip(type); continue }
            var entry = try reader.message(number == 1 ? "inputs" : "outputs", type)
            var key = "", name = ""
            while let (field, type) = try entry.nextField() {
                switch field {
                case 1: key = try entry.string("key", type)
                case 2:
                    var info = try entry.message("[\"\(key)\"]", type)
                    while let (infoField, type) = try info.nextField() {
                        if infoField == 1 { name = try info.string("name", type) } else { try info.skip(type) }
                    }
                default: try entry.skip(type)
                }
            }
            if number == 1 { signature.inputs[key] = name } else { signature.outputs[key] = name }
        }
        return signature
    }

    private static func objectGraph(_ reader: inout ProtobufReader) throws -> ObjectGraph {
        var graph = ObjectGraph()
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1:
                var object = try reader.message("nodes[\(graph.children.count)]", type)
                var children: [(id: Int, name: String)] = [], isVariable = false
                while let (field, type) = try object.nextField() {
                    switch field {
                    case 1:
                        var reference = try object.message("children[\(children.count)]", type)
                        var child = (id: 0, name: "")
                        while let (part, type) = try reference.nextField() {
                            switch part {
                            case 1: child.id = Int(Int32(truncatingIfNeeded: try reference.varint("node_id", type)))
                            case 2: child.name = try reference.string("local_name", type)
                            default: try reference.skip(type)
                            }
                        }
                        children.append(child)
                    case 7:
                        isVariable = true
                        try object.skip(type)
                    default: try object.skip(type)
                    }
                }
                graph.children.append(children)
                graph.isVariable.append(isVariable)
            case 2:
                var entry = try reader.message("concrete_functions", type)
                var key = "", bound: [Int] = []
                while let (field, type) = try entry.nextField() {
                    switch field {
                    case 1: key = try entry.string("key", type)
                    case 2:
                        var function = try entry.message("[\"\(key)\"]", type)
                        while let (part, type) = try function.nextField() {
                            guard part == 2 else { try function.skip(type); continue }
                            bound += try function.repeated(type, element: .varint) {
                                Int(Int32(truncatingIfNeeded: try $0.varint()))
                            }
                        }
                    default: try entry.skip(type)
                    }
                }
                graph.boundInputs[key] = bound
            default: try reader.skip(type)
            }
        }
        return graph
    }

    /// Every node's name, op and inputs and every function's calls, in order, without decoding
    /// attributes or tensors.
    static func skeleton(_ reader: inout ProtobufReader) throws -> GraphSkeleton {
        var graph = GraphSkeleton()
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1:
                var message = try reader.message("node[\(graph.nodes.count)]", type)
                graph.nodes.append(try node(&message))
            case 2:
                var library = try reader.message("library", type)
                while let (field, type) = try library.nextField() {
                    guard field == 1 else { try library.skip(type); continue }
                    var function = try library.message("function[\(graph.functions.count)]", type)
                    var name = "", calls: Set<String> = []
                    while let (part, type) = try function.nextField() {
                        switch part {
                        case 1:
                            var signature = try function.message("signature", type)
                            while let (entry, type) = try signature.nextField() {
                                guard entry == 1 else { try signature.skip(type); continue }
                                name = try signature.string("name", type)
                            }
                        case 3:
                            var message = try function.message("node_def", type)
                            let body = try node(&message)
                            calls.insert(body.op)
                            if let called = body.function { calls.insert(called) }
                        default: try function.skip(type)
                        }
                    }
                    graph.functions.append((name, calls))
                }
            default: try reader.skip(type)
            }
        }
        return graph
    }

    private static func node(_ message: inout ProtobufReader) throws -> NodeSkeleton {
        var node = NodeSkeleton()
        while let (field, type) = try message.nextField() {
            switch field {
            case 1: node.name = try message.string("name", type)
            case 2: node.op = try message.string("op", type)
            case 3: node.inputs.append(try message.string("input", type))
            case 5: node.function = try calledFunction(&message, type) ?? node.function
            default: try message.skip(type)
            }
        }
        return node
    }

    /// The function name of an `attr` entry keyed `f` (a call node's `func` value), else nil.
    private static func calledFunction(_ reader: inout ProtobufReader,
                                       _ type: ProtobufReader.WireType) throws -> String? {
        var entry = try reader.message("attr", type)
        var key = "", name: String?
        while let (field, type) = try entry.nextField() {
            switch field {
            case 1: key = try entry.string("key", type)
            case 2 where key == "f":
                var value = try entry.message("[\"f\"]", type)
                while let (kind, type) = try value.nextField() {
                    guard kind == 10 else { try value.skip(type); continue }
                    var function = try value.message("func", type)
                    while let (part, type) = try function.nextField() {
                        if part == 1 { name = try function.string("name", type) } else { try function.skip(type) }
                    }
                }
            default: try entry.skip(type)
            }
        }
        return name
    }
}
