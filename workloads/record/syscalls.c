/* syscalls.c - the recorder's system calls: Valgrind's --trace-syscalls lines become the
 * trace's area and process events, through one table entry per call name (sc_table).
 *
 * The lines. `--trace-syscalls=yes` prints "SYSCALL[PID,TID](NR) sys_mmap ( 0x0, 8192, 3, 34,
 * 4294967295, 0 ) --> [pre-success] Success(0x4835000)"; a blocking call prints "--> [async]
 * ..." and later "SYSCALL[PID,TID](NR) ... [async] --> Success(0x4)", and fork-like clones
 * finish on a line of their own (" --> [pre-success] Success(0x2b1a)"). Numbers are decimal
 * except pointers (0x) and clone's flags (bare hex); path arguments print as 0xPTR(PATH). A
 * call without its result waits, as text, in its stream (rec_pending_t) until the result
 * line of its thread comes; it is parsed then.
 *
 * The table. An entry names a call and what it does: `call` at the call line, before any
 * result (execve keeps its path, exit_group ends the process); `done` with its result (only
 * a successful one unless SC_FAILED); `lost` for a blocking call whose result never came;
 * flags tell variants of one handler apart (openat against open, mmap2 against mmap...).
 * Calls not in the table make no event. A lookup is a scan of some forty-five names: syscall
 * lines are rare next to references (a read of a file is one line per call, not per byte).
 *
 * Events. open/openat/creat results name descriptors (per process, copied at fork, close-on-
 * exec ones dropped at exec; dup/dup2/dup3/fcntl(F_DUPFD) copy them), so an mmap of fd N is
 * `file:PATH@OFFSET`. brk growth is `brk PID OLD GROWTH`, shrinking a munmap. mremap becomes
 * munmap + an anonymous private rw- mmap (what realloc of large blocks does; a moved file
 * mapping would be misnamed). Threads (clone with CLONE_THREAD) share their process's pid.
 * mmaps of Valgrind's own files (rec_conv_is_valgrind_file) are left out, and so are
 * munmap/mprotect inside Valgrind's areas.
 *
 * File I/O (issue 15; written only with rec_filter_t.file_io). A descriptor names an open
 * file description (rec_ofd_t: path, position, O_APPEND), made by open and shared by dup and
 * fork as in the kernel (fs/file.c: dup_fd copies the table, the struct file is shared). The
 * read and write families on a regular file's descriptor (sc_is_file: by its path, see there)
 * become read/write records at the position, or at the call's offset for pread/pwrite (which
 * move nothing), of the bytes the result says; copy_file_range and sendfile become a read and
 * a write. madvise and fadvise64 become madvise/fadvise records for the five advice values
 * the trace format has (sc_advice; the others are ignored).
 *
 * Waits. wait4 and waitid results become `wait PARENT CHILD` lines where the result line is
 * met (rec_conv_proc_wait; sc_wait4_lost, sc_waitid: a result Valgrind never printed).
 *
 * Markers. With rec_conv_filter's markers, any call line naming a path whose base name is
 * the start (stop) marker opens (closes) the phase in which references are written.
 */
#include "syscalls.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define CLONE_THREAD_FLAG 0x10000u      /* Linux CLONE_THREAD */
#define AT_FDCWD_U  4294967196ull       /* AT_FDCWD (-100) as Valgrind prints it */
#define O_CLOEXEC_FLAG 02000000u        /* Linux O_CLOEXEC */
#define F_DUPFD_CLOEXEC_NR 1030u        /* F_DUPFD_CLOEXEC (F_DUPFD is 0) */
#define WAITID_NOHANG 1u                /* WNOHANG */
#define WAITID_EXITED 4u                /* WEXITED */
#define WAITID_NOWAIT 0x01000000u       /* WNOWAIT */
#define WAITID_P_PID  1u                /* P_PID */
#define O_TRUNC_FLAG  01000u            /* Linux O_TRUNC */
#define O_APPEND_FLAG 02000u            /* Linux O_APPEND */
#define SC_MAXARGS 8
#define SC_NAME_LEN 32

typedef struct sc_arg {
    const char *s;        /* the argument's text */
    size_t n;
    const char *path;     /* for 0xPTR(PATH): the PATH, else NULL */
    size_t pathn;
} sc_arg_t;

typedef struct sc_entry sc_entry_t;

typedef struct sc_call {          /* one call, parsed, with its result once known */
    rec_conv_t *c;
    rec_proc_t *p;
    const sc_entry_t *e;
    char name[SC_NAME_LEN];
    sc_arg_t a[SC_MAXARGS];
    int na;
    int ok;                       /* the result: 1 success (val), 0 failure */
    uint64_t val;
} sc_call_t;

