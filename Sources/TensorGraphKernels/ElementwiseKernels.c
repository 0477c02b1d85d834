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

/// One loop per operator and per operand pattern, so that each is a plain vectorizable loop.
#define TG_BINARY_LOOPS(OP)                                                                       \
    if (a_step && b_step) {                                                                       \
        for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, a[i], b[i]);                    \
    } else if (b_step) {                                                                          \
        const float x = a[0];                                                                     \
        for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, x, b[i]);                       \
    } else if (a_step) {                                                                          \
        const float y = b[0];                                                                     \
        for (ptrdiff_t i = 0; i < count; i++) out[i] = binary(OP, a[i], y);                       \
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

TG_INLINE void unary_body(tg_unary_op op, const float *x, float *out, ptrdiff_t count, float alpha) {
    switch (op) {
    case TG_NEGATE:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = -x[i];
        break;
    case TG_SQUARE:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = x[i] * x[i];
        break;
    case TG_ABS:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = __builtin_fabsf(x[i]);
        break;
    case TG_SQRT:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = TG_SQRT(x[i]);
        break;
    case TG_RSQRT:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = 1.0f / TG_SQRT(x[i]);
        break;
    case TG_EXP:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = tg_exp(x[i]);
        break;
    case TG_LOG:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = tg_log(x[i]);
        break;
    case TG_SIGMOID:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = tg_sigmoid(x[i]);
        break;
    case TG_TANH:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = tg_tanh(x[i]);
        break;
    // NaN passes through the rectifiers, as in TensorFlow.
    case TG_RELU:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = x[i] > 0.0f || x[i] != x[i] ? x[i] : 0.0f;
        break;
    case TG_RELU6:
        for (ptrdiff_t i = 0; i < count; i++) {
            const float v = x[i] < 0.0f ? 0.0f : x[i];
            out[i] = v > 6.0f ? 6.0f : v;
        }
        break;
    case TG_LEAKY_RELU:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = x[i] > 0.0f ? x[i] : x[i] * alpha;
        break;
    // x · sigmoid(x) (SiLU), EfficientNet's activation.
    case TG_SWISH:
        for (ptrdiff_t i = 0; i < count; i++) out[i] = x[i] * tg_sigmoid(x[i]);
        break;
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
