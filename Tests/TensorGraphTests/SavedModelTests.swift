import Foundation
import Testing
@testable import TensorGraph

/// SavedModel directories TensorFlow wrote, loaded for a signature, restored and run; and the
/// command line's `checkpoint` command and `--checkpoint` / `--signature` options.
@Suite("SavedModel and checkpoint commands")
struct SavedModelTests {
    static let fixtures = Fixtures.directory.appendingPathComponent("savedmodel")

    @Test("a TF1 SavedModel (simple_save) runs by its signature's names and gives TensorFlow's output")
    func tf1() throws {
        let model = try SavedModel(contentsOf: Self.fixtures.appendingPathComponent("tf1"))
        #expect(model.signatures == ["serving_default"])
        #expect(model.inputs == ["image": "input:0"])
        #expect(model.outputs == ["decoded": "output:0"])
        // Only what the output needs: no saver, no initializers.
        #expect(!model.graph.nodes.contains { $0.op == "SaveV2" || $0.op == "RestoreV2" || $0.op.hasPrefix("Random") })
        let session = try model.makeSession()
        let image = try Fixtures.npy("savedmodel/input.npy")
        expectClose(try session.run(model.tensor(named: "decoded"), feeds: [model.tensor(named: "image"): image]),
                    try Fixtures.npy("savedmodel/tf1_output.npy"), "TF1 SavedModel output")
    }

    @Test("TF2 SavedModels (a Keras model, a tf.Module) run through their inlined functions with TensorFlow's output",
          arguments: [("tf2", "inputs", "output_0"), ("module", "x", "decoded")])
    func tf2(_ name: String, input: String, output: String) throws {
        let model = try SavedModel(contentsOf: Self.fixtures.appendingPathComponent(name))
        #expect(Array(model.inputs.keys) == [input] && Array(model.outputs.keys) == [output])
        // The saver's functions (string constants, SaveV2/RestoreV2) are never decoded.
        #expect(!model.graph.nodes.contains { $0.op == "RestoreV2" || $0.op == "SaveV2" })
        let session = try model.makeSession()
        let image = try Fixtures.npy("savedmodel/input.npy")
        expectClose(try session.run(model.tensor(named: output), feeds: [model.tensor(named: input): image]),
                    try Fixtures.npy("savedmodel/\(name)_output.npy"), "\(name) SavedModel output")
    }

    @Test("a TF2 SavedModel's captured variables map to their object-graph checkpoint keys")
    func tf2VariableKeys() throws {
        let directory = Self.fixtures.appendingPathComponent("tf2")
        let file = try MappedFile(directory.appendingPathComponent("saved_model.pb"))
        let metaGraph = try #require(try SavedModelProtos.metaGraphs(file.bytes, source: "saved_model.pb").first)
        let signature = try #require(metaGraph.signatures["serving_default"])
        #expect(signature.inputs == ["inputs": "serving_default_inputs:0"])
        #expect(signature.outputs == ["output_0": "StatefulPartitionedCall:0"])
        var reader = ProtobufReader(UnsafeRawBufferPointer(rebasing: file.bytes[try #require(metaGraph.graphDef)]))
        let nodes = try SavedModelProtos.skeleton(&reader).nodes
        let needed = SavedModel.positions(needing: Array(signature.outputs.values), in: nodes)
        let keys = SavedModel.capturedVariableKeys(nodes, needed: needed, objects: metaGraph.objects)
        #expect(keys == ["conv/kernel": "_operations/1/_kernel/.ATTRIBUTES/VARIABLE_VALUE",
                         "conv/bias": "_operations/1/bias/.ATTRIBUTES/VARIABLE_VALUE",
                         "deconv/kernel": "_operations/2/kernel/.ATTRIBUTES/VARIABLE_VALUE",
                         "deconv/bias": "_operations/2/bias/.ATTRIBUTES/VARIABLE_VALUE"])
        let checkpoint = try Checkpoint(prefix: directory.appendingPathComponent("variables/variables"))
        for key in keys.values { #expect(checkpoint.entry(named: key)?.dtype == .float32, "\(key)") }
        #expect(checkpoint.entry(named: "_CHECKPOINTABLE_OBJECT_GRAPH")?.dtypeName == "DT_STRING")
    }

    @Test("a SavedModel without the asked signature lists the ones it has")
    func missingSignature() {
        let tf1 = Self.fixtures.appendingPathComponent("tf1")
        #expect(errorText { try SavedModel(contentsOf: tf1, signature: "predict") }
                == "tf1 has no signature 'predict'; its signatures are 'serving_default'; "
                + "choose one with --signature NAME")
        #expect(errorText { try SavedModel(contentsOf: Self.fixtures.appendingPathComponent("tf1"), tags: ["train"]) }
                == "tf1 has no MetaGraphDef tagged train; its tag sets are [serve]")
        #expect(errorText { try SavedModel(contentsOf: Self.fixtures) }?.contains("has no saved_model.pb") == true)
    }

