/* spf_zone.h - an SPF record as the TXT record a zone file publishes:
 * character-strings of at most 255 bytes (RFC 7208 section 3.3) and the
 * size of the DNS answer that carries it (section 3.4).  Internal to the
 * check layer. */
#ifndef TMEMS_CHECK_SPF_ZONE_H
#define TMEMS_CHECK_SPF_ZONE_H

#include "finding.h"
#include "tmems/tm_check.h"

#define TM_TXT_STRING_MAX 255 /* RFC 1035 section 3.3 */
#define TM_UDP_ANSWER_MAX 512 /* RFC 7208 section 3.4 */

/* The length of the next character-string of record[at..len): at most 255
 * bytes, cut before a space where one is (the strings are joined without a
 * separator, so the record reads the same). */
size_t tm_spf_string_len(const char *record, size_t len, size_t at);
/* How many character-strings the record is cut into. */
size_t tm_spf_string_count(const char *record, size_t len);
/* The TXT answer for owner holding these records (their RDATA lengths),
 * as the smallest DNS message carries it: header, question, and each
 * record with its owner compressed to a pointer (RFC 1035 section 4.1). */
size_t tm_txt_answer_size(const char *owner, const size_t *rdata_lens, size_t n);
/* The RDATA length of the record cut by tm_spf_string_len. */
size_t tm_spf_rdata_len(const char *record, size_t len);
/* Appends "owner. TTL IN TXT "..." "..."" for record, with " and \
 * escaped (RFC 1035 section 5.1), to the finding's Fix and fix_records
 * (tm_finding_fix_record). */
tm_status_t tm_spf_zone_line(const char *owner, unsigned ttl, const char *record, size_t len,
                             tm_finding_t *out);
/* Appends the record to a TXT answer, cut as above. */
tm_status_t tm_spf_txt_add(tm_answer_t *ans, unsigned ttl, const char *record, size_t len);
/* A NOERROR TXT answer for owner with the records, each cut as above
 * (what a zone file holding the zone lines would answer). */
tm_answer_t *tm_spf_txt_answer(const char *owner, unsigned ttl, const char *const *records,
                               const size_t *lens, size_t n);

/* The size of the apex TXT answer with its SPF record replaced by one of
 * len bytes: its other records stay.  With the size measured on the wire
 * (ctx->spf), the change is added to it, so that a server's extra bytes
 * (EDNS, authority) count as spf.size counts them. */
tm_status_t tm_spf_apex_answer_size(const tm_check_ctx_t *ctx, const char *record, size_t len,
                                    size_t *out);
/* That answer: the apex's other TXT records, each with its strings, and
 * the record (TTL 3600).  NULL on allocation failure. */
tm_answer_t *tm_spf_apex_answer(const tm_check_ctx_t *ctx, const char *record, size_t len);

#endif
