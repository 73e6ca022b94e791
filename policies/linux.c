/* linux.c - the Linux kernel's page reclaim: the classic (non-MGLRU) two-list LRU of
 * mm/vmscan.c, with mm/workingset.c's refault distances and mm/swap.c's LRU moves.
 *
 * Followed: Linux 6.x as this machine runs it (uname -r: 6.18.44). Read: mm/vmscan.c of
 * torvalds/linux commit 538d5baa (a 2025 tree, 6.14 or later: it has lru_gen_set_refs and
 * MAX_SWAPPINESS 200), mm/swap.c and mm/workingset.c of the 6.18 series (folio->flags.f,
 * lru_note_cost_unlock_irq, workingset_test_recent's flush argument), and a 6.5-era
 * mm/workingset.c to check that the classic path's rules did not move; they are the same
 * throughout 6.x, only locking and folio plumbing changed. Each static function below that
 * carries a kernel function's name follows that function, and each rule below names it. The
 * kernel's per-CPU batching (folio_batch, lru_add_drain) is left out: it only delays list
 * moves by a few pages, non-deterministically.
 *
 * Lists (include/linux/mmzone.h, enum lru_list): inactive anon, active anon, inactive file,
 * active file, over one lruvec (the whole memory: pagesim has one node and no cgroup tree).
 * A list's head is where lruvec_add_folio puts pages, its tail is where isolate_lru_folios
 * takes them (lru_to_folio). Per page: PG_active (which list), PG_referenced, PG_workingset.
 *
 *  - New pages start inactive (folio_add_lru -> lru_add -> lruvec_add_folio: head of the
 *    inactive list of their kind; anonymous pages too, since 5.9), unless a refault
 *    activated them (below).
 *  - References are seen only through the referenced (young) bits of the page's mappings,
 *    as the kernel sees them (on_hit is NULL); env->referenced is folio_referenced.
 *  - Reclaim examines the inactive tail (shrink_inactive_list -> shrink_folio_list ->
 *    folio_check_references): referenced by one mapping, PG_referenced set and the page
 *    kept ("look twice": FOLIOREF_KEEP, back to the inactive head); referenced by more than
 *    one mapping, or referenced again with PG_referenced already set, or a file page
 *    referenced through an executable mapping: activated (FOLIOREF_ACTIVATE, to the active
 *    head, PG_referenced staying set). Not referenced: reclaimed, unless only PG_referenced
 *    was set on a dirty file page (FOLIOREF_RECLAIM_CLEAN: kept).
 *  - The active tail (shrink_active_list): a page referenced there stays active only if it
 *    is a file page mapped executable (rotated to the active head); every other page is
 *    deactivated to the inactive head with PG_workingset set, its young bits cleared by
 *    folio_referenced and PG_referenced left as it was (so a deactivated page used once more
 *    is activated at once: folio_check_references' note).
 *  - folio_mark_accessed (on_access): the first mark sets PG_referenced, the second
 *    activates an inactive page (clearing PG_referenced; workingset_activation ages the
 *    non-resident clock). The engine calls it where the kernel does for mapped pages: a
 *    young mapping of a file or shared page torn down (zap_pte_range), and each buffered
 *    `read` record (sim/fileio.c, as filemap_read: once per page per read, not for a read
 *    that continues in the page the previous one ended in); writes do not mark
 *    (generic_perform_write takes its folio without FGP_ACCESSED).
 *  - Refaults (workingset_eviction, workingset_test_recent, workingset_refault): one
 *    non-resident age counter for the lruvec (lruvec->nonresident_age), advanced by one at
 *    every eviction and every activation (workingset_age_nonresident: move_folios_to_lru of
 *    an active page, folio_mark_accessed, a refault's activation). An eviction leaves the
 *    counter's value and PG_workingset as the page's shadow (the engine keeps it with the
 *    page's identity, as the kernel keeps it in the page cache or swap slot). At the miss the
 *    refault distance (age now - age at eviction) is compared with the workingset size:
 *    active file, plus inactive file for an anonymous page, plus active anon (swap is always
 *    there in pagesim), plus inactive anon for a file page. Within it the page comes back
 *    active, and if it was active before its eviction (PG_workingset) the refault is charged
 *    as I/O cost to its kind (lru_note_cost_refault).
 *  - Balance (inactive_is_low): an inactive list is low when inactive * ratio < active, ratio
 *    = int_sqrt(10 * GB of the kind's two lists), or 1 below a gigabyte. The active list is
 *    shrunk (may_deactivate, prepare_scan_control) when its inactive list is low or pages of
 *    that kind refaulted into activation since the last reclaim (snapshot_refaults).
 *  - Scan balance (get_scan_count): swappiness (default 60, 0..200 = MAX_SWAPPINESS) against
 *    the recent cost of each kind (lru_note_cost: 32 per page written or refaulted from the
 *    workingset, 1 per page rotated or kept; halved when the sum passes a quarter of the
 *    LRU pages), with at least a third of the pressure on each before swappiness
 *    (SCAN_FRACT); all file (cache_trim_mode) when the inactive file list is large at this
 *    priority and not thrashing; both by size at priority 0 (SCAN_EQUAL); under cgroup
 *    reclaim swappiness 0 scans file only. Each list is scanned size >> priority.
 *  - Batches (shrink_lruvec): each list's target is taken SWAP_CLUSTER_MAX (32) at a time,
 *    in list order, until enough is reclaimed; then the kind with less left stops and the
 *    other is cut to its proportion (the "proportional nudge"). Then, if inactive anon is
 *    low, 32 pages of active anon are aged.
 *  - The priority loop: a direct request is cgroup limit reclaim (try_to_free_mem_cgroup_pages:
 *    the frames are a memory cgroup's memory.max, as scripts/kernel-check runs the kernel):
 *    do_try_to_free_pages from DEF_PRIORITY 12 down to 0 until max(count, 32) pages are
 *    reclaimed, then again with memcg_full_walk, then with force_deactivate if an active list
 *    was skipped; a charge that reclaimed nothing calls it again, up to 17 more times
 *    (try_charge_memcg: once after draining the stock, then MAX_RECLAIM_RETRIES).
 *    A background request (the engine's kswapd) is balance_pgdat: kswapd_age_node,
 *    then kswapd_shrink_node at falling priority until the frames wanted are reclaimed;
 *    kswapd stops at priority 1, and when it reclaimed nothing (kswapd_failures) the frame
 *    is reclaimed as a direct request would be, as the allocation kswapd could not serve
 *    would then do (stats.kswapd_fallback).
 *
 * How the engine's one-victim-at-a-time requests map to batch reclaim: the reclaimed pages
 * of a pass (shrink_folio_list's free list) are kept, in the order the pass reclaimed them,
 * on a sixth list, "isolated": off the LRU, as the kernel's freed pages are. select_victim
 * hands out the oldest allowed one; only when none is left does it run a reclaim pass. So a
 * pass reclaims at least 32 pages, as the kernel's does, and the next faults take them one by
 * one as they would take the free pages the kernel made. Pages on the isolated list stay
 * resident until handed out (the engine evicts one frame per request): a reference to one
 * there is a hit here where the kernel, having freed it, would refault; it is evicted all
 * the same, and its shadow then brings it back active at its next miss (its distance is
 * small). Deterministic: no randomness, ties are list order.
 *
 * Deviations, each because pagesim has no such state: no mlock (VM_LOCKED), no zones or
 * NUMA, no memory.low/min protection, no per-CPU batches; dirty pages are reclaimed at once
 * (the engine writes them back at eviction, the request waits) where the kernel defers dirty
 * file pages to the flusher (activating them with PG_reclaim) and frees written swap pages on
 * a later pass; they count as written for lru_note_cost. MADV_RANDOM / MADV_SEQUENTIAL areas
 * (vma_has_recency: their references are ignored) are the engine's: env->referenced skips
 * their mappings (sim/mmu.c), as folio_referenced's invalid_vma does. Local replacement (req->local) scans the shared lists but
 * isolates only the faulting process's pages, passing over the others where they are, as
 * isolate_lru_folios passes over pages of ineligible zones. When a request finds nothing to
 * reclaim after every retry (swappiness 0 with anonymous pages only, or pages referenced
 * faster than reclaim clears them) the kernel would OOM-kill; here the tail of the first non-empty list (inactive file,
 * inactive anon, active file, active anon) that the request allows is taken (stats.forced).
 *
 * Validated against this machine's kernel by scripts/kernel-check (README, "Validation against
 * the real kernel"; the kernel's figures in tests/data/kernel_golden.txt, checked by
 * tests/kernel_golden.sh): buffered reads of 8 patterns in a 16 and a 32 MiB memory cgroup,
 * within 3.1% of the kernel's median on every one but a moving working set, which is within the
 * kernel's own spread. Not modelled, found there: the LRU sizes inactive_is_low and
 * workingset_test_recent read (lruvec_page_state) are, under a memory cgroup, rstat counters
 * the kernel flushes every 2 s (FLUSH_TIME; mem_cgroup_flush_stats_ratelimited flushes only
 * when that is late), so between flushes it decides with stale sizes and a working set that
 * moves is not aged off the active list until the next flush; here the sizes are exact, as
 * the kernel's are when memory.stat is read continuously (kernel-check --fresh-stats: the
 * moving working set at 16 MiB then takes 8942-9005 reads over 5 runs, linux 9034, where the
 * kernel as it runs spreads from 9002 to 16744). Time-driven (real seconds), so left out.
 *
 * Cost: no work on a hit. A fault that finds an isolated page: O(1) (O(isolated) for a local
 * request). A reclaim pass scans what the kernel would scan: about 32 pages per 32 reclaimed
 * when the inactive tail is cold, up to the whole of the lists at priority 0. Memory: per
 * frame two links and two bytes (10 bytes); a hash entry per miss whose refault activates
 * until its page is inserted.
 */
