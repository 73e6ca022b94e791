/* input.c - the byte stream under every trace reader: plain, gzip or zstd, read in big chunks.
 *
 * Traces are large (a second of a real program under lackey is hundreds of MB), so readers
 * never see a FILE*: they get lines handed out in place from one buffer that read(2) fills a
 * megabyte at a time, with no copy per line and no allocation after the buffer has grown to
 * the longest line. The compression is detected from the first bytes (gzip 1f 8b, zstd
 * 28 b5 2f fd, RFC 1952 and RFC 8878), never from the file name, so a compressed file named
 * anything, or piped through stdin ("-"), just works. Decompression streams through zlib's
 * inflate (concatenated gzip members are read one after another, as gzip -d does) or
 * libzstd's ZSTD_decompressStream, into the same line buffer.
 *
 * Layout of the line buffer: [0, pos) consumed, [pos, end) unread data, one spare byte at
 * the end so the last line of a file without a final newline can still be NUL-terminated in
 * place. When a line does not fit, the unread tail moves to the front and the buffer doubles;
 * `scan` remembers how far a newline was already searched for, so a very long line costs
 * linear time, not quadratic.
 *
 * A NUL byte inside a line is an error at that line (wl_input_error_line): C string parsing
 * would end the line there and silently drop the rest. The search for NUL bytes runs once
 * over the bytes as they arrive (nul_end: how far it has looked; nul_pos: the first NUL found,
 * if any), not once per line, so it costs one memchr per chunk.
 *
 * Cost: one memchr and one store per line; a read(2) or a decompression call per megabyte.
 * A reader may also parse the buffered lines in place itself (wl_input_span, wl_input_take:
 * the bytes up to the last buffered newline, none of them NUL), with no call per line.
 *
 * Spooling (wl_spool): a caller that must read an input several times (the rr schedule's
 * per-process streams, OPT's next-use pass) cannot reopen a pipe, a FIFO or `<(...)`: the
 * readers would take each other's bytes. wl_spool copies such an input once, a megabyte at a
 * time (memory stays bounded), into a temporary file in $TMPDIR that is unlinked at once,
 * and names it by /proc/self/fd/N, which opens a new file description at offset 0 each time
 * (a kill leaves nothing behind; without /proc the copy keeps its name until the run ends). The bytes are copied as they come, compressed or not, so
 * every reader, its line numbers and its messages stay what they were for the original.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "wl.h"
#include "wl_priv.h"
#include "sim/base/xalloc.h"

#define CHUNK (1u << 20)

typedef enum { IN_PLAIN, IN_GZIP, IN_ZSTD } in_codec_t;

struct wl_input {
    int fd;
    int own_fd;             /* 0 for stdin */
    in_codec_t codec;
    char *buf;              /* decompressed bytes */
    size_t cap, pos, end, scan;
    int eof;                /* no more bytes will come into buf */
    int raw_eof;            /* read(2) returned 0 */
    unsigned char *raw;     /* compressed input, for gzip and zstd */
    size_t raw_pos, raw_end;
    z_stream z;
    int z_live;             /* inflateInit2 done */
    int z_member_done;      /* the last gzip member ended; more input means another member */
    ZSTD_DCtx *zd;
    size_t zd_last;         /* last ZSTD_decompressStream return: 0 at a frame boundary */
    uint64_t raw_bytes;     /* read(2) so far since open or rewind (wl_input_position) */
    uint64_t size_bytes;    /* the file's size; 0 when not a regular file */
    size_t nul_end;         /* buf[pos, nul_end) searched for NUL bytes */
    size_t nul_pos;         /* the first NUL found there, or SIZE_MAX: none */
    uint64_t lines;         /* lines handed out since open or rewind */
    uint64_t err_line;      /* the error is about this line (1-based); 0: not about a line */
    char path[4096];
    char err[SIM_ERR_LEN];  /* the input's error, when has_err (wl_input_error) */
    int has_err;
};

static void in_fail(wl_input_t *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void in_fail(wl_input_t *in, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->err, sizeof in->err, fmt, ap);
    va_end(ap);
    in->has_err = 1;
    in->eof = 1;
}

