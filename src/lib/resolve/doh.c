/* doh.c - RFC 8484 POST over one libcurl multi handle under a poll() loop
 * (see doh.h).
 *
 * libcurl tells which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when
 * its next timeout is due (CURLMOPT_TIMERFUNCTION); tm_doh_wait polls them
 * as tm_cares_wait polls the c-ares sockets, and hands what is ready back
 * with curl_multi_socket_action.  Every query is one transfer; transfers
 * share connections and, over HTTP/2, one connection's streams.
 *
 * Plain http:// (HTTP/2 without TLS, "h2c") has no version negotiation:
 * the client must know the server speaks HTTP/2 (RFC 9113 section 3.3), and
 * BIND's listener speaks nothing else.  libcurl 7.88 breaks a prior-knowledge
 * transfer that reuses a connection (curl issue 10634, fixed in 8.0), so one
 * transfer, the opener, starts a fresh connection with prior knowledge, and
 * the others ask for plain HTTP/2, which joins the opener's connection
 * (CURLOPT_PIPEWAIT) without the faulty switch.  A server that answers the
 * opener in HTTP/1.x gets HTTP/1.1 from then on (RFC 8484 section 5.2 only
 * recommends HTTP/2). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "resolve/errbuf.h"
#include "resolve/doh.h"
#include "util/tm_i18n.h"

/* A query: header, a name of at most 255 octets, the question tail and the
 * OPT record (the resolver's QUERY_MAX). */
#define QUERY_MAX 512
/* Connections to an https:// server at most.  Over HTTP/2 one carries
 * every query; over HTTP/1.1 each carries one query at a time, so the
 * connection count is then also the number of transfers handed to libcurl
 * at once. */
#define CONNECTIONS_TLS 8
/* Transfers handed to libcurl at once over HTTP/2; the rest wait in our
 * FIFO, so a transfer's timeout starts when it can really be sent.  RFC
 * 9113 section 6.5.2 recommends that a server allow at least 100 streams
 * per connection (BIND's http-streams-per-connection is 100). */
#define ACTIVE_H2 100
/* First body buffer; doubled up to TM_DOH_BODY_MAX. */
#define BODY_FIRST 512
/* Free re-sends of one query after the HTTP version proved wrong. */
#define SWITCHES_MAX 2
/* The longest poll() without a timer from libcurl: a safety net, since
 * libcurl keeps one armed whenever a transfer is under way. */
#define IDLE_WAIT_MS 1000
/* Sockets libcurl may ask us to watch: the connections and the name
 * resolution of the URL's host.  Past it a socket is not watched and its
 * transfer ends by timeout instead of growing the table without bound. */
#define WATCH_MAX 256

/* What is known of an http:// server's HTTP version. */
typedef enum {
    LINK_NONE,    /* no HTTP/2 connection: the next transfer opens one */
    LINK_OPENING, /* the opener is under way; others wait to join it */
    LINK_UP,      /* an HTTP/2 connection answered */
    LINK_H1       /* the server answered in HTTP/1.x */
} link_t;

typedef struct xfer xfer_t;

struct xfer {
    CURL *easy;
    tm_doh_cb cb;
    void *arg;
    uint8_t query[QUERY_MAX];
    size_t qlen;
    uint8_t *body;
    size_t blen, bcap;
    bool too_large, oom;
    bool opener;      /* this try opens the h2c connection */
    unsigned tries;   /* tries started */
    unsigned switches;
    long version;     /* CURLOPT_HTTP_VERSION of the current try */
    char errbuf[CURL_ERROR_SIZE];
    xfer_t *next, *prev; /* the FIFO (next only) or the active list */
};

typedef struct {
    curl_socket_t fd;
    short events;
} watch_t;

struct tm_doh {
    CURLM *multi;
    struct curl_slist *headers;
    char *url;
    unsigned timeout_ms, tries;
    bool https;
    bool tls_h1;    /* https://: ALPN chose HTTP/1.1 */
    link_t link;    /* http:// */
    bool h2_seen;   /* http://: an HTTP/2 response came: never fall back */
    bool global_init;
    bool oom;       /* a socket could not be recorded: wait reports it */

