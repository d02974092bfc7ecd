/* watch_out.c - what `tmems-check watch` shows (docs/watch.md "Output"):
 * on a terminal a table, one row per server, redrawn in place with the
 * elapsed time and the horizon; piped, one line per change; with --format
 * jsonl, one JSON event per change (src/lib/report/watch_json.c).
 *
 * Every byte that came from DNS goes through the one escaping policy
 * (tm_text_escape; a reason, which quotes DNS data already, through
 * tm_text_neutralize) before it reaches the terminal. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tmc_watch.h"
#include "tmems/tm_watch_json.h"
#include "tmems/tm_i18n.h"

#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RED "\033[31m"
#define DIM "\033[2m"
#define RESET "\033[0m"

/* ---- words ------------------------------------------------------------------- */

static const char *state_word(tm_watch_state_t s, bool expect_given)
{
    switch (s) {
    case TM_WATCH_READY: return expect_given ? _("as expected") : _("ready");
    case TM_WATCH_OLD: return _("old");
    case TM_WATCH_OTHER: return _("other");
    case TM_WATCH_FAILED: return _("no answer");
    default: return _("waiting");
    }
}

static const char *state_color(tm_watch_state_t s)
{
    switch (s) {
    case TM_WATCH_READY: return GREEN;
    case TM_WATCH_OLD: return YELLOW;
    case TM_WATCH_OTHER:
    case TM_WATCH_FAILED: return RED;
    default: return DIM;
    }
}

/* Escaped DNS text into buf. */
static tm_status_t put_dns(tm_buf_t *buf, const char *s)
{
    return tm_text_escape(buf, s, strlen(s));
}

static tm_status_t put_label(tm_buf_t *buf, const tm_watch_server_t *s)
{
    tm_status_t st = TM_OK;
    if (s->role == TM_WATCH_AUTHORITATIVE) {
        st = put_dns(buf, s->host);
        if (st == TM_OK && s->address[0])
            st = tm_buf_printf(buf, " %s", s->address);
        return st;
    }
    if (!s->address[0])
        return tm_buf_puts(buf, _("system resolver"));
    if (strncmp(s->address, "http", 4) == 0) {
        st = tm_buf_printf(buf, "%s ", _("DoH"));
        return st == TM_OK ? put_dns(buf, s->address) : st;
    }
    return tm_buf_printf(buf, _("resolver %s"), s->address);
}

static tm_status_t put_mx(tm_buf_t *buf, const tm_watch_server_t *s)
{
    if (!s->facts.answered || !s->facts.mx)
        return tm_buf_puts(buf, "-");
    if (!s->facts.mx[0])
        return tm_buf_puts(buf, _("(no MX)"));
    return put_dns(buf, s->facts.mx);
}

static tm_status_t put_serial(tm_buf_t *buf, const tm_watch_server_t *s)
{
    if (!s->facts.serial_known)
        return tm_buf_puts(buf, "-");
    return tm_buf_printf(buf, "%u", s->facts.serial);
}

void tmc_watch_clock(int64_t wall_ms, int64_t now_ms, char *buf, size_t len)
{
    time_t t = (time_t)(wall_ms / 1000), now = (time_t)(now_ms / 1000);
    struct tm at, today;
    if (!localtime_r(&t, &at) || !localtime_r(&now, &today)) {
        snprintf(buf, len, "?");
        return;
    }
    bool same_day = at.tm_year == today.tm_year && at.tm_yday == today.tm_yday;
    /* The zone is printed: the reader may be in another one than the
     * machine (TZ=Asia/Tokyo gives JST). */
    if (strftime(buf, len, same_day ? "%H:%M:%S %Z" : "%Y-%m-%d %H:%M:%S %Z", &at) == 0)
        snprintf(buf, len, "?");
}

static void put_elapsed(char *buf, size_t len, long long ms)
{
    long long s = ms / 1000;
    if (s >= 3600)
        snprintf(buf, len, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "%lld:%02lld", s / 60, s % 60);
}

