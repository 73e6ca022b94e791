/* test_textbook.c - the textbook OS policies of issue 15 (nru, aging, wsclock, ws, pff) and
 * the engine's env->clean, with numbers from the books or derived by hand beside each case.
 *
 *  - aging: Tanenbaum and Bos, Modern Operating Systems 4th ed., figure 3-17 (six pages, five
 *    ticks, the R bits of each tick): the counters it prints give the order of eviction, and
 *    with 4-bit counters two pages tie (the book's point about too few bits);
 *  - nru: the four (R, M) classes of §3.4.2 by hand, the victim drawn uniformly from the
 *    lowest nonempty class (a chi-square-free check: every member drawn, nothing else), the
 *    tick clearing R (by references and by time);
 *  - wsclock: a hand-run of §3.4.9's rules (R set: clear and stamp; old and clean: evict; old
 *    and dirty: schedule the write and go on; a full turn: the oldest clean page);
 *  - ws: Denning's definition (a fault iff the page is not in W(t-1, tau)) against a naive
 *    window model on random strings of several processes, through the policy driver and
 *    through the engine under both schedules (per-process virtual time makes the count
 *    schedule-independent), and a hand-derived string;
 *  - pff: a hand-derived string (grow, shrink, released pages);
 *  - env->clean in the engine: the counters agree (io.swap_out = evictions.dirty +
 *    reclaim.cleaned), a cleaned page is evicted without another write, under paranoid checks;
 *  - period parsing (time or references), parameters refused with messages;
 *  - load control (loadctl.c): it suspends and resumes on an overcommitted mix, a suspended
 *    process makes no reference until resumed (checked at every policy hook), every access
 *    still runs, and the trace schedule refuses it.
 * Registry-wide properties (test_props.c, test_policies.c) cover local quotas, determinism and
 * the invariants for these policies as for every other. */
#include "check.h"
#include "drv.h"
#include "simrun.h"
#include "sim/proc.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define RUN_TIMEOUT_S 20

static char tmpdir[256];
static int ncase;

/* ------------------------------------------------------------------ engine helpers */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* Runs the trace file with "key=value" settings in a child (simrun.h); the results, or NULL. */
static json_t *run_path(const char *what, const char *path, const char *const *sets)
{
    char out[512];
    snprintf(out, sizeof out, "%s/result_%d.json", tmpdir, ++ncase);
    int code = simrun_child(what, path, sets, RUN_TIMEOUT_S, out);
    if (code != SIMRUN_OK) {
        fprintf(stderr, "%s: the run failed (%d)\n", what, code);
        check_failed++;
        unlink(out);
        return NULL;
    }
    json_error_t je;
    json_t *doc = json_load_file(out, 0, &je);
    unlink(out);
    CHECK(doc != NULL);
    return doc;
}

/* The same for a text trace (written to a file of its own, removed after). */
static json_t *run_text(const char *what, const char *text, const char *const *sets)
{
    char path[512];
    snprintf(path, sizeof path, "%s/trace_%d.txt", tmpdir, ncase + 1);
    write_file(path, text);
    json_t *doc = run_path(what, path, sets);
    unlink(path);
    return doc;
}

static long long ji(const json_t *doc, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *v = doc;
    for (char *part = strtok(buf, "."); part && v; part = strtok(NULL, "."))
        v = json_object_get(v, part);
    if (!json_is_integer(v)) {
        fprintf(stderr, "results key '%s' is missing or not an integer\n", path);
        return -987654321;
    }
    return json_integer_value(v);
}

/* ------------------------------------------------------------------ driver helpers */

static drv_t *drv_new(const char *spec, uint32_t nframes, unsigned long seed)
{
    static drv_t d;
    sim_err_t err = {0};
    if (drv_init(&d, spec, nframes, seed, &err)) {
        fprintf(stderr, "%s: %s\n", spec, err.msg);
        exit(1);
    }
    d.check_each = 1;
    return &d;
}

static void clear_all_r(drv_t *d)
{
    memset(d->refbit, 0, d->nframes);
}

/* The page evicted by the next fault (on page p, at time t). */
static uint32_t fault_victim(drv_t *d, uint32_t p, vtime_t t)
{
    size_t before = d->nvictims;
    CHECK_EQ(drv_ref(d, p, t, VTIME_NEVER), 1);
    CHECK_EQ(d->nvictims, before + 1);
    return d->nvictims > before ? d->victims[before] : UINT32_MAX;
}

/* Dirty pages for the driver (its own is_dirty says never): by page. */
static uint8_t dirty_page[NPAGES_MAX];
static long n_cleaned;

static int test_is_dirty(void *eng, pfn_t pfn)
{
    drv_t *d = eng;
    return dirty_page[d->page_of[pfn]];
}

static int test_clean(void *eng, pfn_t pfn)
{
    drv_t *d = eng;
    uint32_t p = d->page_of[pfn];
    if (!dirty_page[p])
        return 0;
    dirty_page[p] = 0;
    n_cleaned++;
    return 1;
}

/* ------------------------------------------------------------------ aging */

/* Tanenbaum 4th ed., figure 3-17: R bits of pages 0-5 at clock ticks 0..4. */
static const char *const fig_3_17[5] = {"101011", "110010", "110101", "100010", "011000"};

