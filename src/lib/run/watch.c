/* watch.c - `tmems-check watch` without the screen: finds the zone of the
 * domain by walking up with SOA questions, its name servers and every IPv4
 * and IPv6 address of each, then polls at an interval: every authoritative
 * address is asked directly with RD=0 and every resolver with RD=1 for the
 * apex SOA and the domain's MX and TXT (src/lib/probe/ask.c, a fresh
 * resolver per server per poll, so no cache of ours answers), each view is
 * judged with the checks (src/lib/watch/judge.c), and every change is told
 * to the caller.  It ends when the goal is reached or at the deadline
 * (src/lib/watch/outcome.c).  Errors are retried at the next poll.
 *
 * Everything runs on the event loop of the resolver the caller gives: a
 * timer source wakes it for polls, ticks and the deadline, and the work
 * itself happens in posted calls, where asks may be created and destroyed.
 *
 * Load (docs/watch.md): each poll asks each server TM_WATCH_QUESTIONS_PER_
 * SERVER questions, each sent at most `tries` times (and once over TCP
 * after a truncated answer); the names the checks need besides (the inbound
 * host, SPF includes, MX targets' addresses) go to the resolvers, and each
 * one that answers is asked once per watch. */
#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tmems/tm_ask.h"
#include "tmems/tm_watch_run.h"
#include "tmems/tm_i18n.h"

/* Distinct views whose judgement is kept: the checks (SPF ranges among
 * them) run once per distinct set of records, not once per server and poll. */
#define MEMO_SIZE 16
/* Support rounds of one poll at most (the SPF tree level by level). */
#define SUPPORT_ROUNDS 40

typedef enum {
    PH_START = 0,
    PH_APEX,    /* walking up with SOA questions */
    PH_NS,      /* the apex NS set */
    PH_ADDR,    /* the name servers' addresses */
    PH_RETRY,   /* finding the zone failed: again at the next poll time */
    PH_ASK,     /* a poll's asks are out */
    PH_SUPPORT, /* a poll's support names are out */
    PH_IDLE,    /* between polls */
    PH_DONE
} phase_t;

typedef struct {
    char *key;
    tm_watch_judgement_t j;
} memo_t;

typedef struct {
    tm_answer_t *soa, *mx, *txt;
    tm_watch_facts_t facts;
    tm_watch_judgement_t j;
    bool judged;
} poll_row_t;

struct tm_watch {
    tm_watch_options_t opts;
    tm_check_options_t check;
    tm_watch_snapshot_t snap;
    tm_resolver_t *loop;
    tm_poll_source_t timer;
    bool timer_attached;
    tm_resolver_call_t work;
    phase_t phase;
    long long start_mono, deadline_mono, next_poll_mono, next_tick_mono;
    char walk[TM_NAME_MAX + 1];
    char ns[TM_WATCH_MAX_NS][TM_NAME_MAX + 1];
    size_t nns;
    tm_ask_t *disc;
    tm_ask_t *asks[TM_WATCH_MAX_SERVERS];
    size_t asks_out;
    tm_ask_t *support_ask;
    unsigned support_rounds;
    tm_rrset_t *support;        /* answers kept for the whole watch */
    tm_rrset_t *support_failed; /* this poll's failures: asked again next poll */
    poll_row_t rows[TM_WATCH_MAX_SERVERS];
    tm_ip_t addrs[TM_WATCH_MAX_SERVERS];
    memo_t memo[MEMO_SIZE];
    size_t memo_next;
    int64_t poll_wall_ms;
    int64_t all_ready_since;
    char company[TM_LABEL_MAX + 1];
    tm_status_t status;
};

int64_t tm_watch_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- events ---------------------------------------------------------------- */

static void emit(tm_watch_t *w, tm_watch_event_kind_t kind, size_t server,
                 tm_watch_state_t previous)
{
    w->snap.elapsed_ms = tm_monotonic_ms() - w->start_mono;
    if (!w->opts.on_event)
        return;
    tm_watch_event_t ev = {kind, server, previous, tm_watch_wall_ms(), &w->snap};
    w->opts.on_event(w->opts.arg, &ev);
}

/* ---- the end --------------------------------------------------------------- */

static void stop_asking(tm_watch_t *w)
{
    tm_ask_destroy(w->disc);
    w->disc = NULL;
    for (size_t i = 0; i < TM_WATCH_MAX_SERVERS; i++) {
        tm_ask_destroy(w->asks[i]);
        w->asks[i] = NULL;
    }
    w->asks_out = 0;
    tm_ask_destroy(w->support_ask);
    w->support_ask = NULL;
}

