/* doh_load.c - the DoH transport, from its plugin (doh.h). */
#include <stdio.h>

#include "doh.h"
#include "tmems/tm_i18n.h"

tm_status_t tm_doh_api_load(const char *plugin_dir, const tm_doh_api_t **out, char *err,
                            size_t errlen)
{
    char why[1024];
    const void *table = NULL;
    tm_status_t st = tm_plugin_load(plugin_dir, TM_DOH_PLUGIN, TM_DOH_PLUGIN_SYMBOL,
                                    TM_DOH_PLUGIN_ABI, sizeof(tm_doh_api_t), &table, why,
                                    sizeof why);
    *out = table;
    if (st != TM_OK && err && errlen)
        snprintf(err, errlen, _("DNS over HTTPS cannot be used: its plugin is missing or "
                                "broken (%s)"),
                 why);
    return st;
}