static size_t auth_count(const tm_watch_snapshot_t *snap)
{
    return snap->nauth;
}

/* "what is expected" in one line. */
static tm_status_t put_expected(tm_buf_t *buf, const tm_watch_snapshot_t *snap)
{
    tm_status_t st;
    if (!snap->expect_given) {
        if (snap->company)
            return tm_buf_printf(buf, _("expected: what the checks want after the cutover (MX: "
                                        "the TMEmS inbound host of company %s)"),
                                 snap->company);
        return tm_buf_puts(buf, _("expected: what the checks want after the cutover (MX: the "
                                  "company's TMEmS inbound host)"));
    }
    st = tm_buf_puts(buf, _("expected:"));
    if (st == TM_OK && snap->expect->nmx > 0) {
        st = tm_buf_printf(buf, " %s ", _("MX"));
        for (size_t i = 0; i < snap->expect->nmx && st == TM_OK; i++) {
            if (i)
                st = tm_buf_puts(buf, ", ");
            if (st == TM_OK)
                st = put_dns(buf, snap->expect->mx[i]);
        }
    }
    if (st == TM_OK && snap->expect->spf) {
        st = tm_buf_printf(buf, "%s %s ", snap->expect->nmx ? ";" : "", _("SPF"));
        if (st == TM_OK)
            st = put_dns(buf, snap->expect->spf);
    }
    return st;
}

static tm_status_t put_horizon(tm_buf_t *buf, const tm_watch_snapshot_t *snap, int64_t now)
{
    const tm_watch_horizon_t *h = &snap->horizon;
    char when[64];
    if (h->known) {
        tmc_watch_clock(h->at_ms, now, when, sizeof(when));
        return tm_buf_printf(buf,
                             now >= h->at_ms
                                 ? _("horizon: %s has passed: every resolver shows the new MX "
                                     "(old MX TTL %u s)")
                                 : _("horizon: every resolver shows the new MX by %s at the latest "
                                     "(old MX TTL %u s)"),
                             when, h->ttl_s);
    }
    if (!snap->old_ttl_known && snap->polls > 0)
        return tm_buf_puts(buf, _("horizon: unknown: no old MX TTL was seen (give --old-ttl)"));
    return tm_buf_puts(buf, _("horizon: once every name server serves the expected state"));
}

/* ---- lines (piped) ------------------------------------------------------------ */

static tm_status_t put_stamp(tm_buf_t *buf, const tm_watch_event_t *ev)
{
    char when[64], elapsed[32];
    tmc_watch_clock(ev->wall_ms, ev->wall_ms, when, sizeof(when));
    put_elapsed(elapsed, sizeof(elapsed), ev->snap->elapsed_ms);
    return tm_buf_printf(buf, "%s +%s  ", when, elapsed);
}

static tm_status_t put_state(tm_buf_t *buf, tm_watch_state_t state, bool expect_given, bool color)
{
    if (!color)
        return tm_buf_puts(buf, state_word(state, expect_given));
    return tm_buf_printf(buf, "%s%s%s", state_color(state), state_word(state, expect_given), RESET);
}

