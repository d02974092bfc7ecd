/* delayproxy.c - a delaying DNS proxy for the benchmark (this kernel has no
 * netem): every UDP datagram and every chunk of a TCP stream between a
 * client and the upstream server is held for half the configured round-trip
 * time in each direction, so every query costs one real round trip.
 *
 *   delayproxy -l ADDR:PORT -u ADDR:PORT [-r RTT_MS] [-s STATS_FILE]
 *              [-T MAX_SECONDS] [-p READY_FILE]
 *
 * The delay model: a query is forwarded RTT/2 after it arrives and the
 * answer is returned RTT/2 after the upstream sends it, so a client sees
 * RTT plus the server's own time.  TCP connection set-up is not delayed.
 *
 * UDP: one upstream socket; each query gets a proxy ID (RFC 1035 section
 * 4.1.1) that maps back to the client's address and original ID.  TCP: one
 * upstream connection per client connection, bytes relayed in both
 * directions.  Everything runs in one thread on epoll; every event waits in
 * one FIFO (all delays are equal, so due times are in arrival order), and a
 * timerfd wakes the loop at the head's due time.
 *
 * Counting: every question that reaches it (qname, qtype), over UDP and
 * TCP, and the most UDP queries in flight at once (from a query's arrival
 * to the delivery of its answer: what the client has outstanding, less the
 * time it takes a datagram to cross loopback).  SIGUSR1 writes the counters and the per-question counts to the stats
 * file and resets them.  SIGTERM/SIGINT stop it; so does -T (default 3600 s):
 * it never outlives a benchmark that forgot it.
 *
 * Loopback only: the benchmark points -l and -u at 127.0.0.1.  Bounded:
 * MAX_QUEUED events, MAX_TCP connections, NIDS UDP queries in flight,
 * MAX_QUESTIONS distinct questions counted. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_QUEUED (1u << 18)     /* delayed events waiting at once */
#define NIDS 65536u               /* proxy IDs: UDP queries in flight */
#define ID_STALE_NS (10ull * 1000000000ull) /* an unanswered ID is reused after this */
#define MAX_TCP 1024              /* TCP connections at once */
#define TCP_IDLE_NS (30ull * 1000000000ull)
#define MAX_QUESTIONS (1u << 18)  /* distinct questions counted per period */
#define UDP_MAX 65535
#define TCP_CHUNK 16384
#define TCP_OUT_MAX (1u << 20)    /* bytes waiting to be written on one side */
#define SOCKBUF (8 << 20)

typedef enum {
    EV_UDP_UP, EV_UDP_DOWN,             /* a datagram to BIND, an answer to the client */
    EV_TCP_UP, EV_TCP_DOWN,             /* stream bytes, each way */
    EV_TCP_SHUT_UP, EV_TCP_SHUT_DOWN    /* a side's end of stream, passed on */
} ev_kind_t;

typedef struct event {
    uint64_t due;
    ev_kind_t kind;
    uint32_t conn, gen;           /* TCP: connection slot and its generation */
    struct sockaddr_in to;        /* UDP down: the client */
    size_t len;
    uint8_t data[];
} event_t;

typedef struct {
    bool used;
    uint16_t orig_id;
    struct sockaddr_in client;
    uint64_t sent;
} idslot_t;

typedef struct {
    uint8_t *buf;
    size_t len;
} outbuf_t;

typedef struct {
    bool used;
    uint32_t gen;
    int cfd, ufd;                 /* client side, upstream side */
    outbuf_t to_client, to_up;
    bool shut_client, shut_up;    /* a write side was shut down */
    bool eof_client, eof_up;      /* a read side ended */
    bool gone_client, gone_up;    /* the peer hung up: out of epoll */
    uint64_t last;
    uint8_t asm_buf[65536 + 2];   /* client bytes, for counting questions */
    size_t asm_len;
} tcpconn_t;

typedef struct {
    char *key;                    /* "qtype qname" */
    unsigned long count;
} qcount_t;

static struct {
    uint64_t half_ns;
    int ep, udp_l, udp_u, tcp_l, tfd, sfd;
    struct sockaddr_in upstream;
    event_t **q;
    size_t qhead, qlen;
    idslot_t *ids;
    uint32_t next_id;
    tcpconn_t *tcp;
    const char *stats_file;
    uint64_t deadline;
    /* counters since the last SIGUSR1 */
    unsigned long udp_queries, udp_answers, tcp_conns, tcp_queries, dropped, stale_ids,
        untracked, max_queued;
    unsigned long inflight, max_inflight; /* UDP queries not yet answered to the client */
    qcount_t *qtab;
    size_t qtab_used;
    uint64_t period_start;
} P;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "delayproxy: %s: %s\n", what, strerror(errno));
    exit(1);
}

