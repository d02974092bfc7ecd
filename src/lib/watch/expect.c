/* expect.c - the expected state given on the command line (--expect-mx,
 * --expect-spf), for a rollback or any change the checks do not decide:
 * the MX set must hold exactly the hosts given (at the preferences given,
 * when given), and the SPF record must be exactly the one given. */
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_watch.h"
#include "tmems/tm_i18n.h"

#define SPF_PREFIX "v=spf1"
#define EXPECT_SPF_MAX 2048

bool tm_watch_expect_given(const tm_watch_expect_t *e)
{
    return e && (e->nmx > 0 || e->spf);
}

/* Splits "PREF HOST" or "HOST": *pref -1 when none. */
static bool parse_mx(const char *value, long *pref, char host[TM_NAME_MAX + 1], const char **why)
{
    const char *space = strchr(value, ' ');
    const char *name = value;
    *pref = -1;
    if (space) {
        size_t digits = (size_t)(space - value);
        if (digits == 0 || digits > 5 || strspn(value, "0123456789") != digits) {
            *why = N_("expected HOST or PREFERENCE HOST (a number from 0 to 65535, a space, "
                     "a host name)");
            return false;
        }
        *pref = strtol(value, NULL, 10);
        if (*pref > 65535) {
            *why = N_("the preference is a number from 0 to 65535");
            return false;
        }
        name = space + 1;
    }
    if (strcmp(name, ".") == 0) { /* the null MX of RFC 7505 */
        host[0] = '\0';
        return true;
    }
    if (tm_name_normalize(name, host) != TM_NAME_OK) {
        *why = N_("not a valid host name");
        return false;
    }
    return true;
}

bool tm_watch_expect_mx_valid(const char *value, const char **why)
{
    long pref;
    char host[TM_NAME_MAX + 1];
    const char *ignored;
    return value && parse_mx(value, &pref, host, why ? why : &ignored);
}

static bool spf_text_valid(const char *v, size_t len)
{
    size_t n = strlen(SPF_PREFIX);
    return len >= n && tm_ascii_ncasecmp(v, SPF_PREFIX, n) == 0 && (len == n || v[n] == ' ');
}

bool tm_watch_expect_spf_valid(const char *value, const char **why)
{
    const char *ignored;
    if (!why)
        why = &ignored;
    if (!value)
        return false;
    if (strcmp(value, "none") == 0)
        return true;
    size_t len = strlen(value);
    if (len > EXPECT_SPF_MAX) {
        *why = N_("the record is longer than 2048 bytes");
        return false;
    }
    if (!spf_text_valid(value, len)) {
        *why = N_("expected a record starting with v=spf1, or none");
        return false;
    }
    return true;
}

static bool mx_met(const tm_watch_expect_t *e, const tm_answer_t *mx)
{
    if (!mx || (mx->outcome != TM_DNS_NOERROR && mx->outcome != TM_DNS_NODATA &&
                mx->outcome != TM_DNS_NXDOMAIN))
        return false;
    size_t n = mx->outcome == TM_DNS_NOERROR ? mx->count : 0;
    /* Every record is one of the expected ... */
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t k = 0; k < e->nmx && !found; k++) {
            long pref;
            char host[TM_NAME_MAX + 1];
            const char *why;
            if (!parse_mx(e->mx[k], &pref, host, &why))
                continue;
            found = tm_name_equal(host, mx->rrs[i].u.mx.host) &&
                    (pref < 0 || pref == mx->rrs[i].u.mx.preference);
        }
        if (!found)
            return false;
    }
    /* ... and every expected one is there. */
    for (size_t k = 0; k < e->nmx; k++) {
        long pref;
        char host[TM_NAME_MAX + 1];
        const char *why;
        if (!parse_mx(e->mx[k], &pref, host, &why))
            return false;
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = tm_name_equal(host, mx->rrs[i].u.mx.host) &&
                    (pref < 0 || pref == mx->rrs[i].u.mx.preference);
        if (!found)
            return false;
    }
    return true;
}

static bool spf_met(const char *spf, const tm_answer_t *txt)
{
    if (!txt || (txt->outcome != TM_DNS_NOERROR && txt->outcome != TM_DNS_NODATA &&
                 txt->outcome != TM_DNS_NXDOMAIN))
        return false;
    bool want_none = strcmp(spf, "none") == 0;
    size_t matching = 0, records = 0, n = txt->outcome == TM_DNS_NOERROR ? txt->count : 0;
    for (size_t i = 0; i < n; i++) {
        const tm_rr_t *rr = &txt->rrs[i];
        if (!spf_text_valid(rr->u.txt.data, rr->u.txt.len))
            continue;
        records++;
        /* Byte for byte: the record must be the one published, as the
         * receivers will read it. */
        if (!want_none && rr->u.txt.len == strlen(spf) && memcmp(rr->u.txt.data, spf, rr->u.txt.len) == 0)
            matching++;
    }
    return want_none ? records == 0 : records >= 1 && matching == records;
}

bool tm_watch_expect_met(const tm_watch_expect_t *e, const tm_answer_t *mx,
                         const tm_answer_t *txt)
{
    if (!tm_watch_expect_given(e))
        return false;
    if (e->nmx > 0 && !mx_met(e, mx))
        return false;
    if (e->spf && !spf_met(e->spf, txt))
        return false;
    return true;
}
