/* status.c - tm_strerror and the allocation hook every library file uses. */
#include "tmems/tm_status.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_i18n.h"

const char *tm_strerror(tm_status_t status)
{
    /* Translated here: these reach the user's terminal through the CLI's
     * error lines, and every caller would otherwise have to remember _(). */
    const char *msg = N_("unknown error");
    switch (status) {
    case TM_OK: msg = N_("success"); break;
    case TM_ENOMEM: msg = N_("out of memory"); break;
    case TM_EINVAL: msg = N_("invalid input"); break;
    case TM_ERANGE: msg = N_("input too large"); break;
    case TM_EIO: msg = N_("input/output error"); break;
    case TM_EPARSE: msg = N_("parse error"); break;
    case TM_ENOTFOUND: msg = N_("not found"); break;
    case TM_ENETWORK: msg = N_("network error"); break;
    case TM_EUNSUPPORTED: msg = N_("not supported"); break;
    }
    return _(msg);
}

/* Counters for the out-of-memory test: it fails allocation N for every N. */
static unsigned long fail_countdown;
static unsigned long alloc_counter;

static int should_fail(void)
{
    alloc_counter++;
    if (fail_countdown == 0)
        return 0;
    if (--fail_countdown == 0)
        return 1;
    return 0;
}

void tm_alloc_fail_after(unsigned long nth) { fail_countdown = nth; }
unsigned long tm_alloc_count(void) { return alloc_counter; }
void tm_alloc_count_reset(void) { alloc_counter = 0; }

void *tm_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *tm_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *tm_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void *tm_array_grow(void *items, size_t *cap, size_t elem_size, size_t first)
{
    size_t n = *cap ? *cap * 2 : first;
    if (n <= *cap || elem_size == 0 || n > SIZE_MAX / elem_size)
        return NULL;
    void *grown = tm_realloc(items, n * elem_size);
    if (grown)
        *cap = n;
    return grown;
}

char *tm_strndup(const char *s, size_t n)
{
    n = strnlen(s, n); /* n is a maximum: never read past the terminator */
    char *copy = tm_malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *tm_strdup(const char *s) { return tm_strndup(s, strlen(s)); }

void tm_free(void *ptr) { free(ptr); }
