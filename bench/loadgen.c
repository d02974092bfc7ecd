/* loadgen.c - a bounded DNS load generator for measuring the delaying
 * proxy's own ceiling (bench/README.md "The proxy's ceiling").
 *
 *   loadgen -t ADDR:PORT -n COUNT [-w WINDOW] [-T MAX_SECONDS]
 *           [-e ADDR:PORT] [-q NAME] [-y TYPE]
 *
 * Sends COUNT queries for NAME (type TYPE, default A) to the target with at
 * most WINDOW unanswered at once, and prints one line:
 *   sent N answered N lost N seconds S qps Q p50_ms X p99_ms Y
 * With -e it is also the upstream server: every query arriving on the echo
 * address is sent back at once with the QR bit set, so the proxy is
 * measured alone, without BIND.  A query unanswered after 2 s is counted
 * lost.  It stops after COUNT queries or MAX_SECONDS (default 30), whichever
 * comes first, so it can never run away.  Loopback addresses only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define LOST_NS (2ull * 1000000000ull)
#define MAX_COUNT 20000000ul

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool parse_addr(const char *text, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    if (!colon || (size_t)(colon - text) >= sizeof host)
        return false;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)atoi(colon + 1));
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

static size_t build_query(uint8_t *q, const char *name, uint16_t type)
{
    size_t n = 0;
    memset(q, 0, 12);
    q[2] = 0x01; /* RD */
    q[5] = 1;    /* QDCOUNT */
    n = 12;
    const char *p = name;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        if (l == 0 || l > 63 || n + l + 6 > 300)
            break;
        q[n++] = (uint8_t)l;
        memcpy(q + n, p, l);
        n += l;
        p += l;
        if (*p == '.')
            p++;
    }
    q[n++] = 0;
    q[n++] = (uint8_t)(type >> 8);
    q[n++] = (uint8_t)type;
    q[n++] = 0;
    q[n++] = 1; /* IN */
    return n;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int udp_socket(const struct sockaddr_in *bind_to)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        perror("socket");
        exit(1);
    }
    int sz = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    if (bind_to && bind(fd, (const struct sockaddr *)bind_to, sizeof *bind_to) < 0) {
        perror("bind");
        exit(1);
    }
    return fd;
}

