/* mx_spf_keep.c - the MX lines of a Fix, and the SPF record they need so
 * that no sender loses SPF: an mx term (RFC 7208 section 5.4) authorises
 * whatever the MX names, so replacing the MX records changes what it
 * authorises.  Each candidate is proven with check_host() before, and the
 * Fix is printed as records only when one holds. */
#include <string.h>

#include "checks.h"
#include "mx_spf_keep.h"
#include "spf_proof.h"
#include "spf_zone.h"
#include "tmems/tm_i18n.h"

typedef enum {
    USE_NONE = 0, /* no mx term names the domain: the MX is SPF's business not */
    USE_APEX,     /* only terms of the apex record do */
    USE_NESTED,   /* a record the domain includes has one */
    USE_UNKNOWN   /* the apex record has one, but the tree cannot be evaluated */
} mx_use_t;

static bool names_domain(const tm_check_ctx_t *ctx, const tm_spf_term_t *t, const char *target)
{
    return t->kind == TM_SPF_MX && target && tm_name_equal(target, ctx->domain);
}

/* Without the analysis (the outbound checks did not run): the apex record
 * alone tells whether an mx term is there. */
static mx_use_t use_in_record(const tm_check_ctx_t *ctx, tm_status_t *st)
{
    const tm_rr_t *rr = NULL;
    if (tm_spf_select(tm_ctx_txt(ctx), &rr, NULL) != TM_SPF_SEL_ONE)
        return USE_NONE;
    tm_spf_partial_t partial;
    if ((*st = tm_spf_parse_partial(rr->u.txt.data, rr->u.txt.len, &partial)) != TM_OK)
        return USE_UNKNOWN;
    mx_use_t use = USE_NONE;
    for (size_t i = 0; partial.record && i < partial.record->nterms; i++) {
        const tm_spf_term_t *t = &partial.record->terms[i];
        if (names_domain(ctx, t, t->spec ? t->domain : ctx->domain))
            use = USE_UNKNOWN;
    }
    tm_spf_partial_clear(&partial);
    return use;
}

static mx_use_t mx_use(const tm_check_ctx_t *ctx, tm_status_t *st)
{
    const tm_spf_analysis_t *a = ctx->spf;
    *st = TM_OK;
    if (!a)
        return use_in_record(ctx, st);
    if (a->nrecords == 0)
        return USE_NONE;
    if (!a->tree)
        return USE_UNKNOWN;
    bool apex = false, nested = false;
    for (size_t i = 0; i < a->tree->nnodes; i++) {
        const tm_spf_node_t *node = a->tree->nodes[i];
        for (size_t k = 0; k < node->nterms; k++) {
            if (!names_domain(ctx, node->terms[k].term, node->terms[k].target))
                continue;
            apex |= node->depth == 0;
            nested |= node->depth > 0;
        }
    }
    if (!apex && !nested)
        return USE_NONE;
    if (!a->complete || !a->syntax_ok || a->partial || a->lower_bound || a->nrecords != 1)
        return USE_UNKNOWN;
    return nested ? USE_NESTED : USE_APEX;
}

static tm_status_t mx_lines(const tm_check_ctx_t *ctx, uint32_t ttl, const tm_mx_fix_host_t *hosts,
                            size_t n, bool records, tm_finding_t *out)
{
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < n && st == TM_OK; i++)
        st = records ? tm_finding_fix_record(out, "%s. %u IN MX %u %s.", ctx->domain, ttl,
                                             hosts[i].preference, hosts[i].host)
                     : tm_finding_fix(out, "%s. %u IN MX %u %s.", ctx->domain, ttl,
                                      hosts[i].preference, hosts[i].host);
    return st;
}

static bool kept_host(const tm_mx_fix_host_t *hosts, size_t n, const char *host)
{
    for (size_t i = 0; i < n; i++) {
        if (tm_name_equal(hosts[i].host, host))
            return true;
    }
    return false;
}

