/* eval.c - check_host() (RFC 7208 sections 4 and 6): initial processing,
 * record lookup and selection, the term loop, include recursion, redirect=,
 * and the processing limits of section 4.6.4.  Pure over the rrset: a
 * missing answer is asked for and the evaluation goes on as if the term did
 * not match, so one round collects every question the record needs. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "spf_eval.h"
#include "tmems/tm_i18n.h"

void tm_spf_query_init(tm_spf_query_t *q) { memset(q, 0, sizeof(*q)); }

void tm_spf_eval_init(tm_spf_eval_t *ev) { memset(ev, 0, sizeof(*ev)); }

void tm_spf_eval_clear(tm_spf_eval_t *ev)
{
    tm_free(ev->reason);
    tm_free(ev->explanation);
    for (size_t i = 0; i < ev->ntrace; i++) {
        tm_free(ev->trace[i].domain);
        tm_free(ev->trace[i].term);
    }
    tm_free(ev->trace);
    tm_spf_eval_init(ev);
}

bool spf_abort(spf_ev_t *ev, tm_spf_result_t r, const char *fmt, ...)
{
    if (ev->aborted)
        return false;
    ev->aborted = true;
    ev->abort_result = r;
    if (ev->detail) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ev->reason, sizeof(ev->reason), fmt, ap);
        va_end(ap);
    }
    return false;
}

bool spf_abort_split(spf_ev_t *ev)
{
    if (!ev->aborted) {
        ev->aborted = true;
        ev->split = true;
    }
    return false;
}

static unsigned lookup_limit(const spf_ev_t *ev)
{
    return ev->q->lookup_limit ? ev->q->lookup_limit : TM_SPF_LOOKUP_LIMIT;
}

bool spf_count_lookup(spf_ev_t *ev)
{
    if (++ev->lookups > lookup_limit(ev))
        return spf_abort(ev, TM_SPF_PERMERROR,
                         dngettext(TM_TEXTDOMAIN,
                                   "more than %d DNS-querying term (include, a, mx, ptr, exists, "
                                   "redirect): RFC 7208 section 4.6.4",
                                   "more than %d DNS-querying terms (include, a, mx, ptr, exists, "
                                   "redirect): RFC 7208 section 4.6.4",
                                   lookup_limit(ev)),
                         (int)lookup_limit(ev));
    return true;
}

bool spf_count_void(spf_ev_t *ev)
{
    unsigned limit = ev->q->void_limit ? ev->q->void_limit : TM_SPF_VOID_LIMIT;
    if (++ev->voids > limit)
        return spf_abort(ev, TM_SPF_PERMERROR,
                         dngettext(TM_TEXTDOMAIN,
                                   "more than %d lookup returned no records (void lookups): RFC "
                                   "7208 section 4.6.4",
                                   "more than %d lookups returned no records (void lookups): RFC "
                                   "7208 section 4.6.4",
                                   limit),
                         (int)limit);
    return true;
}

/* An unknown answer taken as no match (tm_spf_query_t.unknown_no_match):
 * a match of a term not qualified '+' would give another result, and an
 * unknown MX list may hold more than 10 names (permerror). */
static void note_unknown(spf_ev_t *ev, uint16_t type, bool count_void)
{
    ev->unknown_seen = true;
    if (!ev->plus_path || type == TM_RR_MX || type == TM_RR_TXT)
        ev->unknown_unsafe = true;
    if (count_void)
        ev->unknown_voids++;
}

