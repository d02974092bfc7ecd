/* tm_run.h - drives the check of one domain: asks the judge what it needs,
 * has the resolver fetch the whole batch at once, repeats until nothing is
 * missing (so the SPF tree is fetched level by level), then runs the checks.
 * It never prints: the caller renders the result. */
#ifndef TMEMS_TM_RUN_H
#define TMEMS_TM_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_check.h"
#include "tmems/tm_dns.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_result.h"
#include "tmems/tm_rules.h"

/* The bound on fetch rounds for one domain: the SPF tree is at most this
 * deep before the expansion bound of docs/checks.md stops it anyway. */
#define TM_RUN_MAX_ROUNDS 40

/* The records the rules vouch for (tm_rules_t records: the data center's
 * SPF records), as the static source a resolver answers offline from
 * (tm_resolver_options_t records).  NULL rules gives an empty set.  The
 * caller frees *out with tm_static_records_destroy, after the resolver. */
tm_status_t tm_run_rules_records(const tm_rules_t *rules, tm_static_records_t **out);

/* Checks one domain.  `ascii` must already be a valid canonical name and
 * `display` its form for people (may equal ascii).  *out is set on TM_OK;
 * DNS failures are findings, not errors. */
tm_status_t tm_run_domain(tm_resolver_t *res, const tm_rules_t *rules,
                          const tm_check_options_t *opts, const char *display,
                          const char *ascii, tm_result_t **out);

/* A result for a name that cannot be checked (a bad line of a -f file): its
 * only finding is domain.name `fail` with `why` as the detail, no records,
 * ascii NULL.  input is shown as given (the report escapes it).  The caller
 * frees *out with tm_result_destroy. */
tm_status_t tm_result_invalid_name(const char *input, const char *why, tm_result_t **out);

/* A result for a valid name that an offline run cannot check, because no
 * zone file holds it: its only finding is domain.exists `fail`, with `why`
 * (which zone files there are) as the detail, no records.  The caller frees
 * *out with tm_result_destroy. */
tm_status_t tm_result_not_covered(const char *display, const char *ascii, const char *why,
                                  tm_result_t **out);

/* ---- one domain without waiting (the same rounds, on the event loop) ------
 *
 * A job asks every question of its current round with tm_resolver_submit;
 * when the last answer of the round arrives it works out the next round, and
 * when nothing is missing it runs the checks and is complete.  Many jobs
 * share one resolver, so one tm_resolver_run drives them all. */

typedef struct tm_job tm_job_t;

/* Called once, when the job becomes complete (from tm_job_start or from a
 * resolver callback inside tm_resolver_run).  It may destroy the job. */
typedef void (*tm_job_done_cb)(void *arg, tm_job_t *job);

/* A job that has not asked anything yet.  res, rules and opts must outlive
 * it; display and ascii are copied (as for tm_run_domain).  done may be
 * NULL.  Free with tm_job_destroy. */
tm_status_t tm_job_create(tm_resolver_t *res, const tm_rules_t *rules,
                          const tm_check_options_t *opts, const char *display,
                          const char *ascii, tm_job_done_cb done, void *arg, tm_job_t **out);
/* Submits the first round; when nothing is needed at all the job is
 * complete (and done called) before this returns. */
void tm_job_start(tm_job_t *job);
bool tm_job_complete(const tm_job_t *job);
/* Answers still awaited in the current round. */
size_t tm_job_outstanding(const tm_job_t *job);
/* TM_OK once complete with a result; otherwise why the check could not run. */
tm_status_t tm_job_status(const tm_job_t *job);
/* The result of a complete job with status TM_OK, handed over (the caller
 * frees it with tm_result_destroy); NULL otherwise or when taken already. */
tm_result_t *tm_job_take_result(tm_job_t *job);
/* Ends a job that can no longer get its answers (the event loop stopped on
 * an error, or an answer could not be built for lack of memory): its
 * callbacks are taken back and it becomes complete with status why (done is
 * called).  Not from inside a resolver callback.  No-op when complete. */
void tm_job_abort(tm_job_t *job, tm_status_t why);
/* Takes back any callback still due (not from inside a resolver callback
 * while the job waits) and frees the job and the result it still holds.
 * NULL is a no-op. */
void tm_job_destroy(tm_job_t *job);

/* ---- many domains: -j jobs in flight, results in input order ------------- */

typedef struct {
    const char *display;  /* for people; NULL means ascii */
    const char *ascii;    /* canonical; NULL: the item is not checked (an
                             invalid line), it is emitted in its place with
                             status TM_EINVAL */
} tm_batch_item_t;

/* Fills *item with input number index (0, 1, ...), or returns false when
 * the input has ended.  The strings must stay valid until that item has
 * been emitted. */
typedef bool (*tm_batch_next_fn)(void *arg, size_t index, tm_batch_item_t *item);
/* Called for every item in input order, as soon as it and every item
 * before it are complete.  result_own (the callee frees it with
 * tm_result_destroy) is NULL when status is not TM_OK.  Returning non-OK
 * stops the batch: it returns that status. */
typedef tm_status_t (*tm_batch_emit_fn)(void *arg, size_t index, tm_status_t status,
                                        tm_result_t *result_own);

/* Domains in flight by default.  The DNS load is bounded by the resolver's
 * adaptive window, not by this: many domains keep the window full while
 * each waits on its own round trips (bench/README.md). */
#define TM_BATCH_JOBS_DEFAULT 256
#define TM_BATCH_JOBS_MAX 4096

typedef struct {
    unsigned jobs;   /* domains in flight at once (-j); 0 = TM_BATCH_JOBS_DEFAULT */
    unsigned window; /* items started but not yet emitted, at least jobs;
                        0 = 4 * jobs.  A slow domain holds back at most this
                        many finished results behind it. */
} tm_batch_options_t;

/* Checks every item the next function gives, with up to `jobs` domains in
 * flight over one event loop, emitting results in input order while later
 * domains are still being checked.  Memory is bounded by the window, not by
 * the number of items.  A domain that could not be checked (no memory, the
 * event loop failed) is emitted with that status and the batch goes on.
 * TM_OK when every item was emitted; otherwise the status emit returned to
 * stop it (TM_EINVAL for missing arguments). */
tm_status_t tm_run_batch(tm_resolver_t *res, const tm_rules_t *rules,
                         const tm_check_options_t *opts, const tm_batch_options_t *bopts,
                         tm_batch_next_fn next, tm_batch_emit_fn emit, void *arg);

#endif
