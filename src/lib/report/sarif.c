/* sarif.c - SARIF 2.1.0 (OASIS, Static Analysis Results Interchange
 * Format; tm_report_ci.h): code scanning services show each finding on
 * the line of its record.  Written in pieces, like the JSON document:
 * begin (the tool and its rules), one result per finding, end. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json_util.h"
#include "tmems/tm_report_ci.h"
#include "tmems/tm_i18n.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* SARIF 2.1.0 section 3.11.6 (rule index): the position in driver.rules. */
/* SARIF 2.1.0 section 3.11.6 (rule index): the position in driver.rules. */
static int rule_index(const char *id)
{
    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    for (size_t i = 0; id && i < n; i++) {
        if (strcmp(cat[i].id, id) == 0)
            return (int)i;
    }
    return -1;
}

static void text_object(tm_jw_t *w, const char *key, const char *text)
{
    tm_jw_key(w, key);
    tm_jw_object(w);
    tm_jw_key(w, "text");
    tm_jw_cstring(w, text);
    tm_jw_object_end(w);
}

static tm_status_t write_rule(tm_jw_t *w, const tm_check_def_t *def)
{
    const char *help = tm_check_description(def->id);
    char *full = tm_strprintf(_("%s See docs/checks.md, %s."), help ? help : "", def->id);
    if (!full)
        return TM_ENOMEM;
    tm_jw_object(w);
    tm_jw_key(w, "id");
    tm_jw_cstring(w, def->id);
    text_object(w, "shortDescription", help ? help : def->id);
    text_object(w, "help", full);
    tm_jw_key(w, "properties");
    tm_jw_object(w);
    tm_jw_key(w, "tags");
    tm_jw_array(w);
    tm_jw_cstring(w, tm_section_name(def->section));
    if (def->console)
        tm_jw_cstring(w, "console");
    tm_jw_array_end(w);
    tm_jw_object_end(w);
    tm_jw_object_end(w);
    tm_free(full);
    return TM_OK;
}

tm_status_t tm_report_sarif_begin(tm_sarif_t *s, tm_buf_t *out)
{
    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    s->first = true;
    tm_status_t st = tm_buf_puts(out, "{\"$schema\":\"" SARIF_SCHEMA "\",\"version\":\"2.1.0\","
                                      "\"runs\":[{\"tool\":");
    if (st != TM_OK)
        return st;
    tm_jw_t w;
    tm_jw_init(&w, out, TM_JSON_COMPACT, 0);
    tm_jw_object(&w);
    tm_jw_key(&w, "driver");
    tm_jw_object(&w);
    tm_jw_key(&w, "name");
    tm_jw_cstring(&w, "tmems-check");
    tm_jw_key(&w, "version");
    tm_jw_cstring(&w, s->version ? s->version : "0");
    tm_jw_key(&w, "rules");
    tm_jw_array(&w);
    for (size_t i = 0; st == TM_OK && i < n; i++)
        st = write_rule(&w, &cat[i]);
    tm_jw_array_end(&w);
    tm_jw_object_end(&w);
    tm_jw_object_end(&w);
    if (st == TM_OK)
        st = tm_jw_status(&w);
    if (st == TM_OK)
        st = tm_buf_puts(out, ",\"columnKind\":\"unicodeCodePoints\",\"results\":[");
    return st;
}

tm_status_t tm_report_sarif_end(tm_sarif_t *s, tm_buf_t *out)
{
    (void)s;
    return tm_buf_puts(out, "]}]}\n");
}

/* A relative reference (RFC 3986 section 4.2) to the file: every byte but
 * the unreserved ones and '/' percent-encoded. */
static char *file_uri(const tm_sarif_t *s, const char *file)
{
    size_t n = s->workspace ? strlen(s->workspace) : 0;
    while (n > 1 && s->workspace[n - 1] == '/')
        n--;
    if (n > 0 && strncmp(file, s->workspace, n) == 0 && file[n] == '/')
        file += n + 1;
    while (strncmp(file, "./", 2) == 0)
        file += 2;
    tm_buf_t b;
    tm_buf_init(&b);
    tm_status_t st = TM_OK;
    for (const unsigned char *p = (const unsigned char *)file; st == TM_OK && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            st = tm_buf_putc(&b, (char)*p);
        else
            st = tm_buf_printf(&b, "%%%02X", *p);
    }
    if (st == TM_OK)
        st = tm_buf_putc(&b, '\0');
    if (st != TM_OK) {
        tm_buf_clear(&b);
        return NULL;
    }
    return tm_buf_take(&b);
}

