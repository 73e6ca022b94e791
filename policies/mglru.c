/* mglru.c - the multi-generational LRU of Linux 6.1+ (Documentation/mm/multigen_lru.rst),
 * transcribed rule by rule from the kernel's mm/vmscan.c (the lru_gen_* section),
 * include/linux/mm_inline.h (lru_gen_add_folio, lru_gen_folio_seq, folio_lru_refs,
 * lru_tier_from_refs), mm/swap.c (lru_gen_inc_refs, folio_add_lru) and mm/workingset.c
 * (lru_gen_eviction, lru_gen_test_recent, lru_gen_refault).
 *
 * Followed: the tree policies/linux.c reads, torvalds/linux commit 538d5baa (6.14 or later:
 * lru_gen_set_refs, the "rework workingset protection" of Dec 2024 with PG_workingset as the
 * top tier, MAX_SWAPPINESS 200), whose lru_gen code is that of the 6.18 series this machine
 * runs apart from folio->flags.f plumbing. Where 6.1-6.13 differ it is said below. Kernel
 * defaults: MIN_NR_GENS 2, MAX_NR_GENS 4, MAX_NR_TIERS 4, LRU_REFS_WIDTH 2, MIN_LRU_BATCH 64
 * (BITS_PER_LONG), MAX_LRU_BATCH 4096, NR_HIST_GENS 1 (CONFIG_LRU_GEN_STATS off), swappiness
 * 60, DEF_PRIORITY 12, SWAP_CLUSTER_MAX 32, min_ttl 0.
 *
 * State (struct lru_gen_folio, one lruvec: pagesim has one node and no memcg tree): max_seq,
 * min_seq[anon, file]; a list per (generation, type), generation = seq % MAX_NR_GENS; per
 * page its generation (folio->flags' LRU_GEN field), PG_referenced, PG_workingset and the
 * LRU_REFS_WIDTH refs bits; nr_pages[gen][type] counts pages by their generation field. As in
 * the kernel the field and the list may differ: the aging promotes a page by its field only
 * (folio_update_gen), and the eviction moves it to its list when it reaches it (sort_folio).
 *
 * Rules, each with its kernel function:
 *  - Insertion (folio_add_lru -> lru_gen_add_folio -> lru_gen_folio_seq): a page brought in
 *    by a fault is set PG_active (folio_add_lru: lru_gen_in_fault), so it enters generation
 *    max_seq - MIN_NR_GENS + 1 + PG_workingset, i.e. max_seq - 1, or max_seq for a refault of
 *    a page in the workingset; never below min_seq[type].
 *  - Aging (try_to_inc_max_seq, walk_mm, walk_pte_range, walk_update_folio,
 *    folio_update_gen, inc_max_seq, inc_min_seq): every process's page table is walked with
 *    env->walk_refs (which tests and clears each present PTE's young bit, as
 *    ptep_clear_young_notify does); a young PTE of a page with neither PG_referenced nor
 *    PG_workingset only sets PG_referenced (6.14+; before, it promoted at once); otherwise the
 *    page's generation becomes max_seq's, PG_workingset is set and the refs flags are
 *    cleared. A process that has made no reference since it was last walked is skipped
 *    (get_next_mm: its lru_gen bitmap bit is set only when it runs; env->vtime). Then
 *    max_seq advances; a type that already has MAX_NR_GENS generations first has its oldest
 *    generation moved up one (inc_min_seq, folio_inc_gen: pages the walk promoted go to their
 *    generation; others to min_seq + 1 with their refs flags cleared; counted as protected),
 *    unless the type is not evictable (anon at swappiness 0), whose oldest list simply
 *    becomes the youngest, as the kernel's index arithmetic makes it.
 *  - When to age (get_nr_to_scan, should_run_aging): with only MIN_NR_GENS generations of an
 *    evictable type left, eviction is impossible and the aging must run; with three it is
 *    "better" to run; either way not at DEF_PRIORITY, where the scan is size >> 12 and aging
 *    is skipped. A pass that aged scans nothing more at that priority (returns -1).
 *  - Type (get_type_to_scan, isolate_folios): swappiness <= 1 scans file, >= 200 anon; else
 *    the PID controller compares anon's tiers (gain swappiness) with file's (gain
 *    200 - swappiness); the other type is tried when the first has nothing to scan. At
 *    swappiness 0 anonymous pages are never scanned (for_each_evictable_type).
 *  - Tiers and the PID controller (read_ctrl_pos, positive_ctrl_err, get_tier_idx,
 *    reset_ctrl_pos): a page's tier is 3 with PG_workingset, else order_base_2(refs), refs =
 *    0 without PG_referenced, else refs bits + 1. Per type and tier the refaulted, evicted
 *    and protected counts of the generation being evicted, plus their moving averages
 *    (halved into avg_* each time min_seq advances). Tier 0 is the setpoint (gain 2); the
 *    first tier t >= 1 (gain 3) whose refault rate is not below it (with MIN_LRU_BATCH
 *    refaults at least) stops the search: tiers above t - 1 are protected.
 *  - Eviction (evict_folios, scan_folios, sort_folio, isolate_folio): the oldest generation
 *    of the chosen type, from its tail, at most MAX_LRU_BATCH pages looked at and
 *    MIN_LRU_BATCH isolated. sort_folio: a page whose generation is younger (promoted by the
 *    walk) moves to its generation's list; a page in a protected tier, or with all refs bits
 *    and PG_workingset (lazily promoted), moves to min_seq + 1 (folio_inc_gen); a dirty file
 *    page moves to min_seq + 1 and its write-back starts (env->clean: the flusher the kernel
 *    wakes). Other pages are isolated (refs bits cleared if PG_referenced is not set).
 *    try_to_inc_min_seq then advances min_seq past empty generations.
 *  - shrink_folio_list of the isolated batch (folio_check_references, lru_gen_set_refs): not
 *    referenced through any mapping (env->referenced = folio_referenced): reclaimed;
 *    referenced and neither PG_referenced nor PG_workingset: PG_referenced set, kept;
 *    otherwise PG_workingset set, activated (back at max_seq). A kept page that would go back
 *    to the oldest generation is set PG_active instead (evict_folios: "don't add rejected
 *    folios to the oldest generation"), its refs flags cleared.
 *  - Accesses through file descriptors (on_access = folio_mark_accessed -> lru_gen_inc_refs):
 *    the first sets PG_referenced; each next one adds one to the refs bits until they are
 *    full (refs 4, tier 2), then PG_workingset is set (tier 3). No list moves: the tiers
 *    act when the eviction meets the page.
 *  - Shadows (lru_gen_eviction): token = min_seq[type] << LRU_REFS_WIDTH | max(refs - 1, 0),
 *    and PG_workingset; the evicted count of the page's tier grows. Refault
 *    (lru_gen_test_recent, lru_gen_refault): recent when |max_seq - token's seq| <
 *    MAX_NR_GENS; then the refaulted count of the tier the shadow names grows, and the page
 *    gets PG_workingset back (so it enters max_seq, tier 3) or its refs bits.
 *  - Reclaim driving (shrink_lruvec -> lru_gen_shrink_lruvec -> try_to_shrink_lruvec): a
 *    direct request is memory-cgroup limit reclaim, as for linux.c: do_try_to_free_pages'
 *    priority loop from DEF_PRIORITY to 0 until max(count, 32) pages are reclaimed (memcg
 *    reclaim does not abort a lruvec's scan early: should_abort_scan), then the memcg_full_walk
 *    pass, and try_charge_memcg's retries (1 + MAX_RECLAIM_RETRIES). A background request is
 *    root reclaim (lru_gen_shrink_node): set_initial_priority, priorities down to 1 as kswapd,
 *    stopping once the frames wanted are reclaimed; if it reclaimed nothing the request is
 *    served as a direct one (stats.kswapd_fallback).
 *
 * Batches and the engine's one-victim requests: as linux.c, the pages a pass reclaims are
 * kept, in reclaim order, on an "isolated" list (off the generations, as the kernel's freed
 * pages are) and handed out one per request; only when none is left (none the request allows)
 * does a new pass run. A reference to a page there is a hit here where the kernel would
 * refault; its shadow brings it back as recent.
 *
 * Simplifications, and what they change:
 *  - One node, no memcg tree (shrink_many, memcg generations, min_ttl, memory.low): one
 *    lruvec, so no fairness between cgroups and no OOM on min_ttl.
 *  - No Bloom filters and no look-around (lru_gen_look_around): the walk visits every PTE of
 *    every process that ran, where the kernel skips PMD tables it found sparse; the kernel
 *    therefore clears more young bits at eviction time (look-around promotes up to 64
 *    neighbours of a referenced page) and fewer in the walk. Here a neighbour's reference is
 *    seen at the next walk instead. Both are optimisations of the walk's cost in the
 *    kernel's own words ("to reduce their search space"); what differs is when a young bit is
 *    taken, not which pages are protected.
 *  - The walk skips areas with no recency (madvise random or sequential: env->walk_refs does,
 *    as should_skip_vma does for !vma_has_recency), as folio_check_references's rmap walk
 *    skips their mappings (env->referenced).
 *  - The walk clears young bits of every present PTE, also of anonymous pages at swappiness 0
 *    (should_skip_vma skips anonymous areas then) and of pages on the isolated list (the
 *    kernel skips pages off the LRU); those are never evicted or are being evicted anyway.
 *  - No swap cache: a kept anonymous page is treated as not in the swap cache
 *    (lru_gen_folio_seq: MIN_NR_GENS). No per-CPU batches, no zones, no unevictable pages,
 *    no PG_reclaim rotation; dirty anonymous pages are written at eviction.
 *  - A page that comes in outside a fault (a buffered read or write, its readahead, fadvise
 *    or madvise willneed: ref->vpn is REPL_VPN_NONE) is not set PG_active (lru_gen_in_fault
 *    is false), so a file page enters max_seq - 3 + PG_workingset (MAX_NR_GENS -
 *    PG_workingset), an anonymous one max_seq - 1, never below min_seq; nor does its
 *    refault count as an activation (WORKINGSET_ACTIVATE). The tiers it then climbs through
 *    on_access are the kernel's.
 *  - The shadow is computed when the engine takes the page (on_remove), not when the pass
 *    reclaimed it: min_seq may have moved by a generation in between.
 *  - When a request finds nothing reclaimable after every retry (swappiness 0 and only
 *    anonymous pages; a local request whose pages are all referenced), the kernel would
 *    OOM-kill; here the tail of the oldest list the request allows is taken (stats.forced).
 *  - A local request (replacement=local) isolates only the faulting process's pages and
 *    leaves the others at the head of their list, as scan_folios does with pages it skips.
 *
 * Cost: no work on a hit (on_hit is NULL: references are seen through young bits only).
 * on_access, on_insert, on_remove and on_miss are O(1) (a hash lookup for a pending refault
 * decision). A request served from the isolated list: O(1) (O(isolated) for a local one). A
 * reclaim pass: evict_folios looks at <= MAX_LRU_BATCH pages per call and try_to_shrink_lruvec
 * calls it until size >> priority pages were scanned; sort_folio moves each page it passes
 * over at most once per generation, so that work is O(1) amortised per page per aging. An
 * aging walks the PTEs of each process that ran since its last walk (O(page-table entries),
 * env->walk_refs) and moves the oldest generation (O(its pages)); agings happen when the
 * evictable generations run down to two or three, i.e. after about a generation's worth of
 * evictions, so a walk's cost is spread over the faults that emptied a generation. Memory: per
 * frame two links and three bytes (11 bytes); a hash entry per recent refault until its
 * page is inserted; 12 bytes per process (its pid and the virtual time of its last walk).
 */
