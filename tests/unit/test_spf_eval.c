/* test_spf_eval.c - check_host() (RFC 7208 sections 4 to 6) over hand-built
 * zones: results and qualifiers, include and redirect, exp=, the processing
 * limits, DNS errors, offline answers, and the need-list rounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spf_fixture.h"

static void test_qualifiers(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "pass.example TXT v=spf1 ip4:192.0.2.0/24 -all",
        "fail.example TXT v=spf1 -ip4:192.0.2.1 +all",
        "soft.example TXT v=spf1 ~ip4:192.0.2.1",
        "neutral.example TXT v=spf1 ?ip4:192.0.2.1",
        "default.example TXT v=spf1 ip4:198.51.100.1",
        "none.example TXT not spf",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "a@pass.example", &ev), TM_SPF_PASS);
    assert_int_equal(ev.state, TM_SPF_DONE);
    assert_null(ev.explanation);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "a@fail.example", &ev), TM_SPF_FAIL);
    assert_string_equal(ev.explanation, "DEFAULT");
    assert_true(ev.explanation_default);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "a@soft.example", &ev), TM_SPF_SOFTFAIL);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "a@neutral.example", &ev), TM_SPF_NEUTRAL);
    /* section 4.7: no match and no redirect is neutral */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "a@default.example", &ev), TM_SPF_NEUTRAL);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "a@none.example", &ev), TM_SPF_NONE);
    assert_non_null(ev.reason);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "a@nxdomain.example", &ev), TM_SPF_NONE);
    tm_spf_eval_clear(&ev);
}

static void test_initial_processing(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "example.com TXT v=spf1 -all exp=why.example.com",
        "why.example.com TXT %{l} / %{s} / %{o} / %{d} / %{h}",
        "mail.example.org TXT v=spf1 ?all",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    /* section 4.3: no local-part means postmaster */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "@example.com", &ev), TM_SPF_FAIL);
    assert_string_equal(ev.explanation,
                        "postmaster / postmaster@example.com / example.com / example.com / mail.example.org");
    assert_false(ev.explanation_default);
    /* an empty MAIL FROM means postmaster@<helo> (fixture HELO mail.example.org) */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "", &ev), TM_SPF_NEUTRAL);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", NULL, &ev), TM_SPF_NEUTRAL);
    /* malformed domains give none without a query */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@a..example.com", &ev), TM_SPF_NONE);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@[192.0.2.1]", &ev), TM_SPF_NONE);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@localhost", &ev), TM_SPF_NONE);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1",
                             "x@a1234567890123456789012345678901234567890123456789012345678901234.com", &ev),
                     TM_SPF_NONE);
    assert_int_equal(ev.lookups, 0);
    /* the local-part keeps an '@' of its own: the last one splits */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "\"a@b\"@example.com", &ev), TM_SPF_FAIL);
    assert_memory_equal(ev.explanation, "\"a@b\" / ", 8);
    tm_spf_eval_clear(&ev);
}

