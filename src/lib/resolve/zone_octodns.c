/* zone_octodns.c - octoDNS zones (the YamlProvider's ZONE.yaml, or its split
 * layout: a directory ZONE./ of YAML files) read with libyaml into the same
 * records a zone file gives, each with its line and column.
 *
 * The layout, as octoDNS documents it: the top level maps record names to
 * one record or a list of records ('' is the apex, also written as the
 * complex key "? ''"); a record has a type, an optional ttl (3600 when
 * absent) and a value or values.  MX values are {preference, exchange}
 * (the older {priority, value} still read), TXT values escape ';' as "\;"
 * and may be quoted chunks.  The key octodns holds metadata for octoDNS
 * itself.  Types the checks do not read are skipped. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <yaml.h>

#include "errbuf.h"
#include "zone_input.h"
#include "zone_rdata.h"
#include "tmems/tm_file.h"
#include "tmems/tm_i18n.h"

#define OCTODNS_DEFAULT_TTL 3600
#define NAME_TEXT_MAX 1100

typedef struct {
    tm_zone_builder_t *b;
    const char *origin;
    const char *path;   /* the file being read, as named */
    uint16_t file;
    yaml_document_t *doc;
    size_t nodes;       /* visited, against ZONE_INPUT_NODES_MAX */
    zrd_t *rd;          /* one value's RDATA (64 KiB: not on the stack) */
    char *err;
    size_t errlen;
} oct_t;

static tm_status_t oct_fail(oct_t *o, const yaml_node_t *at, tm_status_t st, const char *why)
{
    tm_err_printf(o->err, o->errlen, _("octoDNS file '%s' line %lu: %s"), o->path,
                  at ? (unsigned long)at->start_mark.line + 1 : 0ul, why);
    return st;
}

