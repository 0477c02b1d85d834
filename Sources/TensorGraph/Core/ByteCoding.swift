/// The byte-level encodings the file formats share: little-endian fixed-width integers and
/// LEB128 varints (protobuf's and LevelDB's), read with every access checked against the end.
enum ByteCoding {
    /// Why a varint could not be read.
    enum VarintFailure: Error {
        /// The bytes end before the varint does.
        case truncated
        /// It runs past ten bytes or 64 bits.
        case tooLong
    }

    /// The varint at `offset` in `bytes[..<end]`, moving `offset` past it.
    static func varint(in bytes: UnsafeRawBufferPointer, at offset: inout Int,
                       end: Int) throws(VarintFailure) -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard offset < end else { throw .truncated }
            let byte = bytes[offset]
            offset += 1
            guard shift < 63 || byte <= 1 else { throw .tooLong }
            result |= UInt64(byte & 0x7f) << UInt64(shift)
            if byte < 0x80 { return result }
        }
        throw .tooLong
    }

    /// Appends `value` as a varint.
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// The little-endian integer at `offset`; the caller has checked that its bytes are there.
    static func littleEndian<T: FixedWidthInteger>(_ type: T.Type, in bytes: UnsafeRawBufferPointer,
                                                   at offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Appends `value`'s little-endian bytes.
    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
