/* test_resolver.c - the fetch layer against real c-ares queries.
 *
 * The test runs its own tiny DNS responder on 127.0.0.1 (an ephemeral port,
 * UDP and TCP) in a thread: it answers from a fixed table, counts every
 * question it gets, can delay or drop answers, and stops by itself after a
 * hard deadline even if a test forgets it.  Nothing leaves the loopback.
 *
 * Timeouts and the in-flight window are checked by counts and orderings
 * (tries the responder saw, the first burst before any answer, the
 * resolver's counters), never by wall-clock bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tmems/tm_resolve.h"

/* ---- the responder ---------------------------------------------------------- */

#define MAX_SEEN 1024
#define MAX_DELAYED 1024
#define MAX_CONNS 8
#define HARD_DEADLINE_MS 60000
#define SLOW_DELAY_MS 400

typedef struct {
    struct sockaddr_in to;
    uint8_t msg[512];
    size_t len;
    long long due;
} delayed_t;

typedef struct {
    int udp, tcp;
    uint16_t port;
    pthread_t thread;
    atomic_int stop;
    pthread_mutex_t mu;
    /* under mu */
    unsigned udp_queries, tcp_queries;
    unsigned outstanding, max_outstanding;
    unsigned first_wave;      /* queries received before any delayed answer went out */
    bool answered_late;
    struct {
        char name[256];
        uint16_t type;
        unsigned count;
    } seen[MAX_SEEN];
    size_t nseen;
    int last_rd, last_arcount;
    unsigned id_or;           /* OR of every query ID seen */
    /* thread only */
    delayed_t delayed[MAX_DELAYED];
    size_t ndelayed;
    int conns[MAX_CONNS];
    size_t nconns;
} responder_t;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct {
    uint8_t *b;
    size_t n, cap;
} out_t;

static void o8(out_t *o, uint8_t v)
{
    if (o->n < o->cap)
        o->b[o->n] = v;
    o->n++;
}
static void o16(out_t *o, uint16_t v)
{
    o8(o, (uint8_t)(v >> 8));
    o8(o, (uint8_t)v);
}
static void o32(out_t *o, uint32_t v)
{
    o16(o, (uint16_t)(v >> 16));
    o16(o, (uint16_t)v);
}
/* An answer record owned by the question name (a pointer to offset 12). */
static void orr(out_t *o, uint16_t type, uint32_t ttl, const void *rdata, uint16_t rdlen)
{
    o16(o, 0xC00C);
    o16(o, type);
    o16(o, 1);
    o32(o, ttl);
    o16(o, rdlen);
    for (size_t i = 0; i < rdlen; i++)
        o8(o, ((const uint8_t *)rdata)[i]);
}