#include "repl_kernel.h"
#include "repl_explain.h"
#include "sim/base/u64map.h"

#include <stdio.h>

#define MIN_NR_GENS 2u
#define MAX_NR_GENS 4u
#define MAX_NR_TIERS 4
#define LRU_REFS_WIDTH 2
#define MIN_LRU_BATCH 64u
#define MAX_LRU_BATCH (MIN_LRU_BATCH * 64)
#define SWAP_CLUSTER_MAX 32u
#define DEF_PRIORITY 12
#define MIN_SWAPPINESS 0
#define MAX_RECLAIM_RETRIES 16

enum { LRU_GEN_ANON = 0, LRU_GEN_FILE = 1, ANON_AND_FILE = 2 };
enum {
    MG_NGENLISTS = MAX_NR_GENS * ANON_AND_FILE,
    MG_ISOLATED = MG_NGENLISTS,          /* reclaimed by a pass, not yet handed out */
    MG_NLISTS = MG_NGENLISTS + 1,
    MG_NONE = 0xff,
};
/* Per-page flags: PG_referenced, PG_workingset, the type, PG_active (only between a
 * putback's decision and lru_gen_add_folio), and the LRU_REFS_WIDTH refs bits. */
enum { PG_REFERENCED = 1u << 0, PG_WORKINGSET = 1u << 1, PG_FILE = 1u << 2, PG_ACTIVE = 1u << 3 };
#define LRU_REFS_PGOFF 4
#define LRU_REFS_MASK (((1u << LRU_REFS_WIDTH) - 1) << LRU_REFS_PGOFF)
#define LRU_REFS_FLAGS (LRU_REFS_MASK | PG_REFERENCED)
enum { FOLIOREF_RECLAIM, FOLIOREF_KEEP, FOLIOREF_ACTIVATE };

