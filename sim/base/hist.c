/* hist.c - log-binned latency histograms on GSL (see hist.h).
 *
 * Latencies in a paging simulator span nine decades (a 0.5 ns TLB hit to a 10 ms disk
 * seek), so bins are log-spaced: 48 per decade from 1e-3 to 1e13, with bin 0 holding
 * everything below 1e-3. A percentile is interpolated linearly inside its bin and clamped
 * to the exact minimum and maximum (so a constant sample gives exact percentiles).
 *
 * Cost: O(1) per sample, no search (a fault adds one or two samples, so this is on the
 * fault path: GSL's gsl_histogram_increment binary-searches the 769 edges, about 110
 * instructions a sample). The sample's binary exponent and the top LUT_BITS bits of its
 * mantissa index a table of the bin holding each such sub-octave's lower end; a sub-octave
 * (1/64 of an octave) is narrower than a bin (1/48 of a decade = 1/14.4 of an octave), so
 * at most one edge falls inside it, and one compare with the GSL histogram's own edge finds
 * the bin: the same bin GSL's search gives, for every double (tests/test_hist.c checks it
 * against gsl_histogram_find). The table is 55 octaves x 64 = 3.5k entries (7 KiB). A sample
 * equal to the one before reuses its bin (a fault of one kind and no queueing always takes
 * the same time). */
#include "hist.h"
#include "xalloc.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_histogram.h>

#define PER_DECADE 48
#define LO_EXP (-3)
#define HI_EXP 13
#define NBINS (1 + PER_DECADE * (HI_EXP - LO_EXP))
/* Binary exponents of the table: 2^-10 < 1e-3 (the first edge) and 2^44 > 1e13 (the last). */
#define LUT_BITS 6
#define LUT_EMIN (-10)
#define LUT_EMAX 44
#define LUT_N ((LUT_EMAX - LUT_EMIN + 1) << LUT_BITS)

struct hist {
    gsl_histogram *h;
    uint64_t n;
    double sum, min, max;
    double last_v;            /* the last sample added and its bin: faults of one kind */
    size_t last_bin;          /* often take the same time, so a repeat skips the search */
    uint16_t lut[LUT_N];      /* sub-octave -> the bin holding its lower end */
};

/* The sub-octave of v > 0 (normal, 2^LUT_EMIN <= v < 2^(LUT_EMAX+1)): the exponent and the
 * mantissa's top bits, read from the representation (frexp is a call). */
static inline uint32_t lut_index(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    int e = (int)((b >> 52) & 0x7ff) - 1023;
    return (uint32_t)(e - LUT_EMIN) << LUT_BITS | ((uint32_t)(b >> (52 - LUT_BITS)) & ((1u << LUT_BITS) - 1));
}

/* The bin GSL's search would give for v (range[i] <= v < range[i + 1]; v below the top). */
static inline size_t bin_of(const hist_t *h, double v)
{
    const double *r = h->h->range;
    if (!(v >= r[1]))                 /* below the first log edge (and 0, subnormals) */
        return 0;
    size_t i = h->lut[lut_index(v)];
    return v >= r[i + 1] ? i + 1 : i;
}

hist_t *hist_new(void)
{
    hist_t *h = xcalloc(1, sizeof *h, "a histogram");
    h->h = gsl_histogram_alloc(NBINS);
    if (!h->h) {
        free(h);
        xtrap_throw(SIM_ESYS, "out of memory (a histogram of %d bins)", NBINS);
    }
    double r[NBINS + 1];
    r[0] = 0;
    for (int i = 0; i < NBINS; i++)
        r[i + 1] = pow(10.0, LO_EXP + (double)i / PER_DECADE);
    gsl_histogram_set_ranges(h->h, r, NBINS + 1);
    /* The bin of each sub-octave's lower end, by the edges as GSL holds them: the ends rise
     * with k, so one walk up the edges (O(LUT_N + NBINS), once). */
    size_t i = 0;
    for (uint32_t k = 0; k < LUT_N; k++) {
        double lo = ldexp(1.0 + (double)(k & ((1u << LUT_BITS) - 1)) / (1 << LUT_BITS),
                          (int)(k >> LUT_BITS) + LUT_EMIN);
        while (i < NBINS - 1 && lo >= h->h->range[i + 1])
            i++;
        h->lut[k] = (uint16_t)i;
    }
    return h;
}

size_t hist_bin(const hist_t *h, double v)
{
    if (v < 0)
        v = 0;
    double top = h->h->range[NBINS];
    return bin_of(h, v < top ? v : nextafter(top, 0));
}

void hist_free(hist_t *h)
{
    if (!h)
        return;
    gsl_histogram_free(h->h);
    free(h);
}

void hist_add(hist_t *h, double v)
{
    if (v < 0)
        v = 0;
    if (!h->n || v != h->last_v) {
        double top = h->h->range[NBINS];
        h->last_bin = bin_of(h, v < top ? v : nextafter(top, 0));
        h->last_v = v;
    }
    h->h->bin[h->last_bin] += 1;
    if (!h->n || v < h->min)
        h->min = v;
    h->n++;
    h->sum += v;
    if (v > h->max)
        h->max = v;
}

uint64_t hist_count(const hist_t *h) { return h->n; }
double hist_mean(const hist_t *h) { return h->n ? h->sum / (double)h->n : 0; }
double hist_max(const hist_t *h) { return h->max; }

double hist_quantile(const hist_t *h, double q)
{
    if (!h->n)
        return 0;
    double want = q * (double)h->n, cum = 0;
    for (size_t i = 0; i < NBINS; i++) {
        double c = h->h->bin[i];
        if (c > 0 && cum + c >= want) {
            double lo = h->h->range[i], hi = h->h->range[i + 1];
            double v = lo + (hi - lo) * ((want - cum) / c);
            /* Interpolation within a bin can stray past the exact extremes: clamp to them. */
            return v > h->max ? h->max : v < h->min ? h->min : v;
        }
        cum += c;
    }
    return h->max;
}

json_t *hist_json(const hist_t *h)
{
    return json_pack("{s:I,s:f,s:f,s:f,s:f,s:f}", "count", (json_int_t)h->n, "mean", hist_mean(h),
                     "p50", hist_quantile(h, 0.50), "p90", hist_quantile(h, 0.90),
                     "p99", hist_quantile(h, 0.99), "max", h->max);
}

void hist_merge(hist_t *dst, const hist_t *src)
{
    for (size_t i = 0; i < NBINS; i++)
        dst->h->bin[i] += src->h->bin[i];
    if (src->n && (!dst->n || src->min < dst->min))
        dst->min = src->min;
    dst->n += src->n;
    dst->sum += src->sum;
    if (src->max > dst->max)
        dst->max = src->max;
}

json_t *hist_cdf_json(const hist_t *h)
{
    json_t *a = json_array();
    double cum = 0;
    for (size_t i = 0; i < NBINS && h->n; i++) {
        if (h->h->bin[i] <= 0)
            continue;
        cum += h->h->bin[i];
        double hi = h->h->range[i + 1];
        json_array_append_new(a, json_pack("[f,f]", hi < h->max ? hi : h->max, cum / (double)h->n));
    }
    return a;
}
