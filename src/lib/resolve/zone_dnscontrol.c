/* zone_dnscontrol.c - a DNSControl configuration as `dnscontrol print-ir`
 * writes it (JSON: domains[].records[]), read with cJSON into the same
 * records a zone file gives.  Each record's location is its filepos, the
 * place in dnsconfig.js that made it, which print-ir writes either as
 * "[line:L:C]" (the file is then the dnsconfig.js beside the JSON) or as
 * "FILE:L:C".
 *
 * A record has a type, a name ("@" for the apex, else relative to the
 * domain), a ttl (300, DNSControl's default, when absent) and a target; MX
 * adds mxpreference; TXT text is in target (newer) or in txtstrings, one
 * character-string each (older). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "errbuf.h"
#include "zone_input.h"
#include "zone_rdata.h"
#include "tmems/tm_file.h"
#include "tmems/tm_i18n.h"

#define DNSCONTROL_DEFAULT_TTL 300
#define NAME_TEXT_MAX 1100
#define FILEPOS_FILES_MAX 16

typedef struct {
    tm_zone_builder_t *b;
    const char *path;
    const char *origin;
    uint16_t json_file;          /* the IR itself: records without a filepos */
    char *pos_files[FILEPOS_FILES_MAX]; /* files filepos named, as shown */
    uint16_t pos_index[FILEPOS_FILES_MAX];
    size_t npos;
    zrd_t *rd;
    char *err;
    size_t errlen;
} dnsc_t;

/* Where a record came from, from its filepos. */
typedef struct {
    char file[1024];   /* "" when none */
    unsigned long line;
    unsigned column;
} filepos_t;

static bool parse_filepos(const char *s, const char *json_path, filepos_t *out)
{
    memset(out, 0, sizeof *out);
    if (!s)
        return false;
    unsigned long line, col;
    int used = 0;
    /* "[line:12:5]" */
    if (sscanf(s, "[line:%lu:%lu]%n", &line, &col, &used) == 2 && s[used] == '\0') {
        const char *slash = strrchr(json_path, '/');
        snprintf(out->file, sizeof out->file, "%.*sdnsconfig.js",
                 slash ? (int)(slash - json_path + 1) : 0, json_path);
    } else {
        /* "FILE:12:5": the last two fields are numbers */
        const char *c2 = strrchr(s, ':');
        if (!c2 || c2 == s)
            return false;
        const char *c1 = c2 - 1;
        while (c1 > s && *c1 != ':')
            c1--;
        char *end;
        if (c1 == s || c1[1] < '0' || c1[1] > '9')
            return false;
        line = strtoul(c1 + 1, &end, 10);
        if (end != c2 || c2[1] < '0' || c2[1] > '9')
            return false;
        col = strtoul(c2 + 1, &end, 10);
        if (*end)
            return false;
        const char *slash = strrchr(json_path, '/');
        bool relative = s[0] != '/' && slash;
        snprintf(out->file, sizeof out->file, "%.*s%.*s",
                 relative ? (int)(slash - json_path + 1) : 0, json_path, (int)(c1 - s), s);
    }
    out->line = line;
    out->column = col > 0xffffffu ? 0 : (unsigned)col;
    return true;
}

static tm_status_t fail(dnsc_t *d, const filepos_t *pos, size_t index, const char *why)
{
    if (pos && pos->line)
        tm_err_printf(d->err, d->errlen, _("DNSControl file '%s' (%s line %lu): %s"), d->path,
                      pos->file, pos->line, why);
    else
        tm_err_printf(d->err, d->errlen, _("DNSControl file '%s' record %zu of '%s': %s"),
                      d->path, index + 1, d->origin, why);
    return TM_EPARSE;
}

