/* test_device.c - device models: exact completion times, channel parallelism, HDD seek and
 * rotation, determinism, queue statistics on a hand-computed case, and bad specs.
 *
 * Hand arithmetic used below (page = 4096 bytes; "M"/"G" are powers of 1024):
 *   fixed default: 100us + 4096 / (500 * 2^20) s = 100us + 7.8125us = 107812500 ps.
 *   ssd default read: 50us + 4096 / (400 * 2^20) s = 50us + 9.765625us = 59765625 ps;
 *                write: 200us + 9.765625us = 209765625 ps.
 *   hdd default transfer: 4096 / (150 * 2^20) s = 26041.666.. ns -> 26041667 ps.
 *   bandwidth=4096000000 (bytes/s) moves one page in exactly 1us.
 */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>

#include "check.h"
#include "sim/device.h"
#include "sim/base/spec.h"
#include "sim/base/xalloc.h"

#define US PS_PER_US
#define MS PS_PER_MS

static gsl_rng *rng_new(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

static device_t *mk(const char *spec, gsl_rng *r)
{
    sim_err_t err = {0};
    device_t *d = dev_create("swap", spec, r, 4096, &err);
    if (!d)
        fprintf(stderr, "dev_create(%s): %s\n", spec, err.msg);
    CHECK(d != NULL);
    return d;
}

static double jnum(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static int near(double a, double b) { return fabs(a - b) <= 1e-9 * (fabs(b) + 1); }

static void test_fixed(void)
{
    device_t *d = mk("fixed", NULL);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 7, 1), 107812500);
    dev_free(d);

    /* Two requests at once queue: the second starts when the first ends. */
    d = mk("fixed", NULL);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 0, 1), 107812500);
    CHECK_EQ(dev_submit(d, 0, DEV_WRITE, 100, 1), 2 * 107812500ULL);
    /* A request after the device went idle starts at once. */
    CHECK_EQ(dev_submit(d, 1 * MS, DEV_READ, 0, 1), 1 * MS + 107812500);
    dev_free(d);

    /* latency sets both; a specific one overrides it. */
    d = mk("fixed:latency=1ms,write_latency=5us,bandwidth=4096000000", NULL);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 0, 1), 1 * MS + 1 * US);
    CHECK_EQ(dev_submit(d, 10 * MS, DEV_WRITE, 0, 3), 10 * MS + 5 * US + 3 * US);
    dev_free(d);

    /* Rounding happens once per request: 2 pages at 1G is 7629394.53125 ps -> 7629395,
     * not twice the rounded one-page time (2 * 3814697). */
    d = mk("fixed:latency=10us,bandwidth=1G", NULL);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 0, 1), 10 * US + 3814697);
    CHECK_EQ(dev_submit(d, 1 * MS, DEV_READ, 0, 2), 1 * MS + 10 * US + 7629395);
    dev_free(d);

    /* Times in ns as bare numbers, bandwidth with B/s suffixes. */
    d = mk("fixed:read_latency=250,write_latency=1.5us,bandwidth=4000MB/s", NULL);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 0, 1), 250000 + llround(4096.0 / (4000.0 * 1048576) * 1e12));
    dev_free(d);
}

static void test_ssd(void)
{
    device_t *d = mk("ssd", NULL);
    /* Four channels serve four requests in parallel; the fifth waits for the first free. */
    for (int i = 0; i < 4; i++)
        CHECK_EQ(dev_submit(d, 0, DEV_READ, (uint64_t)i * 1000, 1), 59765625);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 9, 1), 2 * 59765625ULL);
    /* At 60us channels 1..3 are free since 59.77us and channel 0 is busy until 119.5us:
     * a write goes to channel 1 and starts at once. */
    CHECK_EQ(dev_submit(d, 60 * US, DEV_WRITE, 9, 1), 60 * US + 209765625);
    dev_free(d);

    /* Earliest-free channel, ties to the lowest index: with 2 channels, a long write on
     * channel 0 and a short read on channel 1, the next request goes to channel 1. */
    d = mk("ssd:channels=2,read_latency=10us,write_latency=100us,bandwidth=4096000000", NULL);
    CHECK_EQ(dev_submit(d, 0, DEV_WRITE, 0, 1), 101 * US);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 0, 1), 11 * US);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 0, 1), 22 * US);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 0, 1), 33 * US);
    dev_free(d);

    /* Utilization divides by the channels: 5 requests of S on 4 channels over 2S is 5/8. */
    d = mk("ssd", NULL);
    for (int i = 0; i < 5; i++)
        dev_submit(d, 0, DEV_READ, 0, 1);
    json_t *s = dev_stats_json(d, 2 * 59765625ULL);
    CHECK(near(jnum(s, "utilization"), 0.625));
    CHECK_EQ(jnum(s, "queue_max"), 5);
    /* In the device: 4 * S + 2S = 6S over 2S. */
    CHECK(near(jnum(s, "queue_mean"), 3.0));
    json_decref(s);
    dev_free(d);
}

