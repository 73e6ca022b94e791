/* frame.c - the frame table, its reverse map, and a frame's way out of the caches.
 *
 * Each physical frame records what it holds (anonymous, page cache, swap cache), how many
 * PTEs map it and which ones: the reverse map is a singly linked list per frame of
 * (address space, vpn, PTE pointer) nodes from a pool, so evicting a shared page can unmap
 * it from every process and shoot down exactly their TLB entries (Linux mm/rmap.c does the
 * same job through anon_vma and the file's i_mmap tree; a per-frame list is the simple
 * form, O(mappers) per eviction). Node pfn + 1 of the pool is reserved for frame pfn's first
 * mapping, so an eviction can fetch the frame and its (usually only) node at once: the
 * node's address does not wait for the frame's line (reclaim_prefetch; the victim's frame,
 * node and PTE were three dependent cache misses, the node and the frame are now two
 * parallel ones, then the PTE). The free list is a stack (linked through the free frames'
 * ready_at: no array of its own): a freed frame is reused first,
 * deterministic, O(1). A frame no PTE maps any more (frame_put) is freed unless a cache
 * keeps it; unmapping a frame everywhere (frame_unmap_all) walks its reverse map. Swap slots
 * are swap.c's.
 *
 * Interface v2 (policies/repl.h): a frame holds its page's key (frame.key) and is charged to
 * one process (frame.owner, with a count per process), as a memory cgroup charges the first
 * toucher: frame_charge when the frame is taken for a process, the charge dropped when the
 * frame is freed or its page evicted. When the charged process exits, frame_recharge_exit
 * passes its frames to a process still mapping them that is under its quota, or to nobody
 * (O(frames) per exit). The
 * reverse map tells the policy when a tracked frame gains or loses a mapping (policy_map). */
#include "sim_int.h"
#include "frame.h"
#include "policy.h"
#include "swap.h"
#include "sim/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

void frame_init(sim_t *s)
{
    s->frames = xcalloc(s->nframes, sizeof *s->frames, "the frame table");
    /* The free list runs through the free frames' ready_at (frame.h): frame 0 first. */
    for (uint32_t i = 0; i < s->nframes; i++)
        s->frames[i].ready_at = i + 1 < s->nframes ? i + 1 : PFN_NONE;
    s->free_head = s->nframes ? 0 : PFN_NONE;
    s->nfree = s->nframes;
    /* node 0 means "none"; nodes 1..nframes are the frames' own (frame_rmap_add) */
    s->caprmap = s->nframes + 1024;
    s->rmap = xcalloc(s->caprmap, sizeof *s->rmap, "the reverse map");
    s->nrmap = s->nframes + 1;
    s->rmap_free = 0;
}

void frame_destroy(sim_t *s)
{
    free(s->frames);
    free(s->rmap);
}

pfn_t frame_alloc_free(sim_t *s)
{
    if (!s->nfree)
        return PFN_NONE;
    pfn_t pfn = s->free_head;
    frame_t *f = &s->frames[pfn];
    SIM_ASSERT(s, pfn < s->nframes && !(f->flags & FR_USED));
    s->free_head = (pfn_t)f->ready_at;
    s->nfree--;
    memset(f, 0, sizeof *f);
    f->flags = FR_USED;
    s->resident++;
    if (s->resident > s->resident_peak)
        s->resident_peak = s->resident;
    return pfn;
}

void frame_release(sim_t *s, pfn_t pfn)
{
    frame_t *f = &s->frames[pfn];
    SIM_ASSERT(s, (f->flags & FR_USED) && !f->mapcount && !f->rmap && !(f->flags & FR_TRACKED));
    frame_charge(s, pfn, 0);
    f->flags = 0;
    f->ready_at = s->free_head;                 /* a stack: the frame freed last goes first */
    s->free_head = pfn;
    s->nfree++;
    s->resident--;
}

void frame_charge(sim_t *s, pfn_t pfn, uint32_t owner)
{
    frame_t *f = &s->frames[pfn];
    if (f->owner == owner)
        return;
    int tracked = (f->flags & FR_TRACKED) != 0;
    if (f->owner) {
        proc_t *p = &s->procs[f->owner - 1];
        p->n_charged--;
        p->n_charged_tracked -= (uint32_t)tracked;
        if (p->n_charged <= p->quota)
            p->quota_kept = 1;
    }
    f->owner = owner;
    if (owner) {
        s->procs[owner - 1].n_charged++;
        s->procs[owner - 1].n_charged_tracked += (uint32_t)tracked;
    }
}

void frame_recharge_exit(sim_t *s, uint32_t owner)
{
    if (!s->procs[owner - 1].n_charged)
        return;
    for (pfn_t pfn = 0; pfn < s->nframes; pfn++) {
        frame_t *f = &s->frames[pfn];
        if (f->owner != owner)
            continue;
        uint32_t to = 0;
        for (uint32_t n = f->rmap; n && !to; n = s->rmap[n].next) {
            uint32_t pi = s->mms[s->rmap[n].mm].proc;
            const proc_t *p = pi ? &s->procs[pi - 1] : NULL;
            if (p && pi != owner && p->state != P_EXITED && p->n_charged < p->quota)
                to = pi;
        }
        frame_charge(s, pfn, to);
    }
}

