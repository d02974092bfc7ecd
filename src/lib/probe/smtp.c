/* smtp.c - the SMTP probe: every receiving server at once, each a state
 * machine on a non-blocking socket (RFC 5321 section 3: greeting, EHLO,
 * QUIT; RFC 3207: STARTTLS and the TLS handshake).  Every step has its own
 * deadline, every byte read counts against TM_SMTP_READ_MAX, and what the
 * servers say is kept raw for the check to quote. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"
#include "smtp_reply.h"
#include "tls.h"

#define ERR_MAX 256
#define CMD_MAX (TM_NAME_MAX + 16)
/* Raw bytes a TLS handshake and the QUIT after it may read: certificate
 * chains run to tens of kilobytes. */
#define TLS_READ_MAX ((size_t)256 * 1024)

typedef enum { PH_CONNECT, PH_WRITE, PH_READ, PH_HANDSHAKE, PH_CLOSED } phase_t;

typedef struct {
    tm_smtp_server_t *out;
    int fd;
    phase_t phase;
    tm_smtp_stage_t stage;   /* the step under way */
    tm_tls_conn_t *tls;      /* after STARTTLS */
    tm_tls_io_t want;        /* TLS: what the last call waits for */
    char in[TM_SMTP_READ_MAX];
    size_t in_len;           /* bytes not yet parsed */
    size_t total_read;       /* SMTP bytes read over the whole dialogue */
    char cmd[CMD_MAX];
    size_t cmd_len, cmd_off;
    long long started, deadline;
} conn_t;

struct tm_smtp_probe {
    tm_smtp_view_t *view;
    conn_t *conns;           /* one per view->servers entry */
    int polled[TM_PROBE_MAX_TARGETS]; /* conn index of each pollfd */
    size_t open;             /* connections not closed yet */
    const tm_tls_api_t *tls_api; /* the TLS plugin, loaded with tls */
    tm_tls_ctx_t *tls;       /* made before the first connection: loading the
                                trust store must not eat into a step's time */
    char tls_err[ERR_MAX];   /* why there is no tls context */
    unsigned timeout_ms;
    const char *helo;
    long long now;
};

/* ---- ending a dialogue ---------------------------------------------------- */

static void finish(tm_smtp_probe_t *p, conn_t *c)
{
    if (c->phase == PH_CLOSED)
        return;
    if (c->tls)
        p->tls_api->conn_destroy(c->tls);
    c->tls = NULL;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->phase = PH_CLOSED;
    if (c->out->outcome == TM_SMTP_OK)
        c->out->stage = TM_SMTP_STAGE_DONE;
    c->out->elapsed_ms = (unsigned)(p->now - c->started);
    p->open--;
}

static tm_status_t set_error(conn_t *c, const char *text)
{
    if (!text || !text[0] || c->out->error)
        return TM_OK;
    c->out->error = tm_strdup(text);
    return c->out->error ? TM_OK : TM_ENOMEM;
}

static tm_status_t send_cmd(tm_smtp_probe_t *p, conn_t *c, tm_smtp_stage_t stage,
                            const char *cmd);

/* Records why the dialogue stopped at its current step.  A session that can
 * still talk ends with QUIT (RFC 5321 section 4.1.1.10); one that cannot is
 * closed.  During the QUIT itself nothing is a failure. */
static tm_status_t fail(tm_smtp_probe_t *p, conn_t *c, tm_smtp_outcome_t why, int sys_errno,
                        const char *error, bool can_quit)
{
    if (c->stage == TM_SMTP_STAGE_QUIT) {
        finish(p, c);
        return TM_OK;
    }
    c->out->stage = c->stage;
    c->out->outcome = why;
    c->out->sys_errno = sys_errno;
    tm_status_t st = set_error(c, error);
    if (st == TM_OK && can_quit)
        return send_cmd(p, c, TM_SMTP_STAGE_QUIT, "QUIT");
    finish(p, c);
    return st;
}

/* ---- writing and reading -------------------------------------------------- */

static bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

static void enter_read(tm_smtp_probe_t *p, conn_t *c)
{
    (void)p;
    c->phase = PH_READ;
    c->want = TM_TLS_WANT_READ;
}

