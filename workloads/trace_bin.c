/* trace_bin.c - PSTB, pagesim's native binary trace format: reader and writer.
 *
 * Why a binary format at all: text costs a parse per reference (the bench target is a replay
 * at least three times faster than text) and ~13-20 bytes a reference (the target is at most
 * a fifth of that). The design, in the order the ideas pay off:
 *
 *  - Deltas from a few bases. A process's references walk a handful of regions at once
 *    (code, stack, heap, a scanned array), so each (pid, stream) keeps four base addresses
 *    and a reference names the nearest one in two tag bits: an access into a region resumes
 *    from that region's last address instead of paying a long jump from whatever region the
 *    process touched last. Fetches and data (reads, writes) are separate streams, each with
 *    its own bases, because code and data addresses never predict one another (PDATS keeps
 *    one base per reference type for the same reason: Johnson and Ha, "PDATS: lossless
 *    address trace compression", 1994). A far access replaces the least recently used base.
 *  - Deltas in units of the access size. Aligned 8-byte accesses have 3 zero low bits in
 *    every delta; dividing by the (power-of-two) size drops them, and the scaled ZigZag value
 *    is stored in 1, 2 or 3 plain bytes (the width in the tag), not a varint whose
 *    continuation bits would cost an eighth of every byte.
 *  - Columns. Each chunk of records is split into five columns (tags, the first,
 *    second and third delta bytes, everything else) compressed separately with zstd, so each
 *    gets its own entropy tables: the tags take a couple of bits, the low-entropy high delta
 *    bytes a few. On scripts/bench's mostly random trace this is 16.8% of the text size where
 *    one interleaved zstd stream of the same records is 19.9% and per-pid LEB128 deltas
 *    27% (measured, 10^6 references, zstd level 3).
 *  - Decoding speed: the common reference (known pid and size, fixed-width delta) is a tag
 *    byte, 1-4 loads and an add, on columns decompressed one chunk at a time. Memory is
 *    bounded: chunk buffers (version 5's writer: at most ~60 MiB, typically a few), plus ~450 bytes per distinct pid for the bases (an
 *    open-addressing table doubling at half load).
 *  - Runs (version 2). Real programs stay on a few pages for a long time: in the bundled sort
 *    trace 97.9% of the references fall in runs, 89 references each on average. A run is
 *    stored as a summary (its pages in the order of their last reference, which kinds touch
 *    each, how many references of each kind) in the main columns and its records in three
 *    columns of their own (page index, offset within the page, size). The engine replays a
 *    run whose pages are all in the TLB from the summary alone, skipping the records'
 *    columns: that is what makes binary replay several times faster than text, which must
 *    parse every reference (Kaplan, Smaragdakis and Wilson's trace reduction, "Trace
 *    Reduction for Virtual Memory Simulations", SIGMETRICS 1999, drops references for
 *    speed; here none is dropped: a run that cannot be replayed whole is expanded). Which
 *    references form runs is the writer's choice: this one keeps, per pid, the 16 pages
 *    referenced most recently, and a reference to one of them, within one page, joins the
 *    pid's current run; runs of fewer than 8 are written as plain records.
 *  - Wait events (version 3): where a process waited for a child (wait4, waitpid, waitid).
 *    A new record type needs a new version, since a reader rejects types it does not know:
 *    the version tells an older pagesim why it cannot read the file, where an unknown type
 *    in the middle of a file would look like corruption. Versions 1 and 2 (which have no
 *    waits) are still read.
 *  - A checksum per chunk (version 4). zstd checks a compressed column's contents, but a
 *    column stored raw (too small or too random to compress) had no check at all, and the
 *    run columns are the ones a replay from the summaries never decodes: a damaged record
 *    there passed unseen under LRU, FIFO, CLOCK, random and MRU and was an error under LFU,
 *    OPT and info. So every chunk ends with a CRC-32 of all its bytes as stored, checked
 *    before any of it is decompressed or decoded: a chunk that is read is the writer's, so
 *    a run's summary stands for its records. Checking the stored bytes costs about 0.4 bytes
 *    of CRC a reference on real code (zlib's crc32; a run's records would cost a decoding
 *    pass, which is what replay from the summary saves). In files of versions 1 to 3, which
 *    have no checksum, every run the reader gives by its summary is checked against its
 *    records as it is read (slower, but never wrong). A run's records are checked against
 *    its summary whenever they are decoded, in every version.
 *  - Version 5 (issue 13: at most a fifth of the text on a large footprint, never larger than
 *    `zstd -19` of the text on recorded programs; version 4 was 20.4% and 1.3-2.1x zstd -19).
 *    (a) Far references: a jump to a random page of a 4 GB heap took a varint in X, unscaled
 *    and mixed in one column with every other field: 29 bits a reference where the page
 *    number holds 20. Now a delta takes 1 to 4 bytes in four planes (P3 is new), in units of
 *    the access size, or in pages when the offset within the page is the base's (aligned
 *    objects: 3 bytes reach 32 GB); a varint only beyond that. The pid and size changes move
 *    to an extension byte in X, which frees the tag bits for this. (b) History: the writer's
 *    chunks ended every 65,536 run records (the run columns' capacity) and every 1 MiB of X,
 *    so zstd saw one chunk's columns at a time and a program's loops, which repeat their
 *    records further apart, compressed as if new; chunks now hold up to 4 Mi items and
 *    16 MiB of X, compressed at level 19 (zstd decodes as fast at any level; the writer is
 *    slower, ~1.3 s per million plain references). (c) A fetch in a run is predicted where
 *    the page's last access ended, so sequential code has offset deltas of 0 (its sizes
 *    already say how far each instruction reaches). Measured, bytes (text, version 4,
 *    version 5, zstd -19 of the text): issue 13's large-footprint workload 180,000,054,
 *    36,652,323 (20.4%), 27,259,855 (15.1%), 29,441,290; the recordings in workloads/traces:
 *    sort 61,457,579, 1,447,549, 792,434, 1,127,879; pipeline 65,851,875, 1,164,394,
 *    542,385, 789,428; shell-pipeline 22,656,659, 544,743, 306,746, 434,256; build-driver
 *    31,669,883, 806,990, 394,470, 548,052; exec-wrapper 13,564,781, 374,962, 173,075,
 *    176,946; cow-fork 3,305,749, 92,407, 73,236, 80,690. Decoding (callgrind, instructions
 *    per reference, the reader alone): 229 -> 147 on the large workload (text: 361 -> 222);
 *    on sort as the engine reads it (runs by summary) 29.5 -> 21.7. Versions 1 to 4 are
 *    read as before.
 *  - Version 6 (issue 15): buffered file I/O and advice, the events read, write, madvise and
 *    fadvise (types 10 to 13), for the reason version 3 gave waits a version: an older reader
 *    says it cannot read the file. Nothing else changed: a version 5 file is a version 6 file
 *    without those events, and a reader's hot path never sees an event. The writer writes
 *    version 6; versions 1 to 5 are read as before.
 *
 * ---- The format, version 6 (everything a reader needs; what versions 1 to 5 differ in is said) ----
 *
 *   varint   unsigned LEB128: 7 bits per byte, least significant group first, bit 7 set on
 *            every byte but the last; at most 10 bytes.
 *   zigzag   a signed 64-bit s is stored as (s << 1) ^ (s >> 63): 0, -1, 1, -2 ... become
 *            0, 1, 2, 3 ...; decoding: (z >> 1) ^ -(z & 1).
 *   string   varint byte length (at most 65535), then that many bytes (no terminator).
 *
 * File = header, chunks, end.
 *   Header   bytes 0-3  magic "PSTB" (0x50 0x53 0x54 0x42)
 *            byte  4    format version: 1, 2 (which adds runs, below), 3 (which adds
 *                       waits), 4 (which adds chunk checksums), 5 (new reference tags,
 *                       column P3, fetch offsets in runs) or 6 (which adds read, write,
 *                       madvise and fadvise). A reader rejects versions newer than it knows.
 *            byte  5    flags, 0. A reader rejects any set bit (reserved for new features).
 *            bytes 6-7  0 (reserved).
 *   Chunk    varint N >= 1, the number of items (records and runs), then the columns
 *            T (tags), P0, P1, P2 (delta bytes), X (extra fields), from version 2 on also
 *            RT, RP, RX (the records of runs), and from version 5 on P3 (delta bytes), each as
 *              varint raw length R, varint stored length C, then C bytes: a zstd frame
 *              (RFC 8878) decompressing to exactly R bytes, or when C = 0, R raw bytes.
 *            T holds exactly N bytes; every column must be used up exactly by the items.
 *            From version 4 on the chunk ends with 4 bytes: the CRC-32 (ISO-HDLC, as zlib's
 *            crc32 and gzip compute it) of every byte of the chunk from its first byte (N)
 *            to the last byte of RX, least significant byte first.
 *   End      varint 0, then varint total number of records in the file (a run counts its
 *            references); nothing follows. A file without it is truncated.
 *
 * Decoder state, kept across chunks: the current pid P (initially 0) and for every pid and
 * stream (stream 1: instruction fetches; stream 0: reads and writes) four bases B[0..3]
 * (initially 0), their last-use stamps S[0..3] (initially 0), a counter K (initially 0) and
 * the last size Z (initially 1). Events do not touch bases or sizes.
 *
 * Record i of a chunk starts with tag T[i]; bits 0-1 are its class: 0 read, 1 write,
 * 2 instruction fetch (references), 3 event. A pid change sets P = pid for this record and
 * those after it, references and events alike.
 * A reference (stream s = 1 for class 2, else 0; its state B, S, K, Z for pid P), version 5:
 *   bit 7       extension: the next byte e of X says, bit 0: pid change (the next varint of
 *               X is the pid), bit 1: size change (then the next varint of X is the size,
 *               1..2^32-1; Z = size); its other bits are 0.
 *   bits 2-3    base j.
 *   bits 4-5    width w, bit 6 page mode g. The access size is Z; let h = log2(Z) when Z is
 *               a power of two, otherwise 0. Unless g = 1 and w = 3,
 *                 z = next byte of P0 | next byte of P1 << 8 (w >= 1)
 *                     | next byte of P2 << 16 (w >= 2) | next byte of P3 << 24 (w = 3), and
 *                 g = 0: addr = B[j] + (unzigzag(z) << h);
 *                 g = 1: addr = ((B[j] >> 12) + unzigzag(z)) << 12 | (B[j] & 4095) (a delta
 *                        in 4 KiB pages; the offset within the page is the base's);
 *               g = 1 and w = 3: z = next varint of X; addr = B[j] + unzigzag(z).
 *               All mod 2^64. Then K = K + 1 and
 *               if w < 3: B[j] = addr, S[j] = K;
 *               if w = 3: v = the smallest index with the smallest S[v]; B[v] = addr, S[v] = K.
 * A reference, versions 1 to 4:
 *   bit 7       pid change: the next varint of X is the pid.
 *   bit 4       size change: the next varint of X (after the pid) is the size; Z = size.
 *   bits 2-3    base j.
 *   bits 5-6    width w. w = 0, 1, 2: z = next byte of P0 | next byte of P1 << 8 (w >= 1)
 *               | next byte of P2 << 16 (w = 2); d = unzigzag(z) << h; w = 3: z = next
 *               varint of X; d = unzigzag(z). addr = B[j] + d; the bases as in version 5.
 * An event (every version):
 *   bit 7       pid change: the next varint of X is the pid.
 *   bits 2-6    the type; its fields are the next values of X, in this order:
 *   1 MMAP      varint start, varint length, byte prot (bit 0 r, bit 1 w, bit 2 x), byte flags
 *               (bit 0 shared, bit 1 anonymous); unless anonymous: varint file offset,
 *               string file name.
 *   2 MUNMAP    varint start, varint length.
 *   3 MPROTECT  varint start, varint length, byte prot.
 *   4 BRK       varint old break, varint growth in bytes.
 *   5 FORK      varint child pid (the parent is P).
 *   6 EXEC      string program path.
 *   7 EXIT      (no fields).
 *   8 RUN       (from version 2) n references of pid P, each within one 4 KiB page. Fields:
 *               varint n (1..256), byte m (1..16: its distinct pages), then for each page
 *               i = 0..m-1, in the order of the pages' last references in the run: varint c
 *               and byte k. If c is odd the page is page (c >> 1) of P's previous run (which
 *               must have one); if even it is q + unzigzag(c >> 1) with q the page before it
 *               in this list (for i = 0: page 0 of P's previous run, or 0). k: bit 0 some
 *               reference of the run to the page reads, bit 1 writes, bit 2 fetches (nothing
 *               else; not 0). Then varint reads, varint writes (fetches: n minus both), varint
 *               bytes of RP and varint bytes of RX the records use. These pages become P's
 *               previous run. Then the run's n records, taken from RT, RP and RX: record r
 *               starts with the tag RT[r]:
 *                 bits 0-1  kind: 0 read, 1 write, 2 fetch (3 is an error);
 *                 bits 2-5  page index i (< m);
 *                 bit 6     size change: the next varint of RX is the size (1..4096);
 *                 bit 7     the offset delta is 2 bytes of RP (low first), else 1 byte.
 *               With, at the start of every run, offsets O[0..m-1] = 0, ends E[0..m-1] = 0
 *               and sizes Z = 1 for data (reads, writes) and for fetches: O[i] = O[i] +
 *               unzigzag(delta) for data, and for fetches E[i] + unzigzag(delta) (version 5;
 *               before: O[i] + unzigzag(delta)); the address is (page i << 12) + O[i], its
 *               size the current Z of its kind, and E[i] = O[i] + Z; the access must lie
 *               within the page (O[i] + Z <= 4096). A run's records must agree with its
 *               summary (kinds, counts, last-reference order).
 *   9 WAIT      (from version 3) varint child pid: P waits for that child to exit; 0 is any
 *               child.
 *   10 READ     (from version 6) varint file offset, varint length (>= 1), string file name
 *               (not empty; the NAME of a file:NAME backing, as MMAP stores it): P reads
 *               [offset, offset + length) of the file through the page cache.
 *   11 WRITE    (from version 6) the same fields: P writes that range.
 *   12 MADVISE  (from version 6) varint start, varint length (>= 1), byte advice: 0 normal,
 *               1 random, 2 sequential, 3 dontneed, 4 willneed (wl_advice_t).
 *   13 FADVISE  (from version 6) varint file offset, varint length (0: to the end of the
 *               file), byte advice (as MADVISE's), string file name (not empty).
 *               In all four, start (or offset) + length must not pass 2^64.
 * Anything else (another type, prot or flag bits beyond those, a pid over 2^32-1, size 0)
 * is an error. (The writer picks, for each reference, the base giving the narrowest width,
 * the lowest index on ties, units before pages; for a varint the base with the smallest
 * |d|. Any choice decodes.)
 *
 * Example: "W 0x1000:8 7" then "W 0x1008:8 7" as a whole file is
 *   50 53 54 42 06 00 00 00   header
 *   02                        chunk of 2 items
 *   02 00 c1 01               T: 0xc1 = extension | page mode | width 0 | base 0 | write;
 *                                0x01 = width 0, base 0, write
 *   02 00 02 02               P0: zigzag(0x1000 / 4096 - 0) = 2 (pages); zigzag(8 / 8) = 2
 *   00 00                     P1: empty
 *   00 00                     P2: empty
 *   03 00 03 07 08            X: extension 3 (pid and size change), pid 7, size 8
 *   00 00 00 00 00 00         RT, RP, RX: empty (two records are too few for a run)
 *   00 00                     P3: empty
 *   e5 a9 4d 40               CRC-32 of the 31 bytes from 02 to here: 0x404da9e5
 *   00 02                     end, 2 records
 * (columns this small are stored raw: zstd would make them longer). Version 4 wrote the
 * same records as 50 53 54 42 04 00 00 00 02 | 02 00 b1 01 | 02 00 00 02 | 01 00 04 | 00 00 |
 * 02 00 07 08 | 00 00 00 00 00 00 | 26 c2 c7 34 | 00 02 (tag 0xb1 = pid change | width 1 |
 * size change | base 0 | write, and a 2-byte delta zigzag(0x1000 / 8) = 0x400 in P0, P1).
 *
 * Example with a run: "X 0x2000:4 7", "R 0x1000:8 7", then alternately X 0x2004, 0x2008,
 * 0x200c, 0x2010 (size 4) and R 0x1008, W 0x1010, R 0x1018, R 0x1020 (size 8), all pid 7:
 * the first two are plain records (their pages are new), the eight after them one run.
 *   50 53 54 42 06 00 00 00   header
 *   03                        chunk of 3 items
 *   03 00 c2 c0 23            T: fetch (extension, page mode, width 0), read (extension,
 *                                page mode, width 0), 0x23 = event 8, a run
 *   02 00 04 02               P0: zigzag(2) and zigzag(1): pages 2 and 1
 *   00 00                     P1: empty
 *   00 00                     P2: empty
 *   0f 00 03 07 04 02 08      X: extension 3, pid 7, size 4; extension 2, size 8; then
 *         08 02 08 04 02 03      the run: n = 8, m = 2, page 2 (zigzag(2 - 0) << 1 = 8)
 *         03 01 08 02            fetched (4), page 1 (zigzag(1 - 2) << 1 = 2) read and
 *                                written (3); 3 reads, 1 write (so 4 fetches), 8 bytes of
 *                                RP, 2 of RX
 *   08 00 42 44 02 05         RT: fetch page 0 size change, read page 1 size change,
 *         02 04 02 04            fetch page 0, write page 1, then fetch/read alternately
 *   08 00 08 10 00 10         RP: offset deltas zigzag(4) = 8 (the first fetch: 4 bytes
 *         00 10 00 10            past offset 0, where the page's last access "ended"), then
 *                                0 (each fetch where the last ended), and zigzag(8) = 0x10
 *                                (data: 8 bytes on; the first from 0)
 *   02 00 04 08               RX: sizes 4 (fetches) and 8 (data)
 *   00 00                     P3: empty
 *   4e 4a bd 22               CRC-32 of the chunk: 0x22bd4a4e
 *   00 0a                     end, 10 records
 *
 * Example with events: "fork 7 8", "exit 8", "wait 7 8", "wait 7" is
 *   50 53 54 42 06 00 00 00   header
 *   04                        chunk of 4 items
 *   04 00 97 9f a7 27         T: pid change | event 5 (fork); pid change | event 7 (exit);
 *                                pid change | event 9 (wait); event 9 (wait)
 *   00 00 00 00 00 00         P0, P1, P2: empty (events have no deltas)
 *   06 00 07 08 08 07 08 00   X: pid 7, child 8; pid 8; pid 7, child 8; child 0 (any)
 *   00 00 00 00 00 00 00 00   RT, RP, RX, P3: empty
 *   89 59 4b cb               CRC-32 of the chunk: 0xcb4b5989
 *   00 04                     end, 4 records
 *
 * Example with file I/O: "read 7 /d 0x1000 0x2000", "write 7 /d 0x3000 0x10",
 * "madvise 7 0x10000 0x4000 random", "fadvise 7 /d 0 0 sequential" is
 *   50 53 54 42 06 00 00 00   header
 *   04                        chunk of 4 items
 *   04 00 ab 2f 33 37         T: pid change | event 10 (read); event 11 (write); event 12
 *                                (madvise); event 13 (fadvise)
 *   00 00 00 00 00 00         P0, P1, P2: empty
 *   1b 00 07 80 20 80 40 02   X: pid 7, offset 0x1000, length 0x2000, name "/d";
 *         2f 64 80 60 10 02      offset 0x3000, length 0x10, name "/d";
 *         2f 64 80 80 04 80      start 0x10000, length 0x4000, advice 1 (random);
 *         80 01 01 00 00 02      offset 0, length 0 (to the end), advice 2 (sequential),
 *         02 2f 64               name "/d"
 *   00 00 00 00 00 00 00 00   RT, RP, RX, P3: empty
 *   b2 a3 61 6d               CRC-32 of the chunk: 0x6d61a3b2
 *   00 04                     end, 4 records
 * (tests/test_bin.c checks the examples byte for byte, and reads the same records from the
 * files versions 5 and 4 wrote, given there, and from those without their checksums and
 * with version 3 in the header, as version 3 wrote them; the file I/O example with version
 * 5 in its header is an error.)
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <zstd.h>
#include <zlib.h>

#include "wl.h"
#include "convert.h"

enum {
    BIN_HEADER = 8,
    BIN_VERSION = 6,                   /* the version the writer writes; the reader takes 1..6 */
    BIN_CRC_VERSION = 4,               /* the first version whose chunks end with a CRC-32 */
    BIN_V5 = 5,                        /* the first version with v5 reference tags and P3 */
    BIN_IO_VERSION = 6,                /* the first with read, write, madvise and fadvise */
    BIN_MAX_STR = 65535,
    BIN_CHUNK = 1 << 22,               /* items per chunk (the writer's) */
    BIN_XFLUSH = 1 << 24,              /* writer: a chunk ends when X passes this */
    BIN_XCAP = BIN_XFLUSH + BIN_MAX_STR + 256,
    BIN_MAX_N = 1 << 22,               /* reader: larger chunks are taken for corruption */
    BIN_MAX_COL = 64 << 20,
    BIN_PAD = 16,                      /* zeroed slack after each column: varints stop there */
    BIN_LEVEL = 19,                    /* writer's default zstd level (wl_bin_writer_level) */
};
/* The columns in file order: version 1 has the first five, versions 2-4 eight, 5 all nine. */
enum { COL_T, COL_P0, COL_P1, COL_P2, COL_X, COL_RT, COL_RP, COL_RX, COL_P3, N_COL };
enum { N_COL_V1 = COL_RT, N_COL_V2 = COL_P3 };
enum { CLASS_EVENT = 3, W_VARINT = 3 };
/* Version 5 reference tags (see the format): */
enum {
    T5_PAGE = 0x40,                    /* the delta counts pages; the offset is the base's */
    T5_EXT = 0x80,                     /* an extension byte in X: */
    X5_PID = 1, X5_SIZE = 2,           /* its bits: pid change, size change */
};
enum {
    RUN_MIN = 8,                       /* writer: shorter runs are written as plain records */
    RUN_PAGE = 1 << WL_RUN_SHIFT,
    RUN_CAP_RT = BIN_CHUNK + WL_RUN_MAX,      /* writer: run columns' capacity; a chunk ends */
    RUN_CAP_RP = 2 * RUN_CAP_RT,              /* before a run could overflow them */
    RUN_CAP_RX = 2 * RUN_CAP_RT,
};

