/* test_params.c - the command line of docs/cli.md "Options" as tmc_params_parse
 * reads it: every option and its default, every bad value refused with a
 * message naming it, unknown options, missing values, --token with and
 * without "tmes=", up to 8 --server values in their IPv4 and IPv6 forms,
 * and domain names (IDN, and a hostile argument that must reach the message
 * escaped, never as a raw control byte). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmc_params.h"
#include "tmems/tm_plugin.h"
#include "tmems/tm_spf.h"

/* Internationalised names need the IDN plugin: the build tree's, as the
 * command line's locator finds it (src/cli/plugin_dir.c). */
static void build_plugins(char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", TM_TEST_PLUGIN_DIR);
}

static int setup(void **state)
{
    (void)state;
    tm_plugin_set_locator(build_plugins);
    setenv("LANGUAGE", "C", 1);
    setenv("LANG", "C", 1);
    setlocale(LC_ALL, "C");
    return 0;
}

typedef struct {
    tmc_params_t p;
    char err[512];
    bool ok;
} parsed_t;

static parsed_t *parse_argv(int argc, char **argv)
{
    static parsed_t r;
    tmc_params_clear(&r.p);
    memset(r.err, 0, sizeof(r.err));
    r.ok = tmc_params_parse(&r.p, argc, argv, r.err, sizeof(r.err));
    /* a failure always says why, on one line */
    if (!r.ok) {
        assert_true(strlen(r.err) > 0);
        assert_null(strchr(r.err, '\n'));
    }
    return &r;
}

#define ARGV(...) ((char *[]){"tmems-check", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"tmems-check", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(...) parse_argv(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static int teardown(void **state)
{
    (void)state;
    parsed_t *r = PARSE("example.com");
    tmc_params_clear(&r->p);
    return 0;
}

#define assert_contains(haystack, needle)                                                       \
    do {                                                                                       \
        if (!strstr((haystack), (needle)))                                                     \
            fail_msg("expected \"%s\" in \"%s\"", (needle), (haystack));                       \
    } while (0)

/* A refused value: false, and the message names the value. */
static void expect_refused(parsed_t *r, const char *value)
{
    if (r->ok)
        fail_msg("accepted; expected a message naming \"%s\"", value);
    assert_contains(r->err, value);
}

static void test_defaults(void **state)
{
    (void)state;
    parsed_t *r = PARSE("Example.COM");
    assert_true(r->ok);
    tmc_params_t *p = &r->p;
    assert_false(p->help);
    assert_false(p->version);
    assert_int_equal(p->ndomains, 1);
    assert_string_equal(p->domains[0].input, "Example.COM");
    assert_string_equal(p->domains[0].ascii, "example.com");
    assert_string_equal(p->domains[0].display, "example.com");
    assert_int_equal(p->nservers, 0);
    assert_int_equal(p->nzones, 0);
    assert_false(p->offline);
    assert_int_equal(p->timeout_ms, 2000);
    assert_int_equal(p->tries, 3);
    assert_string_equal(p->region, "jp");
    assert_null(p->rules_file);
    assert_null(p->token);
    assert_null(p->check.company);
    assert_null(p->check.token);
    assert_int_equal(p->check.phase, TM_PHASE_AUTO);
    assert_true(p->check.outbound);
    assert_false(p->check.offline);
    assert_null(p->check.only);
    assert_null(p->check.skip);
    assert_false(p->strict);
    assert_int_equal(p->format, TMC_FORMAT_TEXT);
    assert_int_equal(p->color, TMC_COLOR_AUTO);
    assert_int_equal(p->verbosity, 0);
    assert_null(p->lang);
    assert_int_equal(p->jobs, TM_BATCH_JOBS_DEFAULT);
    assert_int_equal(p->deadline_s, TMC_DEADLINE_DEFAULT_S);
    assert_null(p->cacert);
}

/* --deadline (seconds) and --cacert (with --doh only). */
static void test_deadline_and_cacert(void **state)
{
    (void)state;
    parsed_t *r = PARSE("--deadline", "30", "--doh", "https://dns.example/dns-query", "--cacert",
                        "ca.pem", "example.com");
    if (!r->ok)
        fail_msg("%s", r->err);
    assert_int_equal(r->p.deadline_s, 30);
    assert_string_equal(r->p.cacert, "ca.pem");
    r = PARSE("--deadline", "86400", "example.com");
    assert_true(r->ok);
    expect_refused(PARSE("--deadline", "0", "example.com"), "'0'");
    expect_refused(PARSE("--deadline", "86401", "example.com"), "86401");
    expect_refused(PARSE("--deadline", "2m", "example.com"), "2m");
    r = PARSE("--deadline", "0", "example.com");
    assert_contains(r->err, "seconds from 1 to 86400");
    expect_refused(PARSE("--cacert", "ca.pem", "example.com"), "--cacert");
    r = PARSE("--cacert", "ca.pem", "example.com");
    assert_contains(r->err, "--doh");
}

