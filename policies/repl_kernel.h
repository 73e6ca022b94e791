/* repl_kernel.h - what the two transcriptions of Linux reclaim (linux.c, the classic two-list
 * LRU; mglru.c, the multi-generational LRU) share: the kernel's bound on swappiness and the
 * create() preamble that reads it (mm/vmscan.c; Documentation/admin-guide/sysctl/vm.rst). */
#ifndef PAGESIM_REPL_KERNEL_H
#define PAGESIM_REPL_KERNEL_H

#include "repl_create.h"

#define MAX_SWAPPINESS 200

/* create()'s checks for a policy whose only parameter is `swappiness` (vm.swappiness,
 * default 60, 0..MAX_SWAPPINESS): 0 with *swappiness, or -1 with the message in err. */
static inline int repl_kernel_params(const repl_env_t *env, const json_t *params, int *swappiness,
                                     sim_err_t *err)
{
    static const char *const keys[] = {"swappiness", NULL};
    long long v;
    if (repl_create_check(env, params, keys, err) || spec_int(params, "swappiness", 60, &v, err))
        return -1;
    if (v < 0 || v > MAX_SWAPPINESS)
        return sim_err_set(err, SIM_EINPUT, "swappiness must be 0..%d (vm.swappiness), not %lld",
                           MAX_SWAPPINESS, v);
    *swappiness = (int)v;
    return 0;
}

#endif
