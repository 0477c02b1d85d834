// The arm64 Advanced SIMD micro-kernel: 6 rows by four 4-float vectors, 24 of the 32 registers
// holding the tile, multiplied and added in one fused instruction.
#if defined(__aarch64__)
#include <arm_neon.h>
#include "GemmTile.h"

enum { ROWS = 6, PANEL = 16 };

static inline void tile(const tg_gemm_block *block, const float *const *sources, float *const *targets) {
    float32x4_t acc[ROWS][4];
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < ROWS; r++) {
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < 4; v++) acc[r][v] = vdupq_n_f32(0);
    }
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
            const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8), b3 = vld1q_f32(b + 12);
            b += PANEL;
            _Pragma("clang loop unroll(full)")
            for (int r = 0; r < ROWS; r++) {
                const float x = a[r][p];
                acc[r][0] = vfmaq_n_f32(acc[r][0], b0, x);
                acc[r][1] = vfmaq_n_f32(acc[r][1], b1, x);
                acc[r][2] = vfmaq_n_f32(acc[r][2], b2, x);
                acc[r][3] = vfmaq_n_f32(acc[r][3], b3, x);
            }
        }
    }
    if (block->width < PANEL) {
        float edge[ROWS * PANEL];
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < ROWS; r++) {
            _Pragma("clang loop unroll(full)")
            for (int v = 0; v < 4; v++) vst1q_f32(edge + r * PANEL + 4 * v, acc[r][v]);
        }
        tg_store_tile_edge(edge, ROWS, PANEL, block, targets);
        return;
    }
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < ROWS; r++) {
        if (!targets[r]) continue;
        float *target = targets[r] + block->column;
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < 4; v++) {
            float32x4_t value = acc[r][v];
            if (block->accumulate) value = vaddq_f32(value, vld1q_f32(target + 4 * v));
            vst1q_f32(target + 4 * v, value);
        }
    }
}

void tg_gemm_neon_6x16(const tg_gemm_block *block, ptrdiff_t tiles) {
    for (ptrdiff_t t = 0; t < tiles; t++) tile(block, block->sources + t * block->tile_stride,
                                               block->targets + t * ROWS);
}
#endif
