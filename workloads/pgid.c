/* pgid.c - the identity of each page reference's contents, computed ahead of a run.
 *
 * The future passes (OPT's next use, nextuse.c; one-pass curves) must know which *page* a
 * reference uses, and a page is its contents, not (pid, vpn): a file page is one page in the
 * page cache however many processes map it at whatever addresses (ld.so maps one ELF file
 * several times, the text of a shared library is shared by every process); a private file
 * page stops being the file's page at its first write (the copy is a new anonymous page);
 * after fork parent and child use the same anonymous pages until one of them writes (then the
 * writer gets a copy, unless it is the page's last owner and the COW policy reuses it); exec,
 * exit and munmap end pages that nobody else maps. Keying the future by (pid, vpn) gave OPT
 * next uses that belonged to other pages: stale keys that pinned frames, so that OPT took
 * more faults than LRU on recorded programs (issue 10).
 *
 * This module replays the address-space events of a trace (mmap, munmap, mprotect, brk,
 * fork, exec, exit) with the engine's rules (sim/vma.c, sim/fault.c) but without frames, time
 * or devices, and gives each page reference a key:
 *   - shared file or shared anonymous area: (object, page index), as the engine's page cache;
 *   - private file area, page never written by this address space: the file's page;
 *   - private anonymous page: an id given at first touch, kept through swap and fork, replaced
 *     by a new id when a write copies it (COW), the source's id staying with the other owners.
 * A buffered read or write of a file (sim/fileio.c) references its page-cache pages, the keys
 * a shared mapping of the same file name uses (pgid_io_key). madvise dontneed zaps a range as
 * the engine does: its private pages are dropped (the next touch is a new demand-zero page, or
 * the file's page again). A reference the engine skips (segv: no area; protection: the area
 * forbids the access) has no key. A reference that copies (a write to a private file page, or to an anonymous page
 * shared after fork or write-protected by mprotect, when the COW policy copies) uses two
 * pages: it reads the source and leaves the copy mapped; both keys are given.
 *
 * Where the engine's identities depend on residency, which an offline pass cannot know, this
 * assumes every page resident: the eager COW policy copies only resident pages at fork (the
 * others share the swap copy), neighbours un-shares only resident ones, and a clean anonymous
 * page shared after fork and evicted before either side wrote it refaults as two demand-zero
 * pages. OPT counts the hits that find a frame whose recorded next use was not that hit
 * (`policy.stats.stale_next_uses` in the results): 0 means its future was exact.
 *
 * Cost: per page reference one hash lookup of (address space, vpn) for private anonymous
 * pages (the last address space is remembered, so a run of one pid's references finds it
 * without a lookup; the page table keeps 8 consecutive pages in neighbouring slots, one cache
 * miss per sequential run) and a binary search of the areas (one or two cache lines each)
 * unless the area found last holds the page;
 * per distinct page an entry of 16 bytes at most half full (32-64 bytes); anonymous pages
 * shared after fork also an entry of 16 in the owners map (unshared ones none); events are
 * O(areas) or O(pages of the address space) like the engine's.
 */
#include <stdlib.h>
#include <string.h>

#include "pgid_priv.h"
#include "wl_priv.h"
#include "sim/base/xalloc.h"

#define ANON_BIT  PGID_ANON_BIT   /* an anonymous page's key */

static void pm_put(u64map_t *m, uint64_t vpn, uint64_t val);

static void pm_grow(u64map_t *m)
{
    u64map_t old = *m;
    m->mask = 2 * old.mask + 1;
    m->n = 0;
    m->s = xcalloc(m->mask + 1, sizeof *m->s, "page identities");
    for (size_t i = 0; i <= m->mask; i++)
        m->s[i].key = U64MAP_EMPTY;
    for (size_t i = 0; i <= old.mask; i++)
        if (old.s[i].key != U64MAP_EMPTY)
            pm_put(m, old.s[i].key, old.s[i].val);
    free(old.s);
}

