/* test_check_verdict.c - the verdict of one domain (docs/checks.md "The
 * verdict"): ready only when the token, MX and SPF were judged and nothing
 * fails or errs (nor warns under --strict); unknown when every decisive
 * check of a record skipped; "the selected checks passed" when --only/--skip
 * left a decisive check out; the exit status of each; and the console's own
 * view, from the catalogue's console flags, with the (!) expected before
 * the MX cutover set apart.  Also the catalogue's flags themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tmems/tm_check.h"

/* Most items give only an id and a status; the flags default to false. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

typedef struct {
    const char *id;
    tm_check_status_t status;
    bool unjudged;      /* a skip for want of data (tm_finding_t.unjudged) */
    bool console_off;   /* --no-outbound's spf.include */
} item_t;

/* Findings with the given ids and statuses, their sections from the
 * catalogue (the registry presets them so). */
static void fill(tm_findings_t *f, const item_t *items, size_t n)
{
    tm_findings_init(f);
    f->items = tm_calloc(n ? n : 1, sizeof(*f->items));
    assert_non_null(f->items);
    f->cap = n ? n : 1;
    for (size_t i = 0; i < n; i++) {
        const tm_check_def_t *def = tm_check_find(items[i].id);
        f->items[i].id = items[i].id;
        f->items[i].section = def ? def->section : TM_SECTION_RULES;
        f->items[i].status = items[i].status;
        f->items[i].unjudged = items[i].unjudged;
        f->items[i].console_off = items[i].console_off;
        f->count++;
    }
}

static tm_assessment_t assess_items(const item_t *items, size_t n, bool strict)
{
    tm_findings_t f;
    fill(&f, items, n);
    tm_assessment_t a;
    tm_findings_assess(&f, strict, &a);
    tm_findings_clear(&f);
    return a;
}

#define ASSESS(strict, ...)                                                                    \
    assess_items((const item_t[]){__VA_ARGS__},                                                \
                 sizeof((const item_t[]){__VA_ARGS__}) / sizeof(item_t), strict)

/* The decisive checks of each record, with the given status: the token's
 * (token.match skips without --token), the MX's, and SPF's (spf.present,
 * spf.include and spf.tmems_ranges alike). */
