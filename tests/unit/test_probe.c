/* test_probe.c - the probes' I/O (src/lib/probe/) against scripted servers
 * on 127.0.0.1 run in a thread of this test: the SMTP dialogue's stages and
 * how each can fail (refused, silent, a 554 greeting, not SMTP, a flood, a
 * close, a broken TLS handshake), that the authoritative questions go out
 * with RD=0 and their answers land in the view, the bounds in time, and
 * that every allocation failure gives TM_ENOMEM without a leak.  The
 * STARTTLS handshake that succeeds is test_smtp.sh's (a real server). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmems/tm_probe.h"

#define DOMAIN "probe.example"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int listen_loopback(int type, uint16_t *port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof sa;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, type, 0);
    assert_true(fd >= 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    if (type == SOCK_STREAM)
        assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

/* A port on which nothing listens (bound, then closed). */
static uint16_t closed_port(void)
{
    uint16_t port;
    close(listen_loopback(SOCK_STREAM, &port));
    return port;
}

static tm_probe_targets_t one_target(const char *host)
{
    tm_probe_targets_t t;
    memset(&t, 0, sizeof t);
    t.count = 1;
    snprintf(t.items[0].host, sizeof t.items[0].host, "%s", host);
    t.items[0].has_addr = tm_ip_parse("127.0.0.1", &t.items[0].addr);
    return t;
}

/* ---- a scripted SMTP server ------------------------------------------------ */

typedef enum {
    SMTP_NO_STARTTLS, /* multi-line greeting, EHLO without STARTTLS, QUIT */
    SMTP_554,         /* refuses the session, then takes QUIT */
    SMTP_GARBAGE,     /* an HTTP answer */
    SMTP_FLOOD,       /* an endless multi-line greeting */
    SMTP_CLOSE,       /* greets and hangs up */
    SMTP_BAD_TLS,     /* offers STARTTLS, says 220, then answers in clear text */
    SMTP_SILENT       /* accepts, never says a word; counts connections open at once */
} smtp_mode_t;

typedef struct {
    int fd;
    uint16_t port;
    smtp_mode_t mode;
    pthread_t thread;
    atomic_int stop;
    pthread_mutex_t mu;
    char seen[2048]; /* the commands received, one a line */
    size_t seen_len;
    int held[16];    /* SMTP_SILENT: the connections open now */
    size_t nheld;
    atomic_int most_held, accepted;
} smtp_srv_t;

static void put(int fd, const char *s) { (void)send(fd, s, strlen(s), MSG_NOSIGNAL); }

/* One line from the client, bounded; false when it closed or went quiet. */
static bool get_line(int fd, char *line, size_t len)
{
    size_t n = 0;
    while (n + 1 < len) {
        char c;
        ssize_t r = recv(fd, &c, 1, 0);
        if (r <= 0)
            return false;
        if (c == '\n')
            break;
        if (c != '\r')
            line[n++] = c;
    }
    line[n] = '\0';
    return true;
}

static void note(smtp_srv_t *s, const char *line)
{
    pthread_mutex_lock(&s->mu);
    int n = snprintf(s->seen + s->seen_len, sizeof s->seen - s->seen_len, "%s\n", line);
    if (n > 0 && (size_t)n < sizeof s->seen - s->seen_len)
        s->seen_len += (size_t)n;
    pthread_mutex_unlock(&s->mu);
}

