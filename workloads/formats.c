/* formats.c - the table of trace formats, opening with auto-detection, and error messages.
 *
 * A reader is one trace_*.c file defining a wl_ops_t, one line in CMakeLists.txt and one line
 * in wl_formats[] below: nothing else names it, so the CLI's --format, --help and the README
 * list come from this table (libuv's test-list.h and Redis's command table are the model).
 *
 * Auto-detection. wl_open shows every reader's probe() the first WL_PEEK_BYTES (64 KiB) of
 * the decompressed input and takes the highest score; on a tie the earlier entry in the
 * table wins. Each probe judges whole lines only (the cut last line of the head is ignored)
 * and the text probes refuse heads holding NUL bytes. Scores (higher is surer):
 *
 *   binary 100  the PSTB magic (trace_bin.c)
 *   pin     95  `0xIP: R|W 0xADDR` lines, `#eof`; comments `#...`
 *   text    90  every line `R|W|X NUM[:SIZE] [PID]` or an event keyword line
 *   lackey  50..90  `I  hex,size` / ` L|S|M hex,size` lines; grows with their share of the
 *               non-`==` lines (lackey logs may interleave the program's own output)
 *   oracle  80  binary: NUL bytes present, 24-byte records whose times never decrease, sizes
 *               are non-zero and next-access values are -1, INT64_MAX or a later index;
 *               a head shorter than 64 KiB (the whole file) must be a multiple of 24 bytes
 *   din     70  every line `D HEX [...]` with D a single digit 0-4
 *   lis     65  every line two or four decimal integers, COUNT >= 1
 *   pages   60  every line one integer (decimal, or hex with 0x)
 *
 * Ambiguities, and how they fall:
 *   - `2 100` is din (fetch at 0x100) and lis (pages 2..101). din wins (70 > 65) when every
 *     first field is a single digit 0-4 and no line has three fields; lis traces start at
 *     block numbers that quickly exceed 4, and a hex letter in the second field rules lis out.
 *     A lis trace whose head happens to look like din needs --format lis.
 *   - A file of single integers is pages; a pages file cannot be din or lis (one field).
 *   - pagesim text needs the R/W/X letter, which no other text format starts with
 *     (lackey's ` L`, ` S`, ` M` start with a blank, and `I` is not a pagesim kind).
 *   - libCacheSim's one-id-per-line text is the pages format.
 *   - oracleGeneral has no magic number: a binary file of 24-byte records that look
 *     plausible is taken for it. Other binary data usually fails the time/next checks.
 *
 * When nothing matches, a head that reads as pagesim text up to a bad line (two good records
 * before it), or whose first lines mostly start as pagesim text lines do (wl_text_shaped: a
 * bad first line, a NUL byte in the second), is taken for a text trace with a bad line, and
 * the error is that line's "FILE:LINE: ...", not "unrecognised trace format".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl.h"
#include "wl_priv.h"
#include "sim/base/xalloc.h"

const char *const wl_advice_names[WL_NADVICE] = {
    [WL_ADV_NORMAL] = "normal", [WL_ADV_RANDOM] = "random", [WL_ADV_SEQUENTIAL] = "sequential",
    [WL_ADV_DONTNEED] = "dontneed", [WL_ADV_WILLNEED] = "willneed",
};

const wl_ops_t *const wl_formats[] = {
    &wl_text_ops,
    &wl_bin_ops,
    &wl_lackey_ops,
    &wl_pages_ops,
    &wl_din_ops,
    &wl_pin_ops,
    &wl_lis_ops,
    &wl_oracle_ops,
    &wl_synth_ops,
    NULL,
};

const wl_ops_t *wl_format_find(const char *name)
{
    for (const wl_ops_t *const *f = wl_formats; *f; f++)
        if (!strcmp((*f)->name, name))
            return *f;
    return NULL;
}

static void format_names(char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (const wl_ops_t *const *f = wl_formats; *f && k < cap; f++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", k ? ", " : "", (*f)->name);
}

/* Whether the head mostly looks like pagesim text: more than half of its first lines (not
 * blank, not comments) start as a reference or an event does (wl_text_shaped), whether or
 * not the rest of the line is right. NUL bytes count as ends of lines here. */
static int text_shaped_head(const char *head, size_t n)
{
    wl_probe_iter_t it;
    const char *s, *e;
    int lines = 0, shaped = 0;
    wl_probe_init(&it, head, n);
    while (lines < 1000 && wl_probe_line(&it, &s, &e)) {
        char buf[256];
        const char *p = wl_skip_blanks(wl_probe_copy(buf, sizeof buf, s, e));
        if (*p == 0 || *p == '#')
            continue;
        lines++;
        shaped += wl_text_shaped(p);
    }
    return shaped > 0 && 2 * shaped > lines;
}

/* Whether the input reads as pagesim text but for a bad line among its first ones (at least
 * two good records before it, or a head that mostly looks like text, so that a bad first
 * line is named too): then wl->err holds that line's message. Rewinds. */
static int text_error_line(wl_t *wl, const char *head, size_t n)
{
    int looks = text_shaped_head(head, n);
    wl->ops = &wl_text_ops;
    if (wl_text_ops.open && wl_text_ops.open(wl) < 0)
        return 0;
    wl_rec_t r;
    int rc, good = 0;
    while (good < 100000 && (rc = wl_text_ops.next(wl, &r)) > 0)
        good++;
    int bad_line = rc < 0 && (good >= 2 || looks);
    sim_err_t msg = wl->err;        /* close may say something of its own */
    if (wl_text_ops.close)
        wl_text_ops.close(wl);
    wl->ops = NULL;
    wl->line = 0;
    wl_input_rewind(wl->in);
    wl->err = msg;
    return bad_line;
}

