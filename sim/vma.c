/* vma.c - areas and address-space events: mmap, munmap, mprotect, brk, fork, exec, exit.
 *
 * The classic model (Bryant & O'Hallaron, CS:APP 3rd ed., §9.8 "Memory Mapping"; Bovet &
 * Cesati, ch. 9): an area is a range of pages with protections, backed by a regular file or
 * anonymous, private or shared. A file, or a shared anonymous area, is an object with pages
 * in the page cache: one frame however many processes map it, at whatever addresses. fork
 * copies the page tables and write-protects private pages in both processes (copy-on-write;
 * the COW policy decides at the write fault); shared areas stay shared. munmap, exec and
 * exit drop mappings; a frame nobody maps any more is freed unless a cache keeps it.
 *
 * Areas are a sorted array per address space (vmalist.h, shared with the offline pass that
 * names pages, workloads/pgid.c): lookups are binary searches, done only on faults; edits
 * shift the array, O(areas), done only on events. munmap of a range visits the smaller of
 * the range and the page table. */
#include "sim_int.h"
#include "fault.h"
#include "frame.h"
#include "policy.h"
#include "proc.h"
#include "swap.h"
#include "vma.h"
#include "fileio.h"
#include "sim/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "FILE:LINE" or "FILE: record N" of the record being handled, for messages. */
#define WHERE(s) wl_where((s)->cur_wl, (s)->cur_line, (char[4200]){0}, 4200)


static uint32_t vma_prot_bits(uint8_t wlprot)
{
    return (wlprot & WL_PROT_R ? PTE_READ : 0) | (wlprot & WL_PROT_W ? PTE_WRITE : 0) |
           (wlprot & WL_PROT_X ? PTE_EXEC : 0);
}

static uint32_t vma_obj_new(sim_t *s, uint32_t kind, const char *name)
{
    if (s->nobjs == s->capobjs) {
        s->objs = xrealloc(s->objs, xmul(2 * (size_t)s->capobjs, sizeof *s->objs, "backing objects"),
                           "backing objects");
        s->capobjs *= 2;
    }
    uint32_t id = s->nobjs++;
    SIM_ASSERT(s, id < (1u << 23));
    obj_t *o = &s->objs[id];
    memset(o, 0, sizeof *o);
    o->kind = kind;
    if (name) {
        size_t n = strlen(name) + 1;
        o->name = memcpy(xmalloc(n, "a file name"), name, n);
    }
    o->dev_base = (uint64_t)(id - 1) << 20;   /* each file its own 4 GiB region of the device */
    if (kind == OBJ_SHM)
        u64map_init(&o->swap);
    return id;
}

void vma_implicit_init(sim_t *s, config_implicit_t backing)
{
    s->vma_implicit = (vma_t){.start = 0, .end = UINT64_MAX, .prot = PTE_READ | PTE_WRITE | PTE_EXEC,
                              .flags = VMA_ANON};
    if (backing == CONFIG_IMPLICIT_SWAP)
        s->vma_implicit.flags |= VMA_SWAPPED;
    if (backing == CONFIG_IMPLICIT_FILE) {
        s->vma_implicit.flags = VMA_SHARED;
        s->vma_implicit.obj = vma_obj_new(s, OBJ_FILE, "(implicit)");
    }
}

static uint32_t vma_file_obj(sim_t *s, const char *name)
{
    for (uint32_t i = 1; i < s->nobjs; i++)
        if (s->objs[i].kind == OBJ_FILE && !strcmp(s->objs[i].name, name))
            return i;
    return vma_obj_new(s, OBJ_FILE, name);
}

