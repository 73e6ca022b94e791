/* test_policies.c - replacement policies against textbook cases, hand-computed cases, a
 * naive reference model, and properties over every registered policy.
 *
 * The engine is replaced by the reference-string driver of tests/drv.h (a test double: frames,
 * referenced bits, shadows kept by page, optional unmaps, owners and local requests).
 *
 * Exact expected values are cited (Silberschatz, Galvin, Gagne, Operating System Concepts,
 * 9th ed., §9.4, figures 9.12-9.15) or computed by hand, with the hand computation written
 * beside the test. A naive O(frames)-per-reference model, independent of the policies' data
 * structures, checks the exact victim sequences of the deterministic policies on random
 * strings; properties (check() after every step, OPT optimal, stack algorithms free of
 * Belady's anomaly) run over the whole registry, so a new policy is tested once registered.
 */
#include "drv.h"

/* ------------------------------------------------------------------ registry */

static void test_registry(void)
{
    size_t n = 0;
    for (const repl_ops_t *const *p = repl_registry; *p; p++, n++) {
        const repl_ops_t *o = *p;
        CHECK(o->name && o->summary && o->create && o->destroy && o->select_victim &&
              o->on_insert && o->on_remove && o->check);
        CHECK_EQ(o->version, REPL_VERSION);   /* every policy is ported to the interface */
        CHECK(repl_find(o->name) == o);      /* names are unique */
        /* The flag says exactly whether the policy sees every reference. */
        CHECK_EQ(!!(o->flags & REPL_SEES_ALL_REFS), o->on_hit != NULL);
        CHECK_EQ(!!(o->flags & REPL_NEEDS_NEXT_USE), !strcmp(o->name, "opt"));
        CHECK(o->paper && *o->paper);        /* `pagesim policies` cites every one */
        /* The documented defaults are accepted as given: -p NAME:PARAMS. */
        char spec[256];
        snprintf(spec, sizeof spec, "%s%s%s", o->name, o->params ? ":" : "", o->params ? o->params : "");
        drv_t d;
        sim_err_t err = {0};
        int rc = drv_init(&d, spec, 16, 1, &err);
        if (rc)
            fprintf(stderr, "%s: %s\n", spec, err.msg);
        CHECK_EQ(rc, 0);
        drv_free(&d);
    }
    CHECK(n >= 7);
    static const char *const names[] = {"fifo", "lru", "opt", "clock", "random", "lfu", "mru"};
    for (size_t i = 0; i < LEN(names); i++)
        CHECK(repl_find(names[i]) && !strcmp(repl_find(names[i])->name, names[i]));
    CHECK(repl_find("nope") == NULL);
    CHECK(repl_find("") == NULL);
    CHECK(repl_find("LRU") == NULL);
    CHECK(!repl_find("clock")->on_hit);     /* CLOCK sees R bits only */
    CHECK(!repl_find("fifo")->on_hit);
}

/* ------------------------------------------------------------------ parameters */

static void test_params(void)
{
    sim_err_t err = {0};
    drv_t d;
    for (const repl_ops_t *const *p = repl_registry; *p; p++) {
        char spec[96];
        snprintf(spec, sizeof spec, "%s:bogus=1", (*p)->name);
        err.msg[0] = '\0';
        CHECK_EQ(drv_init(&d, spec, 4, 1, &err), -1);
        CHECK(strstr(err.msg, "bogus") != NULL);
        drv_free(&d);
        /* No params at all (NULL object) and an empty object are both fine. */
        repl_env_t env = {.nframes = 4, .rng = gsl_rng_alloc(gsl_rng_mt19937), .eng = NULL,
                          .test_clear_ref = drv_test_clear_ref, .is_dirty = drv_is_dirty};
        void *st = NULL;
        CHECK_EQ((*p)->create(&env, NULL, &st, &err), 0);
        if (st)
            (*p)->destroy(st);
        /* Zero frames is refused with a message, not an assertion. */
        env.nframes = 0;
        err.msg[0] = '\0';
        st = NULL;
        CHECK_EQ((*p)->create(&env, NULL, &st, &err), -1);
        CHECK(err.msg[0] != '\0');
        gsl_rng_free(env.rng);
    }
    CHECK_EQ(drv_init(&d, "clock:ref_on_load=0", 4, 1, &err), 0);
    drv_free(&d);
    CHECK_EQ(drv_init(&d, "clock:ref_on_load=1", 4, 1, &err), 0);
    drv_free(&d);
    CHECK_EQ(drv_init(&d, "clock:ref_on_load=2", 4, 1, &err), -1);
    CHECK(strstr(err.msg, "ref_on_load") != NULL);
    drv_free(&d);
    CHECK_EQ(drv_init(&d, "clock:ref_on_load=yes", 4, 1, &err), -1);
    CHECK(strstr(err.msg, "ref_on_load") != NULL);
    drv_free(&d);
    CHECK_EQ(drv_init(&d, "clock:ref_on_load=1,hand=3", 4, 1, &err), -1);
    CHECK(strstr(err.msg, "hand") != NULL);
    drv_free(&d);
}

