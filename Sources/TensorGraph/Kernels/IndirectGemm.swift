import Dispatch
import Foundation
import TensorGraphKernels

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
    /// For the `i`th row of `rows`, in order: writes where its run for each tap starts to the slots
    /// `sources.nextRow()` gives (tap k's at `[k * sources.tileRows]`), `zeros` where the run lies
    /// in the padding, and `target(row:)` to `targets[i]`. Rows come in order, so an implementation
    /// can step from one to the next.
    func fillSources(rows: Range<Int>, zeros: UnsafePointer<Float>, sources: inout SourceTable,
                     targets: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>)
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
/// B packed (once, or once for many calls) into panels of the micro-kernel's width per depth block,
/// A read in place through a table of row pointers, and a micro-kernel of the instruction set chosen
/// at run time (`InstructionSet`) computing one tile of rows × panel at a time in registers. Work
/// is split over the cores by blocks of rows, and by column panels when rows are few.
enum IndirectGemm {
    /// Depth per block: a block's B panel (depth × panel width) stays in L1, its A rows in L2.
    static let depthBlock = 256
    /// Tiles per block of rows: the rows whose pointer table is built at once.
    static let tilesPerRowBlock = 8

    /// One stretch of the depth: `tapCount` taps from `firstTap`, channels
    /// `channelStart..<channelStart+length` of each.
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
                blocks.append(DepthBlock(firstTap: tap, tapCount: count, channelStart: start, length: end - start,
                                         packedOffset: offset))
                offset += count * (end - start) * paddedColumns
                tap += count
            }
        }
        return blocks
    }

    /// B packed into panels per depth block for one micro-kernel, which it keeps: weights packed
    /// for one instruction set are only ever read by that instruction set's kernel.
    final class PackedWeights: @unchecked Sendable {
        let values: UnsafeMutablePointer<Float>
        let kernel: GemmKernel
        let blocks: [DepthBlock]
        let panels: Int, columns: Int, taps: Int, channels: Int

        fileprivate init(taps: Int, channels: Int, columns: Int, kernel: GemmKernel) {
            (self.taps, self.channels, self.columns, self.kernel) = (taps, channels, columns, kernel)
            panels = (columns + kernel.panel - 1) / kernel.panel
            blocks = depthBlocks(taps: taps, channels: channels, paddedColumns: panels * kernel.panel)
            // Aligned for the widest vector load of a panel row (64 bytes).
            let count = max(1, taps * channels * panels * kernel.panel)
            values = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.size, alignment: 64)
                .bindMemory(to: Float.self, capacity: count)
        }

        deinit { values.deallocate() }

        /// Where the panel `panel` of depth block `block` starts.
        func panel(block: Int, _ panel: Int) -> UnsafePointer<Float> {
            UnsafePointer(values + blocks[block].packedOffset + panel * blocks[block].depth * kernel.panel)
        }
    }

    /// Packs B for `isa`'s micro-kernel, reading B's rows whole and in parallel.
    static func pack<Weights: IndirectWeights>(_ b: Weights, for isa: InstructionSet = .active) -> PackedWeights {
        let kernel = GemmKernel(isa, columns: b.columns)
        let packed = PackedWeights(taps: b.taps, channels: b.channels, columns: b.columns, kernel: kernel)
        let depth = b.taps * b.channels
        let shared = UncheckedSendable(b)
        Parallel.forEachChunk(depth, work: depth * b.columns * 8) { depths in
            pack(shared.value, packed.blocks, depths: depths, panels: packed.panels, width: kernel.panel,
                 into: packed.values)
        }
        return packed
    }

    /// `result = A · B` (`+=` when `accumulate`), B packed by `pack`, with the kernel it was packed for.
    static func multiply<Operands: IndirectOperands>(_ operands: Operands, weights: PackedWeights,
                                                     accumulate: Bool = false, epilogue: Epilogue? = nil) {
        multiply([(operands, weights)], accumulate: accumulate, epilogue: epilogue)
    }

    /// One product of a batch, and how its work is cut: blocks of rows, and groups of column panels
    /// when there are too few row blocks to share.
    private struct Product<Operands: IndirectOperands> {
        let operands: Operands, weights: PackedWeights
        let rowBlock: Int, rowBlocks: Int, columnGroups: Int
        /// The product's first work item among all of the batch's.
        let firstItem: Int
        var items: Int { rowBlocks * columnGroups }

        /// `rows` cut into blocks of at most `tilesPerRowBlock` tiles, as equal as whole tiles make
        /// them (196 rows are 72 + 72 + 52, not 96 + 96 + 4): rows per block, and blocks.
        static func rowBlocks(rows: Int, tileRows: Int) -> (size: Int, count: Int) {
            let tiles = (rows + tileRows - 1) / tileRows
            let blocks = (tiles + tilesPerRowBlock - 1) / tilesPerRowBlock
            let size = (tiles + blocks - 1) / blocks * tileRows
            return (size, (rows + size - 1) / size)
        }
    }

    /// Work items a parallel product aims for, per core, when its rows alone give too few: each
    /// core claims the next item as it gets free, so they finish within about one item of each other.
    static let itemsPerCore = 8

    /// Several independent products `result = A · B` in one parallel region, so the threads are
    /// started and waited for once (the stride phases of a transposed convolution over all its
    /// images are 4 × images products of a few milliseconds each). `epilogue` finishes each row.
    static func multiply<Operands: IndirectOperands>(_ products: [(operands: Operands, weights: PackedWeights)],
                                                     accumulate: Bool = false, epilogue: Epilogue? = nil) {
        var live: [(operands: Operands, weights: PackedWeights)] = [], work = 0, rowBlocks = 0, channels = 1
        for (operands, weights) in products {
            let m = operands.rows, n = operands.columns
            precondition(operands.taps == weights.taps && operands.channels == weights.channels && n == weights.columns,
                         "weights packed for another shape")
            guard m > 0, n > 0 else { continue }
            guard operands.taps > 0, operands.channels > 0 else {
                for i in 0..<m {
                    if !accumulate { operands.target(row: i).update(repeating: 0, count: n) }
                    epilogue?.apply(to: operands.target(row: i), columns: 0..<n, kernels: weights.kernel.isa.kernels)
                }
                continue
            }
            live.append((operands, weights))
            work += m * n * operands.taps * operands.channels
            rowBlocks += Product<Operands>.rowBlocks(rows: m, tileRows: weights.kernel.rows).count
            channels = max(channels, operands.channels)
        }
        guard !live.isEmpty else { return }
        let wanted = itemsPerCore * Parallel.cores
        var plan: [Product<Operands>] = [], items = 0
        for (operands, weights) in live {
            let (rowBlock, blocks) = Product<Operands>.rowBlocks(rows: operands.rows, tileRows: weights.kernel.rows)
            // Column groups of equal panel counts, enough to give every core several items.
            let panelsPerGroup = work < Parallel.minimumWork || rowBlocks >= wanted
                ? weights.panels : max(1, weights.panels * rowBlocks / wanted)
            let groups = (weights.panels + panelsPerGroup - 1) / panelsPerGroup
            plan.append(Product(operands: operands, weights: weights, rowBlock: rowBlock, rowBlocks: blocks,
                                columnGroups: groups, firstItem: items))
            items += blocks * groups
        }
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: channels)
        zeros.initialize(repeating: 0, count: channels)
        defer { zeros.deallocate() }
        let tableSize = plan.map { $0.rowBlock * $0.operands.taps }.max()!, targetSize = plan.map(\.rowBlock).max()!
        let shared = UncheckedSendable((plan, UnsafePointer(zeros)))
        Parallel.forEachClaimed(items, work: work) { claim in
            let (plan, zeros) = shared.value
            let sources = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: tableSize)
            let targets = UnsafeMutablePointer<UnsafeMutablePointer<Float>?>.allocate(capacity: targetSize)
            defer { sources.deallocate(); targets.deallocate() }
            // A core's claims only grow, so the product they fall in only moves forward.
            var index = 0, tabled = -1, rows = 0
            while let item = claim() {
                while item >= plan[index].firstItem + plan[index].items { (index, tabled) = (index + 1, -1) }
                let product = plan[index], local = item - product.firstItem
                let rowBlockIndex = local / product.columnGroups, group = local % product.columnGroups
                if tabled != rowBlockIndex {
                    let first = rowBlockIndex * product.rowBlock
                    rows = min(product.rowBlock, product.operands.rows - first)
                    tabulate(product.operands, rows: first..<first + rows, tileRows: product.weights.kernel.rows,
                             sources: sources, targets: targets, zeros: zeros)
                    tabled = rowBlockIndex
                }
                run(product, group: group, rows: rows, sources: sources, targets: targets, zeros: zeros,
                    accumulate: accumulate, epilogue: epilogue)
            }
        }
    }

    /// The micro-kernel over every depth block and the column panels of `group`, for the `rows`
    /// rows of one tabulated block. The last depth block's call applies the epilogue in registers
    /// when the kernel can; otherwise each row gets it after.
    private static func run<Operands>(_ product: Product<Operands>, group: Int, rows: Int,
                                      sources: UnsafeMutablePointer<UnsafePointer<Float>?>,
                                      targets: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>,
                                      zeros: UnsafePointer<Float>, accumulate: Bool, epilogue: Epilogue?) {
        let weights = product.weights, kernel = weights.kernel, n = product.operands.columns
        let tileRows = kernel.rows, taps = product.operands.taps, panels = weights.panels
        let tiles = (rows + tileRows - 1) / tileRows, lastRows = rows - (tiles - 1) * tileRows
        let firstPanel = panels * group / product.columnGroups, endPanel = panels * (group + 1) / product.columnGroups
        let fused = kernel.fusesEpilogue ? epilogue?.kernelForm : nil
        let blocks = weights.blocks
        for (index, block) in blocks.enumerated() {
            let finish = index == blocks.count - 1 ? fused : nil
            for panel in firstPanel..<endPanel {
                // The panel the next call reads, prefetched while this one computes.
                let next = panel + 1 < endPanel ? (index, panel + 1)
                    : index + 1 < blocks.count ? (index + 1, firstPanel) : nil
                var call = tg_gemm_block(
                    sources: sources + block.firstTap * tileRows, tile_stride: taps * tileRows,
                    taps: block.tapCount, offset: block.channelStart, length: block.length, zeros: zeros,
                    b: weights.panel(block: index, panel), targets: targets, column: panel * kernel.panel,
                    width: min(kernel.panel, n - panel * kernel.panel), accumulate: accumulate || index > 0 ? 1 : 0,
                    last_rows: lastRows, bias: finish?.bias, activation: finish?.activation ?? TG_GEMM_LINEAR,
                    alpha: finish?.alpha ?? 0, ahead: next.map { weights.panel(block: $0.0, $0.1) },
                    ahead_length: next.map { blocks[$0.0].depth * kernel.panel } ?? 0)
                kernel.run(&call, tiles)
            }
        }
        guard let epilogue, fused == nil else { return }
        let columns = min(n, firstPanel * kernel.panel)..<min(n, endPanel * kernel.panel), kernels = kernel.isa.kernels
        for row in 0..<rows {
            guard let target = targets[row] else { continue }
            epilogue.apply(to: target, columns: columns, kernels: kernels)
        }
    }

    /// Fills the pointer table of a block of rows: per tile, per tap, `tileRows` row pointers (the
    /// zero run for padding and for rows past the end), and each row's target (nil past the end).
    private static func tabulate<Operands: IndirectOperands>(
        _ operands: Operands, rows: Range<Int>, tileRows: Int, sources: UnsafeMutablePointer<UnsafePointer<Float>?>,
        targets: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>, zeros: UnsafePointer<Float>
    ) {
        let taps = operands.taps, tiles = (rows.count + tileRows - 1) / tileRows
        var table = SourceTable(start: sources, tileRows: tileRows, taps: taps)
        operands.fillSources(rows: rows, zeros: zeros, sources: &table, targets: targets)
        for local in rows.count..<tiles * tileRows {
            targets[local] = nil
            let row = table.nextRow()
            for tap in 0..<taps { row[tap * tileRows] = zeros }
        }
    }

    /// Packs the rows of B at the given depths (numbered in block order) into their blocks' panels:
    /// each panel is `depth` rows of `width` contiguous values, zero-padded on the right. Rows are
    /// read whole, one after another, which is what keeps this at memory speed.
    private static func pack<Weights: IndirectWeights>(_ b: Weights, _ blocks: [DepthBlock], depths: Range<Int>,
                                                       panels: Int, width: Int,
                                                       into packed: UnsafeMutablePointer<Float>) {
        var blockIndex = 0, blockStart = 0
        for depth in depths {
            while depth >= blockStart + blocks[blockIndex].depth {
                blockStart += blocks[blockIndex].depth
                blockIndex += 1
            }
            let block = blocks[blockIndex], local = depth - blockStart
            let (start, stride) = b.row(tap: block.firstTap + local / block.length,
                                        channel: block.channelStart + local % block.length)
            var target = packed + block.packedOffset + local * width
            for panel in 0..<panels {
                let row = start + panel * width * stride
                let valid = min(width, b.columns - panel * width)
                if stride == 1 {
                    target.update(from: row, count: valid)
                } else {
                    for j in 0..<valid { target[j] = row[j * stride] }
                }
                (target + valid).update(repeating: 0, count: width - valid)
                target += block.depth * width
            }
        }
    }
}

