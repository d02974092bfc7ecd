/* domain.c - the console's 全般 / ドメイン名 section: the name itself, its
 * existence, and the ownership token (the guide, Step 2-1: a TXT record
 * "tmes=<32 letters and digits>" proves the domain is the customer's). */
#include <ctype.h>
#include <string.h>

#include "checks.h"
#include "tmems/tm_i18n.h"

tm_status_t tm_check_domain_name(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    /* An invalid name never gets here: the CLI rejects it with exit 2 before
     * any query (docs/checks.md domain.name). */
    if (strcmp(ctx->display, ctx->domain) != 0)
        return tm_finding_set(out, TM_CHECK_PASS, _("%s is a valid domain name (A-label %s)"),
                              ctx->display, ctx->domain);
    return tm_finding_set(out, TM_CHECK_PASS, _("%s is a valid domain name"), ctx->domain);
}

/* The domain exists.  When it is an alias, every record the checks judge
 * is the canonical name's, and so is every Fix line (RFC 1034 section
 * 3.6.2: no other data beside a CNAME): say so once, here. */
static tm_status_t exists(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    if (tm_name_equal(ctx->owner, ctx->domain))
        return tm_finding_set(out, TM_CHECK_PASS, _("%s exists in DNS"), ctx->domain);
    tm_status_t st = tm_finding_set(out, TM_CHECK_PASS, _("%s exists in DNS: an alias (CNAME) of %s"),
                                    ctx->domain, ctx->owner);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("An alias has no records of its own: its MX and TXT records "
                                      "are those of %s, and every Fix line is written at %s, "
                                      "because a record beside the CNAME makes the zone "
                                      "unloadable (RFC 1034 section 3.6.2).  A change there "
                                      "changes %s's own mail too; to give %s records of its own, "
                                      "replace the CNAME with them."),
                               ctx->owner, ctx->owner, ctx->owner, ctx->domain);
    return st;
}

tm_status_t tm_check_domain_exists(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const tm_answer_t *answers[2] = {tm_ctx_txt(ctx), tm_ctx_mx(ctx)};
    const tm_answer_t *failed = NULL;
    for (size_t i = 0; i < 2; i++) {
        const tm_answer_t *ans = answers[i];
        if (ans && ans->outcome == TM_DNS_UNKNOWN && ans->error && !failed)
            failed = ans; /* a zone file that leaves it to the provider says why */
        if (!ans || ans->outcome == TM_DNS_UNKNOWN)
            continue;
        if (tm_dns_outcome_is_failure(ans->outcome)) {
            failed = ans;
            continue;
        }
        if (ans->outcome != TM_DNS_NXDOMAIN)
            return exists(ctx, out);
        tm_status_t st = tm_finding_set(out, TM_CHECK_FAIL,
                                        _("%s does not exist in DNS (NXDOMAIN)"), ctx->domain);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Nothing can be verified or delivered for a name "
                                          "that does not exist."));
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Check the spelling, and that the domain is registered "
                                       "and delegated to your name servers."));
        return st;
    }
    tm_status_t st;
    if (failed && tm_finding_for_missing(ctx, failed, ctx->domain, out, &st))
        return st;
    return tm_finding_set(out, TM_CHECK_SKIP,
                          _("Offline: %s is in no zone file, so its existence is unknown"),
                          ctx->domain);
}

bool tm_check_skip_missing_domain(const tm_check_ctx_t *ctx, tm_finding_t *out, tm_status_t *st)
{
    /* The name itself is judged before any query, and domain.exists is
     * the one finding an NXDOMAIN makes: a token, an MX or an SPF record
     * cannot be published at a name that does not exist (RFC 8020: nothing
     * exists below it either), so every other check has nothing to judge. */
    if (strcmp(out->id, "domain.name") == 0 || strcmp(out->id, "domain.exists") == 0 ||
        !tm_ctx_domain_missing(ctx))
        return false;
    *st = tm_finding_set(out, TM_CHECK_SKIP, _("%s does not exist in DNS (see domain.exists)"),
                         ctx->domain);
    return true;
}

/* ---- the ownership token ------------------------------------------------ */

