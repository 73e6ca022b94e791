/* repl_util.h - the two structures every policy here is built from, indexed by frame number.
 *
 * Policies keep per-frame metadata in flat arrays sized nframes, allocated once in create():
 * no per-reference malloc, no pointers, no hashing. Two shapes cover the classic algorithms:
 *
 *  - repl_ring_t, a circular doubly linked list of frames with a distinguished head. FIFO and
 *    LRU read it as a queue (head = oldest / least recent, tail = prev[head]); MRU evicts the
 *    tail; CLOCK reads the head as the hand and inserts at the tail, "just behind the hand".
 *    Insert, unlink and move-to-tail are O(1), so unmapping a page anywhere costs O(1).
 *  - repl_heap_t, an indexed binary min-heap of frames keyed by (k1, k2, pfn): the position
 *    index makes removal and re-keying of an arbitrary frame O(log n) (Cormen et al., CLRS
 *    §6.5, priority queues with handles). The frame number as last key makes ties
 *    deterministic. OPT (max next-use) stores the complement of its key to reuse the min-heap.
 *
 * Both come with a checker used by the policies' check() hook (paranoid builds and tests):
 * O(nframes), verifying that the tracked set equals the engine's resident bitmap and that the
 * links or the heap order hold. The bitmap is LSB-first: frame p is bit (p & 7) of byte p >> 3.
 *
 * Local replacement (repl.h, req->local): the victim must be a frame of the faulting process.
 * repl_ring_first and repl_heap_first give the policy's own choice restricted to such frames
 * by walking the policy's order and skipping the frames others own: O(1) for a global
 * request, O(frames) at worst for a local one (per-process lists would make it O(1) at the
 * price of a list per process; the textbook policies here keep one order).
 */
#ifndef PAGESIM_REPL_UTIL_H
#define PAGESIM_REPL_UTIL_H

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "sim/base/types.h"
#include "repl.h"

static inline int repl_bit(const uint8_t *bitmap, pfn_t p)
{
    return (bitmap[p >> 3] >> (p & 7)) & 1;
}

/* A new array of n frame numbers, all PFN_NONE (all-ones bytes), or NULL. */
static inline pfn_t *repl_pfn_array(uint32_t n)
{
    pfn_t *a = malloc((size_t)(n ? n : 1) * sizeof *a);
    if (a)
        memset(a, 0xff, (size_t)n * sizeof *a);
    return a;
}

/* ---- circular doubly linked list of frames ---- */

typedef struct repl_ring {
    pfn_t *next, *prev;   /* next[p] == PFN_NONE: p is not in the ring */
    pfn_t head;           /* PFN_NONE when empty */
    uint32_t n, cap;
} repl_ring_t;

static inline int repl_ring_init(repl_ring_t *r, uint32_t cap)
{
    r->next = repl_pfn_array(cap);
    r->prev = repl_pfn_array(cap);
    r->head = PFN_NONE;
    r->n = 0;
    r->cap = cap;
    return r->next && r->prev ? 0 : -1;
}

static inline void repl_ring_free(repl_ring_t *r)
{
    free(r->next);
    free(r->prev);
}

static inline int repl_ring_has(const repl_ring_t *r, pfn_t p)
{
    return p < r->cap && r->next[p] != PFN_NONE;
}

static inline pfn_t repl_ring_tail(const repl_ring_t *r)
{
    return r->head == PFN_NONE ? PFN_NONE : r->prev[r->head];
}

/* Inserts p just before the head: it becomes the tail, the last one reached from the head. */
static inline void repl_ring_push_tail(repl_ring_t *r, pfn_t p)
{
    assert(p < r->cap && !repl_ring_has(r, p));
    if (r->head == PFN_NONE) {
        r->next[p] = r->prev[p] = p;
        r->head = p;
    } else {
        pfn_t h = r->head, t = r->prev[h];
        r->next[p] = h;
        r->prev[p] = t;
        r->next[t] = p;
        r->prev[h] = p;
    }
    r->n++;
}

