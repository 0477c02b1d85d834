import Foundation
import Dispatch

/// The A side and result of an indirect matrix product: row `i` of A is the concatenation, over
/// `taps`, of `channels` contiguous floats found through `fillSources`, and row `i` of the result
/// is written at `target(row:)`. A convolution's patches are read straight from its input this
/// way (XNNPACK's indirection idea), so they are never unrolled into memory.
protocol IndirectOperands {
    /// Rows of A and of the result.
    var rows: Int { get }
    /// Runs per row of A.
    var taps: Int { get }
    /// Floats per run.
    var channels: Int { get }
    /// Columns of the result.
    var columns: Int { get }
    /// Writes where row `row`'s run for each tap starts to `sources[tap * stride]`, `zeros` where
    /// the run lies in the padding.
    func fillSources(row: Int, _ sources: UnsafeMutablePointer<UnsafePointer<Float>>, stride: Int, zeros: UnsafePointer<Float>)
    /// Where row `row` of the result starts (`columns` contiguous floats).
    func target(row: Int) -> UnsafeMutablePointer<Float>
}

/// The B side of an indirect matrix product: `taps · channels` rows of `columns` values.
protocol IndirectWeights {
    var taps: Int { get }
    var channels: Int { get }
    var columns: Int { get }
    /// Where B's row at depth (`tap`, `channel`) starts, and the distance between its columns.
    func row(tap: Int, channel: Int) -> (start: UnsafePointer<Float>, stride: Int)
}

/// Single-precision `result = A · B` (or `+=`) for any `IndirectOperands` and `IndirectWeights`:
/// B packed (once, or once for many calls) into 16-column panels per depth block, A read in place
/// through a table of row pointers, and a 6×16 micro-kernel holding 12 SIMD8 accumulators (256-bit
/// fused multiply-adds when built for AVX2/FMA). Work is split over the cores by blocks of rows,
/// and by column panels when rows are few.
enum IndirectGemm {
    static let rowsPerTile = 6, columnsPerTile = 16
    /// Depth per block: a block's B panel (depth × 16) stays in L1, its A rows in L2.
    static let depthBlock = 256
    static let rowBlock = 96

    /// One stretch of the depth: `tapCount` taps from `firstTap`, channels `channelStart..<channelStart+length` of each.
    struct DepthBlock {
        var firstTap: Int, tapCount: Int, channelStart: Int, length: Int
        /// Where this block's panels start in packed B.
        var packedOffset: Int
        var depth: Int { tapCount * length }
    }

    /// Splits the depth into blocks of about `depthBlock`: whole taps grouped when runs are short,
    /// runs split into equal pieces when they are long.
    static func depthBlocks(taps: Int, channels: Int, paddedColumns: Int) -> [DepthBlock] {
        let pieces = (channels + depthBlock - 1) / depthBlock
        let tapsPerBlock = pieces > 1 ? 1 : max(1, depthBlock / max(1, channels))
        var blocks: [DepthBlock] = [], offset = 0
        for piece in 0..<pieces {
            let start = channels * piece / pieces, end = channels * (piece + 1) / pieces
            var tap = 0
            while tap < taps {
                let count = min(tapsPerBlock, taps - tap)
                blocks.append(DepthBlock(firstTap: tap, tapCount: count, channelStart: start, length: end - start, packedOffset: offset))
                offset += count * (end - start) * paddedColumns
                tap += count
            }
        }
        return blocks
    }

    /// B packed into 16-column panels per depth block, ready for any operands of the same B.
    final class PackedWeights: @unchecked Sendable {
        let values: UnsafeMutablePointer<Float>
        let blocks: [DepthBlock]
        let panels: Int, columns: Int, taps: Int, channels: Int

        fileprivate init(taps: Int, channels: Int, columns: Int) {
            (self.taps, self.channels, self.columns) = (taps, channels, columns)
            panels = (columns + columnsPerTile - 1) / columnsPerTile
            blocks = depthBlocks(taps: taps, channels: channels, paddedColumns: panels * columnsPerTile)
            values = .allocate(capacity: taps * channels * panels * columnsPerTile)
        }

        deinit { values.deallocate() }
    }

    /// Packs B, reading its rows whole and in parallel.
    static func pack<Weights: IndirectWeights>(_ b: Weights) -> PackedWeights {
        let packed = PackedWeights(taps: b.taps, channels: b.channels, columns: b.columns)
        let depth = b.taps * b.channels
        let shared = UncheckedSendable(b)
        Parallel.forEachChunk(depth, work: depth * b.columns * 8) { depths in
            pack(shared.value, packed.blocks, depths: depths, panels: packed.panels, into: packed.values)
        }
        return packed
    }