static const char bin_magic[4] = { 'P', 'S', 'T', 'B' };

/* Errors name the record, not a line: "FILE: record N: what" (N counts records from 1, a
 * run's references each one; a chunk's error names its first record), or "FILE: what"
 * before the first. Returns -1. */
#define bin_error wl_error            /* which says "record N" for this format (wl_where) */

/* ---- per (pid, stream) state, and a table of pids: open addressing, doubles at half load */
typedef struct bin_stream {
    uint64_t base[4], stamp[4], tick;
    uint32_t size;
    unsigned shift;
} bin_stream_t;
typedef struct pid_slot {
    spid_t pid;
    uint32_t used;
    bin_stream_t st[2];
    uint64_t prev[WL_RUN_PAGES];       /* the pages of the pid's previous run */
    uint32_t prev_m;
    uint32_t win_n;                    /* writer: its recent pages, most recent first */
    uint64_t win[WL_RUN_PAGES];
} pid_slot_t;
typedef struct pid_tab { pid_slot_t *s; uint32_t mask, n; } pid_tab_t;

static int pt_init(pid_tab_t *t)
{
    t->mask = 63; t->n = 0;
    t->s = calloc(t->mask + 1, sizeof *t->s);
    return t->s ? 0 : -1;
}

static uint32_t pt_find(pid_tab_t *t, spid_t pid)   /* slot index; UINT32_MAX if out of memory */
{
    uint32_t i = (pid * 0x9E3779B1u) & t->mask;
    while (t->s[i].used && t->s[i].pid != pid)
        i = (i + 1) & t->mask;
    if (t->s[i].used)
        return i;
    if (2 * (t->n + 1) > t->mask + 1) {
        pid_tab_t g = { calloc(2 * ((size_t)t->mask + 1), sizeof *t->s), 2 * t->mask + 1, t->n };
        if (!g.s)
            return UINT32_MAX;
        for (uint32_t k = 0; k <= t->mask; k++)
            if (t->s[k].used) {
                uint32_t j = (t->s[k].pid * 0x9E3779B1u) & g.mask;
                while (g.s[j].used)
                    j = (j + 1) & g.mask;
                g.s[j] = t->s[k];
            }
        free(t->s);
        *t = g;
        return pt_find(t, pid);
    }
    memset(&t->s[i], 0, sizeof t->s[i]);
    t->s[i].used = 1; t->s[i].pid = pid;
    t->s[i].st[0].size = t->s[i].st[1].size = 1;
    t->n++;
    return i;
}