enum {                            /* sc_entry_t.flags */
    SC_FAILED  = 1 << 0,          /* `done` also sees a failed result */
    SC_AT      = 1 << 1,          /* *at calls: a directory descriptor first, the path second */
    SC_NOFLAGS = 1 << 2,          /* open without a flags argument (creat, openat2) */
    SC_FCNTL   = 1 << 3,          /* fcntl: only F_DUPFD(_CLOEXEC) copies a descriptor */
    SC_DUP3    = 1 << 4,          /* dup3: its third argument holds O_CLOEXEC */
    SC_PAGES   = 1 << 5,          /* mmap2: the offset counts 4 KiB pages */
    SC_PROTECT = 1 << 6,          /* mprotect (not munmap) */
    SC_THREADS = 1 << 7,          /* clone: CLONE_THREAD in its flags makes a thread */
    SC_WRITE   = 1 << 8,          /* write and its kin (not read) */
    SC_POS     = 1 << 9,          /* pread, pwrite, preadv, pwritev: the offset is argument 3 */
    SC_POS2    = 1 << 10,         /* preadv2, pwritev2: likewise, but -1 is the position */
    SC_TRUNC   = 1 << 11,         /* creat: O_TRUNC without a flags argument */
};

struct sc_entry {
    const char *name;
    int  (*call)(const sc_call_t *k);   /* at the call line: 0, 1 process exited, -1 */
    int  (*done)(const sc_call_t *k);   /* with the result: 0, or -1 out of memory */
    void (*lost)(const sc_call_t *k);   /* the result never came */
    unsigned flags;
};

/* ------------------------------------------------------------------ parsing */

/* "SYSCALL[PID,TID](NR) NAME ( A, B, ... ) ..." -> name and arguments. 0 or -1. */
static int sc_parse_call(const char *line, sc_call_t *k)
{
    const char *p = strstr(line, ") ");
    if (!p)
        return -1;
    p += 2;
    size_t n = 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_') {
        if (n + 1 < sizeof k->name)
            k->name[n++] = *p;
        p++;
    }
    k->name[n] = 0;
    if (*p == '[' && strchr(p, ']'))     /* a variant: "sys_fcntl[ARG3=='arg'] ( 1, 0, 10 )" */
        p = strchr(p, ']') + 1;
    while (*p == ' ')
        p++;
    k->na = 0;
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
        if (k->na < SC_MAXARGS) {
            sc_arg_t *x = &k->a[k->na++];
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

/* Argument i as a number (hex: bare digits are hex). 0, or -1 if absent or not a number. */
static int sc_arg_num(const sc_call_t *k, int i, uint64_t *v, int hex)
{
    if (i >= k->na)
        return -1;
    const char *p = k->a[i].s;
    return rec_conv_parse_u64(&p, v, hex);
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
        if (rec_conv_parse_u64(&p, value, 1) < 0)
            *value = 0;
        return 1;
    }
    if (!strncmp(r, "Failure(", 8))
        return 0;
    return -1;
}

/* ------------------------------------------------------------------ exec, exit, wait, fork */

/* No result follows a successful execve: the new image's log takes over (conv.c's
 * image start writes the exec event with this path). */
static int sc_execve_call(const sc_call_t *k)
{
    rec_proc_t *p = k->p;
    int pi = (k->e->flags & SC_AT) ? 1 : 0;
    free(p->exec_path);
    p->exec_path = NULL;
    if (pi < k->na && k->a[pi].path && k->a[pi].pathn
        && !(p->exec_path = rec_conv_dupn(k->a[pi].path, k->a[pi].pathn)))
        return -1;
    return 0;
}

static int sc_execve_done(const sc_call_t *k)
{
    if (!k->ok) {                      /* it failed: the image goes on */
        free(k->p->exec_path);
        k->p->exec_path = NULL;
    }
    return 0;
}

static int sc_exit_group_call(const sc_call_t *k)
{
    rec_conv_proc_exit(k->c, k->p);
    return 1;                          /* the rest is Valgrind's summary */
}

/* wait4 ( pid, status, options, rusage ) -> the child. */
static int sc_wait4_done(const sc_call_t *k)
{
    if (k->val > 0 && k->val < (1ull << 31))
        rec_conv_proc_wait(k->c, k->p, (spid_t)k->val);
    return 0;
}

