/* fuzz_dns_response.c - tm_dns_parse_response over raw bytes (the answer
 * walker every DNS reply goes through, RFC 1035 section 4).
 *
 * Input: byte 0 picks the question type, byte 1 the length n of the
 * question name, the next n bytes are the name, the rest is the message. */
#include <string.h>

#include "fuzz.h"
#include "tmems/tm_dns.h"

static const uint16_t types[8] = {TM_RR_A,  TM_RR_NS, TM_RR_CNAME, TM_RR_SOA,
                                  TM_RR_PTR, TM_RR_MX, TM_RR_TXT,   TM_RR_AAAA};

static void check_answer(const tm_answer_t *ans, uint16_t qtype, size_t len)
{
    FUZZ_CHECK(ans->name != NULL);
    FUZZ_CHECK(ans->type == qtype);
    FUZZ_CHECK(ans->outcome <= TM_DNS_UNKNOWN);
    if (ans->outcome == TM_DNS_FORMERR)
        FUZZ_CHECK(ans->error != NULL && ans->count == 0);
    else
        FUZZ_CHECK(ans->wire_size == len);
    if (ans->outcome != TM_DNS_NOERROR)
        FUZZ_CHECK(ans->count == 0);
    for (size_t i = 0; i < ans->count; i++) {
        const tm_rr_t *rr = &ans->rrs[i];
        FUZZ_CHECK(rr->type == qtype);
        FUZZ_CHECK(rr->ttl < 0x80000000u); /* RFC 2181 section 8 */
        switch (rr->type) {
        case TM_RR_TXT: {
            size_t sum = 0;
            /* a record without any string is kept, without text (wire.c) */
            FUZZ_CHECK(rr->u.txt.nstrings <= TM_TXT_MAX_STRINGS);
            for (size_t k = 0; k < rr->u.txt.nstrings; k++)
                sum += rr->u.txt.string_lens[k];
            FUZZ_CHECK(sum == rr->u.txt.len && rr->u.txt.data[sum] == '\0');
            break;
        }
        case TM_RR_MX:
            FUZZ_CHECK(strlen(rr->u.mx.host) < 1024);
            break;
        case TM_RR_CNAME:
        case TM_RR_PTR:
        case TM_RR_NS:
            FUZZ_CHECK(strlen(rr->u.name) < 1024);
            break;
        case TM_RR_SOA:
            FUZZ_CHECK(strlen(rr->u.soa.mname) < 1024 && strlen(rr->u.soa.rname) < 1024);
            break;
        default:
            break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char qname[256];
    if (size < 2)
        return 0;
    uint16_t qtype = types[data[0] & 7];
    size_t n = data[1];
    if (size - 2 < n)
        return 0;
    memcpy(qname, data + 2, n);
    qname[n] = '\0'; /* a NUL inside simply shortens the name */
    const uint8_t *msg = data + 2 + n;
    size_t len = size - 2 - n;

    tm_answer_t *ans = NULL;
    tm_status_t st = tm_dns_parse_response(msg, len, qname, qtype, &ans);
    if (st == TM_OK) {
        FUZZ_CHECK(ans != NULL);
        check_answer(ans, qtype, len);
        /* The rrset shares answers by reference: put, look up, destroy. */
        tm_rrset_t *set = tm_rrset_create();
        if (set) {
            tm_rrset_put_own(set, tm_answer_ref(ans));
            FUZZ_CHECK(tm_rrset_get(set, ans->name, qtype) != NULL);
            tm_rrset_destroy(set);
        }
        tm_answer_unref(ans);
    } else {
        /* Only a question that cannot be a name is refused outright. */
        FUZZ_CHECK(st == TM_EINVAL || st == TM_ENOMEM);
        FUZZ_CHECK(ans == NULL);
    }
    return 0;
}
