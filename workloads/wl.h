/* wl.h - workloads: streams of memory references and address-space events.
 *
 * Every trace reader and synthetic generator implements wl_ops_t and yields wl_rec_t records
 * one at a time, reading its input incrementally, so memory grows with what the reader must
 * remember (for most, nothing) and never with the trace's length. A record is one access of
 * `size` bytes at a byte address: the engine splits it into page references (an access that
 * crosses a page boundary touches both pages; wl_split() is the one rule for that, shared by
 * the engine and by the next-use pass so their reference indices agree).
 *
 * A reader may also describe a run of references by a summary (WL_RUN, below) to a caller
 * that asks for it (want_runs): the engine replays such a run without its records when it
 * can, and expands it (wl_run_expand) when it cannot. Callers that do not ask never see one.
 *
 * Errors from input are returned as negative values with the kind and a message in wl->err
 * (sim/base/err.h) of the form "FILE:LINE: what is wrong"; readers never print and never exit.
 * The reader keeps its error, as zlib's z_stream keeps msg: a read error surfaces in a later
 * call than the one that opened the reader, through whoever reads.
 */
#ifndef PAGESIM_WL_H
#define PAGESIM_WL_H

#include <stdio.h>
#include <gsl/gsl_rng.h>
#include "sim/base/err.h"
#include "sim/base/types.h"

typedef enum wl_rec_type {
    WL_REF = 0,   /* a memory access */
    WL_MMAP,      /* addr, len, prot, flags, file, offset */
    WL_MUNMAP,    /* addr, len */
    WL_MPROTECT,  /* addr, len, prot */
    WL_BRK,       /* addr = old break, len = growth in bytes (an anonymous private area) */
    WL_FORK,      /* pid forks child pid2 */
    WL_EXEC,      /* pid replaces its address space; file = program path */
    WL_EXIT,      /* pid exits */
    WL_RUN,       /* a run of references summarised (run); only to a caller that set want_runs */
    WL_WAIT,      /* pid waits for its child pid2 to exit (pid2 0: for any child), as wait4,
                     waitpid and waitid do; a recorder writes it where the call returned */
    /* Buffered file I/O and advice (issue 15). file = the NAME of a `file:NAME` backing (one
     * page cache per name, shared with its mappings), offset and len in bytes, len >= 1. */
    WL_READ,      /* read(2) and its kin: pid reads [offset, offset+len) of file through the
                     page cache, with no mapping */
    WL_WRITE,     /* write(2) and its kin: pid writes that range, dirtying page-cache pages */
    WL_MADVISE,   /* madvise(2): pid advises [addr, addr+len) of its address space; kind =
                     wl_advice_t */
    WL_FADVISE,   /* posix_fadvise(2): pid advises [offset, offset+len) of file (len 0: to its
                     end); kind = wl_advice_t */
    WL_NTYPES     /* not a record: the number of types */
} wl_rec_type_t;

/* The advice of WL_MADVISE and WL_FADVISE (in wl_rec_t.kind), as MADV_* and POSIX_FADV_*
 * name them; wl_advice_names[] spells them as the text format does. */
typedef enum wl_advice {
    WL_ADV_NORMAL = 0, WL_ADV_RANDOM, WL_ADV_SEQUENTIAL, WL_ADV_DONTNEED, WL_ADV_WILLNEED,
    WL_NADVICE
} wl_advice_t;
extern const char *const wl_advice_names[WL_NADVICE];

enum { WL_PROT_R = 1, WL_PROT_W = 2, WL_PROT_X = 4 };
enum { WL_MAP_SHARED = 1, WL_MAP_ANON = 2 };

typedef struct wl_rec {
    uint8_t  type;      /* wl_rec_type_t */
    uint8_t  kind;      /* ref_kind_t, for WL_REF; wl_advice_t, for WL_MADVISE and WL_FADVISE */
    uint8_t  prot;      /* WL_PROT_* */
    uint8_t  flags;     /* WL_MAP_* */
    uint32_t size;      /* bytes accessed (>= 1) */
    spid_t   pid;
    spid_t   pid2;      /* WL_FORK: the child; WL_WAIT: the child waited for, 0 any */
    uint64_t addr;      /* byte address of an access, or start of an area */
    uint64_t len;       /* length of an area, bytes */
    uint64_t offset;    /* file offset of a file-backed area, bytes */
    union {
        const char *file;           /* file path; owned by the reader, valid until its next call */
        const struct wl_run *run;   /* WL_RUN: its summary; owned by the reader, likewise */
    };
    uint64_t line;      /* where it came from (line, or record of a binary trace), for messages */
} wl_rec_t;