/* ------------------------------------------------------------------ golden cases */

/* Silberschatz, Galvin, Gagne, OSC 9th ed., §9.4.2-9.4.4, the reference string of figures
 * 9.12 (FIFO: 15 faults), 9.14 (OPT: 9) and 9.15 (LRU: 12), 3 frames. The victim sequences
 * are read off the same figures. */
static const uint32_t osc[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};

/* Belady's anomaly string (OSC §9.4.2, figure 9.13; Belady, Nelson, Shedler, CACM 1969). */
static const uint32_t belady[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

static void test_textbook(void)
{
    uint32_t v[64];
    size_t nv;

    CHECK_EQ(run("fifo", 3, osc, LEN(osc), 1, v, &nv), 15);
    /* FIFO evicts in load order: the loads were 7 0 1 2 3 0 4 2 3 0 1 2 7 0 1. */
    CHECK_VICTIMS(v, nv, 7, 0, 1, 2, 3, 0, 4, 2, 3, 0, 1, 2);
    CHECK_EQ(run("lru", 3, osc, LEN(osc), 1, v, &nv), 12);
    CHECK_VICTIMS(v, nv, 7, 1, 2, 3, 0, 4, 0, 3, 2);
    CHECK_EQ(run("opt", 3, osc, LEN(osc), 1, v, &nv), 9);
    CHECK_VICTIMS(v, nv, 7, 1, 0, 4, 3, 2);

    /* Belady's anomaly: FIFO 9 faults with 3 frames, 10 with 4. */
    CHECK_EQ(run("fifo", 3, belady, LEN(belady), 1, NULL, NULL), 9);
    CHECK_EQ(run("fifo", 4, belady, LEN(belady), 1, NULL, NULL), 10);
    /* The stack algorithms do not suffer it. By hand: LRU with 3 frames misses on all but
     * the 1, 2 after 5 (10); with 4 frames 5 evicts 3, 3 evicts 4, 4 evicts 5, 5 evicts 1 (8).
     * OPT with 3 frames: 4 evicts 3, 5 evicts 4, 3 evicts 1 and 4 evicts 2 (ties among
     * never-used pages go to the least recent), 7 faults; with 4: 5 evicts 4, 4 evicts 1: 6. */
    CHECK_EQ(run("lru", 3, belady, LEN(belady), 1, NULL, NULL), 10);
    CHECK_EQ(run("lru", 4, belady, LEN(belady), 1, NULL, NULL), 8);
    CHECK_EQ(run("opt", 3, belady, LEN(belady), 1, v, &nv), 7);
    CHECK_VICTIMS(v, nv, 3, 4, 1, 2);
    CHECK_EQ(run("opt", 4, belady, LEN(belady), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 4, 1);

    /* OPT's tie rule: 1 2 3 4 with 2 frames. Neither resident page is used again when 3
     * and 4 fault, so the least recently used goes: 1, then 2. (A lowest-frame rule would
     * evict 3 second, from frame 0.) */
    static const uint32_t ties[] = {1, 2, 3, 4};
    CHECK_EQ(run("opt", 2, ties, LEN(ties), 1, v, &nv), 4);
    CHECK_VICTIMS(v, nv, 1, 2);
}

static void test_clock(void)
{
    uint32_t v[64];
    size_t nv;
    /* Second chance versus FIFO, by hand, 3 frames, string 1 2 3 4 2 5 2. Loads set R.
     * 1 2 3 fault; the circle is 1 2 3 with the hand on 1, all R set.
     * 4: the hand clears 1, 2, 3 and comes back to 1: victim 1; 4 takes 1's place, just
     *    behind the hand, which now points at 2. Circle 2 3 4, R = 0 0 1.
     * 2: hit, R(2) = 1.
     * 5: the hand clears 2 (second chance), moves to 3, R(3) = 0: victim 3. FIFO evicts 2.
     * 2: hit under CLOCK (5 faults), a fault under FIFO, which then evicts 3 (6 faults). */
    static const uint32_t sc[] = {1, 2, 3, 4, 2, 5, 2};
    CHECK_EQ(run("clock", 3, sc, LEN(sc), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 1, 3);
    CHECK_EQ(run("fifo", 3, sc, LEN(sc), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 1, 2, 3);

    /* ref_on_load, by hand, 3 frames, string 1 2 3 1 4 2 5.
     * ref_on_load=1: after 1 2 3 all R are set; the hit on 1 changes nothing. 4: the hand
     *   clears 1 2 3 and evicts 1; circle 2 3 4, hand on 2, R = 0 0 1. 2: hit, R(2)=1.
     *   5: clears 2, evicts 3. Faults 5, victims 1 3.
     * ref_on_load=0: 1 2 3 load with R clear; the hit sets R(1). 4: the hand clears 1,
     *   evicts 2; from the hand the circle reads 3 1 4, R = 0 0 0. 2: fault, evicts 3.
     *   5: R(1) was cleared: evicts 1. Faults 6, victims 2 3 1. */
    static const uint32_t rl[] = {1, 2, 3, 1, 4, 2, 5};
    CHECK_EQ(run("clock", 3, rl, LEN(rl), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 1, 3);
    CHECK_EQ(run("clock:ref_on_load=1", 3, rl, LEN(rl), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 1, 3);
    CHECK_EQ(run("clock:ref_on_load=0", 3, rl, LEN(rl), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 2, 3, 1);

    /* A hand sitting on a page that is unmapped moves to its successor, and a page loaded
     * afterwards goes just behind the hand. 3 frames: 1 2 3 load (hand on 1, all R set);
     * unmap 1: the hand moves to 2; 4 loads into the free frame, behind the hand: circle
     * 2 3 4. 5: the hand clears 2, 3, 4 and evicts 2; 5 takes its place, hand on 3. */
    drv_t d;
    sim_err_t err = {0};
    CHECK_EQ(drv_init(&d, "clock", 3, 1, &err), 0);
    d.check_each = 1;
    drv_ref(&d, 1, 0, VTIME_NEVER);
    drv_ref(&d, 2, 1, VTIME_NEVER);
    drv_ref(&d, 3, 2, VTIME_NEVER);
    drv_unmap(&d, 1);
    drv_ref(&d, 4, 3, VTIME_NEVER);
    drv_ref(&d, 5, 4, VTIME_NEVER);
    CHECK_VICTIMS(d.victims, d.nvictims, 2);
    /* 6: circle 3 4 5, hand on 3, R = 0 0 1: evicts 3. */
    drv_ref(&d, 6, 5, VTIME_NEVER);
    CHECK_VICTIMS(d.victims, d.nvictims, 2, 3);
    CHECK_EQ(d.faults, 6);
    CHECK_EQ(d.bad_check + d.bad_victim + d.bad_ref, 0);
    drv_free(&d);
}

static void test_lfu_mru(void)
{
    uint32_t v[64];
    size_t nv;
    /* LFU by hand, 3 frames, 1 2 1 3 2 1 4 3 4 5. Counts after 1 2 1 3 2 1: 1->3, 2->2, 3->1.
     * 4 evicts 3 (count 1); 3 evicts 4 (count 1, the newcomer); 4 evicts 3; 5 evicts 4.
     * 7 faults: the heavily used 1 and 2 stay while the newcomers evict each other. */
    static const uint32_t a[] = {1, 2, 1, 3, 2, 1, 4, 3, 4, 5};
    CHECK_EQ(run("lfu", 3, a, LEN(a), 1, v, &nv), 7);
    CHECK_VICTIMS(v, nv, 3, 4, 3, 4);
    /* Ties go to the least recently used. 1 2 3 3 2 1 4 5: counts 1 2 3 are all 2, last
     * used at 5, 4 and 3, so 4 evicts 3; then 4 has count 1 and 5 evicts it.
     * LRU on the same string evicts 3 then 2. */
    static const uint32_t b[] = {1, 2, 3, 3, 2, 1, 4, 5};
    CHECK_EQ(run("lfu", 3, b, LEN(b), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 3, 4);
    CHECK_EQ(run("lru", 3, b, LEN(b), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 3, 2);
    /* A count lives only while the page is resident, 2 frames, 1 1 1 2 3 3 3 4 1 5.
     * 1 reaches count 3; 2 loads into the free frame (count 1); 3 evicts 2 and reaches count
     * 3 too; 4: tie at 3, 1 was used less recently (t=2 against t=6): evicts 1. 1 reloads
     * with count 1, not 4: it evicts 4 (count 1), and 5 evicts it at once. 6 faults. */
    static const uint32_t c[] = {1, 1, 1, 2, 3, 3, 3, 4, 1, 5};
    CHECK_EQ(run("lfu", 2, c, LEN(c), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 2, 1, 4, 1);

    /* MRU by hand, 3 frames, a loop over 4 pages, 1 2 3 4 1 2 3 4: 4 evicts 3 (the last
     * used), 1 and 2 hit, 3 evicts 2, 4 hits: 5 faults. LRU misses every time (8), the
     * textbook case where MRU wins (Chou and DeWitt, VLDB 1985). OPT also gets 5. */
    static const uint32_t loop[] = {1, 2, 3, 4, 1, 2, 3, 4};
    CHECK_EQ(run("mru", 3, loop, LEN(loop), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 3, 2);
    CHECK_EQ(run("lru", 3, loop, LEN(loop), 1, NULL, NULL), 8);
    CHECK_EQ(run("opt", 3, loop, LEN(loop), 1, NULL, NULL), 5);
    /* MRU on the OSC string, by hand: every miss replaces the page used just before it, so
     * 7 and 4, once loaded, sit untouched until the 7 at t=17 makes 7 the most recent and
     * the 0 after it evicts 7. 16 faults. */
    CHECK_EQ(run("mru", 3, osc, LEN(osc), 1, v, &nv), 16);
    CHECK_VICTIMS(v, nv, 1, 0, 3, 0, 2, 3, 0, 3, 2, 1, 2, 0, 7);
}

/* ------------------------------------------------------------------ random strings */

/* A string with locality: a hot set of `hot` pages that drifts, plus uniform noise. */
static void gen_string(gsl_rng *r, uint32_t *s, size_t n, uint32_t npages, uint32_t hot)
{
    uint32_t base = 0;
    for (size_t i = 0; i < n; i++) {
        if (gsl_rng_uniform(r) < 0.02)
            base = (uint32_t)gsl_rng_uniform_int(r, npages);
        if (gsl_rng_uniform(r) < 0.75)
            s[i] = (base + (uint32_t)gsl_rng_uniform_int(r, hot)) % npages;
        else
            s[i] = (uint32_t)gsl_rng_uniform_int(r, npages);
    }
}

static void test_random_policy(void)
{
    enum { N = 5000 };
    static uint32_t s[N], v1[N], v2[N], v3[N];
    size_t n1, n2, n3;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    gen_string(r, s, N, 60, 12);
    long f1 = run("random", 10, s, N, 42, v1, &n1);
    long f2 = run("random", 10, s, N, 42, v2, &n2);
    long f3 = run("random", 10, s, N, 43, v3, &n3);
    CHECK(f1 > 10 && f3 > 10);
    CHECK_EQ(f1, f2);
    CHECK(same_seq(v1, n1, v2, n2));           /* same seed, same victims */
    CHECK(!same_seq(v1, n1, v3, n3));          /* another seed, other victims */
    /* Uniformity, roughly: with every page resident once, each of 4 frames is picked about a
     * quarter of the time. 4000 draws; each count within 5 standard deviations (~27). */
    drv_t d;
    sim_err_t err = {0};
    CHECK_EQ(drv_init(&d, "random", 4, 99, &err), 0);
    for (uint32_t p = 0; p < 4; p++)
        drv_ref(&d, p, p, VTIME_NEVER);
    long count[4] = {0};
    mem_ref_t ref = {.t = 4, .next_use = VTIME_NEVER};
    repl_req_t req = {.reason = REPL_REQ_DIRECT, .pid = 1, .count = 1, .ref = &ref};
    for (int i = 0; i < 4000; i++) {
        pfn_t f = d.ops->select_victim(d.st, &req);
        if (f < 4)
            count[f]++;
    }
    for (int f = 0; f < 4; f++)
        CHECK(count[f] > 1000 - 140 && count[f] < 1000 + 140);
    drv_free(&d);
    gsl_rng_free(r);
}

/* The naive model: per page load time, last use, count; O(frames) scans. Returns the
 * victim sequence of a deterministic policy, to compare with the real one exactly. */
static long naive(const char *name, uint32_t nframes, const uint32_t *s, size_t n,
                  uint32_t *victims, size_t *nvictims)
{
    uint32_t res[64];       /* resident pages in slot order (the clock's circle) */
    uint64_t load[NPAGES_MAX], last[NPAGES_MAX], cnt[NPAGES_MAX], nxt[NPAGES_MAX];
    uint8_t rbit[NPAGES_MAX];
    uint32_t nres = 0, hand = 0;
    long faults = 0;
    vtime_t *next = next_uses(s, n);
    assert(nframes <= 64);
    *nvictims = 0;
    for (size_t t = 0; t < n; t++) {
        uint32_t p = s[t], i;
        for (i = 0; i < nres && res[i] != p; i++)
            ;
        if (i < nres) {
            last[p] = t;
            cnt[p]++;
            nxt[p] = next[t];
            rbit[p] = 1;
            continue;
        }
        faults++;
        if (nres < nframes) {
            i = nres++;
        } else {
            uint32_t best = 0;
            for (uint32_t j = 1; j < nres; j++) {
                uint32_t a = res[j], b = res[best];
                int better;
                if (!strcmp(name, "fifo"))
                    better = load[a] < load[b];
                else if (!strcmp(name, "lru"))
                    better = last[a] < last[b];
                else if (!strcmp(name, "mru"))
                    better = last[a] > last[b];
                else if (!strcmp(name, "lfu"))
                    better = cnt[a] < cnt[b] || (cnt[a] == cnt[b] && last[a] < last[b]);
                else if (!strcmp(name, "opt"))
                    better = nxt[a] > nxt[b] || (nxt[a] == nxt[b] && last[a] < last[b]);
                else
                    better = 0;
                if (better)
                    best = j;
            }
            if (!strcmp(name, "clock")) {   /* slots in a fixed circle, the textbook way */
                while (rbit[res[hand]]) {
                    rbit[res[hand]] = 0;
                    hand = (hand + 1) % nframes;
                }
                best = hand;
                hand = (hand + 1) % nframes;
            }
            i = best;
            victims[(*nvictims)++] = res[i];
        }
        res[i] = p;
        load[p] = last[p] = t;
        cnt[p] = 1;
        nxt[p] = next[t];
        rbit[p] = 1;
    }
    free(next);
    return faults;
}

static void test_against_naive(void)
{
    enum { N = 3000 };
    static uint32_t s[N], v1[N], v2[N];
    static const char *const names[] = {"fifo", "lru", "opt", "clock", "lfu", "mru"};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2024);
    int mismatches = 0, runs = 0;
    for (int trial = 0; trial < 6; trial++) {
        uint32_t npages = 8 + (uint32_t)gsl_rng_uniform_int(r, 60);
        gen_string(r, s, N, npages, 3 + (uint32_t)gsl_rng_uniform_int(r, 10));
        for (uint32_t nf = 1; nf <= 12; nf += 1 + (uint32_t)(nf / 4)) {
            for (size_t k = 0; k < LEN(names); k++) {
                size_t n1, n2;
                long f1 = run(names[k], nf, s, N, 1, v1, &n1);
                long f2 = naive(names[k], nf, s, N, v2, &n2);
                runs++;
                if (f1 != f2 || !same_seq(v1, n1, v2, n2)) {
                    if (!mismatches)
                        fprintf(stderr, "naive mismatch: %s, %u frames, trial %d: %ld vs %ld\n",
                                names[k], nf, trial, f1, f2);
                    mismatches++;
                }
            }
        }
    }
    CHECK(runs > 100);
    CHECK_EQ(mismatches, 0);
    gsl_rng_free(r);
}

/* Every registered policy: check() after every step, with random unmaps, victims always
 * resident frames, test_clear_ref only on resident frames, and a clean teardown. */
/* A random trial's string of n references over npages pages (its locality drawn from r), its
 * next uses in *next, and a driver of policy name over nf frames in *d. 0, or -1 with
 * nothing left to free (the caller counts it as a problem). */
static int trial_start(gsl_rng *r, uint32_t *s, size_t n, uint32_t npages, uint32_t nf,
                       const char *name, int trial, vtime_t **next, drv_t *d)
{
    gen_string(r, s, n, npages, 2 + (uint32_t)gsl_rng_uniform_int(r, 12));
    *next = next_uses(s, n);
    sim_err_t err = {0};
    if (drv_init(d, name, nf, (unsigned long)trial + 1, &err)) {
        drv_free(d);
        free(*next);
        return -1;
    }
    return 0;
}

static void test_props_structures(void)
{
    enum { N = 4000 };
    static uint32_t s[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    for (const repl_ops_t *const *p = repl_registry; *p; p++) {
        const char *name = (*p)->name;
        int bad = 0;
        long unmaps = 0, faults = 0;
        for (int trial = 0; trial < 5; trial++) {
            uint32_t npages = 4 + (uint32_t)gsl_rng_uniform_int(r, 100);
            uint32_t nf = 1 + (uint32_t)gsl_rng_uniform_int(r, 20);
            vtime_t *next;
            drv_t d;
            if (trial_start(r, s, N, npages, nf, name, trial, &next, &d)) {
                bad++;
                continue;
            }
            d.check_each = 1;
            for (size_t i = 0; i < N; i++) {
                if (drv_ref(&d, s[i], i, next[i]) < 0)
                    break;
                if (d.nresident > nf)
                    bad++;
                /* Unmap a random page now and then, or a burst of them (exit). */
                double u = gsl_rng_uniform(r);
                if (u < 0.03) {
                    drv_unmap(&d, (uint32_t)gsl_rng_uniform_int(r, npages));
                    unmaps++;
                } else if (u < 0.032) {
                    for (uint32_t q = 0; q < npages; q++)
                        if (gsl_rng_uniform(r) < 0.5)
                            drv_unmap(&d, q);
                    unmaps++;
                }
            }
            /* Everything goes away (the process exits): the policy must end empty. */
            for (uint32_t q = 0; q < npages; q++)
                drv_unmap(&d, q);
            if (d.nresident != 0)
                bad++;
            bad += d.bad_check + d.bad_victim + d.bad_ref;
            faults += d.faults;
            /* And it must be usable again after being emptied. */
            drv_ref(&d, 0, N, VTIME_NEVER);
            drv_ref(&d, 1, N + 1, VTIME_NEVER);
            bad += d.bad_check + d.bad_victim + d.bad_ref;
            drv_free(&d);
            free(next);
        }
        if (bad)
            fprintf(stderr, "structures: policy %s: %d problems\n", name, bad);
        CHECK_EQ(bad, 0);
        CHECK(unmaps > 100 && faults > 1000);
    }
    gsl_rng_free(r);
}

/* Every registered policy under local replacement (repl.h, req->local): pages owned by three
 * processes, every victim of a local request one of the faulting process's frames, check()
 * after every step, and the policy usable after; and a global request still takes any frame.
 * For the ring policies the local victim is also the one their order names among the
 * process's frames (FIFO and LRU the first from the head, MRU the first from the tail). */
static void test_props_local(void)
{
    enum { N = 3000 };
    static uint32_t s[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 21);
    for (const repl_ops_t *const *p = repl_registry; *p; p++) {
        const char *name = (*p)->name;
        int bad = 0;
        long requests = 0;
        for (int trial = 0; trial < 4; trial++) {
            uint32_t npages = 8 + (uint32_t)gsl_rng_uniform_int(r, 60);
            uint32_t nf = 2 + (uint32_t)gsl_rng_uniform_int(r, 14);
            vtime_t *next;
            drv_t d;
            if (trial_start(r, s, N, npages, nf, name, trial, &next, &d)) {
                bad++;
                continue;
            }
            d.check_each = 1;
            d.npids = 3;
            d.local = 1;
            for (size_t i = 0; i < N; i++) {
                if (drv_ref(&d, s[i], i, next[i]) < 0)
                    break;
                if (gsl_rng_uniform(r) < 0.01)
                    drv_unmap(&d, (uint32_t)gsl_rng_uniform_int(r, npages));
            }
            bad += d.bad_check + d.bad_victim + d.bad_ref + d.bad_local;
            requests += d.local_requests;
            drv_free(&d);
            free(next);
        }
        if (bad)
            fprintf(stderr, "local: policy %s: %d problems\n", name, bad);
        CHECK_EQ(bad, 0);
        CHECK(requests > 100);
    }
    /* The ring policies' local victims, by hand: frames 0..3 hold pages 0..3, owned by pids
     * 1 2 3 1 (npids 3), loaded in that order; pid 2 faults on page 4 (4 % 3 + 1 = 2) and
     * must lose page 1, its only page; pid 1 (page 6) loses page 0 under FIFO and LRU (the
     * older of its pages 0 and 3) and page 3 under MRU (its most recently used). */
    static const struct { const char *name; uint32_t first, second; } ring[] = {
        {"fifo", 1, 0}, {"lru", 1, 0}, {"mru", 1, 3},
    };
    for (size_t i = 0; i < LEN(ring); i++) {
        drv_t d;
        sim_err_t err = {0};
        CHECK_EQ(drv_init(&d, ring[i].name, 4, 1, &err), 0);
        d.npids = 3;
        d.local = 1;
        for (uint32_t q = 0; q < 4; q++)
            drv_ref(&d, q, q, VTIME_NEVER);
        drv_ref(&d, 4, 4, VTIME_NEVER);
        drv_ref(&d, 6, 5, VTIME_NEVER);
        CHECK_VICTIMS(d.victims, d.nvictims, ring[i].first, ring[i].second);
        CHECK_EQ(d.bad_local, 0);
        drv_free(&d);
    }
    gsl_rng_free(r);
}

/* A check() that accepts anything would make the test above vacuous: show it catches a
 * bitmap that disagrees with the policy's tracked set. */
static void test_check_detects(void)
{
    for (const repl_ops_t *const *p = repl_registry; *p; p++) {
        drv_t d;
        sim_err_t err = {0};
        CHECK_EQ(drv_init(&d, (*p)->name, 9, 1, &err), 0);
        for (uint32_t q = 0; q < 5; q++)
            drv_ref(&d, q, q, VTIME_NEVER);
        CHECK_EQ((*p)->check(d.st, d.resident), 0);
        d.resident[0] ^= 1u << 2;            /* claim frame 2 is not tracked */
        CHECK((*p)->check(d.st, d.resident) != 0);
        d.resident[0] ^= 1u << 2;
        d.resident[1] ^= 1u;                 /* claim frame 8 (unused) is tracked */
        CHECK((*p)->check(d.st, d.resident) != 0);
        d.resident[1] ^= 1u;
        CHECK_EQ((*p)->check(d.st, d.resident), 0);
        drv_free(&d);
    }
}

/* Victims of `name` on random strings, with every hit told once and told 1-3 times (or, with
 * defer, told at the next fault once per frame in last-hit order); 1 if the sequences differ
 * anywhere. */
static int hits_change_victims(const char *name, gsl_rng *r, int defer)
{
    enum { N = 3000 };
    static uint32_t s[N];
    int differ = 0;
    for (int trial = 0; trial < 5 && !differ; trial++) {
        uint32_t npages = 8 + (uint32_t)gsl_rng_uniform_int(r, 60);
        uint32_t nf = 2 + (uint32_t)gsl_rng_uniform_int(r, 12);
        if (defer)      /* long stretches of hits between faults: hits repeat within them */
            npages = nf + 2 + (uint32_t)gsl_rng_uniform_int(r, 6);
        gen_string(r, s, N, npages, 2 + (uint32_t)gsl_rng_uniform_int(r, 10));
        vtime_t *next = next_uses(s, N);
        drv_t d[2];
        sim_err_t err = {0};
        for (int k = 0; k < 2; k++) {
            CHECK_EQ(drv_init(&d[k], name, nf, (unsigned long)trial + 1, &err), 0);
            d[k].check_each = 1;
        }
        d[1].defer_hits = defer;
        for (size_t i = 0; i < N; i++) {
            d[1].repeat_hits = 1 + (int)gsl_rng_uniform_int(r, 3);
            drv_ref(&d[0], s[i], i, next[i]);
            drv_ref(&d[1], s[i], i, next[i]);
        }
        differ = !same_seq(d[0].victims, d[0].nvictims, d[1].victims, d[1].nvictims) ||
                 d[1].bad_check || d[1].bad_victim;
        drv_free(&d[0]);
        drv_free(&d[1]);
        free(next);
    }
    return differ;
}

/* Every policy claiming the hit flag `flag` (and so the flags in `implies`) must choose the
 * same victims when its hits are told as the flag allows (defer: see hits_change_victims);
 * LFU, which counts hits, shows the test can tell. */
static void check_hit_flag(unsigned flag, const char *flag_name, unsigned implies, int defer,
                           unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    int claimed = 0;
    for (const repl_ops_t *const *p = repl_registry; *p; p++) {
        if (!((*p)->flags & flag))
            continue;
        claimed++;
        CHECK((*p)->on_hit != NULL);
        CHECK(((*p)->flags & implies) == implies);
        int differ = hits_change_victims((*p)->name, r, defer);
        if (differ)
            fprintf(stderr, "policy %s claims %s but its victims change when hits are told %s\n",
                    (*p)->name, flag_name, defer ? "once per frame, deferred" : "repeatedly");
        CHECK_EQ(differ, 0);
    }
    CHECK(claimed >= 2);                     /* lru and mru */
    CHECK_EQ(hits_change_victims("lfu", r, defer), 1);
    gsl_rng_free(r);
}

/* REPL_HIT_IDEMPOTENT lets the engine skip an on_hit for the frame it just told the policy
 * about; REPL_HIT_LAST_ONLY lets it replay a run of hits as one on_hit per frame in the order
 * of their last hits. */
static void test_props_hit_flags(void)
{
    check_hit_flag(REPL_HIT_IDEMPOTENT, "REPL_HIT_IDEMPOTENT", 0, 0, 17);
    check_hit_flag(REPL_HIT_LAST_ONLY, "REPL_HIT_LAST_ONLY", REPL_HIT_IDEMPOTENT, 1, 23);
}

/* OPT is never beaten; LRU and OPT (stack algorithms) never fault more with more frames. */
static void test_props_optimality(void)
{
    enum { N = 2000 };
    static uint32_t s[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    int beaten = 0, anomalies = 0, errors = 0, comparisons = 0;
    for (int trial = 0; trial < 8; trial++) {
        uint32_t npages = 5 + (uint32_t)gsl_rng_uniform_int(r, 40);
        gen_string(r, s, N, npages, 2 + (uint32_t)gsl_rng_uniform_int(r, 8));
        long prev_lru = -1, prev_opt = -1;
        for (uint32_t nf = 1; nf <= 16; nf++) {
            long opt = run("opt", nf, s, N, 1, NULL, NULL);
            if (opt < 0)
                errors++;
            for (const repl_ops_t *const *p = repl_registry; *p; p++) {
                long f = run((*p)->name, nf, s, N, (unsigned long)trial, NULL, NULL);
                if (f < 0)
                    errors++;
                if (f < opt) {
                    fprintf(stderr, "OPT beaten by %s: %ld < %ld (%u frames)\n", (*p)->name, f, opt, nf);
                    beaten++;
                }
                comparisons++;
            }
            long lru = run("lru", nf, s, N, 1, NULL, NULL);
            if ((prev_lru >= 0 && lru > prev_lru) || (prev_opt >= 0 && opt > prev_opt))
                anomalies++;
            prev_lru = lru;
            prev_opt = opt;
        }
    }
    CHECK(comparisons > 500);
    CHECK_EQ(errors, 0);
    CHECK_EQ(beaten, 0);
    CHECK_EQ(anomalies, 0);
    gsl_rng_free(r);
}

int main(void)
{
    test_registry();
    test_params();
    test_textbook();
    test_clock();
    test_lfu_mru();
    test_random_policy();
    test_against_naive();
    test_props_structures();
    test_props_local();
    test_check_detects();
    test_props_hit_flags();
    test_props_optimality();
    return check_report("test_policies");
}
