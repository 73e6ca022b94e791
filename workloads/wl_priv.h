/* wl_priv.h - private helpers shared by the trace readers (not part of the wl.h interface).
 *
 * Number parsing is hand-written because it runs once per trace line: sscanf and strtoull
 * cost several times more than the table lookups below (locale, errno, base detection), and
 * the lackey reader must sustain hundreds of MB/s. Every parser advances a cursor and stops
 * at the first byte that is not a digit, so callers check the delimiter themselves; all of
 * them reject an empty digit string and overflow past 64 bits.
 *
 * The probe helpers walk the complete lines of the head that wl_input_peek() returns: a head
 * shorter than WL_PEEK_BYTES is the whole input, otherwise its last (cut) line is ignored so
 * that a number split by the cut cannot make a probe fail or succeed by accident.
 * wl_probe_lines is the whole probe of a line-oriented format but for its test of one line.
 *
 * The rest is plumbing every reader would otherwise repeat: the next non-comment line, the
 * rewind of the input, a state struct allocated at open and freed at close.
 */
#ifndef PAGESIM_WL_PRIV_H
#define PAGESIM_WL_PRIV_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "wl.h"

/* How many decompressed bytes wl_input_peek() tries to show (fewer only at end of input). */
#define WL_PEEK_BYTES (64 * 1024)

/* The readers, defined one per trace_*.c and listed in formats.c's table. */
extern const wl_ops_t wl_text_ops, wl_bin_ops, wl_lackey_ops, wl_pages_ops, wl_din_ops,
                      wl_pin_ops, wl_lis_ops, wl_oracle_ops, wl_synth_ops;

/* A fill (wl_ops_t) for a file reader whose records hold no strings: up to n calls of its
 * next. An end or an error after some records is kept (wl->fill_stop) and returned by the
 * next call, as wl_fill promises. */
int wl_fill_next(wl_t *wl, wl_rec_t *recs, int n);

/* A fill that met the end (rc 0) or an error (rc -1) after i records: returns what the fill
 * returns now, keeping the end or error for the next call (wl_fill returns it) when i > 0. */
static inline int wl_fill_stopped(wl_t *wl, int i, int rc)
{
    if (!i)
        return rc;
    wl->fill_stop = rc ? 2 : 1;
    return i;
}

/* Hex digit value + 1; 0 for every other byte, so one load and one test tell digit and value
 * (a range test per digit class costs a mispredicted branch on mixed digits and letters). */
#define WL_HX(c, v) [c] = (v) + 1
static const uint8_t wl_hexval1[256] = {
    WL_HX('0', 0), WL_HX('1', 1), WL_HX('2', 2), WL_HX('3', 3), WL_HX('4', 4), WL_HX('5', 5),
    WL_HX('6', 6), WL_HX('7', 7), WL_HX('8', 8), WL_HX('9', 9), WL_HX('a', 10), WL_HX('b', 11),
    WL_HX('c', 12), WL_HX('d', 13), WL_HX('e', 14), WL_HX('f', 15), WL_HX('A', 10),
    WL_HX('B', 11), WL_HX('C', 12), WL_HX('D', 13), WL_HX('E', 14), WL_HX('F', 15),
};
#undef WL_HX
static inline int wl_ishex(unsigned char c) { return wl_hexval1[c] != 0; }
static inline int wl_isdigit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline int wl_isblank(unsigned char c) { return c == ' ' || c == '\t'; }

static inline const char *wl_skip_blanks(const char *p)
{
    while (wl_isblank((unsigned char)*p))
        p++;
    return p;
}

/* Bare hex digits (no 0x). 0 ok, -1 when there is no digit or more than 64 bits. */
static inline int wl_parse_hex(const char **pp, uint64_t *v)
{
    const unsigned char *p = (const unsigned char *)*pp, *s;
    uint64_t x = 0;
    unsigned d;
    while (*p == '0' && wl_ishex(p[1]))   /* leading zeros do not count against 16 digits */
        p++;
    s = p;
    while ((d = wl_hexval1[*p]) != 0) {
        x = (x << 4) | (d - 1);
        p++;
    }
    if (p == s || p - s > 16)
        return -1;
    *pp = (const char *)p;
    *v = x;
    return 0;
}

/* Decimal digits. 0 ok, -1 when there is no digit or the value exceeds 2^64-1. */
static inline int wl_parse_dec(const char **pp, uint64_t *v)
{
    const unsigned char *p = (const unsigned char *)*pp, *s = p;
    uint64_t x = 0;
    while (wl_isdigit(*p)) {
        unsigned d = *p - '0';
        if (x > (UINT64_MAX - d) / 10)
            return -1;
        x = x * 10 + d;
        p++;
    }
    if (p == s)
        return -1;
    *pp = (const char *)p;
    *v = x;
    return 0;
}

/* Hex with 0x (or 0X) or decimal. */
static inline int wl_parse_num(const char **pp, uint64_t *v)
{
    const char *p = *pp;
    if (p[0] == '0' && (p[1] | 0x20) == 'x') {
        p += 2;
        if (wl_parse_hex(&p, v) < 0)
            return -1;
        *pp = p;
        return 0;
    }
    return wl_parse_dec(pp, v);
}

/* The end of a field: blank, end of line, or a trailing '#' comment. */
static inline int wl_field_end(char c) { return c == 0 || c == ' ' || c == '\t' || c == '#'; }

