/* convert.h - writing traces (canonical text, PSTB binary), conversion and trace statistics.
 * The binary format is specified byte by byte at the top of trace_bin.c. */
#ifndef PAGESIM_CONVERT_H
#define PAGESIM_CONVERT_H

#include <stdio.h>
#include <jansson.h>
#include "wl.h"

/* The binary reader (register it in wl_formats[]). */
extern const wl_ops_t wl_bin_ops;

/* Canonical pagesim text, one record a line (textout.c):
 *   R|W|X 0xADDR[:SIZE] PID                       (:SIZE, decimal, only when size != 1)
 *   mmap PID 0xSTART 0xLENGTH PROT BACKING SHARING (PROT e.g. rw-; BACKING anon or
 *                                                 file:NAME[@0xOFFSET]; private|shared)
 *   munmap PID 0xSTART 0xLENGTH    mprotect PID 0xSTART 0xLENGTH PROT
 *   brk PID 0xSTART 0xLENGTH       fork PARENT CHILD    exec PID PATH    exit PID
 *   wait PID [CHILD]                              (CHILD only when not 0: 0 is any child)
 *   read|write PID FILE 0xOFFSET 0xLENGTH         madvise PID 0xSTART 0xLENGTH ADVICE
 *   fadvise PID FILE 0xOFFSET 0xLENGTH ADVICE     (ADVICE as wl_advice_names spells it)
 * Hex is lowercase with 0x. Returns 0, or -1 on a write error or an unknown record. */
int wl_write_text(FILE *f, const wl_rec_t *r);

/* PSTB writer (trace_bin.c): the header is written by open, records as they come, the end
 * record and the end of the zstd frame by finish. Errors: -1 with err. The
 * FILE stays the caller's. */
typedef struct wl_bin_writer wl_bin_writer_t;
wl_bin_writer_t *wl_bin_writer_open(FILE *f, sim_err_t *err);
int  wl_bin_write(wl_bin_writer_t *w, const wl_rec_t *r, sim_err_t *err);
int  wl_bin_writer_finish(wl_bin_writer_t *w, sim_err_t *err);
void wl_bin_writer_free(wl_bin_writer_t *w);

/* Converts trace `in` (format informat, NULL/"auto" to detect) to `to` ("text" or "binary")
 * in `out`, streaming. Writes a temporary file beside out and renames it, so an error leaves
 * no partial output; out "-" writes to standard output. 0, or with err -1
 * (SIM_EINPUT: bad input) or SIM_ESYS (the output cannot be created or written). */
int wl_convert(const char *in, const char *informat, const char *to, const char *out, sim_err_t *err);
/* The same, reporting how far it has read on a progress line (sim/base/progress.h; NULL: none). */
struct progress;
int wl_convert_progress(const char *in, const char *informat, const char *to, const char *out,
                        struct progress *progress, sim_err_t *err);

/* Statistics of a trace in one streaming pass: references, reads, writes, ifetches,
 * page_references (after splitting accesses at page_shift), pages (distinct (pid, vpn)),
 * processes (distinct pids, fork children included), forks, execs, mmaps, munmaps,
 * mprotects, brks, exits, waits, runs and references_in_runs (binary traces: see trace_bin.c),
 * bytes (size of the file), format, page_size. NULL with err. */
json_t *wl_info(const char *path, const char *format, unsigned page_shift, sim_err_t *err);

#endif
