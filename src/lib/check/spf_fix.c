/* spf_fix.c - the record to publish instead of the current one, printed
 * only when it is a fix: published, it makes the finding's check pass, no
 * other check gets worse, and every address the record authorises today
 * stays authorised (docs/json.md, fix_records).  When no such record can be
 * derived, the Fix says why and what the admin has to decide. */
#include <string.h>

#include "checks.h"
#include "spf_fix.h"
#include "spf_zone.h"
#include "tmems/tm_i18n.h"

/* RFC 7208 section 4.6.4 and spf.lookups: above the limit a receiver stops
 * with permerror; 9 and 10 leave no headroom (a warning); 8 or fewer pass. */
#define HEADROOM_MAX (TM_SPF_LOOKUP_LIMIT - 2)

static unsigned lookups_rank(unsigned n)
{
    return n > TM_SPF_LOOKUP_LIMIT ? 2 : n > HEADROOM_MAX ? 1 : 0;
}

static const tm_spf_node_t *apex_node(const tm_check_ctx_t *ctx)
{
    return ctx->spf && ctx->spf->tree ? ctx->spf->tree->root : NULL;
}

static bool is_include_of(const tm_spf_term_t *term, const char *name)
{
    return name && term->kind == TM_SPF_INCLUDE && term->domain &&
           tm_name_equal(term->domain, name);
}

/* True when an include of name is a term of the apex record that
 * check_host reaches: no term before it has already spent the limit of 10
 * lookups. */
static bool include_reachable(const tm_spf_node_t *root, const char *name)
{
    unsigned spent = 0;
    for (size_t i = 0; i < root->nterms; i++) {
        const tm_spf_tterm_t *t = &root->terms[i];
        if (is_include_of(t->term, name))
            return spent < TM_SPF_LOOKUP_LIMIT;
        spent += t->lookups;
    }
    return false;
}

static bool include_in_apex(const tm_spf_node_t *root, const char *include)
{
    for (size_t i = 0; i < root->nterms; i++) {
        if (is_include_of(root->terms[i].term, include))
            return true;
    }
    return false;
}

/* Some data-center address gets a result other than pass or temperror:
 * a term before the include decides it (a permerror such as an mx term of
 * more than 10 names, or a -ip4: term).  Put first, the include decides
 * every one of them (pass) before any other term is evaluated. */
static bool ranges_fail(const tm_spf_analysis_t *a)
{
    for (size_t i = 0; a->ranges && i < a->nranges; i++) {
        for (size_t j = 0; j < a->ranges[i].nparts; j++) {
            tm_spf_result_t r = a->ranges[i].parts[j].result;
            if (r != TM_SPF_PASS && r != TM_SPF_TEMPERROR)
                return true;
        }
    }
    return false;
}

/* What the site include costs: its subtree where the tree has it, else 1
 * (the site record lists its ranges as ip4: terms, the onboarding guide's
 * reason to prefer it to the legacy chain). */
static unsigned site_cost(const tm_spf_tree_t *tree, const char *include)
{
    for (size_t i = 0; tree && i < tree->nnodes; i++) {
        const tm_spf_node_t *n = tree->nodes[i];
        for (size_t k = 0; k < n->nterms; k++) {
            const tm_spf_tterm_t *t = &n->terms[k];
            if (t->child && is_include_of(t->term, include))
                return t->lookups;
        }
    }
    return 1;
}

/* True when every address of net lies in the data-center ranges: the site
 * include authorises all of them, so the term adds nothing but a copy that
 * goes stale when the ranges change (the 2024 data-center change notice).
 * Halves net until each half is inside one range or holds none; at most
 * 128 levels. */
static bool covered_by_ranges(const tm_rules_t *rules, const tm_cidr_t *net)
{
    unsigned bits = net->addr.family == 4 ? 32 : 128;
    bool some_inside = false;
    for (size_t i = 0; i < rules->nranges; i++) {
        const tm_cidr_t *r = &rules->ranges[i].net;
        if (r->addr.family != net->addr.family)
            continue;
        if (r->prefix <= net->prefix && tm_ip_prefix_match(&r->addr, &net->addr, r->prefix))
            return true;
        if (r->prefix > net->prefix && tm_ip_prefix_match(&r->addr, &net->addr, net->prefix))
            some_inside = true;
    }
    if (!some_inside || net->prefix >= bits)
        return false;
    tm_cidr_t low = *net, high = *net;
    low.prefix = high.prefix = (uint8_t)(net->prefix + 1);
    high.addr.bytes[net->prefix / 8] |= (uint8_t)(0x80u >> (net->prefix % 8));
    return covered_by_ranges(rules, &low) && covered_by_ranges(rules, &high);
}

