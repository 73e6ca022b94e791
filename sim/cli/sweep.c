/* sweep.c - the `pagesim sweep` command line (see sweep.h).
 *
 * The options become a grid (sim/exp/grid.h), which the pool runs (sim/exp/pool.h) or writes
 * as a jobs file, and which merge_dir then summarizes (sim/exp/merge.h; `pagesim merge` on
 * its own is merge.c). What belongs to the command line stays here: sweep's option table
 * (opts.h: each option an action into the grid, checked as it comes), and the `pagesim run`
 * options a sweep passes through to every run, which are run's own table (cliopts.h, the
 * entries flagged CLIOPT_SWEEP, accepted through opts_cmd_t.more) so that both commands
 * agree on what an option means. sweep_opt_pass keeps each one with its value; they are
 * applied here (cliopt_apply), to the configuration every grid point starts from, so
 * sim/exp never sees the option table; the grid keeps their names and values for jobs
 * files. Cost: nothing beyond the parse. */
#include "sweep.h"
#include "cliopts.h"
#include "opts.h"
#include "sim/exp/exp.h"
#include "sim/exp/grid.h"
#include "sim/exp/merge.h"
#include "sim/exp/pool.h"
#include "sim/sim.h"
#include "sim/base/spec.h"
#include "sim/base/xalloc.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* The grid and, per passed-through run option (g.opts), its option table entry. */
typedef struct sweep_args {
    grid_t g;
    const cliopt_t **pass;
    int seed_opt;                 /* -s given */
    const char *workload;         /* --workload SPEC given (the last one) */
} sweep_args_t;

static void sweep_args_free(sweep_args_t *a)
{
    grid_free(&a->g);
    free(a->pass);
}

/* Numbers follow the one rule of spec.h's spec_parse_int (decimal or 0x hex; 010 is ten). */
static int parse_long(const char *s, long *out)
{
    long long v;
    if (spec_parse_int(s, &v) || v < LONG_MIN || v > LONG_MAX)
        return -1;
    *out = (long)v;
    return 0;
}

/* The options' actions (opts.h): p->dest is the sweep_args_t; a bad value is -1 with the
 * message in p->err, which opts_parse prints as "pagesim sweep: ..." (exit 2). */

/* -p LIST: the policies, comma-separated. */
static int sweep_opt_policy(opts_parse_t *p, const opt_t *o, const char *arg)
{
    (void)o;
    strv_split(arg, &((sweep_args_t *)p->dest)->g.policies);
    return 0;
}

/* -f LIST (spec_parse_list, in the order given): the values not given before are added. */
#define SWEEP_MAX_FRAMES 100000
static int sweep_opt_frames(opts_parse_t *p, const opt_t *o, const char *arg)
{
    (void)o;
    grid_t *g = &((sweep_args_t *)p->dest)->g;
    uint64_t *v;
    size_t n;
    if (opts_frame_list("-f", arg, SWEEP_MAX_FRAMES, 0, &v, &n, p->err))
        return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        int dup = 0;
        for (int j = 0; j < g->nframes && !dup; j++)
            dup = (uint64_t)g->frames[j] == v[i];
        if (dup)
            continue;
        if (g->nframes == SWEEP_MAX_FRAMES) {
            rc = -2;
            break;
        }
        g->frames = xrealloc(g->frames, (size_t)(g->nframes + 1) * sizeof *g->frames, "the frame list");
        g->frames[g->nframes++] = (long)v[i];
    }
    free(v);
    if (rc)
        return sim_err_set(p->err, SIM_EINPUT, "-f: frame lists with more than %d sizes", SWEEP_MAX_FRAMES);
    return 0;
}

/* --set KEY=V1[,V2...]: a --set axis. */
static int sweep_opt_set(opts_parse_t *p, const opt_t *o, const char *arg)
{
    (void)o;
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return sim_err_set(p->err, SIM_EINPUT, "--set needs KEY=V1[,V2...], not '%s'", arg);
    char key[256];
    snprintf(key, sizeof key, "%.*s", (int)(eq - arg), arg);
    if (!strcmp(key, "policy") || !strcmp(key, "frames") || !strcmp(key, "seed"))
        return sim_err_set(p->err, SIM_EINPUT, "vary %s with %s, not --set", key,
                           key[0] == 'p' ? "-p" : key[0] == 'f' ? "-f" : "--seeds");
    grid_add_key(&((sweep_args_t *)p->dest)->g, key, eq + 1);
    return 0;
}

