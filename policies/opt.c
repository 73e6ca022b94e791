/* opt.c - Belady's MIN (OPT): evict the page whose next use lies farthest in the future.
 *
 * Belady, "A study of replacement algorithms for a virtual-storage computer", IBM Systems
 * Journal 5(2), 1966; proved optimal (fewest faults for a fixed number of frames, demand
 * paging) by Mattson, Gecsei, Slutz, Traiger, IBM Systems Journal 9(2), 1970, which also
 * shows it is a stack algorithm, so more frames never give more faults. Textbook treatment:
 * Silberschatz, Galvin, Gagne, Operating System Concepts, 9th ed., §9.4.3. Unrealisable
 * online; in a simulator it is the yardstick every other policy is measured against.
 *
 * It needs the future: ref->next_use, the index of the next reference to the same page
 * (VTIME_NEVER if none), which the workload layer computes by a backward pass over a trace
 * whose order is fixed (REPL_NEEDS_NEXT_USE). on_insert and on_hit record it per frame.
 * Run creation must fail where next-use cannot be computed; this file never guesses.
 *
 * State: the frames' keys now (16 bytes a frame: k1 = VTIME_NEVER - next use, k2 = last use),
 * and a lazy 4-ary min-heap of entries (16 bytes: the key a frame had when it was pushed, its
 * two keys folded into one word by opt_keyof, and the frame), ordered by (k1, k2, frame):
 * the farthest next use on top. A hit does not
 * look for the frame's entry to re-key it (an index by frame, and a sift whose every level
 * is a cache miss plus a store into the index): it pushes a new entry at the tail, where the
 * lines are hot and a new next use rarely rises more than a level or two, and the old entry
 * goes stale (its keys are no longer the frame's; a removal makes the frame's entries stale
 * the same way). Stale entries are dropped when they reach the top (every hook leaves a
 * current top, so the victim is h[0], O(1)) and by a compaction when the heap is full: it
 * has room for 2 nframes + 8 entries, a compaction keeps one current entry per tracked frame
 * (at most nframes) and heapifies, O(nframes) once per nframes pushes at least. The victim
 * is the least current entry, the order's least tracked frame: what the old indexed heap
 * (repl_util.h) chose, tie rule included. Cost per hit: the frame's keys (one line) and the
 * push (the tail, cached); per eviction: a pop, a sift down of about log4(2 nframes) levels,
 * one line each (h[1] starts a cache line, so a node's 4 children fill one). peek_victim
 * names the top and its least child, so the engine prefetches the victims' frames, PTEs and
 * swap slots as it does for LRU. A local request (repl.h) takes the least of the faulting
 * process's frames by the same order, a scan of the frames (O(nframes)). Memory: 48 bytes
 * a frame (the indexed heap's was 24). Measured on the large-footprint workload (scripts/bench: 10^7
 * references, Zipf 0.9 over 10^6 scattered pages, 30% writes, 10^5 frames, binary):
 * the whole `pagesim run -p opt` (the next-use pass included) went from 2.28 to 2.03 s,
 * best of 3 pinned, misses and every other result identical; with the pass's own changes
 * (nextuse.c) from 2.61 to 2.23 s of CPU (best of 5 pinned, on a loaded machine), against
 * LRU's 1.27-1.28 s: OPT at 0.49 -> 0.57 of LRU's speed. Instructions (callgrind): about
 * 140 a push (a sift up of 1.3 levels on average, and the compactions) and 650 a pop
 * (9 levels of 4 children); more than the indexed heap's, but in lines that are cached.
 * Then (2026-12-04) entries of 16 bytes instead of 24 (one word of key): on the same run,
 * simulated by cachegrind (4 MiB last level), last-level data misses 51.9 M -> 46.6 M and
 * first-level 119.6 M -> 110.4 M, instructions 17.53 G -> 17.39 G, results identical; CPU
 * time 3-5% lower, five runs alternated on a loaded host. Then two more (same day): the
 * frame's keys, which a hit reads first and which were a cache miss nearly every time
 * (91% of this hook's samples), are prefetched three references ahead when the trace loop
 * has read the page's PTE (repl.h, prefetch_hit); and a compaction keeps the entries whose
 * next use has not passed by their key alone (opt_compact), where it read every entry's
 * frame. perf on the large stream with --tlb 0: on_hit + push from 21.7% to 7.8% of the
 * samples; the run 1.47-1.72 s -> 1.37-1.55 s of CPU (nine runs alternated, pinned).
 *
 * Ties: several pages can share a next use only when none of them is used again
 * (VTIME_NEVER). Any of them is an optimal choice; this one evicts the least recently used
 * of them (smallest index of last reference), then the lowest frame number. (A stale next use,
 * below, can equal another frame's: then the lowest frame number decides.) The fault count
 * does not depend on the tie rule; which pages stay resident does.
 *
 * The future is the next use of the page's contents (workloads/pgid.c: a file page however
 * many processes map it, an anonymous page, its COW copies), never of a (pid, vpn): the
 * engine's page keys (repl.h, page_id_t) follow the same rules, so a frame's recorded next use
 * is exact: the next hit of that frame is at that reference. stats.stale_next_uses counts the
 * hits where it was not (a reference whose page the offline pass could not know, see
 * pgid.c): 0 means this run's OPT is the true offline optimum of what the engine simulates.
 * stats.unknown_next_uses counts hits on pages inserted without a reference (readahead, swap
 * clustering, eager COW copies), whose next use the policy could not know (it evicts them
 * first).
 */