/* Reads the question; false when the query is not one we understand. */
static bool read_question(const uint8_t *q, size_t len, char *name, uint16_t *type,
                          size_t *qend)
{
    size_t p = 12, o = 0;
    if (len < 12)
        return false;
    while (p < len && q[p] != 0) {
        size_t l = q[p++];
        if (l > 63 || p + l > len || o + l + 1 >= 256)
            return false;
        if (o)
            name[o++] = '.';
        for (size_t i = 0; i < l; i++) {
            char c = (char)q[p + i];
            name[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        p += l;
    }
    name[o] = '\0';
    if (p + 5 > len)
        return false;
    *type = (uint16_t)((q[p + 1] << 8) | q[p + 2]);
    *qend = p + 5;
    return true;
}

/* Returns how often (name, type) has been asked, this time included. */
static unsigned count_question(responder_t *r, const char *name, uint16_t type, bool tcp, int rd,
                               int arcount, unsigned id)
{
    unsigned times = 0;
    pthread_mutex_lock(&r->mu);
    r->id_or |= id;
    if (tcp)
        r->tcp_queries++;
    else
        r->udp_queries++;
    r->last_rd = rd;
    r->last_arcount = arcount;
    size_t i;
    for (i = 0; i < r->nseen; i++) {
        if (r->seen[i].type == type && strcmp(r->seen[i].name, name) == 0)
            break;
    }
    if (i == r->nseen && r->nseen < MAX_SEEN) {
        snprintf(r->seen[i].name, sizeof r->seen[i].name, "%s", name);
        r->seen[i].type = type;
        r->nseen++;
    }
    if (i < MAX_SEEN)
        times = ++r->seen[i].count;
    pthread_mutex_unlock(&r->mu);
    return times;
}

/* The answer table.  Returns the response length, 0 to stay silent;
 * *delay_ms asks for a late answer. */
static size_t respond(responder_t *r, const uint8_t *q, size_t qlen, bool tcp, uint8_t *buf,
                      size_t cap, int *delay_ms)
{
    char name[256];
    uint16_t type;
    size_t qend;
    out_t o = {.b = buf, .cap = cap};

    *delay_ms = 0;
    if (!read_question(q, qlen, name, &type, &qend))
        return 0;
    unsigned times = count_question(r, name, type, tcp, (q[2] & 1) != 0, (q[10] << 8) | q[11],
                                    (unsigned)((q[0] << 8) | q[1]));
    if (strcmp(name, "silent.test") == 0)
        return 0;
    /* "drop-once...": the first try is lost, the next one answered. */
    if (strncmp(name, "drop-once", 9) == 0 && times == 1)
        return 0;
    /* "tcclosed.test": TC over UDP, then TCP closes without an answer. */
    if (strcmp(name, "tcclosed.test") == 0 && tcp)
        return SIZE_MAX;

    unsigned rcode = 0;
    uint16_t flags = 0x8000 | 0x0080 | (q[2] & 1 ? 0x0100 : 0);
    /* Header and question, with the answers filled in below. */
    o16(&o, (uint16_t)((q[0] << 8) | q[1]));
    o16(&o, 0);
    o16(&o, 1);
    o16(&o, 0);
    o16(&o, 0);
    o16(&o, 0);
    for (size_t i = 12; i < qend; i++)
        o8(&o, q[i]);
    uint16_t an = 0;

    if (strcmp(name, "a.test") == 0 && type == TM_RR_A) {
        orr(&o, TM_RR_A, 300, "\xc0\x00\x02\x01", 4);
        orr(&o, TM_RR_A, 60, "\xc0\x00\x02\x02", 4);
        an = 2;
    } else if (strcmp(name, "mx.test") == 0 && type == TM_RR_MX) {
        uint8_t rd[] = {0, 10, 3, 'm', 'x', '1', 0xC0, 12};
        orr(&o, TM_RR_MX, 120, rd, sizeof rd);
        an = 1;
    } else if (strcmp(name, "tcclosed.test") == 0) {
        flags |= 0x0200;
    } else if (strncmp(name, "drop-once", 9) == 0 && type == TM_RR_A) {
        orr(&o, TM_RR_A, 30, "\x0a\x00\x00\x02", 4);
        an = 1;
    } else if (strcmp(name, "big.test") == 0 && type == TM_RR_TXT) {
        if (!tcp) {
            flags |= 0x0200; /* TC: try again over TCP */
        } else {
            uint8_t rd[201];
            rd[0] = 200;
            for (int i = 0; i < 40; i++) {
                memset(rd + 1, 'a' + i % 26, 200);
                orr(&o, TM_RR_TXT, 77, rd, sizeof rd);
            }
            an = 40;
        }
    } else if (strncmp(name, "slow", 4) == 0 && type == TM_RR_A) {
        orr(&o, TM_RR_A, 30, "\x0a\x00\x00\x01", 4);
        an = 1;
        *delay_ms = SLOW_DELAY_MS;
    } else if (strcmp(name, "nodata.test") == 0 || strcmp(name, "a.test") == 0 ||
               strcmp(name, "mx.test") == 0) {
        /* NOERROR, no records */
    } else if (strcmp(name, "servfail.test") == 0) {
        rcode = 2;
    } else if (strcmp(name, "refused.test") == 0) {
        rcode = 5;
    } else if (strcmp(name, "zone.test") == 0 || strncmp(name, "out.zone.test", 13) == 0) {
        /* Names the zone file should have answered: a loud wrong answer. */
        orr(&o, type, 1, "\x7f\x7f\x7f\x7f", 4);
        an = 1;
    } else {
        rcode = 3;
    }
    if (o.n > cap)
        return 0;
    buf[2] = (uint8_t)((flags | rcode) >> 8);
    buf[3] = (uint8_t)(flags | rcode);
    buf[6] = (uint8_t)(an >> 8);
    buf[7] = (uint8_t)an;
    return o.n;
}

static void handle_udp(responder_t *r)
{
    uint8_t q[4096], a[512];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(r->udp, q, sizeof q, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    if (n <= 0)
        return;
    pthread_mutex_lock(&r->mu);
    if (!r->answered_late)
        r->first_wave++;
    pthread_mutex_unlock(&r->mu);
    int delay;
    size_t len = respond(r, q, (size_t)n, false, a, sizeof a, &delay);
    if (len == 0)
        return;
    if (delay > 0 && r->ndelayed < MAX_DELAYED) {
        delayed_t *d = &r->delayed[r->ndelayed++];
        d->to = from;
        memcpy(d->msg, a, len);
        d->len = len;
        d->due = now_ms() + delay;
        pthread_mutex_lock(&r->mu);
        if (++r->outstanding > r->max_outstanding)
            r->max_outstanding = r->outstanding;
        pthread_mutex_unlock(&r->mu);
        return;
    }
    sendto(r->udp, a, len, 0, (struct sockaddr *)&from, fl);
}

static void send_due(responder_t *r)
{
    long long now = now_ms();
    size_t k = 0;
    for (size_t i = 0; i < r->ndelayed; i++) {
        delayed_t *d = &r->delayed[i];
        if (d->due <= now) {
            sendto(r->udp, d->msg, d->len, 0, (struct sockaddr *)&d->to, sizeof d->to);
            pthread_mutex_lock(&r->mu);
            r->answered_late = true;
            r->outstanding--;
            pthread_mutex_unlock(&r->mu);
        } else {
            r->delayed[k++] = *d;
        }
    }
    r->ndelayed = k;
}

static bool read_full(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = recv(fd, buf + got, n - got, 0);
        if (k <= 0)
            return false;
        got += (size_t)k;
    }
    return true;
}

/* One length-prefixed query on a TCP connection (RFC 1035 section 4.2.2). */
static bool handle_tcp(responder_t *r, int fd)
{
    uint8_t lenb[2], q[4096], a[16384 + 2];
    if (!read_full(fd, lenb, 2))
        return false;
    size_t qlen = (size_t)((lenb[0] << 8) | lenb[1]);
    if (qlen > sizeof q || !read_full(fd, q, qlen))
        return false;
    int delay;
    size_t len = respond(r, q, qlen, true, a + 2, sizeof a - 2, &delay);
    if (len == SIZE_MAX)
        return false; /* hang up without an answer */
    if (len == 0)
        return true;
    a[0] = (uint8_t)(len >> 8);
    a[1] = (uint8_t)len;
    return send(fd, a, len + 2, MSG_NOSIGNAL) == (ssize_t)(len + 2);
}

static void *responder_main(void *arg)
{
    responder_t *r = arg;
    long long hard = now_ms() + HARD_DEADLINE_MS;
    while (!atomic_load(&r->stop) && now_ms() < hard) {
        struct pollfd pfd[2 + MAX_CONNS];
        nfds_t n = 0;
        pfd[n++] = (struct pollfd){.fd = r->udp, .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = r->tcp, .events = POLLIN};
        for (size_t i = 0; i < r->nconns; i++)
            pfd[n++] = (struct pollfd){.fd = r->conns[i], .events = POLLIN};
        int timeout = 20;
        poll(pfd, n, timeout);
        send_due(r);
        /* Drain every queued datagram: bursts of hundreds arrive at once. */
        if (pfd[0].revents & POLLIN) {
            for (int k = 0; k < 2048; k++) {
                uint8_t probe;
                if (recv(r->udp, &probe, 1, MSG_PEEK | MSG_DONTWAIT) < 0)
                    break;
                handle_udp(r);
            }
        }
        if ((pfd[1].revents & POLLIN) && r->nconns < MAX_CONNS) {
            int c = accept(r->tcp, NULL, NULL);
            if (c >= 0)
                r->conns[r->nconns++] = c;
        }
        for (nfds_t i = 2; i < n; i++) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int fd = pfd[i].fd;
            if (!handle_tcp(r, fd)) {
                close(fd);
                for (size_t k = 0; k < r->nconns; k++) {
                    if (r->conns[k] == fd) {
                        r->conns[k] = r->conns[--r->nconns];
                        break;
                    }
                }
            }
        }
    }
    return NULL;
}

static responder_t *responder_start(void)
{
    responder_t *r = calloc(1, sizeof *r);
    assert_non_null(r);
    pthread_mutex_init(&r->mu, NULL);
    /* Same port number for UDP and TCP; retry if TCP's is taken. */
    for (int attempt = 0; attempt < 50; attempt++) {
        struct sockaddr_in sa = {.sin_family = AF_INET};
        socklen_t sl = sizeof sa;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        r->udp = socket(AF_INET, SOCK_DGRAM, 0);
        assert_true(r->udp >= 0);
        assert_int_equal(bind(r->udp, (struct sockaddr *)&sa, sizeof sa), 0);
        assert_int_equal(getsockname(r->udp, (struct sockaddr *)&sa, &sl), 0);
        r->tcp = socket(AF_INET, SOCK_STREAM, 0);
        assert_true(r->tcp >= 0);
        int one = 1;
        setsockopt(r->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(r->tcp, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(r->tcp, 8) == 0) {
            r->port = ntohs(sa.sin_port);
            break;
        }
        close(r->udp);
        close(r->tcp);
        r->udp = r->tcp = -1;
    }
    assert_true(r->port != 0);
    int rcv = 1 << 20;
    setsockopt(r->udp, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    assert_int_equal(pthread_create(&r->thread, NULL, responder_main, r), 0);
    return r;
}

static void responder_stop(responder_t *r)
{
    atomic_store(&r->stop, 1);
    pthread_join(r->thread, NULL);
    for (size_t i = 0; i < r->nconns; i++)
        close(r->conns[i]);
    close(r->udp);
    close(r->tcp);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

static unsigned asked(responder_t *r, const char *name, uint16_t type)
{
    unsigned n = 0;
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->nseen; i++) {
        if (r->seen[i].type == type && strcmp(r->seen[i].name, name) == 0)
            n = r->seen[i].count;
    }
    pthread_mutex_unlock(&r->mu);
    return n;
}

static int last_rd(responder_t *r)
{
    pthread_mutex_lock(&r->mu);
    int v = r->last_rd;
    pthread_mutex_unlock(&r->mu);
    return v;
}

static int last_arcount(responder_t *r)
{
    pthread_mutex_lock(&r->mu);
    int v = r->last_arcount;
    pthread_mutex_unlock(&r->mu);
    return v;
}

static unsigned total_queries(responder_t *r)
{
    pthread_mutex_lock(&r->mu);
    unsigned n = r->udp_queries + r->tcp_queries;
    pthread_mutex_unlock(&r->mu);
    return n;
}

/* ---- fixtures ------------------------------------------------------------------ */

typedef struct {
    responder_t *dns;
    char server[32];
    const char *servers[1];
    tm_resolver_options_t opts;
    tm_resolver_t *res;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dns = responder_start();
    snprintf(f->server, sizeof f->server, "127.0.0.1:%u", f->dns->port);
    f->servers[0] = f->server;
    f->opts.servers = f->servers;
    f->opts.nservers = 1;
    f->opts.timeout_ms = 1000;
    f->opts.tries = 2;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    tm_resolver_destroy(f->res);
    responder_stop(f->dns);
    free(f);
    return 0;
}

static tm_resolver_t *make(fixture_t *f)
{
    char err[256] = "";
    tm_status_t st = tm_resolver_create(&f->opts, &f->res, err, sizeof err);
    if (st != TM_OK)
        fail_msg("create: %s (%s)", tm_strerror(st), err);
    return f->res;
}

typedef struct {
    tm_answer_t *last;
    unsigned calls;
} got_t;

static void on_answer(void *arg, tm_answer_t *ans)
{
    got_t *g = arg;
    g->calls++;
    tm_answer_unref(g->last);
    g->last = ans;
}

/* Submits one question and runs until it is answered. */
static tm_answer_t *ask(tm_resolver_t *res, const char *name, uint16_t type)
{
    got_t g = {0};
    assert_int_equal(tm_resolver_submit(res, name, type, on_answer, &g), TM_OK);
    assert_int_equal(g.calls, 0); /* never from inside submit */
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(g.calls, 1);
    assert_non_null(g.last);
    return g.last;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_server_valid(void **state)
{
    (void)state;
    struct {
        const char *in;
        const char *out; /* NULL: rejected */
    } cases[] = {
        {"1.2.3.4", "1.2.3.4:53"},
        {"1.2.3.4:5353", "1.2.3.4:5353"},
        {"127.0.0.1:65535", "127.0.0.1:65535"},
        {"[::1]:5353", "[::1]:5353"},
        {"::1", "[::1]:53"},
        {"[::1]", "[::1]:53"},
        {"2001:DB8::1", "[2001:db8::1]:53"},
        {"[2001:db8:0:0::53]:53", "[2001:db8::53]:53"},
        {"1.2.3.4:0", NULL},
        {"1.2.3.4:65536", NULL},
        {"1.2.3.4:99999", NULL},
        {"1.2.3.4:", NULL},
        {"1.2.3.4:53x", NULL},
        {"1.2.3.4:-1", NULL},
        {"1.2.3", NULL},
        {"1.2.3.256", NULL},
        {"dns.example.jp", NULL},
        {"localhost:53", NULL},
        {"", NULL},
        {"[::1]:0", NULL},
        {"[::1]53", NULL},
        {"[::1", NULL},
        {"[1.2.3.4]:53", NULL},
        {"::1:53:", NULL},
        {"fe80::1%eth0", NULL},
        {" 1.2.3.4", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64] = "";
        bool ok = tm_resolver_server_valid(cases[i].in, out, sizeof out);
        if (ok != (cases[i].out != NULL))
            fail_msg("'%s': %s", cases[i].in, ok ? "accepted" : "rejected");
        if (ok)
            assert_string_equal(out, cases[i].out);
    }
    char tiny[8];
    assert_false(tm_resolver_server_valid("1.2.3.4", tiny, sizeof tiny));
    assert_false(tm_resolver_server_valid(NULL, tiny, sizeof tiny));
}

static void test_noerror_with_ttls(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *res = make(f);
    tm_answer_t *ans = ask(res, "A.Test.", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->source, TM_SRC_DNS);
    assert_string_equal(ans->name, "a.test");
    assert_int_equal(ans->count, 2);
    assert_int_equal(ans->rrs[0].ttl, 300);
    assert_int_equal(ans->rrs[1].ttl, 60);
    assert_memory_equal(ans->rrs[1].u.a, ((uint8_t[]){192, 0, 2, 2}), 4);
    assert_true(ans->wire_size > 12);
    assert_false(ans->truncated);
    tm_answer_unref(ans);

    ans = ask(res, "mx.test", TM_RR_MX);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->count, 1);
    assert_string_equal(ans->rrs[0].u.mx.host, "mx1.mx.test");
    assert_int_equal(ans->rrs[0].ttl, 120);
    tm_answer_unref(ans);

    /* The query asked for recursion and carried an EDNS0 OPT record. */
    assert_int_equal(last_rd(f->dns), 1);
    assert_int_equal(last_arcount(f->dns), 1);
    assert_int_equal(tm_resolver_pending(res), 0);
    /* The resolver builds its queries with ID 0; c-ares must have put in
     * IDs of its own (RFC 5452 section 4.3: unpredictable IDs). */
    pthread_mutex_lock(&f->dns->mu);
    assert_int_not_equal(f->dns->id_or, 0);
    pthread_mutex_unlock(&f->dns->mu);
}

static void test_outcomes(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *res = make(f);
    struct {
        const char *name;
        uint16_t type;
        tm_dns_outcome_t want;
    } cases[] = {
        {"nodata.test", TM_RR_A, TM_DNS_NODATA},
        {"a.test", TM_RR_AAAA, TM_DNS_NODATA},
        {"nx.test", TM_RR_A, TM_DNS_NXDOMAIN},
        {"servfail.test", TM_RR_TXT, TM_DNS_SERVFAIL},
        {"refused.test", TM_RR_MX, TM_DNS_REFUSED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tm_answer_t *ans = ask(res, cases[i].name, cases[i].type);
        if (ans->outcome != cases[i].want)
            fail_msg("%s: got %s", cases[i].name, tm_dns_outcome_name(ans->outcome));
        assert_int_equal(ans->count, 0);
        assert_int_equal(ans->source, TM_SRC_DNS);
        /* Asked once each: SERVFAIL and REFUSED are not retried elsewhere. */
        assert_int_equal(asked(f->dns, cases[i].name, cases[i].type), 1);
        tm_answer_unref(ans);
    }
}

/* A server that answers, then stays silent for one question: TIMEOUT, after
 * exactly `tries` tries, each sent again by the resolver itself (so each
 * waits the same timeout: c-ares is given one try, see cares.h). */
static void test_timeout(void **state)
{
    fixture_t *f = *state;
    f->opts.timeout_ms = 200;
    f->opts.tries = 3;
    tm_resolver_t *res = make(f);
    tm_answer_unref(ask(res, "a.test", TM_RR_A));
    tm_answer_t *ans = ask(res, "silent.test", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_TIMEOUT);
    assert_string_equal(ans->error, "no answer from the DNS server (3 tries of 200 ms each)");
    assert_int_equal(ans->count, 0);
    assert_int_equal(asked(f->dns, "silent.test", TM_RR_A), 3);
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.retransmissions, 2);
    assert_int_equal(st.sent, 2);
    /* The server answered before: a question's silence is no failure of
     * the whole run. */
    assert_int_equal(tm_resolver_failure_kind(res), TM_RESOLVER_FINE);
    assert_null(tm_resolver_failure(res));
    tm_answer_unref(ans);
}

/* A server that has never answered anything cannot be reached: the
 * outcome is UNREACHABLE, and the run's failure names the server once. */
static void test_silent_server(void **state)
{
    fixture_t *f = *state;
    f->opts.timeout_ms = 100;
    f->opts.tries = 2;
    tm_resolver_t *res = make(f);
    tm_answer_t *ans = ask(res, "silent.test", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_UNREACHABLE);
    assert_string_equal(ans->error, "no answer from the DNS server (2 tries of 100 ms each)");
    assert_int_equal(asked(f->dns, "silent.test", TM_RR_A), 2);
    assert_int_equal(tm_resolver_failure_kind(res), TM_RESOLVER_UNREACHABLE);
    char want[128];
    snprintf(want, sizeof want,
             "cannot reach the DNS server 127.0.0.1:%u: no answer from the DNS server (2 tries "
             "of 100 ms each)",
             f->dns->port);
    assert_string_equal(tm_resolver_failure(res), want);
    tm_answer_unref(ans);
}

static void test_connection_refused(void **state)
{
    fixture_t *f = *state;
    /* A port nobody listens on: the kernel answers with ICMP unreachable. */
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof sa;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
    close(s);
    snprintf(f->server, sizeof f->server, "127.0.0.1:%u", ntohs(sa.sin_port));
    tm_resolver_t *res = make(f);
    tm_answer_t *ans = ask(res, "a.test", TM_RR_A);
    /* No server answered: not the REFUSED response code. */
    assert_int_equal(ans->outcome, TM_DNS_UNREACHABLE);
    assert_string_equal(ans->error, "connection refused");
    char want[96];
    snprintf(want, sizeof want, "cannot reach the DNS server %s: connection refused", f->server);
    assert_string_equal(tm_resolver_failure(res), want);
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.retransmissions, 0); /* refused is not tried again */
    tm_answer_unref(ans);
}

/* RFC 7766 section 5: TC over UDP, then a TCP connection closed without an
 * answer: a transport failure, not REFUSED. */
static void test_tcp_closed_after_tc(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *res = make(f);
    tm_answer_unref(ask(res, "a.test", TM_RR_A));
    tm_answer_t *ans = ask(res, "tcclosed.test", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_UNREACHABLE);
    assert_non_null(strstr(ans->error, "TCP connection"));
    assert_int_equal(tm_resolver_failure_kind(res), TM_RESOLVER_UNREACHABLE);
    assert_non_null(strstr(tm_resolver_failure(res), f->server));
    pthread_mutex_lock(&f->dns->mu);
    assert_true(f->dns->tcp_queries >= 1);
    pthread_mutex_unlock(&f->dns->mu);
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.tcp_retries, 1);
    tm_answer_unref(ans);
}

/* The run's deadline: past it tm_resolver_run stops with TM_ENETWORK and
 * says why; the question is not answered with an invented outcome. */
static void test_deadline(void **state)
{
    fixture_t *f = *state;
    f->opts.timeout_ms = 5000;
    f->opts.tries = 3;
    f->opts.deadline_ms = 150;
    tm_resolver_t *res = make(f);
    got_t g = {0};
    assert_int_equal(tm_resolver_submit(res, "silent.test", TM_RR_A, on_answer, &g), TM_OK);
    assert_int_equal(tm_resolver_run(res, -1), TM_ENETWORK);
    assert_int_equal(g.calls, 0);
    assert_int_equal(tm_resolver_failure_kind(res), TM_RESOLVER_DEADLINE);
    assert_string_equal(tm_resolver_failure(res),
                        "the run did not finish within its deadline of 1 s");
    /* One try only: the deadline came long before the first timeout. */
    assert_int_equal(asked(f->dns, "silent.test", TM_RR_A), 1);
    /* A run with nothing pending is never late. */
    tm_resolver_cancel(res, on_answer, &g);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
}

static void test_asked_once(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *res = make(f);
    got_t g[5] = {{0}};
    for (int i = 0; i < 5; i++)
        assert_int_equal(tm_resolver_submit(res, i % 2 ? "A.TEST" : "a.test.", TM_RR_A,
                                            on_answer, &g[i]),
                         TM_OK);
    assert_int_equal(tm_resolver_pending(res), 5);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(g[i].calls, 1);
        assert_int_equal(g[i].last->count, 2);
        /* One shared answer, a reference each. */
        assert_ptr_equal(g[i].last, g[0].last);
    }
    for (int i = 0; i < 5; i++)
        tm_answer_unref(g[i].last);
    assert_int_equal(asked(f->dns, "a.test", TM_RR_A), 1);

    /* Two fetches into two rrsets later: still asked once. */
    for (int round = 0; round < 2; round++) {
        tm_questions_t q;
        tm_questions_init(&q);
        assert_int_equal(tm_questions_add(&q, NULL, "a.test", TM_RR_A), TM_OK);
        assert_int_equal(tm_questions_add(&q, NULL, "mx.test", TM_RR_MX), TM_OK);
        tm_rrset_t *set = tm_rrset_create();
        assert_non_null(set);
        assert_int_equal(tm_resolver_fetch(res, &q, set), TM_OK);
        const tm_answer_t *a = tm_rrset_get(set, "a.test", TM_RR_A);
        assert_non_null(a);
        assert_int_equal(a->count, 2);
        assert_non_null(tm_rrset_get(set, "mx.test", TM_RR_MX));
        tm_rrset_destroy(set);
        tm_questions_clear(&q);
    }
    assert_int_equal(asked(f->dns, "a.test", TM_RR_A), 1);
    assert_int_equal(asked(f->dns, "mx.test", TM_RR_MX), 1);
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.submitted, 9);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.cache_hits, 7); /* 4 joined, then 1 + 2 from the cache */
    assert_int_equal(st.zone_answers, 0);
}

