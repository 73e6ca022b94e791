/* config.c - the configuration as one JSON object: defaults, dotted-key edits, files; and
 * its validation into a typed sim_config_t, from which sim_create only builds.
 *
 * Every setting has exactly one key, and the command line, config files and `--set` all edit
 * the same object, so the results can echo the complete effective configuration and any run
 * can be repeated from its JSON alone. The defaults below are the documented ones (README,
 * "Configuration"): each key's default also fixes its type. Unknown keys are errors, never
 * silently ignored: a misspelt cost must not quietly fall back to its default.
 *
 * config_validate checks every setting's type and range (and that the frame table and TLBs
 * fit this machine) in one place, in a fixed order, so the first bad setting is the one
 * reported; the engine's modules then take plain typed values. */
#include "sim.h"
#include "config.h"
#include "frame.h"
#include "tlb.h"
#include "sim/base/spec.h"

#include <stddef.h>
#include <unistd.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *config_defaults(void)
{
    json_t *c = json_pack(
        "{s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:s, s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:b,"
        " s:s, s:I, s:I,"
        " s:{s:I, s:I, s:b}, s:{s:I, s:I},"
        " s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}}",
        "policy", "lru",
        "cow", "reuse",
        "replacement", "global",
        "frames", (json_int_t)256,
        "memory", "",
        "page_size", (json_int_t)4096,
        "seed", (json_int_t)1,
        "format", "auto",
        "interval", (json_int_t)100000,
        "timeline_records", (json_int_t)4096,
        "schedule", "auto",
        "cpus", (json_int_t)1,
        "quantum", "10ms",
        "ref_bit", "access",
        "swap_dev", "fixed",
        "file_dev", "fixed",
        "workload", "",
        "readahead", (json_int_t)0,
        "swap_cluster", (json_int_t)0,
        "shadows", (json_int_t)2,
        "implicit", "anon",
        "paranoid", 0,
        "load_control", "off",
        "load_window", (json_int_t)1000,
        "load_threshold", (json_int_t)100,
        "tlb", "entries", (json_int_t)64, "ways", (json_int_t)4, "asid", 1,
        "reclaim", "low", (json_int_t)0, "high", (json_int_t)0,
        "costs", "tlb_hit", "0.5ns", "walk", "25ns", "fault", "1us", "zero", "1us",
                 "copy", "1.5us", "evict", "0.5us", "context_switch", "2us", "shootdown", "0.5us",
                 "fork_pte", "10ns");
    return c;
}

/* Finds the parent object and last component of a dotted key in cfg; NULL if unknown. */
static json_t *config_lookup(json_t *cfg, const char *key, char *last, size_t lastlen)
{
    char buf[256];
    if (strlen(key) >= sizeof buf)
        return NULL;
    strcpy(buf, key);
    json_t *obj = cfg;
    char *part = buf, *dot;
    while ((dot = strchr(part, '.'))) {
        *dot = '\0';
        obj = json_object_get(obj, part);
        if (!json_is_object(obj))
            return NULL;
        part = dot + 1;
    }
    if (!json_object_get(obj, part) || json_is_object(json_object_get(obj, part)) ||
        strlen(part) >= lastlen)
        return NULL;
    strcpy(last, part);
    return obj;
}

static void config_list_keys(const json_t *obj, const char *prefix, char *out, size_t n)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        char full[256];
        snprintf(full, sizeof full, "%s%s%s", prefix, *prefix ? "." : "", k);
        if (json_is_object(v)) {
            config_list_keys(v, full, out, n);
        } else {
            size_t used = strlen(out);
            snprintf(out + used, n - used, " %s", full);
        }
    }
}

static void config_unknown_key(const char *where, const char *key, sim_err_t *err)
{
    json_t *d = config_defaults();
    char keys[800] = "";
    config_list_keys(d, "", keys, sizeof keys);
    json_decref(d);
    sim_err_set(err, SIM_EINPUT, "%sunknown config key '%s' (known:%s)", where, key, keys);
}

