/* gen_synth.c - synthetic workloads from a JSON spec: processes, areas, reference patterns.
 *
 * A spec (`pagesim run --workload SPEC.json`, or any trace argument detected as one) lists
 * processes, each with areas (mmap'd at its start), phases of references and events:
 *
 *   {"interleave": 1000,                      references per turn in file order (trace schedule)
 *    "processes": [
 *      {"pid": 1, "count": 1,                 count > 1: identical copies with pids pid, pid+1, ...
 *       "parent": 0,                          a child: created by its parent's fork event instead
 *       "areas": [{"name": "heap", "start": "0x10000000", "pages": 1024, "prot": "rw-",
 *                  "backing": "anon" | "file:NAME[@OFFSET]", "sharing": "private" | "shared",
 *                  "inherited": false}],      a child's areas default to inherited (not mapped)
 *       "phases": [{"references": 100000, "area": "heap", "pattern": "zipf", "alpha": 0.9,
 *                   "offset": 0, "pages": 512, "write_fraction": 0.3, "fetch_fraction": 0}],
 *       "events": [{"at": 50000, "fork": 2}, {"at": 80000, "munmap": "heap"}]}]}
 *
 * Patterns (pages within [offset, offset+pages) of the area): uniform; zipf (rank r with
 * probability proportional to 1/r^alpha, drawn with GSL's Walker alias tables, O(1) per draw,
 * rank 1 the first page: Gray et al., "Quickly generating billion-record synthetic databases",
 * SIGMOD 1994; with "scatter": true rank r+1 is page r * m mod pages for a fixed m coprime to
 * pages, so popular pages are spread over the area as a real heap's would be); seq (a scan that wraps); loop (the same, named for a working-set loop). A
 * process's phases run in order; its end is an exit. Events fire after the process's `at`-th
 * reference. Every draw comes from the run's GSL rng (wl->rng), so a seed fixes the stream.
 *
 * Order: in a single stream the live processes take turns of `interleave` references (children
 * join the turn order when forked). Under the rr schedule each process reads its own copy of
 * the stream filtered by pid (sched.c), so the turns only fix the order of rng draws. Memory:
 * the spec plus one alias table per zipf phase, never the references. */
#include "wl_priv.h"
#include "sim/base/xalloc.h"

#include <gsl/gsl_randist.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PAT_UNIFORM, PAT_ZIPF, PAT_SEQ };

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The odd multiplier near pages / golden ratio that is coprime to pages, so that
 * r -> r * m mod pages is a bijection scattering neighbouring ranks far apart (Knuth's
 * multiplicative hashing, TAOCP vol. 3, 6.4). Deterministic: it depends on pages only. */
static uint64_t scatter_multiplier(uint64_t pages)
{
    uint64_t m = (uint64_t)((double)pages * 0.6180339887498949) | 1;
    while (gcd_u64(m, pages) != 1)
        m += 2;
    return m;
}

typedef struct area {
    char name[64];
    uint64_t start, pages;
    uint8_t prot, flags;
    char file[256];
    uint64_t offset;
    int inherited;       /* a child's area from its parent: named, not mapped again */
} area_t;

typedef struct phase {
    uint64_t refs, offset, pages;
    int area, pattern;
    double write_fraction, fetch_fraction;
    gsl_ran_discrete_t *zipf;
    uint64_t scatter;    /* zipf "scatter": rank r is page r * scatter mod pages (0: page r) */
} phase_t;

typedef struct sevent {
    uint64_t at;
    int kind;            /* WL_FORK, WL_MUNMAP, WL_EXIT */
    spid_t child;
    int area;
} sevent_t;

typedef struct sproc {
    spid_t pid, parent;
    area_t *areas; int nareas;
    phase_t *phases; int nphases;
    sevent_t *events; int nevents;
    /* generation state */
    int live, started, done;
    int phase, next_event, areas_emitted;
    uint64_t in_phase, refs, seq;
} sproc_t;

typedef struct synth {
    sproc_t *procs; int nprocs;
    uint64_t interleave;
    int turn;            /* index of the process whose turn it is */
    uint64_t in_turn;
} synth_t;

static int bad(wl_t *wl, const char *where, const char *what)
{
    return sim_err_set(&wl->err, SIM_EINPUT, "%s: %s: %s", wl->path, where, what);
}

