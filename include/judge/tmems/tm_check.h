/* tm_check.h - the judge: every rule of docs/checks.md as a pure function of
 * (rrset, rules, options) -> finding.  No I/O, no clock, no globals.
 *
 * Findings carry already-translated text (gettext at creation) and raw DNS
 * data inside that text; the report layer escapes it for the terminal. */
#ifndef TMEMS_TM_CHECK_H
#define TMEMS_TM_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_probe_view.h"
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

/* How the probes talk to servers (tm_probe.h): the judge only carries it
 * for the run layer, which starts the probes. */
struct tm_probe_options;

typedef struct {
    const char *company;  /* --company, or NULL */
    const char *token;    /* --token with any "tmes=" removed, or NULL */
    tm_phase_t phase;     /* as asked; AUTO resolves per domain */
    bool outbound;        /* false with --no-outbound */
    bool offline;
    const char *only;     /* comma-separated ids or prefixes ("spf."), or NULL */
    const char *skip;
    bool authoritative;   /* --authoritative: dns.consistency runs (tm_probe_view.h) */
    bool smtp;            /* --smtp: inbound.smtp runs (tm_probe_view.h) */
    const char *spf_own;  /* --spf-own: comma-separated domains whose hosts and SPF
                             records are the customer's own besides the checked
                             domain (the SPF remedy may flatten them), or NULL */
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
    const char *owner;          /* the name that holds the domain's records: when the
                                   domain is an alias (CNAME), the end of its chain,
                                   else domain.  Fix lines are written there: nothing
                                   can stand beside a CNAME (RFC 1034 section 3.6.2) */
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

/* Where a record was written (docs/json.md, "source"): a zone file, an
 * octoDNS YAML file, the dnsconfig.js of a DNSControl filepos.  file NULL:
 * no location (live DNS, or no record concerned); line 0: the record is
 * missing and belongs in file; column 0: unknown. */
typedef struct {
    char *file;
    unsigned long line;
    unsigned column;
} tm_source_t;

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
    /* The lengths of detail, fix and fix_records as finding.c's setters
     * left them, and their allocations, so that appending a line does not
     * copy every line before it (an MX set of thousands of hosts).  Only
     * finding.c keeps them; 0 means "not known: measure the text". */
    size_t detail_len, detail_cap, fix_len, fix_cap, fix_records_len, fix_records_cap;
    tm_source_t source;   /* the record the finding concerns, where it was written
                             (set by the run layer from the zone, src/lib/run/locate.c) */
    /* With status skip: the check could not judge because what it needs
     * is unknown (offline, a name that no zone file holds).  A decisive
     * check that did not judge leaves its record not judged, and a console
     * check leaves the console's view of its section unknown
     * (tm_findings_assess). */
    bool unjudged;
    /* The console does not make this check for this domain: spf.include
     * without outbound protection (--no-outbound), when the console does
     * not check SPF.  JSON "console" is then false. */
    bool console_off;
} tm_finding_t;

typedef struct {
    tm_finding_t *items;
    size_t count;
    size_t cap;
} tm_findings_t;

void tm_findings_init(tm_findings_t *f);
void tm_findings_clear(tm_findings_t *f);

/* The worst status: "fail" if any check fails, else "error" if any errs,
 * else "warn" if any warns, else "pass" (the JSON "verdict" field,
 * docs/json.md).  Not a readiness verdict: see tm_findings_assess. */
tm_check_status_t tm_findings_verdict(const tm_findings_t *f);

/* A check fills *out (id and section are preset by the registry). */
typedef tm_status_t (*tm_check_fn)(const tm_check_ctx_t *ctx, tm_finding_t *out);

/* The records a verdict of "ready" needs judged (docs/checks.md "The
 * verdict"): the ownership token (token.present, token.format,
 * token.match), the MX (mx.present, mx.tmems) and SPF (spf.present,
 * spf.include, spf.tmems_ranges).  A check of the catalogue belongs to at
 * most one of them. */
typedef enum {
    TM_AREA_NONE = 0,
    TM_AREA_TOKEN = 1u << 0,
    TM_AREA_MX = 1u << 1,
    TM_AREA_SPF = 1u << 2,
    TM_AREA_ALL = (1u << 3) - 1
} tm_area_t;

#define TM_AREA_BITS 3 /* bits of TM_AREA_ALL */

const char *tm_area_name(tm_area_t area); /* "token", "mx", "spf" (one bit) */