int config_set(json_t *cfg, const char *key, const char *value, sim_err_t *err)
{
    char last[128];
    json_t *parent = config_lookup(cfg, key, last, sizeof last);
    if (!parent) {
        config_unknown_key("", key, err);
        return -1;
    }
    json_t *old = json_object_get(parent, last), *nv = NULL;
    if (json_is_integer(old)) {
        long long v;
        uint64_t bytes;
        /* decimal or 0x hex, never octal (spec.h); the page size is a size: 4096, 64K, 2M */
        int bad = spec_parse_int(value, &v);
        if (bad && !strcmp(key, "page_size") && !spec_parse_size(value, &bytes) &&
            bytes <= (uint64_t)LLONG_MAX) {
            v = (long long)bytes;
            bad = 0;
        }
        if (bad)
            return sim_err_set(err, SIM_EINPUT, "config key '%s' needs an integer (decimal, or hex with 0x), "
                               "not '%s'", key, value);
        nv = json_integer(v);
    } else if (json_is_boolean(old)) {
        if (!strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "yes"))
            nv = json_true();
        else if (!strcmp(value, "false") || !strcmp(value, "0") || !strcmp(value, "no"))
            nv = json_false();
        else
            return sim_err_set(err, SIM_EINPUT, "config key '%s' needs true or false, not '%s'", key, value);
    } else {
        nv = json_string(value);
    }
    json_object_set_new(parent, last, nv);
    return 0;
}

/* Merges src into dst, key by key, checking names and types against dst. */
static int config_merge(json_t *dst, json_t *src, const char *path, const char *prefix, sim_err_t *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        char full[256];
        snprintf(full, sizeof full, "%s%s%s", prefix, *prefix ? "." : "", k);
        json_t *old = json_object_get(dst, k);
        char where[4200];
        snprintf(where, sizeof where, "%s: ", path);
        if (!old) {
            config_unknown_key(where, full, err);
            return -1;
        }
        if (json_is_object(old)) {
            if (!json_is_object(v))
                return sim_err_set(err, SIM_EINPUT, "%s: config key '%s' must be an object", path, full);
            if (config_merge(old, v, path, full, err))
                return -1;
            continue;
        }
        json_t *nv = NULL;
        if (json_is_integer(old) && json_is_integer(v))
            nv = json_incref(v);
        else if (json_is_boolean(old) && json_is_boolean(v))
            nv = json_incref(v);
        else if (json_is_string(old) && json_is_string(v))
            nv = json_incref(v);
        else if (json_is_string(old) && json_is_integer(v)) {   /* a time in ns, a size in bytes */
            char buf[32];
            snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
            nv = json_string(buf);
        } else if (json_is_string(old) && json_is_real(v)) {
            char buf[40];
            snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
            nv = json_string(buf);
        } else {
            return sim_err_set(err, SIM_EINPUT, "%s: config key '%s' has the wrong type (expected %s)", path, full,
                               json_is_integer(old) ? "an integer"
                               : json_is_boolean(old) ? "true or false" : "a string");
        }
        json_object_set_new(dst, k, nv);
    }
    return 0;
}

int config_load_file(json_t *cfg, const char *path, sim_err_t *err)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc) {
        if (je.line > 0)
            return sim_err_set(err, SIM_EINPUT, "%s:%d: %s", path, je.line, je.text);
        return sim_err_set(err, SIM_EINPUT, "%s: %s", path, je.text);
    }
    if (!json_is_object(doc)) {
        sim_err_set(err, SIM_EINPUT, "%s: a config file must hold a JSON object", path);
        json_decref(doc);
        return -1;
    }
    int rc = config_merge(cfg, doc, path, "", err);
    json_decref(doc);
    return rc;
}

/* ---- validation: the JSON object -> sim_config_t ---- */