/* A blocking wait whose result never came: Valgrind prints no result for a call that a
 * signal handler interrupted (dash: wait4(-1) blocks, SIGCHLD's handler runs, the thread's
 * next line is rt_sigreturn), though the call had returned a child (the WNOHANG wait that
 * follows finds none left). It is taken to have returned one: the pid it named, else any. */
static void sc_wait4_lost(const sc_call_t *k)
{
    uint64_t pid, opt;
    if (sc_arg_num(k, 0, &pid, 0) == 0 && sc_arg_num(k, 2, &opt, 0) == 0 && !(opt & WAITID_NOHANG))
        rec_conv_proc_wait(k->c, k->p, pid > 0 && pid < (1ull << 31) ? (spid_t)pid : 0);
}

/* waitid ( idtype, id, infop, options ) -> 0: the child is the one it named, else any;
 * the same whether its result came (done) or not (lost). */
static void sc_waitid(const sc_call_t *k)
{
    uint64_t idtype, id, opt;
    if (sc_arg_num(k, 0, &idtype, 0) == 0 && sc_arg_num(k, 3, &opt, 0) == 0 && (opt & WAITID_EXITED)
        && !(opt & (WAITID_NOHANG | WAITID_NOWAIT)))
        rec_conv_proc_wait(k->c, k->p,
                           idtype == WAITID_P_PID && sc_arg_num(k, 1, &id, 0) == 0 ? (spid_t)id : 0);
}

static int sc_waitid_done(const sc_call_t *k)
{
    sc_waitid(k);
    return 0;
}

static int sc_clone_done(const sc_call_t *k)
{
    uint64_t flags;
    if (k->val == 0)
        return 0;                      /* the child's side */
    if ((k->e->flags & SC_THREADS) && sc_arg_num(k, 0, &flags, 1) == 0 && (flags & CLONE_THREAD_FLAG))
        return 0;                      /* a thread of this process */
    return rec_conv_proc_fork(k->c, k->p, (spid_t)k->val);
}

/* ------------------------------------------------------------------ descriptors */

/* Is path a regular file's? The log has no st_mode, so the path tells: everything opened by
 * path is a file but what lives under /dev, /proc and /sys (terminals, /dev/null, /dev/zero,
 * pseudo-files). Descriptors made otherwise (pipe, socket, accept, eventfd, memfd_create,
 * epoll...) and those inherited from outside the recording (0, 1, 2 of the first process) name
 * no path, so they are not files either. A FIFO opened by path elsewhere would be taken for a
 * file (rare). Valgrind's own files (its preload object, which its loader reads) are left out
 * as their mappings are. */
static int sc_is_file(const char *path)
{
    static const char *const not_files[] = { "/dev/", "/proc/", "/sys/" };
    for (size_t i = 0; i < sizeof not_files / sizeof *not_files; i++)
        if (!strncmp(path, not_files[i], strlen(not_files[i])))
            return 0;
    return strcmp(path, "/dev") && strcmp(path, "/proc") && strcmp(path, "/sys");
}

/* What a new description is: a file or not, O_APPEND; O_TRUNC empties the file. */
static int sc_open_describe(const sc_call_t *k, uint64_t flags)
{
    rec_ofd_t *o = rec_conv_fd_ofd(k->p, k->val);
    if (!o)
        return 0;
    o->file = sc_is_file(o->path) && !rec_conv_is_valgrind_file(o->path);
    o->append = (flags & O_APPEND_FLAG) != 0;
    if (o->file && ((flags & O_TRUNC_FLAG) || (k->e->flags & SC_TRUNC))) {
        uint64_t *size = rec_conv_file_size(k->c, o->path);
        if (!size)
            return -1;
        *size = 0;
    }
    return 0;
}

static int sc_open_done(const sc_call_t *k)
{
    rec_proc_t *p = k->p;
    int at = (k->e->flags & SC_AT) != 0;
    int pi = at ? 1 : 0;
    const sc_arg_t *path = &k->a[pi];
    if (pi >= k->na || !path->path || !path->pathn)
        return rec_conv_fd_set(p, k->val, NULL, 0, 0);
    uint64_t flags = 0, dirfd;
    if (!(k->e->flags & SC_NOFLAGS))
        sc_arg_num(k, pi + 1, &flags, 0);
    int cloexec = (flags & O_CLOEXEC_FLAG) != 0;
    const char *dir = NULL;
    if (at && path->path[0] != '/' && sc_arg_num(k, 0, &dirfd, 0) == 0 && dirfd != AT_FDCWD_U)
        dir = rec_conv_fd_path(p, dirfd);
    int rc;
    if (dir) {
        char full[PATH_MAX * 2];
        snprintf(full, sizeof full, "%s/%.*s", dir, (int)path->pathn, path->path);
        rc = rec_conv_fd_set(p, k->val, full, strlen(full), cloexec);
    } else
        rc = rec_conv_fd_set(p, k->val, path->path, path->pathn, cloexec);
    return rc < 0 ? rc : sc_open_describe(k, flags);
}

