#ifndef REWARM_CLIBFUZZER_H
#define REWARM_CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver (compiler-rt `FuzzerInterface.h`, LLVM 11 and later): runs the fuzzing loop
// on `callback` with libFuzzer's command-line options. Linked by `-sanitize=fuzzer`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