spf_lk_t spf_lookup(spf_ev_t *ev, const char *name, uint16_t type, bool count_void,
                    bool errors_abort, const tm_answer_t **out)
{
    const tm_answer_t *ans = tm_rrset_get(ev->rrset, name, type);
    if (!ans) {
        tm_status_t st = spf_need(ev->need, ev->rrset, name, type);
        if (st != TM_OK) {
            ev->status = st;
            ev->aborted = true;
            return LK_ABORT;
        }
        ev->incomplete = true;
        return LK_MISSING;
    }
    if (ans->outcome == TM_DNS_UNKNOWN) {
        if (ev->unknown_no_match) {
            note_unknown(ev, type, count_void);
            return LK_ERROR;
        }
        if (!errors_abort)
            return LK_ERROR;
        ev->offline = true;
        spf_abort(ev, TM_SPF_TEMPERROR, _("offline: nothing is known about %s %s"), name,
                  tm_rrtype_name(type));
        return LK_ABORT;
    }
    if (tm_dns_outcome_is_failure(ans->outcome)) {
        if (!errors_abort)
            return LK_ERROR;
        spf_abort(ev, TM_SPF_TEMPERROR, _("DNS error %s looking up %s %s"),
                  tm_dns_outcome_name(ans->outcome), name, tm_rrtype_name(type));
        return LK_ABORT;
    }
    if (tm_dns_outcome_is_void(ans->outcome) || ans->count == 0) {
        if (count_void && !spf_count_void(ev))
            return LK_ABORT;
        return LK_VOID;
    }
    *out = ans;
    return LK_OK;
}

spf_tg_t spf_target(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain,
                    char out[TM_NAME_MAX + 1])
{
    if (!t->spec) {
        memcpy(out, domain, strlen(domain) + 1);
        return TG_OK;
    }
    if (!t->has_macro) {
        if (!t->domain)
            return TG_BAD;
        memcpy(out, t->domain, strlen(t->domain) + 1);
        return TG_OK;
    }
    /* A name built from the client address differs within a block. */
    if ((t->macros & TM_SPF_MACRO_ADDRESS) && !ev->single) {
        spf_abort_split(ev);
        return TG_ABORT;
    }
    ev->env.domain = domain;
    ev->env.validated = NULL;
    if (t->macros & TM_SPF_MACRO_BIT('p')) {
        spf_lk_t lk = spf_validated_for(ev, domain, &ev->env.validated);
        if (lk == LK_ABORT)
            return TG_ABORT;
        if (lk == LK_MISSING)
            return TG_MISSING;
    }
    tm_status_t st = spf_expand_domain_buf(t->spec, &ev->env, &ev->scratch, out);
    if (st == TM_ENOMEM) {
        ev->status = st;
        ev->aborted = true;
        return TG_ABORT;
    }
    return st == TM_OK ? TG_OK : TG_BAD;
}

static tm_spf_result_t qualifier_result(tm_spf_qualifier_t q)
{
    switch (q) {
    case TM_SPF_Q_FAIL: return TM_SPF_FAIL;
    case TM_SPF_Q_SOFTFAIL: return TM_SPF_SOFTFAIL;
    case TM_SPF_Q_NEUTRAL: return TM_SPF_NEUTRAL;
    case TM_SPF_Q_PASS: break;
    }
    return TM_SPF_PASS;
}

/* Appends a trace step (match patched later); -1 when there is no trace. */
static long trace_push(spf_ev_t *ev, const char *domain, const char *term)
{
    tm_spf_eval_t *out = ev->out;
    if (!out || !ev->q->trace || ev->status != TM_OK)
        return -1;
    tm_spf_step_t *grown = tm_realloc(out->trace, (out->ntrace + 1) * sizeof(*grown));
    if (!grown) {
        ev->status = TM_ENOMEM;
        ev->aborted = true;
        return -1;
    }
    out->trace = grown;
    tm_spf_step_t *s = &out->trace[out->ntrace];
    s->domain = tm_strdup(domain);
    s->term = tm_strdup(term);
    s->match = false;
    out->ntrace++;
    if (!s->domain || !s->term) {
        ev->status = TM_ENOMEM;
        ev->aborted = true;
        return -1;
    }
    return (long)(out->ntrace - 1);
}

static void trace_match(spf_ev_t *ev, long step, bool match)
{
    if (step >= 0)
        ev->out->trace[step].match = match;
}

/* The record of <domain>, or false with ev->aborted; *entry NULL when the
 * answer is not there yet. */
static bool record_of(spf_ev_t *ev, const char *domain, const spf_entry_t **entry)
{
    tm_status_t st;
    *entry = spf_ctx_entry(ev->ctx, domain, &st);
    if (st != TM_OK) {
        ev->status = st;
        ev->aborted = true;
        return false;
    }
    if (*entry)
        return true;
    st = spf_need(ev->need, ev->rrset, domain, TM_RR_TXT);
    if (st != TM_OK) {
        ev->status = st;
        ev->aborted = true;
        return false;
    }
    ev->incomplete = true;
    return true;
}

