/* supervise.h - pagesim record's process supervisor (supervise.c): runs a program under
 * Valgrind lackey and feeds its logs and debug output to the converter (conv.h) until it
 * exits; the zstd stream the trace may be written through. */
#ifndef PAGESIM_RECORD_SUPERVISE_H
#define PAGESIM_RECORD_SUPERVISE_H

#include <stddef.h>
#include <stdio.h>
#include "conv.h"

typedef struct rec_sup rec_sup_t;

typedef struct rec_sup_opts {
    const char *valgrind;         /* the executable (rec_sup_find_valgrind) */
    char **prog;                  /* the program and its arguments */
    int nprog;
    int stdout_to_stderr;         /* the program's standard output goes to our standard
                                     error (the trace owns standard output) */
    int binary;                   /* the trace in PSTB (rec_conv_binary), else text */
    int progress;                 /* a progress line on standard error every second */
    const rec_filter_t *filt;     /* which references are written */
} rec_sup_opts_t;

typedef struct rec_sup_result {   /* how the recording went (rec_sup_wait) */
    int wstatus;                  /* Valgrind's wait status: the program's */
    int stopped;                  /* the program was killed after filt->max_refs */
    int lost;                     /* logs lost to a reused name: the trace is not whole */
    rec_stats_t st;
} rec_sup_result_t;

/* The valgrind to run into out: $PAGESIM_VALGRIND, or "valgrind" found on PATH. 0, or -1
 * (out names what was not found). */
int  rec_sup_find_valgrind(char *out, size_t cap);
/* A session: creates its log directory ($TMPDIR or /tmp). keep_logs: the logs stay there
 * (debugging), else they go as they are converted and the directory at rec_sup_free. NULL
 * with err if the directory cannot be made. */
rec_sup_t *rec_sup_new(int keep_logs, sim_err_t *err);
/* The log directory (where a temporary trace may go too: it is removed with it). */
const char *rec_sup_dir(const rec_sup_t *s);
/* Starts Valgrind on o->prog, the trace going to `trace`. From here until rec_sup_free,
 * Ctrl-C and Ctrl-\ reach the program only (the recording of what ran is still written).
 * 0, or -1 with err. */
int  rec_sup_start(rec_sup_t *s, FILE *trace, const rec_sup_opts_t *o, sim_err_t *err);
/* Converts as the program runs, until Valgrind exits (killing it after max_refs), then
 * finishes the trace (rec_conv_finish; `trace` itself is not closed). 0 with *res filled,
 * or -1 with err (an I/O error, a log that cannot be read, no log at all). */
int  rec_sup_wait(rec_sup_t *s, rec_sup_result_t *res, sim_err_t *err);
/* Kills Valgrind if it still runs, gives Ctrl-C back, frees; removes the log directory
 * and all in it unless keep_logs. */
void rec_sup_free(rec_sup_t *s);

/* A stream that compresses what is written to it into one zstd frame (with a checksum) on
 * f, at level; fclose writes the frame's end (f stays open). NULL if out of memory. */
FILE *rec_sup_zstd_open(FILE *f, int level);

#endif
