/* mx.c - the MX rows of the 受信サーバ section (seed 000, Step 4-1: at the
 * cutover the MX with the lowest preference value must be
 * <company>.in.tmems-jp.trendmicro.com; before it, a short TTL lets the
 * switch and a rollback reach every cache quickly). */
#include <string.h>

#include "check/checks.h"
#include "util/tm_i18n.h"

/* The MX answer when it holds records; otherwise fills *out (error, skip, or
 * the given status for "no MX") and returns NULL. */
static const tm_answer_t *usable_mx(const tm_check_ctx_t *ctx, tm_finding_t *out,
                                    tm_check_status_t when_absent, tm_status_t *st)
{
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    *st = TM_OK;
    if (tm_finding_for_missing(ctx, mx, _("the MX records"), out, st))
        return NULL;
    if (mx->outcome != TM_DNS_NOERROR || mx->count == 0) {
        *st = tm_finding_set(out, when_absent, _("%s has no MX record"), ctx->domain);
        return NULL;
    }
    if (tm_mx_is_null(mx)) {
        *st = tm_finding_set(out, when_absent,
                             _("%s publishes a null MX (RFC 7505): it accepts no mail"),
                             ctx->domain);
        return NULL;
    }
    return mx;
}

static tm_status_t cutover_fix(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    char host[TM_NAME_MAX + 1];
    if (ctx->company[0] && tm_rules_inbound_host(ctx->rules, ctx->company, host, sizeof(host)))
        return tm_finding_fix_record(out, "%s. 300 IN MX 10 %s.", ctx->domain, host);
    return tm_finding_fix(out, "%s. 300 IN MX 10 <company-id>.%s.", ctx->domain,
                          ctx->rules->inbound_suffix);
}

tm_status_t tm_check_mx_present(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_answer_t *mx = usable_mx(ctx, out, TM_CHECK_FAIL, &st);
    if (!mx) {
        if (st == TM_OK && out->status == TM_CHECK_FAIL)
            st = tm_finding_detail(out, _("Without an MX record, senders fall back to the "
                                          "domain's A record (RFC 5321 section 5.1), which is "
                                          "rarely a mail server."));
        if (st == TM_OK && out->status == TM_CHECK_FAIL)
            st = cutover_fix(ctx, out);
        return st;
    }
    return tm_finding_set(out, TM_CHECK_PASS, _("%zu MX records are published"), mx->count);
}

tm_status_t tm_check_mx_tmems(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    bool pre = ctx->phase == TM_PHASE_PRE;
    tm_status_t st;
    const tm_answer_t *mx = usable_mx(ctx, out, pre ? TM_CHECK_INFO : TM_CHECK_FAIL, &st);
    if (mx) {
        uint16_t lowest = tm_mx_lowest_preference(mx);
        for (size_t i = 0; i < mx->count; i++) {
            const tm_rr_t *rr = &mx->rrs[i];
            if (rr->u.mx.preference == lowest && tm_ctx_is_tmems_host(ctx, rr->u.mx.host))
                return tm_finding_set(out, TM_CHECK_PASS,
                                      _("The lowest-preference MX is the TMEmS inbound host %s"),
                                      rr->u.mx.host);
        }
        st = pre ? tm_finding_set(out, TM_CHECK_INFO,
                                  _("The MX does not point at TMEmS yet: expected until the "
                                    "cutover (Step 4)"))
                 : tm_finding_set(out, TM_CHECK_FAIL,
                                  _("The lowest-preference MX is not the TMEmS inbound host: "
                                    "the console shows MXレコードがTrend Micro Email Security/Cloud "
                                    "Email Gateway Protectionサーバを指すように設定されていません"));
    }
    if (st != TM_OK || out->status == TM_CHECK_PASS)
        return st;
    if (!pre)
        st = tm_finding_detail(out, _("Mail from the internet reaches your servers without "
                                      "being scanned."));
    if (st == TM_OK)
        st = tm_finding_fix(out, pre ? _("At the cutover, replace the MX records with:")
                                     : _("Replace the MX records with:"));
    if (st == TM_OK)
        st = cutover_fix(ctx, out);
    return st;
}