static bool parse_addr(const char *text, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    if (!colon || (size_t)(colon - text) >= sizeof host)
        return false;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return false;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

static void ep_add(int fd, uint32_t events, uint64_t tag)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag};
    if (epoll_ctl(P.ep, EPOLL_CTL_ADD, fd, &ev) < 0)
        die("epoll_ctl add");
}

static void ep_mod(int fd, uint32_t events, uint64_t tag)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag};
    epoll_ctl(P.ep, EPOLL_CTL_MOD, fd, &ev);
}

/* epoll tags: small numbers are the fixed sockets; TCP sides carry the slot
 * and which side in the upper bits. */
enum { TAG_UDP_L = 1, TAG_UDP_U, TAG_TCP_L, TAG_TIMER, TAG_SIGNAL };
#define TAG_TCP_CLIENT(i) (((uint64_t)1 << 32) | (i))
#define TAG_TCP_UP(i) (((uint64_t)2 << 32) | (i))

/* ---- counting questions ------------------------------------------------ */

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

/* Reads the question of a DNS message into "qtype qname" (lower case). */
static bool question_key(const uint8_t *m, size_t len, char *out, size_t outlen)
{
    if (len < 12 || ((m[4] << 8) | m[5]) < 1)
        return false;
    char name[256];
    size_t p = 12, o = 0;
    while (p < len && m[p] != 0) {
        size_t l = m[p++];
        if (l > 63 || p + l > len || o + l + 2 > sizeof name)
            return false;
        if (o)
            name[o++] = '.';
        for (size_t i = 0; i < l; i++) {
            uint8_t c = m[p + i];
            name[o++] = (char)(isprint(c) && c != ' ' ? tolower(c) : '?');
        }
        p += l;
    }
    if (p + 5 > len)
        return false;
    name[o] = '\0';
    unsigned type = (unsigned)((m[p + 1] << 8) | m[p + 2]);
    snprintf(out, outlen, "%u %s", type, o ? name : ".");
    return true;
}

static void count_question(const uint8_t *m, size_t len)
{
    char key[300];
    if (!question_key(m, len, key, sizeof key))
        return;
    size_t mask = MAX_QUESTIONS * 2 - 1;
    for (size_t i = fnv(key) & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
        qcount_t *e = &P.qtab[i];
        if (!e->key) {
            if (P.qtab_used >= MAX_QUESTIONS || !(e->key = strdup(key))) {
                P.untracked++;
                return;
            }
            P.qtab_used++;
            e->count = 1;
            return;
        }
        if (strcmp(e->key, key) == 0) {
            e->count++;
            return;
        }
    }
}

/* Writes the counters and every question with its count, then resets. */
static void dump_stats(void)
{
    if (P.stats_file) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", P.stats_file);
        FILE *f = fopen(tmp, "w");
        if (f) {
            unsigned long distinct = 0, repeated = 0, most = 0;
            for (size_t i = 0; i < MAX_QUESTIONS * 2; i++) {
                if (!P.qtab[i].key)
                    continue;
                distinct++;
                if (P.qtab[i].count > 1)
                    repeated++;
                if (P.qtab[i].count > most)
                    most = P.qtab[i].count;
            }
            fprintf(f,
                    "period_ms %llu\nudp_queries %lu\nudp_answers %lu\ntcp_connections %lu\n"
                    "tcp_queries %lu\nqueries %lu\ndistinct %lu\nrepeated %lu\nmost_asked %lu\n"
                    "dropped %lu\nstale_ids %lu\nuntracked %lu\nmax_queued %lu\n"
                    "max_inflight %lu\n",
                    (unsigned long long)((now_ns() - P.period_start) / 1000000), P.udp_queries,
                    P.udp_answers, P.tcp_conns, P.tcp_queries, P.udp_queries + P.tcp_queries,
                    distinct, repeated, most, P.dropped, P.stale_ids, P.untracked,
                    P.max_queued, P.max_inflight);
            for (size_t i = 0; i < MAX_QUESTIONS * 2; i++) {
                if (P.qtab[i].key)
                    fprintf(f, "q %lu %s\n", P.qtab[i].count, P.qtab[i].key);
            }
            fclose(f);
            rename(tmp, P.stats_file);
        }
    }
    for (size_t i = 0; i < MAX_QUESTIONS * 2; i++) {
        free(P.qtab[i].key);
        P.qtab[i].key = NULL;
    }
    P.qtab_used = 0;
    P.udp_queries = P.udp_answers = P.tcp_conns = P.tcp_queries = 0;
    P.dropped = P.stale_ids = P.untracked = P.max_queued = 0;
    /* Read between runs of a tool, when nothing is in flight: a query lost
     * upstream would otherwise count until its ID goes stale. */
    P.inflight = P.max_inflight = 0;
    P.period_start = now_ns();
}