/* --seeds N and -j N: a count from 1 to a maximum, into the int at .off; .kind says which. */
enum { SWEEP_SEEDS, SWEEP_JOBS };
static const struct { const char *what; int max; } sweep_counts[] = {
    [SWEEP_SEEDS] = {"--seeds", 100000}, [SWEEP_JOBS] = {"-j", 4096},
};

static int sweep_opt_count(opts_parse_t *p, const opt_t *o, const char *arg)
{
    const char *what = sweep_counts[o->kind].what;
    int max = sweep_counts[o->kind].max;
    long n;
    if (parse_long(arg, &n) || n < 1 || n > max)
        return sim_err_set(p->err, SIM_EINPUT, "%s needs a count from 1 to %d, not '%s'", what, max, arg);
    *(int *)((char *)p->dest + o->off) = (int)n;
    return 0;
}

/* A run option passed through to every run (opts_cmd_t.more_action). */
static int sweep_opt_pass(opts_parse_t *p, const opt_t *pass, const char *arg)
{
    sweep_args_t *a = p->dest;
    grid_t *g = &a->g;
    a->seed_opt |= !strcmp(pass->name, "seed");
    if (!strcmp(pass->name, "workload"))
        a->workload = arg;
    g->opts = xrealloc(g->opts, (size_t)(g->nopts + 1) * sizeof *g->opts, "the run options");
    a->pass = xrealloc(a->pass, (size_t)(g->nopts + 1) * sizeof *a->pass, "the run options");
    /* config files by absolute path, so a jobs file runs from any directory */
    char abs[PATH_MAX];
    const char *val = arg;
    if ((pass->flags & CLIOPT_PATH) && realpath(arg, abs))
        val = abs;
    a->pass[g->nopts] = pass;
    g->opts[g->nopts++] = (grid_opt_t){.name = pass->name, .value = strv_dup(val)};
    return 0;
}

#define SWEEP_FIELD(field) .off = offsetof(sweep_args_t, g.field)
static const opt_t sweep_opts[] = {
    {"policy", 'p', OPT_REQUIRED, "LIST", "replacement policies, comma-separated (default: the config's)",
     .action = sweep_opt_policy},
    {"frames", 'f', OPT_REQUIRED, "LIST", "frame counts: N, A:B:STEP, A:B:xFACTOR, comma-separated",
     .action = sweep_opt_frames},
    {"set", 0, OPT_REQUIRED, "KEY=V1,V2", "vary a config key (repeatable; dotted keys as in pagesim run)",
     .action = sweep_opt_set},
    {"seeds", 0, OPT_REQUIRED, "N", "seeds 1..N per point; summary gets *_mean and *_ci95 columns",
     .action = sweep_opt_count, SWEEP_FIELD(nseeds), .kind = SWEEP_SEEDS},
    {"jobs", 'j', OPT_REQUIRED, "N", "parallel runs (default: the number of CPUs)",
     .action = sweep_opt_count, SWEEP_FIELD(jobs), .kind = SWEEP_JOBS},
    {"output", 'o', OPT_REQUIRED, "DIR", "the sweep's directory", .action = opts_str, SWEEP_FIELD(dir)},
    {"jobs-file", 0, OPT_REQUIRED, "FILE", "write one `pagesim run` command per line instead of running\n"
     "(parallel < FILE, or scripts/slurm-sweep.sbatch); then pagesim merge DIR",
     .action = opts_str, SWEEP_FIELD(jobs_file)},
    {"title", 0, OPT_REQUIRED, "TEXT", "the experiment's name in plot titles (default: DIR's name)",
     .action = opts_str, SWEEP_FIELD(title)},
    {"no-plots", 0, OPT_NONE, NULL, "write summary.tsv and plot data only", .action = opts_true, SWEEP_FIELD(no_plots)},
    {"help", 'h', OPT_NONE, NULL, NULL, .action = opts_help},
    {0},
};

