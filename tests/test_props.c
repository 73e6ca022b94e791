/* test_props.c - properties that hold for every replacement policy in the registry.
 *
 * The loop runs over repl_registry, so a policy is tested the moment it is registered
 * (libuv's test-list and libCacheSim's per-algorithm checks are the model). Traces are
 * generated with a fixed-seed xorshift generator of the test's own (not the simulation's
 * rng), so every failure is reproducible: mixes of reads and writes over 2..64 pages, of
 * 200..5000 references, in several shapes (uniform, skewed, loops, phases of working sets).
 * For each trace, policy and frame count 1..16:
 *   - OPT's faults.total is at most every other policy's (Belady 1966: OPT is optimal among
 *     demand-paging policies for a fixed reference string);
 *   - LRU and OPT never fault more with more frames (stack algorithms: Mattson, Gecsei,
 *     Slutz, Traiger, "Evaluation techniques for storage hierarchies", IBM Systems Journal
 *     9(2), 1970);
 *   - memory.resident_peak <= frames;
 *   - faults >= distinct pages (compulsory misses), with equality and no evictions when
 *     frames >= distinct pages;
 *   - counters agree: total = major + minor = demand_zero + swap_in (anonymous private pages
 *     only), evictions.dirty = io.swap_out, io.swap_in = faults.swap_in, resident_end =
 *     faults - evictions, accesses = reads + writes = the trace's length;
 *   - check_all() == 0 after sim_run (frames, PTEs, reverse maps, swap counts, policy state),
 *     and after every record too (config paranoid: a violation aborts with its description);
 *   - determinism: the same config and seed give identical JSON text (json_dumps with
 *     JSON_SORT_KEYS), run twice in one process;
 * and a different seed changes random's result on some trace. */
#include "check.h"
#include "simrun.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define NTRACES  8
#define MAXFRAMES 16

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t next_rand(void) { return check_xorshift(&rng); }

static uint64_t below(uint64_t n) { return next_rand() % n; }

typedef struct trace_info {
    char path[512];
    unsigned npages, length, distinct, writes;
    const char *shape;
} trace_info_t;

/* Writes one random trace of `shape` and fills in what the properties need to know. */
static void make_trace(trace_info_t *t, const char *dir, int idx, int shape)
{
    static const char *const shapes[] = {"uniform", "skewed", "loop", "phases"};
    t->npages = 2 + (unsigned)below(63);                 /* 2..64 */
    t->length = 200 + (unsigned)below(4801);             /* 200..5000 */
    t->shape = shapes[shape];
    t->writes = 0;
    snprintf(t->path, sizeof t->path, "%s/props_%d.txt", dir, idx);
    FILE *f = fopen(t->path, "w");
    if (!f) {
        perror(t->path);
        exit(1);
    }
    unsigned char seen[64] = {0};
    unsigned write_pct = 10 + (unsigned)below(50);     /* 10..59 % writes */
    unsigned loop_len = 1 + (unsigned)below(t->npages), pos = 0;
    unsigned phase_base = 0, phase_size = 1 + (unsigned)below(t->npages);
    for (unsigned i = 0; i < t->length; i++) {
        unsigned page;
        switch (shape) {
        case 0: page = (unsigned)below(t->npages); break;
        case 1: {                                        /* skewed: square of a uniform */
            uint64_t u = below(1u << 16);
            page = (unsigned)(((u * u) * t->npages) >> 32);
            break;
        }
        case 2:                                          /* a loop, with an occasional stray */
            page = below(10) ? pos++ % loop_len : (unsigned)below(t->npages);
            break;
        default:                                         /* phases of working sets */
            if (below(300) == 0) {
                phase_size = 1 + (unsigned)below(t->npages);
                phase_base = (unsigned)below(t->npages);
            }
            page = (phase_base + (unsigned)below(phase_size)) % t->npages;
            break;
        }
        if (page >= t->npages)
            page = t->npages - 1;
        seen[page] = 1;
        int w = below(100) < write_pct;
        t->writes += w;
        /* A few byte offsets inside the page, and decimal or hex: the reader accepts both. */
        unsigned long addr = (unsigned long)page * 4096 + (unsigned long)below(4000);
        if (i & 1)
            fprintf(f, "%c 0x%lx\n", w ? 'W' : 'R', addr);
        else
            fprintf(f, "%c %lu\n", w ? 'W' : 'R', addr);
    }
    fclose(f);
    t->distinct = 0;
    for (unsigned p = 0; p < 64; p++)
        t->distinct += seen[p];
}

