import Foundation

/// A TensorFlow checkpoint in the tensor bundle V2 format, what `tf.compat.v1.train.Saver` and
/// `tf.train.Checkpoint` write: `PREFIX.index`, a LevelDB-format table of one `BundleEntryProto`
/// per tensor (dtype, shape, data shard, offset, size, CRC-32C), and the tensors' bytes in
/// `PREFIX.data-00000-of-00001` (one file per shard). TensorFlow's `tf.train.load_checkpoint`.
///
/// Opening reads and checks the whole index (block checksums, the header, every entry); reading
/// a tensor checks its bytes against the entry's CRC-32C before they become a tensor.
///
/// ```swift
/// let checkpoint = try Checkpoint(prefix: URL(fileURLWithPath: "model.ckpt"))
/// for entry in checkpoint.entries { print(entry.name, entry.dtypeName, entry.shape) }
/// let kernel = try checkpoint.tensor(named: "conv/kernel")
/// ```
public struct Checkpoint: Sendable {
    /// One tensor the checkpoint holds.
    public struct Entry: Sendable, Equatable {
        /// The tensor's key, e.g. a variable's name (`conv/kernel`).
        public let name: String
        /// TensorFlow's name of its dtype (`DT_FLOAT`), whether or not TensorGraph has the dtype.
        public let dtypeName: String
        /// Its dtype, or `nil` for one TensorGraph does not hold (strings, float16, ...).
        public let dtype: DType?
        /// Its shape.
        public let shape: [Int]
        let stored: TensorBundleProtos.Entry
    }

    /// The prefix the files are named by (`model.ckpt` for `model.ckpt.index`).
    public let prefix: URL
    /// Every tensor, in the index's (byte-wise sorted) order.
    public let entries: [Entry]
    let shardCount: Int
    /// Whether block and tensor checksums are checked: always, but for the fuzz target, whose
    /// mutations would otherwise rarely get past them to the parsing behind.
    let verifiesChecksums: Bool

    /// Opens the checkpoint at `prefix` (also given as `PREFIX.index`, or as a directory holding
    /// TensorFlow's `checkpoint` file, which names the latest one).
    public init(prefix: URL) throws {
        try self.init(prefix: prefix, verifyingChecksums: true)
    }

    /// Opens the checkpoint at `prefix`, checking checksums only when `verifyingChecksums` (as
    /// LevelDB's `verify_checksums` read option).
    package init(prefix: URL, verifyingChecksums: Bool) throws {
        let prefix = try Self.resolve(prefix)
        let indexURL = Self.indexURL(prefix)
        let source = indexURL.lastPathComponent
        guard FileManager.default.fileExists(atPath: indexURL.path) else {
            throw GraphError(.invalidFile, message: "no checkpoint at \(prefix.path): \(indexURL.path) does not exist",
                             fix: "give the prefix the files share, e.g. model.ckpt for model.ckpt.index "
                                 + "and model.ckpt.data-00000-of-00001")
        }
        let file = try MappedFile(indexURL)
        let table = SSTableReader(file.bytes, source: source, verifiesChecksums: verifyingChecksums)
        var rows = try table.entries()[...]
        guard let first = rows.first, first.key.isEmpty else {
            throw table.error("has no header entry (the empty key); it is not a tensor bundle index", at: 0)
        }
        var headerReader = ProtobufReader(UnsafeRawBufferPointer(rebasing: file.bytes[first.value]),
                                          path: "\(source) BundleHeaderProto")
        let header = try TensorBundleProtos.decodeHeader(&headerReader)
        try Self.check(header, source: source)
        rows = rows.dropFirst()
        entries = try rows.map { row in
            let name = String(decoding: row.key, as: UTF8.self)
            var reader = ProtobufReader(UnsafeRawBufferPointer(rebasing: file.bytes[row.value]),
                                        path: "\(source) entry '\(name)' BundleEntryProto")
            let stored = try TensorBundleProtos.decodeEntry(&reader)
            func fail(_ message: String) -> GraphError {
                GraphError(.invalidFile, message: "\(source), entry '\(name)' (at byte \(row.offset)): \(message)")
            }
            guard stored.shard >= 0, stored.shard < header.shardCount else {
                throw fail("shard_id \(stored.shard) is not one of the \(header.shardCount) shards")
            }
            guard stored.offset >= 0, stored.size >= 0 else {
                throw fail("offset \(stored.offset) and size \(stored.size) cannot be negative")
            }
            // String entries (a TF2 checkpoint's object graph) are listed but not read as tensors.
            let dtype = DType(tensorFlowValue: stored.dtype).flatMap { $0.isPlainData ? $0 : nil }
            if let dtype, !stored.isSliced {
                let count = Limits.elementCount(stored.shape)
                guard let count, count.multipliedReportingOverflow(by: dtype.byteCount) == (stored.size, false) else {
                    throw fail("size is \(stored.size) bytes, but \(dtype) \(stored.shape) takes "
                               + (count.map { "\($0 * dtype.byteCount)" } ?? "more than memory holds"))
                }
            }
            return Entry(name: name, dtypeName: TensorBundleProtos.dtypeName(stored.dtype), dtype: dtype,
                         shape: stored.shape, stored: stored)
        }
        self.prefix = prefix
        shardCount = header.shardCount
        verifiesChecksums = verifyingChecksums
    }