/* Drops one PTE's mapping or swap entry. */
static void vma_pte_drop(sim_t *s, uint32_t mmi, pte_t *pte)
{
    if (pte->flags & PTE_PRESENT) {
        pfn_t pfn = pte->val;
        frame_t *f = &s->frames[pfn];
        if (pte->flags & PTE_DIRTY)
            f->flags |= FR_DIRTY;          /* a shared file page stays dirty in the cache */
        /* Linux's zap_pte_range (zap_present_folio_ptes): a page that is not private
         * anonymous, whose PTE goes young, is marked accessed (folio_mark_accessed). */
        const vma_t *area = s->norecency ? vma_find(&s->mms[mmi], pte->vpn) : NULL;
        if ((pte->flags & PTE_REF) && !page_key_is_anon(f->key) &&
            !(area && (area->flags & (VMA_RAND_READ | VMA_SEQ_READ)))) {   /* vma_has_recency */
            const mm_t *mm = &s->mms[mmi];
            mem_ref_t r = {.t = policy_t(s), .next_use = VTIME_NEVER, .copy_next_use = VTIME_NEVER,
                           .vpn = pte->vpn, .kind = REF_READ,
                           .pid = mm->proc ? s->procs[mm->proc - 1].pid : REPL_PID_NONE};
            policy_access(s, pfn, &r);
        }
        cpu_shootdown(s->cpus, s->ncpus, mmi, pte->vpn);
        frame_rmap_del(s, pfn, pte);
        s->mms[mmi].resident--;
        if (!f->mapcount && !(f->flags & FR_LOCKED))
            frame_put(s, pfn, REPL_UNMAP);
    } else if (pte->flags & PTE_SWAP) {
        swap_unref(s, pte->val);
    }
    pte->flags = 0;
    pte->val = 0;
}

/* Drops every mapping in [lo, hi) of address space mmi. */
static void vma_unmap_range(sim_t *s, uint32_t mmi, vpn_t lo, vpn_t hi)
{
    pagetable_t *pt = &s->mms[mmi].pt;
    if (hi - lo < pt->n) {
        for (vpn_t v = lo; v < hi; v++) {
            pte_t *pte = pt_lookup(pt, v);
            if (pte)
                vma_pte_drop(s, mmi, pte);
        }
    } else {
        for (size_t i = 0; i < pt->n; i++) {
            pte_t *pte = pt_at(pt, i);
            if (pte->vpn >= lo && pte->vpn < hi)
                vma_pte_drop(s, mmi, pte);
        }
    }
}

static int vma_mmap(sim_t *s, proc_t *p, const wl_rec_t *r, sim_err_t *err)
{
    mm_t *mm = &s->mms[p->mm];
    if (!r->len)
        return sim_err_set(err, SIM_EINPUT, "%s: mmap of length 0", WHERE(s));
    vpn_t lo = r->addr >> s->page_shift, hi = (r->addr + r->len - 1) >> s->page_shift;
    hi++;
    vma_t v = {.start = lo, .end = hi, .prot = vma_prot_bits(r->prot)};
    if (r->flags & WL_MAP_SHARED)
        v.flags |= VMA_SHARED;
    if (r->flags & WL_MAP_ANON) {
        v.flags |= VMA_ANON;
        if (v.flags & VMA_SHARED)
            v.obj = vma_obj_new(s, OBJ_SHM, NULL);
    } else {
        v.obj = vma_file_obj(s, r->file ? r->file : "");
        v.pgoff = r->offset >> s->page_shift;
        if (!(v.flags & VMA_SHARED) && (v.prot & PTE_WRITE) && s->nframes < 2)
            return sim_err_set(err, SIM_EINPUT, "%s: a writable private file mapping needs at least 2 frames "
                               "(its copy-on-write copies)", WHERE(s));
    }
    mm->implicit = NULL;
    vma_unmap_range(s, p->mm, lo, hi);                      /* MAP_FIXED replaces what was there */
    vma_list_cut(&mm->areas, lo, hi);
    vma_list_add(&mm->areas, &v);
    return 0;
}

static void vma_munmap(sim_t *s, proc_t *p, uint64_t addr, uint64_t len)
{
    if (!len)
        return;
    vpn_t lo = addr >> s->page_shift, hi = ((addr + len - 1) >> s->page_shift) + 1;
    vma_unmap_range(s, p->mm, lo, hi);
    vma_list_cut(&s->mms[p->mm].areas, lo, hi);
}

