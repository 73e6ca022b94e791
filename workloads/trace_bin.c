/* trace_bin.c - PSTB, pagesim's native binary trace format: reader and writer.
 *
 * Why a binary format at all: text traces cost a parse per reference (the bench target is a
 * replay at least three times faster than text) and are large (~20 bytes a reference). A
 * reference stream is highly regular: consecutive accesses of one process are close in the
 * address space and most sizes are small powers of two. So each reference becomes a tag byte
 * holding its kind and size, plus the distance from the previous reference *of the same
 * process and stream* as a ZigZag varint. The address of another process is no predictor,
 * so after a context switch the delta resumes from where that process left off; and
 * instruction fetches walk the code while loads and stores walk the data, so each process
 * keeps two bases, one for fetches and one for data (PDATS, below, likewise keeps a base per
 * reference type). zstd then removes the remaining redundancy (loops repeat the same delta
 * sequences). Decoding is a few byte operations per reference on data zstd has
 * decompressed into a 1 MiB buffer in large chunks. Memory is bounded: the buffers, plus
 * 24 bytes per distinct pid for the bases (an open-addressing table doubling at half load).
 *
 * ---- The format, version 1 (everything a reader needs) ----
 *
 * A file is an 8-byte header followed by one or more concatenated zstd frames (RFC 8878;
 * written as one frame with a content checksum) whose decompressed bytes are the record
 * stream.
 *
 *   Header   bytes 0-3  magic "PSTB" (0x50 0x53 0x54 0x42)
 *            byte  4    format version, 1. A reader rejects versions newer than it knows.
 *            byte  5    flags, 0. A reader rejects any set bit (reserved for new features).
 *            bytes 6-7  0 (reserved).
 *
 *   varint   unsigned LEB128: 7 bits per byte, least significant group first, bit 7 set on
 *            every byte but the last. At most 10 bytes (64-bit values), 5 for 32-bit ones.
 *   zigzag   a signed 64-bit s is stored as the varint of (s << 1) ^ (s >> 63): 0, -1, 1, -2,
 *            2 ... become 0, 1, 2, 3, 4 ...
 *   string   varint byte length (at most 65535), then that many bytes (no terminator).
 *
 *   Decoder state: the current pid P (initially 0) and, for every pid and stream s (s = 1
 *   for instruction fetches, s = 0 for reads and writes), last[pid][s], the address of that
 *   pid's previous reference of that stream (initially 0). Events do not change last.
 *   (So a fetch's delta is from the pid's previous fetch, a read's or write's from its
 *   previous read or write.)
 *
 *   Each record starts with a tag byte T:
 *     bit 7        pid change: a varint pid follows the tag immediately; P = pid. The record
 *                  (reference or event) belongs to P, which stays current for later records.
 *     bits 0-1     class: 0 read, 1 write, 2 instruction fetch (references); 3 event.
 *   A reference (class 0-2):
 *     bits 2-4     size code c: c = 0..6 means size = 1 << c (1, 2, 4 ... 64 bytes);
 *                  c = 7 means a varint size follows (after the pid, if present); 1..2^32-1.
 *     bits 5-6     0 (reserved).
 *     then         zigzag(addr - last[P][s]), the difference taken modulo 2^64;
 *                  addr = last[P][s] + delta (mod 2^64); last[P][s] = addr.
 *   An event (class 3): bits 2-6 hold the type, then its fields in this order:
 *     0 END        varint count of records before it (references and events). The last
 *                  record: nothing may follow. No pid-change bit. A stream without it is
 *                  truncated.
 *     1 MMAP       varint start, varint length, byte prot (bit 0 r, bit 1 w, bit 2 x),
 *                  byte flags (bit 0 shared, bit 1 anonymous); unless anonymous:
 *                  varint file offset, string file name.
 *     2 MUNMAP     varint start, varint length.
 *     3 MPROTECT   varint start, varint length, byte prot.
 *     4 BRK        varint old break, varint growth in bytes.
 *     5 FORK       varint child pid (the parent is P).
 *     6 EXEC       string program path.
 *     7 EXIT       nothing.
 *   Other types, reserved bits, or a 32-bit field that overflows are errors.
 *
 * Example: "W 0x1000:8 7" as the first record is 8d 07 80 40: tag 0x80 (pid change) | 1
 * (write) | 3 << 2 (size 8 = 1 << 3); pid 7; zigzag(0x1000 - 0) = 0x2000 = varint 80 40.
 * A following "W 0x1008:8 7" is 0d 10: same pid, delta 8, zigzag 16.
 *
 * Reference: zigzag varints as in Protocol Buffers' encoding guide; the per-stream delta
 * idea is the one of trace compressors such as PDATS (Johnson and Ha, 1994).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "wl.h"
#include "convert.h"

enum {
    BIN_HEADER = 8,
    BIN_VERSION = 1,
    BIN_MAX_STR = 65535,
    BIN_OUT_CAP = 1 << 20,        /* decompressed bytes held at once */
    BIN_PAD = 64,                 /* zeroed slack after the data: a varint read stops there */
    BIN_FAST = 32,                /* a reference record is at most 1 + 5 + 5 + 10 bytes */
    BIN_ENC_CAP = 1 << 17,        /* writer: records encoded before each compress call */
    BIN_LEVEL = 3,
};
enum { CLASS_EVENT = 3, EV_END = 0 };

