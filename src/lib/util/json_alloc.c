/* json_alloc.c - cJSON allocation hooks (see tmems/tm_json_alloc.h). */
#include "tmems/tm_json_alloc.h"

#include <cjson/cJSON.h>

#include "tmems/tm_status.h"

/* Per thread, so that two threads rendering at once cannot see each other's
 * failures. */
static _Thread_local bool json_alloc_failed;

static void *json_malloc(size_t size)
{
    void *p = tm_malloc(size);
    if (!p)
        json_alloc_failed = true;
    return p;
}

void tm_json_begin(void)
{
    /* cJSON keeps the hooks in a global; writing the same values each time
     * keeps this idempotent whatever the order of first use. */
    cJSON_Hooks hooks = {json_malloc, tm_free};
    cJSON_InitHooks(&hooks);
    json_alloc_failed = false;
}

bool tm_json_oom(void) { return json_alloc_failed; }
