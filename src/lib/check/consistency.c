/* consistency.c - dns.consistency (docs/checks.md, only with
 * --authoritative): every authoritative server of the zone and the recursive
 * answer agree on the SOA serial, the MX set, the ownership token and the
 * SPF record.  During an MX cutover, or with a secondary that stopped
 * transferring the zone (RFC 1996 NOTIFY, RFC 5936 AXFR), some servers hand
 * out the old records: senders then get the old or the new MX depending on
 * which server their resolver asked.
 *
 * Pure: the answers of each server come in ctx->auth (tm_probe_view.h), filled
 * by src/lib/probe/auth.c; the recursive ones are in the rrset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "tmems/tm_probe_view.h"
#include "tmems/tm_i18n.h"

/* Bytes of one value (an MX set, a TXT record) shown in a message; the
 * comparison itself always uses the whole value. */
#define SHOW_MAX 240

#define SPF_PREFIX "v=spf1"

/* ---- targets and needs ---------------------------------------------------- */

static const tm_answer_t *apex_ns(const tm_check_ctx_t *ctx)
{
    return tm_rrset_get(ctx->rrset, ctx->domain, TM_RR_NS);
}

static bool usable(const tm_answer_t *ans)
{
    return ans && ans->outcome == TM_DNS_NOERROR && ans->count > 0;
}

static bool add_target(tm_probe_targets_t *out, const char *host, const tm_ip_t *addr,
                       tm_dns_outcome_t outcome)
{
    if (out->count == TM_PROBE_MAX_TARGETS) {
        out->truncated = true;
        return false;
    }
    tm_probe_target_t *t = &out->items[out->count++];
    memset(t, 0, sizeof(*t));
    snprintf(t->host, sizeof(t->host), "%s", host);
    t->has_addr = addr != NULL;
    if (addr)
        t->addr = *addr;
    t->addr_outcome = outcome;
    return true;
}

void tm_auth_targets(const tm_check_ctx_t *ctx, tm_probe_targets_t *out)
{
    memset(out, 0, sizeof(*out));
    const tm_answer_t *ns = apex_ns(ctx);
    if (!usable(ns))
        return;
    for (size_t i = 0; i < ns->count; i++) {
        const char *host = ns->rrs[i].u.name;
        if (!host || !host[0])
            continue;
        /* An NS answer may repeat a host; ask it once. */
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = tm_name_equal(ns->rrs[k].u.name, host);
        if (seen)
            continue;
        const tm_answer_t *a = tm_rrset_get(ctx->rrset, host, TM_RR_A);
        const tm_answer_t *aaaa = tm_rrset_get(ctx->rrset, host, TM_RR_AAAA);
        const tm_answer_t *use = usable(a) ? a : usable(aaaa) ? aaaa : NULL;
        if (!use) {
            tm_dns_outcome_t oc = a ? a->outcome : TM_DNS_UNKNOWN;
            if (a && a->outcome == TM_DNS_NODATA && aaaa)
                oc = aaaa->outcome;
            if (!add_target(out, host, NULL, oc))
                return;
            continue;
        }
        for (size_t k = 0; k < use->count; k++) {
            tm_ip_t ip;
            memset(&ip, 0, sizeof(ip));
            if (use->rrs[k].type == TM_RR_A) {
                ip.family = 4;
                memcpy(ip.bytes, use->rrs[k].u.a, 4);
            } else if (use->rrs[k].type == TM_RR_AAAA) {
                ip.family = 6;
                memcpy(ip.bytes, use->rrs[k].u.aaaa, 16);
            } else {
                continue;
            }
            if (!add_target(out, host, &ip, TM_DNS_NOERROR))
                return;
        }
    }
}

tm_status_t tm_consistency_needs(const tm_check_ctx_t *ctx, tm_questions_t *need)
{
    static const uint16_t apex_types[] = {TM_RR_NS, TM_RR_SOA, TM_RR_TXT, TM_RR_MX};
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < sizeof(apex_types) / sizeof(apex_types[0]) && st == TM_OK; i++)
        st = tm_questions_add(need, ctx->rrset, ctx->domain, apex_types[i]);
    const tm_answer_t *ns = apex_ns(ctx);
    if (!usable(ns))
        return st;
    for (size_t i = 0; i < ns->count && st == TM_OK; i++) {
        st = tm_questions_add(need, ctx->rrset, ns->rrs[i].u.name, TM_RR_A);
        if (st == TM_OK)
            st = tm_questions_add(need, ctx->rrset, ns->rrs[i].u.name, TM_RR_AAAA);
    }
    return st;
}

