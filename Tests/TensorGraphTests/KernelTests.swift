import Foundation
import Testing
@testable import TensorGraph

/// The float32 kernels (indirect products with packed weights), on every instruction set this CPU
/// runs, against the float64 ones, which are a separate implementation (plain loops, im2col and
/// col2im), on shapes chosen for their edges: rows and columns that are not multiples of any tile,
/// depths split into uneven blocks, strides larger than the kernel (phases no kernel cell reaches),
/// dilations, padding, and zero-sized dimensions (outputs start uninitialized, so every element
/// must be written).
@Suite("float32 kernels against float64")
struct KernelTests {
    /// Deterministic values in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
    }

    static func tensor(_ shape: [Int], seed: UInt64, dtype: DType) -> Tensor {
        Tensor(shape: shape, scalars: values(shape.reduce(1, *), seed: seed)).cast(to: dtype)
    }

    /// Runs `build(graph, x, w)` in float64, and in float32 with the kernels of every instruction
    /// set this CPU runs, on the same numbers, and compares.
    static func compare(_ label: String, input: [Int], filter: [Int],
                        _ build: (Graph, Output, Output) throws -> Output) throws {
        func run(_ dtype: DType) throws -> Tensor {
            let graph = Graph()
            let x = try graph.placeholder(dtype, shape: Shape(input), name: "x")
            let w = try graph.constant(tensor(filter, seed: 2, dtype: dtype))
            let y = try build(graph, x, w)
            return try Session(graph: graph).run(y, feeds: [x: tensor(input, seed: 1, dtype: dtype)])
        }
        let expected = try run(.float64)
        for isa in InstructionSet.supported {
            let result = try InstructionSet.running(isa) { try run(.float32) }
            expectClose(result.cast(to: .float64), expected, tolerance: 1e-5, "\(label) [\(isa)]")
        }
    }

    @Test("MatMul", arguments: [(1, 1, 1), (7, 13, 21), (100, 300, 33), (13, 600, 17), (5, 1000, 40), (64, 257, 16),
                                (0, 5, 3), (4, 0, 3), (4, 5, 0)])
    func matMul(_ size: (Int, Int, Int)) throws {
        let (m, k, n) = size
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            try Self.compare("\(m)x\(k)x\(n) tA \(transposeA) tB \(transposeB)",
                             input: transposeA ? [k, m] : [m, k], filter: transposeB ? [n, k] : [k, n]) { graph, x, w in
                try graph.matMul(x, w, transposeA: transposeA, transposeB: transposeB)
            }
        }
    }

    /// (input NHWC, filter HWIO, strides, dilations, padding, explicit paddings)
    static let convolutions: [([Int], [Int], Int, Int, Padding, [Int])] = [
        ([2, 9, 11, 3], [3, 3, 3, 5], 1, 1, .same, []),
        ([3, 10, 7, 17], [5, 4, 17, 33], 2, 1, .same, []),
        ([1, 13, 13, 300], [3, 3, 300, 7], 3, 1, .valid, []),
        ([2, 12, 12, 4], [3, 3, 4, 18], 1, 2, .same, []),
        ([1, 8, 9, 6], [2, 3, 6, 16], 2, 1, .explicit, [1, 2, 0, 3]),
        ([4, 5, 5, 2], [1, 1, 2, 3], 2, 1, .valid, []),
        // Window rows contiguous in the image, read as one tap each: a 7×7 stem on 3 channels, a
        // kernel row longer than a depth block, and vertical padding only.
        ([2, 15, 16, 3], [7, 7, 3, 20], 2, 1, .valid, []),
        ([1, 6, 5, 120], [3, 3, 120, 35], 1, 1, .valid, []),
        ([1, 8, 9, 6], [3, 3, 6, 16], 1, 1, .explicit, [2, 1, 0, 0]),
        ([1, 9, 9, 5], [3, 3, 5, 8], 1, 2, .valid, []),
        ([0, 5, 5, 3], [3, 3, 3, 4], 1, 1, .same, []),
        ([2, 5, 5, 3], [3, 3, 3, 0], 1, 1, .same, []),
        // Batches wide enough that the border rows are ordered apart (`PixelOrder`): stride 2, and
        // dilation 2 with two border rows alike at each side.
        ([16, 16, 16, 5], [5, 5, 5, 7], 2, 1, .same, []),
        ([12, 10, 12, 3], [3, 3, 3, 4], 1, 2, .same, []),
    ]

    @Test("Conv2D", arguments: convolutions)
    func conv2d(_ c: ([Int], [Int], Int, Int, Padding, [Int])) throws {
        try Self.compare("conv2d \(c)", input: c.0, filter: c.1) { graph, x, w in
            try graph.conv2d(x, filter: w, strides: [c.2], padding: c.4, dilations: [c.3], explicitPaddings: c.5)
        }
    }

    /// (input NHWC, filter [kh, kw, out, in], output NHWC, strides, dilations, padding, explicit paddings)
    static let transposedConvolutions: [([Int], [Int], [Int], Int, Int, Padding, [Int])] = [
        ([1, 2, 2, 1], [2, 2, 1, 1], [1, 3, 3, 1], 1, 1, .valid, []),
        ([2, 3, 3, 5], [3, 3, 4, 5], [2, 5, 5, 4], 2, 1, .same, []),
        ([2, 3, 3, 5], [3, 3, 4, 5], [2, 6, 6, 4], 2, 1, .same, []),
        ([3, 7, 6, 20], [5, 5, 17, 20], [3, 14, 12, 17], 2, 1, .same, []),
        ([1, 4, 5, 3], [2, 2, 6, 3], [1, 12, 15, 6], 3, 1, .valid, []),
        ([2, 5, 5, 2], [1, 1, 3, 2], [2, 10, 9, 3], 2, 1, .same, []),
        ([1, 6, 6, 300], [4, 4, 9, 300], [1, 12, 12, 9], 2, 1, .same, []),
        ([2, 6, 7, 3], [3, 3, 5, 3], [2, 10, 11, 5], 1, 2, .valid, []),
        ([1, 4, 4, 2], [3, 3, 2, 2], [1, 8, 7, 2], 2, 1, .explicit, [1, 0, 2, 1]),
        ([0, 3, 3, 5], [3, 3, 4, 5], [0, 6, 6, 4], 2, 1, .same, []),
        ([1, 3, 3, 0], [3, 3, 4, 0], [1, 6, 6, 4], 2, 1, .same, []),
        ([32, 4, 4, 6], [3, 3, 5, 6], [32, 8, 8, 5], 2, 1, .same, []),
    ]

    @Test("Conv2DBackpropInput (conv2d_transpose)", arguments: transposedConvolutions)
    func conv2dTranspose(_ c: ([Int], [Int], [Int], Int, Int, Padding, [Int])) throws {
        try Self.compare("conv2d_transpose \(c)", input: c.0, filter: c.1) { graph, x, w in
            try graph.conv2dTranspose(x, filter: w, outputShape: c.2, strides: [c.3], padding: c.5, dilations: [c.4],
                                      explicitPaddings: c.6)
        }
    }

    @Test("a constant filter packed once serves every batch size; a fed filter is used as fed")
    func packedOnce() throws {
        let graph = Graph()
        let x = try graph.placeholder(.float32, shape: Shape([nil, 6, 6, 4]), name: "x")
        let w = try graph.constant(Self.tensor([3, 3, 4, 8], seed: 3, dtype: .float32), name: "w")
        let y = try graph.conv2d(x, filter: w, strides: [2], padding: .same)
        let session = Session(graph: graph)

        let reference = Graph()
        let rx = try reference.placeholder(.float64, shape: Shape([nil, 6, 6, 4]), name: "x")
        let rw = try reference.placeholder(.float64, shape: Shape([3, 3, 4, 8]), name: "w")
        let ry = try reference.conv2d(rx, filter: rw, strides: [2], padding: .same)
        let referenceSession = Session(graph: reference)

        for (batch, seed) in [(2, UInt64(10)), (5, 11), (1, 12)] {
            let input = Self.tensor([batch, 6, 6, 4], seed: seed, dtype: .float32)
            let expected = try referenceSession.run(ry, feeds: [rx: input.cast(to: .float64),
                    rw: Self.tensor([3, 3, 4, 8], seed: 3, dtype: .float64)
                ])
            expectClose(try session.run(y, feeds: [x: input]).cast(to: .float64), expected, "batch \(batch)")
        }
        let input = Self.tensor([2, 6, 6, 4], seed: 13, dtype: .float32)
        let other = Self.tensor([3, 3, 4, 8], seed: 14, dtype: .float32)
        let expected = try referenceSession.run(ry, feeds: [rx: input.cast(to: .float64), rw: other.cast(to: .float64)])
        expectClose(try session.run(y, feeds: [x: input, w: other]).cast(to: .float64), expected, "fed filter")
        // And the constant again, after the fed run.
        let again = try referenceSession.run(
            ry, feeds: [rx: input.cast(to: .float64), rw: Self.tensor([3, 3, 4, 8], seed: 3, dtype: .float64)])
        expectClose(try session.run(y, feeds: [x: input]).cast(to: .float64), again, "constant after feeding")
    }
}