static void pm_put(u64map_t *m, uint64_t vpn, uint64_t val)
{
    assert(vpn != U64MAP_EMPTY);
    size_t h = pm_home(m, vpn);
    while (m->s[h].key != U64MAP_EMPTY && m->s[h].key != vpn)
        h = (h + 1) & m->mask;
    if (m->s[h].key == U64MAP_EMPTY) {
        m->n++;
        m->s[h].key = vpn;
    }
    m->s[h].val = val;
    if (2 * m->n > m->mask + 1)
        pm_grow(m);
}

static void pm_del(u64map_t *m, uint64_t vpn)
{
    size_t h = pm_home(m, vpn);
    while (m->s[h].key != vpn) {
        if (m->s[h].key == U64MAP_EMPTY)
            return;
        h = (h + 1) & m->mask;
    }
    size_t hole = h;
    for (size_t j = (h + 1) & m->mask; m->s[j].key != U64MAP_EMPTY; j = (j + 1) & m->mask) {
        size_t home = pm_home(m, m->s[j].key);
        int stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            m->s[hole] = m->s[j];
            hole = j;
        }
    }
    m->s[hole].key = U64MAP_EMPTY;
    m->n--;
}

static int default_reuse(void *ctx, int exclusive) { (void)ctx; return exclusive; }
static int default_copy_at_fork(void *ctx) { (void)ctx; return 0; }

pgid_t *pgid_new(unsigned page_shift, const pgid_cow_t *cow)
{
    pgid_t *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->shift = page_shift;
    if (cow)
        g->cow = *cow;
    if (!g->cow.reuse)
        g->cow.reuse = default_reuse;
    if (!g->cow.copy_at_fork)
        g->cow.copy_at_fork = default_copy_at_fork;
    u64map_init(&g->pid2mm);
    u64map_init(&g->owners);
    g->nobjs = 1;                        /* object 0 is "none" */
    g->next_anon = 1;
    return g;
}

void pgid_free(pgid_t *g)
{
    if (!g)
        return;
    for (uint32_t i = 0; i < g->nmms; i++) {
        vma_list_free(&g->mms[i].areas);
        u64map_free(&g->mms[i].pages);
    }
    free(g->mms);
    for (uint32_t i = 1; i < g->nobjs; i++)
        free(g->files[i]);
    free(g->files);
    u64map_free(&g->pid2mm);
    u64map_free(&g->owners);
    free(g);
}

static uint32_t mm_new(pgid_t *g)
{
    if (g->nmms == g->capmms) {
        g->capmms = g->capmms ? 2 * g->capmms : 8;
        g->mms = xrealloc(g->mms, xmul(g->capmms, sizeof *g->mms, "page identities"), "page identities");
    }
    pg_mm_t *m = &g->mms[g->nmms];
    memset(m, 0, sizeof *m);
    m->implicit = 1;
    u64map_init(&m->pages);
    return g->nmms++;
}

/* The address space of pid, created on its first record as the engine does. */
static pg_mm_t *mm_find(pgid_t *g, spid_t pid)
{
    uint64_t *x = u64map_find(&g->pid2mm, pid);
    uint32_t i;
    if (x) {
        i = (uint32_t)*x;
    } else {
        i = mm_new(g);
        u64map_put(&g->pid2mm, pid, i);
    }
    g->last_pid = pid;
    g->last_mm = i;
    g->have_last = 1;
    return &g->mms[i];
}

/* The same, the last answer inline (references come in runs of a pid). */
static inline pg_mm_t *mm_of(pgid_t *g, spid_t pid)
{
    if (__builtin_expect(g->have_last && g->last_pid == pid, 1))
        return &g->mms[g->last_mm];
    return mm_find(g, pid);
}

static uint32_t obj_new(pgid_t *g, const char *name)
{
    if (g->nobjs >= g->capobjs) {
        g->capobjs = g->capobjs ? 2 * g->capobjs : 16;
        g->files = xrealloc(g->files, xmul(g->capobjs, sizeof *g->files, "page identities"), "page identities");
    }
    size_t len = name ? strlen(name) + 1 : 0;
    g->files[g->nobjs] = name ? memcpy(xmalloc(len, "a file name"), name, len) : NULL;
    assert(g->nobjs < (1u << 23));
    return g->nobjs++;
}

