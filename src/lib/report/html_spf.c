/* html_spf.c - the SPF part of the HTML report: the worst-case tree as
 * nested <details> (they open and close without a script) with the lookups
 * of each branch (docs/checks.md "Counting SPF lookups"), the budget of 10
 * lookups and 2 void lookups (RFC 7208 section 4.6.4), check_host() over
 * the data-center ranges, and every record the run read with its TTL. */
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "tmems/tm_spf.h"
#include "tmems/tm_i18n.h"

/* A bar of `limit` steps: the fill is a width class (w0..w10), since the
 * page's policy allows no style attribute. */
static tm_status_t budget(tm_buf_t *out, const char *label, unsigned used, unsigned limit,
                          bool at_least, const char *cls)
{
    unsigned tenths = limit ? (used >= limit ? 10u : used * 10u / limit) : 0u;
    const char *tone = used > limit ? " over" : (used + (limit > 2 ? 1u : 0u) >= limit && used)
                                                    ? " near"
                                                    : "";
    tm_status_t st = tm_buf_printf(out, "<div class=\"budget %s\" data-used=\"%u\" "
                                        "data-limit=\"%u\"><span class=\"label\">",
                                   cls, used, limit);
    if (st == TM_OK)
        st = html_cstr(out, label);
    if (st == TM_OK)
        st = tm_buf_printf(out, "</span><span class=\"bar\"><span class=\"fill w%u%s\">"
                                "</span></span><span class=\"count\">",
                           tenths, tone);
    if (st == TM_OK)
        st = html_printf(out, at_least ? _("at least %u of %u") : _("%u of %u"), used, limit);
    return st == TM_OK ? tm_buf_puts(out, "</span></div>\n") : st;
}

static tm_status_t badge(tm_buf_t *out, const char *word)
{
    tm_status_t st = tm_buf_puts(out, "<span class=\"badge\">");
    if (st == TM_OK)
        st = html_cstr(out, word);
    return st == TM_OK ? tm_buf_puts(out, "</span>") : st;
}

static tm_status_t term_badges(const tm_spf_tterm_t *t, tm_buf_t *out)
{
    static const struct {
        unsigned flag;
        const char *word;
    } flags[] = {{TM_SPF_TF_SENDER, N_("depends on the sender")},
                 {TM_SPF_TF_LOOP, N_("loop")},
                 {TM_SPF_TF_VOID, N_("void lookup")},
                 {TM_SPF_TF_IGNORED, N_("ignored: all is present")},
                 {TM_SPF_TF_MX_OVERFLOW, N_("more than 10 MX names")},
                 {TM_SPF_TF_DNS_ERROR, N_("DNS error")},
                 {TM_SPF_TF_OFFLINE, N_("offline: unknown")},
                 {TM_SPF_TF_BOUND, N_("not expanded: past the bound")},
                 {TM_SPF_TF_DEPTH, N_("not expanded: too deep")},
                 {TM_SPF_TF_PTR, N_("ptr: do not use")}};
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0] && st == TM_OK; i++) {
        if (t->flags & flags[i].flag)
            st = badge(out, _(flags[i].word));
    }
    return st;
}

static tm_status_t node_html(const tm_spf_node_t *node, tm_buf_t *out);

static tm_status_t lookups_cell(tm_buf_t *out, unsigned n, bool dns)
{
    return tm_buf_printf(out, "<span class=\"lk%s\">%u</span>", dns ? "" : " lk0", n);
}

/* One term: a leaf, or an include/redirect whose record opens below it.
 * Recursion is bounded by the tree's depth (TM_SPF_TREE_DEPTH_MAX). */