static void test_in_flight_dedupe(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *res = make(f);
    got_t first = {0}, second = {0};
    assert_int_equal(tm_resolver_submit(res, "slow1.test", TM_RR_A, on_answer, &first), TM_OK);
    /* Sends it; the answer is 400 ms away. */
    assert_int_equal(tm_resolver_run(res, 50), TM_OK);
    assert_int_equal(first.calls, 0);
    assert_int_equal(tm_resolver_pending(res), 1);
    assert_int_equal(tm_resolver_submit(res, "slow1.test", TM_RR_A, on_answer, &second), TM_OK);
    assert_int_equal(tm_resolver_pending(res), 2);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(first.calls, 1);
    assert_int_equal(second.calls, 1);
    assert_ptr_equal(first.last, second.last);
    assert_int_equal(first.last->outcome, TM_DNS_NOERROR);
    assert_int_equal(asked(f->dns, "slow1.test", TM_RR_A), 1);
    tm_answer_unref(first.last);
    tm_answer_unref(second.last);
}

static void test_tcp_fallback(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *res = make(f);
    tm_answer_t *ans = ask(res, "big.test", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_true(ans->truncated);
    assert_int_equal(ans->count, 40);
    assert_int_equal(ans->rrs[39].ttl, 77);
    assert_int_equal(ans->rrs[39].u.txt.len, 200);
    assert_int_equal(ans->rrs[39].u.txt.data[0], 'a' + 39 % 26);
    assert_true(ans->wire_size > 8000);
    pthread_mutex_lock(&f->dns->mu);
    assert_int_equal(f->dns->udp_queries, 1);
    assert_int_equal(f->dns->tcp_queries, 1);
    pthread_mutex_unlock(&f->dns->mu);
    tm_answer_unref(ans);
}

static char zone_path[64];

static const char *write_test_zone(void)
{
    strcpy(zone_path, "/tmp/tm_resolver_XXXXXX");
    int fd = mkstemp(zone_path);
    assert_true(fd >= 0);
    static const char text[] = "$ORIGIN zone.test.\n"
                               "$TTL 600\n"
                               "@ IN SOA ns hm 1 2 3 4 5\n"
                               "@ IN NS ns.example.net.\n"
                               "@ IN MX 10 mx\n"
                               "mx IN A 192.0.2.10\n"
                               "out IN CNAME a.test.\n"
                               "deeper IN CNAME mx\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    return zone_path;
}

static void test_zone_then_dns(void **state)
{
    fixture_t *f = *state;
    const char *zones[1] = {write_test_zone()};
    f->opts.zone_files = zones;
    f->opts.nzones = 1;
    tm_resolver_t *res = make(f);
    unlink(zone_path);

    tm_answer_t *ans = ask(res, "zone.test", TM_RR_MX);
    assert_int_equal(ans->source, TM_SRC_ZONE);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_string_equal(ans->rrs[0].u.mx.host, "mx.zone.test");
    assert_int_equal(ans->rrs[0].ttl, 600);
    tm_answer_unref(ans);
    ans = ask(res, "deeper.zone.test", TM_RR_A);
    assert_int_equal(ans->source, TM_SRC_ZONE);
    assert_string_equal(ans->canonical, "mx.zone.test");
    assert_int_equal(ans->count, 1);
    tm_answer_unref(ans);
    ans = ask(res, "nothing.zone.test", TM_RR_A);
    assert_int_equal(ans->source, TM_SRC_ZONE);
    assert_int_equal(ans->outcome, TM_DNS_NXDOMAIN);
    tm_answer_unref(ans);
    ans = ask(res, "zone.test", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NODATA);
    tm_answer_unref(ans);
    assert_int_equal(total_queries(f->dns), 0);

    /* A CNAME out of the zone: the chain goes on in DNS. */
    ans = ask(res, "out.zone.test", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->source, TM_SRC_DNS);
    assert_string_equal(ans->name, "out.zone.test");
    assert_string_equal(ans->canonical, "a.test");
    assert_int_equal(ans->count, 2);
    assert_int_equal(ans->rrs[0].ttl, 300);
    tm_answer_unref(ans);
    assert_int_equal(total_queries(f->dns), 1);

    /* Outside the origin: DNS, here already in the cache. */
    ans = ask(res, "a.test", TM_RR_A);
    assert_int_equal(ans->source, TM_SRC_DNS);
    assert_int_equal(ans->count, 2);
    assert_null(ans->canonical);
    tm_answer_unref(ans);
    assert_int_equal(asked(f->dns, "a.test", TM_RR_A), 1);
    assert_int_equal(total_queries(f->dns), 1);

    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.zone_answers, 5);
    assert_int_equal(st.sent, 1);
}