/* A term that names a host or domain that does not exist (NXDOMAIN, or a
 * name that cannot be queried) matches no address for any client, IPv4 or
 * IPv6, and only spends one of the 2 void lookups (RFC 7208 section 4.6.4).
 * A NODATA answer is kept: the host may have the other address type. */
static bool is_dead_term(const tm_spf_tterm_t *t)
{
    return (t->flags & TM_SPF_TF_VOID) &&
           (t->outcome == TM_DNS_NXDOMAIN || (t->flags & TM_SPF_TF_BAD_TARGET)) &&
           (t->term->kind == TM_SPF_A || t->term->kind == TM_SPF_MX ||
            t->term->kind == TM_SPF_EXISTS);
}

/* The published record as "v=spf1" and its terms, one space apart: what
 * the suggestion is compared with (extra spaces are no change). */
static tm_status_t normalized(const tm_spf_record_t *rec, tm_buf_t *out)
{
    tm_status_t st = tm_buf_puts(out, "v=spf1");
    for (size_t i = 0; i < rec->nterms && st == TM_OK; i++)
        st = tm_buf_printf(out, " %s", rec->terms[i].text);
    return st;
}

/* The apex TXT answer would grow past 512 bytes (spf.size, RFC 7208
 * section 3.4): an estimate from today's size, the length change and one
 * length byte per 255-byte string. */
static bool answer_too_big(const tm_spf_analysis_t *a, size_t old_len, size_t new_len)
{
    if (a->txt_wire_size == 0 || a->txt_wire_size > 512 || a->txt_truncated)
        return false;
    size_t old_total = old_len + (old_len + 254) / 255;
    size_t new_total = new_len + (new_len + 254) / 255;
    return new_total > old_total && a->txt_wire_size + (new_total - old_total) > 512;
}

static bool goal_about_include(tm_spf_goal_t goal)
{
    return goal == TM_SPF_GOAL_PRESENT || goal == TM_SPF_GOAL_INCLUDE ||
           goal == TM_SPF_GOAL_RANGES || goal == TM_SPF_GOAL_HARDCODED;
}

static tm_spf_fixability_t judge(const tm_spf_analysis_t *a, tm_spf_goal_t goal,
                                 const tm_spf_suggestion_t *s, size_t old_len)
{
    if (!s->changed)
        return TM_SPF_NOFIX_SAME;
    bool adds_lookups = s->include_first;
    if ((adds_lookups || goal == TM_SPF_GOAL_LOOKUPS) && !s->exact)
        return TM_SPF_NOFIX_UNKNOWN;
    /* Moving or adding the include shifts every later term by its cost: a
     * record over the limit would then lose senders that pass today. */
    if (adds_lookups && (s->lookups_after > TM_SPF_LOOKUP_LIMIT ||
                         lookups_rank(s->lookups_after) > lookups_rank(s->lookups_before)))
        return TM_SPF_NOFIX_LOOKUPS;
    if (answer_too_big(a, old_len, s->text.len))
        return TM_SPF_NOFIX_SIZE;
    switch (goal) {
    case TM_SPF_GOAL_LOOKUPS:
        return lookups_rank(s->lookups_after) == 0 ? TM_SPF_FIXABLE : TM_SPF_NOFIX_GOAL;
    case TM_SPF_GOAL_VOID:
        return s->void_after <= TM_SPF_VOID_LIMIT ? TM_SPF_FIXABLE : TM_SPF_NOFIX_GOAL;
    case TM_SPF_GOAL_HARDCODED:
        return s->hardcoded_left == 0 ? TM_SPF_FIXABLE : TM_SPF_NOFIX_GOAL;
    default: return TM_SPF_FIXABLE;
    }
}

