/* rules_parse.c - the rules JSON (docs/rules.md) into a tm_rules_t.
 *
 * Validation is strict on purpose: a --rules file with a typo in a key or a
 * range would otherwise make every check compare against the wrong facts
 * without a word.  The first problem is reported with its JSON path. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tmems/tm_json_alloc.h"
#include "tmems/tm_rules.h"
#include "tmems/tm_i18n.h"

/* Bounds of docs/rules.md. */
#define MEMBERS_MAX 64          /* keys in one object, x- keys included */
#define SITE_MAX 64
#define SOURCES_MAX 32
#define SOURCE_TEXT_MAX 512
#define REGION_MAX 16
#define TOKEN_PREFIX_MAX 32
#define TOKEN_LENGTH_MAX 255    /* one TXT character-string, RFC 1035 section 3.3 */
#define TTL_MAX 2147483647LL    /* RFC 2181 section 8 */
#define RANGES_MAX 64
#define CIDR_TEXT_MAX 64
/* spf.tmems_ranges evaluates every address of every range (docs/checks.md), so
 * the rules bound the work: Japan has 512. */
#define RANGE_ADDRESSES_MAX 65536ULL
#define RECORDS_MAX 64
#define RECORD_VALUE_MAX 4096
#define CLOUDS_MAX 16
#define CLOUD_ID_MAX 32
#define CLOUD_NAME_MAX 64
#define SUFFIXES_MAX 16
#define PATH_MAX_LEN 160
#define QUOTE_MAX 48 /* source bytes shown when quoting a bad value */

typedef struct {
    char *where;
    size_t where_len;
} perr_t;

/* Writes "path: message" to where and returns st. */
__attribute__((format(printf, 4, 5))) static tm_status_t fail(perr_t *e, tm_status_t st,
                                                              const char *path,
                                                              const char *fmt, ...)
{
    if (!e->where || e->where_len == 0)
        return st;
    int n = snprintf(e->where, e->where_len, "%s: ", path);
    if (n < 0 || (size_t)n >= e->where_len)
        return st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->where + n, e->where_len - (size_t)n, fmt, ap);
    va_end(ap);
    return st;
}

/* A value from the file in quotes, escaped by the one policy
 * (src/lib/util/text.c) so that it is safe to show on a terminal, a long
 * one cut with "...". */
static void quote(const char *s, char *out, size_t outlen)
{
    if (outlen < 8) {
        if (outlen)
            out[0] = '\0';
        return;
    }
    size_t room = outlen - 2 < QUOTE_MAX + 8 ? outlen - 2 : QUOTE_MAX + 8;
    out[0] = '"';
    tm_text_escape_cut(out + 1, room, s, strlen(s), TM_TEXT_QUOTED);
    size_t n = strlen(out);
    out[n] = '"';
    out[n + 1] = '\0';
}

/* Paths are short (at most three levels of known keys); a cut one ends in
 * "..." so that the reader sees it is not whole. */
static void mark_cut(char *out, size_t n, int written)
{
    if (written >= 0 && (size_t)written < n)
        return;
    if (n >= 4)
        memcpy(out + n - 4, "...", 4);
}

static void path_key(char *out, size_t n, const char *path, const char *key)
{
    char safe[QUOTE_MAX * 4 + 8];
    size_t o = 0, i = 0;
    for (; key[i] && i < QUOTE_MAX && o + 5 < sizeof safe; i++) {
        unsigned char c = (unsigned char)key[i];
        /* Characters that would make the path ambiguous are escaped too. */
        if (c > 0x20 && c < 0x7f && !strchr("\".[]\\", c)) {
            safe[o++] = (char)c;
        } else {
            snprintf(safe + o, sizeof safe - o, "\\x%02x", c);
            o += 4;
        }
    }
    if (key[i]) {
        memcpy(safe + o, "...", 3);
        o += 3;
    }
    safe[o] = '\0';
    mark_cut(out, n, snprintf(out, n, "%s.%s", path, safe));
}

