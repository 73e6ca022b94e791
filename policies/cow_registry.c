/* cow_registry.c - the table of copy-on-write policies, by name. */
#include "cow.h"

#include <string.h>

extern const cow_ops_t cow_copy, cow_reuse, cow_eager, cow_neighbours;

const cow_ops_t *const cow_registry[] = {
    &cow_reuse,
    &cow_copy,
    &cow_eager,
    &cow_neighbours,
    NULL,
};

const cow_ops_t *cow_find(const char *name)
{
    for (int i = 0; cow_registry[i]; i++)
        if (!strcmp(cow_registry[i]->name, name))
            return cow_registry[i];
    return NULL;
}
