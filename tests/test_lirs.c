/* test_lirs.c - golden tests of 2q, lirs and clockpro (issue 14).
 *
 * Each policy is driven by tests/drv.h (lowest free frame first; the driver sets R on every
 * reference, the loading one included, and keeps every shadow a policy leaves). Fault counts
 * and victim sequences are derived by hand beside each test, step by step, from the papers'
 * rules as the policies' opening comments state them. Notation: lists oldest (or front,
 * or bottom) first unless said otherwise.
 */
#include "drv.h"

/* The policy's own counters (ops->stats) after running s, or NULL. */
static json_t *stats_after(const char *spec, uint32_t nframes, const uint32_t *s, size_t n,
                           long *faults, long *shadows_back)
{
    drv_t d;
    sim_err_t err = {0};
    if (drv_init(&d, spec, nframes, 1, &err)) {
        fprintf(stderr, "%s: %s\n", spec, err.msg);
        drv_free(&d);
        return NULL;
    }
    d.check_each = 1;
    vtime_t *next = next_uses(s, n);
    for (size_t i = 0; i < n; i++)
        drv_ref(&d, s[i], i, next[i]);
    free(next);
    json_t *obj = json_object();
    if (d.ops->stats)
        d.ops->stats(d.st, obj);
    if (faults)
        *faults = d.bad_check || d.bad_victim || d.bad_ref ? -1 : d.faults;
    if (shadows_back)
        *shadows_back = d.shadows_back;
    drv_free(&d);
    return obj;
}