    watch_t *watch;
    size_t nwatch, watch_cap;
    struct pollfd *pfd;
    size_t pfd_cap;
    bool timer_set;
    long long timer_due;

    xfer_t *queue_head, **queue_tail;
    xfer_t *active_head;
    size_t nactive;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* RFC 8484 section 5.2: HTTP/2 is the minimum recommended version.  Over
 * TLS it is negotiated with ALPN (RFC 7301), HTTP/1.1 if the server offers
 * only that. */
static long version_for(const tm_doh_t *doh, bool opener)
{
    if (doh->https)
        return CURL_HTTP_VERSION_2TLS;
    if (doh->link == LINK_H1)
        return CURL_HTTP_VERSION_1_1;
    return opener ? CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE : CURL_HTTP_VERSION_2_0;
}

static size_t active_cap(const tm_doh_t *doh)
{
    if (doh->https)
        return doh->tls_h1 ? CONNECTIONS_TLS : ACTIVE_H2;
    /* HTTP/1.1 over the one connection: one query at a time.  Otherwise
     * the joiners wait for the opener's connection inside libcurl, their
     * timeouts running alongside the opener's. */
    return doh->link == LINK_H1 ? 1 : ACTIVE_H2;
}

/* ---- libcurl's callbacks ----------------------------------------------------- */

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    tm_doh_t *doh = userp;
    size_t i;
    (void)easy;
    (void)socketp;
    for (i = 0; i < doh->nwatch && doh->watch[i].fd != fd; i++)
        ;
    if (what == CURL_POLL_REMOVE) {
        if (i < doh->nwatch)
            doh->watch[i] = doh->watch[--doh->nwatch];
        return 0;
    }
    if (i == doh->nwatch) {
        if (doh->nwatch == WATCH_MAX)
            return 0; /* see WATCH_MAX */
        if (doh->nwatch == doh->watch_cap) {
            size_t cap = doh->watch_cap ? doh->watch_cap * 2 : 8;
            watch_t *w = tm_realloc(doh->watch, cap * sizeof *w);
            if (!w) {
                doh->oom = true;
                return 0;
            }
            doh->watch = w;
            doh->watch_cap = cap;
        }
        doh->watch[doh->nwatch++].fd = fd;
    }
    doh->watch[i].events = (short)(((what & CURL_POLL_IN) ? POLLIN : 0) |
                                   ((what & CURL_POLL_OUT) ? POLLOUT : 0));
    return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    tm_doh_t *doh = userp;
    (void)multi;
    /* -1 removes the timer; 0 asks for a call as soon as possible. */
    doh->timer_set = timeout_ms >= 0;
    if (doh->timer_set)
        doh->timer_due = now_ms() + timeout_ms;
    return 0;
}

/* The body goes into a buffer that grows by doubling up to one DNS
 * message; the body of a non-2xx answer is not kept (the status says it
 * all), so a long error page cannot pass for an oversized answer. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    xfer_t *x = userp;
    long status = 0;
    if (size != 0 && nmemb > SIZE_MAX / size)
        return 0;
    size_t n = size * nmemb;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299)
        return n;
    if (n > TM_DOH_BODY_MAX - x->blen) {
        x->too_large = true;
        return 0; /* libcurl ends the transfer with CURLE_WRITE_ERROR */
    }
    if (x->blen + n > x->bcap) {
        size_t cap = x->bcap ? x->bcap : BODY_FIRST;
        while (cap < x->blen + n)
            cap *= 2;
        if (cap > TM_DOH_BODY_MAX)
            cap = TM_DOH_BODY_MAX;
        uint8_t *b = tm_realloc(x->body, cap);
        if (!b) {
            x->oom = true;
            return 0;
        }
        x->body = b;
        x->bcap = cap;
    }
    memcpy(x->body + x->blen, data, n);
    x->blen += n;
    return n;
}

