/* nextuse.c - the future, computed ahead: for each page reference, when its page is next used.
 *
 * Belady's OPT (Belady 1966; Silberschatz, Operating System Concepts 10th ed., sec. 10.4.3)
 * evicts the page whose next use lies farthest ahead, so it needs, at reference t, the index
 * of the next reference to the same page. We compute it before the run: page references
 * are numbered t = 0, 1, 2, ... in exactly the engine's order (every WL_REF split into pages
 * by wl_split(), the rule the engine uses), each gets the identity of its page's contents
 * from pgid.c (a file page, an anonymous page, its COW copies: never (pid, vpn)), and the
 * next use of reference t is the next reference to the same page. A reference that copies on
 * write uses two pages: the source it read (whose next use after t goes to a small side
 * table, one entry per copy) and the copy it leaves mapped (the main table). References the
 * engine skips (segv, protection) use no page. Each page of a buffered read or write
 * (WL_READ, WL_WRITE) is a page reference too, numbered in the same sequence (the engine
 * counts them as sim_int.h's nu_io says).
 *
 * Two passes over the table (2026-12-04, issue 13). The forward pass, over the trace, gives
 * each reference its page's identity (pgid.c) and writes it into the reference's entry as a
 * compact id (an anonymous page's pgid id, or an id given to other pages at first use): in
 * order, no link yet. The backward pass, over the table alone, from the last entry to the
 * first, keeps each id's last use seen (its next use in trace order) in a flat array and
 * replaces each entry by the distance to it. Linking forward, as before, wrote each
 * reference's distance into the entry of its page's previous use: a third random cache
 * line per reference (the page's key in pgid's map, its last use, that previous entry) on
 * a large footprint. Now the forward pass has one (pgid's slot) and the backward pass one
 * (the last use, a flat array indexed by id, prefetched 16 entries ahead), the table's
 * entries being read and written in order; and the last-use arrays exist only once pgid's
 * state is freed. (Reading the trace backward instead would need the stream reversed,
 * which a compressed trace cannot give cheaply.)
 *
 * The table: 4 bytes per page reference, the distance to the next use in 31 bits (0: never;
 * 2^31 - 1: farther, in a side table) and a bit saying that the reference copied (its
 * source's next use is in the copy table). It lives in an unlinked temporary file ($TMPDIR or
 * /tmp) mapped shared, so it is page cache the kernel can write back under pressure rather
 * than heap, and vanishes with the process; the file's blocks are reserved (posix_fallocate)
 * as it grows, so a full file system is a clear error before the run, never a SIGBUS in it.
 * In the forward pass, pgid's state, and for pages other than pgid's anonymous ones a hash
 * table of 16-byte slots at most half full (32 to 64 bytes per page) giving their ids; runs
 * of references to the same page skip the lookup altogether. In the backward pass, 8 bytes
 * per page. Measured: see README (Performance).
 *
 * History of the forward-linking pass, for the figures: three dependent cache misses per
 * reference, each prefetched some records ahead (nu_prefetch), took the large-footprint
 * workload (10^7 references, Zipf 0.9 over 10^6 pages) from 7.3-8.4 to 12-13 M refs/s;
 * inside a long run of pages (a block trace's sequential runs) pgid's slots are prefetched
 * two groups of 8 pages ahead: P12's pass went from 10.7-10.8 to 16-17.7 M refs/s. The
 * look-ahead across batches, the peeked slot kept for the reference, pgid's inline hot
 * calls (pgid_priv.h): from 10.7-12.7 to 16.1-16.7 M refs/s (callgrind: per reference about
 * 110 instructions decoding the binary trace, 130 in pgid, 170 here). Transparent huge
 * pages for the tables were tried and dropped: on a machine whose memory is mostly
 * untouched (a fresh VM) each 2 MiB page cost its first toucher a zeroing at 0.45 GB/s.
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

/* The slot for k, inserted with v = 0 if new; NULL when out of memory. */
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
    s->v = 0;
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

/* The two passes' state. The forward pass leaves in each entry of the table the page the
 * reference used, as a compact id (below): 0 no page (the engine skips the reference),
 * else the id, with D_COPY when the reference copied (then the source's id is in srcid).
 * Compact ids: an anonymous key's pgid id itself while it is below CID_FILE (ids are given
 * from 1 in order: nearly every page of a block trace or a program's heap), every other key
 * (file pages, shared anonymous, the rare huge anonymous id) CID_FILE + its order of first
 * use, through the hash table. The backward pass then needs the last use of each id in
 * two flat arrays, indexed, with no hashing. */
