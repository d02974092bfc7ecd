/* sarif.c - SARIF 2.1.0 (OASIS, Static Analysis Results Interchange
 * Format; tm_report_ci.h): code scanning services show each finding on
 * the line of its record.  Written in pieces, like the JSON document:
 * begin (the tool and its rules), one result per finding, end. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json_util.h"
#include "tmems/tm_report_ci.h"
#include "util/tm_i18n.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

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

static cJSON *text_object(const char *text)
{
    cJSON *o = cJSON_CreateObject();
    if (o && tm_json_add(o, "text", tm_json_cstring(text)))
        return o;
    cJSON_Delete(o);
    return NULL;
}

static cJSON *rule(const tm_check_def_t *def)
{
    const char *help = tm_check_help(def->id);
    char *full = tm_strprintf(_("%s See docs/checks.md, %s."), help ? help : "", def->id);
    cJSON *r = cJSON_CreateObject(), *props = cJSON_CreateObject(), *tags = cJSON_CreateArray();
    bool ok = r && props && tags && full &&
              tm_json_add(r, "id", tm_json_cstring(def->id)) &&
              tm_json_add(r, "shortDescription", text_object(help ? help : def->id)) &&
              tm_json_add(r, "help", text_object(full)) &&
              tm_json_push(tags, cJSON_CreateString(tm_section_name(def->section))) &&
              (!def->console || tm_json_push(tags, cJSON_CreateString("console")));
    if (ok) {
        ok = tm_json_add(props, "tags", tags);
        tags = NULL;
    }
    if (ok) {
        ok = tm_json_add(r, "properties", props);
        props = NULL;
    }
    tm_free(full);
    cJSON_Delete(tags);
    cJSON_Delete(props);
    if (ok)
        return r;
    cJSON_Delete(r);
    return NULL;
}

static cJSON *tool(const tm_sarif_t *s)
{
    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    cJSON *t = cJSON_CreateObject(), *driver = cJSON_CreateObject(), *rules = cJSON_CreateArray();
    bool ok = t && driver && rules && tm_json_add(driver, "name", cJSON_CreateString("tmems-check")) &&
              tm_json_add(driver, "version", tm_json_cstring(s->version ? s->version : "0"));
    for (size_t i = 0; ok && i < n; i++)
        ok = tm_json_push(rules, rule(&cat[i]));
    if (ok) {
        ok = tm_json_add(driver, "rules", rules);
        rules = NULL;
    }
    if (ok) {
        ok = tm_json_add(t, "driver", driver);
        driver = NULL;
    }
    cJSON_Delete(rules);
    cJSON_Delete(driver);
    if (ok)
        return t;
    cJSON_Delete(t);
    return NULL;
}

tm_status_t tm_report_sarif_begin(tm_sarif_t *s, tm_buf_t *out)
{
    s->first = true;
    cJSON *t = tool(s);
    if (!t)
        return TM_ENOMEM;
    tm_status_t st = tm_buf_puts(out, "{\"$schema\":\"" SARIF_SCHEMA "\",\"version\":\"2.1.0\","
                                      "\"runs\":[{\"tool\":");
    if (st == TM_OK)
        st = tm_json_print(t, false, out);
    if (st == TM_OK)
        st = tm_buf_puts(out, ",\"columnKind\":\"unicodeCodePoints\",\"results\":[");
    cJSON_Delete(t);
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

static cJSON *location(const tm_sarif_t *s, const tm_source_t *src)
{
    char *uri = file_uri(s, src->file);
    cJSON *loc = cJSON_CreateObject(), *phys = cJSON_CreateObject(),
          *art = cJSON_CreateObject(), *region = src->line ? cJSON_CreateObject() : NULL;
    bool ok = uri && loc && phys && art && (region || !src->line) &&
              tm_json_add(art, "uri", cJSON_CreateString(uri));
    if (ok && region) {
        ok = tm_json_add(region, "startLine", cJSON_CreateNumber((double)src->line)) &&
             (!src->column ||
              tm_json_add(region, "startColumn", cJSON_CreateNumber(src->column)));
    }
    if (ok) {
        ok = tm_json_add(phys, "artifactLocation", art);
        art = NULL;
    }
    if (ok && region) {
        ok = tm_json_add(phys, "region", region);
        region = NULL;
    }
    if (ok) {
        ok = tm_json_add(loc, "physicalLocation", phys);
        phys = NULL;
    }
    tm_free(uri);
    cJSON_Delete(art);
    cJSON_Delete(region);
    cJSON_Delete(phys);
    if (ok)
        return loc;
    cJSON_Delete(loc);
    return NULL;
}

/* FNV-1a, 64 bits: the identity of a finding is its check and its domain,
 * not its line, so an alert survives records moving in the file. */
static void fingerprint(const char *id, const char *domain, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    const char *parts[2] = {id ? id : "", domain ? domain : ""};
    for (int k = 0; k < 2; k++) {
        for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++) {
            h ^= *p;
            h *= 0x100000001b3ull;
        }
        h ^= 0;
        h *= 0x100000001b3ull; /* the separator */
    }
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

static cJSON *result_object(const tm_sarif_t *s, const tm_result_t *r, const tm_finding_t *f,
                            const tm_source_t *fallback)
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
    const tm_source_t *src = f->source.file ? &f->source : fallback;
    cJSON *o = cJSON_CreateObject(), *fps = cJSON_CreateObject(), *locs = NULL;
    int idx = rule_index(f->id);
    bool ok = o && fps && text && tm_json_add(o, "ruleId", tm_json_cstring(f->id)) &&
              (idx < 0 || tm_json_add(o, "ruleIndex", cJSON_CreateNumber(idx))) &&
              tm_json_add(o, "kind", cJSON_CreateString(kind)) &&
              tm_json_add(o, "level", cJSON_CreateString(level)) &&
              tm_json_add(o, "message", text_object(text)) &&
              tm_json_add(fps, "tmemsCheck/v1", cJSON_CreateString(fp));
    if (ok && src && src->file) {
        locs = cJSON_CreateArray();
        ok = locs && tm_json_push(locs, location(s, src)) && tm_json_add(o, "locations", locs);
        locs = NULL;
    }
    if (ok) {
        ok = tm_json_add(o, "partialFingerprints", fps);
        fps = NULL;
    }
    if (ok) {
        cJSON *props = cJSON_CreateObject();
        ok = props && tm_json_add(props, "domain", tm_json_cstring(domain)) &&
             tm_json_add(props, "status", cJSON_CreateString(tm_check_status_name(f->status))) &&
             tm_json_add(props, "console_flag", cJSON_CreateBool(tm_finding_console_flag(f)));
        if (ok)
            ok = tm_json_add(o, "properties", props);
        else
            cJSON_Delete(props);
    }
    tm_free(text);
    cJSON_Delete(fps);
    if (ok)
        return o;
    cJSON_Delete(o);
    return NULL;
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
        cJSON *o = result_object(s, result, &result->findings.items[i], &fallback);
        if (!o)
            return TM_ENOMEM;
        if (!s->first)
            st = tm_buf_putc(out, ',');
        if (st == TM_OK)
            st = tm_json_print(o, false, out);
        s->first = false;
        cJSON_Delete(o);
    }
    return st;
}
