/// The order in which an indirect convolution visits its output pixels: pixels whose windows hang
/// over the same borders come together, largest group (the interior) first. A tile then has the
/// same taps in the padding for all its rows, and the product skips them, instead of multiplying
/// zeros for the rows of a tile that sit at a border (7% of conv2d (b)'s work for the columns,
/// as much again for the rows). Rows are grouped so only when every group of them holds a block
/// of rows over the images: a batch-1 image's top row alone would make a part-empty tile.
struct PixelOrder: Sendable {
    /// Pixels whose windows reach the padding alike: rows `rows` of `rowList` by columns
    /// `columns` of `columnList`, in every image, from row `start` of the order.
    private struct Group: Sendable {
        let rows: Range<Int>, columns: Range<Int>, start: Int
    }

    private let rowList: [Int], columnList: [Int]
    private let groups: [Group]
    private let images: Int

    /// The pixels a group of rows should have at least, over the images: a block of rows.
    static let smallestRowGroup = 96

    /// `rowPattern(y)` and `columnPattern(x)` tell which of a window's taps lie inside the input.
    init(images: Int, height: Int, width: Int, rowPattern: (Int) -> [Bool], columnPattern: (Int) -> [Bool]) {
        var rowGroups = Self.alike(height, rowPattern)
        if rowGroups.contains(where: { images * $0.count * width < Self.smallestRowGroup }) {
            rowGroups = height > 0 ? [Array(0..<height)] : []
        }
        let columnGroups = Self.alike(width, columnPattern)
        func ranges(_ groups: [[Int]]) -> [Range<Int>] {
            var end = 0
            return groups.map { group in defer { end += group.count }; return end..<end + group.count }
        }
        let pairs = ranges(rowGroups).flatMap { rows in ranges(columnGroups).map { (rows, $0) } }
            .sorted { $0.0.count * $0.1.count > $1.0.count * $1.1.count }
        var start = 0
        groups = pairs.map { rows, columns in
            defer { start += images * rows.count * columns.count }
            return Group(rows: rows, columns: columns, start: start)
        }
        (rowList, columnList, self.images) = (rowGroups.flatMap { $0 }, columnGroups.flatMap { $0 }, images)
    }

    /// `0..<count` grouped by `pattern`, in order within each group.
    private static func alike(_ count: Int, _ pattern: (Int) -> [Bool]) -> [[Int]] {
        var byPattern: [[Bool]: [Int]] = [:], patterns: [[Bool]] = []
        for index in 0..<count {
            let key = pattern(index)
            if byPattern[key] == nil { patterns.append(key) }
            byPattern[key, default: []].append(index)
        }
        return patterns.map { byPattern[$0]! }
    }

    /// The image (counted from the first one covered), row index and column index of `row`.
    func pixel(_ row: Int) -> (n: Int, y: Int, x: Int) {
        var found = (0, 0, 0)
        forEach(row..<row + 1) { found = ($0, $1, $2) }
        return found
    }

    /// Calls `body(n, y, x)` with the pixel of each row of `rows`, in order, stepping from one to the
    /// next without dividing (the division per row cost as much as a narrow layer's product).
    @inline(__always)
    func forEach(_ rows: Range<Int>, _ body: (Int, Int, Int) -> Void) {
        guard !rows.isEmpty else { return }
        var index = groups.count - 1
        while groups[index].start > rows.lowerBound { index -= 1 }
        var group = groups[index]
        let local = rows.lowerBound - group.start, perImage = group.rows.count * group.columns.count
        var n = local / perImage, i = local % perImage / group.columns.count, j = local % group.columns.count
        rowList.withUnsafeBufferPointer { rowList in
            columnList.withUnsafeBufferPointer { columnList in
                for _ in rows {
                    body(n, rowList[group.rows.lowerBound + i], columnList[group.columns.lowerBound + j])
                    j += 1
                    guard j == group.columns.count else { continue }
                    (j, i) = (0, i + 1)
                    guard i == group.rows.count else { continue }
                    (i, n) = (0, n + 1)
                    guard n == images, index + 1 < groups.count else { continue }
                    (n, index) = (0, index + 1)
                    group = groups[index]
                }
            }
        }
    }
}

/// How a forward convolution's depth (kh·kw·C, the filter's [kh, kw, C] order) is cut into taps:
/// one per kernel cell, or one per kernel row when window rows are contiguous in the image.
struct ConvolutionTaps: Sendable {
    /// Kernel columns per tap: 1, or all of them.
    let kernelColumns: Int
    let count: Int, channels: Int

