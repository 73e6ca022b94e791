/* run.c - `pagesim run`: one simulation of trace files or a synthetic workload.
 *
 * The options are cliopts.c's table (shared with sweep, which passes them through to its
 * runs); opts_parse applies them in command-line order to the default config, after the
 * -c config files (a first pass), so that every option overrides a file. The results go
 * to -o FILE or standard output through sim_run_with, which writes a temporary file and
 * renames it: a failed run leaves no results file. Exit status as sim_exit_status says
 * (README "Exit status"). Cost: the simulation's.
 *
 * Where things go (README "Reading results"). A human summary line, in the spirit of
 * libCacheSim's cachesim line (its trace, policy, memory, references, faults with major and
 * minor, miss ratio, simulated time, mean access time), is written once per run: on standard
 * output instead of the JSON when standard output is a terminal and neither -o nor --json
 * asks for the JSON there; else on standard error. -q drops it (with the progress line).
 * --explain (sim/explain.c) writes its lines on standard output; the JSON then goes only to
 * -o FILE. Sweeps call sim_run_to_file in their workers, not this: they print no summary
 * lines (the sweep has its own progress line and summary.tsv); the `pagesim run` lines of
 * a jobs file do print theirs, on standard error, one per run, as a log. */
#include "run.h"
#include "cliopts.h"
#include "opts.h"
#include "sim/sim.h"
#include "sim/base/progress.h"
#include "sim/base/types.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const opts_cmd_t run_cmd = {
    .prog = "pagesim",
    .usage = "usage: pagesim run [OPTIONS] TRACE...\n\n"
             "  Simulates the traces and writes the results JSON (-o FILE, or standard output).\n"
             "  A summary line goes to standard error, or in place of the JSON when standard\n"
             "  output is a terminal (then --json asks for the JSON); -q drops it. Page lists\n"
             "  (pages, lis, oracle) fault as demand-zero minor faults; --set implicit=swap\n"
             "  reads each page's first touch from the swap device (a major fault, timed) and\n"
             "  --set implicit=file from the file device.\n\n",
    .opts = cliopt_opts,
};

/* A time in ns with three significant digits and its unit. */
static void run_fmt_time(double ns, char *buf, size_t n)
{
    static const char *const unit[] = {"ns", "us", "ms", "s"};
    int u = 0;
    while (u < 3 && ns >= 1000) {
        ns /= 1000;
        u++;
    }
    snprintf(buf, n, "%.*f %s", ns < 10 ? 2 : ns < 100 ? 1 : 0, ns, unit[u]);
}

static void run_fmt_bytes(double b, char *buf, size_t n)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (u < 4 && b >= 1024) {
        b /= 1024;
        u++;
    }
    snprintf(buf, n, "%.*f %s", b == (double)(long long)b ? 0 : 1, b, unit[u]);
}

static double run_num(const json_t *doc, const char *obj, const char *key)
{
    const json_t *o = obj ? json_object_get(doc, obj) : doc;
    return json_number_value(json_object_get(o, key));
}

/* The summary line of a run (README "Reading results"). Mean access time: the time the
 * processes spent per page reference, running or blocked on I/O (cpu_ns + blocked_ns over
 * the references; waits for children are not access time). */
static void run_summary(FILE *f, const json_t *doc, const json_t *cfg, int ntraces, char **traces)
{
    char what[256];
    const char *wl = json_string_value(json_object_get(cfg, "workload"));
    if (ntraces == 0)
        snprintf(what, sizeof what, "%s", wl ? wl : "workload");
    else if (ntraces == 1)
        snprintf(what, sizeof what, "%s", traces[0]);
    else
        snprintf(what, sizeof what, "%s (+%d more)", traces[0], ntraces - 1);
    const char *spec = json_string_value(json_object_get(cfg, "policy"));
    const char *name = json_string_value(json_object_get(json_object_get(doc, "policy"), "name"));
    double frames = run_num(doc, "memory", "frames"), refs = run_num(doc, NULL, "references");
    double busy = 0;
    size_t i;
    const json_t *pr;
    json_array_foreach(json_object_get(doc, "processes"), i, pr)
        busy += run_num(pr, NULL, "cpu_ns") + run_num(pr, NULL, "blocked_ns");
    char bytes[32], sim[32], mean[32];
    run_fmt_bytes(frames * run_num(doc, "memory", "page_size"), bytes, sizeof bytes);
    run_fmt_time(run_num(doc, "time", "sim_ns"), sim, sizeof sim);
    run_fmt_time(refs > 0 ? busy / refs : 0, mean, sizeof mean);
    fprintf(f, "%s: %s, %.0f frames (%s): %.0f references, %.0f faults (%.0f major, %.0f minor), "
            "miss ratio %.4f, simulated %s, mean access %s\n",
            what, spec && *spec ? spec : name, frames, bytes, refs, run_num(doc, "faults", "total"),
            run_num(doc, "faults", "major"), run_num(doc, "faults", "minor"),
            run_num(doc, NULL, "miss_ratio"), sim, mean);
}

/* The parsed command line: the simulation, its progress line, the exit status. */
static int run_simulate(const json_t *cfg, const cliopt_dest_t *d, int ntraces, char **traces)
{
    sim_err_t err;
    if (ntraces == 0 && !*json_string_value(json_object_get(cfg, "workload")))
        return opts_bad(&run_cmd, "run needs a trace file");
    int tty = isatty(STDOUT_FILENO);
    if (d->explain && d->json && !d->output)
        return opts_bad(&run_cmd, "--explain writes its lines on standard output: give --json's "
                        "results a file with -o");
    /* The JSON: to -o, else standard output, unless that is a terminal (or explain's) and no
     * --json asks for it there. */
    int no_json = !d->output && (d->explain || (tty && !d->json));
    FILE *summary = d->progress == PROGRESS_QUIET ? NULL
                    : tty && !d->explain && (d->output || no_json) ? stdout : stderr;
    json_t *doc = NULL;
    progress_t *progress = progress_new(d->progress, "run");
    sim_run_opts_t o = {.path = d->output, .no_json = no_json, .progress = progress,
                        .explain = d->explain ? stdout : NULL, .results = summary ? &doc : NULL};
    int rc = sim_run_with(cfg, (const char *const *)traces, ntraces, &o, &err);
    progress_free(progress);
    if (rc)
        fprintf(stderr, "pagesim: %s\n", err.msg);
    else if (doc) {
        run_summary(summary, doc, cfg, ntraces, traces);
        if (fflush(summary) || ferror(summary)) {
            fprintf(stderr, "pagesim: cannot write the summary line\n");
            rc = SIM_ESYS;
        }
    }
    json_decref(doc);
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
