/// Dense matrix multiplication on row-major buffers: the workhorse behind MatMul and the
/// convolutions.
enum Gemm {
    /// `c[m×n] = a[m×k] · b[k×n]` (added to `c` when `accumulate`), with leading dimensions
    /// `lda`, `ldb`, `ldc`.
    static func multiply<T: FloatingScalar>(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<T>, lda: Int,
        b: UnsafePointer<T>, ldb: Int,
        c: UnsafeMutablePointer<T>, ldc: Int,
        accumulate: Bool = false
    ) {
        if T.self == Float.self {
            let operands = MatrixOperands(a: UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), lda: lda,
                                          c: UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), ldc: ldc,
                                          rows: m, channels: k, columns: n)
            let weights = MatrixWeights(
                b: UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), ldb: ldb, columnStride: 1,
                channels: k, columns: n)
            IndirectGemm.multiply(operands, weights: IndirectGemm.pack(weights), accumulate: accumulate)
            return
        }
        let pointers = UncheckedSendable((a, b, c))
        Parallel.forEachChunk(m, work: m * n * k) { rows in
            let (a, b, c) = pointers.value
            let blockK = 256
            for i in rows where !accumulate {
                (c + i * ldc).update(repeating: 0, count: n)
            }
            var p0 = 0
            while p0 < k {
                let p1 = min(k, p0 + blockK)
                for i in rows {
                    let cRow = c + i * ldc
                    let aRow = a + i * lda
                    for p in p0..<p1 {
                        let scale = aRow[p]
                        let bRow = b + p * ldb
                        for j in 0..<n { cRow[j] += scale * bRow[j] }
                    }
                }
                p0 = p1
            }
        }
    }

    /// The transpose of a row-major `rows×columns` matrix.
    static func transpose<T>(_ source: UnsafePointer<T>, rows: Int, columns: Int,
                             into target: UnsafeMutablePointer<T>) {
        for r in 0..<rows {
            for c in 0..<columns { target[c * rows + r] = source[r * columns + c] }
        }
    }
}
