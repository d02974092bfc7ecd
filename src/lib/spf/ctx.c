/* ctx.c - the evaluation context: selected and parsed records per domain,
 * so that check_host over 512 addresses, or a redirect loop visiting the
 * same record ten times, parses each record once.  Only answers present in
 * the rrset are cached; they never change (tm_rrset_put_own keeps the first
 * answer), so the cache survives the caller adding answers between rounds.
 * Parses are shared by record text as well: a wildcard TXT record answers
 * for every name a macro (%{i}) builds, one name per address evaluated, and
 * is parsed once, not once per name. */
#include <string.h>

#include "spf_internal.h"

/* One parse, shared by every entry whose selected record has this text. */
typedef struct {
    const char *text;           /* owned by the rrset */
    size_t len;
    uint64_t hash;
    tm_spf_record_t *record;
    tm_spf_parse_error_t error;
    tm_spf_partial_t partial;
} parsed_t;

/* Open addressing, kept at most half full; NULL = empty. */
typedef struct {
    void **slots;
    size_t nslots; /* a power of two */
    size_t count;
} table_t;

struct tm_spf_ctx {
    const tm_rrset_t *rrset;
    table_t entries; /* spf_entry_t, by domain */
    table_t parses;  /* parsed_t, by record text */
};

tm_spf_ctx_t *tm_spf_ctx_create(const tm_rrset_t *rrset)
{
    tm_spf_ctx_t *ctx = tm_calloc(1, sizeof(*ctx));
    if (ctx)
        ctx->rrset = rrset;
    return ctx;
}

/* The record, error and partial parse an entry shows are its parse's. */
static void entry_destroy(spf_entry_t *e)
{
    if (!e)
        return;
    tm_free(e->domain);
    tm_free(e);
}

static void parsed_destroy(parsed_t *p)
{
    if (!p)
        return;
    tm_spf_record_destroy(p->record);
    tm_spf_partial_clear(&p->partial);
    tm_free(p);
}

void tm_spf_ctx_destroy(tm_spf_ctx_t *ctx)
{
    if (!ctx)
        return;
    for (size_t i = 0; i < ctx->entries.nslots; i++)
        entry_destroy(ctx->entries.slots[i]);
    for (size_t i = 0; i < ctx->parses.nslots; i++)
        parsed_destroy(ctx->parses.slots[i]);
    tm_free(ctx->entries.slots);
    tm_free(ctx->parses.slots);
    tm_free(ctx);
}

const tm_rrset_t *tm_spf_ctx_rrset(const tm_spf_ctx_t *ctx) { return ctx->rrset; }

/* The slot of key in t: where it is, or the empty slot where it goes.
 * same(item, key) tells the item for key among those of the same hash. */
static void **find_slot(const table_t *t, const void *key, uint64_t h,
                        uint64_t (*hash_of)(const void *item),
                        bool (*same)(const void *item, const void *key))
{
    size_t mask = t->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        void *item = t->slots[i];
        if (!item || (hash_of(item) == h && same(item, key)))
            return &t->slots[i];
    }
}

/* Room for one more item: the table doubled (rehashed) when it would be
 * more than half full. */
static tm_status_t reserve(table_t *t, uint64_t (*hash_of)(const void *item))
{
    if ((t->count + 1) * 2 <= t->nslots)
        return TM_OK;
    size_t nslots = t->nslots ? t->nslots * 2 : 16;
    void **slots = tm_calloc(nslots, sizeof(*slots));
    if (!slots)
        return TM_ENOMEM;
    for (size_t i = 0; i < t->nslots; i++) {
        void *item = t->slots[i];
        if (!item)
            continue;
        size_t mask = nslots - 1, k = (size_t)hash_of(item) & mask;
        while (slots[k])
            k = (k + 1) & mask;
        slots[k] = item;
    }
    tm_free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return TM_OK;
}

static uint64_t entry_hash(const void *item) { return ((const spf_entry_t *)item)->hash; }

static bool entry_is(const void *item, const void *key)
{
    return strcmp(((const spf_entry_t *)item)->domain, key) == 0;
}

typedef struct {
    const char *text;
    size_t len;
} text_key_t;

static uint64_t parsed_hash(const void *item) { return ((const parsed_t *)item)->hash; }

static bool parsed_is(const void *item, const void *key)
{
    const parsed_t *p = item;
    const text_key_t *k = key;
    return p->len == k->len && memcmp(p->text, k->text, k->len) == 0;
}

/* The parse of text (the selected record of an answer), made on first use. */
static const parsed_t *parse_of(tm_spf_ctx_t *ctx, const char *text, size_t len, tm_status_t *st)
{
    text_key_t key = {text, len};
    uint64_t h = tm_fnv1a(TM_FNV1A_INIT, text, len);
    if (ctx->parses.nslots) {
        parsed_t *found = *find_slot(&ctx->parses, &key, h, parsed_hash, parsed_is);
        if (found)
            return found;
    }
    if ((*st = reserve(&ctx->parses, parsed_hash)) != TM_OK)
        return NULL;
    parsed_t *p = tm_calloc(1, sizeof(*p));
    if (!p) {
        *st = TM_ENOMEM;
        return NULL;
    }
    *p = (parsed_t){.text = text, .len = len, .hash = h};
    *st = tm_spf_parse(text, len, &p->record, &p->error);
    /* Only the report reads the partial parse; check_host never does. */
    if (*st == TM_EPARSE)
        *st = tm_spf_parse_partial(text, len, &p->partial);
    if (*st != TM_OK) {
        parsed_destroy(p);
        return NULL;
    }
    *find_slot(&ctx->parses, &key, h, parsed_hash, parsed_is) = p;
    ctx->parses.count++;
    return p;
}

static tm_status_t entry_fill(tm_spf_ctx_t *ctx, spf_entry_t *e)
{
    e->selection = tm_spf_select(e->answer, &e->rr, &e->nrecords);
    if (e->selection != TM_SPF_SEL_ONE)
        return TM_OK;
    tm_status_t st = TM_OK;
    const parsed_t *p = parse_of(ctx, e->rr->u.txt.data, e->rr->u.txt.len, &st);
    if (!p)
        return st;
    e->record = p->record;
    e->error = p->error;
    e->partial = p->partial;
    return TM_OK;
}

const spf_entry_t *spf_ctx_entry(tm_spf_ctx_t *ctx, const char *domain, tm_status_t *st)
{
    char key[TM_NAME_MAX + 1];
    *st = TM_OK;
    if (!spf_name_copy(domain, strlen(domain), key))
        return NULL;
    uint64_t h = tm_fnv1a(TM_FNV1A_INIT, key, strlen(key));
    if (ctx->entries.nslots) {
        spf_entry_t *found = *find_slot(&ctx->entries, key, h, entry_hash, entry_is);
        if (found)
            return found;
    }
    const tm_answer_t *ans = tm_rrset_get(ctx->rrset, key, TM_RR_TXT);
    if (!ans)
        return NULL;
    if ((*st = reserve(&ctx->entries, entry_hash)) != TM_OK)
        return NULL;
    spf_entry_t *e = tm_calloc(1, sizeof(*e));
    if (!e || !(e->domain = tm_strdup(key))) {
        tm_free(e);
        *st = TM_ENOMEM;
        return NULL;
    }
    e->hash = h;
    e->answer = ans;
    if ((*st = entry_fill(ctx, e)) != TM_OK) {
        entry_destroy(e);
        return NULL;
    }
    *find_slot(&ctx->entries, key, h, entry_hash, entry_is) = e;
    ctx->entries.count++;
    return e;
}