static void test_a_mx_cidr(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "a.example TXT v=spf1 a/24//64 -all",
        "a.example A 192.0.2.200",
        "a.example AAAA 2001:db8:1::1",
        "mx.example TXT v=spf1 mx:mx-target.example/28 -all",
        "mx-target.example MX 10 m1.example",
        "mx-target.example MX 20 m2.example",
        "m1.example A 198.51.100.7",
        "m2.example A 203.0.113.17",
        "null.example TXT v=spf1 mx -all",
        "null.example MX 0 ",
        "null.example A 192.0.2.1",
        "implicit.example TXT v=spf1 mx -all",
        "implicit.example A 192.0.2.1",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    assert_int_equal(FX_EVAL(zone, "192.0.2.9", "x@a.example", &ev), TM_SPF_PASS);
    assert_int_equal(FX_EVAL(zone, "192.0.3.9", "x@a.example", &ev), TM_SPF_FAIL);
    assert_int_equal(FX_EVAL(zone, "2001:db8:1::ffff", "x@a.example", &ev), TM_SPF_PASS);
    assert_int_equal(FX_EVAL(zone, "2001:db8:2::1", "x@a.example", &ev), TM_SPF_FAIL);
    /* section 5: an IPv4-mapped client is IPv4 */
    assert_int_equal(FX_EVAL(zone, "::ffff:192.0.2.9", "x@a.example", &ev), TM_SPF_PASS);
    assert_int_equal(FX_EVAL(zone, "203.0.113.30", "x@mx.example", &ev), TM_SPF_PASS);
    assert_int_equal(FX_EVAL(zone, "203.0.113.33", "x@mx.example", &ev), TM_SPF_FAIL);
    assert_int_equal(ev.lookups, 1);
    /* RFC 7505 null MX names no host; no fallback to the A record (5.4) */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@null.example", &ev), TM_SPF_FAIL);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@implicit.example", &ev), TM_SPF_FAIL);
    assert_int_equal(ev.void_lookups, 1);
    tm_spf_eval_clear(&ev);
}

static void test_include_mapping(void **state)
{
    (void)state;
    /* section 5.2: the include result table */
    static const char *const zone[] = {
        "p.example TXT v=spf1 include:pass.example -all",
        "f.example TXT v=spf1 include:fail.example ~all",
        "s.example TXT v=spf1 include:soft.example ?all",
        "n.example TXT v=spf1 include:neutral.example -all",
        "t.example TXT v=spf1 include:temp.example +all",
        "e.example TXT v=spf1 include:perm.example +all",
        "o.example TXT v=spf1 include:none.example +all",
        "x.example TXT v=spf1 include:nx.example +all",
        "q.example TXT v=spf1 -include:pass.example +all",
        "pass.example TXT v=spf1 +all",
        "fail.example TXT v=spf1 -all",
        "soft.example TXT v=spf1 ~all",
        "neutral.example TXT v=spf1 ?all",
        "temp.example TIMEOUT",
        "perm.example TXT v=spf1 bogus",
        "none.example TXT hello",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@p.example", &ev), TM_SPF_PASS);
    assert_int_equal(ev.lookups, 1);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@f.example", &ev), TM_SPF_SOFTFAIL);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@s.example", &ev), TM_SPF_NEUTRAL);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@n.example", &ev), TM_SPF_FAIL);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@t.example", &ev), TM_SPF_TEMPERROR);
    assert_false(ev.offline_unknown);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@e.example", &ev), TM_SPF_PERMERROR);
    assert_non_null(strstr(ev.reason, "perm.example"));
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@o.example", &ev), TM_SPF_PERMERROR);
    assert_non_null(strstr(ev.reason, "none.example"));
    /* a target without a record is a permerror, not a void lookup */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@x.example", &ev), TM_SPF_PERMERROR);
    assert_int_equal(ev.void_lookups, 0);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@q.example", &ev), TM_SPF_FAIL);
    tm_spf_eval_clear(&ev);
}

