/* ask.c - questions for one server, asked fresh through a resolver of its
 * own running inside another resolver's event loop (tm_ask.h).  The same
 * pattern as the authoritative probe (auth.c), for any list of questions
 * and any transport: RD=0 for a name server (RFC 1035 section 4.1.1), RD=1
 * for a resolver; TCP after a truncated UDP answer comes from the
 * resolver (RFC 7766 section 5). */
#include <string.h>

#include "tmems/tm_ask.h"
#include "tmems/tm_i18n.h"

typedef struct {
    struct tm_ask *ask;
    size_t index;
    bool done;
} slot_t;

struct tm_ask {
    tm_resolver_t *loop;
    tm_resolver_t *res;
    tm_poll_source_t src;
    bool attached;
    size_t n, outstanding;
    char **names;
    uint16_t *types;
    tm_answer_t **answers;
    slot_t *slots;
    tm_resolver_call_t call;
    void (*done)(void *arg);
    void *arg;
};

static void finished(void *arg)
{
    struct tm_ask *a = arg;
    if (a->done)
        a->done(a->arg);
}

static void on_answer(void *arg, tm_answer_t *answer_own)
{
    slot_t *slot = arg;
    struct tm_ask *a = slot->ask;
    if (slot->done) {
        tm_answer_unref(answer_own);
        return;
    }
    a->answers[slot->index] = answer_own;
    slot->done = true;
    if (--a->outstanding == 0) {
        /* Leaving the loop here is allowed (a source may detach itself from
         * its handle); destroying the resolver is not: done comes later. */
        if (a->attached) {
            tm_resolver_detach(a->loop, &a->src);
            a->attached = false;
        }
        tm_resolver_post(a->loop, &a->call);
    }
}

static tm_status_t fail_all(struct tm_ask *a, const char *reason)
{
    for (size_t i = 0; i < a->n; i++) {
        tm_answer_t *ans = tm_answer_create(a->names[i], a->types[i], TM_DNS_UNREACHABLE);
        if (!ans || tm_answer_set_error(ans, reason) != TM_OK) {
            tm_answer_unref(ans);
            return TM_ENOMEM;
        }
        a->answers[i] = ans;
        a->slots[i].done = true;
    }
    a->outstanding = 0;
    tm_resolver_post(a->loop, &a->call);
    return TM_OK;
}

tm_status_t tm_ask_start(tm_resolver_t *loop, const tm_resolver_options_t *server_opts,
                         const tm_ask_question_t *questions, size_t n, void (*done)(void *arg),
                         void *arg, tm_ask_t **out)
{
    if (!loop || !server_opts || !out || (n > 0 && !questions) || n > TM_ASK_MAX_QUESTIONS)
        return TM_EINVAL;
    *out = NULL;
    struct tm_ask *a = tm_calloc(1, sizeof(*a));
    if (!a)
        return TM_ENOMEM;
    a->loop = loop;
    a->n = n;
    /* Called from the loop only (tm_resolver_post), never from here. */
    a->done = done;
    a->arg = arg;
    a->call.fn = finished;
    a->call.arg = a;
    size_t cells = n ? n : 1;
    a->names = tm_calloc(cells, sizeof(*a->names));
    a->types = tm_calloc(cells, sizeof(*a->types));
    a->answers = tm_calloc(cells, sizeof(*a->answers));
    a->slots = tm_calloc(cells, sizeof(*a->slots));
    tm_status_t st = a->names && a->types && a->answers && a->slots ? TM_OK : TM_ENOMEM;
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        a->types[i] = questions[i].type;
        a->slots[i] = (slot_t){a, i, false};
        if (!(a->names[i] = tm_strdup(questions[i].name)))
            st = TM_ENOMEM;
    }
    if (st != TM_OK)
        goto fail;

    tm_resolver_options_t ro = *server_opts;
    ro.zone_files = NULL;
    ro.nzones = 0;
    ro.records = NULL;
    ro.offline = false;
    ro.deadline_ms = 0; /* the loop's owner bounds the whole */
    ro.cache_entries = 0;
    char err[256] = "";
    st = tm_resolver_create(&ro, &a->res, err, sizeof(err));
    if (st == TM_ENOMEM)
        goto fail;
    if (st != TM_OK) {
        a->res = NULL;
        st = fail_all(a, err[0] ? err : _("cannot set up the DNS transport"));
        if (st != TM_OK)
            goto fail;
        *out = a;
        return TM_OK;
    }
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        st = tm_resolver_submit(a->res, a->names[i], a->types[i], on_answer, &a->slots[i]);
        if (st == TM_OK)
            a->outstanding++;
    }
    if (st == TM_OK && n > 0) {
        tm_resolver_as_source(a->res, &a->src);
        st = tm_resolver_attach(loop, &a->src);
        a->attached = st == TM_OK;
    }
    if (st != TM_OK)
        goto fail;
    if (n == 0)
        tm_resolver_post(loop, &a->call);
    *out = a;
    return TM_OK;
fail:
    tm_ask_destroy(a);
    return st;
}

bool tm_ask_done(const tm_ask_t *a) { return !a || a->outstanding == 0; }

size_t tm_ask_count(const tm_ask_t *a) { return a ? a->n : 0; }

const tm_answer_t *tm_ask_answer(const tm_ask_t *a, size_t i)
{
    return a && i < a->n ? a->answers[i] : NULL;
}

void tm_ask_destroy(tm_ask_t *a)
{
    if (!a)
        return;
    if (a->attached)
        tm_resolver_detach(a->loop, &a->src);
    tm_resolver_unpost(a->loop, &a->call);
    if (a->res) {
        for (size_t i = 0; i < a->n; i++) {
            if (!a->slots[i].done) {
                tm_resolver_cancel(a->res, on_answer, &a->slots[i]);
                a->slots[i].done = true;
            }
        }
        tm_resolver_destroy(a->res);
    }
    for (size_t i = 0; a->names && i < a->n; i++) {
        tm_free(a->names[i]);
        if (a->answers)
            tm_answer_unref(a->answers[i]);
    }
    tm_free(a->names);
    tm_free(a->types);
    tm_free(a->answers);
    tm_free(a->slots);
    tm_free(a);
}
