/* record.c - `pagesim record`: the command line over workloads/record/. It parses the
 * options, picks the output format from FILE's name, has the supervisor (supervise.c) run
 * the program under Valgrind while the converter (conv.c) writes the trace to a temporary
 * file, and then checks that trace as `pagesim run` would read it (record_check: the reader
 * and the engine, which is why this lives in sim/cli and not in workloads/, which does not
 * link the engine) before it takes FILE's name. A trace that fails the check is a recorder
 * bug: it is kept as FILE.invalid. For standard output the trace is written in the binary
 * format beside the logs, checked, and then written out as text. The options are a table
 * (opts.h) parsed in order: they end at "--" or at PROGRAM, whose own arguments follow.
 *
 * Cost: the check replays the whole trace through the engine, a fraction of a second per
 * million references; Valgrind's slowdown (about 100 times) dominates everything else.
 */
#include "record.h"
#include "opts.h"
#include "sim/sim.h"
#include "workloads/convert.h"
#include "workloads/record/supervise.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ options */

static int record_ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

enum { OUT_STDOUT, OUT_TEXT, OUT_ZST, OUT_BIN };

typedef struct record_opts {
    const char *out;
    int fmt, level, keep, quiet;
    rec_filter_t filt;
    char marks[2][128];
    char **prog;
    int nprog;
} record_opts_t;

/* N, Nk, NM, NG (powers of 1000). 0 or -1. */
static int record_parse_count(const char *s, uint64_t *v)
{
    char *e;
    errno = 0;
    unsigned long long x = strtoull(s, &e, 10);
    if (e == s || errno || *s == '-')
        return -1;
    uint64_t m = *e == 'k' || *e == 'K' ? 1000 : *e == 'M' ? 1000000 : *e == 'G' ? 1000000000 : 1;
    if (m > 1)
        e++;
    if (*e || x > UINT64_MAX / m)
        return -1;
    *v = (uint64_t)x * m;
    return 0;
}

/* The output format from the name. 0, or -1 with the message printed. */
static int record_out_format(const char *out, int *fmt)
{
    if (!strcmp(out, "-"))
        *fmt = OUT_STDOUT;
    else if (record_ends_with(out, ".pstb.zst")) {
        fprintf(stderr, "pagesim record: %s: the binary format is compressed already; "
                        "name it FILE.pstb\n", out);
        return -1;
    } else if (record_ends_with(out, ".pstb"))
        *fmt = OUT_BIN;
    else if (record_ends_with(out, ".zst") && strlen(out) > 4 && out[strlen(out) - 5] != '/')
        *fmt = OUT_ZST;
    else if ((record_ends_with(out, ".trace") && strlen(out) > 6) || (record_ends_with(out, ".txt") && strlen(out) > 4))
        *fmt = OUT_TEXT;
    else {
        fprintf(stderr, "pagesim record: %s: cannot tell the format from the name: use FILE.trace "
                        "or FILE.txt (text), FILE.zst (compressed text) or FILE.pstb (binary)\n", out);
        return -1;
    }
    return 0;
}

/* Is PROGRAM there to run (a path, or a name on PATH)? */
static int record_program_found(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    char buf[PATH_MAX];
    while (*path) {
        const char *e = strchr(path, ':');
        size_t n = e ? (size_t)(e - path) : strlen(path);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? path : ".", prog);
        struct stat st;
        if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
            return 1;
        path += n + (e != NULL);
    }
    return 0;
}

/* The actions of the options with a rule (opts.h): p->dest is the record_opts_t; a bad
 * value is -1 with the message in p->err ("pagesim record: " goes before it). */

enum { RECORD_MAX_REFS, RECORD_SKIP_REFS };      /* the count options' .kind */

/* --no-file-io. */
static int record_opt_no_file_io(opts_parse_t *p, const opt_t *opt, const char *val)
{
    (void)opt;
    (void)val;
    ((record_opts_t *)p->dest)->filt.file_io = 0;
    return 0;
}

