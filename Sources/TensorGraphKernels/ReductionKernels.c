// Float32 loops that combine many values into few: reductions along an axis, pooling windows,
// depthwise convolution windows, softmax rows, and the per-channel scale and shift of a
// normalization.
#include "VectorKernels.h"
#include "VectorMath.h"

/// Lanes of the accumulators a row reduction keeps: as many independent sums as a 512-bit register
/// holds, so the loop vectorizes without reordering any one lane's additions.
enum { LANES = 16 };

TG_INLINE float initial(tg_reduce_op op) {
    switch (op) {
    case TG_REDUCE_SUM: return 0.0f;
    case TG_REDUCE_MAX: return -__builtin_inff();
    case TG_REDUCE_MIN: return __builtin_inff();
    }
    return 0.0f;
}

/// One step of a reduction; NaN wins max and min, as in TensorFlow.
TG_INLINE float combine(tg_reduce_op op, float acc, float x) {
    switch (op) {
    case TG_REDUCE_SUM: return acc + x;
    case TG_REDUCE_MAX: return x > acc || x != x ? x : acc;
    case TG_REDUCE_MIN: return x < acc || x != x ? x : acc;
    }
    return acc;
}

/// `op` over `length` contiguous floats: LANES accumulators, then those combined.
TG_INLINE float reduce_row(tg_reduce_op op, const float *x, ptrdiff_t length) {
    float acc[LANES];
    for (int j = 0; j < LANES; j++) acc[j] = initial(op);
    ptrdiff_t i = 0;
    for (; i + LANES <= length; i += LANES) {
        for (int j = 0; j < LANES; j++) acc[j] = combine(op, acc[j], x[i + j]);
    }
    float result = initial(op);
    for (int j = 0; j < LANES; j++) result = combine(op, result, acc[j]);
    for (; i < length; i++) result = combine(op, result, x[i]);
    return result;
}

TG_INLINE void reduce_each(tg_reduce_op op, const float *x, ptrdiff_t outer, ptrdiff_t length, ptrdiff_t inner,
                           float *out) {
    for (ptrdiff_t o = 0; o < outer; o++) {
        const float *block = x + o * length * inner;
        float *target = out + o * inner;
        if (inner == 1) {
            *target = reduce_row(op, block, length);
            continue;
        }
        for (ptrdiff_t i = 0; i < inner; i++) target[i] = initial(op);
        for (ptrdiff_t r = 0; r < length; r++) {
            const float *row = block + r * inner;
            for (ptrdiff_t i = 0; i < inner; i++) target[i] = combine(op, target[i], row[i]);
        }
    }
}

TG_INLINE void pool_each(tg_reduce_op op, const float *const *sources, ptrdiff_t count, ptrdiff_t channels,
                         float scale, float *out) {
    for (ptrdiff_t c = 0; c < channels; c++) out[c] = initial(op);
    for (ptrdiff_t k = 0; k < count; k++) {
        const float *source = sources[k];
        for (ptrdiff_t c = 0; c < channels; c++) out[c] = combine(op, out[c], source[c]);
    }
    if (scale != 1.0f) {
        for (ptrdiff_t c = 0; c < channels; c++) out[c] *= scale;
    }
}

/// Calls BODY with the operator as a constant, so that each copy's loop is a plain one to vectorize.
#define TG_WITH_CONSTANT_OP(op, BODY)               \
    switch (op) {                                   \
    case TG_REDUCE_SUM: BODY(TG_REDUCE_SUM); break; \
    case TG_REDUCE_MAX: BODY(TG_REDUCE_MAX); break; \
    case TG_REDUCE_MIN: BODY(TG_REDUCE_MIN); break; \
    }

TG_INLINE void reduce_body(tg_reduce_op op, const float *x, ptrdiff_t outer, ptrdiff_t length, ptrdiff_t inner,
                           float *out) {
#define TG_REDUCE(OP) reduce_each(OP, x, outer, length, inner, out)
    TG_WITH_CONSTANT_OP(op, TG_REDUCE)
#undef TG_REDUCE
}

TG_INLINE void pool_body(tg_reduce_op op, const float *const *sources, ptrdiff_t count, ptrdiff_t channels,
                         float scale, float *out) {
#define TG_POOL(OP) pool_each(OP, sources, count, channels, scale, out)
    TG_WITH_CONSTANT_OP(op, TG_POOL)
#undef TG_POOL
}