#include "repl_create.h"

#include <stddef.h>
#include "repl_explain.h"

#define OPT_OUT UINT64_MAX           /* in a frame's k2: the frame is not tracked */

/* A heap entry: a frame's key as it was when it was pushed (16 bytes: a node's 4 children
 * are one cache line). */
typedef struct opt_ent {
    uint64_t key;                    /* opt_keyof: the farthest next use first */
    uint32_t pfn, pad_;
} opt_ent_t;

/* A frame's keys now; an entry is current when it holds them (k2 = OPT_OUT: not tracked). */
typedef struct opt_key { uint64_t k1, k2; } opt_key_t;

typedef struct opt_state {
    opt_ent_t *h;                    /* the heap, h[0..m-1]; h[1] starts a cache line */
    void *mem;                       /* h's allocation */
    size_t m, cap;                   /* cap = 2 nframes + 8: a compaction frees nframes slots */
    opt_key_t *fr;                   /* by frame */
    uint8_t *seen;                   /* opt_check's marks, a bit per frame */
    uint32_t nframes, n;             /* n: frames tracked */
    vtime_t now;                     /* the last reference a hook was told of */
    int irregular;                   /* since the last full compaction, an entry may have gone
                                        stale other than by its next use passing (opt_compact) */
    const repl_env_t *env;
    uint64_t stale, unknown;
} opt_state_t;

/* A frame's keys as one word, in the order (k1, k2): k1 when the next use is known (then
 * k1 = VTIME_NEVER - next use >= 2^63, as next uses are below 2^63), else (never used
 * again: k1 = 0) the last use, below 2^63. Two frames share a known next use only if one of
 * them is stale (a reference uses one page, or a copy's source and a page it creates), and
 * then the frame number decides instead of the last use. An untracked frame's key
 * (k1 = 0, k2 = OPT_OUT) is no entry's. */
static inline uint64_t opt_keyof(const opt_key_t *f)
{
    return f->k1 ? f->k1 : f->k2;
}

/* The order: (key, pfn), the smallest first. */
static inline int opt_less(const opt_ent_t *a, const opt_ent_t *b)
{
    if (a->key != b->key)
        return a->key < b->key;
    return a->pfn < b->pfn;
}

/* The frame's entry as it is now (for comparisons of frames, not of heap entries). */
static inline opt_ent_t opt_now(const opt_state_t *o, pfn_t p)
{
    return (opt_ent_t){.key = opt_keyof(&o->fr[p]), .pfn = p};
}

static inline int opt_current(const opt_state_t *o, const opt_ent_t *e)
{
    return opt_keyof(&o->fr[e->pfn]) == e->key;
}

