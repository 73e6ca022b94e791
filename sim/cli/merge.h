/* merge.h - `pagesim merge` summarizes a sweep's directory (sim/cli/merge.c; the work is
 * sim/exp/merge.h's merge_dir).
 *
 * DIR/runs/NAME.json (a sweep's runs, or a jobs file's, run by GNU parallel or Slurm) become
 * DIR/summary.tsv, the plot data and the plots. Prints messages on stderr and returns the
 * exit status: 0 success, 1 when something could not be read or written (merge_dir's), 2
 * bad usage or no such DIR. argv[0] is the subcommand's name. */
#ifndef PAGESIM_CLI_MERGE_H
#define PAGESIM_CLI_MERGE_H

int merge_main(int argc, char **argv);

#endif