    init(_ g: ConvolutionGeometry) {
        kernelColumns = g.windowRowsAreContiguous ? g.columns.kernel : 1
        count = g.rows.kernel * g.columns.kernel / kernelColumns
        channels = kernelColumns * g.imageChannels
    }
}

/// Conv2D as an indirect product: one row per grid position (output pixel), one tap per kernel
/// cell, each tap's run the `imageChannels` floats of the image pixel under it (or one tap per
/// kernel row, `ConvolutionTaps`).
struct ConvolutionOperands: IndirectOperands {
    let image: UnsafePointer<Float>, grid: UnsafeMutablePointer<Float>
    let g: ConvolutionGeometry
    let cut: ConvolutionTaps
    let layout: TapLayout
    let order: PixelOrder

    init(image: UnsafePointer<Float>, grid: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry) {
        (self.image, self.grid, self.g) = (image, grid, g)
        let cut = ConvolutionTaps(g)
        self.cut = cut
        layout = TapLayout(
            height: g.imageHeight, width: g.imageWidth, channels: g.imageChannels, rowStride: g.rows.stride,
            columnStride: g.columns.stride, tapRows: (0..<g.rows.kernel).map { $0 * g.rows.dilation - g.padTop },
            tapColumns: Swift.stride(from: 0, to: g.columns.kernel, by: cut.kernelColumns).map {
                $0 * g.columns.dilation - g.padLeft
            })
        order = layout.order(images: g.batch, outputHeight: g.gridHeight, outputWidth: g.gridWidth)
    }

    var rows: Int { g.batch * g.gridHeight * g.gridWidth }
    var taps: Int { cut.count }
    var channels: Int { cut.channels }
    var columns: Int { g.gridChannels }

    func fillSources(rows: Range<Int>, zeros: UnsafePointer<Float>, sources: inout SourceTable,
                     targets: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>) {
        layout.fill(rows: rows, of: order, from: image, firstImage: 0, zeros: zeros, sources: &sources,
                    targets: targets, target: target)
    }

    func target(row: Int) -> UnsafeMutablePointer<Float> {
        let (n, oy, ox) = order.pixel(row)
        return target(n, oy, ox)
    }

    private func target(_ n: Int, _ oy: Int, _ ox: Int) -> UnsafeMutablePointer<Float> {
        grid + ((n * g.gridHeight + oy) * g.gridWidth + ox) * g.gridChannels
    }
}

/// Conv2D's filter [kh, kw, C, O] as B: [kh·kw·C, O], as it lies, in the taps of `ConvolutionTaps`.
struct ConvolutionFilter: IndirectWeights {
    let filter: UnsafePointer<Float>
    let g: ConvolutionGeometry
    let cut: ConvolutionTaps

    init(filter: UnsafePointer<Float>, g: ConvolutionGeometry) {
        (self.filter, self.g, cut) = (filter, g, ConvolutionTaps(g))
    }

    var taps: Int { cut.count }
    var channels: Int { cut.channels }
    var columns: Int { g.gridChannels }

    func row(tap: Int, channel: Int) -> (start: UnsafePointer<Float>, stride: Int) {
        (filter + (tap * cut.channels + channel) * g.gridChannels, 1)
    }
}

/// The kernel cells that reach one stride phase of a transposed convolution: the image pixels
/// whose padded row is ≡ `rowPhase` (mod stride) and column ≡ `columnPhase` are reached by the
/// same cells.
struct StridePhase: Sendable {
    let rowPhase: Int, columnPhase: Int
    let kernelRows: [Int], kernelColumns: [Int]

    init(rowPhase: Int, columnPhase: Int, _ g: ConvolutionGeometry) {
        func cells(_ w: WindowGeometry, _ phase: Int) -> [Int] {
            (0..<w.kernel).filter { ($0 * w.dilation) % w.stride == phase }
        }
        (self.rowPhase, self.columnPhase) = (rowPhase, columnPhase)
        kernelRows = cells(g.rows, rowPhase)
        kernelColumns = cells(g.columns, columnPhase)
    }

    /// Every phase of `g`'s strides.
    static func all(_ g: ConvolutionGeometry) -> [StridePhase] {
        (0..<g.rows.stride).flatMap { row in
            (0..<g.columns.stride).map { StridePhase(rowPhase: row, columnPhase: $0, g) }
        }
    }

    var taps: Int { kernelRows.count * kernelColumns.count }
}