#define TOKEN_MAX_CANDIDATES 16

typedef struct {
    const tm_rr_t *rr;
    size_t prefix_at;   /* where "tmes=" starts in the joined strings */
    size_t value_start; /* first byte after "tmes=" */
    size_t core_start;  /* the value without surrounding quotes and spaces */
    size_t core_len;
} token_t;

static bool is_wrapper(int c) { return c == ' ' || c == '"' || c == '\'' || c == '\t'; }

/* A TXT record is a token candidate when, after stray quotes and spaces (a
 * common paste error), it starts with the prefix in any letter case. */
static bool token_parse(const tm_rules_t *rules, const tm_rr_t *rr, token_t *tok)
{
    tm_cursor_t cur;
    tm_cursor_init(&cur, rr->u.txt.data, rr->u.txt.len);
    while (is_wrapper(tm_cursor_peek(&cur)))
        tm_cursor_next(&cur);
    size_t prefix_at = cur.pos;
    if (!tm_cursor_accept_ci(&cur, rules->token_prefix))
        return false;
    tok->rr = rr;
    tok->prefix_at = prefix_at;
    tok->value_start = cur.pos;
    size_t start = cur.pos, end = rr->u.txt.len;
    while (start < end && is_wrapper((unsigned char)rr->u.txt.data[start]))
        start++;
    while (end > start && is_wrapper((unsigned char)rr->u.txt.data[end - 1]))
        end--;
    tok->core_start = start;
    tok->core_len = end - start;
    return true;
}

/* Collects up to max candidates; returns how many exist (may exceed max). */
static size_t token_collect(const tm_check_ctx_t *ctx, token_t *toks, size_t max)
{
    const tm_answer_t *txt = tm_ctx_txt(ctx);
    size_t n = 0;
    if (!txt || txt->outcome != TM_DNS_NOERROR)
        return 0;
    for (size_t i = 0; i < txt->count; i++) {
        token_t tok;
        if (!token_parse(ctx->rules, &txt->rrs[i], &tok))
            continue;
        if (n < max)
            toks[n] = tok;
        n++;
    }
    return n;
}

static bool mx_points_at_tmems(const tm_check_ctx_t *ctx)
{
    const tm_answer_t *mx = tm_ctx_mx(ctx);
    if (!mx || mx->outcome != TM_DNS_NOERROR)
        return false;
    for (size_t i = 0; i < mx->count; i++) {
        if (tm_ctx_is_tmems_host(ctx, mx->rrs[i].u.mx.host))
            return true;
    }
    return false;
}

static tm_status_t token_fix_line(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    if (ctx->opts->token && ctx->opts->token[0])
        return tm_finding_fix_record(out, "%s. 3600 IN TXT \"%s%s\"", ctx->owner,
                              ctx->rules->token_prefix, ctx->opts->token);
    return tm_finding_fix(out,
                          dngettext(TM_TEXTDOMAIN,
                                    "%s. 3600 IN TXT \"%s<the %u character shown in the console>\"",
                                    "%s. 3600 IN TXT \"%s<the %u characters shown in the console>\"",
                                    ctx->rules->token_length),
                          ctx->owner, ctx->rules->token_prefix, ctx->rules->token_length);
}