/* The object of file name (the last one found is tried first: reads come in runs of a file). */
static uint32_t file_obj(pgid_t *g, const char *name)
{
    if (g->last_obj && !strcmp(g->files[g->last_obj], name))
        return g->last_obj;
    for (uint32_t i = 1; i < g->nobjs; i++)
        if (g->files[i] && !strcmp(g->files[i], name))
            return g->last_obj = i;
    return g->last_obj = obj_new(g, name);
}

/* The owners map holds only shared anonymous pages, as their owner count minus one: a page
 * absent from it has one owner (every key asked about is mapped somewhere), so a page that
 * is never shared, nearly all of them, costs no entry and no insertion at its first touch. */
static void owner_add(pgid_t *g, uint64_t key, uint64_t n)
{
    uint64_t *c = u64map_find(&g->owners, key);
    if (c)
        *c += n;
    else
        u64map_put(&g->owners, key, n);
}

static void owner_drop(pgid_t *g, uint64_t key)
{
    uint64_t *c = u64map_find(&g->owners, key);
    if (c && --*c == 0)
        u64map_del(&g->owners, key);     /* one owner left; without an entry, none */
}

static uint64_t owners(const pgid_t *g, uint64_t key)
{
    const uint64_t *c = u64map_find(&g->owners, key);
    return c ? *c + 1 : 1;
}

static uint64_t anon_new(pgid_t *g)
{
    return ANON_BIT | g->next_anon++;
}

/* Drops the pages of m in [lo, hi) (all of them when hi <= lo is not given: use ~0). */
static void drop_range(pgid_t *g, pg_mm_t *m, vpn_t lo, vpn_t hi)
{
    for (size_t i = 0; i <= m->pages.mask;) {
        u64map_slot_t *sl = &m->pages.s[i];
        if (sl->key != U64MAP_EMPTY && sl->key >= lo && sl->key < hi) {
            owner_drop(g, sl->val & ~WP_BIT);
            pm_del(&m->pages, sl->key);       /* backward shift: look at slot i again */
            continue;
        }
        i++;
    }
}

static void range_of(const pgid_t *g, const wl_rec_t *r, vpn_t *lo, vpn_t *hi)
{
    *lo = r->addr >> g->shift;
    *hi = ((r->addr + r->len - 1) >> g->shift) + 1;
}

static void do_mmap(pgid_t *g, pg_mm_t *m, const wl_rec_t *r, uint8_t prot, uint8_t flags)
{
    vpn_t lo, hi;
    range_of(g, r, &lo, &hi);
    vma_t v = {.start = lo, .end = hi, .prot = prot};
    if (flags & WL_MAP_SHARED)
        v.flags |= VMA_SHARED;
    if (flags & WL_MAP_ANON) {
        v.flags |= VMA_ANON;
        if (v.flags & VMA_SHARED)
            v.obj = obj_new(g, NULL);
    } else {
        v.obj = file_obj(g, r->file ? r->file : "");
        v.pgoff = r->offset >> g->shift;
    }
    m->implicit = 0;
    drop_range(g, m, lo, hi);
    vma_list_cut(&m->areas, lo, hi);
    vma_list_add(&m->areas, &v);
}

static void do_mprotect(pgid_t *g, pg_mm_t *m, const wl_rec_t *r)
{
    if (m->implicit)
        return;
    vpn_t lo, hi;
    range_of(g, r, &lo, &hi);
    vma_list_protect(&m->areas, lo, hi, r->prot);
    /* Private pages in the range stay write-protected (the engine lets the COW path decide) */
    for (size_t i = 0; i <= m->pages.mask; i++) {
        u64map_slot_t *sl = &m->pages.s[i];
        if (sl->key != U64MAP_EMPTY && sl->key >= lo && sl->key < hi)
            sl->val |= WP_BIT;
    }
}

