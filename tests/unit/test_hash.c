/* test_hash.c - FNV-1a 64 (util/hash.c) against the published test
 * vectors of the algorithm's authors, byte by byte and in pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tmems/tm_util.h"

static void test_known_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        uint64_t want;
    } cases[] = {
        {"", 0xcbf29ce484222325ULL},
        {"a", 0xaf63dc4c8601ec8cULL},
        {"foobar", 0x85944171f73967e8ULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t h = tm_fnv1a(TM_FNV1A_INIT, cases[i].in, strlen(cases[i].in));
        if (h != cases[i].want)
            print_error("case %zu: %llx\n", i, (unsigned long long)h);
        assert_true(h == cases[i].want);
    }
}

/* Hashing continues where it stopped: a key folded in pieces (the name,
 * then the type) hashes like the same bytes at once. */
static void test_pieces_and_steps(void **state)
{
    (void)state;
    uint64_t whole = tm_fnv1a(TM_FNV1A_INIT, "foobar", 6);
    uint64_t parts = tm_fnv1a(tm_fnv1a(TM_FNV1A_INIT, "foo", 3), "bar", 3);
    uint64_t steps = TM_FNV1A_INIT;
    for (const char *p = "foobar"; *p; p++)
        steps = tm_fnv1a_step(steps, (uint8_t)*p);
    assert_true(whole == parts);
    assert_true(whole == steps);
    assert_true(tm_fnv1a(TM_FNV1A_INIT, NULL, 0) == TM_FNV1A_INIT);
}

/* Every byte counts, NUL and bytes >= 0x80 included. */
static void test_binary_bytes(void **state)
{
    (void)state;
    const uint8_t a[] = {0x00, 0x80, 0xff};
    const uint8_t b[] = {0x00, 0x80, 0xfe};
    assert_true(tm_fnv1a(TM_FNV1A_INIT, a, sizeof a) != tm_fnv1a(TM_FNV1A_INIT, b, sizeof b));
    assert_true(tm_fnv1a(TM_FNV1A_INIT, a, 1) != TM_FNV1A_INIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_pieces_and_steps),
        cmocka_unit_test(test_binary_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