typedef struct mglru {
    const repl_env_t *env;
    uint32_t n;
    pfn_t *next, *prev;                  /* by frame: links of its list */
    uint8_t *list;                       /* by frame: its list, MG_NONE if untracked */
    uint8_t *gen;                        /* by frame: its generation field, MG_NONE if off */
    uint8_t *flags;                      /* by frame: PG_*, refs bits */
    pfn_t head[MG_NLISTS];               /* list_add end; prev[head] is the tail */
    uint32_t count[MG_NLISTS];           /* pages on each list */
    int64_t nr_pages[MAX_NR_GENS][ANON_AND_FILE];   /* by generation field */
    uint64_t max_seq, min_seq[ANON_AND_FILE];
    /* the PID controller (NR_HIST_GENS 1: one hist) */
    uint64_t avg_refaulted[ANON_AND_FILE][MAX_NR_TIERS], avg_total[ANON_AND_FILE][MAX_NR_TIERS];
    uint64_t refaulted[ANON_AND_FILE][MAX_NR_TIERS], evicted[ANON_AND_FILE][MAX_NR_TIERS];
    uint64_t protected_[ANON_AND_FILE][MAX_NR_TIERS];
    u64map_t pending;                    /* page key -> flags decided at its refault */
    spid_t *pids;                        /* the mm list: live processes */
    vtime_t *walked_at;                  /* by pids[] slot: its vtime at its last walk + 1 */
    uint32_t npids, cap_pids;
    int swappiness;
    /* counters (policy.stats) */
    uint64_t pgscan, pgsteal, pgrefill, pgactivate, pgpageout, agings, walk_ptes, walk_young;
    uint64_t walk_promoted, walk_skipped, ws_refault[2], ws_activate[2], ws_restore[2];
    uint64_t forced, passes, kswapd_fallback, dirty_deferred;
} mglru_t;

typedef struct scan_control {
    uint64_t nr_to_reclaim, nr_reclaimed;
    int priority;
    int root;                            /* root reclaim (kswapd) rather than memcg reclaim */
    const repl_req_t *req;               /* a local request isolates only its own pages */
} scan_control_t;

/* ------------------------------------------------------------------ lists */

static void mg_add(mglru_t *m, int l, pfn_t p, int tail)
{
    assert(m->list[p] == MG_NONE);
    pfn_t h = m->head[l];
    if (h == PFN_NONE) {
        m->next[p] = m->prev[p] = p;
        m->head[l] = p;
    } else {
        pfn_t t = m->prev[h];
        m->next[p] = h;
        m->prev[p] = t;
        m->next[t] = p;
        m->prev[h] = p;
        if (!tail)
            m->head[l] = p;
    }
    m->list[p] = (uint8_t)l;
    m->count[l]++;
}

static void mg_del(mglru_t *m, pfn_t p)
{
    int l = m->list[p];
    assert(l < MG_NLISTS);
    if (m->next[p] == p) {
        m->head[l] = PFN_NONE;
    } else {
        m->next[m->prev[p]] = m->next[p];
        m->prev[m->next[p]] = m->prev[p];
        if (m->head[l] == p)
            m->head[l] = m->next[p];
    }
    m->next[p] = m->prev[p] = PFN_NONE;
    m->list[p] = MG_NONE;
    m->count[l]--;
}

static pfn_t mg_tail(const mglru_t *m, int l)
{
    return m->head[l] == PFN_NONE ? PFN_NONE : m->prev[m->head[l]];
}

static int mg_list_of(unsigned gen, int type) { return (int)gen * ANON_AND_FILE + type; }
static int mg_type(const mglru_t *m, pfn_t p) { return (m->flags[p] & PG_FILE) != 0; }
static unsigned lru_gen_from_seq(uint64_t seq) { return (unsigned)(seq % MAX_NR_GENS); }

static unsigned get_nr_gens(const mglru_t *m, int type)
{
    return (unsigned)(m->max_seq - m->min_seq[type] + 1);
}

/* for_each_evictable_type: anon unless swappiness is 0, file unless above MAX_SWAPPINESS. */
static int first_type(int swappiness) { return !swappiness; }
static int last_type(int swappiness) { return swappiness <= MAX_SWAPPINESS; }

static uint64_t evictable_min_seq(const uint64_t *min_seq, int swappiness)
{
    uint64_t a = min_seq[!swappiness], b = min_seq[swappiness <= MAX_SWAPPINESS];
    return a < b ? a : b;
}

/* include/linux/mm_inline.h folio_lru_refs: accesses through file descriptors, PG_referenced
 * included; 0 without it (the refs bits are then meaningless: LRU_REFS_FLAGS' comment). */
static int folio_lru_refs(const mglru_t *m, pfn_t p)
{
    unsigned f = m->flags[p];
    return f & PG_REFERENCED ? (int)((f & LRU_REFS_MASK) >> LRU_REFS_PGOFF) + 1 : 0;
}

static int folio_workingset(const mglru_t *m, pfn_t p) { return (m->flags[p] & PG_WORKINGSET) != 0; }

/* lru_tier_from_refs: PG_workingset is the top tier, else order_base_2(refs). */
static int lru_tier_from_refs(int refs, int workingset)
{
    if (workingset)
        return MAX_NR_TIERS - 1;
    return refs <= 1 ? 0 : refs == 2 ? 1 : 2;
}

/* The lazily promoted: every refs bit and PG_workingset (refs + workingset ==
 * BIT(LRU_REFS_WIDTH) + 1). */
static int lazily_promoted(int refs, int workingset)
{
    return refs + workingset == (1 << LRU_REFS_WIDTH) + 1;
}

/* include/linux/mm_inline.h lru_gen_folio_seq. */
static uint64_t lru_gen_folio_seq(const mglru_t *m, pfn_t p, int reclaiming)
{
    int type = mg_type(m, p), ws = folio_workingset(m, p);
    unsigned gen;
    if (m->flags[p] & PG_ACTIVE)
        gen = MIN_NR_GENS - (unsigned)ws;
    else if (reclaiming)
        gen = MAX_NR_GENS;
    else if (type == LRU_GEN_ANON)                      /* (no swap cache here) */
        gen = MIN_NR_GENS;
    else
        gen = MAX_NR_GENS - (unsigned)ws;
    uint64_t seq = m->max_seq - gen + 1;
    return seq > m->min_seq[type] ? seq : m->min_seq[type];
}

/* lru_gen_add_folio: PG_active cleared, the head of its generation's list (the tail when
 * reclaiming). */
static void lru_gen_add_folio(mglru_t *m, pfn_t p, int reclaiming)
{
    unsigned gen = lru_gen_from_seq(lru_gen_folio_seq(m, p, reclaiming));
    int type = mg_type(m, p);
    m->flags[p] &= (uint8_t)~PG_ACTIVE;
    m->gen[p] = (uint8_t)gen;
    m->nr_pages[gen][type]++;
    mg_add(m, mg_list_of(gen, type), p, reclaiming);
}

/* lru_gen_del_folio. */
static void lru_gen_del_folio(mglru_t *m, pfn_t p)
{
    assert(m->gen[p] != MG_NONE);
    m->nr_pages[m->gen[p]][mg_type(m, p)]--;
    m->gen[p] = MG_NONE;
    mg_del(m, p);
}

/* ------------------------------------------------------------------ the PID controller */

typedef struct ctrl_pos {
    uint64_t refaulted, total;
    int gain;
} ctrl_pos_t;

