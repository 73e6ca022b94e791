/* wsclock.c - WSClock: a clock over all frames with each page's time of last use in its
 * process's virtual time; old clean pages are evicted, old dirty ones written back first.
 *
 * Carr and Hennessy, "WSCLOCK - a simple and effective algorithm for virtual memory
 * management", SOSP 1981; Tanenbaum and Bos, Modern Operating Systems, 4th ed., §3.4.9
 * (figure 3-21). The frames form a circle in load order (repl_util.h's ring, whose head is the
 * hand) and each holds its page's time of last use, in the virtual time (env->vtime: the
 * references its process has made) of the process the frame is charged to (env->owner). At a
 * fault the hand examines the page under it:
 *   - R = 1: the page was used in the current tick; R is cleared, its time of last use set to
 *     its process's current virtual time, and the hand advances;
 *   - R = 0, age (its process's virtual time minus the time of last use) > tau, clean: the
 *     page is not in the working set and has a valid copy on disk; it is the victim;
 *   - R = 0, age > tau, dirty: "to avoid a process switch, the write to disk is scheduled, but
 *     the hand is advanced" (env->clean: the engine starts the write-back without evicting:
 *     reclaim.c);
 *   - R = 0, age <= tau: the page is in the working set; the hand advances.
 * If the hand comes all the way round to where it started: "in the first case, [at least one
 * write has been scheduled,] the hand just keeps moving, looking for a clean page. Since one
 * or more writes have been scheduled, eventually some write will complete and its page will be
 * marked as clean. The first clean page encountered is evicted" (here a scheduled page is
 * clean from the moment its write starts: its eviction waits for the write, reclaim.c, so the
 * second round evicts the first old page it scheduled); "in the second case, all pages are in
 * the working set ... the simplest thing to do is claim any clean page and use it. The
 * location of a clean page could be kept track of during the sweep. If no clean pages exist,
 * then the current page is chosen as the victim and written back". We keep the clean page
 * of the sweep with the oldest time of last use (the first met among equals): any clean page
 * would do, and the oldest is the least likely to be used again.
 *
 * Parameter tau (default 1000): the working-set window, in references of the owner's virtual
 * time (an access counts once: sched.c counts process virtual time by accesses). Denning's
 * rule for tau is that it should span a locality's inter-reference intervals but not a phase:
 * 1000 covers the loops and hot sets of the bundled workloads and test traces (tens to
 * hundreds of pages re-referenced within hundreds of accesses) while phases last 10^4-10^5
 * accesses; it is also nru's and aging's default period, so the three compare at one scale.
 * A page charged to nobody (left in the page cache by an exited process) counts as old.
 *
 * Local replacement (req->local): the hand passes over other processes' frames without
 * looking at them, as clock.c does. Cost: a fault is O(frames) at worst (three turns of the
 * hand), O(1) amortised per frame passed when most pages are old; state 8 bytes a frame plus
 * the ring. The policy sees only R bits (on_hit is NULL). Stats: writes scheduled, evictions
 * after a full turn (wsclock.turn_clean, wsclock.turn_any). */
#include "repl_create.h"
#include "repl_explain.h"

typedef struct wsclock_state {
    repl_ring_t ring;            /* head = the hand */
    const repl_env_t *env;
    vtime_t *last;               /* by frame: time of last use, the owner's virtual time */
    vtime_t tau;
    uint64_t n_scheduled, n_turn_clean, n_turn_any;
} wsclock_state_t;

static void wsclock_destroy(void *state)
{
    wsclock_state_t *st = state;
    if (!st)
        return;
    repl_ring_free(&st->ring);
    free(st->last);
    free(st);
}

static int wsclock_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
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
    wsclock_state_t *st = calloc(1, sizeof *st);
    if (!st || repl_ring_init(&st->ring, env->nframes) || !(st->last = calloc(env->nframes, sizeof *st->last))) {
        wsclock_destroy(st);
        return repl_create_nomem(env, err);
    }
    st->env = env;
    st->tau = (vtime_t)tau;
    *state = st;
    return 0;
}

/* The virtual time of the process pfn is charged to; VTIME_NEVER for nobody. */
static vtime_t wsclock_now(const wsclock_state_t *st, pfn_t pfn)
{
    const repl_env_t *env = st->env;
    spid_t pid = env->owner(env->eng, pfn);
    return pid == REPL_PID_NONE || !env->vtime ? VTIME_NEVER : env->vtime(env->eng, pid);
}

