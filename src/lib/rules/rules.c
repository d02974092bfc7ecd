/* rules.c - the bundled rules, their lifetime and the questions the checks ask
 * of them.  Parsing and validation live in rules_parse.c. */
#include "tmems/tm_rules.h"

#include <stdio.h>
#include <string.h>

#include "rules_data.h"

/* jp first: it is the default data center (docs/checks.md); the others in the
 * order of --region's list (docs/cli.md). test_rules checks this list against the
 * embedded blobs, so a new data/rules/<region>.json must be named here. */
static const char *const bundled_regions[] = {"jp", "us", "eu", "anz", "sg", "in", "uae", NULL};

const char *const *tm_rules_regions(void) { return bundled_regions; }

/* One bundled region's rules, without the list of the other sites. */
static tm_status_t parse_bundled(const char *region, tm_rules_t **out)
{
    *out = NULL;
    for (const tm_rules_blob_t *blob = tm_rules_blobs; blob->region; blob++) {
        if (strcmp(blob->region, region) != 0)
            continue;
        tm_rules_t *rules = NULL;
        tm_status_t st = tm_rules_parse(blob->json, blob->len, "bundled", &rules, NULL, 0);
        if (st != TM_OK)
            return st;
        /* A file named us.json that says "region": "eu" is a packaging
         * mistake; refuse it rather than check against the wrong site. */
        if (strcmp(rules->region, region) != 0) {
            tm_rules_destroy(rules);
            return TM_EPARSE;
        }
        *out = rules;
        return TM_OK;
    }
    return TM_ENOTFOUND;
}

tm_status_t tm_rules_bundled(const char *region, tm_rules_t **out)
{
    *out = NULL;
    if (!region)
        return TM_EINVAL;
    tm_rules_t *rules = NULL;
    tm_status_t st = parse_bundled(region, &rules);
    if (st == TM_OK)
        st = tm_rules_add_other_sites(rules);
    if (st != TM_OK) {
        tm_rules_destroy(rules);
        return st;
    }
    *out = rules;
    return TM_OK;
}

static void sites_free(tm_rules_site_t *sites, size_t n)
{
    for (size_t i = 0; sites && i < n; i++) {
        tm_free(sites[i].region);
        tm_free(sites[i].site);
        tm_free(sites[i].inbound_suffix);
    }
    tm_free(sites);
}

tm_status_t tm_rules_add_other_sites(tm_rules_t *rules)
{
    if (!rules)
        return TM_EINVAL;
    size_t max = 0;
    for (const tm_rules_blob_t *blob = tm_rules_blobs; blob->region; blob++)
        max++;
    tm_rules_site_t *sites = tm_calloc(max ? max : 1, sizeof(*sites));
    if (!sites)
        return TM_ENOMEM;
    size_t n = 0;
    tm_status_t st = TM_OK;
    /* The site names and suffixes were read from the files at build time
     * (cmake/embed_rules.cmake): no other file is parsed here. */
    for (const tm_rules_blob_t *blob = tm_rules_blobs; blob->region && st == TM_OK; blob++) {
        if (strcmp(blob->region, rules->region) == 0)
            continue;
        /* A --rules file may describe a bundled site under another region
         * name: its hosts are then this site's own, not another's. */
        if (!tm_name_equal(blob->inbound_suffix, rules->inbound_suffix)) {
            tm_rules_site_t *s = &sites[n];
            s->region = tm_strdup(blob->region);
            s->site = tm_strdup(blob->site);
            s->inbound_suffix = tm_strdup(blob->inbound_suffix);
            n++;
            if (!s->region || !s->site || !s->inbound_suffix)
                st = TM_ENOMEM;
        }
    }
    if (st != TM_OK) {
        sites_free(sites, n);
        return st;
    }
    sites_free(rules->other_sites, rules->nother_sites);
    rules->other_sites = sites;
    rules->nother_sites = n;
    return TM_OK;
}

static void services_free(tm_rules_cloud_t *list, size_t n)
{
    for (size_t i = 0; list && i < n; i++) {
        tm_free(list[i].id);
        tm_free(list[i].name);
        for (size_t j = 0; list[i].suffixes && j < list[i].nsuffixes; j++)
            tm_free(list[i].suffixes[j]);
        tm_free(list[i].suffixes);
    }
    tm_free(list);
}

