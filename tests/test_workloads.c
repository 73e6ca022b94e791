/* test_workloads.c - the trace readers, compressed input, auto-detection, errors, next use.
 *
 * Fixtures are tests/data/wl_*: tiny hand-written traces whose records are listed here
 * exactly; the .gz and .zst files are the same traces compressed with gzip -9 -n and zstd
 * (wl_lackey_2members.txt.gz is two gzip members concatenated, as `cat a.gz b.gz` makes).
 * Malformed inputs are written to temporary files so the messages' PATH:LINE can be checked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "check.h"
#include "workloads/wl.h"
#include "workloads/convert.h"

#define D TEST_DATA_DIR "/"
#define MAXR 64

typedef struct {
    int n;
    wl_rec_t r[MAXR];
    char files[MAXR][64];    /* copies of rec.file, valid only until the next call */
} recs_t;

/* Reads a whole trace; returns the record count, or -1 with err (from open or from next). */
static int read_all(const char *path, const char *fmt, unsigned shift, recs_t *out, sim_err_t *err,
                    const char **detected)
{
    wl_t *wl = wl_open(path, fmt, NULL, err);
    if (!wl)
        return -1;
    if (detected)
        *detected = wl->ops->name;
    wl->page_shift = shift;
    out->n = 0;
    int rc;
    wl_rec_t r;
    while ((rc = wl_next(wl, &r)) > 0 && out->n < MAXR) {
        out->r[out->n] = r;
        snprintf(out->files[out->n], 64, "%s", r.file ? r.file : "");
        out->n++;
    }
    if (rc < 0)
        *err = wl->err;
    wl_close(wl);
    return rc < 0 ? -1 : out->n;
}

static void check_ref(const wl_rec_t *r, int kind, uint64_t addr, uint32_t size, spid_t pid, int line)
{
    int ok = r->type == WL_REF && r->kind == kind && r->addr == addr && r->size == size && r->pid == pid;
    if (ok)
        check_passed++;
    else {
        check_failed++;
        fprintf(stderr, "%s:%d: record type %d kind %d addr %#llx size %u pid %u, expected kind %d addr "
                "%#llx size %u pid %u\n", __FILE__, line, r->type, r->kind, (unsigned long long)r->addr,
                r->size, r->pid, kind, (unsigned long long)addr, size, pid);
    }
}
#define REF(r, k, a, s, p) check_ref(r, k, a, s, p, __LINE__)

static char tmpdir[] = "/tmp/pagesim-test-wl-XXXXXX";

/* Writes n bytes to a fresh file under tmpdir; returns its path (static buffer per slot). */
static const char *tmpfile_with(const char *name, const void *data, size_t n)
{
    static char paths[8][512];
    static int slot;
    char *p = paths[slot++ % 8];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "wb");
    if (!f) {
        perror(p);
        exit(2);
    }
    fwrite(data, 1, n, f);
    fclose(f);
    return p;
}
static const char *tmptext(const char *name, const char *text) { return tmpfile_with(name, text, strlen(text)); }

/* An error must start with "PATH:LINE: " and contain `what`. */
static void check_err(const sim_err_t *err, const char *path, int line, const char *what, int srcline)
{
    char pre[700];
    if (line)
        snprintf(pre, sizeof pre, "%s:%d: ", path, line);
    else
        snprintf(pre, sizeof pre, "%s: ", path);
    if (!strncmp(err->msg, pre, strlen(pre)) && strstr(err->msg, what))
        check_passed++;
    else {
        check_failed++;
        fprintf(stderr, "%s:%d: error \"%s\", expected \"%s...%s...\"\n", __FILE__, srcline, err->msg, pre, what);
    if (err->kind != SIM_EINPUT) {
        check_failed++;
        fprintf(stderr, "%s:%d: error kind %d, expected SIM_EINPUT\n", __FILE__, srcline, err->kind);
    }
    }
}
#define ERR(e, p, l, w) check_err(e, p, l, w, __LINE__)

static void test_text(const char *path)
{
    recs_t R;
    sim_err_t err = {0};
    const char *fmt = NULL;
    CHECK_EQ(read_all(path, NULL, 12, &R, &err, &fmt), 12);
    CHECK_STR(fmt, "text");
    REF(&R.r[0], REF_READ, 0x1000, 1, 1);
    REF(&R.r[1], REF_WRITE, 4096, 8, 2);
    REF(&R.r[2], REF_IFETCH, 0x7fff0ffe, 4, 1);
    wl_rec_t *m = &R.r[3];
    CHECK(m->type == WL_MMAP && m->pid == 1 && m->addr == 0x400000 && m->len == 0x2000 &&
          m->prot == (WL_PROT_R | WL_PROT_X) && m->flags == 0 && m->offset == 0x1000);
    CHECK_STR(R.files[3], "/bin/true");
    m = &R.r[4];
    CHECK(m->type == WL_MMAP && m->pid == 2 && m->addr == 0x10000 && m->len == 4096 &&
          m->prot == (WL_PROT_R | WL_PROT_W) && m->flags == (WL_MAP_SHARED | WL_MAP_ANON));
    CHECK(R.r[5].type == WL_MUNMAP && R.r[5].pid == 1 && R.r[5].addr == 0x400000 && R.r[5].len == 4096);
    CHECK(R.r[6].type == WL_MPROTECT && R.r[6].addr == 0x10000 && R.r[6].len == 0x1000 &&
          R.r[6].prot == WL_PROT_R);
    CHECK(R.r[7].type == WL_BRK && R.r[7].addr == 0x600000 && R.r[7].len == 0x21000 &&
          R.r[7].prot == (WL_PROT_R | WL_PROT_W) && R.r[7].flags == WL_MAP_ANON);
    CHECK(R.r[8].type == WL_FORK && R.r[8].pid == 1 && R.r[8].pid2 == 2);
    CHECK(R.r[9].type == WL_EXEC && R.r[9].pid == 2);
    CHECK_STR(R.files[9], "/usr/bin/my prog");
    CHECK(R.r[10].type == WL_EXIT && R.r[10].pid == 2);
    REF(&R.r[11], REF_READ, 0xdeadbeef, 2, 3);
}

