/* test_linux.c - the linux policy (policies/linux.c) against the kernel's rules (issue 15).
 *
 * A driver of its own (tests/drv.h knows one anonymous mapping per page): pages are file or
 * anonymous, mapped by one or more mappings, each with its own young (referenced) bit, and a
 * mapping may be executable, so env->referenced (folio_referenced) has something to count.
 * A page's first touch loads it: on_miss with the shadow its last eviction left, the lowest
 * free frame or select_victim (direct, count 1), on_insert, and the loading reference sets
 * the young bit of the mapping it went through, as the engine does (mmu.c) and as the
 * kernel's instantiating fault does. The policy's check() runs after every step.
 *
 * Every expected number is derived by hand below from the kernel functions named, following
 * linux.c's opening comment: the priority loop of do_try_to_free_pages (DEF_PRIORITY 12 down
 * to 0, each list scanned size >> priority; cache_trim_mode scans file only; priority 0 scans
 * every list by size, SCAN_EQUAL), then its memcg_full_walk retry. Lists are written head
 * (newest) first; the tail is where reclaim takes pages.
 */
#include "check.h"
#include "simrun.h"
#include "policies/repl.h"
#include "sim/base/spec.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#define KP 2048          /* pages */
#define KMAPS 2          /* mappings per page at most */

typedef struct kd {
    const repl_ops_t *ops;
    void *st;
    repl_env_t env;
    uint32_t nframes;
    pfn_t frame_of[KP];
    uint32_t *page_of;                 /* by frame, UINT32_MAX free */
    uint8_t young[KP][KMAPS];          /* by page and mapping */
    uint8_t nmaps[KP], exec[KP], file[KP], dirty[KP];
    uint64_t shadow[KP];
    uint8_t has_shadow[KP];
    uint8_t *resident;
    uint32_t victims[8192];
    size_t nvictims;
    long faults, bad;
    int two_pids;                      /* page p owned by p % 2 + 1, requests local */
    vtime_t t;
    gsl_rng *rng;
} kd_t;

static page_key_t kd_key(const kd_t *d, uint32_t page)
{
    return d->file[page] ? page_key_file(1, page) : PAGE_KEY_ANON | page;
}

static int kd_test_clear_ref(void *eng, pfn_t pfn)
{
    kd_t *d = eng;
    uint32_t pg = d->page_of[pfn];
    int r = 0;
    for (int m = 0; m < KMAPS; m++) {
        r |= d->young[pg][m];
        d->young[pg][m] = 0;
    }
    return r;
}

static uint32_t kd_referenced(void *eng, pfn_t pfn, unsigned *vm_flags)
{
    kd_t *d = eng;
    uint32_t pg = d->page_of[pfn], n = 0;
    for (int m = 0; m < KMAPS; m++) {
        n += d->young[pg][m];
        d->young[pg][m] = 0;
    }
    *vm_flags = n && d->exec[pg] ? REPL_VM_EXEC : 0;
    return n;
}

static int kd_is_dirty(void *eng, pfn_t pfn)
{
    kd_t *d = eng;
    return d->dirty[d->page_of[pfn]];
}

static page_key_t kd_frame_key(void *eng, pfn_t pfn)
{
    kd_t *d = eng;
    return kd_key(d, d->page_of[pfn]);
}

static spid_t kd_pid(const kd_t *d, uint32_t page)
{
    return d->two_pids ? page % 2 + 1 : 1;
}

static spid_t kd_owner(void *eng, pfn_t pfn)
{
    kd_t *d = eng;
    return kd_pid(d, d->page_of[pfn]);
}

/* Pages [0, nfile) are file pages, the rest anonymous; every page has one mapping. */
static int kd_init(kd_t *d, const char *spec, uint32_t nframes, uint32_t nfile, uint32_t page_size)
{
    char name[64];
    json_t *params;
    sim_err_t err = {0};
    memset(d, 0, sizeof *d);
    if (spec_parse(spec, name, sizeof name, &params, &err))
        return -1;
    d->ops = repl_find(name);
    assert(d->ops);
    d->nframes = nframes;
    d->page_of = malloc(nframes * sizeof *d->page_of);
    d->resident = calloc((nframes + 7) / 8, 1);
    memset(d->page_of, 0xff, nframes * sizeof *d->page_of);
    for (uint32_t p = 0; p < KP; p++) {
        d->frame_of[p] = PFN_NONE;
        d->nmaps[p] = 1;
        d->file[p] = p < nfile;
    }
    d->rng = gsl_rng_alloc(gsl_rng_mt19937);
    d->env = (repl_env_t){
        .nframes = nframes, .rng = d->rng, .eng = d, .test_clear_ref = kd_test_clear_ref,
        .referenced = kd_referenced, .is_dirty = kd_is_dirty, .frame_key = kd_frame_key,
        .owner = kd_owner, .page_size = page_size,
    };
    int rc = d->ops->create(&d->env, params, &d->st, &err);
    json_decref(params);
    if (rc) {
        fprintf(stderr, "%s: %s\n", spec, err.msg);
        d->st = NULL;
    }
    return rc;
}

