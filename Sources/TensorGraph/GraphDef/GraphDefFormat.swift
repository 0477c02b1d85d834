import Foundation

/// The GraphDef formats, told apart by content: text begins, after any white space, with a
/// printable ASCII character and has no control characters but tab, line feed and carriage
/// return in its first 4 KiB — protobuf text format when that character starts a field name or a
/// `#` comment, JSON otherwise (`{`); binary protobuf has field keys such as 0x12 and lengths under
/// 32 in its first bytes.
enum GraphDefFormat {
    /// A GraphDef file, mapped rather than read; a binary one lets each tensor's pages go once decoded.
    static func decode(contentsOf url: URL, tensorByteLimit: Int) throws -> GraphDefModel {
        let file = try MappedFile(url)
        switch kind(of: file.bytes) {
        case .binary:
            return try GraphDefProtobuf.decode(file.bytes, tensorByteLimit: tensorByteLimit, consumed: file.release)
        case .text:
            return try withExtendedLifetime(file) {
                try GraphDefText.decode(file.bytes, tensorByteLimit: tensorByteLimit)
            }
        case .json:
            let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: file.bytes.baseAddress!),
                            count: file.bytes.count, deallocator: .none)
            return try withExtendedLifetime(file) { try GraphDefJSON.decode(data, tensorByteLimit: tensorByteLimit) }
        }
    }

    static func decode(_ data: Data, tensorByteLimit: Int) throws -> GraphDefModel {
        try data.withUnsafeBytes { bytes in
            switch kind(of: bytes) {
            case .binary: try GraphDefProtobuf.decode(bytes, tensorByteLimit: tensorByteLimit)
            case .text: try GraphDefText.decode(bytes, tensorByteLimit: tensorByteLimit)
            case .json: try GraphDefJSON.decode(data, tensorByteLimit: tensorByteLimit)
            }
        }
    }

    private enum Kind { case json, text, binary }

    private static func kind(of bytes: UnsafeRawBufferPointer) -> Kind {
        let whiteSpace: Set<UInt8> = [0x09, 0x0a, 0x0d, 0x20]
        let head = bytes.prefix(4096)
        guard !head.contains(where: { $0 < 0x20 && !whiteSpace.contains($0) }) else { return .binary }
        guard let first = head.first(where: { !whiteSpace.contains($0) }) else { return .text }
        guard (0x21..<0x7f).contains(first) else { return .binary }
        let startsField = first == UInt8(ascii: "#") || first == UInt8(ascii: "_")
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first | 0x20)
        return startsField ? .text : .json
    }
}
