import TensorGraphKernels

/// The calling thread's floating-point mode. TensorFlow runs every CPU op with denormal numbers
/// flushed to zero: the results then agree with it where activations shrink towards zero (deep
/// networks with random weights), and an x86 core takes no microcode assist, of 100 cycles or
/// more, on each operation that reads or makes a denormal.
enum FloatMode {
    /// Runs `body` with denormals flushed to zero on this thread, then restores the thread's mode.
    static func flushingDenormals<Result>(_ body: () throws -> Result) rethrows -> Result {
        try running(in: tg_flushing_denormals(tg_float_mode()), body)
    }

    /// The calling thread's mode, for ``running(in:_:)`` on another thread.
    static var current: UInt64 { UInt64(tg_float_mode()) }

    /// Runs `body` on this thread in `mode`, then restores the thread's own.
    static func running<Result>(in mode: UInt64, _ body: () throws -> Result) rethrows -> Result {
        let saved = tg_set_float_mode(CUnsignedLongLong(mode))
        defer { tg_set_float_mode(saved) }
        return try body()
    }
}