/* ---- the delay FIFO ---------------------------------------------------------- */

static void arm_timer(void)
{
    struct itimerspec its = {0};
    if (P.qlen) {
        uint64_t due = P.q[P.qhead]->due;
        its.it_value.tv_sec = (time_t)(due / 1000000000ull);
        its.it_value.tv_nsec = (long)(due % 1000000000ull);
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
            its.it_value.tv_nsec = 1;
    }
    timerfd_settime(P.tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static bool enqueue(ev_kind_t kind, const void *data, size_t len, uint32_t conn, uint32_t gen,
                    const struct sockaddr_in *to)
{
    if (P.qlen >= MAX_QUEUED) {
        P.dropped++;
        return false;
    }
    event_t *e = malloc(sizeof *e + len);
    if (!e) {
        P.dropped++;
        return false;
    }
    e->due = now_ns() + P.half_ns;
    e->kind = kind;
    e->conn = conn;
    e->gen = gen;
    if (to)
        e->to = *to;
    e->len = len;
    if (len)
        memcpy(e->data, data, len);
    bool was_empty = P.qlen == 0;
    P.q[(P.qhead + P.qlen) % MAX_QUEUED] = e;
    P.qlen++;
    if (P.qlen > P.max_queued)
        P.max_queued = P.qlen;
    if (was_empty)
        arm_timer();
    return true;
}

/* ---- TCP ------------------------------------------------------------------------- */

static void tcp_close(uint32_t i)
{
    tcpconn_t *c = &P.tcp[i];
    if (!c->used)
        return;
    close(c->cfd);
    close(c->ufd);
    free(c->to_client.buf);
    free(c->to_up.buf);
    uint32_t gen = c->gen + 1;
    memset(c, 0, sizeof *c);
    c->gen = gen;
}

static void tcp_update_events(uint32_t i)
{
    tcpconn_t *c = &P.tcp[i];
    if (!c->gone_client)
        ep_mod(c->cfd, (c->eof_client ? 0 : EPOLLIN) | (c->to_client.len ? EPOLLOUT : 0),
               TAG_TCP_CLIENT(i));
    if (!c->gone_up)
        ep_mod(c->ufd, (c->eof_up ? 0 : EPOLLIN) | (c->to_up.len ? EPOLLOUT : 0),
               TAG_TCP_UP(i));
}

/* A peer hung up after its end of stream: epoll would report it again and
 * again, so the socket leaves epoll; what is still due reaches the other
 * side through the FIFO. */
static void tcp_hangup(uint32_t i, bool client_side)
{
    tcpconn_t *c = &P.tcp[i];
    if (client_side && !c->gone_client) {
        epoll_ctl(P.ep, EPOLL_CTL_DEL, c->cfd, NULL);
        c->gone_client = true;
    } else if (!client_side && !c->gone_up) {
        epoll_ctl(P.ep, EPOLL_CTL_DEL, c->ufd, NULL);
        c->gone_up = true;
    }
}

/* Writes what is waiting for one side; false when the connection broke. */
static bool tcp_flush(int fd, outbuf_t *o)
{
    while (o->len) {
        ssize_t n = send(fd, o->buf, o->len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return true;
            if (errno == EINTR)
                continue;
            return false;
        }
        memmove(o->buf, o->buf + n, o->len - (size_t)n);
        o->len -= (size_t)n;
    }
    return true;
}

static bool tcp_append(outbuf_t *o, const uint8_t *data, size_t len)
{
    if (o->len + len > TCP_OUT_MAX)
        return false;
    uint8_t *b = realloc(o->buf, o->len + len);
    if (!b)
        return false;
    memcpy(b + o->len, data, len);
    o->buf = b;
    o->len += len;
    return true;
}

/* The client's bytes, reassembled only to count its questions (RFC 1035
 * section 4.2.2: each message has a two-octet length prefix). */
static void tcp_count(tcpconn_t *c, const uint8_t *data, size_t len)
{
    while (len) {
        size_t take = sizeof c->asm_buf - c->asm_len;
        if (take > len)
            take = len;
        memcpy(c->asm_buf + c->asm_len, data, take);
        c->asm_len += take;
        data += take;
        len -= take;
        for (;;) {
            if (c->asm_len < 2)
                break;
            size_t mlen = (size_t)((c->asm_buf[0] << 8) | c->asm_buf[1]);
            if (c->asm_len < mlen + 2)
                break;
            P.tcp_queries++;
            count_question(c->asm_buf + 2, mlen);
            memmove(c->asm_buf, c->asm_buf + mlen + 2, c->asm_len - mlen - 2);
            c->asm_len -= mlen + 2;
        }
    }
}

static void tcp_accept(void)
{
    for (;;) {
        int cfd = accept4(P.tcp_l, NULL, NULL, SOCK_NONBLOCK);
        if (cfd < 0)
            return;
        uint32_t i = 0;
        while (i < MAX_TCP && P.tcp[i].used)
            i++;
        int ufd = i < MAX_TCP ? socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0) : -1;
        if (ufd < 0) {
            P.dropped++;
            close(cfd);
            continue;
        }
        int one = 1;
        setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(ufd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(ufd, (struct sockaddr *)&P.upstream, sizeof P.upstream) < 0 &&
            errno != EINPROGRESS) {
            P.dropped++;
            close(cfd);
            close(ufd);
            continue;
        }
        tcpconn_t *c = &P.tcp[i];
        c->used = true;
        c->cfd = cfd;
        c->ufd = ufd;
        c->last = now_ns();
        P.tcp_conns++;
        ep_add(cfd, EPOLLIN, TAG_TCP_CLIENT(i));
        ep_add(ufd, EPOLLIN, TAG_TCP_UP(i));
    }
}

static void tcp_readable(uint32_t i, bool from_client)
{
    tcpconn_t *c = &P.tcp[i];
    uint8_t buf[TCP_CHUNK];
    if (from_client ? c->eof_client : c->eof_up) {
        tcp_hangup(i, from_client);
        return;
    }
    ssize_t n = recv(from_client ? c->cfd : c->ufd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    c->last = now_ns();
    if (n <= 0) {
        if (from_client)
            c->eof_client = true;
        else
            c->eof_up = true;
        enqueue(from_client ? EV_TCP_SHUT_UP : EV_TCP_SHUT_DOWN, NULL, 0, i, c->gen, NULL);
        tcp_update_events(i);
        return;
    }
    if (from_client)
        tcp_count(c, buf, (size_t)n);
    enqueue(from_client ? EV_TCP_UP : EV_TCP_DOWN, buf, (size_t)n, i, c->gen, NULL);
}

static void tcp_writable(uint32_t i, bool client_side)
{
    tcpconn_t *c = &P.tcp[i];
    outbuf_t *o = client_side ? &c->to_client : &c->to_up;
    if (!tcp_flush(client_side ? c->cfd : c->ufd, o)) {
        tcp_close(i);
        return;
    }
    if (!o->len) {
        if (client_side && c->shut_client)
            shutdown(c->cfd, SHUT_WR);
        if (!client_side && c->shut_up)
            shutdown(c->ufd, SHUT_WR);
    }
    /* Both streams ended and were passed on: nothing more can flow. */
    if (c->shut_client && c->shut_up && !c->to_client.len && !c->to_up.len) {
        tcp_close(i);
        return;
    }
    tcp_update_events(i);
}

static void tcp_event(const event_t *e)
{
    if (e->conn >= MAX_TCP)
        return;
    tcpconn_t *c = &P.tcp[e->conn];
    if (!c->used || c->gen != e->gen)
        return; /* the connection went away meanwhile */
    bool to_client = e->kind == EV_TCP_DOWN || e->kind == EV_TCP_SHUT_DOWN;
    outbuf_t *o = to_client ? &c->to_client : &c->to_up;
    if (e->kind == EV_TCP_UP || e->kind == EV_TCP_DOWN) {
        if (!tcp_append(o, e->data, e->len)) {
            tcp_close(e->conn);
            return;
        }
    } else if (to_client) {
        c->shut_client = true;
    } else {
        c->shut_up = true;
    }
    tcp_writable(e->conn, to_client);
}

static void tcp_reap_idle(uint64_t now)
{
    for (uint32_t i = 0; i < MAX_TCP; i++) {
        if (P.tcp[i].used && now - P.tcp[i].last > TCP_IDLE_NS)
            tcp_close(i);
    }
}

/* ---- UDP ------------------------------------------------------------------------- */

static void udp_from_client(void)
{
    static uint8_t buf[UDP_MAX];
    for (int k = 0; k < 256; k++) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(P.udp_l, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n < 0)
            return;
        if (n < 12)
            continue;
        P.udp_queries++;
        count_question(buf, (size_t)n);
        uint64_t now = now_ns();
        uint32_t id = 0;
        bool found = false;
        for (uint32_t probe = 0; probe < NIDS; probe++) {
            id = (P.next_id + probe) % NIDS;
            idslot_t *s = &P.ids[id];
            if (!s->used || now - s->sent > ID_STALE_NS) {
                if (s->used)
                    P.stale_ids++;
                found = true;
                break;
            }
        }
        if (!found) {
            P.dropped++;
            continue;
        }
        P.next_id = (id + 1) % NIDS;
        idslot_t *s = &P.ids[id];
        s->used = true;
        s->orig_id = (uint16_t)((buf[0] << 8) | buf[1]);
        s->client = from;
        s->sent = now;
        buf[0] = (uint8_t)(id >> 8);
        buf[1] = (uint8_t)id;
        if (!enqueue(EV_UDP_UP, buf, (size_t)n, 0, 0, NULL)) {
            s->used = false;
            continue;
        }
        if (++P.inflight > P.max_inflight)
            P.max_inflight = P.inflight;
    }
}

static void udp_from_upstream(void)
{
    static uint8_t buf[UDP_MAX];
    for (int k = 0; k < 256; k++) {
        ssize_t n = recv(P.udp_u, buf, sizeof buf, 0);
        if (n < 0)
            return;
        if (n < 12)
            continue;
        uint32_t id = (uint32_t)((buf[0] << 8) | buf[1]);
        idslot_t *s = &P.ids[id];
        if (!s->used)
            continue; /* late or unknown: the client gave up or never asked */
        buf[0] = (uint8_t)(s->orig_id >> 8);
        buf[1] = (uint8_t)s->orig_id;
        s->used = false;
        P.udp_answers++;
        enqueue(EV_UDP_DOWN, buf, (size_t)n, 0, 0, &s->client);
    }
}

/* ---- the loop --------------------------------------------------------------------- */

static void run_due(void)
{
    uint64_t t;
    if (read(P.tfd, &t, sizeof t) < 0 && errno != EAGAIN)
        die("timerfd read");
    uint64_t now = now_ns();
    while (P.qlen && P.q[P.qhead]->due <= now) {
        event_t *e = P.q[P.qhead];
        P.qhead = (P.qhead + 1) % MAX_QUEUED;
        P.qlen--;
        switch (e->kind) {
        case EV_UDP_UP:
            if (send(P.udp_u, e->data, e->len, 0) < 0)
                P.dropped++;
            break;
        case EV_UDP_DOWN:
            if (sendto(P.udp_l, e->data, e->len, 0, (struct sockaddr *)&e->to, sizeof e->to) < 0)
                P.dropped++;
            if (P.inflight)
                P.inflight--;
            break;
        default:
            tcp_event(e);
            break;
        }
        free(e);
    }
    arm_timer();
}

static int make_udp(const struct sockaddr_in *bind_to, const struct sockaddr_in *connect_to)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0)
        die("socket");
    int sz = SOCKBUF;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    if (bind_to && bind(fd, (const struct sockaddr *)bind_to, sizeof *bind_to) < 0)
        die("bind udp");
    if (connect_to && connect(fd, (const struct sockaddr *)connect_to, sizeof *connect_to) < 0)
        die("connect udp");
    return fd;
}

