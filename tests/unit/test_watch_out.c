/* test_watch_out.c - what `tmems-check watch` shows (src/cli/watch_out.c):
 * the table fits the terminal's width, escapes DNS data and names each
 * server; the lines piped are one per change with the state before and
 * after; the end names why a server keeps the watch from its goal; times
 * carry their zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>

#include "tmc_watch.h"
#include "watch_fixture.h"

static tm_watch_snapshot_t g_snap;
static tm_watch_facts_t g_ref = {.answered = true, .serial_known = true, .serial = 2024090102,
                                 .mname = "ns1.acme.example", .mx = "10 " WX_NEW_MX};

static void row(size_t i, tm_watch_role_t role, const char *host, const char *addr,
                tm_watch_state_t state, uint32_t serial, const char *mx)
{
    tm_watch_server_t *s = &g_snap.servers[i];
    memset(s, 0, sizeof *s);
    s->role = role;
    snprintf(s->host, sizeof s->host, "%s", host);
    snprintf(s->address, sizeof s->address, "%s", addr);
    s->state = state;
    s->facts.answered = mx != NULL;
    s->facts.serial_known = serial != 0;
    s->facts.serial = serial;
    s->facts.mname = "ns1.acme.example";
    s->facts.mx = (char *)mx;
}

static int setup(void **state)
{
    (void)state;
    wx_locale();
    setenv("TZ", "Asia/Tokyo", 1);
    tzset();
    memset(&g_snap, 0, sizeof g_snap);
    g_snap.domain = g_snap.display = WX_DOMAIN;
    snprintf(g_snap.apex, sizeof g_snap.apex, "%s", WX_DOMAIN);
    row(0, TM_WATCH_AUTHORITATIVE, "ns1.acme.example", "192.0.2.1", TM_WATCH_READY, 2024090102,
        "10 " WX_NEW_MX);
    row(1, TM_WATCH_AUTHORITATIVE, "ns2.acme.example", "192.0.2.2", TM_WATCH_OLD, 2024090101,
        "10 evil\x1b[2J.example");
    row(2, TM_WATCH_RESOLVER, "", "", TM_WATCH_FAILED, 0, NULL);
    g_snap.count = 3;
    g_snap.nauth = 2;
    g_snap.company = "acme";
    g_snap.started_ms = 1796436872000LL; /* 11:14:32 JST */
    g_snap.elapsed_ms = 62000;
    g_snap.interval_ms = 10000;
    g_snap.deadline_ms = 3600000;
    g_snap.polls = 7;
    g_snap.horizon = (tm_watch_horizon_t){.known = true,
                                          .at_ms = 1796436872000LL + 3600 * 1000,
                                          .ttl_s = 3600};
    g_snap.old_ttl_known = true;
    return 0;
}

static size_t lines_of(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_table(void **state)
{
    (void)state;
    tm_buf_t buf;
    tm_buf_init(&buf);
    assert_int_equal(tmc_watch_table(&g_snap, g_snap.started_ms + 62000, 200, false, &buf),
                     TM_OK);
    const char *t = buf.data;
    assert_non_null(strstr(t, "tmems-check watch acme.example (zone acme.example)\n"));
    assert_non_null(strstr(t, "elapsed 1:02, poll 7 every 10 s, deadline 12:14:32 JST"));
    assert_non_null(strstr(t, "(MX: the TMEmS inbound host of company acme)"));
    assert_non_null(strstr(t, "horizon: every resolver shows the new MX by 12:14:32 JST at the "
                              "latest (old MX TTL 3600 s)"));
    assert_non_null(strstr(t, "SERVER"));
    assert_non_null(strstr(t, "ns1.acme.example 192.0.2.1  2024090102  10 " WX_NEW_MX));
    assert_non_null(strstr(t, "system resolver"));
    assert_null(strchr(t, '\x1b')); /* DNS data escaped, no colour asked */
    assert_non_null(strstr(t, "evil\\x1b[2J.example"));
    assert_int_equal(lines_of(t), 5 + 1 + 3);
    tm_buf_clear(&buf);
    /* no line wider than the terminal: a redraw counts lines */
    assert_int_equal(tmc_watch_table(&g_snap, g_snap.started_ms + 62000, 80, false, &buf), TM_OK);
    t = buf.data;
    for (const char *l = t; *l;) {
        const char *nl = strchr(l, '\n');
        char line[400];
        size_t n = (size_t)(nl - l);
        memcpy(line, l, n);
        line[n] = '\0';
        assert_true(tm_text_width(line) < 80);
        l = nl + 1;
    }
    assert_int_equal(lines_of(t), 5 + 1 + 3);
    tm_buf_clear(&buf);
    /* colour: the state only, and the width still holds */
    assert_int_equal(tmc_watch_table(&g_snap, g_snap.started_ms, 40, true, &buf), TM_OK);
    assert_non_null(strstr(buf.data, "\033[32m"));
    tm_buf_clear(&buf);
}

static char *capture(tmc_watch_mode_t mode, tm_watch_event_kind_t kind, size_t server,
                     tm_watch_state_t previous)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    tmc_watch_out_t o = {.mode = mode, .out = f, .width = 100};
    tm_watch_event_t ev = {kind, server, previous, g_snap.started_ms + 62000, &g_snap};
    tmc_watch_on_event(&o, &ev);
    fclose(f);
    assert_int_equal(o.status, TM_OK);
    return text;
}