static tm_status_t line_start(tm_buf_t *buf, const tm_watch_snapshot_t *snap, int64_t now)
{
    char until[64];
    tmc_watch_clock(snap->started_ms + snap->deadline_ms, now, until, sizeof(until));
    size_t nauth = auth_count(snap), nres = snap->count - nauth;
    tm_status_t st = tm_buf_printf(buf, _("watching %s (zone %s): "), snap->display, snap->apex);
    if (st == TM_OK)
        st = tm_buf_printf(buf,
                           dngettext(TM_TEXTDOMAIN, "%zu name-server address", "%zu name-server addresses",
                                     nauth),
                           nauth);
    if (st == TM_OK)
        st = tm_buf_puts(buf, ", ");
    if (st == TM_OK)
        st = tm_buf_printf(buf, dngettext(TM_TEXTDOMAIN, "%zu resolver", "%zu resolvers", nres),
                           nres);
    if (st == TM_OK)
        st = tm_buf_printf(buf, _("; a poll every %u s until %s"), snap->interval_ms / 1000,
                           until);
    if (st == TM_OK && snap->truncated)
        st = tm_buf_printf(buf,
                           dngettext(TM_TEXTDOMAIN, " (only the first %d server)",
                                     " (only the first %d servers)", TM_WATCH_MAX_SERVERS),
                           TM_WATCH_MAX_SERVERS);
    if (st == TM_OK)
        st = tm_buf_putc(buf, '\n');
    if (st == TM_OK)
        st = put_expected(buf, snap);
    return st == TM_OK ? tm_buf_putc(buf, '\n') : st;
}

static tm_status_t line_change(tm_buf_t *buf, const tm_watch_event_t *ev, bool color)
{
    const tm_watch_server_t *s = &ev->snap->servers[ev->server];
    bool given = ev->snap->expect_given;
    tm_status_t st = put_stamp(buf, ev);
    if (st == TM_OK)
        st = put_label(buf, s);
    if (st == TM_OK)
        st = tm_buf_puts(buf, "  ");
    if (st == TM_OK && ev->previous != TM_WATCH_PENDING && ev->previous != s->state) {
        st = put_state(buf, ev->previous, given, color);
        if (st == TM_OK)
            st = tm_buf_puts(buf, " -> ");
    }
    if (st == TM_OK)
        st = put_state(buf, s->state, given, color);
    if (st == TM_OK && s->facts.answered) {
        st = tm_buf_printf(buf, "  %s ", _("serial"));
        if (st == TM_OK)
            st = put_serial(buf, s);
        if (st == TM_OK)
            st = tm_buf_printf(buf, "  %s ", _("MX"));
        if (st == TM_OK)
            st = put_mx(buf, s);
    }
    if (st == TM_OK && s->reason && s->state != TM_WATCH_READY) {
        st = tm_buf_puts(buf, "  (");
        if (st == TM_OK)
            st = tm_text_neutralize(buf, s->reason, strlen(s->reason));
        if (st == TM_OK)
            st = tm_buf_putc(buf, ')');
    }
    return st == TM_OK ? tm_buf_putc(buf, '\n') : st;
}

/* The facts of the name servers that changed (for the messages at the end). */
static const tm_watch_facts_t *reference(const tm_watch_snapshot_t *snap)
{
    for (size_t i = 0; i < snap->nauth; i++) {
        if (snap->servers[i].state == TM_WATCH_READY && snap->servers[i].facts.answered)
            return &snap->servers[i].facts;
    }
    return NULL;
}

