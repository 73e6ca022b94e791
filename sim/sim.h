/* sim.h - the public face of one simulation: configure, run, collect results.
 *
 * Everything a run mutates hangs off sim_t (clock, event queue, rng, frames, processes,
 * statistics): there is no global mutable state, so any number of simulations can run in
 * one process, in parallel threads (pagesim sweep runs each in a worker process instead, so
 * that a crash ends one run only).
 *
 * The configuration is a JSON object (the canonical form, echoed in the results); the CLI,
 * config files and `--set KEY=VALUE` all edit it through config.h before sim_create()
 * validates it (config_validate) and builds the run from the typed result. Same config and
 * seed: byte-identical results.
 */
#ifndef PAGESIM_SIM_H
#define PAGESIM_SIM_H

#include <jansson.h>
#include <stdio.h>
#include "sim/base/err.h"
#include "sim/base/outfile.h"
#include "sim/base/types.h"
#include "config.h"
#define PAGESIM_SCHEMA 1   /* results schema version; results/README.md documents it */

typedef struct sim sim_t;

/* config_defaults, config_set, config_load_file: config.h */

/* Creates a run of the config over the given trace files (or, with cfg "workload", a
 * synthetic workload). NULL with err: its kind SIM_EINPUT on bad config or unreadable input,
 * SIM_ESYS when the machine failed (out of memory, no room for OPT's table: types.h). */
sim_t *sim_create(const json_t *cfg, const char *const *traces, int ntraces, sim_err_t *err);
/* The same, reporting its passes (OPT's next-use pass, rr's pass that finds the processes,
 * and later sim_run's) on a progress line (progress.h; NULL: none). The results are the same
 * bytes with progress or without. */
struct progress;
sim_t *sim_create_progress(const json_t *cfg, const char *const *traces, int ntraces,
                           struct progress *progress, sim_err_t *err);
/* What sim_create would refuse of cfg and its inputs, without running or allocating the
 * run's memory: the config validated, the devices and the policy created (the policy over
 * at most 65536 frames), the schedule's rules, each input opened far enough to know its
 * format. Sets *seeded: whether the results can depend on the seed (a policy flagged
 * REPL_USES_RNG, a device model that draws, such as hdd, or a generator such as a synthetic
 * workload: everything random draws from the run's one rng), so that a sweep runs a point
 * that cannot once rather than once per seed. 0, SIM_EINPUT or SIM_ESYS with err. */
int sim_check(const json_t *cfg, const char *const *traces, int ntraces, int *seeded, sim_err_t *err);
/* Runs to the end. 0, or -1 with err (bad input met mid-trace: err names file and line). */
int sim_run(sim_t *s, sim_err_t *err);
/* The results document (new reference). Valid after sim_run returned 0. */
json_t *sim_results(const sim_t *s);
void sim_free(sim_t *s);

/* Convenience for the CLI and sweeps: create the output (its temporary file: an output that
 * cannot be written fails before the run), create, run, write results to path atomically
 * (temporary file, fsync, rename, fsync of the directory; "-" or NULL is stdout, flushed
 * and checked). 0, or SIM_EINPUT / SIM_ESYS (types.h) with err and no file.
 * progress: the CLI's progress line, or NULL (sweeps: their runs report nothing). */
int sim_run_to_file(const json_t *cfg, const char *const *traces, int ntraces,
                    const char *path, struct progress *progress, sim_err_t *err);
/* What sim_run_with does besides the run. */
typedef struct sim_run_opts {
    const char *path;            /* the results JSON: a file, or "-" / NULL: standard output */
    int no_json;                 /* write no results JSON at all (path unused) */
    struct progress *progress;   /* the progress line, or NULL */
    FILE *explain;               /* explain mode (sim_explain) to this stream, or NULL: off */
    json_t **results;            /* if not NULL: the results document (a new reference),
                                    on success; else NULL */
} sim_run_opts_t;
/* sim_run_to_file with these options (the CLI's run: its summary line reads *results). */
int sim_run_with(const json_t *cfg, const char *const *traces, int ntraces,
                 const sim_run_opts_t *opts, sim_err_t *err);
/* Explain mode (`pagesim run --explain`, sim/explain.c), for a created run not yet run: one
 * line per page reference to out (the reference, hit or its fault, its victims, the policy's
 * state), and a totals line when sim_run ends. 0, or SIM_EINPUT with err: a synthetic
 * workload, an input that is not a regular file (it is read twice), or a trace of more
 * accesses than explain shows (EXPLAIN_MAX_ACCESSES, 10000). */
int sim_explain(sim_t *s, FILE *out, sim_err_t *err);
/* Writes a JSON document to path through a temporary file, fsync and rename ("-" or NULL:
 * standard output, flushed and checked). 0 or SIM_ESYS with err. */
int sim_out_write(const json_t *doc, const char *path, sim_err_t *err);
/* The two halves of sim_out_write, for a writer that must know the output can be
 * created before long work: open creates PATH.tmp.PID next to PATH; commit writes doc,
 * fsyncs, renames into place and fsyncs the directory; abort removes the temporary file.
 * An output that exists and is neither a regular file nor a directory (/dev/null, a FIFO)
 * is written in place: a rename would replace it.
 * open and commit return 0 or SIM_ESYS with err (commit aborts on failure). */
typedef outfile_t sim_out_t;     /* sim/base/outfile.h */
int sim_out_open(sim_out_t *o, const char *path, sim_err_t *err);
int sim_out_commit(sim_out_t *o, const json_t *doc, sim_err_t *err);
void sim_out_abort(sim_out_t *o);

#endif
