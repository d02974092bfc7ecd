/* transport.c - the resolver's questions on the network
 * (resolver_state.h): through c-ares to the DNS servers, or through the DoH
 * plugin to one URL.  Every try of a question waits timeout_ms; a try that
 * times out is sent again here, up to `tries` (c-ares itself is given one
 * try: see cares.h).  How many questions are on the network at once is
 * window.h's adaptive window; the IDs are query_id.h's. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "resolver_state.h"
#include "tmems/tm_i18n.h"

/* A query: header, a name of at most 255 octets, the question tail and the
 * OPT record (RFC 1035 section 4.1, RFC 6891 section 6.1.2). */
#define QUERY_MAX 512

static void on_net(void *arg, tm_cares_result_t result, const uint8_t *msg, size_t len,
                   const char *reason);
static void on_doh(void *arg, tm_status_t status, tm_dns_outcome_t failure, const uint8_t *msg,
                   size_t len, const char *reason);

/* An answer that is no DNS message: the transport failed.  The run learns
 * of it once, with the server's name; the answer keeps the reason. */
static tm_answer_t *unreachable(tm_resolver_t *res, const entry_t *e, const char *reason)
{
    if (res->doh)
        tm_resolver_set_failure(res, TM_RESOLVER_UNREACHABLE, _("cannot use the DoH server %s: %s"),
                    res->where, reason);
    else if (strchr(res->where, ','))
        tm_resolver_set_failure(res, TM_RESOLVER_UNREACHABLE, _("cannot reach the DNS servers %s: %s"),
                    res->where, reason);
    else
        tm_resolver_set_failure(res, TM_RESOLVER_UNREACHABLE, _("cannot reach the DNS server %s: %s"),
                    res->where, reason);
    return tm_rsrc_error_answer(e->name, e->type, TM_DNS_UNREACHABLE, reason);
}

/* A query left the network: its slot and its ID are free again. */
static void net_done(tm_resolver_t *res, entry_t *e, tm_answer_t *ans_own)
{
    res->in_flight--;
    if (!res->doh)
        tm_query_id_release(&res->ids, e->id);
    tm_rwait_finish(res, e, ans_own);
}

static tm_status_t build_query(const tm_resolver_t *res, const entry_t *e, uint8_t *q,
                               size_t *qlen)
{
    return tm_dns_build_query(e->name, e->type, e->id, res->norecurse, q, QUERY_MAX, qlen);
}

/* One try: numbered by the window, timed for its round trip. */
static void send_entry(tm_resolver_t *res, entry_t *e, bool tcp)
{
    uint8_t q[QUERY_MAX];
    size_t qlen;
    tm_status_t st = build_query(res, e, q, &qlen);
    if (st != TM_OK) {
        net_done(res, e,
                 tm_rsrc_error_answer(e->name, e->type, TM_DNS_FORMERR, _("not a valid domain name")));
        return;
    }
    e->state = ENTRY_SENT;
    e->tries++;
    e->sent_us = tm_monotonic_us();
    e->seq = tm_window_sent(&res->window, e->sent_us);
    st = res->doh ? res->doh_api->send(res->doh, q, qlen, on_doh, e)
                  : tm_cares_send(res->net, tcp, q, qlen, on_net, e);
    if (st != TM_OK)
        net_done(res, e, NULL);
}

/* Sends from the FIFO while the window has room and pacing allows; when
 * pacing holds questions back, pace_due_ms says when to go on. */
void tm_rnet_start_sends(tm_resolver_t *res)
{
    size_t window = tm_window_size(&res->window);
    long long now = tm_monotonic_us();
    res->pace_due_ms = -1;
    while (res->queue_head && res->in_flight < window) {
        if (!tm_window_may_send(&res->window, now)) {
            res->pace_due_ms = (tm_window_next_send_us(&res->window, now) + 999) / 1000;
            break;
        }
        entry_t *e = res->queue_head;
        res->queue_head = e->queue_next;
        res->queued--;
        if (!res->queue_head)
            res->queue_tail = &res->queue_head;
        e->queue_next = NULL;
        res->in_flight++;
        if (res->in_flight > res->stats.peak_in_flight)
            res->stats.peak_in_flight = (unsigned)res->in_flight;
        res->stats.sent++;
        /* RFC 8484 section 4.1: ID 0 over DoH, so that HTTP caches can
         * share the answer; HTTP matches answers to requests. */
        e->id = res->doh ? 0 : tm_query_id_take(&res->ids);
        e->tries = 0;
        send_entry(res, e, false);
    }
}

