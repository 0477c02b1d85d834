/// Where the taps of an indirect convolution read, for the output position (i, j) of its visiting
/// order: source row `i · rowStride + tapRows[k]` and column `j · columnStride + tapColumns[l]`,
/// each tap the `channels` floats of that source pixel, or the padding when the pixel lies outside
/// the `height` × `width` source. Conv2D reads its image so; a stride phase of conv2d_transpose
/// reads its grid so, with strides of 1.
struct TapLayout: Sendable {
    let height: Int, width: Int, channels: Int
    let rowStride: Int, columnStride: Int
    let tapRows: [Int], tapColumns: [Int]

    /// The visiting order of `images` images of `outputHeight` × `outputWidth` positions, grouped
    /// by which taps lie inside the source.
    func order(images: Int, outputHeight: Int, outputWidth: Int) -> PixelOrder {
        PixelOrder(images: images, height: outputHeight, width: outputWidth,
                   rowPattern: { i in tapRows.map { (0..<height).contains(i * rowStride + $0) } },
                   columnPattern: { j in tapColumns.map { (0..<width).contains(j * columnStride + $0) } })
    }

    /// For rows `rows` of `order`: writes each tap's run in `source` (whose image `n` of the order
    /// is image `firstImage + n`), or `zeros`, to the row's slots in `sources`, and the row's
    /// `target(n, i, j)` to `targets`. Inlined so that `target` is too: the calls per row cost as much
    /// as the rest of the fill.
    @inline(__always)
    func fill(rows: Range<Int>, of order: PixelOrder, from source: UnsafePointer<Float>, firstImage: Int,
              zeros: UnsafePointer<Float>, sources: inout SourceTable,
              targets: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>,
              target: (_ n: Int, _ i: Int, _ j: Int) -> UnsafeMutablePointer<Float>) {
        let stride = sources.tileRows, imageSize = height * width * channels
        var local = 0
        tapRows.withUnsafeBufferPointer { tapRows in
            tapColumns.withUnsafeBufferPointer { tapColumns in
                order.forEach(rows) { n, i, j in
                    // Wrapping arithmetic: these are offsets inside buffers that exist, and the
                    // overflow checks were a third of the fill.
                    let image = source + (firstImage &+ n) &* imageSize, slots = sources.nextRow()
                    var slot = slots
                    for rowStart in tapRows {
                        let y = i &* rowStride &+ rowStart
                        for columnStart in tapColumns {
                            let x = j &* columnStride &+ columnStart
                            let inside = y >= 0 && y < height && x >= 0 && x < width
                            slot.pointee = inside ? image + (y &* width &+ x) &* channels : zeros
                            slot += stride
                        }
                    }
                    targets[local] = target(n, i, j)
                    local += 1
                }
            }
        }
    }
}
