/* mx.c - the MX rows of the 受信サーバ section (the onboarding guide 導入ガイド,
 * Step 4-1: at the cutover the MX with the lowest preference value must be
 * <company>.in.tmems-jp.trendmicro.com; before it, a short TTL lets the
 * switch and a rollback reach every cache quickly).  docs/checks.md "inbound"
 * lists what each row judges. */
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "mx_spf_keep.h"
#include "tmems/tm_i18n.h"

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

/* ---- the lines of a Fix ---------------------------------------------------- */

/* The TTL of an MX line we write: the published one, at most the
 * recommended maximum, so that no Fix makes mx.ttl worse. */
static uint32_t fix_ttl(const tm_check_ctx_t *ctx, const tm_answer_t *mx)
{
    uint32_t max = ctx->rules->mx_ttl_max;
    if (!mx || mx->outcome != TM_DNS_NOERROR || mx->count == 0)
        return max;
    uint32_t ttl = tm_answer_min_ttl(mx);
    return ttl < max ? ttl : max;
}

/* The MX set of TMEmS alone; the hosts it takes away may be senders the
 * SPF record's mx term authorises (mx_spf_keep.h). */
static tm_status_t cutover_fix(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    char host[TM_NAME_MAX + 1];
    uint32_t ttl = fix_ttl(ctx, tm_ctx_mx(ctx));
    if (ctx->company[0] && tm_rules_inbound_host(ctx->rules, ctx->company, host, sizeof(host))) {
        tm_mx_fix_host_t tmems = {10, host};
        return tm_mx_fix_lines(ctx, ttl, &tmems, 1, out);
    }
    return tm_finding_fix(out, "%s. %u IN MX 10 <company-id>.%s.", ctx->owner, ttl,
                          ctx->rules->inbound_suffix);
}

/* One record of an MX set we write, with the host as it was meant. */
typedef struct {
    uint16_t preference;
    const char *host;
} mx_line_t;

static int line_order(const void *a, const void *b)
{
    const mx_line_t *x = a, *y = b;
    if (x->preference != y->preference)
        return x->preference < y->preference ? -1 : 1;
    return strcmp(x->host, y->host);
}

/* This site's TMEmS inbound host, or one that only lacks its trailing dot
 * (it is that host once the dot is added). */
static bool is_own_tmems(const tm_mx_host_t *h)
{
    return h->kind == TM_MX_HOST_TMEMS || h->kind == TM_MX_HOST_TMEMS_ALIAS ||
           (h->kind == TM_MX_HOST_NO_DOT && !h->site);
}

/* The published MX set as zone-file lines: every host as it was meant (a
 * missing trailing dot added), a null MX "." left out (RFC 7505 section 3:
 * it cannot stand beside other records).  When tmems_first, the TMEmS
 * inbound hosts of this site move to the lowest preference value and every
 * other host follows, in its old order and with its old spacing.  The lines
 * are pasteable records (tm_finding_fix_record) only when pasteable: when
 * they alone make the finding pass.  Returns TM_ERANGE (nothing written)
 * when the preferences do not fit in 0..65535. */
