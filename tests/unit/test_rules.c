/* test_rules.c - the bundled rules carry the facts of docs/checks.md, the lookups
 * answer what the checks ask, and every bad --rules document is refused with
 * the JSON path of its first problem, without a leak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_data.h"
#include "tmems/tm_rules.h"

static int setup_locale(void **state)
{
    (void)state;
    /* English messages: the expected paths and reasons are the msgids. */
    setenv("LANGUAGE", "C", 1);
    setenv("LC_ALL", "C", 1);
    setlocale(LC_ALL, "C");
    return 0;
}

static int reset_alloc(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

static const tm_rules_blob_t *blob_for(const char *region)
{
    for (const tm_rules_blob_t *b = tm_rules_blobs; b->region; b++)
        if (strcmp(b->region, region) == 0)
            return b;
    return NULL;
}

static tm_rules_t *load(const char *region)
{
    tm_rules_t *rules = NULL;
    assert_int_equal(tm_rules_bundled(region, &rules), TM_OK);
    assert_non_null(rules);
    return rules;
}

/* Every region named by tm_rules_regions is embedded and loads, and every
 * embedded file is named: a new data/rules/<region>.json cannot be forgotten. */
static void test_regions_match_blobs(void **state)
{
    (void)state;
    const char *const *regions = tm_rules_regions();
    size_t nregions = 0;
    assert_string_equal(regions[0], "jp"); /* the default comes first */
    for (; regions[nregions]; nregions++) {
        tm_rules_t *rules = load(regions[nregions]);
        assert_string_equal(rules->region, regions[nregions]);
        assert_string_equal(rules->source, "bundled");
        assert_true(rules->nranges > 0);
        tm_rules_destroy(rules);
    }
    assert_int_equal(nregions, 7);
    size_t nblobs = 0;
    for (const tm_rules_blob_t *b = tm_rules_blobs; b->region; b++, nblobs++) {
        bool named = false;
        for (size_t i = 0; regions[i]; i++)
            named = named || strcmp(regions[i], b->region) == 0;
        assert_true(named);
        assert_int_equal(b->len, strlen(b->json));
        /* What the build read from each file (cmake/embed_rules.cmake) is
         * what the parser reads from it. */
        tm_rules_t *parsed = NULL;
        assert_int_equal(tm_rules_parse(b->json, b->len, "bundled", &parsed, NULL, 0), TM_OK);
        assert_string_equal(b->site, parsed->site);
        assert_string_equal(b->inbound_suffix, parsed->inbound_suffix);
        tm_rules_destroy(parsed);
    }
    assert_int_equal(nblobs, nregions);
}

static void test_unknown_region(void **state)
{
    (void)state;
    tm_rules_t *rules = (tm_rules_t *)&rules; /* must be reset to NULL */
    assert_int_equal(tm_rules_bundled("xx", &rules), TM_ENOTFOUND);
    assert_null(rules);
    assert_int_equal(tm_rules_bundled("JP", &rules), TM_ENOTFOUND);
    assert_int_equal(tm_rules_bundled("", &rules), TM_ENOTFOUND);
    tm_rules_destroy(NULL);
}

static void test_japan_facts(void **state)
{
    (void)state;
    static const char *const cidrs[] = {"18.176.203.128/26", "18.176.203.192/26",
                                        "18.177.156.0/26",   "18.177.156.64/26",
                                        "15.168.56.0/25",    "15.168.49.64/26",
                                        "15.168.56.128/26"};
    tm_rules_t *r = load("jp");
    assert_string_equal(r->site, "Japan");
    assert_string_equal(r->inbound_suffix, "in.tmems-jp.trendmicro.com");
    assert_string_equal(r->relay_suffix, "relay.tmems-jp.trendmicro.com");
    assert_string_equal(r->spf_include, "spf.tmems-jp.trendmicro.com");
    assert_non_null(r->spf_legacy);
    assert_string_equal(r->spf_legacy, "spf.tmes.trendmicro.com");
    assert_string_equal(r->token_prefix, "tmes=");
    assert_int_equal(r->token_length, 32);
    assert_int_equal(r->company_min, 3);
    assert_int_equal(r->company_max, 63);
    assert_int_equal(r->mx_ttl_max, 300);
    assert_int_equal(r->smtp_port, 25);

    assert_int_equal(r->nranges, 7);
    size_t added = 0;
    uint64_t addresses = 0;
    for (size_t i = 0; i < r->nranges; i++) {
        assert_string_equal(r->ranges[i].cidr, cidrs[i]);
        tm_cidr_t want;
        assert_true(tm_cidr_parse(cidrs[i], &want));
        assert_int_equal(r->ranges[i].net.prefix, want.prefix);
        assert_memory_equal(r->ranges[i].net.addr.bytes, want.addr.bytes, 4);
        addresses += tm_cidr_size_v4(&r->ranges[i].net);
        if (r->ranges[i].since) {
            assert_string_equal(r->ranges[i].since, "2024-08-21");
            assert_true(strncmp(r->ranges[i].cidr, "15.168.", 7) == 0);
            added++;
        } else {
            assert_true(strncmp(r->ranges[i].cidr, "18.17", 5) == 0);
        }
    }
    assert_int_equal(added, 3);
    assert_int_equal(addresses, 512); /* docs/checks.md spf.tmems_ranges */

    /* The site record and the legacy chain, for offline SPF counting. */
    assert_int_equal(r->nrecords, 4);
    assert_string_equal(r->records[0].name, "spf.tmems-jp.trendmicro.com");
    assert_string_equal(r->records[1].name, "spf.tmes.trendmicro.com");
    assert_string_equal(r->records[2].name, "spfb.tmes.trendmicro.com");
    assert_string_equal(r->records[3].name, "spfc.tmes.trendmicro.com");
    for (size_t i = 0; i < r->nrecords; i++) {
        assert_int_equal(r->records[i].type, TM_RR_TXT);
        assert_true(strncmp(r->records[i].value, "v=spf1 ", 7) == 0);
    }
    /* The site record authorises exactly the seven ranges. */
    for (size_t i = 0; i < r->nranges; i++) {
        char term[64];
        snprintf(term, sizeof term, " ip4:%s ", cidrs[i]);
        assert_non_null(strstr(r->records[0].value, term));
    }

    assert_int_equal(r->nclouds, 2);
    assert_string_equal(r->clouds[0].id, "microsoft365");
    assert_string_equal(r->clouds[1].id, "google");
    tm_rules_destroy(r);
}

typedef struct {
    const char *region, *inbound, *relay, *spf;
    const char *ranges[4];
    size_t nranges;
} region_facts_t;

/* docs/rules.md, the bundled regions. */
static const region_facts_t other_regions[] = {
    {"us", "in.tmes.trendmicro.com", "relay.tmes.trendmicro.com", "spf-us.tmes.trendmicro.com",
     {"18.208.22.64/26", "18.208.22.128/25", "18.188.9.192/26", "18.188.239.128/26"}, 4},
    {"eu", "in.tmes.trendmicro.eu", "relay.tmes.trendmicro.eu", "spf.tmes.trendmicro.eu",
     {"18.185.115.0/25", "18.185.115.128/26", "34.253.238.128/26", "34.253.238.192/26"}, 4},
    {"anz", "in.tmes-anz.trendmicro.com", "relay.tmes-anz.trendmicro.com",
     "spf.tmes-anz.trendmicro.com", {"13.238.202.0/25", "13.238.202.128/26"}, 2},
    {"sg", "in.tmes-sg.trendmicro.com", "relay.tmes-sg.trendmicro.com",
     "spf.tmes-sg.trendmicro.com", {"13.213.174.128/25", "13.213.220.0/26"}, 2},
    {"in", "in.tmes-in.trendmicro.com", "relay.tmes-in.trendmicro.com",
     "spf.tmes-in.trendmicro.com", {"3.110.59.128/25", "3.110.71.192/26"}, 2},
    {"uae", "in.tmes-uae.trendmicro.com", "relay.tmes-uae.trendmicro.com",
     "spf.tmes-uae.trendmicro.com", {"3.29.202.0/25", "3.29.194.192/26"}, 2},
};

static void test_other_regions(void **state)
{
    (void)state;
    tm_rules_t *jp = load("jp");
    for (size_t k = 0; k < sizeof other_regions / sizeof other_regions[0]; k++) {
        const region_facts_t *f = &other_regions[k];
        tm_rules_t *r = load(f->region);
        assert_string_equal(r->region, f->region);
        assert_string_equal(r->inbound_suffix, f->inbound);
        assert_string_equal(r->relay_suffix, f->relay);
        assert_string_equal(r->spf_include, f->spf);
        assert_null(r->spf_legacy);
        assert_int_equal(r->nrecords, 0);
        assert_int_equal(r->nranges, f->nranges);
        for (size_t i = 0; i < f->nranges; i++) {
            assert_string_equal(r->ranges[i].cidr, f->ranges[i]);
            assert_null(r->ranges[i].since);
        }
        /* What docs/checks.md states once for every site. */
        assert_string_equal(r->token_prefix, jp->token_prefix);
        assert_int_equal(r->token_length, jp->token_length);
        assert_int_equal(r->company_min, jp->company_min);
        assert_int_equal(r->company_max, jp->company_max);
        assert_int_equal(r->mx_ttl_max, jp->mx_ttl_max);
        assert_int_equal(r->smtp_port, jp->smtp_port);
        assert_int_equal(r->nclouds, jp->nclouds);
        tm_rules_destroy(r);
    }
    tm_rules_destroy(jp);
}

static char *edit(const char *base, const char *find, const char *repl);
static char *jp_text(void);

/* Every bundled rules set knows the other sites by their inbound suffix,
 * so an MX that points at another site can be named (mx.tmems). */
static void test_other_sites(void **state)
{
    (void)state;
    const char *const *regions = tm_rules_regions();
    size_t nregions = 0;
    while (regions[nregions])
        nregions++;
    for (size_t k = 0; regions[k]; k++) {
        tm_rules_t *r = load(regions[k]);
        assert_int_equal(r->nother_sites, nregions - 1);
        for (size_t i = 0; i < r->nother_sites; i++) {
            const tm_rules_site_t *s = &r->other_sites[i];
            assert_string_not_equal(s->region, r->region);
            assert_string_not_equal(s->inbound_suffix, r->inbound_suffix);
            tm_rules_t *other = load(s->region);
            assert_string_equal(s->site, other->site);
            assert_string_equal(s->inbound_suffix, other->inbound_suffix);
            tm_rules_destroy(other);
        }
        tm_rules_destroy(r);
    }

    tm_rules_t *jp = load("jp");
    char id[TM_LABEL_MAX + 1];
    const tm_rules_site_t *s = tm_rules_other_site_of_host(jp, "Acme.IN.tmes.trendmicro.com.",
                                                           id, sizeof id);
    assert_non_null(s);
    assert_string_equal(s->region, "us");
    assert_string_equal(id, "acme");
    s = tm_rules_other_site_of_host(jp, "x-1.in.tmes.trendmicro.eu", id, sizeof id);
    assert_non_null(s);
    assert_string_equal(s->region, "eu");
    assert_string_equal(s->site, "Europe and Africa");
    /* this site's own host, hosts that are no inbound host, bad arguments */
    assert_null(tm_rules_other_site_of_host(jp, "acme.in.tmems-jp.trendmicro.com", id, sizeof id));
    assert_null(tm_rules_other_site_of_host(jp, "a.b.in.tmes.trendmicro.com", id, sizeof id));
    assert_null(tm_rules_other_site_of_host(jp, "acme.relay.tmes.trendmicro.com", id, sizeof id));
    assert_null(tm_rules_other_site_of_host(jp, "mail.example", id, sizeof id));
    assert_null(tm_rules_other_site_of_host(NULL, "acme.in.tmes.trendmicro.com", id, sizeof id));

    /* A --rules file has none until asked; one that copies a bundled
     * site's suffix under another region does not list that site. */
    char *base = jp_text();
    char *renamed = edit(base, "\"region\": \"jp\"", "\"region\": \"xx\"");
    tm_rules_t *file = NULL;
    assert_int_equal(tm_rules_parse(renamed, strlen(renamed), "file", &file, NULL, 0), TM_OK);
    assert_int_equal(file->nother_sites, 0);
    assert_null(tm_rules_other_site_of_host(file, "acme.in.tmes.trendmicro.com", id, sizeof id));
    assert_int_equal(tm_rules_add_other_sites(file), TM_OK);
    assert_int_equal(file->nother_sites, nregions - 1);
    for (size_t i = 0; i < file->nother_sites; i++)
        assert_string_not_equal(file->other_sites[i].region, "jp");
    /* called again, the list is replaced, not grown */
    assert_int_equal(tm_rules_add_other_sites(file), TM_OK);
    assert_int_equal(file->nother_sites, nregions - 1);
    assert_int_equal(tm_rules_add_other_sites(NULL), TM_EINVAL);
    for (unsigned long n = 1;; n++) {
        tm_alloc_fail_after(n);
        tm_status_t st = tm_rules_add_other_sites(file);
        tm_alloc_fail_after(0);
        if (st == TM_OK)
            break;
        assert_int_equal(st, TM_ENOMEM);
        /* the list in place stays whole */
        assert_int_equal(file->nother_sites, nregions - 1);
    }
    tm_rules_destroy(file);
    free(renamed);
    free(base);
    tm_rules_destroy(jp);
}

static void test_hosts(void **state)
{
    (void)state;
    tm_rules_t *r = load("jp");
    char buf[TM_NAME_MAX + 1];
    assert_true(tm_rules_inbound_host(r, "acme", buf, sizeof buf));
    assert_string_equal(buf, "acme.in.tmems-jp.trendmicro.com");
    assert_true(tm_rules_relay_host(r, "acme", buf, sizeof buf));
    assert_string_equal(buf, "acme.relay.tmems-jp.trendmicro.com");

    /* Too long for a name (253), or for the caller's buffer. */
    char company[240];
    memset(company, 'a', sizeof company - 1);
    company[sizeof company - 1] = '\0';
    assert_false(tm_rules_inbound_host(r, company, buf, sizeof buf));
    assert_false(tm_rules_inbound_host(r, "acme", buf, 10));
    assert_false(tm_rules_inbound_host(r, "", buf, sizeof buf));
    tm_rules_destroy(r);
}

static void test_company_from_host(void **state)
{
    (void)state;
    tm_rules_t *jp = load("jp");
    tm_rules_t *us = load("us");
    char id[TM_LABEL_MAX + 1];

    assert_true(tm_rules_company_from_host(jp, "acme.in.tmems-jp.trendmicro.com", id, sizeof id));
    assert_string_equal(id, "acme");
    memset(id, 0, sizeof id);
    assert_true(
        tm_rules_company_from_host(jp, "acme-corp.in.tmems-jp.trendmicro.com.", id, sizeof id));
    assert_string_equal(id, "acme-corp");
    /* DNS names are case-insensitive; the ID comes out in lower case. */
    assert_true(tm_rules_company_from_host(jp, "ACME.In.TMEMS-JP.TrendMicro.COM", id, sizeof id));
    assert_string_equal(id, "acme");

    static const char *const not_company[] = {
        "a.b.in.tmems-jp.trendmicro.com",      /* two labels */
        "in.tmems-jp.trendmicro.com",          /* the suffix itself */
        ".in.tmems-jp.trendmicro.com",         /* empty label */
        "acmein.tmems-jp.trendmicro.com",      /* no label boundary */
        "acme.relay.tmems-jp.trendmicro.com",  /* relay, not inbound */
        "acme.in.tmes.trendmicro.com",         /* another data center */
        "acme.in.tmems-jp.trendmicro.com.evil", /* suffix not at the end */
        "mx.example.com",
        "",
    };
    for (size_t i = 0; i < sizeof not_company / sizeof not_company[0]; i++)
        assert_false(tm_rules_company_from_host(jp, not_company[i], id, sizeof id));

    /* The label must fit the caller's buffer. */
    assert_false(tm_rules_company_from_host(jp, "acme.in.tmems-jp.trendmicro.com", id, 4));
    assert_true(tm_rules_company_from_host(jp, "acme.in.tmems-jp.trendmicro.com", id, 5));
    assert_string_equal(id, "acme");

    /* Each region knows only its own suffix. */
    assert_true(tm_rules_company_from_host(us, "acme.in.tmes.trendmicro.com", id, sizeof id));
    assert_string_equal(id, "acme");
    assert_false(tm_rules_company_from_host(us, "acme.in.tmems-jp.trendmicro.com", id, sizeof id));
    tm_rules_destroy(us);
    tm_rules_destroy(jp);
}

static void test_cloud_for(void **state)
{
    (void)state;
    tm_rules_t *r = load("jp");
    const tm_rules_cloud_t *c = tm_rules_cloud_for(r, "acme-com.mail.protection.outlook.com");
    assert_non_null(c);
    assert_string_equal(c->id, "microsoft365");
    assert_string_equal(c->name, "Microsoft 365");
    c = tm_rules_cloud_for(r, "ALT1.ASPMX.L.GOOGLE.COM.");
    assert_non_null(c);
    assert_string_equal(c->id, "google");
    c = tm_rules_cloud_for(r, "google.com");
    assert_non_null(c);
    c = tm_rules_cloud_for(r, "alt2.gmr-smtp-in.l.googlemail.com");
    assert_non_null(c);
    assert_string_equal(c->id, "google");
    assert_null(tm_rules_cloud_for(r, "notgoogle.com"));
    assert_null(tm_rules_cloud_for(r, "google.com.evil.example"));
    assert_null(tm_rules_cloud_for(r, "acme.in.tmems-jp.trendmicro.com"));
    tm_rules_destroy(r);
}

/* The senders that manage their own SPF records (docs/rules.md,
 * spf_senders): the SPF remedy never flattens their includes. */
static void test_spf_senders(void **state)
{
    (void)state;
    tm_rules_t *r = load("jp");
    assert_true(r->nspf_senders >= 3);
    const tm_rules_cloud_t *s = tm_rules_spf_sender_for(r, "_spf.google.com");
    assert_non_null(s);
    assert_string_equal(s->name, "Google Workspace");
    s = tm_rules_spf_sender_for(r, "SPF.Protection.Outlook.com.");
    assert_non_null(s);
    assert_string_equal(s->id, "microsoft365");
    assert_null(tm_rules_spf_sender_for(r, "_spf.acme.example"));
    assert_null(tm_rules_spf_sender_for(r, "sendgrid.net.evil.example"));
    /* The site's own includes, whatever the list says. */
    assert_true(tm_rules_spf_vendor_managed(r, "spf.tmems-jp.trendmicro.com"));
    assert_true(tm_rules_spf_vendor_managed(r, "spfb.tmes.trendmicro.com"));
    assert_true(tm_rules_spf_vendor_managed(r, "o1.sendgrid.net"));
    assert_false(tm_rules_spf_vendor_managed(r, "_spf.acme.example"));
    assert_false(tm_rules_spf_vendor_managed(r, NULL));
    tm_rules_destroy(r);
}

/* A rules file written before spf_senders still reads: the key is
 * optional, and then only the site's includes are the vendor's. */
static void test_spf_senders_optional(void **state)
{
    (void)state;
    const char *doc =
        "{\"schema\": 1, \"region\": \"jp\", \"site\": \"Japan\","
        "\"token\": {\"prefix\": \"tmes=\", \"length\": 32},"
        "\"company_id\": {\"min_length\": 3, \"max_length\": 63},"
        "\"inbound_suffix\": \"in.tmems-jp.trendmicro.com\","
        "\"relay_suffix\": \"relay.tmems-jp.trendmicro.com\","
        "\"spf_include\": \"spf.tmems-jp.trendmicro.com\", \"spf_legacy\": null,"
        "\"mx_ttl_max\": 300, \"smtp_port\": 25,"
        "\"ranges\": [{\"cidr\": \"18.176.203.128/26\"}], \"records\": [], \"clouds\": []}";
    tm_rules_t *r = NULL;
    char where[256];
    assert_int_equal(tm_rules_parse(doc, strlen(doc), "test", &r, where, sizeof where), TM_OK);
    assert_int_equal(r->nspf_senders, 0);
    assert_true(tm_rules_spf_vendor_managed(r, "spf.tmems-jp.trendmicro.com"));
    assert_false(tm_rules_spf_vendor_managed(r, "_spf.google.com"));
    tm_rules_destroy(r);
}

/* ---- bad documents ------------------------------------------------------- */

/* base with the first occurrence of find replaced (find must occur). */
static char *edit(const char *base, const char *find, const char *repl)
{
    const char *at = strstr(base, find);
    if (!at)
        fail_msg("test bug: \"%s\" is not in the base document", find);
    size_t pre = (size_t)(at - base), flen = strlen(find), rlen = strlen(repl);
    size_t total = strlen(base) - flen + rlen;
    char *out = malloc(total + 1);
    assert_non_null(out);
    memcpy(out, base, pre);
    memcpy(out + pre, repl, rlen);
    strcpy(out + pre + rlen, at + flen);
    return out;
}

typedef struct {
    const char *find, *repl;
    tm_status_t status;
    const char *where;
} bad_doc_t;

static const bad_doc_t bad_docs[] = {
    {"\"inbound_suffix\": \"in.tmems-jp.trendmicro.com\",", "", TM_EINVAL,
     "$.inbound_suffix: missing"},
    {"\"schema\": 1,", "", TM_EINVAL, "$.schema: missing"},
    {"\"length\": 32", "\"length\": \"32\"", TM_EINVAL,
     "$.token.length: must be an integer from 1 to 255"},
    {"\"length\": 32", "\"length\": 0", TM_EINVAL,
     "$.token.length: must be an integer from 1 to 255"},
    {"\"length\": 32", "\"length\": 32.5", TM_EINVAL,
     "$.token.length: must be an integer from 1 to 255"},
    {"\"length\": 32", "\"length\": 1e999", TM_EINVAL,
     "$.token.length: must be an integer from 1 to 255"},
    {"\"max_length\": 63", "\"max_length\": 2", TM_EINVAL,
     "$.company_id.max_length: must be an integer from 3 to 63"},
    {"\"smtp_port\": 25", "\"smtp_port\": 65536", TM_EINVAL,
     "$.smtp_port: must be an integer from 1 to 65535"},
    {"\"mx_ttl_max\": 300", "\"mx_ttl_max\": -1", TM_EINVAL,
     "$.mx_ttl_max: must be an integer from 0 to 2147483647"},
    {"{\"cidr\": \"18.177.156.0/26\"}", "{\"cidr\": \"18.176.203.300/26\"}", TM_EINVAL,
     "$.ranges[2].cidr: \"18.176.203.300/26\" is not an IPv4 or IPv6 CIDR block"},
    {"{\"cidr\": \"18.177.156.0/26\"}", "{\"cidr\": \"18.177.156.0/33\"}", TM_EINVAL,
     "$.ranges[2].cidr: \"18.177.156.0/33\" is not an IPv4 or IPv6 CIDR block"},
    {"{\"cidr\": \"18.177.156.0/26\"}", "{\"cidr\": 18}", TM_EINVAL,
     "$.ranges[2].cidr: must be a CIDR block (a string)"},
    {"{\"cidr\": \"18.177.156.0/26\"}", "{\"cidr\": \"18.177.156.1/26\"}", TM_EINVAL,
     "$.ranges[2].cidr: \"18.177.156.1/26\" has host bits set (the block is 18.177.156.0/26)"},
    {"{\"cidr\": \"18.177.156.0/26\"}", "{\"cidr\": \"18.176.203.128/26\"}", TM_EINVAL,
     "$.ranges[2].cidr: \"18.176.203.128/26\" repeats $.ranges[0]"},
    {"{\"cidr\": \"18.177.156.0/26\"}", "{\"cidr\": \"18.0.0.0/8\"}", TM_EINVAL,
     "$.ranges[2].cidr: the ranges hold more than 65536 IPv4 addresses"},
    {"{\"cidr\": \"18.177.156.0/26\"}", "{\"cidr\": \"18.177.156.0/26\", \"sinse\": \"2024-01-01\"}",
     TM_EINVAL, "$.ranges[2].sinse: unknown key"},
    {"{\"cidr\": \"18.177.156.0/26\"}", "{}", TM_EINVAL, "$.ranges[2].cidr: missing"},
    {"{\"cidr\": \"18.177.156.0/26\"}", "\"18.177.156.0/26\"", TM_EINVAL,
     "$.ranges[2]: must be an object"},
    {"\"since\": \"2024-08-21\"", "\"since\": \"2023-02-29\"", TM_EINVAL,
     "$.ranges[4].since: must be a date written YYYY-MM-DD"},
    {"\"since\": \"2024-08-21\"", "\"since\": \"2024-8-21\"", TM_EINVAL,
     "$.ranges[4].since: must be a date written YYYY-MM-DD"},
    {"\"ranges\": [", "\"ranges\": [], \"x-old\": [", TM_EINVAL,
     "$.ranges: must have 1 to 64 entries"},
    {"\"relay_suffix\": \"relay.tmems-jp.trendmicro.com\"",
     "\"relay_suffix\": \"relay..tmems-jp.trendmicro.com\"", TM_EINVAL,
     "$.relay_suffix: \"relay..tmems-jp.trendmicro.com\" is not a valid host name "
     "(the name has an empty label (two dots in a row))"},
    {"\"spf_include\": \"spf.tmems-jp.trendmicro.com\"",
     "\"spf_include\": \"spf tmems\\u001b[2J.example\"", TM_EINVAL,
     "$.spf_include: \"spf tmems\\x1b[2J.example\" is not a valid host name "
     "(only letters, digits, '-' and '.' are allowed in a domain name)"},
    {"\"spf_legacy\": \"spf.tmes.trendmicro.com\"", "\"spf_legacy\": 5", TM_EINVAL,
     "$.spf_legacy: must be a host name (a string)"},
    {"\"smtp_port\": 25,", "\"smtp_prot\": 25,", TM_EINVAL, "$.smtp_prot: unknown key"},
    {"\"smtp_port\": 25,", "\"smtp_port\": 25, \"a b\\u0001\\\"\": 1,", TM_EINVAL,
     "$.a\\x20b\\x01\\x22: unknown key"},
    {"\"smtp_port\": 25,",
     "\"smtp_port\": 25, \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\": 1,",
     TM_EINVAL, "$.kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...: unknown key"},
    {"\"length\": 32}", "\"length\": 32, \"lenght\": 32}", TM_EINVAL,
     "$.token.lenght: unknown key"},
    {"\"smtp_port\": 25,", "\"smtp_port\": 25, \"smtp_port\": 587,", TM_EINVAL,
     "$.smtp_port: key appears twice"},
    {"\"schema\": 1", "\"schema\": 2", TM_EINVAL,
     "$.schema: must be 1 (this version of tmems-check reads rules schema 1)"},
    {"\"schema\": 1", "\"schema\": \"1\"", TM_EINVAL,
     "$.schema: must be 1 (this version of tmems-check reads rules schema 1)"},
    {"\"region\": \"jp\"", "\"region\": \"JP\"", TM_EINVAL,
     "$.region: must be 1 to 16 characters of a-z, 0-9 and '-'"},
    {"\"site\": \"Japan\"", "\"site\": \"Ja\\u0007pan\"", TM_EINVAL,
     "$.site: must be 1 to 64 bytes of UTF-8 text without control characters"},
    {"\"site\": \"Japan\"", "\"site\": \"Ja\\u0000pan\"", TM_EINVAL,
     "$: \\u0000 is not allowed (line 4, column 14)"},
    {"\"prefix\": \"tmes=\"", "\"prefix\": \"tm es=\"", TM_EINVAL,
     "$.token.prefix: must be 1 to 32 printable ASCII characters without spaces"},
    {"\"token\": {", "\"token\": [], \"x-token\": {", TM_EINVAL, "$.token: must be an object"},
    {"\"type\": \"TXT\"", "\"type\": \"MX\"", TM_EINVAL, "$.records[0].type: must be \"TXT\""},
    {"{\"name\": \"spf.tmems-jp.trendmicro.com\",", "{\"name\": \"spf_.tmems-jp.trendmicro.com-\",",
     TM_EINVAL,
     "$.records[0].name: \"spf_.tmems-jp.trendmicro.com-\" is not a valid host name "
     "(a label starts or ends with '-')"},
    {"\"suffixes\": [\"google.com\", \"googlemail.com\"]",
     "\"suffixes\": [\"google.com\", \"1.2.3.4\"]", TM_EINVAL,
     "$.clouds[1].suffixes[1]: \"1.2.3.4\" is not a valid host name "
     "(the last label is all digits (an IP address is not a domain))"},
    {"\"suffixes\": [\"google.com\", \"googlemail.com\"]", "\"suffixes\": []", TM_EINVAL,
     "$.clouds[1].suffixes: must have 1 to 16 entries"},
    {"{\"id\": \"google\",", "{\"id\": \"Google\",", TM_EINVAL,
     "$.clouds[1].id: must be 1 to 32 characters of a-z, 0-9 and '-'"},
    {"\"sources\": [", "\"sources\": [7,", TM_EINVAL, "$.sources[0]: must be a string"},
    {"{\"id\": \"sendgrid\",", "{\"id\": \"SendGrid\",", TM_EINVAL,
     "$.spf_senders[4].id: must be 1 to 32 characters of a-z, 0-9 and '-'"},
    {"\"suffixes\": [\"sendgrid.net\"]", "\"suffixes\": [\"-sendgrid.net\"]", TM_EINVAL,
     "$.spf_senders[4].suffixes[0]: \"-sendgrid.net\" is not a valid host name "
     "(a label starts or ends with '-')"},
    {"\"spf_senders\": [", "\"spf_senders\": 7, \"x-old\": [", TM_EINVAL,
     "$.spf_senders: must be an array"},
    {"{\n  \"schema\"", "[{\n  \"schema\"", TM_EPARSE, "$: not valid JSON (near line 66, column 2)"},
    {"  ]\n}\n", "  ]\n}\n}\n", TM_EPARSE,
     "$: text after the JSON document (line 67, column 1)"},
    {"\"schema\": 1,", "\"schema\": 1,,", TM_EPARSE, "$: not valid JSON (near line 2, column 16)"},
};

static char *jp_text(void)
{
    const tm_rules_blob_t *b = blob_for("jp");
    assert_non_null(b);
    char *copy = malloc(b->len + 1);
    assert_non_null(copy);
    memcpy(copy, b->json, b->len + 1);
    return copy;
}

/* A raw NUL byte inside a string would cut the value short where cJSON
 * reads it ("spf.tmems-jp.trendmicro.com<NUL>.evil.example" would pass as
 * the data center's include): refused, like the escape \u0000, with where
 * it is; outside a string as well. */
static void test_raw_nul_refused(void **state)
{
    (void)state;
    static const char needle[] = "\"spf_include\": \"spf.tmems-jp.trendmicro.com";
    static const char evil[] = "\0.evil.example";
    char *base = jp_text();
    char *at = strstr(base, needle);
    assert_non_null(at);
    size_t head = (size_t)(at - base) + sizeof needle - 1, len = strlen(base);
    char *doc = malloc(len + sizeof evil);
    assert_non_null(doc);
    memcpy(doc, base, head);
    memcpy(doc + head, evil, sizeof evil - 1);
    memcpy(doc + head + sizeof evil - 1, base + head, len - head);
    size_t doclen = len + sizeof evil - 1;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < head; i++) {
        col = base[i] == '\n' ? 1 : col + 1;
        line += base[i] == '\n';
    }
    char want[128];
    snprintf(want, sizeof want, "$: a NUL byte is not allowed (line %zu, column %zu)", line, col);
    tm_rules_t *rules = NULL;
    char where[256];
    assert_int_equal(tm_rules_parse(doc, doclen, "nul", &rules, where, sizeof where), TM_EINVAL);
    assert_null(rules);
    assert_string_equal(where, want);

    /* between two tokens, outside any string */
    doc[head] = ' ';
    memcpy(doc, "\0", 1);
    assert_int_equal(tm_rules_parse(doc, doclen, "nul", &rules, where, sizeof where), TM_EINVAL);
    assert_string_equal(where, "$: a NUL byte is not allowed (line 1, column 1)");
    /* an escaped backslash before the NUL does not hide it */
    memcpy(doc, "\\\0", 2);
    assert_int_equal(tm_rules_parse(doc, doclen, "nul", &rules, where, sizeof where), TM_EINVAL);
    assert_string_equal(where, "$: a NUL byte is not allowed (line 1, column 2)");
    free(doc);
    free(base);
}

