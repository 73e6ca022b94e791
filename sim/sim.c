/* sim.c - one simulation: creation from a validated config, running it, results, teardown,
 * and the atomic writing of result files.
 *
 * sim_create validates the config, then builds the machine in the order its parts depend on
 * one another (rng and devices, CPUs and TLBs, frames and swap, the policies, the schedule
 * and its inputs, statistics); any failure frees what was built (sim_free copes with a
 * half-built sim_t). Out of memory or an overflow of simulated time deep in a step comes back
 * through the error trap (xalloc.h) as its kind and message. The run loop itself is
 * sched.c's (sched_run); the layering of the engine is written in sim_int.h. */
#include "sim_int.h"
#include "loadctl.h"
#include "explain.h"
#include "frame.h"
#include "policy.h"
#include "proc.h"
#include "sched.h"
#include "stats.h"
#include "swap.h"

#include <stddef.h>
#include "sim/base/outfile.h"
#include "sim/base/progress.h"
#include "sim/base/spec.h"
#include "sim/base/xalloc.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

sim_t *sim_create(const json_t *cfg, const char *const *traces, int ntraces, sim_err_t *err)
{
    return sim_create_progress(cfg, traces, ntraces, NULL, err);
}

static int sim_init(sim_t *s, const json_t *cfg_in, const char *const *traces, int ntraces, sim_err_t *err);

sim_t *sim_create_progress(const json_t *cfg, const char *const *traces, int ntraces,
                           progress_t *progress, sim_err_t *err)
{
    sim_t *volatile s = NULL;
    xtrap_t trap;
    xtrap_push(&trap, err);                    /* a throw fills err */
    if (setjmp(trap.jb)) {
        xtrap_pop(&trap);
        sim_free(s);
        return NULL;
    }
    s = xcalloc(1, sizeof *s, "the simulation");
    s->progress = progress;
    int rc = sim_init(s, cfg, traces, ntraces, err);
    if (rc) {
        assert(err->kind == rc);               /* err.h: the kind is the returned one */
        xtrap_pop(&trap);
        sim_free(s);
        return NULL;
    }
    xtrap_pop(&trap);
    return s;
}

/* The settings the engine's modules read from sim_t, from the validated config. */
static void sim_settings(sim_t *s)
{
    const sim_config_t *c = &s->conf;
    s->page_size = c->page_bytes;
    s->page_shift = c->page_shift;
    s->nframes = c->memory_frames;
    s->seed = (unsigned long)c->seed;
    s->interval = c->interval_refs;
    s->tl_max = c->timeline_records;
    s->ref_on_walk = c->ref_bit_on_fill;
    s->cost = c->cost_ps;
    s->paranoid = c->paranoid;
    s->readahead = c->readahead_pages;
    s->swap_cluster = c->swap_cluster_pages;
    s->wm_low = c->reclaim_low_frames;
    s->wm_high = c->reclaim_high_frames;
    s->local = c->replacement_local;
    s->ncpus = c->cpus;
    s->quantum = c->quantum_ps;
    for (int k = 0; k < 3; k++)
        s->hit_bits[k] = (s->ref_on_walk ? 0 : PTE_REF) | (k == REF_WRITE ? PTE_DIRTY : 0) |
                         (c->load_control ? PTE_WSREF : 0);
}

/* The machine: rng, event queue, caches, CPUs with their TLBs, devices. Only a device spec
 * can still be refused (device.c checks its own parameters). */
static int sim_build_machine(sim_t *s, sim_err_t *err)
{
    s->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!s->rng)
        xtrap_throw(SIM_ESYS, "out of memory (the random number generator)");
    gsl_rng_set(s->rng, s->seed);
    evq_init(&s->evq);
    u64map_init(&s->pagecache);
    u64map_init(&s->pid2proc);
    s->nobjs = 1;                              /* object 0 means "anonymous" */
    s->capobjs = 8;
    s->objs = xcalloc(s->capobjs, sizeof *s->objs, "backing objects");
    vma_implicit_init(s, s->conf.implicit);
    s->cpus = xcalloc(s->ncpus, sizeof *s->cpus, "CPUs");
    for (uint32_t i = 0; i < s->ncpus; i++) {
        s->cpus[i].cur = -1;
        s->cpus[i].last_mm = UINT32_MAX;
        SIM_ASSERT(s, !tlb_init(&s->cpus[i].tlb, s->conf.tlb_entries, s->conf.tlb_ways));
    }
    s->swap_dev = dev_create("swap", s->conf.swap_dev_spec, s->rng, s->page_size, err);
    if (!s->swap_dev)
        return sim_err_prefix(err, "config: swap_dev: ");
    s->file_dev = dev_create("file", s->conf.file_dev_spec, s->rng, s->page_size, err);
    if (!s->file_dev)
        return sim_err_prefix(err, "config: file_dev: ");
    return 0;
}