    /// `result = A · B` (`+=` when `accumulate`), B packed by `pack`.
    static func multiply<Operands: IndirectOperands>(_ operands: Operands, weights: PackedWeights, accumulate: Bool = false) {
        let m = operands.rows, n = operands.columns, taps = operands.taps, channels = operands.channels
        precondition(taps == weights.taps && channels == weights.channels && n == weights.columns, "weights packed for another shape")
        guard m > 0, n > 0 else { return }
        if taps == 0 || channels == 0 {
            if !accumulate { for i in 0..<m { operands.target(row: i).update(repeating: 0, count: n) } }
            return
        }
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: channels)
        zeros.initialize(repeating: 0, count: channels)
        defer { zeros.deallocate() }
        let work = m * n * taps * channels, panels = weights.panels
        let shared = UncheckedSendable((operands, weights, UnsafePointer(zeros)))

        // Row blocks, and column groups when there are too few row blocks to share.
        let rowBlocks = (m + rowBlock - 1) / rowBlock
        let columnGroups = work < Parallel.minimumWork || rowBlocks >= 4 * Parallel.cores
            ? 1 : min(panels, (4 * Parallel.cores + rowBlocks - 1) / rowBlocks)
        Parallel.forEachChunk(rowBlocks * columnGroups, work: work) { items in
            let (operands, weights, zeros) = shared.value
            let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: (rowBlock + rowsPerTile) * taps)
            let targets = UnsafeMutablePointer<UnsafeMutablePointer<Float>?>.allocate(capacity: rowBlock + rowsPerTile)
            defer { sources.deallocate(); targets.deallocate() }
            var tabled = -1
            for item in items {
                let rowBlockIndex = item / columnGroups, group = item % columnGroups
                let first = rowBlockIndex * rowBlock, count = min(rowBlock, m - first)
                let tiles = (count + rowsPerTile - 1) / rowsPerTile
                if tabled != rowBlockIndex {
                    // Pointer table: per tile, per tap, six row pointers (the zero run for padding and for rows past the end).
                    for tile in 0..<tiles {
                        for r in 0..<rowsPerTile {
                            let local = tile * rowsPerTile + r
                            let rowSources = sources + tile * taps * rowsPerTile + r
                            if local < count {
                                targets[local] = operands.target(row: first + local)
                                operands.fillSources(row: first + local, rowSources, stride: rowsPerTile, zeros: zeros)
                            } else {
                                targets[local] = nil
                                for tap in 0..<taps { rowSources[tap * rowsPerTile] = zeros }
                            }
                        }
                    }
                    tabled = rowBlockIndex
                }
                let firstPanel = panels * group / columnGroups, endPanel = panels * (group + 1) / columnGroups
                for (index, block) in weights.blocks.enumerated() {
                    let add = accumulate || index > 0
                    for panel in firstPanel..<endPanel {
                        let b = UnsafePointer(weights.values) + block.packedOffset + panel * block.depth * columnsPerTile
                        let width = min(columnsPerTile, n - panel * columnsPerTile)
                        for tile in 0..<tiles {
                            kernel(sources + (tile * taps + block.firstTap) * rowsPerTile, taps: block.tapCount,
                                   offset: block.channelStart, length: block.length, zeros: zeros, b: b,
                                   targets: targets + tile * rowsPerTile, column: panel * columnsPerTile, width: width, add: add)
                        }
                    }
                }
            }
        }
    }

    /// Packs the rows of B at the given depths (numbered in block order) into their blocks' panels:
    /// each panel is `depth` rows of 16 contiguous values, zero-padded on the right. Rows are read
    /// whole, one after another, which is what keeps this at memory speed.
    private static func pack<Weights: IndirectWeights>(_ b: Weights, _ blocks: [DepthBlock], depths: Range<Int>,
                                                       panels: Int, into packed: UnsafeMutablePointer<Float>) {
        var blockIndex = 0, blockStart = 0
        for depth in depths {
            while depth >= blockStart + blocks[blockIndex].depth { blockStart += blocks[blockIndex].depth; blockIndex += 1 }
            let block = blocks[blockIndex], local = depth - blockStart
            let (start, stride) = b.row(tap: block.firstTap + local / block.length, channel: block.channelStart + local % block.length)
            var target = packed + block.packedOffset + local * columnsPerTile
            for panel in 0..<panels {
                let row = start + panel * columnsPerTile * stride
                let width = min(columnsPerTile, b.columns - panel * columnsPerTile)
                if stride == 1 && width == columnsPerTile {
                    UnsafeMutableRawPointer(target).storeBytes(of: UnsafeRawPointer(row).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                } else {
                    for j in 0..<columnsPerTile { target[j] = j < width ? row[j * stride] : 0 }
                }
                target += block.depth * columnsPerTile
            }
        }
    }

    /// The micro-kernel: a 6×16 tile of the result over one depth block, reading six rows of A
    /// through `sources` (six pointers per tap) and a packed 16-column panel of B.
    @inline(__always)
    private static func kernel(_ sources: UnsafePointer<UnsafePointer<Float>>, taps: Int, offset: Int, length: Int,
                               zeros: UnsafePointer<Float>, b: UnsafePointer<Float>, targets: UnsafePointer<UnsafeMutablePointer<Float>?>,
                               column: Int, width: Int, add: Bool) {
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        var c40 = SIMD8<Float>(), c41 = SIMD8<Float>(), c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
        var pb = UnsafeRawPointer(b)
        for tap in 0..<taps {
            let row = sources + tap * rowsPerTile
            // A tap that lies in the padding for all six rows (a border row of the output) adds nothing.
            if row[0] == zeros && row[1] == zeros && row[2] == zeros && row[3] == zeros && row[4] == zeros && row[5] == zeros {
                pb += length * columnsPerTile * MemoryLayout<Float>.size
                continue
            }
            let a0 = row[0] + offset, a1 = row[1] + offset, a2 = row[2] + offset
            let a3 = row[3] + offset, a4 = row[4] + offset, a5 = row[5] + offset
            for p in 0..<length {
                let b0 = pb.loadUnaligned(as: SIMD8<Float>.self)
                let b1 = pb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                pb += 64
                var x = SIMD8<Float>(repeating: a0[p]); c00.addProduct(x, b0); c01.addProduct(x, b1)
                x = SIMD8<Float>(repeating: a1[p]); c10.addProduct(x, b0); c11.addProduct(x, b1)
                x = SIMD8<Float>(repeating: a2[p]); c20.addProduct(x, b0); c21.addProduct(x, b1)
                x = SIMD8<Float>(repeating: a3[p]); c30.addProduct(x, b0); c31.addProduct(x, b1)
                x = SIMD8<Float>(repeating: a4[p]); c40.addProduct(x, b0); c41.addProduct(x, b1)
                x = SIMD8<Float>(repeating: a5[p]); c50.addProduct(x, b0); c51.addProduct(x, b1)
            }
        }
        store(c00, c01, targets[0], column: column, width: width, add: add)
        store(c10, c11, targets[1], column: column, width: width, add: add)
        store(c20, c21, targets[2], column: column, width: width, add: add)
        store(c30, c31, targets[3], column: column, width: width, add: add)
        store(c40, c41, targets[4], column: column, width: width, add: add)
        store(c50, c51, targets[5], column: column, width: width, add: add)
    }

    @inline(__always)
    private static func store(_ low: SIMD8<Float>, _ high: SIMD8<Float>, _ row: UnsafeMutablePointer<Float>?,
                              column: Int, width: Int, add: Bool) {
        guard let row else { return }
        let target = row + column
        if width == columnsPerTile {
            let raw = UnsafeMutableRawPointer(target)
            if add {
                raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + low, as: SIMD8<Float>.self)
                raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) + high, toByteOffset: 32, as: SIMD8<Float>.self)
            } else {
                raw.storeBytes(of: low, as: SIMD8<Float>.self)
                raw.storeBytes(of: high, toByteOffset: 32, as: SIMD8<Float>.self)
            }
        } else {
            for j in 0..<width {
                let value = j < 8 ? low[j] : high[j - 8]
                target[j] = add ? target[j] + value : value
            }
        }
    }
}

/// The A side and result of a plain row-major product `c[m×n] = a[m×k] · B`.
struct MatrixOperands: IndirectOperands {
    let a: UnsafePointer<Float>, lda: Int
    let c: UnsafeMutablePointer<Float>, ldc: Int
    let rows: Int, channels: Int, columns: Int
    var taps: Int { 1 }

    func fillSources(row: Int, _ sources: UnsafeMutablePointer<UnsafePointer<Float>>, stride: Int, zeros: UnsafePointer<Float>) {
        sources[0] = a + row * lda
    }

    func target(row: Int) -> UnsafeMutablePointer<Float> { c + row * ldc }
}

/// A [k×n] matrix B whose element (p, j) is at `b[p·ldb + j·columnStride]`, so that a B stored
/// transposed is read in place.
struct MatrixWeights: IndirectWeights {
    let b: UnsafePointer<Float>, ldb: Int, columnStride: Int
    let channels: Int, columns: Int
    var taps: Int { 1 }

    func row(tap: Int, channel: Int) -> (start: UnsafePointer<Float>, stride: Int) { (b + channel * ldb, columnStride) }
}
