/* test_fileio.c - buffered read(2) and write(2) through the page cache (sim/fileio.c, issue
 * 15), hand-derived cases, each run under paranoid checks in both schedules:
 *  - a read of an uncached page reads it from the file device (io.file_read) and blocks
 *    (simulated time covers the device latency); a second read of it is a hit;
 *  - readahead=N brings N pages after a read whose last page missed (io.readahead);
 *  - a write covering a page in part reads it first (fileio.write_fills), a full one does not;
 *    dirty page-cache pages are written back when evicted (io.file_write);
 *  - a mapping and a read of the same file share the page (the read after the fault hits);
 *  - the same input gives the same bytes (determinism);
 *  - a read by a pid that has exited is an input error;
 *  - OPT numbers each buffered page as a reference: a case by hand, and on random traces its
 *    future is exact and it brings in no more pages than any policy. */
#include "check.h"
#include "simrun.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];
static int ncase;

static json_t *run_text(const char *text, const char *const *sets, int *code)
{
    char path[512], out[512];
    snprintf(path, sizeof path, "%s/trace_%d.txt", tmpdir, ++ncase);
    snprintf(out, sizeof out, "%s/result_%d.json", tmpdir, ncase);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    *code = simrun_child(path, path, sets, 20, out);
    unlink(path);
    if (*code != SIMRUN_OK) {
        unlink(out);
        return NULL;
    }
    json_error_t je;
    json_t *doc = json_load_file(out, 0, &je);
    unlink(out);
    return doc;
}

static long long ji(const json_t *doc, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *v = doc;
    for (char *part = strtok(buf, "."); part && v; part = strtok(NULL, "."))
        v = json_object_get(v, part);
    return json_is_integer(v) ? json_integer_value(v) : -987654321;
}

static double jr(const json_t *doc, const char *a, const char *b)
{
    return json_number_value(json_object_get(json_object_get(doc, a), b));
}

/* One case under both schedules: returns the trace schedule's results (caller frees). */
static json_t *run2(const char *text, const char *frames, const char *ra, const char *policy)
{
    json_t *first = NULL;
    for (int rr = 0; rr < 2; rr++) {
        const char *sets[] = {frames, ra, policy, "paranoid=true", rr ? "schedule=rr" : "schedule=trace", NULL};
        int code;
        json_t *doc = run_text(text, sets, &code);
        CHECK_EQ(code, SIMRUN_OK);
        if (!doc)
            return first;
        if (!first) {
            first = doc;
        } else {
            /* the counts do not depend on the schedule here (one process) */
            CHECK_EQ(ji(doc, "io.file_read"), ji(first, "io.file_read"));
            CHECK_EQ(ji(doc, "io.file_write"), ji(first, "io.file_write"));
            CHECK_EQ(ji(doc, "fileio.read_hits"), ji(first, "fileio.read_hits"));
            json_decref(doc);
        }
    }
    return first;
}

static void test_read(void)
{
    /* one page read: a miss, one page from the device; the run lasts the device latency */
    json_t *d = run2("read 1 data 0 4096\n", "frames=4", "readahead=0", "policy=lru");
    if (d) {
        CHECK_EQ(ji(d, "io.file_read"), 1);
        CHECK_EQ(ji(d, "fileio.reads"), 1);
        CHECK_EQ(ji(d, "fileio.read_misses"), 1);
        CHECK_EQ(ji(d, "fileio.read_hits"), 0);
        CHECK(jr(d, "time", "sim_ns") >= 1000.0);     /* it waited for the device */
        json_decref(d);
    }
    /* read twice: the second is a hit, no second device read */
    d = run2("read 1 data 0 4096\nread 1 data 100 10\n", "frames=4", "readahead=0", "policy=clock");
    if (d) {
        CHECK_EQ(ji(d, "io.file_read"), 1);
        CHECK_EQ(ji(d, "fileio.read_hits"), 1);
        CHECK_EQ(ji(d, "fileio.read_pages"), 2);
        json_decref(d);
    }
    /* readahead=3: pages 1..3 come with page 0, so reading them is three hits */
    d = run2("read 1 data 0 4096\nread 1 data 4096 12288\n", "frames=8", "readahead=3", "policy=lru");
    if (d) {
        CHECK_EQ(ji(d, "io.file_read"), 4);
        CHECK_EQ(ji(d, "io.readahead"), 3);
        CHECK_EQ(ji(d, "fileio.read_hits"), 3);
        json_decref(d);
    }
    /* a two-page read that crosses a page boundary touches both pages */
    d = run2("read 1 data 4000 200\n", "frames=4", "readahead=0", "policy=fifo");
    if (d) {
        CHECK_EQ(ji(d, "fileio.read_pages"), 2);
        CHECK_EQ(ji(d, "io.file_read"), 2);
        json_decref(d);
    }
}

