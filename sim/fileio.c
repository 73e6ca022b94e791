/* fileio.c - buffered file I/O: read(2) and write(2) through the page cache, with no mapping.
 *
 * One page cache per file (the object a `file:NAME` mapping uses, found by NAME: vma.c), so a
 * read and a mapping of the same file share frames. For each page of [offset, offset+len):
 *  - in the page cache: a hit; the copy costs costs.copy scaled to the bytes of that page;
 *  - not there: a frame is taken as a fault takes one (reclaim_get_frame: the policy hears of
 *    the miss, a victim is evicted if memory is full) and the page joins the page cache,
 *    tracked at once and locked until its read completes, like a readahead page of a fault.
 *    Consecutive missing pages go to the file device in one request (io.file_read counts the
 *    pages); when the read's last page missed, `readahead` further pages follow it in that
 *    request (io.readahead), stopping at the first page already cached.
 *  - a write dirties each page (written back at eviction: io.file_write); a page not in memory
 *    that the write covers only in part is read first (generic_perform_write -> write_begin),
 *    a fully covered one is not read (fileio.write_fills counts the reads).
 * The process blocks until the last of its pages is ready (its own reads, or I/O in flight on
 * a page it hit), as on a major fault: p is P_BLOCKED with an EV_IO_DONE event and no pending
 * fault (pend_pfn PFN_NONE), which both schedules wait out (sched.c).
 *
 * What the policy sees (policies/repl.h): a buffered access is a reference. A policy with
 * on_hit gets on_hit for a hit, on_miss + on_insert for a miss, with ref->vpn REPL_VPN_NONE;
 * an R-bit policy sees it through the frame's software referenced bit (FR_SOFTREF), which
 * env->test_clear_ref reports and clears with the PTEs' bits, as the kernel's PG_referenced
 * makes a page-cache page look used. env->referenced (folio_referenced) does not report it:
 * the kernel's counts only young PTEs, and PG_referenced is the policy's own (linux keeps it).
 * on_access (folio_mark_accessed) is called as filemap_read calls it: once per page per read,
 * except for the first page when the read begins in the page where the previous read of the
 * same file by the same process ended (pos_same_folio(iocb->ki_pos, ra->prev_pos - 1));
 * writes do not call it: generic_perform_write gets its folio with FGP_WRITEBEGIN, which has no
 * FGP_ACCESSED (mm/filemap.c, __filemap_get_folio: a write only clears the idle flag).
 * For a policy that needs every reference's next use (OPT), each page of a read or write is a
 * page reference with its own ref->t and next use, numbered in one sequence with the mapped
 * references as the next-use pass numbers them (workloads/nextuse.c; sim_int.h's nu_io);
 * pages read ahead or by willneed have none (VTIME_NEVER, as a fault's readahead).
 *
 * fadvise (fileio_fadvise, mm/fadvise.c generic_fadvise) is kept per process and file, as
 * the kernel keeps it per open file: random reads ahead nothing, sequential twice the
 * configured readahead, normal restores it; willneed reads the range in without blocking
 * (force_page_cache_readahead: pages not cached are read, at most a memory's worth, not
 * referenced; fileio.willneed_pages; a length of 0 reads nothing, since pagesim does not
 * know a file's size); dontneed starts write-back of the range's dirty pages and drops its
 * clean, unmapped, unlocked ones (fileio.dontneed_cleaned, fileio.dontneed_dropped).
 * madvise willneed on a file area reads its pages in the same way (vma.c).
 *
 * Simplification: when every frame is locked in other faults' I/O (several processes faulting
 * at once on fewer frames than they are), a missing page is read without being cached.
 * Cost: per page a page-cache lookup and, on a miss, what a fault's frame costs. */
#include "sim_int.h"
#include "fileio.h"
#include "frame.h"
#include "policy.h"
#include "reclaim.h"
#include "vma.h"
#include "explain.h"

static uint32_t fileio_owner(const sim_t *s, const proc_t *p)
{
    return (uint32_t)(p - s->procs) + 1;
}

/* A frame for page index of obj, into the page cache, tracked, locked until the read; or
 * PFN_NONE when no frame can be had now. *ready: when its victim's write-back is done. */
