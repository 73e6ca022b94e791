/* record.c - pagesim record: runs a program under Valgrind lackey and converts, as it goes,
 * every process's memory references and address-space system calls into one pagesim trace
 * (text, zstd-compressed text, or the binary format: emit() is the only writer).
 *
 * What Valgrind gives. `valgrind --tool=lackey --trace-mem=yes` prints one line per access
 * ("I  0401ab70,3" fetch, " L addr,size" load, " S" store, " M" modify) with no process id.
 * `--trace-syscalls=yes` adds "SYSCALL[PID,TID](NR) sys_mmap ( 0x0, 8192, 3, 34, 4294967295,
 * 0 ) --> [pre-success] Success(0x4835000)"; a blocking call prints "--> [async] ..." and later
 * "SYSCALL[PID,TID](NR) ... [async] --> Success(0x4)", and fork-like clones finish on a line
 * of their own (" --> [pre-success] Success(0x2b1a)"). Numbers are decimal except pointers
 * (0x) and clone's flags (bare hex); path arguments print as 0xPTR(PATH).
 *
 * Telling processes apart. Lines carry no pid, so processes must not share a log: with
 * `--trace-children=yes --log-file=DIR/%p.%n` each process image writes its own file: a
 * forked child reopens the log at fork (its first line finishes the clone: Success(0x0)),
 * and an exec'd image is a new Valgrind that opens a new file for the same pid (%n keeps the
 * names apart only within one Valgrind: an exec'd image counts from 1 again and would
 * overwrite PID.1, so record_main renames every log as inotify reports it: see
 * drain_inotify). Every file opens with "==PID== Command: ..." and "==PID== Parent PID: N".
 * Files are met in creation order: for one pid, a later file is the image after an execve
 * (or, once the process has exited, a new process that reused the pid).
 *
 * Order. Processes run concurrently and Valgrind records no global order, so the trace
 * interleaves processes in the order their logs are consumed: every round converts all that
 * each log holds, and rounds follow each other every few milliseconds while the program
 * runs, so the interleaving is real time to within a round (Valgrind's output buffering
 * aside). Two orders are exact: a child emits nothing before its parent's `fork` line (its
 * log waits, unread, until the parent's log reaches the clone), and an exec'd image starts
 * after the last line of the image it replaced (its log waits until the old one is drained;
 * the old writer is gone once the new file exists, so the old file's end is final).
 *
 * Events. open/openat/creat results name descriptors (per process, copied at fork, close-on-
 * exec ones dropped at exec; dup/dup2/dup3/fcntl(F_DUPFD) copy them), so an mmap of fd N is
 * `file:PATH@OFFSET`. brk growth is `brk PID OLD GROWTH`, shrinking a munmap. mremap becomes
 * munmap + an anonymous private rw- mmap (what realloc of large blocks does; a moved file
 * mapping would be misnamed). Threads (clone with CLONE_THREAD) share their process's pid.
 * Areas that Valgrind's loader maps before the program's first instruction (the executable,
 * ld.so, bss, the initial break page, the stack) make no system calls; `valgrind -d` prints
 * them on standard error as its address-space manager's "Memory layout at client startup",
 * one block per process image, lines prefixed "--PID:1:". Client segments are the lowercase
 * ones ("file", "anon"; uppercase are Valgrind's own); the stack is the "anon" segment plus
 * the "RSVN ... SmUpper" reservation below it that it grows into. These become mmap events
 * (file ones private, at their offsets) just after the image's exec (or at the start, for the
 * first process), and an image waits for its layout before its log is converted. Without a
 * layout (standard error redirected by the program), the image starts without those areas.
 *
 * Bounded disk use. Logs are read while Valgrind writes them; every CHUNK_PUNCH bytes read,
 * the consumed prefix is deallocated with fallocate(PUNCH_HOLE) (ext4, xfs, btrfs, tmpfs), so
 * the logs never hold more than a few MiB per process; a log is deleted once its process
 * has exited (its exit_group line: what follows is Valgrind's summary) or its image was
 * replaced by an exec and the log is drained.
 *
 * Waits. wait4 and waitid results become `wait PARENT CHILD` lines where the result line is
 * met (proc_wait, sc_lost: a result Valgrind never printed). Valgrind's own areas (its
 * preload objects and tool, is_valgrind_file) are left out with the references into them.
 * Filters (rec_conv_filter) drop references only, never events.
 *
 * Cost: the conversion is a hand-written parse per reference line (no sscanf), far faster
 * than lackey produces lines (Valgrind lackey runs programs about 100 times slower than
 * native). Syscall lines are rare and parsed plainly.
 */
#include "record.h"
#include "workloads/convert.h"
#include "sim/sim.h"
#include "sim/base/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>
#include <zstd.h>

#define CHUNK       (1u << 20)          /* bytes read at a time */
#define CHUNK_PUNCH (4u << 20)          /* deallocate consumed log prefixes this often */
#define STEP_CHUNKS 8                   /* reads of one log in one rec_conv_step */
#define MAX_FD      (1 << 20)           /* larger descriptor numbers are not tracked */
#define CLONE_THREAD_FLAG 0x10000u      /* Linux CLONE_THREAD */
#define AT_FDCWD_U  4294967196ull       /* AT_FDCWD (-100) as Valgrind prints it */
#define WAITID_NOHANG 1u                /* WNOHANG */
#define WAITID_EXITED 4u                /* WEXITED */
#define WAITID_NOWAIT 0x01000000u       /* WNOWAIT */
#define WAITID_P_PID  1u                /* P_PID */

enum { S_HEADER, S_WAIT_FORK, S_WAIT_EXEC, S_ACTIVE, S_DONE };
enum { P_FORKED, P_LIVE, P_EXITED };

typedef struct rec_proc rec_proc_t;
typedef struct rec_stream rec_stream_t;

typedef struct vg_range {         /* [start, end): an area of Valgrind's (preload, tool) */
    uint64_t start, end;
} vg_range_t;

typedef struct pending {          /* a system call whose result is still to come */
    uint32_t tid;
    char *line;
} pending_t;

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
    pending_t *pend;
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
    char **fds;                   /* descriptor -> path (NULL: unknown or closed) */
    uint8_t *cloexec;
    int nfds;
    uint64_t brk;                 /* current break, 0 before the first brk */
    char *exec_path;              /* argument of an execve whose result is not known */
    vg_range_t *vg;               /* Valgrind's own areas in this image (left out) */
    size_t nvg, capvg;
    int in_trace;                 /* a record of this pid has been written */
    rec_proc_t *parent;           /* the process whose fork made it (NULL: the first) */
    int waited;                   /* a wait line has taken it (as pagesim run will) */
    uint64_t exit_seq;            /* order of its exit line, 0 before */
    unsigned pending_any;         /* its `wait PID 0` lines not yet matched to a child */
};

typedef struct seg {              /* one segment of a startup layout */
    uint64_t start, end;          /* inclusive end, as Valgrind prints it */
    uint64_t off;
    int slot;                     /* file name slot, -1 none */
    uint8_t prot;
    char kind[5];                 /* "file", "anon", "RSVN", "FILE", "ANON", "    " */
    uint8_t upper;                /* RSVN SmUpper: a stack's growth reservation */
} seg_t;

typedef struct layout {
    spid_t pid;
    int complete;
    char **names;
    int nnames;
    seg_t *segs;
    size_t nsegs, capsegs;
} layout_t;

struct rec_conv {
    FILE *out;
    wl_bin_writer_t *bin;         /* PSTB output instead of text (rec_conv_binary) */
    int expect_layouts;
    layout_t **layouts;           /* in arrival order; complete ones wait for their image */
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
    int stopped;                  /* max_refs written: nothing more but the final exits */
};

/* ------------------------------------------------------------------ small helpers */

static int set_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_err(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, REC_ERR_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    void *q = realloc(p, n * elem);
    if (q)
        *cap = n;
    return q;
}

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
        for (size_t i = 0; i < n; i++)   /* a name must stay on one trace line */
            if (d[i] == '\n' || d[i] == '\r')
                d[i] = '?';
    }
    return d;
}

/* Parses a number at *pp: 0x-prefixed hex or decimal; hex_default: bare digits are hex. */
static int parse_u64(const char **pp, uint64_t *v, int hex_default)
{
    const char *p = *pp;
    int base = hex_default ? 16 : 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    uint64_t x = 0;
    const char *s = p;
    for (int d; (d = spec_digit(*p, (unsigned)base)) >= 0; p++)
        x = x * (unsigned)base + (unsigned)d;
    if (p == s)
        return -1;
    *pp = p;
    *v = x;
    return 0;
}

static void write_rec(rec_conv_t *c, const wl_rec_t *r)
{
    char e[WL_ERR_LEN];
    if (c->bin ? wl_bin_write(c->bin, r, e) < 0 : wl_write_text(c->out, r) < 0)
        c->write_failed = 1;
}

/* The one writer of records. References pass the phase filter; events are written unless
 * the recording has stopped (max_refs), so that every area a written reference needs and
 * every process event stays in the trace. */
static void emit(rec_conv_t *c, rec_proc_t *p, const wl_rec_t *r)
{
    if (r->type == WL_REF) {
        if (c->stopped || !c->in_phase || c->st.skipped_refs < c->skip_refs) {
            if (c->stopped || !c->in_phase)
                c->st.dropped_refs++;
            else
                c->st.skipped_refs++;
            return;
        }
        write_rec(c, r);
        p->in_trace = 1;
        if (++c->st.refs == c->max_refs)
            c->stopped = 1;
        return;
    }
    if (c->stopped && !c->finishing)
        return;
    write_rec(c, r);
    p->in_trace = 1;
    c->st.events++;
    switch (r->type) {
    case WL_FORK: c->st.forks++; break;
    case WL_EXEC: c->st.execs++; break;
    case WL_MMAP: c->st.mmaps++; break;
    case WL_EXIT: c->st.exits++; break;
    case WL_WAIT: c->st.waits++; break;
    default: break;
    }
}

/* ------------------------------------------------------------------ Valgrind's own areas */

/* A file of Valgrind's: in a directory named "valgrind" (/usr/libexec/valgrind/
 * vgpreload_core-amd64-linux.so, .../valgrind/lackey-amd64-linux) or under $VALGRIND_LIB.
 * Valgrind maps these into every client; a kernel would not, so they are left out. */
static int is_valgrind_file(const char *path)
{
    const char *lib = getenv("VALGRIND_LIB");
    if (lib && *lib && !strncmp(path, lib, strlen(lib)))
        return 1;
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0;
    const char *d = slash;
    while (d > path && d[-1] != '/')
        d--;
    return slash - d == 8 && !memcmp(d, "valgrind", 8);
}

static int vg_add(rec_proc_t *p, uint64_t start, uint64_t len)
{
    for (size_t i = 0; i < p->nvg; i++)              /* the common case: the next segment */
        if (p->vg[i].end == start) {
            p->vg[i].end = start + len;
            return 0;
        }
    vg_range_t *v = grow(p->vg, &p->capvg, p->nvg + 1, sizeof *v);
    if (!v)
        return -1;
    p->vg = v;
    p->vg[p->nvg++] = (vg_range_t){ start, start + len };
    return 0;
}