#define CID_FILE (1u << 30)
#define CID_MAX  (D_COPY - 1)

typedef struct nu_pass {
    nextuse_t *nu;
    nu_map_t pages;                   /* other keys -> their compact id (nu_cid) */
    uint32_t nfile;                   /* compact ids given to other keys so far */
    uint32_t max_anon;                /* the largest anonymous compact id used */
    u64map_t srcid;                   /* t -> the compact id of the source of a copy made at t */
    nu_arr_t arr;
    pgid_t *g;
    vtime_t t;                        /* page references so far */
    uint32_t prev;                    /* the compact id of the last reference's page (0: none), */
    uint64_t prev_pid;                /* and what the next reference to it may do and stay on it */
    vpn_t prev_vpn;
    unsigned prev_ok;                 /* bit k: a reference of kind k keeps the key */
} nu_pass_t;

/* The compact id of key k (above); 0 when out of memory or out of ids (2^30 file pages). */
static inline uint32_t nu_cid(nu_pass_t *ps, uint64_t k)
{
    uint64_t id = k & ~PGID_ANON_BIT;
    if ((k & PGID_ANON_BIT) && id < CID_FILE) {
        if (id > ps->max_anon)
            ps->max_anon = (uint32_t)id;
        return (uint32_t)id;
    }
    nu_slot_t *s = map_get(&ps->pages, k);
    if (!s)
        return 0;
    if (!s->v) {
        if (ps->nfile == CID_MAX - CID_FILE)
            return 0;
        s->v = CID_FILE + ps->nfile++;
    }
    return (uint32_t)s->v;
}

/* The table's entry t, ready for the next one (grown by doubling). 0, or -1 with err. */
static inline int nu_slot(nu_pass_t *ps, vtime_t t, sim_err_t *err)
{
    return t == ps->arr.cap ? arr_resize(&ps->arr, ps->arr.cap * 2, err) : 0;
}

/* One reference record (each of its pages): each entry gets its page's compact id. 0, or
 * -1 with err (out of memory). What the next reference may do and stay on the page is the
 * area's protection bits themselves (WL_PROT_R, _W, _X are bits 0, 1, 2 as REF_READ,
 * _WRITE, _IFETCH are 0, 1, 2), write only if it would not copy. hint: where the
 * look-ahead's peek found the first page's slot (pgid_ref_fast). */
static int nu_pass_ref(nu_pass_t *ps, const wl_rec_t *r, unsigned page_shift, size_t hint, sim_err_t *err)
{
    _Static_assert(WL_PROT_R == 1 << REF_READ && WL_PROT_W == 1 << REF_WRITE && WL_PROT_X == 1 << REF_IFETCH,
                   "prev_ok is the protection bits");
    vpn_t vpn;
    uint64_t n;
    wl_split(r, page_shift, &vpn, &n);
    vtime_t t = ps->t;
    for (uint64_t i = 0; i < n; i++, vpn++, t++) {
        if (n - i > 16 && !(vpn & 7))        /* a long run: pgid's slots two groups of 8 ahead */
            pgid_prefetch_i(ps->g, r->pid, vpn + 16);
        if (nu_slot(ps, t, err) < 0)
            goto fail;
        /* Runs of references to one page skip the lookup when the reference can only find
         * the same page again: its area allows the kind, and a write would not copy. */
        if (ps->prev && ps->prev_pid == r->pid && ps->prev_vpn == vpn && (ps->prev_ok >> r->kind & 1)) {
            ps->arr.a[t] = ps->prev;
            continue;
        }
        pgid_ref_t id;
        if (!pgid_ref_fast(ps->g, r->pid, vpn, (ref_kind_t)r->kind, i ? SIZE_MAX : hint, &id))
            id = pgid_ref(ps->g, r->pid, vpn, (ref_kind_t)r->kind);
        if (!id.key) {
            ps->arr.a[t] = 0;                          /* skipped by the engine: no page */
            ps->prev = 0;
            continue;
        }
        uint32_t c = nu_cid(ps, id.key);
        if (!c)
            goto nomem;
        ps->arr.a[t] = c;
        if (id.src != id.key) {
            uint32_t sc = nu_cid(ps, id.src);
            if (!sc)
                goto nomem;
            u64map_put(&ps->srcid, t, sc);
            ps->arr.a[t] = c | D_COPY;
            ps->nu->n_copies++;
        }
        ps->prev = c;
        ps->prev_pid = r->pid;
        ps->prev_vpn = vpn;
        ps->prev_ok = (id.prot & (WL_PROT_R | WL_PROT_X)) | (id.stable ? id.prot & WL_PROT_W : 0);
    }
    ps->t = t;
    return 0;
nomem:
    sim_err_set(err, SIM_ESYS, "next-use table: out of memory (or more than 2^30 distinct file pages)");
fail:
    ps->t = t;
    return -1;
}

