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
        st = tm_buf_printf(out, " %s", term->text);
    }
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
    for (size_t at = 0; st == TM_OK && at < record.len; at += 255) {
        size_t n = record.len - at < 255 ? record.len - at : 255;
        st = tm_buf_printf(&line, " \"%.*s\"", (int)n, record.data + at);
    }
    if (st == TM_OK)
        st = tm_finding_fix(out, "%s", line.data);
    tm_buf_clear(&record);
    tm_buf_clear(&line);
    return st;
}