static tm_status_t mx_set_lines(const tm_check_ctx_t *ctx, const tm_answer_t *mx,
                                bool tmems_first, bool pasteable, tm_finding_t *out)
{
    mx_line_t *lines = tm_calloc(mx->count ? mx->count : 1, sizeof(*lines));
    tm_mx_host_t *hosts = tm_calloc(mx->count ? mx->count : 1, sizeof(*hosts));
    tm_status_t st = TM_OK;
    if (!lines || !hosts) {
        st = TM_ENOMEM;
        goto done;
    }
    long lowest = -1, tmems_min = -1, tmems_max = -1, other_min = -1;
    for (size_t i = 0; i < mx->count; i++) {
        const tm_rr_t *rr = &mx->rrs[i];
        tm_mx_host_classify(ctx, rr->u.mx.host, &hosts[i]);
        long p = rr->u.mx.preference;
        if (lowest < 0 || p < lowest)
            lowest = p;
        if (hosts[i].kind == TM_MX_HOST_NULL)
            continue;
        if (is_own_tmems(&hosts[i])) {
            if (tmems_min < 0 || p < tmems_min)
                tmems_min = p;
            if (p > tmems_max)
                tmems_max = p;
        } else if (other_min < 0 || p < other_min) {
            other_min = p;
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < mx->count; i++) {
        if (hosts[i].kind == TM_MX_HOST_NULL)
            continue;
        long p = mx->rrs[i].u.mx.preference;
        if (tmems_first && tmems_min >= 0) {
            /* TMEmS keeps its spacing from lowest on; the rest starts 10 above. */
            long tmems_top = lowest + (tmems_max - tmems_min);
            if (is_own_tmems(&hosts[i]))
                p = lowest + (p - tmems_min);
            else if (other_min <= tmems_top)
                p = tmems_top + 10 + (p - other_min);
        }
        if (p > UINT16_MAX) {
            st = TM_ERANGE;
            goto done;
        }
        lines[n].preference = (uint16_t)p;
        lines[n].host = hosts[i].kind == TM_MX_HOST_NO_DOT ||
                                hosts[i].kind == TM_MX_HOST_TMEMS_ALIAS
                            ? hosts[i].intended
                            : mx->rrs[i].u.mx.host;
        n++;
    }
    qsort(lines, n, sizeof(*lines), line_order);
    uint32_t ttl = fix_ttl(ctx, mx);
    /* The lines go into the finding at once: appending them one by one
     * would copy the Fix so far for each (quadratic in a zone file's
     * thousands of MX records). */
    tm_buf_t block;
    tm_buf_init(&block);
    for (size_t i = 0; i < n && st == TM_OK; i++)
        st = tm_buf_printf(&block, "%s%s. %u IN MX %u %s.", i ? "\n" : "", ctx->owner, ttl,
                           lines[i].preference, lines[i].host);
    if (st == TM_OK && n > 0)
        st = pasteable ? tm_finding_fix_record(out, "%s", block.data)
                       : tm_finding_fix(out, "%s", block.data);
    tm_buf_clear(&block);
done:
    tm_free(lines);
    tm_free(hosts);
    return st;
}

static tm_status_t fix_mx_set(const tm_check_ctx_t *ctx, const tm_answer_t *mx, bool tmems_first,
                              tm_finding_t *out)
{
    return mx_set_lines(ctx, mx, tmems_first, true, out);
}

/* ---- mx.present ------------------------------------------------------------ */

static size_t count_null(const tm_answer_t *mx)
{
    size_t n = 0;
    for (size_t i = 0; i < mx->count; i++)
        n += mx->rrs[i].u.mx.host[0] == '\0';
    return n;
}

tm_status_t tm_check_mx_present(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    tm_status_t st;
    if (tm_finding_for_missing(ctx, mx, _("the MX records"), out, &st))
        return st;
    if (tm_mx_is_null(mx)) {
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            _("%s publishes a null MX (RFC 7505): it accepts no mail"),
                            ctx->domain);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("A null MX tells senders that the domain receives no "
                                          "mail at all: they return every message at once and "
                                          "do not try the address record instead (RFC 7505 "
                                          "section 4)."));
        if (st == TM_OK)
            st = tm_finding_fix(out, _("To receive mail through TMEmS, replace the null MX "
                                       "with:"));
        if (st == TM_OK)
            st = cutover_fix(ctx, out);
        return st;
    }
    if (mx->outcome != TM_DNS_NOERROR || mx->count == 0) {
        st = tm_finding_set(out, TM_CHECK_FAIL, _("%s has no MX record"), ctx->domain);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Without an MX record, senders fall back to the "
                                          "domain's A record (RFC 5321 section 5.1), which is "
                                          "rarely a mail server."));
        if (st == TM_OK)
            st = cutover_fix(ctx, out);
        return st;
    }
    size_t nulls = count_null(mx);
    if (nulls > 0) {
        size_t others = mx->count - nulls;
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            dngettext(TM_TEXTDOMAIN,
                                      "A null MX (\".\") is published beside %zu other MX "
                                      "record",
                                      "A null MX (\".\") is published beside %zu other MX "
                                      "records",
                                      others),
                            others);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("RFC 7505 section 3: a domain that publishes a null MX "
                                          "must publish no other MX record.  Senders that see "
                                          "it may take the domain for one that accepts no mail "
                                          "and return the messages."));
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Delete the null MX record; the MX records become:"));
        if (st == TM_OK)
            st = fix_mx_set(ctx, mx, false, out);
        return st;
    }
    return tm_finding_set(out, TM_CHECK_PASS,
                          dngettext(TM_TEXTDOMAIN, "%zu MX record is published",
                                    "%zu MX records are published", mx->count),
                          mx->count);
}

/* ---- mx.tmems -------------------------------------------------------------- */

/* The MX hosts by what they are, each the first at the lowest preference. */
typedef struct {
    uint16_t lowest;
    const tm_rr_t *tmems_lowest; /* this site's host at the lowest value */
    const tm_rr_t *tmems;        /* this site's host at any value */
    const tm_rr_t *other_site;   /* another site's host */
    const tm_rr_t *no_dot;       /* a TMEmS host without its trailing dot */
    const tm_rr_t *first_other;  /* a host that is not TMEmS at the lowest value */
    const tm_rr_t *not_inbound;  /* a TMEmS name that receives no mail: the relay
                                    host, or the inbound suffix alone */
    const tm_rr_t *near_miss;    /* a misspelt TMEmS inbound host */
    const tm_rr_t *alias;        /* an alias (CNAME) of this site's host */
    tm_mx_host_t alias_host;
    tm_mx_host_t other_site_host;
    tm_mx_host_t no_dot_host;
    tm_mx_host_t near_miss_host;
} mx_view_t;

/* True when rr comes before *best: lower preference, then name. */
static bool earlier(const tm_rr_t *rr, const tm_rr_t *best)
{
    return !best || rr->u.mx.preference < best->u.mx.preference ||
           (rr->u.mx.preference == best->u.mx.preference &&
            strcmp(rr->u.mx.host, best->u.mx.host) < 0);
}