    @Test("tensorgraph checkpoint lists a checkpoint as inspect_checkpoint does")
    func checkpointCommand() throws {
        let prefix = Fixtures.directory.appendingPathComponent("checkpoint/conv_deconv.ckpt")
        let tool = try CommandLineTool(["checkpoint", prefix.path])
        #expect(tool.status == 0, "\(tool.stderr)")
        let listing = Fixtures.directory.appendingPathComponent("checkpoint/conv_deconv_inspect.txt")
        let expected = try String(contentsOf: listing, encoding: .utf8)
        #expect(tool.stdout == expected)
        let missing = try CommandLineTool(["checkpoint", prefix.path + "-nothing"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("conv_deconv.ckpt-nothing.index does not exist"))
    }

    @Test("run --checkpoint restores TensorFlow's variables into its graph first")
    func runWithCheckpoint() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tg-ckpt-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let out = directory.appendingPathComponent("out.npy").path
        let fixtures = Fixtures.directory.appendingPathComponent("checkpoint")
        let prefix = fixtures.appendingPathComponent("conv_deconv.ckpt").path
        let feed = "input=" + fixtures.appendingPathComponent("conv_deconv_input.npy").path
        // The inference graph alone, and the whole graph with its two Savers (left out as it loads).
        for file in ["conv_deconv.pb", "conv_deconv_with_savers.pb", "conv_deconv.ckpt.meta"] {
            let graph = fixtures.appendingPathComponent(file).path
            let tool = try CommandLineTool(["run", graph, "--checkpoint", prefix, "--feed", feed,
                                            "--fetch", "output=" + out])
            #expect(tool.status == 0, "\(tool.stderr)")
            expectClose(try NPY.read(contentsOf: URL(fileURLWithPath: out)),
                        try Fixtures.npy("checkpoint/conv_deconv_output.npy"), "run \(file) --checkpoint")
            let unrestored = try CommandLineTool(["run", graph, "--feed", feed, "--fetch", "output"])
            #expect(unrestored.status == 1)
            let check = try CommandLineTool(["check", graph, "--checkpoint", prefix])
            #expect(check.status == 0, "\(check.stdout)")
            #expect(check.stderr.contains("nodes of the graph's own Saver left out") == (file != "conv_deconv.pb"),
                    "\(check.stderr)")
        }
    }

    @Test("run, check and bench take a SavedModel directory; feeds and fetches use the signature's names")
    func savedModelCommands() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tg-sm-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let out = directory.appendingPathComponent("decoded.npy").path
        let model = Self.fixtures.appendingPathComponent("tf1").path
        let input = Self.fixtures.appendingPathComponent("input.npy").path
        let run = try CommandLineTool(["run", model, "--feed", "image=" + input, "--fetch", "decoded=" + out])
        #expect(run.status == 0, "\(run.stderr)")
        expectClose(try NPY.read(contentsOf: URL(fileURLWithPath: out)), try Fixtures.npy("savedmodel/tf1_output.npy"),
                    "run on a SavedModel")
        let defaults = try CommandLineTool(["run", model, "--feed", "image=" + input])
        #expect(defaults.status == 0 && defaults.stdout.hasPrefix("output:0: shape [2, 8, 8, 2], dtype float32"),
                "\(defaults.stdout.prefix(200)) \(defaults.stderr)")
        let check = try CommandLineTool(["check", model])
        #expect(check.status == 0 && check.stdout.contains("no errors"), "\(check.stdout.suffix(200))")
        let bench = try CommandLineTool(["bench", model, "--feed", "image=" + input, "--fetch", "decoded",
                                         "--runs", "2", "--warmup", "0", "--json"])
        #expect(bench.status == 0, "\(bench.stderr)")
        let wrong = try CommandLineTool(["run", model, "--signature", "predict"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("tf1 has no signature 'predict'; its signatures are 'serving_default'"))
        #expect(try CommandLineTool(["run", Fixtures.directory.appendingPathComponent("formats/conv_deconv.pb").path,
                                     "--signature", "x"]).status == 2)
    }
}
