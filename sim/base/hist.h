/* hist.h - latency distributions: exact count, mean and max; percentiles from a GSL
 * histogram with log-spaced bins (1/48 of a decade, so within about 5% of the true value).
 * Memory is constant however many samples are added. */
#ifndef PAGESIM_HIST_H
#define PAGESIM_HIST_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef struct hist hist_t;

hist_t *hist_new(void);
void    hist_free(hist_t *h);
void    hist_add(hist_t *h, double v);        /* v >= 0, e.g. nanoseconds; O(1) */
/* The bin hist_add counts v in, the one gsl_histogram_find gives over the same edges (for
 * tests: the edges are 0, then 10^(-3 + i/48) for i = 0..768). */
size_t  hist_bin(const hist_t *h, double v);
uint64_t hist_count(const hist_t *h);
double  hist_mean(const hist_t *h);
double  hist_max(const hist_t *h);
double  hist_quantile(const hist_t *h, double q);   /* 0 <= q <= 1; 0 when empty */
/* {"count", "mean", "p50", "p90", "p99", "max"} */
json_t *hist_json(const hist_t *h);
/* Adds every sample of src into dst (both from hist_new). */
void    hist_merge(hist_t *dst, const hist_t *src);
/* Cumulative distribution as [[value, fraction], ...] over the non-empty bins (for CDF plots). */
json_t *hist_cdf_json(const hist_t *h);

#endif