static void read_ctrl_pos(const mglru_t *m, int type, int tier, int gain, ctrl_pos_t *pos)
{
    pos->gain = gain;
    pos->refaulted = pos->total = 0;
    int hi = tier < MAX_NR_TIERS - 1 ? tier : MAX_NR_TIERS - 1;
    for (int i = tier % MAX_NR_TIERS; i <= hi; i++) {
        pos->refaulted += m->avg_refaulted[type][i] + m->refaulted[type][i];
        pos->total += m->avg_total[type][i] + m->protected_[type][i] + m->evicted[type][i];
    }
}

/* reset_ctrl_pos with carryover (NR_HIST_GENS 1: the call without carryover does nothing). */
static void reset_ctrl_pos(mglru_t *m, int type)
{
    for (int tier = 0; tier < MAX_NR_TIERS; tier++) {
        m->avg_refaulted[type][tier] = (m->avg_refaulted[type][tier] + m->refaulted[type][tier]) / 2;
        m->avg_total[type][tier] = (m->avg_total[type][tier] + m->protected_[type][tier] +
                                    m->evicted[type][tier]) / 2;
        m->refaulted[type][tier] = m->evicted[type][tier] = m->protected_[type][tier] = 0;
    }
}

static int positive_ctrl_err(const ctrl_pos_t *sp, const ctrl_pos_t *pv)
{
    return pv->refaulted < MIN_LRU_BATCH ||
           pv->refaulted * (sp->total + MIN_LRU_BATCH) * (uint64_t)sp->gain <=
           (sp->refaulted + 1) * pv->total * (uint64_t)pv->gain;
}

static int get_tier_idx(const mglru_t *m, int type)
{
    ctrl_pos_t sp, pv;
    int tier;
    read_ctrl_pos(m, type, 0, 2, &sp);
    for (tier = 1; tier < MAX_NR_TIERS; tier++) {
        read_ctrl_pos(m, type, tier, 3, &pv);
        if (!positive_ctrl_err(&sp, &pv))
            break;
    }
    return tier - 1;
}

static int get_type_to_scan(const mglru_t *m, int swappiness)
{
    ctrl_pos_t sp, pv;
    if (swappiness <= MIN_SWAPPINESS + 1)
        return LRU_GEN_FILE;
    if (swappiness >= MAX_SWAPPINESS)
        return LRU_GEN_ANON;
    read_ctrl_pos(m, LRU_GEN_ANON, MAX_NR_TIERS, swappiness, &sp);
    read_ctrl_pos(m, LRU_GEN_FILE, MAX_NR_TIERS, MAX_SWAPPINESS - swappiness, &pv);
    return positive_ctrl_err(&sp, &pv);
}

/* ------------------------------------------------------------------ the aging */

/* folio_update_gen: the first young PTE only sets PG_referenced; later ones promote to gen. */
static void folio_update_gen(mglru_t *m, pfn_t p, unsigned gen)
{
    if (!(m->flags[p] & (PG_REFERENCED | PG_WORKINGSET))) {
        m->flags[p] = (uint8_t)((m->flags[p] & ~LRU_REFS_MASK) | PG_REFERENCED);
        return;
    }
    unsigned old = m->gen[p];
    m->flags[p] = (uint8_t)((m->flags[p] & ~LRU_REFS_FLAGS) | PG_WORKINGSET);
    m->gen[p] = (uint8_t)gen;
    if (old != gen) {                                   /* update_batch_size */
        int type = mg_type(m, p);
        m->nr_pages[old][type]--;
        m->nr_pages[gen][type]++;
        m->walk_promoted++;
    }
}

/* walk_pte_range's body for one present PTE (its young bit already tested and cleared). */
static void walk_pte(void *arg, pfn_t pfn, vpn_t vpn, int referenced)
{
    mglru_t *m = arg;
    (void)vpn;
    m->walk_ptes++;
    if (!referenced || pfn >= m->n || m->gen[pfn] == MG_NONE)   /* get_pfn_folio */
        return;
    m->walk_young++;
    folio_update_gen(m, pfn, lru_gen_from_seq(m->max_seq));
}

/* folio_inc_gen: a page the walk promoted goes to its generation; another to min_seq + 1,
 * its refs flags cleared. */
static unsigned folio_inc_gen(mglru_t *m, pfn_t p)
{
    int type = mg_type(m, p);
    unsigned old = lru_gen_from_seq(m->min_seq[type]);
    if (m->gen[p] != old)
        return m->gen[p];
    unsigned gen = (old + 1) % MAX_NR_GENS;
    m->flags[p] &= (uint8_t)~LRU_REFS_FLAGS;
    m->gen[p] = (uint8_t)gen;
    m->nr_pages[old][type]--;
    m->nr_pages[gen][type]++;
    return gen;
}

/* inc_min_seq (run to the end: one thread, no MAX_LRU_BATCH restarts). */
static void inc_min_seq(mglru_t *m, int type, int swappiness)
{
    if (type ? swappiness > MAX_SWAPPINESS : !swappiness)
        goto done;
    int l = mg_list_of(lru_gen_from_seq(m->min_seq[type]), type);
    while (m->count[l]) {
        pfn_t p = mg_tail(m, l);
        int refs = folio_lru_refs(m, p), ws = folio_workingset(m, p);
        unsigned gen = folio_inc_gen(m, p);
        mg_del(m, p);
        mg_add(m, mg_list_of(gen, type), p, 1);         /* list_move_tail */
        if (!lazily_promoted(refs, ws))
            m->protected_[type][lru_tier_from_refs(refs, ws)]++;
    }
done:
    reset_ctrl_pos(m, type);
    m->min_seq[type]++;
}

static int try_to_inc_min_seq(mglru_t *m, int swappiness)
{
    uint64_t min_seq[ANON_AND_FILE] = {m->min_seq[0], m->min_seq[1]};
    int success = 0;
    for (int type = first_type(swappiness); type <= last_type(swappiness); type++)
        while (min_seq[type] + MIN_NR_GENS <= m->max_seq &&
               !m->count[mg_list_of(lru_gen_from_seq(min_seq[type]), type)])
            min_seq[type]++;
    /* see the comment on lru_gen_folio: keep the types within MIN_NR_GENS of each other */
    if (swappiness && swappiness <= MAX_SWAPPINESS) {
        uint64_t seq = m->max_seq - MIN_NR_GENS;
        if (min_seq[LRU_GEN_ANON] > seq && min_seq[LRU_GEN_FILE] < seq)
            min_seq[LRU_GEN_ANON] = seq;
        else if (min_seq[LRU_GEN_FILE] > seq && min_seq[LRU_GEN_ANON] < seq)
            min_seq[LRU_GEN_FILE] = seq;
    }
    for (int type = first_type(swappiness); type <= last_type(swappiness); type++) {
        if (min_seq[type] <= m->min_seq[type])
            continue;
        reset_ctrl_pos(m, type);
        m->min_seq[type] = min_seq[type];
        success = 1;
    }
    return success;
}

static void inc_max_seq(mglru_t *m, int swappiness)
{
    for (int type = 0; type < ANON_AND_FILE; type++)
        if (get_nr_gens(m, type) == MAX_NR_GENS)
            inc_min_seq(m, type, swappiness);
    m->max_seq++;
}

