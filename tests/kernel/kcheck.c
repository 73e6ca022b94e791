/* kcheck.c - the access patterns of the kernel validation (scripts/kernel-check, issue 15),
 * run on the real kernel and written as pagesim traces, from one generator so both sides see
 * the identical reference sequence.
 *
 *   kcheck list                                  the pattern names, one a line
 *   kcheck trace MODE PATTERN FRAMES [FILE]      the pattern as a pagesim text trace (stdout)
 *                                                (MODE pread-mapped: pread's sequence without
 *                                                the read event, see write_trace)
 *   kcheck run MODE PATTERN FRAMES FILE          run it on FILE: prints "misses N read_pages N"
 *   kcheck loop MODE LEN PASSES FILE             a loop of LEN pages, PASSES times (calibration)
 *
 * MODE pread: posix_fadvise(POSIX_FADV_RANDOM) (no readahead), then pread(2) of one 4 KiB page
 * per reference; a miss is a page mincore(2) reports non-resident (on a mapping of the file
 * that is never touched) just before the read. Trace: `read 1 NAME OFFSET 4096` lines.
 * MODE mmap: a shared read-only mapping with madvise(MADV_RANDOM) (no fault readahead, and the
 * kernel ignores its young bits: vma_has_recency), one load per reference; misses are the
 * major faults getrusage(2) counts. Trace: `mmap`, `madvise ... random`, then `R ADDR 1`.
 * Both also print the pages the process read from storage (/proc/self/io read_bytes / 4096)
 * as a cross-check (0 where the kernel has no task I/O accounting).
 *
 * Patterns are sized by FRAMES, the pages of memory the cgroup really gives the file (the
 * script calibrates it with `loop`); the file is FILE_PAGES = 16384 pages (64 MiB); seeds are
 * fixed, so a pattern is a pure function of (name, FRAMES). The process's own memory is made
 * the same whatever the pattern (the reference buffer is always MAX_REFS entries, touched), so
 * one calibration holds for every pattern of a mode.
 *
 * Why a C helper built by CMake (not part of pagesim): the kernel side needs pread, mincore,
 * madvise and getrusage with nothing else in the process (a shell or Python would charge its
 * own pages and references), and the CI golden test (tests/kernel_golden.sh) needs the same
 * generator without root to regenerate the traces.
 *
 * Costs: O(refs) time; memory MAX_REFS * 4 bytes plus the Zipf table (FILE_PAGES doubles).
 * References: Linux mm/filemap.c (filemap_read, filemap_fault), mm/fadvise.c, mm/madvise.c,
 * mm/mincore.c; Gray et al., "Quickly generating billion-record synthetic databases" (Zipf by
 * inverse CDF).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define PAGE 4096u
#define FILE_PAGES 16384u
#define MAX_REFS (1u << 18)
#define TRACE_BASE 0x10000000ull

typedef struct rng { uint64_t s; } rng_t;

static uint64_t rng_next(rng_t *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rng_below(rng_t *r, uint32_t n) { return (uint32_t)((rng_next(r) >> 11) % n); }
static double rng_unit(rng_t *r) { return (double)(rng_next(r) >> 11) / 9007199254740992.0; }

static uint32_t *refs;   /* MAX_REFS page numbers */
static double *zcdf;     /* FILE_PAGES */

static uint32_t clampu(uint64_t v, uint32_t lo, uint32_t hi)
{
    return v < lo ? lo : v > hi ? hi : (uint32_t)v;
}

/* A loop over len pages, passes times. */
static uint32_t gen_loop(uint32_t len, uint32_t passes)
{
    uint32_t n = 0;
    for (uint32_t p = 0; p < passes; p++)
        for (uint32_t i = 0; i < len && n < MAX_REFS; i++)
            refs[n++] = i;
    return n;
}

/* Zipf(s) over d ranks (rank k has weight 1/k^s), count references, ranks scattered over the
 * file by a seeded multiplicative hash so hot pages are not neighbours. */
static uint32_t gen_zipf(uint32_t d, double s, uint32_t count, uint64_t seed)
{
    rng_t r = { seed };
    double sum = 0;
    for (uint32_t k = 0; k < d; k++) {
        sum += 1.0 / pow((double)(k + 1), s);
        zcdf[k] = sum;
    }
    uint32_t n = 0;
    for (; n < count && n < MAX_REFS; n++) {
        double u = rng_unit(&r) * sum;
        uint32_t lo = 0, hi = d - 1;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (zcdf[mid] < u) lo = mid + 1; else hi = mid;
        }
        refs[n] = (uint32_t)(((uint64_t)lo * 7919u) % FILE_PAGES);
    }
    return n;
}