static int sc_close_done(const sc_call_t *k)
{
    uint64_t fd;
    if (sc_arg_num(k, 0, &fd, 0) == 0)
        return rec_conv_fd_set(k->p, fd, NULL, 0, 0);
    return 0;
}

/* dup, dup2, dup3, fcntl(F_DUPFD, F_DUPFD_CLOEXEC): the result names what the first
 * argument named. */
static int sc_dup_done(const sc_call_t *k)
{
    uint64_t fd, cmd = 0, flags;
    if (sc_arg_num(k, 0, &fd, 0) < 0)
        return 0;
    int fc = (k->e->flags & SC_FCNTL) != 0;
    if (fc && (sc_arg_num(k, 1, &cmd, 0) < 0 || (cmd != 0 && cmd != F_DUPFD_CLOEXEC_NR)))
        return 0;
    rec_ofd_t *src = rec_conv_fd_ofd(k->p, fd);
    int ce = fc ? cmd == F_DUPFD_CLOEXEC_NR : 0;
    if ((k->e->flags & SC_DUP3) && sc_arg_num(k, 2, &flags, 0) == 0)
        ce = (flags & O_CLOEXEC_FLAG) != 0;
    return rec_conv_fd_share(k->p, k->val, src, src ? ce : 0);   /* the same description */
}

/* ------------------------------------------------------------------ file I/O and advice */

/* read ( fd, buf, count ), readv ( fd, iov, n ), pread64 ( fd, buf, count, offset ),
 * preadv ( fd, iov, n, offset ), preadv2 ( fd, iov, n, offset, flags ), and the writes alike
 * -> the bytes transferred: a read or write record of the file's NAME at the description's
 * position (O_APPEND writes: at the file's end as far as the trace knows) which moves on by
 * those bytes, or at the call's offset, which moves nothing (preadv2's -1: the position).
 * Nothing for 0 bytes, a failure or a descriptor that is not a file's (sc_is_file). */
static int sc_rw_done(const sc_call_t *k)
{
    uint64_t fd, off = 0;
    rec_ofd_t *o;
    if (k->val == 0 || sc_arg_num(k, 0, &fd, 0) < 0 || !(o = rec_conv_fd_ofd(k->p, fd)) || !o->file)
        return 0;
    int wr = (k->e->flags & SC_WRITE) != 0, moves = !(k->e->flags & (SC_POS | SC_POS2));
    if (!moves && k->na > 3 && (k->e->flags & SC_POS2) && k->a[3].n == 2 && !memcmp(k->a[3].s, "-1", 2))
        moves = 1;
    else if (!moves && sc_arg_num(k, 3, &off, 0) < 0)
        return 0;
    uint64_t *size = rec_conv_file_size(k->c, o->path);
    if (!size)
        return -1;
    if (moves) {
        off = wr && o->append ? *size : o->pos;
        o->pos = off + k->val;
    }
    if (off + k->val < off)
        return 0;
    if (off + k->val > *size)
        *size = off + k->val;
    wl_rec_t r = { .type = wr ? WL_WRITE : WL_READ, .pid = k->p->pid, .size = 1, .file = o->path,
                   .offset = off, .len = k->val };
    rec_conv_emit(k->c, k->p, &r);
    return 0;
}

/* One side of a copy: count bytes at o's position (O_APPEND writes: the end), moved on. */
static int sc_copy_side(const sc_call_t *k, rec_ofd_t *o, int wr, uint64_t count)
{
    uint64_t *size = rec_conv_file_size(k->c, o->path);
    if (!size)
        return -1;
    uint64_t off = wr && o->append ? *size : o->pos;
    o->pos = off + count;
    if (off + count < off)
        return 0;
    if (off + count > *size)
        *size = off + count;
    wl_rec_t r = { .type = wr ? WL_WRITE : WL_READ, .pid = k->p->pid, .size = 1, .file = o->path,
                   .offset = off, .len = count };
    rec_conv_emit(k->c, k->p, &r);
    return 0;
}

/* copy_file_range ( fd_in, off_in, fd_out, off_out, len, flags ) and sendfile ( out_fd,
 * in_fd, offset, count ) -> the bytes copied: a read of the input and a write of the output
 * where each is a file's, at its position. An offset given by pointer (not 0) holds a value
 * the log does not show: that side makes no record (GNU cat and cp pass NULL). */