static void test_bad_documents(void **state)
{
    (void)state;
    char *base = jp_text();
    /* The base itself is good, so each failure is the edit's. */
    tm_rules_t *rules = NULL;
    char where[256];
    assert_int_equal(tm_rules_parse(base, strlen(base), "base", &rules, where, sizeof where),
                     TM_OK);
    assert_string_equal(where, "");
    assert_string_equal(rules->source, "base");
    tm_rules_destroy(rules);

    for (size_t i = 0; i < sizeof bad_docs / sizeof bad_docs[0]; i++) {
        const bad_doc_t *d = &bad_docs[i];
        char *doc = edit(base, d->find, d->repl);
        rules = (tm_rules_t *)&rules;
        memset(where, 'x', sizeof where);
        tm_status_t st = tm_rules_parse(doc, strlen(doc), "bad.json", &rules, where, sizeof where);
        if (st != d->status || strcmp(where, d->where) != 0)
            fail_msg("case %zu: got %d \"%s\", want %d \"%s\"", i, st, where, d->status,
                     d->where);
        assert_null(rules);
        /* A short where buffer is cut, never overrun. */
        char small[12];
        memset(small, 'x', sizeof small);
        assert_int_equal(tm_rules_parse(doc, strlen(doc), "bad.json", &rules, small, 8),
                         d->status);
        assert_int_equal(small[7], '\0');
        assert_int_equal(small[8], 'x');
        assert_true(strncmp(small, d->where, 7) == 0);
        /* where may be NULL. */
        assert_int_equal(tm_rules_parse(doc, strlen(doc), NULL, &rules, NULL, 0), d->status);
        free(doc);
    }
    free(base);
}