#define DECISIVE(token, mxp, mxt, spf)                                                         \
    {"token.present", TM_CHECK_##token}, {"token.format", TM_CHECK_##token},                   \
        {"token.match", TM_CHECK_SKIP}, {"mx.present", TM_CHECK_##mxp},                        \
        {"mx.tmems", TM_CHECK_##mxt}, {"spf.present", TM_CHECK_##spf},                         \
        {"spf.include", TM_CHECK_##spf}, {"spf.tmems_ranges", TM_CHECK_##spf}
/* The same without spf.include, which a case then gives itself. */
#define DECISIVE_BUT_INCLUDE(token, mxp, mxt, spf)                                             \
    {"token.present", TM_CHECK_##token}, {"token.format", TM_CHECK_##token},                   \
        {"token.match", TM_CHECK_SKIP}, {"mx.present", TM_CHECK_##mxp},                        \
        {"mx.tmems", TM_CHECK_##mxt}, {"spf.present", TM_CHECK_##spf},                         \
        {"spf.tmems_ranges", TM_CHECK_##spf}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(tm_verdict_name(TM_VERDICT_READY), "ready");
    assert_string_equal(tm_verdict_name(TM_VERDICT_SELECTED_PASSED), "selected_passed");
    assert_string_equal(tm_verdict_name(TM_VERDICT_NOT_READY), "not_ready");
    assert_string_equal(tm_verdict_name(TM_VERDICT_UNKNOWN), "unknown");
    assert_string_equal(tm_console_status_name(TM_CONSOLE_COMPLETE), "complete");
    assert_string_equal(tm_console_status_name(TM_CONSOLE_REQUIRED), "configuration_required");
    assert_string_equal(tm_console_status_name(TM_CONSOLE_UNKNOWN), "unknown");
    assert_string_equal(tm_area_name(TM_AREA_TOKEN), "token");
    assert_string_equal(tm_area_name(TM_AREA_MX), "mx");
    assert_string_equal(tm_area_name(TM_AREA_SPF), "spf");
    assert_string_equal(tm_area_name(TM_AREA_NONE), "");
    /* the exit statuses of tmems-check(1) */
    assert_int_equal(tm_verdict_exit_status(TM_VERDICT_READY), 0);
    assert_int_equal(tm_verdict_exit_status(TM_VERDICT_SELECTED_PASSED), 0);
    assert_int_equal(tm_verdict_exit_status(TM_VERDICT_NOT_READY), 1);
    assert_int_equal(tm_verdict_exit_status(TM_VERDICT_UNKNOWN), 3);
}

static void test_ready(void **state)
{
    (void)state;
    tm_assessment_t a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS), {"mx.ttl", TM_CHECK_INFO},
                               {"rules.current", TM_CHECK_SKIP});
    assert_int_equal(a.verdict, TM_VERDICT_READY);
    assert_int_equal(a.worst, TM_CHECK_PASS);
    assert_int_equal(a.not_judged, 0);
    assert_int_equal(a.not_selected, 0);
    assert_int_equal(a.console, TM_CONSOLE_COMPLETE);
    assert_int_equal(a.console_flagged, 0);
    /* a warning is allowed, unless --strict */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS), {"mx.ttl", TM_CHECK_WARN});
    assert_int_equal(a.verdict, TM_VERDICT_READY);
    assert_int_equal(a.worst, TM_CHECK_WARN);
    assert_int_equal(a.warns, 1);
    assert_false(a.strict);
    a = ASSESS(true, DECISIVE(PASS, PASS, PASS, PASS), {"mx.ttl", TM_CHECK_WARN});
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
    assert_true(a.strict);
    assert_int_equal(a.fails, 0);
    /* --strict without a warning changes nothing */
    a = ASSESS(true, DECISIVE(PASS, PASS, PASS, PASS));
    assert_int_equal(a.verdict, TM_VERDICT_READY);
    /* info of a decisive check is a judgement: pre-cutover mx.tmems */
    a = ASSESS(false, DECISIVE(INFO, PASS, INFO, PASS));
    assert_int_equal(a.verdict, TM_VERDICT_READY);
}

static void test_fail_and_error(void **state)
{
    (void)state;
    tm_assessment_t a = ASSESS(false, DECISIVE(PASS, PASS, PASS, FAIL));
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
    assert_int_equal(a.fails, 3); /* spf.present, spf.include, spf.tmems_ranges */
    a = ASSESS(false, DECISIVE(PASS, ERROR, ERROR, PASS));
    assert_int_equal(a.verdict, TM_VERDICT_UNKNOWN);
    assert_int_equal(a.errors, 2);
    assert_int_equal(a.worst, TM_CHECK_ERROR);
    /* a failure outranks an error, a skip and a missing check */
    a = ASSESS(false, {"token.present", TM_CHECK_SKIP}, {"mx.present", TM_CHECK_ERROR},
               {"spf.lookups", TM_CHECK_FAIL});
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
    /* under --strict a warning fails the verdict like a failure, which a
     * DNS error elsewhere does not make unknown */
    a = ASSESS(true, DECISIVE(PASS, PASS, PASS, PASS), {"mx.ttl", TM_CHECK_WARN},
               {"rules.current", TM_CHECK_ERROR});
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
}

/* The false green this rule exists for: offline with nothing known, every
 * check skipped but the information ones. */
static void test_all_skipped_is_unknown(void **state)
{
    (void)state;
    tm_assessment_t a = ASSESS(false, {"domain.name", TM_CHECK_PASS},
                               {"domain.exists", TM_CHECK_SKIP}, DECISIVE(SKIP, SKIP, SKIP, SKIP),
                               {"inbound.firewall", TM_CHECK_INFO});
    assert_int_equal(a.verdict, TM_VERDICT_UNKNOWN);
    assert_int_equal(a.worst, TM_CHECK_PASS); /* the JSON "verdict" keeps its meaning */
    assert_int_equal(a.not_judged, TM_AREA_ALL);
    assert_int_equal(a.not_selected, 0);
    assert_int_equal(a.console, TM_CONSOLE_UNKNOWN);
    assert_int_equal(tm_verdict_exit_status(a.verdict), 3);
    /* one record not judged is enough */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, SKIP));
    assert_int_equal(a.verdict, TM_VERDICT_UNKNOWN);
    assert_int_equal(a.not_judged, TM_AREA_SPF);
    a = ASSESS(false, DECISIVE(SKIP, PASS, PASS, PASS));
    assert_int_equal(a.not_judged, TM_AREA_TOKEN);
    /* the MX is judged when one of its two checks judged it */
    a = ASSESS(false, DECISIVE(PASS, PASS, SKIP, PASS));
    assert_int_equal(a.verdict, TM_VERDICT_READY);
    a = ASSESS(false, DECISIVE(PASS, SKIP, SKIP, PASS));
    assert_int_equal(a.not_judged, TM_AREA_MX);
    /* --strict does not make unknown ready or not ready */
    a = ASSESS(true, DECISIVE(SKIP, SKIP, SKIP, SKIP));
    assert_int_equal(a.verdict, TM_VERDICT_UNKNOWN);
}

/* spf.lookups skipped offline (part of the tree unknown, a vendor's include
 * with no bundled record) leaves SPF not judged: the unknown part may hold
 * any number of lookups, so never ready; the console view is not changed by
 * it, and a missing record (spf.present fails) is judged already. */
static void test_needed_for(void **state)
{
    (void)state;
    tm_assessment_t a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS),
                               {"spf.lookups", TM_CHECK_SKIP});
    assert_int_equal(a.verdict, TM_VERDICT_UNKNOWN);
    assert_int_equal(a.not_judged, TM_AREA_SPF);
    assert_int_equal(a.console, TM_CONSOLE_COMPLETE);
    assert_int_equal(tm_verdict_exit_status(a.verdict), 3);
    /* judged: pass or fail */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS), {"spf.lookups", TM_CHECK_PASS});
    assert_int_equal(a.verdict, TM_VERDICT_READY);
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS), {"spf.lookups", TM_CHECK_FAIL});
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
    /* no SPF record: spf.lookups skips because of it, the record is judged */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, FAIL), {"spf.lookups", TM_CHECK_SKIP});
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
    assert_int_equal(a.not_judged, 0);
    /* no record and none needed (--no-outbound: spf.present is info) */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, INFO), {"spf.lookups", TM_CHECK_SKIP});
    assert_int_equal(a.verdict, TM_VERDICT_READY);
    /* a skip of a check that no record needs changes nothing */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS), {"spf.include_target", TM_CHECK_SKIP});
    assert_int_equal(a.verdict, TM_VERDICT_READY);
}