/* A DNS message came for e's latest try: the server is reachable, and a
 * first try's round trip tells the window how the path is doing (Karn: a
 * retried question's answer may answer either try). */
static void got_message(tm_resolver_t *res, const entry_t *e)
{
    res->answers++;
    if (e->tries == 1)
        tm_window_on_answer(&res->window, tm_monotonic_us() - e->sent_us);
}

/* e's latest try timed out: it goes out again while tries are left (the
 * window halves for it); true when it did. */
static bool try_again(tm_resolver_t *res, entry_t *e)
{
    tm_window_on_timeout(&res->window, e->seq);
    if (e->tries >= res->tries)
        return false;
    res->stats.retransmissions++;
    send_entry(res, e, e->via_tcp);
    return true;
}

/* Every try timed out.  A server that has answered something in this run
 * is there and did not answer this question (TIMEOUT); one that has never
 * answered anything cannot be reached. */
static tm_answer_t *timed_out(tm_resolver_t *res, const entry_t *e)
{
    char why[256];
    snprintf(why, sizeof why,
             dngettext(TM_TEXTDOMAIN, "no answer from the DNS server (%u try of %u ms)",
                       "no answer from the DNS server (%u tries of %u ms each)", res->tries),
             res->tries, res->timeout_ms);
    if (res->answers == 0 && !res->silence_is_timeout)
        return unreachable(res, e, why);
    return tm_rsrc_error_answer(e->name, e->type, TM_DNS_TIMEOUT, why);
}

static void on_net(void *arg, tm_cares_result_t result, const uint8_t *msg, size_t len,
                   const char *reason)
{
    entry_t *e = arg;
    tm_resolver_t *res = e->res;
    tm_answer_t *ans = NULL;

    switch (result) {
    case TM_CARES_CANCELLED:
        return; /* the resolver is being destroyed and frees the entry */
    case TM_CARES_ANSWER:
        got_message(res, e);
        if (tm_dns_parse_response(msg, len, e->name, e->type, &ans) != TM_OK)
            ans = NULL;
        /* RFC 7766 section 5: a truncated UDP answer is asked again over
         * TCP.  A message larger than our advertised payload counts too. */
        if (ans && !e->via_tcp && (ans->truncated || len > 4096)) {
            e->via_tcp = true;
            e->tries = 0;
            res->stats.tcp_retries++;
            tm_answer_unref(ans);
            /* The slot stays taken; send_entry frees it if it fails. */
            send_entry(res, e, true);
            return;
        }
        if (ans && e->via_tcp)
            ans->truncated = true;
        break;
    case TM_CARES_TIMEOUT:
        if (try_again(res, e))
            return;
        ans = timed_out(res, e);
        break;
    case TM_CARES_REFUSED:
        /* Nothing answered: not the REFUSED response code (RFC 1035 section
         * 4.1.1), which only a server that answers can send. */
        ans = unreachable(res, e,
                          e->via_tcp ? _("the TCP connection for a truncated answer was "
                                         "refused or closed without an answer")
                                     : _("connection refused"));
        break;
    case TM_CARES_FAILED:
        ans = tm_rsrc_error_answer(e->name, e->type, TM_DNS_FORMERR, reason);
        break;
    }
    net_done(res, e, ans);
}

/* DoH answers parse with the same code as UDP answers, so the verdicts
 * cannot differ; HTTP and transport failures are no DNS message at all.
 * There is no truncation to recover from: an HTTP body carries the whole
 * message (RFC 8484 section 6).  doh.c tries again itself. */
static void on_doh(void *arg, tm_status_t status, tm_dns_outcome_t failure, const uint8_t *msg,
                   size_t len, const char *reason)
{
    entry_t *e = arg;
    tm_resolver_t *res = e->res;
    tm_answer_t *ans = NULL;

    if (status == TM_OK && failure == TM_DNS_NOERROR) {
        got_message(res, e);
        if (tm_dns_parse_response(msg, len, e->name, e->type, &ans) != TM_OK)
            ans = NULL;
    } else if (status == TM_OK && failure == TM_DNS_TIMEOUT) {
        tm_window_on_timeout(&res->window, e->seq);
        ans = res->answers || res->silence_is_timeout
                  ? tm_rsrc_error_answer(e->name, e->type, TM_DNS_TIMEOUT, reason)
                  : unreachable(res, e, reason);
    } else if (status == TM_OK && failure == TM_DNS_UNREACHABLE) {
        ans = unreachable(res, e, reason);
    } else if (status == TM_OK) {
        res->answers++; /* a body came, but not a usable DNS message */
        ans = tm_rsrc_error_answer(e->name, e->type, failure, reason);
    }
    net_done(res, e, ans);
}