static void finish(tm_watch_t *w, bool reached)
{
    if (w->phase == PH_DONE)
        return;
    stop_asking(w);
    w->phase = PH_DONE;
    tm_watch_row_t rows[TM_WATCH_MAX_SERVERS];
    for (size_t i = 0; i < w->snap.count; i++) {
        const tm_watch_server_t *s = &w->snap.servers[i];
        rows[i] = (tm_watch_row_t){s->role, s->state, s->facts.answered ? &s->facts : NULL,
                                   s->skipped, TM_WATCH_WHY_NONE};
    }
    w->snap.outcome = tm_watch_outcome_judge(rows, w->snap.count, reached, w->opts.until_caches,
                                             &w->snap.horizon, tm_watch_wall_ms());
    for (size_t i = 0; i < w->snap.count; i++)
        w->snap.servers[i].why = rows[i].why;
    w->snap.ended = true;
    if (w->timer_attached) {
        tm_resolver_detach(w->loop, &w->timer);
        w->timer_attached = false;
    }
    tm_resolver_unpost(w->loop, &w->work);
    emit(w, TM_WATCH_EV_END, 0, TM_WATCH_PENDING);
}

static void fail_status(tm_watch_t *w, tm_status_t st)
{
    if (st == TM_OK)
        return;
    if (w->status == TM_OK)
        w->status = st;
    finish(w, false);
}

/* ---- asking ------------------------------------------------------------------ */

/* The transport of the resolvers (--server, --doh or the system's), RD=1. */
static void recursive_options(const tm_watch_t *w, tm_resolver_options_t *ro)
{
    memset(ro, 0, sizeof(*ro));
    ro->servers = w->opts.servers;
    ro->nservers = w->opts.nservers;
    ro->doh_url = w->opts.doh_url;
    ro->doh_cacert = w->opts.doh_cacert;
    ro->doh_capath = w->opts.doh_capath;
    ro->timeout_ms = w->opts.timeout_ms;
    ro->tries = w->opts.tries;
}

static void on_disc_done(void *arg);

static tm_status_t ask_recursive(tm_watch_t *w, const tm_ask_question_t *q, size_t n)
{
    tm_resolver_options_t ro;
    recursive_options(w, &ro);
    tm_ask_destroy(w->disc);
    w->disc = NULL;
    return tm_ask_start(w->loop, &ro, q, n, on_disc_done, w, &w->disc);
}

static tm_status_t set_retry_reason(tm_watch_t *w, const char *fmt, const char *name,
                                    const tm_answer_t *a)
{
    char what[300];
    if (a && a->error)
        snprintf(what, sizeof(what), "%s (%s)", tm_dns_outcome_name(a->outcome), a->error);
    else
        snprintf(what, sizeof(what), "%s", a ? tm_dns_outcome_name(a->outcome) : "?");
    tm_free(w->snap.retry_reason);
    w->snap.retry_reason = tm_strprintf(fmt, name, what);
    return w->snap.retry_reason ? TM_OK : TM_ENOMEM;
}

/* Finding the zone failed: said once, tried again at the next poll time. */
static void retry_later(tm_watch_t *w)
{
    tm_ask_destroy(w->disc);
    w->disc = NULL;
    w->phase = PH_RETRY;
    emit(w, TM_WATCH_EV_RETRY, 0, TM_WATCH_PENDING);
}

static void start_discovery(tm_watch_t *w)
{
    w->next_poll_mono = tm_monotonic_ms() + w->opts.interval_ms;
    snprintf(w->walk, sizeof(w->walk), "%s", w->opts.domain);
    w->phase = PH_APEX;
    tm_ask_question_t q = {w->walk, TM_RR_SOA};
    fail_status(w, ask_recursive(w, &q, 1));
}

static bool is_answer(const tm_answer_t *a)
{
    return a && (a->outcome == TM_DNS_NOERROR || a->outcome == TM_DNS_NODATA ||
                 a->outcome == TM_DNS_NXDOMAIN);
}

/* RFC 1035 section 4.3.2 puts the SOA at the apex only: a name below it
 * answers NODATA (or NXDOMAIN), so the first name up the tree whose SOA
 * question has records is the apex. */
