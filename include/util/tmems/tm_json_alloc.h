/* tm_json_alloc.h - routes cJSON's allocations through tm_malloc/tm_free, so the
 * out-of-memory tests reach the JSON code too, and tells a parse that failed
 * for want of memory from one that failed on bad input (cJSON returns NULL
 * for both).  Used by the rules parser and the JSON report only. */
#ifndef TMEMS_TM_JSON_ALLOC_H
#define TMEMS_TM_JSON_ALLOC_H

#include <stdbool.h>

/* Installs the hooks (idempotent: it always installs the same two functions)
 * and clears this thread's out-of-memory flag.  Call before each use of cJSON. */
void tm_json_begin(void);
/* True when an allocation failed since the last tm_json_begin on this thread. */
bool tm_json_oom(void);

#endif
