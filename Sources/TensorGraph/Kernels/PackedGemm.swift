/// Single-precision matrix multiplication with packed panels and an 6×16 register tile of SIMD
/// multiply-adds (the BLIS scheme): B is packed into 16-column panels once per block, each
/// thread packs its rows of A into 6-row panels, and the micro-kernel keeps 12 SIMD8 accumulators
/// in registers. Built with `-Xcc -march=native` (or any AVX2/FMA target) the SIMD8 arithmetic
/// becomes 256-bit fused multiply-adds; built for baseline x86-64 it still runs, as SSE pairs.
enum PackedGemm {
    static let rowsPerTile = 6, columnsPerTile = 16
    static let depthBlock = 256, rowBlock = 96, columnBlock = 1536

    /// `c[m×n] = a[m×k] · b[k×n]` (added to `c` when `accumulate`), row-major with leading dimensions.
    static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        if k == 0 {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: depthBlock * (columnBlock + columnsPerTile))
        defer { packedB.deallocate() }
        var jc = 0
        while jc < n {
            let nb = min(columnBlock, n - jc)
            var pc = 0
            while pc < k {
                let kb = min(depthBlock, k - pc)
                packB(b + pc * ldb + jc, ldb: ldb, depth: kb, columns: nb, into: packedB)
                let add = accumulate || pc > 0
                let shared = UncheckedSendable((a, c, UnsafePointer(packedB)))
                // Enough row blocks to keep every core busy even when m is small.
                let cores = ProcessInfo.processInfo.activeProcessorCount
                let blockRows = min(rowBlock, max(rowsPerTile, ((m + cores - 1) / cores + rowsPerTile - 1) / rowsPerTile * rowsPerTile))
                let rowBlocks = (m + blockRows - 1) / blockRows
                Parallel.forEachChunk(rowBlocks, work: m * nb * kb) { blocks in
                    let (a, c, packedB) = shared.value
                    let packedA = UnsafeMutablePointer<Float>.allocate(capacity: kb * (rowBlock + rowsPerTile))
                    defer { packedA.deallocate() }
                    for block in blocks {
                        let ic = block * blockRows, mb = min(blockRows, m - ic)
                        packA(a + ic * lda + pc, lda: lda, rows: mb, depth: kb, into: packedA)
                        var jr = 0
                        while jr < nb {
                            var ir = 0
                            while ir < mb {
                                tile(depth: kb, a: packedA + ir * kb, b: packedB + jr * kb,
                                     c: c + (ic + ir) * ldc + jc + jr, ldc: ldc,
                                     rows: min(rowsPerTile, mb - ir), columns: min(columnsPerTile, nb - jr), add: add)
                                ir += rowsPerTile
                            }
                            jr += columnsPerTile
                        }
                    }
                }
                pc += kb
            }
            jc += nb
        }
    }

    /// B's block as 16-column panels, each `depth` rows of 16 contiguous values, zero-padded.
    private static func packB(_ b: UnsafePointer<Float>, ldb: Int, depth: Int, columns: Int, into packed: UnsafeMutablePointer<Float>) {
        var target = packed
        var j = 0
        while j < columns {
            let width = min(columnsPerTile, columns - j)
            for p in 0..<depth {
                let row = b + p * ldb + j
                if width == columnsPerTile {
                    target.update(from: row, count: columnsPerTile)
                } else {
                    target.update(from: row, count: width)
                    (target + width).update(repeating: 0, count: columnsPerTile - width)
                }
                target += columnsPerTile
            }
            j += columnsPerTile
        }
    }

    /// A's block as 6-row panels, each `depth` columns of 6 interleaved values, zero-padded.
    private static func packA(_ a: UnsafePointer<Float>, lda: Int, rows: Int, depth: Int, into packed: UnsafeMutablePointer<Float>) {
        var target = packed
        var i = 0
        while i < rows {
            let height = min(rowsPerTile, rows - i)
            for p in 0..<depth {
                for r in 0..<rowsPerTile { target[r] = r < height ? a[(i + r) * lda + p] : 0 }
                target += rowsPerTile
            }
            i += rowsPerTile
        }
    }

    /// The micro-kernel: a 6×16 tile of C from a packed 6-row panel of A and 16-column panel of B.
    @inline(__always)
    private static func tile(depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                             rows: Int, columns: Int, add: Bool) {
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        var c40 = SIMD8<Float>(), c41 = SIMD8<Float>(), c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
        let rawB = UnsafeRawPointer(b)
        var pa = a
        for p in 0..<depth {
            let b0 = rawB.loadUnaligned(fromByteOffset: p * 64, as: SIMD8<Float>.self)
            let b1 = rawB.loadUnaligned(fromByteOffset: p * 64 + 32, as: SIMD8<Float>.self)
            var x = SIMD8<Float>(repeating: pa[0]); c00.addProduct(x, b0); c01.addProduct(x, b1)
            x = SIMD8<Float>(repeating: pa[1]); c10.addProduct(x, b0); c11.addProduct(x, b1)
            x = SIMD8<Float>(repeating: pa[2]); c20.addProduct(x, b0); c21.addProduct(x, b1)
            x = SIMD8<Float>(repeating: pa[3]); c30.addProduct(x, b0); c31.addProduct(x, b1)
            x = SIMD8<Float>(repeating: pa[4]); c40.addProduct(x, b0); c41.addProduct(x, b1)
            x = SIMD8<Float>(repeating: pa[5]); c50.addProduct(x, b0); c51.addProduct(x, b1)
            pa += rowsPerTile
        }
        let results = [(c00, c01), (c10, c11), (c20, c21), (c30, c31), (c40, c41), (c50, c51)]
        for r in 0..<rows {
            let row = c + r * ldc
            let (low, high) = results[r]
            if columns == columnsPerTile {
                let raw = UnsafeMutableRawPointer(row)
                if add {
                    raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + low, as: SIMD8<Float>.self)
                    raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) + high, toByteOffset: 32, as: SIMD8<Float>.self)
                } else {
                    raw.storeBytes(of: low, as: SIMD8<Float>.self)
                    raw.storeBytes(of: high, toByteOffset: 32, as: SIMD8<Float>.self)
                }
            } else {
                for j in 0..<columns {
                    let value = j < 8 ? low[j] : high[j - 8]
                    row[j] = add ? row[j] + value : value
                }
            }
        }
    }
}

import Foundation