/* try_to_inc_max_seq with iterate_mm_list and walk_mm: every process that ran since its last
 * walk, in the mm list's order. Without env->walk_refs (a test driver) it is
 * iterate_mm_list_nowalk: references are then seen only by the eviction's rmap check. */
static int try_to_inc_max_seq(mglru_t *m)
{
    const repl_env_t *env = m->env;
    m->agings++;
    for (uint32_t i = 0; env->walk_refs && i < m->npids; i++) {
        vtime_t vt = env->vtime ? env->vtime(env->eng, m->pids[i]) + 1 : 0;
        if (vt && vt == m->walked_at[i]) {              /* get_next_mm: not used since */
            m->walk_skipped++;
            continue;
        }
        m->walked_at[i] = vt;
        env->walk_refs(env->eng, m->pids[i], 0, UINT64_MAX, walk_pte, m);
    }
    inc_max_seq(m, m->swappiness);
    return 1;
}

/* ------------------------------------------------------------------ the eviction */

/* mm/rmap.c folio_referenced (no look-around). */
static uint32_t folio_referenced(mglru_t *m, pfn_t p)
{
    const repl_env_t *env = m->env;
    unsigned vm_flags;
    if (env->referenced)
        return env->referenced(env->eng, p, &vm_flags);
    return (uint32_t)env->test_clear_ref(env->eng, p);
}

/* sort_folio: 1 if the page was moved (not a candidate). */
static int sort_folio(mglru_t *m, pfn_t p, int tier_idx)
{
    int type = mg_type(m, p), refs = folio_lru_refs(m, p), ws = folio_workingset(m, p);
    int tier = lru_tier_from_refs(refs, ws);
    unsigned gen = m->gen[p];
    if (gen != lru_gen_from_seq(m->min_seq[type])) {   /* promoted */
        mg_del(m, p);
        mg_add(m, mg_list_of(gen, type), p, 0);
        return 1;
    }
    if (tier > tier_idx || lazily_promoted(refs, ws)) { /* protected */
        gen = folio_inc_gen(m, p);
        mg_del(m, p);
        mg_add(m, mg_list_of(gen, type), p, 0);
        if (!lazily_promoted(refs, ws))
            m->protected_[type][tier]++;
        return 1;
    }
    if (type == LRU_GEN_FILE && m->env->clean && m->env->is_dirty(m->env->eng, p)) {
        m->env->clean(m->env->eng, p);                  /* waiting for writeback */
        m->dirty_deferred++;
        gen = folio_inc_gen(m, p);
        mg_del(m, p);
        mg_add(m, mg_list_of(gen, type), p, 0);
        return 1;
    }
    return 0;
}

/* isolate_folio: off its generation (a local request's other pages are not taken). */
static int isolate_folio(mglru_t *m, const scan_control_t *sc, pfn_t p)
{
    if (sc->req && !repl_req_allows(m->env, sc->req, p))
        return 0;
    if (!(m->flags[p] & PG_REFERENCED))
        m->flags[p] &= (uint8_t)~LRU_REFS_MASK;
    lru_gen_del_folio(m, p);
    return 1;
}

/* scan_folios: the oldest generation of type from its tail into batch. */
static uint32_t scan_folios(mglru_t *m, const scan_control_t *sc, int type, int tier,
                            pfn_t *batch, uint32_t *nbatch)
{
    pfn_t skipped[MIN_LRU_BATCH];
    uint32_t scanned = 0, isolated = 0, nskipped = 0, sorted = 0, remaining = MAX_LRU_BATCH;
    if (get_nr_gens(m, type) == MIN_NR_GENS)
        return 0;
    int l = mg_list_of(lru_gen_from_seq(m->min_seq[type]), type);
    while (m->count[l]) {
        pfn_t p = mg_tail(m, l);
        scanned++;
        if (sort_folio(m, p, tier)) {
            sorted++;
        } else if (isolate_folio(m, sc, p)) {
            batch[isolated++] = p;
        } else {
            mg_del(m, p);                               /* list_move(&folio->lru, &moved) */
            skipped[nskipped++] = p;
        }
        if (!--remaining || (isolated > nskipped ? isolated : nskipped) >= MIN_LRU_BATCH)
            break;
    }
    for (uint32_t i = 0; i < nskipped; i++)             /* list_splice(&moved, head) */
        mg_add(m, l, skipped[i], 0);
    m->pgscan += isolated;
    m->pgrefill += sorted;
    *nbatch = isolated;
    return isolated || !remaining ? scanned : 0;
}

static uint32_t isolate_folios(mglru_t *m, const scan_control_t *sc, int swappiness, int *type_scanned,
                               pfn_t *batch, uint32_t *nbatch)
{
    int type = get_type_to_scan(m, swappiness);
    for (int i = first_type(swappiness); i <= last_type(swappiness); i++) {
        int tier = get_tier_idx(m, type);
        *type_scanned = type;
        uint32_t scanned = scan_folios(m, sc, type, tier, batch, nbatch);
        if (scanned)
            return scanned;
        type = !type;
    }
    *nbatch = 0;
    return 0;
}

/* folio_check_references, lru_gen_enabled() branch, with lru_gen_set_refs. */
static int folio_check_references(mglru_t *m, pfn_t p)
{
    if (!folio_referenced(m, p))
        return FOLIOREF_RECLAIM;
    if (!(m->flags[p] & (PG_REFERENCED | PG_WORKINGSET))) {
        m->flags[p] = (uint8_t)((m->flags[p] & ~LRU_REFS_MASK) | PG_REFERENCED);
        return FOLIOREF_KEEP;
    }
    m->flags[p] = (uint8_t)((m->flags[p] & ~LRU_REFS_FLAGS) | PG_WORKINGSET);
    return FOLIOREF_ACTIVATE;
}

/* evict_folios with shrink_folio_list: reclaimed pages go to the isolated list in order. */
static uint32_t evict_folios(mglru_t *m, scan_control_t *sc, int swappiness)
{
    pfn_t batch[MIN_LRU_BATCH];
    uint32_t nbatch = 0;
    int type = LRU_GEN_FILE;
    uint32_t scanned = isolate_folios(m, sc, swappiness, &type, batch, &nbatch);
    scanned += (uint32_t)try_to_inc_min_seq(m, swappiness);
    if (evictable_min_seq(m->min_seq, swappiness) + MIN_NR_GENS > m->max_seq)
        scanned = 0;
    if (!nbatch)
        return scanned;
    uint32_t nkept = 0;
    for (uint32_t i = 0; i < nbatch; i++) {
        pfn_t p = batch[i];
        int refs = folio_check_references(m, p);
        if (refs == FOLIOREF_RECLAIM) {
            m->pgsteal++;
            m->pgpageout += (uint64_t)m->env->is_dirty(m->env->eng, p);
            mg_add(m, MG_ISOLATED, p, 0);
            sc->nr_reclaimed++;
            continue;
        }
        if (refs == FOLIOREF_ACTIVATE) {
            m->flags[p] |= PG_ACTIVE;
            m->pgactivate++;
        }
        batch[nkept++] = p;
    }
    for (uint32_t i = 0; i < nkept; i++) {              /* don't add rejected folios to the oldest generation */
        pfn_t p = batch[i];
        if (lru_gen_folio_seq(m, p, 0) == m->min_seq[mg_type(m, p)])
            m->flags[p] = (uint8_t)((m->flags[p] & ~LRU_REFS_FLAGS) | PG_ACTIVE);
    }
    for (uint32_t i = 0; i < nkept; i++)                /* move_folios_to_lru */
        lru_gen_add_folio(m, batch[i], 0);
    return scanned;
}