static pfn_t fileio_new_page(sim_t *s, cpu_t *c, proc_t *p, uint32_t obj, uint64_t index,
                             const mem_ref_t *r, repl_reason_t why, uint32_t count, sim_time_t *ready)
{
    if (!reclaim_can_get(s, fileio_owner(s, p)))
        return PFN_NONE;
    page_id_t pg = {.key = page_key_file(obj, index), .kind = PAGE_FILE};
    pfn_t pfn = reclaim_get_frame(s, c, r, &pg, fileio_owner(s, p), why, count, ready);
    frame_t *f = &s->frames[pfn];
    f->flags |= FR_PAGECACHE | FR_SOFTREF;
    u64map_put(&s->pagecache, pg.key, pfn);
    policy_track(s, r, pfn);
    return pfn;
}

/* The readahead of a read by the process and file of pkey: none after fadvise random
 * (FMODE_RANDOM), twice the configured after fadvise sequential (generic_fadvise doubles
 * the file's ra_pages), else the configured `readahead`. */
static uint32_t fileio_readahead(const sim_t *s, uint64_t pkey)
{
    const uint64_t *adv = s->fio_adv.s ? u64map_find((u64map_t *)&s->fio_adv, pkey) : NULL;
    if (!adv)
        return s->readahead;
    return *adv == WL_ADV_RANDOM ? 0 : *adv == WL_ADV_SEQUENTIAL ? 2 * s->readahead : s->readahead;
}

uint64_t fileio_willneed(sim_t *s, cpu_t *c, proc_t *p, uint32_t obj, uint64_t lo, uint64_t hi)
{
    if (obj == 0 || s->objs[obj].kind != OBJ_FILE || hi <= lo)
        return 0;
    if (hi - lo > s->nframes)                 /* no more than memory holds */
        hi = lo + s->nframes;
    mem_ref_t ref = {.t = policy_t(s), .next_use = VTIME_NEVER, .copy_next_use = VTIME_NEVER,
                     .vpn = REPL_VPN_NONE, .pid = p->pid, .kind = REF_READ};
    obj_t *o = &s->objs[obj];
    uint64_t run_start = 0, run_n = 0, n = 0;
    for (uint64_t i = lo; i <= hi; i++) {
        int miss = i < hi && !(i >> 40) && !u64map_find(&s->pagecache, page_key_file(obj, i));
        pfn_t x = PFN_NONE;
        sim_time_t ready = c->clock;
        if (miss)
            x = fileio_new_page(s, c, p, obj, i, &ref, REPL_REQ_PREFETCH, (uint32_t)(hi - i), &ready);
        if (x != PFN_NONE) {
            s->frames[x].flags &= ~FR_SOFTREF;             /* read ahead, not referenced */
            s->frames[x].flags |= FR_LOCKED;
            s->frames[x].ready_at = SIM_TIME_MAX;
            if (run_n && run_start + run_n == i) {
                run_n++;
            } else {
                run_start = i;
                run_n = 1;
            }
            n++;
            s->n_file_read++;
            continue;
        }
        if (run_n) {                                       /* the run ends: one request */
            sim_time_t d = dev_submit(s->file_dev, c->clock, DEV_READ, o->dev_base + run_start, (uint32_t)run_n);
            for (uint64_t k = run_start; k < run_start + run_n; k++) {
                uint64_t *v = u64map_find(&s->pagecache, page_key_file(obj, k));
                if (v && s->frames[*v].ready_at == SIM_TIME_MAX)
                    s->frames[*v].ready_at = d > ready ? d : ready;
            }
            run_n = 0;
        }
        if (miss)                                           /* no frame to be had: stop */
            break;
    }
    s->fio.willneed_pages += n;
    return n;
}

