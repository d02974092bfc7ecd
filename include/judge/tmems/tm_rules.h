/* tm_rules.h - the data-center rules: every fact a check compares against
 * (host suffixes, SPF includes, IP ranges, TTL advice, token format), loaded
 * from JSON.  The bundled files in data/rules/ are compiled into the library;
 * --rules FILE replaces them.  The schema is documented in docs/rules.md. */
#ifndef TMEMS_TM_RULES_H
#define TMEMS_TM_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_status.h"
#include "tmems/tm_util.h"

typedef struct {
    char *cidr;      /* as written, e.g. "15.168.56.0/25" */
    tm_cidr_t net;
    char *since;     /* "2024-08-21" for the 2024 additions, NULL for older */
} tm_rules_range_t;

/* A record the rules vouch for, answered offline (docs/checks.md "Offline"). */
typedef struct {
    char *name;
    uint16_t type;   /* TM_RR_TXT only, today */
    char *value;
} tm_rules_record_t;

/* A cloud mail service recognised by its MX host suffix (inbound.cloud). */
typedef struct {
    char *id;        /* "microsoft365", "google" */
    char *name;      /* "Microsoft 365" */
    char **suffixes; /* host suffixes, e.g. "mail.protection.outlook.com" */
    size_t nsuffixes;
} tm_rules_cloud_t;

/* Another bundled site, known by its inbound host suffix: an MX that points
 * at it is named with its site and region (mx.tmems, docs/checks.md). */
typedef struct {
    char *region;           /* "us" */
    char *site;             /* "North America, Latin America and Asia Pacific" */
    char *inbound_suffix;   /* "in.tmes.trendmicro.com" */
} tm_rules_site_t;

typedef struct {
    char *region;           /* "jp" */
    char *site;             /* "Japan" */
    char *inbound_suffix;   /* "in.tmems-jp.trendmicro.com": MX target is <id>.<suffix> */
    char *relay_suffix;     /* "relay.tmems-jp.trendmicro.com" */
    char *spf_include;      /* "spf.tmems-jp.trendmicro.com" */
    char *spf_legacy;       /* "spf.tmes.trendmicro.com", NULL where none */
    char *token_prefix;     /* "tmes=" */
    unsigned token_length;  /* 32 */
    unsigned company_min, company_max; /* 3, 63 */
    uint32_t mx_ttl_max;    /* 300 */
    unsigned smtp_port;     /* 25 */
    tm_rules_range_t *ranges;
    size_t nranges;
    tm_rules_record_t *records;
    size_t nrecords;
    tm_rules_cloud_t *clouds;
    size_t nclouds;
    /* Senders that manage their own SPF records (docs/rules.md,
     * spf_senders): an include of a name under one of their suffixes is
     * never flattened into addresses by the SPF remedy, since the sender
     * changes them.  Same shape as a cloud; none when the file has none. */
    tm_rules_cloud_t *spf_senders;
    size_t nspf_senders;
    char *source;           /* "bundled" or the --rules path */
    tm_rules_site_t *other_sites; /* the other bundled sites (tm_rules_add_other_sites);
                                     none after tm_rules_parse alone */
    size_t nother_sites;
} tm_rules_t;

#define TM_RULES_FILE_MAX ((size_t)1 << 20)

/* Parses rules JSON.  On TM_EPARSE or TM_EINVAL, where (if not NULL) gets the
 * JSON path of the problem and why, e.g. "$.ranges[2].cidr: not a CIDR block".
 * The caller frees *out with tm_rules_destroy. */
tm_status_t tm_rules_parse(const char *json, size_t len, const char *source, tm_rules_t **out,
                           char *where, size_t where_len);
/* The bundled rules of a region ("jp", "us", ...); TM_ENOTFOUND for others. */
tm_status_t tm_rules_bundled(const char *region, tm_rules_t **out);
/* Fills rules->other_sites with every bundled site whose region and inbound
 * suffix differ from the rules' own (tm_rules_bundled does this itself; a
 * --rules file gets them with this call).  Replaces any list already there. */
tm_status_t tm_rules_add_other_sites(tm_rules_t *rules);
/* The region names that are bundled, NULL-terminated. */
const char *const *tm_rules_regions(void);
void tm_rules_destroy(tm_rules_t *rules);

/* "<company>.<inbound_suffix>" into buf (TM_NAME_MAX + 1 bytes); false if too long. */
bool tm_rules_inbound_host(const tm_rules_t *rules, const char *company, char *buf, size_t len);
bool tm_rules_relay_host(const tm_rules_t *rules, const char *company, char *buf, size_t len);
/* When host is "<label>.<inbound_suffix>", copies label into company
 * (TM_LABEL_MAX + 1 bytes) and returns true. */
bool tm_rules_company_from_host(const tm_rules_t *rules, const char *host, char *company,
                                size_t len);
/* When host is "<label>.<inbound_suffix>" of one of rules->other_sites,
 * copies label into company (TM_LABEL_MAX + 1 bytes) and returns that site;
 * NULL otherwise. */
const tm_rules_site_t *tm_rules_other_site_of_host(const tm_rules_t *rules, const char *host,
                                                   char *company, size_t len);
/* The cloud service whose suffix the host has, or NULL. */
const tm_rules_cloud_t *tm_rules_cloud_for(const tm_rules_t *rules, const char *host);
/* The sender of rules->spf_senders whose suffix the SPF name has, or NULL. */
const tm_rules_cloud_t *tm_rules_spf_sender_for(const tm_rules_t *rules, const char *name);
/* True when the SPF name is managed by a vendor: the site's spf_include or
 * spf_legacy (or a name under them), or a name of rules->spf_senders. */
bool tm_rules_spf_vendor_managed(const tm_rules_t *rules, const char *name);

#endif