/* Generate pattern name for frames c; returns the count, 0 for an unknown name. */
static uint32_t gen(const char *name, uint32_t c)
{
    uint32_t count = clampu(8ull * c, 1, MAX_REFS);
    if (!strcmp(name, "loop_below"))          /* 90% of memory, 4 passes: only cold misses */
        return gen_loop(c * 9 / 10, 4);
    if (!strcmp(name, "loop_above"))          /* 110% of memory, 4 passes: LRU's worst case */
        return gen_loop(clampu(c * 11ull / 10, 1, FILE_PAGES), 4);
    if (!strcmp(name, "hot_scan")) {          /* hot half of memory, 3/4 of refs; a cold scan */
        rng_t r = { 15001 };
        uint32_t hot = c / 2, scan = FILE_PAGES - hot, pos = 0, n = 0;
        for (; n < count; n++)
            refs[n] = rng_below(&r, 4) ? rng_below(&r, hot) : hot + (pos++ % scan);
        return n;
    }
    if (!strcmp(name, "zipf_0.7"))
        return gen_zipf(clampu(3ull * c, 1, FILE_PAGES), 0.7, count, 15002);
    if (!strcmp(name, "zipf_0.9"))
        return gen_zipf(clampu(3ull * c, 1, FILE_PAGES), 0.9, count, 15003);
    if (!strcmp(name, "zipf_1.1"))                /* over the whole file: its tail is long */
        return gen_zipf(FILE_PAGES, 1.1, count, 15004);
    if (!strcmp(name, "moving_ws")) {         /* 80% of memory, uniform; moves 25% per c refs */
        rng_t r = { 15005 };
        uint32_t ws = c * 8 / 10, step = c / 4, n = 0;
        for (; n < count; n++) {
            uint32_t base = (uint32_t)((uint64_t)(n / c) * step);
            refs[n] = (base + rng_below(&r, ws)) % FILE_PAGES;
        }
        return n;
    }
    if (!strcmp(name, "two_hot")) {           /* A: 30% of memory, 60% of refs; B: 100%, 40% */
        rng_t r = { 15006 };
        uint32_t a = c * 3 / 10, b = c, n = 0;
        for (; n < count; n++)
            refs[n] = rng_below(&r, 10) < 6 ? rng_below(&r, a) : a + rng_below(&r, b);
        return n;
    }
    return 0;
}

static const char *const patterns[] = {
    "loop_below", "loop_above", "hot_scan", "zipf_0.7", "zipf_0.9", "zipf_1.1",
    "moving_ws", "two_hot",
};

static int usage(void)
{
    fprintf(stderr, "usage: kcheck list\n"
                    "       kcheck trace pread|pread-mapped|mmap PATTERN FRAMES [FILE-NAME]\n"
                    "       kcheck run pread|mmap PATTERN FRAMES FILE\n"
                    "       kcheck loop pread|mmap LEN PASSES FILE\n");
    return 2;
}

static uint32_t parse_u32(const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || end == s || v == 0 || v > FILE_PAGES * 8ul) {
        fprintf(stderr, "kcheck: bad %s '%s'\n", what, s);
        exit(2);
    }
    return (uint32_t)v;
}

static void write_trace(int mmap_mode, int emulate_read, const char *fname, uint32_t n)
{
    printf("# kcheck: %u references to the %u pages of file:%s (%s mode)\n", n, FILE_PAGES,
           fname, mmap_mode ? "mmap" : "pread");
    if (mmap_mode) {
        printf("mmap 1 0x%llx 0x%x r-- file:%s shared\n", TRACE_BASE, FILE_PAGES * PAGE, fname);
        printf("madvise 1 0x%llx 0x%x random\n", TRACE_BASE, FILE_PAGES * PAGE);
        for (uint32_t i = 0; i < n; i++)
            printf("R 0x%llx 1\n", TRACE_BASE + (unsigned long long)refs[i] * PAGE);
    } else if (emulate_read) {
        /* A read as a one-page mapping touched once and unmapped: the fault reads the page
         * in and zap_pte_range's folio_mark_accessed marks it, as filemap_read does. */
        for (uint32_t i = 0; i < n; i++) {
            unsigned long long off = (unsigned long long)refs[i] * PAGE;
            printf("mmap 1 0x%llx 0x%x r-- file:%s@0x%llx shared\n", TRACE_BASE, PAGE, fname, off);
            printf("R 0x%llx 1\nmunmap 1 0x%llx 0x%x\n", TRACE_BASE, TRACE_BASE, PAGE);
        }
    } else {
        printf("fadvise 1 %s 0 0 random\n", fname);
        for (uint32_t i = 0; i < n; i++)
            printf("read 1 %s %llu %u\n", fname, (unsigned long long)refs[i] * PAGE, PAGE);
    }
}

