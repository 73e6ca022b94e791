/* cliopts.h - the one table of `pagesim run` options (an opts.h table), shared by run and sweep. */
#ifndef PAGESIM_CLIOPTS_H
#define PAGESIM_CLIOPTS_H

#include <jansson.h>

#include "opts.h"
#include "sim/base/progress.h"

/* Each entry's .kind: what the option is to code that meets it after parsing. */
typedef enum cliopt_kind {
    CLIOPT_KEY,      /* the value is config key `key` */
    CLIOPT_FRAMES,   /* -f: frames, and clears memory so that -f overrides a config's memory */
    CLIOPT_TLB,      /* --tlb E[:W]: tlb.entries and tlb.ways (W defaults to min(E, 4), >= 1) */
    CLIOPT_SET,      /* --set KEY=VALUE: any config key */
    CLIOPT_CONFIG,   /* -c FILE: loaded before every other option (OPT_FIRST) */
    CLIOPT_OUTPUT,   /* -o FILE: cliopt_dest_t.output */
    CLIOPT_HELP,     /* -h: the help */
    CLIOPT_QUIET,    /* -q: no progress line (progress.h): cliopt_dest_t.progress; no argument */
    CLIOPT_PROGRESS, /* --progress: a progress line even without a terminal; likewise */
    CLIOPT_JSON,     /* --json: the results JSON on standard output even on a terminal */
    CLIOPT_EXPLAIN,  /* --explain: a line per reference on standard output (explain.c) */
} cliopt_kind_t;

enum {
    CLIOPT_SWEEP = OPT_USER << 0,   /* `pagesim sweep` passes the option through to every run */
    CLIOPT_PATH = OPT_USER << 1,    /* its value is a file: sweep passes it by absolute path */
};

/* A run option is an entry of the opts.h table: name, letter, kind, key, flags as before,
 * and its help line, value and action. */
typedef opt_t cliopt_t;

/* The table, in the order `pagesim run --help` lists them, ending in {0}. Options that are
 * config go to opts_parse's cfg; -o, -q and --progress to a cliopt_dest_t as its dest. */
extern const opt_t cliopt_opts[];

typedef struct cliopt_dest {
    const char *output;             /* -o: results JSON (NULL: standard output) */
    progress_mode_t progress;       /* -q, --progress (PROGRESS_AUTO without); -q also drops
                                       run's summary line */
    int json;                       /* --json */
    int explain;                    /* --explain */
} cliopt_dest_t;

/* Applies one option with its value to cfg as `pagesim run` does. CLIOPT_CONFIG, _OUTPUT,
 * _HELP, _QUIET, _PROGRESS, _JSON and _EXPLAIN do nothing here (the caller handles them). -1 with a message in err on bad input. */
int cliopt_apply(json_t *cfg, const cliopt_t *opt, const char *value, sim_err_t *err);

#endif
