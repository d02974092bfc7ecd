/* spfcmd.c - the spf subcommand, a front end of RFC 7208 check_host():
 * evaluate, fetch what the evaluator lacks, evaluate again, until it is done
 * (each round asks all it lacks at once); once per --ip, in the order given.
 *
 * A malformed DOMAIN is not a usage error here: check_host() returns none
 * for it (RFC 7208 section 4.3), and so does this command, with the reason
 * and exit status 0, like every other result. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tmc_exec.h"
#include "tmc_msg.h"
#include "tmc_netinfo.h"
#include "tmc_spfcmd.h"
#include "tmems/tm_report.h"
#include "tmems/tm_run.h"
#include "tmems/tm_spf.h"
#include "tmems/tm_i18n.h"

/* Runs check_host() to its end: NULL need means the rounds are over. */
static tm_status_t evaluate(tm_resolver_t *res, const tm_spf_query_t *q, tm_rrset_t *rrset,
                            tm_spf_eval_t *ev)
{
    tm_questions_t need;
    tm_questions_init(&need);
    tm_status_t st = TM_OK;
    for (unsigned round = 0; st == TM_OK; round++) {
        tm_questions_clear(&need);
        st = tm_spf_check_host(rrset, q, &need, ev);
        if (st != TM_OK || ev->state == TM_SPF_DONE)
            break;
        if (round == TM_RUN_MAX_ROUNDS) {
            st = TM_ERANGE;
            break;
        }
        st = tm_resolver_fetch(res, &need, rrset);
    }
    tm_questions_clear(&need);
    return st;
}

/* The reason of a none for a DOMAIN the command line could not take as a
 * domain name: the evaluator's words, then why (tm_domain_from_user). */
static tm_status_t explain_malformed(const tmc_domain_t *d, tm_spf_eval_t *ev)
{
    if (ev->result != TM_SPF_NONE || !d->invalid)
        return TM_OK;
    char *reason = tm_strprintf(_("not a valid domain name (RFC 7208 section 4.3): %s"),
                                    d->invalid);
    if (!reason)
        return TM_ENOMEM;
    tm_free(ev->reason);
    ev->reason = reason;
    return TM_OK;
}

const char *tmc_spf_usage(void)
{
    return _("Usage: tmems-check spf [OPTIONS] DOMAIN --ip ADDR [--ip ADDR]...\n"
             "                       [--sender ADDR] [--helo NAME]\n"
             "Runs RFC 7208 check_host() for each address and prints the result, the DNS\n"
             "lookups it used and the trace of the terms it evaluated.  A malformed DOMAIN\n"
             "gives the result none (RFC 7208 section 4.3).\n"
             "\n"
             "  --ip ADDR             the connecting IPv4 or IPv6 address (required;\n"
             "                        repeatable: one result each, in the order given)\n"
             "  --sender ADDR         the MAIL FROM address (default postmaster@DOMAIN)\n"
             "  --helo NAME           the HELO name (default DOMAIN)\n"
             "DNS, as for the domain checks (see tmems-check --help):\n"
             "  --server ADDR[:PORT], --doh URL, --cacert FILE, --zone FILE,\n"
             "  --zone-include-dir DIR, --offline, --timeout MS, --tries N, --deadline S,\n"
             "  --max-queries N\n"
             "  --region R, --rules FILE  the data center whose bundled records answer\n"
             "                        offline\n"
             "Output:\n"
             "  --format F            text (default), json (one --ip) or jsonl (one line each)\n"
             "  --lang L              ja or en (default from the locale)\n"
             "  --color W             auto, always or never\n"
             "  -v                    the DNS figures of the run on standard error\n"
             "  --help\n"
             "\n"
             "Exit status: 0 the evaluation completed, whatever its result; 2 usage error;\n"
             "3 it could not run; 4 the result could not be written to standard output.\n");
}

/* One address: check_host() to its end and its rendering appended to out.
 * The rrset carries the answers of the addresses before: each (name,
 * type) is asked once in the whole run. */
