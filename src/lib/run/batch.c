/* batch.c - many domains over one event loop: up to `jobs` domains in
 * flight, results handed out in input order as soon as the head of the
 * queue is complete.  A window of started-but-not-emitted items bounds the
 * memory: a slow domain holds back at most `window` finished results, and
 * none is started further than that past the oldest one not yet emitted.
 *
 * When the run itself fails (tm_resolver_failure: the DNS server or DoH URL
 * cannot be used, or the deadline passed) no further domain is started or
 * judged: the domains complete before it are emitted in order, and the
 * batch returns TM_ENETWORK for the caller to say why, once. */
#include "tmems/tm_run.h"

typedef struct batch batch_t;

typedef struct {
    batch_t *batch;
    tm_job_t *job;       /* NULL for an item that is not checked */
    tm_status_t status;  /* for an item without a job */
    bool done;
} slot_t;

struct batch {
    tm_resolver_t *res;
    const tm_rules_t *rules;
    const tm_check_options_t *opts;
    tm_batch_next_fn next;
    tm_batch_emit_fn emit;
    void *arg;
    slot_t *slots;       /* item i lives in slots[i % window] */
    size_t window, jobs;
    size_t head;         /* the next item to emit */
    size_t tail;         /* the next item to start */
    size_t running;      /* jobs started and not complete */
    bool input_done;
    bool pumping, again; /* pump is re-entered from job callbacks */
    bool failed;         /* the run failed (tm_resolver_failure) */
    tm_status_t stop;    /* what emit returned to stop the batch */
};

static void pump(batch_t *b);

static void on_job_done(void *arg, tm_job_t *job)
{
    slot_t *s = arg;
    s->done = true;
    s->batch->running--;
    if (tm_job_status(job) == TM_ENETWORK &&
        tm_resolver_failure_kind(s->batch->res) != TM_RESOLVER_FINE)
        s->batch->failed = true;
    pump(s->batch);
}

/* Hands out the head while it is complete.  Emitting frees the slot, so
 * the job whose callback got us here may be freed: nothing touches it
 * after pump returns (job.c's finish is its last act). */
static bool emit_ready(batch_t *b)
{
    bool progress = false;
    while (b->stop == TM_OK && b->head < b->tail) {
        slot_t *s = &b->slots[b->head % b->window];
        if (!s->done)
            break;
        tm_status_t st = s->job ? tm_job_status(s->job) : s->status;
        if (b->failed && st == TM_ENETWORK)
            break; /* the run failed here: tm_run_batch says so */
        tm_result_t *result = st == TM_OK ? tm_job_take_result(s->job) : NULL;
        tm_job_destroy(s->job);
        s->job = NULL;
        s->done = false;
        size_t index = b->head++;
        progress = true;
        tm_status_t est = b->emit(b->arg, index, st, result);
        if (est != TM_OK)
            b->stop = est;
    }
    return progress;
}

static bool start_more(batch_t *b)
{
    bool progress = false;
    /* A domain more only while the network has room for its questions:
     * -j bounds the domains in flight, the resolver's window the questions
     * (tm_resolver_saturated), so a large -j neither floods the server nor
     * keeps thousands of domains waiting in memory.  One domain always
     * runs, so the batch goes on whatever the backlog. */
    while (b->stop == TM_OK && !b->failed && !b->input_done && b->running < b->jobs &&
           b->tail - b->head < b->window &&
           (b->running == 0 || !tm_resolver_saturated(b->res))) {
        tm_batch_item_t item = {NULL, NULL};
        if (!b->next(b->arg, b->tail, &item)) {
            b->input_done = true;
            break;
        }
        slot_t *s = &b->slots[b->tail % b->window];
        b->tail++;
        progress = true;
        s->job = NULL;
        s->done = false;
        s->status = TM_OK;
        if (!item.ascii) {
            s->status = TM_EINVAL;
            s->done = true;
            continue;
        }
        tm_status_t st = tm_job_create(b->res, b->rules, b->opts, item.display, item.ascii,
                                       on_job_done, s, &s->job);
        if (st != TM_OK) {
            s->status = st;
            s->done = true;
            continue;
        }
        b->running++;
        tm_job_start(s->job); /* may complete at once: on_job_done re-enters pump */
    }
    return progress;
}

/* Emits what is ready and starts what the limits allow, until neither
 * moves.  Re-entered from a job's completion, it only notes that there is
 * more to do, so the stack never grows with the number of items. */
static void pump(batch_t *b)
{
    if (b->pumping) {
        b->again = true;
        return;
    }
    b->pumping = true;
    bool progress;
    do {
        b->again = false;
        progress = emit_ready(b);
        progress = start_more(b) || progress;
    } while ((progress || b->again) && b->stop == TM_OK);
    b->pumping = false;
}

/* The event loop returned with jobs still waiting: their answers will not
 * come (an answer could not be built, or the network layer failed).  They
 * end with that status; pump is held off so that no job started meanwhile
 * is caught by the sweep. */
static void abort_running(batch_t *b, tm_status_t why)
{
    b->pumping = true;
    for (size_t i = b->head; i < b->tail; i++) {
        slot_t *s = &b->slots[i % b->window];
        if (s->job && !s->done)
            tm_job_abort(s->job, why != TM_OK ? why : TM_ENETWORK);
    }
    b->pumping = false;
}

tm_status_t tm_run_batch(tm_resolver_t *res, const tm_rules_t *rules,
                         const tm_check_options_t *opts, const tm_batch_options_t *bopts,
                         tm_batch_next_fn next, tm_batch_emit_fn emit, void *arg)
{
    if (!res || !rules || !opts || !next || !emit)
        return TM_EINVAL;
    batch_t b = {.res = res, .rules = rules, .opts = opts, .next = next, .emit = emit,
                 .arg = arg, .stop = TM_OK};
    b.jobs = bopts && bopts->jobs ? bopts->jobs : TM_BATCH_JOBS_DEFAULT;
    if (b.jobs > TM_BATCH_JOBS_MAX)
        b.jobs = TM_BATCH_JOBS_MAX;
    b.window = bopts && bopts->window ? bopts->window : 4 * b.jobs;
    if (b.window < b.jobs)
        b.window = b.jobs;
    b.slots = tm_calloc(b.window, sizeof(*b.slots));
    if (!b.slots)
        return TM_ENOMEM;
    for (size_t i = 0; i < b.window; i++)
        b.slots[i].batch = &b;

    pump(&b);
    while (b.stop == TM_OK && (b.head < b.tail || !b.input_done)) {
        tm_status_t st = TM_OK;
        if (b.running > 0 && !b.failed)
            st = tm_resolver_run(res, -1);
        if (b.running > 0) {
            if (tm_resolver_failure_kind(res) != TM_RESOLVER_FINE)
                b.failed = true;
            abort_running(&b, b.failed ? TM_ENETWORK : st);
        }
        pump(&b);
        if (b.failed && b.running == 0) {
            b.stop = TM_ENETWORK;
            break;
        }
    }
    /* Stopped by emit: the jobs still in flight are dropped unreported. */
    for (size_t i = b.head; i < b.tail; i++)
        tm_job_destroy(b.slots[i % b.window].job);
    tm_free(b.slots);
    return b.stop;
}
