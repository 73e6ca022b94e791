/* pool.h - running a sweep's grid: forked workers, at most -j at a time, or a jobs file for
 * GNU parallel and Slurm arrays. */
#ifndef PAGESIM_POOL_H
#define PAGESIM_POOL_H

#include "grid.h"

/* Runs every point not done, at most g->jobs at a time, each into DIR/runs/<name>.json; a
 * failed point is named on stderr and recorded (DIR/runs/<name>.failed). Returns the number
 * that failed. */
int pool_run(grid_t *g);
/* Writes g->jobs_file: one `pagesim run ... -o DIR/runs/<name>.json` command line per point,
 * runnable by `parallel < FILE` or by a Slurm array task picking line $SLURM_ARRAY_TASK_ID.
 * -1 with *err when it cannot be written whole. */
int pool_write_jobs(const grid_t *g, sim_err_t *err);

#endif