static tm_status_t suggest(const tm_check_ctx_t *ctx, tm_spf_goal_t goal, bool with_include,
                           tm_spf_suggestion_t *s)
{
    const tm_rules_t *rules = ctx->rules;
    const tm_spf_analysis_t *a = ctx->spf;
    const tm_spf_node_t *root = apex_node(ctx);
    memset(s, 0, sizeof(*s));
    tm_buf_init(&s->text);
    if (!a || a->nrecords == 0) {
        s->fresh = s->changed = s->exact = true;
        s->include_first = s->include_added = true;
        s->lookups_after = 1;
        return tm_buf_printf(&s->text, "v=spf1 include:%s ~all", rules->spf_include);
    }
    if (!root || !root->record || root->status != TM_SPF_NODE_OK) {
        s->fixability = TM_SPF_NOFIX_SYNTAX;
        return TM_OK;
    }
    const tm_spf_record_t *rec = root->record;
    bool in_apex = include_in_apex(root, rules->spf_include);
    /* The legacy chain authorises every site through nested includes (the
     * 2024 change notice): the site record replaces it where it stands, at
     * a third of the cost, so no other term moves further from the start. */
    bool replace_legacy = with_include && !in_apex && include_in_apex(root, rules->spf_legacy);
    bool reachable = include_reachable(root, in_apex ? rules->spf_include : rules->spf_legacy) &&
                     (in_apex || replace_legacy);
    /* The include goes first when it is missing, sits past the lookup
     * limit, or some data-center address does not pass; also when ranges
     * are typed in and the include is only nested (through a redirect or
     * the customer's own include), so that they can go. */
    bool nested_only = !in_apex && !replace_legacy && a->include_depth > 0;
    s->include_first = with_include &&
                       (ranges_fail(a) || (!reachable && !nested_only) ||
                        (nested_only && a->nhardcoded > 0));
    s->include_added = s->include_first && !in_apex;
    /* Only once the include is reachable do the typed-in ranges add nothing. */
    bool drop_ranges = s->include_first || reachable;
    /* Offline unknown names or DNS failures hide part of the count.  Past
     * the tree bound the count is only "at least", but already over the
     * limit, so every decision on it is the same: that counts as known. */
    s->exact = a->offline_unknown == 0 && a->dns_errors == 0;
    s->lookups_before = a->lookups;
    unsigned lookups = 0, voids = 0;
    tm_status_t st = tm_buf_puts(&s->text, "v=spf1");
    if (st == TM_OK && s->include_first) {
        st = tm_buf_printf(&s->text, " include:%s", rules->spf_include);
        lookups += site_cost(a->tree, rules->spf_include);
    }
    for (size_t i = 0; i < rec->nterms && st == TM_OK; i++) {
        const tm_spf_term_t *term = &rec->terms[i];
        const tm_spf_tterm_t *tt = &root->terms[i];
        if (replace_legacy && is_include_of(term, rules->spf_legacy)) {
            if (!s->legacy_replaced && !s->include_first) {
                st = tm_buf_printf(&s->text, " include:%s", rules->spf_include);
                lookups += site_cost(a->tree, rules->spf_include);
            }
            s->legacy_replaced = true;
            continue;
        }
        if (s->include_first && is_include_of(term, rules->spf_include))
            continue;
        if (drop_ranges && (term->kind == TM_SPF_IP4 || term->kind == TM_SPF_IP6) &&
            covered_by_ranges(rules, &term->net)) {
            s->ranges_dropped++;
            continue;
        }
        if (is_dead_term(tt)) {
            s->dead_dropped++;
            continue;
        }
        /* +all lets anyone send and ?all protects nothing (spf.all); ~all
         * keeps what a receiver does with other senders mild while the
         * record is being completed. */
        if (term == rec->all &&
            (term->qualifier == TM_SPF_Q_PASS || term->qualifier == TM_SPF_Q_NEUTRAL)) {
            st = tm_buf_puts(&s->text, " ~all");
            continue;
        }
        st = tm_buf_printf(&s->text, " %s", term->text);
        lookups += tt->lookups;
        voids += tt->void_lookups;
    }
    /* Without all or redirect= the result for other senders is neutral
     * (RFC 7208 section 4.7). */
    if (st == TM_OK && !rec->all && !rec->redirect)
        st = tm_buf_puts(&s->text, " ~all");
    tm_buf_t old;
    tm_buf_init(&old);
    if (st == TM_OK)
        st = normalized(rec, &old);
    if (st == TM_OK) {
        s->changed = old.len != s->text.len || memcmp(old.data, s->text.data, old.len) != 0;
        s->lookups_after = lookups;
        s->void_after = voids;
        s->hardcoded_left =
            a->nhardcoded > s->ranges_dropped ? a->nhardcoded - s->ranges_dropped : 0;
        s->fixability = judge(a, goal, s, rec->len);
    }
    tm_buf_clear(&old);
    return st;
}

void tm_spf_suggestion_clear(tm_spf_suggestion_t *s) { tm_buf_clear(&s->text); }