static int sc_copy_done(const sc_call_t *k)
{
    int sf = (k->e->flags & SC_POS) != 0;           /* sendfile's argument order */
    uint64_t fin, fout, pin = 0, pout = 0;
    if (k->val == 0 || sc_arg_num(k, sf ? 1 : 0, &fin, 0) < 0 || sc_arg_num(k, sf ? 0 : 2, &fout, 0) < 0
        || sc_arg_num(k, sf ? 2 : 1, &pin, 1) < 0 || (!sf && sc_arg_num(k, 3, &pout, 1) < 0))
        return 0;
    rec_ofd_t *in = rec_conv_fd_ofd(k->p, fin), *out = rec_conv_fd_ofd(k->p, fout);
    if (in && in->file && pin == 0 && sc_copy_side(k, in, 0, k->val) < 0)
        return -1;
    if (out && out->file && pout == 0 && sc_copy_side(k, out, 1, k->val) < 0)
        return -1;
    return 0;
}

/* lseek ( fd, offset, whence ) -> the new position. */
static int sc_lseek_done(const sc_call_t *k)
{
    uint64_t fd;
    rec_ofd_t *o;
    if (sc_arg_num(k, 0, &fd, 0) == 0 && (o = rec_conv_fd_ofd(k->p, fd)))
        o->pos = k->val;
    return 0;
}

/* The kernel's MADV_* and POSIX_FADV_* (x86-64, arm64 and most others) as wl_advice_t; -1:
 * none of the five (MADV_FREE, MADV_DONTFORK, MADV_HUGEPAGE, MADV_MERGEABLE, MADV_COLD,
 * MADV_PAGEOUT, MADV_POPULATE_*, POSIX_FADV_NOREUSE...: ignored). */
static int sc_advice(uint64_t v)
{
    switch (v) {
    case 0: return WL_ADV_NORMAL;
    case 1: return WL_ADV_RANDOM;
    case 2: return WL_ADV_SEQUENTIAL;
    case 3: return WL_ADV_WILLNEED;
    case 4: return WL_ADV_DONTNEED;
    default: return -1;
    }
}

/* madvise ( addr, len, advice ) -> 0: a madvise record (not inside Valgrind's areas). */
static int sc_madvise_done(const sc_call_t *k)
{
    uint64_t addr, len, adv;
    int a;
    if (sc_arg_num(k, 0, &addr, 0) < 0 || sc_arg_num(k, 1, &len, 0) < 0 || sc_arg_num(k, 2, &adv, 0) < 0
        || len == 0 || addr + len < addr || (a = sc_advice(adv)) < 0 || rec_conv_vg_has(k->p, addr, len))
        return 0;
    wl_rec_t r = { .type = WL_MADVISE, .pid = k->p->pid, .size = 1, .addr = addr, .len = len,
                   .kind = (uint8_t)a };
    rec_conv_emit(k->c, k->p, &r);
    return 0;
}

/* fadvise64 ( fd, offset, len, advice ) -> 0: an fadvise record of a file's descriptor. */
static int sc_fadvise_done(const sc_call_t *k)
{
    uint64_t fd, off, len, adv;
    rec_ofd_t *o;
    int a;
    if (sc_arg_num(k, 0, &fd, 0) < 0 || sc_arg_num(k, 1, &off, 0) < 0 || sc_arg_num(k, 2, &len, 0) < 0
        || sc_arg_num(k, 3, &adv, 0) < 0 || off + len < off || (a = sc_advice(adv)) < 0
        || !(o = rec_conv_fd_ofd(k->p, fd)) || !o->file)
        return 0;
    wl_rec_t r = { .type = WL_FADVISE, .pid = k->p->pid, .size = 1, .file = o->path, .offset = off,
                   .len = len, .kind = (uint8_t)a };
    rec_conv_emit(k->c, k->p, &r);
    return 0;
}

/* ------------------------------------------------------------------ areas */