static void vma_mprotect(sim_t *s, proc_t *p, const wl_rec_t *r)
{
    mm_t *mm = &s->mms[p->mm];
    if (!r->len || mm->implicit)
        return;
    vpn_t lo = r->addr >> s->page_shift, hi = ((r->addr + r->len - 1) >> s->page_shift) + 1;
    uint32_t prot = vma_prot_bits(r->prot);
    vma_list_protect(&mm->areas, lo, hi, prot);
    /* Existing PTEs take the new rights; private pages stay write-protected so that a
     * write goes through the COW path (which reuses the page if it is exclusive). */
    for (size_t i = 0; i < mm->pt.n; i++) {
        pte_t *pte = pt_at(&mm->pt, i);
        if (pte->vpn < lo || pte->vpn >= hi || !(pte->flags & (PTE_PRESENT | PTE_SWAP)))
            continue;
        const vma_t *v = vma_find(mm, pte->vpn);
        uint32_t perms = prot;
        if (v && !(v->flags & VMA_SHARED))
            perms &= ~PTE_WRITE;
        if (!(pte->flags & PTE_PRESENT))
            perms = prot;
        pte->flags = (pte->flags & ~PTE_PERMS) | perms;
        cpu_shootdown(s->cpus, s->ncpus, p->mm, pte->vpn);
    }
}

/* madvise willneed on private anonymous memory in [lo, hi) (madvise_willneed: a VMA with no
 * file): its swapped pages are read into the swap cache (fault_swap_willneed), by ascending
 * vpn when the range is smaller than the page table, else in the table's order. */
static void vma_willneed_anon(sim_t *s, cpu_t *c, proc_t *p, vpn_t lo, vpn_t hi)
{
    mm_t *mm = &s->mms[p->mm];
    const pagetable_t *pt = &mm->pt;
    pte_t *batch[64];
    uint32_t n = 0;
    int by_vpn = hi - lo < pt->n;
    vpn_t v = lo;
    for (size_t i = 0;;) {
        pte_t *pte;
        if (by_vpn) {
            if (v >= hi)
                break;
            pte = pt_lookup(pt, v++);
        } else {
            if (i >= pt->n)
                break;
            pte = pt_at(pt, i++);
            if (pte->vpn < lo || pte->vpn >= hi)
                continue;
        }
        if (!pte || (pte->flags & PTE_PRESENT) || !(pte->flags & PTE_SWAP))
            continue;
        const vma_t *a = mm->implicit ? &s->vma_implicit : vma_find(mm, pte->vpn);
        if (!a || (a->flags & VMA_SHARED) || !(a->flags & VMA_ANON))
            continue;
        batch[n++] = pte;
        if (n == 64) {
            if (fault_swap_willneed(s, c, p, batch, n) < n)
                return;                          /* no frame to be had now: stop */
            n = 0;
        }
    }
    if (n)
        fault_swap_willneed(s, c, p, batch, n);
}

/* madvise(2) (mm/madvise.c): normal, random and sequential set the advice of the areas in
 * the range (split at its edges as mprotect splits them); random turns off readahead on
 * faults there (VM_RAND_READ); random and sequential take the area's mappings out of linux's
 * recency (vma_has_recency: env->referenced skips them, an unmapping marks nothing).
 * Sequential is otherwise as normal: the kernel's VM_SEQ_READ reads ahead from the fault
 * where normal reads around it, and pagesim's readahead reads ahead already. dontneed zaps the
 * range (zap_page_range_single): private anonymous pages are freed (the next touch is
 * demand-zero), file pages unmapped and left in the page cache, private copies dropped,
 * swap entries released. An implicit address space (no area declared) takes no advice but
 * dontneed. willneed starts reading the file pages of the range in, without blocking
 * (madvise_willneed -> vfs_fadvise WILLNEED: fileio_willneed), and the swapped pages of private
 * anonymous memory into the swap cache (swapin_walk_pmd_entry: vma_willneed_anon). */
