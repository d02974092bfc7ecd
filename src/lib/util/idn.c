/* idn.c - internationalised domain names: what a user types (例え.jp) becomes
 * the A-label form DNS uses (xn--r8jz45g.jp) under IDNA2008 (RFC 5891).
 * libidn2 does the conversions, from its plugin (idn_api.h), loaded only
 * for a name that needs one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idn_api.h"
#include "tmems/tm_util.h"
#include "tmems/tm_i18n.h"

/* A name in either form, with room for UTF-8 (four bytes a character). */
#define IDN_TEXT_MAX (TM_NAME_MAX * 4 + 1)

/* The conversions, or NULL when the plugin cannot be loaded (err, if not
 * NULL, gets the loader's reason). */
static const tm_idn_api_t *idn_api(char *err, size_t errlen)
{
    const void *table = NULL;
    if (tm_plugin_load(NULL, TM_IDN_PLUGIN, TM_IDN_PLUGIN_SYMBOL, TM_IDN_PLUGIN_ABI,
                       sizeof(tm_idn_api_t), &table, err, errlen) != TM_OK)
        return NULL;
    return table;
}

tm_status_t tm_idn_ready(char *err, size_t errlen)
{
    char why[1024];
    if (idn_api(why, sizeof why))
        return TM_OK;
    if (err && errlen)
        snprintf(err, errlen,
                 _("internationalised names cannot be checked: the IDN plugin is missing or "
                   "broken (%s)"),
                 why);
    return TM_EUNSUPPORTED;
}

static bool is_ascii(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s >= 0x80)
            return false;
    }
    return true;
}

/* RFC 5890 section 2.3.2.1: an A-label is a label that starts with "xn--". */
static bool has_alabel(const char *name)
{
    for (const char *label = name; label; label = strchr(label, '.')) {
        if (*label == '.')
            label++;
        if (strncmp(label, "xn--", 4) == 0)
            return true;
    }
    return false;
}

tm_status_t tm_domain_from_user(const char *input, char ascii[TM_NAME_MAX + 1],
                                char display[TM_NAME_MAX * 4 + 1], const char **why)
{
    const char *reason = NULL;
    tm_status_t st = TM_EINVAL;
    const tm_idn_api_t *idn = NULL;
    char alabel[IDN_TEXT_MAX], ulabel[IDN_TEXT_MAX];

    if (strlen(input) > TM_NAME_MAX * 4) {
        reason = tm_name_strerror(TM_NAME_TOO_LONG);
        goto done;
    }
    if (is_ascii(input)) {
        tm_name_error_t err = tm_domain_normalize(input, ascii);
        if (err != TM_NAME_OK) {
            reason = tm_name_strerror(err);
            goto done;
        }
        if (!has_alabel(ascii)) {
            snprintf(display, TM_NAME_MAX * 4 + 1, "%s", ascii);
            st = TM_OK;
            goto done;
        }
        if (!(idn = idn_api(NULL, 0)))
            goto no_plugin;
        /* An A-label typed as such must itself be valid IDNA2008. */
        tm_status_t cs = idn->to_unicode(ascii, ulabel, sizeof ulabel);
        if (cs == TM_OK && tm_utf8_valid(ulabel, strlen(ulabel)))
            cs = idn->to_ascii(ulabel, 0, alabel, sizeof alabel);
        if (cs == TM_ENOMEM) {
            st = cs;
            reason = N_("out of memory");
            goto done;
        }
        if (cs != TM_OK || tm_ascii_casecmp(alabel, ascii) != 0) {
            reason = N_("the name has an invalid A-label (xn--)");
            goto done;
        }
        snprintf(display, TM_NAME_MAX * 4 + 1, "%s", ulabel);
        st = TM_OK;
        goto done;
    }
    if (!tm_utf8_valid(input, strlen(input))) {
        reason = N_("the name is not valid UTF-8");
        goto done;
    }
    if (!(idn = idn_api(NULL, 0)))
        goto no_plugin;
    /* NFC: users type composed or decomposed kana alike. */
    tm_status_t cs = idn->to_ascii(input, 1, alabel, sizeof alabel);
    if (cs == TM_OK) {
        tm_name_error_t err = tm_domain_normalize(alabel, ascii);
        if (err != TM_NAME_OK) {
            reason = tm_name_strerror(err);
            goto done;
        }
        cs = idn->to_unicode(ascii, ulabel, sizeof ulabel);
    }
    if (cs == TM_ENOMEM) {
        st = cs;
        reason = N_("out of memory");
        goto done;
    }
    if (cs != TM_OK) {
        reason = N_("the name is not a valid internationalised domain name (IDNA2008)");
        goto done;
    }
    snprintf(display, TM_NAME_MAX * 4 + 1, "%s", ulabel);
    st = TM_OK;
    goto done;
no_plugin:
    st = TM_EUNSUPPORTED;
    reason = N_("internationalised names cannot be checked: the IDN plugin is missing or broken");
done:
    if (why)
        *why = reason;
    return st;
}