/* A run: references of one pid, each within one 4 KiB page, over at most WL_RUN_PAGES
 * distinct pages, that a reader can describe without decoding them one by one (the binary
 * format stores them so). Replaying a run whose pages are all cached in the TLB needs only
 * this summary: every reference is a hit, and what the hits leave behind (TLB and policy
 * recency, counters) depends only on how many there are of each kind and on the order in
 * which each page was last referenced. Otherwise wl_run_expand gives the records. */
enum { WL_RUN_MAX = 256, WL_RUN_PAGES = 16, WL_RUN_SHIFT = 12 };
typedef struct wl_run {
    uint32_t n;                        /* references, 1..WL_RUN_MAX */
    uint32_t nkind[3];                 /* of each ref_kind_t */
    uint32_t m;                        /* distinct pages, 1..WL_RUN_PAGES */
    uint64_t page[WL_RUN_PAGES];       /* addr >> WL_RUN_SHIFT, in the order of each page's
                                          last reference (the last referenced last) */
    uint8_t  kinds[WL_RUN_PAGES];      /* bit k set: page[i] has a reference of kind k */
    const void *priv[5];               /* the reader's, for wl_run_expand */
} wl_run_t;

typedef struct wl wl_t;
struct wl_input;

typedef struct wl_ops {
    const char *name;      /* --format NAME */
    const char *summary;   /* one line for the README and --help */
    /* Auto-detection: given the first bytes of the (decompressed) input, how sure this
     * reader is that it can read it: 0 no, higher is surer. NULL: never auto-detected. */
    int  (*probe)(const char *head, size_t n);
    int  (*open)(wl_t *wl);                      /* 0 or -1 with wl->err */
    int  (*next)(wl_t *wl, wl_rec_t *rec);       /* 1 a record, 0 end, -1 error */
    /* Optional: up to n records at once (see wl_fill), for readers whose decoding loop is
     * cheaper than a call per record. Sets each record's line itself. A file reader whose
     * records hold no strings takes wl_fill_next (wl_priv.h): its next, n times. Without a
     * fill the engine gets one record per call and cannot look ahead (sched.c's prefetch of
     * the coming walks), so only generators, which draw from the run's rng, should lack one. */
    int  (*fill)(wl_t *wl, wl_rec_t *recs, int n);
    /* Optional, for readers that yield WL_RUN: the run's records into recs[0..run->n-1]
     * (lines set); n, or -1 with wl->err. Valid until the reader's next next/fill. */
    int  (*expand)(wl_t *wl, const wl_rec_t *run, wl_rec_t *recs);
    int  (*rewind)(wl_t *wl);                    /* 0 or -1 */
    void (*close)(wl_t *wl);
    int  generator;        /* its input is a spec read at open, not the stream: no position */
} wl_ops_t;

struct wl {
    const wl_ops_t *ops;
    void *state;                 /* the reader's own */
    struct wl_input *in;         /* the (possibly decompressed) byte stream, for file readers */
    char path[4096];
    uint64_t line;               /* current line (text) or record (binary), for messages */
    gsl_rng *rng;                /* generators draw from the run's rng, never their own */
    unsigned page_shift;         /* log2 of the engine's page size: readers of page-number
                                    traces (pages, lis, oracle) yield addr = page << page_shift.
                                    wl_open sets 12 (4 KiB); the caller sets its own before the
                                    first wl_next. */
    int fill_stop;               /* a fill stopped early (wl_fill_stopped): 1 at the end, 2 at
                                    an error, which the next wl_fill or wl_next returns (0: none) */
    int want_runs;               /* the caller takes WL_RUN records (and expands those it
                                    cannot use); 0: readers give every record */
    struct progress *progress;   /* the reading command's progress line (sim/base/progress.h), or
                                    NULL; passes such as nu_build report to it */
    sim_err_t err;               /* the reader's error (kind SIM_EINPUT), after a -1 */
};

/* The table of readers and generators, NULL-terminated (formats.c). */
extern const wl_ops_t *const wl_formats[];
const wl_ops_t *wl_format_find(const char *name);