static void pt_clear(pid_tab_t *t)
{
    memset(t->s, 0, ((size_t)t->mask + 1) * sizeof *t->s);
    t->n = 0;
}

static inline unsigned size_shift(uint32_t size)
{
    return size & (size - 1) ? 0 : (unsigned)__builtin_ctz(size);
}

/* The base update shared by writer and reader (see the format: w < 3 near, else LRU). */
static inline void stream_update(bin_stream_t *s, unsigned j, unsigned w, uint64_t addr)
{
    s->tick++;
    if (w == W_VARINT) {               /* conditional moves: which base is oldest is random */
        j = 0;
        for (unsigned k = 1; k < 4; k++)
            j = s->stamp[k] < s->stamp[j] ? k : j;
    }
    s->base[j] = addr;
    s->stamp[j] = s->tick;
}

static inline uint64_t unzigzag(uint64_t z) { return (z >> 1) ^ -(z & 1); }
static inline uint64_t zigzag(uint64_t d) { return (d << 1) ^ (uint64_t)((int64_t)d >> 63); }

/* ================================ reader ================================ */

/* Where decoding is: copied into a local by bin_fill so that the hot loop keeps it in
 * registers (the records it writes could otherwise alias it). */
typedef struct bin_cur {
    const uint8_t *t, *p0, *p1, *p2, *p3, *x, *xend;   /* the next byte of each column */
    uint64_t left;             /* items left in the chunk */
    uint64_t nrec;             /* records decoded (or skipped in runs) */
} bin_cur_t;

enum { BIN_RUNS = 128 };       /* runs one batch may return (their summaries live here) */

typedef struct bin_rd {
    ZSTD_DCtx *dctx;
    uint8_t *col[N_COL];
    size_t cap[N_COL], len[N_COL];
    uint8_t *zbuf;
    size_t zcap;
    bin_cur_t c;
    int done;
    int err_pending;           /* bin_fill: an error to return on the next call */
    pid_tab_t pids;
    spid_t pid;
    uint32_t cur;              /* slot of pid in pids */
    bin_stream_t *cs;          /* its two streams (moves when the table grows) */
    int ncol;                  /* columns per chunk: N_COL_V1, N_COL_V2 or N_COL */
    int version;               /* the file's */
    const uint8_t *rt, *rp, *rx;   /* the run columns: next byte, and end */
    const uint8_t *rt_end, *rp_end, *rx_end;
    wl_run_t runs[BIN_RUNS];   /* want_runs: the summaries the current batch returned */
    int nruns;
    wl_rec_t rbuf[WL_RUN_MAX]; /* otherwise: the records of the current run, */
    uint32_t rb_pos, rb_n;     /* given out from rb_pos */
    uint32_t crc;              /* CRC-32 of the chunk's bytes read so far (version 4) */
    char str[BIN_MAX_STR + 1];
} bin_rd_t;

/* Reads exactly n bytes; -1 with a message on error or early end of input. */
static int rd_exact(wl_t *wl, void *buf, size_t n, const char *what)
{
    size_t got = 0;
    while (got < n) {
        long k = wl_input_read(wl->in, (uint8_t *)buf + got, n - got);
        if (k < 0)
            return bin_error(wl, "%s", wl_input_error(wl->in));
        if (k == 0)
            return bin_error(wl, "truncated binary trace (input ends inside %s)", what);
        got += (size_t)k;
    }
    bin_rd_t *s = wl->state;
    s->crc = (uint32_t)crc32(s->crc, buf, (uInt)n);
    return 0;
}

static int rd_in_varint(wl_t *wl, uint64_t *v, const char *what)
{
    uint64_t x = 0;
    *v = 0;                            /* also on error: -O3 cannot tell that callers stop */
    for (unsigned shift = 0; shift < 70; shift += 7) {
        uint8_t b;
        if (rd_exact(wl, &b, 1, what))
            return -1;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (b < 0x80) {
            *v = x;
            return 0;
        }
    }
    return bin_error(wl, "corrupt binary trace: overlong varint in %s", what);
}

/* Varint from a column; the zero padding after the data stops it, callers check x <= end.
 * *bad is set on an encoding longer than 10 bytes. */
static inline uint64_t col_varint(const uint8_t **pp, int *bad)
{
    const uint8_t *p = *pp;
    uint64_t v = *p++;
    if (v >= 0x80) {
        v &= 0x7f;
        for (unsigned shift = 7;; shift += 7) {
            uint64_t b = *p++;
            if (shift > 63) { *bad = 1; break; }
            v |= (b & 0x7f) << shift;
            if (b < 0x80)
                break;
        }
    }
    *pp = p;
    return v;
}

static int rd_header(wl_t *wl)
{
    uint8_t h[BIN_HEADER];
    size_t got = 0;
    while (got < sizeof h) {
        long n = wl_input_read(wl->in, h + got, sizeof h - got);
        if (n < 0)
            return bin_error(wl, "%s", wl_input_error(wl->in));
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got < 4 || memcmp(h, bin_magic, 4))
        return bin_error(wl, "not a pagesim binary trace (no PSTB magic)");
    if (got < sizeof h)
        return bin_error(wl, "truncated binary trace header");
    if (h[4] == 0 || h[4] > BIN_VERSION)
        return bin_error(wl, "binary trace version %u is not supported (this pagesim reads versions"
                        " 1 to %d; a newer pagesim wrote it?)", h[4], BIN_VERSION);
    if (h[5] || h[6] || h[7])
        return bin_error(wl, "binary trace header has unknown flags 0x%02x%02x%02x (written by a newer pagesim?)",
                        h[5], h[6], h[7]);
    ((bin_rd_t *)wl->state)->ncol = h[4] == 1 ? N_COL_V1 : h[4] < BIN_V5 ? N_COL_V2 : N_COL;
    ((bin_rd_t *)wl->state)->version = h[4];
    return 0;
}