/* The hosts of today's MX set that the Fix takes away, ", "-separated. */
static tm_status_t removed_hosts(const tm_check_ctx_t *ctx, const tm_mx_fix_host_t *hosts,
                                 size_t n, tm_buf_t *names, bool *known)
{
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    tm_status_t st = tm_buf_puts(names, "");
    *known = true;
    for (size_t i = 0; mx && mx->outcome == TM_DNS_NOERROR && i < mx->count && st == TM_OK; i++) {
        const char *host = mx->rrs[i].u.mx.host;
        if (!host[0] || kept_host(hosts, n, host))
            continue;
        st = tm_buf_printf(names, "%s%s", names->len ? _(", ") : "", host);
        const tm_answer_t *a = tm_rrset_get(ctx->rrset, host, TM_RR_A);
        const tm_answer_t *aaaa = tm_rrset_get(ctx->rrset, host, TM_RR_AAAA);
        for (size_t k = 0; k < 2; k++) {
            const tm_answer_t *ans = k ? aaaa : a;
            if (!ans || (ans->outcome != TM_DNS_NOERROR && ans->outcome != TM_DNS_NODATA &&
                         ans->outcome != TM_DNS_NXDOMAIN))
                *known = false;
        }
    }
    return st;
}

/* The new MX answer the Fix publishes. */
static tm_answer_t *mx_answer(const tm_check_ctx_t *ctx, uint32_t ttl,
                              const tm_mx_fix_host_t *hosts, size_t n)
{
    tm_answer_t *ans = tm_answer_create(ctx->domain, TM_RR_MX, TM_DNS_NOERROR);
    for (size_t i = 0; ans && i < n; i++) {
        if (tm_answer_add_mx(ans, ttl, hosts[i].preference, hosts[i].host) != TM_OK) {
            tm_answer_unref(ans);
            ans = NULL;
        }
    }
    return ans;
}

static void cidr_text(const tm_cidr_t *net, tm_spf_qualifier_t q, tm_buf_t *out, tm_status_t *st)
{
    char addr[64];
    tm_ip_format(&net->addr, addr, sizeof(addr));
    bool v4 = net->addr.family == 4;
    const char *qual = q == TM_SPF_Q_PASS ? "" : (const char[]){(char)q, '\0'};
    if (*st != TM_OK)
        return;
    *st = net->prefix == (v4 ? 32 : 128)
              ? tm_buf_printf(out, " %s%s:%s", qual, v4 ? "ip4" : "ip6", addr)
              : tm_buf_printf(out, " %s%s:%s/%u", qual, v4 ? "ip4" : "ip6", addr, net->prefix);
}

/* The apex record with the networks of the hosts that go right after each
 * mx term that names the domain (its qualifier and CIDR lengths): those
 * addresses match at the same place as before.  *added gets their text. */
static tm_status_t kept_record(const tm_check_ctx_t *ctx, const tm_mx_fix_host_t *hosts, size_t n,
                               tm_buf_t *record, tm_buf_t *added)
{
    const tm_spf_node_t *root = ctx->spf->tree->root;
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    tm_status_t st = tm_buf_puts(record, "v=spf1");
    for (size_t i = 0; i < root->nterms && st == TM_OK; i++) {
        const tm_spf_tterm_t *t = &root->terms[i];
        st = tm_buf_printf(record, " %s", t->term->text);
        if (!names_domain(ctx, t->term, t->target))
            continue;
        tm_spf_nets_t nets;
        tm_spf_nets_init(&nets);
        for (size_t h = 0; mx && mx->outcome == TM_DNS_NOERROR && h < mx->count && st == TM_OK;
             h++) {
            const char *host = mx->rrs[h].u.mx.host;
            if (host[0] && !kept_host(hosts, n, host))
                st = tm_spf_nets_of_host(&nets, ctx->rrset, host, t->term->cidr4,
                                         t->term->cidr6);
        }
        for (size_t k = 0; k < nets.count; k++) {
            cidr_text(&nets.items[k], t->term->qualifier, record, &st);
            cidr_text(&nets.items[k], t->term->qualifier, added, &st);
        }
        tm_spf_nets_clear(&nets);
    }
    return st;
}

/* What the mx terms of the apex add with the new hosts (they may pass
 * after the change only). */