static void path_index(char *out, size_t n, const char *path, size_t index)
{
    mark_cut(out, n, snprintf(out, n, "%s[%zu]", path, index));
}

static tm_status_t dup_into(perr_t *e, const char *s, char **out)
{
    *out = tm_strdup(s);
    return *out ? TM_OK : fail(e, TM_ENOMEM, "$", "%s", _("out of memory"));
}

static size_t object_size(const cJSON *obj)
{
    size_t n = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        n++;
    return n;
}

/* Rejects unknown and repeated keys.  keys is NULL-terminated; "x-" keys are
 * free-form extensions, and "sources" is informative where allowed. */
static tm_status_t check_keys(perr_t *e, const cJSON *obj, const char *path,
                              const char *const *keys, bool allow_sources)
{
    char sub[PATH_MAX_LEN];
    if (object_size(obj) > MEMBERS_MAX)
        return fail(e, TM_EINVAL, path,
                    dngettext(TM_TEXTDOMAIN, "more than %d key", "more than %d keys", MEMBERS_MAX),
                    MEMBERS_MAX);
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *key = c->string ? c->string : "";
        path_key(sub, sizeof sub, path, key);
        for (const cJSON *d = obj->child; d != c; d = d->next)
            if (d->string && strcmp(d->string, key) == 0)
                return fail(e, TM_EINVAL, sub, "%s", _("key appears twice"));
        if (strncmp(key, "x-", 2) == 0 || (allow_sources && strcmp(key, "sources") == 0))
            continue;
        bool known = false;
        for (size_t i = 0; keys[i] && !known; i++)
            known = strcmp(keys[i], key) == 0;
        if (!known)
            return fail(e, TM_EINVAL, sub, "%s", _("unknown key"));
    }
    return TM_OK;
}

static tm_status_t member(perr_t *e, const cJSON *obj, const char *path, const char *key,
                          const cJSON **out, char *sub, size_t sublen)
{
    path_key(sub, sublen, path, key);
    *out = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!*out)
        return fail(e, TM_EINVAL, sub, "%s", _("missing"));
    return TM_OK;
}

static tm_status_t get_int(perr_t *e, const cJSON *obj, const char *path, const char *key,
                           long long min, long long max, long long *out)
{
    char sub[PATH_MAX_LEN];
    const cJSON *item;
    tm_status_t st = member(e, obj, path, key, &item, sub, sizeof sub);
    if (st != TM_OK)
        return st;
    double v = item->valuedouble;
    /* The range test first: it also rejects NaN and infinities before the
     * conversion, which would be undefined for them. */
    if (!cJSON_IsNumber(item) || !(v >= (double)min && v <= (double)max) ||
        (double)(long long)v != v)
        return fail(e, TM_EINVAL, sub, _("must be an integer from %lld to %lld"), min, max);
    *out = (long long)v;
    return TM_OK;
}

/* Text for people (site and cloud names, sources): valid UTF-8 without
 * control characters, so it can be shown as is. */
static bool text_ok(const char *s, size_t min, size_t max)
{
    size_t len = strlen(s);
    if (len < min || len > max || !tm_utf8_valid(s, len))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return false;
        /* C1 controls U+0080..U+009F are 0xc2 0x80..0x9f in UTF-8. */
        if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] <= 0x9f)
            return false;
    }
    return true;
}

static tm_status_t get_text(perr_t *e, const cJSON *item, const char *path, size_t max,
                            char **out)
{
    if (!cJSON_IsString(item))
        return fail(e, TM_EINVAL, path, "%s", _("must be a string"));
    if (!text_ok(item->valuestring, 1, max))
        return fail(e, TM_EINVAL, path,
                    dngettext(TM_TEXTDOMAIN,
                              "must be 1 to %zu byte of UTF-8 text without control characters",
                              "must be 1 to %zu bytes of UTF-8 text without control characters",
                              max),
                    max);
    return out ? dup_into(e, item->valuestring, out) : TM_OK;
}

