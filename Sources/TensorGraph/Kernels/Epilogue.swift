import TensorGraphKernels

/// What a float32 matrix product does to each row of its result once the row is complete, while it
/// is still in cache: add a bias per column, then apply an activation. (A residual addition is made
/// by starting the result from the residual and accumulating into it.) This is how a fused
/// convolution writes its activation once instead of passing over memory three times.
struct Epilogue: @unchecked Sendable {
    /// One float per column of the result; the caller keeps it alive through the product.
    let bias: UnsafePointer<Float>?
    /// The vector kernel's activation and its parameter (LeakyRelu's slope).
    let activation: (op: tg_unary_op, alpha: Float)?

    /// Applies the epilogue to `columns` of the row starting at `row`.
    func apply(to row: UnsafeMutablePointer<Float>, columns: Range<Int>, kernels: tg_kernels) {
        let start = row + columns.lowerBound
        if let bias { kernels.binary!(TG_ADD, start, 1, bias + columns.lowerBound, 1, start, columns.count) }
        if let activation { kernels.unary!(activation.op, start, start, columns.count, activation.alpha) }
    }
}