static void test_most_specific_zone(void **state)
{
    fixture_t *f = *state;
    char parent[64], child[64];
    strcpy(parent, "/tmp/tm_parent_XXXXXX");
    strcpy(child, "/tmp/tm_child_XXXXXX");
    int fp = mkstemp(parent), fc = mkstemp(child);
    assert_true(fp >= 0 && fc >= 0);
    const char ptext[] = "$ORIGIN test.\n@ IN SOA ns.example.net. hm 1 2 3 4 5\n@ IN NS ns.example.net.\nwww.sub IN A 192.0.2.1\nx IN A 192.0.2.3\n";
    const char ctext[] = "$ORIGIN sub.test.\n@ IN SOA ns hm 1 2 3 4 5\n@ IN NS ns.example.net.\n"
                         "www IN A 192.0.2.2\n"
                         "back IN CNAME x.test.\n";
    assert_int_equal(write(fp, ptext, sizeof ptext - 1), (ssize_t)(sizeof ptext - 1));
    assert_int_equal(write(fc, ctext, sizeof ctext - 1), (ssize_t)(sizeof ctext - 1));
    close(fp);
    close(fc);
    const char *zones[2] = {parent, child};
    f->opts.zone_files = zones;
    f->opts.nzones = 2;
    tm_resolver_t *res = make(f);
    unlink(parent);
    unlink(child);
    tm_answer_t *ans = ask(res, "www.sub.test", TM_RR_A);
    assert_int_equal(ans->rrs[0].u.a[3], 2);
    tm_answer_unref(ans);
    ans = ask(res, "x.test", TM_RR_A);
    assert_int_equal(ans->rrs[0].u.a[3], 3);
    tm_answer_unref(ans);
    /* From the child zone on into the parent. */
    ans = ask(res, "back.sub.test", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->source, TM_SRC_ZONE);
    assert_string_equal(ans->canonical, "x.test");
    assert_int_equal(ans->rrs[0].u.a[3], 3);
    tm_answer_unref(ans);
    assert_int_equal(total_queries(f->dns), 0);

    /* The zones loaded, read-only: which names they hold. */
    assert_int_equal(tm_resolver_zone_count(res), 2);
    assert_string_equal(tm_resolver_zone_origin(res, 0), "test");
    assert_string_equal(tm_resolver_zone_origin(res, 1), "sub.test");
    assert_null(tm_resolver_zone_origin(res, 2));
    assert_true(tm_resolver_zones_cover(res, "test"));
    assert_true(tm_resolver_zones_cover(res, "Deep.Below.Sub.Test."));
    assert_false(tm_resolver_zones_cover(res, "other.example"));
    assert_false(tm_resolver_zones_cover(res, "atest"));
    assert_false(tm_resolver_zones_cover(res, NULL));
    assert_int_equal(tm_resolver_zone_count(NULL), 0);
    assert_null(tm_resolver_zone_origin(NULL, 0));
    assert_false(tm_resolver_zones_cover(NULL, "test"));
    /* The most specific zone answers: the child for its names, the parent
     * for the rest. */
    assert_ptr_equal(tm_resolver_zone_for(res, "a.sub.test"), tm_resolver_zone(res, 1));
    assert_ptr_equal(tm_resolver_zone_for(res, "a.test"), tm_resolver_zone(res, 0));
    assert_null(tm_resolver_zone_for(res, "other.example"));
    assert_null(tm_resolver_zone_for(NULL, "test"));
}