wl_t *wl_open(const char *path, const char *format, gsl_rng *rng, sim_err_t *err)
{
    return wl_open_as(path, path, format, rng, err);
}

wl_t *wl_open_as(const char *path, const char *name, const char *format, gsl_rng *rng, sim_err_t *err)
{
    char names[256];
    const wl_ops_t *ops = NULL;
    if (format && *format && strcmp(format, "auto")) {
        ops = wl_format_find(format);
        if (!ops) {
            format_names(names, sizeof names);
            sim_err_set(err, SIM_EINPUT, "unknown trace format '%s' (known: auto, %s)", format, names);
            return NULL;
        }
    }
    if (strlen(name) >= sizeof ((wl_t *)0)->path) {
        sim_err_set(err, SIM_EINPUT, "%.64s...: path too long", name);
        return NULL;
    }
    wl_t *wl = xcalloc(1, sizeof *wl, "a trace stream");
    strcpy(wl->path, name);
    wl->rng = rng;
    wl->page_shift = 12;
    wl->in = wl_input_open(path, err);
    size_t k = strlen(path);
    if (!wl->in && strcmp(name, path) && !strncmp(err->msg, path, k)) {   /* name, not path */
        memmove(err->msg, err->msg + k, strlen(err->msg + k) + 1);
        sim_err_prefix(err, "%s", name);
    }
    if (!wl->in) {
        free(wl);
        return NULL;
    }
    if (!ops) {
        const char *head;
        size_t n = wl_input_peek(wl->in, &head);
        const char *ierr = wl_input_error(wl->in);
        if (ierr && n == 0) {
            sim_err_set(err, SIM_EINPUT, "%s: %s", name, ierr);
            goto fail;
        }
        if (n == 0) {
            sim_err_set(err, SIM_EINPUT, "%s: empty input: cannot detect its format (give --format)", name);
            goto fail;
        }
        int best = 0;
        for (const wl_ops_t *const *f = wl_formats; *f; f++) {
            int s = (*f)->probe ? (*f)->probe(head, n) : 0;
            if (s > best) {
                best = s;
                ops = *f;
            }
        }
        if (!ops && text_error_line(wl, head, n)) {
            /* It reads as pagesim text up to one bad line: name that line, as for any bad
             * input, rather than only saying the format is unknown. */
            sim_err_set(err, SIM_EINPUT, "%s (if this is not a pagesim text trace, give --format)", wl->err.msg);
            goto fail;
        }
        if (!ops) {
            format_names(names, sizeof names);
            sim_err_set(err, SIM_EINPUT, "%s: unrecognised trace format (no reader matches its first "
                        "lines; give --format, one of: %s)", name, names);
            goto fail;
        }
    }
    wl->ops = ops;
    if (ops->open && ops->open(wl) < 0) {
        *err = wl->err;
        wl->ops = NULL;              /* open cleaned up after itself */
        goto fail;
    }
    return wl;
fail:
    wl_input_close(wl->in);
    free(wl);
    return NULL;
}

int wl_fill_next(wl_t *wl, wl_rec_t *recs, int n)
{
    for (int i = 0; i < n; i++) {
        int rc = wl->ops->next(wl, &recs[i]);
        if (rc <= 0)
            return wl_fill_stopped(wl, i, rc);
        recs[i].line = wl->line;
    }
    return n;
}

int wl_rewind(wl_t *wl)
{
    wl->fill_stop = 0;
    if (!wl->ops->rewind) {
        wl->line = 0;
        return wl_error(wl, "the %s workload cannot be rewound", wl->ops->name);
    }
    wl->line = 0;
    return wl->ops->rewind(wl);
}

int wl_position(const wl_t *wl, uint64_t *done_bytes, uint64_t *total_bytes)
{
    *done_bytes = *total_bytes = 0;
    if (!wl->in || wl->ops->generator)
        return 0;
    wl_input_position(wl->in, done_bytes, total_bytes);
    return *total_bytes > 0;
}

int wl_progress_pos(const void *src, uint64_t *done_bytes, uint64_t *total_bytes)
{
    return wl_position(src, done_bytes, total_bytes);
}

void wl_close(wl_t *wl)
{
    if (!wl)
        return;
    if (wl->ops && wl->ops->close)
        wl->ops->close(wl);
    wl_input_close(wl->in);
    free(wl);
}

const char *wl_where(const wl_t *wl, uint64_t line, char *buf, size_t n)
{
    const char *path = wl ? wl->path : "";
    if (!line)
        snprintf(buf, n, "%s", path);
    else if (wl && wl->ops == &wl_bin_ops)
        snprintf(buf, n, "%s: record %llu", path, (unsigned long long)line);
    else
        snprintf(buf, n, "%s:%llu", path, (unsigned long long)line);
    return buf;
}

int wl_error(wl_t *wl, const char *fmt, ...)
{
    char where[sizeof wl->path + 32];
    char *msg = wl->err.msg;
    int k = snprintf(msg, sizeof wl->err.msg, "%s: ", wl_where(wl, wl->line, where, sizeof where));
    if (k < 0 || (size_t)k >= sizeof wl->err.msg)
        k = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + k, sizeof wl->err.msg - (size_t)k, fmt, ap);
    va_end(ap);
    wl->err.kind = SIM_EINPUT;
    return SIM_EINPUT;
}