/* read(2) until n bytes or end; returns the count or -1. */
static long read_some(wl_input_t *in, void *dst, size_t n)
{
    for (;;) {
        ssize_t r = read(in->fd, dst, n);
        if (r >= 0) {
            in->raw_bytes += (uint64_t)r;
            return (long)r;
        }
        if (errno != EINTR) {
            in_fail(in, "read error: %s", strerror(errno));
            return -1;
        }
    }
}

/* Fills raw[] with more compressed bytes when it is empty. -1 on error. */
static int raw_refill(wl_input_t *in)
{
    if (in->raw_pos < in->raw_end || in->raw_eof)
        return 0;
    long r = read_some(in, in->raw, CHUNK);
    if (r < 0)
        return -1;
    in->raw_pos = 0;
    in->raw_end = (size_t)r;
    if (r == 0)
        in->raw_eof = 1;
    return 0;
}

/* Decompresses into buf[end, cap-1); returns bytes produced, 0 at end, -1 on error. */
static long inflate_some(wl_input_t *in)
{
    size_t room = in->cap - 1 - in->end;
    if (room > (1u << 30))              /* avail_out is a 32-bit uInt */
        room = 1u << 30;
    for (;;) {
        if (raw_refill(in) < 0)
            return -1;
        if (in->raw_pos == in->raw_end) {      /* no more input */
            if (!in->z_member_done) {
                in_fail(in, "truncated gzip stream");
                return -1;
            }
            return 0;
        }
        if (in->z_member_done) {                /* another gzip member follows */
            if (inflateReset(&in->z) != Z_OK) {
                in_fail(in, "gzip: cannot reset the decoder");
                return -1;
            }
            in->z_member_done = 0;
        }
        in->z.next_in = in->raw + in->raw_pos;
        in->z.avail_in = (uInt)(in->raw_end - in->raw_pos);
        in->z.next_out = (Bytef *)in->buf + in->end;
        in->z.avail_out = (uInt)room;
        int rc = inflate(&in->z, Z_NO_FLUSH);
        size_t produced = room - in->z.avail_out;
        in->raw_pos = in->raw_end - in->z.avail_in;
        if (rc == Z_STREAM_END) {
            in->z_member_done = 1;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            in_fail(in, "corrupt gzip data: %s", in->z.msg ? in->z.msg : zError(rc));
            return -1;
        }
        if (produced)
            return (long)produced;
    }
}

static long unzstd_some(wl_input_t *in)
{
    size_t room = in->cap - 1 - in->end;
    for (;;) {
        if (raw_refill(in) < 0)
            return -1;
        if (in->raw_pos == in->raw_end) {
            if (in->zd_last != 0) {
                in_fail(in, "truncated zstd stream");
                return -1;
            }
            return 0;
        }
        ZSTD_inBuffer ib = { in->raw, in->raw_end, in->raw_pos };
        ZSTD_outBuffer ob = { in->buf + in->end, room, 0 };
        size_t rc = ZSTD_decompressStream(in->zd, &ob, &ib);
        if (ZSTD_isError(rc)) {
            in_fail(in, "corrupt zstd data: %s", ZSTD_getErrorName(rc));
            return -1;
        }
        in->zd_last = rc;
        in->raw_pos = ib.pos;
        if (ob.pos)
            return (long)ob.pos;
    }
}

/* Appends more decompressed bytes to buf, making room first. 0 ok (eof may now be set),
 * -1 on error. */
static int fill(wl_input_t *in)
{
    if (in->eof)
        return 0;
    if (in->pos > 0 && in->cap - 1 - in->end < CHUNK) {   /* slide the unread tail forward */
        size_t keep = in->end - in->pos;
        memmove(in->buf, in->buf + in->pos, keep);
        in->scan -= in->pos;
        in->nul_end = in->nul_end > in->pos ? in->nul_end - in->pos : 0;
        if (in->nul_pos != SIZE_MAX)
            in->nul_pos -= in->pos;
        in->end = keep;
        in->pos = 0;
    }
    if (in->cap - 1 - in->end < CHUNK / 2) {               /* a long line: grow */
        size_t ncap = in->cap * 2;
        in->buf = xrealloc(in->buf, ncap, "a long line of a trace");
        in->cap = ncap;
    }
    long r;
    switch (in->codec) {
    case IN_PLAIN: r = read_some(in, in->buf + in->end, in->cap - 1 - in->end); break;
    case IN_GZIP:  r = inflate_some(in); break;
    default:       r = unzstd_some(in); break;
    }
    if (r < 0)
        return -1;
    if (r == 0)
        in->eof = 1;
    in->end += (size_t)r;
    return 0;
}