/* Iterates the complete lines of a probe head; lines are not NUL-terminated. */
typedef struct wl_probe_iter {
    const char *p, *end;
} wl_probe_iter_t;

static inline void wl_probe_init(wl_probe_iter_t *it, const char *head, size_t n)
{
    it->p = head;
    it->end = head + n;
    if (n >= WL_PEEK_BYTES) {           /* drop the cut last line, if there is a complete one */
        const char *q = it->end;
        while (q > head && q[-1] != '\n')
            q--;
        if (q > head)
            it->end = q;
    }
}

/* Next line as [*s, *e) without newline or trailing CR; 0 when done. */
static inline int wl_probe_line(wl_probe_iter_t *it, const char **s, const char **e)
{
    if (it->p >= it->end)
        return 0;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *le = nl ? nl : it->end;
    *s = it->p;
    it->p = nl ? nl + 1 : it->end;
    if (le > *s && le[-1] == '\r')
        le--;
    *e = le;
    return 1;
}

/* What a reader returns when wl_input_line gives NULL: 0 at a clean end, or -1 with the
 * input's error (corrupt or truncated compressed data, a read error) at PATH:LINE. */
static inline int wl_end_or_error(wl_t *wl)
{
    const char *e = wl_input_error(wl->in);
    if (!e)
        return 0;
    if (wl_input_error_line(wl->in))       /* a NUL byte: the line that holds it */
        wl->line = wl_input_error_line(wl->in);
    return wl_error(wl, "%s", e);
}

/* Rewinds the input, with its error as the reader's: the whole rewind of a stateless reader,
 * and the last step of the others after they reset their state. */
static inline int wl_rewind_input(wl_t *wl)
{
    if (wl_input_rewind(wl->in) < 0)
        return wl_error(wl, "%s", wl_input_error(wl->in));
    return 0;
}

/* The state of a reader that keeps one zeroed struct: its open allocates it, and
 * wl_state_free is its close. */
static inline int wl_state_alloc(wl_t *wl, size_t size)
{
    wl->state = calloc(1, size);
    return wl->state ? 0 : wl_error(wl, "out of memory");
}

static inline void wl_state_free(wl_t *wl)
{
    free(wl->state);
    wl->state = NULL;
}

/* The next line that is neither blank nor a '#' comment, counted in wl->line, as a pointer
 * past its leading blanks; *line is the whole line (for messages). NULL at the end of input
 * (then wl_end_or_error says whether it was clean). */
static inline const char *wl_next_line(wl_t *wl, char **line)
{
    size_t len;
    while ((*line = wl_input_line(wl->in, &len))) {
        wl->line++;
        const char *p = wl_skip_blanks(*line);
        if (*p != 0 && *p != '#')
            return p;
    }
    return NULL;
}

/* Text probes reject heads with NUL bytes (binary input). */
static inline int wl_probe_is_text(const char *head, size_t n) { return memchr(head, 0, n) == NULL; }

/* Copies [s, e) into a NUL-terminated buffer of cap bytes (cut if longer); returns buf. */
static inline char *wl_probe_copy(char *buf, size_t cap, const char *s, const char *e)
{
    size_t l = (size_t)(e - s);
    if (l >= cap)
        l = cap - 1;
    memcpy(buf, s, l);
    buf[l] = 0;
    return buf;
}

/* The probe of a line-oriented text format: line_ok(p, ctx) judges each of the first `max`
 * lines of the head that are not blank or '#' comments (p is past the leading blanks,
 * NUL-terminated, cut at 255 bytes). A comment starting with `stop` (if not NULL) ends the
 * probe, as "#eof" ends a pinatrace. Returns the number of lines judged, or 0 when the head
 * is not text or any line fails. */
static inline int wl_probe_lines(const char *head, size_t n, int max, const char *stop,
                                 int (*line_ok)(const char *p, void *ctx), void *ctx)
{
    if (!wl_probe_is_text(head, n))
        return 0;
    wl_probe_iter_t it;
    const char *s, *e;
    int good = 0;
    wl_probe_init(&it, head, n);
    while (good < max && wl_probe_line(&it, &s, &e)) {
        char buf[256];
        const char *p = wl_skip_blanks(wl_probe_copy(buf, sizeof buf, s, e));
        if (*p == '#' && stop && !strncmp(p, stop, strlen(stop)))
            break;
        if (*p == 0 || *p == '#')
            continue;
        if (!line_ok(p, ctx))
            return 0;
        good++;
    }
    return good;
}

/* Whether a line (past its leading blanks) starts as a pagesim text line does: R, W or X
 * followed by a blank or the end, or an event keyword followed by a blank or the end; for
 * naming a bad line of a text trace whose format was not recognised (formats.c). */
int wl_text_shaped(const char *p);

/* A printable excerpt of a line for error messages: at most 80 bytes, with "..." if cut. */
static inline const char *wl_quote(char *buf, size_t cap, const char *line)
{
    size_t l = strlen(line);
    if (l < 80 && l < cap) {
        memcpy(buf, line, l + 1);
    } else {
        size_t k = cap - 4 < 77 ? cap - 4 : 77;
        memcpy(buf, line, k);
        memcpy(buf + k, "...", 4);
    }
    for (char *q = buf; *q; q++)
        if ((unsigned char)*q < 0x20 && *q != '\t')
            *q = '?';
    return buf;
}

#endif
