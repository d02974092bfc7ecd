/* fuzz_spf_parse.c - the SPF record parser (RFC 7208 section 12) and,
 * behind it, everything that reads a parsed record: the worst-case tree,
 * check_host() and the per-domain analysis over a small copy of the Japan
 * rules.
 *
 * Input: the apex record of fuzz.example, optionally followed by a line
 * feed and a second record (a line feed can never be inside a valid
 * record).  The fetch rounds of tm_run are simulated: every TXT question
 * gets the second record (or the apex record again, which makes every
 * include a fan-out), other questions get a fixed answer chosen from the
 * name, so the include bombs, loops and void lookups the fuzzer writes are
 * all reached. */
#include <string.h>

#include "fuzz.h"
#include "tmems/tm_spf.h"

#define APEX "fuzz.example"
/* One round per tree level, and one for the range evaluation. */
#define ROUNDS (TM_SPF_TREE_DEPTH_MAX + 3)

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static void check_record(const tm_spf_record_t *rec, size_t len)
{
    unsigned dns = 0;
    FUZZ_CHECK(rec->nterms <= TM_SPF_TERMS_MAX && rec->len == len);
    for (size_t i = 0; i < rec->nterms; i++) {
        const tm_spf_term_t *t = &rec->terms[i];
        FUZZ_CHECK(t->text != NULL && t->offset < len);
        FUZZ_CHECK(t->offset + strlen(t->text) <= len);
        FUZZ_CHECK(memcmp(rec->text + t->offset, t->text, strlen(t->text)) == 0);
        dns += tm_spf_kind_queries_dns(t->kind);
        if (t->spec) {
            /* The parser accepted it: the macro grammar must agree. */
            bool exp = t->kind == TM_SPF_EXP || t->kind == TM_SPF_UNKNOWN_MOD;
            FUZZ_CHECK(exp || tm_spf_macro_check(t->spec, strlen(t->spec), false, false, NULL,
                                                 NULL, NULL));
        }
        if (t->domain)
            FUZZ_CHECK(strlen(t->domain) <= TM_NAME_MAX && !t->has_macro);
        if (t->kind == TM_SPF_IP4)
            FUZZ_CHECK(t->net.addr.family == 4 && t->net.prefix <= 32);
        if (t->kind == TM_SPF_IP6)
            FUZZ_CHECK(t->net.addr.family == 6 && t->net.prefix <= 128);
        if (t->kind == TM_SPF_A || t->kind == TM_SPF_MX)
            FUZZ_CHECK(t->cidr4 <= 32 && t->cidr6 <= 128);
    }
    FUZZ_CHECK(dns == rec->dns_terms);
    FUZZ_CHECK(!rec->redirect || rec->redirect->kind == TM_SPF_REDIRECT);
    FUZZ_CHECK(!rec->exp || rec->exp->kind == TM_SPF_EXP);
    FUZZ_CHECK(!rec->all || rec->all->kind == TM_SPF_ALL);
}

static tm_answer_t *txt_answer(const char *name, const char *rec, size_t len)
{
    tm_answer_t *a = tm_answer_create(name, TM_RR_TXT, TM_DNS_NOERROR);
    if (!a)
        return NULL;
    /* One record of 255-byte character-strings, as a zone would publish. */
    const char *strs[TM_SPF_RECORD_MAX / 255 + 2];
    size_t lens[TM_SPF_RECORD_MAX / 255 + 2], n = 0;
    for (size_t off = 0; off < len && n < sizeof lens / sizeof lens[0]; off += 255, n++) {
        strs[n] = rec + off;
        lens[n] = len - off < 255 ? len - off : 255;
    }
    if (n == 0) {
        strs[0] = "";
        lens[0] = 0;
        n = 1;
    }
    if (tm_answer_add_txt(a, 300, strs, lens, n) != TM_OK) {
        tm_answer_unref(a);
        return NULL;
    }
    return a;
}

/* The answer of a question other than the apex TXT: decided by the name so
 * that a run is deterministic. */
static tm_answer_t *other_answer(const char *name, uint16_t type, const char *rec, size_t len)
{
    static const uint8_t addr[4] = {15, 168, 56, 1};
    uint32_t h = name_hash(name);
    tm_answer_t *a = NULL;
    switch (h % 8) {
    case 0: return tm_answer_create(name, type, TM_DNS_NXDOMAIN);
    case 1: return tm_answer_create(name, type, TM_DNS_NODATA);
    case 2: return tm_answer_create(name, type, TM_DNS_SERVFAIL);
    default: break;
    }
    if (type == TM_RR_TXT)
        return txt_answer(name, rec, len);
    a = tm_answer_create(name, type, TM_DNS_NOERROR);
    if (!a)
        return NULL;
    tm_status_t st = TM_OK;
    if (type == TM_RR_A) {
        st = tm_answer_add_a(a, 300, addr);
    } else if (type == TM_RR_MX) {
        st = tm_answer_add_mx(a, 300, 10, "mx1.fuzz.example");
        if (st == TM_OK && h % 8 == 3)
            st = tm_answer_add_mx(a, 300, 20, "mx2.fuzz.example");
    } else if (type == TM_RR_PTR) {
        st = tm_answer_add_name(a, 300, "host.fuzz.example");
    } else {
        a->outcome = TM_DNS_NODATA;
    }
    if (st != TM_OK) {
        tm_answer_unref(a);
        return NULL;
    }
    return a;
}

/* The Japan rules with two small ranges: the range evaluation runs the same
 * code, but an address-dependent record (%{i}, ptr) costs 12 evaluations
 * instead of 512, which keeps the fuzzer fast and the corpus replay short
 * (also under valgrind). */