static void test_write(void)
{
    /* a partial write of an uncached page reads it first; a full one does not */
    json_t *d = run2("write 1 data 10 100\nwrite 1 data 8192 4096\n", "frames=4", "readahead=0", "policy=lru");
    if (d) {
        CHECK_EQ(ji(d, "io.file_read"), 1);
        CHECK_EQ(ji(d, "fileio.write_fills"), 1);
        CHECK_EQ(ji(d, "fileio.write_pages"), 2);
        CHECK_EQ(ji(d, "io.file_write"), 0);           /* still dirty in memory */
        json_decref(d);
    }
    /* two frames, a dirty page then two clean reads: the dirty one is evicted and written back */
    d = run2("write 1 data 0 4096\nread 1 data 4096 4096\nread 1 data 8192 4096\n", "frames=2",
             "readahead=0", "policy=fifo");
    if (d) {
        CHECK_EQ(ji(d, "io.file_write"), 1);
        CHECK_EQ(ji(d, "evictions.dirty"), 1);
        json_decref(d);
    }
}

static void test_shared(void)
{
    /* a fault on a mapping of the file brings page 0 into its page cache; the read hits it */
    json_t *d = run2("mmap 1 0x10000 0x4000 r-- file:data shared\nR 0x10000\nread 1 data 0 4096\n",
                     "frames=4", "readahead=0", "policy=lru");
    if (d) {
        CHECK_EQ(ji(d, "io.file_read"), 1);
        CHECK_EQ(ji(d, "fileio.read_hits"), 1);
        json_decref(d);
    }
    /* and the other way: a read first, then the fault finds the page cached (a minor fault) */
    d = run2("read 1 data 0 4096\nmmap 1 0x10000 0x4000 r-- file:data shared\nR 0x10000\n",
             "frames=4", "readahead=0", "policy=clock");
    if (d) {
        CHECK_EQ(ji(d, "io.file_read"), 1);
        CHECK_EQ(ji(d, "faults.page_cache"), 1);
        json_decref(d);
    }
}

/* linux's folio_mark_accessed (on_access) as filemap_read calls it: a page read, another
 * page read, the first read again: two marks, active. Two consecutive reads within one page
 * (the second starts in the page where the first ended: pos_same_folio with ra->prev_pos):
 * one mark, inactive. The same holds for a page read whole twice in a row (prev_pos - 1 is in
 * it). */
static void test_linux_marks(void)
{
    static const struct { const char *text; int active; } c[] = {
        {"read 1 data 0 4096\nread 1 data 8192 4096\nread 1 data 0 4096\n", 1},
        {"read 1 data 0 100\nread 1 data 100 100\n", 0},
        {"read 1 data 0 4096\nread 1 data 0 4096\n", 0},
        {"read 1 data 0 4096\nread 1 data 4096 4096\nread 1 data 0 4096\n", 1},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        json_t *d = run2(c[i].text, "frames=8", "readahead=0", "policy=linux");
        if (d) {
            CHECK_EQ(ji(d, "policy.stats.nr_active_file"), c[i].active);
            CHECK_EQ(ji(d, "policy.stats.pgactivate"), c[i].active);
            json_decref(d);
        }
    }
}

/* madvise: dontneed makes the next anonymous touch demand-zero again; random turns off a
 * fault's readahead; random takes the mapping out of linux's recency: a young PTE of it torn
 * down marks nothing (zap_pte_range's vma_has_recency), so a later read is the page's first
 * folio_mark_accessed (inactive), where through a normal mapping it is the second (active). */