static void view_mx(const tm_check_ctx_t *ctx, const tm_answer_t *mx, mx_view_t *v)
{
    memset(v, 0, sizeof(*v));
    v->lowest = tm_mx_lowest_preference(mx);
    for (size_t i = 0; i < mx->count; i++) {
        const tm_rr_t *rr = &mx->rrs[i];
        tm_mx_host_t h;
        tm_mx_host_classify(ctx, rr->u.mx.host, &h);
        switch (h.kind) {
        case TM_MX_HOST_TMEMS:
            if (earlier(rr, v->tmems))
                v->tmems = rr;
            if (rr->u.mx.preference == v->lowest && earlier(rr, v->tmems_lowest))
                v->tmems_lowest = rr;
            break;
        case TM_MX_HOST_OTHER_SITE:
            if (earlier(rr, v->other_site)) {
                v->other_site = rr;
                v->other_site_host = h;
            }
            break;
        case TM_MX_HOST_NO_DOT:
            if (earlier(rr, v->no_dot)) {
                v->no_dot = rr;
                v->no_dot_host = h;
            }
            break;
        case TM_MX_HOST_TMEMS_ALIAS:
            if (earlier(rr, v->alias)) {
                v->alias = rr;
                v->alias_host = h;
            }
            if (rr->u.mx.preference == v->lowest && earlier(rr, v->first_other))
                v->first_other = rr;
            break;
        case TM_MX_HOST_NEAR_MISS:
            if (earlier(rr, v->near_miss)) {
                v->near_miss = rr;
                v->near_miss_host = h;
            }
            if (rr->u.mx.preference == v->lowest && earlier(rr, v->first_other))
                v->first_other = rr;
            break;
        case TM_MX_HOST_NOT_INBOUND:
            if (earlier(rr, v->not_inbound))
                v->not_inbound = rr;
            if (rr->u.mx.preference == v->lowest && earlier(rr, v->first_other))
                v->first_other = rr;
            break;
        case TM_MX_HOST_OTHER:
        case TM_MX_HOST_NULL:
            if (rr->u.mx.preference == v->lowest && earlier(rr, v->first_other))
                v->first_other = rr;
            break;
        }
    }
}

/* The MX names another region's site (docs/checks.md mx.tmems): the account
 * is there, or the wrong host was copied. */
static tm_status_t tmems_other_site(const tm_check_ctx_t *ctx, const mx_view_t *v,
                                    tm_finding_t *out)
{
    const tm_rules_site_t *site = v->other_site_host.site;
    tm_status_t st = tm_finding_set(out, TM_CHECK_FAIL,
                                    _("The MX points at %s, the TMEmS inbound host of the %s "
                                      "site, not of the %s site checked"),
                                    v->other_site->u.mx.host, tm_site_text(site->site),
                                    tm_site_name(ctx->rules));
    if (st == TM_OK)
        st = tm_finding_detail(out, _("Mail goes to the account at that site; an account in "
                                      "the %s site never sees it.  If the domain's account is "
                                      "at the %s site, --region %s checks it against that "
                                      "site."),
                               tm_site_name(ctx->rules), tm_site_text(site->site), site->region);
    if (st == TM_OK)
        st = tm_finding_fix(out, _("If the account is at the %s site, run the check again with "
                                   "--region %s.  If it is in the %s site, replace the MX "
                                   "records with:"),
                            tm_site_text(site->site), site->region, tm_site_name(ctx->rules));
    if (st == TM_OK)
        st = cutover_fix(ctx, out);
    return st;
}

/* The MX names the relay host (outbound only) or the inbound suffix
 * without a company ID. */
static tm_status_t tmems_not_inbound(const tm_check_ctx_t *ctx, const char *host,
                                     tm_finding_t *out)
{
    const tm_rules_t *r = ctx->rules;
    bool relay = r->relay_suffix && tm_name_has_suffix(host, r->relay_suffix);
    bool bare = r->inbound_suffix && tm_name_equal(host, r->inbound_suffix);
    tm_status_t st =
        relay ? tm_finding_set(out, TM_CHECK_FAIL,
                               _("The MX names %s, a TMEmS relay host for the domain's outgoing "
                                 "mail, not the inbound host <company-id>.%s"),
                               host, r->inbound_suffix)
        : bare ? tm_finding_set(out, TM_CHECK_FAIL,
                                _("The MX names %s without a company ID: the inbound host is "
                                  "<company-id>.%s"),
                                host, r->inbound_suffix)
               : tm_finding_set(out, TM_CHECK_FAIL,
                                _("The MX names %s, a TMEmS name that is no inbound host: the "
                                  "inbound host is <company-id>.%s"),
                                host, r->inbound_suffix);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("No TMEmS account receives the domain's mail at that "
                                      "name, so the mail is not delivered."));
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Replace the MX records with:"));
    if (st == TM_OK)
        st = cutover_fix(ctx, out);
    return st;
}