static long long ji(const json_t *doc, const char *a, const char *b)
{
    const json_t *v = json_object_get(doc, a);
    if (b)
        v = json_object_get(v, b);
    return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* One run; returns the results and their canonical text (caller frees both). */
static json_t *run(const trace_info_t *t, const char *policy, unsigned frames, unsigned seed,
                   char **text, const char *what)
{
    char err[SIM_ERR_LEN], buf[64];
    json_t *cfg = config_defaults();
    int bad = config_set(cfg, "policy", policy, err);
    snprintf(buf, sizeof buf, "%u", frames);
    bad = bad || config_set(cfg, "frames", buf, err);
    snprintf(buf, sizeof buf, "%u", seed);
    bad = bad || config_set(cfg, "seed", buf, err);
    /* Paranoid mode: check_all after every record and event, not only at the end (an
     * invariant broken and then repaired would slip past the final check). */
    bad = bad || config_set(cfg, "paranoid", "true", err);
    if (bad) {
        fprintf(stderr, "%s: config: %s\n", what, err);
        exit(1);
    }
    const char *traces[1] = {t->path};
    sim_t *s = sim_create(cfg, traces, 1, err);
    json_decref(cfg);
    if (!s) {
        check_failed++;
        fprintf(stderr, "%s: sim_create: %s\n", what, err);
        return NULL;
    }
    if (sim_run(s, err)) {
        check_failed++;
        fprintf(stderr, "%s: sim_run: %s\n", what, err);
        sim_free(s);
        return NULL;
    }
    char msg[512];
    if (check_all(s, msg, sizeof msg)) {
        check_failed++;
        fprintf(stderr, "%s: check_all: %s\n", what, msg);
    } else {
        check_passed++;
    }
    json_t *doc = sim_results(s);
    sim_free(s);
    *text = json_dumps(doc, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17));
    return doc;
}

/* A failed property prints what to rerun; counts stay per property so output stays short. */
static int prop_fail(const char *what, const char *fmt, long long a, long long b)
{
    fprintf(stderr, "%s: ", what);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 0;
}

/* ---- random traces with address-space events ----
 * Areas (anonymous or file, private or shared, various protections), fork, exit, munmap,
 * mprotect and references by up to four live processes, run under every replacement policy
 * and every COW policy on 2..8 frames, in paranoid mode (check_all after every record), in a
 * child process with an alarm so that a livelock fails instead of hanging. Each run must
 * finish without an error, keep the invariants, and satisfy total = major + minor and
 * resident_peak <= frames. (This search found two engine bugs: a COW copy evicting its own
 * source and looping for ever, and a private file page written back to its file.) */