static drv_t *aging_fig(const char *spec)
{
    drv_t *d = drv_new(spec, 6, 1);
    vtime_t t = 0;
    for (uint32_t p = 0; p < 6; p++)
        drv_ref(d, p, t++, VTIME_NEVER);
    clear_all_r(d);                         /* the figure starts from counters 0, R 0 */
    for (int tick = 0; tick < 5; tick++) {
        for (uint32_t p = 0; p < 6; p++)
            if (fig_3_17[tick][p] == '1')
                drv_ref(d, p, t++, VTIME_NEVER);
        CHECK_EQ(d->ops->on_timer(d->st, (sim_time_t)tick), 20 * PS_PER_MS);
    }
    return d;
}

static void test_aging(void)
{
    /* After tick 4 the figure's counters are: page 0 01111000 (120), 1 10110000 (176),
     * 2 10001000 (136), 3 00100000 (32), 4 01011000 (88), 5 00101000 (40). Faults on new
     * pages evict the smallest first: 3, 5, 4, 0, 2, 1 (each new page, referenced since the
     * last tick, ranks above every old one). */
    drv_t *d = aging_fig("aging:period=20ms");
    static const uint32_t order8[] = {3, 5, 4, 0, 2, 1};
    for (size_t i = 0; i < LEN(order8); i++)
        CHECK_EQ(fault_victim(d, 6 + (uint32_t)i, 100 + i), order8[i]);
    CHECK_EQ(d->bad_check + d->bad_victim + d->bad_ref, 0);
    drv_free(d);
    /* With 4-bit counters: 0111, 1011, 1000, 0010, 0101, 0010: pages 3 and 5 tie (the book:
     * "with a finite number of bits ... we cannot tell them apart"); the one loaded first
     * (3) goes first: 3, 5, 4, 0, 2, 1 still, but now by the tie rule. With 2 bits: 01, 10,
     * 10, 00, 01, 00: 3 and 5 tie, then 0 and 4 (0 loaded first), then 1 and 2. */
    d = aging_fig("aging:bits=4,period=20ms");
    for (size_t i = 0; i < LEN(order8); i++)
        CHECK_EQ(fault_victim(d, 6 + (uint32_t)i, 100 + i), order8[i]);
    drv_free(d);
    d = aging_fig("aging:bits=2,period=20ms");
    static const uint32_t order2[] = {3, 5, 0, 4, 1, 2};
    for (size_t i = 0; i < LEN(order2); i++)
        CHECK_EQ(fault_victim(d, 6 + (uint32_t)i, 100 + i), order2[i]);
    drv_free(d);

    /* A reference-counted period: period=3 ticks after every 3rd reference. 3 frames:
     * refs 0 1 2 (tick: counters 100 100 100 after R shifted in), 0 0 (no tick yet, at 5
     * refs), 3 faults at ref 6: page 0 has R set (key 1|100), 1 and 2 have (0|100): the tie
     * goes to 1, loaded first. */
    d = drv_new("aging:bits=3,period=3", 3, 1);
    static const uint32_t s[] = {0, 1, 2, 0, 0};
    for (size_t i = 0; i < LEN(s); i++)
        drv_ref(d, s[i], i, VTIME_NEVER);
    CHECK_EQ(fault_victim(d, 3, 5), 1);
    drv_free(d);
    CHECK_EQ(run("aging:period=1000refs", 3, s, LEN(s), 1, NULL, NULL), 3);
}

/* ------------------------------------------------------------------ nru */

