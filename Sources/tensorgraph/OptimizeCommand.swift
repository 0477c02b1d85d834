import Foundation
import TensorGraph

/// `tensorgraph optimize`: the graph a run would execute after the graph optimizer, written as a
/// GraphDef that TensorFlow imports and runs (or, `--for tensorgraph`, with every fusion).
enum OptimizeCommand {
    static func run(_ arguments: [String]) throws {
        // `-o OUT` is the usual spelling of the output; the parser knows only `--` options.
        let spelled = arguments.map { $0 == "-o" ? "--output" : $0 }
        let args = try Arguments(spelled, valued: ["output", "feed", "fetch", "target", "signature", "for"], flags: [])
        let path = try args.graphPath(command: "optimize")
        guard let output = args.values("output").last else { throw UsageError("optimize needs -o OUT.pb") }
        guard ["pb", "pbtxt", "json"].contains(URL(fileURLWithPath: output).pathExtension.lowercased()) else {
            throw UsageError("-o names the format by its extension: .pb, .pbtxt or .json, not '\(output)'")
        }
        let profile: OptimizationProfile
        switch args.values("for").last ?? "tensorflow" {
        case "tensorflow": profile = .tensorFlow
        case "tensorgraph": profile = .tensorGraph
        case let other: throw UsageError("--for takes tensorflow or tensorgraph, not '\(other)'")
        }
        // A feed's file is not read: only which tensors are fed shapes the graph.
        let feedNames = args.values("feed").map { text in text.firstIndex(of: "=").map { String(text[..<$0]) } ?? text }
        if let empty = args.values("feed").first(where: { $0.isEmpty || $0.hasPrefix("=") }) {
            throw UsageError("--feed takes NAME or NAME=FILE.npy, not '\(empty)'")
        }
        let model = try Inputs.model(path, args)
        var fetches = args.values("fetch").map { model.tensor($0.split(separator: "=").first.map(String.init) ?? $0) }
        if fetches.isEmpty { fetches = model.defaultFetches }
        let (graph, report) = try model.graph.optimized(fetches: fetches, feeds: feedNames.map(model.tensor),
                                                        targets: args.values("target").map { Operation(name: $0) },
                                                        profile: profile)
        if let failure = report.failure { Terminal.note("note: \(failure)") }
        try graph.save(to: URL(fileURLWithPath: output))
        print("wrote \(output): \(graph.nodes.count) nodes (\(model.graph.nodes.count) before); \(report)")
    }
}