/* Unlinks p; if p was the head, the head moves on to its successor. */
static inline void repl_ring_unlink(repl_ring_t *r, pfn_t p)
{
    assert(repl_ring_has(r, p));
    if (r->n == 1) {
        r->head = PFN_NONE;
    } else {
        pfn_t a = r->prev[p], b = r->next[p];
        r->next[a] = b;
        r->prev[b] = a;
        if (r->head == p)
            r->head = b;
    }
    r->next[p] = r->prev[p] = PFN_NONE;
    r->n--;
}

static inline void repl_ring_move_to_tail(repl_ring_t *r, pfn_t p)
{
    if (r->head == p) {               /* rotating the circle is enough */
        r->head = r->next[p];
        return;
    }
    if (r->prev[r->head] == p)        /* already the tail */
        return;
    repl_ring_unlink(r, p);
    repl_ring_push_tail(r, p);
}

/* 0 if the ring is well formed and holds exactly the frames set in `resident`. */
static inline int repl_ring_check(const repl_ring_t *r, const uint8_t *resident)
{
    uint32_t m = 0;
    for (pfn_t p = 0; p < r->cap; p++) {
        int in = r->next[p] != PFN_NONE;
        if (in != (r->prev[p] != PFN_NONE) || in != repl_bit(resident, p))
            return -1;
        m += (uint32_t)in;
    }
    if (m != r->n || (m == 0) != (r->head == PFN_NONE))
        return -1;
    if (m == 0)
        return 0;
    /* A walk of m steps from the head must come back to it for the first time at step m:
     * the cycle then has exactly m distinct members, so it is all of them. */
    pfn_t x = r->head;
    for (uint32_t i = 0; i < m; i++) {
        pfn_t y = r->next[x];
        if (y >= r->cap || r->prev[y] != x)
            return -1;
        if ((y == r->head) != (i == m - 1))
            return -1;
        x = y;
    }
    return 0;
}

/* Whether the request lets p be the victim: any tracked frame, or under local replacement
 * only one the requesting process owns. */
static inline int repl_req_allows(const repl_env_t *env, const repl_req_t *req, pfn_t p)
{
    return !req->local || env->owner(env->eng, p) == req->pid;
}

/* The first frame the request allows, walking from the head forwards (FIFO, LRU: the oldest)
 * or from the tail backwards (MRU: the newest); PFN_NONE if none. */
static inline pfn_t repl_ring_first(const repl_ring_t *r, const repl_env_t *env,
                                    const repl_req_t *req, int from_tail)
{
    if (r->head == PFN_NONE)
        return PFN_NONE;
    pfn_t p = from_tail ? r->prev[r->head] : r->head;
    if (!req->local)
        return p;                                  /* the global choice: O(1) */
    for (uint32_t i = 0; i < r->n; i++) {
        if (repl_req_allows(env, req, p))
            return p;
        p = from_tail ? r->prev[p] : r->next[p];
    }
    return PFN_NONE;
}

/* ---- indexed binary min-heap of frames keyed by (k1, k2, pfn) ---- */

typedef struct repl_heap {
    pfn_t *heap;          /* heap[0..n-1] */
    uint32_t *pos;        /* pos[p] == UINT32_MAX: p is not in the heap */
    uint64_t *k1, *k2;    /* keys, by frame; set by the caller before insert/fix */
    uint32_t n, cap;
} repl_heap_t;

static inline int repl_heap_init(repl_heap_t *h, uint32_t cap)
{
    size_t c = cap ? cap : 1;
    h->heap = malloc(c * sizeof *h->heap);
    h->pos = repl_pfn_array(cap);
    h->k1 = calloc(c, sizeof *h->k1);
    h->k2 = calloc(c, sizeof *h->k2);
    h->n = 0;
    h->cap = cap;
    return h->heap && h->pos && h->k1 && h->k2 ? 0 : -1;
}

