import Foundation
import Testing
@testable import TensorGraph

/// TensorFlow checkpoints (tensor bundle V2): TensorFlow's own read and restored here, ours written
/// byte for byte as TensorFlow writes them, and damaged ones refused with one clear error each.
@Suite("TensorFlow checkpoints")
struct CheckpointTests {
    static let fixtures = Fixtures.directory.appendingPathComponent("checkpoint")
    static let prefix = fixtures.appendingPathComponent("conv_deconv.ckpt")

    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tensorgraph-ckpt-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    @Test("CRC-32C matches the standard check value, and masking is TensorFlow's")
    func crc() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xe306_9283)
        #expect(CRC32C.checksum(Array("56789".utf8), extending: CRC32C.checksum(Array("1234".utf8))) == 0xe306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8a91_36aa)
        for value: UInt32 in [0, 1, 0xe306_9283, .max] { #expect(CRC32C.unmasked(CRC32C.masked(value)) == value) }
        #expect(CRC32C.masked(0) == 0xa282_ead8)
    }

    @Test("TensorFlow's checkpoint lists as inspect_checkpoint lists it")
    func listing() throws {
        let checkpoint = try Checkpoint(prefix: Self.prefix)
        #expect(checkpoint.entries.map(\.name)
                == ["conv/bias", "conv/kernel", "deconv/bias", "deconv/filters", "global_step"])
        #expect(checkpoint.entry(named: "conv/kernel")?.shape == [3, 3, 3, 8])
        #expect(checkpoint.entry(named: "global_step")?.dtype == .int64)
        let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("conv_deconv_inspect.txt"),
                                  encoding: .utf8)
        #expect(checkpoint.inspection + "\n" == expected)
        let byIndex = try Checkpoint(prefix: Self.fixtures.appendingPathComponent("conv_deconv.ckpt.index"))
        #expect(byIndex.entries.count == 5)
    }

    @Test("TensorFlow's variables restore into its graph by name and give TensorFlow's output")
    func restoreTensorFlow() throws {
        let graph = try Graph.load(contentsOf: Self.fixtures.appendingPathComponent("conv_deconv.pb"))
        let saver = try Saver(graph: graph)
        #expect(Set(saver.entries.map(\.name)) == ["conv/kernel", "conv/bias", "deconv/filters", "deconv/bias"])
        let session = Session(graph: graph)
        try saver.restore(session, from: Self.prefix)
        let input = try Fixtures.npy("checkpoint/conv_deconv_input.npy")
        expectClose(try session.run("output", feeds: ["input": input]),
                    try Fixtures.npy("checkpoint/conv_deconv_output.npy"), "output after restoring TF's checkpoint")
    }

    /// The GraphDef tf.io.write_graph wrote, and the MetaGraphDef Saver.save wrote beside the checkpoint.
    @Test("a graph written with its Savers loads without their save/ subgraphs, restores and runs",
          arguments: ["conv_deconv_with_savers.pb", "conv_deconv.ckpt.meta"])
    func graphWithSavers(file: String) throws {
        let graph = try Graph.load(contentsOf: Self.fixtures.appendingPathComponent(file))
        let leftOut = graph.saverNodesLeftOut
        // save/: SaveV2 and RestoreV2 with their string names and the Assigns; save_1/ (sharded): StringJoin,
        // ShardedFilename and MergeV2Checkpoints too.
        for name in ["save/SaveV2", "save/restore_all", "save/Assign", "save/filename/input", "save/Const",
                     "save/control_dependency", "save_1/StringJoin", "save_1/ShardedFilename",
                     "save_1/MergeV2Checkpoints", "save_1/restore_all"] {
            #expect(leftOut[name] != nil, "\(name) is left out")
        }
        #expect(graph.nodes.allSatisfy { !$0.name.hasPrefix("save") }, "only the savers' nodes are left out")
        #expect(graph.node(named: "init") != nil && graph.node(named: "deconv/filters/Assign") != nil)
        let session = Session(graph: graph)
        try Saver(graph: graph).restore(session, from: Self.prefix)
        expectClose(try session.run("output", feeds: ["input": try Fixtures.npy("checkpoint/conv_deconv_input.npy")]),
                    try Fixtures.npy("checkpoint/conv_deconv_output.npy"), "output of the whole graph, restored")
        let fetch = errorText { _ = try session.run("save/restore_all", feeds: [:]) }
        #expect(fetch?.contains("cannot fetch 'save/restore_all:0': 'save/restore_all' is part of the graph's own "
                                + "Saver (it serves 'save/RestoreV2')") == true, "\(fetch ?? "")")
        #expect(fetch?.contains("--checkpoint PREFIX") == true)
    }

    @Test("a string constant that no saver uses is kept and runs, while the savers' strings are left out")
    func stringConstantOutsideSaver() throws {
        let file = Self.fixtures.appendingPathComponent("conv_deconv_with_savers.pb")
        var graph = try GraphDefProtobuf.decode(try Data(contentsOf: file), tensorByteLimit: 1 << 20)
        graph.nodes.append(try NodeDef(name: "note", op: "Const", inputs: [], device: "",
                                       attributes: ["dtype": .type(.string),
                                                    "value": .tensor(Tensor(shape: [], strings: ["kept"]))],
                                       fail: { GraphError(.invalidFile, message: $0 + $1) }))
        let loaded = try GraphDefImporter().importGraph(graph).0
        #expect(try Session(graph: loaded).run("note").strings == ["kept"])
        #expect(loaded.nodes.allSatisfy { !$0.name.hasPrefix("save") }, "the savers' nodes are left out")
    }

    @Test("a checkpoint written here is TensorFlow's, byte for byte, and reads back")
    func writeLikeTensorFlow() throws {
        let original = try Checkpoint(prefix: Self.prefix)
        let tensors = try original.tensors(named: original.entries.map(\.name))
        let copy = directory.appendingPathComponent("copy.ckpt")
        try Checkpoint.write(tensors.map { ($0.key, $0.value) }, to: copy)
        for suffix in [".index", ".data-00000-of-00001"] {
            let ours = try Data(contentsOf: URL(fileURLWithPath: copy.path + suffix))
            let theirs = try Data(contentsOf: URL(fileURLWithPath: Self.prefix.path + suffix))
            #expect(ours == theirs, "\(suffix) differs from TensorFlow's")
        }
        let reread = try Checkpoint(prefix: copy)
        #expect(reread.entries == original.entries)
        #expect(try reread.tensors(named: reread.entries.map(\.name)) == tensors)
    }

    @Test("a table of many entries spans several blocks and restart points, and reads back in order")
    func largeIndex() throws {
        var writer = SSTableWriter()
        let keys = (0..<20_000).map { Array(String(format: "layer_%05d/kernel/with/a/long/name", $0).utf8) }
        let value = [UInt8](repeating: 7, count: 20)
        for key in keys { writer.add(key: key, value: value) }
        let bytes = writer.finish()
        let entries = try bytes.withUnsafeBytes { try SSTableReader($0, source: "big.index").entries() }
        #expect(entries.map(\.key) == keys)
        #expect(bytes.count > 2 * SSTable.blockSize)
        #expect(SSTableWriter.shortestSeparator(Array("abcd".utf8), Array("abzz".utf8)) == Array("abd".utf8))
        #expect(SSTableWriter.shortestSeparator(Array("abc".utf8), Array("abcd".utf8)) == Array("abc".utf8))
        #expect(SSTableWriter.shortSuccessor([0xff, 0x61, 0x62]) == [0xff, 0x62])
    }

    @Test("Saver writes TensorFlow checkpoints and restores them, listing every mismatch at once")
    func saverRoundTrip() throws {
        let graph = Graph()
        let kernel = try graph.variable(Tensor(repeating: 1.5, shape: [2, 3], dtype: .float32), name: "dense/kernel")
        _ = try graph.variable(Tensor(Int64(7)), name: "global_step", trainable: false)
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])
        let prefix = directory.appendingPathComponent("model.ckpt")
        try Saver(graph: graph).save(session, to: prefix)
        #expect(try Checkpoint(prefix: prefix).entries.map(\.name) == ["dense/kernel", "global_step"])
        let fresh = Session(graph: graph)
        try Saver(graph: graph).restore(fresh, from: prefix)
        #expect(fresh.value(ofVariable: kernel.name) == Tensor(repeating: 1.5, shape: [2, 3], dtype: .float32))

        let other = Graph()
        _ = try other.variable(Tensor(zeros: [3, 3], dtype: .float32), name: "dense/kernel")
        _ = try other.variable(Tensor(Int32(0)), name: "global_step")
        _ = try other.variable(Tensor(zeros: [2], dtype: .float32), name: "dense/bias")
        let otherSession = Session(graph: other)
        try otherSession.run(targets: [try other.globalVariablesInitializer()])
        #expect(errorText { try Saver(graph: other).restore(otherSession, from: prefix) }
                == "model.ckpt does not fit the graph: 'dense/kernel' is float32 [2, 3] in the checkpoint but float32 "
                + "[3, 3] in the graph; 'global_step' is int64 [] in the checkpoint but int32 [] in the graph; "
                + "'dense/bias' is missing; restore a checkpoint saved from this graph, or restore only matching "
                + "variables with Saver(graph:variables:)")
        #expect(otherSession.value(ofVariable: "dense/kernel") == Tensor(zeros: [3, 3], dtype: .float32))
    }

    /// A copy of TensorFlow's checkpoint in the temporary directory, to damage.
    func copyOfFixture() throws -> URL {
        let copy = directory.appendingPathComponent("damaged.ckpt")
        for suffix in [".index", ".data-00000-of-00001"] {
            try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.prefix.path + suffix),
                                             to: URL(fileURLWithPath: copy.path + suffix))
        }
        return copy
    }

    func restoreError(_ prefix: URL) -> String? {
        errorText {
            let graph = try Graph.load(contentsOf: Self.fixtures.appendingPathComponent("conv_deconv.pb"))
            try Saver(graph: graph).restore(Session(graph: graph), from: prefix)
            return graph
        }
    }

    @Test("damaged data is refused: a flipped byte, a truncated or missing data file")
    func damagedData() throws {
        let copy = try copyOfFixture()
        let data = URL(fileURLWithPath: copy.path + ".data-00000-of-00001")
        var bytes = try Data(contentsOf: data)
        bytes[100] ^= 0x01
        try bytes.write(to: data)
        let flipped = try #require(restoreError(copy))
        #expect(flipped.hasPrefix("damaged.ckpt.data-00000-of-00001, tensor 'conv/kernel': its bytes 32..<896 fail "
                                  + "the CRC-32C check"), "\(flipped)")
        bytes[100] ^= 0x01
        try bytes.prefix(1000).write(to: data)
        #expect(restoreError(copy) == "damaged.ckpt.data-00000-of-00001, tensor 'deconv/filters': the index "
                + "places it at bytes 904..<1928, past the file's 1000 bytes; the data file is truncated or belongs to "
                + "another checkpoint")
        try FileManager.default.removeItem(at: data)
        #expect(restoreError(copy)?.hasPrefix("the checkpoint's data file \(data.path) is missing") == true)
    }

    @Test("a damaged or lying index is refused before anything is read")
    func damagedIndex() throws {
        let copy = try copyOfFixture()
        let index = URL(fileURLWithPath: copy.path + ".index")
        let original = try Data(contentsOf: index)
        var bytes = original
        bytes[20] ^= 0x40
        try bytes.write(to: index)
        #expect(restoreError(copy)?.contains("fails its CRC-32C check; the file is damaged") == true)
        for length in [0, 10, 47, original.count - 1] {
            try original.prefix(length).write(to: index)
            let message = try #require(restoreError(copy), "a truncated index of \(length) bytes was accepted")
            #expect(message.hasPrefix("damaged.ckpt.index at byte"), "\(message)")
        }
        try original.dropFirst(30).write(to: index)
        #expect(restoreError(copy) != nil)

        // Indexes that lie: an entry's size that is not its shape's, and an offset past the data.
        func lying(_ change: (inout TensorBundleProtos.Entry) -> Void) throws -> String? {
            let checkpoint = try Checkpoint(prefix: Self.prefix)
            var table = SSTableWriter()
            table.add(key: [], value: TensorBundleProtos.encode(TensorBundleProtos.Header()))
            for entry in checkpoint.entries {
                var stored = entry.stored
                if entry.name == "conv/kernel" { change(&stored) }
                table.add(key: Array(entry.name.utf8), value: TensorBundleProtos.encode(stored))
            }
            try Data(table.finish()).write(to: index)
            return restoreError(copy)
        }
        let size = try lying { $0.size = 1 << 40 }
        #expect(size == "damaged.ckpt.index, entry 'conv/kernel' (at byte 36): size is "
                + "1099511627776 bytes, but float32 [3, 3, 3, 8] takes 864")
        #expect(try lying { $0.offset = 1 << 40 }?.contains("the index places it at bytes 1099511627776..<") == true)
        #expect(try lying { $0.offset = 8 }?.contains("fail the CRC-32C check") == true)
        let shard = try lying { $0.shard = 3 }
        #expect(shard == "damaged.ckpt.index, entry 'conv/kernel' (at byte 36): shard_id 3 is "
                + "not one of the 1 shards")
        let dtype = try lying { $0.dtype = 7 }
        #expect(dtype?.contains("'conv/kernel' is DT_STRING [3, 3, 3, 8] in the checkpoint") == true)
    }

    @Test("a missing checkpoint says what a prefix is")
    func missing() {
        #expect(errorText { try Checkpoint(prefix: directory.appendingPathComponent("nothing.ckpt")) }?
            .contains("nothing.ckpt.index does not exist; give the prefix the files share") == true)
    }
}