int fileio_fadvise(sim_t *s, cpu_t *c, proc_t *p, uint32_t obj, const wl_rec_t *r, sim_err_t *err)
{
    if (r->kind >= WL_NADVICE) {
        char where[4200];
        wl_where(s->cur_wl, s->cur_line, where, sizeof where);
        return sim_err_set(err, SIM_EINPUT, "%s: fadvise: unknown advice %u", where, r->kind);
    }
    s->fio.fadvises++;
    uint64_t pkey = ((uint64_t)p->pid << 32) | obj;
    uint64_t lo = r->offset >> s->page_shift;
    uint64_t hi = r->len ? ((r->offset + r->len - 1) >> s->page_shift) + 1 : (uint64_t)1 << 40;
    switch (r->kind) {
    case WL_ADV_NORMAL: case WL_ADV_RANDOM: case WL_ADV_SEQUENTIAL:
        if (!s->fio_adv.s)
            u64map_init(&s->fio_adv);
        u64map_put(&s->fio_adv, pkey, r->kind);
        return 0;
    case WL_ADV_WILLNEED:
        fileio_willneed(s, c, p, obj, lo, r->len ? hi : lo);
        return 0;
    default:
        break;
    }
    /* dontneed (generic_fadvise): write-back of the range's dirty pages starts
     * (filemap_fdatawrite_range, WB_SYNC_NONE: they are still under write-back, so they stay),
     * then clean pages that no PTE maps and no I/O holds are dropped from the page cache
     * (invalidate_mapping_pages: mapped, dirty and locked pages stay). A scan of the frames,
     * O(frames): the call is rare, and an offset range may be far larger than memory. */
    for (pfn_t pfn = 0; pfn < s->nframes; pfn++) {
        frame_t *f = &s->frames[pfn];
        if (!(f->flags & FR_TRACKED) || !(f->flags & FR_PAGECACHE) || frame_obj(f) != obj)
            continue;
        uint64_t i = frame_index(f);
        if (i < lo || i >= hi)
            continue;
        if ((f->flags & FR_LOCKED) && f->ready_at <= c->clock)
            f->flags &= ~FR_LOCKED;            /* its read is done (locks are cleared lazily) */
        if (f->flags & FR_LOCKED)
            continue;
        if (f->flags & FR_DIRTY) {
            if (reclaim_clean(s, pfn, c->clock) > 0)
                s->fio.dontneed_cleaned++;
        } else if (f->mapcount == 0 && reclaim_release(s, pfn, c->clock) == 0) {
            s->fio.dontneed_dropped++;
        }
    }
    return 0;
}

