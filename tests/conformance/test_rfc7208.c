/* test_rfc7208.c - drives the openspf RFC 7208 suite (converted to JSON by
 * yaml2json.py) through the pure evaluator.
 *
 * For each test it plays the resolver: call check_host, answer every question
 * it returns from the scenario's zone data (a missing name is NXDOMAIN, a
 * name without the type NODATA, a TIMEOUT marker TIMEOUT, a CNAME is followed
 * with the canonical name set and a CNAME loop is SERVFAIL), and call again
 * until nothing is missing.  The result must be the expected one (or one of
 * the list); the explanation, when the suite gives one and the result is
 * fail, must match with the default explanation set to "DEFAULT".
 * Explanations are compared ignoring ASCII case, as the Perl Mail::SPF driver
 * does: the suite spells %{ir} of an IPv6 address with upper-case nibbles,
 * while RFC 7208 section 7.4 shows them lower-case (which we produce).
 *
 * Prints one line per failing test and "N passed, M failed"; the exit status
 * is non-zero when a test fails. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_spf.h"

#define MAX_ROUNDS 64
#define CNAME_MAX 8

/* Decodes the \xNN escapes of yaml2json.py; *len gets the byte count. */
static char *decode(const char *s, size_t *len)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    size_t o = 0;
    if (!out)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 3 < n + 0 + 1 && s[i + 1] == 'x' && isxdigit((unsigned char)s[i + 2]) &&
            isxdigit((unsigned char)s[i + 3])) {
            char hex[3] = {s[i + 2], s[i + 3], 0};
            out[o++] = (char)strtol(hex, NULL, 16);
            i += 3;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    if (len)
        *len = o;
    return out;
}

static const cJSON *zone_entry(const cJSON *zone, const char *name)
{
    char key[1024];
    size_t n = strlen(name);
    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n >= sizeof(key))
        return NULL;
    for (size_t i = 0; i < n; i++)
        key[i] = (char)tolower((unsigned char)name[i]);
    key[n] = '\0';
    const cJSON *e;
    cJSON_ArrayForEach(e, zone)
    {
        char *k = decode(e->string, NULL);
        int same = strcmp(k, key) == 0;
        free(k);
        if (same)
            return e;
    }
    return NULL;
}

static int add_records(tm_answer_t *ans, const cJSON *entry, uint16_t type)
{
    const char *key = type == TM_RR_A      ? "A"
                      : type == TM_RR_AAAA ? "AAAA"
                      : type == TM_RR_MX   ? "MX"
                      : type == TM_RR_PTR  ? "PTR"
                      : type == TM_RR_TXT  ? "TXT"
                                           : NULL;
    const cJSON *list = key ? cJSON_GetObjectItemCaseSensitive(entry, key) : NULL;
    const cJSON *item;
    int added = 0;
    cJSON_ArrayForEach(item, list)
    {
        tm_status_t st = TM_OK;
        if (type == TM_RR_A || type == TM_RR_AAAA) {
            uint8_t addr[16];
            char *text = decode(item->valuestring, NULL);
            int ok = inet_pton(type == TM_RR_A ? AF_INET : AF_INET6, text, addr) == 1;
            free(text);
            if (!ok)
                continue;
            st = type == TM_RR_A ? tm_answer_add_a(ans, 300, addr) : tm_answer_add_aaaa(ans, 300, addr);
        } else if (type == TM_RR_MX) {
            char *host = decode(cJSON_GetArrayItem(item, 1)->valuestring, NULL);
            st = tm_answer_add_mx(ans, 300, (uint16_t)cJSON_GetArrayItem(item, 0)->valueint, host);
            free(host);
        } else if (type == TM_RR_PTR) {
            char *target = decode(item->valuestring, NULL);
            st = tm_answer_add_name(ans, 300, target);
            free(target);
        } else {
            /* one record of several strings, each cut to 255 bytes */
            const char *ptrs[64];
            size_t lens[64], n = 0;
            char *owned[64];
            size_t nowned = 0;
            const cJSON *s;
            cJSON_ArrayForEach(s, item)
            {
                size_t len;
                char *bytes = decode(s->valuestring, &len);
                owned[nowned++] = bytes;
                for (size_t off = 0; (off < len || off == 0) && n < 64; off += 255) {
                    ptrs[n] = bytes + off;
                    lens[n++] = len - off < 255 ? len - off : 255;
                    if (len == 0)
                        break;
                }
                if (nowned == 64)
                    break;
            }
            st = tm_answer_add_txt(ans, 300, ptrs, lens, n);
            for (size_t i = 0; i < nowned; i++)
                free(owned[i]);
        }
        if (st != TM_OK) {
            fprintf(stderr, "cannot build a record: %s\n", tm_strerror(st));
            exit(2);
        }
        added++;
    }
    return added;
}

/* Answers (name, type) from the zone into ans; CNAMEs are followed. */
static tm_dns_outcome_t fill(tm_answer_t *ans, const cJSON *zone, const char *name, uint16_t type,
                             int depth)
{
    const cJSON *entry = zone_entry(zone, name);
    if (!entry)
        return TM_DNS_NXDOMAIN;
    const cJSON *cname = cJSON_GetObjectItemCaseSensitive(entry, "CNAME");
    if (cname && type != TM_RR_CNAME) {
        if (depth >= CNAME_MAX) {
            tm_answer_set_error(ans, "CNAME loop");
            return TM_DNS_SERVFAIL;
        }
        char *target = decode(cname->valuestring, NULL);
        tm_answer_set_canonical(ans, target);
        tm_dns_outcome_t o = fill(ans, zone, target, type, depth + 1);
        free(target);
        return o;
    }
    if (add_records(ans, entry, type) > 0)
        return TM_DNS_NOERROR;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(entry, "timeout")))
        return TM_DNS_TIMEOUT;
    return TM_DNS_NODATA;
}