static bool redirect(spf_ev_t *ev, const tm_spf_term_t *t, const char *domain, unsigned depth,
                     int *result, const tm_spf_term_t **exp, char exp_domain[TM_NAME_MAX + 1])
{
    long step = trace_push(ev, domain, t->text);
    if (!spf_count_lookup(ev))
        return false;
    char target[TM_NAME_MAX + 1];
    spf_tg_t tg = spf_target(ev, t, domain, target);
    if (tg == TG_ABORT)
        return false;
    if (tg == TG_MISSING) {
        *result = SPF_R_UNKNOWN;
        return true;
    }
    /* Section 6.1: a malformed target or one without a record is a
     * permerror, not "none". */
    if (tg == TG_BAD || !spf_domain_target_valid(target))
        return spf_abort(ev, TM_SPF_PERMERROR, _("redirect=%s: the target is not a valid domain"),
                         t->spec);
    trace_match(ev, step, true);
    /* Section 6.2: the explanation comes from the record redirected to. */
    *exp = NULL;
    if (!spf_eval_domain(ev, target, depth + 1, result, exp, exp_domain))
        return false;
    if (*result == TM_SPF_NONE)
        return spf_abort(ev, TM_SPF_PERMERROR, _("redirect=%s: %s has no SPF record"), t->spec,
                         target);
    return true;
}

bool spf_eval_domain(spf_ev_t *ev, const char *domain, unsigned depth, int *result,
                     const tm_spf_term_t **exp, char exp_domain[TM_NAME_MAX + 1])
{
    /* The lookup limit already bounds recursion (each level costs a term);
     * this is a second fence. */
    if (depth > lookup_limit(ev) + 1)
        return spf_abort(ev, TM_SPF_PERMERROR, _("include/redirect nested too deep"));
    const spf_entry_t *e;
    if (!record_of(ev, domain, &e))
        return false;
    if (!e) {
        *result = SPF_R_UNKNOWN;
        return true;
    }
    /* Section 4.4: errors of the record lookup itself. */
    if (e->answer->outcome == TM_DNS_UNKNOWN && ev->unknown_no_match) {
        /* Any record may be there, or none (permerror for an include):
         * nothing that follows can be known. */
        note_unknown(ev, TM_RR_TXT, false);
        *result = TM_SPF_NEUTRAL;
        return true;
    }
    if (e->answer->outcome == TM_DNS_UNKNOWN) {
        ev->offline = true;
        return spf_abort(ev, TM_SPF_TEMPERROR, _("offline: nothing is known about %s TXT"), domain);
    }
    if (tm_dns_outcome_is_failure(e->answer->outcome))
        return spf_abort(ev, TM_SPF_TEMPERROR, _("DNS error %s looking up %s TXT"),
                         tm_dns_outcome_name(e->answer->outcome), domain);
    if (e->selection == TM_SPF_SEL_NONE) {
        *result = TM_SPF_NONE;
        return true;
    }
    if (e->selection == TM_SPF_SEL_MULTIPLE)
        return spf_abort(ev, TM_SPF_PERMERROR,
                         dngettext(TM_TEXTDOMAIN,
                                   "%s has %zu SPF record; exactly one is allowed (section 4.5)",
                                   "%s has %zu SPF records; exactly one is allowed (section 4.5)",
                                   e->nrecords),
                         domain, e->nrecords);
    if (!e->record)
        return spf_abort(ev, TM_SPF_PERMERROR, _("syntax error in the SPF record of %s at offset %zu (%s): %s"),
                         domain, e->error.offset, e->error.term, e->error.reason);
    const tm_spf_record_t *rec = e->record;
    for (size_t i = 0; i < rec->nterms; i++) {
        const tm_spf_term_t *t = &rec->terms[i];
        if (t->kind == TM_SPF_REDIRECT || t->kind == TM_SPF_EXP || t->kind == TM_SPF_UNKNOWN_MOD)
            continue;
        long step = trace_push(ev, domain, t->text);
        bool plus_path = ev->plus_path;
        ev->plus_path = plus_path && t->qualifier == TM_SPF_Q_PASS;
        spf_mres_t m = spf_mechanism(ev, t, domain, depth);
        ev->plus_path = plus_path;
        if (m == M_ABORT || ev->aborted)
            return false;
        trace_match(ev, step, m == M_MATCH);
        if (m == M_MATCH) {
            *result = (int)qualifier_result(t->qualifier);
            if (exp) {
                *exp = rec->exp;
                memcpy(exp_domain, domain, strlen(domain) + 1);
            }
            return true;
        }
    }
    /* Section 6.1: redirect= applies only when no mechanism matched, and
     * section 4.6.3 ignores it when the record has "all". */
    if (rec->redirect && !rec->all) {
        if (exp)
            return redirect(ev, rec->redirect, domain, depth, result, exp, exp_domain);
        const tm_spf_term_t *ignored = NULL;
        char ignored_domain[TM_NAME_MAX + 1];
        return redirect(ev, rec->redirect, domain, depth, result, &ignored, ignored_domain);
    }
    *result = TM_SPF_NEUTRAL;
    if (exp)
        *exp = NULL;
    return true;
}

