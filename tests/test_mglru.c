/* test_mglru.c - the mglru policy (policies/mglru.c) against the kernel's rules (issue 15).
 *
 * A driver of its own: one process (pid 1) whose page p is mapped at vpn p with one young
 * bit, or a page-cache page with no mapping (brought in by a buffered read: on_access, no
 * young bit, no PTE for the walk). A page's first touch loads it: on_miss with the shadow
 * its last eviction left, the lowest free frame or select_victim (direct, count 1),
 * on_remove(REPL_EVICT), on_insert; the loading reference sets the young bit, as the engine
 * and the kernel's instantiating fault do. env->walk_refs walks the mapped resident pages by
 * ascending vpn, testing and clearing their young bits; env->vtime counts references. The
 * policy's check() runs after every step.
 *
 * Every expected victim below is derived by hand from the rules in mglru.c's opening
 * comment (the kernel functions named there). Shorthands: "pN" is DEF_PRIORITY's loop at
 * priority N; nr = the evictable pages >> N (get_nr_to_scan); a batch is at most 64 pages
 * (MIN_LRU_BATCH); new pages enter max_seq - 1 (a fault: PG_active); lru_gen_init_lruvec
 * starts at max_seq 3, min_seq {0, 0}.
 */
#include "check.h"
#include "policies/repl.h"
#include "sim/base/spec.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#define MP 1024

typedef struct md {
    const repl_ops_t *ops;
    void *st;
    repl_env_t env;
    uint32_t nframes;
    pfn_t frame_of[MP];
    uint32_t *page_of;                 /* by frame, UINT32_MAX free */
    uint8_t young[MP], mapped[MP], file[MP], dirty[MP];
    long cleaned;
    uint64_t shadow[MP];
    uint8_t has_shadow[MP];
    uint8_t *resident;
    uint32_t victims[1 << 16];
    size_t nvictims;
    long faults, bad;
    vtime_t t;
    gsl_rng *rng;
    char ex[8192];                     /* explain output */
    size_t exn;
} md_t;

static page_key_t md_key(const md_t *d, uint32_t page)
{
    return d->file[page] ? page_key_file(1, page) : PAGE_KEY_ANON | page;
}

static int md_test_clear_ref(void *eng, pfn_t pfn)
{
    md_t *d = eng;
    uint32_t pg = d->page_of[pfn];
    int r = d->young[pg];
    d->young[pg] = 0;
    return r;
}

static uint32_t md_referenced(void *eng, pfn_t pfn, unsigned *vm_flags)
{
    *vm_flags = 0;
    return (uint32_t)md_test_clear_ref(eng, pfn);
}

static int md_is_dirty(void *eng, pfn_t pfn)
{
    md_t *d = eng;
    return d->dirty[d->page_of[pfn]];
}

/* env->clean: the write-back starts (done at once here), the page is clean. */
static int md_clean(void *eng, pfn_t pfn)
{
    md_t *d = eng;
    uint32_t pg = d->page_of[pfn];
    int was = d->dirty[pg];
    d->dirty[pg] = 0;
    d->cleaned += was;
    return was;
}

static page_key_t md_frame_key(void *eng, pfn_t pfn)
{
    md_t *d = eng;
    return md_key(d, d->page_of[pfn]);
}

static spid_t md_owner(void *eng, pfn_t pfn) { (void)eng; (void)pfn; return 1; }

static vtime_t md_vtime(void *eng, spid_t pid)
{
    md_t *d = eng;
    return pid == 1 ? d->t : 0;
}

static uint64_t md_walk_refs(void *eng, spid_t pid, vpn_t lo, vpn_t hi,
                             void (*fn)(void *arg, pfn_t pfn, vpn_t vpn, int referenced), void *arg)
{
    md_t *d = eng;
    uint64_t n = 0;
    if (pid != 1)
        return 0;
    for (uint32_t p = 0; p < MP; p++) {
        if (p < lo || p >= hi || d->frame_of[p] == PFN_NONE || !d->mapped[p])
            continue;
        int r = d->young[p];
        d->young[p] = 0;
        n++;
        fn(arg, d->frame_of[p], p, r);
    }
    return n;
}

