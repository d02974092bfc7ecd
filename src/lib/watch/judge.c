/* judge.c - one server's view judged with the checks of a normal run
 * (docs/checks.md): the server's MX and TXT answers for the domain stand
 * in for the recursive ones, every other name the checks read (the inbound
 * host, the SPF includes, the MX targets' addresses) comes from the
 * resolvers.  The view is then ready (the expected state), still old (what
 * the server served at its first answer), or something else, with the
 * check that says why. */
#include <string.h>

#include "tmems/tm_spf.h"
#include "tmems/tm_watch.h"
#include "tmems/tm_i18n.h"

/* Fetch rounds of one view at most: the SPF tree is expanded level by level
 * (the bound of tm_run.h). */
#define JUDGE_ROUNDS 40

/* The checks that say nothing about one server's view: the probes of
 * --authoritative and --smtp, and the bundled rules' freshness. */
#define WATCH_SKIP "dns.consistency,inbound.smtp,rules.current"

void tm_watch_check_options(const tm_check_options_t *given, const tm_watch_expect_t *expect,
                            tm_check_options_t *out)
{
    memset(out, 0, sizeof(*out));
    if (given)
        *out = *given;
    /* What the checks want after the cutover (docs/checks.md, mx.tmems in
     * phase post); a given expected state may be a rollback to the old MX,
     * judged as a normal run would judge it. */
    out->phase = tm_watch_expect_given(expect) ? TM_PHASE_AUTO : TM_PHASE_POST;
    out->authoritative = false;
    out->smtp = false;
    out->offline = false;
    out->only = NULL;
    out->skip = WATCH_SKIP;
    out->probe = NULL;
}

void tm_watch_judgement_clear(tm_watch_judgement_t *j)
{
    if (!j)
        return;
    tm_free(j->reason);
    memset(j, 0, sizeof(*j));
}

static const tm_answer_t *support_get(const tm_watch_view_t *v, const char *name, uint16_t type)
{
    const tm_answer_t *a = v->support ? tm_rrset_get(v->support, name, type) : NULL;
    if (!a && v->support_failed)
        a = tm_rrset_get(v->support_failed, name, type);
    return a;
}

/* Moves what the checks need from the support rrsets into the view's;
 * the names neither holds go to missing.  *progress: something was added. */
static tm_status_t take_support(const tm_watch_view_t *v, const tm_questions_t *need,
                                tm_rrset_t *rrset, tm_questions_t *missing, bool *progress,
                                size_t *nmissing)
{
    *progress = false;
    for (size_t i = 0; i < need->count; i++) {
        const tm_question_t *q = &need->items[i];
        if (tm_rrset_get(rrset, q->name, q->type))
            continue;
        const tm_answer_t *a = support_get(v, q->name, q->type);
        if (!a) {
            /* Counted here: another view may have listed it already. */
            (*nmissing)++;
            tm_status_t st = tm_questions_add(missing, NULL, q->name, q->type);
            if (st != TM_OK)
                return st;
            continue;
        }
        tm_status_t st = tm_rrset_put_own(rrset, tm_answer_ref((tm_answer_t *)a));
        if (st != TM_OK)
            return st;
        *progress = true;
    }
    return TM_OK;
}

/* The first finding of the given status, or NULL. */
static const tm_finding_t *first_with(const tm_findings_t *f, tm_check_status_t status)
{
    for (size_t i = 0; i < f->count; i++) {
        if (f->items[i].status == status)
            return &f->items[i];
    }
    return NULL;
}

static tm_status_t reason_from(const tm_finding_t *f, tm_watch_judgement_t *out)
{
    out->check_id = f->id;
    out->reason = tm_strprintf("%s: %s", f->id, f->summary ? f->summary : "");
    return out->reason ? TM_OK : TM_ENOMEM;
}

/* What differs from the given expected state, in one line. */
static tm_status_t expect_reason(const tm_watch_view_t *v, tm_watch_judgement_t *out)
{
    const tm_watch_expect_t *e = v->expect;
    tm_buf_t want;
    tm_buf_init(&want);
    tm_status_t st = TM_OK;
    tm_watch_expect_t mx_only = *e;
    mx_only.spf = NULL;
    if (e->nmx > 0 && !tm_watch_expect_met(&mx_only, v->mx, v->txt)) {
        for (size_t i = 0; i < e->nmx && st == TM_OK; i++)
            st = tm_buf_printf(&want, "%s%s", i ? ", " : "", e->mx[i]);
        char *w = st == TM_OK ? tm_buf_take(&want) : NULL;
        if (w)
            out->reason = tm_strprintf(_("MX %s; expected %s"),
                                       v->facts->mx && v->facts->mx[0] ? v->facts->mx
                                                                        : _("(none)"),
                                       w);
        tm_free(w);
    } else {
        out->reason = tm_strprintf(_("SPF %s; expected %s"),
                                   v->facts->spf && v->facts->spf[0] ? v->facts->spf
                                                                      : _("(none)"),
                                   e->spf);
    }
    tm_buf_clear(&want);
    if (st != TM_OK)
        return st;
    return out->reason ? TM_OK : TM_ENOMEM;
}

