/* cares.c - c-ares 1.18 channels under one poll() loop (see cares.h). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <arpa/inet.h>

#include <ares.h>

#include "errbuf.h"
#include "cares.h"
#include "tmems/tm_util.h"
#include "tmems/tm_i18n.h"

/* RFC 6891 section 6.2.5: the payload size our queries advertise. */
#define EDNS_PAYLOAD 4096
/* Up to 512 answers can arrive in one burst (a near resolver answering
 * from its cache).  Each datagram is charged about 1 KiB of socket memory
 * until c-ares reads it, and the default 208 KiB buffer drops the rest, which
 * then cost a full timeout each.  The kernel caps this at net.core.rmem_max. */
#define RECEIVE_BUFFER (1 << 20)

enum { CH_UDP, CH_TCP, CH_COUNT };

struct tm_cares {
    ares_channel ch[CH_COUNT];
    bool lib_init;
};

typedef struct {
    tm_cares_cb cb;
    void *arg;
} send_ctx_t;

static tm_status_t init_channel(const tm_cares_config_t *cfg, bool tcp, ares_channel *out,
                                char *err, size_t errlen)
{
    struct ares_options o;
    int rc;

    memset(&o, 0, sizeof o);
    /* NOCHECKRESP: without it SERVFAIL and REFUSED come back as a bare
     * ARES_ECONNREFUSED; with it the message arrives and its rcode is read
     * from the header by tm_dns_parse_response. */
    o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_EDNS | ARES_FLAG_NOSEARCH |
              (cfg->norecurse ? ARES_FLAG_NORECURSE : 0) |
              (tcp ? ARES_FLAG_USEVC : ARES_FLAG_IGNTC);
    o.timeout = (int)cfg->timeout_ms;
    o.tries = 1; /* see cares.h: the resolver tries again itself */
    o.ednspsz = EDNS_PAYLOAD;
    o.socket_receive_buffer_size = RECEIVE_BUFFER;
    rc = ares_init_options(out, &o,
                           ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
                               ARES_OPT_EDNSPSZ | ARES_OPT_SOCK_RCVBUF);
    if (rc != ARES_SUCCESS) {
        tm_err_printf(err, errlen, _("cannot set up the DNS resolver: %s"), ares_strerror(rc));
        return rc == ARES_ENOMEM ? TM_ENOMEM : TM_ENETWORK;
    }
    if (cfg->servers_csv) {
        rc = ares_set_servers_ports_csv(*out, cfg->servers_csv);
        if (rc != ARES_SUCCESS) {
            tm_err_printf(err, errlen, _("cannot use DNS servers '%s': %s"), cfg->servers_csv,
                    ares_strerror(rc));
            ares_destroy(*out);
            *out = NULL;
            return rc == ARES_ENOMEM ? TM_ENOMEM : TM_EINVAL;
        }
    }
    return TM_OK;
}

tm_status_t tm_cares_create(const tm_cares_config_t *cfg, tm_cares_t **out, char *err,
                            size_t errlen)
{
    tm_status_t st;
    tm_cares_t *net;

    if (!cfg || !out)
        return TM_EINVAL;
    *out = NULL;
    net = tm_calloc(1, sizeof *net);
    if (!net)
        return TM_ENOMEM;
    int rc = ares_library_init(ARES_LIB_INIT_ALL);
    if (rc != ARES_SUCCESS) {
        tm_err_printf(err, errlen, _("cannot set up the DNS resolver: %s"), ares_strerror(rc));
        st = rc == ARES_ENOMEM ? TM_ENOMEM : TM_ENETWORK;
        goto fail;
    }
    net->lib_init = true;
    for (int i = 0; i < CH_COUNT; i++) {
        st = init_channel(cfg, i == CH_TCP, &net->ch[i], err, errlen);
        if (st != TM_OK)
            goto fail;
    }
    *out = net;
    return TM_OK;
fail:
    tm_cares_destroy(net);
    return st;
}

void tm_cares_destroy(tm_cares_t *net)
{
    if (!net)
        return;
    for (int i = 0; i < CH_COUNT; i++) {
        if (net->ch[i])
            ares_destroy(net->ch[i]); /* pending callbacks get ARES_EDESTRUCTION */
    }
    if (net->lib_init)
        ares_library_cleanup();
    tm_free(net);
}

static void on_ares(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    send_ctx_t ctx = *(send_ctx_t *)arg;
    (void)timeouts;
    tm_free(arg);
    switch (status) {
    case ARES_SUCCESS:
        if (abuf && alen > 0) {
            ctx.cb(ctx.arg, TM_CARES_ANSWER, abuf, (size_t)alen, NULL);
            return;
        }
        ctx.cb(ctx.arg, TM_CARES_FAILED, NULL, 0, _("empty response"));
        return;
    case ARES_ETIMEOUT:
        ctx.cb(ctx.arg, TM_CARES_TIMEOUT, NULL, 0, NULL);
        return;
    case ARES_ECONNREFUSED:
        ctx.cb(ctx.arg, TM_CARES_REFUSED, NULL, 0, _("connection refused"));
        return;
    case ARES_EDESTRUCTION:
    case ARES_ECANCELLED:
        ctx.cb(ctx.arg, TM_CARES_CANCELLED, NULL, 0, NULL);
        return;
    default:
        ctx.cb(ctx.arg, TM_CARES_FAILED, NULL, 0, ares_strerror(status));
        return;
    }
}

