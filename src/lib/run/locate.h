/* locate.h - the source location of the record each finding concerns
 * (internal to the run layer; docs/json.md, "source"). */
#ifndef TMEMS_RUN_LOCATE_H
#define TMEMS_RUN_LOCATE_H

#include "tmems/tm_check.h"
#include "tmems/tm_resolve.h"

/* The record set a finding is about: owner, type, and for TXT which kind
 * (an SPF record or an ownership token), from the first pasteable line of
 * its Fix when there is one, else from its check id.  False when the
 * finding concerns no record (domain.name, rules.current, ...). */
typedef enum { LOCATE_TXT_ANY = 0, LOCATE_TXT_SPF, LOCATE_TXT_TOKEN } locate_kind_t;

typedef struct {
    char owner[TM_NAME_MAX + 2];
    uint16_t type;
    locate_kind_t kind;
} locate_target_t;

bool tm_locate_target(const tm_finding_t *f, const char *domain, const char *token_prefix,
                      locate_target_t *out);

/* Sets the source of every finding of a domain checked from zone files
 * (--zone, any format): the first record of the set it concerns, or the
 * zone's file with line 0 when that set is missing.  A domain that no
 * zone covers (live DNS) keeps no location.  TM_ENOMEM only. */
tm_status_t tm_findings_locate(const tm_resolver_t *res, const char *domain,
                               const char *token_prefix, tm_findings_t *findings);

#endif
