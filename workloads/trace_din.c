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
    size_t len;
    while ((line = wl_input_line(wl->in, &len))) {
        wl->line++;
        const char *p = wl_skip_blanks(line), *rest;
        if (*p == 0 || *p == '#')
            continue;
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

static int din_rewind(wl_t *wl)
{
    if (wl_input_rewind(wl->in) < 0)
        return wl_error(wl, "%s", wl_input_error(wl->in));
    return 0;
}

/* Every line `D HEX ...`; a third field counts against lis (which has 2 or 4 decimal fields). */
static int din_probe(const char *head, size_t n)
{
    if (!wl_probe_is_text(head, n))
        return 0;
    wl_probe_iter_t it;
    const char *s, *e;
    int good = 0;
    wl_probe_init(&it, head, n);
    while (wl_probe_line(&it, &s, &e) && good < 2000) {
        char buf[256];
        const char *p = wl_skip_blanks(wl_probe_copy(buf, sizeof buf, s, e)), *rest;
        int label;
        uint64_t addr;
        if (*p == 0 || *p == '#')
            continue;
        if (parse_din(p, &label, &addr, &rest) < 0)
            return 0;
        good++;
    }
    return good ? 70 : 0;
}

const wl_ops_t wl_din_ops = {
    .name = "din",
    .summary = "DineroIV din: LABEL HEXADDR (0 read, 1 write, 2 fetch; 3 and 4 skipped)",
    .probe = din_probe,
    .next = din_next,
    .rewind = din_rewind,
};
