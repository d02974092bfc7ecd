/* mx_spf_keep.h - a Fix that replaces the MX records must not take away
 * what the SPF record's mx terms authorise (RFC 7208 section 5.4: mx
 * matches the addresses of the domain's MX hosts).  Internal to the check
 * layer; docs/checks.md "MX Fixes and SPF". */
#ifndef TMEMS_CHECK_MX_SPF_KEEP_H
#define TMEMS_CHECK_MX_SPF_KEEP_H

#include "tmems/tm_check.h"

typedef struct {
    uint16_t preference;
    const char *host; /* no trailing dot */
} tm_mx_fix_host_t;

/* Appends the zone lines that replace the domain's MX records with hosts
 * (TTL ttl), and what SPF needs with them:
 *  - no mx term of the SPF tree names the domain, or the change keeps
 *    every address check_host() passes: the MX lines, as fix records;
 *  - an mx term of the apex record authorised the hosts that go: the MX
 *    lines and the SPF record with those hosts' addresses as ip4:/ip6:
 *    terms right after it, as fix records, proven with check_host() over
 *    every network of the tree (only the new MX hosts may gain);
 *  - otherwise the MX lines as text, and what the customer has to decide. */
tm_status_t tm_mx_fix_lines(const tm_check_ctx_t *ctx, uint32_t ttl,
                            const tm_mx_fix_host_t *hosts, size_t n, tm_finding_t *out);
/* What the proof reads: the addresses (A and AAAA) of the company's
 * inbound host, when an mx term of the SPF tree names the domain. */
tm_status_t tm_mx_fix_needs(const tm_check_ctx_t *ctx, tm_questions_t *need);

#endif