static tm_answer_t *resolve(const cJSON *zone, const char *name, uint16_t type)
{
    tm_answer_t *ans = tm_answer_create(name, type, TM_DNS_NOERROR);
    if (!ans)
        abort();
    ans->outcome = fill(ans, zone, name, type, 0);
    return ans;
}

static int result_ok(const cJSON *expected, tm_spf_result_t got)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, expected)
    {
        if (strcmp(r->valuestring, tm_spf_result_name(got)) == 0)
            return 1;
    }
    return 0;
}

/* Returns 1 when the test passes; prints why it does not. */
static int run_test(const cJSON *zone, const cJSON *test)
{
    const char *name = cJSON_GetObjectItemCaseSensitive(test, "name")->valuestring;
    char *host = decode(cJSON_GetObjectItemCaseSensitive(test, "host")->valuestring, NULL);
    char *helo = decode(cJSON_GetObjectItemCaseSensitive(test, "helo")->valuestring, NULL);
    char *mailfrom = decode(cJSON_GetObjectItemCaseSensitive(test, "mailfrom")->valuestring, NULL);
    const cJSON *expected = cJSON_GetObjectItemCaseSensitive(test, "result");
    const cJSON *exp_item = cJSON_GetObjectItemCaseSensitive(test, "explanation");
    char *exp_text = exp_item ? decode(exp_item->valuestring, NULL) : NULL;
    int ok = 0;
    unsigned rounds = 0;
    tm_rrset_t *rrset = tm_rrset_create();
    tm_questions_t need;
    tm_spf_eval_t ev;
    tm_questions_init(&need);
    tm_spf_eval_init(&ev);
    tm_spf_query_t q;
    tm_spf_query_init(&q);
    q.sender = mailfrom;
    q.helo = helo;
    q.default_explanation = "DEFAULT";
    if (!rrset || !tm_ip_parse(host, &q.ip)) {
        printf("FAIL %s: bad host %s\n", name, host);
        goto done;
    }
    for (;;) {
        tm_status_t st = tm_spf_check_host(rrset, &q, &need, &ev);
        if (st != TM_OK) {
            printf("FAIL %s: check_host: %s\n", name, tm_strerror(st));
            goto done;
        }
        if (ev.state == TM_SPF_DONE)
            break;
        if (need.count == 0 || ++rounds > MAX_ROUNDS) {
            printf("FAIL %s: evaluation does not converge\n", name);
            goto done;
        }
        for (size_t i = 0; i < need.count; i++) {
            if (tm_rrset_put_own(rrset, resolve(zone, need.items[i].name, need.items[i].type)) != TM_OK)
                abort();
        }
        tm_questions_clear(&need);
    }
    if (!result_ok(expected, ev.result)) {
        printf("FAIL %s: result %s, expected %s%s (%s)\n", name, tm_spf_result_name(ev.result),
               cJSON_GetArrayItem(expected, 0)->valuestring,
               cJSON_GetArraySize(expected) > 1 ? " or another" : "", ev.reason ? ev.reason : "");
        goto done;
    }
    if (exp_text && ev.result == TM_SPF_FAIL &&
        (!ev.explanation || strcasecmp(ev.explanation, exp_text) != 0)) {
        printf("FAIL %s: explanation \"%s\", expected \"%s\"\n", name,
               ev.explanation ? ev.explanation : "(none)", exp_text);
        goto done;
    }
    ok = 1;
done:
    tm_spf_eval_clear(&ev);
    tm_questions_clear(&need);
    tm_rrset_destroy(rrset);
    free(host);
    free(helo);
    free(mailfrom);
    free(exp_text);
    return ok;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *grown = realloc(data, cap);
            if (!grown)
                abort();
            data = grown;
        }
        memcpy(data + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (data)
        data[len] = '\0';
    return data;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SUITE.json (written by yaml2json.py)\n", argv[0]);
        return 2;
    }
    char *text = slurp(argv[1]);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!root) {
        fprintf(stderr, "%s: cannot read the suite\n", argv[1]);
        return 2;
    }
    int passed = 0, failed = 0;
    const cJSON *scenario;
    cJSON_ArrayForEach(scenario, cJSON_GetObjectItemCaseSensitive(root, "scenarios"))
    {
        const cJSON *zone = cJSON_GetObjectItemCaseSensitive(scenario, "zone");
        const cJSON *test;
        cJSON_ArrayForEach(test, cJSON_GetObjectItemCaseSensitive(scenario, "tests"))
        {
            if (run_test(zone, test))
                passed++;
            else
                failed++;
        }
    }
    int expected = cJSON_GetObjectItemCaseSensitive(root, "tests")->valueint;
    cJSON_Delete(root);
    if (passed + failed != expected) {
        printf("ran %d tests, the suite has %d\n", passed + failed, expected);
        failed += expected - passed - failed;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
