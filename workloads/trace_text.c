/* trace_text.c - pagesim's own text trace: references and address-space events, one per line.
 *
 *   R|W|X ADDRESS[:SIZE] [PID]         a read, write or instruction fetch of SIZE bytes
 *                                      (default 1) by PID (default 1)
 *   mmap PID START LENGTH PROT BACKING SHARING
 *                                      PROT: three characters r|- w|- x|- (rw-, r-x, ---);
 *                                      BACKING: anon, or file:NAME[@OFFSET]; SHARING: private
 *                                      or shared
 *   munmap PID START LENGTH            mprotect PID START LENGTH PROT
 *   brk PID START LENGTH               the break grows from START by LENGTH bytes
 *                                      (anonymous, private, rw-)
 *   fork PARENT CHILD                  exec PID PATH                exit PID
 *   wait PID [CHILD]                   PID waits for its child CHILD to exit (no CHILD, or 0:
 *                                      for any child); a recorder writes it where wait4,
 *                                      waitpid or waitid returned that child
 *   read PID FILE OFFSET LENGTH        buffered read(2) of LENGTH bytes (> 0) of FILE at OFFSET
 *   write PID FILE OFFSET LENGTH       buffered write(2), likewise; FILE is the NAME of a
 *                                      file:NAME backing (one page cache per name)
 *   madvise PID START LENGTH ADVICE    ADVICE: normal, random, sequential, dontneed, willneed
 *   fadvise PID FILE OFFSET LENGTH ADVICE
 *                                      posix_fadvise(2); LENGTH 0: to the end of the file
 *
 * Numbers are decimal or hex with 0x. '#' starts a comment at the beginning of a line and
 * after the last field of any line, except inside exec's PATH and mmap's BACKING, which run
 * to the end of the line (exec) or to the last field (mmap), and the FILE of read, write and
 * fadvise, which runs to the numeric fields after it, so that file names may hold blanks and
 * '#' (those lines take no comment after their last field). In file:NAME@OFFSET the offset is what follows the last '@', if it is a
 * number; otherwise the '@' belongs to the name. Blank lines are ignored; a CR before the
 * newline is dropped. Every other line is an error "PATH:LINE: what: "the line"".
 *
 * Records: references are WL_REF with kind REF_READ/WRITE/IFETCH. mmap is WL_MMAP with prot
 * (WL_PROT_*), flags (WL_MAP_SHARED for shared, WL_MAP_ANON for anon), file and offset (file
 * only); brk is WL_BRK with addr = START, len = LENGTH, prot = R|W, flags = WL_MAP_ANON;
 * fork is WL_FORK pid = PARENT, pid2 = CHILD; exec is WL_EXEC with file = PATH; wait is
 * WL_WAIT with pid2 = CHILD (0 without one); read, write and fadvise are WL_READ, WL_WRITE
 * and WL_FADVISE with file, offset and len (and kind = wl_advice_t), madvise WL_MADVISE with
 * addr, len and kind. file points into the line buffer, valid until
 * the next call. Whether a wait names a child of its pid is the engine's to check: a reader
 * does not know the process tree.
 *
 * Speed: the engine reads in batches (text_fill): the canonical reference line (what
 * `pagesim convert --to text` and the recorder write, "R|W|X 0xHEX[:DEC] [DEC]") is parsed in
 * place in the input's buffer (wl_input_span), two hex digits a step, with no call, memchr or
 * NUL-termination per line; the batch stops at any other line, which text_next reads with
 * every rule (blanks, decimal addresses, comments, events, errors and their messages), so
 * both accept the same lines and give the same records. Events are rare and parsed plainly,
 * each by its entry in one table (text_events), which detection reads too. Measured (issue
 * 13's large-footprint workload, 10^7 lines of 18 bytes; instructions per reference with
 * callgrind, the consumer's loop included): 394 before (text_next through wl_input_line:
 * memchr, a NUL check and a function call per line), 238 now; 10-17 M references/s.
 */
#include <stdlib.h>
#include <string.h>

#include "wl.h"
#include "wl_priv.h"

static int bad(wl_t *wl, const char *line, const char *what)
{
    char q[96];
    return wl_error(wl, "%s: \"%s\"", what, wl_quote(q, sizeof q, line));
}

