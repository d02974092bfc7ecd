/* test_report_junit.c - the JUnit XML renderer, read back by a small strict
 * XML parser written here: it rejects what XML 1.0 rejects (a raw '<' or
 * '&', a mismatched end tag, a duplicate attribute, a character outside the
 * Char production, invalid UTF-8), so the assertions see the document the
 * way GitLab and Jenkins will.  Structure, counts, every status, escaping of
 * hostile DNS text, streaming of several suites, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fixture.h"
#include "tmems/tm_report.h"

/* ---- a strict little XML reader ----------------------------------------------- */

#define X_MAX_ATTRS 16
#define X_MAX_KIDS 64

typedef struct xnode {
    char *name;
    char *attr_name[X_MAX_ATTRS];
    char *attr_value[X_MAX_ATTRS];
    size_t nattrs;
    tm_buf_t text; /* the character data directly inside, entities resolved */
    struct xnode *kids[X_MAX_KIDS];
    size_t nkids;
} xnode_t;

typedef struct {
    const char *s;
    size_t pos, len;
    const char *error;
} xparser_t;

static void xfree(xnode_t *n)
{
    if (!n)
        return;
    free(n->name);
    for (size_t i = 0; i < n->nattrs; i++) {
        free(n->attr_name[i]);
        free(n->attr_value[i]);
    }
    tm_buf_clear(&n->text);
    for (size_t i = 0; i < n->nkids; i++)
        xfree(n->kids[i]);
    free(n);
}

static bool xerr(xparser_t *p, const char *why)
{
    if (!p->error)
        p->error = why;
    return false;
}

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

static char *xname(xparser_t *p)
{
    size_t start = p->pos;
    while (p->pos < p->len && name_char(p->s[p->pos], p->pos == start))
        p->pos++;
    if (p->pos == start) {
        xerr(p, "a name expected");
        return NULL;
    }
    return strndup(p->s + start, p->pos - start);
}

static void xspace(xparser_t *p)
{
    while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]))
        p->pos++;
}

static void put_utf8(tm_buf_t *b, unsigned long c)
{
    char u[4];
    size_t n;
    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    assert_int_equal(tm_buf_append(b, u, n), TM_OK);
}

/* XML 1.0 section 2.2 Char, for the code point at s (valid UTF-8). */
static bool xml_char(const unsigned char *s, size_t *len)
{
    unsigned long c = s[0];
    *len = 1;
    if (c >= 0xF0) {
        c = ((c & 7ul) << 18) | ((s[1] & 0x3Ful) << 12) | ((s[2] & 0x3Ful) << 6) | (s[3] & 0x3Ful);
        *len = 4;
    } else if (c >= 0xE0) {
        c = ((c & 15ul) << 12) | ((s[1] & 0x3Ful) << 6) | (s[2] & 0x3Ful);
        *len = 3;
    } else if (c >= 0xC0) {
        c = ((c & 31ul) << 6) | (s[1] & 0x3Ful);
        *len = 2;
    }
    if (c == 9 || c == 10 || c == 13)
        return true;
    return c >= 0x20 && c != 0xFFFE && c != 0xFFFF && !(c >= 0xD800 && c <= 0xDFFF);
}

