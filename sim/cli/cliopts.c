/* cliopts.c - the `pagesim run` options as one table: long name, letter, and what each does to
 * the config.
 *
 * `pagesim run` (main.c) and `pagesim sweep` (sweep.c, which passes most run options through
 * to every grid point and writes them into jobs files) must agree exactly on what an option
 * means, and two hand-written copies of the option-to-key mapping drift apart. So both
 * build their getopt_long arrays from this table and apply options through cliopt_apply.
 * Options that are not a plain config key are a kind with its own rule here (-f, --tlb,
 * --set) or left to the caller (-c is loaded before everything else so that other options
 * override it; -o, -h, -q and --progress are not config at all). Cost: a linear scan of a table of ~20
 * entries per option on the command line. */
#include "cliopts.h"
#include "sim/sim.h"
#include "sim/base/spec.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In the order `pagesim run --help` lists them. */
static const cliopt_t run_opts[] = {
    {"policy", 'p', CLIOPT_KEY, "policy", 0},
    {"frames", 'f', CLIOPT_FRAMES, NULL, 0},
    {"memory", 'm', CLIOPT_KEY, "memory", CLIOPT_SWEEP},
    {"page-size", 0, CLIOPT_KEY, "page_size", CLIOPT_SWEEP},
    {"tlb", 0, CLIOPT_TLB, NULL, CLIOPT_SWEEP},
    {"seed", 's', CLIOPT_KEY, "seed", CLIOPT_SWEEP},
    {"format", 0, CLIOPT_KEY, "format", CLIOPT_SWEEP},
    {"config", 'c', CLIOPT_CONFIG, NULL, CLIOPT_SWEEP},
    {"set", 0, CLIOPT_SET, NULL, 0},
    {"output", 'o', CLIOPT_OUTPUT, NULL, 0},
    {"interval", 0, CLIOPT_KEY, "interval", CLIOPT_SWEEP},
    {"cow", 0, CLIOPT_KEY, "cow", CLIOPT_SWEEP},
    {"schedule", 0, CLIOPT_KEY, "schedule", CLIOPT_SWEEP},
    {"swap-dev", 0, CLIOPT_KEY, "swap_dev", CLIOPT_SWEEP},
    {"file-dev", 0, CLIOPT_KEY, "file_dev", CLIOPT_SWEEP},
    {"ref-bit", 0, CLIOPT_KEY, "ref_bit", CLIOPT_SWEEP},
    {"cpus", 0, CLIOPT_KEY, "cpus", CLIOPT_SWEEP},
    {"quantum", 0, CLIOPT_KEY, "quantum", CLIOPT_SWEEP},
    {"workload", 0, CLIOPT_KEY, "workload", 0},
    {"quiet", 'q', CLIOPT_QUIET, NULL, 0},
    {"progress", 0, CLIOPT_PROGRESS, NULL, 0},
    {"help", 'h', CLIOPT_HELP, NULL, 0},
};
#define N_OPTS ((int)(sizeof run_opts / sizeof *run_opts))
_Static_assert(N_OPTS <= CLIOPT_MAX, "raise CLIOPT_MAX");

static int wanted(const cliopt_t *c, unsigned need)
{
    return (c->flags & need) == need;
}

int cliopt_getopt(unsigned need, struct option *longopts, int n, char *shortopts, size_t cap)
{
    size_t len = strlen(shortopts);
    for (int i = 0; i < N_OPTS; i++) {
        const cliopt_t *c = &run_opts[i];
        if (!wanted(c, need))
            continue;
        int has_arg = c->kind == CLIOPT_HELP || c->kind == CLIOPT_QUIET || c->kind == CLIOPT_PROGRESS
                      ? no_argument : required_argument;
        longopts[n++] = (struct option){c->name, has_arg, NULL, c->letter ? c->letter : CLIOPT_VAL_BASE + i};
        if (c->letter) {
            assert(len + 3 < cap);
            shortopts[len++] = c->letter;
            if (has_arg == required_argument)
                shortopts[len++] = ':';
            shortopts[len] = '\0';
        }
    }
    longopts[n] = (struct option){0, 0, 0, 0};
    return n;
}

const cliopt_t *cliopt_lookup(int o, unsigned need)
{
    const cliopt_t *c = NULL;
    if (o >= CLIOPT_VAL_BASE && o < CLIOPT_VAL_BASE + N_OPTS)
        c = &run_opts[o - CLIOPT_VAL_BASE];
    else
        for (int i = 0; i < N_OPTS && !c; i++)
            if (o > 0 && run_opts[i].letter == o)
                c = &run_opts[i];
    return c && wanted(c, need) ? c : NULL;
}

/* --tlb E[:W]: without W, the ways are min(E, 4) and at least 1 (the default geometry 64:4). */
static int apply_tlb(json_t *cfg, const char *value, char *err)
{
    char e[64], w[64];
    const char *colon = strchr(value, ':');
    if (strlen(value) >= sizeof e) {         /* a cut copy would be another number */
        snprintf(err, SIM_ERR_LEN, "--tlb: '%.40s...' is too long (E[:W], two integers)", value);
        return -1;
    }
    if (colon) {
        snprintf(e, sizeof e, "%.*s", (int)(colon - value), value);
        snprintf(w, sizeof w, "%s", colon + 1);
    } else {
        snprintf(e, sizeof e, "%s", value);
        long long n = 0;
        if (parse_int(value, &n))          /* config_set says what is wrong with it */
            n = 4;
        snprintf(w, sizeof w, "%lld", n >= 4 ? 4 : n > 0 ? n : 1);
    }
    return config_set(cfg, "tlb.entries", e, err) || config_set(cfg, "tlb.ways", w, err) ? -1 : 0;
}

static int apply_set(json_t *cfg, const char *value, char *err)
{
    const char *eq = strchr(value, '=');
    if (!eq) {
        snprintf(err, SIM_ERR_LEN, "--set needs KEY=VALUE, not '%s'", value);
        return -1;
    }
    char *key = strndup(value, (size_t)(eq - value));
    if (!key)
        abort();
    int rc = config_set(cfg, key, eq + 1, err) ? -1 : 0;
    free(key);
    return rc;
}

int cliopt_apply(json_t *cfg, const cliopt_t *opt, const char *value, char *err)
{
    switch (opt->kind) {
    case CLIOPT_KEY:
        return config_set(cfg, opt->key, value, err) ? -1 : 0;
    case CLIOPT_FRAMES:
        return config_set(cfg, "frames", value, err) || config_set(cfg, "memory", "", err) ? -1 : 0;
    case CLIOPT_TLB:
        return apply_tlb(cfg, value, err);
    case CLIOPT_SET:
        return apply_set(cfg, value, err);
    case CLIOPT_CONFIG:
    case CLIOPT_OUTPUT:
    case CLIOPT_HELP:
    case CLIOPT_QUIET:
    case CLIOPT_PROGRESS:
        return 0;
    }
    assert(0);
    return -1;
}