static inline void repl_heap_free(repl_heap_t *h)
{
    free(h->heap);
    free(h->pos);
    free(h->k1);
    free(h->k2);
}

static inline int repl_heap_has(const repl_heap_t *h, pfn_t p)
{
    return p < h->cap && h->pos[p] != UINT32_MAX;
}

static inline int repl_heap_less(const repl_heap_t *h, pfn_t a, pfn_t b)
{
    if (h->k1[a] != h->k1[b])
        return h->k1[a] < h->k1[b];
    if (h->k2[a] != h->k2[b])
        return h->k2[a] < h->k2[b];
    return a < b;
}

static inline void repl_heap_place(repl_heap_t *h, uint32_t i, pfn_t p)
{
    h->heap[i] = p;
    h->pos[p] = i;
}

static inline void repl_heap_up(repl_heap_t *h, uint32_t i)
{
    pfn_t p = h->heap[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!repl_heap_less(h, p, h->heap[parent]))
            break;
        repl_heap_place(h, i, h->heap[parent]);
        i = parent;
    }
    repl_heap_place(h, i, p);
}

static inline void repl_heap_down(repl_heap_t *h, uint32_t i)
{
    pfn_t p = h->heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && repl_heap_less(h, h->heap[c + 1], h->heap[c]))
            c++;
        if (!repl_heap_less(h, h->heap[c], p))
            break;
        repl_heap_place(h, i, h->heap[c]);
        i = c;
    }
    repl_heap_place(h, i, p);
}

static inline pfn_t repl_heap_top(const repl_heap_t *h)
{
    return h->n ? h->heap[0] : PFN_NONE;
}

static inline void repl_heap_insert(repl_heap_t *h, pfn_t p)
{
    assert(p < h->cap && !repl_heap_has(h, p) && h->n < h->cap);
    repl_heap_place(h, h->n++, p);
    repl_heap_up(h, h->n - 1);
}

/* The smallest frame the request allows: the top for a global request, else the least of
 * the allowed frames by the heap's order (a scan: O(n)); PFN_NONE if none. */
static inline pfn_t repl_heap_first(const repl_heap_t *h, const repl_env_t *env, const repl_req_t *req)
{
    if (!req->local)
        return repl_heap_top(h);
    pfn_t best = PFN_NONE;
    for (uint32_t i = 0; i < h->n; i++) {
        pfn_t p = h->heap[i];
        if (repl_req_allows(env, req, p) && (best == PFN_NONE || repl_heap_less(h, p, best)))
            best = p;
    }
    return best;
}

/* After changing p's keys. */
static inline void repl_heap_fix(repl_heap_t *h, pfn_t p)
{
    assert(repl_heap_has(h, p));
    repl_heap_up(h, h->pos[p]);
    repl_heap_down(h, h->pos[p]);
}

static inline void repl_heap_remove(repl_heap_t *h, pfn_t p)
{
    assert(repl_heap_has(h, p));
    uint32_t i = h->pos[p];
    pfn_t last = h->heap[--h->n];
    h->pos[p] = UINT32_MAX;
    if (i < h->n) {
        repl_heap_place(h, i, last);
        repl_heap_up(h, i);
        repl_heap_down(h, h->pos[last]);
    }
}

/* 0 if the heap order and position index hold and the heap holds exactly `resident`. */
static inline int repl_heap_check(const repl_heap_t *h, const uint8_t *resident)
{
    uint32_t m = 0;
    for (pfn_t p = 0; p < h->cap; p++) {
        int in = h->pos[p] != UINT32_MAX;
        if (in != repl_bit(resident, p))
            return -1;
        if (in && (h->pos[p] >= h->n || h->heap[h->pos[p]] != p))
            return -1;
        m += (uint32_t)in;
    }
    if (m != h->n)
        return -1;
    for (uint32_t i = 1; i < h->n; i++)
        if (repl_heap_less(h, h->heap[i], h->heap[(i - 1) / 2]))
            return -1;
    return 0;
}

#endif