static void test_every_option(void **state)
{
    (void)state;
    parsed_t *r = PARSE("--server", "192.0.2.53", "--zone", "a.zone", "--zone", "b.zone",
                        "--offline", "--timeout", "500", "--tries", "10", "--region", "us",
                        "--rules", "r.json", "--company", "acme", "--token",
                        "tmes=88vf4Tw3IPext5MmvoQSYF5mxwOczSpc", "--phase", "post",
                        "--no-outbound", "--format", "jsonl", "--lang", "ja", "--colour",
                        "never", "--strict", "--only", "mx.,token.present", "--skip", "mx.ttl",
                        "-v", "-v", "-j", "4096", "a.example", "b.example");
    if (!r->ok)
        fail_msg("%s", r->err);
    tmc_params_t *p = &r->p;
    assert_int_equal(p->nservers, 1);
    assert_string_equal(p->servers[0], "192.0.2.53:53");
    assert_int_equal(p->nzones, 2);
    assert_string_equal(p->zones[0], "a.zone");
    assert_string_equal(p->zones[1], "b.zone");
    assert_true(p->offline);
    assert_true(p->check.offline);
    assert_int_equal(p->timeout_ms, 500);
    assert_int_equal(p->tries, 10);
    assert_string_equal(p->region, "us");
    assert_string_equal(p->rules_file, "r.json");
    assert_string_equal(p->check.company, "acme");
    assert_string_equal(p->token, "88vf4Tw3IPext5MmvoQSYF5mxwOczSpc");
    assert_ptr_equal(p->check.token, p->token);
    assert_int_equal(p->check.phase, TM_PHASE_POST);
    assert_false(p->check.outbound);
    assert_int_equal(p->format, TMC_FORMAT_JSONL);
    assert_string_equal(p->lang, "ja");
    assert_int_equal(p->color, TMC_COLOR_NEVER);
    assert_true(p->strict);
    assert_string_equal(p->check.only, "mx.,token.present");
    assert_string_equal(p->check.skip, "mx.ttl");
    assert_int_equal(p->verbosity, 2);
    assert_int_equal(p->jobs, 4096);
    assert_int_equal(p->ndomains, 2);
    assert_string_equal(p->domains[0].ascii, "a.example");
    assert_string_equal(p->domains[1].ascii, "b.example");
}

static void test_enumerations(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        tmc_format_t format;
    } formats[] = {{"text", TMC_FORMAT_TEXT}, {"json", TMC_FORMAT_JSON},
                   {"jsonl", TMC_FORMAT_JSONL}};
    for (size_t i = 0; i < 3; i++) {
        parsed_t *r = PARSE("--format", (char *)formats[i].value, "example.com");
        assert_true(r->ok);
        assert_int_equal(r->p.format, formats[i].format);
    }
    static const struct {
        const char *value;
        tmc_color_t color;
    } colors[] = {{"auto", TMC_COLOR_AUTO}, {"always", TMC_COLOR_ALWAYS},
                  {"never", TMC_COLOR_NEVER}};
    for (size_t i = 0; i < 3; i++) {
        parsed_t *r = PARSE("--color", (char *)colors[i].value, "example.com");
        assert_true(r->ok);
        assert_int_equal(r->p.color, colors[i].color);
    }
    static const struct {
        const char *value;
        tm_phase_t phase;
    } phases[] = {{"pre", TM_PHASE_PRE}, {"post", TM_PHASE_POST}, {"auto", TM_PHASE_AUTO}};
    for (size_t i = 0; i < 3; i++) {
        parsed_t *r = PARSE("--phase", (char *)phases[i].value, "example.com");
        assert_true(r->ok);
        assert_int_equal(r->p.check.phase, phases[i].phase);
    }
    const char *regions[] = {"jp", "us", "eu", "anz", "sg", "in", "uae"};
    for (size_t i = 0; i < 7; i++) {
        parsed_t *r = PARSE("--region", (char *)regions[i], "example.com");
        if (!r->ok)
            fail_msg("--region %s: %s", regions[i], r->err);
        assert_string_equal(r->p.region, regions[i]);
    }
    parsed_t *r = PARSE("--lang", "en", "example.com");
    assert_true(r->ok);
    assert_string_equal(r->p.lang, "en");
    /* docs/cli.md: ids or prefixes such as "spf." */
    r = PARSE("--only", "spf.", "--skip", "spf.ptr,mx.", "example.com");
    if (!r->ok)
        fail_msg("%s", r->err);
    assert_string_equal(r->p.check.only, "spf.");
    assert_string_equal(r->p.check.skip, "spf.ptr,mx.");
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_refused(PARSE("--timeout", "0", "example.com"), "'0'");
    expect_refused(PARSE("--timeout", "60001", "example.com"), "60001");
    expect_refused(PARSE("--timeout", "soon", "example.com"), "soon");
    expect_refused(PARSE("--timeout", "-5", "example.com"), "-5");
    expect_refused(PARSE("--timeout", "+5", "example.com"), "+5");
    expect_refused(PARSE("--timeout", "5ms", "example.com"), "5ms");
    expect_refused(PARSE("--timeout", "99999999999999999999", "example.com"),
                   "99999999999999999999");
    expect_refused(PARSE("--timeout", "", "example.com"), "--timeout");
    expect_refused(PARSE("--tries", "0", "example.com"), "--tries");
    expect_refused(PARSE("--tries", "11", "example.com"), "11");
    expect_refused(PARSE("--region", "mars", "example.com"), "mars");
    expect_refused(PARSE("--region", "JP", "example.com"), "JP");
    expect_refused(PARSE("--phase", "middle", "example.com"), "middle");
    expect_refused(PARSE("--phase", "PRE", "example.com"), "PRE");
    expect_refused(PARSE("--format", "xml", "example.com"), "xml");
    expect_refused(PARSE("--lang", "fr", "example.com"), "fr");
    expect_refused(PARSE("--color", "sometimes", "example.com"), "sometimes");
    expect_refused(PARSE("-j", "0", "example.com"), "'0'");
    expect_refused(PARSE("-j", "4097", "example.com"), "4097");
    expect_refused(PARSE("-j", "many", "example.com"), "many");
    expect_refused(PARSE("--only", "nosuch.check", "example.com"), "nosuch.check");
    expect_refused(PARSE("--only", "mx.ttl,bogus", "example.com"), "'bogus'");
    expect_refused(PARSE("--skip", "mx", "example.com"), "'mx'");
    parsed_t *r = PARSE("--skip", "mx.ttl,", "example.com");
    assert_false(r->ok);
    assert_contains(r->err, "--skip");
}