static void serve(smtp_srv_t *s, int fd)
{
    struct timeval tv = {.tv_sec = 3};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char line[512];
    switch (s->mode) {
    case SMTP_GARBAGE: put(fd, "HTTP/1.1 400 Bad Request\r\n\r\n"); return;
    case SMTP_CLOSE: put(fd, "220 hi\r\n"); return;
    case SMTP_FLOOD:
        for (int i = 0; i < 400; i++)
            put(fd, "220-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        return;
    case SMTP_554: put(fd, "554 no service here\r\n"); break;
    case SMTP_NO_STARTTLS: put(fd, "220-first line\r\n220 second line\r\n"); break;
    case SMTP_BAD_TLS: put(fd, "220 hi\r\n"); break;
    case SMTP_SILENT: return; /* silent_main's */
    }
    while (get_line(fd, line, sizeof line)) {
        note(s, line);
        if (strncmp(line, "EHLO ", 5) == 0)
            put(fd, s->mode == SMTP_BAD_TLS ? "250-hi\r\n250 STARTTLS\r\n"
                                            : "250-hi\r\n250-SIZE 100\r\n250 8BITMIME\r\n");
        else if (strcmp(line, "STARTTLS") == 0) {
            put(fd, "220 go ahead\r\n");
            char hello[512];
            (void)recv(fd, hello, sizeof hello, 0); /* the ClientHello */
            put(fd, "this is not TLS at all\r\n");
            return;
        } else if (strcmp(line, "QUIT") == 0) {
            put(fd, "221 bye\r\n");
            return;
        } else
            put(fd, "502 no\r\n");
    }
}

/* SMTP_SILENT: every connection is held open, unanswered, until the client
 * closes it; the most open at once is what tells probes that overlap from
 * probes that take turns. */
static void silent_main(smtp_srv_t *s)
{
    while (!atomic_load(&s->stop)) {
        struct pollfd p[17];
        p[0] = (struct pollfd){.fd = s->fd, .events = POLLIN};
        for (size_t i = 0; i < s->nheld; i++)
            p[1 + i] = (struct pollfd){.fd = s->held[i], .events = POLLIN};
        if (poll(p, 1 + s->nheld, 20) <= 0)
            continue;
        for (size_t i = s->nheld; i-- > 0;) {
            char c[64];
            if ((p[1 + i].revents & (POLLIN | POLLHUP)) && recv(s->held[i], c, sizeof c, 0) <= 0) {
                close(s->held[i]);
                s->held[i] = s->held[--s->nheld];
            }
        }
        if ((p[0].revents & POLLIN) && s->nheld < 16) {
            int c = accept(s->fd, NULL, NULL);
            if (c >= 0) {
                s->held[s->nheld++] = c;
                atomic_fetch_add(&s->accepted, 1);
                if ((int)s->nheld > atomic_load(&s->most_held))
                    atomic_store(&s->most_held, (int)s->nheld);
            }
        }
    }
    for (size_t i = 0; i < s->nheld; i++)
        close(s->held[i]);
}

static void *smtp_main(void *arg)
{
    smtp_srv_t *s = arg;
    if (s->mode == SMTP_SILENT) {
        silent_main(s);
        return NULL;
    }
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            continue;
        serve(s, c);
        close(c);
    }
    return NULL;
}

static smtp_srv_t *smtp_start(smtp_mode_t mode)
{
    smtp_srv_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->mode = mode;
    pthread_mutex_init(&s->mu, NULL);
    s->fd = listen_loopback(SOCK_STREAM, &s->port);
    assert_int_equal(pthread_create(&s->thread, NULL, smtp_main, s), 0);
    return s;
}

/* Stops the thread: what the server saw is complete after this. */
static void smtp_join(smtp_srv_t *s)
{
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
}

static void smtp_free(smtp_srv_t *s)
{
    close(s->fd);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static void smtp_stop(smtp_srv_t *s)
{
    smtp_join(s);
    smtp_free(s);
}

static tm_smtp_view_t *smtp_probe(uint16_t port, unsigned timeout_ms, const char *helo)
{
    tm_probe_options_t o = {.timeout_ms = timeout_ms, .smtp_port = port, .helo = helo,
                            .plugin_dir = TM_TEST_PLUGIN_DIR};
    tm_probe_targets_t t = one_target("mx." DOMAIN);
    tm_smtp_view_t *v = NULL;
    assert_int_equal(tm_probe_run(&o, NULL, NULL, &t, NULL, &v), TM_OK);
    assert_non_null(v);
    assert_int_equal(v->count, 1);
    assert_int_equal(v->port, port);
    return v;
}

/* ---- the TLS plugin ----------------------------------------------------------- */

/* Neither the program nor this test links OpenSSL: it is mapped when the
 * STARTTLS probe first needs its plugin, not before.  First test of the
 * file: nothing has loaded the plugin yet. */
static bool openssl_mapped(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, "/libssl") != NULL || strstr(line, "/libcrypto") != NULL;
    fclose(f);
    return found;
}

