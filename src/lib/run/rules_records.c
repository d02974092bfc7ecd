/* rules_records.c - the rules' vendor records as the resolver's static
 * source (tm_run.h): the run layer is the one that knows both the rules
 * and the resolver. */
#include "tmems/tm_run.h"

/* The TTL of the vendor's records is nominal: these answers never come
 * from a cache, and no check judges their TTL. */
#define RULES_RECORD_TTL 3600

tm_status_t tm_run_rules_records(const tm_rules_t *rules, tm_static_records_t **out)
{
    if (!out)
        return TM_EINVAL;
    *out = NULL;
    tm_static_records_t *recs = NULL;
    tm_status_t st = tm_static_records_create(TM_SRC_RULES, &recs);
    for (size_t i = 0; st == TM_OK && rules && i < rules->nrecords; i++) {
        const tm_rules_record_t *r = &rules->records[i];
        /* The rules schema has TXT records only (docs/rules.md). */
        if (r->type == TM_RR_TXT)
            st = tm_static_records_add_txt(recs, r->name, RULES_RECORD_TTL, r->value);
    }
    if (st != TM_OK) {
        tm_static_records_destroy(recs);
        return st;
    }
    *out = recs;
    return TM_OK;
}
