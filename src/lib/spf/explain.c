/* explain.c - the explanation of a fail (RFC 7208 section 6.2): the TXT
 * record at the exp= target, macro-expanded.  Anything wrong with it (a
 * target that cannot be queried, a DNS error, no record or several, a syntax
 * error, non-ASCII text) means the default explanation.  The exp= lookup is
 * not a term: it counts neither towards the 10 lookups nor as a void
 * lookup. */
#include <string.h>

#include "spf_eval.h"

/* The exp= text expanded into *text, or NULL for the default. */
static tm_status_t expand_text(spf_ev_t *ev, const tm_spf_term_t *exp, const char *domain,
                               char **text)
{
    char name[TM_NAME_MAX + 1];
    *text = NULL;
    spf_tg_t tg = spf_target(ev, exp, domain, name);
    if (tg == TG_ABORT)
        return ev->status;
    if (tg != TG_OK)
        return TM_OK;
    const tm_answer_t *ans = tm_rrset_get(ev->rrset, name, TM_RR_TXT);
    if (!ans) {
        ev->incomplete = true;
        return spf_need(ev->need, ev->rrset, name, TM_RR_TXT);
    }
    if (ans->outcome != TM_DNS_NOERROR || ans->count != 1 || ans->rrs[0].type != TM_RR_TXT)
        return TM_OK;
    const char *data = ans->rrs[0].u.txt.data;
    size_t len = ans->rrs[0].u.txt.len;
    uint32_t letters = 0;
    if (!data || !tm_spf_macro_check(data, len, true, false, &letters, NULL, NULL))
        return TM_OK;
    ev->env.domain = domain;
    ev->env.validated = NULL;
    if (letters & TM_SPF_MACRO_BIT('p')) {
        spf_lk_t lk = spf_validated_for(ev, domain, &ev->env.validated);
        if (lk == LK_ABORT)
            return ev->status;
        if (lk != LK_OK)
            return TM_OK;
    }
    tm_buf_t buf;
    tm_buf_init(&buf);
    buf.limit = TM_SPF_EXPAND_MAX;
    tm_status_t st = tm_spf_macro_expand(data, len, &ev->env, true, &buf);
    if (st == TM_OK) {
        *text = tm_buf_take(&buf);
        if (!*text)
            st = TM_ENOMEM;
    } else if (st != TM_ENOMEM) {
        st = TM_OK; /* too long: the default */
    }
    tm_buf_clear(&buf);
    return st;
}

tm_status_t spf_explain(spf_ev_t *ev, const tm_spf_term_t *exp, const char *domain)
{
    tm_spf_eval_t *out = ev->out;
    char *text = NULL;
    tm_status_t st = expand_text(ev, exp, domain, &text);
    if (st != TM_OK)
        return st;
    tm_free(out->explanation);
    out->explanation = text;
    out->explanation_default = text == NULL;
    return TM_OK;
}
