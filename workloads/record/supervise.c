/* supervise.c - pagesim record's process supervisor: runs the program under Valgrind lackey
 * (memory, system calls, children followed, -d for the startup layouts), hands every new log
 * and every debug line to the converter (conv.c) while the program runs, stops it after
 * max_refs, and finishes the trace once Valgrind exits. Also the zstd stream the trace may
 * be written through (rec_sup_zstd_open). It does not parse logs: that is conv.c's job.
 *
 * The loop (rec_sup_wait): new logs (inotify), Valgrind's standard error (debug lines to the
 * converter, the program's own lines passed on), one conversion step (rec_conv_step); when
 * a step finds nothing new and Valgrind still runs, poll the two descriptors for 20 ms. So
 * the processes' lines interleave in the trace to within a round of a few milliseconds.
 *
 * Logs are renamed as they appear (the race with an exec'd image reusing a name is below,
 * at sup_logwatch_t), and standard error comes through a Unix socket that keeps writers
 * apart (sup_errbuf_t). Ctrl-C reaches the program (the terminal signals the whole group)
 * and then the recording of what ran is still written, as system(3) does. After max_refs
 * every process of the program is killed (they are Valgrind processes of our own; the pids
 * come from their logs).
 *
 * Cost: a few system calls per round besides the converter's reads; the program runs about
 * 100 times slower under lackey than natively, which is what a recording costs.
 */
#include "supervise.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

/* ------------------------------------------------------------------ the log directory */

static void sup_remove_dir(const char *dir)
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

/* ------------------------------------------------------------------ new logs */

/* New logs. Valgrind names a log DIR/PID.N with N counting the logs that one Valgrind
 * opened, and an exec'd image is a new Valgrind, whose first log is PID.1 again: opened
 * with O_TRUNC, it would overwrite the log of the image it replaces (of the first process,
 * or of any process that execs twice). So each log is renamed the moment inotify reports
 * its creation (the writer keeps its descriptor), to log-SEQ-PID.N, freeing the name; the
 * exec that follows is at least a Valgrind start-up and a program's start-up later. The
 * race is watched, not assumed won: the directory's IN_OPEN events count the opens of a
 * name until IN_MOVED_FROM reports the rename, and a second open means a later image
 * reused the name first (the log is lost: the trace is not whole). */
typedef struct sup_logname {
    char name[64];
    int opens;
} sup_logname_t;

typedef struct sup_logwatch {
    int ifd;
    const char *dir;
    unsigned seq;
    int nlogs, lost;
    sup_logname_t *v;             /* renamed, IN_MOVED_FROM not yet seen */
    size_t n, cap;
} sup_logwatch_t;

static sup_logname_t *sup_watch_find(sup_logwatch_t *w, const char *name)
{
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->v[i].name, name))
            return &w->v[i];
    return NULL;
}

