/* json.c - one result of docs/json.md, field for field and in its order,
 * written by the JSON writer of json_util.h: compact for a line of
 * --format jsonl, or laid out as an element of the --format json document
 * (json_stream.c).  Every string goes through the writer's escaping, so
 * ESC arrives as \u001b and a byte that is not UTF-8 as \ufffd. */
#include <string.h>

#include "json_result.h"
#include "tmems/tm_spf.h"

/* fix_records as an array of lines; omitted when the Fix has no
 * pasteable record (docs/json.md). */
static void write_fix_records(tm_jw_t *w, const char *lines)
{
    if (!lines)
        return;
    tm_jw_key(w, "fix_records");
    tm_jw_array(w);
    for (const char *p = lines; *p;) {
        size_t len = strcspn(p, "\n");
        tm_jw_string(w, p, len);
        p += len;
        if (*p == '\n')
            p++;
    }
    tm_jw_array_end(w);
}

/* Where the record the finding concerns was written; omitted for live DNS
 * and for findings about no one record (docs/json.md, "source"). */
static void write_source(tm_jw_t *w, const tm_source_t *src)
{
    if (!src->file)
        return;
    tm_jw_key(w, "source");
    tm_jw_object(w);
    tm_jw_key(w, "file");
    tm_jw_cstring(w, src->file);
    if (src->line) {
        tm_jw_key(w, "line");
        tm_jw_int(w, (long long)src->line);
    }
    if (src->column) {
        tm_jw_key(w, "column");
        tm_jw_int(w, src->column);
    }
    tm_jw_object_end(w);
}

static void write_finding(tm_jw_t *w, const tm_finding_t *f)
{
    const tm_check_def_t *def = f->id ? tm_check_find(f->id) : NULL;
    tm_jw_object(w);
    tm_jw_key(w, "id");
    tm_jw_cstring(w, f->id);
    tm_jw_key(w, "section");
    tm_jw_cstring(w, tm_section_name(f->section));
    tm_jw_key(w, "status");
    tm_jw_cstring(w, tm_check_status_name(f->status));
    tm_jw_key(w, "summary");
    tm_jw_cstring(w, f->summary ? f->summary : "");
    tm_jw_key(w, "detail");
    tm_jw_cstring(w, f->detail);
    tm_jw_key(w, "fix");
    tm_jw_cstring(w, f->fix);
    write_fix_records(w, f->fix_records);
    write_source(w, &f->source);
    tm_jw_key(w, "console");
    tm_jw_bool(w, def && def->console && !f->console_off);
    tm_jw_key(w, "console_flag");
    tm_jw_bool(w, tm_finding_console_flag(f));
    tm_jw_object_end(w);
}

static void write_rr(tm_jw_t *w, const tm_rr_t *rr)
{
    tm_jw_object(w);
    if (rr->type == TM_RR_MX) {
        tm_jw_key(w, "preference");
        tm_jw_int(w, rr->u.mx.preference);
        tm_jw_key(w, "host");
        tm_jw_cstring(w, rr->u.mx.host);
    } else { /* the strings joined: what SPF and the token check read (RFC 7208 section 3.3) */
        tm_jw_key(w, "value");
        tm_jw_string(w, rr->u.txt.data ? rr->u.txt.data : "", rr->u.txt.data ? rr->u.txt.len : 0);
    }
    tm_jw_key(w, "ttl");
    tm_jw_int(w, rr->ttl);
    tm_jw_object_end(w);
}

/* The records of one apex answer; [] when it was not fetched or holds none. */
static void write_answer(tm_jw_t *w, const tm_result_t *r, uint16_t type)
{
    const tm_answer_t *a = (r->rrset && r->ascii) ? tm_rrset_get(r->rrset, r->ascii, type) : NULL;
    tm_jw_array(w);
    for (size_t i = 0; a && a->outcome == TM_DNS_NOERROR && i < a->count; i++) {
        if (a->rrs[i].type == type)
            write_rr(w, &a->rrs[i]);
    }
    tm_jw_array_end(w);
}

/* The names of the tree flags a term carries (additive to docs/json.md). */
static void write_term_flags(tm_jw_t *w, unsigned flags)
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
    tm_jw_array(w);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (flags & names[i].bit)
            tm_jw_cstring(w, names[i].name);
    }
    tm_jw_array_end(w);
}

