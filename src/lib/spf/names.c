/* names.c - the name rules of the SPF engine: which names can be asked, the
 * reverse-lookup names, and the initial-domain test of RFC 7208 section 4.3. */
#include <stdio.h>
#include <string.h>

#include "spf_internal.h"

bool spf_name_queryable(const char *name)
{
    size_t len = strnlen(name, TM_NAME_MAX + 2);
    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0 || len > TM_NAME_MAX)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (++label > TM_LABEL_MAX) {
            return false;
        }
    }
    return label > 0;
}

tm_status_t spf_need(tm_questions_t *need, const tm_rrset_t *rrset, const char *name,
                     uint16_t type)
{
    if (!need)
        return TM_OK;
    return tm_questions_add(need, rrset, name, type);
}

void spf_reverse_name(const tm_ip_t *ip, char *out)
{
    static const char hex[] = "0123456789abcdef";
    if (ip->family == 4) {
        snprintf(out, SPF_REVERSE_MAX, "%u.%u.%u.%u.in-addr.arpa", ip->bytes[3], ip->bytes[2],
                 ip->bytes[1], ip->bytes[0]);
        return;
    }
    char *p = out;
    for (int i = 15; i >= 0; i--) {
        *p++ = hex[ip->bytes[i] & 15];
        *p++ = '.';
        *p++ = hex[ip->bytes[i] >> 4];
        *p++ = '.';
    }
    memcpy(p, "ip6.arpa", sizeof("ip6.arpa"));
}

bool spf_domain_initial_valid(const char *domain)
{
    char canonical[TM_NAME_MAX + 1];
    /* Section 4.3: a malformed name (long or empty label) or a single label
     * gives "none" without a query.  A domain literal or an address is not a
     * domain at all, which tm_domain_normalize also rejects. */
    return tm_domain_normalize(domain, canonical) == TM_NAME_OK;
}

bool spf_domain_target_valid(const char *domain)
{
    size_t len = strlen(domain);
    if (len > 0 && domain[len - 1] == '.')
        len--;
    const char *dot = memchr(domain, '.', len);
    return spf_name_queryable(domain) && dot != NULL;
}

bool spf_name_copy(const char *in, size_t len, char out[TM_NAME_MAX + 1])
{
    return tm_name_canonical(in, len, out, TM_NAME_MAX + 1);
}
