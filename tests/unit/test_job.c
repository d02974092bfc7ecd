/* test_job.c - the run layer without waiting: jobs and batches over an
 * offline resolver whose zone files this test writes.  Several jobs share
 * one event loop and must reach exactly the findings tm_run_domain reaches;
 * a batch must hand results out in input order while later domains are
 * still running, never start more than its window past the oldest result
 * not yet emitted, and survive an allocation failure anywhere without a
 * leak or a hang. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_fixture.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_run.h"
#include "tmems/tm_spf.h"

/* A zone with one-, two- and many-round domains: `deep` reaches the TMEmS
 * record through three levels of include (one fetch round each). */
static const char example_zone[] =
    "$ORIGIN example.\n"
    "$TTL 3600\n"
    "@        IN SOA ns1 hostmaster 2024090101 3600 900 604800 300\n"
    "         IN NS  ns1\n"
    "ns1      IN A   192.0.2.53\n"
    "post         IN TXT \"tmes=" FX_TOKEN "\"\n"
    "post         IN TXT \"v=spf1 include:spf.tmems-jp.trendmicro.com ~all\"\n"
    "post     300 IN MX  10 acme.in.tmems-jp.trendmicro.com.\n"
    "pre          IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
    "pre    86400 IN MX  10 mail.pre\n"
    "mail.pre     IN A   192.0.2.10\n"
    "deep         IN TXT \"tmes=" FX_TOKEN "\"\n"
    "deep         IN TXT \"v=spf1 include:_a.deep.example ~all\"\n"
    "_a.deep      IN TXT \"v=spf1 include:_b.deep.example ~all\"\n"
    "_b.deep      IN TXT \"v=spf1 include:_c.deep.example ~all\"\n"
    "_c.deep      IN TXT \"v=spf1 include:spf.tmems-jp.trendmicro.com -all\"\n"
    "deep     300 IN MX  10 acme.in.tmems-jp.trendmicro.com.\n";

static const char tmems_zone[] =
    "$ORIGIN in.tmems-jp.trendmicro.com.\n"
    "$TTL 300\n"
    "@     IN SOA ns1.trendmicro.com. hostmaster.trendmicro.com. 1 3600 900 604800 300\n"
    "      IN NS  ns1.trendmicro.com.\n"
    "acme  IN A   18.176.203.130\n";

/* The batch's input: names cycle through the kinds above; "gone" is
 * NXDOMAIN (one round) and NULL marks an invalid line. */
static const char *const kinds[] = {"post.example", "deep.example", "gone.example",
                                    "pre.example"};

typedef struct {
    char dir[64];
    char paths[2][128];
    tm_rules_t *rules;
    tm_static_records_t *records; /* the rules' records, for the resolver */
    tm_check_options_t opts;
} job_fx_t;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static tm_resolver_t *make_resolver(job_fx_t *fx, size_t cache_entries)
{
    const char *zones[2] = {fx->paths[0], fx->paths[1]};
    tm_resolver_options_t ro = {.offline = true, .zone_files = zones, .nzones = 2,
                                .records = fx->records, .cache_entries = cache_entries};
    tm_resolver_t *res = NULL;
    char err[256] = "";
    if (tm_resolver_create(&ro, &res, err, sizeof(err)) != TM_OK)
        fail_msg("resolver: %s", err);
    return res;
}