/* Is [addr, addr + len) inside one of Valgrind's areas? Hot path (references): there are
 * one or two, merged. */
static inline int vg_has(const rec_proc_t *p, uint64_t addr, uint64_t len)
{
    for (size_t i = 0; i < p->nvg; i++)
        if (addr >= p->vg[i].start && addr + len <= p->vg[i].end)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ processes */

static rec_proc_t *proc_find(const rec_conv_t *c, spid_t pid)
{
    for (size_t i = c->nprocs; i-- > 0;)      /* newest first: pids get reused */
        if (c->procs[i]->pid == pid)
            return c->procs[i];
    return NULL;
}

static void proc_clear_fds(rec_proc_t *p)
{
    for (int i = 0; i < p->nfds; i++)
        free(p->fds[i]);
    free(p->fds);
    free(p->cloexec);
    p->fds = NULL;
    p->cloexec = NULL;
    p->nfds = 0;
}

static rec_proc_t *proc_new(rec_conv_t *c, spid_t pid)
{
    rec_proc_t **v = grow(c->procs, &c->capprocs, c->nprocs + 1, sizeof *v);
    if (!v)
        return NULL;
    c->procs = v;
    rec_proc_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->pid = pid;
    p->state = P_FORKED;
    c->procs[c->nprocs++] = p;
    c->st.processes++;
    return p;
}

static int fd_set_path(rec_proc_t *p, uint64_t fd, const char *path, size_t n, int cloexec)
{
    if (fd >= MAX_FD)
        return 0;
    if ((int)fd >= p->nfds) {
        int nn = p->nfds ? p->nfds : 16;
        while (nn <= (int)fd)
            nn *= 2;
        char **f = realloc(p->fds, (size_t)nn * sizeof *f);
        if (!f)
            return -1;
        p->fds = f;
        uint8_t *ce = realloc(p->cloexec, (size_t)nn);
        if (!ce)
            return -1;
        p->cloexec = ce;
        memset(p->fds + p->nfds, 0, (size_t)(nn - p->nfds) * sizeof *f);
        memset(p->cloexec + p->nfds, 0, (size_t)(nn - p->nfds));
        p->nfds = nn;
    }
    free(p->fds[fd]);
    p->fds[fd] = NULL;
    if (path && !(p->fds[fd] = dupn(path, n)))
        return -1;
    p->cloexec[fd] = (uint8_t)(cloexec != 0);
    return 0;
}

static const char *fd_path(const rec_proc_t *p, uint64_t fd)
{
    return fd < (uint64_t)p->nfds ? p->fds[fd] : NULL;
}

/* ------------------------------------------------------------------ streams */

static void stream_free(rec_stream_t *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    for (size_t i = 0; i < s->npend; i++)
        free(s->pend[i].line);
    free(s->pend);
    free(s->buf);
    free(s->cmd);
    free(s->path);
    free(s);
}

static void stream_done(rec_conv_t *c, rec_stream_t *s)
{
    if (c->delete_logs && s->state != S_DONE)
        unlink(s->path);
    s->state = S_DONE;
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    s->len = 0;
    for (size_t i = 0; i < s->npend; i++)
        free(s->pend[i].line);
    s->npend = 0;
}

/* Reads up to CHUNK more bytes of what the file holds now. Returns bytes read, 0 at its end. */
static long stream_fill(rec_stream_t *s)
{
    if (s->fd < 0)
        return 0;
    char *b = grow(s->buf, &s->cap, s->len + CHUNK + 1, 1);
    if (!b)
        return -1;
    s->buf = b;
    ssize_t n;
    do
        n = read(s->fd, s->buf + s->len, CHUNK);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return n < 0 ? -1 : 0;
    s->len += (size_t)n;
    s->off += (uint64_t)n;
    if (s->off - s->punched >= CHUNK_PUNCH) {
        /* Everything up to the last full 4 KiB block before the unread bytes is consumed or
         * copied into buf: give it back. Failure (a file system without holes) is harmless. */
        uint64_t upto = (s->off - s->len) & ~(uint64_t)4095;
        if (upto > s->punched) {
            (void)fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                            (off_t)s->punched, (off_t)(upto - s->punched));
            s->punched = upto;
        }
    }
    return n;
}

/* ------------------------------------------------------------------ system calls */

typedef struct sc_arg {
    const char *s;        /* the argument's text */
    size_t n;
    const char *path;     /* for 0xPTR(PATH): the PATH, else NULL */
    size_t pathn;
} sc_arg_t;

#define SC_MAXARGS 8

/* "SYSCALL[PID,TID](NR) NAME ( A, B, ... ) ..." -> name and arguments. 0 or -1. */
static int sc_parse_call(const char *line, char *name, size_t namecap, sc_arg_t *a, int *na)
{
    const char *p = strstr(line, ") ");
    if (!p)
        return -1;
    p += 2;
    size_t k = 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_') {
        if (k + 1 < namecap)
            name[k++] = *p;
        p++;
    }
    name[k] = 0;
    while (*p == ' ')
        p++;
    *na = 0;
    if (*p != '(')
        return 0;                       /* e.g. "unimplemented ... syscall" */
    p++;
    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == ')' || !*p)
            break;
        const char *s = p;
        int depth = 0;
        while (*p && !(depth == 0 && (*p == ',' || *p == ')'))) {
            if (*p == '(')
                depth++;
            else if (*p == ')')
                depth--;
            p++;
        }
        if (*na < SC_MAXARGS) {
            sc_arg_t *x = &a[(*na)++];
            x->s = s;
            x->n = (size_t)(p - s);
            while (x->n && x->s[x->n - 1] == ' ')
                x->n--;
            x->path = NULL;
            x->pathn = 0;
            const char *lp = memchr(s, '(', x->n);
            if (lp && x->s[x->n - 1] == ')') {
                x->path = lp + 1;
                x->pathn = (size_t)(x->s + x->n - 1 - x->path);
            }
        }
        if (*p == ',')
            p++;
    }
    return 0;
}

static int arg_num(const sc_arg_t *a, int na, int i, uint64_t *v, int hex)
{
    if (i >= na)
        return -1;
    const char *p = a[i].s;
    return parse_u64(&p, v, hex);
}

/* Result after " --> ": 1 success (value), 0 failure, -1 still pending or none. */
static int sc_result(const char *line, uint64_t *value)
{
    const char *r = strstr(line, "--> ");
    if (!r)
        return -1;
    r += 4;
    while (*r == '[') {                  /* [pre-success] [pre-fail] [async] */
        const char *e = strchr(r, ']');
        if (!e)
            return -1;
        r = e + 1;
        while (*r == ' ')
            r++;
    }
    if (!strncmp(r, "Success(", 8)) {
        const char *p = r + 8;
        if (parse_u64(&p, value, 1) < 0)
            *value = 0;
        return 1;
    }
    if (!strncmp(r, "Failure(", 8))
        return 0;
    return -1;
}

static void join_path(const char *dir, const char *rel, size_t reln, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%.*s", dir, (int)reln, rel);
}

/* The exit line of p. A parent's `wait PID 0` written before takes it, as pagesim run's
 * wait does (the next of its children to exit in file order). */
static void proc_exit(rec_conv_t *c, rec_proc_t *p)
{
    if (p->state == P_EXITED)
        return;
    if (p->in_trace) {
        wl_rec_t r = { .type = WL_EXIT, .pid = p->pid, .size = 1 };
        emit(c, p, &r);
        p->exit_seq = c->st.exits;
        if (p->parent && p->parent->pending_any && !p->waited) {
            p->parent->pending_any--;
            p->waited = 1;
        }
    }
    p->state = P_EXITED;
}

/* A wait of p returned child `pid` (0: a child, which one unknown: the call's result was
 * lost, see sc_wait). The line names the child when it can be known; the waits written
 * follow pagesim run's rules (a child of p, not taken by an earlier wait), mirrored here. */
static void proc_wait(rec_conv_t *c, rec_proc_t *p, spid_t pid)
{
    rec_proc_t *ch = NULL, *first_exited = NULL, *only = NULL;
    int unwaited = 0;
    for (size_t i = 0; i < c->nprocs; i++) {
        rec_proc_t *q = c->procs[i];
        if (q->parent != p || q->waited)
            continue;
        if (pid && q->pid == pid)
            ch = q;
        unwaited++;
        only = q;
        if (q->exit_seq && (!first_exited || q->exit_seq < first_exited->exit_seq))
            first_exited = q;
    }
    if (pid && !ch)
        return;                           /* not a child in the trace, or taken already */
    if (!pid || p->pending_any) {
        /* Unknown child, or earlier waits still to be matched: a specific child now could
         * be one of those, so this one waits for any child too. */
        if (unwaited <= (int)p->pending_any)
            return;
        ch = !p->pending_any ? (first_exited ? first_exited : unwaited == 1 ? only : NULL) : NULL;
    }
    wl_rec_t r = { .type = WL_WAIT, .pid = p->pid, .pid2 = ch ? ch->pid : 0, .size = 1 };
    uint64_t before = c->st.waits;
    emit(c, p, &r);
    if (c->st.waits == before)
        return;
    if (ch)
        ch->waited = 1;
    else if (first_exited)
        first_exited->waited = 1;         /* taken at once */
    else
        p->pending_any++;
}

/* The fork of `child` by `parent` (an exact point in the parent's stream). */
static int do_fork(rec_conv_t *c, rec_proc_t *parent, spid_t child_pid)
{
    wl_rec_t r = { .type = WL_FORK, .pid = parent->pid, .pid2 = child_pid, .size = 1 };
    uint64_t written = c->st.forks;
    emit(c, parent, &r);
    rec_proc_t *ch = proc_find(c, child_pid);
    if (!ch || ch->state == P_EXITED || ch == parent) {
        if (!(ch = proc_new(c, child_pid)))
            return -1;
    }
    ch->in_trace = c->st.forks != written;
    ch->parent = ch->in_trace ? parent : NULL;
    ch->waited = 0;
    ch->exit_seq = 0;
    ch->pending_any = 0;
    ch->nvg = 0;
    for (size_t i = 0; i < parent->nvg; i++)
        if (vg_add(ch, parent->vg[i].start, parent->vg[i].end - parent->vg[i].start) < 0)
            return -1;
    proc_clear_fds(ch);
    for (int i = 0; i < parent->nfds; i++)
        if (parent->fds[i] && fd_set_path(ch, (uint64_t)i, parent->fds[i], strlen(parent->fds[i]),
                                          parent->cloexec[i]) < 0)
            return -1;
    ch->brk = parent->brk;
    ch->state = P_FORKED;
    /* Its log may be waiting already. */
    for (size_t i = 0; i < c->nstreams; i++) {
        rec_stream_t *s = c->streams[i];
        if (s->state == S_WAIT_FORK && s->pid == child_pid) {
            s->state = S_ACTIVE;
            ch->cur = s;
            ch->state = P_LIVE;
            break;
        }
    }
    return 0;
}