/* Reads the first bytes, picks the codec, sets up its decoder. */
static int start(wl_input_t *in)
{
    unsigned char *m = (unsigned char *)in->buf;
    in->pos = in->end = in->scan = 0;
    in->nul_end = 0;
    in->nul_pos = SIZE_MAX;
    in->lines = in->err_line = 0;
    in->eof = in->raw_eof = 0;
    in->raw_bytes = 0;
    while (in->end < 4) {                   /* at most CHUNK: the bytes may go to raw[] */
        long r = read_some(in, in->buf + in->end, CHUNK - in->end);
        if (r < 0)
            return -1;
        if (r == 0) {
            in->raw_eof = 1;
            break;
        }
        in->end += (size_t)r;
    }
    if (in->end >= 2 && m[0] == 0x1f && m[1] == 0x8b)
        in->codec = IN_GZIP;
    else if (in->end >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
        in->codec = IN_ZSTD;
    else if (in->end >= 4 && m[0] == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X') {
        in_fail(in, "xz-compressed input is not supported: decompress it, or recompress with gzip or zstd");
        return -1;
    } else {
        in->codec = IN_PLAIN;
        if (in->raw_eof)
            in->eof = 1;
        return 0;
    }
    if (!in->raw)
        in->raw = xmalloc(CHUNK, "a trace's read buffer");
    memcpy(in->raw, in->buf, in->end);      /* the bytes already read are compressed input */
    in->raw_pos = 0;
    in->raw_end = in->end;
    in->pos = in->end = 0;
    if (in->codec == IN_GZIP) {
        if (in->z_live) {
            if (inflateReset(&in->z) != Z_OK) {
                in_fail(in, "gzip: cannot reset the decoder");
                return -1;
            }
        } else {
            memset(&in->z, 0, sizeof in->z);
            if (inflateInit2(&in->z, 15 + 16) != Z_OK) {   /* 15-bit window, gzip header */
                in_fail(in, "gzip: cannot start the decoder");
                return -1;
            }
            in->z_live = 1;
        }
        in->z_member_done = 0;
    } else {
        if (!in->zd && !(in->zd = ZSTD_createDCtx())) {
            in_fail(in, "zstd: cannot create a decoder");
            return -1;
        }
        ZSTD_DCtx_reset(in->zd, ZSTD_reset_session_only);
        in->zd_last = 0;
    }
    return 0;
}

wl_input_t *wl_input_open(const char *path, sim_err_t *err)
{
    wl_input_t *in = xcalloc(1, sizeof *in, "a trace input");
    snprintf(in->path, sizeof in->path, "%s", path);
    if (!strcmp(path, "-")) {
        in->fd = 0;
        in->own_fd = 0;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            sim_err_set(err, SIM_EINPUT, "%s: %s", path, strerror(errno));
            free(in);
            return NULL;
        }
        in->own_fd = 1;
        struct stat st;
        if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode))
            in->size_bytes = (uint64_t)st.st_size;
    }
    in->cap = 2 * (size_t)CHUNK + 1;
    in->buf = malloc(in->cap);
    if (!in->buf) {                  /* the fd closed before the throw (xmalloc would leak it) */
        size_t cap = in->cap;
        wl_input_close(in);
        xtrap_throw(SIM_ESYS, "out of memory (%zu bytes for a trace's line buffer)", cap);
    }
    if (start(in) < 0) {
        sim_err_set(err, SIM_EINPUT, "%s: %s", path, in->err);
        wl_input_close(in);
        return NULL;
    }
    return in;
}

/* Whether the line buf[pos, pos + l) holds a NUL byte: then the error names it, and no more
 * lines come. The bytes before pos were searched with earlier lines. */
