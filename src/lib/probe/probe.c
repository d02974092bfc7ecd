/* probe.c - both probes of one domain as waits on the run's event loop:
 * each authoritative server's resolver and the SMTP connections are
 * sources of the one poll() that also carries the DNS of every other
 * domain, so a server that never answers holds up only its own domain,
 * and a batch's probes overlap (docs/design.md "One event loop"). */
#include <errno.h>

#include "probe.h"

struct tm_probe {
    tm_resolver_t *res;
    tm_auth_probe_t *auth;
    tm_smtp_probe_t *smtp;
    tm_poll_source_t smtp_src;
    bool smtp_attached;
    tm_status_t status;
    bool complete;
    tm_resolver_call_t call;  /* done, made between rounds */
    void (*done)(void *arg);
    void *arg;
};

/* Between rounds: the probe is over, the owner may destroy it. */
static void make_done(void *arg)
{
    tm_probe_t *p = arg;
    if (p->done)
        p->done(p->arg);
}

/* From inside a source: nothing is destroyed here, the owner hears of it
 * between rounds. */
static void check_complete(tm_probe_t *p)
{
    if (p->complete || !tm_auth_probe_done(p->auth) || !tm_smtp_probe_done(p->smtp))
        return;
    p->complete = true;
    if (p->status == TM_OK)
        p->status = tm_auth_probe_status(p->auth);
    tm_resolver_post(p->res, &p->call);
}

static void on_auth_done(void *arg) { check_complete(arg); }

static size_t smtp_watch(void *self, struct pollfd *pfd, size_t max, long long *due)
{
    tm_probe_t *p = self;
    /* One descriptor a connection at most: ask for room for all. */
    if (max < TM_PROBE_MAX_TARGETS)
        return TM_PROBE_MAX_TARGETS;
    long long now = tm_monotonic_ms();
    int wait = -1;
    size_t n = tm_smtp_probe_fds(p->smtp, pfd, max, now, &wait);
    if (wait >= 0 && (*due < 0 || now + wait < *due))
        *due = now + wait;
    return n;
}

static void smtp_handle(void *self, const struct pollfd *pfd, size_t n, long long now)
{
    tm_probe_t *p = self;
    tm_status_t st = tm_smtp_probe_handle(p->smtp, pfd, n, now);
    if (st != TM_OK) {
        /* Out of memory mid-dialogue: the probe ends with that status. */
        if (p->status == TM_OK)
            p->status = st;
        tm_smtp_view_destroy(tm_smtp_probe_take(p->smtp));
    }
    if (tm_smtp_probe_done(p->smtp) && p->smtp_attached) {
        tm_resolver_detach(p->res, &p->smtp_src);
        p->smtp_attached = false;
    }
    check_complete(p);
}

tm_status_t tm_probe_start(tm_resolver_t *res, const tm_probe_options_t *opts,
                           const char *domain, const tm_probe_targets_t *auth,
                           const tm_probe_targets_t *smtp, void (*done)(void *arg), void *arg,
                           tm_probe_t **out)
{
    if (out)
        *out = NULL;
    if (!res || !out || (auth && !domain))
        return TM_EINVAL;
    tm_probe_t *p = tm_calloc(1, sizeof(*p));
    if (!p)
        return TM_ENOMEM;
    p->res = res;
    p->call = (tm_resolver_call_t){.fn = make_done, .arg = p};
    tm_status_t st = TM_OK;
    if (auth)
        st = tm_auth_probe_start(res, opts, domain, auth, on_auth_done, p, &p->auth);
    if (st == TM_OK && smtp)
        st = tm_smtp_probe_start(opts, smtp, &p->smtp);
    if (st == TM_OK && p->smtp && !tm_smtp_probe_done(p->smtp)) {
        p->smtp_src = (tm_poll_source_t){smtp_watch, smtp_handle, p};
        st = tm_resolver_attach(res, &p->smtp_src);
        p->smtp_attached = st == TM_OK;
    }
    if (st != TM_OK) {
        tm_probe_destroy(p);
        return st;
    }
    p->done = done;
    p->arg = arg;
    /* Nothing to wait for (no address anywhere): done all the same, from
     * the loop. */
    check_complete(p);
    *out = p;
    return TM_OK;
}

bool tm_probe_complete(const tm_probe_t *p) { return p && p->complete; }

tm_status_t tm_probe_take(tm_probe_t *p, tm_auth_view_t **auth_out, tm_smtp_view_t **smtp_out)
{
    if (auth_out)
        *auth_out = NULL;
    if (smtp_out)
        *smtp_out = NULL;
    if (!p || !p->complete)
        return TM_EINVAL;
    if (p->status != TM_OK)
        return p->status;
    if (auth_out)
        *auth_out = tm_auth_probe_take(p->auth);
    if (smtp_out)
        *smtp_out = tm_smtp_probe_take(p->smtp);
    return TM_OK;
}

void tm_probe_destroy(tm_probe_t *p)
{
    if (!p)
        return;
    tm_resolver_unpost(p->res, &p->call);
    if (p->smtp_attached)
        tm_resolver_detach(p->res, &p->smtp_src);
    tm_auth_probe_destroy(p->auth);
    tm_smtp_probe_destroy(p->smtp);
    tm_free(p);
}

/* tm_probe_run: an offline resolver owns the loop (it never opens a
 * socket of its own) and runs until the probe is done. */
static void on_run_done(void *arg) { *(bool *)arg = true; }

tm_status_t tm_probe_run(const tm_probe_options_t *opts, const char *domain,
                         const tm_probe_targets_t *auth, const tm_probe_targets_t *smtp,
                         tm_auth_view_t **auth_out, tm_smtp_view_t **smtp_out)
{
    if (auth_out)
        *auth_out = NULL;
    if (smtp_out)
        *smtp_out = NULL;
    if ((auth && (!auth_out || !domain)) || (smtp && !smtp_out))
        return TM_EINVAL;
    if (!auth && !smtp)
        return TM_OK;
    tm_resolver_options_t ro = {.offline = true};
    tm_resolver_t *loop = NULL;
    tm_status_t st = tm_resolver_create(&ro, &loop, NULL, 0);
    tm_probe_t *p = NULL;
    bool done = false;
    if (st == TM_OK)
        st = tm_probe_start(loop, opts, domain, auth, smtp, on_run_done, &done, &p);
    if (st == TM_OK)
        st = tm_resolver_run(loop, -1);
    if (st == TM_OK)
        st = done ? tm_probe_take(p, auth_out, smtp_out) : TM_ENETWORK;
    tm_probe_destroy(p);
    tm_resolver_destroy(loop);
    return st;
}
