/* policy.h - the only way the engine calls a policy: the replacement policy (repl.h) and the
 * COW policy (cow.h). Inline: policy_hit is on the hot path of every TLB hit.
 *
 * The replacement policy's hooks are called only through these, which keep FR_TRACKED and
 * ntracked (and each process's count of tracked frames charged to it) in step with what the
 * policy tracks, and hit_last true: it names a frame only while the last hook called was an
 * on_hit for it. Inserts are told the page's key and kind from the frame (frame.key, set
 * when the frame was taken for its page), so the policy sees one identity per page however
 * the engine found it (on a hit the frame names the page: repl.h). Shadows go through here
 * to shadow.c: policy_miss hands back the shadow of the page about to come in,
 * policy_untrack returns the one the policy leaves. Creating and destroying both policies,
 * the window the policy sees (repl_env_t) and its timer are policy.c's. */
#ifndef PAGESIM_POLICY_H
#define PAGESIM_POLICY_H

#include "sim_int.h"

/* policy.c: the policies named by the config's "policy" and "cow" specs; 0, or -1 (or
 * SIM_ESYS) with err. */
int  policy_create(sim_t *s, const char *repl_spec, const char *cow_spec, sim_err_t *err);
void policy_destroy(sim_t *s);
/* policy.c: the policy's timer fired (EV_TIMER with the arming gen): calls on_timer and
 * arms the next one. */
void policy_timer(sim_t *s, sim_time_t now, uint64_t gen);
/* policy.c: arms the policy's timer delay_ps after now (0: disarms). */
void policy_timer_arm(sim_t *s, sim_time_t now, sim_time_t delay_ps);

/* policy.c: the reference tick is due (s->vt reached s->ref_due) after p's reference to vpn:
 * calls on_refs if the policy's timer is due, explain mode's line, re-arms. */
void policy_refs_fire(sim_t *s, const proc_t *p, vpn_t vpn, ref_kind_t kind);
/* policy.c: s->ref_due from the policy's timer and explain mode (explain.c). */
void policy_refs_rearm(sim_t *s);

/* After every page reference (s->vt advanced), by p of vpn: the policy's reference timer, if
 * due, and in explain mode the reference's line. One compare; VTIME_NEVER (disarmed, the
 * usual case) is never reached, and the arguments are only read when it fires. */
static inline void policy_refs_tick(sim_t *s, const proc_t *p, vpn_t vpn, ref_kind_t kind)
{
    if (__builtin_expect(s->vt >= s->ref_due, 0))
        policy_refs_fire(s, p, vpn, kind);
}

/* ref->t of the next page reference: vt, plus the buffered pages counted with a next-use
 * index (repl.h: for OPT they are references, numbered as nextuse.c numbers them). */
static inline vtime_t policy_t(const sim_t *s)
{
    return s->vt + s->nu_io;
}

/* The reference as the policy sees it: its time and, for OPT, its next use. */
static inline mem_ref_t policy_ref(const sim_t *s, const proc_t *p, vpn_t vpn, ref_kind_t kind)
{
    vtime_t t = policy_t(s);
    vtime_t next = s->nu ? nu_get(s->nu, t) : VTIME_NEVER;
    mem_ref_t r = {.t = t, .next_use = next, .copy_next_use = next,
                   .vpn = vpn, .pid = p->pid, .kind = kind};
    return r;
}

/* The page in pfn, as the policy is told it. */
static inline page_id_t policy_page_of(const sim_t *s, pfn_t pfn)
{
    page_id_t pg = {.key = s->frames[pfn].key,
                    .kind = s->frames[pfn].flags & FR_FILEKIND ? PAGE_FILE : PAGE_ANON};
    return pg;
}

static inline void policy_track(sim_t *s, const mem_ref_t *r, pfn_t pfn)
{
    frame_t *f = &s->frames[pfn];
    f->flags |= FR_TRACKED;
    s->ntracked++;
    if (f->owner)
        s->procs[f->owner - 1].n_charged_tracked++;
    s->hit_last = PFN_NONE;
    mem_ref_t x;
    if (f->owner && s->procs[f->owner - 1].pid != r->pid) {
        x = *r;
        x.pid = s->procs[f->owner - 1].pid;    /* the process charged for it */
        r = &x;
    }
    page_id_t pg = policy_page_of(s, pfn);
    s->repl->on_insert(s->repl_state, r, &pg, pfn);
}

/* The policy stops tracking pfn. For an eviction or a release, returns 1 with the shadow the
 * policy left in *shadow (0: none); the caller decides whether the page's identity survives
 * to keep it (reclaim.c). */
static inline int policy_untrack(sim_t *s, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    frame_t *f = &s->frames[pfn];
    f->flags &= ~FR_TRACKED;
    s->ntracked--;
    if (f->owner)
        s->procs[f->owner - 1].n_charged_tracked--;
    s->hit_last = PFN_NONE;
    int evict = why == REPL_EVICT || why == REPL_RELEASE;
    int has = s->repl->on_remove(s->repl_state, pfn, why, evict ? shadow : NULL);
    return evict && has;
}

