// Single-precision exp, log, tanh and sigmoid written as straight-line arithmetic and selects, so that a
// loop over them vectorizes for whatever instruction set the calling function is compiled for
// (the C library's expf and friends are calls the vectorizer cannot widen). Cephes' polynomials
// for exp and log, and the 13/6 rational tanh that Eigen (TensorFlow's CPU math) uses.
#ifndef TENSORGRAPH_VECTOR_MATH_H
#define TENSORGRAPH_VECTOR_MATH_H

#include <stdint.h>

/// A square root the vectorizer may widen: clang's elementwise builtin sets no errno, which is
/// what keeps `sqrtf` from vectorizing; other compilers get the plain builtin.
#if defined(__has_builtin) && __has_builtin(__builtin_elementwise_sqrt)
#define TG_SQRT(x) __builtin_elementwise_sqrt(x)
#else
#define TG_SQRT(x) __builtin_sqrtf(x)
#endif

static inline float tg_bits_to_float(int32_t bits) {
    float value;
    __builtin_memcpy(&value, &bits, sizeof value);
    return value;
}

static inline int32_t tg_float_to_bits(float value) {
    int32_t bits;
    __builtin_memcpy(&bits, &value, sizeof bits);
    return bits;
}

/// e^x within about 2 ulp: x = n·ln 2 + r with |r| ≤ ln 2 / 2, a degree-6 polynomial for e^r, and
/// 2^n applied in two halves so that results down to the denormals and up to infinity come out
/// right. NaN stays NaN.
static inline float tg_exp(float x) {
    const float clamped = x < -104.0f ? -104.0f : (x > 89.0f ? 89.0f : x);
    // Round to nearest by adding and subtracting 1.5·2^23.
    float n = (clamped * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    n = n == n ? n : 0.0f;
    const float r = clamped - n * 0.693359375f - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const int32_t k = (int32_t)n, half = k / 2;
    const float scaled = p * tg_bits_to_float((half + 127) << 23) * tg_bits_to_float((k - half + 127) << 23);
    return x == x ? scaled : x;
}

/// ln x within about 2 ulp for normal x: x = m·2^e with m in [√½, √2), a degree-9 polynomial in
/// m − 1. ln 0 = −∞, ln of a negative number or NaN is NaN, ln ∞ = ∞.
static inline float tg_log(float x) {
    const int32_t bits = tg_float_to_bits(x);
    float e = (float)(((bits >> 23) & 0xff) - 126);
    float m = tg_bits_to_float((bits & 0x007fffff) | 0x3f000000);  // in [0.5, 1)
    const int below = m < 0.707106781186547524f;
    e = below ? e - 1.0f : e;
    m = below ? m + m - 1.0f : m - 1.0f;
    const float z = m * m;
    float y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y = y + e * -2.12194440e-4f - 0.5f * z;
    const float result = m + y + e * 0.693359375f;
    const float infinity = tg_bits_to_float(0x7f800000);
    const float special = x == 0.0f ? -infinity : (x == infinity ? x : tg_bits_to_float(0x7fc00000));
    return x > 0.0f && x < infinity ? result : special;
}

/// tanh x within 5 ulp (the most where it nears ±1): an odd rational function of degrees 13/6 on [−7.9, 7.9],
/// where tanh rounds to ±1 beyond.
static inline float tg_tanh(float x) {
    const float c = x < -7.90531110763549805f ? -7.90531110763549805f
                                              : (x > 7.90531110763549805f ? 7.90531110763549805f : x);
    const float x2 = c * c;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 - 8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    const float t = c * p / q;
    // Small arguments: tanh x = x to float precision, and the quotient would round it.
    return (x < 0.0004f && x > -0.0004f) || x != x ? x : t;
}

/// 1 / (1 + e^−x), from e^−|x| so that neither side overflows: for negative x it is e^x / (1 + e^x),
/// which keeps its tiny values down to the denormals.
static inline float tg_sigmoid(float x) {
    const float e = tg_exp(x < 0.0f ? x : -x);
    const float s = 1.0f / (1.0f + e);
    return x < 0.0f ? e * s : s;
}

#endif