/* A number field followed by a blank, the end, or a comment. */
static int num_field(const char **pp, uint64_t *v)
{
    const char *p = wl_skip_blanks(*pp);
    if (wl_parse_num(&p, v) < 0 || !wl_field_end(*p))
        return -1;
    *pp = p;
    return 0;
}

static int at_end(const char *p)
{
    p = wl_skip_blanks(p);
    return *p == 0 || *p == '#';
}

static int parse_prot(const char **pp, uint8_t *prot)
{
    const char *p = wl_skip_blanks(*pp);
    uint8_t v = 0;
    if (p[0] == 'r') v |= WL_PROT_R; else if (p[0] != '-') return -1;
    if (p[1] == 'w') v |= WL_PROT_W; else if (p[1] != '-') return -1;
    if (p[2] == 'x') v |= WL_PROT_X; else if (p[2] != '-') return -1;
    if (!wl_field_end(p[3]))
        return -1;
    *prot = v;
    *pp = p + 3;
    return 0;
}

static int pid_ok(uint64_t v) { return v <= UINT32_MAX; }

/* START LENGTH with no wrap past 2^64. */
static int range_ok(uint64_t start, uint64_t len) { return start + len >= start; }

/* The events, one parser each, in one table (which format detection reads too).
 * Each gets the line (for messages, and to terminate a name in place), p just after the
 * keyword, the keyword itself (events that share a parser tell themselves apart by it) and
 * a record zeroed but for size = 1; returns 1 with the record, or bad()'s -1. */
typedef int text_event_fn(wl_t *wl, char *line, const char *p, const char *kw, wl_rec_t *rec);

/* BACKING SHARING of an mmap line, from p (after PROT) to the end: BACKING runs to the last
 * field, SHARING. Sets rec's flags, file and offset. */
static int mmap_backing(wl_t *wl, char *line, const char *p, wl_rec_t *rec)
{
    const char *bs = wl_skip_blanks(p);
    const char *e = bs + strlen(bs);
    while (e > bs && wl_isblank((unsigned char)e[-1]))
        e--;
    const char *ss = e;
    while (ss > bs && !wl_isblank((unsigned char)ss[-1]))
        ss--;
    if (ss == bs)
        return bad(wl, line, "mmap: expected BACKING and SHARING after PROT");
    if ((size_t)(e - ss) == 6 && !memcmp(ss, "shared", 6))
        rec->flags = WL_MAP_SHARED;
    else if (!((size_t)(e - ss) == 7 && !memcmp(ss, "private", 7)))
        return bad(wl, line, "mmap: SHARING must be private or shared");
    const char *be = ss;
    while (be > bs && wl_isblank((unsigned char)be[-1]))
        be--;
    if ((size_t)(be - bs) == 4 && !memcmp(bs, "anon", 4)) {
        rec->flags |= WL_MAP_ANON;
        return 1;
    }
    if (!((size_t)(be - bs) > 5 && !memcmp(bs, "file:", 5)))
        return bad(wl, line, "mmap: BACKING must be anon or file:NAME[@OFFSET]");
    const char *ns = bs + 5, *ne = be;
    const char *at = NULL;
    for (const char *q = ne; q > ns; q--)
        if (q[-1] == '@') {
            at = q - 1;
            break;
        }
    if (at && at > ns) {
        const char *q = at + 1;
        uint64_t off;
        if (wl_parse_num(&q, &off) == 0 && q == ne) {
            rec->offset = off;
            ne = at;
        }
    }
    if (ne == ns)
        return bad(wl, line, "mmap: empty file name");
    line[ne - line] = 0;           /* all checked: now terminate the name in place */
    rec->file = ns;
    return 1;
}

static int ev_mmap(wl_t *wl, char *line, const char *p, const char *kw, wl_rec_t *rec)
{
    uint64_t pid, a, b;
    if (num_field(&p, &pid) < 0 || !pid_ok(pid))
        return bad(wl, line, "mmap: bad PID");
    if (num_field(&p, &a) < 0)
        return bad(wl, line, "mmap: bad START");
    if (num_field(&p, &b) < 0 || b == 0 || !range_ok(a, b))
        return bad(wl, line, "mmap: bad LENGTH (must be > 0 and not wrap)");
    if (parse_prot(&p, &rec->prot) < 0)
        return bad(wl, line, "mmap: bad PROT (three characters from r, w, x and -, as rw-)");
    if (mmap_backing(wl, line, p, rec) < 0)
        return -1;
    rec->type = WL_MMAP;
    rec->pid = (spid_t)pid;
    rec->addr = a;
    rec->len = b;
    return 1;
}

