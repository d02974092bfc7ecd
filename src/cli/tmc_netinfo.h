/* tmc_netinfo.h - what the network did, told on stderr: the one line for a
 * run that could not go on (the DNS server or DoH URL unusable, or the
 * deadline passed), and -v's figures (questions in flight, retransmissions,
 * wall time). */
#ifndef TMEMS_TMC_NETINFO_H
#define TMEMS_TMC_NETINFO_H

#include <stddef.h>

#include "tmc_params.h"
#include "tmems/tm_resolve.h"

/* One error line naming the server and the cause, or the deadline; with
 * more than one domain, how many were checked before it. */
void tmc_netinfo_failure(const tmc_params_t *p, const tm_resolver_t *res, size_t checked,
                         size_t total);

/* -v: "DNS: 16 questions sent, at most 16 in flight (window at the end 144 of 512),
 * 0 retransmitted, 0.07 s". */
void tmc_netinfo_stats(const tm_resolver_t *res, long elapsed_ms);

/* The CAs for an https:// DoH server as curl chooses them: --cacert, else
 * CURL_CA_BUNDLE, else SSL_CERT_FILE (and SSL_CERT_DIR for a directory).
 * Each is NULL when not given. */
void tmc_netinfo_trust(const tmc_params_t *p, const char **cacert, const char **capath);

#endif