/* madvise willneed on anonymous memory reads its swapped pages into the swap cache
 * (swapin_walk_pmd_entry): 4 frames, 4 pages written, then 4 others read (demand-zero, clean:
 * the written ones go to swap), then willneed over the first 4: each is read from swap
 * without being mapped (io.swap_in 4, io.swap_readahead 4), so touching them again finds
 * them in the swap cache (minor faults), where without the advice each is a swap-in. */
static void test_madvise_willneed_swap(void)
{
    const char *pre = "W 0x1000\nW 0x2000\nW 0x3000\nW 0x4000\nR 0x10000\nR 0x11000\nR 0x12000\nR 0x13000\n";
    const char *post = "R 0x1000\nR 0x2000\nR 0x3000\nR 0x4000\n";
    for (int adv = 0; adv < 2; adv++) {
        char text[512];
        snprintf(text, sizeof text, "%s%s%s", pre, adv ? "madvise 1 0x1000 0x4000 willneed\n" : "", post);
        static const char *const pols[] = {"policy=lru", "policy=linux", "policy=mglru"};
        for (int k = 0; k < 3; k++) {
            json_t *d = run2(text, "frames=4", "readahead=0", pols[k]);
            if (!d)
                continue;
            CHECK_EQ(ji(d, "faults.swap_in"), adv ? 0 : 4);
            CHECK_EQ(ji(d, "faults.swap_cache"), adv ? 4 : 0);
            CHECK_EQ(ji(d, "io.swap_in"), 4);
            CHECK_EQ(ji(d, "io.swap_readahead"), adv ? 4 : 0);
            json_decref(d);
        }
    }
}

static void test_madvise(void)
{
    json_t *d = run2("W 0x1000\nmadvise 1 0x1000 4096 dontneed\nR 0x1000\n", "frames=4", "readahead=0", "policy=lru");
    if (d) {
        CHECK_EQ(ji(d, "faults.demand_zero"), 2);
        json_decref(d);
    }
    const char *map = "mmap 1 0x10000 0x8000 r-- file:f shared\n";
    for (int rnd = 0; rnd < 2; rnd++) {
        char text[512];
        snprintf(text, sizeof text, "%s%sR 0x10000\n", map, rnd ? "madvise 1 0x10000 0x8000 random\n" : "");
        d = run2(text, "frames=8", "readahead=3", "policy=lru");
        if (d) {
            CHECK_EQ(ji(d, "io.file_read"), rnd ? 1 : 4);
            json_decref(d);
        }
        snprintf(text, sizeof text, "%s%sR 0x10000\nmunmap 1 0x10000 0x8000\nread 1 f 0 4096\n", map,
                 rnd ? "madvise 1 0x10000 0x8000 random\n" : "");
        d = run2(text, "frames=8", "readahead=0", "policy=linux");
        if (d) {
            CHECK_EQ(ji(d, "policy.stats.nr_active_file"), rnd ? 0 : 1);
            json_decref(d);
        }
    }
    /* madvise normal after random restores readahead (the area is split and rejoined) */
    d = run2("mmap 1 0x10000 0x8000 r-- file:f shared\nmadvise 1 0x10000 0x8000 random\n"
             "madvise 1 0x12000 0x1000 normal\nR 0x12000\nR 0x10000\n", "frames=8", "readahead=2", "policy=lru");
    if (d) {
        CHECK_EQ(ji(d, "io.file_read"), 2);           /* readahead stops at the end of page 2's own (split) area; page 0 alone */
        json_decref(d);
    }
}

/* fadvise and madvise willneed (fileio.c): random reads ahead nothing, sequential twice;
 * willneed reads the range in without a reference; dontneed writes dirty pages back and drops
 * clean unmapped ones, keeping mapped ones. Each count derived from the records by hand. */
