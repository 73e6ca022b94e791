/* ws.c - Denning's working set: each process keeps exactly the pages it referenced in its last
 * tau references of its own virtual time; variable allocation.
 *
 * Denning, "The working set model for program behavior", CACM 11(5), 1968. The working set
 * W(t, tau) of a process at its virtual time t (the references it has made: env->vtime) is
 * the set of pages it referenced in the interval (t - tau, t]. The working-set policy keeps
 * each process's resident set equal to its working set: a reference at time t faults iff its
 * page is not in W(t - 1, tau), i.e. iff the page's previous reference by this process was
 * more than tau references ago (or never). Memory holds the union of the working sets, so a
 * process's allocation grows and shrinks with its locality (variable allocation).
 *
 * Mechanism. The policy sees every reference (on_hit: REPL_SEES_ALL_REFS, an idealisation:
 * Denning's definition needs each page's exact last reference) and keeps, per process, its
 * pages in order of last use (repl_procs.h: the oldest at the head) with each page's time of
 * last use in that process's virtual time. After the reference that makes a process's virtual
 * time t, every page whose last use is t - tau or earlier leaves the window and is released
 * (env->release: unmapped, written back if dirty, freed). Releases happen where the interface
 * allows them: at a miss of the process (on_miss, before the frame is chosen, so the memory a
 * shrinking working set gives back is used at once), and otherwise through the reference timer
 * (env->set_ref_timer(1)): when a hit finds the head of its process's list out of the window
 * it asks to be called right after this reference (on_refs), before the next one, so no page
 * outlives its window by a reference and the fault count is exactly Denning's. The check is
 * O(1) per reference (the head only; a hit costs two hash probes, the process's slot, cached
 * across a run of one process's references, and env->vtime's); releasing is O(1) per page released, and on_refs scans
 * the processes once per firing, O(processes), at most once per page released.
 *
 * Which process a page belongs to. Working sets are per process; a page shared by several is
 * in the working set of each that referenced it within its own window. We keep one time per
 * page: the last reference of any process, in that process's virtual time, and the page
 * belongs to that process's list (a reference by another process moves it). So a shared page
 * leaves when its last referencer's window passes it, which may be sooner than another
 * sharer's would (a documented simplification; private pages, the common case, are exact).
 * An access that spans several pages counts once in virtual time (sched.c counts accesses),
 * so its pages share one time of last use. A page brought in without a reference (readahead,
 * a fork copy) starts at its owner's current virtual time. When a process exits, its pages
 * still resident (shared with others, or in the page cache) are released at the next
 * reference.
 *
 * When the working sets do not fit (memory full, or a process at its quota under local
 * replacement), the fallback evicts the page whose last use is the oldest in global reference
 * order (global LRU; under local replacement the oldest the request allows): Denning's model
 * assumes the working sets fit (keeping them fitting is load control's job, Denning 1968 §6).
 * Stats: ws.released (pages that left their window), ws.fallback (evictions because the
 * working sets did not fit).
 *
 * Parameter tau (default 1000 references of process virtual time; wsclock.c gives the
 * reasoning). State: 8 + 8 + 12 bytes a frame, 24 a process. */
#include "repl_create.h"
#include "repl_procs.h"

typedef struct ws_state {
    const repl_env_t *env;
    repl_procs_t P;              /* by process: its pages, oldest last use first */
    repl_ring_t lru;             /* every page, oldest last use (global order) first */
    vtime_t *last;               /* by frame: last use, in its list's process's virtual time */
    vtime_t tau;
    int pending;                 /* some slot's flag asks on_refs to release */
    uint64_t n_released, n_fallback;
} ws_state_t;

enum { WS_DUE = 1, WS_EXITED = 2 };   /* P.flag bits */

static void ws_destroy(void *state)
{
    ws_state_t *st = state;
    if (!st)
        return;
    repl_procs_free(&st->P);
    repl_ring_free(&st->lru);
    free(st->last);
    free(st);
}

