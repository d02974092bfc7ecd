/* run.c - one domain from question to findings: the judge says what it
 * lacks, the resolver fetches the whole batch concurrently, and this repeats
 * until nothing is missing (DESIGN.md "fetch, then judge"). */
#include <string.h>

#include "tmems/tm_run.h"
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

/* Fetch rounds until the judge needs nothing more.  Every round asks all the
 * names of one level at once, so the rounds equal the depth of what the
 * checks follow (MX hosts, company hosts, and later the SPF tree). */
static tm_status_t gather(tm_resolver_t *res, tm_check_ctx_t *ctx, const char *ascii,
                          const char *display, const tm_rules_t *rules,
                          const tm_check_options_t *opts, tm_rrset_t *rrset,
                          struct tm_spf_analysis **spf, unsigned *rounds)
{
    tm_status_t st = TM_OK;
    tm_questions_t need;
    tm_questions_init(&need);
    for (*rounds = 0; *rounds < TM_RUN_MAX_ROUNDS; (*rounds)++) {
        tm_check_ctx_init(ctx, ascii, display, rrset, rules, opts);
        tm_questions_clear(&need);
        st = tm_checks_needs(ctx, &need);
        if (st == TM_OK && tm_checks_want_spf(opts)) {
            /* Rebuilt each round: the analysis adds the next level of the
             * SPF tree to the questions until the tree is complete. */
            tm_spf_analysis_destroy(*spf);
            *spf = NULL;
            st = tm_spf_analysis_build(rrset, ascii, rules, &need, spf);
            ctx->spf = *spf;
        }
        if (st != TM_OK || need.count == 0)
            break;
        st = tm_resolver_fetch(res, &need, rrset);
        if (st != TM_OK)
            break;
    }
    tm_questions_clear(&need);
    return st;
}

tm_status_t tm_run_domain(tm_resolver_t *res, const tm_rules_t *rules,
                          const tm_check_options_t *opts, const char *display,
                          const char *ascii, tm_result_t **out)
{
    tm_status_t st = TM_ENOMEM;
    tm_result_t *result = tm_calloc(1, sizeof(*result));
    if (!result)
        return TM_ENOMEM;
    tm_findings_init(&result->findings);
    result->domain = tm_strdup(display ? display : ascii);
    result->ascii = tm_strdup(ascii);
    result->rrset = tm_rrset_create();
    result->rules = rules;
    if (!result->domain || !result->ascii || !result->rrset)
        goto done;

    tm_check_ctx_t ctx;
    st = gather(res, &ctx, result->ascii, result->domain, rules, opts, result->rrset,
                &result->spf, &result->rounds);
    if (st != TM_OK)
        goto done;
    st = tm_checks_run(&ctx, &result->findings);
    if (st != TM_OK)
        goto done;
    result->phase = ctx.phase;
    result->phase_derived = ctx.phase_derived;
    result->company_source = ctx.company_source;
    if (ctx.company[0]) {
        /* --company as given: ctx.company holds at most TM_LABEL_MAX bytes,
         * and an over-long ID (company.id fails it) must not appear cut. */
        result->company = tm_strdup(ctx.company_source == TM_COMPANY_FROM_OPTION
                                        ? opts->company
                                        : ctx.company);
        if (!result->company) {
            st = TM_ENOMEM;
            goto done;
        }
    }
    result->verdict = tm_findings_verdict(&result->findings);
done:
    if (st != TM_OK) {
        tm_result_destroy(result);
        return st;
    }
    *out = result;
    return TM_OK;
}
