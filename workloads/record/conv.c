/* conv.c - pagesim record's converter: Valgrind lackey's logs, one per process image, become
 * one pagesim trace of every process's memory references and address-space events (text,
 * or the binary format: rec_conv_emit() is the only writer), as the logs are written. It
 * knows nothing of how Valgrind is run (supervise.c does that): tests feed it saved logs.
 *
 * What Valgrind gives. `valgrind --tool=lackey --trace-mem=yes` prints one line per access
 * ("I  0401ab70,3" fetch, " L addr,size" load, " S" store, " M" modify) with no process id.
 * `--trace-syscalls=yes` adds one line per system call ("SYSCALL[PID,TID](NR) sys_mmap ( ...
 * ) --> [pre-success] Success(0x4835000)"): syscalls.c turns those into events, through a
 * table of the calls that make them.
 *
 * Telling processes apart. Lines carry no pid, so processes must not share a log: with
 * `--trace-children=yes --log-file=DIR/%p.%n` each process image writes its own file: a
 * forked child reopens the log at fork (its first line finishes the clone: Success(0x0)),
 * and an exec'd image is a new Valgrind that opens a new file for the same pid (%n keeps the
 * names apart only within one Valgrind: an exec'd image counts from 1 again and would
 * overwrite PID.1, so the supervisor renames every log as inotify reports it: see
 * supervise.c). Every file opens with "==PID== Command: ..." and "==PID== Parent PID: N".
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
 * Startup areas. Areas that Valgrind's loader maps before the program's first instruction
 * (the executable, ld.so, bss, the initial break page, the stack) make no system calls;
 * `valgrind -d` prints them on standard error as its address-space manager's "Memory layout
 * at client startup", one block per process image, lines prefixed "--PID:1:". Client
 * segments are the lowercase ones ("file", "anon"; uppercase are Valgrind's own); the stack
 * is the "anon" segment plus the "RSVN ... SmUpper" reservation below it that it grows into.
 * These become mmap events (file ones private, at their offsets) just after the image's exec
 * (or at the start, for the first process), and an image waits for its layout before its log
 * is converted. Without a layout (standard error redirected by the program), the image
 * starts without those areas.
 *
 * Bounded disk use. Logs are read while Valgrind writes them; every CHUNK_PUNCH bytes read,
 * the consumed prefix is deallocated with fallocate(PUNCH_HOLE) (ext4, xfs, btrfs, tmpfs), so
 * the logs never hold more than a few MiB per process; a log is deleted once its process
 * has exited (its exit_group line: what follows is Valgrind's summary) or its image was
 * replaced by an exec and the log is drained.
 *
 * Processes. The exit, wait and fork lines are written here (rec_conv_proc_*), at the
 * points syscalls.c finds them, with pagesim run's rules for which child a wait takes
 * mirrored. Valgrind's own areas (its preload objects and tool, rec_conv_is_valgrind_file)
 * are left out with the references into them. Filters (rec_conv_filter) drop references
 * only, never events.
 *
 * Cost: the conversion is a hand-written parse per reference line (no sscanf), far faster
 * than lackey produces lines (Valgrind lackey runs programs about 100 times slower than
 * native). Syscall lines are rare and parsed plainly.
 */
#include "conv_int.h"
#include "syscalls.h"
#include "sim/base/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK       (1u << 20)          /* bytes read at a time */
#define CHUNK_PUNCH (4u << 20)          /* deallocate consumed log prefixes this often */
#define STEP_CHUNKS 8                   /* reads of one log in one rec_conv_step */
#define MAX_FD      (1 << 20)           /* larger descriptor numbers are not tracked */

typedef struct seg {              /* one segment of a startup layout */
    uint64_t start, end;          /* inclusive end, as Valgrind prints it */
    uint64_t off;
    int slot;                     /* file name slot, -1 none */
    uint8_t prot;
    char kind[5];                 /* "file", "anon", "RSVN", "FILE", "ANON", "    " */
    uint8_t upper;                /* RSVN SmUpper: a stack's growth reservation */
} seg_t;