tm_status_t tm_check_token_present(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const tm_answer_t *txt = tm_ctx_txt(ctx);
    tm_status_t st;
    if (tm_finding_for_missing(ctx, txt, _("the TXT records"), out, &st))
        return st;
    token_t toks[TOKEN_MAX_CANDIDATES];
    size_t n = token_collect(ctx, toks, TOKEN_MAX_CANDIDATES);
    if (n == 1)
        return tm_finding_set(out, TM_CHECK_PASS, _("One ownership token (%s) is published"),
                              ctx->rules->token_prefix);
    if (n == 0 && mx_points_at_tmems(ctx)) {
        /* docs/checks.md token.present: the vendor also accepts an MX pointing at
         * the TMEmS inbound host as proof of ownership. */
        st = tm_finding_set(out, TM_CHECK_INFO,
                            _("No %s token, but the MX points at the TMEmS inbound host, which "
                              "also proves ownership"),
                            ctx->rules->token_prefix);
        if (st == TM_OK)
            st = token_fix_line(ctx, out);
        return st;
    }
    if (n == 0) {
        st = tm_finding_set(out, TM_CHECK_FAIL,
                            _("No ownership token: the console shows ドメインが確認されていません "
                              "(domain not verified)"));
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Until the domain is verified, policy rules cannot "
                                          "name it and settings may not migrate (onboarding "
                                          "guide, Step 2-1)."));
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Publish the TXT record shown in the console under "
                                       "全般, then press 確認:"));
        if (st == TM_OK)
            st = token_fix_line(ctx, out);
        return st;
    }
    st = tm_finding_set(out, TM_CHECK_WARN,
                        dngettext(TM_TEXTDOMAIN,
                                  "%zu ownership token is published; one is expected",
                                  "%zu ownership tokens are published; one is expected", n),
                        n);
    if (st == TM_OK)
        st = tm_finding_detail(out, _("A leftover token from a trial or another account can "
                                      "block registering the domain elsewhere: a domain belongs "
                                      "to one account per data center (onboarding guide, "
                                      "Step 1-3)."));
    for (size_t i = 0; i < n && i < TOKEN_MAX_CANDIDATES && st == TM_OK; i++) {
        char *quoted = tm_quote_dns_dup(toks[i].rr->u.txt.data, toks[i].rr->u.txt.len);
        if (!quoted)
            return TM_ENOMEM;
        st = tm_finding_detail(out, "  %s", quoted);
        tm_free(quoted);
    }
    if (st == TM_OK)
        st = tm_finding_fix(out, _("Keep only the token the console shows for this account and "
                                   "delete the other TXT records that start with %s."),
                            ctx->rules->token_prefix);
    return st;
}

/* Appends each defect of one token to the finding's detail; true if any. */
static tm_status_t token_defects(const tm_check_ctx_t *ctx, const token_t *tok,
                                 tm_finding_t *out, bool *defective)
{
    const tm_rules_t *rules = ctx->rules;
    const char *data = tok->rr->u.txt.data;
    size_t len = tok->rr->u.txt.len;
    size_t prefix_len = strlen(rules->token_prefix);
    tm_status_t st = TM_OK;
    *defective = false;

    char *quoted = tm_quote_dns_dup(data, len);
    if (!quoted)
        return TM_ENOMEM;
    st = tm_finding_detail(out, _("Published: %s"), quoted);
    tm_free(quoted);

    if (st == TM_OK && strncmp(data + tok->prefix_at, rules->token_prefix, prefix_len) != 0) {
        *defective = true;
        st = tm_finding_detail(out, _("- the prefix must be written exactly %s (lower case)"),
                               rules->token_prefix);
    }
    bool wrapped = tok->prefix_at > 0 || tok->core_start > tok->value_start ||
                   tok->core_start + tok->core_len < len;
    if (st == TM_OK && wrapped) {
        *defective = true;
        st = tm_finding_detail(out, _("- quotes or spaces are part of the value; the zone file "
                                      "quotes must not be inside the record"));
    }
    size_t bad = 0;
    for (size_t i = 0; i < tok->core_len; i++) {
        if (!isalnum((unsigned char)data[tok->core_start + i]))
            bad++;
    }
    if (st == TM_OK && bad) {
        *defective = true;
        st = tm_finding_detail(out,
                               dngettext(TM_TEXTDOMAIN,
                                         "- %zu character is not an ASCII letter or digit",
                                         "- %zu characters are not ASCII letters or digits", bad),
                               bad);
    }
    if (st == TM_OK && tok->core_len != rules->token_length) {
        *defective = true;
        st = tm_finding_detail(out,
                               dngettext(TM_TEXTDOMAIN,
                                         "- the value has %zu character instead of %u",
                                         "- the value has %zu characters instead of %u",
                                         tok->core_len),
                               tok->core_len, rules->token_length);
    }
    if (st == TM_OK && tok->rr->u.txt.nstrings > 1) {
        *defective = true;
        st = tm_finding_detail(out,
                               dngettext(TM_TEXTDOMAIN,
                                         "- the record is split into %zu string; publish it as "
                                         "one string",
                                         "- the record is split into %zu strings; publish it as "
                                         "one string",
                                         tok->rr->u.txt.nstrings),
                               tok->rr->u.txt.nstrings);
    }
    return st;
}

