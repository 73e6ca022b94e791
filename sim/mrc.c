/* mrc.c - miss-ratio curves in one pass (see mrc.h).
 *
 * Stack algorithms (Mattson, Gecsei, Slutz, Traiger, "Evaluation techniques for storage
 * hierarchies", IBM Systems Journal 9(2):78-117, 1970) have the inclusion property: the
 * pages held in F frames are always a subset of those held in F+1. So one ordering of all
 * pages, the "stack", describes every memory size at once, and a reference hits in F frames
 * exactly when its page sits at depth <= F. One pass recording each reference's depth (its
 * stack distance) gives the fault count at every size: faults(F) = cold misses + references
 * with distance > F.
 *
 * LRU. The LRU stack is recency order, so the distance of a reference is 1 + the number of
 * distinct pages touched since the previous reference to the same page. Scanning a list for
 * it costs O(distance); instead, as in Bennett & Kruskal ("LRU stack processing", IBM J. R&D
 * 19(4), 1975) and Almasi, Cascaval & Padua ("Calculating stack distances efficiently",
 * MSP 2002), we mark each page's latest access time in a Fenwick tree over time positions:
 * the distance is the count of marks after the page's last position, plus one. Per reference:
 * one hash lookup, one prefix query and two point updates, O(log P). Positions would grow
 * with the trace, so when they run out we renumber: the live marks (one per distinct page)
 * are packed into 0..P-1 in order and the tree is rebuilt in linear time; the position space
 * is kept at least twice the distinct-page count, so renumbering costs O(1) amortized per
 * reference and memory is O(distinct pages), never O(trace length): 64 to 128 bytes per
 * page in the hash table (32-byte slots holding key, last position and count, load 1/4 to
 * 1/2), 8 to 16 in the tree and its renumbering scratch, 8 in the distance histogram.
 *
 * SHARDS (Waldspurger, Park, Garthwaite, Ahmad, "Efficient MRC construction with SHARDS",
 * FAST'15), fixed-rate variant: a page is tracked only if hash(pid, vpn) mod 2^24 < T, so
 * a sampled page is sampled on every reference (spatial sampling) and the stack distance
 * among sampled pages, divided by the rate R = T/2^24, estimates the true distance. A
 * reference of distance d (sampled space) misses in F frames when d/R > F. SHARDS_adj
 * (section 4.2 of the paper) adds the difference between the expected sample count R*N and
 * the actual one to the first histogram bucket, which removes most of the bias from hot
 * pages being over- or under-represented; with it the miss ratio at F (for F*R >= 1) is
 * (sampled misses) / (R*N). Memory and time scale with R.
 *
 * OPT. Belady's MIN is a stack algorithm too, with the priority "next use sooner"
 * (Mattson et al. 1970, section on priority algorithms and the OPT stack). The update on a
 * reference to x at depth d: x goes on top; the old top is carried down; at each depth
 * 2..d-1, the carried page and the page there are compared and the one used sooner stays,
 * the other is carried on; at depth d the carried page takes x's old place (if x was not in
 * the stack, the carried page goes to the bottom and the stack grows). Relative priorities
 * of pages not referenced never change, which is why this works (Mattson's theorem). The
 * stack holds only next-use times: the page referenced at time t is the one whose recorded
 * next use is t, so no identities are needed. Cost O(d) per reference, O(N * distinct) in
 * the worst case; with a frame list the stack is cut at its largest size M, which leaves
 * depths 1..M exact and bounds the cost at O(min(d, M)). Faster exist (Bilardi, Ekanadham,
 * Pattnaik, "Optimal on-line computation of stack distances for MIN and OPT", CF 2017,
 * O(log V) per access) but are much more intricate; this one is a tight array scan.
 */
#include "mrc.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "sim.h"
#include "spec.h"
#include "../workloads/wl.h"
#include "../workloads/pgid.h"

/* ------------------------------------------------------------------ helpers */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    assert(q && "out of memory");
    return q;
}

/* MurmurHash3's 64-bit finalizer: a bijection with full avalanche. */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline uint64_t key_hash(uint64_t space, vpn_t vpn)
{
    return mix64(vpn ^ mix64(space * 2 + 1));
}

/* (space, vpn) -> a slot holding that page's LRU data: open addressing with linear probing,
 * load <= 1/2, 32-byte slots so a lookup touches one cache line and the page's last
 * position and count come with it (one cache miss per reference, not three). */
