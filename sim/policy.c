/* policy.c - creating and destroying the two policies a run is configured with, the window
 * the replacement policy sees, and its timer.
 *
 * The replacement policy (policies/repl.h) and the COW policy (policies/cow.h) are found by
 * name in their registries and created from their spec ("clock:bits=2": spec.h); a table of
 * another interface version is refused. The replacement policy sees the machine only through
 * repl_env_t: its callbacks are here, each a few lines over the module that does the work
 * (mmu.c the PTE bits and walks, reclaim.c a release, proc.c quotas, virtual time, suspend
 * and resume), so this file sits above them and below sched.c, which delivers the timer.
 * Every other call the engine makes into a policy is one of policy.h's inline wrappers.
 *
 * The timer (repl.h, on_timer): one per run, an EV_TIMER event whose b is the arming's
 * generation, so re-arming or disarming needs no search of the queue (a stale event is
 * dropped when it comes up); ordered with every other event by (time, seq). "Now" for a
 * policy is the latest CPU clock, as the timeline and the results measure time. */
#include "sim_int.h"
#include "explain.h"
#include "mmu.h"
#include "policy.h"
#include "proc.h"
#include "reclaim.h"
#include "sim/base/spec.h"

#include <stddef.h>
#include <stdio.h>

/* "unknown policy 'x' (known: a b c)": registry is a NULL-terminated table of repl_ops_t
 * or cow_ops_t pointers; both structs begin with their name, and a pointer to a struct,
 * converted, points to its first member (C11 6.7.2.1p15). */
_Static_assert(offsetof(repl_ops_t, name) == 0 && offsetof(cow_ops_t, name) == 0,
               "unknown_name reads a registry entry's name as its first member");
static int unknown_name(sim_err_t *err, const char *what, const char *name, const void *const *registry)
{
    char *m = err->msg;
    const int cap = (int)sizeof err->msg;
    int n = snprintf(m, (size_t)cap, "unknown %s '%s' (known:", what, name);
    for (int i = 0; registry[i] && n < cap; i++)
        n += snprintf(m + n, (size_t)(cap - n), " %s", *(const char *const *)registry[i]);
    if (n < cap)
        snprintf(m + n, (size_t)(cap - n), ")");
    err->kind = SIM_EINPUT;
    return SIM_EINPUT;
}

/* The policy's "now": the latest clock of any CPU or of the background reclaimer. */
static sim_time_t policy_now(const sim_t *s)
{
    sim_time_t now = s->kswapd.clock;
    for (uint32_t i = 0; i < s->ncpus; i++)
        if (s->cpus[i].clock > now)
            now = s->cpus[i].clock;
    return now;
}

static page_key_t policy_env_frame_key(void *eng, pfn_t pfn)
{
    const sim_t *s = eng;
    return pfn < s->nframes ? s->frames[pfn].key : PAGE_KEY_NONE;
}

static spid_t policy_env_owner(void *eng, pfn_t pfn)
{
    const sim_t *s = eng;
    uint32_t o = pfn < s->nframes ? s->frames[pfn].owner : 0;
    return o ? s->procs[o - 1].pid : REPL_PID_NONE;
}

static uint32_t policy_env_charged(void *eng, spid_t pid)
{
    const proc_t *p = proc_find(eng, pid);
    return p ? p->n_charged : 0;
}

static int policy_env_set_quota(void *eng, spid_t pid, uint32_t frames)
{
    proc_t *p = proc_find(eng, pid);
    if (!p || !frames)
        return -1;
    p->quota = frames;
    p->quota_kept = p->n_charged <= frames;
    return 0;
}

static vtime_t policy_env_vtime(void *eng, spid_t pid)
{
    const proc_t *p = proc_find(eng, pid);
    return p ? p->n_refs : 0;
}

static void policy_env_set_timer(void *eng, sim_time_t delay_ps)
{
    sim_t *s = eng;
    policy_timer_arm(s, policy_now(s), delay_ps);
}

void policy_refs_rearm(sim_t *s)
{
    s->ref_due = s->explain ? s->vt + 1 : s->repl_ref_due;   /* explain: after every reference */
}

static void policy_env_set_ref_timer(void *eng, vtime_t nrefs)
{
    sim_t *s = eng;
    s->repl_ref_due = nrefs && nrefs < VTIME_NEVER - s->vt ? s->vt + nrefs : VTIME_NEVER;
    policy_refs_rearm(s);
}

void policy_refs_fire(sim_t *s, const proc_t *p, vpn_t vpn, ref_kind_t kind)
{
    if (s->vt >= s->repl_ref_due) {
        s->repl_ref_due = VTIME_NEVER;
        if (s->repl && s->repl->on_refs) {
            s->hit_last = PFN_NONE;
            vtime_t next = s->repl->on_refs(s->repl_state, s->vt);
            if (s->repl_ref_due == VTIME_NEVER)   /* (unless the hook re-armed it itself) */
                policy_env_set_ref_timer(s, next);
        }
    }
    if (s->explain)
        explain_ref(s, p, vpn, kind);
    policy_refs_rearm(s);
}