static int ws_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"tau", NULL};
    long long tau;
    *state = NULL;
    if (repl_create_check(env, params, keys, err))
        return -1;
    if (spec_int(params, "tau", 1000, &tau, err))
        return -1;
    if (tau < 1)
        return sim_err_set(err, SIM_EINPUT, "tau must be a positive number of references, not %lld", tau);
    ws_state_t *st = calloc(1, sizeof *st);
    if (!st)
        return repl_create_nomem(env, err);
    int bad = repl_procs_init(&st->P, env->nframes);
    bad |= repl_ring_init(&st->lru, env->nframes);
    st->last = calloc(env->nframes ? env->nframes : 1, sizeof *st->last);
    if (bad || !st->last) {
        ws_destroy(st);
        return repl_create_nomem(env, err);
    }
    st->env = env;
    st->tau = (vtime_t)tau;
    *state = st;
    return 0;
}

static vtime_t ws_vtime(const ws_state_t *st, spid_t pid)
{
    return st->env->vtime ? st->env->vtime(st->env->eng, pid) : 0;
}

/* Whether slot s's oldest page has left the window at virtual time v. */
static int ws_head_out(const ws_state_t *st, uint32_t s, vtime_t v)
{
    pfn_t h = st->P.head[s];
    return h != PFN_NONE && ((st->P.flag[s] & WS_EXITED) || st->last[h] + st->tau <= v);
}

/* Releases slot s's pages that have left the window at virtual time v (all, if it exited). */
static void ws_expire(ws_state_t *st, uint32_t s, vtime_t v)
{
    st->P.flag[s] &= (uint8_t)~WS_DUE;
    if (!st->env->release)
        return;
    while (ws_head_out(st, s, v)) {
        pfn_t h = st->P.head[s];
        if (st->env->release(st->env->eng, h))
            break;                           /* (not tracked: cannot happen) */
        assert(st->P.head[s] != h);         /* on_remove took it off */
        st->n_released++;
    }
}

static void ws_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    ws_state_t *st = state;
    uint32_t s = repl_procs_slot(&st->P, ref->pid);
    vtime_t v = ws_vtime(st, ref->pid);
    st->last[pfn] = v;
    repl_procs_move(&st->P, s, pfn);
    repl_ring_move_to_tail(&st->lru, pfn);
    if (ws_head_out(st, s, v) && !(st->P.flag[s] & WS_DUE)) {
        st->P.flag[s] |= WS_DUE;
        st->pending = 1;
        if (st->env->set_ref_timer)
            st->env->set_ref_timer(st->env->eng, 1);   /* on_refs right after this reference */
    }
}

static void ws_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page, const uint64_t *shadow)
{
    ws_state_t *st = state;
    (void)page;
    (void)shadow;
    uint32_t s = repl_procs_slot(&st->P, ref->pid);
    ws_expire(st, s, ws_vtime(st, ref->pid));
}

static vtime_t ws_on_refs(void *state, vtime_t t)
{
    ws_state_t *st = state;
    (void)t;
    if (!st->pending)
        return 0;
    st->pending = 0;
    for (uint32_t s = 0; s < st->P.nslots; s++)
        if (st->P.flag[s] & WS_DUE)
            ws_expire(st, s, ws_vtime(st, st->P.pid[s]));
    return 0;
}

static void ws_on_proc(void *state, spid_t pid, repl_proc_event_t ev)
{
    ws_state_t *st = state;
    if (ev != REPL_PROC_EXIT)
        return;
    uint32_t s = repl_procs_slot(&st->P, pid);
    st->P.flag[s] |= WS_EXITED;
    if (st->P.head[s] != PFN_NONE) {
        st->P.flag[s] |= WS_DUE;
        st->pending = 1;
        if (st->env->set_ref_timer)
            st->env->set_ref_timer(st->env->eng, 1);
    }
}