typedef struct kslot {
    uint64_t vpn, space;
    uint32_t used;        /* 0: empty */
    uint32_t last;        /* LRU: position of the page's latest access */
    uint64_t cnt;         /* LRU: references to the page (for the sampling error) */
} kslot_t;
typedef struct keytab { kslot_t *s; uint64_t mask; uint32_t n; } keytab_t;

static void keytab_init(keytab_t *k)
{
    k->mask = 1023;
    k->s = calloc(k->mask + 1, sizeof *k->s);
    assert(k->s);
    k->n = 0;
}

static void keytab_free(keytab_t *k) { free(k->s); k->s = NULL; }

static void keytab_grow(keytab_t *k)
{
    uint64_t omask = k->mask;
    kslot_t *old = k->s;
    k->mask = omask * 2 + 1;
    k->s = calloc(k->mask + 1, sizeof *k->s);
    assert(k->s);
    for (uint64_t i = 0; i <= omask; i++) {
        if (!old[i].used)
            continue;
        uint64_t j = key_hash(old[i].space, old[i].vpn) & k->mask;
        while (k->s[j].used)
            j = (j + 1) & k->mask;
        k->s[j] = old[i];
    }
    free(old);
}

/* The slot of (space, vpn) given its hash h, added (zeroed but for the key) if new, which
 * *fresh tells. Valid until the next call. */
static inline kslot_t *keytab_get(keytab_t *k, uint64_t h, uint64_t space, vpn_t vpn, int *fresh)
{
    if ((uint64_t)(k->n + 1) * 2 > k->mask)
        keytab_grow(k);
    uint64_t j = h & k->mask;
    for (;;) {
        kslot_t *s = &k->s[j];
        if (!s->used)
            break;
        if (s->vpn == vpn && s->space == space) {
            *fresh = 0;
            return s;
        }
        j = (j + 1) & k->mask;
    }
    assert(k->n < UINT32_MAX - 1);
    k->n++;
    k->s[j] = (kslot_t){ .vpn = vpn, .space = space, .used = 1 };
    *fresh = 1;
    return &k->s[j];
}

/* ------------------------------------------------------------------ LRU */

#define SAMPLE_BITS 24
#define SAMPLE_ONE  (1u << SAMPLE_BITS)
#define POS_NONE    UINT32_MAX
#define POS_MIN     1024u

struct mrc_lru {
    keytab_t keys;        /* live pages == keys.n: one mark each in the tree */
    uint32_t *fen;        /* Fenwick tree over positions, 1-based, cap entries */
    uint32_t *scratch;    /* cap entries, used only while renumbering */
    uint32_t cap;         /* positions */
    uint32_t now;         /* next free position */
    uint64_t *hist;       /* hist[d]: references at distance d (sampled space), d >= 1 */
    size_t hist_cap;
    uint64_t refs, samples;
    uint32_t thresh;      /* sample when the hash's top 24 bits are below it */
};

mrc_lru_t *mrc_lru_new(double rate)
{
    assert(rate > 0 && rate <= 1);
    mrc_lru_t *m = calloc(1, sizeof *m);
    assert(m);
    keytab_init(&m->keys);
    double t = rate * SAMPLE_ONE;
    m->thresh = t >= SAMPLE_ONE ? SAMPLE_ONE : t < 1 ? 1 : (uint32_t)llround(t);
    m->cap = POS_MIN;
    m->fen = calloc(m->cap + 1, sizeof *m->fen);
    m->scratch = xrealloc(NULL, m->cap * sizeof *m->scratch);
    m->hist_cap = POS_MIN;
    m->hist = calloc(m->hist_cap, sizeof *m->hist);
    assert(m->fen && m->hist);
    return m;
}

void mrc_lru_free(mrc_lru_t *m)
{
    if (!m)
        return;
    keytab_free(&m->keys);
    free(m->fen);
    free(m->scratch);
    free(m->hist);
    free(m);
}

static inline void fen_add(uint32_t *fen, uint32_t cap, uint32_t pos, int32_t delta)
{
    for (uint32_t j = pos + 1; j <= cap; j += j & -j)
        fen[j] += (uint32_t)delta;
}

/* Marks at positions 0..pos. */
static inline uint32_t fen_prefix(const uint32_t *fen, uint32_t pos)
{
    uint32_t s = 0;
    for (uint32_t j = pos + 1; j; j -= j & -j)
        s += fen[j];
    return s;
}