/* --only/--skip: a decisive check that did not run means no readiness
 * verdict, whatever passed. */
static void test_selection(void **state)
{
    (void)state;
    tm_assessment_t a = ASSESS(false, {"inbound.firewall", TM_CHECK_INFO});
    assert_int_equal(a.verdict, TM_VERDICT_SELECTED_PASSED);
    assert_int_equal(a.not_selected, TM_AREA_ALL);
    assert_int_equal(a.console, TM_CONSOLE_UNKNOWN);
    assert_int_equal(tm_verdict_exit_status(a.verdict), 0);
    a = ASSESS(false, {"spf.present", TM_CHECK_PASS}, {"spf.include", TM_CHECK_PASS},
               {"spf.tmems_ranges", TM_CHECK_PASS});
    assert_int_equal(a.verdict, TM_VERDICT_SELECTED_PASSED);
    assert_int_equal(a.not_selected, TM_AREA_TOKEN | TM_AREA_MX);
    /* --skip mx.tmems: the MX's decisive check is missing, although
     * mx.present judged it */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS));
    assert_int_equal(a.verdict, TM_VERDICT_READY);
    a = ASSESS(false, {"token.present", TM_CHECK_PASS}, {"token.format", TM_CHECK_PASS},
               {"token.match", TM_CHECK_SKIP}, {"mx.present", TM_CHECK_PASS},
               {"spf.present", TM_CHECK_PASS}, {"spf.include", TM_CHECK_PASS},
               {"spf.tmems_ranges", TM_CHECK_PASS});
    assert_int_equal(a.verdict, TM_VERDICT_SELECTED_PASSED);
    assert_int_equal(a.not_selected, TM_AREA_MX);
    assert_int_equal(a.console, TM_CONSOLE_UNKNOWN);
    assert_int_equal(a.console_unknown, 1u << TM_SECTION_INBOUND);
    /* --skip spf.include (a console check), or spf.tmems_ranges, or
     * token.match: each leaves its record out */
    a = ASSESS(false, DECISIVE_BUT_INCLUDE(PASS, PASS, PASS, PASS));
    assert_int_equal(a.verdict, TM_VERDICT_SELECTED_PASSED);
    assert_int_equal(a.not_selected, TM_AREA_SPF);
    assert_int_equal(a.console, TM_CONSOLE_UNKNOWN);
    assert_int_equal(a.console_unknown, 1u << TM_SECTION_OUTBOUND);
    a = ASSESS(false, {"token.present", TM_CHECK_PASS}, {"token.format", TM_CHECK_PASS},
               {"mx.present", TM_CHECK_PASS}, {"mx.tmems", TM_CHECK_PASS},
               {"spf.present", TM_CHECK_PASS}, {"spf.include", TM_CHECK_PASS},
               {"spf.tmems_ranges", TM_CHECK_PASS});
    assert_int_equal(a.verdict, TM_VERDICT_SELECTED_PASSED);
    assert_int_equal(a.not_selected, TM_AREA_TOKEN);
    assert_int_equal(a.console_unknown, 1u << TM_SECTION_DOMAIN);
    a = ASSESS(false, {"token.present", TM_CHECK_PASS}, {"token.format", TM_CHECK_PASS},
               {"token.match", TM_CHECK_SKIP}, {"mx.present", TM_CHECK_PASS},
               {"mx.tmems", TM_CHECK_PASS}, {"spf.present", TM_CHECK_PASS},
               {"spf.include", TM_CHECK_PASS});
    assert_int_equal(a.not_selected, TM_AREA_SPF);
    assert_int_equal(a.console, TM_CONSOLE_UNKNOWN);
    assert_int_equal(a.console_unknown, 0); /* spf.tmems_ranges is the tool's own */
    /* a failure among the selected checks is still not ready */
    a = ASSESS(false, {"spf.lookups", TM_CHECK_FAIL});
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
    /* selected but skipped outranks not selected */
    a = ASSESS(false, {"spf.present", TM_CHECK_SKIP});
    assert_int_equal(a.verdict, TM_VERDICT_UNKNOWN);
    assert_int_equal(a.not_judged, TM_AREA_SPF);
    assert_int_equal(a.not_selected, TM_AREA_ALL); /* spf.include did not run either */
    /* a strict warning fails a partial run too */
    a = ASSESS(true, {"spf.ptr", TM_CHECK_WARN});
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
    /* no findings at all: nothing was judged */
    tm_findings_t none;
    tm_findings_init(&none);
    tm_findings_assess(&none, false, &a);
    assert_int_equal(a.verdict, TM_VERDICT_SELECTED_PASSED);
}