static void test_lackey(const char *path, const char *want_fmt)
{
    recs_t R;
    sim_err_t err = {0};
    const char *fmt = NULL;
    CHECK_EQ(read_all(path, want_fmt ? want_fmt : NULL, 12, &R, &err, &fmt), 6);
    CHECK_STR(fmt, "lackey");
    REF(&R.r[0], REF_IFETCH, 0x4010f0, 3, 1);
    REF(&R.r[1], REF_READ, 0x1ffefffd78, 8, 1);
    REF(&R.r[2], REF_WRITE, 0x1ffefffd70, 8, 1);
    REF(&R.r[3], REF_READ, 0x60104c, 4, 1);       /* M: a read ... */
    REF(&R.r[4], REF_WRITE, 0x60104c, 4, 1);      /* ... then a write of the same bytes */
    REF(&R.r[5], REF_IFETCH, 0x4010f3, 5, 1);
}

static const int silberschatz[20] = { 7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1 };

static void test_pages(const char *path, unsigned shift)
{
    recs_t R;
    sim_err_t err = {0};
    const char *fmt = NULL;
    CHECK_EQ(read_all(path, NULL, shift, &R, &err, &fmt), 20);
    CHECK_STR(fmt, "pages");
    for (int i = 0; i < 20 && i < R.n; i++)
        REF(&R.r[i], REF_READ, (uint64_t)silberschatz[i] << shift, 1, 1);
}

static void test_din(const char *path)
{
    recs_t R;
    sim_err_t err = {0};
    const char *fmt = NULL;
    CHECK_EQ(read_all(path, NULL, 12, &R, &err, &fmt), 6);
    CHECK_STR(fmt, "din");
    REF(&R.r[0], REF_IFETCH, 0, 1, 1);
    REF(&R.r[1], REF_READ, 0x1000, 1, 1);
    REF(&R.r[2], REF_READ, 0x70f60888, 1, 1);
    REF(&R.r[3], REF_IFETCH, 0x2cb5, 1, 1);           /* label 3 skipped before it */
    REF(&R.r[4], REF_WRITE, 0x70f60890, 1, 1);
    REF(&R.r[5], REF_WRITE, 0x70f6088c, 1, 1);        /* label 4 skipped before it */
}

static void test_pin(const char *path)
{
    recs_t R;
    sim_err_t err = {0};
    const char *fmt = NULL;
    CHECK_EQ(read_all(path, NULL, 12, &R, &err, &fmt), 4);    /* nothing after #eof */
    CHECK_STR(fmt, "pin");
    REF(&R.r[0], REF_WRITE, 0x7ffc8a9b0c18, 1, 1);
    REF(&R.r[1], REF_READ, 0x7ffc8a9b0c10, 1, 1);
    REF(&R.r[2], REF_READ, 0, 1, 1);
    REF(&R.r[3], REF_WRITE, 0x601040, 8, 1);
}

static void test_lis(const char *path, unsigned shift)
{
    recs_t R;
    sim_err_t err = {0};
    const char *fmt = NULL;
    static const uint64_t pages[] = { 1000, 1001, 1002, 5000, 1001, 1002 };
    CHECK_EQ(read_all(path, NULL, shift, &R, &err, &fmt), 6);
    CHECK_STR(fmt, "lis");
    for (int i = 0; i < 6 && i < R.n; i++)
        REF(&R.r[i], REF_READ, pages[i] << shift, 1, 1);
}

static void test_oracle(const char *path)
{
    recs_t R;
    sim_err_t err = {0};
    const char *fmt = NULL;
    CHECK_EQ(read_all(path, NULL, 12, &R, &err, &fmt), 4);
    CHECK_STR(fmt, "oracle");
    REF(&R.r[0], REF_READ, 7ull << 12, 1, 1);
    REF(&R.r[1], REF_READ, 3ull << 12, 1, 1);
    REF(&R.r[2], REF_READ, 7ull << 12, 1, 1);
    REF(&R.r[3], REF_READ, 0x123456789ull << 12, 1, 1);
}

