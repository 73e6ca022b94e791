/* fuzz.h - what the libFuzzer harnesses share: the input as a temporary file (the readers
 * and the config loader take paths, as pagesim does), and a bound on work per input.
 *
 * Each harness is one LLVMFuzzerTestOneInput. Built with -DPAGESIM_FUZZ=ON (clang,
 * -fsanitize=fuzzer,address,undefined) it is a libFuzzer binary (scripts/fuzz runs them);
 * in the ordinary build it is linked with driver.c instead, a main() that runs the inputs
 * named on its command line (files or directories) once each: ctest's fuzz_regress test
 * replays the seed corpora and tests/fuzz/regress/ so that what a fuzzer once found stays
 * fixed without clang. The fuzz build defines FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION,
 * which makes the binary reader skip its chunk checksums (trace_bin.c) so that mutated
 * chunks reach the decoder. */
#ifndef PAGESIM_FUZZ_H
#define PAGESIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to this process's temporary file (made once, removed at exit) and returns
 * its path; NULL if that fails (the input is then skipped). */
static char fuzz_path_buf[64];
static void fuzz_cleanup(void)
{
    if (fuzz_path_buf[0])
        unlink(fuzz_path_buf);
}
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
    if (!fuzz_path_buf[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(fuzz_path_buf, sizeof fuzz_path_buf, "%.40s/pagesim-fuzz.XXXXXX",
                 dir && *dir ? dir : "/tmp");
        int fd = mkstemp(fuzz_path_buf);
        if (fd < 0) {
            fuzz_path_buf[0] = 0;
            return NULL;
        }
        close(fd);
        atexit(fuzz_cleanup);
    }
    FILE *f = fopen(fuzz_path_buf, "wb");
    if (!f)
        return NULL;
    size_t w = size ? fwrite(data, 1, size, f) : 0;
    if (fclose(f) || w != size)
        return NULL;
    return fuzz_path_buf;
}

#endif
