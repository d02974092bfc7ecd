/* static_records.c - records the caller vouches for, answered offline
 * (tmems/tm_resolve.h, "static records").  A handful of records (the
 * bundled vendor records are five): a list searched from the start. */
#include <string.h>

#include "tmems/tm_resolve.h"

/* More records than any vendor publishes; a bound all the same, so that a
 * hostile --rules file cannot make every offline question walk millions. */
#define STATIC_RECORDS_MAX 4096

typedef struct {
    char *name; /* canonical: lower case, no trailing dot */
    uint16_t type;
    uint32_t ttl;
    char *text;
} static_record_t;

struct tm_static_records {
    tm_dns_source_t source;
    static_record_t *items;
    size_t count, cap;
};

tm_status_t tm_static_records_create(tm_dns_source_t source, tm_static_records_t **out)
{
    if (!out)
        return TM_EINVAL;
    *out = tm_calloc(1, sizeof(**out));
    if (!*out)
        return TM_ENOMEM;
    (*out)->source = source;
    return TM_OK;
}

void tm_static_records_destroy(tm_static_records_t *recs)
{
    if (!recs)
        return;
    for (size_t i = 0; i < recs->count; i++) {
        tm_free(recs->items[i].name);
        tm_free(recs->items[i].text);
    }
    tm_free(recs->items);
    tm_free(recs);
}

tm_status_t tm_static_records_add_txt(tm_static_records_t *recs, const char *name, uint32_t ttl,
                                      const char *text)
{
    char canon[TM_NAME_MAX + 1];
    if (!recs || !name || !text || tm_name_normalize(name, canon) != TM_NAME_OK)
        return TM_EINVAL;
    /* Past what one TXT record can carry (tm_answer_add_txt1), or past the
     * bound: refused here, so that answering cannot fail but for memory. */
    if (recs->count == STATIC_RECORDS_MAX || strlen(text) > (size_t)TM_TXT_MAX_STRINGS * 255)
        return TM_ERANGE;
    if (recs->count == recs->cap) {
        static_record_t *grown = tm_array_grow(recs->items, &recs->cap, sizeof(*grown), 8);
        if (!grown)
            return TM_ENOMEM;
        recs->items = grown;
    }
    static_record_t r = {.name = tm_strdup(canon), .type = TM_RR_TXT, .ttl = ttl,
                         .text = tm_strdup(text)};
    if (!r.name || !r.text) {
        tm_free(r.name);
        tm_free(r.text);
        return TM_ENOMEM;
    }
    recs->items[recs->count++] = r;
    return TM_OK;
}

size_t tm_static_records_count(const tm_static_records_t *recs)
{
    return recs ? recs->count : 0;
}

tm_status_t tm_static_records_answer(const tm_static_records_t *recs, const char *name,
                                     uint16_t type, tm_answer_t **out)
{
    if (!out)
        return TM_EINVAL;
    *out = NULL;
    if (!recs || !name)
        return TM_OK;
    tm_answer_t *ans = NULL;
    for (size_t i = 0; i < recs->count; i++) {
        const static_record_t *r = &recs->items[i];
        if (r->type != type || !tm_name_equal(r->name, name))
            continue;
        if (!ans) {
            ans = tm_answer_create(r->name, type, TM_DNS_NOERROR);
            if (!ans)
                return TM_ENOMEM;
            ans->source = recs->source;
        }
        /* Several records of one name and type form one RRset, as in DNS. */
        tm_status_t st = tm_answer_add_txt1(ans, r->ttl, r->text);
        if (st != TM_OK) {
            tm_answer_unref(ans);
            return st;
        }
    }
    *out = ans;
    return TM_OK;
}