/* --max-refs N (N >= 1), --skip-refs N. */
static int record_opt_count(opts_parse_t *p, const opt_t *opt, const char *val)
{
    record_opts_t *o = p->dest;
    int max = opt->kind == RECORD_MAX_REFS;
    uint64_t *count = max ? &o->filt.max_refs : &o->filt.skip_refs;
    if (record_parse_count(val, count) < 0 || (max && !*count))
        return sim_err_set(p->err, SIM_EINPUT, "--%s takes a %scount such as 1000000 or 5M, not '%s'",
                           opt->name, max ? "positive " : "", val);
    return 0;
}

/* --markers[=START,STOP]: two file names, no '/' (default pagesim-start,pagesim-stop). */
static int record_opt_markers(opts_parse_t *p, const opt_t *opt, const char *val)
{
    (void)opt;
    record_opts_t *o = p->dest;
    const char *m = val ? val : "pagesim-start,pagesim-stop";
    const char *comma = strchr(m, ',');
    size_t n0 = comma ? (size_t)(comma - m) : 0;
    if (!comma || !n0 || !comma[1] || n0 >= sizeof o->marks[0] || strlen(comma + 1) >= sizeof o->marks[1]
        || memchr(m, '/', n0) || strchr(comma + 1, '/') || strchr(comma + 1, ','))
        return sim_err_set(p->err, SIM_EINPUT, "--markers=START,STOP takes two file names (no '/'), not '%s'", m);
    memcpy(o->marks[0], m, n0);
    o->marks[0][n0] = 0;
    snprintf(o->marks[1], sizeof o->marks[1], "%s", comma + 1);
    o->filt.start_marker = o->marks[0];
    o->filt.stop_marker = o->marks[1];
    return 0;
}

/* --level N: zstd's, 1 to 19. */
static int record_opt_level(opts_parse_t *p, const opt_t *opt, const char *val)
{
    (void)opt;
    char *e;
    long v = strtol(val, &e, 10);
    if (!*val || *e || v < 1 || v > 19)
        return sim_err_set(p->err, SIM_EINPUT, "--level must be 1 to 19, not '%s'", val);
    ((record_opts_t *)p->dest)->level = (int)v;
    return 0;
}

#define RECORD_FIELD(field) .off = offsetof(record_opts_t, field)
static const opt_t record_opts[] = {
    {"output", 'o', OPT_REQUIRED, "FILE", "the trace, its format from the name: FILE.trace or FILE.txt text,\n"
     "FILE.zst zstd-compressed text, FILE.pstb the binary format\n"
     "(default: text on standard output, and then PROGRAM's own\n"
     "standard output goes to standard error)", .action = opts_str, RECORD_FIELD(out)},
    {"quiet", 'q', OPT_NONE, NULL, "no progress line and no summary", .action = opts_true, RECORD_FIELD(quiet)},
    {"max-refs", 0, OPT_REQUIRED, "N", "stop the program after N references are written",
     .action = record_opt_count, .kind = RECORD_MAX_REFS},
    {"skip-refs", 0, OPT_REQUIRED, "N", "leave out the first N references (areas and processes stay)",
     .action = record_opt_count, .kind = RECORD_SKIP_REFS},
    {"markers", 0, OPT_OPTIONAL, "START,STOP", "write references only between an open (or stat...)\n"
     "of a file named START and one named STOP, by any process\n"
     "(default pagesim-start,pagesim-stop; the file need not exist)", .action = record_opt_markers},
    {"level", 0, OPT_REQUIRED, "N", "zstd level for .zst output (1-19, default 9)", .action = record_opt_level},
    {"keep-logs", 0, OPT_NONE, NULL, "leave Valgrind's logs in the temporary directory (debugging)",
     .action = opts_true, RECORD_FIELD(keep)},
    {"file-io", 0, OPT_NONE, NULL, "record read/write of regular files and madvise/fadvise\n"
     "(read, write, madvise, fadvise events: the default)",
     .action = opts_true, RECORD_FIELD(filt.file_io)},
    {"no-file-io", 0, OPT_NONE, NULL, "leave read, write, madvise and fadvise events out",
     .action = record_opt_no_file_io},
    OPTS_HELP,
    {0},
};