/* Builds s from the config, in the order its parts depend on one another; SIM_EINPUT or
 * SIM_ESYS (the machine's failure) with err. sim_free frees what was built. */
static int sim_init(sim_t *s, const json_t *cfg_in, const char *const *traces, int ntraces, sim_err_t *err)
{
    s->cfg = json_deep_copy(cfg_in);
    if (!s->cfg)
        xtrap_throw(SIM_ESYS, "out of memory (a copy of the config)");
    int rc;
    if ((rc = config_validate(s->cfg, &s->conf, err)))
        return rc;
    sim_settings(s);
    if ((rc = sim_build_machine(s, err)))
        return rc;
    frame_init(s);
    swap_init(s);
    shadow_init(&s->shadows, (uint64_t)s->conf.shadows_per_frame * s->nframes);
    if ((rc = policy_create(s, s->conf.policy_spec, s->conf.cow_spec, err))
        || (rc = sched_setup(s, traces, ntraces, err)) || (rc = loadctl_setup(s, err)))
        return rc;
    stats_init(s);
    return 0;
}

/* sim_check's policy is created over at most this many frames: enough that a parameter
 * checked against the frame count is checked as the run will (policies compare theirs with
 * a few frames), little enough that a grid point of 10^8 frames costs a check nothing. */
#define SIM_CHECK_FRAMES 65536u

/* sim_check's work, inside the error trap: the config, the machine (devices), the policies
 * over at most SIM_CHECK_FRAMES frames, the schedule's decisions, and each input opened
 * only as far as its format (the first 64 KiB: formats.c) and closed again. */
static int sim_check_init(sim_t *s, const json_t *cfg, const char *const *traces, int ntraces,
                          int *seeded, sim_err_t *err)
{
    int rc;
    s->cfg = json_deep_copy(cfg);
    if (!s->cfg)
        xtrap_throw(SIM_ESYS, "out of memory (a copy of the config)");
    if ((rc = config_validate(s->cfg, &s->conf, err)))
        return rc;
    sim_settings(s);
    if ((rc = sim_build_machine(s, err)))
        return rc;
    if (s->nframes > SIM_CHECK_FRAMES)
        s->nframes = SIM_CHECK_FRAMES;
    if ((rc = policy_create(s, s->conf.policy_spec, s->conf.cow_spec, err)))
        return rc;
    if (sched_plan(s, &traces, &ntraces, err))
        return SIM_EINPUT;
    *seeded = (s->repl->flags & REPL_USES_RNG) || dev_draws(s->swap_dev) || dev_draws(s->file_dev);
    for (int i = 0; i < ntraces; i++) {
        wl_t *wl = wl_open(traces[i], s->conf.format, s->rng, err);
        if (!wl)
            return err->kind;
        *seeded |= wl->ops->generator;   /* generators draw from the run's rng (wl.h) */
        wl_close(wl);
    }
    return 0;
}

int sim_check(const json_t *cfg, const char *const *traces, int ntraces, int *seeded, sim_err_t *err)
{
    sim_t *volatile s = NULL;
    xtrap_t trap;
    int rc;
    *seeded = 1;
    xtrap_push(&trap, err);                    /* a throw fills err */
    if (setjmp(trap.jb)) {
        xtrap_pop(&trap);
        sim_free(s);
        return err->kind;
    }
    s = xcalloc(1, sizeof *s, "a configuration's check");
    rc = sim_check_init(s, cfg, traces, ntraces, seeded, err);
    xtrap_pop(&trap);
    sim_free(s);
    return rc;
}

void sim_free(sim_t *s)
{
    if (!s)
        return;
    policy_destroy(s);
    explain_free(s->explain);
    sched_teardown(s);
    for (uint32_t i = 1; i < s->nobjs; i++) {
        free(s->objs[i].name);
        if (s->objs[i].kind == OBJ_SHM)
            u64map_free(&s->objs[i].swap);
    }
    free(s->objs);
    proc_free_all(s);
    if (s->cpus)
        for (uint32_t i = 0; i < s->ncpus; i++)
            tlb_free(&s->cpus[i].tlb);
    free(s->cpus);
    free(s->clean_until);
    dev_free(s->swap_dev);
    dev_free(s->file_dev);
    if (s->frames) {
        frame_destroy(s);
        swap_destroy(s);
        shadow_destroy(&s->shadows);
    }
    if (s->pagecache.s) {
        u64map_free(&s->pagecache);
        u64map_free(&s->pid2proc);
    }
    fileio_free(s);
    evq_free(&s->evq);
    stats_free(s);
    if (s->rng)
        gsl_rng_free(s->rng);
    json_decref(s->cfg);
    free(s);
}

