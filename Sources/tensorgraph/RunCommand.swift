import Foundation
import TensorGraph

/// `tensorgraph run`: feed, initialize, run, and print or save the fetched tensors.
enum RunCommand {
    static func run(_ arguments: [String]) throws {
        let args = try Arguments(arguments, valued: ["feed", "fetch", "target", "init", "checkpoint", "signature",
                                                     "timeout"], flags: [])
        let timeout = try args.seconds("timeout")
        let path = try args.graphPath(command: "run")
        let feedPairs = try Inputs.feedPairs(args)
        let model = try Inputs.model(path, args)
        let feeds = try Inputs.feeds(feedPairs, model: model)
        var fetches: [(output: Output, file: String?)] = []
        for text in args.values("fetch") {
            if let equals = text.firstIndex(of: "=") {
                guard equals != text.startIndex, text.index(after: equals) != text.endIndex else {
                    throw UsageError("--fetch takes TENSOR or TENSOR=OUT.npy, not '\(text)'")
                }
                fetches.append((model.tensor(String(text[..<equals])), String(text[text.index(after: equals)...])))
            } else {
                fetches.append((model.tensor(text), nil))
            }
        }
        if fetches.isEmpty { fetches = model.defaultFetches.map { ($0, nil) } }
        let session = try Inputs.session(model, args, options: SessionOptions(operationTimeout: timeout))
        for operation in args.values("init") {
            try session.run(feeds: feeds, targets: [Operation(name: operation)])
        }
        let targets = args.values("target").map { Operation(name: $0) }
        let results = try session.run(fetches: fetches.map(\.output), feeds: feeds, targets: targets)
        for ((output, file), tensor) in zip(fetches, results) {
            if let file {
                try NPY.write(tensor, to: URL(fileURLWithPath: file))
            } else {
                print("\(output): shape \(shape(tensor)), dtype \(tensor.dtype)")
                print(tensor.valuesDescription)
            }
        }
    }

    static func shape(_ tensor: Tensor) -> String { "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]" }
}

/// `tensorgraph check`: every node's inferred dtypes and shapes, then every diagnostic.
enum CheckCommand {
    static func run(_ arguments: [String]) throws -> Int32 {
        let args = try Arguments(arguments, valued: ["shape", "checkpoint", "signature"], flags: [])
        let path = try args.graphPath(command: "check")
        var shapes: [String: Shape] = [:]
        for option in args.values("shape") {
            let (name, dims) = try Arguments.pair(option + (option.hasSuffix("=") ? " " : ""), option: "shape")
            shapes[name] = try parseShape(dims.trimmingCharacters(in: .whitespaces))
        }
        var (graph, errors): (Graph, [GraphError])
        if shapes.isEmpty {
            let model = try Inputs.model(path, args, checking: true)
            (graph, errors) = (model.graph, model.errors)
        } else {
            (graph, errors) = try Graph.check(contentsOf: URL(fileURLWithPath: path), shapes: shapes)
        }
        let nodes = graph.nodes
        let nameWidth = min(60, nodes.map(\.name.count).max() ?? 0) + 2
        let opWidth = (nodes.map(\.op.count).max() ?? 0) + 2
        for node in nodes {
            let outputs = node.outputs.map { "\($0.dtype) \($0.shape)" }.joined(separator: ", ")
            print(node.name.padding(toLength: max(nameWidth, node.name.count + 1), withPad: " ", startingAt: 0)
                  + node.op.padding(toLength: opWidth, withPad: " ", startingAt: 0) + (outputs.isEmpty ? "-" : outputs))
        }
        print("")
        do {
            try Inputs.restore(args, session: Session(graph: graph))
        } catch let error as GraphError {
            errors.append(error)
        }
        let leftOut = graph.saverNodesLeftOut.keys.sorted()
        if let first = leftOut.first {
            Terminal.note("note: \(leftOut.count) nodes of the graph's own Saver left out ('\(first)', ...); "
                          + "--checkpoint PREFIX restores the variables")
        }
        for error in errors { print("error: \(error)") }
        print(errors.isEmpty ? "\(nodes.count) nodes, no errors" : "\(nodes.count) nodes, \(errors.count) error(s)")
        return errors.isEmpty ? 0 : 1
    }

