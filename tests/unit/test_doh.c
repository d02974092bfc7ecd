/* test_doh.c - DNS over HTTPS (src/lib/resolve/doh.c, doh_map.c).
 *
 * The pure parts first: which --doh URLs are accepted and why the others
 * are not, which outcome an HTTP answer or a transport failure becomes.
 * Then the transport through the resolver against a tiny HTTP/1.1 server
 * in threads on 127.0.0.1 (http:// speaks HTTP/1.1, as curl does): what the
 * request looks like on the wire (RFC 8484 section 4.1), and the outcome of
 * every kind of broken endpoint: no DNS message at all is UNREACHABLE, and
 * the resolver names the URL once.  The HTTP/2 path over TLS runs against
 * BIND in tests/integration/test_doh.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "resolve/doh.h"
#include "tmc_params.h"
#include "tmems/tm_resolve.h"

/* ---- URL validation ---------------------------------------------------------- */

typedef struct {
    const char *url;
    const char *why; /* NULL: valid; else a fragment of the reason */
} url_case_t;

static const url_case_t URLS[] = {
    {"https://dns.example/dns-query", NULL},
    {"http://127.0.0.1:8053/dns-query", NULL},
    {"HTTPS://DNS.EXAMPLE/dns-query", NULL},
    {"https://[2001:db8::1]/dns-query", NULL},
    {"https://[2001:db8::1]:4443/dns-query", NULL},
    {"https://dns.example./dns-query", NULL},
    {"https://dns.example/dns-query{?dns}", NULL},
    {"https://dns.example", NULL},
    {"https://dns.example?x=1", NULL},
    {"https://dns.example:65535/q", NULL},
    {"https://xn--r8jz45g.example/dns-query", NULL},
    {"", "no URL"},
    {"ftp://dns.example/", "only http:// and https://"},
    {"dns.example/dns-query", "only http:// and https://"},
    {"tls://dns.example", "only http:// and https://"},
    {"https:/dns.example", "only http:// and https://"},
    {"https://", "no valid host"},
    {"https:///dns-query", "no valid host"},
    {"https://dns..example/", "no valid host"},
    {"https://-dns.example/", "no valid host"},
    {"https://dns-.example/", "no valid host"},
    {"https://dns_x.example/", "no valid host"},
    {"https://[2001:db8::1/dns-query", "no valid host"},
    {"https://[not-v6]/", "no valid host"},
    {"https://[::1]x/", "no valid host"},
    {"https://dns.example:0/", "port"},
    {"https://dns.example:65536/", "port"},
    {"https://dns.example:/", "port"},
    {"https://dns.example:12a/", "port"},
    {"https://user:pw@dns.example/", "user name or password"},
    {"https://dns.example/dns query", "spaces or control"},
    {"https://dns.example/\x01", "spaces or control"},
    {"https://dns.example/\x7f", "spaces or control"},
    {"https://d\xc3\xa9.example/", "non-ASCII"},
    {"https://dns.example/{?dns,x}", "URI template"},
    {"https://dns.example/q{?dns}x", "URI template"},
    {"https://dns.example/q#frag", "fragment"},
};

static void test_url_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof URLS / sizeof URLS[0]; i++) {
        const char *why = NULL;
        bool ok = tm_doh_url_check(URLS[i].url, &why);
        if (ok != (URLS[i].why == NULL))
            fail_msg("'%s': %s", URLS[i].url, ok ? "accepted" : why);
        if (!ok) {
            assert_non_null(why);
            if (!strstr(why, URLS[i].why))
                fail_msg("'%s': reason '%s' lacks '%s'", URLS[i].url, why, URLS[i].why);
        }
        /* The public wrapper agrees. */
        assert_int_equal(tm_resolver_doh_url_valid(URLS[i].url, NULL), ok);
    }
}

