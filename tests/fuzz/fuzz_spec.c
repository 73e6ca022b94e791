/* fuzz_spec.c - the spec and unit parsers (spec.h) that -p, --cow, --swap-dev and every
 * TIME, SIZE and bandwidth option go through: spec_parse on the input as one string, the
 * typed lookups over what it gave, and each value parser on the input and on each value. */
#include "fuzz.h"
#include "sim/base/spec.h"

static void values(const char *s)
{
    sim_time_t t;
    uint64_t z;
    double bw;
    (void)spec_parse_time_ps(s, &t);
    (void)spec_parse_size(s, &z);
    (void)spec_parse_bandwidth(s, &bw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1), name[64];
    sim_err_t err = {0};
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    values(s);
    json_t *params = NULL;
    if (spec_parse(s, name, sizeof name, &params, &err) == 0 && params) {
        const char *key;
        json_t *v;
        json_object_foreach(params, key, v) {
            long long i;
            double r;
            sim_time_t t;
            (void)spec_int(params, key, 0, &i, &err);
            (void)spec_real(params, key, 0, &r, &err);
            (void)spec_time(params, key, 0, &t, &err);
            (void)spec_bandwidth(params, key, 0, &r, &err);
            if (json_is_string(v))
                values(json_string_value(v));
        }
        static const char *const known[] = { "latency", "n", "bandwidth", NULL };
        (void)spec_only(params, known, "fuzz", &err);
        (void)spec_only(params, known, NULL, &err);
    }
    json_decref(params);
    free(s);
    return 0;
}