static tm_status_t get_member_text(perr_t *e, const cJSON *obj, const char *path,
                                   const char *key, size_t max, char **out)
{
    char sub[PATH_MAX_LEN];
    const cJSON *item;
    tm_status_t st = member(e, obj, path, key, &item, sub, sizeof sub);
    return st != TM_OK ? st : get_text(e, item, sub, max, out);
}

/* A lower-case identifier: letters a-z, digits and '-'. */
static tm_status_t get_ident(perr_t *e, const cJSON *obj, const char *path, const char *key,
                             size_t max, char **out)
{
    char sub[PATH_MAX_LEN];
    const cJSON *item;
    tm_status_t st = member(e, obj, path, key, &item, sub, sizeof sub);
    if (st != TM_OK)
        return st;
    bool ok = cJSON_IsString(item) && item->valuestring[0] != '\0' &&
              strlen(item->valuestring) <= max;
    for (const char *p = ok ? item->valuestring : ""; *p && ok; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
    if (!ok)
        return fail(e, TM_EINVAL, sub,
                    dngettext(TM_TEXTDOMAIN, "must be 1 to %zu character of a-z, 0-9 and '-'",
                              "must be 1 to %zu characters of a-z, 0-9 and '-'", max),
                    max);
    return dup_into(e, item->valuestring, out);
}

static tm_status_t get_host_item(perr_t *e, const cJSON *item, const char *path, char **out)
{
    char canon[TM_NAME_MAX + 1];
    char q[QUOTE_MAX * 4 + 16];
    if (!cJSON_IsString(item))
        return fail(e, TM_EINVAL, path, "%s", _("must be a host name (a string)"));
    tm_name_error_t err = tm_name_normalize(item->valuestring, canon);
    if (err != TM_NAME_OK) {
        quote(item->valuestring, q, sizeof q);
        return fail(e, TM_EINVAL, path, _("%s is not a valid host name (%s)"), q,
                    _(tm_name_strerror(err)));
    }
    return dup_into(e, canon, out);
}

static tm_status_t get_host(perr_t *e, const cJSON *obj, const char *path, const char *key,
                            bool nullable, char **out)
{
    char sub[PATH_MAX_LEN];
    const cJSON *item;
    tm_status_t st = member(e, obj, path, key, &item, sub, sizeof sub);
    if (st != TM_OK)
        return st;
    if (nullable && cJSON_IsNull(item))
        return TM_OK;
    return get_host_item(e, item, sub, out);
}

/* An array member of min..max elements. */
static tm_status_t get_array(perr_t *e, const cJSON *obj, const char *path, const char *key,
                             size_t min, size_t max, const cJSON **out, size_t *count,
                             char *sub, size_t sublen)
{
    tm_status_t st = member(e, obj, path, key, out, sub, sublen);
    if (st != TM_OK)
        return st;
    if (!cJSON_IsArray(*out))
        return fail(e, TM_EINVAL, sub, "%s", _("must be an array"));
    *count = (size_t)cJSON_GetArraySize(*out);
    if (*count < min || *count > max)
        return fail(e, TM_EINVAL, sub,
                    dngettext(TM_TEXTDOMAIN, "must have %zu to %zu entry",
                              "must have %zu to %zu entries", max),
                    min, max);
    return TM_OK;
}

static tm_status_t get_object(perr_t *e, const cJSON *obj, const char *path, const char *key,
                              const cJSON **out, char *sub, size_t sublen)
{
    tm_status_t st = member(e, obj, path, key, out, sub, sublen);
    if (st == TM_OK && !cJSON_IsObject(*out))
        st = fail(e, TM_EINVAL, sub, "%s", _("must be an object"));
    return st;
}

static bool is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* YYYY-MM-DD naming a real day of the Gregorian calendar. */
static bool date_ok(const char *s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !is_digits(s, 4) ||
        !is_digits(s + 5, 2) || !is_digits(s + 8, 2))
        return false;
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int month = (s[5] - '0') * 10 + (s[6] - '0');
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1])
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return !(month == 2 && day == 29 && !leap);
}