/* A mask of statuses: TM_STATUS_BIT(TM_CHECK_FAIL) | ... */
#define TM_STATUS_BIT(status) (1u << (unsigned)(status))

typedef struct {
    const char *id;
    tm_section_t section;
    tm_check_fn run;
    unsigned decisive;  /* the tm_area_t it judges for "ready", or TM_AREA_NONE */
    /* True when the TMEmS console itself checks this (the onboarding guide,
     * Step 2: the domain name, the connection to the receiving servers, the
     * MX record, and the SPF record with outbound protection); false when
     * the finding is tmems-check's own advice (JSON "console"). */
    bool console;
    /* The statuses for which the console puts a red (!) on the section and
     * shows 設定が必要.  May be 0 for a console check whose finding cannot
     * tell what the console sees (inbound.smtp connects from this machine,
     * the console from the data center). */
    unsigned console_flags;
    /* Of console_flags, the statuses whose (!) is expected and needs no fix:
     * before the MX cutover the MX does not name TMEmS yet (Step 2: "それまで
     * MX レコードが確認できなくても問題ありません"). */
    unsigned console_expected;
    /* The tm_area_t that a skip of this check leaves not judged, or
     * TM_AREA_NONE: a check whose skip means "the data to judge it is
     * unknown" and whose judgement could fail the record (spf.lookups
     * offline, with a subtree found neither in the zone files nor among the
     * rules' bundled records: the unknown part may hold any number of
     * lookups), so that such a run is never ready (docs/checks.md "The
     * verdict"). */
    unsigned needed_for;
} tm_check_def_t;

/* ---- the verdict of one domain (docs/checks.md "The verdict") ---------- */

typedef enum {
    TM_VERDICT_READY = 0,      /* 準備完了: the token, MX and SPF were judged and
                                  nothing fails or errs (nor warns with --strict) */
    TM_VERDICT_SELECTED_PASSED, /* nothing selected fails, but --only/--skip left
                                  a decisive check out: not a readiness verdict */
    TM_VERDICT_NOT_READY,      /* a check fails (or warns with --strict) */
    TM_VERDICT_UNKNOWN         /* a check errs (DNS did not answer), or every
                                  decisive check of a record skipped */
} tm_verdict_t;

/* "ready", "selected_passed", "not_ready", "unknown" (JSON "outcome") */
const char *tm_verdict_name(tm_verdict_t verdict);
/* The exit status of the command line for a verdict (tmems-check(1) EXIT
 * STATUS): 0 ready or selected checks passed, 1 not ready, 3 unknown. */
int tm_verdict_exit_status(tm_verdict_t verdict);

/* What the TMEmS console shows for the domain, as far as the checks know. */
typedef enum {
    TM_CONSOLE_COMPLETE = 0,   /* 完了: no section gets a (!) */
    TM_CONSOLE_REQUIRED,       /* 設定が必要: at least one section gets a (!) */
    TM_CONSOLE_UNKNOWN         /* nothing flagged, but the records were not all
                                  judged (the verdict is unknown or partial), or a
                                  console check did not judge */
} tm_console_status_t;

/* "complete", "configuration_required", "unknown" */
const char *tm_console_status_name(tm_console_status_t status);

typedef struct {
    tm_verdict_t verdict;
    tm_check_status_t worst;    /* tm_findings_verdict */
    bool strict;                /* warnings fail the verdict (--strict) */
    unsigned long fails, warns, errors;
    unsigned not_judged;        /* tm_area_t bits: decisive checks ran, all skipped,
                                   or one of them did not judge (unjudged) */
    unsigned not_selected;      /* tm_area_t bits: a decisive check did not run
                                   (--only/--skip) */
    tm_console_status_t console;
    unsigned console_flagged;   /* 1u << tm_section_t: sections with a red (!) */
    unsigned console_expected;  /* of those, sections whose every (!) is expected
                                   before the MX cutover */
    unsigned console_unknown;   /* 1u << tm_section_t: sections whose console check
                                   did not judge (unjudged) or did not run
                                   (--only/--skip): what the console shows
                                   there is unknown */
} tm_assessment_t;

/* The one judgement every format and the exit status render, from the
 * findings of one domain (catalogue order or not; ids not in the catalogue
 * only count by status). */
void tm_findings_assess(const tm_findings_t *f, bool strict, tm_assessment_t *out);
/* True when the console puts a red (!) on the finding's section for it. */
bool tm_finding_console_flag(const tm_finding_t *f);