/* should_run_aging: 1 if the aging should (or must) run; *nr_to_scan the evictable pages. */
static int should_run_aging(const mglru_t *m, int swappiness, uint64_t *nr_to_scan)
{
    uint64_t emin = evictable_min_seq(m->min_seq, swappiness);
    *nr_to_scan = 0;
    if (emin + MIN_NR_GENS > m->max_seq)
        return 1;
    uint64_t size = 0;
    for (int type = first_type(swappiness); type <= last_type(swappiness); type++)
        for (uint64_t seq = m->min_seq[type]; seq <= m->max_seq; seq++) {
            int64_t v = m->nr_pages[lru_gen_from_seq(seq)][type];
            size += v > 0 ? (uint64_t)v : 0;
        }
    *nr_to_scan = size;
    return emin + MIN_NR_GENS == m->max_seq;
}

static int64_t get_nr_to_scan(mglru_t *m, const scan_control_t *sc, int swappiness)
{
    uint64_t nr_to_scan;
    int success = should_run_aging(m, swappiness, &nr_to_scan);
    if (!success || sc->priority == DEF_PRIORITY)
        return (int64_t)(nr_to_scan >> sc->priority);
    return try_to_inc_max_seq(m) ? -1 : 0;
}

/* should_abort_scan: memcg reclaim never aborts; root reclaim once it has enough. */
static int should_abort_scan(const scan_control_t *sc)
{
    return sc->root && sc->nr_reclaimed >= (sc->nr_to_reclaim > 2 ? sc->nr_to_reclaim : 2);
}

static void try_to_shrink_lruvec(mglru_t *m, scan_control_t *sc)
{
    uint64_t scanned = 0;
    for (;;) {
        int64_t nr_to_scan = get_nr_to_scan(m, sc, m->swappiness);
        if (nr_to_scan <= 0)
            break;
        uint32_t delta = evict_folios(m, sc, m->swappiness);
        if (!delta)
            break;
        scanned += delta;
        if (scanned >= (uint64_t)nr_to_scan || should_abort_scan(sc))
            break;
    }
}

static int fls64(uint64_t x)
{
    int r = 0;
    for (; x; x >>= 1)
        r++;
    return r;
}

/* set_initial_priority (root reclaim): reclaimable = the inactive pages (generations older
 * than max_seq - 1: lru_gen_is_active), both types (swap is always there). */
static void set_initial_priority(const mglru_t *m, scan_control_t *sc)
{
    if (sc->priority != DEF_PRIORITY || sc->nr_to_reclaim < MIN_LRU_BATCH)
        return;
    uint64_t reclaimable = 0;
    for (int type = 0; type < ANON_AND_FILE; type++)
        for (uint64_t seq = m->min_seq[type]; seq + 1 < m->max_seq; seq++) {
            int64_t v = m->nr_pages[lru_gen_from_seq(seq)][type];
            reclaimable += v > 0 ? (uint64_t)v : 0;
        }
    int priority = fls64(reclaimable) - 1 - fls64(sc->nr_to_reclaim - 1);
    sc->priority = priority < DEF_PRIORITY / 2 ? DEF_PRIORITY / 2 :
                   priority > DEF_PRIORITY ? DEF_PRIORITY : priority;
}

/* do_try_to_free_pages as try_to_free_mem_cgroup_pages calls it (memcg_full_walk retry). */
static void do_try_to_free_pages(mglru_t *m, scan_control_t *sc)
{
    for (int pass = 0; pass < 2 && !sc->nr_reclaimed; pass++)
        for (sc->priority = DEF_PRIORITY; sc->priority >= 0; sc->priority--) {
            try_to_shrink_lruvec(m, sc);
            if (sc->nr_reclaimed >= sc->nr_to_reclaim)
                return;
        }
}

/* balance_pgdat for the frames wanted: lru_gen_shrink_node at falling priority, to 1. */
static void balance_pgdat(mglru_t *m, scan_control_t *sc)
{
    sc->priority = DEF_PRIORITY;
    set_initial_priority(m, sc);
    for (; sc->priority >= 1 && sc->nr_reclaimed < sc->nr_to_reclaim; sc->priority--)
        try_to_shrink_lruvec(m, sc);
}

/* ------------------------------------------------------------------ the hooks */

static void mglru_destroy(void *state)
{
    mglru_t *m = state;
    if (!m)
        return;
    free(m->next);
    free(m->prev);
    free(m->list);
    free(m->gen);
    free(m->flags);
    free(m->pids);
    free(m->walked_at);
    if (m->pending.s)
        u64map_free(&m->pending);
    free(m);
}

static int mglru_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    int swappiness = 60;
    *state = NULL;
    if (repl_kernel_params(env, params, &swappiness, err))
        return -1;
    mglru_t *m = calloc(1, sizeof *m);
    if (!m)
        return repl_create_nomem(env, err);
    m->env = env;
    m->n = env->nframes;
    m->next = repl_pfn_array(m->n);
    m->prev = repl_pfn_array(m->n);
    m->list = malloc(m->n);
    m->gen = malloc(m->n);
    m->flags = calloc(m->n, 1);
    if (!m->next || !m->prev || !m->list || !m->gen || !m->flags) {
        mglru_destroy(m);
        return repl_create_nomem(env, err);
    }
    memset(m->list, MG_NONE, m->n);
    memset(m->gen, MG_NONE, m->n);
    for (int l = 0; l < MG_NLISTS; l++)
        m->head[l] = PFN_NONE;
    u64map_init(&m->pending);
    m->swappiness = swappiness;
    m->max_seq = MIN_NR_GENS + 1;                       /* lru_gen_init_lruvec */
    *state = m;
    return 0;
}

/* The mm list (lru_gen_add_mm at fork and exec, lru_gen_del_mm at exit). */
static void mglru_on_proc(void *state, spid_t pid, repl_proc_event_t event)
{
    mglru_t *m = state;
    uint32_t i = 0;
    while (i < m->npids && m->pids[i] != pid)
        i++;
    if (event == REPL_PROC_EXIT) {
        if (i < m->npids) {                             /* keep the list's order */
            memmove(m->pids + i, m->pids + i + 1, (m->npids - i - 1) * sizeof *m->pids);
            memmove(m->walked_at + i, m->walked_at + i + 1, (m->npids - i - 1) * sizeof *m->walked_at);
            m->npids--;
        }
        return;
    }
    if (i < m->npids) {
        m->walked_at[i] = 0;                            /* exec: a new mm, walk it */
        return;
    }
    if (m->npids == m->cap_pids) {
        uint32_t cap = m->cap_pids ? 2 * m->cap_pids : 16;
        spid_t *p = realloc(m->pids, cap * sizeof *p);
        if (p)
            m->pids = p;
        vtime_t *w = realloc(m->walked_at, cap * sizeof *w);
        if (w)
            m->walked_at = w;
        if (!p || !w)
            return;                                     /* (not walked: seen by the rmap) */
        m->cap_pids = cap;
    }
    m->pids[m->npids] = pid;
    m->walked_at[m->npids++] = 0;
}

