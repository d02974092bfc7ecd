/* cursor.c - the one bounded reader every parser goes through, so that no
 * parser indexes a raw pointer past the end of untrusted input. */
#include <string.h>

#include "tmems/tm_util.h"

void tm_cursor_init(tm_cursor_t *cur, const void *data, size_t len)
{
    cur->base = data;
    cur->len = data ? len : 0;
    cur->pos = 0;
}

bool tm_cursor_bytes(tm_cursor_t *cur, void *out, size_t n)
{
    if (n > tm_cursor_left(cur))
        return false;
    memcpy(out, cur->base + cur->pos, n);
    cur->pos += n;
    return true;
}

bool tm_cursor_u8(tm_cursor_t *cur, uint8_t *out) { return tm_cursor_bytes(cur, out, 1); }

bool tm_cursor_u16(tm_cursor_t *cur, uint16_t *out)
{
    uint8_t b[2];
    if (!tm_cursor_bytes(cur, b, 2))
        return false;
    *out = (uint16_t)((b[0] << 8) | b[1]);
    return true;
}

bool tm_cursor_u32(tm_cursor_t *cur, uint32_t *out)
{
    uint8_t b[4];
    if (!tm_cursor_bytes(cur, b, 4))
        return false;
    *out = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
    return true;
}

bool tm_cursor_accept_ci(tm_cursor_t *cur, const char *prefix)
{
    size_t n = strlen(prefix);
    if (n > tm_cursor_left(cur))
        return false;
    for (size_t i = 0; i < n; i++) {
        /* ASCII only: protocol keywords (tm_ascii_lower) */
        if (tm_ascii_lower((char)cur->base[cur->pos + i]) != tm_ascii_lower(prefix[i]))
            return false;
    }
    cur->pos += n;
    return true;
}