/* The MX names a misspelt TMEmS inbound host: no sender can deliver there,
 * and the name is no TMEmS name, so the mail never reaches TMEmS.  The host
 * meant is a guess (the company ID may be misspelt too), so its line is
 * shown to check, not given as a pasteable record. */
static tm_status_t tmems_near_miss(const tm_check_ctx_t *ctx, const mx_view_t *v,
                                   tm_finding_t *out)
{
    tm_status_t st = tm_finding_set(out, TM_CHECK_FAIL,
                                    _("The MX names %s, which is no TMEmS host: probably %s "
                                      "was meant"),
                                    v->near_miss->u.mx.host, v->near_miss_host.intended);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("The name is a few characters away from the TMEmS "
                                      "inbound host <company-id>.%s, so the mail for the "
                                      "domain does not reach TMEmS."),
                               ctx->rules->inbound_suffix);
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Copy the inbound host from the console (ドメイン > 受信サーバ "
                                   "> 詳細な設定) and replace the MX records with:"));
    if (st == TM_OK && ctx->company[0] && tm_ctx_company_valid(ctx))
        st = cutover_fix(ctx, out);
    else if (st == TM_OK)
        st = tm_finding_fix(out, "%s. %u IN MX 10 %s.", ctx->owner, fix_ttl(ctx, tm_ctx_mx(ctx)),
                            v->near_miss_host.intended);
    return st;
}

/* With --company, the console of that account (受信サーバ) checks the MX
 * against its own inbound host: true when a host at the lowest value is
 * it, or when no company was given. */
static bool account_host_lowest(const tm_check_ctx_t *ctx, const tm_answer_t *mx,
                                uint16_t lowest)
{
    if (ctx->company_source != TM_COMPANY_FROM_OPTION || !ctx->company[0])
        return true;
    for (size_t i = 0; i < mx->count; i++) {
        char company[TM_LABEL_MAX + 1];
        if (mx->rrs[i].u.mx.preference == lowest &&
            tm_rules_company_from_host(ctx->rules, mx->rrs[i].u.mx.host, company,
                                       sizeof company) &&
            tm_ascii_casecmp(company, ctx->company) == 0)
            return true;
    }
    return false;
}

/* The MX names the inbound host of another TMEmS account than --company:
 * mail goes to that account, and this one's console flags 受信サーバ. */
static tm_status_t other_account(const tm_check_ctx_t *ctx, const char *host, tm_finding_t *out)
{
    tm_status_t st = tm_finding_set(out, TM_CHECK_FAIL,
                                    _("The lowest-preference MX is %s, not the inbound host of "
                                      "company %s (--company)"),
                                    host, ctx->company);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("Mail goes to the account of that host; the console of "
                                      "%s shows (!) on 受信サーバ (see company.id)."),
                               ctx->company);
    if (st == TM_OK)
        st = tm_finding_fix(out, _("If --company is right, replace the MX records with:"));
    if (st == TM_OK)
        st = cutover_fix(ctx, out);
    return st;
}

