/* idn_api.h - IDNA2008 conversions (RFC 5891) through libidn2, which with
 * libunistring is the largest library the program would otherwise map at
 * every start, for the few runs that see a non-ASCII name or an A-label.
 * The conversions live in the plugin idn.so (idn_plugin.c), which links
 * libidn2 and exports one table (tmems/tm_plugin.h).  Private to
 * src/lib/util/ and its IDN plugin. */
#ifndef TMEMS_UTIL_IDN_API_H
#define TMEMS_UTIL_IDN_API_H

#include <stddef.h>

#include "tmems/tm_plugin.h"
#include "tmems/tm_status.h"

#define TM_IDN_PLUGIN "idn"
#define TM_IDN_PLUGIN_SYMBOL "tm_idn_plugin"
#define TM_IDN_PLUGIN_ABI 1u

typedef struct {
    tm_plugin_header_t header;
    /* UTF-8 name to its A-label form, non-transitional; nfc also
     * normalises the input to NFC first (users type composed or decomposed
     * kana alike).  TM_EINVAL for a name IDNA2008 refuses, TM_ERANGE when
     * out (outlen bytes) is too small, TM_ENOMEM. */
    tm_status_t (*to_ascii)(const char *utf8, int nfc, char *out, size_t outlen);
    /* An ASCII name's A-labels to their Unicode form (UTF-8); the same
     * statuses. */
    tm_status_t (*to_unicode)(const char *ascii, char *out, size_t outlen);
} tm_idn_api_t;

#endif