/* Opens path with format (NULL or "auto": detect from content; plain, gzip or zstd; "-" is
 * standard input, which cannot be rewound). Returns a workload with page_shift = 12, or NULL
 * with err. */
wl_t *wl_open(const char *path, const char *format, gsl_rng *rng, sim_err_t *err);
/* The same, but messages (wl->path, and wl->err) name the input `name`: for a spool (below)
 * that stands for the original input. */
wl_t *wl_open_as(const char *path, const char *name, const char *format, gsl_rng *rng, sim_err_t *err);
static inline int wl_next(wl_t *wl, wl_rec_t *rec)
{
    if (__builtin_expect(wl->fill_stop, 0)) {    /* a fill's early stop (wl_fill_stopped) */
        int stop = wl->fill_stop;
        wl->fill_stop = 0;
        return stop == 1 ? 0 : -1;
    }
    int rc = wl->ops->next(wl, rec);
    rec->line = wl->line;
    return rc;
}
/* The next records, in order, into recs[0..n-1]: returns how many (at least 1), 0 at the end,
 * -1 on error (an error after some records is returned by the following call). The engine's
 * hot loop reads this way. A reader without its own fill yields one record per call, so a
 * generator drawing from the run's rng draws exactly when it would under wl_next. A `file`
 * string is valid only until the next call. */
static inline int wl_fill(wl_t *wl, wl_rec_t *recs, int n)
{
    if (__builtin_expect(wl->fill_stop, 0)) {    /* a fill's early stop (wl_fill_stopped) */
        int stop = wl->fill_stop;
        wl->fill_stop = 0;
        return stop == 1 ? 0 : -1;
    }
    return wl->ops->fill ? wl->ops->fill(wl, recs, n) : wl_next(wl, recs);
}
/* The records of a WL_RUN record, before the next wl_next/wl_fill: n, or -1 with wl->err. */
static inline int wl_run_expand(wl_t *wl, const wl_rec_t *run, wl_rec_t *recs)
{
    return wl->ops->expand(wl, run, recs);
}
int  wl_rewind(wl_t *wl);
void wl_close(wl_t *wl);
/* How far the stream has read its file: bytes used (compressed bytes for a compressed file,
 * to within a megabyte of decompressed data) since it was opened or rewound, and the file's
 * size. 1 when known, 0 for standard input,
 * pipes and generators. Costs nothing per record (for progress lines). */
int  wl_position(const wl_t *wl, uint64_t *done_bytes, uint64_t *total_bytes);
/* The same for a progress line (progress.h's progress_pos_fn): src is the wl_t. */
int  wl_progress_pos(const void *src, uint64_t *done_bytes, uint64_t *total_bytes);