static const opts_cmd_t sweep_cmd = {
    .prog = "pagesim sweep",
    .usage =
        "usage: pagesim sweep [-p POLICIES] [-f FRAMES] [--set KEY=V1,V2 ...] [--seeds N] [-j JOBS]\n"
        "                     -o DIR [--jobs-file FILE] [--title TEXT] [--no-plots] [RUN OPTIONS]\n"
        "                     TRACE... | --workload SPEC.json\n\n"
        "Runs the grid policies x frames x each --set key's values x seeds 1..N x traces, in\n"
        "parallel, one JSON per run in DIR/runs/ (finished runs are skipped: rerun to resume), then\n"
        "writes DIR/summary.tsv and the plots the grid supports (DIR/*.png, *.svg). The summary\n"
        "covers every run in DIR/runs: one DIR holds one experiment, and a sweep whose options\n"
        "differ from DIR's runs is refused (use a new DIR). Every point is checked before any runs\n"
        "(unknown policies, bad parameters or values, an unwritable DIR: exit 2), and a point whose\n"
        "results cannot depend on the seed (no policy, device or workload draws from the rng) runs\n"
        "once, not once per --seeds seed (its row says seeds 1, its CI columns are empty). DIR also\n"
        "gets report.html: the command line, the summary, every plot, links to each run's JSON.\n"
        "A run that fails or crashes is named,\n"
        "recorded (DIR/runs/NAME.failed, a 'failed' column) and the others go on; exit 1.\n\n",
    .opts = sweep_opts,
    .epilog =
        "  run options passed to every run: -c FILE, -m SIZE, --page-size, --tlb, --ref-bit, --cow,\n"
        "  --schedule, --swap-dev, --file-dev, --cpus, --quantum, -s SEED (without --seeds), --format,\n"
        "  --interval, --workload SPEC.json (a synthetic workload instead of trace files)\n"
        "  TRACE: a trace file, or A+B+... to run several files together as concurrent processes\n",
    .more = cliopt_opts,
    .more_need = CLIOPT_SWEEP,
    .more_action = sweep_opt_pass,
};

/* What the options say together: -1 after a message when they exclude each other. */
static int sweep_check_args(const sweep_args_t *a)
{
    const grid_t *g = &a->g;
    if (a->seed_opt && g->nseeds) {
        fprintf(stderr, "pagesim sweep: -s and --seeds exclude each other\n");
        return -1;
    }
    for (int k = 0; k < g->nkeys; k++)
        if (!g->keys[k].vals.n) {
            fprintf(stderr, "pagesim sweep: --set %s has no values\n", g->keys[k].key);
            return -1;
        }
    for (int k = 0; g->nframes && k < g->nkeys; k++)
        if (!strcmp(g->keys[k].key, "memory")) {   /* memory sets the frames: -f would be void */
            fprintf(stderr, "pagesim sweep: --set memory and -f exclude each other (memory decides the "
                    "frame count, so the -f values would be the same runs): vary one of them\n");
            return -1;
        }
    if (g->nframes)
        for (int i = 0; i < g->nopts; i++)
            if (!strcmp(g->opts[i].name, "memory")) {
                fprintf(stderr, "pagesim sweep: -m and -f exclude each other (vary memory with --set memory=...)\n");
                return -1;
            }
    return 0;
}

/* The command line into a: -1 to go on, else the exit status (0 after --help, 2). */
static int sweep_parse(sweep_args_t *a, int argc, char **argv)
{
    if (argc < 2) {
        opts_usage(&sweep_cmd, stderr);
        return 2;
    }
    sim_err_t err;
    int first, rc = opts_parse(&sweep_cmd, argc, argv, a, NULL, &first);
    if (rc >= 0)
        return rc;
    if (!a->g.dir) {
        fprintf(stderr, "pagesim sweep: -o DIR is required\n");
        return 2;
    }
    if (first >= argc && !a->workload) {
        fprintf(stderr, "pagesim sweep: no trace files (or --workload SPEC)\n");
        return 2;
    }
    if (first < argc && a->workload) {
        fprintf(stderr, "pagesim sweep: give trace files or --workload SPEC, not both\n");
        return 2;
    }
    if (sweep_check_args(a))
        return 2;
    char *wl[1] = {(char *)a->workload};
    a->g.workload = a->workload != NULL;
    if (grid_add_traces(&a->g, a->workload ? wl : argv + first, a->workload ? 1 : argc - first, &err)) {
        fprintf(stderr, "pagesim sweep: %s\n", err.msg);
        return 2;
    }
    return -1;
}

/* The configuration every grid point starts from: the defaults with the sweep's own timeline
 * (below), the config files (-c, first, so that other options override them), then every
 * run option in the order given. A sweep's plots draw each run's timeline as a line, which
 * needs points: --interval 1 with at most 256 records gives every run 128 to 256 of them
 * whatever its length (stats.c merges pairs at the cap), where run's default of one record
 * per 10^5 accesses gives a short run three. -c and --interval override it. */