/* lru_gen_in_fault: the page comes in for a reference through a page table (a fault, its
 * readahead or swap clustering), not for a buffered read or write, fadvise or madvise
 * willneed (repl.h: those have no vpn). */
static int mg_in_fault(const mem_ref_t *ref)
{
    return ref->vpn != REPL_VPN_NONE;
}

/* lru_gen_refault (with lru_gen_test_recent): decided at the miss, applied at the insert. */
static void mglru_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page,
                          const uint64_t *shadow)
{
    mglru_t *m = state;
    u64map_del(&m->pending, page->key);     /* (a prefetch given up after its miss) */
    if (!shadow)
        return;
    int type = page->kind == PAGE_FILE;
    uint64_t token = *shadow >> 1, seq = token >> LRU_REFS_WIDTH;
    int workingset = (int)(*shadow & 1);
    m->ws_refault[type]++;
    uint64_t diff = m->max_seq > seq ? m->max_seq - seq : seq - m->max_seq;
    if (diff >= MAX_NR_GENS)
        return;
    int refs = (int)(token & ((1u << LRU_REFS_WIDTH) - 1)) + 1;
    m->refaulted[type][lru_tier_from_refs(refs, workingset)]++;
    if (mg_in_fault(ref))
        m->ws_activate[type]++;                         /* lru_gen_in_fault() */
    uint64_t flags;
    if (workingset) {
        flags = PG_WORKINGSET;
        m->ws_restore[type]++;
    } else {
        flags = (uint64_t)(refs - 1) << LRU_REFS_PGOFF;
    }
    if (flags)
        u64map_put(&m->pending, page->key, flags);
}

/* folio_add_lru: PG_active in a fault, then lru_gen_add_folio. */
static void mglru_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    mglru_t *m = state;
    uint64_t *pend = u64map_find(&m->pending, page->key);
    unsigned flags = pend ? (unsigned)*pend : 0;
    if (pend)
        u64map_del(&m->pending, page->key);
    m->flags[pfn] = (uint8_t)(flags | (page->kind == PAGE_FILE ? PG_FILE : 0) | (mg_in_fault(ref) ? PG_ACTIVE : 0));
    lru_gen_add_folio(m, pfn, 0);
}

/* lru_gen_eviction: the shadow is (min_seq[type] << LRU_REFS_WIDTH | max(refs - 1, 0)) << 1
 * | PG_workingset, and the tier's evicted count grows. */
static int mglru_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    mglru_t *m = state;
    int type = mg_type(m, pfn), refs = folio_lru_refs(m, pfn), ws = folio_workingset(m, pfn);
    if (m->gen[pfn] != MG_NONE)
        lru_gen_del_folio(m, pfn);
    else
        mg_del(m, pfn);
    m->flags[pfn] = 0;
    if (why != REPL_EVICT && why != REPL_RELEASE)
        return 0;
    m->evicted[type][lru_tier_from_refs(refs, ws)]++;
    uint64_t token = m->min_seq[type] << LRU_REFS_WIDTH | (uint64_t)(refs > 1 ? refs - 1 : 0);
    *shadow = (token & (UINT64_MAX >> 1)) << 1 | (uint64_t)ws;
    return 1;
}

/* folio_mark_accessed -> lru_gen_inc_refs. A page already reclaimed (isolated) is left. */
static void mglru_on_access(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    mglru_t *m = state;
    (void)ref;
    assert(m->list[pfn] != MG_NONE);
    if (m->list[pfn] == MG_ISOLATED)
        return;
    unsigned f = m->flags[pfn];
    if (!(f & PG_REFERENCED))
        f = (f & ~LRU_REFS_MASK) | PG_REFERENCED;
    else if ((f & LRU_REFS_MASK) == LRU_REFS_MASK)
        f |= PG_WORKINGSET;
    else
        f += 1u << LRU_REFS_PGOFF;
    m->flags[pfn] = (uint8_t)f;
}

/* The oldest isolated page the request allows, or PFN_NONE. */
static pfn_t isolated_victim(const mglru_t *m, const repl_req_t *req)
{
    pfn_t p = mg_tail(m, MG_ISOLATED);
    for (uint32_t i = 0; i < m->count[MG_ISOLATED]; i++, p = m->prev[p])
        if (repl_req_allows(m->env, req, p))
            return p;
    return PFN_NONE;
}

static pfn_t mglru_select_victim(void *state, const repl_req_t *req)
{
    mglru_t *m = state;
    pfn_t v = isolated_victim(m, req);
    if (v != PFN_NONE)
        return v;
    uint64_t want = req->count > SWAP_CLUSTER_MAX ? req->count : SWAP_CLUSTER_MAX;
    scan_control_t sc = {.req = req->local ? req : NULL};
    m->passes++;
    if (req->reason == REPL_REQ_BACKGROUND) {
        sc.root = 1;
        sc.nr_to_reclaim = req->count;
        balance_pgdat(m, &sc);
        if (sc.nr_reclaimed)
            goto done;
        m->kswapd_fallback++;
    }
    /* try_charge_memcg: once, once more after draining the stock, MAX_RECLAIM_RETRIES more. */
    for (int call = 0; call < 2 + MAX_RECLAIM_RETRIES && !sc.nr_reclaimed; call++) {
        sc = (scan_control_t){.req = req->local ? req : NULL, .nr_to_reclaim = want};
        do_try_to_free_pages(m, &sc);
    }
done:
    v = isolated_victim(m, req);
    if (v != PFN_NONE)
        return v;
    /* Nothing reclaimable after every retry: the kernel would OOM-kill. */
    for (int k = 0; k < 2; k++) {
        int type = k == 0 ? LRU_GEN_FILE : LRU_GEN_ANON;
        for (uint64_t seq = m->min_seq[type]; seq <= m->max_seq; seq++) {
            int l = mg_list_of(lru_gen_from_seq(seq), type);
            pfn_t p = mg_tail(m, l);
            for (uint32_t i = 0; i < m->count[l]; i++, p = m->prev[p]) {
                if (repl_req_allows(m->env, req, p)) {
                    m->forced++;
                    return p;
                }
            }
        }
    }
    assert(!"mglru: no tracked frame the request allows");
    return PFN_NONE;
}