static void test_offline(void **state)
{
    fixture_t *f = *state;
    /* The vendor's record, as the run layer hands it over from the rules. */
    tm_static_records_t *recs = NULL;
    assert_int_equal(tm_static_records_create(TM_SRC_RULES, &recs), TM_OK);
    assert_int_equal(tm_static_records_add_txt(recs, "spf.tmems-jp.trendmicro.com", 3600,
                                               "v=spf1 ip4:15.168.56.0/25 -all"),
                     TM_OK);
    const char *zones[1] = {write_test_zone()};
    f->opts.zone_files = zones;
    f->opts.nzones = 1;
    f->opts.offline = true;
    f->opts.records = recs;
    tm_resolver_t *res = make(f);
    unlink(zone_path);

    tm_answer_t *ans = ask(res, "a.test", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_UNKNOWN);
    assert_int_equal(ans->source, TM_SRC_NONE);
    tm_answer_unref(ans);
    ans = ask(res, "spf.tmems-jp.trendmicro.com", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    assert_int_equal(ans->source, TM_SRC_RULES);
    assert_int_equal(ans->count, 1);
    tm_answer_unref(ans);
    ans = ask(res, "mx.zone.test", TM_RR_A);
    assert_int_equal(ans->source, TM_SRC_ZONE);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    tm_answer_unref(ans);
    ans = ask(res, "silent.test", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_UNKNOWN);
    tm_answer_unref(ans);
    /* A zone CNAME that leaves the zones ends in "unknown" offline. */
    ans = ask(res, "out.zone.test", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_UNKNOWN);
    assert_string_equal(ans->canonical, "a.test");
    tm_answer_unref(ans);

    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.sent, 0);
    assert_int_equal(st.static_answers, 1);
    assert_int_equal(st.zone_answers, 2);
    /* Give a stray packet time to arrive before counting none. */
    nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
    assert_int_equal(total_queries(f->dns), 0);
    tm_resolver_destroy(res);
    f->res = NULL;
    tm_static_records_destroy(recs);

    /* Offline without static records: everything outside the zones is
     * unknown. */
    f->opts.records = NULL;
    f->opts.nzones = 0;
    res = make(f);
    assert_int_equal(tm_resolver_zone_count(res), 0);
    assert_false(tm_resolver_zones_cover(res, "zone.test"));
    ans = ask(res, "spf.tmems-jp.trendmicro.com", TM_RR_TXT);
    assert_int_equal(ans->outcome, TM_DNS_UNKNOWN);
    tm_answer_unref(ans);
    assert_int_equal(total_queries(f->dns), 0);
}