static void kd_free(kd_t *d)
{
    if (d->st)
        d->ops->destroy(d->st);
    gsl_rng_free(d->rng);
    free(d->page_of);
    free(d->resident);
}

static void kd_check(kd_t *d)
{
    if (d->ops->check(d->st, d->resident))
        d->bad++;
}

/* A reference to page through mapping m: a hit sets that mapping's young bit; a miss loads
 * the page. Returns 1 on a miss. */
static int kd_touch(kd_t *d, uint32_t page, int m)
{
    assert(page < KP && m < d->nmaps[page]);
    mem_ref_t ref = {.t = d->t++, .next_use = VTIME_NEVER, .vpn = page, .pid = kd_pid(d, page),
                     .kind = REF_READ};
    if (d->frame_of[page] != PFN_NONE) {
        d->young[page][m] = 1;
        if (d->ops->on_hit)                 /* (lru, the comparison) */
            d->ops->on_hit(d->st, &ref, d->frame_of[page]);
        return 0;
    }
    d->faults++;
    page_id_t pg = {.key = kd_key(d, page), .kind = d->file[page] ? PAGE_FILE : PAGE_ANON};
    if (d->ops->on_miss)
        d->ops->on_miss(d->st, &ref, &pg, d->has_shadow[page] ? &d->shadow[page] : NULL);
    d->has_shadow[page] = 0;
    pfn_t f = 0;
    while (f < d->nframes && d->page_of[f] != UINT32_MAX)
        f++;
    if (f == d->nframes) {
        repl_req_t req = {.reason = REPL_REQ_DIRECT, .pid = ref.pid, .count = 1, .ref = &ref,
                          .page = &pg, .local = d->two_pids};
        f = d->ops->select_victim(d->st, &req);
        if (f >= d->nframes || d->page_of[f] == UINT32_MAX ||
            (req.local && kd_pid(d, d->page_of[f]) != ref.pid)) {
            d->bad++;
            return 1;
        }
        uint32_t v = d->page_of[f];
        d->victims[d->nvictims++] = v;
        uint64_t sh;
        if (d->ops->on_remove(d->st, f, REPL_EVICT, &sh)) {
            d->shadow[v] = sh;
            d->has_shadow[v] = 1;
        }
        d->frame_of[v] = PFN_NONE;
        memset(d->young[v], 0, KMAPS);
        d->resident[f >> 3] &= (uint8_t)~(1u << (f & 7));
    }
    d->page_of[f] = page;
    d->frame_of[page] = f;
    d->young[page][m] = 1;                  /* the loading reference */
    d->resident[f >> 3] |= (uint8_t)(1u << (f & 7));
    d->ops->on_insert(d->st, &ref, &pg, f);
    kd_check(d);
    return 1;
}

/* The background reclaimer (the engine's kswapd: reclaim.high) wants `count` frames: it asks
 * with REPL_REQ_BACKGROUND and the count still wanted, and frees each victim. */
static void kd_background(kd_t *d, uint32_t count)
{
    for (; count; count--) {
        repl_req_t req = {.reason = REPL_REQ_BACKGROUND, .pid = REPL_PID_NONE, .count = count};
        pfn_t f = d->ops->select_victim(d->st, &req);
        if (f >= d->nframes || d->page_of[f] == UINT32_MAX) {
            d->bad++;
            return;
        }
        uint32_t v = d->page_of[f];
        d->victims[d->nvictims++] = v;
        uint64_t sh;
        if (d->ops->on_remove(d->st, f, REPL_EVICT, &sh)) {
            d->shadow[v] = sh;
            d->has_shadow[v] = 1;
        }
        d->frame_of[v] = PFN_NONE;
        memset(d->young[v], 0, KMAPS);
        d->page_of[f] = UINT32_MAX;
        d->resident[f >> 3] &= (uint8_t)~(1u << (f & 7));
        kd_check(d);
    }
}

/* A buffered read of a resident page (on_access: folio_mark_accessed). */
static void kd_access(kd_t *d, uint32_t page)
{
    assert(d->frame_of[page] != PFN_NONE);
    mem_ref_t ref = {.t = d->t++, .next_use = VTIME_NEVER, .vpn = page, .pid = 1, .kind = REF_READ};
    d->ops->on_access(d->st, &ref, d->frame_of[page]);
    kd_check(d);
}

static void kd_touch_range(kd_t *d, uint32_t lo, uint32_t hi)
{
    for (uint32_t p = lo; p < hi; p++)
        kd_touch(d, p, 0);
}

static long long kd_stat(const kd_t *d, const char *k)
{
    json_t *o = json_object();
    d->ops->stats(d->st, o);
    json_t *v = json_object_get(o, k);
    long long r = v ? json_integer_value(v) : -1;
    json_decref(o);
    return r;
}

