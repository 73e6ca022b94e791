/* cliopts.h - the one table of `pagesim run` options, shared by run and sweep. */
#ifndef PAGESIM_CLIOPTS_H
#define PAGESIM_CLIOPTS_H

#include <getopt.h>
#include <jansson.h>

typedef enum cliopt_kind {
    CLIOPT_KEY,      /* the value is config key `key` */
    CLIOPT_FRAMES,   /* -f: frames, and clears memory so that -f overrides a config's memory */
    CLIOPT_TLB,      /* --tlb E[:W]: tlb.entries and tlb.ways (W defaults to min(E, 4), >= 1) */
    CLIOPT_SET,      /* --set KEY=VALUE: any config key */
    CLIOPT_CONFIG,   /* -c FILE: the caller loads config files before every other option */
    CLIOPT_OUTPUT,   /* -o FILE: the caller's */
    CLIOPT_HELP,     /* -h: the caller's */
    CLIOPT_QUIET,    /* -q: no progress line (progress.h); the caller's, no argument */
    CLIOPT_PROGRESS, /* --progress: a progress line even without a terminal; likewise */
} cliopt_kind_t;

enum {
    CLIOPT_SWEEP = 1u << 0,   /* `pagesim sweep` passes the option through to every run */
};

typedef struct cliopt {
    const char *name;         /* long name, without "--" */
    char letter;              /* short option, or 0 */
    cliopt_kind_t kind;
    const char *key;          /* CLIOPT_KEY: the config key */
    unsigned flags;           /* CLIOPT_SWEEP */
} cliopt_t;

/* getopt_long returns an option's letter, or this base plus its index in the table when it
 * has none; callers number their own long-only options from CLIOPT_VAL_END. */
enum { CLIOPT_VAL_BASE = 256, CLIOPT_MAX = 32, CLIOPT_VAL_END = CLIOPT_VAL_BASE + CLIOPT_MAX };

/* Appends the table's options whose flags include all of `need` (0: every option) to
 * longopts from index n, terminating the array; returns the new count. longopts must hold
 * n + CLIOPT_MAX + 1 entries. Appends their letters ("x:") to shortopts (cap bytes). */
int cliopt_getopt(unsigned need, struct option *longopts, int n, char *shortopts, size_t cap);

/* The table entry for getopt_long's return value o among options whose flags include all
 * of `need`, or NULL (the caller's own option, or '?'). */
const cliopt_t *cliopt_lookup(int o, unsigned need);

/* Applies one option with its value to cfg as `pagesim run` does. CLIOPT_CONFIG, _OUTPUT,
 * _HELP, _QUIET and _PROGRESS do nothing here (the caller handles them). -1 with a message in err on bad input. */
int cliopt_apply(json_t *cfg, const cliopt_t *opt, const char *value, char *err);

#endif
