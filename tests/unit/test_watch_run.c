/* test_watch_run.c - the watch itself (src/lib/run/watch.c) against a
 * scripted server on 127.0.0.1 that is the zone's name server and the
 * resolver at once: it finds the zone and its name server, polls at the
 * interval, tells every change, sees the MX change mid-watch and ends
 * reached with the horizon from the old TTL; at the deadline it names the
 * server that did not change; a silent server is retried and ends as not
 * asked; --until caches waits for the horizon. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dns_responder.h"
#include "tmems/tm_watch_run.h"

typedef struct {
    dr_t *srv;
    int starts, changes, polls, horizons, retries, ticks, ends;
    int flip_after_polls; /* the server changes after this many polls (0: never) */
    int longer_ttl_after_polls; /* from then on the old MX is served with DR_MX_TTL */
    tm_watch_state_t auth_states[16];
    int nauth_states;
} seen_t;

static void on_event(void *arg, const tm_watch_event_t *ev)
{
    seen_t *s = arg;
    assert_non_null(ev->snap);
    switch (ev->kind) {
    case TM_WATCH_EV_START:
        s->starts++;
        assert_string_equal(ev->snap->apex, DR_ZONE);
        break;
    case TM_WATCH_EV_CHANGE:
        s->changes++;
        if (ev->snap->servers[ev->server].role == TM_WATCH_AUTHORITATIVE && s->nauth_states < 16)
            s->auth_states[s->nauth_states++] = ev->snap->servers[ev->server].state;
        break;
    case TM_WATCH_EV_POLL:
        s->polls++;
        if (s->flip_after_polls && s->polls == s->flip_after_polls)
            atomic_store(&s->srv->version, 1);
        if (s->longer_ttl_after_polls && s->polls == s->longer_ttl_after_polls)
            atomic_store(&s->srv->mx_ttl_plus_one, 0);
        break;
    case TM_WATCH_EV_HORIZON: s->horizons++; break;
    case TM_WATCH_EV_RETRY:
        s->retries++;
        assert_non_null(ev->snap->retry_reason);
        break;
    case TM_WATCH_EV_TICK: s->ticks++; break;
    case TM_WATCH_EV_END: s->ends++; break;
    }
}

static tm_rules_t *g_rules;

static int setup(void **state)
{
    (void)state;
    setenv("LANGUAGE", "C", 1);
    setenv("LC_ALL", "C", 1);
    return tm_rules_bundled("jp", &g_rules) == TM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tm_rules_destroy(g_rules);
    return 0;
}

static const tm_watch_snapshot_t *watch(dr_t *srv, seen_t *seen, tm_watch_options_t *o,
                                        tm_watch_t **w, tm_resolver_t **loop, char *server)
{
    static const char *servers[1];
    snprintf(server, 64, "127.0.0.1:%u", srv->port);
    servers[0] = server;
    o->domain = DR_ZONE;
    o->rules = g_rules;
    o->servers = servers;
    o->nservers = 1;
    o->timeout_ms = o->timeout_ms ? o->timeout_ms : 300;
    o->tries = 1;
    o->auth_port = srv->port;
    o->on_event = on_event;
    o->arg = seen;
    seen->srv = srv;
    tm_resolver_options_t ro = {.servers = servers, .nservers = 1};
    char err[256];
    assert_int_equal(tm_resolver_create(&ro, loop, err, sizeof err), TM_OK);
    assert_int_equal(tm_watch_create(o, w), TM_OK);
    assert_int_equal(tm_watch_run(*w, *loop), TM_OK);
    return tm_watch_snapshot(*w);
}

