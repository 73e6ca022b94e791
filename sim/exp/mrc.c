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
 * one lookup of the page's last position, one prefix query and two point updates, O(log P).
 * The marks are a bitmap over positions (1 bit each) with the Fenwick tree over its 64-bit
 * words (4 bytes per word): the distance is the marks above p in p's word (a popcount) plus
 * all marks minus the tree's prefix through that word. At P12's 3 M pages that is 1 MB of
 * bitmap and 0.5 MB of tree, cache-resident, where a tree over positions took 32 MB and a
 * cache miss per level. Positions would grow with the trace, so when they run out we
 * renumber: the live marks (one per distinct page) are packed into 0..P-1 in order (a page's
 * new position is its mark's rank, read from the bitmap and per-word counts) and the bitmap
 * and tree are rebuilt in linear time; the position space is kept at least twice the
 * distinct-page count, so renumbering costs O(1) amortized per reference and memory is
 * O(distinct pages), never O(trace length). The last positions: for the exact curve,
 * pgid's anonymous pages (keys PGID_ANON_BIT | id, ids dense from 1) in a flat array by id,
 * 4 bytes a page and no hashing; other keys (file pages, sampled curves, the API's callers'
 * own keys) in a hash table of 24-byte slots (key, last position; load 1/4 to 1/2: 48 to 96
 * bytes a page). Plus 0.25 to 0.5 byte per page of bitmap and tree, 8 in the distance
 * histogram. Cache misses per reference: the page's position (one), the histogram bin.
 *
 * SHARDS (Waldspurger, Park, Garthwaite, Ahmad, "Efficient MRC construction with SHARDS",
 * FAST'15). Spatial sampling: a page is tracked only if its key hash (key_hash, the one
 * function that turns the key into a number), taken as a value below P = 2^32, is below a
 * threshold T, so a sampled page is sampled on every reference, and the sampled pages form
 * a uniform random subset at rate R = T/P. Distances are counted as the paper does, as the
 * distinct *other* pages since the page's previous reference (0 for an immediate
 * re-reference); F frames hit iff that is < F. Among sampled pages the distance d
 * estimates R times the true one, so it is rescaled to d/R; each sampled reference weighs
 * 1/R references. (The first version scaled the 1-based distance, so a re-reference with
 * no sampled page in between landed at 1/R and every size below 1/R missed everything.)
 *  - Fixed-rate: T fixed.
 *  - Fixed-size (s_max in the paper): at most max_pages pages are sampled; when a new page
 *    makes it max_pages + 1, T drops to the largest sampled hash value and every page at
 *    or above it is evicted (a max-heap of hash values, a table deletion, a tree mark
 *    removed). The paper rescales the histogram's counts by R_new/R_old at each drop; we
 *    weigh each later reference by 1/R_new instead, the equivalent the paper also gives,
 *    O(1) per drop. The pages left are exactly those below the final T: a rate-R_final
 *    uniform sample, so pages / R_final estimates the distinct pages (mrc_compute).
 *  - SHARDS_adj (the paper's adjustment): the sample's references stand for W = sum of 1/R over them,
 *    expected to be N (all references); the difference N - W is added to the smallest-
 *    distance bucket, which hits at every size. So the miss ratio at F is (weight of
 *    sampled references with scaled distance >= F) / N: the misses are what the sample
 *    saw, the hits absorb its surplus or shortfall of hot pages.
 * Histograms: the exact curve keeps one count per distance. A sampled one keeps the scaled
 * distance floor(d/R) in log-linear bins (single pages below 512, then 256 bins per octave,
 * so a query answers for sizes within 1/256 of F: about 15000 bins at most, a memory
 * bounded whatever the trace), per random group (below).
 *
 * What a sample resolves. A reuse at true distance D has d ~ Binomial(D, R): the scaled
 * distance is on a lattice of step 1/R pages with standard deviation sqrt(D (1-R)/R). So
 * below F = 1/R the curve only tells "no sampled page in between" from "some", which is
 * the curve near 0.7/R, not at F: sizes below ceil(1/R) frames are flagged unresolved
 * (mrc_lru_resolved), and so is every size when fewer than 32 pages are sampled.
 *
 * The error bound at a resolved F (mrc_lru_error_bound) adds three terms:
 *  1. page selection: 3 standard errors from 16 random groups (Wolter, "Introduction to
 *     Variance Estimation", ch. 2): hash bits 24..27 split the sample into 16 disjoint
 *     rate-R/16 samples, each with its own SHARDS_adj estimate; the curve is their mean,
 *     so its variance is estimated by their spread / 16 (mrc_lru_stderr). No per-page
 *     state: 16 histograms instead of one.
 *  2. resolution: the sampled curve's own drop between F - w and F + w, w = 2 binomial
 *     standard deviations at F plus one lattice step 1/R: the references that the
 *     distance noise can carry across F are at most those whose distance lies there.
 *  3. unseen hot pages: a shortfall N - W > 0 means pages hotter than the sample's were
 *     missed, and SHARDS_adj counts their references as hits. They could miss; but if
 *     they were more than 3/R pages the sample would have caught some (it misses all of
 *     them with probability (1-R)^(3/R) < e^-3 = 0.05), and a page misses in F frames at most once per F other references, so
 *     their misses are at most 3/(R F) of all references: min(shortfall / N, 3/(R F)).
 * The bound is conservative near 1/R, where term 2 sees the unresolved region; measured on
 * the bundled sort and pipeline traces, Zipf strings (exponents 0.6, 0.9), a small-hot-set
 * string and a 79M-reference gcc recording, over 8 hash salts and rates 0.5/0.1/0.01 and
 * fixed sizes 64/512/4096, no resolved size was outside it (with term 1 alone, up to 17
 * standard errors out on gcc: the groups share the distance noise that term 2 covers).
 * Memory: the exact pass's per-page costs times R (or max_pages), plus 16 histograms.
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

#include "sim/sim.h"
#include "sim/base/progress.h"
#include "sim/base/spec.h"
#include "sim/base/xalloc.h"
#include "workloads/wl.h"
#include "workloads/pgid.h"

/* ------------------------------------------------------------------ helpers */

/* xrealloc (xalloc.h): out of memory is thrown to the caller's trap (the CLI: exit 1). */
#define mrc_xrealloc(p, n) xrealloc((p), (n), "the miss-ratio curve")

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

/* The page key's hash: the one place the key (address space, vpn) becomes the number that
 * places it in the tables and decides whether SHARDS samples it. */
static inline uint64_t key_hash(uint64_t space, vpn_t vpn)
{
    return mix64(vpn ^ mix64(space * 2 + 1));
}

/* (space, vpn) -> a slot holding that page's LRU data: open addressing with linear probing,
 * load <= 1/2, 24-byte slots so a lookup touches one cache line (rarely two) and the page's
 * last position comes with it. */
typedef struct kslot {
    uint64_t vpn, space;
    uint32_t used;        /* 0: empty */
    uint32_t last;        /* LRU: position of the page's latest access */
} kslot_t;
typedef struct keytab { kslot_t *s; uint64_t mask; uint32_t n; } keytab_t;

static void keytab_init(keytab_t *k)
{
    k->mask = 1023;
    k->s = xcalloc(k->mask + 1, sizeof *k->s, "the MRC's page table");
    k->n = 0;
}

static void keytab_free(keytab_t *k) { free(k->s); k->s = NULL; }

static void keytab_grow(keytab_t *k)
{
    uint64_t omask = k->mask;
    kslot_t *old = k->s;
    k->mask = omask * 2 + 1;
    k->s = xcalloc(k->mask + 1, sizeof *k->s, "the MRC's page table");
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

/* The slot of (space, vpn) given its hash h, or NULL. */
static kslot_t *keytab_find(keytab_t *k, uint64_t h, uint64_t space, vpn_t vpn)
{
    for (uint64_t j = h & k->mask; k->s[j].used; j = (j + 1) & k->mask)
        if (k->s[j].vpn == vpn && k->s[j].space == space)
            return &k->s[j];
    return NULL;
}

/* Removes slot s, moving later entries of its probe run back into the hole (Knuth 6.4,
 * algorithm R) so that lookups need no tombstones. */
static void keytab_del(keytab_t *k, kslot_t *s)
{
    uint64_t i = (uint64_t)(s - k->s), j = i;
    for (;;) {
        j = (j + 1) & k->mask;
        if (!k->s[j].used)
            break;
        uint64_t home = key_hash(k->s[j].space, k->s[j].vpn) & k->mask;
        /* the entry at j may fill the hole at i unless its home lies in (i, j] */
        if (j > i ? (home <= i || home > j) : (home <= i && home > j)) {
            k->s[i] = k->s[j];
            i = j;
        }
    }
    k->s[i] = (kslot_t){ 0 };
    k->n--;
}

/* ------------------------------------------------------------------ LRU */

/* Sampling: a page is kept when the top 32 bits of its key hash are below the threshold T,
 * out of the modulus P = 2^32 (the paper uses P = 2^24; 32 bits give finer thresholds for
 * the fixed-size variant). The random groups of the error estimate (see the essay) are
 * MRC_GROUPS classes of the hash's bits 24..27, independent of the sampling bits. */
#define SAMPLE_BITS 32
#define SAMPLE_ONE  (1ull << SAMPLE_BITS)
#define MRC_GROUPS  16
#define POS_NONE    UINT32_MAX
#define POS_MIN     1024u

/* Sampled curves keep their histogram over the scaled distance D = d/R (in pages) in
 * log-linear bins: exact pages below LIN_BINS, then 256 bins per octave (a bin is at most
 * 1/256 of its distances wide), so the histogram is bounded (about 15000 bins) whatever the
 * trace. The exact curve bins by distance itself. */
#define LIN_BINS 512u
#define SUB_BITS 8u

static inline unsigned msb64(uint64_t v) { return 63u - (unsigned)__builtin_clzll(v); }

static inline uint64_t bin_of(uint64_t v)
{
    if (v < LIN_BINS)
        return v;
    unsigned s = msb64(v) - SUB_BITS;          /* v >> s in [256, 512) */
    return LIN_BINS + (uint64_t)(s - 1) * (1u << SUB_BITS) + ((v >> s) - (1u << SUB_BITS));
}

/* ---- the sample's eviction order (fixed-size SHARDS): a max-heap of hash values ---- */
typedef struct hent { uint64_t h, space; vpn_t vpn; } hent_t;

static void mrc_heap_push(hent_t **hp, size_t *n, size_t *cap, hent_t e)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *hp = mrc_xrealloc(*hp, *cap * sizeof **hp);
    }
    hent_t *h = *hp;
    size_t i = (*n)++;
    while (i && h[(i - 1) / 2].h < e.h) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = e;
}

static hent_t mrc_heap_pop(hent_t *h, size_t *n)
{
    hent_t top = h[0], last = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && h[c + 1].h > h[c].h)
            c++;
        if (h[c].h <= last.h)
            break;
        h[i] = h[c];
        i = c;
    }
    if (*n)
        h[i] = last;
    return top;
}