static void test_norecurse(void **state)
{
    fixture_t *f = *state;
    f->opts.norecurse = true;
    tm_resolver_t *res = make(f);
    tm_answer_t *ans = ask(res, "a.test", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_NOERROR);
    tm_answer_unref(ans);
    assert_int_equal(last_rd(f->dns), 0);
}

/* 600 questions whose answers each take SLOW_DELAY_MS: the first burst
 * is the window's start (128), every one of them is answered before the
 * server sees more (the window grows only as answers come back), never
 * past the cap (512), and nothing is sent twice.  Whether it grows past the
 * start depends on how promptly a loaded machine reads the answers: the
 * growth rule itself is test_window.c's, in pure arithmetic. */
static void test_in_flight_bound(void **state)
{
    fixture_t *f = *state;
    f->opts.timeout_ms = 5000;
    tm_resolver_t *res = make(f);
    enum { N = 600 };
    static got_t g[N];
    memset(g, 0, sizeof g);
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "slow%d.test", i);
        assert_int_equal(tm_resolver_submit(res, name, TM_RR_A, on_answer, &g[i]), TM_OK);
    }
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    for (int i = 0; i < N; i++) {
        assert_int_equal(g[i].calls, 1);
        assert_int_equal(g[i].last->outcome, TM_DNS_NOERROR);
        tm_answer_unref(g[i].last);
    }
    pthread_mutex_lock(&f->dns->mu);
    unsigned most = f->dns->max_outstanding, total = f->dns->udp_queries;
    unsigned first = f->dns->first_wave;
    pthread_mutex_unlock(&f->dns->mu);
    assert_int_equal(total, N);
    assert_int_equal(first, 128);
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.retransmissions, 0);
    assert_int_equal(st.backoffs, 0);
    assert_int_equal(st.window_cap, 512);
    if (st.peak_in_flight < 128 || st.peak_in_flight > 512 || most > 512)
        fail_msg("peak %u in flight, %u unanswered at the server", st.peak_in_flight, most);
}

/* Saturated while a window's worth of questions waits in the FIFO. */
static void test_saturated(void **state)
{
    fixture_t *f = *state;
    f->opts.timeout_ms = 5000;
    f->opts.max_inflight = 4;
    tm_resolver_t *res = make(f);
    got_t g[12];
    memset(g, 0, sizeof g);
    assert_false(tm_resolver_saturated(res));
    for (int i = 0; i < 12; i++) {
        char name[32];
        snprintf(name, sizeof name, "slow-s%d.test", i);
        assert_int_equal(tm_resolver_submit(res, name, TM_RR_A, on_answer, &g[i]), TM_OK);
        /* Nothing is sent before run: all wait, 4 fill the window. */
        assert_int_equal(tm_resolver_saturated(res), i >= 3);
    }
    assert_int_equal(tm_resolver_run(res, 50), TM_OK); /* 4 sent, 8 wait */
    assert_true(tm_resolver_saturated(res));
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_false(tm_resolver_saturated(res));
    for (int i = 0; i < 12; i++)
        tm_answer_unref(g[i].last);
    assert_false(tm_resolver_saturated(NULL));
}

/* Lost tries halve the window, once for a whole burst lost together, and
 * every question still gets its answer on the next try. */
static void test_backoff(void **state)
{
    fixture_t *f = *state;
    f->opts.timeout_ms = 150;
    f->opts.tries = 2;
    tm_resolver_t *res = make(f);
    tm_answer_unref(ask(res, "a.test", TM_RR_A));
    enum { N = 40 };
    got_t g[N];
    memset(g, 0, sizeof g);
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "drop-once%d.test", i);
        assert_int_equal(tm_resolver_submit(res, name, TM_RR_A, on_answer, &g[i]), TM_OK);
    }
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    for (int i = 0; i < N; i++) {
        assert_int_equal(g[i].calls, 1);
        assert_int_equal(g[i].last->outcome, TM_DNS_NOERROR);
        tm_answer_unref(g[i].last);
    }
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.retransmissions, N);
    assert_int_equal(st.backoffs, 1);
    assert_true(st.window < 128);
    assert_int_equal(tm_resolver_failure_kind(res), TM_RESOLVER_FINE);
}

