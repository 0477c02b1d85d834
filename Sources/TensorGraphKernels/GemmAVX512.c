// AVX-512 micro-kernels: 12 rows by one or two 16-float vectors, up to 24 of the 32 registers
// holding the tile, the edge columns stored under a mask, the bias and activation of a fused
// product applied in registers, and the last tile of a product computed for its real rows only.
#if defined(__x86_64__)
#include <immintrin.h>
#include "GemmTile.h"

#define TG_AVX512 __attribute__((target("avx512f,avx2,fma")))

// A rows are asked for three lines ahead: measured best of one to six (a 32768 × 576 × 128 product
// on one core, `kernel_bench`: 133 GFLOP/s without, 142, 144, 148, 143, 140 with; 150 once the
// lead runs on into the next run).
enum { MAX_ROWS = 12, MAX_VECTORS = 2, A_LEAD = 3 * TG_LINE_FLOATS };

/// The sums of one vector as stored: added to what the target holds, then the bias and the
/// activation of a fused product, with the scalar kernels' NaN semantics.
static inline TG_AVX512 __attribute__((always_inline)) __m512
finish(const tg_gemm_block *block, __m512 value, const float *target, const float *bias, __mmask16 mask) {
    if (block->accumulate) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(mask, target));
    if (bias) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(mask, bias));
    const __m512 zero = _mm512_setzero_ps();
    switch (block->activation) {
    case TG_GEMM_LINEAR: break;
    case TG_GEMM_RELU:  // x > 0 or NaN: x; else 0.
        value = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(value, zero, _CMP_NLE_UQ), value);
        break;
    case TG_GEMM_RELU6:  // x < 0: 0; then above 6: 6; NaN stays.
        value = _mm512_mask_mov_ps(value, _mm512_cmp_ps_mask(value, zero, _CMP_LT_OQ), zero);
        value = _mm512_mask_mov_ps(value, _mm512_cmp_ps_mask(value, _mm512_set1_ps(6), _CMP_GT_OQ),
                                   _mm512_set1_ps(6));
        break;
    case TG_GEMM_LEAKY_RELU:  // x > 0: x; else x · alpha.
        value = _mm512_mask_mul_ps(value, _mm512_cmp_ps_mask(value, zero, _CMP_NGT_UQ), value,
                                   _mm512_set1_ps(block->alpha));
        break;
    }
    return value;
}

/// One tile of `rows` × `vectors` 16-float columns, its row pointers `stride` apart per tap; the
/// compiler specializes it for each combination.
static inline TG_AVX512 __attribute__((always_inline)) void
tile(const tg_gemm_block *block, const float *const *sources, float *const *targets, int rows, int vectors,
     int stride, tg_prefetch_cursor *ahead, const float *const *next_tile) {
    __m512 acc[MAX_ROWS][MAX_VECTORS];
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < rows; r++) {
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < vectors; v++) acc[r][v] = _mm512_setzero_ps();
    }
    const ptrdiff_t panel = 16 * vectors;
    const float *b = block->b;
    for (ptrdiff_t tap = 0; tap < block->taps; tap++) {
        const float *const *row = sources + tap * stride;
        if (tg_tile_is_padding(row, rows, block->zeros)) {
            b += block->length * panel;
            continue;
        }
        const float *a[MAX_ROWS];
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < rows; r++) a[r] = row[r] + block->offset;
        const float *const *following = tap + 1 < block->taps ? row + stride : next_tile;
        for (ptrdiff_t line = 0; line < block->length; line += TG_LINE_FLOATS) {
            tg_prefetch_rows(a, following, rows, block, line, A_LEAD);
            const ptrdiff_t end = line + TG_LINE_FLOATS < block->length ? line + TG_LINE_FLOATS : block->length;
            for (ptrdiff_t p = line; p < end; p++) {
                tg_prefetch_step(ahead);
                __m512 bv[MAX_VECTORS];
                _Pragma("clang loop unroll(full)")
                for (int v = 0; v < vectors; v++) bv[v] = _mm512_load_ps(b + 16 * v);
                b += panel;
                _Pragma("clang loop unroll(full)")
                for (int r = 0; r < rows; r++) {
                    const __m512 x = _mm512_set1_ps(a[r][p]);
                    _Pragma("clang loop unroll(full)")
                    for (int v = 0; v < vectors; v++) acc[r][v] = _mm512_fmadd_ps(x, bv[v], acc[r][v]);
                }
            }
        }
    }
    __mmask16 masks[MAX_VECTORS];
    _Pragma("clang loop unroll(full)")
    for (int v = 0; v < vectors; v++) {
        const ptrdiff_t width = block->width - 16 * v;
        masks[v] = width >= 16 ? 0xFFFF : width <= 0 ? 0 : (__mmask16)((1u << width) - 1);
    }
    const float *bias = block->bias ? block->bias + block->column : 0;
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < rows; r++) {
        if (!targets[r]) continue;
        float *target = targets[r] + block->column;
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < vectors; v++) {
            if (!masks[v]) continue;
            const __m512 value = finish(block, acc[r][v], target + 16 * v, bias ? bias + 16 * v : 0, masks[v]);
            _mm512_mask_storeu_ps(target + 16 * v, masks[v], value);
        }
    }
}

/// The last tile of a block when only `rows` (< ROWS) of its rows are real.
#define TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, R) \
    case R: tile(block, sources, targets, R, VECTORS, ROWS, &ahead, block->sources); break;

#define TG_AVX512_KERNEL(ROWS, VECTORS, COLUMNS)                                                                 \
    TG_AVX512 void tg_gemm_avx512_##ROWS##x##COLUMNS(const tg_gemm_block *block, ptrdiff_t tiles) {             \
        const ptrdiff_t last = block->last_rows;                                                                 \
        const ptrdiff_t full = last > 0 && last < ROWS ? tiles - 1 : tiles;                                      \
        tg_prefetch_cursor ahead = tg_prefetch_start(block);                                                     \
        for (ptrdiff_t t = 0; t < full; t++) {                                                                   \
            tile(block, block->sources + t * block->tile_stride, block->targets + t * ROWS, ROWS, VECTORS, ROWS,  \
                 &ahead, block->sources + (t + 1 < tiles ? t + 1 : 0) * block->tile_stride);                    \
        }                                                                                                        \
        if (full == tiles) return;                                                                               \
        const float *const *sources = block->sources + full * block->tile_stride;                                \
        float *const *targets = block->targets + full * ROWS;                                                    \
        switch (last) {                                                                                          \
            TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 1) TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 2)                    \
            TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 3) TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 4)                    \
            TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 5) TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 6)                    \
            TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 7) TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 8)                    \
            TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 9) TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 10)                   \
            TG_AVX512_PARTIAL_CASE(ROWS, VECTORS, 11)                                                            \
        }                                                                                                        \
    }

// 12 × 32 measured best for products wider than 16 (150 GFLOP/s on one core, against 138 for
// 6 × 64 and 150 for 14 × 32, whose extra rows buy nothing).
TG_AVX512_KERNEL(12, 1, 16)
TG_AVX512_KERNEL(12, 2, 32)
#endif
