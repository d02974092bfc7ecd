/* result.c - a domain's result, freed (tmems/tm_result.h). */
#include "tmems/tm_result.h"
#include "tmems/tm_spf.h"

void tm_result_destroy(tm_result_t *result)
{
    if (!result)
        return;
    tm_free(result->domain);
    tm_free(result->ascii);
    tm_free(result->company);
    tm_findings_clear(&result->findings);
    tm_spf_analysis_destroy(result->spf); /* reads the rrset: freed first */
    tm_rrset_destroy(result->rrset);
    tm_free(result);
}
