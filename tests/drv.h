/* drv.h - the reference-string driver that stands in for the engine in policy tests.
 *
 * A test double, shared by tests/test_policies.c and the per-policy golden tests: N frames,
 * a page -> frame map, a per-frame referenced bit set on every reference (including the one
 * that loads the page, before on_insert, as the engine does) and returned-and-cleared by
 * test_clear_ref, is_dirty always 0. A hit calls on_hit if the policy has one; a miss calls
 * on_miss (with the shadow the policy left at the page's last eviction: the driver keeps it
 * by page, as the engine keeps it with the page's identity, and never drops it), takes the
 * lowest free frame or, when memory is full, calls select_victim, on_remove(REPL_EVICT) and
 * then on_insert. next_use comes from a backward pass over the string. The driver can also
 * unmap a page (on_remove(REPL_UNMAP)) anywhere, as munmap or exit would. Each pid's virtual
 * time (env->vtime) counts its references, and env->release frees a frame at once.
 *
 * run(spec, nframes, string, n, seed, victims, &nvictims) is the usual entry: the fault count
 * (check() after every step; -1 if the policy broke a contract), and the evicted pages in
 * order. Pages are numbers below NPAGES_MAX, keyed PAGE_KEY_ANON | page, owned by
 * page % npids + 1.
 */
#ifndef PAGESIM_TESTS_DRV_H
#define PAGESIM_TESTS_DRV_H

#include "check.h"
#include "policies/repl.h"
#include "sim/base/spec.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#define NPAGES_MAX 1024

/* ------------------------------------------------------------------ the driver */

typedef struct drv {
    const repl_ops_t *ops;
    void *st;
    repl_env_t env;
    uint32_t nframes;
    pfn_t frame_of[NPAGES_MAX];     /* by page */
    uint32_t *page_of;              /* by frame; UINT32_MAX = free */
    uint8_t *refbit;                /* by frame */
    uint8_t *resident;              /* bitmap, LSB-first, as repl.h's check() wants */
    uint32_t nresident;
    long faults, hits;
    uint32_t *victims;              /* pages evicted, in order */
    size_t nvictims, cap_victims;
    int check_each;
    int repeat_hits;                /* extra on_hit calls per hit (REPL_HIT_IDEMPOTENT test) */
    int defer_hits;                 /* hits told only at the next fault, once per frame in the
                                       order of their last hits (REPL_HIT_LAST_ONLY test) */
    pfn_t *deferred;
    size_t ndeferred;
    int bad_check, bad_victim, bad_ref, bad_local;
    gsl_rng *rng;
    /* v2: owners, local replacement, shadows */
    uint32_t npids;                 /* pages are owned by page % npids + 1 (0: all by pid 1) */
    int local;                      /* request victims among the faulting process's frames */
    spid_t *owner;                  /* by frame */
    uint64_t shadow[NPAGES_MAX];    /* by page: the shadow its last eviction left */
    uint8_t has_shadow[NPAGES_MAX];
    long shadows_back, local_requests;
    vtime_t ref_due;                /* the policy's reference timer (repl.h, set_ref_timer) */
    vtime_t nrefs;                  /* references made so far */
    vtime_t pvt[256];               /* by pid: its references so far (env->vtime), counted
                                       before the reference's hooks, as the engine does */
    long released;                  /* frames the policy gave back (env->release) */
} drv_t;

static inline spid_t drv_pid(const drv_t *d, uint32_t page)
{
    return d->npids ? page % d->npids + 1 : 1;
}

static inline spid_t drv_owner(void *eng, pfn_t pfn)
{
    drv_t *d = eng;
    if (pfn >= d->nframes || d->page_of[pfn] == UINT32_MAX) {
        d->bad_ref++;
        return 0;
    }
    return d->owner[pfn];
}

static inline page_key_t drv_frame_key(void *eng, pfn_t pfn)
{
    drv_t *d = eng;
    return pfn < d->nframes && d->page_of[pfn] != UINT32_MAX ? PAGE_KEY_ANON | d->page_of[pfn] : 0;
}

static inline int drv_test_clear_ref(void *eng, pfn_t pfn)
{
    drv_t *d = eng;
    if (pfn >= d->nframes || d->page_of[pfn] == UINT32_MAX) {
        d->bad_ref++;
        return 0;
    }
    int r = d->refbit[pfn];
    d->refbit[pfn] = 0;
    return r;
}

static inline int drv_is_dirty(void *eng, pfn_t pfn)
{
    return 0;
}

static inline vtime_t drv_vtime(void *eng, spid_t pid)
{
    drv_t *d = eng;
    return d->pvt[pid & 255];
}

static inline void drv_unload(drv_t *d, pfn_t f, repl_why_t why);

/* env->release: the frame is freed at once (no write-back: pages are never dirty here). */
static inline int drv_release(void *eng, pfn_t pfn)
{
    drv_t *d = eng;
    if (pfn >= d->nframes || d->page_of[pfn] == UINT32_MAX)
        return -1;
    drv_unload(d, pfn, REPL_RELEASE);
    d->released++;
    return 0;
}