#include "repl_kernel.h"
#include "sim/base/u64map.h"

#include <stdio.h>

enum {
    LRU_INACTIVE_ANON = 0, LRU_ACTIVE_ANON = 1, LRU_INACTIVE_FILE = 2, LRU_ACTIVE_FILE = 3,
    NR_LRU_LISTS = 4,
    LX_ISOLATED = 4,          /* reclaimed by a pass, not yet handed to the engine */
    LX_NLISTS = 5,
    LX_NONE = 0xff,           /* not tracked */
};
#define LRU_ACTIVE 1
#define LRU_FILE 2
#define SWAP_CLUSTER_MAX 32u
#define DEF_PRIORITY 12
#define MAX_RECLAIM_RETRIES 16

/* Per-page flags (include/linux/page-flags.h). PG_active is the list. */
enum { PG_REFERENCED = 1u << 0, PG_WORKINGSET = 1u << 1, PG_FILE = 1u << 2 };
/* A pending refault decision (on_miss -> on_insert). */
enum { PEND_ACTIVE = 1u << 0, PEND_WORKINGSET = 1u << 1 };
/* folio_check_references's verdicts. */
enum { FOLIOREF_RECLAIM, FOLIOREF_RECLAIM_CLEAN, FOLIOREF_KEEP, FOLIOREF_ACTIVATE };
/* sc->may_deactivate bits: 1 << is_file_lru(lru). */
enum { DEACTIVATE_ANON = 1, DEACTIVATE_FILE = 2 };
enum { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

typedef struct linux_state {
    const repl_env_t *env;
    uint32_t n;
    pfn_t *next, *prev;                  /* by frame: links of its list */
    uint8_t *list;                       /* by frame: its list, LX_NONE if untracked */
    uint8_t *flags;                      /* by frame: PG_* */
    pfn_t head[LX_NLISTS];               /* newest (lruvec_add_folio); prev[head] = tail */
    uint32_t count[LX_NLISTS];
    uint64_t nonresident_age;            /* lruvec->nonresident_age */
    uint64_t anon_cost, file_cost;       /* lruvec->anon_cost, file_cost */
    uint64_t ws_activate[2];             /* WORKINGSET_ACTIVATE_{ANON,FILE} */
    uint64_t refaults_snap[2];           /* lruvec->refaults[], snapshot_refaults */
    u64map_t pending;                    /* page key -> PEND_* decided at its miss */
    int swappiness;
    unsigned page_shift;
    /* counters (policy.stats), vmstat's names */
    uint64_t pgscan, pgsteal, pgactivate, pgdeactivate, pgrefill, pgrotated, pgpageout;
    uint64_t ws_refault[2], ws_restore[2], forced, passes, kswapd_fallback;
} linux_t;

typedef struct scan_control {
    uint64_t nr_to_reclaim, nr_reclaimed, nr_scanned;
    uint64_t anon_cost, file_cost;
    uint64_t wanted;                     /* kswapd: frames wanted (high watermark - free) */
    int priority, swappiness;
    unsigned may_deactivate;
    int force_deactivate, skipped_deactivate, cache_trim_mode, cache_trim_mode_failed;
    int no_cache_trim_mode, file_is_tiny, memcg_full_walk;
    int kswapd, cgroup;                  /* current_is_kswapd(), cgroup_reclaim(sc) */
    const repl_req_t *req;               /* a local request isolates only its own pages */
} scan_control_t;

/* ------------------------------------------------------------------ the lists */

static void lx_add(linux_t *lx, int l, pfn_t p)
{
    assert(lx->list[p] == LX_NONE);
    pfn_t h = lx->head[l];
    if (h == PFN_NONE) {
        lx->next[p] = lx->prev[p] = p;
        lx->head[l] = p;
    } else {
        pfn_t t = lx->prev[h];
        lx->next[p] = h;
        lx->prev[p] = t;
        lx->next[t] = p;
        lx->prev[h] = p;
        lx->head[l] = p;
    }
    lx->list[p] = (uint8_t)l;
    lx->count[l]++;
}

static void lx_del(linux_t *lx, pfn_t p)
{
    int l = lx->list[p];
    assert(l < LX_NLISTS);
    if (lx->next[p] == p) {
        lx->head[l] = PFN_NONE;
    } else {
        lx->next[lx->prev[p]] = lx->next[p];
        lx->prev[lx->next[p]] = lx->prev[p];
        if (lx->head[l] == p)
            lx->head[l] = lx->next[p];
    }
    lx->next[p] = lx->prev[p] = PFN_NONE;
    lx->list[p] = LX_NONE;
    lx->count[l]--;
}

static pfn_t lx_tail(const linux_t *lx, int l)
{
    return lx->head[l] == PFN_NONE ? PFN_NONE : lx->prev[lx->head[l]];
}

static int lx_is_file(const linux_t *lx, pfn_t p)
{
    return (lx->flags[p] & PG_FILE) != 0;
}

/* The inactive list of p's kind, and its active list. */
static int lx_base(const linux_t *lx, pfn_t p)
{
    return lx_is_file(lx, p) ? LRU_FILE : 0;
}

static uint64_t lx_lru_pages(const linux_t *lx)
{
    return (uint64_t)lx->count[0] + lx->count[1] + lx->count[2] + lx->count[3];
}

/* ------------------------------------------------------------------ kernel helpers */

/* lib/math/int_sqrt.c: the integer square root, rounded down. */
static uint64_t int_sqrt(uint64_t x)
{
    uint64_t r = 0;
    for (uint64_t bit = 1ULL << 62; bit; bit >>= 2) {
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    }
    return r;
}

/* mm/workingset.c workingset_age_nonresident: the lruvec aged by nr pages. */
static void age_nonresident(linux_t *lx, uint64_t nr)
{
    lx->nonresident_age += nr;
}

/* mm/swap.c lru_note_cost (6.18: lru_note_cost_unlock_irq): I/O costs 32 a page, a
 * rotation 1; both decay by half once they pass a quarter of the LRU pages. */
static void lru_note_cost(linux_t *lx, int file, uint64_t nr_io, uint64_t nr_rotated)
{
    uint64_t cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated;
    if (!cost)
        return;
    if (file)
        lx->file_cost += cost;
    else
        lx->anon_cost += cost;
    if (lx->file_cost + lx->anon_cost > lx_lru_pages(lx) / 4) {
        lx->file_cost /= 2;
        lx->anon_cost /= 2;
    }
}

/* mm/vmscan.c inactive_is_low. */
static int inactive_is_low(const linux_t *lx, int inactive_lru)
{
    uint64_t inactive = lx->count[inactive_lru], active = lx->count[inactive_lru + LRU_ACTIVE];
    uint64_t gb = (inactive + active) >> (30 - lx->page_shift);
    uint64_t ratio = gb ? int_sqrt(10 * gb) : 1;
    return inactive * ratio < active;
}

/* mm/rmap.c folio_referenced: the mappings that referenced p (their young bits cleared). */
static uint32_t folio_referenced(linux_t *lx, pfn_t p, unsigned *vm_flags)
{
    const repl_env_t *env = lx->env;
    if (env->referenced)
        return env->referenced(env->eng, p, vm_flags);
    *vm_flags = 0;
    return (uint32_t)env->test_clear_ref(env->eng, p);
}

/* mm/vmscan.c folio_check_references (the classic path: lru_gen disabled). */
static int folio_check_references(linux_t *lx, pfn_t p)
{
    unsigned vm_flags;
    uint32_t referenced_ptes = folio_referenced(lx, p, &vm_flags);
    int referenced_folio = (lx->flags[p] & PG_REFERENCED) != 0;
    lx->flags[p] &= (uint8_t)~PG_REFERENCED;            /* folio_test_clear_referenced */
    if (referenced_ptes) {
        lx->flags[p] |= PG_REFERENCED;                  /* folio_set_referenced */
        if (referenced_folio || referenced_ptes > 1)
            return FOLIOREF_ACTIVATE;
        if ((vm_flags & REPL_VM_EXEC) && lx_is_file(lx, p))
            return FOLIOREF_ACTIVATE;                   /* executable file pages */
        return FOLIOREF_KEEP;
    }
    if (referenced_folio && lx_is_file(lx, p))
        return FOLIOREF_RECLAIM_CLEAN;
    return FOLIOREF_RECLAIM;
}

/* mm/vmscan.c isolate_lru_folios: up to nr_to_scan pages from the tail of lru into out[],
 * oldest first. A local request passes over (leaves in place, uncounted) other processes'
 * pages. Returns how many were taken. */
static uint32_t isolate_lru_folios(linux_t *lx, const scan_control_t *sc, uint32_t nr_to_scan,
                                   int lru, pfn_t *out)
{
    uint32_t taken = 0, visits = lx->count[lru];
    /* Tail to head over the list as it was: deleting a visited page leaves the links of
     * the newer, unvisited ones alone. */
    for (pfn_t p = lx_tail(lx, lru); taken < nr_to_scan && visits; visits--) {
        pfn_t newer = lx->prev[p];
        if (!sc->req || repl_req_allows(lx->env, sc->req, p)) {
            lx_del(lx, p);
            out[taken++] = p;
        }
        p = newer;
    }
    return taken;
}

/* Back on the LRU (move_folios_to_lru -> lruvec_add_folio): an active page ages the
 * non-resident clock. */
static void putback(linux_t *lx, pfn_t p, int active)
{
    lx_add(lx, lx_base(lx, p) + (active ? LRU_ACTIVE : 0), p);
    if (active)
        age_nonresident(lx, 1);
}

/* mm/vmscan.c shrink_inactive_list and shrink_folio_list. Reclaimed pages go to the
 * isolated list in the order reclaimed. */
static uint64_t shrink_inactive_list(linux_t *lx, scan_control_t *sc, uint32_t nr_to_scan, int lru)
{
    pfn_t batch[SWAP_CLUSTER_MAX];
    int file = lru == LRU_INACTIVE_FILE;
    uint32_t nr_taken = isolate_lru_folios(lx, sc, nr_to_scan, lru, batch);
    if (!nr_taken)
        return 0;
    lx->pgscan += nr_taken;
    sc->nr_scanned += nr_taken;
    uint64_t nr_reclaimed = 0, nr_pageout = 0;
    for (uint32_t i = 0; i < nr_taken; i++) {
        pfn_t p = batch[i];
        int refs = folio_check_references(lx, p);
        int dirty = refs == FOLIOREF_RECLAIM || refs == FOLIOREF_RECLAIM_CLEAN ?
                    lx->env->is_dirty(lx->env->eng, p) : 0;
        if (refs == FOLIOREF_ACTIVATE) {
            lx->pgactivate++;
            putback(lx, p, 1);                          /* activate_locked */
        } else if (refs == FOLIOREF_KEEP || (refs == FOLIOREF_RECLAIM_CLEAN && dirty)) {
            putback(lx, p, 0);                          /* keep_locked */
        } else {
            nr_reclaimed++;
            nr_pageout += (uint64_t)dirty;              /* pageout() */
            lx_add(lx, LX_ISOLATED, p);              /* free_it */
        }
    }
    lx->pgsteal += nr_reclaimed;
    lx->pgpageout += nr_pageout;
    lru_note_cost(lx, file, nr_pageout, nr_taken - nr_reclaimed);
    return nr_reclaimed;
}

/* mm/vmscan.c shrink_active_list. */
static void shrink_active_list(linux_t *lx, scan_control_t *sc, uint32_t nr_to_scan, int lru)
{
    pfn_t batch[SWAP_CLUSTER_MAX];
    int file = lru == LRU_ACTIVE_FILE;
    uint32_t nr_taken = isolate_lru_folios(lx, sc, nr_to_scan, lru, batch);
    uint64_t nr_rotated = 0;
    lx->pgrefill += nr_taken;
    for (uint32_t i = 0; i < nr_taken; i++) {
        pfn_t p = batch[i];
        unsigned vm_flags;
        if (folio_referenced(lx, p, &vm_flags) && (vm_flags & REPL_VM_EXEC) && file) {
            nr_rotated++;                               /* one more trip: executable code */
            putback(lx, p, 1);
            continue;
        }
        lx->flags[p] |= PG_WORKINGSET;                  /* folio_set_workingset */
        lx->pgdeactivate++;
        putback(lx, p, 0);
    }
    lx->pgrotated += nr_rotated;
    if (nr_rotated)
        lru_note_cost(lx, file, 0, nr_rotated);
}

/* mm/vmscan.c shrink_list. */
static uint64_t shrink_list(linux_t *lx, scan_control_t *sc, int lru, uint32_t nr_to_scan)
{
    if (lru & LRU_ACTIVE) {
        if (sc->may_deactivate & (1u << (lru >= LRU_FILE)))
            shrink_active_list(lx, sc, nr_to_scan, lru);
        else
            sc->skipped_deactivate = 1;
        return 0;
    }
    return shrink_inactive_list(lx, sc, nr_to_scan, lru);
}

/* mm/vmscan.c get_scan_count (no memory.low/min protection: scan = size >> priority). */
static void get_scan_count(const linux_t *lx, const scan_control_t *sc, uint64_t *nr)
{
    int swappiness = sc->swappiness, balance;
    uint64_t fraction[2] = {0, 0}, denominator = 1;
    if (sc->cgroup && !swappiness)
        balance = SCAN_FILE;
    else if (!sc->priority && swappiness)
        balance = SCAN_EQUAL;
    else if (sc->file_is_tiny)
        balance = SCAN_ANON;
    else if (sc->cache_trim_mode)
        balance = SCAN_FILE;
    else {
        balance = SCAN_FRACT;
        uint64_t total_cost = sc->anon_cost + sc->file_cost;
        uint64_t anon_cost = total_cost + sc->anon_cost;
        uint64_t file_cost = total_cost + sc->file_cost;
        total_cost = anon_cost + file_cost;
        fraction[0] = (uint64_t)swappiness * (total_cost + 1) / (anon_cost + 1);
        fraction[1] = (uint64_t)(MAX_SWAPPINESS - swappiness) * (total_cost + 1) / (file_cost + 1);
        denominator = fraction[0] + fraction[1];
    }
    for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
        int file = lru >= LRU_FILE;
        uint64_t scan = (uint64_t)lx->count[lru] >> sc->priority;
        if (balance == SCAN_FRACT)
            scan = denominator ? scan * fraction[file] / denominator : 0;
        else if (balance == SCAN_FILE || balance == SCAN_ANON)
            scan = (balance == SCAN_FILE) == file ? scan : 0;
        nr[lru] = scan;
    }
}

