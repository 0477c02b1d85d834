// AVX-512 micro-kernels: 12 rows by one or two 16-float vectors, 24 of the 32 registers holding
// the tile, the edge columns stored under a mask.
#if defined(__x86_64__)
#include <immintrin.h>
#include "GemmTile.h"

#define TG_AVX512 __attribute__((target("avx512f,avx2,fma")))

enum { ROWS = 12 };

static inline TG_AVX512 __attribute__((always_inline)) void
store_row(float *target, __m512 value, __mmask16 mask, int accumulate) {
    if (accumulate) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(mask, target));
    _mm512_mask_storeu_ps(target, mask, value);
}

/// One tile of `vectors` (1 or 2) × 16 columns; the compiler specializes it for each.
static inline TG_AVX512 __attribute__((always_inline)) void
tile(const tg_gemm_block *block, const float *const *sources, float *const *targets, int vectors) {
    __m512 acc[ROWS][2];
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    const ptrdiff_t panel = 16 * vectors;
    const float *b = block->b;
    for (ptrdiff_t tap = 0; tap < block->taps; tap++) {
        const float *const *row = sources + tap * ROWS;
        if (tg_tile_is_padding(row, ROWS, block->zeros)) {
            b += block->length * panel;
            continue;
        }
        const float *a[ROWS];
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < ROWS; r++) a[r] = row[r] + block->offset;
        for (ptrdiff_t p = 0; p < block->length; p++) {
            const __m512 b0 = _mm512_load_ps(b);
            const __m512 b1 = vectors > 1 ? _mm512_load_ps(b + 16) : b0;
            b += panel;
            _Pragma("clang loop unroll(full)")
            for (int r = 0; r < ROWS; r++) {
                const __m512 x = _mm512_set1_ps(a[r][p]);
                acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
                if (vectors > 1) acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
            }
        }
    }
    const ptrdiff_t width = block->width;
    const __mmask16 low = width >= 16 ? 0xFFFF : (__mmask16)((1u << width) - 1);
    const __mmask16 high = width >= 32 ? 0xFFFF : width <= 16 ? 0 : (__mmask16)((1u << (width - 16)) - 1);
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < ROWS; r++) {
        if (!targets[r]) continue;
        float *target = targets[r] + block->column;
        store_row(target, acc[r][0], low, block->accumulate);
        if (vectors > 1 && high) store_row(target + 16, acc[r][1], high, block->accumulate);
    }
}

TG_AVX512 void tg_gemm_avx512_12x16(const tg_gemm_block *block, ptrdiff_t tiles) {
    for (ptrdiff_t t = 0; t < tiles; t++) tile(block, block->sources + t * block->tile_stride, block->targets + t * ROWS, 1);
}

TG_AVX512 void tg_gemm_avx512_12x32(const tg_gemm_block *block, ptrdiff_t tiles) {
    for (ptrdiff_t t = 0; t < tiles; t++) tile(block, block->sources + t * block->tile_stride, block->targets + t * ROWS, 2);
}
#endif
