/* plot.h - a merged sweep's plots: their data files and their drawing (plot.c's table of
 * plot kinds says which plots a grid supports). */
#ifndef PAGESIM_PLOT_H
#define PAGESIM_PLOT_H

#include "merge.h"
#include "sim/base/err.h"

/* Writes DIR/<kind>.tsv for every plot kind the grid supports (removing the stale ones of
 * the others, with their images) and DIR/plot-vars.gp (title, series labels, notes).
 * -1 with *err when a file could not be written whole. */
int plot_write_data(const merge_t *m, sim_err_t *err);
/* Draws them: runs scripts/plot --no-merge DIR with the table's kinds (found beside the
 * binary's build or install tree, or through $PAGESIM_SCRIPTS). Plots are a convenience:
 * a failure is reported on stderr, not fatal. */
void plot_render(const char *dir);
/* Kind i of the table (DIR/<name>.tsv, .png, .svg) and its one-sentence caption, in the
 * table's order; NULL past the end. A name may come twice (two ways to the same plot). */
const char *plot_kind_name(size_t i, const char **caption);

#endif
