// Elementwise float32 loops: one and two operands.
#include "VectorKernels.h"
#include "VectorMath.h"

TG_INLINE float binary(tg_binary_op op, float a, float b) {
    switch (op) {
    case TG_ADD: return a + b;
    case TG_SUBTRACT: return a - b;
    case TG_MULTIPLY: return a * b;
    case TG_DIVIDE: return a / b;
    // As Swift's max and min: the second operand when it compares so, else the first.
    case TG_MAXIMUM: return b >= a ? b : a;
    case TG_MINIMUM: return b < a ? b : a;
    case TG_SQUARED_DIFFERENCE: return (a - b) * (a - b);
    }
    return 0;
}

// A loop whose output is also an input is written with the output pointer alone: through two
// pointers the compiler checks at run time that they do not overlap, finds they do, and runs its
// scalar loop (a sigmoid written over its input, as a fused epilogue does, was 15× slower).

/// One loop per operator and per operand pattern, so that each is a plain vectorizable loop.
#define TG_BINARY_LOOPS(OP)                                                                       \
    if (a_step && b_step) {                                                                       \
        if (out == a && out == b) {                                                               \
            for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, out[i], out[i]);            \
        } else if (out == a) {                                                                    \
            for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, out[i], b[i]);              \
        } else if (out == b) {                                                                    \
            for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, a[i], out[i]);              \
        } else {                                                                                  \
            for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, a[i], b[i]);                \
        }                                                                                         \
    } else if (b_step) {                                                                          \
        const float x = a[0];                                                                     \
        if (out == b) {                                                                           \
            for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, x, out[i]);                 \
        } else {                                                                                  \
            for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, x, b[i]);                   \
        }                                                                                         \
    } else if (a_step) {                                                                          \
        const float y = b[0];                                                                     \
        if (out == a) {                                                                           \
            for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, out[i], y);                 \
        } else {                                                                                  \
            for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, a[i], y);                   \
        }                                                                                         \
    } else {                                                                                      \
        const float value = binary(OP, a[0], b[0]);                                               \
        for (ptrdiff_t i = 0; i < count; i++) out[i] = value;                                     \
    }

TG_INLINE void binary_body(tg_binary_op op, const float *a, ptrdiff_t a_step, const float *b, ptrdiff_t b_step,
                           float *out, ptrdiff_t count) {
    switch (op) {
    case TG_ADD: TG_BINARY_LOOPS(TG_ADD) break;
    case TG_SUBTRACT: TG_BINARY_LOOPS(TG_SUBTRACT) break;
    case TG_MULTIPLY: TG_BINARY_LOOPS(TG_MULTIPLY) break;
    case TG_DIVIDE: TG_BINARY_LOOPS(TG_DIVIDE) break;
    case TG_MAXIMUM: TG_BINARY_LOOPS(TG_MAXIMUM) break;
    case TG_MINIMUM: TG_BINARY_LOOPS(TG_MINIMUM) break;
    case TG_SQUARED_DIFFERENCE: TG_BINARY_LOOPS(TG_SQUARED_DIFFERENCE) break;
    }
}

TG_INLINE float unary(tg_unary_op op, float x, float alpha) {
    switch (op) {
    case TG_NEGATE: return -x;
    case TG_SQUARE: return x * x;
    case TG_ABS: return __builtin_fabsf(x);
    case TG_SQRT: return TG_SQRT(x);
    case TG_RSQRT: return 1.0f / TG_SQRT(x);
    case TG_EXP: return tg_exp(x);
    case TG_LOG: return tg_log(x);
    case TG_SIGMOID: return tg_sigmoid(x);
    case TG_TANH: return tg_tanh(x);
    // NaN passes through the rectifiers, as in TensorFlow.
    case TG_RELU: return x > 0.0f || x != x ? x : 0.0f;
    case TG_RELU6: {
        const float v = x < 0.0f ? 0.0f : x;
        return v > 6.0f ? 6.0f : v;
    }
    case TG_LEAKY_RELU: return x > 0.0f ? x : x * alpha;
    // x · sigmoid(x) (SiLU), EfficientNet's activation.
    case TG_SWISH: return x * tg_sigmoid(x);
    }
    return 0;
}

#define TG_UNARY_LOOP(OP)                                                                         \
    if (x == out) {                                                                               \
        for (ptrdiff_t i = 0; i < count; i++) out[i] = unary(OP, out[i], alpha);                  \
    } else {                                                                                      \
        for (ptrdiff_t i = 0; i < count; i++) out[i] = unary(OP, x[i], alpha);                    \
    }

TG_INLINE void unary_body(tg_unary_op op, const float *x, float *out, ptrdiff_t count, float alpha) {
    switch (op) {
    case TG_NEGATE: TG_UNARY_LOOP(TG_NEGATE) break;
    case TG_SQUARE: TG_UNARY_LOOP(TG_SQUARE) break;
    case TG_ABS: TG_UNARY_LOOP(TG_ABS) break;
    case TG_SQRT: TG_UNARY_LOOP(TG_SQRT) break;
    case TG_RSQRT: TG_UNARY_LOOP(TG_RSQRT) break;
    case TG_EXP: TG_UNARY_LOOP(TG_EXP) break;
    case TG_LOG: TG_UNARY_LOOP(TG_LOG) break;
    case TG_SIGMOID: TG_UNARY_LOOP(TG_SIGMOID) break;
    case TG_TANH: TG_UNARY_LOOP(TG_TANH) break;
    case TG_RELU: TG_UNARY_LOOP(TG_RELU) break;
    case TG_RELU6: TG_UNARY_LOOP(TG_RELU6) break;
    case TG_LEAKY_RELU: TG_UNARY_LOOP(TG_LEAKY_RELU) break;
    case TG_SWISH: TG_UNARY_LOOP(TG_SWISH) break;
    }
}

#define TG_ELEMENTWISE_FOR(ISA, TARGET)                                                                           \
    TARGET void tg_binary_##ISA(tg_binary_op op, const float *a, ptrdiff_t a_step, const float *b,                \
                                ptrdiff_t b_step, float *out, ptrdiff_t count) {                                  \
        binary_body(op, a, a_step, b, b_step, out, count);                                                        \
    }                                                                                                             \
    TARGET void tg_unary_##ISA(tg_unary_op op, const float *x, float *out, ptrdiff_t count, float alpha) {        \
        unary_body(op, x, out, count, alpha);                                                                     \
    }

TG_FOR_EACH_ISA(TG_ELEMENTWISE_FOR)
