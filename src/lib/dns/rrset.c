/* rrset.c - the record set the judge reads: answers indexed by (name, type)
 * in an open-addressing hash table, kept in insertion order for output. */
#include <string.h>

#include "tmems/tm_dns.h"

struct tm_rrset {
    tm_answer_t **answers; /* insertion order */
    size_t count;
    size_t cap;
    size_t *slots;         /* index + 1 into answers; 0 = empty */
    size_t nslots;         /* a power of two, kept at most half full */
};

static size_t key_hash(const char *name, uint16_t type) { return (size_t)tm_name_hash(name, type); }

static bool key_equal(const tm_answer_t *ans, const char *name, uint16_t type)
{
    return ans->type == type && tm_name_equal(ans->name, name);
}

tm_rrset_t *tm_rrset_create(void) { return tm_calloc(1, sizeof(tm_rrset_t)); }

void tm_rrset_destroy(tm_rrset_t *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++)
        tm_answer_unref(set->answers[i]);
    tm_free(set->answers);
    tm_free(set->slots);
    tm_free(set);
}

static size_t *find_slot(const tm_rrset_t *set, const char *name, uint16_t type)
{
    if (set->nslots == 0)
        return NULL;
    size_t mask = set->nslots - 1;
    for (size_t i = key_hash(name, type) & mask;; i = (i + 1) & mask) {
        size_t *slot = &set->slots[i];
        if (*slot == 0 || key_equal(set->answers[*slot - 1], name, type))
            return slot;
    }
}

static tm_status_t rehash(tm_rrset_t *set, size_t nslots)
{
    size_t *slots = tm_calloc(nslots, sizeof(*slots));
    if (!slots)
        return TM_ENOMEM;
    tm_free(set->slots);
    set->slots = slots;
    set->nslots = nslots;
    for (size_t i = 0; i < set->count; i++) {
        size_t *slot = find_slot(set, set->answers[i]->name, set->answers[i]->type);
        *slot = i + 1;
    }
    return TM_OK;
}

tm_status_t tm_rrset_put_own(tm_rrset_t *set, tm_answer_t *ans)
{
    tm_status_t st = TM_OK;
    if ((set->count + 1) * 2 > set->nslots) {
        st = rehash(set, set->nslots ? set->nslots * 2 : 16);
        if (st != TM_OK)
            goto fail;
    }
    size_t *slot = find_slot(set, ans->name, ans->type);
    if (*slot != 0) {
        tm_answer_unref(ans); /* the first answer wins: nothing is asked twice */
        return TM_OK;
    }
    if (set->count == set->cap) {
        tm_answer_t **grown = tm_array_grow(set->answers, &set->cap, sizeof(*grown), 16);
        if (!grown) {
            st = TM_ENOMEM;
            goto fail;
        }
        set->answers = grown;
    }
    set->answers[set->count++] = ans;
    *slot = set->count;
    return TM_OK;
fail:
    tm_answer_unref(ans);
    return st;
}

const tm_answer_t *tm_rrset_get(const tm_rrset_t *set, const char *name, uint16_t type)
{
    size_t *slot = find_slot(set, name, type);
    return slot && *slot ? set->answers[*slot - 1] : NULL;
}

size_t tm_rrset_size(const tm_rrset_t *set) { return set->count; }

void tm_rrset_foreach(const tm_rrset_t *set, bool (*fn)(const tm_answer_t *, void *), void *arg)
{
    for (size_t i = 0; i < set->count; i++) {
        if (!fn(set->answers[i], arg))
            return;
    }
}

/* ---- questions ------------------------------------------------------------ */

void tm_questions_init(tm_questions_t *q)
{
    q->items = NULL;
    q->count = 0;
    q->cap = 0;
    q->slots = NULL;
    q->nslots = 0;
}

void tm_questions_clear(tm_questions_t *q)
{
    for (size_t i = 0; i < q->count; i++)
        tm_free(q->items[i].name);
    tm_free(q->items);
    tm_free(q->slots);
    tm_questions_init(q);
}

/* The slot of (name, type) in the index: the one holding it, or the empty
 * one where it would go.  Names here are already canonical (lower case, no
 * trailing dot), so plain strcmp decides. */
static size_t *question_slot(const tm_questions_t *q, const char *name, uint16_t type)
{
    size_t mask = q->nslots - 1;
    for (size_t i = key_hash(name, type) & mask;; i = (i + 1) & mask) {
        size_t *slot = &q->slots[i];
        if (*slot == 0)
            return slot;
        const tm_question_t *item = &q->items[*slot - 1];
        if (item->type == type && strcmp(item->name, name) == 0)
            return slot;
    }
}

static tm_status_t question_rehash(tm_questions_t *q, size_t nslots)
{
    size_t *slots = tm_calloc(nslots, sizeof(*slots));
    if (!slots)
        return TM_ENOMEM;
    tm_free(q->slots);
    q->slots = slots;
    q->nslots = nslots;
    for (size_t i = 0; i < q->count; i++)
        *question_slot(q, q->items[i].name, q->items[i].type) = i + 1;
    return TM_OK;
}

tm_status_t tm_questions_add(tm_questions_t *q, const tm_rrset_t *have, const char *name,
                             uint16_t type)
{
    char canonical[TM_NAME_MAX + 1];
    /* SPF macros can build any bytes into a name, and DNS can carry them
     * (RFC 2181 section 11); only the structure is enforced here: 1..253
     * octets, labels of 1..63.  Names that break it cannot be asked; the
     * judge that built them reports the problem itself. */
    size_t len = strnlen(name, TM_NAME_MAX + 2);
    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0 || len > TM_NAME_MAX)
        return TM_OK;
    size_t label_len = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '.') {
            if (label_len == 0)
                return TM_OK;
            label_len = 0;
        } else if (++label_len > TM_LABEL_MAX) {
            return TM_OK;
        }
        canonical[i] = tm_ascii_lower((char)c);
    }
    if (label_len == 0)
        return TM_OK;
    canonical[len] = '\0';
    if (have && tm_rrset_get(have, canonical, type))
        return TM_OK;
    if ((q->count + 1) * 2 > q->nslots) {
        tm_status_t st = question_rehash(q, q->nslots ? q->nslots * 2 : 16);
        if (st != TM_OK)
            return st;
    }
    size_t *slot = question_slot(q, canonical, type);
    if (*slot != 0)
        return TM_OK;
    if (q->count == q->cap) {
        tm_question_t *grown = tm_array_grow(q->items, &q->cap, sizeof(*grown), 8);
        if (!grown)
            return TM_ENOMEM;
        q->items = grown;
    }
    char *copy = tm_strdup(canonical);
    if (!copy)
        return TM_ENOMEM;
    q->items[q->count].name = copy;
    q->items[q->count].type = type;
    q->count++;
    *slot = q->count;
    return TM_OK;
}
