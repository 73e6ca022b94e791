/* pff.c - page-fault frequency: a process's allocation grows while it faults often and shrinks
 * to the pages it used since its last fault when it faults rarely.
 *
 * Chu and Opderbeck, "The page fault frequency replacement algorithm", AFIPS FJCC 1972
 * (also Gupta and Franklin, "Working set and page fault frequency replacement algorithms: a
 * performance comparison", IEEE Trans. Computers C-27(8), 1978, whose statement we follow;
 * Silberschatz, Galvin, Gagne, OSC 9th ed., §9.6.3). At each page fault of a process, with T
 * the time since its previous fault in its own virtual time (env->vtime):
 *   - T <= threshold (it faults too often): the allocation grows: the faulting page is added
 *     and nothing leaves;
 *   - T > threshold (it faults rarely): the allocation shrinks: every page of the process not
 *     referenced since its previous fault (R = 0) is released (env->release), then the
 *     faulting page is added;
 * and in both cases the R bits of its pages are cleared, so that at the next fault R says
 * "referenced since the last fault". The page a fault brings in has its R bit set by the
 * faulting reference (the engine sets it, as the hardware would), so it counts as referenced
 * at that fault: it survives the next shrink and can go at the one after. The policy sees only R bits (on_hit is NULL): it acts at
 * faults only, as the hardware-assisted original does. threshold is Chu and Opderbeck's
 * critical inter-fault interval (the reciprocal of the critical fault frequency).
 *
 * A process's pages are those charged to it when they came in (the owner its on_insert
 * names: repl_procs.h keeps one list per process); a page left behind by an exited process
 * stays on that process's list and is never shrunk (only the fallback below evicts it). Every
 * miss is a fault for this purpose, so the pages a fault reads ahead, at the same virtual
 * time, count as the grow branch (T = 0).
 *
 * When the allocations do not fit (memory full, or a process at its quota under local
 * replacement), the fallback evicts the page the request allows that came in first (FIFO over
 * all frames: it reads no R bit, so it leaves the bits PFF's next decision reads untouched).
 * Stats: pff.grow and pff.shrink (faults of each kind), pff.released, pff.fallback.
 *
 * Parameter threshold (default 1000 references of process virtual time: the scale of ws's and
 * wsclock's tau, since a process whose faults are tau apart is one whose working set of
 * window tau is stable). Cost: a fault is O(pages of its process) (the R bits are read and
 * cleared); a hit costs nothing. State: 12 bytes a frame plus the ring, 24 a process. */
#include "repl_create.h"
#include "repl_procs.h"

typedef struct pff_state {
    const repl_env_t *env;
    repl_procs_t P;              /* by process: its pages; val = the last fault's vtime */
    repl_ring_t fifo;            /* every page, in load order */
    vtime_t threshold;
    uint64_t n_grow, n_shrink, n_released, n_fallback;
} pff_state_t;

static void pff_destroy(void *state)
{
    pff_state_t *st = state;
    if (!st)
        return;
    repl_procs_free(&st->P);
    repl_ring_free(&st->fifo);
    free(st);
}

static int pff_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"threshold", NULL};
    long long th;
    *state = NULL;
    if (repl_create_check(env, params, keys, err))
        return -1;
    if (spec_int(params, "threshold", 1000, &th, err))
        return -1;
    if (th < 0)
        return sim_err_set(err, SIM_EINPUT, "threshold must be a number of references >= 0, not %lld", th);
    pff_state_t *st = calloc(1, sizeof *st);
    if (!st)
        return repl_create_nomem(env, err);
    int bad = repl_procs_init(&st->P, env->nframes);
    bad |= repl_ring_init(&st->fifo, env->nframes);
    if (bad) {
        pff_destroy(st);
        return repl_create_nomem(env, err);
    }
    st->env = env;
    st->threshold = (vtime_t)th;
    *state = st;
    return 0;
}