static void test_openssl_loaded_on_use(void **state)
{
    (void)state;
    assert_false(openssl_mapped());
    tm_probe_options_t o = {.plugin_dir = TM_TEST_PLUGIN_DIR};
    char err[512];
    assert_int_equal(tm_probe_tls_ready(&o, err, sizeof err), TM_OK);
    assert_true(openssl_mapped());
}

/* Without its plugin: tm_probe_tls_ready names the file and the reason, and
 * a probe that goes on regardless fails STARTTLS with that reason, never
 * with a made-up one about the server. */
static void test_tls_plugin_missing(void **state)
{
    (void)state;
    tm_probe_options_t o = {.timeout_ms = 2000, .plugin_dir = "/nonexistent-tmems-plugins"};
    char err[1024];
    assert_int_equal(tm_probe_tls_ready(&o, err, sizeof err), TM_ENOTFOUND);
    assert_non_null(strstr(err, "STARTTLS cannot be probed: the TLS plugin is missing or broken"));
    assert_non_null(strstr(err, "/nonexistent-tmems-plugins/tls.so"));

    smtp_srv_t *s = smtp_start(SMTP_BAD_TLS);
    o.smtp_port = s->port;
    tm_probe_targets_t t = one_target("mx." DOMAIN);
    tm_smtp_view_t *v = NULL;
    assert_int_equal(tm_probe_run(&o, NULL, NULL, &t, NULL, &v), TM_OK);
    const tm_smtp_server_t *r = &v->servers[0];
    assert_true(r->starttls_offered);
    assert_int_equal(r->outcome, TM_SMTP_TLS_FAILED);
    assert_non_null(r->error);
    assert_non_null(strstr(r->error, "/nonexistent-tmems-plugins/tls.so"));
    smtp_stop(s);
    tm_smtp_view_destroy(v);
}

/* ---- SMTP ------------------------------------------------------------------------ */

static void test_smtp_no_starttls(void **state)
{
    (void)state;
    smtp_srv_t *s = smtp_start(SMTP_NO_STARTTLS);
    tm_smtp_view_t *v = smtp_probe(s->port, 2000, NULL);
    const tm_smtp_server_t *r = &v->servers[0];
    assert_int_equal(r->outcome, TM_SMTP_NO_STARTTLS);
    assert_int_equal(r->stage, TM_SMTP_STAGE_STARTTLS);
    assert_int_equal(r->greeting_code, 220);
    assert_int_equal(r->greeting_len, strlen("first line\nsecond line"));
    assert_memory_equal(r->greeting, "first line\nsecond line", r->greeting_len);
    assert_int_equal(r->ehlo_code, 250);
    assert_string_equal(r->extensions, "SIZE 8BITMIME");
    assert_false(r->starttls_offered);
    assert_false(r->tls_ok);
    assert_true(r->probed_at > 1600000000);
    smtp_stop(s);
    tm_smtp_view_destroy(v);
}

/* The EHLO name and a polite QUIT reach the server. */
static void test_smtp_dialogue_seen_by_server(void **state)
{
    (void)state;
    smtp_srv_t *s = smtp_start(SMTP_NO_STARTTLS);
    tm_smtp_view_t *v = smtp_probe(s->port, 2000, "checker.example");
    smtp_join(s);
    assert_string_equal(s->seen, "EHLO checker.example\nQUIT\n");
    smtp_free(s);
    tm_smtp_view_destroy(v);

    /* no name, or one that would smuggle a second command: the default */
    const char *helos[] = {NULL, "evil\r\nRCPT TO:<x@y>", "two words"};
    for (size_t i = 0; i < sizeof helos / sizeof helos[0]; i++) {
        s = smtp_start(SMTP_NO_STARTTLS);
        v = smtp_probe(s->port, 2000, helos[i]);
        smtp_join(s);
        assert_string_equal(s->seen, "EHLO " TM_PROBE_DEFAULT_HELO "\nQUIT\n");
        smtp_free(s);
        tm_smtp_view_destroy(v);
    }
}