tm_status_t tm_check_mx_tmems(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    bool pre = ctx->phase == TM_PHASE_PRE;
    tm_status_t st;
    const tm_answer_t *mx = usable_mx(ctx, out, pre ? TM_CHECK_INFO : TM_CHECK_FAIL, &st);
    if (mx) {
        mx_view_t v;
        view_mx(ctx, mx, &v);
        /* In either phase: a TMEmS name that takes no inbound mail is a
         * cutover made with the wrong host (the onboarding guide, Steps 4-1
         * and 4-2), never "not switched yet" and never a pass. */
        if (v.not_inbound)
            return tmems_not_inbound(ctx, v.not_inbound->u.mx.host, out);
        if (v.tmems_lowest && !account_host_lowest(ctx, mx, v.lowest))
            return other_account(ctx, v.tmems_lowest->u.mx.host, out);
        if (v.tmems_lowest)
            return tm_finding_set(out, TM_CHECK_PASS,
                                  _("The lowest-preference MX is the TMEmS inbound host %s"),
                                  v.tmems_lowest->u.mx.host);
        /* In either phase: a misspelt TMEmS host is a cutover that was made
         * and does not work, never "not switched yet". */
        if (v.near_miss && !v.tmems)
            return tmems_near_miss(ctx, &v, out);
        if (v.alias && !v.tmems) {
            /* RFC 2181 section 10.3: the MX names the host itself.  The
             * chain's end goes in its place: that set is the Fix. */
            st = tm_finding_set(out, TM_CHECK_FAIL,
                                _("The MX names %s, an alias (CNAME) of the TMEmS inbound host "
                                  "%s, not the host itself"),
                                v.alias->u.mx.host, v.alias_host.intended);
            if (st == TM_OK)
                st = tm_finding_detail(out, _("An MX must name the host itself (RFC 2181 section "
                                              "10.3): some senders refuse or delay mail to an "
                                              "alias, and the console looks for the TMEmS host "
                                              "in the MX record."));
            if (st == TM_OK)
                st = tm_finding_fix(out, _("Name the TMEmS inbound host itself, as the most "
                                           "preferred MX; the MX records become:"));
            if (st == TM_OK) {
                st = mx_set_lines(ctx, mx, true, true, out);
                if (st == TM_ERANGE)
                    st = cutover_fix(ctx, out);
            }
            return st;
        }
        /* In either phase: each of these is a cutover that was made and does
         * not work, never "not switched yet". */
        if (v.no_dot) {
            st = tm_finding_set(out, TM_CHECK_FAIL,
                                _("The MX names %s, not the TMEmS inbound host %s: the trailing "
                                  "dot is missing (see mx.target)"),
                                v.no_dot->u.mx.host, v.no_dot_host.intended);
            /* With the dot, this site's host also goes first (or mx.tmems
             * would fail again); another site's host stays another site's,
             * so those lines are shown but are no Fix of this row. */
            bool own = !v.no_dot_host.site;
            if (st == TM_OK)
                st = tm_finding_fix(out, own ? _("Add the trailing dot, with TMEmS as the most "
                                                 "preferred MX; the MX records become:")
                                             : _("Add the trailing dot; the MX records become:"));
            if (st == TM_OK) {
                st = mx_set_lines(ctx, mx, own, own, out);
                if (st == TM_ERANGE) /* no room above TMEmS: TMEmS alone */
                    st = cutover_fix(ctx, out);
            }
            return st;
        }
        if (v.other_site)
            return tmems_other_site(ctx, &v, out);
        if (v.tmems) {
            /* docs/checks.md mx.tmems: senders use the lowest preference
             * value first, so TMEmS sees the mail only while that host is
             * down.  Not ready, whatever the phase. */
            st = tm_finding_set(out, TM_CHECK_FAIL,
                                _("TMEmS is not the most preferred MX: %s (preference %u) gets "
                                  "the mail first, the TMEmS inbound host %s is at %u"),
                                v.first_other->u.mx.host[0] ? v.first_other->u.mx.host : ".",
                                v.first_other->u.mx.preference, v.tmems->u.mx.host,
                                v.tmems->u.mx.preference);
            if (st == TM_OK)
                st = tm_finding_detail(out, _("Senders deliver to the most preferred host and try "
                                              "TMEmS only when it does not answer, so the mail "
                                              "skips the scan."));
            /* The same replacement as mx.bypass gives for the other hosts
             * (one report, one MX set): TMEmS alone, which queues the mail
             * itself while the customer's server is down. */
            if (st == TM_OK)
                st = tm_finding_fix(out, _("Make the TMEmS inbound host the only MX (TMEmS "
                                           "queues mail itself while your server is down; see "
                                           "mx.bypass); the MX records become:"));
            if (st == TM_OK)
                st = cutover_fix(ctx, out);
            return st;
        }
        st = pre ? tm_finding_set(out, TM_CHECK_INFO,
                                  _("The MX does not point at TMEmS yet: expected until the "
                                    "cutover (Step 4)"))
                 : tm_finding_set(out, TM_CHECK_FAIL,
                                  _("The lowest-preference MX is not the TMEmS inbound host: "
                                    "the console shows MXレコードがTrend Micro Email Security/Cloud "
                                    "Email Gateway Protectionサーバを指すように設定されていません"));
    }
    if (st != TM_OK || out->status == TM_CHECK_PASS || out->status == TM_CHECK_ERROR ||
        out->status == TM_CHECK_SKIP)
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

/* ---- mx.bypass ------------------------------------------------------------- */

/* One account: a company ID at a site (NULL for this one). */
typedef struct {
    const tm_rules_site_t *site;
    char company[TM_LABEL_MAX + 1];
} account_t;

static int account_order(const void *a, const void *b)
{
    const account_t *x = a, *y = b;
    if (x->site != y->site)
        return x->site == NULL ? -1 : y->site == NULL ? 1 : strcmp(x->site->region, y->site->region);
    return strcmp(x->company, y->company);
}

/* TMEmS hosts of more than one account (company ID and site) in the MX:
 * part of the mail goes to an account that is not the domain's.  Lists
 * the hosts into hosts; *accounts gets how many accounts there are.  Sorted,
 * so that a large MX set costs n log n, not n squared. */
static tm_status_t count_accounts(const tm_check_ctx_t *ctx, const tm_answer_t *mx,
                                  tm_buf_t *hosts, size_t *accounts)
{
    *accounts = 0;
    account_t *all = tm_calloc(mx->count ? mx->count : 1, sizeof(*all));
    if (!all)
        return TM_ENOMEM;
    size_t n = 0;
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < mx->count && st == TM_OK; i++) {
        tm_mx_host_t h;
        tm_mx_host_classify(ctx, mx->rrs[i].u.mx.host, &h);
        if (h.kind != TM_MX_HOST_TMEMS && h.kind != TM_MX_HOST_OTHER_SITE)
            continue;
        all[n].site = h.site;
        memcpy(all[n].company, h.company, sizeof(h.company));
        n++;
        st = tm_buf_printf(hosts, "%s%s (%u)", hosts->len ? _(", ") : "", mx->rrs[i].u.mx.host,
                           mx->rrs[i].u.mx.preference);
    }
    qsort(all, n, sizeof(*all), account_order);
    for (size_t i = 0; i < n; i++)
        *accounts += i == 0 || account_order(&all[i - 1], &all[i]) != 0;
    tm_free(all);
    return st;
}