static pfn_t wsclock_select_victim(void *state, const repl_req_t *req)
{
    wsclock_state_t *st = state;
    const repl_env_t *env = st->env;
    repl_ring_t *r = &st->ring;
    assert(r->head != PFN_NONE);
    pfn_t clean = PFN_NONE;      /* the oldest clean page of the first turn (first met) */
    vtime_t clean_age = 0;
    int scheduled = 0;
    /* Turn 1 clears every R bit and schedules every old dirty page; turn 2 then finds an old
     * clean page if a write was scheduled (the first one); else the first clean page. */
    for (uint32_t step = 0; step < 2 * r->n; step++) {
        pfn_t p = r->head;
        if (step == r->n && !scheduled)
            break;                                   /* a full turn, no write scheduled */
        if (repl_req_allows(env, req, p)) {
            vtime_t now = wsclock_now(st, p);
            int referenced = env->test_clear_ref(env->eng, p);
            if (referenced)
                st->last[p] = now == VTIME_NEVER ? 0 : now;
            /* (A page whose charge passed to another process at an exit was stamped in the
             * old owner's time: until it is stamped again its age is at least 0.) */
            vtime_t age = now == VTIME_NEVER ? VTIME_NEVER : now > st->last[p] ? now - st->last[p] : 0;
            int dirty = env->is_dirty(env->eng, p);
            int old = !referenced && age > st->tau;
            if (old && !dirty) {
                if (step >= r->n)
                    st->n_turn_clean++;
                return p;                            /* the hand stays; on_remove moves it */
            }
            if (old && dirty && env->clean && env->clean(env->eng, p) > 0) {
                scheduled = 1;                       /* clean now, its write under way */
                st->n_scheduled++;
                dirty = 0;
            }
            if (!dirty && step < r->n && (clean == PFN_NONE || age > clean_age)) {
                clean = p;                           /* (in the working set, but clean) */
                clean_age = age;
            }
        }
        r->head = r->next[p];
    }
    st->n_turn_any++;
    if (clean != PFN_NONE)
        return clean;
    /* No clean page: the page under the hand (the first allowed one), written back. */
    for (uint32_t i = 0; i < r->n; i++, r->head = r->next[r->head])
        if (repl_req_allows(env, req, r->head))
            return r->head;
    assert(!"wsclock: a request no tracked frame allows");
    return r->head;
}

static void wsclock_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    wsclock_state_t *st = state;
    (void)ref;
    (void)page;
    vtime_t now = wsclock_now(st, pfn);
    st->last[pfn] = now == VTIME_NEVER ? 0 : now;
    repl_ring_push_tail(&st->ring, pfn);
}

static int wsclock_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    wsclock_state_t *st = state;
    (void)why;
    (void)shadow;
    repl_ring_unlink(&st->ring, pfn);
    return 0;
}

static int wsclock_check(void *state, const uint8_t *resident)
{
    wsclock_state_t *st = state;
    return repl_ring_check(&st->ring, resident);
}

static void wsclock_stats(void *state, json_t *obj)
{
    wsclock_state_t *st = state;
    json_object_set_new(obj, "scheduled", json_integer((json_int_t)st->n_scheduled));
    json_object_set_new(obj, "turn_clean", json_integer((json_int_t)st->n_turn_clean));
    json_object_set_new(obj, "turn_any", json_integer((json_int_t)st->n_turn_any));
}

/* A frame's "*" (R set) and time of last use (":12", in its owner's virtual time). */
static const char *wsclock_explain_post(const void *state, repl_explain_t *x, pfn_t pfn, char *buf, size_t n)
{
    const wsclock_state_t *st = state;
    snprintf(buf, n, "%s:%llu", x->referenced(x, pfn) ? "*" : "", (unsigned long long)st->last[pfn]);
    return buf;
}

/* The ring from the hand. */
static void wsclock_explain(void *state, repl_explain_t *x)
{
    const wsclock_state_t *st = state;
    repl_explain_ring(x, "wsclock", &st->ring, PFN_NONE, 0, st->ring.head, wsclock_explain_post, st);
}

const repl_ops_t repl_wsclock = {
    .name = "wsclock",
    .version = REPL_VERSION,
    .summary = "WSClock: clock with last-use virtual times, evicts old clean pages, writes old dirty ones back first (sees R and M bits)",
    .paper = "Carr and Hennessy, \"WSCLOCK - a simple and effective algorithm for virtual memory management\", SOSP 1981",
    .params = "tau=1000",
    .flags = 0,
    .create = wsclock_create,
    .destroy = wsclock_destroy,
    .select_victim = wsclock_select_victim,
    .on_insert = wsclock_on_insert,
    .on_remove = wsclock_on_remove,
    .check = wsclock_check,
    .stats = wsclock_stats,
    .explain = wsclock_explain,
};