static inline void drv_set_ref_timer(void *eng, vtime_t nrefs)
{
    drv_t *d = eng;
    d->ref_due = nrefs ? d->nrefs + nrefs : VTIME_NEVER;
}

/* Creates the policy from a spec such as "clock:ref_on_load=0". 0, or -1 with err. */
static inline int drv_init(drv_t *d, const char *spec, uint32_t nframes, unsigned long seed, sim_err_t *err)
{
    char name[64];
    json_t *params;
    memset(d, 0, sizeof *d);
    if (spec_parse(spec, name, sizeof name, &params, err))
        return -1;
    d->ops = repl_find(name);
    if (!d->ops) {
        sim_err_set(err, SIM_EINPUT, "no policy %s", name);
        json_decref(params);
        return -1;
    }
    d->nframes = nframes;
    for (size_t i = 0; i < NPAGES_MAX; i++)
        d->frame_of[i] = PFN_NONE;
    d->page_of = malloc(nframes * sizeof *d->page_of);
    d->refbit = calloc(nframes, 1);
    d->resident = calloc((nframes + 7) / 8, 1);
    d->cap_victims = 1024;
    d->victims = malloc(d->cap_victims * sizeof *d->victims);
    d->deferred = malloc(nframes * sizeof *d->deferred);
    d->owner = calloc(nframes, sizeof *d->owner);
    assert(d->page_of && d->refbit && d->resident && d->victims && d->deferred && d->owner);
    memset(d->page_of, 0xff, nframes * sizeof *d->page_of);
    d->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(d->rng, seed);
    d->env = (repl_env_t){
        .nframes = nframes, .rng = d->rng, .eng = d,
        .test_clear_ref = drv_test_clear_ref, .is_dirty = drv_is_dirty,
        .frame_key = drv_frame_key, .owner = drv_owner, .set_ref_timer = drv_set_ref_timer,
        .vtime = drv_vtime, .release = drv_release,
    };
    d->ref_due = VTIME_NEVER;
    int rc = d->ops->create(&d->env, params, &d->st, err);
    json_decref(params);
    if (rc) {
        d->st = NULL;
        return -1;
    }
    return 0;
}

static inline void drv_free(drv_t *d)
{
    if (d->st)
        d->ops->destroy(d->st);
    if (d->rng)
        gsl_rng_free(d->rng);
    free(d->page_of);
    free(d->refbit);
    free(d->resident);
    free(d->victims);
    free(d->deferred);
    free(d->owner);
}

static inline void drv_check(drv_t *d)
{
    if (d->check_each && d->ops->check && d->ops->check(d->st, d->resident))
        d->bad_check++;
}

static inline void drv_unload(drv_t *d, pfn_t f, repl_why_t why)
{
    uint64_t shadow;
    uint32_t page = d->page_of[f];
    int evict = why == REPL_EVICT || why == REPL_RELEASE;
    if (d->ops->on_remove(d->st, f, why, evict ? &shadow : NULL) && evict) {
        d->shadow[page] = shadow;
        d->has_shadow[page] = 1;
    }
    d->frame_of[page] = PFN_NONE;
    d->page_of[f] = UINT32_MAX;
    d->owner[f] = 0;
    d->refbit[f] = 0;
    d->resident[f >> 3] &= (uint8_t)~(1u << (f & 7));
    d->nresident--;
}

static inline int drv_ref1(drv_t *d, uint32_t page, vtime_t t, vtime_t next_use);

/* One reference. Returns 1 on a fault, 0 on a hit, -1 if the policy broke its contract.
 * After it, the policy's reference timer fires if due (on_refs, as the engine does). */
static inline int drv_ref(drv_t *d, uint32_t page, vtime_t t, vtime_t next_use)
{
    int rc = drv_ref1(d, page, t, next_use);
    if (rc >= 0 && ++d->nrefs >= d->ref_due) {
        d->ref_due = VTIME_NEVER;
        if (d->ops->on_refs) {
            vtime_t next = d->ops->on_refs(d->st, d->nrefs);
            if (d->ref_due == VTIME_NEVER)
                drv_set_ref_timer(d, next);
        }
        drv_check(d);
    }
    return rc;
}

