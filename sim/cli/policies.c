/* policies.c - `pagesim policies`: the registered replacement policies, copy-on-write
 * policies and trace formats, one line each from their registries (policies/registry.c,
 * policies/cow_registry.c, workloads/formats.c), so the list never misses one.
 * Each replacement policy's line is followed by its paper and its parameters (-p NAME:k=v)
 * with their defaults, indented deeper. What a policy sees is said once, by its summary, which
 * ends "(sees every reference)", "(sees no references)", "(sees R bits)" or "(sees R and M
 * bits)" (tests/cli.sh checks the first against REPL_SEES_ALL_REFS, as the results give it,
 * and each against README's policy table). scripts/lib.sh (ps_policies) and tests/cli.sh read
 * the first section's names: keep the section headers and the two-space indent of names. */
#include "policies.h"
#include "opts.h"
#include "policies/cow.h"
#include "policies/repl.h"
#include "workloads/wl.h"

#include <stdio.h>

static const opt_t policies_opts[] = {
    OPTS_HELP,
    {0},
};

static const opts_cmd_t policies_cmd = {
    .prog = "pagesim policies",
    .usage = "usage: pagesim policies\n"
             "  Lists the replacement policies (-p), the copy-on-write policies (--cow) and the\n"
             "  trace formats (--format) with a line about each.\n\n",
    .opts = policies_opts,
};

int policies_main(int argc, char **argv)
{
    int first, rc = opts_parse(&policies_cmd, argc, argv, NULL, NULL, &first);
    if (rc >= 0)
        return rc;
    if (first < argc)
        return opts_bad(&policies_cmd, "too many arguments ('%s')", argv[first]);
    printf("replacement policies (-p; \"sees every reference\": idealised, real hardware sets only R and M bits):\n");
    for (int i = 0; repl_registry[i]; i++) {
        const repl_ops_t *r = repl_registry[i];
        printf("  %-10s %s\n", r->name, r->summary);
        if (r->paper)
            printf("             paper: %s\n", r->paper);
        printf("             parameters: %s\n", r->params ? r->params : "none");
    }
    printf("copy-on-write policies (--cow):\n");
    for (int i = 0; cow_registry[i]; i++)
        printf("  %-10s %s\n", cow_registry[i]->name, cow_registry[i]->summary);
    printf("trace formats (--format):\n");
    for (int i = 0; wl_formats[i]; i++)
        printf("  %-10s %s\n", wl_formats[i]->name, wl_formats[i]->summary);
    return 0;
}