static void on_apex(tm_watch_t *w)
{
    const tm_answer_t *a = tm_ask_answer(w->disc, 0);
    if (a && a->outcome == TM_DNS_NOERROR && a->count > 0 && a->rrs[0].type == TM_RR_SOA) {
        snprintf(w->snap.apex, sizeof(w->snap.apex), "%s", w->walk);
        w->phase = PH_NS;
        tm_ask_question_t q = {w->snap.apex, TM_RR_NS};
        fail_status(w, ask_recursive(w, &q, 1));
        return;
    }
    const char *dot = strchr(w->walk, '.');
    if (is_answer(a) && dot && dot[1]) {
        memmove(w->walk, dot + 1, strlen(dot + 1) + 1);
        tm_ask_question_t q = {w->walk, TM_RR_SOA};
        fail_status(w, ask_recursive(w, &q, 1));
        return;
    }
    fail_status(w, set_retry_reason(w, _("cannot find the zone of %s: the SOA question got %s"),
                                    w->opts.domain, a));
    retry_later(w);
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

static void on_ns(tm_watch_t *w)
{
    const tm_answer_t *a = tm_ask_answer(w->disc, 0);
    if (!a || a->outcome != TM_DNS_NOERROR || a->count == 0) {
        fail_status(w, set_retry_reason(w, _("cannot find the name servers of %s: %s"),
                                        w->snap.apex, a));
        retry_later(w);
        return;
    }
    w->nns = 0;
    for (size_t i = 0; i < a->count && w->nns < TM_WATCH_MAX_NS; i++) {
        const char *host = a->rrs[i].u.name;
        bool seen = !host || !host[0];
        for (size_t k = 0; k < w->nns && !seen; k++)
            seen = tm_name_equal(w->ns[k], host);
        if (!seen)
            snprintf(w->ns[w->nns++], sizeof(w->ns[0]), "%s", host);
    }
    w->snap.truncated = a->count > TM_WATCH_MAX_NS;
    /* In name order: a resolver rotates the NS set, the table should not. */
    qsort(w->ns, w->nns, sizeof(w->ns[0]), by_name);
    tm_ask_question_t q[2 * TM_WATCH_MAX_NS];
    for (size_t i = 0; i < w->nns; i++) {
        q[2 * i] = (tm_ask_question_t){w->ns[i], TM_RR_A};
        q[2 * i + 1] = (tm_ask_question_t){w->ns[i], TM_RR_AAAA};
    }
    w->phase = PH_ADDR;
    fail_status(w, ask_recursive(w, q, 2 * w->nns));
}

/* True when this machine has a route to the address: a connected UDP
 * socket fails at once without one (an IPv6 address on a machine with
 * IPv4 only), and such an address is shown but not asked. */
static bool routable(const tm_ip_t *ip, uint16_t port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof(ss));
    if (ip->family == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        memcpy(&sin->sin_addr, ip->bytes, 4);
        len = sizeof(*sin);
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        memcpy(&sin6->sin6_addr, ip->bytes, 16);
        len = sizeof(*sin6);
    }
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool ok = connect(fd, (struct sockaddr *)&ss, len) == 0;
    close(fd);
    return ok;
}

static tm_watch_server_t *new_row(tm_watch_t *w, tm_watch_role_t role, const char *host)
{
    if (w->snap.count == TM_WATCH_MAX_SERVERS) {
        w->snap.truncated = true;
        return NULL;
    }
    tm_watch_server_t *s = &w->snap.servers[w->snap.count++];
    memset(s, 0, sizeof(*s));
    s->role = role;
    size_t len = host ? strlen(host) : 0;
    if (len > TM_NAME_MAX)
        len = TM_NAME_MAX;
    memcpy(s->host, host ? host : "", len);
    s->host[len] = '\0';
    return s;
}

static tm_status_t add_address_rows(tm_watch_t *w, size_t ns_index, const tm_answer_t *a,
                                    size_t *added)
{
    uint16_t port = w->opts.auth_port ? w->opts.auth_port : 53;
    for (size_t k = 0; a && a->outcome == TM_DNS_NOERROR && k < a->count; k++) {
        tm_ip_t ip;
        memset(&ip, 0, sizeof(ip));
        if (a->rrs[k].type == TM_RR_A) {
            ip.family = 4;
            memcpy(ip.bytes, a->rrs[k].u.a, 4);
        } else if (a->rrs[k].type == TM_RR_AAAA) {
            ip.family = 6;
            memcpy(ip.bytes, a->rrs[k].u.aaaa, 16);
        } else {
            continue;
        }
        tm_watch_server_t *s = new_row(w, TM_WATCH_AUTHORITATIVE, w->ns[ns_index]);
        if (!s)
            return TM_OK;
        w->addrs[w->snap.count - 1] = ip;
        tm_ip_format(&ip, s->address, sizeof(s->address));
        (*added)++;
        if (!routable(&ip, port)) {
            s->skipped = true;
            s->reason = tm_strdup(_("not asked: this machine has no route to the address"));
            if (!s->reason)
                return TM_ENOMEM;
        }
    }
    return TM_OK;
}

static tm_status_t add_resolver_rows(tm_watch_t *w)
{
    if (w->opts.doh_url) {
        tm_watch_server_t *s = new_row(w, TM_WATCH_RESOLVER, NULL);
        if (s)
            snprintf(s->address, sizeof(s->address), "%s", w->opts.doh_url);
        return TM_OK;
    }
    if (w->opts.nservers == 0) {
        new_row(w, TM_WATCH_RESOLVER, NULL); /* the system's: address "" */
        return TM_OK;
    }
    for (size_t i = 0; i < w->opts.nservers; i++) {
        tm_watch_server_t *s = new_row(w, TM_WATCH_RESOLVER, NULL);
        if (s)
            snprintf(s->address, sizeof(s->address), "%s", w->opts.servers[i]);
    }
    return TM_OK;
}