/* munmap, mprotect and brk: PID START LENGTH, and mprotect's PROT. */
static int ev_range(wl_t *wl, char *line, const char *p, const char *kw, wl_rec_t *rec)
{
    int mprot = kw[1] == 'p', brk = kw[0] == 'b';
    uint64_t pid, a, b;
    if (num_field(&p, &pid) < 0 || !pid_ok(pid))
        return bad(wl, line, "bad PID");
    if (num_field(&p, &a) < 0)
        return bad(wl, line, "bad START");
    if (num_field(&p, &b) < 0 || !range_ok(a, b))
        return bad(wl, line, "bad LENGTH");
    if (mprot && parse_prot(&p, &rec->prot) < 0)
        return bad(wl, line, "mprotect: bad PROT (three characters from r, w, x and -, as rw-)");
    if (!at_end(p))
        return bad(wl, line, "unexpected text after the last field");
    rec->type = mprot ? WL_MPROTECT : brk ? WL_BRK : WL_MUNMAP;
    if (brk) {
        rec->prot = WL_PROT_R | WL_PROT_W;
        rec->flags = WL_MAP_ANON;
    }
    rec->pid = (spid_t)pid;
    rec->addr = a;
    rec->len = b;
    return 1;
}

static int ev_fork(wl_t *wl, char *line, const char *p, const char *kw, wl_rec_t *rec)
{
    uint64_t pid, child;
    if (num_field(&p, &pid) < 0 || !pid_ok(pid))
        return bad(wl, line, "fork: bad PARENT pid");
    if (num_field(&p, &child) < 0 || !pid_ok(child))
        return bad(wl, line, "fork: bad CHILD pid");
    if (!at_end(p))
        return bad(wl, line, "unexpected text after the last field");
    rec->type = WL_FORK;
    rec->pid = (spid_t)pid;
    rec->pid2 = (spid_t)child;
    return 1;
}

static int ev_exit(wl_t *wl, char *line, const char *p, const char *kw, wl_rec_t *rec)
{
    uint64_t pid;
    if (num_field(&p, &pid) < 0 || !pid_ok(pid))
        return bad(wl, line, "exit: bad PID");
    if (!at_end(p))
        return bad(wl, line, "unexpected text after the last field");
    rec->type = WL_EXIT;
    rec->pid = (spid_t)pid;
    return 1;
}

static int ev_wait(wl_t *wl, char *line, const char *p, const char *kw, wl_rec_t *rec)
{
    uint64_t pid, child = 0;
    if (num_field(&p, &pid) < 0 || !pid_ok(pid))
        return bad(wl, line, "wait: bad PID");
    if (!at_end(p) && (num_field(&p, &child) < 0 || !pid_ok(child)))
        return bad(wl, line, "wait: bad CHILD pid (a number, or none for any child)");
    if (!at_end(p))
        return bad(wl, line, "unexpected text after the last field");
    rec->type = WL_WAIT;
    rec->pid = (spid_t)pid;
    rec->pid2 = (spid_t)child;
    return 1;
}

/* exec PID PATH: PATH runs to the end of the line (blanks and '#' included). */
static int ev_exec(wl_t *wl, char *line, const char *p, const char *kw, wl_rec_t *rec)
{
    uint64_t pid;
    const char *q = wl_skip_blanks(p);
    if (wl_parse_num(&q, &pid) < 0 || !wl_isblank((unsigned char)*q) || !pid_ok(pid))
        return bad(wl, line, "exec: expected PID PATH");
    const char *ps = wl_skip_blanks(q);
    const char *pe = ps + strlen(ps);
    while (pe > ps && wl_isblank((unsigned char)pe[-1]))
        pe--;
    if (pe == ps)
        return bad(wl, line, "exec: missing PATH");
    line[pe - line] = 0;
    rec->type = WL_EXEC;
    rec->pid = (spid_t)pid;
    rec->file = ps;
    return 1;
}

/* The last n blank-separated fields of [bs, e): their starts and ends, and where what comes
 * before them ends (blanks dropped). -1 if there are fewer than n + 1 fields. */