    /// The entry named `name`, if the checkpoint has one.
    public func entry(named name: String) -> Entry? {
        var low = 0, high = entries.count
        let key = Array(name.utf8)
        while low < high {
            let middle = (low + high) / 2
            if Array(entries[middle].name.utf8).lexicographicallyPrecedes(key) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < entries.count && entries[low].name == name ? entries[low] : nil
    }

    /// The tensor named `name`, its bytes checked against the index's checksum.
    public func tensor(named name: String) throws -> Tensor {
        let entry = try self.entry(required: name)
        return try read(entry, from: try openShard(entry.stored.shard))
    }

    /// The tensors named, each data file mapped once; every name must be in the checkpoint.
    public func tensors(named names: [String]) throws -> [String: Tensor] {
        let wanted = try names.map(entry(required:))
        var shards: [Int: MappedFile] = [:], values: [String: Tensor] = [:]
        for entry in wanted {
            if shards[entry.stored.shard] == nil { shards[entry.stored.shard] = try openShard(entry.stored.shard) }
            values[entry.name] = try read(entry, from: shards[entry.stored.shard]!)
        }
        return values
    }

    private func entry(required name: String) throws -> Entry {
        guard let entry = entry(named: name) else {
            throw GraphError(.notFound, message: "\(Self.indexURL(prefix).lastPathComponent) has no tensor named "
                             + "'\(name)'", fix: NameSuggestion.hint(for: name, among: entries.map(\.name)))
        }
        return entry
    }

    /// The listing `inspect_checkpoint` prints: `name (DT_FLOAT) [3,3,1,8]` a line, sorted by name,
    /// then the total number of elements.
    public var inspection: String {
        let lines = entries.map { "\($0.name) (\($0.dtypeName)) [\($0.shape.map(String.init).joined(separator: ","))]" }
        let total = entries.reduce(0) { $0 + (Limits.elementCount($1.shape) ?? 0) }
        return lines.joined(separator: "\n") + "\n\n# Total number of params: \(total)"
    }

    /// `PREFIX.data-0000k-of-0000n`, TensorFlow's name for shard `k` of `n`.
    static func dataURL(_ prefix: URL, shard: Int, of count: Int) -> URL {
        URL(fileURLWithPath: prefix.path + String(format: ".data-%05d-of-%05d", shard, count))
    }

    static func indexURL(_ prefix: URL) -> URL { URL(fileURLWithPath: prefix.path + ".index") }

    private func openShard(_ shard: Int) throws -> MappedFile {
        let url = Self.dataURL(prefix, shard: shard, of: shardCount)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw GraphError(.invalidFile, message: "the checkpoint's data file \(url.path) is missing",
                             fix: "copy every file that starts with \(prefix.lastPathComponent). together")
        }
        return try MappedFile(url)
    }