/* A system call with its result: the events it makes. */
static int sc_handle(rec_conv_t *c, rec_proc_t *p, const char *call, int ok, uint64_t val)
{
    char name[32];
    sc_arg_t a[SC_MAXARGS];
    int na;
    if (sc_parse_call(call, name, sizeof name, a, &na) < 0)
        return 0;
    uint64_t x, y, z, w;
    wl_rec_t r = { .size = 1, .pid = p->pid };

    if (!strcmp(name, "sys_execve") || !strcmp(name, "sys_execveat")) {
        if (!ok) {                     /* it failed: the image goes on */
            free(p->exec_path);
            p->exec_path = NULL;
        }
        return 0;
    }
    if (!ok)
        return 0;
    if (!strcmp(name, "sys_wait4")) {      /* ( pid, status, options, rusage ) -> the child */
        if (val > 0 && val < (1ull << 31))
            proc_wait(c, p, (spid_t)val);
        return 0;
    }
    if (!strcmp(name, "sys_waitid")) {     /* ( idtype, id, infop, options ) -> 0 */
        if (arg_num(a, na, 0, &x, 0) == 0 && arg_num(a, na, 3, &z, 0) == 0 && (z & WAITID_EXITED)
            && !(z & (WAITID_NOHANG | WAITID_NOWAIT)))
            proc_wait(c, p, x == WAITID_P_PID && arg_num(a, na, 1, &y, 0) == 0 ? (spid_t)y : 0);
        return 0;
    }
    if (!strcmp(name, "sys_openat") || !strcmp(name, "sys_open") || !strcmp(name, "sys_creat")
        || !strcmp(name, "sys_openat2")) {
        int at = !strcmp(name, "sys_openat") || !strcmp(name, "sys_openat2");
        int pi = at ? 1 : 0;
        if (pi >= na || !a[pi].path || !a[pi].pathn)
            return fd_set_path(p, val, NULL, 0, 0);
        uint64_t flags = 0;
        if (strcmp(name, "sys_creat") && strcmp(name, "sys_openat2"))
            arg_num(a, na, pi + 1, &flags, 0);
        int cloexec = (flags & 02000000) != 0;          /* O_CLOEXEC */
        const char *dir = NULL;
        if (at && a[pi].path[0] != '/' && arg_num(a, na, 0, &x, 0) == 0 && x != AT_FDCWD_U)
            dir = fd_path(p, x);
        if (dir) {
            char full[PATH_MAX * 2];
            join_path(dir, a[pi].path, a[pi].pathn, full, sizeof full);
            return fd_set_path(p, val, full, strlen(full), cloexec);
        }
        return fd_set_path(p, val, a[pi].path, a[pi].pathn, cloexec);
    }
    if (!strcmp(name, "sys_close")) {
        if (arg_num(a, na, 0, &x, 0) == 0)
            return fd_set_path(p, x, NULL, 0, 0);
        return 0;
    }
    if (!strcmp(name, "sys_dup") || !strcmp(name, "sys_dup2") || !strcmp(name, "sys_dup3")
        || !strcmp(name, "sys_fcntl") || !strcmp(name, "sys_fcntl64")) {
        if (arg_num(a, na, 0, &x, 0) < 0)
            return 0;
        int fc = !strncmp(name, "sys_fcntl", 9);
        if (fc && (arg_num(a, na, 1, &y, 0) < 0 || (y != 0 && y != 1030)))   /* F_DUPFD(_CLOEXEC) */
            return 0;
        const char *src = fd_path(p, x);
        uint64_t to = val;
        int ce = fc ? y == 1030 : 0;
        if (!strcmp(name, "sys_dup3") && arg_num(a, na, 2, &z, 0) == 0)
            ce = (z & 02000000) != 0;
        if (src) {
            char *copy = strdup(src);
            if (!copy)
                return -1;
            int rc = fd_set_path(p, to, copy, strlen(copy), ce);
            free(copy);
            return rc;
        }
        return fd_set_path(p, to, NULL, 0, 0);
    }
    if (!strcmp(name, "sys_mmap") || !strcmp(name, "sys_mmap2")) {
        uint64_t len, prot, flags, fd, off;
        if (arg_num(a, na, 1, &len, 0) < 0 || arg_num(a, na, 2, &prot, 0) < 0
            || arg_num(a, na, 3, &flags, 0) < 0 || arg_num(a, na, 4, &fd, 0) < 0
            || arg_num(a, na, 5, &off, 0) < 0 || len == 0)
            return 0;
        if (!strcmp(name, "sys_mmap2"))
            off *= 4096;
        r.type = WL_MMAP;
        r.addr = val;
        r.len = len;
        r.prot = (uint8_t)(prot & 7);
        if ((flags & 3) == 1 || (flags & 3) == 3)
            r.flags |= WL_MAP_SHARED;
        char unknown[64];
        if (flags & 0x20) {                               /* MAP_ANONYMOUS */
            r.flags |= WL_MAP_ANON;
        } else {
            r.file = fd_path(p, fd);
            if (!r.file) {
                snprintf(unknown, sizeof unknown, "(pid %" PRIu32 " fd %" PRIu64 ")", p->pid, fd);
                r.file = unknown;
            } else if (is_valgrind_file(r.file)) {
                c->st.valgrind_areas++;
                return vg_add(p, val, len);
            }
            r.offset = off;
        }
        emit(c, p, &r);
        return 0;
    }
    if (!strcmp(name, "sys_munmap") || !strcmp(name, "sys_mprotect")) {
        if (arg_num(a, na, 0, &x, 0) < 0 || arg_num(a, na, 1, &y, 0) < 0 || y == 0)
            return 0;
        if (vg_has(p, x, y))
            return 0;                      /* Valgrind's area (its preload's relro) */
        if (name[5] == 'u')                /* munmap: Valgrind's areas inside it are gone */
            for (size_t i = p->nvg; i-- > 0;)
                if (p->vg[i].start >= x && p->vg[i].end <= x + y)
                    p->vg[i] = p->vg[--p->nvg];
        r.addr = x;
        r.len = y;
        if (name[4] == 'm' && name[5] == 'p') {
            if (arg_num(a, na, 2, &z, 0) < 0)
                return 0;
            r.type = WL_MPROTECT;
            r.prot = (uint8_t)(z & 7);
        } else {
            r.type = WL_MUNMAP;
        }
        emit(c, p, &r);
        return 0;
    }
    if (!strcmp(name, "sys_brk")) {
        if (p->brk && val > p->brk) {
            r.type = WL_BRK;
            r.addr = p->brk;
            r.len = val - p->brk;
            emit(c, p, &r);
        } else if (p->brk && val && val < p->brk) {
            r.type = WL_MUNMAP;
            r.addr = val;
            r.len = p->brk - val;
            emit(c, p, &r);
        }
        if (val)
            p->brk = val;
        return 0;
    }
    if (!strcmp(name, "sys_mremap")) {
        /* ( old, old_size, new_size, flags[, new] ): see the note at the top. */
        if (arg_num(a, na, 0, &x, 0) < 0 || arg_num(a, na, 1, &y, 0) < 0
            || arg_num(a, na, 2, &z, 0) < 0 || z == 0)
            return 0;
        if (val == x && z == y)
            return 0;
        if (val == x && z > y) {           /* grown in place */
            r.type = WL_MMAP;
            r.addr = x + y;
            r.len = z - y;
        } else if (val == x) {             /* shrunk in place */
            r.type = WL_MUNMAP;
            r.addr = x + z;
            r.len = y - z;
            emit(c, p, &r);
            return 0;
        } else {
            wl_rec_t u = { .type = WL_MUNMAP, .pid = p->pid, .size = 1, .addr = x, .len = y };
            if (y)
                emit(c, p, &u);
            r.type = WL_MMAP;
            r.addr = val;
            r.len = z;
        }
        r.prot = WL_PROT_R | WL_PROT_W;
        r.flags = WL_MAP_ANON;
        emit(c, p, &r);
        return 0;
    }
    if (!strcmp(name, "sys_clone") || !strcmp(name, "sys_fork") || !strcmp(name, "sys_vfork")
        || !strcmp(name, "sys_clone3")) {
        if (val == 0)
            return 0;                      /* the child's side */
        if (!strcmp(name, "sys_clone") && arg_num(a, na, 0, &w, 1) == 0 && (w & CLONE_THREAD_FLAG))
            return 0;                      /* a thread of this process */
        return do_fork(c, p, (spid_t)val);
    }
    return 0;
}

static pending_t *pend_find(rec_stream_t *s, uint32_t tid)
{
    for (size_t i = s->npend; i-- > 0;)
        if (s->pend[i].tid == tid)
            return &s->pend[i];
    return NULL;
}

static void pend_drop(rec_stream_t *s, pending_t *pe)
{
    free(pe->line);
    *pe = s->pend[--s->npend];
}

/* A blocking wait whose result never came: Valgrind prints no result for a call that a
 * signal handler interrupted (dash: wait4(-1) blocks, SIGCHLD's handler runs, the thread's
 * next line is rt_sigreturn), though the call had returned a child (the WNOHANG wait that
 * follows finds none left). It is taken to have returned one: the pid it named, else any. */
static void sc_lost(rec_conv_t *c, rec_proc_t *p, const char *call)
{
    char name[32];
    sc_arg_t a[SC_MAXARGS];
    int na;
    uint64_t pid, opt, id;
    if (sc_parse_call(call, name, sizeof name, a, &na) < 0)
        return;
    if (!strcmp(name, "sys_wait4") && arg_num(a, na, 0, &pid, 0) == 0 && arg_num(a, na, 2, &opt, 0) == 0
        && !(opt & WAITID_NOHANG))
        proc_wait(c, p, pid > 0 && pid < (1ull << 31) ? (spid_t)pid : 0);
    else if (!strcmp(name, "sys_waitid") && arg_num(a, na, 0, &pid, 0) == 0
             && arg_num(a, na, 3, &opt, 0) == 0 && (opt & WAITID_EXITED)
             && !(opt & (WAITID_NOHANG | WAITID_NOWAIT)))
        proc_wait(c, p, pid == WAITID_P_PID && arg_num(a, na, 1, &id, 0) == 0 ? (spid_t)id : 0);
}

static int pend_add(rec_conv_t *c, rec_proc_t *p, rec_stream_t *s, uint32_t tid, const char *line)
{
    pending_t *old = pend_find(s, tid);
    if (old) {                             /* a call that never finished (exec, exit, signal) */
        sc_lost(c, p, old->line);
        pend_drop(s, old);
    }
    pending_t *v = grow(s->pend, &s->cappend, s->npend + 1, sizeof *v);
    if (!v)
        return -1;
    s->pend = v;
    if (!(v[s->npend].line = strdup(line)))
        return -1;
    v[s->npend++].tid = tid;
    s->last_tid = tid;
    s->have_last = 1;
    return 0;
}