int fileio_rw(sim_t *s, cpu_t *c, proc_t *p, uint32_t obj, const wl_rec_t *r, sim_err_t *err)
{
    int write = r->type == WL_WRITE;
    char where[4200];
    wl_where(s->cur_wl, s->cur_line, where, sizeof where);
    if (!r->len)
        return sim_err_set(err, SIM_EINPUT, "%s: %s of length 0", where, write ? "write" : "read");
    uint64_t end = r->offset + r->len;
    if (end < r->offset || ((end - 1) >> s->page_shift) >> 40)
        return sim_err_set(err, SIM_EINPUT, "%s: offset beyond the 2^40 pages a file can have", where);
    if (!s->fio_prev.s)
        u64map_init(&s->fio_prev);
    uint64_t lo = r->offset >> s->page_shift, hi = ((end - 1) >> s->page_shift) + 1;
    uint64_t pkey = ((uint64_t)p->pid << 32) | obj;
    uint64_t *prev = u64map_find(&s->fio_prev, pkey);
    /* filemap_read: pos_same_folio(iocb->ki_pos, ra->prev_pos - 1); *prev = 1 + prev_pos */
    int same_first = prev && *prev > 1 && ((*prev - 2) >> s->page_shift) == lo;
    uint32_t ra = fileio_readahead(s, pkey);
    mem_ref_t ref = {.t = policy_t(s), .next_use = VTIME_NEVER, .copy_next_use = VTIME_NEVER,
                     .vpn = REPL_VPN_NONE, .pid = p->pid, .kind = write ? REF_WRITE : REF_READ};
    obj_t *o = &s->objs[obj];
    sim_time_t ready_all = c->clock;
    uint64_t run_start = 0, run_n = 0;       /* the current request of consecutive misses */
    uint64_t n_miss = 0;
    if (write) s->fio.writes++; else s->fio.reads++;
    for (uint64_t i = lo; i < hi; i++) {
        uint64_t pb = i << s->page_shift, pe = pb + s->page_size;
        uint64_t a = r->offset > pb ? r->offset : pb, b = end < pe ? end : pe;
        c->clock += s->cost.copy * (b - a) / s->page_size;
        if (write) s->fio.write_pages++; else s->fio.read_pages++;
        if (s->nu) {                            /* OPT: this page is reference vt + nu_io */
            ref.t = policy_t(s);
            ref.next_use = ref.copy_next_use = nu_get(s->nu, ref.t);
            s->nu_io++;
        }
        uint64_t *hit = u64map_find(&s->pagecache, page_key_file(obj, i));
        pfn_t pfn;
        if (hit) {
            pfn = (pfn_t)*hit;
            frame_t *f = &s->frames[pfn];
            if ((f->flags & FR_LOCKED) && f->ready_at > ready_all)
                ready_all = f->ready_at;
            f->flags |= FR_SOFTREF;
            if (write) s->fio.write_hits++; else s->fio.read_hits++;
            if (f->flags & FR_TRACKED)
                policy_touch(s, pfn, &ref);
        } else {
            int need_read = !write || (b - a) < s->page_size;
            n_miss++;
            sim_time_t ready;
            pfn = fileio_new_page(s, c, p, obj, i, &ref, REPL_REQ_DIRECT, (uint32_t)(hi - i), &ready);
            if (ready > ready_all && pfn != PFN_NONE)
                ready_all = ready;
            if (!write) s->fio.read_misses++; else if (need_read) s->fio.write_fills++;
            if (need_read) {
                if (run_n && run_start + run_n == i) {
                    run_n++;
                } else {
                    if (run_n) {
                        sim_time_t d = dev_submit(s->file_dev, c->clock, DEV_READ, o->dev_base + run_start, (uint32_t)run_n);
                        if (d > ready_all) ready_all = d;
                    }
                    run_start = i;
                    run_n = 1;
                }
                s->n_file_read++;
            }
            if (pfn != PFN_NONE && need_read) {
                s->frames[pfn].flags |= FR_LOCKED;
                s->frames[pfn].ready_at = SIM_TIME_MAX;    /* set when the request is submitted */
            }
        }
        if (pfn != PFN_NONE) {
            if (write)
                s->frames[pfn].flags |= FR_DIRTY;
            else if (!(i == lo && same_first))
                policy_access(s, pfn, &ref);
        }
    }
    /* Readahead after the read's last page when it missed (a write reads no further). */
    if (!write && run_n && run_start + run_n == hi) {
        mem_ref_t pr = ref;
        pr.next_use = pr.copy_next_use = VTIME_NEVER;   /* read ahead: no reference's */
        for (uint32_t k = 0; k < ra; k++) {
            uint64_t i = hi + k;
            if (i >> 40 || u64map_find(&s->pagecache, page_key_file(obj, i)))
                break;
            sim_time_t ready;
            pfn_t x = fileio_new_page(s, c, p, obj, i, &pr, REPL_REQ_PREFETCH, ra - k, &ready);
            if (x == PFN_NONE)
                break;
            s->frames[x].flags &= ~FR_SOFTREF;             /* read ahead, not referenced */
            s->frames[x].flags |= FR_LOCKED;
            s->frames[x].ready_at = SIM_TIME_MAX;
            if (ready > ready_all)
                ready_all = ready;
            run_n++;
            s->n_file_read++;
            s->n_readahead++;
        }
    }
    if (run_n) {
        sim_time_t d = dev_submit(s->file_dev, c->clock, DEV_READ, o->dev_base + run_start, (uint32_t)run_n);
        if (d > ready_all) ready_all = d;
    }
    /* Every page this call locked is ready when the last request is (one completion time is
     * kept per frame: the latest, which is never early). */
    for (uint64_t i = lo; i < hi + ra; i++) {
        uint64_t *v = u64map_find(&s->pagecache, page_key_file(obj, i));
        if (v && (s->frames[*v].flags & FR_LOCKED) && s->frames[*v].ready_at == SIM_TIME_MAX)
            s->frames[*v].ready_at = ready_all;
    }
    if (!write)
        u64map_put(&s->fio_prev, pkey, end + 1);
    if (s->explain)
        explain_io(s, p, r, hi - lo - n_miss, n_miss);
    if (ready_all > c->clock) {
        p->pend_pfn = PFN_NONE;                     /* no fault to complete: the call is done */
        p->state = P_BLOCKED;
        p->blocked_since = c->clock;
        evq_push(&s->evq, ready_all, EV_IO_DONE, (uint32_t)(p - s->procs), 0);
    }
    return 0;
}

void fileio_free(sim_t *s)
{
    u64map_free(&s->fio_prev);
    u64map_free(&s->fio_adv);
}