static void do_fork(pgid_t *g, spid_t parent, spid_t child)
{
    (void)mm_of(g, parent);
    if (u64map_find(&g->pid2mm, child))
        return;                           /* the engine rejects it; nothing to follow */
    uint32_t ci = mm_new(g);              /* may move g->mms */
    u64map_put(&g->pid2mm, child, ci);
    pg_mm_t *pm = &g->mms[*u64map_find(&g->pid2mm, parent)], *cm = &g->mms[ci];
    cm->implicit = pm->implicit;
    for (uint32_t i = 0; i < pm->areas.n; i++)
        vma_list_insert_at(&cm->areas, cm->areas.n, &pm->areas.v[i]);
    for (size_t i = 0; i <= pm->pages.mask; i++) {
        u64map_slot_t *sl = &pm->pages.s[i];
        if (sl->key == U64MAP_EMPTY)
            continue;
        if (!pm->implicit && !vma_list_find(&pm->areas, sl->key))
            continue;
        uint64_t key = sl->val & ~WP_BIT;
        if (g->cow.copy_at_fork(g->cow.ctx)) {
            pm_put(&cm->pages, sl->key, anon_new(g));
        } else {
            sl->val |= WP_BIT;
            pm_put(&cm->pages, sl->key, key | WP_BIT);
            owner_add(g, key, 1);
        }
    }
}

/* Drops every page of m: drop_range's effect in one sweep, without its deletions' shifts
 * (an exit at the end of a trace with a million pages cost 3% of the next-use pass). */
static void drop_all(pgid_t *g, pg_mm_t *m)
{
    for (size_t i = 0; i <= m->pages.mask; i++) {
        u64map_slot_t *sl = &m->pages.s[i];
        if (sl->key == U64MAP_EMPTY)
            continue;
        if (g->owners.n)
            owner_drop(g, sl->val & ~WP_BIT);
        sl->key = U64MAP_EMPTY;
    }
    m->pages.n = 0;
}

/* The address space of pid ends (exec, exit): its pages are dropped. */
static void mm_end(pgid_t *g, spid_t pid, int exec)
{
    uint64_t *x = u64map_find(&g->pid2mm, pid);
    if (!x) {
        (void)mm_of(g, pid);
        x = u64map_find(&g->pid2mm, pid);
    }
    pg_mm_t *m = &g->mms[*x];
    drop_all(g, m);
    m->areas.n = 0;
    m->implicit = 1;
    m->dead = !exec;
}

void pgid_event(pgid_t *g, const wl_rec_t *r)
{
    switch (r->type) {
    case WL_MMAP:
        if (r->len)
            do_mmap(g, mm_of(g, r->pid), r, r->prot, r->flags);
        break;
    case WL_BRK:
        if (r->len)
            do_mmap(g, mm_of(g, r->pid), r, WL_PROT_R | WL_PROT_W, WL_MAP_ANON);
        break;
    case WL_MUNMAP:
        if (r->len) {
            vpn_t lo, hi;
            range_of(g, r, &lo, &hi);
            pg_mm_t *m = mm_of(g, r->pid);
            drop_range(g, m, lo, hi);
            vma_list_cut(&m->areas, lo, hi);
        }
        break;
    case WL_MPROTECT:
        if (r->len)
            do_mprotect(g, mm_of(g, r->pid), r);
        break;
    case WL_FORK:
        do_fork(g, r->pid, r->pid2);
        break;
    case WL_EXEC:
        mm_end(g, r->pid, 1);
        break;
    case WL_EXIT:
        mm_end(g, r->pid, 0);
        break;
    case WL_MADVISE:                      /* dontneed: vma.c vma_madvise, zap_page_range_single */
        if (r->len && r->kind == WL_ADV_DONTNEED) {
            vpn_t lo, hi;
            range_of(g, r, &lo, &hi);
            drop_range(g, mm_of(g, r->pid), lo, hi);
        }
        break;
    default:
        break;                            /* references come through pgid_ref; others hold no pages */
    }
}

void pgid_prefetch(const pgid_t *g, spid_t pid, vpn_t vpn) { pgid_prefetch_i(g, pid, vpn); }

page_key_t pgid_peek(const pgid_t *g, spid_t pid, vpn_t vpn) { return pgid_peek_i(g, pid, vpn); }

