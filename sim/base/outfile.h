/* outfile.h - an output written whole or not at all: the one way pagesim writes a result.
 *
 * Standard output ("-" or NULL) and devices or FIFOs (/dev/null, a pipe: a temporary file
 * renamed over them would replace them with a regular file) are written in place; any other
 * path is written to PATH.tmp.PID in its own directory (rename needs the same file system),
 * and outfile_commit flushes it, fsyncs it, renames it over PATH and fsyncs the directory,
 * so that after a crash the output is either absent or whole (never a 0-byte file that a
 * resumed sweep takes for "done"). Opening first lets a command fail at once on an output it
 * cannot create (no such directory, no permission, a read-only file system) instead of
 * after the work. Every failure is the machine's: SIM_ESYS. Used by run's results (sim.c's
 * sim_out_*) and by convert. */
#ifndef PAGESIM_OUTFILE_H
#define PAGESIM_OUTFILE_H

#include <stdio.h>
#include "err.h"

typedef struct outfile {
    FILE *f;              /* write here between open and commit */
    const char *path;     /* NULL: standard output */
    char *tmp;            /* the temporary file, or NULL (written in place) */
    int in_place;         /* a device or FIFO, opened here and closed by commit */
} outfile_t;

/* 0, or SIM_ESYS with err ("PATH: cannot open the output: ...", "... cannot create ..."). */
int  outfile_open(outfile_t *o, const char *path, sim_err_t *err);
/* Flushes and closes (standard output stays open), renames a temporary file into place and
 * syncs. 0, or SIM_ESYS with err ("PATH: cannot write: ...", or "cannot write WHAT to
 * standard output: ..."); the temporary file is removed on failure. */
int  outfile_commit(outfile_t *o, const char *what, sim_err_t *err);
/* Gives up: closes and removes what open made. */
void outfile_abort(outfile_t *o);

#endif
