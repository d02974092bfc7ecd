/* checks.h - the check functions of each console section and the helpers they
 * share (internal to the check layer; the catalogue is in registry.c). */
#ifndef TMEMS_CHECK_CHECKS_H
#define TMEMS_CHECK_CHECKS_H

#include "finding.h"
#include "tmems/tm_check.h"

/* ---- apex facts shared by several checks (context.c) --------------------- */

const tm_answer_t *tm_ctx_txt(const tm_check_ctx_t *ctx);
const tm_answer_t *tm_ctx_mx(const tm_check_ctx_t *ctx);
/* RFC 7505: an MX with an empty exchange (".") means "no mail"; also when
 * "." was published more than once, as long as no record names a host. */
bool tm_mx_is_null(const tm_answer_t *mx);
/* True when host is "<label>.<inbound_suffix>" of the rules. */
bool tm_ctx_is_tmems_host(const tm_check_ctx_t *ctx, const char *host);

/* What an MX host is to TMEmS. */
typedef enum {
    TM_MX_HOST_OTHER = 0,  /* the customer's own server, a cloud service, ... */
    TM_MX_HOST_NULL,       /* "." of a null MX (RFC 7505) */
    TM_MX_HOST_TMEMS,      /* this site's inbound host <company>.<inbound_suffix> */
    TM_MX_HOST_OTHER_SITE, /* the inbound host of another bundled site */
    TM_MX_HOST_NO_DOT,     /* a TMEmS inbound host (of any site) written without its
                              trailing dot, so the zone's origin was appended */
    TM_MX_HOST_NOT_INBOUND /* a TMEmS name that is no inbound host: the relay host
                              <company>.<relay_suffix> (outbound only), or the
                              inbound suffix without a company ID */
} tm_mx_host_kind_t;

typedef struct {
    tm_mx_host_kind_t kind;
    char company[TM_LABEL_MAX + 1]; /* TMEMS, OTHER_SITE, NO_DOT: the host's label */
    char intended[TM_NAME_MAX + 1]; /* NO_DOT: the host as meant; else the host */
    const tm_rules_site_t *site;    /* OTHER_SITE, or NO_DOT of another site; else NULL */
} tm_mx_host_t;

void tm_mx_host_classify(const tm_check_ctx_t *ctx, const char *host, tm_mx_host_t *out);
/* True when an MX record of the answer (NOERROR) has a host of that kind. */
bool tm_mx_has_kind(const tm_check_ctx_t *ctx, const tm_answer_t *mx, tm_mx_host_kind_t kind);
/* True when the apex answered NXDOMAIN and no answer says it exists. */
bool tm_ctx_domain_missing(const tm_check_ctx_t *ctx);
/* True when the company ID is a host label of the rules' length (docs/checks.md:
 * 3 to 63 characters).  A --company is judged as given: ctx->company holds
 * at most TM_LABEL_MAX bytes, so a longer one would be cut to a valid ID. */
bool tm_ctx_company_valid(const tm_check_ctx_t *ctx);
/* The company ID as given (--company) or derived (MX), for messages. */
const char *tm_ctx_company_text(const tm_check_ctx_t *ctx);
/* The lowest preference value among the MX records (the answer must have one). */
uint16_t tm_mx_lowest_preference(const tm_answer_t *mx);
/* True when the MX target looks like an address literal rather than a host
 * name (RFC 5321 section 5.1 needs a name). */
bool tm_host_is_ip_literal(const char *host);

/* ---- what to fetch ------------------------------------------------------- */

tm_status_t tm_domain_needs(const tm_check_ctx_t *ctx, tm_questions_t *need);
tm_status_t tm_inbound_needs(const tm_check_ctx_t *ctx, tm_questions_t *need);
tm_status_t tm_relay_needs(const tm_check_ctx_t *ctx, tm_questions_t *need);

/* ---- domain (domain.c) --------------------------------------------------- */

tm_status_t tm_check_domain_name(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_domain_exists(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_token_present(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_token_format(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_token_match(const tm_check_ctx_t *ctx, tm_finding_t *out);

/* ---- inbound (mx.c, company.c, inbound.c) --------------------------------- */

tm_status_t tm_check_mx_present(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_mx_tmems(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_mx_bypass(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_mx_ttl(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_mx_target(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_company_id(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_company_inbound_host(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_company_relay_host(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_inbound_servers(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_inbound_cloud(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_inbound_firewall(const tm_check_ctx_t *ctx, tm_finding_t *out);

/* ---- outbound (outbound.c) ------------------------------------------------ */

tm_status_t tm_check_spf_present(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_single(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_syntax(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_include(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_lookups(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_void_lookups(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_mx_names(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_ptr(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_loop(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_include_target(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_all(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_tmems_ranges(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_hardcoded(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_check_spf_size(const tm_check_ctx_t *ctx, tm_finding_t *out);

/* ---- rules (rules_check.c) ------------------------------------------------ */

tm_status_t tm_check_rules_current(const tm_check_ctx_t *ctx, tm_finding_t *out);
tm_status_t tm_rules_current_needs(const tm_check_ctx_t *ctx, tm_questions_t *need);

/* ---- probed checks (consistency.c, smtp_check.c; views in tm_probe_view.h) */

tm_status_t tm_check_dns_consistency(const tm_check_ctx_t *ctx, tm_finding_t *out);
/* The apex NS and SOA, and the addresses of the NS hosts. */
tm_status_t tm_consistency_needs(const tm_check_ctx_t *ctx, tm_questions_t *need);
/* The authoritative servers of ctx->domain: every address of every host of
 * the apex NS answer in ctx->rrset (its IPv4 addresses; the IPv6 ones only
 * for a host without IPv4, so a machine without IPv6 does not report a
 * working server as silent), in NS order.  A host without an address is
 * listed with has_addr false.  Empty when the NS answer is missing or has
 * no records.  Fills *out; allocates nothing. */
void tm_auth_targets(const tm_check_ctx_t *ctx, tm_probe_targets_t *out);

tm_status_t tm_check_inbound_smtp(const tm_check_ctx_t *ctx, tm_finding_t *out);
/* The addresses of the MX hosts to greet. */
tm_status_t tm_smtp_needs(const tm_check_ctx_t *ctx, tm_questions_t *need);
/* The receiving servers of ctx->domain to greet on port 25: the MX hosts
 * that are not TMEmS inbound hosts, by preference (before and after the
 * cutover alike: after it they are the servers that bypass TMEmS, and the
 * real receiving servers are only in the console), each with its first
 * IPv4 address, else its first IPv6 one.  Address-literal MX targets are
 * left out (mx.target reports them).  Fills *out; allocates nothing. */
void tm_smtp_targets(const tm_check_ctx_t *ctx, tm_probe_targets_t *out);

/* The rules' site name in the reader's language (the bundled names are in
 * the catalogue; a --rules file's own name is shown as written). */
const char *tm_site_name(const tm_rules_t *rules);
/* The same for a site name as the rules write it. */
const char *tm_site_text(const char *site);

/* NXDOMAIN for the apex (docs/checks.md domain.exists): every check but
 * domain.name and domain.exists is skip with that reason.  Returns true when
 * it filled *out (the caller then does not run the check). */
bool tm_check_skip_missing_domain(const tm_check_ctx_t *ctx, tm_finding_t *out, tm_status_t *st);

/* A finding for an answer that did not come: error for a DNS failure, skip
 * offline.  Returns true when it filled *out (the caller then returns). */
bool tm_finding_for_missing(const tm_check_ctx_t *ctx, const tm_answer_t *ans, const char *what,
                            tm_finding_t *out, tm_status_t *st);

#endif
