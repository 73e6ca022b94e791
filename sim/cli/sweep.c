/* sweep.c - the `pagesim sweep` and `pagesim merge` command lines (see sweep.h).
 *
 * The options become a grid (sim/exp/grid.h), which the pool runs (sim/exp/pool.h) or writes
 * as a jobs file, and which merge summarizes (sim/exp/merge.h). What belongs to the command
 * line stays here: the usage text, the getopt loop, and the `pagesim run` options a sweep
 * passes through to every run, which come from run's own option table (cliopts.h) so that
 * both commands agree on what an option means. Those options are applied here, to the
 * configuration every grid point starts from, so sim/exp never sees the option table; the
 * grid keeps their names and values for jobs files. Cost: nothing beyond the parse. */
#include "sweep.h"
#include "cliopts.h"
#include "sim/exp/exp.h"
#include "sim/exp/grid.h"
#include "sim/exp/merge.h"
#include "sim/exp/pool.h"
#include "sim/sim.h"
#include "sim/base/spec.h"
#include "sim/base/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The grid and, per passed-through run option (g.opts), its option table entry. */
typedef struct sweep_args {
    grid_t g;
    const cliopt_t **pass;
    int seed_opt;                 /* -s given */
} sweep_args_t;

static void sweep_args_free(sweep_args_t *a)
{
    grid_free(&a->g);
    free(a->pass);
}

static void sweep_usage(FILE *f)
{
    fprintf(f,
        "usage: pagesim sweep [-p POLICIES] [-f FRAMES] [--set KEY=V1,V2 ...] [--seeds N] [-j JOBS]\n"
        "                     -o DIR [--jobs-file FILE] [--title TEXT] [--no-plots] [RUN OPTIONS] TRACE...\n\n"
        "Runs the grid policies x frames x each --set key's values x seeds 1..N x traces, in\n"
        "parallel, one JSON per run in DIR/runs/ (finished runs are skipped: rerun to resume), then\n"
        "writes DIR/summary.tsv and the plots the grid supports (DIR/*.png, *.svg). The summary\n"
        "covers every run in DIR/runs: one DIR holds one experiment, and a sweep whose options\n"
        "differ from DIR's runs is refused (use a new DIR). A run that fails or crashes is named,\n"
        "recorded (DIR/runs/NAME.failed, a 'failed' column) and the others go on; exit 1.\n\n"
        "  -p, --policy LIST      replacement policies, comma-separated (default: the config's)\n"
        "  -f, --frames LIST      frame counts: N, A:B:STEP, A:B:xFACTOR, comma-separated\n"
        "      --set KEY=V1,V2    vary a config key (repeatable; dotted keys as in pagesim run)\n"
        "      --seeds N          seeds 1..N per point; summary gets *_mean and *_ci95 columns\n"
        "  -j, --jobs N           parallel runs (default: the number of CPUs)\n"
        "  -o, --output DIR       the sweep's directory\n"
        "      --jobs-file FILE   write one `pagesim run` command per line instead of running\n"
        "                         (parallel < FILE, or scripts/slurm-sweep.sbatch); then pagesim merge DIR\n"
        "      --title TEXT       the experiment's name in plot titles (default: DIR's name)\n"
        "      --no-plots         write summary.tsv and plot data only\n"
        "  run options passed to every run: -c FILE, -m SIZE, --page-size, --tlb, --ref-bit, --cow,\n"
        "  --schedule, --swap-dev, --file-dev, --cpus, --quantum, -s SEED (without --seeds), --format,\n"
        "  --interval\n"
        "  TRACE: a trace file, or A+B+... to run several files together as concurrent processes\n");
}

/* Numbers follow the one rule of spec.h's parse_int (decimal or 0x hex; 010 is ten). */
static int parse_long(const char *s, long *out)
{
    long long v;
    if (parse_int(s, &v) || v < LONG_MIN || v > LONG_MAX)
        return -1;
    *out = (long)v;
    return 0;
}

/* -f LIST (spec_parse_list, in the order given): the values not given before are added. */
#define SWEEP_MAX_FRAMES 100000
static int sweep_opt_frames(grid_t *g, const char *arg)
{
    uint64_t *v;
    size_t n;
    const char *bad;
    int badlen, rc = spec_parse_list(arg, 1, SWEEP_MAX_FRAMES, 0, &v, &n, &bad, &badlen);
    if (rc == -1) {
        fprintf(stderr, "pagesim sweep: bad frame list '%s' (want N, A:B:STEP or A:B:xFACTOR, "
                "comma-separated, positive, A <= B)\n", arg);
        return -1;
    }
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
    if (rc) {
        fprintf(stderr, "pagesim sweep: frame list '%s' is too long\n", arg);
        return -1;
    }
    return 0;
}

