/* test_check_registry.c - the catalogue (docs/checks.md order, stable ids,
 * sections), --only/--skip selection with prefixes, list validation for the
 * CLI, the descriptions and options of tmems-check checks, selections that
 * would run nothing, what the selected checks need fetched, and
 * tm_checks_run: catalogue order, every selected check reported, and
 * --no-outbound turning outbound warnings and failures into information. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check_fixture.h"
#include "tmems/tm_spf.h"

/* The ids of the domain and inbound tables and company.relay_host, in the
 * order docs/checks.md lists them.  Other sections may add ids in between. */
static const struct {
    const char *id;
    tm_section_t section;
} known[] = {
    {"domain.name", TM_SECTION_DOMAIN},
    {"domain.exists", TM_SECTION_DOMAIN},
    {"token.present", TM_SECTION_DOMAIN},
    {"token.format", TM_SECTION_DOMAIN},
    {"token.match", TM_SECTION_DOMAIN},
    {"mx.present", TM_SECTION_INBOUND},
    {"mx.tmems", TM_SECTION_INBOUND},
    {"mx.bypass", TM_SECTION_INBOUND},
    {"mx.ttl", TM_SECTION_INBOUND},
    {"mx.target", TM_SECTION_INBOUND},
    {"company.id", TM_SECTION_INBOUND},
    {"company.inbound_host", TM_SECTION_INBOUND},
    {"inbound.servers", TM_SECTION_INBOUND},
    {"inbound.cloud", TM_SECTION_INBOUND},
    {"inbound.firewall", TM_SECTION_INBOUND},
    {"company.relay_host", TM_SECTION_OUTBOUND},
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

/* Checks of other layers that a full run in these tests leaves out. */
#define OTHER_LAYERS "spf.,rules.,dns.,inbound.smtp"

static size_t index_of(const char *id)
{
    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(cat[i].id, id) == 0)
            return i;
    fail_msg("%s is not in the catalogue", id);
    return 0;
}

static void test_catalogue_order_and_sections(void **state)
{
    (void)state;
    size_t n = 0;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    assert_non_null(cat);
    assert_true(n >= NKNOWN);
    size_t last = 0;
    for (size_t k = 0; k < NKNOWN; k++) {
        size_t i = index_of(known[k].id);
        if (k > 0 && i <= last)
            fail_msg("%s comes before %s", known[k].id, known[k - 1].id);
        last = i;
        assert_int_equal(cat[i].section, known[k].section);
        assert_ptr_equal(tm_check_find(known[k].id), &cat[i]);
    }
    for (size_t i = 0; i < n; i++) {
        assert_non_null(cat[i].run);
        assert_true(cat[i].section < TM_SECTION_COUNT);
        /* the console's section order */
        if (i > 0)
            assert_true(cat[i].section >= cat[i - 1].section);
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(cat[i].id, cat[j].id);
    }
}

static void test_find(void **state)
{
    (void)state;
    assert_null(tm_check_find("nosuch.check"));
    assert_null(tm_check_find("mx."));
    assert_null(tm_check_find("mx"));
    assert_null(tm_check_find("MX.TTL"));
    assert_null(tm_check_find(""));
    assert_string_equal(tm_check_find("mx.ttl")->id, "mx.ttl");
}

static void test_selected(void **state)
{
    (void)state;
    assert_true(tm_check_selected("mx.ttl", NULL, NULL));
    assert_true(tm_check_selected("mx.ttl", "", ""));
    assert_true(tm_check_selected("mx.ttl", "mx.ttl", NULL));
    assert_false(tm_check_selected("mx.tmems", "mx.ttl", NULL));
    /* a prefix ends in '.' */
    assert_true(tm_check_selected("mx.ttl", "mx.", NULL));
    assert_true(tm_check_selected("mx.bypass", "token.,mx.", NULL));
    assert_false(tm_check_selected("company.id", "mx.", NULL));
    /* without the dot it is a whole id, and no partial match */
    assert_false(tm_check_selected("mx.ttl", "mx", NULL));
    assert_false(tm_check_selected("mx.ttl", "mx.tt", NULL));
    assert_false(tm_check_selected("mx.tt", "mx.ttl", NULL));
    assert_false(tm_check_selected("company.inbound_host", "company.inbound", NULL));
    /* skip wins over only */
    assert_false(tm_check_selected("mx.ttl", "mx.", "mx.ttl"));
    assert_true(tm_check_selected("mx.tmems", "mx.", "mx.ttl"));
    assert_false(tm_check_selected("token.format", NULL, "token."));
    assert_true(tm_check_selected("domain.name", NULL, "token.,mx."));
    /* empty items select nothing */
    assert_false(tm_check_selected("mx.ttl", ",,", NULL));
    assert_true(tm_check_selected("mx.ttl", ",mx.ttl,", NULL));
}