/* x- keys and "sources" are free; a null spf_legacy is "none". */
static void test_extensions_accepted(void **state)
{
    (void)state;
    char *base = jp_text();
    char *doc = edit(base, "\"spf_legacy\": \"spf.tmes.trendmicro.com\"",
                     "\"spf_legacy\": null, \"x-note\": {\"anything\": [1, 2]}");
    char *doc2 = edit(doc, "{\"cidr\": \"18.177.156.0/26\"}",
                      "{\"cidr\": \"18.177.156.0/26\", \"x-comment\": \"old\"}");
    tm_rules_t *rules = NULL;
    char where[256];
    assert_int_equal(tm_rules_parse(doc2, strlen(doc2), NULL, &rules, where, sizeof where), TM_OK);
    assert_null(rules->spf_legacy);
    assert_null(rules->source);
    assert_int_equal(rules->nranges, 7);
    tm_rules_destroy(rules);
    free(doc2);
    free(doc);
    free(base);
}

/* Host names are stored canonical; IPv6 blocks are accepted. */
static void test_canonical_and_ipv6(void **state)
{
    (void)state;
    char *base = jp_text();
    char *doc = edit(base, "\"in.tmems-jp.trendmicro.com\"", "\"IN.Tmems-JP.trendmicro.com.\"");
    char *doc2 = edit(doc, "{\"cidr\": \"18.177.156.0/26\"}", "{\"cidr\": \"2001:db8::/64\"}");
    tm_rules_t *rules = NULL;
    assert_int_equal(tm_rules_parse(doc2, strlen(doc2), NULL, &rules, NULL, 0), TM_OK);
    assert_string_equal(rules->inbound_suffix, "in.tmems-jp.trendmicro.com");
    assert_int_equal(rules->ranges[2].net.addr.family, 6);
    assert_int_equal(rules->ranges[2].net.prefix, 64);
    tm_rules_destroy(rules);
    free(doc2);
    free(doc);
    free(base);
}