static tm_status_t bypass_accounts(const tm_check_ctx_t *ctx, size_t accounts, const char *hosts,
                                   tm_finding_t *out)
{
    tm_status_t st = tm_finding_set(out, TM_CHECK_FAIL,
                                    dngettext(TM_TEXTDOMAIN,
                                              "The MX names the TMEmS hosts of %zu account: %s",
                                              "The MX names the TMEmS hosts of %zu accounts: %s",
                                              accounts),
                                    accounts, hosts);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("Each company ID is an account of its own.  Senders "
                                      "spread mail over hosts of equal preference (round "
                                      "robin) and use the others when the first does not "
                                      "answer, so part of the mail goes to an account that is "
                                      "not the domain's, which rejects it or applies its own "
                                      "policy."));
    if (st != TM_OK)
        return st;
    /* Which account is the domain's is the customer's to say: with
     * --company the line is exact, without it a placeholder. */
    if (ctx->company_source == TM_COMPANY_FROM_OPTION && tm_ctx_company_valid(ctx)) {
        st = tm_finding_fix(out, _("Keep only the host of your company ID:"));
        if (st == TM_OK)
            st = cutover_fix(ctx, out);
        return st;
    }
    st = tm_finding_fix(out, _("Keep only the host of your own company ID (the console shows "
                               "it under 受信サーバ > 詳細な設定; --company gives the exact "
                               "line):"));
    if (st == TM_OK)
        st = tm_finding_fix(out, "%s. %u IN MX 10 <company-id>.%s.", ctx->owner,
                            fix_ttl(ctx, tm_ctx_mx(ctx)), ctx->rules->inbound_suffix);
    return st;
}

tm_status_t tm_check_mx_bypass(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_answer_t *mx = usable_mx(ctx, out, TM_CHECK_SKIP, &st);
    if (!mx)
        return st;
    tm_buf_t hosts;
    tm_buf_init(&hosts);
    /* Two accounts fail in either phase: the mail is lost to the domain's
     * account from the moment the records exist. */
    size_t accounts = 0;
    st = count_accounts(ctx, mx, &hosts, &accounts);
    if (st == TM_OK && accounts > 1)
        st = bypass_accounts(ctx, accounts, hosts.data, out);
    tm_buf_clear(&hosts);
    if (st != TM_OK || accounts > 1)
        return st;
    long tmems_lowest = -1;
    for (size_t i = 0; i < mx->count; i++) {
        const tm_rr_t *rr = &mx->rrs[i];
        if (tm_ctx_is_tmems_host(ctx, rr->u.mx.host) &&
            (tmems_lowest < 0 || rr->u.mx.preference < tmems_lowest))
            tmems_lowest = rr->u.mx.preference;
    }
    /* --phase pre given while the MX already names TMEmS: the records are
     * half switched whatever the phase is called, and mail that reaches
     * another host at the same or a better preference is not scanned
     * (docs/checks.md: a half-done cutover is never "before"). */
    if (ctx->phase == TM_PHASE_PRE && tmems_lowest < 0)
        return tm_finding_set(out, TM_CHECK_SKIP, _("Applies after the MX cutover"));
    if (tmems_lowest < 0)
        return tm_finding_set(out, TM_CHECK_SKIP, _("No MX names TMEmS (see mx.tmems)"));

    size_t at_or_before = 0, after = 0;
    st = TM_OK;
    for (size_t i = 0; i < mx->count && st == TM_OK; i++) {
        const tm_rr_t *rr = &mx->rrs[i];
        tm_mx_host_t h;
        tm_mx_host_classify(ctx, rr->u.mx.host, &h);
        /* A null MX receives nothing (mx.present reports it).  A garbled
         * TMEmS name beside the real one (no final dot, a misspelling, the
         * host followed by another domain) is some other name, which a
         * wildcard may well give an address: mail sent there skips the
         * scan as surely as at any other host (QA session 5). */
        if (h.kind != TM_MX_HOST_OTHER && h.kind != TM_MX_HOST_NO_DOT &&
            h.kind != TM_MX_HOST_NEAR_MISS)
            continue;
        if (rr->u.mx.preference <= tmems_lowest)
            at_or_before++;
        else
            after++;
        st = tm_buf_printf(&hosts, "%s%s (%u)", hosts.len ? _(", ") : "", rr->u.mx.host,
                           rr->u.mx.preference);
    }
    if (st != TM_OK)
        goto done;
    if (at_or_before == 0 && after == 0) {
        st = tm_finding_set(out, TM_CHECK_PASS, _("Every MX host is a TMEmS inbound host"));
        goto done;
    }
    if (at_or_before) {
        /* The guide, 受信サーバ: equal preferences are used in round robin. */
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

/* ---- mx.ttl ---------------------------------------------------------------- */

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
    /* The guide, DNS settings: caches keep the old MX for its TTL, so a TTL
     * of 86400 means up to 24 hours to switch or to roll back. */
    st = tm_finding_set(out, TM_CHECK_WARN,
                        _("The MX TTL is %u s: the cutover and any rollback can take up to %s "
                          "to reach every cache"),
                        ttl, span.data);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("Lower it to %u s now, at least one old TTL (%s) before "
                                      "the cutover."),
                               max, span.data);
    /* The same set with the short TTL (fix_ttl gives it): hosts as meant. */
    if (st == TM_OK)
        st = fix_mx_set(ctx, mx, false, out);
done:
    tm_buf_clear(&span);
    return st;
}