static void expect_invalid(const char *list, size_t bad_at, size_t bad_len)
{
    const char *bad = NULL;
    size_t badlen = 999;
    if (tm_check_list_valid(list, &bad, &badlen))
        fail_msg("\"%s\" was accepted", list);
    assert_ptr_equal(bad, list + bad_at);
    assert_int_equal(badlen, bad_len);
}

static void test_list_valid(void **state)
{
    (void)state;
    const char *bad = NULL;
    size_t badlen = 0;
    const char *ok[] = {"mx.ttl", "mx.", "token.,mx.ttl", "company.", "domain.name,inbound.",
                        "company.relay_host,company.inbound_host",
                        /* docs/cli.md's own example of a prefix */
                        "spf.", "spf.lookups,spf.all"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (!tm_check_list_valid(ok[i], &bad, &badlen))
            fail_msg("\"%s\" was refused at \"%.*s\"", ok[i], (int)badlen, bad);
    }
    expect_invalid("nosuch.check", 0, 12);
    expect_invalid("mx.ttl,bogus,mx.", 7, 5);
    expect_invalid("mx.ttl,mx.tmems,MX.TTL", 16, 6);
    expect_invalid("mx", 0, 2);
    expect_invalid("mx.tt", 0, 5);
    expect_invalid("nosuch.", 0, 7);
    expect_invalid("", 0, 0);
    expect_invalid("mx.ttl,", 7, 0);
    expect_invalid(",mx.ttl", 0, 0);
}

/* ---- what tmems-check checks tells ------------------------------------------ */

static void test_descriptions(void **state)
{
    (void)state;
    size_t n = 0;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        const char *d = tm_check_description(cat[i].id);
        if (!d || !*d)
            fail_msg("%s has no description", cat[i].id);
        /* one line, a phrase without a final period, like a summary */
        assert_null(strchr(d, '\n'));
        assert_true(d[strlen(d) - 1] != '.');
        assert_true(strlen(d) < 120);
    }
    assert_null(tm_check_description("nosuch.check"));
    assert_null(tm_check_description("mx."));
}

static void test_needs_option(void **state)
{
    (void)state;
    size_t n = 0;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    for (size_t i = 0; i < n; i++) {
        tm_check_needs_t want = strcmp(cat[i].id, "dns.consistency") == 0
                                    ? TM_CHECK_NEEDS_AUTHORITATIVE
                                : strcmp(cat[i].id, "inbound.smtp") == 0 ? TM_CHECK_NEEDS_SMTP
                                                                         : TM_CHECK_NEEDS_NOTHING;
        assert_int_equal(tm_check_needs(cat[i].id), want);
    }
    assert_string_equal(tm_check_needs_option(TM_CHECK_NEEDS_AUTHORITATIVE), "--authoritative");
    assert_string_equal(tm_check_needs_option(TM_CHECK_NEEDS_SMTP), "--smtp");
    assert_null(tm_check_needs_option(TM_CHECK_NEEDS_NOTHING));
}

/* The checks tm_checks_run reports with opts, as "id id ...". */
static void ran(fx_t *fx, char *out, size_t outlen)
{
    tm_findings_t f;
    tm_findings_init(&f);
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_checks_run(&fx->ctx, &f), TM_OK);
    out[0] = '\0';
    for (size_t i = 0; i < f.count; i++)
        snprintf(out + strlen(out), outlen - strlen(out), "%s%s", i ? " " : "", f.items[i].id);
    tm_findings_clear(&f);
}

