/* registry.c - the catalogue in the order of docs/checks.md, --only/--skip selection,
 * and the two entry points of the judge: what it still needs, and run. */
#include <string.h>

#include "checks.h"
#include "mx_spf_keep.h"
#include "spf_remedy.h"
#include "tmems/tm_i18n.h"

/* The console's own checks (the onboarding guide, Step 2) and the
 * statuses that put its red (!) on a section: a missing or malformed token
 * (ドメインが確認されていません); an MX whose lowest preference is not the TMEmS
 * inbound host, which before the cutover is expected (info); with outbound
 * protection, an SPF record without the TMEmS include (without it the
 * console checks no SPF: soften_outbound marks the finding so).  A domain
 * with no SPF record at all is not flagged (SPFレコードが確認されました), so
 * spf.present is the tool's own.
 *
 * The decisive checks (docs/checks.md "The verdict") are the console's
 * checks of the token, the MX and SPF, with mx.present, spf.present and
 * spf.tmems_ranges (whether the data-center addresses pass SPF is what the
 * include is for): ready needs each of them run and, when it skips for
 * want of data, judged. */
#define FLAG(status) TM_STATUS_BIT(TM_CHECK_##status)
#define TOOL_OWN false, 0, 0, TM_AREA_NONE
#define CONSOLE(flags, expected) true, (flags), (expected), TM_AREA_NONE
/* The tool's own check whose skip leaves AREA not judged (needed_for). */
#define TOOL_OWN_NEEDED_FOR(area) false, 0, 0, (area)

static const tm_check_def_t catalogue[] = {
    {"domain.name", TM_SECTION_DOMAIN, tm_check_domain_name, TM_AREA_NONE, TOOL_OWN},
    {"domain.exists", TM_SECTION_DOMAIN, tm_check_domain_exists, TM_AREA_NONE, TOOL_OWN},
    {"token.present", TM_SECTION_DOMAIN, tm_check_token_present, TM_AREA_TOKEN,
     CONSOLE(FLAG(FAIL), 0)},
    {"token.format", TM_SECTION_DOMAIN, tm_check_token_format, TM_AREA_TOKEN,
     CONSOLE(FLAG(FAIL), 0)},
    {"token.match", TM_SECTION_DOMAIN, tm_check_token_match, TM_AREA_TOKEN,
     CONSOLE(FLAG(FAIL), 0)},
    {"dns.consistency", TM_SECTION_DOMAIN, tm_check_dns_consistency, TM_AREA_NONE, TOOL_OWN},
    {"mx.present", TM_SECTION_INBOUND, tm_check_mx_present, TM_AREA_MX, TOOL_OWN},
    {"mx.tmems", TM_SECTION_INBOUND, tm_check_mx_tmems, TM_AREA_MX,
     CONSOLE(FLAG(INFO) | FLAG(WARN) | FLAG(FAIL), FLAG(INFO))},
    {"mx.bypass", TM_SECTION_INBOUND, tm_check_mx_bypass, TM_AREA_NONE, TOOL_OWN},
    {"mx.ttl", TM_SECTION_INBOUND, tm_check_mx_ttl, TM_AREA_NONE, TOOL_OWN},
    {"mx.target", TM_SECTION_INBOUND, tm_check_mx_target, TM_AREA_NONE, TOOL_OWN},
    {"company.id", TM_SECTION_INBOUND, tm_check_company_id, TM_AREA_NONE, TOOL_OWN},
    {"company.inbound_host", TM_SECTION_INBOUND, tm_check_company_inbound_host, TM_AREA_NONE,
     TOOL_OWN},
    {"inbound.servers", TM_SECTION_INBOUND, tm_check_inbound_servers, TM_AREA_NONE, TOOL_OWN},
    {"inbound.cloud", TM_SECTION_INBOUND, tm_check_inbound_cloud, TM_AREA_NONE, TOOL_OWN},
    {"inbound.firewall", TM_SECTION_INBOUND, tm_check_inbound_firewall, TM_AREA_NONE, TOOL_OWN},
    /* The console tests the connection from the data center; this check
     * connects from here (port 25 is often blocked), so it sets no (!). */
    {"inbound.smtp", TM_SECTION_INBOUND, tm_check_inbound_smtp, TM_AREA_NONE, CONSOLE(0, 0)},
    {"spf.present", TM_SECTION_OUTBOUND, tm_check_spf_present, TM_AREA_SPF, TOOL_OWN},
    {"spf.single", TM_SECTION_OUTBOUND, tm_check_spf_single, TM_AREA_NONE, TOOL_OWN},
    {"spf.syntax", TM_SECTION_OUTBOUND, tm_check_spf_syntax, TM_AREA_NONE, TOOL_OWN},
    {"spf.include", TM_SECTION_OUTBOUND, tm_check_spf_include, TM_AREA_SPF,
     CONSOLE(FLAG(FAIL), 0)},
    {"spf.lookups", TM_SECTION_OUTBOUND, tm_check_spf_lookups, TM_AREA_NONE,
     TOOL_OWN_NEEDED_FOR(TM_AREA_SPF)},
    {"spf.void_lookups", TM_SECTION_OUTBOUND, tm_check_spf_void_lookups, TM_AREA_NONE, TOOL_OWN},
    {"spf.mx_names", TM_SECTION_OUTBOUND, tm_check_spf_mx_names, TM_AREA_NONE, TOOL_OWN},
    {"spf.ptr", TM_SECTION_OUTBOUND, tm_check_spf_ptr, TM_AREA_NONE, TOOL_OWN},
    {"spf.loop", TM_SECTION_OUTBOUND, tm_check_spf_loop, TM_AREA_NONE, TOOL_OWN},
    {"spf.include_target", TM_SECTION_OUTBOUND, tm_check_spf_include_target, TM_AREA_NONE,
     TOOL_OWN},
    {"spf.all", TM_SECTION_OUTBOUND, tm_check_spf_all, TM_AREA_NONE, TOOL_OWN},
    {"spf.tmems_ranges", TM_SECTION_OUTBOUND, tm_check_spf_tmems_ranges, TM_AREA_SPF,
     TOOL_OWN},
    {"spf.hardcoded", TM_SECTION_OUTBOUND, tm_check_spf_hardcoded, TM_AREA_NONE, TOOL_OWN},
    {"spf.size", TM_SECTION_OUTBOUND, tm_check_spf_size, TM_AREA_NONE, TOOL_OWN},
    {"company.relay_host", TM_SECTION_OUTBOUND, tm_check_company_relay_host, TM_AREA_NONE,
     TOOL_OWN},
    {"rules.current", TM_SECTION_RULES, tm_check_rules_current, TM_AREA_NONE, TOOL_OWN},
};