static tm_status_t file_index(dnsc_t *d, const char *file, uint16_t *out)
{
    for (size_t i = 0; i < d->npos; i++) {
        if (strcmp(d->pos_files[i], file) == 0) {
            *out = d->pos_index[i];
            return TM_OK;
        }
    }
    if (d->npos == FILEPOS_FILES_MAX)
        return TM_ERANGE;
    tm_status_t st = tm_zone_builder_file(d->b, file, &d->pos_index[d->npos]);
    if (st != TM_OK)
        return st;
    d->pos_files[d->npos] = tm_strdup(file);
    if (!d->pos_files[d->npos])
        return TM_ENOMEM;
    *out = d->pos_index[d->npos++];
    return TM_OK;
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static tm_status_t record_rdata(dnsc_t *d, const cJSON *r, uint16_t type, const filepos_t *pos,
                                size_t index)
{
    zrd_t *rd = d->rd;
    const char *target = str(r, "target");
    char full[NAME_TEXT_MAX];
    rd->len = 0;
    switch (type) {
    case TM_RR_A:
        return target && zrd_put_a(rd, target) ? TM_OK
                                                : fail(d, pos, index, _("an A target must be an IPv4 address"));
    case TM_RR_AAAA:
        return target && zrd_put_aaaa(rd, target)
                   ? TM_OK
                   : fail(d, pos, index, _("an AAAA target must be an IPv6 address"));
    case TM_RR_MX: {
        const cJSON *pref = cJSON_GetObjectItemCaseSensitive(r, "mxpreference");
        if (!cJSON_IsNumber(pref) || pref->valuedouble < 0 || pref->valuedouble > 65535 ||
            pref->valuedouble != (double)(int)pref->valuedouble)
            return fail(d, pos, index, _("an MX mxpreference must be a number from 0 to 65535"));
        if (!target || !zrd_full_name(target, d->origin, full, sizeof full) ||
            !zrd_put_u16(rd, (uint16_t)pref->valueint) || !zrd_put_name(rd, full))
            return fail(d, pos, index, _("an MX target must be a domain name"));
        return TM_OK;
    }
    case TM_RR_CNAME:
    case TM_RR_NS:
    case TM_RR_PTR:
        if (!target || !zrd_full_name(target, d->origin, full, sizeof full) ||
            !zrd_put_name(rd, full))
            return fail(d, pos, index, _("the target must be a domain name"));
        return TM_OK;
    default: { /* TXT, SPF */
        const cJSON *strings = cJSON_GetObjectItemCaseSensitive(r, "txtstrings");
        if (cJSON_IsArray(strings) && cJSON_GetArraySize(strings) > 0) {
            const cJSON *s;
            cJSON_ArrayForEach(s, strings)
            {
                if (!cJSON_IsString(s) || !zrd_put_text(rd, s->valuestring, strlen(s->valuestring)))
                    return fail(d, pos, index, _("txtstrings must be strings"));
            }
            return TM_OK;
        }
        if (!target || !zrd_put_text(rd, target, strlen(target)))
            return fail(d, pos, index, _("a TXT record needs its text in target or txtstrings"));
        return TM_OK;
    }
    }
}

static tm_status_t add_record(dnsc_t *d, const cJSON *r, size_t index)
{
    filepos_t pos;
    bool have_pos = parse_filepos(str(r, "filepos"), d->path, &pos);
    const char *type_name = str(r, "type");
    if (!cJSON_IsObject(r) || !type_name)
        return fail(d, have_pos ? &pos : NULL, index, _("a record must be an object with a type"));
    bool was_spf;
    uint16_t type = zrd_type(type_name, &was_spf);
    if (type == 0)
        return TM_OK;
    const char *name = str(r, "name");
    char owner[NAME_TEXT_MAX];
    if (!name || (name[0] && name[strlen(name) - 1] == '.' && strcmp(name, ".") != 0) ||
        !zrd_full_name(name, d->origin, owner, sizeof owner))
        return fail(d, have_pos ? &pos : NULL, index,
                    _("a record name must be '@' or relative to the domain"));
    unsigned long ttl = DNSCONTROL_DEFAULT_TTL;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(r, "ttl");
    if (t && (!cJSON_IsNumber(t) || t->valuedouble < 0 || t->valuedouble > 2147483647.0))
        return fail(d, have_pos ? &pos : NULL, index, _("the ttl must be a number of seconds"));
    if (t && t->valuedouble > 0)
        ttl = (unsigned long)t->valuedouble;
    tm_status_t st = record_rdata(d, r, type, have_pos ? &pos : NULL, index);
    if (st != TM_OK)
        return st;
    uint16_t file = d->json_file;
    if (have_pos) {
        st = file_index(d, pos.file, &file);
        if (st != TM_OK)
            return st;
    }
    tm_zone_record_t rec = {.owner = owner, .type = type, .ttl = (uint32_t)ttl,
                            .rdata = d->rd->data, .rdlen = (uint16_t)d->rd->len,
                            .line = have_pos ? pos.line : 0, .column = have_pos ? pos.column : 0};
    st = tm_zone_builder_add(d->b, &rec, file);
    if (st == TM_EINVAL || st == TM_EPARSE)
        return fail(d, have_pos ? &pos : NULL, index, _("the record cannot be read"));
    return st;
}

/* The line of a byte offset, for a JSON syntax error. */
static unsigned long line_of(const char *text, size_t off)
{
    unsigned long line = 1;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

static const cJSON *pick_domain(dnsc_t *d, const cJSON *domains, const char *want)
{
    const cJSON *dom, *only = NULL;
    size_t n = 0;
    char name[NAME_TEXT_MAX];
    cJSON_ArrayForEach(dom, domains)
    {
        const char *nm = str(dom, "name");
        if (!nm || !zrd_full_name(nm, "", name, sizeof name))
            continue;
        n++;
        only = dom;
        if (want && strcmp(name, want) == 0)
            return dom;
    }
    if (n == 1 && !want)
        return only;
    if (n == 0)
        tm_err_printf(d->err, d->errlen, _("DNSControl file '%s' holds no domain"), d->path);
    else if (want)
        tm_err_printf(d->err, d->errlen, _("DNSControl file '%s' holds no domain '%s'"), d->path,
                      want);
    else
        tm_err_printf(d->err, d->errlen,
                      dngettext(TM_TEXTDOMAIN, "DNSControl file '%s' holds %zu domain: check it",
                                "DNSControl file '%s' holds %zu domains: check one of them", n),
                      d->path, n);
    return NULL;
}

/* The file as JSON, with its "domains" list. */
static tm_status_t parse_file(const char *path, cJSON **root, const cJSON **domains, char *err,
                              size_t errlen)
{
    char *text = NULL, why_text[128];
    size_t len = 0;
    tm_file_error_t why;
    *root = NULL;
    tm_status_t st = tm_file_read(path, ZONE_INPUT_FILE_MAX, false, &text, &len, &why);
    if (st != TM_OK) {
        tm_err_printf(err, errlen, _("cannot read zone file '%s': %s"), path,
                      tm_file_strerror(&why, why_text, sizeof why_text));
        return st;
    }
    const char *end = NULL;
    *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!*root) {
        size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        tm_err_printf(err, errlen, _("DNSControl file '%s' line %lu: not valid JSON"), path,
                      line_of(text, off));
        tm_free(text);
        return TM_EPARSE;
    }
    tm_free(text);
    *domains = cJSON_GetObjectItemCaseSensitive(*root, "domains");
    if (!cJSON_IsArray(*domains)) {
        tm_err_printf(err, errlen,
                      _("DNSControl file '%s' has no \"domains\" list: is it the output of "
                        "dnscontrol print-ir?"),
                      path);
        cJSON_Delete(*root);
        *root = NULL;
        return TM_EPARSE;
    }
    return TM_OK;
}

/* The zone of one domain of the file. */
/* One rule per type named in types ("MX, TXT"; NULL or "" every type).
 * Types the checks never ask for need no rule. */
static tm_status_t live_types(dnsc_t *d, const char *label, const char *types,
                              tm_zone_live_t kind, const char *where)
{
    /* DNSControl writes "*" for IGNORE() without types (helpers.js), and
     * reads "" or "*" as every type (handsoff.go). */
    if (!types || !*types || strchr(types, '*'))
        return tm_zone_builder_live(d->b, label, 0, kind, where);
    const char *p = types;
    while (*p) {
        char word[16];
        size_t n = 0;
        p += strspn(p, " \t,");
        while (*p && *p != ',' && *p != ' ' && *p != '\t') {
            if (n + 1 < sizeof word)
                word[n++] = *p;
            p++;
        }
        word[n] = '\0';
        bool was_spf;
        uint16_t type = n ? zrd_type(word, &was_spf) : 0;
        if (type && !was_spf) {
            tm_status_t st = tm_zone_builder_live(d->b, label, type, kind, where);
            if (st != TM_OK)
                return st;
        }
    }
    return TM_OK;
}

/* What the configuration leaves to the provider (zone_live.h): NO_PURGE
 * ("keepunknown"), IGNORE() and its older forms IGNORE_NAME()
 * ("ignored_names") and IGNORE_TARGET() ("ignored_targets").  A target
 * pattern narrows which records a rule spares, but any record it spares
 * may sit beside the file's: the whole RRset is the provider's. */
static tm_status_t read_live(dnsc_t *d, const cJSON *dom)
{
    char where[NAME_TEXT_MAX + 64];
    tm_status_t st = TM_OK;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(dom, "keepunknown"))) {
        snprintf(where, sizeof where, _("%s: NO_PURGE (keepunknown) for %s"), d->path, d->origin);
        st = tm_zone_builder_live(d->b, "*", 0, TM_ZONE_LIVE_KEPT, where);
    }
    const cJSON *rule;
    cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(dom, "unmanaged"))
    {
        if (st != TM_OK)
            return st;
        const char *label = str(rule, "label_pattern");
        snprintf(where, sizeof where, _("%s: IGNORE(\"%s\") for %s"), d->path,
                 label ? label : "*", d->origin);
        st = live_types(d, label, str(rule, "rType_pattern"), TM_ZONE_LIVE_IGNORED, where);
    }
    cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(dom, "ignored_names"))
    {
        if (st != TM_OK)
            return st;
        const char *label = cJSON_IsString(rule) ? rule->valuestring : str(rule, "pattern");
        snprintf(where, sizeof where, _("%s: IGNORE_NAME(\"%s\") for %s"), d->path,
                 label ? label : "*", d->origin);
        st = live_types(d, label, cJSON_IsString(rule) ? NULL : str(rule, "types"),
                        TM_ZONE_LIVE_IGNORED, where);
    }
    cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(dom, "ignored_targets"))
    {
        if (st != TM_OK)
            return st;
        const char *target = str(rule, "pattern");
        snprintf(where, sizeof where, _("%s: IGNORE_TARGET(\"%s\") for %s"), d->path,
                 target ? target : "*", d->origin);
        st = live_types(d, "*", str(rule, "type"), TM_ZONE_LIVE_IGNORED, where);
    }
    return st;
}

