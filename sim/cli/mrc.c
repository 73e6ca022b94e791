/* mrc.c - the `pagesim mrc` command line (see mrc.h): options, the output file, and the
 * error trap around mrc_compute (sim/exp/mrc.c), whose document it writes.
 *
 * The options are a table (opts.h), the values with a rule of their own (--sample,
 * --sample-max, --page-size, --seed) each a small action that checks as it parses; the help
 * stays prose (mrc_usage, the entries unlisted). The frame list is spec.h's one grammar,
 * sorted, read after the options agree (mrc_check_args). The output is created before the
 * pass, so an unwritable -o fails before minutes of work, and is written like a run's
 * results (a temporary file, fsync, rename: sim.h). Cost: nothing beyond the parse. */
#include "mrc.h"
#include "opts.h"
#include "sim/exp/mrc.h"
#include "sim/sim.h"
#include "sim/base/progress.h"
#include "sim/base/spec.h"
#include "sim/base/xalloc.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char mrc_usage[] =
    "usage: pagesim mrc -p lru|opt [--frames LIST] [--sample RATE] [--sample-max N]\n"
    "                   [--check-exact] [--format F] [--page-size N] [--seed S] [-o FILE] TRACE\n"
    "  -o FILE: the curve's JSON (default: standard output)\n"
    "  LIST: A,B,C and ranges A:B:STEP or A:B:xFACTOR, mixable, as sweep -f (default: powers\n"
    "        of two and the page count)\n"
    "  -q, --quiet: no progress line (by default, one when stderr is a terminal);\n"
    "  --progress: progress lines on stderr even when it is not a terminal\n"
    "  --sample RATE: SHARDS spatial sampling of pages at RATE in (0,1] (lru only). Each\n"
    "      point gets \"resolved\" (false below 1/RATE frames, where the sample cannot tell\n"
    "      sizes apart, and everywhere when fewer than 32 pages are sampled) and\n"
    "      \"error_bound\" (3 standard errors + the curve's drop across the sampling\n"
    "      resolution + the share of unseen hot pages: see \"bound\" in the output)\n"
    "  --sample-max N: fixed-size SHARDS, at most N sampled pages: the rate (RATE, or 1)\n"
    "      is lowered as pages arrive so that memory stays flat\n"
    "  --check-exact: with sampling, also compute the exact curve and report the error\n"
    "  OPT with a frame list is computed up to its largest size; without one, for all sizes.\n"
    "Pages are contents, as `run` sees them (a file page once however many map it; fork shares\n"
    "anonymous pages until a write copies them); faults are misses: compare them with a run's\n"
    "`misses`, not faults.total (which counts minor faults that find the page in memory). The\n"
    "curve equals per-size runs for one process that frees nothing early; it differs when the\n"
    "trace frees memory (exit, munmap, exec), prefetches (readahead), or runs under rr.\n";