static int get_u64(json_t *o, const char *key, uint64_t def, uint64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (json_is_string(v)) {             /* decimal or 0x hex: 010 is ten, never octal */
        const char *p = json_string_value(v);
        return wl_parse_num(&p, out) == 0 && !*p ? 0 : -1;
    }
    return -1;
}

static int parse_area(wl_t *wl, json_t *a, area_t *out, const char *where)
{
    const char *name = json_string_value(json_object_get(a, "name"));
    const char *prot = json_string_value(json_object_get(a, "prot"));
    const char *backing = json_string_value(json_object_get(a, "backing"));
    const char *sharing = json_string_value(json_object_get(a, "sharing"));
    memset(out, 0, sizeof *out);
    if (!name || strlen(name) >= sizeof out->name)
        return bad(wl, where, "an area needs a \"name\"");
    strcpy(out->name, name);
    if (get_u64(a, "start", 0, &out->start) || get_u64(a, "pages", 0, &out->pages) || !out->pages)
        return bad(wl, where, "an area needs \"start\" (address) and \"pages\" (> 0)");
    prot = prot ? prot : "rw-";
    if (strlen(prot) != 3 || !strchr("r-", prot[0]) || !strchr("w-", prot[1]) || !strchr("x-", prot[2]))
        return bad(wl, where, "\"prot\" must be three characters from rwx and - (e.g. rw-)");
    out->prot = (prot[0] == 'r' ? WL_PROT_R : 0) | (prot[1] == 'w' ? WL_PROT_W : 0) |
                (prot[2] == 'x' ? WL_PROT_X : 0);
    backing = backing ? backing : "anon";
    if (!strcmp(backing, "anon")) {
        out->flags |= WL_MAP_ANON;
    } else if (!strncmp(backing, "file:", 5) && backing[5]) {
        snprintf(out->file, sizeof out->file, "%s", backing + 5);
        char *at = strrchr(out->file, '@');
        const char *q = at ? at + 1 : NULL;   /* as in the text format: an @ not followed by
                                                 a number (decimal or 0x) is the name's */
        if (at && at > out->file && wl_parse_num(&q, &out->offset) == 0 && !*q)
            *at = '\0';
        else
            out->offset = 0;
    } else {
        return bad(wl, where, "\"backing\" must be anon or file:NAME[@OFFSET]");
    }
    sharing = sharing ? sharing : "private";
    if (!strcmp(sharing, "shared"))
        out->flags |= WL_MAP_SHARED;
    else if (strcmp(sharing, "private"))
        return bad(wl, where, "\"sharing\" must be private or shared");
    return 0;
}

static int find_area(const sproc_t *p, const char *name)
{
    for (int i = 0; i < p->nareas; i++)
        if (!strcmp(p->areas[i].name, name))
            return i;
    return -1;
}

