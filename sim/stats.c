/* stats.c - the counters' JSON form, the timeline, and latency distributions.
 *
 * Statistics are plain counters bumped on the paths that cause them (never scraped from
 * text) plus two GSL-backed histograms (every fault's service time, and major faults'
 * alone). The timeline takes one record per `interval` accesses (0 turns it off): O(1) per
 * interval, and at most timeline_records records, merged pairwise when full, so its size
 * is bounded whatever the trace length and interval.
 * results/README.md documents every key; the schema number changes when a key changes. */
#include "sim_int.h"
#include "loadctl.h"
#include "policy.h"
#include "stats.h"
#include "sim/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

void stats_init(sim_t *s)
{
    s->lat_fault = hist_new();
    s->lat_major = hist_new();
}

void stats_free(sim_t *s)
{
    hist_free(s->lat_fault);
    hist_free(s->lat_major);
    free(s->timeline);
}

static uint64_t faults_total(const uint64_t *n)
{
    uint64_t t = 0;
    for (int k = 0; k < FK_N; k++)
        if (k != FK_SEGV && k != FK_PROTECTION)
            t += n[k];
    return t;
}

/* At most timeline_records (config; 4096 by default) timeline records: at the cap, adjacent
 * pairs merge and each record then covers twice as many intervals (reported as
 * `timeline_interval`), so `--interval 1` on any trace keeps the timeline (and the results
 * document) within the cap, and at least half of it once the trace is longer than the cap:
 * a sweep's default (--interval 1, timeline_records 256) gives every run 128 to 256 points.
 * A record filling over several intervals needs no sample in between (its deltas add up, its
 * resident set and time are the last one's), so stats_intervals_due tells the schedule to
 * come back when it is full: per reference this costs one compare at any interval. */
uint64_t stats_intervals_due(const sim_t *s)
{
    return s->ntimeline && s->tl_in_last < s->tl_per_rec ? s->tl_per_rec - s->tl_in_last : 1;
}

void stats_interval(sim_t *s)
{
    uint64_t faults = faults_total(s->n_faults);
    sim_time_t now = 0;
    for (uint32_t i = 0; i < s->ncpus; i++)
        if (s->cpus[i].clock > now)
            now = s->cpus[i].clock;
    cpu_clock_check(s, now);
    timeline_rec_t rec = {
        .refs = s->n_access - s->tl_refs, .faults = faults - s->tl_faults,
        .evictions = s->n_evict - s->tl_evict, .resident = s->resident, .t = now,
    };
    s->tl_refs = s->n_access;
    s->tl_faults = faults;
    s->tl_evict = s->n_evict;
    if (!s->tl_per_rec)
        s->tl_per_rec = 1;
    if (s->ntimeline && s->tl_in_last < s->tl_per_rec) {   /* the last record is still filling */
        timeline_rec_t *l = &s->timeline[s->ntimeline - 1];
        l->refs += rec.refs;
        l->faults += rec.faults;
        l->evictions += rec.evictions;
        l->resident = rec.resident;
        l->t = rec.t;
        s->tl_in_last = s->tl_per_rec;   /* (the schedule came back when it was full) */
        return;
    }
    if (s->ntimeline == s->tl_max) {   /* full: merge pairs, double the interval */
        for (size_t i = 0; i < s->ntimeline / 2; i++) {
            timeline_rec_t a = s->timeline[2 * i], b = s->timeline[2 * i + 1];
            s->timeline[i] = (timeline_rec_t){.refs = a.refs + b.refs, .faults = a.faults + b.faults,
                .evictions = a.evictions + b.evictions, .resident = b.resident, .t = b.t};
        }
        s->ntimeline /= 2;
        s->tl_per_rec *= 2;
    }
    if (s->ntimeline == s->captimeline) {
        size_t cap = s->captimeline ? 2 * s->captimeline : 64;
        s->timeline = xrealloc(s->timeline, xmul(cap, sizeof *s->timeline, "the timeline"), "the timeline");
        s->captimeline = cap;
    }
    s->timeline[s->ntimeline++] = rec;
    s->tl_in_last = 1;
}

