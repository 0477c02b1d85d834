import Foundation

/// The GraphDef formats, told apart by content: text (JSON) begins, after any white space, with
/// a printable ASCII character and has no control characters but tab, line feed and carriage
/// return in its first 4 KiB; binary protobuf has field keys such as 0x12 and lengths under 32
/// in its first bytes.
enum GraphDefFormat {
    /// A GraphDef file, mapped rather than read; a binary one lets each tensor's pages go once decoded.
    static func decode(contentsOf url: URL, tensorByteLimit: Int) throws -> GraphDefModel {
        let file = try MappedFile(url)
        guard isText(file.bytes) else {
            return try GraphDefProtobuf.decode(file.bytes, tensorByteLimit: tensorByteLimit, consumed: file.release)
        }
        let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: file.bytes.baseAddress!),
                        count: file.bytes.count, deallocator: .none)
        return try withExtendedLifetime(file) { try GraphDefJSON.decode(data, tensorByteLimit: tensorByteLimit) }
    }

    static func decode(_ data: Data, tensorByteLimit: Int) throws -> GraphDefModel {
        if data.withUnsafeBytes(isText) { return try GraphDefJSON.decode(data, tensorByteLimit: tensorByteLimit) }
        return try GraphDefProtobuf.decode(data, tensorByteLimit: tensorByteLimit)
    }

    private static func isText(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let whiteSpace: Set<UInt8> = [0x09, 0x0a, 0x0d, 0x20]
        let head = bytes.prefix(4096)
        let first = head.first { !whiteSpace.contains($0) }
        return first.map { (0x21..<0x7f).contains($0) } == true
            && !head.contains { $0 < 0x20 && !whiteSpace.contains($0) }
    }
}
