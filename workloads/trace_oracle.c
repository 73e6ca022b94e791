/* trace_oracle.c - libCacheSim's oracleGeneral binary traces: 24-byte little-endian records.
 *
 * Each record is { u32 real_time; u64 obj_id; u32 obj_size; i64 next_access_vtime } packed
 * (libCacheSim traceReader/customizedReader/oracle/oracleGeneralBin.h); the public cache
 * traces (Twitter, Meta, CloudPhysics, ...) are distributed this way, usually zstd-compressed.
 * We take obj_id as a page number and yield a read of page << wl->page_shift (ids are often
 * 64-bit hashes: those keep their low 64 - page_shift bits, see trace_pages.c); time, size
 * and libCacheSim's own next-access field are ignored (nextuse.c computes ours, in our
 * reference order). pid 1.
 *
 * Records are read in batches of 4096 (96 KiB) and decoded byte by byte, so the reader is
 * independent of host endianness and alignment, and handed to the engine many at a time
 * (oracle_fill decodes them straight from the buffer; 2026-12-04: per record it was
 * oracle_next called through wl_fill_next, whose byte loops stayed 8 loads and shifts,
 * 5% of an OPT run's samples on the large stream, which reads the file twice), so that it prefetches the walks of the coming references: one record a
 * call left every walk a cold miss, and the large-footprint stream ran 50% slower than
 * from pagesim's binary format (LRU, --tlb 0, 10^5 frames: 1.65 s against 1.09). wl->line counts records (from 1) for error
 * messages; a file whose length is not a multiple of 24 fails at its end with the size of
 * the stray tail.
 */
#include <stdlib.h>

#include "wl.h"
#include "wl_priv.h"

#define REC 24
#define BATCH 4096

typedef struct oracle {
    unsigned char buf[REC * BATCH];
    size_t pos, end;
} oracle_t;

/* Little-endian loads written as one expression, which compilers turn into a single load on
 * a little-endian host (a loop over the bytes stayed eight loads and shifts). */
static inline uint64_t le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}
static inline uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* At least one whole record in the buffer: 1; the end of the input: 0; -1 with the error
 * (a read failed, or a stray tail shorter than a record). */
static int oracle_refill(wl_t *wl, oracle_t *st)
{
    if (st->end - st->pos >= REC)
        return 1;
    size_t keep = st->end - st->pos;
    for (size_t i = 0; i < keep; i++)
        st->buf[i] = st->buf[st->pos + i];
    long r = wl_input_read(wl->in, st->buf + keep, sizeof st->buf - keep);
    if (r < 0)
        return wl_error(wl, "%s", wl_input_error(wl->in));
    st->pos = 0;
    st->end = keep + (size_t)r;
    if (st->end >= REC)
        return 1;
    if (st->end == 0)                  /* wl_input_read fills all it can: this is the end */
        return 0;
    return wl_error(wl, "truncated trace: %zu stray bytes after the last 24-byte record", st->end);
}

static inline void oracle_decode(wl_t *wl, const unsigned char *p, wl_rec_t *rec)
{
    *rec = (wl_rec_t){ .type = WL_REF, .kind = REF_READ, .size = 1, .pid = 1,
                       .addr = le64(p + 4) << wl->page_shift, .line = ++wl->line };
}

static int oracle_next(wl_t *wl, wl_rec_t *rec)
{
    oracle_t *st = wl->state;
    int rc = oracle_refill(wl, st);
    if (rc <= 0)
        return rc;
    oracle_decode(wl, st->buf + st->pos, rec);
    st->pos += REC;
    return 1;
}

/* Many records a call (wl.h's fill), decoded straight from the buffer: the records before
 * an end or an error are delivered first, and the next call returns the end or the error
 * (wl_fill_stopped). */
static int oracle_fill(wl_t *wl, wl_rec_t *recs, int n)
{
    oracle_t *st = wl->state;
    int i = 0;
    while (i < n) {
        int rc = oracle_refill(wl, st);
        if (rc <= 0)
            return wl_fill_stopped(wl, i, rc);
        size_t k = (st->end - st->pos) / REC;
        if (k > (size_t)(n - i))
            k = (size_t)(n - i);
        const unsigned char *p = st->buf + st->pos;
        for (size_t j = 0; j < k; j++, p += REC)
            oracle_decode(wl, p, &recs[i + (int)j]);
        st->pos += k * REC;
        i += (int)k;
    }
    return n;
}

static int oracle_open(wl_t *wl)
{
    return wl_state_alloc(wl, sizeof(oracle_t));
}

static int oracle_rewind(wl_t *wl)
{
    oracle_t *st = wl->state;
    st->pos = st->end = 0;
    return wl_rewind_input(wl);
}

/* Binary (a NUL byte), whole records when the head is the whole input, times that never
 * decrease, next-access values -1 or non-negative. */
static int oracle_probe(const char *head, size_t n)
{
    const unsigned char *h = (const unsigned char *)head;
    if (n < REC || wl_probe_is_text(head, n))
        return 0;
    if (n < WL_PEEK_BYTES && n % REC)
        return 0;
    uint32_t last = 0;
    for (size_t i = 0; i + REC <= n; i += REC) {
        uint32_t t = le32(h + i);
        int64_t next = (int64_t)le64(h + i + 16);
        if (t < last || next < -1)
            return 0;
        last = t;
    }
    return 80;
}

const wl_ops_t wl_oracle_ops = {
    .name = "oracle",
    .summary = "libCacheSim oracleGeneral binary: 24-byte records (u32 time, u64 id, u32 size, i64 next); id = page",
    .probe = oracle_probe,
    .open = oracle_open,
    .next = oracle_next,
    .fill = oracle_fill,
    .rewind = oracle_rewind,
    .close = wl_state_free,
};
