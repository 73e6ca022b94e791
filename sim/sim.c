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
#include "frame.h"
#include "policy.h"
#include "proc.h"
#include "sched.h"
#include "stats.h"
#include "swap.h"

#include <stddef.h>
#include "sim/base/progress.h"
#include "sim/base/spec.h"
#include "sim/base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
        if (*dst > SIM_COST_MAX) {
            snprintf(err, SIM_ERR_LEN, "config: costs.%s '%s' is more than 1s, the most one step may cost",
                     keys[i].key, v);
            return -1;
        }
    }
    return 0;
}

sim_t *sim_create(const json_t *cfg, const char *const *traces, int ntraces, char *err)
{
    return sim_create_progress(cfg, traces, ntraces, NULL, err);
}

sim_t *sim_create_progress(const json_t *cfg, const char *const *traces, int ntraces,
                           progress_t *progress, char *err)
{
    return sim_create_kind(cfg, traces, ntraces, progress, err, NULL);
}

static int sim_init(sim_t *s, const json_t *cfg_in, const char *const *traces, int ntraces, char *err);

/* Sizes of what sim_init allocates per frame and per TLB entry, checked against the
 * machine's memory before anything is allocated: an absurd -f or --tlb is a clear config
 * error, not minutes of swapping or an out-of-memory abort half-way through. */
static uint64_t phys_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : UINT64_MAX;
}

sim_t *sim_create_kind(const json_t *cfg, const char *const *traces, int ntraces,
                       progress_t *progress, char *err, int *kind)
{
    sim_t *volatile s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, SIM_ERR_LEN, "out of memory (%zu bytes for the simulation)", sizeof *s);
        if (kind)
            *kind = SIM_ESYS;
        return NULL;
    }
    s->progress = progress;
    xtrap_t trap;
    xtrap_push(&trap);
    if (setjmp(trap.jb)) {
        xtrap_pop(&trap);
        snprintf(err, SIM_ERR_LEN, "%s", trap.msg);
        if (kind)
            *kind = trap.kind;
        sim_free(s);
        return NULL;
    }
    if (sim_init(s, cfg, traces, ntraces, err)) {
        xtrap_pop(&trap);
        if (kind)
            *kind = s->err_kind ? s->err_kind : SIM_EINPUT;
        sim_free(s);
        return NULL;
    }
    xtrap_pop(&trap);
    return s;
}