struct rec_layout {               /* a startup layout, as rec_conv_debug_line collects it */
    spid_t pid;
    int complete;
    char **names;
    int nnames;
    seg_t *segs;
    size_t nsegs, capsegs;
};

/* ------------------------------------------------------------------ small helpers */

void *rec_conv_grow(void *p, size_t *cap, size_t need, size_t elem)
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

char *rec_conv_dupn(const char *s, size_t n)
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
int rec_conv_parse_u64(const char **pp, uint64_t *v, int hex_default)
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

static void conv_write(rec_conv_t *c, const wl_rec_t *r)
{
    sim_err_t e;                  /* its message: write_failed reports it as a write error */
    if (c->bin ? wl_bin_write(c->bin, r, &e) < 0 : wl_write_text(c->out, r) < 0)
        c->write_failed = 1;
}

/* The one writer of records. References pass the phase filter; events are written unless
 * the recording has stopped (max_refs), so that every area a written reference needs and
 * every process event stays in the trace. */
void rec_conv_emit(rec_conv_t *c, rec_proc_t *p, const wl_rec_t *r)
{
    if (r->type == WL_REF) {
        if (c->stopped || !c->in_phase || c->st.skipped_refs < c->skip_refs) {
            if (c->stopped || !c->in_phase)
                c->st.dropped_refs++;
            else
                c->st.skipped_refs++;
            return;
        }
        conv_write(c, r);
        p->in_trace = 1;
        if (++c->st.refs == c->max_refs)
            c->stopped = 1;
        return;
    }
    if (c->stopped && !c->finishing)
        return;
    if (r->type >= WL_READ && r->type <= WL_FADVISE && !c->file_io) {
        c->st.file_io_left_out++;
        return;
    }
    conv_write(c, r);
    p->in_trace = 1;
    c->st.events++;
    switch (r->type) {
    case WL_FORK: c->st.forks++; break;
    case WL_EXEC: c->st.execs++; break;
    case WL_MMAP: c->st.mmaps++; break;
    case WL_EXIT: c->st.exits++; break;
    case WL_WAIT: c->st.waits++; break;
    case WL_READ: c->st.file_reads++; break;
    case WL_WRITE: c->st.file_writes++; break;
    case WL_MADVISE: case WL_FADVISE: c->st.advices++; break;
    default: break;
    }
}

/* ------------------------------------------------------------------ Valgrind's own areas */

/* A file of Valgrind's: in a directory named "valgrind" (/usr/libexec/valgrind/
 * vgpreload_core-amd64-linux.so, .../valgrind/lackey-amd64-linux) or under $VALGRIND_LIB.
 * Valgrind maps these into every client; a kernel would not, so they are left out. */
int rec_conv_is_valgrind_file(const char *path)
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

int rec_conv_vg_add(rec_proc_t *p, uint64_t start, uint64_t len)
{
    for (size_t i = 0; i < p->nvg; i++)              /* the common case: the next segment */
        if (p->vg[i].end == start) {
            p->vg[i].end = start + len;
            return 0;
        }
    rec_vg_range_t *v = rec_conv_grow(p->vg, &p->capvg, p->nvg + 1, sizeof *v);
    if (!v)
        return -1;
    p->vg = v;
    p->vg[p->nvg++] = (rec_vg_range_t){ start, start + len };
    return 0;
}

/* ------------------------------------------------------------------ processes */

static rec_proc_t *conv_proc_find(const rec_conv_t *c, spid_t pid)
{
    for (size_t i = c->nprocs; i-- > 0;)      /* newest first: pids get reused */
        if (c->procs[i]->pid == pid)
            return c->procs[i];
    return NULL;
}

static void conv_ofd_put(rec_ofd_t *o)
{
    if (o && --o->refs == 0) {
        free(o->path);
        free(o);
    }
}

