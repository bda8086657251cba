#ifndef FOOTPRINT_CMALLOC_SHIM_H
#define FOOTPRINT_CMALLOC_SHIM_H

// glibc's allocator controls live in malloc.h, which the Glibc module does not export.
#include <malloc.h>

#endif
