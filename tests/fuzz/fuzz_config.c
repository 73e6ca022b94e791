/* fuzz_config.c - the config parsers: the input as a JSON config file (config_load_file,
 * which rejects unknown keys and bad values naming the file), then as lines KEY=VALUE for
 * config_set (--set); a config either loader accepted is then validated by sim_create over
 * a three-line trace and run. Configs that ask for more than a fuzzer should allocate (over
 * 4096 frames or TLB entries, 16 CPUs, a memory size, a workload file) are only loaded:
 * their size checks are the out-of-memory path, not a parser. */
#include "fuzz.h"
#include "sim/sim.h"

static char trace_file[64];

static void trace_unlink(void)
{
    unlink(trace_file);
}

static const char *trace_path(void)
{
    if (!trace_file[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(trace_file, sizeof trace_file, "%.40s/pagesim-fuzz-tr.XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(trace_file);
        if (fd < 0)
            abort();
        static const char t[] = "R 0x1000 1\nW 0x2000:8 1\nfork 1 2\nX 0x400000 2\n";
        if (write(fd, t, sizeof t - 1) != (ssize_t)(sizeof t - 1))
            abort();
        close(fd);
        atexit(trace_unlink);               /* (one file per process, not left in TMPDIR) */
    }
    return trace_file;
}

static long long ival(const json_t *cfg, const char *a, const char *b)
{
    const json_t *v = json_object_get(cfg, a);
    if (b)
        v = json_object_get(v, b);
    return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static void try_run(json_t *cfg)
{
    const json_t *mem = json_object_get(cfg, "memory"), *wk = json_object_get(cfg, "workload");
    if (ival(cfg, "frames", NULL) > 4096 || ival(cfg, "tlb", "entries") > 4096 ||
        ival(cfg, "cpus", NULL) > 16 || ival(cfg, "readahead", NULL) > 4096 ||
        ival(cfg, "swap_cluster", NULL) > 4096 || ival(cfg, "page_size", NULL) > (1 << 24) ||
        (json_is_string(mem) && json_string_value(mem)[0]) || !json_is_string(mem) ||
        (json_is_string(wk) && json_string_value(wk)[0]) || !json_is_string(wk))
        return;
    sim_err_t err = {0};
    const char *traces[1] = { trace_path() };
    sim_t *s = sim_create(cfg, traces, 1, &err);
    if (s && sim_run(s, &err) == 0) {
        json_t *res = sim_results(s);
        json_decref(res);
    }
    sim_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 14)
        return 0;
    sim_err_t err = {0};
    const char *path = fuzz_file(data, size);
    if (path) {
        json_t *cfg = config_defaults();
        if (config_load_file(cfg, path, &err) == 0)
            try_run(cfg);
        json_decref(cfg);
    }
    /* KEY=VALUE lines */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    json_t *cfg = config_defaults();
    int ok = 1;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = 0;
        ok &= config_set(cfg, line, eq + 1, &err) == 0;
    }
    if (ok)
        try_run(cfg);
    json_decref(cfg);
    free(text);
    return 0;
}