/* mm/vmscan.c shrink_lruvec. */
static void shrink_lruvec(linux_t *lx, scan_control_t *sc)
{
    uint64_t nr[NR_LRU_LISTS], targets[NR_LRU_LISTS], nr_reclaimed = 0;
    get_scan_count(lx, sc, nr);
    memcpy(targets, nr, sizeof nr);
    int proportional_reclaim = !sc->cgroup && !sc->kswapd && sc->priority == DEF_PRIORITY;
    while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
        for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
            if (nr[lru]) {
                uint32_t nr_to_scan = nr[lru] < SWAP_CLUSTER_MAX ? (uint32_t)nr[lru] : SWAP_CLUSTER_MAX;
                nr[lru] -= nr_to_scan;
                nr_reclaimed += shrink_list(lx, sc, lru, nr_to_scan);
            }
        }
        if (nr_reclaimed < sc->nr_to_reclaim || proportional_reclaim)
            continue;
        /* The proportional nudge: stop the kind with less left, cut the other to its share. */
        uint64_t nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
        uint64_t nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
        if (!nr_file || !nr_anon)
            break;
        int lru;
        uint64_t percentage;
        if (nr_file > nr_anon) {
            uint64_t scan_target = targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1;
            lru = 0;
            percentage = nr_anon * 100 / scan_target;
        } else {
            uint64_t scan_target = targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1;
            lru = LRU_FILE;
            percentage = nr_file * 100 / scan_target;
        }
        nr[lru] = 0;
        nr[lru + LRU_ACTIVE] = 0;
        lru = lru == LRU_FILE ? 0 : LRU_FILE;
        for (int k = 0; k < 2; k++, lru += LRU_ACTIVE) {
            uint64_t nr_scanned = targets[lru] - nr[lru];
            nr[lru] = targets[lru] * (100 - percentage) / 100;
            nr[lru] -= nr[lru] < nr_scanned ? nr[lru] : nr_scanned;
        }
    }
    sc->nr_reclaimed += nr_reclaimed;
    /* can_age_anon_pages: swap is always present. */
    if (inactive_is_low(lx, LRU_INACTIVE_ANON))
        shrink_active_list(lx, sc, SWAP_CLUSTER_MAX, LRU_ACTIVE_ANON);
}

