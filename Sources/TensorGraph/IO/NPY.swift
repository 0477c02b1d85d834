import Foundation

/// Reads and writes numpy's `.npy` format (versions 1.0, 2.0 and 3.0): little-endian float32,
/// float64, int32, int64 and bool arrays in C order. Anything else — big-endian data, Fortran
/// order, object arrays, a header whose shape disagrees with the data's length — is a
/// ``GraphError`` of kind `invalidFile`, never a trap.
public enum NPY {
    /// Reads the array in the file at `url`.
    public static func read(contentsOf url: URL) throws -> Tensor {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GraphError(.invalidFile, message: "cannot read \(url.path): \(error.localizedDescription)")
        }
        return try decode(data, source: url.lastPathComponent)
    }

    /// Writes `tensor` to `url` in format version 1.0 (2.0 when the header needs it); string,
    /// resource and variant tensors have no `.npy` form TensorGraph writes.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        guard tensor.dtype.isPlainData else {
            throw GraphError(.unsupported, message: "cannot write a \(tensor.dtype) tensor to \(url.path): .npy files "
                             + "hold float32, float64, int32, int64 and bool arrays here",
                             fix: "fetch a numeric tensor, or print this one")
        }
        do { try encode(tensor).write(to: url, options: .atomic) } catch {
            throw GraphError(.invalidFile, message: "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// Parses `.npy` bytes; `source` names the file in messages.
    public static func decode(_ data: Data, source: String = ".npy data") throws -> Tensor {
        let bytes = [UInt8](data)
        func fail(_ message: String) -> GraphError { GraphError(.invalidFile, message: "\(source): \(message)") }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("format version \(major).\(bytes[7]) is not supported (only 1.0, 2.0 and 3.0)")
        }
        guard headerStart + headerLength <= bytes.count else { throw fail("the header runs past the end of the file") }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)],
                                  encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail("the header is not text")
        }
        let (descr, fortran, shape) = try parseHeader(header, fail: fail)
        guard !fortran else { throw fail("Fortran-order arrays are not supported; save with np.ascontiguousarray") }
        let dtype: DType
        switch descr {
        case "<f4", "=f4": dtype = .float32
        case "<f8", "=f8": dtype = .float64
        case "<i4", "=i4": dtype = .int32
        case "<i8", "=i8": dtype = .int64
        case "|b1", "<b1", "=b1": dtype = .bool
        default:
            if descr.hasPrefix(">") {
                throw fail(
                    "big-endian data ('\(descr)') is not supported; convert with "
                        + "arr.astype(arr.dtype.newbyteorder('<'))")
            }
            if descr.hasPrefix("|O") { throw fail("object arrays are not supported") }
            throw fail("dtype '\(descr)' is not supported (float32, float64, int32, int64 and bool are)")
        }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw fail("shape \(shape) has too many elements") }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
        let payload = bytes.count - headerStart - headerLength
        guard !overflow, byteCount == payload else {
            throw fail(
                "shape \(shape) of \(dtype) needs \(overflow ? "too many" : String(byteCount)) bytes of data, but the "
                    + "file holds \(payload)")
        }
        let body = Array(bytes[(headerStart + headerLength)...])
        if dtype == .bool, !body.allSatisfy({ $0 <= 1 }) { throw fail("bool data holds bytes other than 0 and 1") }
        return Tensor(shape: shape, storage: TensorProtoJSON.decodeLittleEndian(body, dtype: dtype, count: count))
    }

    /// Encodes `tensor`, which must hold plain data (numbers or bools), as `.npy` bytes.
    public static func encode(_ tensor: Tensor) -> Data {
        let descr: String
        switch tensor.dtype {
        case .float32: descr = "<f4"
        case .float64: descr = "<f8"
        case .int32: descr = "<i4"
        case .int64: descr = "<i8"
        case .bool: descr = "|b1"
        case .string, .resource, .variant: preconditionFailure("a \(tensor.dtype) tensor has no .npy encoding")
        }
        let shape = tensor.shape.count == 1
            ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        let useVersion2 = header.utf8.count + 11 > 65_535
        let prefix = useVersion2 ? 12 : 10
        let padding = (64 - (prefix + header.utf8.count + 1) % 64) % 64
        header += String(repeating: " ", count: padding) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, useVersion2 ? 2 : 1, 0])
        let length = header.utf8.count
        data.append(contentsOf: useVersion2
                    ? [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF),
                       UInt8(length >> 16 & 0xFF), UInt8(length >> 24 & 0xFF)]
                    : [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: littleEndianBytes(of: tensor.storage))
        return data
    }

    /// The elements as little-endian bytes, as .npy files and TensorFlow's tensorContent hold them.
    static func littleEndianBytes(of storage: TensorStorage) -> [UInt8] {
        var bytes: [UInt8] = []
        func append<T: FixedWidthInteger>(_ values: [T]) {
            bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
            for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        }
        switch storage {
        case .float32(let a): append(a.map(\.bitPattern))
        case .float64(let a): append(a.map(\.bitPattern))
        case .int32(let a): append(a)
        case .int64(let a): append(a)
        case .bool(let a): bytes = a.map { $0 ? 1 : 0 }
        case .string, .resource, .variant: preconditionFailure("\(storage.dtype) elements have no fixed width")
        }
        return bytes
    }

    /// Reads `descr`, `fortran_order` and `shape` from the header's Python dict literal.
    private static func parseHeader(_ header: String, fail: (String) -> GraphError) throws -> (String, Bool, [Int]) {
        func value(of key: String) throws -> Substring {
            guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else {
                throw fail("the header has no '\(key)'")
            }
            let rest = header[keyRange.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { throw fail("the header's '\(key)' has no value") }
            return rest.dropFirst().drop { $0 == " " }
        }
        let descrText = try value(of: "descr")
        guard let quote = descrText.first, quote == "'" || quote == "\"",
              let end = descrText.dropFirst().firstIndex(of: quote) else {
            throw fail("the header's descr is not a string")
        }
        let descr = String(descrText[descrText.index(after: descrText.startIndex)..<end])
        let fortranText = try value(of: "fortran_order")
        let fortran: Bool
        if fortranText.hasPrefix("False") {
            fortran = false
        } else if fortranText.hasPrefix("True") {
            fortran = true
        } else {
            throw fail("the header's fortran_order is neither True nor False")
        }
        let shapeText = try value(of: "shape")
        guard shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else {
            throw fail("the header's shape is not a tuple")
        }
        let inner = shapeText[shapeText.index(after: shapeText.startIndex)..<close]
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let text = part.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let dimension = Int(text.hasSuffix("L") ? String(text.dropLast()) : text), dimension >= 0 else {
                throw fail("the header's shape holds '\(text)', which is not a size")
            }
            shape.append(dimension)
        }
        return (descr, fortran, shape)
    }
}
