#ifndef FOOTPRINT_CCRYPT_SHIM_H
#define FOOTPRINT_CCRYPT_SHIM_H

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

// Hashes `phrase` with the method, cost and salt in `setting` (a full hash works as its own setting) into
// `output`, which must hold CRYPT_OUTPUT_SIZE bytes. Returns 0 on success, -1 when libcrypt refuses.
// struct crypt_data is 32 KiB; it lives on the heap so callers on small thread stacks are safe.
static inline int ccrypt_hash(const char *phrase, const char *setting, char *output) {
    struct crypt_data *data = calloc(1, sizeof(struct crypt_data));
    if (data == NULL) return -1;
    const char *hashed = crypt_r(phrase, setting, data);
    int status = -1;
    // libxcrypt signals failure with a string starting with '*' (never a valid hash).
    if (hashed != NULL && hashed[0] != '*') {
        strncpy(output, hashed, CRYPT_OUTPUT_SIZE - 1);
        output[CRYPT_OUTPUT_SIZE - 1] = '\0';
        status = 0;
    }
    explicit_bzero(data, sizeof(struct crypt_data));
    free(data);
    return status;
}

// A new random setting ("$2b$10$<salt>") for `prefix` and `cost` into `output` (CRYPT_GENSALT_OUTPUT_SIZE bytes),
// salted from the operating system's random source. Returns 0 on success, -1 otherwise.
static inline int ccrypt_new_setting(const char *prefix, unsigned long cost, char *output) {
    return crypt_gensalt_rn(prefix, cost, NULL, 0, output, CRYPT_GENSALT_OUTPUT_SIZE) == NULL ? -1 : 0;
}

#endif