/* A decisive check that could not judge for want of data (offline, an
 * include that no zone file holds) leaves its record not judged even when
 * another check of the record judged; a console check that did not judge
 * leaves its section unknown on the console. */
static void test_unjudged(void **state)
{
    (void)state;
    tm_assessment_t a = ASSESS(false, DECISIVE_BUT_INCLUDE(PASS, PASS, PASS, PASS),
                               {"spf.include", TM_CHECK_SKIP, true, false});
    assert_int_equal(a.verdict, TM_VERDICT_UNKNOWN);
    assert_int_equal(a.not_judged, TM_AREA_SPF);
    assert_int_equal(a.not_selected, 0);
    assert_int_equal(a.console, TM_CONSOLE_UNKNOWN);
    assert_int_equal(a.console_unknown, 1u << TM_SECTION_OUTBOUND);
    assert_int_equal(tm_verdict_exit_status(a.verdict), 3);
    /* spf.tmems_ranges: the verdict is unknown, the console is not
     * concerned (the tool's own check) */
    a = ASSESS(false, {"token.present", TM_CHECK_PASS}, {"token.format", TM_CHECK_PASS},
               {"token.match", TM_CHECK_SKIP}, {"mx.present", TM_CHECK_PASS},
               {"mx.tmems", TM_CHECK_PASS}, {"spf.present", TM_CHECK_PASS},
               {"spf.include", TM_CHECK_PASS}, {"spf.tmems_ranges", TM_CHECK_SKIP, true, false});
    assert_int_equal(a.verdict, TM_VERDICT_UNKNOWN);
    assert_int_equal(a.not_judged, TM_AREA_SPF);
    assert_int_equal(a.console, TM_CONSOLE_UNKNOWN);
    assert_int_equal(a.console_unknown, 0);
    /* a skip that is no want of data (token.match without --token) judges */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS));
    assert_int_equal(a.verdict, TM_VERDICT_READY);
    assert_int_equal(a.console, TM_CONSOLE_COMPLETE);
    /* a failure still decides: not ready, and the flagged section stays
     * flagged while another is unknown */
    a = ASSESS(false, DECISIVE_BUT_INCLUDE(FAIL, PASS, PASS, PASS),
               {"spf.include", TM_CHECK_SKIP, true, false});
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
    assert_int_equal(a.console, TM_CONSOLE_REQUIRED);
    assert_int_equal(a.console_flagged, 1u << TM_SECTION_DOMAIN);
    assert_int_equal(a.console_unknown, 1u << TM_SECTION_OUTBOUND);
    /* before the cutover: (!) on 受信サーバ expected, 送信サーバ unknown */
    a = ASSESS(false, DECISIVE_BUT_INCLUDE(PASS, PASS, INFO, PASS),
               {"spf.include", TM_CHECK_SKIP, true, false});
    assert_int_equal(a.verdict, TM_VERDICT_UNKNOWN);
    assert_int_equal(a.console, TM_CONSOLE_REQUIRED);
    assert_int_equal(a.console_expected, 1u << TM_SECTION_INBOUND);
    assert_int_equal(a.console_unknown, 1u << TM_SECTION_OUTBOUND);
    /* --no-outbound: the console checks no SPF, so its view is complete */
    a = ASSESS(false, DECISIVE_BUT_INCLUDE(PASS, PASS, PASS, PASS),
               {"spf.include", TM_CHECK_FAIL, false, true});
    assert_int_equal(a.console, TM_CONSOLE_COMPLETE);
    assert_int_equal(a.console_flagged, 0);
}