#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define CHECK_VICTIMS(d, ...) do { \
    const uint32_t _w[] = {__VA_ARGS__}; \
    CHECK_EQ((d)->nvictims, LEN(_w)); \
    CHECK((d)->nvictims == LEN(_w) && !memcmp((d)->victims, _w, sizeof _w)); \
} while (0)

/* ------------------------------------------------------------------ folio_check_references */

/* Four frames, file pages 0..3 loaded (inactive file: 3 2 1 0, each young from its load), a
 * fault on 4. do_try_to_free_pages: priorities 12..3 scan 4 >> p = 0 pages. Priority 2:
 * cache_trim_mode (inactive file >> 2 = 1, the file list not deactivating: inactive 4 is not
 * low against active 0, no refaults) so SCAN_FILE, 1 page: 0 is young -> FOLIOREF_KEEP
 * (PG_referenced set, young cleared, back to the head: 0 3 2 1). Priority 1: 2 pages, 1 and 2
 * kept likewise (2 1 0 3). Priority 0, SCAN_EQUAL, 4 pages: 3 young -> kept; 0, 1, 2 have only
 * PG_referenced -> FOLIOREF_RECLAIM_CLEAN, clean -> reclaimed, in that order: the batch is
 * 0 1 2, the victim of the fault on 4 is 0, then 1 (fault 5) and 2 (fault 6). Lists: 6 5 4 3.
 *
 * Control, nothing more referenced: the fault on 7 scans at priority 2 one page, 3 (only
 * PG_referenced) -> reclaimed; priority 1: 2 pages, 4 and 5 young -> kept (5 4 6); priority 0:
 * 3 pages, 6 kept, 4 and 5 reclaimed: victims 3 4 5.
 *
 * With page 3 referenced once more before the fault on 5 (the rule: "referenced again after
 * a first reference set PG_referenced"), the fault on 7 finds 3 young with PG_referenced ->
 * FOLIOREF_ACTIVATE at priority 2. Priority 1: inactive 6 5 4, active 3; SCAN_FILE (trim
 * mode: 3 >> 1 = 1), inactive 1 page: 4 young -> kept (4 6 5). Priority 0: the active file
 * list is not deactivated (inactive 3 is not low against active 1: skipped_deactivate);
 * inactive 3 pages: 5, 6 young -> kept, 4 (PG_referenced only) -> reclaimed: victim 4, and
 * 3 stays, active. */
static void test_second_reference_activates(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    kd_touch_range(&d, 0, 8);
    CHECK_VICTIMS(&d, 0, 1, 2, 3);
    CHECK_EQ(kd_stat(&d, "pgactivate"), 0);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);

    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    kd_touch_range(&d, 0, 5);
    CHECK_VICTIMS(&d, 0);
    kd_touch(&d, 3, 0);                     /* a hit: 3's young bit again */
    kd_touch_range(&d, 5, 8);
    CHECK_VICTIMS(&d, 0, 1, 2, 4);
    CHECK_EQ(kd_stat(&d, "pgactivate"), 1);
    CHECK_EQ(kd_stat(&d, "nr_active_file"), 1);
    CHECK(d.frame_of[3] != PFN_NONE);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

/* Referenced through two mappings: activated at its first scan (referenced_ptes > 1). Page 0
 * mapped twice, both young; 1, 2, 3 once. Fault on 4: priority 2, SCAN_FILE, 1 page: 0 ->
 * FOLIOREF_ACTIVATE. Priority 1: inactive 3 2 1, 3 >> 1 = 1 page: 1 young -> kept (1 3 2).
 * Priority 0: active not deactivated (3 inactive against 1 active); inactive 3 pages: 2, 3
 * kept, 1 reclaimed: victim 1, not 0. */
