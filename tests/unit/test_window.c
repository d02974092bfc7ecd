/* test_window.c - the adaptive in-flight window (src/lib/resolve/window.c):
 * where it starts, when it grows, when it holds, how it backs off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "resolve/window.h"

static void test_start(void **state)
{
    (void)state;
    tm_window_t w;
    tm_window_init(&w, 512);
    assert_int_equal(tm_window_size(&w), TM_WINDOW_START);
    /* A cap below the start is the start. */
    tm_window_init(&w, 7);
    assert_int_equal(tm_window_size(&w), 7);
    tm_window_init(&w, 0);
    assert_int_equal(tm_window_size(&w), 1);
}

/* Prompt answers: one more a first-try answer, up to the cap. */
static void test_grows_with_answers(void **state)
{
    (void)state;
    tm_window_t w;
    tm_window_init(&w, 200);
    for (int i = 0; i < 50; i++)
        tm_window_on_answer(&w, 20000);
    assert_int_equal(tm_window_size(&w), 178);
    for (int i = 0; i < 100; i++)
        tm_window_on_answer(&w, 20000 + i % 7);
    assert_int_equal(tm_window_size(&w), 200);
    assert_int_equal(w.base_rtt_us, 20000);
}

/* The queue estimate, size x (rtt - lowest) / rtt: below TM_WINDOW_QUEUED
 * the window doubles; past it doubling ends for good and it holds; past
 * TM_WINDOW_QUEUED_MAX it shrinks by one a round trip. */
static void test_queue_estimate(void **state)
{
    (void)state;
    tm_window_t w;
    tm_window_init(&w, 512);
    tm_window_on_answer(&w, 200); /* 0.2 ms: a server on this machine */
    assert_int_equal(tm_window_size(&w), 129);
    /* 129 x 0.04 / 0.24 = 21 queued: it grows ... */
    tm_window_on_answer(&w, 240);
    assert_int_equal(tm_window_size(&w), 130);
    assert_true(w.slow_start);
    /* ... 130 x 0.1 / 0.3 = 43 queued: doubling ends, the window holds ... */
    tm_window_on_answer(&w, 300);
    assert_int_equal(tm_window_size(&w), 130);
    assert_false(w.slow_start);
    /* ... and a prompt answer now adds 1/130 only. */
    tm_window_on_answer(&w, 200);
    assert_int_equal(tm_window_size(&w), 130);
    /* 130 x 2.8 / 3 = 121 queued: the server's buffer is filling; one less
     * a round trip (130 answers). */
    for (int i = 0; i < 130; i++)
        tm_window_on_answer(&w, 3000);
    assert_int_equal(tm_window_size(&w), 129);
    /* On a 20 ms path the same window queues little at 21 ms ... */
    tm_window_init(&w, 512);
    tm_window_on_answer(&w, 20000);
    tm_window_on_answer(&w, 21000);
    assert_int_equal(tm_window_size(&w), 130);
    assert_true(w.slow_start);
    /* ... and much at 40 ms. */
    tm_window_on_answer(&w, 40000);
    assert_false(w.slow_start);
    assert_true(tm_window_size(&w) <= 130);
    /* A lower round trip lowers the reference. */
    tm_window_on_answer(&w, 10000);
    assert_int_equal(w.base_rtt_us, 10000);
    /* It shrinks until the estimate is back in bounds: with answers 1000
     * times slower than the fastest, where TM_WINDOW_QUEUED_MAX wait. */
    tm_window_init(&w, 512);
    tm_window_on_answer(&w, 100);
    for (int i = 0; i < 100000; i++)
        tm_window_on_answer(&w, 100000);
    assert_int_equal(tm_window_size(&w), (unsigned)TM_WINDOW_QUEUED_MAX);
}

/* Before a round trip is known the start window is the only bound; after,
 * a burst of TM_WINDOW_BURST, then size per lowest round trip. */
static void test_pacing(void **state)
{
    (void)state;
    tm_window_t w;
    tm_window_init(&w, 512);
    long long now = 1000000;
    for (int i = 0; i < 128; i++) {
        assert_true(tm_window_may_send(&w, now));
        tm_window_sent(&w, now);
    }
    tm_window_on_answer(&w, 20000); /* 20 ms; the window is 129 */
    int burst = 0;
    while (tm_window_may_send(&w, now)) {
        tm_window_sent(&w, now);
        burst++;
    }
    assert_int_equal(burst, (int)TM_WINDOW_BURST);
    /* 129 per 20 ms: the next one in 155 us or so, 64 more in 10 ms. */
    long long next = tm_window_next_send_us(&w, now);
    assert_true(next > now && next <= now + 200);
    assert_false(tm_window_may_send(&w, now + 100));
    assert_true(tm_window_may_send(&w, next));
    int later = 0;
    while (tm_window_may_send(&w, now + 10000)) {
        tm_window_sent(&w, now + 10000);
        later++;
    }
    assert_true(later >= 63 && later <= 65);
    /* Idle time never saves up more than one burst. */
    burst = 0;
    while (tm_window_may_send(&w, now + 10000000)) {
        tm_window_sent(&w, now + 10000000);
        burst++;
    }
    assert_int_equal(burst, (int)TM_WINDOW_BURST);
}

/* A timeout halves the window once for everything that was in flight
 * with it, and growth is one a window from then on. */
static void test_backoff_once_per_window(void **state)
{
    (void)state;
    tm_window_t w;
    tm_window_init(&w, 512);
    unsigned long seq[128];
    for (int i = 0; i < 128; i++)
        seq[i] = tm_window_sent(&w, 0);
    tm_window_on_timeout(&w, seq[0]);
    assert_int_equal(tm_window_size(&w), 64);
    for (int i = 1; i < 128; i++)
        tm_window_on_timeout(&w, seq[i]);
    assert_int_equal(tm_window_size(&w), 64);
    assert_int_equal(w.backoffs, 1);
    /* A try sent after the back-off that times out halves it again. */
    unsigned long later = tm_window_sent(&w, 0);
    tm_window_on_timeout(&w, later);
    assert_int_equal(tm_window_size(&w), 32);
    assert_int_equal(w.backoffs, 2);
    /* Additive growth now: 32 prompt answers add about one. */
    for (int i = 0; i < 32; i++)
        tm_window_on_answer(&w, 1000);
    assert_int_equal(tm_window_size(&w), 32);
    for (int i = 0; i < 4; i++)
        tm_window_on_answer(&w, 1000);
    assert_int_equal(tm_window_size(&w), 33);
}

static void test_floor(void **state)
{
    (void)state;
    tm_window_t w;
    tm_window_init(&w, 512);
    for (int i = 0; i < 20; i++)
        tm_window_on_timeout(&w, tm_window_sent(&w, 0));
    assert_int_equal(tm_window_size(&w), TM_WINDOW_FLOOR);
    /* A cap below the floor still rules. */
    tm_window_init(&w, 2);
    tm_window_on_timeout(&w, tm_window_sent(&w, 0));
    assert_int_equal(tm_window_size(&w), 2);
    tm_window_init(&w, 1);
    tm_window_on_answer(&w, 100);
    assert_int_equal(tm_window_size(&w), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start),
        cmocka_unit_test(test_grows_with_answers),
        cmocka_unit_test(test_queue_estimate),
        cmocka_unit_test(test_pacing),
        cmocka_unit_test(test_backoff_once_per_window),
        cmocka_unit_test(test_floor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