static tm_status_t build_domain(const char *path, const cJSON *dom, tm_zone_t **out, char *err,
                                size_t errlen)
{
    char origin[NAME_TEXT_MAX];
    dnsc_t d = {.path = path, .err = err, .errlen = errlen, .origin = origin};
    tm_status_t st;
    *out = NULL;
    zrd_full_name(str(dom, "name"), "", origin, sizeof origin);
    d.rd = tm_malloc(sizeof *d.rd);
    st = d.rd ? tm_zone_builder_create(origin, &d.b) : TM_ENOMEM;
    if (st == TM_EINVAL)
        tm_err_printf(err, errlen, _("zone file '%s': invalid origin '%s'"), path, origin);
    if (st == TM_OK)
        st = tm_zone_builder_file(d.b, path, &d.json_file);
    const cJSON *records = cJSON_GetObjectItemCaseSensitive(dom, "records");
    if (st == TM_OK && records && !cJSON_IsArray(records)) {
        tm_err_printf(err, errlen, _("DNSControl file '%s': the records of '%s' are not a list"),
                      path, origin);
        st = TM_EPARSE;
    }
    size_t index = 0;
    const cJSON *r;
    if (st == TM_OK && records) {
        cJSON_ArrayForEach(r, records)
        {
            st = add_record(&d, r, index++);
            if (st != TM_OK)
                break;
        }
    }
    if (st == TM_OK)
        st = read_live(&d, dom);
    if (st == TM_OK) {
        st = tm_zone_builder_finish(d.b, out);
        d.b = NULL;
    }
    if (st == TM_ENOMEM || st == TM_ERANGE)
        tm_err_printf(err, errlen, _("zone file '%s': %s"), path, tm_strerror(st));
    tm_zone_builder_destroy(d.b);
    for (size_t i = 0; i < d.npos; i++)
        tm_free(d.pos_files[i]);
    tm_free(d.rd);
    return st;
}

