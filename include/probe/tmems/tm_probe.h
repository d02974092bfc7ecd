/* tm_probe.h - the probes of --authoritative and --smtp: I/O bounded by the
 * options' timeout, every server of every probe of every domain in flight
 * at once, on the run's one event loop.  They take the servers to ask and
 * fill the views of what those said (tm_probe_view.h), which the checks
 * dns.consistency and inbound.smtp judge; which servers to ask is the
 * judge's decision (tm_checks_probe_targets, tm_check.h), and the run layer
 * (tm_run.h) starts the probes once a domain's rounds are complete.
 *
 * Everything a server sent is untrusted: the views keep it raw and bounded.
 */
#ifndef TMEMS_TM_PROBE_H
#define TMEMS_TM_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_probe_view.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_status.h"
#include "tmems/tm_util.h"

/* Bytes read from one SMTP server over the whole dialogue (greeting, EHLO,
 * STARTTLS and QUIT replies together); past it the server is abandoned. */
#define TM_SMTP_READ_MAX 16384
/* Bytes of one reply's text kept in the view (the rest is dropped). */
#define TM_SMTP_TEXT_MAX 1024
/* RFC 5321 section 4.5.3.1.5 allows 512 octets a reply line; real servers
 * stretch it, so a line is accepted up to this and refused past it. */
#define TM_SMTP_LINE_MAX 2048
/* Lines of one reply (an EHLO reply lists one extension a line). */
#define TM_SMTP_REPLY_LINES_MAX 128

#define TM_PROBE_DEFAULT_AUTH_PORT 53
#define TM_PROBE_DEFAULT_SMTP_PORT 25
#define TM_PROBE_DEFAULT_HELO "tmems-check.invalid"

/* How the probes talk to the servers (the command line's --timeout,
 * --tries, --auth-port, --smtp-port).  Zero fields take the defaults. */
typedef struct tm_probe_options {
    unsigned timeout_ms; /* per DNS try and per SMTP step; 0 = 2000 */
    unsigned tries;      /* DNS attempts per question; 0 = 3 */
    uint16_t auth_port;  /* 0 = 53 */
    uint16_t smtp_port;  /* 0 = 25 */
    const char *helo;    /* the EHLO name; NULL, or one that is not printable
                            ASCII without spaces = TM_PROBE_DEFAULT_HELO */
    const char *plugin_dir; /* where the TLS plugin of STARTTLS is
                               (tmems/tm_plugin.h); NULL = where the package
                               installs it */
} tm_probe_options_t;


/* ---- the probes (I/O, on the run's event loop) ------------------------------ */

typedef struct tm_probe tm_probe_t;

/* Starts probing one domain as waits on res's event loop (tm_resolver_run
 * drives them with every DNS question and every other domain's probes):
 * asks each authoritative target directly (a resolver of its own, RD=0,
 * ADDR:auth_port) for the apex SOA, TXT and MX, and greets each SMTP target
 * on smtp_port.  auth or smtp may be NULL to skip that probe.  DNS
 * questions are bounded by timeout_ms per try and tries, each SMTP step by
 * timeout_ms, and everything by res's deadline.  Server failures are data
 * in the views.  done(arg) is called once both probes have ended, from
 * tm_resolver_run between rounds (tm_resolver_post), never from here; it
 * may destroy the probe.  The caller frees *out with tm_probe_destroy. */
tm_status_t tm_probe_start(tm_resolver_t *res, const tm_probe_options_t *opts,
                           const char *domain, const tm_probe_targets_t *auth,
                           const tm_probe_targets_t *smtp, void (*done)(void *arg), void *arg,
                           tm_probe_t **out);
bool tm_probe_complete(const tm_probe_t *probe);
/* The views, handed over (NULL for a probe not run or not complete), and
 * TM_OK, or TM_ENOMEM when an answer or a record could not be kept. */
tm_status_t tm_probe_take(tm_probe_t *probe, tm_auth_view_t **auth_out,
                          tm_smtp_view_t **smtp_out);
/* Leaves the loop, closes what is still open, frees.  NULL is a no-op. */
void tm_probe_destroy(tm_probe_t *probe);

/* Loads the TLS client the SMTP probe uses for STARTTLS (a plugin, which
 * brings OpenSSL: tmems/tm_plugin.h), once per process.  A caller that
 * probes SMTP asks first: without it every STARTTLS would fail, and a
 * broken installation would read as a finding about every server.  On
 * failure err says which file and why. */
tm_status_t tm_probe_tls_ready(const tm_probe_options_t *opts, char *err, size_t errlen);

/* The same probes on an event loop of their own, waited for (tests, and a
 * caller without a resolver).  The caller destroys *auth_out and
 * *smtp_out. */
tm_status_t tm_probe_run(const tm_probe_options_t *opts, const char *domain,
                         const tm_probe_targets_t *auth, const tm_probe_targets_t *smtp,
                         tm_auth_view_t **auth_out, tm_smtp_view_t **smtp_out);

#endif