static int vma_madvise(sim_t *s, cpu_t *c, proc_t *p, const wl_rec_t *r, sim_err_t *err)
{
    mm_t *mm = &s->mms[p->mm];
    if (!r->len)
        return 0;
    vpn_t lo = r->addr >> s->page_shift, hi = ((r->addr + r->len - 1) >> s->page_shift) + 1;
    if (r->kind == WL_ADV_DONTNEED) {
        vma_unmap_range(s, p->mm, lo, hi);
        return 0;
    }
    if (r->kind >= WL_NADVICE)
        return sim_err_set(err, SIM_EINPUT, "%s: madvise: unknown advice %u", WHERE(s), r->kind);
    if (r->kind == WL_ADV_WILLNEED)           /* anonymous memory: its swapped pages */
        vma_willneed_anon(s, c, p, lo, hi);
    if (mm->implicit)
        return 0;
    if (r->kind == WL_ADV_WILLNEED) {         /* madvise_willneed: the file areas' pages */
        for (uint32_t i = 0; i < mm->areas.n; i++) {
            const vma_t *v = &mm->areas.v[i];
            if (v->end <= lo || v->start >= hi || !v->obj)
                continue;
            vpn_t a = v->start > lo ? v->start : lo, b = v->end < hi ? v->end : hi;
            fileio_willneed(s, c, p, v->obj, v->pgoff + (a - v->start), v->pgoff + (b - v->start));
        }
        return 0;
    }
    uint32_t set = r->kind == WL_ADV_RANDOM ? VMA_RAND_READ : r->kind == WL_ADV_SEQUENTIAL ? VMA_SEQ_READ : 0;
    if (set)
        s->norecency = 1;
    vma_list_t *l = &mm->areas;
    for (uint32_t i = 0; i < l->n; i++) {
        vma_t whole = l->v[i];
        if (whole.end <= lo || whole.start >= hi)
            continue;
        vpn_t a = whole.start > lo ? whole.start : lo, b = whole.end < hi ? whole.end : hi;
        vma_list_cut(l, a, b);
        vma_t mid = whole;
        mid.pgoff += a - whole.start;
        mid.start = a;
        mid.end = b;
        mid.flags = (mid.flags & ~(uint32_t)(VMA_RAND_READ | VMA_SEQ_READ)) | set;
        uint32_t j = 0;
        while (j < l->n && l->v[j].start < a)
            j++;
        vma_list_insert_at(l, j, &mid);
        i = j;
    }
    return 0;
}

/* Releases every mapping of an address space (exit, exec). */
static void vma_mm_teardown(sim_t *s, uint32_t mmi)
{
    mm_t *mm = &s->mms[mmi];
    SIM_ASSERT(s, mm->users > 0);
    if (--mm->users)
        return;
    for (size_t i = 0; i < mm->pt.n; i++)
        vma_pte_drop(s, mmi, pt_at(&mm->pt, i));
    for (uint32_t c = 0; c < s->ncpus; c++)
        tlb_flush(&s->cpus[c].tlb, mmi);
    SIM_ASSERT(s, mm->resident == 0);
    pt_free(&mm->pt);
    pt_init(&mm->pt);
    vma_list_free(&mm->areas);
}

static int vma_fork(sim_t *s, cpu_t *c, uint32_t parent_idx, spid_t child_pid, sim_err_t *err)
{
    if (s->nframes < 2)
        return sim_err_set(err, SIM_EINPUT, "%s: fork needs at least 2 frames (a copy-on-write copy holds "
                           "the shared page and the new one at once)", WHERE(s));
    if (u64map_find(&s->pid2proc, child_pid))
        return sim_err_set(err, SIM_EINPUT, "%s: fork: pid %u already exists", WHERE(s),
                           proc_file_pid(s, child_pid, NULL));
    proc_t *child = proc_get(s, child_pid);             /* may move s->procs */
    proc_t *parent = &s->procs[parent_idx];
    uint32_t pmi = parent->mm, cmi = child->mm;
    mm_t *pm = &s->mms[pmi], *cm = &s->mms[cmi];
    cm->implicit = pm->implicit;
    for (uint32_t i = 0; i < pm->areas.n; i++)
        vma_list_insert_at(&cm->areas, cm->areas.n, &pm->areas.v[i]);
    for (size_t i = 0; i < pm->pt.n; i++) {
        pte_t *pp = pt_at(&pm->pt, i);
        if (!(pp->flags & (PTE_PRESENT | PTE_SWAP)))
            continue;
        const vma_t *v = vma_find(pm, pp->vpn);
        if (!v)
            continue;
        c->clock += s->cost.fork_pte;
        pte_t *cp = pt_get(&cm->pt, pp->vpn);
        if (pp->flags & PTE_SWAP) {
            cp->flags = PTE_SWAP | (pp->flags & PTE_PERMS);
            cp->val = pp->val;
            swap_ref(s, pp->val);
            continue;
        }
        int private = !(v->flags & VMA_SHARED);
        if (private && fault_cow_at_fork(s, c, pp, cmi, child_pid, cp, v))
            continue;                                    /* the COW policy copied it now */
        if (private)
            pp->flags &= ~PTE_WRITE;
        cp->flags = PTE_PRESENT | (pp->flags & (PTE_PERMS | PTE_DIRTY | PTE_REF));
        cp->val = pp->val;
        frame_rmap_add(s, pp->val, cmi, cp);
        if (++cm->resident > child->resident_peak)
            child->resident_peak = cm->resident;
    }
    child = &s->procs[u64map_find(&s->pid2proc, child_pid)[0]];
    if (cm->resident > child->resident_peak)
        child->resident_peak = cm->resident;
    /* The parent's cached translations may still allow writes: flush them. */
    for (uint32_t i = 0; i < s->ncpus; i++)
        tlb_flush(&s->cpus[i].tlb, pmi);
    return 0;
}