static const char rules_json[] =
    "{\"schema\": 1, \"region\": \"jp\", \"site\": \"Japan\","
    " \"token\": {\"prefix\": \"tmes=\", \"length\": 32},"
    " \"company_id\": {\"min_length\": 3, \"max_length\": 63},"
    " \"inbound_suffix\": \"in.tmems-jp.trendmicro.com\","
    " \"relay_suffix\": \"relay.tmems-jp.trendmicro.com\","
    " \"spf_include\": \"spf.tmems-jp.trendmicro.com\","
    " \"spf_legacy\": \"spf.tmes.trendmicro.com\","
    " \"mx_ttl_max\": 300, \"smtp_port\": 25,"
    " \"ranges\": [{\"cidr\": \"15.168.56.0/29\"},"
    "              {\"cidr\": \"18.176.203.128/30\", \"since\": \"2024-08-21\"}],"
    " \"records\": [], \"clouds\": []}";

static const tm_rules_t *rules(void)
{
    static tm_rules_t *small;
    char where[256];
    if (!small &&
        tm_rules_parse(rules_json, sizeof rules_json - 1, "fuzz", &small, where, sizeof where) != TM_OK) {
        fprintf(stderr, "fuzz_spf_parse: rules: %s\n", where);
        abort();
    }
    return small;
}

static void analyse(const char *apex, size_t apex_len, const char *other, size_t other_len)
{
    tm_rrset_t *set = tm_rrset_create();
    tm_spf_analysis_t *a = NULL;
    tm_questions_t need;
    tm_questions_init(&need);
    if (!set)
        return;
    tm_answer_t *top = txt_answer(APEX, apex, apex_len);
    if (!top || tm_rrset_put_own(set, top) != TM_OK)
        goto done;

    for (int round = 0; round < ROUNDS; round++) {
        tm_questions_clear(&need);
        tm_spf_analysis_destroy(a);
        a = NULL;
        tm_status_t st = tm_spf_analysis_build(set, APEX, rules(), &need, &a);
        if (st != TM_OK) {
            /* Only the range evaluation's work bound may stop an analysis. */
            FUZZ_CHECK(st == TM_ERANGE && a == NULL);
            break;
        }
        FUZZ_CHECK(a->fetched);
        if (a->tree) {
            FUZZ_CHECK(a->tree->nnodes >= 1 && a->tree->root == a->tree->nodes[0]);
            FUZZ_CHECK(a->tree->depth <= TM_SPF_TREE_DEPTH_MAX);
            /* docs/checks.md: expansion stops once past 10 + 20 lookups. */
            FUZZ_CHECK(a->tree->nnodes <= TM_SPF_TREE_BOUND + 2);
        }
        if (need.count == 0)
            break;
        for (size_t i = 0; i < need.count; i++) {
            tm_answer_t *ans = other_answer(need.items[i].name, need.items[i].type, other,
                                            other_len);
            if (!ans || tm_rrset_put_own(set, ans) != TM_OK)
                goto done;
        }
    }

    /* One check_host() with its trace, from a data-center address. */
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    tm_ip_parse("15.168.56.10", &q.ip);
    q.domain = APEX;
    q.trace = true;
    tm_spf_eval_t ev;
    tm_spf_eval_init(&ev);
    tm_questions_clear(&need);
    if (tm_spf_check_host(set, &q, &need, &ev) == TM_OK) {
        FUZZ_CHECK(ev.result <= TM_SPF_PERMERROR);
        FUZZ_CHECK(ev.state == TM_SPF_DONE || need.count > 0);
    }
    tm_spf_eval_clear(&ev);
done:
    tm_spf_analysis_destroy(a);
    tm_questions_clear(&need);
    tm_rrset_destroy(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t len = nl ? (size_t)(nl - text) : size;

    tm_spf_record_t *rec = NULL;
    tm_spf_parse_error_t err;
    memset(&err, 0, sizeof err);
    tm_status_t st = tm_spf_parse(text, len, &rec, &err);
    if (st == TM_OK) {
        FUZZ_CHECK(rec != NULL);
        check_record(rec, len);
        tm_spf_record_destroy(rec);
    } else {
        FUZZ_CHECK(st == TM_EPARSE || st == TM_ENOMEM);
        FUZZ_CHECK(rec == NULL);
        if (st == TM_EPARSE) {
            FUZZ_CHECK(err.reason != NULL);
            FUZZ_CHECK(strlen(err.term) <= TM_SPF_ERROR_TERM_MAX);
            for (const char *p = err.term; *p; p++)
                FUZZ_CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
        }
    }
    /* The partial parse: no error exactly when the record parses; every
     * term it keeps is a valid record's term, every error names a term. */
    tm_spf_partial_t part;
    tm_status_t pst = tm_spf_parse_partial(text, len, &part);
    FUZZ_CHECK(pst == TM_OK || pst == TM_ENOMEM);
    if (pst == TM_OK && st != TM_ENOMEM) {
        FUZZ_CHECK((part.nerrors == 0) == (st == TM_OK));
        if (part.record)
            check_record(part.record, len);
        for (size_t i = 0; i < part.nerrors; i++) {
            FUZZ_CHECK(part.errors[i].reason != NULL);
            FUZZ_CHECK(part.errors[i].term_offset <= part.errors[i].offset ||
                       part.errors[i].term_index == 0);
            FUZZ_CHECK(i == 0 || part.errors[i].term_index > part.errors[i - 1].term_index);
        }
    }
    tm_spf_partial_clear(&part);
    if (len <= TM_SPF_RECORD_MAX) {
        const char *other = nl ? nl + 1 : text;
        size_t other_len = nl ? size - len - 1 : len;
        if (other_len > TM_SPF_RECORD_MAX)
            other_len = TM_SPF_RECORD_MAX;
        analyse(text, len, other, other_len);
    }
    return 0;
}