static yaml_node_t *node(oct_t *o, int id)
{
    if (++o->nodes > ZONE_INPUT_NODES_MAX)
        return NULL;
    return yaml_document_get_node(o->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of key in a mapping node, NULL when absent. */
static yaml_node_t *get(oct_t *o, const yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *k = scalar(node(o, p->key));
        if (k && strcmp(k, key) == 0)
            return node(o, p->value);
    }
    return NULL;
}

static bool parse_u32(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

/* One value of a record (a scalar, or an MX mapping) as RDATA. */
static tm_status_t value_rdata(oct_t *o, uint16_t type, yaml_node_t *v, zrd_t *rd)
{
    const char *s = scalar(v);
    char full[NAME_TEXT_MAX];
    rd->len = 0;
    switch (type) {
    case TM_RR_A:
        if (!s || !zrd_put_a(rd, s))
            return oct_fail(o, v, TM_EPARSE, _("an A value must be an IPv4 address"));
        return TM_OK;
    case TM_RR_AAAA:
        if (!s || !zrd_put_aaaa(rd, s))
            return oct_fail(o, v, TM_EPARSE, _("an AAAA value must be an IPv6 address"));
        return TM_OK;
    case TM_RR_CNAME:
    case TM_RR_NS:
    case TM_RR_PTR:
        if (!s || !zrd_full_name(s, o->origin, full, sizeof full) || !zrd_put_name(rd, full))
            return oct_fail(o, v, TM_EPARSE, _("the value must be a domain name"));
        return TM_OK;
    case TM_RR_MX: {
        if (!v || v->type != YAML_MAPPING_NODE)
            return oct_fail(o, v, TM_EPARSE,
                            _("an MX value must be a mapping of preference and exchange"));
        yaml_node_t *pref = get(o, v, "preference"), *host = get(o, v, "exchange");
        if (!pref && !host) { /* the older spelling */
            pref = get(o, v, "priority");
            host = get(o, v, "value");
        }
        unsigned long p;
        if (!parse_u32(scalar(pref), 65535, &p))
            return oct_fail(o, pref ? pref : v, TM_EPARSE,
                            _("an MX preference must be a number from 0 to 65535"));
        if (!scalar(host) || !zrd_full_name(scalar(host), o->origin, full, sizeof full) ||
            !zrd_put_u16(rd, (uint16_t)p) || !zrd_put_name(rd, full))
            return oct_fail(o, host ? host : v, TM_EPARSE,
                            _("an MX exchange must be a domain name"));
        return TM_OK;
    }
    default: /* TXT and SPF */
        if (!s || !zrd_put_octodns_txt(rd, s))
            return oct_fail(o, v, TM_EPARSE,
                            _("a TXT value must be text, or quoted chunks of at most 255 bytes"));
        return TM_OK;
    }
}

static tm_status_t add_value(oct_t *o, const char *owner, uint16_t type, uint32_t ttl,
                             yaml_node_t *v)
{
    zrd_t *rd = o->rd;
    tm_status_t st = value_rdata(o, type, v, rd);
    if (st != TM_OK)
        return st;
    tm_zone_record_t rec = {.owner = owner, .type = type, .ttl = ttl, .rdata = rd->data,
                            .rdlen = (uint16_t)rd->len, .line = v->start_mark.line + 1,
                            .column = (unsigned)v->start_mark.column + 1};
    st = tm_zone_builder_add(o->b, &rec, o->file);
    if (st == TM_ERANGE)
        return oct_fail(o, v, st, _("too many records"));
    if (st != TM_OK && st != TM_ENOMEM)
        return oct_fail(o, v, st, _("the record cannot be read"));
    return st;
}

/* What octoDNS takes as true (PyYAML's YAML 1.1 booleans: true, True, yes,
 * on...; and 1, which Python's truth test accepts). */
static bool yaml_true(const char *s)
{
    static const char *const words[] = {"true", "yes", "on", "y", "1"};
    for (size_t i = 0; s && i < sizeof words / sizeof words[0]; i++) {
        if (strcasecmp(s, words[i]) == 0)
            return true;
    }
    return false;
}

/* octoDNS does not push a record marked ignored, nor to the providers its
 * included/excluded lists leave out (which provider this zone is served by
 * the file does not say): the RRset is the provider's, not the file's.
 * NULL when the record is the file's. */
static const char *left_to_provider(oct_t *o, yaml_node_t *rec)
{
    yaml_node_t *meta = get(o, rec, "octodns");
    if (!meta || meta->type != YAML_MAPPING_NODE)
        return NULL;
    if (yaml_true(scalar(get(o, meta, "ignored"))))
        return "octodns: ignored";
    static const char *const lists[] = {"included", "excluded"};
    for (size_t i = 0; i < 2; i++) {
        yaml_node_t *l = get(o, meta, lists[i]);
        if (l && ((l->type == YAML_SEQUENCE_NODE &&
                   l->data.sequence.items.top > l->data.sequence.items.start) ||
                  (l->type == YAML_SCALAR_NODE && l->data.scalar.length > 0)))
            return i == 0 ? "octodns: included" : "octodns: excluded";
    }
    return NULL;
}

/* An octoDNS record name is one owner, not a pattern (zone_live.h takes
 * globs): its glob characters are escaped, "" is the apex "@", and a
 * wildcard record ("*", "*.sub") stands for the names below its parent
 * that it can answer for, never the parent itself. */
static void literal_pattern(const char *name, char *out, size_t outlen)
{
    size_t o = 0;
    if (!name[0]) {
        snprintf(out, outlen, "@");
        return;
    }
    if (strcmp(name, "*") == 0) {
        snprintf(out, outlen, "[!@]*"); /* every owner but the apex */
        return;
    }
    for (size_t i = 0; name[i] && o + 2 < outlen; i++) {
        bool wildcard_label = i == 0 && name[0] == '*' && name[1] == '.';
        if (!wildcard_label && strchr("*?[]\\", name[i]))
            out[o++] = '\\';
        out[o++] = name[i];
    }
    out[o] = '\0';
}

static tm_status_t add_record(oct_t *o, const char *name, const char *owner, yaml_node_t *rec)
{
    if (!rec || rec->type != YAML_MAPPING_NODE)
        return oct_fail(o, rec, TM_EPARSE, _("a record must be a mapping with a type"));
    const char *type_name = scalar(get(o, rec, "type"));
    if (!type_name)
        return oct_fail(o, rec, TM_EPARSE, _("the record has no type"));
    bool was_spf;
    uint16_t type = zrd_type(type_name, &was_spf);
    if (type == 0)
        return TM_OK; /* a type the checks do not read */
    const char *meta = left_to_provider(o, rec);
    if (meta) {
        char where[NAME_TEXT_MAX + 64], pattern[2 * NAME_TEXT_MAX + 8];
        snprintf(where, sizeof where, _("%s line %lu: %s"), o->path,
                 (unsigned long)rec->start_mark.line + 1, meta);
        literal_pattern(name, pattern, sizeof pattern);
        tm_status_t st = tm_zone_builder_live(o->b, pattern, type, TM_ZONE_LIVE_IGNORED, where);
        if (st == TM_ERANGE)
            return oct_fail(o, rec, st, _("too many records"));
        return st;
    }
    unsigned long ttl = OCTODNS_DEFAULT_TTL;
    yaml_node_t *t = get(o, rec, "ttl");
    if (t && !parse_u32(scalar(t), 2147483647ul, &ttl)) /* RFC 2181 section 8 */
        return oct_fail(o, t, TM_EPARSE, _("the ttl must be a number of seconds"));
    yaml_node_t *values = get(o, rec, "values");
    yaml_node_t *value = get(o, rec, "value");
    if (values && values->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *i = values->data.sequence.items.start;
             i < values->data.sequence.items.top; i++) {
            yaml_node_t *v = node(o, *i);
            if (!v)
                return oct_fail(o, values, TM_ERANGE, _("the file is too complex"));
            tm_status_t st = add_value(o, owner, type, (uint32_t)ttl, v);
            if (st != TM_OK)
                return st;
        }
        return TM_OK;
    }
    if (values) /* values: one scalar */
        return add_value(o, owner, type, (uint32_t)ttl, values);
    if (value)
        return add_value(o, owner, type, (uint32_t)ttl, value);
    return oct_fail(o, rec, TM_EPARSE, _("the record has no value or values"));
}

static tm_status_t read_document(oct_t *o)
{
    yaml_node_t *root = yaml_document_get_root_node(o->doc);
    if (!root)
        return TM_OK; /* an empty file: no records */
    if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)
        return TM_OK;
    if (root->type != YAML_MAPPING_NODE)
        return oct_fail(o, root, TM_EPARSE, _("the top level must map record names to records"));
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node(o, p->key), *v = node(o, p->value);
        if (!k || !v)
            return oct_fail(o, root, TM_ERANGE, _("the file is too complex"));
        const char *name = scalar(k);
        char owner[NAME_TEXT_MAX];
        if (!name)
            return oct_fail(o, k, TM_EPARSE, _("a record name must be a string"));
        if (!zrd_full_name(name, o->origin, owner, sizeof owner) || name[0] == '.' ||
            (name[0] && name[strlen(name) - 1] == '.'))
            return oct_fail(o, k, TM_EPARSE,
                            _("a record name must be relative to the zone ('' for the apex)"));
        tm_status_t st = TM_OK;
        if (v->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *i = v->data.sequence.items.start;
                 st == TM_OK && i < v->data.sequence.items.top; i++) {
                yaml_node_t *r = node(o, *i);
                st = r ? add_record(o, name, owner, r)
                       : oct_fail(o, v, TM_ERANGE, _("the file is too complex"));
            }
        } else {
            st = add_record(o, name, owner, v);
        }
        if (st != TM_OK)
            return st;
    }
    return TM_OK;
}