static void expect_gap(const tm_check_options_t *opts, const char *item, const char *id,
                       tm_check_needs_t needs)
{
    tm_check_selection_gap_t gap;
    if (tm_check_selection_runs(opts, &gap))
        fail_msg("--only %s --skip %s was accepted", opts->only ? opts->only : "",
                 opts->skip ? opts->skip : "");
    if (!item) {
        assert_null(gap.item);
        return;
    }
    assert_non_null(gap.item);
    assert_int_equal(gap.item_len, strlen(item));
    assert_memory_equal(gap.item, item, strlen(item));
    assert_string_equal(gap.id, id);
    assert_int_equal(gap.needs, needs);
}

static void test_selection_runs(void **state)
{
    fx_t *fx = *state;
    tm_check_options_t o = fx->opts;
    tm_check_selection_gap_t gap;
    char list[2048];
    /* everything, and everything that runs */
    assert_true(tm_check_selection_runs(&o, &gap));
    ran(fx, list, sizeof list);
    assert_null(strstr(list, "dns.consistency"));
    assert_null(strstr(list, "inbound.smtp"));
    /* an item that selects only a check whose option is missing */
    o.only = "dns.consistency";
    expect_gap(&o, "dns.consistency", "dns.consistency", TM_CHECK_NEEDS_AUTHORITATIVE);
    o.only = "mx.,inbound.smtp";
    expect_gap(&o, "inbound.smtp", "inbound.smtp", TM_CHECK_NEEDS_SMTP);
    o.only = "dns.";
    expect_gap(&o, "dns.", "dns.consistency", TM_CHECK_NEEDS_AUTHORITATIVE);
    /* a prefix that also selects checks that run is fine: inbound.smtp is
     * simply not among them */
    o.only = "inbound.";
    assert_true(tm_check_selection_runs(&o, &gap));
    /* with the option the check runs */
    o.only = "dns.consistency";
    o.authoritative = true;
    assert_true(tm_check_selection_runs(&o, &gap));
    fx->opts = o;
    ran(fx, list, sizeof list);
    assert_string_equal(list, "dns.consistency");
    /* --only and --skip that leave nothing */
    o = fx->opts;
    o.authoritative = false;
    o.only = "mx.ttl";
    o.skip = "mx.";
    expect_gap(&o, NULL, NULL, TM_CHECK_NEEDS_NOTHING);
    o.only = NULL;
    o.skip = "domain.,token.,dns.,mx.,company.,inbound.,spf.,rules.";
    expect_gap(&o, NULL, NULL, TM_CHECK_NEEDS_NOTHING);
    o.skip = "domain.,token.,dns.,mx.,company.,inbound.,spf.";
    assert_true(tm_check_selection_runs(&o, &gap));
}

/* ---- what to fetch -------------------------------------------------------- */

static bool asks(const tm_questions_t *q, const char *name, uint16_t type)
{
    for (size_t i = 0; i < q->count; i++)
        if (q->items[i].type == type && strcmp(q->items[i].name, name) == 0)
            return true;
    return false;
}

static size_t needs(fx_t *fx, tm_questions_t *q)
{
    tm_questions_clear(q);
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_checks_needs(&fx->ctx, q), TM_OK);
    return q->count;
}

static void test_needs_rounds(void **state)
{
    fx_t *fx = *state;
    tm_questions_t q;
    tm_questions_init(&q);
    /* round 1: the apex TXT and MX, and the site record rules.current reads */
    assert_int_equal(needs(fx, &q), 3);
    assert_true(asks(&q, FX_DOMAIN, TM_RR_TXT));
    assert_true(asks(&q, FX_DOMAIN, TM_RR_MX));
    assert_true(asks(&q, "spf.tmems-jp.trendmicro.com", TM_RR_TXT));
    fx_outcome(fx, "spf.tmems-jp.trendmicro.com", TM_RR_TXT, TM_DNS_NODATA);
    /* round 2: what the MX names */
    FX_TXT(fx, 300, "tmes=" FX_TOKEN);
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "mail1.acme.example"});
    assert_int_equal(needs(fx, &q), 5);
    assert_true(asks(&q, FX_TMEMS, TM_RR_A));
    assert_true(asks(&q, FX_TMEMS, TM_RR_AAAA));
    assert_true(asks(&q, "mail1.acme.example", TM_RR_A));
    assert_true(asks(&q, "mail1.acme.example", TM_RR_AAAA));
    assert_true(asks(&q, FX_RELAY, TM_RR_A));
    /* round 3: nothing left, the judge can run */
    fx_host_ok(fx, FX_TMEMS);
    fx_host_ok(fx, "mail1.acme.example");
    fx_host_ok(fx, FX_RELAY);
    assert_int_equal(needs(fx, &q), 0);
    tm_questions_clear(&q);
}