static tm_status_t term_html(const tm_spf_tterm_t *t, tm_buf_t *out)
{
    bool dns = tm_spf_kind_queries_dns(t->term->kind);
    tm_status_t st = tm_buf_printf(out, "<li class=\"term\" data-lookups=\"%u\">", t->lookups);
    if (st == TM_OK && t->child) {
        st = tm_buf_puts(out, "<details open class=\"branch\"><summary>");
        if (st == TM_OK)
            st = lookups_cell(out, t->lookups, dns);
        if (st == TM_OK)
            st = tm_buf_puts(out, "<code>");
        if (st == TM_OK)
            st = html_raw_cstr(out, t->term->text);
        if (st == TM_OK)
            st = tm_buf_puts(out, "</code>");
        if (st == TM_OK)
            st = term_badges(t, out);
        if (st == TM_OK)
            st = tm_buf_puts(out, "</summary>\n");
        if (st == TM_OK)
            st = node_html(t->child, out);
        if (st == TM_OK)
            st = tm_buf_puts(out, "</details>");
    } else {
        st = lookups_cell(out, t->lookups, dns);
        if (st == TM_OK)
            st = tm_buf_puts(out, "<code>");
        if (st == TM_OK)
            st = html_raw_cstr(out, t->term->text);
        if (st == TM_OK)
            st = tm_buf_puts(out, "</code>");
        if (st == TM_OK)
            st = term_badges(t, out);
    }
    return st == TM_OK ? tm_buf_puts(out, "</li>\n") : st;
}

/* A record of the tree: its name, what it costs, its text, its terms. */
static tm_status_t node_html(const tm_spf_node_t *node, tm_buf_t *out)
{
    tm_status_t st = tm_buf_puts(out, "<div class=\"node\"><code class=\"name\">");
    if (st == TM_OK)
        st = html_raw_cstr(out, node->domain);
    if (st == TM_OK)
        st = tm_buf_puts(out, "</code>");
    if (st == TM_OK && node->status != TM_SPF_NODE_OK)
        st = badge(out, tm_spf_node_status_name(node->status));
    if (st == TM_OK && node->text) {
        st = tm_buf_puts(out, "<code class=\"record\">");
        if (st == TM_OK)
            st = html_raw(out, node->text, node->text_len);
        if (st == TM_OK)
            st = tm_buf_puts(out, "</code>");
    }
    if (st == TM_OK)
        st = tm_buf_puts(out, "</div>\n<ul>\n");
    for (size_t i = 0; i < node->nterms && st == TM_OK; i++)
        st = term_html(&node->terms[i], out);
    return st == TM_OK ? tm_buf_puts(out, "</ul>\n") : st;
}

static tm_status_t heading(tm_buf_t *out, const char *text)
{
    tm_status_t st = tm_buf_puts(out, "<h4>");
    if (st == TM_OK)
        st = html_cstr(out, text);
    return st == TM_OK ? tm_buf_puts(out, "</h4>\n") : st;
}

static tm_status_t tree_html(const tm_spf_analysis_t *spf, size_t index, tm_buf_t *out)
{
    tm_status_t st = budget(out, _("DNS lookups"), spf->lookups, TM_SPF_LOOKUP_LIMIT,
                            spf->lower_bound, "lookups");
    if (st == TM_OK)
        st = budget(out, _("Void lookups"), spf->void_lookups, TM_SPF_VOID_LIMIT, false, "voids");
    if (st == TM_OK)
        st = tm_buf_printf(out, "<div class=\"tools\" hidden data-tree=\"tree-%zu\">"
                                "<button type=\"button\" data-open=\"1\">",
                           index + 1);
    if (st == TM_OK)
        st = html_cstr(out, _("Expand all"));
    if (st == TM_OK)
        st = tm_buf_puts(out, "</button><button type=\"button\" data-open=\"0\">");
    if (st == TM_OK)
        st = html_cstr(out, _("Collapse all"));
    if (st == TM_OK)
        st = tm_buf_puts(out, "</button></div>\n");
    if (st == TM_OK)
        st = heading(out, _("SPF tree (lookups per branch)"));
    if (st == TM_OK)
        st = tm_buf_printf(out, "<div class=\"tree\" id=\"tree-%zu\">\n", index + 1);
    if (st == TM_OK)
        st = node_html(spf->tree->root, out);
    return st == TM_OK ? tm_buf_puts(out, "</div>\n") : st;
}

