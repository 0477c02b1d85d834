import Foundation
import Testing
@testable import TensorGraph

/// The control-flow fixtures of Tests/Fixtures/controlflow, listed in its manifest.json by
/// generate.py: a graph file, the feeds and TensorFlow's fetched values, as .npy files.
struct ControlFlowFixture {
    let name: String
    let file: String
    let feeds: [String: String]
    let fetches: [String: String]
    let tolerance: Double

    static func named(_ name: String) throws -> ControlFlowFixture {
        let manifest = try Fixtures.json("controlflow/manifest.json")
        let entries = try #require(manifest["fixtures"] as? [[String: Any]])
        let entry = try #require(entries.first { $0["name"] as? String == name }, "no fixture \(name)")
        let tolerance = try #require((entry["tolerance"] as? [String: Double])?["relative"])
        return ControlFlowFixture(name: name, file: try #require(entry["file"] as? String),
                                  feeds: try #require(entry["feeds"] as? [String: String]),
                                  fetches: try #require(entry["fetches"] as? [String: String]), tolerance: tolerance)
    }

    /// Loads the graph, runs every fetch with the feeds, and compares each with TensorFlow's value.
    func runAndCompare(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let graph = try Graph.load(contentsOf: Fixtures.directory.appendingPathComponent("controlflow/" + file))
        var feedValues: [Output: Tensor] = [:]
        for (tensor, npy) in feeds { feedValues[Output(tensor)] = try Fixtures.npy("controlflow/" + npy) }
        let names = fetches.keys.sorted()
        let results = try Session(graph: graph).run(fetches: names.map { Output($0) }, feeds: feedValues)
        for (name, result) in zip(names, results) {
            let expected = try Fixtures.npy("controlflow/" + fetches[name]!)
            expectClose(result, expected, tolerance: tolerance, "\(self.name) \(name)", sourceLocation: sourceLocation)
        }
    }
}
