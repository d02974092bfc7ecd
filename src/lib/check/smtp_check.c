/* smtp_check.c - inbound.smtp (docs/checks.md, only with --smtp): each
 * receiving server accepts TCP 25, greets with 220 (RFC 5321 section 4.3.1),
 * answers EHLO, and offers STARTTLS (RFC 3207) that completes.  TMEmS
 * delivers the scanned mail to these servers; when it cannot connect, the
 * console shows 受信サーバに接続できません (cannot connect to the receiving
 * server).
 *
 * Pure: the dialogues come in ctx->smtp (tm_probe_view.h), run by
 * src/lib/probe/smtp.c.  Everything the servers sent is quoted here before
 * it reaches a finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks.h"
#include "tmems/tm_probe_view.h"
#include "tmems/tm_i18n.h"

/* Bytes of a greeting's first line shown in a message. */
#define GREETING_SHOW_MAX 160

static bool usable(const tm_answer_t *ans)
{
    return ans && ans->outcome == TM_DNS_NOERROR && ans->count > 0;
}

/* ---- targets and needs ---------------------------------------------------- */

/* Preference order, then name, as a sender tries them (RFC 5321 section 5.1). */
static int by_preference(const void *a, const void *b)
{
    const tm_rr_t *x = *(const tm_rr_t *const *)a, *y = *(const tm_rr_t *const *)b;
    if (x->u.mx.preference != y->u.mx.preference)
        return x->u.mx.preference < y->u.mx.preference ? -1 : 1;
    return strcmp(x->u.mx.host, y->u.mx.host);
}

/* Is this MX host one to greet? */
static bool receiving_host(const tm_check_ctx_t *ctx, const char *host)
{
    return host[0] && !tm_host_is_ip_literal(host) && !tm_ctx_is_tmems_host(ctx, host);
}

static void fill_target(const tm_check_ctx_t *ctx, const char *host, tm_probe_target_t *t)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->host, sizeof(t->host), "%s", host);
    const tm_answer_t *a = tm_rrset_get(ctx->rrset, host, TM_RR_A);
    const tm_answer_t *aaaa = tm_rrset_get(ctx->rrset, host, TM_RR_AAAA);
    if (usable(a) && a->rrs[0].type == TM_RR_A) {
        t->has_addr = true;
        t->addr.family = 4;
        memcpy(t->addr.bytes, a->rrs[0].u.a, 4);
    } else if (usable(aaaa) && aaaa->rrs[0].type == TM_RR_AAAA) {
        t->has_addr = true;
        t->addr.family = 6;
        memcpy(t->addr.bytes, aaaa->rrs[0].u.aaaa, 16);
    } else {
        t->addr_outcome = a ? a->outcome : TM_DNS_UNKNOWN;
        if (a && a->outcome == TM_DNS_NODATA && aaaa)
            t->addr_outcome = aaaa->outcome;
    }
}

void tm_smtp_targets(const tm_check_ctx_t *ctx, tm_probe_targets_t *out)
{
    memset(out, 0, sizeof(*out));
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    if (!usable(mx) || tm_mx_is_null(mx))
        return;
    /* Sorting pointers needs memory; the MX answer holds at most what one
     * DNS message carries, and TM_PROBE_MAX_TARGETS are kept, so pick the
     * best ones by repeated selection instead (bounded, allocation-free). */
    const tm_rr_t *last = NULL;
    while (out->count < TM_PROBE_MAX_TARGETS) {
        const tm_rr_t *best = NULL;
        for (size_t i = 0; i < mx->count; i++) {
            const tm_rr_t *rr = &mx->rrs[i];
            if (!receiving_host(ctx, rr->u.mx.host))
                continue;
            if (last && by_preference(&rr, &last) <= 0)
                continue;
            if (!best || by_preference(&rr, &best) < 0)
                best = rr;
        }
        if (!best)
            return;
        last = best;
        bool seen = false;
        for (size_t k = 0; k < out->count && !seen; k++)
            seen = tm_name_equal(out->items[k].host, best->u.mx.host);
        if (!seen)
            fill_target(ctx, best->u.mx.host, &out->items[out->count++]);
    }
    /* Full: anything after `last` means the list was cut. */
    for (size_t i = 0; i < mx->count; i++) {
        const tm_rr_t *rr = &mx->rrs[i];
        if (receiving_host(ctx, rr->u.mx.host) && by_preference(&rr, &last) > 0)
            out->truncated = true;
    }
}