static int config_int(const json_t *cfg, const char *key, long long lo, long long hi, long long *out, sim_err_t *err)
{
    json_t *v = json_object_get(cfg, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return sim_err_set(err, SIM_EINPUT, "config: '%s' must be an integer from %lld to %lld", key, lo, hi);
    *out = json_integer_value(v);
    return 0;
}

static const char *config_str(const json_t *cfg, const char *key)
{
    const char *v = json_string_value(json_object_get(cfg, key));
    return v ? v : "";
}

/* The costs, by key: a table, one line per cost. */
static int config_costs(costs_t *cost, const json_t *costs, sim_err_t *err)
{
    static const struct { const char *key; size_t off; } keys[] = {
        {"tlb_hit", offsetof(costs_t, tlb_hit)}, {"walk", offsetof(costs_t, walk)},
        {"fault", offsetof(costs_t, fault)}, {"zero", offsetof(costs_t, zero)},
        {"copy", offsetof(costs_t, copy)}, {"evict", offsetof(costs_t, evict)},
        {"context_switch", offsetof(costs_t, context_switch)}, {"shootdown", offsetof(costs_t, shootdown)},
        {"fork_pte", offsetof(costs_t, fork_pte)},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = json_string_value(json_object_get(costs, keys[i].key));
        sim_time_t *dst = (sim_time_t *)((char *)cost + keys[i].off);
        if (!v || spec_parse_time_ps(v, dst))
            return sim_err_set(err, SIM_EINPUT, "config: costs.%s must be a time such as 25ns or 1.5us", keys[i].key);
        if (*dst > SIM_COST_MAX)
            return sim_err_set(err, SIM_EINPUT, "config: costs.%s '%s' is more than 1s, the most one step may cost",
                               keys[i].key, v);
    }
    return 0;
}

/* page_size, and memory or frames (memory, when set, becomes frames in cfg). */
static int config_memory(json_t *cfg, sim_config_t *c, sim_err_t *err)
{
    long long v = 0;
    if (config_int(cfg, "page_size", 1, 1LL << 30, &v, err))
        return -1;
    if (v & (v - 1))
        return sim_err_set(err, SIM_EINPUT, "config: page_size must be a power of two, not %lld", v);
    c->page_bytes = (uint32_t)v;
    c->page_shift = 0;
    while ((1u << c->page_shift) < c->page_bytes)
        c->page_shift++;
    const char *mem = config_str(cfg, "memory");
    if (*mem) {
        uint64_t bytes;
        if (spec_parse_size(mem, &bytes) || bytes < c->page_bytes)
            return sim_err_set(err, SIM_EINPUT, "config: memory '%s' must be a size of at least one page "
                               "(e.g. 64M)", mem);
        if (bytes / c->page_bytes > UINT32_MAX - 1)
            return sim_err_set(err, SIM_EINPUT, "config: memory '%s' is more frames than pagesim supports", mem);
        json_object_set_new(cfg, "frames", json_integer((json_int_t)(bytes / c->page_bytes)));
    }
    if (config_int(cfg, "frames", 1, UINT32_MAX - 1, &v, err))
        return -1;
    c->memory_frames = (uint32_t)v;
    return 0;
}

/* seed, interval, ref_bit, costs, paranoid, readahead, swap_cluster, reclaim. */
static int config_behaviour(const json_t *cfg, sim_config_t *c, sim_err_t *err)
{
    long long v = 0;
    if (config_int(cfg, "seed", 0, INT64_MAX, &v, err))
        return -1;
    c->seed = (uint64_t)v;
    if (config_int(cfg, "interval", 0, INT64_MAX, &v, err))
        return -1;
    c->interval_refs = (uint64_t)v;
    if (config_int(cfg, "timeline_records", 2, 1 << 20, &v, err))
        return -1;
    if (v % 2)   /* at the cap, pairs merge */
        return sim_err_set(err, SIM_EINPUT, "config: timeline_records must be even, not %lld", v);
    c->timeline_records = (uint32_t)v;
    const char *rb = config_str(cfg, "ref_bit");
    if (!strcmp(rb, "tlb_fill"))
        c->ref_bit_on_fill = 1;
    else if (strcmp(rb, "access"))
        return sim_err_set(err, SIM_EINPUT, "config: ref_bit must be 'access' or 'tlb_fill', not '%s'", rb);
    if (config_costs(&c->cost_ps, json_object_get(cfg, "costs"), err))
        return -1;
#ifdef PAGESIM_PARANOID
    c->paranoid = 1;
#else
    c->paranoid = json_is_true(json_object_get(cfg, "paranoid"));
#endif
    if (config_int(cfg, "readahead", 0, 64, &v, err))
        return -1;
    c->readahead_pages = (uint32_t)v;
    if (config_int(cfg, "swap_cluster", 0, 64, &v, err))
        return -1;
    c->swap_cluster_pages = (uint32_t)v;
    json_t *rc_cfg = json_object_get(cfg, "reclaim");
    if (config_int(rc_cfg, "low", 0, UINT32_MAX, &v, err))
        return -1;
    c->reclaim_low_frames = (uint32_t)v;
    if (config_int(rc_cfg, "high", 0, UINT32_MAX, &v, err))
        return -1;
    c->reclaim_high_frames = (uint32_t)v;
    if (c->reclaim_high_frames && (c->reclaim_low_frames > c->reclaim_high_frames ||
                                   c->reclaim_high_frames > c->memory_frames))
        return sim_err_set(err, SIM_EINPUT, "config: reclaim needs low <= high <= frames "
                           "(got low %u, high %u, frames %u)",
                           c->reclaim_low_frames, c->reclaim_high_frames, c->memory_frames);
    /* Interface v2 (policies/repl.h): global or local replacement; the shadow store's bound */
    const char *scope = config_str(cfg, "replacement");
    if (!strcmp(scope, "local"))
        c->replacement_local = 1;
    else if (strcmp(scope, "global"))
        return sim_err_set(err, SIM_EINPUT, "config: replacement must be 'global' or 'local', not '%s'", scope);
    if (config_int(cfg, "shadows", 0, 1 << 20, &v, err))
        return -1;
    c->shadows_per_frame = (uint32_t)v;
    /* Load control (issue 15, loadctl.c): off, or Denning's medium-term scheduler driven by
     * sampled working sets (ws) or by page-fault frequency (pff) */
    const char *lc = config_str(cfg, "load_control");
    if (!strcmp(lc, "ws"))
        c->load_control = CONFIG_LOAD_WS;
    else if (!strcmp(lc, "pff"))
        c->load_control = CONFIG_LOAD_PFF;
    else if (strcmp(lc, "off"))
        return sim_err_set(err, SIM_EINPUT, "config: load_control must be 'off', 'ws' or 'pff', not '%s'", lc);
    if (config_int(cfg, "load_window", 1, INT64_MAX, &v, err))
        return -1;
    c->load_window_refs = (uint64_t)v;
    if (config_int(cfg, "load_threshold", 1, INT64_MAX, &v, err))
        return -1;
    c->load_threshold_refs = (uint64_t)v;
    /* The backing of an address space that declares no area (page lists, block traces) */
    const char *impl = config_str(cfg, "implicit");
    if (!strcmp(impl, "file"))
        c->implicit = CONFIG_IMPLICIT_FILE;
    else if (!strcmp(impl, "swap"))
        c->implicit = CONFIG_IMPLICIT_SWAP;
    else if (!strcmp(impl, "anon"))
        c->implicit = CONFIG_IMPLICIT_ANON;
    else
        return sim_err_set(err, SIM_EINPUT, "config: implicit must be 'anon', 'swap' or 'file', not '%s'", impl);
    return 0;
}

/* Sizes of what sim_create allocates per frame and per TLB entry, checked against the
 * machine's memory before anything is allocated: an absurd -f or --tlb is a clear config
 * error, not minutes of swapping or an out-of-memory abort half-way through. */
static uint64_t config_phys_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : UINT64_MAX;
}

