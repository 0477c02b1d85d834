/// CRC-32C (Castagnoli, polynomial 0x82F63B78), the checksum of LevelDB tables and TensorFlow's
/// tensor bundles, computed eight bytes at a time ("slicing by 8"). `masked` and `unmasked` are
/// TensorFlow's `crc32c::Mask` / `Unmask`: a stored checksum is masked so that the checksum of
/// data that holds checksums stays well-behaved.
enum CRC32C {
    private static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            tables[0][byte] = crc
        }
        for byte in 0..<256 {
            for slice in 1..<8 {
                let previous = tables[slice - 1][byte]
                tables[slice][byte] = (previous >> 8) ^ tables[0][Int(previous & 0xff)]
            }
        }
        return tables
    }()

    /// The checksum of `bytes`, continuing `crc` (the checksum of the bytes before them).
    static func checksum(_ bytes: UnsafeRawBufferPointer, extending crc: UInt32 = 0) -> UInt32 {
        var crc = ~crc, index = 0
        let count = bytes.count
        tables.withUnsafeBufferPointer { tables in
            let (t0, t1, t2, t3) = (tables[0], tables[1], tables[2], tables[3])
            let (t4, t5, t6, t7) = (tables[4], tables[5], tables[6], tables[7])
            while count - index >= 8 {
                let low = crc ^ UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self))
                let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
                crc = t7[Int(low & 0xff)] ^ t6[Int((low >> 8) & 0xff)] ^ t5[Int((low >> 16) & 0xff)]
                    ^ t4[Int(low >> 24)] ^ t3[Int(high & 0xff)] ^ t2[Int((high >> 8) & 0xff)]
                    ^ t1[Int((high >> 16) & 0xff)] ^ t0[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = (crc >> 8) ^ t0[Int((crc ^ UInt32(bytes[index])) & 0xff)]
                index += 1
            }
        }
        return ~crc
    }

    /// The checksum of `bytes`, continuing `crc`.
    static func checksum(_ bytes: some Collection<UInt8>, extending crc: UInt32 = 0) -> UInt32 {
        if let result = bytes.withContiguousStorageIfAvailable({
            checksum(UnsafeRawBufferPointer($0), extending: crc)
        }) { return result }
        return Array(bytes).withUnsafeBytes { checksum($0, extending: crc) }
    }

    private static let maskDelta: UInt32 = 0xa282_ead8

    /// `crc` as TensorFlow stores it (`crc32c::Mask`): rotated right by 15 bits, plus a constant.
    static func masked(_ crc: UInt32) -> UInt32 { ((crc >> 15) | (crc << 17)) &+ maskDelta }

    /// A stored checksum back as computed (`crc32c::Unmask`).
    static func unmasked(_ stored: UInt32) -> UInt32 {
        let rotated = stored &- maskDelta
        return (rotated >> 17) | (rotated << 15)
    }
}
