/* device.c - block devices (swap, file): FCFS queues over channels with a service-time model.
 *
 * Why closed-form instead of events: requests are served first-come first-served, and a
 * request's service time depends only on the model, on the requests submitted before it (the
 * HDD head position) and on the run's rng drawn in submission order. So when a request is
 * submitted we already know when it starts (the earliest a channel is free, or now) and when
 * it completes; dev_submit() returns that time and the engine schedules one event only where
 * something waits for it. Cost per request: O(channels) to pick a channel (channels is small)
 * plus O(log q) for the heap of outstanding completions (q = requests in the device); a
 * one-page request to a fixed or ssd device reuses its service time (no floating point, no
 * llround: about 40 instructions of the 130 a request cost on the large-footprint workload).
 *
 * Models (all times integer picoseconds; service times are computed in double and rounded
 * once with llround, so the same spec and seed give the same times bit for bit):
 *   fixed  service = latency(op) + npages * page_bytes / bandwidth; one channel.
 *   ssd    the same formula per channel; a request goes to the channel that is free the
 *          earliest (ties: the lowest index), so up to `channels` requests overlap. Flash
 *          parallelism across channels is the first-order effect in SSD models (Agrawal et
 *          al., "Design Tradeoffs for SSD Performance", USENIX ATC 2008); we model no
 *          garbage collection or write amplification.
 *   hdd    service = seek + rotation + transfer, one channel (one arm). The head sits at the
 *          block after the end of the previous request. Distance d = |block - head| pages:
 *          d == 0 (a sequential request) pays neither seek nor rotation; otherwise
 *          seek = seek_min + (seek_max - seek_min) * sqrt(d / blocks) and rotation is uniform
 *          in [0, 60/rpm) drawn with gsl_rng_uniform from the run's rng. The square-root
 *          curve is the short-seek regime of Ruemmler & Wilkes, "An introduction to disk
 *          drive modeling", IEEE Computer 27(3), 1994 (they add a linear regime for long
 *          seeks; one curve from track-to-track to full stroke is the common simplification).
 *          Distances beyond the capacity count as a full stroke. So random access costs
 *          milliseconds per request while a sequential stream runs at the media rate.
 * Bandwidths are bytes/s with the spec's binary suffixes: "500M" is 500 * 2^20 bytes/s.
 *
 * Statistics: the queue length (requests in the device, waiting or in service) is sampled
 * exactly at each submission from a min-heap of outstanding completion times; its time
 * average over [0, end] is, by Little's law, the sum of every request's time in the device
 * divided by end (the part of a request that lies beyond end is cut off, likewise for busy
 * time, so utilization never exceeds 1 when stats are taken while requests are in flight).
 */
#include "device.h"
#include "sim/base/xalloc.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/hist.h"
#include "sim/base/spec.h"

typedef enum dev_model { MODEL_FIXED, MODEL_SSD, MODEL_HDD } dev_model_t;

/* An outstanding request: when it completes, and when it was submitted and started (for
 * cutting its time at the stats horizon). Ordered by completion in a binary min-heap. */
typedef struct pending {
    sim_time_t complete, submit, start;
} pending_t;

struct device {
    char name[32];
    dev_model_t model;
    gsl_rng *rng;
    uint32_t page_bytes;

    /* Parameters (effective values). */
    sim_time_t read_lat, write_lat;   /* fixed, ssd */
    double bandwidth;                 /* bytes/s, per channel */
    uint32_t channels;
    sim_time_t seek_min, seek_max;    /* hdd */
    long long rpm;
    uint64_t blocks;

    /* State. */
    sim_time_t *chan_free;            /* when each channel finishes its last request */
    sim_time_t svc1[2];               /* fixed, ssd: a one-page request's service time by op
                                         (dev_service_time's, computed at its first use); 0: not yet */
    uint64_t head;                    /* hdd: block after the previous request */
    sim_time_t last_now;
    pending_t *heap;
    size_t heap_n, heap_cap;

    /* Statistics (times in ps). */
    uint64_t n_requests, n_reads, n_writes, n_pages;
    sim_time_t busy, resident, wait_sum, wait_max;
    size_t queue_max;
    hist_t *service_ns;
};

