/* tm_probe.h - the probes of --authoritative and --smtp, and the pure views
 * of what they saw, which the checks dns.consistency and inbound.smtp judge.
 *
 * Three parts, in three places:
 *  - targets: which servers to probe, a pure function of the rrset that the
 *    recursive rounds filled (tm_core, src/lib/check/);
 *  - views: plain data the probes fill and the checks read through
 *    tm_check_ctx_t (no I/O, no clock: a probe stamps the time it ran);
 *  - the probes themselves: I/O bounded by the options' timeout, every
 *    server of every probe of every domain in flight at once, on the run's
 *    one event loop (tm_resolve, src/lib/probe/).
 *
 * Everything a server sent is untrusted: the views keep it raw and bounded,
 * and the check quotes it (tm_quote_dns) before a report shows it. */
#ifndef TMEMS_TM_PROBE_H
#define TMEMS_TM_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_check.h"
#include "tmems/tm_dns.h"
#include "tmems/tm_status.h"
#include "tmems/tm_util.h"

/* Servers one probe asks at most: a zone with more name-server or MX
 * addresses is probed on the first ones and the view says it was cut. */
#define TM_PROBE_MAX_TARGETS 16
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
} tm_probe_options_t;

/* ---- targets (pure) ------------------------------------------------------ */

/* One server to probe: a host name and the address to use. */
typedef struct {
    char host[TM_NAME_MAX + 1];
    bool has_addr;                 /* false: the host has no address to try */
    tm_ip_t addr;
    tm_dns_outcome_t addr_outcome; /* !has_addr: the A answer's outcome (the
                                      AAAA one when A was NOERROR but empty) */
} tm_probe_target_t;

typedef struct {
    tm_probe_target_t items[TM_PROBE_MAX_TARGETS];
    size_t count;
    bool truncated; /* more servers than TM_PROBE_MAX_TARGETS */
} tm_probe_targets_t;

/* The authoritative servers of ctx->domain: every address of every host of
 * the apex NS answer in ctx->rrset (its IPv4 addresses; the IPv6 ones only
 * for a host without IPv4, so a machine without IPv6 does not report a
 * working server as silent), in NS order.  A host without an address is
 * listed with has_addr false.  Empty when the NS answer is missing or has
 * no records.  Fills *out; allocates nothing. */
void tm_auth_targets(const tm_check_ctx_t *ctx, tm_probe_targets_t *out);

/* The receiving servers of ctx->domain to greet on port 25: the MX hosts
 * that are not TMEmS inbound hosts, by preference (before and after the
 * cutover alike: after it they are the servers that bypass TMEmS, and the
 * real receiving servers are only in the console), each with its first
 * IPv4 address, else its first IPv6 one.  Address-literal MX targets are
 * left out (mx.target reports them).  Fills *out; allocates nothing. */
void tm_smtp_targets(const tm_check_ctx_t *ctx, tm_probe_targets_t *out);

/* True when the selected checks include dns.consistency with
 * opts->authoritative on, or inbound.smtp with opts->smtp on, and the run is
 * not offline: the run layer then probes once the rounds are complete. */
bool tm_probe_wants_auth(const tm_check_options_t *opts);
bool tm_probe_wants_smtp(const tm_check_options_t *opts);

/* ---- views (what the probes saw) ---------------------------------------- */

/* One authoritative server's answers, asked with RD=0 (RFC 1035 section
 * 4.1.1) for the apex SOA, TXT and MX.  A server that did not answer has
 * answers with outcome TIMEOUT, REFUSED, SERVFAIL or FORMERR. */
typedef struct {
    tm_probe_target_t target;
    tm_answer_t *soa, *txt, *mx; /* owned references; NULL when not asked
                                    (no address) */
} tm_auth_server_t;

typedef struct tm_auth_view {
    tm_auth_server_t servers[TM_PROBE_MAX_TARGETS];
    size_t count;
    bool truncated; /* the targets were cut at TM_PROBE_MAX_TARGETS */
    uint16_t port;  /* the port the servers were asked on */
} tm_auth_view_t;

/* A new empty view; NULL on allocation failure.  Free with
 * tm_auth_view_destroy, which drops the answers' references. */
tm_auth_view_t *tm_auth_view_create(void);
void tm_auth_view_destroy(tm_auth_view_t *view); /* NULL is a no-op */

/* How far an SMTP dialogue got (RFC 5321 section 3, RFC 3207). */
typedef enum {
    TM_SMTP_STAGE_CONNECT = 0, /* TCP connect */
    TM_SMTP_STAGE_GREETING,    /* the 220 greeting (RFC 5321 section 4.3.1) */
    TM_SMTP_STAGE_EHLO,        /* EHLO and its 250 capability list */
    TM_SMTP_STAGE_STARTTLS,    /* the STARTTLS command and its 220 */
    TM_SMTP_STAGE_TLS,         /* the TLS handshake */
    TM_SMTP_STAGE_QUIT,        /* QUIT and its 221: never a failure */
    TM_SMTP_STAGE_DONE
} tm_smtp_stage_t;

