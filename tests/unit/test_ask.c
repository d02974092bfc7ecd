/* test_ask.c - questions asked of one server, fresh, on another resolver's
 * event loop (src/lib/probe/ask.c), against a scripted server on 127.0.0.1:
 * the answers land in order, RD follows norecurse, a second ask is not
 * answered from a cache, a closed port is UNREACHABLE (a transport failure,
 * never an rcode), a resolver that cannot be made still calls done, and an
 * ask destroyed early leaves nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dns_responder.h"
#include "tmems/tm_ask.h"

static int g_done;

static void on_done(void *arg)
{
    (void)arg;
    g_done++;
}

static tm_resolver_t *loop_create(void)
{
    tm_resolver_t *loop = NULL;
    const char *servers[1] = {"127.0.0.1:9"};
    tm_resolver_options_t o = {.servers = servers, .nservers = 1};
    char err[256];
    assert_int_equal(tm_resolver_create(&o, &loop, err, sizeof err), TM_OK);
    return loop;
}

static void server_opts(tm_resolver_options_t *ro, char *buf, size_t len, const char **servers,
                        uint16_t port, bool norecurse)
{
    memset(ro, 0, sizeof(*ro));
    snprintf(buf, len, "127.0.0.1:%u", port);
    servers[0] = buf;
    ro->servers = servers;
    ro->nservers = 1;
    ro->norecurse = norecurse;
    ro->timeout_ms = 300;
    ro->tries = 2;
}

static const tm_ask_question_t questions[3] = {
    {DR_ZONE, TM_RR_SOA}, {DR_ZONE, TM_RR_MX}, {DR_ZONE, TM_RR_TXT}};

static void run_until_done(tm_resolver_t *loop, int want)
{
    for (int i = 0; i < 100 && g_done < want; i++)
        assert_int_equal(tm_resolver_run(loop, -1), TM_OK);
    assert_int_equal(g_done, want);
}

static void test_answers_in_order(void **state)
{
    (void)state;
    dr_t *s = dr_start();
    tm_resolver_t *loop = loop_create();
    tm_resolver_options_t ro;
    char buf[64];
    const char *servers[1];
    server_opts(&ro, buf, sizeof buf, servers, s->port, true);
    tm_ask_t *ask = NULL;
    g_done = 0;
    assert_int_equal(tm_ask_start(loop, &ro, questions, 3, on_done, NULL, &ask), TM_OK);
    assert_false(tm_ask_done(ask));
    assert_null(tm_ask_answer(ask, 0));
    run_until_done(loop, 1);
    assert_true(tm_ask_done(ask));
    assert_int_equal(tm_ask_count(ask), 3);
    const tm_answer_t *soa = tm_ask_answer(ask, 0), *mx = tm_ask_answer(ask, 1);
    assert_int_equal(soa->type, TM_RR_SOA);
    assert_int_equal(soa->rrs[0].u.soa.serial, 2024090101u);
    assert_int_equal(mx->type, TM_RR_MX);
    assert_string_equal(mx->rrs[0].u.mx.host, DR_OLD_MX);
    assert_int_equal(tm_ask_answer(ask, 2)->count, 2);
    assert_null(tm_ask_answer(ask, 3));
    assert_int_equal(atomic_load(&s->rd_set), 0); /* RFC 1035 4.1.1: RD=0 */
    tm_ask_destroy(ask);

    /* A second ask is asked again: the server changed, the answer too. */
    atomic_store(&s->version, 1);
    int before = atomic_load(&s->asked);
    server_opts(&ro, buf, sizeof buf, servers, s->port, false);
    assert_int_equal(tm_ask_start(loop, &ro, questions, 3, on_done, NULL, &ask), TM_OK);
    run_until_done(loop, 2);
    assert_string_equal(tm_ask_answer(ask, 1)->rrs[0].u.mx.host, DR_NEW_MX);
    assert_int_equal(atomic_load(&s->asked) - before, 3);
    assert_int_equal(atomic_load(&s->rd_set), 3);
    tm_ask_destroy(ask);
    tm_resolver_destroy(loop);
    dr_stop(s);
}

static void test_closed_port_is_unreachable(void **state)
{
    (void)state;
    tm_resolver_t *loop = loop_create();
    tm_resolver_options_t ro;
    char buf[64];
    const char *servers[1];
    server_opts(&ro, buf, sizeof buf, servers, dr_closed_port(), true);
    tm_ask_t *ask = NULL;
    g_done = 0;
    assert_int_equal(tm_ask_start(loop, &ro, questions, 3, on_done, NULL, &ask), TM_OK);
    run_until_done(loop, 1);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(tm_ask_answer(ask, i)->outcome, TM_DNS_UNREACHABLE);
    tm_ask_destroy(ask);
    tm_resolver_destroy(loop);
}

static void test_no_resolver_still_done(void **state)
{
    (void)state;
    tm_resolver_t *loop = loop_create();
    const char *servers[1] = {"not an address"};
    tm_resolver_options_t ro = {.servers = servers, .nservers = 1};
    tm_ask_t *ask = NULL;
    g_done = 0;
    assert_int_equal(tm_ask_start(loop, &ro, questions, 2, on_done, NULL, &ask), TM_OK);
    assert_int_equal(g_done, 0); /* never from inside tm_ask_start */
    run_until_done(loop, 1);
    assert_int_equal(tm_ask_answer(ask, 1)->outcome, TM_DNS_UNREACHABLE);
    assert_non_null(tm_ask_answer(ask, 1)->error);
    tm_ask_destroy(ask);
    /* no question at all: done all the same */
    assert_int_equal(tm_ask_start(loop, &ro, NULL, 0, on_done, NULL, &ask), TM_OK);
    run_until_done(loop, 2);
    tm_ask_destroy(ask);
    tm_ask_destroy(NULL);
    assert_int_equal(tm_ask_start(NULL, &ro, NULL, 0, on_done, NULL, &ask), TM_EINVAL);
    tm_resolver_destroy(loop);
}

static void test_destroyed_early(void **state)
{
    (void)state;
    dr_t *s = dr_start();
    atomic_store(&s->mute, 1);
    tm_resolver_t *loop = loop_create();
    tm_resolver_options_t ro;
    char buf[64];
    const char *servers[1];
    server_opts(&ro, buf, sizeof buf, servers, s->port, true);
    tm_ask_t *ask = NULL;
    g_done = 0;
    assert_int_equal(tm_ask_start(loop, &ro, questions, 3, on_done, NULL, &ask), TM_OK);
    assert_int_equal(tm_resolver_run(loop, 50), TM_OK);
    tm_ask_destroy(ask); /* left the loop: nothing more to wait for */
    assert_int_equal(tm_resolver_run(loop, -1), TM_OK);
    assert_int_equal(g_done, 0);
    tm_resolver_destroy(loop);
    dr_stop(s);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    dr_t *s = dr_start();
    tm_resolver_t *loop = loop_create();
    tm_resolver_options_t ro;
    char buf[64];
    const char *servers[1];
    server_opts(&ro, buf, sizeof buf, servers, s->port, true);
    for (unsigned long n = 1; n < 200; n++) {
        tm_ask_t *ask = NULL;
        g_done = 0;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_ask_start(loop, &ro, questions, 3, on_done, NULL, &ask);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            run_until_done(loop, 1);
            tm_ask_destroy(ask);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_null(ask);
    }
    tm_resolver_destroy(loop);
    dr_stop(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers_in_order),
        cmocka_unit_test(test_closed_port_is_unreachable),
        cmocka_unit_test(test_no_resolver_still_done),
        cmocka_unit_test(test_destroyed_early),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