static void test_smtp_refused(void **state)
{
    (void)state;
    tm_smtp_view_t *v = smtp_probe(closed_port(), 2000, NULL);
    assert_int_equal(v->servers[0].outcome, TM_SMTP_REFUSED);
    assert_int_equal(v->servers[0].stage, TM_SMTP_STAGE_CONNECT);
    assert_int_equal(v->servers[0].greeting_code, 0);
    tm_smtp_view_destroy(v);
}

/* Accepted by the kernel, never greeted: the greeting step times out. */
static void test_smtp_silent_is_bounded(void **state)
{
    (void)state;
    uint16_t port;
    int fd = listen_loopback(SOCK_STREAM, &port);
    long long t0 = now_ms();
    tm_smtp_view_t *v = smtp_probe(port, 300, NULL);
    long long took = now_ms() - t0;
    assert_int_equal(v->servers[0].outcome, TM_SMTP_TIMEOUT);
    assert_int_equal(v->servers[0].stage, TM_SMTP_STAGE_GREETING);
    assert_true(took >= 290); /* it waited the timeout; how much longer is load */
    assert_int_equal(v->timeout_ms, 300);
    tm_smtp_view_destroy(v);
    close(fd);
}

static void test_smtp_554(void **state)
{
    (void)state;
    smtp_srv_t *s = smtp_start(SMTP_554);
    tm_smtp_view_t *v = smtp_probe(s->port, 2000, NULL);
    const tm_smtp_server_t *r = &v->servers[0];
    assert_int_equal(r->outcome, TM_SMTP_REJECTED);
    assert_int_equal(r->stage, TM_SMTP_STAGE_GREETING);
    assert_int_equal(r->reply_code, 554);
    assert_memory_equal(r->reply, "no service here", r->reply_len);
    smtp_join(s);
    /* RFC 5321 section 3.1: QUIT after a refusal */
    assert_string_equal(s->seen, "QUIT\n");
    smtp_free(s);
    tm_smtp_view_destroy(v);
}

static void test_smtp_not_smtp(void **state)
{
    (void)state;
    smtp_srv_t *s = smtp_start(SMTP_GARBAGE);
    tm_smtp_view_t *v = smtp_probe(s->port, 2000, NULL);
    assert_int_equal(v->servers[0].outcome, TM_SMTP_PROTOCOL);
    assert_int_equal(v->servers[0].stage, TM_SMTP_STAGE_GREETING);
    assert_non_null(v->servers[0].error);
    smtp_stop(s);
    tm_smtp_view_destroy(v);
}

static void test_smtp_flood_is_bounded(void **state)
{
    (void)state;
    smtp_srv_t *s = smtp_start(SMTP_FLOOD);
    tm_smtp_view_t *v = smtp_probe(s->port, 2000, NULL);
    assert_int_equal(v->servers[0].outcome, TM_SMTP_PROTOCOL);
    assert_int_equal(v->servers[0].greeting_code, 0);
    smtp_stop(s);
    tm_smtp_view_destroy(v);
}

static void test_smtp_close_after_greeting(void **state)
{
    (void)state;
    smtp_srv_t *s = smtp_start(SMTP_CLOSE);
    tm_smtp_view_t *v = smtp_probe(s->port, 2000, NULL);
    assert_int_equal(v->servers[0].outcome, TM_SMTP_CLOSED);
    assert_int_equal(v->servers[0].stage, TM_SMTP_STAGE_EHLO);
    assert_int_equal(v->servers[0].greeting_code, 220);
    smtp_stop(s);
    tm_smtp_view_destroy(v);
}