/* --set KEY=V1[,V2...]: a --set axis. */
static int sweep_opt_set(grid_t *g, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        fprintf(stderr, "pagesim sweep: --set needs KEY=V1[,V2...], not '%s'\n", arg);
        return -1;
    }
    char key[256];
    snprintf(key, sizeof key, "%.*s", (int)(eq - arg), arg);
    if (!strcmp(key, "policy") || !strcmp(key, "frames") || !strcmp(key, "seed")) {
        fprintf(stderr, "pagesim sweep: vary %s with %s, not --set\n", key,
                key[0] == 'p' ? "-p" : key[0] == 'f' ? "-f" : "--seeds");
        return -1;
    }
    grid_add_key(g, key, eq + 1);
    return 0;
}

/* --seeds N or -j N: a count from 1 to max. */
static int sweep_opt_count(const char *what, const char *arg, long max, int *out)
{
    long n;
    if (parse_long(arg, &n) || n < 1 || n > max) {
        fprintf(stderr, "pagesim sweep: %s needs a count from 1 to %ld, not '%s'\n", what, max, arg);
        return -1;
    }
    *out = (int)n;
    return 0;
}

/* A run option passed through to every run. */
static void sweep_opt_pass(sweep_args_t *a, const cliopt_t *pass, const char *arg)
{
    grid_t *g = &a->g;
    a->seed_opt |= !strcmp(pass->name, "seed");
    g->opts = xrealloc(g->opts, (size_t)(g->nopts + 1) * sizeof *g->opts, "the run options");
    a->pass = xrealloc(a->pass, (size_t)(g->nopts + 1) * sizeof *a->pass, "the run options");
    /* config files by absolute path, so a jobs file runs from any directory */
    char abs[PATH_MAX];
    const char *val = arg;
    if (pass->kind == CLIOPT_CONFIG && realpath(arg, abs))
        val = abs;
    a->pass[g->nopts] = pass;
    g->opts[g->nopts++] = (grid_opt_t){.name = pass->name, .value = strv_dup(val)};
}

