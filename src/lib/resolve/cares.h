/* cares.h - the DNS transport of the resolver: c-ares channels driven by a
 * poll() loop.  Private to src/lib/resolve/.
 *
 * Two channels share the servers: one over UDP that hands truncated answers
 * back (ARES_FLAG_IGNTC) and one over TCP (ARES_FLAG_USEVC).  The resolver
 * retries a truncated answer on the TCP channel itself, so it knows which
 * answers were truncated (RFC 7766 section 5: TCP after TC).
 *
 * One send is one try: each server is asked once with the same timeout.
 * c-ares 1.18 doubles the timeout at every further try of its own
 * (ares__send_query), so a "2000 ms" timeout with 3 tries waited 14 s; the
 * resolver sends again itself instead, and every try waits the same. */
#ifndef TMEMS_RESOLVE_CARES_H
#define TMEMS_RESOLVE_CARES_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_status.h"

typedef enum {
    TM_CARES_ANSWER,    /* msg/len hold the response, whatever its rcode */
    TM_CARES_TIMEOUT,   /* every try timed out */
    TM_CARES_REFUSED,   /* no server took the question: ICMP port unreachable over
                           UDP, a refused or reset TCP connection, or one closed
                           without an answer (c-ares reports them alike) */
    TM_CARES_FAILED,    /* anything else; reason says what */
    TM_CARES_CANCELLED  /* the transport is being destroyed */
} tm_cares_result_t;

/* Called once per tm_cares_send, possibly from inside tm_cares_send itself
 * when c-ares fails at once.  msg is only valid during the call. */
typedef void (*tm_cares_cb)(void *arg, tm_cares_result_t result, const uint8_t *msg,
                            size_t len, const char *reason);

typedef struct {
    const char *servers_csv; /* "1.2.3.4:53,[::1]:53"; NULL = the system's resolvers */
    unsigned timeout_ms;     /* per try, for every server alike */
    bool norecurse;
} tm_cares_config_t;

typedef struct tm_cares tm_cares_t;

/* On failure err gets one English line.  The caller frees *out with
 * tm_cares_destroy. */
tm_status_t tm_cares_create(const tm_cares_config_t *cfg, tm_cares_t **out, char *err,
                            size_t errlen);
/* Calls every pending callback with TM_CARES_CANCELLED.  NULL is a no-op. */
void tm_cares_destroy(tm_cares_t *net);
/* Sends a query built by tm_dns_build_query (c-ares puts its own ID in). */
tm_status_t tm_cares_send(tm_cares_t *net, bool tcp, const uint8_t *query, size_t len,
                          tm_cares_cb cb, void *arg);
/* The servers in use, "127.0.0.1:53, [::1]:5353", into buf (cut to fit). */
void tm_cares_describe(const tm_cares_t *net, char *buf, size_t len);
/* The sockets to poll, at most max into pfd (the number needed is returned:
 * call again with room for it when it exceeds max), and in *due_ms the
 * monotonic time of the earliest c-ares timeout when that is sooner. */
size_t tm_cares_watch(tm_cares_t *net, struct pollfd *pfd, size_t max, long long *due_ms);
/* Processes what poll reported for those sockets (n as tm_cares_watch
 * filled) and every try whose timeout has passed.  Callbacks run from
 * here. */
void tm_cares_handle(tm_cares_t *net, const struct pollfd *pfd, size_t n);

#endif