static void test_change_seen_and_reached(void **state)
{
    (void)state;
    dr_t *srv = dr_start();
    seen_t seen = {.flip_after_polls = 2};
    tm_watch_options_t o = {.interval_ms = 100, .deadline_ms = 10000, .tick_ms = 50};
    tm_watch_t *w;
    tm_resolver_t *loop;
    char server[64];
    const tm_watch_snapshot_t *snap = watch(srv, &seen, &o, &w, &loop, server);
    assert_true(snap->ended);
    assert_int_equal(snap->outcome, TM_WATCH_REACHED);
    assert_int_equal(seen.starts, 1);
    assert_int_equal(seen.ends, 1);
    assert_true(seen.polls >= 3);
    assert_true(seen.ticks >= 1);
    assert_int_equal(snap->count, 2);
    assert_int_equal(snap->nauth, 1);
    assert_string_equal(snap->servers[0].host, "ns1." DR_ZONE);
    assert_string_equal(snap->servers[0].address, "127.0.0.1");
    assert_int_equal(snap->servers[1].role, TM_WATCH_RESOLVER);
    /* pending -> old, then old -> ready: one change each */
    assert_int_equal(seen.nauth_states, 2);
    assert_int_equal(seen.auth_states[0], TM_WATCH_OLD);
    assert_int_equal(seen.auth_states[1], TM_WATCH_READY);
    assert_int_equal(snap->servers[0].facts.serial, 2024090102u);
    assert_true(snap->servers[0].has_first);
    assert_string_equal(snap->servers[0].first.mx, "10 " DR_OLD_MX);
    /* the horizon: the old TTL from the first poll */
    assert_true(snap->old_ttl_known);
    assert_int_equal(snap->old_ttl_s, DR_MX_TTL);
    assert_true(snap->horizon.known);
    assert_int_equal(snap->horizon.ttl_s, DR_MX_TTL);
    assert_true(snap->horizon.at_ms >= snap->started_ms + DR_MX_TTL * 1000);
    assert_int_equal(seen.horizons, 1);
    assert_string_equal(snap->company, "acme");
    tm_watch_destroy(w);
    tm_resolver_destroy(loop);
    dr_stop(srv);
}

static void test_deadline_names_the_server(void **state)
{
    (void)state;
    dr_t *srv = dr_start();
    seen_t seen = {0};
    tm_watch_options_t o = {.interval_ms = 100, .deadline_ms = 400};
    tm_watch_t *w;
    tm_resolver_t *loop;
    char server[64];
    const tm_watch_snapshot_t *snap = watch(srv, &seen, &o, &w, &loop, server);
    assert_int_equal(snap->outcome, TM_WATCH_WRONG);
    assert_int_equal(tm_watch_outcome_exit_status(snap->outcome), 1);
    assert_int_equal(snap->servers[0].state, TM_WATCH_OLD);
    assert_int_equal(snap->servers[0].why, TM_WATCH_WHY_UNCHANGED);
    assert_string_equal(snap->servers[0].check_id, "mx.tmems");
    assert_int_equal(seen.ticks, 0);
    /* one change per server, not one per poll */
    assert_int_equal(seen.changes, 2);
    tm_watch_destroy(w);
    tm_resolver_destroy(loop);
    dr_stop(srv);
}

static void test_silent_server_not_asked(void **state)
{
    (void)state;
    dr_t *srv = dr_start();
    atomic_store(&srv->mute, 1);
    seen_t seen = {0};
    tm_watch_options_t o = {.interval_ms = 100, .deadline_ms = 500, .timeout_ms = 100};
    tm_watch_t *w;
    tm_resolver_t *loop;
    char server[64];
    const tm_watch_snapshot_t *snap = watch(srv, &seen, &o, &w, &loop, server);
    assert_int_equal(snap->outcome, TM_WATCH_UNASKED_END);
    assert_int_equal(tm_watch_outcome_exit_status(snap->outcome), 3);
    assert_string_equal(snap->apex, "");
    assert_true(seen.retries >= 1);
    assert_int_equal(seen.starts, 0);
    assert_non_null(strstr(snap->retry_reason, DR_ZONE));
    tm_watch_destroy(w);
    tm_resolver_destroy(loop);
    dr_stop(srv);
}

