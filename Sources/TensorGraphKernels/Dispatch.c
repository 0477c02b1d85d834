// Which instruction sets this CPU runs, asked of the CPU itself (cpuid and xgetbv on x86-64), and
// the micro-kernel each one has.
#include "VectorKernels.h"
#include "GemmTile.h"

#if defined(__x86_64__)
#include <cpuid.h>

/// The register state the operating system saves on a context switch (XCR0).
static unsigned long long saved_state(void) {
    unsigned int low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return ((unsigned long long)high << 32) | low;
}

static int x86_supports(tg_isa isa) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int osxsave = (c >> 27) & 1, fma = (c >> 12) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx) return 0;
    const unsigned long long state = saved_state();
    const int ymm = (state & 0x6) == 0x6, zmm = (state & 0xE6) == 0xE6;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
    switch (isa) {
    case TG_ISA_AVX2: return ymm && avx2 && fma;
    case TG_ISA_AVX512: return zmm && avx512f && avx2 && fma;
    default: return 0;
    }
}
#endif

int tg_isa_supported(tg_isa isa) {
    switch (isa) {
    case TG_ISA_PORTABLE: return 1;
#if defined(__x86_64__)
    case TG_ISA_AVX2:
    case TG_ISA_AVX512: return x86_supports(isa);
#endif
#if defined(__aarch64__)
    case TG_ISA_NEON: return 1;
#endif
    default: return 0;
    }
}

/// The table entries after `gemm`, in the order tg_kernels lists them.
#define TG_VECTOR_KERNELS_OF(ISA) \
    tg_binary_##ISA, tg_unary_##ISA, tg_reduce_##ISA, tg_pool_##ISA, tg_softmax_##ISA, tg_scale_shift_##ISA, \
        tg_depthwise_##ISA

#if defined(__x86_64__)
static tg_gemm_kernel avx512_gemm(ptrdiff_t columns) {
    // A product at most 16 wide would spend half of every 32-column tile on nothing.
    if (columns <= 16) return (tg_gemm_kernel){tg_gemm_avx512_12x16, 12, 16, 1};
    return (tg_gemm_kernel){tg_gemm_avx512_12x32, 12, 32, 1};
}

static tg_gemm_kernel avx2_gemm(ptrdiff_t columns) {
    (void)columns;
    return (tg_gemm_kernel){tg_gemm_avx2_6x16, 6, 16, 1};
}

static const tg_kernels avx512 = {avx512_gemm, TG_VECTOR_KERNELS_OF(avx512)};
static const tg_kernels avx2 = {avx2_gemm, TG_VECTOR_KERNELS_OF(avx2)};
#endif

#if defined(__aarch64__)
static tg_gemm_kernel neon_gemm(ptrdiff_t columns) {
    (void)columns;
    return (tg_gemm_kernel){tg_gemm_neon_6x16, 6, 16, 0};
}

static const tg_kernels neon = {neon_gemm, TG_VECTOR_KERNELS_OF(neon)};
#endif

static tg_gemm_kernel portable_gemm(ptrdiff_t columns) {
    (void)columns;
    return (tg_gemm_kernel){tg_gemm_portable_6x8, 6, 8, 0};
}

static const tg_kernels portable = {portable_gemm, TG_VECTOR_KERNELS_OF(portable)};

const tg_kernels *tg_kernels_for(tg_isa isa) {
    switch (isa) {
#if defined(__x86_64__)
    case TG_ISA_AVX512: return &avx512;
    case TG_ISA_AVX2: return &avx2;
#endif
#if defined(__aarch64__)
    case TG_ISA_NEON: return &neon;
#endif
    case TG_ISA_PORTABLE: return &portable;
    default: return 0;
    }
}