static bool same_block(const tm_cidr_t *a, const tm_cidr_t *b)
{
    size_t n = a->addr.family == 4 ? 4 : 16;
    return a->addr.family == b->addr.family && a->prefix == b->prefix &&
           memcmp(a->addr.bytes, b->addr.bytes, n) == 0;
}

static tm_status_t parse_cidr(perr_t *e, const cJSON *item, const char *path, tm_cidr_t *net)
{
    char q[QUOTE_MAX * 4 + 16];
    char addr_text[CIDR_TEXT_MAX + 1];
    if (!cJSON_IsString(item))
        return fail(e, TM_EINVAL, path, "%s", _("must be a CIDR block (a string)"));
    const char *text = item->valuestring;
    quote(text, q, sizeof q);
    size_t len = strlen(text);
    if (len > CIDR_TEXT_MAX || !tm_cidr_parse(text, net))
        return fail(e, TM_EINVAL, path, _("%s is not an IPv4 or IPv6 CIDR block"), q);
    /* A block written with host bits set ("15.168.56.1/25") is almost
     * certainly a typo for another block: refuse rather than guess. */
    const char *slash = strchr(text, '/');
    size_t alen = slash ? (size_t)(slash - text) : len;
    memcpy(addr_text, text, alen);
    addr_text[alen] = '\0';
    tm_ip_t written;
    if (tm_ip_parse(addr_text, &written) &&
        memcmp(written.bytes, net->addr.bytes, written.family == 4 ? 4 : 16) != 0) {
        char canon[64];
        tm_cidr_format(net, canon, sizeof canon);
        return fail(e, TM_EINVAL, path, _("%s has host bits set (the block is %s)"), q, canon);
    }
    return TM_OK;
}

static tm_status_t parse_ranges(perr_t *e, const cJSON *root, tm_rules_t *rules)
{
    static const char *const keys[] = {"cidr", "since", NULL};
    char path[PATH_MAX_LEN], ipath[PATH_MAX_LEN], sub[PATH_MAX_LEN];
    const cJSON *arr;
    size_t count;
    tm_status_t st = get_array(e, root, "$", "ranges", 1, RANGES_MAX, &arr, &count, path,
                               sizeof path);
    if (st != TM_OK)
        return st;
    rules->ranges = tm_calloc(count, sizeof *rules->ranges);
    if (!rules->ranges)
        return fail(e, TM_ENOMEM, "$", "%s", _("out of memory"));
    rules->nranges = count;
    unsigned long long v4_total = 0;
    size_t i = 0;
    for (const cJSON *el = arr->child; el; el = el->next, i++) {
        tm_rules_range_t *r = &rules->ranges[i];
        path_index(ipath, sizeof ipath, path, i);
        if (!cJSON_IsObject(el))
            return fail(e, TM_EINVAL, ipath, "%s", _("must be an object"));
        if ((st = check_keys(e, el, ipath, keys, false)) != TM_OK)
            return st;
        const cJSON *cidr;
        if ((st = member(e, el, ipath, "cidr", &cidr, sub, sizeof sub)) != TM_OK ||
            (st = parse_cidr(e, cidr, sub, &r->net)) != TM_OK)
            return st;
        for (size_t j = 0; j < i; j++) {
            if (same_block(&rules->ranges[j].net, &r->net)) {
                char q[QUOTE_MAX * 4 + 16];
                quote(cidr->valuestring, q, sizeof q);
                return fail(e, TM_EINVAL, sub, _("%s repeats %s[%zu]"), q, path, j);
            }
        }
        v4_total += tm_cidr_size_v4(&r->net);
        if (v4_total > RANGE_ADDRESSES_MAX)
            return fail(e, TM_EINVAL, sub,
                        dngettext(TM_TEXTDOMAIN, "the ranges hold more than %llu IPv4 address",
                                  "the ranges hold more than %llu IPv4 addresses",
                                  RANGE_ADDRESSES_MAX),
                        RANGE_ADDRESSES_MAX);
        if ((st = dup_into(e, cidr->valuestring, &r->cidr)) != TM_OK)
            return st;
        const cJSON *since = cJSON_GetObjectItemCaseSensitive(el, "since");
        if (since) {
            path_key(sub, sizeof sub, ipath, "since");
            if (!cJSON_IsString(since) || !date_ok(since->valuestring))
                return fail(e, TM_EINVAL, sub, "%s", _("must be a date written YYYY-MM-DD"));
            if ((st = dup_into(e, since->valuestring, &r->since)) != TM_OK)
                return st;
        }
    }
    return TM_OK;
}

