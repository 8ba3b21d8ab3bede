#ifndef REWARM_COPENBLAS_SHIM_H
#define REWARM_COPENBLAS_SHIM_H
// OpenBLAS's cblas.h declares cblas_sgemm plus openblas_set_num_threads,
// openblas_get_num_threads and openblas_get_corename.
#include <cblas.h>
#endif