static tm_status_t new_host_nets(const tm_check_ctx_t *ctx, const tm_mx_fix_host_t *hosts,
                                 size_t n, tm_spf_nets_t *gain)
{
    const tm_spf_tree_t *tree = ctx->spf->tree;
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < tree->nnodes && st == TM_OK; i++) {
        const tm_spf_node_t *node = tree->nodes[i];
        for (size_t k = 0; k < node->nterms && st == TM_OK; k++) {
            const tm_spf_tterm_t *t = &node->terms[k];
            for (size_t h = 0; h < n && st == TM_OK && names_domain(ctx, t->term, t->target); h++)
                st = tm_spf_nets_of_host(gain, ctx->rrset, hosts[h].host, t->term->cidr4,
                                         t->term->cidr6);
        }
    }
    return st;
}

/* Proves the replacement answers against today's: *same when check_host()
 * passes the same addresses (the new MX hosts' aside). */
static tm_status_t prove(const tm_check_ctx_t *ctx, tm_answer_t **answers, size_t n,
                         const tm_spf_nets_t *gain, tm_spf_proof_t *proof, bool *same)
{
    const tm_spf_analysis_t *a = ctx->spf;
    tm_rrset_t *after = NULL;
    tm_spf_nets_t nets;
    tm_spf_nets_init(&nets);
    *same = false;
    tm_status_t st = tm_rrset_patched(ctx->rrset, answers, n, &after);
    if (st == TM_OK)
        st = tm_spf_nets_from_tree(&nets, a->tree, ctx->rrset);
    for (size_t i = 0; i < gain->count && st == TM_OK; i++)
        st = tm_spf_nets_add(&nets, &gain->items[i]);
    /* The same limits on both sides: a tree over the limit is spf.lookups'
     * business; here only the MX change is judged. */
    unsigned limit = a->lookups > TM_SPF_LOOKUP_LIMIT ? a->lookups : TM_SPF_LOOKUP_LIMIT;
    tm_spf_proof_input_t in = {ctx->rrset, after, limit, limit, ctx->domain, &nets,
                               ctx->rules, gain};
    if (st == TM_OK)
        st = tm_spf_prove(&in, proof);
    *same = st == TM_OK && proof->complete && proof->same;
    /* The count the checks give must not get worse either. */
    if (*same) {
        tm_spf_analysis_t *a2 = NULL;
        st = tm_spf_analysis_build(after, ctx->domain, ctx->rules, NULL, &a2);
        *same = st == TM_OK && a2->lookups <= a->lookups &&
                a2->void_lookups <= (a->void_lookups > TM_SPF_VOID_LIMIT ? a->void_lookups
                                                                         : TM_SPF_VOID_LIMIT);
        tm_spf_analysis_destroy(a2);
    }
    tm_spf_nets_clear(&nets);
    tm_rrset_destroy(after);
    return st;
}

static tm_status_t say_decide(const tm_check_ctx_t *ctx, mx_use_t use, const char *removed,
                              tm_finding_t *out)
{
    if (use == USE_UNKNOWN)
        return tm_finding_fix(out, _("These lines are not a complete Fix: the SPF record has an mx "
                                     "term, which also authorises %s today, and the SPF tree "
                                     "cannot be evaluated to the end (offline, a DNS error, or a "
                                     "record that does not parse) to prove what the change takes "
                                     "away. If "
                                     "those hosts send mail, add their addresses to the SPF "
                                     "record as ip4:/ip6: terms in the same edit."),
                              removed);
    return tm_finding_fix(out, _("These lines are not a complete Fix: an mx term of the SPF tree "
                                 "(in %s) also authorises %s today, and this change takes that "
                                 "away. If those hosts send mail, add their addresses as "
                                 "ip4:/ip6: terms where the mx term is, in the same edit; "
                                 "whether they do is yours to know."),
                          use == USE_NESTED ? _("a record the domain includes") : ctx->domain,
                          removed);
}