static void test_unknown_option(void **state)
{
    (void)state;
    parsed_t *r = PARSE("--frobnicate", "example.com");
    expect_refused(r, "--frobnicate");
    assert_contains(r->err, "--help");
    expect_refused(PARSE("-Z", "example.com"), "-Z");
    expect_refused(PARSE("--offline=yes", "example.com"), "--offline");
}

static void test_missing_value(void **state)
{
    (void)state;
    const char *options[] = {"--server", "--zone", "--timeout", "--tries", "--region",
                             "--rules", "--company", "--token", "--phase", "--format",
                             "--lang", "--color", "--only", "--skip", "-j"};
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
        parsed_t *r = parse_argv(2, ARGV((char *)options[i]));
        if (r->ok)
            fail_msg("%s without a value was accepted", options[i]);
        assert_contains(r->err, options[i]);
        assert_contains(r->err, "value");
    }
}

static void test_no_domain(void **state)
{
    (void)state;
    parsed_t *r = parse_argv(1, (char *[]){"tmems-check", NULL});
    assert_false(r->ok);
    assert_contains(r->err, "domain");
    r = PARSE("--offline");
    assert_false(r->ok);
    assert_int_equal(r->p.ndomains, 0);
}

static void test_help_and_version(void **state)
{
    (void)state;
    parsed_t *r = PARSE("--help");
    assert_true(r->ok);
    assert_true(r->p.help);
    r = PARSE("--version");
    assert_true(r->ok);
    assert_true(r->p.version);
    const char *usage = tmc_usage();
    assert_contains(usage, "--server");
    assert_contains(usage, "--no-outbound");
    assert_contains(usage, "--only");
}

#define TOKEN32 "88vf4Tw3IPext5MmvoQSYF5mxwOczSpc"

static void test_token_forms(void **state)
{
    (void)state;
    const char *forms[] = {"tmes=" TOKEN32, TOKEN32, "TMES=" TOKEN32, "Tmes=" TOKEN32};
    for (size_t i = 0; i < 4; i++) {
        parsed_t *r = PARSE("--token", (char *)forms[i], "example.com");
        assert_true(r->ok);
        assert_string_equal(r->p.token, TOKEN32);
        assert_string_equal(r->p.check.token, TOKEN32);
    }
    /* repeated: refused, never the last silently (the first is freed:
     * valgrind checks) */
    parsed_t *r = PARSE("--token", TOKEN32, "--token", "tmes=0123456789abcdef0123456789ABCDEF",
                        "example.com");
    expect_refused(r, "'--token' can be given only once");
}

/* --token is judged like token.format: tmes= optional, then exactly 32
 * ASCII letters and digits; anything else is exit 2 with the reason. */
static void test_token_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *arg, *message;
    } cases[] = {
        {"\"tmes=" TOKEN32 "\"", "invalid --token '\"tmes=" TOKEN32 "\"': character 1 is '\"', "
                                "not an ASCII letter or digit; give the 32 characters the "
                                "console shows, with or without tmes=, and no quotes"},
        {"abc123", "invalid --token 'abc123': it has 6 letters and digits; the console's token "
                   "has exactly 32"},
        {"tmes=" TOKEN32 "x", "invalid --token 'tmes=" TOKEN32 "x': it has 33 letters and "
                              "digits; the console's token has exactly 32"},
        {"tmes=", "invalid --token 'tmes=': the token is empty; give the 32 letters and digits "
                  "the console shows"},
        {"", "invalid --token '': the token is empty"},
        {"tmes= 88vf4Tw3IPext5MmvoQSYF5mxwOczSp", "character 1 after tmes= is a space"},
        {"88vf4Tw3IPext5MmvoQSYF5mxwOczSp\t", "character 32 is a control character"},
        {"88vf4Tw3IPext5MmvoQSYF5mxwOczS\xe3\x80\x80", "character 31 is a non-ASCII character"},
        {"xtmes=abc", "character 6 is '='"},
        /* the message stays one line: a control byte shows as '?' */
        {"88vf4Tw3IPext5MmvoQSYF5mxwOczSp\n",
         "invalid --token '88vf4Tw3IPext5MmvoQSYF5mxwOczSp\\x0a': character 32 is a control character"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        parsed_t *r = PARSE("--token", (char *)cases[i].arg, "example.com");
        assert_false(r->ok);
        assert_contains(r->err, cases[i].message);
    }
}