static void test_nru(void)
{
    /* 4 frames, pages 0..3; period=20ms (ticks only when the test calls on_timer). After
     * loading, a tick clears every R; then 1 and 3 are referenced and 2 is dirty:
     * classes 0: {0}, 1: {2}, 2: {1}, 3: {3} (3 made dirty too). The victim is 0; then, at the
     * next fault (page 4 in, R set), 2 (class 1); then 1 (class 2, R=1 clean) before 3 (R=1,
     * dirty) and before 4 (class 2 too: R=1 clean; the draw between 1 and 4 is random). */
    drv_t *d = drv_new("nru:period=20ms", 4, 7);
    d->env.is_dirty = test_is_dirty;
    memset(dirty_page, 0, sizeof dirty_page);
    vtime_t t = 0;
    for (uint32_t p = 0; p < 4; p++)
        drv_ref(d, p, t++, VTIME_NEVER);
    CHECK_EQ(d->ops->on_timer(d->st, 1), 20 * PS_PER_MS);
    drv_ref(d, 1, t++, VTIME_NEVER);
    drv_ref(d, 3, t++, VTIME_NEVER);
    dirty_page[2] = dirty_page[3] = 1;
    CHECK_EQ(fault_victim(d, 4, t++), 0);
    CHECK_EQ(fault_victim(d, 5, t++), 2);
    uint32_t v = fault_victim(d, 6, t++);
    CHECK(v == 1 || v == 4 || v == 5);      /* class 2: R set, clean (5 and 4 just loaded) */
    CHECK(v != 3);
    drv_free(d);

    /* Uniform over the lowest class: 8 frames, after a tick pages 0..3 referenced again,
     * 4..7 not (class 0). Over 400 seeds each of 4..7 is drawn (about 100 times each), never
     * 0..3. */
    long count[8] = {0};
    for (unsigned long seed = 1; seed <= 400; seed++) {
        d = drv_new("nru:period=20ms", 8, seed);
        t = 0;
        for (uint32_t p = 0; p < 8; p++)
            drv_ref(d, p, t++, VTIME_NEVER);
        d->ops->on_timer(d->st, 1);
        for (uint32_t p = 0; p < 4; p++)
            drv_ref(d, p, t++, VTIME_NEVER);
        uint32_t w = fault_victim(d, 8, t++);
        if (w < 8)
            count[w]++;
        drv_free(d);
    }
    for (int p = 0; p < 4; p++)
        CHECK_EQ(count[p], 0);
    for (int p = 4; p < 8; p++)
        CHECK(count[p] > 60 && count[p] < 140);

    /* The tick by references: period=4. Load 0 1 2 (3 refs), ref 0 (4th: tick after it
     * clears all R), ref 1 (R1), fault on 3: class 0 is {0, 2}: the victim is 0 or 2, never
     * 1 (class 2); the same with the bare integer period=4. */
    int seen0 = 0, seen2 = 0, seen1 = 0;
    for (unsigned long seed = 1; seed <= 40; seed++) {
        d = drv_new("nru:period=4refs", 3, seed);
        static const uint32_t s[] = {0, 1, 2, 0, 1};
        for (size_t i = 0; i < LEN(s); i++)
            drv_ref(d, s[i], i, VTIME_NEVER);
        uint32_t w = fault_victim(d, 3, 5);
        seen0 += w == 0;
        seen2 += w == 2;
        seen1 += w == 1;
        drv_free(d);
        d = drv_new("nru:period=4", 3, seed);    /* a bare integer is references too */
        for (size_t i = 0; i < LEN(s); i++)
            drv_ref(d, s[i], i, VTIME_NEVER);
        CHECK(fault_victim(d, 3, 5) != 1);
        drv_free(d);
    }
    CHECK(seen0 > 0 && seen2 > 0);
    CHECK_EQ(seen1, 0);
    /* Same seed, same victims: determinism through the run's rng. */
    uint32_t va[64], vb[64];
    size_t na, nb;
    static const uint32_t str[] = {0, 1, 2, 3, 0, 4, 1, 5, 2, 6, 0, 3, 7, 1, 4, 2, 5, 0, 6, 3};
    CHECK(run("nru:period=5", 4, str, LEN(str), 9, va, &na) >= 0);
    CHECK(run("nru:period=5", 4, str, LEN(str), 9, vb, &nb) >= 0);
    CHECK(same_seq(va, na, vb, nb));
}

/* ------------------------------------------------------------------ wsclock */

static void test_wsclock(void)
{
    /* 4 frames, tau=3, one process (virtual time = its references, 1-based here: drv counts
     * before the hooks as the engine does). Load 0 1 2 3 at vtimes 1..4 (last use 1..4), clear
     * every R. Then:
     *   vt5 ref 1 (hit, R1), vt6 ref 3 (hit, R3),
     *   vt7 fault 4: hand at 0: R 0, age 7-1 = 6 > 3, clean: victim 0. Circle 1 2 3 [4], hand 1.
     *   vt8 fault 5: 1: R set: clear, last 8; 2: R 0, age 8-3 = 5: victim 2. Circle 3 4 1 [5].
     *   vt9 ref 1 (R1). vt10 fault 6: 3 (R, last 10), 4 (R from its load, last 10), 1 (R,
     *     last 10), 5 (R, last 10): a full turn, no write: the oldest clean page of the sweep,
     *     all last 10, the first met: 3. Circle 4 1 5 [6], hand 4.
     *   vt11-14 ref 6 four times. Page 4 is dirty.
     *   vt15 fault 7: 4: R 0, age 15-10 = 5 > 3, dirty: write scheduled (clean), advance;
     *     1: R 0, age 5, clean: victim 1. Circle 5 6 4 [7], hand 5.
     *   vt16 fault 8: 5: R 0, age 6: victim 5. Circle 6 4 7 [8].
     *   vt17 fault 9: 6: R set: clear, last 17; 4: R 0, age 7, clean now (its write done):
     *     victim 4.
     * Victims 0 2 3 1 5 4, one write scheduled. */
    drv_t *d = drv_new("wsclock:tau=3", 4, 1);
    d->env.is_dirty = test_is_dirty;
    d->env.clean = test_clean;
    memset(dirty_page, 0, sizeof dirty_page);
    n_cleaned = 0;
    vtime_t t = 0;
    for (uint32_t p = 0; p < 4; p++)
        drv_ref(d, p, t++, VTIME_NEVER);
    clear_all_r(d);
    drv_ref(d, 1, t++, VTIME_NEVER);
    drv_ref(d, 3, t++, VTIME_NEVER);
    CHECK_EQ(fault_victim(d, 4, t++), 0);
    CHECK_EQ(fault_victim(d, 5, t++), 2);
    drv_ref(d, 1, t++, VTIME_NEVER);
    CHECK_EQ(fault_victim(d, 6, t++), 3);
    for (int i = 0; i < 4; i++)
        drv_ref(d, 6, t++, VTIME_NEVER);
    dirty_page[4] = 1;
    CHECK_EQ(fault_victim(d, 7, t++), 1);
    CHECK_EQ(n_cleaned, 1);
    CHECK_EQ(dirty_page[4], 0);
    CHECK_EQ(fault_victim(d, 8, t++), 5);
    CHECK_EQ(fault_victim(d, 9, t++), 4);
    CHECK_EQ(d->bad_check + d->bad_victim + d->bad_ref, 0);
    drv_free(d);

    /* Every page old and dirty: the first turn schedules all four writes, the second evicts
     * the first of them (clean now): page 0, then (vt+1) 1. */
    d = drv_new("wsclock:tau=2", 4, 1);
    d->env.is_dirty = test_is_dirty;
    d->env.clean = test_clean;
    n_cleaned = 0;
    t = 0;
    for (uint32_t p = 0; p < 4; p++) {
        drv_ref(d, p, t++, VTIME_NEVER);
        dirty_page[p] = 1;
    }
    clear_all_r(d);
    for (int i = 0; i < 6; i++)                 /* the process runs elsewhere: pages age */
        d->pvt[1]++;
    CHECK_EQ(fault_victim(d, 10, t++), 0);
    CHECK_EQ(n_cleaned, 4);
    CHECK_EQ(fault_victim(d, 11, t++), 1);
    CHECK_EQ(n_cleaned, 4);
    drv_free(d);

    /* All in the working set and all dirty: no clean page, no write (none is old): the page
     * under the hand (0) is the victim. */
    d = drv_new("wsclock:tau=100", 4, 1);
    d->env.is_dirty = test_is_dirty;
    d->env.clean = test_clean;
    n_cleaned = 0;
    t = 0;
    for (uint32_t p = 0; p < 4; p++) {
        drv_ref(d, p, t++, VTIME_NEVER);
        dirty_page[p] = 1;
    }
    CHECK_EQ(fault_victim(d, 12, t++), 0);
    CHECK_EQ(n_cleaned, 0);
    drv_free(d);
    memset(dirty_page, 0, sizeof dirty_page);
}

