/// Reads every key and value of a LevelDB-format table (a tensor bundle's `.index` file), checking
/// the footer's magic, each block's trailer (uncompressed, CRC-32C matching) and every length and
/// offset against the bytes that are there before using it. Errors name the file, the block and
/// the byte offset in the file.
struct SSTableReader {
    /// One entry: its key and the range of its value in the file's bytes.
    struct Entry {
        let key: [UInt8]
        let value: Range<Int>
        /// The entry's byte offset in the file, for errors.
        let offset: Int
    }

    private let bytes: UnsafeRawBufferPointer
    private let source: String
    private let verifiesChecksums: Bool

    /// A reader of `bytes`, the whole table; `source` names the file in errors.
    init(_ bytes: UnsafeRawBufferPointer, source: String, verifiesChecksums: Bool = true) {
        (self.bytes, self.source, self.verifiesChecksums) = (bytes, source, verifiesChecksums)
    }

    func error(_ message: String, at offset: Int) -> GraphError {
        GraphError(.invalidFile, message: "\(source) at byte \(offset): \(message)")
    }

    /// Every entry of every data block, in the table's order (keys strictly increasing).
    func entries() throws -> [Entry] {
        let index = try footer()
        var entries: [Entry] = [], blocksEnd = 0
        for handleEntry in try blockEntries(index, kind: "index block") {
            var offset = handleEntry.value.lowerBound
            let handle = try blockHandle(at: &offset, end: handleEntry.value.upperBound, kind: "index entry")
            // Data blocks follow one another; an index naming one block twice would make reading it quadratic.
            guard handle.offset >= blocksEnd else {
                throw error("the index entry points at a data block at byte \(handle.offset), before the end of the "
                            + "one before it (byte \(blocksEnd))", at: handleEntry.offset)
            }
            blocksEnd = handle.offset + handle.size + SSTable.trailerSize
            for entry in try blockEntries(handle, kind: "data block") {
                if let last = entries.last, !last.key.lexicographicallyPrecedes(entry.key) {
                    throw error("keys are not in increasing order ('\(text(entry.key))' after '\(text(last.key))')",
                                at: entry.offset)
                }
                entries.append(entry)
            }
        }
        return entries
    }

    /// The index block's handle, from the footer.
    private func footer() throws -> SSTable.BlockHandle {
        guard bytes.count >= SSTable.footerSize else {
            throw error("the file has \(bytes.count) bytes, fewer than a table's \(SSTable.footerSize)-byte footer; "
                        + "it is truncated or not a checkpoint index", at: 0)
        }
        let start = bytes.count - SSTable.footerSize
        guard ByteCoding.littleEndian(UInt64.self, in: bytes, at: bytes.count - 8) == SSTable.magic else {
            throw error("the footer does not end in the table magic number; the file is truncated or not a "
                        + "checkpoint index", at: bytes.count - 8)
        }
        var offset = start
        _ = try blockHandle(at: &offset, end: bytes.count - 8, kind: "footer's metaindex handle")
        return try blockHandle(at: &offset, end: bytes.count - 8, kind: "footer's index handle")
    }

    /// A block handle (two varints) at `offset`, checked to lie before the footer.
    private func blockHandle(at offset: inout Int, end: Int, kind: String) throws -> SSTable.BlockHandle {
        let start = offset
        let blockOffset = try varint(at: &offset, end: end, what: kind)
        let size = try varint(at: &offset, end: end, what: kind)
        let limit = UInt64(bytes.count - SSTable.footerSize)
        guard blockOffset <= limit, size <= limit - blockOffset,
              UInt64(SSTable.trailerSize) <= limit - blockOffset - size else {
            throw error("the \(kind) points at bytes \(blockOffset) to \(blockOffset &+ size) and a trailer, past the "
                        + "\(limit) bytes before the footer", at: start)
        }
        return SSTable.BlockHandle(offset: Int(blockOffset), size: Int(size))
    }

    private func varint(at offset: inout Int, end: Int, what: String) throws -> UInt64 {
        let start = offset
        do { return try ByteCoding.varint(in: bytes, at: &offset, end: end) } catch {
            throw self.error("the \(what) holds a varint that is \(error == .truncated ? "cut off" : "too long")",
                             at: start)
        }
    }

    /// The entries of the block at `handle`, after checking its trailer.
    private func blockEntries(_ handle: SSTable.BlockHandle, kind: String) throws -> [Entry] {
        let start = handle.offset, end = handle.offset + handle.size
        let type = bytes[end]
        guard type == SSTable.uncompressed else {
            throw error("the \(kind) is compressed (type \(type)\(type == 1 ? ", Snappy" : "")); TensorFlow writes "
                        + "checkpoint indexes uncompressed and TensorGraph reads only those", at: end)
        }
        let stored = ByteCoding.littleEndian(UInt32.self, in: bytes, at: end + 1)
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[start...end]))
        guard CRC32C.unmasked(stored) == actual || !verifiesChecksums else {
            throw error("the \(kind) at bytes \(start)..<\(end) fails its CRC-32C check; the file is damaged",
                        at: end + 1)
        }
        guard handle.size >= 4 else {
            throw error("the \(kind) is \(handle.size) bytes, too short to be one", at: start)
        }
        let restarts = Int(ByteCoding.littleEndian(UInt32.self, in: bytes, at: end - 4))
        guard restarts >= 1, restarts <= (handle.size - 4) / 4 else {
            throw error("the \(kind) claims \(restarts) restart points, which its \(handle.size) bytes cannot hold",
                        at: end - 4)
        }
        let entriesEnd = end - 4 - 4 * restarts
        var entries: [Entry] = [], offset = start, key: [UInt8] = []
        while offset < entriesEnd {
            let entryStart = offset
            let shared = try varint(at: &offset, end: entriesEnd, what: kind)
            let unshared = try varint(at: &offset, end: entriesEnd, what: kind)
            let valueLength = try varint(at: &offset, end: entriesEnd, what: kind)
            guard shared <= UInt64(key.count) else {
                throw error("an entry of the \(kind) shares \(shared) bytes with a previous key of \(key.count)",
                            at: entryStart)
            }
            let left = UInt64(entriesEnd - offset)
            guard unshared <= left, valueLength <= left - unshared else {
                throw error("an entry of the \(kind) claims \(unshared) key and \(valueLength) value bytes, but the "
                            + "block has \(left) left", at: entryStart)
            }
            key = Array(key.prefix(Int(shared))) + bytes[offset..<offset + Int(unshared)]
            offset += Int(unshared)
            entries.append(Entry(key: key, value: offset..<offset + Int(valueLength), offset: entryStart))
            offset += Int(valueLength)
        }
        return entries
    }

    private func text(_ key: [UInt8]) -> String { String(decoding: key.prefix(80), as: UTF8.self) }
}