/* mm/vmscan.c prepare_scan_control. */
static void prepare_scan_control(const linux_t *lx, scan_control_t *sc)
{
    sc->anon_cost = lx->anon_cost;
    sc->file_cost = lx->file_cost;
    if (!sc->force_deactivate) {
        sc->may_deactivate = 0;
        if (lx->ws_activate[0] != lx->refaults_snap[0] || inactive_is_low(lx, LRU_INACTIVE_ANON))
            sc->may_deactivate |= DEACTIVATE_ANON;
        if (lx->ws_activate[1] != lx->refaults_snap[1] || inactive_is_low(lx, LRU_INACTIVE_FILE))
            sc->may_deactivate |= DEACTIVATE_FILE;
    } else {
        sc->may_deactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
    }
    uint64_t file = lx->count[LRU_INACTIVE_FILE];
    sc->cache_trim_mode = (file >> sc->priority) && !(sc->may_deactivate & DEACTIVATE_FILE) &&
                          !sc->no_cache_trim_mode;
    if (!sc->cgroup) {
        /* file + free <= high watermark: the frames still wanted are high - free. */
        uint64_t all_file = (uint64_t)lx->count[LRU_INACTIVE_FILE] + lx->count[LRU_ACTIVE_FILE];
        sc->file_is_tiny = all_file <= sc->wanted && !(sc->may_deactivate & DEACTIVATE_ANON) &&
                           (lx->count[LRU_INACTIVE_ANON] >> sc->priority);
    }
}