static void test_two_mappings_activate(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    d.nmaps[0] = 2;
    kd_touch(&d, 0, 0);
    kd_touch(&d, 0, 1);
    kd_touch_range(&d, 1, 5);
    CHECK_VICTIMS(&d, 1);
    CHECK_EQ(kd_stat(&d, "nr_active_file"), 1);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

/* A file page referenced through an executable mapping is activated at its first scan
 * ("Activate file-backed executable folios after first usage"): the same derivation as
 * above, victim 1. An executable anonymous page is not: anonymous pages 0..3 (page 0 exec),
 * fault on 4: no file pages, so no trim mode; SCAN_FRACT with no costs gives anon 60/200 of
 * 4 >> p, 0 pages at priorities 2 and 1; priority 0, SCAN_EQUAL, 4 pages, all young -> kept
 * (PG_referenced); nothing reclaimed, so the memcg_full_walk retry: priority 0 again, 0 1 2 3
 * have only PG_referenced, anonymous -> FOLIOREF_RECLAIM: victim 0. */
static void test_exec_file_activates(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    d.exec[0] = 1;
    kd_touch_range(&d, 0, 5);
    CHECK_VICTIMS(&d, 1);
    CHECK_EQ(kd_stat(&d, "nr_active_file"), 1);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);

    CHECK_EQ(kd_init(&d, "linux", 4, 0, 4096), 0);
    d.exec[0] = 1;
    kd_touch_range(&d, 0, 5);
    CHECK_VICTIMS(&d, 0);
    CHECK_EQ(kd_stat(&d, "nr_active_anon"), 0);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

/* ------------------------------------------------------------------ folio_mark_accessed */

/* Buffered accesses: the first sets PG_referenced, the second activates (and ages the
 * non-resident clock by one: workingset_activation), a third changes nothing. */
static void test_mark_accessed(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    kd_touch_range(&d, 0, 2);
    kd_access(&d, 0);
    CHECK_EQ(kd_stat(&d, "nr_active_file"), 0);
    CHECK_EQ(kd_stat(&d, "nonresident_age"), 0);
    kd_access(&d, 0);
    CHECK_EQ(kd_stat(&d, "nr_active_file"), 1);
    CHECK_EQ(kd_stat(&d, "nr_inactive_file"), 1);
    CHECK_EQ(kd_stat(&d, "nonresident_age"), 1);
    kd_access(&d, 0);
    CHECK_EQ(kd_stat(&d, "nr_active_file"), 1);
    CHECK_EQ(kd_stat(&d, "nonresident_age"), 1);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

/* ------------------------------------------------------------------ shrink_active_list */

/* Pages on the active list stay there when referenced only if they are executable file
 * pages. File pages 0..3 loaded; 0, 1, 2 activated by two buffered accesses each (active
 * 2 1 0, inactive 3; all four still young from their loads), page 0 mapped executable.
 * Fault on 4: priority 1: inactive 1 is low against active 3 (ratio 1 below 1 GB), so the
 * file lists deactivate; no trim mode (1 >> 1 = 0); SCAN_FRACT, no costs: file 140/200 of
 * 3 >> 1 = 1 -> 0 pages. Priority 0, SCAN_EQUAL: inactive 1 page: 3 young -> kept; active 3
 * pages from the tail: 0 referenced and executable -> rotated (stays active); 1, 2 referenced
 * but not executable -> deactivated (PG_workingset), young cleared: inactive 2 1 3. Nothing
 * reclaimed: memcg_full_walk retry. Priority 1: inactive 3 is not low against 1; trim mode
 * (3 >> 1 = 1), 1 page: 3 (PG_referenced only) -> reclaimed. Priority 0: inactive 2 pages:
 * 1, 2 (PG_referenced was cleared by their activation, young by the deactivation) ->
 * reclaimed. Victims 3 1 2; page 0 stays.
 *
 * Without the executable mapping 0 is deactivated with them (inactive 2 1 0 3); the retry's
 * priority 1 scans 4 >> 1 = 2 pages: 3 and 0 reclaimed; priority 0: 1, 2: victims 3 0 1 2. */
static void test_active_list(void)
{
    for (int exec = 1; exec >= 0; exec--) {
        kd_t d;
        CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
        d.exec[0] = (uint8_t)exec;
        kd_touch_range(&d, 0, 4);
        for (uint32_t p = 0; p < 3; p++) {
            kd_access(&d, p);
            kd_access(&d, p);
        }
        CHECK_EQ(kd_stat(&d, "nr_active_file"), 3);
        kd_touch_range(&d, 4, exec ? 7 : 8);
        if (exec) {
            CHECK_VICTIMS(&d, 3, 1, 2);
            CHECK_EQ(kd_stat(&d, "pgrotated"), 1);
            CHECK_EQ(kd_stat(&d, "pgdeactivate"), 2);
            CHECK(d.frame_of[0] != PFN_NONE);
        } else {
            CHECK_VICTIMS(&d, 3, 0, 1, 2);
            CHECK_EQ(kd_stat(&d, "pgrotated"), 0);
            CHECK_EQ(kd_stat(&d, "pgdeactivate"), 3);
        }
        CHECK_EQ(d.bad, 0);
        kd_free(&d);
    }
}

/* ------------------------------------------------------------------ inactive_is_low */

/* inactive_ratio = int_sqrt(10 * GB): with 1 GiB pages each page is a gigabyte, so 12 file
 * pages make the ratio int_sqrt(120) = 10. File pages 0..11 loaded, 0..10 activated by two
 * buffered accesses (age 11), inactive: 11. Fault on 12: 1 * 10 < 11, low: the active list
 * deactivates. No trim mode (1 >> p = 0 for p >= 1); SCAN_FRACT file 140/200: active 11 >> 3
 * = 1 -> 0, 11 >> 2 = 2 -> 1 page at priority 2: 0 (young from its load) deactivated.
 * Priority 1: inactive 2 * 10 < 10 is false, no refaults: no deactivation; inactive 2 >> 1
 * -> 0. Priority 0: inactive 2 pages: 11 young -> kept; 0 (young and PG_referenced cleared)
 * -> reclaimed: victim 0, one deactivation.
 *
 * With 0..9 activated instead (inactive 10, 11; active 10): 2 * 10 < 10 is false at every
 * priority, nothing is deactivated; priority 0 keeps 10 and 11 (young), the retry reclaims
 * them (PG_referenced only): victim 10, no deactivation. And with 4 KiB pages (ratio 1) the
 * same lists are low (2 < 10): the active list is deactivated. */
static void test_inactive_is_low(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 12, KP, 1u << 30), 0);
    kd_touch_range(&d, 0, 12);
    for (uint32_t p = 0; p < 11; p++) {
        kd_access(&d, p);
        kd_access(&d, p);
    }
    kd_touch(&d, 12, 0);
    CHECK_VICTIMS(&d, 0);
    CHECK_EQ(kd_stat(&d, "pgdeactivate"), 1);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);

    for (int small = 0; small < 2; small++) {
        CHECK_EQ(kd_init(&d, "linux", 12, KP, small ? 4096 : 1u << 30), 0);
        kd_touch_range(&d, 0, 12);
        for (uint32_t p = 0; p < 10; p++) {
            kd_access(&d, p);
            kd_access(&d, p);
        }
        kd_touch(&d, 12, 0);
        if (small) {
            CHECK(kd_stat(&d, "pgdeactivate") > 0);
        } else {
            CHECK_VICTIMS(&d, 10);
            CHECK_EQ(kd_stat(&d, "pgdeactivate"), 0);
        }
        CHECK_EQ(d.bad, 0);
        kd_free(&d);
    }
}

