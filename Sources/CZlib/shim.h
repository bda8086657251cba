#ifndef FOOTPRINT_CZLIB_SHIM_H
#define FOOTPRINT_CZLIB_SHIM_H

#include <zlib.h>

// deflateInit2 is a macro in C; this function makes it callable from Swift.
static inline int czlib_deflate_init_gzip(z_stream *stream, int level) {
    // windowBits 15 + 16 selects the gzip wrapper instead of zlib's.
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