static void opt_down(opt_state_t *o, size_t i)
{
    opt_ent_t *h = o->h, x = h[i];
    size_t m = o->m;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= m)
            break;
        size_t b = c, e = c + 4 < m ? c + 4 : m;
        for (size_t j = c + 1; j < e; j++)
            if (opt_less(&h[j], &h[b]))
                b = j;
        if (!opt_less(&h[b], &x))
            break;
        h[i] = h[b];
        i = b;
    }
    h[i] = x;
}

static void opt_pop(opt_state_t *o)
{
    if (--o->m) {
        o->h[0] = o->h[o->m];
        opt_down(o, 0);
    }
}

/* Drops the entries that are not current from the top: afterwards the top is current (or
 * the heap empty), an invariant every hook keeps. */
static void opt_clean_top(opt_state_t *o)
{
    while (o->m && !opt_current(o, &o->h[0]))
        opt_pop(o);
}

/* The heap full, before the push of frame `pushing` (tracked, its keys already new): keeps
 * one current entry per other tracked frame and heapifies, O(cap), once per nframes pushes
 * at least. Nearly every stale entry is one a hit left behind: its next use was that hit,
 * so it is now or past. While the hooks saw nothing else (no hit off its recorded next
 * use, no removal but the top's: o->irregular clear), every frame has exactly one entry
 * with a future or unknown next use, its current one, and every other entry a next use that
 * has passed; the entries kept are then those whose next use has not passed, found from the
 * key alone in one scan of the heap. A frame whose recorded next use passed without a hit
 * would lose its only entry: the count kept must equal the tracked frames but `pushing`;
 * else (and when irregular) the heap is rebuilt from the frames' keys, one entry each, a
 * scan of the frames in order. */
static void opt_compact(opt_state_t *o, pfn_t pushing)
{
    size_t k = 0;
    if (!o->irregular) {
        uint64_t passed = VTIME_NEVER - o->now;       /* keys >= this: next use now or before */
        for (size_t j = 0; j < o->m; j++)
            if (o->h[j].key < passed)
                o->h[k++] = o->h[j];
    }
    if (o->irregular || k + 1 != o->n) {
        k = 0;
        for (pfn_t p = 0; p < o->nframes; p++)
            if (o->fr[p].k2 != OPT_OUT && p != pushing)
                o->h[k++] = opt_now(o, p);
        o->irregular = 0;
    }
    o->m = k;
    for (size_t i = k > 1 ? (k - 2) / 4 + 1 : 0; i-- > 0;)
        opt_down(o, i);
}

static void opt_push(opt_state_t *o, pfn_t pfn)
{
    if (o->m == o->cap)
        opt_compact(o, pfn);
    opt_ent_t e = {.key = opt_keyof(&o->fr[pfn]), .pfn = pfn};
    opt_ent_t *h = o->h;
    size_t i = o->m++;
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!opt_less(&e, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = e;
}

static void opt_destroy(void *state)
{
    opt_state_t *o = state;
    if (!o)
        return;
    free(o->mem);
    free(o->fr);
    free(o->seen);
    free(o);
}

static int opt_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const none[] = {NULL};
    *state = NULL;
    if (repl_create_check(env, params, none, err))
        return -1;
    opt_state_t *o = calloc(1, sizeof *o);
    if (!o)
        return repl_create_nomem(env, err);
    o->env = env;
    o->nframes = env->nframes;
    o->cap = 2 * (size_t)env->nframes + 8;
    o->mem = aligned_alloc(64, (o->cap * sizeof *o->h + 64 + 63) / 64 * 64);
    o->fr = malloc((size_t)env->nframes * sizeof *o->fr);
    o->seen = calloc((size_t)env->nframes / 8 + 1, 1);
    if (!o->mem || !o->fr || !o->seen) {
        opt_destroy(o);
        return repl_create_nomem(env, err);
    }
    o->h = (opt_ent_t *)((char *)o->mem + 64 - sizeof *o->h);    /* h[1] on a line: 4 children, 1 line */
    for (uint32_t p = 0; p < env->nframes; p++)
        o->fr[p] = (opt_key_t){0, OPT_OUT};
    *state = o;
    return 0;
}

