/* company.c - the company ID (会社 ID, the guide's Step 1-2): a host label of 3
 * to 63 letters, digits and '-' that names both TMEmS hosts of the customer,
 * <id>.in.<site> for the MX and <id>.relay.<site> for outbound relay. */
#include <string.h>

#include "checks.h"
#include "tmems/tm_i18n.h"

static bool company_valid(const tm_check_ctx_t *ctx) { return tm_ctx_company_valid(ctx); }

tm_status_t tm_check_company_id(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    if (!ctx->company[0]) {
        /* The ID comes only from this site's inbound host: a host that lost
         * its trailing dot, or another site's, names no account here. */
        const tm_answer_t *mx = tm_ctx_mx(ctx);
        if (tm_mx_has_kind(ctx, mx, TM_MX_HOST_NO_DOT))
            return tm_finding_set(out, TM_CHECK_SKIP,
                                  _("The company ID is unknown: the MX target lacks its "
                                    "trailing dot (see mx.target); give it with --company"));
        if (tm_mx_has_kind(ctx, mx, TM_MX_HOST_OTHER_SITE))
            return tm_finding_set(out, TM_CHECK_SKIP,
                                  _("The company ID is unknown: the MX names another site's "
                                    "host (see mx.tmems); give it with --company"));
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("The company ID is unknown: no MX names TMEmS yet; give it "
                                "with --company"));
    }
    if (!company_valid(ctx)) {
        st = tm_finding_set(out, TM_CHECK_FAIL, _("\"%s\" is not a valid company ID"),
                            tm_ctx_company_text(ctx));
        if (st == TM_OK)
            st = tm_finding_detail(out,
                                   dngettext(TM_TEXTDOMAIN,
                                             "A company ID is a host label: %u to %u letter, "
                                             "digit or '-', not starting or ending with '-' "
                                             "(onboarding guide, Step 1-2).",
                                             "A company ID is a host label: %u to %u letters, "
                                             "digits and '-', not starting or ending with '-' "
                                             "(onboarding guide, Step 1-2).",
                                             ctx->rules->company_max),
                                   ctx->rules->company_min, ctx->rules->company_max);
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Copy the ID from the console: ドメイン > 受信サーバ > "
                                       "詳細な設定 shows <id>.%s."),
                                ctx->rules->inbound_suffix);
        return st;
    }
    if (ctx->company_source == TM_COMPANY_FROM_OPTION && ctx->mx_company[0] &&
        tm_ascii_casecmp(ctx->company, ctx->mx_company) != 0) {
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            _("The MX points at company \"%s\", but --company is \"%s\""),
                            ctx->mx_company, ctx->company);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Mail for this domain would be delivered to another "
                                          "customer's TMEmS account, which rejects it."));
        if (st == TM_OK)
            st = tm_finding_fix_record(out, "%s. %u IN MX 10 %s.%s.", ctx->domain,
                                       ctx->rules->mx_ttl_max, ctx->company,
                                       ctx->rules->inbound_suffix);
        return st;
    }
    return tm_finding_set(out, TM_CHECK_PASS,
                          ctx->company_source == TM_COMPANY_FROM_OPTION
                              ? _("The company ID \"%s\" (from --company) is valid")
                              : _("The company ID \"%s\" (from the MX host) is valid"),
                          ctx->company);
}

/* Shared by the inbound and relay hosts: both exist exactly when the company
 * ID is registered in this data center. */
static tm_status_t check_company_host(const tm_check_ctx_t *ctx, const char *host,
                                      const char *role, tm_finding_t *out)
{
    const tm_answer_t *a = tm_rrset_get(ctx->rrset, host, TM_RR_A);
    tm_status_t st;
    if (tm_finding_for_missing(ctx, a, host, out, &st))
        return st;
    if (a->outcome == TM_DNS_NOERROR)
        return tm_finding_set(out, TM_CHECK_PASS, _("The %s %s exists"), role, host);
    st = tm_finding_set(out, TM_CHECK_FAIL, _("The %s %s does not exist (%s)"), role, host,
                        tm_dns_outcome_name(a->outcome));
    if (st == TM_OK)
        st = tm_finding_detail(out, _("The company ID \"%s\" is not registered in the %s data "
                                      "center: a typo, or an account in another region."),
                               ctx->company, tm_site_name(ctx->rules));
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Use the host the console shows under 詳細な設定, or check "
                                   "--region."));
    return st;
}

tm_status_t tm_check_company_inbound_host(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    char host[TM_NAME_MAX + 1];
    if (!ctx->company[0])
        return tm_finding_set(out, TM_CHECK_SKIP, _("The company ID is unknown"));
    if (!company_valid(ctx) ||
        !tm_rules_inbound_host(ctx->rules, ctx->company, host, sizeof(host)))
        return tm_finding_set(out, TM_CHECK_SKIP, _("The company ID is not valid"));
    return check_company_host(ctx, host, _("inbound host"), out);
}

tm_status_t tm_check_company_relay_host(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    char host[TM_NAME_MAX + 1];
    if (!ctx->company[0])
        return tm_finding_set(out, TM_CHECK_SKIP, _("The company ID is unknown"));
    if (!company_valid(ctx) ||
        !tm_rules_relay_host(ctx->rules, ctx->company, host, sizeof(host)))
        return tm_finding_set(out, TM_CHECK_SKIP, _("The company ID is not valid"));
    return check_company_host(ctx, host, _("relay host"), out);
}

tm_status_t tm_relay_needs(const tm_check_ctx_t *ctx, tm_questions_t *need)
{
    char host[TM_NAME_MAX + 1];
    if (ctx->company[0] && company_valid(ctx) &&
        tm_rules_relay_host(ctx->rules, ctx->company, host, sizeof(host)))
        return tm_questions_add(need, ctx->rrset, host, TM_RR_A);
    return TM_OK;
}
