/* event.h - the event queue: a binary min-heap ordered by (when, seq).
 * The sequence number makes ties deterministic (first scheduled, first run) without ever
 * comparing pointers, so the same input gives the same order on every machine. */
#ifndef PAGESIM_EVENT_H
#define PAGESIM_EVENT_H

#include "types.h"

typedef enum ev_kind {
    EV_IO_DONE = 1,     /* a blocked process's I/O completed: a = index of the process */
    EV_RECLAIM,         /* background reclaimer wakes */
    EV_WRITEBACK,       /* a (background) write-back completed: a = frame to free */
    EV_TEST,            /* used by unit tests */
    EV_TIMER,           /* the replacement policy's timer (policies/repl.h): b = its arming */
} ev_kind_t;

typedef struct event {
    sim_time_t when;
    uint64_t   seq;
    uint32_t   kind;    /* ev_kind_t */
    uint32_t   a;       /* kind-specific */
    uint64_t   b;       /* kind-specific */
} event_t;

typedef struct evq {
    event_t *heap;
    size_t n, cap;
    uint64_t next_seq;
} evq_t;

void evq_init(evq_t *q);
void evq_free(evq_t *q);
/* Schedules an event; returns its sequence number. */
uint64_t evq_push(evq_t *q, sim_time_t when, uint32_t kind, uint32_t a, uint64_t b);
/* Earliest event's time, or SIM_TIME_MAX when empty. */
static inline sim_time_t evq_next_time(const evq_t *q) { return q->n ? q->heap[0].when : SIM_TIME_MAX; }
/* Removes the earliest event into *e; 0 if empty. */
int evq_pop(evq_t *q, event_t *e);
/* Removes every event matching kind and a; returns how many. O(n). */
size_t evq_cancel(evq_t *q, uint32_t kind, uint32_t a);

#endif
