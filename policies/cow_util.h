/* cow_util.h - shared pieces of the simple COW policies: creation with no state and a
 * parameter check. Policies with parameters keep their own create. */
#ifndef PAGESIM_COW_UTIL_H
#define PAGESIM_COW_UTIL_H

#include "cow.h"
#include "sim/base/spec.h"

static inline int cow_create_stateless(const json_t *params, void **state, sim_err_t *err)
{
    static const char *const none[] = {NULL};
    *state = NULL;
    return params ? spec_only(params, none, NULL, err) : 0;
}
static inline void cow_destroy_stateless(void *state) { (void)state; }
static inline int cow_share_at_fork(void *state, const cow_page_t *pg) { (void)state; (void)pg; return COW_SHARE; }
static inline uint32_t cow_no_neighbours(void *state) { (void)state; return 0; }

#endif