static void test_servers(void **state)
{
    (void)state;
    parsed_t *r = PARSE("--server", "192.0.2.1", "--server", "192.0.2.2:5300", "--server",
                        "::1", "--server", "[2001:DB8::1]:5353", "--server", "[::1]",
                        "--server", "2001:db8:0:0:0:0:0:53", "example.com");
    if (!r->ok)
        fail_msg("%s", r->err);
    const char *csv[] = {"192.0.2.1:53", "192.0.2.2:5300", "[::1]:53", "[2001:db8::1]:5353",
                         "[::1]:53", "[2001:db8::53]:53"};
    assert_int_equal(r->p.nservers, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(r->p.servers[i], csv[i]);
        assert_string_equal(r->p.server_csv[i], csv[i]);
    }
}

static void test_servers_up_to_eight(void **state)
{
    (void)state;
    char *argv[32];
    char values[9][32];
    int argc = 0;
    argv[argc++] = "tmems-check";
    for (int i = 0; i < 8; i++) {
        snprintf(values[i], sizeof(values[i]), "192.0.2.%d", i + 1);
        argv[argc++] = "--server";
        argv[argc++] = values[i];
    }
    argv[argc++] = "example.com";
    argv[argc] = NULL;
    parsed_t *r = parse_argv(argc, argv);
    assert_true(r->ok);
    assert_int_equal(r->p.nservers, TM_RESOLVER_MAX_SERVERS);
    assert_string_equal(r->p.servers[7], "192.0.2.8:53");

    /* a ninth is refused */
    snprintf(values[8], sizeof(values[8]), "192.0.2.9");
    argc--;
    argv[argc++] = "--server";
    argv[argc++] = values[8];
    argv[argc++] = "example.com";
    argv[argc] = NULL;
    r = parse_argv(argc, argv);
    assert_false(r->ok);
    assert_contains(r->err, "--server");
    assert_contains(r->err, "8");
}

static void test_bad_servers(void **state)
{
    (void)state;
    const char *bad[] = {"1.2.3.4:99999", "1.2.3.4:0",   "localhost",    "[::1",
                         "127.0.0.1:",    "300.1.1.1",   "[::1]:",       "[::1]x",
                         "[192.0.2.1]:53", "::1:53:x",   "dns.example:53", "1.2.3.4:53:53",
                         "1.2.3.4:-1",    "[::1]:65536"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parsed_t *r = PARSE("--server", (char *)bad[i], "example.com");
        if (r->ok)
            fail_msg("--server %s accepted as %s", bad[i], r->p.servers[0]);
        assert_contains(r->err, bad[i]);
    }
    parsed_t *r = PARSE("--server", "", "example.com");
    assert_false(r->ok);
    assert_contains(r->err, "--server");
}

static void test_domains(void **state)
{
    (void)state;
    /* the same domain twice (as U-label and A-label) is checked once, in
     * the place it was first given */
    parsed_t *r = PARSE("例え.jp", "xn--r8jz45g.jp", "ready.example.", "READY.example");
    assert_true(r->ok);
    assert_int_equal(r->p.ndomains, 2);
    assert_string_equal(r->p.domains[0].input, "例え.jp");
    assert_string_equal(r->p.domains[0].ascii, "xn--r8jz45g.jp");
    assert_string_equal(r->p.domains[0].display, "例え.jp");
    assert_string_equal(r->p.domains[1].ascii, "ready.example");
}

static void test_bad_domains(void **state)
{
    (void)state;
    expect_refused(PARSE("exa mple.com"), "'exa mple.com'");
    expect_refused(PARSE("ready.example", "exa mple.com"), "exa mple.com");
    expect_refused(PARSE("--", "-bad-.example"), "-bad-.example");
    expect_refused(PARSE("localhost"), "localhost");
    expect_refused(PARSE("xn--zz.jp"), "xn--zz.jp");
    expect_refused(PARSE("☃.com"), "☃.com");
    /* the reason is given too */
    parsed_t *r = PARSE("ready..example");
    assert_false(r->ok);
    assert_contains(r->err, "empty label");
}

static void test_hostile_domain_escaped(void **state)
{
    (void)state;
    parsed_t *r = PARSE("evil\x1b]0;owned\x07\x1b[2J.example");
    assert_false(r->ok);
    /* The message carries the argument as given: tmc_error escapes the whole
     * line when it prints it (escaping here too would show "\\x1b"). */
    assert_contains(r->err, "evil\x1b]0;owned\x07\x1b[2J.example");
    assert_contains(r->err, "only letters, digits");
    tm_buf_t shown;
    tm_buf_init(&shown);
    assert_int_equal(tm_text_escape(&shown, r->err, strlen(r->err)), TM_OK);
    assert_contains(shown.data, "evil\\x1b]0;owned\\x07\\x1b[2J");
    for (const char *c = shown.data; *c; c++) {
        if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
            fail_msg("raw control byte 0x%02x in \"%s\"", (unsigned char)*c, shown.data);
    }
    tm_buf_clear(&shown);
}

