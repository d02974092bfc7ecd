/* json.c - the JSON document of CLI.md, field for field and in its order.
 *
 * Every string is made valid UTF-8 first (RFC 8259 section 8.1 requires it);
 * cJSON then escapes the control characters, so ESC arrives as \u001b. */
#include <string.h>

#include <cjson/cJSON.h>

#include "rules/json_alloc.h"
#include "report/json_util.h"
#include "tmems/tm_report.h"
#include "tmems/tm_spf.h"

/* fix_records as an array of lines; omitted when the Fix has no
 * pasteable record (docs/json.md). */
static bool add_fix_records(cJSON *obj, const char *lines)
{
    if (!lines)
        return true;
    cJSON *arr = cJSON_CreateArray();
    if (!arr)
        return false;
    for (const char *p = lines; *p;) {
        size_t len = strcspn(p, "\n");
        if (!tm_json_push(arr, tm_json_string(p, len))) {
            cJSON_Delete(arr);
            return false;
        }
        p += len;
        if (*p == '\n')
            p++;
    }
    return tm_json_add(obj, "fix_records", arr);
}

/* Where the record the finding concerns was written; omitted for live DNS
 * and for findings about no record (docs/json.md, "source"). */
static bool add_source(cJSON *obj, const tm_source_t *src)
{
    if (!src->file)
        return true;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return false;
    if (!tm_json_add(o, "file", tm_json_cstring(src->file)) ||
        (src->line && !tm_json_add(o, "line", cJSON_CreateNumber((double)src->line))) ||
        (src->column && !tm_json_add(o, "column", cJSON_CreateNumber(src->column)))) {
        cJSON_Delete(o);
        return false;
    }
    return tm_json_add(obj, "source", o);
}

static cJSON *json_finding(const tm_finding_t *f)
{
    const tm_check_def_t *def = f->id ? tm_check_find(f->id) : NULL;
    cJSON *obj = cJSON_CreateObject();
    if (!obj)
        return NULL;
    if (tm_json_add(obj, "id", tm_json_cstring(f->id)) &&
        tm_json_add(obj, "section", cJSON_CreateString(tm_section_name(f->section))) &&
        tm_json_add(obj, "status", cJSON_CreateString(tm_check_status_name(f->status))) &&
        tm_json_add(obj, "summary", tm_json_string(f->summary ? f->summary : "",
                                        f->summary ? strlen(f->summary) : 0)) &&
        tm_json_add(obj, "detail", tm_json_cstring(f->detail)) &&
        tm_json_add(obj, "fix", tm_json_cstring(f->fix)) &&
        add_fix_records(obj, f->fix_records) &&
        add_source(obj, &f->source) &&
        tm_json_add(obj, "console", cJSON_CreateBool(def && def->console)) &&
        tm_json_add(obj, "console_flag", cJSON_CreateBool(tm_finding_console_flag(f))))
        return obj;
    cJSON_Delete(obj);
    return NULL;
}

