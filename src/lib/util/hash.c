/* hash.c - the one hash of the tool's tables (resolver cache, rrset,
 * question list, SPF records, DNS message owners): FNV-1a, 64 bits. */
#include "tmems/tm_util.h"

uint64_t tm_fnv1a(uint64_t h, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        h = tm_fnv1a_step(h, p[i]);
    return h;
}