/* ---- transfers ----------------------------------------------------------------- */

static void xfer_free(xfer_t *x)
{
    if (!x)
        return;
    if (x->easy)
        curl_easy_cleanup(x->easy);
    tm_free(x->body);
    tm_free(x);
}

static void active_unlink(tm_doh_t *doh, xfer_t *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        doh->active_head = x->next;
    if (x->next)
        x->next->prev = x->prev;
    x->next = x->prev = NULL;
    doh->nactive--;
    curl_multi_remove_handle(doh->multi, x->easy);
}

static void enqueue(tm_doh_t *doh, xfer_t *x)
{
    x->next = x->prev = NULL;
    *doh->queue_tail = x;
    doh->queue_tail = &x->next;
}

/* Hands x to libcurl for one try with the current HTTP version. */
static tm_status_t start(tm_doh_t *doh, xfer_t *x)
{
    x->blen = 0;
    x->too_large = false;
    x->errbuf[0] = '\0';
    x->opener = !doh->https && doh->link == LINK_NONE;
    x->version = version_for(doh, x->opener);
    if (x->opener)
        doh->link = LINK_OPENING;
    /* The opener never reuses a connection (see the top of this file). */
    if (curl_easy_setopt(x->easy, CURLOPT_HTTP_VERSION, x->version) != CURLE_OK ||
        curl_easy_setopt(x->easy, CURLOPT_FRESH_CONNECT, x->opener ? 1L : 0L) != CURLE_OK ||
        curl_multi_add_handle(doh->multi, x->easy) != CURLM_OK) {
        if (x->opener)
            doh->link = LINK_NONE;
        return TM_ENOMEM;
    }
    x->prev = NULL;
    x->next = doh->active_head;
    if (x->next)
        x->next->prev = x;
    doh->active_head = x;
    doh->nactive++;
    return TM_OK;
}

static void finish(xfer_t *x, tm_status_t status, tm_dns_outcome_t failure, const char *reason)
{
    x->cb(x->arg, status, failure, NULL, 0, reason);
    xfer_free(x);
}

/* Starts waiting transfers while there is room. */
static void pump(tm_doh_t *doh)
{
    while (doh->queue_head && doh->nactive < active_cap(doh)) {
        xfer_t *x = doh->queue_head;
        doh->queue_head = x->next;
        if (!doh->queue_head)
            doh->queue_tail = &doh->queue_head;
        x->next = NULL;
        x->tries++;
        if (start(doh, x) != TM_OK)
            finish(x, TM_ENOMEM, TM_DNS_SERVFAIL, NULL);
    }
}

/* A response tells which version the server speaks. */
static void learn_version(tm_doh_t *doh, long http_version)
{
    bool h2 = http_version >= CURL_HTTP_VERSION_2_0;
    if (doh->https) {
        doh->tls_h1 = !h2;
        return;
    }
    doh->link = h2 ? LINK_UP : LINK_H1;
    doh->h2_seen = doh->h2_seen || h2;
}

/* http:// only, after a failed try: what the failure says of the server's
 * version.  True asks for a free re-send with the version now chosen. */
static bool relink(tm_doh_t *doh, xfer_t *x, CURLcode rc)
{
    if (doh->https)
        return false;
    if (x->opener && doh->link == LINK_OPENING)
        doh->link = LINK_NONE;
    if (x->switches >= SWITCHES_MAX)
        return false;
    /* HTTP/2 was answered in HTTP/1.x or the connection was dropped before
     * any HTTP/2 answer: the opener and the joiners on its connection all
     * see it, whichever ends first switches. */
    if (x->version != CURL_HTTP_VERSION_1_1 && tm_doh_h2_refused(rc) && !doh->h2_seen) {
        doh->link = LINK_H1;
        return true;
    }
    /* libcurl reports HTTP/2 frames answering an HTTP/1.1 request as
     * "HTTP/0.9": a joiner found no connection and tried the Upgrade that
     * the server does not do, or the fallback to HTTP/1.1 was wrong. */
    if (rc == CURLE_UNSUPPORTED_PROTOCOL && !x->opener) {
        if (doh->link == LINK_UP || doh->link == LINK_H1)
            doh->link = LINK_NONE;
        return true;
    }
    /* A joiner lost its connection: the next try opens a new one. */
    if (!x->opener && doh->link == LINK_UP && tm_doh_h2_refused(rc))
        doh->link = LINK_NONE;
    return false;
}