/* Does a system call line name a path whose base name is `name` ("0xPTR(DIR/NAME)")? */
static int names_marker(const char *line, const char *name)
{
    size_t n = strlen(name);
    for (const char *q = line; n && (q = strstr(q, name)); q++)
        if ((q[-1] == '(' || q[-1] == '/') && q[n] == ')')
            return 1;
    return 0;
}

/* One "SYSCALL[...]" line or a bare " --> result" line. */
static int sc_line(rec_conv_t *c, rec_stream_t *s, rec_proc_t *p, const char *line, int bare)
{
    uint64_t val = 0;
    int res = sc_result(line, &val);
    if (bare) {
        if (!s->have_last || res < 0)
            return 0;
        pending_t *pe = pend_find(s, s->last_tid);
        if (!pe)
            return 0;
        int rc = sc_handle(c, p, pe->line, res, val);
        pend_drop(s, pe);
        s->have_last = 0;
        return rc;
    }
    if (c->mark_start) {                   /* a marker: whatever the call, whatever its result */
        if (names_marker(line, c->mark_start))
            c->in_phase = 1;
        else if (names_marker(line, c->mark_stop))
            c->in_phase = 0;
    }
    const char *q = line + 8;              /* after "SYSCALL[" */
    uint64_t pid, tid = 0;
    if (parse_u64(&q, &pid, 0) < 0 || *q != ',')
        return 0;
    q++;
    if (parse_u64(&q, &tid, 0) < 0)
        return 0;
    const char *rest = strstr(q, ") ");
    if (!rest)
        return 0;
    rest += 2;
    if (!strncmp(rest, "... ", 4)) {       /* "... [async] --> result" of an earlier call */
        pending_t *pe = pend_find(s, (uint32_t)tid);
        if (!pe || res < 0)
            return 0;
        int rc = sc_handle(c, p, pe->line, res, val);
        pend_drop(s, pe);
        return rc;
    }
    if (!strncmp(rest, "sys_execve", 10)) {
        /* No result follows a successful execve: the new image's log takes over. */
        char name[32];
        sc_arg_t a[SC_MAXARGS];
        int na;
        if (sc_parse_call(line, name, sizeof name, a, &na) == 0) {
            int pi = !strcmp(name, "sys_execveat") ? 1 : 0;
            free(p->exec_path);
            p->exec_path = NULL;
            if (pi < na && a[pi].path && a[pi].pathn && !(p->exec_path = dupn(a[pi].path, a[pi].pathn)))
                return -1;
        }
    }
    if (!strncmp(rest, "exit_group", 10) || !strncmp(rest, "sys_exit_group", 14)) {
        proc_exit(c, p);
        return 1;                          /* the rest is Valgrind's summary */
    }
    if (res >= 0)
        return sc_handle(c, p, line, res, val);
    return pend_add(c, p, s, (uint32_t)tid, line);
}

/* ------------------------------------------------------------------ lines */

/* Parses a hex number (bare digits, any case); returns the end or NULL. Hot path. */
static inline const char *hex_at(const char *p, uint64_t *v)
{
    uint64_t x = 0;
    const char *s = p;
    for (;; p++) {
        unsigned ch = (unsigned char)*p, d;
        if (ch - '0' < 10)
            d = ch - '0';
        else if ((ch | 0x20) - 'a' < 6)
            d = (ch | 0x20) - 'a' + 10;
        else
            break;
        x = x << 4 | d;
    }
    if (p == s)
        return NULL;
    *v = x;
    return p;
}

/* A lackey access line; 1 if it was one. Hot path: one pass, no library calls. */
static int ref_line(rec_conv_t *c, rec_proc_t *p, const char *l)
{
    char k0 = l[0], k1 = l[1];
    int kind;                              /* 0 L, 1 S, 2 I, 3 M */
    if (k0 == 'I' && k1 == ' ' && l[2] == ' ')
        kind = 2;
    else if (k0 == ' ' && l[2] == ' ' && (k1 == 'L' || k1 == 'S' || k1 == 'M'))
        kind = k1 == 'L' ? 0 : k1 == 'S' ? 1 : 3;
    else
        return 0;
    const char *q = l + 3;
    while (*q == ' ')
        q++;
    uint64_t addr = 0, size = 0;
    if (!(q = hex_at(q, &addr)) || *q != ',')
        return 0;
    for (q++; (unsigned)(*q - '0') < 10; q++)
        size = size * 10 + (uint64_t)(*q - '0');
    if (size == 0)
        size = 1;
    if (p->nvg && vg_has(p, addr, size)) {
        c->st.valgrind_refs += kind == 3 ? 2 : 1;
        return 1;
    }
    wl_rec_t r = { .type = WL_REF, .pid = p->pid, .addr = addr,
                   .size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size };
    if (kind == 3) {
        r.kind = REF_READ;
        emit(c, p, &r);
        r.kind = REF_WRITE;
    } else {
        r.kind = kind == 0 ? REF_READ : kind == 1 ? REF_WRITE : REF_IFETCH;
    }
    emit(c, p, &r);
    return 1;
}

static int active_line(rec_conv_t *c, rec_stream_t *s, char *line)
{
    rec_proc_t *p = proc_find(c, s->pid);
    if (!p || p->cur != s)
        return 0;                          /* not this stream's process any more */
    if (ref_line(c, p, line))
        return 0;
    if (!strncmp(line, "SYSCALL[", 8))
        return sc_line(c, s, p, line, 0);
    if (!strncmp(line, " --> ", 5))
        return sc_line(c, s, p, line, 1);
    if (line[0] == '=' && line[1] == '=' && p->state == P_LIVE
        && strstr(line, "== Process terminating with default action of signal")) {
        proc_exit(c, p);                   /* killed (SIGPIPE...) */
        return 1;
    }
    return 0;                              /* other ==PID== messages and the like */
}

/* Header lines "==PID== Command: ..." and "==PID== Parent PID: N". 1 when the header is
 * complete (this line is not consumed then if it is not part of it). */
static int header_line(rec_stream_t *s, const char *line, int *consumed)
{
    *consumed = 1;
    if (line[0] != '=' || line[1] != '=') {
        *consumed = 0;
        return s->have_pid;                /* the trace starts: the header is over */
    }
    const char *q = line + 2;
    uint64_t v;
    if (parse_u64(&q, &v, 0) < 0 || strncmp(q, "== ", 3))
        return 0;
    s->pid = (spid_t)v;
    s->have_pid = 1;
    q += 3;
    if (!strncmp(q, "Command: ", 9) && !s->cmd) {
        q += 9;
        size_t n = 0;
        while (q[n] && q[n] != ' ')
            n++;
        s->cmd = dupn(q, n);
    } else if (!strncmp(q, "Parent PID: ", 12)) {
        q += 12;
        if (parse_u64(&q, &v, 0) == 0) {
            s->ppid = (spid_t)v;
            s->have_ppid = 1;
        }
        return 1;
    }
    return 0;
}

/* Processes the complete lines in s->buf (all of it, the last line too, when `all`).
 * Returns 0, -1 (out of memory), or 1 when the process has exited: the log holds nothing
 * more of it (Valgrind's closing summary), so the stream is done. */
static int stream_lines(rec_conv_t *c, rec_stream_t *s, int all, int *header_complete)
{
    size_t pos = 0;
    int rc = 0;
    s->buf[s->len] = 0;
    while (pos < s->len) {
        char *line = s->buf + pos;
        char *nl = memchr(line, '\n', s->len - pos);
        if (!nl && !all)
            break;
        size_t next = nl ? (size_t)(nl - s->buf) + 1 : s->len;
        if (nl)
            *nl = 0;
        if (s->state == S_HEADER) {
            int consumed;
            int done = header_line(s, line, &consumed);
            if (!consumed) {
                if (nl)
                    *nl = '\n';
                *header_complete = done;
                break;
            }
            pos = next;
            if (done) {
                *header_complete = 1;
                break;
            }
            continue;
        }
        if (s->state != S_ACTIVE) {
            if (nl)
                *nl = '\n';
            break;
        }
        if ((rc = active_line(c, s, line)) < 0)
            break;
        pos = next;
        if (rc > 0)
            break;
    }
    memmove(s->buf, s->buf + pos, s->len - pos);
    s->len -= pos;
    return rc;
}

/* The header is read: which process does this log belong to, and may it run yet? */
static int stream_assign(rec_conv_t *c, rec_stream_t *s)
{
    if (!c->have_root) {
        c->root = s->pid;
        c->have_root = 1;
    }
    rec_proc_t *p = proc_find(c, s->pid);
    if (!p && s->pid == c->root && c->nprocs == 0) {
        if (!(p = proc_new(c, s->pid)))
            return -1;
        p->state = P_LIVE;
        p->cur = s;
        s->pred = NULL;
        s->state = S_WAIT_EXEC;            /* waits for its startup layout */
    } else if (p && p->state == P_LIVE && p->cur && p->cur != s) {
        /* An exec'd image of a running process: it replaces the latest image of the pid,
         * which may itself still wait for its own predecessor (a #! script run through
         * env: the script's image, env's, then the interpreter's, one after the other). */
        rec_stream_t *last = p->cur;
        for (size_t i = 0; i < c->nstreams && c->streams[i] != s; i++)
            if (c->streams[i]->state == S_WAIT_EXEC && c->streams[i]->pid == s->pid)
                last = c->streams[i];
        s->pred = last;
        s->state = S_WAIT_EXEC;
    } else if (p && p->state == P_FORKED && !p->cur) {
        p->cur = s;
        p->state = P_LIVE;
        s->state = S_ACTIVE;
    } else {
        s->state = S_WAIT_FORK;            /* its parent's log has not reached the fork yet */
    }
    return 0;
}

/* ------------------------------------------------------------------ startup layouts */

static void layout_free(layout_t *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->nnames; i++)
        free(l->names[i]);
    free(l->names);
    free(l->segs);
    free(l);
}

/* The complete layout waiting for pid's next image, or NULL. */
static layout_t *layout_ready(rec_conv_t *c, spid_t pid, size_t *at)
{
    for (size_t i = 0; i < c->nlayouts; i++)
        if (c->layouts[i]->pid == pid && c->layouts[i]->complete) {
            *at = i;
            return c->layouts[i];
        }
    return NULL;
}

static int same_kind(const seg_t *g, const char *k) { return !memcmp(g->kind, k, 4); }

/* Emits the client areas of a startup layout as mmap events. */
static void layout_emit(rec_conv_t *c, rec_proc_t *p, const layout_t *l)
{
    spid_t pid = p->pid;
    for (size_t i = 0; i < l->nsegs; i++) {
        const seg_t *g = &l->segs[i];
        wl_rec_t r = { .type = WL_MMAP, .pid = pid, .size = 1, .prot = g->prot,
                       .addr = g->start, .len = g->end - g->start + 1 };
        if (same_kind(g, "file")) {
            r.file = g->slot >= 0 && g->slot < l->nnames && l->names[g->slot] ? l->names[g->slot] : "?";
            r.offset = g->off;
            if (is_valgrind_file(r.file)) {
                c->st.valgrind_areas++;
                if (vg_add(p, r.addr, r.len) < 0)
                    c->write_failed = 1;
                continue;
            }
        } else if (same_kind(g, "anon")) {
            r.flags = WL_MAP_ANON;
            const seg_t *below = i ? &l->segs[i - 1] : NULL;
            if (below && same_kind(below, "RSVN") && below->upper && below->end + 1 == g->start) {
                r.addr = below->start;    /* the stack and the room it grows into */
                r.len = g->end - below->start + 1;
            }
        } else {
            continue;
        }
        emit(c, p, &r);
    }
}