static bool same_as_first(const tm_watch_view_t *v)
{
    return v->baseline && tm_watch_facts_same(v->facts, v->baseline);
}

/* The state from the checks' findings (no expected state given): ready
 * exactly when a normal run would say ready (exit 0). */
static tm_status_t state_from_checks(const tm_watch_view_t *v, const tm_findings_t *findings,
                                     tm_watch_judgement_t *out)
{
    tm_assessment_t a;
    tm_findings_assess(findings, v->strict, &a);
    out->verdict = a.verdict;
    const tm_finding_t *why = NULL;
    switch (a.verdict) {
    case TM_VERDICT_READY:
        out->state = TM_WATCH_READY;
        return TM_OK;
    case TM_VERDICT_NOT_READY:
        why = first_with(findings, TM_CHECK_FAIL);
        if (!why && v->strict)
            why = first_with(findings, TM_CHECK_WARN);
        out->state = same_as_first(v) ? TM_WATCH_OLD : TM_WATCH_OTHER;
        break;
    default:
        /* A name the checks read did not answer (it is asked again next
         * poll), or every check of a record skipped: no verdict, and
         * never a ready one. */
        why = first_with(findings, TM_CHECK_ERROR);
        out->state = TM_WATCH_FAILED;
        break;
    }
    if (why)
        return reason_from(why, out);
    out->reason = tm_strdup(_("the token, MX and SPF checks could not judge this view"));
    return out->reason ? TM_OK : TM_ENOMEM;
}

/* Fills the view's rrset round by round from the support rrsets; *complete
 * is false when names are missing (added to need). */
static tm_status_t gather(const tm_watch_view_t *v, tm_rrset_t *rrset, tm_check_ctx_t *ctx,
                          tm_spf_analysis_t **spf, tm_questions_t *need, bool *complete)
{
    tm_questions_t want;
    tm_questions_init(&want);
    tm_status_t st = TM_OK;
    size_t nmissing = 0;
    *complete = false;
    for (unsigned round = 0; round < JUDGE_ROUNDS && st == TM_OK; round++) {
        tm_check_ctx_init(ctx, v->domain, v->display, rrset, v->rules, v->opts);
        tm_questions_clear(&want);
        st = tm_checks_needs(ctx, &want);
        if (st == TM_OK && tm_checks_want_spf(v->opts)) {
            tm_spf_analysis_destroy(*spf);
            *spf = NULL;
            st = tm_spf_analysis_build(rrset, v->domain, v->rules, &want, spf);
            ctx->spf = *spf;
        }
        if (st != TM_OK || want.count == 0)
            break;
        bool progress = false;
        st = take_support(v, &want, rrset, need, &progress, &nmissing);
        if (!progress)
            break;
    }
    tm_questions_clear(&want);
    *complete = st == TM_OK && nmissing == 0;
    return st;
}

tm_status_t tm_watch_judge(const tm_watch_view_t *v, tm_questions_t *need,
                           tm_watch_judgement_t *out)
{
    memset(out, 0, sizeof(*out));
    out->verdict = TM_VERDICT_UNKNOWN;
    if (!v || !v->facts || !need)
        return TM_EINVAL;
    if (!v->facts->answered) {
        out->state = TM_WATCH_FAILED;
        return TM_OK;
    }
    tm_rrset_t *rrset = tm_rrset_create();
    tm_spf_analysis_t *spf = NULL;
    tm_findings_t findings;
    tm_findings_init(&findings);
    tm_check_ctx_t ctx;
    bool complete = false;
    tm_status_t st = rrset ? TM_OK : TM_ENOMEM;
    /* The server's answers first: the first answer for a question wins. */
    if (st == TM_OK)
        st = tm_rrset_put_own(rrset, tm_answer_ref((tm_answer_t *)v->mx));
    if (st == TM_OK)
        st = tm_rrset_put_own(rrset, tm_answer_ref((tm_answer_t *)v->txt));
    if (st == TM_OK)
        st = gather(v, rrset, &ctx, &spf, need, &complete);
    if (st == TM_OK && !complete) {
        out->state = TM_WATCH_PENDING;
        goto done;
    }
    if (st == TM_OK)
        st = tm_checks_run(&ctx, &findings);
    if (st != TM_OK)
        goto done;
    memcpy(out->company, ctx.company, sizeof(out->company));
    if (tm_watch_expect_given(v->expect)) {
        tm_assessment_t a;
        tm_findings_assess(&findings, v->strict, &a);
        out->verdict = a.verdict;
        if (tm_watch_expect_met(v->expect, v->mx, v->txt)) {
            out->state = TM_WATCH_READY;
        } else {
            out->state = same_as_first(v) ? TM_WATCH_OLD : TM_WATCH_OTHER;
            st = expect_reason(v, out);
        }
    } else {
        st = state_from_checks(v, &findings, out);
    }
done:
    if (st != TM_OK)
        tm_watch_judgement_clear(out);
    tm_findings_clear(&findings);
    tm_spf_analysis_destroy(spf); /* reads the rrset: freed first */
    tm_rrset_destroy(rrset);
    return st;
}
