/* test_clocks.c - golden tests of the clock family and its relatives (issue 14): clock:reset,
 * lfu:ties, gclock, eclock, wtinylfu and lecar.
 *
 * The engine is replaced by the reference-string driver of tests/drv.h (frames, R bits set
 * by every reference, shadows kept by page, the reference timer). Each expected value is
 * derived by hand in the comment beside it, step by step. "t" counts references from 1: the
 * reference timer of clock:reset=N fires right after references N, 2N, ...
 */
#include "drv.h"
#include "simrun.h"

#include <math.h>

static void test_clock_reset(void)
{
    uint32_t v[64];
    size_t nv;
    /* 3 frames, 1 2 3 4 2 5 2 (test_policies.c's second-chance string), loads set R.
     * reset=0 (off): 1 2 3 load; 4 (t=4): the hand clears 1 2 3, evicts 1, circle 2 3 4
     *   (hand on 2), R = 0 0 1; 2 hit: R(2)=1; 5: clears 2, evicts 3; 2 hits. 5 faults,
     *   victims 1 3.
     * reset=5: the same up to the hit on 2 (t=5); then the timer clears every bit: R = 0 0 0.
     *   5 (t=6): the hand finds R(2)=0: evicts 2; 5 takes its place, hand on 3; R(5)=1.
     *   2 (t=7): fault, hand on 3, R(3)=0: evicts 3. 6 faults, victims 1 2 3.
     * reset=4: the timer fires after the fault on 4 (t=4), clearing R(4) (the others were
     *   cleared by the hand). 2 (t=5) sets R(2) after the reset, so at 5's fault the hand
     *   spares 2 and evicts 3, as with no reset: 5 faults, victims 1 3. A reset done lazily
     *   at the fault (t=6, a boundary passed since the last fault) would have cleared R(2)
     *   and evicted 2: the timer is exact, the lazy scheme is not. */
    static const uint32_t sc[] = {1, 2, 3, 4, 2, 5, 2};
    CHECK_EQ(run("clock:reset=0", 3, sc, LEN(sc), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 1, 3);
    CHECK_EQ(run("clock:reset=5", 3, sc, LEN(sc), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 1, 2, 3);
    CHECK_EQ(run("clock:reset=4", 3, sc, LEN(sc), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 1, 3);
    /* reset=1 clears every bit after every reference: at each fault every R is clear, the
     * hand evicts the page under it, which is the oldest: FIFO. OSC fig. 9.12's string (15
     * faults) and its victims. */
    static const uint32_t osc[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
    CHECK_EQ(run("clock:reset=1", 3, osc, LEN(osc), 1, v, &nv), 15);
    CHECK_VICTIMS(v, nv, 7, 0, 1, 2, 3, 0, 4, 2, 3, 0, 1, 2);
    /* The timer is periodic: reset=2 on 1 2 | 3 1 | 1 4 | 2 ... (bars: the clearings).
     * 3 frames. 1 2 load; clear (t=2). 3 loads (R=1); 1 hits (R(1)=1); clear (t=4). 1 hits
     * (t=5: R(1)=1). 4 (t=6): circle 1 2 3 from the hand, R = 1 0 0: spares 1, evicts 2;
     * clear (t=6). 2 (t=7): circle 3 1 4 from the hand, R all 0: evicts 3. 5 faults, victims
     * 2 3. Without the reset: at 4 all R are set (1 2 3 loads, 1's hits): the hand clears
     * all and evicts 1; 2 hits. 4 faults, victim 1. */
    static const uint32_t per[] = {1, 2, 3, 1, 1, 4, 2};
    CHECK_EQ(run("clock:reset=2", 3, per, LEN(per), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 2, 3);
    CHECK_EQ(run("clock", 3, per, LEN(per), 1, v, &nv), 4);
    CHECK_VICTIMS(v, nv, 1);
    /* With ref_on_load=0 as well: the loads leave R clear, the clearings at t=2 and t=4
     * leave every bit clear again, the hit at t=5 sets R(1): at 4 the hand spares 1 and
     * evicts 2, then 2 evicts 3. The same victims: the reset decided, not the loads. */
    CHECK_EQ(run("clock:reset=2,ref_on_load=0", 3, per, LEN(per), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 2, 3);
}

/* clock:reset through the engine: its reference timer (repl.h, set_ref_timer and on_refs)
 * fires exactly where the driver's does, with the TLB on or off and under either schedule
 * (the expected counts are test_clock_reset's: reset=5 changes a victim, reset=4 does not). */
static void test_clock_reset_engine(void)
{
    char dir[] = "/tmp/pagesim_test_clocks_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        check_failed++;
        return;
    }
    char trace[256], out[256];
    snprintf(trace, sizeof trace, "%s/sc.txt", dir);
    snprintf(out, sizeof out, "%s/out.json", dir);
    FILE *f = fopen(trace, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("R 0x1000\nR 0x2000\nR 0x3000\nR 0x4000\nR 0x2000\nR 0x5000\nR 0x2000\n", f);
    fclose(f);
    static const struct { const char *policy; long misses; } cases[] = {
        {"policy=clock", 5}, {"policy=clock:reset=5", 6}, {"policy=clock:reset=4", 5},
        {"policy=clock:reset=1", 6},   /* FIFO */
    };
    static const char *const tlbs[] = {"tlb.entries=0", "tlb.entries=64"};
    static const char *const scheds[] = {"schedule=trace", "schedule=rr"};
    for (size_t i = 0; i < LEN(cases); i++)
        for (int t = 0; t < 2; t++)
            for (int k = 0; k < 2; k++) {
                const char *sets[] = {cases[i].policy, "frames=3", tlbs[t], scheds[k], "paranoid=true", NULL};
                char what[256];
                snprintf(what, sizeof what, "%s %s %s", cases[i].policy, tlbs[t], scheds[k]);
                int code = simrun_child(what, trace, sets, 60, out);
                CHECK_EQ(code, SIMRUN_OK);
                json_t *doc = code == SIMRUN_OK ? json_load_file(out, 0, NULL) : NULL;
                long misses = doc ? (long)json_integer_value(json_object_get(doc, "misses")) : -1;
                if (misses != cases[i].misses)
                    fprintf(stderr, "%s: %ld misses, expected %ld\n", what, misses, cases[i].misses);
                CHECK_EQ(misses, cases[i].misses);
                json_decref(doc);
                unlink(out);
            }
    unlink(trace);
    rmdir(dir);
}

static void test_lfu_ties(void)
{
    uint32_t v[64];
    size_t nv;
    /* 3 frames, 1 2 3 2 1 3 4 2. After 1 2 3 2 1 3 every count is 2.
     * ties=lru: the last references are 2@4, 1@5, 3@6: 4 evicts 2; then 2 faults, and 4
     *   (count 1) is the least: evicts 4. 5 faults, victims 2 4.
     * ties=fifo: the loads were 1@1, 2@2, 3@3: 4 evicts 1; 2 hits. 4 faults, victim 1. */
    static const uint32_t s[] = {1, 2, 3, 2, 1, 3, 4, 2};
    CHECK_EQ(run("lfu", 3, s, LEN(s), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 2, 4);
    CHECK_EQ(run("lfu:ties=lru", 3, s, LEN(s), 1, v, &nv), 5);
    CHECK_VICTIMS(v, nv, 2, 4);
    CHECK_EQ(run("lfu:ties=fifo", 3, s, LEN(s), 1, v, &nv), 4);
    CHECK_VICTIMS(v, nv, 1);
    /* ties=lru is today's LFU: the same victims on random strings. */
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int k = 0; k < 20; k++) {
        uint32_t str[400], v1[400], v2[400];
        size_t n1, n2;
        for (size_t i = 0; i < LEN(str); i++)
            str[i] = (uint32_t)(check_xorshift(&x) % (8 + (uint64_t)k));
        uint32_t nf = 2 + (uint32_t)k % 5;
        long f1 = run("lfu", nf, str, LEN(str), 1, v1, &n1);
        long f2 = run("lfu:ties=lru", nf, str, LEN(str), 1, v2, &n2);
        CHECK(f1 > 0 && f1 == f2 && same_seq(v1, n1, v2, n2));
    }
}

static void test_gclock(void)
{
    uint32_t v[64];
    size_t nv;
    /* bits=2 (counters 0..3), 3 frames, 1 2 3 1 1 2 4 5 1 6. Loads set the counter to 0
     * (libCacheSim's insert), hits add 1.
     * 1 2 3 load: circle 1 2 3, hand on 1, counters 0 0 0. 1 1 2 hit: counters 2 1 0.
     * 4: 1 (2->1) passed, 2 (1->0) passed, 3 at 0: evicted; 4 goes behind the hand, which is
     *    on 1: circle 1(1) 2(0) 4(0).
     * 5: 1 (1->0) passed, 2 at 0: evicted. Circle 4(0) 1(0) 5(0).
     * 1: hit, counter 1. 6: 4 at 0: evicted. 6 faults, victims 3 2 4.
     * bits=1 (counters 0..1): the second hit of 1 saturates at 1. 4: 1 (1->0), 2 (1->0)
     *    passed, 3 evicted; circle 1(0) 2(0) 4(0). 5: evicts 1; circle 2 4 5. 1: fault,
     *    evicts 2; circle 4 5 1. 6: evicts 4. 7 faults, victims 3 1 2 4. */
    static const uint32_t s[] = {1, 2, 3, 1, 1, 2, 4, 5, 1, 6};
    CHECK_EQ(run("gclock", 3, s, LEN(s), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 3, 2, 4);
    CHECK_EQ(run("gclock:bits=2", 3, s, LEN(s), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 3, 2, 4);
    CHECK_EQ(run("gclock:bits=1", 3, s, LEN(s), 1, v, &nv), 7);
    CHECK_VICTIMS(v, nv, 3, 1, 2, 4);
    /* Saturation at 2^bits - 1: bits=2, 2 frames, 1 1 1 1 1 2 3 4 5 6. Four hits leave 1 at
     * 3, not 4. 2 loads: circle 1(3) 2(0). 3: 1 (3->2), evicts 2; circle 1(2) 3(0).
     * 4: 1 (2->1), evicts 3. 5: 1 (1->0), evicts 4. 6: evicts 1. Victims 2 3 4 1, 6 faults.
     * (A counter of 4 would have kept 1 past 6 as well.) bits=3 keeps the 4: 6 evicts 5. */
    static const uint32_t sat[] = {1, 1, 1, 1, 1, 2, 3, 4, 5, 6};
    CHECK_EQ(run("gclock:bits=2", 2, sat, LEN(sat), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 2, 3, 4, 1);
    CHECK_EQ(run("gclock:bits=3", 2, sat, LEN(sat), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 2, 3, 4, 5);
    /* bits=1 is CLOCK whose loads leave R clear (clock:ref_on_load=0): a hit sets the one
     * bit, the hand clears it and passes, the first clear one goes. Same victims on random
     * strings. */
    uint64_t x = 0x243f6a8885a308d3ull;
    for (int k = 0; k < 20; k++) {
        uint32_t str[400], v1[400], v2[400];
        size_t n1, n2;
        for (size_t i = 0; i < LEN(str); i++)
            str[i] = (uint32_t)(check_xorshift(&x) % (6 + (uint64_t)k));
        uint32_t nf = 2 + (uint32_t)k % 5;
        long f1 = run("gclock:bits=1", nf, str, LEN(str), 1, v1, &n1);
        long f2 = run("clock:ref_on_load=0", nf, str, LEN(str), 1, v2, &n2);
        CHECK(f1 > 0 && f1 == f2 && same_seq(v1, n1, v2, n2));
    }
}

/* eclock's M bit: pages in this set are dirty while resident (the driver's is_dirty is
 * always 0; the test replaces it in the env the policy reads). */
static uint8_t dirty_page[NPAGES_MAX];

static int dirty_is_dirty(void *eng, pfn_t pfn)
{
    drv_t *d = eng;
    return d->page_of[pfn] != UINT32_MAX && dirty_page[d->page_of[pfn]];
}

static long run_dirty(const char *spec, uint32_t nframes, const uint32_t *s, size_t n,
                      uint32_t *victims, size_t *nvictims)
{
    drv_t d;
    sim_err_t err = {0};
    CHECK_EQ(drv_init(&d, spec, nframes, 1, &err), 0);
    d.env.is_dirty = dirty_is_dirty;
    d.check_each = 1;
    for (size_t i = 0; i < n; i++)
        drv_ref(&d, s[i], i, VTIME_NEVER);
    long f = d.bad_check || d.bad_victim || d.bad_ref ? -1 : d.faults;
    memcpy(victims, d.victims, d.nvictims * sizeof *victims);
    *nvictims = d.nvictims;
    drv_free(&d);
    return f;
}

static void test_eclock(void)
{
    uint32_t v[64];
    size_t nv;
    /* Page 1 dirty, the others clean; 3 frames, 1 2 3 4 5 2. Loads set R.
     * 4: pass 1 ((0,0), no change) finds every R set; pass 2 ((0,1), clearing R) clears
     *    1 2 3 and finds none (R was set); pass 3 ((0,0)): 1 is (0,1), 2 is (0,0): victim 2.
     *    The hand goes to 3; circle 3(0,0) 1(0,1) 4(1,0).
     * 5: pass 1: 3 is (0,0): victim 3. Circle 1(0,1) 4(1,0) 5(1,0).
     * 2: pass 1 finds no (0,0) (1 dirty, 4 and 5 referenced); pass 2: 1 is (0,1): victim 1.
     * 6 faults, victims 2 3 1. CLOCK, blind to M, evicts 1 2 3. */
    static const uint32_t s[] = {1, 2, 3, 4, 5, 2};
    memset(dirty_page, 0, sizeof dirty_page);
    dirty_page[1] = 1;
    CHECK_EQ(run_dirty("eclock", 3, s, LEN(s), v, &nv), 6);
    CHECK_VICTIMS(v, nv, 2, 3, 1);
    CHECK_EQ(run_dirty("clock", 3, s, LEN(s), v, &nv), 6);
    CHECK_VICTIMS(v, nv, 1, 2, 3);
    /* Every page dirty: the classes reduce to R, but pass 1 never finds a victim. 1 2 3 4:
     * passes 1 and 2 (clearing) fail, pass 3 finds no (0,0), pass 4 takes 1: victim 1. */
    memset(dirty_page, 1, sizeof dirty_page);
    static const uint32_t s4[] = {1, 2, 3, 4};
    CHECK_EQ(run_dirty("eclock", 3, s4, LEN(s4), v, &nv), 4);
    CHECK_VICTIMS(v, nv, 1);
    /* All clean (the driver's own is_dirty): Stallings's pass 1 changes no bit, unlike
     * CLOCK's hand. 3 frames, 1 2 3 4 2 5 6.
     * 4: all R set: pass 1 fails, pass 2 clears all, pass 3 takes 1. Circle 2(0) 3(0) 4(1),
     *    hand on 2. 2: hit, R(2)=1.
     * 5: pass 1 passes 2 (R stays set) and takes 3. Circle 4(1) 2(1) 5(1).
     * 6: all set: passes 1 and 2 fail (clearing), pass 3 takes 4. Victims 1 3 4.
     * CLOCK: 5 clears R(2) as it passes and takes 3; at 6 the hand clears 4 and takes 2:
     * victims 1 3 2. */
    static const uint32_t s7[] = {1, 2, 3, 4, 2, 5, 6};
    CHECK_EQ(run("eclock", 3, s7, LEN(s7), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 1, 3, 4);
    CHECK_EQ(run("clock", 3, s7, LEN(s7), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 1, 3, 2);
}

/* The literal enhanced second chance, as eclock.c was before it became O(1) amortised (issue
 * 14): the clock is an array of pages in cyclic order with a hand index, R a bit per page set
 * by every reference and cleared only by the passes, M dirty_page[]; Stallings's four passes
 * walk the whole clock, O(n) a fault. Local requests consider only the faulting process's
 * pages (the others are passed unread). */
typedef struct ec_model {
    uint32_t ring[NPAGES_MAX];
    uint32_t n, hand;
    uint8_t r[NPAGES_MAX], in[NPAGES_MAX];
} ec_model_t;

static void ecm_remove_at(ec_model_t *m, uint32_t i)
{
    m->in[m->ring[i]] = 0;
    memmove(&m->ring[i], &m->ring[i + 1], (m->n - i - 1) * sizeof m->ring[0]);
    m->n--;
    if (i < m->hand)
        m->hand--;
    if (m->hand == m->n)
        m->hand = 0;
}

static uint32_t ecm_victim(ec_model_t *m, const drv_t *d, int local, spid_t pid)
{
    for (int pass = 0; pass < 4; pass++) {
        int want_dirty = pass & 1;
        for (uint32_t i = 0; i < m->n; i++) {
            uint32_t p = m->ring[m->hand];
            if (!local || drv_pid(d, p) == pid) {
                if (!m->r[p] && dirty_page[p] == want_dirty)
                    return m->hand;
                if (want_dirty)
                    m->r[p] = 0;
            }
            m->hand = (m->hand + 1) % m->n;
        }
    }
    return UINT32_MAX;
}

/* One random run: nframes, pages below npages (half the references to an eighth of them),
 * writes with probability wpct %, an unmap with probability 1 in 64, local replacement among
 * npids processes if local. Returns the number of victims compared (-1 at the first
 * difference, with a message). */
static long ecm_run(uint64_t seed, uint32_t nframes, uint32_t npages, unsigned wpct, int local,
                    uint32_t npids, size_t nrefs)
{
    static ec_model_t m;
    drv_t d;
    sim_err_t err = {0};
    memset(&m, 0, sizeof m);
    memset(dirty_page, 0, sizeof dirty_page);
    CHECK_EQ(drv_init(&d, "eclock", nframes, 1, &err), 0);
    d.env.is_dirty = dirty_is_dirty;
    d.check_each = 1;
    d.local = local;
    d.npids = npids;
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    long compared = 0;
    for (size_t t = 0; t < nrefs && compared >= 0; t++) {
        uint64_t u = check_xorshift(&x);
        uint32_t page = (uint32_t)((u >> 8) % (u & 1 ? npages : npages / 8 + 1));
        int write = (u >> 40) % 100 < wpct;
        if ((u >> 48) % 64 == 0) {       /* munmap or exit of a page, resident or not */
            for (uint32_t i = 0; i < m.n; i++)
                if (m.ring[i] == page)
                    ecm_remove_at(&m, i);
            drv_unmap(&d, page);
            dirty_page[page] = 0;
            continue;
        }
        uint32_t want = UINT32_MAX;
        if (m.in[page]) {
            m.r[page] = 1;
        } else {
            if (m.n == nframes) {
                spid_t pid = drv_pid(&d, page);
                int loc = 0;
                for (uint32_t i = 0; local && i < m.n; i++)
                    loc |= drv_pid(&d, m.ring[i]) == pid;
                uint32_t vi = ecm_victim(&m, &d, loc, pid);
                CHECK(vi != UINT32_MAX);
                want = m.ring[vi];
                ecm_remove_at(&m, vi);
            }
            /* just behind the hand: the last page reached from it */
            memmove(&m.ring[m.hand + 1], &m.ring[m.hand], (m.n - m.hand) * sizeof m.ring[0]);
            m.ring[m.hand] = page;
            m.n++;
            m.hand = m.n == 1 ? 0 : m.hand + 1;
            m.in[page] = 1;
            m.r[page] = 1;
        }
        size_t nv = d.nvictims;
        drv_ref(&d, page, t, VTIME_NEVER);
        if (want != UINT32_MAX) {
            uint32_t got = d.nvictims == nv + 1 ? d.victims[nv] : UINT32_MAX;
            if (got != want) {
                fprintf(stderr, "eclock seed %" PRIu64 " frames %u: reference %zu: victim %u, the literal passes give %u\n",
                        seed, nframes, t, got, want);
                compared = -1;
            } else {
                compared++;
            }
            dirty_page[want] = 0;        /* written back */
        } else if (d.nvictims != nv) {
            fprintf(stderr, "eclock seed %" PRIu64 ": reference %zu: an eviction the model does not make\n", seed, t);
            compared = -1;
        }
        if (write)
            dirty_page[page] = 1;
    }
    if (d.bad_check || d.bad_victim || d.bad_ref || d.bad_local) {
        fprintf(stderr, "eclock seed %" PRIu64 ": check %d victim %d ref %d local %d\n", seed,
                d.bad_check, d.bad_victim, d.bad_ref, d.bad_local);
        compared = -1;
    }
    drv_free(&d);
    return compared;
}

/* eclock against the literal model: 240 random runs (global and local, few to most pages
 * written, small to large memories, with unmaps), every victim the same. */
static void test_eclock_model(void)
{
    static const unsigned wpcts[] = {0, 10, 30, 70, 100};
    long total = 0;
    for (uint64_t seed = 1; seed <= 240; seed++) {
        uint32_t nframes = 1 + (uint32_t)(seed * 7 % 40);
        uint32_t npages = nframes + 1 + (uint32_t)(seed * 13 % 90);
        int local = seed % 3 == 0;
        long c = ecm_run(seed, nframes, npages, wpcts[seed % 5], local, local ? 1 + (uint32_t)seed % 4 : 0, 3000);
        CHECK(c > 0);
        total += c > 0 ? c : 0;
    }
    CHECK(total > 100000);
}

static void test_wtinylfu(void)
{
    uint32_t v[64];
    size_t nv;
    /* 5 frames: main = floor(0.99 * 5) = 4, window 5 - 4 = 1, protected floor(0.8 * 4) = 3.
     * The sketch counts every reference (no ageing here: 50 increments before the first);
     * f(x) below is its estimate, exact for these few pages. Lists read LRU first.
     * 1 2 3 4 5: each misses (f = 1) and enters the window; the window's LRU page moves to
     *   probation as the next comes: probation [1 2 3 4], window [5].
     * 1: hit in probation (f1 = 2): promoted, protected [1]; probation [2 3 4].
     * 6 (f6 = 1): memory full, the window's 5 is the candidate: it joins probation [2 3 4 5]
     *   and is compared with probation's LRU 2: f5 = 1 > f2 = 1 fails (ties reject): 5 is
     *   evicted. Window [6].
     * 5 (f5 = 2): candidate 6 (f6 = 1) against 2 (1): rejected, 6 evicted. Window [5].
     * 6 (f6 = 2): candidate 5 (2) against 2 (1): admitted, 2 evicted; probation [3 4 5].
     * 2 (f2 = 2): candidate 6 (2) against 3 (1): admitted, 3 evicted; probation [4 5 6].
     * 3 (f3 = 2): candidate 2 (2) against 4 (1): admitted, 4 evicted.
     * 10 faults, victims 5 6 2 3 4. (LRU: 8 faults, victims 2 3 4.) */
    static const uint32_t s[] = {1, 2, 3, 4, 5, 1, 6, 5, 6, 2, 3};
    CHECK_EQ(run("wtinylfu", 5, s, LEN(s), 1, v, &nv), 10);
    CHECK_VICTIMS(v, nv, 5, 6, 2, 3, 4);
    CHECK_EQ(run("lru", 5, s, LEN(s), 1, v, &nv), 8);
    CHECK_VICTIMS(v, nv, 2, 3, 4);
    /* The protected segment's bound, 5 frames, 1 2 3 4 5 1 2 3 4 6 7 1 8.
     * After the loads: probation [1 2 3 4], window [5], every f = 1.
     * 1 2 3 hit: protected [1 2 3] (f = 2 each). 4 hits: protected [1 2 3 4] is over 3, its
     *   LRU 1 is demoted: probation [1], protected [2 3 4].
     * 6 (f6 = 1): candidate 5 (1) joins probation [1 5], against 1 (2): rejected, 5 goes.
     * 7 (f7 = 1): candidate 6 (1) against 1 (2): rejected, 6 goes. Window [7].
     * 1: hit in probation (f1 = 3): protected [2 3 4 1], over 3: 2 demoted, probation [2].
     * 8: candidate 7 (1) against 2 (2): rejected, 7 goes.
     * 8 faults, victims 5 6 7. LRU: 7 evicts 1, which faults again: 9 faults, 5 1 2 3. */
    static const uint32_t sp[] = {1, 2, 3, 4, 5, 1, 2, 3, 4, 6, 7, 1, 8};
    CHECK_EQ(run("wtinylfu", 5, sp, LEN(sp), 1, v, &nv), 8);
    CHECK_VICTIMS(v, nv, 5, 6, 7);
    CHECK_EQ(run("lru", 5, sp, LEN(sp), 1, v, &nv), 9);
    CHECK_VICTIMS(v, nv, 5, 1, 2, 3);
    /* window=0.5 of 4 frames: main floor(0.5 * 4) = 2, window 2, protected floor(1.6) = 1.
     * 1 2 3 4: window [3 4], probation [1 2]. 1 hits: protected [1]; probation [2].
     * 5 (f5 = 1): candidate 3 (1) joins probation [2 3] against 2 (1): rejected, 3 goes;
     * window [4 5]. 3 (f3 = 2): candidate 4 (1) against 2 (1): rejected, 4 goes; window
     * [5 3]. 6 faults, victims 3 4. */
    static const uint32_t sw[] = {1, 2, 3, 4, 1, 5, 3};
    CHECK_EQ(run("wtinylfu:window=0.5", 4, sw, LEN(sw), 1, v, &nv), 6);
    CHECK_VICTIMS(v, nv, 3, 4);
    /* One frame: window 1, main 0: the candidate is alone in probation and goes. */
    static const uint32_t s1[] = {1, 2, 1, 1, 3};
    CHECK_EQ(run("wtinylfu", 1, s1, LEN(s1), 1, v, &nv), 4);
    CHECK_VICTIMS(v, nv, 1, 2, 1);
}

/* The policy's own statistics after a string (lecar's weights and history hits). */
static json_t *stats_after(const char *spec, uint32_t nframes, const uint32_t *s, size_t n,
                           unsigned long seed, uint32_t *victims, size_t *nvictims, long *faults)
{
    drv_t d;
    sim_err_t err = {0};
    CHECK_EQ(drv_init(&d, spec, nframes, seed, &err), 0);
    d.check_each = 1;
    for (size_t i = 0; i < n; i++)
        drv_ref(&d, s[i], i, VTIME_NEVER);
    CHECK_EQ(d.bad_check + d.bad_victim + d.bad_ref, 0);
    json_t *o = json_object();
    d.ops->stats(d.st, o);
    memcpy(victims, d.victims, d.nvictims * sizeof *victims);
    *nvictims = d.nvictims;
    *faults = d.faults;
    drv_free(&d);
    return o;
}

static void test_lecar(void)
{
    uint32_t v[64];
    size_t nv;
    long faults;
    /* 4 frames: each history holds 2; d = 0.005^(1/4) = 0.26591, lambda = 0.45. The driver's
     * rng (GSL mt19937, seed 1) draws 0.4170, 0.9972, 0.7203, ... (gsl_rng_uniform); a draw
     * below w_LRU takes the LRU expert's page. t is the reference's index from 0; f the count.
     * t0-4: 1 1 2 3 4: cache 1 (f 2, last t1), 2, 3, 4 (f 1).
     * t5 5: LRU names 1, LFU 2 (f 1, least recent): they differ, draw 0.4170 < 0.5: LRU,
     *   1 is evicted into H_LRU (f 2, at t5).
     * t6 6: both name 2: evicted, into no history (the authors' policy -1), no draw.
     * t7 1: a miss in H_LRU after t = 2: w_LRU = 0.5 e^(-0.45 d^2) / (0.5 e^(-0.45 d^2)
     *   + 0.5) = 0.49205. Both experts name 3: evicted. 1 comes back with f = 2 + 1 = 3.
     * t8 7, t9 8, t10 9: both experts name 4, then 5, then 6: evicted.
     * t11 10: cache 1 (f 3, t7), 7 (t8), 8, 9: LRU names 1, LFU 7; draw 0.9972 >= w_LRU:
     *   LFU, 7 into H_LFU (f 1, at t11). (Had 1 come back with f = 1, as in libCacheSim,
     *   both would have named 1.)
     * t12 7: a miss in H_LFU after t = 1: w_LFU *= e^(-0.45 d): w_LRU = 0.52195. LRU names
     *   1, LFU 8; draw 0.7203 >= w_LRU: LFU, 8 into H_LFU.
     * 12 faults, victims 1 2 3 4 5 6 7 8; one hit in each history. */
    static const uint32_t s[] = {1, 1, 2, 3, 4, 5, 6, 1, 7, 8, 9, 10, 7};
    json_t *o = stats_after("lecar", 4, s, LEN(s), 1, v, &nv, &faults);
    CHECK_EQ(faults, 12);
    CHECK_VICTIMS(v, nv, 1, 2, 3, 4, 5, 6, 7, 8);
    double d = pow(0.005, 0.25), e1 = exp(-0.45 * d * d), e2 = exp(-0.45 * d);
    double w1 = 0.5 * e1 / (0.5 * e1 + 0.5), w2 = w1 / (w1 + (1 - w1) * e2);
    double w = json_real_value(json_object_get(o, "w_lru"));
    CHECK(fabs(w - w2) < 1e-9 && fabs(w - 0.52195) < 1e-4);
    CHECK_EQ(json_integer_value(json_object_get(o, "lru_history_hits")), 1);
    CHECK_EQ(json_integer_value(json_object_get(o, "lfu_history_hits")), 1);
    CHECK_EQ(json_integer_value(json_object_get(o, "lru_choices")), 1);
    CHECK_EQ(json_integer_value(json_object_get(o, "lfu_choices")), 2);
    json_decref(o);
    /* The weights stay within [0.01, 0.99]: a scan that LRU keeps getting wrong (a loop one
     * page larger than memory, 3 frames, pages 1-4 forty times) drives w_LRU down to 0.01,
     * never below. */
    uint32_t loop[160];
    for (size_t i = 0; i < LEN(loop); i++)
        loop[i] = 1 + (uint32_t)(i % 4);
    uint32_t vl[200];
    o = stats_after("lecar", 3, loop, LEN(loop), 3, vl, &nv, &faults);
    w = json_real_value(json_object_get(o, "w_lru"));
    CHECK(w >= 0.01 - 1e-12 && w <= 0.99 + 1e-12);
    json_decref(o);
    /* Deterministic for a seed. */
    uint32_t v2[200];
    size_t nv2;
    long f2;
    json_decref(stats_after("lecar", 3, loop, LEN(loop), 3, v2, &nv2, &f2));
    CHECK(f2 == faults && same_seq(vl, nv, v2, nv2));
}

/* A spec is refused, with its message naming `word`. */
static void refused(const char *spec, const char *word)
{
    drv_t d;
    sim_err_t err = {0};
    CHECK_EQ(drv_init(&d, spec, 4, 1, &err), -1);
    if (!strstr(err.msg, word))
        fprintf(stderr, "%s: message '%s' does not name '%s'\n", spec, err.msg, word);
    CHECK(strstr(err.msg, word) != NULL);
    drv_free(&d);
}

static void accepted(const char *spec)
{
    drv_t d;
    sim_err_t err = {0};
    int rc = drv_init(&d, spec, 4, 1, &err);
    if (rc)
        fprintf(stderr, "%s: %s\n", spec, err.msg);
    CHECK_EQ(rc, 0);
    drv_free(&d);
}

static void test_params(void)
{
    accepted("clock:reset=0");
    accepted("clock:reset=100");
    accepted("clock:reset=3,ref_on_load=0");
    refused("clock:reset=-1", "reset");
    refused("clock:reset=often", "reset");
    refused("clock:reset=1.5", "reset");
    accepted("lfu:ties=lru");
    accepted("lfu:ties=fifo");
    refused("lfu:ties=lfu", "ties");
    refused("lfu:ties=1", "ties");
    refused("lfu:tie=lru", "tie");
    accepted("gclock");
    accepted("gclock:bits=1");
    accepted("gclock:bits=8");
    refused("gclock:bits=0", "bits");
    refused("gclock:bits=9", "bits");
    refused("gclock:bits=two", "bits");
    refused("gclock:n-bit-counter=2", "n-bit-counter");
    accepted("eclock");
    refused("eclock:bits=1", "bits");
    accepted("wtinylfu");
    accepted("wtinylfu:window=0.01");
    accepted("wtinylfu:window=0.5");
    refused("wtinylfu:window=0", "window");
    refused("wtinylfu:window=1", "window");
    refused("wtinylfu:window=big", "window");
    refused("wtinylfu:probation=0.2", "probation");
    accepted("lecar");
    refused("lecar:lr=0.5", "lr");
}

int main(void)
{
    test_clock_reset();
    test_clock_reset_engine();
    test_lfu_ties();
    test_gclock();
    test_eclock();
    test_eclock_model();
    test_wtinylfu();
    test_lecar();
    test_params();
    return check_report("test_clocks");
}