static void test_truncated_and_limits(void **state)
{
    (void)state;
    char *base = jp_text();
    size_t len = strlen(base);
    char where[256];
    tm_rules_t *rules = NULL;
    /* Every truncation of a good document is refused as not JSON. */
    for (size_t cut = 0; cut < len - 2; cut += 7) {
        tm_status_t st = tm_rules_parse(base, cut, NULL, &rules, where, sizeof where);
        assert_int_equal(st, TM_EPARSE);
        assert_null(rules);
        assert_true(strncmp(where, "$: not valid JSON (near line ", 29) == 0);
    }
    assert_int_equal(tm_rules_parse(base, len / 2, NULL, &rules, where, sizeof where), TM_EPARSE);

    /* Too large: refused before parsing, whatever the content. */
    size_t big = TM_RULES_FILE_MAX + 1;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, ' ', big);
    memcpy(huge, base, len);
    assert_int_equal(tm_rules_parse(huge, big, NULL, &rules, where, sizeof where), TM_ERANGE);
    assert_string_equal(where, "$: the file is larger than 1048576 bytes");
    assert_null(rules);
    /* Exactly at the limit is fine (trailing white space). */
    assert_int_equal(tm_rules_parse(huge, TM_RULES_FILE_MAX, NULL, &rules, where, sizeof where),
                     TM_OK);
    tm_rules_destroy(rules);
    free(huge);

    /* The top level must be an object; NULL input is an argument error. */
    assert_int_equal(tm_rules_parse("[1]", 3, NULL, &rules, where, sizeof where), TM_EINVAL);
    assert_string_equal(where, "$: must be an object");
    assert_int_equal(tm_rules_parse(NULL, 0, NULL, &rules, where, sizeof where), TM_EINVAL);
    assert_int_equal(tm_rules_parse("", 0, NULL, &rules, where, sizeof where), TM_EPARSE);
    assert_string_equal(where, "$: not valid JSON (near line 1, column 1)");
    /* Deep nesting is bounded by cJSON, not by the stack. */
    char deep[4096];
    memset(deep, '[', sizeof deep);
    assert_int_equal(tm_rules_parse(deep, sizeof deep, NULL, &rules, where, sizeof where),
                     TM_EPARSE);
    free(base);
}

