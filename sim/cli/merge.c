/* merge.c - the `pagesim merge` command line (see merge.h): its options (opts.h), the DIR
 * operand made absolute, and merge_dir (sim/exp/merge.c), which does the work and prints
 * its own messages. Cost: nothing beyond the parse. */
#include "merge.h"
#include "opts.h"
#include "sim/exp/merge.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct merge_args {
    const char *title;
    int no_plots;
} merge_args_t;

static const opt_t merge_opts[] = {
    {"title", 0, OPT_REQUIRED, "TEXT", "the experiment's name in plot titles (default: DIR's name)",
     .action = opts_str, .off = offsetof(merge_args_t, title)},
    {"no-plots", 0, OPT_NONE, NULL, "write summary.tsv and plot data only",
     .action = opts_true, .off = offsetof(merge_args_t, no_plots)},
    OPTS_HELP,
    {0},
};

static const opts_cmd_t merge_cmd = {
    .prog = "pagesim merge",
    .usage = "usage: pagesim merge [--title TEXT] [--no-plots] DIR\n\n"
             "Builds DIR/summary.tsv, the plot data and the plots from DIR/runs/*.json (a sweep's\n"
             "runs, e.g. from a --jobs-file run by GNU parallel or Slurm). Each run's grid point\n"
             "comes from its own config; DIR/sweep.json, if present, names the varied keys.\n\n",
    .opts = merge_opts,
};

int merge_main(int argc, char **argv)
{
    merge_args_t a = {0};
    int first, rc = opts_parse(&merge_cmd, argc, argv, &a, NULL, &first);
    if (rc >= 0)
        return rc;
    if (first >= argc)
        return opts_bad(&merge_cmd, "DIR is required");
    if (first < argc - 1)
        return opts_bad(&merge_cmd, "one DIR only (got '%s' and '%s')", argv[first], argv[first + 1]);
    char absdir[PATH_MAX];
    if (!realpath(argv[first], absdir)) {
        fprintf(stderr, "pagesim merge: %s: %s\n", argv[first], strerror(errno));
        return 2;
    }
    return merge_dir(absdir, a.title, a.no_plots);
}
