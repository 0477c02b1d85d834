/// What the protobuf text format needs to know of a message that the wire format does not say:
/// each field's name, number and type. ``GraphDefSchema`` holds TensorFlow's.
struct MessageSchema: Sendable {
    let name: String
    let fieldsByName: [String: FieldSchema]
    let fieldsByNumber: [Int: FieldSchema]

    init(_ name: String, _ fields: [FieldSchema]) {
        self.name = name
        fieldsByName = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0) })
        fieldsByNumber = Dictionary(uniqueKeysWithValues: fields.map { ($0.number, $0) })
    }
}

/// One field of a message schema.
struct FieldSchema: Sendable {
    enum Kind: Sendable, Equatable {
        case int32, int64, uint32, uint64, bool, float, double, string, bytes
        /// TensorFlow's `DataType` enum, written by name (`DT_FLOAT`).
        case dataType
        /// A nested message, by its name in the schema table.
        case message(String)
    }

    let name: String
    let number: Int
    let kind: Kind

    /// The wire type the field's values take (packed runs aside).
    var wireType: ProtobufReader.WireType {
        switch kind {
        case .float: .fixed32
        case .double: .fixed64
        case .string, .bytes, .message: .lengthDelimited
        default: .varint
        }
    }
}

/// The fields of TensorFlow's graph.proto, node_def.proto, attr_value.proto, tensor.proto,
/// tensor_shape.proto, versions.proto, function.proto and op_def.proto that a GraphDef and its
/// function library use; text-format fields not named here are read and skipped.
enum GraphDefSchema {
    static let graphDef = messages["GraphDef"]!