static void test_fadvise(void)
{
    /* readahead=2: normal reads 1 + 2 pages, random 1, sequential 1 + 4 */
    static const char *const adv[] = {"normal", "random", "sequential"};
    static const long long want[] = {3, 1, 5};
    for (int k = 0; k < 3; k++) {
        char text[256];
        snprintf(text, sizeof text, "fadvise 1 data 0 0 %s\nread 1 data 0 4096\n", adv[k]);
        json_t *d = run2(text, "frames=8", "readahead=2", "policy=lru");
        if (d) {
            CHECK_EQ(ji(d, "io.file_read"), want[k]);
            CHECK_EQ(ji(d, "fileio.fadvises"), 1);
            json_decref(d);
        }
    }
    /* willneed of pages 0..3: four device pages, then reading them is four hits */
    json_t *d = run2("fadvise 1 data 0 16384 willneed\nread 1 data 0 16384\n", "frames=8", "readahead=0", "policy=clock");
    if (d) {
        CHECK_EQ(ji(d, "fileio.willneed_pages"), 4);
        CHECK_EQ(ji(d, "io.file_read"), 4);
        CHECK_EQ(ji(d, "fileio.read_hits"), 4);
        json_decref(d);
    }
    /* madvise willneed over a file area at page offset 2: file pages 2 and 3 are read; the
     * touch of the first is then a page-cache (minor) fault, not a file read */
    d = run2("mmap 1 0x10000 0x2000 r-- file:data@0x2000 shared\nmadvise 1 0x10000 0x2000 willneed\nR 0x10000\n"
             "read 1 data 0x3000 1\n", "frames=8", "readahead=0", "policy=lru");
    if (d) {
        CHECK_EQ(ji(d, "fileio.willneed_pages"), 2);
        CHECK_EQ(ji(d, "io.file_read"), 2);
        CHECK_EQ(ji(d, "faults.page_cache"), 1);
        CHECK_EQ(ji(d, "fileio.read_hits"), 1);
        json_decref(d);
    }
    /* dontneed: pages 0..3 read; page 1 written (dirty), page 2 mapped and touched. Then
     * dontneed of the whole file: page 1 written back and kept, pages 0 and 3 dropped,
     * page 2 kept; reading 0..3 again misses 0 and 3 only */
    d = run2("read 1 data 0 16384\nwrite 1 data 4096 4096\nmmap 1 0x10000 0x1000 r-- file:data@0x2000 shared\n"
             "R 0x10000\nfadvise 1 data 0 0 dontneed\nread 1 data 0 16384\n", "frames=8", "readahead=0", "policy=lru");
    if (d) {
        CHECK_EQ(ji(d, "fileio.dontneed_cleaned"), 1);
        CHECK_EQ(ji(d, "fileio.dontneed_dropped"), 2);
        CHECK_EQ(ji(d, "io.file_write"), 1);
        CHECK_EQ(ji(d, "io.file_read"), 6);
        CHECK_EQ(ji(d, "fileio.read_misses"), 6);
        json_decref(d);
    }
}

/* MGLRU's page-table walk (env->walk_refs) skips areas without recency (should_skip_vma:
 * !vma_has_recency), as env->referenced skips their mappings: 4 hot pages in an area madvised
 * random, referenced between runs of a cold scan, are in memory at every walk but never
 * visited, so the walks visit 4 PTEs fewer each than with the area left normal. */
static void test_walk_skips_norecency(void)
{
    long long ptes[2] = {0, 0}, walks[2] = {0, 0};
    for (int rnd = 0; rnd < 2; rnd++) {
        static char text[64 * 1024];
        size_t n = (size_t)snprintf(text, sizeof text, "mmap 1 0x100000 0x4000 r-- file:hot@0 shared\n"
                                    "mmap 1 0x200000 0x400000 r-- file:cold@0 shared\n"
                                    "madvise 1 0x100000 0x4000 %s\n", rnd ? "random" : "normal");
        for (unsigned r = 0, c = 0; r < 300; r++) {
            for (unsigned i = 0; i < 4; i++)
                n += (size_t)snprintf(text + n, sizeof text - n, "R 0x%x\n", 0x100000 + i * 0x1000);
            for (unsigned j = 0; j < 6; j++, c++)
                n += (size_t)snprintf(text + n, sizeof text - n, "R 0x%x\n", 0x200000 + (c % 1024) * 0x1000);
        }
        const char *sets[] = {"frames=128", "readahead=0", "policy=mglru", "paranoid=true", NULL};
        int code;
        json_t *d = run_text(text, sets, &code);
        CHECK_EQ(code, SIMRUN_OK);
        if (!d)
            return;
        ptes[rnd] = ji(d, "policy.stats.walk_ptes");
        walks[rnd] = ji(d, "policy.stats.agings") - ji(d, "policy.stats.walk_skipped_mms");
        json_decref(d);
    }
    CHECK(walks[0] > 0 && walks[0] == walks[1]);
    CHECK_EQ(ptes[0] - ptes[1], 4 * walks[0]);
}

