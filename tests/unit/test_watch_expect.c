/* test_watch_expect.c - the expected state given on the command line
 * (src/lib/watch/expect.c): --expect-mx and --expect-spf values, and when
 * a server's answers meet them (the whole MX set, the SPF record byte for
 * byte). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "watch_fixture.h"

static void test_mx_values(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_true(tm_watch_expect_mx_valid("mail.acme.example", &why));
    assert_true(tm_watch_expect_mx_valid("mail.acme.example.", &why));
    assert_true(tm_watch_expect_mx_valid("10 mail.acme.example", &why));
    assert_true(tm_watch_expect_mx_valid("0 .", &why)); /* null MX, RFC 7505 */
    assert_false(tm_watch_expect_mx_valid("a..example", &why));
    assert_string_equal(why, "not a valid host name");
    assert_false(tm_watch_expect_mx_valid("70000 mail.acme.example", &why));
    assert_false(tm_watch_expect_mx_valid("x mail.acme.example", &why));
    assert_false(tm_watch_expect_mx_valid(" mail.acme.example", &why));
    assert_false(tm_watch_expect_mx_valid("", &why));
    assert_false(tm_watch_expect_mx_valid(NULL, NULL));
}

static void test_spf_values(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_true(tm_watch_expect_spf_valid("none", &why));
    assert_true(tm_watch_expect_spf_valid(WX_SPF, &why));
    assert_true(tm_watch_expect_spf_valid("v=spf1", &why));
    assert_false(tm_watch_expect_spf_valid("v=spf10 -all", &why));
    assert_false(tm_watch_expect_spf_valid("spf -all", &why));
    char big[3000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(big, "v=spf1 ", 7);
    assert_false(tm_watch_expect_spf_valid(big, &why));
    assert_string_equal(why, "the record is longer than 2048 bytes");
}

static void test_mx_set_met(void **state)
{
    (void)state;
    tm_watch_expect_t e = {.mx = {WX_OLD_MX}, .nmx = 1};
    tm_answer_t *old = wx_mx1(300, WX_OLD_MX), *upper = wx_mx1(300, "MAIL.acme.example");
    const uint16_t p[2] = {10, 20};
    const char *h[2] = {WX_OLD_MX, "backup.acme.example"};
    tm_answer_t *two = wx_mx(300, 2, p, h), *none = wx_mx(300, 0, NULL, NULL);
    tm_answer_t *txt = wx_txt(0, NULL);
    assert_true(tm_watch_expect_given(&e));
    assert_true(tm_watch_expect_met(&e, old, txt));
    assert_true(tm_watch_expect_met(&e, upper, txt)); /* names compare in any case */
    assert_false(tm_watch_expect_met(&e, two, txt));  /* another host too */
    assert_false(tm_watch_expect_met(&e, none, txt));
    tm_watch_expect_t pref = {.mx = {"20 " WX_OLD_MX}, .nmx = 1};
    assert_false(tm_watch_expect_met(&pref, old, txt)); /* at 10, not 20 */
    tm_watch_expect_t both = {.mx = {"10 " WX_OLD_MX, "backup.acme.example"}, .nmx = 2};
    assert_true(tm_watch_expect_met(&both, two, txt));
    tm_answer_t *failed = wx_failed(TM_RR_MX, TM_DNS_TIMEOUT);
    assert_false(tm_watch_expect_met(&e, failed, txt));
    tm_watch_expect_t nothing = {.nmx = 0};
    assert_false(tm_watch_expect_given(&nothing));
    assert_false(tm_watch_expect_met(&nothing, old, txt));
    tm_answer_unref(old);
    tm_answer_unref(upper);
    tm_answer_unref(two);
    tm_answer_unref(none);
    tm_answer_unref(txt);
    tm_answer_unref(failed);
}

static void test_spf_met(void **state)
{
    (void)state;
    tm_watch_expect_t e = {.spf = WX_SPF};
    tm_answer_t *mx = wx_mx1(300, WX_OLD_MX);
    tm_answer_t *one = wx_txt2(WX_TOKEN, WX_SPF), *other = wx_txt2(WX_TOKEN, "v=spf1 -all"),
                *two = wx_txt2(WX_SPF, "v=spf1 -all"), *no = wx_txt2(WX_TOKEN, NULL);
    assert_true(tm_watch_expect_met(&e, mx, one));
    assert_false(tm_watch_expect_met(&e, mx, other));
    assert_false(tm_watch_expect_met(&e, mx, two)); /* two records: permerror */
    assert_false(tm_watch_expect_met(&e, mx, no));
    tm_watch_expect_t none = {.spf = "none"};
    assert_true(tm_watch_expect_met(&none, mx, no));
    assert_false(tm_watch_expect_met(&none, mx, one));
    tm_answer_unref(mx);
    tm_answer_unref(one);
    tm_answer_unref(other);
    tm_answer_unref(two);
    tm_answer_unref(no);
}

int main(void)
{
    wx_locale();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mx_values),
        cmocka_unit_test(test_spf_values),
        cmocka_unit_test(test_mx_set_met),
        cmocka_unit_test(test_spf_met),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
