/* main.c - the pagesim command line; the only place that calls exit().
 *
 * Subcommands: run (one simulation), policies (what is registered), and the tools other
 * modules provide (mrc, sweep, merge, convert, info, record), each a function returning an
 * exit status. Exit status, one rule for every subcommand (README "Exit status"): 0 success;
 * 2 bad usage or bad input (a message naming the file and line, the record of a binary
 * trace, or the setting); 1 a failure of the machine: out of memory, a write error
 * (standard output included: it is flushed and closed here and checked), a full file
 * system, a failed run of a sweep. The kind comes with the error (xalloc.h), never from its
 * words. A failed run leaves no results file. */
#include "sim/sim.h"
#include "cliopts.h"
#include "commands.h"
#include "sim/base/progress.h"
#include "sim/base/spec.h"
#include "sim/base/xalloc.h"
#include "policies/repl.h"
#include "policies/cow.h"
#include "workloads/wl.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void usage(FILE *f)
{
    fprintf(f,
        "pagesim %s - a discrete-event simulator of virtual-memory paging policies\n\n"
        "usage: pagesim run [OPTIONS] TRACE...   simulate a trace (see pagesim run --help)\n"
        "       pagesim policies                 list replacement and COW policies, trace formats\n"
        "       pagesim mrc ...                  one-pass miss-ratio curves (LRU, OPT)\n"
        "       pagesim sweep ...                run a grid of simulations in parallel\n"
        "       pagesim merge DIR                summary.tsv and plots from a sweep's JSON\n"
        "       pagesim convert --to text|binary IN OUT\n"
        "       pagesim info [--json] TRACE      counts of references, pages, processes, events\n"
        "       pagesim record [-o FILE] -- PROGRAM [ARGS...]   record a trace with Valgrind\n"
        "       pagesim --version | --help\n", PAGESIM_VERSION);
}

static void run_usage(FILE *f)
{
    fprintf(f,
        "usage: pagesim run [OPTIONS] TRACE...\n\n"
        "  -p, --policy SPEC      replacement policy NAME[:key=value,...] (default lru)\n"
        "  -f, --frames N         physical memory in frames (default 256)\n"
        "  -m, --memory SIZE      physical memory in bytes, K/M/G suffixes (overrides -f)\n"
        "      --page-size BYTES  page size, a power of two (default 4096)\n"
        "      --tlb E[:W]        TLB of E entries, W ways (default 64:4; 0 disables)\n"
        "      --ref-bit MODE     access (R set on every reference) or tlb_fill (only on walks)\n"
        "      --cow SPEC         copy-on-write policy (default reuse)\n"
        "      --schedule S       trace (file order; default for one file), rr (round robin;\n"
        "                         default for several files), auto\n"
        "      --cpus N           CPUs for the rr schedule (default 1)\n"
        "      --quantum TIME     rr time slice (default 10ms)\n"
        "      --workload SPEC    a synthetic workload (JSON) instead of trace files\n"
        "      --swap-dev SPEC    swap device MODEL[:k=v,...] (fixed, ssd, hdd; default fixed)\n"
        "      --file-dev SPEC    file device (default fixed)\n"
        "  -s, --seed N           random seed (default 1)\n"
        "      --format NAME      trace format (default: detected from content)\n"
        "  -c, --config FILE      JSON config; other options override it\n"
        "      --set KEY=VALUE    set any config key (dotted: costs.walk=30ns, tlb.asid=false)\n"
        "  -o, --output FILE      results JSON (default: standard output)\n"
        "      --interval N       timeline record every N accesses (default 100000, 0 off)\n"
        "  -q, --quiet            no progress line (by default one on a terminal's stderr)\n"
        "      --progress         progress lines on stderr even when it is not a terminal\n"
        "  -h, --help\n");
}

