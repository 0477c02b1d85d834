import Foundation
import Testing
@testable import TensorGraph

/// Graphs with control flow that TensorFlow 2.21 wrote (Tests/Fixtures/controlflow/generate.py),
/// run here from their binary GraphDefs and compared with TensorFlow's outputs.
@Suite("control flow fixtures")
struct ControlFlowFixtureTests {
    /// One fixture of the manifest, by name.
    struct Fixture: CustomTestStringConvertible {
        let name: String
        var testDescription: String { name }
    }

    static func manifestEntry(_ name: String) throws -> [String: Any] {
        let fixtures = try #require(try Fixtures.json("controlflow/manifest.json")["fixtures"] as? [[String: Any]])
        return try #require(fixtures.first { $0["name"] as? String == name })
    }

    /// Loads the fixture's graph, feeds its inputs and checks every fetch against TensorFlow's
    /// output, with the optimizer on and off.
    static func check(_ name: String) throws {
        let entry = try manifestEntry(name)
        let graph = try Graph.load(contentsOf: Fixtures.directory.appendingPathComponent(
            "controlflow/" + (try #require(entry["file"] as? String))))
        let feedFiles = try #require(entry["feeds"] as? [String: String])
        let fetchFiles = try #require(entry["fetches"] as? [String: String])
        let tolerance = (entry["tolerance"] as? [String: Double])?["relative"] ?? 1e-5
        var feeds: [Output: Tensor] = [:]
        for (tensor, file) in feedFiles { feeds[Output(tensor)] = try Fixtures.npy("controlflow/" + file) }
        let fetchNames = fetchFiles.keys.sorted()
        for optimizes in [true, false] {
            let session = Session(graph: graph, options: SessionOptions(optimizesGraph: optimizes))
            let outputs = try session.run(fetches: fetchNames.map { Output($0) }, feeds: feeds)
            for (fetch, output) in zip(fetchNames, outputs) {
                expectClose(output, try Fixtures.npy("controlflow/" + fetchFiles[fetch]!), tolerance: tolerance,
                            "\(name) \(fetch)\(optimizes ? "" : " (not optimized)")")
            }
        }
    }

    @Test(arguments: ["cond_true", "cond_false", "while_nested_cond", "while_data_dependent"].map(Fixture.init))
    func tf1ControlFlow(_ fixture: Fixture) throws {
        try ControlFlowFixtureTests.check(fixture.name)
    }

    /// TensorFlow 2's If and While, lowered on load to Switch/Merge and a loop frame.
    @Test(arguments: ["tf2_cond_true", "tf2_cond_false", "tf2_while"].map(Fixture.init))
    func functionalControlFlow(_ fixture: Fixture) throws {
        try ControlFlowFixtureTests.check(fixture.name)
    }
}
