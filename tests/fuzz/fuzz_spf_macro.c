/* fuzz_spf_macro.c - RFC 7208 section 7 macros: validation, expansion and
 * the domain-spec expansion used for queries, with one fixed environment.
 *
 * Input: byte 0 holds flags (bit 0: explanation text, bit 1: domain-spec,
 * bit 2: IPv6 client), the rest is the macro-string. */
#include <string.h>

#include "fuzz.h"
#include "tmems/tm_spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tm_ip_t ip4, ip6;
    static int ready;
    if (!ready) {
        tm_ip_parse("192.0.2.3", &ip4);
        tm_ip_parse("2001:db8::cb01", &ip6);
        ready = 1;
    }
    if (size < 1)
        return 0;
    bool exp_text = data[0] & 1, domain_spec = (data[0] & 2) != 0;
    const char *s = (const char *)data + 1;
    size_t len = size - 1;

    /* The section 7.4 example sender, with a long local-part so that
     * transformers and escaping meet a value near the SMTP limits. */
    tm_spf_macro_env_t env = {
        .sender = "strong-bad.with.a-long.local-part.0123456789abcdef0123456789@email.example.com",
        .local = "strong-bad.with.a-long.local-part.0123456789abcdef0123456789",
        .sender_domain = "email.example.com",
        .domain = "email.example.com",
        .ip = (data[0] & 4) ? &ip6 : &ip4,
        .helo = "mx.example.org",
        .receiver = "receiver.example.net",
        .validated = NULL,
        .timestamp = 1700000000,
    };

    uint32_t letters = 0;
    size_t bad = (size_t)-1;
    const char *reason = NULL;
    bool valid = tm_spf_macro_check(s, len, exp_text, domain_spec, &letters, &bad, &reason);
    if (!valid)
        FUZZ_CHECK(reason != NULL && bad <= len);

    tm_buf_t out;
    tm_buf_init(&out);
    tm_status_t st = tm_spf_macro_expand(s, len, &env, exp_text, &out);
    /* A string the validator accepts always expands (or hits the size cap). */
    if (valid)
        FUZZ_CHECK(st == TM_OK || st == TM_ERANGE || st == TM_ENOMEM);
    if (st == TM_OK)
        FUZZ_CHECK(out.len <= TM_SPF_EXPAND_MAX);
    tm_buf_clear(&out);

    if (domain_spec) {
        char *spec = malloc(len + 1);
        if (!spec)
            return 0;
        memcpy(spec, s, len);
        spec[len] = '\0';
        char name[TM_NAME_MAX + 1];
        if (tm_spf_expand_domain(spec, &env, name) == TM_OK) {
            size_t n = strlen(name);
            FUZZ_CHECK(n > 0 && n <= TM_NAME_MAX && name[n - 1] != '.');
        }
        free(spec);
    }
    return 0;
}
