/* ctx.c - the evaluation context: selected and parsed records per domain,
 * so that check_host over 512 addresses, or a redirect loop visiting the
 * same record ten times, parses each record once.  Only answers present in
 * the rrset are cached; they never change (tm_rrset_put_own keeps the first
 * answer), so the cache survives the caller adding answers between rounds. */
#include <string.h>

#include "spf_internal.h"

struct tm_spf_ctx {
    const tm_rrset_t *rrset;
    spf_entry_t **slots; /* open addressing; NULL = empty */
    size_t nslots;       /* a power of two, kept at most half full */
    size_t count;
};

tm_spf_ctx_t *tm_spf_ctx_create(const tm_rrset_t *rrset)
{
    tm_spf_ctx_t *ctx = tm_calloc(1, sizeof(*ctx));
    if (ctx)
        ctx->rrset = rrset;
    return ctx;
}

static void entry_destroy(spf_entry_t *e)
{
    if (!e)
        return;
    tm_spf_record_destroy(e->record);
    tm_spf_partial_clear(&e->partial);
    tm_free(e->domain);
    tm_free(e);
}

void tm_spf_ctx_destroy(tm_spf_ctx_t *ctx)
{
    if (!ctx)
        return;
    for (size_t i = 0; i < ctx->nslots; i++)
        entry_destroy(ctx->slots[i]);
    tm_free(ctx->slots);
    tm_free(ctx);
}

const tm_rrset_t *tm_spf_ctx_rrset(const tm_spf_ctx_t *ctx) { return ctx->rrset; }

static uint64_t hash_name(const char *s) { return tm_fnv1a(TM_FNV1A_INIT, s, strlen(s)); }

static spf_entry_t **find_slot(tm_spf_ctx_t *ctx, const char *key, uint64_t h)
{
    size_t mask = ctx->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        spf_entry_t *e = ctx->slots[i];
        if (!e || (e->hash == h && strcmp(e->domain, key) == 0))
            return &ctx->slots[i];
    }
}

static tm_status_t grow(tm_spf_ctx_t *ctx)
{
    size_t nslots = ctx->nslots ? ctx->nslots * 2 : 16;
    spf_entry_t **slots = tm_calloc(nslots, sizeof(*slots));
    if (!slots)
        return TM_ENOMEM;
    spf_entry_t **old = ctx->slots;
    size_t nold = ctx->nslots;
    ctx->slots = slots;
    ctx->nslots = nslots;
    for (size_t i = 0; i < nold; i++) {
        if (old[i])
            *find_slot(ctx, old[i]->domain, old[i]->hash) = old[i];
    }
    tm_free(old);
    return TM_OK;
}

static tm_status_t entry_fill(spf_entry_t *e)
{
    e->selection = tm_spf_select(e->answer, &e->rr, &e->nrecords);
    if (e->selection != TM_SPF_SEL_ONE)
        return TM_OK;
    tm_status_t st = tm_spf_parse(e->rr->u.txt.data, e->rr->u.txt.len, &e->record, &e->error);
    if (st != TM_EPARSE)
        return st;
    /* Only the report reads the partial parse; check_host never does. */
    return tm_spf_parse_partial(e->rr->u.txt.data, e->rr->u.txt.len, &e->partial);
}

const spf_entry_t *spf_ctx_entry(tm_spf_ctx_t *ctx, const char *domain, tm_status_t *st)
{
    char key[TM_NAME_MAX + 1];
    *st = TM_OK;
    if (!spf_name_copy(domain, strlen(domain), key))
        return NULL;
    uint64_t h = hash_name(key);
    if (ctx->nslots) {
        spf_entry_t *found = *find_slot(ctx, key, h);
        if (found)
            return found;
    }
    const tm_answer_t *ans = tm_rrset_get(ctx->rrset, key, TM_RR_TXT);
    if (!ans)
        return NULL;
    if ((ctx->count + 1) * 2 > ctx->nslots && (*st = grow(ctx)) != TM_OK)
        return NULL;
    spf_entry_t *e = tm_calloc(1, sizeof(*e));
    if (!e || !(e->domain = tm_strdup(key))) {
        tm_free(e);
        *st = TM_ENOMEM;
        return NULL;
    }
    e->hash = h;
    e->answer = ans;
    if ((*st = entry_fill(e)) != TM_OK) {
        entry_destroy(e);
        return NULL;
    }
    *find_slot(ctx, key, h) = e;
    ctx->count++;
    return e;
}