/// One stride phase of Conv2DBackpropInput (conv2d_transpose) as an indirect product: the phase's
/// image pixels gather their grid pixels like a stride-1 convolution with the phase's cells only,
/// so the phases together do exactly the FLOP count, with no zero-stuffed input and no scatter.
/// Rows cover the images in `images`.
struct TransposedConvolutionPhase: IndirectOperands {
    let grid: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>
    let g: ConvolutionGeometry
    let phase: StridePhase
    let images: Range<Int>
    /// The phase's first image row and column, and how many rows and columns it has.
    let firstY: Int, firstX: Int
    let phaseHeight: Int, phaseWidth: Int
    /// The grid row of tap k from the phase's row i is `i + tapRows[k]` (exact, as the phase's
    /// cells were chosen so), and likewise for columns.
    let layout: TapLayout
    let order: PixelOrder

    init(
        grid: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry, phase: StridePhase,
        images: Range<Int>
    ) {
        (self.grid, self.image, self.g, self.phase, self.images) = (grid, image, g, phase, images)
        let (padTop, padLeft) = (g.padTop, g.padLeft)
        func first(_ pad: Int, _ stride: Int, _ phase: Int) -> Int { ((phase - pad) % stride + stride) % stride }
        func count(_ size: Int, _ first: Int, _ stride: Int) -> Int {
            size > first ? (size - first + stride - 1) / stride : 0
        }
        let firstX = first(padLeft, g.columns.stride, phase.columnPhase)
        let firstY = first(padTop, g.rows.stride, phase.rowPhase)
        (self.firstX, self.firstY) = (firstX, firstY)
        phaseHeight = count(g.imageHeight, firstY, g.rows.stride)
        phaseWidth = count(g.imageWidth, firstX, g.columns.stride)
        layout = TapLayout(
            height: g.gridHeight, width: g.gridWidth, channels: g.gridChannels, rowStride: 1, columnStride: 1,
            tapRows: phase.kernelRows.map { (firstY + padTop - $0 * g.rows.dilation) / g.rows.stride },
            tapColumns: phase.kernelColumns.map { (firstX + padLeft - $0 * g.columns.dilation) / g.columns.stride })
        order = layout.order(images: images.count, outputHeight: phaseHeight, outputWidth: phaseWidth)
    }

    var rows: Int { images.count * phaseHeight * phaseWidth }
    var taps: Int { phase.taps }
    var channels: Int { g.gridChannels }
    var columns: Int { g.imageChannels }

    /// The image pixel (batch, y, x) of a row.
    @inline(__always)
    private func pixel(_ row: Int) -> (n: Int, y: Int, x: Int) {
        let (n, i, j) = order.pixel(row)
        return pixel(n, i, j)
    }

    /// The image pixel of the phase's `i`th row and `j`th column in the `n`th image covered.
    @inline(__always)
    private func pixel(_ n: Int, _ i: Int, _ j: Int) -> (n: Int, y: Int, x: Int) {
        (images.lowerBound + n, firstY + i * g.rows.stride, firstX + j * g.columns.stride)
    }

    func fillSources(rows: Range<Int>, zeros: UnsafePointer<Float>, sources: inout SourceTable,
                     targets: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>) {
        layout.fill(rows: rows, of: order, from: grid, firstImage: images.lowerBound, zeros: zeros,
                    sources: &sources, targets: targets) { n, i, j in
            let (n, y, x) = pixel(n, i, j)
            return target(n, y, x)
        }
    }

    func target(row: Int) -> UnsafeMutablePointer<Float> {
        let (n, y, x) = pixel(row)
        return target(n, y, x)
    }

    private func target(_ n: Int, _ y: Int, _ x: Int) -> UnsafeMutablePointer<Float> {
        image + ((n * g.imageHeight + y) * g.imageWidth + x) * g.imageChannels
    }
}

/// Conv2DBackpropInput's filter [kh, kw, C, O] for one stride phase as B: [phase cells·O, C].
struct TransposedConvolutionFilter: IndirectWeights {
    let filter: UnsafePointer<Float>
    let g: ConvolutionGeometry
    let phase: StridePhase

    var taps: Int { phase.taps }
    var channels: Int { g.gridChannels }
    var columns: Int { g.imageChannels }

    func row(tap: Int, channel: Int) -> (start: UnsafePointer<Float>, stride: Int) {
        let columnsPerRow = phase.kernelColumns.count
        let cell = phase.kernelRows[tap / columnsPerRow] * g.columns.kernel + phase.kernelColumns[tap % columnsPerRow]
        return (filter + cell * g.imageChannels * g.gridChannels + channel, g.gridChannels)
    }
}