static tm_status_t parse_records(perr_t *e, const cJSON *root, tm_rules_t *rules)
{
    static const char *const keys[] = {"name", "type", "value", NULL};
    char path[PATH_MAX_LEN], ipath[PATH_MAX_LEN], sub[PATH_MAX_LEN];
    const cJSON *arr;
    size_t count;
    tm_status_t st = get_array(e, root, "$", "records", 0, RECORDS_MAX, &arr, &count, path,
                               sizeof path);
    if (st != TM_OK || count == 0)
        return st;
    rules->records = tm_calloc(count, sizeof *rules->records);
    if (!rules->records)
        return fail(e, TM_ENOMEM, "$", "%s", _("out of memory"));
    rules->nrecords = count;
    size_t i = 0;
    for (const cJSON *el = arr->child; el; el = el->next, i++) {
        tm_rules_record_t *r = &rules->records[i];
        path_index(ipath, sizeof ipath, path, i);
        if (!cJSON_IsObject(el))
            return fail(e, TM_EINVAL, ipath, "%s", _("must be an object"));
        if ((st = check_keys(e, el, ipath, keys, false)) != TM_OK ||
            (st = get_host(e, el, ipath, "name", false, &r->name)) != TM_OK)
            return st;
        const cJSON *type;
        if ((st = member(e, el, ipath, "type", &type, sub, sizeof sub)) != TM_OK)
            return st;
        /* Only TXT today: the records exist so SPF counting works offline. */
        if (!cJSON_IsString(type) || strcmp(type->valuestring, "TXT") != 0)
            return fail(e, TM_EINVAL, sub, "%s", _("must be \"TXT\""));
        r->type = TM_RR_TXT;
        if ((st = get_member_text(e, el, ipath, "value", RECORD_VALUE_MAX, &r->value)) != TM_OK)
            return st;
    }
    return TM_OK;
}

static tm_status_t parse_cloud(perr_t *e, const cJSON *el, const char *ipath,
                               tm_rules_cloud_t *c)
{
    static const char *const keys[] = {"id", "name", "suffixes", NULL};
    char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];
    const cJSON *arr;
    size_t count;
    tm_status_t st;
    if (!cJSON_IsObject(el))
        return fail(e, TM_EINVAL, ipath, "%s", _("must be an object"));
    if ((st = check_keys(e, el, ipath, keys, false)) != TM_OK ||
        (st = get_ident(e, el, ipath, "id", CLOUD_ID_MAX, &c->id)) != TM_OK ||
        (st = get_member_text(e, el, ipath, "name", CLOUD_NAME_MAX, &c->name)) != TM_OK ||
        (st = get_array(e, el, ipath, "suffixes", 1, SUFFIXES_MAX, &arr, &count, path,
                        sizeof path)) != TM_OK)
        return st;
    c->suffixes = tm_calloc(count, sizeof *c->suffixes);
    if (!c->suffixes)
        return fail(e, TM_ENOMEM, "$", "%s", _("out of memory"));
    c->nsuffixes = count;
    size_t j = 0;
    for (const cJSON *s = arr->child; s; s = s->next, j++) {
        path_index(sub, sizeof sub, path, j);
        if ((st = get_host_item(e, s, sub, &c->suffixes[j])) != TM_OK)
            return st;
    }
    return TM_OK;
}