static void on_done(tm_doh_t *doh, xfer_t *x, CURLcode rc)
{
    long status = 0, version = 0;
    char *ctype = NULL;
    char why[CURL_ERROR_SIZE + 96];
    bool retry;

    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &version);
    curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
    active_unlink(doh, x);
    if (status > 0)
        learn_version(doh, version);
    if (x->oom) {
        finish(x, TM_ENOMEM, TM_DNS_SERVFAIL, NULL);
        return;
    }
    if (rc == CURLE_OK) {
        tm_dns_outcome_t outcome = tm_doh_classify_http(status, ctype, why, sizeof why);
        if (outcome == TM_DNS_NOERROR)
            x->cb(x->arg, TM_OK, TM_DNS_NOERROR, x->body, x->blen, NULL);
        else
            x->cb(x->arg, TM_OK, outcome, NULL, 0, why);
        xfer_free(x);
        return;
    }
    if (x->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(why, sizeof why, _("DoH answer larger than %d bytes"), TM_DOH_BODY_MAX);
        finish(x, TM_OK, TM_DNS_FORMERR, why);
        return;
    }
    if (relink(doh, x, rc)) {
        x->switches++;
        enqueue(doh, x);
        x->tries--; /* pump counts a try; a switch is not one */
        return;
    }
    tm_dns_outcome_t outcome = tm_doh_classify_transport((int)rc, &retry);
    if (retry && x->tries < doh->tries) {
        enqueue(doh, x);
        return;
    }
    const char *text = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
    if (outcome == TM_DNS_TIMEOUT)
        snprintf(why, sizeof why, _("no answer from the DoH server (%u tries, %u ms timeout): %s"),
                 x->tries, doh->timeout_ms, text);
    else
        snprintf(why, sizeof why, _("DoH request failed after %u tries: %s"), x->tries, text);
    finish(x, TM_OK, outcome, why);
}

static void drain(tm_doh_t *doh)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(doh->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        /* m is invalid once the handle leaves the multi: copy first. */
        CURL *easy = m->easy_handle;
        CURLcode rc = m->data.result;
        char *priv = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
        on_done(doh, (xfer_t *)(void *)priv, rc);
    }
}

/* ---- the API ------------------------------------------------------------------------ */

static tm_status_t setup_multi(tm_doh_t *doh)
{
    /* http://: one connection, the opener's, carries every stream. */
    long conns = doh->https ? CONNECTIONS_TLS : 1;
    doh->multi = curl_multi_init();
    if (!doh->multi)
        return TM_ENOMEM;
    if (curl_multi_setopt(doh->multi, CURLMOPT_SOCKETFUNCTION, on_socket) != CURLM_OK ||
        curl_multi_setopt(doh->multi, CURLMOPT_SOCKETDATA, doh) != CURLM_OK ||
        curl_multi_setopt(doh->multi, CURLMOPT_TIMERFUNCTION, on_timer) != CURLM_OK ||
        curl_multi_setopt(doh->multi, CURLMOPT_TIMERDATA, doh) != CURLM_OK ||
        /* Queries share a connection as HTTP/2 streams (RFC 8484 section
         * 5.2 relies on HTTP/2 for concurrent queries). */
        curl_multi_setopt(doh->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX) != CURLM_OK ||
        curl_multi_setopt(doh->multi, CURLMOPT_MAX_HOST_CONNECTIONS, conns) != CURLM_OK ||
        curl_multi_setopt(doh->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, conns) != CURLM_OK ||
        curl_multi_setopt(doh->multi, CURLMOPT_MAXCONNECTS, conns) != CURLM_OK)
        return TM_ENOMEM;
    return TM_OK;
}