static void test_redirect(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "r.example TXT v=spf1 ip4:203.0.113.1 redirect=target.example",
        "target.example TXT v=spf1 a -all exp=texp.example",
        "target.example A 192.0.2.5",
        "texp.example TXT from target %{d}",
        "withall.example TXT v=spf1 redirect=target.example ?all",
        "gone.example TXT v=spf1 redirect=nothing.example",
        "loop.example TXT v=spf1 redirect=loop.example",
        "cancel.example TXT v=spf1 exp=cexp.example redirect=plain.example",
        "cexp.example TXT not this one",
        "plain.example TXT v=spf1 -all",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    assert_int_equal(FX_EVAL(zone, "203.0.113.1", "x@r.example", &ev), TM_SPF_PASS);
    assert_int_equal(ev.lookups, 0);
    /* redirect changes <domain>: a is target.example's A */
    assert_int_equal(FX_EVAL(zone, "192.0.2.5", "x@r.example", &ev), TM_SPF_PASS);
    assert_int_equal(ev.lookups, 2);
    /* the explanation of the record redirected to, with its %{d} */
    assert_int_equal(FX_EVAL(zone, "192.0.2.6", "x@r.example", &ev), TM_SPF_FAIL);
    assert_string_equal(ev.explanation, "from target target.example");
    /* section 6.1: ignored when there is an all */
    assert_int_equal(FX_EVAL(zone, "192.0.2.5", "x@withall.example", &ev), TM_SPF_NEUTRAL);
    assert_int_equal(ev.lookups, 0);
    assert_int_equal(FX_EVAL(zone, "192.0.2.5", "x@gone.example", &ev), TM_SPF_PERMERROR);
    assert_int_equal(FX_EVAL(zone, "192.0.2.5", "x@loop.example", &ev), TM_SPF_PERMERROR);
    assert_int_equal(ev.lookups, TM_SPF_LOOKUP_LIMIT + 1);
    /* section 6.2: the original record's exp= is not used */
    assert_int_equal(FX_EVAL(zone, "192.0.2.5", "x@cancel.example", &ev), TM_SPF_FAIL);
    assert_true(ev.explanation_default);
    assert_string_equal(ev.explanation, "DEFAULT");
    tm_spf_eval_clear(&ev);
}

static void test_explanation(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "ok.example TXT v=spf1 -all exp=msg.example",
        "msg.example TXT %{i} is not one of %{d}'s|%_senders (%{c}).",
        "two.example TXT v=spf1 -all exp=tworecs.example",
        "tworecs.example TXT one",
        "tworecs.example TXT two",
        "bad.example TXT v=spf1 -all exp=badmsg.example",
        "badmsg.example TXT the %{x}-files",
        "err.example TXT v=spf1 -all exp=errmsg.example",
        "errmsg.example SERVFAIL",
        "nx.example TXT v=spf1 -all exp=nothing.example",
        "utf.example TXT v=spf1 -all exp=utfmsg.example",
        "utfmsg.example TXT caf\xc3\xa9",
        "inc.example TXT v=spf1 include:incfail.example -all exp=top.example",
        "incfail.example TXT v=spf1 -all exp=inner.example",
        "top.example TXT top",
        "inner.example TXT inner",
        "ptr.example TXT v=spf1 -all exp=ptrmsg.example",
        "ptrmsg.example TXT connect from %{p}",
        "1.2.0.192.in-addr.arpa PTR host.ptr.example",
        "host.ptr.example A 192.0.2.1",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    assert_int_equal(FX_EVAL(zone, "192.0.2.7", "x@ok.example", &ev), TM_SPF_FAIL);
    assert_string_equal(ev.explanation, "192.0.2.7 is not one of ok.example's senders (192.0.2.7).");
    assert_false(ev.explanation_default);
    /* section 6.2: several records, syntax errors, DNS errors, no record
     * and non-ASCII text all give the default */
    const char *defaults[] = {"x@two.example", "x@bad.example", "x@err.example", "x@nx.example",
                              "x@utf.example"};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(FX_EVAL(zone, "192.0.2.7", defaults[i], &ev), TM_SPF_FAIL);
        assert_true(ev.explanation_default);
        assert_string_equal(ev.explanation, "DEFAULT");
    }
    /* the exp= of an included record is not used */
    assert_int_equal(FX_EVAL(zone, "192.0.2.7", "x@inc.example", &ev), TM_SPF_FAIL);
    assert_string_equal(ev.explanation, "top");
    /* %{p}: the validated name, or "unknown" */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@ptr.example", &ev), TM_SPF_FAIL);
    assert_string_equal(ev.explanation, "connect from host.ptr.example");
    assert_int_equal(FX_EVAL(zone, "192.0.2.9", "x@ptr.example", &ev), TM_SPF_FAIL);
    assert_string_equal(ev.explanation, "connect from unknown");
    /* no default explanation given: none */
    tm_rrset_t *rrset = tm_rrset_create();
    fx_zone_t z = FX_ZONE(zone);
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.ip = fx_ip("192.0.2.7");
    q.sender = "x@nx.example";
    fx_check_host(&z, rrset, &q, &ev);
    assert_int_equal(ev.result, TM_SPF_FAIL);
    assert_null(ev.explanation);
    assert_true(ev.explanation_default);
    tm_rrset_destroy(rrset);
    tm_spf_eval_clear(&ev);
}