static tm_status_t line_why(tm_buf_t *buf, const tm_watch_snapshot_t *snap,
                            const tm_watch_server_t *s, int64_t now)
{
    const tm_watch_facts_t *ref = reference(snap);
    tm_buf_t label;
    tm_buf_init(&label);
    tm_status_t st = put_label(&label, s);
    char *who = st == TM_OK ? tm_buf_take(&label) : NULL;
    tm_buf_clear(&label);
    if (!who)
        return TM_ENOMEM;
    char when[64] = "";
    if (snap->horizon.known)
        tmc_watch_clock(snap->horizon.at_ms, now, when, sizeof(when));
    st = tm_buf_puts(buf, "  ");
    switch (s->why) {
    case TM_WATCH_WHY_STALE_SECONDARY:
        st = tm_buf_printf(buf,
                           _("%s still serves the old state: a stale secondary (serial %u, the "
                             "name servers that changed have %u): it has not transferred the "
                             "change; check NOTIFY and zone transfers from the primary, or "
                             "refresh the zone there"),
                           who, s->facts.serial, ref ? ref->serial : 0);
        break;
    case TM_WATCH_WHY_OTHER_PROVIDER:
        st = tm_buf_printf(buf,
                           _("%s serves a copy of the zone that is not updated: its SOA names "
                             "the primary %s, not %s: a forgotten provider; change the records "
                             "there, or remove its NS record from the zone and the delegation"),
                           who, s->facts.mname ? s->facts.mname : "?",
                           ref && ref->mname ? ref->mname : "?");
        break;
    case TM_WATCH_WHY_SAME_SERIAL:
        st = tm_buf_printf(buf,
                           _("%s serves other records with the same serial %u: the serial was "
                             "not increased, so the secondaries do not transfer the change "
                             "(RFC 1982); increase it on the primary"),
                           who, s->facts.serial);
        break;
    case TM_WATCH_WHY_UNCHANGED:
        st = tm_buf_printf(buf,
                           _("%s does not serve the expected state, and no name server does: "
                             "the change is not in the zone"),
                           who);
        break;
    case TM_WATCH_WHY_UNASKED:
        st = tm_buf_printf(buf, _("%s could not be asked: "), who);
        if (st == TM_OK)
            st = tm_text_neutralize(buf, s->reason ? s->reason : "?",
                                    strlen(s->reason ? s->reason : "?"));
        break;
    case TM_WATCH_WHY_CACHE_STALE:
        st = tm_buf_printf(buf,
                           _("%s still serves another state after the horizon %s: it keeps "
                             "records longer than their TTL"),
                           who, when);
        break;
    case TM_WATCH_WHY_BEFORE_HORIZON:
        st = snap->horizon.known
                 ? tm_buf_printf(buf,
                                 _("%s: the deadline came before the horizon %s: caches may "
                                   "still hand out the old MX"),
                                 who, when)
                 : tm_buf_printf(buf,
                                 _("%s: the horizon is not known (give --old-ttl): caches may "
                                   "still hand out the old MX"),
                                 who);
        break;
    default: break;
    }
    if (st == TM_OK && s->why != TM_WATCH_WHY_UNASKED && s->reason && s->state != TM_WATCH_READY) {
        st = tm_buf_puts(buf, " (");
        if (st == TM_OK)
            st = tm_text_neutralize(buf, s->reason, strlen(s->reason));
        if (st == TM_OK)
            st = tm_buf_putc(buf, ')');
    }
    tm_free(who);
    return st == TM_OK ? tm_buf_putc(buf, '\n') : st;
}

static tm_status_t line_end(tm_buf_t *buf, const tm_watch_event_t *ev)
{
    const tm_watch_snapshot_t *snap = ev->snap;
    char elapsed[32];
    put_elapsed(elapsed, sizeof(elapsed), snap->elapsed_ms);
    tm_status_t st = put_stamp(buf, ev);
    if (st != TM_OK)
        return st;
    switch (snap->outcome) {
    case TM_WATCH_REACHED:
        st = tm_buf_puts(buf, snap->until_caches
                                  ? _("reached: every name server serves the expected state and "
                                      "the cache horizon has passed")
                                  : _("reached: every name server serves the expected state"));
        break;
    case TM_WATCH_WRONG: {
        /* Every server right, only the horizon missing: say that, not
         * "a wrong state" (QA session 5). */
        bool wrong_state = false;
        for (size_t i = 0; i < snap->count; i++)
            wrong_state |= snap->servers[i].why != TM_WATCH_WHY_NONE &&
                           snap->servers[i].why != TM_WATCH_WHY_BEFORE_HORIZON;
        st = tm_buf_puts(buf, wrong_state
                                  ? _("not reached by the deadline: a server still serves a wrong "
                                      "state")
                                  : snap->horizon.known
                                        ? _("not reached by the deadline: every server serves the "
                                            "expected state, but the cache horizon comes later")
                                        : _("not reached by the deadline: every server serves the "
                                            "expected state, but the cache horizon is unknown "
                                            "(give --old-ttl)"));
        break;
    }
    default:
        st = tm_buf_puts(buf, snap->apex[0] ? _("not reached by the deadline: servers could not "
                                                "be asked")
                                            : _("not reached by the deadline: the zone and its "
                                                "name servers could not be found"));
        break;
    }
    if (st == TM_OK)
        st = tm_buf_printf(buf, dngettext(TM_TEXTDOMAIN, " (%u poll, %s)", " (%u polls, %s)",
                                          snap->polls),
                           snap->polls, elapsed);
    if (st == TM_OK)
        st = tm_buf_putc(buf, '\n');
    for (size_t i = 0; i < snap->count && st == TM_OK; i++) {
        if (snap->servers[i].why != TM_WATCH_WHY_NONE)
            st = line_why(buf, snap, &snap->servers[i], ev->wall_ms);
    }
    if (st == TM_OK && !snap->apex[0] && snap->retry_reason) {
        st = tm_buf_puts(buf, "  ");
        if (st == TM_OK)
            st = tm_text_neutralize(buf, snap->retry_reason, strlen(snap->retry_reason));
        if (st == TM_OK)
            st = tm_buf_putc(buf, '\n');
    }
    if (st == TM_OK && snap->apex[0]) {
        st = tm_buf_puts(buf, "  ");
        if (st == TM_OK)
            st = put_horizon(buf, snap, ev->wall_ms);
        if (st == TM_OK)
            st = tm_buf_putc(buf, '\n');
    }
    return st;
}

