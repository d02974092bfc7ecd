/* dns_responder.h - a small scripted DNS server on 127.0.0.1 (UDP), run in
 * a thread of the test, for the watch's I/O tests: it answers the zone
 * watch.example as its primary would (SOA, NS, the name server's address,
 * MX, TXT) and any other name as a resolver would (an address for A, the
 * site SPF record, nothing else).  The MX it serves can be changed while it
 * runs; it counts the questions and those with RD set.  Include after
 * <cmocka.h>. */
#ifndef TMEMS_TESTS_DNS_RESPONDER_H
#define TMEMS_TESTS_DNS_RESPONDER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define DR_ZONE "watch.example"

typedef struct {
    int fd;
    uint16_t port;
    pthread_t thread;
    atomic_int stop;
    atomic_int mute;     /* answers nothing while set */
    atomic_int asked;
    atomic_int rd_set;
    atomic_int version;  /* 0: the old MX, 1: the new one (and serial + 1) */
    atomic_int mx_ttl_plus_one; /* 0: DR_MX_TTL; else the MX TTL served, plus one */
} dr_t;

static inline void dr_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void dr_put32(uint8_t *p, uint32_t v)
{
    dr_put16(p, (uint16_t)(v >> 16));
    dr_put16(p + 2, (uint16_t)v);
}

/* A name in wire form (uncompressed); returns its length. */
static inline size_t dr_name(uint8_t *out, const char *name)
{
    size_t n = 0;
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        out[n++] = (uint8_t)len;
        memcpy(out + n, name, len);
        n += len;
        name += len + (dot ? 1 : 0);
    }
    out[n++] = 0;
    return n;
}

/* The question's name in presentation form, lower case. */
static inline size_t dr_qname(const uint8_t *q, size_t qlen, char *name, size_t cap)
{
    size_t pos = 12, n = 0;
    while (pos < qlen && q[pos] != 0 && n + q[pos] + 2 < cap) {
        size_t len = q[pos++];
        if (n)
            name[n++] = '.';
        for (size_t i = 0; i < len && pos < qlen; i++)
            name[n++] = (char)((q[pos] >= 'A' && q[pos] <= 'Z') ? q[pos++] + 32 : q[pos++]);
    }
    name[n] = '\0';
    return pos + 1;
}

typedef struct {
    uint8_t *p;
    uint16_t count;
} dr_out_t;

/* One record owned by the question's name (a pointer to offset 12). */
static inline void dr_rr(dr_out_t *o, uint16_t type, uint32_t ttl, const uint8_t *rd, size_t rdlen)
{
    o->p[0] = 0xC0;
    o->p[1] = 12;
    dr_put16(o->p + 2, type);
    dr_put16(o->p + 4, 1);
    dr_put32(o->p + 6, ttl);
    dr_put16(o->p + 10, (uint16_t)rdlen);
    memcpy(o->p + 12, rd, rdlen);
    o->p += 12 + rdlen;
    o->count++;
}

static inline void dr_txt(dr_out_t *o, const char *text)
{
    uint8_t rd[300];
    size_t len = strlen(text);
    rd[0] = (uint8_t)len;
    memcpy(rd + 1, text, len);
    dr_rr(o, 16, 300, rd, len + 1);
}

#define DR_OLD_MX "mail." DR_ZONE
#define DR_NEW_MX "acme.in.tmems-jp.trendmicro.com"
#define DR_MX_TTL 300
#define DR_SITE_SPF                                                                            \
    "v=spf1 ip4:18.176.203.128/26 ip4:18.176.203.192/26 ip4:18.177.156.0/26 "                  \
    "ip4:18.177.156.64/26 ip4:15.168.56.0/25 ip4:15.168.49.64/26 ip4:15.168.56.128/26 -all"

