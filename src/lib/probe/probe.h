/* probe.h - the two probes as state machines on the run's event loop,
 * started together by tm_probe_start (probe.c).  Private to src/lib/probe/. */
#ifndef TMEMS_PROBE_PROBE_H
#define TMEMS_PROBE_PROBE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_probe.h"

#define TM_PROBE_DEFAULT_TIMEOUT_MS 2000u
#define TM_PROBE_DEFAULT_TRIES 3u

/* ---- authoritative servers (auth.c) -------------------------------------- */

typedef struct tm_auth_probe tm_auth_probe_t;

/* Sends SOA, TXT and MX of domain to every target that has an address,
 * each through its own resolver (RD=0) run inside loop's event loop.  The
 * view records every target.  notify(arg) is called from inside loop's
 * run (never from here) when the last answer is in; it must not destroy
 * the probe (post a tm_resolver_call_t instead). */
tm_status_t tm_auth_probe_start(tm_resolver_t *loop, const tm_probe_options_t *opts,
                                const char *domain, const tm_probe_targets_t *targets,
                                void (*notify)(void *arg), void *arg, tm_auth_probe_t **out);
/* Every answer is in (also when nothing was asked). */
bool tm_auth_probe_done(const tm_auth_probe_t *probe);
/* TM_ENOMEM when an answer could not be built. */
tm_status_t tm_auth_probe_status(const tm_auth_probe_t *probe);
/* The view, handed over (NULL when taken already); questions still open
 * are taken back first. */
tm_auth_view_t *tm_auth_probe_take(tm_auth_probe_t *probe);
void tm_auth_probe_destroy(tm_auth_probe_t *probe); /* NULL is a no-op */

/* ---- receiving servers (smtp.c) -------------------------------------------- */

typedef struct tm_smtp_probe tm_smtp_probe_t;

/* Starts a connection to every target that has an address. */
tm_status_t tm_smtp_probe_start(const tm_probe_options_t *opts, const tm_probe_targets_t *targets,
                                tm_smtp_probe_t **out);
/* The sockets to poll (at most max entries into pfd, one per open
 * connection) and in *wait_ms the time to the next deadline (-1: none). */
size_t tm_smtp_probe_fds(tm_smtp_probe_t *probe, struct pollfd *pfd, size_t max, long long now,
                         int *wait_ms);
/* Moves every connection on by what poll reported, and times out those
 * whose step is past its deadline. */
tm_status_t tm_smtp_probe_handle(tm_smtp_probe_t *probe, const struct pollfd *pfd, size_t n,
                                 long long now);
bool tm_smtp_probe_done(const tm_smtp_probe_t *probe);
tm_smtp_view_t *tm_smtp_probe_take(tm_smtp_probe_t *probe);
void tm_smtp_probe_destroy(tm_smtp_probe_t *probe); /* NULL is a no-op */

#endif