static const char bin_magic[4] = { 'P', 'S', 'T', 'B' };

/* ---- last address per pid: open addressing, linear probing, doubles at half load ---- */
typedef struct pid_slot { spid_t pid; uint32_t used; uint64_t last[2]; } pid_slot_t;  /* data, ifetch */
typedef struct pid_tab { pid_slot_t *s; uint32_t mask, n; } pid_tab_t;

static int pt_init(pid_tab_t *t)
{
    t->mask = 63; t->n = 0;
    t->s = calloc(t->mask + 1, sizeof *t->s);
    return t->s ? 0 : -1;
}

static uint32_t pt_find(pid_tab_t *t, spid_t pid)   /* slot index; UINT32_MAX if out of memory */
{
    uint32_t i = (pid * 0x9E3779B1u) & t->mask;
    while (t->s[i].used && t->s[i].pid != pid)
        i = (i + 1) & t->mask;
    if (t->s[i].used)
        return i;
    if (2 * (t->n + 1) > t->mask + 1) {
        pid_tab_t g = { calloc(2 * ((size_t)t->mask + 1), sizeof *t->s), 2 * t->mask + 1, t->n };
        if (!g.s)
            return UINT32_MAX;
        for (uint32_t k = 0; k <= t->mask; k++)
            if (t->s[k].used) {
                uint32_t j = (t->s[k].pid * 0x9E3779B1u) & g.mask;
                while (g.s[j].used)
                    j = (j + 1) & g.mask;
                g.s[j] = t->s[k];
            }
        free(t->s);
        *t = g;
        return pt_find(t, pid);
    }
    t->s[i].used = 1; t->s[i].pid = pid; t->s[i].last[0] = t->s[i].last[1] = 0;
    t->n++;
    return i;
}

static void pt_clear(pid_tab_t *t)
{
    memset(t->s, 0, ((size_t)t->mask + 1) * sizeof *t->s);
    t->n = 0;
}

/* ================================ reader ================================ */

typedef struct bin_rd {
    ZSTD_DCtx *dctx;
    ZSTD_inBuffer zin;
    uint8_t *inbuf;
    size_t incap;
    uint8_t *buf;              /* BIN_OUT_CAP + BIN_PAD */
    const uint8_t *p, *end;    /* undecoded decompressed bytes */
    size_t zret;               /* last ZSTD_decompressStream result: 0 = at a frame end */
    int in_eof, seen_end;
    pid_tab_t pids;
    spid_t pid;
    uint32_t cur;              /* slot of pid in pids */
    uint64_t nrec;
    char str[BIN_MAX_STR + 1];
} bin_rd_t;

/* Makes at least `want` undecoded bytes available unless the stream ends first. Moves the
 * remainder to the front and decompresses as much as fits. 0, or -1 with wl->err. */
