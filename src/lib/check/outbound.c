/* outbound.c - the 送信サーバ section: the SPF record (the onboarding
 * guide, Step 2-3; the 2024 data-center change notice) judged per RFC 7208
 * and docs/checks.md "Sending servers".  Every check reads the analysis the
 * run layer built (ctx->spf).
 *
 * A record that does not parse is permerror for every receiver (RFC 7208
 * section 4.6); spf.syntax reports it, once, with each bad term.  The other
 * checks judge the terms that parse (the analysis expands them), or skip
 * with that reason where the bad term could change their verdict, so that
 * none contradicts the record. */
#include <stdio.h>
#include <string.h>

#include "checks.h"
#include "spf_fix.h"
#include "spf_remedy.h"
#include "spf_zone.h"
#include "tmems/tm_spf.h"
#include "tmems/tm_i18n.h"

/* The apex record is refused as a whole (longer than RFC 7208 allows here,
 * too many terms): no term of it can be judged. */
static bool apex_refused(const tm_spf_analysis_t *a)
{
    return a->tree && a->tree->root->status == TM_SPF_NODE_SYNTAX && !a->tree->root->record;
}

/* The analysis when the apex record can be judged; otherwise fills *out. */
static const tm_spf_analysis_t *usable(const tm_check_ctx_t *ctx, tm_finding_t *out,
                                       bool need_one_record, tm_status_t *st)
{
    const tm_spf_analysis_t *a = ctx->spf;
    *st = TM_OK;
    if (!a || !a->fetched) {
        *st = tm_finding_set(out, TM_CHECK_ERROR, _("The SPF record was not fetched"));
        return NULL;
    }
    if (tm_finding_for_missing(ctx, tm_ctx_txt(ctx), _("the TXT records"), out, st))
        return NULL;
    if (need_one_record && a->nrecords != 1) {
        *st = tm_finding_set(out, TM_CHECK_SKIP,
                             a->nrecords ? _("Needs exactly one SPF record (see spf.single)")
                                         : _("No SPF record (see spf.present)"));
        return NULL;
    }
    /* spf.syntax reports a record refused as a whole, once; spf.size
     * judges the TXT answer, whatever the record says. */
    if (need_one_record && apex_refused(a) && out->id && strcmp(out->id, "spf.syntax") != 0 &&
        strcmp(out->id, "spf.size") != 0) {
        *st = tm_finding_set(out, TM_CHECK_SKIP, _("The record as a whole does not parse (see "
                                                   "spf.syntax): %s"),
                             a->error.reason ? a->error.reason : "");
        out->unjudged = true;
        return NULL;
    }
    return a;
}

/* The names of the SPF tree that no zone file holds (offline): include and
 * redirect targets, the names of a, mx and exists terms, and the hosts of
 * an mx term; at most five, then how many more.  Into buf, "" when none. */
static tm_status_t unknown_names(const tm_check_ctx_t *ctx, const tm_spf_analysis_t *a,
                                 tm_buf_t *buf)
{
    enum { SHOWN = 5 };
    const char *shown[SHOWN];
    size_t n = 0, more = 0;
    tm_status_t st = TM_OK;
    for (size_t i = 0; a->tree && i < a->tree->nnodes; i++) {
        const tm_spf_node_t *node = a->tree->nodes[i];
        for (size_t k = 0; k <= node->nterms; k++) {
            const char *names[1 + TM_SPF_MX_LIMIT];
            size_t count = 0;
            if (k == node->nterms) {
                if (node->status == TM_SPF_NODE_OFFLINE)
                    names[count++] = node->domain;
            } else {
                const tm_spf_tterm_t *t = &node->terms[k];
                if ((t->flags & TM_SPF_TF_OFFLINE) && t->target && !t->child)
                    names[count++] = t->target;
                const tm_answer_t *mx = t->term->kind == TM_SPF_MX && t->target
                                            ? tm_rrset_get(ctx->rrset, t->target, TM_RR_MX)
                                            : NULL;
                for (size_t m = 0; mx && mx->outcome == TM_DNS_NOERROR &&
                                   m < mx->count && m < TM_SPF_MX_LIMIT; m++) {
                    const char *host = mx->rrs[m].u.mx.host;
                    const tm_answer_t *addr = host[0] ? tm_rrset_get(ctx->rrset, host, TM_RR_A)
                                                      : NULL;
                    if (addr && addr->outcome == TM_DNS_UNKNOWN)
                        names[count++] = host;
                }
            }
            for (size_t c = 0; c < count; c++) {
                bool seen = false;
                for (size_t j = 0; j < n && !seen; j++)
                    seen = tm_name_equal(shown[j], names[c]);
                if (seen)
                    continue;
                if (n < SHOWN)
                    shown[n++] = names[c];
                else
                    more++;
            }
        }
    }
    for (size_t j = 0; j < n && st == TM_OK; j++)
        st = tm_buf_printf(buf, "%s%s", j ? _(", ") : "", shown[j]);
    if (st == TM_OK && more)
        st = tm_buf_printf(buf, dngettext(TM_TEXTDOMAIN, " and %zu more name",
                                          " and %zu more names", more),
                           more);
    if (st == TM_OK && !buf->data)
        st = tm_buf_puts(buf, "");
    return st;
}

/* Offline, a check the verdict needs could not judge: which names are
 * unknown, and how to make them known (docs/checks.md "Offline"). */
static tm_status_t offline_unjudged(const tm_check_ctx_t *ctx, const tm_spf_analysis_t *a,
                                    const char *fmt, tm_finding_t *out)
{
    tm_buf_t names;
    tm_buf_init(&names);
    tm_status_t st = unknown_names(ctx, a, &names);
    if (st == TM_OK)
        st = tm_finding_set(out, TM_CHECK_SKIP, fmt, ctx->rules->spf_include, names.data);
    out->unjudged = true;
    if (st == TM_OK)
        st = tm_finding_detail(out, _("Whether TMEmS may send for the domain cannot be told "
                                      "from the zone files given, so the domain is not called "
                                      "ready."));
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Give the zone file that holds each of these names with "
                                   "--zone, or run the check without --offline."));
    tm_buf_clear(&names);
    return st;
}

/* Offline, a count that stays within limits may still grow once the unknown
 * names are known: say so rather than pass (docs/checks.md "Offline"). */
static bool offline_partial(const tm_spf_analysis_t *a) { return a->offline_unknown > 0; }

