/* device.h - block devices (swap, file) as queues with a service-time model.
 *
 * A device serves requests first-come first-served on one or more channels. Because the
 * order is FCFS and the service time of a request depends only on the requests before it
 * (and, for the HDD, on the run's rng drawn in submission order), the completion time is
 * known when the request is submitted: dev_submit() returns it and the engine queues an
 * event for it only where something waits asynchronously. No event per request inside.
 *
 * Models (spec "MODEL:key=value,..." with TIME values in ps/ns/us/ms/s, sizes K/M/G):
 *   fixed  read_latency, write_latency (or latency for both), bandwidth
 *   ssd    read_latency, write_latency, channels, bandwidth (per channel)
 *   hdd    seek_min, seek_max (full stroke), rpm, bandwidth, blocks (capacity in pages)
 */
#ifndef PAGESIM_DEVICE_H
#define PAGESIM_DEVICE_H

#include <gsl/gsl_rng.h>
#include <jansson.h>
#include "sim/base/err.h"
#include "sim/base/types.h"

typedef enum dev_op { DEV_READ = 0, DEV_WRITE = 1 } dev_op_t;

typedef struct device device_t;

/* spec as above; rng is the run's (used by hdd); page_bytes is the transfer unit.
 * NULL with err ("NAME device: ...") on a bad spec. */
device_t *dev_create(const char *name, const char *spec, gsl_rng *rng, uint32_t page_bytes, sim_err_t *err);
void dev_free(device_t *d);
/* Whether the device's service times draw from the run's rng (hdd: the rotational delay), so
 * that its results depend on the seed. */
int dev_draws(const device_t *d);

/* Submits a request for npages consecutive pages from block (page-sized units) at time now
 * (a now earlier than the previous call's is taken as that time: FCFS is submission order).
 * Returns when it completes. */
sim_time_t dev_submit(device_t *d, sim_time_t now, dev_op_t op, uint64_t block, uint32_t npages);

/* The effective spec with every parameter, for the results' config echo. */
json_t *dev_config_json(const device_t *d);
/* Statistics up to time end: requests, reads, writes, pages, busy_ns, utilization
 * (busy time / end / channels), queue_mean (time-average of requests in the device,
 * waiting or in service), queue_max, wait_ns {mean,max}, service_ns {mean,p50,p90,p99,max}. */
json_t *dev_stats_json(const device_t *d, sim_time_t end);

#endif
