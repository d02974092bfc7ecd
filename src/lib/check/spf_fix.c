/* spf_fix.c - the record to publish instead of the current one. */
#include <string.h>

#include "check/checks.h"
#include "check/spf_fix.h"
#include "util/tm_i18n.h"

/* True when the site include sits where check_host reaches it: no term
 * before it has already spent the limit of 10 lookups. */
static bool include_reachable(const tm_spf_analysis_t *a, const char *include)
{
    const tm_spf_node_t *root = a->tree ? a->tree->root : NULL;
    if (!root || !root->record)
        return false;
    unsigned spent = 0;
    for (size_t i = 0; i < root->nterms; i++) {
        const tm_spf_tterm_t *t = &root->terms[i];
        if (t->term->kind == TM_SPF_INCLUDE && t->term->domain &&
            tm_name_equal(t->term->domain, include))
            return spent < TM_SPF_LOOKUP_LIMIT;
        spent += t->lookups;
    }
    return false;
}

static bool is_include_of(const tm_spf_term_t *term, const char *name)
{
    return name && term->kind == TM_SPF_INCLUDE && term->domain &&
           tm_name_equal(term->domain, name);
}

/* True when every address of net lies in the data-center ranges: the site
 * include authorises all of them, so the term adds nothing but a copy that
 * goes stale when the ranges change (seed 004).  Halves net until each half
 * is inside one range or holds none; at most 128 levels. */
static bool covered_by_ranges(const tm_rules_t *rules, const tm_cidr_t *net)
{
    unsigned bits = net->addr.family == 4 ? 32 : 128;
    bool some_inside = false;
    for (size_t i = 0; i < rules->nranges; i++) {
        const tm_cidr_t *r = &rules->ranges[i].net;
        if (r->addr.family != net->addr.family)
            continue;
        if (r->prefix <= net->prefix && tm_ip_prefix_match(&r->addr, &net->addr, r->prefix))
            return true;
        if (r->prefix > net->prefix && tm_ip_prefix_match(&r->addr, &net->addr, net->prefix))
            some_inside = true;
    }
    if (!some_inside || net->prefix >= bits)
        return false;
    tm_cidr_t low = *net, high = *net;
    low.prefix = high.prefix = (uint8_t)(net->prefix + 1);
    high.addr.bytes[net->prefix / 8] |= (uint8_t)(0x80u >> (net->prefix % 8));
    return covered_by_ranges(rules, &low) && covered_by_ranges(rules, &high);
}

/* A term that names a host or domain that does not exist (NXDOMAIN, or a
 * name that cannot be queried) matches no address for any client, IPv4 or
 * IPv6, and only spends one of the 2 void lookups (RFC 7208 section 4.6.4).
 * A NODATA answer is kept: the host may have the other address type. */
static bool is_dead_term(const tm_spf_tterm_t *t)
{
    return (t->flags & TM_SPF_TF_VOID) &&
           (t->outcome == TM_DNS_NXDOMAIN || (t->flags & TM_SPF_TF_BAD_TARGET)) &&
           (t->term->kind == TM_SPF_A || t->term->kind == TM_SPF_MX ||
            t->term->kind == TM_SPF_EXISTS);
}

bool tm_spf_fix_drops_void(const tm_check_ctx_t *ctx)
{
    const tm_spf_node_t *root = ctx->spf && ctx->spf->tree ? ctx->spf->tree->root : NULL;
    for (size_t i = 0; root && root->record && i < root->nterms; i++) {
        if (is_dead_term(&root->terms[i]))
            return true;
    }
    return false;
}

tm_status_t tm_spf_suggest_record(const tm_check_ctx_t *ctx, tm_buf_t *out)
{
    const tm_rules_t *rules = ctx->rules;
    const tm_spf_analysis_t *a = ctx->spf;
    const tm_spf_node_t *root = a && a->tree ? a->tree->root : NULL;
    if (!root || !root->record)
        return tm_buf_printf(out, "v=spf1 include:%s ~all", rules->spf_include);

    const tm_spf_record_t *rec = root->record;
    bool put_first = !include_reachable(a, rules->spf_include);
    tm_status_t st = tm_buf_puts(out, "v=spf1");
    if (st == TM_OK && put_first)
        st = tm_buf_printf(out, " include:%s", rules->spf_include);
    for (size_t i = 0; i < rec->nterms && st == TM_OK; i++) {
        const tm_spf_term_t *term = &rec->terms[i];
        /* The legacy chain authorises every site through nested includes
         * (seed 004): the site record replaces it at a third of the cost. */
        if (is_include_of(term, rules->spf_legacy))
            continue;
        if (put_first && is_include_of(term, rules->spf_include))
            continue;
        if ((term->kind == TM_SPF_IP4 || term->kind == TM_SPF_IP6) &&
            covered_by_ranges(rules, &term->net))
            continue;
        if (i < root->nterms && is_dead_term(&root->terms[i]))
            continue;
        /* +all lets anyone send and ?all protects nothing (CHECKS.md
         * spf.all); ~all keeps what a receiver does with other senders
         * mild while the record is being completed. */
        if (term == rec->all && (term->qualifier == TM_SPF_Q_PASS ||
                                 term->qualifier == TM_SPF_Q_NEUTRAL)) {
            st = tm_buf_puts(out, " ~all");
            continue;
        }
        st = tm_buf_printf(out, " %s", term->text);
    }
    /* Without all or redirect= the result for other senders is neutral
     * (RFC 7208 section 4.7). */
    if (st == TM_OK && !rec->all && !rec->redirect)
        st = tm_buf_puts(out, " ~all");
    return st;
}

tm_status_t tm_spf_fix_line(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    tm_buf_t record, line;
    tm_buf_init(&record);
    tm_buf_init(&line);
    tm_status_t st = tm_spf_suggest_record(ctx, &record);
    if (st == TM_OK)
        st = tm_buf_printf(&line, "%s. 3600 IN TXT", ctx->domain);
    /* Strings are joined without a separator (RFC 7208 section 3.3), so a
     * cut before a space reads naturally and means the same. */
    for (size_t at = 0, n; st == TM_OK && at < record.len; at += n) {
        n = record.len - at;
        if (n > 255) {
            n = 255;
            while (n > 1 && record.data[at + n] != ' ')
                n--;
            if (n == 1)
                n = 255; /* one term longer than a string: cut inside it */
        }
        st = tm_buf_printf(&line, " \"%.*s\"", (int)n, record.data + at);
    }
    if (st == TM_OK)
        st = tm_finding_fix_record(out, "%s", line.data);
    tm_buf_clear(&record);
    tm_buf_clear(&line);
    return st;
}