/* Recursion is bounded by TM_SPF_TREE_DEPTH_MAX: the tree stops there. */
static void write_spf_node(tm_jw_t *w, const tm_spf_node_t *node)
{
    tm_jw_object(w);
    tm_jw_key(w, "domain");
    tm_jw_cstring(w, node->domain);
    tm_jw_key(w, "record");
    if (node->text)
        tm_jw_string(w, node->text, node->text_len);
    else
        tm_jw_null(w);
    tm_jw_key(w, "status");
    tm_jw_cstring(w, tm_spf_node_status_name(node->status));
    tm_jw_key(w, "lookups");
    tm_jw_int(w, node->lookups);
    tm_jw_key(w, "void_lookups");
    tm_jw_int(w, node->void_lookups);
    tm_jw_key(w, "terms");
    tm_jw_array(w);
    for (size_t i = 0; i < node->nterms; i++) {
        const tm_spf_tterm_t *t = &node->terms[i];
        tm_jw_object(w);
        tm_jw_key(w, "term");
        tm_jw_cstring(w, t->term->text);
        tm_jw_key(w, "lookups");
        tm_jw_int(w, t->lookups);
        tm_jw_key(w, "void_lookups");
        tm_jw_int(w, t->void_lookups);
        tm_jw_key(w, "target");
        tm_jw_cstring(w, t->target);
        tm_jw_key(w, "flags");
        write_term_flags(w, t->flags);
        tm_jw_key(w, "child");
        if (t->child)
            write_spf_node(w, t->child);
        else
            tm_jw_null(w);
        tm_jw_object_end(w);
    }
    tm_jw_array_end(w);
    tm_jw_object_end(w);
}

/* docs/json.md "spf": null when the domain has no SPF record. */
static void write_spf(tm_jw_t *w, const tm_spf_analysis_t *spf)
{
    if (!spf || spf->nrecords == 0) {
        tm_jw_null(w);
        return;
    }
    tm_jw_object(w);
    tm_jw_key(w, "record");
    if (spf->record)
        tm_jw_string(w, spf->record, spf->record_len);
    else
        tm_jw_null(w);
    tm_jw_key(w, "records");
    tm_jw_int(w, (long long)spf->nrecords);
    tm_jw_key(w, "lookups");
    tm_jw_int(w, spf->lookups);
    tm_jw_key(w, "void_lookups");
    tm_jw_int(w, spf->void_lookups);
    tm_jw_key(w, "lower_bound");
    tm_jw_bool(w, spf->lower_bound);
    tm_jw_key(w, "tree");
    if (spf->tree)
        write_spf_node(w, spf->tree->root);
    else
        tm_jw_null(w);
    tm_jw_object_end(w);
}

/* One rules range: its result when uniform, else "mixed" with the parts. */
static void write_range(tm_jw_t *w, const tm_spf_range_t *range, const tm_rules_range_t *rule)
{
    char cidr[64];
    unsigned lookups = 0;
    for (size_t i = 0; i < range->nparts; i++) {
        if (range->parts[i].lookups > lookups)
            lookups = range->parts[i].lookups;
    }
    tm_jw_object(w);
    tm_jw_key(w, "cidr");
    if (rule) {
        tm_jw_cstring(w, rule->cidr);
    } else {
        tm_cidr_format(&range->range, cidr, sizeof(cidr));
        tm_jw_cstring(w, cidr);
    }
    tm_jw_key(w, "since");
    tm_jw_cstring(w, rule ? rule->since : NULL);
    tm_jw_key(w, "result");
    tm_jw_cstring(w, range->nparts == 1 ? tm_spf_result_name(range->parts[0].result) : "mixed");
    tm_jw_key(w, "lookups");
    tm_jw_int(w, lookups);
    tm_jw_key(w, "parts");
    tm_jw_array(w);
    for (size_t i = 0; i < range->nparts; i++) {
        const tm_spf_subrange_t *part = &range->parts[i];
        tm_cidr_format(&part->cidr, cidr, sizeof(cidr));
        tm_jw_object(w);
        tm_jw_key(w, "cidr");
        tm_jw_cstring(w, cidr);
        tm_jw_key(w, "result");
        tm_jw_cstring(w, tm_spf_result_name(part->result));
        tm_jw_key(w, "lookups");
        tm_jw_int(w, part->lookups);
        tm_jw_object_end(w);
    }
    tm_jw_array_end(w);
    tm_jw_object_end(w);
}