tm_status_t tm_smtp_needs(const tm_check_ctx_t *ctx, tm_questions_t *need)
{
    tm_status_t st = tm_questions_add(need, ctx->rrset, ctx->domain, TM_RR_MX);
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    if (!usable(mx) || tm_mx_is_null(mx))
        return st;
    for (size_t i = 0; i < mx->count && st == TM_OK; i++) {
        const char *host = mx->rrs[i].u.mx.host;
        if (!receiving_host(ctx, host))
            continue;
        st = tm_questions_add(need, ctx->rrset, host, TM_RR_A);
        if (st == TM_OK)
            st = tm_questions_add(need, ctx->rrset, host, TM_RR_AAAA);
    }
    return st;
}

/* ---- one server's line ---------------------------------------------------- */

typedef enum { KIND_OK, KIND_UNREACHABLE, KIND_TLS, KIND_DIALOGUE } kind_t;

/* Unreachable: nothing SMTP answered at all, which is what a blocked port
 * 25 looks like from here. */
static kind_t kind_of(const tm_smtp_server_t *s)
{
    switch (s->outcome) {
    case TM_SMTP_OK: return KIND_OK;
    case TM_SMTP_NO_ADDRESS:
    case TM_SMTP_REFUSED:
    case TM_SMTP_CONNECT_ERR: return KIND_UNREACHABLE;
    case TM_SMTP_TIMEOUT:
    case TM_SMTP_CLOSED:
    case TM_SMTP_IO_ERR:
        return s->stage <= TM_SMTP_STAGE_GREETING ? KIND_UNREACHABLE : KIND_DIALOGUE;
    case TM_SMTP_NO_STARTTLS:
    case TM_SMTP_TLS_FAILED: return KIND_TLS;
    case TM_SMTP_REJECTED:
        return s->stage == TM_SMTP_STAGE_STARTTLS ? KIND_TLS : KIND_DIALOGUE;
    case TM_SMTP_PROTOCOL: return KIND_DIALOGUE;
    }
    return KIND_DIALOGUE;
}

static const char *stage_name(tm_smtp_stage_t stage)
{
    switch (stage) {
    case TM_SMTP_STAGE_CONNECT: return _("connection");
    case TM_SMTP_STAGE_GREETING: return _("greeting");
    case TM_SMTP_STAGE_EHLO: return "EHLO";
    case TM_SMTP_STAGE_STARTTLS: return "STARTTLS";
    case TM_SMTP_STAGE_TLS: return _("TLS handshake");
    case TM_SMTP_STAGE_QUIT: return "QUIT";
    case TM_SMTP_STAGE_DONE: break;
    }
    return _("dialogue");
}

/* The first line of a server's text, quoted and cut. */
static tm_status_t put_first_line(tm_buf_t *buf, const char *text, size_t len)
{
    size_t n = 0;
    while (n < len && text[n] != '\n')
        n++;
    bool cut = n > GREETING_SHOW_MAX;
    tm_status_t st = tm_quote_dns(buf, text, cut ? GREETING_SHOW_MAX : n);
    if (st == TM_OK && (cut || n < len))
        st = tm_buf_puts(buf, "...");
    return st;
}

static tm_status_t put_greeting(tm_buf_t *buf, const tm_smtp_server_t *s)
{
    if (!s->greeting_code)
        return TM_OK;
    tm_status_t st = tm_buf_printf(buf, "%u ", s->greeting_code);
    if (st == TM_OK)
        st = put_first_line(buf, s->greeting ? s->greeting : "", s->greeting ? s->greeting_len : 0);
    return st == TM_OK ? tm_buf_puts(buf, "; ") : st;
}

static tm_status_t put_date(tm_buf_t *buf, int64_t when)
{
    time_t t = (time_t)when;
    struct tm tm;
    char date[32];
    if (!gmtime_r(&t, &tm) || strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm) == 0)
        return tm_buf_printf(buf, "%lld", (long long)when);
    return tm_buf_puts(buf, date);
}

static tm_status_t put_certificate(tm_buf_t *buf, const tm_smtp_server_t *s)
{
    if (!s->cert_present)
        return tm_buf_puts(buf, _("; no certificate"));
    tm_status_t st = tm_buf_puts(buf, _("; certificate CN "));
    if (st == TM_OK)
        st = s->cert_cn ? tm_quote_dns(buf, s->cert_cn, strlen(s->cert_cn))
                        : tm_buf_puts(buf, _("(none)"));
    if (st == TM_OK)
        st = tm_buf_puts(buf, _(", valid until "));
    if (st == TM_OK)
        st = put_date(buf, s->cert_not_after);
    if (st == TM_OK && s->cert_not_after < s->probed_at)
        st = tm_buf_puts(buf, _(" (expired)"));
    if (st == TM_OK)
        st = s->cert_verified
                 ? tm_buf_puts(buf, _(", verified against the system's trust store"))
                 : tm_buf_printf(buf, _(", not verified against the system's trust store (%s)"),
                                 s->verify_error ? s->verify_error : _("unknown reason"));
    return st;
}