/* Pages [0, nfile) are file pages, the rest anonymous. */
static int md_init(md_t *d, const char *spec, uint32_t nframes, uint32_t nfile)
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
    for (uint32_t p = 0; p < MP; p++) {
        d->frame_of[p] = PFN_NONE;
        d->file[p] = p < nfile;
    }
    d->rng = gsl_rng_alloc(gsl_rng_mt19937);
    d->env = (repl_env_t){
        .nframes = nframes, .rng = d->rng, .eng = d, .test_clear_ref = md_test_clear_ref,
        .referenced = md_referenced, .is_dirty = md_is_dirty, .frame_key = md_frame_key,
        .owner = md_owner, .page_size = 4096, .vtime = md_vtime, .walk_refs = md_walk_refs,
        .clean = md_clean,
    };
    int rc = d->ops->create(&d->env, params, &d->st, &err);
    json_decref(params);
    if (rc) {
        fprintf(stderr, "%s: %s\n", spec, err.msg);
        d->st = NULL;
        return rc;
    }
    if (d->ops->on_proc)
        d->ops->on_proc(d->st, 1, REPL_PROC_NEW);
    return 0;
}

static void md_free(md_t *d)
{
    if (d->st)
        d->ops->destroy(d->st);
    gsl_rng_free(d->rng);
    free(d->page_of);
    free(d->resident);
}

static void md_check(md_t *d)
{
    if (d->ops->check(d->st, d->resident))
        d->bad++;
}

/* Brings page in: mapped 1, a fault that maps it; 0, a buffered read's page-cache fill (no
 * vpn: repl.h; not in a fault); 2, a page read ahead by a fault on another page (in the
 * fault, so PG_active as lru_gen_in_fault makes it, but not mapped: no young bit, no PTE). */
static void md_load(md_t *d, uint32_t page, int mapped)
{
    mem_ref_t ref = {.t = d->t++, .next_use = VTIME_NEVER, .vpn = mapped ? page : REPL_VPN_NONE,
                     .pid = 1, .kind = REF_READ};
    mapped = mapped == 1;
    d->faults++;
    page_id_t pg = {.key = md_key(d, page), .kind = d->file[page] ? PAGE_FILE : PAGE_ANON};
    d->ops->on_miss(d->st, &ref, &pg, d->has_shadow[page] ? &d->shadow[page] : NULL);
    d->has_shadow[page] = 0;
    pfn_t f = 0;
    while (f < d->nframes && d->page_of[f] != UINT32_MAX)
        f++;
    if (f == d->nframes) {
        repl_req_t req = {.reason = REPL_REQ_DIRECT, .pid = 1, .count = 1, .ref = &ref, .page = &pg};
        f = d->ops->select_victim(d->st, &req);
        if (f >= d->nframes || d->page_of[f] == UINT32_MAX) {
            d->bad++;
            return;
        }
        uint32_t v = d->page_of[f];
        assert(d->nvictims < sizeof d->victims / sizeof d->victims[0]);
        d->victims[d->nvictims++] = v;
        uint64_t sh;
        if (d->ops->on_remove(d->st, f, REPL_EVICT, &sh)) {
            d->shadow[v] = sh;
            d->has_shadow[v] = 1;
        }
        d->frame_of[v] = PFN_NONE;
        d->young[v] = 0;
        d->resident[f >> 3] &= (uint8_t)~(1u << (f & 7));
    }
    d->page_of[f] = page;
    d->frame_of[page] = f;
    d->mapped[page] = (uint8_t)mapped;
    d->young[page] = (uint8_t)mapped;       /* the loading reference */
    d->resident[f >> 3] |= (uint8_t)(1u << (f & 7));
    d->ops->on_insert(d->st, &ref, &pg, f);
    md_check(d);
}