static void test_lookup_limit(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "at.example TXT v=spf1 a mx a mx a mx a mx a ptr ip4:192.0.2.1 -all",
        "at.example A 198.51.100.1",
        "at.example MX 10 at.example",
        "over.example TXT v=spf1 a mx a mx a mx a mx a ptr a ip4:192.0.2.1 -all",
        "over.example A 198.51.100.1",
        "over.example MX 10 over.example",
        "inc.example TXT v=spf1 a include:eight.example a ip4:192.0.2.1 -all",
        "inc.example A 198.51.100.1",
        "eight.example TXT v=spf1 a a a a a a a a",
        "eight.example A 198.51.100.2",
        "early.example TXT v=spf1 a include:eight.example ip4:192.0.2.1 mx -all",
        "early.example A 192.0.2.1",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    /* exactly 10 DNS terms is allowed */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@at.example", &ev), TM_SPF_PASS);
    assert_int_equal(ev.lookups, 10);
    assert_int_equal(ev.void_lookups, 1); /* the ptr */
    /* the 11th is a permerror, whatever its type (here an a) */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@over.example", &ev), TM_SPF_PERMERROR);
    assert_int_equal(ev.lookups, 11);
    assert_non_null(strstr(ev.reason, "10"));
    /* lookups inside an include count towards the same 10 */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@inc.example", &ev), TM_SPF_PERMERROR);
    /* only lookups that happen count: the first a matches */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@early.example", &ev), TM_SPF_PASS);
    assert_int_equal(ev.lookups, 1);
    tm_spf_eval_clear(&ev);
}

static void test_void_limit(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "two.example TXT v=spf1 a:nx1.example mx:nx2.example ?all",
        "three.example TXT v=spf1 a:nx1.example a:nx2.example exists:nx3.example ?all",
        "exp.example TXT v=spf1 a:nx1.example a:nx2.example exp=nx3.example -all",
        "empty.example TXT v=spf1 a:exists.example a:exists.example a:exists.example ?all",
        "exists.example EXISTS",
        "bad.example TXT v=spf1 a:mail.example...com -all",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@two.example", &ev), TM_SPF_NEUTRAL);
    assert_int_equal(ev.void_lookups, 2);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@three.example", &ev), TM_SPF_PERMERROR);
    assert_int_equal(ev.void_lookups, 3);
    /* the exp= lookup is not a void lookup */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@exp.example", &ev), TM_SPF_FAIL);
    assert_int_equal(ev.void_lookups, 2);
    /* NODATA is void as NXDOMAIN is */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@empty.example", &ev), TM_SPF_PERMERROR);
    /* a name that cannot be queried does not match */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@bad.example", &ev), TM_SPF_FAIL);
    assert_int_equal(ev.void_lookups, 1);
    tm_spf_eval_clear(&ev);
}

