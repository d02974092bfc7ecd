/* test_query_id.c - the resolver's query IDs (src/lib/resolve/query_id.c):
 * taken IDs are unique while taken, free again once released, and every
 * one of the 65536 can be taken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "resolve/query_id.h"

/* The resolver keeps at most 4096 queries in flight: that many IDs, all
 * different. */
static void test_unique_while_taken(void **state)
{
    (void)state;
    tm_query_ids_t *ids = malloc(sizeof *ids);
    assert_non_null(ids);
    tm_query_ids_init(ids);
    uint8_t *seen = calloc(65536, 1);
    assert_non_null(seen);
    for (int i = 0; i < 4096; i++) {
        uint16_t id = tm_query_id_take(ids);
        assert_int_equal(seen[id], 0);
        seen[id] = 1;
    }
    assert_int_equal(tm_query_ids_taken(ids), 4096);
    free(seen);
    free(ids);
}

/* A released ID can be drawn again; releasing a free ID changes nothing. */
static void test_release(void **state)
{
    (void)state;
    tm_query_ids_t *ids = malloc(sizeof *ids);
    assert_non_null(ids);
    tm_query_ids_init(ids);
    uint16_t a = tm_query_id_take(ids);
    uint16_t b = tm_query_id_take(ids);
    assert_int_not_equal(a, b);
    assert_int_equal(tm_query_ids_taken(ids), 2);
    tm_query_id_release(ids, a);
    assert_int_equal(tm_query_ids_taken(ids), 1);
    tm_query_id_release(ids, a);
    assert_int_equal(tm_query_ids_taken(ids), 1);
    tm_query_id_release(ids, b);
    assert_int_equal(tm_query_ids_taken(ids), 0);
    free(ids);
}

/* Every ID can be taken, each once; with none left, take gives 0 and
 * takes nothing; one released is the one taken next. */
static void test_all_ids(void **state)
{
    (void)state;
    tm_query_ids_t *ids = malloc(sizeof *ids);
    assert_non_null(ids);
    tm_query_ids_init(ids);
    uint8_t *seen = calloc(65536, 1);
    assert_non_null(seen);
    for (int i = 0; i < 65536; i++) {
        uint16_t id = tm_query_id_take(ids);
        assert_int_equal(seen[id], 0);
        seen[id] = 1;
    }
    assert_int_equal(tm_query_ids_taken(ids), 65536);
    assert_int_equal(tm_query_id_take(ids), 0);
    assert_int_equal(tm_query_ids_taken(ids), 65536);
    tm_query_id_release(ids, 12345);
    assert_int_equal(tm_query_id_take(ids), 12345);
    free(seen);
    free(ids);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unique_while_taken),
        cmocka_unit_test(test_release),
        cmocka_unit_test(test_all_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