/* A reference through the page table: a hit sets the young bit; a miss loads the page. */
static void md_touch(md_t *d, uint32_t page)
{
    if (d->frame_of[page] == PFN_NONE) {
        md_load(d, page, 1);
        return;
    }
    d->t++;
    d->young[page] = 1;
}

/* A buffered read of page (folio_mark_accessed), loading it first if it is not resident
 * (fill: as md_load's mapped, 0 a buffered fill, 2 read ahead in a fault). */
static void md_read_as(md_t *d, uint32_t page, int fill)
{
    if (d->frame_of[page] == PFN_NONE)
        md_load(d, page, fill);
    mem_ref_t ref = {.t = d->t++, .next_use = VTIME_NEVER, .vpn = page, .pid = REPL_PID_NONE,
                     .kind = REF_READ};
    d->ops->on_access(d->st, &ref, d->frame_of[page]);
    md_check(d);
}

static void md_read(md_t *d, uint32_t page) { md_read_as(d, page, 0); }

static void md_touch_range(md_t *d, uint32_t lo, uint32_t hi)
{
    for (uint32_t p = lo; p < hi; p++)
        md_touch(d, p);
}

/* victims[from, from + hi - lo) are exactly lo, lo + 1, ..., hi - 1. */
static int md_victims_are(const md_t *d, size_t from, uint32_t lo, uint32_t hi)
{
    if (d->nvictims < from + (hi - lo))
        return 0;
    for (uint32_t i = 0; i < hi - lo; i++)
        if (d->victims[from + i] != lo + i)
            return 0;
    return 1;
}

/* ---- explain into a string: lists as NAME[page page ...] ---- */

static void ex_put(md_t *d, const char *s)
{
    size_t n = strlen(s);
    if (d->exn + n + 1 < sizeof d->ex) {
        memcpy(d->ex + d->exn, s, n + 1);
        d->exn += n;
    }
}

static md_t *ex_d(repl_explain_t *x) { return x->eng; }
static void ex_begin(repl_explain_t *x, const char *name) { ex_put(ex_d(x), " "); ex_put(ex_d(x), name); ex_put(ex_d(x), "["); }
static void ex_end(repl_explain_t *x) { ex_put(ex_d(x), "]"); }
static void ex_frame(repl_explain_t *x, pfn_t pfn, const char *pre, const char *post)
{
    md_t *d = ex_d(x);
    char buf[48];
    snprintf(buf, sizeof buf, "%s%s%u%s", d->ex[d->exn - 1] == '[' ? "" : " ", pre ? pre : "",
             d->page_of[pfn], post ? post : "");
    ex_put(d, buf);
}
static void ex_ghost(repl_explain_t *x, page_key_t key, const char *pre, const char *post)
{
    (void)x; (void)key; (void)pre; (void)post;
}
static void ex_text(repl_explain_t *x, const char *fmt, ...)
{
    (void)x; (void)fmt;
}
static int ex_referenced(repl_explain_t *x, pfn_t pfn)
{
    md_t *d = ex_d(x);
    return d->young[d->page_of[pfn]];
}

static const char *md_explain(md_t *d)
{
    repl_explain_t x = {.eng = d, .begin = ex_begin, .end = ex_end, .frame = ex_frame,
                        .ghost = ex_ghost, .text = ex_text, .referenced = ex_referenced};
    d->exn = 0;
    d->ex[0] = 0;
    d->ops->explain(d->st, &x);
    return d->ex;
}

/* ---- the tests ---- */

/* 128 frames, anonymous pages 0..127 then more; five reclaim passes, each derived from the
 * rules. The first pass: p12..p8 nr = 0; p7: nothing in generations 0 and 1, min_seq -> 2
 * (two generations left: scanned 0); p6 must age (walk: 0..127 young -> PG_referenced only,
 * 6.14+), p5 "better" age (nothing young), max_seq 5; p4 nr = 8: the oldest generation (seq
 * 2) from its tail, 64 isolated (MIN_LRU_BATCH), none young -> all reclaimed: victims
 * 0..63, handed out one per fault (128..191 enter seq 4). */