static tm_status_t read_file(oct_t *o, const char *path)
{
    char *text = NULL, why_text[128];
    size_t len = 0;
    tm_file_error_t why;
    tm_status_t st = tm_file_read(path, ZONE_INPUT_FILE_MAX, false, &text, &len, &why);
    if (st != TM_OK) {
        tm_err_printf(o->err, o->errlen, _("cannot read zone file '%s': %s"), path,
                      tm_file_strerror(&why, why_text, sizeof why_text));
        return st;
    }
    st = tm_zone_builder_file(o->b, path, &o->file);
    if (st != TM_OK) {
        tm_free(text);
        if (st == TM_ERANGE)
            tm_err_printf(o->err, o->errlen,
                          dngettext(TM_TEXTDOMAIN, "octoDNS directory '%s' holds more than %d file",
                                    "octoDNS directory '%s' holds more than %d files",
                                    ZONE_INPUT_FILES_MAX),
                          path, ZONE_INPUT_FILES_MAX);
        return st;
    }
    o->path = path;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        tm_free(text);
        return TM_ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    bool first = true;
    while (st == TM_OK) {
        if (!yaml_parser_load(&parser, &doc)) {
            tm_err_printf(o->err, o->errlen, _("octoDNS file '%s' line %lu: %s"), path,
                          (unsigned long)parser.problem_mark.line + 1,
                          parser.problem ? parser.problem : _("not YAML"));
            st = parser.error == YAML_MEMORY_ERROR ? TM_ENOMEM : TM_EPARSE;
            break;
        }
        if (!yaml_document_get_root_node(&doc) && !first) {
            yaml_document_delete(&doc); /* the end of the stream */
            break;
        }
        o->doc = &doc;
        st = read_document(o);
        bool empty = !yaml_document_get_root_node(&doc);
        yaml_document_delete(&doc);
        if (empty)
            break;
        first = false;
    }
    yaml_parser_delete(&parser);
    tm_free(text);
    return st;
}

