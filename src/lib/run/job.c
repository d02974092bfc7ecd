/* job.c - one domain from question to findings without blocking: the judge
 * says what it lacks, every question of that round goes to the resolver at
 * once, and the last answer of the round starts the next one (docs/design.md
 * "fetch, then judge").  tm_run_domain is this with one job, so the round
 * step below is the only place a round is worked out. */
#include "tmems/tm_probe.h"
#include "locate.h"
#include "tmems/tm_run.h"
#include "tmems/tm_spf.h"

struct tm_job {
    tm_resolver_t *res;
    const tm_rules_t *rules;
    const tm_check_options_t *opts;
    tm_result_t *result;     /* owns the names and the rrset the ctx points into */
    tm_check_ctx_t ctx;      /* as derived by the latest round */
    size_t outstanding;      /* answers still due in this round */
    tm_status_t status;      /* the first failure: no further round after it */
    tm_probe_t *probe;       /* --authoritative, --smtp: under way or done */
    bool complete;
    tm_job_done_cb done;
    void *done_arg;
};

/* The round step: derives phase and company from what the rrset holds and
 * lists what the selected checks still lack.  The SPF analysis is rebuilt
 * every round and adds the next level of the SPF tree, so the tree is
 * fetched level by level, all names of one level at once; the records it
 * parsed in earlier rounds are kept. */
static tm_status_t round_needs(tm_job_t *job, tm_questions_t *need)
{
    tm_result_t *r = job->result;
    tm_check_ctx_init(&job->ctx, r->ascii, r->domain, r->rrset, job->rules, job->opts);
    tm_questions_clear(need);
    tm_status_t st = tm_checks_needs(&job->ctx, need);
    if (st == TM_OK && tm_checks_want_spf(job->opts)) {
        st = tm_spf_analysis_rebuild(&r->spf, r->rrset, r->ascii, job->rules, need);
        job->ctx.spf = r->spf;
        /* A tree over the limit: what its remedy reads besides. */
        if (st == TM_OK)
            st = tm_checks_needs_after_spf(&job->ctx, need);
    }
    return st;
}

/* Nothing is missing: the judge runs on the final context, with what the
 * probes saw (tm_probe_view.h); the findings keep nothing of the views. */
static tm_status_t judge(tm_job_t *job)
{
    tm_result_t *r = job->result;
    tm_check_ctx_t *ctx = &job->ctx;
    tm_auth_view_t *auth = NULL;
    tm_smtp_view_t *smtp = NULL;
    tm_status_t st = job->probe ? tm_probe_take(job->probe, &auth, &smtp) : TM_OK;
    tm_probe_destroy(job->probe);
    job->probe = NULL;
    ctx->auth = auth;
    ctx->smtp = smtp;
    if (st == TM_OK)
        st = tm_checks_run(ctx, &r->findings);
    if (st == TM_OK) /* the lines the findings are about (--zone) */
        st = tm_findings_locate(job->res, r->ascii, job->rules->token_prefix, &r->findings);
    ctx->auth = NULL;
    ctx->smtp = NULL;
    tm_auth_view_destroy(auth);
    tm_smtp_view_destroy(smtp);
    if (st != TM_OK)
        return st;
    r->phase = ctx->phase;
    r->phase_derived = ctx->phase_derived;
    r->company_source = ctx->company_source;
    if (ctx->company[0]) {
        /* --company as given: ctx->company holds at most TM_LABEL_MAX bytes,
         * and an over-long ID (company.id fails it) must not appear cut. */
        r->company = tm_strdup(ctx->company_source == TM_COMPANY_FROM_OPTION ? job->opts->company
                                                                             : ctx->company);
        if (!r->company)
            return TM_ENOMEM;
    }
    r->verdict = tm_findings_verdict(&r->findings);
    return TM_OK;
}

/* The last thing a job does: done may free it. */
static void finish(tm_job_t *job)
{
    if (job->status == TM_OK)
        job->status = judge(job);
    tm_probe_destroy(job->probe);
    job->probe = NULL;
    job->complete = true;
    if (job->done)
        job->done(job->done_arg, job);
}

/* The probes ended (from the resolver's loop, between rounds). */
static void on_probed(void *arg) { finish(arg); }

/* The probes the selected checks need, at the servers the catalogue picks
 * from the complete rrset (tm_checks_probe_targets), on the same event
 * loop as every other domain's DNS.  job->probe stays NULL when there is
 * nothing to probe: no probe wanted, or no server to ask, in which case
 * the check says why from the rrset. */
static tm_status_t start_probes(tm_job_t *job)
{
    if (!tm_checks_want_auth_probe(job->opts) && !tm_checks_want_smtp_probe(job->opts))
        return TM_OK;
    /* Two lists of TM_PROBE_MAX_TARGETS servers: too large for the stack
     * of a callback. */
    tm_probe_targets_t *targets = tm_calloc(2, sizeof(*targets));
    if (!targets)
        return TM_ENOMEM;
    tm_probe_targets_t *auth = &targets[0], *smtp = &targets[1];
    tm_checks_probe_targets(&job->ctx, auth, smtp);
    tm_status_t st = TM_OK;
    if (auth->count || smtp->count)
        st = tm_probe_start(job->res, job->opts->probe, job->ctx.domain,
                            auth->count ? auth : NULL, smtp->count ? smtp : NULL, on_probed, job,
                            &job->probe);
    tm_free(targets);
    return st;
}

