/* syscalls.h - the recorder's system call lines (syscalls.c): one table entry per call name. */
#ifndef PAGESIM_RECORD_SYSCALLS_H
#define PAGESIM_RECORD_SYSCALLS_H

#include "conv_int.h"

/* One "SYSCALL[PID,TID](NR) ..." line of s (process p), or a bare " --> result" line
 * (bare = 1) finishing the thread's last call. Returns 0, 1 when the process has exited
 * (exit_group: the rest of the log is Valgrind's summary), or -1 out of memory. */
int  rec_sc_line(rec_conv_t *c, rec_stream_t *s, rec_proc_t *p, const char *line, int bare);
/* Drops the calls of s still waiting for their result (the stream is done or freed). */
void rec_sc_forget(rec_stream_t *s);

#endif