static int sup_watch_created(sup_logwatch_t *w, rec_conv_t *c, const char *name, sim_err_t *err)
{
    char from[PATH_MAX + 512], to[PATH_MAX + 600];
    snprintf(from, sizeof from, "%s/%s", w->dir, name);
    snprintf(to, sizeof to, "%s/log-%06u-%s", w->dir, ++w->seq, name);
    if (rename(from, to) < 0)
        return sim_err_set(err, SIM_EINPUT, "renaming the log %s: %s", from, strerror(errno));
    sup_logname_t *v = rec_conv_grow(w->v, &w->cap, w->n + 1, sizeof *v);
    if (!v)
        return sim_err_set(err, SIM_ESYS, "out of memory");
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
static int sup_watch_drain(sup_logwatch_t *w, rec_conv_t *c, sim_err_t *err)
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
                return sim_err_set(err, SIM_EINPUT, "too many processes at once (inotify queue overflow)");
            if (!ev->len || (ev->mask & IN_ISDIR) || !strncmp(ev->name, "log-", 4)
                || strlen(ev->name) >= sizeof w->v->name)
                continue;
            sup_logname_t *ln = sup_watch_find(w, ev->name);
            if (ev->mask & IN_CREATE) {
                if (sup_watch_created(w, c, ev->name, err) < 0)
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

/* ------------------------------------------------------------------ Valgrind's standard error */

/* Valgrind's standard error: its -d lines go to the converter, the rest (the program's own
 * standard error) is passed on to ours, line by line. Every process writes to the same
 * socket, and Valgrind's debug log writes a line in pieces of up to 100 bytes, so lines of
 * processes starting together would interleave mid-line in a pipe. On a Unix stream socket
 * with SO_PASSCRED, the kernel attaches the writer's pid to what it reads and never glues
 * two writers' bytes into one read (unix(7), SCM_CREDENTIALS): each read is one process's,
 * and a line buffer per pid puts the lines back together. */
typedef struct sup_errline {
    pid_t pid;
    char *b;
    size_t n, cap;
} sup_errline_t;

typedef struct sup_errbuf {
    sup_errline_t *v;
    size_t n, cap;
    int progress_shown;           /* a progress line is on the terminal: clear it first */
} sup_errbuf_t;

static void sup_progress_clear(sup_errbuf_t *eb)
{
    if (eb->progress_shown) {
        fputs("\r\033[K", stderr);
        eb->progress_shown = 0;
    }
}

static void sup_err_line(sup_errbuf_t *eb, rec_conv_t *c, char *line, size_t n, int nl)
{
    line[n] = 0;
    if (!rec_conv_debug_line(c, line)) {
        sup_progress_clear(eb);
        fwrite(line, 1, n, stderr);
        if (nl)
            fputc('\n', stderr);
    }
}

static void sup_err_feed(sup_errbuf_t *eb, rec_conv_t *c, pid_t pid, const char *data, size_t len, int last)
{
    sup_errline_t *e = NULL;
    for (size_t i = 0; i < eb->n; i++)
        if (eb->v[i].pid == pid)
            e = &eb->v[i];
    if (!e) {
        sup_errline_t *v = rec_conv_grow(eb->v, &eb->cap, eb->n + 1, sizeof *v);
        if (!v)
            return;
        eb->v = v;
        e = &eb->v[eb->n++];
        memset(e, 0, sizeof *e);
        e->pid = pid;
    }
    char *nb = rec_conv_grow(e->b, &e->cap, e->n + len + 1, 1);
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
        sup_err_line(eb, c, e->b + pos, (size_t)(nl - e->b) - pos, 1);
        pos = (size_t)(nl - e->b) + 1;
    }
    memmove(e->b, e->b + pos, e->n - pos);
    e->n -= pos;
    if (e->n && (last || e->n > 65536)) {   /* an unfinished or very long line */
        sup_err_line(eb, c, e->b, e->n, 0);
        e->n = 0;
    }
}

static void sup_err_drain(int fd, sup_errbuf_t *eb, rec_conv_t *c, int last)
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
        sup_err_feed(eb, c, pid, data, (size_t)r, 0);
    }
    if (last)
        for (size_t i = 0; i < eb->n; i++)
            sup_err_feed(eb, c, eb->v[i].pid, "", 0, 1);
}

static void sup_err_free(sup_errbuf_t *eb)
{
    for (size_t i = 0; i < eb->n; i++)
        free(eb->v[i].b);
    free(eb->v);
}


/* ------------------------------------------------------------------ zstd output */

typedef struct sup_zstd {
    FILE *f;
    ZSTD_CCtx *cc;
    char *obuf;
    size_t ocap;
    int failed;
} sup_zstd_t;

static int sup_zstd_push(sup_zstd_t *z, ZSTD_inBuffer *in, ZSTD_EndDirective mode)
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

static ssize_t sup_zstd_write(void *cookie, const char *buf, size_t n)
{
    sup_zstd_t *z = cookie;
    ZSTD_inBuffer in = { buf, n, 0 };
    if (sup_zstd_push(z, &in, ZSTD_e_continue) < 0) {
        z->failed = 1;
        errno = EIO;
        return -1;
    }
    return (ssize_t)n;
}

static int sup_zstd_close(void *cookie)
{
    sup_zstd_t *z = cookie;
    ZSTD_inBuffer in = { NULL, 0, 0 };
    int rc = z->failed || sup_zstd_push(z, &in, ZSTD_e_end) < 0 ? -1 : 0;
    ZSTD_freeCCtx(z->cc);
    free(z->obuf);
    free(z);
    return rc;
}

