/// The input shapes and dtypes each node's shape function last accepted during a run, by input.
/// A node in a loop sees the same shapes iteration after iteration: its shape function, which
/// builds an inference context and runs for every check, need run again only when they change.
/// Skipping it is as safe as the straight-line executor's rule, which never checks a node whose
/// input shapes were fully known when planning: kernels check what depends on values.
///
/// Each input has a fixed row of integers, so comparing costs no reference counting: its rank
/// (-1: nothing accepted yet), its dtype and up to `maximumRank` dimensions. An input of higher
/// rank is checked every time.
final class CheckedShapes {
    private static let maximumRank = 6, rowWidth = maximumRank + 2
    private let rows: UnsafeMutableBufferPointer<Int>

    /// Room for `count` inputs in all, none accepted yet.
    init(count: Int) {
        rows = .allocate(capacity: count * Self.rowWidth)
        rows.initialize(repeating: -1)
    }

    deinit { rows.deallocate() }

    /// Whether `tensor`, input `slot` of the run's table, has the shape and dtype accepted last time.
    func matches(_ tensor: borrowing Tensor, at slot: Int) -> Bool {
        let row = rows.baseAddress! + slot * Self.rowWidth
        return tensor.shape.withUnsafeBufferPointer { dimensions in
            guard row[0] == dimensions.count, row[1] == tensor.dtype.tensorFlowValue else { return false }
            for axis in dimensions.indices where row[2 + axis] != dimensions[axis] { return false }
            return true
        }
    }

    /// Records that the shape function accepted `tensor` as input `slot`.
    func remember(_ tensor: borrowing Tensor, at slot: Int) {
        let row = rows.baseAddress! + slot * Self.rowWidth
        guard tensor.rank <= Self.maximumRank else { return }
        row[0] = tensor.rank
        row[1] = tensor.dtype.tensorFlowValue
        for (axis, size) in tensor.shape.enumerated() { row[2 + axis] = size }
    }
}
