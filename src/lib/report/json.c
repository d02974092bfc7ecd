/* json.c - the JSON document of CLI.md, field for field and in its order.
 *
 * Every string is made valid UTF-8 first (RFC 8259 section 8.1 requires it);
 * cJSON then escapes the control characters, so ESC arrives as \u001b. */
#include <string.h>

#include <cjson/cJSON.h>

#include "rules/json_alloc.h"
#include "tmems/tm_report.h"
#include "tmems/tm_spf.h"

/* A string from anywhere (DNS data included) as a JSON string, or NULL when
 * memory ran out.  cJSON strings are C strings, so a NUL byte inside DNS
 * data becomes U+FFFD, as an invalid byte does. */
static cJSON *json_string(const char *s, size_t len)
{
    static const char replacement[] = "\xef\xbf\xbd";
    tm_buf_t buf;
    tm_buf_init(&buf);
    tm_status_t st = tm_buf_append(&buf, "", 0);
    size_t start = 0;
    for (size_t i = 0; i <= len && st == TM_OK; i++) {
        if (i < len && s[i] != '\0')
            continue;
        st = tm_utf8_sanitize(&buf, s + start, i - start);
        if (st == TM_OK && i < len)
            st = tm_buf_append(&buf, replacement, sizeof replacement - 1);
        start = i + 1;
    }
    cJSON *item = (st == TM_OK && buf.data) ? cJSON_CreateString(buf.data) : NULL;
    tm_buf_clear(&buf);
    return item;
}

static cJSON *json_cstring_or_null(const char *s)
{
    return s ? json_string(s, strlen(s)) : cJSON_CreateNull();
}

/* Adds item under a literal key (no copy of the key, so no allocation can
 * fail there); deletes the item when it cannot be added.  False when item is
 * NULL (its creation failed) or the add failed. */
