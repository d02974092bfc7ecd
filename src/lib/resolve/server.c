/* server.c - --server values: literal IPv4 or IPv6 addresses with an
 * optional port, turned into the form ares_set_servers_ports_csv takes. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "tmems/tm_resolve.h"

static bool parse_port(const char *s, unsigned *port)
{
    unsigned v = 0;
    size_t n = strlen(s);
    if (n == 0 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    *port = v;
    return true;
}

bool tm_resolver_server_valid(const char *server, char *out, size_t outlen)
{
    char host[INET6_ADDRSTRLEN + 1], text[INET6_ADDRSTRLEN];
    unsigned char addr[16];
    unsigned port = 53;
    bool v6;

    if (!server || !out || outlen == 0)
        return false;
    size_t len = strlen(server);
    if (len == 0 || len > INET6_ADDRSTRLEN + 8)
        return false;
    if (server[0] == '[') {
        /* "[V6]" or "[V6]:PORT" (RFC 3986 section 3.2.2 style). */
        const char *close = strchr(server, ']');
        if (!close || (size_t)(close - server - 1) >= sizeof host)
            return false;
        memcpy(host, server + 1, (size_t)(close - server - 1));
        host[close - server - 1] = '\0';
        if (close[1] != '\0' && (close[1] != ':' || !parse_port(close + 2, &port)))
            return false;
        v6 = true;
    } else if (strchr(server, ':') != strrchr(server, ':')) {
        /* Two colons or more: a bare IPv6 address, no port. */
        if (len >= sizeof host)
            return false;
        memcpy(host, server, len + 1);
        v6 = true;
    } else {
        const char *colon = strchr(server, ':');
        size_t hl = colon ? (size_t)(colon - server) : len;
        if (hl >= sizeof host)
            return false;
        memcpy(host, server, hl);
        host[hl] = '\0';
        if (colon && !parse_port(colon + 1, &port))
            return false;
        v6 = false;
    }
    /* inet_pton takes only literal addresses: host names are refused here,
     * since resolving them would need the resolver being set up. */
    if (inet_pton(v6 ? AF_INET6 : AF_INET, host, addr) != 1)
        return false;
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, addr, text, sizeof text))
        return false;
    int n = snprintf(out, outlen, v6 ? "[%s]:%u" : "%s:%u", text, port);
    return n > 0 && (size_t)n < outlen;
}
