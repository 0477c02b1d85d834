import Foundation
import TensorGraph

/// `tensorgraph demo`: seed 004's network built with the Swift API and run on a built-in input.
enum Demo {
    static func run() throws {
        let graph = Graph()
        graph.seed = 4
        let images = try graph.placeholder(.float32, shape: [nil, 28, 28, 1], name: "images")
        let encoded = try graph.layers.conv2d(images, filters: 16, kernelSize: 5, strides: 2, padding: .same,
                                              activation: .relu, kernelInitializer: .truncatedNormal(stddev: 0.1))
        let decoded = try graph.layers.conv2dTranspose(encoded, filters: 16, kernelSize: 5, strides: 2,
                                                       padding: .same, activation: .relu,
                                                       kernelInitializer: .truncatedNormal(stddev: 0.1))
        let flat = try graph.reshape(decoded, to: [-1, 28 * 28 * 16])
        let hidden = try graph.layers.dense(flat, units: 64, activation: .relu)
        let logits = try graph.layers.dense(hidden, units: 10)
        let probabilities = try graph.softmax(logits, name: "probabilities")
        let initialize = try graph.globalVariablesInitializer()

        print("Seed 004's network, built with the Swift API; shapes as inferred while building:\n")
        let width = graph.nodes.map(\.name.count).max() ?? 10
        for node in graph.nodes {
            let shapes = node.outputs.map { "\($0.dtype) \($0.shape)" }.joined(separator: ", ")
            print(node.name.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                  + node.op.padding(toLength: 22, withPad: " ", startingAt: 0) + (shapes.isEmpty ? "-" : shapes))
        }

        let session = Session(graph: graph)
        try session.run(targets: [initialize])
        let input = digits()
        let start = Date()
        let results = try session.run(fetches: [decoded, probabilities], feeds: [images: input])
        let elapsed = Date().timeIntervalSince(start)
        print(
            "\nRan on a built-in batch of \(input.shape[0]) drawn digits (\(describeShape(input.shape))) in "
                + "\(String(format: "%.1f", elapsed * 1000)) ms:")
        let values = results[0].scalars(as: Float.self) ?? []
        let mean = values.reduce(0, +) / Float(max(values.count, 1))
        print(
            "  \(decoded.node): \(describeShape(results[0].shape)), mean \(String(format: "%.4f", mean)), max "
                + "\(String(format: "%.4f", values.max() ?? 0))")
        let rows = results[1].scalars(as: Float.self) ?? []
        for row in 0..<input.shape[0] {
            let values = rows[(row * 10)..<(row * 10 + 10)].map { String(format: "%.3f", $0) }.joined(separator: " ")
            print("  probabilities[\(row)]: \(values)")
        }

        print(
            "\nAnd a mistake, caught on the line that builds it: asking conv2d_transpose for 29x29 from 14x14 at "
                + "stride 2:")
        do {
            let kernel = try graph.constant(Tensor(zeros: [5, 5, 16, 16], dtype: .float32))
            _ = try graph.conv2dTranspose(
                encoded, filter: kernel, outputShape: [2, 29, 29, 16], strides: [2, 2], padding: .same,
                name: "decoder/deconv")
        } catch {
            print("  error: \(error)")
        }
    }

    /// Two 28x28 strokes, a "1" and a "7", drawn procedurally so the demo needs no files.
    static func digits() -> Tensor {
        var pixels = [Float](repeating: 0, count: 2 * 28 * 28)
        for y in 4..<24 {
            for x in 13..<16 { pixels[y * 28 + x] = 1 }
        }
        for x in 6..<22 { pixels[784 + 5 * 28 + x] = 1; pixels[784 + 6 * 28 + x] = 1 }
        for y in 7..<24 {
            let x = 21 - (y - 7) / 2
            pixels[784 + y * 28 + x] = 1
            pixels[784 + y * 28 + x - 1] = 1
        }
        return Tensor(shape: [2, 28, 28, 1], scalars: pixels)
    }

    static func describeShape(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