    private func read(_ entry: Entry, from file: MappedFile) throws -> Tensor {
        let source = Self.dataURL(prefix, shard: entry.stored.shard, of: shardCount).lastPathComponent
        func fail(_ message: String) -> GraphError {
            GraphError(.invalidFile, message: "\(source), tensor '\(entry.name)': \(message)")
        }
        guard let dtype = entry.dtype else {
            throw fail("is \(entry.dtypeName), a dtype TensorGraph does not hold")
        }
        guard !entry.stored.isSliced else {
            throw fail("is saved in slices (a partitioned variable), which TensorGraph does not read")
        }
        let (offset, size) = (entry.stored.offset, entry.stored.size)
        guard offset <= file.bytes.count, size <= file.bytes.count - offset else {
            throw fail("the index places it at bytes \(offset)..<\(offset + size), past the file's "
                       + "\(file.bytes.count) bytes; the data file is truncated or belongs to another checkpoint")
        }
        let bytes = UnsafeRawBufferPointer(rebasing: file.bytes[offset..<offset + size])
        let actual = CRC32C.checksum(bytes)
        guard CRC32C.masked(actual) == entry.stored.crc || !verifiesChecksums else {
            throw fail("its bytes \(offset)..<\(offset + size) fail the CRC-32C check (computed \(hex(actual)), "
                       + "the index has \(hex(CRC32C.unmasked(entry.stored.crc)))); the data file is damaged "
                       + "or belongs to another checkpoint")
        }
        if dtype == .bool, bytes.contains(where: { $0 > 1 }) { throw fail("holds bool bytes other than 0 and 1") }
        let count = size / dtype.byteCount
        return Tensor(shape: entry.shape,
                      storage: TensorProtoJSON.decodeLittleEndian(bytes, dtype: dtype, count: count))
    }

    private func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }

    private static func check(_ header: TensorBundleProtos.Header, source: String) throws {
        func fail(_ message: String) -> GraphError {
            GraphError(.invalidFile, message: "\(source), BundleHeaderProto: \(message)")
        }
        guard header.shardCount >= 1, header.shardCount <= 99_999 else {
            throw fail("num_shards is \(header.shardCount); a bundle has 1 to 99999 shards")
        }
        guard !header.bigEndian else {
            throw fail("the checkpoint was written big-endian; TensorGraph reads little-endian ones")
        }
        guard header.minimumConsumer <= TensorBundleProtos.version,
              !header.badConsumers.contains(TensorBundleProtos.version) else {
            throw fail("the bundle needs reader version \(header.minimumConsumer) or later (this one is "
                       + "\(TensorBundleProtos.version)); it was written by a newer TensorFlow")
        }
    }

    /// The prefix named by `url`: itself, without a trailing `.index`, or, for a directory, the
    /// latest checkpoint its `checkpoint` file names.
    private static func resolve(_ url: URL) throws -> URL {
        var isDirectory: ObjCBool = false
        if url.pathExtension == "index", FileManager.default.fileExists(atPath: url.path) {
            return url.deletingPathExtension()
        }
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return url
        }
        let state = url.appendingPathComponent("checkpoint")
        guard let text = try? String(contentsOf: state, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model_checkpoint_path:") }),
              let open = line.firstIndex(of: "\""), let close = line.lastIndex(of: "\""), open < close else {
            throw GraphError(.invalidFile, message: "\(url.path) is a directory without a checkpoint file naming "
                             + "the latest checkpoint",
                             fix: "give the checkpoint's prefix, e.g. \(url.path)/model.ckpt")
        }
        let path = String(line[line.index(after: open)..<close])
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : url.appendingPathComponent(path)
    }
}