static int sim_init(sim_t *s, const json_t *cfg_in, const char *const *traces, int ntraces, char *err)
{
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
    /* Interface v2 (policies/repl.h): global or local replacement; the shadow store's bound,
     * in entries per frame. */
    const char *repl_scope = cfg_str(cfg, "replacement");
    if (!strcmp(repl_scope, "local"))
        s->local = 1;
    else if (strcmp(repl_scope, "global")) {
        snprintf(err, SIM_ERR_LEN, "config: replacement must be 'global' or 'local', not '%s'", repl_scope);
        goto fail;
    }
    if (cfg_int(cfg, "shadows", 0, 1 << 20, &v, err))
        goto fail;
    uint64_t shadow_max = (uint64_t)v * s->nframes;

    s->rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(s->rng, s->seed);
    evq_init(&s->evq);
    u64map_init(&s->swapcache);
    u64map_init(&s->pagecache);
    u64map_init(&s->pid2proc);
    s->nobjs = 1;                              /* object 0 means "anonymous" */
    s->capobjs = 8;
    s->objs = xcalloc(s->capobjs, sizeof *s->objs, "backing objects");

    if (cfg_int(cfg, "cpus", 1, 1024, &v, err))
        goto fail;
    s->ncpus = (uint32_t)v;
    json_t *tlb = json_object_get(cfg, "tlb");
    long long entries = json_integer_value(json_object_get(tlb, "entries"));
    long long ways = json_integer_value(json_object_get(tlb, "ways"));
    /* What the frame table and the TLBs will take: refuse a machine that cannot exist here
     * before allocating any of it (both factors are bounded, so the products fit). */
    uint64_t ram = phys_bytes();
    uint64_t frame_bytes = (uint64_t)s->nframes * (sizeof(frame_t) + sizeof(pfn_t));
    if (frame_bytes > ram) {
        snprintf(err, SIM_ERR_LEN, "config: frames %u need %llu MiB for the frame table, more than "
                 "this machine's %llu MiB of memory (lower -f/--frames or --memory)", s->nframes,
                 (unsigned long long)(frame_bytes >> 20), (unsigned long long)(ram >> 20));
        goto fail;
    }
    if (entries > 0 && entries <= (1 << 24)) {
        uint64_t tlb_bytes = (uint64_t)entries * sizeof(tlb_entry_t) * s->ncpus;
        if (tlb_bytes > ram) {
            snprintf(err, SIM_ERR_LEN, "config: a TLB of %lld entries on each of %u CPUs needs %llu MiB, "
                     "more than this machine's %llu MiB of memory (lower --tlb or --cpus)", entries,
                     s->ncpus, (unsigned long long)(tlb_bytes >> 20), (unsigned long long)(ram >> 20));
            goto fail;
        }
    }
    s->cpus = xcalloc(s->ncpus, sizeof *s->cpus, "CPUs");
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

    frame_init(s);
    swap_init(s);
    shadow_init(&s->shadows, shadow_max);
    int rc = policy_create(s, cfg_str(cfg, "policy"), cfg_str(cfg, "cow"), err);
    if (rc) {
        if (rc == SIM_ESYS)
            s->err_kind = SIM_ESYS;
        goto fail;
    }
    for (int k = 0; k < 3; k++)
        s->hit_bits[k] = (s->ref_on_walk ? 0 : PTE_REF) | (k == REF_WRITE ? PTE_DIRTY : 0);

    if ((rc = sched_setup(s, cfg, traces, ntraces, err))) {
        s->err_kind = rc == SIM_ESYS ? SIM_ESYS : SIM_EINPUT;
        goto fail;
    }
    stats_init(s);
    return 0;
fail:
    return -1;
}