/* Character data or an attribute value up to `stop`, entities resolved. */
static bool xchars(xparser_t *p, char stop, bool attr, tm_buf_t *out)
{
    while (p->pos < p->len && p->s[p->pos] != stop) {
        char c = p->s[p->pos];
        if (c == '<')
            return xerr(p, "a raw '<' in text");
        if (attr && (c == '\t' || c == '\n' || c == '\r'))
            return xerr(p, "a raw white-space character in an attribute (it would be normalised)");
        if (c == '&') {
            const char *semi = memchr(p->s + p->pos, ';', p->len - p->pos);
            if (!semi)
                return xerr(p, "an unterminated reference");
            size_t n = (size_t)(semi - (p->s + p->pos)) + 1;
            const char *e = p->s + p->pos;
            if (n == 5 && !strncmp(e, "&amp;", 5))
                tm_buf_putc(out, '&');
            else if (n == 4 && !strncmp(e, "&lt;", 4))
                tm_buf_putc(out, '<');
            else if (n == 4 && !strncmp(e, "&gt;", 4))
                tm_buf_putc(out, '>');
            else if (n == 6 && !strncmp(e, "&quot;", 6))
                tm_buf_putc(out, '"');
            else if (n == 6 && !strncmp(e, "&apos;", 6))
                tm_buf_putc(out, '\'');
            else if (n > 3 && e[1] == '#') {
                char *end;
                unsigned long v = e[2] == 'x' ? strtoul(e + 3, &end, 16) : strtoul(e + 2, &end, 10);
                if (end != semi || !(v == 9 || v == 10 || v == 13 || v >= 0x20))
                    return xerr(p, "a bad character reference");
                put_utf8(out, v);
            } else {
                return xerr(p, "an unknown entity");
            }
            p->pos += n;
            continue;
        }
        size_t len;
        if (!xml_char((const unsigned char *)p->s + p->pos, &len))
            return xerr(p, "a character outside XML 1.0 Char");
        tm_buf_append(out, p->s + p->pos, len);
        p->pos += len;
    }
    return true;
}

static xnode_t *xelement(xparser_t *p, int depth)
{
    if (depth > 8 || p->pos >= p->len || p->s[p->pos] != '<') {
        xerr(p, "an element expected");
        return NULL;
    }
    p->pos++;
    xnode_t *n = calloc(1, sizeof(*n));
    assert_non_null(n);
    tm_buf_init(&n->text);
    n->name = xname(p);
    if (!n->name)
        goto bad;
    for (;;) {
        xspace(p);
        if (p->pos >= p->len)
            goto bad;
        if (p->s[p->pos] == '/' || p->s[p->pos] == '>')
            break;
        if (n->nattrs == X_MAX_ATTRS)
            goto bad;
        char *an = xname(p);
        if (!an)
            goto bad;
        for (size_t i = 0; i < n->nattrs; i++) {
            if (!strcmp(n->attr_name[i], an)) {
                free(an);
                xerr(p, "a duplicate attribute");
                goto bad;
            }
        }
        n->attr_name[n->nattrs] = an;
        if (p->pos + 1 >= p->len || p->s[p->pos] != '=' || p->s[p->pos + 1] != '"') {
            n->attr_value[n->nattrs++] = NULL;
            xerr(p, "=\" expected");
            goto bad;
        }
        p->pos += 2;
        tm_buf_t v;
        tm_buf_init(&v);
        tm_buf_puts(&v, "");
        bool ok = xchars(p, '"', true, &v);
        n->attr_value[n->nattrs++] = strdup(v.data ? v.data : "");
        tm_buf_clear(&v);
        if (!ok)
            goto bad;
        p->pos++; /* the closing quote */
    }
    if (p->s[p->pos] == '/') {
        if (p->pos + 1 >= p->len || p->s[p->pos + 1] != '>') {
            xerr(p, "/> expected");
            goto bad;
        }
        p->pos += 2;
        return n;
    }
    p->pos++;
    for (;;) {
        if (!xchars(p, '<', false, &n->text))
            goto bad;
        if (p->pos >= p->len) {
            xerr(p, "an unclosed element");
            goto bad;
        }
        if (p->pos + 1 < p->len && p->s[p->pos + 1] == '/') {
            p->pos += 2;
            char *end = xname(p);
            bool same = end && !strcmp(end, n->name);
            free(end);
            if (!same || p->pos >= p->len || p->s[p->pos] != '>') {
                xerr(p, "a mismatched end tag");
                goto bad;
            }
            p->pos++;
            return n;
        }
        if (n->nkids == X_MAX_KIDS)
            goto bad;
        xnode_t *kid = xelement(p, depth + 1);
        if (!kid)
            goto bad;
        n->kids[n->nkids++] = kid;
    }
bad:
    xerr(p, "malformed");
    xfree(n);
    return NULL;
}

