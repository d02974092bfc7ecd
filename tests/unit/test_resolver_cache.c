/* test_resolver_cache.c - the resolver cache stays bounded over a long batch:
 * second-chance eviction past its capacity keeps the answers many domains
 * ask (the TMEmS names) and drops the ones nobody asked again, never frees
 * an answer a caller still holds or one not yet handed out, and
 * tm_resolver_cancel takes back a caller's callbacks.  Offline, over a zone
 * file this test writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmems/tm_resolve.h"

#define NAMES 100

typedef struct {
    char dir[64];
    char path[128];
} cache_fx_t;

static int setup(void **state)
{
    cache_fx_t *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    strcpy(fx->dir, "/tmp/tm_cache_XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof(fx->path), "%s/cache.zone", fx->dir);
    FILE *f = fopen(fx->path, "w");
    if (!f)
        return -1;
    fprintf(f, "$ORIGIN cache.test.\n$TTL 300\n"
               "@ IN SOA ns1 hostmaster 1 3600 900 604800 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\n"
               "shared IN TXT \"asked by every domain\"\n");
    for (int i = 0; i < NAMES; i++)
        fprintf(f, "n%d IN TXT \"value %d\"\n", i, i);
    fclose(f);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    cache_fx_t *fx = *state;
    unlink(fx->path);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

static tm_resolver_t *make(cache_fx_t *fx, size_t capacity)
{
    const char *zones[1] = {fx->path};
    tm_resolver_options_t ro = {.offline = true, .zone_files = zones, .nzones = 1,
                                .cache_entries = capacity};
    tm_resolver_t *res = NULL;
    char err[256] = "";
    if (tm_resolver_create(&ro, &res, err, sizeof(err)) != TM_OK)
        fail_msg("resolver: %s", err);
    return res;
}

/* Keeps every answer it gets (a caller holding its references). */
typedef struct {
    tm_answer_t *got[4 * NAMES];
    size_t count;
} keep_t;

static void on_keep(void *arg, tm_answer_t *answer_own)
{
    keep_t *k = arg;
    assert_true(k->count < 4 * NAMES);
    k->got[k->count++] = answer_own;
}

static void keep_clear(keep_t *k)
{
    for (size_t i = 0; i < k->count; i++)
        tm_answer_unref(k->got[i]);
    k->count = 0;
}

static void assert_txt(const tm_answer_t *a, const char *name, const char *text)
{
    assert_non_null(a);
    assert_string_equal(a->name, name);
    assert_int_equal(a->outcome, TM_DNS_NOERROR);
    assert_int_equal(a->count, 1);
    assert_int_equal(a->rrs[0].u.txt.len, strlen(text));
    assert_memory_equal(a->rrs[0].u.txt.data, text, strlen(text));
}

static void test_shared_kept_others_evicted(void **state)
{
    cache_fx_t *fx = *state;
    tm_resolver_t *res = make(fx, 8);
    static keep_t k;
    k.count = 0;
    char name[64];
    /* Each "domain" asks the shared name and one of its own. */
    for (int i = 0; i < NAMES; i++) {
        snprintf(name, sizeof(name), "n%d.cache.test", i);
        assert_int_equal(tm_resolver_submit(res, "shared.cache.test", TM_RR_TXT, on_keep, &k),
                         TM_OK);
        assert_int_equal(tm_resolver_submit(res, name, TM_RR_TXT, on_keep, &k), TM_OK);
        assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    }
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    /* the shared name was answered once and then always from the cache */
    assert_int_equal(st.zone_answers, NAMES + 1);
    assert_int_equal(st.cache_hits, NAMES - 1);
    /* the cache held at most 8: the other names went */
    assert_true(st.evicted >= NAMES + 1 - 8);
    assert_true(st.evicted <= NAMES);

    /* every answer handed out is intact although its entry is gone */
    assert_int_equal(k.count, 2 * NAMES);
    for (int i = 0; i < NAMES; i++) {
        char text[32];
        snprintf(name, sizeof(name), "n%d.cache.test", i);
        snprintf(text, sizeof(text), "value %d", i);
        assert_txt(k.got[2 * i], "shared.cache.test", "asked by every domain");
        assert_txt(k.got[2 * i + 1], name, text);
    }
    keep_clear(&k);

    /* an evicted name asked again is answered again, the same */
    assert_int_equal(tm_resolver_submit(res, "n0.cache.test", TM_RR_TXT, on_keep, &k), TM_OK);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    tm_resolver_stats(res, &st);
    assert_int_equal(st.zone_answers, NAMES + 2);
    assert_txt(k.got[0], "n0.cache.test", "value 0");
    keep_clear(&k);
    tm_resolver_destroy(res);
}

