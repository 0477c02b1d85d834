/// Matrix products over the last two axes of two row-major tensors whose leading (batch) axes
/// broadcast: BatchMatMul's and Einsum's kernel.
enum BatchedGemm {
    /// For each batch of the broadcast shape `batch`, the batch it reads in x and in y.
    static func pairs(xBatch: [Int], yBatch: [Int], batch: [Int]) -> [(x: Int, y: Int)] {
        let xStrides = Broadcasting.strides(of: xBatch, broadcastTo: batch)
        let yStrides = Broadcasting.strides(of: yBatch, broadcastTo: batch)
        return (0..<batch.reduce(1, *)).map { flat in
            var rest = flat, x = 0, y = 0
            for axis in batch.indices.reversed() {
                let coordinate = rest % batch[axis]
                rest /= batch[axis]
                (x, y) = (x + coordinate * xStrides[axis], y + coordinate * yStrides[axis])
            }
            return (x, y)
        }
    }

    /// float32: for each pair, x's [m, k] matrix times y's [k, n] matrix (y's [n, k] matrix read
    /// transposed when `transposeY`), through the packed micro-kernels, all batches in one parallel
    /// call; each of y's matrices is packed once however many batches read it.
    static func multiply(_ x: [Float], _ y: [Float], pairs: [(x: Int, y: Int)], m: Int, k: Int, n: Int,
                         transposeY: Bool) -> [Float] {
        let count = pairs.count * m * n
        return [Float](unsafeUninitializedCapacity: count) { c, initialized in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    guard let a = x.baseAddress, let b = y.baseAddress, let out = c.baseAddress else { return }
                    var packed: [Int: IndirectGemm.PackedWeights] = [:]
                    let products = pairs.enumerated().map { index, pair in
                        let weights = packed[pair.y] ?? IndirectGemm.pack(MatrixWeights(
                            b: b + pair.y * k * n, ldb: transposeY ? 1 : n, columnStride: transposeY ? k : 1,
                            channels: k, columns: n))
                        packed[pair.y] = weights
                        let operands = MatrixOperands(a: a + pair.x * m * k, lda: k, c: out + index * m * n, ldc: n,
                                                      rows: m, channels: k, columns: n)
                        return (operands: operands, weights: weights)
                    }
                    IndirectGemm.multiply(products)
                }
            }
            if x.isEmpty || y.isEmpty { c.initialize(repeating: 0) }
            initialized = count
        }
    }

    /// float64: the same products, y not transposed, through the plain loops.
    static func multiply(_ x: [Double], _ y: [Double], pairs: [(x: Int, y: Int)], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: pairs.count * m * n)
        guard k > 0 else { return c }
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                c.withUnsafeMutableBufferPointer { c in
                    for (index, pair) in pairs.enumerated() where m > 0 && n > 0 {
                        Gemm.multiply(m: m, n: n, k: k, a: x.baseAddress! + pair.x * m * k, lda: k,
                                      b: y.baseAddress! + pair.y * k * n, ldb: n,
                                      c: c.baseAddress! + index * m * n, ldc: n)
                    }
                }
            }
        }
        return c
    }

    /// x [batch..., m, k] · y [batch..., k, n] (y [batch..., n, k] when `transposeY`) with the batch
    /// axes broadcast to `batch`: [batch..., m, n]. Nil for dtypes other than float32 and float64.
    static func product(_ x: Tensor, _ y: Tensor, batch: [Int], transposeY: Bool) -> Tensor? {
        let m = x.shape[x.rank - 2], k = x.shape[x.rank - 1], n = transposeY ? y.shape[y.rank - 2] : y.shape[y.rank - 1]
        let pairs = pairs(xBatch: Array(x.shape.dropLast(2)), yBatch: Array(y.shape.dropLast(2)), batch: batch)
        let shape = batch + [m, n]
        switch (x.storage, y.storage) {
        case let (.float32(a), .float32(b)):
            return Tensor(shape: shape, scalars: multiply(a, b, pairs: pairs, m: m, k: k, n: n, transposeY: transposeY))
        case let (.float64(a), .float64(b)):
            let b = transposeY ? Layout.transpose(y, Layout.swappingLastAxes(y.rank)).scalars(as: Double.self)! : b
            return Tensor(shape: shape, scalars: multiply(a, b, pairs: pairs, m: m, k: k, n: n))
        default: return nil
        }
    }
}

extension Layout {
    /// The permutation that swaps the last two of `rank` axes (a batch of matrices transposed).
    static func swappingLastAxes(_ rank: Int) -> [Int] { Array(0..<(rank - 2)) + [rank - 1, rank - 2] }
}
