/* probe.h - the two probes as steppable state machines, driven together by
 * tm_probe_run (probe.c) on one loop.  Private to src/lib/probe/. */
#ifndef TMEMS_PROBE_PROBE_H
#define TMEMS_PROBE_PROBE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_probe.h"

#define TM_PROBE_DEFAULT_TIMEOUT_MS 2000u
#define TM_PROBE_DEFAULT_TRIES 3u

/* Monotonic milliseconds. */
long long tm_probe_now_ms(void);

/* ---- authoritative servers (auth.c) -------------------------------------- */

typedef struct tm_auth_probe tm_auth_probe_t;

/* Sends SOA, TXT and MX of domain to every target that has an address,
 * each through its own resolver (RD=0).  The view records every target. */
tm_status_t tm_auth_probe_start(const tm_probe_options_t *opts, const char *domain,
                                const tm_probe_targets_t *targets, tm_auth_probe_t **out);
/* Processes whatever has arrived, without waiting; past the deadline the
 * questions still open become TIMEOUT answers.  *done once all are in. */
tm_status_t tm_auth_probe_step(tm_auth_probe_t *probe, long long now, bool *done);
/* The view, handed over (NULL when taken already). */
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