static void test_readers(void)
{
    test_text(D "wl_text.txt");
    test_text(D "wl_text.txt.gz");
    test_text(D "wl_text.txt.zst");
    test_lackey(D "wl_lackey.txt", NULL);
    test_lackey(D "wl_lackey.txt", "lackey");
    test_lackey(D "wl_lackey.txt.zst", NULL);
    test_lackey(D "wl_lackey_2members.txt.gz", NULL);
    test_pages(D "wl_pages.txt", 12);
    test_pages(D "wl_pages.txt.gz", 12);
    test_pages(D "wl_pages.txt", 13);                    /* addr follows the engine's page size */
    test_din(D "wl_din.din");
    test_din(D "wl_din.din.gz");
    test_pin(D "wl_pin.out");
    test_pin(D "wl_pin.out.zst");
    test_lis(D "wl_lis.lis", 12);
    test_lis(D "wl_lis.lis.zst", 16);
    test_oracle(D "wl_oracle.bin");
    test_oracle(D "wl_oracle.bin.zst");
}

/* wl_fill gives the records wl_next gives, with their lines, in batches: every file reader
 * has a fill (a reader without one yields a record per call, and the engine then cannot
 * prefetch the coming walks: the oracle reader ran the libCacheSim streams 50% slower). An
 * end or error met inside a batch comes at the next call. */
static void fill_same(const char *path, const char *fmt)
{
    recs_t R;
    sim_err_t err = {0};
    int n = read_all(path, fmt, 12, &R, &err, NULL);
    CHECK(n >= 3);
    wl_t *wl = wl_open(path, fmt, NULL, &err);
    CHECK(wl != NULL);
    if (!wl)
        return;
    CHECK(wl->ops->fill != NULL);
    wl_rec_t b[3];
    int got = 0, rc, most = 0;
    while ((rc = wl_fill(wl, b, 3)) > 0) {
        most = rc > most ? rc : most;
        for (int i = 0; i < rc && got < n; i++, got++)
            CHECK(b[i].type == R.r[got].type && b[i].kind == R.r[got].kind && b[i].addr == R.r[got].addr &&
                  b[i].size == R.r[got].size && b[i].pid == R.r[got].pid && b[i].line == R.r[got].line);
    }
    CHECK_EQ(rc, 0);
    CHECK_EQ(got, n);
    CHECK_EQ(most, 3);                         /* batches, not one record a call */
    CHECK_EQ(wl_fill(wl, b, 3), 0);            /* stays at the end */
    wl_close(wl);
}

static void test_fill(void)
{
    fill_same(D "wl_lackey.txt", NULL);
    fill_same(D "wl_pages.txt", NULL);
    fill_same(D "wl_din.din", NULL);
    fill_same(D "wl_pin.out", NULL);
    fill_same(D "wl_lis.lis", NULL);
    fill_same(D "wl_oracle.bin.zst", NULL);
    /* An error after some records: the records first, then the error, once. */
    const char *p = tmptext("fill1", "12\n13\n12 13\n14\n");
    sim_err_t err = {0};
    wl_t *wl = wl_open(p, "pages", NULL, &err);
    CHECK(wl != NULL);
    if (!wl)
        return;
    wl_rec_t b[8];
    CHECK_EQ(wl_fill(wl, b, 8), 2);
    CHECK_EQ(b[1].addr, 13ull << 12);
    CHECK_EQ(b[1].line, 2);
    CHECK_EQ(wl_fill(wl, b, 8), -1);
    ERR(&wl->err, p, 3, "one page number");
    wl_close(wl);
    /* ... and wl_next after a fill that stopped early gives the stop too. */
    wl = wl_open(p, "pages", NULL, &err);
    CHECK(wl != NULL);
    if (!wl)
        return;
    CHECK_EQ(wl_fill(wl, b, 8), 2);
    CHECK_EQ(wl_next(wl, b), -1);
    ERR(&wl->err, p, 3, "one page number");
    CHECK_EQ(wl_rewind(wl), 0);                /* a rewind forgets the stop */
    CHECK_EQ(wl_fill(wl, b, 1), 1);
    CHECK_EQ(b[0].addr, 12ull << 12);
    wl_close(wl);
    /* The oracle reader's own fill: two records, then a stray tail, met after them. */
    unsigned char two[2 * 24 + 5] = { 0 };
    two[4] = 7;
    two[24 + 4] = 9;
    two[24 + 10] = 1;                          /* page 2^48 + 9: the id's high bytes are read */
    p = tmpfile_with("o2", two, sizeof two);
    wl = wl_open(p, "oracle", NULL, &err);
    CHECK(wl != NULL);
    if (!wl)
        return;
    CHECK_EQ(wl_fill(wl, b, 8), 2);
    CHECK_EQ(b[0].addr, 7ull << 12);
    CHECK_EQ(b[1].addr, (((1ull << 48) + 9) << 12));
    CHECK_EQ(b[1].line, 2);
    CHECK_EQ(wl_fill(wl, b, 8), -1);
    ERR(&wl->err, p, 2, "5 stray bytes");
    wl_close(wl);
}