    /// `16,28,28,1` or `?,28,28,1`; empty for a scalar.
    static func parseShape(_ text: String) throws -> Shape {
        if text.isEmpty { return .scalar }
        return Shape(try text.split(separator: ",", omittingEmptySubsequences: false).map { part -> Int? in
            let item = part.trimmingCharacters(in: .whitespaces)
            if item == "?" || item == "-1" { return nil }
            guard let size = Int(item), size >= 0 else {
                throw UsageError("--shape sizes are whole numbers or ?, not '\(item)'")
            }
            return size
        })
    }
}

/// `tensorgraph dot`: the graph in Graphviz DOT, errors in red.
enum DotCommand {
    static func run(_ arguments: [String]) throws {
        let args = try Arguments(arguments, valued: ["signature"], flags: [])
        let model = try Inputs.model(try args.graphPath(command: "dot"), args, checking: true)
        let (graph, errors) = (model.graph, model.errors)
        var failed: [String: String] = [:]
        for error in errors { if let node = error.node { failed[node] = error.message } }
        print(graph.dot(failed: failed))
    }
}

/// `tensorgraph bench`: Session.run timed in this process.
enum BenchCommand {
    static func run(_ arguments: [String]) throws {
        let options: Set<String> = ["feed", "fetch", "runs", "warmup", "init", "checkpoint", "signature"]
        let args = try Arguments(arguments, valued: options, flags: ["json", "profile", "no-optimize"])
        let path = try args.graphPath(command: "bench")
        guard let fetchText = args.values("fetch").last else { throw UsageError("bench needs --fetch TENSOR") }
        guard !fetchText.contains("=") else {
            throw UsageError("bench fetches a tensor to time it; --fetch takes TENSOR, not '\(fetchText)'")
        }
        let runs = try args.integer("runs", default: 20, minimum: 1)
        let warmup = try args.integer("warmup", default: 3, minimum: 0)
        let feedPairs = try Inputs.feedPairs(args)
        let model = try Inputs.model(path, args)
        let fetch = model.tensor(fetchText)
        let feeds = try Inputs.feeds(feedPairs, model: model)
        let session = try Inputs.session(model, args,
                                         options: SessionOptions(optimizesGraph: !args.flags.contains("no-optimize")))
        for operation in args.values("init") { try session.run(feeds: feeds, targets: [Operation(name: operation)]) }
        for _ in 0..<warmup { _ = try session.run(fetch, feeds: feeds) }
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try session.run(fetch, feeds: feeds)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let median =
            times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        if args.flags.contains("json") {
            print("{\"median_ms\": \(median), \"min_ms\": \(times.first!), \"max_ms\": \(times.last!), "
                  + "\"runs\": \(runs), \"isa\": \"\(InstructionSet.active)\"}")
        } else {
            print(String(format: "%@: median %.3f ms, min %.3f ms, max %.3f ms over %d runs (%d warm-up)",
                         fetch.description, median, times.first!, times.last!, runs, warmup))
        }
        if args.flags.contains("profile") {
            var profiles: [RunProfile] = []
            for _ in 0..<runs { profiles.append(try session.profile(fetches: [fetch], feeds: feeds).profile) }
            print(ProfileTable(profiles).text)
        }
    }
}

/// `tensorgraph checkpoint`: a TensorFlow checkpoint's tensors, as `inspect_checkpoint` lists them.
enum CheckpointCommand {
    static func run(_ arguments: [String]) throws {
        let args = try Arguments(arguments, valued: [], flags: [])
        guard args.positionals.count == 1 else { throw UsageError("checkpoint takes one PREFIX") }
        print(try Checkpoint(prefix: URL(fileURLWithPath: args.positionals[0])).inspection)
    }
}