static inline size_t dr_answer(dr_t *s, const uint8_t *q, size_t qlen, uint8_t *out)
{
    char name[256];
    size_t pos = dr_qname(q, qlen, name, sizeof name);
    if (pos + 4 > qlen)
        return 0;
    uint16_t type = (uint16_t)(q[pos] << 8 | q[pos + 1]);
    size_t qend = pos + 4;
    memcpy(out, q, qend);
    out[2] = (uint8_t)(0x84 | (q[2] & 0x01)); /* QR, AA, RD as asked */
    out[3] = 0x80;                             /* RA, NOERROR */
    dr_put16(out + 4, 1);
    dr_put16(out + 8, 0);
    dr_put16(out + 10, 0);
    dr_out_t o = {out + qend, 0};
    uint8_t rd[512];
    size_t n;
    bool in_zone = strcmp(name, DR_ZONE) == 0 ||
                   (strlen(name) > strlen(DR_ZONE) &&
                    strcmp(name + strlen(name) - strlen(DR_ZONE) - 1, "." DR_ZONE) == 0);
    int v = atomic_load(&s->version);
    if (strcmp(name, DR_ZONE) == 0 && type == 6) {
        n = dr_name(rd, "ns1." DR_ZONE);
        n += dr_name(rd + n, "hostmaster." DR_ZONE);
        dr_put32(rd + n, 2024090101u + (uint32_t)v);
        for (int i = 1; i < 5; i++)
            dr_put32(rd + n + 4 * (size_t)i, 3600);
        dr_rr(&o, 6, 3600, rd, n + 20);
    } else if (strcmp(name, DR_ZONE) == 0 && type == 2) {
        dr_rr(&o, 2, 3600, rd, dr_name(rd, "ns1." DR_ZONE));
    } else if (strcmp(name, DR_ZONE) == 0 && type == 15) {
        dr_put16(rd, 10);
        n = dr_name(rd + 2, v ? DR_NEW_MX : DR_OLD_MX);
        int ttl1 = atomic_load(&s->mx_ttl_plus_one);
        dr_rr(&o, 15, ttl1 ? (uint32_t)(ttl1 - 1) : DR_MX_TTL, rd, n + 2);
    } else if (strcmp(name, DR_ZONE) == 0 && type == 16) {
        dr_txt(&o, "tmes=88vf4Tw3IPext5MmvoQSYF5mxwOczSpc");
        dr_txt(&o, "v=spf1 include:spf.tmems-jp.trendmicro.com ~all");
    } else if (type == 1 && strcmp(name, "ns1." DR_ZONE) == 0) {
        const uint8_t a[4] = {127, 0, 0, 1};
        dr_rr(&o, 1, 300, a, 4);
    } else if (type == 1 && (in_zone || strstr(name, "tmems-jp"))) {
        const uint8_t a[4] = {192, 0, 2, 10};
        dr_rr(&o, 1, 300, a, 4);
    } else if (type == 16 && strcmp(name, "spf.tmems-jp.trendmicro.com") == 0) {
        const char *spf = DR_SITE_SPF;
        size_t len = strlen(spf);
        rd[0] = (uint8_t)len;
        memcpy(rd + 1, spf, len);
        dr_rr(&o, 16, 300, rd, len + 1);
    } else if (!in_zone && !strstr(name, "tmems-jp")) {
        out[3] = 0x83; /* NXDOMAIN */
    }
    dr_put16(out + 6, o.count);
    return (size_t)(o.p - out);
}

static inline void *dr_main(void *arg)
{
    dr_t *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        uint8_t q[512], out[1500];
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(s->fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
        if (n < 12)
            continue;
        atomic_fetch_add(&s->asked, 1);
        if (q[2] & 0x01)
            atomic_fetch_add(&s->rd_set, 1);
        if (atomic_load(&s->mute))
            continue;
        size_t len = dr_answer(s, q, (size_t)n, out);
        if (len)
            sendto(s->fd, out, len, 0, (struct sockaddr *)&from, fl);
    }
    return NULL;
}

static inline dr_t *dr_start(void)
{
    dr_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof sa;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s->fd >= 0);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sa, &sl), 0);
    s->port = ntohs(sa.sin_port);
    assert_int_equal(pthread_create(&s->thread, NULL, dr_main, s), 0);
    return s;
}

static inline void dr_stop(dr_t *s)
{
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    close(s->fd);
    free(s);
}

/* A port on which nothing listens. */
static inline uint16_t dr_closed_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof sa;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

#endif