/* mm/vmscan.c shrink_node (one lruvec: shrink_node_memcgs is shrink_lruvec). */
static void shrink_node(linux_t *lx, scan_control_t *sc)
{
    uint64_t before = sc->nr_reclaimed;
    prepare_scan_control(lx, sc);
    shrink_lruvec(lx, sc);
    if (sc->nr_reclaimed == before && sc->cache_trim_mode)
        sc->cache_trim_mode_failed = 1;
}

/* mm/vmscan.c snapshot_refaults. */
static void snapshot_refaults(linux_t *lx)
{
    lx->refaults_snap[0] = lx->ws_activate[0];
    lx->refaults_snap[1] = lx->ws_activate[1];
}

/* mm/vmscan.c do_try_to_free_pages, as try_to_free_mem_cgroup_pages calls it. */
static void do_try_to_free_pages(linux_t *lx, scan_control_t *sc)
{
    int initial_priority = sc->priority;
    for (;;) {
        do {
            sc->nr_scanned = 0;
            shrink_node(lx, sc);
            if (sc->nr_reclaimed >= sc->nr_to_reclaim)
                break;
        } while (--sc->priority >= 0);
        snapshot_refaults(lx);
        if (sc->nr_reclaimed)
            return;
        if (!sc->memcg_full_walk) {
            sc->priority = initial_priority;
            sc->memcg_full_walk = 1;
            continue;
        }
        if (sc->skipped_deactivate) {
            sc->priority = initial_priority;
            sc->force_deactivate = 1;
            sc->skipped_deactivate = 0;
            continue;
        }
        return;
    }
}