static void conv_proc_clear_fds(rec_proc_t *p)
{
    for (int i = 0; i < p->nfds; i++)
        conv_ofd_put(p->fds[i]);
    free(p->fds);
    free(p->cloexec);
    p->fds = NULL;
    p->cloexec = NULL;
    p->nfds = 0;
}

static rec_proc_t *conv_proc_new(rec_conv_t *c, spid_t pid)
{
    rec_proc_t **v = rec_conv_grow(c->procs, &c->capprocs, c->nprocs + 1, sizeof *v);
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

/* Grows p's table to hold fd. 0, 1 beyond MAX_FD (ignored), -1 out of memory. */
static int conv_fd_room(rec_proc_t *p, uint64_t fd)
{
    if (fd >= MAX_FD)
        return 1;
    if ((int)fd >= p->nfds) {
        int nn = p->nfds ? p->nfds : 16;
        while (nn <= (int)fd)
            nn *= 2;
        rec_ofd_t **f = realloc(p->fds, (size_t)nn * sizeof *f);
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
    return 0;
}

int rec_conv_fd_share(rec_proc_t *p, uint64_t fd, rec_ofd_t *o, int cloexec)
{
    int rc = conv_fd_room(p, fd);
    if (rc)
        return rc < 0 ? -1 : 0;
    if (o)
        o->refs++;                     /* first: o may be what fd names now (dup2(3, 3)) */
    conv_ofd_put(p->fds[fd]);
    p->fds[fd] = o;
    p->cloexec[fd] = (uint8_t)(cloexec != 0);
    return 0;
}

int rec_conv_fd_set(rec_proc_t *p, uint64_t fd, const char *path, size_t n, int cloexec)
{
    rec_ofd_t *o = NULL;
    if (path) {
        if (!(o = calloc(1, sizeof *o)) || !(o->path = rec_conv_dupn(path, n))) {
            free(o);
            return -1;
        }
    }
    int rc = rec_conv_fd_share(p, fd, o, cloexec);
    if (o && (rc < 0 || o->refs == 0)) {   /* beyond MAX_FD: not kept */
        free(o->path);
        free(o);
    }
    return rc;
}

rec_ofd_t *rec_conv_fd_ofd(const rec_proc_t *p, uint64_t fd)
{
    return fd < (uint64_t)p->nfds ? p->fds[fd] : NULL;
}

const char *rec_conv_fd_path(const rec_proc_t *p, uint64_t fd)
{
    rec_ofd_t *o = rec_conv_fd_ofd(p, fd);
    return o ? o->path : NULL;
}

uint64_t *rec_conv_file_size(rec_conv_t *c, const char *path)
{
    for (size_t i = 0; i < c->nfsz; i++)   /* a program writes a few files */
        if (!strcmp(c->fsz[i].path, path))
            return &c->fsz[i].size;
    rec_fsize_t *v = rec_conv_grow(c->fsz, &c->capfsz, c->nfsz + 1, sizeof *v);
    if (!v)
        return NULL;
    c->fsz = v;
    if (!(v[c->nfsz].path = strdup(path)))
        return NULL;
    v[c->nfsz].size = 0;
    return &v[c->nfsz++].size;
}

/* ------------------------------------------------------------------ streams */

static void conv_stream_free(rec_stream_t *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    rec_sc_forget(s);
    free(s->pend);
    free(s->buf);
    free(s->cmd);
    free(s->path);
    free(s);
}

static void conv_stream_done(rec_conv_t *c, rec_stream_t *s)
{
    if (c->delete_logs && s->state != S_DONE)
        unlink(s->path);
    s->state = S_DONE;
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    s->len = 0;
    rec_sc_forget(s);
}

/* Reads up to CHUNK more bytes of what the file holds now. Returns bytes read, 0 at its end. */
static long conv_stream_fill(rec_stream_t *s)
{
    if (s->fd < 0)
        return 0;
    char *b = rec_conv_grow(s->buf, &s->cap, s->len + CHUNK + 1, 1);
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

/* ------------------------------------------------------------------ processes: exit, wait, fork */

/* The exit line of p. A parent's `wait PID 0` written before takes it, as pagesim run's
 * wait does (the next of its children to exit in file order). */
void rec_conv_proc_exit(rec_conv_t *c, rec_proc_t *p)
{
    if (p->state == P_EXITED)
        return;
    if (p->in_trace) {
        wl_rec_t r = { .type = WL_EXIT, .pid = p->pid, .size = 1 };
        rec_conv_emit(c, p, &r);
        p->exit_seq = c->st.exits;
        if (p->parent && p->parent->pending_any && !p->waited) {
            p->parent->pending_any--;
            p->waited = 1;
        }
    }
    p->state = P_EXITED;
}

/* A wait of p returned child `pid` (0: a child, which one unknown: the call's result was
 * lost: syscalls.c's sc_wait4_lost). The line names the child when it can be known; the waits written
 * follow pagesim run's rules (a child of p, not taken by an earlier wait), mirrored here. */
void rec_conv_proc_wait(rec_conv_t *c, rec_proc_t *p, spid_t pid)
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
    rec_conv_emit(c, p, &r);
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
int rec_conv_proc_fork(rec_conv_t *c, rec_proc_t *parent, spid_t child_pid)
{
    wl_rec_t r = { .type = WL_FORK, .pid = parent->pid, .pid2 = child_pid, .size = 1 };
    uint64_t written = c->st.forks;
    rec_conv_emit(c, parent, &r);
    rec_proc_t *ch = conv_proc_find(c, child_pid);
    if (!ch || ch->state == P_EXITED || ch == parent) {
        if (!(ch = conv_proc_new(c, child_pid)))
            return -1;
    }
    ch->in_trace = c->st.forks != written;
    ch->parent = ch->in_trace ? parent : NULL;
    ch->waited = 0;
    ch->exit_seq = 0;
    ch->pending_any = 0;
    ch->nvg = 0;
    for (size_t i = 0; i < parent->nvg; i++)
        if (rec_conv_vg_add(ch, parent->vg[i].start, parent->vg[i].end - parent->vg[i].start) < 0)
            return -1;
    conv_proc_clear_fds(ch);
    for (int i = 0; i < parent->nfds; i++)     /* the child shares the descriptions */
        if (parent->fds[i] && rec_conv_fd_share(ch, (uint64_t)i, parent->fds[i], parent->cloexec[i]) < 0)
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

/* ------------------------------------------------------------------ lines */

/* Parses a hex number (bare digits, any case); returns the end or NULL. Hot path. */
static inline const char *conv_hex_at(const char *p, uint64_t *v)
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
static int conv_ref_line(rec_conv_t *c, rec_proc_t *p, const char *l)
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
    if (!(q = conv_hex_at(q, &addr)) || *q != ',')
        return 0;
    for (q++; (unsigned)(*q - '0') < 10; q++)
        size = size * 10 + (uint64_t)(*q - '0');
    if (size == 0)
        size = 1;
    if (p->nvg && rec_conv_vg_has(p, addr, size)) {
        c->st.valgrind_refs += kind == 3 ? 2 : 1;
        return 1;
    }
    wl_rec_t r = { .type = WL_REF, .pid = p->pid, .addr = addr,
                   .size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size };
    if (kind == 3) {
        r.kind = REF_READ;
        rec_conv_emit(c, p, &r);
        r.kind = REF_WRITE;
    } else {
        r.kind = kind == 0 ? REF_READ : kind == 1 ? REF_WRITE : REF_IFETCH;
    }
    rec_conv_emit(c, p, &r);
    return 1;
}

static int conv_active_line(rec_conv_t *c, rec_stream_t *s, char *line)
{
    rec_proc_t *p = conv_proc_find(c, s->pid);
    if (!p || p->cur != s)
        return 0;                          /* not this stream's process any more */
    if (conv_ref_line(c, p, line))
        return 0;
    if (!strncmp(line, "SYSCALL[", 8))
        return rec_sc_line(c, s, p, line, 0);
    if (!strncmp(line, " --> ", 5))
        return rec_sc_line(c, s, p, line, 1);
    if (line[0] == '=' && line[1] == '=' && p->state == P_LIVE
        && strstr(line, "== Process terminating with default action of signal")) {
        rec_conv_proc_exit(c, p);          /* killed (SIGPIPE...) */
        return 1;
    }
    return 0;                              /* other ==PID== messages and the like */
}

/* Header lines "==PID== Command: ..." and "==PID== Parent PID: N". 1 when the header is
 * complete (this line is not consumed then if it is not part of it). */
static int conv_header_line(rec_stream_t *s, const char *line, int *consumed)
{
    *consumed = 1;
    if (line[0] != '=' || line[1] != '=') {
        *consumed = 0;
        return s->have_pid;                /* the trace starts: the header is over */
    }
    const char *q = line + 2;
    uint64_t v;
    if (rec_conv_parse_u64(&q, &v, 0) < 0 || strncmp(q, "== ", 3))
        return 0;
    s->pid = (spid_t)v;
    s->have_pid = 1;
    q += 3;
    if (!strncmp(q, "Command: ", 9) && !s->cmd) {
        q += 9;
        size_t n = 0;
        while (q[n] && q[n] != ' ')
            n++;
        s->cmd = rec_conv_dupn(q, n);
    } else if (!strncmp(q, "Parent PID: ", 12)) {
        q += 12;
        if (rec_conv_parse_u64(&q, &v, 0) == 0) {
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
static int conv_stream_lines(rec_conv_t *c, rec_stream_t *s, int all, int *header_complete)
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
            int done = conv_header_line(s, line, &consumed);
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
        if ((rc = conv_active_line(c, s, line)) < 0)
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
static int conv_stream_assign(rec_conv_t *c, rec_stream_t *s)
{
    if (!c->have_root) {
        c->root = s->pid;
        c->have_root = 1;
    }
    rec_proc_t *p = conv_proc_find(c, s->pid);
    if (!p && s->pid == c->root && c->nprocs == 0) {
        if (!(p = conv_proc_new(c, s->pid)))
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

static void conv_layout_free(rec_layout_t *l)
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
static rec_layout_t *conv_layout_ready(rec_conv_t *c, spid_t pid, size_t *at)
{
    for (size_t i = 0; i < c->nlayouts; i++)
        if (c->layouts[i]->pid == pid && c->layouts[i]->complete) {
            *at = i;
            return c->layouts[i];
        }
    return NULL;
}

static int conv_seg_kind(const seg_t *g, const char *k) { return !memcmp(g->kind, k, 4); }

/* Emits the client areas of a startup layout as mmap events. */
static void conv_layout_emit(rec_conv_t *c, rec_proc_t *p, const rec_layout_t *l)
{
    spid_t pid = p->pid;
    for (size_t i = 0; i < l->nsegs; i++) {
        const seg_t *g = &l->segs[i];
        wl_rec_t r = { .type = WL_MMAP, .pid = pid, .size = 1, .prot = g->prot,
                       .addr = g->start, .len = g->end - g->start + 1 };
        if (conv_seg_kind(g, "file")) {
            r.file = g->slot >= 0 && g->slot < l->nnames && l->names[g->slot] ? l->names[g->slot] : "?";
            r.offset = g->off;
            if (rec_conv_is_valgrind_file(r.file)) {
                c->st.valgrind_areas++;
                if (rec_conv_vg_add(p, r.addr, r.len) < 0)
                    c->write_failed = 1;
                continue;
            }
        } else if (conv_seg_kind(g, "anon")) {
            r.flags = WL_MAP_ANON;
            const seg_t *below = i ? &l->segs[i - 1] : NULL;
            if (below && conv_seg_kind(below, "RSVN") && below->upper && below->end + 1 == g->start) {
                r.addr = below->start;    /* the stack and the room it grows into */
                r.len = g->end - below->start + 1;
            }
        } else {
            continue;
        }
        rec_conv_emit(c, p, &r);
    }
}

static rec_layout_t *conv_layout_collecting(rec_conv_t *c, spid_t pid)
{
    for (size_t i = c->nlayouts; i-- > 0;)
        if (c->layouts[i]->pid == pid)
            return c->layouts[i]->complete ? NULL : c->layouts[i];
    return NULL;
}

/* A layout line "(SLOT,OFF,REFS) PATH" (q at its '('): the name of file slot SLOT. */
static void conv_layout_name(rec_layout_t *l, const char *q)
{
    q++;
    uint64_t slot;
    if (rec_conv_parse_u64(&q, &slot, 0) < 0 || slot > 4096)
        return;
    const char *sp = strstr(q, ") ");
    if (!sp)
        return;
    if ((int)slot >= l->nnames) {
        char **nv = realloc(l->names, (slot + 1) * sizeof *nv);
        if (!nv)
            return;
        memset(nv + l->nnames, 0, (slot + 1 - (uint64_t)l->nnames) * sizeof *nv);
        l->names = nv;
        l->nnames = (int)slot + 1;
    }
    free(l->names[slot]);
    l->names[slot] = rec_conv_dupn(sp + 2, strlen(sp + 2));
}

/* A layout line "  K: KIND START-END SIZE PERMS [d=.. i=.. o=OFF (SLOT,OFF) | SmUpper]": one
 * segment. */
static void conv_layout_seg(rec_layout_t *l, const char *q)
{
    while (*q == ' ')
        q++;
    uint64_t k;
    if (rec_conv_parse_u64(&q, &k, 0) < 0 || q[0] != ':' || q[1] != ' ')
        return;
    q += 2;
    seg_t g = { .slot = -1 };
    if (strlen(q) < 6)
        return;
    memcpy(g.kind, q, 4);
    q += 5;
    if (!(q = conv_hex_at(q, &g.start)) || *q != '-' || !(q = conv_hex_at(q + 1, &g.end)) || g.end < g.start)
        return;
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
        rec_conv_parse_u64(&oq, &g.off, 0);
    }
    const char *lp = strrchr(q, '(');
    if (lp) {
        const char *sq = lp + 1;
        uint64_t slot;
        if (rec_conv_parse_u64(&sq, &slot, 0) == 0 && slot <= 4096)
            g.slot = (int)slot;
    }
    seg_t *sv = rec_conv_grow(l->segs, &l->capsegs, l->nsegs + 1, sizeof *sv);
    if (!sv)
        return;
    l->segs = sv;
    l->segs[l->nsegs++] = g;
}

int rec_conv_debug_line(rec_conv_t *c, const char *line)
{
    if (line[0] != '-' || line[1] != '-')
        return 0;
    const char *q = line + 2;
    uint64_t pid, level;
    if (rec_conv_parse_u64(&q, &pid, 0) < 0 || *q != ':')
        return 0;
    q++;
    if (rec_conv_parse_u64(&q, &level, 0) < 0 || *q != ':')
        return 0;
    q++;
    while (*q == ' ')
        q++;
    if (strncmp(q, "aspacem ", 8))
        return 1;                          /* Valgrind's, but not what we need */
    q += 8;
    if (!strncmp(q, "<<< SHOW_SEGMENTS: Memory layout at client startup", 50)) {
        rec_layout_t **v = rec_conv_grow(c->layouts, &c->caplayouts, c->nlayouts + 1, sizeof *v);
        rec_layout_t *l = calloc(1, sizeof *l);
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
    rec_layout_t *l = conv_layout_collecting(c, (spid_t)pid);
    if (!l)
        return 1;
    if (!strncmp(q, ">>>", 3)) {
        l->complete = 1;
        return 1;
    }
    if (*q == '(')                         /* "(SLOT,OFF,REFS) PATH": a file name */
        conv_layout_name(l, q);
    else
        conv_layout_seg(l, q);
    return 1;
}

void rec_conv_expect_layouts(rec_conv_t *c, int on)
{
    c->expect_layouts = on;
}

/* Starts a new image: after its predecessor's last line (an exec event then), or as the
 * first process; its startup areas first. 0 if it must wait for its layout. */
static int conv_image_start(rec_conv_t *c, rec_stream_t *s)
{
    rec_proc_t *p = conv_proc_find(c, s->pid);
    if (!p)
        return 0;
    size_t at = 0;
    rec_layout_t *l = conv_layout_ready(c, s->pid, &at);
    if (!l && c->expect_layouts && !c->final) {
        /* Valgrind prints the layout on the image's standard error before the program's
         * first instruction, so before the log's first reference line ("I  ..."). Once
         * that line is here, one more step (the supervisor drains standard error between steps)
         * settles it: no layout will come (the program sent its standard error elsewhere,
         * 2>/dev/null), and the image starts without those areas rather than hold up the
         * pid's log, and its children's, until the end. */
        if (!s->layout_overdue) {
            if (s->len < CHUNK && conv_stream_fill(s) < 0)
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
        rec_conv_emit(c, p, &r);
        free(p->exec_path);
        p->exec_path = NULL;
        for (int i = 0; i < p->nfds; i++)
            if (p->fds[i] && p->cloexec[i])
                rec_conv_fd_set(p, (uint64_t)i, NULL, 0, 0);
        p->brk = 0;
        p->nvg = 0;
    }
    if (l) {
        conv_layout_emit(c, p, l);
        conv_layout_free(l);
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
static int conv_has_successor(const rec_conv_t *c, const rec_stream_t *s)
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
    c->file_io = f->file_io;
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
        const rec_proc_t *p = conv_proc_find(c, s->pid);
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

int rec_conv_add_log(rec_conv_t *c, const char *path, sim_err_t *err)
{
    rec_stream_t **v = rec_conv_grow(c->streams, &c->capstreams, c->nstreams + 1, sizeof *v);
    if (!v)
        return sim_err_set(err, SIM_ESYS, "out of memory");
    c->streams = v;
    rec_stream_t *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return sim_err_set(err, SIM_ESYS, "out of memory");
    }
    s->fd = open(path, O_RDWR | O_CLOEXEC);         /* RDWR: to punch holes */
    if (s->fd < 0)
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
        int e = errno;
        conv_stream_free(s);
        return sim_err_set(err, SIM_EINPUT, "%s: %s", path, strerror(e));
    }
    s->state = S_HEADER;
    c->streams[c->nstreams++] = s;
    return 0;
}

long rec_conv_step(rec_conv_t *c, sim_err_t *err)
{
    long work = 0;
    int earlier_header = 0;   /* logs are assigned in creation order */
    for (size_t i = 0; i < c->nstreams; i++) {
        rec_stream_t *s = c->streams[i];
        if (s->state == S_HEADER) {
            long n = conv_stream_fill(s);
            if (n < 0)
                return sim_err_set(err, SIM_EINPUT, "%s: %s", s->path, strerror(errno));
            work += n;
            if (earlier_header) {
                continue;
            }
            int complete = 0;
            if (s->len)
                conv_stream_lines(c, s, c->final, &complete);
            if (!complete && c->final && n == 0) {
                if (s->have_pid)
                    complete = 1;          /* a log cut short: take what it has */
                else {
                    conv_stream_done(c, s); /* empty: nothing to convert */
                    work++;
                    continue;
                }
            }
            if (!complete) {
                earlier_header = 1;
                continue;
            }
            if (conv_stream_assign(c, s) < 0)
                return sim_err_set(err, SIM_ESYS, "out of memory");
            work++;
        }
        if (s->state == S_WAIT_EXEC) {
            if (s->pred && s->pred->state != S_DONE)
                continue;
            if (!conv_image_start(c, s))
                continue;
            work++;
        }
        if (s->state == S_ACTIVE) {
            int succ = conv_has_successor(c, s);
            int header_unused = 0, rc = 0;
            if (s->len && (rc = conv_stream_lines(c, s, 0, &header_unused)) < 0)
                return sim_err_set(err, SIM_ESYS, "out of memory");
            /* Everything written so far (up to STEP_CHUNKS reads, so that the caller sees
             * new logs promptly), so that processes interleave in the order their lines
             * were written, to within one polling interval. */
            for (int k = 0; rc == 0 && k < STEP_CHUNKS; k++) {
                long n = conv_stream_fill(s);
                if (n < 0)
                    return sim_err_set(err, SIM_EINPUT, "%s: %s", s->path, strerror(errno));
                work += n;
                int last = n == 0 && (succ || c->final);
                if ((rc = conv_stream_lines(c, s, last, &header_unused)) < 0)
                    return sim_err_set(err, SIM_ESYS, "out of memory");
                if (last)
                    rc = 1;
                if (n == 0)
                    break;
            }
            if (rc > 0) {                  /* drained, or the process exited */
                conv_stream_done(c, s);
                work++;
            }
        }
    }
    if (c->write_failed)
        return sim_err_set(err, SIM_EINPUT, "writing the trace: %s", strerror(errno));
    return work;
}

int rec_conv_finish(rec_conv_t *c, sim_err_t *err)
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
                rec_proc_t *parent = s->have_ppid ? conv_proc_find(c, s->ppid) : NULL;
                rec_proc_t *p = conv_proc_find(c, s->pid);
                if (parent && parent->pid != s->pid) {
                    if (rec_conv_proc_fork(c, parent, s->pid) < 0)
                        return sim_err_set(err, SIM_ESYS, "out of memory");
                } else {
                    if (!p || p->state == P_EXITED)
                        p = conv_proc_new(c, s->pid);
                    if (!p)
                        return sim_err_set(err, SIM_ESYS, "out of memory");
                    p->cur = s;
                    p->state = P_LIVE;
                    s->state = S_ACTIVE;
                }
                moved = 1;
            } else if (s->state == S_WAIT_EXEC && s->pred && s->pred->state != S_DONE) {
                conv_stream_done(c, s->pred);
                moved = 1;
            }
        }
        if (!moved)
            break;
    }
    c->finishing = 1;
    for (size_t i = 0; i < c->nprocs; i++) {
        rec_proc_t *p = c->procs[i];
        rec_conv_proc_exit(c, p);
    }
    sim_err_t e;
    if (c->bin && !c->write_failed && wl_bin_writer_finish(c->bin, &e) < 0)
        c->write_failed = 1;
    if (fflush(c->out) != 0 || c->write_failed)
        return sim_err_set(err, SIM_EINPUT, "writing the trace: %s", strerror(errno));
    return 0;
}

int rec_conv_binary(rec_conv_t *c, sim_err_t *err)
{
    if (!(c->bin = wl_bin_writer_open(c->out, err)))
        return -1;
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
        conv_stream_free(c->streams[i]);
    free(c->streams);
    for (size_t i = 0; i < c->nprocs; i++) {
        conv_proc_clear_fds(c->procs[i]);
        free(c->procs[i]->exec_path);
        free(c->procs[i]->vg);
        free(c->procs[i]);
    }
    free(c->procs);
    for (size_t i = 0; i < c->nlayouts; i++)
        conv_layout_free(c->layouts[i]);
    free(c->layouts);
    free(c->mark_start);
    free(c->mark_stop);
    for (size_t i = 0; i < c->nfsz; i++)
        free(c->fsz[i].path);
    free(c->fsz);
    wl_bin_writer_free(c->bin);
    free(c);
}

