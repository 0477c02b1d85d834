import Foundation
import Testing
@testable import TensorGraph

@Suite("checkpoints")
struct SaverTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tensorgraph-saver-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func model(kernelShape: [Int] = [2, 3]) throws -> (Graph, Session, TensorGraph.Operation) {
        let graph = Graph()
        let w = try graph.variable(Tensor(repeating: 1, shape: kernelShape, dtype: .float32), name: "dense/kernel")
        let step = try graph.variable(Tensor(Int64(0)), name: "global_step", trainable: false)
        let bump = try graph.group([
            try graph.assignAdd(w, try graph.constant(Tensor(repeating: 0.5, shape: kernelShape, dtype: .float32)))
                .operation,
                                    try graph.assignAdd(step, try graph.constant(Int64(1))).operation])
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])
        return (graph, session, bump)
    }

    @Test("save and restore round-trip every variable")
    func roundTrip() throws {
        let (graph, session, bump) = try model()
        try session.run(targets: [bump])
        let file = directory.appendingPathComponent("model.tgckpt")
        let saver = try Saver(graph: graph)
        #expect(saver.entries.map(\.name) == ["dense/kernel", "global_step"])
        try saver.save(session, to: file)
        try session.run(targets: [bump, bump])  // one run runs each node once
        try session.run(targets: [bump])
        #expect(session.value(ofVariable: "global_step") == Tensor(Int64(3)))
        try saver.restore(session, from: file)
        #expect(session.value(ofVariable: "global_step") == Tensor(Int64(1)))
        #expect(session.value(ofVariable: "dense/kernel") == Tensor(repeating: 1.5, shape: [2, 3], dtype: .float32))
        let fresh = try model()
        try saver.restore(fresh.1, from: file)
        #expect(fresh.1.value(ofVariable: "global_step") == Tensor(Int64(1)))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty)
    }

    @Test("restore says which variables differ, and changes nothing")
    func mismatch() throws {
        let (graph, session, _) = try model()
        let file = directory.appendingPathComponent("model.tgckpt")
        try Saver(graph: graph).save(session, to: file)
        let (other, otherSession, _) = try model(kernelShape: [3, 3])
        #expect(errorText { try Saver(graph: other).restore(otherSession, from: file) }
                == "model.tgckpt does not fit the graph: 'dense/kernel' is float32 [2, 3] in the checkpoint but "
                    + "float32 [3, 3] in the graph; restore a checkpoint saved from this graph, or restore only "
                    + "matching variables with Saver(graph:variables:)"
        )
        #expect(otherSession.value(ofVariable: "global_step") == Tensor(Int64(0)))
        try Saver(graph: other, variables: ["global_step"]).restore(otherSession, from: file)
        #expect(
            errorText { try Saver(graph: other, variables: ["global_stpe"]) }
                == "'global_stpe': no variable named 'global_stpe' in the graph; did you mean 'global_step'?")
    }

    @Test("a damaged checkpoint is refused, and a failed save keeps the last good one")
    func damage() throws {
        let (graph, session, bump) = try model()
        let file = directory.appendingPathComponent("model.tgckpt")
        let saver = try Saver(graph: graph)
        try saver.save(session, to: file)
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0xFF
        let damaged = directory.appendingPathComponent("damaged.tgckpt")
        try bytes.write(to: damaged)
        #expect(
            errorText { try saver.restore(session, from: damaged) }
                == "damaged.tgckpt: the checksum does not match; the file is damaged or incomplete")
        try bytes.prefix(20).write(to: damaged)
        #expect(errorText { try saver.restore(session, from: damaged) }?.hasPrefix("damaged.tgckpt: ") == true)
        try session.run(targets: [bump])
        #expect(throws: GraphError.self) {
            try saver.save(session, to: directory.appendingPathComponent("missing/dir/model.tgckpt"))
        }
        try saver.restore(session, from: file)
        #expect(session.value(ofVariable: "global_step") == Tensor(Int64(0)))
    }

    @Test("variables export to and import from a directory of .npy files")
    func npyDirectory() throws {
        let (graph, session, bump) = try model()
        try session.run(targets: [bump])
        let folder = directory.appendingPathComponent("weights")
        let saver = try Saver(graph: graph)
        try saver.exportNPY(session, to: folder)
        #expect(
            try NPY.read(contentsOf: folder.appendingPathComponent("dense/kernel.npy"))
                == Tensor(repeating: 1.5, shape: [2, 3], dtype: .float32))
        try NPY.write(
            Tensor(repeating: 7, shape: [2, 3], dtype: .float32), to: folder.appendingPathComponent("dense/kernel.npy"))
        try saver.importNPY(session, from: folder)
        #expect(session.value(ofVariable: "dense/kernel") == Tensor(repeating: 7, shape: [2, 3], dtype: .float32))
        try NPY.write(
            Tensor(repeating: 7, shape: [3], dtype: .float32), to: folder.appendingPathComponent("dense/kernel.npy"))
        #expect(errorText { try saver.importNPY(session, from: folder) }
                == "weights does not fit the graph: dense/kernel.npy is float32 [3] but the variable is float32 [2, 3]")
    }
}