#undef FLAG
#undef TOOL_OWN
#undef CONSOLE

#define CATALOGUE_SIZE (sizeof(catalogue) / sizeof(catalogue[0]))

/* What each check is for, in one line (tmems-check checks), and the option
 * without which it does not run at all: dns.consistency and inbound.smtp
 * talk to servers beyond the resolver, so they run only when asked for
 * (docs/checks.md).  In catalogue order; test_check_registry compares the
 * ids one by one. */
static const struct {
    const char *id;
    const char *description;
    tm_check_needs_t needs;
} about[] = {
    {"domain.name", N_("The domain is a valid domain name (internationalised names too)"),
     TM_CHECK_NEEDS_NOTHING},
    {"domain.exists", N_("The domain exists in DNS (not NXDOMAIN)"), TM_CHECK_NEEDS_NOTHING},
    {"token.present", N_("One ownership token (tmes=) is published at the apex"),
     TM_CHECK_NEEDS_NOTHING},
    {"token.format", N_("The token has the console's form: tmes= and 32 letters and digits, "
                        "in one string"),
     TM_CHECK_NEEDS_NOTHING},
    {"token.match", N_("With --token: the published token is the one given"),
     TM_CHECK_NEEDS_NOTHING},
    {"dns.consistency", N_("With --authoritative: every authoritative server gives the same "
                           "SOA serial, MX, token and SPF record"),
     TM_CHECK_NEEDS_AUTHORITATIVE},
    {"mx.present", N_("The domain has MX records, and no null MX"), TM_CHECK_NEEDS_NOTHING},
    {"mx.tmems", N_("The most preferred MX host is the company's TMEmS inbound host (from "
                    "the cutover on)"),
     TM_CHECK_NEEDS_NOTHING},
    {"mx.bypass", N_("After the cutover, no other MX host lets mail skip the scan"),
     TM_CHECK_NEEDS_NOTHING},
    {"mx.ttl", N_("Before the cutover, the MX TTL is short enough to switch (and roll back) "
                  "quickly"),
     TM_CHECK_NEEDS_NOTHING},
    {"mx.target", N_("Every MX target is a host name with an address record"),
     TM_CHECK_NEEDS_NOTHING},
    {"company.id", N_("The company ID is a valid host label, and the one given with --company"),
     TM_CHECK_NEEDS_NOTHING},
    {"company.inbound_host", N_("The company's inbound host exists in this data center"),
     TM_CHECK_NEEDS_NOTHING},
    {"inbound.servers", N_("Before the cutover: the current MX hosts, to enter as receiving "
                           "servers in the console"),
     TM_CHECK_NEEDS_NOTHING},
    {"inbound.cloud", N_("Whether the current MX is a cloud mail service that needs its own "
                         "settings"),
     TM_CHECK_NEEDS_NOTHING},
    {"inbound.firewall", N_("The data-center ranges the receiving servers must accept on TCP 25"),
     TM_CHECK_NEEDS_NOTHING},
    {"inbound.smtp", N_("With --smtp: each receiving server greets on TCP 25 and offers "
                        "STARTTLS"),
     TM_CHECK_NEEDS_SMTP},
    {"spf.present", N_("The domain publishes an SPF record"), TM_CHECK_NEEDS_NOTHING},
    {"spf.single", N_("Exactly one SPF record is published"), TM_CHECK_NEEDS_NOTHING},
    {"spf.syntax", N_("Every SPF record in the tree parses"), TM_CHECK_NEEDS_NOTHING},
    {"spf.include", N_("The SPF record includes the data center's SPF record"),
     TM_CHECK_NEEDS_NOTHING},
    {"spf.lookups", N_("The SPF tree needs at most 10 DNS lookups, counted for the worst case"),
     TM_CHECK_NEEDS_NOTHING},
    {"spf.void_lookups", N_("At most 2 lookups of the SPF tree find no record"),
     TM_CHECK_NEEDS_NOTHING},
    {"spf.mx_names", N_("Every mx term of the SPF tree names at most 10 mail hosts"),
     TM_CHECK_NEEDS_NOTHING},
    {"spf.ptr", N_("No ptr term in the SPF tree"), TM_CHECK_NEEDS_NOTHING},
    {"spf.loop", N_("No include or redirect leads back to a record on its path"),
     TM_CHECK_NEEDS_NOTHING},
    {"spf.include_target", N_("Every include and redirect target has exactly one SPF record"),
     TM_CHECK_NEEDS_NOTHING},
    {"spf.all", N_("The SPF record ends in ~all or -all"), TM_CHECK_NEEDS_NOTHING},
    {"spf.tmems_ranges", N_("Every address of the data-center ranges passes the SPF record"),
     TM_CHECK_NEEDS_NOTHING},
    {"spf.hardcoded", N_("The data-center ranges come through the include, not ip4: terms"),
     TM_CHECK_NEEDS_NOTHING},
    {"spf.size", N_("TXT strings of at most 255 bytes, and an apex TXT answer that fits in "
                    "512 bytes"),
     TM_CHECK_NEEDS_NOTHING},
    {"company.relay_host", N_("The company's relay host for outbound mail exists"),
     TM_CHECK_NEEDS_NOTHING},
    {"rules.current", N_("The live data-center SPF record authorises exactly the bundled "
                         "ranges"),
     TM_CHECK_NEEDS_NOTHING},
};

