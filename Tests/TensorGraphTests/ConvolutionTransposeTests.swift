import Foundation
import Testing
@testable import TensorGraph

@Suite("conv2d_transpose")
struct ConvolutionTransposeTests {
    @Test("seed 002: the 2x2 example gives [[0,4,1],[8,16,6],[4,12,9]]")
    func twoByTwo() throws {
        let graph = Graph()
        let x = try graph.constant([0, 1, 2, 3] as [Float], shape: [1, 2, 2, 1])
        let w = try graph.constant([4, 1, 2, 3] as [Float], shape: [2, 2, 1, 1])
        let y = try graph.conv2dTranspose(x, filter: w, outputShape: [1, 3, 3, 1], strides: [1, 1], padding: .valid)
        #expect(try graph.inferredShape(of: y) == [1, 3, 3, 1])
        let result = try Session(graph: graph).run(y)
        #expect(result.scalars(as: Float.self) == [0, 4, 1, 8, 16, 6, 4, 12, 9])
    }

    @Test("matches TensorFlow on every fixture case", arguments: FixtureCase.all("conv2d_transpose.json"))
    func fixture(_ fixture: FixtureCase) throws {
        let name = fixture["name"] as! String
        let graph = Graph()
        let input = try Fixtures.tensor(fixture["input"])
        let x = try graph.placeholder(.float32, shape: Shape(input.shape), name: "x")
        let w = try graph.constant(try Fixtures.tensor(fixture["filter"]))
        let format = DataFormat(rawValue: fixture["data_format"] as! String)!
        let y = try graph.conv2dTranspose(
            x, filter: w, outputShape: fixture["output_shape"] as! [Int], strides: fixture["strides"] as! [Int],
            padding: Padding(rawValue: fixture["padding"] as! String)!, dataFormat: format,
            dilations: fixture["dilations"] as! [Int], explicitPaddings: fixture["explicit_paddings"] as! [Int])
        let expected = try Fixtures.tensor(fixture["expected"])
        #expect(try graph.inferredShape(of: y) == Shape(expected.shape), "\(name)")
        expectClose(try Session(graph: graph).run(y, feeds: [x: input]), expected, name)
    }

    @Test("accepts and rejects output shapes exactly as TensorFlow does")
    func outputShapeSweep() throws {
        var disagreements: [String] = []
        let cases = try Fixtures.cases("output_shape_sweep.json")
        for sweep in cases {
            let size = sweep["input"] as! Int, kernel = sweep["kernel"] as! Int, stride = sweep["stride"] as! Int
            let graph = Graph()
            let x = try graph.placeholder(.float32, shape: [1, size, size, 1], name: "x")
            let w = try graph.constant(Tensor(repeating: 1, shape: [kernel, kernel, 1, 1], dtype: .float32))
            let requested = [1, sweep["output_height"] as! Int, sweep["output_width"] as! Int, 1]
            let padding = Padding(rawValue: sweep["padding"] as! String)!
            let accepted: Bool
            do {
                _ = try graph.conv2dTranspose(
                    x, filter: w, outputShape: requested, strides: [stride, stride], padding: padding,
                    explicitPaddings: padding == .explicit ? sweep["explicit_paddings"] as! [Int] : [])
                accepted = true
            } catch {
                accepted = false
            }
            if accepted != (sweep["accepted"] as! Bool) {
                disagreements.append(
                    "\(padding) input \(size) kernel \(kernel) stride \(stride) output \(requested): TensorFlow "
                        + "\(sweep["accepted"]!), ours \(accepted)"
                )
            }
        }
        #expect(cases.count > 700)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }

    @Test("a bad output height names the valid heights and a fix")
    func badOutputHeight() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [1, 3, 3, 4], name: "x")
        let w = try graph.constant(Tensor(zeros: [3, 3, 2, 4], dtype: .float32))
        let message = errorText {
            try graph.withNameScope("decoder") {
                try graph.conv2dTranspose(
                    x, filter: w, outputShape: [1, 7, 7, 2], strides: [2, 2], padding: .same, name: "deconv")
            }
        }
        #expect(
            message
                == "conv2d_transpose 'decoder/deconv': output height 7 cannot come from input height 3 with kernel "
                    + "3, stride 2, padding SAME; valid heights are 5 and 6 (e.g. output_shape [1, 6, 6, 2])"
        )
    }

    @Test("output height 0 is valid when the forward convolution of 0 rows gives back the input, as in TensorFlow")
    func emptyOutput() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: [1, 1, 2, 3], name: "x")
        let w = try graph.constant(Tensor(repeating: 1, shape: [4, 4, 2, 3], dtype: .float32))
        // Kernel 4, stride 2, pads 2 and 3: floor((0 + 5 - 4) / 2) + 1 = 1, so height 0 gives back 1; 1 does not.
        let y = try graph.conv2dTranspose(x, filter: w, outputShape: [1, 0, 6, 2], strides: [2, 2], padding: .explicit,
                                          explicitPaddings: [2, 3, 0, 0])
        #expect(try graph.inferredShape(of: y) == Shape([1, 0, 6, 2]))
        let result = try Session(graph: graph).run(
            y, feeds: [x: Tensor(repeating: 1, shape: [1, 1, 2, 3], dtype: .float32)])
        #expect(result.shape == [1, 0, 6, 2])
        let message = errorText {
            try graph.conv2dTranspose(x, filter: w, outputShape: [1, 1, 6, 2], strides: [2, 2], padding: .explicit,
                                      explicitPaddings: [2, 3, 0, 0], name: "one")
        }
        #expect(message?.contains("the only valid height is 0") == true, "\(message ?? "")")
    }
}
