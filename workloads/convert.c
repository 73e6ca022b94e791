/* convert.c - trace conversion and trace statistics (the subcommands that call them are
 * sim/cli/convert.c and sim/cli/info.c).
 *
 * Both stream the input once through any reader (wl_open), so they work on traces far larger
 * than memory. Conversion writes a temporary file beside the output and renames it only when
 * everything was read and written, so a bad input line or a full disk leaves no partial file
 * that a later run could mistake for a complete trace. wl_info keeps one hash set of the
 * distinct (pid, vpn) pairs, 16 bytes per distinct page (open addressing, doubled at half
 * load): the one cost that grows with the trace's footprint rather than its length.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert.h"
#include "sim/base/outfile.h"
#include "sim/base/progress.h"
#include "sim/base/types.h"
#include "sim/base/xalloc.h"

/* ---- a set of (pid, 64-bit value) pairs ---- */
typedef struct key_slot { uint64_t v; uint32_t pid, used; } key_slot_t;
typedef struct key_set { key_slot_t *s; size_t mask, n; } key_set_t;

static size_t ks_hash(uint64_t v, uint32_t pid)
{
    uint64_t h = (v ^ ((uint64_t)pid << 40 | pid)) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 29));
}

/* Adds (pid, v); 0 when it was there, 1 when added, -1 out of memory. */
static int ks_add(key_set_t *k, uint32_t pid, uint64_t v)
{
    if (!k->s) {
        k->mask = 1023;
        if (!(k->s = xcalloc(k->mask + 1, sizeof *k->s, "a set of pages")))   /* throws */
            return -1;
    }
    size_t i = ks_hash(v, pid) & k->mask;
    for (; k->s[i].used; i = (i + 1) & k->mask)
        if (k->s[i].v == v && k->s[i].pid == pid)
            return 0;
    if (2 * (k->n + 1) > k->mask + 1) {
        key_set_t g = { xcalloc(2 * (k->mask + 1), sizeof *k->s, "a set of pages"), 2 * k->mask + 1, k->n };
        if (!g.s)
            return -1;
        for (size_t j = 0; j <= k->mask; j++)
            if (k->s[j].used) {
                size_t h = ks_hash(k->s[j].v, k->s[j].pid) & g.mask;
                while (g.s[h].used)
                    h = (h + 1) & g.mask;
                g.s[h] = k->s[j];
            }
        free(k->s);
        *k = g;
        return ks_add(k, pid, v);
    }
    k->s[i].used = 1; k->s[i].pid = pid; k->s[i].v = v;
    k->n++;
    return 1;
}

/* ---- conversion ---- */

int wl_convert(const char *in, const char *informat, const char *to, const char *out, sim_err_t *err)
{
    return wl_convert_progress(in, informat, to, out, NULL, err);
}

/* Every record of wl to o, then the binary format's end; flushed and synced. 0, -1 (the
 * input) or SIM_ESYS with err. */
static int conv_copy(wl_t *wl, outfile_t *o, const char *out, int binary, progress_t *progress,
                     sim_err_t *err)
{
    FILE *f = o->f;
    wl_bin_writer_t *bw = NULL;
    int rc = -1;
    if (binary && !(bw = wl_bin_writer_open(f, err)))
        return -1;
    wl_rec_t r;
    int got;
    uint64_t nrec = 0;
    progress_pass(progress, binary ? "to binary" : "to text", "records", wl_progress_pos, wl, 0, NULL, NULL);
    while ((got = wl_next(wl, &r)) > 0) {
        progress_at(progress, ++nrec);
        if (binary ? wl_bin_write(bw, &r, err) : wl_write_text(f, &r)) {
            if (!binary || ferror(f)) {   /* the stream failed: the machine's error */
                sim_err_set(err, SIM_ESYS, "%s: write error: %s", out, strerror(errno ? errno : EIO));
                rc = SIM_ESYS;
            }
            goto done;
        }
    }
    if (got < 0) {
        *err = wl->err;
        goto done;
    }
    progress_end(progress, nrec);
    if (binary && wl_bin_writer_finish(bw, err)) {
        if (ferror(f))
            err->kind = rc = SIM_ESYS;
        goto done;
    }
    /* Flushed here for the message; outfile_commit syncs and renames. */
    if (fflush(f) || ferror(f)) {
        rc = sim_err_set(err, SIM_ESYS, "%s: write error: %s", out, strerror(errno ? errno : EIO));
        goto done;
    }
    rc = 0;
done:
    wl_bin_writer_free(bw);
    return rc;
}