static xnode_t *xparse(const char *doc, const char **error)
{
    xparser_t p = {.s = doc, .pos = 0, .len = strlen(doc), .error = NULL};
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    *error = NULL;
    if (!tm_utf8_valid(doc, p.len)) {
        *error = "not UTF-8";
        return NULL;
    }
    if (strncmp(doc, decl, sizeof(decl) - 1) != 0) {
        *error = "no XML declaration";
        return NULL;
    }
    p.pos = sizeof(decl) - 1;
    xnode_t *root = xelement(&p, 0);
    xspace(&p);
    if (root && p.pos != p.len) {
        p.error = "content after the root";
        xfree(root);
        root = NULL;
    }
    *error = p.error;
    return root;
}

static const char *xattr(const xnode_t *n, const char *name)
{
    for (size_t i = 0; i < n->nattrs; i++) {
        if (!strcmp(n->attr_name[i], name))
            return n->attr_value[i];
    }
    return NULL;
}

static const xnode_t *xkid(const xnode_t *n, const char *name)
{
    for (size_t i = 0; i < n->nkids; i++) {
        if (!strcmp(n->kids[i]->name, name))
            return n->kids[i];
    }
    return NULL;
}

static const char *xtext(const xnode_t *n) { return n->text.data ? n->text.data : ""; }

/* ---- rendering helpers ------------------------------------------------------------- */

/* begin + one suite per result + end, parsed; the caller frees both. */
static xnode_t *render(tm_result_t *const *results, size_t n, char **doc_out)
{
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_junit_begin(&out), TM_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tm_report_junit_suite(results[i], NULL, &out), TM_OK);
    assert_int_equal(tm_report_junit_end(&out), TM_OK);
    const char *error;
    xnode_t *root = xparse(out.data, &error);
    if (!root)
        fail_msg("not well-formed (%s):\n%s", error ? error : "?", out.data);
    *doc_out = tm_buf_take(&out);
    return root;
}

static const xnode_t *testcase(const xnode_t *suite, const char *id)
{
    for (size_t i = 0; i < suite->nkids; i++) {
        const xnode_t *k = suite->kids[i];
        if (!strcmp(k->name, "testcase") && xattr(k, "name") && !strcmp(xattr(k, "name"), id))
            return k;
    }
    fail_msg("no testcase %s", id);
    return NULL;
}