static void test_mx_and_ptr_limits(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "mx.example TXT v=spf1 mx -all",
        "mx.example MX 0 h0.example", "mx.example MX 1 h1.example", "mx.example MX 2 h2.example",
        "mx.example MX 3 h3.example", "mx.example MX 4 h4.example", "mx.example MX 5 h5.example",
        "mx.example MX 6 h6.example", "mx.example MX 7 h7.example", "mx.example MX 8 h8.example",
        "mx.example MX 9 h9.example", "mx.example MX 10 h10.example",
        "h0.example A 192.0.2.1",
        "ptr.example TXT v=spf1 ptr -all",
        "5.2.0.192.in-addr.arpa PTR p1.example", "5.2.0.192.in-addr.arpa PTR p2.example",
        "5.2.0.192.in-addr.arpa PTR p3.example", "5.2.0.192.in-addr.arpa PTR p4.example",
        "5.2.0.192.in-addr.arpa PTR p5.example", "5.2.0.192.in-addr.arpa PTR p6.example",
        "5.2.0.192.in-addr.arpa PTR p7.example", "5.2.0.192.in-addr.arpa PTR p8.example",
        "5.2.0.192.in-addr.arpa PTR p9.example", "5.2.0.192.in-addr.arpa PTR p10.example",
        "5.2.0.192.in-addr.arpa PTR host.ptr.example",
        "host.ptr.example A 192.0.2.5",
        "6.2.0.192.in-addr.arpa PTR host.ptr.example",
        "6.2.0.192.in-addr.arpa PTR other.example",
        "host.ptr.example A 192.0.2.6",
        "other.example A 192.0.2.6",
        "7.2.0.192.in-addr.arpa PTR loop.example",
        "7.2.0.192.in-addr.arpa PTR good.ptr.example",
        "loop.example CNAME loop.example",
        "good.ptr.example A 192.0.2.7",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    /* section 4.6.4: more than 10 MX names is a permerror, even when the
     * first would match */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@mx.example", &ev), TM_SPF_PERMERROR);
    /* only the first 10 PTR names are validated */
    assert_int_equal(FX_EVAL(zone, "192.0.2.5", "x@ptr.example", &ev), TM_SPF_FAIL);
    /* a validated name under the domain matches; others do not */
    static const char *const zone2[] = {
        "ptr.example TXT v=spf1 ptr -all",
        "6.2.0.192.in-addr.arpa PTR other.example",
        "6.2.0.192.in-addr.arpa PTR HOST.Ptr.Example.",
        "host.ptr.example A 192.0.2.6",
        "other.example A 192.0.2.6",
        "7.2.0.192.in-addr.arpa PTR loop.example",
        "7.2.0.192.in-addr.arpa PTR good.ptr.example",
        "loop.example CNAME loop.example",
        "good.ptr.example A 192.0.2.7",
        "8.2.0.192.in-addr.arpa PTR fake.ptr.example",
        "fake.ptr.example A 192.0.2.99",
    };
    assert_int_equal(FX_EVAL(zone2, "192.0.2.6", "x@ptr.example", &ev), TM_SPF_PASS);
    /* a DNS error (a CNAME loop) on one name only skips it (section 5.5) */
    assert_int_equal(FX_EVAL(zone2, "192.0.2.7", "x@ptr.example", &ev), TM_SPF_PASS);
    /* a name whose address is not the client's does not validate */
    assert_int_equal(FX_EVAL(zone2, "192.0.2.8", "x@ptr.example", &ev), TM_SPF_FAIL);
    /* no PTR at all: a void lookup */
    assert_int_equal(FX_EVAL(zone2, "192.0.2.9", "x@ptr.example", &ev), TM_SPF_FAIL);
    assert_int_equal(ev.void_lookups, 1);
    tm_spf_eval_clear(&ev);
}

static void test_dns_errors(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "a.example TXT v=spf1 a:broken.example -all",
        "mx.example TXT v=spf1 mx:broken.example -all",
        "mxhost.example TXT v=spf1 mx -all",
        "mxhost.example MX 10 broken.example",
        "ex.example TXT v=spf1 exists:refused.example -all",
        "form.example TXT v=spf1 a:formerr.example -all",
        "txt.example SERVFAIL",
        "broken.example TIMEOUT",
        "refused.example REFUSED",
        "formerr.example FORMERR",
        "off.example TXT v=spf1 include:offline.example -all",
        "offline.example UNKNOWN",
        "offa.example TXT v=spf1 a:offline.example -all",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    const char *senders[] = {"x@a.example", "x@mx.example", "x@mxhost.example", "x@ex.example",
                             "x@form.example", "x@txt.example"};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(FX_EVAL(zone, "192.0.2.1", senders[i], &ev), TM_SPF_TEMPERROR);
        assert_int_equal(ev.state, TM_SPF_DONE);
        assert_false(ev.offline_unknown);
        assert_non_null(ev.reason);
    }
    /* offline and unknown is temperror too, but said apart */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@off.example", &ev), TM_SPF_TEMPERROR);
    assert_true(ev.offline_unknown);
    assert_non_null(strstr(ev.reason, "offline"));
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@offa.example", &ev), TM_SPF_TEMPERROR);
    assert_true(ev.offline_unknown);
    tm_spf_eval_clear(&ev);
}

