/* conv_int.h - the converter's state, shared by conv.c (logs, processes, images) and
 * syscalls.c (the system call table): not for use outside workloads/record/.
 *
 * A process (rec_proc_t) is a pid's life in the trace: its descriptors, its break, Valgrind's
 * areas in its image. A stream (rec_stream_t) is one log file: one process image. conv.c owns
 * both and every function declared here; syscalls.c reads and changes them through these.
 */
#ifndef PAGESIM_RECORD_CONV_INT_H
#define PAGESIM_RECORD_CONV_INT_H

#include "conv.h"
#include "workloads/convert.h"

enum { S_HEADER, S_WAIT_FORK, S_WAIT_EXEC, S_ACTIVE, S_DONE };   /* a stream's state */
enum { P_FORKED, P_LIVE, P_EXITED };                              /* a process's state */

typedef struct rec_proc rec_proc_t;
typedef struct rec_stream rec_stream_t;
typedef struct rec_layout rec_layout_t;   /* a startup layout (conv.c) */

typedef struct rec_vg_range {     /* [start, end): an area of Valgrind's (preload, tool) */
    uint64_t start, end;
} rec_vg_range_t;

/* An open file description: what one open made, shared by the descriptors dup and fork copy
 * from it (they share its position, as in the kernel). */
typedef struct rec_ofd {
    char *path;                   /* the path it was opened by */
    uint64_t pos;                 /* the file position: 0 at open, moved by read, write, lseek */
    int file;                     /* a regular file by its path (syscalls.c: sc_is_file) */
    int append;                   /* O_APPEND: every write at the file's end */
    unsigned refs;                /* descriptors naming it */
} rec_ofd_t;

/* How large a file is as far as the trace knows: the furthest end of its reads and writes
 * (0 after O_TRUNC; sizes from before the recording are unknown), for O_APPEND. */
typedef struct rec_fsize {
    char *path;
    uint64_t size;
} rec_fsize_t;

typedef struct rec_pending {      /* a system call whose result is still to come */
    uint32_t tid;
    char *line;
} rec_pending_t;

struct rec_stream {
    char *path;
    int fd;
    int state;
    spid_t pid, ppid;
    int have_pid, have_ppid;
    char *cmd;                    /* first word of "Command:", for exec without a path */
    char *buf;                    /* bytes read, not yet consumed */
    size_t len, cap;
    uint64_t off, punched;        /* bytes read from the file; prefix deallocated */
    rec_pending_t *pend;          /* syscalls.c's: calls waiting for their result */
    size_t npend, cappend;
    uint32_t last_tid;            /* the call a bare " --> result" line finishes */
    int have_last;
    int layout_overdue;           /* its log has lines past the header and no layout yet */
    rec_stream_t *pred;           /* S_WAIT_EXEC: the image this one replaces (NULL: the
                                     first process, which starts without an exec event) */
};

struct rec_proc {
    spid_t pid;
    int state;
    rec_stream_t *cur;
    rec_ofd_t **fds;              /* descriptor -> its description (NULL: unknown, closed,
                                     or not opened by path: pipes, sockets...) */
    uint8_t *cloexec;
    int nfds;
    uint64_t brk;                 /* current break, 0 before the first brk */
    char *exec_path;              /* argument of an execve whose result is not known */
    rec_vg_range_t *vg;           /* Valgrind's own areas in this image (left out) */
    size_t nvg, capvg;
    int in_trace;                 /* a record of this pid has been written */
    rec_proc_t *parent;           /* the process whose fork made it (NULL: the first) */
    int waited;                   /* a wait line has taken it (as pagesim run will) */
    uint64_t exit_seq;            /* order of its exit line, 0 before */
    unsigned pending_any;         /* its `wait PID 0` lines not yet matched to a child */
};

struct rec_conv {
    FILE *out;
    wl_bin_writer_t *bin;         /* PSTB output instead of text (rec_conv_binary) */
    int expect_layouts;
    rec_layout_t **layouts;       /* in arrival order; complete ones wait for their image */
    size_t nlayouts, caplayouts;
    spid_t root;
    int have_root;
    int final;
    rec_stream_t **streams;
    size_t nstreams, capstreams;
    rec_proc_t **procs;
    size_t nprocs, capprocs;
    rec_stats_t st;
    int write_failed;
    int delete_logs;              /* unlink a log once it is converted */
    int finishing;                /* the final exits are written even when stopped */
    /* Which references are written (rec_conv_filter): a phase between markers, after the
     * first skip_refs of it, at most max_refs; events are always written. */
    uint64_t skip_refs, max_refs;
    char *mark_start, *mark_stop; /* base names of the marker files; NULL: no markers */
    int in_phase;
    int file_io;                  /* rec_filter_t.file_io */
    int stopped;                  /* max_refs written: nothing more but the final exits */
    rec_fsize_t *fsz;             /* the files' sizes as written (rec_conv_file_size) */
    size_t nfsz, capfsz;
};

/* Copies n bytes of s into a new string, line breaks made '?' (a name stays on one trace
 * line). NULL if out of memory. */
char *rec_conv_dupn(const char *s, size_t n);
/* Parses a number at *pp: 0x-prefixed hex or decimal; hex_default: bare digits are hex. */
int  rec_conv_parse_u64(const char **pp, uint64_t *v, int hex_default);

/* The one writer of records (see conv.c). */
void rec_conv_emit(rec_conv_t *c, rec_proc_t *p, const wl_rec_t *r);

/* A file of Valgrind's (its preload objects and tool), left out with references into it. */
int  rec_conv_is_valgrind_file(const char *path);
/* Adds [start, start + len) to p's Valgrind areas. 0, or -1 out of memory. */
int  rec_conv_vg_add(rec_proc_t *p, uint64_t start, uint64_t len);
/* Is [addr, addr + len) inside one of Valgrind's areas? Hot path (references): there are
 * one or two, merged. */
static inline int rec_conv_vg_has(const rec_proc_t *p, uint64_t addr, uint64_t len)
{
    for (size_t i = 0; i < p->nvg; i++)
        if (addr >= p->vg[i].start && addr + len <= p->vg[i].end)
            return 1;
    return 0;
}

/* Descriptor fd of p names path[0..n) (NULL: unknown or closed). 0, or -1 out of memory. */
int  rec_conv_fd_set(rec_proc_t *p, uint64_t fd, const char *path, size_t n, int cloexec);
/* The path descriptor fd names, or NULL. */
const char *rec_conv_fd_path(const rec_proc_t *p, uint64_t fd);
/* The description descriptor fd names, or NULL. */
rec_ofd_t *rec_conv_fd_ofd(const rec_proc_t *p, uint64_t fd);
/* Descriptor fd of p names description o (dup; NULL: closed), sharing its position. 0, or -1
 * out of memory. */
int  rec_conv_fd_share(rec_proc_t *p, uint64_t fd, rec_ofd_t *o, int cloexec);
/* The size slot of path (created at 0). NULL out of memory. */
uint64_t *rec_conv_file_size(rec_conv_t *c, const char *path);

/* The exit line of p (once). */
void rec_conv_proc_exit(rec_conv_t *c, rec_proc_t *p);
/* A wait of p returned child `pid` (0: a child, which one unknown). */
void rec_conv_proc_wait(rec_conv_t *c, rec_proc_t *p, spid_t pid);
/* The fork of child_pid by parent (an exact point in the parent's stream). 0, or -1 out
 * of memory. */
int  rec_conv_proc_fork(rec_conv_t *c, rec_proc_t *parent, spid_t child_pid);

#endif