/* The echo server: every datagram goes back to its sender as an answer. */
static void echo(int fd)
{
    static uint8_t bufs[BATCH][512];
    static struct sockaddr_in from[BATCH];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    for (int round = 0; round < 16; round++) {
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = bufs[i];
            iov[i].iov_len = sizeof bufs[i];
            memset(&msgs[i], 0, sizeof msgs[i]);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof from[i];
        }
        int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0)
            return;
        for (int i = 0; i < n; i++) {
            bufs[i][2] |= 0x80; /* QR: a response */
            iov[i].iov_len = msgs[i].msg_len;
        }
        sendmmsg(fd, msgs, (unsigned)n, 0);
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_in target, echo_at;
    bool have_t = false, have_e = false;
    unsigned long count = 0;
    unsigned window = 256;
    long max_s = 30;
    const char *name = "ceiling.bench.test";
    uint16_t type = 1;
    int opt;
    while ((opt = getopt(argc, argv, "t:n:w:T:e:q:y:")) != -1) {
        switch (opt) {
        case 't': have_t = parse_addr(optarg, &target); break;
        case 'n': count = strtoul(optarg, NULL, 10); break;
        case 'w': window = (unsigned)atoi(optarg); break;
        case 'T': max_s = atol(optarg); break;
        case 'e': have_e = parse_addr(optarg, &echo_at); break;
        case 'q': name = optarg; break;
        case 'y': type = (uint16_t)atoi(optarg); break;
        default:
            fprintf(stderr, "usage: loadgen -t ADDR:PORT -n COUNT [-w WINDOW] [-T MAX_S] "
                            "[-e ADDR:PORT] [-q NAME] [-y TYPE]\n");
            return 2;
        }
    }
    if (!have_t || count == 0 || count > MAX_COUNT || window == 0 || window > 60000 ||
        max_s <= 0 || max_s > 600) {
        fprintf(stderr, "loadgen: need -t, 1 <= -n <= %lu, 1 <= -w <= 60000, 1 <= -T <= 600\n",
                MAX_COUNT);
        return 2;
    }
    int efd = have_e ? udp_socket(&echo_at) : -1;
    int cfd = udp_socket(NULL);
    if (connect(cfd, (struct sockaddr *)&target, sizeof target) < 0) {
        perror("connect");
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 1};
    epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev);
    if (efd >= 0) {
        ev.data.u32 = 2;
        epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    }
    uint8_t query[320];
    size_t qlen = build_query(query, name, type);
    uint64_t *sent_at = calloc(65536, sizeof *sent_at); /* 0: free */
    uint32_t *lat_us = malloc(count * sizeof *lat_us);
    if (!sent_at || !lat_us)
        return 1;
    unsigned long sent = 0, answered = 0, lost = 0;
    unsigned inflight = 0;
    uint16_t next_id = 0;
    uint64_t start = now_ns(), stop_at = start + (uint64_t)max_s * 1000000000ull;
    uint64_t last_sweep = start;

    while ((sent < count || inflight > 0) && now_ns() < stop_at) {
        /* Fill the window, a batch at a time. */
        while (sent < count && inflight < window) {
            static uint8_t qb[BATCH][320];
            struct mmsghdr msgs[BATCH];
            struct iovec iov[BATCH];
            int k = 0;
            uint64_t t = now_ns();
            while (k < BATCH && sent + (unsigned long)k < count &&
                   inflight + (unsigned)k < window) {
                int probes = 0;
                while (sent_at[next_id] && probes++ < 65536)
                    next_id++;
                if (sent_at[next_id])
                    break;
                memcpy(qb[k], query, qlen);
                qb[k][0] = (uint8_t)(next_id >> 8);
                qb[k][1] = (uint8_t)next_id;
                sent_at[next_id] = t;
                next_id++;
                iov[k].iov_base = qb[k];
                iov[k].iov_len = qlen;
                memset(&msgs[k], 0, sizeof msgs[k]);
                msgs[k].msg_hdr.msg_iov = &iov[k];
                msgs[k].msg_hdr.msg_iovlen = 1;
                k++;
            }
            if (k == 0)
                break;
            int n = sendmmsg(cfd, msgs, (unsigned)k, 0);
            if (n < 0)
                n = 0;
            for (int i = n; i < k; i++) /* not sent: free their IDs again */
                sent_at[(qb[i][0] << 8) | qb[i][1]] = 0;
            sent += (unsigned long)n;
            inflight += (unsigned)n;
            if (n < k)
                break;
        }
        struct epoll_event evs[4];
        int n = epoll_wait(ep, evs, 4, 5);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u32 == 2) {
                echo(efd);
                continue;
            }
            static uint8_t abuf[BATCH][4096];
            struct mmsghdr msgs[BATCH];
            struct iovec iov[BATCH];
            for (int r = 0; r < 16; r++) {
                for (int k = 0; k < BATCH; k++) {
                    iov[k].iov_base = abuf[k];
                    iov[k].iov_len = sizeof abuf[k];
                    memset(&msgs[k], 0, sizeof msgs[k]);
                    msgs[k].msg_hdr.msg_iov = &iov[k];
                    msgs[k].msg_hdr.msg_iovlen = 1;
                }
                int got = recvmmsg(cfd, msgs, BATCH, MSG_DONTWAIT, NULL);
                if (got <= 0)
                    break;
                uint64_t t = now_ns();
                for (int k = 0; k < got; k++) {
                    if (msgs[k].msg_len < 12)
                        continue;
                    uint16_t id = (uint16_t)((abuf[k][0] << 8) | abuf[k][1]);
                    if (!sent_at[id])
                        continue; /* late: already counted lost */
                    if (answered < count)
                        lat_us[answered] = (uint32_t)((t - sent_at[id]) / 1000);
                    answered++;
                    sent_at[id] = 0;
                    inflight--;
                }
            }
        }
        uint64_t t = now_ns();
        if (t - last_sweep > 100000000ull) {
            for (uint32_t id = 0; id < 65536; id++) {
                if (sent_at[id] && t - sent_at[id] > LOST_NS) {
                    sent_at[id] = 0;
                    lost++;
                    inflight--;
                }
            }
            last_sweep = t;
        }
    }
    double secs = (double)(now_ns() - start) / 1e9;
    qsort(lat_us, answered < count ? answered : count, sizeof *lat_us, cmp_u32);
    double p50 = answered ? lat_us[answered / 2] / 1000.0 : 0;
    double p99 = answered ? lat_us[(answered * 99) / 100] / 1000.0 : 0;
    printf("sent %lu answered %lu lost %lu unfinished %u seconds %.3f qps %.0f p50_ms %.2f "
           "p99_ms %.2f\n",
           sent, answered, lost, inflight, secs, answered / secs, p50, p99);
    free(sent_at);
    free(lat_us);
    return answered == count ? 0 : 1;
}
