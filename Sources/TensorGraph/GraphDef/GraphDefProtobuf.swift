import Foundation

/// A binary GraphDef (`.pb`, what `graph.as_graph_def().SerializeToString()` and
/// `tf.io.write_graph(..., as_text=False)` write) decoded into a ``GraphDefModel``, by the field
/// numbers of TensorFlow's graph.proto, node_def.proto, attr_value.proto, tensor.proto and
/// tensor_shape.proto. Unknown fields are skipped; `tensor_content` is read where it lies.
enum GraphDefProtobuf {
    static func decode(_ data: Data, tensorByteLimit: Int) throws -> GraphDefModel {
        try data.withUnsafeBytes { try decode($0, tensorByteLimit: tensorByteLimit) }
    }

    /// Decodes `bytes`, telling `consumed` of each tensor's content once it is copied out; with
    /// `keeping` and `keepingFunctions`, only the nodes and library functions at those positions
    /// (a graph pruned before it is decoded).
    static func decode(_ bytes: UnsafeRawBufferPointer, tensorByteLimit: Int,
                       consumed: ((UnsafeRawBufferPointer) -> Void)? = nil, path: String = "",
                       keeping: Set<Int>? = nil, keepingFunctions: Set<Int>? = nil,
                       sourceMap: TextSourceMap? = nil) throws -> GraphDefModel {
        var reader = ProtobufReader(bytes, path: path, consumed: consumed, sourceMap: sourceMap)
        var model = GraphDefModel(), position = 0
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1:
                defer { position += 1 }
                guard keeping?.contains(position) ?? true else {
                    try reader.skip(type)
                    continue
                }
                var node = try reader.message("node[\(position)]", type)
                model.nodes.append(try nodeDef(&node, tensorByteLimit: tensorByteLimit))
            case 2:
                var library = try reader.message("library", type)
                try self.library(&library, into: &model, keeping: keepingFunctions,
                                 tensorByteLimit: tensorByteLimit)
            case 4:
                var versions = try reader.message("versions", type)
                while let (field, type) = try versions.nextField() {
                    switch field {
                    case 1: model.producer = Int(Int32(truncatingIfNeeded: try versions.varint("producer", type)))
                    case 2: model.minimumConsumer =
                        Int(Int32(truncatingIfNeeded: try versions.varint("min_consumer", type)))
                    default: try versions.skip(type)
                    }
                }
            default: try reader.skip(type)
            }
        }
        return model
    }

    static func nodeDef(_ reader: inout ProtobufReader, tensorByteLimit: Int) throws -> NodeDef {
        let start = reader
        var name = "", op = "", device = "", inputs: [String] = [], attributes: [String: AttrValue] = [:]
        var unsupported: GraphError?
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1: name = try reader.string("name", type)
            case 2: op = try reader.string("op", type)
            case 3: inputs.append(try reader.string("input[\(inputs.count)]", type))
            case 4: device = try reader.string("device", type)
            case 5:
                do {
                    try attributeEntry(&reader, type, into: &attributes, tensorByteLimit: tensorByteLimit)
                } catch let error as GraphError where error.kind == .unsupported {
                    // The entry's bytes are behind the reader already; the importer decides (NodeDef.unsupportedDType).
                    unsupported = unsupported ?? error
                }
            default: try reader.skip(type)
            }
        }
        var node = try NodeDef(name: name, op: op, inputs: inputs, device: device,
                               attributes: attributes) { field, message in
            start.error(message, field: field)
        }
        node.unsupportedDType = unsupported
        return node
    }

    /// One entry of a `map<string, AttrValue>` (`attr { key value }`), added to `attributes`.
    private static func attributeEntry(_ reader: inout ProtobufReader, _ type: ProtobufReader.WireType,
                                       into attributes: inout [String: AttrValue], tensorByteLimit: Int) throws {
        var entry = try reader.message("attr", type)
        var key = "", value: AttrValue?
        while let (field, type) = try entry.nextField() {
            switch field {
            case 1: key = try entry.string("key", type)
            case 2:
                var message = try entry.message("[\"\(key)\"]", type)
                value = try attrValue(&message, tensorByteLimit: tensorByteLimit)
            default: try entry.skip(type)
            }
        }
        // An entry without a value is the AttrValue with no field set, which nothing reads.
        if let value { attributes[key] = value }
    }

    /// A `func` value (`NameAttrList`: a function's name and the attributes bound for it).
    private static func functionReference(_ reader: inout ProtobufReader,
                                          tensorByteLimit: Int) throws -> FunctionReference {
        var reference = FunctionReference(name: "")
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1: reference.name = try reader.string("name", type)
            case 2: try attributeEntry(&reader, type, into: &reference.attributes, tensorByteLimit: tensorByteLimit)
            default: try reader.skip(type)
            }
        }
        return reference
    }

    private static func attrValue(_ reader: inout ProtobufReader, tensorByteLimit: Int) throws -> AttrValue? {
        var value: AttrValue?
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1:
                var list = try reader.message("list", type)
                value = try listValue(&list, tensorByteLimit: tensorByteLimit)
            case 2:
                try reader.expect(type, .lengthDelimited, field: "s")
                value = AttrValue(bytes: try reader.bytesField())
            case 3: value = .int(Int(Int64(bitPattern: try reader.varint("i", type))))
            case 4:
                try reader.expect(type, .fixed32, field: "f")
                value = .float(Float(bitPattern: try reader.fixed32()))
            case 5: value = .bool(try reader.varint("b", type) != 0)
            case 6:
                try reader.expect(type, .varint, field: "type")
                value = .type(try dtype(&reader, "type"))
            case 7:
                var shape = try reader.message("shape", type)
                value = .shape(try self.shape(&shape))
            case 8:
                var tensor = try reader.message("tensor", type)
                value = .tensor(try self.tensor(&tensor, byteLimit: tensorByteLimit))
            case 9: value = .placeholder(try reader.string("placeholder", type))
            case 10:
                var message = try reader.message("func", type)
                value = .function(try functionReference(&message, tensorByteLimit: tensorByteLimit))
            default: try reader.skip(type)
            }
        }
        return value
    }

    /// A `list` AttrValue: every element of whichever kind it holds, collected in one pass (the
    /// kinds' fields may come unpacked, one element each).
    /// A list(type) holding DT_RESOURCE decodes to nil (the attribute left out): it is a call's
    /// `Tin`/`Tout` listing the variable handles it passes, which TensorGraph types as the variables'
    /// values; the inliner takes a call's arguments from the function's signature, not from them.
    private static func listValue(_ reader: inout ProtobufReader, tensorByteLimit: Int) throws -> AttrValue? {
        var strings: [[UInt8]] = [], functions: [FunctionReference] = [], ints: [Int] = [], floats: [Float] = []
        var bools: [Bool] = [], types: [DType] = []
        var shapes: [Shape] = [], tensors: [Tensor] = [], kind = 0, holdsResources = false
        while let (number, type) = try reader.nextField() {
            switch number {
            case 2:
                try reader.expect(type, .lengthDelimited, field: "s")
                strings.append(Array(try reader.bytesField()))
            case 3: ints += try reader.repeated(type, element: .varint) { Int(Int64(bitPattern: try $0.varint())) }
            case 4: floats += try reader.repeated(type, element: .fixed32) { Float(bitPattern: try $0.fixed32()) }
            case 5: bools += try reader.repeated(type, element: .varint) { try $0.varint() != 0 }
            case 6:
                let numbers = try reader.repeated(type, element: .varint) {
                    Int(Int32(truncatingIfNeeded: try $0.varint()))
                }
                if numbers.contains(resourceType) { holdsResources = true; continue }
                types += try numbers.map { try dtype($0, reader, "type") }
            case 7:
                var message = try reader.message("shape", type)
                shapes.append(try shape(&message))
            case 8:
                var message = try reader.message("tensor", type)
                tensors.append(try tensor(&message, byteLimit: tensorByteLimit))
            case 9:
                var message = try reader.message("func", type)
                functions.append(try functionReference(&message, tensorByteLimit: tensorByteLimit))
            default:
                try reader.skip(type)
                continue
            }
            kind = number
        }
        if holdsResources { return nil }
        switch kind {
        case 2: return AttrValue(byteStrings: strings)
        case 4: return .floats(floats)
        case 5: return .bools(bools)
        case 6: return .types(types)
        case 7: return .shapes(shapes)
        case 8: return .tensors(tensors)
        case 9: return .functions(functions)
        default: return .ints(ints)
        }
    }

    /// `DT_RESOURCE`'s number.
    private static let resourceType = 20

    private static func dtype(_ reader: inout ProtobufReader, _ field: String) throws -> DType {
        try dtype(Int(Int32(truncatingIfNeeded: try reader.varint())), reader, field)
    }

    private static func dtype(_ number: Int, _ reader: ProtobufReader, _ field: String) throws -> DType {
        guard let dtype = DType(tensorFlowValue: number) else {
            var error = reader.error("is \(DataTypeNames.describe(number)), which TensorGraph does not support "
                                     + "(\(DType.tensorFlowNames) are)",
                                     field: field)
            error.kind = .unsupported
            throw error
        }
        return dtype
    }

    static func shape(_ reader: inout ProtobufReader) throws -> Shape {
        var dims: [Int?] = [], unknownRank = false
        while let (number, type) = try reader.nextField() {
            switch number {
            case 2:
                guard dims.count < 64 else { throw reader.error("has more than 64 dimensions") }
                var dim = try reader.message("dim[\(dims.count)]", type)
                var size: Int64 = 0
                while let (field, type) = try dim.nextField() {
                    if field == 1 { size = Int64(bitPattern: try dim.varint("size", type)) } else { try dim.skip(type) }
                }
                guard size >= -1, size <= 1 << 40 else {
                    throw dim.error("has size \(size); sizes are -1 (unknown) or 0 through 2^40")
                }
                dims.append(size == -1 ? nil : Int(size))
            case 3: unknownRank = try reader.varint("unknown_rank", type) != 0
            default: try reader.skip(type)
            }
        }
        return unknownRank ? .unknown : Shape(dims)
    }

    private static func tensor(_ reader: inout ProtobufReader, byteLimit: Int) throws -> Tensor {
        var dtype: DType?, shape = Shape.scalar, content: UnsafeRawBufferPointer?
        var floats: [Float] = [], doubles: [Double] = [], ints: [Int32] = [], longs: [Int64] = [], bools: [Bool] = []
        var strings: [[UInt8]] = []
        let start = reader
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1:
                try reader.expect(type, .varint, field: "dtype")
                dtype = try self.dtype(&reader, "dtype")
            case 2:
                var message = try reader.message("tensor_shape", type)
                shape = try self.shape(&message)
            case 4:
                try reader.expect(type, .lengthDelimited, field: "tensor_content")
                content = try reader.bytesField()
            case 5: floats += try reader.repeated(type, element: .fixed32) { Float(bitPattern: try $0.fixed32()) }
            case 6: doubles += try reader.repeated(type, element: .fixed64) { Double(bitPattern: try $0.fixed64()) }
            case 7: ints += try reader.repeated(type, element: .varint) { Int32(truncatingIfNeeded: try $0.varint()) }
            case 8:
                try reader.expect(type, .lengthDelimited, field: "string_val")
                strings.append(Array(try reader.bytesField()))
            case 10: longs += try reader.repeated(type, element: .varint) { Int64(bitPattern: try $0.varint()) }
            case 11: bools += try reader.repeated(type, element: .varint) { try $0.varint() != 0 }
            default: try reader.skip(type)
            }
        }
        guard let dtype else { throw start.error("has no dtype") }
        var parts = TensorProtoParts(dtype: dtype)
        parts.shape = shape
        parts.content = content
        switch dtype {
        case .float32: parts.values = .float32(floats)
        case .float64: parts.values = .float64(doubles)
        case .int32: parts.values = .int32(ints)
        case .int64: parts.values = .int64(longs)
        case .bool: parts.values = .bool(bools)
        case .string: parts.values = .string(strings)
        case .resource, .variant: break
        }
        return try parts.tensor(byteLimit: byteLimit, consumed: reader.consumed) { start.error($0) }
    }

    /// The library's functions (`library.function`), each decoded into `model.functions`.
    private static func library(_ reader: inout ProtobufReader, into model: inout GraphDefModel,
                                keeping: Set<Int>? = nil, tensorByteLimit: Int) throws {
        var position = 0
        while let (number, type) = try reader.nextField() {
            guard number == 1 else { try reader.skip(type); continue }
            defer { position += 1 }
            guard keeping?.contains(position) ?? true else {
                try reader.skip(type)
                continue
            }
            var message = try reader.message("function[\(position)]", type)
            let function = try functionDef(&message, tensorByteLimit: tensorByteLimit)
            guard model.functions[function.name] == nil else {
                throw message.error("defines the function '\(function.name)' a second time")
            }
            model.functions[function.name] = function
        }
    }

    private static func functionDef(_ reader: inout ProtobufReader, tensorByteLimit: Int) throws -> FunctionDef {
        let start = reader
        var function = FunctionDef(name: "")
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1:
                var signature = try reader.message("signature", type)
                try self.signature(&signature, into: &function, tensorByteLimit: tensorByteLimit)
            case 3:
                var node = try reader.message("node_def[\(function.nodes.count)]", type)
                function.nodes.append(try nodeDef(&node, tensorByteLimit: tensorByteLimit))
            case 4:
                let (key, value) = try stringEntry(&reader, "ret", type)
                function.returns[key] = value
            case 6:
                let (key, value) = try stringEntry(&reader, "control_ret", type)
                function.controlReturns[key] = value
            default: try reader.skip(type)
            }
        }
        guard !function.name.isEmpty else { throw start.error("has no signature.name") }
        return function
    }

    /// A function's `signature` (an `OpDef`): its name, arguments and attributes' defaults.
    private static func signature(_ reader: inout ProtobufReader, into function: inout FunctionDef,
                                  tensorByteLimit: Int) throws {
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1: function.name = try reader.string("name", type)
            case 2:
                var argument = try reader.message("input_arg[\(function.inputs.count)]", type)
                function.inputs.append(try argumentDef(&argument))
            case 3:
                var argument = try reader.message("output_arg[\(function.outputs.count)]", type)
                function.outputs.append(try argumentDef(&argument))
            case 4:
                var attribute = try reader.message("attr", type)
                var name = "", value: AttrValue?
                while let (field, type) = try attribute.nextField() {
                    switch field {
                    case 1: name = try attribute.string("name", type)
                    case 3:
                        var message = try attribute.message("default_value", type)
                        value = try attrValue(&message, tensorByteLimit: tensorByteLimit)
                    default: try attribute.skip(type)
                    }
                }
                if let value { function.attributeDefaults[name] = value }
            default: try reader.skip(type)
            }
        }
    }

    private static func argumentDef(_ reader: inout ProtobufReader) throws -> ArgumentDef {
        var argument = ArgumentDef(name: "")
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1: argument.name = try reader.string("name", type)
            case 5: argument.numberAttribute = try reader.string("number_attr", type)
            case 6: argument.typeListAttribute = try reader.string("type_list_attr", type)
            default: try reader.skip(type)
            }
        }
        return argument
    }

    /// One entry of a `map<string, string>`.
    private static func stringEntry(_ reader: inout ProtobufReader, _ field: String,
                                    _ type: ProtobufReader.WireType) throws -> (String, String) {
        var entry = try reader.message(field, type)
        var key = "", value = ""
        while let (number, type) = try entry.nextField() {
            switch number {
            case 1: key = try entry.string("key", type)
            case 2: value = try entry.string("[\"\(key)\"]", type)
            default: try entry.skip(type)
            }
        }
        return (key, value)
    }
}