/* max_inflight = 2: never more than two questions unanswered at the server,
 * and the FIFO sends the rest as slots free up, so six answers that each
 * take SLOW_DELAY_MS arrive in three waves. */
static void test_max_inflight_option(void **state)
{
    fixture_t *f = *state;
    f->opts.timeout_ms = 5000;
    f->opts.max_inflight = 2;
    tm_resolver_t *res = make(f);
    enum { N = 6 };
    got_t g[N];
    memset(g, 0, sizeof g);
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "slow-q%d.test", i);
        assert_int_equal(tm_resolver_submit(res, name, TM_RR_A, on_answer, &g[i]), TM_OK);
    }
    long long t0 = now_ms();
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    long long took = now_ms() - t0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(g[i].calls, 1);
        assert_int_equal(g[i].last->outcome, TM_DNS_NOERROR);
        tm_answer_unref(g[i].last);
    }
    pthread_mutex_lock(&f->dns->mu);
    unsigned most = f->dns->max_outstanding, total = f->dns->udp_queries;
    pthread_mutex_unlock(&f->dns->mu);
    assert_int_equal(total, N);
    assert_int_equal(most, 2);
    if (took < (N / 2) * SLOW_DELAY_MS - 50)
        fail_msg("%d answers of %d ms, two at a time, took only %lld ms", N, SLOW_DELAY_MS,
                 took);
}

static void test_run_deadline_and_chained_submits(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *res = make(f);
    got_t g = {0};
    assert_int_equal(tm_resolver_submit(res, "slow-a.test", TM_RR_A, on_answer, &g), TM_OK);
    long long t0 = now_ms();
    assert_int_equal(tm_resolver_run(res, 100), TM_OK);
    long long took = now_ms() - t0;
    assert_true(took >= 90); /* it waited for the network, then gave up */
    assert_int_equal(g.calls, 0);
    assert_int_equal(tm_resolver_pending(res), 1);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(g.calls, 1);
    tm_answer_unref(g.last);
}

typedef struct {
    tm_resolver_t *res;
    got_t inner;
    unsigned calls;
} chain_t;

static void on_chain(void *arg, tm_answer_t *ans)
{
    chain_t *c = arg;
    c->calls++;
    /* An SPF include found one level down: asked from inside a callback. */
    assert_int_equal(tm_resolver_submit(c->res, "mx.test", TM_RR_MX, on_answer, &c->inner),
                     TM_OK);
    tm_answer_unref(ans);
}

static void test_submit_from_callback(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *res = make(f);
    chain_t c = {.res = res};
    assert_int_equal(tm_resolver_submit(res, "a.test", TM_RR_A, on_chain, &c), TM_OK);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.inner.calls, 1);
    assert_int_equal(c.inner.last->outcome, TM_DNS_NOERROR);
    tm_answer_unref(c.inner.last);
    /* A cached answer also waits for run. */
    got_t g = {0};
    assert_int_equal(tm_resolver_submit(res, "a.test", TM_RR_A, on_answer, &g), TM_OK);
    assert_int_equal(g.calls, 0);
    assert_int_equal(tm_resolver_run(res, 0), TM_OK);
    assert_int_equal(g.calls, 1);
    tm_answer_unref(g.last);
}

static void test_destroy_with_pending(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *res = make(f);
    got_t g = {0};
    assert_int_equal(tm_resolver_submit(res, "silent.test", TM_RR_A, on_answer, &g), TM_OK);
    assert_int_equal(tm_resolver_submit(res, "queued.test", TM_RR_A, on_answer, &g), TM_OK);
    assert_int_equal(tm_resolver_run(res, 20), TM_OK);
    tm_resolver_destroy(res);
    f->res = NULL;
    assert_true(g.calls <= 1); /* queued.test may have been answered; silent never */
    tm_answer_unref(g.last);
}

/* ---- other waits on the same loop --------------------------------------------- */

typedef struct {
    tm_resolver_t *res;
    tm_poll_source_t src;
    int fds[2];
    long long due;
    unsigned rounds, readable, handled;
    bool wrote, detached;
} pipe_source_t;

static size_t pipe_watch(void *self, struct pollfd *pfd, size_t max, long long *due)
{
    pipe_source_t *p = self;
    if (max >= 1)
        pfd[0] = (struct pollfd){.fd = p->fds[0], .events = POLLIN};
    if (!p->wrote && (*due < 0 || p->due < *due))
        *due = p->due;
    return 1;
}

/* First its deadline passes (it writes into its own pipe), then the pipe
 * is readable (it reads and leaves the loop). */
static void pipe_handle(void *self, const struct pollfd *pfd, size_t n, long long now)
{
    pipe_source_t *p = self;
    p->rounds++;
    assert_int_equal(n, 1);
    if (pfd[0].revents & POLLIN) {
        char c;
        assert_int_equal(read(p->fds[0], &c, 1), 1);
        p->readable++;
        tm_resolver_detach(p->res, &p->src);
        p->detached = true;
    } else if (!p->wrote && now >= p->due) {
        assert_int_equal(write(p->fds[1], "x", 1), 1);
        p->wrote = true;
    }
}

static void test_source(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *res = make(f);
    pipe_source_t p = {.res = res};
    assert_int_equal(pipe(p.fds), 0);
    p.src = (tm_poll_source_t){pipe_watch, pipe_handle, &p};
    p.due = tm_monotonic_ms() + 30;
    assert_int_equal(tm_resolver_attach(res, &p.src), TM_OK);
    assert_int_equal(tm_resolver_attach(res, &p.src), TM_OK); /* once only */
    got_t g = {0};
    assert_int_equal(tm_resolver_submit(res, "a.test", TM_RR_A, on_answer, &g), TM_OK);
    /* One run serves both: the DNS answer and the source until it leaves. */
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(g.calls, 1);
    assert_true(p.wrote);
    assert_int_equal(p.readable, 1);
    assert_true(p.detached);
    tm_answer_unref(g.last);
    /* Detached: a run with nothing pending returns at once. */
    unsigned rounds = p.rounds;
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(p.rounds, rounds);
    tm_resolver_detach(res, &p.src); /* idempotent */
    close(p.fds[0]);
    close(p.fds[1]);
}

typedef struct {
    tm_resolver_t *outer;
    tm_poll_source_t src;
    got_t got;
} nested_t;

static void on_nested(void *arg, tm_answer_t *ans)
{
    nested_t *n = arg;
    on_answer(&n->got, ans);
    tm_resolver_detach(n->outer, &n->src);
}

/* A resolver asking its own server inside another's loop (as each
 * authoritative server of --authoritative is asked). */