static cJSON *json_checks(const tm_findings_t *findings)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < findings->count; i++) {
        if (!tm_json_push(arr, json_finding(&findings->items[i]))) {
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
        ok = tm_json_add(obj, "preference", cJSON_CreateNumber(rr->u.mx.preference)) &&
             tm_json_add(obj, "host", tm_json_cstring(rr->u.mx.host)) &&
             tm_json_add(obj, "ttl", cJSON_CreateNumber(rr->ttl));
    else /* the strings joined: what SPF and the token check read (RFC 7208 section 3.3) */
        ok = tm_json_add(obj, "value", tm_json_string(rr->u.txt.data ? rr->u.txt.data : "",
                                           rr->u.txt.data ? rr->u.txt.len : 0)) &&
             tm_json_add(obj, "ttl", cJSON_CreateNumber(rr->ttl));
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
        if (!tm_json_push(arr, json_rr(&a->rrs[i]))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static cJSON *json_records(const tm_result_t *r)
{
    cJSON *obj = cJSON_CreateObject();
    if (obj && tm_json_add(obj, "txt", json_answer(r, TM_RR_TXT)) &&
        tm_json_add(obj, "mx", json_answer(r, TM_RR_MX)))
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
        if ((flags & names[i].bit) && !tm_json_push(arr, cJSON_CreateString(names[i].name))) {
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
    if (obj && tm_json_add(obj, "term", tm_json_cstring(t->term->text)) &&
        tm_json_add(obj, "lookups", cJSON_CreateNumber(t->lookups)) &&
        tm_json_add(obj, "void_lookups", cJSON_CreateNumber(t->void_lookups)) &&
        tm_json_add(obj, "target", tm_json_cstring(t->target)) &&
        tm_json_add(obj, "flags", json_term_flags(t->flags)) &&
        tm_json_add(obj, "child", t->child ? json_spf_node(t->child) : cJSON_CreateNull()))
        return obj;
    cJSON_Delete(obj);
    return NULL;
}

/* Recursion is bounded by TM_SPF_TREE_DEPTH_MAX: the tree stops there. */
static cJSON *json_spf_node(const tm_spf_node_t *node)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON *terms = cJSON_CreateArray();
    bool ok = obj && terms && tm_json_add(obj, "domain", tm_json_cstring(node->domain)) &&
              tm_json_add(obj, "record", node->text ? tm_json_string(node->text, node->text_len)
                                                      : cJSON_CreateNull()) &&
              tm_json_add(obj, "status", cJSON_CreateString(tm_spf_node_status_name(node->status))) &&
              tm_json_add(obj, "lookups", cJSON_CreateNumber(node->lookups)) &&
              tm_json_add(obj, "void_lookups", cJSON_CreateNumber(node->void_lookups));
    for (size_t i = 0; ok && i < node->nterms; i++)
        ok = tm_json_push(terms, json_spf_term(&node->terms[i]));
    if (ok) {
        ok = tm_json_add(obj, "terms", terms);
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
    if (obj && tm_json_add(obj, "record", spf->record ? tm_json_string(spf->record, spf->record_len)
                                                         : cJSON_CreateNull()) &&
        tm_json_add(obj, "records", cJSON_CreateNumber((double)spf->nrecords)) &&
        tm_json_add(obj, "lookups", cJSON_CreateNumber(spf->lookups)) &&
        tm_json_add(obj, "void_lookups", cJSON_CreateNumber(spf->void_lookups)) &&
        tm_json_add(obj, "lower_bound", cJSON_CreateBool(spf->lower_bound)) &&
        tm_json_add(obj, "tree", spf->tree ? json_spf_node(spf->tree->root) : cJSON_CreateNull()))
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
        ok = tm_json_push(parts, item) && tm_json_add(item, "cidr", cJSON_CreateString(cidr)) &&
             tm_json_add(item, "result", cJSON_CreateString(tm_spf_result_name(part->result))) &&
             tm_json_add(item, "lookups", cJSON_CreateNumber(part->lookups));
    }
    tm_cidr_format(&range->range, cidr, sizeof(cidr));
    ok = ok && tm_json_add(obj, "cidr", cJSON_CreateString(rule ? rule->cidr : cidr)) &&
         tm_json_add(obj, "since", tm_json_cstring(rule ? rule->since : NULL)) &&
         tm_json_add(obj, "result",
             cJSON_CreateString(uniform ? tm_spf_result_name(range->parts[0].result)
                                        : "mixed")) &&
         tm_json_add(obj, "lookups", cJSON_CreateNumber(lookups));
    if (ok) {
        ok = tm_json_add(obj, "parts", parts);
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
        if (!tm_json_push(arr, json_range(&spf->ranges[i], rule))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

/* The names of the bits of mask, from names[i] for bit i. */
static cJSON *json_names(unsigned mask, const char *(*name)(unsigned bit), unsigned nbits)
{
    cJSON *arr = cJSON_CreateArray();
    for (unsigned i = 0; arr && i < nbits; i++) {
        if ((mask & (1u << i)) && !tm_json_push(arr, cJSON_CreateString(name(1u << i)))) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static const char *area_name(unsigned bit) { return tm_area_name((tm_area_t)bit); }

static const char *section_name(unsigned bit)
{
    unsigned s = 0;
    while (s + 1 < TM_SECTION_COUNT && (1u << s) != bit)
        s++;
    return tm_section_name((tm_section_t)s);
}

/* What the console shows (docs/json.md "console_view"). */
static cJSON *json_console_view(const tm_assessment_t *a)
{
    cJSON *obj = cJSON_CreateObject();
    if (obj &&
        tm_json_add(obj, "status", cJSON_CreateString(tm_console_status_name(a->console))) &&
        tm_json_add(obj, "flagged", json_names(a->console_flagged, section_name,
                                                TM_SECTION_COUNT)) &&
        tm_json_add(obj, "expected", json_names(a->console_expected, section_name,
                                                 TM_SECTION_COUNT)))
        return obj;
    cJSON_Delete(obj);
    return NULL;
}

static cJSON *json_result(const tm_result_t *r, const tm_assessment_t *a)
{
    cJSON *obj = cJSON_CreateObject();
    if (!obj)
        return NULL;
    const char *display = r->domain ? r->domain : r->ascii;
    if (tm_json_add(obj, "domain", tm_json_cstring(display)) &&
        tm_json_add(obj, "ascii", tm_json_cstring(r->ascii)) &&
        tm_json_add(obj, "phase", cJSON_CreateString(tm_phase_name(r->phase))) &&
        tm_json_add(obj, "company", tm_json_cstring(r->company)) &&
        tm_json_add(obj, "verdict", cJSON_CreateString(tm_check_status_name(r->verdict))) &&
        tm_json_add(obj, "outcome", cJSON_CreateString(tm_verdict_name(a->verdict))) &&
        tm_json_add(obj, "exit_status",
                    cJSON_CreateNumber(tm_verdict_exit_status(a->verdict))) &&
        tm_json_add(obj, "strict", cJSON_CreateBool(a->strict)) &&
        tm_json_add(obj, "not_judged", json_names(a->not_judged, area_name, TM_AREA_BITS)) &&
        tm_json_add(obj, "not_selected", json_names(a->not_selected, area_name, TM_AREA_BITS)) &&
        tm_json_add(obj, "console_view", json_console_view(a)) &&
        tm_json_add(obj, "checks", json_checks(&r->findings)) && tm_json_add(obj, "records", json_records(r)) &&
        tm_json_add(obj, "spf", json_spf(r->spf)) && tm_json_add(obj, "ranges", json_ranges(r, r->rules)))
        return obj;
    cJSON_Delete(obj);
    return NULL;
}

tm_status_t tm_report_json_result(const tm_result_t *result, const tm_assessment_t *assessment,
                                  tm_buf_t *out)
{
    if (!result || !out)
        return TM_EINVAL;
    tm_assessment_t own;
    if (!assessment) {
        tm_findings_assess(&result->findings, false, &own);
        assessment = &own;
    }
    tm_json_begin();
    cJSON *root = json_result(result, assessment);
    if (!root)
        return TM_ENOMEM;
    tm_status_t st = tm_json_print(root, false, out);
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
    if (!root || !tm_json_add(root, "schema", cJSON_CreateNumber(1)) ||
        !tm_json_add(root, "tool", cJSON_CreateString("tmems-check")) ||
        !tm_json_add(root, "version", cJSON_CreateString(TM_VERSION)) ||
        !tm_json_add(root, "region", tm_json_cstring(meta->region)) ||
        !tm_json_add(root, "rules", tm_json_cstring(meta->rules)))
        goto done;
    /* The results were rendered by tm_report_json_result; they are laid
     * out again as text, not parsed back: a parse would cut a string at an
     * escaped NUL (cJSON keeps C strings). */
    tm_buf_t list;
    tm_buf_init(&list);
    list.limit = (size_t)1 << 30;
    st = tm_buf_putc(&list, '[');
    for (size_t i = 0; i < count && st == TM_OK; i++) {
        if (!results[i])
            st = TM_EINVAL;
        else if (i > 0)
            st = tm_buf_puts(&list, ", ");
        if (st == TM_OK)
            st = tm_json_reindent(results[i], 1, &list);
    }
    if (st == TM_OK)
        st = tm_buf_putc(&list, ']');
    arr = st == TM_OK ? cJSON_CreateRaw(list.data) : NULL;
    tm_buf_clear(&list);
    if (st != TM_OK)
        goto done;
    st = TM_ENOMEM;
    if (!tm_json_add(root, "results", arr))
        goto done;
    if (!tm_json_add(root, "elapsed_ms", cJSON_CreateNumber((double)elapsed_ms)))
        goto done;
    st = tm_json_print(root, true, out);
done:
    cJSON_Delete(root);
    return st;
}