static int line_has_nul(wl_input_t *in, size_t l)
{
    size_t e = in->pos + l;
    if (in->nul_end < in->pos)
        in->nul_end = in->pos;
    if (e > in->nul_end && in->nul_pos == SIZE_MAX) {
        const char *z = memchr(in->buf + in->nul_end, 0, in->end - in->nul_end);
        in->nul_pos = z ? (size_t)(z - in->buf) : SIZE_MAX;
        in->nul_end = in->end;
    }
    if (in->nul_pos == SIZE_MAX || in->nul_pos >= e)
        return 0;
    in_fail(in, "NUL byte in the line, at byte %zu (binary data? give the right --format)",
            in->nul_pos - in->pos + 1);
    in->err_line = in->lines + 1;
    in->pos = in->scan = in->end;
    return 1;
}

char *wl_input_line(wl_input_t *in, size_t *len)
{
    if (in->err_line)
        return NULL;
    for (;;) {
        char *p = in->buf + in->pos;
        char *nl = memchr(in->buf + in->scan, '\n', in->end - in->scan);
        if (nl) {
            size_t l = (size_t)(nl - p);
            if (line_has_nul(in, l))
                return NULL;
            in->lines++;
            in->pos += l + 1;
            in->scan = in->pos;
            if (l && p[l - 1] == '\r')
                l--;
            p[l] = 0;
            *len = l;
            return p;
        }
        in->scan = in->end;
        if (in->eof) {
            if (in->pos == in->end || in->has_err)
                return NULL;
            size_t l = in->end - in->pos;      /* last line without a newline */
            if (line_has_nul(in, l))
                return NULL;
            in->lines++;
            in->pos = in->scan = in->end;
            if (p[l - 1] == '\r')
                l--;
            p[l] = 0;                           /* the spare byte makes room for this */
            *len = l;
            return p;
        }
        if (fill(in) < 0)
            return NULL;
    }
}

int wl_input_span(wl_input_t *in, char **start, char **end)
{
    if (in->err_line || in->pos == in->end)
        return 0;
    char *p = in->buf + in->pos;
    if (in->nul_end < in->pos)
        in->nul_end = in->pos;
    if (in->nul_pos == SIZE_MAX && in->nul_end < in->end) {   /* as line_has_nul searches */
        const char *z = memchr(in->buf + in->nul_end, 0, in->end - in->nul_end);
        in->nul_pos = z ? (size_t)(z - in->buf) : SIZE_MAX;
        in->nul_end = in->end;
    }
    size_t lim = in->nul_pos != SIZE_MAX && in->nul_pos >= in->pos ? in->nul_pos : in->end;
    char *nl = memrchr(p, '\n', lim - in->pos);
    if (!nl)
        return 0;
    *start = p;
    *end = nl + 1;
    return 1;
}

void wl_input_take(wl_input_t *in, size_t bytes, uint64_t lines)
{
    in->pos += bytes;
    in->scan = in->pos;
    in->lines += lines;
}

long wl_input_read(wl_input_t *in, void *dst, size_t n)
{
    char *d = dst;
    size_t got = 0;
    in->nul_end = 0;                           /* bytes, not lines: search again from pos */
    in->nul_pos = SIZE_MAX;
    while (got < n) {
        size_t avail = in->end - in->pos;
        if (avail) {
            size_t k = avail < n - got ? avail : n - got;
            memcpy(d + got, in->buf + in->pos, k);
            in->pos += k;
            got += k;
            continue;
        }
        if (in->eof)
            break;
        in->pos = in->end = in->scan = 0;      /* everything consumed: refill from the front */
        if (fill(in) < 0)
            return -1;
    }
    if (in->scan < in->pos)
        in->scan = in->pos;
    if (got == 0 && in->has_err)
        return -1;
    return (long)got;
}

size_t wl_input_peek(wl_input_t *in, const char **head)
{
    while (!in->eof && in->end - in->pos < WL_PEEK_BYTES)
        if (fill(in) < 0)
            break;
    size_t n = in->end - in->pos;
    *head = in->buf + in->pos;
    return n < WL_PEEK_BYTES ? n : WL_PEEK_BYTES;
}

int wl_input_rewind(wl_input_t *in)
{
    if (lseek(in->fd, 0, SEEK_SET) == (off_t)-1) {
        in_fail(in, "cannot rewind %s: %s", !strcmp(in->path, "-") ? "standard input" : "the input",
                errno == ESPIPE ? "it is a pipe, not a file" : strerror(errno));
        return -1;
    }
    in->has_err = 0;
    in->err[0] = 0;
    return start(in);
}

