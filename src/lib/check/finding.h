/* finding.h - building a finding's text (internal to the check layer). */
#ifndef TMEMS_CHECK_FINDING_H
#define TMEMS_CHECK_FINDING_H

#include "tmems/tm_check.h"

/* Sets status and the one-line summary. */
tm_status_t tm_finding_set(tm_finding_t *f, tm_check_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends one line to the detail (why it matters). */
tm_status_t tm_finding_detail(tm_finding_t *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends one line to the fix (what to change). */
tm_status_t tm_finding_fix(tm_finding_t *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends one zone-file line that can be pasted as it is: to the fix (as
 * shown) and to fix_records (the machine-readable Fix, tm_check.h).  Never
 * for a line holding a placeholder: that is a plain tm_finding_fix. */
tm_status_t tm_finding_fix_record(tm_finding_t *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* tm_quote_dns, tm_quote_dns_dup: tmems/tm_check.h (the watch quotes
 * records too). */

#endif