static int cmd_policies(void)
{
    printf("replacement policies (-p):\n");
    for (int i = 0; repl_registry[i]; i++) {
        const repl_ops_t *r = repl_registry[i];
        printf("  %-10s %s [%s]\n", r->name, r->summary,
               r->flags & REPL_SEES_ALL_REFS ? "sees every reference" : "sees referenced bits only");
    }
    printf("copy-on-write policies (--cow):\n");
    for (int i = 0; cow_registry[i]; i++)
        printf("  %-10s %s\n", cow_registry[i]->name, cow_registry[i]->summary);
    printf("trace formats (--format):\n");
    for (int i = 0; wl_formats[i]; i++)
        printf("  %-10s %s\n", wl_formats[i]->name, wl_formats[i]->summary);
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    struct option opts[CLIOPT_MAX + 1];
    char shortopts[2 * CLIOPT_MAX + 1] = "";
    cliopt_getopt(0, opts, 0, shortopts, sizeof shortopts);
    char err[SIM_ERR_LEN];
    json_t *cfg = config_defaults();
    const char *out = NULL;
    progress_mode_t pmode = PROGRESS_AUTO;
    progress_t *progress = NULL;
    int rc = 2, o;

    /* Pass 1: config files, so that every other option overrides them. */
    optind = 1;
    opterr = 0;
    while ((o = getopt_long(argc, argv, shortopts, opts, NULL)) != -1)
        if (o == 'c' && config_load_file(cfg, optarg, err)) {
            fprintf(stderr, "pagesim: %s\n", err);
            goto done;
        }
    optind = 1;
    opterr = 1;
    while ((o = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        const cliopt_t *opt = cliopt_lookup(o, 0);
        if (!opt) {
            run_usage(stderr);
            goto done;
        }
        if (opt->kind == CLIOPT_HELP) {
            run_usage(stdout);
            rc = 0;
            goto done;
        }
        if (opt->kind == CLIOPT_OUTPUT)
            out = optarg;
        if (opt->kind == CLIOPT_QUIET || opt->kind == CLIOPT_PROGRESS)
            pmode = opt->kind == CLIOPT_QUIET ? PROGRESS_QUIET : PROGRESS_FORCE;
        if (cliopt_apply(cfg, opt, optarg, err)) {
            fprintf(stderr, "pagesim: %s\n", err);
            goto done;
        }
    }
    if (optind >= argc && !*json_string_value(json_object_get(cfg, "workload"))) {
        fprintf(stderr, "pagesim: run needs a trace file\n");
        run_usage(stderr);
        goto done;
    }
    progress = progress_new(pmode, "run");
    rc = sim_run_to_file(cfg, (const char *const *)argv + optind, argc - optind, out, progress, err);
    if (rc) {
        progress_free(progress);
        progress = NULL;
        fprintf(stderr, "pagesim: %s\n", err);
    }
    rc = sim_exit_status(rc);
done:
    progress_free(progress);
    json_decref(cfg);
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("pagesim %s\n", PAGESIM_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "policies"))
        return cmd_policies();
    int status;
    if (cli_dispatch_extra(cmd, argc - 1, argv + 1, &status))
        return status;
    fprintf(stderr, "pagesim: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}

/* Standard output is buffered: a write error (a full disk, /dev/full, a closed pipe's
 * EPIPE when SIGPIPE is ignored) may only show at the flush. */
static int close_stdout(int status)
{
    if ((fflush(stdout) || ferror(stdout) | fclose(stdout)) && status == 0) {
        fprintf(stderr, "pagesim: cannot write to standard output: %s\n", strerror(errno ? errno : EIO));
        return 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    /* The outermost trap (xalloc.h): out of memory, or another failure thrown deep inside
     * a subcommand that has no trap of its own, ends here with its message and kind. */
    static xtrap_t trap;
    xtrap_push(&trap);
    if (setjmp(trap.jb)) {
        fprintf(stderr, "pagesim: %s\n", trap.msg);
        return close_stdout(sim_exit_status(trap.kind));
    }
    int status = dispatch(argc, argv);
    xtrap_pop(&trap);
    return close_stdout(status);
}