static long long stat_int(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static int creates(const char *spec, uint32_t nframes)
{
    drv_t d;
    sim_err_t err = {0};
    int rc = drv_init(&d, spec, nframes, 1, &err);
    drv_free(&d);
    return rc == 0;
}

/* ------------------------------------------------------------------ 2Q */

/* 4 frames, defaults: Kin = floor(0.25*4) = 1, Kout = floor(0.5*4) = 2.
 *   ref  A1in (oldest first)  Am (LRU first)  A1out (oldest first)  victim
 *   1    1                    -               -                      (miss, free frame)
 *   2    1 2                                                         (miss)
 *   3    1 2 3                                                       (miss)
 *   4    1 2 3 4                                                     (miss)
 *   1    hit in A1in: nothing (correlated reference)
 *   5    2 3 4 5                              1                      1  (|A1in| 4 > Kin)
 *   2    hit in A1in: nothing
 *   6    3 4 5 6                              1 2                    2
 *   1    ghost hit: 1 leaves A1out first; reclaim: |A1in| 4 > 1: 3 to A1out; 1 into Am
 *        4 5 6                1               2 3                    3
 *   2    ghost hit: 4 5 6 -> 5 6; Am 1 2; A1out 3 4                  4
 *   7    |A1in| 2 > 1: 5 out; A1out 3 4 5 > Kout: 3 dropped -> 4 5; A1in 6 7   5
 *   1    hit in Am: Am 2 1
 *   8    6 out: A1out 5 6 (4 dropped); A1in 7 8                      6
 *   3    not in A1out any more (dropped): a new page; 7 out: A1out 6 7; A1in 8 3   7
 *   9    8 out: A1out 7 8; A1in 3 9                                  8
 *   7    ghost hit: A1out 8; |A1in| 2 > 1: 3 out: A1out 8 3; Am 2 1 7; A1in 9   3
 *   10   |A1in| 1 = Kin, not more: Am's LRU page 2 goes, no identifier; A1in 9 10   2
 * 17 references, hits at refs 5, 7 and 12: 14 faults; 3 ghost hits (1, 2, 7; not 3). */
static void test_2q_golden(void)
{
    const uint32_t s[] = {1, 2, 3, 4, 1, 5, 2, 6, 1, 2, 7, 1, 8, 3, 9, 7, 10};
    uint32_t v[64];
    size_t nv;
    CHECK_EQ(run("2q", 4, s, LEN(s), 1, v, &nv), 14);
    CHECK_VICTIMS(v, nv, 1, 2, 3, 4, 5, 6, 7, 8, 3, 2);
    long faults, back;
    json_t *st = stats_after("2q", 4, s, LEN(s), &faults, &back);
    CHECK(st != NULL);
    CHECK_EQ(faults, 14);
    CHECK_EQ(stat_int(st, "ghost_hits"), 3);     /* 1, 2, 7 */
    CHECK_EQ(stat_int(st, "kin"), 1);
    CHECK_EQ(stat_int(st, "kout"), 2);
    CHECK_EQ(stat_int(st, "am"), 2);             /* 1 7 */
    CHECK_EQ(stat_int(st, "a1in"), 2);           /* 9 10 */
    CHECK_EQ(stat_int(st, "a1out"), 2);          /* 8 3 */
    json_decref(st);
}

/* Kin = 2 (kin=0.5 of 4 frames), Kout = 0: no identifiers at all, so a re-referenced page
 * never reaches Am: 2Q is FIFO on A1in (pages referenced while in A1in change nothing).
 *   1 2 3 4 (misses), 1 (hit), 5: 1 out, 6: 2 out, 1: 3 out (a new page again), 2: 4 out.
 * 9 references, 1 hit: 8 faults; victims 1 2 3 4. */
static void test_2q_no_ghosts(void)
{
    const uint32_t s[] = {1, 2, 3, 4, 1, 5, 6, 1, 2};
    uint32_t v[16];
    size_t nv;
    CHECK_EQ(run("2q:kin=0.5,kout=0", 4, s, LEN(s), 1, v, &nv), 8);
    CHECK_VICTIMS(v, nv, 1, 2, 3, 4);
}

static void test_2q_params(void)
{
    CHECK(creates("2q", 4));
    CHECK(creates("2q:kin=0,kout=0", 4));
    CHECK(creates("2q:kin=0.5,kout=2", 4));
    CHECK(!creates("2q:kin=1", 4));
    CHECK(!creates("2q:kin=-0.1", 4));
    CHECK(!creates("2q:kout=-1", 4));
    CHECK(!creates("2q:kin=abc", 4));
    CHECK(!creates("2q:k=2", 4));
    const repl_ops_t *o = repl_find("2q");
    CHECK(o && o->params && !strcmp(o->params, "kin=0.25,kout=0.5"));
    CHECK(o && (o->flags & REPL_SEES_ALL_REFS) && o->on_hit);
    /* Kin and Kout truncate: 10 frames, kin=0.25 -> 2, kout=0.5 -> 5 */
    const uint32_t s[] = {1};
    json_t *st = stats_after("2q", 10, s, 1, NULL, NULL);
    CHECK(st && stat_int(st, "kin") == 2 && stat_int(st, "kout") == 5);
    json_decref(st);
}

/* ------------------------------------------------------------------ LIRS */

/* 4 frames: Lhirs = max(2, 0.01*4) = 2, Llirs = 2. S top first, L = LIR, H = resident HIR,
 * N = non-resident HIR; Q front first.
 *   1    miss, LIR count 0 < 2: LIR            S 1L                     Q -
 *   2    miss: LIR                              S 2L 1L
 *   3    miss: HIR                              S 3H 2L 1L               Q 3
 *   4    miss: HIR (memory full now)            S 4H 3H 2L 1L            Q 3 4
 *   5    Q's front 3 out (stays in S as N); 5 HIR   S 5H 4H 3N 2L 1L     Q 4 5     victim 3
 *   3    ghost hit. First 4 out (N); then 3 from S to the top, LIR: 3 LIR pages > 2, the
 *        bottom LIR page 1 becomes HIR at Q's end and leaves S (bottom now 2L)
 *                                               S 3L 5H 4N 2L            Q 5 1     victim 4
 *   1    hit, resident HIR not in S: top of S, Q's end, stays HIR
 *                                               S 1H 3L 5H 4N 2L         Q 5 1
 *   6    5 out (N); 6 HIR                       S 6H 1H 3L 5N 4N 2L      Q 1 6     victim 5
 *   4    ghost hit: 1 out (N); 4 LIR; the bottom 2 demoted to Q; pruning drops 5N
 *                                               S 4L 6H 1N 3L            Q 6 2     victim 1
 *   2    hit, HIR not in S: S 2H 4L 6H 1N 3L, Q 6 2
 *   2    immediately repeated: no change (else 2, now in S, would become LIR)
 *   3    hit, LIR at the bottom: to the top; pruning drops 1N and 6H (6 stays in Q)
 *                                               S 3L 2H 4L               Q 6 2
 *   6    hit, HIR not in S                      S 6H 3L 2H 4L            Q 2 6
 *   7    2 out (N); 7 HIR                       S 7H 6H 3L 2N 4L         Q 6 7     victim 2
 *   2    ghost hit: 6 out (N); 2 LIR; the bottom 4 demoted   S 2L 7H 6N 3L   Q 7 4   victim 6
 * 15 references, hits at refs 7, 10, 11, 12, 13: 10 faults; victims 3 4 5 1 2 6. */
static const uint32_t lirs_s[] = {1, 2, 3, 4, 5, 3, 1, 6, 4, 2, 2, 3, 6, 7, 2};

static void test_lirs_golden(void)
{
    uint32_t v[64];
    size_t nv;
    CHECK_EQ(run("lirs", 4, lirs_s, LEN(lirs_s), 1, v, &nv), 10);
    CHECK_VICTIMS(v, nv, 3, 4, 5, 1, 2, 6);
    long faults, back;
    json_t *st = stats_after("lirs", 4, lirs_s, LEN(lirs_s), &faults, &back);
    CHECK(st != NULL);
    CHECK_EQ(faults, 10);
    CHECK_EQ(stat_int(st, "ghost_hits"), 3);     /* 3, 4, 2 */
    CHECK_EQ(back, 3);                           /* every shadow handed back was a hit */
    CHECK_EQ(stat_int(st, "llirs"), 2);
    CHECK_EQ(stat_int(st, "lhirs"), 2);
    CHECK_EQ(stat_int(st, "lir"), 2);            /* 2 3 */
    CHECK_EQ(stat_int(st, "hir_resident"), 2);   /* 7 4 */
    CHECK_EQ(stat_int(st, "nonresident"), 1);    /* 6 */
    CHECK_EQ(stat_int(st, "stack"), 4);          /* 2L 7H 6N 3L */
    json_decref(st);
}

/* The immediately repeated reference (the second 2 at ref 11 above) changes no state: the
 * string without it gives the same victims (and one hit fewer, no fault more). Counter-
 * check: had it counted, 2 (in S after ref 10) would have become LIR at ref 11, demoting
 * 4, and the victims would differ; so would they if an LIR hit (ref 12's 3, then 3 again)
 * were repeated: a repeat of 3 right after 3 changes nothing either. */
static void test_lirs_repeat(void)
{
    const uint32_t once[] = {1, 2, 3, 4, 5, 3, 1, 6, 4, 2, 3, 6, 7, 2};
    const uint32_t more[] = {1, 1, 2, 3, 4, 5, 3, 3, 1, 6, 4, 2, 2, 2, 3, 3, 6, 7, 2, 2};
    uint32_t v[64];
    size_t nv;
    CHECK_EQ(run("lirs", 4, once, LEN(once), 1, v, &nv), 10);
    CHECK_VICTIMS(v, nv, 3, 4, 5, 1, 2, 6);
    CHECK_EQ(run("lirs", 4, more, LEN(more), 1, v, &nv), 10);
    CHECK_VICTIMS(v, nv, 3, 4, 5, 1, 2, 6);
}

/* A ghost whose shadow comes back after its entry was pruned is no hit: 3 frames, Lhirs 2,
 * Llirs 1.
 *   1 LIR; 2 HIR (S 2H 1L, Q 2); 3 HIR (S 3H 2H 1L, Q 2 3);
 *   4: 2 out (N) -> S 4H 3H 2N 1L, Q 3 4                             victim 2
 *   1: hit, LIR at the bottom: to the top; pruning drops 2N, 3H, 4H -> S 1L, Q 3 4
 *   2: its shadow is back but its entry is gone: a new HIR page. 3 out (not in S: forgotten)
 *      S 2H 1L, Q 4 2                                                victim 3
 *   3: no shadow (3 left S before its eviction): 4 out (not in S), 3 HIR: S 3H 2H 1L,
 *      Q 2 3                                                         victim 4
 * 7 references, 1 hit: 6 faults; victims 2 3 4; no ghost hits. */
static void test_lirs_pruned_ghost(void)
{
    const uint32_t s[] = {1, 2, 3, 4, 1, 2, 3};
    uint32_t v[16];
    size_t nv;
    CHECK_EQ(run("lirs", 3, s, LEN(s), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 2, 3, 4);
    long back;
    json_t *st = stats_after("lirs", 3, s, LEN(s), NULL, &back);
    CHECK(st && stat_int(st, "ghost_hits") == 0 && stat_int(st, "llirs") == 1);
    CHECK_EQ(back, 1);                           /* 2's shadow came back, stale */
    json_decref(st);
}

static void test_lirs_params(void)
{
    const uint32_t s[] = {1};
    static const struct { const char *spec; uint32_t frames; long long lhirs, llirs; } cases[] = {
        {"lirs", 1000, 10, 990},           /* 1% */
        {"lirs", 5000, 50, 4950},
        {"lirs", 100, 2, 98},              /* max(2, 1) */
        {"lirs", 4, 2, 2},
        {"lirs", 2, 1, 1},                 /* clamped below three frames */
        {"lirs", 1, 1, 0},
        {"lirs:hir=0.5", 10, 5, 5},
        {"lirs:hir=0.25", 10, 2, 8},       /* truncated */
    };
    for (size_t i = 0; i < LEN(cases); i++) {
        json_t *st = stats_after(cases[i].spec, cases[i].frames, s, 1, NULL, NULL);
        CHECK(st != NULL);
        CHECK_EQ(stat_int(st, "lhirs"), cases[i].lhirs);
        CHECK_EQ(stat_int(st, "llirs"), cases[i].llirs);
        json_decref(st);
    }
    CHECK(!creates("lirs:hir=0", 10));
    CHECK(!creates("lirs:hir=1", 10));
    CHECK(!creates("lirs:hir=-0.5", 10));
    CHECK(!creates("lirs:hir=x", 10));
    CHECK(!creates("lirs:kin=0.1", 10));
    const repl_ops_t *o = repl_find("lirs");
    CHECK(o && o->params && !strcmp(o->params, "hir=0.01"));
    CHECK(o && (o->flags & REPL_SEES_ALL_REFS) && (o->flags & REPL_HIT_IDEMPOTENT));
    CHECK(o && !(o->flags & REPL_HIT_LAST_ONLY));
    /* One and two frames work (LIRS degenerates to its queue). */
    const uint32_t t[] = {1, 2, 1, 3, 1, 2};
    CHECK(run("lirs", 1, t, LEN(t), 1, NULL, NULL) == 6);
    CHECK(run("lirs", 2, t, LEN(t), 1, NULL, NULL) > 0);
}

/* ------------------------------------------------------------------ CLOCK-Pro */

/* 4 frames: mc starts at m - 1 = 3 and stays in [2, 3] (floor max(2, 1%)); mh = m - mc.
 * Ring order from the oldest (the node after the list head) to the list head, the node
 * linked last: new and moved pages go in after it (a fixed place the hands move towards, as
 * the authors' clock_head); HANDhot moves every hot page it passes to the head (R = 1:
 * stays hot; R = 0: demoted, cold without test). on_insert clears the loading reference's
 * R. Hc/Hh/Ht: the hands. c = cold, t = in test, h = hot, G = non-resident, * R set.
 *   1 2 3 4   misses, free frames: ring 1ct 2ct 3ct 4ct, every hand on 1
 *   1         hit: R(1) = 1
 *   5   HANDcold at 1: R=1 in test: hot (mc+1 stays 3), to the head (hands move to 2):
 *       ring 2 3 4 1h; hot 1 <= mh 1. At 2: R=0: victim, stays as G2 (test), Hh Ht on it.
 *       5 in at the head: ring G2 3 4 1h 5ct, Hc on 3                   victim 2
 *   2   ghost hit (shadow of G2). HANDcold at 3: R=0: victim, G3. Then G2 leaves, 2 hot at
 *       the head, mc+1 (3): hot 2 > mh 1: HANDhot at G3: its test ends (mc-1 = 2), it
 *       leaves; at 4 (cold, test, R=0): its test ends (mc stays 2, the floor); at 1h, R=0:
 *       to the head, cold. Ring 4c 5ct 2h 1c, Hc on 4, Hh on 5             victim 3
 *   1   hit: R(1) = 1
 *   6   HANDcold at 4: R=0, no test: victim, leaves the clock (no shadow). 6 in at the
 *       head: ring 5ct 2h 1c* 6ct, Hc on 5                                victim 4
 *   3   3's shadow names a freed slot: a new page. HANDcold at 5: R=0, in test: victim,
 *       G5; 3 in at the head: ring G5 2h 1c* 6ct 3ct                       victim 5
 *   6   hit (the old placement, behind a HANDhot that had run past HANDcold, put 6 in
 *       front of HANDcold, which took it at ref 10: 9 faults, victims 2 3 4 6 1).
 * 11 references, hits at refs 5, 8 and 11: 8 faults; victims 2 3 4 5. */
static void test_clockpro_golden(void)
{
    const uint32_t s[] = {1, 2, 3, 4, 1, 5, 2, 1, 6, 3, 6};
    uint32_t v[32];
    size_t nv;
    CHECK_EQ(run("clockpro", 4, s, LEN(s), 1, v, &nv), 8);
    CHECK_VICTIMS(v, nv, 2, 3, 4, 5);
    long faults, back;
    json_t *st = stats_after("clockpro", 4, s, LEN(s), &faults, &back);
    CHECK(st != NULL);
    CHECK_EQ(faults, 8);
    CHECK_EQ(stat_int(st, "ghost_hits"), 1);     /* 2 */
    CHECK_EQ(back, 2);                           /* 2, 3 (stale) */
    CHECK_EQ(stat_int(st, "hot"), 1);            /* 2 */
    CHECK_EQ(stat_int(st, "cold"), 3);           /* 1 6 3 */
    CHECK_EQ(stat_int(st, "nonresident"), 1);    /* G5 */
    CHECK_EQ(stat_int(st, "mc"), 2);
    CHECK_EQ(stat_int(st, "promotions"), 2);     /* 1, 2 */
    CHECK_EQ(stat_int(st, "demotions"), 1);      /* 1 */
    json_decref(st);
}

/* A scan longer than memory does not flush a hot page: 3 frames (mc fixed at 2: floor and ceiling;
 * mh = 1). 1 1: 1 is referenced in its test period; the scan 2 3 4 5 6 brings HANDcold to
 * it: it turns hot and stays while the one-time pages go (each is cold, R = 0). Every
 * later 1 hits. (By hand: 2 3 miss into free frames; 4: HANDcold at 1: R=1 in test: hot;
 * at 2: victim; then 3, 4, 5 go in turn, one per miss, and 1 is never a victim.) */
static void test_clockpro_scan(void)
{
    const uint32_t s[] = {1, 1, 2, 3, 4, 1, 5, 6, 1, 7, 8, 1};
    uint32_t v[32];
    size_t nv;
    CHECK_EQ(run("clockpro", 3, s, LEN(s), 1, v, &nv), 8);
    CHECK_VICTIMS(v, nv, 2, 3, 4, 5, 6);
    /* CLOCK loses 1 in the same scan (its bit is cleared and the hand comes round). */
    CHECK(run("clock", 3, s, LEN(s), 1, NULL, NULL) > 8);
}

static void test_clockpro_params(void)
{
    CHECK(creates("clockpro", 1));
    CHECK(creates("clockpro", 4));
    CHECK(!creates("clockpro:mc=3", 4));
    const repl_ops_t *o = repl_find("clockpro");
    CHECK(o && o->params == NULL && o->on_hit == NULL && !(o->flags & REPL_SEES_ALL_REFS));
    const uint32_t s[] = {1, 2, 1, 3, 1, 2, 4, 2, 1};
    CHECK(run("clockpro", 1, s, LEN(s), 1, NULL, NULL) == 9);
    CHECK(run("clockpro", 2, s, LEN(s), 1, NULL, NULL) > 0);
    json_t *st = stats_after("clockpro", 1000, s, 1, NULL, NULL);
    CHECK(st && stat_int(st, "mc") == 999);
    json_decref(st);
}

/* Unmapping pages anywhere keeps every structure consistent (check() after each step). */
static void test_unmaps(void)
{
    static const char *const specs[] = {"2q", "lirs", "clockpro"};
    for (size_t k = 0; k < LEN(specs); k++) {
        drv_t d;
        sim_err_t err = {0};
        CHECK(drv_init(&d, specs[k], 6, 1, &err) == 0);
        d.check_each = 1;
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(r, 7);
        for (vtime_t t = 0; t < 3000; t++) {
            uint32_t p = (uint32_t)gsl_rng_uniform_int(r, 14);
            if (gsl_rng_uniform(r) < 0.1)
                drv_unmap(&d, p);
            else
                drv_ref(&d, p, t, VTIME_NEVER);
        }
        CHECK_EQ(d.bad_check, 0);
        CHECK_EQ(d.bad_victim, 0);
        CHECK_EQ(d.bad_ref, 0);
        gsl_rng_free(r);
        drv_free(&d);
    }
}

int main(void)
{
    test_2q_golden();
    test_2q_no_ghosts();
    test_2q_params();
    test_lirs_golden();
    test_lirs_repeat();
    test_lirs_pruned_ghost();
    test_lirs_params();
    test_clockpro_golden();
    test_clockpro_scan();
    test_clockpro_params();
    test_unmaps();
    return check_report("test_lirs");
}