static const uint8_t no_bytes[BIN_PAD];   /* the run columns of a version 1 chunk */

static void rd_reset(bin_rd_t *s)
{
    s->c.left = s->c.nrec = 0;
    s->done = s->err_pending = 0;
    s->c.x = s->c.xend = NULL;
    pt_clear(&s->pids);
    s->pid = 0;
    s->cur = pt_find(&s->pids, 0);   /* an empty table does not grow */
    s->cs = s->pids.s[s->cur].st;
    s->rt = s->rt_end = s->rp = s->rp_end = s->rx = s->rx_end = no_bytes;
    s->nruns = 0;
    s->rb_pos = s->rb_n = 0;
}

static void bin_close(wl_t *wl)
{
    bin_rd_t *s = wl->state;
    if (!s)
        return;
    ZSTD_freeDCtx(s->dctx);
    for (int c = 0; c < N_COL; c++)
        free(s->col[c]);
    free(s->zbuf);
    free(s->pids.s);
    free(s);
    wl->state = NULL;
}

static int bin_open(wl_t *wl)
{
    bin_rd_t *s = calloc(1, sizeof *s);
    if (!s)
        return bin_error(wl, "out of memory");
    wl->state = s;
    s->dctx = ZSTD_createDCtx();
    if (!s->dctx || pt_init(&s->pids)) {
        bin_close(wl);
        return bin_error(wl, "out of memory");
    }
    rd_reset(s);
    wl->line = 0;
    if (rd_header(wl)) {
        bin_close(wl);
        return -1;
    }
    return 0;
}

static int bin_rewind(wl_t *wl)
{
    bin_rd_t *s = wl->state;
    if (wl_input_rewind(wl->in))
        return bin_error(wl, "%s", wl_input_error(wl->in));
    rd_reset(s);
    wl->line = 0;
    return rd_header(wl);
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (*cap >= need)
        return 0;
    uint8_t *b = realloc(*buf, need);
    if (!b)
        return -1;
    *buf = b;
    *cap = need;
    return 0;
}

/* Reads the next chunk (or the end): columns decompressed, lengths checked against the tags. */
static const char *const rd_col_names[N_COL] = {
    "tag column", "delta column 0", "delta column 1", "delta column 2", "extra column",
    "run tag column", "run offset column", "run extra column", "delta column 3" };

/* A chunk's header: its record count in *n (0: the end record, checked, and s->done set),
 * or the end of input without an end record. 0, or -1 with the error. */
static int rd_chunk_header(wl_t *wl, bin_rd_t *s, uint64_t *n)
{
    uint8_t b;
    long k = wl_input_read(wl->in, &b, 1);
    if (k < 0)
        return bin_error(wl, "%s", wl_input_error(wl->in));
    if (k == 0)
        return bin_error(wl, "truncated binary trace (no end record after %llu records)",
                         (unsigned long long)s->c.nrec);
    s->crc = (uint32_t)crc32(crc32(0, Z_NULL, 0), &b, 1);
    *n = b & 0x7f;
    if (b & 0x80) {
        uint64_t rest = 0;
        if (rd_in_varint(wl, &rest, "a chunk header"))
            return -1;
        if (rest >> 57)
            return bin_error(wl, "corrupt binary trace: bad chunk header");
        *n |= rest << 7;
    }
    if (*n)
        return *n > BIN_MAX_N ? bin_error(wl, "corrupt binary trace: chunk of %llu records",
                                          (unsigned long long)*n) : 0;
    uint64_t total = 0;
    uint8_t extra;
    if (rd_in_varint(wl, &total, "the end record"))
        return -1;
    if (total != s->c.nrec)
        return bin_error(wl, "corrupt binary trace: end record counts %llu records, read %llu",
                         (unsigned long long)total, (unsigned long long)s->c.nrec);
    k = wl_input_read(wl->in, &extra, 1);
    if (k < 0)
        return bin_error(wl, "%s", wl_input_error(wl->in));
    if (k > 0)
        return bin_error(wl, "corrupt binary trace: data after the end record");
    s->done = 1;
    return 0;
}

/* Every column's stored bytes (compressed ones one after another in zbuf, at zoff), then the
 * chunk's checksum, so that it is known good before anything is decompressed or decoded. */
static int rd_chunk_columns(wl_t *wl, bin_rd_t *s, uint64_t n, size_t zoff[N_COL],
                            uint64_t stored[N_COL])
{
    size_t ztot = 0;
    for (int c = 0; c < s->ncol; c++) {
        uint64_t raw = 0;
        const char *name = rd_col_names[c];
        if (rd_in_varint(wl, &raw, name) || rd_in_varint(wl, &stored[c], name))
            return -1;
        if (raw > BIN_MAX_COL || stored[c] > ZSTD_compressBound(raw) + 64)
            return bin_error(wl, "corrupt binary trace: bad %s length", name);
        if (grow(&s->col[c], &s->cap[c], raw + BIN_PAD))
            return bin_error(wl, "out of memory");
        s->len[c] = raw;
        zoff[c] = ztot;
        if (stored[c] == 0) {
            if (rd_exact(wl, s->col[c], raw, name))
                return -1;
        } else {
            if (grow(&s->zbuf, &s->zcap, ztot + stored[c]))
                return bin_error(wl, "out of memory");
            if (rd_exact(wl, s->zbuf + ztot, stored[c], name))
                return -1;
            ztot += stored[c];
        }
    }
    if (s->version < BIN_CRC_VERSION)
        return 0;
    uint32_t want = s->crc;
    uint8_t b[4];
    if (rd_exact(wl, b, 4, "a chunk's checksum"))
        return -1;
    uint32_t got = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION   /* fuzzers mutate bytes: let them in */
    got = want;
#endif
    if (got != want)
        return bin_error(wl, "corrupt binary trace: chunk checksum mismatch (stored %08x,"
                         " computed %08x over the chunk of %llu items)", got, want,
                         (unsigned long long)n);
    return 0;
}

/* The compressed columns decompressed in place of their stored bytes; every column padded. */
static int rd_chunk_unpack(wl_t *wl, bin_rd_t *s, const size_t zoff[N_COL],
                           const uint64_t stored[N_COL])
{
    for (int c = 0; c < s->ncol; c++) {
        if (stored[c]) {
            size_t r = ZSTD_decompressDCtx(s->dctx, s->col[c], s->len[c], s->zbuf + zoff[c], stored[c]);
            if (ZSTD_isError(r))
                return bin_error(wl, "corrupt binary trace: %s: %s", rd_col_names[c],
                                 ZSTD_getErrorName(r));
            if (r != s->len[c])
                return bin_error(wl, "corrupt binary trace: %s has %zu bytes, expected %zu",
                                 rd_col_names[c], r, s->len[c]);
        }
        memset(s->col[c] + s->len[c], 0, BIN_PAD);
    }
    return 0;
}

/* The delta bytes the tags call for must be exactly there: the hot path then reads the
 * planes without bounds checks. */
static int rd_chunk_check_tags(wl_t *wl, const bin_rd_t *s, uint64_t n)
{
    if (s->len[COL_T] != n)
        return bin_error(wl, "corrupt binary trace: tag column has %zu bytes for %llu records",
                         s->len[COL_T], (unsigned long long)n);
    /* A histogram of the tags, then the delta bytes each tag value calls for: one increment
     * per record (tags are unpredictable: no branch on them). */
    size_t hist[256] = { 0 }, need[4] = { 0, 0, 0, 0 };
    const uint8_t *t = s->col[COL_T];
    for (size_t i = 0; i < n; i++)
        hist[t[i]]++;
    for (unsigned tag = 0; tag < 256; tag++) {
        unsigned bytes;                /* delta bytes in P0.. for this tag */
        if ((tag & 3) == CLASS_EVENT)
            bytes = 0;
        else if (s->version < BIN_V5)
            bytes = ((tag >> 5) & 3) == W_VARINT ? 0 : ((tag >> 5) & 3) + 1;
        else
            bytes = (tag & T5_PAGE) && ((tag >> 4) & 3) == W_VARINT ? 0 : ((tag >> 4) & 3) + 1;
        for (unsigned k = 0; k < bytes; k++)
            need[k] += hist[tag];
    }
    if (need[0] != s->len[COL_P0] || need[1] != s->len[COL_P1] || need[2] != s->len[COL_P2] ||
        (s->ncol == N_COL && need[3] != s->len[COL_P3]))
        return bin_error(wl, "corrupt binary trace: delta columns do not match the tags");
    return 0;
}

static int rd_chunk(wl_t *wl, bin_rd_t *s)
{
    uint64_t n = 0;
    wl->line = s->c.nrec + 1;
    if (s->c.x != s->c.xend || s->rt != s->rt_end || s->rp != s->rp_end || s->rx != s->rx_end)
        return bin_error(wl, "corrupt binary trace: unused bytes in a chunk's %s column",
                         s->c.x != s->c.xend ? "extra" : "run");
    if (rd_chunk_header(wl, s, &n) || s->done)
        return s->done ? 0 : -1;
    size_t zoff[N_COL];
    uint64_t stored[N_COL];
    if (rd_chunk_columns(wl, s, n, zoff, stored) || rd_chunk_unpack(wl, s, zoff, stored) ||
        rd_chunk_check_tags(wl, s, n))
        return -1;
    s->c.t = s->col[COL_T];
    s->c.p0 = s->col[COL_P0];
    s->c.p1 = s->col[COL_P1];
    s->c.p2 = s->col[COL_P2];
    s->c.p3 = s->ncol == N_COL ? s->col[COL_P3] : no_bytes;
    s->c.x = s->col[COL_X];
    s->c.xend = s->c.x + s->len[COL_X];
    s->c.left = n;
    if (s->ncol >= N_COL_V2) {
        s->rt = s->col[COL_RT];
        s->rp = s->col[COL_RP];
        s->rx = s->col[COL_RX];
        s->rt_end = s->rt + s->len[COL_RT];
        s->rp_end = s->rp + s->len[COL_RP];
        s->rx_end = s->rx + s->len[COL_RX];
    }
    return 0;
}

/* A run's summary, from X (see the format); its records' bytes are taken from the run
 * columns unread. Sets *bad on anything malformed. */
