/* run.c - `pagesim run`: one simulation of trace files or a synthetic workload.
 *
 * The options are cliopts.c's table (shared with sweep, which passes them through to its
 * runs); opts_parse applies them in command-line order to the default config, after the
 * -c config files (a first pass), so that every option overrides a file. The results go
 * to -o FILE or standard output through sim_run_to_file, which writes a temporary file and
 * renames it: a failed run leaves no results file. Exit status as sim_exit_status says
 * (README "Exit status"). Cost: the simulation's. */
#include "run.h"
#include "cliopts.h"
#include "opts.h"
#include "sim/sim.h"
#include "sim/base/progress.h"
#include "sim/base/types.h"

#include <stdio.h>

static const opts_cmd_t run_cmd = {
    .prog = "pagesim",
    .usage = "usage: pagesim run [OPTIONS] TRACE...\n\n",
    .opts = cliopt_opts,
};

/* The parsed command line: the simulation, its progress line, the exit status. */
static int run_simulate(const json_t *cfg, const cliopt_dest_t *d, int ntraces, char **traces)
{
    sim_err_t err;
    if (ntraces == 0 && !*json_string_value(json_object_get(cfg, "workload")))
        return opts_bad(&run_cmd, "run needs a trace file");
    progress_t *progress = progress_new(d->progress, "run");
    int rc = sim_run_to_file(cfg, (const char *const *)traces, ntraces, d->output, progress, &err);
    progress_free(progress);
    if (rc)
        fprintf(stderr, "pagesim: %s\n", err.msg);
    return sim_exit_status(rc);
}

int run_main(int argc, char **argv)
{
    json_t *cfg = config_defaults();
    cliopt_dest_t d = { .output = NULL, .progress = PROGRESS_AUTO };
    int first, rc = opts_parse(&run_cmd, argc, argv, &d, cfg, &first);
    if (rc < 0)
        rc = run_simulate(cfg, &d, argc - first, argv + first);
    json_decref(cfg);
    return rc;
}
