#ifndef FOOTPRINT_CLIBFUZZER_SHIM_H
#define FOOTPRINT_CLIBFUZZER_SHIM_H

#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver as a library call. SwiftPM makes an executable's entry point its own main, so the
// fuzz targets start libFuzzer from there instead of using libFuzzer's main.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