static void test_hdd(void)
{
    /* Sequential pages from block 0 (where the head starts) pay transfer only. */
    gsl_rng *r = rng_new(1);
    device_t *d = mk("hdd", r);
    sim_time_t t = 0;
    for (uint64_t b = 0; b < 100; b++)
        t = dev_submit(d, 0, DEV_READ, b, 1);
    CHECK_EQ(t, 100 * 26041667ULL);
    /* A multi-page request leaves the head after its last page. */
    t = dev_submit(d, t, DEV_READ, 100, 8);
    sim_time_t t2 = dev_submit(d, t, DEV_READ, 108, 1);
    CHECK_EQ(t2 - t, 26041667);
    sim_time_t seq_total = t2;
    dev_free(d);
    gsl_rng_free(r);

    /* A seek over a quarter of the disk costs seek_min + (max - min) * sqrt(1/4) = 3ms here,
     * plus rotation uniform in [0, 60/60000 s = 1ms) drawn from the run's rng, plus 1us. */
    r = rng_new(42);
    gsl_rng *twin = rng_new(42);
    d = mk("hdd:seek_min=1ms,seek_max=5ms,rpm=60000,blocks=100,bandwidth=4096000000", r);
    sim_time_t done = dev_submit(d, 0, DEV_READ, 25, 1);
    double u = gsl_rng_uniform(twin);
    CHECK_EQ(done, llround(3e9 + u * 1e9 + 1e6));
    CHECK(done >= 3 * MS + 1 * US && done < 4 * MS + 1 * US);
    /* Head now at 26: block 26 is sequential, no rotation drawn. */
    CHECK_EQ(dev_submit(d, done, DEV_READ, 26, 1), done + 1 * US);
    /* Back to block 2: distance 25 again, from below. */
    sim_time_t t3 = dev_submit(d, 10 * MS, DEV_WRITE, 2, 1);
    u = gsl_rng_uniform(twin);
    CHECK_EQ(t3, 10 * MS + llround(3e9 + u * 1e9 + 1e6));
    /* Beyond the capacity counts as a full stroke: 5ms + rotation + 1us. */
    sim_time_t t4 = dev_submit(d, 20 * MS, DEV_READ, 100000, 1);
    u = gsl_rng_uniform(twin);
    CHECK_EQ(t4, 20 * MS + llround(5e9 + u * 1e9 + 1e6));
    /* A one-block distance pays exactly seek_min + (4ms * sqrt(1/100) = 0.4ms) + rotation. */
    sim_time_t t5 = dev_submit(d, 30 * MS, DEV_READ, 100002, 1);
    u = gsl_rng_uniform(twin);
    CHECK_EQ(t5, 30 * MS + llround(1.4e9 + u * 1e9 + 1e6));
    dev_free(d);
    gsl_rng_free(r);
    gsl_rng_free(twin);

    /* 100 random reads over the whole disk: each pays ~0.5..10ms seek plus ~4ms rotation,
     * so far more than 100 sequential ones (2.6ms in all). */
    r = rng_new(7);
    gsl_rng *blocks = rng_new(99);
    d = mk("hdd", r);
    sim_time_t rnd_total = 0;
    for (int i = 0; i < 100; i++)
        rnd_total = dev_submit(d, 0, DEV_READ, gsl_rng_uniform_int(blocks, 1UL << 26), 1);
    CHECK(rnd_total > 100 * seq_total);
    CHECK(rnd_total > 100 * 500 * US);               /* at least seek_min each */
    CHECK(rnd_total < 100 * (10 * MS + 8333334 * 1000ULL + 26041667));
    json_t *s = dev_stats_json(d, rnd_total);
    CHECK(near(jnum(s, "utilization"), 1.0));
    CHECK_EQ(jnum(s, "queue_max"), 100);
    json_decref(s);
    dev_free(d);
    gsl_rng_free(r);
    gsl_rng_free(blocks);
}

