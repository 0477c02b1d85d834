import Foundation
import Testing
import TensorGraphKernels
@testable import TensorGraph

/// The float32 vector kernels of every instruction set this CPU runs against double-precision
/// references: the vectorized exp, log, tanh and sigmoid to a few ulp over their whole range and
/// at the special values, and the broadcasting of two operands in every pattern, on one thread
/// and split over the cores.
@Suite("vector elementwise kernels")
struct VectorElementwiseTests {
    static let specials: [Float] = [
        0, -0.0, 1, -1, .infinity, -.infinity, .nan, 1e-8, -1e-8, 3e-4, -3e-4, 0.5, 88.7, 88.8,
                                    89, -87.3, -103, -104, -110, 7.9, -7.9, 8, 20, -20, .greatestFiniteMagnitude]
    static let sweep: [Float] = (0..<20_001).map { Float($0 - 10_000) / 100 }  // -100...100

    /// Runs `function` over `inputs` on `isa` and checks each result within `ulps` units in the
    /// last place of `reference` (or exactly NaN, or exactly infinite, with it).
    static func check(_ function: UnaryFunction, _ inputs: [Float], isa: InstructionSet, ulps: Float,
                      _ reference: (Double) -> Double) throws {
        let result = try InstructionSet.running(isa) { function.apply(Tensor(shape: [inputs.count], scalars: inputs)) }
        let values = try #require(result.scalars(as: Float.self))
        var worst: (error: Float, input: Float, got: Float, expected: Float) = (0, 0, 0, 0)
        for (x, got) in zip(inputs, values) {
            let expected = Float(reference(Double(x)))
            if expected.isNaN || expected.isInfinite || got.isNaN || got.isInfinite {
                #expect(
                    got.isNaN == expected.isNaN && (got.isNaN || got == expected),
                    "\(function) \(isa) at \(x): \(got), not \(expected)")
                continue
            }
            let error = abs(got - expected) / max(expected.ulp, Float.leastNormalMagnitude.ulp)
            if error > worst.error { worst = (error, x, got, expected) }
        }
        #expect(
            worst.error <= ulps,
            "\(function) \(isa): \(worst.error) ulp at \(worst.input): \(worst.got), not \(worst.expected)")
    }

    @Test("exp, log, tanh, sigmoid and swish within a few ulp; the others exact", arguments: InstructionSet.supported)
    func unaryFunctions(_ isa: InstructionSet) throws {
        let inputs = Self.specials + Self.sweep
        try Self.check(.exp, inputs, isa: isa, ulps: 2) { Foundation.exp($0) }
        try Self.check(.sigmoid, inputs, isa: isa, ulps: 3) { 1 / (1 + Foundation.exp(-$0)) }
        // Below -80 swish's result is denormal, where the kernel may flush it to zero as TensorFlow's threads do.
        try Self.check(.swish, inputs.filter { !($0 < -80) }, isa: isa, ulps: 4) { $0 / (1 + Foundation.exp(-$0)) }
        try Self.check(.tanh, inputs, isa: isa, ulps: 5) { Foundation.tanh($0) }
        // log of normal numbers (TensorFlow's CPU threads flush denormals to zero).
        let positives =
            inputs.map(abs).filter { $0 == 0 || $0 >= .leastNormalMagnitude } + [1e-30, 1e30, 1.0000001, 0.9999999]
        try Self.check(.log, positives + [-1, .nan], isa: isa, ulps: 2) { Foundation.log($0) }
        try Self.check(.sqrt, positives + [-1], isa: isa, ulps: 0) { $0.squareRoot() }
        try Self.check(.rsqrt, positives, isa: isa, ulps: 1) { 1 / $0.squareRoot() }
        try Self.check(.negate, inputs, isa: isa, ulps: 0) { -$0 }
        try Self.check(.square, inputs, isa: isa, ulps: 0) { $0 * $0 }
        try Self.check(.abs, inputs, isa: isa, ulps: 0) { Swift.abs($0) }
        try Self.check(.relu, inputs, isa: isa, ulps: 0) { $0.isNaN || $0 > 0 ? $0 : 0 }
        try Self.check(.relu6, inputs, isa: isa, ulps: 0) { $0.isNaN ? $0 : Swift.min(Swift.max($0, 0), 6) }
        try Self.check(.leakyRelu(alpha: 0.2), inputs, isa: isa, ulps: 0) { $0 > 0 ? $0 : Double(Float($0) * 0.2) }
    }

    /// (x shape, y shape): same shapes, scalars, trailing and middle broadcasts, both operands
    /// broadcast, zero sizes, and shapes large enough to be split over the cores.
    static let shapes: [([Int], [Int])] = [
        ([2, 3, 4], [2, 3, 4]), ([5], []), ([], [5]), ([], []), ([2, 3, 4], [4]), ([2, 3, 4], [3, 1]),
        ([2, 1, 4], [1, 3, 1]),
        ([4, 1], [1, 5]), ([1], [3, 1]), ([0, 3], [3]), ([2, 3, 1, 5], [3, 4, 1]), ([300, 500], [500]),
        ([600, 300], [600, 1]),
        ([2, 64, 64, 16], [2, 1, 1, 16]), ([1 << 18], []),
    ]

    @Test("two operands broadcast in every pattern, for every operator", arguments: InstructionSet.supported)
    func broadcasting(_ isa: InstructionSet) throws {
        let functions: [BinaryFunction] = [.add, .subtract, .multiply, .divide, .maximum, .minimum, .squaredDifference]
        for (xShape, yShape) in Self.shapes {
            let shape = try #require(try? Broadcasting.shape(xShape, yShape).get())
            let x = KernelTests.values(xShape.reduce(1, *), seed: 7).map { Float($0) }
            let y = KernelTests.values(yShape.reduce(1, *), seed: 8).map { Float($0) + 1.5 }
            for function in functions {
                let count = shape.reduce(1, *)
                let result = try InstructionSet.running(isa) {
                    [Float](unsafeUninitializedCapacity: count) { out, initialized in
                        x.withUnsafeBufferPointer { x in
                            y.withUnsafeBufferPointer { y in
                                VectorElementwise.combine(function, x, xShape, y, yShape, into: out, shape: shape)
                            }
                        }
                        initialized = count
                    }
                }
                let expected = Elementwise.broadcast(x, xShape, y, yShape, into: shape) { function($0, $1) }
                #expect(result == expected, "\(function) \(isa) \(xShape) with \(yShape)")
            }
        }
    }
}
