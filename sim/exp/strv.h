/* strv.h - growable arrays of owned strings: the sweep's axes, trace lists and file lists. */
#ifndef PAGESIM_STRV_H
#define PAGESIM_STRV_H

typedef struct strv { char **v; int n, cap; } strv_t;

/* A copy of s ("" for NULL); out of memory takes xalloc.h's one path. */
char *strv_dup(const char *s);
void strv_push(strv_t *s, char *str);   /* takes ownership */
void strv_free(strv_t *s);
int strv_find(const strv_t *s, const char *str);   /* index, or -1 */
/* qsort comparison of two char * by strcmp; strv_sort sorts s->v with it. */
int strv_cmp(const void *a, const void *b);
void strv_sort(strv_t *s);
/* Appends the pieces of a comma-separated list. A piece that looks like a parameter (has
 * '=' but no ':') continues the previous piece when that one has parameters (NAME:k=v), so
 * policy and device specs keep their own commas: "arc:p=1,q=2,lru" is {"arc:p=1,q=2", "lru"}. */
void strv_split(const char *arg, strv_t *out);

#endif