/* A page is about to become resident (repl.h, on_miss): its shadow, if the store still keeps
 * one, is taken out and handed to the policy. Returns 1 with the shadow in *taken when there
 * was one, so that a caller who gives the page up after all (a prefetch) can put it back. */
static inline int policy_miss(sim_t *s, const mem_ref_t *r, const page_id_t *pg, uint64_t *taken)
{
    int has = s->shadows.n && shadow_take(&s->shadows, pg->key, taken);
    if (s->repl->on_miss) {
        s->hit_last = PFN_NONE;
        s->repl->on_miss(s->repl_state, r, pg, has ? taken : NULL);
    }
    return has;
}

static inline pfn_t policy_victim(sim_t *s, const repl_req_t *req)
{
    s->hit_last = PFN_NONE;
    return s->repl->select_victim(s->repl_state, req);
}

/* A reference to a page the policy tracks. A policy whose on_hit is idempotent (LRU: the
 * page is already the most recent) is not called again for the frame it just heard of:
 * real code hits the same page many times in a row, and the call is a large part of the
 * cost of a TLB hit. The page is the frame's: nothing of the frame table is loaded here. */
static inline void policy_hit(sim_t *s, const proc_t *p, vpn_t vpn, ref_kind_t kind, pfn_t pfn)
{
    if (s->repl->on_hit && pfn != s->hit_last) {
        s->hit_last = s->hit_idempotent ? pfn : PFN_NONE;
        mem_ref_t r = policy_ref(s, p, vpn, kind);
        s->repl->on_hit(s->repl_state, &r, pfn);
    }
}

/* Whether the policy can hear a run's hits page by page, in last-reference order
 * (mmu_run_hits): it has no on_hit, or only the last reference to each page matters. */
static inline int policy_hits_any_order(const sim_t *s)
{
    return !s->repl->on_hit || (s->repl->flags & REPL_HIT_LAST_ONLY);
}

/* The policy hears of a reference to pfn from the fault path: a new page, or one it already
 * tracks (always told: a fault is never a repeat of the last hit). */
static inline void policy_touch(sim_t *s, pfn_t pfn, const mem_ref_t *r)
{
    if (s->frames[pfn].flags & FR_TRACKED) {
        s->hit_last = PFN_NONE;
        if (s->repl->on_hit)
            s->repl->on_hit(s->repl_state, r, pfn);
    } else {
        policy_track(s, r, pfn);
    }
}

/* A tracked frame gained (+1) or lost (-1) the mapping of vpn in address space mm. */
static inline void policy_map(sim_t *s, pfn_t pfn, uint32_t mm, vpn_t vpn, int delta)
{
    if (s->repl->on_map && (s->frames[pfn].flags & FR_TRACKED) && s->mms[mm].proc) {
        s->hit_last = PFN_NONE;
        s->repl->on_map(s->repl_state, pfn, s->procs[s->mms[mm].proc - 1].pid, vpn, delta);
    }
}

/* A reference to the tracked page in pfn made not through a page table (repl.h, on_access):
 * a buffered read or write, or a referenced file mapping torn down (vma.c). */
static inline void policy_access(sim_t *s, pfn_t pfn, const mem_ref_t *r)
{
    if (s->repl->on_access && (s->frames[pfn].flags & FR_TRACKED)) {
        s->hit_last = PFN_NONE;
        s->repl->on_access(s->repl_state, r, pfn);
    }
}

/* A process was created, exec'd or exited. */
static inline void policy_proc(sim_t *s, spid_t pid, repl_proc_event_t ev)
{
    if (s->repl && s->repl->on_proc) {
        s->hit_last = PFN_NONE;
        s->repl->on_proc(s->repl_state, pid, ev);
    }
}

/* The policy's own consistency check against the tracked frames (check.c); 0 if none. */
static inline int policy_check(const sim_t *s, const uint8_t *tracked)
{
    return s->repl->check ? s->repl->check(s->repl_state, tracked) : 0;
}

/* The policy's own statistics (a new object), or NULL if it keeps none. */
static inline json_t *policy_stats(const sim_t *s)
{
    if (!s->repl->stats)
        return NULL;
    json_t *obj = json_object();
    s->repl->stats(s->repl_state, obj);
    return obj;
}

/* ---- the COW policy ---- */
static inline int policy_cow_at_write(const sim_t *s, const cow_page_t *pg)
{
    return s->cow->at_write(s->cow_state, pg);
}

static inline int policy_cow_at_fork(const sim_t *s, const cow_page_t *pg)
{
    return s->cow->at_fork(s->cow_state, pg);
}

/* Pages after a copied one to un-share with it; 0 for a policy without the hook. */
static inline uint32_t policy_cow_neighbours(const sim_t *s)
{
    return s->cow->neighbours ? s->cow->neighbours(s->cow_state) : 0;
}

#endif