/* A buffered read or write: each page of its range is one page reference, in order, to the
 * file's page-cache page (sim/fileio.c numbers them the same way). 0, or -1 with err. */
static int nu_pass_io(nu_pass_t *ps, const wl_rec_t *r, sim_err_t *err)
{
    uint64_t lo, hi;
    pgid_io_range(ps->g, r, &lo, &hi);
    ps->prev = 0;
    for (uint64_t i = lo; i < hi; i++, ps->t++) {
        if (nu_slot(ps, ps->t, err) < 0)
            return -1;
        uint32_t c = nu_cid(ps, pgid_io_key(ps->g, r, i));
        if (!c)
            return sim_err_set(err, SIM_ESYS, "next-use table: out of memory (or more than 2^30 distinct file pages)");
        ps->arr.a[ps->t] = c;
    }
    return 0;
}

/* Memory-level parallelism: the forward pass's one cache miss per reference on a large
 * footprint is its page's slot in pgid's address-space map, so the slot is prefetched
 * NU_AHEAD_SLOT records ahead, and NU_AHEAD_PEEK ahead (by then in the cache) pgid_peek
 * finds where the page's entry sits, kept in a ring (slots[]) so that the reference itself
 * does not hash and probe again. Hints only: pgid_peek changes nothing, and a slot that the
 * records before change is only a wasted hint. The look-ahead runs across batches: a
 * batch's last references (values only, no reader-owned strings) wait at the front of the
 * buffer for the next batch. */
enum { NU_AHEAD_SLOT = 24, NU_AHEAD_PEEK = 12, NU_BATCH = 256, NU_KEEP = 32 };

static inline void nu_prefetch(const nu_pass_t *ps, const wl_rec_t *b, int n, int i, unsigned shift,
                               size_t *slots, uint64_t seq)
{
    if (i + NU_AHEAD_SLOT < n && b[i + NU_AHEAD_SLOT].type == WL_REF)
        pgid_prefetch_i(ps->g, b[i + NU_AHEAD_SLOT].pid, b[i + NU_AHEAD_SLOT].addr >> shift);
    if (i + NU_AHEAD_PEEK < n) {
        const wl_rec_t *r = &b[i + NU_AHEAD_PEEK];
        size_t slot = SIZE_MAX;
        if (r->type == WL_REF)
            pgid_peek_slot_i(ps->g, r->pid, r->addr >> shift, &slot);
        slots[(seq + NU_AHEAD_PEEK) % NU_KEEP] = slot;
    }
}

/* The forward pass: every entry of the table gets its reference's compact id. 0, or -1
 * with err (kind SIM_EINPUT when the trace was at fault). */
static int nu_pass_run(nu_pass_t *ps, wl_t *wl, unsigned page_shift, sim_err_t *err)
{
    wl_rec_t batch[NU_KEEP + NU_BATCH];
    size_t slots[NU_KEEP];                /* by record number mod NU_KEEP: the peeked slot (a hint) */
    memset(slots, 0xff, sizeof slots);
    uint64_t seq = 0;                     /* the record number of batch[0] */
    int have = 0, rc = 1;                 /* batch[0..have): kept from the last fill */
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
            nu_prefetch(ps, batch, n, i, page_shift, slots, seq + (uint64_t)i);
            if (rp->type == WL_READ || rp->type == WL_WRITE) {
                if (nu_pass_io(ps, rp, err) < 0)
                    return -1;
            } else if (rp->type != WL_REF) {
                pgid_event(ps->g, rp);
                ps->prev = 0;
            } else if (nu_pass_ref(ps, rp, page_shift, slots[(seq + (uint64_t)i) % NU_KEEP], err) < 0) {
                return -1;
            }
        }
        have = n - stop;
        memmove(batch, batch + stop, (size_t)have * sizeof *batch);
        seq += (uint64_t)stop;
    }
    if (rc < 0) {
        *err = wl->err;
        return -1;
    }
    return 0;
}

