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

    /// The epilogue as a micro-kernel applies it in registers, nil when its activation is not one
    /// a kernel knows (Elu, Sigmoid, Tanh are applied to each finished row instead).
    var kernelForm: (bias: UnsafePointer<Float>?, activation: tg_gemm_activation, alpha: Float)? {
        guard let activation else { return (bias, TG_GEMM_LINEAR, 0) }
        switch activation.op {
        case TG_RELU: return (bias, TG_GEMM_RELU, 0)
        case TG_RELU6: return (bias, TG_GEMM_RELU6, 0)
        case TG_LEAKY_RELU: return (bias, TG_GEMM_LEAKY_RELU, activation.alpha)
        default: return nil
        }
    }
}