/* The apex record does not parse (spf.syntax fails). */
static bool apex_broken(const tm_spf_analysis_t *a)
{
    return a->tree && a->tree->root->status == TM_SPF_NODE_SYNTAX;
}

/* A term of the apex that does not parse names the given domain: once
 * corrected it may be the include the check looks for. */
static bool bad_term_names(const tm_spf_analysis_t *a, const char *name)
{
    const tm_spf_node_t *root = a->tree ? a->tree->root : NULL;
    size_t len = name ? strlen(name) : 0;
    for (size_t i = 0; root && len && i < root->nerrors; i++) {
        const char *term = root->errors[i].term;
        for (const char *p = term; *p; p++) {
            if (tm_ascii_ncasecmp(p, name, len) == 0)
                return true;
        }
    }
    return false;
}

/* A finding judged on the terms that parse says so. */
static tm_status_t partial_note(const tm_spf_analysis_t *a, tm_finding_t *out)
{
    if (!a->partial)
        return TM_OK;
    return tm_finding_detail(out, _("Judged on the terms of the record that parse; as "
                                    "published, the record gives permerror (see spf.syntax)."));
}

/* A TXT record written as SPF that receivers skip: RFC 7208 section 4.5
 * selects only records that begin with exactly "v=spf1" followed by a space
 * or the record's end (case aside), so a leading space, a tab after the
 * version, two strings joined without a space ("v=spf1" "include:...") or
 * "v=spf10" each leave the domain without SPF while its admin sees a
 * record. */
static bool spf_lookalike(const char *d, size_t n)
{
    size_t i = 0;
    while (i < n && (d[i] == ' ' || d[i] == '\t'))
        i++;
    return n - i >= 6 && tm_ascii_ncasecmp(d + i, "v=spf1", 6) == 0 && !tm_spf_is_record(d, n);
}

/* The record its author meant, when that is plain: runs of spaces and tabs
 * become the single spaces that separate terms (section 12), and a term
 * glued to "v=spf1" is set apart.  Left empty where the meaning is a guess
 * ("v=spf10", bytes outside printable ASCII) or the result does not parse. */
static tm_status_t lookalike_repair(const char *d, size_t n, tm_buf_t *out)
{
    size_t i = 0;
    while (i < n && (d[i] == ' ' || d[i] == '\t'))
        i++;
    i += 6; /* "v=spf1", spf_lookalike */
    char next = i < n ? d[i] : ' ';
    bool term_start = next == ' ' || next == '\t' || strchr("+-~?", next) ||
                      (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
    if (!term_start)
        return TM_OK;
    tm_status_t st = tm_buf_puts(out, "v=spf1");
    for (bool gap = true; st == TM_OK && i < n; i++) {
        char c = d[i];
        if (c == ' ' || c == '\t') {
            gap = true;
            continue;
        }
        if ((unsigned char)c < 0x21 || (unsigned char)c > 0x7e) {
            tm_buf_clear(out);
            return TM_OK;
        }
        if (gap)
            st = tm_buf_putc(out, ' ');
        gap = false;
        if (st == TM_OK)
            st = tm_buf_putc(out, c);
    }
    tm_spf_record_t *rec = NULL;
    tm_status_t pst = st == TM_OK ? tm_spf_parse(out->data, out->len, &rec, NULL) : st;
    tm_spf_record_destroy(rec);
    if (pst == TM_ENOMEM)
        return TM_ENOMEM;
    if (pst != TM_OK)
        tm_buf_clear(out);
    return TM_OK;
}

/* spf.present's failure when a lookalike is there: what receivers see,
 * and the record as meant, to publish in its place. */
static tm_status_t explain_lookalike(const tm_check_ctx_t *ctx, const tm_rr_t *rr, bool *fixed,
                                     tm_finding_t *out)
{
    *fixed = false;
    char *shown = tm_quote_dns_dup(rr->u.txt.data, rr->u.txt.len);
    if (!shown)
        return TM_ENOMEM;
    tm_status_t st = tm_finding_detail(out, _("This TXT record looks like SPF, but receivers "
                                              "ignore it: an SPF record starts with exactly "
                                              "\"v=spf1\" and a space (RFC 7208 section 4.5):"));
    if (st == TM_OK)
        st = tm_finding_detail(out, "  %s", shown);
    tm_free(shown);
    tm_buf_t meant;
    tm_buf_init(&meant);
    if (st == TM_OK)
        st = lookalike_repair(rr->u.txt.data, rr->u.txt.len, &meant);
    if (st == TM_OK && meant.len) {
        st = tm_finding_fix(out, _("Publish it as an SPF record, with a space after v=spf1 "
                                   "and between the terms, and delete the TXT record quoted "
                                   "above:"));
        if (st == TM_OK)
            st = tm_spf_zone_line(ctx->owner, 3600, meant.data, meant.len, out);
        *fixed = st == TM_OK;
    }
    tm_buf_clear(&meant);
    return st;
}

tm_status_t tm_check_spf_present(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, false, &st);
    if (!a)
        return st;
    if (a->nrecords > 0)
        return tm_finding_set(out, TM_CHECK_PASS, _("An SPF record is published"));
    st = tm_finding_set(out, TM_CHECK_FAIL, _("No SPF record (v=spf1) is published"));
    if (st == TM_OK)
        st = tm_finding_detail(out, _("The console does not flag a missing record, but "
                                      "receivers cannot tell that TMEmS may send for the "
                                      "domain, and mail it relays can fail SPF."));
    const tm_answer_t *txt = tm_ctx_txt(ctx);
    for (size_t i = 0; st == TM_OK && txt && txt->outcome == TM_DNS_NOERROR && i < txt->count;
         i++) {
        const tm_rr_t *rr = &txt->rrs[i];
        if (rr->type != TM_RR_TXT || !spf_lookalike(rr->u.txt.data, rr->u.txt.len))
            continue;
        bool fixed = false;
        st = explain_lookalike(ctx, rr, &fixed, out);
        if (st != TM_OK || fixed)
            return st;
        break; /* no plain repair: the general Fix below */
    }
    /* Which servers send the domain's mail besides TMEmS is the customer's
     * to say: a record of TMEmS alone, pasted, would turn their mail from
     * none into softfail (or fail), so the line holds a placeholder and is
     * no pasteable record (docs/checks.md spf.present). */
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Publish one record that lists every server that sends the "
                                   "domain's mail and TMEmS: replace ip4:<your-mail-server> by "
                                   "their addresses (ip4:/ip6:, or include: of your mail "
                                   "provider), and leave it out only when all outgoing mail "
                                   "goes through TMEmS:"));
    if (st == TM_OK)
        st = tm_finding_fix(out, "%s. 3600 IN TXT \"v=spf1 ip4:<your-mail-server> include:%s ~all\"",
                            ctx->owner, ctx->rules->spf_include);
    return st;
}

