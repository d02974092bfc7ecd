/* test_zone_input.c - the --zone readers besides zone files
 * (src/lib/resolve/zone_input.c, zone_octodns.c, zone_dnscontrol.c) and
 * what zone.c keeps for them: the builder, each record's file, line and
 * column, and the RRset lookup the findings' locations use.  Real files in
 * a temporary directory, read through tm_zone_load_format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "resolve/zone_input.h"
#include "tmems/tm_resolve.h"

static char dir[] = "/tmp/tm-zone-input.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static tm_zone_t *load(const char *path, tm_zone_format_t format, const char *origin,
                       tm_status_t want, const char *want_err)
{
    tm_zone_options_t opts = {.default_origin = origin};
    tm_zone_t *z = NULL;
    char err[512] = "";
    tm_status_t st = tm_zone_load_format(path, format, &opts, &z, err, sizeof err);
    if (st != want)
        fail_msg("status %d, expected %d: %s", st, want, err);
    if (want_err && !strstr(err, want_err))
        fail_msg("error '%s' lacks '%s'", err, want_err);
    return z;
}

/* The first record of (owner, type) and its location. */
static void expect_record(const tm_zone_t *z, const char *owner, uint16_t type, size_t count,
                          unsigned long line, unsigned column)
{
    size_t first = 99;
    assert_int_equal(tm_zone_rrset(z, owner, type, &first), count);
    if (count == 0)
        return;
    tm_zone_record_t r;
    assert_true(tm_zone_record(z, first, &r));
    assert_string_equal(r.owner, owner);
    assert_int_equal(r.line, line);
    assert_int_equal(r.column, column);
}

static void test_octodns_layout(void **state)
{
    (void)state;
    const char *p = write_file("oct.example.yaml",
                               "---\n"
                               "? ''\n"
                               ": - type: MX\n"
                               "    ttl: 300\n"
                               "    values:\n"
                               "      - {preference: 10, exchange: mx1.oct.example.}\n"
                               "      - priority: 20\n"
                               "        value: mx2.oct.example.\n"
                               "  - type: TXT\n"
                               "    value: v=spf1 -all\n"
                               "    octodns: {ignored: false}\n"
                               "  - type: CAA\n"
                               "    value: {flags: 0, tag: issue, value: ca.example}\n"
                               "  - type: SPF\n"
                               "    value: v=spf1 +all\n"
                               "www:\n"
                               "  type: CNAME\n"
                               "  value: oct.example.\n");
    tm_zone_t *z = load(p, TM_ZONE_FORMAT_AUTO, NULL, TM_OK, NULL);
    assert_string_equal(tm_zone_origin(z), "oct.example");
    assert_string_equal(tm_zone_file(z), p);
    expect_record(z, "oct.example", TM_RR_MX, 2, 6, 9);
    expect_record(z, "oct.example", TM_RR_TXT, 1, 10, 12);
    expect_record(z, "oct.example", 99, 1, 15, 12); /* SPF: its own type, never TXT */
    expect_record(z, "www.oct.example", TM_RR_CNAME, 1, 18, 10);
    tm_answer_t *a = tm_zone_answer(z, "oct.example", TM_RR_MX);
    assert_non_null(a);
    assert_int_equal(a->count, 2);
    assert_int_equal(a->rrs[0].ttl, 300);
    assert_int_equal(a->rrs[1].u.mx.preference, 20);
    assert_string_equal(a->rrs[1].u.mx.host, "mx2.oct.example");
    tm_answer_unref(a);
    a = tm_zone_answer(z, "oct.example", TM_RR_TXT);
    assert_int_equal(a->count, 1); /* the SPF type is not a TXT record */
    assert_int_equal(a->rrs[0].ttl, 3600); /* octoDNS's default */
    tm_answer_unref(a);
    a = tm_zone_answer(z, "www.oct.example", TM_RR_MX); /* the CNAME is followed */
    assert_string_equal(a->canonical, "oct.example");
    tm_answer_unref(a);
    tm_zone_destroy(z);
}