/* Same spec, seed and requests: the same completion times and byte-identical JSON. */
static char *run_hdd(unsigned long seed, sim_time_t *last)
{
    gsl_rng *r = rng_new(seed), *blocks = rng_new(5);
    device_t *d = mk("hdd:blocks=1000000", r);
    sim_time_t now = 0, sum = 0;
    for (int i = 0; i < 200; i++) {
        now += gsl_rng_uniform_int(blocks, 20000) * US;
        sim_time_t t = dev_submit(d, now, i % 3 ? DEV_READ : DEV_WRITE,
                                  gsl_rng_uniform_int(blocks, 1000000), 1 + i % 4);
        sum = sum * 31 + t;
    }
    *last = sum;
    json_t *s = dev_stats_json(d, now + 100 * MS);
    char *txt = json_dumps(s, JSON_SORT_KEYS);
    json_decref(s);
    dev_free(d);
    gsl_rng_free(r);
    gsl_rng_free(blocks);
    return txt;
}

static void test_determinism(void)
{
    sim_time_t a, b, c;
    char *ja = run_hdd(3, &a), *jb = run_hdd(3, &b), *jc = run_hdd(4, &c);
    CHECK_EQ(a, b);
    CHECK_STR(ja, jb);
    CHECK(a != c);   /* the rotation comes from the rng: another seed, other times */
    free(ja);
    free(jb);
    free(jc);
}

/* Service 10us (9us latency + 1us transfer). A and B at t=0 (B waits 10us), C at 30us:
 *   A: 0..10  B: 0 (start 10)..20  C: 30..40, end = 50us.
 *   busy = 30us, utilization = 30/50 = 0.6; queue_max = 2 (A and B);
 *   queue_mean = (10 + 20 + 10) / 50 = 0.8; wait mean = 10/3 us, max 10us.
 * Taken at end = 15us instead: busy = 10 + 5, utilization 1; in device 10 + 15 = 25 -> 25/15. */
