/* probe.c - both probes of one domain on one loop: the SMTP sockets are
 * polled directly, and between polls each authoritative server's resolver
 * processes what has arrived.  Neither probe waits for the other, so the
 * whole takes as long as the slowest server, not the sum of them. */
#include <errno.h>
#include <time.h>

#include "probe/probe.h"

/* While DNS answers are awaited the loop wakes at least this often to let
 * the per-server resolvers read them (their sockets are c-ares's). */
#define AUTH_SLICE_MS 5

long long tm_probe_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

tm_status_t tm_probe_run(const tm_probe_options_t *opts, const char *domain,
                         const tm_probe_targets_t *auth, const tm_probe_targets_t *smtp,
                         tm_auth_view_t **auth_out, tm_smtp_view_t **smtp_out)
{
    tm_auth_probe_t *ap = NULL;
    tm_smtp_probe_t *sp = NULL;
    tm_status_t st = TM_OK;
    if (auth_out)
        *auth_out = NULL;
    if (smtp_out)
        *smtp_out = NULL;
    if ((auth && (!auth_out || !domain)) || (smtp && !smtp_out))
        return TM_EINVAL;
    if (auth)
        st = tm_auth_probe_start(opts, domain, auth, &ap);
    if (st == TM_OK && smtp)
        st = tm_smtp_probe_start(opts, smtp, &sp);
    bool auth_done = ap == NULL;
    while (st == TM_OK) {
        long long now = tm_probe_now_ms();
        if (!auth_done)
            st = tm_auth_probe_step(ap, now, &auth_done);
        if (st != TM_OK || (auth_done && tm_smtp_probe_done(sp)))
            break;
        struct pollfd pfd[TM_PROBE_MAX_TARGETS];
        int wait = -1;
        size_t n = sp ? tm_smtp_probe_fds(sp, pfd, TM_PROBE_MAX_TARGETS, now, &wait) : 0;
        if (!auth_done && (wait < 0 || wait > AUTH_SLICE_MS))
            wait = AUTH_SLICE_MS;
        int rc = poll(pfd, n, wait);
        if (rc < 0 && errno != EINTR) {
            st = TM_ENETWORK;
            break;
        }
        if (sp)
            st = tm_smtp_probe_handle(sp, pfd, rc > 0 ? n : 0, tm_probe_now_ms());
    }
    if (st == TM_OK) {
        if (auth_out && ap)
            *auth_out = tm_auth_probe_take(ap);
        if (smtp_out && sp)
            *smtp_out = tm_smtp_probe_take(sp);
    }
    tm_auth_probe_destroy(ap);
    tm_smtp_probe_destroy(sp);
    return st;
}

tm_status_t tm_probe_domain(const tm_check_ctx_t *ctx, tm_auth_view_t **auth_out,
                            tm_smtp_view_t **smtp_out)
{
    *auth_out = NULL;
    *smtp_out = NULL;
    bool auth = tm_probe_wants_auth(ctx->opts), smtp = tm_probe_wants_smtp(ctx->opts);
    if (!auth && !smtp)
        return TM_OK;
    tm_probe_targets_t *targets = tm_calloc(2, sizeof(*targets));
    if (!targets)
        return TM_ENOMEM;
    if (auth)
        tm_auth_targets(ctx, &targets[0]);
    if (smtp)
        tm_smtp_targets(ctx, &targets[1]);
    /* Nothing to ask (no NS, no receiving server): the check says why
     * from the rrset, so no view is made. */
    tm_status_t st = tm_probe_run(ctx->opts->probe, ctx->domain,
                                  auth && targets[0].count ? &targets[0] : NULL,
                                  smtp && targets[1].count ? &targets[1] : NULL, auth_out,
                                  smtp_out);
    tm_free(targets);
    return st;
}
