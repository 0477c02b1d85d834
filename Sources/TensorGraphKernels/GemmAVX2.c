// The AVX2 + FMA micro-kernel: up to 6 rows by two 8-float vectors, 12 of the 16 registers holding
// the tile, the edge columns loaded and stored under a mask, the bias and activation of a fused
// product applied in registers, and the last tile of a product computed for its real rows only.
#if defined(__x86_64__)
#include <immintrin.h>
#include "GemmTile.h"

#define TG_AVX2 __attribute__((target("avx2,fma")))

// A rows are asked for four lines ahead (a 32768 × 576 × 128 product on one core: 78 GFLOP/s without, 80 with;
// the 256-bit multiply-adds, not the loads, bound this kernel).
enum { MAX_ROWS = 6, VECTORS = 2, PANEL = 8 * VECTORS, A_LEAD = 4 * TG_LINE_FLOATS };

/// The sums of one vector as stored: added to what the target holds, then the bias and the
/// activation of a fused product, with the scalar kernels' NaN semantics. `load` reads a vector
/// of the target or the bias (under the edge's mask when the tile is narrower than its panel).
#define TG_AVX2_FINISH(block, value, target, bias, load)                                                    \
    do {                                                                                                    \
        if ((block)->accumulate) value = _mm256_add_ps(value, load(target));                                \
        if (bias) value = _mm256_add_ps(value, load(bias));                                                 \
        const __m256 zero = _mm256_setzero_ps(), six = _mm256_set1_ps(6);                                   \
        switch ((block)->activation) {                                                                      \
        case TG_GEMM_LINEAR: break;                                                                         \
        case TG_GEMM_RELU: /* x > 0 or NaN: x; else 0. */                                                   \
            value = _mm256_and_ps(value, _mm256_cmp_ps(value, zero, _CMP_NLE_UQ));                          \
            break;                                                                                          \
        case TG_GEMM_RELU6: /* x < 0: 0; then above 6: 6; NaN stays. */                                     \
            value = _mm256_blendv_ps(value, zero, _mm256_cmp_ps(value, zero, _CMP_LT_OQ));                  \
            value = _mm256_blendv_ps(value, six, _mm256_cmp_ps(value, six, _CMP_GT_OQ));                    \
            break;                                                                                          \
        case TG_GEMM_LEAKY_RELU: /* x > 0: x; else x · alpha. */                                            \
            value = _mm256_blendv_ps(value, _mm256_mul_ps(value, _mm256_set1_ps((block)->alpha)),           \
                                     _mm256_cmp_ps(value, zero, _CMP_NGT_UQ));                              \
            break;                                                                                          \
        }                                                                                                   \
    } while (0)

/// One tile of `rows` rows, its row pointers `stride` apart per tap; the compiler specializes it
/// for each row count.
static inline TG_AVX2 __attribute__((always_inline)) void
tile(const tg_gemm_block *block, const float *const *sources, float *const *targets, int rows, int stride,
     tg_prefetch_cursor *ahead, const float *const *next_tile) {
    __m256 acc[MAX_ROWS][VECTORS];
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < rows; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    const float *b = block->b;
    for (ptrdiff_t tap = 0; tap < block->taps; tap++) {
        const float *const *row = sources + tap * stride;
        if (tg_tile_is_padding(row, rows, block->zeros)) {
            b += block->length * PANEL;
            continue;
        }
        const float *a[MAX_ROWS];
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < rows; r++) a[r] = row[r] + block->offset;
        const float *const *following = tap + 1 < block->taps ? row + stride : next_tile;
        for (ptrdiff_t line = 0; line < block->length; line += TG_LINE_FLOATS) {
            tg_prefetch_rows(a, following, rows, block, line, A_LEAD);
            const ptrdiff_t end = line + TG_LINE_FLOATS < block->length ? line + TG_LINE_FLOATS : block->length;
            // Two depths per pass: 3-5% faster than one in a 6 × 16 tile on Sapphire Rapids (fewer
            // loop-counter uops beside the 12 multiply-adds, which two ports share).
            _Pragma("clang loop unroll_count(2)")
            for (ptrdiff_t p = line; p < end; p++) {
                tg_prefetch_step(ahead);
                const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
                b += PANEL;
                _Pragma("clang loop unroll(full)")
                for (int r = 0; r < rows; r++) {
                    const __m256 x = _mm256_broadcast_ss(a[r] + p);
                    acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
                    acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
                }
            }
        }
    }
    const float *bias = block->bias ? block->bias + block->column : 0;
    if (block->width >= PANEL) {
#define TG_AVX2_LOAD(p) _mm256_loadu_ps(p)
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < rows; r++) {
            if (!targets[r]) continue;
            float *target = targets[r] + block->column;
            _Pragma("clang loop unroll(full)")
            for (int v = 0; v < VECTORS; v++) {
                __m256 value = acc[r][v];
                TG_AVX2_FINISH(block, value, target + 8 * v, bias ? bias + 8 * v : 0, TG_AVX2_LOAD);
                _mm256_storeu_ps(target + 8 * v, value);
            }
        }
#undef TG_AVX2_LOAD
        return;
    }
    // The edge of the result: lanes past `width` are neither read nor written.
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i masks[VECTORS];
    _Pragma("clang loop unroll(full)")
    for (int v = 0; v < VECTORS; v++) {
        masks[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(block->width - 8 * v)), lane);
    }
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < rows; r++) {
        if (!targets[r]) continue;
        float *target = targets[r] + block->column;
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < VECTORS; v++) {
            if (block->width <= 8 * v) continue;
#define TG_AVX2_LOAD(p) _mm256_maskload_ps(p, masks[v])
            __m256 value = acc[r][v];
            TG_AVX2_FINISH(block, value, target + 8 * v, bias ? bias + 8 * v : 0, TG_AVX2_LOAD);
            _mm256_maskstore_ps(target + 8 * v, masks[v], value);
#undef TG_AVX2_LOAD
        }
    }
}

TG_AVX2 void tg_gemm_avx2_6x16(const tg_gemm_block *block, ptrdiff_t tiles) {
    const ptrdiff_t last = block->last_rows;
    const ptrdiff_t full = last > 0 && last < MAX_ROWS ? tiles - 1 : tiles;
    tg_prefetch_cursor ahead = tg_prefetch_start(block);
    for (ptrdiff_t t = 0; t < full; t++) {
        tile(block, block->sources + t * block->tile_stride, block->targets + t * MAX_ROWS, MAX_ROWS, MAX_ROWS,
             &ahead, block->sources + (t + 1 < tiles ? t + 1 : 0) * block->tile_stride);
    }
    if (full == tiles) return;
    const float *const *sources = block->sources + full * block->tile_stride;
    float *const *targets = block->targets + full * MAX_ROWS;
    switch (last) {
    case 1: tile(block, sources, targets, 1, MAX_ROWS, &ahead, block->sources); break;
    case 2: tile(block, sources, targets, 2, MAX_ROWS, &ahead, block->sources); break;
    case 3: tile(block, sources, targets, 3, MAX_ROWS, &ahead, block->sources); break;
    case 4: tile(block, sources, targets, 4, MAX_ROWS, &ahead, block->sources); break;
    case 5: tile(block, sources, targets, 5, MAX_ROWS, &ahead, block->sources); break;
    }
}
#endif