static const opts_cmd_t record_cmd = {
    .prog = "pagesim record",
    .usage =
        "usage: pagesim record [-o FILE] [-q] [--max-refs N] [--skip-refs N] [--markers[=START,STOP]]\n"
        "                      [--level N] [--keep-logs] [--no-file-io] -- PROGRAM [ARGS...]\n\n"
        "Runs PROGRAM under Valgrind lackey (memory, system calls, child processes) and writes\n"
        "one pagesim trace of every process: references R|W|X 0xADDR[:SIZE] PID and the\n"
        "events mmap, munmap, mprotect, brk, fork, exec, wait, exit, and buffered I/O:\n"
        "read, write, madvise, fadvise. The trace is checked as\n"
        "pagesim run would read it before record reports success.\n\n",
    .opts = record_opts,
    .epilog =
        "\nN takes k, M, G (10^3, 10^6, 10^9). Exit status: 0 the trace is whole and checked,\n"
        "2 bad usage, 1 no whole trace (Valgrind missing, a log lost, the check failed).\n"
        "Needs valgrind (Debian: apt-get install -y valgrind); PAGESIM_VALGRIND names another.\n"
        "Programs run about 100 times slower than natively under lackey.\n",
    .col = 21,
    .flags = OPTS_IN_ORDER,                 /* PROGRAM's own arguments follow */
};

/* Options into o (opts.h; the options end at "--" or at PROGRAM, whose arguments are its
 * own). Returns -1 to go on, else the exit status (0 after --help, 2). */
static int record_args(int argc, char **argv, record_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->out = "-";
    o->level = 9;
    o->filt.file_io = 1;
    int i, rc = opts_parse(&record_cmd, argc, argv, o, NULL, &i);
    if (rc >= 0)
        return rc;
    if (i >= argc)
        return opts_bad(&record_cmd, "no program given");
    if (record_out_format(o->out, &o->fmt) < 0)
        return 2;
    o->prog = argv + i;
    o->nprog = argc - i;
    if (!record_program_found(o->prog[0])) {
        fprintf(stderr, "pagesim record: %s: %s\n", o->prog[0],
                strchr(o->prog[0], '/') ? "no such executable" : "command not found");
        return 2;
    }
    return -1;
}

/* ------------------------------------------------------------------ the trace file */

/* The trace as `pagesim run` reads it: the reader (format detected from content) and the
 * engine with its event checks (a process's records after its exit, a fork of a live pid,
 * a zero-length area...) on the default configuration, a larger memory and no timeline.
 * A fraction of a second per million references. 0, or -1 with err. */
static int record_check(const char *path, sim_err_t *err);

static int record_check(const char *path, sim_err_t *err)
{
    json_t *cfg = config_defaults();
    if (!cfg)
        return sim_err_set(err, SIM_ESYS, "out of memory");
    int rc = config_set(cfg, "interval", "0", err);
    if (!rc)
        rc = config_set(cfg, "frames", "16384", err);
    if (!rc) {
        sim_t *s = sim_create(cfg, &path, 1, err);
        rc = s ? sim_run(s, err) : err->kind;
        sim_free(s);
    }
    json_decref(cfg);
    return rc;
}


typedef struct record_out {       /* the trace file while it is written */
    char tmp[PATH_MAX + 64];      /* its temporary name; "" once renamed or removed */
    FILE *raw;                    /* the file */
    FILE *f;                      /* what the converter writes to: raw, or zstd over it */
} record_out_t;

/* The trace goes to a temporary file (beside FILE, renamed once checked; for standard
 * output, the binary format in the log directory, written out as text once checked).
 * 0, or -1 with the message printed. */