/* What the options say together: -1 after a message when they exclude each other. */
static int sweep_check_args(const sweep_args_t *a, int argc)
{
    const grid_t *g = &a->g;
    if (argc < 2) {
        sweep_usage(stderr);
        return -1;
    }
    if (!g->dir) {
        fprintf(stderr, "pagesim sweep: -o DIR is required\n");
        return -1;
    }
    if (optind >= argc) {
        fprintf(stderr, "pagesim sweep: no trace files\n");
        return -1;
    }
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

static int sweep_parse(sweep_args_t *a, int argc, char **argv, int *help)
{
    enum { O_SET = CLIOPT_VAL_END, O_SEEDS, O_JOBSFILE, O_TITLE, O_NOPLOTS };
    static const struct option own[] = {
        {"policy", required_argument, 0, 'p'}, {"frames", required_argument, 0, 'f'},
        {"set", required_argument, 0, O_SET}, {"seeds", required_argument, 0, O_SEEDS},
        {"jobs", required_argument, 0, 'j'}, {"output", required_argument, 0, 'o'},
        {"jobs-file", required_argument, 0, O_JOBSFILE}, {"title", required_argument, 0, O_TITLE},
        {"no-plots", no_argument, 0, O_NOPLOTS}, {"help", no_argument, 0, 'h'},
    };
    enum { N_OWN = sizeof own / sizeof *own };
    /* then the run options passed through to every run, from the run option table */
    struct option opts[N_OWN + CLIOPT_MAX + 1];
    char shortopts[2 * CLIOPT_MAX + 16] = "p:f:j:o:h";
    memcpy(opts, own, sizeof own);
    cliopt_getopt(CLIOPT_SWEEP, opts, N_OWN, shortopts, sizeof shortopts);
    grid_t *g = &a->g;
    char err[SIM_ERR_LEN];
    int o, bad = 0;
    optind = 1;
    opterr = 1;
    while (!bad && (o = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        const cliopt_t *pass = NULL;
        switch (o) {
        case 'p': strv_split(optarg, &g->policies); break;
        case 'f': bad = sweep_opt_frames(g, optarg); break;
        case O_SET: bad = sweep_opt_set(g, optarg); break;
        case O_SEEDS: bad = sweep_opt_count("--seeds", optarg, 100000, &g->nseeds); break;
        case 'j': bad = sweep_opt_count("-j", optarg, 4096, &g->jobs); break;
        case 'o': g->dir = optarg; break;
        case O_JOBSFILE: g->jobs_file = optarg; break;
        case O_TITLE: g->title = optarg; break;
        case O_NOPLOTS: g->no_plots = 1; break;
        case 'h': *help = 1; return 0;
        default:
            if (!(pass = cliopt_lookup(o, CLIOPT_SWEEP))) {
                sweep_usage(stderr);
                return -1;
            }
            sweep_opt_pass(a, pass, optarg);
        }
    }
    if (bad || sweep_check_args(a, argc))
        return -1;
    if (grid_add_traces(g, argv + optind, argc - optind, err)) {
        fprintf(stderr, "pagesim sweep: %s\n", err);
        return -1;
    }
    return 0;
}

/* The configuration every grid point starts from: the defaults, the config files (-c, first,
 * so that other options override them), then every run option in the order given. */
static json_t *sweep_base_config(const sweep_args_t *a, char *err)
{
    const grid_t *g = &a->g;
    json_t *base = config_defaults();
    for (int i = 0; i < g->nopts; i++)
        if (a->pass[i]->kind == CLIOPT_CONFIG && config_load_file(base, g->opts[i].value, err))
            goto fail;
    for (int i = 0; i < g->nopts; i++)
        if (cliopt_apply(base, a->pass[i], g->opts[i].value, err))
            goto fail;
    return base;
fail:
    json_decref(base);
    return NULL;
}

/* Expands the grid and checks DIR/runs for another experiment: -1 after a message. */
static int sweep_prepare(sweep_args_t *a, char *err)
{
    grid_t *g = &a->g;
    json_t *base = sweep_base_config(a, err);
    int rc = !base || grid_build(g, base, err) ? -1 : 0;
    json_decref(base);
    if (!rc && grid_resume(g, err))   /* another experiment's runs: refuse before writing */
        rc = -1;
    if (rc)
        fprintf(stderr, "pagesim sweep: %s\n", err);
    return rc;
}

int sweep_main(int argc, char **argv)
{
    sweep_args_t a = {0};
    grid_t *sw = &a.g;
    char err[SIM_ERR_LEN];
    int help = 0, rc = 2;
    if (sweep_parse(&a, argc, argv, &help)) {
        sweep_args_free(&a);
        return 2;
    }
    if (help) {
        sweep_usage(stdout);
        sweep_args_free(&a);
        return 0;
    }
    if (!sw->jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        sw->jobs = n > 0 ? (int)n : 1;
    }
    char absdir[PATH_MAX], title[PATH_MAX];
    if (exp_mkdir(sw->dir, err) || !realpath(sw->dir, absdir)) {
        fprintf(stderr, "pagesim sweep: %s\n", err);
        goto out;
    }
    sw->dir = absdir;
    if (!sw->title) {
        snprintf(title, sizeof title, "%s", strrchr(absdir, '/') + 1);
        sw->title = title;
    }
    snprintf(sw->runs_dir, sizeof sw->runs_dir, "%s/runs", absdir);
    if (sweep_prepare(&a, err))
        goto out;
    rc = 1;
    if (exp_mkdir(sw->runs_dir, err) || grid_write_json(sw, err)) {
        fprintf(stderr, "pagesim sweep: %s\n", err);
        goto out;
    }
    if (sw->jobs_file) {
        if (pool_write_jobs(sw, err)) {
            fprintf(stderr, "pagesim sweep: %s\n", err);
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

int merge_main(int argc, char **argv)
{
    enum { O_TITLE = 256, O_NOPLOTS };
    static const struct option opts[] = {
        {"title", required_argument, 0, O_TITLE}, {"no-plots", no_argument, 0, O_NOPLOTS},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *title = NULL;
    int no_plots = 0, o;
    optind = 1;
    opterr = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case O_TITLE: title = optarg; break;
        case O_NOPLOTS: no_plots = 1; break;
        case 'h':
            printf("usage: pagesim merge [--title TEXT] [--no-plots] DIR\n\n"
                   "Builds DIR/summary.tsv, the plot data and the plots from DIR/runs/*.json (a sweep's\n"
                   "runs, e.g. from a --jobs-file run by GNU parallel or Slurm). Each run's grid point\n"
                   "comes from its own config; DIR/sweep.json, if present, names the varied keys.\n");
            return 0;
        default:
            fprintf(stderr, "usage: pagesim merge [--title TEXT] [--no-plots] DIR\n");
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: pagesim merge [--title TEXT] [--no-plots] DIR\n");
        return 2;
    }
    char absdir[PATH_MAX];
    if (!realpath(argv[optind], absdir)) {
        fprintf(stderr, "pagesim merge: %s: %s\n", argv[optind], strerror(errno));
        return 2;
    }
    return merge_dir(absdir, title, no_plots);
}
