/* trace_pages.c - a list of page numbers, one per line: each is a read of that page.
 *
 * This is the input of the textbook exercises: OSTEP's paging-policy.py reads its address
 * file as one page number per line (Arpaci-Dusseau, OSTEP ch. 22 homework), and
 * libCacheSim's plain text traces hold one object id per line. Numbers are decimal or hex
 * with 0x; blank lines and lines starting with '#' are skipped; anything else on a line is
 * an error "PATH:LINE: ...".
 *
 * The record's address is page << wl->page_shift, so a page here is a page of the engine
 * whatever its page size. Ids wider than 64 - page_shift bits (hashed object ids from cache
 * traces) keep their low bits only: two ids that differ only in their top page_shift bits
 * become the same page, which for hashed ids is a 2^-(64-page_shift) chance per pair.
 */
#include <stdlib.h>

#include "wl.h"
#include "wl_priv.h"

static int pages_next(wl_t *wl, wl_rec_t *rec)
{
    char *line;
    const char *p;
    while ((p = wl_next_line(wl, &line))) {
        uint64_t page;
        if (wl_parse_num(&p, &page) < 0 || *wl_skip_blanks(p) != 0) {
            char q[96];
            return wl_error(wl, "expected one page number (decimal or 0x hex): \"%s\"",
                            wl_quote(q, sizeof q, line));
        }
        *rec = (wl_rec_t){ .type = WL_REF, .kind = REF_READ, .size = 1, .pid = 1,
                           .addr = page << wl->page_shift };
        return 1;
    }
    return wl_end_or_error(wl);
}

static int pages_line_ok(const char *p, void *ctx)
{
    uint64_t v;
    return wl_parse_num(&p, &v) == 0 && *wl_skip_blanks(p) == 0;
}

static int pages_probe(const char *head, size_t n)
{
    return wl_probe_lines(head, n, 2000, NULL, pages_line_ok, NULL) ? 60 : 0;
}

const wl_ops_t wl_pages_ops = {
    .name = "pages",
    .summary = "one page number per line (OSTEP paging-policy.py, libCacheSim text): reads",
    .probe = pages_probe,
    .next = pages_next,
    .fill = wl_fill_next,
    .rewind = wl_rewind_input,
};