static tm_status_t write_location(tm_jw_t *w, const tm_sarif_t *s, const tm_source_t *src)
{
    char *uri = file_uri(s, src->file);
    if (!uri)
        return TM_ENOMEM;
    tm_jw_key(w, "locations");
    tm_jw_array(w);
    tm_jw_object(w);
    tm_jw_key(w, "physicalLocation");
    tm_jw_object(w);
    tm_jw_key(w, "artifactLocation");
    tm_jw_object(w);
    tm_jw_key(w, "uri");
    tm_jw_cstring(w, uri);
    tm_jw_object_end(w);
    if (src->line) {
        tm_jw_key(w, "region");
        tm_jw_object(w);
        tm_jw_key(w, "startLine");
        tm_jw_int(w, (long long)src->line);
        if (src->column) {
            tm_jw_key(w, "startColumn");
            tm_jw_int(w, src->column);
        }
        tm_jw_object_end(w);
    }
    tm_jw_object_end(w);
    tm_jw_object_end(w);
    tm_jw_array_end(w);
    tm_free(uri);
    return TM_OK;
}

/* FNV-1a, 64 bits: the identity of a finding is its check and its domain,
 * not its line, so an alert survives records moving in the file. */
static void fingerprint(const char *id, const char *domain, char out[17])
{
    uint64_t h = TM_FNV1A_INIT;
    h = tm_fnv1a(h, id ? id : "", id ? strlen(id) + 1 : 1); /* the NUL separates */
    h = tm_fnv1a(h, domain ? domain : "", domain ? strlen(domain) + 1 : 1);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static char *message_text(const tm_finding_t *f)
{
    tm_buf_t b;
    tm_buf_init(&b);
    tm_status_t st = tm_buf_puts(&b, f->summary ? f->summary : "");
    if (st == TM_OK && f->detail)
        st = tm_buf_printf(&b, "\n%s", f->detail);
    if (st == TM_OK && f->fix)
        st = tm_buf_printf(&b, "\n%s\n%s", _("Fix:"), f->fix);
    if (st == TM_OK)
        st = tm_buf_putc(&b, '\0');
    if (st != TM_OK) {
        tm_buf_clear(&b);
        return NULL;
    }
    return tm_buf_take(&b);
}

static tm_status_t write_result(tm_jw_t *w, const tm_sarif_t *s, const tm_result_t *r,
                                const tm_finding_t *f, const tm_source_t *fallback)
{
    const char *level = "none", *kind = "fail";
    switch (f->status) {
    case TM_CHECK_FAIL:
    case TM_CHECK_ERROR: level = "error"; break;
    case TM_CHECK_WARN: level = s->strict ? "error" : "warning"; break;
    case TM_CHECK_INFO: level = "note"; break;
    case TM_CHECK_PASS: kind = "pass"; break;
    case TM_CHECK_SKIP: kind = "notApplicable"; break;
    }
    char fp[17];
    const char *domain = r->ascii ? r->ascii : r->domain;
    fingerprint(f->id, domain, fp);
    char *text = message_text(f);
    if (!text)
        return TM_ENOMEM;
    const tm_source_t *src = f->source.file ? &f->source : fallback;
    int idx = rule_index(f->id);
    tm_status_t st = TM_OK;
    tm_jw_object(w);
    tm_jw_key(w, "ruleId");
    tm_jw_cstring(w, f->id);
    if (idx >= 0) {
        tm_jw_key(w, "ruleIndex");
        tm_jw_int(w, idx);
    }
    tm_jw_key(w, "kind");
    tm_jw_cstring(w, kind);
    tm_jw_key(w, "level");
    tm_jw_cstring(w, level);
    text_object(w, "message", text);
    if (src && src->file)
        st = write_location(w, s, src);
    tm_jw_key(w, "partialFingerprints");
    tm_jw_object(w);
    tm_jw_key(w, "tmemsCheck/v1");
    tm_jw_cstring(w, fp);
    tm_jw_object_end(w);
    tm_jw_key(w, "properties");
    tm_jw_object(w);
    tm_jw_key(w, "domain");
    tm_jw_cstring(w, domain);
    tm_jw_key(w, "status");
    tm_jw_cstring(w, tm_check_status_name(f->status));
    tm_jw_key(w, "console_flag");
    tm_jw_bool(w, tm_finding_console_flag(f));
    tm_jw_object_end(w);
    tm_jw_object_end(w);
    tm_free(text);
    return st;
}

tm_status_t tm_report_sarif_result(tm_sarif_t *s, const tm_result_t *result,
                                   const tm_assessment_t *assessment, tm_buf_t *out)
{
    (void)assessment;
    /* A finding about no one record (domain.exists) points at the file the
     * domain's other records are in, without a line: code scanning wants
     * a file for every alert. */
    tm_source_t fallback = {0};
    for (size_t i = 0; i < result->findings.count && !fallback.file; i++) {
        if (result->findings.items[i].source.file)
            fallback.file = result->findings.items[i].source.file;
    }
    tm_status_t st = TM_OK;
    for (size_t i = 0; st == TM_OK && i < result->findings.count; i++) {
        if (!s->first)
            st = tm_buf_putc(out, ',');
        s->first = false;
        tm_jw_t w;
        tm_jw_init(&w, out, TM_JSON_COMPACT, 0);
        if (st == TM_OK)
            st = write_result(&w, s, result, &result->findings.items[i], &fallback);
        if (st == TM_OK)
            st = tm_jw_status(&w);
    }
    return st;
}