static int tail_fields(const char *bs, const char *e, int n, const char **fs, const char **fe,
                       const char **head_end)
{
    for (int i = n - 1; i >= 0; i--) {
        while (e > bs && wl_isblank((unsigned char)e[-1]))
            e--;
        fe[i] = e;
        while (e > bs && !wl_isblank((unsigned char)e[-1]))
            e--;
        fs[i] = e;
        if (fs[i] == fe[i])
            return -1;
    }
    while (e > bs && wl_isblank((unsigned char)e[-1]))
        e--;
    *head_end = e;
    return e > bs ? 0 : -1;
}

/* A number that is the whole of [s, e). */
static int whole_num(const char *s, const char *e, uint64_t *v)
{
    const char *q = s;
    return wl_parse_num(&q, v) == 0 && q == e ? 0 : -1;
}

static int parse_advice(const char *s, const char *e, uint8_t *adv)
{
    for (unsigned i = 0; i < WL_NADVICE; i++)
        if (strlen(wl_advice_names[i]) == (size_t)(e - s) && !memcmp(s, wl_advice_names[i], (size_t)(e - s))) {
            *adv = (uint8_t)i;
            return 0;
        }
    return -1;
}

/* read|write PID FILE OFFSET LENGTH and fadvise PID FILE OFFSET LENGTH ADVICE: FILE runs from
 * after PID to the last numeric fields, so names may hold blanks and '#' (as mmap's BACKING:
 * no comment after the last field). */
static int ev_fileio(wl_t *wl, char *line, const char *p, const char *kw, wl_rec_t *rec)
{
    int fadv = kw[0] == 'f';
    const char *name = fadv ? "fadvise" : kw[0] == 'r' ? "read" : "write";
    char what[96];
    uint64_t pid, off, len;
    const char *q = wl_skip_blanks(p);
    if (wl_parse_num(&q, &pid) < 0 || !wl_isblank((unsigned char)*q) || !pid_ok(pid))
        return snprintf(what, sizeof what, "%s: bad PID", name), bad(wl, line, what);
    const char *bs = wl_skip_blanks(q), *fs[3], *fe[3], *ne;
    int nt = fadv ? 3 : 2;
    if (tail_fields(bs, bs + strlen(bs), nt, fs, fe, &ne) < 0) {
        snprintf(what, sizeof what, "%s: expected PID FILE OFFSET LENGTH%s", name, fadv ? " ADVICE" : "");
        return bad(wl, line, what);
    }
    if (whole_num(fs[0], fe[0], &off) < 0)
        return snprintf(what, sizeof what, "%s: bad OFFSET", name), bad(wl, line, what);
    if (whole_num(fs[1], fe[1], &len) < 0 || (!fadv && len == 0) || !range_ok(off, len))
        return snprintf(what, sizeof what, "%s: bad LENGTH (%s and not past 2^64)", name,
                        fadv ? "0 for to the end of the file" : "must be > 0"), bad(wl, line, what);
    if (fadv && parse_advice(fs[2], fe[2], &rec->kind) < 0)
        return bad(wl, line, "fadvise: ADVICE must be normal, random, sequential, dontneed or willneed");
    line[ne - line] = 0;
    rec->type = fadv ? WL_FADVISE : kw[0] == 'r' ? WL_READ : WL_WRITE;
    rec->pid = (spid_t)pid;
    rec->file = bs;
    rec->offset = off;
    rec->len = len;
    return 1;
}

/* madvise PID START LENGTH ADVICE */
static int ev_madvise(wl_t *wl, char *line, const char *p, const char *kw, wl_rec_t *rec)
{
    uint64_t pid, a, b;
    if (num_field(&p, &pid) < 0 || !pid_ok(pid))
        return bad(wl, line, "madvise: bad PID");
    if (num_field(&p, &a) < 0)
        return bad(wl, line, "madvise: bad START");
    if (num_field(&p, &b) < 0 || b == 0 || !range_ok(a, b))
        return bad(wl, line, "madvise: bad LENGTH (must be > 0 and not wrap)");
    const char *s = wl_skip_blanks(p), *e = s;
    while (*e && !wl_isblank((unsigned char)*e) && *e != '#')
        e++;
    if (parse_advice(s, e, &rec->kind) < 0)
        return bad(wl, line, "madvise: ADVICE must be normal, random, sequential, dontneed or willneed");
    if (!at_end(e))
        return bad(wl, line, "unexpected text after the last field");
    rec->type = WL_MADVISE;
    rec->pid = (spid_t)pid;
    rec->addr = a;
    rec->len = b;
    return 1;
}