/// The order of a convolution's output pixels: each once, those whose windows reach the padding
/// alike together, rows included only where every group of rows is a block of rows over the batch.
@Suite("pixel order")
struct PixelOrderTests {
    /// A 5×5, stride 2, SAME convolution's order over `images` images of 16×16 (8×8 out), with the
    /// padding pattern of each visited pixel.
    static func visits(images: Int) -> [(pixel: [Int], pattern: [Bool])] {
        func pattern(_ out: Int) -> [Bool] { (0..<5).map { (0..<16).contains(out * 2 - 1 + $0) } }
        let order = PixelOrder(images: images, height: 8, width: 8, rowPattern: pattern, columnPattern: pattern)
        var visits: [(pixel: [Int], pattern: [Bool])] = []
        order.forEach(0..<images * 64) { n, y, x in visits.append(([n, y, x], pattern(y) + pattern(x))) }
        return visits
    }

    @Test("every pixel once; with a batch of 16 the border rows come apart, so the padding is alike in runs")
    func groupsBorderRows() {
        let visits = Self.visits(images: 16)
        #expect(Set(visits.map(\.pixel)).count == 16 * 64)
        // 9 groups (3 row patterns by 3 column patterns): the pattern changes 8 times along the order.
        let changes = zip(visits, visits.dropFirst()).filter { $0.pattern != $1.pattern }.count
        #expect(changes == 8)
        let plain = PixelOrder(images: 16, height: 8, width: 8, rowPattern: { _ in [true] },
                               columnPattern: { _ in [true] }).pixel(100)
        let pixel: [Int] = [plain.n, plain.y, plain.x]
        #expect(pixel == [1, 4, 4])
    }

    @Test("one image: its border rows stay in place, and only the columns are grouped")
    func keepsRowsOfOneImage() {
        let visits = Self.visits(images: 1)
        #expect(Set(visits.map(\.pixel)).count == 64)
        let rowsInOrder = visits.prefix(48).map { $0.pixel[1] }
        #expect(rowsInOrder == rowsInOrder.sorted(), "the interior columns of rows 0...7 in row order")
    }
}