static json_t *faults_json(const uint64_t *n)
{
    json_t *o = json_object();
    uint64_t major = n[FK_FILE_READ] + n[FK_SWAP_IN], total = faults_total(n);
    json_object_set_new(o, "total", json_integer((json_int_t)total));
    json_object_set_new(o, "major", json_integer((json_int_t)major));
    json_object_set_new(o, "minor", json_integer((json_int_t)(total - major)));
    for (int k = 0; k < FK_N; k++)
        json_object_set_new(o, fault_kind_names[k], json_integer((json_int_t)n[k]));
    return o;
}

static double stats_ns(sim_time_t ps) { return (double)ps / PS_PER_NS; }

/* The policies: names, flags, what OPT's index takes, the policy's own statistics. */
static json_t *stats_policy_json(const sim_t *s)
{
    json_t *pol = json_pack("{s:s,s:b,s:s}", "name", s->repl->name,
                            "sees_all_refs", (s->repl->flags & REPL_SEES_ALL_REFS) != 0, "cow", s->cow->name);
    if (s->nu)
        json_object_set_new(pol, "next_use_bytes", json_integer((json_int_t)nu_bytes(s->nu)));
    json_t *ps = policy_stats(s);
    if (ps)
        json_object_set_new(pol, "stats", ps);
    return pol;
}

/* The counters of references, faults, evictions, I/O, reclaim and COW, into r. */
static void stats_counts(const sim_t *s, json_t *r)
{
    json_object_set_new(r, "accesses", json_integer((json_int_t)s->n_access));
    json_object_set_new(r, "reads", json_integer((json_int_t)s->n_kind[REF_READ]));
    json_object_set_new(r, "writes", json_integer((json_int_t)s->n_kind[REF_WRITE]));
    json_object_set_new(r, "ifetches", json_integer((json_int_t)s->n_kind[REF_IFETCH]));
    json_object_set_new(r, "references", json_integer((json_int_t)s->vt));
    uint64_t total = faults_total(s->n_faults);
    json_object_set_new(r, "faults", faults_json(s->n_faults));
    /* Pages brought into memory by a reference: faults that read, zeroed or copied one (the
     * other minor faults found the page in memory already), and pages of buffered reads and
     * writes that were not in the page cache. What a one-pass curve counts (`pagesim mrc`). */
    json_object_set_new(r, "misses", json_integer((json_int_t)(total - s->n_faults[FK_PAGE_CACHE] -
                        s->n_faults[FK_SWAP_CACHE] - s->n_cow_reuses + s->fio.read_misses +
                        s->fio.write_pages - s->fio.write_hits)));
    /* References skipped as segv or protection faults are not simulated: say so when they
     * are more than a trace's stray bad access. */
    uint64_t skipped = s->n_faults[FK_SEGV] + s->n_faults[FK_PROTECTION];
    if (skipped && skipped * 1000 > s->vt) {
        char msg[512];
        snprintf(msg, sizeof msg, "%llu of %llu page references (%.2f%%) were skipped as faults "
                 "the program could not survive (segv %llu, protection %llu): the trace touches "
                 "memory outside its areas or against their protections, and those references "
                 "are not simulated", (unsigned long long)skipped, (unsigned long long)s->vt,
                 100.0 * (double)skipped / (double)s->vt,
                 (unsigned long long)s->n_faults[FK_SEGV], (unsigned long long)s->n_faults[FK_PROTECTION]);
        json_object_set_new(r, "warnings", json_pack("[s]", msg));
    }
    json_object_set_new(r, "miss_ratio", json_real(s->vt ? (double)total / (double)s->vt : 0));
    json_object_set_new(r, "evictions", json_pack("{s:I,s:I}", "total", (json_int_t)s->n_evict,
                                                  "dirty", (json_int_t)s->n_evict_dirty));
    json_object_set_new(r, "io", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "swap_in", (json_int_t)s->n_swap_in,
                        "swap_out", (json_int_t)s->n_swap_out, "file_read", (json_int_t)s->n_file_read,
                        "file_write", (json_int_t)s->n_file_write, "readahead", (json_int_t)s->n_readahead,
                        "swap_readahead", (json_int_t)s->n_swap_readahead));
    json_object_set_new(r, "fileio", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
                        "reads", (json_int_t)s->fio.reads, "read_pages", (json_int_t)s->fio.read_pages,
                        "read_hits", (json_int_t)s->fio.read_hits, "read_misses", (json_int_t)s->fio.read_misses,
                        "writes", (json_int_t)s->fio.writes, "write_pages", (json_int_t)s->fio.write_pages,
                        "write_hits", (json_int_t)s->fio.write_hits, "write_fills", (json_int_t)s->fio.write_fills,
                        "fadvises", (json_int_t)s->fio.fadvises, "willneed_pages", (json_int_t)s->fio.willneed_pages,
                        "dontneed_cleaned", (json_int_t)s->fio.dontneed_cleaned,
                        "dontneed_dropped", (json_int_t)s->fio.dontneed_dropped));
    json_object_set_new(r, "reclaim", json_pack("{s:I,s:I,s:I}", "wakeups", (json_int_t)s->n_kswapd_wakeups,
                        "background_evictions", (json_int_t)s->n_kswapd_evict,
                        "cleaned", (json_int_t)s->n_cleaned));
    loadctl_results(s, r);
    json_object_set_new(r, "cow", json_pack("{s:I,s:I,s:I}", "copies", (json_int_t)s->n_cow_copies,
                        "reuses", (json_int_t)s->n_cow_reuses, "eager_copies", (json_int_t)s->n_cow_eager));
}

