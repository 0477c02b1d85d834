import Dispatch
import Foundation
import Testing
@testable import TensorGraph

@Suite("concurrency and crash safety")
struct ReliabilityTests {
    @Test("8 threads share one session for 4,000 runs of reads and variable updates")
    func sharedSession() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [nil, 4], name: "x")
        let w = try graph.variable(Tensor(shape: [4, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8] as [Float]), name: "w")
        let y = try graph.matMul(x, w.value)
        let counter = try graph.variable(Tensor(Int64(0)), name: "counter")
        let total = try graph.variable(Tensor(Float(0)), name: "total")
        let bump = try graph.assignAdd(counter, try graph.constant(Int64(1)))
        let accumulate = try graph.assignAdd(total, try graph.sum(y))
        let session = Session(graph: graph)
        try session.run(targets: [try graph.globalVariablesInitializer()])
        let failures = Failures()
        let perThread = 500
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for run in 0..<perThread {
                let rows = 1 + (thread + run) % 4
                let input = Tensor(repeating: Double(thread + 1), shape: [rows, 4], dtype: .float32)
                // Row sums of w's columns are 16 and 20, so each output row is (16, 20) times the input value.
                let expected = (0..<rows).flatMap { _ in [Float(16 * (thread + 1)), Float(20 * (thread + 1))] }
                do {
                    switch run % 3 {
                    case 0:
                        let value = try session.run(y, feeds: [x: input])
                        if value.scalars(as: Float.self) != expected {
                            failures.add("thread \(thread) run \(run): \(value)")
                        }
                    case 1:
                        try session.run(feeds: [x: input], targets: [bump.operation])
                    default:
                        let values = try session.run(
                            fetches: [y, counter.value], feeds: [x: input], targets: [accumulate.operation])
                        if values[0].scalars(as: Float.self) != expected {
                            failures.add("thread \(thread) run \(run): \(values[0])")
                        }
                    }
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
        let bumps = (0..<8).reduce(0) { sum, _ in sum + (0..<perThread).filter { $0 % 3 == 1 }.count }
        #expect(try session.run(counter.value) == Tensor(Int64(bumps)))
        var expectedTotal: Double = 0
        for thread in 0..<8 {
            for run in 0..<perThread where run % 3 == 2 {
                expectedTotal += Double(1 + (thread + run) % 4) * 36 * Double(thread + 1)
            }
        }
        #expect(try session.run(total.value).doubles[0] == expectedTotal)
    }

    @Test("a writer killed at random moments during saves always leaves a checkpoint that restores")
    func killDuringSave() throws {
        let writer = try #require(Self.executable("checkpoint-writer"), "the checkpoint-writer executable is not built")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tensorgraph-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("model.tgckpt")
        let graph = Graph()
        _ = try graph.variable(Tensor(zeros: [128, 128], dtype: .float32), name: "weights")
        _ = try graph.variable(Tensor(Int64(0)), name: "step")
        let saver = try Saver(graph: graph)
        var generator = SystemRandomNumberGenerator()
        var restored = 0, lastStep: Int64 = 0
        for _ in 0..<200 {
            let process = Process()
            process.executableURL = writer
            process.arguments = [file.path]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // Long enough for the first save of a debug build, then anywhere within the next saves.
            usleep(UInt32.random(in: 100_000...400_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            let session = Session(graph: graph)
            try saver.restore(session, from: file)
            let step = try #require(session.value(ofVariable: "step")?.scalars(as: Int64.self)?.first)
            let weights = try #require(session.value(ofVariable: "weights")?.scalars(as: Float.self))
            #expect(weights.allSatisfy { $0 == Float(step) }, "a restored checkpoint mixes saves")
            lastStep = step
            restored += 1
        }
        #expect(restored > 150, "only \(restored) kills found a checkpoint")
        #expect(lastStep >= 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".tmp")
        }
        // A kill between creating and renaming the temporary file leaves it behind; it never replaces the checkpoint.
        #expect(leftovers.count <= 200)
        print(
            "kill during save: 200 kills, \(restored) restores all consistent, \(leftovers.count) killed mid-write, "
                + "last step \(lastStep)"
        )
    }

    @Test("the fuzz corpora and every crash the fuzzers found replay without a crash",
          arguments: ["graph", "pbtxt", "npy", "checkpoint"])
    func fuzzCorpusReplays(_ kind: String) throws {
        let replay = try #require(Self.executable("fuzz-" + kind), "the fuzz-\(kind) executable is not built")
        let root = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("Fuzz")
        var files = try FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("corpus/" + kind).path
        )
            .map { root.appendingPathComponent("corpus/\(kind)/\($0)").path }
        let crashes =
            (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("crashes").path)) ?? []
        files += crashes.filter { $0.hasPrefix("fuzz-\(kind)-") }.map {
            root.appendingPathComponent("crashes/" + $0).path
        }
        let process = Process()
        process.executableURL = replay
        process.arguments = files
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text == "replayed \(files.count) inputs\n")
    }

    static func executable(_ name: String) -> URL? {
        [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name),
            Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                ".build/debug/" + name)
        ]
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