/* An array of {id, name, suffixes} under key: the cloud mail services
 * ("clouds") and the senders that manage their own SPF records
 * ("spf_senders"), which share the shape. */
static tm_status_t parse_services(perr_t *e, const cJSON *root, const char *key,
                                  tm_rules_cloud_t **out, size_t *nout)
{
    char path[PATH_MAX_LEN], ipath[PATH_MAX_LEN];
    const cJSON *arr;
    size_t count;
    tm_status_t st = get_array(e, root, "$", key, 0, CLOUDS_MAX, &arr, &count, path,
                               sizeof path);
    if (st != TM_OK || count == 0)
        return st;
    *out = tm_calloc(count, sizeof **out);
    if (!*out)
        return fail(e, TM_ENOMEM, "$", "%s", _("out of memory"));
    *nout = count;
    size_t i = 0;
    for (const cJSON *el = arr->child; el; el = el->next, i++) {
        path_index(ipath, sizeof ipath, path, i);
        if ((st = parse_cloud(e, el, ipath, &(*out)[i])) != TM_OK)
            return st;
    }
    return TM_OK;
}

static tm_status_t parse_clouds(perr_t *e, const cJSON *root, tm_rules_t *rules)
{
    return parse_services(e, root, "clouds", &rules->clouds, &rules->nclouds);
}

/* Optional, so that a rules file written before it still reads: without
 * it only the TMEmS includes count as vendor-managed. */
static tm_status_t parse_spf_senders(perr_t *e, const cJSON *root, tm_rules_t *rules)
{
    if (!cJSON_GetObjectItemCaseSensitive(root, "spf_senders"))
        return TM_OK;
    return parse_services(e, root, "spf_senders", &rules->spf_senders, &rules->nspf_senders);
}

static tm_status_t parse_sources(perr_t *e, const cJSON *root)
{
    char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "sources");
    size_t count;
    if (!arr)
        return TM_OK;
    tm_status_t st = get_array(e, root, "$", "sources", 0, SOURCES_MAX, &arr, &count, path,
                               sizeof path);
    if (st != TM_OK)
        return st;
    size_t i = 0;
    for (const cJSON *s = arr->child; s; s = s->next, i++) {
        path_index(sub, sizeof sub, path, i);
        if ((st = get_text(e, s, sub, SOURCE_TEXT_MAX, NULL)) != TM_OK)
            return st;
    }
    return TM_OK;
}

static tm_status_t parse_token(perr_t *e, const cJSON *root, tm_rules_t *rules)
{
    static const char *const keys[] = {"prefix", "length", NULL};
    char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];
    const cJSON *obj, *prefix;
    long long length;
    tm_status_t st;
    if ((st = get_object(e, root, "$", "token", &obj, path, sizeof path)) != TM_OK ||
        (st = check_keys(e, obj, path, keys, false)) != TM_OK ||
        (st = member(e, obj, path, "prefix", &prefix, sub, sizeof sub)) != TM_OK)
        return st;
    /* Printable ASCII without spaces: the prefix is matched against the start
     * of a TXT string ("tmes=" in docs/checks.md). */
    bool ok = cJSON_IsString(prefix) && prefix->valuestring[0] != '\0' &&
              strlen(prefix->valuestring) <= TOKEN_PREFIX_MAX;
    for (const char *p = ok ? prefix->valuestring : ""; *p && ok; p++)
        ok = *p > 0x20 && *p < 0x7f;
    if (!ok)
        return fail(e, TM_EINVAL, sub,
                    dngettext(TM_TEXTDOMAIN,
                              "must be 1 to %d printable ASCII character without spaces",
                              "must be 1 to %d printable ASCII characters without spaces",
                              TOKEN_PREFIX_MAX),
                    TOKEN_PREFIX_MAX);
    if ((st = get_int(e, obj, path, "length", 1, TOKEN_LENGTH_MAX, &length)) != TM_OK)
        return st;
    rules->token_length = (unsigned)length;
    return dup_into(e, prefix->valuestring, &rules->token_prefix);
}

