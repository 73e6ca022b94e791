/* convert.c - `pagesim convert`: a trace in any readable format to canonical pagesim text or
 * the compact binary format, on the command line.
 *
 * The conversion itself (streaming, a temporary file renamed only when all was read and
 * written) is wl_convert_progress in workloads/convert.c; this file parses the options
 * (opts.h) and turns the result into an exit status: 2 bad usage or input, 1 a write
 * error (sim_exit_status). Cost: the conversion's. */
#include "convert.h"
#include "opts.h"
#include "sim/base/progress.h"
#include "sim/base/types.h"
#include "workloads/convert.h"

#include <stddef.h>
#include <string.h>

typedef struct convert_args {
    const char *to, *format;
    progress_mode_t progress;
} convert_args_t;

static const opt_t convert_opts[] = {
    {"to", 0, OPT_REQUIRED, "text|binary", "the output: canonical pagesim text or the compact binary format",
     .action = opts_str, .off = offsetof(convert_args_t, to)},
    {"format", 0, OPT_REQUIRED, "FORMAT", "IN's format (default: detected from content)",
     .action = opts_str, .off = offsetof(convert_args_t, format)},
    OPTS_QUIET(convert_args_t, progress),
    OPTS_PROGRESS(convert_args_t, progress),
    OPTS_HELP,
    {0},
};

static const opts_cmd_t convert_cmd = {
    .prog = "pagesim convert",
    .usage = "usage: pagesim convert [--format FORMAT] [-q | --progress] --to text|binary IN OUT\n"
             "  Converts trace IN (any readable format) to OUT; OUT '-' writes to standard output.\n\n",
    .opts = convert_opts,
};

int convert_main(int argc, char **argv)
{
    convert_args_t a = { .progress = PROGRESS_AUTO };
    int first, rc = opts_parse(&convert_cmd, argc, argv, &a, NULL, &first);
    if (rc >= 0)
        return rc;
    int npos = argc - first;
    if (npos > 2)
        return opts_bad(&convert_cmd, "too many arguments ('%s')", argv[first + 2]);
    if (!a.to || npos != 2)
        return opts_bad(&convert_cmd, "%s", !a.to ? "--to is required" : "IN and OUT are required");
    if (strcmp(a.to, "text") && strcmp(a.to, "binary")) {
        fprintf(stderr, "pagesim convert: --to must be text or binary, not '%s'\n", a.to);
        return 2;
    }
    sim_err_t err;
    progress_t *progress = progress_new(a.progress, "convert");
    rc = wl_convert_progress(argv[first], a.format, a.to, argv[first + 1], progress, &err);
    progress_free(progress);
    if (rc)
        fprintf(stderr, "pagesim convert: %s\n", err.msg);
    return sim_exit_status(rc);     /* 2 bad input, 1 a write error (types.h) */
}
