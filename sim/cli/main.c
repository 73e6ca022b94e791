/* main.c - the pagesim command line: the dispatch (commands.c's table of subcommands) and
 * the exit status; the only place that calls exit().
 *
 * Exit status, one rule for every subcommand (README "Exit status"): 0 success; 2 bad usage
 * or bad input (a message naming the file and line, the record of a binary trace, or the
 * setting); 1 a failure of the machine: out of memory, a write error (standard output
 * included: it is flushed and closed here and checked), a full file system, a failed run
 * of a sweep. The kind comes with the error (xalloc.h), never from its words. A failed run
 * leaves no results file. */
#include "commands.h"
#include "sim/base/types.h"
#include "sim/base/xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* jansson's allocations through the one out-of-memory path: without this, a failed
 * allocation inside it returns NULL and a key silently goes missing from a result. */
static void *json_xmalloc(size_t n)
{
    return xmalloc(n, "JSON");
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
    static sim_err_t err;
    xtrap_push(&trap, &err);
    json_set_alloc_funcs(json_xmalloc, free);
    if (setjmp(trap.jb)) {
        fprintf(stderr, "pagesim: %s\n", err.msg);
        return close_stdout(sim_exit_status(err.kind));
    }
    int status = commands_dispatch(argc, argv);
    xtrap_pop(&trap);
    return close_stdout(status);
}