static void rd_run(bin_rd_t *s, wl_run_t *run, int *bad)
{
    pid_slot_t *ps = &s->pids.s[s->cur];
    const uint8_t *x = s->c.x, *xend = s->c.xend;
    uint64_t n = col_varint(&x, bad);
    unsigned m = *x++;
    if (*bad || x > xend || n < 1 || n > WL_RUN_MAX || m < 1 || m > WL_RUN_PAGES) {
        *bad = 1;
        return;
    }
    uint64_t q = ps->prev_m ? ps->prev[0] : 0;
    for (unsigned i = 0; i < m; i++) {
        uint64_t c = col_varint(&x, bad);
        if (c & 1) {
            if ((c >> 1) >= ps->prev_m)
                *bad = 1;
            else
                q = ps->prev[c >> 1];
        } else
            q += unzigzag(c >> 1);
        unsigned k = *x++;
        if (*bad || x > xend || k == 0 || k > 7 || q >> (64 - WL_RUN_SHIFT)) {
            *bad = 1;
            return;
        }
        run->page[i] = q;
        run->kinds[i] = (uint8_t)k;
    }
    uint64_t nr = col_varint(&x, bad), nw = col_varint(&x, bad);
    uint64_t lp = col_varint(&x, bad), lx = col_varint(&x, bad);
    if (*bad || x > xend || nr > n || nw > n - nr || n > (uint64_t)(s->rt_end - s->rt) ||
        lp > (uint64_t)(s->rp_end - s->rp) || lx > (uint64_t)(s->rx_end - s->rx)) {
        *bad = 1;
        return;
    }
    run->n = (uint32_t)n;
    run->m = m;
    run->nkind[REF_READ] = (uint32_t)nr;
    run->nkind[REF_WRITE] = (uint32_t)nw;
    run->nkind[REF_IFETCH] = (uint32_t)(n - nr - nw);
    run->priv[0] = s->rt;
    run->priv[1] = s->rp;
    run->priv[2] = s->rp + lp;
    run->priv[3] = s->rx;
    run->priv[4] = s->rx + lx;
    s->rt += n;
    s->rp += lp;
    s->rx += lx;
    s->c.x = x;
    memcpy(ps->prev, run->page, m * sizeof *run->page);
    ps->prev_m = m;
}

/* The records of a run (rec: its WL_RUN record), checked against its summary. */
static int run_decode(wl_t *wl, const wl_rec_t *rec, wl_rec_t *out)
{
    const wl_run_t *run = rec->run;
    const uint8_t *rt = run->priv[0], *rp = run->priv[1], *rp_end = run->priv[2];
    const uint8_t *rx = run->priv[3], *rx_end = run->priv[4];
    uint64_t off[WL_RUN_PAGES] = { 0 }, end[WL_RUN_PAGES] = { 0 };
    uint32_t z[2] = { 1, 1 }, last[WL_RUN_PAGES] = { 0 }, cnt[3] = { 0, 0, 0 };
    int v5 = ((const bin_rd_t *)wl->state)->version >= BIN_V5;
    uint8_t seen[WL_RUN_PAGES] = { 0 };
    int bad = 0;
    for (uint32_t r = 0; r < run->n && !bad; r++) {
        unsigned tag = rt[r], k = tag & 3, i = (tag >> 2) & 15;
        if (k == 3 || i >= run->m) {
            bad = 1;
            break;
        }
        if (tag & 0x40) {
            uint64_t v = col_varint(&rx, &bad);
            bad |= v < 1 || v > RUN_PAGE;
            z[k == REF_IFETCH] = (uint32_t)v;
        }
        uint64_t d = *rp++;
        if (tag & 0x80)
            d |= (uint64_t)*rp++ << 8;
        uint32_t size = z[k == REF_IFETCH];
        /* wraps below 0 to a huge value: caught just below */
        off[i] = (v5 && k == REF_IFETCH ? end[i] : off[i]) + unzigzag(d);
        end[i] = off[i] + size;
        bad |= rp > rp_end || rx > rx_end || off[i] > RUN_PAGE - size;
        out[r] = (wl_rec_t){ .type = WL_REF, .kind = (uint8_t)k, .size = size, .pid = rec->pid,
                             .addr = (run->page[i] << WL_RUN_SHIFT) + off[i],
                             .line = rec->line + r };
        seen[i] |= (uint8_t)(1u << k);
        last[i] = r;
        cnt[k]++;
    }
    bad |= rp != rp_end || rx != rx_end;
    for (unsigned k = 0; k < 3 && !bad; k++)
        bad |= cnt[k] != run->nkind[k];
    for (unsigned i = 0; i < run->m && !bad; i++)
        bad |= seen[i] != run->kinds[i] || (i > 0 && last[i] <= last[i - 1]);
    if (bad) {
        wl->line = rec->line;
        return bin_error(wl, "corrupt binary trace: a run's records do not match its summary");
    }
    return (int)run->n;
}

static int bin_expand(wl_t *wl, const wl_rec_t *rec, wl_rec_t *recs)
{
    return run_decode(wl, rec, recs);
}

static int x_string(wl_t *wl, bin_rd_t *s, const char **out, int *bad)
{
    uint64_t n = col_varint(&s->c.x, bad);
    if (*bad || s->c.x > s->c.xend || n > BIN_MAX_STR || n > (uint64_t)(s->c.xend - s->c.x)) {
        *bad = 1;
        return 0;
    }
    memcpy(s->str, s->c.x, n);
    s->str[n] = '\0';
    s->c.x += n;
    *out = s->str;
    return 0;
}

/* The events' names, for messages (the text format's keywords). */
static const char *const bin_event_names[WL_NTYPES] = {
    [WL_MMAP] = "mmap", [WL_MUNMAP] = "munmap", [WL_MPROTECT] = "mprotect", [WL_BRK] = "brk",
    [WL_FORK] = "fork", [WL_EXEC] = "exec", [WL_EXIT] = "exit", [WL_RUN] = "run",
    [WL_WAIT] = "wait", [WL_READ] = "read", [WL_WRITE] = "write", [WL_MADVISE] = "madvise",
    [WL_FADVISE] = "fadvise",
};

/* The fields of a read, write, madvise or fadvise (version 6; see the format). Sets *bad on
 * anything the text format would refuse too: a length of 0 (but fadvise's, "to the end"), a
 * range past 2^64, an advice beyond willneed, an empty file name. */
static void rd_io(wl_t *wl, bin_rd_t *s, wl_rec_t *r, int *bad)
{
    unsigned type = r->type;
    uint64_t a = col_varint(&s->c.x, bad), len = col_varint(&s->c.x, bad);
    *bad |= (len == 0 && type != WL_FADVISE) || a + len < a;
    if (type == WL_MADVISE)
        r->addr = a;
    else
        r->offset = a;
    r->len = len;
    if (type == WL_MADVISE || type == WL_FADVISE) {
        r->kind = *s->c.x++;
        *bad |= r->kind >= WL_NADVICE;
    }
    if (type != WL_MADVISE && !*bad && s->c.x <= s->c.xend) {
        x_string(wl, s, &r->file, bad);
        *bad |= !*bad && !r->file[0];
    }
}

/* Everything but the common reference: chunk boundaries, pid and size changes, long deltas,
 * events, the end. */
