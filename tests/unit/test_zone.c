/* test_zone.c - zone files through libzscanner: directives, parentheses,
 * multi-string TXT, CNAMEs inside and out of the zone, NODATA against
 * NXDOMAIN, empty non-terminals, wildcards, and every way a file can be
 * refused (with its line number). */
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

#include "tmems/tm_resolve.h"

static char tmpdir[64];
static char paths[64][128];
static int npaths;

static const char *write_zone(const char *file, const char *text)
{
    assert_true(npaths < 64);
    char *p = paths[npaths++];
    snprintf(p, sizeof paths[0], "%s/%s", tmpdir, file);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    return p;
}

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/tm_zone_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < npaths; i++)
        unlink(paths[i]);
    return rmdir(tmpdir);
}

static const char example_zone[] =
    "; the demo zone\n"
    "$ORIGIN example.jp.\n"
    "$TTL 3600\n"
    "@   IN SOA ns1 hostmaster (\n"
    "        2024082101 ; serial\n"
    "        7200 3600 1209600\n"
    "        300 )\n"
    "    IN NS  ns1\n"
    "    300 IN MX 10 mx1.in.tmems-jp.trendmicro.com.\n"
    "    300 IN MX 20 Mail\n"
    "    IN TXT \"v=spf1 include:spf.tmems-jp.\" \"trendmicro.com -all\"\n"
    "    IN TXT \"tmes=0123456789abcdef0123456789abcdef\"\n"
    "mail 60 IN A 192.0.2.25\n"
    "mail IN AAAA 2001:db8::25\n"
    "ns1 IN A 192.0.2.53\n"
    "www IN CNAME mail\n"
    "alias IN CNAME www\n"
    "out IN CNAME host.example.net.\n"
    "loop1 IN CNAME loop2\n"
    "loop2 IN CNAME loop1\n"
    "a.b.c IN TXT \"deep\"\n"
    "*.wild IN TXT \"wildcard\"\n"
    "sub.wild IN A 192.0.2.99\n";

static tm_zone_t *load_ok(const char *path, const char *origin)
{
    tm_zone_t *z = NULL;
    char err[256] = "";
    tm_status_t st = tm_zone_load(path, origin, &z, err, sizeof err);
    if (st != TM_OK)
        fail_msg("load failed: %s (%s)", tm_strerror(st), err);
    assert_non_null(z);
    return z;
}

static void test_records_and_ttls(void **state)
{
    (void)state;
    tm_zone_t *z = load_ok(write_zone("a.zone", example_zone), NULL);
    assert_string_equal(tm_zone_origin(z), "example.jp");

    tm_answer_t *ans = tm_zone_answer(z, "Example.JP.", TM_RR_MX);
    assert_non_null(ans);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->source, TM_SRC_ZONE);
    assert_string_equal(ans->name, "example.jp");
    assert_int_equal(ans->count, 2);
    assert_int_equal(ans->rrs[0].u.mx.preference, 10);
    assert_string_equal(ans->rrs[0].u.mx.host, "mx1.in.tmems-jp.trendmicro.com");
    assert_int_equal(ans->rrs[0].ttl, 300);
    assert_int_equal(ans->rrs[1].u.mx.preference, 20);
    assert_string_equal(ans->rrs[1].u.mx.host, "mail.example.jp");
    assert_null(ans->canonical);
    tm_answer_unref(ans);

    ans = tm_zone_answer(z, "mail.example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 1);
    assert_int_equal(ans->rrs[0].ttl, 60);
    assert_memory_equal(ans->rrs[0].u.a, ((uint8_t[]){192, 0, 2, 25}), 4);
    tm_answer_unref(ans);

    ans = tm_zone_answer(z, "mail.example.jp", TM_RR_AAAA);
    assert_int_equal(ans->count, 1);
    assert_int_equal(ans->rrs[0].ttl, 3600); /* $TTL */
    assert_int_equal(ans->rrs[0].u.aaaa[0], 0x20);
    assert_int_equal(ans->rrs[0].u.aaaa[15], 0x25);
    tm_answer_unref(ans);

    ans = tm_zone_answer(z, "example.jp", TM_RR_SOA);
    assert_int_equal(ans->count, 1);
    assert_string_equal(ans->rrs[0].u.soa.mname, "ns1.example.jp");
    assert_string_equal(ans->rrs[0].u.soa.rname, "hostmaster.example.jp");
    assert_int_equal(ans->rrs[0].u.soa.serial, 2024082101u);
    assert_int_equal(ans->rrs[0].u.soa.refresh, 7200);
    assert_int_equal(ans->rrs[0].u.soa.minimum, 300);
    tm_answer_unref(ans);

    ans = tm_zone_answer(z, "example.jp", TM_RR_NS);
    assert_int_equal(ans->count, 1);
    assert_string_equal(ans->rrs[0].u.name, "ns1.example.jp");
    tm_answer_unref(ans);
    tm_zone_destroy(z);
}

