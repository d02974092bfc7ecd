/* tls_openssl_plugin.c - OpenSSL for the STARTTLS probe (see tls.h): the
 * TLS plugin, tls.so, which links OpenSSL so that the program does not
 * (tmems/tm_plugin.h).  Everything but its table is hidden; memory comes
 * from the host's allocator.
 *
 * The socket goes through a BIO of our own rather than OpenSSL's socket
 * BIO: it sends with MSG_NOSIGNAL, so a server that resets the connection
 * cannot kill the process with SIGPIPE, and it counts the bytes read, so a
 * server cannot make the handshake read without bound. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls.h"

/* The program's allocator, given by bind before any call. */
static const tm_plugin_host_t *program;

/* Bytes of a certificate's commonName kept (RFC 5280 upper bound: 64). */
#define CN_MAX 256

struct tm_tls_ctx {
    SSL_CTX *ssl;
    BIO_METHOD *method;
};

typedef struct {
    int fd;
    size_t read_total;
    size_t max_read;
} sock_t;

struct tm_tls_conn {
    SSL *ssl;
    sock_t sock;
};

static void openssl_reason(const char *what, char *err, size_t errlen)
{
    unsigned long e = ERR_get_error();
    char reason[256] = "";
    if (e)
        ERR_error_string_n(e, reason, sizeof(reason));
    snprintf(err, errlen, "%s%s%s", what, reason[0] ? ": " : "", reason);
    ERR_clear_error();
}

/* ---- the socket BIO ------------------------------------------------------- */

static bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

static int sock_write(BIO *bio, const char *data, int len)
{
    sock_t *s = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    ssize_t n = send(s->fd, data, (size_t)len, MSG_NOSIGNAL);
    if (n < 0 && would_block(errno))
        BIO_set_retry_write(bio);
    return n < 0 ? -1 : (int)n;
}

static int sock_read(BIO *bio, char *data, int len)
{
    sock_t *s = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    if (s->read_total >= s->max_read) {
        errno = EMSGSIZE;
        return -1;
    }
    size_t room = s->max_read - s->read_total;
    ssize_t n = recv(s->fd, data, (size_t)len < room ? (size_t)len : room, 0);
    if (n < 0 && would_block(errno))
        BIO_set_retry_read(bio);
    if (n > 0)
        s->read_total += (size_t)n;
    return n < 0 ? -1 : (int)n;
}

static long sock_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
    (void)bio;
    (void)num;
    (void)ptr;
    /* Nothing is buffered here: a flush has nothing to do. */
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int sock_create(BIO *bio)
{
    BIO_set_init(bio, 1);
    return 1;
}

/* ---- context and connections ---------------------------------------------- */

static void tls_ctx_destroy(tm_tls_ctx_t *ctx);
static void tls_conn_destroy(tm_tls_conn_t *conn);

static tm_status_t tls_ctx_create(tm_tls_ctx_t **out, char *err, size_t errlen)
{
    *out = NULL;
    tm_tls_ctx_t *ctx = program->calloc(1, sizeof(*ctx));
    if (!ctx)
        return TM_ENOMEM;
    ERR_clear_error();
    ctx->ssl = SSL_CTX_new(TLS_client_method());
    ctx->method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tmems-socket");
    if (!ctx->ssl || !ctx->method || !BIO_meth_set_write(ctx->method, sock_write) ||
        !BIO_meth_set_read(ctx->method, sock_read) ||
        !BIO_meth_set_ctrl(ctx->method, sock_ctrl) ||
        !BIO_meth_set_create(ctx->method, sock_create)) {
        openssl_reason("cannot set up TLS", err, errlen);
        tls_ctx_destroy(ctx);
        return TM_ENETWORK;
    }
    /* Verification is recorded, not enforced (tls.h). */
    SSL_CTX_set_verify(ctx->ssl, SSL_VERIFY_NONE, NULL);
    if (!SSL_CTX_set_default_verify_paths(ctx->ssl))
        ERR_clear_error(); /* no trust store: every chain then reads "not verified" */
    *out = ctx;
    return TM_OK;
}

static void tls_ctx_destroy(tm_tls_ctx_t *ctx)
{
    if (!ctx)
        return;
    SSL_CTX_free(ctx->ssl);
    BIO_meth_free(ctx->method);
    program->free(ctx);
}

static tm_status_t tls_conn_create(tm_tls_ctx_t *ctx, int fd, const char *host,
                                   size_t max_read, tm_tls_conn_t **out, char *err,
                                   size_t errlen)
{
    *out = NULL;
    tm_tls_conn_t *conn = program->calloc(1, sizeof(*conn));
    if (!conn)
        return TM_ENOMEM;
    conn->sock.fd = fd;
    conn->sock.max_read = max_read;
    ERR_clear_error();
    BIO *bio = NULL;
    conn->ssl = SSL_new(ctx->ssl);
    if (conn->ssl)
        bio = BIO_new(ctx->method);
    if (!conn->ssl || !bio) {
        openssl_reason("cannot set up TLS", err, errlen);
        BIO_free(bio);
        tls_conn_destroy(conn);
        return TM_ENOMEM;
    }
    BIO_set_data(bio, &conn->sock);
    SSL_set_bio(conn->ssl, bio, bio); /* the SSL owns the BIO from here */
    /* SNI (RFC 6066 section 3) and the name to verify (RFC 6125); a host
     * name that OpenSSL refuses only means "not verified". */
    if (!SSL_set_tlsext_host_name(conn->ssl, host) || !SSL_set1_host(conn->ssl, host))
        ERR_clear_error();
    SSL_set_connect_state(conn->ssl);
    *out = conn;
    return TM_OK;
}

