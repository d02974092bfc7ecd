/* chain.h - CNAME chains that cross sources.  Private to src/lib/resolve/. */
#ifndef TMEMS_RESOLVE_CHAIN_H
#define TMEMS_RESOLVE_CHAIN_H

#include "tmems/tm_dns.h"

/* The answer for `name` whose CNAME chain led to the name that `end`
 * answers: end's outcome, records, source and error, with canonical set to
 * where the chain stopped (RFC 1034 section 3.6.2).  A new answer the caller
 * owns; NULL on allocation failure. */
tm_answer_t *tm_resolve_merge_chain(const char *name, const tm_answer_t *end);

#endif