static void test_until_caches_and_expected(void **state)
{
    (void)state;
    dr_t *srv = dr_start();
    atomic_store(&srv->mx_ttl_plus_one, 1); /* the old MX served with TTL 0 */
    seen_t seen = {.flip_after_polls = 1};
    /* a rollback to the new MX's opposite is the same mechanism: expect
     * the new MX by name; an old TTL of 0 s (given, and served) puts the
     * horizon at the poll that saw every server changed */
    tm_watch_options_t o = {.interval_ms = 100, .deadline_ms = 10000, .until_caches = true,
                            .old_ttl_given = true, .old_ttl_s = 0,
                            .expect = {.mx = {DR_NEW_MX}, .nmx = 1}};
    tm_watch_t *w;
    tm_resolver_t *loop;
    char server[64];
    const tm_watch_snapshot_t *snap = watch(srv, &seen, &o, &w, &loop, server);
    assert_int_equal(snap->outcome, TM_WATCH_REACHED);
    assert_true(snap->expect_given);
    assert_true(snap->horizon.known);
    assert_true(snap->horizon.ttl_given);
    assert_int_equal(snap->servers[1].state, TM_WATCH_READY);
    tm_watch_destroy(w);
    tm_resolver_destroy(loop);
    dr_stop(srv);
}

/* --old-ttl shorter than the TTL the old MX was served with: a cache
 * keeps it for the TTL it got, so the longer one makes the horizon (QA
 * session 5: a horizon 5 s away promised while a resolver held the old MX
 * for 119 s more). */
static void test_given_ttl_cannot_shorten(void **state)
{
    (void)state;
    dr_t *srv = dr_start();
    seen_t seen = {.flip_after_polls = 1};
    /* the deadline leaves room for the polls under valgrind (CI) */
    tm_watch_options_t o = {.interval_ms = 100, .deadline_ms = 3000, .until_caches = true,
                            .old_ttl_given = true, .old_ttl_s = 0,
                            .expect = {.mx = {DR_NEW_MX}, .nmx = 1}};
    tm_watch_t *w;
    tm_resolver_t *loop;
    char server[64];
    const tm_watch_snapshot_t *snap = watch(srv, &seen, &o, &w, &loop, server);
    assert_true(snap->horizon.known);
    assert_int_equal(snap->horizon.ttl_s, DR_MX_TTL);
    assert_false(snap->horizon.ttl_given); /* "observed": what the servers held */
    assert_true(snap->horizon.at_ms >= snap->started_ms + DR_MX_TTL * 1000);
    /* the deadline comes first: not reached, for that reason */
    assert_int_not_equal(snap->outcome, TM_WATCH_REACHED);
    tm_watch_destroy(w);
    tm_resolver_destroy(loop);
    dr_stop(srv);
}

/* The old MX first served with TTL 0, then (another cache of a pool)
 * with DR_MX_TTL: the longer TTL makes the horizon, whenever it is seen. */
static void test_later_longer_ttl_counts(void **state)
{
    (void)state;
    dr_t *srv = dr_start();
    atomic_store(&srv->mx_ttl_plus_one, 1);
    seen_t seen = {.longer_ttl_after_polls = 1, .flip_after_polls = 2};
    tm_watch_options_t o = {.interval_ms = 100, .deadline_ms = 3000, .until_caches = true,
                            .expect = {.mx = {DR_NEW_MX}, .nmx = 1}};
    tm_watch_t *w;
    tm_resolver_t *loop;
    char server[64];
    const tm_watch_snapshot_t *snap = watch(srv, &seen, &o, &w, &loop, server);
    assert_true(snap->old_ttl_known);
    assert_int_equal(snap->old_ttl_s, DR_MX_TTL);
    assert_int_not_equal(snap->outcome, TM_WATCH_REACHED);
    tm_watch_destroy(w);
    tm_resolver_destroy(loop);
    dr_stop(srv);
}

static void test_bad_options(void **state)
{
    (void)state;
    tm_watch_t *w = NULL;
    tm_watch_options_t o = {.domain = DR_ZONE, .rules = g_rules, .interval_ms = 0,
                            .deadline_ms = 1};
    assert_int_equal(tm_watch_create(&o, &w), TM_EINVAL);
    assert_int_equal(tm_watch_create(NULL, &w), TM_EINVAL);
    tm_watch_destroy(NULL);
    assert_null(tm_watch_snapshot(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_change_seen_and_reached),
        cmocka_unit_test(test_deadline_names_the_server),
        cmocka_unit_test(test_silent_server_not_asked),
        cmocka_unit_test(test_until_caches_and_expected),
        cmocka_unit_test(test_given_ttl_cannot_shorten),
        cmocka_unit_test(test_later_longer_ttl_counts),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