static void test_smtp_broken_tls(void **state)
{
    (void)state;
    smtp_srv_t *s = smtp_start(SMTP_BAD_TLS);
    tm_smtp_view_t *v = smtp_probe(s->port, 2000, NULL);
    const tm_smtp_server_t *r = &v->servers[0];
    assert_true(r->starttls_offered);
    assert_int_equal(r->outcome, TM_SMTP_TLS_FAILED);
    assert_int_equal(r->stage, TM_SMTP_STAGE_TLS);
    assert_false(r->tls_ok);
    assert_non_null(r->error);
    smtp_stop(s);
    tm_smtp_view_destroy(v);
}

static void test_smtp_no_address(void **state)
{
    (void)state;
    tm_probe_targets_t t;
    memset(&t, 0, sizeof t);
    t.count = 1;
    snprintf(t.items[0].host, sizeof t.items[0].host, "gone." DOMAIN);
    t.items[0].addr_outcome = TM_DNS_NXDOMAIN;
    t.truncated = true;
    tm_smtp_view_t *v = NULL;
    /* no address, so no connection: the outcome says it, not a clock */
    assert_int_equal(tm_probe_run(NULL, NULL, NULL, &t, NULL, &v), TM_OK);
    assert_int_equal(v->servers[0].outcome, TM_SMTP_NO_ADDRESS);
    assert_true(v->truncated);
    assert_int_equal(v->port, 25);
    tm_smtp_view_destroy(v);
}

static void test_smtp_out_of_memory(void **state)
{
    (void)state;
    smtp_srv_t *s = smtp_start(SMTP_NO_STARTTLS);
    tm_probe_options_t o = {.timeout_ms = 2000, .smtp_port = s->port,
                            .plugin_dir = TM_TEST_PLUGIN_DIR};
    tm_probe_targets_t t = one_target("mx." DOMAIN);
    unsigned n;
    for (n = 1; n < 1000; n++) {
        tm_smtp_view_t *v = NULL;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_probe_run(&o, NULL, NULL, &t, NULL, &v);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_int_equal(v->servers[0].outcome, TM_SMTP_NO_STARTTLS);
            tm_smtp_view_destroy(v);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_null(v);
    }
    assert_true(n > 3 && n < 1000);
    smtp_stop(s);
}

/* ---- probes of many domains on one loop ------------------------------------ */

typedef struct {
    unsigned done;
} done_count_t;

static void count_done(void *arg) { ((done_count_t *)arg)->done++; }

/* Three domains' probes on one resolver's loop, against a server that
 * accepts and never greets: the server holds all three connections at
 * once (the probes overlap; they do not take turns), and each ends in
 * its own timeout at the greeting. */
static void test_probes_share_the_loop(void **state)
{
    (void)state;
    smtp_srv_t *s = smtp_start(SMTP_SILENT);
    tm_resolver_options_t ro = {.offline = true};
    tm_resolver_t *loop = NULL;
    assert_int_equal(tm_resolver_create(&ro, &loop, NULL, 0), TM_OK);
    tm_probe_options_t o = {.timeout_ms = 300, .smtp_port = s->port,
                            .plugin_dir = TM_TEST_PLUGIN_DIR};
    tm_probe_targets_t t = one_target("mx." DOMAIN);
    tm_probe_t *p[3] = {NULL, NULL, NULL};
    done_count_t d = {0};
    for (int i = 0; i < 3; i++)
        assert_int_equal(tm_probe_start(loop, &o, NULL, NULL, &t, count_done, &d, &p[i]), TM_OK);
    assert_int_equal(d.done, 0); /* never from inside start */
    assert_int_equal(tm_resolver_run(loop, -1), TM_OK);
    assert_int_equal(d.done, 3);
    for (int i = 0; i < 3; i++) {
        tm_smtp_view_t *v = NULL;
        assert_true(tm_probe_complete(p[i]));
        assert_int_equal(tm_probe_take(p[i], NULL, &v), TM_OK);
        assert_int_equal(v->servers[0].outcome, TM_SMTP_TIMEOUT);
        assert_int_equal(v->servers[0].stage, TM_SMTP_STAGE_GREETING);
        tm_smtp_view_destroy(v);
        tm_probe_destroy(p[i]);
    }
    smtp_join(s);
    assert_int_equal(atomic_load(&s->accepted), 3);
    assert_int_equal(atomic_load(&s->most_held), 3);
    smtp_free(s);
    tm_resolver_destroy(loop);
}

