/* merge.h - a runs folder turned into one table: grid points recovered from the runs' own
 * configs, seeds aggregated with 95% confidence intervals, DIR/summary.tsv, then the plots
 * (plot.h). The types are what plot.c reads. */
#ifndef PAGESIM_MERGE_H
#define PAGESIM_MERGE_H

#include <jansson.h>
#include "strv.h"

/* The numbers merge keeps of each run, in summary.tsv's column order (in_summary). */
enum { M_FAULTS, M_MISS, M_MAJOR, M_REFS, M_SIMNS, M_CPU, M_TPUT, M_TLB, M_COW, M_RESPEAK,
       M_EAGER, M_FRATE, M_COPIED, M_ACCESSES, M_NSACC, M_N };
typedef struct merge_metric { const char *col, *path; int in_summary; } merge_metric_t;
extern const merge_metric_t merge_metrics[M_N];

typedef struct merge_run {
    char *file, *policy, *trace_key, *label;   /* trace_key: full paths joined by '+' */
    char *workload;               /* its inputs as workloads, processes uncounted (merge.c):
                                     the thrashing curve joins only runs of one workload */
    long frames, seed, nproc, page_size;
    char **kv;
    double m[M_N];
    double child_wf;              /* forked children's write fraction, from workload specs */
    json_t *cdf, *timeline;
    json_t *cfg;                  /* canonical, without the seed: the runs of a point share it */
    int failed;                   /* a DIR/runs/<name>.failed record: no results */
} merge_run_t;

/* A grid point: runs[first .. first + n + nfail), n of them results, sorted by seed. */
typedef struct merge_group { int first, n, nfail; double mean[M_N], ci[M_N]; } merge_group_t;

typedef struct merge {
    const char *dir;
    char *title;
    strv_t keys;                  /* the --set keys, the summary's extra columns */
    strv_t *key_order;            /* per key: values in grid order (from sweep.json) */
    strv_t pol_order, trace_order;
    merge_run_t *runs; int nruns;
    merge_group_t *groups; int ngroups;
    int maxn;                     /* most runs in one grid point (seeds) */
    int has_sweep_json;
    int nfailed;                  /* failure records among the runs */
} merge_t;

/* `pagesim merge DIR`'s work: DIR/summary.tsv and the plot data from DIR/runs, then the
 * plots unless no_plots; title NULL: sweep.json's or DIR's name. Messages on stderr;
 * 0, or 1 when something could not be read or written. */
int merge_dir(const char *dir, const char *title, int no_plots);

#endif
