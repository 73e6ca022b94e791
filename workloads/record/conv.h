/* conv.h - pagesim record's converter (conv.c): Valgrind logs -> one pagesim trace.
 *
 * `pagesim record [-o FILE] [OPTIONS] -- PROGRAM [ARGS...]` (sim/cli/record.c) runs PROGRAM
 * under Valgrind's lackey tool (memory, system calls, children followed: supervise.c) and
 * this converter turns the logs, as they are written, into one pagesim trace (text, zstd
 * text or PSTB, by FILE's name): references `R|W|X 0xADDR[:SIZE] PID` and the events mmap,
 * munmap, mprotect, brk, fork, exec, wait and exit. conv.c explains how.
 *
 * The converter is usable on its own: tests feed it saved Valgrind logs.
 */
#ifndef PAGESIM_RECORD_CONV_H
#define PAGESIM_RECORD_CONV_H

#include <stdint.h>
#include <stdio.h>
#include "sim/base/err.h"
#include "sim/base/types.h"

/* Converter of Valgrind logs, one file per process image, as --log-file=DIR/%p.%n writes
 * them (lackey --trace-mem=yes and --trace-syscalls=yes output, each file opening with
 * Valgrind's "==PID== ... Parent PID: N" preamble). Records go to `out` in pagesim's
 * canonical text (wl_write_text), in the order the logs are consumed. */
typedef struct rec_conv rec_conv_t;

typedef struct rec_stats {
    uint64_t refs, events, processes, forks, execs, mmaps, exits, waits;   /* written */
    uint64_t skipped_refs;           /* left out by skip_refs */
    uint64_t dropped_refs;           /* left out outside the marked phase or after max_refs */
    uint64_t valgrind_refs;          /* references into Valgrind's own areas, left out */
    uint64_t valgrind_areas;         /* mappings of Valgrind's files, left out */
    uint64_t log_bytes;              /* bytes of Valgrind log consumed */
    uint64_t file_reads, file_writes, advices;   /* read, write, madvise + fadvise written */
    uint64_t file_io_left_out;       /* those events left out (rec_filter_t.file_io 0) */
} rec_stats_t;

/* Which references are written; events (areas, processes) always are, so that the trace
 * stays whole for replay. With markers, references are written only between a process's
 * attempt to open (or stat...) a file whose base name is start_marker and the next one of
 * stop_marker (any process: the phase is global; phases may repeat). Of those, the first
 * skip_refs are left out; after max_refs (0: no limit) the recording stops (rec_conv_stopped)
 * and only the final exits are written. */
typedef struct rec_filter {
    uint64_t skip_refs, max_refs;
    const char *start_marker, *stop_marker;   /* NULL: no markers, every reference counts */
    int file_io;      /* write the read, write, madvise and fadvise events (syscalls.c); 0:
                         leave them out (the default until pagesim run simulates them, issue
                         15: the recorder checks its trace with the engine) */
} rec_filter_t;

/* root_pid: the pid of the first process (0: the first log's). NULL if out of memory. */
rec_conv_t *rec_conv_new(FILE *out, spid_t root_pid);
/* Writes the PSTB binary format (trace_bin.c) to out instead of text; call before the
 * first log. 0, or -1 with err. */
int  rec_conv_binary(rec_conv_t *c, sim_err_t *err);
/* Sets the reference filter (before the first log). 0, or -1 out of memory. */
int  rec_conv_filter(rec_conv_t *c, const rec_filter_t *f);
/* 1 once max_refs references are written: the program may be stopped. */
int  rec_conv_stopped(const rec_conv_t *c);
/* Unlink each log file as soon as it is converted (its process exited, or exec'd and the
 * old image's log is drained). Off by default (the tests' fixtures). */
void rec_conv_delete_logs(rec_conv_t *c, int on);
/* The pids of the processes that may still run (seen in a log, no exit yet): up to cap of
 * them in pids; returns how many there are. */
size_t rec_conv_live_pids(const rec_conv_t *c, spid_t *pids, size_t cap);
/* A log file appeared; call in the order the files were created (a process's exec'd image
 * writes a later file than its pre-exec one). 0, or -1 with err. */
int  rec_conv_add_log(rec_conv_t *c, const char *path, sim_err_t *err);
/* Converts what the logs hold now; may be called while Valgrind still writes them.
 * Returns how much work was done (0: nothing new), or -1 with err (a write error). */
long rec_conv_step(rec_conv_t *c, sim_err_t *err);
/* Valgrind's debug output (`valgrind -d`, written to its standard error, each line
 * "--PID:LEVEL: subsystem text"): the one block used is "Memory layout at client startup",
 * the areas Valgrind's loader maps before the program's first instruction (the executable,
 * ld.so, the stack) which no system call shows; they become mmap events at the start of the
 * image. Returns 1 if the line was Valgrind's (taken), 0 if not (the caller passes it on:
 * it is the program's own standard error). */
int  rec_conv_debug_line(rec_conv_t *c, const char *line);
/* With layouts expected (the supervisor sets it), a process image starts only once its layout
 * has arrived, or at finish. Off by default. */
void rec_conv_expect_layouts(rec_conv_t *c, int on);
/* After the last writer has gone: drains every log, emits the forks and exits still due,
 * and flushes. 0, or -1 with err. */
int  rec_conv_finish(rec_conv_t *c, sim_err_t *err);
void rec_conv_stats(const rec_conv_t *c, rec_stats_t *st);
void rec_conv_free(rec_conv_t *c);

/* Helpers the recorder's files share. */
/* p grown (realloc) to hold at least need elements of elem bytes, *cap updated; doubles.
 * NULL if out of memory (p is left as it was). */
void *rec_conv_grow(void *p, size_t *cap, size_t need, size_t elem);

#endif