static void test_syntax_and_selection(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "late.example TXT v=spf1 ip4:192.0.2.1 -all moo",
        "two.example TXT v=spf1 -all",
        "two.example TXT v=spf1 +all",
        "other.example TXT v=spf1 -all",
        "other.example TXT google-site-verification=abc",
        "other.example TXT \x96",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    /* section 4.6: a syntax error anywhere is a permerror, even after a match */
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@late.example", &ev), TM_SPF_PERMERROR);
    assert_non_null(strstr(ev.reason, "moo"));
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@two.example", &ev), TM_SPF_PERMERROR);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@other.example", &ev), TM_SPF_FAIL);
    tm_spf_eval_clear(&ev);
}

static void test_macros_in_terms(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "m.example TXT v=spf1 exists:%{ir}.%{l1r-}.in.%{d} -all",
        "1.2.0.192.bob.in.m.example A 127.0.0.2",
        "h.example TXT v=spf1 -a:%{h} +all",
        "mail.example.org A 192.0.2.9",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "alice-bob@m.example", &ev), TM_SPF_FAIL);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "bob-alice@m.example", &ev), TM_SPF_PASS);
    /* the fixture's HELO is mail.example.org */
    assert_int_equal(FX_EVAL(zone, "192.0.2.9", "x@h.example", &ev), TM_SPF_FAIL);
    assert_int_equal(FX_EVAL(zone, "192.0.2.8", "x@h.example", &ev), TM_SPF_PASS);
    tm_spf_eval_clear(&ev);
}

static void test_macro_targets(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "single.example TXT v=spf1 include:%{h} ?all",
        "p.example TXT v=spf1 exists:%{p}.ok.example -all",
        "1.2.0.192.in-addr.arpa PTR mx.p.example",
        "mx.p.example A 192.0.2.1",
        "mx.p.example.ok.example A 127.0.0.2",
        "e6.example TXT v=spf1 exists:list.example -all",
        "list.example A 127.0.0.2",
    };
    fx_zone_t z = FX_ZONE(zone);
    tm_rrset_t *rrset = tm_rrset_create();
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.ip = fx_ip("192.0.2.1");
    /* a recursive check_host of a single-label name is none: permerror */
    q.sender = "x@single.example";
    q.helo = "OEMCOMPUTER";
    fx_check_host(&z, rrset, &q, &ev);
    assert_int_equal(ev.result, TM_SPF_PERMERROR);
    assert_non_null(strstr(ev.reason, "%{h}"));
    /* %{p} in a term: PTR, then the A of the name, then the term's own name */
    q.sender = "x@p.example";
    unsigned before = z.asked;
    unsigned rounds = fx_check_host(&z, rrset, &q, &ev);
    assert_int_equal(ev.result, TM_SPF_PASS);
    assert_int_equal(rounds, 4);
    assert_int_equal(z.asked - before, 4);
    q.ip = fx_ip("192.0.2.2"); /* no PTR: %{p} is "unknown" */
    fx_check_host(&z, rrset, &q, &ev);
    assert_int_equal(ev.result, TM_SPF_FAIL);
    assert_non_null(tm_rrset_get(rrset, "unknown.ok.example", TM_RR_A));
    /* section 5.7: exists asks for A records even for an IPv6 client */
    q.ip = fx_ip("2001:db8::1");
    q.sender = "x@e6.example";
    fx_check_host(&z, rrset, &q, &ev);
    assert_int_equal(ev.result, TM_SPF_PASS);
    assert_null(tm_rrset_get(rrset, "list.example", TM_RR_AAAA));
    tm_spf_eval_clear(&ev);
    tm_rrset_destroy(rrset);
}

