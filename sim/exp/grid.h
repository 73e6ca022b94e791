/* grid.h - a sweep's grid: its axes (policies x frames x each --set key's values x seeds x
 * traces), the points they expand into, and which points a runs folder already holds.
 *
 * Filled by the command line (sim/cli/sweep.c), run by pool.h, summarized by merge.h.
 * Errors: -1 with kind and message in *err (sim/base/err.h). */
#ifndef PAGESIM_GRID_H
#define PAGESIM_GRID_H

#include <jansson.h>
#include <limits.h>
#include "sim/base/err.h"
#include "strv.h"

/* A `pagesim run` option passed through to every run unchanged (--NAME VALUE in a jobs
 * file); name is the option table's, value is owned. */
typedef struct grid_opt { const char *name; char *value; } grid_opt_t;

typedef struct grid_key { char *key; strv_t vals; } grid_key_t;   /* a --set axis */

typedef struct grid_point {
    char *name, *desc;            /* file stem; "policy=lru frames=64 ... trace=x" */
    int pol, fr, seed, tr, *kv;   /* coordinates: indices (seed is the seed itself) */
    json_t *cfg;
    int done;                     /* its JSON existed before the sweep started */
} grid_point_t;

typedef struct grid {
    strv_t policies;              /* empty: the config's policy */
    long *frames; int nframes;    /* none: the config's frames */
    grid_key_t *keys; int nkeys;
    int nseeds;                   /* 0: the config's seed */
    strv_t trace_args;            /* as given (A or A+B), for descriptions */
    strv_t *traces; strv_t labels;/* per trace argument: absolute paths; display label */
    grid_opt_t *opts; int nopts;
    const char *dir, *jobs_file, *title;
    char runs_dir[PATH_MAX];
    int jobs, no_plots;
    const char *const *argv; int argc;   /* the command line (sweep.json's "command") */
    int workload;                 /* --workload: traces[0] is the spec, given to runs as the
                                     config's "workload", not as a trace file */
    grid_point_t *pts; int npts;
} grid_t;

void grid_free(grid_t *g);
/* Adds the comma-separated values (strv_split) to key's axis, the axis first if new. */
void grid_add_key(grid_t *g, const char *key, const char *values);
/* The trace arguments: absolute paths (the jobs file and the results name them so); A+B is
 * one point of several files, unless a file of that very name exists. Labels for names come
 * from the file names, numbered when two arguments would share one. */
int grid_add_traces(grid_t *g, char *const *args, int n, sim_err_t *err);
/* Expands the grid over the base configuration (every run option applied): every point's
 * name, description and configuration. Refuses two points with one file name, and two
 * points that are the same run (equal configurations and traces as the engine reads them). */
int grid_build(grid_t *g, const json_t *base, sim_err_t *err);
/* Checks every point as sim_check does (-1 with err naming the first bad point: nothing has
 * run), and keeps one seed of each point whose results cannot depend on it. */
int grid_check(grid_t *g, sim_err_t *err);
/* DIR/sweep.json: what merge cannot read from the runs (the key list, row order, title). */
int grid_write_json(const grid_t *g, sim_err_t *err);
/* Marks the points whose result DIR/runs already holds (done); -1 with err when DIR/runs
 * holds another experiment's runs (grid.c says when). */
int grid_resume(grid_t *g, sim_err_t *err);

#endif
