/* doh_curl_plugin.c - RFC 8484 POST over one libcurl multi handle under the
 * resolver's poll() loop (see doh.h): the DoH plugin, doh.so, which links
 * libcurl so that the program does not (tmems/tm_plugin.h).  Everything
 * but its table is hidden; memory comes from the host's allocator.
 *
 * libcurl tells which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when
 * its next timeout is due (CURLMOPT_TIMERFUNCTION); tm_doh_watch hands them
 * to the resolver's loop as tm_cares_watch does the c-ares sockets, and
 * tm_doh_handle gives what is ready back with curl_multi_socket_action.
 * Every query is one transfer; over HTTP/2 the transfers are streams of
 * one connection. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "errbuf.h"
#include "doh.h"
#include "tmems/tm_i18n.h"
#include "tmems/tm_plugin.h"

/* The program's allocator and messages, given by bind before any call. */
static const tm_plugin_host_t *program;

/* A query: header, a name of at most 255 octets, the question tail and the
 * OPT record (the resolver's QUERY_MAX). */
#define QUERY_MAX 512
/* Connections to the server at most.  Over HTTP/2 one carries every query;
 * over HTTP/1.1 each carries one query at a time, so the connection count
 * is then also the number of transfers handed to libcurl at once. */
#define CONNECTIONS 8
/* Transfers handed to libcurl at once over HTTP/2; the rest wait in our
 * FIFO, so a transfer's timeout starts when it can really be sent.  RFC
 * 9113 section 6.5.2 recommends that a server allow at least 100 streams
 * per connection (BIND's http-streams-per-connection is 100). */
#define ACTIVE_H2 100
/* First body buffer; doubled up to TM_DOH_BODY_MAX. */
#define BODY_FIRST 512
/* The longest poll() without a timer from libcurl: a safety net, since
 * libcurl keeps one armed whenever a transfer is under way. */
#define IDLE_WAIT_MS 1000
/* Sockets libcurl may ask us to watch: the connections and the name
 * resolution of the URL's host.  Past it a socket is not watched and its
 * transfer ends by timeout instead of growing the table without bound. */
#define WATCH_MAX 256

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
    unsigned tries;   /* tries started */
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
    bool h1;        /* HTTP/1.1: http://, or ALPN chose it for https:// */
    char *cacert, *capath;
    bool global_init;
    bool oom;       /* a socket could not be recorded: wait reports it */

    watch_t *watch;
    size_t nwatch, watch_cap;
    bool timer_set;
    long long timer_due;

    xfer_t *queue_head, **queue_tail;
    xfer_t *active_head;
    size_t nactive;
};

/* Transfers handed to libcurl at once: the streams of one HTTP/2
 * connection, or one per connection over HTTP/1.1. */
static size_t active_cap(const tm_doh_t *doh) { return doh->h1 ? CONNECTIONS : ACTIVE_H2; }

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
            watch_t *w = program->realloc(doh->watch, cap * sizeof *w);
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
        doh->timer_due = tm_monotonic_ms() + timeout_ms;
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
        uint8_t *b = program->realloc(x->body, cap);
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
    program->free(x->body);
    program->free(x);
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

/* Hands x to libcurl for one try. */
static tm_status_t start(tm_doh_t *doh, xfer_t *x)
{
    x->blen = 0;
    x->too_large = false;
    x->errbuf[0] = '\0';
    if (curl_multi_add_handle(doh->multi, x->easy) != CURLM_OK)
        return TM_ENOMEM;
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
            finish(x, TM_ENOMEM, TM_DNS_UNREACHABLE, NULL);
    }
}

/* http:// speaks HTTP/1.1; a server that answers it with HTTP/2 frames
 * (libcurl then sees "HTTP/0.9") speaks nothing else. */