/* Packs the live positions into 0..live-1 (order kept), growing the position space when
 * more than half of it would be live, and rebuilds the tree: O(cap + table) per call, at
 * least cap/2 references apart. The slots are found through scratch (position -> slot),
 * filled here only, so the hot path keeps no reverse map. */
static void lru_renumber(mrc_lru_t *m)
{
    keytab_t *k = &m->keys;
    for (uint32_t p = 0; p < m->now; p++)
        m->scratch[p] = POS_NONE;
    assert(k->mask < POS_NONE);
    for (uint64_t j = 0; j <= k->mask; j++)
        if (k->s[j].used)
            m->scratch[k->s[j].last] = (uint32_t)j;
    uint32_t q = 0;
    for (uint32_t p = 0; p < m->now; p++)
        if (m->scratch[p] != POS_NONE)
            k->s[m->scratch[p]].last = q++;
    assert(q == k->n);
    if ((uint64_t)q * 2 > m->cap) {
        assert(m->cap <= UINT32_MAX / 4);
        m->cap *= 2;
        m->fen = xrealloc(m->fen, ((size_t)m->cap + 1) * sizeof *m->fen);
        m->scratch = xrealloc(m->scratch, (size_t)m->cap * sizeof *m->scratch);
    }
    memset(m->fen, 0, ((size_t)m->cap + 1) * sizeof *m->fen);
    for (uint32_t i = 1; i <= m->cap; i++) {
        if (i <= q)
            m->fen[i] += 1;
        uint32_t j = i + (i & -i);
        if (j <= m->cap)
            m->fen[j] += m->fen[i];
    }
    m->now = q;
}

void mrc_lru_ref(mrc_lru_t *m, uint64_t space, vpn_t vpn)
{
    m->refs++;
    uint64_t h = key_hash(space, vpn);
    if ((h >> (64 - SAMPLE_BITS)) >= m->thresh)
        return;
    m->samples++;
    if (m->now == m->cap)
        lru_renumber(m);
    int fresh;
    kslot_t *s = keytab_get(&m->keys, h, space, vpn, &fresh);
    uint32_t t = m->now++;
    if (fresh) {
        if (m->keys.n >= m->hist_cap) {
            size_t old = m->hist_cap;
            m->hist_cap *= 2;
            m->hist = xrealloc(m->hist, m->hist_cap * sizeof *m->hist);
            memset(m->hist + old, 0, (m->hist_cap - old) * sizeof *m->hist);
        }
    } else {
        uint32_t p = s->last;
        /* live marks after p, plus the page itself; live == keys.n */
        uint32_t d = m->keys.n - fen_prefix(m->fen, p) + 1;
        m->hist[d]++;
        fen_add(m->fen, m->cap, p, -1);
    }
    s->cnt++;
    s->last = t;
    fen_add(m->fen, m->cap, t, 1);
}

static int lru_exact(const mrc_lru_t *m) { return m->thresh == SAMPLE_ONE; }
double mrc_lru_rate(const mrc_lru_t *m) { return (double)m->thresh / SAMPLE_ONE; }
uint64_t mrc_lru_refs(const mrc_lru_t *m) { return m->refs; }
uint64_t mrc_lru_samples(const mrc_lru_t *m) { return m->samples; }
uint64_t mrc_lru_pages(const mrc_lru_t *m) { return m->keys.n; }

double mrc_lru_stderr(const mrc_lru_t *m)
{
    if (lru_exact(m) || !m->refs)
        return 0;
    double r = mrc_lru_rate(m), sq = 0;
    for (uint64_t j = 0; j <= m->keys.mask; j++)
        if (m->keys.s[j].used)
            sq += (double)m->keys.s[j].cnt * (double)m->keys.s[j].cnt;
    return sqrt((1 - r) * sq) / (r * (double)m->refs);
}

/* Sampled references that hit in `frames` frames: distance d with d / R <= frames. */
static uint64_t lru_hits_upto(const mrc_lru_t *m, uint64_t frames)
{
    uint64_t k = frames;
    if (m->thresh < SAMPLE_ONE) {
        if (frames >= (UINT64_MAX >> SAMPLE_BITS))
            k = UINT64_MAX;
        else
            k = (frames * m->thresh) >> SAMPLE_BITS;
    }
    uint64_t hits = 0, top = m->keys.n;   /* no distance exceeds the live count */
    if (k > top)
        k = top;
    for (uint64_t d = 1; d <= k; d++)
        hits += m->hist[d];
    return hits;
}


