// Each instruction set's elementwise loops, gathered into the kernel table by Dispatch.c.
#ifndef TENSORGRAPH_ELEMENTWISE_KERNELS_H
#define TENSORGRAPH_ELEMENTWISE_KERNELS_H

#include "TensorGraphKernels.h"

#define TG_DECLARE_ELEMENTWISE(ISA)                                                                     \
    void tg_binary_##ISA(tg_binary_op op, const float *a, ptrdiff_t a_step, const float *b, ptrdiff_t b_step, \
                         float *out, ptrdiff_t count);                                                  \
    void tg_unary_##ISA(tg_unary_op op, const float *x, float *out, ptrdiff_t count, float alpha);

TG_DECLARE_ELEMENTWISE(portable)
TG_DECLARE_ELEMENTWISE(avx2)
TG_DECLARE_ELEMENTWISE(avx512)
TG_DECLARE_ELEMENTWISE(neon)

#endif