static void test_generations(void)
{
    md_t d;
    CHECK(md_init(&d, "mglru", 128, 0) == 0);
    md_touch_range(&d, 0, 128);
    md_touch_range(&d, 128, 192);
    CHECK(md_victims_are(&d, 0, 0, 64));
    CHECK_EQ(d.nvictims, 64);
    /* Pass 2: 64..73 referenced after the walk that set their PG_referenced. At p7 (nr 1)
     * the oldest generation, seq 2, is 64..127: all 64 isolated; folio_check_references:
     * 64..73 young with PG_referenced -> lru_gen_set_refs activates them (PG_workingset, back
     * at max_seq 5); 74..127 reclaimed (54 >= 32: done). */
    md_touch_range(&d, 64, 74);
    md_touch_range(&d, 192, 246);
    CHECK(md_victims_are(&d, 64, 74, 128));
    CHECK_EQ(d.nvictims, 118);
    /* Pass 3: seq 4 (128..245) and seq 5 (64..73): two generations, so p11 must age (walk:
     * 128..245 young from their loads -> PG_referenced), p10 ages again (nothing young),
     * max_seq 7; p9, p8 nr = 0; p7 nr = 1: the oldest generation is still seq 4, from its
     * tail: 128..191 isolated (64), none young, reclaimed. Eviction takes the oldest
     * generation, not the pages that came in last. */
    md_touch_range(&d, 246, 310);
    CHECK(md_victims_are(&d, 118, 128, 192));
    CHECK_EQ(d.nvictims, 182);
    /* Pass 4: 192..201 referenced (they have PG_referenced from pass 3's walk). Four
     * generations, no aging; p7: seq 4 = 192..245, 54 isolated; 192..201 activated (to seq 7),
     * 202..245 reclaimed (44). */
    md_touch_range(&d, 192, 202);
    md_touch_range(&d, 310, 354);
    CHECK(md_victims_are(&d, 182, 202, 246));
    CHECK_EQ(d.nvictims, 226);
    /* Pass 5: 64..68 referenced (PG_workingset since pass 2). Three generations (seq 5..7):
     * p12 no aging at DEF_PRIORITY; p11 "better" age: the walk finds 64..68 young with
     * PG_workingset and promotes them to max_seq 7's generation (folio_update_gen: their
     * lists stay, their generation field changes), 246..353 get PG_referenced; max_seq 8.
     * p7 nr = 1: the oldest generation, seq 5: 64..68 "promoted" (sort_folio moves them to
     * seq 7's list), 69..73 isolated and reclaimed (5 < 32); p6 ages (three generations
     * again, nothing young), max_seq 9; p5 nr = 123 >> 5 = 3: seq 6 from its tail, 246..309
     * reclaimed (64; 69 >= 32: done). */
    md_touch_range(&d, 64, 69);
    md_touch_range(&d, 354, 360);
    CHECK(md_victims_are(&d, 226, 69, 74));
    CHECK(md_victims_are(&d, 231, 246, 247));
    for (uint32_t p = 64; p < 69; p++)
        CHECK(d.frame_of[p] != PFN_NONE);
    /* 64..68 sit in seq 7 with 192..201, at the head (newest) end (list_move), all tier 3
     * (PG_workingset). */
    CHECK(strstr(md_explain(&d), "anon7[192:3 193:3 194:3 195:3 196:3 197:3 198:3 199:3 200:3 201:3 64:3 65:3 66:3 67:3 68:3]") != NULL);
    CHECK_EQ(d.bad, 0);
    md_free(&d);
}