void tm_rules_destroy(tm_rules_t *rules)
{
    if (!rules)
        return;
    tm_free(rules->region);
    tm_free(rules->site);
    tm_free(rules->inbound_suffix);
    tm_free(rules->relay_suffix);
    tm_free(rules->spf_include);
    tm_free(rules->spf_legacy);
    tm_free(rules->token_prefix);
    for (size_t i = 0; rules->ranges && i < rules->nranges; i++) {
        tm_free(rules->ranges[i].cidr);
        tm_free(rules->ranges[i].since);
    }
    tm_free(rules->ranges);
    for (size_t i = 0; rules->records && i < rules->nrecords; i++) {
        tm_free(rules->records[i].name);
        tm_free(rules->records[i].value);
    }
    tm_free(rules->records);
    services_free(rules->clouds, rules->nclouds);
    services_free(rules->spf_senders, rules->nspf_senders);
    sites_free(rules->other_sites, rules->nother_sites);
    tm_free(rules->source);
    tm_free(rules);
}

static bool join_host(const char *label, const char *suffix, char *buf, size_t len)
{
    if (!label || !suffix || !buf || label[0] == '\0')
        return false;
    int n = snprintf(buf, len, "%s.%s", label, suffix);
    if (n < 0 || (size_t)n >= len || (size_t)n > TM_NAME_MAX) {
        if (len > 0)
            buf[0] = '\0';
        return false;
    }
    return true;
}

bool tm_rules_inbound_host(const tm_rules_t *rules, const char *company, char *buf, size_t len)
{
    return rules && join_host(company, rules->inbound_suffix, buf, len);
}

bool tm_rules_relay_host(const tm_rules_t *rules, const char *company, char *buf, size_t len)
{
    return rules && join_host(company, rules->relay_suffix, buf, len);
}

/* "<label>.<suffix>" -> label, lower case, exactly one label. */
static bool company_from_suffix(const char *suffix, const char *host, char *company, size_t len)
{
    if (!suffix || !host || !company || len == 0)
        return false;
    size_t hlen = strlen(host);
    if (hlen > 0 && host[hlen - 1] == '.')
        hlen--;
    size_t slen = strlen(suffix);
    /* At least one label character and the dot before the suffix. */
    if (hlen < slen + 2 || host[hlen - slen - 1] != '.')
        return false;
    if (tm_ascii_ncasecmp(host + hlen - slen, suffix, slen) != 0)
        return false;
    size_t label_len = hlen - slen - 1;
    /* Exactly one label: "a.b.in.tmems-jp..." is no company host. */
    if (label_len > TM_LABEL_MAX || memchr(host, '.', label_len) != NULL || label_len >= len)
        return false;
    /* An escape (RFC 1035 section 5.1: "\046", "\.") is a byte no host
     * name has (RFC 1123 section 2.1): "acme\046in.<suffix>" is a
     * misspelling of a host, not one. */
    if (memchr(host, '\\', label_len) != NULL)
        return false;
    for (size_t i = 0; i < label_len; i++)
        company[i] = tm_ascii_lower(host[i]);
    company[label_len] = '\0';
    return true;
}

bool tm_rules_company_from_host(const tm_rules_t *rules, const char *host, char *company,
                                size_t len)
{
    return rules && company_from_suffix(rules->inbound_suffix, host, company, len);
}

const tm_rules_site_t *tm_rules_other_site_of_host(const tm_rules_t *rules, const char *host,
                                                   char *company, size_t len)
{
    if (!rules)
        return NULL;
    for (size_t i = 0; i < rules->nother_sites; i++) {
        if (company_from_suffix(rules->other_sites[i].inbound_suffix, host, company, len))
            return &rules->other_sites[i];
    }
    return NULL;
}

static const tm_rules_cloud_t *service_for(const tm_rules_cloud_t *list, size_t n,
                                           const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        for (size_t j = 0; j < list[i].nsuffixes; j++)
            if (tm_name_has_suffix(name, list[i].suffixes[j]))
                return &list[i];
    return NULL;
}

const tm_rules_cloud_t *tm_rules_cloud_for(const tm_rules_t *rules, const char *host)
{
    return rules ? service_for(rules->clouds, rules->nclouds, host) : NULL;
}

const tm_rules_cloud_t *tm_rules_spf_sender_for(const tm_rules_t *rules, const char *name)
{
    return rules ? service_for(rules->spf_senders, rules->nspf_senders, name) : NULL;
}

bool tm_rules_spf_vendor_managed(const tm_rules_t *rules, const char *name)
{
    if (!rules || !name)
        return false;
    /* The site's own includes are the vendor's whatever the list says. */
    if ((rules->spf_include && tm_name_has_suffix(name, rules->spf_include)) ||
        (rules->spf_legacy && tm_name_has_suffix(name, rules->spf_legacy)))
        return true;
    return tm_rules_spf_sender_for(rules, name) != NULL;
}
