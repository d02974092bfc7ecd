/* inbound.c - the informational rows of 受信サーバ: what to enter in the
 * console (the guide, Step 1-3), cloud services in front (Steps 1-3 and
 * 4-1), and the ranges the receiving servers must accept (the 2024
 * data-center change notice). */
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "tmems/tm_i18n.h"

/* Preference order, then name, so the table reads like the console's. */
static int by_preference(const void *a, const void *b)
{
    const tm_rr_t *x = *(const tm_rr_t *const *)a, *y = *(const tm_rr_t *const *)b;
    if (x->u.mx.preference != y->u.mx.preference)
        return x->u.mx.preference < y->u.mx.preference ? -1 : 1;
    return strcmp(x->u.mx.host, y->u.mx.host);
}

static tm_status_t no_servers(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st = tm_finding_set(out, TM_CHECK_INFO,
                                    _("No MX to copy: enter your mail server as the receiving "
                                      "server"));
    if (st == TM_OK)
        st = tm_finding_fix(out, _("受信サーバ: *@%s | <your mail server> | 25 | 10"),
                            ctx->domain);
    return st;
}

tm_status_t tm_check_inbound_servers(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    if (ctx->phase == TM_PHASE_POST)
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("After the cutover the MX names TMEmS; the receiving servers "
                                "are set in the console"));
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    tm_status_t st;
    if (tm_finding_for_missing(ctx, mx, _("the MX records"), out, &st))
        return st;
    if (mx->outcome != TM_DNS_NOERROR || mx->count == 0 || tm_mx_is_null(mx))
        return no_servers(ctx, out);
    /* The guide, 受信サーバ: normally the hosts of the current MX, port 25
     * (never 587, 110 or 143), with their preference values.  Only the
     * customer's own servers are rows: not a TMEmS host of any site, not a
     * TMEmS host that lost its trailing dot, not the "." of a null MX. */
    const tm_rr_t **sorted = tm_malloc(mx->count * sizeof(*sorted));
    if (!sorted)
        return TM_ENOMEM;
    size_t rows = 0;
    for (size_t i = 0; i < mx->count; i++) {
        tm_mx_host_t h;
        tm_mx_host_classify(ctx, mx->rrs[i].u.mx.host, &h);
        if (h.kind == TM_MX_HOST_OTHER)
            sorted[rows++] = &mx->rrs[i];
    }
    if (rows == 0) {
        tm_free(sorted);
        return no_servers(ctx, out);
    }
    qsort(sorted, rows, sizeof(*sorted), by_preference);
    st = tm_finding_set(out, TM_CHECK_INFO,
                        _("Enter the current MX hosts as 受信サーバ (receiving servers) in "
                          "the console"));
    if (st == TM_OK)
        st = tm_finding_fix(out, _("受信者 | IPアドレスまたはFQDN | ポート | プリファレンス値"));
    /* The rows go into one buffer and into the Fix at once: appending them
     * one by one would copy the Fix again for each of a large MX set. */
    tm_buf_t table;
    tm_buf_init(&table);
    for (size_t i = 0; i < rows && st == TM_OK; i++)
        st = tm_buf_printf(&table, "%s*@%s | %s | %u | %u", table.len ? "\n" : "", ctx->domain,
                           sorted[i]->u.mx.host, ctx->rules->smtp_port,
                           sorted[i]->u.mx.preference);
    if (st == TM_OK)
        st = tm_finding_fix(out, "%s", table.data);
    tm_buf_clear(&table);
    tm_free(sorted);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("Use port %u only: never the submission port 587 or "
                                      "POP3/IMAP ports 110/143."),
                               ctx->rules->smtp_port);
    return st;
}

tm_status_t tm_check_inbound_cloud(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    tm_status_t st;
    if (tm_finding_for_missing(ctx, mx, _("the MX records"), out, &st))
        return st;
    if (mx->outcome != TM_DNS_NOERROR || mx->count == 0 || tm_mx_is_null(mx))
        return tm_finding_set(out, TM_CHECK_SKIP, _("No MX record to look at"));
    const tm_rules_cloud_t *cloud = NULL;
    size_t own = 0;
    for (size_t i = 0; i < mx->count; i++) {
        const char *host = mx->rrs[i].u.mx.host;
        tm_mx_host_t h;
        tm_mx_host_classify(ctx, host, &h);
        if (h.kind != TM_MX_HOST_OTHER)
            continue;
        own++;
        if (!cloud)
            cloud = tm_rules_cloud_for(ctx->rules, host);
    }
    if (own == 0)
        return tm_finding_set(out, TM_CHECK_SKIP, _("The MX names only TMEmS"));
    if (!cloud)
        return tm_finding_set(out, TM_CHECK_PASS,
                              _("The current MX is not a known cloud mail service"));
    st = tm_finding_set(out, TM_CHECK_INFO, _("The current MX is %s"), cloud->name);
    if (st != TM_OK)
        return st;
    if (strcmp(cloud->id, "microsoft365") == 0) {
        /* The 2024 data-center change notice, required action 1, and the
         * onboarding guide, Step 4-1: without the inbound connector,
         * Microsoft 365 greylists TMEmS and delays mail. */
        st = tm_finding_detail(out, _("Without an inbound connector for the TMEmS addresses, "
                                      "Microsoft 365 may greylist and delay the mail TMEmS "
                                      "delivers."));
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Add the inbound connector in Microsoft 365 with the "
                                       "data-center ranges (see inbound.firewall)."));
    } else {
        st = tm_finding_fix(out, _("Configure %s to accept mail from the data-center ranges "
                                   "(see inbound.firewall)."),
                            cloud->name);
    }
    if (st == TM_OK)
        st = tm_finding_detail(out, _("If the domain moves away from %s, enter your real mail "
                                      "server as 受信サーバ instead."),
                               cloud->name);
    return st;
}

tm_status_t tm_check_inbound_firewall(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const tm_rules_t *rules = ctx->rules;
    tm_status_t st = tm_finding_set(out, TM_CHECK_INFO,
                                    dngettext(TM_TEXTDOMAIN,
                                              "Allow SMTP (TCP %u) from the %zu %s data-center "
                                              "range on the receiving servers",
                                              "Allow SMTP (TCP %u) from the %zu %s data-center "
                                              "ranges on the receiving servers",
                                              rules->nranges),
                                    rules->smtp_port, rules->nranges, tm_site_name(rules));
    for (size_t i = 0; i < rules->nranges && st == TM_OK; i++) {
        const tm_rules_range_t *r = &rules->ranges[i];
        st = r->since ? tm_finding_fix(out, _("%-18s (added %s)"), r->cidr, r->since)
                      : tm_finding_fix(out, "%s", r->cidr);
    }
    if (st == TM_OK)
        st = tm_finding_detail(out, _("A server that refuses these addresses makes the console "
                                      "show 受信サーバに接続できません (cannot connect to the "
                                      "receiving server)."));
    return st;
}