/* mmap ( addr, len, prot, flags, fd, off ) -> the address. */
static int sc_mmap_done(const sc_call_t *k)
{
    rec_conv_t *c = k->c;
    rec_proc_t *p = k->p;
    uint64_t len, prot, flags, fd, off;
    if (sc_arg_num(k, 1, &len, 0) < 0 || sc_arg_num(k, 2, &prot, 0) < 0
        || sc_arg_num(k, 3, &flags, 0) < 0 || sc_arg_num(k, 4, &fd, 0) < 0
        || sc_arg_num(k, 5, &off, 0) < 0 || len == 0)
        return 0;
    if (k->e->flags & SC_PAGES)
        off *= 4096;
    wl_rec_t r = { .type = WL_MMAP, .pid = p->pid, .size = 1, .addr = k->val, .len = len,
                   .prot = (uint8_t)(prot & 7) };
    if ((flags & 3) == 1 || (flags & 3) == 3)
        r.flags |= WL_MAP_SHARED;
    char unknown[64];
    if (flags & 0x20) {                               /* MAP_ANONYMOUS */
        r.flags |= WL_MAP_ANON;
    } else {
        r.file = rec_conv_fd_path(p, fd);
        if (!r.file) {
            snprintf(unknown, sizeof unknown, "(pid %" PRIu32 " fd %" PRIu64 ")", p->pid, fd);
            r.file = unknown;
        } else if (rec_conv_is_valgrind_file(r.file)) {
            c->st.valgrind_areas++;
            return rec_conv_vg_add(p, k->val, len);
        }
        r.offset = off;
    }
    rec_conv_emit(c, p, &r);
    return 0;
}

/* munmap ( addr, len ), mprotect ( addr, len, prot ). */
static int sc_munmap_done(const sc_call_t *k)
{
    rec_proc_t *p = k->p;
    uint64_t addr, len, prot;
    if (sc_arg_num(k, 0, &addr, 0) < 0 || sc_arg_num(k, 1, &len, 0) < 0 || len == 0)
        return 0;
    if (rec_conv_vg_has(p, addr, len))
        return 0;                      /* Valgrind's area (its preload's relro) */
    int protect = (k->e->flags & SC_PROTECT) != 0;
    if (!protect)                      /* munmap: Valgrind's areas inside it are gone */
        for (size_t i = p->nvg; i-- > 0;)
            if (p->vg[i].start >= addr && p->vg[i].end <= addr + len)
                p->vg[i] = p->vg[--p->nvg];
    wl_rec_t r = { .type = WL_MUNMAP, .pid = p->pid, .size = 1, .addr = addr, .len = len };
    if (protect) {
        if (sc_arg_num(k, 2, &prot, 0) < 0)
            return 0;
        r.type = WL_MPROTECT;
        r.prot = (uint8_t)(prot & 7);
    }
    rec_conv_emit(k->c, p, &r);
    return 0;
}

/* brk ( addr ) -> the new break: growth a brk event, shrinking a munmap. */
static int sc_brk_done(const sc_call_t *k)
{
    rec_proc_t *p = k->p;
    uint64_t val = k->val;
    wl_rec_t r = { .size = 1, .pid = p->pid };
    if (p->brk && val > p->brk) {
        r.type = WL_BRK;
        r.addr = p->brk;
        r.len = val - p->brk;
        rec_conv_emit(k->c, p, &r);
    } else if (p->brk && val && val < p->brk) {
        r.type = WL_MUNMAP;
        r.addr = val;
        r.len = p->brk - val;
        rec_conv_emit(k->c, p, &r);
    }
    if (val)
        p->brk = val;
    return 0;
}

/* mremap ( old, old_size, new_size, flags[, new] ): see the note at the top. */
static int sc_mremap_done(const sc_call_t *k)
{
    rec_conv_t *c = k->c;
    rec_proc_t *p = k->p;
    uint64_t old, old_len, new_len, val = k->val;
    if (sc_arg_num(k, 0, &old, 0) < 0 || sc_arg_num(k, 1, &old_len, 0) < 0
        || sc_arg_num(k, 2, &new_len, 0) < 0 || new_len == 0)
        return 0;
    if (val == old && new_len == old_len)
        return 0;
    wl_rec_t r = { .size = 1, .pid = p->pid };
    if (val == old && new_len > old_len) {     /* grown in place */
        r.type = WL_MMAP;
        r.addr = old + old_len;
        r.len = new_len - old_len;
    } else if (val == old) {                   /* shrunk in place */
        r.type = WL_MUNMAP;
        r.addr = old + new_len;
        r.len = old_len - new_len;
        rec_conv_emit(c, p, &r);
        return 0;
    } else {
        wl_rec_t u = { .type = WL_MUNMAP, .pid = p->pid, .size = 1, .addr = old, .len = old_len };
        if (old_len)
            rec_conv_emit(c, p, &u);
        r.type = WL_MMAP;
        r.addr = val;
        r.len = new_len;
    }
    r.prot = WL_PROT_R | WL_PROT_W;
    r.flags = WL_MAP_ANON;
    rec_conv_emit(c, p, &r);
    return 0;
}

