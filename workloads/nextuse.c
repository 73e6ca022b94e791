/* nextuse.c - the future, computed ahead: for each page reference, when its page is next used.
 *
 * Belady's OPT (Belady 1966; Silberschatz, Operating System Concepts 10th ed., sec. 10.4.3)
 * evicts the page whose next use lies farthest ahead, so it needs, at reference t, the index
 * of the next reference to the same page. We compute it in one forward pass before the run:
 * page references are numbered t = 0, 1, 2, ... in exactly the engine's order (every WL_REF
 * split into pages by wl_split(), the rule the engine uses), each gets the identity of its
 * page's contents from pgid.c (a file page, an anonymous page, its COW copies: never
 * (pid, vpn)), and a hash table maps each page to the last t it was used at; on seeing it
 * again at t, next[last] = t. A reference that copies on write uses two pages: the source it
 * read (whose next use after t goes to a small side table, one entry per copy) and the copy
 * it leaves mapped (the main table). References the engine skips (segv, protection) use no
 * page. Each page of a buffered read or write (WL_READ, WL_WRITE) is a page reference too,
 * numbered in the same sequence (the engine counts them as sim_int.h's nu_io says). (A backward pass gives the same array but would need the stream reversed, which a
 * compressed trace cannot give cheaply.)
 *
 * The table: 4 bytes per page reference, the distance to the next use in 31 bits (0: never;
 * 2^31 - 1: farther, in a side table) and a bit saying that the reference copied (its
 * source's next use is in the copy table). It lives in an unlinked temporary file ($TMPDIR or
 * /tmp) mapped shared, so it is page cache the kernel can write back under pressure rather
 * than heap, and vanishes with the process; the file's blocks are reserved (posix_fallocate)
 * as it grows, so a full file system is a clear error before the run, never a SIGBUS in it.
 * Plus the last use of each page: 8 bytes per anonymous page in a flat array indexed by
 * pgid's id, or for other pages (files) a hash table of 16-byte slots at most half full (32
 * to 64 bytes per page; linear probing, one or two cache lines a lookup); runs of references
 * to the same page skip the lookup altogether; and pgid's state. Measured: see README (Performance).
 * Per reference on a large footprint, three dependent cache misses (pgid's slot, the last use,
 * the previous use's entry), each prefetched some records ahead (nu_prefetch): on the
 * large-footprint workload (10^7 references, Zipf 0.9 over 10^6 pages) the pass went from
 * 7.3-8.4 to 12-13 M refs/s; the line-fill buffers are then the limit (the prefetches stall).
 * Inside a long run of pages (a block trace's sequential runs) pgid's slots are prefetched two
 * groups of 8 pages ahead: P12's pass went from 10.7-10.8 to 16-17.7 M refs/s.
 * Then (issue 13) the look-ahead runs across batches (5-9% of the references had none at a
 * batch's start), the peeked key and slot are kept for the later stages, pgid's hot calls
 * are inline (pgid_priv.h), and the dense array and pgid's maps used transparent huge
 * pages: on the large-footprint workload the pass went from 6.73 G to 5.21 G
 * instructions (callgrind; per reference about 110 decoding the binary trace, 130 in pgid,
 * 170 here) and from 10.7-12.7 to 16.1-16.7 M refs/s (progress line, best of 3-5 pinned,
 * measured back to back on a loaded machine, load 3-5 on 2 cores); with its pages cached
 * (Zipf over 10^4 pages) it runs at 20-27 M refs/s, so cache misses still cost about a
 * third. Then (2026-12-04) the huge pages went again: on a machine whose memory is mostly
 * untouched (a fresh VM) each 2 MiB page cost its first toucher a zeroing at 0.45 GB/s (0.2-
 * 0.3 s of system time per run), more than the TLB misses they save. Without them, and with
 * the dense array grown by realloc (mremap: only the new part is touched), the pass went
 * from 11.1-13.3 to 12.5-14.7 M refs/s on the large-footprint workload (six runs alternated
 * on a noisy host) and from 9.9-12.2 to 16.5-20.4 on P12.
 */
