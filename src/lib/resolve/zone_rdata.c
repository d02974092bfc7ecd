/* zone_rdata.c - text values of the octoDNS and DNSControl readers in wire
 * form (RFC 1035 section 3.3; zone_rdata.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "zone_rdata.h"
#include "tmems/tm_rdata.h"
#include "tmems/tm_dns.h"

bool zrd_full_name(const char *text, const char *origin, char *out, size_t outlen)
{
    size_t n = strlen(text);
    int w;
    if (n == 0 || strcmp(text, "@") == 0)
        w = snprintf(out, outlen, "%s", origin);
    else if (text[n - 1] == '.' && (n < 2 || text[n - 2] != '\\'))
        w = snprintf(out, outlen, "%.*s", (int)(n - 1), text);
    else if (origin[0] == '\0')
        w = snprintf(out, outlen, "%s", text);
    else
        w = snprintf(out, outlen, "%s.%s", text, origin);
    if (w < 0 || (size_t)w >= outlen)
        return false;
    for (char *p = out; *p; p++)
        *p = tm_ascii_lower(*p);
    return true;
}

static bool put(zrd_t *rd, const void *data, size_t len)
{
    if (len > ZRD_MAX - rd->len)
        return false;
    memcpy(rd->data + rd->len, data, len);
    rd->len += len;
    return true;
}

bool zrd_put_name(zrd_t *rd, const char *name)
{
    uint8_t wire[TM_DNS_WIRE_NAME_MAX];
    size_t len;
    return tm_dns_name_wire(name, wire, &len) && put(rd, wire, len);
}

bool zrd_put_u16(zrd_t *rd, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    return put(rd, b, 2);
}

bool zrd_put_string(zrd_t *rd, const char *s, size_t len)
{
    uint8_t n = (uint8_t)len;
    return len <= 255 && put(rd, &n, 1) && put(rd, s, len);
}

bool zrd_put_text(zrd_t *rd, const char *s, size_t len)
{
    if (len == 0)
        return zrd_put_string(rd, "", 0);
    for (size_t i = 0; i < len; i += 255) {
        if (!zrd_put_string(rd, s + i, len - i > 255 ? 255 : len - i))
            return false;
    }
    return true;
}

bool zrd_put_a(zrd_t *rd, const char *text)
{
    uint8_t a[4];
    return inet_pton(AF_INET, text, a) == 1 && put(rd, a, 4);
}

bool zrd_put_aaaa(zrd_t *rd, const char *text)
{
    uint8_t a[16];
    return inet_pton(AF_INET6, text, a) == 1 && put(rd, a, 16);
}

/* The text of one value with its escapes undone, into buf. */
static bool unescape(const char *s, size_t len, bool quoted, tm_buf_t *buf)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < len && (s[i + 1] == ';' || (quoted && (s[i + 1] == '"' ||
                                                                        s[i + 1] == '\\')))) {
            c = s[++i];
        }
        if (tm_buf_putc(buf, c) != TM_OK)
            return false;
    }
    return true;
}

bool zrd_put_octodns_txt(zrd_t *rd, const char *value)
{
    tm_buf_t buf;
    bool ok = true;
    tm_buf_init(&buf);
    const char *p = value;
    if (*p != '"') {
        ok = unescape(p, strlen(p), false, &buf) && zrd_put_text(rd, buf.data ? buf.data : "",
                                                                 buf.len);
        tm_buf_clear(&buf);
        return ok;
    }
    /* "chunk" "chunk" ...: each quoted chunk is one character-string. */
    while (ok && *p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        if (*p != '"') {
            ok = false;
            break;
        }
        const char *start = ++p;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1])
                p++;
            p++;
        }
        if (*p != '"') {
            ok = false;
            break;
        }
        buf.len = 0;
        ok = unescape(start, (size_t)(p - start), true, &buf) &&
             zrd_put_string(rd, buf.data ? buf.data : "", buf.len);
        p++;
    }
    tm_buf_clear(&buf);
    return ok;
}

uint16_t zrd_type(const char *name, bool *was_spf)
{
    static const struct {
        const char *name;
        uint16_t type;
    } types[] = {{"A", TM_RR_A},         {"AAAA", TM_RR_AAAA}, {"MX", TM_RR_MX},
                 {"TXT", TM_RR_TXT},     {"CNAME", TM_RR_CNAME}, {"NS", TM_RR_NS},
                 {"PTR", TM_RR_PTR}};
    *was_spf = false;
    if (tm_ascii_casecmp(name, "SPF") == 0) {
        /* Kept as what it publishes, type 99, which no receiver reads
         * (RFC 7208 section 3.1, 14.1): it never stands in for TXT. */
        *was_spf = true;
        return ZRD_TYPE_SPF;
    }
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (tm_ascii_casecmp(name, types[i].name) == 0)
            return types[i].type;
    }
    return 0;
}