tm_status_t tm_mx_fix_lines(const tm_check_ctx_t *ctx, uint32_t ttl,
                            const tm_mx_fix_host_t *hosts, size_t n, tm_finding_t *out)
{
    tm_status_t st;
    mx_use_t use = mx_use(ctx, &st);
    if (st != TM_OK)
        return st;
    if (use == USE_NONE)
        return mx_lines(ctx, ttl, hosts, n, true, out);
    tm_buf_t removed, record, added;
    tm_buf_init(&removed);
    tm_buf_init(&record);
    tm_buf_init(&added);
    tm_spf_nets_t gain;
    tm_spf_nets_init(&gain);
    tm_spf_proof_t proof;
    memset(&proof, 0, sizeof(proof));
    bool known = false, same = false, with_spf = false;
    st = removed_hosts(ctx, hosts, n, &removed, &known);
    if (st == TM_OK && use != USE_UNKNOWN)
        st = new_host_nets(ctx, hosts, n, &gain);
    /* The MX alone first: the hosts that go may authorise nothing the rest
     * of the record does not (or nothing at all, an mx term over 10 names). */
    if (st == TM_OK && use != USE_UNKNOWN) {
        tm_answer_t *ans = mx_answer(ctx, ttl, hosts, n);
        st = ans ? prove(ctx, &ans, 1, &gain, &proof, &same) : TM_ENOMEM;
    }
    if (st == TM_OK && !same && use == USE_APEX && known) {
        size_t size = SIZE_MAX;
        st = kept_record(ctx, hosts, n, &record, &added);
        if (st == TM_OK)
            st = tm_spf_apex_answer_size(ctx, record.data, record.len, &size);
        if (st == TM_OK && size <= 512) {
            tm_answer_t *answers[2] = {mx_answer(ctx, ttl, hosts, n),
                                       tm_spf_apex_answer(ctx, record.data, record.len)};
            if (answers[0] && answers[1]) {
                st = prove(ctx, answers, 2, &gain, &proof, &same);
            } else {
                tm_answer_unref(answers[0]);
                tm_answer_unref(answers[1]);
                st = TM_ENOMEM;
            }
            with_spf = same;
        }
    }
    if (st == TM_OK)
        st = mx_lines(ctx, ttl, hosts, n, same, out);
    if (st == TM_OK && with_spf)
        st = tm_finding_fix(out, _("The SPF record's mx term authorises the MX hosts, so it would "
                               "no longer authorise %s. So that mail from there keeps passing "
                               "SPF, publish in the same edit the SPF record with their "
                               "addresses after mx (%s):"),
                            removed.data, added.len ? added.data + 1 : "");
    if (st == TM_OK && with_spf)
        st = tm_spf_zone_line(ctx->domain, 3600, record.data, record.len, out);
    if (st == TM_OK && with_spf)
        st = tm_finding_fix(out,
                            dngettext(TM_TEXTDOMAIN,
                                      "Proof: check_host() gives pass to the same addresses as "
                                      "today, besides the new MX host's, over the %zu network "
                                      "the SPF tree names and the data-center ranges. If those "
                                      "hosts send no mail, the SPF record can stay as it is.",
                                      "Proof: check_host() gives pass to the same addresses as "
                                      "today, besides the new MX host's, over the %zu networks "
                                      "the SPF tree names and the data-center ranges. If those "
                                      "hosts send no mail, the SPF record can stay as it is.",
                                      proof.networks),
                            proof.networks);
    /* Answers the proof lacks (offline names, DNS errors): nothing is
     * known of what the change takes away. */
    if (st == TM_OK && !same && use != USE_UNKNOWN && !proof.complete)
        use = USE_UNKNOWN;
    if (st == TM_OK && !same)
        st = say_decide(ctx, use, removed.data, out);
    tm_spf_nets_clear(&gain);
    tm_buf_clear(&removed);
    tm_buf_clear(&record);
    tm_buf_clear(&added);
    return st;
}

tm_status_t tm_mx_fix_needs(const tm_check_ctx_t *ctx, tm_questions_t *need)
{
    char host[TM_NAME_MAX + 1];
    tm_status_t st = TM_OK;
    mx_use_t use = ctx->spf ? mx_use(ctx, &st) : USE_NONE;
    if (st != TM_OK)
        return st;
    if ((use != USE_APEX && use != USE_NESTED) || !tm_ctx_company_valid(ctx) ||
        !tm_rules_inbound_host(ctx->rules, ctx->company, host, sizeof(host)))
        return TM_OK;
    st = tm_questions_add(need, ctx->rrset, host, TM_RR_A);
    return st == TM_OK ? tm_questions_add(need, ctx->rrset, host, TM_RR_AAAA) : st;
}