void pgid_io_range(const pgid_t *g, const wl_rec_t *r, uint64_t *lo, uint64_t *hi)
{
    *lo = *hi = 0;
    if (!r->len || r->offset + r->len < r->offset)
        return;
    *lo = r->offset >> g->shift;
    *hi = ((r->offset + r->len - 1) >> g->shift) + 1;
}

page_key_t pgid_io_key(pgid_t *g, const wl_rec_t *r, uint64_t index)
{
    return (uint64_t)file_obj(g, r->file ? r->file : "") << 40 | (index & ((1ULL << 40) - 1));
}

/* After a copy at vpn, the COW policy may un-share the next pages of the area (sim/fault.c
 * fault_cow_neighbours): exclusive ones become writable, shared ones are copied. */
static void neighbours(pgid_t *g, pg_mm_t *m, const vma_t *v, vpn_t vpn)
{
    for (vpn_t x = vpn + 1; x <= vpn + g->cow.neighbours && x < v->end; x++) {
        uint64_t *e = pm_find(&m->pages, x);
        if (!e || !(*e & WP_BIT))
            continue;
        uint64_t key = *e & ~WP_BIT;
        if (owners(g, key) == 1) {
            *e = key;
        } else {
            owner_drop(g, key);
            *e = anon_new(g);
        }
    }
}

pgid_ref_t pgid_ref(pgid_t *g, spid_t pid, vpn_t vpn, ref_kind_t kind)
{
    pgid_ref_t out = {0, 0, 0, 0};
    pg_mm_t *m = mm_of(g, pid);
    if (m->dead)
        return out;
    static const vma_t implicit = {.start = 0, .end = UINT64_MAX,
                                       .prot = WL_PROT_R | WL_PROT_W | WL_PROT_X, .flags = VMA_ANON};
    const vma_t *v = &implicit;
    if (!m->implicit) {
        uint32_t a = m->last_area;
        if (a < m->areas.n && m->areas.v[a].start <= vpn && vpn < m->areas.v[a].end) {
            v = &m->areas.v[a];
        } else {
            v = vma_list_find(&m->areas, vpn);
            if (v)
                m->last_area = (uint32_t)(v - m->areas.v);
        }
    }
    static const uint8_t need[3] = {WL_PROT_R, WL_PROT_W, WL_PROT_X};
    if (!v || !(v->prot & need[kind]))
        return out;                                   /* segv or protection: skipped */
    out.prot = v->prot;
    out.stable = 1;
    if (v->flags & VMA_SHARED) {
        uint64_t index = v->pgoff + (vpn - v->start);
        out.key = out.src = (uint64_t)v->obj << 40 | (index & ((1ULL << 40) - 1));
        return out;
    }
    uint64_t *e = pm_find(&m->pages, vpn);
    if (e) {
        out.key = out.src = *e & ~WP_BIT;
        out.stable = !(*e & WP_BIT) || kind == REF_WRITE;
        if (kind == REF_WRITE && (*e & WP_BIT)) {
            if (owners(g, out.key) == 1 && g->cow.reuse(g->cow.ctx, 1)) {
                *e = out.key;                         /* made writable in place */
            } else {
                owner_drop(g, out.key);
                out.key = anon_new(g);
                *e = out.key;
                if (g->cow.neighbours)
                    neighbours(g, m, v, vpn);
            }
        }
        return out;
    }
    if (v->flags & VMA_ANON) {                          /* demand-zero */
        out.key = out.src = anon_new(g);
        pm_put(&m->pages, vpn, out.key);
        return out;
    }
    uint64_t index = v->pgoff + (vpn - v->start);
    out.key = out.src = (uint64_t)v->obj << 40 | (index & ((1ULL << 40) - 1));
    out.stable = 0;                                   /* still the file's page */
    if (kind == REF_WRITE) {                          /* the first write copies the file page */
        out.stable = 1;
        out.key = anon_new(g);
        pm_put(&m->pages, vpn, out.key);
        if (g->cow.neighbours)
            neighbours(g, m, v, vpn);
    }
    return out;
}