tm_status_t tm_doh_create(const tm_doh_config_t *cfg, tm_doh_t **out, char *err,
                          size_t errlen)
{
    const char *why = NULL;
    tm_status_t st;
    tm_doh_t *doh;

    if (!cfg || !out)
        return TM_EINVAL;
    *out = NULL;
    if (!tm_doh_url_check(cfg->url, &why)) {
        tm_err_printf(err, errlen, _("invalid DoH URL '%s': %s"), cfg->url ? cfg->url : "", _(why));
        return TM_EINVAL;
    }
    doh = tm_calloc(1, sizeof *doh);
    if (!doh)
        return TM_ENOMEM;
    doh->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 2000;
    doh->tries = cfg->tries ? cfg->tries : 1;
    doh->queue_tail = &doh->queue_head;
    doh->https = strncasecmp(cfg->url, "https://", 8) == 0;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        tm_err_printf(err, errlen, "%s", _("cannot set up libcurl for DNS over HTTPS"));
        st = TM_ENETWORK;
        goto fail;
    }
    doh->global_init = true;
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    if (doh->https && !(info->features & CURL_VERSION_SSL)) {
        tm_err_printf(err, errlen, "%s", _("this libcurl has no TLS support: https:// DoH URLs cannot be used"));
        st = TM_EUNSUPPORTED;
        goto fail;
    }
    /* Without HTTP/2 in libcurl, plain http:// can only be HTTP/1.1. */
    if (!(info->features & CURL_VERSION_HTTP2))
        doh->link = LINK_H1;
    doh->url = tm_strndup(cfg->url, tm_doh_url_len(cfg->url));
    if (!doh->url) {
        st = TM_ENOMEM;
        goto fail;
    }
    /* Let libcurl's own URL parser have the last word. */
    CURLU *u = curl_url();
    if (!u) {
        st = TM_ENOMEM;
        goto fail;
    }
    CURLUcode uc = curl_url_set(u, CURLUPART_URL, doh->url, 0);
    curl_url_cleanup(u);
    if (uc != CURLUE_OK) {
        st = uc == CURLUE_OUT_OF_MEMORY ? TM_ENOMEM : TM_EINVAL;
        tm_err_printf(err, errlen, _("invalid DoH URL '%s': %s"), cfg->url, curl_url_strerror(uc));
        goto fail;
    }
    /* RFC 8484 section 4.1: the request's media type; section 4.2.1: the
     * client says which answer format it accepts. */
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: " TM_DOH_MEDIA_TYPE);
    if (h) {
        doh->headers = h;
        h = curl_slist_append(doh->headers, "Accept: " TM_DOH_MEDIA_TYPE);
    }
    if (!h) {
        st = TM_ENOMEM;
        goto fail;
    }
    st = setup_multi(doh);
    if (st != TM_OK)
        goto fail;
    *out = doh;
    return TM_OK;
fail:
    if (st == TM_ENOMEM && err && errlen && !err[0])
        tm_err_printf(err, errlen, "%s", tm_strerror(st));
    tm_doh_destroy(doh);
    return st;
}

void tm_doh_destroy(tm_doh_t *doh)
{
    if (!doh)
        return;
    while (doh->active_head) {
        xfer_t *x = doh->active_head;
        active_unlink(doh, x);
        xfer_free(x);
    }
    while (doh->queue_head) {
        xfer_t *x = doh->queue_head;
        doh->queue_head = x->next;
        xfer_free(x);
    }
    if (doh->multi)
        curl_multi_cleanup(doh->multi);
    curl_slist_free_all(doh->headers);
    if (doh->global_init)
        curl_global_cleanup();
    tm_free(doh->url);
    tm_free(doh->watch);
    tm_free(doh->pfd);
    tm_free(doh);
}

