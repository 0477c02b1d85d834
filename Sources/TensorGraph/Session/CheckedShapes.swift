/// The input shapes and dtypes each node's shape function last accepted during a run, by input.
/// A node in a loop sees the same shapes iteration after iteration: its shape function, which
/// builds an inference context and runs for every check, need run again only when they change.
/// Skipping it is as safe as the straight-line executor's rule, which never checks a node whose
/// input shapes were fully known when planning: kernels check what depends on values.
final class CheckedShapes {
    private let shapes: UnsafeMutableBufferPointer<[Int]?>
    private let dtypes: UnsafeMutableBufferPointer<DType?>

    /// Room for `count` inputs in all, none accepted yet.
    init(count: Int) {
        shapes = .allocate(capacity: count)
        shapes.initialize(repeating: nil)
        dtypes = .allocate(capacity: count)
        dtypes.initialize(repeating: nil)
    }

    deinit {
        for index in shapes.indices { shapes[index] = nil }
        shapes.deallocate()
        dtypes.deallocate()
    }

    /// Whether `inputs`, stored from `base`, have the shapes and dtypes accepted last time.
    func accepted(_ inputs: [Tensor], at base: Int) -> Bool {
        for (offset, input) in inputs.enumerated() {
            guard dtypes[base + offset] == input.dtype, let shape = shapes[base + offset], shape == input.shape else {
                return false
            }
        }
        return true
    }

    /// Records that the shape function accepted `inputs`, stored from `base`.
    func remember(_ inputs: [Tensor], at base: Int) {
        for (offset, input) in inputs.enumerated() {
            shapes[base + offset] = input.shape
            dtypes[base + offset] = input.dtype
        }
    }
}
