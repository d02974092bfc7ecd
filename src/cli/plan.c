/* plan.c - --plan on the command line (tmc_plan.h). */
#include <stdio.h>
#include <string.h>

#include "tmc_ci.h"
#include "tmc_exec.h"
#include "tmc_msg.h"
#include "tmc_netinfo.h"
#include "tmc_plan.h"
#include "tmems/tm_plan.h"
#include "tmems/tm_report_ci.h"
#include "tmems/tm_run.h"
#include "tmems/tm_i18n.h"

static int worse(int a, int b)
{
    if (a == TMC_EXIT_FAIL || b == TMC_EXIT_FAIL)
        return TMC_EXIT_FAIL;
    if (a == TMC_EXIT_DNS_ERROR || b == TMC_EXIT_DNS_ERROR)
        return TMC_EXIT_DNS_ERROR;
    return TMC_EXIT_READY;
}

static bool put(const tm_buf_t *out)
{
    if (out->len && fwrite(out->data, 1, out->len, stdout) != out->len)
        return false;
    return fflush(stdout) == 0;
}

/* One side of the plan; the run's own failure (the server cannot be
 * reached) is said once and ends the plan. */
static tm_status_t judge(const tmc_params_t *p, tm_resolver_t *res, const tm_rules_t *rules,
                         const tmc_domain_t *d, tm_result_t **out)
{
    tm_status_t st = tm_run_domain(res, rules, &p->check, d->display, d->ascii, out);
    if (st == TM_ENETWORK && tm_resolver_failure_kind(res) != TM_RESOLVER_FINE)
        tmc_netinfo_failure(p, res, 0, 1);
    else if (st != TM_OK)
        tmc_error(_("%s: the check could not run: %s"), d->ascii, tm_strerror(st));
    return st;
}

int tmc_plan_run(const tmc_params_t *p, const tm_resolver_options_t *live_opts,
                 tm_resolver_t *proposed, const tm_rules_t *rules, bool color)
{
    char err[1024];
    tm_resolver_options_t lo = *live_opts;
    lo.zone_files = NULL;
    lo.nzones = 0;
    tm_resolver_t *live = NULL;
    if (tm_resolver_create(&lo, &live, err, sizeof err) != TM_OK) {
        tmc_error("%s", err);
        return TMC_EXIT_USAGE;
    }
    for (size_t i = 0; i < p->ndomains; i++) {
        const tmc_domain_t *d = &p->domains[i];
        if (d->invalid || !tm_resolver_zones_cover(proposed, d->ascii)) {
            tmc_error(d->invalid ? _("%s: invalid domain name: %s")
                                 : _("%s: no --zone holds this domain, so there is no proposed "
                                     "zone to compare with the live DNS"),
                      d->input, d->invalid ? d->invalid : "");
            tm_resolver_destroy(live);
            return TMC_EXIT_USAGE;
        }
    }
    tmc_ci_t ci;
    tmc_ci_init(&ci, p);
    int rc = TMC_EXIT_READY;
    tm_buf_t out;
    tm_buf_init(&out);
    bool ok = true;
    if (p->format == TMC_FORMAT_JSON)
        ok = tm_buf_puts(&out, "{\"schema\":1,\"plans\":[") == TM_OK;
    else if (p->format == TMC_FORMAT_GITHUB)
        ok = tmc_ci_frame(&ci, true, &out) == TM_OK;
    for (size_t i = 0; ok && i < p->ndomains; i++) {
        const tmc_domain_t *d = &p->domains[i];
        tm_result_t *was = NULL, *will = NULL;
        tm_status_t st = judge(p, live, rules, d, &was);
        if (st == TM_OK)
            st = judge(p, proposed, rules, d, &will);
        if (st != TM_OK) {
            tm_result_destroy(was);
            tm_result_destroy(will);
            rc = worse(rc, TMC_EXIT_DNS_ERROR);
            break;
        }
        tm_plan_t plan;
        st = tm_plan_compare(d->display, &was->findings, &will->findings, p->strict, &plan);
        if (st == TM_OK) {
            rc = worse(rc, tm_verdict_exit_status(plan.proposed.verdict));
            switch (p->format) {
            case TMC_FORMAT_JSON:
                if (i > 0)
                    st = tm_buf_putc(&out, ',');
                if (st == TM_OK)
                    st = tm_report_plan_json(&plan, &out);
                break;
            case TMC_FORMAT_MARKDOWN: st = tm_report_plan_markdown(&plan, &out); break;
            case TMC_FORMAT_GITHUB: {
                /* the proposed findings on their lines, the plan in the summary */
                st = tm_report_github_result(&ci.gh, will, &plan.proposed, &out);
                tm_buf_t md;
                tm_buf_init(&md);
                if (st == TM_OK)
                    st = tm_report_plan_markdown(&plan, &md);
                if (st == TM_OK)
                    tmc_ci_summary(&ci, md.data, md.len);
                tm_buf_clear(&md);
                break;
            }
            default:
                if (i > 0)
                    st = tm_buf_putc(&out, '\n');
                if (st == TM_OK)
                    st = tm_report_plan_text(&plan, color, &out);
                break;
            }
        }
        tm_plan_clear(&plan);
        tm_result_destroy(was);
        tm_result_destroy(will);
        if (st != TM_OK) {
            tmc_error(_("%s: the plan could not be reported: %s"), d->ascii, tm_strerror(st));
            rc = worse(rc, TMC_EXIT_DNS_ERROR);
            break;
        }
        ok = put(&out);
        out.len = 0;
    }
    if (ok && p->format == TMC_FORMAT_JSON)
        ok = tm_buf_puts(&out, "]}\n") == TM_OK;
    else if (ok && p->format == TMC_FORMAT_GITHUB)
        ok = tmc_ci_frame(&ci, false, &out) == TM_OK;
    if (ok)
        ok = put(&out);
    if (!ok) {
        tmc_error("%s", _("the report could not be written to standard output"));
        rc = worse(rc, TMC_EXIT_DNS_ERROR);
    }
    tm_buf_clear(&out);
    tmc_ci_clear(&ci);
    tm_resolver_destroy(live);
    return rc;
}