static int rd_fill(wl_t *wl, bin_rd_t *s, size_t want)
{
    size_t have = (size_t)(s->end - s->p);
    if (have >= want)
        return 0;
    memmove(s->buf, s->p, have);
    s->p = s->buf;
    s->end = s->buf + have;
    while ((size_t)(s->end - s->p) < want && !s->in_eof) {
        if (s->zin.pos == s->zin.size) {
            long n = wl_input_read(wl->in, s->inbuf, s->incap);
            if (n < 0)
                return wl_error(wl, "%s", wl_input_error(wl->in));
            if (n == 0) {
                s->in_eof = 1;
                if (s->zret != 0)
                    return wl_error(wl, "truncated binary trace (compressed stream ends inside a frame)");
                break;
            }
            s->zin.src = s->inbuf; s->zin.size = (size_t)n; s->zin.pos = 0;
        }
        ZSTD_outBuffer out = { (uint8_t *)s->end, BIN_OUT_CAP - (size_t)(s->end - s->buf), 0 };
        size_t r = ZSTD_decompressStream(s->dctx, &out, &s->zin);
        if (ZSTD_isError(r))
            return wl_error(wl, "corrupt binary trace: %s", ZSTD_getErrorName(r));
        s->zret = r;
        s->end += out.pos;
    }
    memset((uint8_t *)s->end, 0, BIN_PAD);
    return 0;
}

/* Unchecked varint: the zero padding after the data guarantees it stops; callers compare p
 * with end afterwards. *bad is set on an encoding longer than 10 bytes. */
static inline uint64_t rd_varint(const uint8_t **pp, int *bad)
{
    const uint8_t *p = *pp;
    uint64_t v = *p++;
    if (v >= 0x80) {
        v &= 0x7f;
        for (unsigned shift = 7;; shift += 7) {
            uint64_t b = *p++;
            if (shift > 63) { *bad = 1; break; }
            v |= (b & 0x7f) << shift;
            if (b < 0x80)
                break;
        }
    }
    *pp = p;
    return v;
}

static int rd_header(wl_t *wl, bin_rd_t *s)
{
    uint8_t h[BIN_HEADER];
    size_t got = 0;
    while (got < sizeof h) {
        long n = wl_input_read(wl->in, h + got, sizeof h - got);
        if (n < 0)
            return wl_error(wl, "%s", wl_input_error(wl->in));
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got < 4 || memcmp(h, bin_magic, 4))
        return wl_error(wl, "not a pagesim binary trace (no PSTB magic)");
    if (got < sizeof h)
        return wl_error(wl, "truncated binary trace header");
    if (h[4] == 0 || h[4] > BIN_VERSION)
        return wl_error(wl, "binary trace version %u is not supported (this pagesim reads version %d;"
                        " a newer pagesim wrote it?)", h[4], BIN_VERSION);
    if (h[5] || h[6] || h[7])
        return wl_error(wl, "binary trace header has unknown flags 0x%02x%02x%02x (written by a newer pagesim?)",
                        h[5], h[6], h[7]);
    return 0;
}

static void rd_reset(bin_rd_t *s)
{
    ZSTD_DCtx_reset(s->dctx, ZSTD_reset_session_only);
    s->zin.src = s->inbuf; s->zin.size = s->zin.pos = 0;
    s->p = s->end = s->buf;
    memset(s->buf, 0, BIN_PAD);
    s->zret = 0;
    s->in_eof = s->seen_end = 0;
    pt_clear(&s->pids);
    s->pid = 0;
    s->cur = pt_find(&s->pids, 0);   /* cannot grow an empty table */
    s->nrec = 0;
}

static void bin_close(wl_t *wl)
{
    bin_rd_t *s = wl->state;
    if (!s)
        return;
    ZSTD_freeDCtx(s->dctx);
    free(s->inbuf);
    free(s->buf);
    free(s->pids.s);
    free(s);
    wl->state = NULL;
}

static int bin_open(wl_t *wl)
{
    bin_rd_t *s = calloc(1, sizeof *s);
    if (!s)
        return wl_error(wl, "out of memory");
    wl->state = s;
    s->incap = ZSTD_DStreamInSize() * 2;
    s->inbuf = malloc(s->incap);
    s->buf = malloc(BIN_OUT_CAP + BIN_PAD);
    s->dctx = ZSTD_createDCtx();
    if (!s->inbuf || !s->buf || !s->dctx || pt_init(&s->pids)) {
        bin_close(wl);
        return wl_error(wl, "out of memory");
    }
    rd_reset(s);
    wl->line = 0;
    if (rd_header(wl, s)) {
        bin_close(wl);
        return -1;
    }
    return 0;
}

static int bin_rewind(wl_t *wl)
{
    bin_rd_t *s = wl->state;
    if (wl_input_rewind(wl->in))
        return wl_error(wl, "%s", wl_input_error(wl->in));
    rd_reset(s);
    wl->line = 0;
    return rd_header(wl, s);
}