static pfn_t ws_select_victim(void *state, const repl_req_t *req)
{
    ws_state_t *st = state;
    pfn_t p = repl_ring_first(&st->lru, st->env, req, 0);
    assert(p != PFN_NONE);
    st->n_fallback++;
    return p;
}

static void ws_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    ws_state_t *st = state;
    (void)page;
    uint32_t s = repl_procs_slot(&st->P, ref->pid);
    st->last[pfn] = ws_vtime(st, ref->pid);
    repl_procs_push(&st->P, s, pfn);
    repl_ring_push_tail(&st->lru, pfn);
}

static int ws_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    ws_state_t *st = state;
    (void)why;
    (void)shadow;
    repl_procs_unlink(&st->P, pfn);
    repl_ring_unlink(&st->lru, pfn);
    return 0;
}

static int ws_check(void *state, const uint8_t *resident)
{
    ws_state_t *st = state;
    if (repl_ring_check(&st->lru, resident) || repl_procs_check(&st->P, repl_procs_want_bit, resident))
        return -1;
    /* Each list is in order of last use. */
    for (uint32_t s = 0; s < st->P.nslots; s++) {
        pfn_t x = st->P.head[s];
        for (uint32_t i = 1; i < st->P.n[s]; i++, x = st->P.next[x])
            if (st->last[st->P.next[x]] < st->last[x])
                return -1;
    }
    return 0;
}

static void ws_stats(void *state, json_t *obj)
{
    ws_state_t *st = state;
    json_object_set_new(obj, "released", json_integer((json_int_t)st->n_released));
    json_object_set_new(obj, "fallback", json_integer((json_int_t)st->n_fallback));
}

/* Each process's resident set (a list named by its pid, "p-" for none), oldest last use (the
 * next to leave the window) first, each page with its time of last use (":12"), then the
 * process's virtual time ("vt=15"). Exited processes with no pages left are not shown. */
static void ws_explain(void *state, repl_explain_t *x)
{
    const ws_state_t *st = state;
    char name[16], buf[24];
    int shown = 0;
    for (uint32_t s = 0; s < st->P.nslots; s++) {
        if (!st->P.n[s] && (st->P.flag[s] & WS_EXITED))
            continue;
        spid_t pid = st->P.pid[s];
        if (pid == REPL_PID_NONE)
            snprintf(name, sizeof name, "p-");
        else
            snprintf(name, sizeof name, "p%u", (unsigned)pid);
        x->begin(x, name);
        pfn_t p = st->P.head[s];
        for (uint32_t i = 0; i < st->P.n[s]; i++, p = st->P.next[p]) {
            snprintf(buf, sizeof buf, ":%llu", (unsigned long long)st->last[p]);
            x->frame(x, p, NULL, buf);
        }
        x->end(x);
        if (pid != REPL_PID_NONE && !(st->P.flag[s] & WS_EXITED))
            x->text(x, "vt=%llu", (unsigned long long)ws_vtime(st, pid));
        shown++;
    }
    if (!shown) {
        x->begin(x, "ws");
        x->end(x);
    }
}

const repl_ops_t repl_ws = {
    .name = "ws",
    .version = REPL_VERSION,
    .summary = "Denning's working set: each process keeps the pages of its last tau references, variable allocation (sees every reference)",
    .paper = "Denning, \"The working set model for program behavior\", CACM 11(5), 1968",
    .params = "tau=1000",
    .flags = REPL_SEES_ALL_REFS,
    .create = ws_create,
    .destroy = ws_destroy,
    .on_hit = ws_on_hit,
    .on_miss = ws_on_miss,
    .select_victim = ws_select_victim,
    .on_insert = ws_on_insert,
    .on_remove = ws_on_remove,
    .on_proc = ws_on_proc,
    .on_refs = ws_on_refs,
    .check = ws_check,
    .stats = ws_stats,
    .explain = ws_explain,
};