extension GraphDefProtobuf {
    /// `graph` as a binary GraphDef, which `tf.compat.v1.GraphDef.ParseFromString` reads: nodes in
    /// the graph's order, attributes sorted by name, tensors as `tensor_content`.
    static func encode(_ graph: Graph) -> [UInt8] {
        var writer = ProtobufWriter()
        for node in graph.nodes {
            writer.field(1) { message in
                message.field(1, string: node.name)
                message.field(2, string: node.op)
                for input in node.inputs { message.field(3, string: input.index == 0 ? input.node : input.description) }
                for control in node.controlInputs { message.field(3, string: "^" + control) }
                if !node.device.isEmpty { message.field(4, string: node.device) }
                encode(node.attributes, field: 5, into: &message)
            }
        }
        writer.field(4) { versions in
            versions.field(1, integer: graph.producerVersion)
            if graph.minimumConsumerVersion != 0 { versions.field(2, integer: graph.minimumConsumerVersion) }
        }
        return writer.bytes
    }

    private static func encode(_ value: AttrValue, into writer: inout ProtobufWriter) {
        switch value {
        case .string(let s): writer.field(2, string: s)
        case .bytes(let b): writer.field(2, bytes: b)
        case .int(let i): writer.field(3, integer: i)
        case .float(let f): writer.field(4, fixed32: f.bitPattern)
        case .bool(let b): writer.field(5, integer: b ? 1 : 0)
        case .type(let t): writer.field(6, integer: t.tensorFlowValue)
        case .shape(let s): writer.field(7) { encode(s, into: &$0) }
        case .tensor(let t): writer.field(8) { encode(t, into: &$0) }
        case .strings(let a): writer.field(1) { list in for s in a { list.field(2, string: s) } }
        case .byteStrings(let a): writer.field(1) { list in for b in a { list.field(2, bytes: b) } }
        case .ints(let a): writer.field(1) { $0.field(3, packedIntegers: a) }
        case .floats(let a): writer.field(1) { $0.field(4, packedFloats: a) }
        case .bools(let a): writer.field(1) { $0.field(5, packedIntegers: a.map { $0 ? 1 : 0 }) }
        case .types(let a): writer.field(1) { $0.field(6, packedIntegers: a.map(\.tensorFlowValue)) }
        case .shapes(let a): writer.field(1) { list in for s in a { list.field(7) { encode(s, into: &$0) } } }
        case .tensors(let a): writer.field(1) { list in for t in a { list.field(8) { encode(t, into: &$0) } } }
        case .function(let f): writer.field(10) { encode(f, into: &$0) }
        case .functions(let a): writer.field(1) { list in for f in a { list.field(9) { encode(f, into: &$0) } } }
        case .placeholder(let name): writer.field(9, string: name)
        }
    }

