// The numeric micro-kernels that Swift cannot compile for several instruction sets in one binary:
// each is built with the target attribute of its instruction set, and the one the CPU supports is
// chosen at run time. They know nothing of graphs or tensors: pointers, sizes and floats.
#ifndef TENSORGRAPH_KERNELS_H
#define TENSORGRAPH_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction sets that have kernels, best last among the x86-64 ones.
typedef enum tg_isa {
    TG_ISA_PORTABLE = 0,  ///< Plain C vectors: separate multiply and add, no fused multiply-add call.
    TG_ISA_AVX2 = 1,      ///< x86-64 AVX2 with FMA: 256-bit registers.
    TG_ISA_AVX512 = 2,    ///< x86-64 AVX-512 F: 512-bit registers, masked edges.
    TG_ISA_NEON = 3,      ///< arm64 Advanced SIMD with fused multiply-add.
} tg_isa;

/// Whether this CPU (and its operating system, for the register state) runs `isa`'s kernels.
int tg_isa_supported(tg_isa isa);

/// The activation a matrix micro-kernel can apply to its sums as it stores them (TensorFlow's
/// semantics: NaN passes through the rectifiers).
typedef enum tg_gemm_activation {
    TG_GEMM_LINEAR = 0, TG_GEMM_RELU, TG_GEMM_RELU6, TG_GEMM_LEAKY_RELU
} tg_gemm_activation;

/// One depth block of an indirect matrix product, over `tiles` consecutive tiles of `rows` rows
/// (the kernel's tile height) and one packed panel of B `panel` columns wide.
///
/// Row r of tile t reads, for each tap k, `length` floats from `sources[t * tile_stride + k * rows + r]
/// + offset`; a row whose pointer is `zeros` for every tap of a tile is padding. The panel `b` holds
/// `taps * length` rows of `panel` floats. Row r of tile t of the result is `targets[t * rows + r]
/// + column` (NULL: a row past the end, not written), of which the first `width` columns are
/// written, or added to when `accumulate` is set.
///
/// The fields after `accumulate` may be left zero. `last_rows` (1...rows) says how many rows of
/// the last tile are real, so that a kernel may compute only those (0: all). A kernel whose
/// `tg_gemm_kernel.epilogue` is set finishes what it stores: adds `bias[column + j]` to column j
/// (when `bias` is not NULL), then applies `activation` (`alpha` is LeakyRelu's slope); other
/// kernels ignore these three fields. `ahead` (may be NULL) is the packed B of the call that comes
/// next, `ahead_length` floats, which a kernel may prefetch while it computes this one: weights too
/// big for the caches then arrive while the last ones are in use.
typedef struct tg_gemm_block {
    const float *const *sources;
    ptrdiff_t tile_stride;
    ptrdiff_t taps, offset, length;
    const float *zeros;
    const float *b;
    float *const *targets;
    ptrdiff_t column, width;
    int accumulate;
    ptrdiff_t last_rows;
    const float *bias;
    tg_gemm_activation activation;
    float alpha;
    const float *ahead;
    ptrdiff_t ahead_length;
} tg_gemm_block;

typedef void (*tg_gemm_kernel_fn)(const tg_gemm_block *block, ptrdiff_t tiles);

/// A matrix-product micro-kernel and the tile it computes.
typedef struct tg_gemm_kernel {
    tg_gemm_kernel_fn run;
    int rows;      ///< Rows of a tile (row pointers per tap).
    int panel;     ///< Columns of a packed B panel.
    int epilogue;  ///< Whether the kernel applies `bias` and `activation` as it stores.
} tg_gemm_kernel;

/// The two-operand functions of the elementwise kernels.
typedef enum tg_binary_op {
    TG_ADD, TG_SUBTRACT, TG_MULTIPLY, TG_DIVIDE, TG_MAXIMUM, TG_MINIMUM, TG_SQUARED_DIFFERENCE
} tg_binary_op;

/// `out[i] = a[i * a_step] op b[i * b_step]` for i < count, each step 0 (one value for all) or 1;
/// `out` may be `a` or `b`.
typedef void (*tg_binary_fn)(tg_binary_op op, const float *a, ptrdiff_t a_step, const float *b, ptrdiff_t b_step,
                             float *out, ptrdiff_t count);

/// The one-operand functions of the elementwise kernels.
typedef enum tg_unary_op {
    TG_NEGATE, TG_SQUARE, TG_ABS, TG_SQRT, TG_RSQRT, TG_EXP, TG_LOG, TG_SIGMOID, TG_TANH, TG_RELU, TG_RELU6,
    TG_LEAKY_RELU, TG_SWISH
} tg_unary_op;

