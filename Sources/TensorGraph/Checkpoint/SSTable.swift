/// The constants of LevelDB's table format as TensorFlow writes it (`tensorflow/core/lib/io/format.h`,
/// `table_options.h`): blocks of prefix-compressed keys with restart points, each followed by a
/// 5-byte trailer (a compression byte and the masked CRC-32C of the block and that byte), a
/// metaindex and an index block, and a 48-byte footer holding their handles and the magic number.
enum SSTable {
    /// The footer's last eight bytes, little-endian.
    static let magic: UInt64 = 0xdb47_7524_8b80_fb57
    /// The footer: two block handles padded to 40 bytes, then the magic.
    static let footerSize = 48
    /// A block's trailer: the compression type, then the masked CRC-32C.
    static let trailerSize = 5
    /// TensorFlow's `table::Options` defaults, which the tensor bundle writer keeps.
    static let blockSize = 262_144, restartInterval = 16
    /// The compression byte of an uncompressed block (`kNoCompression`); 1 is Snappy.
    static let uncompressed: UInt8 = 0

    /// A block's place in the file: its offset and the size of its contents, without the trailer.
    struct BlockHandle: Equatable {
        var offset: Int, size: Int

        func encode(into bytes: inout [UInt8]) {
            ByteCoding.appendVarint(UInt64(offset), to: &bytes)
            ByteCoding.appendVarint(UInt64(size), to: &bytes)
        }
    }
}