static size_t count_kids(const xnode_t *n, const char *name)
{
    size_t c = 0;
    for (size_t i = 0; i < n->nkids; i++)
        c += !strcmp(n->kids[i]->name, name);
    return c;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_structure_and_counts(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    char *doc;
    xnode_t *root = render(&r, 1, &doc);
    assert_string_equal(root->name, "testsuites");
    assert_string_equal(xattr(root, "name"), "tmems-check");
    assert_int_equal(root->nkids, 1);
    const xnode_t *suite = root->kids[0];
    assert_string_equal(suite->name, "testsuite");
    assert_string_equal(xattr(suite, "name"), "acme-corp.example");
    assert_string_equal(xattr(suite, "tests"), "6");
    assert_string_equal(xattr(suite, "failures"), "1");
    assert_string_equal(xattr(suite, "errors"), "0");
    assert_string_equal(xattr(suite, "skipped"), "1");
    assert_int_equal(count_kids(suite, "testcase"), 6);

    const xnode_t *props = xkid(suite, "properties");
    assert_non_null(props);
    char seen[256] = "";
    for (size_t i = 0; i < props->nkids; i++) {
        strcat(seen, xattr(props->kids[i], "name"));
        strcat(seen, "=");
        strcat(seen, xattr(props->kids[i], "value"));
        strcat(seen, " ");
    }
    assert_string_equal(seen, "ascii=acme-corp.example phase=pre company=acme-corp verdict=fail "
                              "outcome=not_ready exit_status=1 strict=false "
                              "console=configuration_required console_flagged=outbound "
                              "console_expected= console_unknown=domain,inbound ");

    /* one testcase per finding, in order, classname = section */
    size_t k = 0;
    for (size_t i = 0; i < suite->nkids; i++) {
        if (strcmp(suite->kids[i]->name, "testcase") != 0)
            continue;
        const tm_finding_t *f = &r->findings.items[k++];
        assert_string_equal(xattr(suite->kids[i], "name"), f->id);
        assert_string_equal(xattr(suite->kids[i], "classname"), tm_section_name(f->section));
    }

    /* pass: an empty testcase, but for the property of a check the console
     * makes itself */
    const xnode_t *token = testcase(suite, "token.present");
    assert_int_equal(token->nkids, 1);
    const xnode_t *own = xkid(token, "properties");
    assert_non_null(own);
    assert_int_equal(own->nkids, 1);
    assert_string_equal(xattr(own->kids[0], "name"), "console");
    assert_string_equal(xattr(own->kids[0], "value"), "true");
    assert_null(xkid(testcase(suite, "mx.ttl"), "properties"));
    /* fail: <failure message=summary type="fail"> with the fix as text; the
     * console flags this one: "(!) " before the summary, as in the text */
    const xnode_t *fail = xkid(testcase(suite, "spf.include"), "failure");
    assert_non_null(fail);
    char flagged[512];
    snprintf(flagged, sizeof flagged, "(!) %s", r->findings.items[4].summary);
    assert_string_equal(xattr(fail, "message"), flagged);
    assert_string_equal(xattr(fail, "type"), "fail");
    assert_string_equal(xtext(fail), r->findings.items[4].fix);
    /* warn: passing, the summary, detail and fix in system-out */
    const xnode_t *warn = testcase(suite, "mx.ttl");
    assert_null(xkid(warn, "failure"));
    const xnode_t *out = xkid(warn, "system-out");
    assert_non_null(out);
    char want[1024];
    snprintf(want, sizeof(want), "warn: %s\n%s\n\n%s", r->findings.items[1].summary,
             r->findings.items[1].detail, r->findings.items[1].fix);
    assert_string_equal(xtext(out), want);
    /* info: passing, with system-out */
    assert_non_null(xkid(testcase(suite, "inbound.cloud"), "system-out"));
    /* skip: <skipped message=summary/> */
    const xnode_t *skip = xkid(testcase(suite, "company.relay_host"), "skipped");
    assert_non_null(skip);
    assert_string_equal(xattr(skip, "message"), r->findings.items[5].summary);

    xfree(root);
    tm_free(doc);
    fixture_free(r);
}

static void test_error_and_empty(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    fixture_add(r, "domain.exists", TM_SECTION_DOMAIN, TM_CHECK_ERROR,
                "No answer for acme-corp.example (SERVFAIL)", NULL, NULL);
    fixture_add(r, "mx.present", TM_SECTION_INBOUND, TM_CHECK_FAIL, "No MX", "why", NULL);
    r->verdict = tm_findings_verdict(&r->findings);

    tm_result_t *empty = tm_calloc(1, sizeof(*empty));
    assert_non_null(empty);
    empty->domain = tm_strdup("例え.jp");
    empty->ascii = tm_strdup("xn--r8jz45g.jp");
    assert_non_null(empty->domain);

    tm_result_t *both[2] = {r, empty};
    char *doc;
    xnode_t *root = render(both, 2, &doc);
    assert_int_equal(count_kids(root, "testsuite"), 2);
    const xnode_t *suite = root->kids[0];
    assert_string_equal(xattr(suite, "tests"), "8");
    assert_string_equal(xattr(suite, "failures"), "2");
    assert_string_equal(xattr(suite, "errors"), "1");
    const xnode_t *err = xkid(testcase(suite, "domain.exists"), "error");
    assert_non_null(err);
    assert_string_equal(xattr(err, "type"), "error");
    assert_string_equal(xattr(err, "message"), "No answer for acme-corp.example (SERVFAIL)");
    assert_string_equal(xtext(err), "");
    const xnode_t *f = xkid(testcase(suite, "mx.present"), "failure");
    assert_string_equal(xtext(f), "why");

    /* the second, in order: the U-label as the suite name, no testcase */
    const xnode_t *idn = root->kids[1];
    assert_string_equal(xattr(idn, "name"), "例え.jp");
    assert_string_equal(xattr(idn, "tests"), "0");
    assert_string_equal(xattr(idn, "failures"), "0");
    assert_int_equal(count_kids(idn, "testcase"), 0);
    const xnode_t *props = xkid(idn, "properties");
    assert_string_equal(xattr(props->kids[0], "value"), "xn--r8jz45g.jp");
    /* no company: no property for it */
    for (size_t i = 0; i < props->nkids; i++)
        assert_string_not_equal(xattr(props->kids[i], "name"), "company");

    xfree(root);
    tm_free(doc);
    fixture_free(r);
    fixture_free(empty);
}

/* The suite tells the story of the exit status: under --strict a warning
 * is a <failure>; a verdict that is unknown without any error (every
 * decisive check skipped) is a testcase "verdict" with an <error>. */
static void test_strict_and_unknown(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    tm_findings_clear(&r->findings);
    fixture_add(r, "token.present", TM_SECTION_DOMAIN, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "mx.present", TM_SECTION_INBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    fixture_add(r, "mx.ttl", TM_SECTION_INBOUND, TM_CHECK_WARN, "long TTL", "why", NULL);
    fixture_add(r, "spf.present", TM_SECTION_OUTBOUND, TM_CHECK_PASS, "ok", NULL, NULL);
    r->verdict = tm_findings_verdict(&r->findings);
    tm_assessment_t a;
    tm_findings_assess(&r->findings, true, &a);
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_junit_begin(&out), TM_OK);
    assert_int_equal(tm_report_junit_suite(r, &a, &out), TM_OK);
    assert_int_equal(tm_report_junit_end(&out), TM_OK);
    const char *error;
    xnode_t *root = xparse(out.data, &error);
    assert_non_null(root);
    const xnode_t *suite = root->kids[0];
    assert_string_equal(xattr(suite, "failures"), "1");
    const xnode_t *fail = xkid(testcase(suite, "mx.ttl"), "failure");
    assert_non_null(fail);
    assert_string_equal(xattr(fail, "type"), "warn");
    assert_string_equal(xattr(fail, "message"), "long TTL");
    xfree(root);
    tm_buf_clear(&out);
    /* the same without --strict: passing, as before */
    char *doc;
    root = render(&r, 1, &doc);
    assert_string_equal(xattr(root->kids[0], "failures"), "0");
    assert_null(xkid(testcase(root->kids[0], "mx.ttl"), "failure"));
    xfree(root);
    tm_free(doc);

    tm_findings_clear(&r->findings);
    fixture_add(r, "token.present", TM_SECTION_DOMAIN, TM_CHECK_SKIP, "offline", NULL, NULL);
    fixture_add(r, "mx.present", TM_SECTION_INBOUND, TM_CHECK_SKIP, "offline", NULL, NULL);
    fixture_add(r, "spf.present", TM_SECTION_OUTBOUND, TM_CHECK_SKIP, "offline", NULL, NULL);
    r->verdict = tm_findings_verdict(&r->findings);
    root = render(&r, 1, &doc);
    suite = root->kids[0];
    assert_string_equal(xattr(suite, "tests"), "4");
    assert_string_equal(xattr(suite, "errors"), "1");
    assert_string_equal(xattr(suite, "skipped"), "3");
    const xnode_t *verdict = testcase(suite, "verdict");
    assert_string_equal(xattr(verdict, "classname"), "verdict");
    const xnode_t *err = xkid(verdict, "error");
    assert_non_null(err);
    assert_string_equal(xattr(err, "type"), "unknown");
    assert_string_equal(xattr(err, "message"),
                        "unknown: these records were not judged (their checks skipped): "
                        "ownership token, MX, SPF");
    xfree(root);
    tm_free(doc);
    fixture_free(r);
}

static void test_escaping_hostile_text(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    /* markup, quotes, ESC and a CSI, DEL, a C1 control, an invalid byte,
     * U+FFFE, a tab and new lines, and a CDATA end */
    fixture_add(r, "token.format", TM_SECTION_DOMAIN, TM_CHECK_FAIL,
                "<b>\"tmes=&x'\"</b>\x1b[31m red\x7f\xc2\x9b \xff\xef\xbf\xbe]]>\tend",
                "line1\nline2\r\x01\x02<script>", "fix & \"go\"");
    fixture_set_text(&r->domain, "evil\"<&>.example\x1b");
    char *doc;
    xnode_t *root = render(&r, 1, &doc);
    /* no raw control byte other than tab and new line reaches the document */
    for (const char *c = doc; *c; c++)
        assert_true((unsigned char)*c >= 0x20 || *c == '\n' || *c == '\t');
    assert_null(strstr(doc, "\x7f"));
    assert_null(strstr(doc, "\xc2\x9b"));
    assert_null(strstr(doc, "]]>"));

    const xnode_t *suite = root->kids[0];
    /* the escaping policy of the text report: every hidden character and
     * the invalid byte shown as its escape, nothing dropped */
    assert_string_equal(xattr(suite, "name"), "evil\"<&>.example\\x1b");
    const xnode_t *f = xkid(testcase(suite, "token.format"), "failure");
    assert_string_equal(xattr(f, "message"),
                        "(!) <b>\"tmes=&x'\"</b>\\x1b[31m red\\x7f\\u009b \\xff\\ufffe]]>\\x09end");
    assert_string_equal(xtext(f),
                        "line1\nline2\\x0d\\x01\\x02<script>\n\nfix & \"go\"");
    xfree(root);
    tm_free(doc);
    fixture_free(r);
}

static void test_arguments_and_limits(void **state)
{
    (void)state;
    tm_buf_t out;
    tm_buf_init(&out);
    assert_int_equal(tm_report_junit_begin(NULL), TM_EINVAL);
    assert_int_equal(tm_report_junit_end(NULL), TM_EINVAL);
    assert_int_equal(tm_report_junit_suite(NULL, NULL, &out), TM_EINVAL);
    tm_result_t *r = fixture_result();
    assert_int_equal(tm_report_junit_suite(r, NULL, NULL), TM_EINVAL);
    /* a buffer limit reached half-way is reported, not overrun */
    out.limit = 200;
    assert_int_equal(tm_report_junit_suite(r, NULL, &out), TM_ERANGE);
    assert_true(out.len <= 200);
    tm_buf_clear(&out);
    fixture_free(r);
}

/* The reader above must be able to say no, or the tests prove nothing. */
static void test_reader_rejects_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "<a>&</a>",            "<a>&bogus;</a>",        "<a><b></a>",
        "<a x=\"1\" x=\"2\"/>", "<a>\x01</a>",          "<a>x</a><b/>",
        "<a>\xff</a>",          "<a>x<y</a>",            "<a x=\"<\"/>",
        "<a x=\"1\n2\"/>",      "<a>&#1;</a>",           "<a>\xef\xbf\xbe</a>",
        "<a>",                 "<1a/>",
    };
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char doc[128];
        snprintf(doc, sizeof(doc), "%s%s", decl, bad[i]);
        const char *error;
        xnode_t *root = xparse(doc, &error);
        if (root) {
            xfree(root);
            fail_msg("accepted: %s", bad[i]);
        }
        assert_non_null(error);
    }
    const char *error;
    xnode_t *ok = xparse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<a x=\"&#10;&amp;\"><b/>t&lt;</a>\n",
                         &error);
    assert_non_null(ok);
    assert_string_equal(xattr(ok, "x"), "\n&");
    assert_string_equal(xtext(ok), "t<");
    xfree(ok);
}

static void test_oom(void **state)
{
    (void)state;
    tm_result_t *r = fixture_result();
    fixture_add(r, "token.format", TM_SECTION_DOMAIN, TM_CHECK_ERROR, "<x> \x1b", "d", "f");
    unsigned failures = 0;
    for (unsigned long n = 1;; n++) {
        tm_buf_t out;
        tm_buf_init(&out);
        tm_alloc_fail_after(n);
        tm_status_t st = tm_report_junit_suite(r, NULL, &out);
        tm_alloc_fail_after(0);
        tm_buf_clear(&out);
        if (st == TM_OK)
            break;
        assert_int_equal(st, TM_ENOMEM);
        failures++;
        assert_true(n < 10000);
    }
    assert_true(failures > 5);
    fixture_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure_and_counts),
        cmocka_unit_test(test_error_and_empty),
        cmocka_unit_test(test_strict_and_unknown),
        cmocka_unit_test(test_escaping_hostile_text),
        cmocka_unit_test(test_arguments_and_limits),
        cmocka_unit_test(test_reader_rejects_malformed),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, fixture_english, NULL);
}
