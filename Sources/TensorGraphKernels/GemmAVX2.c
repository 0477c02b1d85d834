// The AVX2 + FMA micro-kernel: 6 rows by two 8-float vectors, 12 of the 16 registers holding the
// tile.
#if defined(__x86_64__)
#include <immintrin.h>
#include "GemmTile.h"

#define TG_AVX2 __attribute__((target("avx2,fma")))

enum { ROWS = 6, PANEL = 16 };

static inline TG_AVX2 __attribute__((always_inline)) void
tile(const tg_gemm_block *block, const float *const *sources, float *const *targets) {
    __m256 acc[ROWS][2];
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    const float *b = block->b;
    for (ptrdiff_t tap = 0; tap < block->taps; tap++) {
        const float *const *row = sources + tap * ROWS;
        if (tg_tile_is_padding(row, ROWS, block->zeros)) {
            b += block->length * PANEL;
            continue;
        }
        const float *a[ROWS];
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < ROWS; r++) a[r] = row[r] + block->offset;
        for (ptrdiff_t p = 0; p < block->length; p++) {
            const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
            b += PANEL;
            _Pragma("clang loop unroll(full)")
            for (int r = 0; r < ROWS; r++) {
                const __m256 x = _mm256_broadcast_ss(a[r] + p);
                acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
            }
        }
    }
    if (block->width < PANEL) {
        float edge[ROWS * PANEL];
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < ROWS; r++) {
            _mm256_storeu_ps(edge + r * PANEL, acc[r][0]);
            _mm256_storeu_ps(edge + r * PANEL + 8, acc[r][1]);
        }
        tg_store_tile_edge(edge, ROWS, PANEL, block, targets);
        return;
    }
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < ROWS; r++) {
        if (!targets[r]) continue;
        float *target = targets[r] + block->column;
        __m256 low = acc[r][0], high = acc[r][1];
        if (block->accumulate) {
            low = _mm256_add_ps(low, _mm256_loadu_ps(target));
            high = _mm256_add_ps(high, _mm256_loadu_ps(target + 8));
        }
        _mm256_storeu_ps(target, low);
        _mm256_storeu_ps(target + 8, high);
    }
}

TG_AVX2 void tg_gemm_avx2_6x16(const tg_gemm_block *block, ptrdiff_t tiles) {
    for (ptrdiff_t t = 0; t < tiles; t++) tile(block, block->sources + t * block->tile_stride,
                                               block->targets + t * ROWS);
}
#endif