static void test_url_limits(void **state)
{
    (void)state;
    const char *why = NULL;
    char url[TM_DOH_URL_MAX + 2];
    size_t prefix = strlen("https://dns.example/");
    memcpy(url, "https://dns.example/", prefix);
    memset(url + prefix, 'a', sizeof url - prefix - 1);
    url[TM_DOH_URL_MAX] = '\0'; /* exactly at the limit */
    assert_true(tm_doh_url_check(url, &why));
    memset(url + prefix, 'a', sizeof url - prefix - 1);
    url[TM_DOH_URL_MAX + 1] = '\0';
    assert_false(tm_doh_url_check(url, &why));
    assert_non_null(strstr(why, "longer than"));
    assert_false(tm_doh_url_check(NULL, &why));
    /* A 64-octet label is one too many (RFC 1035 section 2.3.4). */
    char host[128];
    snprintf(host, sizeof host, "https://%.*s.example/", 64,
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_false(tm_doh_url_check(host, NULL));
    snprintf(host, sizeof host, "https://%.*s.example/", 63,
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_true(tm_doh_url_check(host, NULL));
}

static void test_url_template(void **state)
{
    (void)state;
    const char *t = "https://dns.example/dns-query{?dns}";
    assert_int_equal(tm_doh_url_len(t), strlen("https://dns.example/dns-query"));
    assert_int_equal(tm_doh_url_len("https://dns.example/q"), strlen("https://dns.example/q"));
    assert_int_equal(tm_doh_url_len("{?dns}"), 0);
}

/* ---- HTTP and transport outcomes ------------------------------------------------- */

static void test_classify_http(void **state)
{
    (void)state;
    char why[256];
    assert_int_equal(tm_doh_classify_http(200, "application/dns-message", why, sizeof why),
                     TM_DNS_NOERROR);
    assert_string_equal(why, "");
    /* RFC 9110 section 8.3.1: case-insensitive, parameters ignored. */
    assert_int_equal(tm_doh_classify_http(200, "Application/DNS-Message; charset=x", why,
                                          sizeof why),
                     TM_DNS_NOERROR);
    assert_int_equal(tm_doh_classify_http(200, " application/dns-message ", why, sizeof why),
                     TM_DNS_NOERROR);
    /* RFC 8484 section 4.2.1: any 2xx carries the answer. */
    assert_int_equal(tm_doh_classify_http(203, "application/dns-message", why, sizeof why),
                     TM_DNS_NOERROR);

    /* No DNS message came: a transport failure, never a response code. */
    assert_int_equal(tm_doh_classify_http(500, "application/dns-message", why, sizeof why),
                     TM_DNS_UNREACHABLE);
    assert_string_equal(why, "the server answered HTTP 500");
    assert_int_equal(tm_doh_classify_http(404, NULL, why, sizeof why), TM_DNS_UNREACHABLE);
    assert_string_equal(why, "the server answered HTTP 404");
    assert_int_equal(tm_doh_classify_http(301, "text/html", why, sizeof why),
                     TM_DNS_UNREACHABLE);
    assert_string_equal(why, "the server answered HTTP 301");
    assert_int_equal(tm_doh_classify_http(199, NULL, why, sizeof why), TM_DNS_UNREACHABLE);
    assert_int_equal(tm_doh_classify_http(300, NULL, why, sizeof why), TM_DNS_UNREACHABLE);

    assert_int_equal(tm_doh_classify_http(200, NULL, why, sizeof why), TM_DNS_UNREACHABLE);
    assert_non_null(strstr(why, "without a content type"));
    assert_int_equal(tm_doh_classify_http(200, "text/html", why, sizeof why),
                     TM_DNS_UNREACHABLE);
    assert_string_equal(why,
                        "the server answered with content type 'text/html', not application/dns-message");
    /* A longer type that starts like ours is another type. */
    assert_int_equal(tm_doh_classify_http(200, "application/dns-messagex", why, sizeof why),
                     TM_DNS_UNREACHABLE);
    assert_int_equal(tm_doh_classify_http(200, "application/dns-json", why, sizeof why),
                     TM_DNS_UNREACHABLE);
}

static void test_classify_http_hostile_type(void **state)
{
    (void)state;
    char why[512], ctype[300];
    /* Control bytes never reach the reason (escaped as \xNN); a long value
     * is cut. */
    assert_int_equal(tm_doh_classify_http(200, "text/\x1b[31mred\x07", why, sizeof why),
                     TM_DNS_UNREACHABLE);
    assert_non_null(strstr(why, "'text/\\x1b[31mred\\x07'"));
    for (const char *p = why; *p; p++)
        assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
    memset(ctype, 'x', sizeof ctype - 1);
    ctype[sizeof ctype - 1] = '\0';
    assert_int_equal(tm_doh_classify_http(200, ctype, why, sizeof why), TM_DNS_UNREACHABLE);
    assert_non_null(strstr(why, "xxx...'"));
    assert_true(strlen(why) < 200);
    /* A small buffer is never overrun. */
    char tiny[8];
    assert_int_equal(tm_doh_classify_http(500, NULL, tiny, sizeof tiny), TM_DNS_UNREACHABLE);
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
    assert_int_equal(tm_doh_classify_http(500, NULL, NULL, 0), TM_DNS_UNREACHABLE);
}

static void test_classify_transport(void **state)
{
    (void)state;
    static const struct {
        CURLcode code;
        tm_dns_outcome_t outcome;
        bool retry;
    } cases[] = {
        {CURLE_OPERATION_TIMEDOUT, TM_DNS_TIMEOUT, true},
        /* Refused or unresolvable: the next try would be refused too. */
        {CURLE_COULDNT_CONNECT, TM_DNS_UNREACHABLE, false},
        {CURLE_COULDNT_RESOLVE_HOST, TM_DNS_UNREACHABLE, false},
        {CURLE_RECV_ERROR, TM_DNS_UNREACHABLE, true},
        {CURLE_SEND_ERROR, TM_DNS_UNREACHABLE, true},
        {CURLE_GOT_NOTHING, TM_DNS_UNREACHABLE, true},
        {CURLE_HTTP2, TM_DNS_UNREACHABLE, true},
        {CURLE_HTTP2_STREAM, TM_DNS_UNREACHABLE, true},
        {CURLE_PEER_FAILED_VERIFICATION, TM_DNS_UNREACHABLE, false},
        {CURLE_SSL_CONNECT_ERROR, TM_DNS_UNREACHABLE, false},
        {CURLE_SSL_CACERT_BADFILE, TM_DNS_UNREACHABLE, false},
        {CURLE_UNSUPPORTED_PROTOCOL, TM_DNS_UNREACHABLE, false},
        {CURLE_FILESIZE_EXCEEDED, TM_DNS_FORMERR, false},
        {CURLE_WRITE_ERROR, TM_DNS_FORMERR, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool retry = !cases[i].retry;
        assert_int_equal(tm_doh_classify_transport((int)cases[i].code, &retry),
                         cases[i].outcome);
        assert_int_equal(retry, cases[i].retry);
    }
    assert_int_equal(tm_doh_classify_transport(CURLE_OPERATION_TIMEDOUT, NULL), TM_DNS_TIMEOUT);
}

/* The test process does not link libcurl (nor does the program): it is
 * mapped when the DoH plugin is loaded, not before.  First test of the
 * file: nothing has loaded the plugin yet. */
static bool curl_mapped(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, "/libcurl") != NULL;
    fclose(f);
    return found;
}

static void test_curl_loaded_on_use(void **state)
{
    (void)state;
    assert_false(curl_mapped());
    const tm_doh_api_t *api = NULL;
    char err[512];
    assert_int_equal(tm_doh_api_load(TM_TEST_PLUGIN_DIR, &api, err, sizeof err), TM_OK);
    assert_non_null(api);
    assert_true(curl_mapped());
    /* Once per process: the same table again. */
    const tm_doh_api_t *again = NULL;
    assert_int_equal(tm_doh_api_load(TM_TEST_PLUGIN_DIR, &again, err, sizeof err), TM_OK);
    assert_ptr_equal(api, again);
}

/* Without its plugin, DoH is refused when the resolver is made, with the
 * file and the loader's reason: never a run whose every answer fails. */
static void test_plugin_missing(void **state)
{
    (void)state;
    char err[1024];
    tm_resolver_t *res = (tm_resolver_t *)1;
    tm_resolver_options_t o = {.doh_url = "https://dns.example/dns-query",
                               .plugin_dir = "/nonexistent-tmems-plugins"};
    assert_int_equal(tm_resolver_create(&o, &res, err, sizeof err), TM_ENOTFOUND);
    assert_null(res);
    assert_non_null(strstr(err, "DNS over HTTPS cannot be used: its plugin is missing or broken"));
    assert_non_null(strstr(err, "/nonexistent-tmems-plugins/doh.so"));
    assert_non_null(strstr(err, "No such file or directory"));
}

static void test_create_rejects(void **state)
{
    (void)state;
    char err[256];
    const tm_doh_api_t *api = NULL;
    assert_int_equal(tm_doh_api_load(TM_TEST_PLUGIN_DIR, &api, err, sizeof err), TM_OK);
    tm_doh_t *doh = (tm_doh_t *)1;
    tm_doh_config_t cfg = {.url = "ftp://dns.example/", .timeout_ms = 100, .tries = 1};
    assert_int_equal(api->create(&cfg, &doh, err, sizeof err), TM_EINVAL);
    assert_null(doh);
    assert_non_null(strstr(err, "invalid DoH URL 'ftp://dns.example/'"));
    assert_non_null(strstr(err, "only http:// and https://"));
    assert_int_equal(api->create(NULL, &doh, err, sizeof err), TM_EINVAL);
    api->destroy(NULL);

    /* The resolver takes one transport: not DoH with servers or offline. */
    const char *servers[] = {"127.0.0.1:53"};
    tm_resolver_t *res = NULL;
    tm_resolver_options_t o = {.doh_url = "http://127.0.0.1:1/dns-query",
                               .plugin_dir = TM_TEST_PLUGIN_DIR,
                               .servers = servers,
                               .nservers = 1};
    assert_int_equal(tm_resolver_create(&o, &res, err, sizeof err), TM_EINVAL);
    assert_null(res);
    assert_non_null(strstr(err, "DNS over HTTPS"));
    tm_resolver_options_t off = {.doh_url = "http://127.0.0.1:1/dns-query", .offline = true};
    assert_int_equal(tm_resolver_create(&off, &res, err, sizeof err), TM_EINVAL);
    assert_non_null(strstr(err, "offline"));
    tm_resolver_options_t bad = {.doh_url = "http://:1/"};
    assert_int_equal(tm_resolver_create(&bad, &res, err, sizeof err), TM_EINVAL);
    assert_non_null(strstr(err, "no valid host"));
}

/* ---- the command line ------------------------------------------------------------- */

/* parse ARGS... : tmc_params_parse on a NULL-terminated list. */
static bool parse(tmc_params_t *p, char *err, size_t errlen, ...)
{
    char *argv[16] = {"tmems-check"};
    int argc = 1;
    va_list ap;
    va_start(ap, errlen);
    for (char *a; argc < 15 && (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    return tmc_params_parse(p, argc, argv, err, errlen);
}

static void test_cli(void **state)
{
    (void)state;
    tmc_params_t p;
    char err[512];

    assert_true(parse(&p, err, sizeof err, "--doh", "https://dns.example/dns-query",
                      "ready.example", (char *)NULL));
    assert_string_equal(p.doh_url, "https://dns.example/dns-query");
    assert_int_equal(p.nservers, 0);
    tmc_params_clear(&p);

    assert_true(parse(&p, err, sizeof err, "ready.example", (char *)NULL));
    assert_null(p.doh_url);
    tmc_params_clear(&p);

    assert_false(parse(&p, err, sizeof err, "--doh", "ftp://dns.example/", "ready.example",
                       (char *)NULL));
    assert_string_equal(err, "invalid --doh value 'ftp://dns.example/': only http:// and "
                             "https:// URLs are supported");
    tmc_params_clear(&p);

    assert_false(parse(&p, err, sizeof err, "--doh", "http://127.0.0.1/", "--offline",
                       "ready.example", (char *)NULL));
    assert_non_null(strstr(err, "--doh and --offline"));
    tmc_params_clear(&p);

    /* Either order: one transport at a time. */
    assert_false(parse(&p, err, sizeof err, "--server", "127.0.0.1", "--doh",
                       "http://127.0.0.1/", "ready.example", (char *)NULL));
    assert_non_null(strstr(err, "--doh and --server"));
    tmc_params_clear(&p);
    assert_false(parse(&p, err, sizeof err, "--doh", "http://127.0.0.1/", "--server",
                       "127.0.0.1", "ready.example", (char *)NULL));
    assert_non_null(strstr(err, "--doh and --server"));
    tmc_params_clear(&p);

    assert_non_null(strstr(tmc_usage(), "--doh URL"));
}

/* ---- a tiny HTTP/1.1 server --------------------------------------------------- */

#define HARD_DEADLINE_MS 30000
#define REQ_MAX 4096

typedef struct {
    int fd;
    uint16_t port;
    pthread_t thread;
    atomic_int stop;
    pthread_mutex_t mu;
    /* under mu */
    unsigned requests, prefaces, connections;
    atomic_int serving; /* connection threads still running */
    char method[16], path[128], ctype[128], accept[128];
    uint8_t body[512];
    size_t body_len;
} server_t;

static server_t SRV;

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool send_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* The DNS answer to a query: its header and question, QR and RA set, the
 * rcode NXDOMAIN, no records (RFC 1035 section 4.1). */
static size_t nxdomain_for(const uint8_t *q, size_t qlen, uint8_t *out)
{
    size_t at = 12;
    while (at < qlen && q[at] != 0)
        at += (size_t)q[at] + 1;
    at += 1 + 4;
    if (at > qlen || at > 400)
        return 0;
    memcpy(out, q, at);
    out[2] = 0x81; /* QR, RD */
    out[3] = 0x83; /* RA, NXDOMAIN */
    out[6] = out[7] = 0;   /* ANCOUNT */
    out[8] = out[9] = 0;   /* NSCOUNT */
    out[10] = out[11] = 0; /* ARCOUNT: the query's OPT is dropped */
    return at;
}

static void header_value(const char *head, const char *name, char *out, size_t outlen)
{
    out[0] = '\0';
    size_t nl = strlen(name);
    for (const char *p = head; (p = strchr(p, '\n')) != NULL;) {
        p++;
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t n = strcspn(v, "\r\n");
            snprintf(out, outlen, "%.*s", (int)n, v);
            return;
        }
    }
}

static void respond(int fd, const char *path, const uint8_t *body, size_t blen)
{
    char head[256];
    uint8_t dns[512];
    if (strcmp(path, "/ok") == 0) {
        size_t n = nxdomain_for(body, blen, dns);
        int h = snprintf(head, sizeof head,
                         "HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\n"
                         "Content-Length: %zu\r\n\r\n",
                         n);
        if (send_all(fd, head, (size_t)h))
            send_all(fd, dns, n);
    } else if (strcmp(path, "/type") == 0) {
        const char *r = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                        "Content-Length: 2\r\n\r\nno";
        send_all(fd, r, strlen(r));
    } else if (strcmp(path, "/big") == 0) {
        static uint8_t zeros[70000];
        int h = snprintf(head, sizeof head,
                         "HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\n"
                         "Content-Length: %zu\r\n\r\n",
                         sizeof zeros);
        if (send_all(fd, head, (size_t)h))
            send_all(fd, zeros, sizeof zeros);
    } else if (strcmp(path, "/chunked-big") == 0) {
        /* No length up front: the bound applies while the body arrives. */
        static uint8_t zeros[8192];
        const char *h = "HTTP/1.1 200 OK\r\nContent-Type: application/dns-message\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n";
        bool ok = send_all(fd, h, strlen(h));
        for (int i = 0; ok && i < 10; i++) {
            ok = send_all(fd, "2000\r\n", 6) && send_all(fd, zeros, sizeof zeros) &&
                 send_all(fd, "\r\n", 2);
        }
        if (ok)
            send_all(fd, "0\r\n\r\n", 5);
    } else {
        const char *r = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                        "Content-Length: 6\r\n\r\nbroken";
        send_all(fd, r, strlen(r));
    }
}

/* Serves one connection: requests until the client closes it. */
static void serve_conn(int fd)
{
    char buf[REQ_MAX + 1];
    size_t have = 0;
    long long deadline = mono_ms() + HARD_DEADLINE_MS;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (atomic_load(&SRV.stop) || mono_ms() > deadline || poll(&p, 1, 50) < 0)
            return;
        if (!(p.revents & (POLLIN | POLLHUP)))
            continue;
        ssize_t n = recv(fd, buf + have, REQ_MAX - have, 0);
        if (n <= 0)
            return;
        have += (size_t)n;
        buf[have] = '\0';
        /* RFC 9113 section 3.4: the HTTP/2 preface (never expected: http://
         * is HTTP/1.1).  This server speaks HTTP/1.1 only and hangs up. */
        if (have >= 3 && memcmp(buf, "PRI", 3) == 0) {
            pthread_mutex_lock(&SRV.mu);
            SRV.prefaces++;
            pthread_mutex_unlock(&SRV.mu);
            return;
        }
        char *end;
        while ((end = strstr(buf, "\r\n\r\n")) != NULL) {
            size_t head_len = (size_t)(end - buf) + 4;
            char cl[32], path[128];
            header_value(buf, "Content-Length", cl, sizeof cl);
            size_t blen = (size_t)strtoul(cl, NULL, 10);
            if (blen > 512 || head_len + blen > REQ_MAX)
                return;
            if (have < head_len + blen)
                break;
            pthread_mutex_lock(&SRV.mu);
            if (sscanf(buf, "%15s %127s", SRV.method, path) != 2)
                path[0] = '\0';
            SRV.requests++;
            snprintf(SRV.path, sizeof SRV.path, "%s", path);
            header_value(buf, "Content-Type", SRV.ctype, sizeof SRV.ctype);
            header_value(buf, "Accept", SRV.accept, sizeof SRV.accept);
            memcpy(SRV.body, buf + head_len, blen);
            SRV.body_len = blen;
            pthread_mutex_unlock(&SRV.mu);
            respond(fd, path, (const uint8_t *)buf + head_len, blen);
            memmove(buf, buf + head_len + blen, have - head_len - blen);
            have -= head_len + blen;
            buf[have] = '\0';
        }
    }
}

static void *conn_main(void *arg)
{
    int fd = (int)(intptr_t)arg;
    serve_conn(fd);
    close(fd);
    atomic_fetch_sub(&SRV.serving, 1);
    return NULL;
}

/* One thread a connection: HTTP/1.1 clients keep several connections open
 * at once. */
static void *server_main(void *arg)
{
    (void)arg;
    long long deadline = mono_ms() + HARD_DEADLINE_MS;
    while (!atomic_load(&SRV.stop) && mono_ms() < deadline) {
        struct pollfd p = {.fd = SRV.fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(SRV.fd, NULL, NULL);
        if (c < 0)
            continue;
        pthread_mutex_lock(&SRV.mu);
        SRV.connections++;
        pthread_mutex_unlock(&SRV.mu);
        /* Detached: the thread ends when the client closes the connection
         * (or at the hard deadline); server_stop waits for them all. */
        pthread_t t;
        atomic_fetch_add(&SRV.serving, 1);
        if (pthread_create(&t, NULL, conn_main, (void *)(intptr_t)c) == 0) {
            pthread_detach(t);
        } else {
            atomic_fetch_sub(&SRV.serving, 1);
            close(c);
        }
    }
    return NULL;
}

static int server_start(void **state)
{
    (void)state;
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t alen = sizeof a;
    memset(&SRV, 0, sizeof SRV);
    pthread_mutex_init(&SRV.mu, NULL);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    SRV.fd = socket(AF_INET, SOCK_STREAM, 0);
    if (SRV.fd < 0 || bind(SRV.fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(SRV.fd, 16) != 0 || getsockname(SRV.fd, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    SRV.port = ntohs(a.sin_port);
    return pthread_create(&SRV.thread, NULL, server_main, NULL) == 0 ? 0 : -1;
}

static int server_stop(void **state)
{
    (void)state;
    atomic_store(&SRV.stop, 1);
    pthread_join(SRV.thread, NULL);
    /* serve_conn polls stop every 50 ms. */
    while (atomic_load(&SRV.serving) > 0)
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    close(SRV.fd);
    pthread_mutex_destroy(&SRV.mu);
    return 0;
}

/* ---- the transport through the resolver ------------------------------------ */

typedef struct {
    tm_answer_t *answers[8];
    size_t n;
} got_t;

static void on_answer(void *arg, tm_answer_t *answer_own)
{
    got_t *g = arg;
    if (g->n < 8)
        g->answers[g->n++] = answer_own;
    else
        tm_answer_unref(answer_own);
}

static void got_clear(got_t *g)
{
    for (size_t i = 0; i < g->n; i++)
        tm_answer_unref(g->answers[i]);
    g->n = 0;
}

/* Asks names (type A) at URL over DoH; returns tm_resolver_run's status.
 * failure, when given, gets tm_resolver_failure's line ("" for none). */
static tm_status_t ask_failure(const char *path, unsigned tries, const char *const *names,
                               size_t n, got_t *g, char *failure, size_t flen)
{
    char url[128], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", SRV.port, path);
    tm_resolver_options_t o = {.doh_url = url, .timeout_ms = 3000, .tries = tries,
                               .plugin_dir = TM_TEST_PLUGIN_DIR};
    tm_resolver_t *res = NULL;
    tm_status_t st = tm_resolver_create(&o, &res, err, sizeof err);
    if (st != TM_OK)
        return st;
    for (size_t i = 0; i < n && st == TM_OK; i++)
        st = tm_resolver_submit(res, names[i], TM_RR_A, on_answer, g);
    if (st == TM_OK)
        st = tm_resolver_run(res, 20000);
    if (failure)
        snprintf(failure, flen, "%s", tm_resolver_failure(res) ? tm_resolver_failure(res) : "");
    tm_resolver_destroy(res);
    return st;
}

static tm_status_t ask(const char *path, unsigned tries, const char *const *names, size_t n,
                       got_t *g)
{
    return ask_failure(path, tries, names, n, g, NULL, 0);
}

static void test_request_on_the_wire(void **state)
{
    (void)state;
    got_t g = {0};
    const char *names[] = {"a.example", "b.example", "c.example"};
    assert_int_equal(ask("/ok", 1, names, 3, &g), TM_OK);
    assert_int_equal(g.n, 3);
    for (size_t i = 0; i < g.n; i++) {
        /* The answer went through the same parser as over UDP. */
        if (g.answers[i]->outcome != TM_DNS_NXDOMAIN)
            fail_msg("%s: %s", g.answers[i]->name, g.answers[i]->error ? g.answers[i]->error : "");
        assert_int_equal(g.answers[i]->source, TM_SRC_DNS);
        assert_null(g.answers[i]->error);
    }
    pthread_mutex_lock(&SRV.mu);
    /* http:// is HTTP/1.1 from the first request: no HTTP/2 preface. */
    assert_int_equal(SRV.prefaces, 0);
    assert_int_equal(SRV.requests, 3);
    assert_string_equal(SRV.method, "POST");
    assert_string_equal(SRV.path, "/ok");
    /* RFC 8484 section 4.1 and 6. */
    assert_string_equal(SRV.ctype, "application/dns-message");
    assert_string_equal(SRV.accept, "application/dns-message");
    assert_true(SRV.body_len > 12);
    /* RFC 8484 section 4.1: ID 0, so HTTP caches can share answers. */
    assert_int_equal(SRV.body[0], 0);
    assert_int_equal(SRV.body[1], 0);
    assert_int_equal(SRV.body[2] & 0x01, 0x01); /* RD */
    assert_int_equal(SRV.body[5], 1);           /* QDCOUNT */
    pthread_mutex_unlock(&SRV.mu);
    got_clear(&g);
}

/* expect_failure PATH OUTCOME REASON_FRAGMENT: an UNREACHABLE outcome also
 * makes the resolver's failure line, which names the URL. */
static void expect_failure(const char *path, tm_dns_outcome_t outcome, const char *why)
{
    got_t g = {0};
    char failure[512], want[256];
    const char *names[] = {"fail.example"};
    assert_int_equal(ask_failure(path, 2, names, 1, &g, failure, sizeof failure), TM_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.answers[0]->outcome, outcome);
    assert_non_null(g.answers[0]->error);
    if (!strstr(g.answers[0]->error, why))
        fail_msg("%s: reason '%s' lacks '%s'", path, g.answers[0]->error, why);
    if (outcome == TM_DNS_UNREACHABLE) {
        snprintf(want, sizeof want, "cannot use the DoH server http://127.0.0.1:%u%s: ", SRV.port,
                 path);
        if (strncmp(failure, want, strlen(want)) != 0 || !strstr(failure, why))
            fail_msg("failure line '%s' is not '%s...%s'", failure, want, why);
    } else {
        assert_string_equal(failure, "");
    }
    got_clear(&g);
}

static void test_http_500(void **state)
{
    (void)state;
    expect_failure("/500", TM_DNS_UNREACHABLE, "the server answered HTTP 500");
}

static void test_wrong_type(void **state)
{
    (void)state;
    expect_failure("/type", TM_DNS_UNREACHABLE, "content type 'text/plain'");
}

static void test_body_bound(void **state)
{
    (void)state;
    expect_failure("/big", TM_DNS_FORMERR, "larger than 65535 bytes");
    expect_failure("/chunked-big", TM_DNS_FORMERR, "larger than 65535 bytes");
}

static void test_closed_port(void **state)
{
    (void)state;
    /* A port just released: nothing listens there. */
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t alen = sizeof a;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    close(fd);

    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/dns-query", ntohs(a.sin_port));
    tm_resolver_options_t o = {.doh_url = url, .timeout_ms = 2000, .tries = 2,
                               .plugin_dir = TM_TEST_PLUGIN_DIR};
    tm_resolver_t *res = NULL;
    got_t g = {0};
    assert_int_equal(tm_resolver_create(&o, &res, NULL, 0), TM_OK);
    assert_int_equal(tm_resolver_submit(res, "x.example", TM_RR_A, on_answer, &g), TM_OK);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(tm_resolver_failure_kind(res), TM_RESOLVER_UNREACHABLE);
    char want[160];
    snprintf(want, sizeof want, "cannot use the DoH server %s: ", url);
    assert_non_null(strstr(tm_resolver_failure(res), want));
    tm_resolver_destroy(res);
    assert_int_equal(g.n, 1);
    /* Refused: no DNS message, and not tried again. */
    assert_int_equal(g.answers[0]->outcome, TM_DNS_UNREACHABLE);
    assert_non_null(strstr(g.answers[0]->error, "onnect"));
    got_clear(&g);
}

/* Every allocation of ours may fail: the run reports TM_ENOMEM or finishes,
 * and nothing leaks (ASan and valgrind check the latter). */
static void test_enomem(void **state)
{
    (void)state;
    const char *names[] = {"a.example", "b.example"};
    bool completed = false;
    unsigned long failures = 0, n;
    for (n = 1; n < 400 && !completed; n++) {
        got_t g = {0};
        tm_alloc_fail_after(n);
        char why[512];
        tm_status_t st = ask_failure("/ok", 1, names, 2, &g, why, sizeof why);
        tm_alloc_fail_after(0);
        if (st != TM_OK && st != TM_ENOMEM)
            fail_msg("allocation %lu: %s (%s)", n, tm_strerror(st), why);
        failures += st == TM_ENOMEM;
        completed = st == TM_OK && g.n == 2;
        got_clear(&g);
    }
    assert_true(completed);
    /* The early allocations (resolver, transport, transfers) did fail. */
    assert_true(failures >= 3);
    print_message("%lu runs, %lu ended in TM_ENOMEM\n", n - 1, failures);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_curl_loaded_on_use),
        cmocka_unit_test(test_plugin_missing),
        cmocka_unit_test(test_url_table),
        cmocka_unit_test(test_url_limits),
        cmocka_unit_test(test_url_template),
        cmocka_unit_test(test_classify_http),
        cmocka_unit_test(test_classify_http_hostile_type),
        cmocka_unit_test(test_classify_transport),
        cmocka_unit_test(test_create_rejects),
        cmocka_unit_test(test_cli),
    };
    const struct CMUnitTest wire[] = {
        cmocka_unit_test(test_request_on_the_wire),
        cmocka_unit_test(test_http_500),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_body_bound),
        cmocka_unit_test(test_closed_port),
        cmocka_unit_test(test_enomem),
    };
    int failed = cmocka_run_group_tests_name("doh_pure", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("doh_wire", wire, server_start, server_stop);
    return failed;
}
