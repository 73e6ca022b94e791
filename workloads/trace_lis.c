/* trace_lis.c - the ARC/LIRS ".lis" block traces: `START COUNT [X Y]` per line.
 *
 * The traces that Megiddo and Modha distributed with ARC (FAST 2003: P1..P14, OLTP, DS1,
 * S1..S3, ConCat, Merge) and that later LIRS/CLOCK-Pro studies reuse give, per request,
 * the starting block and the number of consecutive blocks, then fields we ignore (the
 * ARC traces have two more integers). A line is COUNT reads of pages START, START+1, ...,
 * START+COUNT-1, yielded one record each (COUNT 0 yields nothing). Fields are decimal (0x
 * hex accepted); blank lines and '#' lines are skipped; anything else is an error
 * "PATH:LINE: ...". The address is page << wl->page_shift (ids wider than 64 - page_shift
 * bits keep their low bits, as in trace_pages.c); pid 1.
 *
 * Limits: a line whose pages would run past the last page id (START + COUNT - 1 > 2^64 - 1)
 * is an error, not a silent wrap to page 0; so is a COUNT above 2^40 pages (LIS_MAX_COUNT):
 * the ARC traces ask for a few pages at a time, and one line of 2^40 pages would take hours
 * to replay (2^64 - 1, thousands of years) while looking like a one-line file.
 *
 * Memory: the reader remembers only the current run (next page, pages left).
 */
#include <stdlib.h>

#include "wl.h"
#include "wl_priv.h"

#define LIS_MAX_COUNT (1ull << 40)

typedef struct lis {
    uint64_t page, left;
} lis_t;

/* START COUNT and then only numbers; returns the field count, or -1. */
static int parse_lis(const char *p, uint64_t *start, uint64_t *count)
{
    int nf = 0;
    uint64_t v;
    p = wl_skip_blanks(p);
    while (*p && *p != '#') {
        if (wl_parse_num(&p, &v) < 0 || !wl_field_end(*p))
            return -1;
        if (nf == 0) *start = v;
        else if (nf == 1) *count = v;
        nf++;
        p = wl_skip_blanks(p);
    }
    return nf >= 2 ? nf : -1;
}

static int lis_next(wl_t *wl, wl_rec_t *rec)
{
    lis_t *st = wl->state;
    while (st->left == 0) {
        char *line;
        const char *p = wl_next_line(wl, &line);
        if (!p)
            return wl_end_or_error(wl);
        if (parse_lis(p, &st->page, &st->left) < 0) {
            char q[96];
            return wl_error(wl, "expected \"START COUNT [...]\" (integers): \"%s\"",
                            wl_quote(q, sizeof q, line));
        }
        if (st->left > LIS_MAX_COUNT) {
            unsigned long long count = st->left;
            st->left = 0;
            return wl_error(wl, "COUNT %llu is too many pages for one line (at most 2^40 = %llu)",
                            count, (unsigned long long)LIS_MAX_COUNT);
        }
        if (st->left && st->page + (st->left - 1) < st->page) {
            st->left = 0;
            return wl_error(wl, "START+COUNT wraps past 2^64: the last page would be beyond "
                            "page 18446744073709551615");
        }
    }
    *rec = (wl_rec_t){ .type = WL_REF, .kind = REF_READ, .size = 1, .pid = 1,
                       .addr = st->page << wl->page_shift };
    st->page++;
    st->left--;
    return 1;
}

static int lis_open(wl_t *wl)
{
    return wl_state_alloc(wl, sizeof(lis_t));
}

static int lis_rewind(wl_t *wl)
{
    lis_t *st = wl->state;
    st->left = 0;
    return wl_rewind_input(wl);
}

/* Two or four decimal integers per line, COUNT >= 1. A head whose every line also reads as
 * din (single-digit START 0-4) scores below din: see formats.c. */
static int lis_line_ok(const char *p, void *dinlike)
{
    uint64_t start, count;
    for (const char *q = p; *q && *q != '#'; q++)   /* decimal only, for the probe */
        if (!wl_isdigit((unsigned char)*q) && !wl_isblank((unsigned char)*q))
            return 0;
    int nf = parse_lis(p, &start, &count);
    if ((nf != 2 && nf != 4) || count == 0)
        return 0;
    if (start <= 4 && wl_isblank((unsigned char)p[1]))
        ++*(int *)dinlike;
    return 1;
}

static int lis_probe(const char *head, size_t n)
{
    int dinlike = 0, good = wl_probe_lines(head, n, 2000, NULL, lis_line_ok, &dinlike);
    if (!good)
        return 0;
    return dinlike == good ? 30 : 65;
}

const wl_ops_t wl_lis_ops = {
    .name = "lis",
    .summary = "ARC/LIRS .lis block traces: START COUNT [...] = COUNT consecutive page reads",
    .probe = lis_probe,
    .open = lis_open,
    .next = lis_next,
    .fill = wl_fill_next,
    .rewind = lis_rewind,
    .close = wl_state_free,
};