static const char *version_hint(const tm_doh_t *doh, CURLcode rc)
{
    if (doh->https || rc != CURLE_UNSUPPORTED_PROTOCOL)
        return "";
    return _(" (http:// URLs speak HTTP/1.1; a server that speaks only HTTP/2, as BIND's "
             "DoH listener does, needs https://)");
}

static void on_done(tm_doh_t *doh, xfer_t *x, CURLcode rc)
{
    long status = 0, version = 0;
    char *ctype = NULL;
    char why[CURL_ERROR_SIZE + 256];
    bool retry;

    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &version);
    curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
    active_unlink(doh, x);
    /* ALPN's choice shows in the first response (RFC 7301). */
    if (doh->https && status > 0)
        doh->h1 = version < CURL_HTTP_VERSION_2_0;
    if (x->oom) {
        finish(x, TM_ENOMEM, TM_DNS_UNREACHABLE, NULL);
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
        snprintf(why, sizeof why,
                 dngettext(TM_TEXTDOMAIN, "DoH answer larger than %d byte",
                           "DoH answer larger than %d bytes", TM_DOH_BODY_MAX),
                 TM_DOH_BODY_MAX);
        finish(x, TM_OK, TM_DNS_FORMERR, why);
        return;
    }
    tm_dns_outcome_t outcome = tm_doh_classify_transport((int)rc, &retry);
    if (retry && x->tries < doh->tries) {
        enqueue(doh, x);
        return;
    }
    const char *text = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
    if (outcome == TM_DNS_TIMEOUT)
        snprintf(why, sizeof why,
                 dngettext(TM_TEXTDOMAIN, "no answer from the DoH server (%u try of %u ms): %s",
                           "no answer from the DoH server (%u tries of %u ms each): %s",
                           x->tries),
                 x->tries, doh->timeout_ms, text);
    else
        snprintf(why, sizeof why, "%s%s", text, version_hint(doh, rc));
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
    long conns = CONNECTIONS;
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

static void doh_destroy(tm_doh_t *doh);

static tm_status_t doh_create(const tm_doh_config_t *cfg, tm_doh_t **out, char *err,
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
    doh = program->calloc(1, sizeof *doh);
    if (!doh)
        return TM_ENOMEM;
    doh->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : 2000;
    doh->tries = cfg->tries ? cfg->tries : 1;
    doh->queue_tail = &doh->queue_head;
    doh->https = tm_ascii_ncasecmp(cfg->url, "https://", 8) == 0;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        tm_err_printf(err, errlen, "%s", _("cannot set up libcurl for DNS over HTTPS"));
        st = TM_ENETWORK;
        goto fail;
    }
    doh->global_init = true;
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    if (!info) {
        tm_err_printf(err, errlen, "%s", _("cannot set up libcurl for DNS over HTTPS"));
        st = TM_ENETWORK;
        goto fail;
    }
    if (doh->https && !(info->features & CURL_VERSION_SSL)) {
        tm_err_printf(err, errlen, "%s", _("this libcurl has no TLS support: https:// DoH URLs cannot be used"));
        st = TM_EUNSUPPORTED;
        goto fail;
    }
    doh->h1 = !doh->https || !(info->features & CURL_VERSION_HTTP2);
    /* A trust file that cannot be read would fail every handshake with a
     * vague TLS error: say so now, naming it. */
    if ((cfg->cacert && access(cfg->cacert, R_OK) != 0) ||
        (cfg->capath && access(cfg->capath, R_OK | X_OK) != 0)) {
        const char *what = cfg->cacert && access(cfg->cacert, R_OK) != 0 ? cfg->cacert
                                                                          : cfg->capath;
        tm_err_printf(err, errlen, _("cannot read the CA certificates '%s': %s"), what,
                      strerror(errno));
        st = TM_EIO;
        goto fail;
    }
    if ((cfg->cacert && !(doh->cacert = program->strdup(cfg->cacert))) ||
        (cfg->capath && !(doh->capath = program->strdup(cfg->capath)))) {
        st = TM_ENOMEM;
        goto fail;
    }
    doh->url = program->strndup(cfg->url, tm_doh_url_len(cfg->url));
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
        tm_err_printf(err, errlen, "%s", program->strerror(st));
    doh_destroy(doh);
    return st;
}