static void write_ranges(tm_jw_t *w, const tm_result_t *r, const tm_rules_t *rules)
{
    const tm_spf_analysis_t *spf = r->spf;
    tm_jw_array(w);
    for (size_t i = 0; spf && spf->ranges && i < spf->nranges; i++)
        write_range(w, &spf->ranges[i], rules && i < rules->nranges ? &rules->ranges[i] : NULL);
    tm_jw_array_end(w);
}

/* The names of the bits of mask, from name(bit) for each of the nbits. */
static void write_names(tm_jw_t *w, unsigned mask, const char *(*name)(unsigned bit),
                        unsigned nbits)
{
    tm_jw_array(w);
    for (unsigned i = 0; i < nbits; i++) {
        if (mask & (1u << i))
            tm_jw_cstring(w, name(1u << i));
    }
    tm_jw_array_end(w);
}

static const char *area_name(unsigned bit) { return tm_area_name((tm_area_t)bit); }

static const char *section_name(unsigned bit)
{
    unsigned s = 0;
    while (s + 1 < TM_SECTION_COUNT && (1u << s) != bit)
        s++;
    return tm_section_name((tm_section_t)s);
}

static void write_result(tm_jw_t *w, const tm_result_t *r, const tm_assessment_t *a)
{
    tm_jw_object(w);
    tm_jw_key(w, "domain");
    tm_jw_cstring(w, r->domain ? r->domain : r->ascii);
    tm_jw_key(w, "ascii");
    tm_jw_cstring(w, r->ascii);
    tm_jw_key(w, "phase");
    tm_jw_cstring(w, tm_phase_name(r->phase));
    tm_jw_key(w, "company");
    tm_jw_cstring(w, r->company);
    tm_jw_key(w, "verdict");
    tm_jw_cstring(w, tm_check_status_name(r->verdict));
    tm_jw_key(w, "outcome");
    tm_jw_cstring(w, tm_verdict_name(a->verdict));
    tm_jw_key(w, "exit_status");
    tm_jw_int(w, tm_verdict_exit_status(a->verdict));
    tm_jw_key(w, "strict");
    tm_jw_bool(w, a->strict);
    tm_jw_key(w, "not_judged");
    write_names(w, a->not_judged, area_name, TM_AREA_BITS);
    tm_jw_key(w, "not_selected");
    write_names(w, a->not_selected, area_name, TM_AREA_BITS);
    /* What the console shows (docs/json.md "console_view"). */
    tm_jw_key(w, "console_view");
    tm_jw_object(w);
    tm_jw_key(w, "status");
    tm_jw_cstring(w, tm_console_status_name(a->console));
    tm_jw_key(w, "flagged");
    write_names(w, a->console_flagged, section_name, TM_SECTION_COUNT);
    tm_jw_key(w, "expected");
    write_names(w, a->console_expected, section_name, TM_SECTION_COUNT);
    tm_jw_key(w, "unknown");
    write_names(w, a->console_unknown, section_name, TM_SECTION_COUNT);
    tm_jw_object_end(w);
    tm_jw_key(w, "checks");
    tm_jw_array(w);
    for (size_t i = 0; i < r->findings.count; i++)
        write_finding(w, &r->findings.items[i]);
    tm_jw_array_end(w);
    tm_jw_key(w, "records");
    tm_jw_object(w);
    tm_jw_key(w, "txt");
    write_answer(w, r, TM_RR_TXT);
    tm_jw_key(w, "mx");
    write_answer(w, r, TM_RR_MX);
    tm_jw_object_end(w);
    tm_jw_key(w, "spf");
    write_spf(w, r->spf);
    tm_jw_key(w, "ranges");
    write_ranges(w, r, r->rules);
    tm_jw_object_end(w);
}

tm_status_t tm_report_json_write_result(const tm_result_t *result,
                                        const tm_assessment_t *assessment,
                                        tm_json_layout_t layout, int level, tm_buf_t *out)
{
    if (!result || !out)
        return TM_EINVAL;
    tm_assessment_t own;
    if (!assessment) {
        tm_findings_assess(&result->findings, false, &own);
        assessment = &own;
    }
    size_t had = out->len;
    tm_jw_t w;
    tm_jw_init(&w, out, layout, level);
    write_result(&w, result, assessment);
    tm_status_t st = tm_jw_status(&w);
    if (st != TM_OK && out->data) {
        out->len = had;
        out->data[had] = '\0';
    }
    return st;
}

tm_status_t tm_report_json_result(const tm_result_t *result, const tm_assessment_t *assessment,
                                  tm_buf_t *out)
{
    return tm_report_json_write_result(result, assessment, TM_JSON_COMPACT, 0, out);
}