tm_status_t tm_check_spf_single(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, false, &st);
    if (!a)
        return st;
    if (a->nrecords == 0)
        return tm_finding_set(out, TM_CHECK_SKIP, _("No SPF record (see spf.present)"));
    if (a->nrecords == 1)
        return tm_finding_set(out, TM_CHECK_PASS, _("Exactly one SPF record is published"));
    st = tm_finding_set(out, TM_CHECK_FAIL,
                        dngettext(TM_TEXTDOMAIN,
                                  "%zu SPF record is published: receivers get permerror",
                                  "%zu SPF records are published: receivers get permerror",
                                  a->nrecords),
                        a->nrecords);
    for (size_t i = 0; i < a->nrecords && st == TM_OK; i++) {
        char *quoted = tm_quote_dns_dup(a->records[i], a->record_lens[i]);
        if (!quoted)
            return TM_ENOMEM;
        st = tm_finding_detail(out, "  %s", quoted);
        tm_free(quoted);
    }
    if (st == TM_OK)
        st = tm_finding_detail(out, _("RFC 7208 section 4.5: two v=spf1 records make every "
                                      "check a permerror."));
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Merge them into one record and delete the others."));
    return st;
}

/* One bad term: which, where (1-based byte of the record) and why. */
static tm_status_t syntax_error_line(const tm_spf_parse_error_t *e, tm_finding_t *out)
{
    if (e->term_index == 0)
        return tm_finding_detail(out, _("  byte %zu: %s"), e->offset + 1, e->reason);
    return tm_finding_detail(out, _("  term %zu, \"%s\", byte %zu: %s"), e->term_index, e->term,
                             e->offset + 1, e->reason);
}

tm_status_t tm_check_spf_syntax(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    if (a->syntax_errors == 0)
        return tm_finding_set(out, TM_CHECK_PASS, _("Every SPF record in the tree parses"));
    st = tm_finding_set(out, TM_CHECK_FAIL,
                        dngettext(TM_TEXTDOMAIN,
                                  "%u SPF record in the tree does not parse: receivers get "
                                  "permerror",
                                  "%u SPF records in the tree do not parse: receivers get "
                                  "permerror",
                                  a->syntax_errors),
                        a->syntax_errors);
    bool nested = false;
    for (size_t i = 0; a->tree && i < a->tree->nnodes && st == TM_OK; i++) {
        const tm_spf_node_t *node = a->tree->nodes[i];
        if (node->status != TM_SPF_NODE_SYNTAX)
            continue;
        nested |= node->depth > 0;
        char *quoted = node->text ? tm_quote_dns_dup(node->text, node->text_len) : NULL;
        if (node->text && !quoted)
            return TM_ENOMEM;
        st = tm_finding_detail(out, _("The record of %s: %s"), node->domain, quoted ? quoted : "");
        tm_free(quoted);
        for (size_t k = 0; k < node->nerrors && st == TM_OK; k++)
            st = syntax_error_line(&node->errors[k], out);
        if (st == TM_OK && node->nerrors == 0)
            st = syntax_error_line(&node->error, out);
    }
    /* The value the admin meant (which address, which host) is theirs to
     * know: a record printed with the term dropped or guessed would lose or
     * change a sender, so the Fix says what to correct instead. */
    if (st == TM_OK && apex_broken(a))
        st = tm_finding_fix(out, _("Correct each term listed above (RFC 7208 section 12 "
                                   "grammar) and keep every other term as it is; the value you "
                                   "meant is yours to know, so no record is printed."));
    if (st == TM_OK && nested)
        st = tm_finding_fix(out, _("For a record the domain includes: correct it there if it is "
                                   "yours, else ask its owner or remove the include."));
    return st;
}

tm_status_t tm_check_spf_include(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const tm_rules_t *rules = ctx->rules;
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a) {
        /* Which of several records the console reads is unknown (none is
         * flagged: docs/checks.md "What the TMEmS console shows"). */
        if (out->status == TM_CHECK_SKIP && ctx->spf && ctx->spf->nrecords > 1)
            out->unjudged = true;
        return st;
    }
    if (a->include_depth >= 0) {
        st = a->include_depth == 0
                 ? tm_finding_set(out, TM_CHECK_PASS, _("%s is the checked domain itself"),
                                  rules->spf_include)
                 : tm_finding_set(out, TM_CHECK_PASS, _("The SPF record includes %s (depth %d)"),
                                  rules->spf_include, a->include_depth);
        return st == TM_OK ? partial_note(a, out) : st;
    }
    if (a->legacy_depth >= 0) {
        unsigned saved = a->legacy_lookups > 1 ? a->legacy_lookups - 1 : 0;
        st = tm_finding_set(out, TM_CHECK_WARN,
                            dngettext(TM_TEXTDOMAIN,
                                      "Only the legacy %s is included; %s saves %u DNS lookup",
                                      "Only the legacy %s is included; %s saves %u DNS lookups",
                                      saved),
                            rules->spf_legacy, rules->spf_include, saved);
        if (st == TM_OK)
            st = tm_finding_detail(out,
                                   dngettext(TM_TEXTDOMAIN,
                                             "The legacy record covers every data center "
                                             "through nested includes and costs %u lookup; the "
                                             "Japan record costs 1 (2024 data-center change "
                                             "notice).",
                                             "The legacy record covers every data center "
                                             "through nested includes and costs %u lookups; the "
                                             "Japan record costs 1 (2024 data-center change "
                                             "notice).",
                                             a->legacy_lookups),
                                   a->legacy_lookups);
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Replace include:%s by include:%s:"), rules->spf_legacy,
                                rules->spf_include);
    } else if (offline_partial(a)) {
        return offline_unjudged(ctx, a,
                                _("Offline: whether the SPF record includes %s is unknown: "
                                  "no zone file holds %s"),
                                out);
    } else if (a->include_alias) {
        /* The mail passes (receivers follow the alias: spf.tmems_ranges
         * judges that); the console reads the record's text, which does
         * not name the include. */
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            _("The SPF record reaches %s only through an alias, %s (CNAME): it "
                              "does not name it"),
                            rules->spf_include, a->include_alias);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Receivers follow the alias, so the data-center "
                                          "addresses can pass (spf.tmems_ranges); but the "
                                          "console looks for include:%s in the record and "
                                          "shows Trend Micro Email Security/Cloud Email Gateway "
                                          "ProtectionサーバがSPFレコード内にありません."),
                                   rules->spf_include);
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Add include:%s, first after v=spf1:"),
                                rules->spf_include);
    } else if (bad_term_names(a, rules->spf_include) || bad_term_names(a, rules->spf_legacy)) {
        /* What the console makes of a term it cannot parse is unknown. */
        out->unjudged = true;
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("The term that names %s does not parse (see spf.syntax)"),
                              rules->spf_include);
    } else {
        /* Without outbound protection the console checks no SPF: the
         * finding is information, and says nothing of the console. */
        st = ctx->opts->outbound
                 ? tm_finding_set(out, TM_CHECK_FAIL,
                                  _("The SPF record does not include %s: the console shows "
                                    "Trend Micro Email Security/Cloud Email Gateway "
                                    "ProtectionサーバがSPFレコード内にありません"),
                                  rules->spf_include)
                 : tm_finding_set(out, TM_CHECK_FAIL,
                                  _("The SPF record does not include %s, which outbound "
                                    "protection needs"),
                                  rules->spf_include);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Receivers cannot tell that TMEmS may send for the "
                                          "domain: relayed mail fails SPF."));
        if (st == TM_OK)
            st = partial_note(a, out);
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Add include:%s, first after v=spf1:"),
                                rules->spf_include);
    }
    if (st == TM_OK)
        st = tm_spf_fix_line(ctx, TM_SPF_GOAL_INCLUDE, out, NULL);
    return st;
}

