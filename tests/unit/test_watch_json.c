/* test_watch_json.c - the events of `watch --format jsonl`
 * (src/lib/report/watch_json.c): one compact object a line, the fields of
 * docs/watch.md, DNS data escaped, nothing for polls and ticks, and the
 * local time with its offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "watch_fixture.h"
#include "tmems/tm_watch_json.h"

static tm_watch_snapshot_t g_snap;
static tm_watch_expect_t g_expect = {.mx = {WX_OLD_MX}, .nmx = 1};

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Tokyo", 1);
    tzset();
    memset(&g_snap, 0, sizeof g_snap);
    g_snap.domain = g_snap.display = WX_DOMAIN;
    snprintf(g_snap.apex, sizeof g_snap.apex, "%s", WX_DOMAIN);
    g_snap.count = 2;
    g_snap.nauth = 1;
    g_snap.expect = &g_expect;
    g_snap.expect_given = true;
    g_snap.interval_ms = 10000;
    g_snap.deadline_ms = 3600000;
    tm_watch_server_t *s = &g_snap.servers[0];
    s->role = TM_WATCH_AUTHORITATIVE;
    snprintf(s->host, sizeof s->host, "ns1.acme.example");
    snprintf(s->address, sizeof s->address, "192.0.2.53");
    s->state = TM_WATCH_OTHER;
    s->mx = wx_mx1(300, "evil\x1b[2j.example");
    s->txt = wx_txt2(WX_TOKEN, WX_SPF);
    s->facts.answered = true;
    s->facts.serial_known = true;
    s->facts.serial = 2024090102;
    s->facts.mname = "ns1.acme.example";
    s->reason = "MX 10 x; expected " WX_OLD_MX;
    s->check_id = "mx.tmems";
    s->verdict = TM_VERDICT_NOT_READY;
    s->why = TM_WATCH_WHY_STALE_SECONDARY;
    g_snap.servers[1].role = TM_WATCH_RESOLVER;
    g_snap.servers[1].state = TM_WATCH_PENDING;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tm_answer_unref(g_snap.servers[0].mx);
    tm_answer_unref(g_snap.servers[0].txt);
    return 0;
}

static cJSON *render(tm_watch_event_kind_t kind)
{
    tm_watch_event_t ev = {kind, 0, TM_WATCH_OLD, 1796480072117LL, &g_snap};
    tm_buf_t buf;
    tm_buf_init(&buf);
    assert_int_equal(tm_watch_event_json(&ev, &buf), TM_OK);
    if (kind == TM_WATCH_EV_POLL || kind == TM_WATCH_EV_TICK) {
        assert_int_equal(buf.len, 0);
        tm_buf_clear(&buf);
        return NULL;
    }
    /* one line, ending in a newline, no raw control byte */
    assert_true(buf.len > 2);
    assert_int_equal(buf.data[buf.len - 1], '\n');
    assert_null(memchr(buf.data, '\n', buf.len - 1));
    assert_null(memchr(buf.data, '\x1b', buf.len));
    cJSON *o = cJSON_Parse(buf.data);
    tm_buf_clear(&buf);
    assert_non_null(o);
    assert_int_equal(cJSON_GetObjectItem(o, "schema")->valuedouble, 1);
    assert_string_equal(cJSON_GetObjectItem(o, "time")->valuestring, "2026-12-05T23:14:32+09:00");
    return o;
}

static void test_change(void **state)
{
    (void)state;
    cJSON *o = render(TM_WATCH_EV_CHANGE);
    assert_string_equal(cJSON_GetObjectItem(o, "event")->valuestring, "change");
    assert_string_equal(cJSON_GetObjectItem(o, "role")->valuestring, "authoritative");
    assert_string_equal(cJSON_GetObjectItem(o, "address")->valuestring, "192.0.2.53");
    assert_string_equal(cJSON_GetObjectItem(o, "state")->valuestring, "other");
    assert_string_equal(cJSON_GetObjectItem(o, "previous")->valuestring, "old");
    assert_int_equal(cJSON_GetObjectItem(o, "serial")->valuedouble, 2024090102);
    cJSON *mx = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "mx"), 0);
    assert_string_equal(cJSON_GetObjectItem(mx, "host")->valuestring, "evil\x1b[2j.example");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "spf"), 0)->valuestring, WX_SPF);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "token"), 0)->valuestring,
                        WX_TOKEN);
    assert_string_equal(cJSON_GetObjectItem(o, "check")->valuestring, "mx.tmems");
    assert_string_equal(cJSON_GetObjectItem(o, "verdict")->valuestring, "not_ready");
    cJSON_Delete(o);
}

static void test_start_and_end(void **state)
{
    (void)state;
    cJSON *o = render(TM_WATCH_EV_START);
    assert_string_equal(cJSON_GetObjectItem(o, "zone")->valuestring, WX_DOMAIN);
    cJSON *expect = cJSON_GetObjectItem(o, "expect");
    assert_string_equal(cJSON_GetObjectItem(expect, "mode")->valuestring, "given");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(expect, "mx"), 0)->valuestring,
                        WX_OLD_MX);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "servers")), 2);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(
        cJSON_GetArrayItem(cJSON_GetObjectItem(o, "servers"), 1), "address")));
    assert_string_equal(cJSON_GetObjectItem(o, "until")->valuestring, "auth");
    cJSON_Delete(o);
    g_snap.outcome = TM_WATCH_WRONG;
    g_snap.horizon = (tm_watch_horizon_t){.known = true, .at_ms = 1796480072117LL + 300000,
                                          .ttl_s = 300};
    o = render(TM_WATCH_EV_END);
    assert_string_equal(cJSON_GetObjectItem(o, "outcome")->valuestring, "wrong");
    assert_int_equal(cJSON_GetObjectItem(o, "exit")->valuedouble, 1);
    assert_string_equal(cJSON_GetObjectItem(o, "horizon")->valuestring,
                        "2026-12-05T23:19:32+09:00");
    assert_string_equal(cJSON_GetObjectItem(o, "ttl_source")->valuestring, "observed");
    cJSON *s0 = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "servers"), 0);
    assert_string_equal(cJSON_GetObjectItem(s0, "why")->valuestring, "stale_secondary");
    cJSON_Delete(o);
    o = render(TM_WATCH_EV_HORIZON);
    assert_int_equal(cJSON_GetObjectItem(o, "old_mx_ttl")->valuedouble, 300);
    cJSON_Delete(o);
    g_snap.horizon.known = false;
    o = render(TM_WATCH_EV_HORIZON);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "horizon")));
    cJSON_Delete(o);
}

static void test_quiet_events(void **state)
{
    (void)state;
    assert_null(render(TM_WATCH_EV_POLL));
    assert_null(render(TM_WATCH_EV_TICK));
    tm_buf_t buf;
    tm_buf_init(&buf);
    assert_int_equal(tm_watch_event_json(NULL, &buf), TM_EINVAL);
    char iso[48];
    tm_watch_iso_time(0, iso, sizeof iso);
    assert_string_equal(iso, "1970-01-01T09:00:00+09:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_change),
        cmocka_unit_test(test_start_and_end),
        cmocka_unit_test(test_quiet_events),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