/* Pages this process read from storage so far (0 without task I/O accounting). */
static uint64_t read_pages(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    if (!f) return 0;
    char line[128];
    uint64_t v = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "read_bytes: %" SCNu64, &v) == 1) break;
    fclose(f);
    return v / PAGE;
}

static int run_kernel(int mmap_mode, const char *path, uint32_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) { fprintf(stderr, "kcheck: %s: %s\n", path, strerror(errno)); return 1; }
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < (off_t)FILE_PAGES * PAGE) {
        fprintf(stderr, "kcheck: %s: smaller than %u pages\n", path, FILE_PAGES);
        return 1;
    }
    size_t len = (size_t)FILE_PAGES * PAGE;
    volatile char *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) { perror("kcheck: mmap"); return 1; }
    uint64_t misses = 0, io0 = read_pages();
    if (mmap_mode) {
        if (madvise((void *)map, len, MADV_RANDOM)) { perror("kcheck: madvise"); return 1; }
        struct rusage a, b;
        getrusage(RUSAGE_SELF, &a);
        unsigned sink = 0;
        for (uint32_t i = 0; i < n; i++)
            sink += (unsigned char)map[(size_t)refs[i] * PAGE];
        getrusage(RUSAGE_SELF, &b);
        misses = (uint64_t)(b.ru_majflt - a.ru_majflt);
        if (sink == 0xffffffffu) putchar(' ');
    } else {
        int e = posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
        if (e) { fprintf(stderr, "kcheck: posix_fadvise: %s\n", strerror(e)); return 1; }
        static char buf[PAGE];
        for (uint32_t i = 0; i < n; i++) {
            unsigned char vec = 0;
            size_t off = (size_t)refs[i] * PAGE;
            if (mincore((void *)(map + off), PAGE, &vec)) { perror("kcheck: mincore"); return 1; }
            misses += !(vec & 1);
            if (pread(fd, buf, PAGE, (off_t)off) != (ssize_t)PAGE) {
                perror("kcheck: pread");
                return 1;
            }
        }
    }
    printf("misses %" PRIu64 " read_pages %" PRIu64 "\n", misses, read_pages() - io0);
    munmap((void *)map, len);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage();
    if (!strcmp(argv[1], "list")) {
        for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) puts(patterns[i]);
        return 0;
    }
    if (argc < 5) return usage();
    int mmap_mode, emulate_read = 0;
    if (!strcmp(argv[2], "mmap")) mmap_mode = 1;
    else if (!strcmp(argv[2], "pread")) mmap_mode = 0;
    else if (!strcmp(argv[2], "pread-mapped") && !strcmp(argv[1], "trace")) mmap_mode = 0, emulate_read = 1;
    else return usage();
    /* The same anonymous footprint in every command (see the opening comment). */
    refs = calloc(MAX_REFS, sizeof *refs);
    zcdf = calloc(FILE_PAGES, sizeof *zcdf);
    if (!refs || !zcdf) { perror("kcheck"); return 1; }
    memset(refs, 0xff, MAX_REFS * sizeof *refs);
    memset(zcdf, 0, FILE_PAGES * sizeof *zcdf);
    uint32_t n;
    if (!strcmp(argv[1], "loop")) {
        if (argc != 6) return usage();
        n = gen_loop(clampu(parse_u32(argv[3], "length"), 1, FILE_PAGES),
                     parse_u32(argv[4], "passes"));
        return run_kernel(mmap_mode, argv[5], n);
    }
    uint32_t frames = parse_u32(argv[4], "frames");
    n = gen(argv[3], frames);
    if (!n) { fprintf(stderr, "kcheck: unknown pattern '%s'\n", argv[3]); return 2; }
    if (!strcmp(argv[1], "trace")) {
        if (argc > 6) return usage();
        write_trace(mmap_mode, emulate_read, argc == 6 ? argv[5] : "kcheck", n);
        return ferror(stdout) || fflush(stdout) ? 1 : 0;
    }
    if (!strcmp(argv[1], "run") && argc == 6) return run_kernel(mmap_mode, argv[5], n);
    return usage();
}
