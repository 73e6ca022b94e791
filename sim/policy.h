/* policy.h - the only way the engine calls a policy: the replacement policy (repl.h) and the
 * COW policy (cow.h). Inline: policy_hit is on the hot path of every TLB hit.
 *
 * The replacement policy's hooks are called only through these, which keep FR_TRACKED and
 * ntracked in step with what the policy tracks, and hit_last true: it names a frame only
 * while the last hook called was an on_hit for it. Creating and destroying both policies is
 * policy.c's. */
#ifndef PAGESIM_POLICY_H
#define PAGESIM_POLICY_H

#include "sim_int.h"

/* policy.c: the policies named by the config's "policy" and "cow" specs; 0, or -1 (or
 * SIM_ESYS) with err. */
int  policy_create(sim_t *s, const char *repl_spec, const char *cow_spec, char *err);
void policy_destroy(sim_t *s);

/* The reference as the policy sees it: its time and, for OPT, its next use. */
static inline mem_ref_t policy_ref(const sim_t *s, const proc_t *p, vpn_t vpn, ref_kind_t kind)
{
    vtime_t next = s->nu ? nu_get(s->nu, s->vt) : VTIME_NEVER;
    mem_ref_t r = {.t = s->vt, .next_use = next, .copy_next_use = next,
                   .vpn = vpn, .pid = p->pid, .kind = kind};
    return r;
}

static inline void policy_track(sim_t *s, const mem_ref_t *r, pfn_t pfn)
{
    s->frames[pfn].flags |= FR_TRACKED;
    s->ntracked++;
    s->hit_last = PFN_NONE;
    s->repl->on_insert(s->repl_state, r, pfn);
}

static inline void policy_untrack(sim_t *s, pfn_t pfn, repl_why_t why)
{
    s->frames[pfn].flags &= ~FR_TRACKED;
    s->ntracked--;
    s->hit_last = PFN_NONE;
    uint64_t shadow;
    (void)s->repl->on_remove(s->repl_state, pfn, why,
                             why == REPL_EVICT || why == REPL_RELEASE ? &shadow : NULL);
}

static inline pfn_t policy_victim(sim_t *s, const mem_ref_t *r)
{
    s->hit_last = PFN_NONE;
    repl_req_t req = {.reason = REPL_REQ_DIRECT, .pid = r->pid, .count = 1, .ref = r};
    return s->repl->select_victim(s->repl_state, &req);
}

/* A reference to a page the policy tracks. A policy whose on_hit is idempotent (LRU: the
 * page is already the most recent) is not called again for the frame it just heard of:
 * real code hits the same page many times in a row, and the call is a large part of the
 * cost of a TLB hit. */
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