/* A frame's keys: k1 = VTIME_NEVER - next use (the farthest first), k2 = last use. */
static void opt_record(opt_state_t *o, const mem_ref_t *ref, pfn_t pfn)
{
    assert(ref->next_use > ref->t);   /* VTIME_NEVER included: next_use was filled */
    assert(ref->t < (vtime_t)1 << 63 && (ref->next_use == VTIME_NEVER || ref->next_use < (vtime_t)1 << 63));
    o->fr[pfn].k1 = VTIME_NEVER - ref->next_use;
    o->fr[pfn].k2 = ref->t;
    o->now = ref->t;
}

static void opt_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    opt_state_t *o = state;
    opt_key_t old = o->fr[pfn];
    vtime_t recorded = VTIME_NEVER - old.k1;
    if (recorded != ref->t && old.k2 != ref->t) {         /* (the same reference told twice) */
        o->irregular = 1;                                  /* its entry stays with a future key */
        if (recorded == VTIME_NEVER)
            o->unknown++;
        else
            o->stale++;
    }
    opt_record(o, ref, pfn);
    if (opt_keyof(&o->fr[pfn]) == opt_keyof(&old))
        return;                                            /* its entry is still current */
    opt_push(o, pfn);                                      /* the old entry goes stale */
    if (o->h[0].pfn == pfn)
        opt_clean_top(o);
}

static void opt_on_insert(void *state, const mem_ref_t *ref,
                          const page_id_t *page, pfn_t pfn)
{
    opt_state_t *o = state;
    assert(pfn < o->nframes && o->fr[pfn].k2 == OPT_OUT);
    opt_record(o, ref, pfn);
    o->n++;
    opt_push(o, pfn);
}

static int opt_on_remove(void *state, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    (void)why;
    (void)shadow;
    opt_state_t *o = state;
    assert(pfn < o->nframes && o->fr[pfn].k2 != OPT_OUT);
    o->fr[pfn] = (opt_key_t){0, OPT_OUT};
    o->n--;
    if (o->h[0].pfn == pfn)
        opt_clean_top(o);                     /* its current entry goes with the top */
    else
        o->irregular = 1;                     /* it stays, with a future key */
    return 0;
}

/* The top (current, by the invariant); for a local request the least of the process's
 * frames by the same order, a scan of the frames (O(nframes)). */
static pfn_t opt_select_victim(void *state, const repl_req_t *req)
{
    const opt_state_t *o = state;
    assert(o->n > 0 && o->m > 0);
    if (!req->local)
        return o->h[0].pfn;
    pfn_t best = PFN_NONE;
    opt_ent_t b = {0};
    for (pfn_t p = 0; p < o->nframes; p++) {
        if (o->fr[p].k2 == OPT_OUT || !repl_req_allows(o->env, req, p))
            continue;
        opt_ent_t e = opt_now(o, p);
        if (best == PFN_NONE || opt_less(&e, &b)) {
            best = p;
            b = e;
        }
    }
    return best;
}

/* A hint (repl.h): the top, and the least of its children (the next top unless the page
 * that comes in or a hit changes it; it may be a stale entry). Read-only, O(1). */
static pfn_t opt_peek_victim(void *state, uint32_t k)
{
    const opt_state_t *o = state;
    if (k == 0)
        return o->m ? o->h[0].pfn : PFN_NONE;
    if (k > 1 || o->m < 2)
        return PFN_NONE;
    size_t b = 1, e = o->m < 5 ? o->m : 5;
    for (size_t j = 2; j < e; j++)
        if (opt_less(&o->h[j], &o->h[b]))
            b = j;
    return o->h[b].pfn;
}

/* A hint (repl.h): the frame's keys, the line a hit reads first. */
static void opt_prefetch_hit(void *state, pfn_t pfn)
{
    const opt_state_t *o = state;
    __builtin_prefetch(&o->fr[pfn], 1);
}