static tm_status_t render_line(tm_buf_t *buf, const tm_watch_event_t *ev, bool color)
{
    tm_status_t st = TM_OK;
    switch (ev->kind) {
    case TM_WATCH_EV_START: return line_start(buf, ev->snap, ev->wall_ms);
    case TM_WATCH_EV_CHANGE: return line_change(buf, ev, color);
    case TM_WATCH_EV_HORIZON:
        st = put_stamp(buf, ev);
        if (st == TM_OK)
            st = put_horizon(buf, ev->snap, ev->wall_ms);
        return st == TM_OK ? tm_buf_putc(buf, '\n') : st;
    case TM_WATCH_EV_RETRY:
        st = put_stamp(buf, ev);
        if (st == TM_OK)
            st = tm_buf_printf(buf, "%s ", _("retrying:"));
        if (st == TM_OK && ev->snap->retry_reason)
            st = tm_text_neutralize(buf, ev->snap->retry_reason, strlen(ev->snap->retry_reason));
        return st == TM_OK ? tm_buf_putc(buf, '\n') : st;
    case TM_WATCH_EV_END: return line_end(buf, ev);
    default: return TM_OK;
    }
}

/* ---- the table (a terminal) ------------------------------------------------- */

/* Appends text cut to at most cells columns, then spaces up to pad
 * columns (0: no padding). */
static tm_status_t put_cell(tm_buf_t *buf, const char *text, size_t cells, size_t pad)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t len = strlen(text), i = 0, used = 0;
    tm_status_t st = TM_OK;
    bool cut = tm_text_width(text) > cells;
    size_t room = cut && cells > 0 ? cells - 1 : cells; /* one cell for the ellipsis */
    while (i < len && st == TM_OK) {
        uint32_t cp;
        size_t n = tm_utf8_decode(p + i, len - i, &cp);
        if (n == 0)
            n = 1;
        char one[8];
        memcpy(one, text + i, n);
        one[n] = '\0';
        size_t w = tm_text_width(one);
        if (used + w > room)
            break;
        st = tm_buf_append(buf, text + i, n);
        used += w;
        i += n;
    }
    if (st == TM_OK && cut && cells > 0) {
        st = tm_buf_puts(buf, "\xe2\x80\xa6"); /* U+2026 */
        used++;
    }
    while (st == TM_OK && used < pad) {
        st = tm_buf_putc(buf, ' ');
        used++;
    }
    return st;
}