static void test_trace(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "example.com TXT v=spf1 ip4:198.51.100.0/24 include:_spf.example.com -all",
        "_spf.example.com TXT v=spf1 ip4:192.0.2.0/24 ~all",
    };
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    assert_int_equal(FX_EVAL(zone, "192.0.2.1", "x@example.com", &ev), TM_SPF_PASS);
    assert_int_equal(ev.ntrace, 3);
    assert_string_equal(ev.trace[0].domain, "example.com");
    assert_string_equal(ev.trace[0].term, "ip4:198.51.100.0/24");
    assert_false(ev.trace[0].match);
    assert_string_equal(ev.trace[1].term, "include:_spf.example.com");
    assert_true(ev.trace[1].match);
    assert_string_equal(ev.trace[2].domain, "_spf.example.com");
    assert_string_equal(ev.trace[2].term, "ip4:192.0.2.0/24");
    assert_true(ev.trace[2].match);
    assert_int_equal(ev.lookups, 1);
    tm_spf_eval_clear(&ev);
    assert_null(ev.trace);
    assert_int_equal(ev.ntrace, 0);
}

static void test_need_rounds(void **state)
{
    (void)state;
    /* speculative evaluation: all names a record needs are asked in one
     * round, not one round per term */
    static const char *const zone[] = {
        "example.com TXT v=spf1 include:a.example include:b.example a:c.example mx:d.example -all",
        "a.example TXT v=spf1 ip4:203.0.113.1",
        "b.example TXT v=spf1 ip4:203.0.113.2",
        "c.example A 203.0.113.3",
        "d.example MX 10 e.example",
        "e.example A 192.0.2.1",
    };
    fx_zone_t z = FX_ZONE(zone);
    tm_rrset_t *rrset = tm_rrset_create();
    tm_questions_t need;
    tm_questions_init(&need);
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.ip = fx_ip("192.0.2.1");
    q.sender = "x@example.com";
    assert_int_equal(tm_spf_check_host(rrset, &q, &need, &ev), TM_OK);
    assert_int_equal(ev.state, TM_SPF_NEED);
    assert_int_equal(need.count, 1);
    assert_string_equal(need.items[0].name, "example.com");
    assert_int_equal(need.items[0].type, TM_RR_TXT);
    fx_answer_all(&z, rrset, &need);
    assert_int_equal(tm_spf_check_host(rrset, &q, &need, &ev), TM_OK);
    assert_int_equal(ev.state, TM_SPF_NEED);
    assert_int_equal(need.count, 4);
    assert_string_equal(need.items[0].name, "a.example");
    assert_string_equal(need.items[1].name, "b.example");
    assert_string_equal(need.items[2].name, "c.example");
    assert_int_equal(need.items[2].type, TM_RR_A);
    assert_string_equal(need.items[3].name, "d.example");
    assert_int_equal(need.items[3].type, TM_RR_MX);
    fx_answer_all(&z, rrset, &need);
    assert_int_equal(tm_spf_check_host(rrset, &q, &need, &ev), TM_OK);
    assert_int_equal(need.count, 1); /* e.example A */
    fx_answer_all(&z, rrset, &need);
    assert_int_equal(tm_spf_check_host(rrset, &q, &need, &ev), TM_OK);
    assert_int_equal(ev.state, TM_SPF_DONE);
    assert_int_equal(need.count, 0);
    assert_int_equal(ev.result, TM_SPF_PASS);
    assert_int_equal(ev.lookups, 4);
    assert_int_equal(z.asked, 6);
    /* a reused context gives the same answer */
    tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
    assert_non_null(ctx);
    assert_ptr_equal(tm_spf_ctx_rrset(ctx), rrset);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tm_spf_check_host_ctx(ctx, &q, &need, &ev), TM_OK);
        assert_int_equal(ev.result, TM_SPF_PASS);
    }
    tm_spf_ctx_destroy(ctx);
    tm_spf_ctx_destroy(NULL);
    /* without a need list the state still says NEED */
    tm_rrset_t *empty = tm_rrset_create();
    assert_int_equal(tm_spf_check_host(empty, &q, NULL, &ev), TM_OK);
    assert_int_equal(ev.state, TM_SPF_NEED);
    tm_rrset_destroy(empty);
    tm_spf_eval_clear(&ev);
    tm_questions_clear(&need);
    tm_rrset_destroy(rrset);
}

