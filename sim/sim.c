/* sim.c - one simulation: creation from a validated config, the run loop, teardown.
 *
 * The run loop is the hybrid the design describes: references run in a tight loop on the
 * CPU, charging integer picoseconds, and the event queue is consulted only by comparing the
 * CPU clock with the earliest event's time (one compare per reference). With the "trace"
 * schedule the whole file is one stream executed in file order on one CPU, whatever pid a
 * line names: the order is fixed, which the textbook counts and OPT need. When the stream's
 * process blocks on I/O nothing else can run (the order is fixed), so the CPU idles until
 * the completion event. */
#include "engine.h"

#include <stddef.h>
#include "progress.h"
#include "spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sim_assert_fail(const sim_t *s, const char *what, const char *file, int line)
{
    fprintf(stderr, "pagesim: internal error at %s:%d: %s\n", file, line, what);
    if (s)
        fprintf(stderr, "  at simulated time %.3f ns, page reference %llu, event sequence %llu\n",
                s->cpus ? (double)s->cpus[0].clock / PS_PER_NS : 0.0, (unsigned long long)s->vt,
                (unsigned long long)s->evq.next_seq);
    abort();
}

static int cfg_int(const json_t *cfg, const char *key, long long lo, long long hi, long long *out, char *err)
{
    json_t *v = json_object_get(cfg, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        snprintf(err, SIM_ERR_LEN, "config: '%s' must be an integer from %lld to %lld", key, lo, hi);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

static const char *cfg_str(const json_t *cfg, const char *key)
{
    const char *v = json_string_value(json_object_get(cfg, key));
    return v ? v : "";
}

static int parse_costs(sim_t *s, const json_t *costs, char *err)
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
        sim_time_t *dst = (sim_time_t *)((char *)&s->cost + keys[i].off);
        if (!v || parse_time_ps(v, dst)) {
            snprintf(err, SIM_ERR_LEN, "config: costs.%s must be a time such as 25ns or 1.5us", keys[i].key);
            return -1;
        }
    }
    return 0;
}

proc_t *proc_get(sim_t *s, spid_t pid)
{
    uint64_t *i = u64map_find(&s->pid2proc, pid);
    if (i)
        return &s->procs[*i];
    if (s->nprocs == s->capprocs) {
        s->capprocs = s->capprocs ? 2 * s->capprocs : 8;
        s->procs = realloc(s->procs, s->capprocs * sizeof *s->procs);
        SIM_ASSERT(s, s->procs);
    }
    proc_t *p = &s->procs[s->nprocs];
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->mm = mm_new(s);
    p->state = P_RUNNABLE;
    p->pend_old = PFN_NONE;
    u64map_put(&s->pid2proc, pid, s->nprocs);
    s->nprocs++;
    return p;
}

uint32_t mm_new(sim_t *s)
{
    if (s->nmms == s->capmms) {
        s->capmms = s->capmms ? 2 * s->capmms : 8;
        s->mms = realloc(s->mms, s->capmms * sizeof *s->mms);
        SIM_ASSERT(s, s->mms);
    }
    mm_t *mm = &s->mms[s->nmms];
    memset(mm, 0, sizeof *mm);
    pt_init(&mm->pt);
    mm->users = 1;
    mm->implicit = 1;
    return s->nmms++;
}

/* "unknown WHAT 'NAME' (known: a b c)" */
/* "unknown policy 'x' (known: a b c)": registry is a NULL-terminated table of repl_ops_t
 * or cow_ops_t pointers; both structs begin with their name, and a pointer to a struct,
 * converted, points to its first member (C11 6.7.2.1p15). */
_Static_assert(offsetof(repl_ops_t, name) == 0 && offsetof(cow_ops_t, name) == 0,
               "unknown_name reads a registry entry's name as its first member");
static void unknown_name(char *err, const char *what, const char *name, const void *const *registry)
{
    int n = snprintf(err, SIM_ERR_LEN, "unknown %s '%s' (known:", what, name);
    for (int i = 0; registry[i] && n < SIM_ERR_LEN; i++)
        n += snprintf(err + n, SIM_ERR_LEN - n, " %s", *(const char *const *)registry[i]);
    if (n < SIM_ERR_LEN)
        snprintf(err + n, SIM_ERR_LEN - n, ")");
}

sim_t *sim_create(const json_t *cfg, const char *const *traces, int ntraces, char *err)
{
    return sim_create_progress(cfg, traces, ntraces, NULL, err);
}

