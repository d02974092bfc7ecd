/* spfcmd.c - the spf subcommand: evaluate, fetch what the evaluator lacks,
 * evaluate again, until it is done (each round asks all it lacks at once). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tmc_exec.h"
#include "tmc_msg.h"
#include "tmc_spfcmd.h"
#include "tmems/tm_report.h"
#include "tmems/tm_run.h"
#include "tmems/tm_spf.h"
#include "util/tm_i18n.h"

int tmc_spf_command(const tmc_params_t *p, tm_resolver_t *res, bool color)
{
    const tmc_domain_t *d = &p->domains[0];
    char sender[TM_SPF_INPUT_MAX + 1];
    if (p->sender)
        snprintf(sender, sizeof(sender), "%s", p->sender);
    else
        snprintf(sender, sizeof(sender), "postmaster@%s", d->ascii);

    tm_spf_query_t q;
    tm_spf_query_init(&q);
    tm_ip_parse(p->ip, &q.ip); /* validated by the option parser */
    q.sender = sender;
    q.helo = p->helo ? p->helo : d->ascii;
    q.domain = d->ascii;
    q.timestamp = (uint64_t)time(NULL);
    q.trace = true;

    int rc = TMC_EXIT_DNS_ERROR;
    tm_rrset_t *rrset = tm_rrset_create();
    tm_questions_t need;
    tm_questions_init(&need);
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    tm_buf_t out;
    tm_buf_init(&out);
    tm_status_t st = rrset ? TM_OK : TM_ENOMEM;
    for (unsigned round = 0; st == TM_OK; round++) {
        tm_questions_clear(&need);
        st = tm_spf_check_host(rrset, &q, &need, &ev);
        if (st != TM_OK || ev.state == TM_SPF_DONE)
            break;
        if (round == TM_RUN_MAX_ROUNDS) {
            st = TM_ERANGE;
            break;
        }
        st = tm_resolver_fetch(res, &need, rrset);
    }
    if (st == TM_ENETWORK && tm_resolver_failure(res)) {
        tmc_error("%s", tm_resolver_failure(res));
        goto done;
    }
    if (st != TM_OK) {
        tmc_error(_("%s: the evaluation could not run: %s"), d->ascii, tm_strerror(st));
        goto done;
    }
    tm_spf_eval_view_t view = {.domain = d->ascii, .ip = p->ip, .sender = sender,
                               .helo = q.helo};
    st = p->format == TMC_FORMAT_TEXT ? tm_report_spf_text(&view, &ev, color, &out)
                                      : tm_report_spf_json(&view, &ev, &out);
    if (st != TM_OK) {
        tmc_error(_("%s: the evaluation could not be written: %s"), d->ascii, tm_strerror(st));
        goto done;
    }
    fputs(out.data ? out.data : "", stdout);
    rc = TMC_EXIT_READY;
done:
    tm_buf_clear(&out);
    tm_spf_eval_clear(&ev);
    tm_questions_clear(&need);
    tm_rrset_destroy(rrset);
    return rc;
}
