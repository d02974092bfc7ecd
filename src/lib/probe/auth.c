/* auth.c - the authoritative probe: the apex SOA, TXT and MX asked of each
 * name server directly, with RD=0 (RFC 1035 section 4.1.1) so that no
 * server answers from a cache, each through a resolver of its own so that
 * each answer is known to come from that server (a resolver with several
 * servers picks one per question).  Every server's resolver runs inside the
 * run's event loop (tm_resolver_as_source), so all servers of all domains
 * are asked at once; each question is bounded by --timeout per try and
 * --tries, and a server that does not answer is UNREACHABLE or TIMEOUT
 * (tm_resolve.h). */
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "tmems/tm_resolve.h"

#define NQUESTIONS 3

static const uint16_t question_types[NQUESTIONS] = {TM_RR_SOA, TM_RR_TXT, TM_RR_MX};

typedef struct {
    struct tm_auth_probe *probe;
    size_t server;
    size_t question;
    bool done;
} slot_t;

struct tm_auth_probe {
    tm_auth_view_t *view;
    char *domain;
    tm_resolver_t *loop;   /* the run's resolver, whose loop asks them all */
    tm_resolver_t *res[TM_PROBE_MAX_TARGETS];
    tm_poll_source_t src[TM_PROBE_MAX_TARGETS];
    bool attached[TM_PROBE_MAX_TARGETS];
    slot_t slots[TM_PROBE_MAX_TARGETS][NQUESTIONS];
    size_t outstanding;
    tm_status_t status;    /* an answer that could not be kept */
    void (*notify)(void *arg);
    void *arg;
};

static tm_answer_t **answer_field(tm_auth_server_t *s, size_t question)
{
    switch (question) {
    case 0: return &s->soa;
    case 1: return &s->txt;
    default: return &s->mx;
    }
}

static bool server_done(const struct tm_auth_probe *p, size_t i)
{
    for (size_t q = 0; q < NQUESTIONS; q++) {
        if (!p->slots[i][q].done)
            return false;
    }
    return true;
}

/* From inside the server's resolver (a source of the run's loop): it only
 * records, and tells the owner when the last answer is in. */
static void on_answer(void *arg, tm_answer_t *answer_own)
{
    slot_t *slot = arg;
    struct tm_auth_probe *p = slot->probe;
    if (slot->done) {
        tm_answer_unref(answer_own);
        return;
    }
    tm_answer_t **field = answer_field(&p->view->servers[slot->server], slot->question);
    tm_answer_unref(*field);
    *field = answer_own;
    if (!answer_own && p->status == TM_OK)
        p->status = TM_ENOMEM;
    slot->done = true;
    p->outstanding--;
    if (server_done(p, slot->server) && p->attached[slot->server]) {
        tm_resolver_detach(p->loop, &p->src[slot->server]);
        p->attached[slot->server] = false;
    }
    if (p->outstanding == 0 && p->notify)
        p->notify(p->arg);
}

/* An answer for a question the server could not even be asked. */
static tm_status_t synthesize(struct tm_auth_probe *p, size_t server, size_t question,
                              tm_dns_outcome_t outcome, const char *reason)
{
    tm_answer_t *ans = tm_answer_create(p->domain, question_types[question], outcome);
    if (!ans)
        return TM_ENOMEM;
    tm_status_t st = reason ? tm_answer_set_error(ans, reason) : TM_OK;
    if (st != TM_OK) {
        tm_answer_unref(ans);
        return st;
    }
    tm_answer_t **field = answer_field(&p->view->servers[server], question);
    tm_answer_unref(*field);
    *field = ans;
    return TM_OK;
}

/* "ADDR:PORT" or "[V6]:PORT", as tm_resolver_options_t takes it. */
static void server_text(const tm_ip_t *ip, uint16_t port, char *buf, size_t len)
{
    char addr[64];
    tm_ip_format(ip, addr, sizeof(addr));
    snprintf(buf, len, ip->family == 6 ? "[%s]:%u" : "%s:%u", addr, port);
}