static void usage(void)
{
    fprintf(stderr, "usage: delayproxy -l ADDR:PORT -u ADDR:PORT [-r RTT_MS] [-s STATS_FILE] "
                    "[-T MAX_SECONDS] [-p READY_FILE]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct sockaddr_in listen_at;
    bool have_l = false, have_u = false;
    double rtt_ms = 0;
    long max_s = 3600;
    const char *ready_file = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "l:u:r:s:T:p:")) != -1) {
        switch (opt) {
        case 'l': have_l = parse_addr(optarg, &listen_at); break;
        case 'u': have_u = parse_addr(optarg, &P.upstream); break;
        case 'r': rtt_ms = atof(optarg); break;
        case 's': P.stats_file = optarg; break;
        case 'T': max_s = atol(optarg); break;
        case 'p': ready_file = optarg; break;
        default: usage();
        }
    }
    if (!have_l || !have_u || rtt_ms < 0 || rtt_ms > 10000 || max_s <= 0)
        usage();
    P.half_ns = (uint64_t)(rtt_ms * 1e6 / 2);
    P.q = calloc(MAX_QUEUED, sizeof *P.q);
    P.ids = calloc(NIDS, sizeof *P.ids);
    P.tcp = calloc(MAX_TCP, sizeof *P.tcp);
    P.qtab = calloc(MAX_QUESTIONS * 2, sizeof *P.qtab);
    if (!P.q || !P.ids || !P.tcp || !P.qtab)
        die("calloc");
    P.ep = epoll_create1(0);
    if (P.ep < 0)
        die("epoll_create1");

    P.udp_l = make_udp(&listen_at, NULL);
    P.udp_u = make_udp(NULL, &P.upstream);
    P.tcp_l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(P.tcp_l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (P.tcp_l < 0 || bind(P.tcp_l, (struct sockaddr *)&listen_at, sizeof listen_at) < 0 ||
        listen(P.tcp_l, 256) < 0)
        die("tcp listen");
    P.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    if (P.tfd < 0)
        die("timerfd_create");
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    P.sfd = signalfd(-1, &mask, SFD_NONBLOCK);
    if (P.sfd < 0)
        die("signalfd");
    ep_add(P.udp_l, EPOLLIN, TAG_UDP_L);
    ep_add(P.udp_u, EPOLLIN, TAG_UDP_U);
    ep_add(P.tcp_l, EPOLLIN, TAG_TCP_L);
    ep_add(P.tfd, EPOLLIN, TAG_TIMER);
    ep_add(P.sfd, EPOLLIN, TAG_SIGNAL);
    P.period_start = now_ns();
    P.deadline = P.period_start + (uint64_t)max_s * 1000000000ull;

    if (ready_file) {
        FILE *f = fopen(ready_file, "w");
        if (!f)
            die("ready file");
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
    }
    uint64_t last_reap = now_ns();
    for (;;) {
        struct epoll_event evs[64];
        int n = epoll_wait(P.ep, evs, 64, 1000);
        if (n < 0 && errno != EINTR)
            die("epoll_wait");
        for (int k = 0; k < n; k++) {
            uint64_t tag = evs[k].data.u64;
            switch (tag) {
            case TAG_UDP_L: udp_from_client(); break;
            case TAG_UDP_U: udp_from_upstream(); break;
            case TAG_TCP_L: tcp_accept(); break;
            case TAG_TIMER: run_due(); break;
            case TAG_SIGNAL: {
                struct signalfd_siginfo si;
                while (read(P.sfd, &si, sizeof si) == sizeof si) {
                    if (si.ssi_signo == SIGUSR1)
                        dump_stats();
                    else
                        goto out;
                }
                break;
            }
            default: {
                uint32_t i = (uint32_t)tag;
                bool client = (tag >> 32) == 1;
                if (i >= MAX_TCP || !P.tcp[i].used)
                    break;
                if (evs[k].events & EPOLLOUT)
                    tcp_writable(i, client);
                if (P.tcp[i].used && (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                    tcp_readable(i, client);
                break;
            }
            }
        }
        uint64_t now = now_ns();
        if (now >= P.deadline)
            break;
        if (now - last_reap > 1000000000ull) {
            tcp_reap_idle(now);
            last_reap = now;
        }
    }
out:
    for (uint32_t i = 0; i < MAX_TCP; i++)
        tcp_close(i);
    while (P.qlen) {
        free(P.q[P.qhead]);
        P.qhead = (P.qhead + 1) % MAX_QUEUED;
        P.qlen--;
    }
    for (size_t i = 0; i < MAX_QUESTIONS * 2; i++)
        free(P.qtab[i].key);
    free(P.qtab);
    free(P.q);
    free(P.ids);
    free(P.tcp);
    return 0;
}