__attribute__((noinline)) static int bin_next_slow(wl_t *wl, bin_rd_t *s, wl_rec_t *r)
{
    int bad = 0;
    while (!s->c.left) {
        if (s->done)
            return 0;
        if (rd_chunk(wl, s))
            return -1;
    }
    wl->line = s->c.nrec + 1;
    unsigned tag = *s->c.t++;
    unsigned cls = tag & 3, ext = 0;
    int v5ref = s->version >= BIN_V5 && cls != CLASS_EVENT;
    s->c.left--;
    if (v5ref && (tag & T5_EXT)) {
        ext = *s->c.x++;               /* the padding past X reads 0: caught below */
        bad |= ext & ~(unsigned)(X5_PID | X5_SIZE);
    }
    if (v5ref ? (ext & X5_PID) != 0 : (tag & 0x80) != 0) {
        uint64_t pid = col_varint(&s->c.x, &bad);
        if (pid > UINT32_MAX)
            bad = 1;
        s->pid = (spid_t)pid;
        if ((s->cur = pt_find(&s->pids, s->pid)) == UINT32_MAX)
            return bin_error(wl, "out of memory");
        s->cs = s->pids.s[s->cur].st;
    }
    memset(r, 0, sizeof *r);
    r->pid = s->pid;
    r->size = 1;
    if (v5ref) {
        bin_stream_t *st = &s->cs[cls == REF_IFETCH];
        if (ext & X5_SIZE) {
            uint64_t size = col_varint(&s->c.x, &bad);
            if (size == 0 || size > UINT32_MAX)
                bad = 1;
            else {
                st->size = (uint32_t)size;
                st->shift = size_shift(st->size);
            }
        }
        unsigned j = (tag >> 2) & 3, w = (tag >> 4) & 3;
        uint64_t b = st->base[j], a;
        if ((tag & T5_PAGE) && w == W_VARINT)
            a = b + unzigzag(col_varint(&s->c.x, &bad));
        else {
            uint64_t z = *s->c.p0++;
            if (w >= 1)
                z |= (uint64_t)*s->c.p1++ << 8;
            if (w >= 2)
                z |= (uint64_t)*s->c.p2++ << 16;
            if (w == 3)
                z |= (uint64_t)*s->c.p3++ << 24;
            a = tag & T5_PAGE ? ((b >> 12) + unzigzag(z)) << 12 | (b & 0xfff)
                              : b + (unzigzag(z) << st->shift);
        }
        if (bad || s->c.x > s->c.xend)
            return bin_error(wl, "corrupt binary trace: bad reference record");
        r->type = WL_REF;
        r->kind = (uint8_t)cls;
        r->size = st->size;
        r->addr = a;
        stream_update(st, j, w == 3 ? W_VARINT : 0, a);
        s->c.nrec++;
        return 1;
    }
    if (cls != CLASS_EVENT) {
        bin_stream_t *st = &s->cs[cls == REF_IFETCH];
        if (tag & 0x10) {
            uint64_t size = col_varint(&s->c.x, &bad);
            if (size == 0 || size > UINT32_MAX)
                bad = 1;
            else {
                st->size = (uint32_t)size;
                st->shift = size_shift(st->size);
            }
        }
        unsigned j = (tag >> 2) & 3, w = (tag >> 5) & 3;
        uint64_t d;
        if (w != W_VARINT) {
            uint64_t z = *s->c.p0++;
            if (w >= 1)
                z |= (uint64_t)*s->c.p1++ << 8;
            if (w == 2)
                z |= (uint64_t)*s->c.p2++ << 16;
            d = unzigzag(z) << st->shift;
        } else
            d = unzigzag(col_varint(&s->c.x, &bad));
        if (bad || s->c.x > s->c.xend)
            return bin_error(wl, "corrupt binary trace: bad reference record");
        r->type = WL_REF;
        r->kind = (uint8_t)cls;
        r->size = st->size;
        r->addr = st->base[j] + d;
        stream_update(st, j, w, r->addr);
        s->c.nrec++;
        return 1;
    }
    unsigned type = (tag >> 2) & 31;
    r->type = (uint8_t)type;
    switch (type) {
    case WL_MMAP: case WL_MUNMAP: case WL_MPROTECT: case WL_BRK:
        r->addr = col_varint(&s->c.x, &bad);
        r->len = col_varint(&s->c.x, &bad);
        if (type == WL_MMAP || type == WL_MPROTECT) {
            r->prot = *s->c.x++;
            bad |= (r->prot & ~7) != 0;
        }
        if (type == WL_MMAP) {
            r->flags = *s->c.x++;
            bad |= (r->flags & ~(WL_MAP_SHARED | WL_MAP_ANON)) != 0;
            if (!(r->flags & WL_MAP_ANON) && !bad && s->c.x <= s->c.xend) {
                r->offset = col_varint(&s->c.x, &bad);
                if (!bad && s->c.x <= s->c.xend)
                    x_string(wl, s, &r->file, &bad);
            }
        }
        break;
    case WL_WAIT:
        if (s->version < 3)
            return bin_error(wl, "corrupt binary trace: a wait in a version %d trace", s->version);
        /* its child pid is read as fork's */
        /* fall through */
    case WL_FORK: {
        uint64_t c = col_varint(&s->c.x, &bad);
        bad |= c > UINT32_MAX;
        r->pid2 = (spid_t)c;
        break;
    }
    case WL_EXEC:
        if (s->c.x <= s->c.xend)
            x_string(wl, s, &r->file, &bad);
        break;
    case WL_EXIT:
        break;
    case WL_READ: case WL_WRITE: case WL_MADVISE: case WL_FADVISE:
        if (s->version < BIN_IO_VERSION)
            return bin_error(wl, "corrupt binary trace: %s in a version %d trace",
                             bin_event_names[type], s->version);
        rd_io(wl, s, r, &bad);
        break;
    case WL_RUN: {
        if (s->ncol < N_COL_V2)
            return bin_error(wl, "corrupt binary trace: a run in a version 1 trace");
        wl_run_t *run = wl->want_runs ? &s->runs[s->nruns++] : &s->runs[0];
        rd_run(s, run, &bad);
        if (bad)
            return bin_error(wl, "corrupt binary trace: bad run record");
        r->run = run;
        r->line = s->c.nrec + 1;
        s->c.nrec += run->n;
        /* A version 4 chunk's checksum says its run columns are what the writer wrote; an
         * older file's can be damaged unseen, so a run it gives by summary (which the caller
         * may replay without its records) is checked against its records here. */
        if (wl->want_runs && (s->version >= BIN_CRC_VERSION || run_decode(wl, r, s->rbuf) >= 0))
            return 1;
        if (wl->want_runs)
            return -1;
        if (run_decode(wl, r, s->rbuf) < 0)
            return -1;
        *r = s->rbuf[0];
        s->rb_pos = 1;
        s->rb_n = run->n;
        return 1;
    }
    default:
        return bin_error(wl, "corrupt binary trace: unknown record type %u", type);
    }
    if (bad || s->c.x > s->c.xend)
        return bin_error(wl, "corrupt binary trace: bad %s record", bin_event_names[type]);
    s->c.nrec++;
    return 1;
}

/* The hot path: a reference of the current pid (lackey traces change the access size every
 * few records, and stacks jump by varints, so both are handled here). Everything is read into
 * locals first and committed only when the record is known to be good: anything unusual (a
 * pid change, an event, the end of a chunk, a size of 128 or more, a malformed varint)
 * returns 0 for bin_next_slow, which decodes the same record again from the start. */
static inline __attribute__((always_inline)) int bin_fast(bin_rd_t *s, bin_cur_t *c, wl_rec_t *r)
{
    if (__builtin_expect(c->left == 0, 0))
        return 0;
    unsigned tag = *c->t;
    unsigned cls = tag & 3, w = (tag >> 5) & 3, j = (tag >> 2) & 3;
    if (cls == CLASS_EVENT || (tag & 0x80))
        return 0;
    bin_stream_t *st = &s->cs[cls == REF_IFETCH];
    /* A size change is a one-byte varint here (the padding past X reads 0, which is bad).
     * Lackey traces change size every few records. */
    const uint8_t *x = c->x;
    unsigned resize = (tag >> 4) & 1, z = *x;
    if (__builtin_expect(resize & (z - 1 >= 0x7f), 0))
        return 0;
    uint32_t size = resize ? z : st->size;
    unsigned shift = resize ? size_shift(z) : st->shift;
    x += resize;
    uint64_t d;
    if (w != W_VARINT) {
        /* branch-free: widths alternate unpredictably; reading a plane at its end reads the
         * zero padding */
        uint64_t m1 = -(uint64_t)(w >= 1), m2 = -(uint64_t)(w == 2);
        uint64_t zz = *c->p0++ | ((uint64_t)*c->p1 << 8 & m1) | ((uint64_t)*c->p2 << 16 & m2);
        c->p1 += w >= 1;
        c->p2 += w == 2;
        d = unzigzag(zz) << shift;
    } else {
        int bad = 0;
        d = unzigzag(col_varint(&x, &bad));
        if (bad || x > c->xend)
            return 0;
    }
    c->x = x;
    st->size = size;
    st->shift = shift;
    uint64_t a = st->base[j] + d;
    stream_update(st, j, w, a);
    c->t++;
    c->left--;
    r->type = WL_REF;
    r->kind = (uint8_t)cls;
    r->size = size;
    r->pid = s->pid;
    r->addr = a;
    r->line = ++c->nrec;
    return 1;
}

/* The same for version 5 tags: any width (1-4 bytes, or page deltas) and a one-byte size
 * change in an extension byte are handled here; a pid change, an event or the end of a chunk
 * goes to bin_next_slow. */
static inline __attribute__((always_inline)) int bin_fast5(bin_rd_t *s, bin_cur_t *c, wl_rec_t *r)
{
    if (__builtin_expect(c->left == 0, 0))
        return 0;
    unsigned tag = *c->t;
    unsigned cls = tag & 3, w = (tag >> 4) & 3, j = (tag >> 2) & 3;
    if (cls == CLASS_EVENT)
        return 0;
    bin_stream_t *st = &s->cs[cls == REF_IFETCH];
    const uint8_t *x = c->x;
    uint32_t size = st->size;
    unsigned shift = st->shift;
    if (__builtin_expect(tag & T5_EXT, 0)) {
        unsigned e = x[0], z = x[1];   /* past X: the zero padding, which is refused */
        if (e != X5_SIZE || z - 1 >= 0x7f)
            return 0;
        size = z;
        shift = size_shift(z);
        x += 2;
    }
    uint64_t b = st->base[j], a;
    if (__builtin_expect((tag & T5_PAGE) && w == W_VARINT, 0)) {
        int bad = 0;
        a = b + unzigzag(col_varint(&x, &bad));
        if (bad || x > c->xend)
            return 0;
    } else {
        /* branch-free: widths alternate unpredictably; a plane read at its end reads padding */
        uint64_t m1 = -(uint64_t)(w >= 1), m2 = -(uint64_t)(w >= 2), m3 = -(uint64_t)(w == 3);
        uint64_t zz = *c->p0++ | ((uint64_t)*c->p1 << 8 & m1) | ((uint64_t)*c->p2 << 16 & m2) |
                      ((uint64_t)*c->p3 << 24 & m3);
        c->p1 += w >= 1;
        c->p2 += w >= 2;
        c->p3 += w == 3;
        uint64_t dz = unzigzag(zz);
        uint64_t ap = ((b >> 12) + dz) << 12 | (b & 0xfff), as = b + (dz << shift);
        a = tag & T5_PAGE ? ap : as;
    }
    c->x = x;
    st->size = size;
    st->shift = shift;
    stream_update(st, j, w == 3 ? W_VARINT : 0, a);
    c->t++;
    c->left--;
    r->type = WL_REF;
    r->kind = (uint8_t)cls;
    r->size = size;
    r->pid = s->pid;
    r->addr = a;
    r->line = ++c->nrec;
    return 1;
}

static int bin_next(wl_t *wl, wl_rec_t *r)
{
    bin_rd_t *s = wl->state;
    s->nruns = 0;
    if (s->rb_pos < s->rb_n) {
        *r = s->rbuf[s->rb_pos++];
        wl->line = r->line;
        return 1;
    }
    if (s->version >= BIN_V5 ? bin_fast5(s, &s->c, r) : bin_fast(s, &s->c, r)) {
        wl->line = s->c.nrec;
        return 1;
    }
    return bin_next_slow(wl, s, r);
}

/* A batch: the fast path in a loop, with no call per record. It ends early after a record
 * naming a file (the reader has one string buffer) and at the end of the trace; an error
 * after some records is kept for the next call. With want_runs it also ends where a chunk
 * does (a run's records are read from the chunk's columns) and when BIN_RUNS runs are out. */
static inline __attribute__((always_inline)) int fill_impl(wl_t *wl, wl_rec_t *recs, int n, int v5)
{
    bin_rd_t *s = wl->state;
    if (s->err_pending)
        return -1;
    int i = 0;
    bin_cur_t c = s->c;
    s->nruns = 0;
    while (i < n) {
        if (__builtin_expect(s->rb_pos < s->rb_n, 0)) {
            recs[i++] = s->rbuf[s->rb_pos++];
            continue;
        }
        if (v5 ? bin_fast5(s, &c, &recs[i]) : bin_fast(s, &c, &recs[i])) {
            i++;
            continue;
        }
        if (s->nruns && (c.left == 0 || s->nruns == BIN_RUNS))
            break;
        s->c = c;
        int rc = bin_next_slow(wl, s, &recs[i]);
        c = s->c;
        if (rc <= 0) {
            if (rc < 0 && i > 0)
                s->err_pending = 1;
            return i ? i : rc;
        }
        wl_rec_t *q = &recs[i++];
        q->line = wl->line;            /* for a run, its first record's */
        if (q->type != WL_REF && q->type != WL_RUN && q->file)
            break;
    }
    s->c = c;
    if (i)
        wl->line = recs[i - 1].line;
    return i;
}