static int evaluate_one(const tmc_params_t *p, const char *ip, tm_resolver_t *res,
                        tm_rrset_t *rrset, bool color, tm_buf_t *out)
{
    const tmc_domain_t *d = &p->domains[0];
    /* A name the command line refused is given to check_host() as typed,
     * so that its rules (section 4.3) decide, not those of host names. */
    const char *domain = d->ascii ? d->ascii : d->input;
    char sender[TM_SPF_INPUT_MAX + 1];
    if (p->sender && *p->sender)
        snprintf(sender, sizeof(sender), "%s", p->sender);
    else /* section 2.4: an empty MAIL FROM checks postmaster@<domain> */
        snprintf(sender, sizeof(sender), "postmaster@%s",
                 strlen(domain) < sizeof(sender) - 11 ? domain : "");

    tm_spf_query_t q;
    tm_spf_query_init(&q);
    tm_ip_parse(ip, &q.ip); /* validated by the option parser */
    q.sender = sender;
    q.helo = p->helo ? p->helo : domain;
    q.domain = domain;
    q.timestamp = (uint64_t)time(NULL);
    q.trace = true;

    int rc = TMC_EXIT_DNS_ERROR;
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    tm_status_t st = TM_OK;
    if (strlen(domain) > TM_SPF_INPUT_MAX) {
        /* Longer than any name (RFC 1035 section 3.1): none, without asking
         * the evaluator, whose inputs are bounded. */
        ev.state = TM_SPF_DONE;
        ev.result = TM_SPF_NONE;
        st = explain_malformed(d, &ev);
    } else {
        st = evaluate(res, &q, rrset, &ev);
        if (st == TM_OK)
            st = explain_malformed(d, &ev);
    }
    if (st == TM_ENETWORK && tm_resolver_failure(res)) {
        tmc_error("%s", tm_resolver_failure(res));
        goto done;
    }
    if (st != TM_OK) {
        tmc_error(_("%s: the evaluation could not run: %s"), domain, tm_strerror(st));
        goto done;
    }
    tm_spf_eval_view_t view = {.domain = domain, .ip = ip, .sender = sender, .helo = q.helo};
    if (p->format == TMC_FORMAT_TEXT) {
        /* several addresses: a blank line between their blocks */
        st = out->len ? tm_buf_putc(out, '\n') : TM_OK;
        if (st == TM_OK)
            st = tm_report_spf_text(&view, &ev, color, out);
    } else {
        st = tm_report_spf_json(&view, &ev, p->format == TMC_FORMAT_JSONL, out);
    }
    if (st != TM_OK) {
        tmc_error(_("%s: the evaluation could not be written: %s"), domain, tm_strerror(st));
        goto done;
    }
    rc = TMC_EXIT_READY;
done:
    tm_spf_eval_clear(&ev);
    return rc;
}

int tmc_spf_command(const tmc_params_t *p, tm_resolver_t *res, bool color)
{
    int rc = TMC_EXIT_READY;
    tm_rrset_t *rrset = tm_rrset_create();
    if (!rrset) {
        tmc_error(_("%s: the evaluation could not run: %s"), p->domains[0].input,
                  tm_strerror(TM_ENOMEM));
        return TMC_EXIT_DNS_ERROR;
    }
    long long started = tm_monotonic_ms();
    tm_buf_t out;
    tm_buf_init(&out);
    /* Every result or none: a run that fails half-way prints nothing, so
     * that a script never takes part of the list for all of it. */
    for (size_t i = 0; i < p->nips && rc == TMC_EXIT_READY; i++)
        rc = evaluate_one(p, p->ips[i], res, rrset, color, &out);
    if (rc == TMC_EXIT_READY)
        fputs(out.data ? out.data : "", stdout);
    if (p->verbosity > 0)
        tmc_netinfo_stats(res, (long)(tm_monotonic_ms() - started));
    tm_buf_clear(&out);
    tm_rrset_destroy(rrset);
    return rc;
}