/* The machine's side: TLBs, memory, time, CPUs, latencies, devices, into r. */
static void stats_machine(const sim_t *s, json_t *r)
{
    uint64_t hits = 0, misses = 0, shoot = 0, flushes = 0;
    sim_time_t busy = 0;
    for (uint32_t i = 0; i < s->ncpus; i++) {
        hits += s->cpus[i].tlb.hits;
        misses += s->cpus[i].tlb.misses;
        shoot += s->cpus[i].tlb.shootdowns;
        flushes += s->cpus[i].tlb.flushes;
        busy += s->cpus[i].busy_ps;
    }
    json_object_set_new(r, "tlb", json_pack("{s:I,s:I,s:f,s:I,s:I}", "hits", (json_int_t)hits,
                        "misses", (json_int_t)misses,
                        "miss_ratio", hits + misses ? (double)misses / (double)(hits + misses) : 0.0,
                        "shootdowns", (json_int_t)shoot, "flushes", (json_int_t)flushes));
    /* shadow_entries: what the policy remembers of evicted pages (shadow.c), at the end */
    json_object_set_new(r, "memory", json_pack("{s:I,s:I,s:I,s:I,s:I}", "frames", (json_int_t)s->nframes,
                        "page_size", (json_int_t)s->page_size, "resident_peak", (json_int_t)s->resident_peak,
                        "resident_end", (json_int_t)s->resident,
                        "shadow_entries", (json_int_t)s->shadows.n));
    json_object_set_new(r, "time", json_pack("{s:f}", "sim_ns", stats_ns(s->end_time)));
    double util = s->end_time ? (double)busy / ((double)s->end_time * s->ncpus) : 0;
    json_object_set_new(r, "cpu", json_pack("{s:I,s:f,s:f,s:I}", "cpus", (json_int_t)s->ncpus,
                        "busy_ns", stats_ns(busy), "utilization", util,
                        "context_switches", (json_int_t)s->n_ctx_switch));
    json_object_set_new(r, "throughput", json_pack("{s:f}", "accesses_per_s",
                        s->end_time ? (double)s->n_access / ((double)s->end_time / PS_PER_S) : 0.0));
    json_object_set_new(r, "latency", json_pack("{s:o,s:o,s:o}", "fault_ns", hist_json(s->lat_fault),
                        "major_fault_ns", hist_json(s->lat_major), "major_fault_cdf", hist_cdf_json(s->lat_major)));
    json_t *swap = dev_stats_json(s->swap_dev, s->end_time), *file = dev_stats_json(s->file_dev, s->end_time);
    json_object_set_new(swap, "model", dev_config_json(s->swap_dev));
    json_object_set_new(file, "model", dev_config_json(s->file_dev));
    json_object_set_new(r, "devices", json_pack("{s:o,s:o}", "swap", swap, "file", file));
}

