/* tm_check.h - the judge: every rule of CHECKS.md as a pure function of
 * (rrset, rules, options) -> finding.  No I/O, no clock, no globals.
 *
 * Findings carry already-translated text (gettext at creation) and raw DNS
 * data inside that text; the report layer escapes it for the terminal. */
#ifndef TMEMS_TM_CHECK_H
#define TMEMS_TM_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_rules.h"
#include "tmems/tm_status.h"
#include "tmems/tm_util.h"

typedef enum {
    TM_CHECK_PASS = 0,
    TM_CHECK_INFO,
    TM_CHECK_WARN,
    TM_CHECK_FAIL,
    TM_CHECK_ERROR,
    TM_CHECK_SKIP
} tm_check_status_t;

/* "pass", "info", ... (the JSON spelling) */
const char *tm_check_status_name(tm_check_status_t status);

/* The console sections, in the console's order. */
typedef enum {
    TM_SECTION_DOMAIN = 0, /* 全般 / ドメイン名 */
    TM_SECTION_INBOUND,    /* 受信サーバ */
    TM_SECTION_OUTBOUND,   /* 送信サーバ */
    TM_SECTION_RULES,
    TM_SECTION_COUNT
} tm_section_t;

const char *tm_section_name(tm_section_t section); /* "domain", "inbound", ... */

typedef enum { TM_PHASE_AUTO = 0, TM_PHASE_PRE, TM_PHASE_POST } tm_phase_t;
const char *tm_phase_name(tm_phase_t phase); /* "auto", "pre", "post" */

/* The probes' options and views (tm_probe.h). */
struct tm_probe_options;
struct tm_auth_view;
struct tm_smtp_view;

typedef struct {
    const char *company;  /* --company, or NULL */
    const char *token;    /* --token with any "tmes=" removed, or NULL */
    tm_phase_t phase;     /* as asked; AUTO resolves per domain */
    bool outbound;        /* false with --no-outbound */
    bool offline;
    const char *only;     /* comma-separated ids or prefixes ("spf."), or NULL */
    const char *skip;
    bool authoritative;   /* --authoritative: dns.consistency runs (tm_probe.h) */
    bool smtp;            /* --smtp: inbound.smtp runs (tm_probe.h) */
    const struct tm_probe_options *probe; /* how the probes talk to servers; NULL =
                                             defaults.  Read by the run layer only */
} tm_check_options_t;

typedef enum {
    TM_COMPANY_UNKNOWN = 0,
    TM_COMPANY_FROM_OPTION,
    TM_COMPANY_FROM_MX
} tm_company_source_t;

struct tm_spf_analysis; /* the outbound section's view of the SPF tree (tm_spf.h) */

/* Everything a check reads.  Built by tm_check_ctx_init from the rrset. */
typedef struct {
    const char *domain;         /* ASCII, canonical */
    const char *display;        /* for people: the U-label form of an IDN, else domain */
    const tm_rrset_t *rrset;
    const tm_rules_t *rules;
    const tm_check_options_t *opts;
    tm_phase_t phase;           /* PRE or POST; AUTO when --phase auto had no MX
                                   answer to decide from (a DNS error) */
    bool phase_derived;         /* true when AUTO decided it */
    char company[TM_LABEL_MAX + 1];
    tm_company_source_t company_source;
    char mx_company[TM_LABEL_MAX + 1]; /* the ID the MX points at, "" if none */
    const struct tm_spf_analysis *spf; /* NULL when not (yet) analysed */
    const struct tm_auth_view *auth;   /* --authoritative: what each name server
                                          said (tm_probe.h); NULL when not probed */
    const struct tm_smtp_view *smtp;   /* --smtp: each receiving server's
                                          dialogue; NULL when not probed */
} tm_check_ctx_t;

/* Derives phase and company from the rrset (which may still lack answers:
 * the derivation is redone every round). */
void tm_check_ctx_init(tm_check_ctx_t *ctx, const char *domain, const char *display,
                       const tm_rrset_t *rrset, const tm_rules_t *rules,
                       const tm_check_options_t *opts);

typedef struct {
    const char *id;       /* static catalogue id, e.g. "mx.ttl" */
    tm_section_t section;
    tm_check_status_t status;
    char *summary;        /* one line */
    char *detail;         /* NULL or more lines: why it matters */
    char *fix;            /* NULL or what to change, zone-file lines where possible */
    char *fix_records;    /* NULL or the zone-file lines of fix that can be pasted
                             as they are, one a line ("owner. TTL IN TYPE rdata",
                             absolute owner, no placeholder).  They replace whole
                             RRsets: every record of the same owner and type; for
                             TXT, of the same kind (an SPF line replaces the
                             owner's v=spf1 records, a tmes= line its tokens, and
                             other TXT records stay).  docs/json.md, fix_records. */
} tm_finding_t;

typedef struct {
    tm_finding_t *items;
    size_t count;
    size_t cap;
} tm_findings_t;

void tm_findings_init(tm_findings_t *f);
void tm_findings_clear(tm_findings_t *f);

/* "fail" if any check fails, else "error" if any errs, else "warn" if any
 * warns, else "pass" (CLI.md). */
tm_check_status_t tm_findings_verdict(const tm_findings_t *f);

/* A check fills *out (id and section are preset by the registry). */
typedef tm_status_t (*tm_check_fn)(const tm_check_ctx_t *ctx, tm_finding_t *out);

typedef struct {
    const char *id;
    tm_section_t section;
    tm_check_fn run;
} tm_check_def_t;

/* The catalogue in CHECKS.md order. */
const tm_check_def_t *tm_check_catalogue(size_t *count);
/* The definition for an id, or NULL. */
const tm_check_def_t *tm_check_find(const char *id);
/* --only/--skip: true when id is selected.  A list item ending in '.' is a
 * prefix; other items match whole ids. */
bool tm_check_selected(const char *id, const char *only, const char *skip);
/* Validates an --only/--skip list; on failure *bad points into list at the
 * item that names no check. */
bool tm_check_list_valid(const char *list, const char **bad, size_t *badlen);

/* The questions the selected checks still need, given what ctx->rrset holds.
 * An empty list means the judge can run.  Called once per round. */
tm_status_t tm_checks_needs(const tm_check_ctx_t *ctx, tm_questions_t *need);
/* True when a selected check reads the SPF analysis (ctx->spf): the run
 * layer then builds it and adds what it lacks to the questions. */
bool tm_checks_want_spf(const tm_check_options_t *opts);
/* Runs every selected check in catalogue order. */
tm_status_t tm_checks_run(const tm_check_ctx_t *ctx, tm_findings_t *out);

#endif