static json_t *sweep_base_config(const sweep_args_t *a, sim_err_t *err)
{
    const grid_t *g = &a->g;
    json_t *base = config_defaults();
    if (config_set(base, "interval", "1", err) || config_set(base, "timeline_records", "256", err))
        goto fail;
    for (int i = 0; i < g->nopts; i++)
        if (a->pass[i]->kind == CLIOPT_CONFIG
            && config_load_file(base, g->opts[i].value, err))
            goto fail;
    for (int i = 0; i < g->nopts; i++)
        if (cliopt_apply(base, a->pass[i], g->opts[i].value, err))
            goto fail;
    return base;
fail:
    json_decref(base);
    return NULL;
}

/* Expands the grid and checks every point (sim_check): -1 after a message; nothing is
 * written yet, so a bad grid leaves nothing behind. */
static int sweep_prepare(sweep_args_t *a, sim_err_t *err)
{
    grid_t *g = &a->g;
    json_t *base = sweep_base_config(a, err);
    int rc = !base || grid_build(g, base, err) || grid_check(g, err) ? -1 : 0;
    json_decref(base);
    if (rc)
        fprintf(stderr, "pagesim sweep: %s\n", err->msg);
    return rc;
}

/* Whether a file can be created in dir: by creating one (access(2) says yes to root on a
 * read-only mount). 0, or -1 with errno. */
static int sweep_probe_dir(const char *dir)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/.pagesim-probe.%ld", dir, (long)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(path);
    return 0;
}

/* DIR made (mkdir -p) and writable, and DIR/runs if it exists: -1 after a message. */
static int sweep_dir_ok(const char *dir, const char *runs)
{
    sim_err_t err;
    if (exp_mkdir(dir, &err)) {
        fprintf(stderr, "pagesim sweep: %s\n", err.msg);
        return -1;
    }
    const char *bad = sweep_probe_dir(dir) ? dir : runs && !access(runs, F_OK) && sweep_probe_dir(runs) ? runs : NULL;
    if (bad) {
        fprintf(stderr, "pagesim sweep: %s: cannot write there: %s\n", bad, strerror(errno));
        return -1;
    }
    return 0;
}

int sweep_main(int argc, char **argv)
{
    sweep_args_t a = {0};
    grid_t *sw = &a.g;
    sim_err_t err;
    int rc = sweep_parse(&a, argc, argv);
    if (rc >= 0) {
        sweep_args_free(&a);
        return rc;
    }
    rc = 2;
    sw->argv = (const char *const *)argv;
    sw->argc = argc;
    if (!sw->jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        sw->jobs = n > 0 ? (int)n : 1;
    }
    char absdir[PATH_MAX], title[PATH_MAX];
    if (sweep_prepare(&a, &err) || sweep_dir_ok(sw->dir, NULL) || !realpath(sw->dir, absdir))
        goto out;
    snprintf(sw->runs_dir, sizeof sw->runs_dir, "%s/runs", absdir);
    if (sweep_dir_ok(absdir, sw->runs_dir))
        goto out;
    sw->dir = absdir;
    if (!sw->title) {
        snprintf(title, sizeof title, "%s", strrchr(absdir, '/') + 1);
        sw->title = title;
    }
    if (grid_resume(sw, &err)) {   /* another experiment's runs: refuse before writing */
        fprintf(stderr, "pagesim sweep: %s\n", err.msg);
        goto out;
    }
    rc = 1;
    if (exp_mkdir(sw->runs_dir, &err) || grid_write_json(sw, &err)) {
        fprintf(stderr, "pagesim sweep: %s\n", err.msg);
        goto out;
    }
    if (sw->jobs_file) {
        if (pool_write_jobs(sw, &err)) {
            fprintf(stderr, "pagesim sweep: %s\n", err.msg);
            goto out;
        }
        fprintf(stderr, "pagesim sweep: %d runs written to %s; run them (parallel < %s, or "
                "sbatch --array=1-%d scripts/slurm-sweep.sbatch %s), then: pagesim merge %s\n",
                sw->npts, sw->jobs_file, sw->jobs_file, sw->npts, sw->jobs_file, absdir);
        rc = 0;
        goto out;
    }
    int failed = pool_run(sw);
    int mrc = merge_dir(absdir, NULL, sw->no_plots);
    if (failed)
        fprintf(stderr, "pagesim sweep: %d of %d runs failed (see above); summary.tsv holds the others\n",
                failed, sw->npts);
    rc = failed || mrc ? 1 : 0;
out:
    sweep_args_free(&a);
    return rc;
}