static const struct text_event { const char *kw; text_event_fn *parse; } text_events[] = {
    {"mmap", ev_mmap}, {"munmap", ev_range}, {"mprotect", ev_range}, {"brk", ev_range},
    {"fork", ev_fork}, {"exec", ev_exec}, {"exit", ev_exit}, {"wait", ev_wait},
    {"read", ev_fileio}, {"write", ev_fileio}, {"fadvise", ev_fileio}, {"madvise", ev_madvise},
};
#define N_EVENTS (sizeof text_events / sizeof text_events[0])

static int parse_event(wl_t *wl, char *line, const char *p, wl_rec_t *rec)
{
    const char *kw = p;
    while (*p && !wl_isblank((unsigned char)*p))
        p++;
    size_t kl = (size_t)(p - kw);
    *rec = (wl_rec_t){ .size = 1 };
    for (size_t i = 0; i < N_EVENTS; i++)
        if (strlen(text_events[i].kw) == kl && !memcmp(kw, text_events[i].kw, kl))
            return text_events[i].parse(wl, line, p, kw, rec);
    return bad(wl, line, "not a reference (R|W|X ADDRESS[:SIZE] [PID]) nor an event "
                         "(mmap, munmap, mprotect, brk, fork, exec, exit, wait, read, write, madvise, fadvise)");
}

static int text_next(wl_t *wl, wl_rec_t *rec)
{
    char *line;
    size_t len;
    while ((line = wl_input_line(wl->in, &len))) {
        wl->line++;
        const char *p = line;
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '\t') {
            p = wl_skip_blanks(p);
            c = (unsigned char)*p;
        }
        uint8_t kind;
        if (c == 'R') kind = REF_READ;
        else if (c == 'W') kind = REF_WRITE;
        else if (c == 'X') kind = REF_IFETCH;
        else if (c == 0 || c == '#') continue;
        else return parse_event(wl, line, p, rec);
        if (!wl_isblank((unsigned char)p[1]))
            return parse_event(wl, line, p, rec);
        p = wl_skip_blanks(p + 2);
        uint64_t addr, size = 1, pid = 1;
        if (wl_parse_num(&p, &addr) < 0)
            return bad(wl, line, "bad ADDRESS (hex with 0x, or decimal)");
        if (*p == ':') {
            p++;
            if (wl_parse_num(&p, &size) < 0 || size == 0 || size > UINT32_MAX)
                return bad(wl, line, "bad SIZE (1 to 2^32-1 bytes)");
        }
        if (!wl_field_end(*p))
            return bad(wl, line, "bad ADDRESS[:SIZE]");
        p = wl_skip_blanks(p);
        if (*p && *p != '#') {
            if (wl_parse_num(&p, &pid) < 0 || pid > UINT32_MAX || !wl_field_end(*p))
                return bad(wl, line, "bad PID");
            if (!at_end(p))
                return bad(wl, line, "unexpected text after the PID");
        }
        rec->type = WL_REF;
        rec->kind = kind;
        rec->prot = 0;
        rec->flags = 0;
        rec->size = (uint32_t)size;
        rec->pid = (spid_t)pid;
        rec->pid2 = 0;
        rec->addr = addr;
        rec->len = 0;
        rec->offset = 0;
        rec->file = NULL;
        return 1;
    }
    return wl_end_or_error(wl);
}


/* The canonical reference line "R|W|X 0xHEX[:DEC] [DEC]" ending in '\n' (or "\r\n"),
 * parsed in place in the input's buffer: 1 with the record and *pp past the newline, 0 for
 * any other line (text_next then reads it, with every rule and message). Accepts exactly
 * what text_next accepts of this shape and gives the same record. */
