/* spf_zone.c - the zone-file form of an SPF record and the size of its
 * answer (RFC 7208 sections 3.3 and 3.4; RFC 1035 sections 3.3, 4.1, 5.1). */
#include <string.h>

#include "checks.h"
#include "spf_zone.h"
#include "tmems/tm_spf.h"

size_t tm_spf_string_len(const char *record, size_t len, size_t at)
{
    size_t n = len - at;
    if (n <= TM_TXT_STRING_MAX)
        return n;
    n = TM_TXT_STRING_MAX;
    while (n > 1 && record[at + n] != ' ')
        n--;
    return n == 1 ? TM_TXT_STRING_MAX : n; /* one term longer than a string: cut inside it */
}

size_t tm_spf_string_count(const char *record, size_t len)
{
    size_t count = 0;
    for (size_t at = 0; at < len; at += tm_spf_string_len(record, len, at))
        count++;
    return count ? count : 1;
}

size_t tm_spf_rdata_len(const char *record, size_t len)
{
    return len + tm_spf_string_count(record, len);
}

size_t tm_txt_answer_size(const char *owner, const size_t *rdata_lens, size_t n)
{
    /* header 12; question: the name in wire form (a length byte per label
     * and the root) and type and class; each answer record: a 2-byte
     * pointer to the question's name, type, class, TTL, RDLENGTH. */
    size_t size = 12 + strlen(owner) + 2 + 4;
    for (size_t i = 0; i < n; i++)
        size += 2 + 10 + rdata_lens[i];
    return size;
}

tm_status_t tm_spf_zone_line(const char *owner, unsigned ttl, const char *record, size_t len,
                             tm_finding_t *out)
{
    tm_buf_t line;
    tm_buf_init(&line);
    tm_status_t st = tm_buf_printf(&line, "%s. %u IN TXT", owner, ttl);
    for (size_t at = 0, n; st == TM_OK && at < len; at += n) {
        n = tm_spf_string_len(record, len, at);
        st = tm_buf_puts(&line, " \"");
        for (size_t i = 0; i < n && st == TM_OK; i++) {
            char c = record[at + i];
            st = (c == '"' || c == '\\') ? tm_buf_printf(&line, "\\%c", c) : tm_buf_putc(&line, c);
        }
        if (st == TM_OK)
            st = tm_buf_putc(&line, '"');
    }
    if (st == TM_OK)
        st = tm_finding_fix_record(out, "%s", line.data);
    tm_buf_clear(&line);
    return st;
}

tm_status_t tm_spf_txt_add(tm_answer_t *ans, unsigned ttl, const char *record, size_t len)
{
    size_t count = tm_spf_string_count(record, len);
    const char **strings = tm_calloc(count, sizeof(*strings));
    size_t *lens = tm_calloc(count, sizeof(*lens));
    tm_status_t st = strings && lens ? TM_OK : TM_ENOMEM;
    size_t k = 0;
    for (size_t at = 0; st == TM_OK && at < len; k++) {
        strings[k] = record + at;
        lens[k] = tm_spf_string_len(record, len, at);
        at += lens[k];
    }
    if (st == TM_OK && k == 0) { /* an empty record: one empty string */
        strings[0] = record;
        k = 1;
    }
    if (st == TM_OK)
        st = tm_answer_add_txt(ans, ttl, strings, lens, k);
    tm_free(strings);
    tm_free(lens);
    return st;
}

tm_answer_t *tm_spf_txt_answer(const char *owner, unsigned ttl, const char *const *records,
                               const size_t *lens, size_t n)
{
    tm_answer_t *ans = tm_answer_create(owner, TM_RR_TXT, TM_DNS_NOERROR);
    for (size_t r = 0; ans && r < n; r++) {
        if (tm_spf_txt_add(ans, ttl, records[r], lens[r]) != TM_OK) {
            tm_answer_unref(ans);
            ans = NULL;
        }
    }
    return ans;
}

static size_t txt_rdata(const tm_rr_t *rr) { return rr->u.txt.len + rr->u.txt.nstrings; }

tm_status_t tm_spf_apex_answer_size(const tm_check_ctx_t *ctx, const char *record, size_t len,
                                    size_t *out)
{
    const tm_answer_t *txt = tm_ctx_txt(ctx);
    size_t n = txt && txt->outcome == TM_DNS_NOERROR ? txt->count : 0;
    size_t *lens = tm_calloc(n + 1, sizeof(*lens));
    *out = SIZE_MAX;
    if (!lens)
        return TM_ENOMEM;
    size_t k = 0, old_spf = 0;
    for (size_t i = 0; i < n; i++) {
        const tm_rr_t *rr = &txt->rrs[i];
        if (rr->type != TM_RR_TXT)
            continue;
        if (tm_spf_is_record(rr->u.txt.data, rr->u.txt.len))
            old_spf += txt_rdata(rr);
        else
            lens[k++] = txt_rdata(rr);
    }
    size_t new_spf = tm_spf_rdata_len(record, len);
    lens[k++] = new_spf;
    size_t size = tm_txt_answer_size(ctx->domain, lens, k);
    tm_free(lens);
    size_t wire = ctx->spf ? ctx->spf->txt_wire_size : 0;
    if (wire > 0 && wire + new_spf > old_spf && wire + new_spf - old_spf > size)
        size = wire + new_spf - old_spf;
    *out = size;
    return TM_OK;
}

tm_answer_t *tm_spf_apex_answer(const tm_check_ctx_t *ctx, const char *record, size_t len)
{
    const tm_answer_t *txt = tm_ctx_txt(ctx);
    tm_answer_t *ans = tm_answer_create(ctx->domain, TM_RR_TXT, TM_DNS_NOERROR);
    tm_status_t st = ans ? TM_OK : TM_ENOMEM;
    for (size_t i = 0; st == TM_OK && txt && txt->outcome == TM_DNS_NOERROR && i < txt->count;
         i++) {
        const tm_rr_t *rr = &txt->rrs[i];
        if (rr->type != TM_RR_TXT || tm_spf_is_record(rr->u.txt.data, rr->u.txt.len))
            continue;
        const char **strings = tm_calloc(rr->u.txt.nstrings + 1, sizeof(*strings));
        size_t *lens = tm_calloc(rr->u.txt.nstrings + 1, sizeof(*lens));
        size_t off = 0;
        for (size_t k = 0; strings && lens && k < rr->u.txt.nstrings; k++) {
            strings[k] = rr->u.txt.data + off;
            lens[k] = rr->u.txt.string_lens[k];
            off += lens[k];
        }
        st = strings && lens ? tm_answer_add_txt(ans, rr->ttl, strings, lens, rr->u.txt.nstrings)
                             : TM_ENOMEM;
        tm_free(strings);
        tm_free(lens);
    }
    if (st == TM_OK)
        st = tm_spf_txt_add(ans, 3600, record, len);
    if (st != TM_OK) {
        tm_answer_unref(ans);
        return NULL;
    }
    return ans;
}