static bool add(cJSON *obj, const char *key, cJSON *item)
{
    if (!item)
        return false;
    if (!cJSON_AddItemToObjectCS(obj, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

static bool push(cJSON *arr, cJSON *item)
{
    if (!item)
        return false;
    if (!cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

static cJSON *json_finding(const tm_finding_t *f)
{
    cJSON *obj = cJSON_CreateObject();
    if (!obj)
        return NULL;
    if (add(obj, "id", json_cstring_or_null(f->id)) &&
        add(obj, "section", cJSON_CreateString(tm_section_name(f->section))) &&
        add(obj, "status", cJSON_CreateString(tm_check_status_name(f->status))) &&
        add(obj, "summary", json_string(f->summary ? f->summary : "",
                                        f->summary ? strlen(f->summary) : 0)) &&
        add(obj, "detail", json_cstring_or_null(f->detail)) &&
        add(obj, "fix", json_cstring_or_null(f->fix)))
        return obj;
    cJSON_Delete(obj);
    return NULL;
}

static cJSON *json_checks(const tm_findings_t *findings)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < findings->count; i++) {
        if (!push(arr, json_finding(&findings->items[i]))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static cJSON *json_rr(const tm_rr_t *rr)
{
    cJSON *obj = cJSON_CreateObject();
    if (!obj)
        return NULL;
    bool ok;
    if (rr->type == TM_RR_MX)
        ok = add(obj, "preference", cJSON_CreateNumber(rr->u.mx.preference)) &&
             add(obj, "host", json_cstring_or_null(rr->u.mx.host)) &&
             add(obj, "ttl", cJSON_CreateNumber(rr->ttl));
    else /* the strings joined: what SPF and the token check read (RFC 7208 section 3.3) */
        ok = add(obj, "value", json_string(rr->u.txt.data ? rr->u.txt.data : "",
                                           rr->u.txt.data ? rr->u.txt.len : 0)) &&
             add(obj, "ttl", cJSON_CreateNumber(rr->ttl));
    if (ok)
        return obj;
    cJSON_Delete(obj);
    return NULL;
}

/* The records of one apex answer; [] when it was not fetched or holds none. */
static cJSON *json_answer(const tm_result_t *r, uint16_t type)
{
    cJSON *arr = cJSON_CreateArray();
    const tm_answer_t *a =
        (arr && r->rrset && r->ascii) ? tm_rrset_get(r->rrset, r->ascii, type) : NULL;
    if (!a || a->outcome != TM_DNS_NOERROR)
        return arr;
    for (size_t i = 0; i < a->count; i++) {
        if (a->rrs[i].type != type)
            continue;
        if (!push(arr, json_rr(&a->rrs[i]))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static cJSON *json_records(const tm_result_t *r)
{
    cJSON *obj = cJSON_CreateObject();
    if (obj && add(obj, "txt", json_answer(r, TM_RR_TXT)) &&
        add(obj, "mx", json_answer(r, TM_RR_MX)))
        return obj;
    cJSON_Delete(obj);
    return NULL;
}

/* The names of the tree flags a term carries (additive to CLI.md). */
static cJSON *json_term_flags(unsigned flags)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{TM_SPF_TF_SENDER, "sender_dependent"}, {TM_SPF_TF_LOOP, "loop"},
                 {TM_SPF_TF_IGNORED, "ignored"},         {TM_SPF_TF_VOID, "void"},
                 {TM_SPF_TF_MX_OVERFLOW, "mx_overflow"}, {TM_SPF_TF_DNS_ERROR, "dns_error"},
                 {TM_SPF_TF_BOUND, "bound"},             {TM_SPF_TF_BAD_TARGET, "bad_target"},
                 {TM_SPF_TF_MISSING, "missing"},         {TM_SPF_TF_DEPTH, "depth"},
                 {TM_SPF_TF_OFFLINE, "offline"},         {TM_SPF_TF_PTR, "ptr"}};
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < sizeof(names) / sizeof(names[0]); i++) {
        if ((flags & names[i].bit) && !push(arr, cJSON_CreateString(names[i].name))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static cJSON *json_spf_node(const tm_spf_node_t *node);

static cJSON *json_spf_term(const tm_spf_tterm_t *t)
{
    cJSON *obj = cJSON_CreateObject();
    if (obj && add(obj, "term", json_cstring_or_null(t->term->text)) &&
        add(obj, "lookups", cJSON_CreateNumber(t->lookups)) &&
        add(obj, "void_lookups", cJSON_CreateNumber(t->void_lookups)) &&
        add(obj, "target", json_cstring_or_null(t->target)) &&
        add(obj, "flags", json_term_flags(t->flags)) &&
        add(obj, "child", t->child ? json_spf_node(t->child) : cJSON_CreateNull()))
        return obj;
    cJSON_Delete(obj);
    return NULL;
}

/* Recursion is bounded by TM_SPF_TREE_DEPTH_MAX: the tree stops there. */
static cJSON *json_spf_node(const tm_spf_node_t *node)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON *terms = cJSON_CreateArray();
    bool ok = obj && terms && add(obj, "domain", json_cstring_or_null(node->domain)) &&
              add(obj, "record", json_cstring_or_null(node->text)) &&
              add(obj, "status", cJSON_CreateString(tm_spf_node_status_name(node->status))) &&
              add(obj, "lookups", cJSON_CreateNumber(node->lookups)) &&
              add(obj, "void_lookups", cJSON_CreateNumber(node->void_lookups));
    for (size_t i = 0; ok && i < node->nterms; i++)
        ok = push(terms, json_spf_term(&node->terms[i]));
    if (ok) {
        ok = add(obj, "terms", terms);
        terms = NULL;
    }
    if (ok)
        return obj;
    cJSON_Delete(terms);
    cJSON_Delete(obj);
    return NULL;
}

/* CLI.md "spf": null when the domain has no SPF record. */
static cJSON *json_spf(const tm_spf_analysis_t *spf)
{
    if (!spf || spf->nrecords == 0)
        return cJSON_CreateNull();
    cJSON *obj = cJSON_CreateObject();
    if (obj && add(obj, "record", json_cstring_or_null(spf->record)) &&
        add(obj, "records", cJSON_CreateNumber((double)spf->nrecords)) &&
        add(obj, "lookups", cJSON_CreateNumber(spf->lookups)) &&
        add(obj, "void_lookups", cJSON_CreateNumber(spf->void_lookups)) &&
        add(obj, "lower_bound", cJSON_CreateBool(spf->lower_bound)) &&
        add(obj, "tree", spf->tree ? json_spf_node(spf->tree->root) : cJSON_CreateNull()))
        return obj;
    cJSON_Delete(obj);
    return NULL;
}

/* One rules range: its result when uniform, else "mixed" with the parts. */
static cJSON *json_range(const tm_spf_range_t *range, const tm_rules_range_t *rule)
{
    char cidr[64];
    cJSON *obj = cJSON_CreateObject();
    cJSON *parts = cJSON_CreateArray();
    bool uniform = range->nparts == 1;
    unsigned lookups = 0;
    bool ok = obj && parts;
    for (size_t i = 0; ok && i < range->nparts; i++) {
        const tm_spf_subrange_t *part = &range->parts[i];
        if (part->lookups > lookups)
            lookups = part->lookups;
        tm_cidr_format(&part->cidr, cidr, sizeof(cidr));
        cJSON *item = cJSON_CreateObject();
        ok = push(parts, item) && add(item, "cidr", cJSON_CreateString(cidr)) &&
             add(item, "result", cJSON_CreateString(tm_spf_result_name(part->result))) &&
             add(item, "lookups", cJSON_CreateNumber(part->lookups));
    }
    tm_cidr_format(&range->range, cidr, sizeof(cidr));
    ok = ok && add(obj, "cidr", cJSON_CreateString(rule ? rule->cidr : cidr)) &&
         add(obj, "since", json_cstring_or_null(rule ? rule->since : NULL)) &&
         add(obj, "result",
             cJSON_CreateString(uniform ? tm_spf_result_name(range->parts[0].result)
                                        : "mixed")) &&
         add(obj, "lookups", cJSON_CreateNumber(lookups));
    if (ok) {
        ok = add(obj, "parts", parts);
        parts = NULL;
    }
    if (ok)
        return obj;
    cJSON_Delete(parts);
    cJSON_Delete(obj);
    return NULL;
}

static cJSON *json_ranges(const tm_result_t *r, const tm_rules_t *rules)
{
    cJSON *arr = cJSON_CreateArray();
    const tm_spf_analysis_t *spf = r->spf;
    for (size_t i = 0; arr && spf && spf->ranges && i < spf->nranges; i++) {
        const tm_rules_range_t *rule = rules && i < rules->nranges ? &rules->ranges[i] : NULL;
        if (!push(arr, json_range(&spf->ranges[i], rule))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static cJSON *json_result(const tm_result_t *r)
{
    cJSON *obj = cJSON_CreateObject();
    if (!obj)
        return NULL;
    const char *display = r->domain ? r->domain : r->ascii;
    if (add(obj, "domain", json_cstring_or_null(display)) &&
        add(obj, "ascii", json_cstring_or_null(r->ascii)) &&
        add(obj, "phase", cJSON_CreateString(tm_phase_name(r->phase))) &&
        add(obj, "company", json_cstring_or_null(r->company)) &&
        add(obj, "verdict", cJSON_CreateString(tm_check_status_name(r->verdict))) &&
        add(obj, "checks", json_checks(&r->findings)) && add(obj, "records", json_records(r)) &&
        add(obj, "spf", json_spf(r->spf)) && add(obj, "ranges", json_ranges(r, r->rules)))
        return obj;
    cJSON_Delete(obj);
    return NULL;
}

static tm_status_t print_into(const cJSON *root, bool pretty, tm_buf_t *out)
{
    char *text = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
    if (!text)
        return TM_ENOMEM;
    tm_status_t st = TM_OK;
    if (!pretty) {
        st = tm_buf_puts(out, text);
    } else {
        /* cJSON indents with tabs and puts one after each ':'.  A raw tab
         * can only be layout (inside strings cJSON writes \t), so it becomes
         * the two-space indentation of CLI.md, or one space after ':'. */
        for (const char *p = text; *p && st == TM_OK; p++) {
            if (*p != '\t')
                st = tm_buf_putc(out, *p);
            else
                st = (p > text && p[-1] == ':') ? tm_buf_putc(out, ' ') : tm_buf_puts(out, "  ");
        }
        if (st == TM_OK)
            st = tm_buf_putc(out, '\n');
    }
    cJSON_free(text);
    return st;
}

tm_status_t tm_report_json_result(const tm_result_t *result, tm_buf_t *out)
{
    if (!result || !out)
        return TM_EINVAL;
    tm_json_begin();
    cJSON *root = json_result(result);
    if (!root)
        return TM_ENOMEM;
    tm_status_t st = print_into(root, false, out);
    cJSON_Delete(root);
    return st;
}

tm_status_t tm_report_json_document(const tm_json_meta_t *meta, const char *const *results,
                                    size_t count, long elapsed_ms, tm_buf_t *out)
{
    if (!meta || !out || (count > 0 && !results))
        return TM_EINVAL;
    tm_json_begin();
    tm_status_t st = TM_ENOMEM;
    cJSON *arr = NULL;
    cJSON *root = cJSON_CreateObject();
    if (!root || !add(root, "schema", cJSON_CreateNumber(1)) ||
        !add(root, "tool", cJSON_CreateString("tmems-check")) ||
        !add(root, "version", cJSON_CreateString(TM_VERSION)) ||
        !add(root, "region", json_cstring_or_null(meta->region)) ||
        !add(root, "rules", json_cstring_or_null(meta->rules)))
        goto done;
    arr = cJSON_CreateArray();
    if (!add(root, "results", arr))
        goto done;
    for (size_t i = 0; i < count; i++) {
        /* The results were rendered by tm_report_json_result; parsing them
         * back lets the document be printed as one tree. */
        cJSON *item = results[i] ? cJSON_Parse(results[i]) : NULL;
        if (!item) {
            st = tm_json_oom() ? TM_ENOMEM : TM_EINVAL;
            goto done;
        }
        if (!push(arr, item))
            goto done;
    }
    if (!add(root, "elapsed_ms", cJSON_CreateNumber((double)elapsed_ms)))
        goto done;
    st = print_into(root, true, out);
done:
    cJSON_Delete(root);
    return st;
}