/* ---- mx.target ------------------------------------------------------------- */

typedef enum { TARGET_USABLE, TARGET_UNUSABLE, TARGET_ERROR, TARGET_UNKNOWN } target_t;

/* One target's problem, appended to detail. */
static target_t judge_target(const tm_check_ctx_t *ctx, const tm_rr_t *rr, tm_finding_t *out,
                             tm_status_t *st)
{
    const char *host = rr->u.mx.host;
    tm_mx_host_t h;
    tm_mx_host_classify(ctx, host, &h);
    /* RFC 7505 section 3: "." (the null MX) is valid only as the single MX
     * record; beside others it names no host, and no address can be asked. */
    if (h.kind == TM_MX_HOST_NULL) {
        *st = tm_finding_detail(out, _("- \".\" (preference %u) is a null MX mixed with other "
                                       "MX records: it names no host (RFC 7505 section 3)"),
                                rr->u.mx.preference);
        return TARGET_UNUSABLE;
    }
    if (h.kind == TM_MX_HOST_NO_DOT) {
        *st = tm_finding_detail(out, _("- %s is %s with the zone's name appended: the trailing "
                                       "dot is missing (RFC 1035 section 5.1)"),
                                host, h.intended);
        return TARGET_UNUSABLE;
    }
    if (tm_host_is_ip_literal(host)) {
        *st = tm_finding_detail(out, _("- %s is an IP address; an MX must name a host (RFC "
                                       "5321 section 5.1)"),
                                host);
        return TARGET_UNUSABLE;
    }
    /* Known to be an alias even where the chain's end is not answered here
     * (offline, or a server that does not follow it). */
    if (h.kind == TM_MX_HOST_TMEMS_ALIAS) {
        *st = tm_finding_detail(out, _("- %s is an alias (CNAME); an MX must name the host "
                                       "itself (RFC 2181 section 10.3)"),
                                host);
        return TARGET_UNUSABLE;
    }
    const tm_answer_t *a = tm_rrset_get(ctx->rrset, host, TM_RR_A);
    const tm_answer_t *aaaa = tm_rrset_get(ctx->rrset, host, TM_RR_AAAA);
    if (!a || !aaaa)
        return TARGET_ERROR;
    if (a->outcome == TM_DNS_UNKNOWN && aaaa->outcome == TM_DNS_UNKNOWN)
        return TARGET_UNKNOWN;
    if ((a->canonical && a->outcome == TM_DNS_NOERROR) ||
        (aaaa->canonical && aaaa->outcome == TM_DNS_NOERROR)) {
        *st = tm_finding_detail(out, _("- %s is an alias (CNAME); an MX must name the host "
                                       "itself (RFC 2181 section 10.3)"),
                                host);
        return TARGET_UNUSABLE;
    }
    if (a->outcome == TM_DNS_NOERROR || aaaa->outcome == TM_DNS_NOERROR)
        return TARGET_USABLE;
    if (tm_dns_outcome_is_failure(a->outcome) || tm_dns_outcome_is_failure(aaaa->outcome)) {
        *st = tm_finding_detail(out, _("- %s: DNS could not answer (%s)"), host,
                                tm_dns_outcome_name(tm_dns_outcome_is_failure(a->outcome)
                                                        ? a->outcome
                                                        : aaaa->outcome));
        return TARGET_ERROR;
    }
    if (a->outcome == TM_DNS_UNKNOWN || aaaa->outcome == TM_DNS_UNKNOWN)
        return TARGET_UNKNOWN;
    *st = h.kind == TM_MX_HOST_NEAR_MISS
              ? tm_finding_detail(out, _("- %s has no address record (%s): probably %s was "
                                         "meant (see mx.tmems)"),
                                  host, tm_dns_outcome_name(a->outcome), h.intended)
              : tm_finding_detail(out, _("- %s has no address record (%s)"), host,
                                  tm_dns_outcome_name(a->outcome));
    return TARGET_UNUSABLE;
}

typedef struct {
    size_t unusable, errored, unknown, no_dot, null_mx;
    size_t lowest_usable, lowest_open; /* at the lowest value: usable; error or unknown */
    size_t usable;
} target_counts_t;

