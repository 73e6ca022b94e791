/* check.c - invariant checkers, called after every step in paranoid builds and by tests.
 *
 * The checks tie the three views of memory together (SQLite's pcache sanity checks are the
 * model): every frame's reverse map is exactly the set of present PTEs pointing at it; the
 * share count equals the reverse map's length; free frames hold nothing; the resident count
 * matches; every swap slot's count equals the PTEs and caches holding it; the policy tracks
 * exactly the frames flagged FR_TRACKED (through its own check hook); every cached
 * translation is one the page tables still allow. O(frames + PTEs + TLB entries), so
 * never on the hot path of normal builds. Interface v2 adds (check_identity): every frame
 * holding a page has a key and no two share one; no resident page has a shadow kept; the
 * shadow store is well formed and within its bound; every swap slot in use names its page,
 * and an anonymous page's slot and a resident frame share a key only when the frame is that
 * slot's swap-cache copy; the charges of frames add up to each process's counts, and under
 * local replacement no process holds more than its quota. A failed SIM_ASSERT ends here too
 * (check_assert_fail), with where in the simulation it happened. */
#include "sim_int.h"
#include "check.h"
#include "policy.h"
#include "sim/base/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void check_assert_fail(const sim_t *s, const char *what, const char *file, int line)
{
    fprintf(stderr, "pagesim: internal error at %s:%d: %s\n", file, line, what);
    if (s)
        fprintf(stderr, "  at simulated time %.3f ns, page reference %llu, event sequence %llu\n",
                s->cpus ? (double)s->cpus[0].clock / PS_PER_NS : 0.0, (unsigned long long)s->vt,
                (unsigned long long)s->evq.next_seq);
    abort();
}