static void test_lines(void **state)
{
    (void)state;
    char *t = capture(TMC_WATCH_LINES, TM_WATCH_EV_CHANGE, 0, TM_WATCH_OLD);
    assert_string_equal(t, "11:15:34 JST +1:02  ns1.acme.example 192.0.2.1  old -> ready  serial "
                           "2024090102  MX 10 " WX_NEW_MX "\n");
    free(t);
    t = capture(TMC_WATCH_LINES, TM_WATCH_EV_START, 0, TM_WATCH_PENDING);
    assert_non_null(strstr(t, "watching acme.example (zone acme.example): 2 name-server "
                              "addresses, 1 resolver; a poll every 10 s until 12:14:32 JST\n"));
    free(t);
    t = capture(TMC_WATCH_LINES, TM_WATCH_EV_TICK, 0, TM_WATCH_PENDING);
    assert_string_equal(t, "");
    free(t);
    t = capture(TMC_WATCH_JSONL, TM_WATCH_EV_POLL, 0, TM_WATCH_PENDING);
    assert_string_equal(t, "");
    free(t);
}

static void test_end(void **state)
{
    (void)state;
    g_snap.outcome = TM_WATCH_WRONG;
    g_snap.servers[1].why = TM_WATCH_WHY_STALE_SECONDARY;
    g_snap.servers[2].why = TM_WATCH_WHY_UNASKED;
    g_snap.servers[2].reason = "UNREACHABLE: connection refused";
    char *t = capture(TMC_WATCH_LINES, TM_WATCH_EV_END, 0, TM_WATCH_PENDING);
    assert_non_null(strstr(t, "not reached by the deadline: a server still serves a wrong state "
                              "(7 polls, 1:02)"));
    assert_non_null(strstr(t, "ns2.acme.example 192.0.2.2 still serves the old state: a stale "
                              "secondary (serial 2024090101, the name servers that changed have "
                              "2024090102)"));
    assert_non_null(strstr(t, "system resolver could not be asked: UNREACHABLE: connection "
                              "refused"));
    free(t);
    g_snap.servers[1].why = TM_WATCH_WHY_OTHER_PROVIDER;
    g_snap.servers[1].facts.mname = "ns.oldhost.example";
    t = capture(TMC_WATCH_LINES, TM_WATCH_EV_END, 0, TM_WATCH_PENDING);
    assert_non_null(strstr(t, "its SOA names the primary ns.oldhost.example, not "
                              "ns1.acme.example: a forgotten provider"));
    free(t);
    /* the table's end: the table once more, then the summary */
    t = capture(TMC_WATCH_TABLE, TM_WATCH_EV_END, 0, TM_WATCH_PENDING);
    assert_non_null(strstr(t, "SERVER"));
    assert_non_null(strstr(t, "forgotten provider"));
    free(t);
    (void)g_ref;
}

static void test_clock(void **state)
{
    (void)state;
    char buf[64];
    tmc_watch_clock(1796480072000LL, 1796480072000LL, buf, sizeof buf);
    assert_string_equal(buf, "23:14:32 JST");
    tmc_watch_clock(1796480072000LL + 86400000LL, 1796480072000LL, buf, sizeof buf);
    assert_string_equal(buf, "2026-12-06 23:14:32 JST");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_end),
        cmocka_unit_test(test_clock),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