struct mrc_lru {
    keytab_t keys;        /* pages by key, but for the dense ones */
    uint32_t *dlast;      /* exact curve: the dense keys' positions by id (POS_NONE: not seen) */
    uint64_t dcap, dn;    /* dlast's entries, the dense pages seen */
    uint64_t live;        /* keys.n + dn: one mark each in the bitmap */
    uint64_t *bits;       /* the marks: bit p of word p / 64 set when a page's latest access is p */
    uint32_t *fen;        /* Fenwick tree over the bitmap's words (their mark counts), 1-based */
    uint32_t cap;         /* positions, a power of two >= 1024 */
    uint32_t now;         /* next free position */
    unsigned groups;      /* 1 when exact, else MRC_GROUPS */
    int logbins;          /* sampled: bins over the scaled distance (bin_of) */
    double *hist;         /* hist[b * groups + g]: weight of group g's reuses in bin b */
    double *cum;          /* cum[b * groups + g]: the sum of bins below b (lazy) */
    size_t nbins;         /* bins allocated (hist), cum has nbins + 1 rows */
    int cum_stale;
    double w[MRC_GROUPS]; /* all sampled weight of each group, cold misses included */
    double w_ref;         /* the weight of one sampled reference now: P / T */
    uint64_t refs, samples;
    uint64_t thresh;      /* sample when the hash's top 32 bits are below it */
    uint64_t thresh0;     /* the first threshold (the requested rate) */
    uint64_t max_pages;   /* fixed-size: at most this many sampled pages (0: fixed-rate) */
    hent_t *heap;         /* fixed-size: the sampled pages by hash, largest on top */
    size_t heap_n, heap_cap;
    uint64_t n_lowered, n_evicted;   /* threshold reductions, pages dropped by them */
    int dense_ok;         /* exact: dense keys in dlast (lru_dense) */
};

