/* tm_status.h - the one error type of the library.
 *
 * Library functions report failure through tm_status_t; they never print,
 * never exit and never set errno for the caller.  DNS outcomes (NXDOMAIN,
 * SERVFAIL, ...) are not errors: they are data stored in the rrset.
 */
#ifndef TMEMS_TM_STATUS_H
#define TMEMS_TM_STATUS_H

typedef enum {
    TM_OK = 0,
    TM_ENOMEM,       /* an allocation failed */
    TM_EINVAL,       /* an argument or input is malformed */
    TM_ERANGE,       /* an input exceeds a documented maximum */
    TM_EIO,          /* a file could not be read */
    TM_EPARSE,       /* a file or record could not be parsed */
    TM_ENOTFOUND,    /* a looked-up item does not exist */
    TM_ENETWORK,     /* the resolver could not be set up or used */
    TM_EUNSUPPORTED  /* valid, but not supported by this build */
} tm_status_t;

/* A static English description of status (never NULL, never freed). */
const char *tm_strerror(tm_status_t status);

/* Allocation hook, for out-of-memory tests: every allocation of the library
 * goes through tm_malloc/tm_calloc/tm_realloc/tm_strdup. */
#include <stddef.h>
void *tm_malloc(size_t size);
void *tm_calloc(size_t count, size_t size);
void *tm_realloc(void *ptr, size_t size);
char *tm_strdup(const char *s);
char *tm_strndup(const char *s, size_t n);
void tm_free(void *ptr);
/* An array of *cap elements of elem_size bytes, grown for more: to first
 * elements when it has none, else to twice as many.  Returns the array
 * (perhaps moved; *cap updated), or NULL when out of memory or when the size
 * would overflow, leaving items and *cap as they were.  The one growth
 * policy of the library's arrays: callers grow when count reaches *cap. */
void *tm_array_grow(void *items, size_t *cap, size_t elem_size, size_t first);

/* Fail the nth allocation from now (1 = the next one); 0 disables.
 * Not thread-safe: tests only. */
void tm_alloc_fail_after(unsigned long nth);
/* Allocations made since the counter was last reset. */
unsigned long tm_alloc_count(void);
void tm_alloc_count_reset(void);

#endif