static void test_bad_query(void **state)
{
    (void)state;
    tm_rrset_t *rrset = tm_rrset_create();
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    assert_int_equal(tm_spf_check_host(rrset, &q, NULL, &ev), TM_EINVAL); /* no address */
    q.ip = fx_ip("192.0.2.1");
    static char big[TM_SPF_INPUT_MAX + 10];
    memset(big, 'a', sizeof(big) - 1);
    q.sender = big;
    assert_int_equal(tm_spf_check_host(rrset, &q, NULL, &ev), TM_EINVAL);
    q.sender = "x@example.com";
    q.helo = big;
    assert_int_equal(tm_spf_check_host(rrset, &q, NULL, &ev), TM_EINVAL);
    tm_spf_eval_clear(&ev);
    tm_rrset_destroy(rrset);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    static const char *const zone[] = {
        "example.com TXT v=spf1 a:%{d} include:_spf.example.com mx -all exp=why.%{d}",
        "_spf.example.com TXT v=spf1 ip4:198.51.100.0/24 ptr",
        "example.com MX 10 mx.example.com",
        "mx.example.com A 198.51.100.200",
        "1.2.0.192.in-addr.arpa PTR mx.example.com",
        "why.example.com TXT %{i} for %{p}",
    };
    fx_zone_t z = FX_ZONE(zone);
    tm_rrset_t *rrset = fx_rrset_full(&z);
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.ip = fx_ip("192.0.2.1");
    q.sender = "x@example.com";
    q.trace = true;
    tm_questions_t need;
    tm_questions_init(&need);
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    /* let the evaluator fetch what the full rrset lacks (reverse names) */
    fx_check_host(&z, rrset, &q, &ev);
    assert_int_equal(ev.result, TM_SPF_FAIL);
    assert_string_equal(ev.explanation, "192.0.2.1 for unknown");
    tm_status_t st = TM_ENOMEM;
    unsigned long n;
    for (n = 1; n < 500 && st == TM_ENOMEM; n++) {
        tm_alloc_fail_after(n);
        st = tm_spf_check_host(rrset, &q, &need, &ev);
        tm_alloc_fail_after(0);
        if (st == TM_ENOMEM) {
            assert_null(ev.trace);
            assert_null(ev.explanation);
        }
    }
    assert_int_equal(st, TM_OK);
    assert_true(n > 5);
    assert_int_equal(ev.result, TM_SPF_FAIL);
    tm_spf_eval_clear(&ev);
    tm_questions_clear(&need);
    tm_rrset_destroy(rrset);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qualifiers),
        cmocka_unit_test(test_initial_processing),
        cmocka_unit_test(test_a_mx_cidr),
        cmocka_unit_test(test_include_mapping),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_explanation),
        cmocka_unit_test(test_lookup_limit),
        cmocka_unit_test(test_void_limit),
        cmocka_unit_test(test_mx_and_ptr_limits),
        cmocka_unit_test(test_dns_errors),
        cmocka_unit_test(test_syntax_and_selection),
        cmocka_unit_test(test_macros_in_terms),
        cmocka_unit_test(test_macro_targets),
        cmocka_unit_test(test_trace),
        cmocka_unit_test(test_need_rounds),
        cmocka_unit_test(test_bad_query),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