/* Tiers through file descriptors (lru_gen_inc_refs) and their protection by sort_folio.
 * 8 frames: page 0 a page-cache page read ahead by a fault (PG_active, so it enters max_seq - 1
 * as the faults' pages do; no mapping, so no young bit and no PTE for the walk), then read
 * through a file descriptor, pages 1..7 file pages mapped by faults. Reads of page 0: the first sets
 * PG_referenced (refs 1, tier 0), then refs 2 (tier 1), 3 (tier 2), 4 (tier 2), then
 * PG_workingset (tier 3). The fault of page 8 reclaims: p3: generations 0 and 1 empty,
 * min_seq 2; p2, p1 age (1..7 get PG_referenced; page 0 is not walked), max_seq 5; p0 nr 8:
 * seq 2 from its tail: page 0 first. With all refs bits and PG_workingset it is "lazily
 * promoted" (folio_inc_gen: to seq 3, refs flags cleared) whatever tier_idx says; 1..7 are
 * isolated, unreferenced, reclaimed. With one read fewer (refs 4, tier 2, no PG_workingset)
 * tier_idx is 3 (no refaults yet: positive_ctrl_err), so page 0 is not protected and goes
 * first. */
static void test_tiers(void)
{
    md_t d;
    CHECK(md_init(&d, "mglru", 8, 64) == 0);
    md_read_as(&d, 0, 2);
    CHECK(strstr(md_explain(&d), "file2[0*]") != NULL);
    md_read(&d, 0);
    CHECK(strstr(md_explain(&d), "file2[0*:1]") != NULL);
    md_read(&d, 0);
    md_read(&d, 0);
    CHECK(strstr(md_explain(&d), "file2[0*:2]") != NULL);
    md_read(&d, 0);
    CHECK(strstr(md_explain(&d), "file2[0*:3]") != NULL);
    md_touch_range(&d, 1, 9);
    CHECK(md_victims_are(&d, 0, 1, 2));
    CHECK(d.frame_of[0] != PFN_NONE);
    /* page 0 now in seq 3 with PG_workingset (tier 3), its refs flags cleared */
    CHECK(strstr(md_explain(&d), "file3[0:3]") != NULL);
    md_touch_range(&d, 9, 15);
    CHECK(md_victims_are(&d, 0, 1, 8));
    CHECK_EQ(d.bad, 0);
    md_free(&d);

    CHECK(md_init(&d, "mglru", 8, 64) == 0);
    for (int i = 0; i < 4; i++)
        md_read_as(&d, 0, 2);
    md_touch_range(&d, 1, 9);
    CHECK_EQ(d.nvictims, 1);
    CHECK_EQ(d.victims[0], 0);
    CHECK_EQ(d.bad, 0);
    md_free(&d);
}

/* Where a page enters (lru_gen_folio_seq, folio_add_lru): 8 frames, file pages 1..7 mapped by
 * faults (PG_active: max_seq - 1 = seq 2), then page 0 filled by a buffered read (no fault, so
 * not PG_active: MAX_NR_GENS - PG_workingset generations from the top, seq 3 - 4 + 1 = 0, at
 * min_seq). The fault of page 8 reclaims: four generations, no aging; p0..: the oldest, seq 0,
 * holds page 0 alone: tier 0 (one access: PG_referenced), not protected, no young PTE:
 * reclaimed. The page read last goes first, where a fault's page would have waited behind
 * 1..7 (as page 9, read ahead in a fault, then shows: it enters seq 2). */
static void test_read_insert(void)
{
    md_t d;
    CHECK(md_init(&d, "mglru", 8, 64) == 0);
    md_touch_range(&d, 1, 8);
    md_read(&d, 0);
    CHECK(strstr(md_explain(&d), "file0[0*]") != NULL);
    CHECK(strstr(md_explain(&d), "file2[1 2 3 4 5 6 7]") != NULL);
    md_touch(&d, 8);
    CHECK_EQ(d.nvictims, 1);
    CHECK_EQ(d.victims[0], 0);
    md_read_as(&d, 9, 2);
    CHECK(d.nvictims >= 2 && d.victims[1] != 9 && d.frame_of[9] != PFN_NONE);
    CHECK_EQ(d.bad, 0);
    md_free(&d);
}