static bool setup_easy(tm_doh_t *doh, xfer_t *x)
{
    CURL *e = x->easy;
    /* TLS verification stays on: a DoH server is trusted for every answer
     * it gives, so it must prove who it is (RFC 8484 section 10). */
    return curl_easy_setopt(e, CURLOPT_URL, doh->url) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
           /* The size first: the body is binary, never measured with strlen. */
           curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)x->qlen) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_POSTFIELDS, (const char *)x->query) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_HTTPHEADER, doh->headers) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_USERAGENT, "tmems-check/" TM_VERSION) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_WRITEDATA, x) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_MAXFILESIZE, (long)TM_DOH_BODY_MAX) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_PRIVATE, x) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
           curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)doh->timeout_ms) == CURLE_OK &&
           /* Wait for a connection that can multiplex rather than open one
            * connection per query while the first is being set up. */
           curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L) == CURLE_OK;
}

tm_status_t tm_doh_send(tm_doh_t *doh, const uint8_t *query, size_t len, tm_doh_cb cb,
                        void *arg)
{
    if (!doh || !query || !cb || len == 0 || len > QUERY_MAX)
        return TM_EINVAL;
    xfer_t *x = tm_calloc(1, sizeof *x);
    if (!x)
        return TM_ENOMEM;
    x->cb = cb;
    x->arg = arg;
    memcpy(x->query, query, len);
    x->qlen = len;
    x->easy = curl_easy_init();
    if (!x->easy || !setup_easy(doh, x)) {
        xfer_free(x);
        return TM_ENOMEM;
    }
    enqueue(doh, x);
    return TM_OK;
}

tm_status_t tm_doh_wait(tm_doh_t *doh, int max_ms)
{
    int running = 0;

    if (!doh)
        return TM_EINVAL;
    pump(doh);
    if (!doh->active_head)
        return TM_OK;
    int timeout = max_ms;
    if (doh->timer_set) {
        long long left = doh->timer_due - now_ms();
        if (left < 0)
            left = 0;
        if (left > INT_MAX)
            left = INT_MAX;
        if (timeout < 0 || left < timeout)
            timeout = (int)left;
    } else if (timeout < 0 || timeout > IDLE_WAIT_MS) {
        timeout = IDLE_WAIT_MS;
    }
    if (doh->pfd_cap < doh->nwatch) {
        struct pollfd *p = tm_realloc(doh->pfd, doh->nwatch * sizeof *p);
        if (!p)
            return TM_ENOMEM;
        doh->pfd = p;
        doh->pfd_cap = doh->nwatch;
    }
    /* A copy: libcurl changes the watch list while it works. */
    nfds_t n = doh->nwatch;
    for (nfds_t k = 0; k < n; k++) {
        doh->pfd[k].fd = doh->watch[k].fd;
        doh->pfd[k].events = doh->watch[k].events;
        doh->pfd[k].revents = 0;
    }
    int rc = poll(doh->pfd, n, timeout);
    if (rc < 0 && errno != EINTR)
        return TM_ENETWORK;
    for (nfds_t k = 0; rc > 0 && k < n; k++) {
        short ev = doh->pfd[k].revents;
        if (!ev)
            continue;
        int mask = ((ev & (POLLIN | POLLHUP)) ? CURL_CSELECT_IN : 0) |
                   ((ev & POLLOUT) ? CURL_CSELECT_OUT : 0) |
                   ((ev & (POLLERR | POLLNVAL)) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(doh->multi, doh->pfd[k].fd, mask, &running);
    }
    if ((doh->timer_set && now_ms() >= doh->timer_due) || (rc == 0 && !doh->timer_set)) {
        /* Cleared first: libcurl sets the next one from inside the call. */
        doh->timer_set = false;
        curl_multi_socket_action(doh->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    drain(doh);
    pump(doh);
    if (doh->oom) {
        doh->oom = false;
        return TM_ENOMEM;
    }
    return TM_OK;
}
