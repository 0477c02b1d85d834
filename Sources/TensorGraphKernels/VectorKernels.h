// The vector kernels (elementwise, reductions, pooling, softmax) of each instruction set. Each is
// written once as plain C and compiled once per instruction set by TG_FOR_EACH_ISA: the body is
// inlined into a function carrying that instruction set's target attribute, where the compiler
// vectorizes it for that register width.
#ifndef TENSORGRAPH_VECTOR_KERNELS_H
#define TENSORGRAPH_VECTOR_KERNELS_H

#include "TensorGraphKernels.h"

#define TG_INLINE static inline __attribute__((always_inline))
#define TG_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define TG_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))

/// Calls DEFINE(name, target attribute) for every instruction set this build has kernels for.
#if defined(__x86_64__)
#define TG_FOR_EACH_ISA(DEFINE) DEFINE(portable, ) DEFINE(avx2, TG_TARGET_AVX2) DEFINE(avx512, TG_TARGET_AVX512)
#elif defined(__aarch64__)
#define TG_FOR_EACH_ISA(DEFINE) DEFINE(portable, ) DEFINE(neon, )
#else
#define TG_FOR_EACH_ISA(DEFINE) DEFINE(portable, )
#endif

#define TG_DECLARE_VECTOR_KERNELS(ISA, TARGET)                                                                   \
    void tg_binary_##ISA(tg_binary_op op, const float *a, ptrdiff_t a_step, const float *b, ptrdiff_t b_step,    \
                         float *out, ptrdiff_t count);                                                           \
    void tg_unary_##ISA(tg_unary_op op, const float *x, float *out, ptrdiff_t count, float alpha);               \
    void tg_reduce_##ISA(tg_reduce_op op, const float *x, ptrdiff_t outer, ptrdiff_t length, ptrdiff_t inner,    \
                         float *out);                                                                            \
    void tg_pool_##ISA(tg_reduce_op op, const float *const *sources, ptrdiff_t count, ptrdiff_t channels,        \
                       float scale, float *out);                                                                 \
    void tg_softmax_##ISA(const float *x, float *out, ptrdiff_t rows, ptrdiff_t columns, int logarithm);         \
    void tg_scale_shift_##ISA(const float *x, const float *scale, const float *shift, float *out, ptrdiff_t rows, \
                              ptrdiff_t channels);                                                               \
    void tg_depthwise_##ISA(const float *const *sources, const float *const *filters, ptrdiff_t count,           \
                            ptrdiff_t channels, ptrdiff_t multiplier, float *out);

TG_FOR_EACH_ISA(TG_DECLARE_VECTOR_KERNELS)

#endif
