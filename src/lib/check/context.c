/* context.c - what every check reads: the apex answers, the phase and the
 * company ID, derived once per round from the rrset (docs/checks.md "Phase"),
 * and what each MX host is to TMEmS. */
#include <stdio.h>
#include <string.h>

#include "checks.h"
#include "tmems/tm_rdata.h"
#include "tmems/tm_i18n.h"

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
    if (!mx || mx->outcome != TM_DNS_NOERROR || mx->count == 0)
        return false;
    for (size_t i = 0; i < mx->count; i++) {
        if (mx->rrs[i].u.mx.host[0])
            return false;
    }
    return true;
}

bool tm_ctx_is_tmems_host(const tm_check_ctx_t *ctx, const char *host)
{
    char company[TM_LABEL_MAX + 1];
    return tm_rules_company_from_host(ctx->rules, host, company, sizeof(company));
}

/* A TMEmS inbound host of this site or of another bundled one. */
static tm_mx_host_kind_t tmems_kind(const tm_check_ctx_t *ctx, const char *host,
                                    tm_mx_host_t *out)
{
    if (tm_rules_company_from_host(ctx->rules, host, out->company, sizeof(out->company)))
        return TM_MX_HOST_TMEMS;
    out->site = tm_rules_other_site_of_host(ctx->rules, host, out->company,
                                            sizeof(out->company));
    if (out->site)
        return TM_MX_HOST_OTHER_SITE;
    /* The onboarding guide, Steps 4-1 and 4-2: the MX is <company>.<inbound
     * suffix>; the relay host only takes the domain's outgoing mail, and
     * the suffix alone is no company's host. */
    const tm_rules_t *r = ctx->rules;
    if (r && ((r->relay_suffix && (tm_name_equal(host, r->relay_suffix) ||
                                   tm_name_has_suffix(host, r->relay_suffix))) ||
              (r->inbound_suffix && tm_name_equal(host, r->inbound_suffix))))
        return TM_MX_HOST_NOT_INBOUND;
    return TM_MX_HOST_OTHER;
}

/* How many typing mistakes still make a name a near miss of the inbound
 * suffix (26 characters for Japan): a real host of another organisation is
 * much further away. */
#define NEAR_MISS_EDITS 3

/* host's presentation text (RFC 1035 section 5.1) with its escapes
 * undone, labels joined by dots: "trendmicro\\046com", one label holding a
 * dot, reads as the "trendmicro.com" it was meant to be.  False when it has
 * no escape, or is no name. */
static bool unescaped(const char *host, char out[TM_NAME_MAX + 1])
{
    uint8_t wire[TM_DNS_WIRE_NAME_MAX];
    size_t len, o = 0;
    if (!strchr(host, '\\') || !tm_dns_name_wire(host, wire, &len))
        return false;
    for (size_t i = 0; wire[i] && o < TM_NAME_MAX; i += wire[i] + 1) {
        if (o)
            out[o++] = '.';
        for (size_t k = 1; k <= wire[i] && o < TM_NAME_MAX; k++)
            out[o++] = (char)wire[i + k];
    }
    out[o] = '\0';
    return true;
}

/* A host a few edits away from <label>.<inbound suffix>, or from the suffix
 * itself: a typo of the TMEmS inbound host (in.tmem-jp..., ...trendmicro.co),
 * which no sender can deliver to.  intended gets the host probably meant. */
static bool near_miss(const tm_check_ctx_t *ctx, const char *host, tm_mx_host_t *out)
{
    const char *suffix = ctx->rules ? ctx->rules->inbound_suffix : NULL;
    if (!suffix || !suffix[0])
        return false;
    /* A name that only an escape keeps from being the TMEmS host (a label
     * "trendmicro.com" holding a dot) is the host meant. */
    char plain[TM_NAME_MAX + 1];
    tm_mx_host_t inner;
    memset(&inner, 0, sizeof(inner));
    if (unescaped(host, plain) && tmems_kind(ctx, plain, &inner) != TM_MX_HOST_OTHER) {
        memcpy(out->company, inner.company, sizeof(out->company));
        snprintf(out->intended, sizeof(out->intended), "%s", plain);
        return true;
    }
    /* A deeper name under the suffix itself is no misspelling. */
    if (tm_name_has_suffix(host, suffix))
        return false;
    const char *dot = strchr(host, '.');
    size_t d = dot ? tm_name_distance(dot + 1, suffix, NEAR_MISS_EDITS) : NEAR_MISS_EDITS + 1;
    if (d >= 1 && d <= NEAR_MISS_EDITS && (size_t)(dot - host) <= TM_LABEL_MAX) {
        snprintf(out->company, sizeof(out->company), "%.*s", (int)(dot - host), host);
        snprintf(out->intended, sizeof(out->intended), "%s.%s", out->company, suffix);
        return true;
    }
    d = tm_name_distance(host, suffix, NEAR_MISS_EDITS);
    if (d >= 1 && d <= NEAR_MISS_EDITS) {
        snprintf(out->intended, sizeof(out->intended), "<company-id>.%s", suffix);
        return true;
    }
    return false;
}