/* One line of the table from prepared text, cut to the width. */
static tm_status_t put_line(tm_buf_t *buf, const char *text, unsigned width)
{
    tm_status_t st = put_cell(buf, text, width > 1 ? width - 1 : width, 0);
    return st == TM_OK ? tm_buf_putc(buf, '\n') : st;
}

static char *take_text(tm_buf_t *b, tm_status_t *st)
{
    char *s = *st == TM_OK ? tm_buf_take(b) : NULL;
    if (*st == TM_OK && !s)
        *st = TM_ENOMEM;
    tm_buf_clear(b);
    return s;
}

tm_status_t tmc_watch_table(const tm_watch_snapshot_t *snap, int64_t now_ms, unsigned width,
                            bool color, tm_buf_t *buf)
{
    tm_buf_t tmp;
    tm_buf_init(&tmp);
    char elapsed[32], deadline[64];
    put_elapsed(elapsed, sizeof(elapsed), snap->elapsed_ms);
    tmc_watch_clock(snap->started_ms + snap->deadline_ms, now_ms, deadline, sizeof(deadline));
    tm_status_t st = tm_buf_printf(&tmp, _("tmems-check watch %s (zone %s)"), snap->display,
                                   snap->apex[0] ? snap->apex : "?");
    char *line = take_text(&tmp, &st);
    if (line)
        st = put_line(buf, line, width);
    tm_free(line);
    if (st == TM_OK)
        st = tm_buf_printf(&tmp, _("elapsed %s, poll %u every %u s, deadline %s"), elapsed,
                           snap->polls, snap->interval_ms / 1000, deadline);
    line = take_text(&tmp, &st);
    if (line)
        st = put_line(buf, line, width);
    tm_free(line);
    if (st == TM_OK)
        st = put_expected(&tmp, snap);
    line = take_text(&tmp, &st);
    if (line)
        st = put_line(buf, line, width);
    tm_free(line);
    if (st == TM_OK)
        st = put_horizon(&tmp, snap, now_ms);
    line = take_text(&tmp, &st);
    if (line)
        st = put_line(buf, line, width);
    tm_free(line);
    if (st == TM_OK)
        st = tm_buf_putc(buf, '\n');

    /* Columns: the server's label, the serial, the state, and the MX set
     * in what is left. */
    char *labels[TM_WATCH_MAX_SERVERS] = {NULL};
    size_t label_w = tm_text_width(_("SERVER")), state_w = tm_text_width(_("STATE"));
    for (size_t i = 0; i < snap->count && st == TM_OK; i++) {
        st = put_label(&tmp, &snap->servers[i]);
        labels[i] = take_text(&tmp, &st);
        if (labels[i] && tm_text_width(labels[i]) > label_w)
            label_w = tm_text_width(labels[i]);
        size_t sw = tm_text_width(state_word(snap->servers[i].state, snap->expect_given));
        if (sw > state_w)
            state_w = sw;
    }
    if (label_w > 44)
        label_w = 44;
    size_t serial_w = 10;
    size_t fixed = 2 + label_w + 2 + serial_w + 2 + 2 + state_w;
    size_t mx_w = width > fixed + 12 ? width - 1 - fixed : 12;
    if (st == TM_OK) {
        st = tm_buf_puts(buf, "  ");
        if (st == TM_OK)
            st = put_cell(buf, _("SERVER"), label_w, label_w + 2);
        if (st == TM_OK)
            st = put_cell(buf, _("SERIAL"), serial_w, serial_w + 2);
        if (st == TM_OK)
            st = put_cell(buf, _("MX"), mx_w, mx_w + 2);
        if (st == TM_OK)
            st = put_cell(buf, _("STATE"), state_w, 0);
        if (st == TM_OK)
            st = tm_buf_putc(buf, '\n');
    }
    for (size_t i = 0; i < snap->count && st == TM_OK; i++) {
        const tm_watch_server_t *s = &snap->servers[i];
        st = tm_buf_puts(buf, "  ");
        if (st == TM_OK)
            st = put_cell(buf, labels[i] ? labels[i] : "", label_w, label_w + 2);
        if (st == TM_OK)
            st = put_serial(&tmp, s);
        line = take_text(&tmp, &st);
        if (line)
            st = put_cell(buf, line, serial_w, serial_w + 2);
        tm_free(line);
        if (st == TM_OK)
            st = s->skipped ? tm_buf_puts(&tmp, _("(not asked: no route)")) : put_mx(&tmp, s);
        line = take_text(&tmp, &st);
        if (line)
            st = put_cell(buf, line, mx_w, mx_w + 2);
        tm_free(line);
        if (st == TM_OK && color)
            st = tm_buf_puts(buf, state_color(s->state));
        if (st == TM_OK)
            st = put_cell(buf, state_word(s->state, snap->expect_given), state_w, 0);
        if (st == TM_OK && color)
            st = tm_buf_puts(buf, RESET);
        if (st == TM_OK)
            st = tm_buf_putc(buf, '\n');
    }
    for (size_t i = 0; i < TM_WATCH_MAX_SERVERS; i++)
        tm_free(labels[i]);
    if (st == TM_OK && !snap->apex[0] && snap->retry_reason) {
        st = tm_buf_printf(&tmp, "%s ", _("retrying:"));
        if (st == TM_OK)
            st = tm_text_neutralize(&tmp, snap->retry_reason, strlen(snap->retry_reason));
        line = take_text(&tmp, &st);
        if (line)
            st = put_line(buf, line, width);
        tm_free(line);
    }
    tm_buf_clear(&tmp);
    return st;
}