/* cpus and the TLB: its geometry, and whether the frame table and TLBs fit this machine. */
static int config_machine(const json_t *cfg, sim_config_t *c, sim_err_t *err)
{
    long long v = 0;
    if (config_int(cfg, "cpus", 1, 1024, &v, err))
        return -1;
    c->cpus = (uint32_t)v;
    json_t *tlb = json_object_get(cfg, "tlb");
    long long entries = json_integer_value(json_object_get(tlb, "entries"));
    long long ways = json_integer_value(json_object_get(tlb, "ways"));
    c->tlb_asid = json_is_true(json_object_get(tlb, "asid"));
    /* What the frame table and the TLBs will take: refuse a machine that cannot exist here
     * before allocating any of it (both factors are bounded, so the products fit). */
    uint64_t ram = config_phys_bytes();
    uint64_t frame_bytes = (uint64_t)c->memory_frames * (sizeof(frame_t) + sizeof(pfn_t));
    if (frame_bytes > ram)
        return sim_err_set(err, SIM_EINPUT, "config: frames %u need %llu MiB for the frame table, more than "
                           "this machine's %llu MiB of memory (lower -f/--frames or --memory)", c->memory_frames,
                           (unsigned long long)(frame_bytes >> 20), (unsigned long long)(ram >> 20));
    if (entries > 0 && entries <= (1 << 24)) {
        uint64_t tlb_bytes = (uint64_t)entries * sizeof(tlb_entry_t) * c->cpus;
        if (tlb_bytes > ram)
            return sim_err_set(err, SIM_EINPUT, "config: a TLB of %lld entries on each of %u CPUs needs %llu MiB, "
                               "more than this machine's %llu MiB of memory (lower --tlb or --cpus)", entries,
                               c->cpus, (unsigned long long)(tlb_bytes >> 20), (unsigned long long)(ram >> 20));
    }
    if (entries < 0 || ways < 0 || entries > (1 << 24) || tlb_check((uint32_t)entries, (uint32_t)ways))
        return sim_err_set(err, SIM_EINPUT, "config: TLB of %lld entries, %lld ways: entries must be a multiple "
                           "of ways and entries/ways a power of two (0 entries disables the TLB)", entries, ways);
    c->tlb_entries = (uint32_t)entries;
    c->tlb_ways = (uint32_t)ways;
    return 0;
}