_Static_assert(sizeof(about) / sizeof(about[0]) == CATALOGUE_SIZE,
               "every check of the catalogue has its line in about[]");

static size_t about_index(const char *id)
{
    for (size_t i = 0; i < CATALOGUE_SIZE; i++) {
        if (strcmp(about[i].id, id) == 0)
            return i;
    }
    return CATALOGUE_SIZE;
}

const char *tm_check_description(const char *id)
{
    size_t i = about_index(id);
    return i < CATALOGUE_SIZE ? _(about[i].description) : NULL;
}

tm_check_needs_t tm_check_needs(const char *id)
{
    size_t i = about_index(id);
    return i < CATALOGUE_SIZE ? about[i].needs : TM_CHECK_NEEDS_NOTHING;
}

const char *tm_check_needs_option(tm_check_needs_t needs)
{
    switch (needs) {
    case TM_CHECK_NEEDS_AUTHORITATIVE: return "--authoritative";
    case TM_CHECK_NEEDS_SMTP: return "--smtp";
    case TM_CHECK_NEEDS_NOTHING: break;
    }
    return NULL;
}

const tm_check_def_t *tm_check_catalogue(size_t *count)
{
    *count = CATALOGUE_SIZE;
    return catalogue;
}

const tm_check_def_t *tm_check_find(const char *id)
{
    for (size_t i = 0; i < CATALOGUE_SIZE; i++) {
        if (strcmp(catalogue[i].id, id) == 0)
            return &catalogue[i];
    }
    return NULL;
}

/* Does one list item (not NUL-terminated) select id?  "spf." is a prefix. */
static bool item_matches(const char *item, size_t len, const char *id)
{
    if (len == 0)
        return false;
    if (item[len - 1] == '.')
        return strncmp(id, item, len) == 0;
    return strlen(id) == len && strncmp(id, item, len) == 0;
}

