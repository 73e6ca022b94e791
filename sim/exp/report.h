/* report.h - DIR/report.html, one static page per sweep: the command line, the summary
 * table, every plot, a link to each run's JSON (report.c). No network: no external
 * scripts, styles, fonts or images. */
#ifndef PAGESIM_REPORT_H
#define PAGESIM_REPORT_H

#include "sim/base/err.h"

/* Writes DIR/report.html from what DIR holds (sweep.json, summary.tsv, the plots' files,
 * runs/), titled title; after the plots are drawn, so that it shows those that exist.
 * 0, or SIM_ESYS with err when it could not be written whole. */
int report_write(const char *dir, const char *title, sim_err_t *err);

#endif