static tm_status_t describe(tm_buf_t *buf, const tm_smtp_server_t *s, uint16_t port,
                            unsigned timeout_ms)
{
    char addr[64] = "";
    if (s->target.has_addr)
        tm_ip_format(&s->target.addr, addr, sizeof(addr));
    tm_status_t st = addr[0] ? tm_buf_printf(buf, "%s (%s): ", s->target.host, addr)
                             : tm_buf_printf(buf, "%s: ", s->target.host);
    if (st != TM_OK)
        return st;
    switch (s->outcome) {
    case TM_SMTP_NO_ADDRESS:
        return tm_buf_printf(buf, _("the host has no address (%s)"),
                             tm_dns_outcome_name(s->target.addr_outcome));
    case TM_SMTP_REFUSED:
        return tm_buf_printf(buf, _("connection refused on TCP %u (nothing listens there, or "
                                    "a firewall rejects it)"),
                             port);
    case TM_SMTP_CONNECT_ERR:
        return tm_buf_printf(buf, _("cannot connect on TCP %u: %s"), port,
                             strerror(s->sys_errno));
    case TM_SMTP_TIMEOUT:
        if (s->stage == TM_SMTP_STAGE_CONNECT)
            return tm_buf_printf(buf, _("no answer to the connection on TCP %u within %u ms "
                                        "(a firewall drops it?)"),
                                 port, timeout_ms);
        if (s->stage == TM_SMTP_STAGE_GREETING)
            return tm_buf_printf(buf, _("connected, but no greeting within %u ms"), timeout_ms);
        st = put_greeting(buf, s);
        return st == TM_OK ? tm_buf_printf(buf, _("no reply to the %s within %u ms"),
                                           stage_name(s->stage), timeout_ms)
                           : st;
    case TM_SMTP_CLOSED:
        st = put_greeting(buf, s);
        return st == TM_OK ? tm_buf_printf(buf, _("the server closed the connection during "
                                                  "the %s"),
                                           stage_name(s->stage))
                           : st;
    case TM_SMTP_IO_ERR:
        st = put_greeting(buf, s);
        return st == TM_OK ? tm_buf_printf(buf, _("%s during the %s"), strerror(s->sys_errno),
                                           stage_name(s->stage))
                           : st;
    case TM_SMTP_PROTOCOL:
        st = put_greeting(buf, s);
        return st == TM_OK ? tm_buf_printf(buf, _("malformed reply during the %s (%s)"),
                                           stage_name(s->stage),
                                           s->error ? s->error : _("not SMTP"))
                           : st;
    case TM_SMTP_REJECTED:
        if (s->stage == TM_SMTP_STAGE_GREETING)
            st = tm_buf_printf(buf, _("greets with %u instead of 220: "), s->reply_code);
        else if ((st = put_greeting(buf, s)) == TM_OK)
            st = tm_buf_printf(buf, _("%s answered with %u: "), stage_name(s->stage),
                               s->reply_code);
        return st == TM_OK ? put_first_line(buf, s->reply ? s->reply : "",
                                            s->reply ? s->reply_len : 0)
                           : st;
    case TM_SMTP_NO_STARTTLS:
        st = put_greeting(buf, s);
        if (st == TM_OK)
            st = tm_buf_puts(buf, _("STARTTLS is not offered"));
        if (st == TM_OK && s->extensions && s->extensions[0])
            st = tm_buf_printf(buf, _(" (EHLO lists: %s)"), s->extensions);
        return st;
    case TM_SMTP_TLS_FAILED:
        st = put_greeting(buf, s);
        return st == TM_OK ? tm_buf_printf(buf, _("STARTTLS is offered, but the TLS handshake "
                                                  "failed: %s"),
                                           s->error ? s->error : _("unknown reason"))
                           : st;
    case TM_SMTP_OK:
        break;
    }
    st = put_greeting(buf, s);
    if (st == TM_OK)
        st = tm_buf_printf(buf, _("STARTTLS ok (%s, %s)"),
                           s->tls_version ? s->tls_version : "TLS",
                           s->tls_cipher ? s->tls_cipher : "?");
    return st == TM_OK ? put_certificate(buf, s) : st;
}

/* ---- the check ------------------------------------------------------------ */

