import Foundation

/// TensorGraph's checkpoint file: the magic `TGCKPT1\n`, a little-endian UInt64 header length, a
/// JSON header listing each variable's name, dtype, shape and byte range, the variables'
/// little-endian elements, and a final FNV-1a 64-bit checksum of everything before it.
enum CheckpointFormat {
    static let magic = Array("TGCKPT1\n".utf8)

    /// Whether `url` is a file in this format (it starts with the magic).
    static func isFile(at url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: magic.count)).map { Array($0) == magic } ?? false
    }

    static func encode(_ variables: [(String, Tensor)]) -> Data {
        var body: [UInt8] = []
        var header: [[String: Any]] = []
        for (name, tensor) in variables {
            let bytes = NPY.littleEndianBytes(of: tensor.storage)
            header.append([
                "name": name, "dtype": tensor.dtype.rawValue, "shape": tensor.shape, "offset": body.count,
                "length": bytes.count
            ])
            body += bytes
        }
        let headerData =
            (try? JSONSerialization.data(withJSONObject: ["variables": header], options: [.sortedKeys])) ?? Data()
        var file = magic + littleEndian(UInt64(headerData.count)) + [UInt8](headerData) + body
        file += littleEndian(checksum(file))
        return Data(file)
    }

    static func decode(_ data: Data, source: String) throws -> [(String, Tensor)] {
        let bytes = [UInt8](data)
        func fail(_ message: String) -> GraphError { GraphError(.invalidFile, message: "\(source): \(message)") }
        guard bytes.count >= magic.count + 16, Array(bytes[0..<magic.count]) == magic else {
            throw fail("not a TensorGraph checkpoint")
        }
        let stored = readUInt64(bytes, bytes.count - 8)
        guard checksum(bytes[0..<(bytes.count - 8)]) == stored else {
            throw fail("the checksum does not match; the file is damaged or incomplete")
        }
        let headerLength = Int(clamping: readUInt64(bytes, magic.count))
        let headerStart = magic.count + 8
        guard headerLength <= bytes.count - headerStart - 8 else {
            throw fail("the header runs past the end of the file")
        }
        let bodyStart = headerStart + headerLength, bodyEnd = bytes.count - 8
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes[headerStart..<bodyStart]))
                  as? [String: Any],
              let entries = json["variables"] as? [[String: Any]] else { throw fail("the header is not valid") }
        return try entries.map { entry in
            guard let name = entry["name"] as? String,
                  let dtype = (entry["dtype"] as? String).flatMap(DType.init(rawValue:)), dtype.isPlainData,
                  let shape = entry["shape"] as? [Int], let offset = entry["offset"] as? Int,
                  let length = entry["length"] as? Int,
                  let count = Limits.elementCount(shape),
                  count.multipliedReportingOverflow(by: dtype.byteCount) == (length, false),
                  offset >= 0, length >= 0, offset <= bodyEnd - bodyStart - length else {
                throw fail("a variable's entry in the header is not valid")
            }
            let slice = Array(bytes[(bodyStart + offset)..<(bodyStart + offset + length)])
            return (name, Tensor(shape: shape,
                                 storage: TensorProtoJSON.decodeLittleEndian(slice, dtype: dtype, count: count)))
        }
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        bytes.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    static func littleEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func readUInt64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }
}