/* A probe given up before it ends (its domain was aborted): it leaves the
 * loop and closes its connection, and its done is never called. */
static void test_probe_destroyed_early(void **state)
{
    (void)state;
    smtp_srv_t *s = smtp_start(SMTP_SILENT);
    tm_resolver_options_t ro = {.offline = true};
    tm_resolver_t *loop = NULL;
    assert_int_equal(tm_resolver_create(&ro, &loop, NULL, 0), TM_OK);
    tm_probe_options_t o = {.timeout_ms = 60000, .smtp_port = s->port,
                            .plugin_dir = TM_TEST_PLUGIN_DIR};
    tm_probe_targets_t t = one_target("mx." DOMAIN);
    tm_probe_t *p = NULL;
    done_count_t d = {0};
    assert_int_equal(tm_probe_start(loop, &o, NULL, NULL, &t, count_done, &d, &p), TM_OK);
    assert_int_equal(tm_resolver_run(loop, 100), TM_OK);
    assert_false(tm_probe_complete(p));
    tm_smtp_view_t *v = (tm_smtp_view_t *)&d;
    assert_int_equal(tm_probe_take(p, NULL, &v), TM_EINVAL);
    assert_null(v);
    tm_probe_destroy(p);
    /* Nothing is left on the loop. */
    assert_int_equal(tm_resolver_run(loop, -1), TM_OK);
    assert_int_equal(d.done, 0);
    smtp_join(s);
    assert_int_equal(atomic_load(&s->accepted), 1);
    smtp_free(s);
    tm_resolver_destroy(loop);
}

/* ---- a scripted authoritative server --------------------------------------- */

typedef struct {
    int fd;
    uint16_t port;
    bool mute;         /* never answers */
    pthread_t thread;
    atomic_int stop;
    atomic_int asked;  /* questions received */
    atomic_int rd_set; /* of them with RD=1 */
} dns_srv_t;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* The answer to one question: one record, its names compressed to the
 * question's name (RFC 1035 section 4.1.4). */
static size_t answer(const uint8_t *q, size_t qlen, uint8_t *out, size_t outlen)
{
    size_t pos = 12;
    while (pos < qlen && q[pos] != 0)
        pos += (size_t)q[pos] + 1;
    pos += 1;
    if (pos + 4 > qlen || pos + 4 + 64 > outlen)
        return 0;
    uint16_t type = (uint16_t)(q[pos] << 8 | q[pos + 1]);
    size_t qend = pos + 4;
    memcpy(out, q, qend);
    out[2] = (uint8_t)(0x84 | (q[2] & 0x01)); /* QR, AA, RD as asked */
    out[3] = 0;                                /* NOERROR */
    put16(out + 4, 1);
    put16(out + 6, 1);
    put16(out + 8, 0);
    put16(out + 10, 0);
    uint8_t *rr = out + qend;
    rr[0] = 0xC0;
    rr[1] = 12;
    put16(rr + 2, type);
    put16(rr + 4, 1);
    put32(rr + 6, 300);
    uint8_t *rd = rr + 12;
    size_t rdlen;
    if (type == 6) { /* SOA */
        rd[0] = 0xC0, rd[1] = 12, rd[2] = 0xC0, rd[3] = 12;
        put32(rd + 4, 2024090107u);
        for (int i = 0; i < 4; i++)
            put32(rd + 8 + 4 * i, 3600);
        rdlen = 24;
    } else if (type == 15) { /* MX 10 <the domain> */
        put16(rd, 10);
        rd[2] = 0xC0, rd[3] = 12;
        rdlen = 4;
    } else { /* TXT */
        static const char spf[] = "v=spf1 -all";
        rd[0] = (uint8_t)(sizeof spf - 1);
        memcpy(rd + 1, spf, sizeof spf - 1);
        rdlen = sizeof spf;
    }
    put16(rr + 10, (uint16_t)rdlen);
    return qend + 12 + rdlen;
}