/* The results JSON through outfile.h: opened before the run, so that an output that cannot
 * be written fails at once; committed whole or not at all. */
int sim_out_open(sim_out_t *o, const char *path, sim_err_t *err)
{
    return outfile_open(o, path, err);
}

void sim_out_abort(sim_out_t *o)
{
    outfile_abort(o);
}

int sim_out_commit(sim_out_t *o, const json_t *doc, sim_err_t *err)
{
    if (json_dumpf(doc, o->f, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) || fputc('\n', o->f) == EOF) {
        int e = errno;
        if (!o->path)
            sim_err_set(err, SIM_ESYS, "cannot write results to standard output: %s", strerror(e ? e : EIO));
        else
            sim_err_set(err, SIM_ESYS, "%s: cannot write: %s", o->path, strerror(e ? e : EIO));
        outfile_abort(o);
        return SIM_ESYS;
    }
    return outfile_commit(o, "results", err);
}

int sim_out_write(const json_t *doc, const char *path, sim_err_t *err)
{
    sim_out_t o;
    int rc = sim_out_open(&o, path, err);
    return rc ? rc : sim_out_commit(&o, doc, err);
}

int sim_run(sim_t *s, sim_err_t *err)
{
    SIM_ASSERT(s, !s->finished);
    int rc = sched_run(s, err);
    if (!rc && s->explain)
        rc = explain_finish(s, err);
    if (!rc)
        s->finished = 1;
    return rc;
}

int sim_explain(sim_t *s, FILE *out, sim_err_t *err)
{
    xtrap_t trap;
    xtrap_push(&trap, err);                    /* out of memory comes back as its kind */
    if (setjmp(trap.jb)) {
        xtrap_pop(&trap);
        return err->kind;
    }
    int rc = explain_start(s, out, err);
    xtrap_pop(&trap);
    return rc;
}

json_t *sim_results(const sim_t *s)
{
    return stats_json(s);
}

/* sim_run with the error trap (xalloc.h): out of memory or an overflow of simulated time
 * deep in a step comes back as its kind and message. */
static int sim_run_caught(sim_t *s, sim_err_t *err)
{
    xtrap_t trap;
    xtrap_push(&trap, err);                    /* a throw fills err */
    if (setjmp(trap.jb)) {
        xtrap_pop(&trap);
        return err->kind;
    }
    int rc = sim_run(s, err);
    if (!rc)
        cpu_clock_check(s, s->end_time);
    xtrap_pop(&trap);
    rc = rc ? (rc == SIM_ESYS ? SIM_ESYS : SIM_EINPUT) : 0;
    assert(!rc || err->kind == rc);            /* err.h: the kind is the returned one */
    return rc;
}

int sim_run_to_file(const json_t *cfg, const char *const *traces, int ntraces, const char *path,
                    progress_t *progress, sim_err_t *err)
{
    sim_run_opts_t o = {.path = path, .progress = progress};
    return sim_run_with(cfg, traces, ntraces, &o, err);
}

int sim_run_with(const json_t *cfg, const char *const *traces, int ntraces,
                 const sim_run_opts_t *opts, sim_err_t *err)
{
    sim_out_t out;
    int rc = 0;
    if (opts->results)
        *opts->results = NULL;
    if (!opts->no_json && (rc = sim_out_open(&out, opts->path, err)))   /* before the run: fail at once */
        return rc;
    sim_t *s = sim_create_progress(cfg, traces, ntraces, opts->progress, err);
    if (s && opts->explain && sim_explain(s, opts->explain, err)) {
        sim_free(s);
        s = NULL;
    }
    if (!s) {
        if (!opts->no_json)
            sim_out_abort(&out);
        return err->kind;
    }
    rc = sim_run_caught(s, err);
    if (!rc) {
        json_t *doc = sim_results(s);
        json_t *w;
        size_t i;
        json_array_foreach(json_object_get(doc, "warnings"), i, w)
            fprintf(stderr, "pagesim: warning: %s\n", json_string_value(w));
        if (!opts->no_json)
            rc = sim_out_commit(&out, doc, err);
        if (!rc && opts->results)
            *opts->results = json_incref(doc);
        json_decref(doc);
    } else if (!opts->no_json) {
        sim_out_abort(&out);
    }
    sim_free(s);
    return rc;
}