/* mm/vmscan.c balance_pgdat with kswapd_age_node and kswapd_shrink_node, for `wanted` frames
 * (the engine's high watermark less its free frames; order 0, no boost). */
static void balance_pgdat(linux_t *lx, scan_control_t *sc)
{
restart:
    sc->priority = DEF_PRIORITY;
    do {
        if (sc->nr_reclaimed >= sc->wanted)             /* pgdat_balanced */
            break;
        if (inactive_is_low(lx, LRU_INACTIVE_ANON))     /* kswapd_age_node */
            shrink_active_list(lx, sc, SWAP_CLUSTER_MAX, LRU_ACTIVE_ANON);
        sc->nr_scanned = 0;
        uint64_t before = sc->nr_reclaimed;
        sc->nr_to_reclaim = sc->wanted > SWAP_CLUSTER_MAX ? sc->wanted : SWAP_CLUSTER_MAX;
        shrink_node(lx, sc);
        uint64_t got = sc->nr_reclaimed - before;
        int raise_priority = !((sc->nr_scanned > got ? sc->nr_scanned : got) >= sc->nr_to_reclaim);
        if (raise_priority || !got)
            sc->priority--;
    } while (sc->priority >= 1);
    if (!sc->nr_reclaimed && sc->priority < 1 && !sc->no_cache_trim_mode &&
        sc->cache_trim_mode_failed) {
        sc->no_cache_trim_mode = 1;
        goto restart;
    }
    snapshot_refaults(lx);
}

/* ------------------------------------------------------------------ the hooks */

static void linux_destroy(void *state)
{
    linux_t *lx = state;
    if (!lx)
        return;
    free(lx->next);
    free(lx->prev);
    free(lx->list);
    free(lx->flags);
    if (lx->pending.s)
        u64map_free(&lx->pending);
    free(lx);
}

static int linux_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    int swappiness = 60;
    *state = NULL;
    if (repl_kernel_params(env, params, &swappiness, err))
        return -1;
    unsigned shift = 12;
    if (env->page_size) {
        for (shift = 0; (1u << shift) < env->page_size; shift++)
            ;
        if ((1u << shift) != env->page_size || shift > 30)
            return sim_err_set(err, SIM_EINPUT, "page size %u is not a power of two up to 1 GiB",
                               env->page_size);
    }
    linux_t *lx = calloc(1, sizeof *lx);
    if (!lx)
        return repl_create_nomem(env, err);
    lx->env = env;
    lx->n = env->nframes;
    lx->next = repl_pfn_array(lx->n);
    lx->prev = repl_pfn_array(lx->n);
    lx->list = malloc(lx->n);
    lx->flags = calloc(lx->n, 1);
    if (!lx->next || !lx->prev || !lx->list || !lx->flags) {
        linux_destroy(lx);
        return repl_create_nomem(env, err);
    }
    memset(lx->list, LX_NONE, lx->n);
    for (int l = 0; l < LX_NLISTS; l++)
        lx->head[l] = PFN_NONE;
    u64map_init(&lx->pending);
    lx->swappiness = swappiness;
    lx->page_shift = shift;
    *state = lx;
    return 0;
}

