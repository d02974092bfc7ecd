/* tm_probe_view.h - what the probes of --authoritative and --smtp saw, as
 * plain data: the servers to probe (targets), and each server's answers or
 * SMTP dialogue (views).  The judge picks the targets and reads the views
 * (tm_check_ctx_t); the probes (tm_probe.h) take the targets and fill the
 * views.  Neither reaches the other: this header is all they share.
 *
 * Everything a server sent is untrusted: the views keep it raw and bounded,
 * and the check quotes it (tm_quote_dns) before a report shows it. */
#ifndef TMEMS_TM_PROBE_VIEW_H
#define TMEMS_TM_PROBE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_util.h"

/* Servers one probe asks at most: a zone with more name-server or MX
 * addresses is probed on the first ones and the view says it was cut. */
#define TM_PROBE_MAX_TARGETS 16

/* ---- targets --------------------------------------------------------------- */

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

/* ---- views ------------------------------------------------------------------ */

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

#endif
