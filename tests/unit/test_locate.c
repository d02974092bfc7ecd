/* test_locate.c - the record a finding concerns and where it is written
 * (src/lib/run/locate.c): from the Fix's first pasteable line or from the
 * check id; the SPF record and the token told apart among TXT records; a
 * missing record points at the zone's file; live DNS gives no location. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/locate.h"
#include "tmems/tm_resolve.h"

static char path[] = "/tmp/tm-locate.XXXXXX";

static int setup(void **state)
{
    (void)state;
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    const char *zone = "$ORIGIN loc.example.\n"
                       "$TTL 3600\n"
                       "@ IN SOA ns hm 1 2 3 4 5\n"
                       "@ IN TXT \"google-site-verification=x\"\n"
                       "@ IN TXT \"v=spf1 -all\"\n"
                       "@ IN TXT \"tmes=abc\"\n"
                       "@ IN MX 10 mx\n"
                       "_spf IN TXT \"v=spf1 ip4:192.0.2.1 -all\"\n"
                       "@ IN NS ns.example.net.\n"; /* last: the lines above stay */
    ssize_t n = write(fd, zone, strlen(zone));
    close(fd);
    return n == (ssize_t)strlen(zone) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static tm_finding_t finding(const char *id, const char *fix_records)
{
    tm_finding_t f;
    memset(&f, 0, sizeof f);
    f.id = id;
    f.status = TM_CHECK_FAIL;
    f.fix_records = fix_records ? tm_strdup(fix_records) : NULL;
    return f;
}

static void test_targets(void **state)
{
    (void)state;
    locate_target_t t;
    tm_finding_t f = finding("spf.lookups", NULL);
    assert_true(tm_locate_target(&f, "loc.example", "tmes=", &t));
    assert_string_equal(t.owner, "loc.example");
    assert_int_equal(t.type, TM_RR_TXT);
    assert_int_equal(t.kind, LOCATE_TXT_SPF);
    f.id = "token.format";
    assert_true(tm_locate_target(&f, "loc.example", "tmes=", &t));
    assert_int_equal(t.kind, LOCATE_TXT_TOKEN);
    f.id = "inbound.servers";
    assert_true(tm_locate_target(&f, "loc.example", "tmes=", &t));
    assert_int_equal(t.type, TM_RR_MX);
    f.id = "domain.exists";
    assert_false(tm_locate_target(&f, "loc.example", "tmes=", &t));
    f.id = "rules.current";
    assert_false(tm_locate_target(&f, "loc.example", "tmes=", &t));
    /* the Fix names the record: another owner */
    tm_finding_t g = finding("spf.all", "_spf.loc.example. 3600 IN TXT \"v=spf1 -all\"\n");
    assert_true(tm_locate_target(&g, "loc.example", "tmes=", &t));
    assert_string_equal(t.owner, "_spf.loc.example.");
    assert_int_equal(t.kind, LOCATE_TXT_SPF);
    tm_free(g.fix_records);
    g = finding("mx.ttl", "loc.example. 300 IN MX 10 acme.in.example.\n");
    assert_true(tm_locate_target(&g, "loc.example", "tmes=", &t));
    assert_int_equal(t.type, TM_RR_MX);
    tm_free(g.fix_records);
}

static void test_locate_in_zone(void **state)
{
    (void)state;
    const char *zones[] = {path};
    tm_resolver_options_t o = {.offline = true, .zone_files = zones, .nzones = 1};
    tm_resolver_t *res;
    char err[256];
    assert_int_equal(tm_resolver_create(&o, &res, err, sizeof err), TM_OK);
    tm_findings_t fs;
    tm_findings_init(&fs);
    const char *ids[] = {"spf.all", "token.present", "mx.ttl", "domain.name", "spf.include"};
    fs.items = tm_calloc(5, sizeof *fs.items);
    assert_non_null(fs.items);
    fs.cap = fs.count = 5;
    for (size_t i = 0; i < 5; i++)
        fs.items[i] = finding(ids[i], NULL);
    fs.items[4].fix_records =
        tm_strdup("_spf.loc.example. 3600 IN TXT \"v=spf1 include:x -all\"\n");
    assert_int_equal(tm_findings_locate(res, "loc.example", "tmes=", &fs), TM_OK);
    assert_string_equal(fs.items[0].source.file, path);
    assert_int_equal(fs.items[0].source.line, 5); /* the v=spf1 record, not line 4 */
    assert_int_equal(fs.items[1].source.line, 6); /* the tmes= record */
    assert_int_equal(fs.items[2].source.line, 7);
    assert_null(fs.items[3].source.file);
    assert_int_equal(fs.items[4].source.line, 8);
    tm_findings_clear(&fs);

    /* a record that is missing belongs in the file: no line */
    fs.items = tm_calloc(1, sizeof *fs.items);
    fs.cap = fs.count = 1;
    fs.items[0] = finding("mx.present", NULL);
    assert_int_equal(tm_findings_locate(res, "sub.loc.example", "tmes=", &fs), TM_OK);
    assert_string_equal(fs.items[0].source.file, path);
    assert_int_equal(fs.items[0].source.line, 0);
    tm_findings_clear(&fs);

    /* a domain no zone holds (live DNS): nothing */
    fs.items = tm_calloc(1, sizeof *fs.items);
    fs.cap = fs.count = 1;
    fs.items[0] = finding("mx.present", NULL);
    assert_int_equal(tm_findings_locate(res, "other.example", "tmes=", &fs), TM_OK);
    assert_null(fs.items[0].source.file);
    tm_findings_clear(&fs);
    assert_int_equal(tm_findings_locate(NULL, "x", NULL, NULL), TM_OK);
    tm_resolver_destroy(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_locate_in_zone),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