tm_status_t tm_spf_suggest(const tm_check_ctx_t *ctx, tm_spf_goal_t goal, tm_spf_suggestion_t *s)
{
    bool about_include = goal_about_include(goal);
    tm_status_t st = suggest(ctx, goal, about_include || ctx->opts->outbound, s);
    if (st != TM_OK || s->fixability == TM_SPF_FIXABLE || about_include || !s->include_first)
        return st;
    /* The include change is what stops the record (it would cost too
     * much, or cannot be counted); this goal does not need it, so the
     * record without it may still be a fix ("+all" in a record over the
     * limit). */
    tm_spf_suggestion_t without;
    st = suggest(ctx, goal, false, &without);
    if (st == TM_OK && without.fixability == TM_SPF_FIXABLE) {
        tm_spf_suggestion_clear(s);
        *s = without;
        return TM_OK;
    }
    tm_spf_suggestion_clear(&without);
    return st;
}

tm_status_t tm_spf_suggest_record(const tm_check_ctx_t *ctx, tm_buf_t *out)
{
    tm_spf_suggestion_t s;
    tm_status_t st = tm_spf_suggest(ctx, TM_SPF_GOAL_INCLUDE, &s);
    if (st == TM_OK && s.text.len)
        st = tm_buf_append(out, s.text.data, s.text.len);
    tm_spf_suggestion_clear(&s);
    return st;
}

/* The zone-file line: owner, TTL, class, type, and the record in strings
 * of at most 255 bytes (spf_zone.c). */
static tm_status_t zone_line(const tm_check_ctx_t *ctx, const tm_buf_t *record, tm_finding_t *out)
{
    return tm_spf_zone_line(ctx->domain, 3600, record->data, record->len, out);
}

static tm_status_t explain_nofix(const tm_check_ctx_t *ctx, tm_spf_goal_t goal,
                                 const tm_spf_suggestion_t *s, tm_finding_t *out)
{
    const char *include = ctx->rules->spf_include;
    switch (s->fixability) {
    case TM_SPF_NOFIX_SYNTAX:
        return tm_finding_fix(out, _("No record is printed: the published record does not "
                                     "parse. Correct the terms spf.syntax lists, keeping every "
                                     "other term, and make this change in the same edit."));
    case TM_SPF_NOFIX_UNKNOWN:
        return tm_finding_fix(out, _("No record is printed: part of the SPF tree is unknown "
                                     "(offline, or DNS did not answer), so the DNS lookups a "
                                     "changed record needs cannot be counted."));
    case TM_SPF_NOFIX_LOOKUPS: {
        if (goal == TM_SPF_GOAL_LOOKUPS)
            return tm_spf_fix_decide(ctx, s, false, out);
        tm_status_t st =
            s->lookups_after > TM_SPF_LOOKUP_LIMIT
                ? tm_finding_fix(out,
                                 dngettext(TM_TEXTDOMAIN,
                                           "No record is printed: with %s first the record "
                                           "would need %u DNS lookup, over the limit, and a "
                                           "sender that passes today would get permerror.",
                                           "No record is printed: with %s first the record "
                                           "would need %u DNS lookups, over the limit, and a "
                                           "sender that passes today would get permerror.",
                                           s->lookups_after),
                                 include, s->lookups_after)
                : tm_finding_fix(out,
                                 dngettext(TM_TEXTDOMAIN,
                                           "No record is printed: with %s the record would "
                                           "need %u DNS lookup, leaving no headroom below the "
                                           "limit.",
                                           "No record is printed: with %s the record would "
                                           "need %u DNS lookups, leaving no headroom below the "
                                           "limit.",
                                           s->lookups_after),
                                 include, s->lookups_after);
        /* spf.lookups lists the terms when it warns or fails itself. */
        bool listed = lookups_rank(s->lookups_before) > 0;
        if (st == TM_OK && listed)
            st = tm_finding_fix(out, _("Make room first (see spf.lookups)."));
        else if (st == TM_OK)
            st = tm_spf_fix_decide(ctx, s, true, out);
        return st;
    }
    case TM_SPF_NOFIX_SIZE:
        return tm_finding_fix(out, _("No record is printed: the domain's TXT answer would grow "
                                     "past 512 bytes. Remove TXT records you no longer need at "
                                     "the apex first (see spf.size)."));
    case TM_SPF_NOFIX_SAME:
    case TM_SPF_NOFIX_GOAL:
        break;
    case TM_SPF_FIXABLE: return TM_OK;
    }
    switch (goal) {
    case TM_SPF_GOAL_LOOKUPS: return tm_spf_fix_decide(ctx, s, false, out);
    case TM_SPF_GOAL_VOID:
        return tm_finding_fix(out, _("No record is printed: some of these terms are in records "
                                     "the domain includes, or name hosts that exist without an "
                                     "IPv4 address; remove or correct each where it is."));
    case TM_SPF_GOAL_HARDCODED:
        return tm_finding_fix(out, _("No record is printed: some of these terms are in records "
                                     "the domain includes; replace them there by the include."));
    default:
        return tm_finding_fix(out, _("No record is printed: no change the tool can derive from "
                                     "the published record fixes this."));
    }
}