static void test_needs_follow_selection(void **state)
{
    fx_t *fx = *state;
    tm_questions_t q;
    tm_questions_init(&q);
    FX_TXT(fx, 300, "tmes=" FX_TOKEN);
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "mail1.acme.example"});
    /* the apex is always fetched (phase and company come from it), nothing
     * more for checks that only read it */
    fx->opts.only = "token.,inbound.";
    assert_int_equal(needs(fx, &q), 0);
    fx->opts.only = NULL;
    fx->opts.skip = "mx.,company.,rules.";
    assert_int_equal(needs(fx, &q), 0);
    /* rules.current alone asks for the site record */
    fx->opts.skip = "mx.,company.";
    assert_int_equal(needs(fx, &q), 1);
    assert_true(asks(&q, "spf.tmems-jp.trendmicro.com", TM_RR_TXT));
    /* the relay host only for company.relay_host */
    fx->opts.skip = "company.relay_host,rules.";
    assert_int_equal(needs(fx, &q), 4);
    assert_false(asks(&q, FX_RELAY, TM_RR_A));
    fx->opts.skip = NULL;
    fx->opts.only = "company.relay_host";
    needs(fx, &q);
    assert_true(asks(&q, FX_RELAY, TM_RR_A));
    tm_questions_clear(&q);
}

/* ---- running the judge ---------------------------------------------------- */

/* A domain ready after the cutover, every answer present. */
static void ready(fx_t *fx)
{
    FX_TXT(fx, 3600, "tmes=" FX_TOKEN, "v=spf1 include:spf.tmems-jp.trendmicro.com ~all");
    FX_MX(fx, 300, {10, FX_TMEMS});
    fx_host_ok(fx, FX_TMEMS);
    fx_host_ok(fx, FX_RELAY);
}

static void run_all(fx_t *fx, tm_findings_t *out)
{
    tm_findings_init(out);
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    assert_int_equal(tm_checks_run(&fx->ctx, out), TM_OK);
}

static const tm_finding_t *find(const tm_findings_t *f, const char *id)
{
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->items[i].id, id) == 0)
            return &f->items[i];
    return NULL;
}

static void test_run_all_in_order(void **state)
{
    fx_t *fx = *state;
    ready(fx);
    fx->opts.skip = OTHER_LAYERS;
    tm_findings_t f;
    run_all(fx, &f);
    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    size_t expected = 0;
    for (size_t i = 0; i < n; i++)
        expected += tm_check_selected(cat[i].id, NULL, OTHER_LAYERS);
    assert_int_equal(f.count, expected);
    assert_true(f.count >= NKNOWN);
    size_t pos = 0;
    for (size_t i = 0; i < f.count; i++) {
        /* each finding is the next selected catalogue entry */
        while (!tm_check_selected(cat[pos].id, NULL, OTHER_LAYERS))
            pos++;
        assert_string_equal(f.items[i].id, cat[pos].id);
        assert_int_equal(f.items[i].section, cat[pos].section);
        assert_non_null(f.items[i].summary);
        pos++;
    }
    /* ready: nothing fails, warns or errs */
    assert_int_equal(tm_findings_verdict(&f), TM_CHECK_PASS);
    assert_int_equal(find(&f, "mx.tmems")->status, TM_CHECK_PASS);
    assert_int_equal(find(&f, "company.inbound_host")->status, TM_CHECK_PASS);
    assert_int_equal(find(&f, "company.relay_host")->status, TM_CHECK_PASS);
    assert_int_equal(find(&f, "token.match")->status, TM_CHECK_SKIP);
    assert_int_equal(find(&f, "inbound.firewall")->status, TM_CHECK_INFO);
    tm_findings_clear(&f);
}