static bool list_matches(const char *list, const char *id)
{
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (item_matches(p, len, id))
            return true;
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}

bool tm_check_selected(const char *id, const char *only, const char *skip)
{
    if (only && *only && !list_matches(only, id))
        return false;
    return !(skip && *skip && list_matches(skip, id));
}

bool tm_check_list_valid(const char *list, const char **bad, size_t *badlen)
{
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        bool known = false;
        for (size_t i = 0; i < CATALOGUE_SIZE && !known; i++)
            known = item_matches(p, len, catalogue[i].id);
        if (!known) {
            *bad = p;
            *badlen = len;
            return false;
        }
        p += len;
        if (*p != ',')
            return true;
        p++;
    }
}

static bool any_selected(const tm_check_options_t *opts, const char *prefix)
{
    size_t len = strlen(prefix);
    for (size_t i = 0; i < CATALOGUE_SIZE; i++) {
        if (strncmp(catalogue[i].id, prefix, len) == 0 &&
            tm_check_selected(catalogue[i].id, opts->only, opts->skip))
            return true;
    }
    return false;
}

bool tm_checks_want_spf(const tm_check_options_t *opts) { return any_selected(opts, "spf."); }

tm_status_t tm_checks_needs(const tm_check_ctx_t *ctx, tm_questions_t *need)
{
    /* The apex TXT and MX decide the phase and the company, which every
     * section reads, so they are always fetched. */
    tm_status_t st = tm_domain_needs(ctx, need);
    if (st == TM_OK && (any_selected(ctx->opts, "mx.") || any_selected(ctx->opts, "company.")))
        st = tm_inbound_needs(ctx, need);
    if (st == TM_OK && tm_check_selected("company.relay_host", ctx->opts->only, ctx->opts->skip))
        st = tm_relay_needs(ctx, need);
    if (st == TM_OK && tm_check_selected("rules.current", ctx->opts->only, ctx->opts->skip))
        st = tm_rules_current_needs(ctx, need);
    if (st == TM_OK && tm_checks_want_auth_probe(ctx->opts))
        st = tm_consistency_needs(ctx, need);
    if (st == TM_OK && tm_checks_want_smtp_probe(ctx->opts))
        st = tm_smtp_needs(ctx, need);
    return st;
}

/* Which outbound failures stay failures with --no-outbound (docs/checks.md
 * "Sending servers").  Without outbound protection the TMEmS include is not
 * required, so what only concerns it becomes information; but a record
 * that gives receivers permerror (RFC 7208 sections 4.5, 4.6, 4.6.4, 5.2)
 * breaks SPF for every message of the domain, whoever sends it, and +all
 * lets any server send as the domain: those stay. */
static bool breaks_mail(const tm_finding_t *f)
{
    static const char *const permerror[] = {
        "spf.single", "spf.syntax",  "spf.lookups",       "spf.void_lookups",
        "spf.mx_names", "spf.loop", "spf.include_target",
    };
    if (f->status != TM_CHECK_FAIL)
        return false;
    for (size_t i = 0; i < sizeof(permerror) / sizeof(permerror[0]); i++) {
        if (strcmp(f->id, permerror[i]) == 0)
            return true;
    }
    return strcmp(f->id, "spf.all") == 0; /* fails only when anyone may send */
}

/* With --no-outbound: outbound warnings and the failures that concern only
 * TMEmS become information, because SPF is still needed for 不達メール継続管理
 * (the onboarding guide, Step 2-3); the failures that break the domain's
 * mail stay, and say why. */
static tm_status_t soften_outbound(const tm_check_ctx_t *ctx, tm_finding_t *f)
{
    if (ctx->opts->outbound || f->section != TM_SECTION_OUTBOUND)
        return TM_OK;
    /* Without outbound protection the console checks no SPF, and whether
     * the record names TMEmS does not decide the verdict: an include that
     * cannot be judged offline leaves nothing open. */
    if (strcmp(f->id, "spf.include") == 0)
        f->console_off = true;
    if (strcmp(f->id, "spf.include") == 0 || strcmp(f->id, "spf.tmems_ranges") == 0)
        f->unjudged = false;
    if (f->status != TM_CHECK_WARN && f->status != TM_CHECK_FAIL)
        return TM_OK;
    if (breaks_mail(f))
        return tm_finding_detail(
            f, strcmp(f->id, "spf.all") == 0
                   ? _("Outbound protection is off (--no-outbound), but this still counts: "
                       "the record lets any server send as the domain.")
                   : _("Outbound protection is off (--no-outbound), but this still counts: "
                       "receivers get permerror for every message of the domain, whoever "
                       "sends it."));
    f->status = TM_CHECK_INFO;
    return tm_finding_detail(f, _("Outbound protection is off (--no-outbound), so this is "
                                  "information only; SPF is still needed if you use "
                                  "不達メール継続管理 (mail continuity)."));
}

