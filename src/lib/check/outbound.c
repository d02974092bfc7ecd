/* outbound.c - the 送信サーバ section: the SPF record (seed 000 Step 2-3,
 * seed 004) judged per RFC 7208 and CHECKS.md "Counting SPF lookups".
 * Every check reads the analysis the run layer built (ctx->spf). */
#include <string.h>

#include "check/checks.h"
#include "check/spf_fix.h"
#include "tmems/tm_spf.h"
#include "util/tm_i18n.h"

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
    return a;
}

/* Offline, a count that stays within limits may still grow once the unknown
 * names are known: say so rather than pass (CHECKS.md "Offline"). */
static bool offline_partial(const tm_spf_analysis_t *a) { return a->offline_unknown > 0; }

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
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Publish, adding your own mail servers (ip4:...):"));
    if (st == TM_OK)
        st = tm_spf_fix_line(ctx, out);
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
                        _("%zu SPF records are published: receivers get permerror"),
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

tm_status_t tm_check_spf_syntax(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    if (a->syntax_errors == 0)
        return tm_finding_set(out, TM_CHECK_PASS, _("Every SPF record in the tree parses"));
    st = tm_finding_set(out, TM_CHECK_FAIL,
                        _("%u SPF records in the tree do not parse: receivers get permerror"),
                        a->syntax_errors);
    for (size_t i = 0; a->tree && i < a->tree->nnodes && st == TM_OK; i++) {
        const tm_spf_node_t *node = a->tree->nodes[i];
        if (node->status != TM_SPF_NODE_SYNTAX)
            continue;
        char *quoted = node->text ? tm_quote_dns_dup(node->text, node->text_len) : NULL;
        st = tm_finding_detail(out, _("%s: %s"), node->domain, quoted ? quoted : "");
        tm_free(quoted);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("  at byte %zu, term \"%s\": %s"), node->error.offset,
                                   node->error.term, node->error.reason);
    }
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Correct the term (RFC 7208 section 12 grammar) and "
                                   "publish the record again."));
    return st;
}

tm_status_t tm_check_spf_include(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const tm_rules_t *rules = ctx->rules;
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    if (a->include_depth >= 0)
        return a->include_depth == 0
                   ? tm_finding_set(out, TM_CHECK_PASS, _("%s is the checked domain itself"),
                                    rules->spf_include)
                   : tm_finding_set(out, TM_CHECK_PASS,
                                    _("The SPF record includes %s (depth %d)"),
                                    rules->spf_include, a->include_depth);
    if (a->legacy_depth >= 0) {
        unsigned saved = a->legacy_lookups > 1 ? a->legacy_lookups - 1 : 0;
        st = tm_finding_set(out, TM_CHECK_WARN,
                            _("Only the legacy %s is included; %s saves %u DNS lookups"),
                            rules->spf_legacy, rules->spf_include, saved);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("The legacy record covers every data center through "
                                          "nested includes and costs %u lookups; the Japan "
                                          "record costs 1 (seed: 2024-02-22 change)."),
                                   a->legacy_lookups);
    } else if (offline_partial(a)) {
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("Offline: part of the SPF tree is unknown, so whether it "
                                "includes %s is unknown"),
                              rules->spf_include);
    } else {
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            _("The SPF record does not include %s: the console shows Trend "
                              "Micro Email Security/Cloud Email Gateway Protectionサーバが"
                              "SPFレコード内にありません"),
                            rules->spf_include);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Receivers cannot tell that TMEmS may send for the "
                                          "domain: relayed mail fails SPF."));
    }
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Publish instead:"));
    if (st == TM_OK)
        st = tm_spf_fix_line(ctx, out);
    return st;
}

/* The per-branch count: each top-level term that costs lookups. */
static tm_status_t branch_counts(const tm_spf_analysis_t *a, tm_finding_t *out)
{
    const tm_spf_node_t *root = a->tree ? a->tree->root : NULL;
    tm_status_t st = TM_OK;
    for (size_t i = 0; root && i < root->nterms && st == TM_OK; i++) {
        const tm_spf_tterm_t *t = &root->terms[i];
        if (t->lookups == 0)
            continue;
        st = tm_finding_detail(out, _("  %-3u %s%s"), t->lookups, t->term->text,
                               (t->flags & TM_SPF_TF_SENDER) ? _("  (depends on the sender)")
                               : (t->flags & TM_SPF_TF_IGNORED) ? _("  (ignored: all is present)")
                                                                : "");
    }
    return st;
}

