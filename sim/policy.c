/* policy.c - creating and destroying the two policies a run is configured with.
 *
 * The replacement policy (policies/repl.h) and the COW policy (policies/cow.h) are found by
 * name in their registries and created from their spec ("clock:bits=2": spec.h). The
 * replacement policy sees the machine only through repl_env_t, whose PTE-bit callbacks are
 * mmu.c's. Every other call the engine makes into a policy is one of policy.h's inline
 * wrappers. */
#include "sim_int.h"
#include "mmu.h"
#include "policy.h"
#include "sim/base/spec.h"

#include <stddef.h>
#include <stdio.h>

/* "unknown policy 'x' (known: a b c)": registry is a NULL-terminated table of repl_ops_t
 * or cow_ops_t pointers; both structs begin with their name, and a pointer to a struct,
 * converted, points to its first member (C11 6.7.2.1p15). */
_Static_assert(offsetof(repl_ops_t, name) == 0 && offsetof(cow_ops_t, name) == 0,
               "unknown_name reads a registry entry's name as its first member");
static void unknown_name(char *err, const char *what, const char *name, const void *const *registry)
{
    int n = snprintf(err, SIM_ERR_LEN, "unknown %s '%s' (known:", what, name);
    for (int i = 0; registry[i] && n < SIM_ERR_LEN; i++)
        n += snprintf(err + n, SIM_ERR_LEN - n, " %s", *(const char *const *)registry[i]);
    if (n < SIM_ERR_LEN)
        snprintf(err + n, SIM_ERR_LEN - n, ")");
}

int policy_create(sim_t *s, const char *repl_spec, const char *cow_spec, char *err)
{
    char e[SPEC_ERR_LEN];
    char name[64];
    json_t *params;
    if (spec_parse(repl_spec, name, sizeof name, &params, e)) {
        snprintf(err, SIM_ERR_LEN, "policy: %s", e);
        return -1;
    }
    s->repl = repl_find(name);
    if (!s->repl) {
        unknown_name(err, "policy", name, (const void *const *)repl_registry);
        json_decref(params);
        return -1;
    }
    s->repl_env = (repl_env_t){.nframes = s->nframes, .rng = s->rng, .eng = s,
                               .test_clear_ref = mmu_test_clear_ref, .is_dirty = mmu_is_dirty};
    int rc = s->repl->create(&s->repl_env, params, &s->repl_state, e);
    json_decref(params);
    if (rc) {
        snprintf(err, SIM_ERR_LEN, "policy %s: %s", name, e);
        s->repl = NULL;
        return rc == SIM_ESYS ? SIM_ESYS : -1;
    }
    s->needs_next_use = (s->repl->flags & REPL_NEEDS_NEXT_USE) != 0;
    s->hit_idempotent = (s->repl->flags & REPL_HIT_IDEMPOTENT) != 0;
    s->hit_last = PFN_NONE;

    if (spec_parse(cow_spec, name, sizeof name, &params, e)) {
        snprintf(err, SIM_ERR_LEN, "cow: %s", e);
        return -1;
    }
    s->cow = cow_find(name);
    if (!s->cow) {
        unknown_name(err, "COW policy", name, (const void *const *)cow_registry);
        json_decref(params);
        return -1;
    }
    rc = s->cow->create(params, &s->cow_state, e);
    json_decref(params);
    if (rc) {
        snprintf(err, SIM_ERR_LEN, "COW policy %s: %s", name, e);
        s->cow = NULL;
        return -1;
    }
    return 0;
}

void policy_destroy(sim_t *s)
{
    if (s->repl && s->repl_state)
        s->repl->destroy(s->repl_state);
    if (s->cow)
        s->cow->destroy(s->cow_state);
}
