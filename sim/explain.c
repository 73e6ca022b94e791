/* explain.c - explain mode (`pagesim run --explain`): one line per page reference, for
 * reading a small run as a textbook exercise reads.
 *
 * In the manner of OSTEP's paging-policy.py -c (Arpaci-Dusseau, "Operating Systems: Three
 * Easy Pieces", ch. 22): each line gives the reference (r/w/x and its page: the vpn in a
 * one-process trace, pid:vpn with several), hit or the kinds of fault it took (fault.c's
 * names: demand_zero, swap_in, cow...), the victims evicted for it (and whether each was
 * written back), and the policy's state after it in the policy's own order, which the policy
 * describes through its optional repl_ops_t.explain hook (policies/repl.h, repl_explain_t);
 * a policy without one is shown as its tracked frames in frame order. The last line gives
 * hits, faults and the hit ratio.
 *
 * How it hooks in without costing a normal run anything. The engine already looks, after
 * every page reference, whether the policy's reference timer is due (policy.h,
 * policy_refs_tick: one compare against s->ref_due). Explain mode keeps ref_due at the next
 * reference, so that tick fires after every one (policy.c, policy_refs_fire) and calls
 * explain_ref with the reference; a binary trace's runs are then never taken whole (their
 * references are all shown), which changes no result. To see victims, explain mode stands
 * between the engine and the policy: s->repl and s->repl_state become a copy of the policy's
 * table whose hooks (the same ones set, the same flags) call the policy's own with its state,
 * select_victim also naming the victim before it is unmapped; so it is the one place besides
 * policy.h that calls a policy, and a normal run has no test for it anywhere. The policy's
 * explain hook is called from here. A reference's outcome is the change in its process's fault counters
 * since its last line, so under rr a reference that blocked is shown when it completes, with
 * the victims taken for it. Victims of background reclaim (no process) go on the next line.
 * Releases a policy makes itself (env->release) are not shown as victims. A buffered `read`
 * or `write` record gets a line of its own (explain_io, from fileio.c): the file's pages, how
 * many were in the page cache, the victims taken for the others, the policy's state; it is
 * not numbered as a memory reference and not in the totals.
 *
 * Names: an anonymous page is named by the first (pid, vpn) that referenced it (it keeps
 * its key through swap and fork: repl.h), a file page by its file and index ("lib.so@3"),
 * a page of the implicit file (implicit=file) by its index, which is its vpn. Ghost keys are
 * named the same way; a key explain never saw is "?".
 *
 * Cost: O(frames + the policy's lists) per reference, and a pass over the traces before the
 * run to count accesses and processes; explain refuses traces of more than
 * EXPLAIN_MAX_ACCESSES accesses (its output is for reading). */
#include "sim_int.h"
#include "explain.h"
#include "fault.h"
#include "mmu.h"
#include "policy.h"
#include "proc.h"
#include "sim/base/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct explain_name {
    uint32_t trace;
    spid_t pid;                   /* as the file writes it */
    vpn_t vpn;
} explain_name_t;

typedef struct explain_victim {
    spid_t pid;                   /* the request's process (REPL_PID_NONE: background) */
    int written;                  /* its eviction writes it back */
    char name[80];
} explain_victim_t;

struct explain {
    sim_t *s;
    repl_ops_t ops;               /* the policy's table, each hook one of ex_* below */
    const repl_ops_t *inner;      /* the policy itself and its state */
    void *inner_state;
    FILE *out;
    int multi, files;             /* several processes: pid:vpn; several files: file.pid:vpn */
    u64map_t names;               /* anonymous page key -> 1 + index into name[] */
    explain_name_t *name; size_t nname, capname;
    uint64_t (*snap)[FK_N]; uint32_t capsnap;   /* by process index: faults at its last line */
    explain_victim_t *victim; size_t nvictim, capvictim;
    uint64_t n_refs, n_hits, n_faults, n_skipped;
    char *line; size_t len, cap;  /* the line being built */
    int space;                    /* the next item needs a space before it */
    repl_explain_t x;
};

