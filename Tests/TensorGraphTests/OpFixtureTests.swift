import Foundation
import Testing
@testable import TensorGraph

@Suite("ops against TensorFlow")
struct OpFixtureTests {
    /// Each case runs one op twice: on constants (folded while building) and on placeholders
    /// (run by the session), and both must match TensorFlow.
    @Test("every op case", arguments: FixtureCase.all("ops.json"))
    func opCase(_ fixture: FixtureCase) throws {
        let name = fixture["name"] as! String
        let inputs = try (fixture["inputs"] as! [Any]).map(Fixtures.tensor)
        let expected = try (fixture["outputs"] as! [Any]).map(Fixtures.tensor)
        var attributes: [String: AttrValue] = [:]
        for (key, value) in fixture["attributes"] as! [String: Any] { attributes[key] = try Fixtures.attribute(value) }
        let op = fixture["op"] as! String

        let graph = Graph()
        let placeholders = try inputs.enumerated().map { index, tensor in
            try graph.placeholder(tensor.dtype, shape: Shape(tensor.shape), name: "input\(index)")
        }
        let outputs = try graph.addNode(op, inputs: placeholders, attributes: attributes)
        #expect(outputs.count == expected.count, "\(name)")
        let feeds = Dictionary(uniqueKeysWithValues: zip(placeholders, inputs))
        let results = try Session(graph: graph).run(fetches: outputs, feeds: feeds)
        // FusedBatchNormV3's reserve spaces (outputs 3 to 5) hold whatever TensorFlow's kernel left there.
        let compared = op.hasPrefix("FusedBatchNorm") ? 3 : expected.count
        for (index, (result, reference)) in zip(results, expected).enumerated().prefix(compared) {
            #expect(
                try graph.inferredShape(of: outputs[index]).isCompatible(with: reference.shape),
                "\(name) output \(index) shape")
            expectClose(result, reference, "\(name) output \(index)")
        }

        let folded = Graph()
        let constants = try inputs.map { try folded.constant($0) }
        let foldedOutputs = try folded.addNode(op, inputs: constants, attributes: attributes)
        for (output, reference) in zip(foldedOutputs, expected).prefix(compared) {
            expectClose(try Session(graph: folded).run(output), reference, "\(name) (constant inputs)")
        }
    }
}
