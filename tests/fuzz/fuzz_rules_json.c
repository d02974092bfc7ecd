/* fuzz_rules_json.c - the rules JSON of --rules FILE (docs/rules.md):
 * tm_rules_parse over arbitrary bytes, then the lookups every check makes
 * on a rules object that parsed. */
#include <string.h>

#include "fuzz.h"
#include "tmems/tm_rules.h"
#include "tmems/tm_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tm_rules_t *rules = NULL;
    char where[256];
    memset(where, 'x', sizeof where);
    tm_status_t st = tm_rules_parse((const char *)data, size, "fuzz.json", &rules, where,
                                    sizeof where);
    if (st != TM_OK) {
        FUZZ_CHECK(rules == NULL);
        FUZZ_CHECK(st == TM_EPARSE || st == TM_EINVAL || st == TM_ERANGE || st == TM_ENOMEM);
        FUZZ_CHECK(memchr(where, '\0', sizeof where) != NULL);
        return 0;
    }
    FUZZ_CHECK(rules != NULL && rules->region && rules->inbound_suffix && rules->spf_include);
    char host[TM_NAME_MAX + 1], company[TM_LABEL_MAX + 1];
    if (tm_rules_inbound_host(rules, "acme", host, sizeof host)) {
        FUZZ_CHECK(tm_rules_company_from_host(rules, host, company, sizeof company));
        FUZZ_CHECK(strcmp(company, "acme") == 0);
    }
    tm_rules_relay_host(rules, "acme", host, sizeof host);
    /* The records the resolver answers offline: every one the rules hold
     * is answered (the run layer's static source). */
    tm_static_records_t *recs = NULL;
    if (tm_run_rules_records(rules, &recs) == TM_OK) {
        for (size_t i = 0; i < rules->nrecords; i++) {
            tm_answer_t *ans = NULL;
            tm_status_t ast = tm_static_records_answer(recs, rules->records[i].name,
                                                       rules->records[i].type, &ans);
            FUZZ_CHECK(ast != TM_OK || (ans && ans->count > 0));
            tm_answer_unref(ans);
        }
        tm_static_records_destroy(recs);
    }
    for (size_t i = 0; i < rules->nclouds; i++) {
        for (size_t k = 0; k < rules->clouds[i].nsuffixes; k++) {
            char mx[600];
            snprintf(mx, sizeof mx, "mx1.%s", rules->clouds[i].suffixes[k]);
            FUZZ_CHECK(tm_rules_cloud_for(rules, mx) != NULL);
        }
    }
    for (size_t i = 0; i < rules->nranges; i++)
        FUZZ_CHECK(rules->ranges[i].cidr && rules->ranges[i].net.prefix <= 128);
    tm_rules_destroy(rules);
    return 0;
}