static void pff_on_miss(void *state, const mem_ref_t *ref, const page_id_t *page, const uint64_t *shadow)
{
    pff_state_t *st = state;
    const repl_env_t *env = st->env;
    (void)page;
    (void)shadow;
    repl_procs_t *P = &st->P;
    uint32_t s = repl_procs_slot(P, ref->pid);
    vtime_t v = env->vtime ? env->vtime(env->eng, ref->pid) : ref->t;
    int shrink = P->flag[s] && v - P->val[s] > st->threshold && env->release;
    P->val[s] = v;
    P->flag[s] = 1;
    if (shrink)
        st->n_shrink++;
    else
        st->n_grow++;
    /* Every page of the process once: its R bit read and cleared; unused ones go if shrinking. */
    uint32_t n = P->n[s];
    pfn_t x = P->head[s];
    for (uint32_t i = 0; i < n; i++) {
        pfn_t next = P->next[x];
        if (!env->test_clear_ref(env->eng, x) && shrink && env->release(env->eng, x) == 0)
            st->n_released++;
        x = next;
    }
}

static pfn_t pff_select_victim(void *state, const repl_req_t *req)
{
    pff_state_t *st = state;
    pfn_t p = repl_ring_first(&st->fifo, st->env, req, 0);
    assert(p != PFN_NONE);
    st->n_fallback++;
    return p;
}

static void pff_on_insert(void *state, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    pff_state_t *st = state;
    (void)page;
    repl_procs_push(&st->P, repl_procs_slot(&st->P, ref->pid), pfn);
    repl_ring_push_tail(&st->fifo, pfn);
}

static int pff_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    pff_state_t *st = state;
    (void)why;
    (void)shadow;
    repl_procs_unlink(&st->P, pfn);
    repl_ring_unlink(&st->fifo, pfn);
    return 0;
}

static int pff_check(void *state, const uint8_t *resident)
{
    pff_state_t *st = state;
    return repl_ring_check(&st->fifo, resident) || repl_procs_check(&st->P, repl_procs_want_bit, resident) ? -1 : 0;
}

static void pff_stats(void *state, json_t *obj)
{
    pff_state_t *st = state;
    json_object_set_new(obj, "grow", json_integer((json_int_t)st->n_grow));
    json_object_set_new(obj, "shrink", json_integer((json_int_t)st->n_shrink));
    json_object_set_new(obj, "released", json_integer((json_int_t)st->n_released));
    json_object_set_new(obj, "fallback", json_integer((json_int_t)st->n_fallback));
}

/* Each process's resident set (a list named by its pid, "p-" for none; empty ones are not
 * shown) in load order, "*" on a page referenced since the process's last fault (the R bit
 * its next fault reads: a shrinking fault releases the others), then the virtual time of
 * that fault ("fault=12"). */
static void pff_explain(void *state, repl_explain_t *x)
{
    const pff_state_t *st = state;
    char name[16];
    int shown = 0;
    for (uint32_t s = 0; s < st->P.nslots; s++) {
        if (!st->P.n[s])
            continue;                  /* (an exited process's, or one the fallback emptied) */
        spid_t pid = st->P.pid[s];
        if (pid == REPL_PID_NONE)
            snprintf(name, sizeof name, "p-");
        else
            snprintf(name, sizeof name, "p%u", (unsigned)pid);
        x->begin(x, name);
        pfn_t p = st->P.head[s];
        for (uint32_t i = 0; i < st->P.n[s]; i++, p = st->P.next[p])
            x->frame(x, p, NULL, x->referenced(x, p) ? "*" : NULL);
        x->end(x);
        if (st->P.flag[s])
            x->text(x, "fault=%llu", (unsigned long long)st->P.val[s]);
        shown++;
    }
    if (!shown) {
        x->begin(x, "pff");
        x->end(x);
    }
}

const repl_ops_t repl_pff = {
    .name = "pff",
    .version = REPL_VERSION,
    .summary = "page-fault frequency: grow while inter-fault time <= threshold, else release pages unused since the last fault (sees R bits)",
    .paper = "Chu and Opderbeck, \"The page fault frequency replacement algorithm\", AFIPS FJCC 1972",
    .params = "threshold=1000",
    .flags = 0,
    .create = pff_create,
    .destroy = pff_destroy,
    .on_miss = pff_on_miss,
    .select_victim = pff_select_victim,
    .on_insert = pff_on_insert,
    .on_remove = pff_on_remove,
    .check = pff_check,
    .stats = pff_stats,
    .explain = pff_explain,
};
