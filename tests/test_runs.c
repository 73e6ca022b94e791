/* test_runs.c - replaying runs (PSTB version 2) from their summaries changes no result.
 *
 * The binary writer stores references over a few recent pages as runs, and both schedules
 * replay a run whose pages all hit in the TLB from its summary (mmu_run_hits) instead of
 * reference by reference. That is only allowed if it is exact, so this test writes one
 * program-like trace (code walked in instruction-sized steps, a stack, a scanned heap,
 * accesses across page boundaries, a fork and copy-on-write, an exit) as text and as binary,
 * runs both under configurations that exercise every reason a run cannot be taken whole
 * (TLB misses and conflicts, missing write rights after fork, events, timeline samples, page
 * sizes other than the runs', a policy that counts hits, no TLB, quantum ends, two CPUs),
 * and expects the same results JSON byte for byte. It also checks that both paths were
 * taken: a test where every run is expanded would prove nothing. */
#include "check.h"
#include "sim/sim_int.h"
#include "sim/check.h"
#include "sim/sim.h"
#include "workloads/convert.h"

#include <stdlib.h>
#include <unistd.h>

static char tmpdir[256], text[300], bin[300];

static void rm_tmpdir(void)
{
    unlink(text);
    unlink(bin);
    rmdir(tmpdir);
}

/* A deterministic program: pid 1 runs alone, forks pid 2, both run in stretches, 2 exits. */
static void write_trace(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    uint64_t x = 0x9E3779B97F4A7C15ull;
    uint64_t pc[3] = { 0, 0x400000, 0x400000 }, sp[3] = { 0, 0x7fff0000, 0x7fff0000 };
    uint64_t heap[3] = { 0, 0x10000000, 0x10000000 };
    int pid = 1, forked = 0;
    for (int i = 0; i < 240000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        if (i == 60000) {
            fprintf(f, "fork 1 2\n");
            forked = 1;
        }
        if (i == 200000) {
            fprintf(f, "exit 2\n");
            forked = 0;
            pid = 1;
        }
        if (forked && i % 700 == 0)
            pid = 3 - pid;
        unsigned len = 1 + (unsigned)(x % 15);
        if (x % 97 == 0)                  /* a call: another of 40 code pages */
            pc[pid] = 0x400000 + (x >> 8) % 40 * 4096 + (x >> 20) % 4000;
        fprintf(f, "X 0x%llx:%u %d\n", (unsigned long long)pc[pid], len, pid);
        pc[pid] += len;
        if (pc[pid] >= 0x400000 + 40 * 4096)
            pc[pid] = 0x400000;
        switch ((x >> 32) % 6) {
        case 0: case 1:                   /* the stack: a few pages */
            sp[pid] = 0x7fff0000 + (x >> 40) % (3 * 4096) / 8 * 8;
            fprintf(f, "%c 0x%llx:8 %d\n", (x >> 36) & 1 ? 'W' : 'R', (unsigned long long)sp[pid], pid);
            break;
        case 2:                           /* a heap scan over 300 pages, sometimes written */
            heap[pid] += 8;
            if (heap[pid] >= 0x10000000 + 300 * 4096)
                heap[pid] = 0x10000000;
            fprintf(f, "%c 0x%llx:8 %d\n", (x >> 44) % 8 == 0 ? 'W' : 'R', (unsigned long long)heap[pid], pid);
            break;
        case 3:                           /* an access across a page boundary, now and then */
            if ((x >> 48) % 16 == 0)
                fprintf(f, "R 0x%llx:16 %d\n", (unsigned long long)(heap[pid] | 0xff8), pid);
            break;
        default:
            break;
        }
    }
    fprintf(f, "exit 1\n");
    if (fclose(f)) {
        perror(path);
        exit(1);
    }
}

/* The results of one run, without the trace's name; runs counted into *whole, *expanded. */
static json_t *run(const char *trace, const char *const *sets, uint64_t *whole, uint64_t *expanded)
{
    sim_err_t err = {0};
    json_t *cfg = config_defaults();
    for (int i = 0; sets[i]; i++) {
        char key[128];
        const char *eq = strchr(sets[i], '=');
        snprintf(key, sizeof key, "%.*s", (int)(eq - sets[i]), sets[i]);
        if (config_set(cfg, key, eq + 1, &err)) {
            fprintf(stderr, "setting %s: %s\n", sets[i], err.msg);
            exit(1);
        }
    }
    const char *traces[1] = { trace };
    sim_t *s = sim_create(cfg, traces, 1, &err);
    json_decref(cfg);
    if (!s || sim_run(s, &err)) {
        fprintf(stderr, "%s: %s\n", trace, err.msg);
        CHECK(0);
        if (s)
            sim_free(s);
        return NULL;
    }
    char msg[512];
    if (check_all(s, msg, sizeof msg)) {
        fprintf(stderr, "%s: check_all: %s\n", trace, msg);
        CHECK(0);
    }
    *whole = s->runs_whole;
    *expanded = s->runs_expanded;
    json_t *doc = sim_results(s);
    sim_free(s);
    json_object_del(json_object_get(doc, "config"), "traces");
    json_object_del(doc, "traces");
    return doc;
}