static void tls_conn_destroy(tm_tls_conn_t *conn)
{
    if (!conn)
        return;
    if (conn->ssl) {
        /* RFC 8446 section 6.1: say close_notify; the peer's is not awaited. */
        if (SSL_is_init_finished(conn->ssl))
            (void)SSL_shutdown(conn->ssl);
        ERR_clear_error();
        SSL_free(conn->ssl);
    }
    program->free(conn);
}

/* Maps the result of an SSL_* call. */
static tm_tls_io_t io_result(tm_tls_conn_t *conn, int rc, const char *what, char *err,
                             size_t errlen)
{
    int e = SSL_get_error(conn->ssl, rc);
    switch (e) {
    case SSL_ERROR_NONE: return TM_TLS_OK;
    case SSL_ERROR_WANT_READ: return TM_TLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE: return TM_TLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN: return TM_TLS_CLOSED;
    case SSL_ERROR_SYSCALL:
        if (ERR_peek_error() == 0) {
            if (errno == EMSGSIZE && conn->sock.read_total >= conn->sock.max_read) {
                snprintf(err, errlen, "%s: the server sent more than %zu bytes", what,
                         conn->sock.max_read);
                return TM_TLS_ERROR;
            }
            if (errno == 0 || rc == 0) {
                ERR_clear_error();
                return TM_TLS_CLOSED;
            }
            snprintf(err, errlen, "%s: %s", what, strerror(errno));
            return TM_TLS_ERROR;
        }
        openssl_reason(what, err, errlen);
        return TM_TLS_ERROR;
    default: openssl_reason(what, err, errlen); return TM_TLS_ERROR;
    }
}

static tm_tls_io_t tls_handshake(tm_tls_conn_t *conn, char *err, size_t errlen)
{
    ERR_clear_error();
    errno = 0;
    int rc = SSL_do_handshake(conn->ssl);
    if (rc == 1)
        return TM_TLS_OK;
    tm_tls_io_t io = io_result(conn, rc, "TLS handshake", err, errlen);
    /* A peer that closes in the middle of the handshake failed it. */
    if (io == TM_TLS_CLOSED) {
        snprintf(err, errlen, "the server closed the connection during the handshake");
        return TM_TLS_ERROR;
    }
    return io;
}

static tm_tls_io_t tls_read(tm_tls_conn_t *conn, char *buf, size_t len, size_t *done,
                            char *err, size_t errlen)
{
    *done = 0;
    ERR_clear_error();
    errno = 0;
    int rc = SSL_read_ex(conn->ssl, buf, len, done) ? 1 : 0;
    return rc == 1 ? TM_TLS_OK : io_result(conn, rc, "TLS read", err, errlen);
}

static tm_tls_io_t tls_write(tm_tls_conn_t *conn, const char *buf, size_t len, size_t *done,
                             char *err, size_t errlen)
{
    *done = 0;
    ERR_clear_error();
    errno = 0;
    int rc = SSL_write_ex(conn->ssl, buf, len, done) ? 1 : 0;
    return rc == 1 ? TM_TLS_OK : io_result(conn, rc, "TLS write", err, errlen);
}

/* The subject's commonName as UTF-8 bytes, cut at CN_MAX and at a NUL. */
static tm_status_t subject_cn(X509 *cert, char **out)
{
    X509_NAME *name = X509_get_subject_name(cert);
    int idx = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
    if (idx < 0)
        return TM_OK;
    ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char *utf8 = NULL;
    int n = data ? ASN1_STRING_to_UTF8(&utf8, data) : -1;
    if (n < 0) {
        ERR_clear_error();
        return TM_OK;
    }
    *out = program->strndup((const char *)utf8, (size_t)n < CN_MAX ? (size_t)n : CN_MAX);
    OPENSSL_free(utf8);
    return *out ? TM_OK : TM_ENOMEM;
}

static tm_status_t tls_describe(tm_tls_conn_t *conn, int64_t now, tm_smtp_server_t *out)
{
    const char *version = SSL_get_version(conn->ssl);
    const char *cipher = SSL_get_cipher_name(conn->ssl);
    if ((version && !(out->tls_version = program->strdup(version))) ||
        (cipher && !(out->tls_cipher = program->strdup(cipher))))
        return TM_ENOMEM;
    X509 *cert = SSL_get1_peer_certificate(conn->ssl);
    if (!cert)
        return TM_OK;
    out->cert_present = true;
    tm_status_t st = subject_cn(cert, &out->cert_cn);
    int days = 0, secs = 0;
    /* NULL "from" means now: the distance to notAfter, added to the
     * probe's clock, gives the date without a timegm(). */
    if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert)))
        out->cert_not_after = now + (int64_t)days * 86400 + secs;
    else
        ERR_clear_error();
    X509_free(cert);
    long verify = SSL_get_verify_result(conn->ssl);
    out->cert_verified = verify == X509_V_OK;
    if (st == TM_OK && !out->cert_verified &&
        !(out->verify_error = program->strdup(X509_verify_cert_error_string(verify))))
        st = TM_ENOMEM;
    return st;
}

/* ---- the plugin's table ------------------------------------------------------ */

static void plugin_bind(const tm_plugin_host_t *services) { program = services; }

__attribute__((visibility("default"))) const tm_tls_api_t tm_tls_plugin = {
    .header = {.version = TM_VERSION, .abi = TM_TLS_PLUGIN_ABI, .size = sizeof(tm_tls_api_t),
               .bind = plugin_bind},
    .ctx_create = tls_ctx_create,
    .ctx_destroy = tls_ctx_destroy,
    .conn_create = tls_conn_create,
    .conn_destroy = tls_conn_destroy,
    .handshake = tls_handshake,
    .read = tls_read,
    .write = tls_write,
    .describe = tls_describe,
};