tm_status_t tm_check_token_format(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const tm_answer_t *txt = tm_ctx_txt(ctx);
    tm_status_t st;
    if (tm_finding_for_missing(ctx, txt, _("the TXT records"), out, &st))
        return st;
    token_t toks[TOKEN_MAX_CANDIDATES];
    size_t n = token_collect(ctx, toks, TOKEN_MAX_CANDIDATES);
    if (n == 0)
        return tm_finding_set(out, TM_CHECK_SKIP, _("No token to check"));
    if (n > TOKEN_MAX_CANDIDATES)
        n = TOKEN_MAX_CANDIDATES;
    size_t defective_count = 0;
    tm_finding_t scratch = {0};
    st = TM_OK;
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        bool defective;
        tm_finding_t one = {0};
        st = token_defects(ctx, &toks[i], &one, &defective);
        if (st == TM_OK && defective) {
            defective_count++;
            st = tm_finding_detail(&scratch, "%s", one.detail);
        }
        tm_free(one.detail);
    }
    if (st != TM_OK)
        goto done;
    if (defective_count == 0) {
        st = tm_finding_set(out, TM_CHECK_PASS,
                            dngettext(TM_TEXTDOMAIN,
                                      "The token is well-formed: %s and %u letter or digit",
                                      "The token is well-formed: %s and %u letters and digits",
                                      ctx->rules->token_length),
                            ctx->rules->token_prefix, ctx->rules->token_length);
        goto done;
    }
    st = tm_finding_set(out, TM_CHECK_FAIL,
                        _("The ownership token is malformed, so the console cannot verify it"));
    if (st == TM_OK) {
        tm_free(out->detail);
        out->detail = scratch.detail;
        out->detail_len = scratch.detail_len;
        out->detail_cap = scratch.detail_cap;
        scratch.detail = NULL;
        st = tm_finding_fix(out, _("Publish the token exactly as the console shows it, as one "
                                   "string:"));
    }
    if (st == TM_OK)
        st = token_fix_line(ctx, out);
done:
    tm_free(scratch.detail);
    return st;
}

tm_status_t tm_check_token_match(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    const char *expected = ctx->opts->token;
    if (!expected || !expected[0])
        return tm_finding_set(out, TM_CHECK_SKIP, _("No --token given to compare with"));
    const tm_answer_t *txt = tm_ctx_txt(ctx);
    tm_status_t st;
    if (tm_finding_for_missing(ctx, txt, _("the TXT records"), out, &st))
        return st;
    token_t toks[TOKEN_MAX_CANDIDATES];
    size_t n = token_collect(ctx, toks, TOKEN_MAX_CANDIDATES);
    if (n > TOKEN_MAX_CANDIDATES)
        n = TOKEN_MAX_CANDIDATES;
    size_t want = strlen(expected);
    for (size_t i = 0; i < n; i++) {
        if (toks[i].core_len == want &&
            memcmp(toks[i].rr->u.txt.data + toks[i].core_start, expected, want) == 0)
            return tm_finding_set(out, TM_CHECK_PASS,
                                  _("The published token equals the one given with --token"));
    }
    st = n ? tm_finding_set(out, TM_CHECK_FAIL,
                            _("The published token differs from the one given with --token"))
           : tm_finding_set(out, TM_CHECK_FAIL,
                            _("The token given with --token is not published"));
    if (st == TM_OK)
        st = tm_finding_detail(out, _("The console verifies only its own token: a token from "
                                      "another account or a trial does not count."));
    if (st == TM_OK)
        st = token_fix_line(ctx, out);
    return st;
}

tm_status_t tm_domain_needs(const tm_check_ctx_t *ctx, tm_questions_t *need)
{
    tm_status_t st = tm_questions_add(need, ctx->rrset, ctx->domain, TM_RR_TXT);
    if (st == TM_OK)
        st = tm_questions_add(need, ctx->rrset, ctx->domain, TM_RR_MX);
    return st;
}
