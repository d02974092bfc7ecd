/* select.c - which TXT record is the SPF record (RFC 7208 section 4.5), and
 * the names of results, kinds and node states. */
#include <string.h>

#include "spf_internal.h"

const char *tm_spf_result_name(tm_spf_result_t result)
{
    switch (result) {
    case TM_SPF_NONE: return "none";
    case TM_SPF_NEUTRAL: return "neutral";
    case TM_SPF_PASS: return "pass";
    case TM_SPF_FAIL: return "fail";
    case TM_SPF_SOFTFAIL: return "softfail";
    case TM_SPF_TEMPERROR: return "temperror";
    case TM_SPF_PERMERROR: return "permerror";
    }
    return "permerror";
}

const char *tm_spf_kind_name(tm_spf_kind_t kind)
{
    switch (kind) {
    case TM_SPF_ALL: return "all";
    case TM_SPF_INCLUDE: return "include";
    case TM_SPF_A: return "a";
    case TM_SPF_MX: return "mx";
    case TM_SPF_PTR: return "ptr";
    case TM_SPF_IP4: return "ip4";
    case TM_SPF_IP6: return "ip6";
    case TM_SPF_EXISTS: return "exists";
    case TM_SPF_REDIRECT: return "redirect";
    case TM_SPF_EXP: return "exp";
    case TM_SPF_UNKNOWN_MOD: return "modifier";
    }
    return "modifier";
}

bool tm_spf_kind_queries_dns(tm_spf_kind_t kind)
{
    return kind == TM_SPF_INCLUDE || kind == TM_SPF_A || kind == TM_SPF_MX ||
           kind == TM_SPF_PTR || kind == TM_SPF_EXISTS || kind == TM_SPF_REDIRECT;
}

const char *tm_spf_node_status_name(tm_spf_node_status_t status)
{
    switch (status) {
    case TM_SPF_NODE_OK: return "ok";
    case TM_SPF_NODE_MISSING: return "missing";
    case TM_SPF_NODE_NO_RECORD: return "no-record";
    case TM_SPF_NODE_MULTIPLE: return "multiple-records";
    case TM_SPF_NODE_SYNTAX: return "syntax-error";
    case TM_SPF_NODE_DNS_ERROR: return "dns-error";
    case TM_SPF_NODE_OFFLINE: return "offline-unknown";
    case TM_SPF_NODE_BAD_NAME: return "bad-name";
    }
    return "bad-name";
}

bool tm_spf_is_record(const char *data, size_t len)
{
    /* Section 4.5: "v=spf1" exactly, then a space or the end; the version
     * is case-insensitive ("V=sPf1" counts; "v=spf10" does not). */
    if (len < 6 || tm_ascii_ncasecmp(data, "v=spf1", 6) != 0)
        return false;
    return len == 6 || data[6] == ' ';
}

tm_spf_selection_t tm_spf_select(const tm_answer_t *txt, const tm_rr_t **record, size_t *count)
{
    size_t n = 0;
    const tm_rr_t *first = NULL;
    if (txt && txt->outcome == TM_DNS_NOERROR) {
        for (size_t i = 0; i < txt->count; i++) {
            const tm_rr_t *rr = &txt->rrs[i];
            if (rr->type != TM_RR_TXT || !rr->u.txt.data ||
                !tm_spf_is_record(rr->u.txt.data, rr->u.txt.len))
                continue;
            if (n++ == 0)
                first = rr;
        }
    }
    if (record)
        *record = first;
    if (count)
        *count = n;
    if (n == 0)
        return TM_SPF_SEL_NONE;
    return n == 1 ? TM_SPF_SEL_ONE : TM_SPF_SEL_MULTIPLE;
}
