/* zone_live.h - the parts of a zone that a DNS-as-code file leaves to the
 * DNS provider (internal to the zone source).
 *
 * octoDNS pushes nothing for a record marked `octodns: {ignored: true}`,
 * nor to a provider its `included`/`excluded` lists leave out; DNSControl
 * leaves the records an IGNORE() rule matches as they are, and with
 * NO_PURGE (print-ir: "keepunknown") deletes nothing the file does not
 * list.  For those RRsets the file does not say what will be published, so
 * the zone must not answer as if it did (docs/ci.md, "What the file
 * decides"). */
#ifndef TMEMS_RESOLVE_ZONE_LIVE_H
#define TMEMS_RESOLVE_ZONE_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "tmems/tm_resolve.h"

typedef struct zone_live zone_live_t;

/* Adds a rule: owners matching pattern (a glob over the owner relative to
 * the origin, "@" for the apex; '*' and '?' match any characters, dots
 * included, as DNSControl's globs do) and type (0: every type).  where is
 * shown in messages ("dnsconfig.js line 12: IGNORE()").  *set is created
 * on first use. */
tm_status_t zone_live_add(zone_live_t **set, const char *pattern, uint16_t type,
                          tm_zone_live_t kind, const char *where);

/* The rule that covers (relname, type), relname relative to the origin
 * ("@" for the apex), lower case: TM_ZONE_LIVE_KEPT before
 * TM_ZONE_LIVE_IGNORED (nothing in the zone is the file's alone then).  A
 * rule on CNAME covers every type: a CNAME replaces the name's other data.
 * TM_ZONE_LIVE_NONE when none does. */
tm_zone_live_t zone_live_match(const zone_live_t *set, const char *relname, uint16_t type,
                               const char **where);

void zone_live_destroy(zone_live_t *set); /* NULL is a no-op */

#endif
