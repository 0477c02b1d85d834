// What every instruction set's matrix-product micro-kernel shares: the padding test and the
// scalar store of a tile that is narrower than its panel.
#ifndef TENSORGRAPH_GEMM_TILE_H
#define TENSORGRAPH_GEMM_TILE_H

#include "TensorGraphKernels.h"

/// Whether every row of a tile reads the padding at one tap: such a tap adds nothing.
static inline int tg_tile_is_padding(const float *const *row, int rows, const float *zeros) {
    for (int r = 0; r < rows; r++) {
        if (row[r] != zeros) return 0;
    }
    return 1;
}

/// Writes (or adds) the first `block->width` columns of each row of `tile` (`rows` rows of `panel`
/// floats) to its target: the edge of the result, where a full vector would reach past it.
static inline void tg_store_tile_edge(const float *tile, int rows, int panel, const tg_gemm_block *block,
                                      float *const *targets) {
    for (int r = 0; r < rows; r++) {
        if (!targets[r]) continue;
        float *target = targets[r] + block->column;
        for (ptrdiff_t j = 0; j < block->width; j++) {
            target[j] = block->accumulate ? target[j] + tile[r * panel + j] : tile[r * panel + j];
        }
    }
}

/// The part of the next call's B that a kernel has not yet asked the caches for: it asks for two
/// more lines per depth step, into L2 (into L1 they would evict the panel in use).
typedef struct tg_prefetch_cursor {
    const char *next, *end;
} tg_prefetch_cursor;

static inline tg_prefetch_cursor tg_prefetch_start(const tg_gemm_block *block) {
    const char *start = (const char *)block->ahead;
    return (tg_prefetch_cursor){start, start ? start + block->ahead_length * sizeof(float) : start};
}

static inline void tg_prefetch_step(tg_prefetch_cursor *cursor) {
    if (cursor->next >= cursor->end) return;
    __builtin_prefetch(cursor->next, 0, 2);
    __builtin_prefetch(cursor->next + 64, 0, 2);
    cursor->next += 128;
}

/// Floats per cache line: a row of A is read one line per this many depth steps.
enum { TG_LINE_FLOATS = 16 };

/// Asks L1 for each row's A line `lead` floats ahead of depth `step` in the run in use, `a`, or, past
/// its end, as far into the run that follows, `following` (the next tap's, or the next tile's
/// first). A tile reads a dozen rows at once, each for a few lines, which the hardware's prefetcher
/// does not follow: without this, a product whose A comes from beyond L2 ran 12% slower.
static inline void tg_prefetch_rows(const float *const *a, const float *const *following, int rows,
                                    const tg_gemm_block *block, ptrdiff_t step, ptrdiff_t lead) {
    const ptrdiff_t at = step + lead, past = at - block->length;
    for (int r = 0; r < rows; r++) {
        __builtin_prefetch(past < 0 ? a[r] + at : following[r] + block->offset + past, 0, 3);
    }
}

void tg_gemm_portable_6x8(const tg_gemm_block *block, ptrdiff_t tiles);
void tg_gemm_avx2_6x16(const tg_gemm_block *block, ptrdiff_t tiles);
void tg_gemm_avx512_12x16(const tg_gemm_block *block, ptrdiff_t tiles);
void tg_gemm_avx512_12x32(const tg_gemm_block *block, ptrdiff_t tiles);
void tg_gemm_neon_6x16(const tg_gemm_block *block, ptrdiff_t tiles);

#endif
