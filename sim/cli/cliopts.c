/* cliopts.c - the `pagesim run` options as one table (opts.h): long name, letter, help line,
 * and what each does to the config.
 *
 * `pagesim run` (run.c, which parses with this table and prints its help from it) and
 * `pagesim sweep` (sweep.c, which passes most run options through to every grid point and
 * writes them into jobs files) must agree exactly on what an option means, and two
 * hand-written copies of the option-to-key mapping drift apart. So both parse with this
 * table (run as its opts_cmd_t's table, sweep as its .more) and apply options through its
 * entries (cliopt_apply for sweep). Options that are not a plain config key are a kind
 * with its own rule here (-f, --tlb, --set, -c: config files are loaded in a first pass so
 * that the other options override them) or not config at all (-o, -q and --progress land in run's cliopt_dest_t;
 * -h prints the help). Cost: a linear scan of a table of ~20 entries per option on the
 * command line. */
#include "cliopts.h"
#include "sim/sim.h"
#include "sim/base/spec.h"
#include "sim/base/xalloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The table's lines: a config key, or one of the kinds with a rule of its own. */
#define KEY(name, letter, meta, k, f, help) \
    {name, letter, OPT_REQUIRED, meta, help, .key = k, .kind = CLIOPT_KEY, .flags = f}
#define RULE(name, letter, arg, meta, fn, kd, f, help) \
    {name, letter, arg, meta, help, .action = fn, .kind = kd, .flags = f}
#define DEST(name, letter, arg, meta, fn, field, kd, help) \
    {name, letter, arg, meta, help, .action = fn, \
     .off = offsetof(cliopt_dest_t, field), .kind = kd}

static int apply_frames(opts_parse_t *p, const opt_t *o, const char *value);
static int apply_tlb(opts_parse_t *p, const opt_t *o, const char *value);
static int apply_set(opts_parse_t *p, const opt_t *o, const char *value);
static int apply_config(opts_parse_t *p, const opt_t *o, const char *value);

/* In the order `pagesim run --help` lists them. */
const opt_t cliopt_opts[] = {
    KEY("policy", 'p', "SPEC", "policy", 0, "replacement policy NAME[:key=value,...] (default lru)"),
    RULE("frames", 'f', OPT_REQUIRED, "N", apply_frames, CLIOPT_FRAMES, 0, "physical memory in frames (default 256)"),
    KEY("memory", 'm', "SIZE", "memory", CLIOPT_SWEEP, "physical memory in bytes, K/M/G suffixes (overrides -f)"),
    KEY("page-size", 0, "BYTES", "page_size", CLIOPT_SWEEP, "page size, a power of two (default 4096)"),
    RULE("tlb", 0, OPT_REQUIRED, "E[:W]", apply_tlb, CLIOPT_TLB, CLIOPT_SWEEP,
         "TLB of E entries, W ways (default 64:4; 0 disables)"),
    KEY("ref-bit", 0, "MODE", "ref_bit", CLIOPT_SWEEP, "access (R set on every reference) or tlb_fill (only on walks)"),
    KEY("cow", 0, "SPEC", "cow", CLIOPT_SWEEP, "copy-on-write policy (default reuse)"),
    KEY("schedule", 0, "S", "schedule", CLIOPT_SWEEP,
        "trace (file order; default for one file), rr (round robin;\ndefault for several files), auto"),
    KEY("cpus", 0, "N", "cpus", CLIOPT_SWEEP, "CPUs for the rr schedule (default 1)"),
    KEY("quantum", 0, "TIME", "quantum", CLIOPT_SWEEP, "rr time slice (default 10ms)"),
    KEY("workload", 0, "SPEC", "workload", CLIOPT_SWEEP | CLIOPT_PATH, "a synthetic workload (JSON) instead of trace files"),
    KEY("swap-dev", 0, "SPEC", "swap_dev", CLIOPT_SWEEP, "swap device MODEL[:k=v,...] (fixed, ssd, hdd; default fixed)"),
    KEY("file-dev", 0, "SPEC", "file_dev", CLIOPT_SWEEP, "file device (default fixed)"),
    KEY("seed", 's', "N", "seed", CLIOPT_SWEEP, "random seed (default 1)"),
    KEY("format", 0, "NAME", "format", CLIOPT_SWEEP, "trace format (default: detected from content)"),
    RULE("config", 'c', OPT_REQUIRED, "FILE", apply_config, CLIOPT_CONFIG, CLIOPT_SWEEP | CLIOPT_PATH | OPT_FIRST,
         "JSON config; other options override it"),
    RULE("set", 0, OPT_REQUIRED, "KEY=VALUE", apply_set, CLIOPT_SET, 0,
         "set any config key (dotted: costs.walk=30ns, tlb.asid=false)"),
    DEST("output", 'o', OPT_REQUIRED, "FILE", opts_str, output, CLIOPT_OUTPUT, "results JSON (default: standard output)"),
    KEY("interval", 0, "N", "interval", CLIOPT_SWEEP, "timeline record every N accesses (default 100000, 0 off)"),
    DEST("json", 0, OPT_NONE, NULL, opts_true, json, CLIOPT_JSON,
         "the results JSON on standard output even when it is a terminal\n(there, without -o or --json, the summary line replaces it)"),
    DEST("explain", 0, OPT_NONE, NULL, opts_true, explain, CLIOPT_EXPLAIN,
         "a line per reference on standard output: hit or fault kind,\nvictim, the policy's lists (traces of at most 10000 accesses;\nthe JSON only with -o)"),
    DEST("quiet", 'q', OPT_NONE, NULL, opts_quiet, progress, CLIOPT_QUIET,
         "no progress line and no summary line"),
    DEST("progress", 0, OPT_NONE, NULL, opts_progress, progress, CLIOPT_PROGRESS, OPTS_PROGRESS_HELP),
    RULE("help", 'h', OPT_NONE, NULL, opts_help, CLIOPT_HELP, 0, ""),
    {0},
};
#define N_OPTS ((int)(sizeof cliopt_opts / sizeof *cliopt_opts) - 1)
_Static_assert(N_OPTS <= OPTS_MAX, "raise OPTS_MAX");

