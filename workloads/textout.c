/* textout.c - the canonical pagesim text writer.
 *
 * One spelling per record (lowercase hex with 0x, decimal sizes and pids, ":SIZE" only when
 * the size is not 1, "@0xOFFSET" only when non-zero, wait's CHILD only when not 0), so that
 * text -> binary -> text is the identity on canonical text and any trace converted to text
 * can be compared with diff.
 * References are by far the most common record, so they are formatted by hand into a small
 * buffer and written with one unlocked fwrite (printf costs several times more per line);
 * events are rare and use fprintf.
 */
#include <inttypes.h>
#include <string.h>

#include "convert.h"

static char *put_hex(char *p, uint64_t v)
{
    static const char digits[16] = "0123456789abcdef";
    int n = v ? (64 - __builtin_clzll(v) + 3) / 4 : 1;
    *p++ = '0';
    *p++ = 'x';
    for (int i = n - 1; i >= 0; i--)
        p[i] = digits[v & 15], v >>= 4;
    return p + n;
}

static char *put_dec(char *p, uint64_t v)
{
    char t[20];
    int n = 0;
    do
        t[n++] = (char)('0' + v % 10);
    while ((v /= 10));
    while (n)
        *p++ = t[--n];
    return p;
}

static const char *prot_str(unsigned prot, char *b)
{
    b[0] = prot & WL_PROT_R ? 'r' : '-';
    b[1] = prot & WL_PROT_W ? 'w' : '-';
    b[2] = prot & WL_PROT_X ? 'x' : '-';
    b[3] = '\0';
    return b;
}

int wl_write_text(FILE *f, const wl_rec_t *r)
{
    char b[96], pr[4], *p = b;
    int n = 0;
    switch (r->type) {
    case WL_REF:
        if (r->kind > REF_IFETCH)
            return -1;
        *p++ = "RWX"[r->kind];
        *p++ = ' ';
        p = put_hex(p, r->addr);
        if (r->size != 1) {
            *p++ = ':';
            p = put_dec(p, r->size);
        }
        *p++ = ' ';
        p = put_dec(p, r->pid);
        *p++ = '\n';
        return fwrite_unlocked(b, 1, (size_t)(p - b), f) == (size_t)(p - b) ? 0 : -1;
    case WL_MMAP:
        n = fprintf(f, "mmap %" PRIu32 " 0x%" PRIx64 " 0x%" PRIx64 " %s ", r->pid, r->addr, r->len,
                    prot_str(r->prot, pr));
        if (n < 0)
            return -1;
        if (r->flags & WL_MAP_ANON)
            n = fputs("anon", f);
        else if (r->offset)
            n = fprintf(f, "file:%s@0x%" PRIx64, r->file ? r->file : "", r->offset);
        else
            n = fprintf(f, "file:%s", r->file ? r->file : "");
        if (n < 0)
            return -1;
        n = fputs(r->flags & WL_MAP_SHARED ? " shared\n" : " private\n", f);
        break;
    case WL_MUNMAP:
        n = fprintf(f, "munmap %" PRIu32 " 0x%" PRIx64 " 0x%" PRIx64 "\n", r->pid, r->addr, r->len);
        break;
    case WL_MPROTECT:
        n = fprintf(f, "mprotect %" PRIu32 " 0x%" PRIx64 " 0x%" PRIx64 " %s\n", r->pid, r->addr, r->len,
                    prot_str(r->prot, pr));
        break;
    case WL_BRK:
        n = fprintf(f, "brk %" PRIu32 " 0x%" PRIx64 " 0x%" PRIx64 "\n", r->pid, r->addr, r->len);
        break;
    case WL_FORK:
        n = fprintf(f, "fork %" PRIu32 " %" PRIu32 "\n", r->pid, r->pid2);
        break;
    case WL_EXEC:
        n = fprintf(f, "exec %" PRIu32 " %s\n", r->pid, r->file ? r->file : "");
        break;
    case WL_EXIT:
        n = fprintf(f, "exit %" PRIu32 "\n", r->pid);
        break;
    case WL_WAIT:
        n = r->pid2 ? fprintf(f, "wait %" PRIu32 " %" PRIu32 "\n", r->pid, r->pid2)
                    : fprintf(f, "wait %" PRIu32 "\n", r->pid);
        break;
    case WL_READ:
    case WL_WRITE:
        n = fprintf(f, "%s %" PRIu32 " %s 0x%" PRIx64 " 0x%" PRIx64 "\n", r->type == WL_READ ? "read" : "write",
                    r->pid, r->file ? r->file : "", r->offset, r->len);
        break;
    case WL_FADVISE:
        if (r->kind >= WL_NADVICE)
            return -1;
        n = fprintf(f, "fadvise %" PRIu32 " %s 0x%" PRIx64 " 0x%" PRIx64 " %s\n", r->pid, r->file ? r->file : "",
                    r->offset, r->len, wl_advice_names[r->kind]);
        break;
    case WL_MADVISE:
        if (r->kind >= WL_NADVICE)
            return -1;
        n = fprintf(f, "madvise %" PRIu32 " 0x%" PRIx64 " 0x%" PRIx64 " %s\n", r->pid, r->addr, r->len,
                    wl_advice_names[r->kind]);
        break;
    default:
        return -1;
    }
    return n < 0 ? -1 : 0;
}