static void test_stats(void)
{
    device_t *d = mk("fixed:latency=9us,bandwidth=4096000000", NULL);
    json_t *s = dev_stats_json(d, 0);
    CHECK_EQ(jnum(s, "requests"), 0);
    CHECK(jnum(s, "utilization") == 0 && jnum(s, "queue_mean") == 0);
    json_decref(s);

    CHECK_EQ(dev_submit(d, 0, DEV_READ, 0, 1), 10 * US);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 1, 1), 20 * US);

    /* At 5us: A served 5us, B waiting (nothing of its service yet), both in the device. */
    s = dev_stats_json(d, 5 * US);
    CHECK(near(jnum(s, "busy_ns"), 5000));
    CHECK(near(jnum(s, "utilization"), 1.0));
    CHECK(near(jnum(s, "queue_mean"), 2.0));
    json_decref(s);

    s = dev_stats_json(d, 15 * US);
    CHECK(near(jnum(s, "busy_ns"), 15000));
    CHECK(near(jnum(s, "utilization"), 1.0));
    CHECK(near(jnum(s, "queue_mean"), 25.0 / 15.0));
    json_decref(s);

    CHECK_EQ(dev_submit(d, 30 * US, DEV_WRITE, 2, 1), 40 * US);
    s = dev_stats_json(d, 50 * US);
    CHECK_EQ(jnum(s, "requests"), 3);
    CHECK_EQ(jnum(s, "reads"), 2);
    CHECK_EQ(jnum(s, "writes"), 1);
    CHECK_EQ(jnum(s, "pages"), 3);
    CHECK(near(jnum(s, "busy_ns"), 30000));
    CHECK(near(jnum(s, "utilization"), 0.6));
    CHECK(near(jnum(s, "queue_mean"), 0.8));
    CHECK_EQ(jnum(s, "queue_max"), 2);
    json_t *w = json_object_get(s, "wait_ns");
    CHECK(near(jnum(w, "mean"), 10000.0 / 3));
    CHECK(near(jnum(w, "max"), 10000));
    json_t *sv = json_object_get(s, "service_ns");
    CHECK_EQ(jnum(sv, "count"), 3);
    CHECK(near(jnum(sv, "mean"), 10000));
    CHECK(near(jnum(sv, "max"), 10000));
    CHECK(fabs(jnum(sv, "p50") - 10000) <= 500);   /* within a histogram bin */
    CHECK(json_object_get(sv, "p90") && json_object_get(sv, "p99"));
    CHECK_EQ(json_object_size(s), 10);
    json_decref(s);

    /* A request arriving exactly when the previous one completes does not queue behind it. */
    CHECK_EQ(dev_submit(d, 40 * US, DEV_READ, 3, 1), 50 * US);
    s = dev_stats_json(d, 50 * US);
    CHECK_EQ(jnum(s, "queue_max"), 2);
    CHECK(near(jnum(json_object_get(s, "wait_ns"), "mean"), 10000.0 / 4));
    json_decref(s);
    dev_free(d);

    /* Back to back: B arrives as A completes, so the device never holds two. */
    d = mk("fixed:latency=9us,bandwidth=4096000000", NULL);
    CHECK_EQ(dev_submit(d, 0, DEV_READ, 0, 1), 10 * US);
    CHECK_EQ(dev_submit(d, 10 * US, DEV_READ, 0, 1), 20 * US);
    s = dev_stats_json(d, 20 * US);
    CHECK_EQ(jnum(s, "queue_max"), 1);
    CHECK(near(jnum(s, "queue_mean"), 1.0));
    CHECK(near(jnum(s, "utilization"), 1.0));
    json_decref(s);
    dev_free(d);
}

static void test_config(void)
{
    device_t *d = mk("fixed:latency=1ms,write_latency=5us", NULL);
    json_t *c = dev_config_json(d);
    CHECK_STR(json_string_value(json_object_get(c, "model")), "fixed");
    CHECK(near(jnum(c, "read_latency_ns"), 1e6));
    CHECK(near(jnum(c, "write_latency_ns"), 5000));
    CHECK(near(jnum(c, "bandwidth"), 500.0 * 1048576));
    CHECK_EQ(json_object_size(c), 4);
    json_decref(c);
    dev_free(d);

    d = mk("ssd:channels=8", NULL);
    c = dev_config_json(d);
    CHECK_STR(json_string_value(json_object_get(c, "model")), "ssd");
    CHECK(near(jnum(c, "read_latency_ns"), 50000));
    CHECK(near(jnum(c, "write_latency_ns"), 200000));
    CHECK_EQ(jnum(c, "channels"), 8);
    CHECK(near(jnum(c, "bandwidth"), 400.0 * 1048576));
    json_decref(c);
    dev_free(d);

    gsl_rng *r = rng_new(1);
    d = mk("hdd:rpm=15000", r);
    c = dev_config_json(d);
    CHECK_STR(json_string_value(json_object_get(c, "model")), "hdd");
    CHECK(near(jnum(c, "seek_min_ns"), 500000));
    CHECK(near(jnum(c, "seek_max_ns"), 10000000));
    CHECK_EQ(jnum(c, "rpm"), 15000);
    CHECK(near(jnum(c, "bandwidth"), 150.0 * 1048576));
    CHECK_EQ(jnum(c, "blocks"), 1LL << 26);
    json_decref(c);
    dev_free(d);
    gsl_rng_free(r);
}