static const char *const fixed_keys[] = {"latency", "read_latency", "write_latency", "bandwidth", NULL};
static const char *const ssd_keys[] = {"read_latency", "write_latency", "channels", "bandwidth", NULL};
static const char *const hdd_keys[] = {"seek_min", "seek_max", "rpm", "bandwidth", "blocks", NULL};

static const struct {
    const char *name;
    dev_model_t model;
    const char *const *keys;
    int draws;                    /* its service times draw from the run's rng (dev_draws) */
} models[] = {
    {"fixed", MODEL_FIXED, fixed_keys, 0},
    {"ssd", MODEL_SSD, ssd_keys, 0},
    {"hdd", MODEL_HDD, hdd_keys, 1},   /* the rotational delay */
};
#define NMODELS (sizeof models / sizeof models[0])

#define MB (1024.0 * 1024.0)

/* Reads the model's parameters into d; -1 with msg on a bad value. */
static int dev_read_params(device_t *d, const json_t *p, sim_err_t *msg)
{
    long long ll;
    switch (d->model) {
    case MODEL_FIXED: {
        sim_time_t lat;
        if (spec_time(p, "latency", 100 * PS_PER_US, &lat, msg) ||
            spec_time(p, "read_latency", lat, &d->read_lat, msg) ||
            spec_time(p, "write_latency", lat, &d->write_lat, msg) ||
            spec_bandwidth(p, "bandwidth", 500 * MB, &d->bandwidth, msg))
            return -1;
        d->channels = 1;
        return 0;
    }
    case MODEL_SSD:
        if (spec_time(p, "read_latency", 50 * PS_PER_US, &d->read_lat, msg) ||
            spec_time(p, "write_latency", 200 * PS_PER_US, &d->write_lat, msg) ||
            spec_bandwidth(p, "bandwidth", 400 * MB, &d->bandwidth, msg) ||
            spec_int(p, "channels", 4, &ll, msg))
            return -1;
        if (ll < 1 || ll > 4096)
            return sim_err_set(msg, SIM_EINPUT, "parameter 'channels' must be 1..4096, not %lld", ll);
        d->channels = (uint32_t)ll;
        return 0;
    case MODEL_HDD:
        if (spec_time(p, "seek_min", 500 * PS_PER_US, &d->seek_min, msg) ||
            spec_time(p, "seek_max", 10 * PS_PER_MS, &d->seek_max, msg) ||
            spec_bandwidth(p, "bandwidth", 150 * MB, &d->bandwidth, msg) ||
            spec_int(p, "rpm", 7200, &d->rpm, msg) ||
            spec_int(p, "blocks", 1LL << 26, &ll, msg))
            return -1;
        if (d->seek_min > d->seek_max)
            return sim_err_set(msg, SIM_EINPUT, "seek_min must not exceed seek_max");
        if (d->rpm < 1 || d->rpm > 1000000)
            return sim_err_set(msg, SIM_EINPUT, "parameter 'rpm' must be 1..1000000, not %lld", d->rpm);
        if (ll < 1)
            return sim_err_set(msg, SIM_EINPUT, "parameter 'blocks' must be at least 1, not %lld", ll);
        d->blocks = (uint64_t)ll;
        d->channels = 1;
        return 0;
    }
    assert(0);
    return -1;
}

device_t *dev_create(const char *name, const char *spec, gsl_rng *rng, uint32_t page_bytes, sim_err_t *err)
{
    char model[32];
    json_t *params = NULL;
    assert(name && spec && page_bytes > 0);
    if (spec_parse(spec, model, sizeof model, &params, err)) {
        sim_err_prefix(err, "%s device: ", name);
        return NULL;
    }
    size_t m = 0;
    while (m < NMODELS && strcmp(models[m].name, model))
        m++;
    if (m == NMODELS) {
        char known[256] = "";
        for (size_t i = 0, n = 0; i < NMODELS && n < sizeof known; i++)
            n += (size_t)snprintf(known + n, sizeof known - n, " %s", models[i].name);
        sim_err_set(err, SIM_EINPUT, "%s device: unknown model '%s' (known:%s)", name, model, known);
        json_decref(params);
        return NULL;
    }
    device_t *d = xcalloc(1, sizeof *d, "a device");
    snprintf(d->name, sizeof d->name, "%s", name);
    d->model = models[m].model;
    d->rng = rng;
    d->page_bytes = page_bytes;
    char what[64];
    snprintf(what, sizeof what, "model %s", models[m].name);
    if (spec_only(params, models[m].keys, what, err) || dev_read_params(d, params, err)) {
        sim_err_prefix(err, "%s device: ", name);
        json_decref(params);
        free(d);
        return NULL;
    }
    json_decref(params);
    assert(d->model != MODEL_HDD || rng);   /* the engine always passes the run's rng */
    d->chan_free = xcalloc(d->channels, sizeof *d->chan_free, "a device");
    d->heap_cap = 16;
    d->heap = xcalloc(d->heap_cap, sizeof *d->heap, "a device queue");
    d->service_ns = hist_new();
    return d;
}

