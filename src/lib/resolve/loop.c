/* loop.c - one poll() for the transport and every source (see loop.h). */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "loop.h"

/* The longest single poll() when nothing is due: a safety net against a
 * source that forgets to report a deadline. */
#define IDLE_MAX_MS 1000

void tm_loop_init(tm_loop_t *loop) { memset(loop, 0, sizeof(*loop)); }

void tm_loop_clear(tm_loop_t *loop)
{
    tm_free(loop->sources);
    tm_free(loop->pfd);
    tm_free(loop->slices);
    memset(loop, 0, sizeof(*loop));
}

tm_status_t tm_loop_attach(tm_loop_t *loop, const tm_poll_source_t *src)
{
    if (!src || !src->watch || !src->handle)
        return TM_EINVAL;
    for (size_t i = 0; i < loop->nsources; i++) {
        if (loop->sources[i] == src)
            return TM_OK;
    }
    if (loop->nsources == loop->cap) {
        const tm_poll_source_t **s = tm_array_grow(loop->sources, &loop->cap, sizeof(*s), 8);
        if (!s)
            return TM_ENOMEM;
        loop->sources = s;
    }
    loop->sources[loop->nsources++] = src;
    return TM_OK;
}

static void compact(tm_loop_t *loop)
{
    size_t kept = 0;
    for (size_t i = 0; i < loop->nsources; i++) {
        if (loop->sources[i])
            loop->sources[kept++] = loop->sources[i];
    }
    loop->nsources = kept;
}

void tm_loop_detach(tm_loop_t *loop, const tm_poll_source_t *src)
{
    for (size_t i = 0; i < loop->nsources; i++) {
        if (loop->sources[i] == src)
            loop->sources[i] = NULL;
    }
    if (!loop->dispatching)
        compact(loop);
}

size_t tm_loop_count(const tm_loop_t *loop)
{
    size_t n = 0;
    for (size_t i = 0; i < loop->nsources; i++)
        n += loop->sources[i] != NULL;
    return n;
}

static tm_status_t grow_pfd(tm_loop_t *loop, size_t need)
{
    if (need <= loop->pfd_cap)
        return TM_OK;
    size_t cap = loop->pfd_cap ? loop->pfd_cap : 32;
    while (cap < need)
        cap *= 2;
    struct pollfd *p = tm_realloc(loop->pfd, cap * sizeof(*p));
    if (!p)
        return TM_ENOMEM;
    loop->pfd = p;
    loop->pfd_cap = cap;
    return TM_OK;
}

/* Asks one source for its descriptors at pfd[off...], growing the array
 * when it has more than there is room for. */
static tm_status_t gather(tm_loop_t *loop, const tm_poll_source_t *s, size_t off, size_t *n,
                          long long *due)
{
    *n = s->watch(s->self, loop->pfd + off, loop->pfd_cap - off, due);
    if (*n <= loop->pfd_cap - off)
        return TM_OK;
    tm_status_t st = grow_pfd(loop, off + *n);
    if (st != TM_OK)
        return st;
    size_t again = s->watch(s->self, loop->pfd + off, loop->pfd_cap - off, due);
    /* A source that wants still more now is cut to what it said first. */
    *n = again < *n ? again : *n;
    return TM_OK;
}

tm_status_t tm_loop_wait(tm_loop_t *loop, const tm_poll_source_t *first, int max_ms)
{
    size_t total = 0, nslices = loop->nsources + 1;
    long long due = -1;
    tm_status_t st = grow_pfd(loop, 32);
    if (st == TM_OK && nslices > loop->slices_cap) {
        struct loop_slice *sl = tm_realloc(loop->slices, nslices * sizeof(*sl));
        if (!sl)
            return TM_ENOMEM;
        loop->slices = sl;
        loop->slices_cap = nslices;
    }
    if (st != TM_OK)
        return st;
    /* slices[0] is the transport's; slices[1 + i] source i's. */
    for (size_t i = 0; i < nslices; i++) {
        const tm_poll_source_t *s = i == 0 ? first : loop->sources[i - 1];
        size_t n = 0;
        if (s) {
            st = gather(loop, s, total, &n, &due);
            if (st != TM_OK)
                return st;
        }
        loop->slices[i] = (struct loop_slice){.source = i, .off = total, .n = n};
        total += n;
    }
    long long now = tm_monotonic_ms();
    long long wait = max_ms < 0 ? IDLE_MAX_MS : max_ms;
    if (due >= 0 && due - now < wait)
        wait = due > now ? due - now : 0;
    if (wait > INT_MAX)
        wait = INT_MAX;
    int rc = poll(loop->pfd, (nfds_t)total, (int)wait);
    if (rc < 0 && errno != EINTR)
        return TM_ENETWORK;
    if (rc < 0) {
        for (size_t k = 0; k < total; k++)
            loop->pfd[k].revents = 0;
    }
    now = tm_monotonic_ms();
    loop->dispatching = true;
    for (size_t i = 0; i < nslices; i++) {
        const tm_poll_source_t *s = i == 0 ? first : loop->sources[i - 1];
        if (s)
            s->handle(s->self, loop->pfd + loop->slices[i].off, loop->slices[i].n, now);
    }
    loop->dispatching = false;
    compact(loop);
    return TM_OK;
}
