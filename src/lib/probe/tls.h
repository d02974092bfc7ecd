/* tls.h - the TLS client of the STARTTLS probe (RFC 3207) over OpenSSL, on
 * a non-blocking socket the caller polls.  Private to src/lib/probe/ and
 * its TLS plugin.
 *
 * The chain is verified against the system's trust store and the host name
 * is checked (RFC 6125), but a failure there does not stop the handshake:
 * mail servers often use certificates of a private CA, and the probe only
 * reports whether it verified. */
#ifndef TMEMS_PROBE_TLS_H
#define TMEMS_PROBE_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_plugin.h"
#include "tmems/tm_probe_view.h"
#include "tmems/tm_status.h"

typedef struct tm_tls_ctx tm_tls_ctx_t;
typedef struct tm_tls_conn tm_tls_conn_t;

typedef enum {
    TM_TLS_OK = 0,     /* done (a read or write moved at least one byte) */
    TM_TLS_WANT_READ,  /* call again when the socket is readable */
    TM_TLS_WANT_WRITE, /* call again when the socket is writable */
    TM_TLS_CLOSED,     /* the peer closed the connection */
    TM_TLS_ERROR       /* err holds OpenSSL's reason */
} tm_tls_io_t;

#define TM_TLS_PLUGIN "tls"
#define TM_TLS_PLUGIN_SYMBOL "tm_tls_plugin"
#define TM_TLS_PLUGIN_ABI 1u

/* The TLS client lives in the plugin tls.so (tls_openssl_plugin.c), which
 * links OpenSSL so that the program does not: a run without --smtp never
 * loads it (tmems/tm_plugin.h). */
typedef struct {
    tm_plugin_header_t header;
    /* One client context for every connection of a probe: TLS 1.2 or later
     * as OpenSSL's defaults allow, the system's trust store.  On failure
     * err gets OpenSSL's reason.  Free with ctx_destroy (after its
     * connections). */
    tm_status_t (*ctx_create)(tm_tls_ctx_t **out, char *err, size_t errlen);
    void (*ctx_destroy)(tm_tls_ctx_t *ctx); /* NULL is a no-op */
    /* A client on fd (not taken: the caller closes it after conn_destroy)
     * for host (SNI and name check).  Reads through it are bounded: past
     * max_read raw bytes the connection reports an error. */
    tm_status_t (*conn_create)(tm_tls_ctx_t *ctx, int fd, const char *host, size_t max_read,
                               tm_tls_conn_t **out, char *err, size_t errlen);
    /* Sends a close_notify without waiting for the peer's, and frees. */
    void (*conn_destroy)(tm_tls_conn_t *conn); /* NULL is a no-op */
    tm_tls_io_t (*handshake)(tm_tls_conn_t *conn, char *err, size_t errlen);
    /* *done gets the bytes moved when TM_TLS_OK. */
    tm_tls_io_t (*read)(tm_tls_conn_t *conn, char *buf, size_t len, size_t *done, char *err,
                        size_t errlen);
    tm_tls_io_t (*write)(tm_tls_conn_t *conn, const char *buf, size_t len, size_t *done,
                         char *err, size_t errlen);
    /* After the handshake: the protocol, cipher, certificate subject CN and
     * notAfter, and whether it verified, into out's TLS fields (strings
     * from the host's allocator).  now is the probe's time (seconds since
     * the epoch). */
    tm_status_t (*describe)(tm_tls_conn_t *conn, int64_t now, tm_smtp_server_t *out);
} tm_tls_api_t;

/* The TLS client, from the plugin in plugin_dir (NULL: where the package
 * installs it).  On failure err gets one line saying that STARTTLS cannot
 * be probed and why (the file and the loader's reason). */
tm_status_t tm_tls_api_load(const char *plugin_dir, const tm_tls_api_t **out, char *err,
                            size_t errlen);

#endif