/* ------------------------------------------------------------------ the table */

static const sc_entry_t sc_table[] = {
    { "sys_execve",     sc_execve_call,     sc_execve_done, NULL,          SC_FAILED },
    { "sys_execveat",   sc_execve_call,     sc_execve_done, NULL,          SC_FAILED | SC_AT },
    { "exit_group",     sc_exit_group_call, NULL,           NULL,          0 },
    { "sys_exit_group", sc_exit_group_call, NULL,           NULL,          0 },
    { "sys_wait4",      NULL,               sc_wait4_done,  sc_wait4_lost, 0 },
    { "sys_waitid",     NULL,               sc_waitid_done, sc_waitid,     0 },
    { "sys_clone",      NULL,               sc_clone_done,  NULL,          SC_THREADS },
    { "sys_clone3",     NULL,               sc_clone_done,  NULL,          0 },
    { "sys_fork",       NULL,               sc_clone_done,  NULL,          0 },
    { "sys_vfork",      NULL,               sc_clone_done,  NULL,          0 },
    { "sys_open",       NULL,               sc_open_done,   NULL,          0 },
    { "sys_openat",     NULL,               sc_open_done,   NULL,          SC_AT },
    { "sys_openat2",    NULL,               sc_open_done,   NULL,          SC_AT | SC_NOFLAGS },
    { "sys_creat",      NULL,               sc_open_done,   NULL,          SC_NOFLAGS | SC_TRUNC },
    { "sys_close",      NULL,               sc_close_done,  NULL,          0 },
    { "sys_dup",        NULL,               sc_dup_done,    NULL,          0 },
    { "sys_dup2",       NULL,               sc_dup_done,    NULL,          0 },
    { "sys_dup3",       NULL,               sc_dup_done,    NULL,          SC_DUP3 },
    { "sys_fcntl",      NULL,               sc_dup_done,    NULL,          SC_FCNTL },
    { "sys_fcntl64",    NULL,               sc_dup_done,    NULL,          SC_FCNTL },
    { "sys_mmap",       NULL,               sc_mmap_done,   NULL,          0 },
    { "sys_mmap2",      NULL,               sc_mmap_done,   NULL,          SC_PAGES },
    { "sys_munmap",     NULL,               sc_munmap_done, NULL,          0 },
    { "sys_mprotect",   NULL,               sc_munmap_done, NULL,          SC_PROTECT },
    { "sys_brk",        NULL,               sc_brk_done,    NULL,          0 },
    { "sys_mremap",     NULL,               sc_mremap_done, NULL,          0 },
    { "sys_read",       NULL,               sc_rw_done,     NULL,          0 },
    { "sys_readv",      NULL,               sc_rw_done,     NULL,          0 },
    { "sys_pread64",    NULL,               sc_rw_done,     NULL,          SC_POS },
    { "sys_preadv",     NULL,               sc_rw_done,     NULL,          SC_POS },
    { "sys_preadv2",    NULL,               sc_rw_done,     NULL,          SC_POS2 },
    { "sys_write",      NULL,               sc_rw_done,     NULL,          SC_WRITE },
    { "sys_writev",     NULL,               sc_rw_done,     NULL,          SC_WRITE },
    { "sys_pwrite64",   NULL,               sc_rw_done,     NULL,          SC_WRITE | SC_POS },
    { "sys_pwritev",    NULL,               sc_rw_done,     NULL,          SC_WRITE | SC_POS },
    { "sys_pwritev2",   NULL,               sc_rw_done,     NULL,          SC_WRITE | SC_POS2 },
    { "sys_lseek",      NULL,               sc_lseek_done,  NULL,          0 },
    { "sys_copy_file_range", NULL,          sc_copy_done,   NULL,          0 },
    { "sys_sendfile",   NULL,               sc_copy_done,   NULL,          SC_POS },
    { "sys_sendfile64", NULL,               sc_copy_done,   NULL,          SC_POS },
    { "sys_madvise",    NULL,               sc_madvise_done, NULL,         0 },
    { "sys_fadvise64",  NULL,               sc_fadvise_done, NULL,         0 },
    { "sys_fadvise64_64", NULL,             sc_fadvise_done, NULL,         0 },
};

/* Parses line into k and finds its entry (NULL: a call that makes no event). */
static const sc_entry_t *sc_lookup(const char *line, sc_call_t *k)
{
    if (sc_parse_call(line, k) < 0)
        return NULL;
    for (size_t i = 0; i < sizeof sc_table / sizeof *sc_table; i++)
        if (!strcmp(sc_table[i].name, k->name))
            return k->e = &sc_table[i];
    return NULL;
}