tm_status_t tm_check_spf_lookups(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    const char *atleast =
        a->lower_bound || offline_partial(a) || a->dns_errors ? _("at least ") : "";
    if (a->lookups > TM_SPF_LOOKUP_LIMIT) {
        st = tm_finding_set(out, TM_CHECK_FAIL, _("SPF needs %s%u DNS lookups; the limit is %u"),
                            atleast, a->lookups, TM_SPF_LOOKUP_LIMIT);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Past %u lookups receivers stop with permerror, and "
                                          "mail can be rejected (RFC 7208 section 4.6.4)."),
                                   TM_SPF_LOOKUP_LIMIT);
    } else if (offline_partial(a)) {
        st = tm_finding_set(out, TM_CHECK_SKIP,
                            _("Offline: at least %u DNS lookups; the rest of the tree is "
                              "unknown"),
                            a->lookups);
    } else if (a->dns_errors) {
        /* A subtree that could not be fetched may hold any number of
         * lookups: the count is a lower bound, so no verdict. */
        st = tm_finding_set(out, TM_CHECK_ERROR,
                            _("At least %u DNS lookups; part of the SPF tree could not be "
                              "fetched"),
                            a->lookups);
    } else if (a->lookups + 1 >= TM_SPF_LOOKUP_LIMIT) {
        st = tm_finding_set(out, TM_CHECK_WARN,
                            _("SPF needs %u DNS lookups: no headroom below the limit of %u"),
                            a->lookups, TM_SPF_LOOKUP_LIMIT);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("One more include by a mail provider breaks SPF "
                                          "for every message."));
    } else {
        return tm_finding_set(out, TM_CHECK_PASS, _("SPF needs %u DNS lookups (limit %u)"),
                              a->lookups, TM_SPF_LOOKUP_LIMIT);
    }
    bool verdict = out->status != TM_CHECK_SKIP && out->status != TM_CHECK_ERROR;
    if (st == TM_OK && verdict)
        st = branch_counts(a, out);
    if (st == TM_OK && verdict && a->legacy_depth >= 0) {
        st = tm_finding_fix(out, _("Replace the legacy include (%u lookups) with %s (1):"),
                            a->legacy_lookups, ctx->rules->spf_include);
        if (st == TM_OK)
            st = tm_spf_fix_line(ctx, out);
    } else if (st == TM_OK && verdict) {
        st = tm_finding_fix(out, _("Remove includes you no longer use, or replace an include "
                                   "by the ip4:/ip6: ranges it lists; keep %s first:"),
                            ctx->rules->spf_include);
        if (st == TM_OK)
            st = tm_spf_fix_line(ctx, out);
    }
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
        return tm_finding_set(out, TM_CHECK_PASS, _("%u void lookups (limit %u)"),
                              a->void_lookups, TM_SPF_VOID_LIMIT);
    st = tm_finding_set(out, TM_CHECK_FAIL,
                        _("%u lookups find no record; more than %u is a permerror"),
                        a->void_lookups, TM_SPF_VOID_LIMIT);
    if (st == TM_OK)
        st = list_flagged(a, TM_SPF_TF_VOID, out);
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Remove the terms that name hosts or domains that no "
                                   "longer exist (RFC 7208 section 4.6.4)."));
    if (st == TM_OK && tm_spf_fix_drops_void(ctx))
        st = tm_spf_fix_line(ctx, out);
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
                              _("Every mx term names at most %u mail hosts"), TM_SPF_MX_LIMIT);
    st = tm_finding_set(out, TM_CHECK_FAIL,
                        _("An mx term resolves more than %u MX names: permerror"),
                        TM_SPF_MX_LIMIT);
    if (st == TM_OK)
        st = list_flagged(a, TM_SPF_TF_MX_OVERFLOW, out);
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
                        _("The SPF tree has %u include/redirect loops: permerror"), a->loops);
    if (st == TM_OK)
        st = list_flagged(a, TM_SPF_TF_LOOP, out);
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
                            _("%u include/redirect targets do not have exactly one SPF record: "
                              "permerror"),
                            a->bad_targets);
        for (size_t i = 0; a->tree && i < a->tree->nnodes && st == TM_OK; i++) {
            const tm_spf_node_t *node = a->tree->nodes[i];
            if (node->depth == 0 || (node->status != TM_SPF_NODE_NO_RECORD &&
                                     node->status != TM_SPF_NODE_MULTIPLE &&
                                     node->status != TM_SPF_NODE_BAD_NAME))
                continue;
            st = tm_finding_detail(out, _("  %s: %s (%zu records)"), node->domain,
                                   tm_spf_node_status_name(node->status), node->nrecords);
        }
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Fix or remove the include: its target must publish "
                                       "exactly one v=spf1 record."));
        return st;
    }
    if (a->dns_errors) {
        st = tm_finding_set(out, TM_CHECK_ERROR,
                            _("%u lookups in the SPF tree failed: receivers get temperror"),
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
                              _("Offline: the records of %u names in the SPF tree are unknown"),
                              a->offline_unknown);
    return tm_finding_set(out, TM_CHECK_PASS,
                          _("Every include and redirect target has one SPF record"));
}