/* Whether a zone file holding domain could have name as its origin (the
 * apex, the domain or a parent of it, or a $ORIGIN set below the domain). */
static bool could_be_origin(const char *domain, const char *name)
{
    if (!domain || !domain[0])
        return false;
    if (tm_name_has_suffix(name, domain))
        return true;
    for (const char *o = domain;; o++) {
        if (tm_name_equal(name, o))
            return true;
        if (!(o = strchr(o, '.')))
            return false;
    }
}

void tm_mx_host_classify(const tm_check_ctx_t *ctx, const char *host, tm_mx_host_t *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->intended, sizeof(out->intended), "%s", host);
    if (!host[0]) {
        out->kind = TM_MX_HOST_NULL;
        return;
    }
    out->kind = tmems_kind(ctx, host, out);
    if (out->kind != TM_MX_HOST_OTHER)
        return;
    /* RFC 1035 section 5.1: a name without its final dot is relative, so a
     * zone file turns "acme.in.tmems-jp.trendmicro.com" into that name
     * followed by the origin in force there: the domain, one of its
     * parents (a subdomain may live in its parent's zone file) or a $ORIGIN
     * below the domain.  So a host that starts with a TMEmS host, or with a
     * near miss of one, followed by such an origin is the cutover made
     * wrong (a wildcard in the zone may even give it an address), not "no
     * TMEmS yet".  Followed by anything else ("...trendmicro.com.
     * trendmicro.com", a suffix pasted twice) it is no host at all, and
     * still the TMEmS host meant: no organisation's own mail host starts
     * with it. */
    for (const char *dot = strchr(host, '.'); dot; dot = strchr(dot + 1, '.')) {
        size_t mlen = (size_t)(dot - host);
        if (mlen > TM_NAME_MAX)
            break;
        char meant[TM_NAME_MAX + 1];
        tm_mx_host_t inner;
        memset(&inner, 0, sizeof(inner));
        snprintf(meant, sizeof(meant), "%.*s", (int)mlen, host);
        if (!could_be_origin(ctx->domain, dot + 1)) {
            if (tmems_kind(ctx, meant, &inner) == TM_MX_HOST_TMEMS) {
                out->kind = TM_MX_HOST_NEAR_MISS;
                memcpy(out->company, inner.company, sizeof(out->company));
                memcpy(out->intended, meant, sizeof(out->intended));
                return;
            }
            continue;
        }
        if (tmems_kind(ctx, meant, &inner) != TM_MX_HOST_OTHER) {
            out->kind = TM_MX_HOST_NO_DOT;
            memcpy(out->company, inner.company, sizeof(out->company));
            out->site = inner.site;
            memcpy(out->intended, meant, sizeof(out->intended));
            return;
        }
        if (near_miss(ctx, meant, &inner)) {
            out->kind = TM_MX_HOST_NEAR_MISS;
            memcpy(out->company, inner.company, sizeof(out->company));
            memcpy(out->intended, inner.intended, sizeof(out->intended));
            return;
        }
    }
    if (near_miss(ctx, host, out)) {
        out->kind = TM_MX_HOST_NEAR_MISS;
        return;
    }
    /* Any other name in the site's own domain (the inbound suffix less its
     * first label: tmems-jp.trendmicro.com), such as a deeper name under
     * the suffix or "<id>.inbound.", is no inbound host either: the
     * cutover was made, with a host that takes no mail for the domain. */
    const char *site = ctx->rules && ctx->rules->inbound_suffix
                           ? strchr(ctx->rules->inbound_suffix, '.')
                           : NULL;
    if (site && site[1] && tm_name_has_suffix(host, site + 1)) {
        out->kind = TM_MX_HOST_NOT_INBOUND;
        return;
    }
    /* RFC 2181 section 10.3: an MX names the host itself, never an alias.
     * An alias of the TMEmS inbound host is a cutover made through a CNAME
     * (mx.tmems and mx.target say so), not "no TMEmS yet". */
    const uint16_t types[2] = {TM_RR_A, TM_RR_AAAA};
    for (size_t i = 0; ctx->rrset && i < 2; i++) {
        const tm_answer_t *ans = tm_rrset_get(ctx->rrset, host, types[i]);
        if (!ans || !ans->canonical || tm_dns_outcome_is_failure(ans->outcome) ||
            !tm_rules_company_from_host(ctx->rules, ans->canonical, out->company,
                                        sizeof(out->company)))
            continue;
        out->kind = TM_MX_HOST_TMEMS_ALIAS;
        snprintf(out->intended, sizeof(out->intended), "%s", ans->canonical);
        return;
    }
}

bool tm_mx_has_kind(const tm_check_ctx_t *ctx, const tm_answer_t *mx, tm_mx_host_kind_t kind)
{
    if (!mx || mx->outcome != TM_DNS_NOERROR)
        return false;
    for (size_t i = 0; i < mx->count; i++) {
        tm_mx_host_t h;
        tm_mx_host_classify(ctx, mx->rrs[i].u.mx.host, &h);
        if (h.kind == kind)
            return true;
    }
    return false;
}