int wl_convert_progress(const char *in, const char *informat, const char *to, const char *out,
                        progress_t *progress, sim_err_t *err)
{
    int binary;
    if (!strcmp(to, "binary"))
        binary = 1;
    else if (!strcmp(to, "text"))
        binary = 0;
    else
        return sim_err_set(err, SIM_EINPUT, "unknown output format '%s' (text or binary)", to);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);   /* for generators; seeded with gsl's default */
    if (!rng)
        return sim_err_set(err, SIM_ESYS, "out of memory (a random number generator)");
    wl_t *wl = wl_open(in, informat, rng, err);
    int rc = -1;
    outfile_t o;
    if (wl && (rc = outfile_open(&o, strcmp(out, "-") ? out : NULL, err)) == 0) {
        if (o.tmp)
            setvbuf(o.f, NULL, _IOFBF, 1 << 20);
        rc = conv_copy(wl, &o, out, binary, progress, err);
        if (rc)
            outfile_abort(&o);
        else
            rc = outfile_commit(&o, "the trace", err);
    }
    wl_close(wl);
    gsl_rng_free(rng);
    return rc;
}

/* ---- statistics ---- */

json_t *wl_info(const char *path, const char *format, unsigned page_shift, sim_err_t *err)
{
    enum { READS, WRITES, IFETCHES, PAGE_REFS, N_COUNT };
    uint64_t c[N_COUNT] = { 0 }, ev[WL_NTYPES] = { 0 }, io_bytes[2] = { 0 };
    key_set_t pages = { 0 }, pids = { 0 };
    json_t *j = NULL;
    if (page_shift >= 64) {
        sim_err_set(err, SIM_EINPUT, "page size 2^%u is too large", page_shift);
        return NULL;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) {
        sim_err_set(err, SIM_ESYS, "out of memory");
        return NULL;
    }
    wl_t *wl = wl_open(path, format, rng, err);
    if (!wl) {
        gsl_rng_free(rng);
        return NULL;
    }
    wl_rec_t r, run[WL_RUN_MAX];
    int got = 0, k = 0, nrun = 0;
    spid_t last_pid = 0;
    int any = 0;
    uint64_t runs = 0, in_runs = 0;
    wl->want_runs = 1;                 /* to count them; their records are counted as any */
    while (k < nrun || (got = wl_next(wl, &r)) > 0) {
        if (k < nrun) {
            r = run[k++];
        } else if (r.type == WL_RUN) {
            if ((nrun = wl_run_expand(wl, &r, run)) < 0) {
                got = -1;
                break;
            }
            runs++;
            in_runs += (uint64_t)nrun;
            k = 0;
            continue;
        }
        if ((!any || r.pid != last_pid) && ks_add(&pids, r.pid, 0) < 0)
            goto oom;
        any = 1;
        last_pid = r.pid;
        if (r.type == WL_REF) {
            vpn_t vpn;
            uint64_t n;
            c[r.kind <= REF_IFETCH ? r.kind : READS]++;
            wl_split(&r, page_shift, &vpn, &n);
            c[PAGE_REFS] += n;
            for (uint64_t i = 0; i < n; i++)
                if (ks_add(&pages, r.pid, vpn + i) < 0)
                    goto oom;
        } else if (r.type < sizeof ev / sizeof *ev) {     /* events (runs were expanded) */
            ev[r.type]++;
            if (r.type == WL_READ || r.type == WL_WRITE)
                io_bytes[r.type == WL_WRITE] += r.len;
            if (r.type == WL_FORK && ks_add(&pids, r.pid2, 0) < 0)
                goto oom;
        }
    }
    if (got < 0) {
        *err = wl->err;
        goto out;
    }
    struct stat st;
    uint64_t bytes = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
    j = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                  "format", wl->ops->name,
                  "page_size", (json_int_t)(1ull << page_shift),
                  "references", (json_int_t)(c[READS] + c[WRITES] + c[IFETCHES]),
                  "reads", (json_int_t)c[READS],
                  "writes", (json_int_t)c[WRITES],
                  "ifetches", (json_int_t)c[IFETCHES],
                  "page_references", (json_int_t)c[PAGE_REFS],
                  "pages", (json_int_t)pages.n,
                  "processes", (json_int_t)pids.n,
                  "forks", (json_int_t)ev[WL_FORK],
                  "execs", (json_int_t)ev[WL_EXEC],
                  "mmaps", (json_int_t)ev[WL_MMAP],
                  "munmaps", (json_int_t)ev[WL_MUNMAP],
                  "mprotects", (json_int_t)ev[WL_MPROTECT],
                  "brks", (json_int_t)ev[WL_BRK],
                  "exits", (json_int_t)ev[WL_EXIT],
                  "waits", (json_int_t)ev[WL_WAIT],
                  "file_reads", (json_int_t)ev[WL_READ],
                  "file_writes", (json_int_t)ev[WL_WRITE],
                  "madvises", (json_int_t)ev[WL_MADVISE],
                  "fadvises", (json_int_t)ev[WL_FADVISE],
                  "file_read_bytes", (json_int_t)io_bytes[0],
                  "file_write_bytes", (json_int_t)io_bytes[1],
                  "runs", (json_int_t)runs,
                  "references_in_runs", (json_int_t)in_runs,
                  "bytes", (json_int_t)bytes);
    if (!j)
        sim_err_set(err, SIM_ESYS, "out of memory");
    goto out;
oom:
    sim_err_set(err, SIM_ESYS, "out of memory");
out:
    free(pages.s);
    free(pids.s);
    wl_close(wl);
    gsl_rng_free(rng);
    return j;
}
