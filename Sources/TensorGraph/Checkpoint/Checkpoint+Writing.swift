import Foundation

extension Checkpoint {
    /// Writes `tensors` as a TensorFlow checkpoint at `prefix` (`PREFIX.index` and
    /// `PREFIX.data-00000-of-00001`), as `tf.compat.v1.train.Saver.save` does: one shard, the
    /// tensors' bytes in key order, the index built as TensorFlow builds it. Each file is written
    /// to a temporary file, flushed and renamed into place, the data file first; a reader meeting
    /// the new data file beside the old index is stopped by the checksums.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], to prefix: URL) throws {
        let sorted = tensors.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        for (first, second) in zip(sorted, sorted.dropFirst()) where first.name == second.name {
            throw GraphError(.invalidFile, message: "cannot save \(prefix.path): two tensors are named '\(first.name)'")
        }
        if let empty = sorted.first(where: { $0.name.isEmpty }) {
            throw GraphError(.invalidFile, message: "cannot save \(prefix.path): a \(empty.tensor.dtype) tensor has "
                             + "an empty name, the key a bundle keeps for its header")
        }
        var data: [UInt8] = [], table = SSTableWriter()
        table.add(key: [], value: TensorBundleProtos.encode(TensorBundleProtos.Header()))
        for (name, tensor) in sorted {
            let bytes = NPY.littleEndianBytes(of: tensor.storage)
            let entry = TensorBundleProtos.Entry(dtype: tensor.dtype.tensorFlowValue, shape: tensor.shape,
                                                 offset: data.count, size: bytes.count,
                                                 crc: CRC32C.masked(CRC32C.checksum(bytes)))
            data += bytes
            table.add(key: Array(name.utf8), value: TensorBundleProtos.encode(entry))
        }
        try AtomicFile.write(Data(data), to: dataURL(prefix, shard: 0, of: 1))
        try AtomicFile.write(Data(table.finish()), to: indexURL(prefix))
    }
}