tm_status_t tm_check_mx_bypass(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_answer_t *mx = usable_mx(ctx, out, TM_CHECK_SKIP, &st);
    if (!mx)
        return st;
    if (ctx->phase == TM_PHASE_PRE)
        return tm_finding_set(out, TM_CHECK_SKIP, _("Applies after the MX cutover"));
    long tmems_lowest = -1;
    for (size_t i = 0; i < mx->count; i++) {
        const tm_rr_t *rr = &mx->rrs[i];
        if (tm_ctx_is_tmems_host(ctx, rr->u.mx.host) &&
            (tmems_lowest < 0 || rr->u.mx.preference < tmems_lowest))
            tmems_lowest = rr->u.mx.preference;
    }
    if (tmems_lowest < 0)
        return tm_finding_set(out, TM_CHECK_SKIP, _("No MX names TMEmS (see mx.tmems)"));

    size_t at_or_before = 0, after = 0;
    tm_buf_t hosts;
    tm_buf_init(&hosts);
    st = TM_OK;
    for (size_t i = 0; i < mx->count && st == TM_OK; i++) {
        const tm_rr_t *rr = &mx->rrs[i];
        if (tm_ctx_is_tmems_host(ctx, rr->u.mx.host))
            continue;
        if (rr->u.mx.preference <= tmems_lowest)
            at_or_before++;
        else
            after++;
        st = tm_buf_printf(&hosts, "%s%s (%u)", hosts.len ? ", " : "", rr->u.mx.host,
                           rr->u.mx.preference);
    }
    if (st != TM_OK)
        goto done;
    if (at_or_before == 0 && after == 0) {
        st = tm_finding_set(out, TM_CHECK_PASS, _("Every MX host is a TMEmS inbound host"));
        goto done;
    }
    if (at_or_before) {
        /* Seed 000, 受信サーバ: equal preferences are used in round robin. */
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            _("An MX host that is not TMEmS has the same or a better "
                              "preference: %s"),
                            hosts.data);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Senders spread mail over hosts of equal preference "
                                          "(round robin), so part of the mail arrives "
                                          "unscanned."));
    } else {
        st = tm_finding_set(out, TM_CHECK_WARN,
                            _("A backup MX bypasses TMEmS: %s"), hosts.data);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Senders, spammers especially, can deliver to the "
                                          "backup host directly and skip the scan."));
    }
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Remove the other MX records; TMEmS queues mail itself "
                                   "when your server is down. Keep only:"));
    if (st == TM_OK)
        st = cutover_fix(ctx, out);
done:
    tm_buf_clear(&hosts);
    return st;
}

static tm_status_t say_duration(tm_buf_t *buf, uint32_t seconds)
{
    if (seconds >= 3600 && seconds % 3600 == 0)
        return tm_buf_printf(buf, _("%u h"), seconds / 3600);
    if (seconds >= 60 && seconds % 60 == 0)
        return tm_buf_printf(buf, _("%u min"), seconds / 60);
    return tm_buf_printf(buf, _("%u s"), seconds);
}

tm_status_t tm_check_mx_ttl(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_answer_t *mx = usable_mx(ctx, out, TM_CHECK_SKIP, &st);
    if (!mx)
        return st;
    uint32_t ttl = tm_answer_min_ttl(mx);
    uint32_t max = ctx->rules->mx_ttl_max;
    if (ttl <= max)
        return tm_finding_set(out, TM_CHECK_PASS, _("The MX TTL is %u s (at most %u s)"), ttl,
                              max);
    tm_buf_t span;
    tm_buf_init(&span);
    st = say_duration(&span, ttl);
    if (st != TM_OK)
        goto done;
    if (ctx->phase == TM_PHASE_POST) {
        st = tm_finding_set(out, TM_CHECK_INFO,
                            _("The MX TTL is %u s: a rollback would take up to %s to reach "
                              "every cache"),
                            ttl, span.data);
        goto done;
    }
    /* Seed 000, DNS settings: caches keep the old MX for its TTL, so a TTL
     * of 86400 means up to 24 hours to switch or to roll back. */
    st = tm_finding_set(out, TM_CHECK_WARN,
                        _("The MX TTL is %u s: the cutover and any rollback can take up to %s "
                          "to reach every cache"),
                        ttl, span.data);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("Lower it to %u s now, at least one old TTL (%s) before "
                                      "the cutover."),
                               max, span.data);
    for (size_t i = 0; i < mx->count && st == TM_OK; i++)
        st = tm_finding_fix_record(out, "%s. %u IN MX %u %s.", ctx->domain, max,
                            mx->rrs[i].u.mx.preference, mx->rrs[i].u.mx.host);
done:
    tm_buf_clear(&span);
    return st;
}