/* Whether the option a check needs (about[]) was given. */
static bool option_enabled(const char *id, const tm_check_options_t *opts)
{
    switch (tm_check_needs(id)) {
    case TM_CHECK_NEEDS_AUTHORITATIVE: return opts->authoritative;
    case TM_CHECK_NEEDS_SMTP: return opts->smtp;
    case TM_CHECK_NEEDS_NOTHING: break;
    }
    return true;
}

/* A probed check needs its probe when it runs at all, and only online:
 * offline there is no server to ask. */
static bool probe_wanted(const char *id, const tm_check_options_t *opts)
{
    return opts && !opts->offline && option_enabled(id, opts) &&
           tm_check_selected(id, opts->only, opts->skip);
}

bool tm_checks_want_auth_probe(const tm_check_options_t *opts)
{
    return probe_wanted("dns.consistency", opts);
}

bool tm_checks_want_smtp_probe(const tm_check_options_t *opts)
{
    return probe_wanted("inbound.smtp", opts);
}

void tm_checks_probe_targets(const tm_check_ctx_t *ctx, tm_probe_targets_t *auth,
                             tm_probe_targets_t *smtp)
{
    memset(auth, 0, sizeof(*auth));
    memset(smtp, 0, sizeof(*smtp));
    if (tm_checks_want_auth_probe(ctx->opts))
        tm_auth_targets(ctx, auth);
    if (tm_checks_want_smtp_probe(ctx->opts))
        tm_smtp_targets(ctx, smtp);
}

static bool runs(const char *id, const tm_check_options_t *opts)
{
    return tm_check_selected(id, opts->only, opts->skip) && option_enabled(id, opts);
}

bool tm_check_selection_runs(const tm_check_options_t *opts, tm_check_selection_gap_t *gap)
{
    memset(gap, 0, sizeof(*gap));
    /* Each --only item must select a check that runs: "--only dns.consistency"
     * without --authoritative would print a report with no check in it. */
    const char *p = opts->only ? opts->only : "";
    while (*p) {
        size_t len = strcspn(p, ",");
        bool any = false;
        for (size_t i = 0; i < CATALOGUE_SIZE && !any; i++) {
            const char *id = catalogue[i].id;
            if (!item_matches(p, len, id))
                continue;
            if (option_enabled(id, opts))
                any = true;
            else if (!gap->id)
                *gap = (tm_check_selection_gap_t){p, len, id, tm_check_needs(id)};
        }
        if (!any && gap->id)
            return false;
        memset(gap, 0, sizeof(*gap));
        p += len;
        if (*p == ',')
            p++;
    }
    for (size_t i = 0; i < CATALOGUE_SIZE; i++) {
        if (runs(catalogue[i].id, opts))
            return true;
    }
    return false; /* gap->item NULL: --only and --skip leave nothing */
}

tm_status_t tm_checks_run(const tm_check_ctx_t *ctx, tm_findings_t *out)
{
    for (size_t i = 0; i < CATALOGUE_SIZE; i++) {
        const tm_check_def_t *def = &catalogue[i];
        if (!runs(def->id, ctx->opts))
            continue;
        if (out->count == out->cap) {
            tm_finding_t *grown = tm_array_grow(out->items, &out->cap, sizeof(*grown), 32);
            if (!grown)
                return TM_ENOMEM;
            out->items = grown;
        }
        tm_finding_t *f = &out->items[out->count];
        memset(f, 0, sizeof(*f));
        f->id = def->id;
        f->section = def->section;
        out->count++; /* counted first so that clear frees a half-built finding */
        tm_status_t st = TM_OK;
        if (!tm_check_skip_missing_domain(ctx, f, &st))
            st = def->run(ctx, f);
        if (st == TM_OK)
            st = soften_outbound(ctx, f);
        if (st == TM_OK && !f->summary)
            st = TM_EINVAL; /* every check must say something */
        if (st != TM_OK)
            return st;
    }
    return TM_OK;
}

tm_status_t tm_checks_needs_after_spf(const tm_check_ctx_t *ctx, tm_questions_t *need)
{
    tm_status_t st = tm_spf_remedy_needs(ctx, need);
    if (st == TM_OK && any_selected(ctx->opts, "mx."))
        st = tm_mx_fix_needs(ctx, need);
    return st;
}
