/* pool.c - running a sweep's grid: a pool of forked workers, or a jobs file (see pool.h).
 *
 * Each point runs in a forked worker process, at most -j at a time: the engine has no global
 * state, so a worker is a plain call of sim_run_to_file, and a crash (a signal, an abort, the
 * kernel's out-of-memory kill) or an error ends that run only. The sweep names it on stderr,
 * writes DIR/runs/<name>.failed (its config, traces and why; removed when a later sweep runs
 * it through), goes on, and counts it; merge shows such points with a `failed` column (only
 * when there are any). Workers die with the sweep (PR_SET_PDEATHSIG): after a kill -9 the
 * next sweep resumes from the finished files. A worker's error text comes up a pipe. Cost:
 * one fork per point (the parent is small: the grid, one JSON config per point).
 *
 * The same files let GNU parallel or a Slurm array run the grid from a jobs file (one
 * `pagesim run ... -o DIR/runs/<name>.json` per line) with `pagesim merge` summarizing
 * afterwards: the direct sweep summarizes through the very same merge, so both paths produce
 * the same summary.tsv by construction. */
#include "pool.h"
#include "exp.h"
#include "sim/base/outfile.h"
#include "sim/sim.h"
#include "sim/base/xalloc.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double pool_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fmt_duration(char *buf, size_t n, double s)
{
    if (!isfinite(s) || s < 0)
        snprintf(buf, n, "--");
    else if (s < 60)
        snprintf(buf, n, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
    else
        snprintf(buf, n, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

typedef struct pool_slot { pid_t pid; int fd, pt; } pool_slot_t;

typedef struct pool {
    grid_t *g;
    int todo, finished, failed;
    double t0, last_draw;
    int tty, step;
    pool_slot_t *slots;
    int nw, running;              /* workers at most, workers now */
} pool_t;

/* The progress line: a bar on a terminal (redrawn at most every 0.2 s), else a line per
 * tenth of the runs. */
static void pool_progress(pool_t *r, int final)
{
    double t = pool_now_s(), el = t - r->t0;
    double eta = r->finished ? el / r->finished * (r->todo - r->finished) : NAN;
    char es[32], ee[32];
    fmt_duration(es, sizeof es, eta);
    fmt_duration(ee, sizeof ee, el);
    if (r->tty) {
        if (!final && t - r->last_draw < 0.2)
            return;
        r->last_draw = t;
        int width = 30, fill = r->todo ? (int)((long)width * r->finished / r->todo) : width;
        char bar[64];
        for (int i = 0; i < width; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[width] = '\0';
        fprintf(stderr, "\r[%s] %d/%d runs %3d%%  %s %s   ", bar, r->finished, r->todo,
                r->todo ? (int)(100L * r->finished / r->todo) : 100,
                final ? "elapsed" : "ETA", final ? ee : es);
        if (r->failed)
            fprintf(stderr, "(%d failed) ", r->failed);
        if (final)
            fputc('\n', stderr);
    } else if (final || (r->finished % r->step == 0 && r->finished < r->todo)) {
        fprintf(stderr, "pagesim sweep: %d/%d runs done%s, %s %s\n", r->finished, r->todo,
                r->failed ? " (some failed)" : "", final ? "elapsed" : "ETA", final ? ee : es);
    }
    fflush(stderr);
}

/* A worker: one grid point in a child process, so that a crash (a signal, an abort, the
 * kernel's out-of-memory kill) ends that run only. Its error text goes up the pipe; it dies
 * with the sweep (PR_SET_PDEATHSIG), so a killed sweep leaves no runs behind. For tests,
 * PAGESIM_TEST_CRASH=TEXT makes every point whose file name contains TEXT die of SIGSEGV. */
static void pool_child(const grid_t *g, const grid_point_t *p, int fd, pid_t parent)
{
    char path[PATH_MAX + 256];
    sim_err_t err;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    const char *crash = getenv("PAGESIM_TEST_CRASH");
    if (crash && *crash && strstr(p->name, crash)) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        raise(SIGSEGV);
    }
    snprintf(path, sizeof path, "%s/%s.json", g->runs_dir, p->name);
    const strv_t *tr = &g->traces[p->tr];
    /* --workload: the spec is the config's "workload", not a trace file (grid.h) */
    int rc = sim_run_to_file(p->cfg, (const char *const *)tr->v, g->workload ? 0 : tr->n, path, NULL, &err);
    if (rc && write(fd, err.msg, strlen(err.msg)) < 0)
        _exit(1);
    _exit(rc ? 1 : 0);
}

/* DIR/runs/<name>.failed: a failed point's record (its config, traces, seed and why), so the
 * summary shows the failure; removed when the point later succeeds. */
static void pool_record_failure(const grid_t *g, const grid_point_t *p, const char *why)
{
    char path[PATH_MAX + 256];
    sim_err_t err;
    snprintf(path, sizeof path, "%s/%s.failed", g->runs_dir, p->name);
    json_t *tr = json_array();
    for (int i = 0; i < g->traces[p->tr].n; i++)
        json_array_append_new(tr, json_string(g->traces[p->tr].v[i]));
    json_t *cfg = json_deep_copy(p->cfg);
    exp_sched_resolve(cfg, g->traces[p->tr].n);
    json_t *doc = json_pack("{s:i,s:s,s:o,s:I,s:o,s:s}", "schema", PAGESIM_SCHEMA, "version", PAGESIM_VERSION,
                            "config", cfg, "seed", json_integer_value(json_object_get(p->cfg, "seed")),
                            "traces", tr, "failed", why);
    if (!doc || sim_out_write(doc, path, &err))
        fprintf(stderr, "pagesim sweep: %s\n", doc ? err.msg : "cannot record a failure");
    json_decref(doc);
}

/* Starts point i in a new worker (slot r->running); a point that cannot start fails. */
static void pool_start(pool_t *r, int i, pid_t self)
{
    grid_t *g = r->g;
    int fds[2];
    pool_slot_t *sl = &r->slots[r->running];
    fflush(stdout);
    fflush(stderr);
    if (pipe(fds) || (sl->pid = fork()) < 0) {
        char why[256];
        snprintf(why, sizeof why, "cannot start a worker: %s", strerror(errno));
        fprintf(stderr, "%spagesim sweep: run failed (%s): %s\n", r->tty ? "\n" : "", g->pts[i].desc, why);
        pool_record_failure(g, &g->pts[i], why);
        r->finished++;
        r->failed++;
        return;
    }
    if (sl->pid == 0) {
        close(fds[0]);
        pool_child(g, &g->pts[i], fds[1], self);
    }
    close(fds[1]);
    sl->fd = fds[0];
    sl->pt = i;
    r->running++;
}

/* Waits for a worker and accounts for its point: 0, or -1 when there is nothing to wait for. */
static int pool_reap(pool_t *r)
{
    grid_t *g = r->g;
    int st;
    pid_t pid = waitpid(-1, &st, 0);
    if (pid < 0)
        return errno == EINTR ? 0 : -1;
    int s;
    for (s = 0; s < r->running && r->slots[s].pid != pid; s++)
        ;
    if (s == r->running)
        return 0;
    pool_slot_t sl = r->slots[s];
    r->slots[s] = r->slots[--r->running];
    char why[SIM_ERR_LEN + 128] = "";
    ssize_t n = read(sl.fd, why, SIM_ERR_LEN - 1);
    why[n > 0 ? n : 0] = '\0';
    close(sl.fd);
    const grid_point_t *p = &g->pts[sl.pt];
    int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    if (!ok && WIFSIGNALED(st))
        snprintf(why, sizeof why, "the run died of signal %d (%s)%s", WTERMSIG(st), strsignal(WTERMSIG(st)),
                 WTERMSIG(st) == SIGKILL ? ": killed, perhaps by the kernel for want of memory" : "");
    else if (!ok && !why[0])
        snprintf(why, sizeof why, "the run exited with status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    char fpath[PATH_MAX + 256];
    snprintf(fpath, sizeof fpath, "%s/%s.failed", g->runs_dir, p->name);
    r->finished++;
    if (ok) {
        unlink(fpath);
    } else {
        r->failed++;
        fprintf(stderr, "%spagesim sweep: run failed (%s): %s\n", r->tty ? "\n" : "", p->desc, why);
        pool_record_failure(g, p, why);
    }
    pool_progress(r, 0);
    return 0;
}

int pool_run(grid_t *g)
{
    int todo = 0;
    for (int i = 0; i < g->npts; i++)
        todo += !g->pts[i].done;
    if (todo < g->npts)
        fprintf(stderr, "pagesim sweep: %d of %d runs already done in %s (skipped)\n",
                g->npts - todo, g->npts, g->runs_dir);
    if (!todo)
        return 0;
    pool_t r = {.g = g, .todo = todo, .t0 = pool_now_s(), .tty = isatty(2)};
    r.step = todo >= 10 ? todo / 10 : 1;
    r.nw = g->jobs < todo ? g->jobs : todo;
    r.slots = xcalloc((size_t)r.nw, sizeof *r.slots, "the sweep's workers");
    fprintf(stderr, "pagesim sweep: %d runs on %d worker%s\n", todo, r.nw, r.nw == 1 ? "" : "s");
    pid_t self = getpid();
    int next = 0;
    while (next < g->npts || r.running) {
        while (r.running < r.nw && next < g->npts) {
            int i = next++;
            if (!g->pts[i].done)
                pool_start(&r, i, self);
        }
        if (!r.running || pool_reap(&r))
            break;
    }
    pool_progress(&r, 1);
    free(r.slots);
    return r.failed;
}

/* ---------------------------------------------------------------- jobs file */

static void shell_quote_cat(FILE *f, const char *s)
{
    int plain = *s != '\0';
    for (const char *p = s; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-@%", *p))
            plain = 0;
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (const char *p = s; *p; p++)
        if (*p == '\'')
            fputs("'\\''", f);
        else
            fputc(*p, f);
    fputc('\'', f);
}

/* One point's command line. */
static void pool_job_line(FILE *f, const grid_t *g, const grid_point_t *p, const char *exe)
{
    shell_quote_cat(f, exe);
    fputs(" run", f);
    for (int j = 0; j < g->nopts; j++) {
        fprintf(f, " --%s ", g->opts[j].name);
        shell_quote_cat(f, g->opts[j].value);
    }
    if (g->policies.n) {
        fputs(" -p ", f);
        shell_quote_cat(f, g->policies.v[p->pol]);
    }
    if (g->nframes)
        fprintf(f, " -f %ld", g->frames[p->fr]);
    for (int k = 0; k < g->nkeys; k++) {
        char kvs[1024];
        snprintf(kvs, sizeof kvs, "%s=%s", g->keys[k].key, g->keys[k].vals.v[p->kv[k]]);
        fputs(" --set ", f);
        shell_quote_cat(f, kvs);
    }
    if (g->nseeds)
        fprintf(f, " -s %d", p->seed);
    char out[PATH_MAX + 256];
    snprintf(out, sizeof out, "%s/%s.json", g->runs_dir, p->name);
    fputs(" -o ", f);
    shell_quote_cat(f, out);
    for (int t = 0; !g->workload && t < g->traces[p->tr].n; t++) {
        fputc(' ', f);
        shell_quote_cat(f, g->traces[p->tr].v[t]);
    }
    fputc('\n', f);
}

int pool_write_jobs(const grid_t *g, sim_err_t *err)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return sim_err_set(err, SIM_EINPUT, "cannot find the pagesim binary (/proc/self/exe): %s", strerror(errno));
    exe[n] = '\0';
    outfile_t o;
    if (outfile_open(&o, g->jobs_file, err))
        return err->kind;
    for (int i = 0; i < g->npts; i++)
        pool_job_line(o.f, g, &g->pts[i], exe);
    return outfile_commit(&o, "the jobs", err);
}
