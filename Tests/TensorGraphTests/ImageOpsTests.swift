import Testing
@testable import TensorGraph

/// The resizes' gradients against finite differences, and their shape diagnostics. (Their values
/// and their gradient ops' values are checked against TensorFlow in ops.json.)
@Suite("image ops")
struct ImageOpsTests {
    static let alignments: [ResizeAlignment] = [.legacy, .alignCorners, .halfPixelCenters]

    @Test("nearest-neighbour resize gradients, up and down, for every alignment")
    func nearestGradient() throws {
        for alignment in Self.alignments {
            for size in [[5, 7], [2, 3]] {
                try GradientTests.check("ResizeNearestNeighbor \(alignment) \(size)", [[2, 3, 4, 2]]) { g, x in
                    try g.resizeNearestNeighbor(x[0], size: size, alignment: alignment)
                }
            }
        }
    }

    /// ResizeBilinear's output is float32 whatever the image's dtype, so float64 differences of size
    /// 1e-6 would drown in rounding. It is linear in the image, though: the loss's change for a step
    /// of 1 along pixel i from the zero image is exactly its derivative there.
    @Test("bilinear resize gradients, up and down, for every alignment")
    func bilinearGradient() throws {
        let shape = [2, 3, 4, 2], count = shape.reduce(1, *)
        for alignment in Self.alignments {
            for size in [[5, 7], [2, 3], [1, 1]] {
                let graph = Graph()
                let x = try graph.placeholder(.float64, shape: Shape(shape), name: "x")
                let y = try graph.resizeBilinear(x, size: size, alignment: alignment)
                let yShape = try #require(try graph.inferredShape(of: y).concrete)
                let weights = GradientTests.values(yShape.reduce(1, *), seed: 99).map { Float($0) }
                let loss = try graph.sum(
                    try graph.multiply(y, try graph.constant(Tensor(shape: yShape, scalars: weights))))
                let gradient = try #require(try graph.gradients(of: loss, withRespectTo: [x])[0])
                let session = Session(graph: graph)
                let image = Tensor(shape: shape, scalars: GradientTests.values(count, seed: 1))
                let symbolic = try session.run(gradient, feeds: [x: image])
                #expect(symbolic.dtype == .float64)
                let numeric = try (0..<count).map { i in
                    var step = [Double](repeating: 0, count: count)
                    step[i] = 1
                    return try session.run(loss, feeds: [x: Tensor(shape: shape, scalars: step)]).doubles[0]
                }
                let worst = zip(symbolic.doubles, numeric).map { abs($0 - $1) }.max() ?? 0
                #expect(worst < 1e-5, "ResizeBilinear \(alignment) \(size): worst error \(worst)")
            }
        }
    }

    @Test("resize shapes: known sizes, sizes known only when running, and the mistakes named")
    func shapes() throws {
        let graph = Graph()
        let images = try graph.placeholder(.float32, shape: [nil, 6, 8, 3], name: "images")
        #expect(
            try graph.inferredShape(of: try graph.resizeBilinear(images, size: [12, 16])) == Shape([nil, 12, 16, 3]))
        let fed = try graph.placeholder(.int32, shape: [2], name: "size")
        let resized = try graph.addOutput("ResizeNearestNeighbor", name: "fed", inputs: [images, fed])
        #expect(try graph.inferredShape(of: resized) == Shape([nil, nil, nil, 3]))

        let both = #expect(throws: GraphError.self) {
            try graph.addOutput(
                "ResizeBilinear", name: "both", inputs: [images, try graph.constant(Tensor([Int32(4), 4]))],
                attributes: ResizeAlignment.alignCorners.attributes.merging(["half_pixel_centers": .bool(true)]) { $1 })
        }
        #expect(both?.description.contains("align_corners and half_pixel_centers are both true") == true)
        let zero = #expect(throws: GraphError.self) { try graph.resizeBilinear(images, size: [0, 4], name: "zero") }
        #expect(zero?.description.contains("size [0, 4] holds 0") == true)
        let three = #expect(throws: GraphError.self) { try graph.resizeNearestNeighbor(images, size: [4, 4, 4]) }
        #expect(three?.description.contains("size must hold 2 entries") == true)
        let flat = try graph.placeholder(.float32, shape: [6, 8], name: "flat")
        let rank = #expect(throws: GraphError.self) { try graph.resizeBilinear(flat, size: [3, 3]) }
        #expect(rank?.description.contains("images must have rank 4") == true)

        // A size fed when running is checked by the same rule then.
        let session = Session(graph: graph)
        let run = #expect(throws: GraphError.self) {
            try session.run(resized, feeds: [images: Tensor(zeros: [1, 6, 8, 3], dtype: .float32),
                                             fed: Tensor([Int32(-2), 5])])
        }
        #expect(run?.description.contains("every size must be at least 1") == true)
    }
}