/* ------------------------------------------------------------------ workingset_refault */

/* A refault within the workingset size is activated. File pages 0..3; 0 and 1 activated by
 * buffered accesses (age 2; active 1 0, inactive 3 2). Fault on 4: priority 1: inactive 2
 * not low against 2, trim mode: 1 page: 2 young -> kept (2 3). Priority 0: 3 kept, 2
 * reclaimed (PG_referenced only): victim 2, its shadow the age 2, the age then 3. Fault on 2
 * again: refault distance 3 - 2 = 1 <= workingset size (active file 2): activated
 * (workingset_activate_file 1). Its victim: the refault made the file lists deactivate
 * (WORKINGSET_ACTIVATE changed since the snapshot); priority 0 takes inactive 3 (PG_referenced
 * only) -> reclaimed: victim 3, and deactivates 0 and 1 (young from their loads). Page 2 comes
 * in active: active file 1.
 *
 * Control, no page active: the workingset size (active file + active and inactive anon) is 0
 * and a distance is at least 1 (the eviction itself ages the clock): not activated. */
static void test_refault(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    kd_touch_range(&d, 0, 4);
    kd_access(&d, 0);
    kd_access(&d, 0);
    kd_access(&d, 1);
    kd_access(&d, 1);
    kd_touch(&d, 4, 0);
    CHECK_VICTIMS(&d, 2);
    CHECK_EQ(kd_stat(&d, "nonresident_age"), 3);
    kd_touch(&d, 2, 0);
    CHECK_VICTIMS(&d, 2, 3);
    CHECK_EQ(kd_stat(&d, "workingset_refault_file"), 1);
    CHECK_EQ(kd_stat(&d, "workingset_activate_file"), 1);
    CHECK_EQ(kd_stat(&d, "nr_active_file"), 1);
    CHECK_EQ(kd_stat(&d, "pgdeactivate"), 2);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);

    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    kd_touch_range(&d, 0, 5);
    CHECK_VICTIMS(&d, 0);
    kd_touch(&d, 0, 0);
    CHECK_EQ(kd_stat(&d, "workingset_refault_file"), 1);
    CHECK_EQ(kd_stat(&d, "workingset_activate_file"), 0);
    CHECK_EQ(kd_stat(&d, "nr_active_file"), 0);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

/* An anonymous refault's workingset includes the inactive file list (workingset_test_recent:
 * "if (!file) workingset_size += NR_INACTIVE_FILE"). Anonymous pages 1000..1003 fill the 4
 * frames (as pages with swap copies: their shadows are kept). Fault on file 0: no file pages,
 * SCAN_FRACT gives anon 60/200 of 4 >> p: nothing until priority 0, which keeps all four
 * (young); the memcg_full_walk retry's priority 0 reclaims all four (PG_referenced only,
 * anonymous: FOLIOREF_RECLAIM). Victims 1000, 1001, 1002 for files 0, 1, 2, leaving shadows
 * of ages 0, 1, 2 (the age then 3). Refault of 1000: distance 3 - 0 = 3, workingset size
 * active file 0 + inactive file 3 + active anon 0 = 3: activated (1003, still isolated, is
 * its victim). A file page with that distance would not be: its workingset size counts
 * inactive anon instead, and that is empty. */
