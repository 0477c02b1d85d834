// The thread's floating-point control word: denormals cost x86 cores 100 cycles or more per
// operation, and TensorFlow runs every CPU op with them flushed to zero.
#include "TensorGraphKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
unsigned long long tg_float_mode(void) { return _mm_getcsr(); }
unsigned long long tg_set_float_mode(unsigned long long mode) {
    const unsigned long long previous = _mm_getcsr();
    if (previous != mode) _mm_setcsr((unsigned int)mode);
    return previous;
}
// Flush to zero (bit 15) and denormals are zero (bit 6).
unsigned long long tg_flushing_denormals(unsigned long long mode) { return mode | 0x8040; }
#elif defined(__aarch64__)
unsigned long long tg_float_mode(void) {
    unsigned long long mode;
    __asm__ volatile("mrs %0, fpcr" : "=r"(mode));
    return mode;
}
unsigned long long tg_set_float_mode(unsigned long long mode) {
    const unsigned long long previous = tg_float_mode();
    if (previous != mode) __asm__ volatile("msr fpcr, %0" : : "r"(mode));
    return previous;
}
// FZ (bit 24).
unsigned long long tg_flushing_denormals(unsigned long long mode) { return mode | (1ull << 24); }
#else
unsigned long long tg_float_mode(void) { return 0; }
unsigned long long tg_set_float_mode(unsigned long long mode) { (void)mode; return 0; }
unsigned long long tg_flushing_denormals(unsigned long long mode) { return mode; }
#endif
