/* query_id.c - random query IDs, unique among the queries in flight
 * (query_id.h; RFC 5452 section 4.3). */
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>

#include "query_id.h"
#include "tmems/tm_util.h"

void tm_query_ids_init(tm_query_ids_t *ids) { memset(ids, 0, sizeof *ids); }

static uint16_t random_u16(tm_query_ids_t *ids)
{
    if (ids->pool_left < 2) {
        ssize_t n = getrandom(ids->pool, sizeof ids->pool, GRND_NONBLOCK);
        if (n == (ssize_t)sizeof ids->pool) {
            ids->pool_left = sizeof ids->pool;
        } else {
            /* No kernel entropy this early: still vary the IDs (xorshift
             * seeded from the clock and the state's address). */
            if (!ids->fallback)
                ids->fallback = ((uint64_t)tm_monotonic_us() << 20) ^ (uint64_t)(uintptr_t)ids ^
                                0x9E3779B97F4A7C15ull;
            ids->fallback ^= ids->fallback << 13;
            ids->fallback ^= ids->fallback >> 7;
            ids->fallback ^= ids->fallback << 17;
            return (uint16_t)ids->fallback;
        }
    }
    ids->pool_left -= 2;
    return (uint16_t)((ids->pool[ids->pool_left] << 8) | ids->pool[ids->pool_left + 1]);
}

static bool is_taken(const tm_query_ids_t *ids, uint16_t id)
{
    return ids->used[id >> 3] & (1u << (id & 7));
}

uint16_t tm_query_id_take(tm_query_ids_t *ids)
{
    if (ids->nused >= 65536)
        return 0;
    uint16_t id = random_u16(ids);
    while (is_taken(ids, id))
        id = random_u16(ids);
    ids->used[id >> 3] |= (uint8_t)(1u << (id & 7));
    ids->nused++;
    return id;
}

void tm_query_id_release(tm_query_ids_t *ids, uint16_t id)
{
    if (!is_taken(ids, id))
        return;
    ids->used[id >> 3] &= (uint8_t)~(1u << (id & 7));
    ids->nused--;
}

size_t tm_query_ids_taken(const tm_query_ids_t *ids) { return ids->nused; }