tm_status_t tm_check_spf_all(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
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
            st = tm_finding_fix(out, _("End the record in ~all (Softfail) or -all (Fail) "
                                       "instead."));
        if (st == TM_OK)
            st = tm_spf_fix_line(ctx, out);
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
                                      "Fail, with ~all as Softfail (seed: Step 2-3)."));
    if (st == TM_OK)
        st = tm_finding_fix(out, _("End the record in ~all or -all."));
    if (st == TM_OK)
        st = tm_spf_fix_line(ctx, out);
    return st;
}

tm_status_t tm_check_spf_tmems_ranges(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_status_t st;
    const tm_spf_analysis_t *a = usable(ctx, out, true, &st);
    if (!a)
        return st;
    if (!a->ranges) {
        if (offline_partial(a))
            return tm_finding_set(out, TM_CHECK_SKIP,
                                  _("Offline: part of the SPF tree is unknown"));
        return tm_finding_set(out, TM_CHECK_ERROR,
                              _("The ranges could not be evaluated: the SPF tree is "
                                "incomplete"));
    }
    size_t failing = 0, erring = 0, addresses = 0;
    for (size_t i = 0; i < a->nranges; i++) {
        addresses += (size_t)tm_cidr_size_v4(&a->ranges[i].range);
        for (size_t j = 0; j < a->ranges[i].nparts; j++) {
            tm_spf_result_t r = a->ranges[i].parts[j].result;
            if (r == TM_SPF_TEMPERROR)
                erring++;
            else if (r != TM_SPF_PASS)
                failing++;
        }
    }
    if (!failing && !erring)
        return tm_finding_set(out, TM_CHECK_PASS,
                              _("check_host() gives pass for all %zu addresses of the %zu "
                                "data-center ranges"),
                              addresses, a->nranges);
    if (!failing && offline_partial(a))
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("Offline: part of the SPF tree is unknown"));
    st = failing ? tm_finding_set(out, TM_CHECK_FAIL,
                                  _("Some data-center addresses do not pass SPF: mail TMEmS "
                                    "sends from them can be rejected"))
                 : tm_finding_set(out, TM_CHECK_ERROR,
                                  _("Some data-center addresses get temperror: DNS did not "
                                    "answer"));
    for (size_t i = 0; i < a->nranges && st == TM_OK; i++) {
        const tm_spf_range_t *r = &a->ranges[i];
        const tm_rules_range_t *rule = i < ctx->rules->nranges ? &ctx->rules->ranges[i] : NULL;
        for (size_t j = 0; j < r->nparts && st == TM_OK; j++) {
            const tm_spf_subrange_t *part = &r->parts[j];
            if (part->result == TM_SPF_PASS)
                continue;
            char cidr[64];
            tm_cidr_format(&part->cidr, cidr, sizeof(cidr));
            st = tm_finding_detail(out, _("  %-18s %s (after %u lookups)%s%s"), cidr,
                                   tm_spf_result_name(part->result), part->lookups,
                                   rule && rule->since ? _(", added ") : "",
                                   rule && rule->since ? rule->since : "");
        }
    }
    if (st == TM_OK && failing)
        st = tm_finding_fix(out, _("Include %s within the first 10 lookups instead of "
                                   "listing the ranges yourself:"),
                            ctx->rules->spf_include);
    if (st == TM_OK && failing)
        st = tm_spf_fix_line(ctx, out);
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
                        _("%zu ip4:/ip6: terms hard-code data-center ranges"), a->nhardcoded);
    for (size_t i = 0; i < a->nhardcoded && st == TM_OK; i++)
        st = tm_finding_detail(out, "  %s: %s", a->hardcoded[i].node->domain,
                               a->hardcoded[i].term->text);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("The ranges change: on 2024-08-21 three were added "
                                      "(seed 004), and hard-coded records missed them."));
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Use the include instead of the addresses:"));
    if (st == TM_OK)
        st = tm_spf_fix_line(ctx, out);
    return st;
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
                            _("The TXT answer is %zu bytes: over 512, receivers must retry "
                              "over TCP"),
                            a->txt_wire_size);
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Remove TXT records you no longer need at the apex "
                                       "(old verifications), or shorten the SPF record."));
        return st;
    }
    if (a->max_txt_string > 255)
        return tm_finding_set(out, TM_CHECK_WARN,
                              _("A TXT string is %zu bytes; the limit is 255"),
                              a->max_txt_string);
    if (a->txt_wire_size == 0)
        return tm_finding_set(out, TM_CHECK_PASS,
                              _("Every TXT string is at most 255 bytes (answer size unknown: "
                                "not from DNS)"));
    return tm_finding_set(out, TM_CHECK_PASS, _("The TXT answer is %zu bytes (at most 512)"),
                          a->txt_wire_size);
}