static int record_out_open(const record_opts_t *o, const rec_sup_t *s, record_out_t *t)
{
    int to_stdout = o->fmt == OUT_STDOUT;
    if (to_stdout)
        snprintf(t->tmp, sizeof t->tmp, "%s/trace.pstbXXXXXX", rec_sup_dir(s));
    else
        snprintf(t->tmp, sizeof t->tmp, "%s.tmpXXXXXX", o->out);
    int tfd = mkstemp(t->tmp);
    if (tfd < 0 || !(t->raw = fdopen(tfd, "w"))) {
        fprintf(stderr, "pagesim record: cannot write %s: %s\n", to_stdout ? t->tmp : o->out,
                strerror(errno));
        if (tfd >= 0)
            close(tfd);
        t->tmp[0] = 0;
        return -1;
    }
    fchmod(tfd, 0644);
    t->f = o->fmt == OUT_ZST ? rec_sup_zstd_open(t->raw, o->level) : t->raw;
    if (!t->f) {
        fprintf(stderr, "pagesim record: cannot set up zstd output\n");
        return -1;
    }
    if (t->f == t->raw)
        setvbuf(t->raw, NULL, _IOFBF, 1 << 16);
    return 0;
}

/* Ends the zstd frame and closes the file, synced to disk when it is to be renamed.
 * 0, or -1 with the message printed. */
static int record_out_close(const record_opts_t *o, record_out_t *t)
{
    int to_stdout = o->fmt == OUT_STDOUT;
    if (t->f != t->raw) {
        FILE *zf = t->f;
        t->f = t->raw;
        if (fclose(zf) != 0) {
            fprintf(stderr, "pagesim record: writing %s: %s\n", o->out, strerror(errno));
            return -1;
        }
    }
    int bad = fflush(t->raw) != 0 || (!to_stdout && fsync(fileno(t->raw)) != 0);
    bad |= fclose(t->raw) != 0;
    t->raw = t->f = NULL;
    if (bad) {
        fprintf(stderr, "pagesim record: writing %s: %s\n", to_stdout ? t->tmp : o->out, strerror(errno));
        return -1;
    }
    return 0;
}

/* The closed trace, once it passes record_check, becomes FILE (or goes to standard output
 * as text); one that fails is kept as FILE.invalid. 0, or -1 with the message printed. */
static int record_out_publish(const record_opts_t *o, record_out_t *t)
{
    int to_stdout = o->fmt == OUT_STDOUT;
    sim_err_t err;
    if (record_check(t->tmp, &err) < 0) {
        char kept[PATH_MAX + 64];
        snprintf(kept, sizeof kept, "%s.invalid", to_stdout ? "pagesim-record.pstb" : o->out);
        int k = rename(t->tmp, kept) == 0;
        if (k)
            t->tmp[0] = 0;
        fprintf(stderr, "pagesim record: the trace fails pagesim run's checks (a recorder bug: "
                        "please report it): %s%s%s\n", err.msg, k ? "; kept as " : "", k ? kept : "");
        return -1;
    }
    if (to_stdout) {
        sim_err_t e;
        if (wl_convert(t->tmp, NULL, "text", "-", &e) < 0) {
            fprintf(stderr, "pagesim record: writing the trace: %s\n", e.msg);
            return -1;
        }
    } else if (rename(t->tmp, o->out) != 0) {
        fprintf(stderr, "pagesim record: writing %s: %s\n", o->out, strerror(errno));
        return -1;
    } else {
        t->tmp[0] = 0;
    }
    return 0;
}

/* What is left of a trace not published: closed and removed. */
static void record_out_discard(record_out_t *t)
{
    if (t->f && t->f != t->raw)
        fclose(t->f);
    if (t->raw)
        fclose(t->raw);
    if (t->tmp[0])
        unlink(t->tmp);
}

/* ------------------------------------------------------------------ the command */

/* The summary and the notes on how the program ended. The exit status: 0, or 1 when a log
 * was lost (the trace is written but not whole). */