tm_status_t tm_check_mx_target(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    if (tm_mx_is_null(mx)) {
        /* docs/checks.md mx.target: a null MX is a failure for a domain
         * whose mail TMEmS is to receive. */
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            _("%s publishes a null MX (RFC 7505): it accepts no mail"),
                            ctx->domain);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("The only MX target is \".\": senders return every "
                                          "message to the domain at once."));
        if (st == TM_OK)
            st = tm_finding_fix(out, _("To receive mail through TMEmS, replace the null MX "
                                       "with:"));
        if (st == TM_OK)
            st = cutover_fix(ctx, out);
        return st;
    }
    mx = usable_mx(ctx, out, TM_CHECK_SKIP, &st);
    if (!mx)
        return st;
    uint16_t lowest = tm_mx_lowest_preference(mx);
    target_counts_t c = {0};
    for (size_t i = 0; i < mx->count && st == TM_OK; i++) {
        const tm_rr_t *rr = &mx->rrs[i];
        bool at_lowest = rr->u.mx.preference == lowest;
        tm_mx_host_t h;
        tm_mx_host_classify(ctx, rr->u.mx.host, &h);
        c.no_dot += h.kind == TM_MX_HOST_NO_DOT;
        c.null_mx += h.kind == TM_MX_HOST_NULL;
        switch (judge_target(ctx, rr, out, &st)) {
        case TARGET_USABLE:
            c.usable++;
            c.lowest_usable += at_lowest;
            break;
        case TARGET_UNUSABLE: c.unusable++; break;
        case TARGET_ERROR:
            c.errored++;
            c.lowest_open += at_lowest;
            break;
        case TARGET_UNKNOWN:
            c.unknown++;
            c.lowest_open += at_lowest;
            break;
        }
    }
    if (st != TM_OK)
        return st;
    /* The dot can be added and the null MX deleted: when nothing else is
     * wrong, that corrected set is the Fix, ready to paste. */
    bool repairable = c.unusable > 0 && c.unusable == c.no_dot + c.null_mx;
    if (c.no_dot) {
        /* docs/checks.md mx.target: the missing-trailing-dot mistake, with
         * the corrected records. */
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            dngettext(TM_TEXTDOMAIN,
                                      "%zu MX target is a TMEmS host without its trailing dot",
                                      "%zu MX targets are TMEmS hosts without their trailing dot",
                                      c.no_dot),
                            c.no_dot);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("In a zone file a name without the final dot is "
                                          "relative: the zone's own name is appended, and that "
                                          "host does not exist, so the mail does not reach "
                                          "TMEmS."));
    } else if (c.lowest_usable == 0 && c.lowest_open == 0) {
        /* RFC 5321 section 5.1: the most preferred hosts are tried first; when
         * none of them can take mail, the mail is returned or, at best, late. */
        st = c.usable == 0
                 ? tm_finding_set(out, TM_CHECK_FAIL,
                                  _("No MX target can take mail: inbound mail bounces"))
                 : tm_finding_set(out, TM_CHECK_FAIL,
                                  _("No MX target at the lowest preference (%u) can take mail"),
                                  lowest);
        if (st == TM_OK && c.usable > 0)
            st = tm_finding_detail(out, _("Senders try the most preferred hosts first; many "
                                          "return the mail when those cannot be reached, the "
                                          "rest deliver it late through the next preference."));
    } else if (c.unusable) {
        st = tm_finding_set(out, TM_CHECK_WARN,
                            dngettext(TM_TEXTDOMAIN,
                                      "%zu of %zu MX target is not a usable host name",
                                      "%zu of %zu MX targets are not usable host names",
                                      mx->count),
                            c.unusable, mx->count);
    }
    if (c.unusable) {
        if (st == TM_OK && !repairable)
            st = tm_finding_fix(out, _("Point each MX at a host name with its own A or AAAA "
                                       "record."));
        if (st == TM_OK && (c.no_dot || c.null_mx))
            st = tm_finding_fix(out, c.no_dot && c.null_mx
                                         ? _("Add the trailing dot and delete the null MX "
                                             "record; the MX records become:")
                                     : c.no_dot
                                         ? _("Add the trailing dot; the MX records become:")
                                         : _("Delete the null MX record; the MX records "
                                             "become:"));
        if (st == TM_OK && (c.no_dot || c.null_mx))
            st = mx_set_lines(ctx, mx, false, repairable, out);
        return st;
    }
    if (c.errored)
        return tm_finding_set(out, TM_CHECK_ERROR,
                              dngettext(TM_TEXTDOMAIN, "%zu MX target could not be resolved",
                                        "%zu MX targets could not be resolved", c.errored),
                              c.errored);
    /* docs/checks.md "Offline": a target outside the zone files cannot be
     * judged, so the check cannot pass; it fails only on what it knows. */
    if (c.unknown)
        return tm_finding_set(out, TM_CHECK_SKIP,
                              dngettext(TM_TEXTDOMAIN,
                                        "Offline: %zu of %zu MX target is in no zone file",
                                        "Offline: %zu of %zu MX targets are in no zone file",
                                        mx->count),
                              c.unknown, mx->count);
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
            if (!host[0] || tm_host_is_ip_literal(host))
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