static tm_status_t setup_net(tm_resolver_t *res, const tm_resolver_options_t *opts, char *err,
                             size_t errlen)
{
    char csv[TM_RESOLVER_MAX_SERVERS * (INET6_ADDRSTRLEN + 10)];
    size_t used = 0;
    tm_cares_config_t cfg = {.timeout_ms = res->timeout_ms, .norecurse = res->norecurse};

    if (opts->nservers > TM_RESOLVER_MAX_SERVERS) {
        tm_err_printf(err, errlen, _("too many DNS servers (at most %d)"), TM_RESOLVER_MAX_SERVERS);
        return TM_ERANGE;
    }
    csv[0] = '\0';
    for (size_t i = 0; i < opts->nservers; i++) {
        char one[INET6_ADDRSTRLEN + 10];
        if (!opts->servers[i] || !tm_resolver_server_valid(opts->servers[i], one, sizeof one)) {
            tm_err_printf(err, errlen,
                    _("invalid DNS server '%s': expected an IP address, ADDR:PORT or [IPv6]:PORT"),
                    opts->servers[i] ? opts->servers[i] : "");
            return TM_EINVAL;
        }
        used += (size_t)snprintf(csv + used, sizeof csv - used, "%s%s", i ? "," : "", one);
    }
    cfg.servers_csv = opts->nservers ? csv : NULL;
    tm_status_t st = tm_cares_create(&cfg, &res->net, err, errlen);
    if (st == TM_OK)
        tm_cares_describe(res->net, res->where, sizeof res->where);
    return st;
}

static tm_status_t setup_doh(tm_resolver_t *res, const tm_resolver_options_t *opts, char *err,
                             size_t errlen)
{
    tm_doh_config_t cfg = {.url = opts->doh_url,
                           .timeout_ms = res->timeout_ms,
                           .tries = res->tries,
                           .cacert = opts->doh_cacert,
                           .capath = opts->doh_capath};
    snprintf(res->where, sizeof res->where, "%.*s", (int)tm_doh_url_len(opts->doh_url),
             opts->doh_url);
    const char *why = NULL;
    if (!tm_doh_url_check(opts->doh_url, &why)) {
        tm_err_printf(err, errlen, _("invalid DoH URL '%s': %s"), opts->doh_url, _(why));
        return TM_EINVAL;
    }
    /* libcurl is loaded here, by the one run that needs it. */
    tm_status_t st = tm_doh_api_load(opts->plugin_dir, &res->doh_api, err, errlen);
    if (st != TM_OK)
        return st;
    return res->doh_api->create(&cfg, &res->doh, err, errlen);
}

size_t tm_rnet_watch(void *self, struct pollfd *pfd, size_t max, long long *due)
{
    tm_resolver_t *res = self;
    return res->doh ? res->doh_api->watch(res->doh, pfd, max, due)
                    : tm_cares_watch(res->net, pfd, max, due);
}

void tm_rnet_handle(void *self, const struct pollfd *pfd, size_t n, long long now)
{
    tm_resolver_t *res = self;
    (void)now;
    if (res->doh) {
        tm_status_t st = res->doh_api->handle(res->doh, pfd, n);
        if (st != TM_OK && res->loop_error == TM_OK)
            res->loop_error = st;
    } else {
        tm_cares_handle(res->net, pfd, n);
    }
}

tm_status_t tm_rnet_setup(tm_resolver_t *res, const tm_resolver_options_t *opts, char *err,
                          size_t errlen)
{
    tm_status_t st = opts->doh_url ? setup_doh(res, opts, err, errlen)
                                   : setup_net(res, opts, err, errlen);
    if (st == TM_OK)
        res->transport = (tm_poll_source_t){tm_rnet_watch, tm_rnet_handle, res};
    return st;
}

bool tm_rnet_busy(const tm_resolver_t *res)
{
    return (res->net || res->doh) && (res->in_flight > 0 || res->queue_head);
}

void tm_rnet_close(tm_resolver_t *res)
{
    tm_cares_destroy(res->net);
    res->net = NULL;
    if (res->doh)
        res->doh_api->destroy(res->doh);
    res->doh = NULL;
}