/// `out[i] = op(x[i])` for i < count (`alpha` is LeakyRelu's slope); `out` may be `x`.
typedef void (*tg_unary_fn)(tg_unary_op op, const float *x, float *out, ptrdiff_t count, float alpha);

/// How a reduction, a pooling window or a softmax combines values. NaN wins max and min.
typedef enum tg_reduce_op { TG_REDUCE_SUM, TG_REDUCE_MAX, TG_REDUCE_MIN } tg_reduce_op;

/// `out[o * inner + i] = op` over `r < length` of `x[(o * length + r) * inner + i]`, for `o < outer`
/// and `i < inner`: a reduction of the middle axis of an `[outer, length, inner]` array.
typedef void (*tg_reduce_fn)(tg_reduce_op op, const float *x, ptrdiff_t outer, ptrdiff_t length, ptrdiff_t inner,
                             float *out);

/// `out[c] = scale · op` over `k < count` of `sources[k][c]`, for `c < channels`: one pooling
/// window of pixels of `channels` floats.
typedef void (*tg_pool_fn)(tg_reduce_op op, const float *const *sources, ptrdiff_t count, ptrdiff_t channels,
                           float scale, float *out);

/// Softmax (or, with `logarithm`, log-softmax) of each of `rows` rows of `columns` floats; `out`
/// may be `x`.
typedef void (*tg_softmax_fn)(const float *x, float *out, ptrdiff_t rows, ptrdiff_t columns, int logarithm);

/// `out[r * channels + c] = x[r * channels + c] · scale[c] + shift[c]`; `out` may be `x`.
typedef void (*tg_scale_shift_fn)(const float *x, const float *scale, const float *shift, float *out, ptrdiff_t rows,
                                  ptrdiff_t channels);

/// `out[c · multiplier + m] = Σ_k sources[k][c] · filters[k][c · multiplier + m]`: one output
/// pixel of a depthwise convolution, from the `count` input pixels its window covers and the
/// filter cells under them.
typedef void (*tg_depthwise_fn)(const float *const *sources, const float *const *filters, ptrdiff_t count,
                                ptrdiff_t channels, ptrdiff_t multiplier, float *out);

/// Hands out 0, 1, 2, ... to the threads that share `counter`, each number once: how the cores
/// divide a product's work items among themselves as each gets free.
static inline ptrdiff_t tg_claim(ptrdiff_t *counter) { return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED); }

/// The atomics of the worker pool's hand-over (Swift's own need macOS 15): a value published with
/// `tg_publish` is seen by a thread that reads it with `tg_observe`, with every write made before it.
static inline ptrdiff_t tg_observe(const ptrdiff_t *value) { return __atomic_load_n(value, __ATOMIC_ACQUIRE); }
static inline void tg_publish(ptrdiff_t *value, ptrdiff_t new_value) {
    __atomic_store_n(value, new_value, __ATOMIC_RELEASE);
}
/// Adds one to `counter`, or subtracts one and publishes every write made before it.
static inline void tg_count_up(ptrdiff_t *counter) { __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED); }
static inline void tg_count_down(ptrdiff_t *counter) { __atomic_fetch_sub(counter, 1, __ATOMIC_RELEASE); }

/// Tells the core that this thread is spinning on a value (x86 `pause`, arm64 `yield`), so that
/// it spends less power and lets the other thread of a shared core run.
static inline void tg_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// One instruction set's kernels: the backend seam, one table chosen for the CPU.
typedef struct tg_kernels {
    /// The matrix-product micro-kernel for a product `columns` wide.
    tg_gemm_kernel (*gemm)(ptrdiff_t columns);
    tg_binary_fn binary;
    tg_unary_fn unary;
    tg_reduce_fn reduce;
    tg_pool_fn pool;
    tg_softmax_fn softmax;
    tg_scale_shift_fn scale_shift;
    tg_depthwise_fn depthwise;
} tg_kernels;

/// The kernels of `isa`, NULL when this build has none for it (NEON on x86-64, the x86 ones on
/// arm64). Whether the CPU runs them is `tg_isa_supported`'s to say.
const tg_kernels *tg_kernels_for(tg_isa isa);

/// The calling thread's floating-point control word (MXCSR on x86-64, FPCR on arm64; 0 elsewhere).
unsigned long long tg_float_mode(void);

/// Sets the calling thread's floating-point control word and returns the one it replaces.
unsigned long long tg_set_float_mode(unsigned long long mode);

/// `mode` with denormal results flushed to zero and denormal operands read as zero, as
/// TensorFlow's CPU ops run (x86-64 FTZ and DAZ, arm64 FZ).
unsigned long long tg_flushing_denormals(unsigned long long mode);

#ifdef __cplusplus
}
#endif

#endif