static void *dns_main(void *arg)
{
    dns_srv_t *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        uint8_t q[512], out[700];
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(s->fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
        if (n < 12)
            continue;
        atomic_fetch_add(&s->asked, 1);
        if (q[2] & 0x01)
            atomic_fetch_add(&s->rd_set, 1);
        if (s->mute)
            continue;
        size_t len = answer(q, (size_t)n, out, sizeof out);
        if (len)
            sendto(s->fd, out, len, 0, (struct sockaddr *)&from, fl);
    }
    return NULL;
}

static dns_srv_t *dns_start(bool mute)
{
    dns_srv_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->mute = mute;
    s->fd = listen_loopback(SOCK_DGRAM, &s->port);
    assert_int_equal(pthread_create(&s->thread, NULL, dns_main, s), 0);
    return s;
}

static void dns_stop(dns_srv_t *s)
{
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    close(s->fd);
    free(s);
}

static tm_auth_view_t *auth_probe(uint16_t port, unsigned timeout_ms, unsigned tries)
{
    tm_probe_options_t o = {.timeout_ms = timeout_ms, .tries = tries, .auth_port = port};
    tm_probe_targets_t t = one_target("ns1." DOMAIN);
    t.count = 2;
    snprintf(t.items[1].host, sizeof t.items[1].host, "ns9." DOMAIN);
    t.items[1].addr_outcome = TM_DNS_SERVFAIL; /* no address: not asked */
    tm_auth_view_t *v = NULL;
    assert_int_equal(tm_probe_run(&o, DOMAIN, &t, NULL, &v, NULL), TM_OK);
    assert_non_null(v);
    assert_int_equal(v->count, 2);
    assert_int_equal(v->port, port);
    assert_null(v->servers[1].soa);
    assert_false(v->servers[1].target.has_addr);
    return v;
}

static void test_auth_answers_without_recursion(void **state)
{
    (void)state;
    dns_srv_t *s = dns_start(false);
    tm_auth_view_t *v = auth_probe(s->port, 2000, 2);
    const tm_auth_server_t *r = &v->servers[0];
    assert_non_null(r->soa);
    assert_int_equal(r->soa->outcome, TM_DNS_NOERROR);
    assert_int_equal(r->soa->rrs[0].u.soa.serial, 2024090107u);
    assert_int_equal(r->mx->outcome, TM_DNS_NOERROR);
    assert_string_equal(r->mx->rrs[0].u.mx.host, DOMAIN);
    assert_int_equal(r->txt->outcome, TM_DNS_NOERROR);
    assert_memory_equal(r->txt->rrs[0].u.txt.data, "v=spf1 -all", 11);
    dns_stop(s);
    tm_auth_view_destroy(v);
}

static void test_auth_rd_is_clear(void **state)
{
    (void)state;
    dns_srv_t *s = dns_start(false);
    tm_auth_view_t *v = auth_probe(s->port, 2000, 2);
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    /* RFC 1035 section 4.1.1: RD=0, so no server answers from a cache */
    assert_int_equal(atomic_load(&s->asked), 3);
    assert_int_equal(atomic_load(&s->rd_set), 0);
    close(s->fd);
    free(s);
    tm_auth_view_destroy(v);
}

