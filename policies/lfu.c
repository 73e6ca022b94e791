/* lfu.c - LFU: evict the page with the smallest reference count, ties to the least recent.
 *
 * Counting-based replacement (Silberschatz, Galvin, Gagne, Operating System Concepts, 9th
 * ed., §9.4.6; Tanenbaum, Modern Operating Systems, 4th ed., §3.4.7 "NFU"). The count is
 * kept only while the page is resident: 1 when it is loaded, +1 on every hit, forgotten on
 * eviction (so a page's history does not survive its eviction; "in-cache" LFU as opposed to
 * "perfect" LFU). Ties on the count go to the page whose last reference is oldest, i.e. LRU
 * among equals, then to the lowest frame number, so the choice is deterministic.
 *
 * Parameter ties (default lru): how equal counts are broken. ties=lru is the above (the
 * page whose last reference is oldest goes first); ties=fifo gives them to the page loaded
 * first (its load time is kept, hits do not move it), FIFO among equals. (libCacheSim's LFU
 * keeps a list per count, appended when a page reaches it, which is ties=lru.) Either way
 * the frame number decides last.
 *
 * Its known weakness, visible in tests: a page used heavily once keeps a high count and
 * stays resident long after it stops being used, while newly loaded pages, starting at 1,
 * evict each other. No ageing is applied: this is the textbook policy.
 *
 * Sees every reference (REPL_SEES_ALL_REFS). State: an indexed min-heap keyed by
 * (count, last use) (repl_util.h): O(log n) per hit, insert, remove and victim selection.
 * Local replacement: the least (count, last use) among the faulting process's frames, a scan
 * of the heap (O(frames)).
 */
#include "repl_create.h"
#include "repl_explain.h"

typedef struct lfu {
    repl_heap_state_t hs;    /* first: the shared heap hooks read the state as it */
    int fifo;                /* ties=fifo: k2 is the load time, not the last reference */
} lfu_t;

static int lfu_create(const repl_env_t *env, const json_t *params, void **state, sim_err_t *err)
{
    static const char *const keys[] = {"ties", NULL};
    const char *ties;
    *state = NULL;
    if (repl_create_check(env, params, keys, err) || spec_str(params, "ties", "lru", &ties, err))
        return -1;
    if (strcmp(ties, "lru") && strcmp(ties, "fifo"))
        return sim_err_set(err, SIM_EINPUT, "ties must be lru or fifo, not '%s'", ties);
    lfu_t *l = calloc(1, sizeof *l);
    if (!l || repl_heap_state_init(l, env)) {
        repl_heap_state_destroy(l);
        return repl_create_nomem(env, err);
    }
    l->fifo = !strcmp(ties, "fifo");
    *state = l;
    return 0;
}

/* The heap's keys: k1 = count while resident, k2 = index of the last reference (ties=lru)
 * or of the loading one (ties=fifo). */
static void lfu_on_hit(void *state, const mem_ref_t *ref, pfn_t pfn)
{
    lfu_t *l = state;
    repl_heap_t *h = &l->hs.heap;
    h->k1[pfn]++;
    if (!l->fifo)
        h->k2[pfn] = ref->t;
    repl_heap_fix(h, pfn);   /* keys only grow if t does; fix() assumes neither */
}

static void lfu_on_insert(void *state, const mem_ref_t *ref,
                          const page_id_t *page, pfn_t pfn)
{
    repl_heap_t *h = &((lfu_t *)state)->hs.heap;
    h->k1[pfn] = 1;
    h->k2[pfn] = ref->t;
    repl_heap_insert(h, pfn);
}

/* Explain mode (repl.h): by count, then tie, the next victim first; each with ":count". */
static const char *lfu_explain_count(const void *state, repl_explain_t *x, pfn_t pfn, char *buf, size_t n)
{
    (void)x;
    snprintf(buf, n, ":%llu", (unsigned long long)((const lfu_t *)state)->hs.heap.k1[pfn]);
    return buf;
}

static void lfu_explain(void *state, repl_explain_t *x)
{
    repl_explain_heap(x, "lfu", &((lfu_t *)state)->hs.heap, lfu_explain_count, state);
}

const repl_ops_t repl_lfu = {
    .name = "lfu",
    .version = REPL_VERSION,
    .summary = "least frequently used while resident, ties to least recent or first loaded (sees every reference)",
    .paper = "Tanenbaum, Modern Operating Systems, 4th ed., 3.4.7 (NFU / LFU)",
    .params = "ties=lru",
    .flags = REPL_SEES_ALL_REFS,
    .create = lfu_create,
    .destroy = repl_heap_state_destroy,
    .on_hit = lfu_on_hit,
    .select_victim = repl_heap_state_victim,
    .on_insert = lfu_on_insert,
    .on_remove = repl_heap_state_remove,
    .check = repl_heap_state_check,
    .explain = lfu_explain,
};