/* Every allocation of a good parse, and of a parse that fails late, may
 * fail: the result is TM_ENOMEM (or the document's own verdict) and nothing
 * leaks (ASan and valgrind check the latter). */
static void test_out_of_memory(void **state)
{
    (void)state;
    char *base = jp_text();
    char *late_bad = edit(base, "{\"id\": \"google\",", "{\"id\": \"Google\",");
    const char *docs[] = {base, late_bad};
    const tm_status_t final[] = {TM_OK, TM_EINVAL};
    for (size_t d = 0; d < 2; d++) {
        unsigned long n = 1;
        for (;; n++) {
            tm_rules_t *rules = NULL;
            char where[256];
            tm_alloc_fail_after(n);
            tm_status_t st = tm_rules_parse(docs[d], strlen(docs[d]), "oom", &rules, where,
                                            sizeof where);
            tm_alloc_fail_after(0);
            if (st == TM_ENOMEM) {
                assert_null(rules);
                assert_string_equal(where, "$: out of memory");
                continue;
            }
            assert_int_equal(st, final[d]);
            tm_rules_destroy(rules);
            break;
        }
        assert_true(n > 20); /* the loop did reach the allocations */
    }
    /* tm_rules_bundled too. */
    for (unsigned long n = 1;; n++) {
        tm_rules_t *rules = NULL;
        tm_alloc_fail_after(n);
        tm_status_t st = tm_rules_bundled("jp", &rules);
        tm_alloc_fail_after(0);
        if (st == TM_OK) {
            tm_rules_destroy(rules);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_null(rules);
    }
    free(late_bad);
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regions_match_blobs),
        cmocka_unit_test(test_unknown_region),
        cmocka_unit_test(test_japan_facts),
        cmocka_unit_test(test_other_regions),
        cmocka_unit_test_teardown(test_other_sites, reset_alloc),
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_company_from_host),
        cmocka_unit_test(test_cloud_for),
        cmocka_unit_test(test_spf_senders),
        cmocka_unit_test(test_spf_senders_optional),
        cmocka_unit_test(test_bad_documents),
        cmocka_unit_test(test_raw_nul_refused),
        cmocka_unit_test(test_extensions_accepted),
        cmocka_unit_test(test_canonical_and_ipv6),
        cmocka_unit_test(test_truncated_and_limits),
        cmocka_unit_test_teardown(test_out_of_memory, reset_alloc),
    };
    return cmocka_run_group_tests(tests, setup_locale, NULL);
}