tm_status_t tm_spf_fix_line(const tm_check_ctx_t *ctx, tm_spf_goal_t goal, tm_finding_t *out,
                            bool *printed)
{
    tm_spf_suggestion_t s;
    tm_status_t st = tm_spf_suggest(ctx, goal, &s);
    bool fix = st == TM_OK && s.fixability == TM_SPF_FIXABLE;
    if (printed)
        *printed = fix;
    if (st == TM_OK)
        st = fix ? zone_line(ctx, &s.text, out) : explain_nofix(ctx, goal, &s, out);
    tm_spf_suggestion_clear(&s);
    return st;
}

tm_status_t tm_spf_fix_decide(const tm_check_ctx_t *ctx, const tm_spf_suggestion_t *s, bool list,
                              tm_finding_t *out)
{
    const tm_spf_node_t *root = apex_node(ctx);
    const char *include = ctx->rules->spf_include;
    unsigned after = s->lookups_after;
    tm_status_t st = TM_OK;
    if (s->legacy_replaced || s->dead_dropped)
        st = tm_finding_fix(out,
                            dngettext(TM_TEXTDOMAIN,
                                      "Replacing the legacy include and removing the terms that "
                                      "name hosts that do not exist bring it to %u DNS lookup.",
                                      "Replacing the legacy include and removing the terms that "
                                      "name hosts that do not exist bring it to %u DNS lookups.",
                                      after),
                            after);
    if (st == TM_OK && after > TM_SPF_LOOKUP_LIMIT)
        st = tm_finding_fix(
            out,
            dngettext(TM_TEXTDOMAIN,
                      "Which of your senders to drop is your decision, so no record is printed: "
                      "remove terms that cost at least %u lookup to get within the limit (%u "
                      "for headroom), or replace an include by the ip4:/ip6: networks it lists.",
                      "Which of your senders to drop is your decision, so no record is printed: "
                      "remove terms that cost at least %u lookups to get within the limit (%u "
                      "for headroom), or replace an include by the ip4:/ip6: networks it lists.",
                      after - TM_SPF_LOOKUP_LIMIT),
            after - TM_SPF_LOOKUP_LIMIT, after - HEADROOM_MAX);
    else if (st == TM_OK && after > HEADROOM_MAX)
        st = tm_finding_fix(
            out,
            dngettext(TM_TEXTDOMAIN,
                      "Which of your senders to drop is your decision, so no record is printed: "
                      "for headroom, remove terms that cost at least %u lookup, or replace an "
                      "include by the ip4:/ip6: networks it lists.",
                      "Which of your senders to drop is your decision, so no record is printed: "
                      "for headroom, remove terms that cost at least %u lookups, or replace an "
                      "include by the ip4:/ip6: networks it lists.",
                      after - HEADROOM_MAX),
            after - HEADROOM_MAX);
    if (st == TM_OK && list)
        st = tm_finding_fix(out, _("The terms that cost lookups:"));
    for (size_t i = 0; list && root && i < root->nterms && st == TM_OK; i++) {
        const tm_spf_tterm_t *t = &root->terms[i];
        if (t->lookups == 0 || is_dead_term(t) ||
            (s->legacy_replaced && is_include_of(t->term, ctx->rules->spf_legacy)))
            continue;
        bool needed = ctx->opts->outbound && is_include_of(t->term, include);
        st = tm_finding_fix(out, "  %-3u %s%s", t->lookups, t->term->text,
                            needed ? _("  (needed for TMEmS: keep)") : "");
    }
    if (st == TM_OK && list && s->include_added)
        st = tm_finding_fix(out, "  %-3u include:%s%s", site_cost(ctx->spf->tree, include),
                            include, _("  (to add, needed for TMEmS)"));
    return st;
}