static void test_console_view(void **state)
{
    (void)state;
    /* before the cutover: (!) on 受信サーバ, expected */
    tm_assessment_t a = ASSESS(false, DECISIVE_BUT_INCLUDE(PASS, PASS, INFO, PASS),
                               {"spf.include", TM_CHECK_PASS});
    assert_int_equal(a.console, TM_CONSOLE_REQUIRED);
    assert_int_equal(a.console_flagged, 1u << TM_SECTION_INBOUND);
    assert_int_equal(a.console_expected, 1u << TM_SECTION_INBOUND);
    assert_int_equal(a.verdict, TM_VERDICT_READY);
    /* after it, a TMEmS host not at the lowest preference: flagged, not
     * expected */
    a = ASSESS(false, DECISIVE(PASS, PASS, WARN, PASS));
    assert_int_equal(a.console_flagged, 1u << TM_SECTION_INBOUND);
    assert_int_equal(a.console_expected, 0);
    /* no token, no TMEmS include: two more sections */
    a = ASSESS(false, DECISIVE_BUT_INCLUDE(FAIL, PASS, INFO, PASS),
               {"spf.include", TM_CHECK_FAIL});
    assert_int_equal(a.console_flagged, (1u << TM_SECTION_DOMAIN) | (1u << TM_SECTION_INBOUND) |
                                            (1u << TM_SECTION_OUTBOUND));
    assert_int_equal(a.console_expected, 1u << TM_SECTION_INBOUND);
    /* no SPF record at all: the tool fails it, the console does not flag it */
    a = ASSESS(false, DECISIVE_BUT_INCLUDE(PASS, PASS, PASS, FAIL),
               {"spf.include", TM_CHECK_SKIP});
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
    assert_int_equal(a.console, TM_CONSOLE_COMPLETE);
    assert_int_equal(a.console_flagged, 0);
    /* the tool's own failures leave the console at 完了 */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS), {"spf.lookups", TM_CHECK_FAIL},
               {"spf.all", TM_CHECK_FAIL}, {"mx.bypass", TM_CHECK_FAIL});
    assert_int_equal(a.console, TM_CONSOLE_COMPLETE);
    /* --no-outbound turns spf.include into info: the console does not check SPF */
    a = ASSESS(false, DECISIVE_BUT_INCLUDE(PASS, PASS, PASS, INFO),
               {"spf.include", TM_CHECK_INFO, false, true});
    assert_int_equal(a.console, TM_CONSOLE_COMPLETE);
    /* two tokens, or the MX as proof: the console verifies the domain */
    a = ASSESS(false, DECISIVE(WARN, PASS, PASS, PASS));
    assert_int_equal(a.console_flagged, 0);
    a = ASSESS(false, DECISIVE(INFO, PASS, PASS, PASS));
    assert_int_equal(a.console_flagged, 0);
    /* inbound.smtp connects from here, not from the data center: no (!) */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS), {"inbound.smtp", TM_CHECK_WARN});
    assert_int_equal(a.console, TM_CONSOLE_COMPLETE);
    /* what is flagged is known even when something else is not */
    a = ASSESS(false, DECISIVE(FAIL, ERROR, ERROR, PASS));
    assert_int_equal(a.console, TM_CONSOLE_REQUIRED);
    assert_int_equal(a.console_flagged, 1u << TM_SECTION_DOMAIN);
    /* an id the catalogue does not know counts by status only */
    a = ASSESS(false, DECISIVE(PASS, PASS, PASS, PASS), {"no.such", TM_CHECK_FAIL});
    assert_int_equal(a.verdict, TM_VERDICT_NOT_READY);
    assert_int_equal(a.console, TM_CONSOLE_COMPLETE);
}