static void test_determinism_and_errors(void)
{
    const char *text = "read 1 data 0 40960\nwrite 1 data 0 5000\nR 0x1000\nread 1 data 81920 8192\n"
                       "write 1 data 90000 4096\nread 1 data 0 4096\n";
    const char *sets[] = {"frames=6", "readahead=2", "policy=linux", "paranoid=true", NULL};
    int c1, c2;
    json_t *a = run_text(text, sets, &c1), *b = run_text(text, sets, &c2);
    CHECK_EQ(c1, SIMRUN_OK);
    CHECK_EQ(c2, SIMRUN_OK);
    if (a && b) {
        json_object_del(a, "traces");              /* the only difference: each run's file name */
        json_object_del(b, "traces");
        char *sa = json_dumps(a, JSON_SORT_KEYS), *sb = json_dumps(b, JSON_SORT_KEYS);
        CHECK(sa && sb && !strcmp(sa, sb));
        free(sa);
        free(sb);
    }
    json_decref(a);
    json_decref(b);
    const char *bad[] = {"frames=4", NULL};
    json_t *d = run_text("R 0x1000\nexit 1\nread 1 data 0 10\n", bad, &c1);
    CHECK_EQ(c1, SIMRUN_INPUT);
    json_decref(d);
}

/* Pages brought in, mapped or buffered: the misses of faults, of reads, and of writes, all
 * in `misses` (checked against its parts here). */
static long long page_misses(const json_t *d)
{
    long long faults = ji(d, "faults.total") - ji(d, "faults.page_cache") - ji(d, "faults.swap_cache") -
                       ji(d, "cow.reuses");
    CHECK_EQ(ji(d, "misses"), faults + ji(d, "fileio.read_misses") + ji(d, "fileio.write_pages") -
                              ji(d, "fileio.write_hits"));
    return ji(d, "misses");
}

/* OPT sees buffered pages as references (workloads/nextuse.c numbers each page of a read or
 * write). By hand, 2 frames, no readahead: t0 read p0 (miss), t1 R p1 through the mapping
 * (a major fault), t2 read p2 (miss: p0's next use t3 is nearer than p1's t4, so p1 goes),
 * t3 R p0 (in the page cache: a minor fault), t4 read p1 (miss; p0 and p2 are never used
 * again, the tie goes to the least recently used, p2). OPT: 1 fault miss + 3 read misses.
 * LRU evicts p0 at t2, so t3 is a major fault, evicting p1, and t4 misses: 2 + 3. */
static void test_opt_io_hand(void)
{
    const char *text = "mmap 1 0x10000 0x4000 r-- file:data@0 shared\nread 1 data 0 4096\nR 0x11000\n"
                       "read 1 data 8192 4096\nR 0x10000\nread 1 data 4096 4096\n";
    static const char *const pols[] = {"policy=opt", "policy=lru"};
    static const long long want_misses[] = {1 + 3, 2 + 3};   /* misses counts both */
    for (int k = 0; k < 2; k++) {
        const char *sets[] = {"frames=2", "readahead=0", pols[k], "paranoid=true", NULL};
        int code;
        json_t *d = run_text(text, sets, &code);
        CHECK_EQ(code, SIMRUN_OK);
        if (!d)
            continue;
        CHECK_EQ(ji(d, "misses"), want_misses[k]);
        CHECK_EQ(ji(d, "fileio.read_misses"), 3);
        CHECK_EQ(ji(d, "references"), 2);         /* buffered pages are not mapped references */
        CHECK_EQ(ji(d, "faults.minor"), k ? 0 : 1);
        if (!k) {
            CHECK_EQ(ji(d, "policy.stats.stale_next_uses"), 0);
            CHECK_EQ(ji(d, "policy.stats.unknown_next_uses"), 0);
        }
        json_decref(d);
    }
}