static void doh_destroy(tm_doh_t *doh)
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
    program->free(doh->url);
    program->free(doh->cacert);
    program->free(doh->capath);
    program->free(doh->watch);
    program->free(doh);
}

static bool setup_easy(tm_doh_t *doh, xfer_t *x)
{
    CURL *e = x->easy;
    /* TLS verification stays on: a DoH server is trusted for every answer
     * it gives, so it must prove who it is (RFC 8484 section 10).  The CAs
     * are libcurl's default bundle unless the caller names others, as
     * curl's --cacert and --capath do. */
    if (doh->cacert && curl_easy_setopt(e, CURLOPT_CAINFO, doh->cacert) != CURLE_OK)
        return false;
    if (doh->capath && curl_easy_setopt(e, CURLOPT_CAPATH, doh->capath) != CURLE_OK)
        return false;
    return curl_easy_setopt(e, CURLOPT_URL, doh->url) == CURLE_OK &&
           /* RFC 8484 section 5.2: HTTP/2 where ALPN offers it (https://);
            * plain http:// is HTTP/1.1 (see doh.h). */
           curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                            doh->https ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1) ==
               CURLE_OK &&
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

static tm_status_t doh_send(tm_doh_t *doh, const uint8_t *query, size_t len, tm_doh_cb cb,
                            void *arg)
{
    if (!doh || !query || !cb || len == 0 || len > QUERY_MAX)
        return TM_EINVAL;
    xfer_t *x = program->calloc(1, sizeof *x);
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

static size_t doh_watch(tm_doh_t *doh, struct pollfd *pfd, size_t max, long long *due_ms)
{
    if (!doh)
        return 0;
    pump(doh);
    if (!doh->active_head)
        return 0;
    long long due = doh->timer_set ? doh->timer_due : tm_monotonic_ms() + IDLE_WAIT_MS;
    if (*due_ms < 0 || due < *due_ms)
        *due_ms = due;
    for (size_t k = 0; k < doh->nwatch && k < max; k++) {
        pfd[k].fd = doh->watch[k].fd;
        pfd[k].events = doh->watch[k].events;
        pfd[k].revents = 0;
    }
    return doh->nwatch;
}

static tm_status_t doh_handle(tm_doh_t *doh, const struct pollfd *pfd, size_t n)
{
    int running = 0;
    bool any = false;

    if (!doh)
        return TM_EINVAL;
    /* pfd is the caller's copy: libcurl changes the watch list while it
     * works. */
    for (size_t k = 0; k < n; k++) {
        short ev = pfd[k].revents;
        if (!ev)
            continue;
        any = true;
        int mask = ((ev & (POLLIN | POLLHUP)) ? CURL_CSELECT_IN : 0) |
                   ((ev & POLLOUT) ? CURL_CSELECT_OUT : 0) |
                   ((ev & (POLLERR | POLLNVAL)) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(doh->multi, pfd[k].fd, mask, &running);
    }
    if (doh->active_head &&
        ((doh->timer_set && tm_monotonic_ms() >= doh->timer_due) || (!any && !doh->timer_set))) {
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

/* ---- the plugin's table --------------------------------------------------------- */

static void plugin_bind(const tm_plugin_host_t *services) { program = services; }

__attribute__((visibility("default"))) const tm_doh_api_t tm_doh_plugin = {
    .header = {.version = TM_VERSION, .abi = TM_DOH_PLUGIN_ABI, .size = sizeof(tm_doh_api_t),
               .bind = plugin_bind},
    .create = doh_create,
    .destroy = doh_destroy,
    .send = doh_send,
    .watch = doh_watch,
    .handle = doh_handle,
};