/* ---- what is compared ----------------------------------------------------- */

/* What one source (a server, or the recursive resolver) says, as canonical
 * texts: equal texts mean equal record sets.  NULL: no answer to judge. */
typedef struct {
    bool serial_known;
    uint32_t serial;
    char *mx;       /* "10 a.example, 20 b.example", "" for no MX */
    uint32_t mx_ttl;
    char *token;    /* the tmes= records, quoted and sorted, "" for none */
    char *spf;      /* the v=spf1 records, likewise */
} facts_t;

static void facts_clear(facts_t *f)
{
    tm_free(f->mx);
    tm_free(f->token);
    tm_free(f->spf);
    memset(f, 0, sizeof(*f));
}

static int by_mx(const void *a, const void *b)
{
    const tm_rr_t *x = *(const tm_rr_t *const *)a, *y = *(const tm_rr_t *const *)b;
    if (x->u.mx.preference != y->u.mx.preference)
        return x->u.mx.preference < y->u.mx.preference ? -1 : 1;
    return strcmp(x->u.mx.host, y->u.mx.host);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "10 a.example, 20 b.example" in preference order, "" for none: one
 * canonical text per MX set, so two sets are equal when their texts are. */
static tm_status_t render_mx(const tm_answer_t *mx, char **out)
{
    tm_buf_t buf;
    tm_buf_init(&buf);
    const tm_rr_t **sorted = NULL;
    tm_status_t st = TM_OK;
    size_t n = mx->outcome == TM_DNS_NOERROR ? mx->count : 0;
    if (n > 0) {
        sorted = tm_malloc(n * sizeof(*sorted));
        if (!sorted)
            return TM_ENOMEM;
        for (size_t i = 0; i < n; i++)
            sorted[i] = &mx->rrs[i];
        qsort(sorted, n, sizeof(*sorted), by_mx);
    }
    for (size_t i = 0; i < n && st == TM_OK; i++)
        st = tm_buf_printf(&buf, "%s%u %s", i ? ", " : "", sorted[i]->u.mx.preference,
                           sorted[i]->u.mx.host[0] ? sorted[i]->u.mx.host : ".");
    tm_free(sorted);
    if (st == TM_OK && !(*out = tm_buf_take(&buf)))
        st = TM_ENOMEM;
    tm_buf_clear(&buf);
    return st;
}

/* True when the TXT record starts with prefix in any letter case. */
static bool txt_starts(const tm_rr_t *rr, const char *prefix)
{
    size_t n = strlen(prefix);
    return rr->u.txt.len >= n && tm_ascii_ncasecmp(rr->u.txt.data, prefix, n) == 0;
}

/* The TXT records starting with prefix, each quoted (tm_quote_dns, which
 * maps different bytes to different texts), sorted and joined. */
static tm_status_t render_txt(const tm_answer_t *txt, const char *prefix, bool spf, char **out)
{
    size_t n = txt->outcome == TM_DNS_NOERROR ? txt->count : 0, used = 0;
    char **quoted = NULL;
    tm_buf_t buf;
    tm_buf_init(&buf);
    tm_status_t st = TM_OK;
    if (n > 0 && !(quoted = tm_calloc(n, sizeof(*quoted))))
        return TM_ENOMEM;
    for (size_t i = 0; i < n && st == TM_OK; i++) {
        const tm_rr_t *rr = &txt->rrs[i];
        if (!txt_starts(rr, prefix))
            continue;
        /* RFC 7208 section 4.5: "v=spf1" followed by a space or the end. */
        if (spf && rr->u.txt.len > strlen(prefix) && rr->u.txt.data[strlen(prefix)] != ' ')
            continue;
        if (!(quoted[used] = tm_quote_dns_dup(rr->u.txt.data, rr->u.txt.len)))
            st = TM_ENOMEM;
        else
            used++;
    }
    if (st == TM_OK && used > 1)
        qsort(quoted, used, sizeof(*quoted), by_string);
    for (size_t i = 0; i < used && st == TM_OK; i++)
        st = tm_buf_printf(&buf, "%s%s", i ? ", " : "", quoted[i]);
    for (size_t i = 0; i < used; i++)
        tm_free(quoted[i]);
    tm_free(quoted);
    if (st == TM_OK && !(*out = tm_buf_take(&buf)))
        st = TM_ENOMEM;
    tm_buf_clear(&buf);
    return st;
}

/* An answer that carries a verdict: it came, and was not a failure. */
static bool answered(const tm_answer_t *ans)
{
    return ans && ans->outcome != TM_DNS_UNKNOWN && !tm_dns_outcome_is_failure(ans->outcome);
}

static tm_status_t get_facts(const tm_rules_t *rules, const tm_answer_t *soa,
                         const tm_answer_t *txt, const tm_answer_t *mx, facts_t *out)
{
    memset(out, 0, sizeof(*out));
    tm_status_t st = TM_OK;
    if (usable(soa) && soa->rrs[0].type == TM_RR_SOA) {
        out->serial_known = true;
        out->serial = soa->rrs[0].u.soa.serial;
    }
    if (answered(mx)) {
        st = render_mx(mx, &out->mx);
        out->mx_ttl = tm_answer_min_ttl(mx);
    }
    if (st == TM_OK && answered(txt)) {
        st = render_txt(txt, rules->token_prefix, false, &out->token);
        if (st == TM_OK)
            st = render_txt(txt, SPF_PREFIX, true, &out->spf);
    }
    if (st != TM_OK)
        facts_clear(out);
    return st;
}

/* ---- the check ------------------------------------------------------------ */

/* RFC 1982 section 3.2: serial numbers compare modulo 2^32, so a serial
 * that wrapped is still newer. */
static int serial_cmp(uint32_t a, uint32_t b)
{
    if (a == b)
        return 0;
    uint32_t ahead = a - b;
    return ahead < 0x80000000u ? 1 : -1;
}

/* value, cut to SHOW_MAX bytes on a UTF-8 boundary, "(none)" when empty. */
static tm_status_t put_value(tm_buf_t *buf, const char *value)
{
    if (!value[0])
        return tm_buf_puts(buf, _("(none)"));
    size_t len = strlen(value);
    if (len <= SHOW_MAX)
        return tm_buf_puts(buf, value);
    size_t cut = SHOW_MAX;
    while (cut > 0 && ((unsigned char)value[cut] & 0xC0) == 0x80)
        cut--;
    tm_status_t st = tm_buf_append(buf, value, cut);
    return st == TM_OK ? tm_buf_puts(buf, "...") : st;
}

static tm_status_t put_pair(tm_buf_t *buf, bool *first, const char *what, const char *mine,
                            const char *ref)
{
    tm_status_t st = tm_buf_printf(buf, "%s%s ", *first ? "" : "; ", what);
    *first = false;
    if (st == TM_OK)
        st = put_value(buf, mine);
    if (st == TM_OK)
        st = tm_buf_puts(buf, _(" vs "));
    return st == TM_OK ? put_value(buf, ref) : st;
}

/* Appends what differs between a server and the reference ("serial 2 vs 1
 * (ahead); MX ... vs ..."); *differs tells whether anything did. */
static tm_status_t describe_diff(tm_buf_t *buf, const facts_t *mine,
                                 const facts_t *ref, bool *differs)
{
    bool first = true;
    tm_status_t st = TM_OK;
    if (mine->serial_known && ref->serial_known && mine->serial != ref->serial) {
        int c = serial_cmp(mine->serial, ref->serial);
        st = tm_buf_printf(buf, "%s%s %u", first ? "" : "; ", _("serial"), mine->serial);
        if (st == TM_OK)
            st = tm_buf_puts(buf, _(" vs "));
        if (st == TM_OK)
            st = tm_buf_printf(buf, "%u (%s)", ref->serial, c > 0 ? _("newer") : _("older"));
        first = false;
    }
    if (st == TM_OK && mine->mx && ref->mx && strcmp(mine->mx, ref->mx) != 0)
        st = put_pair(buf, &first, "MX", mine->mx, ref->mx);
    if (st == TM_OK && mine->token && ref->token && strcmp(mine->token, ref->token) != 0)
        st = put_pair(buf, &first, _("token"), mine->token, ref->token);
    if (st == TM_OK && mine->spf && ref->spf && strcmp(mine->spf, ref->spf) != 0)
        st = put_pair(buf, &first, "SPF", mine->spf, ref->spf);
    *differs = !first;
    return st;
}

static void server_label(const tm_probe_target_t *t, char *buf, size_t len)
{
    char addr[64] = "";
    if (t->has_addr)
        tm_ip_format(&t->addr, addr, sizeof(addr));
    if (addr[0])
        snprintf(buf, len, "%s (%s)", t->host, addr);
    else
        snprintf(buf, len, "%s", t->host);
}

/* The first answer of a server that carries no verdict, or NULL when all
 * three do.  The server was asked (all three answers are there). */
static const tm_answer_t *failed_answer(const tm_auth_server_t *s)
{
    const tm_answer_t *answers[3] = {s->soa, s->txt, s->mx};
    for (size_t i = 0; i < 3; i++) {
        if (!answered(answers[i]))
            return answers[i];
    }
    return NULL;
}

/* Why a server gives no verdict, as one line into buf; false when it
 * answered like an authoritative server should. */
static tm_status_t server_problem(const tm_check_ctx_t *ctx, const tm_auth_server_t *s,
                                  const char *label, tm_buf_t *buf, bool *problem)
{
    *problem = true;
    if (!s->target.has_addr)
        return tm_buf_printf(buf, _("%s: the name server host has no address (%s)"), label,
                             tm_dns_outcome_name(s->target.addr_outcome));
    bool asked = s->soa && s->txt && s->mx;
    const tm_answer_t *bad = asked ? failed_answer(s) : NULL;
    if (!asked)
        return tm_buf_printf(buf, _("%s: was not asked"), label);
    if (bad) {
        tm_status_t st = tm_buf_printf(buf, _("%s: no answer for %s %s: %s"), label,
                                       ctx->domain, tm_rrtype_name(bad->type),
                                       tm_dns_outcome_name(bad->outcome));
        if (st == TM_OK && bad->error)
            st = tm_buf_printf(buf, " (%s)", bad->error);
        return st;
    }
    /* RFC 1035 section 6.1: an authoritative server has the zone's SOA at
     * its apex; without it the server only refers elsewhere. */
    if (!usable(s->soa) || s->soa->rrs[0].type != TM_RR_SOA)
        return tm_buf_printf(buf,
                             _("%s: does not serve %s (no SOA record at the apex in its "
                               "answer: a lame delegation)"),
                             label, ctx->domain);
    *problem = false;
    return TM_OK;
}

/* The reference every server is compared with: the recursive answer, and
 * for what the recursive resolver could not answer, the first server that
 * could.  Fills ref from the strings of recursive and servers (no copy). */
static void pick_reference(const facts_t *recursive, const facts_t *servers,
                           const bool *ok, size_t n, facts_t *ref)
{
    *ref = *recursive;
    for (size_t i = 0; i < n; i++) {
        if (!ok[i])
            continue;
        const facts_t *s = &servers[i];
        if (!ref->serial_known && s->serial_known) {
            ref->serial_known = true;
            ref->serial = s->serial;
        }
        if (!ref->mx && s->mx)
            ref->mx = s->mx;
        if (!ref->token && s->token)
            ref->token = s->token;
        if (!ref->spf && s->spf)
            ref->spf = s->spf;
    }
}

typedef struct {
    facts_t recursive;
    facts_t servers[TM_PROBE_MAX_TARGETS];
    bool ok[TM_PROBE_MAX_TARGETS];
    tm_buf_t problems; /* one line per server without a verdict */
    tm_buf_t diffs;    /* one line per server that differs */
    size_t nproblems, ndiffs;
    uint32_t mx_ttl;   /* the largest MX TTL seen anywhere */
    bool mx_seen;
    bool serial_known; /* the reference's serial */
    uint32_t serial;
} judge_t;

static void judge_clear(judge_t *j)
{
    facts_clear(&j->recursive);
    for (size_t i = 0; i < TM_PROBE_MAX_TARGETS; i++)
        facts_clear(&j->servers[i]);
    tm_buf_clear(&j->problems);
    tm_buf_clear(&j->diffs);
}

static tm_status_t judge_servers(const tm_check_ctx_t *ctx, const tm_auth_view_t *view,
                                 judge_t *j)
{
    const tm_answer_t *rmx = tm_ctx_mx(ctx);
    tm_status_t st = get_facts(ctx->rules, tm_rrset_get(ctx->rrset, ctx->domain, TM_RR_SOA),
                               tm_ctx_txt(ctx), rmx, &j->recursive);
    if (st == TM_OK && j->recursive.mx && j->recursive.mx[0]) {
        j->mx_ttl = j->recursive.mx_ttl;
        j->mx_seen = true;
    }
    for (size_t i = 0; i < view->count && st == TM_OK; i++) {
        const tm_auth_server_t *s = &view->servers[i];
        char label[TM_NAME_MAX + 80];
        server_label(&s->target, label, sizeof(label));
        bool problem = false;
        tm_buf_t line;
        tm_buf_init(&line);
        st = server_problem(ctx, s, label, &line, &problem);
        if (st == TM_OK && problem) {
            st = tm_buf_printf(&j->problems, "%s%s", j->nproblems ? "\n" : "", line.data);
            j->nproblems++;
        } else if (st == TM_OK) {
            st = get_facts(ctx->rules, s->soa, s->txt, s->mx, &j->servers[i]);
            j->ok[i] = st == TM_OK;
            /* The authoritative TTL is the original one; a cache may hold
             * the old MX for up to the largest. */
            if (st == TM_OK && j->servers[i].mx && j->servers[i].mx[0] &&
                (!j->mx_seen || j->servers[i].mx_ttl > j->mx_ttl)) {
                j->mx_ttl = j->servers[i].mx_ttl;
                j->mx_seen = true;
            }
        }
        tm_buf_clear(&line);
    }
    if (st != TM_OK)
        return st;
    facts_t ref;
    pick_reference(&j->recursive, j->servers, j->ok, view->count, &ref);
    j->serial_known = ref.serial_known;
    j->serial = ref.serial;
    for (size_t i = 0; i < view->count && st == TM_OK; i++) {
        if (!j->ok[i])
            continue;
        char label[TM_NAME_MAX + 80];
        server_label(&view->servers[i].target, label, sizeof(label));
        tm_buf_t line;
        tm_buf_init(&line);
        bool differs = false;
        st = describe_diff(&line, &j->servers[i], &ref, &differs);
        if (st == TM_OK && differs) {
            st = tm_buf_printf(&j->diffs, "%s%s: %s", j->ndiffs ? "\n" : "", label, line.data);
            j->ndiffs++;
        }
        tm_buf_clear(&line);
    }
    return st;
}

static tm_status_t add_block(tm_finding_t *out, const tm_buf_t *block)
{
    return block->len ? tm_finding_detail(out, "%s", block->data) : TM_OK;
}

static tm_status_t add_ttl_note(tm_finding_t *out, const judge_t *j)
{
    if (!j->mx_seen)
        return TM_OK;
    char about[64] = "";
    if (j->mx_ttl >= 3600)
        snprintf(about, sizeof(about), _(" (about %u h)"), (j->mx_ttl + 1800) / 3600);
    else if (j->mx_ttl >= 120)
        snprintf(about, sizeof(about), _(" (about %u min)"), (j->mx_ttl + 30) / 60);
    return tm_finding_detail(out,
                             _("Resolvers may keep the old MX for up to %u s%s, the MX TTL: a "
                               "change reaches every sender only after that."),
                             j->mx_ttl, about);
}

tm_status_t tm_check_dns_consistency(const tm_check_ctx_t *ctx, tm_finding_t *out)
{
    if (!ctx->opts->authoritative)
        return tm_finding_set(out, TM_CHECK_SKIP, _("Only with --authoritative"));
    if (ctx->opts->offline)
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("Offline: the authoritative servers are not asked"));
    const tm_answer_t *ns = apex_ns(ctx);
    tm_status_t st;
    if (tm_finding_for_missing(ctx, ns, _("the NS records"), out, &st))
        return st;
    if (!usable(ns))
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("%s has no NS records (%s): it is not the apex of a zone, so "
                                "there are no authoritative servers of its own to compare"),
                              ctx->domain, tm_dns_outcome_name(ns->outcome));
    const tm_auth_view_t *view = ctx->auth;
    if (!view || view->count == 0)
        return tm_finding_set(out, TM_CHECK_SKIP,
                              _("The authoritative servers were not asked"));

    judge_t *j = tm_calloc(1, sizeof(*j));
    if (!j)
        return TM_ENOMEM;
    tm_buf_init(&j->problems);
    tm_buf_init(&j->diffs);
    st = judge_servers(ctx, view, j);
    if (st != TM_OK)
        goto done;
    size_t n = view->count;
    if (j->nproblems > 0) {
        st = tm_finding_set(out, TM_CHECK_ERROR,
                            dngettext(TM_TEXTDOMAIN, "%zu of %zu authoritative server addresses did not "
                                     "answer for %s",
                                     "%zu of %zu authoritative server addresses did not "
                                     "answer for %s",
                                     n),
                            j->nproblems, n, ctx->domain);
        if (st == TM_OK)
            st = add_block(out, &j->problems);
        if (st == TM_OK && j->ndiffs > 0)
            st = tm_finding_detail(out, _("Among those that answered, these differ (this "
                                          "server's value vs the recursive answer):"));
        if (st == TM_OK)
            st = add_block(out, &j->diffs);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("A resolver that asks a silent server retries "
                                          "another; until every server answers, the zone's "
                                          "state cannot be confirmed."));
        if (st == TM_OK)
            st = tm_finding_fix(out, _("Check that every name server in the NS set serves "
                                       "%s and accepts queries from anywhere (port 53, UDP "
                                       "and TCP); remove servers that no longer do from the "
                                       "NS set at the registrar."),
                                ctx->domain);
    } else if (j->ndiffs > 0) {
        st = tm_finding_set(out, TM_CHECK_WARN,
                            dngettext(TM_TEXTDOMAIN, "%zu of %zu authoritative server address differs from "
                                     "the recursive answer",
                                     "%zu of %zu authoritative server addresses differ from "
                                     "the recursive answer",
                                     j->ndiffs),
                            j->ndiffs, n);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Each line: this server's value vs the recursive "
                                          "answer."));
        if (st == TM_OK)
            st = add_block(out, &j->diffs);
        if (st == TM_OK)
            st = tm_finding_detail(out, _("Senders get one answer or the other depending on "
                                          "the server their resolver asks: a change in "
                                          "progress (the MX cutover), or a secondary that "
                                          "no longer loads the zone."));
        if (st == TM_OK)
            st = add_ttl_note(out, j);
        if (st == TM_OK)
            st = tm_finding_fix(out, _("If you just changed the zone, wait until every "
                                       "server has the new serial; if one stays behind, "
                                       "check its zone transfer from the primary (NOTIFY, "
                                       "AXFR/IXFR) or update it by hand."));
    } else {
        if (j->serial_known)
            st = tm_finding_set(out, TM_CHECK_PASS,
                                dngettext(TM_TEXTDOMAIN,
                                          "%zu authoritative server address agrees with the "
                                          "recursive answer (serial %u)",
                                          "All %zu authoritative server addresses agree with "
                                          "the recursive answer (serial %u)",
                                          n),
                                n, j->serial);
        else
            st = tm_finding_set(out, TM_CHECK_PASS,
                                dngettext(TM_TEXTDOMAIN,
                                          "%zu authoritative server address agrees with the "
                                          "recursive answer",
                                          "All %zu authoritative server addresses agree with "
                                          "the recursive answer",
                                          n),
                                n);
        if (st == TM_OK)
            st = add_ttl_note(out, j);
    }
    if (st == TM_OK && view->truncated)
        st = tm_finding_detail(out,
                               dngettext(TM_TEXTDOMAIN,
                                         "Only the first %d address of the NS set was asked.",
                                         "Only the first %d addresses of the NS set were asked.",
                                         TM_PROBE_MAX_TARGETS),
                               TM_PROBE_MAX_TARGETS);
done:
    judge_clear(j);
    tm_free(j);
    return st;
}