/* A node back to the pool: a frame's own node (1..nframes) just becomes unused. */
static inline void frame_node_free(sim_t *s, uint32_t n)
{
    s->rmap[n].pte = NULL;
    if (n > s->nframes) {
        s->rmap[n].next = s->rmap_free;
        s->rmap_free = n;
    }
}

void frame_rmap_add(sim_t *s, pfn_t pfn, uint32_t mm, pte_t *pte)
{
    uint32_t n = s->rmap_free;
    if (!s->rmap[pfn + 1].pte) {
        n = pfn + 1;                             /* the frame's own node */
    } else if (n) {
        s->rmap_free = s->rmap[n].next;
    } else {
        if (s->nrmap == s->caprmap) {
            s->rmap = xrealloc(s->rmap, xmul(2 * (size_t)s->caprmap, sizeof *s->rmap, "the reverse map"),
                               "the reverse map");
            s->caprmap *= 2;
        }
        n = s->nrmap++;
    }
    frame_t *f = &s->frames[pfn];
    s->rmap[n] = (rmap_node_t){.pte = pte, .mm = mm, .next = f->rmap};
    f->rmap = n;
    f->mapcount++;
    policy_map(s, pfn, mm, pte->vpn, +1);
}

void frame_rmap_del(sim_t *s, pfn_t pfn, pte_t *pte)
{
    frame_t *f = &s->frames[pfn];
    for (uint32_t *link = &f->rmap; *link; link = &s->rmap[*link].next) {
        uint32_t n = *link;
        if (s->rmap[n].pte == pte) {
            *link = s->rmap[n].next;
            frame_node_free(s, n);
            f->mapcount--;
            policy_map(s, pfn, s->rmap[n].mm, pte->vpn, -1);
            return;
        }
    }
    SIM_ASSERT(s, !"frame_rmap_del: PTE not in the frame's reverse map");
}

void frame_put(sim_t *s, pfn_t pfn, repl_why_t why)
{
    frame_t *f = &s->frames[pfn];
    SIM_ASSERT(s, f->mapcount == 0);
    /* A swap-cached page stays while some swapped-out PTE may still find it there; a
     * page-cache page stays: the file is still there for the next mapper. Both remain
     * resident and evictable, exactly as in Linux. */
    if ((f->flags & FR_SWAPCACHE) && s->swap[f->swap_slot].refs > 1)
        return;
    if (f->flags & FR_PAGECACHE)
        return;
    if (f->flags & FR_TRACKED)
        (void)policy_untrack(s, pfn, why, NULL);
    if (!(f->flags & FR_ANON) && frame_obj(f) && s->objs[frame_obj(f)].kind == OBJ_SHM && f->swap_slot) {
        swap_unref(s, f->swap_slot);
        f->swap_slot = 0;
    }
    frame_uncache(s, pfn);
    frame_release(s, pfn);
}

/* Unmaps every PTE of pfn, folding their dirty bits into the frame. Each PTE becomes a
 * swap entry for `slot` (anonymous pages with a swap copy) or empty. */
void frame_unmap_all(sim_t *s, cpu_t *c, pfn_t pfn, uint32_t slot)
{
    frame_t *f = &s->frames[pfn];
    while (f->rmap) {
        rmap_node_t *n = &s->rmap[f->rmap];
        pte_t *pte = n->pte;
        if (pte->flags & PTE_DIRTY)
            f->flags |= FR_DIRTY;
        c->clock += s->cost.shootdown * cpu_shootdown(s->cpus, s->ncpus, n->mm, pte->vpn);
        s->mms[n->mm].resident--;
        uint32_t perms = pte->flags & (PTE_PERMS | PTE_WSREF);   /* (load control's bit stays) */
        if (slot) {
            pte->flags = PTE_SWAP | perms;
            pte->val = slot;
            swap_ref(s, slot);
        } else {
            pte->flags = perms;
            pte->val = 0;
        }
        /* The node is the list's head: unlinked at once. No mapping notice: the frame is
         * leaving the policy (untracked) as it is unmapped (repl.h, on_map). */
        uint32_t head = f->rmap;
        f->rmap = n->next;
        frame_node_free(s, head);
        f->mapcount--;
    }
}

/* Takes pfn out of the swap cache or page cache it is in. */
void frame_uncache(sim_t *s, pfn_t pfn)
{
    frame_t *f = &s->frames[pfn];
    if (f->flags & FR_SWAPCACHE) {
        s->swap[f->swap_slot].pfn = PFN_NONE;
        swap_unref(s, f->swap_slot);
        f->swap_slot = 0;
        f->flags &= ~FR_SWAPCACHE;
    }
    if (f->flags & FR_PAGECACHE) {
        u64map_del(&s->pagecache, f->key);
        f->flags &= ~FR_PAGECACHE;
    }
}