static size_t count_lines(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

static tm_status_t redraw(tmc_watch_out_t *o, const tm_watch_event_t *ev)
{
    tm_buf_t buf;
    tm_buf_init(&buf);
    tm_status_t st = TM_OK;
    /* Back to the top of the table, and clear to the end of the screen. */
    if (o->drawn > 0)
        st = tm_buf_printf(&buf, "\033[%zuA\r\033[J", o->drawn);
    size_t from = buf.len;
    if (st == TM_OK)
        st = tmc_watch_table(ev->snap, ev->wall_ms, o->width, o->color, &buf);
    if (st == TM_OK) {
        o->drawn = count_lines(buf.data + from, buf.len - from);
        if (fwrite(buf.data, 1, buf.len, o->out) != buf.len || fflush(o->out) != 0)
            st = TM_EIO;
    }
    tm_buf_clear(&buf);
    return st;
}

static tm_status_t write_buf(tmc_watch_out_t *o, tm_buf_t *buf)
{
    if (buf->len && (fwrite(buf->data, 1, buf->len, o->out) != buf->len || fflush(o->out) != 0))
        return TM_EIO;
    return TM_OK;
}

void tmc_watch_on_event(void *arg, const tm_watch_event_t *ev)
{
    tmc_watch_out_t *o = arg;
    tm_buf_t buf;
    tm_buf_init(&buf);
    tm_status_t st = TM_OK;
    switch (o->mode) {
    case TMC_WATCH_JSONL:
        st = tm_watch_event_json(ev, &buf);
        if (st == TM_OK)
            st = write_buf(o, &buf);
        break;
    case TMC_WATCH_LINES:
        st = render_line(&buf, ev, o->color);
        if (st == TM_OK)
            st = write_buf(o, &buf);
        break;
    default:
        if (ev->kind == TM_WATCH_EV_CHANGE)
            break; /* the poll's end redraws once for all its changes */
        st = redraw(o, ev);
        if (st == TM_OK && ev->kind == TM_WATCH_EV_END) {
            st = tm_buf_putc(&buf, '\n');
            if (st == TM_OK)
                st = line_end(&buf, ev);
            if (st == TM_OK)
                st = write_buf(o, &buf);
        }
        break;
    }
    tm_buf_clear(&buf);
    if (st != TM_OK && o->status == TM_OK)
        o->status = st;
}
