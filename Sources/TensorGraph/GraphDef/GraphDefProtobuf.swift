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
    /// `keeping`, only the nodes at those positions (a graph pruned before it is decoded).
    static func decode(_ bytes: UnsafeRawBufferPointer, tensorByteLimit: Int,
                       consumed: ((UnsafeRawBufferPointer) -> Void)? = nil, path: String = "",
                       keeping: Set<Int>? = nil) throws -> GraphDefModel {
        var reader = ProtobufReader(bytes, path: path, consumed: consumed)
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
                model.functionNames = try functionNames(&library)
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

    private static func nodeDef(_ reader: inout ProtobufReader, tensorByteLimit: Int) throws -> NodeDef {
        var name = "", op = "", device = "", inputs: [String] = [], attributes: [String: AttrValue] = [:]
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1: name = try reader.string("name", type)
            case 2: op = try reader.string("op", type)
            case 3: inputs.append(try reader.string("input[\(inputs.count)]", type))
            case 4: device = try reader.string("device", type)
            case 5:
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
            default: try reader.skip(type)
            }
        }
        return try NodeDef(name: name, op: op, inputs: inputs, device: device,
                           attributes: attributes) { field, message in
            reader.error(message, field: field)
        }
    }

    private static func attrValue(_ reader: inout ProtobufReader, tensorByteLimit: Int) throws -> AttrValue? {
        var value: AttrValue?
        while let (number, type) = try reader.nextField() {
            switch number {
            case 1:
                var list = try reader.message("list", type)
                value = try listValue(&list, tensorByteLimit: tensorByteLimit)
            case 2: value = .string(try reader.string("s", type))
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
            case 9, 10: throw reader.error("is a function attribute; TensorGraph does not support functions")
            default: try reader.skip(type)
            }
        }
        return value
    }

    /// A `list` AttrValue: every element of whichever kind it holds, collected in one pass (the
    /// kinds' fields may come unpacked, one element each).
    private static func listValue(_ reader: inout ProtobufReader, tensorByteLimit: Int) throws -> AttrValue {
        var strings: [String] = [], ints: [Int] = [], floats: [Float] = [], bools: [Bool] = [], types: [DType] = []
        var shapes: [Shape] = [], tensors: [Tensor] = [], kind = 0
        while let (number, type) = try reader.nextField() {
            switch number {
            case 2: strings.append(try reader.string("s", type))
            case 3: ints += try reader.repeated(type, element: .varint) { Int(Int64(bitPattern: try $0.varint())) }
            case 4: floats += try reader.repeated(type, element: .fixed32) { Float(bitPattern: try $0.fixed32()) }
            case 5: bools += try reader.repeated(type, element: .varint) { try $0.varint() != 0 }
            case 6: types += try reader.repeated(type, element: .varint) { try dtype(&$0, "type") }
            case 7:
                var message = try reader.message("shape", type)
                shapes.append(try shape(&message))
            case 8:
                var message = try reader.message("tensor", type)
                tensors.append(try tensor(&message, byteLimit: tensorByteLimit))
            case 9: throw reader.error("lists functions; TensorGraph does not support functions")
            default:
                try reader.skip(type)
                continue
            }
            kind = number
        }
        switch kind {
        case 2: return .strings(strings)
        case 4: return .floats(floats)
        case 5: return .bools(bools)
        case 6: return .types(types)
        case 7: return .shapes(shapes)
        case 8: return .tensors(tensors)
        default: return .ints(ints)
        }
    }

    private static func dtype(_ reader: inout ProtobufReader, _ field: String) throws -> DType {
        let number = Int(Int32(truncatingIfNeeded: try reader.varint()))
        guard let dtype = DType(tensorFlowValue: number) else {
            throw reader.error("is dtype number \(number), which TensorGraph does not support "
                               + "(DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64 and DT_BOOL are)",
                               field: field)
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
        }
        return try parts.tensor(byteLimit: byteLimit, consumed: reader.consumed) { start.error($0) }
    }

    /// The names of the library's functions (`library.function[i].signature.name`).
    private static func functionNames(_ reader: inout ProtobufReader) throws -> Set<String> {
        var names: Set<String> = []
        while let (number, type) = try reader.nextField() {
            guard number == 1 else { try reader.skip(type); continue }
            var function = try reader.message("function[\(names.count)]", type)
            while let (field, type) = try function.nextField() {
                guard field == 1 else { try function.skip(type); continue }
                var signature = try function.message("signature", type)
                while let (entry, type) = try signature.nextField() {
                    if entry == 1 { names.insert(try signature.string("name", type)) } else { try signature.skip(type) }
                }
            }
        }
        return names
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
                for (key, value) in node.attributes.sorted(by: { $0.key < $1.key }) {
                    message.field(5) { entry in
                        entry.field(1, string: key)
                        entry.field(2) { encode(value, into: &$0) }
                    }
                }
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
        case .int(let i): writer.field(3, integer: i)
        case .float(let f): writer.field(4, fixed32: f.bitPattern)
        case .bool(let b): writer.field(5, integer: b ? 1 : 0)
        case .type(let t): writer.field(6, integer: t.tensorFlowValue)
        case .shape(let s): writer.field(7) { encode(s, into: &$0) }
        case .tensor(let t): writer.field(8) { encode(t, into: &$0) }
        case .strings(let a): writer.field(1) { list in for s in a { list.field(2, string: s) } }
        case .ints(let a): writer.field(1) { $0.field(3, packedIntegers: a) }
        case .floats(let a): writer.field(1) { $0.field(4, packedFloats: a) }
        case .bools(let a): writer.field(1) { $0.field(5, packedIntegers: a.map { $0 ? 1 : 0 }) }
        case .types(let a): writer.field(1) { $0.field(6, packedIntegers: a.map(\.tensorFlowValue)) }
        case .shapes(let a): writer.field(1) { list in for s in a { list.field(7) { encode(s, into: &$0) } } }
        case .tensors(let a): writer.field(1) { list in for t in a { list.field(8) { encode(t, into: &$0) } } }
        }
    }

    private static func encode(_ shape: Shape, into writer: inout ProtobufWriter) {
        guard let dims = shape.dimensions else { return writer.field(3, integer: 1) }
        for size in dims { writer.field(2) { $0.field(1, integer: size ?? -1) } }
    }

    private static func encode(_ tensor: Tensor, into writer: inout ProtobufWriter) {
        writer.field(1, integer: tensor.dtype.tensorFlowValue)
        writer.field(2) { encode(Shape(tensor.shape), into: &$0) }
        if tensor.elementCount > 0 { writer.field(4, bytes: NPY.littleEndianBytes(of: tensor.storage)) }
    }
}