static tm_status_t do_write(tm_smtp_probe_t *p, conn_t *c)
{
    char err[ERR_MAX] = "";
    while (c->cmd_off < c->cmd_len) {
        const char *data = c->cmd + c->cmd_off;
        size_t left = c->cmd_len - c->cmd_off, done = 0;
        if (c->tls) {
            tm_tls_io_t io = p->tls_api->write(c->tls, data, left, &done, err, sizeof(err));
            if (io == TM_TLS_WANT_READ || io == TM_TLS_WANT_WRITE) {
                c->want = io;
                return TM_OK;
            }
            if (io == TM_TLS_CLOSED)
                return fail(p, c, TM_SMTP_CLOSED, 0, NULL, false);
            if (io == TM_TLS_ERROR)
                return fail(p, c, TM_SMTP_IO_ERR, 0, err, false);
        } else {
            ssize_t n = send(c->fd, data, left, MSG_NOSIGNAL);
            if (n < 0 && would_block(errno)) {
                c->want = TM_TLS_WANT_WRITE;
                return TM_OK;
            }
            if (n < 0)
                return fail(p, c, errno == EPIPE || errno == ECONNRESET ? TM_SMTP_CLOSED
                                                                         : TM_SMTP_IO_ERR,
                            errno, NULL, false);
            done = (size_t)n;
        }
        c->cmd_off += done;
    }
    enter_read(p, c);
    return TM_OK;
}

static tm_status_t send_cmd(tm_smtp_probe_t *p, conn_t *c, tm_smtp_stage_t stage,
                            const char *cmd)
{
    int n = snprintf(c->cmd, sizeof(c->cmd), "%s\r\n", cmd);
    if (n < 0 || (size_t)n >= sizeof(c->cmd))
        return fail(p, c, TM_SMTP_PROTOCOL, 0, "command too long", false);
    c->cmd_len = (size_t)n;
    c->cmd_off = 0;
    c->stage = stage;
    c->phase = PH_WRITE;
    c->deadline = p->now + p->timeout_ms;
    return do_write(p, c);
}

static tm_status_t keep_text(char **dst, size_t *dlen, const tm_smtp_reply_t *r)
{
    tm_free(*dst);
    *dst = tm_malloc(r->text_len + 1);
    if (!*dst)
        return TM_ENOMEM;
    memcpy(*dst, r->text, r->text_len);
    (*dst)[r->text_len] = '\0';
    *dlen = r->text_len;
    return TM_OK;
}

static tm_status_t rejected(tm_smtp_probe_t *p, conn_t *c, const tm_smtp_reply_t *r)
{
    c->out->reply_code = r->code;
    tm_status_t st = keep_text(&c->out->reply, &c->out->reply_len, r);
    return st == TM_OK ? fail(p, c, TM_SMTP_REJECTED, 0, NULL, true) : st;
}

static tm_status_t do_handshake(tm_smtp_probe_t *p, conn_t *c);

/* RFC 3207 section 4: after the 220 to STARTTLS the client starts the
 * handshake; anything the server sent before it is dropped unread (section
 * 4.2: nothing learnt in clear may be trusted). */
static tm_status_t start_tls(tm_smtp_probe_t *p, conn_t *c)
{
    char err[ERR_MAX] = "";
    c->in_len = 0;
    c->stage = TM_SMTP_STAGE_TLS;
    c->phase = PH_HANDSHAKE;
    c->deadline = p->now + p->timeout_ms;
    if (!p->tls)
        return fail(p, c, TM_SMTP_TLS_FAILED, 0, p->tls_err, false);
    tm_status_t st = p->tls_api->conn_create(p->tls, c->fd, c->out->target.host, TLS_READ_MAX,
                                             &c->tls, err, sizeof(err));
    if (st == TM_ENOMEM)
        return st;
    if (st != TM_OK)
        return fail(p, c, TM_SMTP_TLS_FAILED, 0, err, false);
    return do_handshake(p, c);
}

static tm_status_t do_handshake(tm_smtp_probe_t *p, conn_t *c)
{
    char err[ERR_MAX] = "";
    tm_tls_io_t io = p->tls_api->handshake(c->tls, err, sizeof(err));
    if (io == TM_TLS_WANT_READ || io == TM_TLS_WANT_WRITE) {
        c->want = io;
        return TM_OK;
    }
    if (io != TM_TLS_OK)
        return fail(p, c, TM_SMTP_TLS_FAILED, 0, err, false);
    c->out->tls_ok = true;
    tm_status_t st = p->tls_api->describe(c->tls, c->out->probed_at, c->out);
    return st == TM_OK ? send_cmd(p, c, TM_SMTP_STAGE_QUIT, "QUIT") : st;
}

