// Checks the C kernels of every instruction set this CPU runs against plain scalar loops, with NaN
// around every output so that a write outside it shows. Built for arm64 and run under qemu by
// run.sh, it is how the NEON kernels are checked on a machine without an arm64 CPU.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "TensorGraphKernels.h"

static int failures = 0;

static float value(int i, int seed) { return (float)((i * 7919 + seed * 104729) % 2003) / 1001.5f - 1.0f; }

static void expect(int ok, const char *what, int a, int b, int c) {
    if (!ok) {
        failures++;
        if (failures < 20) printf("FAIL %s (%d, %d, %d)\n", what, a, b, c);
    }
}

/// C[m×n] = A[m×k] · B[k×n] through the micro-kernel, one tap per row, B packed into its panels.
static void check_gemm(const tg_kernels *kernels, int m, int k, int n) {
    tg_gemm_kernel g = kernels->gemm(n);
    int panels = (n + g.panel - 1) / g.panel, tiles = (m + g.rows - 1) / g.rows, ldc = n + 3;
    float *a = malloc(sizeof(float) * (m * k + 1)), *b = malloc(sizeof(float) * (k * n + 1));
    float *packed = aligned_alloc(64, sizeof(float) * (k * panels * g.panel + 16));
    float *c = malloc(sizeof(float) * (tiles * g.rows + 1) * ldc), zeros[4096] = {0};
    const float **sources = malloc(sizeof(float *) * tiles * g.rows);
    float **targets = malloc(sizeof(float *) * tiles * g.rows);
    for (int i = 0; i < m * k; i++) a[i] = value(i, 1);
    for (int i = 0; i < k * n; i++) b[i] = value(i, 2);
    for (int p = 0; p < panels; p++)
        for (int d = 0; d < k; d++)
            for (int j = 0; j < g.panel; j++) {
                int column = p * g.panel + j;
                packed[(p * k + d) * g.panel + j] = column < n ? b[d * n + column] : 0;
            }
    for (int i = 0; i < (tiles * g.rows + 1) * ldc; i++) c[i] = NAN;
    for (int r = 0; r < tiles * g.rows; r++) {
        sources[r] = r < m ? a + r * k : zeros;
        targets[r] = r < m ? c + r * ldc : 0;
    }
    for (int p = 0; p < panels; p++) {
        tg_gemm_block block = {sources, g.rows, 1, 0, k, zeros, packed + p * k * g.panel, targets, p * g.panel,
                               n - p * g.panel < g.panel ? n - p * g.panel : g.panel, 0};
        g.run(&block, tiles);
    }
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            double expected = 0;
            for (int d = 0; d < k; d++) expected += (double)a[i * k + d] * b[d * n + j];
            expect(fabs(c[i * ldc + j] - expected) <= 1e-4 * (1 + fabs(expected)), "gemm value", m, k, n);
        }
        for (int j = n; j < ldc; j++) expect(isnan(c[i * ldc + j]), "gemm wrote past a row", m, k, n);
    }
    for (int i = m * ldc; i < (tiles * g.rows + 1) * ldc; i++) expect(isnan(c[i]), "gemm wrote past the end", m, k, n);
    free(a); free(b); free(packed); free(c); free(sources); free(targets);
}