/* misses in the sampled space and the SHARDS_adj miss ratio from them (see the essay) */
static double lru_mr_from_hits(const mrc_lru_t *m, uint64_t frames, uint64_t hits)
{
    if (!m->refs)
        return 0;
    if (lru_exact(m))
        return (double)(m->refs - hits) / (double)m->refs;
    if (frames < SAMPLE_ONE && ((frames * m->thresh) >> SAMPLE_BITS) == 0)
        return 1;   /* smaller than one sampled page: everything misses */
    double expected = (double)m->refs * mrc_lru_rate(m);
    double mr = (double)(m->samples - hits) / expected;
    return mr < 0 ? 0 : mr > 1 ? 1 : mr;
}

double mrc_lru_miss_ratio(const mrc_lru_t *m, uint64_t frames)
{
    return lru_mr_from_hits(m, frames, lru_hits_upto(m, frames));
}

uint64_t mrc_lru_faults(const mrc_lru_t *m, uint64_t frames)
{
    uint64_t hits = lru_hits_upto(m, frames);
    if (lru_exact(m))
        return m->refs - hits;
    return (uint64_t)llround(lru_mr_from_hits(m, frames, hits) * (double)m->refs);
}

/* ------------------------------------------------------------------ OPT */

struct mrc_opt {
    uint64_t *st;         /* the stack: next-use time of the page at each depth - 1 */
    size_t len, cap;
    uint64_t max;         /* 0: unbounded */
    uint64_t *hist;       /* hist[d], 1 <= d <= len */
    size_t hist_cap;
    uint64_t refs;
};

mrc_opt_t *mrc_opt_new(uint64_t max_frames)
{
    mrc_opt_t *m = calloc(1, sizeof *m);
    assert(m);
    m->max = max_frames;
    m->cap = max_frames && max_frames < 1024 ? max_frames : 1024;
    m->st = xrealloc(NULL, m->cap * sizeof *m->st);
    m->hist_cap = m->cap + 1;
    m->hist = calloc(m->hist_cap, sizeof *m->hist);
    assert(m->hist);
    return m;
}

void mrc_opt_free(mrc_opt_t *m)
{
    if (!m)
        return;
    free(m->st);
    free(m->hist);
    free(m);
}

#define MIN64(a, b) ((a) < (b) ? (a) : (b))
#define MAX64(a, b) ((a) < (b) ? (b) : (a))

/* The update is a running maximum: the carried value after depth i is the max of the old
 * top and depths 2..i, and depth i keeps min(carried, old value): branch-free, about two
 * cycles per entry (unrolling into blocks that shorten the max chain measured no faster).
 * Once the carried page is one never used again, nothing below changes but the referenced
 * page's slot, so the rest is a plain search. */
void mrc_opt_ref(mrc_opt_t *m, vtime_t t, vtime_t next)
{
    m->refs++;
    uint64_t *st = m->st;
    size_t len = m->len, i = 1;
    uint64_t c = next;                 /* the referenced page goes on top */
    if (len) {
        c = st[0];                     /* the old top is carried down */
        st[0] = next;
        if (c == t) {
            m->hist[1]++;
            return;
        }
        for (; i < len; i++) {
            uint64_t v = st[i];
            if (v == t) {              /* found the page at depth i + 1: the carried one
                                          takes its place */
                st[i] = c;
                m->hist[i + 1]++;
                return;
            }
            if (c == VTIME_NEVER)
                continue;              /* the plain search */
            /* the page used sooner stays at this depth, the other is carried down */
            st[i] = MIN64(c, v);
            c = MAX64(c, v);
        }
    }
    /* not in the (possibly truncated) stack: a miss at every tracked size */
    if (m->max && len == m->max)
        return;                        /* c falls below the largest tracked size */
    if (len == m->cap) {
        m->cap *= 2;
        if (m->max && m->cap > m->max)
            m->cap = m->max;
        m->st = xrealloc(m->st, m->cap * sizeof *m->st);
        size_t old = m->hist_cap;
        m->hist_cap = m->cap + 1;
        m->hist = xrealloc(m->hist, m->hist_cap * sizeof *m->hist);
        memset(m->hist + old, 0, (m->hist_cap - old) * sizeof *m->hist);
    }
    m->st[m->len++] = c;
}

uint64_t mrc_opt_refs(const mrc_opt_t *m) { return m->refs; }