static void test_undelivered_never_evicted(void **state)
{
    cache_fx_t *fx = *state;
    tm_resolver_t *res = make(fx, 4);
    static keep_t k;
    k.count = 0;
    char name[64];
    /* 20 answers wait for the loop: none may go, whatever the capacity */
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "n%d.cache.test", i);
        assert_int_equal(tm_resolver_submit(res, name, TM_RR_TXT, on_keep, &k), TM_OK);
    }
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.evicted, 0);
    assert_int_equal(tm_resolver_pending(res), 20);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(k.count, 20);
    for (int i = 0; i < 20; i++) {
        char text[32];
        snprintf(name, sizeof(name), "n%d.cache.test", i);
        snprintf(text, sizeof(text), "value %d", i);
        assert_txt(k.got[i], name, text);
    }
    /* handed out now: the next question makes room */
    assert_int_equal(tm_resolver_submit(res, "n50.cache.test", TM_RR_TXT, on_keep, &k), TM_OK);
    tm_resolver_stats(res, &st);
    assert_true(st.evicted > 0);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_txt(k.got[20], "n50.cache.test", "value 50");
    keep_clear(&k);
    tm_resolver_destroy(res);
}

/* Submits from inside a callback while the cache is full: the answer being
 * delivered, and the ones queued behind it, must survive the eviction. */
typedef struct {
    tm_resolver_t *res;
    keep_t *keep;
    int next, end;
} chain_t;

static void on_chain(void *arg, tm_answer_t *answer_own)
{
    chain_t *c = arg;
    on_keep(c->keep, answer_own);
    if (c->next < c->end) {
        char name[64];
        snprintf(name, sizeof(name), "n%d.cache.test", c->next++);
        assert_int_equal(tm_resolver_submit(c->res, name, TM_RR_TXT, on_chain, c), TM_OK);
    }
}

static void test_submit_from_callback(void **state)
{
    cache_fx_t *fx = *state;
    tm_resolver_t *res = make(fx, 2);
    static keep_t k;
    k.count = 0;
    chain_t c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = (chain_t){.res = res, .keep = &k, .next = 10 + 30 * i, .end = 40 + 30 * i};
        assert_int_equal(tm_resolver_submit(res, "shared.cache.test", TM_RR_TXT, on_chain, &c[i]),
                         TM_OK);
    }
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    /* 3 shared + n10..n99, three chains of 30 */
    assert_int_equal(k.count, 3 + 90);
    for (size_t i = 0; i < k.count; i++)
        assert_int_equal(k.got[i]->outcome, TM_DNS_NOERROR);
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_true(st.evicted > 80);
    keep_clear(&k);
    tm_resolver_destroy(res);
}

typedef struct {
    int calls;
} count_t;

static void on_count(void *arg, tm_answer_t *answer_own)
{
    ((count_t *)arg)->calls++;
    tm_answer_unref(answer_own);
}

static void test_cancel(void **state)
{
    cache_fx_t *fx = *state;
    tm_resolver_t *res = make(fx, 0);
    count_t a = {0}, b = {0};
    assert_int_equal(tm_resolver_submit(res, "n1.cache.test", TM_RR_TXT, on_count, &a), TM_OK);
    assert_int_equal(tm_resolver_submit(res, "n2.cache.test", TM_RR_TXT, on_count, &a), TM_OK);
    assert_int_equal(tm_resolver_submit(res, "n1.cache.test", TM_RR_TXT, on_count, &b), TM_OK);
    assert_int_equal(tm_resolver_submit(res, "n3.cache.test", TM_RR_TXT, on_count, &b), TM_OK);
    assert_int_equal(tm_resolver_pending(res), 4);
    tm_resolver_cancel(res, on_count, &a);
    assert_int_equal(tm_resolver_pending(res), 2);
    tm_resolver_cancel(res, on_count, &a); /* nothing left: no-op */
    tm_resolver_cancel(NULL, on_count, &a);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(a.calls, 0);
    assert_int_equal(b.calls, 2);
    /* the cancelled questions' answers stay cached */
    assert_int_equal(tm_resolver_submit(res, "n2.cache.test", TM_RR_TXT, on_count, &b), TM_OK);
    assert_int_equal(tm_resolver_run(res, -1), TM_OK);
    assert_int_equal(b.calls, 3);
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    assert_int_equal(st.zone_answers, 3);
    tm_resolver_destroy(res);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_shared_kept_others_evicted),
        T(test_undelivered_never_evicted),
        T(test_submit_from_callback),
        T(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
