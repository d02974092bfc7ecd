/* check_help.c - what each check verifies, one sentence each, for the
 * rules of the SARIF report (tm_check_help, tm_report_ci.h).  The full
 * text of each is docs/checks.md, under the check's id. */
#include <string.h>

#include "tmems/tm_report_ci.h"
#include "util/tm_i18n.h"

typedef struct {
    const char *id;
    const char *help; /* N_(): translated when asked for */
} check_help_t;



static const check_help_t helps[] = {
    {"domain.name", N_("The domain is a valid domain name.")},
    {"domain.exists", N_("The domain exists in DNS.")},
    {"token.present", N_("Exactly one TXT record at the apex holds the ownership token (tmes=).")},
    {"token.format", N_("The ownership token is tmes= and 32 letters and digits, in one string.")},
    {"token.match", N_("The published ownership token is the one the console shows (--token).")},
    {"dns.consistency", N_("Every authoritative server gives the same answers (--authoritative).")},
    {"mx.present", N_("The apex has at least one MX record.")},
    {"mx.tmems", N_("The lowest-preference MX host is the company's TMEmS inbound host.")},
    {"mx.bypass", N_("After the cutover, every MX host is a TMEmS inbound host.")},
    {"mx.ttl", N_("Before the cutover, the MX TTL is at most 300 seconds.")},
    {"mx.target", N_("Every MX target is a host name with an address, not an IP or an alias.")},
    {"company.id", N_("The company ID is a valid host label.")},
    {"company.inbound_host", N_("The company's TMEmS inbound host exists.")},
    {"inbound.servers", N_("The receiving servers to enter in the console.")},
    {"inbound.cloud", N_("Whether the current MX is another cloud mail service.")},
    {"inbound.firewall", N_("The data-center ranges the receiving servers must accept mail from.")},
    {"inbound.smtp", N_("Each receiving server answers SMTP on TCP 25 (--smtp).")},
    {"spf.present", N_("The apex publishes an SPF record.")},
    {"spf.single", N_("The apex publishes exactly one SPF record.")},
    {"spf.syntax", N_("Every SPF record of the tree parses (RFC 7208 section 12).")},
    {"spf.include", N_("The SPF record includes the TMEmS SPF record of the data center.")},
    {"spf.lookups", N_("SPF needs at most 10 DNS lookups (RFC 7208 section 4.6.4).")},
    {"spf.void_lookups", N_("At most 2 SPF lookups find nothing (RFC 7208 section 4.6.4).")},
    {"spf.mx_names", N_("Each mx term names at most 10 mail hosts.")},
    {"spf.ptr", N_("No ptr term (RFC 7208 section 5.5 says not to use it).")},
    {"spf.loop", N_("No include or redirect loops back.")},
    {"spf.include_target", N_("Every include and redirect target has one SPF record.")},
    {"spf.all", N_("The SPF record ends in ~all or -all.")},
    {"spf.tmems_ranges", N_("SPF passes every address of the data-center ranges.")},
    {"spf.hardcoded", N_("The data-center ranges come through the include, not ip4: terms.")},
    {"spf.size", N_("Every TXT string is at most 255 bytes and the answer fits in 512.")},
    {"company.relay_host", N_("The company's TMEmS relay host exists.")},
    {"rules.current", N_("The live TMEmS SPF record matches the bundled rules.")},
};

const char *tm_check_help(const char *id)
{
    for (size_t i = 0; id && i < sizeof helps / sizeof helps[0]; i++) {
        if (strcmp(helps[i].id, id) == 0)
            return _(helps[i].help);
    }
    return NULL;
}
