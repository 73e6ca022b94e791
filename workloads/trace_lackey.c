/* trace_lackey.c - Valgrind lackey's memory trace (valgrind --tool=lackey --trace-mem=yes).
 *
 * Lackey prints one access per line (lackey/lk_main.c, printf formats "I  %08lx,%lu",
 * " L %08lx,%lu", " S %08lx,%lu", " M %08lx,%lu"): I an instruction fetch, L a load, S a
 * store, M a modify, i.e. a load and a store of the same bytes, which we yield as two
 * records, a read then a write, since the engine must see both the reference and the dirtying.
 * Everything else, the "==PID==" banner lines and whatever the program itself printed into
 * the same stream, is skipped. A line that starts like an access ("I  ", " L ", " S ",
 * " M ") but does not parse is an error, not skipped: it means a damaged trace (a log cut
 * mid-line reports its last line), and silently dropping accesses would bias every result.
 * The pid is 1 (lackey does not say; recorded multi-process traces use the text format).
 *
 * Speed target: >= 200 MB/s of lackey text (issue 4). The line comes from wl_input_line (one
 * memchr); the fixed prefix is matched with byte compares and the address decoded with a
 * table lookup per hex digit, the size with a decimal loop: no sscanf, no strtoull.
 */
#include <stdlib.h>
#include <string.h>

#include "wl.h"
#include "wl_priv.h"

typedef struct lackey {
    int pending_write;       /* the write half of an M line is due */
    uint64_t addr;
    uint32_t size;
} lackey_t;

/* Kind from the first three bytes, or -1 if the line is not an access line. */
static inline int access_kind(const char *p)
{
    if (p[0] == 'I' && p[1] == ' ' && p[2] == ' ')
        return REF_IFETCH;
    if (p[0] == ' ' && p[2] == ' ') {
        switch (p[1]) {
        case 'L': return REF_READ;
        case 'S': return REF_WRITE;
        case 'M': return 3;
        }
    }
    return -1;
}

static int lackey_next(wl_t *wl, wl_rec_t *rec)
{
    lackey_t *lk = wl->state;
    if (lk->pending_write) {
        lk->pending_write = 0;
        *rec = (wl_rec_t){ .type = WL_REF, .kind = REF_WRITE, .size = lk->size, .pid = 1,
                           .addr = lk->addr };
        return 1;
    }
    char *line;
    size_t len;
    while ((line = wl_input_line(wl->in, &len))) {
        wl->line++;
        if (len < 5)
            continue;
        int k = access_kind(line);
        if (k < 0)
            continue;
        const char *p = line + 3;
        uint64_t addr = 0, size = 0;
        if (wl_parse_hex(&p, &addr) < 0 || *p != ',')
            goto bad;
        p++;
        if (wl_parse_dec(&p, &size) < 0 || size == 0 || size > UINT32_MAX)
            goto bad;
        while (wl_isblank((unsigned char)*p))
            p++;
        if (*p)
            goto bad;
        rec->type = WL_REF;
        rec->prot = 0;
        rec->flags = 0;
        rec->size = (uint32_t)size;
        rec->pid = 1;
        rec->pid2 = 0;
        rec->addr = addr;
        rec->len = 0;
        rec->offset = 0;
        rec->file = NULL;
        if (k == 3) {
            rec->kind = REF_READ;
            lk->pending_write = 1;
            lk->addr = addr;
            lk->size = (uint32_t)size;
        } else {
            rec->kind = (uint8_t)k;
        }
        return 1;
    bad:;
        char q[96];
        return wl_error(wl, "malformed lackey access (expected \"I  HEX,SIZE\" or \" L|S|M HEX,SIZE\"): \"%s\"",
                        wl_quote(q, sizeof q, line));
    }
    return wl_end_or_error(wl);
}

static int lackey_open(wl_t *wl)
{
    return wl_state_alloc(wl, sizeof(lackey_t));
}

static int lackey_rewind(wl_t *wl)
{
    lackey_t *lk = wl->state;
    lk->pending_write = 0;
    return wl_rewind_input(wl);
}

/* Score 50..90 by the share of access lines among the lines that are not "==" banners. */
static int lackey_probe(const char *head, size_t n)
{
    if (!wl_probe_is_text(head, n))
        return 0;
    wl_probe_iter_t it;
    const char *s, *e;
    long acc = 0, other = 0;
    wl_probe_init(&it, head, n);
    while (wl_probe_line(&it, &s, &e) && acc + other < 2000) {
        char buf[128];
        const char *p = wl_probe_copy(buf, sizeof buf, s, e);
        if (p[0] == '=' && p[1] == '=')
            continue;
        if (*p == 0)
            continue;
        int k = access_kind(p);
        uint64_t v;
        if (k >= 0) {
            p += 3;
            if (wl_parse_hex(&p, &v) == 0 && *p == ',') {
                p++;
                if (wl_parse_dec(&p, &v) == 0 && *wl_skip_blanks(p) == 0) {
                    acc++;
                    continue;
                }
            }
        }
        other++;
    }
    if (acc == 0)
        return 0;
    return (int)(50 + 40 * acc / (acc + other));
}

const wl_ops_t wl_lackey_ops = {
    .name = "lackey",
    .summary = "Valgrind lackey --trace-mem=yes output: I fetch, L read, S write, M read+write",
    .probe = lackey_probe,
    .open = lackey_open,
    .next = lackey_next,
    .fill = wl_fill_next,
    .rewind = lackey_rewind,
    .close = wl_state_free,
};