static void test_verbosity(void **state)
{
    (void)state;
    assert_int_equal(PARSE("-q", "example.com")->p.verbosity, -1);
    assert_int_equal(PARSE("-vvv", "example.com")->p.verbosity, 3);
    /* -q and -v together: one would silently win */
    parsed_t *r = PARSE("-v", "-q", "example.com");
    assert_false(r->ok);
    assert_contains(r->err, "-q and -v exclude each other");
    r = PARSE("-q", "-vv", "example.com");
    assert_false(r->ok);
    assert_contains(r->err, "-q and -v exclude each other");
}

/* Every option that takes one value or is a switch, given twice: a usage
 * error naming it as typed, with the list of the options that add up. */
static void test_repeated_option_refused(void **state)
{
    (void)state;
    static const struct {
        const char *option, *value;
    } once[] = {{"--doh", "https://192.0.2.1/dns-query"}, {"--offline", NULL},
                {"--timeout", "500"}, {"--tries", "2"}, {"--max-queries", "8"},
                {"--region", "jp"}, {"--rules", "r.json"}, {"--company", "acme"},
                {"--token", "88vf4Tw3IPext5MmvoQSYF5mxwOczSpc"}, {"--phase", "pre"}, {"--no-outbound", NULL},
                {"--format", "json"}, {"--lang", "en"}, {"--color", "never"},
                {"--colour", "never"}, {"--strict", NULL}, {"--authoritative", NULL},
                {"--smtp", NULL}, {"--auth-port", "53"}, {"--smtp-port", "25"},
                {"-q", NULL}, {"-j", "4"}};
    for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
        char *argv[8];
        int argc = 0;
        argv[argc++] = "tmems-check";
        for (int k = 0; k < 2; k++) {
            argv[argc++] = (char *)once[i].option;
            if (once[i].value)
                argv[argc++] = (char *)once[i].value;
        }
        argv[argc++] = "example.com";
        argv[argc] = NULL;
        parsed_t *r = parse_argv(argc, argv);
        char want[160];
        snprintf(want, sizeof want,
                 "option '%s' can be given only once (repeatable: --server, --zone, -f, "
                 "--only, --skip, -v, --ip)",
                 once[i].option);
        if (r->ok)
            fail_msg("%s given twice was accepted", once[i].option);
        assert_string_equal(r->err, want);
    }
    /* two spellings of one option are one option */
    parsed_t *r = PARSE("--color", "never", "--colour", "always", "example.com");
    expect_refused(r, "'--colour' can be given only once");
    r = PARSE("--lang=ja", "--lang", "en", "example.com");
    expect_refused(r, "'--lang' can be given only once");
    /* spf: --sender and --helo are single values (--ip repeats: one
     * evaluation each) */
    char *spf[] = {"tmems-check", "spf", "example.com", "--ip", "192.0.2.1", "--helo",
                   "a.example", "--helo", "b.example", NULL};
    r = parse_argv(9, spf);
    expect_refused(r, "'--helo' can be given only once");
}

/* --only and --skip add up; -v counts. */
static void test_repeatable_options_add_up(void **state)
{
    (void)state;
    parsed_t *r = PARSE("--only", "mx.", "--only", "spf.include,token.present", "--skip",
                        "mx.ttl", "--skip", "spf.", "-v", "-v", "example.com");
    if (!r->ok)
        fail_msg("%s", r->err);
    assert_string_equal(r->p.check.only, "mx.,spf.include,token.present");
    assert_string_equal(r->p.check.skip, "mx.ttl,spf.");
    assert_true(tm_check_selected("mx.tmems", r->p.check.only, r->p.check.skip));
    assert_true(tm_check_selected("token.present", r->p.check.only, r->p.check.skip));
    assert_false(tm_check_selected("mx.ttl", r->p.check.only, r->p.check.skip));
    assert_false(tm_check_selected("spf.include", r->p.check.only, r->p.check.skip));
    assert_false(tm_check_selected("spf.lookups", r->p.check.only, r->p.check.skip));
    assert_int_equal(r->p.verbosity, 2);
    /* a bad item in a later list names that list's option and item */
    r = PARSE("--only", "mx.", "--only", "nosuch", "example.com");
    expect_refused(r, "--only: 'nosuch'");
}

static void test_small_error_buffer(void **state)
{
    (void)state;
    tmc_params_t p;
    char err[8];
    memset(err, 'x', sizeof(err));
    char *argv[] = {"tmems-check", "--phase", "a-very-long-invalid-phase", "example.com", NULL};
    assert_false(tmc_params_parse(&p, 4, argv, err, sizeof(err)));
    assert_non_null(memchr(err, '\0', sizeof(err)));
    tmc_params_clear(&p);
    char *argv2[] = {"tmems-check", "exa mple.very-long-name.example", NULL};
    assert_false(tmc_params_parse(&p, 2, argv2, err, sizeof(err)));
    assert_non_null(memchr(err, '\0', sizeof(err)));
    tmc_params_clear(&p);
}

/* A parse that stopped inside a cluster of short options must not leak
 * that state into the next parse (tests and library users parse again). */
