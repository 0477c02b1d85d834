import Foundation

/// The GraphDef formats, told apart by content: text begins, after any white space, with a
/// printable ASCII character and has no control characters but tab, line feed and carriage
/// return in its first 4 KiB — protobuf text format when that character starts a field name or a
/// `#` comment, JSON otherwise (`{`); binary protobuf has field keys such as 0x12 and lengths under
/// 32 in its first bytes. A binary file named `*.meta` is a MetaGraphDef, whose `graph_def` is read
/// (binary GraphDef and MetaGraphDef cannot be told apart by content: both start with a message
/// in field 1).
enum GraphDefFormat {
    /// A GraphDef file, mapped rather than read; a binary one lets each tensor's pages go once decoded.
    static func decode(contentsOf url: URL, tensorByteLimit: Int) throws -> GraphDefModel {
        let file = try MappedFile(url)
        switch kind(of: file.bytes) {
        case .binary where url.pathExtension == "meta":
            return try metaGraphDef(file, source: url.lastPathComponent, tensorByteLimit: tensorByteLimit)
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

    /// The `graph_def` of a MetaGraphDef file: the `model.ckpt.meta` that
    /// `tf.compat.v1.train.Saver.save` writes beside a checkpoint (`tf.compat.v1.train.import_meta_graph`
    /// reads it), its Saver's nodes included.
    private static func metaGraphDef(_ file: MappedFile, source: String, tensorByteLimit: Int) throws -> GraphDefModel {
        var reader = ProtobufReader(file.bytes, path: source)
        guard let range = try SavedModelProtos.metaGraph(&reader).graphDef else {
            throw GraphError(.invalidFile, message: "\(source) is a MetaGraphDef (named .meta) with no graph_def",
                             fix: "export it with tf.compat.v1.train.export_meta_graph, or load a GraphDef file")
        }
        return try GraphDefProtobuf.decode(UnsafeRawBufferPointer(rebasing: file.bytes[range]),
                                           tensorByteLimit: tensorByteLimit, consumed: file.release,
                                           path: "\(source) graph_def")
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