/* Why a dialogue stopped before DONE. */
typedef enum {
    TM_SMTP_OK = 0,      /* it did not stop */
    TM_SMTP_NO_ADDRESS,  /* the host has no address (target.addr_outcome says why) */
    TM_SMTP_REFUSED,     /* the connection was refused (RST: nothing listens) */
    TM_SMTP_CONNECT_ERR, /* another connect error (sys_errno) */
    TM_SMTP_TIMEOUT,     /* the stage took longer than the timeout */
    TM_SMTP_CLOSED,      /* the server closed the connection */
    TM_SMTP_IO_ERR,      /* a read or write failed (sys_errno) */
    TM_SMTP_PROTOCOL,    /* a malformed or over-long reply */
    TM_SMTP_REJECTED,    /* a reply with another code than the stage needs */
    TM_SMTP_NO_STARTTLS, /* EHLO did not offer STARTTLS (the dialogue ends
                            with QUIT; stage says STARTTLS) */
    TM_SMTP_TLS_FAILED   /* the handshake failed (error says why) */
} tm_smtp_outcome_t;

typedef struct {
    tm_probe_target_t target;
    tm_smtp_stage_t stage;      /* DONE, or the stage the dialogue stopped at */
    tm_smtp_outcome_t outcome;  /* OK when DONE */
    int sys_errno;              /* CONNECT_ERR, IO_ERR: the errno */
    char *error;                /* NULL or an English technical reason (OpenSSL's) */
    unsigned elapsed_ms;        /* from connect to the end of the dialogue */

    unsigned greeting_code;     /* 0 when no complete greeting came */
    char *greeting;             /* its text, lines joined by '\n', raw bytes
                                   (may hold NUL: use the length) */
    size_t greeting_len;
    unsigned ehlo_code;         /* 0 when not sent or no reply */
    char *extensions;           /* the EHLO keywords, space-separated, upper
                                   case, printable ASCII only; NULL if none */
    bool starttls_offered;
    unsigned reply_code;        /* REJECTED: the code of the reply that stopped it */
    char *reply;                /* REJECTED: its text, raw, as greeting */
    size_t reply_len;

    bool tls_ok;                /* the handshake completed */
    char *tls_version;          /* "TLSv1.3", or NULL */
    char *tls_cipher;
    bool cert_present;
    char *cert_cn;              /* the subject's commonName, raw; NULL if none */
    int64_t cert_not_after;     /* seconds since the epoch (UTC) */
    bool cert_verified;         /* the chain and the name verified against the
                                   system's trust store */
    char *verify_error;         /* when not verified: OpenSSL's reason */
    int64_t probed_at;          /* when the probe ran, seconds since the epoch */
} tm_smtp_server_t;

typedef struct tm_smtp_view {
    tm_smtp_server_t servers[TM_PROBE_MAX_TARGETS];
    size_t count;
    bool truncated;
    uint16_t port;       /* the port the servers were greeted on */
    unsigned timeout_ms; /* the bound on each step */
} tm_smtp_view_t;

/* A new empty view; NULL on allocation failure.  tm_smtp_view_destroy frees
 * every string of every server. */
tm_smtp_view_t *tm_smtp_view_create(void);
void tm_smtp_view_destroy(tm_smtp_view_t *view); /* NULL is a no-op */

/* ---- the probes (I/O, on the run's event loop) ------------------------------ */

#include "tmems/tm_resolve.h"

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

/* The probes of one domain whose recursive rounds are complete: the
 * targets tm_auth_targets and tm_smtp_targets pick from ctx->rrset, for the
 * probes tm_probe_wants_auth and tm_probe_wants_smtp select, with
 * ctx->opts->probe, as tm_probe_start.  *out stays NULL (and done is never
 * called) when there is nothing to probe: no probe wanted, or no target,
 * in which case the check says why from the rrset. */
tm_status_t tm_probe_domain_start(tm_resolver_t *res, const tm_check_ctx_t *ctx,
                                  void (*done)(void *arg), void *arg, tm_probe_t **out);

/* The same probes on an event loop of their own, waited for (tests, and a
 * caller without a resolver).  The caller destroys *auth_out and
 * *smtp_out. */
tm_status_t tm_probe_run(const tm_probe_options_t *opts, const char *domain,
                         const tm_probe_targets_t *auth, const tm_probe_targets_t *smtp,
                         tm_auth_view_t **auth_out, tm_smtp_view_t **smtp_out);

#endif
