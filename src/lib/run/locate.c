/* locate.c - findings placed on the lines that caused them: a CI job shows
 * a finding on the line of the pull request where the record is written
 * (docs/ci.md).  The zone keeps every record's file, line and column
 * (tm_zone_record_t); this picks the record a finding is about. */
#include <stdio.h>
#include <string.h>

#include "locate.h"
#include "tmems/tm_dns.h"

/* "owner. TTL IN TYPE rdata": the owner, the type and for TXT the kind. */
static bool from_fix_line(const char *line, locate_target_t *out)
{
    size_t n = strcspn(line, " \t\n");
    if (n == 0 || n > TM_NAME_MAX + 1)
        return false;
    memcpy(out->owner, line, n);
    out->owner[n] = '\0';
    const char *p = line + n;
    /* TTL, class, type: the first of TXT or MX among the next words */
    for (int word = 0; word < 3; word++) {
        p += strspn(p, " \t");
        size_t w = strcspn(p, " \t\n");
        if (w == 3 && tm_ascii_ncasecmp(p, "TXT", 3) == 0) {
            out->type = TM_RR_TXT;
            p += w;
            p += strspn(p, " \t\"");
            out->kind = tm_ascii_ncasecmp(p, "v=spf1", 6) == 0 ? LOCATE_TXT_SPF : LOCATE_TXT_TOKEN;
            return true;
        }
        if (w == 2 && tm_ascii_ncasecmp(p, "MX", 2) == 0) {
            out->type = TM_RR_MX;
            return true;
        }
        p += w;
    }
    return false;
}

static bool prefixed(const char *id, const char *prefix)
{
    return strncmp(id, prefix, strlen(prefix)) == 0;
}

bool tm_locate_target(const tm_finding_t *f, const char *domain, const char *token_prefix,
                      locate_target_t *out)
{
    (void)token_prefix;
    memset(out, 0, sizeof *out);
    if (!f->id || !domain)
        return false;
    if (f->fix_records && from_fix_line(f->fix_records, out))
        return true;
    snprintf(out->owner, sizeof out->owner, "%s", domain);
    if (prefixed(f->id, "token.")) {
        out->type = TM_RR_TXT;
        out->kind = LOCATE_TXT_TOKEN;
    } else if (prefixed(f->id, "mx.") || prefixed(f->id, "inbound.") ||
               strcmp(f->id, "company.id") == 0 || strcmp(f->id, "company.inbound_host") == 0) {
        out->type = TM_RR_MX;
    } else if (prefixed(f->id, "spf.") || strcmp(f->id, "company.relay_host") == 0) {
        out->type = TM_RR_TXT;
        out->kind = LOCATE_TXT_SPF;
    } else {
        return false; /* domain.*, dns.consistency, rules.current: no one record */
    }
    return true;
}

/* The first bytes of a TXT record's strings joined (RFC 7208 section 3.3). */
static void txt_head(const uint8_t *rd, size_t len, char *out, size_t outlen)
{
    size_t o = 0, i = 0;
    while (i < len && o + 1 < outlen) {
        size_t n = rd[i++];
        for (size_t k = 0; k < n && i + k < len && o + 1 < outlen; k++)
            out[o++] = (char)rd[i + k];
        i += n;
    }
    out[o] = '\0';
}

static bool kind_matches(const tm_zone_record_t *r, locate_kind_t kind, const char *token_prefix)
{
    if (r->type != TM_RR_TXT || kind == LOCATE_TXT_ANY)
        return true;
    char head[32];
    txt_head(r->rdata, r->rdlen, head, sizeof head);
    /* RFC 7208 section 4.5: "v=spf1" then a space or the end */
    bool spf = tm_ascii_ncasecmp(head, "v=spf1", 6) == 0 && (head[6] == ' ' || head[6] == '\0');
    if (kind == LOCATE_TXT_SPF)
        return spf;
    const char *tp = token_prefix && *token_prefix ? token_prefix : "tmes=";
    return tm_ascii_ncasecmp(head, tp, strlen(tp)) == 0;
}

static tm_status_t set_source(tm_source_t *src, const char *file, unsigned long line,
                              unsigned column)
{
    src->file = tm_strdup(file);
    if (!src->file)
        return TM_ENOMEM;
    src->line = line;
    src->column = column;
    return TM_OK;
}

tm_status_t tm_findings_locate(const tm_resolver_t *res, const char *domain,
                               const char *token_prefix, tm_findings_t *findings)
{
    if (!res || !domain || !findings)
        return TM_OK;
    for (size_t i = 0; i < findings->count; i++) {
        tm_finding_t *f = &findings->items[i];
        locate_target_t t;
        if (f->source.file || !tm_locate_target(f, domain, token_prefix, &t))
            continue;
        size_t n = strlen(t.owner);
        if (n > 0 && t.owner[n - 1] == '.')
            t.owner[n - 1] = '\0';
        const tm_zone_t *z = tm_resolver_zone_for(res, t.owner);
        if (!z)
            continue; /* live DNS: no file to point at */
        size_t first = 0, count = tm_zone_rrset(z, t.owner, t.type, &first);
        tm_zone_record_t r;
        bool found = false;
        for (size_t k = first; k < first + count && tm_zone_record(z, k, &r); k++) {
            if (kind_matches(&r, t.kind, token_prefix)) {
                found = true;
                break;
            }
        }
        tm_status_t st;
        if (found && r.file)
            st = set_source(&f->source, r.file, r.line, r.column);
        else if (tm_zone_file(z))
            st = set_source(&f->source, tm_zone_file(z), 0, 0);
        else
            st = TM_OK;
        if (st != TM_OK)
            return st;
    }
    return TM_OK;
}