/* The per-branch count: each top-level term that costs lookups. */
static tm_status_t branch_counts(const tm_check_ctx_t *ctx, const tm_spf_analysis_t *a,
                                 tm_finding_t *out)
{
    const tm_spf_node_t *root = a->tree ? a->tree->root : NULL;
    tm_status_t st = TM_OK;
    for (size_t i = 0; root && i < root->nterms && st == TM_OK; i++) {
        const tm_spf_tterm_t *t = &root->terms[i];
        if (t->lookups == 0)
            continue;
        bool needed = ctx->opts->outbound && t->term->kind == TM_SPF_INCLUDE && t->term->domain &&
                      tm_name_equal(t->term->domain, ctx->rules->spf_include);
        st = tm_finding_detail(out, _("  %-3u %s%s"), t->lookups, t->term->text,
                               (t->flags & TM_SPF_TF_SENDER) ? _("  (depends on the sender)")
                               : (t->flags & TM_SPF_TF_IGNORED) ? _("  (ignored: all is present)")
                               : needed                         ? _("  (needed for TMEmS: keep)")
                                                                : "");
    }
    return st;
}

/* The record when the safe changes (the legacy include replaced, terms
 * naming hosts that do not exist removed) bring the count within 8, else
 * what to decide. */
static tm_status_t lookups_fix(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_spf_suggestion_t s;
    tm_status_t st = tm_spf_suggest(ctx, TM_SPF_GOAL_LOOKUPS, &s);
    bool fixable = st == TM_OK && s.fixability == TM_SPF_FIXABLE;
    /* Over the limit and the safe changes are not enough: the remedy
     * flattens what is the customer's own, or says what to decide. */
    if (st == TM_OK && !fixable && ctx->spf->lookups > TM_SPF_LOOKUP_LIMIT) {
        bool written = false;
        st = tm_spf_remedy_fix(ctx, out, &written);
        if (st != TM_OK || written) {
            tm_spf_suggestion_clear(&s);
            return st;
        }
    }
    if (fixable && s.legacy_replaced)
        st = tm_finding_fix(out, dngettext(TM_TEXTDOMAIN,
                                           "Replace the legacy include:%s (%u lookup) with "
                                           "include:%s (1).",
                                           "Replace the legacy include:%s (%u lookups) with "
                                           "include:%s (1).",
                                           ctx->spf->legacy_lookups),
                            ctx->rules->spf_legacy, ctx->spf->legacy_lookups,
                            ctx->rules->spf_include);
    if (fixable && st == TM_OK && s.dead_dropped)
        st = tm_finding_fix(out,
                            dngettext(TM_TEXTDOMAIN,
                                      "Remove the %zu term that names a host that does not "
                                      "exist: it authorises nothing.",
                                      "Remove the %zu terms that name hosts that do not exist: "
                                      "they authorise nothing.",
                                      s.dead_dropped),
                            s.dead_dropped);
    if (fixable && st == TM_OK)
        st = tm_finding_fix(out,
                            dngettext(TM_TEXTDOMAIN,
                                      "The record then needs %u DNS lookup:",
                                      "The record then needs %u DNS lookups:", s.lookups_after),
                            s.lookups_after);
    tm_spf_suggestion_clear(&s);
    if (st == TM_OK)
        st = tm_spf_fix_line(ctx, TM_SPF_GOAL_LOOKUPS, out, NULL);
    return st;
}

