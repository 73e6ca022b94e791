/* spec.h - parsing of "NAME:key=value,..." specs and of values with units.
 * Policies (-p), COW policies (--cow) and devices (--swap-dev) share one syntax. */
#ifndef PAGESIM_SPEC_H
#define PAGESIM_SPEC_H

#include <jansson.h>
#include "err.h"
#include "types.h"

/* Splits "NAME" or "NAME:k=v,k=v" into name and a new JSON object of params. Values that
 * read fully as integers become JSON integers, as reals JSON reals, anything else strings.
 * Returns 0, or -1 with err set (empty name, missing '=', duplicate key). */
int spec_parse(const char *spec, char *name, size_t namelen, json_t **params, sim_err_t *err);

/* The one rule for an integer a user writes (options, --set, config keys, spec parameters,
 * sweep lists): an optional sign, then decimal digits, or 0x (0X) and hex digits. A leading
 * zero is decimal: 010 is ten, never octal (strtoll's base 0 made `-f 010` eight frames and
 * rejected `-f 08`). Nothing else: no blanks, no suffix. 0 with *out, or -1 (not such an
 * integer, or outside long long), *out untouched. */
int spec_parse_int(const char *s, long long *out);
/* The value of digit c in base 10 or 16 (either case), or -1: the one digit rule of every
 * number parser (spec_parse_int, the recorder's log fields). */
static inline int spec_digit(char c, unsigned base)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (base == 16 && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Lists of integers as frame lists are written (sweep -f, mrc --frames): pieces separated by
 * commas, each N, a range A:B (A, A+1, ... B), A:B:STEP (A, A+STEP, ... up to B) or A:B:xF
 * (A, A*F, A*F*F, ... up to B; *F is the same), numbers by spec_parse_int's rule, A <= B,
 * STEP >= 1, F >= 2. Limits: every value >= min, at most max_n values written (a repeat
 * counts). A value written twice is kept once, where it first appears; `sorted` sorts the
 * list ascending. 0 with *out (malloc'ed, never empty) and *n; -1 when a piece is bad or
 * empty (*bad, *bad_len: that piece, inside s); -2 when there are more than max_n values.
 * Callers word their own messages. Cost: O(n log n) for n values. */
int spec_parse_list(const char *s, uint64_t min, size_t max_n, int sorted, uint64_t **out,
                    size_t *n, const char **bad, int *bad_len);

/* Value with units. Time: ps, ns, us, ms, s; a bare number is nanoseconds. Size: bytes with
 * optional K, M, G, T suffix (powers of 1024, optional trailing B or iB). Return 0 or -1. */
int spec_parse_time_ps(const char *s, sim_time_t *out);
int spec_parse_size(const char *s, uint64_t *out);
/* Bandwidth: a size per second ("500M", "1.5G"), bytes/s. */
int spec_parse_bandwidth(const char *s, double *bytes_per_s);

/* Typed lookups in a params object with a default when absent; -1 with err on a bad value. */
int spec_int(const json_t *params, const char *key, long long def, long long *out, sim_err_t *err);
int spec_real(const json_t *params, const char *key, double def, double *out, sim_err_t *err);
int spec_time(const json_t *params, const char *key, sim_time_t def, sim_time_t *out, sim_err_t *err);
int spec_bandwidth(const json_t *params, const char *key, double def, double *out, sim_err_t *err);
/* A string value (its pointer lives as long as params), def when absent; -1 with err when the
 * value is not a string (a number written where a word is wanted). */
int spec_str(const json_t *params, const char *key, const char *def, const char **out, sim_err_t *err);
/* Rejects any key not in the NULL-terminated list: -1 with err naming it, and `what` has it
 * ("model ssd has no parameter 'q' (known: ...)"); what == NULL leaves the subject to the
 * caller's prefix ("no parameter 'q' (known: ...)"). */
int spec_only(const json_t *params, const char *const keys[], const char *what, sim_err_t *err);

#endif