static tm_status_t ranges_html(const tm_result_t *r, tm_buf_t *out)
{
    const tm_spf_analysis_t *spf = r->spf;
    const tm_rules_t *rules = r->rules;
    tm_status_t st = heading(out, _("Data-center ranges: check_host() for every address"));
    if (st == TM_OK)
        st = tm_buf_puts(out, "<table class=\"ranges\">\n<thead><tr><th>");
    static const char *const heads[] = {N_("Range"), N_("Added"), N_("Result"),
                                        N_("Lookups")};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0] && st == TM_OK; i++) {
        if (i > 0)
            st = tm_buf_puts(out, "</th><th>");
        if (st == TM_OK)
            st = html_cstr(out, _(heads[i]));
    }
    if (st == TM_OK)
        st = tm_buf_puts(out, "</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < spf->nranges && st == TM_OK; i++) {
        const tm_spf_range_t *range = &spf->ranges[i];
        const tm_rules_range_t *rule = rules && i < rules->nranges ? &rules->ranges[i] : NULL;
        bool all_pass = true;
        unsigned lookups = 0;
        for (size_t k = 0; k < range->nparts; k++) {
            all_pass &= range->parts[k].result == TM_SPF_PASS;
            if (range->parts[k].lookups > lookups)
                lookups = range->parts[k].lookups;
        }
        char cidr[64];
        tm_cidr_format(&range->range, cidr, sizeof cidr);
        st = tm_buf_printf(out, "<tr class=\"%s\"><td><code>", all_pass ? "r-pass" : "r-bad");
        if (st == TM_OK)
            st = html_cstr(out, rule ? rule->cidr : cidr);
        if (st == TM_OK)
            st = tm_buf_puts(out, "</code></td><td>");
        if (st == TM_OK && rule && rule->since)
            st = html_cstr(out, rule->since);
        if (st == TM_OK)
            st = tm_buf_puts(out, "</td><td>");
        for (size_t k = 0; k < range->nparts && st == TM_OK; k++) {
            const tm_spf_subrange_t *part = &range->parts[k];
            if (range->nparts == 1) {
                st = html_cstr(out, tm_spf_result_name(part->result));
                continue;
            }
            tm_cidr_format(&part->cidr, cidr, sizeof cidr);
            st = html_printf(out, "%s%s %s", k ? ", " : "", cidr,
                             tm_spf_result_name(part->result));
        }
        if (st == TM_OK)
            st = tm_buf_printf(out, "</td><td>%u</td></tr>\n", lookups);
    }
    return st == TM_OK ? tm_buf_puts(out, "</tbody>\n</table>\n") : st;
}

tm_status_t html_spf(const tm_result_t *r, size_t index, tm_buf_t *out)
{
    const tm_spf_analysis_t *spf = r->spf;
    if (!spf)
        return TM_OK;
    tm_status_t st = tm_buf_printf(out, "<div class=\"spf\" id=\"spf-%zu\">\n", index + 1);
    if (st == TM_OK && spf->tree && spf->nrecords == 1)
        st = tree_html(spf, index, out);
    if (st == TM_OK && spf->ranges)
        st = ranges_html(r, out);
    return st == TM_OK ? tm_buf_puts(out, "</div>\n") : st;
}

/* ---- the records read ----------------------------------------------------------- */

/* One record's data as a zone file writes it; TXT strings each quoted. */
static tm_status_t rr_data(const tm_rr_t *rr, tm_buf_t *out)
{
    char addr[64];
    switch (rr->type) {
    case TM_RR_A:
    case TM_RR_AAAA: {
        tm_ip_t ip = {.family = rr->type == TM_RR_A ? 4 : 6};
        memcpy(ip.bytes, rr->type == TM_RR_A ? rr->u.a : rr->u.aaaa,
               rr->type == TM_RR_A ? 4 : 16);
        tm_ip_format(&ip, addr, sizeof addr);
        return html_cstr(out, addr);
    }
    case TM_RR_MX: {
        tm_status_t st = tm_buf_printf(out, "%u ", (unsigned)rr->u.mx.preference);
        return st == TM_OK ? html_raw_cstr(out, rr->u.mx.host[0] ? rr->u.mx.host : ".") : st;
    }
    case TM_RR_TXT: {
        tm_status_t st = TM_OK;
        size_t off = 0;
        for (size_t i = 0; i < rr->u.txt.nstrings && st == TM_OK; i++) {
            size_t n = rr->u.txt.string_lens ? rr->u.txt.string_lens[i] : rr->u.txt.len;
            if (n > rr->u.txt.len - off)
                n = rr->u.txt.len - off;
            st = tm_buf_puts(out, i ? " &quot;" : "&quot;");
            if (st == TM_OK) {
                tm_buf_t q;
                tm_buf_init(&q);
                st = tm_text_escape_quoted(&q, rr->u.txt.data + off, n);
                if (st == TM_OK)
                    st = html_text(out, q.data ? q.data : "", q.len);
                tm_buf_clear(&q);
            }
            if (st == TM_OK)
                st = tm_buf_puts(out, "&quot;");
            off += n;
        }
        return st;
    }
    case TM_RR_CNAME:
    case TM_RR_PTR:
    case TM_RR_NS: return html_raw_cstr(out, rr->u.name);
    case TM_RR_SOA: return html_raw_cstr(out, rr->u.soa.mname);
    default: return TM_OK;
    }
}