static int apply_frames(opts_parse_t *p, const opt_t *o, const char *value)
{
    (void)o;
    return config_set(p->cfg, "frames", value, p->err) || config_set(p->cfg, "memory", "", p->err) ? -1 : 0;
}

static int apply_config(opts_parse_t *p, const opt_t *o, const char *value)
{
    (void)o;
    return config_load_file(p->cfg, value, p->err) ? -1 : 0;
}

/* --tlb E[:W]: without W, the ways are min(E, 4) and at least 1 (the default geometry 64:4). */
static int apply_tlb(opts_parse_t *p, const opt_t *o, const char *value)
{
    (void)o;
    json_t *cfg = p->cfg;
    sim_err_t *err = p->err;
    char e[64], w[64];
    const char *colon = strchr(value, ':');
    if (strlen(value) >= sizeof e) {         /* a cut copy would be another number */
        return sim_err_set(err, SIM_EINPUT, "--tlb: '%.40s...' is too long (E[:W], two integers)", value);
    }
    if (colon) {
        snprintf(e, sizeof e, "%.*s", (int)(colon - value), value);
        snprintf(w, sizeof w, "%s", colon + 1);
    } else {
        snprintf(e, sizeof e, "%s", value);
        long long n = 0;
        if (spec_parse_int(value, &n))          /* config_set says what is wrong with it */
            n = 4;
        snprintf(w, sizeof w, "%lld", n >= 4 ? 4 : n > 0 ? n : 1);
    }
    return config_set(cfg, "tlb.entries", e, err)
           || config_set(cfg, "tlb.ways", w, err) ? -1 : 0;
}

static int apply_set(opts_parse_t *p, const opt_t *o, const char *value)
{
    (void)o;
    json_t *cfg = p->cfg;
    sim_err_t *err = p->err;
    const char *eq = strchr(value, '=');
    if (!eq)
        return sim_err_set(err, SIM_EINPUT, "--set needs KEY=VALUE, not '%s'", value);
    size_t n = (size_t)(eq - value);
    char *key = xmalloc(n + 1, "a --set key");    /* throws (xalloc.h) */
    memcpy(key, value, n);
    key[n] = '\0';
    int rc = config_set(cfg, key, eq + 1, err) ? -1 : 0;
    free(key);
    return rc;
}

int cliopt_apply(json_t *cfg, const cliopt_t *opt, const char *value, sim_err_t *err)
{
    switch ((cliopt_kind_t)opt->kind) {
    case CLIOPT_KEY:
    case CLIOPT_FRAMES:
    case CLIOPT_TLB:
    case CLIOPT_SET:
        break;
    case CLIOPT_CONFIG:
    case CLIOPT_OUTPUT:
    case CLIOPT_HELP:
    case CLIOPT_QUIET:
    case CLIOPT_PROGRESS:
    case CLIOPT_JSON:
    case CLIOPT_EXPLAIN:
        return 0;
    }
    opts_parse_t p = { .cfg = cfg, .err = err };
    return opts_apply(&p, opt, value) ? -1 : 0;
}