static layout_t *layout_collecting(rec_conv_t *c, spid_t pid)
{
    for (size_t i = c->nlayouts; i-- > 0;)
        if (c->layouts[i]->pid == pid)
            return c->layouts[i]->complete ? NULL : c->layouts[i];
    return NULL;
}

int rec_conv_debug_line(rec_conv_t *c, const char *line)
{
    if (line[0] != '-' || line[1] != '-')
        return 0;
    const char *q = line + 2;
    uint64_t pid, level;
    if (parse_u64(&q, &pid, 0) < 0 || *q != ':')
        return 0;
    q++;
    if (parse_u64(&q, &level, 0) < 0 || *q != ':')
        return 0;
    q++;
    while (*q == ' ')
        q++;
    if (strncmp(q, "aspacem ", 8))
        return 1;                          /* Valgrind's, but not what we need */
    q += 8;
    if (!strncmp(q, "<<< SHOW_SEGMENTS: Memory layout at client startup", 50)) {
        layout_t **v = grow(c->layouts, &c->caplayouts, c->nlayouts + 1, sizeof *v);
        layout_t *l = calloc(1, sizeof *l);
        if (!v || !l) {
            free(l);
            c->write_failed = 1;
            return 1;
        }
        c->layouts = v;
        l->pid = (spid_t)pid;
        c->layouts[c->nlayouts++] = l;
        return 1;
    }
    layout_t *l = layout_collecting(c, (spid_t)pid);
    if (!l)
        return 1;
    if (!strncmp(q, ">>>", 3)) {
        l->complete = 1;
        return 1;
    }
    if (*q == '(') {                       /* "(SLOT,OFF,REFS) PATH": a file name */
        q++;
        uint64_t slot;
        if (parse_u64(&q, &slot, 0) < 0 || slot > 4096)
            return 1;
        const char *sp = strstr(q, ") ");
        if (!sp)
            return 1;
        if ((int)slot >= l->nnames) {
            char **nv = realloc(l->names, (slot + 1) * sizeof *nv);
            if (!nv)
                return 1;
            memset(nv + l->nnames, 0, (slot + 1 - (uint64_t)l->nnames) * sizeof *nv);
            l->names = nv;
            l->nnames = (int)slot + 1;
        }
        free(l->names[slot]);
        l->names[slot] = dupn(sp + 2, strlen(sp + 2));
        return 1;
    }
    /* "  K: KIND START-END SIZE PERMS [d=.. i=.. o=OFF (SLOT,OFF) | SmUpper]" */
    while (*q == ' ')
        q++;
    uint64_t k;
    if (parse_u64(&q, &k, 0) < 0 || q[0] != ':' || q[1] != ' ')
        return 1;
    q += 2;
    seg_t g = { .slot = -1 };
    if (strlen(q) < 6)
        return 1;
    memcpy(g.kind, q, 4);
    q += 5;
    if (!(q = hex_at(q, &g.start)) || *q != '-' || !(q = hex_at(q + 1, &g.end)) || g.end < g.start)
        return 1;
    while (*q == ' ')
        q++;
    while (*q && *q != ' ')                /* size */
        q++;
    while (*q == ' ')
        q++;
    if (strlen(q) >= 3)
        g.prot = (uint8_t)((q[0] == 'r' ? WL_PROT_R : 0) | (q[1] == 'w' ? WL_PROT_W : 0) |
                           (q[2] == 'x' ? WL_PROT_X : 0));
    g.upper = strstr(q, "SmUpper") != NULL;
    const char *o = strstr(q, " o=");
    if (o) {
        const char *oq = o + 3;
        parse_u64(&oq, &g.off, 0);
    }
    const char *lp = strrchr(q, '(');
    if (lp) {
        const char *sq = lp + 1;
        uint64_t slot;
        if (parse_u64(&sq, &slot, 0) == 0 && slot <= 4096)
            g.slot = (int)slot;
    }
    seg_t *sv = grow(l->segs, &l->capsegs, l->nsegs + 1, sizeof *sv);
    if (!sv)
        return 1;
    l->segs = sv;
    l->segs[l->nsegs++] = g;
    return 1;
}

void rec_conv_expect_layouts(rec_conv_t *c, int on)
{
    c->expect_layouts = on;
}

/* Starts a new image: after its predecessor's last line (an exec event then), or as the
 * first process; its startup areas first. 0 if it must wait for its layout. */
static int image_start(rec_conv_t *c, rec_stream_t *s)
{
    rec_proc_t *p = proc_find(c, s->pid);
    if (!p)
        return 0;
    size_t at = 0;
    layout_t *l = layout_ready(c, s->pid, &at);
    if (!l && c->expect_layouts && !c->final) {
        /* Valgrind prints the layout on the image's standard error before the program's
         * first instruction, so before the log's first reference line ("I  ..."). Once
         * that line is here, one more step (record_main drains standard error between steps)
         * settles it: no layout will come (the program sent its standard error elsewhere,
         * 2>/dev/null), and the image starts without those areas rather than hold up the
         * pid's log, and its children's, until the end. */
        if (!s->layout_overdue) {
            if (s->len < CHUNK && stream_fill(s) < 0)
                return 0;
            if (!s->len || (memcmp(s->buf, "I  ", s->len < 3 ? s->len : 3)
                            && !memmem(s->buf, s->len, "\nI  ", 4)))
                return 0;
            s->layout_overdue = 1;
            return 0;
        }
    }
    if (s->pred) {
        wl_rec_t r = { .type = WL_EXEC, .pid = p->pid, .size = 1,
                       .file = p->exec_path ? p->exec_path : s->cmd ? s->cmd : "?" };
        emit(c, p, &r);
        free(p->exec_path);
        p->exec_path = NULL;
        for (int i = 0; i < p->nfds; i++)
            if (p->fds[i] && p->cloexec[i])
                fd_set_path(p, (uint64_t)i, NULL, 0, 0);
        p->brk = 0;
        p->nvg = 0;
    }
    if (l) {
        layout_emit(c, p, l);
        layout_free(l);
        memmove(c->layouts + at, c->layouts + at + 1, (c->nlayouts - at - 1) * sizeof *c->layouts);
        c->nlayouts--;
    }
    p->cur = s;
    p->state = P_LIVE;
    s->state = S_ACTIVE;
    s->pred = NULL;
    return 1;
}

/* Does a later log of this pid wait for s to end (so the end of s is final)? */
static int has_successor(const rec_conv_t *c, const rec_stream_t *s)
{
    for (size_t i = 0; i < c->nstreams; i++)
        if (c->streams[i]->state == S_WAIT_EXEC && c->streams[i]->pred == s)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ the converter */

rec_conv_t *rec_conv_new(FILE *out, spid_t root_pid)
{
    rec_conv_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->out = out;
    c->root = root_pid;
    c->have_root = root_pid != 0;
    c->in_phase = 1;
    return c;
}

int rec_conv_filter(rec_conv_t *c, const rec_filter_t *f)
{
    c->skip_refs = f->skip_refs;
    c->max_refs = f->max_refs;
    free(c->mark_start);
    free(c->mark_stop);
    c->mark_start = c->mark_stop = NULL;
    if (f->start_marker && (!(c->mark_start = strdup(f->start_marker))
                            || !(c->mark_stop = strdup(f->stop_marker ? f->stop_marker : ""))))
        return -1;
    c->in_phase = c->mark_start == NULL;
    return 0;
}

int rec_conv_stopped(const rec_conv_t *c)
{
    return c->stopped;
}

void rec_conv_delete_logs(rec_conv_t *c, int on)
{
    c->delete_logs = on;
}

size_t rec_conv_live_pids(const rec_conv_t *c, spid_t *pids, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nstreams; i++) {
        const rec_stream_t *s = c->streams[i];
        if (s->state == S_DONE || !s->have_pid)
            continue;
        const rec_proc_t *p = proc_find(c, s->pid);
        if (p && p->cur == s && p->state == P_EXITED)
            continue;
        int dup = 0;
        for (size_t j = 0; j < n && j < cap; j++)
            dup |= pids[j] == s->pid;
        if (dup)
            continue;
        if (n < cap)
            pids[n] = s->pid;
        n++;
    }
    return n;
}

int rec_conv_add_log(rec_conv_t *c, const char *path, char *err)
{
    rec_stream_t **v = grow(c->streams, &c->capstreams, c->nstreams + 1, sizeof *v);
    if (!v)
        return set_err(err, "out of memory");
    c->streams = v;
    rec_stream_t *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return set_err(err, "out of memory");
    }
    s->fd = open(path, O_RDWR | O_CLOEXEC);         /* RDWR: to punch holes */
    if (s->fd < 0)
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
        int e = errno;
        stream_free(s);
        return set_err(err, "%s: %s", path, strerror(e));
    }
    s->state = S_HEADER;
    c->streams[c->nstreams++] = s;
    return 0;
}

long rec_conv_step(rec_conv_t *c, char *err)
{
    long work = 0;
    int earlier_header = 0;   /* logs are assigned in creation order */
    for (size_t i = 0; i < c->nstreams; i++) {
        rec_stream_t *s = c->streams[i];
        if (s->state == S_HEADER) {
            long n = stream_fill(s);
            if (n < 0)
                return set_err(err, "%s: %s", s->path, strerror(errno));
            work += n;
            if (earlier_header) {
                continue;
            }
            int complete = 0;
            if (s->len)
                stream_lines(c, s, c->final, &complete);
            if (!complete && c->final && n == 0) {
                if (s->have_pid)
                    complete = 1;          /* a log cut short: take what it has */
                else {
                    stream_done(c, s);     /* empty: nothing to convert */
                    work++;
                    continue;
                }
            }
            if (!complete) {
                earlier_header = 1;
                continue;
            }
            if (stream_assign(c, s) < 0)
                return set_err(err, "out of memory");
            work++;
        }
        if (s->state == S_WAIT_EXEC) {
            if (s->pred && s->pred->state != S_DONE)
                continue;
            if (!image_start(c, s))
                continue;
            work++;
        }
        if (s->state == S_ACTIVE) {
            int succ = has_successor(c, s);
            int header_unused = 0, rc = 0;
            if (s->len && (rc = stream_lines(c, s, 0, &header_unused)) < 0)
                return set_err(err, "out of memory");
            /* Everything written so far (up to STEP_CHUNKS reads, so that the caller sees
             * new logs promptly), so that processes interleave in the order their lines
             * were written, to within one polling interval. */
            for (int k = 0; rc == 0 && k < STEP_CHUNKS; k++) {
                long n = stream_fill(s);
                if (n < 0)
                    return set_err(err, "%s: %s", s->path, strerror(errno));
                work += n;
                int last = n == 0 && (succ || c->final);
                if ((rc = stream_lines(c, s, last, &header_unused)) < 0)
                    return set_err(err, "out of memory");
                if (last)
                    rc = 1;
                if (n == 0)
                    break;
            }
            if (rc > 0) {                  /* drained, or the process exited */
                stream_done(c, s);
                work++;
            }
        }
    }
    if (c->write_failed)
        return set_err(err, "writing the trace: %s", strerror(errno));
    return work;
}