static int rd_string(wl_t *wl, bin_rd_t *s, const char **out)
{
    int bad = 0;
    if (rd_fill(wl, s, 5))
        return -1;
    uint64_t n = rd_varint(&s->p, &bad);
    if (bad || s->p > s->end || n > BIN_MAX_STR)
        return wl_error(wl, "corrupt binary trace: bad string length");
    if (rd_fill(wl, s, n))
        return -1;
    if ((size_t)(s->end - s->p) < n)
        return wl_error(wl, "truncated binary trace (inside a string)");
    memcpy(s->str, s->p, n);
    s->str[n] = '\0';
    s->p += n;
    *out = s->str;
    return 0;
}

/* Everything but a reference with enough bytes buffered: refills, events, end, errors. */
static int bin_next_slow(wl_t *wl, bin_rd_t *s, wl_rec_t *r)
{
    int bad = 0;
    if (rd_fill(wl, s, 64))
        return -1;
    if (s->p == s->end) {
        if (s->seen_end)
            return 0;
        return wl_error(wl, "truncated binary trace (no end record after %llu records)",
                        (unsigned long long)s->nrec);
    }
    if (s->seen_end)
        return wl_error(wl, "corrupt binary trace: data after the end record");
    wl->line = s->nrec + 1;
    unsigned tag = *s->p++;
    unsigned cls = tag & 3;
    if (tag & 0x80) {
        uint64_t pid = rd_varint(&s->p, &bad);
        if (pid > UINT32_MAX || (cls == CLASS_EVENT && ((tag >> 2) & 31) == EV_END))
            bad = 1;
        s->pid = (spid_t)pid;
        if ((s->cur = pt_find(&s->pids, s->pid)) == UINT32_MAX)
            return wl_error(wl, "out of memory");
    }
    memset(r, 0, sizeof *r);
    r->pid = s->pid;
    r->size = 1;
    if (cls != CLASS_EVENT) {
        unsigned c = (tag >> 2) & 7;
        uint64_t size = 1u << c;
        if (c == 7)
            size = rd_varint(&s->p, &bad);
        uint64_t z = rd_varint(&s->p, &bad);
        if (bad || (tag & 0x60) || size == 0 || size > UINT32_MAX || s->p > s->end)
            return wl_error(wl, s->p > s->end ? "truncated binary trace (inside a record)"
                                              : "corrupt binary trace: bad reference record");
        uint64_t *last = &s->pids.s[s->cur].last[cls == REF_IFETCH];
        uint64_t a = *last + ((z >> 1) ^ -(z & 1));
        *last = a;
        r->type = WL_REF; r->kind = (uint8_t)cls; r->size = (uint32_t)size; r->addr = a;
        s->nrec++;
        return 1;
    }
    unsigned type = (tag >> 2) & 31;
    r->type = (uint8_t)type;
    switch (type) {
    case EV_END: {
        uint64_t n = rd_varint(&s->p, &bad);
        if (bad || s->p > s->end)
            return wl_error(wl, "corrupt binary trace: bad end record");
        if (n != s->nrec)
            return wl_error(wl, "corrupt binary trace: end record counts %llu records, read %llu",
                            (unsigned long long)n, (unsigned long long)s->nrec);
        s->seen_end = 1;
        if (rd_fill(wl, s, 1))        /* read to the end of input: checks frame completion */
            return -1;
        if (s->p != s->end)
            return wl_error(wl, "corrupt binary trace: data after the end record");
        return 0;
    }
    case WL_MMAP: case WL_MUNMAP: case WL_MPROTECT: case WL_BRK:
        r->addr = rd_varint(&s->p, &bad);
        r->len = rd_varint(&s->p, &bad);
        if (type == WL_MMAP || type == WL_MPROTECT) {
            r->prot = *s->p++;
            if (r->prot & ~7)
                bad = 1;
        }
        if (type == WL_MMAP) {
            r->flags = *s->p++;
            if (r->flags & ~(WL_MAP_SHARED | WL_MAP_ANON))
                bad = 1;
            if (!(r->flags & WL_MAP_ANON)) {
                r->offset = rd_varint(&s->p, &bad);
                if (bad || s->p > s->end)
                    break;
                if (rd_string(wl, s, &r->file))
                    return -1;
            }
        }
        break;
    case WL_FORK: {
        uint64_t c = rd_varint(&s->p, &bad);
        if (c > UINT32_MAX)
            bad = 1;
        r->pid2 = (spid_t)c;
        break;
    }
    case WL_EXEC:
        if (s->p > s->end)
            break;
        if (rd_string(wl, s, &r->file))
            return -1;
        break;
    case WL_EXIT:
        break;
    default:
        return wl_error(wl, "corrupt binary trace: unknown record type %u", type);
    }
    if (s->p > s->end)
        return wl_error(wl, "truncated binary trace (inside a record)");
    if (bad)
        return wl_error(wl, "corrupt binary trace: bad field in a %s record",
                        type == WL_FORK ? "fork" : type == WL_MMAP ? "mmap" : "event");
    s->nrec++;
    return 1;
}