    private static func encode(_ function: FunctionReference, into writer: inout ProtobufWriter) {
        writer.field(1, string: function.name)
        encode(function.attributes, field: 2, into: &writer)
    }

    /// A `map<string, AttrValue>` as field `number`, entries sorted by name.
    private static func encode(_ attributes: [String: AttrValue], field number: Int,
                               into writer: inout ProtobufWriter) {
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            writer.field(number) { entry in
                entry.field(1, string: key)
                entry.field(2) { encode(value, into: &$0) }
            }
        }
    }

    private static func encode(_ shape: Shape, into writer: inout ProtobufWriter) {
        guard let dims = shape.dimensions else { return writer.field(3, integer: 1) }
        for size in dims { writer.field(2) { $0.field(1, integer: size ?? -1) } }
    }

    private static func encode(_ tensor: Tensor, into writer: inout ProtobufWriter) {
        writer.field(1, integer: tensor.dtype.tensorFlowValue)
        writer.field(2) { encode(Shape(tensor.shape), into: &$0) }
        if case .string(let strings) = tensor.storage {
            for string in strings { writer.field(8, bytes: string) }
        } else if tensor.elementCount > 0 {
            writer.field(4, bytes: NPY.littleEndianBytes(of: tensor.storage))
        }
    }
}
