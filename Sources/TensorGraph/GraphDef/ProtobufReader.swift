/// Reads protobuf's wire format from bytes that stay where they are: one reader per message,
/// fields in the order they come, unknown fields skipped as protobuf does. Every length and count
/// is checked against the bytes left before anything is allocated from it, and errors name the
/// field path and byte offset (`node[3].attr["value"].tensor.tensor_content at byte 1024`).
struct ProtobufReader {
    enum WireType: UInt64 { case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5 }

    /// TensorFlow's limit on message nesting (as its protobuf parsing sets it).
    static let maximumDepth = 100

    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    private let end: Int
    /// The message's place in the file, for errors.
    let path: String
    private let depth: Int
    /// Told of bytes the decoder has copied out and will not read again (a tensor's content), so a
    /// mapped file can let their pages go.
    let consumed: ((UnsafeRawBufferPointer) -> Void)?
    /// For bytes transcoded from the text format, where each field came from, so errors name a
    /// line and column rather than a byte offset.
    let sourceMap: TextSourceMap?

    init(_ bytes: UnsafeRawBufferPointer, path: String = "", consumed: ((UnsafeRawBufferPointer) -> Void)? = nil,
         sourceMap: TextSourceMap? = nil) {
        (self.bytes, offset, end, self.path, depth, self.consumed) = (bytes, 0, bytes.count, path, 0, consumed)
        self.sourceMap = sourceMap
    }

    private init(_ parent: ProtobufReader, range: Range<Int>, path: String, depth: Int) {
        (bytes, offset, end, self.path, self.depth) = (parent.bytes, range.lowerBound, range.upperBound, path, depth)
        (consumed, sourceMap) = (parent.consumed, parent.sourceMap)
    }

    /// An error at the current offset, in `field` (a name below this message's path).
    func error(_ message: String, field: String = "") -> GraphError {
        let place = [path, field].filter { !$0.isEmpty }.joined(separator: ".")
        let location = sourceMap.map { "pbtxt \(place.isEmpty ? "GraphDef" : place) at \($0.position(of: offset))" }
            ?? "protobuf \(place.isEmpty ? "GraphDef" : place) at byte \(offset)"
        return GraphError(.invalidFile, message: "\(location): \(message)")
    }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func nextField() throws -> (number: Int, type: WireType)? {
        guard offset < end else { return nil }
        let key = try varint()
        guard let type = WireType(rawValue: key & 7) else {
            throw error("wire type \(key & 7) is not one protobuf uses (groups are not supported)")
        }
        let number = key >> 3
        guard number >= 1, number < 1 << 29 else { throw error("field number \(number) is out of range") }
        return (Int(number), type)
    }

    mutating func varint() throws -> UInt64 {
        do {
            return try ByteCoding.varint(in: bytes, at: &offset, end: end)
        } catch .truncated {
            throw error("a varint runs past the end of its message")
        } catch {
            throw self.error("a varint is longer than 64 bits")
        }
    }

    mutating func fixed32() throws -> UInt32 {
        guard end - offset >= 4 else { throw error("a 4-byte value runs past the end of its message") }
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func fixed64() throws -> UInt64 {
        guard end - offset >= 8 else { throw error("an 8-byte value runs past the end of its message") }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The range of a length-delimited field's bytes, which the reader then skips.
    mutating func lengthDelimited() throws -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - offset) else {
            throw error("a field claims \(length) bytes, but its message has \(end - offset) left")
        }
        defer { offset += Int(length) }
        return offset..<offset + Int(length)
    }

    /// A length-delimited field read as a nested message at `field` below this one.
    mutating func message(_ field: String) throws -> ProtobufReader {
        guard depth < ProtobufReader.maximumDepth else {
            throw error("messages nest deeper than \(ProtobufReader.maximumDepth) levels", field: field)
        }
        let range = try lengthDelimited()
        return ProtobufReader(self, range: range, path: [path, field].filter { !$0.isEmpty }.joined(separator: "."),
                              depth: depth + 1)
    }

    /// A length-delimited field's bytes.
    mutating func bytesField() throws -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[try lengthDelimited()])
    }

    /// A string field, which protobuf requires to be UTF-8.
    mutating func string(_ field: String) throws -> String {
        let raw = try bytesField()
        guard let text = String(validating: raw, as: UTF8.self) else { throw error("is not UTF-8 text", field: field) }
        return text
    }

    /// Skips a field of `type` that this reader does not use.
    mutating func skip(_ type: WireType) throws {
        switch type {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .lengthDelimited: _ = try lengthDelimited()
        case .fixed32: _ = try fixed32()
        }
    }

    /// The values of a repeated scalar field, one element (unpacked) or a packed run of them.
    mutating func repeated<T>(_ type: WireType, element: WireType,
                              _ read: (inout ProtobufReader) throws -> T) throws -> [T] {
        guard type == .lengthDelimited, element != .lengthDelimited else {
            guard type == element else { throw error("has wire type \(type), expected \(element)") }
            return [try read(&self)]
        }
        let range = try lengthDelimited()
        var packed = ProtobufReader(self, range: range, path: path, depth: depth)
        var values: [T] = []
        // A packed run holds at most one value per byte, so this bounds the allocation by the data.
        values.reserveCapacity(element == .varint ? 0 : range.count / (element == .fixed32 ? 4 : 8))
        while packed.offset < packed.end { values.append(try read(&packed)) }
        return values
    }

    /// A varint field, checked to have the varint wire type.
    mutating func varint(_ field: String, _ type: WireType) throws -> UInt64 {
        try expect(type, .varint, field: field)
        return try varint()
    }

    /// A string field, checked to be length-delimited.
    mutating func string(_ field: String, _ type: WireType) throws -> String {
        try expect(type, .lengthDelimited, field: field)
        return try string(field)
    }

    /// A nested message field, checked to be length-delimited.
    mutating func message(_ field: String, _ type: WireType) throws -> ProtobufReader {
        try expect(type, .lengthDelimited, field: field)
        return try message(field)
    }

    /// Throws unless the field has the wire type the schema gives it.
    func expect(_ type: WireType, _ expected: WireType, field: String) throws {
        guard type == expected else { throw error("has wire type \(type), expected \(expected)", field: field) }
    }
}