int dev_draws(const device_t *d)
{
    for (size_t m = 0; m < NMODELS; m++)
        if (models[m].model == d->model)
            return models[m].draws;
    return 1;
}

void dev_free(device_t *d)
{
    if (!d)
        return;
    hist_free(d->service_ns);
    free(d->heap);
    free(d->chan_free);
    free(d);
}

static void dev_heap_push(device_t *d, pending_t p)
{
    if (d->heap_n == d->heap_cap) {
        d->heap_cap *= 2;
        d->heap = xrealloc(d->heap, xmul(d->heap_cap, sizeof *d->heap, "a device queue"), "a device queue");
    }
    size_t i = d->heap_n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (d->heap[parent].complete <= p.complete)
            break;
        d->heap[i] = d->heap[parent];
        i = parent;
    }
    d->heap[i] = p;
}

static void dev_heap_pop(device_t *d)
{
    assert(d->heap_n > 0);
    pending_t last = d->heap[--d->heap_n];
    size_t i = 0, n = d->heap_n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && d->heap[c + 1].complete < d->heap[c].complete)
            c++;
        if (last.complete <= d->heap[c].complete)
            break;
        d->heap[i] = d->heap[c];
        i = c;
    }
    if (n)
        d->heap[i] = last;
}

/* Service time in ps of a request starting with the device in its current state; moves the
 * HDD head and draws from the rng where the model says so. */
static sim_time_t dev_service_time(device_t *d, dev_op_t op, uint64_t block, uint32_t npages)
{
    double transfer = (double)npages * (double)d->page_bytes / d->bandwidth * (double)PS_PER_S;
    double t;
    if (d->model == MODEL_HDD) {
        uint64_t dist = block > d->head ? block - d->head : d->head - block;
        t = transfer;
        if (dist) {
            double frac = (double)dist / (double)d->blocks;
            if (frac > 1)
                frac = 1;
            t += (double)d->seek_min + (double)(d->seek_max - d->seek_min) * sqrt(frac);
            t += gsl_rng_uniform(d->rng) * 60.0 / (double)d->rpm * (double)PS_PER_S;
        }
        d->head = block + npages;
    } else {
        t = (double)(op == DEV_WRITE ? d->write_lat : d->read_lat) + transfer;
    }
    /* llround of a value past 2^63 is undefined: say "too late" instead (dev_submit). */
    return t >= (double)SIM_TIME_LIMIT ? SIM_TIME_LIMIT : (sim_time_t)llround(t);
}