static inline int drv_ref1(drv_t *d, uint32_t page, vtime_t t, vtime_t next_use)
{
    assert(page < NPAGES_MAX);
    mem_ref_t ref = {.t = t, .next_use = next_use, .vpn = page, .pid = drv_pid(d, page),
                     .kind = REF_READ};
    assert(ref.pid < 256);
    d->pvt[ref.pid]++;
    page_id_t pg = {.key = PAGE_KEY_ANON | page, .kind = PAGE_ANON};
    pfn_t f = d->frame_of[page];
    if (f != PFN_NONE && d->defer_hits) {
        d->hits++;
        d->refbit[f] = 1;
        size_t j = 0;
        while (j < d->ndeferred && d->deferred[j] != f)
            j++;
        if (j < d->ndeferred)
            memmove(&d->deferred[j], &d->deferred[j + 1], (d->ndeferred - j - 1) * sizeof *d->deferred);
        else
            d->ndeferred++;
        d->deferred[d->ndeferred - 1] = f;
        return 0;
    }
    if (f == PFN_NONE && d->ndeferred) {   /* the deferred hits, before any other hook */
        for (size_t j = 0; j < d->ndeferred; j++)
            if (d->ops->on_hit)
                d->ops->on_hit(d->st, &ref, d->deferred[j]);
        d->ndeferred = 0;
    }
    if (f != PFN_NONE) {
        d->hits++;
        d->refbit[f] = 1;
        if (d->ops->on_hit)
            for (int k = 0; k <= d->repeat_hits; k++) {
                ref.t = t + (vtime_t)k;     /* a repeat may differ in ref: it must not matter */
                d->ops->on_hit(d->st, &ref, f);
            }
        drv_check(d);
        return 0;
    }
    d->faults++;
    if (d->ops->on_miss) {                  /* before any victim, with the page's shadow */
        d->ops->on_miss(d->st, &ref, &pg, d->has_shadow[page] ? &d->shadow[page] : NULL);
        d->shadows_back += d->has_shadow[page];
    }
    d->has_shadow[page] = 0;
    for (f = 0; f < d->nframes && d->page_of[f] != UINT32_MAX; f++)
        ;
    if (f == d->nframes) {
        repl_req_t req = {.reason = REPL_REQ_DIRECT, .pid = ref.pid, .count = 1, .ref = &ref,
                          .page = &pg};
        for (pfn_t g = 0; d->local && !req.local && g < d->nframes; g++)
            req.local = d->owner[g] == ref.pid;   /* local only if the process owns a frame */
        d->local_requests += req.local;
        f = d->ops->select_victim(d->st, &req);
        if (f >= d->nframes || d->page_of[f] == UINT32_MAX) {
            d->bad_victim++;
            return -1;
        }
        if (req.local && d->owner[f] != ref.pid)
            d->bad_local++;
        if (d->nvictims == d->cap_victims) {
            d->cap_victims *= 2;
            d->victims = realloc(d->victims, d->cap_victims * sizeof *d->victims);
            assert(d->victims);
        }
        d->victims[d->nvictims++] = d->page_of[f];
        drv_unload(d, f, REPL_EVICT);
    }
    d->page_of[f] = page;
    d->frame_of[page] = f;
    d->owner[f] = ref.pid;
    d->refbit[f] = 1;                       /* the loading reference sets R first */
    d->resident[f >> 3] |= (uint8_t)(1u << (f & 7));
    d->nresident++;
    d->ops->on_insert(d->st, &ref, &pg, f);
    drv_check(d);
    return 1;
}

/* Unmaps a page if resident (munmap, exit). */
static inline void drv_unmap(drv_t *d, uint32_t page)
{
    pfn_t f = d->frame_of[page];
    if (f == PFN_NONE)
        return;
    drv_unload(d, f, REPL_UNMAP);
    drv_check(d);
}

/* next[i] = index of the next reference to s[i], or VTIME_NEVER: the backward pass. */
static inline vtime_t *next_uses(const uint32_t *s, size_t n)
{
    vtime_t *next = malloc((n ? n : 1) * sizeof *next);
    vtime_t last[NPAGES_MAX];
    assert(next);
    for (size_t i = 0; i < NPAGES_MAX; i++)
        last[i] = VTIME_NEVER;
    for (size_t i = n; i-- > 0;) {
        next[i] = last[s[i]];
        last[s[i]] = i;
    }
    return next;
}

/* Runs the whole string (no unmaps) and returns the fault count, or -1 on an error.
 * victims/nvictims, if given, receive the evicted pages in order. */
static inline long run(const char *spec, uint32_t nframes, const uint32_t *s, size_t n,
                unsigned long seed, uint32_t *victims, size_t *nvictims)
{
    drv_t d;
    sim_err_t err = {0};
    if (nvictims)
        *nvictims = 0;
    if (drv_init(&d, spec, nframes, seed, &err)) {
        fprintf(stderr, "run(%s): %s\n", spec, err.msg);
        drv_free(&d);
        return -1;
    }
    d.check_each = 1;
    vtime_t *next = next_uses(s, n);
    long rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++)
        if (drv_ref(&d, s[i], i, next[i]) < 0)
            rc = -1;
    if (d.bad_check || d.bad_victim || d.bad_ref)
        rc = -1;
    if (rc == 0)
        rc = d.faults;
    if (victims) {
        memcpy(victims, d.victims, d.nvictims * sizeof *victims);
        *nvictims = d.nvictims;
    }
    free(next);
    drv_free(&d);
    return rc;
}

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static inline int same_seq(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    return na == nb && (na == 0 || !memcmp(a, b, na * sizeof *a));
}

#define CHECK_VICTIMS(got, ngot, ...) do { \
    const uint32_t _want[] = {__VA_ARGS__}; \
    CHECK_EQ((ngot), LEN(_want)); \
    CHECK(same_seq((got), (ngot), _want, LEN(_want))); \
} while (0)

#endif
