/// Reads a message in protobuf's text format (what `tf.io.write_graph(..., as_text=True)` writes)
/// by a ``MessageSchema`` and writes the same message in the wire format, recording where each
/// field came from, so one decoder serves binary and text files alike. Fields the schema does not
/// name are read and dropped. Errors name the field path, line and column; nesting is limited to
/// TensorFlow's 100 levels, and every number is checked against its field's range.
struct TextFormatReader {
    static let maximumDepth = 100

    let text: UnsafeRawBufferPointer
    var offset = 0, line = 1, lineStart = 0
    /// Field names from the top down to the field being read, for errors.
    var path: [String] = []

    init(_ text: UnsafeRawBufferPointer) { self.text = text }

    /// The whole text read as one `schema` message: its wire bytes and where each field came from.
    mutating func transcode(_ schema: MessageSchema) throws -> ([UInt8], TextSourceMap) {
        var message = TranscodedMessage()
        try readFields(of: schema, into: &message, closing: nil)
        return (message.writer.bytes, message.sourceMap)
    }

    // MARK: Messages

    private mutating func readFields(of schema: MessageSchema, into message: inout TranscodedMessage,
                                     closing: UInt8?) throws {
        while true {
            skipSpace()
            guard let byte = peek() else {
                guard let closing else { return }
                throw error("the message is not closed with '\(Character(Unicode.Scalar(closing)))' before the end")
            }
            if byte == closing {
                offset += 1
                return
            }
            let start = position
            let name = try fieldName()
            path.append(name)
            if let field = schema.fieldsByName[name] {
                try readValues(of: field, into: &message, at: start)
            } else {
                try skipValue(depth: path.count)
            }
            path.removeLast()
            skipSpace()
            if peek() == UInt8(ascii: ",") || peek() == UInt8(ascii: ";") { offset += 1 }
        }
    }

    /// A field's value or values: `name: v`, `name: [v, ...]`, `name { ... }`, `name: [{ ... }, ...]`.
    private mutating func readValues(of field: FieldSchema, into message: inout TranscodedMessage,
                                     at start: TextPosition) throws {
        skipSpace()
        let colon = peek() == UInt8(ascii: ":")
        if colon {
            offset += 1
            skipSpace()
        }
        let isMessage: Bool
        if case .message = field.kind { isMessage = true } else { isMessage = false }
        guard colon || isMessage else { throw error("expected ':' after '\(field.name)'") }
        guard peek() == UInt8(ascii: "[") else { return try readValue(of: field, into: &message, at: start) }
        try readList { reader in try reader.readValue(of: field, into: &message, at: reader.position) }
    }

    /// `[v, v, ...]`, each element read by `element`.
    private mutating func readList(_ element: (inout TextFormatReader) throws -> Void) throws {
        offset += 1
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            offset += 1
            return
        }
        while true {
            skipSpace()
            try element(&self)
            skipSpace()
            guard let byte = next() else { throw error("the list of '\(path.last ?? "")' is not closed with ']'") }
            if byte == UInt8(ascii: "]") { return }
            guard byte == UInt8(ascii: ",") else {
                throw error("expected ',' or ']' in the list of '\(path.last ?? "")'", back: 1)
            }
        }
    }

    private mutating func readValue(of field: FieldSchema, into message: inout TranscodedMessage,
                                    at start: TextPosition) throws {
        message.mark(start)
        switch field.kind {
        case .message(let name):
            guard path.count < Self.maximumDepth else {
                throw error("messages nest deeper than \(Self.maximumDepth) levels")
            }
            let closing = try opening()
            var nested = TranscodedMessage()
            try readFields(of: GraphDefSchema.messages[name]!, into: &nested, closing: closing)
            message.append(nested, field: field.number)
        case .string, .bytes:
            let bytes = try string()
            if field.kind == .string, String(validating: bytes, as: UTF8.self) == nil {
                throw error("'\(field.name)' must be UTF-8 text", at: start)
            }
            message.writer.field(field.number, bytes: bytes)
        case .float, .double:
            let value = try floatingPoint()
            if field.kind == .float {
                message.writer.field(field.number, fixed32: Float(value).bitPattern)
            } else {
                message.writer.field(field.number, fixed64: value.bitPattern)
            }
        case .bool:
            message.writer.field(field.number, integer: try boolean() ? 1 : 0)
        case .dataType:
            message.writer.field(field.number, integer: try dataType())
        case .int32, .int64, .uint32, .uint64:
            message.writer.field(field.number, integer: try integer(field.kind))
        }
    }

    /// `{` or `<` (after an optional `:`), giving the byte that closes the message.
    private mutating func opening() throws -> UInt8 {
        skipSpace()
        switch next() {
        case UInt8(ascii: "{"): return UInt8(ascii: "}")
        case UInt8(ascii: "<"): return UInt8(ascii: ">")
        default: throw error("expected '{' to open the message '\(path.last ?? "")'", back: 1)
        }
    }

    /// A field name: an identifier, or an extension or Any type name in brackets.
    private mutating func fieldName() throws -> String {
        if peek() == UInt8(ascii: "[") {
            let start = offset
            while true {
                guard let byte = next(), byte >= 0x20 else {
                    throw error("the bracketed field name is not closed with ']'")
                }
                if byte == UInt8(ascii: "]") { return String(decoding: text[start..<offset], as: UTF8.self) }
            }
        }
        guard let name = identifier() else { throw error("expected a field name, found \(describeNext())") }
        return name
    }

    // MARK: Unknown fields

    /// Reads and drops the value of a field the schema does not name.
    private mutating func skipValue(depth: Int) throws {
        guard depth < Self.maximumDepth else { throw error("messages nest deeper than \(Self.maximumDepth) levels") }
        skipSpace()
        if peek() == UInt8(ascii: ":") {
            offset += 1
            skipSpace()
        } else if peek() != UInt8(ascii: "{") && peek() != UInt8(ascii: "<") {
            throw error("expected ':' or '{' after '\(path.last ?? "")', found \(describeNext())")
        }
        guard peek() == UInt8(ascii: "[") else { return try skipSingleValue(depth: depth) }
        try readList { reader in try reader.skipSingleValue(depth: depth) }
    }

    private mutating func skipSingleValue(depth: Int) throws {
        skipSpace()
        if peek() == UInt8(ascii: "{") || peek() == UInt8(ascii: "<") {
            let closing = try opening()
            while true {
                skipSpace()
                guard let byte = peek() else { throw error("a message is not closed before the end") }
                if byte == closing {
                    offset += 1
                    return
                }
                path.append(try fieldName())
                try skipValue(depth: depth + 1)
                path.removeLast()
                skipSpace()
                if peek() == UInt8(ascii: ",") || peek() == UInt8(ascii: ";") { offset += 1 }
            }
        }
        if peek() == UInt8(ascii: "\"") || peek() == UInt8(ascii: "'") { return _ = try string() }
        if peek() == UInt8(ascii: "-") { offset += 1 }
        guard !scalarToken().isEmpty else { throw error("expected a value, found \(describeNext())") }
    }
}

/// Wire bytes being written from text, with the text position each field came from.
private struct TranscodedMessage {
    var writer = ProtobufWriter()
    let sourceMap = TextSourceMap()

    func mark(_ position: TextPosition) { sourceMap.record(offset: writer.bytes.count, position) }

    mutating func append(_ nested: TranscodedMessage, field number: Int) {
        writer.field(number, bytes: nested.writer.bytes)
        sourceMap.append(nested.sourceMap, at: writer.bytes.count - nested.writer.bytes.count)
    }
}