sim_time_t dev_submit(device_t *d, sim_time_t now, dev_op_t op, uint64_t block, uint32_t npages)
{
    assert(npages > 0);
    /* With several CPUs, each running ahead by at most a small slice, a request may be
     * submitted with a clock slightly behind the previous one's: it arrives at the device
     * no earlier than that one (FCFS order is submission order). */
    if (now < d->last_now)
        now = d->last_now;
    d->last_now = now;

    /* Requests that have left by now no longer count in the queue. */
    while (d->heap_n && d->heap[0].complete <= now)
        dev_heap_pop(d);

    uint32_t c = 0;
    for (uint32_t i = 1; i < d->channels; i++)
        if (d->chan_free[i] < d->chan_free[c])
            c = i;
    sim_time_t start = d->chan_free[c] > now ? d->chan_free[c] : now;
    sim_time_t svc;
    if (d->model != MODEL_HDD && npages == 1 && d->svc1[op]) {
        svc = d->svc1[op];                  /* the same formula on the same values: no FP */
    } else {
        svc = dev_service_time(d, op, block, npages);
        if (d->model != MODEL_HDD && npages == 1)
            d->svc1[op] = svc;
    }
    sim_time_t done;
    if (ck_add_u64(start, svc, &done) || done >= SIM_TIME_LIMIT)
        xtrap_throw(SIM_EINPUT, "%s device: a request would complete after 2^63 ps (about 106 days) of "
                    "simulated time: its latency or bandwidth (--%s-dev) is too extreme for this trace",
                    d->name, d->name);
    d->chan_free[c] = done;

    dev_heap_push(d, (pending_t){done, now, start});
    if (d->heap_n > d->queue_max)
        d->queue_max = d->heap_n;

    d->n_requests++;
    if (op == DEV_WRITE)
        d->n_writes++;
    else
        d->n_reads++;
    d->n_pages += npages;
    /* Sums over requests that may overlap (channels): checked like the completion times. */
    if (ck_add_u64(d->busy, svc, &d->busy) || ck_add_u64(d->resident, done - now, &d->resident) ||
        ck_add_u64(d->wait_sum, start - now, &d->wait_sum))
        xtrap_throw(SIM_EINPUT, "%s device: its busy and queueing times add up past 2^64 ps: its latency "
                    "(--%s-dev) is too extreme for this trace", d->name, d->name);
    if (start - now > d->wait_max)
        d->wait_max = start - now;
    hist_add(d->service_ns, (double)svc / (double)PS_PER_NS);
    return done;
}

static double dev_ns(sim_time_t ps) { return (double)ps / (double)PS_PER_NS; }

json_t *dev_config_json(const device_t *d)
{
    switch (d->model) {
    case MODEL_FIXED:
        return json_pack("{s:s,s:f,s:f,s:f}", "model", "fixed", "read_latency_ns", dev_ns(d->read_lat),
                         "write_latency_ns", dev_ns(d->write_lat), "bandwidth", d->bandwidth);
    case MODEL_SSD:
        return json_pack("{s:s,s:f,s:f,s:I,s:f}", "model", "ssd", "read_latency_ns", dev_ns(d->read_lat),
                         "write_latency_ns", dev_ns(d->write_lat), "channels", (json_int_t)d->channels,
                         "bandwidth", d->bandwidth);
    case MODEL_HDD:
        return json_pack("{s:s,s:f,s:f,s:I,s:f,s:I}", "model", "hdd", "seek_min_ns", dev_ns(d->seek_min),
                         "seek_max_ns", dev_ns(d->seek_max), "rpm", (json_int_t)d->rpm,
                         "bandwidth", d->bandwidth, "blocks", (json_int_t)d->blocks);
    }
    assert(0);
    return NULL;
}

json_t *dev_stats_json(const device_t *d, sim_time_t end)
{
    /* Cut off what lies beyond end. Every request still in the heap completes after the last
     * submission; those completing after end are exactly the ones to trim (when end is at or
     * after the last submission, as at the end of a run). */
    sim_time_t busy = d->busy, resident = d->resident;
    for (size_t i = 0; i < d->heap_n; i++) {
        const pending_t *p = &d->heap[i];
        if (p->complete <= end)
            continue;
        resident -= p->complete - (p->submit > end ? p->submit : end);
        busy -= p->complete - (p->start > end ? p->start : end);
    }
    double util = end ? (double)busy / ((double)end * d->channels) : 0;
    double qmean = end ? (double)resident / (double)end : 0;
    double wmean = d->n_requests ? dev_ns(d->wait_sum) / (double)d->n_requests : 0;
    return json_pack("{s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:I,s:{s:f,s:f},s:o}",
                     "requests", (json_int_t)d->n_requests, "reads", (json_int_t)d->n_reads,
                     "writes", (json_int_t)d->n_writes, "pages", (json_int_t)d->n_pages,
                     "busy_ns", dev_ns(busy), "utilization", util, "queue_mean", qmean,
                     "queue_max", (json_int_t)d->queue_max,
                     "wait_ns", "mean", wmean, "max", dev_ns(d->wait_max),
                     "service_ns", hist_json(d->service_ns));
}
