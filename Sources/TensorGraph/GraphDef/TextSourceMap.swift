/// Where in a text file each field of a message transcoded to the wire format came from, so that
/// errors found while decoding the wire bytes name a line and column of the text.
final class TextSourceMap {
    private var offsets: [Int] = []
    private var positions: [TextPosition] = []

    /// Records that the field written at wire `offset` came from `position`; offsets come in order.
    func record(offset: Int, _ position: TextPosition) {
        offsets.append(offset)
        positions.append(position)
    }

    /// Appends `nested`'s records, its offsets moved by `base`.
    func append(_ nested: TextSourceMap, at base: Int) {
        offsets += nested.offsets.lazy.map { $0 + base }
        positions += nested.positions
    }

    /// The text position of the last field written at or before wire `offset`.
    func position(of offset: Int) -> TextPosition {
        var low = 0, high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? positions[low - 1] : TextPosition(line: 1, column: 1)
    }
}

/// A line and column in a text file, both counted from 1.
struct TextPosition: Sendable, Equatable, CustomStringConvertible {
    var line: Int
    var column: Int

    /// `line 3, column 7`.
    var description: String { "line \(line), column \(column)" }
}
