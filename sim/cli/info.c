/* info.c - `pagesim info`: a trace's references, distinct pages, processes and events, as
 * lines of text or as JSON.
 *
 * The counting (one streaming pass, one hash set of the distinct pages) is wl_info in
 * workloads/convert.c; this file parses the options (opts.h) and prints. Standard output is
 * checked here (a full disk is exit 1, as main.c's rule says) so that the message names
 * the command. Cost: wl_info's. */
#include "info.h"
#include "opts.h"
#include "sim/base/spec.h"
#include "workloads/convert.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct info_args {
    const char *format, *page_size;
    int json;
} info_args_t;

static const opt_t info_opts[] = {
    {"json", 0, OPT_NONE, NULL, "the counts as one JSON object",
     .action = opts_true, .off = offsetof(info_args_t, json)},
    {"format", 0, OPT_REQUIRED, "FORMAT", "the trace's format (default: detected from content)",
     .action = opts_str, .off = offsetof(info_args_t, format)},
    {"page-size", 0, OPT_REQUIRED, "SIZE", "the page size for counting distinct pages (default 4K)",
     .action = opts_str, .off = offsetof(info_args_t, page_size)},
    OPTS_HELP,
    {0},
};

static const opts_cmd_t info_cmd = {
    .prog = "pagesim info",
    .usage = "usage: pagesim info [--json] [--format FORMAT] [--page-size SIZE] TRACE\n"
             "  Counts a trace's references, distinct pages (default 4K pages), processes and events.\n\n",
    .opts = info_opts,
};

static void info_print_text(const json_t *j, const char *path)
{
#define G(k) ((long long)json_integer_value(json_object_get(j, k)))
    printf("trace       %s (%s, %lld bytes)\n", path, json_string_value(json_object_get(j, "format")),
           G("bytes"));
    printf("references  %lld (reads %lld, writes %lld, ifetches %lld)\n", G("references"), G("reads"),
           G("writes"), G("ifetches"));
    printf("pages       %lld distinct %lld-byte pages (%lld page references)\n", G("pages"),
           G("page_size"), G("page_references"));
    printf("processes   %lld\n", G("processes"));
    printf("events      forks %lld, execs %lld, exits %lld, waits %lld, mmaps %lld, munmaps %lld,"
           " mprotects %lld, brks %lld\n", G("forks"), G("execs"), G("exits"), G("waits"),
           G("mmaps"), G("munmaps"), G("mprotects"), G("brks"));
    if (G("file_reads") || G("file_writes") || G("madvises") || G("fadvises"))
        printf("file I/O    reads %lld (%lld bytes), writes %lld (%lld bytes), madvises %lld, fadvises %lld\n",
               G("file_reads"), G("file_read_bytes"), G("file_writes"), G("file_write_bytes"),
               G("madvises"), G("fadvises"));
    if (G("runs"))
        printf("runs        %lld, holding %lld references (%.1f%%; replayed whole while their"
               " pages are in the TLB)\n", G("runs"), G("references_in_runs"),
               100.0 * (double)G("references_in_runs") / (double)G("references"));
#undef G
}

int info_main(int argc, char **argv)
{
    info_args_t a = { .page_size = "4096" };
    int first, rc = opts_parse(&info_cmd, argc, argv, &a, NULL, &first);
    if (rc >= 0)
        return rc;
    if (argc - first > 1)
        return opts_bad(&info_cmd, "too many arguments ('%s')", argv[first + 1]);
    if (argc - first < 1)
        return opts_bad(&info_cmd, "TRACE is required");
    const char *path = argv[first];
    uint64_t page;
    if (spec_parse_size(a.page_size, &page) || page == 0 || (page & (page - 1))) {
        fprintf(stderr, "pagesim info: --page-size '%s' is not a power of two in bytes\n", a.page_size);
        return 2;
    }
    sim_err_t err;
    json_t *j = wl_info(path, a.format, (unsigned)__builtin_ctzll(page), &err);
    if (!j) {
        fprintf(stderr, "pagesim info: %s\n", err.msg);
        return sim_exit_status(err.kind);
    }
    if (a.json) {
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
    } else {
        info_print_text(j, path);
    }
    json_decref(j);
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "pagesim info: cannot write to standard output: %s\n", strerror(errno ? errno : EIO));
        return 1;
    }
    return 0;
}