/// Σ e^(x[i] − shift) over a row, in LANES independent sums as `reduce_row` keeps them.
TG_INLINE float sum_of_exponentials(const float *x, ptrdiff_t length, float shift) {
    float acc[LANES];
    for (int j = 0; j < LANES; j++) acc[j] = 0.0f;
    ptrdiff_t i = 0;
    for (; i + LANES <= length; i += LANES) {
        for (int j = 0; j < LANES; j++) acc[j] += tg_exp(x[i + j] - shift);
    }
    float total = 0.0f;
    for (int j = 0; j < LANES; j++) total += acc[j];
    for (; i < length; i++) total += tg_exp(x[i] - shift);
    return total;
}

/// Each row in place or not: every element is read before its own position is written, and the
/// logarithm's sum is taken before any is.
TG_INLINE void softmax_body(const float *x, float *out, ptrdiff_t rows, ptrdiff_t columns, int logarithm) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * columns;
        float *target = out + r * columns;
        const float top = reduce_row(TG_REDUCE_MAX, row, columns);
        if (logarithm) {
            const float shift = top + tg_log(sum_of_exponentials(row, columns, top));
            for (ptrdiff_t i = 0; i < columns; i++) target[i] = row[i] - shift;
            continue;
        }
        for (ptrdiff_t i = 0; i < columns; i++) target[i] = tg_exp(row[i] - top);
        const float inverse = 1.0f / reduce_row(TG_REDUCE_SUM, target, columns);
        for (ptrdiff_t i = 0; i < columns; i++) target[i] *= inverse;
    }
}

TG_INLINE void scale_shift_body(const float *x, const float *scale, const float *shift, float *out, ptrdiff_t rows,
                                ptrdiff_t channels) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *row = x + r * channels;
        float *target = out + r * channels;
        for (ptrdiff_t c = 0; c < channels; c++) target[c] = row[c] * scale[c] + shift[c];
    }
}

TG_INLINE void depthwise_body(const float *const *sources, const float *const *filters, ptrdiff_t count,
                              ptrdiff_t channels, ptrdiff_t multiplier, float *out) {
    const ptrdiff_t width = channels * multiplier;
    for (ptrdiff_t j = 0; j < width; j++) out[j] = 0.0f;
    for (ptrdiff_t k = 0; k < count; k++) {
        const float *source = sources[k], *filter = filters[k];
        if (multiplier == 1) {
            for (ptrdiff_t c = 0; c < channels; c++) out[c] += source[c] * filter[c];
        } else {
            for (ptrdiff_t c = 0; c < channels; c++) {
                const float x = source[c];
                for (ptrdiff_t m = 0; m < multiplier; m++) out[c * multiplier + m] += x * filter[c * multiplier + m];
            }
        }
    }
}

#define TG_REDUCTIONS_FOR(ISA, TARGET)                                                                            \
    TARGET void tg_reduce_##ISA(tg_reduce_op op, const float *x, ptrdiff_t outer, ptrdiff_t length,              \
                                ptrdiff_t inner, float *out) {                                                    \
        reduce_body(op, x, outer, length, inner, out);                                                            \
    }                                                                                                             \
    TARGET void tg_pool_##ISA(tg_reduce_op op, const float *const *sources, ptrdiff_t count, ptrdiff_t channels,  \
                              float scale, float *out) {                                                          \
        pool_body(op, sources, count, channels, scale, out);                                                      \
    }                                                                                                             \
    TARGET void tg_softmax_##ISA(const float *x, float *out, ptrdiff_t rows, ptrdiff_t columns, int logarithm) {  \
        softmax_body(x, out, rows, columns, logarithm);                                                           \
    }                                                                                                             \
    TARGET void tg_scale_shift_##ISA(const float *x, const float *scale, const float *shift, float *out,          \
                                     ptrdiff_t rows, ptrdiff_t channels) {                                        \
        scale_shift_body(x, scale, shift, out, rows, channels);                                                   \
    }                                                                                                             \
    TARGET void tg_depthwise_##ISA(const float *const *sources, const float *const *filters, ptrdiff_t count,     \
                                   ptrdiff_t channels, ptrdiff_t multiplier, float *out) {                        \
        depthwise_body(sources, filters, count, channels, multiplier, out);                                       \
    }

TG_FOR_EACH_ISA(TG_REDUCTIONS_FOR)