/* Random single-process traces of mapped references (a shared file mapping, a private one,
 * anonymous memory), buffered reads and writes of the same files and madvise dontneed, no
 * readahead: OPT's future is exact (no stale or unknown next use) and it brings in no more
 * pages than any registered policy at 2..7 frames (Belady: fewest misses of a fixed string). */
static void test_opt_io_props(void)
{
    unsigned long long seed = 12345;
    int npol = 0, fails = 0, runs = 0;
    while (repl_registry[npol])
        npol++;
    for (int ti = 0; ti < 24; ti++) {
        char text[16384];
        size_t n = (size_t)snprintf(text, sizeof text, "mmap 1 0x10000 0x8000 rw- file:a@0 shared\n"
                                    "mmap 1 0x20000 0x8000 rw- file:b@0x2000 private\n"
                                    "mmap 1 0x30000 0x8000 rw- anon private\n");
        for (int i = 0; i < 150; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned r = (unsigned)(seed >> 33);
            unsigned pg = r % 8, what = (r >> 3) % 20, area = (r >> 8) % 3;
            if (what < 3)
                n += (size_t)snprintf(text + n, sizeof text - n, "read 1 %c 0x%x 0x%x\n", "ab"[area & 1],
                                      pg * 0x1000 + (r >> 12) % 0x800, 1 + (r >> 16) % 0x2000);
            else if (what < 5)
                n += (size_t)snprintf(text + n, sizeof text - n, "write 1 %c 0x%x 0x%x\n", "ab"[area & 1],
                                      pg * 0x1000, (1 + (r >> 16) % 2) * 0x800);
            else if (what < 6)
                n += (size_t)snprintf(text + n, sizeof text - n, "madvise 1 0x%x 0x1000 dontneed\n",
                                      0x10000 * (area + 1) + pg * 0x1000);
            else
                n += (size_t)snprintf(text + n, sizeof text - n, "%c 0x%x\n", "RRW"[what % 3],
                                      0x10000 * (area + 1) + pg * 0x1000);
        }
        for (unsigned fr = 2; fr <= 7; fr++) {
            char frames[32];
            snprintf(frames, sizeof frames, "frames=%u", fr);
            long long best = -1, opt = -1;
            const char *bestpol = "";
            for (int pi = 0; pi < npol; pi++) {
                char pol[64];
                snprintf(pol, sizeof pol, "policy=%s", repl_registry[pi]->name);
                const char *sets[] = {frames, "readahead=0", "cow=reuse", pol, "paranoid=true", NULL};
                int code;
                json_t *d = run_text(text, sets, &code);
                runs++;
                if (!d) {
                    fprintf(stderr, "opt/io trace %d, %s, %s: run failed (%d)\n", ti, frames, pol, code);
                    fails++;
                    continue;
                }
                long long m = page_misses(d);
                if (repl_registry[pi]->flags & REPL_NEEDS_NEXT_USE) {
                    opt = m;
                    if (ji(d, "policy.stats.stale_next_uses") || ji(d, "policy.stats.unknown_next_uses")) {
                        fprintf(stderr, "opt/io trace %d, %s: stale %lld, unknown %lld next uses\n", ti, frames,
                                ji(d, "policy.stats.stale_next_uses"), ji(d, "policy.stats.unknown_next_uses"));
                        fails++;
                    }
                } else if (best < 0 || m < best) {
                    best = m;
                    bestpol = repl_registry[pi]->name;
                }
                json_decref(d);
            }
            if (opt < 0 || opt > best) {
                fprintf(stderr, "opt/io trace %d, %s: opt brings in %lld pages, %s %lld\n%s", ti, frames, opt,
                        bestpol, best, text);
                fails++;
            }
        }
    }
    CHECK_EQ(fails, 0);
    CHECK_EQ(runs, 24 * 6 * npol);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/pagesim_test_fileio_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_read();
    test_write();
    test_shared();
    test_fadvise();
    test_linux_marks();
    test_madvise();
    test_madvise_willneed_swap();
    test_determinism_and_errors();
    test_walk_skips_norecency();
    test_opt_io_hand();
    test_opt_io_props();
    rmdir(tmpdir);
    return check_report("test_fileio");
}
