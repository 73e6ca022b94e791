/* config.c - the configuration as one JSON object: defaults, dotted-key edits, files.
 *
 * Every setting has exactly one key, and the command line, config files and `--set` all edit
 * the same object, so the results can echo the complete effective configuration and any run
 * can be repeated from its JSON alone. The defaults below are the documented ones (README,
 * "Configuration"): each key's default also fixes its type. Unknown keys are errors, never
 * silently ignored: a misspelt cost must not quietly fall back to its default. */
#include "sim.h"
#include "sim/base/spec.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *config_defaults(void)
{
    json_t *c = json_pack(
        "{s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b,"
        " s:{s:I, s:I, s:b}, s:{s:I, s:I},"
        " s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}}",
        "policy", "lru",
        "cow", "reuse",
        "replacement", "global",
        "frames", (json_int_t)256,
        "memory", "",
        "page_size", (json_int_t)4096,
        "seed", (json_int_t)1,
        "format", "auto",
        "interval", (json_int_t)100000,
        "schedule", "auto",
        "cpus", (json_int_t)1,
        "quantum", "10ms",
        "ref_bit", "access",
        "swap_dev", "fixed",
        "file_dev", "fixed",
        "workload", "",
        "readahead", (json_int_t)0,
        "swap_cluster", (json_int_t)0,
        "shadows", (json_int_t)2,
        "paranoid", 0,
        "tlb", "entries", (json_int_t)64, "ways", (json_int_t)4, "asid", 1,
        "reclaim", "low", (json_int_t)0, "high", (json_int_t)0,
        "costs", "tlb_hit", "0.5ns", "walk", "25ns", "fault", "1us", "zero", "1us",
                 "copy", "1.5us", "evict", "0.5us", "context_switch", "2us", "shootdown", "0.5us",
                 "fork_pte", "10ns");
    return c;
}

/* Finds the parent object and last component of a dotted key in cfg; NULL if unknown. */
static json_t *config_lookup(json_t *cfg, const char *key, char *last, size_t lastlen)
{
    char buf[256];
    if (strlen(key) >= sizeof buf)
        return NULL;
    strcpy(buf, key);
    json_t *obj = cfg;
    char *part = buf, *dot;
    while ((dot = strchr(part, '.'))) {
        *dot = '\0';
        obj = json_object_get(obj, part);
        if (!json_is_object(obj))
            return NULL;
        part = dot + 1;
    }
    if (!json_object_get(obj, part) || json_is_object(json_object_get(obj, part)) ||
        strlen(part) >= lastlen)
        return NULL;
    strcpy(last, part);
    return obj;
}

static void config_list_keys(const json_t *obj, const char *prefix, char *out, size_t n)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        char full[256];
        snprintf(full, sizeof full, "%s%s%s", prefix, *prefix ? "." : "", k);
        if (json_is_object(v)) {
            config_list_keys(v, full, out, n);
        } else {
            size_t used = strlen(out);
            snprintf(out + used, n - used, " %s", full);
        }
    }
}

static void config_unknown_key(const char *where, const char *key, char *err)
{
    json_t *d = config_defaults();
    char keys[800] = "";
    config_list_keys(d, "", keys, sizeof keys);
    json_decref(d);
    snprintf(err, SIM_ERR_LEN, "%sunknown config key '%s' (known:%s)", where, key, keys);
}

int config_set(json_t *cfg, const char *key, const char *value, char *err)
{
    char last[128];
    json_t *parent = config_lookup(cfg, key, last, sizeof last);
    if (!parent) {
        config_unknown_key("", key, err);
        return -1;
    }
    json_t *old = json_object_get(parent, last), *nv = NULL;
    if (json_is_integer(old)) {
        long long v;
        uint64_t bytes;
        /* decimal or 0x hex, never octal (spec.h); the page size is a size: 4096, 64K, 2M */
        int bad = parse_int(value, &v);
        if (bad && !strcmp(key, "page_size") && !parse_size(value, &bytes) &&
            bytes <= (uint64_t)LLONG_MAX) {
            v = (long long)bytes;
            bad = 0;
        }
        if (bad) {
            snprintf(err, SIM_ERR_LEN, "config key '%s' needs an integer (decimal, or hex with 0x), "
                     "not '%s'", key, value);
            return -1;
        }
        nv = json_integer(v);
    } else if (json_is_boolean(old)) {
        if (!strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "yes"))
            nv = json_true();
        else if (!strcmp(value, "false") || !strcmp(value, "0") || !strcmp(value, "no"))
            nv = json_false();
        else {
            snprintf(err, SIM_ERR_LEN, "config key '%s' needs true or false, not '%s'", key, value);
            return -1;
        }
    } else {
        nv = json_string(value);
    }
    json_object_set_new(parent, last, nv);
    return 0;
}

/* Merges src into dst, key by key, checking names and types against dst. */
static int config_merge(json_t *dst, json_t *src, const char *path, const char *prefix, char *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        char full[256];
        snprintf(full, sizeof full, "%s%s%s", prefix, *prefix ? "." : "", k);
        json_t *old = json_object_get(dst, k);
        char where[4200];
        snprintf(where, sizeof where, "%s: ", path);
        if (!old) {
            config_unknown_key(where, full, err);
            return -1;
        }
        if (json_is_object(old)) {
            if (!json_is_object(v)) {
                snprintf(err, SIM_ERR_LEN, "%s: config key '%s' must be an object", path, full);
                return -1;
            }
            if (config_merge(old, v, path, full, err))
                return -1;
            continue;
        }
        json_t *nv = NULL;
        if (json_is_integer(old) && json_is_integer(v))
            nv = json_incref(v);
        else if (json_is_boolean(old) && json_is_boolean(v))
            nv = json_incref(v);
        else if (json_is_string(old) && json_is_string(v))
            nv = json_incref(v);
        else if (json_is_string(old) && json_is_integer(v)) {   /* a time in ns, a size in bytes */
            char buf[32];
            snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
            nv = json_string(buf);
        } else if (json_is_string(old) && json_is_real(v)) {
            char buf[40];
            snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
            nv = json_string(buf);
        } else {
            snprintf(err, SIM_ERR_LEN, "%s: config key '%s' has the wrong type (expected %s)", path,
                     full, json_is_integer(old) ? "an integer" : json_is_boolean(old) ? "true or false" : "a string");
            return -1;
        }
        json_object_set_new(dst, k, nv);
    }
    return 0;
}

int config_load_file(json_t *cfg, const char *path, char *err)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc) {
        if (je.line > 0)
            snprintf(err, SIM_ERR_LEN, "%s:%d: %s", path, je.line, je.text);
        else
            snprintf(err, SIM_ERR_LEN, "%s: %s", path, je.text);
        return -1;
    }
    if (!json_is_object(doc)) {
        snprintf(err, SIM_ERR_LEN, "%s: a config file must hold a JSON object", path);
        json_decref(doc);
        return -1;
    }
    int rc = config_merge(cfg, doc, path, "", err);
    json_decref(doc);
    return rc;
}
