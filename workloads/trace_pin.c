/* trace_pin.c - Intel Pin's pinatrace output: `IP: R ADDR` and `IP: W ADDR` per data access.
 *
 * The pinatrace example tool (source/tools/ManualExamples/pinatrace.cpp in the Pin kit)
 * writes fprintf("%p: R %p\n", ip, addr) for every memory read and W for every write, and
 * "#eof" when the program ends. %p prints 0x-prefixed hex, or "(nil)" for a null pointer,
 * which we read as 0. The variant in SimpleExamples adds the access size (decimal) and the
 * value after the address: a third field that is a decimal number is taken as the size,
 * the rest is ignored; without it an access is 1 byte. Only data accesses are traced
 * (instruction fetches are not), pid 1. "#eof" ends the trace even if lines follow; other
 * lines starting with '#' are comments; anything else is an error "PATH:LINE: ...".
 */
#include <stdlib.h>
#include <string.h>

#include "wl.h"
#include "wl_priv.h"

typedef struct pin {
    int done;                 /* #eof seen */
} pin_t;

/* 0x-hex or "(nil)". */
static int parse_ptr(const char **pp, uint64_t *v)
{
    const char *p = *pp;
    if (!strncmp(p, "(nil)", 5)) {
        *v = 0;
        *pp = p + 5;
        return 0;
    }
    if (p[0] != '0' || (p[1] | 0x20) != 'x')
        return -1;
    p += 2;
    if (wl_parse_hex(&p, v) < 0)
        return -1;
    *pp = p;
    return 0;
}

/* 1 an access, 0 not one (malformed). */
static int parse_pin(const char *p, int *kind, uint64_t *addr, uint64_t *size)
{
    uint64_t ip;
    p = wl_skip_blanks(p);
    if (parse_ptr(&p, &ip) < 0 || *p != ':')
        return 0;
    p = wl_skip_blanks(p + 1);
    if (*p == 'R') *kind = REF_READ;
    else if (*p == 'W') *kind = REF_WRITE;
    else return 0;
    if (!wl_isblank((unsigned char)p[1]))
        return 0;
    p = wl_skip_blanks(p + 1);
    if (parse_ptr(&p, addr) < 0 || !(*p == 0 || wl_isblank((unsigned char)*p)))
        return 0;
    *size = 1;
    p = wl_skip_blanks(p);
    const char *q = p;
    uint64_t s;
    if (wl_parse_dec(&q, &s) == 0 && (*q == 0 || wl_isblank((unsigned char)*q)) && s > 0 &&
        s <= UINT32_MAX)
        *size = s;
    return 1;
}

static int pin_next(wl_t *wl, wl_rec_t *rec)
{
    pin_t *st = wl->state;
    char *line;
    size_t len;
    if (st->done)
        return 0;
    while ((line = wl_input_line(wl->in, &len))) {
        wl->line++;
        const char *p = wl_skip_blanks(line);
        if (*p == '#') {
            if (!strncmp(p, "#eof", 4) && *wl_skip_blanks(p + 4) == 0) {
                st->done = 1;
                return 0;
            }
            continue;
        }
        if (*p == 0)
            continue;
        int kind;
        uint64_t addr, size;
        if (!parse_pin(p, &kind, &addr, &size)) {
            char q[96];
            return wl_error(wl, "expected \"0xIP: R|W 0xADDR\": \"%s\"", wl_quote(q, sizeof q, line));
        }
        *rec = (wl_rec_t){ .type = WL_REF, .kind = (uint8_t)kind, .size = (uint32_t)size, .pid = 1,
                           .addr = addr };
        return 1;
    }
    return wl_end_or_error(wl);
}

static int pin_open(wl_t *wl)
{
    return wl_state_alloc(wl, sizeof(pin_t));
}

static int pin_rewind(wl_t *wl)
{
    ((pin_t *)wl->state)->done = 0;
    return wl_rewind_input(wl);
}

static int pin_line_ok(const char *p, void *ctx)
{
    int kind;
    uint64_t addr, size;
    return parse_pin(p, &kind, &addr, &size);
}

static int pin_probe(const char *head, size_t n)
{
    return wl_probe_lines(head, n, 2000, "#eof", pin_line_ok, NULL) ? 95 : 0;
}

const wl_ops_t wl_pin_ops = {
    .name = "pin",
    .summary = "Intel Pin pinatrace: 0xIP: R|W 0xADDR [SIZE], #eof",
    .probe = pin_probe,
    .open = pin_open,
    .next = pin_next,
    .fill = wl_fill_next,
    .rewind = pin_rewind,
    .close = wl_state_free,
};