static int parse_proc(wl_t *wl, json_t *jp, sproc_t *p, int idx)
{
    char where[96];
    snprintf(where, sizeof where, "processes[%d]", idx);
    uint64_t pid, parent;
    if (get_u64(jp, "pid", 0, &pid) || !pid || pid > UINT32_MAX)
        return bad(wl, where, "needs a \"pid\" from 1");
    if (get_u64(jp, "parent", 0, &parent))
        return bad(wl, where, "\"parent\" must be a pid");
    p->pid = (spid_t)pid;
    p->parent = (spid_t)parent;
    json_t *areas = json_object_get(jp, "areas"), *phases = json_object_get(jp, "phases"),
           *events = json_object_get(jp, "events");
    p->nareas = (int)json_array_size(areas);
    p->areas = xcalloc((size_t)p->nareas + 1, sizeof *p->areas, "a synthetic workload");
    for (int i = 0; i < p->nareas; i++) {
        char w[128];
        snprintf(w, sizeof w, "%s.areas[%d]", where, i);
        json_t *ja = json_array_get(areas, (size_t)i);
        if (parse_area(wl, ja, &p->areas[i], w))
            return -1;
        json_t *inh = json_object_get(ja, "inherited");
        p->areas[i].inherited = inh ? json_is_true(inh) : p->parent != 0;
    }
    p->nphases = (int)json_array_size(phases);
    if (!p->nphases)
        return bad(wl, where, "needs at least one entry in \"phases\"");
    p->phases = xcalloc((size_t)p->nphases, sizeof *p->phases, "a synthetic workload");
    for (int i = 0; i < p->nphases; i++) {
        char w[128];
        snprintf(w, sizeof w, "%s.phases[%d]", where, i);
        json_t *jf = json_array_get(phases, (size_t)i);
        phase_t *f = &p->phases[i];
        const char *an = json_string_value(json_object_get(jf, "area"));
        const char *pat = json_string_value(json_object_get(jf, "pattern"));
        if (get_u64(jf, "references", 0, &f->refs) || !f->refs)
            return bad(wl, w, "needs \"references\" > 0");
        if (!an || (f->area = find_area(p, an)) < 0)
            return bad(wl, w, "\"area\" must name one of the process's areas (a child names its own)");
        const area_t *a = &p->areas[f->area];
        if (get_u64(jf, "offset", 0, &f->offset) || get_u64(jf, "pages", a->pages - (f->offset < a->pages ? f->offset : 0), &f->pages) ||
            !f->pages || f->offset + f->pages > a->pages)
            return bad(wl, w, "\"offset\" and \"pages\" must select pages inside the area");
        json_t *wf = json_object_get(jf, "write_fraction"), *xf = json_object_get(jf, "fetch_fraction");
        f->write_fraction = wf ? json_number_value(wf) : 0;
        f->fetch_fraction = xf ? json_number_value(xf) : 0;
        if (f->write_fraction < 0 || f->fetch_fraction < 0 || f->write_fraction + f->fetch_fraction > 1)
            return bad(wl, w, "write_fraction and fetch_fraction must be >= 0 and add up to at most 1");
        if (!pat || !strcmp(pat, "uniform")) {
            f->pattern = PAT_UNIFORM;
        } else if (!strcmp(pat, "seq") || !strcmp(pat, "loop") || !strcmp(pat, "scan")) {
            f->pattern = PAT_SEQ;
        } else if (!strcmp(pat, "zipf")) {
            json_t *al = json_object_get(jf, "alpha");
            double alpha = al ? json_number_value(al) : 1.0;
            if (alpha < 0 || f->pages > 50000000)
                return bad(wl, w, "zipf needs alpha >= 0 and at most 5e7 pages");
            double *wts = xcalloc(f->pages, sizeof *wts, "Zipf weights");
            for (uint64_t r = 0; r < f->pages; r++)
                wts[r] = 1.0 / pow((double)(r + 1), alpha);
            f->zipf = gsl_ran_discrete_preproc(f->pages, wts);
            free(wts);
            f->pattern = PAT_ZIPF;
            json_t *sc = json_object_get(jf, "scatter");
            if (sc && !json_is_boolean(sc))
                return bad(wl, w, "\"scatter\" must be true or false");
            if (json_is_true(sc) && f->pages > 1)
                f->scatter = scatter_multiplier(f->pages);
        } else {
            return bad(wl, w, "\"pattern\" must be uniform, zipf, seq or loop");
        }
    }
    p->nevents = (int)json_array_size(events);
    p->events = xcalloc((size_t)p->nevents + 1, sizeof *p->events, "a synthetic workload");
    for (int i = 0; i < p->nevents; i++) {
        char w[128];
        snprintf(w, sizeof w, "%s.events[%d]", where, i);
        json_t *je = json_array_get(events, (size_t)i);
        sevent_t *e = &p->events[i];
        uint64_t child;
        if (get_u64(je, "at", 0, &e->at))
            return bad(wl, w, "needs \"at\" (the process's reference count)");
        if (i && e->at < p->events[i - 1].at)
            return bad(wl, w, "events must be in order of \"at\"");
        if (json_object_get(je, "fork")) {
            if (get_u64(je, "fork", 0, &child) || !child || child > UINT32_MAX)
                return bad(wl, w, "\"fork\" names the child's pid");
            e->kind = WL_FORK;
            e->child = (spid_t)child;
        } else if (json_object_get(je, "munmap")) {
            const char *an = json_string_value(json_object_get(je, "munmap"));
            if (!an || (e->area = find_area(p, an)) < 0)
                return bad(wl, w, "\"munmap\" must name one of the process's areas");
            e->kind = WL_MUNMAP;
        } else if (json_is_true(json_object_get(je, "exit"))) {
            e->kind = WL_EXIT;
        } else {
            return bad(wl, w, "an event is {\"at\": N, \"fork\": PID | \"munmap\": AREA | \"exit\": true}");
        }
    }
    return 0;
}