static int bin_fill(wl_t *wl, wl_rec_t *recs, int n)
{
    return ((bin_rd_t *)wl->state)->version >= BIN_V5 ? fill_impl(wl, recs, n, 1)
                                                      : fill_impl(wl, recs, n, 0);
}

static int bin_probe(const char *head, size_t n)
{
    return n >= 4 && !memcmp(head, bin_magic, 4) ? 100 : 0;
}

const wl_ops_t wl_bin_ops = {
    .name = "binary",
    .summary = "pagesim binary trace (PSTB: delta-encoded columns, zstd; pagesim convert --to binary)",
    .probe = bin_probe,
    .open = bin_open,
    .next = bin_next,
    .fill = bin_fill,
    .expand = bin_expand,
    .rewind = bin_rewind,
    .close = bin_close,
};

/* ================================ writer ================================ */

struct wl_bin_writer {
    FILE *f;
    ZSTD_CCtx *cctx;
    uint8_t *col[N_COL];
    size_t len[N_COL];
    uint8_t *zbuf;
    size_t zcap;
    uint32_t n;               /* items in the chunk */
    pid_tab_t pids;
    spid_t pid;
    uint32_t cur;
    uint64_t nrec;
    uint32_t crc;             /* CRC-32 of the current chunk's bytes written so far */
    uint32_t npend;           /* the run being gathered: its pid and references */
    spid_t pend_pid;
    struct { uint64_t addr; uint32_t size; uint8_t kind; } pend[WL_RUN_MAX];
};

static inline uint8_t *put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static int wr_bytes(wl_bin_writer_t *w, const void *b, size_t n, sim_err_t *err)
{
    if (n && fwrite(b, 1, n, w->f) != n)
        return sim_err_set(err, SIM_EINPUT, "write error");
    w->crc = (uint32_t)crc32(w->crc, b, (uInt)n);
    return 0;
}

static int wr_varint(wl_bin_writer_t *w, uint64_t v, sim_err_t *err)
{
    uint8_t b[10];
    return wr_bytes(w, b, (size_t)(put_varint(b, v) - b), err);
}

static int wr_chunk(wl_bin_writer_t *w, sim_err_t *err)
{
    w->crc = (uint32_t)crc32(0, Z_NULL, 0);
    if (wr_varint(w, w->n, err))
        return -1;
    for (int c = 0; c < N_COL; c++) {
        size_t z = ZSTD_compress2(w->cctx, w->zbuf, w->zcap, w->col[c], w->len[c]);
        if (ZSTD_isError(z))
            return sim_err_set(err, SIM_EINPUT, "zstd: %s", ZSTD_getErrorName(z));
        int raw = z >= w->len[c];
        if (wr_varint(w, w->len[c], err) || wr_varint(w, raw ? 0 : z, err) ||
            wr_bytes(w, raw ? w->col[c] : w->zbuf, raw ? w->len[c] : z, err))
            return -1;
        w->len[c] = 0;
    }
    uint8_t crc[4] = { (uint8_t)w->crc, (uint8_t)(w->crc >> 8), (uint8_t)(w->crc >> 16),
                       (uint8_t)(w->crc >> 24) };
    if (wr_bytes(w, crc, sizeof crc, err))
        return -1;
    w->n = 0;
    return 0;
}

wl_bin_writer_t *wl_bin_writer_open(FILE *f, sim_err_t *err)
{
    wl_bin_writer_t *w = calloc(1, sizeof *w);
    if (!w) {
        sim_err_set(err, SIM_ESYS, "out of memory");
        return NULL;
    }
    w->f = f;
    w->zcap = ZSTD_compressBound(BIN_XCAP);
    int ok = (w->zbuf = malloc(w->zcap)) && (w->cctx = ZSTD_createCCtx()) && !pt_init(&w->pids);
    static const size_t cap[N_COL] = { BIN_CHUNK, BIN_CHUNK, BIN_CHUNK, BIN_CHUNK, BIN_XCAP,
                                        RUN_CAP_RT, RUN_CAP_RP, RUN_CAP_RX, BIN_CHUNK };
    for (int c = 0; c < N_COL && ok; c++)
        ok = (w->col[c] = malloc(cap[c])) != NULL;
    if (!ok) {
        wl_bin_writer_free(w);
        sim_err_set(err, SIM_ESYS, "out of memory");
        return NULL;
    }
    ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, BIN_LEVEL);
    ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
    w->cur = pt_find(&w->pids, 0);
    static const uint8_t h[BIN_HEADER] = { 'P', 'S', 'T', 'B', BIN_VERSION, 0, 0, 0 };
    if (wr_bytes(w, h, sizeof h, err)) {
        wl_bin_writer_free(w);
        return NULL;
    }
    return w;
}

/* The item's pid: a pid change in the tag and X when it is not the current one. */
static int put_pid(wl_bin_writer_t *w, spid_t pid, unsigned *tag, uint8_t **x, sim_err_t *err)
{
    if (pid == w->pid)
        return 0;
    *tag |= 0x80;
    *x = put_varint(*x, pid);
    w->pid = pid;
    if ((w->cur = pt_find(&w->pids, pid)) == UINT32_MAX)
        return sim_err_set(err, SIM_ESYS, "out of memory");
    return 0;
}

/* Writes the gathered references as one run item (see the format), its records into the
 * run columns. */
static int emit_run(wl_bin_writer_t *w, sim_err_t *err)
{
    uint32_t n = w->npend, m = 0, cnt[3] = { 0, 0, 0 };
    uint64_t page[WL_RUN_PAGES];
    uint8_t kinds[WL_RUN_PAGES] = { 0 }, idx[WL_RUN_MAX];
    /* The pages in the order of their last references: found from the end, then reversed. */
    for (uint32_t r = n; r-- > 0;) {
        uint64_t pg = w->pend[r].addr >> WL_RUN_SHIFT;
        uint32_t i = 0;
        while (i < m && page[i] != pg)
            i++;
        if (i == m) {
            if (m == WL_RUN_PAGES)
                return sim_err_set(err, SIM_EINPUT, "internal error: a run over more than %d pages", WL_RUN_PAGES);
            page[m++] = pg;
        }
        idx[r] = (uint8_t)i;
    }
    for (uint32_t i = 0; i < m / 2; i++) {
        uint64_t t = page[i];
        page[i] = page[m - 1 - i];
        page[m - 1 - i] = t;
    }
    for (uint32_t r = 0; r < n; r++) {
        idx[r] = (uint8_t)(m - 1 - idx[r]);
        kinds[idx[r]] |= (uint8_t)(1u << w->pend[r].kind);
        cnt[w->pend[r].kind]++;
    }
    if ((w->n == BIN_CHUNK || w->len[COL_X] + 64 + 11 * WL_RUN_PAGES > BIN_XFLUSH ||
         w->len[COL_RT] + n > RUN_CAP_RT) && wr_chunk(w, err))
        return -1;
    unsigned tag = CLASS_EVENT | WL_RUN << 2;
    uint8_t *x = w->col[COL_X] + w->len[COL_X];
    if (put_pid(w, w->pend_pid, &tag, &x, err))
        return -1;
    pid_slot_t *ps = &w->pids.s[w->cur];
    /* The records first: the summary ends with the bytes they take. */
    uint8_t *rt = w->col[COL_RT] + w->len[COL_RT], *rp = w->col[COL_RP] + w->len[COL_RP];
    uint8_t *rx = w->col[COL_RX] + w->len[COL_RX], *rp0 = rp, *rx0 = rx;
    uint64_t off[WL_RUN_PAGES] = { 0 }, end[WL_RUN_PAGES] = { 0 };
    uint32_t z[2] = { 1, 1 };
    for (uint32_t r = 0; r < n; r++) {
        unsigned k = w->pend[r].kind, i = idx[r], t = k | i << 2;
        if (w->pend[r].size != z[k == REF_IFETCH]) {
            t |= 0x40;
            z[k == REF_IFETCH] = w->pend[r].size;
            rx = put_varint(rx, w->pend[r].size);
        }
        /* version 5: a fetch is predicted where the page's last access ended */
        uint64_t o = w->pend[r].addr & (RUN_PAGE - 1);
        uint64_t d = zigzag(o - (k == REF_IFETCH ? end[i] : off[i]));
        off[i] = o;
        end[i] = o + w->pend[r].size;
        *rp++ = (uint8_t)d;
        if (d >= 0x100) {
            t |= 0x80;
            *rp++ = (uint8_t)(d >> 8);
        }
        *rt++ = (uint8_t)t;
    }
    x = put_varint(x, n);
    *x++ = (uint8_t)m;
    uint64_t q = ps->prev_m ? ps->prev[0] : 0;
    for (uint32_t i = 0; i < m; i++) {
        uint32_t j = 0;
        while (j < ps->prev_m && ps->prev[j] != page[i])
            j++;
        x = put_varint(x, j < ps->prev_m ? 2 * (uint64_t)j + 1 : zigzag(page[i] - q) << 1);
        *x++ = kinds[i];
        q = page[i];
    }
    x = put_varint(x, cnt[REF_READ]);
    x = put_varint(x, cnt[REF_WRITE]);
    x = put_varint(x, (uint64_t)(rp - rp0));
    x = put_varint(x, (uint64_t)(rx - rx0));
    memcpy(ps->prev, page, m * sizeof *page);
    ps->prev_m = m;
    w->len[COL_X] = (size_t)(x - w->col[COL_X]);
    w->len[COL_RT] += n;
    w->len[COL_RP] = (size_t)(rp - w->col[COL_RP]);
    w->len[COL_RX] = (size_t)(rx - w->col[COL_RX]);
    w->col[COL_T][w->len[COL_T]++] = (uint8_t)tag;
    w->n++;
    w->nrec += n;
    return 0;
}

static int emit(wl_bin_writer_t *w, const wl_rec_t *r, size_t flen, sim_err_t *err);

