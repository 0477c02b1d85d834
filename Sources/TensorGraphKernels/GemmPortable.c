// The portable micro-kernel, for any CPU: 6 rows by two 4-float vectors in the compiler's generic
// vector type (SSE2 on baseline x86-64). A multiply then an add: where the target has no fused
// multiply-add the compiler must not call fmaf for one, and where it has one it may fuse them.
#include "GemmTile.h"

typedef float vector4 __attribute__((vector_size(16)));

enum { ROWS = 6, PANEL = 8 };

static inline vector4 load(const float *p) {
    vector4 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline void store(float *p, vector4 v) { __builtin_memcpy(p, &v, sizeof v); }

static inline void tile(const tg_gemm_block *block, const float *const *sources, float *const *targets) {
    vector4 acc[ROWS][2];
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = (vector4){0, 0, 0, 0};
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
            const vector4 b0 = load(b), b1 = load(b + 4);
            b += PANEL;
            _Pragma("clang loop unroll(full)")
            for (int r = 0; r < ROWS; r++) {
                const float s = a[r][p];
                const vector4 x = {s, s, s, s};
                acc[r][0] += x * b0;
                acc[r][1] += x * b1;
            }
        }
    }
    if (block->width < PANEL) {
        float edge[ROWS * PANEL];
        _Pragma("clang loop unroll(full)")
        for (int r = 0; r < ROWS; r++) {
            store(edge + r * PANEL, acc[r][0]);
            store(edge + r * PANEL + 4, acc[r][1]);
        }
        tg_store_tile_edge(edge, ROWS, PANEL, block, targets);
        return;
    }
    _Pragma("clang loop unroll(full)")
    for (int r = 0; r < ROWS; r++) {
        if (!targets[r]) continue;
        float *target = targets[r] + block->column;
        if (block->accumulate) {
            store(target, acc[r][0] + load(target));
            store(target + 4, acc[r][1] + load(target + 4));
        } else {
            store(target, acc[r][0]);
            store(target + 4, acc[r][1]);
        }
    }
}

void tg_gemm_portable_6x8(const tg_gemm_block *block, ptrdiff_t tiles) {
    for (ptrdiff_t t = 0; t < tiles; t++) tile(block, block->sources + t * block->tile_stride,
                                               block->targets + t * ROWS);
}