static void test_same_results(void)
{
    /* Each line: settings, and whether runs may be taken whole under them. */
    static const struct { const char *sets[7]; int whole; } cases[] = {
        { { "frames=64", NULL }, 1 },
        { { "frames=400", NULL }, 1 },
        { { "frames=12", NULL }, 1 },                        /* evictions between runs */
        { { "frames=64", "policy=mru", NULL }, 1 },
        { { "frames=32", "policy=clock", NULL }, 1 },
        { { "frames=32", "policy=fifo", NULL }, 1 },
        { { "frames=32", "policy=random", NULL }, 1 },
        { { "frames=32", "policy=lfu", NULL }, 0 },          /* counts hits: never whole */
        { { "frames=32", "policy=opt", NULL }, 0 },
        { { "frames=64", "interval=37", NULL }, 1 },         /* samples inside runs */
        { { "frames=64", "tlb.entries=8", "tlb.ways=2", NULL }, 1 },  /* conflicts */
        { { "frames=64", "tlb.entries=16", "tlb.ways=1", NULL }, 1 },
        { { "frames=64", "tlb.entries=0", NULL }, 0 },
        { { "frames=64", "tlb.asid=false", NULL }, 1 },      /* flushes at every switch */
        { { "frames=64", "ref_bit=tlb_fill", NULL }, 1 },
        { { "frames=32", "policy=clock", "ref_bit=tlb_fill", NULL }, 1 },
        { { "frames=64", "page_size=1024", NULL }, 0 },      /* pages smaller than a run's */
        { { "frames=16", "page_size=16384", NULL }, 1 },     /* run pages merge */
        { { "frames=4", "page_size=2097152", NULL }, 1 },
        { { "frames=24", "swap_dev=hdd", NULL }, 1 },        /* events during runs */
        { { "frames=24", "reclaim.low=4", "reclaim.high=10", NULL }, 1 },
        /* background reclaim and write-backs, with policies that evict recently used pages */
        { { "frames=24", "policy=fifo", "reclaim.low=8", "reclaim.high=20", NULL }, 1 },
        { { "frames=24", "policy=random", "reclaim.low=8", "reclaim.high=20", "swap_dev=hdd", NULL }, 1 },
        { { "frames=32", "cow=copy", NULL }, 1 },
        { { "frames=32", "cow=eager", NULL }, 1 },
        /* every invariant (check.c) after every record, event and whole run */
        { { "frames=24", "paranoid=true", NULL }, 1 },
        { { "frames=48", "paranoid=true", "tlb.entries=8", "tlb.ways=2", "ref_bit=tlb_fill", NULL }, 1 },
        { { "schedule=rr", "frames=40", "paranoid=true", "cpus=2", "quantum=3us", NULL }, 1 },
        /* round robin: each process's stream passes over the other's runs, a run must
         * start its last record before the quantum's end or the next event */
        { { "schedule=rr", "frames=64", NULL }, 1 },
        { { "schedule=rr", "frames=400", "quantum=2us", NULL }, 1 },   /* never blocked: */
        { { "schedule=rr", "frames=400", "quantum=1us", "cpus=2", NULL }, 1 },  /* preempted */
        { { "schedule=rr", "frames=32", "cpus=2", NULL }, 1 },
        { { "schedule=rr", "frames=24", "cpus=2", "swap_dev=hdd", "quantum=50us", NULL }, 1 },
        { { "schedule=rr", "frames=64", "interval=41", "tlb.asid=false", NULL }, 1 },
        { { "schedule=rr", "frames=32", "policy=lfu", NULL }, 0 },
    };
    uint64_t all_whole = 0, all_expanded = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        uint64_t w1, e1, w2, e2;
        json_t *a = run(text, cases[i].sets, &w1, &e1);
        json_t *b = run(bin, cases[i].sets, &w2, &e2);
        CHECK(a && b);
        if (!a || !b)
            continue;
        int same = json_equal(a, b);
        if (!same)
            fprintf(stderr, "case %zu (%s %s): text and binary results differ\n", i,
                    cases[i].sets[0], cases[i].sets[1] ? cases[i].sets[1] : "");
        CHECK(same);
        CHECK_EQ(w1 + e1, 0);                  /* text has no runs */
        if (cases[i].whole) {
            CHECK(w2 > 0);
        } else {
            CHECK_EQ(w2 + e2, 0);              /* the reader expands them itself */
        }
        all_whole += w2;
        all_expanded += e2;
        json_decref(a);
        json_decref(b);
    }
    fprintf(stderr, "runs: %llu whole, %llu expanded\n", (unsigned long long)all_whole, (unsigned long long)all_expanded);
    CHECK(all_expanded > 0);
    CHECK(all_whole > 2 * all_expanded);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/pagesim_test_runs_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(text, sizeof text, "%s/prog.trace", tmpdir);
    snprintf(bin, sizeof bin, "%s/prog.pstb", tmpdir);
    atexit(rm_tmpdir);
    write_trace(text);
    sim_err_t err = {0};
    if (wl_convert(text, NULL, "binary", bin, &err)) {
        fprintf(stderr, "convert: %s\n", err.msg);
        return 1;
    }
    test_same_results();
    return check_report("test_runs");
}
