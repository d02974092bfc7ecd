/* netinfo.c - see tmc_netinfo.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmc_msg.h"
#include "tmc_netinfo.h"
#include "tmems/tm_i18n.h"

void tmc_netinfo_failure(const tmc_params_t *p, const tm_resolver_t *res, size_t checked,
                         size_t total)
{
    char why[640], counts[160] = "";
    if (tm_resolver_failure_kind(res) == TM_RESOLVER_DEADLINE)
        snprintf(why, sizeof why,
                 dngettext(TM_TEXTDOMAIN, "the checks did not finish within --deadline %u second",
                           "the checks did not finish within --deadline %u seconds",
                           p->deadline_s),
                 p->deadline_s);
    else
        snprintf(why, sizeof why, "%s",
                 tm_resolver_failure(res) ? tm_resolver_failure(res) : tm_strerror(TM_ENETWORK));
    if (total > 1)
        snprintf(counts, sizeof counts,
                 dngettext(TM_TEXTDOMAIN, "; %zu of %zu domain checked",
                           "; %zu of %zu domains checked", total),
                 checked, total);
    tmc_error("%s%s", why, counts);
}

void tmc_netinfo_stats(const tm_resolver_t *res, long elapsed_ms)
{
    tm_resolver_stats_t st;
    tm_resolver_stats(res, &st);
    char sent[96], flight[160], again[96];
    snprintf(sent, sizeof sent,
             dngettext(TM_TEXTDOMAIN, "%lu question sent", "%lu questions sent", st.sent),
             st.sent);
    snprintf(flight, sizeof flight,
             dngettext(TM_TEXTDOMAIN, "at most %u in flight (window %u of %u)",
                       "at most %u in flight (window %u of %u)", st.peak_in_flight),
             st.peak_in_flight, st.window, st.window_cap);
    snprintf(again, sizeof again,
             dngettext(TM_TEXTDOMAIN, "%lu retransmitted", "%lu retransmitted",
                       st.retransmissions),
             st.retransmissions);
    fprintf(stderr, _("DNS: %s, %s, %s, %.2f s\n"), sent, flight, again,
            (double)elapsed_ms / 1000.0);
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

void tmc_netinfo_trust(const tmc_params_t *p, const char **cacert, const char **capath)
{
    *cacert = NULL;
    *capath = NULL;
    if (!p->doh_url)
        return;
    if (p->cacert) {
        *cacert = p->cacert;
    } else if (env("CURL_CA_BUNDLE")) {
        *cacert = env("CURL_CA_BUNDLE");
    } else {
        *cacert = env("SSL_CERT_FILE");
        *capath = env("SSL_CERT_DIR");
    }
}