static void test_anon_refault(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 4, 1000, 4096), 0);
    kd_touch_range(&d, 1000, 1004);
    kd_touch_range(&d, 0, 3);
    CHECK_VICTIMS(&d, 1000, 1001, 1002);
    CHECK_EQ(kd_stat(&d, "nonresident_age"), 3);
    kd_touch(&d, 1000, 0);
    CHECK_VICTIMS(&d, 1000, 1001, 1002, 1003);
    CHECK_EQ(kd_stat(&d, "workingset_refault_anon"), 1);
    CHECK_EQ(kd_stat(&d, "workingset_activate_anon"), 1);
    CHECK_EQ(kd_stat(&d, "nr_active_anon"), 1);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

/* FOLIOREF_RECLAIM_CLEAN: a file page with PG_referenced but no young mapping is reclaimed
 * only if clean. File pages 0..3, 0 dirty. Fault on 4: as in test_second_reference_activates,
 * priorities 2 and 1 keep 0, 1, 2 (PG_referenced); priority 0 isolates 3 0 1 2: 3 kept
 * (young), 0 kept (RECLAIM_CLEAN but dirty; PG_referenced is now clear), 1, 2 reclaimed:
 * victims 1, 2; lists 5 4 0 3. Fault on 6: priority 2 takes 3 (PG_referenced, clean) ->
 * reclaimed; priority 1 takes 0: neither young nor PG_referenced -> FOLIOREF_RECLAIM, dirty
 * or not -> reclaimed and written (pageout); priority 0 keeps 4, 5. Victims 1 2 3 0. */
static void test_reclaim_clean(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    d.dirty[0] = 1;
    kd_touch_range(&d, 0, 8);
    CHECK_VICTIMS(&d, 1, 2, 3, 0);
    CHECK_EQ(kd_stat(&d, "pgpageout"), 1);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

/* ------------------------------------------------------------------ scan resistance */

/* A single-use streaming scan does not evict an active hot set. 256 frames; rounds of the 64
 * hot file pages 0..63, each referenced through two mappings (a shared library's pages in two
 * processes), then 300 new pages of a scan. A hot page's reuse distance is 364 > 256, so LRU
 * loses the whole hot set every round. Under linux a hot page's first scan finds two young
 * mappings (folio_check_references: referenced_ptes > 1) and activates it; the active list
 * (64) then never becomes larger than the inactive one (192), and scan pages never refault,
 * so the active list is never shrunk (prepare_scan_control: may_deactivate stays clear) and
 * the scan pages are reclaimed from the inactive list alone: after round 0 the hot set never
 * misses. (With a single mapping the "look twice" rule needs a hot page to be referenced
 * between its first and second trips to the inactive tail; in so small a memory one pass of
 * 32 reclaims scans most of the list twice, as it would in a 1 MiB memory cgroup.) */
static void test_scan_resistance(void)
{
    const char *specs[] = {"linux", "lru"};
    long hot_misses[2][20];
    for (int s = 0; s < 2; s++) {
        kd_t d;
        CHECK_EQ(kd_init(&d, specs[s], 256, KP, 4096), 0);
        for (uint32_t p = 0; p < 64; p++)
            d.nmaps[p] = 2;
        uint32_t next = 64;
        for (int r = 0; r < 5; r++) {
            hot_misses[s][r] = 0;
            for (uint32_t p = 0; p < 64; p++) {
                hot_misses[s][r] += kd_touch(&d, p, 0);
                kd_touch(&d, p, 1);
            }
            for (int k = 0; k < 300; k++)
                kd_touch(&d, next++, 0);
        }
        CHECK_EQ(d.bad, 0);
        kd_free(&d);
    }
    CHECK_EQ(hot_misses[0][0], 64);
    for (int r = 1; r < 5; r++) {
        CHECK_EQ(hot_misses[0][r], 0);
        CHECK_EQ(hot_misses[1][r], 64);
    }
}

/* ------------------------------------------------------------------ get_scan_count */

/* swappiness=0 under cgroup reclaim scans only file pages (get_scan_count: SCAN_FILE): with
 * 8 idle anonymous pages resident, a stream of 200 file pages through 16 frames evicts no
 * anonymous page. With swappiness=200 (anonymous I/O as cheap as file) the idle anonymous
 * pages are scanned with the file ones (SCAN_FRACT, equal shares at equal costs) and, never
 * referenced again, are reclaimed: all 8 go. */
static void test_swappiness(void)
{
    const char *specs[] = {"linux:swappiness=0", "linux:swappiness=200"};
    for (int s = 0; s < 2; s++) {
        kd_t d;
        CHECK_EQ(kd_init(&d, specs[s], 16, 1000, 4096), 0);
        for (uint32_t a = 0; a < 8; a++)
            kd_touch(&d, 1000 + a, 0);                  /* anonymous */
        kd_touch_range(&d, 0, 200);
        size_t anon = 0;
        for (size_t i = 0; i < d.nvictims; i++)
            anon += d.victims[i] >= 1000;
        if (s == 0)
            CHECK_EQ(anon, 0);
        else
            CHECK_EQ(anon, 8);
        CHECK_EQ(d.bad, 0);
        kd_free(&d);
    }
}

/* ------------------------------------------------------------------ batches */

/* Reclaim in batches of SWAP_CLUSTER_MAX: a pass (do_try_to_free_pages, nr_to_reclaim 32)
 * reclaims at least 32 pages when there are that many, and the next faults take them without
 * another pass. A scan of 64 + 640 single-use file pages through 64 frames: 640 evictions,
 * every pass reclaims 32 or more, so at most 640 / 32 = 20 passes; and every pass but the
 * last hands out all it reclaimed (the isolated pages left at the end are fewer than a pass
 * reclaims). */
static void test_batches(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 64, KP, 4096), 0);
    kd_touch_range(&d, 0, 704);
    long long passes = kd_stat(&d, "reclaim_passes"), steal = kd_stat(&d, "pgsteal");
    CHECK_EQ(d.nvictims, 640);
    CHECK(passes >= 1 && passes <= 20);
    CHECK(steal >= 32 * passes);
    CHECK_EQ(steal - kd_stat(&d, "nr_isolated"), 640);
    CHECK_EQ(kd_stat(&d, "forced"), 0);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