static void on_addresses(tm_watch_t *w)
{
    /* A question that failed leaves the set of addresses unknown: all of
     * it is asked again rather than watching part of the servers. */
    for (size_t i = 0; i < 2 * w->nns; i++) {
        const tm_answer_t *a = tm_ask_answer(w->disc, i);
        if (!is_answer(a)) {
            fail_status(w, set_retry_reason(w, _("cannot find the address of the name server "
                                                 "%s: %s"),
                                            w->ns[i / 2], a));
            retry_later(w);
            return;
        }
    }
    w->snap.count = 0;
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < w->nns && st == TM_OK; i++) {
        size_t added = 0;
        st = add_address_rows(w, i, tm_ask_answer(w->disc, 2 * i), &added);
        if (st == TM_OK)
            st = add_address_rows(w, i, tm_ask_answer(w->disc, 2 * i + 1), &added);
        if (st == TM_OK && added == 0) {
            /* A name server without an address: no resolver can ask it
             * either; shown, never ready. */
            tm_watch_server_t *s = new_row(w, TM_WATCH_AUTHORITATIVE, w->ns[i]);
            if (s) {
                s->state = TM_WATCH_FAILED;
                s->reason = tm_strdup(_("the name server has no address (A and AAAA)"));
                if (!s->reason)
                    st = TM_ENOMEM;
            }
        }
    }
    w->snap.nauth = w->snap.count;
    if (st == TM_OK) {
        /* Room for the resolvers: the name servers take at most what is
         * left after them. */
        size_t resolvers = w->opts.doh_url || w->opts.nservers == 0 ? 1 : w->opts.nservers;
        if (w->snap.count + resolvers > TM_WATCH_MAX_SERVERS) {
            w->snap.count = TM_WATCH_MAX_SERVERS - resolvers;
            w->snap.nauth = w->snap.count;
            w->snap.truncated = true;
        }
        st = add_resolver_rows(w);
    }
    tm_ask_destroy(w->disc);
    w->disc = NULL;
    tm_free(w->snap.retry_reason);
    w->snap.retry_reason = NULL;
    if (st != TM_OK) {
        fail_status(w, st);
        return;
    }
    w->phase = PH_IDLE;
    emit(w, TM_WATCH_EV_START, 0, TM_WATCH_PENDING);
    w->next_poll_mono = tm_monotonic_ms(); /* the first poll at once */
    tm_resolver_post(w->loop, &w->work);
}

static void on_disc_done(void *arg)
{
    tm_watch_t *w = arg;
    switch (w->phase) {
    case PH_APEX: on_apex(w); break;
    case PH_NS: on_ns(w); break;
    case PH_ADDR: on_addresses(w); break;
    default: break;
    }
}

/* ---- a poll ---------------------------------------------------------------------- */

static void on_ask_done(void *arg);
static void judge_all(tm_watch_t *w);

static void clear_poll_rows(tm_watch_t *w)
{
    for (size_t i = 0; i < TM_WATCH_MAX_SERVERS; i++) {
        poll_row_t *r = &w->rows[i];
        tm_answer_unref(r->soa);
        tm_answer_unref(r->mx);
        tm_answer_unref(r->txt);
        tm_watch_facts_clear(&r->facts);
        tm_watch_judgement_clear(&r->j);
        memset(r, 0, sizeof(*r));
    }
}

static void start_poll(tm_watch_t *w)
{
    long long now = tm_monotonic_ms();
    w->poll_wall_ms = tm_watch_wall_ms();
    w->next_poll_mono = now + w->opts.interval_ms;
    clear_poll_rows(w);
    tm_rrset_destroy(w->support_failed);
    w->support_failed = tm_rrset_create();
    if (!w->support_failed) {
        fail_status(w, TM_ENOMEM);
        return;
    }
    w->support_rounds = 0;
    w->phase = PH_ASK;
    w->asks_out = 0;
    uint16_t port = w->opts.auth_port ? w->opts.auth_port : 53;
    tm_ask_question_t q[TM_WATCH_QUESTIONS_PER_SERVER] = {
        {w->snap.apex, TM_RR_SOA}, {w->opts.domain, TM_RR_MX}, {w->opts.domain, TM_RR_TXT}};
    for (size_t i = 0; i < w->snap.count; i++) {
        tm_watch_server_t *s = &w->snap.servers[i];
        if (s->skipped || (s->role == TM_WATCH_AUTHORITATIVE && !s->address[0]))
            continue;
        tm_resolver_options_t ro;
        char server[160];
        const char *servers[1] = {server};
        if (s->role == TM_WATCH_AUTHORITATIVE) {
            memset(&ro, 0, sizeof(ro));
            snprintf(server, sizeof(server), w->addrs[i].family == 6 ? "[%s]:%u" : "%s:%u",
                     s->address, port);
            ro.servers = servers;
            ro.nservers = 1;
            ro.norecurse = true;
            ro.timeout_ms = w->opts.timeout_ms;
            ro.tries = w->opts.tries;
        } else {
            recursive_options(w, &ro);
            if (!w->opts.doh_url && s->address[0]) {
                snprintf(server, sizeof(server), "%s", s->address);
                ro.servers = servers;
                ro.nservers = 1;
            }
        }
        tm_status_t st = tm_ask_start(w->loop, &ro, q, TM_WATCH_QUESTIONS_PER_SERVER,
                                      on_ask_done, w, &w->asks[i]);
        if (st != TM_OK) {
            fail_status(w, st);
            return;
        }
        w->asks_out++;
    }
    if (w->asks_out == 0)
        judge_all(w);
}

