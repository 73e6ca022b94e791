/* trace_din.c - DineroIV's "din" format: `LABEL ADDRESS [anything]` per line.
 *
 * From the Dinero IV documentation (Edler and Hill): LABEL 0 read data, 1 write data,
 * 2 instruction fetch, 3 escape record (unknown access type), 4 escape record (cache flush);
 * ADDRESS hexadecimal without 0x (we also accept 0x); the rest of the line is ignored, which
 * traces use for comments. Labels 3 and 4 carry no access a pager can act on, so they are
 * skipped; any other label, or a missing or malformed address, is an error "PATH:LINE: ...".
 * Blank lines and lines starting with '#' are skipped. An access is 1 byte (din has no size),
 * pid 1.
 */
#include <stdlib.h>

#include "wl.h"
#include "wl_priv.h"

/* LABEL (one digit 0-4) and ADDRESS; 0 ok, -1 malformed. */
static int parse_din(const char *p, int *label, uint64_t *addr, const char **rest)
{
    p = wl_skip_blanks(p);
    if (p[0] < '0' || p[0] > '4' || !wl_isblank((unsigned char)p[1]))
        return -1;
    *label = p[0] - '0';
    p = wl_skip_blanks(p + 1);
    if (p[0] == '0' && (p[1] | 0x20) == 'x')
        p += 2;
    if (wl_parse_hex(&p, addr) < 0 || !(*p == 0 || wl_isblank((unsigned char)*p)))
        return -1;
    *rest = p;
    return 0;
}

static int din_next(wl_t *wl, wl_rec_t *rec)
{
    static const uint8_t kinds[3] = { REF_READ, REF_WRITE, REF_IFETCH };
    char *line;
    const char *p, *rest;
    while ((p = wl_next_line(wl, &line))) {
        int label;
        uint64_t addr;
        if (parse_din(p, &label, &addr, &rest) < 0) {
            char q[96];
            return wl_error(wl, "expected \"LABEL HEXADDR\" with LABEL 0-4: \"%s\"",
                            wl_quote(q, sizeof q, line));
        }
        if (label > 2)
            continue;                    /* escape records: nothing to page */
        *rec = (wl_rec_t){ .type = WL_REF, .kind = kinds[label], .size = 1, .pid = 1, .addr = addr };
        return 1;
    }
    return wl_end_or_error(wl);
}

static int din_line_ok(const char *p, void *ctx)
{
    const char *rest;
    int label;
    uint64_t addr;
    return parse_din(p, &label, &addr, &rest) == 0;
}

/* Every line `D HEX ...`; a third field counts against lis (which has 2 or 4 decimal fields). */
static int din_probe(const char *head, size_t n)
{
    return wl_probe_lines(head, n, 2000, NULL, din_line_ok, NULL) ? 70 : 0;
}

const wl_ops_t wl_din_ops = {
    .name = "din",
    .summary = "DineroIV din: LABEL HEXADDR (0 read, 1 write, 2 fetch; 3 and 4 skipped)",
    .probe = din_probe,
    .next = din_next,
    .fill = wl_fill_next,
    .rewind = wl_rewind_input,
};
