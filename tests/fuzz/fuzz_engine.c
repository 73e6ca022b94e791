/* fuzz_engine.c - the engine on fuzzed traces, in paranoid mode (every invariant checked
 * after every step: a broken one aborts). The input's first 4 bytes choose the machine:
 *   byte 0  frames 1..8 (bits 0-2), schedule rr (bit 3, else trace; OPT always trace),
 *           2 CPUs under rr (bit 4), ref_bit tlb_fill (bit 5), no TLB ASIDs (bit 6),
 *           background reclaim low 1 high 2 (bit 7)
 *   byte 1  the replacement policy (index into the registry, modulo its size)
 *   byte 2  the COW policy (likewise, bits 0-3), TLB entries 0, 2, 4 or 8 (bits 4-5),
 *           readahead 2 (bit 6), swap_cluster 2 (bit 7)
 *   byte 3  page size 4 KiB, 8 KiB, 64 KiB or 2 MiB (bits 0-1); quantum 1us (bit 2)
 * the rest is the trace: binary when it starts with the PSTB magic, else pagesim text (other
 * formats have fuzz_reader harnesses; the engine sees only records). An input error is
 * fine; a crash, an assertion or a sanitizer report is a finding. */
#include "fuzz.h"
#include "policies/cow.h"
#include "policies/repl.h"
#include "sim/sim.h"

static int count(const void *const *reg)
{
    int n = 0;
    while (reg[n])
        n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > 1 << 16)
        return 0;
    const char *path = fuzz_file(data + 4, size - 4);
    if (!path)
        return 0;
    uint8_t b0 = data[0], b1 = data[1], b2 = data[2], b3 = data[3];
    const repl_ops_t *pol = repl_registry[b1 % count((const void *const *)repl_registry)];
    const cow_ops_t *cow = cow_registry[(b2 & 15) % count((const void *const *)cow_registry)];
    int rr = (b0 & 8) && !(pol->flags & REPL_NEEDS_NEXT_USE);
    char frames[8], tlb[8];
    snprintf(frames, sizeof frames, "%d", 1 + (b0 & 7));
    snprintf(tlb, sizeof tlb, "%d", (int[]){ 0, 2, 4, 8 }[(b2 >> 4) & 3]);
    static const char *const psize[] = { "4096", "8192", "65536", "2097152" };
    const char *sets[][2] = {
        { "paranoid", "true" },
        { "policy", pol->name },
        { "cow", cow->name },
        { "frames", frames },
        { "schedule", rr ? "rr" : "trace" },
        { "cpus", rr && (b0 & 16) ? "2" : "1" },
        { "ref_bit", b0 & 32 ? "tlb_fill" : "access" },
        { "tlb.asid", b0 & 64 ? "false" : "true" },
        { "tlb.entries", tlb },
        { "tlb.ways", "2" },
        { "reclaim.low", b0 & 128 ? "1" : "0" },
        { "reclaim.high", b0 & 128 ? "2" : "0" },
        { "readahead", b2 & 64 ? "2" : "0" },
        { "swap_cluster", b2 & 128 ? "2" : "0" },
        { "page_size", psize[b3 & 3] },
        { "quantum", b3 & 4 ? "1us" : "10ms" },
        { "interval", "7" },
        { "format", size >= 8 && !memcmp(data + 4, "PSTB", 4) ? "binary" : "text" },
    };
    sim_err_t err = {0};
    json_t *cfg = config_defaults();
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++)
        if (config_set(cfg, sets[i][0], sets[i][1], &err)) {
            fprintf(stderr, "fuzz_engine: %s=%s: %s\n", sets[i][0], sets[i][1], err.msg);
            abort();                     /* the harness's own settings must be good */
        }
    const char *traces[1] = { path };
    sim_t *s = sim_create(cfg, traces, 1, &err);
    if (s && sim_run(s, &err) == 0) {
        json_t *res = sim_results(s);
        char *text = json_dumps(res, JSON_COMPACT);
        free(text);
        json_decref(res);
    }
    sim_free(s);
    json_decref(cfg);
    return 0;
}