/* Pages larger than 4 KiB need areas aligned to them. A page takes the protections and the
 * backing of one area; where areas share a large page (an ELF file's r-- and r-x segments
 * share a 2 MiB page) hardware and the kernel map that part with base pages (mixed page
 * sizes), which pagesim does not model: rather than let one area's rights decide for the
 * others and skip their references as protection faults, such a trace is refused. */
static int vma_check_aligned(const sim_t *s, const wl_rec_t *r, sim_err_t *err)
{
    if (s->page_size <= 4096 || r->type == WL_FORK || r->type == WL_EXEC || r->type == WL_EXIT ||
        r->type == WL_READ || r->type == WL_WRITE || r->type == WL_FADVISE || !r->len)
        return 0;
    uint64_t mask = s->page_size - 1;
    if (!(r->addr & mask) && !(r->len & mask))
        return 0;
    static const char *const names[] = {[WL_MMAP] = "mmap", [WL_MUNMAP] = "munmap", [WL_MADVISE] = "madvise",
                                        [WL_MPROTECT] = "mprotect", [WL_BRK] = "brk"};
    const char *what = r->type < sizeof names / sizeof *names && names[r->type] ? names[r->type] : "area";
    return sim_err_set(err, SIM_EINPUT, "%s: %s at 0x%llx of length 0x%llx is not aligned to the "
                       "page size %u: pages larger than 4 KiB need areas aligned to them (mixed page "
                       "sizes are not modelled); use --page-size 4096 for this trace", WHERE(s), what,
                       (unsigned long long)r->addr, (unsigned long long)r->len, s->page_size);
}

int vma_event(sim_t *s, cpu_t *c, const wl_rec_t *r, sim_err_t *err)
{
    const char *where = WHERE(s);
    if (vma_check_aligned(s, r, err))
        return -1;
    proc_t *p = proc_get(s, r->pid);
    if (p->state == P_EXITED)
        return sim_err_set(err, SIM_EINPUT, "%s: pid %u has already exited", where, proc_file_pid(s, r->pid, NULL));
    switch (r->type) {
    case WL_MMAP:
        return vma_mmap(s, p, r, err);
    case WL_BRK: {
        wl_rec_t m = *r;
        m.prot = WL_PROT_R | WL_PROT_W;
        m.flags = WL_MAP_ANON;
        return r->len ? vma_mmap(s, p, &m, err) : 0;
    }
    case WL_MUNMAP:
        vma_munmap(s, p, r->addr, r->len);
        return 0;
    case WL_MPROTECT:
        vma_mprotect(s, p, r);
        return 0;
    case WL_FORK:
        return vma_fork(s, c, (uint32_t)(p - s->procs), r->pid2, err);
    case WL_EXEC:
        vma_mm_teardown(s, p->mm);
        p->mm = proc_mm_new(s);
        s->mms[p->mm].proc = (uint32_t)(p - s->procs) + 1;
        policy_proc(s, p->pid, REPL_PROC_EXEC);
        return 0;
    case WL_MADVISE:
        return vma_madvise(s, c, p, r, err);
    case WL_FADVISE:
        return fileio_fadvise(s, c, p, vma_file_obj(s, r->file ? r->file : ""), r, err);
    case WL_READ:
    case WL_WRITE:
        return fileio_rw(s, c, p, vma_file_obj(s, r->file ? r->file : ""), r, err);
    case WL_EXIT:
        vma_mm_teardown(s, p->mm);
        p->state = P_EXITED;
        frame_recharge_exit(s, (uint32_t)(p - s->procs) + 1);
        policy_proc(s, p->pid, REPL_PROC_EXIT);
        return 0;
    default:
        return sim_err_set(err, SIM_EINPUT, "%s: unknown record type %u", where, r->type);
    }
}