static int mglru_check(void *state, const uint8_t *resident)
{
    mglru_t *m = state;
    uint32_t seen[MG_NLISTS] = {0};
    int64_t by_gen[MAX_NR_GENS][ANON_AND_FILE] = {{0}};
    for (int type = 0; type < ANON_AND_FILE; type++)
        if (get_nr_gens(m, type) < MIN_NR_GENS || get_nr_gens(m, type) > MAX_NR_GENS)
            return -1;
    for (pfn_t p = 0; p < m->n; p++) {
        int l = m->list[p];
        if ((l != MG_NONE) != repl_bit(resident, p))
            return -1;
        if (l == MG_NONE)
            continue;
        if (l >= MG_NLISTS || m->next[p] >= m->n || m->prev[m->next[p]] != p ||
            m->list[m->next[p]] != l)
            return -1;
        seen[l]++;
        if (l == MG_ISOLATED) {
            if (m->gen[p] != MG_NONE)
                return -1;
            continue;
        }
        int type = mg_type(m, p);
        unsigned gen = m->gen[p];
        if (l % ANON_AND_FILE != type || gen >= MAX_NR_GENS || (m->flags[p] & PG_ACTIVE))
            return -1;
        /* the list's and the field's generations are live ones of the type, and the field is
         * never older than the list (the aging only promotes) */
        uint64_t lseq = 0, gseq = 0;
        int lok = 0, gok = 0;
        for (uint64_t seq = m->min_seq[type]; seq <= m->max_seq; seq++) {
            if (lru_gen_from_seq(seq) == (unsigned)(l / ANON_AND_FILE))
                lseq = seq, lok = 1;
            if (lru_gen_from_seq(seq) == gen)
                gseq = seq, gok = 1;
        }
        if (!lok || !gok || (gseq < lseq && (type == LRU_GEN_FILE || m->swappiness)))
            return -1;                                  /* (anon at swappiness 0: inc_min_seq
                                                           rotates without sorting) */
        by_gen[gen][type]++;
    }
    for (int l = 0; l < MG_NLISTS; l++) {
        if (seen[l] != m->count[l] || (m->count[l] == 0) != (m->head[l] == PFN_NONE))
            return -1;
        pfn_t x = m->head[l];
        for (uint32_t i = 0; i < m->count[l]; i++, x = m->next[x])
            if (m->list[x] != l || (i && x == m->head[l]))
                return -1;
        if (m->count[l] && x != m->head[l])
            return -1;
    }
    for (unsigned g = 0; g < MAX_NR_GENS; g++)
        for (int type = 0; type < ANON_AND_FILE; type++)
            if (by_gen[g][type] != m->nr_pages[g][type])
                return -1;
    return 0;
}

static void mglru_stats(void *state, json_t *obj)
{
    mglru_t *m = state;
    const struct { const char *k; uint64_t v; } c[] = {
        {"max_seq", m->max_seq}, {"min_seq_anon", m->min_seq[0]}, {"min_seq_file", m->min_seq[1]},
        {"nr_isolated", m->count[MG_ISOLATED]},
        {"pgscan", m->pgscan}, {"pgsteal", m->pgsteal}, {"pgrefill", m->pgrefill},
        {"pgactivate", m->pgactivate}, {"pgpageout", m->pgpageout},
        {"agings", m->agings}, {"walk_ptes", m->walk_ptes}, {"walk_young", m->walk_young},
        {"walk_promoted", m->walk_promoted}, {"walk_skipped_mms", m->walk_skipped},
        {"workingset_refault_anon", m->ws_refault[0]}, {"workingset_refault_file", m->ws_refault[1]},
        {"workingset_activate_anon", m->ws_activate[0]}, {"workingset_activate_file", m->ws_activate[1]},
        {"workingset_restore_anon", m->ws_restore[0]}, {"workingset_restore_file", m->ws_restore[1]},
        {"dirty_deferred", m->dirty_deferred}, {"reclaim_passes", m->passes},
        {"forced", m->forced}, {"kswapd_fallback", m->kswapd_fallback},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        json_object_set_new(obj, c[i].k, json_integer((json_int_t)c[i].v));
    for (int type = 0; type < ANON_AND_FILE; type++) {
        char k[32];
        for (uint64_t seq = m->min_seq[type]; seq <= m->max_seq; seq++) {
            snprintf(k, sizeof k, "%s_gen%llu", type ? "file" : "anon", (unsigned long long)seq);
            json_object_set_new(obj, k, json_integer((json_int_t)m->nr_pages[lru_gen_from_seq(seq)][type]));
        }
    }
}

/* Each type's generations, oldest (the eviction's) first, each list from its tail (where
 * scan_folios takes pages): "^" before a page the aging promoted whose move is still due
 * (its generation is younger than its list's), "*" after one with PG_referenced, ":N" its
 * tier when above 0; then the isolated batch, oldest first, if any. */
static void mglru_explain(void *state, repl_explain_t *x)
{
    const mglru_t *m = state;
    char name[32], post[8];
    for (int type = 0; type < ANON_AND_FILE; type++) {
        for (uint64_t seq = m->min_seq[type]; seq <= m->max_seq; seq++) {
            unsigned gen = lru_gen_from_seq(seq);
            int l = mg_list_of(gen, type);
            snprintf(name, sizeof name, "%s%llu", type ? "file" : "anon", (unsigned long long)seq);
            x->begin(x, name);
            pfn_t p = mg_tail(m, l);
            for (uint32_t i = 0; i < m->count[l]; i++, p = m->prev[p]) {
                int refs = folio_lru_refs(m, p), tier = lru_tier_from_refs(refs, folio_workingset(m, p));
                int n = 0;
                if (m->flags[p] & PG_REFERENCED)
                    post[n++] = '*';
                if (tier)
                    snprintf(post + n, sizeof post - (size_t)n, ":%d", tier);
                else
                    post[n] = 0;
                x->frame(x, p, m->gen[p] != gen ? "^" : NULL, post[0] ? post : NULL);
            }
            x->end(x);
        }
    }
    if (m->count[MG_ISOLATED]) {
        x->begin(x, "isolated");
        pfn_t p = mg_tail(m, MG_ISOLATED);
        for (uint32_t i = 0; i < m->count[MG_ISOLATED]; i++, p = m->prev[p])
            x->frame(x, p, NULL, NULL);
        x->end(x);
    }
}

const repl_ops_t repl_mglru = {
    .name = "mglru",
    .version = REPL_VERSION,
    .summary = "Linux 6.x multi-gen LRU: generations aged by PTE walks, tiers with a PID controller, swappiness (sees R bits)",
    .paper = "Linux mm/vmscan.c lru_gen, mm/workingset.c, Documentation/mm/multigen_lru.rst (6.18); Yu Zhao, 2022",
    .params = "swappiness=60",
    .flags = 0,
    .create = mglru_create,
    .destroy = mglru_destroy,
    .on_hit = NULL,
    .on_miss = mglru_on_miss,
    .select_victim = mglru_select_victim,
    .on_insert = mglru_on_insert,
    .on_remove = mglru_on_remove,
    .on_proc = mglru_on_proc,
    .check = mglru_check,
    .stats = mglru_stats,
    .on_access = mglru_on_access,
    .explain = mglru_explain,
};