FILE *rec_sup_zstd_open(FILE *f, int level)
{
    sup_zstd_t *z = calloc(1, sizeof *z);
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
    cookie_io_functions_t io = { .write = sup_zstd_write, .close = sup_zstd_close };
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


/* ------------------------------------------------------------------ Valgrind */

/* The valgrind to run: $PAGESIM_VALGRIND, or "valgrind" found on PATH. */
int rec_sup_find_valgrind(char *out, size_t cap)
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


/* ------------------------------------------------------------------ the session */

struct rec_sup {
    char dir[PATH_MAX];           /* the log directory */
    int keep_logs;
    char **prog;                  /* the program (for messages) */
    sup_logwatch_t lw;
    int errp[2];                  /* Valgrind's standard error: we read [0] */
    sup_errbuf_t eb;
    rec_conv_t *c;
    pid_t child;                  /* Valgrind, until it has been waited for */
    struct sigaction old_int, old_quit;
    int sig_set;                  /* SIGINT and SIGQUIT ignored: restore them */
    int progress;
};

static double sup_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sup_progress_show(sup_errbuf_t *eb, const rec_conv_t *c, double elapsed)
{
    rec_stats_t st;
    rec_conv_stats(c, &st);
    fprintf(stderr, "\rpagesim record: %.1f M references, %" PRIu64 " processes, %.0f s\033[K",
            (double)st.refs / 1e6, st.processes, elapsed);
    eb->progress_shown = 1;
}

/* After max_refs: every process of the program is killed (they are Valgrind processes of
 * our own; the pids come from their logs). */
static void sup_stop_program(const rec_conv_t *c, pid_t child)
{
    spid_t pids[256];
    size_t n = rec_conv_live_pids(c, pids, 256);
    for (size_t i = 0; i < n && i < 256; i++)
        if ((pid_t)pids[i] > 1 && (pid_t)pids[i] != getpid())
            kill((pid_t)pids[i], SIGKILL);
    if (child > 0)
        kill(child, SIGKILL);
}

/* In the forked child: becomes Valgrind on the program. Does not return. */
static void sup_exec_valgrind(const rec_sup_t *s, const rec_sup_opts_t *o)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigaction(SIGINT, &dfl, NULL);
    sigaction(SIGQUIT, &dfl, NULL);
    if (o->stdout_to_stderr)
        dup2(2, 1);                    /* the trace owns standard output */
    dup2(s->errp[1], 2);               /* Valgrind's -d layouts and the program's stderr */
    char logopt[PATH_MAX + 32];
    snprintf(logopt, sizeof logopt, "--log-file=%s/%%p.%%n", s->dir);
    char **av = calloc((size_t)o->nprog + 10, sizeof *av);
    if (!av)
        _exit(127);
    int k = 0;
    av[k++] = (char *)o->valgrind;
    av[k++] = "--tool=lackey";
    av[k++] = "--trace-mem=yes";
    av[k++] = "--trace-syscalls=yes";
    av[k++] = "--trace-children=yes";
    av[k++] = "--vgdb=no";
    av[k++] = "-d";
    av[k++] = logopt;
    for (int j = 0; j < o->nprog; j++)
        av[k++] = o->prog[j];
    av[k] = NULL;
    execv(o->valgrind, av);
    fprintf(stderr, "pagesim record: cannot run %s: %s\n", o->valgrind, strerror(errno));
    _exit(127);
}

rec_sup_t *rec_sup_new(int keep_logs, sim_err_t *err)
{
    rec_sup_t *s = calloc(1, sizeof *s);
    if (!s) {
        sim_err_set(err, SIM_ESYS, "out of memory");
        return NULL;
    }
    const char *tmpdir = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/pagesim-record-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(s->dir)) {
        sim_err_set(err, SIM_EINPUT, "cannot create a temporary directory %s: %s", s->dir, strerror(errno));
        free(s);
        return NULL;
    }
    s->keep_logs = keep_logs;
    s->lw.ifd = -1;
    s->lw.dir = s->dir;
    s->errp[0] = s->errp[1] = -1;
    s->child = -1;
    return s;
}

const char *rec_sup_dir(const rec_sup_t *s)
{
    return s->dir;
}

