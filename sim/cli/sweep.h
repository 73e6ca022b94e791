/* sweep.h - `pagesim sweep` runs an experiment grid (sim/cli/sweep.c; the work is sim/exp's;
 * `pagesim merge`, merge.h, summarizes a grid's directory again).
 *
 * A sweep runs policies x frames x --set values x seeds x traces, one JSON per run under
 * DIR/runs/, then merges: DIR/summary.tsv (one row per grid point, seeds aggregated with a
 * 95% t-interval), plot data (DIR/<plot>.tsv, DIR/plot-vars.gp) and the plots that the grid
 * supports (scripts/plot renders them with gnuplot). It prints and returns an exit status
 * (0 success, 1 a run or a write failed, 2 bad usage or input: a grid whose points are one
 * run, a DIR holding another experiment's runs). argv[0] is the subcommand's name. */
#ifndef PAGESIM_CLI_SWEEP_H
#define PAGESIM_CLI_SWEEP_H

int sweep_main(int argc, char **argv);

#endif