/* Every process, as its file names it. */
static json_t *stats_procs_json(const sim_t *s)
{
    json_t *procs = json_array();
    for (uint32_t i = 0; i < s->nprocs; i++) {
        const proc_t *p = &s->procs[i];
        uint32_t trace;
        spid_t pid = proc_file_pid(s, p->pid, &trace);  /* as its file has it */
        json_array_append_new(procs, json_pack("{s:I,s:I,s:o,s:I,s:f,s:f}", "pid", (json_int_t)pid,
                              "references", (json_int_t)p->n_refs, "faults", faults_json(p->n_faults),
                              "resident_peak", (json_int_t)p->resident_peak, "cpu_ns", stats_ns(p->cpu_ps),
                              "blocked_ns", stats_ns(p->blocked_ps)));
        if (s->n_waits)      /* only with waits: results without them stay byte for byte */
            json_object_set_new(json_array_get(procs, i), "wait_ns", json_real(stats_ns(p->wait_ps)));
        if (s->ntraces > 1)  /* likewise: which file's pid it is */
            json_object_set_new(json_array_get(procs, i), "file", json_string(s->traces[trace]));
    }
    return procs;
}

/* The timeline, into r (its interval only when coarsened at the cap). */
static void stats_timeline(const sim_t *s, json_t *r)
{
    json_t *tl = json_array();
    for (size_t i = 0; i < s->ntimeline; i++) {
        const timeline_rec_t *t = &s->timeline[i];
        json_array_append_new(tl, json_pack("{s:I,s:I,s:I,s:I,s:f}", "references", (json_int_t)t->refs,
                              "faults", (json_int_t)t->faults, "evictions", (json_int_t)t->evictions,
                              "resident", (json_int_t)t->resident, "time_ns", stats_ns(t->t)));
    }
    json_object_set_new(r, "timeline", tl);
    if (s->tl_per_rec > 1)   /* coarsened at the cap: only then, so other results keep their bytes */
        json_object_set_new(r, "timeline_interval", json_integer((json_int_t)(s->interval * s->tl_per_rec)));
}

json_t *stats_json(const sim_t *s)
{
    json_t *r = json_object();
    json_object_set_new(r, "schema", json_integer(PAGESIM_SCHEMA));
    json_object_set_new(r, "version", json_string(PAGESIM_VERSION));
    json_object_set_new(r, "config", json_deep_copy(s->cfg));
    json_object_set_new(r, "seed", json_integer((json_int_t)s->seed));
    json_t *tr = json_array();
    for (int i = 0; i < s->ntraces; i++)
        json_array_append_new(tr, json_string(s->traces[i]));
    json_object_set_new(r, "traces", tr);
    json_object_set_new(r, "policy", stats_policy_json(s));
    stats_counts(s, r);
    stats_machine(s, r);
    json_object_set_new(r, "processes", stats_procs_json(s));
    if (s->n_waits)
        json_object_set_new(r, "waits", json_pack("{s:I,s:I,s:I}", "total", (json_int_t)s->n_waits,
                            "blocked", (json_int_t)s->n_waits_blocked,
                            "unfinished", (json_int_t)s->n_waits_unfinished));
    stats_timeline(s, r);
    return r;
}