static void test_octodns_split_and_names(void **state)
{
    (void)state;
    char sub[512];
    snprintf(sub, sizeof sub, "%s/split.example.", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file("split.example./b.yaml", "www:\n  type: A\n  value: 192.0.2.1\n");
    write_file("split.example./a.yaml", "'':\n  type: TXT\n  value: x\\;y\n");
    write_file("split.example./notes.txt", "not: [yaml\n");
    tm_zone_t *z = load(sub, TM_ZONE_FORMAT_AUTO, "other.example", TM_OK, NULL);
    assert_string_equal(tm_zone_origin(z), "split.example"); /* the directory's name */
    expect_record(z, "www.split.example", TM_RR_A, 1, 3, 10);
    tm_zone_record_t r;
    size_t first;
    assert_int_equal(tm_zone_rrset(z, "split.example", TM_RR_TXT, &first), 1);
    assert_true(tm_zone_record(z, first, &r));
    assert_memory_equal(r.rdata, "\003x;y", 4);
    assert_non_null(strstr(r.file, "/a.yaml"));
    tm_zone_destroy(z);

    /* a file named for no zone takes the domain checked */
    const char *p = write_file("zone.yaml", "'':\n  type: A\n  value: 192.0.2.9\n");
    z = load(p, TM_ZONE_FORMAT_OCTODNS, "checked.example", TM_OK, NULL);
    assert_string_equal(tm_zone_origin(z), "checked.example");
    tm_zone_destroy(z);
    char out[300];
    zone_input_name_from_path("/x/Example.COM.yaml", NULL, out, sizeof out);
    assert_string_equal(out, "example.com");
    zone_input_name_from_path("/x/example./", NULL, out, sizeof out);
    assert_string_equal(out, "example");
    zone_input_name_from_path("/x/zone.yml", "a.example", out, sizeof out);
    assert_string_equal(out, "");
    /* a single label above the domain checked is its zone */
    zone_input_name_from_path("/x/example.yaml", "a.example.", out, sizeof out);
    assert_string_equal(out, "example");
    zone_input_name_from_path("/x/example.yaml", "a.test", out, sizeof out);
    assert_string_equal(out, "");
    tm_zone_destroy(load(p, TM_ZONE_FORMAT_OCTODNS, NULL, TM_OK, NULL)); /* "zone" alone */
}

static void test_octodns_errors(void **state)
{
    (void)state;
    load(write_file("e1.example.yaml", "'':\n  type: A\n  value: [1, 2\n"), TM_ZONE_FORMAT_AUTO,
         NULL, TM_EPARSE, "octoDNS file");
    load(write_file("e2.example.yaml", "'':\n  - ttl: 3\n"), TM_ZONE_FORMAT_AUTO, NULL,
         TM_EPARSE, "line 2: the record has no type");
    load(write_file("e3.example.yaml", "'':\n  type: MX\n  value: {exchange: mx.}\n"),
         TM_ZONE_FORMAT_AUTO, NULL, TM_EPARSE, "line 3: an MX preference");
    load(write_file("e4.example.yaml", "'':\n  type: A\n  ttl: -1\n  value: 192.0.2.1\n"),
         TM_ZONE_FORMAT_AUTO, NULL, TM_EPARSE, "line 3: the ttl");
    load(write_file("e5.example.yaml", "- a\n- b\n"), TM_ZONE_FORMAT_AUTO, NULL, TM_EPARSE,
         "line 1: the top level");
    load(write_file("e6.example.yaml", "'':\n  type: A\n"), TM_ZONE_FORMAT_AUTO, NULL,
         TM_EPARSE, "no value or values");
    load(write_file("e7.example.yaml", "a.b.:\n  type: A\n  value: 192.0.2.1\n"),
         TM_ZONE_FORMAT_AUTO, NULL, TM_EPARSE, "relative to the zone");
    /* an alias bomb is walked within its bound, never expanded */
    tm_zone_destroy(load(write_file("e8.example.yaml",
                                    "x: &a [{type: A, value: 192.0.2.1}]\ny: *a\nz: *a\n"),
                         TM_ZONE_FORMAT_AUTO, NULL, TM_OK, NULL));
    tm_zone_destroy(load(write_file("empty.example.yaml", ""), TM_ZONE_FORMAT_AUTO, NULL,
                         TM_OK, NULL));
    load("/nonexistent/x.example.yaml", TM_ZONE_FORMAT_AUTO, NULL, TM_EIO, "cannot read");
}

static void test_dnscontrol(void **state)
{
    (void)state;
    char sub[512];
    snprintf(sub, sizeof sub, "%s/repo", dir);
    mkdir(sub, 0700);
    const char *p = write_file(
        "repo/ir.json",
        "{\"domains\": [{\"name\": \"other.example\", \"records\": []},\n"
        " {\"name\": \"IR.example\", \"records\": [\n"
        "  {\"type\": \"MX\", \"name\": \"@\", \"ttl\": 300, \"target\": \"mx.ir.example.\",\n"
        "   \"mxpreference\": 10, \"filepos\": \"[line:12:5]\"},\n"
        "  {\"type\": \"TXT\", \"name\": \"@\", \"txtstrings\": [\"a\", \"b\"],\n"
        "   \"filepos\": \"zones/x.js:13:7\"},\n"
        "  {\"type\": \"TXT\", \"name\": \"_spf\", \"target\": \"v=spf1 -all\"},\n"
        "  {\"type\": \"CNAME\", \"name\": \"www\", \"target\": \"@\"},\n"
        "  {\"type\": \"SRV\", \"name\": \"_sip._tcp\", \"target\": \"x.\"}\n"
        "]}]}\n");
    char path[512];
    snprintf(path, sizeof path, "%s", p);
    tm_zone_t *z = load(path, TM_ZONE_FORMAT_AUTO, "ir.example", TM_OK, NULL);
    assert_string_equal(tm_zone_origin(z), "ir.example");
    size_t first;
    tm_zone_record_t r;
    assert_int_equal(tm_zone_rrset(z, "ir.example", TM_RR_MX, &first), 1);
    assert_true(tm_zone_record(z, first, &r));
    assert_int_equal(r.line, 12);
    assert_int_equal(r.column, 5);
    assert_non_null(strstr(r.file, "/repo/dnsconfig.js"));
    assert_int_equal(r.ttl, 300);
    assert_int_equal(tm_zone_rrset(z, "ir.example", TM_RR_TXT, &first), 1);
    assert_true(tm_zone_record(z, first, &r));
    assert_memory_equal(r.rdata, "\001a\001b", 4); /* one string each */
    assert_non_null(strstr(r.file, "/repo/zones/x.js"));
    assert_int_equal(r.column, 7);
    assert_int_equal(tm_zone_rrset(z, "_spf.ir.example", TM_RR_TXT, &first), 1);
    assert_true(tm_zone_record(z, first, &r));
    assert_string_equal(r.file, path); /* no filepos: the JSON itself */
    assert_int_equal(r.line, 0);
    assert_int_equal(r.ttl, 300);      /* DNSControl's default */
    tm_zone_destroy(z);
    /* with two domains, one must be named */
    load(path, TM_ZONE_FORMAT_DNSCONTROL, NULL, TM_EINVAL, "holds 2 domains");
    load(path, TM_ZONE_FORMAT_DNSCONTROL, "c.example", TM_EINVAL, "no domain 'c.example'");
    /* every domain at once, for a run of many domains */
    tm_zone_t *zones[3];
    size_t n = 9;
    char err[256];
    assert_int_equal(zone_dnscontrol_load_all(path, zones, 3, &n, err, sizeof err), TM_OK);
    assert_int_equal(n, 2);
    assert_string_equal(tm_zone_origin(zones[0]), "other.example");
    assert_string_equal(tm_zone_origin(zones[1]), "ir.example");
    assert_int_equal(tm_zone_size(zones[0]), 0);
    tm_zone_destroy(zones[0]);
    tm_zone_destroy(zones[1]);
    assert_int_equal(zone_dnscontrol_load_all(path, zones, 1, &n, err, sizeof err), TM_ERANGE);
    assert_int_equal(n, 0);
}

static void test_dnscontrol_errors(void **state)
{
    (void)state;
    load(write_file("d1.json", "{\"domains\": [\n{\"name\": \"d.example\",\n \"records\": [}"),
         TM_ZONE_FORMAT_AUTO, NULL, TM_EPARSE, "line 3: not valid JSON");
    load(write_file("d2.json", "{\"x\": 1}"), TM_ZONE_FORMAT_AUTO, NULL, TM_EPARSE,
         "no \"domains\" list");
    load(write_file("d3.json", "{\"domains\": [{\"name\": \"d.example\", \"records\": [{\"type\":"
                               " \"MX\", \"name\": \"@\", \"target\": \"mx.\", \"mxpreference\":"
                               " 70000, \"filepos\": \"dnsconfig.js:4:2\"}]}]}"),
         TM_ZONE_FORMAT_AUTO, NULL, TM_EPARSE, "dnsconfig.js line 4): an MX mxpreference");
    load(write_file("d4.json", "{\"domains\": [{\"name\": \"d.example\", \"records\": [{\"type\":"
                               " \"A\", \"name\": \"www.other.\", \"target\": \"192.0.2.1\"}]}]}"),
         TM_ZONE_FORMAT_AUTO, NULL, TM_EPARSE, "record 1 of 'd.example'");
    load(write_file("d5.json", "{\"domains\": [{\"name\": \"d.example\", \"records\": [{\"type\":"
                               " \"TXT\", \"name\": \"@\"}]}]}"),
         TM_ZONE_FORMAT_AUTO, NULL, TM_EPARSE, "target or txtstrings");
}

static void test_detect_and_names(void **state)
{
    (void)state;
    assert_int_equal(tm_zone_format_detect(write_file("a.zone", "$ORIGIN a.\n")),
                     TM_ZONE_FORMAT_BIND);
    assert_int_equal(tm_zone_format_detect(write_file("b", "  \n{\"domains\": []}")),
                     TM_ZONE_FORMAT_DNSCONTROL);
    assert_int_equal(tm_zone_format_detect(write_file("c", "---\nx: 1\n")),
                     TM_ZONE_FORMAT_OCTODNS);
    assert_int_equal(tm_zone_format_detect(write_file("d.yml", "")), TM_ZONE_FORMAT_OCTODNS);
    assert_int_equal(tm_zone_format_detect(write_file("e.json", "")), TM_ZONE_FORMAT_DNSCONTROL);
    assert_int_equal(tm_zone_format_detect(dir), TM_ZONE_FORMAT_OCTODNS); /* it holds d.yml */
    char sub[600];
    snprintf(sub, sizeof sub, "%s/plain", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(tm_zone_format_detect(sub), TM_ZONE_FORMAT_BIND); /* no zone at all */
    snprintf(sub, sizeof sub, "%s/empty.example.", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(tm_zone_format_detect(sub), TM_ZONE_FORMAT_OCTODNS);
    tm_zone_format_t f;
    assert_true(tm_zone_format_parse("dnscontrol", &f));
    assert_int_equal(f, TM_ZONE_FORMAT_DNSCONTROL);
    assert_false(tm_zone_format_parse("terraform", &f));
    assert_string_equal(tm_zone_format_name(TM_ZONE_FORMAT_OCTODNS), "octodns");
    assert_string_equal(tm_zone_format_name((tm_zone_format_t)42), "auto");
}

static void test_zone_file_locations(void **state)
{
    (void)state;
    const char *p = write_file("loc.example.zone", "$ORIGIN loc.example.\n$TTL 60\n"
                                                   "@ IN SOA ns hm 1 2 3 4 5\n"
                                                   "\n@ IN MX 10 mx\n@ IN MX 20 mx2\n");
    tm_zone_t *z = load(p, TM_ZONE_FORMAT_AUTO, NULL, TM_OK, NULL);
    expect_record(z, "loc.example", TM_RR_MX, 2, 5, 0); /* libzscanner gives no column */
    assert_int_equal(tm_zone_rrset(z, "LOC.example.", TM_RR_MX, NULL), 2); /* any case */
    expect_record(z, "loc.example", TM_RR_TXT, 0, 0, 0);
    expect_record(z, "nothing.loc.example", TM_RR_MX, 0, 0, 0);
    assert_string_equal(tm_zone_file(z), p);
    tm_zone_destroy(z);
    assert_null(tm_zone_file(NULL));
    assert_int_equal(tm_zone_rrset(NULL, "x", 1, NULL), 0);
}

static void test_builder(void **state)
{
    (void)state;
    tm_zone_builder_t *b;
    assert_int_equal(tm_zone_builder_create("B.example.", &b), TM_OK);
    uint16_t f;
    assert_int_equal(tm_zone_builder_file(b, "b.yaml", &f), TM_OK);
    const uint8_t a[4] = {192, 0, 2, 1};
    tm_zone_record_t rec = {.owner = "www.b.example", .type = TM_RR_A, .ttl = 60, .rdata = a,
                            .rdlen = 4, .line = 3, .column = 2};
    assert_int_equal(tm_zone_builder_add(b, &rec, f), TM_OK);
    assert_int_equal(tm_zone_builder_add(b, &rec, f), TM_OK); /* a duplicate: merged */
    rec.owner = "www.other.example";
    assert_int_equal(tm_zone_builder_add(b, &rec, f), TM_EINVAL);
    rec.owner = "b.example";
    rec.rdlen = 3;
    assert_int_equal(tm_zone_builder_add(b, &rec, f), TM_EPARSE);
    rec.rdlen = 4;
    assert_int_equal(tm_zone_builder_add(b, &rec, 7), TM_EINVAL); /* no such file */
    tm_zone_t *z;
    assert_int_equal(tm_zone_builder_finish(b, &z), TM_OK);
    assert_int_equal(tm_zone_size(z), 1);
    expect_record(z, "www.b.example", TM_RR_A, 1, 3, 2);
    tm_zone_destroy(z);
    assert_int_equal(tm_zone_builder_create("a..b", &b), TM_EINVAL);
    tm_zone_builder_destroy(NULL);
}

/* What a file leaves to the DNS provider (zone_live.h): the zone answers
 * those RRsets as unknown, with the place that says so. */
static void expect_live(const tm_zone_t *z, const char *name, uint16_t type, tm_zone_live_t want,
                        const char *where_has)
{
    const char *where = NULL;
    assert_int_equal(tm_zone_live(z, name, type, &where), want);
    tm_answer_t *a = tm_zone_answer(z, name, type);
    assert_non_null(a);
    if (want == TM_ZONE_LIVE_NONE) {
        assert_int_not_equal(a->outcome, TM_DNS_UNKNOWN);
    } else {
        assert_int_equal(a->outcome, TM_DNS_UNKNOWN);
        assert_non_null(a->error);
        assert_non_null(strstr(a->error, where_has));
        assert_non_null(strstr(where, where_has));
    }
    tm_answer_unref(a);
}

static void test_octodns_left_to_provider(void **state)
{
    (void)state;
    const char *p = write_file("live.example.yaml",
                               "---\n"
                               "'':\n"
                               "  - type: MX\n"
                               "    octodns: {ignored: True}\n"
                               "    value: {exchange: mx.live.example., preference: 10}\n"
                               "  - type: TXT\n"
                               "    value: v=spf1 -all\n"
                               "    octodns: {ignored: false, excluded: []}\n"
                               "www:\n"
                               "  type: A\n"
                               "  octodns: {excluded: [route53]}\n"
                               "  value: 192.0.2.1\n"
                               "mail:\n"
                               "  type: A\n"
                               "  octodns:\n"
                               "    included:\n"
                               "      - ns1\n"
                               "  value: 192.0.2.2\n");
    tm_zone_t *z = load(p, TM_ZONE_FORMAT_OCTODNS, NULL, TM_OK, NULL);
    expect_live(z, "live.example", TM_RR_MX, TM_ZONE_LIVE_IGNORED, "line 3: octodns: ignored");
    expect_live(z, "live.example", TM_RR_TXT, TM_ZONE_LIVE_NONE, NULL);
    expect_live(z, "WWW.live.example.", TM_RR_A, TM_ZONE_LIVE_IGNORED, "octodns: excluded");
    expect_live(z, "www.live.example", TM_RR_AAAA, TM_ZONE_LIVE_NONE, NULL);
    expect_live(z, "mail.live.example", TM_RR_A, TM_ZONE_LIVE_IGNORED, "octodns: included");
    /* the ignored records are not loaded: only the TXT record is */
    assert_int_equal(tm_zone_size(z), 1);
    tm_zone_destroy(z);

    /* a name is one owner, not a glob; a wildcard record stands for the
     * names below its parent, never the parent (QA session 5) */
    p = write_file("wild.example.yaml",
                   "---\n"
                   "'':\n"
                   "  type: TXT\n"
                   "  value: v=spf1 -all\n"
                   "'*':\n"
                   "  type: CNAME\n"
                   "  octodns: {ignored: 1}\n"
                   "  value: lb.hosting.example.\n"
                   "'*.sub':\n"
                   "  type: TXT\n"
                   "  octodns: {ignored: yes}\n"
                   "  value: x\n");
    z = load(p, TM_ZONE_FORMAT_OCTODNS, NULL, TM_OK, NULL);
    expect_live(z, "wild.example", TM_RR_TXT, TM_ZONE_LIVE_NONE, NULL);
    expect_live(z, "wild.example", TM_RR_MX, TM_ZONE_LIVE_NONE, NULL);
    expect_live(z, "www.wild.example", TM_RR_A, TM_ZONE_LIVE_IGNORED, "octodns: ignored");
    expect_live(z, "a.b.wild.example", TM_RR_MX, TM_ZONE_LIVE_IGNORED, "octodns: ignored");
    expect_live(z, "x.sub.wild.example", TM_RR_TXT, TM_ZONE_LIVE_IGNORED, "octodns: ignored");
    tm_zone_destroy(z);
}

static void test_dnscontrol_left_to_provider(void **state)
{
    (void)state;
    const char *p = write_file(
        "live.json",
        "{\"domains\": [{\"name\": \"live.example\", \"records\": [\n"
        "  {\"type\": \"MX\", \"name\": \"@\", \"target\": \"mx.live.example.\", \"mxpreference\": 10},\n"
        "  {\"type\": \"A\", \"name\": \"mx\", \"target\": \"192.0.2.1\"}],\n"
        " \"unmanaged\": [{\"label_pattern\": \"{www,web}*\", \"rType_pattern\": \"A, TXT\"},\n"
        "                 {\"label_pattern\": \"old\", \"rType_pattern\": \"CNAME\"},\n"
        "                 {\"label_pattern\": \"x\", \"rType_pattern\": \"CAA\"}],\n"
        " \"ignored_names\": [\"legacy\", {\"pattern\": \"_dmarc\", \"types\": \"TXT\"}],\n"
        " \"ignored_targets\": [{\"pattern\": \"*.cdn.example.\", \"type\": \"AAAA\"}]}]}\n");
    tm_zone_t *z = load(p, TM_ZONE_FORMAT_DNSCONTROL, "live.example", TM_OK, NULL);
    expect_live(z, "live.example", TM_RR_MX, TM_ZONE_LIVE_NONE, NULL);
    /* {a,b}: either alternative */
    expect_live(z, "www.live.example", TM_RR_A, TM_ZONE_LIVE_IGNORED, "IGNORE(\"{www,web}*\")");
    expect_live(z, "web1.live.example", TM_RR_TXT, TM_ZONE_LIVE_IGNORED, "IGNORE(");
    expect_live(z, "www.live.example", TM_RR_MX, TM_ZONE_LIVE_NONE, NULL);
    /* a CNAME rule covers every type: a CNAME replaces the name's data */
    expect_live(z, "old.live.example", TM_RR_MX, TM_ZONE_LIVE_IGNORED, "IGNORE(\"old\")");
    /* a type the checks never ask for makes no rule */
    expect_live(z, "x.live.example", TM_RR_TXT, TM_ZONE_LIVE_NONE, NULL);
    expect_live(z, "legacy.live.example", TM_RR_MX, TM_ZONE_LIVE_IGNORED, "IGNORE_NAME(\"legacy\")");
    expect_live(z, "_dmarc.live.example", TM_RR_TXT, TM_ZONE_LIVE_IGNORED, "IGNORE_NAME(");
    expect_live(z, "_dmarc.live.example", TM_RR_MX, TM_ZONE_LIVE_NONE, NULL);
    expect_live(z, "mx.live.example", TM_RR_AAAA, TM_ZONE_LIVE_IGNORED, "IGNORE_TARGET(");
    expect_live(z, "mx.live.example", TM_RR_A, TM_ZONE_LIVE_NONE, NULL);
    tm_zone_destroy(z);

    /* IGNORE() without types: DNSControl writes "*" (every type) */
    p = write_file("star.json",
                   "{\"domains\": [{\"name\": \"star.example\", \"records\": [\n"
                   "  {\"type\": \"MX\", \"name\": \"@\", \"target\": \"mx.star.example.\", "
                   "\"mxpreference\": 10}],\n"
                   " \"unmanaged\": [{\"label_pattern\": \"@\", \"rType_pattern\": \"*\", "
                   "\"target_pattern\": \"*\"}]}]}\n");
    z = load(p, TM_ZONE_FORMAT_DNSCONTROL, "star.example", TM_OK, NULL);
    expect_live(z, "star.example", TM_RR_MX, TM_ZONE_LIVE_IGNORED, "IGNORE(\"@\")");
    expect_live(z, "star.example", TM_RR_TXT, TM_ZONE_LIVE_IGNORED, "IGNORE(\"@\")");
    expect_live(z, "www.star.example", TM_RR_A, TM_ZONE_LIVE_NONE, NULL);
    tm_zone_destroy(z);

    p = write_file("kept.json",
                   "{\"domains\": [{\"name\": \"kept.example\", \"keepunknown\": true, \"records\": [\n"
                   "  {\"type\": \"MX\", \"name\": \"@\", \"target\": \"mx.kept.example.\", "
                   "\"mxpreference\": 10}],\n"
                   " \"unmanaged\": [{\"label_pattern\": \"@\", \"rType_pattern\": \"MX\"}]}]}\n");
    z = load(p, TM_ZONE_FORMAT_DNSCONTROL, "kept.example", TM_OK, NULL);
    /* NO_PURGE wins over IGNORE(): nothing in the zone is the file's alone */
    expect_live(z, "kept.example", TM_RR_MX, TM_ZONE_LIVE_KEPT, "NO_PURGE");
    expect_live(z, "any.name.kept.example", TM_RR_TXT, TM_ZONE_LIVE_KEPT, "NO_PURGE");
    assert_int_equal(tm_zone_live(z, "kept.example.other", TM_RR_MX, NULL), TM_ZONE_LIVE_NONE);
    tm_zone_destroy(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_octodns_layout),
        cmocka_unit_test(test_octodns_split_and_names),
        cmocka_unit_test(test_octodns_errors),
        cmocka_unit_test(test_dnscontrol),
        cmocka_unit_test(test_dnscontrol_errors),
        cmocka_unit_test(test_octodns_left_to_provider),
        cmocka_unit_test(test_dnscontrol_left_to_provider),
        cmocka_unit_test(test_detect_and_names),
        cmocka_unit_test(test_zone_file_locations),
        cmocka_unit_test(test_builder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