/* A system call with its result: the events it makes. */
static int sc_finish(rec_conv_t *c, rec_proc_t *p, const char *line, int ok, uint64_t val)
{
    sc_call_t k = { .c = c, .p = p, .ok = ok, .val = val };
    const sc_entry_t *e = sc_lookup(line, &k);
    if (!e || !e->done || (!ok && !(e->flags & SC_FAILED)))
        return 0;
    return e->done(&k);
}

/* ------------------------------------------------------------------ calls waiting for their result */

static rec_pending_t *sc_pend_find(rec_stream_t *s, uint32_t tid)
{
    for (size_t i = s->npend; i-- > 0;)
        if (s->pend[i].tid == tid)
            return &s->pend[i];
    return NULL;
}

static void sc_pend_drop(rec_stream_t *s, rec_pending_t *pe)
{
    free(pe->line);
    *pe = s->pend[--s->npend];
}

void rec_sc_forget(rec_stream_t *s)
{
    for (size_t i = 0; i < s->npend; i++)
        free(s->pend[i].line);
    s->npend = 0;
}

static int sc_pend_add(rec_conv_t *c, rec_proc_t *p, rec_stream_t *s, uint32_t tid, const char *line)
{
    rec_pending_t *old = sc_pend_find(s, tid);
    if (old) {                             /* a call that never finished (exec, exit, signal) */
        sc_call_t k = { .c = c, .p = p };
        const sc_entry_t *e = sc_lookup(old->line, &k);
        if (e && e->lost)
            e->lost(&k);
        sc_pend_drop(s, old);
    }
    rec_pending_t *v = rec_conv_grow(s->pend, &s->cappend, s->npend + 1, sizeof *v);
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

/* ------------------------------------------------------------------ lines */

/* Does a system call line name a path whose base name is `name` ("0xPTR(DIR/NAME)")? */
static int sc_names_marker(const char *line, const char *name)
{
    size_t n = strlen(name);
    for (const char *q = line; n && (q = strstr(q, name)); q++)
        if ((q[-1] == '(' || q[-1] == '/') && q[n] == ')')
            return 1;
    return 0;
}

/* A bare " --> result" line: the result of the thread's last call. */
static int sc_bare_line(rec_conv_t *c, rec_stream_t *s, rec_proc_t *p, int res, uint64_t val)
{
    if (!s->have_last || res < 0)
        return 0;
    rec_pending_t *pe = sc_pend_find(s, s->last_tid);
    if (!pe)
        return 0;
    int rc = sc_finish(c, p, pe->line, res, val);
    sc_pend_drop(s, pe);
    s->have_last = 0;
    return rc;
}

int rec_sc_line(rec_conv_t *c, rec_stream_t *s, rec_proc_t *p, const char *line, int bare)
{
    uint64_t val = 0;
    int res = sc_result(line, &val);
    if (bare)
        return sc_bare_line(c, s, p, res, val);
    if (c->mark_start) {                   /* a marker: whatever the call, whatever its result */
        if (sc_names_marker(line, c->mark_start))
            c->in_phase = 1;
        else if (sc_names_marker(line, c->mark_stop))
            c->in_phase = 0;
    }
    const char *q = line + 8;              /* after "SYSCALL[" */
    uint64_t pid, tid = 0;
    if (rec_conv_parse_u64(&q, &pid, 0) < 0 || *q != ',')
        return 0;
    q++;
    if (rec_conv_parse_u64(&q, &tid, 0) < 0)
        return 0;
    const char *rest = strstr(q, ") ");
    if (!rest)
        return 0;
    rest += 2;
    if (!strncmp(rest, "... ", 4)) {       /* "... [async] --> result" of an earlier call */
        rec_pending_t *pe = sc_pend_find(s, (uint32_t)tid);
        if (!pe || res < 0)
            return 0;
        int rc = sc_finish(c, p, pe->line, res, val);
        sc_pend_drop(s, pe);
        return rc;
    }
    sc_call_t k = { .c = c, .p = p, .ok = res, .val = val };
    const sc_entry_t *e = sc_lookup(line, &k);
    if (e && e->call) {
        int rc = e->call(&k);
        if (rc != 0)
            return rc;
    }
    if (res < 0)
        return sc_pend_add(c, p, s, (uint32_t)tid, line);
    if (!e || !e->done || (!res && !(e->flags & SC_FAILED)))
        return 0;
    return e->done(&k);
}