sim_t *sim_create_progress(const json_t *cfg_in, const char *const *traces, int ntraces,
                           progress_t *progress, char *err)
{
    sim_t *s = calloc(1, sizeof *s);
    SIM_ASSERT(NULL, s);
    s->progress = progress;
    s->cfg = json_deep_copy(cfg_in);
    json_t *cfg = s->cfg;
    char e[SPEC_ERR_LEN];
    long long v;

    if (cfg_int(cfg, "page_size", 1, 1LL << 30, &v, err))
        goto fail;
    if (v & (v - 1)) {
        snprintf(err, SIM_ERR_LEN, "config: page_size must be a power of two, not %lld", v);
        goto fail;
    }
    s->page_size = (uint32_t)v;
    while ((1u << s->page_shift) < s->page_size)
        s->page_shift++;
    const char *mem = cfg_str(cfg, "memory");
    if (*mem) {
        uint64_t bytes;
        if (parse_size(mem, &bytes) || bytes < s->page_size) {
            snprintf(err, SIM_ERR_LEN, "config: memory '%s' must be a size of at least one page (e.g. 64M)", mem);
            goto fail;
        }
        if (bytes / s->page_size > UINT32_MAX - 1) {
            snprintf(err, SIM_ERR_LEN, "config: memory '%s' is more frames than pagesim supports", mem);
            goto fail;
        }
        json_object_set_new(cfg, "frames", json_integer((json_int_t)(bytes / s->page_size)));
    }
    if (cfg_int(cfg, "frames", 1, UINT32_MAX - 1, &v, err))
        goto fail;
    s->nframes = (uint32_t)v;
    if (cfg_int(cfg, "seed", 0, INT64_MAX, &v, err))
        goto fail;
    s->seed = (unsigned long)v;
    if (cfg_int(cfg, "interval", 0, INT64_MAX, &v, err))
        goto fail;
    s->interval = (uint64_t)v;
    const char *rb = cfg_str(cfg, "ref_bit");
    if (!strcmp(rb, "tlb_fill"))
        s->ref_on_walk = 1;
    else if (strcmp(rb, "access")) {
        snprintf(err, SIM_ERR_LEN, "config: ref_bit must be 'access' or 'tlb_fill', not '%s'", rb);
        goto fail;
    }
    if (parse_costs(s, json_object_get(cfg, "costs"), err))
        goto fail;
#ifdef PAGESIM_PARANOID
    s->paranoid = 1;
#else
    s->paranoid = json_is_true(json_object_get(cfg, "paranoid"));
#endif
    if (cfg_int(cfg, "readahead", 0, 64, &v, err))
        goto fail;
    s->readahead = (uint32_t)v;
    if (cfg_int(cfg, "swap_cluster", 0, 64, &v, err))
        goto fail;
    s->swap_cluster = (uint32_t)v;
    json_t *rc_cfg = json_object_get(cfg, "reclaim");
    if (cfg_int(rc_cfg, "low", 0, UINT32_MAX, &v, err))
        goto fail;
    s->wm_low = (uint32_t)v;
    if (cfg_int(rc_cfg, "high", 0, UINT32_MAX, &v, err))
        goto fail;
    s->wm_high = (uint32_t)v;
    if (s->wm_high && (s->wm_low > s->wm_high || s->wm_high > s->nframes)) {
        snprintf(err, SIM_ERR_LEN, "config: reclaim needs low <= high <= frames (got low %u, high %u, frames %u)",
                 s->wm_low, s->wm_high, s->nframes);
        goto fail;
    }

    s->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(s->rng, s->seed);
    evq_init(&s->evq);
    u64map_init(&s->swapcache);
    u64map_init(&s->pagecache);
    u64map_init(&s->pid2proc);
    s->nobjs = 1;                              /* object 0 means "anonymous" */
    s->capobjs = 8;
    s->objs = calloc(s->capobjs, sizeof *s->objs);

    if (cfg_int(cfg, "cpus", 1, 1024, &v, err))
        goto fail;
    s->ncpus = (uint32_t)v;
    s->cpus = calloc(s->ncpus, sizeof *s->cpus);
    json_t *tlb = json_object_get(cfg, "tlb");
    long long entries = json_integer_value(json_object_get(tlb, "entries"));
    long long ways = json_integer_value(json_object_get(tlb, "ways"));
    for (uint32_t i = 0; i < s->ncpus; i++) {
        s->cpus[i].cur = -1;
        s->cpus[i].last_mm = UINT32_MAX;
        if (entries < 0 || ways < 0 || entries > (1 << 24) ||
            tlb_init(&s->cpus[i].tlb, (uint32_t)entries, (uint32_t)ways)) {
            snprintf(err, SIM_ERR_LEN, "config: TLB of %lld entries, %lld ways: entries must be a multiple "
                     "of ways and entries/ways a power of two (0 entries disables the TLB)", entries, ways);
            goto fail;
        }
    }

    s->swap_dev = dev_create("swap", cfg_str(cfg, "swap_dev"), s->rng, s->page_size, e);
    if (!s->swap_dev) {
        snprintf(err, SIM_ERR_LEN, "config: swap_dev: %s", e);
        goto fail;
    }
    s->file_dev = dev_create("file", cfg_str(cfg, "file_dev"), s->rng, s->page_size, e);
    if (!s->file_dev) {
        snprintf(err, SIM_ERR_LEN, "config: file_dev: %s", e);
        goto fail;
    }

    /* The policy. */
    char name[64];
    json_t *params;
    if (spec_parse(cfg_str(cfg, "policy"), name, sizeof name, &params, e)) {
        snprintf(err, SIM_ERR_LEN, "policy: %s", e);
        goto fail;
    }
    s->repl = repl_find(name);
    if (!s->repl) {
        unknown_name(err, "policy", name, (const void *const *)repl_registry);
        json_decref(params);
        goto fail;
    }
    frames_init(s);
    s->repl_env = (repl_env_t){.nframes = s->nframes, .rng = s->rng, .eng = s,
                               .test_clear_ref = mmu_test_clear_ref, .is_dirty = mmu_is_dirty};
    int rc = s->repl->create(&s->repl_env, params, &s->repl_state, e);
    json_decref(params);
    if (rc) {
        snprintf(err, SIM_ERR_LEN, "policy %s: %s", name, e);
        s->repl = NULL;
        goto fail;
    }
    s->needs_next_use = (s->repl->flags & REPL_NEEDS_NEXT_USE) != 0;
    s->hit_idempotent = (s->repl->flags & REPL_HIT_IDEMPOTENT) != 0;
    for (int k = 0; k < 3; k++)
        s->hit_bits[k] = (s->ref_on_walk ? 0 : PTE_REF) | (k == REF_WRITE ? PTE_DIRTY : 0);
    s->hit_last = PFN_NONE;

    if (spec_parse(cfg_str(cfg, "cow"), name, sizeof name, &params, e)) {
        snprintf(err, SIM_ERR_LEN, "cow: %s", e);
        goto fail;
    }
    s->cow = cow_find(name);
    if (!s->cow) {
        unknown_name(err, "COW policy", name, (const void *const *)cow_registry);
        json_decref(params);
        goto fail;
    }
    rc = s->cow->create(params, &s->cow_state, e);
    json_decref(params);
    if (rc) {
        snprintf(err, SIM_ERR_LEN, "COW policy %s: %s", name, e);
        s->cow = NULL;
        goto fail;
    }

    if (sched_setup(s, cfg, traces, ntraces, err))
        goto fail;
    stats_init(s);
    return s;
fail:
    sim_free(s);
    return NULL;
}