static void gen_event_trace(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    static const char *const prots[] = {"rw-", "r--", "rwx", "r-x"};
    int alive[8] = {1}, nalive = 1, nextpid = 2, explicit_[16] = {0};
    explicit_[1] = below(10) < 7;
    unsigned n = 20 + (unsigned)below(281);
    for (unsigned i = 0; i < n; i++) {
        unsigned r = (unsigned)below(1000);
        int pid = alive[below((uint64_t)nalive)];
        if (r < 80 && explicit_[pid]) {
            unsigned long start = below(16) * 0x1000, len = (1 + below(4)) * 0x1000;
            if (below(2))
                fprintf(f, "mmap %d 0x%lx 0x%lx %s anon %s\n", pid, start, len, prots[below(4)],
                        below(2) ? "private" : "shared");
            else
                fprintf(f, "mmap %d 0x%lx 0x%lx %s file:%c@0x%lx %s\n", pid, start, len, prots[below(4)],
                        below(2) ? 'a' : 'b', (unsigned long)below(4) * 0x1000, below(2) ? "private" : "shared");
        } else if (r < 100 && nalive < 4 && nextpid < 16) {
            fprintf(f, "fork %d %d\n", pid, nextpid);
            explicit_[nextpid] = explicit_[pid];
            alive[nalive++] = nextpid++;
        } else if (r < 115 && nalive > 1) {
            fprintf(f, "exit %d\n", pid);
            for (int k = 0; k < nalive; k++)
                if (alive[k] == pid)
                    alive[k] = alive[--nalive];
        } else if (r < 130) {
            fprintf(f, "munmap %d 0x%lx 0x%lx\n", pid, (unsigned long)below(16) * 0x1000,
                    (unsigned long)(1 + below(3)) * 0x1000);
        } else if (r < 140) {
            fprintf(f, "mprotect %d 0x%lx 0x1000 %s\n", pid, (unsigned long)below(16) * 0x1000,
                    prots[below(3)]);
        } else {
            static const char kinds[] = "RRRWWX";
            fprintf(f, "%c 0x%lx %d\n", kinds[below(6)],
                    (unsigned long)below(20) * 0x1000 + (unsigned long)below(4096), pid);
        }
    }
    fclose(f);
}

/* 0: finished and every check held; 1: a check failed; 2: did not finish. Runs in a child
 * (simrun.h) so that a livelock or crash is a failed case, not a hung suite. */
static int run_events_child(const char *trace, const char *policy, const char *cow, unsigned frames,
                            const char *schedule, const char *what)
{
    char set[5][96], out[600];
    snprintf(set[0], sizeof set[0], "policy=%s", policy);
    snprintf(set[1], sizeof set[1], "cow=%s", cow);
    snprintf(set[2], sizeof set[2], "frames=%u", frames);
    snprintf(set[3], sizeof set[3], "schedule=%s", schedule);
    snprintf(set[4], sizeof set[4], "paranoid=true");
    const char *const sets[] = {set[0], set[1], set[2], set[3], set[4], NULL};
    snprintf(out, sizeof out, "%s.result.json", trace);
    int code = simrun_child(what, trace, sets, 10, out);
    if (code >= SIMRUN_KILLED)
        return 2;
    json_t *d = code == SIMRUN_OK ? json_load_file(out, 0, NULL) : NULL;
    if (!d) {
        char msg[SIM_ERR_LEN] = "";
        FILE *f = code == SIMRUN_INPUT ? fopen(out, "r") : NULL;
        if (f) {
            msg[fread(msg, 1, sizeof msg - 1, f)] = '\0';
            fclose(f);
        }
        fprintf(stderr, "%s: the run failed (exit %d) %s\n", what, code, msg);
        unlink(out);
        return 1;
    }
    unlink(out);
    long long total = ji(d, "faults", "total"), peak = ji(d, "memory", "resident_peak");
    int bad = total != ji(d, "faults", "major") + ji(d, "faults", "minor") || peak > frames;
    if (bad)
        fprintf(stderr, "%s: faults %lld (major %lld + minor %lld), resident_peak %lld\n", what,
                total, ji(d, "faults", "major"), ji(d, "faults", "minor"), peak);
    json_decref(d);
    return bad;
}