/* 0 if the tracked frames are exactly `resident`, the heap order holds, every tracked frame
 * has a current entry and the top is current. */
static int opt_check(void *state, const uint8_t *resident)
{
    opt_state_t *o = state;
    uint32_t n = 0;
    for (pfn_t p = 0; p < o->nframes; p++) {
        int in = o->fr[p].k2 != OPT_OUT;
        if (in != repl_bit(resident, p))
            return -1;
        n += (uint32_t)in;
    }
    if (n != o->n || o->m > o->cap || (n && !o->m) || (o->m && !opt_current(o, &o->h[0])))
        return -1;
    for (size_t j = 1; j < o->m; j++)
        if (opt_less(&o->h[j], &o->h[(j - 1) / 4]))
            return -1;
    for (size_t j = 0; j < o->m; j++)
        if (o->h[j].pfn >= o->nframes)
            return -1;
        else if (opt_current(o, &o->h[j]))
            o->seen[o->h[j].pfn >> 3] |= (uint8_t)(1u << (o->h[j].pfn & 7));
    int bad = 0;
    for (pfn_t p = 0; p < o->nframes; p++)
        if ((o->fr[p].k2 != OPT_OUT) != repl_bit(o->seen, p))
            bad = -1;
    memset(o->seen, 0, (size_t)o->nframes / 8 + 1);
    return bad;
}

static void opt_stats(void *state, json_t *obj)
{
    const opt_state_t *o = state;
    json_object_set_new(obj, "stale_next_uses", json_integer((json_int_t)o->stale));
    json_object_set_new(obj, "unknown_next_uses", json_integer((json_int_t)o->unknown));
}

/* Explain mode (repl.h): by next use, farthest (the next victim) first; each with ":N", the
 * number of the reference that uses it next (as explain numbers them, from 1; where the trace
 * has buffered reads or writes, each of their pages counts as a reference too, as in the
 * next-use pass), ":-" never. The tracked frames sorted by insertion (explain's sizes are
 * small). */
static void opt_explain(void *state, repl_explain_t *x)
{
    const opt_state_t *o = state;
    pfn_t *v = malloc((o->n ? o->n : 1) * sizeof *v);
    x->begin(x, "opt");
    if (v) {
        uint32_t k = 0;
        for (pfn_t p = 0; p < o->nframes; p++) {
            if (o->fr[p].k2 == OPT_OUT)
                continue;
            opt_ent_t e = opt_now(o, p);
            uint32_t j = k++;
            for (; j > 0; j--) {
                opt_ent_t f = opt_now(o, v[j - 1]);
                if (!opt_less(&e, &f))
                    break;
                v[j] = v[j - 1];
            }
            v[j] = p;
        }
        char buf[32];
        for (uint32_t i = 0; i < k; i++) {
            vtime_t next = VTIME_NEVER - o->fr[v[i]].k1;
            if (next == VTIME_NEVER)
                snprintf(buf, sizeof buf, ":-");
            else
                snprintf(buf, sizeof buf, ":%llu", (unsigned long long)next + 1);
            x->frame(x, v[i], NULL, buf);
        }
    }
    x->end(x);
    free(v);
}

const repl_ops_t repl_opt = {
    .name = "opt",
    .version = REPL_VERSION,
    .summary = "Belady's MIN: evict the page used farthest in the future, in a fixed trace order (sees every reference)",
    .paper = "Belady 1966 (MIN); Mattson et al. 1970 (OPT as a stack algorithm)",
    .params = NULL,
    .flags = REPL_NEEDS_NEXT_USE | REPL_SEES_ALL_REFS,
    .create = opt_create,
    .destroy = opt_destroy,
    .on_hit = opt_on_hit,
    .select_victim = opt_select_victim,
    .on_insert = opt_on_insert,
    .on_remove = opt_on_remove,
    .check = opt_check,
    .stats = opt_stats,
    .explain = opt_explain,
    .peek_victim = opt_peek_victim,
    .prefetch_hit = opt_prefetch_hit,
};

