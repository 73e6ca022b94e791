/* stats.h - counters' JSON form, the timeline, latency histograms (stats.c). */
#ifndef PAGESIM_STATS_H
#define PAGESIM_STATS_H

#include <jansson.h>
#include "sim.h"

void    stats_init(sim_t *s);
void    stats_free(sim_t *s);
void    stats_interval(sim_t *s);        /* one timeline sample: the intervals due just ended */
uint64_t stats_intervals_due(const sim_t *s);   /* intervals until the next sample is needed */
json_t *stats_json(const sim_t *s);

#endif
