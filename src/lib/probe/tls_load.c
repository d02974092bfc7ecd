/* tls_load.c - the STARTTLS probe's TLS client, from its plugin (tls.h). */
#include <stdio.h>

#include "tls.h"
#include "tmems/tm_i18n.h"
#include "tmems/tm_probe.h"

tm_status_t tm_tls_api_load(const char *plugin_dir, const tm_tls_api_t **out, char *err,
                            size_t errlen)
{
    char why[1024];
    const void *table = NULL;
    tm_status_t st = tm_plugin_load(plugin_dir, TM_TLS_PLUGIN, TM_TLS_PLUGIN_SYMBOL,
                                    TM_TLS_PLUGIN_ABI, sizeof(tm_tls_api_t), &table, why,
                                    sizeof why);
    *out = table;
    if (st != TM_OK && err && errlen)
        snprintf(err, errlen, _("STARTTLS cannot be probed: the TLS plugin is missing or broken "
                                "(%s)"),
                 why);
    return st;
}

tm_status_t tm_probe_tls_ready(const tm_probe_options_t *opts, char *err, size_t errlen)
{
    const tm_tls_api_t *api = NULL;
    return tm_tls_api_load(opts ? opts->plugin_dir : NULL, &api, err, errlen);
}