static void free_state(synth_t *st)
{
    if (!st)
        return;
    for (int i = 0; i < st->nprocs; i++) {
        sproc_t *p = &st->procs[i];
        for (int j = 0; j < p->nphases; j++)
            if (p->phases[j].zipf)
                gsl_ran_discrete_free(p->phases[j].zipf);
        free(p->areas);
        free(p->phases);
        free(p->events);
    }
    free(st->procs);
    free(st);
}

static void reset(synth_t *st)
{
    for (int i = 0; i < st->nprocs; i++) {
        sproc_t *p = &st->procs[i];
        p->live = p->parent == 0;
        p->started = p->done = 0;
        p->phase = p->next_event = p->areas_emitted = 0;
        p->in_phase = p->refs = p->seq = 0;
    }
    st->turn = 0;
    st->in_turn = 0;
}

static int synth_open(wl_t *wl)
{
    /* Read the whole spec (small) from the input layer, so gzip/zstd specs work too. */
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap, "a workload spec");
    long got;
    while ((got = wl_input_read(wl->in, buf + n, cap - n)) > 0) {
        n += (size_t)got;
        if (n == cap)
            buf = xrealloc(buf, cap *= 2, "a workload spec");
    }
    json_error_t je;
    json_t *doc = got < 0 ? NULL : json_loadb(buf, n, 0, &je);
    free(buf);
    if (!doc) {
        if (got < 0)
            return sim_err_set(&wl->err, SIM_EINPUT, "%s: %s", wl->path, wl_input_error(wl->in));
        return sim_err_set(&wl->err, SIM_EINPUT, "%s:%d: %s", wl->path, je.line, je.text);
    }
    synth_t *st = xcalloc(1, sizeof *st, "a synthetic workload");
    json_t *procs = json_object_get(doc, "processes");
    int rc = 0;
    if (!json_is_array(procs) || !json_array_size(procs)) {
        rc = bad(wl, "spec", "needs a non-empty \"processes\" array");
        goto out;
    }
    if (get_u64(doc, "interleave", 1000, &st->interleave) || !st->interleave) {
        rc = bad(wl, "spec", "\"interleave\" must be a positive number of references");
        goto out;
    }
    int total = 0;
    for (size_t i = 0; i < json_array_size(procs); i++) {
        uint64_t count;
        if (get_u64(json_array_get(procs, i), "count", 1, &count) || !count || count > 4096) {
            rc = bad(wl, "spec", "\"count\" must be from 1 to 4096");
            goto out;
        }
        total += (int)count;
    }
    st->procs = xcalloc((size_t)total, sizeof *st->procs, "a synthetic workload");
    for (size_t i = 0; i < json_array_size(procs); i++) {
        json_t *jp = json_array_get(procs, i);
        uint64_t count;
        get_u64(jp, "count", 1, &count);
        for (uint64_t k = 0; k < count; k++) {
            sproc_t *p = &st->procs[st->nprocs++];
            if (parse_proc(wl, jp, p, (int)i)) {
                rc = -1;
                goto out;
            }
            p->pid += (spid_t)k;
        }
    }
    /* Every pid once; every forked child declared with that parent; every parent exists. */
    for (int i = 0; i < st->nprocs; i++) {
        for (int j = 0; j < i; j++)
            if (st->procs[j].pid == st->procs[i].pid) {
                rc = bad(wl, "spec", "two processes have the same pid");
                goto out;
            }
        for (int e = 0; e < st->procs[i].nevents; e++) {
            if (st->procs[i].events[e].kind != WL_FORK)
                continue;
            int found = 0;
            for (int j = 0; j < st->nprocs; j++)
                found |= st->procs[j].pid == st->procs[i].events[e].child && st->procs[j].parent == st->procs[i].pid;
            if (!found) {
                rc = bad(wl, "spec", "a fork event names a child that is not declared with \"parent\" set to the forking pid");
                goto out;
            }
        }
    }
out:
    json_decref(doc);
    if (rc) {
        free_state(st);
        return -1;
    }
    reset(st);
    wl->state = st;
    return 0;
}

