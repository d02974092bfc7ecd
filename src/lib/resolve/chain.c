/* chain.c - joins the two halves of a CNAME chain that crossed sources
 * (a zone file, then DNS, another zone or the static records). */
#include "chain.h"

static tm_status_t copy_rr(tm_answer_t *ans, const tm_rr_t *rr)
{
    switch (rr->type) {
    case TM_RR_A: return tm_answer_add_a(ans, rr->ttl, rr->u.a);
    case TM_RR_AAAA: return tm_answer_add_aaaa(ans, rr->ttl, rr->u.aaaa);
    case TM_RR_MX: return tm_answer_add_mx(ans, rr->ttl, rr->u.mx.preference, rr->u.mx.host);
    case TM_RR_CNAME:
    case TM_RR_PTR:
    case TM_RR_NS: return tm_answer_add_name(ans, rr->ttl, rr->u.name);
    case TM_RR_SOA:
        return tm_answer_add_soa(ans, rr->ttl, rr->u.soa.mname, rr->u.soa.rname,
                                 rr->u.soa.serial, rr->u.soa.refresh, rr->u.soa.retry,
                                 rr->u.soa.expire, rr->u.soa.minimum);
    case TM_RR_TXT: {
        size_t n = rr->u.txt.nstrings, off = 0;
        const char **strs = tm_malloc((n ? n : 1) * sizeof *strs);
        size_t *lens = tm_malloc((n ? n : 1) * sizeof *lens);
        tm_status_t st = TM_ENOMEM;
        if (strs && lens) {
            for (size_t i = 0; i < n; i++) {
                strs[i] = rr->u.txt.data + off;
                lens[i] = rr->u.txt.string_lens[i];
                off += lens[i];
            }
            st = tm_answer_add_txt(ans, rr->ttl, strs, lens, n);
        }
        tm_free(strs);
        tm_free(lens);
        return st;
    }
    default: return TM_OK;
    }
}

tm_answer_t *tm_resolve_merge_chain(const char *name, const tm_answer_t *end)
{
    tm_status_t st = TM_OK;
    tm_answer_t *ans = tm_answer_create(name, end->type, end->outcome);
    if (!ans)
        return NULL;
    ans->source = end->source;
    ans->wire_size = end->wire_size;
    ans->truncated = end->truncated;
    st = tm_answer_set_canonical(ans, end->canonical ? end->canonical : end->name);
    if (st == TM_OK && end->error)
        st = tm_answer_set_error(ans, end->error);
    for (size_t i = 0; st == TM_OK && i < end->count; i++)
        st = copy_rr(ans, &end->rrs[i]);
    if (st != TM_OK) {
        tm_answer_unref(ans);
        return NULL;
    }
    return ans;
}
