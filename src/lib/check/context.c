/* context.c - what every check reads: the apex answers, the phase and the
 * company ID, derived once per round from the rrset (CHECKS.md "Vocabulary"). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check/checks.h"
#include "util/tm_i18n.h"

const tm_answer_t *tm_ctx_txt(const tm_check_ctx_t *ctx)
{
    return tm_rrset_get(ctx->rrset, ctx->domain, TM_RR_TXT);
}

const tm_answer_t *tm_ctx_mx(const tm_check_ctx_t *ctx)
{
    return tm_rrset_get(ctx->rrset, ctx->domain, TM_RR_MX);
}

bool tm_mx_is_null(const tm_answer_t *mx)
{
    return mx && mx->outcome == TM_DNS_NOERROR && mx->count == 1 &&
           mx->rrs[0].u.mx.host[0] == '\0';
}

bool tm_ctx_is_tmems_host(const tm_check_ctx_t *ctx, const char *host)
{
    char company[TM_LABEL_MAX + 1];
    return tm_rules_company_from_host(ctx->rules, host, company, sizeof(company));
}

const char *tm_ctx_company_text(const tm_check_ctx_t *ctx)
{
    return ctx->company_source == TM_COMPANY_FROM_OPTION ? ctx->opts->company : ctx->company;
}

bool tm_ctx_company_valid(const tm_check_ctx_t *ctx)
{
    return ctx->company[0] && tm_label_valid(tm_ctx_company_text(ctx), ctx->rules->company_min,
                                             ctx->rules->company_max);
}

uint16_t tm_mx_lowest_preference(const tm_answer_t *mx)
{
    uint16_t lowest = UINT16_MAX;
    for (size_t i = 0; i < mx->count; i++) {
        if (mx->rrs[i].u.mx.preference < lowest)
            lowest = mx->rrs[i].u.mx.preference;
    }
    return lowest;
}

bool tm_host_is_ip_literal(const char *host)
{
    tm_ip_t ip;
    char bare[TM_NAME_MAX + 1];
    size_t len = strlen(host);
    /* "[192.0.2.1]" and "[IPv6:2001:db8::1]" are SMTP address literals
     * (RFC 5321 section 4.1.3), not host names. */
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        const char *inner = host + 1;
        size_t inner_len = len - 2;
        if (inner_len >= 5 && strncasecmp(inner, "IPv6:", 5) == 0) {
            inner += 5;
            inner_len -= 5;
        }
        if (inner_len > TM_NAME_MAX)
            return false;
        memcpy(bare, inner, inner_len);
        bare[inner_len] = '\0';
        return tm_ip_parse(bare, &ip);
    }
    return tm_ip_parse(host, &ip);
}

void tm_check_ctx_init(tm_check_ctx_t *ctx, const char *domain, const char *display,
                       const tm_rrset_t *rrset, const tm_rules_t *rules,
                       const tm_check_options_t *opts)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->domain = domain;
    ctx->display = display ? display : domain;
    ctx->rrset = rrset;
    ctx->rules = rules;
    ctx->opts = opts;

    /* The company the MX points at: the TMEmS host with the lowest preference. */
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    bool tmems_among_lowest = false;
    if (mx && mx->outcome == TM_DNS_NOERROR && !tm_mx_is_null(mx)) {
        uint16_t lowest = tm_mx_lowest_preference(mx);
        long best = -1;
        for (size_t i = 0; i < mx->count; i++) {
            char company[TM_LABEL_MAX + 1];
            const tm_rr_t *rr = &mx->rrs[i];
            if (!tm_rules_company_from_host(rules, rr->u.mx.host, company, sizeof(company)))
                continue;
            if (rr->u.mx.preference == lowest)
                tmems_among_lowest = true;
            if (best < 0 || rr->u.mx.preference < best) {
                best = rr->u.mx.preference;
                memcpy(ctx->mx_company, company, sizeof(company));
            }
        }
    }

    if (opts->company && opts->company[0]) {
        snprintf(ctx->company, sizeof(ctx->company), "%s", opts->company);
        ctx->company_source = TM_COMPANY_FROM_OPTION;
    } else if (ctx->mx_company[0]) {
        memcpy(ctx->company, ctx->mx_company, sizeof(ctx->company));
        ctx->company_source = TM_COMPANY_FROM_MX;
    }

    /* CHECKS.md: auto is post when a TMEmS inbound host is among the MX hosts
     * with the lowest preference value, else pre. */
    if (opts->phase == TM_PHASE_AUTO) {
        ctx->phase = tmems_among_lowest ? TM_PHASE_POST : TM_PHASE_PRE;
        ctx->phase_derived = true;
    } else {
        ctx->phase = opts->phase;
    }
}

bool tm_finding_for_missing(const tm_check_ctx_t *ctx, const tm_answer_t *ans, const char *what,
                            tm_finding_t *out, tm_status_t *st)
{
    (void)ctx;
    if (!ans) {
        *st = tm_finding_set(out, TM_CHECK_ERROR, _("No answer was fetched for %s"), what);
        return true;
    }
    if (ans->outcome == TM_DNS_UNKNOWN) {
        *st = tm_finding_set(out, TM_CHECK_SKIP,
                             _("Offline: %s is in no zone file and not in the bundled rules"),
                             what);
        return true;
    }
    if (tm_dns_outcome_is_failure(ans->outcome)) {
        *st = tm_finding_set(out, TM_CHECK_ERROR, _("DNS could not answer for %s: %s"), what,
                             tm_dns_outcome_name(ans->outcome));
        if (*st == TM_OK && ans->error)
            *st = tm_finding_detail(out, "%s", ans->error);
        if (*st == TM_OK)
            *st = tm_finding_fix(out, _("Check that the domain's name servers answer, then run "
                                        "the check again; a verdict needs an answer."));
        return true;
    }
    return false;
}

/* The bundled site names, listed so that xgettext extracts them. */
static const char *const bundled_sites[] = {
    N_("Japan"),
    N_("North America, Latin America and Asia Pacific"),
    N_("Europe and Africa"),
    N_("Australia and New Zealand"),
    N_("Singapore"),
    N_("India"),
    N_("United Arab Emirates"),
};

const char *tm_site_name(const tm_rules_t *rules)
{
    for (size_t i = 0; i < sizeof(bundled_sites) / sizeof(bundled_sites[0]); i++) {
        if (strcmp(rules->site, bundled_sites[i]) == 0)
            return _(bundled_sites[i]);
    }
    return rules->site;
}
