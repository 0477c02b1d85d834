import Foundation
import Testing
@testable import TensorGraph
import TensorGraphKernels

/// The run-time choice of kernels: every instruction set this CPU runs computes the same products,
/// stays inside its buffers at every tile edge, and a bad `TENSORGRAPH_ISA` is one clear error.
@Suite("instruction sets")
struct InstructionSetTests {
    /// `c = c₀ + a · b` (or `a · b`) through the indirect product, with every matrix stored inside a
    /// larger one whose gaps hold NaN: a read outside a matrix poisons the result, and a write
    /// outside it changes a NaN that is checked afterwards.
    /// With `activation` (and `bias`), the product is finished by that epilogue: the bias per column,
    /// then the activation, in registers on the kernels that can; the bias sits among NaN too, and
    /// one row of A holds a NaN, which the rectifiers must pass through as TensorFlow's do.
    static func checkProduct(m: Int, k: Int, n: Int, transposedB: Bool, accumulate: Bool, isa: InstructionSet,
                             bias: Bool = false, activation: (op: tg_unary_op, alpha: Float)? = nil) {
        let lda = k + 3, ldb = (transposedB ? k : n) + 5, ldc = n + 2
        let values = KernelTests.values(
            m * lda + k * ldb + n * ldb + (m + 1) * ldc, seed: UInt64(m * 10_000 + k * 100 + n))
        var a = [Float](repeating: .nan, count: m * lda), c = [Float](repeating: .nan, count: (m + 1) * ldc)
        var b = [Float](repeating: .nan, count: (transposedB ? n : k) * ldb)
        var expected = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for p in 0..<k { a[i * lda + p] = Float(values[i * lda + p]) } }
        let poisoned = activation == nil ? -1 : m / 2
        if poisoned >= 0, k > 0 { a[poisoned * lda] = .nan }
        let biasValues = (0..<n).map { Float(values[($0 * 7) % values.count]) * 4 }
        let biasBuffer = [Float.nan] + biasValues + [.nan]
        for p in 0..<k {
            for j in 0..<n { b[transposedB ? j * ldb + p : p * ldb + j] = Float(values[m * lda + p * n + j]) }
        }
        for i in 0..<m {
            for j in 0..<n {
                let start = accumulate ? Float(values[m * lda + k * ldb + n * ldb + i * n + j]) : 0
                if accumulate { c[i * ldc + j] = start }
                expected[i * n + j] = Double(start)
                for p in 0..<k {
                    expected[i * n + j] += Double(a[i * lda + p]) * Double(b[transposedB ? j * ldb + p : p * ldb + j])
                }
                if bias { expected[i * n + j] += Double(biasValues[j]) }
                if let activation { expected[i * n + j] = Self.apply(activation, expected[i * n + j]) }
            }
        }
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    let operands = MatrixOperands(a: a.baseAddress!, lda: lda, c: c.baseAddress!, ldc: ldc,
                                                  rows: m, channels: k, columns: n)
                    let weights = MatrixWeights(b: b.baseAddress!, ldb: transposedB ? 1 : ldb,
                                                columnStride: transposedB ? ldb : 1, channels: k, columns: n)
                    biasBuffer.withUnsafeBufferPointer { biasBuffer in
                        let epilogue = activation == nil && !bias ? nil
                            : Epilogue(bias: bias ? biasBuffer.baseAddress! + 1 : nil, activation: activation)
                        IndirectGemm.multiply(operands, weights: IndirectGemm.pack(weights, for: isa),
                                              accumulate: accumulate, epilogue: epilogue)
                    }
                }
            }
        }
        let finish = activation.map { " \($0.op)" } ?? ""
        let label = "\(isa) \(m)x\(k)x\(n)\(transposedB ? " Bᵀ" : "")\(accumulate ? " +=" : "")"
            + "\(bias ? " +bias" : "")\(finish)"
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                let value = Double(c[i * ldc + j]), wanted = expected[i * n + j]
                if i == poisoned, k > 0 {
                    #expect(value.isNaN, "\(label): row \(i) should stay NaN")
                    continue
                }
                worst = max(worst, abs(value - wanted) / max(1, abs(wanted)))
            }
            for j in n..<ldc { #expect(c[i * ldc + j].isNaN, "\(label): wrote past row \(i) at column \(j)") }
        }
        let pastTheEnd = c[(m * ldc)...].allSatisfy { $0.isNaN }
        #expect(pastTheEnd, "\(label): wrote past the last row")
        // Float rounding grows with the depth summed; a wrong element is off by about 1.
        #expect(worst <= 4e-6 * Double(k).squareRoot(), "\(label): worst error \(worst)")
    }

    /// The activations an epilogue applies, in double precision.
    static func apply(_ activation: (op: tg_unary_op, alpha: Float), _ x: Double) -> Double {
        switch activation.op {
        case TG_RELU: return x.isNaN || x > 0 ? x : 0
        case TG_RELU6: return x.isNaN ? x : min(6, max(0, x))
        case TG_LEAKY_RELU: return x > 0 ? x : x * Double(activation.alpha)
        case TG_SIGMOID: return 1 / (1 + exp(-x))
        default: preconditionFailure("no reference for \(activation.op)")
        }
    }

    @Test("fused epilogues (bias, Relu, Relu6, LeakyRelu, Sigmoid) at every tile edge, with NaN passing the rectifiers",
          arguments: InstructionSet.supported)
    func epilogues(_ isa: InstructionSet) {
        let activations: [(op: tg_unary_op, alpha: Float)?] = [nil, (TG_RELU, 0), (TG_RELU6, 0), (TG_LEAKY_RELU, 0.2),
                                                               (TG_SIGMOID, 0)]
        for (index, activation) in activations.enumerated() {
            for size in [1, 5, 11, 12, 13, 16, 17, 25, 31, 33] {
                Self.checkProduct(m: size, k: 9 + index, n: 37, transposedB: false, accumulate: size % 2 == 0, isa: isa,
                                  bias: true, activation: activation)
                Self.checkProduct(m: 14, k: 300, n: size, transposedB: false, accumulate: size % 3 == 0, isa: isa,
                                  bias: size % 2 == 1, activation: activation)
            }
        }
    }

    @Test(
        "every path stays inside its buffers at tile edges: sizes 1...33 in each dimension",
        arguments: InstructionSet.supported)
    func tileEdges(_ isa: InstructionSet) {
        for size in 1...33 {
            Self.checkProduct(m: size, k: 19, n: 37, transposedB: false, accumulate: false, isa: isa)
            Self.checkProduct(m: 29, k: size, n: 21, transposedB: size % 2 == 0, accumulate: size % 3 == 0, isa: isa)
            Self.checkProduct(m: 13, k: 7, n: size, transposedB: size % 2 == 1, accumulate: size % 3 == 1, isa: isa)
        }
        // Depths split into several blocks, and enough rows for several row blocks on both cores.
        Self.checkProduct(m: 200, k: 600, n: 70, transposedB: false, accumulate: true, isa: isa)
    }

    @Test("weights packed for an instruction set keep its kernel; running(_:) chooses what is packed")
    func packedWeightsKeepTheirKernel() throws {
        let values = KernelTests.values(8 * 8, seed: 5).map { Float($0) }
        func pack(for isa: InstructionSet = .active) -> IndirectGemm.PackedWeights {
            values.withUnsafeBufferPointer {
                IndirectGemm.pack(
                    MatrixWeights(b: $0.baseAddress!, ldb: 8, columnStride: 1, channels: 8, columns: 8), for: isa)
            }
        }
        for isa in InstructionSet.supported {
            #expect(pack(for: isa).kernel.isa == isa)
            #expect(try InstructionSet.running(isa) { pack() }.kernel.isa == isa)
        }
        #expect(pack().kernel.isa == InstructionSet.active)
    }

    @Test("the best instruction set is supported, and portable always is")
    func supportedSets() {
        #expect(InstructionSet.best.isSupported)
        #expect(InstructionSet.supported.contains(.portable))
        #expect(InstructionSet.supported.first == InstructionSet.best)
        #if arch(x86_64)
        #expect(!InstructionSet.neon.isSupported)
        #endif
    }

    @Test("a name that is no instruction set, or one the CPU lacks, is an error that lists what the CPU runs")
    func badNames() throws {
        #expect(try InstructionSet.named(nil) == nil)
        #expect(try InstructionSet.named("") == nil)
        #expect(try InstructionSet.named("PORTABLE") == .portable)
        let runs = InstructionSet.supported.map(\.rawValue).joined(separator: ", ")
        #expect(
            throws: GraphError(
                .unsupported, message: "no instruction set 'avx9'", fix: "choose one this CPU runs: \(runs)")
        ) {
            try InstructionSet.named("avx9")
        }
        let lacking = try #require(InstructionSet.allCases.first { !$0.isSupported })
        #expect(throws: GraphError.self) { try InstructionSet.running(lacking) {} }
    }

    @Test("tensorgraph refuses a bad TENSORGRAPH_ISA in one line, and names the kernels it runs")
    func commandLine() throws {
        let bad = try CommandLineTool(["--version"], environment: ["TENSORGRAPH_ISA": "avx9"])
        #expect(bad.status == 2)
        #expect(bad.stdout.isEmpty)
        let runs = InstructionSet.supported.map(\.rawValue).joined(separator: ", ")
        #expect(
            bad.stderr == "error: TENSORGRAPH_ISA=avx9: no instruction set 'avx9'; choose one this CPU runs: \(runs)\n")
        let portable = try CommandLineTool(["--version"], environment: ["TENSORGRAPH_ISA": "portable"])
        #expect(portable.status == 0)
        #expect(portable.stdout == "tensorgraph kernels: portable (this CPU runs \(runs))\n")
    }
}