/* ---- the line being built ---- */

static void ex_putv(explain_t *e, const char *fmt, va_list ap)
{
    for (;;) {
        va_list aq;
        va_copy(aq, ap);
        int n = vsnprintf(e->line + e->len, e->cap - e->len, fmt, aq);
        va_end(aq);
        if (n < 0)
            return;
        if ((size_t)n < e->cap - e->len) {
            e->len += (size_t)n;
            return;
        }
        e->cap = 2 * e->cap + (size_t)n;
        e->line = xrealloc(e->line, e->cap, "an explain line");
    }
}

static void ex_put(explain_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ex_put(explain_t *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ex_putv(e, fmt, ap);
    va_end(ap);
}

/* Pads the line with spaces to column col (at least one space). */
static void ex_pad(explain_t *e, size_t col)
{
    do
        ex_put(e, " ");
    while (e->len < col);
}

static void ex_item(explain_t *e)
{
    if (e->space)
        ex_put(e, " ");
    e->space = 1;
}

/* ---- names ---- */

static void ex_fmt_name(const explain_t *e, const explain_name_t *nm, char *buf, size_t n)
{
    if (e->files)
        snprintf(buf, n, "%u.%u:%llu", nm->trace + 1, nm->pid, (unsigned long long)nm->vpn);
    else if (e->multi)
        snprintf(buf, n, "%u:%llu", nm->pid, (unsigned long long)nm->vpn);
    else
        snprintf(buf, n, "%llu", (unsigned long long)nm->vpn);
}

static explain_name_t ex_proc_name(const sim_t *s, spid_t pid, vpn_t vpn)
{
    explain_name_t nm = {.vpn = vpn};
    nm.pid = proc_file_pid(s, pid, &nm.trace);
    return nm;
}

/* An anonymous page's key first seen at (pid, vpn): remembered as its name. */
static void ex_learn(explain_t *e, page_key_t key, explain_name_t nm)
{
    if (!key || !page_key_is_anon(key) || u64map_find(&e->names, key))
        return;
    if (e->nname == e->capname) {
        e->capname = e->capname ? 2 * e->capname : 64;
        e->name = xrealloc(e->name, xmul(e->capname, sizeof *e->name, "explain names"), "explain names");
    }
    e->name[e->nname++] = nm;
    u64map_put(&e->names, key, e->nname);
}

/* A mapped anonymous page keeps its name while that (pid, vpn) still maps it; else it takes
 * the name of a mapping it has now (a page shared after fork whose first mapper copied it
 * or exited: the name says who maps it). */
static void ex_mapped_name(explain_t *e, page_key_t key, pfn_t pfn)
{
    const sim_t *s = e->s;
    const uint64_t *i = u64map_find(&e->names, key);
    explain_name_t first = {0};
    int have = 0;
    for (uint32_t n = s->frames[pfn].rmap; n; n = s->rmap[n].next) {
        uint32_t pi = s->mms[s->rmap[n].mm].proc;
        if (!pi)
            continue;
        explain_name_t nm = ex_proc_name(s, s->procs[pi - 1].pid, s->rmap[n].pte->vpn);
        if (i && e->name[*i - 1].trace == nm.trace && e->name[*i - 1].pid == nm.pid &&
            e->name[*i - 1].vpn == nm.vpn)
            return;                           /* its name still maps it */
        if (!have)
            first = nm;
        have = 1;
    }
    if (!have)
        return;
    if (i)
        e->name[*i - 1] = first;
    else
        ex_learn(e, key, first);
}

/* The name of the page with this key (held in pfn, or PFN_NONE for a ghost). */
static void ex_key_name(explain_t *e, page_key_t key, pfn_t pfn, char *buf, size_t n)
{
    const sim_t *s = e->s;
    if (key && !page_key_is_anon(key)) {
        uint32_t obj = (uint32_t)(key >> 40);
        unsigned long long index = key & ((1ULL << 40) - 1);
        if (obj == s->vma_implicit.obj)
            snprintf(buf, n, "%llu", index);
        else if (obj < s->nobjs && s->objs[obj].name)
            snprintf(buf, n, "%s@%llu", s->objs[obj].name, index);
        else
            snprintf(buf, n, "shm%u@%llu", obj, index);
        return;
    }
    if (key && pfn != PFN_NONE && s->frames[pfn].rmap)
        ex_mapped_name(e, key, pfn);
    const uint64_t *i = key ? u64map_find(&e->names, key) : NULL;
    if (i)
        ex_fmt_name(e, &e->name[*i - 1], buf, n);
    else
        snprintf(buf, n, "?");
}

/* ---- what a policy's hook calls (repl_explain_t) ---- */

static void ex_begin(repl_explain_t *x, const char *name)
{
    explain_t *e = x->eng;
    ex_item(e);
    ex_put(e, "%s[", name ? name : "");
    e->space = 0;
}

static void ex_end(repl_explain_t *x)
{
    explain_t *e = x->eng;
    ex_put(e, "]");
    e->space = 1;
}

static void ex_page(explain_t *e, page_key_t key, pfn_t pfn, const char *pre, const char *post)
{
    char nm[96];
    ex_key_name(e, key, pfn, nm, sizeof nm);
    ex_item(e);
    ex_put(e, "%s%s%s", pre ? pre : "", nm, post ? post : "");
}

static void ex_frame(repl_explain_t *x, pfn_t pfn, const char *pre, const char *post)
{
    explain_t *e = x->eng;
    SIM_ASSERT(e->s, pfn < e->s->nframes);
    ex_page(e, e->s->frames[pfn].key, pfn, pre, post);
}

static void ex_ghost(repl_explain_t *x, page_key_t key, const char *pre, const char *post)
{
    ex_page(x->eng, key, PFN_NONE, pre, post);
}

static void ex_text(repl_explain_t *x, const char *fmt, ...)
{
    explain_t *e = x->eng;
    ex_item(e);
    va_list ap;
    va_start(ap, fmt);
    ex_putv(e, fmt, ap);
    va_end(ap);
}

static int ex_referenced(repl_explain_t *x, pfn_t pfn)
{
    const sim_t *s = ((explain_t *)x->eng)->s;
    if (s->frames[pfn].flags & FR_SOFTREF)                 /* a buffered access (fileio.c) */
        return 1;
    for (uint32_t n = s->frames[pfn].rmap; n; n = s->rmap[n].next)
        if (s->rmap[n].pte->flags & PTE_REF)
            return 1;
    return 0;
}

/* ---- the run ---- */

/* Counts the traces' accesses and (file, pid) pairs; refuses what explain cannot show. */
static int ex_scan(sim_t *s, explain_t *e, sim_err_t *err)
{
    if (!strcmp(s->format, "synthetic"))
        return sim_err_set(err, SIM_EINPUT, "--explain takes trace files, not a synthetic workload");
    uint64_t accesses = 0;
    u64map_t pids;
    u64map_init(&pids);
    for (int i = 0; i < s->ntraces; i++) {
        struct stat st;
        if (stat(s->traces[i], &st) || !S_ISREG(st.st_mode)) {
            u64map_free(&pids);
            return sim_err_set(err, SIM_EINPUT, "%s: --explain reads its traces twice (to count "
                               "them first): give it a file, not a pipe", s->traces[i]);
        }
        wl_t *wl = wl_open(s->traces[i], s->format, NULL, err);
        if (!wl) {
            u64map_free(&pids);
            return err->kind ? err->kind : SIM_EINPUT;
        }
        wl_rec_t r;
        int rc;
        while ((rc = wl_next(wl, &r)) > 0) {
            if (r.type == WL_REF)
                accesses++;
            u64map_put(&pids, ((uint64_t)i << 32 | r.pid) + 1, 1);
            if (r.type == WL_FORK)
                u64map_put(&pids, ((uint64_t)i << 32 | r.pid2) + 1, 1);
            if (accesses > EXPLAIN_MAX_ACCESSES)
                break;
        }
        if (rc < 0)
            *err = wl->err;
        wl_close(wl);
        if (rc < 0) {
            u64map_free(&pids);
            return err->kind;
        }
        if (accesses > EXPLAIN_MAX_ACCESSES) {
            u64map_free(&pids);
            return sim_err_set(err, SIM_EINPUT, "%s: --explain shows at most %d accesses (a line "
                               "each); this trace has more", s->traces[i], EXPLAIN_MAX_ACCESSES);
        }
    }
    e->multi = pids.n > 1;
    e->files = s->ntraces > 1;
    u64map_free(&pids);
    return 0;
}

static void ex_interpose(sim_t *s, explain_t *e);

int explain_start(sim_t *s, FILE *out, sim_err_t *err)
{
    SIM_ASSERT(s, !s->explain && s->vt == 0);
    explain_t *e = xcalloc(1, sizeof *e, "explain mode");
    e->s = s;
    e->out = out;
    u64map_init(&e->names);
    e->x = (repl_explain_t){.eng = e, .begin = ex_begin, .end = ex_end, .frame = ex_frame,
                            .ghost = ex_ghost, .text = ex_text, .referenced = ex_referenced};
    int rc = ex_scan(s, e, err);
    if (rc) {
        explain_free(e);
        return rc;
    }
    s->explain = e;
    ex_interpose(s, e);
    policy_refs_rearm(s);
    fprintf(out, "policy %s, %u frames%s; per reference: hit or the fault's kind, the pages "
            "evicted for it, the policy's lists (each from its victim's end; > the hand, * a set "
            "R bit)\n", s->conf.policy_spec[0] ? s->conf.policy_spec : "lru", s->nframes,
            e->multi ? ", pages as pid:vpn" : "");
    fprintf(out, "%6s  %-10s %-13s %-18s %s\n", "ref", "access", "result", "evicted", "state");
    return 0;
}

/* The policy named victim for req: remembered for the line of the reference it was taken for,
 * with whether evicting it writes it back (asked now, while it is still mapped). */
static void ex_note_victim(explain_t *e, const repl_req_t *req, pfn_t victim)
{
    sim_t *s = e->s;
    if (e->nvictim == e->capvictim) {
        e->capvictim = e->capvictim ? 2 * e->capvictim : 8;
        e->victim = xrealloc(e->victim, xmul(e->capvictim, sizeof *e->victim, "explain victims"),
                             "explain victims");
    }
    explain_victim_t *v = &e->victim[e->nvictim++];
    v->pid = req->pid;
    v->written = mmu_is_dirty(s, victim);
    ex_key_name(e, s->frames[victim].key, victim, v->name, sizeof v->name);
}

/* ---- the policy, interposed: each hook calls the policy's own ---- */

static pfn_t ex_select_victim(void *st, const repl_req_t *req)
{
    explain_t *e = st;
    pfn_t v = e->inner->select_victim(e->inner_state, req);
    ex_note_victim(e, req, v);
    return v;
}

static void ex_destroy(void *st)
{
    explain_t *e = st;
    e->inner->destroy(e->inner_state);
    e->inner_state = NULL;
}

static void ex_on_hit(void *st, const mem_ref_t *ref, pfn_t pfn)
{
    explain_t *e = st;
    e->inner->on_hit(e->inner_state, ref, pfn);
}

static void ex_on_access(void *st, const mem_ref_t *ref, pfn_t pfn)
{
    explain_t *e = st;
    e->inner->on_access(e->inner_state, ref, pfn);
}

static void ex_on_miss(void *st, const mem_ref_t *ref, const page_id_t *page, const uint64_t *shadow)
{
    explain_t *e = st;
    e->inner->on_miss(e->inner_state, ref, page, shadow);
}

static void ex_on_insert(void *st, const mem_ref_t *ref, const page_id_t *page, pfn_t pfn)
{
    explain_t *e = st;
    e->inner->on_insert(e->inner_state, ref, page, pfn);
}

static int ex_on_remove(void *st, pfn_t pfn, repl_why_t why, uint64_t *shadow)
{
    explain_t *e = st;
    return e->inner->on_remove(e->inner_state, pfn, why, shadow);
}

static void ex_on_map(void *st, pfn_t pfn, spid_t pid, vpn_t vpn, int delta)
{
    explain_t *e = st;
    e->inner->on_map(e->inner_state, pfn, pid, vpn, delta);
}

static void ex_on_proc(void *st, spid_t pid, repl_proc_event_t event)
{
    explain_t *e = st;
    e->inner->on_proc(e->inner_state, pid, event);
}

static sim_time_t ex_on_timer(void *st, sim_time_t now)
{
    explain_t *e = st;
    return e->inner->on_timer(e->inner_state, now);
}

static vtime_t ex_on_refs(void *st, vtime_t t)
{
    explain_t *e = st;
    return e->inner->on_refs(e->inner_state, t);
}

static int ex_check(void *st, const uint8_t *resident)
{
    explain_t *e = st;
    return e->inner->check(e->inner_state, resident);
}

static void ex_stats(void *st, json_t *obj)
{
    explain_t *e = st;
    e->inner->stats(e->inner_state, obj);
}

/* s's policy from now on goes through e (the hooks it has, no others). */
static void ex_interpose(sim_t *s, explain_t *e)
{
    const repl_ops_t *r = s->repl;
    e->inner = r;
    e->inner_state = s->repl_state;
    e->ops = *r;
    e->ops.destroy = ex_destroy;
    e->ops.select_victim = ex_select_victim;
    e->ops.on_insert = ex_on_insert;
    e->ops.on_remove = ex_on_remove;
    e->ops.on_hit = r->on_hit ? ex_on_hit : NULL;
    e->ops.on_miss = r->on_miss ? ex_on_miss : NULL;
    e->ops.on_access = r->on_access ? ex_on_access : NULL;
    e->ops.on_map = r->on_map ? ex_on_map : NULL;
    e->ops.on_proc = r->on_proc ? ex_on_proc : NULL;
    e->ops.on_timer = r->on_timer ? ex_on_timer : NULL;
    e->ops.on_refs = r->on_refs ? ex_on_refs : NULL;
    e->ops.check = r->check ? ex_check : NULL;
    e->ops.stats = r->stats ? ex_stats : NULL;
    /* Every hook that takes the state must be wrapped here (a new one too): the copy's
     * state is this explain_t, not the policy's. */
    e->ops.explain = NULL;                 /* called from explain_ref, on the policy itself */
    e->ops.peek_victim = NULL;             /* hints (speed only), which would be given the */
    e->ops.prefetch_hit = NULL;            /* wrong state: explain mode goes without them */
    s->repl = &e->ops;
    s->repl_state = e;
}

/* The victims taken for pid (or for nobody), in order, removed from the pending list. */
static void ex_victims(explain_t *e, spid_t pid)
{
    size_t shown = 0, kept = 0;
    for (size_t i = 0; i < e->nvictim; i++) {
        explain_victim_t *v = &e->victim[i];
        if (v->pid != pid && v->pid != REPL_PID_NONE) {
            e->victim[kept++] = *v;
            continue;
        }
        ex_put(e, "%s%s%s", shown++ ? ", " : "", v->name, v->written ? " (written back)" : "");
    }
    e->nvictim = kept;
    if (!shown)
        ex_put(e, "-");
}

/* A line's last column, the policy's state (its explain hook, or the tracked frames in frame
 * order), and the line written. */
static void ex_state_end(sim_t *s, explain_t *e)
{
    ex_pad(e, 52);
    e->space = 0;
    if (e->inner->explain) {
        e->inner->explain(e->inner_state, &e->x);
    } else {
        ex_begin(&e->x, "frames");
        for (pfn_t f = 0; f < s->nframes; f++)
            if (s->frames[f].flags & FR_TRACKED)
                ex_frame(&e->x, f, NULL, NULL);
        ex_end(&e->x);
    }
    fprintf(e->out, "%.*s\n", (int)e->len, e->line);
}

void explain_ref(sim_t *s, const proc_t *p, vpn_t vpn, ref_kind_t kind)
{
    explain_t *e = s->explain;
    uint32_t pi = (uint32_t)(p - s->procs);
    if (pi >= e->capsnap) {
        uint32_t cap = e->capsnap ? e->capsnap : 8;
        while (cap <= pi)
            cap *= 2;
        e->snap = xrealloc(e->snap, xmul(cap, sizeof *e->snap, "explain counts"), "explain counts");
        memset(e->snap + e->capsnap, 0, (cap - e->capsnap) * sizeof *e->snap);
        e->capsnap = cap;
    }
    explain_name_t nm = ex_proc_name(s, p->pid, vpn);
    const pte_t *pte = pt_lookup(&s->mms[p->mm].pt, vpn);
    if (pte && (pte->flags & PTE_PRESENT))
        ex_learn(e, s->frames[pte->val].key, nm);

    e->len = 0;
    e->n_refs++;
    ex_put(e, "%6llu  %c ", (unsigned long long)e->n_refs, "RWX"[kind]);
    char buf[96];
    ex_fmt_name(e, &nm, buf, sizeof buf);
    ex_put(e, "%s", buf);
    ex_pad(e, 19);
    int faults = 0, skipped = 0;
    for (int k = 0; k < FK_N; k++)
        for (uint64_t n = e->snap[pi][k]; n < p->n_faults[k]; n++) {
            ex_put(e, "%s%s", faults + skipped ? "+" : "", fault_kind_names[k]);
            if (k == FK_SEGV || k == FK_PROTECTION)
                skipped++;
            else
                faults++;
        }
    memcpy(e->snap[pi], p->n_faults, sizeof e->snap[pi]);
    if (!faults && !skipped) {
        ex_put(e, "hit");
        e->n_hits++;
    }
    e->n_faults += (uint64_t)faults;
    e->n_skipped += skipped > 0;
    ex_pad(e, 33);
    ex_victims(e, p->pid);
    ex_state_end(s, e);
}

void explain_io(sim_t *s, const proc_t *p, const wl_rec_t *r, uint64_t hits, uint64_t misses)
{
    explain_t *e = s->explain;
    e->len = 0;
    uint64_t lo = r->offset >> s->page_shift, hi = (r->offset + r->len - 1) >> s->page_shift;
    char buf[160];
    if (lo == hi)
        snprintf(buf, sizeof buf, "%s@%llu", r->file ? r->file : "", (unsigned long long)lo);
    else
        snprintf(buf, sizeof buf, "%s@%llu-%llu", r->file ? r->file : "", (unsigned long long)lo,
                 (unsigned long long)hi);
    ex_put(e, "%6s  %s ", r->type == WL_READ ? "read" : "write", buf);
    if (s->nprocs > 1)
        ex_put(e, "(pid %u) ", (unsigned)p->pid);
    ex_pad(e, 19);
    ex_put(e, "%llu hit%s, %llu miss%s", (unsigned long long)hits, hits == 1 ? "" : "s",
           (unsigned long long)misses, misses == 1 ? "" : "es");
    ex_pad(e, 33);
    ex_victims(e, p->pid);
    ex_state_end(s, e);
}

int explain_finish(sim_t *s, sim_err_t *err)
{
    explain_t *e = s->explain;
    double ratio = e->n_refs ? (double)e->n_hits / (double)e->n_refs : 0;
    fprintf(e->out, "hits %llu, faults %llu, hit ratio %.4f",
            (unsigned long long)e->n_hits, (unsigned long long)e->n_faults, ratio);
    if (e->n_skipped)
        fprintf(e->out, ", %llu references skipped (segv, protection)", (unsigned long long)e->n_skipped);
    fprintf(e->out, "\n");
    if (fflush(e->out) || ferror(e->out))
        return sim_err_set(err, SIM_ESYS, "cannot write the explanation: %s", strerror(errno ? errno : EIO));
    return 0;
}

void explain_free(explain_t *e)
{
    if (!e)
        return;
    u64map_free(&e->names);
    free(e->name);
    free(e->snap);
    free(e->victim);
    free(e->line);
    free(e);
}