int rec_conv_finish(rec_conv_t *c, char *err)
{
    c->final = 1;
    for (;;) {
        long w;
        while ((w = rec_conv_step(c, err)) > 0)
            ;
        if (w < 0)
            return -1;
        /* Nothing moves: a child whose parent's log never showed the fork (a log cut short),
         * or an image waiting for one. Let the earliest go. */
        int moved = 0;
        for (size_t i = 0; i < c->nstreams && !moved; i++) {
            rec_stream_t *s = c->streams[i];
            if (s->state == S_WAIT_FORK) {
                rec_proc_t *parent = s->have_ppid ? proc_find(c, s->ppid) : NULL;
                rec_proc_t *p = proc_find(c, s->pid);
                if (parent && parent->pid != s->pid) {
                    if (do_fork(c, parent, s->pid) < 0)
                        return set_err(err, "out of memory");
                } else {
                    if (!p || p->state == P_EXITED)
                        p = proc_new(c, s->pid);
                    if (!p)
                        return set_err(err, "out of memory");
                    p->cur = s;
                    p->state = P_LIVE;
                    s->state = S_ACTIVE;
                }
                moved = 1;
            } else if (s->state == S_WAIT_EXEC && s->pred && s->pred->state != S_DONE) {
                stream_done(c, s->pred);
                moved = 1;
            }
        }
        if (!moved)
            break;
    }
    c->finishing = 1;
    for (size_t i = 0; i < c->nprocs; i++) {
        rec_proc_t *p = c->procs[i];
        proc_exit(c, p);
    }
    char e[WL_ERR_LEN];
    if (c->bin && !c->write_failed && wl_bin_writer_finish(c->bin, e) < 0)
        c->write_failed = 1;
    if (fflush(c->out) != 0 || c->write_failed)
        return set_err(err, "writing the trace: %s", strerror(errno));
    return 0;
}

int rec_conv_binary(rec_conv_t *c, char *err)
{
    char e[WL_ERR_LEN];
    if (!(c->bin = wl_bin_writer_open(c->out, e)))
        return set_err(err, "%s", e);
    return 0;
}

void rec_conv_stats(const rec_conv_t *c, rec_stats_t *st)
{
    *st = c->st;
    st->log_bytes = 0;
    for (size_t i = 0; i < c->nstreams; i++)
        st->log_bytes += c->streams[i]->off - c->streams[i]->len;
}

void rec_conv_free(rec_conv_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nstreams; i++)
        stream_free(c->streams[i]);
    free(c->streams);
    for (size_t i = 0; i < c->nprocs; i++) {
        proc_clear_fds(c->procs[i]);
        free(c->procs[i]->exec_path);
        free(c->procs[i]->vg);
        free(c->procs[i]);
    }
    free(c->procs);
    for (size_t i = 0; i < c->nlayouts; i++)
        layout_free(c->layouts[i]);
    free(c->layouts);
    free(c->mark_start);
    free(c->mark_stop);
    wl_bin_writer_free(c->bin);
    free(c);
}

/* ------------------------------------------------------------------ zstd output */

typedef struct zout {
    FILE *f;
    ZSTD_CCtx *cc;
    char *obuf;
    size_t ocap;
    int failed;
} zout_t;

static int zout_push(zout_t *z, ZSTD_inBuffer *in, ZSTD_EndDirective mode)
{
    for (;;) {
        ZSTD_outBuffer o = { z->obuf, z->ocap, 0 };
        size_t left = ZSTD_compressStream2(z->cc, &o, in, mode);
        if (ZSTD_isError(left))
            return -1;
        if (o.pos && fwrite(z->obuf, 1, o.pos, z->f) != o.pos)
            return -1;
        if (mode == ZSTD_e_end ? left == 0 : in->pos == in->size)
            return 0;
    }
}

static ssize_t zout_write(void *cookie, const char *buf, size_t n)
{
    zout_t *z = cookie;
    ZSTD_inBuffer in = { buf, n, 0 };
    if (zout_push(z, &in, ZSTD_e_continue) < 0) {
        z->failed = 1;
        errno = EIO;
        return -1;
    }
    return (ssize_t)n;
}

static int zout_close(void *cookie)
{
    zout_t *z = cookie;
    ZSTD_inBuffer in = { NULL, 0, 0 };
    int rc = z->failed || zout_push(z, &in, ZSTD_e_end) < 0 ? -1 : 0;
    ZSTD_freeCCtx(z->cc);
    free(z->obuf);
    free(z);
    return rc;
}

static FILE *zout_open(FILE *f, int level)
{
    zout_t *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->f = f;
    z->ocap = ZSTD_CStreamOutSize();
    z->obuf = malloc(z->ocap);
    z->cc = ZSTD_createCCtx();
    if (!z->obuf || !z->cc) {
        free(z->obuf);
        ZSTD_freeCCtx(z->cc);
        free(z);
        return NULL;
    }
    ZSTD_CCtx_setParameter(z->cc, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(z->cc, ZSTD_c_checksumFlag, 1);
    cookie_io_functions_t io = { .write = zout_write, .close = zout_close };
    FILE *zf = fopencookie(z, "w", io);
    if (!zf) {
        ZSTD_freeCCtx(z->cc);
        free(z->obuf);
        free(z);
        return NULL;
    }
    setvbuf(zf, NULL, _IOFBF, 1 << 16);
    return zf;
}

/* ------------------------------------------------------------------ the command */

static void record_usage(FILE *f)
{
    fprintf(f,
        "usage: pagesim record [-o FILE] [-q] [--max-refs N] [--skip-refs N] [--markers[=START,STOP]]\n"
        "                      [--level N] [--keep-logs] -- PROGRAM [ARGS...]\n\n"
        "Runs PROGRAM under Valgrind lackey (memory, system calls, child processes) and writes\n"
        "one pagesim trace of every process: references R|W|X 0xADDR[:SIZE] PID and the\n"
        "events mmap, munmap, mprotect, brk, fork, exec, wait, exit. The trace is checked as\n"
        "pagesim run would read it before record reports success.\n\n"
        "  -o, --output FILE  the trace, its format from the name: FILE.trace or FILE.txt text,\n"
        "                     FILE.zst zstd-compressed text, FILE.pstb the binary format\n"
        "                     (default: text on standard output, and then PROGRAM's own\n"
        "                     standard output goes to standard error)\n"
        "  -q, --quiet        no progress line and no summary\n"
        "      --max-refs N   stop the program after N references are written\n"
        "      --skip-refs N  leave out the first N references (areas and processes stay)\n"
        "      --markers[=START,STOP]  write references only between an open (or stat...)\n"
        "                     of a file named START and one named STOP, by any process\n"
        "                     (default pagesim-start,pagesim-stop; the file need not exist)\n"
        "      --level N      zstd level for .zst output (1-19, default 9)\n"
        "      --keep-logs    leave Valgrind's logs in the temporary directory (debugging)\n"
        "  -h, --help\n\n"
        "N takes k, M, G (10^3, 10^6, 10^9). Exit status: 0 the trace is whole and checked,\n"
        "2 bad usage, 1 no whole trace (Valgrind missing, a log lost, the check failed).\n"
        "Needs valgrind (Debian: apt-get install -y valgrind); PAGESIM_VALGRIND names another.\n"
        "Programs run about 100 times slower than natively under lackey.\n");
}

/* The valgrind to run: $PAGESIM_VALGRIND, or "valgrind" found on PATH. */
static int find_valgrind(char *out, size_t cap)
{
    const char *env = getenv("PAGESIM_VALGRIND");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return access(out, X_OK) == 0 ? 0 : -1;
    }
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *e = strchr(path, ':');
        size_t n = e ? (size_t)(e - path) : strlen(path);
        snprintf(out, cap, "%.*s/valgrind", (int)n, n ? path : ".");
        if (access(out, X_OK) == 0)
            return 0;
        path += n + (e != NULL);
    }
    snprintf(out, cap, "valgrind");
    return -1;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char p[PATH_MAX + 512];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
                unlink(p);
            }
        closedir(d);
    }
    rmdir(dir);
}

/* New logs. Valgrind names a log DIR/PID.N with N counting the logs that one Valgrind
 * opened, and an exec'd image is a new Valgrind, whose first log is PID.1 again: opened
 * with O_TRUNC, it would overwrite the log of the image it replaces (of the first process,
 * or of any process that execs twice). So each log is renamed the moment inotify reports
 * its creation (the writer keeps its descriptor), to log-SEQ-PID.N, freeing the name; the
 * exec that follows is at least a Valgrind start-up and a program's start-up later. The
 * race is watched, not assumed won: the directory's IN_OPEN events count the opens of a
 * name until IN_MOVED_FROM reports the rename, and a second open means a later image
 * reused the name first (the log is lost: the trace is not whole). */
typedef struct logname {
    char name[64];
    int opens;
} logname_t;

typedef struct logwatch {
    int ifd;
    const char *dir;
    unsigned seq;
    int nlogs, lost;
    logname_t *v;                 /* renamed, IN_MOVED_FROM not yet seen */
    size_t n, cap;
} logwatch_t;

static logname_t *lw_find(logwatch_t *w, const char *name)
{
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->v[i].name, name))
            return &w->v[i];
    return NULL;
}

static int lw_created(logwatch_t *w, rec_conv_t *c, const char *name, char *err)
{
    char from[PATH_MAX + 512], to[PATH_MAX + 600];
    snprintf(from, sizeof from, "%s/%s", w->dir, name);
    snprintf(to, sizeof to, "%s/log-%06u-%s", w->dir, ++w->seq, name);
    if (rename(from, to) < 0)
        return set_err(err, "renaming the log %s: %s", from, strerror(errno));
    logname_t *v = grow(w->v, &w->cap, w->n + 1, sizeof *v);
    if (!v)
        return set_err(err, "out of memory");
    w->v = v;
    snprintf(w->v[w->n].name, sizeof w->v[w->n].name, "%s", name);
    w->v[w->n++].opens = 0;
    if (rec_conv_add_log(c, to, err) < 0)
        return -1;
    w->nlogs++;
    return 0;
}

/* Reads pending inotify events: new logs (renamed and added in creation order), opens and
 * renames (the race above). */