static void test_nested_resolver(void **state)
{
    fixture_t *f = *state;
    tm_resolver_t *outer = make(f);
    tm_resolver_options_t o = f->opts;
    o.norecurse = true;
    tm_resolver_t *inner = NULL;
    assert_int_equal(tm_resolver_create(&o, &inner, NULL, 0), TM_OK);
    nested_t n = {.outer = outer};
    tm_resolver_as_source(inner, &n.src);
    assert_int_equal(tm_resolver_submit(inner, "mx.test", TM_RR_MX, on_nested, &n), TM_OK);
    assert_int_equal(tm_resolver_attach(outer, &n.src), TM_OK);
    assert_int_equal(tm_resolver_run(outer, -1), TM_OK);
    assert_int_equal(n.got.calls, 1);
    assert_int_equal(n.got.last->outcome, TM_DNS_NOERROR);
    assert_int_equal(last_rd(f->dns), 0);
    tm_answer_unref(n.got.last);
    tm_resolver_destroy(inner);
}

static void test_create_errors(void **state)
{
    fixture_t *f = *state;
    char err[256];
    tm_resolver_t *res = NULL;
    const char *bad[1] = {"ns.example.jp"};
    f->opts.servers = bad;
    assert_int_equal(tm_resolver_create(&f->opts, &res, err, sizeof err), TM_EINVAL);
    assert_null(res);
    assert_non_null(strstr(err, "'ns.example.jp'"));

    const char *many[9] = {"1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4", "1.1.1.5",
                           "1.1.1.6", "1.1.1.7", "1.1.1.8", "1.1.1.9"};
    f->opts.servers = many;
    f->opts.nservers = 9;
    assert_int_equal(tm_resolver_create(&f->opts, &res, err, sizeof err), TM_ERANGE);

    f->opts.servers = f->servers;
    f->opts.nservers = 1;
    const char *zones[1] = {"/nonexistent/x.zone"};
    f->opts.zone_files = zones;
    f->opts.nzones = 1;
    assert_int_equal(tm_resolver_create(&f->opts, &res, err, sizeof err), TM_EIO);
    assert_string_equal(err,
                        "cannot read zone file '/nonexistent/x.zone': No such file or directory");
    assert_null(res);

    const char *twice[2] = {write_test_zone(), zone_path};
    f->opts.zone_files = twice;
    f->opts.nzones = 2;
    assert_int_equal(tm_resolver_create(&f->opts, &res, err, sizeof err), TM_EINVAL);
    assert_non_null(strstr(err, "same origin"));
    unlink(zone_path);
    assert_int_equal(total_queries(f->dns), 0);
}

static void test_out_of_memory(void **state)
{
    fixture_t *f = *state;
    /* Each allocation of create, submit and run fails in turn: every path
     * returns TM_ENOMEM and frees what it took (ASan/valgrind check). */
    bool done = false;
    for (unsigned long n = 1; n < 400 && !done; n++) {
        tm_resolver_t *res = NULL;
        char err[128];
        tm_alloc_fail_after(n);
        tm_status_t st = tm_resolver_create(&f->opts, &res, err, sizeof err);
        got_t g = {0};
        if (st == TM_OK) {
            st = tm_resolver_submit(res, "a.test", TM_RR_A, on_answer, &g);
            if (st == TM_OK)
                st = tm_resolver_run(res, -1);
        }
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_int_equal(g.calls, 1);
            assert_int_equal(g.last->count, 2);
            done = true;
        } else {
            assert_int_equal(st, TM_ENOMEM);
            assert_int_equal(g.calls, 0);
        }
        tm_answer_unref(g.last);
        tm_resolver_destroy(res);
    }
    assert_true(done);
}

static void test_zone_chain_loop(void **state)
{
    fixture_t *f = *state;
    char one[64], two[64];
    strcpy(one, "/tmp/tm_one_XXXXXX");
    strcpy(two, "/tmp/tm_two_XXXXXX");
    int f1 = mkstemp(one), f2 = mkstemp(two);
    assert_true(f1 >= 0 && f2 >= 0);
    const char t1[] = "$ORIGIN one.test.\n@ IN SOA ns.example.net. hm 1 2 3 4 5\n@ IN NS ns.example.net.\na IN CNAME b.two.test.\n";
    const char t2[] = "$ORIGIN two.test.\n@ IN SOA ns.example.net. hm 1 2 3 4 5\n@ IN NS ns.example.net.\nb IN CNAME a.one.test.\n";
    assert_int_equal(write(f1, t1, sizeof t1 - 1), (ssize_t)(sizeof t1 - 1));
    assert_int_equal(write(f2, t2, sizeof t2 - 1), (ssize_t)(sizeof t2 - 1));
    close(f1);
    close(f2);
    const char *zones[2] = {one, two};
    f->opts.zone_files = zones;
    f->opts.nzones = 2;
    tm_resolver_t *res = make(f);
    unlink(one);
    unlink(two);
    tm_answer_t *ans = ask(res, "a.one.test", TM_RR_A);
    assert_int_equal(ans->outcome, TM_DNS_FORMERR);
    assert_non_null(ans->error);
    tm_answer_unref(ans);
    assert_int_equal(total_queries(f->dns), 0);
}

/* The zone chase into DNS under failing allocations. */
static void test_out_of_memory_chase(void **state)
{
    fixture_t *f = *state;
    const char *zones[1] = {write_test_zone()};
    f->opts.zone_files = zones;
    f->opts.nzones = 1;
    bool done = false;
    for (unsigned long n = 1; n < 600 && !done; n++) {
        tm_resolver_t *res = NULL;
        char err[128];
        got_t g = {0}, h = {0};
        tm_alloc_fail_after(n);
        tm_status_t st = tm_resolver_create(&f->opts, &res, err, sizeof err);
        if (st == TM_OK)
            st = tm_resolver_submit(res, "out.zone.test", TM_RR_A, on_answer, &g);
        if (st == TM_OK)
            st = tm_resolver_submit(res, "a.test", TM_RR_A, on_answer, &h);
        if (st == TM_OK)
            st = tm_resolver_run(res, -1);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_int_equal(g.calls, 1);
            assert_int_equal(h.calls, 1);
            assert_string_equal(g.last->canonical, "a.test");
            assert_int_equal(g.last->count, 2);
            done = true;
        } else {
            assert_int_equal(st, TM_ENOMEM);
        }
        tm_answer_unref(g.last);
        tm_answer_unref(h.last);
        tm_resolver_destroy(res);
    }
    unlink(zone_path);
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_valid),
        cmocka_unit_test_setup_teardown(test_noerror_with_ttls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outcomes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silent_server, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connection_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_closed_after_tc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_asked_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_flight_dedupe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_fallback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zone_then_dns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_most_specific_zone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_norecurse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_flight_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_saturated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_inflight_option, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_deadline_and_chained_submits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_from_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_with_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_resolver, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zone_chain_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory_chase, setup, teardown),
    };
    /* TM_TEST_FILTER=test_timeout runs one test (debugging aid). */
    if (getenv("TM_TEST_FILTER"))
        cmocka_set_test_filter(getenv("TM_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
