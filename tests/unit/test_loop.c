/* test_loop.c - the one poll() of the event loop (src/lib/resolve/loop.c):
 * every source's descriptors in one array, handed back in their order, a
 * source that needs more room than there is, and sources that leave or
 * arrive while the loop hands out what poll() saw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include "resolve/loop.h"

typedef struct src src_t;
struct src {
    tm_loop_t *loop;
    tm_poll_source_t ps;
    int fds[2];
    size_t nfds;         /* descriptors it watches (all its read end) */
    long long due;       /* -1: none */
    unsigned handled, ready;
    src_t *detach_other; /* detached from inside its handle */
    const tm_poll_source_t *attach_new;
    bool detach_self;
};

static size_t watch(void *self, struct pollfd *pfd, size_t max, long long *due)
{
    src_t *s = self;
    for (size_t i = 0; i < s->nfds && i < max; i++)
        pfd[i] = (struct pollfd){.fd = s->fds[0], .events = POLLIN};
    if (s->due >= 0 && (*due < 0 || s->due < *due))
        *due = s->due;
    return s->nfds;
}

static void handle(void *self, const struct pollfd *pfd, size_t n, long long now)
{
    src_t *s = self;
    (void)now;
    assert_int_equal(n, s->nfds);
    s->handled++;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(pfd[i].fd, s->fds[0]);
        s->ready += (pfd[i].revents & POLLIN) != 0;
    }
    if (s->detach_other)
        tm_loop_detach(s->loop, &s->detach_other->ps);
    if (s->attach_new)
        assert_int_equal(tm_loop_attach(s->loop, s->attach_new), TM_OK);
    if (s->detach_self)
        tm_loop_detach(s->loop, &s->ps);
}

static void src_init(src_t *s, tm_loop_t *loop, size_t nfds)
{
    memset(s, 0, sizeof *s);
    s->loop = loop;
    s->nfds = nfds;
    s->due = -1;
    assert_int_equal(pipe(s->fds), 0);
    s->ps = (tm_poll_source_t){watch, handle, s};
}

static void src_clear(src_t *s)
{
    close(s->fds[0]);
    close(s->fds[1]);
}

static void test_one_poll_for_all(void **state)
{
    (void)state;
    tm_loop_t loop;
    tm_loop_init(&loop);
    src_t a, b, first;
    src_init(&a, &loop, 1);
    src_init(&b, &loop, 200); /* more than the first array holds */
    src_init(&first, &loop, 2);
    assert_int_equal(tm_loop_attach(&loop, &a.ps), TM_OK);
    assert_int_equal(tm_loop_attach(&loop, &b.ps), TM_OK);
    assert_int_equal(tm_loop_count(&loop), 2);
    assert_int_equal(write(b.fds[1], "x", 1), 1);
    assert_int_equal(tm_loop_wait(&loop, &first.ps, 1000), TM_OK);
    assert_int_equal(first.handled, 1);
    assert_int_equal(a.handled, 1);
    assert_int_equal(b.handled, 1);
    assert_int_equal(a.ready, 0);
    assert_int_equal(b.ready, 200);
    /* Nothing ready, a source's deadline ends the wait; all are told. */
    char c;
    assert_int_equal(read(b.fds[0], &c, 1), 1);
    a.due = tm_monotonic_ms() + 10;
    assert_int_equal(tm_loop_wait(&loop, NULL, -1), TM_OK);
    assert_int_equal(first.handled, 1);
    assert_int_equal(a.handled, 2);
    assert_int_equal(b.handled, 2);
    src_clear(&a);
    src_clear(&b);
    src_clear(&first);
    tm_loop_clear(&loop);
}

static void test_leave_and_arrive_while_handing_out(void **state)
{
    (void)state;
    tm_loop_t loop;
    tm_loop_init(&loop);
    src_t a, b, c;
    src_init(&a, &loop, 1);
    src_init(&b, &loop, 1);
    src_init(&c, &loop, 1);
    a.detach_other = &b;  /* b, later in the order, is not called */
    a.attach_new = &c.ps; /* c waits for the next round */
    a.detach_self = true;
    assert_int_equal(tm_loop_attach(&loop, &a.ps), TM_OK);
    assert_int_equal(tm_loop_attach(&loop, &b.ps), TM_OK);
    assert_int_equal(tm_loop_wait(&loop, NULL, 0), TM_OK);
    assert_int_equal(a.handled, 1);
    assert_int_equal(b.handled, 0);
    assert_int_equal(c.handled, 0);
    assert_int_equal(tm_loop_count(&loop), 1);
    assert_int_equal(tm_loop_wait(&loop, NULL, 0), TM_OK);
    assert_int_equal(a.handled, 1);
    assert_int_equal(c.handled, 1);
    tm_loop_detach(&loop, &c.ps);
    tm_loop_detach(&loop, &c.ps);
    assert_int_equal(tm_loop_count(&loop), 0);
    assert_int_equal(tm_loop_attach(&loop, NULL), TM_EINVAL);
    src_clear(&a);
    src_clear(&b);
    src_clear(&c);
    tm_loop_clear(&loop);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    tm_loop_t loop;
    tm_loop_init(&loop);
    src_t a;
    src_init(&a, &loop, 100);
    tm_alloc_fail_after(1);
    assert_int_equal(tm_loop_attach(&loop, &a.ps), TM_ENOMEM);
    tm_alloc_fail_after(0);
    assert_int_equal(tm_loop_attach(&loop, &a.ps), TM_OK);
    tm_alloc_fail_after(1);
    assert_int_equal(tm_loop_wait(&loop, NULL, 0), TM_ENOMEM);
    tm_alloc_fail_after(0);
    assert_int_equal(a.handled, 0);
    assert_int_equal(tm_loop_wait(&loop, NULL, 0), TM_OK);
    assert_int_equal(a.handled, 1);
    src_clear(&a);
    tm_loop_clear(&loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_poll_for_all),
        cmocka_unit_test(test_leave_and_arrive_while_handing_out),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