tm_status_t tm_cares_send(tm_cares_t *net, bool tcp, const uint8_t *query, size_t len,
                          tm_cares_cb cb, void *arg)
{
    if (!net || !query || !cb || len == 0 || len > INT_MAX)
        return TM_EINVAL;
    send_ctx_t *ctx = tm_malloc(sizeof *ctx);
    if (!ctx)
        return TM_ENOMEM;
    ctx->cb = cb;
    ctx->arg = arg;
    ares_send(net->ch[tcp ? CH_TCP : CH_UDP], query, (int)len, on_ares, ctx);
    return TM_OK;
}

void tm_cares_describe(const tm_cares_t *net, char *buf, size_t len)
{
    struct ares_addr_port_node *servers = NULL;
    size_t used = 0;
    if (!buf || len == 0)
        return;
    buf[0] = '\0';
    if (!net || ares_get_servers_ports(net->ch[CH_UDP], &servers) != ARES_SUCCESS)
        return;
    for (const struct ares_addr_port_node *s = servers; s && used < len; s = s->next) {
        char addr[INET6_ADDRSTRLEN] = "?";
        inet_ntop(s->family, s->family == AF_INET6 ? (const void *)&s->addr.addr6
                                                   : (const void *)&s->addr.addr4,
                  addr, sizeof addr);
        unsigned port = s->udp_port ? (unsigned)s->udp_port : 53u;
        int n = snprintf(buf + used, len - used, s->family == AF_INET6 ? "%s[%s]:%u" : "%s%s:%u",
                         used ? ", " : "", addr, port);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    ares_free_data(servers);
}

/* Monotonic milliseconds, rounded up so that a timeout due in 0.3 ms does
 * not spin. */
static long long due_from(const struct timeval *tv)
{
    return tm_monotonic_ms() + (long long)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
}

size_t tm_cares_watch(tm_cares_t *net, struct pollfd *pfd, size_t max, long long *due_ms)
{
    size_t n = 0;
    if (!net)
        return 0;
    for (int i = 0; i < CH_COUNT; i++) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        int bits = ares_getsock(net->ch[i], socks, ARES_GETSOCK_MAXNUM);
        for (int k = 0; k < ARES_GETSOCK_MAXNUM; k++) {
            bool r = ARES_GETSOCK_READABLE(bits, k), w = ARES_GETSOCK_WRITABLE(bits, k);
            if (!r && !w)
                break;
            if (n < max) {
                pfd[n].fd = socks[k];
                pfd[n].events = (short)((r ? POLLIN : 0) | (w ? POLLOUT : 0));
                pfd[n].revents = 0;
            }
            n++;
        }
        struct timeval tv;
        if (ares_timeout(net->ch[i], NULL, &tv)) {
            long long due = due_from(&tv);
            if (*due_ms < 0 || due < *due_ms)
                *due_ms = due;
        }
    }
    return n;
}

/* Which channel owns fd (each socket belongs to one). */
static int owner_of(const tm_cares_t *net, int fd)
{
    for (int i = 0; i < CH_COUNT; i++) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        int bits = ares_getsock(net->ch[i], socks, ARES_GETSOCK_MAXNUM);
        for (int k = 0; k < ARES_GETSOCK_MAXNUM; k++) {
            if (!ARES_GETSOCK_READABLE(bits, k) && !ARES_GETSOCK_WRITABLE(bits, k))
                break;
            if (socks[k] == fd)
                return i;
        }
    }
    return -1;
}

void tm_cares_handle(tm_cares_t *net, const struct pollfd *pfd, size_t n)
{
    if (!net)
        return;
    for (size_t k = 0; k < n; k++) {
        short ev = pfd[k].revents;
        if (!ev)
            continue;
        /* An earlier call in this loop may have closed the socket (a TCP
         * connection c-ares gave up): only a socket c-ares still has. */
        int owner = owner_of(net, pfd[k].fd);
        if (owner < 0)
            continue;
        ares_socket_t rfd = (ev & (POLLIN | POLLERR | POLLHUP)) ? pfd[k].fd : ARES_SOCKET_BAD;
        ares_socket_t wfd = (ev & POLLOUT) ? pfd[k].fd : ARES_SOCKET_BAD;
        ares_process_fd(net->ch[owner], rfd, wfd);
    }
    /* With no socket ready this still expires the tries whose timeout has
     * passed. */
    for (int i = 0; i < CH_COUNT; i++)
        ares_process_fd(net->ch[i], ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}