/* A count by spec.h's one rule (decimal or 0x hex; 010 is ten), >= 0. */
static int count_value(const char *s, uint64_t *out)
{
    long long v;
    if (strlen(s) >= 32 || spec_parse_int(s, &v) || v < 0)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* mrc_compute with an error trap (xalloc.h): out of memory or a full TMPDIR for OPT's table
 * comes back as NULL with its kind in err, so that mrc_main removes its temporary output. */
static json_t *mrc_compute_caught(const mrc_opts_t *o, const char *trace, sim_err_t *err)
{
    xtrap_t trap;
    xtrap_push(&trap, err);                    /* a throw fills err */
    if (setjmp(trap.jb)) {
        xtrap_pop(&trap);
        return NULL;
    }
    json_t *doc = mrc_compute(o, trace, err);
    xtrap_pop(&trap);
    return doc;
}

/* The command line, parsed. */
typedef struct mrc_args {
    mrc_opts_t o;
    const char *out, *trace, *frames_s;
    uint64_t *frames;             /* o.frames, owned */
    progress_mode_t pmode;
} mrc_args_t;

/* The actions of the options with a rule (opts.h): p->dest is the mrc_args_t; a bad value
 * is -1 with the message in p->err ("pagesim mrc: " goes before it). */

static int mrc_opt_sample(opts_parse_t *p, const opt_t *o, const char *v)
{
    (void)o;
    mrc_opts_t *m = &((mrc_args_t *)p->dest)->o;
    char *end;
    errno = 0;
    m->sample_rate = strtod(v, &end);
    if (!*v || *end || errno || !(m->sample_rate > 0 && m->sample_rate <= 1))
        return sim_err_set(p->err, SIM_EINPUT, "--sample '%s': expected a rate in (0, 1]", v);
    return 0;
}

static int mrc_opt_sample_max(opts_parse_t *p, const opt_t *o, const char *v)
{
    (void)o;
    mrc_opts_t *m = &((mrc_args_t *)p->dest)->o;
    if (count_value(v, &m->sample_max_pages) || m->sample_max_pages < 16)
        return sim_err_set(p->err, SIM_EINPUT, "--sample-max '%s': expected a page count >= 16", v);
    return 0;
}

static int mrc_opt_page_size(opts_parse_t *p, const opt_t *o, const char *v)
{
    (void)o;
    uint64_t ps;
    if (spec_parse_size(v, &ps) || ps == 0 || (ps & (ps - 1)) || ps > (1u << 30))
        return sim_err_set(p->err, SIM_EINPUT, "--page-size '%s': expected a power of two "
                           "number of bytes (e.g. 4096 or 4K), at most 1G", v);
    ((mrc_args_t *)p->dest)->o.page_size = (uint32_t)ps;
    return 0;
}

static int mrc_opt_seed(opts_parse_t *p, const opt_t *o, const char *v)
{
    (void)o;
    uint64_t s;
    if (count_value(v, &s))
        return sim_err_set(p->err, SIM_EINPUT, "--seed '%s': expected a non-negative integer", v);
    ((mrc_args_t *)p->dest)->o.seed = (unsigned long)s;
    return 0;
}

/* Unlisted (.help NULL): mrc_usage says it all in prose. */
#define MRC_STR(name, letter, field) \
    {name, letter, OPT_REQUIRED, NULL, NULL, .action = opts_str, .off = offsetof(mrc_args_t, field)}
#define MRC_RULE(name, fn) {name, 0, OPT_REQUIRED, NULL, NULL, .action = fn}
static const opt_t mrc_opts[] = {
    MRC_STR("policy", 'p', o.policy),
    MRC_STR("frames", 'f', frames_s),
    MRC_STR("output", 'o', out),
    MRC_STR("format", 0, o.format),
    MRC_RULE("sample", mrc_opt_sample),
    MRC_RULE("sample-max", mrc_opt_sample_max),
    MRC_RULE("page-size", mrc_opt_page_size),
    MRC_RULE("seed", mrc_opt_seed),
    {"check-exact", 0, OPT_NONE, NULL, NULL, .action = opts_true, .off = offsetof(mrc_args_t, o.check_exact)},
    {"quiet", 'q', OPT_NONE, NULL, NULL, .action = opts_quiet, .off = offsetof(mrc_args_t, pmode)},
    {"progress", 0, OPT_NONE, NULL, NULL, .action = opts_progress, .off = offsetof(mrc_args_t, pmode)},
    {"help", 'h', OPT_NONE, NULL, NULL, .action = opts_help},
    {0},
};

static const opts_cmd_t mrc_cmd = { .prog = "pagesim mrc", .usage = mrc_usage, .opts = mrc_opts };

/* --frames LIST: sweep -f's frame lists (opts_frame_list), sorted. */
#define FRAMES_MAX_LIST 10000000u
static int mrc_parse_frames(const char *s, mrc_args_t *args)
{
    sim_err_t err;
    int rc = opts_frame_list("--frames", s, FRAMES_MAX_LIST, 1, &args->frames, &args->o.nframes, &err);
    if (rc)
        fprintf(stderr, "pagesim mrc: %s\n", err.msg);
    args->o.frames = args->frames;
    return rc ? -1 : 0;
}

/* What the options say together: -1 after a message when they do not make a curve. */
static int mrc_check_args(const mrc_args_t *args)
{
    if (!args->o.policy || (strcmp(args->o.policy, "lru") && strcmp(args->o.policy, "opt"))) {
        fprintf(stderr, args->o.policy ? "pagesim mrc: unknown policy '%s': mrc supports lru and opt\n"
                                    : "pagesim mrc: -p lru|opt is required%s\n",
                args->o.policy ? args->o.policy : "");
        return -1;
    }
    if (!args->trace) {
        opts_bad(&mrc_cmd, "a TRACE is required");
        return -1;
    }
    int sampling = (args->o.sample_rate > 0 && args->o.sample_rate < 1) || args->o.sample_max_pages;
    if (args->o.check_exact && !sampling) {
        fprintf(stderr, "pagesim mrc: --check-exact needs --sample RATE with RATE < 1 "
                "or --sample-max N\n");
        return -1;
    }
    if (sampling && !strcmp(args->o.policy, "opt")) {
        fprintf(stderr, "pagesim mrc: --sample and --sample-max are for -p lru only (OPT is "
                "computed exactly)\n");
        return -1;
    }
    return 0;
}

/* The options into args: -1 to go on, else the exit status (0 after --help, 2). */
static int mrc_parse_args(mrc_args_t *args, int argc, char **argv)
{
    int first, rc = opts_parse(&mrc_cmd, argc, argv, args, NULL, &first);
    if (rc >= 0)
        return rc;
    if (first < argc - 1) {
        fprintf(stderr, "pagesim mrc: one trace only (got '%s' and '%s')\n", argv[first], argv[first + 1]);
        return 2;
    }
    args->trace = first < argc ? argv[first] : NULL;
    if (mrc_check_args(args))
        return 2;
    if (args->frames_s && mrc_parse_frames(args->frames_s, args))
        return 2;
    return -1;
}

int mrc_main(int argc, char **argv)
{
    mrc_args_t args = { .o = { .policy = NULL, .page_size = 4096, .seed = 1 }, .pmode = PROGRESS_AUTO };
    mrc_opts_t *o = &args.o;
    sim_err_t err;
    int ret = 2;
    int r = mrc_parse_args(&args, argc, argv);
    if (r >= 0) {
        free(args.frames);
        return r;
    }
    /* Like a run's results: the output is created first (an unwritable -o fails before the
     * pass, exit 1), written to a temporary file, fsynced and renamed (sim.h); without -o,
     * standard output (NULL), flushed and checked. */
    sim_out_t res;
    int wrc = sim_out_open(&res, args.out, &err);
    if (wrc) {
        fprintf(stderr, "pagesim mrc: %s\n", err.msg);
        ret = sim_exit_status(wrc);
        goto done;
    }
    o->progress = progress_new(args.pmode, "mrc");
    json_t *doc = mrc_compute_caught(o, args.trace, &err);
    progress_free(o->progress);
    if (!doc) {
        sim_out_abort(&res);
        fprintf(stderr, "pagesim mrc: %s\n", err.msg);
        ret = sim_exit_status(err.kind);
        goto done;
    }
    wrc = sim_out_commit(&res, doc, &err);
    if (wrc)
        fprintf(stderr, "pagesim mrc: %s\n", err.msg);
    ret = sim_exit_status(wrc);
    json_decref(doc);
done:
    free(args.frames);
    return ret;
}
