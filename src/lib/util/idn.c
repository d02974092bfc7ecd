/* idn.c - internationalised domain names: what a user types (例え.jp) becomes
 * the A-label form DNS uses (xn--r8jz45g.jp) under IDNA2008 (RFC 5891). */
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmems/tm_util.h"
#include "util/tm_i18n.h"

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
    char *alabel = NULL, *ulabel = NULL;

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
        /* An A-label typed as such must itself be valid IDNA2008. */
        if (has_alabel(ascii)) {
            int rc = idn2_to_unicode_8z8z(ascii, &ulabel, 0);
            if (rc != IDN2_OK || !tm_utf8_valid(ulabel, strlen(ulabel))) {
                reason = N_("the name has an invalid A-label (xn--)");
                goto done;
            }
            char *recheck = NULL;
            rc = idn2_to_ascii_8z(ulabel, &recheck, IDN2_NONTRANSITIONAL);
            bool same = rc == IDN2_OK && tm_ascii_casecmp(recheck, ascii) == 0;
            idn2_free(recheck);
            if (!same) {
                reason = N_("the name has an invalid A-label (xn--)");
                goto done;
            }
            snprintf(display, TM_NAME_MAX * 4 + 1, "%s", ulabel);
        } else {
            snprintf(display, TM_NAME_MAX * 4 + 1, "%s", ascii);
        }
        st = TM_OK;
        goto done;
    }
    if (!tm_utf8_valid(input, strlen(input))) {
        reason = N_("the name is not valid UTF-8");
        goto done;
    }
    /* IDN2_NFC_INPUT: users type composed or decomposed kana alike. */
    int rc = idn2_to_ascii_8z(input, &alabel, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK) {
        reason = N_("the name is not a valid internationalised domain name (IDNA2008)");
        goto done;
    }
    tm_name_error_t err = tm_domain_normalize(alabel, ascii);
    if (err != TM_NAME_OK) {
        reason = tm_name_strerror(err);
        goto done;
    }
    rc = idn2_to_unicode_8z8z(ascii, &ulabel, 0);
    if (rc != IDN2_OK) {
        reason = N_("the name is not a valid internationalised domain name (IDNA2008)");
        goto done;
    }
    snprintf(display, TM_NAME_MAX * 4 + 1, "%s", ulabel);
    st = TM_OK;
done:
    idn2_free(alabel);
    idn2_free(ulabel);
    if (why)
        *why = reason;
    return st;
}