static void test_event_traces(const char *dir)
{
    static const char *const cows[] = {"reuse", "copy", "eager", "neighbours:n=2"};
    int npol = 0;
    while (repl_registry[npol])
        npol++;
    int runs = 0, failed = 0;
    for (int ti = 0; ti < 12; ti++) {
        char path[512];
        snprintf(path, sizeof path, "%s/events_%d.txt", dir, ti);
        gen_event_trace(path);
        for (int pi = 0; pi < npol; pi++) {
            const char *pol = repl_registry[pi]->name;
            int opt = (repl_registry[pi]->flags & REPL_NEEDS_NEXT_USE) != 0;
            const char *cow = cows[below(4)];
            unsigned frames = 2 + (unsigned)below(7);
            /* rr needs no fixed order; OPT does, so it runs the trace schedule only. */
            const char *sched = !opt && below(2) ? "rr" : "trace";
            char what[256];
            snprintf(what, sizeof what, "events trace %d (kept in %s), policy %s, cow %s, %u frames, %s",
                     ti, path, pol, cow, frames, sched);
            int rc = run_events_child(path, pol, cow, frames, sched, what);
            runs++;
            failed += rc != 0;
        }
        /* Keep a failing trace for a human to rerun; remove the others. */
        if (!failed)
            unlink(path);
    }
    CHECK_EQ(failed, 0);
    CHECK_EQ(runs, 12 * npol);
}

