import Foundation
import TensorGraph

/// Loading a graph and the `--feed NAME=FILE.npy` options shared by run and bench.
enum Inputs {
    static func graph(_ path: String) throws -> Graph {
        try Graph.load(contentsOf: URL(fileURLWithPath: path))
    }

    /// The model at `path`: a SavedModel directory, loaded for `--signature` (serving_default by
    /// default), or a GraphDef file.
    static func model(_ path: String, _ arguments: Arguments, checking: Bool = false) throws -> Model {
        let url = URL(fileURLWithPath: path)
        let signature = arguments.values("signature").last
        guard SavedModel.isSavedModel(url) else {
            if signature != nil { throw UsageError("--signature is for SavedModel directories; \(path) is not one") }
            if checking {
                let (graph, errors) = try Graph.check(contentsOf: url, shapes: [:])
                return Model(graph: graph, savedModel: nil, errors: errors)
            }
            return Model(graph: try graph(path), savedModel: nil, errors: [])
        }
        let name = signature ?? SavedModel.defaultSignature
        let saved = checking ? try SavedModel.check(contentsOf: url, signature: name)
                             : try SavedModel(contentsOf: url, signature: name)
        return Model(graph: saved.graph, savedModel: saved, errors: saved.errors)
    }

    /// Restores every variable of the session's graph from `--checkpoint PREFIX`, if given.
    static func restore(_ arguments: Arguments, session: Session) throws {
        guard let prefix = arguments.values("checkpoint").last else { return }
        try Saver(graph: session.graph).restore(session, from: URL(fileURLWithPath: prefix))
    }

    /// A session on the model, its variables restored from the SavedModel's own checkpoint and
    /// then from `--checkpoint PREFIX`, if given.
    static func session(_ model: Model, _ arguments: Arguments,
                        options: SessionOptions = SessionOptions()) throws -> Session {
        let session = try model.savedModel?.makeSession(options: options)
            ?? Session(graph: model.graph, options: options)
        try restore(arguments, session: session)
        return session
    }

    /// The `--feed NAME=FILE` options split, before anything is loaded, so that a malformed one
    /// is a usage error.
    static func feedPairs(_ arguments: Arguments) throws -> [(String, String)] {
        try arguments.values("feed").map { try Arguments.pair($0, option: "feed") }
    }

    /// The feeds, each checked against the graph; a float64 file fed to a float32 tensor is cast
    /// (numpy's default dtype is float64), with a note on stderr.
    static func feeds(_ pairs: [(String, String)], model: Model) throws -> [Output: Tensor] {
        var feeds: [Output: Tensor] = [:]
        for (name, path) in pairs {
            let output = model.tensor(name)
            let expected = try model.graph.info(of: output)
            var tensor = try NPY.read(contentsOf: URL(fileURLWithPath: path))
            if tensor.dtype == .float64 && expected.dtype == .float32 {
                tensor = tensor.cast(to: .float32)
                Terminal.note("note: \(path) holds float64; cast to float32 for '\(output)'")
            }
            feeds[output] = tensor
        }
        return feeds
    }
}

/// What run, check and bench work on: a graph, and the SavedModel it came from, if it did.
struct Model {
    let graph: Graph
    let savedModel: SavedModel?
    /// Shape errors, when loaded for checking.
    let errors: [GraphError]

    /// The tensor `name` stands for: a SavedModel signature's input or output, else a tensor name.
    func tensor(_ name: String) -> Output { savedModel?.tensor(named: name) ?? Output(name) }

    /// What run fetches when no --fetch is given: a signature's outputs (by name), else every
    /// output nothing consumes.
    var defaultFetches: [Output] {
        guard let savedModel else { return graph.unconsumedOutputs }
        return savedModel.outputs.keys.sorted().map { savedModel.outputs[$0]! }
    }
}

/// Writing to the terminal's streams.
enum Terminal {
    static func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