/* Ambiguous and odd inputs: which reader wins, and the edge cases of line reading. */
static void test_detection(void)
{
    recs_t R;
    sim_err_t err = {0};
    const char *fmt = NULL;
    /* two single-digit-then-hex fields: din, not lis */
    CHECK_EQ(read_all(tmptext("a.trace", "2 100\n0 abc\n"), NULL, 12, &R, &err, &fmt), 2);
    CHECK_STR(fmt, "din");
    /* block numbers beyond 4: lis */
    CHECK_EQ(read_all(tmptext("b.trace", "8192 2\n77 1\n"), NULL, 12, &R, &err, &fmt), 3);
    CHECK_STR(fmt, "lis");
    /* the same text can be forced to the other reader */
    CHECK_EQ(read_all(tmptext("c.trace", "2 3\n"), "lis", 12, &R, &err, &fmt), 3);
    CHECK_STR(fmt, "lis");
    REF(&R.r[2], REF_READ, 4ull << 12, 1, 1);
    /* libCacheSim one-id-per-line with a hex id: pages */
    CHECK_EQ(read_all(tmptext("d.trace", "# ids\n0x10\n17\n"), NULL, 12, &R, &err, &fmt), 2);
    CHECK_STR(fmt, "pages");
    REF(&R.r[0], REF_READ, 0x10000, 1, 1);
    /* a pagesim text trace that is only events and references with pids */
    CHECK_EQ(read_all(tmptext("e.trace", "fork 1 2\nW 0x10 2\n"), NULL, 12, &R, &err, &fmt), 2);
    CHECK_STR(fmt, "text");
    /* wait PID [CHILD]: the child, or 0 for any; detected as text; comments after it */
    CHECK_EQ(read_all(tmptext("w.trace", "fork 1 2\nwait 1 2\nwait 0x1 # any\nwait\t3\t0\n"),
                      NULL, 12, &R, &err, &fmt), 4);
    CHECK_STR(fmt, "text");
    CHECK(R.r[1].type == WL_WAIT && R.r[1].pid == 1 && R.r[1].pid2 == 2 && R.r[1].line == 2);
    CHECK(R.r[2].type == WL_WAIT && R.r[2].pid == 1 && R.r[2].pid2 == 0);
    CHECK(R.r[3].type == WL_WAIT && R.r[3].pid == 3 && R.r[3].pid2 == 0);
    /* CRLF line ends, no final newline */
    CHECK_EQ(read_all(tmptext("f.trace", "R 0x1\r\nW 2\r\nX 3"), NULL, 12, &R, &err, &fmt), 3);
    REF(&R.r[2], REF_IFETCH, 3, 1, 1);
    /* a 5 MB line (a comment), then a reference: the line buffer grows */
    size_t big = 5u << 20;
    char *s = malloc(big + 32);
    memset(s, 'x', big);
    s[0] = '#';
    strcpy(s + big, "\nR 0x5\n");
    CHECK_EQ(read_all(tmpfile_with("g.trace", s, strlen(s)), "text", 12, &R, &err, NULL), 1);
    REF(&R.r[0], REF_READ, 5, 1, 1);
    free(s);
    /* nothing matches */
    const char *p = tmptext("h.trace", "hello world\n");
    CHECK_EQ(read_all(p, NULL, 12, &R, &err, NULL), -1);
    ERR(&err, p, 0, "unrecognised trace format");
    p = tmptext("i.trace", "");
    CHECK_EQ(read_all(p, NULL, 12, &R, &err, NULL), -1);
    ERR(&err, p, 0, "empty input");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), 0);   /* empty with a format: no records */
    CHECK_EQ(read_all(D "wl_nonexistent", NULL, 12, &R, &err, NULL), -1);
    ERR(&err, D "wl_nonexistent", 0, "No such file");
    CHECK(wl_open(D "wl_text.txt", "nosuch", NULL, &err) == NULL);
    CHECK(strstr(err.msg, "unknown trace format 'nosuch'") && strstr(err.msg, "lackey"));
    CHECK(wl_format_find("oracle") != NULL && wl_format_find("bogus") == NULL);
}

/* read, write, madvise and fadvise (issue 15): fields, names with blanks and '#', errors at
 * their line, and the canonical text written back reads as the same records. */
