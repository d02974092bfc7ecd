/* doh_map.c - the decisions of the DoH transport that need no I/O: which
 * URLs are accepted, and which outcome an HTTP answer or a transport
 * failure becomes (see doh.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "doh.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_i18n.h"

/* RFC 8484 section 3: a server publishes a URI template; the only variable
 * is "dns", which POST leaves undefined. */
#define DNS_TEMPLATE "{?dns}"
/* RFC 1035 section 2.3.4 */
#define HOST_MAX 253
#define LABEL_MAX 63
/* How much of a hostile header value is quoted back. */
#define QUOTE_MAX 64

static bool fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return false;
}

size_t tm_doh_url_len(const char *url)
{
    size_t n = strlen(url), t = sizeof DNS_TEMPLATE - 1;
    if (n >= t && strcmp(url + n - t, DNS_TEMPLATE) == 0)
        return n - t;
    return n;
}

static bool valid_port(const char *p, size_t n)
{
    unsigned v = 0;
    if (n == 0 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

/* A host name of letters, digits and hyphens in labels of 1-63 octets
 * (RFC 1123 section 2.1), or an IPv4 address, which has the same shape. */
static bool valid_host_name(const char *h, size_t n)
{
    size_t label = 0;
    if (n > 0 && h[n - 1] == '.')
        n--; /* a fully qualified name */
    if (n == 0 || n > HOST_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (c == '.') {
            if (label == 0 || h[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (c != '-' || label == 0))
            return false;
        if (++label > LABEL_MAX)
            return false;
    }
    return h[n - 1] != '-';
}

static bool valid_ipv6_literal(const char *h, size_t n)
{
    char text[INET6_ADDRSTRLEN + 1];
    unsigned char addr[16];
    if (n == 0 || n >= sizeof text)
        return false;
    memcpy(text, h, n);
    text[n] = '\0';
    return inet_pton(AF_INET6, text, addr) == 1;
}

/* RFC 3986 section 3.2: authority = host [ ":" port ], userinfo refused. */
static bool valid_authority(const char *a, size_t n, const char **why)
{
    const char *host = a, *port = NULL;
    size_t hostlen = n, portlen = 0;

    if (memchr(a, '@', n))
        return fail(why, N_("a user name or password in the URL is not supported"));
    if (n > 0 && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close || !valid_ipv6_literal(a + 1, (size_t)(close - a - 1)))
            return fail(why, N_("the URL has no valid host"));
        size_t rest = n - (size_t)(close + 1 - a);
        if (rest > 0) {
            if (close[1] != ':')
                return fail(why, N_("the URL has no valid host"));
            port = close + 2;
            portlen = rest - 1;
        }
    } else {
        const char *colon = memchr(a, ':', n);
        if (colon) {
            hostlen = (size_t)(colon - a);
            port = colon + 1;
            portlen = n - hostlen - 1;
        }
        if (!valid_host_name(host, hostlen))
            return fail(why, N_("the URL has no valid host"));
    }
    if (port && !valid_port(port, portlen))
        return fail(why, N_("the port in the URL is not a number from 1 to 65535"));
    return true;
}

bool tm_doh_url_check(const char *url, const char **why)
{
    if (!url || !url[0])
        return fail(why, N_("no URL given"));
    size_t n = strlen(url);
    if (n > TM_DOH_URL_MAX)
        return fail(why, N_("the URL is longer than 2048 characters"));
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= 0x20 || c == 0x7f)
            return fail(why, N_("the URL contains spaces or control characters"));
        if (c >= 0x80)
            return fail(why, N_("the URL contains non-ASCII characters (write the host "
                                "name in its xn-- form and percent-encode the path)"));
    }
    size_t scheme;
    if (tm_ascii_ncasecmp(url, "https://", 8) == 0)
        scheme = 8;
    else if (tm_ascii_ncasecmp(url, "http://", 7) == 0)
        scheme = 7;
    else
        return fail(why, N_("only http:// and https:// URLs are supported"));
    n = tm_doh_url_len(url);
    if (memchr(url, '{', n) || memchr(url, '}', n))
        return fail(why, N_("the only URI template variable supported is {?dns} at the end"));
    if (memchr(url, '#', n))
        return fail(why, N_("a fragment (#...) has no place in a DoH URL"));
    const char *auth = url + scheme;
    size_t alen = strcspn(auth, "/?");
    if (auth + alen > url + n)
        alen = (size_t)(url + n - auth);
    return valid_authority(auth, alen, why);
}

bool tm_resolver_doh_url_valid(const char *url, const char **why)
{
    return tm_doh_url_check(url, why);
}

/* RFC 8484 section 6 and RFC 9110 section 8.3.1: type and subtype compare
 * case-insensitively; parameters after ';' do not change the type. */
static bool is_dns_message(const char *ctype)
{
    const char *want = TM_DOH_MEDIA_TYPE;
    size_t wl = strlen(want);
    while (*ctype == ' ' || *ctype == '\t')
        ctype++;
    if (tm_ascii_ncasecmp(ctype, want, wl) != 0)
        return false;
    ctype += wl;
    while (*ctype == ' ' || *ctype == '\t')
        ctype++;
    return *ctype == '\0' || *ctype == ';';
}

tm_dns_outcome_t tm_doh_classify_http(long status, const char *content_type, char *why,
                                      size_t whylen)
{
    char quoted[QUOTE_MAX + 4];
    if (why && whylen)
        why[0] = '\0';
    /* RFC 8484 section 4.2.1: a DNS answer, whatever its rcode, comes with
     * a 2xx status; any other status means the server did not answer. */
    if (status < 200 || status > 299) {
        if (why && whylen)
            snprintf(why, whylen, _("the server answered HTTP %ld"), status);
        return TM_DNS_UNREACHABLE;
    }
    if (!content_type) {
        if (why && whylen)
            snprintf(why, whylen, _("the server answered without a content type (expected %s)"),
                     TM_DOH_MEDIA_TYPE);
        return TM_DNS_UNREACHABLE;
    }
    if (!is_dns_message(content_type)) {
        /* The header value is the server's: escaped (an HTTP field is
         * ASCII, RFC 9110 section 5.5) and shortened, so a report cannot
         * carry control bytes or grow without bound. */
        tm_text_escape_cut(quoted, sizeof quoted, content_type, strlen(content_type),
                           TM_TEXT_ASCII);
        if (why && whylen)
            snprintf(why, whylen, _("the server answered with content type '%s', not %s"),
                     quoted, TM_DOH_MEDIA_TYPE);
        return TM_DNS_UNREACHABLE;
    }
    return TM_DNS_NOERROR;
}

tm_dns_outcome_t tm_doh_classify_transport(int curl_code, bool *retry)
{
    bool again = false;
    tm_dns_outcome_t outcome = TM_DNS_UNREACHABLE;

    switch ((CURLcode)curl_code) {
    case CURLE_OPERATION_TIMEDOUT:
        outcome = TM_DNS_TIMEOUT;
        again = true;
        break;
    /* The connection broke after it came up: a later try may find the
     * server again, as a UDP query is sent again after a lost datagram. */
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        again = true;
        break;
    /* The answer would exceed a DNS message (TM_DOH_BODY_MAX): unusable. */
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WRITE_ERROR:
        outcome = TM_DNS_FORMERR;
        break;
    default:
        /* A refused connection, a host name that does not resolve, TLS and
         * certificate failures, unsupported protocols: trying again gives
         * the same result. */
        break;
    }
    if (retry)
        *retry = again;
    return outcome;
}