static int drain_inotify(logwatch_t *w, rec_conv_t *c, char *err)
{
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->ifd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW)
                return set_err(err, "too many processes at once (inotify queue overflow)");
            if (!ev->len || (ev->mask & IN_ISDIR) || !strncmp(ev->name, "log-", 4)
                || strlen(ev->name) >= sizeof w->v->name)
                continue;
            logname_t *ln = lw_find(w, ev->name);
            if (ev->mask & IN_CREATE) {
                if (lw_created(w, c, ev->name, err) < 0)
                    return -1;
            } else if ((ev->mask & IN_OPEN) && ln) {
                ln->opens++;
            } else if ((ev->mask & IN_MOVED_FROM) && ln) {
                if (ln->opens > 1) {
                    fprintf(stderr, "pagesim record: the log %s was reused by a later process "
                                    "image before it could be moved: part of the trace is lost\n",
                            ln->name);
                    w->lost++;
                }
                *ln = w->v[--w->n];
            }
        }
    }
}

/* Valgrind's standard error: its -d lines go to the converter, the rest (the program's own
 * standard error) is passed on to ours, line by line. Every process writes to the same
 * socket, and Valgrind's debug log writes a line in pieces of up to 100 bytes, so lines of
 * processes starting together would interleave mid-line in a pipe. On a Unix stream socket
 * with SO_PASSCRED, the kernel attaches the writer's pid to what it reads and never glues
 * two writers' bytes into one read (unix(7), SCM_CREDENTIALS): each read is one process's,
 * and a line buffer per pid puts the lines back together. */
typedef struct errline {
    pid_t pid;
    char *b;
    size_t n, cap;
} errline_t;

typedef struct errbuf {
    errline_t *v;
    size_t n, cap;
    int progress_shown;           /* a progress line is on the terminal: clear it first */
} errbuf_t;

static void progress_clear(errbuf_t *eb)
{
    if (eb->progress_shown) {
        fputs("\r\033[K", stderr);
        eb->progress_shown = 0;
    }
}

static void err_line(errbuf_t *eb, rec_conv_t *c, char *line, size_t n, int nl)
{
    line[n] = 0;
    if (!rec_conv_debug_line(c, line)) {
        progress_clear(eb);
        fwrite(line, 1, n, stderr);
        if (nl)
            fputc('\n', stderr);
    }
}

static void err_feed(errbuf_t *eb, rec_conv_t *c, pid_t pid, const char *data, size_t len, int last)
{
    errline_t *e = NULL;
    for (size_t i = 0; i < eb->n; i++)
        if (eb->v[i].pid == pid)
            e = &eb->v[i];
    if (!e) {
        errline_t *v = grow(eb->v, &eb->cap, eb->n + 1, sizeof *v);
        if (!v)
            return;
        eb->v = v;
        e = &eb->v[eb->n++];
        memset(e, 0, sizeof *e);
        e->pid = pid;
    }
    char *nb = grow(e->b, &e->cap, e->n + len + 1, 1);
    if (!nb)
        return;
    e->b = nb;
    memcpy(e->b + e->n, data, len);
    e->n += len;
    size_t pos = 0;
    for (;;) {
        char *nl = memchr(e->b + pos, '\n', e->n - pos);
        if (!nl)
            break;
        err_line(eb, c, e->b + pos, (size_t)(nl - e->b) - pos, 1);
        pos = (size_t)(nl - e->b) + 1;
    }
    memmove(e->b, e->b + pos, e->n - pos);
    e->n -= pos;
    if (e->n && (last || e->n > 65536)) {   /* an unfinished or very long line */
        err_line(eb, c, e->b, e->n, 0);
        e->n = 0;
    }
}

static void drain_stderr(int fd, errbuf_t *eb, rec_conv_t *c, int last)
{
    char data[16384];
    union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(struct ucred))]; } cm;
    for (;;) {
        struct iovec iov = { data, sizeof data };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b,
                             .msg_controllen = sizeof cm.b };
        ssize_t r = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        pid_t pid = 0;
        for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h))
            if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_CREDENTIALS) {
                struct ucred uc;
                memcpy(&uc, CMSG_DATA(h), sizeof uc);
                pid = uc.pid;
            }
        err_feed(eb, c, pid, data, (size_t)r, 0);
    }
    if (last)
        for (size_t i = 0; i < eb->n; i++)
            err_feed(eb, c, eb->v[i].pid, "", 0, 1);
}

static void errbuf_free(errbuf_t *eb)
{
    if (!eb)
        return;
    for (size_t i = 0; i < eb->n; i++)
        free(eb->v[i].b);
    free(eb->v);
    free(eb);
}

/* ------------------------------------------------------------------ the command line */

enum { OUT_STDOUT, OUT_TEXT, OUT_ZST, OUT_BIN };

typedef struct rec_opts {
    const char *out;
    int fmt, level, keep, quiet;
    rec_filter_t filt;
    char marks[2][128];
    char **prog;
    int nprog;
} rec_opts_t;

/* N, Nk, NM, NG (powers of 1000). 0 or -1. */
static int parse_count(const char *s, uint64_t *v)
{
    char *e;
    errno = 0;
    unsigned long long x = strtoull(s, &e, 10);
    if (e == s || errno || *s == '-')
        return -1;
    uint64_t m = *e == 'k' || *e == 'K' ? 1000 : *e == 'M' ? 1000000 : *e == 'G' ? 1000000000 : 1;
    if (m > 1)
        e++;
    if (*e || x > UINT64_MAX / m)
        return -1;
    *v = (uint64_t)x * m;
    return 0;
}

/* The output format from the name. 0, or -1 with the message printed. */
static int out_format(const char *out, int *fmt)
{
    if (!strcmp(out, "-"))
        *fmt = OUT_STDOUT;
    else if (ends_with(out, ".pstb.zst")) {
        fprintf(stderr, "pagesim record: %s: the binary format is compressed already; "
                        "name it FILE.pstb\n", out);
        return -1;
    } else if (ends_with(out, ".pstb"))
        *fmt = OUT_BIN;
    else if (ends_with(out, ".zst") && strlen(out) > 4 && out[strlen(out) - 5] != '/')
        *fmt = OUT_ZST;
    else if ((ends_with(out, ".trace") && strlen(out) > 6) || (ends_with(out, ".txt") && strlen(out) > 4))
        *fmt = OUT_TEXT;
    else {
        fprintf(stderr, "pagesim record: %s: cannot tell the format from the name: use FILE.trace "
                        "or FILE.txt (text), FILE.zst (compressed text) or FILE.pstb (binary)\n", out);
        return -1;
    }
    return 0;
}

/* Is PROGRAM there to run (a path, or a name on PATH)? */
static int program_found(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    char buf[PATH_MAX];
    while (*path) {
        const char *e = strchr(path, ':');
        size_t n = e ? (size_t)(e - path) : strlen(path);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? path : ".", prog);
        struct stat st;
        if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
            return 1;
        path += n + (e != NULL);
    }
    return 0;
}

/* Options into o. Returns -1 to go on, else the exit status (0 after --help, 2). */
static int record_args(int argc, char **argv, rec_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->out = "-";
    o->level = 9;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t *count = !strcmp(a, "--max-refs") ? &o->filt.max_refs
                        : !strcmp(a, "--skip-refs") ? &o->filt.skip_refs : NULL;
        if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            record_usage(stdout);
            return 0;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && val) {
            o->out = argv[++i];
        } else if (!strncmp(a, "--output=", 9)) {
            o->out = a + 9;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (count && val) {
            if (parse_count(val, count) < 0 || (count == &o->filt.max_refs && !*count)) {
                fprintf(stderr, "pagesim record: %s takes a %scount such as 1000000 or 5M, not '%s'\n",
                        a, count == &o->filt.max_refs ? "positive " : "", val);
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--markers") || !strncmp(a, "--markers=", 10)) {
            const char *m = a[9] ? a + 10 : "pagesim-start,pagesim-stop";
            const char *comma = strchr(m, ',');
            size_t n0 = comma ? (size_t)(comma - m) : 0;
            if (!comma || !n0 || !comma[1] || n0 >= sizeof o->marks[0] || strlen(comma + 1) >= sizeof o->marks[1]
                || memchr(m, '/', n0) || strchr(comma + 1, '/') || strchr(comma + 1, ',')) {
                fprintf(stderr, "pagesim record: --markers=START,STOP takes two file names "
                                "(no '/'), not '%s'\n", m);
                return 2;
            }
            memcpy(o->marks[0], m, n0);
            o->marks[0][n0] = 0;
            snprintf(o->marks[1], sizeof o->marks[1], "%s", comma + 1);
            o->filt.start_marker = o->marks[0];
            o->filt.stop_marker = o->marks[1];
        } else if (!strcmp(a, "--level") && val) {
            char *e;
            long v = strtol(argv[++i], &e, 10);
            if (*e || v < 1 || v > 19) {
                fprintf(stderr, "pagesim record: --level must be 1 to 19, not '%s'\n", argv[i]);
                return 2;
            }
            o->level = (int)v;
        } else if (!strcmp(a, "--keep-logs")) {
            o->keep = 1;
        } else if (a[0] == '-') {
            fprintf(stderr, "pagesim record: %s '%s'\n",
                    count || !strcmp(a, "-o") || !strcmp(a, "--level") ? "missing value after"
                                                                       : "unknown option", a);
            record_usage(stderr);
            return 2;
        } else {
            break;                         /* the program, without "--" */
        }
    }
    if (i >= argc) {
        fprintf(stderr, "pagesim record: no program given\n");
        record_usage(stderr);
        return 2;
    }
    if (out_format(o->out, &o->fmt) < 0)
        return 2;
    o->prog = argv + i;
    o->nprog = argc - i;
    if (!program_found(o->prog[0])) {
        fprintf(stderr, "pagesim record: %s: %s\n", o->prog[0],
                strchr(o->prog[0], '/') ? "no such executable" : "command not found");
        return 2;
    }
    return -1;
}

/* The trace as `pagesim run` reads it: the reader (format detected from content) and the
 * engine with its event checks (a process's records after its exit, a fork of a live pid,
 * a zero-length area...) on the default configuration, a larger memory and no timeline.
 * A fraction of a second per million references. 0, or -1 with err. */