static void bad(const char *spec, const char *want1, const char *want2)
{
    sim_err_t err = {0};
    gsl_rng *r = rng_new(1);
    device_t *d = dev_create("swap", spec, r, 4096, &err);
    CHECK(d == NULL);
    if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)) || strncmp(err.msg, "swap device: ", 13))
        fprintf(stderr, "spec '%s': unexpected message '%s'\n", spec, err.msg);
    CHECK(strstr(err.msg, want1) != NULL);
    CHECK(!want2 || strstr(err.msg, want2) != NULL);
    CHECK(!strncmp(err.msg, "swap device: ", 13));
    dev_free(d);
    gsl_rng_free(r);
}

static void test_bad(void)
{
    bad("floppy", "unknown model 'floppy'", "(known: fixed ssd hdd)");
    bad("", "bad spec", NULL);
    bad("fixed:lat=1us", "'lat'", "latency read_latency write_latency bandwidth");
    bad("ssd:latency=1us", "'latency'", "read_latency");     /* fixed's key, not ssd's */
    bad("hdd:channels=2", "'channels'", "seek_min");
    bad("fixed:latency=10parsecs", "'latency' must be a time", NULL);
    bad("fixed:latency=-1us", "'latency' must be a time", NULL);
    bad("ssd:read_latency=fast", "'read_latency' must be a time", NULL);
    bad("fixed:bandwidth=0", "'bandwidth' must be a bandwidth", NULL);
    bad("fixed:bandwidth=10X", "'bandwidth' must be a bandwidth", NULL);
    bad("ssd:channels=0", "'channels' must be 1..", NULL);
    bad("ssd:channels=two", "'channels' must be an integer", NULL);
    bad("hdd:rpm=0", "'rpm'", NULL);
    bad("hdd:blocks=0", "'blocks'", NULL);
    bad("hdd:seek_min=20ms", "seek_min must not exceed seek_max", NULL);
    bad("fixed:latency", "expected key=value", NULL);
    bad("fixed:latency=1us,latency=2us", "given twice", NULL);
}

/* Submits writes to a fresh device made from spec until the checked arithmetic throws (or
 * max are done); returns how many completed. The throw must be an input error naming the
 * device and its option (want, e.g. "swap device" and "--swap-dev"). */
static int submits_before_overflow(const char *name, const char *spec, int max,
                                   const char *want_dev, const char *want_opt)
{
    sim_err_t err = {0};
    device_t *d = dev_create(name, spec, NULL, 4096, &err);
    CHECK(d != NULL);
    if (!d)
        return -1;
    xtrap_t trap;
    volatile int n = 0, thrown = 0;
    xtrap_push(&trap, &err);
    if (setjmp(trap.jb)) {
        xtrap_pop(&trap);
        thrown = 1;
        CHECK_EQ(err.kind, SIM_EINPUT);
        CHECK(strstr(err.msg, want_dev) && strstr(err.msg, want_opt));
    } else {
        sim_time_t last = 0;
        for (; n < max; n++) {
            sim_time_t t = dev_submit(d, 0, DEV_WRITE, (uint64_t)n, 1);
            CHECK(t >= last);
            last = t;
        }
        xtrap_pop(&trap);
    }
    CHECK(thrown);
    dev_free(d);
    return n;
}

/* F7: a completion past 2^63 ps is thrown as an input error naming the device's setting,
 * never a wrapped time (5000000s writes wrapped to a 1953 ns mean before). FCFS: each
 * completes 5e18 ps after the previous, so the second would pass 2^63 ps. */
static void test_overflow(void)
{
    CHECK_EQ(submits_before_overflow("swap", "fixed:latency=5000000s", 4, "swap device", "--swap-dev"), 1);
}

/* The same for the sums over overlapping requests: 20 writes of 10^6 s on 64 channels each
 * complete in time, but their queue residence adds up past 2^64 ps (19 x 10^18). */
static void test_overflow_sums(void)
{
    CHECK_EQ(submits_before_overflow("file", "ssd:write_latency=1000000s,channels=64", 20,
                                     "file device", "--file-dev"), 18);
}

int main(void)
{
    test_overflow();
    test_overflow_sums();
    test_fixed();
    test_ssd();
    test_hdd();
    test_determinism();
    test_stats();
    test_config();
    test_bad();
    return check_report("test_device");
}