/* One target's problem, appended to detail; returns the worst status seen. */
static tm_check_status_t judge_target(const tm_check_ctx_t *ctx, const char *host,
                                      tm_finding_t *out, tm_status_t *st)
{
    /* RFC 7505 section 3: "." (the null MX) is valid only as the single MX
     * record; beside others it names no host, and no address can be asked. */
    if (!host[0]) {
        *st = tm_finding_detail(out, _("- \".\" is a null MX (RFC 7505) mixed with other MX "
                                       "records: it names no host"));
        return TM_CHECK_WARN;
    }
    if (tm_host_is_ip_literal(host)) {
        *st = tm_finding_detail(out, _("- %s is an IP address; an MX must name a host (RFC "
                                       "5321 section 5.1)"),
                                host);
        return TM_CHECK_WARN;
    }
    const tm_answer_t *a = tm_rrset_get(ctx->rrset, host, TM_RR_A);
    const tm_answer_t *aaaa = tm_rrset_get(ctx->rrset, host, TM_RR_AAAA);
    if (!a || !aaaa)
        return TM_CHECK_ERROR;
    if (a->outcome == TM_DNS_UNKNOWN && aaaa->outcome == TM_DNS_UNKNOWN)
        return TM_CHECK_SKIP;
    if ((a->canonical && a->outcome == TM_DNS_NOERROR) ||
        (aaaa->canonical && aaaa->outcome == TM_DNS_NOERROR)) {
        *st = tm_finding_detail(out, _("- %s is an alias (CNAME); an MX must name the host "
                                       "itself (RFC 2181 section 10.3)"),
                                host);
        return TM_CHECK_WARN;
    }
    if (a->outcome == TM_DNS_NOERROR || aaaa->outcome == TM_DNS_NOERROR)
        return TM_CHECK_PASS;
    if (tm_dns_outcome_is_failure(a->outcome) || tm_dns_outcome_is_failure(aaaa->outcome)) {
        *st = tm_finding_detail(out, _("- %s: DNS could not answer (%s)"), host,
                                tm_dns_outcome_name(tm_dns_outcome_is_failure(a->outcome)
                                                        ? a->outcome
                                                        : aaaa->outcome));
        return TM_CHECK_ERROR;
    }
    *st = tm_finding_detail(out, _("- %s has no address record (%s)"), host,
                            tm_dns_outcome_name(a->outcome));
    return TM_CHECK_WARN;
}

tm_status_t tm_check_mx_target(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_answer_t *mx = usable_mx(ctx, out, TM_CHECK_SKIP, &st);
    if (!mx)
        return st;
    size_t warned = 0, errored = 0, skipped = 0;
    for (size_t i = 0; i < mx->count && st == TM_OK; i++) {
        switch (judge_target(ctx, mx->rrs[i].u.mx.host, out, &st)) {
        case TM_CHECK_WARN: warned++; break;
        case TM_CHECK_ERROR: errored++; break;
        case TM_CHECK_SKIP: skipped++; break;
        default: break;
        }
    }
    if (st != TM_OK)
        return st;
    if (warned) {
        st = tm_finding_set(out, TM_CHECK_WARN, _("%zu of %zu MX targets are not usable host "
                                                  "names"),
                            warned, mx->count);
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Point each MX at a host name with its own A or AAAA "
                                       "record."));
        return st;
    }
    if (errored)
        return tm_finding_set(out, TM_CHECK_ERROR,
                              _("%zu MX targets could not be resolved"), errored);
    /* CHECKS.md "Offline": a target outside the zone files cannot be judged,
     * so the check cannot pass; it fails only on what it knows. */
    if (skipped)
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("Offline: %zu of %zu MX targets are in no zone file"), skipped,
                              mx->count);
    return tm_finding_set(out, TM_CHECK_PASS,
                          _("Every MX target is a host name with an address record"));
}

tm_status_t tm_inbound_needs(const tm_check_ctx_t *ctx, tm_questions_t *need)
{
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    tm_status_t st = TM_OK;
    if (mx && mx->outcome == TM_DNS_NOERROR && !tm_mx_is_null(mx)) {
        for (size_t i = 0; i < mx->count && st == TM_OK; i++) {
            const char *host = mx->rrs[i].u.mx.host;
            if (tm_host_is_ip_literal(host))
                continue;
            st = tm_questions_add(need, ctx->rrset, host, TM_RR_A);
            if (st == TM_OK)
                st = tm_questions_add(need, ctx->rrset, host, TM_RR_AAAA);
        }
    }
    char host[TM_NAME_MAX + 1];
    if (st == TM_OK && tm_ctx_company_valid(ctx) &&
        tm_rules_inbound_host(ctx->rules, ctx->company, host, sizeof(host)))
        st = tm_questions_add(need, ctx->rrset, host, TM_RR_A);
    return st;
}
