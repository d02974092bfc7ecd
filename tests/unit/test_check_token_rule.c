/* test_check_token_rule.c - the ownership token's form (token_rule.c): the
 * value rule token.format applies, and the --token check with its message
 * (the onboarding guide, Step 2-1: "tmes=" and 32 letters and digits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tmems/tm_token.h"
#include "check_fixture.h"

#define T32 "88vf4Tw3IPext5MmvoQSYF5mxwOczSpc"

static void test_value_rule(void **state)
{
    (void)state;
    assert_true(tm_token_value_valid(T32, 32, 32));
    assert_true(tm_token_value_valid("0123456789abcdefABCDEF0123456789", 32, 32));
    assert_false(tm_token_value_valid(T32, 31, 32));
    assert_false(tm_token_value_valid(T32 "x", 33, 32));
    assert_false(tm_token_value_valid("", 0, 32));
    /* only ASCII letters and digits: no '-', '_', '+', '/', space or byte
     * above 0x7f (isalnum in another locale could accept one) */
    static const char *const bad[] = {"88vf4Tw3IPext5MmvoQSYF5mxwOczSp-",
                                      "88vf4Tw3IPext5MmvoQSYF5mxwOczSp_",
                                      "88vf4Tw3IPext5MmvoQSYF5mxwOczSp+",
                                      "88vf4Tw3IPext5MmvoQSYF5mxwOczSp ",
                                      "88vf4Tw3IPext5MmvoQSYF5mxwOczSp\xe9"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(tm_token_value_valid(bad[i], strlen(bad[i]), 32));
}

static void test_given_forms(void **state)
{
    (void)state;
    char msg[256];
    const char *value = NULL;
    static const char *const good[] = {T32, "tmes=" T32, "TMES=" T32, "TmEs=" T32};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        msg[0] = '\0';
        assert_true(tm_token_given_valid(good[i], TM_TOKEN_PREFIX, TM_TOKEN_LENGTH, &value, msg,
                                         sizeof(msg)));
        assert_string_equal(value, T32);
        assert_string_equal(msg, "");
    }
}

static void test_given_messages(void **state)
{
    (void)state;
    static const struct {
        const char *given, *message;
    } cases[] = {
        {"\"tmes=" T32 "\"", "invalid --token '\"tmes=" T32 "\"': character 1 is '\"', not an "
                             "ASCII letter or digit; give the 32 characters the console shows, "
                             "with or without tmes=, and no quotes"},
        {"tmes=" T32 "\"", "invalid --token 'tmes=" T32 "\"': character 33 after tmes= is '\"', "
                           "not an ASCII letter or digit; give the 32 characters the console "
                           "shows, with or without tmes=, and no quotes"},
        {"abc", "invalid --token 'abc': it has 3 letters and digits; the console's token has "
                "exactly 32"},
        {"a", "invalid --token 'a': it has 1 letter or digit; the console's token has exactly 32"},
        {"tmes=", "invalid --token 'tmes=': the token is empty; give the 32 letters and digits the "
                  "console shows"},
        {"tmes=tmes=" T32, "character 5 after tmes= is '='"},
        {"\x1b[2J" T32, "invalid --token '\\x1b[2J" T32 "': character 1 is a control character"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char msg[512];
        const char *value;
        assert_false(tm_token_given_valid(cases[i].given, TM_TOKEN_PREFIX, TM_TOKEN_LENGTH, &value,
                                          msg, sizeof(msg)));
        assert_contains(msg, cases[i].message);
        assert_null(strchr(msg, '\n'));
        assert_null(strchr(msg, '\x1b'));
    }
}

/* A long argument is cut in the message, which fits the caller's buffer. */
static void test_given_long_and_small_buffer(void **state)
{
    (void)state;
    char given[600];
    memset(given, 'a', sizeof(given) - 1);
    given[sizeof(given) - 1] = '\0';
    char msg[512];
    const char *value;
    assert_false(tm_token_given_valid(given, TM_TOKEN_PREFIX, TM_TOKEN_LENGTH, &value, msg,
                                      sizeof(msg)));
    assert_contains(msg, "...': it has 599 letters and digits");
    char tiny[16];
    assert_false(tm_token_given_valid("x", TM_TOKEN_PREFIX, TM_TOKEN_LENGTH, &value, tiny,
                                      sizeof(tiny)));
    assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
}

int main(void)
{
    fx_locale();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_rule),
        cmocka_unit_test(test_given_forms),
        cmocka_unit_test(test_given_messages),
        cmocka_unit_test(test_given_long_and_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
