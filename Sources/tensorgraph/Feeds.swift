import Foundation
import TensorGraph

/// Loading a graph and the `--feed NAME=FILE.npy` options shared by run and bench.
enum Inputs {
    static func graph(_ path: String) throws -> Graph {
        try Graph.load(contentsOf: URL(fileURLWithPath: path))
    }

    /// The `--feed NAME=FILE` options split, before anything is loaded, so that a malformed one
    /// is a usage error.
    static func feedPairs(_ arguments: Arguments) throws -> [(String, String)] {
        try arguments.values("feed").map { try Arguments.pair($0, option: "feed") }
    }

    /// The feeds, each checked against the graph; a float64 file fed to a float32 tensor is cast
    /// (numpy's default dtype is float64), with a note on stderr.
    static func feeds(_ pairs: [(String, String)], graph: Graph) throws -> [Output: Tensor] {
        var feeds: [Output: Tensor] = [:]
        for (name, path) in pairs {
            let output = Output(name)
            let expected = try graph.info(of: output)
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

/// Writing to the terminal's streams.
enum Terminal {
    static func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