/* ------------------------------------------------------------------ ws */

/* Denning's count for string s (pages, pids page % npids + 1 as drv does) with window tau:
 * a reference at its process's time t faults iff the page's previous reference by that
 * process was before t - tau (or never). Also the final resident set: the pages each process
 * referenced in its last tau references. */
static long naive_ws(const uint32_t *s, size_t n, uint32_t npids, vtime_t tau, uint8_t *resident_end)
{
    static vtime_t last[NPAGES_MAX];
    vtime_t vt[256] = {0};
    memset(last, 0, sizeof last);
    long faults = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t pid = npids ? s[i] % npids + 1 : 1;
        vtime_t t = ++vt[pid];
        if (!last[s[i]] || last[s[i]] + tau < t)
            faults++;
        last[s[i]] = t;
    }
    for (uint32_t p = 0; p < NPAGES_MAX && resident_end; p++) {
        uint32_t pid = npids ? p % npids + 1 : 1;
        resident_end[p] = last[p] && last[p] + tau > vt[pid];
    }
    return faults;
}

static void test_ws_driver(void)
{
    /* By hand, tau=3: 1 2 3 1 4 2 1 3 3 4 faults at t = 1 2 3 5 6 8 10 (t4: 1's last use 1,
     * 4-1 = 3 <= 3, in W(3,3); t6: 2's last 2, 6-2 = 4 > 3; t7: 1 at 4, 3; t8: 3 at 3, 5;
     * t9: 3 at 8; t10: 4 at 5, 5): 7 faults; W(10, 3) = {3, 4}. */
    static const uint32_t hand[] = {1, 2, 3, 1, 4, 2, 1, 3, 3, 4};
    drv_t *d = drv_new("ws:tau=3", 16, 1);
    for (size_t i = 0; i < LEN(hand); i++)
        drv_ref(d, hand[i], i, VTIME_NEVER);
    CHECK_EQ(d->faults, 7);
    CHECK_EQ(d->nresident, 2);
    CHECK(d->frame_of[3] != PFN_NONE && d->frame_of[4] != PFN_NONE);
    CHECK_EQ(d->nvictims, 0);                    /* memory never full: releases only */
    CHECK_EQ(d->released, 5);                    /* 2 at t5, 3 at t6, 4 at t8, 2 after t9, 1 at t10 */
    CHECK_EQ(d->bad_check + d->bad_victim + d->bad_ref, 0);
    drv_free(d);

    /* Random strings, 1-3 processes, tau 1..40, memory larger than every page: the faults and
     * the final resident set are exactly Denning's, and after every reference the resident
     * set is the union of the windows (checked at the end, and the count after each). */
    uint64_t x = 12345;
    enum { N = 3000 };
    static uint32_t s[N];
    int trials = 0, bad = 0;
    for (int trial = 0; trial < 60; trial++) {
        uint32_t npages = 4 + (uint32_t)(check_xorshift(&x) % 60);
        uint32_t npids = (uint32_t)(check_xorshift(&x) % 4);     /* 0: all pid 1 */
        vtime_t tau = 1 + check_xorshift(&x) % 40;
        uint32_t hot = 1 + (uint32_t)(check_xorshift(&x) % npages);
        for (size_t i = 0; i < N; i++)
            s[i] = (uint32_t)(check_xorshift(&x) % 4 ? check_xorshift(&x) % hot : check_xorshift(&x) % npages);
        char spec[64];
        snprintf(spec, sizeof spec, "ws:tau=%llu", (unsigned long long)tau);
        d = drv_new(spec, 64, 1);
        d->npids = npids;
        for (size_t i = 0; i < N; i++)
            drv_ref(d, s[i], i, VTIME_NEVER);
        uint8_t want[NPAGES_MAX];
        long f = naive_ws(s, N, npids, tau, want);
        int same = d->faults == f && d->nvictims == 0 && !d->bad_check;
        for (uint32_t p = 0; p < npages; p++)
            same = same && want[p] == (d->frame_of[p] != PFN_NONE);
        if (!same) {
            fprintf(stderr, "ws trial %d (tau %llu, %u pids, %u pages): %ld faults, Denning %ld\n", trial,
                    (unsigned long long)tau, npids, npages, d->faults, f);
            bad++;
        }
        trials++;
        drv_free(d);
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(trials, 60);
    /* The naive model is not the policy by accident: a window one longer gives other counts. */
    for (size_t i = 0; i < N; i++)
        s[i] = (uint32_t)(check_xorshift(&x) % 20);
    CHECK(naive_ws(s, N, 0, 5, NULL) != naive_ws(s, N, 0, 6, NULL));
    CHECK_EQ(run("ws:tau=5", 64, s, N, 1, NULL, NULL), naive_ws(s, N, 0, 5, NULL));
    CHECK(run("ws:tau=6", 64, s, N, 1, NULL, NULL) != naive_ws(s, N, 0, 5, NULL));
}

/* A text trace of string s: page p of process pid (p % npids + 1) at 0x10000 + p * 4096, with
 * writes at every 5th reference. */
static char *ws_trace(const uint32_t *s, size_t n, uint32_t npids, int forks)
{
    size_t cap = n * 32 + 256, at = 0;
    char *text = malloc(cap);
    assert(text);
    text[0] = '\0';
    for (uint32_t q = 2; forks && q <= npids; q++)
        at += (size_t)snprintf(text + at, cap - at, "fork 1 %u\n", q);
    for (size_t i = 0; i < n; i++) {
        uint32_t pid = npids ? s[i] % npids + 1 : 1;
        at += (size_t)snprintf(text + at, cap - at, "%c 0x%x %u\n", i % 5 == 4 ? 'W' : 'R',
                               0x10000000u + s[i] * 4096u, pid);
    }
    return text;
}

static void test_ws_engine(void)
{
    /* The engine, both schedules: per-process virtual time makes Denning's count independent
     * of the interleaving, so rr (processes interleaved by the scheduler, faults blocking)
     * must give the same total as the file order. Enough frames for every page. */
    uint64_t x = 777;
    enum { N = 2000 };
    static uint32_t s[N];
    for (int trial = 0; trial < 6; trial++) {
        uint32_t npages = 8 + (uint32_t)(check_xorshift(&x) % 40);
        uint32_t npids = trial < 2 ? 0 : 2 + (uint32_t)(check_xorshift(&x) % 2);
        vtime_t tau = 2 + check_xorshift(&x) % 30;
        for (size_t i = 0; i < N; i++)
            s[i] = (uint32_t)(check_xorshift(&x) % 3 ? check_xorshift(&x) % (npages / 3 + 1)
                                                     : check_xorshift(&x) % npages);
        long want = naive_ws(s, N, npids, tau, NULL);
        char *text = ws_trace(s, N, npids, 1);
        char pol[64], what[128];
        snprintf(pol, sizeof pol, "policy=ws:tau=%llu", (unsigned long long)tau);
        for (int rr = 0; rr < 2; rr++) {
            if (rr && npids < 2)
                continue;
            const char *sets[] = {pol, "frames=256", rr ? "schedule=rr" : "schedule=trace",
                                  "paranoid=true", NULL};
            snprintf(what, sizeof what, "ws engine trial %d %s", trial, rr ? "rr" : "trace");
            json_t *doc = run_text(what, text, sets);
            long long got = ji(doc, "faults.total");
            /* A forked child's pages start shared with the parent (none here: the parent
             * touches nothing before the forks), so each page is one process's. */
            if (got != want)
                fprintf(stderr, "%s: %lld faults, Denning %ld (tau %llu, %u pids)\n", what, got, want,
                        (unsigned long long)tau, npids);
            CHECK_EQ(got, want);
            CHECK_EQ(ji(doc, "policy.stats.fallback"), 0);
            CHECK(ji(doc, "policy.stats.released") > 0);
            json_decref(doc);
        }
        free(text);
    }
}

/* ------------------------------------------------------------------ pff */

static void test_pff(void)
{
    /* threshold=2, 10 frames, one process; vt counts references from 1. A page's R bit is
     * set by the reference that loads it (after that fault's clearing).
     *   vt1 1 F (first: grow), vt2 2 F (interval 1 <= 2: grow; R of 1 cleared), vt3 3 F (grow;
     *   R of 1, 2 cleared); vt4-7 1 hits (R1); vt8 4 F: interval 5 > 2: shrink: 2 has R 0 and
     *   goes, 1 (hit) and 3 (loaded at the last fault) stay, R cleared: {1, 3, 4}; vt9 2 F:
     *   interval 1: grow (R of 1, 3, 4 cleared): {1, 3, 4, 2}; vt10-12 1 hits; vt13 5 F:
     *   interval 4 > 2: shrink: 3 and 4 (R 0) go, 1 (hit) and 2 (loaded at vt9) stay:
     *   {1, 2, 5}. Faults 6, released 3 (2, 3, 4), shrinks 2, grows 4. */
    static const uint32_t s[] = {1, 2, 3, 1, 1, 1, 1, 4, 2, 1, 1, 1, 5};
    drv_t *d = drv_new("pff:threshold=2", 10, 1);
    for (size_t i = 0; i < LEN(s); i++)
        drv_ref(d, s[i], i, VTIME_NEVER);
    CHECK_EQ(d->faults, 6);
    CHECK_EQ(d->released, 3);
    CHECK_EQ(d->nresident, 3);
    CHECK(d->frame_of[1] != PFN_NONE && d->frame_of[2] != PFN_NONE && d->frame_of[5] != PFN_NONE);
    json_t *st = json_object();
    d->ops->stats(d->st, st);
    CHECK_EQ(json_integer_value(json_object_get(st, "shrink")), 2);
    CHECK_EQ(json_integer_value(json_object_get(st, "grow")), 4);
    CHECK_EQ(json_integer_value(json_object_get(st, "fallback")), 0);
    json_decref(st);
    CHECK_EQ(d->bad_check + d->bad_victim + d->bad_ref, 0);
    drv_free(d);
    /* A huge threshold never shrinks: PFF is then demand paging with FIFO when full. */
    CHECK_EQ(run("pff:threshold=1000000", 3, s, LEN(s), 1, NULL, NULL), run("fifo", 3, s, LEN(s), 1, NULL, NULL));
    /* threshold=0 shrinks at every fault: only the pages used since the last fault stay.
     * 1 2 3 1 4: vt2 {1, 2}; vt3: 1 (R 0) goes, {2, 3}; vt4: 2 goes, {3, 1}; vt5: 3 goes,
     * {1, 4}. Faults 5, released 3. */
    static const uint32_t s2[] = {1, 2, 3, 1, 4};
    d = drv_new("pff:threshold=0", 10, 1);
    for (size_t i = 0; i < LEN(s2); i++)
        drv_ref(d, s2[i], i, VTIME_NEVER);
    CHECK_EQ(d->faults, 5);
    CHECK_EQ(d->released, 3);
    CHECK_EQ(d->nresident, 2);
    CHECK(d->frame_of[1] != PFN_NONE && d->frame_of[4] != PFN_NONE);
    drv_free(d);
}

/* ------------------------------------------------------------------ parameters */

static void test_params(void)
{
    static const char *const good[] = {"nru:period=20ms", "nru:period=1000refs", "nru:period=7",
                                       "nru:period=1.5us", "aging:bits=1", "aging:bits=64,period=3refs",
                                       "wsclock:tau=1", "ws:tau=1", "pff:threshold=0", NULL};
    static const char *const bad[][2] = {
        {"nru:period=0", "period"}, {"nru:period=20", "_"}, {"nru:period=20parsecs", "period"},
        {"nru:period=0refs", "period"}, {"nru:period=-3", "period"}, {"nru:period=1.5", "period"},
        {"aging:bits=0", "bits"}, {"aging:bits=65", "bits"}, {"wsclock:tau=0", "tau"},
        {"ws:tau=-1", "tau"}, {"pff:threshold=-1", "threshold"}, {"ws:window=3", "window"},
    };
    for (int i = 0; good[i]; i++) {
        drv_t d;
        sim_err_t err = {0};
        int rc = drv_init(&d, good[i], 4, 1, &err);
        if (rc)
            fprintf(stderr, "%s: %s\n", good[i], err.msg);
        CHECK_EQ(rc, 0);
        drv_free(&d);
    }
    for (size_t i = 0; i < LEN(bad); i++) {
        drv_t d;
        sim_err_t err = {0};
        int rc = drv_init(&d, bad[i][0], 4, 1, &err);
        if (!strcmp(bad[i][1], "_")) {           /* nru:period=20 is 20 references: fine */
            CHECK_EQ(rc, 0);
        } else {
            CHECK_EQ(rc, -1);
            if (!strstr(err.msg, bad[i][1]))
                fprintf(stderr, "%s: message '%s' does not name %s\n", bad[i][0], err.msg, bad[i][1]);
            CHECK(strstr(err.msg, bad[i][1]) != NULL);
        }
        drv_free(&d);
    }
}

/* ------------------------------------------------------------------ the engine: clean */

static void test_clean_engine(void)
{
    /* wsclock with a small tau on a write-heavy loop over more pages than frames: the old
     * dirty pages are written back by env->clean, then evicted clean. Counters agree: every
     * swap write is a dirty eviction or a clean; every page read back is a swap-in. */
    size_t cap = 64 * 1024, at = 0;
    char *text = malloc(cap);
    assert(text);
    for (int round = 0; round < 40; round++)
        for (int p = 0; p < 12; p++)
            at += (size_t)snprintf(text + at, cap - at, "%c 0x%x\n", (p + round) % 3 ? 'W' : 'R',
                                   0x10000000u + (unsigned)p * 4096u);
    const char *sets[] = {"policy=wsclock:tau=4", "frames=8", "paranoid=true", NULL};
    json_t *doc = run_text("wsclock clean", text, sets);
    long long cleaned = ji(doc, "reclaim.cleaned");
    CHECK(cleaned > 0);
    CHECK_EQ(ji(doc, "policy.stats.scheduled"), cleaned);
    CHECK_EQ(ji(doc, "io.swap_out"), ji(doc, "evictions.dirty") + cleaned);
    CHECK_EQ(ji(doc, "io.swap_in"), ji(doc, "faults.swap_in"));
    /* A cleaned page's eviction needs no write unless it was written again: fewer dirty
     * evictions than evictions. */
    CHECK(ji(doc, "evictions.dirty") < ji(doc, "evictions.total"));
    json_decref(doc);
    /* Under local replacement and rr, as under paranoid checks everything must hold. */
    const char *sets2[] = {"policy=wsclock:tau=4", "frames=8", "paranoid=true", "replacement=local", NULL};
    doc = run_text("wsclock clean local", text, sets2);
    CHECK(ji(doc, "reclaim.cleaned") > 0);
    json_decref(doc);
    /* Every other policy never cleans. */
    const char *sets3[] = {"policy=clock", "frames=8", NULL};
    doc = run_text("clock no clean", text, sets3);
    CHECK_EQ(ji(doc, "reclaim.cleaned"), 0);
    CHECK_EQ(ji(doc, "io.swap_out"), ji(doc, "evictions.dirty"));
    json_decref(doc);
    free(text);

    /* A file page: a shared file mapping written, cleaned to its file (io.file_write), then
     * evicted with no second write. 2 frames, tau=1. */
    const char *file =
        "mmap 1 0x20000 0x8000 rw- file:data shared\n"
        "W 0x20000 1\nW 0x21000 1\nR 0x21000 1\nR 0x21000 1\nR 0x21000 1\nR 0x22000 1\n"
        "R 0x23000 1\nR 0x22000 1\nR 0x23000 1\nR 0x22000 1\nR 0x24000 1\n";
    const char *sets4[] = {"policy=wsclock:tau=1", "frames=2", "paranoid=true", NULL};
    doc = run_text("wsclock clean file", file, sets4);
    CHECK(ji(doc, "reclaim.cleaned") >= 1);
    CHECK_EQ(ji(doc, "io.file_write"), ji(doc, "evictions.dirty") + ji(doc, "reclaim.cleaned"));
    json_decref(doc);
}

/* ------------------------------------------------------------------ the engine: each policy */

static void test_engine_policies(void)
{
    /* Every textbook policy, global and local, both schedules, two processes with phases, in
     * paranoid mode: it completes, invariants hold, and the same seed gives the same JSON. */
    uint64_t x = 4242;
    enum { N = 4000 };
    static uint32_t s[N];
    for (size_t i = 0; i < N; i++) {
        uint32_t phase = (uint32_t)(i / 1000);
        s[i] = phase * 7 + (uint32_t)(check_xorshift(&x) % 16);
    }
    char *text = ws_trace(s, N, 2, 1), path[512];
    snprintf(path, sizeof path, "%s/phases.txt", tmpdir);
    write_file(path, text);
    static const char *const pols[] = {"policy=nru:period=50", "policy=nru:period=20us", "policy=aging:period=64",
                                       "policy=aging:bits=4,period=10us", "policy=wsclock:tau=40",
                                       "policy=ws:tau=40", "policy=pff:threshold=20"};
    for (size_t i = 0; i < LEN(pols); i++)
        for (int k = 0; k < 4; k++) {
            const char *sets[] = {pols[i], "frames=12", k & 1 ? "replacement=local" : "replacement=global",
                                  k & 2 ? "schedule=rr" : "schedule=trace", "paranoid=true", NULL};
            char what[128];
            snprintf(what, sizeof what, "%s %s %s", pols[i], sets[2], sets[3]);
            json_t *a = run_path(what, path, sets);
            json_t *b = run_path(what, path, sets);
            CHECK(a && b);
            if (a && b) {
                char *ta = json_dumps(a, JSON_SORT_KEYS), *tb = json_dumps(b, JSON_SORT_KEYS);
                CHECK(ta && tb && !strcmp(ta, tb));
                free(ta);
                free(tb);
                CHECK_EQ(ji(a, "accesses"), N);
            }
            json_decref(a);
            json_decref(b);
        }
    unlink(path);
    free(text);
}

/* ------------------------------------------------------------------ load control */

/* A wrapper around the run's policy that checks, at every miss and hit, that no process load
 * control has suspended has made a reference since it was suspended (white box: reads the
 * process table). */
static sim_t *lc_sim;
static const repl_ops_t *lc_inner;
static vtime_t lc_at[64];            /* by process index: n_refs when seen suspended, +1 */
static long lc_bad, lc_checked;

static void lc_look(void)
{
    for (uint32_t i = 0; i < lc_sim->nprocs && i < 64; i++) {
        const proc_t *p = &lc_sim->procs[i];
        if (!p->lc_suspended) {
            lc_at[i] = 0;
            continue;
        }
        if (!lc_at[i])
            lc_at[i] = p->n_refs + 1;
        else if (lc_at[i] != p->n_refs + 1)
            lc_bad++;
        lc_checked++;
    }
}

static void lc_hit(void *st, const mem_ref_t *ref, pfn_t pfn)
{
    lc_look();
    lc_inner->on_hit(st, ref, pfn);
}

static void lc_miss(void *st, const mem_ref_t *ref, const page_id_t *pg, const uint64_t *shadow)
{
    lc_look();
    if (lc_inner->on_miss)
        lc_inner->on_miss(st, ref, pg, shadow);
}

static json_t *lc_run(const char *trace, const char *mode, const char *policy, int wrap, sim_err_t *err)
{
    json_t *cfg = config_defaults();
    int bad = config_set(cfg, "policy", policy, err) || config_set(cfg, "frames", "100", err) ||
              config_set(cfg, "schedule", "rr", err) || config_set(cfg, "quantum", "20us", err) ||
              config_set(cfg, "load_control", mode, err) || config_set(cfg, "load_window", "200", err) ||
              config_set(cfg, "paranoid", "true", err);
    CHECK(!bad);
    const char *traces[1] = {trace};
    sim_t *s = sim_create(cfg, traces, 1, err);
    json_decref(cfg);
    if (!s)
        return NULL;
    repl_ops_t ops;
    if (wrap) {
        lc_sim = s;
        lc_inner = s->repl;
        ops = *s->repl;
        ops.on_hit = lc_hit;
        ops.on_miss = lc_miss;
        ops.flags &= ~(unsigned)(REPL_HIT_IDEMPOTENT | REPL_HIT_LAST_ONLY);   /* every hit told */
        s->repl = &ops;
        s->hit_idempotent = 0;
        memset(lc_at, 0, sizeof lc_at);
        lc_bad = lc_checked = 0;
    }
    json_t *doc = NULL;
    char msg[512];
    alarm(60);
    if (!sim_run(s, err)) {
        CHECK_EQ(check_all(s, msg, sizeof msg), 0);
        doc = sim_results(s);
    }
    alarm(0);
    sim_free(s);
    return doc;
}

static void test_load_control(void)
{
    /* Four processes (forked from 1, which touches nothing first), 3000 references each over
     * 40 pages of their own, 30% writes; 100 frames; windows of 200 references: each working
     * set is about 40 * (1 - e^-5) ~ 40 pages, four need ~160 > 100 frames. */
    char path[512];
    snprintf(path, sizeof path, "%s/lc.txt", tmpdir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("fork 1 2\nfork 1 3\nfork 1 4\n", f);
    uint64_t x = 99;
    for (int i = 0; i < 12000; i++) {
        unsigned pid = 1 + (unsigned)(i % 4), page = (unsigned)(check_xorshift(&x) % 40);
        fprintf(f, "%c 0x%x %u\n", check_xorshift(&x) % 10 < 3 ? 'W' : 'R', 0x10000000u + page * 4096u, pid);
    }
    fclose(f);
    static const char *const modes[] = {"ws", "pff"};
    for (int m = 0; m < 2; m++) {
        sim_err_t err = {0};
        json_t *doc = lc_run(path, modes[m], "lru", 1, &err);
        if (!doc)
            fprintf(stderr, "load control %s: %s\n", modes[m], err.msg);
        CHECK(doc != NULL);
        CHECK_EQ(ji(doc, "accesses"), 12000);            /* everyone ran to the end */
        CHECK(ji(doc, "load_control.suspends") > 0);
        CHECK_EQ(ji(doc, "load_control.resumes"), ji(doc, "load_control.suspends"));
        CHECK(ji(doc, "load_control.swapped_out") > 0);
        CHECK(ji(doc, "load_control.samples") >= 4 * (3000 / 200) - 4);
        CHECK_STR(json_string_value(json_object_get(json_object_get(doc, "load_control"), "mode")), modes[m]);
        CHECK_EQ(lc_bad, 0);                             /* suspended processes ran nothing */
        CHECK(lc_checked > 100);                         /* and there were suspended ones to watch */
        json_decref(doc);
    }
    /* Off: no load control object, no suspension; the mix thrashes (more faults than with). */
    sim_err_t err = {0};
    json_t *off = lc_run(path, "off", "lru", 0, &err), *ws = lc_run(path, "ws", "lru", 0, &err);
    CHECK(off && ws);
    CHECK(json_object_get(off, "load_control") == NULL);
    CHECK(ji(ws, "faults.total") < ji(off, "faults.total"));
    json_decref(off);
    json_decref(ws);
    /* Every textbook policy runs under it too. */
    static const char *const pols[] = {"ws:tau=200", "pff:threshold=50", "wsclock:tau=200", "nru", "aging", "clock"};
    for (size_t i = 0; i < LEN(pols); i++) {
        json_t *d = lc_run(path, "ws", pols[i], 0, &err);
        if (!d)
            fprintf(stderr, "load control with %s: %s\n", pols[i], err.msg);
        CHECK(d != NULL);
        CHECK_EQ(ji(d, "accesses"), 12000);
        json_decref(d);
    }
    /* The trace schedule cannot suspend: an input error naming the setting. */
    json_t *cfg = config_defaults();
    CHECK(!config_set(cfg, "load_control", "ws", &err) && !config_set(cfg, "schedule", "trace", &err));
    const char *traces[1] = {path};
    sim_t *s = sim_create(cfg, traces, 1, &err);
    CHECK(s == NULL);
    CHECK(strstr(err.msg, "load_control=ws needs the rr schedule") != NULL);
    sim_free(s);
    json_decref(cfg);
    cfg = config_defaults();
    CHECK(config_set(cfg, "load_control", "maybe", &err) == 0);
    s = sim_create(cfg, traces, 1, &err);
    CHECK(s == NULL);
    CHECK(strstr(err.msg, "load_control must be") != NULL);
    sim_free(s);
    json_decref(cfg);
    unlink(path);
}

static void rm_tmpdir(void)
{
    rmdir(tmpdir);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/pagesim_test_textbook_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    atexit(rm_tmpdir);
    test_aging();
    test_nru();
    test_wsclock();
    test_ws_driver();
    test_pff();
    test_params();
    test_ws_engine();
    test_clean_engine();
    test_engine_policies();
    test_load_control();
    return check_report("test_textbook");
}
