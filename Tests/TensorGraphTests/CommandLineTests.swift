import Foundation
import Testing
@testable import TensorGraph

/// Runs the built `tensorgraph` executable and checks its exact contract: output, files, exit status.
struct CommandLineTool {
    let stdout: String
    let stderr: String
    let status: Int32

    static var executable: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "tensorgraph"),
            Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                ".build/debug/tensorgraph"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = try #require(CommandLineTool.executable, "the tensorgraph executable is not built")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        stdout = String(decoding: outData, as: UTF8.self)
        stderr = String(decoding: errData, as: UTF8.self)
        status = process.terminationStatus
    }
}

@Suite("tensorgraph command line")
struct CommandLineTests {
    let graphs = ExampleGraphs.directory
    let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tensorgraph-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    @Test("run with no --fetch prints every unconsumed output numpy-style")
    func runPrints() throws {
        let tool = try CommandLineTool([
            "run", graphs.appendingPathComponent("seed002_2x2_transposed_convolution.json").path
        ])
        #expect(tool.status == 0)
        #expect(tool.stdout == """
            output:0: shape [1, 3, 3, 1], dtype float32
            [[[[0.0],
               [4.0],
               [1.0]],
              [[8.0],
               [16.0],
               [6.0]],
              [[4.0],
               [12.0],
               [9.0]]]]

            """)
    }

    @Test("run feeds .npy files (casting float64 with a note) and writes fetches to .npy")
    func runFeedsAndFetches() throws {
        let input = scratch.appendingPathComponent("input.npy"), output = scratch.appendingPathComponent("out.npy")
        try NPY.write(Tensor(shape: [1, 2, 2, 1], scalars: [0, 1, 2, 3] as [Double]), to: input)
        let tool = try CommandLineTool([
            "run", graphs.appendingPathComponent("seed002_2x2_transposed_convolution.json").path,
                                        "--feed", "input=\(input.path)", "--fetch", "output:0=\(output.path)"])
        #expect(tool.status == 0, "\(tool.stderr)")
        #expect(tool.stdout.isEmpty)
        #expect(tool.stderr.contains("note: \(input.path) holds float64; cast to float32 for 'input:0'"))
        #expect(try NPY.read(contentsOf: output).scalars(as: Float.self) == [0, 4, 1, 8, 16, 6, 4, 12, 9])
    }

    @Test("--init runs operations first, in order; --target adds targets; a variable fetches its value")
    func initAndTargets() throws {
        let graph = Graph()
        let w = try graph.variable(Tensor([Float(1), 2]), name: "w1")
        _ = try graph.assignAdd(w, try graph.constant([Float(10), 10], shape: [2]), name: "train")
        _ = try graph.globalVariablesInitializer()
        let file = scratch.appendingPathComponent("train.json")
        try graph.save(to: file)
        let once = try CommandLineTool(["run", file.path, "--init", "init", "--init", "train", "--fetch", "w1"])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(once.stdout == "w1:0: shape [2], dtype float32\n[11.0, 12.0]\n")
        let twice = try CommandLineTool([
            "run", file.path, "--init", "init", "--init", "train", "--target", "train", "--fetch", "w1/read"
        ])
        #expect(twice.stdout.hasSuffix("[11.0, 12.0]\n") || twice.stdout.hasSuffix("[21.0, 22.0]\n"))
        let uninitialized = try CommandLineTool(["run", file.path, "--fetch", "w1"])
        #expect(uninitialized.status == 1)
        #expect(
            uninitialized.stderr.hasPrefix("error: VariableV2 'w1': the variable is read before it was initialized"))
    }

    @Test("errors exit 1 with one error: line; usage mistakes exit 2")
    func exitStatuses() throws {
        let broken = try CommandLineTool(["run", graphs.appendingPathComponent("broken/bad_output_height.json").path])
        #expect(broken.status == 1)
        #expect(
            broken.stderr
                == "error: conv2d_transpose 'decoder/deconv': output height 7 cannot come from input height 3 with "
                    + "kernel 3, stride 2, padding SAME; valid heights are 5 and 6 (e.g. output_shape [1, 6, 6, 2])\n"
        )
        let unknown = try CommandLineTool([
            "run", graphs.appendingPathComponent("seed004_network.json").path, "--fetch", "outptu"
        ])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr
                == "error: cannot fetch 'outptu:0': no node named 'outptu' in the graph; did you mean 'output'?\n")
        let missing = try CommandLineTool(["run", scratch.appendingPathComponent("none.json").path])
        #expect(missing.status == 1 && missing.stderr.hasPrefix("error: cannot read "))
        for arguments in [
            ["run"], ["run", "a.json", "--bogus"], ["frobnicate"], ["bench", "a.json"],
            ["run", "a.json", "--feed", "x"], []
        ] {
            let tool = try CommandLineTool(arguments)
            #expect(tool.status == 2, "\(arguments)")
        }
    }

    @Test("check lists every node and the diagnostics; --shape overrides a placeholder")
    func check() throws {
        let clean = try CommandLineTool([
            "check", graphs.appendingPathComponent("seed004_network.json").path, "--shape", "data=?,28,28,1"
        ])
        #expect(clean.status == 0)
        #expect(clean.stdout.contains("data/input"))
        #expect(clean.stdout.contains("output                 AddV2                   float32 [?, 10]"))
        #expect(clean.stdout.hasSuffix("32 nodes, no errors\n"))
        let broken = try CommandLineTool([
            "check", graphs.appendingPathComponent("broken/wrong_output_channels.json").path
        ])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("error: conv2d_transpose 'decoder/deconv': output_shape asks for 3 channels"))
        let overridden = try CommandLineTool([
            "check", graphs.appendingPathComponent("seed004_network.json").path, "--shape", "data=16,28,28,1"
        ])
        #expect(overridden.stdout.contains("output                 AddV2                   float32 [16, 10]"))
        let clash = try CommandLineTool([
            "check", graphs.appendingPathComponent("seed004_network.json").path, "--shape", "data=?,14,14,1"
        ])
        #expect(clash.status == 1)
        #expect(
            clash.stdout.contains(
                "error: PlaceholderWithDefault 'data': the default value has shape [16, 28, 28, 1], which does not "
                    + "fit the declared shape [?, 14, 14, 1]"
            ))
    }

    @Test("bench --json prints exactly one line with the timings and the kernels' instruction set")
    func bench() throws {
        let tool = try CommandLineTool(["bench", graphs.appendingPathComponent("seed002_4x4x3_stride2_same.json").path,
                                        "--fetch", "output", "--runs", "5", "--warmup", "1", "--json"])
        #expect(tool.status == 0, "\(tool.stderr)")
        let lines = tool.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["median_ms", "min_ms", "max_ms", "runs", "isa"])
        #expect(object?["runs"] as? Int == 5)
        #expect(object?["isa"] as? String == InstructionSet.best.rawValue)
    }

    @Test("optimize writes the optimized graph in the format its extension names; a wrong extension is a usage error")
    func optimize() throws {
        let graph = graphs.appendingPathComponent("seed004_network.json").path
        for format in ["pb", "pbtxt", "json"] {
            let out = scratch.appendingPathComponent("optimized.\(format)")
            let tool = try CommandLineTool([
                "optimize", graph, "-o", out.path, "--feed", "data=unused.npy", "--fetch", "output"
            ])
            #expect(tool.status == 0, "\(tool.stderr)")
            #expect(tool.stdout.hasPrefix("wrote \(out.path): "), "\(tool.stdout)")
            let written = try Graph.load(contentsOf: out)
            #expect(written.node(named: "output") != nil && written.node(named: "data")?.op == "Placeholder")
        }
        let wrong = try CommandLineTool(["optimize", graph, "-o", scratch.appendingPathComponent("g.onnx").path])
        #expect(
            wrong.status == 2 && wrong.stderr.hasPrefix("error: -o names the format by its extension"),
            "\(wrong.stderr)")
    }

    @Test("dot draws the graph, errors in red; ops lists the supported ops")
    func dotAndOps() throws {
        let dot = try CommandLineTool(["dot", graphs.appendingPathComponent("broken/batch_mismatch.json").path])
        #expect(dot.status == 0)
        #expect(dot.stdout.hasPrefix("digraph tensorgraph {"))
        #expect(dot.stdout.contains("color=red"))
        #expect(dot.stdout.contains("\"kernel\" -> \"decoder/deconv\""))
        let ops = try CommandLineTool(["ops"])
        #expect(ops.stdout.split(separator: "\n").contains("Conv2DBackpropInput"))
        let help = try CommandLineTool(["help", "run"])
        #expect(help.status == 0 && help.stdout.hasPrefix("usage: tensorgraph run GRAPH.json"))
    }
}

@Suite("tensorgraph train")
struct TrainCommandTests {
    @Test("trains on the shipped digits and reports each epoch and the held-out accuracy")
    func train() throws {
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tensorgraph-train-\(UUID().uuidString)")
        let tool = try CommandLineTool(["train", "--epochs", "1", "--save", saved.path])
        #expect(tool.status == 0, "\(tool.stderr)")
        let lines = tool.stdout.split(separator: "\n")
        #expect(lines.first == "digits: 1438 training and 359 held-out test images (8x8), seed 4")
        #expect(lines.filter { $0.hasPrefix("epoch ") }.count == 1)
        let last = try #require(lines.dropLast().last)
        #expect(last.hasPrefix("test: loss "))
        let accuracy = try #require(Double(last.split(separator: " ")[4]))
        #expect(accuracy > 0.5, "\(last)")
        #expect(try CommandLineTool(["train", "--optimizer", "lbfgs"]).status == 2)
        let kernel = try NPY.read(contentsOf: saved.appendingPathComponent("weights/logits/kernel.npy"))
        #expect(kernel.shape == [64, 10])
        let graph = try Graph.load(contentsOf: saved.appendingPathComponent("graph.json"))
        let session = Session(graph: graph)
        try Saver(graph: graph).restore(session, from: saved.appendingPathComponent("model.ckpt"))
        #expect(session.value(ofVariable: "logits/kernel") == kernel)
    }
}
