/* loop.h - the one poll() of the resolver's event loop (internal): the
 * transport's descriptors and those of every attached source, gathered into
 * one array, polled once, and handed back to their owners.
 *
 * Sources may detach themselves or others, and attach new ones, from inside
 * their handle: a detached source is never called again, an attached one
 * waits for the next round.  Private to src/lib/resolve/. */
#ifndef TMEMS_RESOLVE_LOOP_H
#define TMEMS_RESOLVE_LOOP_H

#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_resolve.h"

typedef struct {
    const tm_poll_source_t **sources; /* attached; NULL where one left while
                                         handing out */
    size_t nsources, cap;
    struct pollfd *pfd;
    size_t pfd_cap;
    struct loop_slice {
        size_t source; /* index into sources */
        size_t off, n; /* its descriptors in pfd */
    } *slices;
    size_t slices_cap;
    bool dispatching;
} tm_loop_t;

void tm_loop_init(tm_loop_t *loop);
void tm_loop_clear(tm_loop_t *loop);
tm_status_t tm_loop_attach(tm_loop_t *loop, const tm_poll_source_t *src);
void tm_loop_detach(tm_loop_t *loop, const tm_poll_source_t *src);
/* Sources attached (those that left during a round not counted). */
size_t tm_loop_count(const tm_loop_t *loop);

/* One round: watch first (may be NULL: the transport), then every source;
 * poll for at most max_ms (-1: until something is due; then at most
 * idle_ms) and not past the earliest due time; handle in the same order.
 * TM_ENETWORK when poll() itself fails, TM_ENOMEM when the array cannot
 * grow. */
tm_status_t tm_loop_wait(tm_loop_t *loop, const tm_poll_source_t *first, int max_ms);

#endif