static tm_status_t not_probed(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    tm_status_t st;
    if (tm_finding_for_missing(ctx, mx, _("the MX records"), out, &st))
        return st;
    if (!usable(mx) || tm_mx_is_null(mx))
        return tm_finding_set(out, TM_CHECK_SKIP, _("No MX record: no receiving server to greet"));
    if (ctx->phase == TM_PHASE_POST)
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("The MX names only TMEmS: the receiving servers are configured "
                                "in the console (受信サーバ) and are not in DNS; greet them with "
                                "an SMTP client from outside your network"));
    return tm_finding_set(out, TM_CHECK_SKIP, _("The MX names no receiving server to greet"));
}

tm_status_t tm_check_inbound_smtp(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    if (!ctx->opts->smtp)
        return tm_finding_set(out, TM_CHECK_SKIP, _("Only with --smtp"));
    if (ctx->opts->offline)
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("Offline: the receiving servers are not contacted"));
    const tm_smtp_view_t *view = ctx->smtp;
    if (!view || view->count == 0)
        return not_probed(ctx, out);

    size_t n = view->count, bad = 0, unreachable = 0, tls = 0;
    tm_buf_t lines;
    tm_buf_init(&lines);
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        const tm_smtp_server_t *s = &view->servers[i];
        kind_t kind = kind_of(s);
        bad += kind != KIND_OK;
        unreachable += kind == KIND_UNREACHABLE;
        tls += kind == KIND_TLS;
        if (i > 0)
            st = tm_buf_putc(&lines, '\n');
        if (st == TM_OK)
            st = describe(&lines, s, view->port, view->timeout_ms);
    }
    if (st != TM_OK)
        goto done;
    if (bad == 0)
        st = tm_finding_set(out, TM_CHECK_PASS,
                            dngettext(TM_TEXTDOMAIN,
                                      "%zu receiving server greets with 220 and offers "
                                      "STARTTLS",
                                      "All %zu receiving servers greet with 220 and offer "
                                      "STARTTLS",
                                      n),
                            n);
    else if (unreachable > 0)
        st = tm_finding_set(out, TM_CHECK_WARN,
                            dngettext(TM_TEXTDOMAIN,
                                      "%zu of %zu receiving server could not be reached on "
                                      "TCP %u from here",
                                      "%zu of %zu receiving servers could not be reached on "
                                      "TCP %u from here",
                                      n),
                            unreachable, n, view->port);
    else if (tls == bad)
        st = tm_finding_set(out, TM_CHECK_WARN,
                            dngettext(TM_TEXTDOMAIN,
                                      "%zu of %zu receiving server does not offer working "
                                      "STARTTLS",
                                      "%zu of %zu receiving servers do not offer working "
                                      "STARTTLS",
                                      n),
                            tls, n);
    else
        st = tm_finding_set(out, TM_CHECK_WARN,
                            dngettext(TM_TEXTDOMAIN,
                                      "%zu of %zu receiving server did not complete the SMTP "
                                      "greeting",
                                      "%zu of %zu receiving servers did not complete the SMTP "
                                      "greeting",
                                      n),
                            bad, n);
    if (st == TM_OK)
        st = tm_finding_detail(out, "%s", lines.data ? lines.data : "");
    if (st == TM_OK && unreachable > 0)
        st = tm_finding_detail(out, _("Port 25 is often blocked outbound from offices and "
                                      "cloud VMs, so a failure from this machine does not "
                                      "prove that TMEmS cannot connect.  If TMEmS cannot, the "
                                      "console says 受信サーバに接続できません (cannot connect "
                                      "to the receiving server)."));
    if (st == TM_OK && tls > 0)
        st = tm_finding_detail(out, _("Without STARTTLS (RFC 3207), the mail TMEmS delivers "
                                      "to this server crosses the network unencrypted."));
    if (st == TM_OK && view->truncated)
        st = tm_finding_detail(out,
                               dngettext(TM_TEXTDOMAIN,
                                         "Only the first %d receiving server was greeted.",
                                         "Only the first %d receiving servers were greeted.",
                                         TM_PROBE_MAX_TARGETS),
                               TM_PROBE_MAX_TARGETS);
    if (st == TM_OK && unreachable > 0)
        st = tm_finding_fix(out, _("Allow TCP %u from the data-center ranges (see "
                                   "inbound.firewall) on the receiving servers and any "
                                   "firewall in front of them, then test from a network that "
                                   "may send on port 25."),
                            view->port);
    if (st == TM_OK && tls > 0)
        st = tm_finding_fix(out, _("Enable STARTTLS on the receiving server, with a "
                                   "certificate for its host name."));
done:
    tm_buf_clear(&lines);
    return st;
}