/* The hot path: a reference with BIN_FAST bytes buffered and no pid change. */
static int bin_next(wl_t *wl, wl_rec_t *r)
{
    bin_rd_t *s = wl->state;
    const uint8_t *p = s->p;
    if (__builtin_expect(s->end - p >= BIN_FAST, 1)) {
        unsigned tag = *p;
        if ((tag & 0xe3) < 3) {               /* a reference, same pid, no reserved bits */
            unsigned c = (tag >> 2) & 7;
            if (c != 7) {
                p++;
                uint64_t z = *p++;
                if (z >= 0x80) {
                    int bad = 0;
                    p--;
                    z = rd_varint(&p, &bad);
                    if (bad)
                        return bin_next_slow(wl, s, r);
                }
                uint64_t *last = &s->pids.s[s->cur].last[(tag & 3) == REF_IFETCH];
                uint64_t a = *last + ((z >> 1) ^ -(z & 1));
                *last = a;
                s->p = p;
                r->type = WL_REF; r->kind = (uint8_t)(tag & 3); r->size = 1u << c; r->addr = a;
                r->pid = s->pid;
                s->nrec++;
                return 1;
            }
        }
    }
    return bin_next_slow(wl, s, r);
}

static int bin_probe(const char *head, size_t n)
{
    return n >= 4 && !memcmp(head, bin_magic, 4) ? 100 : 0;
}

const wl_ops_t wl_bin_ops = {
    .name = "binary",
    .summary = "pagesim binary trace (PSTB: delta-encoded, zstd-compressed; pagesim convert --to binary)",
    .probe = bin_probe,
    .open = bin_open,
    .next = bin_next,
    .rewind = bin_rewind,
    .close = bin_close,
};

/* ================================ writer ================================ */

struct wl_bin_writer {
    FILE *f;
    ZSTD_CCtx *cctx;
    uint8_t *enc;             /* BIN_ENC_CAP encoded records awaiting compression */
    size_t n;
    uint8_t *out;
    size_t outcap;
    pid_tab_t pids;
    spid_t pid;
    uint32_t cur;
    uint64_t nrec;
    int failed;
};

static inline uint8_t *put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static int wr_compress(wl_bin_writer_t *w, ZSTD_EndDirective mode, char *err)
{
    ZSTD_inBuffer in = { w->enc, w->n, 0 };
    for (;;) {
        ZSTD_outBuffer out = { w->out, w->outcap, 0 };
        size_t left = ZSTD_compressStream2(w->cctx, &out, &in, mode);
        if (ZSTD_isError(left)) {
            snprintf(err, WL_ERR_LEN, "zstd: %s", ZSTD_getErrorName(left));
            return -1;
        }
        if (out.pos && fwrite(w->out, 1, out.pos, w->f) != out.pos) {
            snprintf(err, WL_ERR_LEN, "write error");
            return -1;
        }
        if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
            break;
    }
    w->n = 0;
    return 0;
}

wl_bin_writer_t *wl_bin_writer_open(FILE *f, char *err)
{
    wl_bin_writer_t *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, WL_ERR_LEN, "out of memory");
        return NULL;
    }
    w->f = f;
    w->outcap = ZSTD_CStreamOutSize();
    w->enc = malloc(BIN_ENC_CAP);
    w->out = malloc(w->outcap);
    w->cctx = ZSTD_createCCtx();
    if (!w->enc || !w->out || !w->cctx || pt_init(&w->pids)) {
        wl_bin_writer_free(w);
        snprintf(err, WL_ERR_LEN, "out of memory");
        return NULL;
    }
    ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, BIN_LEVEL);
    ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
    w->cur = pt_find(&w->pids, 0);
    uint8_t h[BIN_HEADER] = { 'P', 'S', 'T', 'B', BIN_VERSION, 0, 0, 0 };
    if (fwrite(h, 1, sizeof h, f) != sizeof h) {
        wl_bin_writer_free(w);
        snprintf(err, WL_ERR_LEN, "write error");
        return NULL;
    }
    return w;
}

