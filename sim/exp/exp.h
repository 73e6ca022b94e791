/* exp.h - what the experiment modules share: a runs folder, the configuration a result
 * echoes, dotted config keys, and output files that are whole or absent.
 *
 * Errors: -1 with kind and message in *err (sim/base/err.h). */
#ifndef PAGESIM_EXP_H
#define PAGESIM_EXP_H

#include <jansson.h>
#include <stdio.h>
#include "sim/base/err.h"
#include "strv.h"

int exp_has_suffix(const char *s, const char *suf);
/* Whether s parses completely as a number (for ordering and plotting key values). */
int exp_as_number(const char *s, double *out);
/* v as "%.12g", or "nan": the number format of summary.tsv and the plot data. */
void exp_put_num(FILE *f, double v);

/* ---- config documents ---- */
/* The value of a dotted key ("tlb.entries") in obj, or NULL. */
const json_t *exp_dotted(const json_t *obj, const char *key);
/* Its number, or NAN. */
double exp_num_at(const json_t *obj, const char *key);
void exp_del_dotted(json_t *obj, const char *key);
/* A config value as text (a copy: integers plainly, reals %.17g, booleans true/false). */
char *exp_value_text(const json_t *v);
/* The grid coordinates that a sweep varies by its own options rather than by --set
 * (policy, frames, memory, seed), and whether key is one. */
#define EXP_GRID_KEYS 4
extern const char *const exp_grid_keys[EXP_GRID_KEYS];
int exp_grid_key(const char *key);
/* Schedule "auto" as sched.c resolves it for ntraces trace files (0: left alone). */
void exp_sched_resolve(json_t *cfg, int ntraces);
/* A configuration as a result file holds it: through the same text (reals at 10 digits, as
 * sim_out_write writes them), without "frames" when "memory" is set (the engine rewrites
 * frames from memory, so frames says nothing more), and schedule "auto" resolved for
 * ntraces trace files as the engine echoes it (0: left alone). Comparable with json_equal;
 * a new reference. */
json_t *exp_canon(const json_t *cfg, int ntraces);
/* The first dotted key whose values differ between a and b: 1 with "KEY: A there, B here"
 * in out, or 0 when they are equal. */
int exp_first_diff(const json_t *a, const json_t *b, const char *prefix, char *out, size_t n);

/* ---- files ---- */
/* The run results (*.json) and failure records (*.failed) in a runs folder, appended to
 * files in directory order; -1 (errno set) if it cannot be opened. */
int exp_list_runs(const char *dir, strv_t *files);
/* mkdir -p. */
int exp_mkdir(const char *path, sim_err_t *err);

#endif