/* Nothing listens: no DNS message came, which is not the REFUSED rcode. */
static void test_auth_refused(void **state)
{
    (void)state;
    tm_auth_view_t *v = auth_probe(closed_port(), 2000, 3);
    assert_int_equal(v->servers[0].soa->outcome, TM_DNS_UNREACHABLE);
    assert_int_equal(v->servers[0].txt->outcome, TM_DNS_UNREACHABLE);
    assert_int_equal(v->servers[0].mx->outcome, TM_DNS_UNREACHABLE);
    assert_string_equal(v->servers[0].soa->error, "connection refused");
    tm_auth_view_destroy(v);
}

/* A server that takes the questions and never answers: each of the three
 * questions is tried --tries times, then the server is UNREACHABLE (it
 * never answered anything). */
static void test_auth_silent_is_bounded(void **state)
{
    (void)state;
    dns_srv_t *s = dns_start(true);
    tm_auth_view_t *v = auth_probe(s->port, 200, 2);
    assert_int_equal(v->servers[0].soa->outcome, TM_DNS_UNREACHABLE);
    assert_int_equal(v->servers[0].mx->outcome, TM_DNS_UNREACHABLE);
    assert_string_equal(v->servers[0].soa->error,
                        "no answer from the DNS server (2 tries of 200 ms each)");
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    assert_int_equal(atomic_load(&s->asked), 3 * 2);
    close(s->fd);
    free(s);
    tm_auth_view_destroy(v);
}

static void test_auth_out_of_memory(void **state)
{
    (void)state;
    dns_srv_t *s = dns_start(false);
    tm_probe_options_t o = {.timeout_ms = 2000, .tries = 2, .auth_port = s->port};
    tm_probe_targets_t t = one_target("ns1." DOMAIN);
    unsigned n;
    for (n = 1; n < 2000; n++) {
        tm_auth_view_t *v = NULL;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_probe_run(&o, DOMAIN, &t, NULL, &v, NULL);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            assert_non_null(v->servers[0].soa);
            tm_auth_view_destroy(v);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_null(v);
    }
    assert_true(n > 3 && n < 2000);
    dns_stop(s);
}

static void test_arguments(void **state)
{
    (void)state;
    tm_probe_targets_t t = one_target("x." DOMAIN);
    tm_auth_view_t *a = (tm_auth_view_t *)&t; /* must be reset */
    assert_int_equal(tm_probe_run(NULL, NULL, &t, NULL, &a, NULL), TM_EINVAL);
    assert_null(a);
    assert_int_equal(tm_probe_run(NULL, DOMAIN, &t, NULL, NULL, NULL), TM_EINVAL);
    /* nothing asked, nothing made */
    assert_int_equal(tm_probe_run(NULL, DOMAIN, NULL, NULL, &a, NULL), TM_OK);
    assert_null(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openssl_loaded_on_use),
        cmocka_unit_test(test_tls_plugin_missing),
        cmocka_unit_test(test_smtp_no_starttls),
        cmocka_unit_test(test_smtp_dialogue_seen_by_server),
        cmocka_unit_test(test_smtp_refused),
        cmocka_unit_test(test_smtp_silent_is_bounded),
        cmocka_unit_test(test_smtp_554),
        cmocka_unit_test(test_smtp_not_smtp),
        cmocka_unit_test(test_smtp_flood_is_bounded),
        cmocka_unit_test(test_smtp_close_after_greeting),
        cmocka_unit_test(test_smtp_broken_tls),
        cmocka_unit_test(test_smtp_no_address),
        cmocka_unit_test(test_smtp_out_of_memory),
        cmocka_unit_test(test_probes_share_the_loop),
        cmocka_unit_test(test_probe_destroyed_early),
        cmocka_unit_test(test_auth_answers_without_recursion),
        cmocka_unit_test(test_auth_rd_is_clear),
        cmocka_unit_test(test_auth_refused),
        cmocka_unit_test(test_auth_silent_is_bounded),
        cmocka_unit_test(test_auth_out_of_memory),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