static void test_run_only_prefix(void **state)
{
    fx_t *fx = *state;
    ready(fx);
    fx->opts.only = "mx.";
    fx->opts.skip = "mx.ttl";
    tm_findings_t f;
    run_all(fx, &f);
    const char *ids[] = {"mx.present", "mx.tmems", "mx.bypass", "mx.target"};
    assert_int_equal(f.count, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(f.items[i].id, ids[i]);
    tm_findings_clear(&f);
}

static void test_run_verdict_pre_cutover(void **state)
{
    fx_t *fx = *state;
    fx->opts.skip = OTHER_LAYERS;
    FX_TXT(fx, 3600, "v=spf1 -all");
    FX_MX(fx, 86400, {10, "mail1.acme.example"});
    fx_host_ok(fx, "mail1.acme.example");
    tm_findings_t f;
    run_all(fx, &f);
    assert_int_equal(find(&f, "token.present")->status, TM_CHECK_FAIL);
    assert_int_equal(find(&f, "mx.tmems")->status, TM_CHECK_INFO);
    assert_int_equal(find(&f, "mx.ttl")->status, TM_CHECK_WARN);
    assert_int_equal(find(&f, "mx.bypass")->status, TM_CHECK_SKIP);
    assert_int_equal(find(&f, "inbound.servers")->status, TM_CHECK_INFO);
    assert_int_equal(find(&f, "company.id")->status, TM_CHECK_SKIP);
    assert_int_equal(tm_findings_verdict(&f), TM_CHECK_FAIL);
    tm_findings_clear(&f);
}

static void test_no_outbound_softens(void **state)
{
    fx_t *fx = *state;
    fx->opts.phase = TM_PHASE_POST;
    fx->opts.company = "acme";
    fx->opts.only = "mx.tmems,company.relay_host";
    FX_TXT(fx, 3600, "v=spf1 -all");
    FX_MX(fx, 300, {10, "mail1.acme.example"});
    fx_outcome(fx, FX_RELAY, TM_RR_A, TM_DNS_NXDOMAIN);
    tm_findings_t f;
    run_all(fx, &f);
    assert_int_equal(find(&f, "company.relay_host")->status, TM_CHECK_FAIL);
    tm_findings_clear(&f);

    fx->opts.outbound = false;
    run_all(fx, &f);
    const tm_finding_t *relay = find(&f, "company.relay_host");
    assert_int_equal(relay->status, TM_CHECK_INFO);
    assert_contains(relay->detail, "--no-outbound");
    assert_contains(relay->summary, FX_RELAY);
    /* the inbound section is untouched */
    assert_int_equal(find(&f, "mx.tmems")->status, TM_CHECK_FAIL);
    tm_findings_clear(&f);
}

/* The bundled rules' records of name, as the resolver answers them offline
 * (the run layer's static records, src/lib/run/rules_records.c). */
static tm_answer_t *rules_answer(const tm_rules_t *rules, const char *name, uint16_t type)
{
    tm_answer_t *ans = NULL;
    for (size_t i = 0; i < rules->nrecords; i++) {
        const tm_rules_record_t *rec = &rules->records[i];
        if (rec->type != type || !tm_name_equal(rec->name, name))
            continue;
        if (!ans) {
            ans = tm_answer_create(rec->name, type, TM_DNS_NOERROR);
            assert_non_null(ans);
            ans->source = TM_SRC_RULES;
        }
        assert_int_equal(tm_answer_add_txt1(ans, 3600, rec->value), TM_OK);
    }
    return ans;
}

/* The checks with the SPF analysis built from what the rrset holds (the
 * test puts every answer it needs first). */
static tm_spf_analysis_t *run_all_spf(fx_t *fx, tm_findings_t *out)
{
    tm_questions_t need;
    tm_questions_init(&need);
    tm_spf_analysis_t *a = NULL;
    /* the site record, as the resolver answers it offline */
    if (!tm_rrset_get(fx->rrset, fx->rules->spf_include, TM_RR_TXT))
        fx_put(fx, rules_answer(fx->rules, fx->rules->spf_include, TM_RR_TXT));
    assert_int_equal(tm_spf_analysis_build(fx->rrset, fx->domain, fx->rules, &need, &a), TM_OK);
    assert_int_equal(need.count, 0);
    tm_questions_clear(&need);
    tm_findings_init(out);
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    fx->ctx.spf = a;
    assert_int_equal(tm_checks_run(&fx->ctx, out), TM_OK);
    return a;
}

/* Offline, spf.size computes the answer's least size from the zone file's
 * apex TXT records (header, question, records with compressed owners). */
static void test_spf_size_from_zone_file(void **state)
{
    fx_t *fx = *state;
    fx->opts.only = "spf.size";
    tm_answer_t *txt = tm_answer_create(fx->domain, TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(txt);
    assert_int_equal(tm_answer_add_txt1(txt, 3600, "v=spf1 include:spf.tmems-jp.trendmicro.com ~all"),
                     TM_OK);
    char verification[80];
    for (int i = 0; i < 9; i++) {
        snprintf(verification, sizeof(verification), "site-verification-%d=%048d", i, i);
        assert_int_equal(tm_answer_add_txt1(txt, 3600, verification), TM_OK);
    }
    txt->source = TM_SRC_ZONE;
    fx_put(fx, txt);
    tm_findings_t f;
    tm_spf_analysis_t *a = run_all_spf(fx, &f);
    const tm_finding_t *size = find(&f, "spf.size");
    assert_int_equal(size->status, TM_CHECK_WARN);
    /* 12 + (14 + 4) + 47 + 9 * 68 + 10 * (12 + 1): each record 12 bytes and a length byte */
    assert_contains(size->summary, "at least 819 bytes (from the zone file)");
    tm_findings_clear(&f);
    tm_spf_analysis_destroy(a);
}

/* docs/checks.md "Sending servers": without outbound protection what only
 * concerns the TMEmS include becomes info, and every warning too; a record
 * that gives receivers permerror or authorises everyone stays a failure,
 * and says why. */
static void test_no_outbound_keeps_what_breaks_mail(void **state)
{
    fx_t *fx = *state;
    fx->opts.only = "spf.";
    fx->opts.outbound = false;
    FX_TXT(fx, 3600, "v=spf1 a:x1.acme.example a:x2.acme.example a:x3.acme.example +all");
    fx_outcome(fx, "x1.acme.example", TM_RR_A, TM_DNS_NXDOMAIN);
    fx_outcome(fx, "x2.acme.example", TM_RR_A, TM_DNS_NXDOMAIN);
    fx_outcome(fx, "x3.acme.example", TM_RR_A, TM_DNS_NXDOMAIN);
    tm_findings_t f;
    tm_spf_analysis_t *a = run_all_spf(fx, &f);
    const tm_finding_t *v = find(&f, "spf.void_lookups");
    assert_int_equal(v->status, TM_CHECK_FAIL);
    assert_contains(v->detail, "but this still counts: receivers get permerror");
    const tm_finding_t *all = find(&f, "spf.all");
    assert_int_equal(all->status, TM_CHECK_FAIL);
    assert_contains(all->detail, "the record lets any server send as the domain");
    const tm_finding_t *inc = find(&f, "spf.include");
    assert_int_equal(inc->status, TM_CHECK_INFO);
    assert_contains(inc->detail, "information only");
    assert_int_equal(find(&f, "spf.tmems_ranges")->status, TM_CHECK_INFO);
    assert_int_equal(tm_findings_verdict(&f), TM_CHECK_FAIL);
    tm_findings_clear(&f);
    tm_spf_analysis_destroy(a);
}

/* Two records: permerror for every receiver, kept; ?all only protects
 * nothing: a warning, softened. */
static void test_no_outbound_two_records_and_neutral(void **state)
{
    fx_t *fx = *state;
    fx->opts.only = "spf.";
    fx->opts.outbound = false;
    FX_TXT(fx, 3600, "v=spf1 ?all", "v=spf1 -all");
    tm_findings_t f;
    tm_spf_analysis_t *a = run_all_spf(fx, &f);
    assert_int_equal(find(&f, "spf.single")->status, TM_CHECK_FAIL);
    tm_findings_clear(&f);
    tm_spf_analysis_destroy(a);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    FX_TXT(fx, 3600, "v=spf1 ip4:192.0.2.1 ?all");
    a = run_all_spf(fx, &f);
    assert_int_equal(find(&f, "spf.all")->status, TM_CHECK_INFO);
    assert_int_equal(tm_findings_verdict(&f), TM_CHECK_PASS);
    tm_findings_clear(&f);
    tm_spf_analysis_destroy(a);
}

static void test_no_outbound_keeps_error_and_pass(void **state)
{
    fx_t *fx = *state;
    fx->opts.company = "acme";
    fx->opts.outbound = false;
    fx->opts.only = "company.relay_host";
    fx_outcome(fx, FX_RELAY, TM_RR_A, TM_DNS_SERVFAIL);
    tm_findings_t f;
    run_all(fx, &f);
    /* DNS did not answer: still no verdict */
    assert_int_equal(f.items[0].status, TM_CHECK_ERROR);
    assert_null(strstr(f.items[0].detail ? f.items[0].detail : "", "--no-outbound"));
    tm_findings_clear(&f);
    tm_rrset_destroy(fx->rrset);
    fx->rrset = tm_rrset_create();
    assert_non_null(fx->rrset);
    fx_host_ok(fx, FX_RELAY);
    run_all(fx, &f);
    assert_int_equal(f.items[0].status, TM_CHECK_PASS);
    assert_null(f.items[0].detail);
    tm_findings_clear(&f);
}

static void test_run_appends_and_grows(void **state)
{
    fx_t *fx = *state;
    ready(fx);
    fx->opts.skip = OTHER_LAYERS;
    tm_findings_t f;
    run_all(fx, &f);
    size_t first = f.count;
    /* a second run appends (the caller owns the list) */
    assert_int_equal(tm_checks_run(&fx->ctx, &f), TM_OK);
    assert_int_equal(f.count, 2 * first);
    assert_true(f.cap >= f.count);
    assert_string_equal(f.items[first].id, f.items[0].id);
    tm_findings_clear(&f);
}

static void test_run_oom(void **state)
{
    fx_t *fx = *state;
    fx->opts.skip = OTHER_LAYERS;
    fx->opts.token = FX_TOKEN_HEX;
    FX_TXT(fx, 86400, "\"TMES=abc\"", "tmes=" FX_TOKEN);
    FX_MX(fx, 86400, {10, "mx.acme.example"}, {10, FX_TMEMS}, {20, "192.0.2.1"});
    fx_host_alias(fx, "mx.acme.example", "mail.acme.example");
    fx_outcome(fx, FX_TMEMS, TM_RR_A, TM_DNS_NXDOMAIN);
    fx_outcome(fx, FX_RELAY, TM_RR_A, TM_DNS_NXDOMAIN);
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    for (unsigned n = 1;; n++) {
        tm_findings_t f;
        tm_findings_init(&f);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_checks_run(&fx->ctx, &f);
        tm_alloc_fail_after(0);
        size_t count = f.count;
        tm_check_status_t verdict = tm_findings_verdict(&f);
        tm_findings_clear(&f);
        if (st == TM_OK) {
            assert_true(count >= NKNOWN);
            assert_int_equal(verdict, TM_CHECK_FAIL);
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_true(n < 2000);
    }
}

static void test_needs_oom(void **state)
{
    fx_t *fx = *state;
    FX_MX(fx, 300, {10, FX_TMEMS}, {20, "mail1.acme.example"});
    tm_check_ctx_init(&fx->ctx, fx->domain, NULL, fx->rrset, fx->rules, &fx->opts);
    for (unsigned n = 1;; n++) {
        tm_questions_t q;
        tm_questions_init(&q);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_checks_needs(&fx->ctx, &q);
        tm_alloc_fail_after(0);
        size_t count = q.count;
        tm_questions_clear(&q);
        if (st == TM_OK) {
            assert_int_equal(count, 7); /* TXT, 4 addresses, relay, site record */
            break;
        }
        assert_int_equal(st, TM_ENOMEM);
        assert_true(n < 200);
    }
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_catalogue_order_and_sections),
        T(test_find),
        T(test_selected),
        T(test_list_valid),
        T(test_descriptions),
        T(test_needs_option),
        T(test_selection_runs),
        T(test_needs_rounds),
        T(test_needs_follow_selection),
        T(test_run_all_in_order),
        T(test_run_only_prefix),
        T(test_run_verdict_pre_cutover),
        T(test_no_outbound_softens),
        T(test_no_outbound_keeps_error_and_pass),
        T(test_spf_size_from_zone_file),
        T(test_no_outbound_keeps_what_breaks_mail),
        T(test_no_outbound_two_records_and_neutral),
        T(test_run_appends_and_grows),
        T(test_run_oom),
        T(test_needs_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