/* Once the rounds are complete: the probes, when wanted; the job waits for
 * them. */
static void probe_or_finish(tm_job_t *job)
{
    if (job->status == TM_OK) {
        tm_status_t st = start_probes(job);
        if (st != TM_OK)
            job->status = st;
        else if (job->probe)
            return;
    }
    finish(job);
}

static void on_answer(void *arg, tm_answer_t *answer_own);

/* Asks the round's questions; the count of those submitted is what the
 * round waits for.  A failed submit stops the job after the answers already
 * asked for (tm_resolver_fetch behaves the same). */
static void submit_round(tm_job_t *job, const tm_questions_t *need)
{
    for (size_t i = 0; i < need->count; i++) {
        const tm_question_t *q = &need->items[i];
        if (tm_rrset_get(job->result->rrset, q->name, q->type))
            continue;
        tm_status_t st = tm_resolver_submit(job->res, q->name, q->type, on_answer, job);
        if (st != TM_OK) {
            job->status = st;
            return;
        }
        job->outstanding++;
    }
}

/* Works out rounds until one has questions to wait for, or the job is done.
 * TM_RUN_MAX_ROUNDS bounds the fetches: past it the judge runs on what is
 * there (the SPF expansion bound of docs/checks.md stops well before). */
static void advance(tm_job_t *job)
{
    tm_questions_t need;
    tm_questions_init(&need);
    while (job->status == TM_OK) {
        tm_status_t st = round_needs(job, &need);
        if (st != TM_OK) {
            job->status = st;
            break;
        }
        if (need.count == 0 || job->result->rounds >= TM_RUN_MAX_ROUNDS)
            break;
        submit_round(job, &need);
        if (job->outstanding > 0) {
            job->result->rounds++;
            tm_questions_clear(&need);
            return;
        }
        if (job->status == TM_OK)
            break; /* every question is answered already: nothing can change */
    }
    tm_questions_clear(&need);
    probe_or_finish(job);
}

static void on_answer(void *arg, tm_answer_t *answer_own)
{
    tm_job_t *job = arg;
    /* No DNS message at all: the server or URL cannot be used, and no
     * verdict of this domain would mean anything (tm_resolver_failure says
     * why, once for the run). */
    if (answer_own && answer_own->outcome == TM_DNS_UNREACHABLE && job->status == TM_OK)
        job->status = TM_ENETWORK;
    tm_status_t st = tm_rrset_put_own(job->result->rrset, answer_own);
    if (st != TM_OK && job->status == TM_OK)
        job->status = st;
    if (--job->outstanding == 0)
        advance(job);
}

tm_status_t tm_job_create(tm_resolver_t *res, const tm_rules_t *rules,
                          const tm_check_options_t *opts, const char *display,
                          const char *ascii, tm_job_done_cb done, void *arg, tm_job_t **out)
{
    if (!res || !rules || !opts || !ascii || !out)
        return TM_EINVAL;
    *out = NULL;
    tm_job_t *job = tm_calloc(1, sizeof(*job));
    tm_result_t *r = tm_calloc(1, sizeof(*r));
    if (!job || !r)
        goto nomem;
    job->result = r;
    tm_findings_init(&r->findings);
    r->domain = tm_strdup(display ? display : ascii);
    r->ascii = tm_strdup(ascii);
    r->rrset = tm_rrset_create();
    r->rules = rules;
    if (!r->domain || !r->ascii || !r->rrset)
        goto nomem;
    job->res = res;
    job->rules = rules;
    job->opts = opts;
    job->done = done;
    job->done_arg = arg;
    *out = job;
    return TM_OK;
nomem:
    if (job)
        tm_job_destroy(job);
    else
        tm_free(r);
    return TM_ENOMEM;
}

void tm_job_start(tm_job_t *job)
{
    if (job && !job->complete && job->outstanding == 0)
        advance(job);
}

bool tm_job_complete(const tm_job_t *job) { return job && job->complete; }

size_t tm_job_outstanding(const tm_job_t *job) { return job ? job->outstanding : 0; }

tm_status_t tm_job_status(const tm_job_t *job)
{
    if (!job)
        return TM_EINVAL;
    return job->status;
}

tm_result_t *tm_job_take_result(tm_job_t *job)
{
    if (!job || !job->complete || job->status != TM_OK)
        return NULL;
    tm_result_t *r = job->result;
    job->result = NULL;
    return r;
}

void tm_job_abort(tm_job_t *job, tm_status_t why)
{
    if (!job || job->complete)
        return;
    if (job->outstanding > 0)
        tm_resolver_cancel(job->res, on_answer, job);
    job->outstanding = 0;
    tm_probe_destroy(job->probe);
    job->probe = NULL;
    if (job->status == TM_OK)
        job->status = why != TM_OK ? why : TM_ENETWORK;
    finish(job);
}

void tm_job_destroy(tm_job_t *job)
{
    if (!job)
        return;
    if (!job->complete && job->outstanding > 0)
        tm_resolver_cancel(job->res, on_answer, job);
    tm_probe_destroy(job->probe);
    tm_result_destroy(job->result);
    tm_free(job);
}