static int policy_env_release(void *eng, pfn_t pfn)
{
    sim_t *s = eng;
    return reclaim_release(s, pfn, policy_now(s));
}

static int policy_env_clean(void *eng, pfn_t pfn)
{
    sim_t *s = eng;
    return reclaim_clean(s, pfn, policy_now(s));
}

static void policy_env_forget_shadow(void *eng, page_key_t key, uint64_t shadow)
{
    sim_t *s = eng;
    shadow_forget_value(&s->shadows, key, shadow);
}

static void policy_env_prefetch_shadow(void *eng, page_key_t key)
{
    const sim_t *s = eng;
    shadow_prefetch(&s->shadows, key);
}

static int policy_env_suspend(void *eng, spid_t pid) { return proc_suspend(eng, pid); }
static int policy_env_resume(void *eng, spid_t pid) { return proc_resume(eng, pid); }

static uint64_t policy_env_walk_refs(void *eng, spid_t pid, vpn_t lo, vpn_t hi,
                                     void (*fn)(void *arg, pfn_t pfn, vpn_t vpn, int referenced),
                                     void *arg)
{
    sim_t *s = eng;
    const proc_t *p = proc_find(s, pid);
    return p && p->state != P_EXITED ? mmu_walk_refs(s, p->mm, lo, hi, fn, arg) : 0;
}

void policy_timer_arm(sim_t *s, sim_time_t now, sim_time_t delay_ps)
{
    s->timer_gen++;                       /* an event of an earlier arming is dropped */
    if (delay_ps && !s->timer_off)
        evq_push(&s->evq, now + delay_ps, EV_TIMER, 0, s->timer_gen);
}

void policy_timer(sim_t *s, sim_time_t now, uint64_t gen)
{
    if (gen != s->timer_gen || s->timer_off || !s->repl->on_timer)
        return;
    s->hit_last = PFN_NONE;
    sim_time_t next = s->repl->on_timer(s->repl_state, now);
    if (gen == s->timer_gen)              /* (unless the hook re-armed it itself) */
        policy_timer_arm(s, now, next);
}

int policy_create(sim_t *s, const char *repl_spec, const char *cow_spec, sim_err_t *err)
{
    char name[64];
    json_t *params;
    if (spec_parse(repl_spec, name, sizeof name, &params, err))
        return sim_err_prefix(err, "policy: ");
    s->repl = repl_find(name);
    if (!s->repl) {
        unknown_name(err, "policy", name, (const void *const *)repl_registry);
        json_decref(params);
        return -1;
    }
    if (s->repl->version != REPL_VERSION) {
        sim_err_set(err, SIM_EINPUT, "policy %s: interface version %d, this engine speaks %d (policies/repl.h)",
                    name, s->repl->version, REPL_VERSION);
        s->repl = NULL;
        json_decref(params);
        return -1;
    }
    s->repl_env = (repl_env_t){
        .nframes = s->nframes, .rng = s->rng, .eng = s, .local = s->local,
        .test_clear_ref = mmu_test_clear_ref, .prefetch_ref = mmu_prefetch_ref, .is_dirty = mmu_is_dirty,
        .referenced = mmu_test_clear_refs, .page_size = s->page_size,
        .frame_key = policy_env_frame_key, .owner = policy_env_owner,
        .charged = policy_env_charged, .set_quota = policy_env_set_quota,
        .vtime = policy_env_vtime, .set_timer = policy_env_set_timer,
        .release = policy_env_release, .suspend = policy_env_suspend,
        .resume = policy_env_resume, .walk_refs = policy_env_walk_refs,
        .set_ref_timer = policy_env_set_ref_timer, .clean = policy_env_clean,
        .forget_shadow = policy_env_forget_shadow, .prefetch_shadow = policy_env_prefetch_shadow,
    };
    s->ref_due = s->repl_ref_due = VTIME_NEVER;
    int rc = s->repl->create(&s->repl_env, params, &s->repl_state, err);
    json_decref(params);
    if (rc) {                                 /* -1, or SIM_ESYS (out of memory) */
        s->repl = NULL;
        return sim_err_prefix(err, "policy %s: ", name);
    }
    s->needs_next_use = (s->repl->flags & REPL_NEEDS_NEXT_USE) != 0;
    s->hit_idempotent = (s->repl->flags & REPL_HIT_IDEMPOTENT) != 0;
    s->hit_last = PFN_NONE;

    if (spec_parse(cow_spec, name, sizeof name, &params, err))
        return sim_err_prefix(err, "cow: ");
    s->cow = cow_find(name);
    if (!s->cow) {
        unknown_name(err, "COW policy", name, (const void *const *)cow_registry);
        json_decref(params);
        return -1;
    }
    rc = s->cow->create(params, &s->cow_state, err);
    json_decref(params);
    if (rc) {
        s->cow = NULL;
        return sim_err_prefix(err, "COW policy %s: ", name);
    }
    return 0;
}

void policy_destroy(sim_t *s)
{
    if (s->repl && s->repl_state)
        s->repl->destroy(s->repl_state);
    if (s->cow)
        s->cow->destroy(s->cow_state);
}
