/* repl_procs.h - per-process lists of frames, for the local-by-nature policies (ws, pff).
 *
 * Denning's working set and Chu and Opderbeck's page-fault frequency keep a resident set per
 * process. This is one list of frames per process, all in flat arrays indexed by frame number
 * (each frame on at most one list: O(1) insert, unlink and move to the tail), and a slot per
 * process found through a pid -> slot hash (sim/base/u64map.h; one probe, and the last pid
 * asked for is remembered, since references come in runs of one process). Slots are never
 * reused within a run (an exited process keeps its slot, empty). Each slot carries two
 * values for the policy (val, flag). Memory: 12 bytes a frame, 24 a process (and its hash
 * entry); the per-process arrays double as processes appear (out of memory throws, as the
 * engine's allocations do: sim/base/xalloc.h). */
#ifndef PAGESIM_REPL_PROCS_H
#define PAGESIM_REPL_PROCS_H

#include <assert.h>
#include <stdlib.h>
#include "repl.h"
#include "repl_util.h"
#include "sim/base/u64map.h"
#include "sim/base/xalloc.h"

typedef struct repl_procs {
    u64map_t slot_of;         /* pid -> slot */
    spid_t *pid;              /* by slot */
    pfn_t *head;              /* by slot: the list's first frame (PFN_NONE: empty) */
    uint32_t *n;              /* by slot: frames on the list */
    vtime_t *val;             /* by slot: the policy's (ws: unused; pff: last fault's vtime) */
    uint8_t *flag;            /* by slot: the policy's */
    uint32_t nslots, cap;
    pfn_t *next, *prev;       /* by frame, within its list (circular) */
    uint32_t *on;             /* by frame: its slot, UINT32_MAX: on no list */
    uint32_t nframes;
    spid_t last_pid;
    uint32_t last_slot;       /* UINT32_MAX: none remembered */
} repl_procs_t;

#define REPL_PROCS_NONE UINT32_MAX

static inline void repl_procs_free(repl_procs_t *P)
{
    if (P->slot_of.s)
        u64map_free(&P->slot_of);
    free(P->pid);
    free(P->head);
    free(P->n);
    free(P->val);
    free(P->flag);
    free(P->next);
    free(P->prev);
    free(P->on);
}

static inline int repl_procs_init(repl_procs_t *P, uint32_t nframes)
{
    memset(P, 0, sizeof *P);
    u64map_init(&P->slot_of);
    P->nframes = nframes;
    P->next = repl_pfn_array(nframes);
    P->prev = repl_pfn_array(nframes);
    P->on = repl_pfn_array(nframes);     /* all-ones: REPL_PROCS_NONE */
    P->last_slot = REPL_PROCS_NONE;
    return P->next && P->prev && P->on ? 0 : -1;
}

/* pid's slot, made if it has none. */
static inline uint32_t repl_procs_slot(repl_procs_t *P, spid_t pid)
{
    if (P->last_slot != REPL_PROCS_NONE && P->last_pid == pid)
        return P->last_slot;
    uint64_t *v = u64map_find(&P->slot_of, pid);
    uint32_t s;
    if (v) {
        s = (uint32_t)*v;
    } else {
        if (P->nslots == P->cap) {
            uint32_t cap = P->cap ? 2 * P->cap : 8;   /* (xrealloc throws: xalloc.h) */
            P->pid = xrealloc(P->pid, xmul(cap, sizeof *P->pid, "processes"), "processes");
            P->head = xrealloc(P->head, xmul(cap, sizeof *P->head, "processes"), "processes");
            P->n = xrealloc(P->n, xmul(cap, sizeof *P->n, "processes"), "processes");
            P->val = xrealloc(P->val, xmul(cap, sizeof *P->val, "processes"), "processes");
            P->flag = xrealloc(P->flag, cap, "processes");
            P->cap = cap;
        }
        s = P->nslots++;
        P->pid[s] = pid;
        P->head[s] = PFN_NONE;
        P->n[s] = 0;
        P->val[s] = 0;
        P->flag[s] = 0;
        u64map_put(&P->slot_of, pid, s);
    }
    P->last_pid = pid;
    P->last_slot = s;
    return s;
}

/* Appends frame p (on no list) to the tail of slot s's list. */
static inline void repl_procs_push(repl_procs_t *P, uint32_t s, pfn_t p)
{
    assert(p < P->nframes && P->on[p] == REPL_PROCS_NONE && s < P->nslots);
    pfn_t h = P->head[s];
    if (h == PFN_NONE) {
        P->next[p] = P->prev[p] = p;
        P->head[s] = p;
    } else {
        pfn_t t = P->prev[h];
        P->next[p] = h;
        P->prev[p] = t;
        P->next[t] = p;
        P->prev[h] = p;
    }
    P->on[p] = s;
    P->n[s]++;
}

/* Takes frame p off its list, if it is on one. */
static inline void repl_procs_unlink(repl_procs_t *P, pfn_t p)
{
    uint32_t s = P->on[p];
    if (s == REPL_PROCS_NONE)
        return;
    if (P->n[s] == 1) {
        P->head[s] = PFN_NONE;
    } else {
        pfn_t a = P->prev[p], b = P->next[p];
        P->next[a] = b;
        P->prev[b] = a;
        if (P->head[s] == p)
            P->head[s] = b;
    }
    P->next[p] = P->prev[p] = PFN_NONE;
    P->on[p] = REPL_PROCS_NONE;
    P->n[s]--;
}

/* Moves frame p to the tail of slot s's list (from whichever list it is on). */
static inline void repl_procs_move(repl_procs_t *P, uint32_t s, pfn_t p)
{
    if (P->on[p] == s && P->prev[P->head[s]] == p)
        return;                                  /* already the tail */
    if (P->on[p] == s && P->head[s] == p) {
        P->head[s] = P->next[p];                 /* rotating the circle is enough */
        return;
    }
    repl_procs_unlink(P, p);
    repl_procs_push(P, s, p);
}

/* The usual `want` of repl_procs_check: the frames set in the bitmap arg (the engine's
 * tracked frames, as the policy's check hook is given them). */
static inline int repl_procs_want_bit(const void *arg, pfn_t p)
{
    return repl_bit(arg, p);
}

/* 0 if every list is well formed and the frames on lists are exactly those `want` says
 * (want(arg, p): 1 if p should be on a list). O(frames + processes). */
static inline int repl_procs_check(const repl_procs_t *P, int (*want)(const void *arg, pfn_t p), const void *arg)
{
    uint64_t total = 0;
    for (pfn_t p = 0; p < P->nframes; p++) {
        int on = P->on[p] != REPL_PROCS_NONE;
        if (on != want(arg, p) || (on && P->on[p] >= P->nslots))
            return -1;
        total += on;
    }
    uint64_t sum = 0;
    for (uint32_t s = 0; s < P->nslots; s++) {
        sum += P->n[s];
        pfn_t x = P->head[s];
        if ((x == PFN_NONE) != (P->n[s] == 0))
            return -1;
        for (uint32_t i = 0; i < P->n[s]; i++) {
            if (x >= P->nframes || P->on[x] != s || P->prev[P->next[x]] != x)
                return -1;
            x = P->next[x];
            if ((x == P->head[s]) != (i == P->n[s] - 1))
                return -1;
        }
    }
    return sum == total ? 0 : -1;
}

#endif