mrc_lru_t *mrc_lru_new_sized(double rate, uint64_t max_pages)
{
    assert(rate > 0 && rate <= 1);
    mrc_lru_t *m = xcalloc(1, sizeof *m, "the LRU curve");
    keytab_init(&m->keys);
    double t = rate * (double)SAMPLE_ONE;
    m->thresh = t >= (double)SAMPLE_ONE ? SAMPLE_ONE : t < 1 ? 1 : (uint64_t)llround(t);
    m->thresh0 = m->thresh;
    m->max_pages = max_pages;
    m->groups = (m->thresh == SAMPLE_ONE && !max_pages) ? 1 : MRC_GROUPS;
    m->logbins = m->groups > 1;
    m->dense_ok = m->groups == 1;
    m->w_ref = (double)SAMPLE_ONE / (double)m->thresh;
    m->cap = POS_MIN;
    m->bits = xcalloc(m->cap / 64, sizeof *m->bits, "the LRU curve");
    m->fen = xcalloc(m->cap / 64 + 1, sizeof *m->fen, "the LRU curve");
    m->nbins = POS_MIN;
    m->hist = xcalloc(m->nbins * m->groups, sizeof *m->hist, "the LRU curve");
    m->cum_stale = 1;
    return m;
}

mrc_lru_t *mrc_lru_new(double rate) { return mrc_lru_new_sized(rate, 0); }

void mrc_lru_free(mrc_lru_t *m)
{
    if (!m)
        return;
    keytab_free(&m->keys);
    free(m->dlast);
    free(m->bits);
    free(m->fen);
    free(m->hist);
    free(m->cum);
    free(m->heap);
    free(m);
}

static inline void fen_add(uint32_t *fen, uint32_t n, uint32_t i, int32_t delta)
{
    for (uint32_t j = i + 1; j <= n; j += j & -j)
        fen[j] += (uint32_t)delta;
}

/* The sum of entries 0..i. */
static inline uint32_t fen_prefix(const uint32_t *fen, uint32_t i)
{
    uint32_t s = 0;
    for (uint32_t j = i + 1; j; j -= j & -j)
        s += fen[j];
    return s;
}

/* Bits set in a word (portable: the build does not assume the POPCNT instruction). */
static inline uint32_t popc(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (uint32_t)((x * 0x0101010101010101ULL) >> 56);
}

static inline void mark_set(mrc_lru_t *m, uint32_t p)
{
    m->bits[p >> 6] |= 1ULL << (p & 63);
    fen_add(m->fen, m->cap / 64, p >> 6, 1);
}

static inline void mark_clear(mrc_lru_t *m, uint32_t p)
{
    m->bits[p >> 6] &= ~(1ULL << (p & 63));
    fen_add(m->fen, m->cap / 64, p >> 6, -1);
}

/* The marks after position p (p itself marked): the pages touched since. The word's own
 * bits above p, then the words after it: all marks but those of words 0..p/64. */
static inline uint64_t marks_after(const mrc_lru_t *m, uint32_t p)
{
    uint32_t w = p >> 6;
    return popc(m->bits[w] & (~1ULL << (p & 63))) + m->live - fen_prefix(m->fen, w);
}

/* The dense keys: the exact curve keeps the position of pgid's anonymous pages (key
 * PGID_ANON_BIT | id, ids given from 1 in order, vpn 0) in a flat array indexed by id, 4
 * bytes per id and no hashing; every other key goes through the table. */
#define DENSE_MAX (1ULL << 28)
static inline int lru_dense(const mrc_lru_t *m, uint64_t space, vpn_t vpn)
{
    return m->dense_ok && vpn == 0 && (space & PGID_ANON_BIT) && (space & ~PGID_ANON_BIT) < DENSE_MAX;
}