static bool copy_input(char *dst, size_t cap, const char *src, size_t len)
{
    if (len >= cap)
        return false;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return true;
}

/* <sender>, its local-part and domain (section 4.3: no local-part means
 * "postmaster"; section 2.4: an empty MAIL FROM checks postmaster@<helo>,
 * or postmaster@<domain> when the caller names the domain). */
static tm_status_t setup(spf_ev_t *ev, const tm_spf_query_t *q)
{
    const char *sender = q->sender && *q->sender ? q->sender : NULL;
    const char *at = sender ? strrchr(sender, '@') : NULL;
    const char *local = "postmaster";
    size_t local_len = strlen(local);
    const char *dom;
    size_t dom_len;
    if (sender && at) {
        if (at > sender) {
            local = sender;
            local_len = (size_t)(at - sender);
        }
        dom = at + 1;
    } else if (sender) {
        dom = sender;
    } else {
        dom = q->domain ? q->domain : q->helo ? q->helo : "";
    }
    dom_len = strlen(dom);
    if (!copy_input(ev->local, sizeof(ev->local), local, local_len) ||
        !copy_input(ev->sender_domain, sizeof(ev->sender_domain), dom, dom_len) ||
        (q->helo && strlen(q->helo) > TM_SPF_INPUT_MAX) ||
        (q->receiver && strlen(q->receiver) > TM_SPF_INPUT_MAX) ||
        (q->domain && strlen(q->domain) > TM_SPF_INPUT_MAX))
        return TM_EINVAL;
    snprintf(ev->sender, sizeof(ev->sender), "%s@%s", ev->local, ev->sender_domain);
    const char *domain = q->domain ? q->domain : ev->sender_domain;
    ev->env.sender = ev->sender;
    ev->env.local = ev->local;
    ev->env.sender_domain = ev->sender_domain;
    ev->env.helo = q->helo ? q->helo : domain;
    ev->env.receiver = q->receiver;
    ev->env.timestamp = q->timestamp;
    ev->env.ip = &ev->ip;
    if (!spf_domain_initial_valid(domain))
        ev->domain[0] = '\0';
    else
        spf_name_copy(domain, strlen(domain), ev->domain);
    return TM_OK;
}

static tm_status_t fill_out(spf_ev_t *ev, const spf_block_outcome_t *res, tm_spf_eval_t *out)
{
    out->state = res->incomplete ? TM_SPF_NEED : TM_SPF_DONE;
    out->result = res->result;
    out->offline_unknown = res->offline;
    out->lookups = res->lookups;
    out->void_lookups = res->void_lookups;
    if (ev->reason[0] && !(out->reason = tm_strdup(ev->reason)))
        return TM_ENOMEM;
    return TM_OK;
}