static void test_reparse_after_error_in_cluster(void **state)
{
    (void)state;
    parsed_t *r = PARSE("-Zv", "example.com");
    assert_false(r->ok);
    assert_contains(r->err, "-Z");
    r = PARSE("example.com");
    assert_true(r->ok);
    assert_int_equal(r->p.verbosity, 0);
    r = PARSE("-qj", "7", "example.com");
    assert_true(r->ok);
    assert_int_equal(r->p.jobs, 7);
    assert_int_equal(r->p.verbosity, -1);
}

static void test_clear(void **state)
{
    (void)state;
    tmc_params_t p;
    char err[128];
    char *argv[] = {"tmems-check", "--token", TOKEN32, "a.example", "b.example", NULL};
    assert_true(tmc_params_parse(&p, 5, argv, err, sizeof(err)));
    tmc_params_clear(&p);
    assert_null(p.domains);
    assert_null(p.token);
    assert_int_equal(p.ndomains, 0);
    /* clearing twice is harmless */
    tmc_params_clear(&p);
}

static void test_spf_subcommand(void **state)
{
    (void)state;
    parsed_t *r = PARSE("spf", "example.com", "--ip", "15.168.56.10", "--sender",
                        "a@example.com", "--helo", "mx.example.com");
    if (!r->ok)
        fail_msg("%s", r->err);
    assert_true(r->p.spf_mode);
    assert_int_equal(r->p.ndomains, 1);
    assert_string_equal(r->p.domains[0].ascii, "example.com");
    assert_int_equal(r->p.nips, 1);
    assert_string_equal(r->p.ips[0], "15.168.56.10");
    assert_string_equal(r->p.sender, "a@example.com");
    assert_string_equal(r->p.helo, "mx.example.com");
    /* options before the domain, an IPv6 address */
    r = PARSE("spf", "--offline", "--ip", "2001:db8::1", "example.com");
    assert_true(r->ok);
    assert_true(r->p.offline);
    /* a second parse after the subcommand starts clean */
    r = PARSE("example.com");
    assert_true(r->ok);
    assert_false(r->p.spf_mode);
    assert_int_equal(r->p.nips, 0);
    expect_refused(PARSE("spf", "example.com", "--ip", "15.168.56.999"), "15.168.56.999");
    expect_refused(PARSE("spf", "example.com"), "--ip");
    expect_refused(PARSE("example.com", "--ip", "192.0.2.1"), "--ip");
    expect_refused(PARSE("--helo", "mx.example.com", "example.com"), "--helo");
    expect_refused(PARSE("--sender", "a@example.com", "example.com"), "--sender");
}

/* --ip is repeatable: one check_host() per address, in the order given;
 * several results are JSON Lines, never one JSON document that would
 * change its shape with the count; the count is bounded. */
static void test_spf_several_addresses(void **state)
{
    (void)state;
    parsed_t *r = PARSE("spf", "example.com", "--ip", "192.0.2.1", "--ip", "2001:db8::1",
                        "--ip", "192.0.2.1", "--format", "jsonl");
    if (!r->ok)
        fail_msg("%s", r->err);
    assert_int_equal(r->p.nips, 3);
    assert_string_equal(r->p.ips[0], "192.0.2.1");
    assert_string_equal(r->p.ips[1], "2001:db8::1");
    assert_string_equal(r->p.ips[2], "192.0.2.1");
    assert_int_equal(r->p.format, TMC_FORMAT_JSONL);
    /* one address: json stays the pretty document, jsonl one line */
    r = PARSE("spf", "example.com", "--ip", "192.0.2.1", "--format", "json");
    assert_true(r->ok);
    assert_int_equal(r->p.format, TMC_FORMAT_JSON);
    expect_refused(PARSE("spf", "example.com", "--ip", "192.0.2.1", "--ip", "192.0.2.2",
                         "--format", "json"),
                   "jsonl");
    /* a bad address among good ones is named */
    expect_refused(PARSE("spf", "example.com", "--ip", "192.0.2.1", "--ip", "192.0.2.256"),
                   "192.0.2.256");
    /* the bound: TMC_MAX_SPF_IPS addresses, and one more is refused */
    enum { N = TMC_MAX_SPF_IPS + 1 };
    static char *argv[2 + 2 * N + 1];
    static char addr[N][32];
    int argc = 0;
    argv[argc++] = "tmems-check";
    argv[argc++] = "spf";
    for (int i = 0; i < N; i++) {
        snprintf(addr[i], sizeof addr[i], "10.0.%d.%d", i / 256, i % 256);
        argv[argc++] = "--ip";
        argv[argc++] = addr[i];
    }
    argv[argc++] = "example.com";
    tmc_params_t p;
    char err[256] = "";
    assert_false(tmc_params_parse(&p, argc, argv, err, sizeof err));
    assert_non_null(strstr(err, "too many --ip"));
    tmc_params_clear(&p);
    argv[argc - 3] = "example.com"; /* drop the last --ip ADDR */
    assert_true(tmc_params_parse(&p, argc - 2, argv, err, sizeof err));
    assert_int_equal(p.nips, TMC_MAX_SPF_IPS);
    tmc_params_clear(&p);
}