uint64_t mrc_opt_faults(const mrc_opt_t *m, uint64_t frames)
{
    assert(!m->max || frames <= m->max);
    uint64_t hits = 0, k = frames < m->len ? frames : m->len;
    for (uint64_t d = 1; d <= k; d++)
        hits += m->hist[d];
    return m->refs - hits;
}

/* ------------------------------------------------------------------ frame lists */

static int parse_u64(const char *s, const char *end, uint64_t *out)
{
    uint64_t v = 0;
    if (s == end)
        return -1;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

#define FRAMES_MAX_LIST 10000000u

int mrc_parse_frames(const char *s, uint64_t **out, size_t *n, char *err)
{
    uint64_t *v = NULL;
    size_t len = 0, cap = 0;
    *out = NULL;
    *n = 0;
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, ',');
        if (!e)
            e = p + strlen(p);
        const char *c1 = memchr(p, ':', (size_t)(e - p));
        uint64_t a, b, step = 1;
        int bad;
        if (!c1) {
            bad = parse_u64(p, e, &a);
            b = a;
        } else {
            const char *c2 = memchr(c1 + 1, ':', (size_t)(e - c1 - 1));
            bad = parse_u64(p, c1, &a) || parse_u64(c1 + 1, c2 ? c2 : e, &b) ||
                  (c2 && parse_u64(c2 + 1, e, &step));
            if (!bad && (step == 0 || b < a))
                bad = 1;
        }
        if (bad || a == 0) {
            snprintf(err, MRC_ERR_LEN, "bad frame list '%s' at '%.*s': expected frame counts "
                     ">= 1 as A,B,C or ranges A:B:STEP (A <= B, STEP >= 1)", s, (int)(e - p), p);
            free(v);
            return -1;
        }
        for (uint64_t x = a;; x += step) {
            if (len == FRAMES_MAX_LIST) {
                snprintf(err, MRC_ERR_LEN, "frame list '%s' has more than %u sizes", s,
                         FRAMES_MAX_LIST);
                free(v);
                return -1;
            }
            if (len == cap) {
                cap = cap ? cap * 2 : 16;
                v = xrealloc(v, cap * sizeof *v);
            }
            v[len++] = x;
            if (b - x < step)
                break;
        }
        if (!*e)
            break;
        p = e + 1;
    }
    qsort(v, len, sizeof *v, cmp_u64);
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (!w || v[w - 1] != v[i])
            v[w++] = v[i];
    *out = v;
    *n = w;
    return 0;
}

/* ------------------------------------------------------------------ workloads */

static uint64_t *default_frames(uint64_t pages, size_t *n)
{
    uint64_t *v = xrealloc(NULL, 66 * sizeof *v);
    size_t k = 0;
    for (uint64_t f = 1; f < pages; f *= 2)
        v[k++] = f;
    if (pages)
        v[k++] = pages;
    *n = k;
    return v;
}

static json_t *curve_point(uint64_t frames, uint64_t faults, double mr)
{
    return json_pack("{sI sI sf}", "frames", (json_int_t)frames, "faults", (json_int_t)faults,
                     "miss_ratio", mr);
}