static int setup(void **state)
{
    fx_locale();
    tm_alloc_fail_after(0);
    job_fx_t *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    strcpy(fx->dir, "/tmp/tm_job_XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    snprintf(fx->paths[0], sizeof(fx->paths[0]), "%s/example.zone", fx->dir);
    snprintf(fx->paths[1], sizeof(fx->paths[1]), "%s/tmems.zone", fx->dir);
    write_file(fx->paths[0], example_zone);
    write_file(fx->paths[1], tmems_zone);
    if (tm_rules_bundled("jp", &fx->rules) != TM_OK ||
        tm_run_rules_records(fx->rules, &fx->records) != TM_OK)
        return -1;
    fx->opts.phase = TM_PHASE_AUTO;
    fx->opts.outbound = true;
    fx->opts.offline = true;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    job_fx_t *fx = *state;
    tm_alloc_fail_after(0);
    tm_static_records_destroy(fx->records);
    tm_rules_destroy(fx->rules);
    unlink(fx->paths[0]);
    unlink(fx->paths[1]);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* The reference: the domain checked alone, waiting, on its own resolver. */
static tm_result_t *reference(job_fx_t *fx, const char *ascii)
{
    tm_resolver_t *res = make_resolver(fx, 0);
    tm_result_t *r = NULL;
    assert_int_equal(tm_run_domain(res, fx->rules, &fx->opts, NULL, ascii, &r), TM_OK);
    tm_resolver_destroy(res);
    assert_non_null(r);
    return r;
}

static void assert_same_text(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_same_result(const tm_result_t *want, const tm_result_t *got)
{
    assert_string_equal(want->ascii, got->ascii);
    assert_int_equal(want->verdict, got->verdict);
    assert_int_equal(want->phase, got->phase);
    assert_int_equal(want->rounds, got->rounds);
    assert_same_text(want->company, got->company);
    assert_int_equal(want->findings.count, got->findings.count);
    for (size_t i = 0; i < want->findings.count; i++) {
        const tm_finding_t *a = &want->findings.items[i], *b = &got->findings.items[i];
        assert_string_equal(a->id, b->id);
        if (a->status != b->status)
            fail_msg("%s %s: %s alone, %s in a job", want->ascii, a->id,
                     tm_check_status_name(a->status), tm_check_status_name(b->status));
        assert_same_text(a->summary, b->summary);
        assert_same_text(a->detail, b->detail);
        assert_same_text(a->fix, b->fix);
    }
    assert_int_equal(tm_rrset_size(want->rrset), tm_rrset_size(got->rrset));
    assert_int_equal(want->spf != NULL, got->spf != NULL);
    if (want->spf)
        assert_int_equal(want->spf->lookups, got->spf->lookups);
}

/* ---- jobs --------------------------------------------------------------------- */

typedef struct {
    size_t order[8];
    size_t count;
    tm_job_t *jobs[8];
} done_log_t;

static void on_done(void *arg, tm_job_t *job)
{
    done_log_t *log = arg;
    for (size_t i = 0; i < 8; i++) {
        if (log->jobs[i] == job) {
            assert_true(tm_job_complete(job));
            log->order[log->count++] = i;
            return;
        }
    }
    fail_msg("done called for an unknown job");
}

static void test_jobs_interleaved_match_run_domain(void **state)
{
    job_fx_t *fx = *state;
    const char *names[] = {"deep.example", "post.example", "gone.example", "pre.example"};
    enum { N = 4 };
    tm_resolver_t *res = make_resolver(fx, 0);
    done_log_t log = {.count = 0};
    for (size_t i = 0; i < N; i++)
        assert_int_equal(tm_job_create(res, fx->rules, &fx->opts, NULL, names[i], on_done, &log,
                                       &log.jobs[i]),
                         TM_OK);
    /* Every job asks its whole first round before any answer comes: the
     * answers are handed out only from tm_resolver_run. */
    size_t outstanding = 0;
    for (size_t i = 0; i < N; i++) {
        tm_job_start(log.jobs[i]);
        assert_false(tm_job_complete(log.jobs[i]));
        assert_true(tm_job_outstanding(log.jobs[i]) >= 2); /* apex TXT and MX at least */
        outstanding += tm_job_outstanding(log.jobs[i]);
    }
    assert_int_equal(tm_resolver_pending(res), outstanding);
    assert_int_equal(log.count, 0);

    /* One event loop drives all four to the end. */
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(log.count, N);
    assert_int_equal(tm_resolver_pending(res), 0);

    /* The rounds interleave: the NXDOMAIN domain (one round) finishes
     * first although it started third, the SPF chain of deep (most rounds)
     * last although it started first. */
    assert_int_equal(log.order[0], 2);
    assert_int_equal(log.order[N - 1], 0);

    unsigned rounds[N];
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(tm_job_status(log.jobs[i]), TM_OK);
        tm_result_t *got = tm_job_take_result(log.jobs[i]);
        assert_non_null(got);
        assert_null(tm_job_take_result(log.jobs[i])); /* handed over once */
        tm_result_t *want = reference(fx, names[i]);
        assert_same_result(want, got);
        rounds[i] = got->rounds;
        tm_result_destroy(want);
        tm_result_destroy(got);
        tm_job_destroy(log.jobs[i]);
    }
    assert_int_equal(rounds[2], 1);
    /* apex, include level a, b, c, then the TMEmS record (and the MX host) */
    assert_true(rounds[0] >= 4);
    assert_true(rounds[0] > rounds[1]);
    tm_resolver_destroy(res);
}

static void test_job_apex_only_one_round(void **state)
{
    job_fx_t *fx = *state;
    /* --only domain.name still fetches the apex TXT and MX (the phase and
     * the company are derived from them), and nothing more. */
    fx->opts.only = "domain.name";
    tm_resolver_t *res = make_resolver(fx, 0);
    done_log_t log = {.count = 0};
    assert_int_equal(
        tm_job_create(res, fx->rules, &fx->opts, NULL, "post.example", on_done, &log, &log.jobs[0]),
        TM_OK);
    assert_false(tm_job_complete(log.jobs[0]));
    tm_job_start(log.jobs[0]);
    assert_null(tm_job_take_result(log.jobs[0])); /* not before completion */
    assert_int_equal(tm_job_outstanding(log.jobs[0]), 2);
    tm_job_start(log.jobs[0]); /* a second start asks nothing twice */
    assert_int_equal(tm_job_outstanding(log.jobs[0]), 2);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_true(tm_job_complete(log.jobs[0]));
    assert_int_equal(log.count, 1);
    tm_result_t *r = tm_job_take_result(log.jobs[0]);
    assert_non_null(r);
    assert_int_equal(r->rounds, 1);
    assert_int_equal(r->findings.count, 1);
    assert_int_equal(r->verdict, TM_CHECK_PASS);
    assert_string_equal(r->company, "acme");
    tm_result_destroy(r);
    tm_job_destroy(log.jobs[0]);
    tm_resolver_destroy(res);
}

static void test_job_abort_and_destroy_while_waiting(void **state)
{
    job_fx_t *fx = *state;
    tm_resolver_t *res = make_resolver(fx, 0);
    done_log_t log = {.count = 0};
    assert_int_equal(
        tm_job_create(res, fx->rules, &fx->opts, NULL, "deep.example", on_done, &log, &log.jobs[0]),
        TM_OK);
    assert_int_equal(
        tm_job_create(res, fx->rules, &fx->opts, NULL, "post.example", on_done, &log, &log.jobs[1]),
        TM_OK);
    tm_job_start(log.jobs[0]);
    tm_job_start(log.jobs[1]);
    assert_true(tm_resolver_pending(res) > 0);

    /* Aborted: complete at once with the reason, its callbacks taken back. */
    tm_job_abort(log.jobs[0], TM_ENETWORK);
    assert_true(tm_job_complete(log.jobs[0]));
    assert_int_equal(tm_job_status(log.jobs[0]), TM_ENETWORK);
    assert_null(tm_job_take_result(log.jobs[0]));
    assert_int_equal(log.count, 1);
    tm_job_abort(log.jobs[0], TM_ENOMEM); /* no-op once complete */
    assert_int_equal(tm_job_status(log.jobs[0]), TM_ENETWORK);
    assert_int_equal(log.count, 1);
    tm_job_destroy(log.jobs[0]);
    /* Destroyed while waiting: nothing may reach it afterwards (ASan and
     * valgrind watch the run below). */
    tm_job_destroy(log.jobs[1]);
    assert_int_equal(tm_resolver_pending(res), 0);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(log.count, 1);
    tm_job_destroy(NULL);
    tm_resolver_destroy(res);
}

static void test_job_bad_arguments(void **state)
{
    job_fx_t *fx = *state;
    tm_resolver_t *res = make_resolver(fx, 0);
    tm_job_t *job = (tm_job_t *)&job; /* must be reset */
    assert_int_equal(tm_job_create(res, fx->rules, &fx->opts, NULL, NULL, NULL, NULL, &job),
                     TM_EINVAL);
    assert_int_equal(tm_job_create(NULL, fx->rules, &fx->opts, NULL, "a.example", NULL, NULL, &job),
                     TM_EINVAL);
    assert_false(tm_job_complete(NULL));
    assert_int_equal(tm_job_status(NULL), TM_EINVAL);
    assert_int_equal(tm_job_outstanding(NULL), 0);
    assert_null(tm_job_take_result(NULL));
    tm_job_start(NULL);
    tm_job_abort(NULL, TM_ENOMEM);
    tm_resolver_destroy(res);
}

/* ---- batches -------------------------------------------------------------------- */

#define BATCH_MAX 200

typedef struct {
    size_t n;                    /* items */
    const char *names[BATCH_MAX];/* NULL: an invalid line */
    size_t next_calls;           /* items handed to the batch so far */
    size_t emitted;
    size_t window;
    size_t order[BATCH_MAX];
    tm_status_t status[BATCH_MAX];
    tm_check_status_t verdict[BATCH_MAX];
    size_t started_at_first_emit;
    size_t stop_at;              /* emit fails at this index (SIZE_MAX: never) */
    bool check_window;
} batch_log_t;

static bool next_item(void *arg, size_t index, tm_batch_item_t *item)
{
    batch_log_t *log = arg;
    assert_int_equal(index, log->next_calls); /* asked in order, once each */
    if (index >= log->n)
        return false;
    /* Item k + window is never started before item k is emitted. */
    if (log->check_window && index >= log->emitted + log->window)
        fail_msg("item %zu started while item %zu is not emitted (window %zu)", index,
                 log->emitted, log->window);
    log->next_calls++;
    item->display = NULL;
    item->ascii = log->names[index];
    return true;
}

static tm_status_t emit_item(void *arg, size_t index, tm_status_t status, tm_result_t *result)
{
    batch_log_t *log = arg;
    if (log->emitted == 0)
        log->started_at_first_emit = log->next_calls;
    assert_true(index < log->next_calls);
    log->order[log->emitted] = index;
    log->status[index] = status;
    if (status == TM_OK) {
        assert_non_null(result);
        assert_string_equal(result->ascii, log->names[index]);
        log->verdict[index] = result->verdict;
    } else {
        assert_null(result);
    }
    tm_result_destroy(result);
    log->emitted++;
    return index == log->stop_at ? TM_EIO : TM_OK;
}

static void fill(batch_log_t *log, size_t n)
{
    memset(log, 0, sizeof(*log));
    log->n = n;
    log->stop_at = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        log->names[i] = kinds[i % 4];
}

static void test_batch_input_order_and_window(void **state)
{
    job_fx_t *fx = *state;
    tm_check_status_t want[4];
    for (size_t k = 0; k < 4; k++) {
        tm_result_t *r = reference(fx, kinds[k]);
        want[k] = r->verdict;
        tm_result_destroy(r);
    }
    /* The kinds differ in verdict, so an item emitted in the wrong place
     * would show. */
    assert_int_not_equal(want[0], want[3]);

    static batch_log_t log;
    fill(&log, 120);
    log.names[37] = NULL; /* an invalid line in the middle */
    log.window = 12;
    log.check_window = true;
    tm_resolver_t *res = make_resolver(fx, 0);
    tm_batch_options_t bo = {.jobs = 3, .window = 12};
    assert_int_equal(tm_run_batch(res, fx->rules, &fx->opts, &bo, next_item, emit_item, &log),
                     TM_OK);
    assert_int_equal(log.emitted, 120);
    for (size_t i = 0; i < 120; i++) {
        assert_int_equal(log.order[i], i);
        if (i == 37) {
            assert_int_equal(log.status[i], TM_EINVAL);
            continue;
        }
        assert_int_equal(log.status[i], TM_OK);
        assert_int_equal(log.verdict[i], want[i % 4]);
    }
    /* Streaming: the first result went out long before the input ended. */
    assert_true(log.started_at_first_emit <= 12);
    assert_int_equal(tm_resolver_pending(res), 0);
    tm_resolver_destroy(res);
}

static void test_batch_one_at_a_time(void **state)
{
    job_fx_t *fx = *state;
    static batch_log_t log;
    fill(&log, 9);
    log.window = 1;
    log.check_window = true;
    tm_resolver_t *res = make_resolver(fx, 0);
    tm_batch_options_t bo = {.jobs = 1, .window = 1};
    assert_int_equal(tm_run_batch(res, fx->rules, &fx->opts, &bo, next_item, emit_item, &log),
                     TM_OK);
    assert_int_equal(log.emitted, 9);
    assert_int_equal(log.started_at_first_emit, 1);
    for (size_t i = 0; i < 9; i++)
        assert_int_equal(log.order[i], i);
    tm_resolver_destroy(res);
}

static void test_batch_emit_stops(void **state)
{
    job_fx_t *fx = *state;
    static batch_log_t log;
    fill(&log, 50);
    log.stop_at = 3;
    tm_resolver_t *res = make_resolver(fx, 0);
    tm_batch_options_t bo = {.jobs = 4};
    assert_int_equal(tm_run_batch(res, fx->rules, &fx->opts, &bo, next_item, emit_item, &log),
                     TM_EIO);
    assert_int_equal(log.emitted, 4);
    assert_true(log.next_calls < 50);
    /* the jobs dropped unreported left no callback behind */
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(log.emitted, 4);
    tm_resolver_destroy(res);
}

/* The DNS server cannot be reached (nothing listens on its port): the batch
 * stops at once, emits what was complete before (here the invalid first
 * line), never a domain judged on answers that are no DNS message, and
 * says why through the resolver, once. */
static void test_batch_transport_failure(void **state)
{
    job_fx_t *fx = *state;
    char server[32];
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof(sa);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);
    snprintf(server, sizeof(server), "127.0.0.1:%u", ntohs(sa.sin_port));
    const char *servers[1] = {server};
    const char *zones[2] = {fx->paths[0], fx->paths[1]};
    /* The zones answer the domains; the TMEmS SPF record needs DNS. */
    tm_resolver_options_t ro = {.servers = servers, .nservers = 1, .zone_files = zones,
                                .nzones = 2, .records = fx->records};
    tm_resolver_t *res = NULL;
    assert_int_equal(tm_resolver_create(&ro, &res, NULL, 0), TM_OK);
    tm_check_options_t opts = fx->opts;
    opts.offline = false;
    static batch_log_t log;
    fill(&log, 40);
    log.names[0] = NULL;
    tm_batch_options_t bo = {.jobs = 3};
    assert_int_equal(tm_run_batch(res, fx->rules, &opts, &bo, next_item, emit_item, &log),
                     TM_ENETWORK);
    assert_int_equal(log.emitted, 1);
    assert_int_equal(log.status[0], TM_EINVAL);
    assert_true(log.next_calls < 40);
    assert_int_equal(tm_resolver_failure_kind(res), TM_RESOLVER_UNREACHABLE);
    char want[96];
    snprintf(want, sizeof(want), "cannot reach the DNS server %s: connection refused", server);
    assert_string_equal(tm_resolver_failure(res), want);
    tm_resolver_destroy(res);
}

static void test_batch_empty_and_bad_arguments(void **state)
{
    job_fx_t *fx = *state;
    static batch_log_t log;
    fill(&log, 0);
    tm_resolver_t *res = make_resolver(fx, 0);
    assert_int_equal(tm_run_batch(res, fx->rules, &fx->opts, NULL, next_item, emit_item, &log),
                     TM_OK);
    assert_int_equal(log.emitted, 0);
    assert_int_equal(tm_run_batch(res, fx->rules, &fx->opts, NULL, NULL, emit_item, &log),
                     TM_EINVAL);
    assert_int_equal(tm_run_batch(NULL, fx->rules, &fx->opts, NULL, next_item, emit_item, &log),
                     TM_EINVAL);
    tm_resolver_destroy(res);
}

/* A small cache: most answers are evicted while the batch runs, yet every
 * result is what the domain gets alone (the rrsets hold their own
 * references), and the shared TMEmS answers are asked once. */
static void test_batch_small_cache(void **state)
{
    job_fx_t *fx = *state;
    static batch_log_t log;
    fill(&log, 80);
    tm_check_status_t want[4];
    for (size_t k = 0; k < 4; k++) {
        tm_result_t *r = reference(fx, kinds[k]);
        want[k] = r->verdict;
        tm_result_destroy(r);
    }
    /* distinct names per item: c<i>.example are NXDOMAIN in the zone */
    static char names[80][32];
    for (size_t i = 0; i < 80; i += 2) {
        snprintf(names[i], sizeof(names[i]), "c%zu.example", i);
        log.names[i] = names[i];
    }
    tm_resolver_t *res = make_resolver(fx, 16);
    tm_batch_options_t bo = {.jobs = 4};
    assert_int_equal(tm_run_batch(res, fx->rules, &fx->opts, &bo, next_item, emit_item, &log),
                     TM_OK);
    assert_int_equal(log.emitted, 80);
    for (size_t i = 1; i < 80; i += 2)
        assert_int_equal(log.verdict[i], want[i % 4]);
    for (size_t i = 0; i < 80; i += 2)
        assert_int_equal(log.verdict[i], TM_CHECK_FAIL); /* NXDOMAIN */
    tm_resolver_stats_t stats;
    tm_resolver_stats(res, &stats);
    assert_true(stats.evicted > 0);
    tm_resolver_destroy(res);
}

static void test_batch_oom(void **state)
{
    job_fx_t *fx = *state;
    static batch_log_t log;
    unsigned failures = 0;
    for (unsigned long n = 1;; n++) {
        fill(&log, 6);
        log.names[4] = NULL;
        tm_resolver_t *res = make_resolver(fx, 0);
        tm_batch_options_t bo = {.jobs = 2};
        tm_alloc_count_reset();
        tm_alloc_fail_after(n);
        tm_status_t st = tm_run_batch(res, fx->rules, &fx->opts, &bo, next_item, emit_item, &log);
        bool hit = tm_alloc_count() >= n;
        tm_alloc_fail_after(0);
        tm_resolver_destroy(res);
        if (st == TM_ENOMEM) {
            /* only the batch's own slots: nothing was started */
            assert_int_equal(log.emitted, 0);
        } else {
            assert_int_equal(st, TM_OK);
            /* every item is emitted once, in order, whatever failed */
            assert_int_equal(log.emitted, 6);
            for (size_t i = 0; i < 6; i++) {
                assert_int_equal(log.order[i], i);
                if (i == 4)
                    assert_int_equal(log.status[i], TM_EINVAL);
                else if (log.status[i] != TM_OK)
                    assert_int_equal(log.status[i], TM_ENOMEM);
            }
        }
        if (!hit) {
            for (size_t i = 0; i < 6; i++)
                assert_int_equal(log.status[i], i == 4 ? TM_EINVAL : TM_OK);
            break;
        }
        failures++;
        assert_true(n < 20000);
    }
    assert_true(failures > 50);
}

/* ---- the result of an invalid line ------------------------------------------------ */

static void test_result_invalid_name(void **state)
{
    (void)state;
    tm_result_t *r = NULL;
    assert_int_equal(tm_result_invalid_name("exa mple.com", "a space is not allowed", &r), TM_OK);
    assert_non_null(r);
    assert_string_equal(r->domain, "exa mple.com");
    assert_null(r->ascii);
    assert_null(r->rrset);
    assert_null(r->company);
    assert_int_equal(r->verdict, TM_CHECK_FAIL);
    assert_int_equal(r->findings.count, 1);
    const tm_finding_t *f = &r->findings.items[0];
    assert_string_equal(f->id, "domain.name");
    assert_int_equal(f->section, TM_SECTION_DOMAIN);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_non_null(strstr(f->summary, "'exa mple.com'"));
    assert_string_equal(f->detail, "a space is not allowed");
    assert_non_null(f->fix);
    tm_result_destroy(r);

    assert_int_equal(tm_result_invalid_name("x", NULL, &r), TM_OK);
    assert_null(r->findings.items[0].detail);
    tm_result_destroy(r);
    assert_int_equal(tm_result_invalid_name(NULL, NULL, &r), TM_EINVAL);

    unsigned failures = 0;
    for (unsigned long n = 1;; n++) {
        r = NULL;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_result_invalid_name("bad..name", "an empty label", &r);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            tm_result_destroy(r);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_null(r);
        failures++;
    }
    assert_true(failures >= 4);
}

static void test_result_not_covered(void **state)
{
    (void)state;
    tm_result_t *r = NULL;
    const char *why = "--offline: no zone file holds other.example";
    assert_int_equal(tm_result_not_covered("other.example", "other.example", why, &r), TM_OK);
    assert_non_null(r);
    assert_string_equal(r->domain, "other.example");
    assert_string_equal(r->ascii, "other.example");
    assert_null(r->rrset);
    assert_int_equal(r->verdict, TM_CHECK_FAIL);
    assert_int_equal(r->findings.count, 1);
    const tm_finding_t *f = &r->findings.items[0];
    assert_string_equal(f->id, "domain.exists");
    assert_int_equal(f->section, TM_SECTION_DOMAIN);
    assert_int_equal(f->status, TM_CHECK_FAIL);
    assert_non_null(strstr(f->summary, "other.example"));
    assert_non_null(strstr(f->summary, "offline"));
    assert_string_equal(f->detail, why);
    assert_non_null(strstr(f->fix, "--zone"));
    assert_null(f->fix_records);
    tm_result_destroy(r);
    assert_int_equal(tm_result_not_covered("a.example", NULL, why, &r), TM_EINVAL);
    assert_int_equal(tm_result_not_covered(NULL, "a.example", why, &r), TM_EINVAL);

    unsigned failures = 0;
    for (unsigned long n = 1;; n++) {
        r = NULL;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_result_not_covered("例え.jp", "xn--r8jz45g.jp", why, &r);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            tm_result_destroy(r);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_null(r);
        failures++;
    }
    assert_true(failures >= 5);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_jobs_interleaved_match_run_domain),
        T(test_job_apex_only_one_round),
        T(test_job_abort_and_destroy_while_waiting),
        T(test_job_bad_arguments),
        T(test_batch_input_order_and_window),
        T(test_batch_one_at_a_time),
        T(test_batch_emit_stops),
        T(test_batch_transport_failure),
        T(test_batch_empty_and_bad_arguments),
        T(test_batch_small_cache),
        T(test_batch_oom),
        T(test_result_invalid_name),
        T(test_result_not_covered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