/* The spf subcommand is a check_host() front end: a malformed DOMAIN is
 * kept, with the reason, for check_host() to answer none (RFC 7208 section
 * 4.3); a usage error stays one. */
static void test_spf_malformed_domain_kept(void **state)
{
    (void)state;
    static const struct {
        const char *domain, *why;
    } cases[] = {{"[1.2.3.5]", "only letters"},
                 {"A...example.com", "empty label"},
                 {"A123456789012345678901234567890123456789012345678901234567890123.example.com",
                  "longer than 63"},
                 {"A2345678", "two labels"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        parsed_t *r = PARSE("spf", (char *)cases[i].domain, "--ip", "1.2.3.4");
        if (!r->ok)
            fail_msg("%s: %s", cases[i].domain, r->err);
        assert_int_equal(r->p.ndomains, 1);
        const tmc_domain_t *d = &r->p.domains[0];
        assert_null(d->ascii);
        assert_string_equal(d->input, cases[i].domain);
        assert_non_null(d->invalid);
        assert_contains(d->invalid, cases[i].why);
        assert_null(d->file);
        /* the same argument outside the subcommand is a usage error */
        expect_refused(PARSE((char *)cases[i].domain), cases[i].domain);
    }
    expect_refused(PARSE("spf", "[1.2.3.5]"), "--ip");
    char longer[TM_SPF_INPUT_MAX + 2];
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    expect_refused(PARSE("spf", "example.com", "--ip", "1.2.3.4", "--sender", longer),
                   "--sender is longer than 512 bytes");
    expect_refused(PARSE("spf", "example.com", "--ip", "1.2.3.4", "--helo", longer),
                   "--helo is longer than 512 bytes");
}

static void test_options_after_domain(void **state)
{
    (void)state;
    /* the synopsis of the spf subcommand puts options after the domain */
    parsed_t *r = PARSE("example.com", "--phase", "pre", "--offline");
    if (!r->ok)
        fail_msg("%s", r->err);
    assert_int_equal(r->p.ndomains, 1);
    assert_int_equal(r->p.check.phase, TM_PHASE_PRE);
    assert_true(r->p.offline);
    /* after "--" everything is a domain */
    expect_refused(PARSE("example.com", "--", "--offline"), "--offline");
}

/* --max-queries bounds the questions in flight (the benchmark's "one at a
 * time" run); absent, the resolver keeps its own default. */
static void test_max_queries(void **state)
{
    (void)state;
    parsed_t *r = PARSE("example.com");
    assert_true(r->ok);
    assert_int_equal(r->p.max_queries, 0);
    r = PARSE("--max-queries", "1", "example.com");
    assert_true(r->ok);
    assert_int_equal(r->p.max_queries, 1);
    r = PARSE("--max-queries=4096", "example.com");
    assert_true(r->ok);
    assert_int_equal(r->p.max_queries, 4096);
    expect_refused(PARSE("--max-queries", "0", "example.com"), "--max-queries");
    expect_refused(PARSE("--max-queries", "4097", "example.com"), "4097");
    expect_refused(PARSE("--max-queries", "one", "example.com"), "one");
}

/* Every numeric row of the option table at its bounds: the ends are
 * accepted and land in their field, one past each end is refused with the
 * exact message (the option as written, the value, the valid range). */
static void test_numeric_bounds(void **state)
{
    (void)state;
    static const struct {
        const char *option, *min, *max, *below, *above, *range;
    } rows[] = {
        {"--timeout", "1", "60000", "0", "60001", "milliseconds from 1 to 60000"},
        {"--tries", "1", "10", "0", "11", "from 1 to 10"},
        {"--deadline", "1", "86400", "0", "86401", "seconds from 1 to 86400"},
        {"--max-queries", "1", "4096", "0", "4097", "from 1 to 4096"},
        {"-j", "1", "4096", "0", "4097", "from 1 to 4096"},
        {"--auth-port", "1", "65535", "0", "65536", "a port from 1 to 65535"},
        {"--smtp-port", "1", "65535", "0", "65536", "a port from 1 to 65535"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *ends[2] = {rows[i].min, rows[i].max};
        for (int e = 0; e < 2; e++) {
            char *argv[] = {"tmems-check", (char *)rows[i].option, (char *)ends[e], "a.example",
                            NULL};
            parsed_t *r = parse_argv(4, argv);
            if (!r->ok)
                fail_msg("%s %s refused: %s", rows[i].option, ends[e], r->err);
            unsigned long want = strtoul(ends[e], NULL, 10), got = 0;
            if (strcmp(rows[i].option, "--timeout") == 0)
                got = r->p.timeout_ms;
            else if (strcmp(rows[i].option, "--tries") == 0)
                got = r->p.tries;
            else if (strcmp(rows[i].option, "--deadline") == 0)
                got = r->p.deadline_s;
            else if (strcmp(rows[i].option, "--max-queries") == 0)
                got = r->p.max_queries;
            else if (strcmp(rows[i].option, "-j") == 0)
                got = r->p.jobs;
            else if (strcmp(rows[i].option, "--auth-port") == 0)
                got = r->p.probe.auth_port;
            else
                got = r->p.probe.smtp_port;
            assert_int_equal(got, want);
        }
        const char *bad[2] = {rows[i].below, rows[i].above};
        for (int e = 0; e < 2; e++) {
            char *argv[] = {"tmems-check", (char *)rows[i].option, (char *)bad[e], "a.example",
                            NULL};
            parsed_t *r = parse_argv(4, argv);
            char want[160];
            snprintf(want, sizeof want, "invalid %s value '%s': %s", rows[i].option, bad[e],
                     rows[i].range);
            assert_false(r->ok);
            assert_string_equal(r->err, want);
        }
    }
}

/* Every word of each enumeration row, and the exact message otherwise; the
 * alias --colour is the same row as --color. */
static void test_choice_rows(void **state)
{
    (void)state;
    parsed_t *r = PARSE("--colour", "always", "--phase", "post", "--format", "junit", "a.example");
    assert_true(r->ok);
    assert_int_equal(r->p.color, TMC_COLOR_ALWAYS);
    assert_int_equal(r->p.check.phase, TM_PHASE_POST);
    assert_int_equal(r->p.format, TMC_FORMAT_JUNIT);
    r = PARSE("--phase", "later", "a.example");
    assert_string_equal(r->err, "invalid --phase 'later': use pre, post or auto");
    r = PARSE("--format", "xml", "a.example");
    assert_string_equal(r->err, "invalid --format 'xml': use text, json, jsonl, junit, html, "
                                "github, sarif or markdown");
    r = PARSE("--colour", "blue", "a.example");
    assert_string_equal(r->err, "invalid --color 'blue': use auto, always or never");
    r = PARSE("--lang", "fr", "a.example");
    assert_string_equal(r->err, "invalid --lang 'fr': use ja or en");
    /* a flag row set to false, and one set to true */
    r = PARSE("--no-outbound", "--offline", "a.example");
    assert_true(r->ok);
    assert_false(r->p.check.outbound);
    assert_true(r->p.offline);
}

#define T(name) cmocka_unit_test_setup(name, setup)

/* The DNS-as-code options (docs/ci.md): the CI formats, --zone-format and
 * --plan with what it needs. */
static void test_ci_options(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        tmc_format_t format;
    } formats[] = {{"github", TMC_FORMAT_GITHUB}, {"sarif", TMC_FORMAT_SARIF},
                   {"markdown", TMC_FORMAT_MARKDOWN}, {"junit", TMC_FORMAT_JUNIT}};
    for (size_t i = 0; i < 4; i++) {
        parsed_t *r = PARSE("--format", (char *)formats[i].value, "example.com");
        assert_true(r->ok);
        assert_int_equal(r->p.format, formats[i].format);
    }
    expect_refused(PARSE("--format", "gitlab", "example.com"), "'gitlab'");
    static const struct {
        const char *value;
        tm_zone_format_t format;
    } zf[] = {{"auto", TM_ZONE_FORMAT_AUTO}, {"bind", TM_ZONE_FORMAT_BIND},
              {"octodns", TM_ZONE_FORMAT_OCTODNS}, {"dnscontrol", TM_ZONE_FORMAT_DNSCONTROL}};
    for (size_t i = 0; i < 4; i++) {
        parsed_t *r = PARSE("--zone-format", (char *)zf[i].value, "example.com");
        assert_true(r->ok);
        assert_int_equal(r->p.zone_format, zf[i].format);
    }
    expect_refused(PARSE("--zone-format", "terraform", "example.com"), "'terraform'");
    expect_refused(PARSE("--zone-format", "bind", "--zone-format", "bind", "example.com"),
                   "--zone-format");
    parsed_t *r = PARSE("--plan", "--zone", "z.yaml", "example.com");
    assert_true(r->ok);
    assert_true(r->p.plan);
    r = PARSE("--plan", "--zone", "z.yaml", "--format", "markdown", "example.com");
    assert_true(r->ok);
    expect_refused(PARSE("--plan", "example.com"), "--zone");
    expect_refused(PARSE("--plan", "--offline", "--zone", "z", "example.com"), "--offline");
    expect_refused(PARSE("--plan", "--zone", "z", "--format", "sarif", "example.com"), "markdown");
    expect_refused(PARSE("spf", "--format", "github", "example.com", "--ip", "192.0.2.1"),
                   "text, json or jsonl");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_defaults),
        T(test_every_option),
        T(test_enumerations),
        T(test_ci_options),
        T(test_bad_values),
        T(test_unknown_option),
        T(test_missing_value),
        T(test_no_domain),
        T(test_help_and_version),
        T(test_token_forms),
        T(test_token_malformed),
        T(test_servers),
        T(test_servers_up_to_eight),
        T(test_bad_servers),
        T(test_domains),
        T(test_bad_domains),
        T(test_hostile_domain_escaped),
        T(test_verbosity),
        T(test_repeated_option_refused),
        T(test_repeatable_options_add_up),
        T(test_small_error_buffer),
        T(test_reparse_after_error_in_cluster),
        T(test_clear),
        T(test_spf_subcommand),
        T(test_spf_several_addresses),
        T(test_spf_malformed_domain_kept),
        T(test_options_after_domain),
        T(test_max_queries),
        T(test_deadline_and_cacert),
        T(test_numeric_bounds),
        T(test_choice_rows),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