/* Formats an error "PATH:LINE: message" into wl->err; returns -1 for `return wl_error(...)`. */
int wl_error(wl_t *wl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Where record `line` of wl is, for a caller's message: "PATH:LINE" for line-oriented
 * formats, "PATH: record N" for the binary one (whose positions are records, not lines);
 * "PATH" without a position. Written into buf (n bytes), which is returned. */
const char *wl_where(const wl_t *wl, uint64_t line, char *buf, size_t n);

/* The pages an access touches: first vpn and count (1, or more when it crosses pages). */
static inline void wl_split(const wl_rec_t *r, unsigned page_shift, vpn_t *first, uint64_t *n)
{
    uint64_t last = r->addr + (r->size ? r->size : 1) - 1;
    if (last < r->addr)              /* wrapped past 2^64: clamp to the top page */
        last = UINT64_MAX;
    *first = r->addr >> page_shift;
    *n = (last >> page_shift) - *first + 1;
}

/* ---- byte input (input.c): plain files, gzip and zstd, read in large chunks ---- */
typedef struct wl_input wl_input_t;
wl_input_t *wl_input_open(const char *path, sim_err_t *err);
/* Next line without its newline, NUL-terminated in place; NULL at end or on error
 * (wl_input_error tells). Lines may be arbitrarily long. */
char *wl_input_line(wl_input_t *in, size_t *len);
/* For a reader that parses lines in place without a call per line: the buffered unread bytes
 * up to and including the last newline among them, none of them NUL, in [*start, *end)
 * (lines end with '\n' and are not NUL-terminated). 0 when there is no such line buffered:
 * then wl_input_line reads on (and reports a NUL byte). The caller then consumes what it
 * parsed with wl_input_take: `bytes` from *start, holding `lines` whole lines. */
int  wl_input_span(wl_input_t *in, char **start, char **end);
void wl_input_take(wl_input_t *in, size_t bytes, uint64_t lines);
/* Up to n bytes; returns the count, 0 at end, -1 on error. */
long wl_input_read(wl_input_t *in, void *buf, size_t n);
/* The first bytes of the decompressed stream without consuming them (for probe). */
size_t wl_input_peek(wl_input_t *in, const char **head);
int  wl_input_rewind(wl_input_t *in);
/* Bytes of the file used since open or rewind (read, less what waits in the buffers), and
 * its size (0: not a regular file). */
void wl_input_position(const wl_input_t *in, uint64_t *done_bytes, uint64_t *total_bytes);
const char *wl_input_error(wl_input_t *in);
/* The line the error is about (a NUL byte in it), counted from 1 since open or rewind; 0 when
 * the error is not about one line (or there is none). */
uint64_t wl_input_error_line(const wl_input_t *in);
/* For a caller that reads an input more than once (input.c says why): when path is "-" or not
 * a regular file (a pipe, a FIFO, <(...)), copies its bytes once into an unlinked temporary
 * file in $TMPDIR. Returns 1 with sp->path a path that opens the copy afresh each time
 * (release it with wl_spool_free), 0 when path can be opened again as it is (sp untouched
 * but for fd -1); -1 with err when path cannot be opened, -2 (SIM_ESYS) when the copy
 * cannot be made (no temporary file, a full disk, a read error: the machine's failure). */
typedef struct wl_spool {
    int fd;                  /* the copy, or -1 */
    int named;               /* no /proc: path is the copy's own name, removed by wl_spool_free */
    char path[4096];
} wl_spool_t;
int  wl_spool(const char *path, wl_spool_t *sp, sim_err_t *err);
void wl_spool_free(wl_spool_t *sp);
void wl_input_close(wl_input_t *in);

/* ---- next use (nextuse.c), for OPT ---- */
/* A forward pass over the whole workload that records, for every page reference in the
 * engine's order, the index of the next reference to the same page: the same contents, as
 * pgid.h identifies them (a file page, an anonymous page, its COW copies), never (pid, vpn).
 * Kept in a temporary file mapped into memory (4 bytes per page reference), since the
 * future cannot be streamed; the workload is rewound afterwards. cow: what the COW policy
 * decides (NULL: reuse). NULL with err on bad input; a failure of the machine (no room in
 * TMPDIR, out of memory) is thrown as SIM_ESYS to the caller's trap (sim/base/xalloc.h). */
#include "sim/base/u64map.h"
typedef struct nextuse nextuse_t;
struct pgid_cow;
nextuse_t *nu_build(wl_t *wl, unsigned page_shift, const struct pgid_cow *cow, sim_err_t *err);
/* The next use of the page reference t leaves mapped (VTIME_NEVER: none). */
static inline vtime_t nu_get(const nextuse_t *nu, vtime_t t);
/* The next use of the page reference t found: the same but for a reference that copied on
 * write, whose source page is another one. */
vtime_t nu_get_src(const nextuse_t *nu, vtime_t t);
vtime_t nu_count(const nextuse_t *nu);
size_t  nu_bytes(const nextuse_t *nu);    /* the table's size: what the future costs */
void nu_free(nextuse_t *nu);

struct nextuse {
    const uint32_t *d;       /* distance to the next use (31 bits; 0 never, 2^31-1 in far),
                                top bit: the reference copied (its source's next use in src) */
    vtime_t n;
    size_t map_bytes;
    u64map_t far;            /* t -> next use, for distances of 2^31 - 1 or more */
    u64map_t src;            /* t -> next use of the source of a copy made at t */
    uint64_t n_copies;
};
vtime_t nu_far(const nextuse_t *nu, vtime_t t);
static inline vtime_t nu_get(const nextuse_t *nu, vtime_t t)
{
    if (t >= nu->n)
        return VTIME_NEVER;
    uint32_t d = nu->d[t] & 0x7fffffffu;
    return d == 0 ? VTIME_NEVER : d == 0x7fffffffu ? nu_far(nu, t) : t + d;
}

#endif
