/* run.c - one domain from question to findings, waiting for it: the judge
 * says what it lacks, the resolver fetches the whole batch concurrently, and
 * this repeats until nothing is missing (docs/design.md "Fetch, then judge").
 * The rounds themselves are job.c's. */
#include "tmems/tm_run.h"

/* One job driven to the end: the rounds are job.c's, and the event loop
 * runs until the job is complete.  The loop returns early only when an
 * answer could not be built or the network layer failed; the job then ends
 * with that status. */
tm_status_t tm_run_domain(tm_resolver_t *res, const tm_rules_t *rules,
                          const tm_check_options_t *opts, const char *display,
                          const char *ascii, tm_result_t **out)
{
    tm_job_t *job = NULL;
    if (!out)
        return TM_EINVAL;
    *out = NULL;
    tm_status_t st = tm_job_create(res, rules, opts, display, ascii, NULL, NULL, &job);
    if (st != TM_OK)
        return st;
    tm_job_start(job);
    while (!tm_job_complete(job)) {
        st = tm_resolver_run(res, -1);
        if (!tm_job_complete(job))
            tm_job_abort(job, st);
    }
    st = tm_job_status(job);
    if (st == TM_OK)
        *out = tm_job_take_result(job);
    tm_job_destroy(job);
    return st;
}