static tm_status_t ask_server(struct tm_auth_probe *p, const tm_probe_options_t *opts,
                              size_t i, uint16_t port)
{
    char server[96], err[256] = "";
    server_text(&p->view->servers[i].target.addr, port, server, sizeof(server));
    const char *servers[1] = {server};
    tm_resolver_options_t ro;
    memset(&ro, 0, sizeof(ro));
    ro.servers = servers;
    ro.nservers = 1;
    ro.timeout_ms = opts && opts->timeout_ms ? opts->timeout_ms : TM_PROBE_DEFAULT_TIMEOUT_MS;
    ro.tries = opts && opts->tries ? opts->tries : TM_PROBE_DEFAULT_TRIES;
    ro.norecurse = true;
    tm_status_t st = tm_resolver_create(&ro, &p->res[i], err, sizeof(err));
    if (st == TM_ENOMEM)
        return st;
    if (st != TM_OK) {
        /* Cannot even ask (no socket for this address family, say): the
         * server gets no verdict, with the reason. */
        for (size_t q = 0; q < NQUESTIONS && st != TM_ENOMEM; q++)
            st = synthesize(p, i, q, TM_DNS_UNREACHABLE, err);
        return st == TM_ENOMEM ? st : TM_OK;
    }
    for (size_t q = 0; q < NQUESTIONS; q++) {
        slot_t *slot = &p->slots[i][q];
        slot->probe = p;
        slot->server = i;
        slot->question = q;
        st = tm_resolver_submit(p->res[i], p->domain, question_types[q], on_answer, slot);
        if (st != TM_OK)
            return st;
        p->outstanding++;
    }
    tm_resolver_as_source(p->res[i], &p->src[i]);
    st = tm_resolver_attach(p->loop, &p->src[i]);
    p->attached[i] = st == TM_OK;
    return st;
}

tm_status_t tm_auth_probe_start(tm_resolver_t *loop, const tm_probe_options_t *opts,
                                const char *domain, const tm_probe_targets_t *targets,
                                void (*notify)(void *arg), void *arg, tm_auth_probe_t **out)
{
    *out = NULL;
    struct tm_auth_probe *p = tm_calloc(1, sizeof(*p));
    if (!p)
        return TM_ENOMEM;
    p->view = tm_auth_view_create();
    p->domain = tm_strdup(domain);
    if (!p->view || !p->domain) {
        tm_auth_probe_destroy(p);
        return TM_ENOMEM;
    }
    p->loop = loop;
    uint16_t port = opts && opts->auth_port ? opts->auth_port : TM_PROBE_DEFAULT_AUTH_PORT;
    p->view->port = port;
    p->view->truncated = targets->truncated;
    size_t n = targets->count < TM_PROBE_MAX_TARGETS ? targets->count : TM_PROBE_MAX_TARGETS;
    p->view->count = n;
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        p->view->servers[i].target = targets->items[i];
        if (targets->items[i].has_addr)
            st = ask_server(p, opts, i, port);
    }
    if (st != TM_OK) {
        tm_auth_probe_destroy(p);
        return st;
    }
    /* Set last: nothing is called back from inside this function. */
    p->notify = notify;
    p->arg = arg;
    *out = p;
    return TM_OK;
}

bool tm_auth_probe_done(const tm_auth_probe_t *p) { return !p || p->outstanding == 0; }

tm_status_t tm_auth_probe_status(const tm_auth_probe_t *p) { return p ? p->status : TM_OK; }

/* Takes back every callback still due and leaves the loop, so nothing
 * writes into the view once it is handed over. */
static void stop_asking(struct tm_auth_probe *p)
{
    for (size_t i = 0; i < TM_PROBE_MAX_TARGETS; i++) {
        if (p->attached[i]) {
            tm_resolver_detach(p->loop, &p->src[i]);
            p->attached[i] = false;
        }
        if (!p->res[i])
            continue;
        for (size_t q = 0; q < NQUESTIONS; q++) {
            slot_t *slot = &p->slots[i][q];
            if (!slot->done && slot->probe == p) {
                tm_resolver_cancel(p->res[i], on_answer, slot);
                slot->done = true;
                p->outstanding--;
            }
        }
    }
}

tm_auth_view_t *tm_auth_probe_take(tm_auth_probe_t *p)
{
    if (!p)
        return NULL;
    stop_asking(p);
    tm_auth_view_t *v = p->view;
    p->view = NULL;
    return v;
}

void tm_auth_probe_destroy(tm_auth_probe_t *p)
{
    if (!p)
        return;
    stop_asking(p);
    for (size_t i = 0; i < TM_PROBE_MAX_TARGETS; i++)
        tm_resolver_destroy(p->res[i]);
    tm_auth_view_destroy(p->view);
    tm_free(p->domain);
    tm_free(p);
}