/* Refaults (lru_gen_eviction, lru_gen_test_recent, lru_gen_refault). After test_tiers' first
 * pass (victims 1..7, page 0 protected into seq 3 with PG_workingset), faults 8..14 enter
 * seq 4; the fault of 15 reclaims: three generations, p12 no aging, p11 ages (8..14 ->
 * PG_referenced), max_seq 6; p3 nr 1: seq 3 = page 0: tier 3 but tier_idx 3 and its refs
 * flags were cleared (not lazily promoted): reclaimed (1 < 32); p2 ages (max_seq 7); p1 nr 3:
 * seq 4 = 8..14 reclaimed (8 >= 32? no, but p0 must age and nothing is left). Victims 0,
 * 8..14; page 0's shadow: PG_workingset and min_seq when the engine took it (6). Its refault
 * at max_seq 8: |8 - 6| < MAX_NR_GENS, recent: PG_workingset comes back and the page enters
 * max_seq itself (MIN_NR_GENS - 1 generations from the top); page 8's refault (no
 * PG_workingset) enters max_seq - 1 like any fault. */
static void test_refault(void)
{
    md_t d;
    CHECK(md_init(&d, "mglru", 8, 64) == 0);
    for (int i = 0; i < 5; i++)
        md_read_as(&d, 0, 2);
    md_touch_range(&d, 1, 16);
    CHECK(md_victims_are(&d, 0, 1, 8));
    CHECK_EQ(d.victims[7], 0);
    md_touch(&d, 0);
    md_touch(&d, 8);
    CHECK(md_victims_are(&d, 8, 8, 10));
    const char *ex = md_explain(&d);
    CHECK(strstr(ex, "file8[0:3]") != NULL);
    CHECK(strstr(ex, "file7[15 8]") != NULL);
    CHECK_EQ(d.bad, 0);
    md_free(&d);
}

/* Dirty file pages wait for write-back (sort_folio): 8 frames, file pages 0..7 mapped, page 0
 * dirty. The fault of page 8 reclaims as in test_tiers (p0: seq 2 from its tail): page 0 is a
 * dirty file page: its write-back starts (env->clean) and it moves to seq 3 (folio_inc_gen,
 * refs flags cleared); 1..7 are reclaimed. When the next pass reaches seq 3 the page is clean
 * and unreferenced (its young bit went to the walks): reclaimed first, as in test_refault. */
static void test_dirty(void)
{
    md_t d;
    CHECK(md_init(&d, "mglru", 8, MP) == 0);
    md_touch(&d, 0);
    d.dirty[0] = 1;
    md_touch_range(&d, 1, 9);
    CHECK(md_victims_are(&d, 0, 1, 2));
    CHECK_EQ(d.cleaned, 1);
    CHECK(strstr(md_explain(&d), "file3[0]") != NULL);
    md_touch_range(&d, 9, 17);
    CHECK(md_victims_are(&d, 0, 1, 8));
    CHECK_EQ(d.victims[7], 0);
    CHECK(md_victims_are(&d, 8, 8, 9));
    CHECK_EQ(d.bad, 0);
    md_free(&d);
}

/* swappiness (get_type_to_scan, for_each_evictable_type): 8 frames, anonymous pages 0..3 and
 * file pages 4..7 (loaded in that order), then file pages 8... At swappiness 0 and 60 the
 * first pass evicts the file pages 4..7 (60: the PID controller has no refaults yet and
 * positive_ctrl_err picks file; 0: anon is not evictable at all) and at 0 no anonymous page
 * is ever evicted while file pages exist; at swappiness 200 anon is scanned first: 0..3. */