static void check_vector_kernels(const tg_kernels *kernels, int count) {
    float *x = malloc(sizeof(float) * (count + 1)), *y = malloc(sizeof(float) * (count + 1));
    float *out = malloc(sizeof(float) * (count + 1));
    for (int i = 0; i < count; i++) { x[i] = value(i, 3) * 4; y[i] = value(i, 4) + 2; }
    out[count] = NAN;
    kernels->binary(TG_DIVIDE, x, 1, y, 1, out, count);
    for (int i = 0; i < count; i++) expect(out[i] == x[i] / y[i], "binary divide", count, i, 0);
    kernels->binary(TG_MAXIMUM, x, 1, y, 0, out, count);
    for (int i = 0; i < count; i++) {
        expect(out[i] == (y[0] >= x[i] ? y[0] : x[i]), "binary maximum, scalar", count, i, 0);
    }
    kernels->unary(TG_EXP, x, out, count, 0);
    for (int i = 0; i < count; i++) expect(fabsf(out[i] - expf(x[i])) <= 3e-7f * expf(x[i]), "exp", count, i, 0);
    kernels->unary(TG_TANH, x, out, count, 0);
    for (int i = 0; i < count; i++) expect(fabsf(out[i] - tanhf(x[i])) <= 1e-6f, "tanh", count, i, 0);
    kernels->unary(TG_LEAKY_RELU, x, out, count, 0.2f);
    for (int i = 0; i < count; i++) expect(out[i] == (x[i] > 0 ? x[i] : x[i] * 0.2f), "leaky relu", count, i, 0);
    kernels->unary(TG_SWISH, x, out, count, 0);
    for (int i = 0; i < count; i++) {
        expect(fabsf(out[i] - x[i] / (1 + expf(-x[i]))) <= 1e-6f * (1 + fabsf(x[i])), "swish", count, i, 0);
    }
    expect(isnan(out[count]), "unary wrote past the end", count, 0, 0);
    float sum = 0, top = -INFINITY;
    kernels->reduce(TG_REDUCE_SUM, x, 1, count, 1, out);
    for (int i = 0; i < count; i++) { sum += x[i]; top = x[i] > top ? x[i] : top; }
    expect(fabsf(out[0] - sum) <= 1e-4f * (1 + fabsf(sum)), "reduce sum", count, 0, 0);
    kernels->reduce(TG_REDUCE_MAX, x, 1, count, 1, out);
    expect(count == 0 || out[0] == top, "reduce max", count, 0, 0);
    if (count >= 1) {
        kernels->softmax(x, out, 1, count, 0);
        double total = 0;
        for (int i = 0; i < count; i++) total += exp((double)x[i] - top);
        for (int i = 0; i < count; i++) {
            expect(fabs(out[i] - exp((double)x[i] - top) / total) <= 1e-6, "softmax", count, i, 0);
        }
    }
    free(x); free(y); free(out);
}

static void check_depthwise(const tg_kernels *kernels, int channels, int multiplier) {
    enum { CELLS = 3 };
    float input[CELLS][64], filter[CELLS][256], out[257];
    const float *sources[CELLS], *filters[CELLS];
    for (int k = 0; k < CELLS; k++) {
        for (int c = 0; c < channels; c++) input[k][c] = value(k * 64 + c, 5);
        for (int j = 0; j < channels * multiplier; j++) filter[k][j] = value(k * 256 + j, 6);
        sources[k] = input[k];
        filters[k] = filter[k];
    }
    out[channels * multiplier] = NAN;
    kernels->depthwise(sources, filters, CELLS, channels, multiplier, out);
    for (int c = 0; c < channels; c++)
        for (int m = 0; m < multiplier; m++) {
            double expected = 0;
            for (int k = 0; k < CELLS; k++) expected += (double)input[k][c] * filter[k][c * multiplier + m];
            expect(fabs(out[c * multiplier + m] - expected) <= 1e-5, "depthwise", channels, multiplier, c);
        }
    expect(isnan(out[channels * multiplier]), "depthwise wrote past the end", channels, multiplier, 0);
}

int main(void) {
    const char *names[] = {"portable", "avx2", "avx512", "neon"};
    int checked = 0;
    for (int isa = TG_ISA_PORTABLE; isa <= TG_ISA_NEON; isa++) {
        const tg_kernels *kernels = tg_kernels_for((tg_isa)isa);
        if (!kernels || !tg_isa_supported((tg_isa)isa)) continue;
        int before = failures;
        for (int size = 1; size <= 33; size++) {
            check_gemm(kernels, size, 19, 37);
            check_gemm(kernels, 29, size, 21);
            check_gemm(kernels, 13, 7, size);
            check_vector_kernels(kernels, size);
            check_depthwise(kernels, size, 1 + size % 3);
        }
        check_gemm(kernels, 100, 300, 70);
        check_vector_kernels(kernels, 1000);
        printf("%s: %s\n", names[isa], failures == before ? "every kernel agrees" : "FAILED");
        checked++;
    }
    printf("%d passed, %d failed\n", checked - (failures > 0), failures > 0);
    return failures > 0;
}