static tm_status_t parse_company(perr_t *e, const cJSON *root, tm_rules_t *rules)
{
    static const char *const keys[] = {"min_length", "max_length", NULL};
    char path[PATH_MAX_LEN];
    const cJSON *obj;
    long long min, max;
    tm_status_t st;
    /* A company ID is one host label: at most 63 octets (RFC 1035 section 2.3.4). */
    if ((st = get_object(e, root, "$", "company_id", &obj, path, sizeof path)) != TM_OK ||
        (st = check_keys(e, obj, path, keys, false)) != TM_OK ||
        (st = get_int(e, obj, path, "min_length", 1, TM_LABEL_MAX, &min)) != TM_OK ||
        (st = get_int(e, obj, path, "max_length", min, TM_LABEL_MAX, &max)) != TM_OK)
        return st;
    rules->company_min = (unsigned)min;
    rules->company_max = (unsigned)max;
    return TM_OK;
}

static tm_status_t parse_root(perr_t *e, const cJSON *root, tm_rules_t *rules)
{
    static const char *const keys[] = {
        "schema",     "region",       "site",        "token",      "company_id",
        "inbound_suffix", "relay_suffix", "spf_include", "spf_legacy", "mx_ttl_max",
        "smtp_port",  "ranges",       "records",     "clouds",     "spf_senders", NULL};
    long long schema, ttl, port;
    tm_status_t st;
    if (!cJSON_IsObject(root))
        return fail(e, TM_EINVAL, "$", "%s", _("must be an object"));
    /* The schema first: a newer file fails on its version, not on the first
     * key this version does not know. */
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!item)
        return fail(e, TM_EINVAL, "$.schema", "%s", _("missing"));
    if (!cJSON_IsNumber(item) || item->valuedouble != 1.0)
        return fail(e, TM_EINVAL, "$.schema", "%s",
                    _("must be 1 (this version of tmems-check reads rules schema 1)"));
    if ((st = get_int(e, root, "$", "schema", 1, 1, &schema)) != TM_OK ||
        (st = check_keys(e, root, "$", keys, true)) != TM_OK ||
        (st = get_ident(e, root, "$", "region", REGION_MAX, &rules->region)) != TM_OK ||
        (st = get_member_text(e, root, "$", "site", SITE_MAX, &rules->site)) != TM_OK ||
        (st = parse_sources(e, root)) != TM_OK || (st = parse_token(e, root, rules)) != TM_OK ||
        (st = parse_company(e, root, rules)) != TM_OK ||
        (st = get_host(e, root, "$", "inbound_suffix", false, &rules->inbound_suffix)) != TM_OK ||
        (st = get_host(e, root, "$", "relay_suffix", false, &rules->relay_suffix)) != TM_OK ||
        (st = get_host(e, root, "$", "spf_include", false, &rules->spf_include)) != TM_OK ||
        (st = get_host(e, root, "$", "spf_legacy", true, &rules->spf_legacy)) != TM_OK ||
        (st = get_int(e, root, "$", "mx_ttl_max", 0, TTL_MAX, &ttl)) != TM_OK ||
        (st = get_int(e, root, "$", "smtp_port", 1, 65535, &port)) != TM_OK ||
        (st = parse_ranges(e, root, rules)) != TM_OK ||
        (st = parse_records(e, root, rules)) != TM_OK || (st = parse_clouds(e, root, rules)) != TM_OK ||
        (st = parse_spf_senders(e, root, rules)) != TM_OK)
        return st;
    rules->mx_ttl_max = (uint32_t)ttl;
    rules->smtp_port = (unsigned)port;
    return TM_OK;
}

