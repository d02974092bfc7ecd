/* doh.h - the DNS-over-HTTPS transport of the resolver (RFC 8484): every
 * query is POSTed as application/dns-message through one libcurl multi
 * handle, multiplexed over HTTP/2 and driven by a poll() loop like the
 * c-ares transport (cares.h).  Private to src/lib/resolve/ and its DoH
 * plugin.
 *
 * The answer bytes are handed back unparsed: the resolver parses them with
 * tm_dns_parse_response, the same code as for UDP, so verdicts over DoH and
 * over UDP cannot differ by construction. */
#ifndef TMEMS_RESOLVE_DOH_H
#define TMEMS_RESOLVE_DOH_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_plugin.h"
#include "tmems/tm_status.h"

/* RFC 8484 section 6: the one media type of requests and answers. */
#define TM_DOH_MEDIA_TYPE "application/dns-message"
/* A DNS message is at most 65535 octets (RFC 8484 section 6 carries one
 * message, whose length RFC 1035 section 4.2.2 bounds); a larger body is
 * refused before it is buffered in full. */
#define TM_DOH_BODY_MAX TM_DNS_MSG_MAX
/* A URL longer than this is refused (browsers and servers commonly stop
 * near 2000 characters; a DoH endpoint is far shorter). */
#define TM_DOH_URL_MAX 2048

/* ---- pure helpers (no I/O; unit-tested) ----------------------------------- */

/* Checks a --doh value: "http://" or "https://" (any case), a host (name,
 * IPv4 or [IPv6]), an optional port 1-65535, an optional path and query;
 * no user name or password, no fragment, no spaces or control bytes.  A
 * trailing URI template "{?dns}" (RFC 8484 section 3) is accepted: POST
 * leaves the variable undefined, so it expands to nothing (RFC 6570
 * section 3.2.1).  On failure *why, when given, gets a static English
 * reason marked with N_() (translate it with _()). */
bool tm_doh_url_check(const char *url, const char **why);
/* Length of url without its trailing "{?dns}" template, if any. */
size_t tm_doh_url_len(const char *url);

/* The outcome of a completed HTTP exchange.  TM_DNS_NOERROR means "parse
 * the body as a DNS message"; anything else is a transport failure
 * (TM_DNS_UNREACHABLE: no DNS message came), with one line in why: a
 * status outside 2xx ("the DoH server answered HTTP 404"; RFC 8484 section
 * 4.2.1: only 2xx carries a DNS answer) or another media type (the URL does
 * not serve DNS).  content_type may be NULL (the header was missing). */
tm_dns_outcome_t tm_doh_classify_http(long status, const char *content_type, char *why,
                                      size_t whylen);

/* A transfer that failed below HTTP (libcurl's CURLcode as an int): the
 * outcome to report (a timeout is TIMEOUT; connection, TLS and protocol
 * failures are UNREACHABLE: no DNS message came; an oversized answer is
 * FORMERR) and whether another try may succeed (a timeout or a connection
 * that broke, not a refused connection or a certificate). */
tm_dns_outcome_t tm_doh_classify_transport(int curl_code, bool *retry);

/* ---- the transport: a plugin ------------------------------------------------
 * The transport is libcurl's, and libcurl with its thirty libraries is
 * loaded only by a run that uses DoH: the code below lives in the plugin
 * doh.so (doh_curl_plugin.c, with doh_map.c and errbuf.c), which links
 * libcurl and exports one table, tm_doh_api_t (tmems/tm_plugin.h). */

typedef struct tm_doh tm_doh_t;

/* Called once per send, from handle (never from inside send).  On success
 * (status TM_OK, failure TM_DNS_NOERROR) msg/len hold the answer body,
 * valid only during the call.  Otherwise failure says which outcome to
 * record and reason gives one English line; status is TM_ENOMEM when an
 * allocation of ours failed (no outcome then). */
typedef void (*tm_doh_cb)(void *arg, tm_status_t status, tm_dns_outcome_t failure,
                          const uint8_t *msg, size_t len, const char *reason);

typedef struct {
    const char *url;     /* checked with tm_doh_url_check */
    unsigned timeout_ms; /* per try, the whole HTTP exchange */
    unsigned tries;      /* transport failures are tried again up to this */
    const char *cacert;  /* PEM file of the CAs to trust for https://, as curl's
                            --cacert; NULL = libcurl's default bundle */
    const char *capath;  /* directory of hashed CA certificates, as curl's
                            --capath; NULL = none */
} tm_doh_config_t;

#define TM_DOH_PLUGIN "doh"
#define TM_DOH_PLUGIN_SYMBOL "tm_doh_plugin"
#define TM_DOH_PLUGIN_ABI 1u

typedef struct {
    tm_plugin_header_t header;
    /* On failure err gets one English line.  The caller frees *out with
     * destroy. */
    tm_status_t (*create)(const tm_doh_config_t *cfg, tm_doh_t **out, char *err, size_t errlen);
    /* Drops every transfer without calling its callback (the resolver
     * frees the entries itself).  NULL is a no-op. */
    void (*destroy)(tm_doh_t *doh);
    /* Queues one query (copied; at most 512 octets, built by
     * tm_dns_build_query with ID 0, RFC 8484 section 4.1). */
    tm_status_t (*send)(tm_doh_t *doh, const uint8_t *query, size_t len, tm_doh_cb cb,
                        void *arg);
    /* The sockets libcurl wants watched, at most max into pfd (the number
     * needed is returned: call again with room for it when it exceeds
     * max), and in *due_ms libcurl's next timer when that is sooner. */
    size_t (*watch)(tm_doh_t *doh, struct pollfd *pfd, size_t max, long long *due_ms);
    /* Hands what poll reported (n as watch filled) and a due timer to
     * libcurl, and calls back the transfers that ended.  TM_ENOMEM when
     * bookkeeping could not be allocated. */
    tm_status_t (*handle)(tm_doh_t *doh, const struct pollfd *pfd, size_t n);
} tm_doh_api_t;

/* The transport, from the plugin in plugin_dir (NULL: where the package
 * installs it).  On failure err gets one line saying that DNS over HTTPS
 * cannot be used and why (the file and the loader's reason). */
tm_status_t tm_doh_api_load(const char *plugin_dir, const tm_doh_api_t **out, char *err,
                            size_t errlen);

#endif