static void test_swappiness(void)
{
    static const char *const specs[] = {"mglru:swappiness=0", "mglru:swappiness=60",
                                        "mglru:swappiness=200"};
    for (int s = 0; s < 3; s++) {
        md_t d;
        CHECK(md_init(&d, specs[s], 8, 0) == 0);
        for (uint32_t p = 0; p < 8; p++)
            d.file[p] = p >= 4;
        for (uint32_t p = 8; p < MP; p++)
            d.file[p] = 1;
        md_touch_range(&d, 0, 4);
        md_touch_range(&d, 4, 8);
        md_touch_range(&d, 8, 12);
        if (s < 2)
            CHECK(md_victims_are(&d, 0, 4, 8));
        else
            CHECK(md_victims_are(&d, 0, 0, 4));
        if (s == 0) {
            md_touch_range(&d, 12, 200);
            for (size_t i = 0; i < d.nvictims; i++)
                CHECK(d.victims[i] >= 4);
            for (uint32_t p = 0; p < 4; p++)
                CHECK(d.frame_of[p] != PFN_NONE);
        }
        CHECK_EQ(d.bad, 0);
        md_free(&d);
    }
}

/* The PID controller (get_tier_idx). 512 frames; every round reads each page of a hot set
 * H = 0..399 twice (refs 2: tier 1) and then 300 new pages once (tier 0): 700 pages a round,
 * more than memory, so without tiers H is evicted in FIFO order every round, as in round 1
 * (nothing has refaulted yet: positive_ctrl_err holds for every tier, tier_idx 3). Once tier 1
 * has refaulted MIN_LRU_BATCH times at a higher rate than tier 0 (whose pages never come
 * back), tier_idx drops to 0 and sort_folio protects H's pages (folio_inc_gen) instead of
 * isolating them; the protected count then lowers tier 1's rate until the controller lets go
 * again, and a refault counts only within MAX_NR_GENS generations of max_seq (here about
 * three agings a round: many of H's refaults are too old to count), so over rounds 20..29
 * H's misses fall below three quarters of the 400 a round of rounds 0 and 1 (with tier_idx
 * stuck at 3, no tier protected, this check fails). That holds when the pages come in as a
 * fault's readahead does (PG_active, at max_seq - 1). Filled by the reads themselves (not in a
 * fault: the oldest generation, lru_gen_in_fault false) C's pages, read once, are the first
 * to go once H's tier is protected, and H fares better still: fewer than 400 misses already in
 * round 1, and fewer than one round's 400 in all of rounds 20..29. */
static uint32_t pid_round(md_t *d, uint32_t round, int fill)
{
    long before = d->faults;
    for (uint32_t h = 0; h < 400; h++) {
        md_read_as(d, h, fill);
        md_read_as(d, h, fill);
    }
    long hot = d->faults - before;
    for (uint32_t c = 0; c < 300; c++)
        md_read_as(d, 400 + (round * 300 + c) % (MP - 400), fill);
    return (uint32_t)hot;
}

static void test_pid_controller(void)
{
    for (int fill = 2; fill >= 0; fill -= 2) {
        md_t d;
        CHECK(md_init(&d, "mglru", 512, MP) == 0);
        uint32_t first = pid_round(&d, 0, fill), second = pid_round(&d, 1, fill), late = 0;
        for (uint32_t r = 2; r < 30; r++) {
            uint32_t m = pid_round(&d, r, fill);
            if (r >= 20)
                late += m;
        }
        CHECK_EQ(first, 400);
        if (fill) {
            CHECK_EQ(second, 400);
            CHECK(late < 10 * 400 * 3 / 4);       /* measured: 2756 of 4000 */
        } else {
            CHECK(second < 400);                  /* measured: 256 */
            CHECK(late < 400);                    /* measured: 0 */
        }
        CHECK_EQ(d.bad, 0);
        md_free(&d);
    }
}

static void test_params(void)
{
    md_t d;
    CHECK(md_init(&d, "mglru:swappiness=201", 8, 0) != 0);
    md_free(&d);
    CHECK(md_init(&d, "mglru:bogus=1", 8, 0) != 0);
    md_free(&d);
}

int main(void)
{
    test_generations();
    test_tiers();
    test_read_insert();
    test_refault();
    test_dirty();
    test_swappiness();
    test_pid_controller();
    test_params();
    return check_report("test_mglru");
}
