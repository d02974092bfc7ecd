/* ip.c - IPv4/IPv6 addresses and CIDR blocks: parsing, formatting, matching
 * and walking the addresses of a block (the ranges check evaluates every
 * address of every data-center range). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_util.h"

bool tm_ip_parse(const char *text, tm_ip_t *out)
{
    memset(out, 0, sizeof(*out));
    if (strchr(text, ':')) {
        if (inet_pton(AF_INET6, text, out->bytes) != 1)
            return false;
        out->family = 6;
        return true;
    }
    if (inet_pton(AF_INET, text, out->bytes) != 1)
        return false;
    out->family = 4;
    return true;
}

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* RFC 5952 section 4: lower-case hex without leading zeros, the longest run
 * (the first of equal ones) of two or more zero fields as "::".  Section 5:
 * dotted quad only after the IPv4-mapped prefix.  Written here because
 * glibc's inet_ntop also prints the deprecated IPv4-compatible form
 * (::1:2 as "::0.1.0.2"). */
static void format_v6(const uint8_t *b, char *text, size_t size)
{
    if (memcmp(b, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0) {
        snprintf(text, size, "::ffff:%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
        return;
    }
    unsigned words[8];
    for (int i = 0; i < 8; i++)
        words[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && words[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    size_t n = 0;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            n += (size_t)snprintf(text + n, size - n, i == 0 ? "::" : ":");
            i += best_len - 1;
            continue;
        }
        n += (size_t)snprintf(text + n, size - n, i < 7 ? "%x:" : "%x", words[i]);
    }
}

void tm_ip_format(const tm_ip_t *ip, char *buf, size_t buflen)
{
    char tmp[INET6_ADDRSTRLEN];
    if (ip->family == 6) {
        format_v6(ip->bytes, tmp, sizeof(tmp));
        snprintf(buf, buflen, "%s", tmp);
        return;
    }
    const char *s = inet_ntop(AF_INET, ip->bytes, tmp, sizeof(tmp));
    snprintf(buf, buflen, "%s", s ? s : "?");
}

static unsigned family_bits(uint8_t family) { return family == 6 ? 128u : 32u; }

bool tm_ip_prefix_match(const tm_ip_t *a, const tm_ip_t *b, unsigned prefix)
{
    if (a->family != b->family || prefix > family_bits(a->family))
        return false;
    unsigned full = prefix / 8, rest = prefix % 8;
    if (memcmp(a->bytes, b->bytes, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (a->bytes[full] & mask) == (b->bytes[full] & mask);
}

static void clear_host_bits(tm_ip_t *ip, unsigned prefix)
{
    unsigned bits = family_bits(ip->family);
    for (unsigned i = prefix; i < bits; i++)
        ip->bytes[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}

bool tm_cidr_parse(const char *text, tm_cidr_t *out)
{
    char addr[64];
    const char *slash = strchr(text, '/');
    size_t alen = slash ? (size_t)(slash - text) : strlen(text);
    if (alen == 0 || alen >= sizeof(addr))
        return false;
    memcpy(addr, text, alen);
    addr[alen] = '\0';
    if (!tm_ip_parse(addr, &out->addr))
        return false;
    unsigned bits = family_bits(out->addr.family);
    unsigned long prefix = bits;
    if (slash) {
        const char *p = slash + 1;
        /* digits only, no sign or spaces, at most 3 of them */
        size_t n = strspn(p, "0123456789");
        if (n == 0 || n > 3 || p[n] != '\0' || (n > 1 && p[0] == '0'))
            return false;
        prefix = strtoul(p, NULL, 10);
        if (prefix > bits)
            return false;
    }
    out->prefix = (uint8_t)prefix;
    clear_host_bits(&out->addr, out->prefix);
    return true;
}

void tm_cidr_format(const tm_cidr_t *cidr, char *buf, size_t buflen)
{
    char ip[64];
    tm_ip_format(&cidr->addr, ip, sizeof(ip));
    snprintf(buf, buflen, "%s/%u", ip, cidr->prefix);
}

bool tm_cidr_contains(const tm_cidr_t *cidr, const tm_ip_t *ip)
{
    tm_ip_t v = *ip;
    tm_ip_unmap_v4(&v);
    return tm_ip_prefix_match(&cidr->addr, &v, cidr->prefix);
}

void tm_ip_unmap_v4(tm_ip_t *ip)
{
    if (ip->family != 6 || memcmp(ip->bytes, v4_mapped_prefix, sizeof(v4_mapped_prefix)) != 0)
        return;
    memmove(ip->bytes, ip->bytes + 12, 4);
    memset(ip->bytes + 4, 0, 12);
    ip->family = 4;
}

uint64_t tm_cidr_size_v4(const tm_cidr_t *cidr)
{
    if (cidr->addr.family != 4)
        return 0;
    return (uint64_t)1 << (32 - cidr->prefix);
}

void tm_cidr_nth_v4(const tm_cidr_t *cidr, uint32_t index, tm_ip_t *out)
{
    uint32_t base = ((uint32_t)cidr->addr.bytes[0] << 24) | ((uint32_t)cidr->addr.bytes[1] << 16) |
                    ((uint32_t)cidr->addr.bytes[2] << 8) | cidr->addr.bytes[3];
    uint32_t v = base + index;
    memset(out, 0, sizeof(*out));
    out->family = 4;
    out->bytes[0] = (uint8_t)(v >> 24);
    out->bytes[1] = (uint8_t)(v >> 16);
    out->bytes[2] = (uint8_t)(v >> 8);
    out->bytes[3] = (uint8_t)v;
}