static inline __attribute__((always_inline)) int fast_ref(const char **pp, wl_rec_t *rec)
{
    const unsigned char *p = (const unsigned char *)*pp, *q;
    unsigned c = p[0], kind = c == 'R' ? REF_READ : c == 'W' ? REF_WRITE : c == 'X' ? REF_IFETCH : 3;
    if (kind == 3 || p[1] != ' ' || p[2] != '0' || p[3] != 'x')
        return 0;
    uint64_t addr = 0, size = 1, pid = 1;
    unsigned d;
    for (q = p + 4; (d = wl_hexval1[q[0]]) != 0; q += 2) {   /* two digits a step */
        unsigned d1 = wl_hexval1[q[1]];    /* q[0] is a digit: q[1] is in the line */
        if (!d1) {
            addr = addr << 4 | (d - 1);
            q++;
            break;
        }
        addr = addr << 8 | (d - 1) << 4 | (d1 - 1);
    }
    if (q == p + 4 || q - (p + 4) > 16)
        return 0;
    if (*q == ':') {
        const unsigned char *s = ++q;
        size = 0;
        while (wl_isdigit(*q) && q - s < 10)
            size = size * 10 + (*q++ - '0');
        if (q == s || size == 0 || size > UINT32_MAX || wl_isdigit(*q))
            return 0;
    }
    if (*q == ' ') {
        const unsigned char *s = ++q;
        pid = 0;
        while (wl_isdigit(*q) && q - s < 10)
            pid = pid * 10 + (*q++ - '0');
        if (q == s || pid > UINT32_MAX || wl_isdigit(*q))
            return 0;
    }
    q += *q == '\r';
    if (*q != '\n')
        return 0;
    *pp = (const char *)q + 1;
    rec->type = WL_REF;
    rec->kind = (uint8_t)kind;
    rec->prot = 0;
    rec->flags = 0;
    rec->size = (uint32_t)size;
    rec->pid = (spid_t)pid;
    rec->pid2 = 0;
    rec->addr = addr;
    rec->len = 0;
    rec->offset = 0;
    rec->file = NULL;
    return 1;
}

/* A batch: reference lines parsed in place (fast_ref), in one loop with no call per line.
 * Any other line ends the batch; a batch that starts with one gets it from text_next alone
 * (so an error is returned by the call that meets it, never after records). */
static int text_fill(wl_t *wl, wl_rec_t *recs, int n)
{
    char *start, *end;
    int i = 0;
    if (wl_input_span(wl->in, &start, &end)) {
        const char *p = start;
        uint64_t line = wl->line;
        while (i < n && p < end && fast_ref(&p, &recs[i]))
            recs[i++].line = ++line;
        wl_input_take(wl->in, (size_t)(p - start), line - wl->line);
        wl->line = line;
        if (i)
            return i;
    }
    int rc = text_next(wl, recs);
    recs[0].line = wl->line;
    return rc;
}

int wl_text_shaped(const char *p)
{
    unsigned char c = (unsigned char)*p;
    if ((c == 'R' || c == 'W' || c == 'X') && (p[1] == 0 || wl_isblank((unsigned char)p[1])))
        return 1;
    size_t kl = 0;
    while (p[kl] && !wl_isblank((unsigned char)p[kl]))
        kl++;
    for (size_t i = 0; i < N_EVENTS; i++)
        if (strlen(text_events[i].kw) == kl && !memcmp(p, text_events[i].kw, kl))
            return 1;
    return 0;
}

/* A reference or an event keyword line. */
static int text_line_ok(const char *p, void *ctx)
{
    if ((*p == 'R' || *p == 'W' || *p == 'X') && wl_isblank((unsigned char)p[1])) {
        uint64_t v;
        p = wl_skip_blanks(p + 2);
        if (wl_parse_num(&p, &v) < 0)
            return 0;
        if (*p == ':') {
            p++;
            if (wl_parse_num(&p, &v) < 0)
                return 0;
        }
        if (!wl_field_end(*p))
            return 0;
        p = wl_skip_blanks(p);
        return !(*p && *p != '#' && (wl_parse_num(&p, &v) < 0 || !at_end(p)));
    }
    size_t kl = 0;
    while (p[kl] && !wl_isblank((unsigned char)p[kl]))
        kl++;
    for (size_t i = 0; i < N_EVENTS; i++)
        if (strlen(text_events[i].kw) == kl && !memcmp(p, text_events[i].kw, kl) && wl_isblank((unsigned char)p[kl]))
            return 1;
    return 0;
}

/* Every non-comment line must be a reference or an event keyword line. */
static int text_probe(const char *head, size_t n)
{
    return wl_probe_lines(head, n, 1000, NULL, text_line_ok, NULL) ? 90 : 0;
}

const wl_ops_t wl_text_ops = {
    .name = "text",
    .summary = "pagesim text: R|W|X ADDRESS[:SIZE] [PID] and mmap/munmap/mprotect/brk/fork/exec/exit/wait/read/write/madvise/fadvise lines",
    .probe = text_probe,
    .next = text_next,
    .fill = text_fill,
    .rewind = wl_rewind_input,
};