bool tm_ctx_domain_missing(const tm_check_ctx_t *ctx)
{
    const tm_answer_t *answers[2] = {tm_ctx_txt(ctx), tm_ctx_mx(ctx)};
    bool nxdomain = false;
    for (size_t i = 0; i < 2; i++) {
        const tm_answer_t *ans = answers[i];
        if (!ans)
            continue;
        if (ans->outcome == TM_DNS_NOERROR || ans->outcome == TM_DNS_NODATA)
            return false;
        nxdomain = nxdomain || ans->outcome == TM_DNS_NXDOMAIN;
    }
    return nxdomain;
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
        if (inner_len >= 5 && tm_ascii_ncasecmp(inner, "IPv6:", 5) == 0) {
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

    /* RFC 1034 section 3.6.2: an alias holds no records of its own; its MX
     * and TXT answers are those of the chain's end, and a record written at
     * the alias makes the zone unloadable.  The apex answers name that end. */
    ctx->owner = domain;
    const tm_answer_t *apex[2] = {tm_ctx_mx(ctx), tm_ctx_txt(ctx)};
    for (size_t i = 0; i < 2; i++) {
        if (apex[i] && apex[i]->canonical && apex[i]->canonical[0] &&
            !tm_name_equal(apex[i]->canonical, domain)) {
            ctx->owner = apex[i]->canonical;
            break;
        }
    }

    /* The company the MX points at: the TMEmS host with the lowest
     * preference; of two at one value the first by host name (as mx.tmems
     * names it), so that the answer order, which servers rotate, never
     * changes it. */
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    bool names_tmems = false;
    if (mx && mx->outcome == TM_DNS_NOERROR) {
        long best = -1;
        const char *best_host = "";
        for (size_t i = 0; i < mx->count; i++) {
            const tm_rr_t *rr = &mx->rrs[i];
            tm_mx_host_t h;
            tm_mx_host_classify(ctx, rr->u.mx.host, &h);
            if (h.kind == TM_MX_HOST_TMEMS || h.kind == TM_MX_HOST_OTHER_SITE ||
                h.kind == TM_MX_HOST_NO_DOT || h.kind == TM_MX_HOST_NOT_INBOUND ||
                h.kind == TM_MX_HOST_NEAR_MISS || h.kind == TM_MX_HOST_TMEMS_ALIAS)
                names_tmems = true;
            if (h.kind != TM_MX_HOST_TMEMS && h.kind != TM_MX_HOST_TMEMS_ALIAS)
                continue;
            if (best < 0 || rr->u.mx.preference < best ||
                (rr->u.mx.preference == best && strcmp(rr->u.mx.host, best_host) < 0)) {
                best = rr->u.mx.preference;
                best_host = rr->u.mx.host;
                memcpy(ctx->mx_company, h.company, sizeof(h.company));
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

    /* docs/checks.md "Phase": auto is post once the MX names a TMEmS inbound
     * host at all -- at any preference, of another site, without its
     * trailing dot, or misspelt: the cutover was made, and the MX checks say what is
     * wrong with it.  A half-done cutover is never called "before".  With
     * no MX answer to judge (not fetched yet, a DNS error, offline unknown,
     * a domain that does not exist) the phase stays undecided rather than
     * claim to come from the MX records. */
    if (opts->phase != TM_PHASE_AUTO) {
        ctx->phase = opts->phase;
    } else if (mx && (mx->outcome == TM_DNS_NOERROR || mx->outcome == TM_DNS_NODATA)) {
        ctx->phase = names_tmems ? TM_PHASE_POST : TM_PHASE_PRE;
        ctx->phase_derived = true;
    } else {
        ctx->phase = TM_PHASE_AUTO;
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
        /* An error on an unknown answer is a zone file's reason for not
         * deciding it (a DNS-as-code file leaving the RRset to the
         * provider, tmems/tm_resolve.h tm_zone_live); else the name is
         * simply outside every zone file, offline. */
        if (ans->error) {
            *st = tm_finding_set(out, TM_CHECK_SKIP, _("Unknown: the zone file does not decide %s"),
                                 what);
            if (*st == TM_OK)
                *st = tm_finding_detail(out, "%s", ans->error);
            if (*st == TM_OK)
                *st = tm_finding_fix(out, _("Let the file manage these records, or check "
                                            "what the DNS provider serves once the change is "
                                            "deployed (tmems-check without --zone)."));
        } else {
            *st = tm_finding_set(out, TM_CHECK_SKIP,
                                 _("Offline: no zone file and no bundled rule holds %s"), what);
        }
        out->unjudged = true;
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

const char *tm_site_text(const char *site)
{
    for (size_t i = 0; i < sizeof(bundled_sites) / sizeof(bundled_sites[0]); i++) {
        if (strcmp(site, bundled_sites[i]) == 0)
            return _(bundled_sites[i]);
    }
    return site;
}

const char *tm_site_name(const tm_rules_t *rules) { return tm_site_text(rules->site); }
