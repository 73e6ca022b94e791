/* fuzz_reader.c - one trace reader through the reader API (wl.h), as the engine drives it:
 * wl_open on the input (format FUZZ_FORMAT, "auto" detects, and so also decompresses gzip
 * and zstd), then the records in batches with runs given by summary and each run expanded,
 * a rewind, and the records again one at a time. Every record must be well formed (sizes,
 * run summaries within their bounds); the sanitizers catch the rest. Reading stops after
 * FUZZ_MAX_RECS records: readers of page ranges (lis) may expand a few bytes into billions
 * of references, which is their format, not a bug. Built once per format (CMake). */
#include <gsl/gsl_rng.h>

#include "fuzz.h"
#include "workloads/wl.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT "auto"
#endif
enum { FUZZ_MAX_RECS = 1 << 16, FUZZ_BATCH = 64 };

static void check_rec(const wl_rec_t *r)
{
    if (r->type >= WL_NTYPES)
        abort();
    if ((r->type == WL_MADVISE || r->type == WL_FADVISE) && r->kind >= WL_NADVICE)
        abort();
    if (r->type >= WL_READ && r->type <= WL_FADVISE && r->len == 0 && r->type != WL_FADVISE)
        abort();
    if ((r->type == WL_READ || r->type == WL_WRITE || r->type == WL_FADVISE) && (!r->file || !*r->file))
        abort();
    if (r->type == WL_REF && (r->size == 0 || r->kind > REF_IFETCH))
        abort();
    if (r->type == WL_RUN) {
        const wl_run_t *run = r->run;
        if (run->n < 1 || run->n > WL_RUN_MAX || run->m < 1 || run->m > WL_RUN_PAGES ||
            (uint64_t)run->nkind[0] + run->nkind[1] + run->nkind[2] != run->n)
            abort();
    }
    if ((r->type == WL_EXEC || (r->type == WL_MMAP && !(r->flags & WL_MAP_ANON))) && r->file)
        (void)strlen(r->file);
    vpn_t first;
    uint64_t n;
    if (r->type == WL_REF)
        wl_split(r, 12, &first, &n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gsl_rng *rng;
    if (!rng)
        rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1);
    const char *path = fuzz_file(data, size);
    if (!path)
        return 0;
    sim_err_t err = {0};
    wl_t *wl = wl_open(path, FUZZ_FORMAT, rng, &err);
    if (!wl)
        return 0;
    static wl_rec_t recs[FUZZ_BATCH], ex[WL_RUN_MAX];
    uint64_t total = 0;
    int got;
    wl->want_runs = 1;
    while (total < FUZZ_MAX_RECS && (got = wl_fill(wl, recs, FUZZ_BATCH)) > 0) {
        if (got > FUZZ_BATCH)
            abort();
        for (int i = 0; i < got; i++) {
            check_rec(&recs[i]);
            total++;
            if (recs[i].type == WL_RUN) {
                int m = wl_run_expand(wl, &recs[i], ex);
                if (m > 0 && (uint32_t)m != recs[i].run->n)
                    abort();
                for (int k = 0; k < m; k++)
                    check_rec(&ex[k]);
                if (m < 0)
                    break;
            }
        }
    }
    wl->want_runs = 0;
    if (wl_rewind(wl) == 0) {
        wl_rec_t r;
        total = 0;
        while (total++ < FUZZ_MAX_RECS && wl_next(wl, &r) > 0)
            check_rec(&r);
    }
    wl_close(wl);
    return 0;
}