static int record_check(const char *path, char *err)
{
    char e[SIM_ERR_LEN] = "";
    json_t *cfg = config_defaults();
    int rc = -1;
    if (cfg && config_set(cfg, "interval", "0", e) == 0 && config_set(cfg, "frames", "16384", e) == 0) {
        sim_t *s = sim_create(cfg, &path, 1, e);
        if (s) {
            rc = sim_run(s, e);
            sim_free(s);
        }
    }
    json_decref(cfg);
    if (rc < 0)
        set_err(err, "%s", e[0] ? e : "out of memory");
    return rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress_show(errbuf_t *eb, const rec_conv_t *c, double elapsed)
{
    rec_stats_t st;
    rec_conv_stats(c, &st);
    fprintf(stderr, "\rpagesim record: %.1f M references, %" PRIu64 " processes, %.0f s\033[K",
            (double)st.refs / 1e6, st.processes, elapsed);
    eb->progress_shown = 1;
}

/* After max_refs: every process of the program is killed (they are Valgrind processes of
 * our own; the pids come from their logs). */
static void stop_program(const rec_conv_t *c, pid_t child)
{
    spid_t pids[256];
    size_t n = rec_conv_live_pids(c, pids, 256);
    for (size_t i = 0; i < n && i < 256; i++)
        if ((pid_t)pids[i] > 1 && (pid_t)pids[i] != getpid())
            kill((pid_t)pids[i], SIGKILL);
    if (child > 0)
        kill(child, SIGKILL);
}

int record_main(int argc, char **argv)
{
    rec_opts_t o;
    int rc = record_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char vg[PATH_MAX];
    if (find_valgrind(vg, sizeof vg) < 0) {
        fprintf(stderr, "pagesim record: %s not found: recording needs Valgrind.\n"
                        "  Install it with: apt-get install -y valgrind   (Debian, Ubuntu; as root)\n"
                        "  or point PAGESIM_VALGRIND at a valgrind executable.\n", vg);
        return 1;
    }

    const char *tmpdir = getenv("TMPDIR");
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/pagesim-record-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "pagesim record: cannot create a temporary directory %s: %s\n", dir, strerror(errno));
        return 1;
    }

    int status = 1, to_stdout = o.fmt == OUT_STDOUT;
    logwatch_t lw = { .ifd = -1, .dir = dir };
    int errp[2] = { -1, -1 };
    errbuf_t *eb = NULL;
    char tmpout[PATH_MAX + 64] = "";
    FILE *raw = NULL, *f = NULL;
    rec_conv_t *c = NULL;
    char err[REC_ERR_LEN] = "";
    pid_t child = -1;
    struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
    int sig_set = 0;

    /* The trace goes to a temporary file (beside FILE, renamed once checked; for standard
     * output, the binary format in the log directory, written out as text once checked). */
    if (to_stdout)
        snprintf(tmpout, sizeof tmpout, "%s/trace.pstbXXXXXX", dir);
    else
        snprintf(tmpout, sizeof tmpout, "%s.tmpXXXXXX", o.out);
    int tfd = mkstemp(tmpout);
    if (tfd < 0 || !(raw = fdopen(tfd, "w"))) {
        fprintf(stderr, "pagesim record: cannot write %s: %s\n", to_stdout ? tmpout : o.out, strerror(errno));
        if (tfd >= 0)
            close(tfd);
        tmpout[0] = 0;
        goto out;
    }
    fchmod(tfd, 0644);
    f = o.fmt == OUT_ZST ? zout_open(raw, o.level) : raw;
    if (!f) {
        fprintf(stderr, "pagesim record: cannot set up zstd output\n");
        goto out;
    }
    if (f == raw)
        setvbuf(raw, NULL, _IOFBF, 1 << 16);
    lw.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (lw.ifd < 0 || inotify_add_watch(lw.ifd, dir, IN_CREATE | IN_OPEN | IN_MOVED_FROM) < 0) {
        fprintf(stderr, "pagesim record: inotify: %s\n", strerror(errno));
        goto out;
    }

    /* Ctrl-C reaches the program (the terminal signals the whole group) and then the
     * recording of what ran is still written, as system(3) does. */
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    sig_set = 1;

    int one = 1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, errp) < 0
        || setsockopt(errp[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) {
        fprintf(stderr, "pagesim record: socketpair: %s\n", strerror(errno));
        goto out;
    }
    fflush(stdout);
    fflush(stderr);
    child = fork();
    if (child < 0) {
        fprintf(stderr, "pagesim record: fork: %s\n", strerror(errno));
        goto out;
    }
    if (child == 0) {
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        sigaction(SIGINT, &dfl, NULL);
        sigaction(SIGQUIT, &dfl, NULL);
        if (to_stdout)
            dup2(2, 1);                    /* the trace owns standard output */
        dup2(errp[1], 2);                  /* Valgrind's -d layouts and the program's stderr */
        char logopt[PATH_MAX + 32];
        snprintf(logopt, sizeof logopt, "--log-file=%s/%%p.%%n", dir);
        char **av = calloc((size_t)o.nprog + 10, sizeof *av);
        if (!av)
            _exit(127);
        int k = 0;
        av[k++] = vg;
        av[k++] = "--tool=lackey";
        av[k++] = "--trace-mem=yes";
        av[k++] = "--trace-syscalls=yes";
        av[k++] = "--trace-children=yes";
        av[k++] = "--vgdb=no";
        av[k++] = "-d";
        av[k++] = logopt;
        for (int j = 0; j < o.nprog; j++)
            av[k++] = o.prog[j];
        av[k] = NULL;
        execv(vg, av);
        fprintf(stderr, "pagesim record: cannot run %s: %s\n", vg, strerror(errno));
        _exit(127);
    }

    close(errp[1]);
    errp[1] = -1;
    c = rec_conv_new(f, (spid_t)child);
    if (!c || !(eb = calloc(1, sizeof *eb)) || rec_conv_filter(c, &o.filt) < 0) {
        fprintf(stderr, "pagesim record: out of memory\n");
        goto out;
    }
    if (o.fmt == OUT_BIN || to_stdout) {
        if (rec_conv_binary(c, err) < 0) {
            fprintf(stderr, "pagesim record: %s\n", err);
            goto out;
        }
    }
    rec_conv_expect_layouts(c, 1);
    rec_conv_delete_logs(c, !o.keep);
    int wstatus = 0, done = 0, stopped = 0;
    int progress = !o.quiet && isatty(2);
    double t0 = now_s(), shown = t0;
    while (!done) {
        if (drain_inotify(&lw, c, err) < 0)
            break;
        drain_stderr(errp[0], eb, c, 0);
        long w = rec_conv_step(c, err);
        if (w < 0)
            break;
        if (rec_conv_stopped(c)) {
            stop_program(c, child);
            stopped = 1;
        }
        double t = now_s();
        if (progress && t - shown >= 1.0) {
            progress_show(eb, c, t - t0);
            shown = t;
        }
        if (w > 0)
            continue;
        pid_t r = waitpid(child, &wstatus, WNOHANG);
        if (r == child) {
            done = 1;
            child = -1;
            break;
        }
        struct pollfd pfd[2] = { { .fd = lw.ifd, .events = POLLIN }, { .fd = errp[0], .events = POLLIN } };
        poll(pfd, 2, 20);                  /* new logs or layouts, or 20 ms for more lines */
    }
    if (!done) {
        progress_clear(eb);
        fprintf(stderr, "pagesim record: %s\n", err);
        goto out;
    }
    drain_stderr(errp[0], eb, c, 1);
    progress_clear(eb);
    if (drain_inotify(&lw, c, err) < 0 || rec_conv_finish(c, err) < 0) {
        fprintf(stderr, "pagesim record: %s\n", err);
        goto out;
    }
    if (lw.nlogs == 0) {
        fprintf(stderr, "pagesim record: valgrind wrote no log: did '%s' start? (valgrind %s %d)\n",
                o.prog[0], WIFEXITED(wstatus) ? "exit status" : "signal",
                WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus));
        goto out;
    }
    if (f != raw) {
        FILE *zf = f;
        f = raw;
        if (fclose(zf) != 0) {
            fprintf(stderr, "pagesim record: writing %s: %s\n", o.out, strerror(errno));
            goto out;
        }
    }
    int bad = fflush(raw) != 0 || (!to_stdout && fsync(fileno(raw)) != 0);
    bad |= fclose(raw) != 0;
    raw = NULL;
    f = NULL;
    if (bad) {
        fprintf(stderr, "pagesim record: writing %s: %s\n", to_stdout ? tmpout : o.out, strerror(errno));
        goto out;
    }
    if (record_check(tmpout, err) < 0) {
        char kept[PATH_MAX + 64];
        snprintf(kept, sizeof kept, "%s.invalid", to_stdout ? "pagesim-record.pstb" : o.out);
        int k = rename(tmpout, kept) == 0;
        if (k)
            tmpout[0] = 0;
        fprintf(stderr, "pagesim record: the trace fails pagesim run's checks (a recorder bug: "
                        "please report it): %s%s%s\n", err, k ? "; kept as " : "", k ? kept : "");
        goto out;
    }
    if (to_stdout) {
        char e[WL_ERR_LEN];
        if (wl_convert(tmpout, NULL, "text", "-", e) < 0) {
            fprintf(stderr, "pagesim record: writing the trace: %s\n", e);
            goto out;
        }
    } else if (rename(tmpout, o.out) != 0) {
        fprintf(stderr, "pagesim record: writing %s: %s\n", o.out, strerror(errno));
        goto out;
    } else {
        tmpout[0] = 0;
    }
    rec_stats_t st;
    rec_conv_stats(c, &st);
    if (!o.quiet) {
        fprintf(stderr, "pagesim record: %" PRIu64 " references, %" PRIu64 " processes, %" PRIu64
                " forks, %" PRIu64 " execs, %" PRIu64 " waits, %" PRIu64 " mmaps, %" PRIu64
                " events -> %s (checked)\n", st.refs, st.processes, st.forks, st.execs, st.waits,
                st.mmaps, st.events, to_stdout ? "standard output" : o.out);
        if (st.skipped_refs || st.dropped_refs)
            fprintf(stderr, "pagesim record: left out %" PRIu64 " references (%" PRIu64
                    " skipped, %" PRIu64 " outside the phase or after --max-refs)\n",
                    st.skipped_refs + st.dropped_refs, st.skipped_refs, st.dropped_refs);
    }
    if (stopped)
        fprintf(stderr, "pagesim record: note: the program was stopped after %" PRIu64
                " references (--max-refs)\n", st.refs);
    else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus))
        fprintf(stderr, "pagesim record: note: the program exited with status %d\n", WEXITSTATUS(wstatus));
    else if (WIFSIGNALED(wstatus))
        fprintf(stderr, "pagesim record: note: the program was killed by signal %d\n", WTERMSIG(wstatus));
    if (o.filt.start_marker && !st.refs && !st.dropped_refs)
        fprintf(stderr, "pagesim record: note: no references at all\n");
    else if (o.filt.start_marker && !st.refs)
        fprintf(stderr, "pagesim record: note: no process opened a file named %s: no references "
                        "were written\n", o.filt.start_marker);
    if (lw.lost) {
        fprintf(stderr, "pagesim record: the trace is not whole: %d log%s lost (see above)\n",
                lw.lost, lw.lost > 1 ? "s" : "");
        goto out;
    }
    status = 0;

out:
    if (child > 0) {
        kill(child, SIGTERM);
        waitpid(child, NULL, 0);
    }
    if (sig_set) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
    }
    if (f && f != raw)
        fclose(f);
    if (raw)
        fclose(raw);
    if (tmpout[0])
        unlink(tmpout);
    rec_conv_free(c);
    errbuf_free(eb);
    free(lw.v);
    for (int j = 0; j < 2; j++)
        if (errp[j] >= 0)
            close(errp[j]);
    if (lw.ifd >= 0)
        close(lw.ifd);
    if (o.keep)
        fprintf(stderr, "pagesim record: Valgrind logs kept in %s\n", dir);
    else
        remove_dir(dir);
    return status;
}