static void dense_grow(mrc_lru_t *m, uint64_t id)
{
    uint64_t n = m->dcap ? m->dcap : 4096;
    while (n <= id)
        n *= 2;
    m->dlast = mrc_xrealloc(m->dlast, n * sizeof *m->dlast);
    for (uint64_t i = m->dcap; i < n; i++)
        m->dlast[i] = POS_NONE;
    m->dcap = n;
}

/* The new position of live position p when the marks are packed in order: the marks
 * before it (pre[w]: the marks in words before w). */
static inline uint32_t packed_pos(const mrc_lru_t *m, const uint32_t *pre, uint32_t p)
{
    uint32_t w = p >> 6;
    return pre[w] + popc(m->bits[w] & ((1ULL << (p & 63)) - 1));
}

/* Packs the live positions into 0..live-1 (order kept), growing the position space when
 * more than half of it would be live, and rebuilds the bitmap and the tree: O(cap / 64 +
 * table + dense ids) per call, at least cap/2 references apart. A page's new position is
 * the rank of its mark, read from the bitmap itself, so no reverse map is kept. */
static void lru_renumber(mrc_lru_t *m)
{
    keytab_t *k = &m->keys;
    uint32_t nw = m->cap / 64;
    uint32_t *pre = mrc_xrealloc(NULL, (size_t)nw * sizeof *pre);
    uint32_t q = 0;
    for (uint32_t w = 0; w < nw; w++) {
        pre[w] = q;
        q += popc(m->bits[w]);
    }
    assert(q == m->live);
    for (uint64_t j = 0; j <= k->mask; j++)
        if (k->s[j].used)
            k->s[j].last = packed_pos(m, pre, k->s[j].last);
    for (uint64_t i = 0; i < m->dcap; i++)
        if (m->dlast[i] != POS_NONE)
            m->dlast[i] = packed_pos(m, pre, m->dlast[i]);
    free(pre);
    if ((uint64_t)q * 2 > m->cap) {
        assert(m->cap <= UINT32_MAX / 4);
        m->cap *= 2;
        m->bits = mrc_xrealloc(m->bits, (size_t)(m->cap / 64) * sizeof *m->bits);
        m->fen = mrc_xrealloc(m->fen, ((size_t)(m->cap / 64) + 1) * sizeof *m->fen);
    }
    nw = m->cap / 64;
    memset(m->bits, 0, (size_t)nw * sizeof *m->bits);
    for (uint32_t w = 0; w < q / 64; w++)
        m->bits[w] = ~0ULL;
    if (q % 64)
        m->bits[q / 64] = (1ULL << (q % 64)) - 1;
    memset(m->fen, 0, ((size_t)nw + 1) * sizeof *m->fen);
    for (uint32_t i = 1; i <= nw; i++) {           /* linear build: entry i covers its range */
        m->fen[i] += popc(m->bits[i - 1]);
        uint32_t j = i + (i & -i);
        if (j <= nw)
            m->fen[j] += m->fen[i];
    }
    m->now = q;
}

static void hist_grow(mrc_lru_t *m, uint64_t bin)
{
    size_t old = m->nbins;
    while (m->nbins <= bin)
        m->nbins *= 2;
    m->hist = mrc_xrealloc(m->hist, m->nbins * m->groups * sizeof *m->hist);
    memset(m->hist + old * m->groups, 0, (m->nbins - old) * m->groups * sizeof *m->hist);
}

/* Fixed-size SHARDS (the paper's section 3.3): the sample holds more than max_pages pages,
 * so the threshold drops to the largest sampled hash value and every page at or above it
 * leaves the sample (its mark leaves the tree, its slot the table). Later references are
 * sampled at the lower rate, each weighing P / T: that is the paper's rescaling of the
 * histogram by R_new / R_old, done on the increments instead of the counts. */
static void lru_lower_threshold(mrc_lru_t *m)
{
    m->thresh = m->heap[0].h >> (64 - SAMPLE_BITS);
    m->w_ref = (double)SAMPLE_ONE / (double)m->thresh;
    m->n_lowered++;
    while (m->heap_n && (m->heap[0].h >> (64 - SAMPLE_BITS)) >= m->thresh) {
        hent_t e = mrc_heap_pop(m->heap, &m->heap_n);
        kslot_t *s = keytab_find(&m->keys, e.h, e.space, e.vpn);
        assert(s);
        mark_clear(m, s->last);
        m->live--;
        keytab_del(&m->keys, s);
        m->n_evicted++;
    }
}

void mrc_lru_ref(mrc_lru_t *m, uint64_t space, vpn_t vpn)
{
    m->refs++;
    uint64_t h = key_hash(space, vpn);
    if ((h >> (64 - SAMPLE_BITS)) >= m->thresh)
        return;
    m->samples++;
    m->cum_stale = 1;
    if (m->now == m->cap)
        lru_renumber(m);
    int fresh;
    uint32_t *last;
    if (lru_dense(m, space, vpn)) {
        uint64_t id = space & ~PGID_ANON_BIT;
        if (id >= m->dcap)
            dense_grow(m, id);
        last = &m->dlast[id];
        fresh = *last == POS_NONE;
        m->dn += (uint64_t)fresh;
    } else {
        last = &keytab_get(&m->keys, h, space, vpn, &fresh)->last;
    }
    m->live += (uint64_t)fresh;
    uint32_t t = m->now++;
    unsigned g = m->groups > 1 ? (unsigned)(h >> 24) & (MRC_GROUPS - 1) : 0;
    double w = m->w_ref;
    m->w[g] += w;                   /* a cold miss adds weight and no reuse */
    if (!fresh) {
        uint32_t p = *last;
        /* the distance: live marks after p (the distinct pages touched since), 0 for an
         * immediate re-reference; hits in F frames when the scaled distance is below F */
        uint64_t d = marks_after(m, p), b = d;
        if (m->logbins)
            b = bin_of((d << SAMPLE_BITS) / m->thresh);   /* floor(d / R) */
        if (b >= m->nbins)
            hist_grow(m, b);
        m->hist[b * m->groups + g] += w;
        mark_clear(m, p);
    }
    *last = t;
    mark_set(m, t);
    if (fresh && m->max_pages) {
        mrc_heap_push(&m->heap, &m->heap_n, &m->heap_cap, (hent_t){ h, space, vpn });
        if (m->keys.n > m->max_pages)
            lru_lower_threshold(m);
    }
}