#include "sim/base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pgid_priv.h"
#include "wl_priv.h"
#include "sim/base/progress.h"

#define D_COPY  0x80000000u     /* the reference copied: its source's next use is in nu->src */
#define D_FAR   0x7fffffffu     /* the distance is in nu->far */
#define LAST_COPY (1ULL << 63)  /* in the last-use table: that use was a copy's source */
#define LAST_DCOPY (1ULL << 62) /* ... that use's reference copied (its entry holds D_COPY) */

/* ---- page key -> last use, open addressing ---- */
typedef struct nu_slot { uint64_t k, v; } nu_slot_t;   /* k = key (never 0) */

typedef struct nu_map {
    nu_slot_t *s;
    size_t mask, used;
} nu_map_t;

static inline uint64_t mix(uint64_t h)
{
    h ^= h >> 30;                                   /* splitmix64 finaliser */
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

static int map_init(nu_map_t *m, size_t cap)
{
    m->s = calloc(cap, sizeof *m->s);
    m->mask = cap - 1;
    m->used = 0;
    return m->s ? 0 : -1;
}

static int map_grow(nu_map_t *m)
{
    nu_map_t n;
    if (map_init(&n, (m->mask + 1) * 2) < 0)
        return -1;
    for (size_t i = 0; i <= m->mask; i++) {
        if (!m->s[i].k)
            continue;
        size_t j = mix(m->s[i].k) & n.mask;
        while (n.s[j].k)
            j = (j + 1) & n.mask;
        n.s[j] = m->s[i];
    }
    n.used = m->used;
    free(m->s);
    *m = n;
    return 0;
}

/* The slot for k, inserted with v = VTIME_NEVER if new; NULL when out of memory. */
static inline nu_slot_t *map_get(nu_map_t *m, uint64_t k)
{
    size_t j = mix(k) & m->mask;
    for (;;) {
        nu_slot_t *s = &m->s[j];
        if (s->k == k)
            return s;
        if (!s->k)
            break;
        j = (j + 1) & m->mask;
    }
    if ((m->used + 1) * 2 > m->mask + 1) {
        if (map_grow(m) < 0)
            return NULL;
        return map_get(m, k);
    }
    nu_slot_t *s = &m->s[j];
    s->k = k;
    s->v = VTIME_NEVER;
    m->used++;
    return s;
}

/* ---- the table in a temporary file ---- */
typedef struct nu_arr {
    int fd;
    uint32_t *a;
    size_t cap;          /* entries */
} nu_arr_t;

static int arr_resize(nu_arr_t *b, size_t cap, sim_err_t *err)
{
    size_t bytes = cap * sizeof *b->a;
    if (cap > b->cap) {
        /* Reserve the blocks now: a mapping of a sparse file whose file system fills up
         * later kills the process with SIGBUS on a store. */
        int e = posix_fallocate(b->fd, 0, (off_t)bytes);
        if (e) {
            sim_err_set(err, SIM_ESYS, "next-use table: cannot reserve %zu bytes for its temporary file "
                        "(set TMPDIR to a file system with room): %s", bytes, strerror(e));
            return -1;
        }
    } else if (ftruncate(b->fd, (off_t)bytes) < 0) {
        sim_err_set(err, SIM_ESYS, "next-use table: cannot trim its temporary file: %s", strerror(errno));
        return -1;
    }
    void *p = b->a ? mremap(b->a, b->cap * sizeof *b->a, bytes, MREMAP_MAYMOVE)
                   : mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
    if (p == MAP_FAILED) {
        sim_err_set(err, SIM_ESYS, "next-use table: cannot map %zu bytes: %s", bytes, strerror(errno));
        return -1;
    }
    b->a = p;
    b->cap = cap;
    return 0;
}

/* Use t of a page whose last use is *last (as a copy's source when copy; dcopy: reference
 * t copied, its entry holds D_COPY): the previous use learns its next. The previous entry is
 * written whole, never read (its D_COPY bit is known from *last): a plain store, which the
 * CPU retires without waiting for the line, where |= stalled on a cache miss per reference. */
static inline int link_use(nextuse_t *nu, nu_arr_t *arr, uint64_t *last, vtime_t t, int copy, int dcopy)
{
    if (*last != VTIME_NEVER) {
        vtime_t prev = *last & ~(LAST_COPY | LAST_DCOPY);
        uint32_t keep = *last & LAST_DCOPY ? D_COPY : 0;
        if (*last & LAST_COPY) {
            u64map_put(&nu->src, prev, t);
        } else if (t - prev < D_FAR) {
            arr->a[prev] = keep | (uint32_t)(t - prev);
        } else {
            arr->a[prev] = keep | D_FAR;
            u64map_put(&nu->far, prev, t);
        }
    }
    *last = t | (copy ? LAST_COPY : 0) | (dcopy ? LAST_DCOPY : 0);
    return 0;
}

/* The backing file of the table: an unlinked temporary file in TMPDIR, first sized for 2^20
 * references. 0, or -1 with err. */
static int nu_arr_open(nu_arr_t *arr, sim_err_t *err)
{
    const char *dir = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/pagesim-nextuse-XXXXXX", dir && *dir ? dir : "/tmp");
    arr->fd = mkstemp(tmpl);
    if (arr->fd < 0) {
        sim_err_set(err, SIM_ESYS, "next-use table: cannot create a temporary file %s: %s", tmpl,
                    strerror(errno));
        return -1;
    }
    unlink(tmpl);
    return arr_resize(arr, 1 << 20, err);
}

/* The backward-linking pass over the trace: its state between references. */
typedef struct nu_pass {
    nextuse_t *nu;
    nu_map_t pages;                   /* content key -> the slot of its last use */
    uint64_t *dense;                  /* pgid's anonymous keys' last uses, by id (nu_last) */
    size_t ndense;
    nu_arr_t arr;
    pgid_t *g;
    vtime_t t;                        /* page references so far */
    uint64_t *prev;                   /* the last use of the last reference's page, and what the next */
    uint64_t prev_pid;                /* reference to it may do and stay on it */
    vpn_t prev_vpn;
    unsigned prev_ok;                 /* bit k: a reference of kind k keeps the key */
} nu_pass_t;

/* The last use of page k, VTIME_NEVER at first; NULL when out of memory. Valid until the
 * next call. pgid's anonymous keys (PGID_ANON_BIT | id, ids from 1 in order: nearly every
 * page of a block trace or a program's heap) sit in a flat array indexed by id, 8 bytes a
 * page and no hashing; other keys (file pages) in the hash table. */
#define DENSE_MAX (1ULL << 32)
static inline uint64_t *nu_last(nu_pass_t *ps, uint64_t k)
{
    uint64_t id = k & ~PGID_ANON_BIT;
    if (!(k & PGID_ANON_BIT) || id >= DENSE_MAX) {
        nu_slot_t *s = map_get(&ps->pages, k);
        return s ? &s->v : NULL;
    }
    if (id >= ps->ndense) {
        size_t n = ps->ndense ? ps->ndense : 1 << 16;
        while (n <= id)
            n *= 2;
        uint64_t *d = realloc(ps->dense, n * sizeof *d);   /* large: mremap, only the new part is touched */
        if (!d)
            return NULL;
        for (size_t i = ps->ndense; i < n; i++)
            d[i] = VTIME_NEVER;
        ps->dense = d;
        ps->ndense = n;
    }
    return &ps->dense[id];
}

/* One reference record (each of its pages). 0, or -1 with err (out of memory). The time
 * stays in a local (ps->t is written back), and what the next reference may do and stay
 * on the page is the area's protection bits themselves (WL_PROT_R, _W, _X are bits 0, 1, 2
 * as REF_READ, _WRITE, _IFETCH are 0, 1, 2), write only if it would not copy. hint: where
 * the look-ahead's peek found the first page's slot (pgid_ref_fast). */
static int nu_pass_ref(nu_pass_t *ps, const wl_rec_t *r, unsigned page_shift, size_t hint, sim_err_t *err)
{
    _Static_assert(WL_PROT_R == 1 << REF_READ && WL_PROT_W == 1 << REF_WRITE && WL_PROT_X == 1 << REF_IFETCH,
                   "prev_ok is the protection bits");
    nextuse_t *nu = ps->nu;
    vpn_t vpn;
    uint64_t n;
    wl_split(r, page_shift, &vpn, &n);
    vtime_t t = ps->t;
    for (uint64_t i = 0; i < n; i++, vpn++, t++) {
        if (n - i > 16 && !(vpn & 7))        /* a long run: pgid's slots two groups of 8 ahead */
            pgid_prefetch_i(ps->g, r->pid, vpn + 16);
        if (t == ps->arr.cap && arr_resize(&ps->arr, ps->arr.cap * 2, err) < 0)
            return -1;
        ps->arr.a[t] = 0;
        /* Runs of references to one page skip both lookups when the reference can only
         * find the same page again: its area allows the kind, and a write would not copy
         * (the last slot stays valid because the table only moves inside map_get). */
        if (ps->prev && ps->prev_pid == r->pid && ps->prev_vpn == vpn && (ps->prev_ok >> r->kind & 1)) {
            link_use(nu, &ps->arr, ps->prev, t, 0, 0);
            continue;
        }
        pgid_ref_t id;
        if (!pgid_ref_fast(ps->g, r->pid, vpn, (ref_kind_t)r->kind, i ? SIZE_MAX : hint, &id))
            id = pgid_ref(ps->g, r->pid, vpn, (ref_kind_t)r->kind);
        if (!id.key) {
            ps->prev = NULL;                          /* skipped by the engine: no page */
            continue;
        }
        if (id.src != id.key) {
            uint64_t *s = nu_last(ps, id.src);
            if (!s)
                goto nomem;
            link_use(nu, &ps->arr, s, t, 1, 0);
            ps->arr.a[t] = D_COPY;
            nu->n_copies++;
        }
        uint64_t *s = nu_last(ps, id.key);
        if (!s)
            goto nomem;
        link_use(nu, &ps->arr, s, t, 0, id.src != id.key);
        ps->prev = s;
        ps->prev_pid = r->pid;
        ps->prev_vpn = vpn;
        ps->prev_ok = (id.prot & (WL_PROT_R | WL_PROT_X)) | (id.stable ? id.prot & WL_PROT_W : 0);
    }
    ps->t = t;
    return 0;
nomem:
    ps->t = t;
    sim_err_set(err, SIM_ESYS, "next-use table: out of memory");
    return -1;
}

/* A buffered read or write: each page of its range is one page reference, in order, to the
 * file's page-cache page (sim/fileio.c numbers them the same way). 0, or -1 with err. */
static int nu_pass_io(nu_pass_t *ps, const wl_rec_t *r, sim_err_t *err)
{
    uint64_t lo, hi;
    pgid_io_range(ps->g, r, &lo, &hi);
    ps->prev = NULL;
    for (uint64_t i = lo; i < hi; i++, ps->t++) {
        if (ps->t == ps->arr.cap && arr_resize(&ps->arr, ps->arr.cap * 2, err) < 0)
            return -1;
        ps->arr.a[ps->t] = 0;
        uint64_t *s = nu_last(ps, pgid_io_key(ps->g, r, i));
        if (!s)
            return sim_err_set(err, SIM_ESYS, "next-use table: out of memory");
        link_use(ps->nu, &ps->arr, s, ps->t, 0, 0);
    }
    return 0;
}

/* Memory-level parallelism: a reference costs three dependent cache misses on a large
 * footprint (its page's slot in pgid's address-space map, its last use in the dense array,
 * the previous use's table entry it writes), so each is prefetched some records ahead, the
 * next stage's address read from the previous stage's (by then cached) line, as the
 * engine's sched.c does for walks: the slot NU_AHEAD_SLOT records ahead, the last use
 * NU_AHEAD_LAST ahead (the key pgid_peek finds there, and its slot, are kept in rings,
 * ids[] and slots[], so that neither the last stage nor the reference itself looks it up
 * again), the entry NU_AHEAD_ENTRY ahead. Hints only:
 * pgid_peek changes nothing, and a key it gives that the records before change is only a
 * wasted prefetch. The look-ahead runs across batches: a batch's last references (values
 * only, no reader-owned strings) wait at the front of the buffer for the next batch. */
enum { NU_AHEAD_SLOT = 24, NU_AHEAD_LAST = 12, NU_AHEAD_ENTRY = 4, NU_BATCH = 256, NU_KEEP = 32 };

static inline void nu_prefetch(const nu_pass_t *ps, const wl_rec_t *b, int n, int i, unsigned shift,
                               uint64_t *ids, size_t *slots, uint64_t seq)
{
    if (i + NU_AHEAD_SLOT < n && b[i + NU_AHEAD_SLOT].type == WL_REF)
        pgid_prefetch_i(ps->g, b[i + NU_AHEAD_SLOT].pid, b[i + NU_AHEAD_SLOT].addr >> shift);
    if (i + NU_AHEAD_LAST < n) {
        const wl_rec_t *r = &b[i + NU_AHEAD_LAST];
        uint64_t id = 0;
        size_t slot = SIZE_MAX;
        if (r->type == WL_REF) {
            page_key_t k = pgid_peek_slot_i(ps->g, r->pid, r->addr >> shift, &slot);
            id = k & ~PGID_ANON_BIT;
            if (!(k & PGID_ANON_BIT) || id >= ps->ndense)
                id = 0;                       /* (ids start at 1) */
            else
                __builtin_prefetch(&ps->dense[id]);
        }
        ids[(seq + NU_AHEAD_LAST) % NU_KEEP] = id;
        slots[(seq + NU_AHEAD_LAST) % NU_KEEP] = slot;
    }
    uint64_t id = ids[(seq + NU_AHEAD_ENTRY) % NU_KEEP];
    if (i + NU_AHEAD_ENTRY < n && id && id < ps->ndense) {
        uint64_t l = ps->dense[id];
        if (l != VTIME_NEVER && !(l & LAST_COPY)) {
            vtime_t prev = l & ~(LAST_COPY | LAST_DCOPY);
            if (prev < ps->arr.cap)
                __builtin_prefetch(&ps->arr.a[prev], 1);
        }
    }
}

/* The whole pass: 0, or -1 with err (kind SIM_EINPUT when the trace was at fault). */
static int nu_pass_run(nu_pass_t *ps, wl_t *wl, unsigned page_shift, sim_err_t *err)
{
    wl_rec_t batch[NU_KEEP + NU_BATCH];
    uint64_t ids[NU_KEEP] = {0};          /* by record number mod NU_KEEP: the peeked key's id */
    size_t slots[NU_KEEP];                /* ... and its slot in pgid's map (a hint, any value) */
    memset(slots, 0xff, sizeof slots);
    uint64_t seq = 0;                     /* the record number of batch[0] */
    int have = 0, rc = 1;                 /* batch[0..have): kept from the last fill */
    progress_pass(wl->progress, "next-use pass", "refs", wl_progress_pos, wl, 0, NULL, NULL);
    while (rc > 0 || have) {
        if (rc > 0 && (rc = wl_fill(wl, batch + have, NU_BATCH)) < 0)
            break;
        progress_at(wl->progress, ps->t);
        int n = have + rc, stop = n;
        if (rc > 0)                       /* keep the trailing references for the look-ahead */
            while (stop > 0 && n - stop < NU_AHEAD_SLOT && batch[stop - 1].type == WL_REF)
                stop--;
        for (int i = 0; i < stop; i++) {
            const wl_rec_t *rp = &batch[i];
            nu_prefetch(ps, batch, n, i, page_shift, ids, slots, seq + (uint64_t)i);
            if (rp->type == WL_READ || rp->type == WL_WRITE) {
                if (nu_pass_io(ps, rp, err) < 0)
                    return -1;
            } else if (rp->type != WL_REF) {
                pgid_event(ps->g, rp);
                ps->prev = NULL;
            } else if (nu_pass_ref(ps, rp, page_shift, slots[(seq + (uint64_t)i) % NU_KEEP], err) < 0) {
                return -1;
            }
        }
        have = n - stop;
        memmove(batch, batch + stop, (size_t)have * sizeof *batch);
        seq += (uint64_t)stop;
    }
    progress_end(wl->progress, ps->t);
    if (rc < 0) {
        *err = wl->err;
        return -1;
    }
    if (wl_rewind(wl) < 0)
        return sim_err_set(err, SIM_EINPUT, "OPT needs the future of every reference, but %s", wl->err.msg);
    return 0;
}

nextuse_t *nu_build(wl_t *wl, unsigned page_shift, const pgid_cow_t *cow, sim_err_t *err)
{
    nu_pass_t ps = { .nu = calloc(1, sizeof *ps.nu), .arr = { .fd = -1 },
                     .g = pgid_new(page_shift, cow), .prev_pid = UINT64_MAX };
    nextuse_t *nu = ps.nu;
    if (!nu || !ps.g || map_init(&ps.pages, 1 << 16) < 0) {
        sim_err_set(err, SIM_ESYS, "next-use table: out of memory");
        goto fail;
    }
    u64map_init(&nu->far);
    u64map_init(&nu->src);
    if (nu_arr_open(&ps.arr, err) < 0 || nu_pass_run(&ps, wl, page_shift, err) < 0)
        goto fail;
    free(ps.pages.s);
    free(ps.dense);
    ps.dense = NULL;
    pgid_free(ps.g);
    ps.g = NULL;
    ps.pages.s = NULL;
    /* Trim to the references seen (at least one entry, as a zero-length mapping is invalid)
     * and make the table read-only: the run only looks things up. */
    size_t keep = ps.t ? (size_t)ps.t : 1;
    if (arr_resize(&ps.arr, keep, err) < 0)
        goto fail;
    mprotect(ps.arr.a, keep * sizeof *ps.arr.a, PROT_READ);
    nu->d = ps.arr.a;
    nu->n = ps.t;
    nu->map_bytes = keep * sizeof *ps.arr.a;
    close(ps.arr.fd);                /* the mapping keeps the file alive */
    return nu;
fail:
    free(ps.pages.s);
    free(ps.dense);
    pgid_free(ps.g);
    if (ps.arr.a)
        munmap(ps.arr.a, ps.arr.cap * sizeof *ps.arr.a);
    if (ps.arr.fd >= 0)
        close(ps.arr.fd);
    if (nu) {
        u64map_free(&nu->far);
        u64map_free(&nu->src);
    }
    free(nu);
    if (err->kind == SIM_ESYS)          /* the machine's failure: thrown (xalloc.h) */
        xtrap_raise(err);
    return NULL;
}

vtime_t nu_far(const nextuse_t *nu, vtime_t t)
{
    const uint64_t *v = u64map_find(&nu->far, t);
    return v ? *v : VTIME_NEVER;
}

vtime_t nu_get_src(const nextuse_t *nu, vtime_t t)
{
    if (t >= nu->n)
        return VTIME_NEVER;
    if (!(nu->d[t] & D_COPY))
        return nu_get(nu, t);
    const uint64_t *v = u64map_find(&nu->src, t);
    return v ? *v : VTIME_NEVER;
}

vtime_t nu_count(const nextuse_t *nu) { return nu->n; }

size_t nu_bytes(const nextuse_t *nu)
{
    return nu->map_bytes + (nu->far.mask + 1 + nu->src.mask + 1) * sizeof(u64map_slot_t);
}

void nu_free(nextuse_t *nu)
{
    if (!nu)
        return;
    if (nu->d)
        munmap((void *)nu->d, nu->map_bytes);
    u64map_free(&nu->far);
    u64map_free(&nu->src);
    free(nu);
}