static void test_finding_console_flag(void **state)
{
    (void)state;
    tm_finding_t f = {.id = "mx.tmems", .section = TM_SECTION_INBOUND, .status = TM_CHECK_INFO};
    assert_true(tm_finding_console_flag(&f));
    f.status = TM_CHECK_PASS;
    assert_false(tm_finding_console_flag(&f));
    f.status = TM_CHECK_SKIP;
    assert_false(tm_finding_console_flag(&f));
    f.id = "spf.present";
    f.status = TM_CHECK_FAIL;
    assert_false(tm_finding_console_flag(&f));
    f.id = NULL;
    assert_false(tm_finding_console_flag(&f));
}

/* The catalogue: exactly the console's own checks (the onboarding guide,
 * Step 2) carry console, and exactly the token, MX and SPF presence checks
 * are decisive. */
static void test_catalogue_flags(void **state)
{
    (void)state;
    static const char *const console[] = {"token.present", "token.format", "token.match",
                                          "mx.tmems",      "inbound.smtp", "spf.include"};
    size_t n;
    const tm_check_def_t *cat = tm_check_catalogue(&n);
    unsigned areas = 0;
    size_t nconsole = 0;
    for (size_t i = 0; i < n; i++) {
        const tm_check_def_t *d = &cat[i];
        bool want = false;
        for (size_t k = 0; k < sizeof(console) / sizeof(console[0]); k++)
            want = want || strcmp(d->id, console[k]) == 0;
        if (d->console != want)
            fail_msg("%s: console is %d", d->id, d->console);
        nconsole += d->console;
        if (!d->console)
            assert_int_equal(d->console_flags, 0);
        assert_int_equal(d->console_expected & ~d->console_flags, 0);
        /* the console never flags a pass or a skip */
        assert_int_equal(d->console_flags & (TM_STATUS_BIT(TM_CHECK_PASS) |
                                             TM_STATUS_BIT(TM_CHECK_SKIP)),
                         0);
        unsigned want_area =
            !strncmp(d->id, "token.", 6)                                  ? TM_AREA_TOKEN
            : !strcmp(d->id, "mx.present") || !strcmp(d->id, "mx.tmems") ? TM_AREA_MX
            : !strcmp(d->id, "spf.present") || !strcmp(d->id, "spf.include") ||
                    !strcmp(d->id, "spf.tmems_ranges")
                ? TM_AREA_SPF
                : TM_AREA_NONE;
        /* every console check that can flag a section decides its record */
        if (d->console_flags)
            assert_int_not_equal(d->decisive, TM_AREA_NONE);
        assert_int_equal(d->decisive, want_area);
        areas |= d->decisive;
    }
    assert_int_equal(nconsole, sizeof(console) / sizeof(console[0]));
    assert_int_equal(areas, TM_AREA_ALL);
    /* only mx.tmems has an expected (!), for its pre-cutover info */
    const tm_check_def_t *mx = tm_check_find("mx.tmems");
    assert_int_equal(mx->console_expected, TM_STATUS_BIT(TM_CHECK_INFO));
    assert_int_equal(tm_check_find("spf.include")->console_flags, TM_STATUS_BIT(TM_CHECK_FAIL));
    assert_int_equal(tm_check_find("inbound.smtp")->console_flags, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_ready),
        cmocka_unit_test(test_fail_and_error),
        cmocka_unit_test(test_all_skipped_is_unknown),
        cmocka_unit_test(test_needed_for),
        cmocka_unit_test(test_selection),
        cmocka_unit_test(test_unjudged),
        cmocka_unit_test(test_console_view),
        cmocka_unit_test(test_finding_console_flag),
        cmocka_unit_test(test_catalogue_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