/* The catalogue in docs/checks.md order. */
const tm_check_def_t *tm_check_catalogue(size_t *count);
/* The definition for an id, or NULL. */
const tm_check_def_t *tm_check_find(const char *id);
/* --only/--skip: true when id is selected.  A list item ending in '.' is a
 * prefix; other items match whole ids. */
bool tm_check_selected(const char *id, const char *only, const char *skip);
/* Validates an --only/--skip list; on failure *bad points into list at the
 * item that names no check. */
bool tm_check_list_valid(const char *list, const char **bad, size_t *badlen);

/* The option without which a check does not run at all (and is absent from
 * the results): its probe talks to servers beyond the resolver. */
typedef enum {
    TM_CHECK_NEEDS_NOTHING = 0,
    TM_CHECK_NEEDS_AUTHORITATIVE, /* dns.consistency */
    TM_CHECK_NEEDS_SMTP           /* inbound.smtp */
} tm_check_needs_t;

tm_check_needs_t tm_check_needs(const char *id);
/* "--authoritative", "--smtp"; NULL for TM_CHECK_NEEDS_NOTHING. */
const char *tm_check_needs_option(tm_check_needs_t needs);
/* What the check is for, in one line, translated (tmems-check checks);
 * NULL for an id not in the catalogue.  Static: never freed. */
const char *tm_check_description(const char *id);

/* Why a selection runs nothing it names: the --only item (not
 * NUL-terminated; NULL when --only and --skip together leave no check at
 * all), a check it selects, and the option that check needs. */
typedef struct {
    const char *item;
    size_t item_len;
    const char *id;
    tm_check_needs_t needs;
} tm_check_selection_gap_t;

/* True when every item of opts->only selects a check that runs with opts
 * (not only checks whose option is missing, as "--only dns.consistency"
 * without --authoritative) and the selection runs at least one check;
 * else false with *gap filled.  The lists must be valid. */
bool tm_check_selection_runs(const tm_check_options_t *opts, tm_check_selection_gap_t *gap);

/* The questions the selected checks still need, given what ctx->rrset holds.
 * An empty list means the judge can run.  Called once per round. */
tm_status_t tm_checks_needs(const tm_check_ctx_t *ctx, tm_questions_t *need);
/* True when a selected check reads the SPF analysis (ctx->spf): the run
 * layer then builds it and adds what it lacks to the questions. */
bool tm_checks_want_spf(const tm_check_options_t *opts);
/* The questions the checks need once the SPF analysis is built (ctx->spf):
 * for a tree over the lookup limit, what its remedy reads (the addresses
 * of the hosts its a and mx terms name, IPv6 included). */
tm_status_t tm_checks_needs_after_spf(const tm_check_ctx_t *ctx, tm_questions_t *need);
/* Runs every selected check in catalogue order. */
tm_status_t tm_checks_run(const tm_check_ctx_t *ctx, tm_findings_t *out);

/* ---- the checks that need a probe ------------------------------------------
 * dns.consistency (with --authoritative) asks each authoritative server
 * itself, and inbound.smtp (with --smtp) greets each receiving server: the
 * catalogue says which option enables them and which servers they need;
 * the run layer probes those once the domain's rounds are complete and
 * hands what the probes saw to the checks (ctx->auth, ctx->smtp). */

/* True when the selected checks include dns.consistency with
 * opts->authoritative on (inbound.smtp with opts->smtp on) and the run is
 * not offline. */
bool tm_checks_want_auth_probe(const tm_check_options_t *opts);
bool tm_checks_want_smtp_probe(const tm_check_options_t *opts);
/* The servers to probe for ctx->domain, from the rrset the rounds filled:
 * *auth for dns.consistency, *smtp for inbound.smtp.  A probe that is not
 * wanted, or that has no server to ask, leaves its list empty (count 0);
 * the check then says why from the rrset.  Allocates nothing. */
void tm_checks_probe_targets(const tm_check_ctx_t *ctx, tm_probe_targets_t *auth,
                             tm_probe_targets_t *smtp);

/* ---- DNS data in findings (src/lib/check/finding.c) ---- */

/* Appends bytes from DNS to buf as a double-quoted string, escaped by the
 * one policy (tm_text_escape_quoted: \" \\ \xNN \uNNNN), so that a summary
 * shows exactly what is published: stray quotes, spaces, control bytes and
 * invisible characters become visible, and so do bytes after a NUL. */
tm_status_t tm_quote_dns(tm_buf_t *buf, const char *data, size_t len);
/* The same into a new string (tm_free), NULL on allocation failure. */
char *tm_quote_dns_dup(const char *data, size_t len);

#endif
