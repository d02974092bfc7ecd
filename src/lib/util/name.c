/* name.c - host-name rules (RFC 1035 section 2.3.4 sizes, RFC 1123 section
 * 2.1 letters-digits-hyphen labels) and case-insensitive comparison. */
#include <string.h>

#include "tmems/tm_util.h"
#include "tmems/tm_i18n.h"

/* The classes are spelled out rather than taken from <ctype.h>: under a
 * Latin-1 LC_CTYPE (setlocale for gettext) isalnum and tolower also accept
 * and fold bytes >= 0x80, and host names are ASCII (RFC 1123 section 2.1,
 * case-insensitive for ASCII only: RFC 4343 section 3). */
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static bool is_ldh(int c) { return is_alpha(c) || is_digit(c) || c == '-'; }

/* '_' appears in service labels (_spf, _dmarc) that SPF records include. */
static bool is_name_char(int c) { return is_ldh(c) || c == '_'; }

tm_name_error_t tm_name_normalize(const char *in, char out[TM_NAME_MAX + 1])
{
    size_t len = strlen(in);
    if (len > 0 && in[len - 1] == '.')
        len--; /* one trailing dot is the absolute form of the same name */
    if (len == 0)
        return TM_NAME_EMPTY;
    if (len > TM_NAME_MAX)
        return TM_NAME_TOO_LONG;
    if (memchr(in, ':', len)) {
        /* an IPv6 literal is an address too, not only a bad character */
        char literal[TM_NAME_MAX + 1];
        tm_ip_t ip;
        memcpy(literal, in, len);
        literal[len] = '\0';
        if (tm_ip_parse(literal, &ip))
            return TM_NAME_ALL_NUMERIC_TLD;
    }

    size_t label_start = 0;
    bool label_numeric = true;
    for (size_t i = 0; i <= len; i++) {
        int c = i < len ? (unsigned char)in[i] : '.';
        if (c == '.') {
            size_t label_len = i - label_start;
            if (label_len == 0)
                return TM_NAME_LABEL_EMPTY;
            if (label_len > TM_LABEL_MAX)
                return TM_NAME_LABEL_TOO_LONG;
            if (in[label_start] == '-' || in[i - 1] == '-')
                return TM_NAME_HYPHEN_EDGE;
            label_start = i + 1;
            if (i < len) {
                out[i] = '.';
                label_numeric = true;
            }
            continue;
        }
        if (!is_name_char(c))
            return TM_NAME_BAD_CHAR;
        if (!is_digit(c))
            label_numeric = false;
        out[i] = tm_ascii_lower((char)c);
    }
    /* An all-numeric last label makes the name indistinguishable from an IP
     * literal (RFC 1123 section 2.1). */
    if (label_numeric)
        return TM_NAME_ALL_NUMERIC_TLD;
    out[len] = '\0';
    return TM_NAME_OK;
}

tm_name_error_t tm_domain_normalize(const char *in, char out[TM_NAME_MAX + 1])
{
    tm_name_error_t err = tm_name_normalize(in, out);
    if (err != TM_NAME_OK)
        return err;
    if (!strchr(out, '.'))
        return TM_NAME_SINGLE_LABEL;
    return TM_NAME_OK;
}

const char *tm_name_strerror(tm_name_error_t err)
{
    switch (err) {
    case TM_NAME_OK: return N_("valid");
    case TM_NAME_EMPTY: return N_("the name is empty");
    case TM_NAME_TOO_LONG: return N_("the name is longer than 253 characters");
    case TM_NAME_LABEL_EMPTY: return N_("the name has an empty label (two dots in a row)");
    case TM_NAME_LABEL_TOO_LONG: return N_("a label is longer than 63 characters");
    case TM_NAME_BAD_CHAR:
        return N_("only letters, digits, '-' and '.' are allowed in a domain name");
    case TM_NAME_HYPHEN_EDGE: return N_("a label starts or ends with '-'");
    case TM_NAME_SINGLE_LABEL: return N_("a mail domain needs at least two labels");
    case TM_NAME_ALL_NUMERIC_TLD: return N_("the last label is all digits (an IP address is not a domain)");
    }
    return N_("invalid name");
}

bool tm_label_valid(const char *label, size_t min_len, size_t max_len)
{
    size_t len = strlen(label);
    if (len < min_len || len > max_len || len == 0)
        return false;
    if (label[0] == '-' || label[len - 1] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_ldh((unsigned char)label[i]))
            return false;
    }
    return true;
}

static size_t len_without_dot(const char *s)
{
    size_t len = strlen(s);
    if (len > 0 && s[len - 1] == '.')
        len--;
    return len;
}

bool tm_name_canonical(const char *in, size_t len, char *out, size_t outlen)
{
    if (len > 0 && in[len - 1] == '.')
        len--;
    if (len >= outlen)
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = tm_ascii_lower(in[i]);
    out[len] = '\0';
    return true;
}

char *tm_name_canonical_dup(const char *in)
{
    size_t len = strlen(in);
    char *copy = tm_malloc(len + 1);
    if (copy)
        tm_name_canonical(in, len, copy, len + 1);
    return copy;
}

uint64_t tm_name_hash(const char *name, uint16_t type)
{
    size_t len = len_without_dot(name);
    uint64_t h = TM_FNV1A_INIT;
    for (size_t i = 0; i < len; i++)
        h = tm_fnv1a_step(h, (uint8_t)tm_ascii_lower(name[i]));
    h = tm_fnv1a_step(h, (uint8_t)(type >> 8));
    return tm_fnv1a_step(h, (uint8_t)type);
}

bool tm_name_equal(const char *a, const char *b)
{
    size_t la = len_without_dot(a), lb = len_without_dot(b);
    return la == lb && tm_ascii_ncasecmp(a, b, la) == 0;
}

bool tm_name_has_suffix(const char *name, const char *suffix)
{
    size_t ln = len_without_dot(name), ls = len_without_dot(suffix);
    if (ls == 0 || ln < ls)
        return false;
    if (tm_ascii_ncasecmp(name + ln - ls, suffix, ls) != 0)
        return false;
    return ln == ls || name[ln - ls - 1] == '.';
}