tm_status_t zone_dnscontrol_load(const char *path, const tm_zone_options_t *opts,
                                 tm_zone_t **out, char *err, size_t errlen)
{
    char want[NAME_TEXT_MAX] = "";
    cJSON *root;
    const cJSON *domains;
    *out = NULL;
    tm_status_t st = parse_file(path, &root, &domains, err, errlen);
    if (st != TM_OK)
        return st;
    dnsc_t d = {.path = path, .err = err, .errlen = errlen};
    const char *o = opts->origin ? opts->origin : opts->default_origin;
    if (o)
        zrd_full_name(o, "", want, sizeof want);
    const cJSON *dom = pick_domain(&d, domains, o ? want : NULL);
    if (!dom && o && cJSON_GetArraySize(domains) == 1 && !opts->origin)
        dom = pick_domain(&d, domains, NULL); /* its one domain, whatever is checked */
    st = dom ? build_domain(path, dom, out, err, errlen) : TM_EINVAL;
    cJSON_Delete(root);
    return st;
}

tm_status_t zone_dnscontrol_load_all(const char *path, tm_zone_t **zones, size_t max,
                                     size_t *count, char *err, size_t errlen)
{
    cJSON *root;
    const cJSON *domains, *dom;
    char name[NAME_TEXT_MAX];
    *count = 0;
    tm_status_t st = parse_file(path, &root, &domains, err, errlen);
    if (st != TM_OK)
        return st;
    cJSON_ArrayForEach(dom, domains)
    {
        const char *nm = str(dom, "name");
        if (!nm || !zrd_full_name(nm, "", name, sizeof name))
            continue;
        if (*count == max) {
            tm_err_printf(err, errlen, _("too many zone files (at most %d)"),
                          TM_RESOLVER_MAX_ZONES);
            st = TM_ERANGE;
            break;
        }
        st = build_domain(path, dom, &zones[*count], err, errlen);
        if (st != TM_OK)
            break;
        (*count)++;
    }
    if (st == TM_OK && *count == 0) {
        tm_err_printf(err, errlen, _("DNSControl file '%s' holds no domain"), path);
        st = TM_EINVAL;
    }
    if (st != TM_OK) {
        for (size_t i = 0; i < *count; i++)
            tm_zone_destroy(zones[i]);
        *count = 0;
    }
    cJSON_Delete(root);
    return st;
}