static sproc_t *by_pid(synth_t *st, spid_t pid)
{
    for (int i = 0; i < st->nprocs; i++)
        if (st->procs[i].pid == pid)
            return &st->procs[i];
    return NULL;
}

/* The next record of process p, 1; or 0 when it has finished. */
static int proc_next(wl_t *wl, synth_t *st, sproc_t *p, wl_rec_t *r)
{
    memset(r, 0, sizeof *r);
    r->pid = p->pid;
    r->size = 1;
    while (p->areas_emitted < p->nareas && p->areas[p->areas_emitted].inherited)
        p->areas_emitted++;
    if (p->areas_emitted < p->nareas) {                   /* its own areas come first */
        const area_t *a = &p->areas[p->areas_emitted++];
        r->type = WL_MMAP;
        r->addr = a->start;
        r->len = a->pages << wl->page_shift;
        r->prot = a->prot;
        r->flags = a->flags;
        r->file = a->file[0] ? a->file : NULL;
        r->offset = a->offset;
        return 1;
    }
    if (p->next_event < p->nevents && p->events[p->next_event].at <= p->refs) {
        const sevent_t *e = &p->events[p->next_event++];
        r->type = (uint8_t)e->kind;
        if (e->kind == WL_FORK) {
            r->pid2 = e->child;
            sproc_t *c = by_pid(st, e->child);
            c->live = 1;
        } else if (e->kind == WL_MUNMAP) {
            r->addr = p->areas[e->area].start;
            r->len = p->areas[e->area].pages << wl->page_shift;
        } else {
            p->done = 1;
        }
        return 1;
    }
    if (p->done)
        return 0;
    if (p->phase >= p->nphases) {
        p->done = 1;
        r->type = WL_EXIT;
        return 1;
    }
    phase_t *f = &p->phases[p->phase];
    const area_t *a = &p->areas[f->area];
    uint64_t page;
    switch (f->pattern) {
    case PAT_ZIPF:
        page = gsl_ran_discrete(wl->rng, f->zipf);
        if (f->scatter)
            page = page * f->scatter % f->pages;
        break;
    case PAT_SEQ: page = p->seq++ % f->pages; break;
    default: page = gsl_rng_uniform_int(wl->rng, f->pages); break;
    }
    double u = (f->write_fraction > 0 || f->fetch_fraction > 0) ? gsl_rng_uniform(wl->rng) : 1.0;
    r->type = WL_REF;
    r->kind = u < f->write_fraction ? REF_WRITE : u < f->write_fraction + f->fetch_fraction ? REF_IFETCH : REF_READ;
    r->size = 8;
    r->addr = a->start + ((f->offset + page) << wl->page_shift);
    p->refs++;
    if (++p->in_phase == f->refs) {
        p->phase++;
        p->in_phase = 0;
        p->seq = 0;
    }
    return 1;
}

static int synth_next(wl_t *wl, wl_rec_t *r)
{
    synth_t *st = wl->state;
    for (int tries = 0; tries <= 2 * st->nprocs; tries++) {
        sproc_t *p = &st->procs[st->turn];
        if (p->live && !(p->done && p->next_event >= p->nevents && p->areas_emitted >= p->nareas)) {
            if (st->in_turn < st->interleave && proc_next(wl, st, p, r)) {
                if (r->type == WL_REF)
                    st->in_turn++;
                wl->line++;
                return 1;
            }
        }
        st->turn = (st->turn + 1) % st->nprocs;
        st->in_turn = 0;
    }
    return 0;
}

static int synth_rewind(wl_t *wl)
{
    reset(wl->state);
    wl->line = 0;
    return 0;
}

static void synth_close(wl_t *wl)
{
    free_state(wl->state);
    wl->state = NULL;
}

/* A JSON object mentioning "processes" near its start. */
static int synth_probe(const char *head, size_t n)
{
    size_t i = 0;
    while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\t' || head[i] == '\r'))
        i++;
    if (i >= n || head[i] != '{')
        return 0;
    return memmem(head, n, "\"processes\"", 11) ? 95 : 0;
}

const wl_ops_t wl_synth_ops = {
    .name = "synthetic",
    .generator = 1,
    .summary = "a JSON workload spec: processes, areas, zipf/uniform/seq phases, fork/munmap/exit events",
    .probe = synth_probe,
    .open = synth_open,
    .next = synth_next,
    .rewind = synth_rewind,
    .close = synth_close,
};