static void test_txt_strings_kept_apart(void **state)
{
    (void)state;
    tm_zone_t *z = load_ok(write_zone("txt.zone", example_zone), NULL);
    tm_answer_t *ans = tm_zone_answer(z, "example.jp", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 2);
    const tm_rr_t *spf = &ans->rrs[0];
    assert_int_equal(spf->u.txt.nstrings, 2);
    assert_int_equal(spf->u.txt.string_lens[0], strlen("v=spf1 include:spf.tmems-jp."));
    assert_int_equal(spf->u.txt.string_lens[1], strlen("trendmicro.com -all"));
    assert_string_equal(spf->u.txt.data, "v=spf1 include:spf.tmems-jp.trendmicro.com -all");
    assert_int_equal(ans->rrs[1].u.txt.nstrings, 1);
    assert_string_equal(ans->rrs[1].u.txt.data, "tmes=0123456789abcdef0123456789abcdef");
    tm_answer_unref(ans);
    tm_zone_destroy(z);
}

static void test_cname_in_zone(void **state)
{
    (void)state;
    tm_zone_t *z = load_ok(write_zone("cname.zone", example_zone), NULL);
    tm_answer_t *ans = tm_zone_answer(z, "alias.example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_string_equal(ans->canonical, "mail.example.jp");
    assert_int_equal(ans->count, 1);
    assert_int_equal(ans->rrs[0].u.a[3], 25);
    tm_answer_unref(ans);

    /* Asking for the CNAME itself does not follow it. */
    ans = tm_zone_answer(z, "www.example.jp", TM_RR_CNAME);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 1);
    assert_string_equal(ans->rrs[0].u.name, "mail.example.jp");
    assert_null(ans->canonical);
    tm_answer_unref(ans);

    /* The chain ends at a name without the type. */
    ans = tm_zone_answer(z, "www.example.jp", TM_RR_MX);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    assert_string_equal(ans->canonical, "mail.example.jp");
    tm_answer_unref(ans);

    /* Out of the zone: the zone cannot say more than where it points. */
    ans = tm_zone_answer(z, "out.example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    assert_string_equal(ans->canonical, "host.example.net");
    assert_int_equal(ans->count, 0);
    tm_answer_unref(ans);

    ans = tm_zone_answer(z, "loop1.example.jp", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_FORMERR);
    assert_non_null(ans->error);
    tm_answer_unref(ans);
    tm_zone_destroy(z);
}

static void test_nodata_nxdomain_ent(void **state)
{
    (void)state;
    tm_zone_t *z = load_ok(write_zone("nx.zone", example_zone), NULL);
    struct {
        const char *name;
        uint16_t type;
        tm_dns_outcome_t want;
    } cases[] = {
        {"mail.example.jp", TM_RR_TXT, TM_DNS_NODATA},     /* name with other types */
        {"nothing.example.jp", TM_RR_A, TM_DNS_NXDOMAIN},
        {"b.c.example.jp", TM_RR_TXT, TM_DNS_NODATA},      /* empty non-terminal */
        {"c.example.jp", TM_RR_A, TM_DNS_NODATA},          /* one more level up */
        {"x.a.b.c.example.jp", TM_RR_TXT, TM_DNS_NXDOMAIN},/* below a leaf */
        {"bc.example.jp", TM_RR_TXT, TM_DNS_NXDOMAIN},     /* not a suffix match */
        {"a.b.c.example.jp", TM_RR_TXT, TM_DNS_NOERROR},
        {"wild.example.jp", TM_RR_TXT, TM_DNS_NODATA},     /* ENT above the wildcard */
        {"any.wild.example.jp", TM_RR_TXT, TM_DNS_NOERROR},/* RFC 4592 */
        {"any.wild.example.jp", TM_RR_A, TM_DNS_NODATA},
        {"sub.wild.example.jp", TM_RR_TXT, TM_DNS_NODATA}, /* exists: no wildcard */
        {"x.sub.wild.example.jp", TM_RR_TXT, TM_DNS_NXDOMAIN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tm_answer_t *ans = tm_zone_answer(z, cases[i].name, cases[i].type);
        assert_non_null(ans);
        if (ans->outcome != cases[i].want)
            fail_msg("%s %s: got %s, want %s", cases[i].name, tm_rrtype_name(cases[i].type),
                     tm_dns_outcome_name(ans->outcome), tm_dns_outcome_name(cases[i].want));
        if (ans->outcome != TM_DNS_NOERROR)
            assert_int_equal(ans->count, 0);
        tm_answer_unref(ans);
    }
    tm_answer_t *ans = tm_zone_answer(z, "deep.wild.example.jp", TM_RR_TXT);
    assert_int_equal(ans->count, 1);
    assert_string_equal(ans->rrs[0].u.txt.data, "wildcard");
    assert_string_equal(ans->name, "deep.wild.example.jp");
    tm_answer_unref(ans);
    tm_zone_destroy(z);
}

static void test_covers(void **state)
{
    (void)state;
    tm_zone_t *z = load_ok(write_zone("covers.zone", example_zone), NULL);
    assert_true(tm_zone_covers(z, "example.jp"));
    assert_true(tm_zone_covers(z, "EXAMPLE.JP."));
    assert_true(tm_zone_covers(z, "a.b.Example.jp"));
    assert_false(tm_zone_covers(z, "xexample.jp"));
    assert_false(tm_zone_covers(z, "jp"));
    assert_false(tm_zone_covers(z, "example.jp.evil"));
    assert_false(tm_zone_covers(NULL, "example.jp"));
    tm_zone_destroy(z);
}

/* A zone cut (NS records below the apex): what the file holds there is not
 * served (RFC 1034 section 4.2.1), so the zone holds neither the cut nor
 * anything below it, and a CNAME into it ends where the zone does. */
static void test_zone_cut(void **state)
{
    (void)state;
    tm_zone_t *z = load_ok(write_zone("cut.zone",
                                      "$ORIGIN cut.example.\n$TTL 60\n@ SOA ns hm 1 2 3 4 5\n"
                                      "@ NS ns\nns A 192.0.2.53\n"
                                      "sub NS ns.other.example.\nsub TXT \"v=spf1 +all\"\n"
                                      "glue.sub A 192.0.2.54\nalias CNAME x.sub\n"
                                      "subway TXT \"kept\"\n"),
                           NULL);
    char cut[TM_NAME_MAX + 1] = "";
    assert_true(tm_zone_covers(z, "cut.example"));
    assert_true(tm_zone_covers(z, "ns.cut.example"));
    assert_true(tm_zone_covers(z, "subway.cut.example")); /* a label, not a suffix */
    assert_true(tm_zone_covers(z, "alias.cut.example"));
    assert_false(tm_zone_covers(z, "sub.cut.example"));
    assert_false(tm_zone_covers(z, "glue.sub.cut.example"));
    assert_false(tm_zone_covers(z, "a.b.sub.cut.example"));
    assert_true(tm_zone_delegates(z, "A.B.Sub.Cut.Example.", cut, sizeof cut));
    assert_string_equal(cut, "sub.cut.example");
    assert_false(tm_zone_delegates(z, "cut.example", cut, sizeof cut)); /* the apex's NS */
    assert_false(tm_zone_delegates(z, "subway.cut.example", NULL, 0));
    assert_false(tm_zone_delegates(z, "other.example", NULL, 0));
    tm_answer_t *ans = tm_zone_answer(z, "alias.cut.example", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    assert_int_equal(ans->count, 0);
    assert_string_equal(ans->canonical, "x.sub.cut.example");
    tm_answer_unref(ans);
    tm_zone_destroy(z);
}

static void test_origin_sources(void **state)
{
    (void)state;
    /* No $ORIGIN: taken from the SOA owner (absolute names). */
    tm_zone_t *z = load_ok(write_zone("soa.zone",
                                      "example.com. 300 IN SOA ns.example.com. h.example.com. "
                                      "1 2 3 4 5\n"
                                      "www.example.com. 300 IN A 192.0.2.1\n"),
                           NULL);
    assert_string_equal(tm_zone_origin(z), "example.com");
    tm_zone_destroy(z);

    /* Given by the caller: relative names hang below it. */
    z = load_ok(write_zone("given.zone", "www 60 IN A 192.0.2.7\n"), "Example.ORG.");
    assert_string_equal(tm_zone_origin(z), "example.org");
    tm_answer_t *ans = tm_zone_answer(z, "www.example.org", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->rrs[0].ttl, 60);
    tm_answer_unref(ans);
    /* The apex exists even without records of its own. */
    ans = tm_zone_answer(z, "example.org", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    tm_answer_unref(ans);
    tm_zone_destroy(z);

    /* Only $ORIGIN, no SOA. */
    z = load_ok(write_zone("origin.zone", "$ORIGIN example.net.\nwww 60 IN A 192.0.2.8\n"),
                NULL);
    assert_string_equal(tm_zone_origin(z), "example.net");
    tm_zone_destroy(z);

    /* An empty file is fine when the caller names the origin. */
    z = load_ok(write_zone("empty.zone", "; nothing\n"), "empty.example");
    ans = tm_zone_answer(z, "a.empty.example", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NXDOMAIN);
    tm_answer_unref(ans);
    tm_zone_destroy(z);
}

static void expect_load_error(const char *path, const char *origin, tm_status_t want_st,
                              const char *want_msg)
{
    tm_zone_t *z = (tm_zone_t *)&z; /* must be reset to NULL */
    char err[512] = "";
    tm_status_t st = tm_zone_load(path, origin, &z, err, sizeof err);
    assert_int_equal(st, want_st);
    assert_null(z);
    if (!strstr(err, want_msg))
        fail_msg("error '%s' lacks '%s'", err, want_msg);
}

/* Options: the origin a file without $ORIGIN takes (as named-checkzone
 * ZONE FILE), said so; $INCLUDE confined to a directory. */
static void test_default_origin(void **state)
{
    (void)state;
    const char *rel = write_zone("rel.zone", "$TTL 60\r\n@ SOA ns hm 1 2 3 4 5\r\n"
                                             "www A 192.0.2.1\r\n@ TXT \"\xe4\xbc\x9a\"\r\n");
    tm_zone_options_t opts = {.default_origin = "Checked.Example."};
    tm_zone_t *z = NULL;
    char err[512];
    assert_int_equal(tm_zone_load_with(rel, &opts, &z, err, sizeof err), TM_OK);
    assert_string_equal(tm_zone_origin(z), "checked.example");
    assert_true(tm_zone_origin_defaulted(z));
    tm_answer_t *ans = tm_zone_answer(z, "www.checked.example", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    tm_answer_unref(ans);
    ans = tm_zone_answer(z, "checked.example", TM_RR_TXT);
    assert_int_equal(ans->count, 1);
    assert_memory_equal(ans->rrs[0].u.txt.data, "\xe4\xbc\x9a", 3);
    tm_answer_unref(ans);
    tm_zone_destroy(z);

    /* a file that sets $ORIGIN keeps it, and nothing is said */
    const char *set = write_zone("set.zone", "$ORIGIN own.example.\n@ SOA ns hm 1 2 3 4 5\n");
    assert_int_equal(tm_zone_load_with(set, &opts, &z, err, sizeof err), TM_OK);
    assert_string_equal(tm_zone_origin(z), "own.example");
    assert_false(tm_zone_origin_defaulted(z));
    tm_zone_destroy(z);

    /* without a default, the relative SOA lands at the root: refused */
    expect_load_error(rel, NULL, TM_EPARSE, "has no $ORIGIN, so its SOA record is at the root");
}

/* What BIND serves: one copy of a repeated record, one TTL per RRset. */
static void test_duplicates_and_rrset_ttl(void **state)
{
    (void)state;
    const char *path = write_zone("dup.zone", "$ORIGIN d.example.\n@ SOA ns hm 1 2 3 4 5\n"
                                              "@ 600 TXT \"a\"\n@ 60 TXT \"b\"\n@ 900 TXT \"a\"\n"
                                              "@ MX 10 MX.d.example.\n@ MX 10 mx.d.example.\n"
                                              "@ TXT \"A\"\n");
    tm_zone_t *z = load_ok(path, NULL);
    tm_answer_t *ans = tm_zone_answer(z, "d.example", TM_RR_TXT);
    assert_int_equal(ans->count, 3); /* "a", "b", "A": TXT compares with case */
    for (size_t i = 0; i < ans->count; i++)
        assert_int_equal(ans->rrs[i].ttl, 600);
    tm_answer_unref(ans);
    ans = tm_zone_answer(z, "d.example", TM_RR_MX);
    assert_int_equal(ans->count, 1); /* names compare without case */
    assert_string_equal(ans->rrs[0].u.mx.host, "mx.d.example");
    tm_answer_unref(ans);
    assert_int_equal(tm_zone_size(z), 5);
    tm_zone_record_t r;
    assert_true(tm_zone_record(z, 0, &r));
    assert_string_equal(r.owner, "d.example");
    assert_int_equal(r.type, TM_RR_SOA);
    assert_false(tm_zone_record(z, 5, &r));
    tm_zone_destroy(z);
}

/* ttl_of: the TTL the zone serves for (name, type). */
static uint32_t ttl_of(const tm_zone_t *z, const char *name, uint16_t type)
{
    tm_answer_t *ans = tm_zone_answer(z, name, type);
    assert_non_null(ans);
    assert_true(ans->count > 0);
    uint32_t ttl = ans->rrs[0].ttl;
    tm_answer_unref(ans);
    return ttl;
}

/* Without $TTL, BIND's TTLs (named-checkzone -D agrees: the zones of
 * tests/zones/bind, test_zone_files.sh): the SOA's MINIMUM when the SOA
 * has no TTL, else the last TTL written; above 2^31-1 is 0; an RRset
 * written in two runs of lines takes the later run's first TTL. */
static void test_ttls_as_bind_serves(void **state)
{
    (void)state;
    tm_zone_t *z = load_ok(write_zone("minttl.zone", "$ORIGIN m.example.\n"
                                                     "@ SOA ns hm 1 2 3 4 300\n"
                                                     "@ 7200 MX 10 mx\nmx A 192.0.2.1\n"
                                                     "www A 192.0.2.2\n$TTL 90\nlate A 192.0.2.3\n"),
                           NULL);
    assert_int_equal(ttl_of(z, "m.example", TM_RR_SOA), 300);
    assert_int_equal(ttl_of(z, "m.example", TM_RR_MX), 7200);
    assert_int_equal(ttl_of(z, "mx.m.example", TM_RR_A), 300); /* not the MX's 7200 */
    assert_int_equal(ttl_of(z, "www.m.example", TM_RR_A), 300);
    assert_int_equal(ttl_of(z, "late.m.example", TM_RR_A), 90);
    tm_zone_destroy(z);

    z = load_ok(write_zone("rfc1035.zone", "$ORIGIN r.example.\n"
                                           "@ 86400 SOA ns hm 1 2 3 4 300\n"
                                           "ns 600 A 192.0.2.1\nwww A 192.0.2.2\n"
                                           "big 2147483648 A 192.0.2.3\nafter A 192.0.2.4\n"
                                           "@ 100 TXT \"a\"\nx A 192.0.2.5\n"
                                           "@ 500 TXT \"b\"\n@ 50 TXT \"c\"\n"),
                NULL);
    assert_int_equal(ttl_of(z, "r.example", TM_RR_SOA), 86400);
    assert_int_equal(ttl_of(z, "www.r.example", TM_RR_A), 600);
    assert_int_equal(ttl_of(z, "big.r.example", TM_RR_A), 0);
    assert_int_equal(ttl_of(z, "after.r.example", TM_RR_A), 0);
    assert_int_equal(ttl_of(z, "r.example", TM_RR_TXT), 500);
    tm_zone_destroy(z);
}

static void test_include(void **state)
{
    (void)state;
    write_zone("part.inc", "$TTL 120\nwww A 192.0.2.5\n");
    const char *top = write_zone("top.zone", "$ORIGIN i.example.\n@ SOA ns hm 1 2 3 4 5\n"
                                             "$INCLUDE part.inc sub.i.example.\n@ TXT after\n");
    tm_zone_options_t opts = {.include_dir = tmpdir};
    tm_zone_t *z = NULL;
    char err[512], want[300];
    assert_int_equal(tm_zone_load_with(top, &opts, &z, err, sizeof err), TM_OK);
    tm_answer_t *ans = tm_zone_answer(z, "www.sub.i.example", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->rrs[0].ttl, 120);
    tm_answer_unref(ans);
    ans = tm_zone_answer(z, "i.example", TM_RR_TXT); /* the $TTL of the included file stays */
    assert_int_equal(ans->rrs[0].ttl, 120);
    tm_answer_unref(ans);
    tm_zone_destroy(z);

    /* an error inside the included file names that file and its line */
    write_zone("bad.inc", "; one\nx A 192.0.2\n");
    const char *tb = write_zone("topbad.zone", "$ORIGIN i.example.\n$INCLUDE bad.inc\n");
    assert_int_equal(tm_zone_load_with(tb, &opts, &z, err, sizeof err), TM_EPARSE);
    assert_non_null(strstr(err, "zone file 'bad.inc' line 2: "));

    /* out of the directory: refused, whatever the path */
    const char *out = write_zone("out.zone", "$ORIGIN i.example.\n$INCLUDE ../etc/passwd\n");
    assert_int_equal(tm_zone_load_with(out, &opts, &z, err, sizeof err), TM_EINVAL);
    snprintf(want, sizeof want,
             "cannot read zone file '../etc/passwd': outside the directory it must stay in");
    assert_string_equal(err, want);
    const char *abs = write_zone("abs.zone", "$ORIGIN i.example.\n$INCLUDE /etc/passwd\n");
    assert_int_equal(tm_zone_load_with(abs, &opts, &z, err, sizeof err), TM_EINVAL);
    assert_null(z);
}

/* A binary file: the parse error says what is likely wrong. */
static void test_nul_hint(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/bin.zone", tmpdir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite("\x7f" "ELF\x02\x01\x01\0\0\0", 1, 10, f), 10);
    assert_int_equal(fclose(f), 0);
    tm_zone_t *z = NULL;
    char err[512];
    assert_int_equal(tm_zone_load(path, "b.example", &z, err, sizeof err), TM_EPARSE);
    assert_non_null(strstr(err, "line 1: "));
    assert_non_null(strstr(err, "(the file holds NUL bytes: is it a zone file?)"));
    unlink(path);
}

/* Zones BIND refuses to load are refused too, with file and line: a quoted
 * string over 255 bytes (RFC 1035 section 3.3; \DDD is one byte) and a
 * CNAME beside other data (RFC 1034 section 3.6.2). */
static void test_bind_refuses(void **state)
{
    (void)state;
    char want[300], text[2048], s255[256 * 4 + 1], s256[257];
    memset(s256, 'a', 256);
    s256[256] = '\0';
    snprintf(text, sizeof text, "$ORIGIN example.jp.\n@ 300 IN TXT \"%s\"\n", s256);
    const char *longs = write_zone("long.zone", text);
    snprintf(want, sizeof want, "zone file '%s' line 2: a quoted string is longer than 255 bytes",
             longs);
    expect_load_error(longs, NULL, TM_EPARSE, want);

    /* 255 bytes, written as \DDD escapes: BIND loads it, so must we. */
    s255[0] = '\0';
    for (int i = 0; i < 255; i++)
        strcat(s255, "\\065");
    snprintf(text, sizeof text, "$ORIGIN example.jp.\n@ 300 IN TXT \"%.*s\" \"b\"\n",
             (int)strlen(s255), s255);
    const char *ok = write_zone("ok255.zone", text);
    tm_zone_t *z = load_ok(ok, NULL);
    tm_zone_destroy(z);

    const char *cname = write_zone("cname.zone", "$ORIGIN example.jp.\n"
                                                 "www IN CNAME other.example.\n"
                                                 "www IN MX 10 mx.example.\n");
    snprintf(want, sizeof want,
             "zone file '%s' line 3: 'www.example.jp' has a CNAME record and other data", cname);
    expect_load_error(cname, NULL, TM_EPARSE, want);

    /* an apex NS inside the zone without an address: BIND refuses the
     * zone; one outside it, or a wildcard address, or a delegation's
     * missing glue (a warning to BIND) loads */
    const char *nsless = write_zone("nsless.zone", "$ORIGIN example.jp.\n"
                                                   "@ SOA ns1 hm 1 2 3 4 5\n"
                                                   "@ NS ns1\n@ NS ns.other.example.\n");
    snprintf(want, sizeof want,
             "zone file '%s' line 3: the name server ns1.example.jp of the zone has no address "
             "record (A or AAAA) in it; BIND does not load such a zone", nsless);
    expect_load_error(nsless, NULL, TM_EPARSE, want);
    z = load_ok(write_zone("nswild.zone", "$ORIGIN example.jp.\n@ SOA ns1 hm 1 2 3 4 5\n"
                                          "@ NS ns1\n* AAAA 2001:db8::1\nsub NS ns.sub\n"),
                NULL);
    tm_zone_destroy(z);

    /* a UTF-8 byte order mark is named, not "invalid number" */
    const char *bom = write_zone("bom.zone", "\xef\xbb\xbf$ORIGIN example.jp.\n"
                                             "@ 300 IN TXT \"x\"\n");
    snprintf(want, sizeof want,
             "zone file '%s' line 1: the file starts with a UTF-8 byte order mark (BOM)", bom);
    expect_load_error(bom, NULL, TM_EPARSE, want);
}

static void test_errors(void **state)
{
    (void)state;
    char want[300], missing[128];
    snprintf(missing, sizeof missing, "%s/missing.zone", tmpdir);
    snprintf(want, sizeof want, "cannot read zone file '%s': No such file or directory", missing);
    expect_load_error(missing, NULL, TM_EIO, want);
    snprintf(want, sizeof want, "cannot read zone file '%s': Is a directory", tmpdir);
    expect_load_error(tmpdir, "example.jp", TM_EIO, want);

    const char *bad = write_zone("bad.zone", "$ORIGIN example.jp.\n"
                                             "$TTL 300\n"
                                             "@ IN SOA ns1 hm (\n"
                                             "   1 2 3 4 5 )\n"
                                             "www IN A 192.0.2.1\n"
                                             "; comment\n"
                                             "oops IN A 192.0.2\n"
                                             "after IN A 192.0.2.3\n");
    snprintf(want, sizeof want, "zone file '%s' line 7: ", bad);
    expect_load_error(bad, NULL, TM_EPARSE, want);

    const char *inc = write_zone("inc.zone", "$ORIGIN example.jp.\n"
                                             "www IN A 192.0.2.1\n"
                                             "$INCLUDE other.zone\n");
    snprintf(want, sizeof want, "zone file '%s' line 3: $INCLUDE is off", inc);
    expect_load_error(inc, NULL, TM_EUNSUPPORTED, want);

    const char *outside = write_zone("outside.zone", "$ORIGIN example.jp.\n"
                                                     "www IN A 192.0.2.1\n"
                                                     "www.example.com. IN A 192.0.2.2\n");
    snprintf(want, sizeof want, "zone file '%s' line 3: 'www.example.com' is outside", outside);
    expect_load_error(outside, "example.jp", TM_EPARSE, want);

    const char *noorigin = write_zone("noorigin.zone", "www.example.jp. 60 IN A 192.0.2.1\n");
    expect_load_error(noorigin, NULL, TM_EPARSE, "no SOA record and no $ORIGIN");

    const char *unbalanced = write_zone("paren.zone", "$ORIGIN example.jp.\n"
                                                      "@ IN SOA ns1 hm ( 1 2 3 4 5\n");
    expect_load_error(unbalanced, NULL, TM_EPARSE, "zone file");

    tm_zone_t *z = NULL;
    assert_int_equal(tm_zone_load(NULL, NULL, &z, NULL, 0), TM_EINVAL);
    /* No error buffer is fine too. */
    assert_int_equal(tm_zone_load(missing, NULL, &z, NULL, 0), TM_EIO);
}

static void test_many_records(void **state)
{
    (void)state;
    size_t cap = 4000 * 48 + 64;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "$ORIGIN big.example.\n");
    /* Written out of order so the index must sort. */
    for (int i = 3999; i >= 0; i--)
        n += (size_t)snprintf(text + n, cap - n, "h%d.l%d IN A 10.0.%d.%d\n", i, i % 7,
                              i / 256, i % 256);
    tm_zone_t *z = load_ok(write_zone("big.zone", text), NULL);
    free(text);
    for (int i = 0; i < 4000; i += 37) {
        char q[64];
        snprintf(q, sizeof q, "h%d.l%d.big.example", i, i % 7);
        tm_answer_t *ans = tm_zone_answer(z, q, TM_RR_A);
        assert_int_equal(ans->outcome, TM_DNS_NOERROR);
        assert_int_equal(ans->count, 1);
        assert_int_equal(ans->rrs[0].u.a[2], i / 256);
        assert_int_equal(ans->rrs[0].u.a[3], i % 256);
        tm_answer_unref(ans);
    }
    tm_answer_t *ans = tm_zone_answer(z, "l3.big.example", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    tm_answer_unref(ans);
    ans = tm_zone_answer(z, "l7.big.example", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NXDOMAIN);
    tm_answer_unref(ans);
    tm_zone_destroy(z);
}

static void test_escaped_label(void **state)
{
    (void)state;
    tm_zone_t *z = load_ok(write_zone("esc.zone", "$ORIGIN example.jp.\n"
                                                  "a\\.b IN TXT \"one label\"\n"),
                           NULL);
    tm_answer_t *ans = tm_zone_answer(z, "a.b.example.jp", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NXDOMAIN);
    tm_answer_unref(ans);
    ans = tm_zone_answer(z, "a\\046b.example.jp", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    tm_answer_unref(ans);
    tm_zone_destroy(z);
}

/* Fails each allocation of one answer in turn: NULL, never a crash or a
 * leak, until the answer can be built. */
static void answer_under_oom(const tm_zone_t *z, const char *name, uint16_t type,
                             tm_dns_outcome_t want)
{
    unsigned long failures = 0;
    for (unsigned long k = 1; k < 200; k++) {
        tm_alloc_fail_after(k);
        tm_answer_t *ans = tm_zone_answer(z, name, type);
        tm_alloc_fail_after(0);
        if (!ans) {
            failures++;
            continue;
        }
        assert_int_equal(ans->outcome, want);
        tm_answer_unref(ans);
        break;
    }
    assert_true(failures > 0);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    const char *path = write_zone("oom.zone", example_zone);
    bool loaded = false;
    for (unsigned long n = 1; n < 500 && !loaded; n++) {
        tm_zone_t *z = NULL;
        char err[256];
        tm_alloc_fail_after(n);
        tm_status_t st = tm_zone_load(path, NULL, &z, err, sizeof err);
        tm_alloc_fail_after(0);
        if (st != TM_OK) {
            assert_int_equal(st, TM_ENOMEM);
            assert_null(z);
            continue;
        }
        loaded = true;
        answer_under_oom(z, "alias.example.jp", TM_RR_A, TM_DNS_NOERROR);
        answer_under_oom(z, "example.jp", TM_RR_TXT, TM_DNS_NOERROR);
        answer_under_oom(z, "example.jp", TM_RR_SOA, TM_DNS_NOERROR);
        answer_under_oom(z, "out.example.jp", TM_RR_A, TM_DNS_NODATA);
        tm_zone_destroy(z);
    }
    assert_true(loaded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_and_ttls),
        cmocka_unit_test(test_txt_strings_kept_apart),
        cmocka_unit_test(test_cname_in_zone),
        cmocka_unit_test(test_nodata_nxdomain_ent),
        cmocka_unit_test(test_covers),
        cmocka_unit_test(test_zone_cut),
        cmocka_unit_test(test_origin_sources),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_default_origin),
        cmocka_unit_test(test_duplicates_and_rrset_ttl),
        cmocka_unit_test(test_ttls_as_bind_serves),
        cmocka_unit_test(test_include),
        cmocka_unit_test(test_nul_hint),
        cmocka_unit_test(test_many_records),
        cmocka_unit_test(test_escaped_label),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_bind_refuses),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