static int lru_exact(const mrc_lru_t *m) { return m->groups == 1; }
/* Rate 1 (fixed-size before its first eviction): the exact distances, in log bins. */
static int lru_full_rate(const mrc_lru_t *m) { return m->thresh == SAMPLE_ONE; }
double mrc_lru_rate(const mrc_lru_t *m) { return (double)m->thresh / (double)SAMPLE_ONE; }
double mrc_lru_first_rate(const mrc_lru_t *m) { return (double)m->thresh0 / (double)SAMPLE_ONE; }
uint64_t mrc_lru_refs(const mrc_lru_t *m) { return m->refs; }
uint64_t mrc_lru_samples(const mrc_lru_t *m) { return m->samples; }
uint64_t mrc_lru_pages(const mrc_lru_t *m) { return m->live; }
uint64_t mrc_lru_lowered(const mrc_lru_t *m) { return m->n_lowered; }
uint64_t mrc_lru_evicted(const mrc_lru_t *m) { return m->n_evicted; }

double mrc_lru_weight(const mrc_lru_t *m)
{
    double w = 0;
    for (unsigned g = 0; g < m->groups; g++)
        w += m->w[g];
    return w;
}

/* The weight of group g's reuses that hit in `frames` frames (scaled distance < frames). */
static double lru_group_hits(mrc_lru_t *m, uint64_t frames, unsigned g)
{
    if (m->cum_stale) {
        m->cum = mrc_xrealloc(m->cum, (m->nbins + 1) * m->groups * sizeof *m->cum);
        for (unsigned j = 0; j < m->groups; j++)
            m->cum[j] = 0;
        for (size_t b = 0; b < m->nbins; b++)
            for (unsigned j = 0; j < m->groups; j++)
                m->cum[(b + 1) * m->groups + j] = m->cum[b * m->groups + j] +
                                                  m->hist[b * m->groups + j];
        m->cum_stale = 0;
    }
    /* the bins whose distances are all below frames: those up to frames - 1's */
    uint64_t k = frames ? (m->logbins ? bin_of(frames - 1) : frames - 1) + 1 : 0;
    if (k > m->nbins)
        k = m->nbins;
    return m->cum[k * m->groups + g];
}

/* Group g's own SHARDS_adj estimate (a sample at rate R / groups): its misses scaled to all
 * references. With one group, the curve's. */
static double lru_group_mr(mrc_lru_t *m, uint64_t frames, unsigned g)
{
    return (double)m->groups * (m->w[g] - lru_group_hits(m, frames, g)) / (double)m->refs;
}

double mrc_lru_miss_ratio(mrc_lru_t *m, uint64_t frames)
{
    if (!m->refs)
        return 0;
    double miss = 0;
    for (unsigned g = 0; g < m->groups; g++)
        miss += m->w[g] - lru_group_hits(m, frames, g);
    if (lru_exact(m))
        return miss / (double)m->refs;
    /* SHARDS_adj: the shortfall N - W of the sampled weight W is added to the smallest
     * distance's bucket, which hits at every size, so it leaves the misses as they are and
     * only the denominator is N */
    double mr = miss / (double)m->refs;
    return mr < 0 ? 0 : mr > 1 ? 1 : mr;
}

uint64_t mrc_lru_faults(mrc_lru_t *m, uint64_t frames)
{
    if (lru_exact(m))
        return m->refs - (uint64_t)llround(lru_group_hits(m, frames, 0));
    return (uint64_t)llround(mrc_lru_miss_ratio(m, frames) * (double)m->refs);
}

double mrc_lru_stderr(mrc_lru_t *m, uint64_t frames)
{
    if (lru_full_rate(m) || !m->refs)
        return 0;
    double mr = 0, mg[MRC_GROUPS], ss = 0;
    for (unsigned g = 0; g < m->groups; g++)
        mr += (mg[g] = lru_group_mr(m, frames, g));
    mr /= m->groups;
    for (unsigned g = 0; g < m->groups; g++)
        ss += (mg[g] - mr) * (mg[g] - mr);
    return sqrt(ss / (m->groups * (m->groups - 1.0)));
}

/* The error bound (see the essay): BOUND_Z standard errors, the curve's drop across the
 * resolution window of BOUND_W binomial standard deviations plus one lattice step, and the
 * unexplained sample deficit, capped at DEFICIT_PAGES / R heavy pages missing once per F
 * references. Below MIN_PAGES sampled pages no size is resolved. */
#define BOUND_Z        3.0
#define BOUND_W        2.0
#define DEFICIT_PAGES  3.0
#define MIN_PAGES      32u
#define MRC_BOUND_DOC  "per size: 3 standard errors (16 random subsamples) + the sampled curve's " \
                       "drop over frames +- (2 sqrt(F (1-R)/R) + 1/R) + the sample's weight " \
                       "deficit max(0, N - W)/N capped at 3/(R F); the document's value is the " \
                       "largest over the resolved sizes (F >= 1/R, at least 32 sampled pages)"