static bool yaml_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int name_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The split layout: every YAML file of the directory, in name order. */
static tm_status_t read_directory(oct_t *o, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        tm_err_printf(o->err, o->errlen, _("cannot read zone file '%s': %s"), dir,
                      strerror(errno));
        return TM_EIO;
    }
    char *names[ZONE_INPUT_FILES_MAX];
    size_t n = 0;
    tm_status_t st = TM_OK;
    struct dirent *e;
    while (st == TM_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !yaml_name(e->d_name))
            continue;
        if (n == ZONE_INPUT_FILES_MAX) {
            tm_err_printf(o->err, o->errlen,
                          dngettext(TM_TEXTDOMAIN, "octoDNS directory '%s' holds more than %d file",
                                    "octoDNS directory '%s' holds more than %d files",
                                    ZONE_INPUT_FILES_MAX),
                          dir, ZONE_INPUT_FILES_MAX);
            st = TM_ERANGE;
            break;
        }
        size_t dl = strlen(dir);
        names[n] = tm_strprintf("%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", e->d_name);
        if (!names[n])
            st = TM_ENOMEM;
        else
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], name_order);
    for (size_t i = 0; st == TM_OK && i < n; i++)
        st = read_file(o, names[i]);
    for (size_t i = 0; i < n; i++)
        tm_free(names[i]);
    return st;
}

tm_status_t zone_octodns_load(const char *path, const tm_zone_options_t *opts, tm_zone_t **out,
                              char *err, size_t errlen)
{
    char origin[NAME_TEXT_MAX] = "";
    struct stat sb;
    *out = NULL;
    char fallback[NAME_TEXT_MAX] = "";
    if (opts->default_origin)
        zrd_full_name(opts->default_origin, "", fallback, sizeof fallback);
    if (opts->origin)
        zrd_full_name(opts->origin, "", origin, sizeof origin);
    else
        zone_input_name_from_path(path, fallback[0] ? fallback : NULL, origin, sizeof origin);
    if (!origin[0])
        snprintf(origin, sizeof origin, "%s", fallback);
    if (!origin[0]) {
        tm_err_printf(err, errlen,
                      _("octoDNS file '%s': its name does not say the zone (name it ZONE.yaml, "
                        "or check one domain)"),
                      path);
        return TM_EINVAL;
    }
    oct_t o = {.origin = origin, .err = err, .errlen = errlen};
    o.rd = tm_malloc(sizeof *o.rd);
    tm_status_t st = o.rd ? tm_zone_builder_create(origin, &o.b) : TM_ENOMEM;
    if (st != TM_OK) {
        if (st == TM_EINVAL)
            tm_err_printf(err, errlen, _("zone file '%s': invalid origin '%s'"), path, origin);
        tm_free(o.rd);
        return st;
    }
    bool dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
    st = dir ? read_directory(&o, path) : read_file(&o, path);
    if (st == TM_OK && dir && o.path == NULL) {
        tm_err_printf(err, errlen, _("octoDNS directory '%s' holds no YAML file"), path);
        st = TM_EINVAL;
    }
    tm_free(o.rd);
    if (st != TM_OK) {
        tm_zone_builder_destroy(o.b);
        if (st == TM_ENOMEM)
            tm_err_printf(err, errlen, _("zone file '%s': %s"), path, tm_strerror(st));
        return st;
    }
    st = tm_zone_builder_finish(o.b, out);
    if (st != TM_OK)
        tm_err_printf(err, errlen, _("zone file '%s': %s"), path, tm_strerror(st));
    return st;
}