void wl_input_position(const wl_input_t *in, uint64_t *done_bytes, uint64_t *total_bytes)
{
    /* Read but not yet used: plain bytes in buf, or compressed bytes the decoder has not
     * taken (then the lag is what buf holds decompressed, at most a chunk or two). */
    uint64_t unread = in->codec == IN_PLAIN ? in->end - in->pos : in->raw_end - in->raw_pos;
    *done_bytes = in->raw_bytes > unread ? in->raw_bytes - unread : 0;
    *total_bytes = in->size_bytes;
}

const char *wl_input_error(wl_input_t *in) { return in->has_err ? in->err : NULL; }

uint64_t wl_input_error_line(const wl_input_t *in) { return in->has_err ? in->err_line : 0; }

void wl_input_close(wl_input_t *in)
{
    if (!in)
        return;
    if (in->own_fd && in->fd >= 0)
        close(in->fd);
    if (in->z_live)
        inflateEnd(&in->z);
    ZSTD_freeDCtx(in->zd);
    free(in->raw);
    free(in->buf);
    free(in);
}

int wl_spool(const char *path, wl_spool_t *sp, sim_err_t *err)
{
    struct stat st;
    int src = 0, own = 0;
    sp->fd = -1;
    sp->named = 0;
    sp->path[0] = 0;
    if (strcmp(path, "-")) {
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            return 0;                   /* a file: readers open it again, each at offset 0 */
        if ((src = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
            sim_err_set(err, SIM_EINPUT, "%s: %s", path, strerror(errno));
            return -1;
        }
        own = 1;
    } else if (fstat(0, &st) == 0 && S_ISREG(st.st_mode)) {
        /* A redirected file: the streams reopen it rather than share fd 0's offset. */
        if (lseek(0, 0, SEEK_CUR) == 0) {
            snprintf(sp->path, sizeof sp->path, "/proc/self/fd/0");
            int t = open(sp->path, O_RDONLY | O_CLOEXEC);
            if (t >= 0) {
                close(t);
                return 1;
            }
        }
    }
    const char *dir = getenv("TMPDIR");
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/pagesim-spool-XXXXXX", dir && *dir ? dir : "/tmp");
    const char *what = !strcmp(path, "-") ? "standard input" : path;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        sim_err_set(err, SIM_ESYS, "%s: cannot be read more than once, and no temporary copy can be made "
                    "in %s: %s", what, dir && *dir ? dir : "/tmp", strerror(errno));
        goto fail;
    }
    char *buf = malloc(CHUNK);
    if (!buf) {
        sim_err_set(err, SIM_ESYS, "%s: out of memory", what);
        goto fail;
    }
    for (;;) {
        ssize_t r = read(src, buf, CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            sim_err_set(err, SIM_ESYS, "%s: read error: %s", what, strerror(errno));
            free(buf);
            goto fail;
        }
        if (r == 0)
            break;
        for (ssize_t w = 0; w < r;) {
            ssize_t k = write(fd, buf + w, (size_t)(r - w));
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                sim_err_set(err, SIM_ESYS, "%s: cannot copy it to a temporary file in %s (the schedule "
                            "reads it once per process): %s", what, dir && *dir ? dir : "/tmp",
                            strerror(errno));
                free(buf);
                goto fail;
            }
            w += k;
        }
    }
    free(buf);
    snprintf(sp->path, sizeof sp->path, "/proc/self/fd/%d", fd);
    int t = open(sp->path, O_RDONLY | O_CLOEXEC);
    sp->named = t < 0;
    if (t >= 0) {
        close(t);
        unlink(tmp);
    } else {                    /* no /proc: the copy keeps its name until wl_spool_free */
        snprintf(sp->path, sizeof sp->path, "%s", tmp);
    }
    sp->fd = fd;
    if (own)
        close(src);
    return 1;
fail:                                   /* the machine's failure, not the input's */
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    if (own)
        close(src);
    sp->path[0] = 0;
    return SIM_ESYS;
}

void wl_spool_free(wl_spool_t *sp)
{
    if (sp->fd >= 0)
        close(sp->fd);
    if (sp->named && sp->path[0])
        unlink(sp->path);
    sp->fd = -1;
    sp->named = 0;
    sp->path[0] = 0;
}