static int record_report(const record_opts_t *o, const rec_sup_result_t *res)
{
    const rec_stats_t *st = &res->st;
    if (!o->quiet) {
        fprintf(stderr, "pagesim record: %" PRIu64 " references, %" PRIu64 " processes, %" PRIu64
                " forks, %" PRIu64 " execs, %" PRIu64 " waits, %" PRIu64 " mmaps, %" PRIu64
                " events -> %s (checked)\n", st->refs, st->processes, st->forks, st->execs, st->waits,
                st->mmaps, st->events, o->fmt == OUT_STDOUT ? "standard output" : o->out);
        if (st->file_reads || st->file_writes || st->advices)
            fprintf(stderr, "pagesim record: file I/O: %" PRIu64 " reads, %" PRIu64 " writes, %" PRIu64
                    " madvise/fadvise\n", st->file_reads, st->file_writes, st->advices);
        if (st->skipped_refs || st->dropped_refs)
            fprintf(stderr, "pagesim record: left out %" PRIu64 " references (%" PRIu64
                    " skipped, %" PRIu64 " outside the phase or after --max-refs)\n",
                    st->skipped_refs + st->dropped_refs, st->skipped_refs, st->dropped_refs);
    }
    int ws = res->wstatus;
    if (res->stopped)
        fprintf(stderr, "pagesim record: note: the program was stopped after %" PRIu64
                " references (--max-refs)\n", st->refs);
    else if (WIFEXITED(ws) && WEXITSTATUS(ws))
        fprintf(stderr, "pagesim record: note: the program exited with status %d\n", WEXITSTATUS(ws));
    else if (WIFSIGNALED(ws))
        fprintf(stderr, "pagesim record: note: the program was killed by signal %d\n", WTERMSIG(ws));
    if (o->filt.start_marker && !st->refs && !st->dropped_refs)
        fprintf(stderr, "pagesim record: note: no references at all\n");
    else if (o->filt.start_marker && !st->refs)
        fprintf(stderr, "pagesim record: note: no process opened a file named %s: no references "
                        "were written\n", o->filt.start_marker);
    if (res->lost) {
        fprintf(stderr, "pagesim record: the trace is not whole: %d log%s lost (see above)\n",
                res->lost, res->lost > 1 ? "s" : "");
        return 1;
    }
    return 0;
}

int record_main(int argc, char **argv)
{
    record_opts_t o;
    int rc = record_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char vg[PATH_MAX];
    if (rec_sup_find_valgrind(vg, sizeof vg) < 0) {
        fprintf(stderr, "pagesim record: %s not found: recording needs Valgrind.\n"
                        "  Install it with: apt-get install -y valgrind   (Debian, Ubuntu; as root)\n"
                        "  or point PAGESIM_VALGRIND at a valgrind executable.\n", vg);
        return 1;
    }
    sim_err_t err;
    rec_sup_t *s = rec_sup_new(o.keep, &err);
    if (!s) {
        fprintf(stderr, "pagesim record: %s\n", err.msg);
        return 1;
    }
    int status = 1;
    record_out_t t = { .tmp = "" };
    rec_sup_result_t res;
    rec_sup_opts_t so = { .valgrind = vg, .prog = o.prog, .nprog = o.nprog,
                          .stdout_to_stderr = o.fmt == OUT_STDOUT,
                          .binary = o.fmt == OUT_BIN || o.fmt == OUT_STDOUT,
                          .progress = !o.quiet && isatty(2), .filt = &o.filt };
    if (record_out_open(&o, s, &t) == 0) {
        if (rec_sup_start(s, t.f, &so, &err) < 0 || rec_sup_wait(s, &res, &err) < 0)
            fprintf(stderr, "pagesim record: %s\n", err.msg);
        else if (record_out_close(&o, &t) == 0 && record_out_publish(&o, &t) == 0)
            status = record_report(&o, &res);
    }
    record_out_discard(&t);
    if (o.keep)
        fprintf(stderr, "pagesim record: Valgrind logs kept in %s\n", rec_sup_dir(s));
    rec_sup_free(s);
    return status;
}