uint64_t mrc_lru_min_resolved(const mrc_lru_t *m)
{
    if (lru_full_rate(m))
        return 1;
    if (m->live < MIN_PAGES)
        return 0;
    return (uint64_t)ceil((double)SAMPLE_ONE / (double)m->thresh);
}

int mrc_lru_resolved(const mrc_lru_t *m, uint64_t frames)
{
    uint64_t lo = mrc_lru_min_resolved(m);
    return lo && frames >= lo;
}

double mrc_lru_error_bound(mrc_lru_t *m, uint64_t frames)
{
    if (lru_exact(m) || !m->refs || !frames)
        return 0;
    double r = mrc_lru_rate(m), f = (double)frames;
    double w = f >= LIN_BINS ? f / (1u << SUB_BITS) : 0;      /* the bin's width */
    if (!lru_full_rate(m))
        w += BOUND_W * sqrt(f * (1 - r) / r) + 1 / r;
    double lo = f - w < 1 ? 1 : f - w, hi = f + w;
    double drop = mrc_lru_miss_ratio(m, (uint64_t)lo) - mrc_lru_miss_ratio(m, (uint64_t)ceil(hi));
    double deficit = ((double)m->refs - mrc_lru_weight(m)) / (double)m->refs;
    double cap = DEFICIT_PAGES / (r * f);
    deficit = deficit < 0 ? 0 : deficit > cap ? cap : deficit;
    /* plus one reference, for the rounding of the two curve values in `drop` */
    double b = BOUND_Z * mrc_lru_stderr(m, frames) + drop + deficit + 1.0 / (double)m->refs;
    return b > 1 ? 1 : b;
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
    mrc_opt_t *m = xcalloc(1, sizeof *m, "the OPT curve");
    m->max = max_frames;
    m->cap = max_frames && max_frames < 1024 ? max_frames : 1024;
    m->st = mrc_xrealloc(NULL, m->cap * sizeof *m->st);
    m->hist_cap = m->cap + 1;
    m->hist = xcalloc(m->hist_cap, sizeof *m->hist, "the OPT curve");
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
        m->st = mrc_xrealloc(m->st, m->cap * sizeof *m->st);
        size_t old = m->hist_cap;
        m->hist_cap = m->cap + 1;
        m->hist = mrc_xrealloc(m->hist, m->hist_cap * sizeof *m->hist);
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

/* ------------------------------------------------------------------ workloads */

static uint64_t *default_frames(uint64_t pages, size_t *n)
{
    uint64_t *v = mrc_xrealloc(NULL, 66 * sizeof *v);
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

/* One computation of mrc_compute: the options, the workload, the engines, the counts. */
typedef struct mrc_pass {
    const mrc_opts_t *o;
    const char *trace;
    int opt, sampled;             /* OPT (else LRU); SHARDS sampling */
    uint32_t psize;
    unsigned shift;               /* log2 psize */
    double rate;
    gsl_rng *rng;
    wl_t *wl;
    nextuse_t *nu;                /* OPT: next uses */
    mrc_lru_t *lru, *exact;       /* LRU; the exact one beside a sample (check_exact) */
    mrc_opt_t *om;
    keytab_t keys;                /* OPT: the distinct pages */
    pgid_t *ids;
    vtime_t t;                    /* page references */
    /* the sampled curve's error, over the resolved sizes (and the largest elsewhere) */
    double err_sum, err_max, bound_max, unres_max;
    size_t n_res;
} mrc_pass_t;

/* The options: 0, or -1 with err. */
static int mrc_pass_check(mrc_pass_t *p, sim_err_t *err)
{
    const mrc_opts_t *o = p->o;
    if (!o->policy || !strcmp(o->policy, "lru"))
        p->opt = 0;
    else if (!strcmp(o->policy, "opt"))
        p->opt = 1;
    else
        return sim_err_set(err, SIM_EINPUT, "unknown policy '%s' for mrc: lru or opt", o->policy);
    p->psize = o->page_size ? o->page_size : 4096;
    if (p->psize & (p->psize - 1))
        return sim_err_set(err, SIM_EINPUT, "page size %" PRIu32 " is not a power of two", p->psize);
    while ((1u << p->shift) != p->psize)
        p->shift++;
    p->rate = o->sample_rate;
    p->sampled = (p->rate > 0 && p->rate < 1) || o->sample_max_pages;
    if (!(p->rate >= 0 && p->rate <= 1))
        return sim_err_set(err, SIM_EINPUT, "sampling rate %g is not in (0, 1]", p->rate);
    if (p->sampled && p->opt)
        return sim_err_set(err, SIM_EINPUT, "sampling (SHARDS) is for -p lru only: OPT is computed exactly");
    for (size_t i = 0; i < o->nframes; i++)
        assert(o->frames[i] >= 1 && (!i || o->frames[i] > o->frames[i - 1]));
    return 0;
}

/* The workload and the engines (OPT: after the next-use pass): 0, or -1 with err. */
static int mrc_pass_open(mrc_pass_t *p, sim_err_t *err)
{
    const mrc_opts_t *o = p->o;
    p->rng = gsl_rng_alloc(gsl_rng_mt19937);
    assert(p->rng);
    gsl_rng_set(p->rng, o->seed);
    p->wl = wl_open(p->trace, o->format, p->rng, err);
    if (!p->wl)
        return -1;
    p->wl->progress = o->progress;             /* nu_build reports its pass too */
    if (p->opt) {
        p->nu = nu_build(p->wl, p->shift, NULL, err);
        if (!p->nu)
            return -1;
        p->om = mrc_opt_new(o->nframes ? o->frames[o->nframes - 1] : 0);
        keytab_init(&p->keys);
    } else {
        p->lru = mrc_lru_new_sized(p->sampled && p->rate > 0 ? p->rate : 1.0, o->sample_max_pages);
        if (p->sampled && o->check_exact)
            p->exact = mrc_lru_new(1.0);
    }
    /* Pages are contents, as the engine and OPT's next-use pass see them (workloads/pgid.h):
     * a file page is one page however many processes map it, fork shares anonymous pages
     * until a write copies them, exec, exit and munmap end pages. A reference the engine
     * skips (segv, protection) is counted but touches no page; one that copies on write
     * touches two, the source it reads and then its copy, as in the engine. Each page of a
     * buffered read or write is a reference to the file's page (the run counts its misses
     * in `misses` too). */
    p->ids = pgid_new(p->shift, NULL);
    if (!p->ids)
        return sim_err_set(err, SIM_ESYS, "out of memory");
    return 0;
}

/* The pass: every page reference of the workload through the engines. 0, or -1 with err. */
static int mrc_pass_run(mrc_pass_t *p, sim_err_t *err)
{
    const mrc_opts_t *o = p->o;
    wl_rec_t rec;
    int rc;
    progress_pass(o->progress, p->opt ? "OPT stack pass" : "LRU stack pass", "refs", wl_progress_pos, p->wl, 0, NULL, NULL);
    while ((rc = wl_next(p->wl, &rec)) > 0) {
        progress_at(o->progress, p->t);
        if (rec.type == WL_READ || rec.type == WL_WRITE) {
            uint64_t lo, hi;                /* each page a reference (sim/fileio.c) */
            pgid_io_range(p->ids, &rec, &lo, &hi);
            for (uint64_t i = lo; i < hi; i++, p->t++) {
                page_key_t key = pgid_io_key(p->ids, &rec, i);
                if (p->opt) {
                    int fresh;
                    keytab_get(&p->keys, key_hash(key, 0), key, 0, &fresh);
                    mrc_opt_ref(p->om, p->t, nu_get(p->nu, p->t));
                } else {
                    mrc_lru_ref(p->lru, key, 0);
                    if (p->exact)
                        mrc_lru_ref(p->exact, key, 0);
                }
            }
            continue;
        }
        if (rec.type != WL_REF) {
            pgid_event(p->ids, &rec);
            continue;
        }
        vpn_t first;
        uint64_t n;
        wl_split(&rec, p->shift, &first, &n);
        for (uint64_t i = 0; i < n; i++, p->t++) {
            pgid_ref_t id = pgid_ref(p->ids, rec.pid, first + i, (ref_kind_t)rec.kind);
            if (!id.key)
                continue;
            for (int k = id.src != id.key ? 0 : 1; k < 2; k++) {
                page_key_t key = k ? id.key : id.src;
                if (p->opt) {
                    int fresh;
                    keytab_get(&p->keys, key_hash(key, 0), key, 0, &fresh);
                    mrc_opt_ref(p->om, p->t, k ? nu_get(p->nu, p->t) : nu_get_src(p->nu, p->t));
                } else {
                    mrc_lru_ref(p->lru, key, 0);
                    if (p->exact)
                        mrc_lru_ref(p->exact, key, 0);
                }
            }
        }
    }
    progress_end(o->progress, p->t);
    if (rc < 0) {
        *err = p->wl->err;              /* the reader's error */
        return -1;
    }
    if (p->opt && p->t != nu_count(p->nu))
        return sim_err_set(err, SIM_EINPUT, "%s: the next-use pass counted %" PRIu64 " page references, "
                           "the curve pass %" PRIu64 " (the trace changed?)", p->trace, nu_count(p->nu), p->t);
    return 0;
}

/* The distinct pages: counted, or estimated from a sample. */
static uint64_t mrc_pass_pages(const mrc_pass_t *p)
{
    if (p->opt)
        return p->keys.n;
    if (!p->sampled)
        return mrc_lru_pages(p->lru);
    if (p->exact)
        return mrc_lru_pages(p->exact);
    return (uint64_t)llround((double)mrc_lru_pages(p->lru) / mrc_lru_rate(p->lru));
}

/* The curve's point at f frames; accounts the sampled curve's error in p. per_t: page
 * references per reference the LRU engine counted. */
static json_t *mrc_pass_point(mrc_pass_t *p, uint64_t f, double per_t)
{
    uint64_t faults;
    double mr;
    vtime_t t = p->t;
    if (p->opt) {
        faults = mrc_opt_faults(p->om, f);
        mr = t ? (double)faults / (double)t : 0;
    } else {
        faults = mrc_lru_faults(p->lru, f);
        /* exact: per page reference, skipped ones included, as `run` counts */
        mr = p->sampled ? mrc_lru_miss_ratio(p->lru, f) * per_t : t ? (double)faults / (double)t : 0;
    }
    json_t *pt = curve_point(f, faults, mr);
    int res = 1;
    if (p->sampled) {
        res = mrc_lru_resolved(p->lru, f);
        double b = mrc_lru_error_bound(p->lru, f) * per_t;
        json_object_set_new(pt, "resolved", json_boolean(res));
        json_object_set_new(pt, "stderr", json_real(mrc_lru_stderr(p->lru, f) * per_t));
        json_object_set_new(pt, "error_bound", json_real(b));
        if (res) {
            p->n_res++;
            if (b > p->bound_max)
                p->bound_max = b;
        }
    }
    if (p->exact) {
        uint64_t ef = mrc_lru_faults(p->exact, f);
        double emr = t ? (double)ef / (double)t : 0;
        json_object_set_new(pt, "exact_faults", json_integer((json_int_t)ef));
        json_object_set_new(pt, "exact_miss_ratio", json_real(emr));
        double e = fabs(mr - emr);
        if (res) {
            p->err_sum += e;
            if (e > p->err_max)
                p->err_max = e;
        } else if (e > p->unres_max) {
            p->unres_max = e;
        }
    }
    return pt;
}

/* The document's "sampled" object (after the curve, whose error it reports). */
static json_t *mrc_pass_sampled(const mrc_pass_t *p)
{
    const mrc_opts_t *o = p->o;
    mrc_lru_t *lru = p->lru;
    double r = mrc_lru_rate(lru), w = mrc_lru_weight(lru);
    json_t *samp = json_pack("{sf sf sf ss sI sf sf sI sb sI}",
                     "rate", r, "requested_rate", p->rate > 0 ? p->rate : 1.0,
                     "first_rate", mrc_lru_first_rate(lru),
                     "method", o->sample_max_pages
                         ? "SHARDS fixed-size, spatial hash of the page key, with SHARDS_adj "
                           "(Waldspurger et al., FAST'15)"
                         : "SHARDS fixed-rate, spatial hash of the page key, with SHARDS_adj "
                           "(Waldspurger et al., FAST'15)",
                     "samples", (json_int_t)mrc_lru_samples(lru),
                     "sampled_weight", w,
                     "adjustment", (double)p->t - w,
                     "sampled_pages", (json_int_t)mrc_lru_pages(lru),
                     "pages_estimated", !p->exact,
                     "min_resolved_frames", (json_int_t)mrc_lru_min_resolved(lru));
    if (!mrc_lru_min_resolved(lru))   /* too few sampled pages: nothing resolved */
        json_object_set_new(samp, "min_resolved_frames", json_null());
    if (o->sample_max_pages)
        json_object_set_new(samp, "max_pages", json_pack("{sI sI sI}",
            "limit", (json_int_t)o->sample_max_pages,
            "threshold_lowered", (json_int_t)mrc_lru_lowered(lru),
            "pages_evicted", (json_int_t)mrc_lru_evicted(lru)));
    else
        json_object_set_new(samp, "expected_samples", json_real((double)p->t * r));
    json_object_set_new(samp, "miss_ratio_stderr_bound",
                        p->n_res ? json_real(p->bound_max) : json_null());
    json_object_set_new(samp, "bound", json_string(MRC_BOUND_DOC));
    if (p->exact)
        json_object_set_new(samp, "error", json_pack("{sf sf sI sf ss}",
            "mean_abs_miss_ratio", p->n_res ? p->err_sum / (double)p->n_res : 0.0,
            "max_abs_miss_ratio", p->err_max,
            "resolved_sizes", (json_int_t)p->n_res,
            "unresolved_max_abs_miss_ratio", p->unres_max,
            "against", "the exact LRU curve computed in the same pass, over the resolved "
                       "sizes"));
    return samp;
}

/* The document of a finished pass. */
static json_t *mrc_pass_doc(mrc_pass_t *p)
{
    const mrc_opts_t *o = p->o;
    uint64_t pages = mrc_pass_pages(p), *frames;
    size_t nframes;
    if (o->nframes) {
        frames = mrc_xrealloc(NULL, o->nframes * sizeof *frames);
        memcpy(frames, o->frames, o->nframes * sizeof *frames);
        nframes = o->nframes;
    } else {
        frames = default_frames(pages, &nframes);
    }
    /* miss ratios are per page reference (t), skipped ones included, as `run` counts; the
     * engine's are per reference it was given (skipped ones excluded, copy-on-write
     * references counted for their source and their copy) */
    double per_t = !p->opt && p->t ? (double)mrc_lru_refs(p->lru) / (double)p->t : 1;
    json_t *curve = json_array();
    for (size_t i = 0; i < nframes; i++)
        json_array_append_new(curve, mrc_pass_point(p, frames[i], per_t));
    free(frames);
    json_t *samp = p->sampled ? mrc_pass_sampled(p) : json_null();
    json_t *doc = json_pack("{si ss ss ss sI sI sI so}",
                    "schema", 1, "policy", p->opt ? "opt" : "lru", "trace", p->trace,
                    "format", p->wl->ops->name, "page_size", (json_int_t)p->psize,
                    "references", (json_int_t)p->t, "pages", (json_int_t)pages,
                    "sampled", samp);
    if (p->opt)
        json_object_set_new(doc, "max_frames", o->nframes
                            ? json_integer((json_int_t)o->frames[o->nframes - 1]) : json_null());
    json_object_set_new(doc, "mrc", curve);
    assert(doc);
    return doc;
}

static void mrc_pass_free(mrc_pass_t *p)
{
    keytab_free(&p->keys);
    pgid_free(p->ids);
    mrc_lru_free(p->lru);
    mrc_lru_free(p->exact);
    mrc_opt_free(p->om);
    if (p->nu)
        nu_free(p->nu);
    wl_close(p->wl);
    gsl_rng_free(p->rng);
}

json_t *mrc_compute(const mrc_opts_t *o, const char *trace, sim_err_t *err)
{
    mrc_pass_t p = { .o = o, .trace = trace };
    if (mrc_pass_check(&p, err))
        return NULL;
    json_t *doc = NULL;
    if (!mrc_pass_open(&p, err) && !mrc_pass_run(&p, err))
        doc = mrc_pass_doc(&p);
    mrc_pass_free(&p);
    return doc;
}