/* The gathered references: a run, or plain records when too few to pay for a summary. */
static int flush_pending(wl_bin_writer_t *w, sim_err_t *err)
{
    uint32_t n = w->npend;
    w->npend = 0;
    if (n >= RUN_MIN) {
        w->npend = n;
        int rc = emit_run(w, err);
        w->npend = 0;
        return rc;
    }
    for (uint32_t i = 0; i < n; i++) {
        wl_rec_t r = { .type = WL_REF, .kind = w->pend[i].kind, .size = w->pend[i].size,
                       .pid = w->pend_pid, .addr = w->pend[i].addr };
        if (emit(w, &r, 0, err))
            return -1;
    }
    return 0;
}

/* Writer: makes pg the most recent of the pid's recent pages (the run window). */
static void win_touch(pid_slot_t *ps, uint64_t pg)
{
    uint32_t i = 0;
    while (i < ps->win_n && ps->win[i] != pg)
        i++;
    if (i == ps->win_n && ps->win_n < WL_RUN_PAGES)
        ps->win_n++;
    else if (i == ps->win_n)
        i--;                           /* full: the least recent goes */
    memmove(&ps->win[1], &ps->win[0], i * sizeof *ps->win);
    ps->win[0] = pg;
}

static int in_window(const pid_slot_t *ps, uint64_t pg)
{
    for (uint32_t i = 0; i < ps->win_n; i++)
        if (ps->win[i] == pg)
            return 1;
    return 0;
}

int wl_bin_write(wl_bin_writer_t *w, const wl_rec_t *r, sim_err_t *err)
{
    size_t flen = 0;
    if (r->type == WL_RUN || r->type >= WL_NTYPES ||
        ((r->type == WL_MADVISE || r->type == WL_FADVISE) && r->kind >= WL_NADVICE) ||
        (r->type == WL_REF && (r->kind > REF_IFETCH || r->size == 0)))
        return sim_err_set(err, SIM_EINPUT, "cannot encode record (type %u, kind %u, size %u)",
                           r->type, r->kind, r->size);
    if (r->type == WL_EXEC || (r->type == WL_MMAP && !(r->flags & WL_MAP_ANON)) ||
        r->type == WL_READ || r->type == WL_WRITE || r->type == WL_FADVISE)
        flen = r->file ? strlen(r->file) : 0;
    if (flen > BIN_MAX_STR)
        return sim_err_set(err, SIM_EINPUT, "file name longer than %d bytes", BIN_MAX_STR);
    if ((r->type == WL_READ || r->type == WL_WRITE || r->type == WL_FADVISE) && flen == 0)
        return sim_err_set(err, SIM_EINPUT, "cannot encode a %s without a file name",
                           bin_event_names[r->type]);
    if (r->type >= WL_READ && r->type <= WL_FADVISE) {
        uint64_t a = r->type == WL_MADVISE ? r->addr : r->offset;
        if ((r->len == 0 && r->type != WL_FADVISE) || a + r->len < a)
            return sim_err_set(err, SIM_EINPUT, "cannot encode a %s of 0x%" PRIx64 " bytes at 0x%" PRIx64,
                               bin_event_names[r->type], r->len, a);
    }
    if (r->type != WL_REF || r->size > RUN_PAGE || (r->addr & (RUN_PAGE - 1)) + r->size > RUN_PAGE)
        return flush_pending(w, err) || emit(w, r, flen, err) ? -1 : 0;
    /* A reference within one page: it joins the pid's run if the page is a recent one. */
    uint32_t slot = pt_find(&w->pids, r->pid);
    if (slot == UINT32_MAX)
        return sim_err_set(err, SIM_ESYS, "out of memory");
    uint64_t pg = r->addr >> WL_RUN_SHIFT;
    int join = in_window(&w->pids.s[slot], pg);
    if (w->npend && (!join || w->pend_pid != r->pid || w->npend == WL_RUN_MAX) &&
        flush_pending(w, err))
        return -1;
    win_touch(&w->pids.s[pt_find(&w->pids, r->pid)], pg);
    if (!join)
        return emit(w, r, flen, err);
    w->pend_pid = r->pid;
    w->pend[w->npend].addr = r->addr;
    w->pend[w->npend].size = r->size;
    w->pend[w->npend++].kind = r->kind;
    return 0;
}

/* One plain record (a reference outside runs, or an event). */
static int emit(wl_bin_writer_t *w, const wl_rec_t *r, size_t flen, sim_err_t *err)
{
    if ((w->n == BIN_CHUNK || w->len[COL_X] + 64 + flen > BIN_XFLUSH) && wr_chunk(w, err))
        return -1;
    uint8_t *x = w->col[COL_X] + w->len[COL_X];
    unsigned tag = 0;
    if (r->type == WL_REF) {
        /* An extension byte when the pid or the size changes, then the new values. */
        unsigned e = r->pid != w->pid ? X5_PID : 0;
        if (e) {
            w->pid = r->pid;
            if ((w->cur = pt_find(&w->pids, r->pid)) == UINT32_MAX)
                return sim_err_set(err, SIM_ESYS, "out of memory");
        }
        bin_stream_t *st = &w->pids.s[w->cur].st[r->kind == REF_IFETCH];
        e |= r->size != st->size ? X5_SIZE : 0;
        if (e) {
            tag |= T5_EXT;
            *x++ = (uint8_t)e;
            if (e & X5_PID)
                x = put_varint(x, r->pid);
            if (e & X5_SIZE) {
                x = put_varint(x, r->size);
                st->size = r->size;
                st->shift = size_shift(r->size);
            }
        }
        /* The narrowest delta over the four bases: in units of the size, or in pages when
         * the offset within the page is the base's; ties to the lower base, then to units. */
        unsigned bj = 0, bw = 4, bpage = 0, sh = st->shift;
        uint64_t bz = 0, mask = ((uint64_t)1 << sh) - 1;
        for (unsigned j = 0; j < 4 && bw; j++) {
            uint64_t d = r->addr - st->base[j];
            if (!(d & mask)) {
                uint64_t z = zigzag((uint64_t)((int64_t)d >> sh));
                unsigned wj = z < 0x100 ? 0 : z < 0x10000 ? 1 : z < 0x1000000 ? 2 :
                              z < 0x100000000ull ? 3 : 4;
                if (wj < bw) {
                    bw = wj; bj = j; bz = z; bpage = 0;
                }
            }
            if (!(d & 0xfff) && sh < 12) {
                uint64_t z = zigzag((r->addr >> 12) - (st->base[j] >> 12));
                unsigned wj = z < 0x100 ? 0 : z < 0x10000 ? 1 : z < 0x1000000 ? 2 : 4;
                if (wj < bw) {
                    bw = wj; bj = j; bz = z; bpage = 1;
                }
            }
        }
        if (bw == 4) {                 /* none fits: a varint from the nearest base */
            bz = UINT64_MAX;
            for (unsigned j = 0; j < 4; j++) {
                uint64_t z = zigzag(r->addr - st->base[j]);
                if (z < bz) {
                    bz = z; bj = j;
                }
            }
            x = put_varint(x, bz);
            bw = 3;
            bpage = 1;
        } else {
            w->col[COL_P0][w->len[COL_P0]++] = (uint8_t)bz;
            if (bw >= 1)
                w->col[COL_P1][w->len[COL_P1]++] = (uint8_t)(bz >> 8);
            if (bw >= 2)
                w->col[COL_P2][w->len[COL_P2]++] = (uint8_t)(bz >> 16);
            if (bw == 3)
                w->col[COL_P3][w->len[COL_P3]++] = (uint8_t)(bz >> 24);
        }
        stream_update(st, bj, bw == 3 ? W_VARINT : 0, r->addr);
        tag |= r->kind | bj << 2 | bw << 4 | (bpage ? T5_PAGE : 0);
    } else {
        if (put_pid(w, r->pid, &tag, &x, err))
            return -1;
        tag |= CLASS_EVENT | (unsigned)r->type << 2;
        switch (r->type) {
        case WL_MMAP: case WL_MUNMAP: case WL_MPROTECT: case WL_BRK:
            x = put_varint(x, r->addr);
            x = put_varint(x, r->len);
            if (r->type == WL_MMAP || r->type == WL_MPROTECT)
                *x++ = r->prot & 7;
            if (r->type == WL_MMAP) {
                *x++ = r->flags & (WL_MAP_SHARED | WL_MAP_ANON);
                if (!(r->flags & WL_MAP_ANON)) {
                    x = put_varint(x, r->offset);
                    x = put_varint(x, flen);
                    memcpy(x, r->file ? r->file : "", flen);
                    x += flen;
                }
            }
            break;
        case WL_FORK: case WL_WAIT:
            x = put_varint(x, r->pid2);
            break;
        case WL_EXEC:
            x = put_varint(x, flen);
            memcpy(x, r->file ? r->file : "", flen);
            x += flen;
            break;
        case WL_READ: case WL_WRITE: case WL_MADVISE: case WL_FADVISE:
            x = put_varint(x, r->type == WL_MADVISE ? r->addr : r->offset);
            x = put_varint(x, r->len);
            if (r->type == WL_MADVISE || r->type == WL_FADVISE)
                *x++ = r->kind;
            if (r->type != WL_MADVISE) {
                x = put_varint(x, flen);
                memcpy(x, r->file, flen);
                x += flen;
            }
            break;
        default:   /* WL_EXIT */
            break;
        }
    }
    w->len[COL_X] = (size_t)(x - w->col[COL_X]);
    w->col[COL_T][w->len[COL_T]++] = (uint8_t)tag;
    w->n++;
    w->nrec++;
    return 0;
}

int wl_bin_writer_finish(wl_bin_writer_t *w, sim_err_t *err)
{
    if (flush_pending(w, err) || (w->n && wr_chunk(w, err)))
        return -1;
    if (wr_varint(w, 0, err) || wr_varint(w, w->nrec, err))
        return -1;
    if (fflush(w->f) || ferror(w->f))
        return sim_err_set(err, SIM_EINPUT, "write error");
    return 0;
}

void wl_bin_writer_free(wl_bin_writer_t *w)
{
    if (!w)
        return;
    ZSTD_freeCCtx(w->cctx);
    for (int c = 0; c < N_COL; c++)
        free(w->col[c]);
    free(w->zbuf);
    free(w->pids.s);
    free(w);
}