/* One complete reply for the step under way. */
static tm_status_t on_reply(tm_smtp_probe_t *p, conn_t *c, const tm_smtp_reply_t *r)
{
    tm_smtp_server_t *out = c->out;
    tm_status_t st;
    switch (c->stage) {
    case TM_SMTP_STAGE_GREETING:
        out->greeting_code = r->code;
        st = keep_text(&out->greeting, &out->greeting_len, r);
        if (st != TM_OK)
            return st;
        /* RFC 5321 section 3.1: a 554 greeting refuses the session; the
         * client should still say QUIT. */
        if (r->code != 220)
            return rejected(p, c, r);
        {
            char ehlo[CMD_MAX];
            snprintf(ehlo, sizeof(ehlo), "EHLO %s", p->helo);
            return send_cmd(p, c, TM_SMTP_STAGE_EHLO, ehlo);
        }
    case TM_SMTP_STAGE_EHLO:
        out->ehlo_code = r->code;
        if (r->code != 250)
            return rejected(p, c, r);
        if (r->keywords_len && !(out->extensions = tm_strdup(r->keywords)))
            return TM_ENOMEM;
        out->starttls_offered = r->starttls;
        if (r->starttls)
            return send_cmd(p, c, TM_SMTP_STAGE_STARTTLS, "STARTTLS");
        c->stage = TM_SMTP_STAGE_STARTTLS;
        return fail(p, c, TM_SMTP_NO_STARTTLS, 0, NULL, true);
    case TM_SMTP_STAGE_STARTTLS:
        if (r->code != 220)
            return rejected(p, c, r);
        return start_tls(p, c);
    default:
        finish(p, c); /* the reply to QUIT: the end */
        return TM_OK;
    }
}

/* Parses every complete reply in the buffer while the step wants one. */
static tm_status_t parse_replies(tm_smtp_probe_t *p, conn_t *c)
{
    while (c->phase == PH_READ && c->in_len > 0) {
        tm_smtp_reply_t reply;
        size_t used = 0;
        const char *why = NULL;
        tm_smtp_parse_t r = tm_smtp_reply_parse(c->in, c->in_len, &reply, &used, &why);
        if (r == TM_SMTP_PARSE_MORE)
            return TM_OK;
        if (r == TM_SMTP_PARSE_BAD)
            return fail(p, c, TM_SMTP_PROTOCOL, 0, why, false);
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
        tm_status_t st = on_reply(p, c, &reply);
        if (st != TM_OK)
            return st;
    }
    return TM_OK;
}

static tm_status_t do_read(tm_smtp_probe_t *p, conn_t *c)
{
    char err[ERR_MAX] = "";
    while (c->phase == PH_READ) {
        size_t room = TM_SMTP_READ_MAX - c->total_read, got = 0;
        if (room == 0) {
            snprintf(err, sizeof(err), "the server sent more than %d bytes", TM_SMTP_READ_MAX);
            return fail(p, c, TM_SMTP_PROTOCOL, 0, err, false);
        }
        if (c->tls) {
            tm_tls_io_t io =
                p->tls_api->read(c->tls, c->in + c->in_len, room, &got, err, sizeof(err));
            if (io == TM_TLS_WANT_READ || io == TM_TLS_WANT_WRITE) {
                c->want = io;
                return TM_OK;
            }
            if (io == TM_TLS_CLOSED)
                return fail(p, c, TM_SMTP_CLOSED, 0, NULL, false);
            if (io == TM_TLS_ERROR)
                return fail(p, c, TM_SMTP_IO_ERR, 0, err, false);
        } else {
            ssize_t n = recv(c->fd, c->in + c->in_len, room, 0);
            if (n < 0 && would_block(errno))
                return TM_OK;
            if (n < 0)
                return fail(p, c, errno == ECONNRESET ? TM_SMTP_CLOSED : TM_SMTP_IO_ERR, errno,
                            NULL, false);
            if (n == 0)
                return fail(p, c, TM_SMTP_CLOSED, 0, NULL, false);
            got = (size_t)n;
        }
        c->in_len += got;
        c->total_read += got;
        tm_status_t st = parse_replies(p, c);
        if (st != TM_OK)
            return st;
    }
    return TM_OK;
}

