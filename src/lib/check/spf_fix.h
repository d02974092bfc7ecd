/* spf_fix.h - the SPF record to publish instead: built from the current
 * record, so a fix keeps the user's own senders (internal to checks). */
#ifndef TMEMS_CHECK_SPF_FIX_H
#define TMEMS_CHECK_SPF_FIX_H

#include "tmems/tm_check.h"
#include "tmems/tm_spf.h"

/* Appends the recommended record text to out: the current apex record with
 * the legacy include replaced by the site include, or the site include put
 * first (right after v=spf1) when it is missing or sits behind terms that
 * use up the lookup limit; ip4:/ip6: terms that lie wholly inside the
 * data-center ranges and a/mx/exists terms naming non-existent hosts
 * dropped; +all and ?all as ~all, and ~all added when neither all nor
 * redirect= ends the record.  A fresh record when there is none.  Terms
 * that do not parse are kept as written. */
tm_status_t tm_spf_suggest_record(const tm_check_ctx_t *ctx, tm_buf_t *out);
/* True when the suggestion drops a term of the apex record that names a
 * host or domain that does not exist (spf.void_lookups). */
bool tm_spf_fix_drops_void(const tm_check_ctx_t *ctx);
/* Adds the suggestion to the finding's fix as a zone-file line, split into
 * 255-byte character-strings when longer (RFC 7208 section 3.3). */
tm_status_t tm_spf_fix_line(const tm_check_ctx_t *ctx, tm_finding_t *out);

#endif