tm_status_t tm_check_spf_lookups(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    /* A bad term that names a DNS-querying mechanism (or none at all, a
     * typo) costs lookups once corrected: within the limit, the count of
     * the terms that parse proves nothing. */
    if (a->partial && a->partial_may_query && a->lookups <= TM_SPF_LOOKUP_LIMIT)
        return tm_finding_set(out, TM_CHECK_SKIP,
                              dngettext(TM_TEXTDOMAIN,
                                        "The record does not parse (see spf.syntax): its terms "
                                        "that parse need %u DNS lookup, the corrected term may "
                                        "need more",
                                        "The record does not parse (see spf.syntax): its terms "
                                        "that parse need %u DNS lookups, the corrected term may "
                                        "need more",
                                        a->lookups),
                              a->lookups);
    const char *atleast = a->lower_bound || offline_partial(a) || a->dns_errors ||
                                  (a->partial && a->partial_may_query)
                              ? _("at least ")
                              : "";
    if (a->lookups > TM_SPF_LOOKUP_LIMIT) {
        st = tm_finding_set(out, TM_CHECK_FAIL, dngettext(TM_TEXTDOMAIN,
                                                          "SPF needs %s%u DNS lookup; the limit "
                                                          "is %u",
                                                          "SPF needs %s%u DNS lookups; the limit "
                                                          "is %u",
                                                          a->lookups),
                            atleast, a->lookups, TM_SPF_LOOKUP_LIMIT);
        if (st == TM_OK)
            st = tm_finding_detail(out,
                                   dngettext(TM_TEXTDOMAIN,
                                             "Past %u lookup receivers stop with permerror, and "
                                             "mail can be rejected (RFC 7208 section 4.6.4).",
                                             "Past %u lookups receivers stop with permerror, and "
                                             "mail can be rejected (RFC 7208 section 4.6.4).",
                                             TM_SPF_LOOKUP_LIMIT),
                                   TM_SPF_LOOKUP_LIMIT);
    } else if (offline_partial(a)) {
        st = tm_finding_set(out, TM_CHECK_SKIP,
                            dngettext(TM_TEXTDOMAIN,
                                      "Offline: at least %u DNS lookup; the rest of the tree is "
                                      "unknown",
                                      "Offline: at least %u DNS lookups; the rest of the tree is "
                                      "unknown",
                                      a->lookups),
                            a->lookups);
    } else if (a->dns_errors) {
        /* A subtree that could not be fetched may hold any number of
         * lookups: the count is a lower bound, so no verdict. */
        st = tm_finding_set(out, TM_CHECK_ERROR,
                            dngettext(TM_TEXTDOMAIN,
                                      "At least %u DNS lookup; part of the SPF tree could not be "
                                      "fetched",
                                      "At least %u DNS lookups; part of the SPF tree could not be "
                                      "fetched",
                                      a->lookups),
                            a->lookups);
    } else if (a->lookups + 1 >= TM_SPF_LOOKUP_LIMIT) {
        st = tm_finding_set(out, TM_CHECK_WARN,
                            dngettext(TM_TEXTDOMAIN,
                                      "SPF needs %u DNS lookup: no headroom below the limit of %u",
                                      "SPF needs %u DNS lookups: no headroom below the limit of %u",
                                      a->lookups),
                            a->lookups, TM_SPF_LOOKUP_LIMIT);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("One more include by a mail provider breaks SPF "
                                          "for every message."));
    } else {
        st = tm_finding_set(out, TM_CHECK_PASS, dngettext(TM_TEXTDOMAIN,
                                                          "SPF needs %u DNS lookup (limit %u)",
                                                          "SPF needs %u DNS lookups (limit %u)",
                                                          a->lookups),
                            a->lookups, TM_SPF_LOOKUP_LIMIT);
        return st == TM_OK ? partial_note(a, out) : st;
    }
    bool verdict = out->status != TM_CHECK_SKIP && out->status != TM_CHECK_ERROR;
    if (!verdict)
        return st;
    if (st == TM_OK)
        st = branch_counts(ctx, a, out);
    if (st == TM_OK)
        st = partial_note(a, out);
    if (st == TM_OK)
        st = lookups_fix(ctx, out);
    return st;
}

/* Lists the terms of the whole tree that carry a flag. */
static tm_status_t list_flagged(const tm_spf_analysis_t *a, unsigned flag, tm_finding_t *out)
{
    tm_status_t st = TM_OK;
    for (size_t i = 0; a->tree && i < a->tree->nnodes && st == TM_OK; i++) {
        const tm_spf_node_t *node = a->tree->nodes[i];
        for (size_t j = 0; j < node->nterms && st == TM_OK; j++) {
            if (node->terms[j].flags & flag)
                st = tm_finding_detail(out, "  %s: %s", node->domain, node->terms[j].term->text);
        }
    }
    return st;
}

tm_status_t tm_check_spf_void_lookups(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    if (a->void_lookups <= TM_SPF_VOID_LIMIT)
        return tm_finding_set(out, TM_CHECK_PASS, dngettext(TM_TEXTDOMAIN,
                                                            "%u void lookup (limit %u)",
                                                            "%u void lookups (limit %u)",
                                                            a->void_lookups),
                              a->void_lookups, TM_SPF_VOID_LIMIT);
    st = tm_finding_set(out, TM_CHECK_FAIL,
                        dngettext(TM_TEXTDOMAIN,
                                  "%u lookup finds no record; more than %u is a permerror",
                                  "%u lookups find no record; more than %u is a permerror",
                                  a->void_lookups),
                        a->void_lookups, TM_SPF_VOID_LIMIT);
    if (st == TM_OK)
        st = list_flagged(a, TM_SPF_TF_VOID, out);
    if (st == TM_OK)
        st = partial_note(a, out);
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Remove the terms that name hosts or domains that no "
                                   "longer exist (RFC 7208 section 4.6.4):"));
    if (st == TM_OK)
        st = tm_spf_fix_line(ctx, TM_SPF_GOAL_VOID, out, NULL);
    return st;
}

tm_status_t tm_check_spf_mx_names(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    if (!a->mx_overflow)
        return tm_finding_set(out, TM_CHECK_PASS,
                              dngettext(TM_TEXTDOMAIN, "Every mx term names at most %u mail host",
                                        "Every mx term names at most %u mail hosts",
                                        TM_SPF_MX_LIMIT),
                              TM_SPF_MX_LIMIT);
    st = tm_finding_set(out, TM_CHECK_FAIL,
                        dngettext(TM_TEXTDOMAIN,
                                  "An mx term resolves more than %u MX name: permerror",
                                  "An mx term resolves more than %u MX names: permerror",
                                  TM_SPF_MX_LIMIT),
                        TM_SPF_MX_LIMIT);
    if (st == TM_OK)
        st = list_flagged(a, TM_SPF_TF_MX_OVERFLOW, out);
    if (st == TM_OK)
        st = partial_note(a, out);
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Replace the mx term by ip4:/ip6: terms for the hosts "
                                   "that really send mail."));
    return st;
}

tm_status_t tm_check_spf_ptr(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    if (!a->ptr_used)
        return tm_finding_set(out, TM_CHECK_PASS, _("No ptr term"));
    st = tm_finding_set(out, TM_CHECK_WARN, _("The SPF tree uses ptr, which RFC 7208 says not "
                                              "to use"));
    if (st == TM_OK)
        st = list_flagged(a, TM_SPF_TF_PTR, out);
    if (st == TM_OK)
        st = partial_note(a, out);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("ptr is slow, unreliable and may be ignored by large "
                                      "receivers (RFC 7208 section 5.5)."));
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Replace ptr by ip4:/ip6: terms for your sending hosts."));
    return st;
}