static void test_fileio_events(void)
{
    recs_t R, R2;
    sim_err_t err = {0};
    const char *fmt = NULL;
    const char *p = tmptext("io.trace", "read 1 data 0 8192\nwrite 2 my file#2 0x1000 100\n"
                            "madvise 1 0x10000 0x4000 random\nfadvise 3 data 4096 0 dontneed\n"
                            "madvise 1 0x0 1 willneed # a comment\n");
    CHECK_EQ(read_all(p, NULL, 12, &R, &err, &fmt), 5);
    CHECK_STR(fmt, "text");
    CHECK(R.r[0].type == WL_READ && R.r[0].pid == 1 && R.r[0].offset == 0 && R.r[0].len == 8192);
    CHECK_STR(R.files[0], "data");
    CHECK(R.r[1].type == WL_WRITE && R.r[1].pid == 2 && R.r[1].offset == 0x1000 && R.r[1].len == 100);
    CHECK_STR(R.files[1], "my file#2");
    CHECK(R.r[2].type == WL_MADVISE && R.r[2].addr == 0x10000 && R.r[2].len == 0x4000 &&
          R.r[2].kind == WL_ADV_RANDOM);
    CHECK(R.r[3].type == WL_FADVISE && R.r[3].pid == 3 && R.r[3].offset == 4096 && R.r[3].len == 0 &&
          R.r[3].kind == WL_ADV_DONTNEED);
    CHECK_STR(R.files[3], "data");
    CHECK(R.r[4].type == WL_MADVISE && R.r[4].kind == WL_ADV_WILLNEED && R.r[4].line == 5);
    /* written back as canonical text, read again: the same records */
    char path[256];
    snprintf(path, sizeof path, "%s/io2.trace", tmpdir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    for (int i = 0; i < R.n; i++) {
        wl_rec_t r = R.r[i];
        r.file = R.files[i];
        CHECK_EQ(wl_write_text(f, &r), 0);
    }
    fclose(f);
    CHECK_EQ(read_all(path, NULL, 12, &R2, &err, NULL), 5);
    for (int i = 0; i < R.n; i++) {
        CHECK(R2.r[i].type == R.r[i].type && R2.r[i].pid == R.r[i].pid && R2.r[i].kind == R.r[i].kind &&
              R2.r[i].offset == R.r[i].offset && R2.r[i].len == R.r[i].len && R2.r[i].addr == R.r[i].addr);
        CHECK_STR(R2.files[i], R.files[i]);
    }
    static const struct { const char *text, *msg; } bad[] = {
        {"read 1 data 0 0\n", "read: bad LENGTH"},
        {"read 1 data 0\n", "read: expected PID FILE OFFSET LENGTH"},
        {"write x data 0 1\n", "write: bad PID"},
        {"read 1 data zz 4\n", "read: bad OFFSET"},
        {"read 1 data 0xffffffffffffffff 2\n", "read: bad LENGTH"},
        {"fadvise 1 data 0 5\n", "fadvise: expected PID FILE OFFSET LENGTH ADVICE"},
        {"fadvise 1 data 0 5 often\n", "fadvise: ADVICE"},
        {"madvise 1 0 10 sideways\n", "madvise: ADVICE"},
        {"madvise 1 0 0 random\n", "madvise: bad LENGTH"},
        {"madvise 1 0 1 random x\n", "after the last field"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        p = tmptext("iobad", bad[i].text);
        CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
        ERR(&err, p, 1, bad[i].msg);
    }
}

static void test_errors(void)
{
    recs_t R;
    sim_err_t err = {0};
    const char *p;
    p = tmptext("t1", "R 0x1\n# c\nR 0xzz\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 3, "bad ADDRESS");
    CHECK(strstr(err.msg, "\"R 0xzz\"") != NULL);                  /* quotes the line */
    p = tmptext("t2", "R 0x1:0\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "bad SIZE");
    p = tmptext("t3", "W 0x1 2 3\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "after the PID");
    p = tmptext("t4", "mmap 1 0x1000 4096 rwz anon private\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "bad PROT");
    p = tmptext("t5", "mmap 1 0x1000 4096 rw- anon public\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "SHARING");
    p = tmptext("t6", "\nfrobnicate 1 2\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "not a reference");
    p = tmptext("t7", "fork 1\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "CHILD");
    p = tmptext("w1", "wait\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "wait: bad PID");
    p = tmptext("w2", "R 0x1\nwait one 2\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "wait: bad PID");
    p = tmptext("w3", "wait 1 two\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "wait: bad CHILD");
    p = tmptext("w4", "wait 1 2 3\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "after the last field");
    p = tmptext("w5", "wait 1 0x100000000\n");
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "wait: bad CHILD");
    p = tmptext("l1", "I  0400,4\n L 12zz,8\n");
    CHECK_EQ(read_all(p, "lackey", 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "malformed lackey");
    p = tmptext("p1", "12\n12 13\n");
    CHECK_EQ(read_all(p, "pages", 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "one page number");
    p = tmptext("d1", "0 100\n7 100\n");
    CHECK_EQ(read_all(p, "din", 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "LABEL");
    p = tmptext("n1", "0x1: R 0x2\n0x1: Q 0x2\n");
    CHECK_EQ(read_all(p, "pin", 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "R|W");
    p = tmptext("s1", "1 2\n1 x\n");
    CHECK_EQ(read_all(p, "lis", 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "START COUNT");
    unsigned char rec[25] = { 0 };
    p = tmpfile_with("o1", rec, sizeof rec);
    CHECK_EQ(read_all(p, "oracle", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "1 stray bytes");
    /* a cut gzip stream: an error at the end, not a silent short trace */
    FILE *f = fopen(D "wl_text.txt.gz", "rb");
    char gz[512];
    size_t n = f ? fread(gz, 1, sizeof gz, f) : 0;
    if (f)
        fclose(f);
    CHECK(n > 100);
    p = tmpfile_with("cut.gz", gz, n - 20);
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    CHECK(strstr(err.msg, "gzip") != NULL);
    f = fopen(D "wl_text.txt.zst", "rb");
    n = f ? fread(gz, 1, sizeof gz, f) : 0;
    if (f)
        fclose(f);
    p = tmpfile_with("cut.zst", gz, n - 20);
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    CHECK(strstr(err.msg, "zstd") != NULL);
}

static void test_input(void)
{
    sim_err_t err = {0};
    wl_input_t *in = wl_input_open(D "wl_lackey_2members.txt.gz", &err);
    CHECK(in != NULL);
    if (!in)
        return;
    const char *head;
    size_t n = wl_input_peek(in, &head);
    CHECK_EQ(n, 222);                               /* the whole decompressed file */
    CHECK(!memcmp(head, "==12345== Lackey", 16));
    size_t len;
    char *line = wl_input_line(in, &len);          /* peek consumed nothing */
    CHECK_STR(line, "==12345== Lackey, an example Valgrind tool");
    CHECK_EQ(len, 42);
    int lines = 1;
    while (wl_input_line(in, &len))
        lines++;
    CHECK_EQ(lines, 11);
    CHECK(wl_input_error(in) == NULL);
    CHECK_EQ(wl_input_rewind(in), 0);
    char buf[300];
    CHECK_EQ(wl_input_read(in, buf, sizeof buf), 222);
    CHECK(!memcmp(buf + 216, "ain()\n", 6));
    CHECK_EQ(wl_input_read(in, buf, sizeof buf), 0);
    wl_input_close(in);
}

static void test_split(void)
{
    vpn_t v;
    uint64_t n;
    wl_rec_t r = { .type = WL_REF, .addr = 0xffe, .size = 4 };
    wl_split(&r, 12, &v, &n);
    CHECK(v == 0 && n == 2);                        /* crosses from page 0 into page 1 */
    r.addr = 0x1000; r.size = 4096;
    wl_split(&r, 12, &v, &n);
    CHECK(v == 1 && n == 1);                        /* exactly one page */
    r.addr = 0xfff; r.size = 8194;
    wl_split(&r, 12, &v, &n);
    CHECK(v == 0 && n == 4);                        /* 0xfff..0x3000: pages 0-3 */
    r.addr = UINT64_MAX; r.size = 2;
    wl_split(&r, 12, &v, &n);
    CHECK(v == (UINT64_MAX >> 12) && n == 1);       /* clamped at the top of the space */
}

/* Rewinding gives the same stream again. */
static void test_rewind(const char *path)
{
    sim_err_t err = {0};
    wl_t *wl = wl_open(path, NULL, NULL, &err);
    CHECK(wl != NULL);
    if (!wl)
        return;
    wl_rec_t a[MAXR], b;
    int na = 0, rc, same = 1;
    while (na < MAXR && (rc = wl_next(wl, &a[na])) > 0)
        na++;
    CHECK_EQ(wl_rewind(wl), 0);
    int nb = 0;
    while ((rc = wl_next(wl, &b)) > 0) {
        if (nb >= na || b.type != a[nb].type || b.kind != a[nb].kind || b.addr != a[nb].addr ||
            b.size != a[nb].size || b.pid != a[nb].pid || b.len != a[nb].len)
            same = 0;
        nb++;
    }
    CHECK(na > 0 && na == nb && same);
    wl_close(wl);
}

static void test_nextuse(void)
{
    sim_err_t err = {0};
    static const vtime_t want[20] = {
        17, 4, 13, 8, 6, 9, 10, VTIME_NEVER, 12, 11,
        15, VTIME_NEVER, 14, 16, VTIME_NEVER, 18, 19, VTIME_NEVER, VTIME_NEVER, VTIME_NEVER,
    };
    wl_t *wl = wl_open(D "wl_pages.txt.gz", NULL, NULL, &err);
    CHECK(wl != NULL);
    if (!wl)
        return;
    nextuse_t *nu = nu_build(wl, 12, NULL, &err);
    CHECK(nu != NULL);
    if (nu) {
        CHECK_EQ(nu_count(nu), 20);
        int ok = 1;
        for (int t = 0; t < 20; t++)
            if (nu_get(nu, (vtime_t)t) != want[t]) {
                ok = 0;
                fprintf(stderr, "next use at t=%d: %llu, expected %llu\n", t,
                        (unsigned long long)nu_get(nu, (vtime_t)t), (unsigned long long)want[t]);
            }
        CHECK(ok);
        CHECK(nu_get(nu, 20) == VTIME_NEVER);
        nu_free(nu);
    }
    wl_rec_t r;                                     /* rewound: the stream starts again */
    CHECK_EQ(wl_next(wl, &r), 1);
    CHECK_EQ(r.addr, 7 << 12);
    wl_close(wl);

    /* Page-crossing accesses, two processes, exec starting a new address space:
     * t0,t1 = pid 1 pages 0,1; t2 = pid 2 page 1; t3 = pid 1 page 1; exec 1;
     * t4 = pid 1 page 0 (new); t5 = pid 2 page 1. */
    const char *p = tmptext("nu.txt", "R 0xffe:4\nW 0x1000 2\nR 0x1fff\nexec 1 /bin/x\nR 0x0\nR 0x1000 2\n");
    wl = wl_open(p, NULL, NULL, &err);
    CHECK(wl != NULL);
    if (!wl)
        return;
    nu = nu_build(wl, 12, NULL, &err);
    CHECK(nu != NULL);
    if (nu) {
        CHECK_EQ(nu_count(nu), 6);
        CHECK(nu_get(nu, 0) == VTIME_NEVER);        /* exec broke the chain of pid 1 page 0 */
        CHECK_EQ(nu_get(nu, 1), 3);
        CHECK_EQ(nu_get(nu, 2), 5);
        CHECK(nu_get(nu, 3) == VTIME_NEVER && nu_get(nu, 4) == VTIME_NEVER && nu_get(nu, 5) == VTIME_NEVER);
        nu_free(nu);
    }
    wl_close(wl);

    /* A bad line makes the pass fail with the reader's message. */
    p = tmptext("nu_bad.txt", "R 1\nR 2\nQ 3\n");
    wl = wl_open(p, "text", NULL, &err);
    CHECK(wl != NULL);
    if (wl) {
        CHECK(nu_build(wl, 12, NULL, &err) == NULL);
        ERR(&err, p, 3, "not a reference");
        wl_close(wl);
    }
}

/* Compressed files bigger than the 1 MiB read chunk, several MB decompressed: every buffer
 * boundary (raw chunk, line buffer slide) is crossed many times. */
static void test_big_compressed(void)
{
    enum { N = 300000 };
    size_t cap = (size_t)N * 24, len = 0;
    char *text = malloc(cap);
    uint64_t x = 88172645463325252ull, sum = 0;
    for (int i = 0; i < N; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        uint64_t a = x >> 16;
        sum += a;
        len += (size_t)snprintf(text + len, cap - len, "%c 0x%llx\n", "RWX"[x % 3], (unsigned long long)a);
    }
    char path[600];
    snprintf(path, sizeof path, "%s/big.gz", tmpdir);
    gzFile g = gzopen(path, "wb0");               /* stored: compressed size ~ text size */
    CHECK(g && gzwrite(g, text, (unsigned)len) == (int)len);
    gzclose(g);
    size_t zcap = ZSTD_compressBound(len);
    char *z = malloc(zcap);
    size_t zn = ZSTD_compress(z, zcap, text, len, 1);
    CHECK(!ZSTD_isError(zn) && zn > (2u << 20));  /* random hex: > 2 chunks even compressed */
    const char *zpath = tmpfile_with("big.zst", z, zn);
    const char *paths[2] = { path, zpath };
    for (int k = 0; k < 2; k++) {
        sim_err_t err = {0};
        wl_t *wl = wl_open(paths[k], NULL, NULL, &err);
        CHECK(wl != NULL);
        if (!wl)
            continue;
        uint64_t got = 0, n = 0;
        wl_rec_t r;
        int rc;
        while ((rc = wl_next(wl, &r)) > 0) {
            got += r.addr;
            n++;
        }
        if (rc < 0)
            fprintf(stderr, "%s\n", wl->err.msg);
        CHECK_EQ(rc, 0);
        CHECK_EQ(n, N);
        CHECK(got == sum);
        wl_close(wl);
    }
    free(z);
    free(text);
}

/* Issue 11. F11: a NUL byte inside a line is an error at its line in every line reader (it used
 * to end the line silently). F9: a .lis line whose pages wrap past 2^64, or absurdly many,
 * is an error at its line. A text trace with a bad line among its first lines is reported at
 * that line, not as an unrecognised format. */
static void test_issue11(void)
{
    static const struct { const char *fmt, *good; } f[] = {
        {"text", "R 0x1000"}, {"lackey", " L 0400,8"}, {"pages", "12"}, {"din", "0 100"},
        {"pin", "0x1: R 0x2"}, {"lis", "8192 2"},
    };
    recs_t R;
    sim_err_t err = {0};
    char name[32], data[128];
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        /* the good line, then the good line with a NUL byte and more text after it */
        size_t g = strlen(f[i].good);
        size_t n = (size_t)snprintf(data, sizeof data, "%s\n%s", f[i].good, f[i].good);
        data[n++] = 0;
        n += (size_t)snprintf(data + n, sizeof data - n, " 7\n%s\n", f[i].good);
        snprintf(name, sizeof name, "nul_%s", f[i].fmt);
        const char *p = tmpfile_with(name, data, n);
        CHECK_EQ(read_all(p, f[i].fmt, 12, &R, &err, NULL), -1);
        ERR(&err, p, 2, "NUL byte");
        /* at the end of a file without a final newline, and as the first byte of a line */
        n = (size_t)snprintf(data, sizeof data, "%s\n%.*s", f[i].good, (int)g - 1, f[i].good);
        data[n++] = 0;
        p = tmpfile_with(name, data, n);
        CHECK_EQ(read_all(p, f[i].fmt, 12, &R, &err, NULL), -1);
        ERR(&err, p, 2, "NUL byte");
        n = (size_t)snprintf(data, sizeof data, "%s\n\n", f[i].good);
        data[n++] = 0;
        n += (size_t)snprintf(data + n, sizeof data - n, "%s\n", f[i].good);
        p = tmpfile_with(name, data, n);
        CHECK_EQ(read_all(p, f[i].fmt, 12, &R, &err, NULL), -1);
        ERR(&err, p, 3, "NUL byte");
    }
    /* auto-detected: the issue's reproducer names its line 2 */
    const char *p = tmpfile_with("nul.txt", "R 0x1000\nR 0x2\0000\n", 17);
    CHECK_EQ(read_all(p, NULL, 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "NUL byte");
    /* a line longer than the input buffer's first megabyte, with a NUL near its end */
    size_t big = 3u << 20;
    char *s = malloc(big + 32);
    memset(s, 'x', big);
    memcpy(s, "R 0x1\n#", 8);
    s[big - 5] = 0;
    memcpy(s + big, "\nR 0x2\n", 8);
    p = tmpfile_with("nul_big", s, big + 8);
    CHECK_EQ(read_all(p, "text", 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "NUL byte");
    free(s);

    /* F9: .lis ranges */
    p = tmptext("lis_wrap", "1 2\n0 18446744073709551615\n");
    CHECK_EQ(read_all(p, "lis", 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "COUNT");
    p = tmptext("lis_wrap2", "18446744073709551615 2\n");
    CHECK_EQ(read_all(p, "lis", 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "wraps");
    p = tmptext("lis_huge", "# big\n1 1099511627777\n");
    CHECK_EQ(read_all(p, "lis", 12, &R, &err, NULL), -1);
    ERR(&err, p, 2, "too many pages");
    p = tmptext("lis_top", "18446744073709551614 2\n");   /* up to the last page id: fine */
    CHECK_EQ(read_all(p, "lis", 0, &R, &err, NULL), 2);
    CHECK(R.r[1].addr == UINT64_MAX);

    /* a bad line early in a text trace, auto-detected: its line, not "unrecognised" */
    p = tmptext("early1", "R 0xzz\nR 0x1\n");
    CHECK_EQ(read_all(p, NULL, 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "bad ADDRESS");
    p = tmptext("early2", "# a comment\nR 0x1\nR 0x1:zz 2\n");
    CHECK_EQ(read_all(p, NULL, 12, &R, &err, NULL), -1);
    ERR(&err, p, 3, "bad SIZE");
    p = tmptext("early3", "R 0x1\nfork 1 2\nhello\nW 0x2 2\n");
    CHECK_EQ(read_all(p, NULL, 12, &R, &err, NULL), -1);
    ERR(&err, p, 3, "not a reference");
    p = tmptext("early4", "W\n");
    CHECK_EQ(read_all(p, NULL, 12, &R, &err, NULL), -1);
    ERR(&err, p, 1, "not a reference");
    /* but text that is mostly not pagesim text stays unrecognised */
    p = tmptext("early5", "hello\nworld\nR 0x1\n");
    CHECK_EQ(read_all(p, NULL, 12, &R, &err, NULL), -1);
    ERR(&err, p, 0, "unrecognised trace format");
}

/* F3: an input that cannot be read twice (a pipe on standard input) is spooled once into an
 * unlinked temporary file; each reopening reads all of it, and messages name the original. */
static void test_spool(void)
{
    int pfd[2], saved = dup(0);
    sim_err_t err = {0};
    wl_spool_t sp;
    CHECK_EQ(wl_spool(D "wl_text.txt", &sp, &err), 0);      /* a regular file: no copy */
    CHECK(pipe(pfd) == 0);
    const char *text = "R 0x1000\nW 0x2000 2\nR 0x1:0\n";
    CHECK(write(pfd[1], text, strlen(text)) == (ssize_t)strlen(text));
    close(pfd[1]);
    dup2(pfd[0], 0);
    close(pfd[0]);
    int rc = wl_spool("-", &sp, &err);
    CHECK_EQ(rc, 1);
    if (rc == 1) {
        for (int k = 0; k < 3; k++) {
            wl_t *wl = wl_open_as(sp.path, "-", k ? NULL : "text", NULL, &err);
            CHECK(wl != NULL);
            if (!wl) {
                fprintf(stderr, "%s\n", err.msg);
                break;
            }
            wl_rec_t r;
            CHECK_EQ(wl_next(wl, &r), 1);
            CHECK_EQ(wl_next(wl, &r), 1);
            CHECK(r.kind == REF_WRITE && r.pid == 2 && r.addr == 0x2000);
            CHECK_EQ(wl_next(wl, &r), -1);
            ERR(&wl->err, "-", 3, "bad SIZE");
            CHECK_EQ(wl_rewind(wl), 0);                   /* and it rewinds */
            CHECK_EQ(wl_next(wl, &r), 1);
            CHECK(r.addr == 0x1000);
            wl_close(wl);
        }
        wl_spool_free(&sp);
    }
    dup2(saved, 0);
    close(saved);
}

/* Standard input: readable, detected, but not rewindable, so no next use. */
static void test_stdin(void)
{
    int pfd[2], saved = dup(0);
    sim_err_t err = {0};
    CHECK(pipe(pfd) == 0);
    const char *text = "R 0x1000\nW 0x2000\n";
    CHECK(write(pfd[1], text, strlen(text)) == (ssize_t)strlen(text));
    close(pfd[1]);
    dup2(pfd[0], 0);
    close(pfd[0]);
    wl_t *wl = wl_open("-", NULL, NULL, &err);
    CHECK(wl != NULL);
    if (wl) {
        CHECK_STR(wl->ops->name, "text");
        nextuse_t *nu = nu_build(wl, 12, NULL, &err);
        CHECK(nu == NULL);
        CHECK(strstr(err.msg, "OPT needs") && strstr(err.msg, "pipe"));
        wl_close(wl);
    }
    dup2(saved, 0);
    close(saved);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    test_readers();
    test_fill();
    test_detection();
    test_errors();
    test_fileio_events();
    test_input();
    test_split();
    test_rewind(D "wl_lackey_2members.txt.gz");
    test_rewind(D "wl_text.txt.zst");
    test_rewind(D "wl_lis.lis");
    test_rewind(D "wl_oracle.bin.zst");
    test_nextuse();
    test_big_compressed();
    test_stdin();
    test_issue11();
    test_spool();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_report("test_workloads");
}