/* ---- connecting ----------------------------------------------------------- */

static void connected(tm_smtp_probe_t *p, conn_t *c)
{
    c->stage = TM_SMTP_STAGE_GREETING;
    c->deadline = p->now + p->timeout_ms;
    enter_read(p, c);
}

static tm_status_t connect_failed(tm_smtp_probe_t *p, conn_t *c, int e)
{
    return fail(p, c, e == ECONNREFUSED ? TM_SMTP_REFUSED : TM_SMTP_CONNECT_ERR, e, NULL, false);
}

static tm_status_t start_conn(tm_smtp_probe_t *p, conn_t *c, uint16_t port)
{
    const tm_ip_t *ip = &c->out->target.addr;
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof(ss));
    if (ip->family == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        memcpy(&sin->sin_addr, ip->bytes, 4);
        len = sizeof(*sin);
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        memcpy(&sin6->sin6_addr, ip->bytes, 16);
        len = sizeof(*sin6);
    }
    c->started = p->now;
    c->deadline = p->now + p->timeout_ms;
    c->stage = TM_SMTP_STAGE_CONNECT;
    c->phase = PH_CONNECT;
    c->fd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (c->fd < 0)
        return connect_failed(p, c, errno);
    int flags = fcntl(c->fd, F_GETFL);
    if (flags < 0 || fcntl(c->fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
        fcntl(c->fd, F_SETFD, FD_CLOEXEC) < 0)
        return connect_failed(p, c, errno);
    if (connect(c->fd, (const struct sockaddr *)&ss, len) == 0) {
        connected(p, c);
        return TM_OK;
    }
    if (errno == EINPROGRESS || errno == EINTR)
        return TM_OK;
    return connect_failed(p, c, errno);
}

static tm_status_t on_connect_ready(tm_smtp_probe_t *p, conn_t *c)
{
    int e = 0;
    socklen_t elen = sizeof(e);
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
        e = errno;
    if (e != 0)
        return connect_failed(p, c, e);
    connected(p, c);
    return TM_OK;
}

/* ---- the probe ------------------------------------------------------------ */

/* The EHLO argument is a domain or an address literal (RFC 5321 section
 * 4.1.1.1): printable ASCII without spaces, so it cannot end the command
 * line early or add a second command. */
static bool helo_ok(const char *helo)
{
    if (!helo || !helo[0] || strlen(helo) > TM_NAME_MAX)
        return false;
    for (const char *c = helo; *c; c++) {
        if (*c <= ' ' || *c > '~')
            return false;
    }
    return true;
}

tm_status_t tm_smtp_probe_start(const tm_probe_options_t *opts, const tm_probe_targets_t *targets,
                                tm_smtp_probe_t **out)
{
    *out = NULL;
    tm_smtp_probe_t *p = tm_calloc(1, sizeof(*p));
    if (!p)
        return TM_ENOMEM;
    p->view = tm_smtp_view_create();
    size_t n = targets->count < TM_PROBE_MAX_TARGETS ? targets->count : TM_PROBE_MAX_TARGETS;
    if (p->view && n > 0)
        p->conns = tm_calloc(n, sizeof(*p->conns));
    if (!p->view || (n > 0 && !p->conns)) {
        tm_smtp_probe_destroy(p);
        return TM_ENOMEM;
    }
    p->timeout_ms = opts && opts->timeout_ms ? opts->timeout_ms : TM_PROBE_DEFAULT_TIMEOUT_MS;
    p->helo = helo_ok(opts ? opts->helo : NULL) ? opts->helo : TM_PROBE_DEFAULT_HELO;
    uint16_t port = opts && opts->smtp_port ? opts->smtp_port : TM_PROBE_DEFAULT_SMTP_PORT;
    p->view->port = port;
    p->view->timeout_ms = p->timeout_ms;
    p->view->truncated = targets->truncated;
    p->view->count = n;
    p->now = tm_monotonic_ms();
    int64_t wall = (int64_t)time(NULL);
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < n; i++) {
        conn_t *c = &p->conns[i];
        c->out = &p->view->servers[i];
        c->out->target = targets->items[i];
        c->out->probed_at = wall;
        c->fd = -1;
        c->phase = PH_CLOSED;
        c->started = p->now;
        if (!c->out->target.has_addr) {
            c->out->outcome = TM_SMTP_NO_ADDRESS;
            continue;
        }
        p->open++;
        c->phase = PH_CONNECT;
    }
    if (p->open > 0) {
        /* OpenSSL is loaded here, by the one run that probes SMTP. */
        st = tm_tls_api_load(opts ? opts->plugin_dir : NULL, &p->tls_api, p->tls_err,
                             sizeof(p->tls_err));
        if (st == TM_OK)
            st = p->tls_api->ctx_create(&p->tls, p->tls_err, sizeof(p->tls_err));
        if (st != TM_ENOMEM)
            st = TM_OK; /* each STARTTLS then fails with tls_err */
        p->now = tm_monotonic_ms();
    }
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        if (p->conns[i].phase == PH_CONNECT) {
            p->conns[i].started = p->now;
            st = start_conn(p, &p->conns[i], port);
        }
    }
    if (st != TM_OK) {
        tm_smtp_probe_destroy(p);
        return st;
    }
    *out = p;
    return TM_OK;
}