tm_status_t tm_check_spf_loop(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    if (a->loops == 0)
        return tm_finding_set(out, TM_CHECK_PASS, _("No include or redirect loop"));
    st = tm_finding_set(out, TM_CHECK_FAIL,
                        dngettext(TM_TEXTDOMAIN,
                                  "The SPF tree has %u include/redirect loop: permerror",
                                  "The SPF tree has %u include/redirect loops: permerror",
                                  a->loops), a->loops);
    if (st == TM_OK)
        st = list_flagged(a, TM_SPF_TF_LOOP, out);
    if (st == TM_OK)
        st = partial_note(a, out);
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Remove the include or redirect that leads back to a "
                                   "record already on the path."));
    return st;
}

tm_status_t tm_check_spf_include_target(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    if (a->bad_targets) {
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            dngettext(TM_TEXTDOMAIN,
                                      "%u include/redirect target does not have exactly one SPF "
                                      "record: permerror",
                                      "%u include/redirect targets do not have exactly one SPF "
                                      "record: permerror",
                                      a->bad_targets),
                            a->bad_targets);
        for (size_t i = 0; a->tree && i < a->tree->nnodes && st == TM_OK; i++) {
            const tm_spf_node_t *node = a->tree->nodes[i];
            if (node->depth == 0 || (node->status != TM_SPF_NODE_NO_RECORD &&
                                     node->status != TM_SPF_NODE_MULTIPLE &&
                                     node->status != TM_SPF_NODE_BAD_NAME))
                continue;
            st = tm_finding_detail(out, dngettext(TM_TEXTDOMAIN,
                                                  "  %s: %s (%zu record)",
                                                  "  %s: %s (%zu records)",
                                                  node->nrecords), node->domain,
                                   tm_spf_node_status_name(node->status), node->nrecords);
        }
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Fix or remove the include: its target must publish "
                                       "exactly one v=spf1 record."));
        return st;
    }
    if (a->dns_errors) {
        st = tm_finding_set(out, TM_CHECK_ERROR,
                            dngettext(TM_TEXTDOMAIN,
                                      "%u lookup in the SPF tree failed: receivers get temperror",
                                      "%u lookups in the SPF tree failed: receivers get temperror",
                                      a->dns_errors),
                            a->dns_errors);
        if (st == TM_OK)
            st = list_flagged(a, TM_SPF_TF_DNS_ERROR, out);
        for (size_t i = 0; a->tree && i < a->tree->nnodes && st == TM_OK; i++) {
            const tm_spf_node_t *node = a->tree->nodes[i];
            if (node->status == TM_SPF_NODE_DNS_ERROR)
                st = tm_finding_detail(out, _("  %s: %s"), node->domain,
                                       tm_dns_outcome_name(node->outcome));
        }
        return st;
    }
    if (offline_partial(a))
        return tm_finding_set(out, TM_CHECK_SKIP,
                              dngettext(TM_TEXTDOMAIN,
                                        "Offline: the records of %u name in the SPF tree are "
                                        "unknown",
                                        "Offline: the records of %u names in the SPF tree are "
                                        "unknown",
                                        a->offline_unknown),
                              a->offline_unknown);
    return tm_finding_set(out, TM_CHECK_PASS,
                          _("Every include and redirect target has one SPF record"));
}

/* A term with the qualifier + that matches every address of a family: an
 * ip4 or ip6 network of prefix length 0, an a or mx term with /0 whose
 * name has addresses, "+all" in a record the domain includes or redirects
 * to, or an include or redirect of a record that has one.  check_host()
 * then gives pass to any sender (RFC 7208 sections 5.1, 5.2, 5.6), as
 * "+all" at the apex does, however the apex record ends.  node_of gets the
 * record that holds it.  Bounded by the tree's depth; loops have no child. */
static const tm_spf_tterm_t *open_term(const tm_spf_node_t *node, bool top,
                                       const tm_spf_node_t **node_of)
{
    if (!node || !node->record)
        return NULL;
    for (size_t i = 0; i < node->nterms; i++) {
        const tm_spf_tterm_t *t = &node->terms[i];
        const tm_spf_term_t *term = t->term;
        if (!term || term->qualifier != TM_SPF_Q_PASS)
            continue;
        bool every = false;
        switch (term->kind) {
        case TM_SPF_ALL:
            every = !top; /* the apex's own +all is spf.all's first case */
            break;
        case TM_SPF_IP4:
        case TM_SPF_IP6:
            every = term->net.prefix == 0;
            break;
        case TM_SPF_A:
        case TM_SPF_MX:
            every = (term->cidr4 == 0 || term->cidr6 == 0) &&
                    !(t->flags & (TM_SPF_TF_VOID | TM_SPF_TF_DNS_ERROR | TM_SPF_TF_BAD_TARGET |
                                  TM_SPF_TF_OFFLINE | TM_SPF_TF_MISSING));
            break;
        case TM_SPF_INCLUDE:
        case TM_SPF_REDIRECT:
            if (!(t->flags & TM_SPF_TF_IGNORED) && t->child) {
                const tm_spf_tterm_t *inner = open_term(t->child, false, node_of);
                if (inner)
                    return inner;
            }
            break;
        default:
            break;
        }
        if (every) {
            *node_of = node;
            return t;
        }
    }
    return NULL;
}