    static let messages: [String: MessageSchema] = {
        let schemas = [
            MessageSchema("GraphDef", [.init(name: "node", number: 1, kind: .message("NodeDef")),
                                       .init(name: "versions", number: 4, kind: .message("VersionDef")),
                                       .init(name: "version", number: 3, kind: .int32),
                                       .init(name: "library", number: 2, kind: .message("FunctionDefLibrary"))]),
            MessageSchema("VersionDef", [.init(name: "producer", number: 1, kind: .int32),
                                         .init(name: "min_consumer", number: 2, kind: .int32),
                                         .init(name: "bad_consumers", number: 3, kind: .int32)]),
            MessageSchema("NodeDef", [.init(name: "name", number: 1, kind: .string),
                                      .init(name: "op", number: 2, kind: .string),
                                      .init(name: "input", number: 3, kind: .string),
                                      .init(name: "device", number: 4, kind: .string),
                                      .init(name: "attr", number: 5, kind: .message("AttrEntry"))]),
            MessageSchema("AttrEntry", [.init(name: "key", number: 1, kind: .string),
                                        .init(name: "value", number: 2, kind: .message("AttrValue"))]),
            MessageSchema("AttrValue", [.init(name: "list", number: 1, kind: .message("ListValue")),
                                        .init(name: "s", number: 2, kind: .bytes),
                                        .init(name: "i", number: 3, kind: .int64),
                                        .init(name: "f", number: 4, kind: .float),
                                        .init(name: "b", number: 5, kind: .bool),
                                        .init(name: "type", number: 6, kind: .dataType),
                                        .init(name: "shape", number: 7, kind: .message("TensorShapeProto")),
                                        .init(name: "tensor", number: 8, kind: .message("TensorProto")),
                                        .init(name: "placeholder", number: 9, kind: .string),
                                        .init(name: "func", number: 10, kind: .message("NameAttrList"))]),
            MessageSchema("ListValue", [.init(name: "s", number: 2, kind: .bytes),
                                        .init(name: "i", number: 3, kind: .int64),
                                        .init(name: "f", number: 4, kind: .float),
                                        .init(name: "b", number: 5, kind: .bool),
                                        .init(name: "type", number: 6, kind: .dataType),
                                        .init(name: "shape", number: 7, kind: .message("TensorShapeProto")),
                                        .init(name: "tensor", number: 8, kind: .message("TensorProto")),
                                        .init(name: "func", number: 9, kind: .message("NameAttrList"))]),
            MessageSchema("NameAttrList", [.init(name: "name", number: 1, kind: .string),
                                           .init(name: "attr", number: 2, kind: .message("AttrEntry"))]),
            MessageSchema("TensorShapeProto", [.init(name: "dim", number: 2, kind: .message("Dim")),
                                               .init(name: "unknown_rank", number: 3, kind: .bool)]),
            MessageSchema("Dim", [.init(name: "size", number: 1, kind: .int64),
                                  .init(name: "name", number: 2, kind: .string)]),
            MessageSchema("TensorProto", [.init(name: "dtype", number: 1, kind: .dataType),
                                          .init(name: "tensor_shape", number: 2, kind: .message("TensorShapeProto")),
                                          .init(name: "version_number", number: 3, kind: .int32),
                                          .init(name: "tensor_content", number: 4, kind: .bytes),
                                          .init(name: "half_val", number: 13, kind: .int32),
                                          .init(name: "float_val", number: 5, kind: .float),
                                          .init(name: "double_val", number: 6, kind: .double),
                                          .init(name: "int_val", number: 7, kind: .int32),
                                          .init(name: "string_val", number: 8, kind: .bytes),
                                          .init(name: "scomplex_val", number: 9, kind: .float),
                                          .init(name: "int64_val", number: 10, kind: .int64),
                                          .init(name: "bool_val", number: 11, kind: .bool),
                                          .init(name: "dcomplex_val", number: 12, kind: .double),
                                          .init(name: "uint32_val", number: 16, kind: .uint32),
                                          .init(name: "uint64_val", number: 17, kind: .uint64)]),
            MessageSchema("FunctionDefLibrary", [.init(name: "function", number: 1, kind: .message("FunctionDef"))]),
            MessageSchema("FunctionDef", [.init(name: "signature", number: 1, kind: .message("OpDef")),
                                          .init(name: "attr", number: 5, kind: .message("AttrEntry")),
                                          .init(name: "node_def", number: 3, kind: .message("NodeDef")),
                                          .init(name: "ret", number: 4, kind: .message("StringEntry")),
                                          .init(name: "control_ret", number: 6, kind: .message("StringEntry"))]),
            MessageSchema("StringEntry", [.init(name: "key", number: 1, kind: .string),
                                          .init(name: "value", number: 2, kind: .string)]),
            MessageSchema("OpDef", [.init(name: "name", number: 1, kind: .string),
                                    .init(name: "input_arg", number: 2, kind: .message("ArgDef")),
                                    .init(name: "output_arg", number: 3, kind: .message("ArgDef")),
                                    .init(name: "control_output", number: 20, kind: .string),
                                    .init(name: "attr", number: 4, kind: .message("AttrDef")),
                                    .init(name: "summary", number: 5, kind: .string),
                                    .init(name: "description", number: 6, kind: .string),
                                    .init(name: "is_aggregate", number: 16, kind: .bool),
                                    .init(name: "is_stateful", number: 17, kind: .bool),
                                    .init(name: "is_commutative", number: 18, kind: .bool),
                                    .init(name: "allows_uninitialized_input", number: 19, kind: .bool)]),
            MessageSchema("ArgDef", [.init(name: "name", number: 1, kind: .string),
                                     .init(name: "description", number: 2, kind: .string),
                                     .init(name: "type", number: 3, kind: .dataType),
                                     .init(name: "type_attr", number: 4, kind: .string),
                                     .init(name: "number_attr", number: 5, kind: .string),
                                     .init(name: "type_list_attr", number: 6, kind: .string),
                                     .init(name: "is_ref", number: 16, kind: .bool)]),
            MessageSchema("AttrDef", [.init(name: "name", number: 1, kind: .string),
                                      .init(name: "type", number: 2, kind: .string),
                                      .init(name: "default_value", number: 3, kind: .message("AttrValue")),
                                      .init(name: "description", number: 4, kind: .string),
                                      .init(name: "has_minimum", number: 5, kind: .bool),
                                      .init(name: "minimum", number: 6, kind: .int64),
                                      .init(name: "allowed_values", number: 7, kind: .message("AttrValue"))]),
        ]
        return Dictionary(uniqueKeysWithValues: schemas.map { ($0.name, $0) })
    }()
}