static uint8_t *wr_string(uint8_t *p, const char *s, size_t n)
{
    p = put_varint(p, n);
    memcpy(p, s, n);
    return p + n;
}

int wl_bin_write(wl_bin_writer_t *w, const wl_rec_t *r, char *err)
{
    size_t flen = 0;
    if (r->type == WL_EXEC || (r->type == WL_MMAP && !(r->flags & WL_MAP_ANON)))
        flen = r->file ? strlen(r->file) : 0;
    if (flen > BIN_MAX_STR) {
        snprintf(err, WL_ERR_LEN, "file name longer than %d bytes", BIN_MAX_STR);
        return -1;
    }
    if (r->type > WL_EXIT || (r->type == WL_REF && (r->kind > REF_IFETCH || r->size == 0))) {
        snprintf(err, WL_ERR_LEN, "cannot encode record (type %u, kind %u, size %u)",
                 r->type, r->kind, r->size);
        return -1;
    }
    if (w->n + 64 + flen > BIN_ENC_CAP && wr_compress(w, ZSTD_e_continue, err))
        return -1;
    uint8_t *p = w->enc + w->n, *tag = p++;
    unsigned t = 0;
    if (r->pid != w->pid) {
        t |= 0x80;
        p = put_varint(p, r->pid);
        w->pid = r->pid;
        if ((w->cur = pt_find(&w->pids, r->pid)) == UINT32_MAX) {
            snprintf(err, WL_ERR_LEN, "out of memory");
            return -1;
        }
    }
    if (r->type == WL_REF) {
        unsigned c = 7;
        if ((r->size & (r->size - 1)) == 0 && r->size <= 64)
            c = (unsigned)__builtin_ctz(r->size);
        else
            p = put_varint(p, r->size);
        t |= r->kind | c << 2;
        uint64_t *last = &w->pids.s[w->cur].last[r->kind == REF_IFETCH];
        uint64_t d = r->addr - *last;
        *last = r->addr;
        p = put_varint(p, (d << 1) ^ (uint64_t)((int64_t)d >> 63));
    } else {
        t |= CLASS_EVENT | (unsigned)r->type << 2;
        switch (r->type) {
        case WL_MMAP: case WL_MUNMAP: case WL_MPROTECT: case WL_BRK:
            p = put_varint(p, r->addr);
            p = put_varint(p, r->len);
            if (r->type == WL_MMAP || r->type == WL_MPROTECT)
                *p++ = r->prot & 7;
            if (r->type == WL_MMAP) {
                *p++ = r->flags & (WL_MAP_SHARED | WL_MAP_ANON);
                if (!(r->flags & WL_MAP_ANON)) {
                    p = put_varint(p, r->offset);
                    p = wr_string(p, r->file ? r->file : "", flen);
                }
            }
            break;
        case WL_FORK:
            p = put_varint(p, r->pid2);
            break;
        case WL_EXEC:
            p = wr_string(p, r->file ? r->file : "", flen);
            break;
        default:   /* WL_EXIT */
            break;
        }
    }
    *tag = (uint8_t)t;
    w->n = (size_t)(p - w->enc);
    w->nrec++;
    return 0;
}

int wl_bin_writer_finish(wl_bin_writer_t *w, char *err)
{
    uint8_t *p = w->enc + w->n;
    *p++ = CLASS_EVENT | EV_END << 2;
    p = put_varint(p, w->nrec);
    w->n = (size_t)(p - w->enc);
    if (wr_compress(w, ZSTD_e_end, err))
        return -1;
    if (fflush(w->f) || ferror(w->f)) {
        snprintf(err, WL_ERR_LEN, "write error");
        return -1;
    }
    return 0;
}

void wl_bin_writer_free(wl_bin_writer_t *w)
{
    if (!w)
        return;
    ZSTD_freeCCtx(w->cctx);
    free(w->enc);
    free(w->out);
    free(w->pids.s);
    free(w);
}
