#ifndef REWARM_COPENBLAS_SHIM_H
#define REWARM_COPENBLAS_SHIM_H
// OpenBLAS's cblas.h declares cblas_sgemm plus openblas_set_num_threads,
// openblas_get_num_threads and openblas_get_corename.
#include <cblas.h>

// The SSE control and status register (MXCSR) of the calling thread, for flushing subnormal
// floats to zero (FTZ, bit 15) and reading them as zero (DAZ, bit 6) while training
// (`SubnormalFlush`). Other architectures read 0 and ignore the write.
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
static inline unsigned int rewarm_get_mxcsr(void) { return _mm_getcsr(); }
static inline void rewarm_set_mxcsr(unsigned int value) { _mm_setcsr(value); }
#else
static inline unsigned int rewarm_get_mxcsr(void) { return 0; }
static inline void rewarm_set_mxcsr(unsigned int value) { (void)value; }
#endif
#endif