static int check_fail(char *msg, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Every valid TLB entry caches a present PTE of a live address space, for the page it names,
 * with no right the PTE lacks (rights taken away must be shot down; rights added may lag),
 * and no set holds a page twice (tlb_fill relies on it). */
static int check_tlbs(const sim_t *s, char *msg, size_t n)
{
    for (uint32_t ci = 0; ci < s->ncpus; ci++) {
        const tlb_t *t = &s->cpus[ci].tlb;
        for (uint32_t i = 0; i < t->sets * t->ways; i++) {
            const tlb_entry_t *e = &t->e[i];
            if (!e->pte)
                continue;
            if (e->asid >= s->nmms || !s->mms[e->asid].users)
                return check_fail(msg, n, "cpu %u TLB entry %u: address space %u is not live", ci, i, e->asid);
            const pte_t *pte = pt_lookup(&s->mms[e->asid].pt, e->vpn);
            if (pte != e->pte || !(pte->flags & PTE_PRESENT))
                return check_fail(msg, n, "cpu %u TLB entry %u: mm %u vpn %#llx is not a present PTE", ci, i,
                            e->asid, (unsigned long long)e->vpn);
            if (e->pfn != pte->val || (e->set & ~pte->flags) || (pte->flags & PTE_FRESH))
                return check_fail(msg, n, "cpu %u TLB: mm %u vpn %#llx: frame %u, bits %#x cached, PTE says frame %u, flags %#x",
                            ci, e->asid, (unsigned long long)e->vpn, e->pfn, e->set, pte->val, pte->flags);
            if (e->perms & ~pte->flags & PTE_PERMS)
                return check_fail(msg, n, "cpu %u TLB: mm %u vpn %#llx caches rights %#x the PTE lacks (%#x)", ci,
                            e->asid, (unsigned long long)e->vpn, e->perms, pte->flags & PTE_PERMS);
            if ((e->vpn & t->set_mask) != i / t->ways)
                return check_fail(msg, n, "cpu %u TLB entry %u: vpn %#llx in the wrong set", ci, i,
                            (unsigned long long)e->vpn);
            for (uint32_t j = i + 1; j < (i / t->ways + 1) * t->ways; j++)
                if (t->e[j].pte && t->e[j].vpn == e->vpn && t->e[j].asid == e->asid)
                    return check_fail(msg, n, "cpu %u TLB: mm %u vpn %#llx cached twice", ci, e->asid,
                                (unsigned long long)e->vpn);
        }
    }
    return 0;
}

/* Page identities, shadows and charges (the opening comment). O(frames + slots + processes)
 * with one hash map of the resident keys. */
static int check_identity(const sim_t *s, char *msg, size_t n)
{
    u64map_t keys;
    u64map_init(&keys);
    int rc = 0;
    uint32_t *charged = xcalloc(s->nprocs ? s->nprocs : 1, 2 * sizeof *charged, "the checker's charges");
    for (pfn_t f = 0; f < s->nframes && !rc; f++) {
        const frame_t *fr = &s->frames[f];
        if (!(fr->flags & FR_USED))
            continue;
        if (fr->owner) {
            if (fr->owner > s->nprocs)
                rc = check_fail(msg, n, "frame %u charged to process %u of %u", f, fr->owner, s->nprocs);
            else {
                charged[2 * (fr->owner - 1)]++;
                charged[2 * (fr->owner - 1) + 1] += (fr->flags & FR_TRACKED) != 0;
            }
        }
        if (!fr->key) {
            if (!rc && (fr->flags & FR_TRACKED))
                rc = check_fail(msg, n, "tracked frame %u has no page key", f);
            continue;                       /* a victim being written back */
        }
        if (!rc && u64map_find(&keys, fr->key))
            rc = check_fail(msg, n, "frames %u and %u hold one page key %#llx",
                      (unsigned)*u64map_find(&keys, fr->key), f, (unsigned long long)fr->key);
        else if (!rc)
            u64map_put(&keys, fr->key, f);
        if (!rc && (fr->flags & FR_TRACKED) && shadow_peek(&s->shadows, fr->key))
            rc = check_fail(msg, n, "frame %u is resident but its page key %#llx has a shadow kept", f,
                      (unsigned long long)fr->key);
        if (!rc && page_key_is_anon(fr->key) != !!(fr->flags & FR_ANON))
            rc = check_fail(msg, n, "frame %u: key %#llx but flags %#x", f, (unsigned long long)fr->key, fr->flags);
    }
    for (uint32_t sl = 1; sl < s->nswap && !rc; sl++) {
        page_key_t k = s->swap[sl].key;
        if (!s->swap[sl].refs) {
            if (k)
                rc = check_fail(msg, n, "free swap slot %u still names page %#llx", sl, (unsigned long long)k);
            continue;
        }
        if (!k) {
            rc = check_fail(msg, n, "swap slot %u in use names no page", sl);
            continue;
        }
        const uint64_t *f = page_key_is_anon(k) ? u64map_find(&keys, k) : NULL;
        if (f && !((s->frames[*f].flags & FR_SWAPCACHE) && s->frames[*f].swap_slot == sl))
            rc = check_fail(msg, n, "swap slot %u and frame %u hold page %#llx, not as its swap cache", sl,
                      (unsigned)*f, (unsigned long long)k);
    }
    if (!rc && shadow_check(&s->shadows))
        rc = check_fail(msg, n, "the shadow store is inconsistent (%llu entries, bound %llu)",
                  (unsigned long long)s->shadows.n, (unsigned long long)s->shadows.max);
    for (uint32_t i = 0; i < s->nprocs && !rc; i++) {
        const proc_t *p = &s->procs[i];
        if (p->n_charged != charged[2 * i] || p->n_charged_tracked != charged[2 * i + 1])
            rc = check_fail(msg, n, "pid %u: charged %u (%u tracked), frames say %u (%u)", p->pid,
                      p->n_charged, p->n_charged_tracked, charged[2 * i], charged[2 * i + 1]);
        else if (s->local && p->quota_kept && p->n_charged > p->quota)
            rc = check_fail(msg, n, "pid %u holds %u frames, over its quota %u", p->pid, p->n_charged, p->quota);
    }
    free(charged);
    u64map_free(&keys);
    return rc;
}

/* Every PTE: a present one maps a used frame and is on its reverse map, a swap entry holds
 * a valid slot; each address space's resident count. Counts PTEs per frame and per slot. */
static int check_ptes(const sim_t *s, uint32_t *maps, uint32_t *swaps, char *msg, size_t n)
{
    int rc = 0;
    for (uint32_t m = 0; m < s->nmms && !rc; m++) {
        const mm_t *mm = &s->mms[m];
        uint64_t present = 0;
        for (size_t i = 0; i < mm->pt.n && !rc; i++) {
            const pte_t *pte = pt_at(&mm->pt, i);
            if (pte->flags & PTE_PRESENT) {
                present++;
                if (pte->val >= s->nframes || !(s->frames[pte->val].flags & FR_USED))
                    rc = check_fail(msg, n, "mm %u vpn %#llx maps unused frame %u", m, (unsigned long long)pte->vpn, pte->val);
                else
                    maps[pte->val]++;
                /* the PTE must be on its frame's reverse map */
                int found = 0;
                for (uint32_t r = s->frames[pte->val].rmap; r && !found; r = s->rmap[r].next)
                    found = s->rmap[r].pte == pte && s->rmap[r].mm == m;
                if (!rc && !found)
                    rc = check_fail(msg, n, "mm %u vpn %#llx: PTE missing from frame %u's reverse map", m,
                              (unsigned long long)pte->vpn, pte->val);
            } else if (pte->flags & PTE_SWAP) {
                if (!pte->val || pte->val >= s->nswap)
                    rc = check_fail(msg, n, "mm %u vpn %#llx: bad swap slot %u", m, (unsigned long long)pte->vpn, pte->val);
                else
                    swaps[pte->val]++;
            }
        }
        if (!rc && present != mm->resident)
            rc = check_fail(msg, n, "mm %u: %llu present PTEs but resident says %llu", m,
                      (unsigned long long)present, (unsigned long long)mm->resident);
    }
    return rc;
}

/* Every frame: free ones hold nothing; a used one's mapcount, reverse map and PTEs agree,
 * its caches find it, and it is mapped, cached or locked. Counts used and tracked frames
 * and the slots frames hold. */
static int check_frames(const sim_t *s, const uint32_t *maps, uint32_t *swaps, uint8_t *tracked,
                        uint64_t *n_used, uint64_t *n_tracked, char *msg, size_t n)
{
    int rc = 0;
    uint64_t used = 0, ntracked = 0;
    for (pfn_t f = 0; f < s->nframes && !rc; f++) {
        const frame_t *fr = &s->frames[f];
        uint32_t len = 0;
        for (uint32_t r = fr->rmap; r; r = s->rmap[r].next)
            len++;
        if (!(fr->flags & FR_USED)) {
            if (fr->mapcount || fr->rmap || (fr->flags & FR_TRACKED))
                rc = check_fail(msg, n, "free frame %u is mapped or tracked", f);
            continue;
        }
        used++;
        if (len != fr->mapcount || maps[f] != fr->mapcount)
            rc = check_fail(msg, n, "frame %u: mapcount %u, reverse map %u, PTEs %u", f, fr->mapcount, len, maps[f]);
        if (fr->flags & FR_TRACKED) {
            tracked[f >> 3] |= (uint8_t)(1u << (f & 7));
            ntracked++;
        }
        if (fr->flags & FR_SWAPCACHE) {
            const uint64_t pf = s->swap[fr->swap_slot].pfn, *p = pf == PFN_NONE ? NULL : &pf;
            if (!p || *p != f)
                rc = check_fail(msg, n, "frame %u: swap slot %u not in the swap cache", f, fr->swap_slot);
            else
                swaps[fr->swap_slot]++;
        } else if (fr->swap_slot) {
            swaps[fr->swap_slot]++;           /* a shared-memory page's slot */
        }
        if (fr->flags & FR_PAGECACHE) {
            const uint64_t *p = u64map_find(&s->pagecache, fr->key);
            if (!p || *p != f)
                rc = check_fail(msg, n, "frame %u: not in the page cache under its key", f);
        }
        if (!rc && !fr->mapcount && !(fr->flags & (FR_SWAPCACHE | FR_PAGECACHE | FR_LOCKED)))
            rc = check_fail(msg, n, "frame %u: in use but unmapped and uncached (leaked)", f);
    }
    *n_used = used;
    *n_tracked = ntracked;
    return rc;
}

int check_all(const sim_t *s, char *msg, size_t n)
{
    uint32_t *maps = xcalloc(s->nframes, sizeof *maps, "the checker's PTE counts");
    uint32_t *swaps = xcalloc(s->nswap ? s->nswap : 1, sizeof *swaps, "the checker's swap counts");
    uint8_t *tracked = xcalloc((s->nframes + 7) / 8, 1, "the checker's tracked set");
    uint64_t used = 0, ntracked = 0;
    int rc = check_ptes(s, maps, swaps, msg, n);
    if (!rc)
        rc = check_frames(s, maps, swaps, tracked, &used, &ntracked, msg, n);
    for (uint32_t o = 1; o < s->nobjs && !rc; o++)
        if (s->objs[o].kind == OBJ_SHM)
            for (size_t i = 0; i <= s->objs[o].swap.mask; i++)
                if (s->objs[o].swap.s[i].key != U64MAP_EMPTY)
                    swaps[s->objs[o].swap.s[i].val]++;
    for (uint32_t sl = 1; sl < s->nswap && !rc; sl++) {
        pfn_t pf = s->swap[sl].pfn;
        if (swaps[sl] != s->swap[sl].refs)
            rc = check_fail(msg, n, "swap slot %u: count %u, holders %u", sl, s->swap[sl].refs, swaps[sl]);
        else if (pf != PFN_NONE && (pf >= s->nframes || !(s->frames[pf].flags & FR_SWAPCACHE) ||
                                    s->frames[pf].swap_slot != sl))
            rc = check_fail(msg, n, "swap slot %u: the swap cache names frame %u, which does not hold it", sl, pf);
    }
    if (!rc && used != s->resident)
        rc = check_fail(msg, n, "%llu frames in use but resident says %llu", (unsigned long long)used,
                  (unsigned long long)s->resident);
    if (!rc && used + s->nfree != s->nframes)
        rc = check_fail(msg, n, "frames in use %llu + free %u != %u", (unsigned long long)used, s->nfree, s->nframes);
    if (!rc && ntracked != s->ntracked)
        rc = check_fail(msg, n, "%llu frames flagged tracked, count says %u", (unsigned long long)ntracked, s->ntracked);
    if (!rc && policy_check(s, tracked))
        rc = check_fail(msg, n, "policy %s: its state disagrees with the tracked frames", s->repl->name);
    if (!rc)
        rc = check_tlbs(s, msg, n);
    if (!rc)
        rc = check_identity(s, msg, n);
    free(maps);
    free(swaps);
    free(tracked);
    return rc;
}