void sim_free(sim_t *s)
{
    if (!s)
        return;
    policy_destroy(s);
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
    dev_free(s->swap_dev);
    dev_free(s->file_dev);
    if (s->frames) {
        frame_destroy(s);
        swap_destroy(s);
        shadow_destroy(&s->shadows);
    }
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

/* The atomic write, in two halves so that a run can create its output before it starts:
 * an output that cannot be written (no such directory, no permission, a read-only file
 * system) fails at once instead of after the run. The temporary file is PATH.tmp.PID in
 * the output's own directory (rename needs the same file system); the commit writes it,
 * fsyncs it, renames it and fsyncs the directory, so that after a crash the result is either
 * absent or whole (never a 0-byte file that a resumed sweep takes for "done"). Failures are
 * the machine's: SIM_ESYS. */
int sim_out_open(sim_out_t *o, const char *path, char *err)
{
    memset(o, 0, sizeof *o);
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    o->path = path;
    struct stat st;
    if (!stat(path, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* A device or a FIFO (-o /dev/null, /dev/stdout, a pipe): written in place. A
         * temporary file renamed over it would replace the device with a regular file. */
        if (!(o->f = fopen(path, "w"))) {
            snprintf(err, SIM_ERR_LEN, "%s: cannot open the output: %s", path, strerror(errno));
            return SIM_ESYS;
        }
        o->direct = 1;
        return 0;
    }
    size_t n = strlen(path) + 32;
    o->tmp = xmalloc(n, "an output file name");
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
        snprintf(err, SIM_ERR_LEN, "%s: cannot create the output: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->tmp);
        o->tmp = NULL;
        return SIM_ESYS;
    }
    return 0;
}

void sim_out_abort(sim_out_t *o)
{
    if (o->direct)
        fclose(o->f);
    if (o->tmp) {
        if (o->f)
            fclose(o->f);
        unlink(o->tmp);
        free(o->tmp);
    }
    memset(o, 0, sizeof *o);
}

static int fsync_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    /* Some file systems cannot fsync a directory (EINVAL): the rename is then as durable as
     * they make it. */
    if (rc && (errno == EINVAL || errno == EROFS))
        rc = 0;
    close(fd);
    return rc;
}

int sim_out_commit(sim_out_t *o, const json_t *doc, char *err)
{
    int ok = !json_dumpf(doc, o->f, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) && fputc('\n', o->f) != EOF;
    if (!o->tmp) {                                   /* standard output, a device, a FIFO */
        ok = !fflush(o->f) && !ferror(o->f) && ok;
        int e = errno;
        if (o->direct && fclose(o->f))
            ok = 0;
        if (!ok) {
            if (o->direct)
                snprintf(err, SIM_ERR_LEN, "%s: cannot write: %s", o->path, strerror(e ? e : EIO));
            else
                snprintf(err, SIM_ERR_LEN, "cannot write results to standard output: %s",
                         strerror(e ? e : EIO));
        }
        memset(o, 0, sizeof *o);
        return ok ? 0 : SIM_ESYS;
    }
    errno = 0;
    ok = ok && !fflush(o->f) && !fsync(fileno(o->f));
    int e = errno;
    if (fclose(o->f) && ok) {
        ok = 0;
        e = errno;
    }
    o->f = NULL;
    if (ok && rename(o->tmp, o->path)) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        snprintf(err, SIM_ERR_LEN, "%s: cannot write: %s", o->path, strerror(e ? e : EIO));
        sim_out_abort(o);
        return SIM_ESYS;
    }
    if (fsync_dir_of(o->path)) {
        snprintf(err, SIM_ERR_LEN, "%s: written, but its directory cannot be synced: %s", o->path,
                 strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return SIM_ESYS;
    }
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return 0;
}

int sim_out_write(const json_t *doc, const char *path, char *err)
{
    sim_out_t o;
    int rc = sim_out_open(&o, path, err);
    return rc ? rc : sim_out_commit(&o, doc, err);
}

int sim_run(sim_t *s, char *err)
{
    SIM_ASSERT(s, !s->finished);
    int rc = sched_run(s, err);
    if (!rc)
        s->finished = 1;
    return rc;
}

json_t *sim_results(const sim_t *s)
{
    return stats_json(s);
}

/* sim_run with the error trap (xalloc.h): out of memory or an overflow of simulated time
 * deep in a step comes back as its kind and message. */
static int sim_run_caught(sim_t *s, char *err)
{
    xtrap_t trap;
    xtrap_push(&trap);
    if (setjmp(trap.jb)) {
        xtrap_pop(&trap);
        snprintf(err, SIM_ERR_LEN, "%s", trap.msg);
        return trap.kind;
    }
    int rc = sim_run(s, err);
    if (!rc)
        cpu_clock_check(s, s->end_time);
    xtrap_pop(&trap);
    return rc ? (rc == SIM_ESYS ? SIM_ESYS : SIM_EINPUT) : 0;
}

int sim_run_to_file(const json_t *cfg, const char *const *traces, int ntraces, const char *path,
                    progress_t *progress, char *err)
{
    sim_out_t out;
    int rc = sim_out_open(&out, path, err);       /* before the run: fail at once */
    if (rc)
        return rc;
    rc = SIM_EINPUT;
    sim_t *s = sim_create_kind(cfg, traces, ntraces, progress, err, &rc);
    if (!s) {
        sim_out_abort(&out);
        return rc;
    }
    rc = sim_run_caught(s, err);
    if (!rc) {
        json_t *doc = sim_results(s);
        json_t *w;
        size_t i;
        json_array_foreach(json_object_get(doc, "warnings"), i, w)
            fprintf(stderr, "pagesim: warning: %s\n", json_string_value(w));
        rc = sim_out_commit(&out, doc, err);
        json_decref(doc);
    } else {
        sim_out_abort(&out);
    }
    sim_free(s);
    return rc;
}
