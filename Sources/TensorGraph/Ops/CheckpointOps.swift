/// TensorFlow's checkpoint ops, which a `tf.compat.v1.train.Saver` adds to a graph (its `save/`
/// subgraph). TensorGraph does not run them: it reads and writes checkpoints itself (``Saver``,
/// `tensorgraph run --checkpoint`), and the file and tensor names they take are strings, a dtype
/// it lacks. A GraphDef's nodes of these ops, and the nodes that exist only around them, are left
/// out when it loads (`SaverSubgraph`).
enum CheckpointOps {
    /// SaveV2 and RestoreV2 (tensor bundle V2), the sharded saver's file naming and merging, and
    /// the V1 format's Save, SaveSlices, Restore and RestoreSlice.
    static let names: Set<String> = [
        "SaveV2", "RestoreV2", "MergeV2Checkpoints", "ShardedFilename", "ShardedFilespec",
        "Save", "SaveSlices", "Restore", "RestoreSlice",
    ]
}

extension OpRegistry {
    /// Whether `name` is one of TensorFlow's checkpoint ops, which TensorGraph leaves out of a
    /// loaded graph because its own ``Saver`` does their work.
    static func isCheckpointOp(_ name: String) -> Bool { CheckpointOps.names.contains(name) }
}