tm_status_t tm_check_spf_all(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    /* A bad term may be the all the admin meant ("~al", "-all."). */
    if (apex_broken(a) && !a->all_qualifier && !a->has_redirect)
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("The record does not parse (see spf.syntax), and none of its "
                                "terms that parse is an all term"));
    const tm_spf_node_t *holder = NULL;
    const tm_spf_tterm_t *open = a->all_qualifier != '+' && a->tree
                                     ? open_term(a->tree->root, true, &holder)
                                     : NULL;
    if (open) {
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            _("The SPF record lets every address pass: %s in the record of "
                              "%s matches any sender, whatever the record ends in"),
                            open->term->text, holder->domain);
        if (st == TM_OK)
            st = partial_note(a, out);
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Remove %s from the record of %s (or give the "
                                       "network the servers really use); anyone may send "
                                       "as this domain until then."),
                                open->term->text, holder->domain);
        return st;
    }
    /* No one term matches everyone, yet the record passes addresses no
     * domain sends from (RFC 7208 section 5.7: an exists: whose %{i} name
     * meets a wildcard record, say). */
    if (a->open_to_all && a->all_qualifier != '+') {
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            _("The SPF record lets every address pass: check_host() gives pass "
                              "to addresses no sender has (%s), whatever the record ends in"),
                            TM_SPF_OPEN_PROBES_TEXT);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("A term built from the client address (exists:%%{i}..., "
                                          "a:%%{i}...) that meets a wildcard record, or a network "
                                          "that wide, matches any sender."));
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Find the term with tmems-check spf --ip 240.0.0.1, and "
                                       "remove it or narrow what it matches; anyone may send as "
                                       "this domain until then."));
        return st;
    }
    switch (a->all_qualifier) {
    case '-':
        return tm_finding_set(out, TM_CHECK_PASS,
                              _("The record ends in -all: other senders get Fail"));
    case '~':
        return tm_finding_set(out, TM_CHECK_PASS,
                              _("The record ends in ~all: other senders get Softfail"));
    case '+':
        st = tm_finding_set(out, TM_CHECK_FAIL, _("The record ends in +all: anyone may send "
                                                  "as this domain"));
        if (st == TM_OK)
            st = partial_note(a, out);
        if (st == TM_OK)
            st = tm_finding_fix(out, _("End the record in ~all (Softfail) or -all (Fail) "
                                       "instead:"));
        if (st == TM_OK)
            st = tm_spf_fix_line(ctx, TM_SPF_GOAL_ALL, out, NULL);
        return st;
    case '?':
        st = tm_finding_set(out, TM_CHECK_WARN, _("The record ends in ?all: other senders get "
                                                  "Neutral, which protects nothing"));
        break;
    default:
        if (a->has_redirect)
            return tm_finding_set(out, TM_CHECK_PASS,
                                  _("The record ends in redirect=, whose record decides"));
        st = tm_finding_set(out, TM_CHECK_WARN, _("The record has no all term: other senders "
                                                  "get Neutral"));
        break;
    }
    if (st == TM_OK)
        st = tm_finding_detail(out, _("With -all a receiver treats mail from other servers as "
                                      "Fail, with ~all as Softfail (onboarding guide, Step "
                                      "2-3)."));
    if (st == TM_OK)
        st = partial_note(a, out);
    if (st == TM_OK)
        st = tm_finding_fix(out, _("End the record in ~all or -all:"));
    if (st == TM_OK)
        st = tm_spf_fix_line(ctx, TM_SPF_GOAL_ALL, out, NULL);
    return st;
}

tm_status_t tm_check_spf_tmems_ranges(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    /* Every address gets permerror from a record that does not parse:
     * spf.syntax says so once.  Left out (--skip spf.syntax), it cannot:
     * this check, decisive for SPF, fails itself rather than let the
     * verdict read ready (QA session 5). */
    if (apex_broken(a)) {
        if (tm_check_selected("spf.syntax", ctx->opts->only, ctx->opts->skip))
            return tm_finding_set(out, TM_CHECK_SKIP,
                                  _("The record does not parse (see spf.syntax): every "
                                    "address gets permerror until it is corrected"));
        tm_status_t st2 = tm_finding_set(out, TM_CHECK_FAIL,
                                         _("The SPF record does not parse: every data-center "
                                           "address gets permerror, and mail TMEmS relays can be "
                                           "rejected"));
        if (st2 == TM_OK)
            st2 = tm_finding_detail(out, _("RFC 7208 section 4.6. Run spf.syntax (it was left "
                                           "out) for the terms to correct."));
        return st2;
    }
    if (!a->ranges) {
        if (offline_partial(a))
            return offline_unjudged(ctx, a,
                                    _("Offline: whether the addresses that %s lists pass SPF "
                                      "is unknown: no zone file holds %s"),
                                    out);
        return tm_finding_set(out, TM_CHECK_ERROR,
                              _("The ranges could not be evaluated: the SPF tree is "
                                "incomplete"));
    }
    /* An offline temperror is a name no zone file holds, not a DNS failure. */
    size_t failing = 0, erring = 0, unknown = 0, addresses = 0;
    for (size_t i = 0; i < a->nranges; i++) {
        addresses += (size_t)tm_cidr_size_v4(&a->ranges[i].range);
        for (size_t j = 0; j < a->ranges[i].nparts; j++) {
            const tm_spf_subrange_t *part = &a->ranges[i].parts[j];
            if (part->result == TM_SPF_TEMPERROR && part->offline)
                unknown++;
            else if (part->result == TM_SPF_TEMPERROR)
                erring++;
            else if (part->result != TM_SPF_PASS)
                failing++;
        }
    }
    size_t bundled = a->nranges - a->nlive;
    if (!failing && !erring && !unknown) {
        st = tm_finding_set(out, TM_CHECK_PASS,
                            dngettext(TM_TEXTDOMAIN,
                                      "check_host() gives pass for all %zu addresses of the %zu "
                                      "data-center range",
                                      "check_host() gives pass for all %zu addresses of the %zu "
                                      "data-center ranges",
                                      a->nranges),
                            addresses, a->nranges);
        if (st == TM_OK && a->nlive)
            st = tm_finding_detail(out,
                                   dngettext(TM_TEXTDOMAIN,
                                             "%zu of them is listed only by the live %s (see "
                                             "rules.current).",
                                             "%zu of them are listed only by the live %s (see "
                                             "rules.current).",
                                             a->nlive),
                                   a->nlive, ctx->rules->spf_include);
        return st;
    }
    if (!failing && !erring)
        return offline_unjudged(ctx, a,
                                _("Offline: whether the addresses that %s lists pass SPF is "
                                  "unknown: no zone file holds %s"),
                                out);
    st = failing ? tm_finding_set(out, TM_CHECK_FAIL,
                                  _("Some data-center addresses do not pass SPF: mail TMEmS "
                                    "sends from them can be rejected"))
                 : tm_finding_set(out, TM_CHECK_ERROR,
                                  _("Some data-center addresses get temperror: DNS did not "
                                    "answer"));
    for (size_t i = 0; i < a->nranges && st == TM_OK; i++) {
        const tm_spf_range_t *r = &a->ranges[i];
        const tm_rules_range_t *rule = i < bundled ? &ctx->rules->ranges[i] : NULL;
        for (size_t j = 0; j < r->nparts && st == TM_OK; j++) {
            const tm_spf_subrange_t *part = &r->parts[j];
            if (part->result == TM_SPF_PASS)
                continue;
            char cidr[64], note[160] = "";
            tm_cidr_format(&part->cidr, cidr, sizeof(cidr));
            if (rule && rule->since)
                snprintf(note, sizeof(note), _(", added %s"), rule->since);
            else if (!rule)
                snprintf(note, sizeof(note), _(", listed only by the live %s"),
                         ctx->rules->spf_include);
            st = tm_finding_detail(out, dngettext(TM_TEXTDOMAIN,
                                                  "  %-18s %s (after %u lookup)%s",
                                                  "  %-18s %s (after %u lookups)%s",
                                                  part->lookups), cidr,
                                   part->offline ? _("unknown offline")
                                                 : tm_spf_result_name(part->result),
                                   part->lookups, note);
        }
    }
    if (st == TM_OK && failing && a->nlive)
        st = tm_finding_detail(out, _("The live %s lists ranges the bundled rules lack (see "
                                      "rules.current): mail TMEmS sends from them is judged "
                                      "too."),
                               ctx->rules->spf_include);
    if (st == TM_OK && failing)
        st = tm_finding_fix(out, _("Put include:%s first, so that it decides every data-center "
                                   "address before any other term (instead of listing the "
                                   "ranges yourself):"),
                            ctx->rules->spf_include);
    if (st == TM_OK && failing)
        st = tm_spf_fix_line(ctx, TM_SPF_GOAL_RANGES, out, NULL);
    return st;
}