/* mm/workingset.c workingset_test_recent (classic path; swap always available). */
static int workingset_test_recent(const linux_t *lx, uint64_t shadow, int file, int *workingset)
{
    uint64_t eviction = shadow >> 1;
    *workingset = (int)(shadow & 1);
    uint64_t refault_distance = (lx->nonresident_age - eviction) & (UINT64_MAX >> 1);
    uint64_t workingset_size = lx->count[LRU_ACTIVE_FILE];
    if (!file)
        workingset_size += lx->count[LRU_INACTIVE_FILE];
    workingset_size += lx->count[LRU_ACTIVE_ANON];
    if (file)
        workingset_size += lx->count[LRU_INACTIVE_ANON];
    return refault_distance <= workingset_size;
}

/* mm/workingset.c workingset_refault: decided at the miss, applied at the insert. */
static void linux_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page,
                          const uint64_t *shadow)
{
    linux_t *lx = state;
    (void)ref;
    u64map_del(&lx->pending, page->key);     /* (a prefetch given up after its miss) */
    if (!shadow)
        return;
    int file = page->kind == PAGE_FILE, workingset;
    lx->ws_refault[file]++;
    if (!workingset_test_recent(lx, *shadow, file, &workingset))
        return;
    age_nonresident(lx, 1);
    lx->ws_activate[file]++;
    if (workingset) {
        lru_note_cost(lx, file, 1, 0);                  /* lru_note_cost_refault */
        lx->ws_restore[file]++;
    }
    u64map_put(&lx->pending, page->key, PEND_ACTIVE | (workingset ? PEND_WORKINGSET : 0));
}

/* mm/swap.c folio_add_lru -> lru_add: the inactive head, or the active one after a refault
 * that activated it (folio_set_active in workingset_refault). */
static void linux_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    linux_t *lx = state;
    (void)ref;
    uint64_t *pend = u64map_find(&lx->pending, page->key);
    unsigned how = pend ? (unsigned)*pend : 0;
    if (pend)
        u64map_del(&lx->pending, page->key);
    lx->flags[pfn] = (uint8_t)((page->kind == PAGE_FILE ? PG_FILE : 0) |
                               (how & PEND_WORKINGSET ? PG_WORKINGSET : 0));
    lx_add(lx, (page->kind == PAGE_FILE ? LRU_FILE : 0) + (how & PEND_ACTIVE ? LRU_ACTIVE : 0),
           pfn);
}

/* mm/workingset.c workingset_eviction: the age now (then aged by one) and PG_workingset. */
static int linux_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    linux_t *lx = state;
    int ws = (lx->flags[pfn] & PG_WORKINGSET) != 0;
    lx_del(lx, pfn);
    lx->flags[pfn] = 0;
    if (why != REPL_EVICT && why != REPL_RELEASE)
        return 0;
    *shadow = (lx->nonresident_age & (UINT64_MAX >> 1)) << 1 | (uint64_t)ws;
    age_nonresident(lx, 1);
    return 1;
}

/* mm/swap.c folio_mark_accessed: inactive,unreferenced -> inactive,referenced ->
 * active,unreferenced -> active,referenced. A page already reclaimed (isolated) is left. */
static void linux_on_access(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    linux_t *lx = state;
    (void)ref;
    int l = lx->list[pfn];
    assert(l != LX_NONE);
    if (l == LX_ISOLATED)
        return;
    if (!(lx->flags[pfn] & PG_REFERENCED)) {
        lx->flags[pfn] |= PG_REFERENCED;
    } else if (!(l & LRU_ACTIVE)) {
        lx_del(lx, pfn);                                /* folio_activate -> lru_activate */
        lx_add(lx, l + LRU_ACTIVE, pfn);
        lx->pgactivate++;
        lx->flags[pfn] &= (uint8_t)~PG_REFERENCED;
        age_nonresident(lx, 1);                         /* workingset_activation */
    }
}

/* The oldest isolated page the request allows, or PFN_NONE. */
static pfn_t isolated_victim(const linux_t *lx, const repl_req_t *req)
{
    pfn_t p = lx_tail(lx, LX_ISOLATED);
    for (uint32_t i = 0; i < lx->count[LX_ISOLATED]; i++, p = lx->prev[p])
        if (repl_req_allows(lx->env, req, p))
            return p;
    return PFN_NONE;
}

static pfn_t linux_select_victim(void *state, const repl_req_t *req)
{
    linux_t *lx = state;
    pfn_t v = isolated_victim(lx, req);
    if (v != PFN_NONE)
        return v;
    scan_control_t sc = {.priority = DEF_PRIORITY, .swappiness = lx->swappiness,
                         .req = req->local ? req : NULL};
    uint64_t want = req->count > SWAP_CLUSTER_MAX ? req->count : SWAP_CLUSTER_MAX;
    lx->passes++;
    if (req->reason == REPL_REQ_BACKGROUND) {
        sc.kswapd = 1;
        sc.wanted = req->count;
        balance_pgdat(lx, &sc);
        if (sc.nr_reclaimed)
            goto done;
        /* kswapd gave up (it never scans at priority 0): the allocation it could not serve
         * reclaims directly. */
        lx->kswapd_fallback++;
    }
    /* try_charge_memcg (mm/memcontrol.c): a charge that reclaimed nothing retries, once
     * after draining the per-CPU stock and then MAX_RECLAIM_RETRIES (16) times, before the
     * cgroup goes OOM. */
    for (int call = 0; call < 2 + MAX_RECLAIM_RETRIES && !sc.nr_reclaimed; call++) {
        sc = (scan_control_t){.priority = DEF_PRIORITY, .swappiness = lx->swappiness,
                              .req = req->local ? req : NULL, .cgroup = 1,
                              .nr_to_reclaim = want};
        do_try_to_free_pages(lx, &sc);
    }
done:
    v = isolated_victim(lx, req);
    if (v != PFN_NONE)
        return v;
    /* Nothing reclaimable after every retry: the kernel would OOM-kill. */
    static const int order[] = {LRU_INACTIVE_FILE, LRU_INACTIVE_ANON, LRU_ACTIVE_FILE, LRU_ACTIVE_ANON};
    for (int i = 0; i < NR_LRU_LISTS; i++) {
        pfn_t p = lx_tail(lx, order[i]);
        for (uint32_t k = 0; k < lx->count[order[i]]; k++, p = lx->prev[p]) {
            if (repl_req_allows(lx->env, req, p)) {
                lx->forced++;
                return p;
            }
        }
    }
    assert(!"linux: no tracked frame the request allows");
    return PFN_NONE;
}

