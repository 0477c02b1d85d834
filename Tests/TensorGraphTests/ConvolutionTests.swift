import Foundation
import Testing
@testable import TensorGraph

@Suite("conv2d")
struct ConvolutionTests {
    @Test("matches TensorFlow on every fixture case", arguments: FixtureCase.all("conv2d.json"))
    func fixture(_ fixture: FixtureCase) throws {
        let name = fixture["name"] as! String
        let graph = Graph()
        let input = try Fixtures.tensor(fixture["input"])
        let x = try graph.placeholder(.float32, shape: Shape(input.shape), name: "x")
        let w = try graph.constant(try Fixtures.tensor(fixture["filter"]))
        let y = try graph.conv2d(x, filter: w, strides: fixture["strides"] as! [Int],
                                 padding: Padding(rawValue: fixture["padding"] as! String)!,
                                 dataFormat: DataFormat(rawValue: fixture["data_format"] as! String)!,
            dilations: fixture["dilations"] as! [Int], explicitPaddings: fixture["explicit_paddings"] as! [Int])
        let expected = try Fixtures.tensor(fixture["expected"])
        #expect(try graph.inferredShape(of: y) == Shape(expected.shape), "\(name)")
        expectClose(try Session(graph: graph).run(y, feeds: [x: input]), expected, name)
    }
}
