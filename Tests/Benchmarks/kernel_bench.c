// One core, one micro-kernel: times a plain product C[M×N] = A[M×K] · B through the AVX-512 (or AVX2)
// micro-kernel in IndirectGemm's loop order — blocks of rows, then depth blocks, then column panels —
// with no threads, graph or Swift around it, so that a change to a kernel can be measured in seconds
// and apart from the machine's other noise. It reports the best of REPS runs.
//
//   clang -O3 -I Sources/TensorGraphKernels/include -I Sources/TensorGraphKernels \
//       -o /tmp/kernel_bench Tests/Benchmarks/kernel_bench.c Sources/TensorGraphKernels/GemmAVX512.c
//   taskset -c 1 /tmp/kernel_bench M K N [DEPTH_BLOCK=256] [TILES_PER_ROW_BLOCK=8] [REPS=5]
//
// Add -DKERNEL=tg_gemm_avx2_6x16 -DKERNEL_ROWS=6 -DKERNEL_PANEL=16 and GemmAVX2.c for the AVX2 kernel.
// A_ROWS=n (C_ROWS=n) in the environment makes row i read row i mod n of A (write row i mod n of
// C), so that A (C) stays in cache: the difference to a run without shows what streaming it costs.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "TensorGraphKernels.h"
#include "GemmTile.h"

#ifndef KERNEL
#define KERNEL tg_gemm_avx512_12x32
#define KERNEL_ROWS 12
#define KERNEL_PANEL 32
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static long argument(int argc, char **argv, int index, long otherwise) {
    return argc > index ? atol(argv[index]) : otherwise;
}

static long environment(const char *name, long otherwise) {
    const char *value = getenv(name);
    return value ? atol(value) : otherwise;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: kernel_bench M K N [DEPTH_BLOCK] [TILES_PER_ROW_BLOCK] [REPS]\n");
        return 2;
    }
    const long m = atol(argv[1]), k = atol(argv[2]), n = atol(argv[3]);
    const long depth_block = argument(argc, argv, 4, 256), tiles_per_block = argument(argc, argv, 5, 8);
    const long reps = argument(argc, argv, 6, 5);
    const long a_rows = environment("A_ROWS", m), c_rows = environment("C_ROWS", m);
    const long panels = (n + KERNEL_PANEL - 1) / KERNEL_PANEL, pieces = (k + depth_block - 1) / depth_block;
    float *a = aligned_alloc(64, m * k * sizeof(float)), *c = aligned_alloc(64, m * n * sizeof(float));
    float *b = aligned_alloc(64, k * panels * KERNEL_PANEL * sizeof(float)), *zeros = calloc(k, sizeof(float));
    for (long i = 0; i < m * k; i++) a[i] = (float)(i * 7 % 13) * 0.1f;
    for (long i = 0; i < k * panels * KERNEL_PANEL; i++) b[i] = (float)(i * 5 % 11) * 0.1f;
    memset(c, 0, m * n * sizeof(float));
    // Depth blocks as IndirectGemm cuts one tap: equal pieces of at most depth_block.
    long *start = malloc(pieces * sizeof(long)), *length = malloc(pieces * sizeof(long));
    long *offset = malloc(pieces * sizeof(long));
    for (long p = 0, packed = 0; p < pieces; p++) {
        start[p] = k * p / pieces;
        length[p] = k * (p + 1) / pieces - start[p];
        offset[p] = packed;
        packed += length[p] * panels * KERNEL_PANEL;
    }
    const long row_block = tiles_per_block * KERNEL_ROWS;
    const float **sources = malloc(row_block * sizeof(float *));
    float **targets = malloc(row_block * sizeof(float *));
    double best = 1e30;
    for (long rep = 0; rep < reps; rep++) {
        const double began = now();
        for (long first = 0; first < m; first += row_block) {
            const long rows = m - first < row_block ? m - first : row_block;
            const long tiles = (rows + KERNEL_ROWS - 1) / KERNEL_ROWS;
            for (long i = 0; i < tiles * KERNEL_ROWS; i++) {
                sources[i] = i < rows ? a + (first + i) % a_rows * k : zeros;
                targets[i] = i < rows ? c + (first + i) % c_rows * n : NULL;
            }
            for (long p = 0; p < pieces; p++) {
                for (long panel = 0; panel < panels; panel++) {
                    const long next_piece = panel + 1 < panels ? p : p + 1;
                    const long next_panel = panel + 1 < panels ? panel + 1 : 0;
                    tg_gemm_block block = {
                        .sources = sources, .tile_stride = KERNEL_ROWS, .taps = 1, .offset = start[p],
                        .length = length[p], .zeros = zeros,
                        .b = b + offset[p] + panel * length[p] * KERNEL_PANEL,
                        .targets = targets, .column = panel * KERNEL_PANEL,
                        .width = n - panel * KERNEL_PANEL < KERNEL_PANEL ? n - panel * KERNEL_PANEL : KERNEL_PANEL,
                        .accumulate = p > 0,
                        .last_rows = rows - (tiles - 1) * KERNEL_ROWS};
                    if (next_piece < pieces) {
                        block.ahead = b + offset[next_piece] + next_panel * length[next_piece] * KERNEL_PANEL;
                        block.ahead_length = length[next_piece] * KERNEL_PANEL;
                    }
                    KERNEL(&block, tiles);
                }
            }
        }
        const double took = now() - began;
        if (took < best) best = took;
    }
    printf("M=%ld K=%ld N=%ld depth block %ld, %ld tiles per row block: %.3f ms, %.1f GFLOP/s\n", m, k, n,
           depth_block, tiles_per_block, best * 1e3, 2.0 * m * k * n / best * 1e-9);
    return 0;
}