/// The row pointers of a block of rows as a micro-kernel reads them: per tile, per tap, one
/// pointer per row of the tile. Filled row after row, so that finding a row's slots takes no division.
struct SourceTable {
    let start: UnsafeMutablePointer<UnsafePointer<Float>?>
    let tileRows: Int, taps: Int
    private var tile = 0, row = 0

    init(start: UnsafeMutablePointer<UnsafePointer<Float>?>, tileRows: Int, taps: Int) {
        (self.start, self.tileRows, self.taps) = (start, tileRows, taps)
    }

    /// The next row's slots: its run for tap k goes at `[k * tileRows]`.
    mutating func nextRow() -> UnsafeMutablePointer<UnsafePointer<Float>?> {
        let slots = start + tile * taps * tileRows + row
        row += 1
        if row == tileRows { (tile, row) = (tile + 1, 0) }
        return slots
    }
}

/// A matrix-product micro-kernel of one instruction set, and the tile it computes.
struct GemmKernel: @unchecked Sendable {
    let isa: InstructionSet
    /// Rows of a tile, and columns of a packed panel of B.
    let rows: Int, panel: Int
    let run: tg_gemm_kernel_fn
    /// Whether the kernel adds a bias and applies Relu, Relu6 or LeakyRelu as it stores.
    let fusesEpilogue: Bool

    /// `isa`'s kernel for a product `columns` wide.
    init(_ isa: InstructionSet, columns: Int) {
        let kernel = isa.kernels.gemm(columns)
        guard let run = kernel.run else { preconditionFailure("no \(isa) matrix kernel in this build") }
        (self.isa, rows, panel, self.run) = (isa, Int(kernel.rows), Int(kernel.panel), run)
        fusesEpilogue = kernel.epilogue != 0
    }
}

/// The A side and result of a plain row-major product `c[m×n] = a[m×k] · B`.
struct MatrixOperands: IndirectOperands {
    let a: UnsafePointer<Float>, lda: Int
    let c: UnsafeMutablePointer<Float>, ldc: Int
    let rows: Int, channels: Int, columns: Int
    var taps: Int { 1 }

    func fillSources(rows: Range<Int>, zeros: UnsafePointer<Float>, sources: inout SourceTable,
                     targets: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>) {
        for (local, row) in rows.enumerated() {
            sources.nextRow()[0] = a + row * lda
            targets[local] = target(row: row)
        }
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