static void on_ask_done(void *arg)
{
    tm_watch_t *w = arg;
    if (w->phase != PH_ASK || w->asks_out == 0 || --w->asks_out > 0)
        return;
    for (size_t i = 0; i < w->snap.count; i++) {
        tm_ask_t *a = w->asks[i];
        if (!a)
            continue;
        poll_row_t *r = &w->rows[i];
        r->soa = tm_answer_ref((tm_answer_t *)tm_ask_answer(a, 0));
        r->mx = tm_answer_ref((tm_answer_t *)tm_ask_answer(a, 1));
        r->txt = tm_answer_ref((tm_answer_t *)tm_ask_answer(a, 2));
        tm_ask_destroy(a);
        w->asks[i] = NULL;
        tm_status_t st = tm_watch_facts_from(w->opts.rules, r->soa, r->mx, r->txt, &r->facts);
        if (st != TM_OK) {
            fail_status(w, st);
            return;
        }
    }
    judge_all(w);
}

/* The memo key: the records the checks read of the view, and how the MX
 * and TXT questions ended (NXDOMAIN and NODATA render alike). */
static char *memo_key(const poll_row_t *r)
{
    return tm_strprintf("%s|%s|%s\n%s\n%s", tm_dns_outcome_name(r->mx->outcome),
                        tm_dns_outcome_name(r->txt->outcome), r->facts.mx ? r->facts.mx : "",
                        r->facts.token ? r->facts.token : "", r->facts.spf ? r->facts.spf : "");
}

static const memo_t *memo_find(const tm_watch_t *w, const char *key)
{
    for (size_t i = 0; i < MEMO_SIZE; i++) {
        if (w->memo[i].key && strcmp(w->memo[i].key, key) == 0)
            return &w->memo[i];
    }
    return NULL;
}

static tm_status_t judgement_copy(const tm_watch_judgement_t *from, tm_watch_judgement_t *to)
{
    *to = *from;
    to->reason = NULL;
    if (from->reason && !(to->reason = tm_strdup(from->reason)))
        return TM_ENOMEM;
    return TM_OK;
}

/* Keeps a judgement that a later poll may reuse: not one that failed (a
 * support name did not answer: it is asked again). */
static tm_status_t memo_keep(tm_watch_t *w, char *key_own, const tm_watch_judgement_t *j)
{
    if (j->state == TM_WATCH_FAILED || j->state == TM_WATCH_PENDING) {
        tm_free(key_own);
        return TM_OK;
    }
    memo_t *m = &w->memo[w->memo_next];
    w->memo_next = (w->memo_next + 1) % MEMO_SIZE;
    tm_free(m->key);
    tm_watch_judgement_clear(&m->j);
    m->key = key_own;
    return judgement_copy(j, &m->j);
}

static void on_support_done(void *arg);
static void apply_poll(tm_watch_t *w);

/* Judges every answered view; names the checks still need go to the
 * resolvers in one ask, and the views wait for it. */
static void judge_all(tm_watch_t *w)
{
    tm_questions_t need;
    tm_questions_init(&need);
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < w->snap.count && st == TM_OK; i++) {
        poll_row_t *r = &w->rows[i];
        if (r->judged || !r->facts.answered)
            continue;
        char *key = memo_key(r);
        if (!key) {
            st = TM_ENOMEM;
            break;
        }
        const memo_t *m = memo_find(w, key);
        if (m) {
            tm_free(key);
            st = judgement_copy(&m->j, &r->j);
            r->judged = st == TM_OK;
            continue;
        }
        tm_watch_view_t view = {
            .domain = w->opts.domain,
            .display = w->opts.display ? w->opts.display : w->opts.domain,
            .rules = w->opts.rules,
            .opts = &w->check,
            .expect = &w->opts.expect,
            .mx = r->mx,
            .txt = r->txt,
            .support = w->support,
            .support_failed = w->support_failed,
            .facts = &r->facts,
            .baseline = NULL, /* old or other: decided per row (apply_poll) */
            .strict = w->opts.strict,
        };
        size_t before = need.count;
        tm_watch_judgement_clear(&r->j);
        st = tm_watch_judge(&view, &need, &r->j);
        if (st == TM_OK && r->j.state == TM_WATCH_PENDING && w->support_rounds >= SUPPORT_ROUNDS) {
            /* The bound of the rounds: judged on what there is next poll. */
            need.count = before;
            r->j.state = TM_WATCH_FAILED;
            r->j.reason = tm_strdup(_("the names the checks read could not all be asked"));
            st = r->j.reason ? TM_OK : TM_ENOMEM;
        }
        if (st == TM_OK && r->j.state != TM_WATCH_PENDING) {
            r->judged = true;
            st = memo_keep(w, key, &r->j);
        } else {
            tm_free(key);
        }
    }
    if (st != TM_OK) {
        tm_questions_clear(&need);
        fail_status(w, st);
        return;
    }
    if (need.count == 0) {
        tm_questions_clear(&need);
        apply_poll(w);
        return;
    }
    size_t n = need.count < TM_ASK_MAX_QUESTIONS ? need.count : TM_ASK_MAX_QUESTIONS;
    tm_ask_question_t *q = tm_calloc(n, sizeof(*q));
    if (!q) {
        tm_questions_clear(&need);
        fail_status(w, TM_ENOMEM);
        return;
    }
    for (size_t i = 0; i < n; i++)
        q[i] = (tm_ask_question_t){need.items[i].name, need.items[i].type};
    tm_resolver_options_t ro;
    recursive_options(w, &ro);
    w->phase = PH_SUPPORT;
    w->support_rounds++;
    st = tm_ask_start(w->loop, &ro, q, n, on_support_done, w, &w->support_ask);
    tm_free(q);
    tm_questions_clear(&need);
    fail_status(w, st);
}