static const char *source_word(tm_dns_source_t src)
{
    switch (src) {
    case TM_SRC_ZONE: return _("zone file");
    case TM_SRC_RULES: return _("bundled rules");
    case TM_SRC_NONE: return _("unknown (offline)");
    case TM_SRC_DNS: break;
    }
    return _("DNS");
}

typedef struct {
    tm_buf_t *out;
    tm_status_t st;
} rows_t;

static bool answer_rows(const tm_answer_t *ans, void *arg)
{
    rows_t *w = arg;
    tm_buf_t *out = w->out;
    size_t n = ans->outcome == TM_DNS_NOERROR && ans->count ? ans->count : 1;
    for (size_t i = 0; i < n && w->st == TM_OK; i++) {
        const tm_rr_t *rr = ans->outcome == TM_DNS_NOERROR && ans->count ? &ans->rrs[i] : NULL;
        tm_status_t st = tm_buf_puts(out, "<tr><td><code>");
        if (st == TM_OK)
            st = html_raw_cstr(out, ans->name);
        if (st == TM_OK)
            st = tm_buf_printf(out, "</code></td><td>%s</td><td>", tm_rrtype_name(ans->type));
        if (st == TM_OK && rr)
            st = tm_buf_printf(out, "%lu", (unsigned long)rr->ttl);
        if (st == TM_OK)
            st = tm_buf_puts(out, "</td><td><code>");
        if (st == TM_OK)
            st = rr ? rr_data(rr, out) : html_cstr(out, tm_dns_outcome_name(ans->outcome));
        if (st == TM_OK)
            st = tm_buf_puts(out, "</code></td><td>");
        if (st == TM_OK)
            st = html_cstr(out, source_word(ans->source));
        if (st == TM_OK)
            st = tm_buf_puts(out, "</td></tr>\n");
        w->st = st;
    }
    return w->st == TM_OK;
}

tm_status_t html_records(const tm_result_t *r, tm_buf_t *out)
{
    if (!r->rrset || tm_rrset_size(r->rrset) == 0)
        return TM_OK;
    tm_status_t st = tm_buf_puts(out, "<section class=\"records\">\n");
    if (st == TM_OK)
        st = tm_buf_puts(out, "<h3>");
    if (st == TM_OK)
        st = html_printf(out,
                         dngettext(TM_TEXTDOMAIN, "Records read (%zu answer)",
                                   "Records read (%zu answers)", tm_rrset_size(r->rrset)),
                         tm_rrset_size(r->rrset));
    if (st == TM_OK)
        st = tm_buf_puts(out, "</h3>\n<table class=\"rrs\">\n<thead><tr><th>");
    static const char *const heads[] = {N_("Name"), N_("Type"), N_("TTL"), N_("Data"),
                                        N_("From")};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0] && st == TM_OK; i++) {
        if (i > 0)
            st = tm_buf_puts(out, "</th><th>");
        if (st == TM_OK)
            st = html_cstr(out, _(heads[i]));
    }
    if (st == TM_OK)
        st = tm_buf_puts(out, "</th></tr></thead>\n<tbody>\n");
    rows_t w = {out, st};
    if (st == TM_OK)
        tm_rrset_foreach(r->rrset, answer_rows, &w);
    st = w.st;
    return st == TM_OK ? tm_buf_puts(out, "</tbody>\n</table>\n</section>\n") : st;
}
