/* query_id.h - the IDs of the queries the resolver sends.  Private to
 * src/lib/resolve/.
 *
 * c-ares 1.18 sends the ID it is given (ares_send), so the IDs are chosen
 * here.  RFC 5452 section 4.3: an ID must be unpredictable, and no two
 * queries in flight may share one (c-ares matches an answer to its query by
 * the ID).  Unit-tested in tests/unit/test_query_id.c. */
#ifndef TMEMS_RESOLVE_QUERY_ID_H
#define TMEMS_RESOLVE_QUERY_ID_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t used[65536 / 8]; /* one bit an ID: taken by a query in flight */
    size_t nused;
    uint8_t pool[64];        /* random bytes from the kernel, used from the end */
    size_t pool_left;
    uint64_t fallback;       /* xorshift state when the kernel has no entropy yet */
} tm_query_ids_t;

/* All IDs free. */
void tm_query_ids_init(tm_query_ids_t *ids);

/* A random ID no query in flight uses, now taken.  The caller keeps fewer
 * than 65536 taken (the resolver at most 4096, so a free one is found in a
 * few draws); with every ID taken it returns 0 and takes nothing. */
uint16_t tm_query_id_take(tm_query_ids_t *ids);

/* The query of id left the network: the ID is free again.  Freeing an ID
 * that is not taken does nothing. */
void tm_query_id_release(tm_query_ids_t *ids, uint16_t id);

/* How many IDs are taken. */
size_t tm_query_ids_taken(const tm_query_ids_t *ids);

#endif
