/* mrc.h - miss-ratio curves in one pass: exact LRU and OPT from stack distances, and
 * sampled LRU (SHARDS).
 *
 * A stack algorithm's fault count at every memory size follows from one pass that records,
 * for each reference, its stack distance (the smallest frame count at which it hits):
 * faults(F) = references with distance > F, cold misses counted as distance infinity.
 * The counts are the textbook page faults of a single fully associative memory of F frames
 * (cold misses included): what `pagesim run -p lru|opt -f F` counts for one process with
 * no TLB effects.
 *
 * Two layers:
 *  - the engines (mrc_lru_t, mrc_opt_t) eat page references one at a time, so tests and
 *    other tools can drive them from arrays;
 *  - mrc_compute() drives them from a workload (wl.h) and returns the JSON document that
 *    `pagesim mrc` (sim/cli/mrc.c) writes.
 * Frame lists ("A,B,C", "A:B:STEP", "A:B:xF") are spec.h's spec_parse_list, sorted.
 */
#ifndef PAGESIM_MRC_H
#define PAGESIM_MRC_H

#include <jansson.h>
#include "sim/base/err.h"
#include "sim/base/types.h"

/* ---- exact and sampled LRU (Mattson stack distances, SHARDS sampling) ---- */
typedef struct mrc_lru mrc_lru_t;

/* rate 1.0: exact. 0 < rate < 1: fixed-rate SHARDS, keeping the pages whose hash falls
 * below rate * 2^32 (the effective rate is that threshold / 2^32: see mrc_lru_rate). */
mrc_lru_t *mrc_lru_new(double rate);
/* max_pages > 0: fixed-size SHARDS, starting at `rate` (1.0 allowed) and lowering it so that
 * at most max_pages pages are sampled at a time. max_pages 0 is mrc_lru_new(rate). */
mrc_lru_t *mrc_lru_new_sized(double rate, uint64_t max_pages);
void mrc_lru_free(mrc_lru_t *m);
/* A reference to page vpn of address space `space` (mrc_compute passes the pid in the low
 * 32 bits and the number of exec/exit events of that pid above, as nextuse.c does). */
void mrc_lru_ref(mrc_lru_t *m, uint64_t space, vpn_t vpn);
double mrc_lru_rate(const mrc_lru_t *m);          /* effective sampling rate (now) */
double mrc_lru_first_rate(const mrc_lru_t *m);    /* the starting one */
uint64_t mrc_lru_refs(const mrc_lru_t *m);        /* all references seen */
uint64_t mrc_lru_samples(const mrc_lru_t *m);     /* references sampled (== refs when exact) */
uint64_t mrc_lru_pages(const mrc_lru_t *m);       /* distinct pages in the sample now */
/* The references the sample stands for (sum of 1/R over sampled references; == refs when
 * exact). SHARDS_adj adds refs - this to the smallest distance. */
double mrc_lru_weight(const mrc_lru_t *m);
uint64_t mrc_lru_lowered(const mrc_lru_t *m);     /* fixed-size: threshold reductions */
uint64_t mrc_lru_evicted(const mrc_lru_t *m);     /* fixed-size: pages dropped by them */
/* Faults at `frames` frames: exact count, or the SHARDS estimate (scaled to all
 * references, with the SHARDS_adj correction, rounded). The queries take a non-const m:
 * they cache the histogram's prefix sums until the next reference. */
uint64_t mrc_lru_faults(mrc_lru_t *m, uint64_t frames);
/* The unrounded estimated miss ratio (exact when rate is 1). */
double mrc_lru_miss_ratio(mrc_lru_t *m, uint64_t frames);
/* The standard error of the sampled miss ratio at `frames` from the spread of the
 * estimates of 16 disjoint random subsamples (0 when exact): see mrc.c. */
double mrc_lru_stderr(mrc_lru_t *m, uint64_t frames);
/* Whether the sample resolves `frames` frames, and the smallest size it does (1 at rate 1,
 * else ceil(1/R); 0 when no size is: fewer than 32 sampled pages). Below it the sampled
 * curve is not an estimate of the curve at that size. */
int mrc_lru_resolved(const mrc_lru_t *m, uint64_t frames);
uint64_t mrc_lru_min_resolved(const mrc_lru_t *m);
/* A bound on |sampled - exact miss ratio| at `frames` (0 when exact): see mrc.c. */
double mrc_lru_error_bound(mrc_lru_t *m, uint64_t frames);

/* ---- exact OPT (Belady's MIN as a stack algorithm, Mattson et al. 1970) ---- */
typedef struct mrc_opt mrc_opt_t;

/* max_frames 0: the whole curve (cost O(stack distance) per reference); otherwise only
 * sizes up to max_frames are exact (cost O(min(distance, max_frames)) per reference), and
 * mrc_opt_faults() asserts frames <= max_frames. */
mrc_opt_t *mrc_opt_new(uint64_t max_frames);
void mrc_opt_free(mrc_opt_t *m);
/* The reference at index t (references are fed in order t = 0, 1, ...) whose next use of the
 * same page is at index next (VTIME_NEVER if none). The page's identity is not needed:
 * the page referenced at t is the one whose recorded next use is t. */
void mrc_opt_ref(mrc_opt_t *m, vtime_t t, vtime_t next);
uint64_t mrc_opt_refs(const mrc_opt_t *m);
uint64_t mrc_opt_faults(const mrc_opt_t *m, uint64_t frames);

/* ---- curves of a workload ---- */
typedef struct mrc_opts {
    const char *policy;        /* "lru" or "opt" */
    const char *format;        /* trace format for wl_open: NULL or "auto" detects */
    uint32_t page_size;        /* bytes, a power of two; 0 means 4096 */
    const uint64_t *frames;    /* sorted ascending, distinct, >= 1; NULL/0: a default list */
    size_t nframes;
    double sample_rate;        /* 0 or 1: exact; (0,1): SHARDS (lru only) */
    uint64_t sample_max_pages; /* > 0: fixed-size SHARDS with at most this many sampled
                                  pages, starting at sample_rate (or 1 when that is 0) */
    int check_exact;           /* with sampling: also compute the exact curve and report
                                  the error of the sampled one */
    unsigned long seed;        /* for the rng handed to synthetic workloads */
    struct progress *progress; /* a progress line for the passes (progress.h), or NULL */
} mrc_opts_t;

/* The document {"schema":1, "policy", "trace", "format", "page_size", "references",
 * "pages", "sampled": null | {...}, "mrc": [{"frames", "faults", "miss_ratio"}, ...]}
 * (new reference), or NULL with err naming file and line on bad input. With an empty frame
 * list the sizes are the powers of two below the distinct-page count, then that count
 * (for OPT the whole curve is then computed). Only WL_REF records count; each is split
 * into pages with wl_split and keyed by (pid, vpn), where, as in nextuse.c, exec and exit
 * start a new address space for the pid (other records: mmap, fork... are ignored). */
json_t *mrc_compute(const mrc_opts_t *o, const char *trace, sim_err_t *err);

#endif
