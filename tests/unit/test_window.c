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

/* answers(w, n, rtt): n first-try answers, each rtt_us after its send. */
static void answers(tm_window_t *w, unsigned n, long long rtt_us)
{
    for (unsigned i = 0; i < n; i++)
        tm_window_on_answer(w, rtt_us);
}

/* The answers left in the current round. */
static unsigned round_left(const tm_window_t *w) { return w->round_len - w->round_answers; }

/* The round trip at which q questions wait with the window as it is. */
static long long rtt_for(const tm_window_t *w, double q)
{
    return (long long)((double)w->base_rtt_us * w->size / (w->size - q)) + 1;
}

/* The queue estimate, size x (rtt - lowest) / rtt, with rtt the lowest of
 * the round once it has TM_WINDOW_ROUND_MIN answers: below
 * TM_WINDOW_QUEUED the window doubles; past it growth is a quarter of
 * that, and back to doubling when a round is faster than the one that
 * stopped it; past TM_WINDOW_QUEUED_MAX, or after TM_WINDOW_CSS_ROUNDS
 * rounds, one a round trip, and past TM_WINDOW_QUEUED_MAX it shrinks. */
static void test_queue_estimate(void **state)
{
    (void)state;
    tm_window_t w;
    tm_window_init(&w, 4096);
    /* 0.2 ms: a server on this machine.  A round of prompt answers, with
     * one read late among them (the tool was busy: taken alone, 50 would
     * be waiting, enough to end doubling): doubling goes on. */
    answers(&w, 4, 200);
    tm_window_on_answer(&w, rtt_for(&w, 50));
    answers(&w, round_left(&w), 200);
    assert_int_equal(w.phase, TM_WINDOW_SLOW_START);
    assert_int_equal(tm_window_size(&w), 128 + TM_WINDOW_ROUND_MIN);
    unsigned size = tm_window_size(&w);
    unsigned len = round_left(&w);
    answers(&w, len, 200);
    assert_int_equal(tm_window_size(&w), size + len);
    /* A round whose answers all come with 40 waiting (between the two
     * bounds): growth slows to a quarter from its TM_WINDOW_ROUND_MIN-th
     * answer on ... */
    long long slow = rtt_for(&w, 40);
    answers(&w, TM_WINDOW_ROUND_MIN - 1, slow);
    assert_int_equal(w.phase, TM_WINDOW_SLOW_START);
    tm_window_on_answer(&w, slow);
    assert_int_equal(w.phase, TM_WINDOW_CONSERVATIVE);
    assert_int_equal(w.css_baseline_us, slow);
    size = tm_window_size(&w);
    answers(&w, 40, slow);
    assert_int_equal(tm_window_size(&w), size + 10);
    /* ... and a round as fast as ever shows it was the tool, not the path:
     * doubling again. */
    answers(&w, round_left(&w), slow);
    answers(&w, TM_WINDOW_ROUND_MIN, 200);
    assert_int_equal(w.phase, TM_WINDOW_SLOW_START);
    /* At a steady round trip the quarter growth raises the estimate past
     * the second bound within a few rounds: one a round trip from then. */
    for (unsigned r = 0; r < TM_WINDOW_CSS_ROUNDS && w.phase != TM_WINDOW_AVOIDANCE; r++)
        answers(&w, round_left(&w), slow);
    assert_int_equal(w.phase, TM_WINDOW_AVOIDANCE);
    /* Rounds that stay as slow as the one that stopped doubling, the
     * window held at its cap (200): TM_WINDOW_CSS_ROUNDS of them, then one
     * a round trip for good. */
    tm_window_init(&w, 200);
    answers(&w, 100, 200);
    assert_int_equal(tm_window_size(&w), 200);
    answers(&w, round_left(&w), 200);
    slow = rtt_for(&w, 40);
    answers(&w, round_left(&w), slow);
    assert_int_equal(w.phase, TM_WINDOW_CONSERVATIVE);
    for (unsigned r = 1; r < TM_WINDOW_CSS_ROUNDS; r++) {
        answers(&w, round_left(&w), slow);
        assert_int_equal(w.phase, TM_WINDOW_CONSERVATIVE);
    }
    answers(&w, round_left(&w), slow);
    assert_int_equal(w.phase, TM_WINDOW_AVOIDANCE);
    assert_int_equal(tm_window_size(&w), 200);
    /* There each answer counts, as in TCP Vegas: prompt ones add one a
     * round, ones between the bounds hold it, ones past the second shrink
     * it by one a round (the cap lifted). */
    w.cap = 4096;
    size = tm_window_size(&w);
    answers(&w, size, 200);
    assert_true(w.size > size + 0.99 && w.size < size + 1.01);
    double before = w.size;
    answers(&w, size, rtt_for(&w, 48));
    assert_true(w.size == before);
    answers(&w, size, rtt_for(&w, 100));
    assert_true(w.size < before - 0.99 && w.size > before - 1.01);
    /* A queue past the second bound while doubling ends it at once. */
    tm_window_init(&w, 4096);
    answers(&w, TM_WINDOW_ROUND_MIN, 20000); /* a 20 ms path */
    answers(&w, round_left(&w), 21000);
    assert_int_equal(w.phase, TM_WINDOW_SLOW_START);
    answers(&w, TM_WINDOW_ROUND_MIN, 40000);
    assert_int_equal(w.phase, TM_WINDOW_AVOIDANCE);
    /* A lower round trip lowers the reference. */
    tm_window_on_answer(&w, 10000);
    assert_int_equal(w.base_rtt_us, 10000);
    /* It shrinks until the estimate is back in bounds: with answers 1000
     * times slower than the fastest, where TM_WINDOW_QUEUED_MAX wait. */
    tm_window_init(&w, 512);
    tm_window_on_answer(&w, 100);
    answers(&w, 100000, 100000);
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
