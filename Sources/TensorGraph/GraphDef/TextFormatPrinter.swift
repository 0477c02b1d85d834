/// Writes a message's wire bytes in protobuf's text format by a ``MessageSchema``, as TensorFlow's
/// `text_format` does: one field a line, nested messages in braces indented by two spaces, repeated
/// values one a line, enums by name, strings and bytes C-escaped, floats in their shortest form
/// that reads back exactly (`1e-05`, `inf`, `nan`, `-0.0`).
struct TextFormatPrinter {
    private(set) var text = ""

    /// `bytes` (wire format, as ``ProtobufWriter`` makes it) as a text `schema` message.
    static func print(_ bytes: [UInt8], as schema: MessageSchema) throws -> String {
        var printer = TextFormatPrinter()
        try bytes.withUnsafeBytes { buffer in
            var reader = ProtobufReader(buffer)
            try printer.printFields(&reader, schema, indent: "")
        }
        return printer.text
    }

    private mutating func printFields(_ reader: inout ProtobufReader, _ schema: MessageSchema, indent: String) throws {
        while let (number, type) = try reader.nextField() {
            guard let field = schema.fieldsByNumber[number] else {
                try reader.skip(type)
                continue
            }
            if case .message(let name) = field.kind {
                var nested = try reader.message(field.name, type)
                text += "\(indent)\(field.name) {\n"
                try printFields(&nested, GraphDefSchema.messages[name]!, indent: indent + "  ")
                text += "\(indent)}\n"
                continue
            }
            let values = try reader.repeated(type, element: field.wireType) { try Self.scalar(&$0, field) }
            for value in values { text += "\(indent)\(field.name): \(value)\n" }
        }
    }

    private static func scalar(_ reader: inout ProtobufReader, _ field: FieldSchema) throws -> String {
        switch field.kind {
        case .float: return Float(bitPattern: try reader.fixed32()).description
        case .double: return Double(bitPattern: try reader.fixed64()).description
        case .string, .bytes: return "\"" + TextFormatEscaping.escaped(try reader.bytesField()) + "\""
        case .bool: return try reader.varint() != 0 ? "true" : "false"
        case .dataType:
            let number = Int(Int32(truncatingIfNeeded: try reader.varint()))
            return DataTypeNames.name(of: number) ?? String(number)
        case .int32: return String(Int32(truncatingIfNeeded: try reader.varint()))
        case .uint32: return String(UInt32(truncatingIfNeeded: try reader.varint()))
        case .uint64: return String(try reader.varint())
        case .int64, .message: return String(Int64(bitPattern: try reader.varint()))
        }
    }
}
