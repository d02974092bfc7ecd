/* idn_plugin.c - libidn2's conversions behind the IDN plugin's table
 * (idn_api.h): the plugin idn.so, which links libidn2 so that the program
 * does not (tmems/tm_plugin.h).  Everything but its table is hidden. */
#include <idn2.h>
#include <stdio.h>
#include <string.h>

#include "idn_api.h"

/* libidn2's result, copied into the caller's buffer and freed here: no
 * memory crosses the boundary. */
static tm_status_t hand_over(int rc, char *result, char *out, size_t outlen)
{
    tm_status_t st = TM_OK;
    if (rc == IDN2_MALLOC)
        st = TM_ENOMEM;
    else if (rc != IDN2_OK || !result)
        st = TM_EINVAL;
    else if (strlen(result) >= outlen)
        st = TM_ERANGE;
    else
        memcpy(out, result, strlen(result) + 1);
    idn2_free(result);
    return st;
}

static tm_status_t idn_to_ascii(const char *utf8, int nfc, char *out, size_t outlen)
{
    char *result = NULL;
    int flags = IDN2_NONTRANSITIONAL | (nfc ? IDN2_NFC_INPUT : 0);
    int rc = idn2_to_ascii_8z(utf8, &result, flags);
    return hand_over(rc, result, out, outlen);
}

static tm_status_t idn_to_unicode(const char *ascii, char *out, size_t outlen)
{
    char *result = NULL;
    int rc = idn2_to_unicode_8z8z(ascii, &result, 0);
    return hand_over(rc, result, out, outlen);
}

/* Nothing of the program's is needed here. */
static void plugin_bind(const tm_plugin_host_t *services) { (void)services; }

__attribute__((visibility("default"))) const tm_idn_api_t tm_idn_plugin = {
    .header = {.version = TM_VERSION, .abi = TM_IDN_PLUGIN_ABI, .size = sizeof(tm_idn_api_t),
               .bind = plugin_bind},
    .to_ascii = idn_to_ascii,
    .to_unicode = idn_to_unicode,
};