json_t *mrc_compute(const mrc_opts_t *o, const char *trace, char *err)
{
    int opt;
    if (!o->policy || !strcmp(o->policy, "lru"))
        opt = 0;
    else if (!strcmp(o->policy, "opt"))
        opt = 1;
    else {
        snprintf(err, MRC_ERR_LEN, "unknown policy '%s' for mrc: lru or opt", o->policy);
        return NULL;
    }
    uint32_t psize = o->page_size ? o->page_size : 4096;
    if (psize & (psize - 1)) {
        snprintf(err, MRC_ERR_LEN, "page size %" PRIu32 " is not a power of two", psize);
        return NULL;
    }
    unsigned shift = 0;
    while ((1u << shift) != psize)
        shift++;
    double rate = o->sample_rate;
    int sampled = rate > 0 && rate < 1;
    if (!(rate >= 0 && rate <= 1)) {
        snprintf(err, MRC_ERR_LEN, "sampling rate %g is not in (0, 1]", rate);
        return NULL;
    }
    if (sampled && opt) {
        snprintf(err, MRC_ERR_LEN, "sampling (SHARDS) is for -p lru only: OPT is computed exactly");
        return NULL;
    }
    for (size_t i = 0; i < o->nframes; i++)
        assert(o->frames[i] >= 1 && (!i || o->frames[i] > o->frames[i - 1]));

    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    assert(rng);
    gsl_rng_set(rng, o->seed);
    char werr[WL_ERR_LEN];
    wl_t *wl = wl_open(trace, o->format, rng, werr);
    if (!wl) {
        snprintf(err, MRC_ERR_LEN, "%s", werr);
        gsl_rng_free(rng);
        return NULL;
    }

    json_t *doc = NULL;
    nextuse_t *nu = NULL;
    mrc_lru_t *lru = NULL, *exact = NULL;
    mrc_opt_t *om = NULL;
    keytab_t keys = { 0 };
    pgid_t *ids = NULL;
    uint64_t *frames = NULL;
    size_t nframes = 0;
    vtime_t t = 0;

    if (opt) {
        nu = nu_build(wl, shift, NULL, werr);
        if (!nu) {
            snprintf(err, MRC_ERR_LEN, "%s", werr);
            goto out;
        }
        om = mrc_opt_new(o->nframes ? o->frames[o->nframes - 1] : 0);
        keytab_init(&keys);
    } else {
        lru = mrc_lru_new(sampled ? rate : 1.0);
        if (sampled && o->check_exact)
            exact = mrc_lru_new(1.0);
    }

    /* Pages are contents, as the engine and OPT's next-use pass see them (workloads/pgid.h):
     * a file page is one page however many processes map it, fork shares anonymous pages
     * until a write copies them, exec, exit and munmap end pages. A reference the engine
     * skips (segv, protection) is counted but touches no page; one that copies on write
     * touches two, the source it reads and then its copy, as in the engine. */
    ids = pgid_new(shift, NULL);
    if (!ids) {
        snprintf(err, MRC_ERR_LEN, "out of memory");
        goto out;
    }
    wl_rec_t rec;
    int rc;
    while ((rc = wl_next(wl, &rec)) > 0) {
        if (rec.type != WL_REF) {
            pgid_event(ids, &rec);
            continue;
        }
        vpn_t first;
        uint64_t n;
        wl_split(&rec, shift, &first, &n);
        for (uint64_t i = 0; i < n; i++, t++) {
            pgid_ref_t id = pgid_ref(ids, rec.pid, first + i, (ref_kind_t)rec.kind);
            if (!id.key)
                continue;
            for (int k = id.src != id.key ? 0 : 1; k < 2; k++) {
                page_key_t key = k ? id.key : id.src;
                if (opt) {
                    int fresh;
                    keytab_get(&keys, key_hash(key, 0), key, 0, &fresh);
                    mrc_opt_ref(om, t, k ? nu_get(nu, t) : nu_get_src(nu, t));
                } else {
                    mrc_lru_ref(lru, key, 0);
                    if (exact)
                        mrc_lru_ref(exact, key, 0);
                }
            }
        }
    }
    if (rc < 0) {
        snprintf(err, MRC_ERR_LEN, "%s", wl->err);
        goto out;
    }
    if (opt && t != nu_count(nu)) {
        snprintf(err, MRC_ERR_LEN, "%s: the next-use pass counted %" PRIu64 " page references, "
                 "the curve pass %" PRIu64 " (the trace changed?)", trace, nu_count(nu), t);
        goto out;
    }

    uint64_t pages;
    if (opt)
        pages = keys.n;
    else if (!sampled)
        pages = mrc_lru_pages(lru);
    else if (exact)
        pages = mrc_lru_pages(exact);
    else
        pages = (uint64_t)llround((double)mrc_lru_pages(lru) / mrc_lru_rate(lru));

    if (o->nframes) {
        frames = xrealloc(NULL, o->nframes * sizeof *frames);
        memcpy(frames, o->frames, o->nframes * sizeof *frames);
        nframes = o->nframes;
    } else {
        frames = default_frames(pages, &nframes);
    }

    json_t *curve = json_array();
    double err_sum = 0, err_max = 0;
    for (size_t i = 0; i < nframes; i++) {
        uint64_t f = frames[i], faults;
        double mr;
        if (opt) {
            faults = mrc_opt_faults(om, f);
            mr = t ? (double)faults / (double)t : 0;
        } else {
            faults = mrc_lru_faults(lru, f);
            /* exact: per page reference, skipped ones included, as `run` counts */
            mr = sampled ? mrc_lru_miss_ratio(lru, f) : t ? (double)faults / (double)t : 0;
        }
        json_t *pt = curve_point(f, faults, mr);
        if (exact) {
            uint64_t ef = mrc_lru_faults(exact, f);
            double emr = t ? (double)ef / (double)t : 0;
            json_object_set_new(pt, "exact_faults", json_integer((json_int_t)ef));
            json_object_set_new(pt, "exact_miss_ratio", json_real(emr));
            double e = fabs(mr - emr);
            err_sum += e;
            if (e > err_max)
                err_max = e;
        }
        json_array_append_new(curve, pt);
    }

    json_t *samp = json_null();
    if (sampled) {
        double r = mrc_lru_rate(lru);
        double expected = (double)t * r;
        samp = json_pack("{sf sf ss sI sf sf sI sb}",
                         "rate", r, "requested_rate", rate,
                         "method", "SHARDS fixed-rate, spatial hash of (pid, vpn), with "
                                   "SHARDS_adj (Waldspurger et al., FAST'15)",
                         "samples", (json_int_t)mrc_lru_samples(lru),
                         "expected_samples", expected,
                         "adjustment", expected - (double)mrc_lru_samples(lru),
                         "sampled_pages", (json_int_t)mrc_lru_pages(lru),
                         "pages_estimated", !exact);
        json_object_set_new(samp, "miss_ratio_stderr_bound", json_real(mrc_lru_stderr(lru)));
        if (exact)
            json_object_set_new(samp, "error", json_pack("{sf sf ss}",
                "mean_abs_miss_ratio", nframes ? err_sum / (double)nframes : 0.0,
                "max_abs_miss_ratio", err_max,
                "against", "the exact LRU curve computed in the same pass"));
    }

    doc = json_pack("{si ss ss ss sI sI sI so}",
                    "schema", 1, "policy", opt ? "opt" : "lru", "trace", trace,
                    "format", wl->ops->name, "page_size", (json_int_t)psize,
                    "references", (json_int_t)t, "pages", (json_int_t)pages,
                    "sampled", samp);
    if (opt)
        json_object_set_new(doc, "max_frames", o->nframes
                            ? json_integer((json_int_t)o->frames[o->nframes - 1]) : json_null());
    json_object_set_new(doc, "mrc", curve);
    assert(doc);

out:
    free(frames);
    keytab_free(&keys);
    pgid_free(ids);
    mrc_lru_free(lru);
    mrc_lru_free(exact);
    mrc_opt_free(om);
    if (nu)
        nu_free(nu);
    wl_close(wl);
    gsl_rng_free(rng);
    return doc;
}