/* The backward pass: from the last reference to the first, each entry's compact id is
 * replaced by the distance to its page's next use, which the last-use arrays (one per id
 * range, VTIME_NEVER at first) hold at that point; a copy's source gets its next use in
 * nu->src the same way. The entries are read and written in order (backward: the hardware
 * prefetchers follow), and the one random line per reference, the page's last use, is
 * prefetched NU_AHEAD_BACK entries ahead. 0, or -1 with err (out of memory). */
enum { NU_AHEAD_BACK = 16 };

static int nu_link_back(nu_pass_t *ps, sim_err_t *err)
{
    nextuse_t *nu = ps->nu;
    uint32_t *a = ps->arr.a;
    size_t nanon = (size_t)ps->max_anon + 1;
    vtime_t *last = malloc((nanon + ps->nfile) * sizeof *last);
    if (!last)
        return sim_err_set(err, SIM_ESYS, "next-use table: out of memory");
    for (size_t i = 0; i < nanon + ps->nfile; i++)
        last[i] = VTIME_NEVER;
    vtime_t *lfile = last + nanon - CID_FILE;  /* by compact id, for ids from CID_FILE */
#define NU_LAST(c) ((c) < CID_FILE ? &last[c] : &lfile[c])
    for (vtime_t t = ps->t; t-- > 0;) {
        if (t >= NU_AHEAD_BACK) {
            uint32_t pc = a[t - NU_AHEAD_BACK] & ~D_COPY;
            if (pc)
                __builtin_prefetch(NU_LAST(pc), 1);
        }
        uint32_t w = a[t], c = w & ~D_COPY;
        if (!c)
            continue;                            /* no page: never used (0) */
        if (w & D_COPY) {
            uint64_t *sc = u64map_find(&ps->srcid, t);
            assert(sc);
            vtime_t *ls = NU_LAST((uint32_t)*sc);
            if (*ls != VTIME_NEVER)
                u64map_put(&nu->src, t, *ls);
            *ls = t;
        }
        vtime_t *l = NU_LAST(c), next = *l;
        *l = t;
        uint32_t d = next == VTIME_NEVER ? 0 : next - t < D_FAR ? (uint32_t)(next - t) : D_FAR;
        if (d == D_FAR)
            u64map_put(&nu->far, t, next);
        a[t] = (w & D_COPY) | d;
    }
#undef NU_LAST
    free(last);
    return 0;
}

nextuse_t *nu_build(wl_t *wl, unsigned page_shift, const pgid_cow_t *cow, sim_err_t *err)
{
    nu_pass_t ps = { .nu = calloc(1, sizeof *ps.nu), .arr = { .fd = -1 },
                     .g = pgid_new(page_shift, cow), .prev_pid = UINT64_MAX };
    nextuse_t *nu = ps.nu;
    u64map_init(&ps.srcid);
    if (!nu || !ps.g || map_init(&ps.pages, 1 << 16) < 0) {
        sim_err_set(err, SIM_ESYS, "next-use table: out of memory");
        goto fail;
    }
    u64map_init(&nu->far);
    u64map_init(&nu->src);
    progress_pass(wl->progress, "next-use pass", "refs", wl_progress_pos, wl, 0, NULL, NULL);
    if (nu_arr_open(&ps.arr, err) < 0 || nu_pass_run(&ps, wl, page_shift, err) < 0)
        goto fail;
    /* The forward pass's state goes before the backward pass takes its arrays. */
    free(ps.pages.s);
    ps.pages.s = NULL;
    pgid_free(ps.g);
    ps.g = NULL;
    int rc = nu_link_back(&ps, err);
    progress_end(wl->progress, ps.t);
    if (rc < 0)
        goto fail;
    if (wl_rewind(wl) < 0) {
        sim_err_set(err, SIM_EINPUT, "OPT needs the future of every reference, but %s", wl->err.msg);
        goto fail;
    }
    u64map_free(&ps.srcid);
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
    u64map_free(&ps.srcid);
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
