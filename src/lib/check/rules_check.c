/* rules_check.c - rules.current: are the bundled ranges still what the live
 * site SPF record authorises?  The ranges change (the 2024 data-center change
 * notice: three added on
 * 2024-08-21), and a stale bundle would judge every domain against the past. */
#include <string.h>

#include "checks.h"
#include "tmems/tm_spf.h"
#include "tmems/tm_i18n.h"

static bool bundled_has(const tm_rules_t *rules, const tm_cidr_t *net)
{
    for (size_t i = 0; i < rules->nranges; i++) {
        const tm_cidr_t *r = &rules->ranges[i].net;
        if (r->prefix == net->prefix && tm_ip_prefix_match(&r->addr, &net->addr, r->prefix))
            return true;
    }
    return false;
}

static bool live_has(const tm_spf_record_t *rec, const tm_cidr_t *net)
{
    for (size_t i = 0; i < rec->nterms; i++) {
        const tm_spf_term_t *t = &rec->terms[i];
        if ((t->kind == TM_SPF_IP4 || t->kind == TM_SPF_IP6) && t->net.prefix == net->prefix &&
            tm_ip_prefix_match(&t->net.addr, &net->addr, net->prefix))
            return true;
    }
    return false;
}

/* Lists what only one side has; *differences counts the lines. */
static tm_status_t list_differences(const tm_rules_t *rules, const tm_spf_record_t *rec,
                                    tm_finding_t *out, size_t *differences)
{
    tm_status_t st = TM_OK;
    char cidr[64];
    *differences = 0;
    for (size_t i = 0; i < rec->nterms && st == TM_OK; i++) {
        const tm_spf_term_t *t = &rec->terms[i];
        if (t->kind == TM_SPF_INCLUDE || t->kind == TM_SPF_REDIRECT) {
            (*differences)++;
            st = tm_finding_detail(out, _("  live record now delegates: %s"), t->text);
        } else if ((t->kind == TM_SPF_IP4 || t->kind == TM_SPF_IP6) &&
                   !bundled_has(rules, &t->net)) {
            (*differences)++;
            tm_cidr_format(&t->net, cidr, sizeof(cidr));
            st = tm_finding_detail(out, _("  + %s (live only)"), cidr);
        }
    }
    for (size_t i = 0; i < rules->nranges && st == TM_OK; i++) {
        if (live_has(rec, &rules->ranges[i].net))
            continue;
        (*differences)++;
        st = tm_finding_detail(out, _("  - %s (bundled only)"), rules->ranges[i].cidr);
    }
    return st;
}

tm_status_t tm_check_rules_current(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const tm_rules_t *rules = ctx->rules;
    const tm_answer_t *txt = tm_rrset_get(ctx->rrset, rules->spf_include, TM_RR_TXT);
    tm_status_t st;
    if (txt && (txt->source == TM_SRC_RULES || txt->source == TM_SRC_NONE))
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("Offline: the live %s cannot be compared"), rules->spf_include);
    /* A copy in a zone file says nothing of what the vendor publishes now. */
    if (txt && txt->source == TM_SRC_ZONE)
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("%s comes from a zone file, not from DNS: the live record "
                                "cannot be compared"),
                              rules->spf_include);
    if (tm_finding_for_missing(ctx, txt, rules->spf_include, out, &st))
        return st;
    const tm_rr_t *record = NULL;
    if (tm_spf_select(txt, &record, NULL) != TM_SPF_SEL_ONE) {
        st = tm_finding_set(out, TM_CHECK_WARN,
                            _("%s does not publish exactly one SPF record"),
                            rules->spf_include);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("The bundled ranges cannot be confirmed; check the "
                                          "vendor's notices."));
        return st;
    }
    tm_spf_record_t *rec = NULL;
    tm_spf_parse_error_t perr;
    tm_status_t pst = tm_spf_parse(record->u.txt.data, record->u.txt.len, &rec, &perr);
    if (pst == TM_ENOMEM)
        return TM_ENOMEM;
    if (pst != TM_OK)
        return tm_finding_set(out, TM_CHECK_WARN, _("%s does not parse: %s"),
                              rules->spf_include, perr.reason);
    size_t differences = 0;
    st = list_differences(rules, rec, out, &differences);
    if (st == TM_OK && differences == 0)
        st = tm_finding_set(out, TM_CHECK_PASS,
                            dngettext(TM_TEXTDOMAIN,
                                      "The live %s authorises exactly the %zu bundled range",
                                      "The live %s authorises exactly the %zu bundled ranges",
                                      rules->nranges),
                            rules->spf_include, rules->nranges);
    else if (st == TM_OK)
        st = tm_finding_set(out, TM_CHECK_WARN,
                            _("The bundled rules are out of date: the live %s differs"),
                            rules->spf_include);
    if (st == TM_OK && differences)
        st = tm_finding_fix(out, _("Update tmems-check, or pass --rules FILE with the current "
                                   "ranges (docs/rules.md); tell your firewall team too."));
    tm_spf_record_destroy(rec);
    return st;
}

tm_status_t tm_rules_current_needs(const tm_check_ctx_t *ctx, tm_questions_t *need)
{
    return tm_questions_add(need, ctx->rrset, ctx->rules->spf_include, TM_RR_TXT);
}