size_t tm_smtp_probe_fds(tm_smtp_probe_t *p, struct pollfd *pfd, size_t max, long long now,
                         int *wait_ms)
{
    size_t n = 0;
    long long next = -1;
    p->now = now;
    for (size_t i = 0; i < p->view->count && n < max; i++) {
        conn_t *c = &p->conns[i];
        if (c->phase == PH_CLOSED)
            continue;
        short events;
        if (c->phase == PH_CONNECT)
            events = POLLOUT;
        else if (c->tls)
            events = c->want == TM_TLS_WANT_WRITE ? POLLOUT : POLLIN;
        else
            events = c->phase == PH_WRITE ? POLLOUT : POLLIN;
        pfd[n].fd = c->fd;
        pfd[n].events = events;
        pfd[n].revents = 0;
        p->polled[n] = (int)i;
        n++;
        if (next < 0 || c->deadline < next)
            next = c->deadline;
    }
    if (next < 0)
        *wait_ms = -1;
    else
        *wait_ms = next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
    return n;
}

static tm_status_t advance(tm_smtp_probe_t *p, conn_t *c)
{
    switch (c->phase) {
    case PH_CONNECT: return on_connect_ready(p, c);
    case PH_WRITE: return do_write(p, c);
    case PH_READ: return do_read(p, c);
    case PH_HANDSHAKE: return do_handshake(p, c);
    case PH_CLOSED: break;
    }
    return TM_OK;
}

tm_status_t tm_smtp_probe_handle(tm_smtp_probe_t *p, const struct pollfd *pfd, size_t n,
                                 long long now)
{
    tm_status_t st = TM_OK;
    p->now = now;
    for (size_t k = 0; k < n && st == TM_OK; k++) {
        if (!pfd[k].revents)
            continue;
        conn_t *c = &p->conns[p->polled[k]];
        if (c->phase != PH_CLOSED && c->fd == pfd[k].fd)
            st = advance(p, c);
    }
    for (size_t i = 0; i < p->view->count && st == TM_OK; i++) {
        conn_t *c = &p->conns[i];
        if (c->phase != PH_CLOSED && now >= c->deadline)
            st = fail(p, c, TM_SMTP_TIMEOUT, 0, NULL, false);
    }
    return st;
}

bool tm_smtp_probe_done(const tm_smtp_probe_t *p) { return !p || p->open == 0; }

/* Closes what is still open, so no connection points into a view that is
 * no longer the probe's. */
static void close_all(tm_smtp_probe_t *p)
{
    if (!p->conns || !p->view)
        return;
    p->now = tm_monotonic_ms();
    for (size_t i = 0; i < p->view->count; i++)
        finish(p, &p->conns[i]);
}

tm_smtp_view_t *tm_smtp_probe_take(tm_smtp_probe_t *p)
{
    if (!p)
        return NULL;
    close_all(p);
    tm_smtp_view_t *v = p->view;
    p->view = NULL;
    return v;
}

void tm_smtp_probe_destroy(tm_smtp_probe_t *p)
{
    if (!p)
        return;
    close_all(p);
    if (p->tls)
        p->tls_api->ctx_destroy(p->tls);
    tm_free(p->conns);
    tm_smtp_view_destroy(p->view);
    tm_free(p);
}