void sim_free(sim_t *s)
{
    if (!s)
        return;
    if (s->repl && s->repl_state)
        s->repl->destroy(s->repl_state);
    if (s->cow)
        s->cow->destroy(s->cow_state);
    sched_teardown(s);
    for (uint32_t i = 0; i < s->nmms; i++) {
        pt_free(&s->mms[i].pt);
        vma_list_free(&s->mms[i].areas);
    }
    free(s->mms);
    for (uint32_t i = 1; i < s->nobjs; i++) {
        free(s->objs[i].name);
        if (s->objs[i].kind == OBJ_SHM)
            u64map_free(&s->objs[i].swap);
    }
    free(s->objs);
    free(s->procs);
    if (s->cpus)
        for (uint32_t i = 0; i < s->ncpus; i++)
            tlb_free(&s->cpus[i].tlb);
    free(s->cpus);
    dev_free(s->swap_dev);
    dev_free(s->file_dev);
    if (s->frames)
        frames_free(s);
    if (s->swapcache.s) {
        u64map_free(&s->swapcache);
        u64map_free(&s->pagecache);
        u64map_free(&s->pid2proc);
    }
    evq_free(&s->evq);
    stats_free(s);
    if (s->rng)
        gsl_rng_free(s->rng);
    json_decref(s->cfg);
    free(s);
}

int json_write_atomic(const json_t *doc, const char *path, char *err)
{
    if (!path || !strcmp(path, "-")) {
        if (json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) || fputc('\n', stdout) == EOF) {
            snprintf(err, SIM_ERR_LEN, "cannot write results to standard output");
            return -1;
        }
        return 0;
    }
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int ok = f && !json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) && fputc('\n', f) != EOF;
    if (f && fclose(f))
        ok = 0;
    if (!ok || rename(tmp, path)) {
        snprintf(err, SIM_ERR_LEN, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int sim_run_to_file(const json_t *cfg, const char *const *traces, int ntraces, const char *path,
                    progress_t *progress, char *err)
{
    sim_t *s = sim_create_progress(cfg, traces, ntraces, progress, err);
    if (!s)
        return -1;
    int rc = sim_run(s, err);
    if (!rc) {
        json_t *doc = sim_results(s);
        json_t *w;
        size_t i;
        json_array_foreach(json_object_get(doc, "warnings"), i, w)
            fprintf(stderr, "pagesim: warning: %s\n", json_string_value(w));
        rc = json_write_atomic(doc, path, err);
        json_decref(doc);
    }
    sim_free(s);
    return rc;
}