/* ------------------------------------------------------------------ CLI */

static const char mrc_usage[] =
    "usage: pagesim mrc -p lru|opt [--frames LIST] [--sample RATE [--check-exact]]\n"
    "                   [--format F] [--page-size N] [--seed S] -o FILE TRACE\n"
    "  LIST: A,B,C and ranges A:B:STEP, mixable (default: powers of two and the page count)\n"
    "  --sample RATE: SHARDS spatial sampling of pages at RATE in (0,1] (lru only)\n"
    "  --check-exact: with --sample, also compute the exact curve and report the error\n"
    "  OPT with a frame list is computed up to its largest size; without one, for all sizes.\n"
    "Pages are contents, as `run` sees them (a file page once however many map it; fork shares\n"
    "anonymous pages until a write copies them); faults are misses: compare them with a run's\n"
    "`misses`, not faults.total (which counts minor faults that find the page in memory). The\n"
    "curve equals per-size runs for one process that frees nothing early; it differs when the\n"
    "trace frees memory (exit, munmap, exec), prefetches (readahead), or runs under rr.\n";

/* "--name VALUE" or "--name=VALUE"; advances *i. 1 matched, 0 not this option, -1 missing. */
static int opt_value(int argc, char **argv, int *i, const char *shrt, const char *lng,
                     const char **val)
{
    const char *a = argv[*i];
    if ((shrt && !strcmp(a, shrt)) || !strcmp(a, lng)) {
        if (*i + 1 >= argc)
            return -1;
        *val = argv[++*i];
        return 1;
    }
    size_t n = strlen(lng);
    if (!strncmp(a, lng, n) && a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (shrt && !strncmp(a, shrt, 2) && a[2] && shrt[2] == '\0') {   /* -pVALUE */
        *val = a + 2;
        return 1;
    }
    return 0;
}

int mrc_main(int argc, char **argv)
{
    mrc_opts_t o = { .policy = NULL, .page_size = 4096, .seed = 1 };
    const char *out = NULL, *trace = NULL, *frames_s = NULL;
    char err[MRC_ERR_LEN];
    uint64_t *frames = NULL;
    int ret = 2;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int r;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(mrc_usage, stdout);
            return 0;
        }
        if (!strcmp(a, "--check-exact")) {
            o.check_exact = 1;
            continue;
        }
        if ((r = opt_value(argc, argv, &i, "-p", "--policy", &v))) {
            if (r < 0) goto missing;
            o.policy = v;
        } else if ((r = opt_value(argc, argv, &i, "-f", "--frames", &v))) {
            if (r < 0) goto missing;
            frames_s = v;
        } else if ((r = opt_value(argc, argv, &i, "-o", "--output", &v))) {
            if (r < 0) goto missing;
            out = v;
        } else if ((r = opt_value(argc, argv, &i, NULL, "--sample", &v))) {
            if (r < 0) goto missing;
            char *end;
            errno = 0;
            o.sample_rate = strtod(v, &end);
            if (!*v || *end || errno || !(o.sample_rate > 0 && o.sample_rate <= 1)) {
                fprintf(stderr, "pagesim mrc: --sample '%s': expected a rate in (0, 1]\n", v);
                goto done;
            }
        } else if ((r = opt_value(argc, argv, &i, NULL, "--format", &v))) {
            if (r < 0) goto missing;
            o.format = v;
        } else if ((r = opt_value(argc, argv, &i, NULL, "--page-size", &v))) {
            if (r < 0) goto missing;
            uint64_t ps;
            if (parse_size(v, &ps) || ps == 0 || (ps & (ps - 1)) || ps > (1u << 30)) {
                fprintf(stderr, "pagesim mrc: --page-size '%s': expected a power of two "
                        "number of bytes (e.g. 4096 or 4K), at most 1G\n", v);
                goto done;
            }
            o.page_size = (uint32_t)ps;
        } else if ((r = opt_value(argc, argv, &i, NULL, "--seed", &v))) {
            if (r < 0) goto missing;
            uint64_t s;
            if (parse_u64(v, v + strlen(v), &s)) {
                fprintf(stderr, "pagesim mrc: --seed '%s': expected a non-negative integer\n", v);
                goto done;
            }
            o.seed = (unsigned long)s;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "pagesim mrc: unknown option '%s'\n%s", a, mrc_usage);
            goto done;
        } else if (trace) {
            fprintf(stderr, "pagesim mrc: one trace only (got '%s' and '%s')\n", trace, a);
            goto done;
        } else {
            trace = a;
        }
        continue;
    missing:
        fprintf(stderr, "pagesim mrc: option '%s' needs a value\n%s", a, mrc_usage);
        goto done;
    }
    if (!o.policy || (strcmp(o.policy, "lru") && strcmp(o.policy, "opt"))) {
        fprintf(stderr, o.policy ? "pagesim mrc: unknown policy '%s': mrc supports lru and opt\n"
                                 : "pagesim mrc: -p lru|opt is required%s\n",
                o.policy ? o.policy : "");
        goto done;
    }
    if (!out || !trace) {
        fprintf(stderr, "pagesim mrc: %s is required\n%s", out ? "a TRACE" : "-o FILE", mrc_usage);
        goto done;
    }
    if (o.check_exact && !(o.sample_rate > 0 && o.sample_rate < 1)) {
        fprintf(stderr, "pagesim mrc: --check-exact needs --sample RATE with RATE < 1\n");
        goto done;
    }
    if (o.sample_rate > 0 && o.sample_rate < 1 && !strcmp(o.policy, "opt")) {
        fprintf(stderr, "pagesim mrc: --sample is for -p lru only (OPT is computed exactly)\n");
        goto done;
    }
    if (frames_s) {
        if (mrc_parse_frames(frames_s, &frames, &o.nframes, err)) {
            fprintf(stderr, "pagesim mrc: --frames: %s\n", err);
            goto done;
        }
        o.frames = frames;
    }
    json_t *doc = mrc_compute(&o, trace, err);
    if (!doc) {
        fprintf(stderr, "pagesim mrc: %s\n", err);
        goto done;
    }
    if (json_write_atomic(doc, out, err))   /* like a run's results: temp file, rename */
        fprintf(stderr, "pagesim mrc: %s\n", err);
    else
        ret = 0;
    json_decref(doc);
done:
    free(frames);
    return ret;
}