static void on_support_done(void *arg)
{
    tm_watch_t *w = arg;
    if (w->phase != PH_SUPPORT)
        return;
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < tm_ask_count(w->support_ask) && st == TM_OK; i++) {
        tm_answer_t *a = (tm_answer_t *)tm_ask_answer(w->support_ask, i);
        if (!a)
            continue;
        /* An answer is kept for the watch; a failure only for this poll. */
        st = tm_rrset_put_own(is_answer(a) ? w->support : w->support_failed, tm_answer_ref(a));
    }
    tm_ask_destroy(w->support_ask);
    w->support_ask = NULL;
    w->phase = PH_ASK;
    if (st != TM_OK) {
        fail_status(w, st);
        return;
    }
    judge_all(w);
}

static bool same_or_both_null(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* What a row shows changed: its state, serial, records or reason. */
static bool row_changed(const tm_watch_server_t *s, tm_watch_state_t state,
                        const tm_watch_facts_t *f, const char *reason)
{
    if (s->state != state || s->facts.answered != f->answered)
        return true;
    if (s->facts.serial_known != f->serial_known || s->facts.serial != f->serial)
        return true;
    if (f->answered && !tm_watch_facts_same(&s->facts, f))
        return true;
    return !same_or_both_null(s->reason, reason);
}

/* Why a server could not be asked, from its answers. */
static char *failure_reason(const poll_row_t *r)
{
    const tm_answer_t *bad = NULL;
    const tm_answer_t *all[3] = {r->mx, r->txt, r->soa};
    for (size_t i = 0; i < 3 && !bad; i++) {
        if (!all[i] || !is_answer(all[i]))
            bad = all[i];
    }
    if (!bad)
        return tm_strdup(_("no answer"));
    if (bad->error)
        return tm_strprintf("%s: %s", tm_dns_outcome_name(bad->outcome), bad->error);
    return tm_strdup(tm_dns_outcome_name(bad->outcome));
}

static tm_status_t update_row(tm_watch_t *w, size_t i, bool *changed, tm_watch_state_t *previous)
{
    tm_watch_server_t *s = &w->snap.servers[i];
    poll_row_t *r = &w->rows[i];
    *changed = false;
    *previous = s->state;
    tm_watch_state_t state;
    char *reason = NULL;
    tm_status_t st = TM_OK;
    if (!r->facts.answered || !r->judged) {
        state = TM_WATCH_FAILED;
        reason = r->judged && r->j.reason ? tm_strdup(r->j.reason) : failure_reason(r);
        s->failures++;
    } else {
        state = r->j.state;
        s->failures = state == TM_WATCH_FAILED ? s->failures + 1 : 0;
        bool took_first = !s->has_first && state != TM_WATCH_FAILED;
        if (took_first) {
            st = tm_watch_facts_copy(&r->facts, &s->first);
            s->has_first = st == TM_OK;
            /* A watched resolver's old answers count too: it holds
             * the old MX for that (remaining) TTL, which may be the TTL
             * before it was lowered, longer than the name servers' now
             * (QA session 5: a horizon of 5 s promised while a resolver
             * held the old MX for 119 s more). */
            if (st == TM_OK)
                tm_watch_old_ttl_note(&s->first, state == TM_WATCH_READY ? state : TM_WATCH_OLD,
                                      &w->snap.old_ttl_known, &w->snap.old_ttl_s);
        }
        /* The judgement is shared by every server with the same records;
         * old or other depends on what this one served first. */
        if (state == TM_WATCH_OLD || state == TM_WATCH_OTHER)
            state = s->has_first && tm_watch_facts_same(&r->facts, &s->first) ? TM_WATCH_OLD
                                                                               : TM_WATCH_OTHER;
        /* Any later answer that is not the expected state counts as well
         * (the first was noted above): a resolver pool may hand out a copy
         * cached with a longer TTL than the first one shown (QA session 5:
         * 5 s, then 86400 s). */
        if (!took_first && s->has_first && (state == TM_WATCH_OLD || state == TM_WATCH_OTHER))
            tm_watch_old_ttl_note(&r->facts, state, &w->snap.old_ttl_known, &w->snap.old_ttl_s);
        if (r->j.reason)
            reason = tm_strdup(r->j.reason);
        if (state == TM_WATCH_READY && r->j.company[0] && !w->company[0])
            memcpy(w->company, r->j.company, sizeof(w->company));
    }
    if (st == TM_OK && (r->j.reason || !r->facts.answered || !r->judged) && !reason)
        st = TM_ENOMEM;
    if (st != TM_OK) {
        tm_free(reason);
        return st;
    }
    tm_watch_facts_t keep = r->facts;
    if (!keep.answered) /* a failure keeps the records last seen */
        keep = s->facts;
    *changed = row_changed(s, state, &keep, reason);
    if (r->facts.answered) {
        tm_watch_facts_clear(&s->facts);
        s->facts = r->facts;
        memset(&r->facts, 0, sizeof(r->facts));
        tm_answer_unref(s->mx);
        tm_answer_unref(s->txt);
        s->mx = tm_answer_ref(r->mx);
        s->txt = tm_answer_ref(r->txt);
        s->verdict = r->j.verdict;
        s->check_id = r->j.check_id;
    } else if (r->soa && is_answer(r->soa)) {
        /* the serial alone may still be known */
        tm_watch_facts_t tmp;
        if (tm_watch_facts_from(w->opts.rules, r->soa, NULL, NULL, &tmp) == TM_OK) {
            s->facts.serial_known = tmp.serial_known;
            s->facts.serial = tmp.serial;
            tm_watch_facts_clear(&tmp);
        }
    }
    tm_free(s->reason);
    s->reason = reason;
    s->state = state;
    if (*changed)
        s->changed_ms = w->poll_wall_ms;
    return TM_OK;
}

static void update_horizon(tm_watch_t *w)
{
    bool all_ready = w->snap.nauth > 0;
    size_t counted = 0;
    for (size_t i = 0; i < w->snap.nauth; i++) {
        const tm_watch_server_t *s = &w->snap.servers[i];
        if (s->skipped)
            continue;
        counted++;
        if (s->state != TM_WATCH_READY)
            all_ready = false;
    }
    if (counted == 0)
        all_ready = false;
    if (!all_ready)
        w->all_ready_since = -1;
    else if (w->all_ready_since < 0)
        w->all_ready_since = w->poll_wall_ms;
    /* The longer of --old-ttl and what the servers watched were seen to
     * hold: a TTL given cannot make a cache drop the old MX sooner. */
    bool known = w->opts.old_ttl_given || w->snap.old_ttl_known;
    uint32_t ttl = w->opts.old_ttl_given ? w->opts.old_ttl_s : 0;
    if (w->snap.old_ttl_known && w->snap.old_ttl_s > ttl)
        ttl = w->snap.old_ttl_s;
    tm_watch_horizon_t h;
    bool given_wins = w->opts.old_ttl_given && ttl == w->opts.old_ttl_s;
    tm_watch_horizon_compute(w->all_ready_since, known, ttl, given_wins, &h);
    bool moved = h.known != w->snap.horizon.known ||
                 (h.known && (h.at_ms != w->snap.horizon.at_ms || h.ttl_s != w->snap.horizon.ttl_s));
    w->snap.horizon = h;
    if (moved)
        emit(w, TM_WATCH_EV_HORIZON, 0, TM_WATCH_PENDING);
}

static void apply_poll(tm_watch_t *w)
{
    w->snap.polls++;
    for (size_t i = 0; i < w->snap.count; i++) {
        tm_watch_server_t *s = &w->snap.servers[i];
        if (s->skipped || (s->role == TM_WATCH_AUTHORITATIVE && !s->address[0]))
            continue;
        bool changed;
        tm_watch_state_t previous;
        tm_status_t st = update_row(w, i, &changed, &previous);
        if (st != TM_OK) {
            fail_status(w, st);
            return;
        }
        if (changed)
            emit(w, TM_WATCH_EV_CHANGE, i, previous);
    }
    if (w->company[0])
        w->snap.company = w->company;
    clear_poll_rows(w);
    update_horizon(w);
    emit(w, TM_WATCH_EV_POLL, 0, TM_WATCH_PENDING);
    w->phase = PH_IDLE;
    tm_watch_row_t rows[TM_WATCH_MAX_SERVERS];
    for (size_t i = 0; i < w->snap.count; i++) {
        const tm_watch_server_t *s = &w->snap.servers[i];
        rows[i] = (tm_watch_row_t){s->role, s->state, NULL, s->skipped, TM_WATCH_WHY_NONE};
    }
    if (tm_watch_goal_reached(rows, w->snap.count, w->opts.until_caches, &w->snap.horizon,
                              tm_watch_wall_ms()))
        finish(w, true);
}

/* ---- the timer and the work ---------------------------------------------------- */

static long long next_due(const tm_watch_t *w)
{
    long long due = w->deadline_mono;
    if ((w->phase == PH_IDLE || w->phase == PH_RETRY) && w->next_poll_mono < due)
        due = w->next_poll_mono;
    if (w->opts.tick_ms && w->next_tick_mono < due)
        due = w->next_tick_mono;
    return due;
}

static size_t timer_watch(void *self, struct pollfd *pfd, size_t max, long long *due_ms)
{
    (void)pfd;
    (void)max;
    tm_watch_t *w = self;
    long long due = next_due(w);
    if (*due_ms < 0 || due < *due_ms)
        *due_ms = due;
    return 0;
}

static void timer_handle(void *self, const struct pollfd *pfd, size_t n, long long now_ms)
{
    (void)pfd;
    (void)n;
    tm_watch_t *w = self;
    if (now_ms >= next_due(w))
        tm_resolver_post(w->loop, &w->work);
}

static void work(void *arg)
{
    tm_watch_t *w = arg;
    long long now = tm_monotonic_ms();
    if (w->phase == PH_DONE)
        return;
    if (now >= w->deadline_mono) {
        finish(w, false);
        return;
    }
    if (w->opts.tick_ms && now >= w->next_tick_mono) {
        while (w->next_tick_mono <= now)
            w->next_tick_mono += w->opts.tick_ms;
        emit(w, TM_WATCH_EV_TICK, 0, TM_WATCH_PENDING);
    }
    if (w->phase == PH_START || (w->phase == PH_RETRY && now >= w->next_poll_mono))
        start_discovery(w);
    else if (w->phase == PH_IDLE && now >= w->next_poll_mono)
        start_poll(w);
}

/* ---- life ------------------------------------------------------------------------ */

tm_status_t tm_watch_create(const tm_watch_options_t *opts, tm_watch_t **out)
{
    if (!opts || !out || !opts->domain || !opts->rules || opts->interval_ms == 0 ||
        opts->deadline_ms == 0)
        return TM_EINVAL;
    *out = NULL;
    tm_watch_t *w = tm_calloc(1, sizeof(*w));
    if (!w)
        return TM_ENOMEM;
    w->opts = *opts;
    tm_watch_check_options(opts->check, &w->opts.expect, &w->check);
    w->support = tm_rrset_create();
    if (!w->support) {
        tm_free(w);
        return TM_ENOMEM;
    }
    w->snap.domain = opts->domain;
    w->snap.display = opts->display ? opts->display : opts->domain;
    w->snap.expect_given = tm_watch_expect_given(&w->opts.expect);
    w->snap.expect = &w->opts.expect;
    w->snap.company = opts->check ? opts->check->company : NULL;
    w->snap.interval_ms = opts->interval_ms;
    w->snap.deadline_ms = opts->deadline_ms;
    w->snap.until_caches = opts->until_caches;
    w->all_ready_since = -1;
    w->work.fn = work;
    w->work.arg = w;
    w->timer = (tm_poll_source_t){timer_watch, timer_handle, w};
    *out = w;
    return TM_OK;
}

tm_status_t tm_watch_run(tm_watch_t *w, tm_resolver_t *loop)
{
    if (!w || !loop || w->loop)
        return TM_EINVAL;
    w->loop = loop;
    w->start_mono = tm_monotonic_ms();
    w->snap.started_ms = tm_watch_wall_ms();
    w->deadline_mono = w->start_mono + w->opts.deadline_ms;
    w->next_tick_mono = w->start_mono + w->opts.tick_ms;
    w->phase = PH_START;
    tm_status_t st = tm_resolver_attach(loop, &w->timer);
    if (st != TM_OK)
        return st;
    w->timer_attached = true;
    tm_resolver_post(loop, &w->work);
    while (!w->snap.ended) {
        st = tm_resolver_run(loop, -1);
        if (st != TM_OK && !w->snap.ended)
            fail_status(w, st);
    }
    return w->status;
}

const tm_watch_snapshot_t *tm_watch_snapshot(const tm_watch_t *w) { return w ? &w->snap : NULL; }

void tm_watch_destroy(tm_watch_t *w)
{
    if (!w)
        return;
    stop_asking(w);
    if (w->timer_attached)
        tm_resolver_detach(w->loop, &w->timer);
    if (w->loop)
        tm_resolver_unpost(w->loop, &w->work);
    clear_poll_rows(w);
    for (size_t i = 0; i < MEMO_SIZE; i++) {
        tm_free(w->memo[i].key);
        tm_watch_judgement_clear(&w->memo[i].j);
    }
    for (size_t i = 0; i < TM_WATCH_MAX_SERVERS; i++) {
        tm_watch_server_t *s = &w->snap.servers[i];
        tm_watch_facts_clear(&s->facts);
        tm_watch_facts_clear(&s->first);
        tm_answer_unref(s->mx);
        tm_answer_unref(s->txt);
        tm_free(s->reason);
    }
    tm_free(w->snap.retry_reason);
    tm_rrset_destroy(w->support);
    tm_rrset_destroy(w->support_failed);
    tm_free(w);
}
