/// Builds a LevelDB-format table byte for byte as TensorFlow's `table::TableBuilder` does with the
/// tensor bundle's options (no compression, 256 KiB blocks, a restart point every 16 keys, one per
/// key in the index): data blocks, an empty metaindex block, the index block, the footer.
struct SSTableWriter {
    private(set) var bytes: [UInt8] = []
    private var block = BlockBuilder(restartInterval: SSTable.restartInterval)
    private var index = BlockBuilder(restartInterval: 1)
    private var lastKey: [UInt8] = []
    private var entryCount = 0
    /// The handle of the last data block written, whose index entry waits for the next key.
    private var pendingHandle: SSTable.BlockHandle?

    /// Adds an entry; keys must come in strictly increasing byte order.
    mutating func add(key: [UInt8], value: [UInt8]) {
        precondition(entryCount == 0 || lastKey.lexicographicallyPrecedes(key), "table keys must increase")
        if entryCount > 0, key.count + value.count >= 2 * SSTable.blockSize { flush() }
        if let handle = pendingHandle {
            index.add(key: Self.shortestSeparator(lastKey, key), value: encoded(handle))
            pendingHandle = nil
        }
        lastKey = key
        entryCount += 1
        block.add(key: key, value: value)
        if block.sizeEstimate >= SSTable.blockSize { flush() }
    }

    /// The whole table, once every entry is added.
    mutating func finish() -> [UInt8] {
        flush()
        var metaindex = BlockBuilder(restartInterval: SSTable.restartInterval)
        let metaindexHandle = write(metaindex.finish())
        if let handle = pendingHandle {
            index.add(key: Self.shortSuccessor(lastKey), value: encoded(handle))
            pendingHandle = nil
        }
        let indexHandle = write(index.finish())
        var footer: [UInt8] = []
        metaindexHandle.encode(into: &footer)
        indexHandle.encode(into: &footer)
        footer += [UInt8](repeating: 0, count: SSTable.footerSize - 8 - footer.count)
        ByteCoding.appendLittleEndian(SSTable.magic, to: &footer)
        bytes += footer
        return bytes
    }

    private mutating func flush() {
        guard !block.isEmpty else { return }
        pendingHandle = write(block.finish())
    }

    /// Appends a finished block and its trailer.
    private mutating func write(_ contents: [UInt8]) -> SSTable.BlockHandle {
        let handle = SSTable.BlockHandle(offset: bytes.count, size: contents.count)
        bytes += contents
        bytes.append(SSTable.uncompressed)
        let crc = CRC32C.checksum([SSTable.uncompressed], extending: CRC32C.checksum(contents))
        ByteCoding.appendLittleEndian(CRC32C.masked(crc), to: &bytes)
        return handle
    }

    private func encoded(_ handle: SSTable.BlockHandle) -> [UInt8] {
        var bytes: [UInt8] = []
        handle.encode(into: &bytes)
        return bytes
    }

    /// A short key ≥ `start` and < `limit` (TensorFlow's `FindShortestSeparator`).
    static func shortestSeparator(_ start: [UInt8], _ limit: [UInt8]) -> [UInt8] {
        let common = zip(start, limit).prefix { $0 == $1 }.count
        guard common < min(start.count, limit.count) else { return start }
        let byte = start[common]
        guard byte < 0xff, byte + 1 < limit[common] else { return start }
        return Array(start.prefix(common)) + [byte + 1]
    }

    /// A short key ≥ `key` (TensorFlow's `FindShortSuccessor`).
    static func shortSuccessor(_ key: [UInt8]) -> [UInt8] {
        guard let position = key.firstIndex(where: { $0 != 0xff }) else { return key }
        return Array(key.prefix(position)) + [key[position] + 1]
    }
}

/// One block being built: entries with keys sharing a prefix with the one before, a restart point
/// (a whole key) every `restartInterval` entries, then the restart offsets and their count.
private struct BlockBuilder {
    let restartInterval: Int
    private var buffer: [UInt8] = []
    private var restarts: [UInt32] = [0]
    private var counter = 0
    private var lastKey: [UInt8] = []

    init(restartInterval: Int) { self.restartInterval = restartInterval }

    var isEmpty: Bool { buffer.isEmpty }
    var sizeEstimate: Int { buffer.count + 4 * restarts.count + 4 }

    mutating func add(key: [UInt8], value: [UInt8]) {
        var shared = 0
        if counter < restartInterval {
            shared = zip(lastKey, key).prefix { $0 == $1 }.count
        } else {
            restarts.append(UInt32(buffer.count))
            counter = 0
        }
        ByteCoding.appendVarint(UInt64(shared), to: &buffer)
        ByteCoding.appendVarint(UInt64(key.count - shared), to: &buffer)
        ByteCoding.appendVarint(UInt64(value.count), to: &buffer)
        buffer += key[shared...]
        buffer += value
        lastKey = key
        counter += 1
    }

    /// The block's bytes; the builder starts over empty.
    mutating func finish() -> [UInt8] {
        var contents = buffer
        for restart in restarts { ByteCoding.appendLittleEndian(restart, to: &contents) }
        ByteCoding.appendLittleEndian(UInt32(restarts.count), to: &contents)
        self = BlockBuilder(restartInterval: restartInterval)
        return contents
    }
}