int rec_sup_start(rec_sup_t *s, FILE *trace, const rec_sup_opts_t *o, sim_err_t *err)
{
    s->lw.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (s->lw.ifd < 0 || inotify_add_watch(s->lw.ifd, s->dir, IN_CREATE | IN_OPEN | IN_MOVED_FROM) < 0)
        return sim_err_set(err, SIM_EINPUT, "inotify: %s", strerror(errno));

    /* Ctrl-C reaches the program (the terminal signals the whole group) and then the
     * recording of what ran is still written, as system(3) does. */
    struct sigaction ign = { .sa_handler = SIG_IGN };
    sigaction(SIGINT, &ign, &s->old_int);
    sigaction(SIGQUIT, &ign, &s->old_quit);
    s->sig_set = 1;

    int one = 1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s->errp) < 0
        || setsockopt(s->errp[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0)
        return sim_err_set(err, SIM_EINPUT, "socketpair: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    s->child = fork();
    if (s->child < 0)
        return sim_err_set(err, SIM_EINPUT, "fork: %s", strerror(errno));
    if (s->child == 0)
        sup_exec_valgrind(s, o);

    close(s->errp[1]);
    s->errp[1] = -1;
    s->prog = o->prog;
    s->progress = o->progress;
    s->c = rec_conv_new(trace, (spid_t)s->child);
    if (!s->c || rec_conv_filter(s->c, o->filt) < 0)
        return sim_err_set(err, SIM_ESYS, "out of memory");
    if (o->binary && rec_conv_binary(s->c, err) < 0)
        return -1;
    rec_conv_expect_layouts(s->c, 1);
    rec_conv_delete_logs(s->c, !s->keep_logs);
    return 0;
}

/* Converts while Valgrind runs. 1 once it has exited (*stopped: it was killed after
 * max_refs), or -1 with err. */
static int sup_run(rec_sup_t *s, int *wstatus, int *stopped, sim_err_t *err)
{
    double t0 = sup_now_s(), shown = t0;
    for (;;) {
        if (sup_watch_drain(&s->lw, s->c, err) < 0)
            return -1;
        sup_err_drain(s->errp[0], &s->eb, s->c, 0);
        long w = rec_conv_step(s->c, err);
        if (w < 0)
            return -1;
        if (rec_conv_stopped(s->c)) {
            sup_stop_program(s->c, s->child);
            *stopped = 1;
        }
        double t = sup_now_s();
        if (s->progress && t - shown >= 1.0) {
            sup_progress_show(&s->eb, s->c, t - t0);
            shown = t;
        }
        if (w > 0)
            continue;
        if (waitpid(s->child, wstatus, WNOHANG) == s->child) {
            s->child = -1;
            return 1;
        }
        struct pollfd pfd[2] = { { .fd = s->lw.ifd, .events = POLLIN },
                                 { .fd = s->errp[0], .events = POLLIN } };
        poll(pfd, 2, 20);                  /* new logs or layouts, or 20 ms for more lines */
    }
}

int rec_sup_wait(rec_sup_t *s, rec_sup_result_t *res, sim_err_t *err)
{
    memset(res, 0, sizeof *res);
    if (sup_run(s, &res->wstatus, &res->stopped, err) < 0) {
        sup_progress_clear(&s->eb);
        return -1;
    }
    sup_err_drain(s->errp[0], &s->eb, s->c, 1);
    sup_progress_clear(&s->eb);
    if (sup_watch_drain(&s->lw, s->c, err) < 0 || rec_conv_finish(s->c, err) < 0)
        return -1;
    int ws = res->wstatus;
    if (s->lw.nlogs == 0)
        return sim_err_set(err, SIM_EINPUT, "valgrind wrote no log: did '%s' start? (valgrind %s %d)",
                           s->prog[0], WIFEXITED(ws) ? "exit status" : "signal",
                           WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
    res->lost = s->lw.lost;
    rec_conv_stats(s->c, &res->st);
    return 0;
}

void rec_sup_free(rec_sup_t *s)
{
    if (!s)
        return;
    if (s->child > 0) {
        kill(s->child, SIGTERM);
        waitpid(s->child, NULL, 0);
    }
    if (s->sig_set) {
        sigaction(SIGINT, &s->old_int, NULL);
        sigaction(SIGQUIT, &s->old_quit, NULL);
    }
    rec_conv_free(s->c);
    sup_err_free(&s->eb);
    free(s->lw.v);
    for (int j = 0; j < 2; j++)
        if (s->errp[j] >= 0)
            close(s->errp[j]);
    if (s->lw.ifd >= 0)
        close(s->lw.ifd);
    if (!s->keep_logs)
        sup_remove_dir(s->dir);
    free(s);
}