/* ------------------------------------------------------------------ local replacement */

/* A local request isolates only its process's pages, passing over the others where they are
 * (as isolate_lru_folios passes over pages of ineligible zones). Pages 0 2 4 belong to pid 1,
 * 1 3 5 to pid 2; file pages 0..3 loaded (3 2 1 0). Pid 1 faults on 4: priority 2 (trim
 * mode, 1 page) takes 0: young -> kept (0 3 2 1). Priority 1, 2 pages: from the tail 1 is
 * passed over, 2 taken, 3 passed over, 0 taken: 2 young -> kept, 0 (PG_referenced only) ->
 * reclaimed (2 3 1). Priority 0, 3 pages: 1 and 3 passed over, 2 (PG_referenced only) ->
 * reclaimed. Victim 0; 2 waits isolated. Pid 2 faults on 5: the isolated 2 is not its own;
 * lists 4 3 1: priority 1 takes 1 (young -> kept: 1 4 3); priority 0: 3 kept, 4 passed over,
 * 1 reclaimed. Victim 1, and 2 still waits. */
static void test_local(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    d.two_pids = 1;
    kd_touch_range(&d, 0, 6);
    CHECK_VICTIMS(&d, 0, 1);
    CHECK_EQ(kd_stat(&d, "nr_isolated"), 1);
    CHECK(d.frame_of[2] != PFN_NONE);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

/* ------------------------------------------------------------------ kswapd */

/* balance_pgdat, which scans down to priority 1 only. File pages 0..3 loaded (3 2 1 0, all
 * young), kswapd wants 2 frames. Priorities 12..3 scan nothing (4 >> p = 0; no trim mode
 * while the inactive file list >> p is 0, and SCAN_FRACT scales 0). Priority 2: trim mode,
 * 1 page: 0 kept (PG_referenced). Priority 1: 2 pages: 1, 2 kept. Nothing reclaimed, trim
 * mode failed: the restart with no_cache_trim_mode: SCAN_FRACT, file 140/200: priority 2
 * scans 0, priority 1 scans 1 page: 3 kept. kswapd gave up; the direct path
 * (do_try_to_free_pages) then finds 3 2 1 0 with PG_referenced only: priority 2 reclaims 0,
 * priority 1 reclaims 1, priority 0 reclaims 2 and 3. Victims 0, 1.
 *
 * kswapd succeeding on its own: file pages 0..3 and a fault on 4 (test_second_reference_
 * activates: victim 0, 1 and 2 wait isolated, lists 4 3 with 3 PG_referenced only). kswapd
 * wants 3: 1 and 2 are handed out; for the third, priority 1 in trim mode scans 1 page: 3
 * (PG_referenced only, clean) -> reclaimed. Victims 0 | 1 2 3, no fallback, 4 stays. */
static void test_kswapd(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    kd_touch_range(&d, 0, 4);
    kd_background(&d, 2);
    CHECK_VICTIMS(&d, 0, 1);
    CHECK_EQ(kd_stat(&d, "kswapd_fallback"), 1);
    CHECK_EQ(kd_stat(&d, "forced"), 0);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);

    CHECK_EQ(kd_init(&d, "linux", 4, KP, 4096), 0);
    kd_touch_range(&d, 0, 5);
    kd_background(&d, 3);
    CHECK_VICTIMS(&d, 0, 1, 2, 3);
    CHECK_EQ(kd_stat(&d, "kswapd_fallback"), 0);
    CHECK_EQ(kd_stat(&d, "reclaim_passes"), 2);
    CHECK(d.frame_of[4] != PFN_NONE);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

/* ------------------------------------------------------------------ the engine */

/* Through the engine: munmap of a file page whose PTE is young marks it accessed, as the
 * kernel's zap_pte_range does (folio_mark_accessed). Page 0 of file "data" is mapped by pid
 * 1, read, unmapped (PG_referenced), then mapped by pid 2 (found in the page cache), read
 * and unmapped: the second mark activates it. Nothing is reclaimed (8 frames), so only the
 * unmaps can have activated it. */
static void test_engine_unmap(void)
{
    char dir[] = "/tmp/test_linux_XXXXXX";
    if (!mkdtemp(dir)) {
        check_failed++;
        return;
    }
    char trace[300], out[300];
    snprintf(trace, sizeof trace, "%s/unmap.txt", dir);
    snprintf(out, sizeof out, "%s/out.json", dir);
    FILE *f = fopen(trace, "w");
    assert(f);
    fputs("fork 1 2\n"
          "mmap 1 0x400000 0x1000 r-- file:data shared\n"
          "R 0x400000 1\n"
          "munmap 1 0x400000 0x1000\n"
          "mmap 2 0x500000 0x1000 r-- file:data shared\n"
          "R 0x500000 2\n"
          "munmap 2 0x500000 0x1000\n", f);
    fclose(f);
    const char *sets[] = {"policy=linux", "frames=8", NULL};
    CHECK_EQ(simrun_child("engine unmap", trace, sets, 10, out), SIMRUN_OK);
    json_error_t je;
    json_t *doc = json_load_file(out, 0, &je);
    CHECK(doc != NULL);
    if (doc) {
        json_t *st = json_object_get(json_object_get(doc, "policy"), "stats");
        CHECK_EQ(json_integer_value(json_object_get(st, "nr_active_file")), 1);
        CHECK_EQ(json_integer_value(json_object_get(st, "pgactivate")), 1);
        CHECK_EQ(json_integer_value(json_object_get(st, "reclaim_passes")), 0);
        json_decref(doc);
    }
    unlink(trace);
    unlink(out);
    rmdir(dir);
}

/* ------------------------------------------------------------------ the rest */

/* Nothing reclaimable: swappiness=0 with only anonymous pages scans nothing (SCAN_FILE),
 * where the kernel's cgroup would OOM-kill; the policy takes the tail of inactive anon (the
 * oldest page) and counts it as forced. */
static void test_forced(void)
{
    kd_t d;
    CHECK_EQ(kd_init(&d, "linux:swappiness=0", 4, 0, 4096), 0);
    kd_touch_range(&d, 0, 5);
    CHECK_VICTIMS(&d, 0);
    CHECK_EQ(kd_stat(&d, "forced"), 1);
    CHECK_EQ(d.bad, 0);
    kd_free(&d);
}

static int kd_rejects(const char *spec, const char *word)
{
    char name[64];
    json_t *params;
    sim_err_t err = {0};
    repl_env_t env = {.nframes = 8};
    void *st = NULL;
    if (spec_parse(spec, name, sizeof name, &params, &err))
        return strstr(err.msg, word) != NULL;
    int rc = repl_find(name)->create(&env, params, &st, &err);
    json_decref(params);
    if (!rc) {
        repl_find(name)->destroy(st);
        return 0;
    }
    return strstr(err.msg, word) != NULL;
}

static void test_params(void)
{
    const repl_ops_t *o = repl_find("linux");
    CHECK(o != NULL);
    CHECK_STR(o->params, "swappiness=60");
    CHECK(o->on_hit == NULL);
    CHECK(kd_rejects("linux:swappiness=201", "swappiness"));
    CHECK(kd_rejects("linux:swappiness=-1", "swappiness"));
    CHECK(kd_rejects("linux:swappiness=x", "swappiness"));
    CHECK(kd_rejects("linux:ratio=3", "ratio"));
}

/* Same input, same victims (no randomness; ties are list order). */
static void test_deterministic(void)
{
    uint32_t v[2][2048];
    size_t n[2];
    for (int k = 0; k < 2; k++) {
        kd_t d;
        CHECK_EQ(kd_init(&d, "linux", 32, 300, 4096), 0);
        uint64_t x = 12345;
        for (int i = 0; i < 3000; i++) {
            uint32_t p = (uint32_t)(check_xorshift(&x) % 400);
            kd_touch(&d, p, 0);
        }
        CHECK_EQ(d.bad, 0);
        n[k] = d.nvictims < 2048 ? d.nvictims : 2048;
        memcpy(v[k], d.victims, n[k] * sizeof v[k][0]);
        kd_free(&d);
    }
    CHECK_EQ(n[0], n[1]);
    CHECK(!memcmp(v[0], v[1], n[0] * sizeof v[0][0]));
}

int main(void)
{
    test_second_reference_activates();
    test_two_mappings_activate();
    test_exec_file_activates();
    test_mark_accessed();
    test_active_list();
    test_inactive_is_low();
    test_refault();
    test_anon_refault();
    test_reclaim_clean();
    test_scan_resistance();
    test_swappiness();
    test_batches();
    test_local();
    test_kswapd();
    test_forced();
    test_engine_unmap();
    test_params();
    test_deterministic();
    return check_report("test_linux");
}