static int linux_check(void *state, const uint8_t *resident)
{
    linux_t *lx = state;
    uint32_t seen[LX_NLISTS] = {0};
    for (pfn_t p = 0; p < lx->n; p++) {
        int l = lx->list[p];
        if ((l != LX_NONE) != repl_bit(resident, p))
            return -1;
        if (l == LX_NONE)
            continue;
        if (l >= LX_NLISTS || lx->next[p] >= lx->n || lx->prev[lx->next[p]] != p ||
            lx->list[lx->next[p]] != l)
            return -1;
        if (l < NR_LRU_LISTS && (l >= LRU_FILE) != lx_is_file(lx, p))
            return -1;
        seen[l]++;
    }
    for (int l = 0; l < LX_NLISTS; l++) {
        if (seen[l] != lx->count[l] || (lx->count[l] == 0) != (lx->head[l] == PFN_NONE))
            return -1;
        pfn_t x = lx->head[l];
        for (uint32_t i = 0; i < lx->count[l]; i++, x = lx->next[x])   /* one cycle of count */
            if (lx->list[x] != l || (i && x == lx->head[l]))
                return -1;
        if (lx->count[l] && x != lx->head[l])
            return -1;
    }
    return 0;
}

static void linux_stats(void *state, json_t *obj)
{
    linux_t *lx = state;
    static const char *const names[LX_NLISTS] = {"nr_inactive_anon", "nr_active_anon",
                                                 "nr_inactive_file", "nr_active_file",
                                                 "nr_isolated"};
    for (int l = 0; l < LX_NLISTS; l++)
        json_object_set_new(obj, names[l], json_integer((json_int_t)lx->count[l]));
    const struct { const char *k; uint64_t v; } c[] = {
        {"pgscan", lx->pgscan}, {"pgsteal", lx->pgsteal}, {"pgactivate", lx->pgactivate},
        {"pgdeactivate", lx->pgdeactivate}, {"pgrefill", lx->pgrefill},
        {"pgrotated", lx->pgrotated}, {"pgpageout", lx->pgpageout},
        {"workingset_refault_anon", lx->ws_refault[0]}, {"workingset_refault_file", lx->ws_refault[1]},
        {"workingset_activate_anon", lx->ws_activate[0]}, {"workingset_activate_file", lx->ws_activate[1]},
        {"workingset_restore_anon", lx->ws_restore[0]}, {"workingset_restore_file", lx->ws_restore[1]},
        {"nonresident_age", lx->nonresident_age}, {"anon_cost", lx->anon_cost},
        {"file_cost", lx->file_cost}, {"reclaim_passes", lx->passes}, {"forced", lx->forced},
        {"kswapd_fallback", lx->kswapd_fallback},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        json_object_set_new(obj, c[i].k, json_integer((json_int_t)c[i].v));
}

/* The four LRU lists from the tail (where isolate_lru_folios takes pages), "*" on a page
 * with PG_referenced set, then the isolated batch a pass reclaimed (oldest first: the next
 * handed out), if any. */
static void linux_explain(void *state, repl_explain_t *x)
{
    const linux_t *lx = state;
    static const char *const names[LX_NLISTS] = {"anon_inactive", "anon_active", "file_inactive",
                                                 "file_active", "isolated"};
    for (int l = 0; l < LX_NLISTS; l++) {
        if (l == LX_ISOLATED && !lx->count[l])
            continue;
        x->begin(x, names[l]);
        pfn_t p = lx_tail(lx, l);
        for (uint32_t i = 0; i < lx->count[l]; i++, p = lx->prev[p])
            x->frame(x, p, NULL, lx->flags[p] & PG_REFERENCED ? "*" : NULL);
        x->end(x);
    }
}

const repl_ops_t repl_linux = {
    .name = "linux",
    .version = REPL_VERSION,
    .summary = "Linux 6.x reclaim: anon/file active+inactive LRUs, refault distances, swappiness (sees R bits)",
    .paper = "Linux mm/vmscan.c, mm/workingset.c, mm/swap.c (6.18); Johannes Weiner's workingset detection, 2014",
    .params = "swappiness=60",
    .flags = 0,
    .create = linux_create,
    .destroy = linux_destroy,
    .on_hit = NULL,
    .on_miss = linux_on_miss,
    .select_victim = linux_select_victim,
    .on_insert = linux_on_insert,
    .on_remove = linux_on_remove,
    .check = linux_check,
    .stats = linux_stats,
    .on_access = linux_on_access,
    .explain = linux_explain,
};