tm_status_t spf_eval_block(tm_spf_ctx_t *ctx, const tm_spf_query_t *q, const tm_cidr_t *block,
                           tm_questions_t *need, spf_block_outcome_t *res, tm_spf_eval_t *out)
{
    spf_ev_t *ev = tm_calloc(1, sizeof(*ev));
    if (!ev)
        return TM_ENOMEM;
    tm_status_t st = TM_OK;
    memset(res, 0, sizeof(*res));
    ev->ctx = ctx;
    ev->rrset = tm_spf_ctx_rrset(ctx);
    ev->need = need;
    ev->q = q;
    ev->block = *block;
    ev->ip = block->addr;
    ev->single = block->prefix == (block->addr.family == 6 ? 128 : 32);
    ev->detail = out != NULL;
    ev->out = out;
    ev->unknown_no_match = q->unknown_no_match;
    ev->plus_path = true;
    tm_buf_init(&ev->scratch);
    ev->scratch.limit = TM_SPF_EXPAND_MAX;
    if ((st = setup(ev, q)) != TM_OK)
        goto done;

    int result = TM_SPF_NONE;
    const tm_spf_term_t *exp = NULL;
    char exp_domain[TM_NAME_MAX + 1];
    if (!ev->domain[0]) {
        /* section 4.3: a malformed or single-label domain gives "none" */
        if (ev->detail)
            snprintf(ev->reason, sizeof(ev->reason), _("not a valid domain name: %s"),
                     q->domain ? q->domain : ev->sender_domain);
    } else if (spf_eval_domain(ev, ev->domain, 0, &result, &exp, exp_domain)) {
        if (result == SPF_R_UNKNOWN)
            result = TM_SPF_NONE;
        else if (result == TM_SPF_NONE && ev->detail)
            snprintf(ev->reason, sizeof(ev->reason), _("%s has no SPF record"), ev->domain);
        if (result == TM_SPF_FAIL && exp && out)
            st = spf_explain(ev, exp, exp_domain);
        if (result == TM_SPF_FAIL && out && st == TM_OK && !out->explanation) {
            out->explanation_default = true;
            if (q->default_explanation && !(out->explanation = tm_strdup(q->default_explanation)))
                st = TM_ENOMEM;
        }
    } else {
        result = ev->abort_result;
    }
    /* tm_spf_query_t.unknown_no_match: the result stands only when no
     * answer the unknown names could have had changes it. */
    if (ev->unknown_seen && !ev->split &&
        (result != TM_SPF_PASS || ev->unknown_unsafe ||
         ev->voids + ev->unknown_voids > TM_SPF_VOID_LIMIT)) {
        result = TM_SPF_TEMPERROR;
        ev->offline = true;
        if (ev->detail)
            snprintf(ev->reason, sizeof(ev->reason), "%s",
                     _("offline: the result depends on names that no zone file holds"));
    }
    if (st == TM_OK)
        st = ev->status;
    if (st != TM_OK)
        goto done;
    res->result = (tm_spf_result_t)result;
    res->incomplete = ev->incomplete;
    res->split = ev->split;
    res->offline = ev->offline;
    res->lookups = ev->lookups;
    res->void_lookups = ev->voids;
    if (out)
        st = fill_out(ev, res, out);
done:
    tm_buf_clear(&ev->scratch);
    tm_free(ev);
    return st;
}

tm_status_t tm_spf_check_host_ctx(tm_spf_ctx_t *ctx, const tm_spf_query_t *q,
                                  tm_questions_t *need, tm_spf_eval_t *out)
{
    tm_spf_eval_clear(out);
    tm_cidr_t block = {.addr = q->ip};
    tm_ip_unmap_v4(&block.addr); /* section 5: IPv4-mapped clients are IPv4 */
    if (block.addr.family != 4 && block.addr.family != 6)
        return TM_EINVAL;
    block.prefix = block.addr.family == 6 ? 128 : 32;
    spf_block_outcome_t res;
    tm_status_t st = spf_eval_block(ctx, q, &block, need, &res, out);
    if (st != TM_OK)
        tm_spf_eval_clear(out);
    return st;
}

tm_status_t tm_spf_check_host(const tm_rrset_t *rrset, const tm_spf_query_t *q,
                              tm_questions_t *need, tm_spf_eval_t *out)
{
    tm_spf_ctx_t *ctx = tm_spf_ctx_create(rrset);
    if (!ctx) {
        tm_spf_eval_clear(out);
        return TM_ENOMEM;
    }
    tm_status_t st = tm_spf_check_host_ctx(ctx, q, need, out);
    tm_spf_ctx_destroy(ctx);
    return st;
}