int main(void)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s/pagesim_test_props_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    int npol = 0;
    while (repl_registry[npol])
        npol++;
    CHECK(npol >= 7);
    int opt = -1, lru = -1, rnd = -1;
    for (int i = 0; i < npol; i++) {
        if (!strcmp(repl_registry[i]->name, "opt")) opt = i;
        if (!strcmp(repl_registry[i]->name, "lru")) lru = i;
        if (!strcmp(repl_registry[i]->name, "random")) rnd = i;
    }
    CHECK(opt >= 0 && lru >= 0 && rnd >= 0);

    long long (*faults)[MAXFRAMES + 1] = calloc((size_t)npol, sizeof *faults);
    int random_differs = 0;
    /* Per-property pass flags (one CHECK each at the end keeps the report readable; each
     * failure is printed with what to rerun). */
    int ok_opt = 1, ok_stack = 1, ok_peak = 1, ok_compulsory = 1, ok_counters = 1, ok_det = 1;

    for (int ti = 0; ti < NTRACES; ti++) {
        trace_info_t t;
        make_trace(&t, dir, ti, ti % 4);
        for (int pi = 0; pi < npol; pi++) {
            const char *pol = repl_registry[pi]->name;
            for (unsigned fr = 1; fr <= MAXFRAMES; fr++) {
                char what[256];
                snprintf(what, sizeof what, "trace %d (%s, %u pages, %u refs) policy %s frames %u",
                         ti, t.shape, t.npages, t.length, pol, fr);
                char *text1 = NULL, *text2 = NULL;
                json_t *d = run(&t, pol, fr, 1, &text1, what);
                if (!d) {
                    faults[pi][fr] = -1;
                    continue;
                }
                json_t *d2 = run(&t, pol, fr, 1, &text2, what);
                if (!d2 || !text1 || !text2 || strcmp(text1, text2))
                    ok_det = prop_fail(what, "two runs gave different JSON (%lld, %lld)", 0, 0);
                long long total = ji(d, "faults", "total");
                faults[pi][fr] = total;
                long long peak = ji(d, "memory", "resident_peak");
                if (peak < 0 || peak > fr)
                    ok_peak = prop_fail(what, "resident_peak %lld > frames %lld", peak, fr);
                long long ev = ji(d, "evictions", "total");
                if (total < t.distinct)
                    ok_compulsory = prop_fail(what, "faults %lld < distinct pages %lld", total, t.distinct);
                if (fr >= t.distinct && (total != t.distinct || ev != 0))
                    ok_compulsory = prop_fail(what, "enough frames but faults %lld, evictions %lld", total, ev);
                if (total != ji(d, "faults", "major") + ji(d, "faults", "minor"))
                    ok_counters = prop_fail(what, "total %lld != major + minor %lld", total,
                                            ji(d, "faults", "major") + ji(d, "faults", "minor"));
                if (total != ji(d, "faults", "demand_zero") + ji(d, "faults", "swap_in"))
                    ok_counters = prop_fail(what, "total %lld != demand_zero + swap_in %lld", total,
                                            ji(d, "faults", "demand_zero") + ji(d, "faults", "swap_in"));
                if (ji(d, "evictions", "dirty") != ji(d, "io", "swap_out"))
                    ok_counters = prop_fail(what, "evictions.dirty %lld != io.swap_out %lld",
                                            ji(d, "evictions", "dirty"), ji(d, "io", "swap_out"));
                if (ji(d, "io", "swap_in") != ji(d, "faults", "swap_in"))
                    ok_counters = prop_fail(what, "io.swap_in %lld != faults.swap_in %lld",
                                            ji(d, "io", "swap_in"), ji(d, "faults", "swap_in"));
                if (ji(d, "memory", "resident_end") != total - ev)
                    ok_counters = prop_fail(what, "resident_end %lld != faults - evictions %lld",
                                            ji(d, "memory", "resident_end"), total - ev);
                if (ji(d, "accesses", NULL) != t.length || ji(d, "writes", NULL) != t.writes ||
                    ji(d, "reads", NULL) != t.length - t.writes)
                    ok_counters = prop_fail(what, "accesses %lld, writes %lld disagree with the trace",
                                            ji(d, "accesses", NULL), ji(d, "writes", NULL));
                /* A different seed changes random's choices (somewhere). */
                if (pi == rnd && fr >= 2 && fr < t.distinct) {
                    char *text3 = NULL;
                    json_t *d3 = run(&t, pol, fr, 2, &text3, what);
                    if (d3 && ji(d3, "faults", "total") != total)
                        random_differs = 1;
                    json_decref(d3);
                    free(text3);
                }
                json_decref(d);
                json_decref(d2);
                free(text1);
                free(text2);
            }
        }
        /* Cross-policy and cross-size properties for this trace. */
        for (unsigned fr = 1; fr <= MAXFRAMES; fr++) {
            for (int pi = 0; pi < npol; pi++)
                if (faults[opt][fr] >= 0 && faults[pi][fr] >= 0 && faults[opt][fr] > faults[pi][fr]) {
                    char what[128];
                    snprintf(what, sizeof what, "trace %d frames %u: opt vs %s", ti, fr, repl_registry[pi]->name);
                    ok_opt = prop_fail(what, "opt faults %lld > %lld", faults[opt][fr], faults[pi][fr]);
                }
            if (fr > 1)
                for (int k = 0; k < 2; k++) {
                    int pi = k ? opt : lru;
                    if (faults[pi][fr] > faults[pi][fr - 1]) {
                        char what[128];
                        snprintf(what, sizeof what, "trace %d %s frames %u", ti, repl_registry[pi]->name, fr);
                        ok_stack = prop_fail(what, "faults %lld > faults with one frame fewer %lld",
                                             faults[pi][fr], faults[pi][fr - 1]);
                    }
                }
        }
        if (getenv("PROPS_VERBOSE")) {                /* the fault table, for a human */
            printf("trace %d: %s, %u pages (%u touched), %u refs, %u writes\n", ti, t.shape,
                   t.npages, t.distinct, t.length, t.writes);
            for (int pi = 0; pi < npol; pi++) {
                printf("  %-8s", repl_registry[pi]->name);
                for (unsigned fr = 1; fr <= MAXFRAMES; fr++)
                    printf(" %5lld", faults[pi][fr]);
                printf("\n");
            }
        }
        unlink(t.path);
    }
    CHECK(ok_opt);
    CHECK(ok_stack);
    CHECK(ok_peak);
    CHECK(ok_compulsory);
    CHECK(ok_counters);
    CHECK(ok_det);
    CHECK(random_differs);
    free(faults);
    test_event_traces(dir);
    rmdir(dir);
    return check_report("test_props");
}