/* schedule and quantum (which schedule "auto" means depends on the inputs: sched.c). */
static int config_schedule(const json_t *cfg, sim_config_t *c, sim_err_t *err)
{
    static const struct { const char *name; config_sched_t kind; } kinds[] = {
        {"auto", CONFIG_SCHED_AUTO}, {"trace", CONFIG_SCHED_TRACE}, {"rr", CONFIG_SCHED_RR},
    };
    const char *sched = config_str(cfg, "schedule");
    size_t i = 0;
    while (i < sizeof kinds / sizeof *kinds && strcmp(sched, kinds[i].name))
        i++;
    if (i == sizeof kinds / sizeof *kinds)
        return sim_err_set(err, SIM_EINPUT, "config: schedule must be auto, trace or rr (got '%s')", sched);
    c->schedule = kinds[i].kind;
    const char *q = json_string_value(json_object_get(cfg, "quantum"));
    if (!q || spec_parse_time_ps(q, &c->quantum_ps) || !c->quantum_ps)
        return sim_err_set(err, SIM_EINPUT, "config: quantum must be a positive time such as 10ms");
    return 0;
}

int config_validate(json_t *cfg, sim_config_t *c, sim_err_t *err)
{
    memset(c, 0, sizeof *c);
    if (config_memory(cfg, c, err) || config_behaviour(cfg, c, err) || config_machine(cfg, c, err) ||
        config_schedule(cfg, c, err))
        return -1;
    c->policy_spec = config_str(cfg, "policy");
    c->cow_spec = config_str(cfg, "cow");
    c->swap_dev_spec = config_str(cfg, "swap_dev");
    c->file_dev_spec = config_str(cfg, "file_dev");
    c->workload_spec = config_str(cfg, "workload");
    c->format = json_string_value(json_object_get(cfg, "format"));
    return 0;
}