static void line_col(const char *json, size_t upto, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < upto; i++) {
        if (json[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* cJSON keeps strings as C strings, so a NUL would silently cut one short
 * (a host name "a\u0000.evil" would read as "a"), whether written as the
 * escape \u0000 or as a raw byte (which RFC 8259 section 7 does not allow
 * in a string anyway, and which cannot stand outside one).  *raw tells
 * which was found. */
static bool find_nul(const char *json, size_t len, size_t *at, bool *raw)
{
    for (size_t i = 0; i < len; i++) {
        if (json[i] == '\0') {
            *at = i;
            *raw = true;
            return true;
        }
        if (json[i] != '\\' || i + 1 >= len)
            continue;
        if (json[i + 1] == 'u' && i + 6 <= len && memcmp(json + i + 2, "0000", 4) == 0) {
            *at = i;
            *raw = false;
            return true;
        }
        if (json[i + 1] != '\0')
            i++; /* skip the escaped character, so "\\u0000" is text */
    }
    return false;
}

tm_status_t tm_rules_parse(const char *json, size_t len, const char *source, tm_rules_t **out,
                           char *where, size_t where_len)
{
    perr_t e = {where, where_len};
    cJSON *root = NULL;
    tm_rules_t *rules = NULL;
    tm_status_t st = TM_OK;
    size_t line, col, at;

    if (where && where_len)
        where[0] = '\0';
    if (!out)
        return TM_EINVAL;
    *out = NULL;
    if (!json)
        return fail(&e, TM_EINVAL, "$", "%s", _("no rules given"));
    if (len > TM_RULES_FILE_MAX)
        return fail(&e, TM_ERANGE, "$",
                    dngettext(TM_TEXTDOMAIN, "the file is larger than %zu byte",
                              "the file is larger than %zu bytes", TM_RULES_FILE_MAX),
                    TM_RULES_FILE_MAX);
    bool raw;
    if (find_nul(json, len, &at, &raw)) {
        line_col(json, at, &line, &col);
        if (raw)
            return fail(&e, TM_EINVAL, "$", _("a NUL byte is not allowed (line %zu, column %zu)"),
                        line, col);
        return fail(&e, TM_EINVAL, "$", _("\\u0000 is not allowed (line %zu, column %zu)"), line,
                    col);
    }

    tm_json_begin();
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (!root) {
        if (tm_json_oom()) {
            st = fail(&e, TM_ENOMEM, "$", "%s", _("out of memory"));
            goto done;
        }
        size_t off = (end && end >= json && end <= json + len) ? (size_t)(end - json) : len;
        line_col(json, off, &line, &col);
        st = fail(&e, TM_EPARSE, "$", _("not valid JSON (near line %zu, column %zu)"), line, col);
        goto done;
    }
    /* Only white space may follow the document. */
    for (size_t off = (size_t)(end - json); off < len; off++) {
        char c = json[off];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            line_col(json, off, &line, &col);
            st = fail(&e, TM_EPARSE, "$", _("text after the JSON document (line %zu, column %zu)"),
                      line, col);
            goto done;
        }
    }

    rules = tm_calloc(1, sizeof *rules);
    if (!rules) {
        st = fail(&e, TM_ENOMEM, "$", "%s", _("out of memory"));
        goto done;
    }
    if ((st = parse_root(&e, root, rules)) != TM_OK)
        goto done;
    if (source && (st = dup_into(&e, source, &rules->source)) != TM_OK)
        goto done;
    *out = rules;
    rules = NULL;

done:
    tm_rules_destroy(rules);
    cJSON_Delete(root);
    return st;
}