tm_status_t tm_check_spf_hardcoded(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    if (a->nhardcoded == 0)
        return tm_finding_set(out, TM_CHECK_PASS,
                              _("The data-center ranges come through the include, not ip4: "
                                "terms"));
    st = tm_finding_set(out, TM_CHECK_WARN,
                        dngettext(TM_TEXTDOMAIN,
                                  "%zu ip4:/ip6: term hard-codes data-center ranges",
                                  "%zu ip4:/ip6: terms hard-code data-center ranges",
                                  a->nhardcoded), a->nhardcoded);
    for (size_t i = 0; i < a->nhardcoded && st == TM_OK; i++)
        st = tm_finding_detail(out, "  %s: %s", a->hardcoded[i].node->domain,
                               a->hardcoded[i].term->text);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("The ranges change: on 2024-08-21 three were added "
                                      "(2024 data-center change notice), and hard-coded records "
                                      "missed them."));
    if (st == TM_OK)
        st = partial_note(a, out);
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Use the include instead of the addresses:"));
    if (st == TM_OK)
        st = tm_spf_fix_line(ctx, TM_SPF_GOAL_HARDCODED, out, NULL);
    return st;
}

/* The smallest DNS message (RFC 1035 section 4.1) that answers the TXT
 * question with these records: the header, the question, and each record
 * with its owner compressed to a pointer.  A server adds what it adds (an
 * EDNS OPT record, name servers), so the real answer is at least this. */
static size_t txt_answer_min_size(const char *qname, const tm_answer_t *txt)
{
    size_t name_wire = 1; /* the root label */
    for (const char *label = qname; *label;) {
        const char *dot = strchr(label, '.');
        size_t len = dot ? (size_t)(dot - label) : strlen(label);
        name_wire += 1 + len;
        label += len + (dot ? 1 : 0);
    }
    size_t size = 12 + name_wire + 4;
    for (size_t i = 0; i < txt->count; i++) {
        const tm_rr_t *rr = &txt->rrs[i];
        size += 2 + 10 + rr->u.txt.len + rr->u.txt.nstrings;
    }
    return size;
}

tm_status_t tm_check_spf_size(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    /* RFC 7208 section 3.4: keep the answer within 512 bytes, or receivers
     * need TCP, which some do not try. */
    if (a->txt_truncated || a->txt_wire_size > 512) {
        st = tm_finding_set(out, TM_CHECK_WARN,
                            dngettext(TM_TEXTDOMAIN,
                                      "The TXT answer is %zu byte: over 512, receivers must retry "
                                      "over TCP",
                                      "The TXT answer is %zu bytes: over 512, receivers must "
                                      "retry over TCP",
                                      a->txt_wire_size),
                            a->txt_wire_size);
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Remove TXT records you no longer need at the apex "
                                       "(old verifications), or shorten the SPF record."));
        return st;
    }
    /* Offline, the zone file holds every TXT record of the apex: the
     * answer's size follows from them. */
    const tm_answer_t *txt = tm_ctx_txt(ctx);
    if (a->txt_wire_size == 0 && txt && txt->source == TM_SRC_ZONE &&
        txt->outcome == TM_DNS_NOERROR) {
        size_t least = txt_answer_min_size(ctx->domain, txt);
        if (least > 512) {
            st = tm_finding_set(out, TM_CHECK_WARN,
                                dngettext(TM_TEXTDOMAIN,
                                          "The TXT answer is at least %zu byte (from the zone "
                                          "file): over 512, receivers must retry over TCP",
                                          "The TXT answer is at least %zu bytes (from the zone "
                                          "file): over 512, receivers must retry over TCP",
                                          least),
                                least);
            if (st == TM_OK)
                st = tm_finding_fix(out, _("Remove TXT records you no longer need at the apex "
                                           "(old verifications), or shorten the SPF record."));
            return st;
        }
    }
    if (a->max_txt_string > 255)
        return tm_finding_set(out, TM_CHECK_WARN,
                              dngettext(TM_TEXTDOMAIN,
                                        "A TXT string is %zu byte; the limit is 255",
                                        "A TXT string is %zu bytes; the limit is 255",
                                        a->max_txt_string),
                              a->max_txt_string);
    if (a->txt_wire_size == 0)
        return tm_finding_set(out, TM_CHECK_PASS,
                              _("Every TXT string is at most 255 bytes (answer size unknown: "
                                "not from DNS)"));
    return tm_finding_set(out, TM_CHECK_PASS, dngettext(TM_TEXTDOMAIN,
                                                        "The TXT answer is %zu byte (at most 512)",
                                                        "The TXT answer is %zu bytes (at most 512)",
                                                        a->txt_wire_size),
                          a->txt_wire_size);
}
