/* test_rdata.c - names and record data from wire form (dns/rdata.c), the
 * one decoder shared by DNS messages (wire.c) and zone files (zone.c):
 * every supported type, the exact reason for each malformed record, and
 * hostile labels that must not forge a label boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tmems/tm_rdata.h"
#include "tmems/tm_dns.h"

static int reset_hook(void **state)
{
    (void)state;
    tm_alloc_fail_after(0);
    return 0;
}

/* Decodes rdata of type into a fresh answer; why gets the reason. */
static tm_status_t decode(uint16_t type, const void *rdata, size_t len, tm_answer_t **ans,
                          char *why, size_t whylen)
{
    tm_cursor_t c;
    tm_cursor_init(&c, rdata, len);
    why[0] = '\0';
    tm_rdata_reader_t reader = {.why = why, .whylen = whylen};
    *ans = tm_answer_create("owner.example", type, TM_DNS_NOERROR);
    assert_non_null(*ans);
    return tm_rdata_add(*ans, type, 300, &c, &reader);
}

static void test_label_text(void **state)
{
    (void)state;
    char out[64];
    const uint8_t label[] = {'M', 'x', '.', '\\', ' ', 0x00, 0x7f, 0xc3, 'z'};
    size_t end = tm_dns_label_text(out, 0, label, sizeof label);
    out[end] = '\0';
    assert_string_equal(out, "mx\\046\\092\\032\\000\\127\\195z");
    /* what a zone file would read as a comment, a string, a group, the
     * origin or a directive: escaped, so a Fix line reads back the same */
    const uint8_t special[] = {'e', ';', '"', '(', ')', '@', '$', '-', '_', '*'};
    end = tm_dns_label_text(out, 0, special, sizeof special);
    out[end] = '\0';
    assert_string_equal(out, "e\\059\\034\\040\\041\\064\\036-_*");
    /* appends at the given offset */
    memcpy(out, "ab", 2);
    end = tm_dns_label_text(out, 2, (const uint8_t *)"C", 1);
    out[end] = '\0';
    assert_string_equal(out, "abc");
}

static void test_name_text(void **state)
{
    (void)state;
    char out[TM_DNS_TEXT_NAME_MAX];
    tm_cursor_t c;
    const uint8_t name[] = {4, 'M', 'a', 'i', 'l', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0xAA};
    tm_cursor_init(&c, name, sizeof name);
    assert_true(tm_dns_name_text(&c, out));
    assert_string_equal(out, "mail.example");
    assert_int_equal(tm_cursor_left(&c), 1); /* just past the root label */

    const uint8_t root[] = {0};
    tm_cursor_init(&c, root, sizeof root);
    assert_true(tm_dns_name_text(&c, out));
    assert_string_equal(out, "");

    /* a dot inside a label cannot make two labels of one */
    const uint8_t dotted[] = {3, 'a', '.', 'b', 0};
    tm_cursor_init(&c, dotted, sizeof dotted);
    assert_true(tm_dns_name_text(&c, out));
    assert_string_equal(out, "a\\046b");

    /* malformed: the cursor stays where it was */
    const uint8_t pointer[] = {1, 'a', 0xc0, 0x0c};
    const uint8_t past_end[] = {5, 'a', 'b'};
    const uint8_t no_root[] = {1, 'a'};
    const uint8_t *bad[] = {pointer, past_end, no_root};
    const size_t badlen[] = {sizeof pointer, sizeof past_end, sizeof no_root};
    for (size_t i = 0; i < 3; i++) {
        tm_cursor_init(&c, bad[i], badlen[i]);
        assert_false(tm_dns_name_text(&c, out));
        assert_int_equal(c.pos, 0);
    }
}

/* 255 octets on the wire are allowed, 256 are not (RFC 1035 section 3.1). */
static void test_name_length_limit(void **state)
{
    (void)state;
    uint8_t wire[300];
    char out[TM_DNS_TEXT_NAME_MAX];
    tm_cursor_t c;
    /* four labels of 63 (256 octets) minus one: 63+63+63+62 labels */
    size_t o = 0;
    const size_t labels[] = {63, 63, 63, 61};
    for (size_t l = 0; l < 4; l++) {
        wire[o++] = (uint8_t)labels[l];
        memset(wire + o, 0xff, labels[l]); /* every byte as \255: the longest text */
        o += labels[l];
    }
    wire[o++] = 0;
    assert_int_equal(o, 255);
    tm_cursor_init(&c, wire, o);
    assert_true(tm_dns_name_text(&c, out));
    assert_int_equal(strlen(out), (63 + 63 + 63 + 61) * 4 + 3);
    wire[3 * 64] = 62; /* one more octet in the last label */
    memset(wire + 3 * 64 + 1, 'a', 62);
    wire[3 * 64 + 63] = 0;
    tm_cursor_init(&c, wire, 3 * 64 + 64);
    assert_false(tm_dns_name_text(&c, out));
    /* a label of 64 octets is a label type, not a length */
    uint8_t long_label[66] = {64};
    memset(long_label + 1, 'a', 64);
    tm_cursor_init(&c, long_label, sizeof long_label);
    assert_false(tm_dns_name_text(&c, out));
}

static void test_addresses(void **state)
{
    (void)state;
    tm_answer_t *ans;
    char why[128];
    const uint8_t a[] = {192, 0, 2, 25};
    assert_int_equal(decode(TM_RR_A, a, sizeof a, &ans, why, sizeof why), TM_OK);
    assert_int_equal(ans->count, 1);
    assert_memory_equal(ans->rrs[0].u.a, a, 4);
    assert_int_equal(ans->rrs[0].ttl, 300);
    tm_answer_unref(ans);

    const uint8_t aaaa[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    assert_int_equal(decode(TM_RR_AAAA, aaaa, sizeof aaaa, &ans, why, sizeof why), TM_OK);
    assert_memory_equal(ans->rrs[0].u.aaaa, aaaa, 16);
    tm_answer_unref(ans);

    assert_int_equal(decode(TM_RR_A, aaaa, sizeof aaaa, &ans, why, sizeof why), TM_EPARSE);
    assert_string_equal(why, "A record with 16 bytes of data instead of 4");
    assert_int_equal(ans->count, 0);
    tm_answer_unref(ans);
    assert_int_equal(decode(TM_RR_AAAA, a, sizeof a, &ans, why, sizeof why), TM_EPARSE);
    assert_string_equal(why, "AAAA record with 4 bytes of data instead of 16");
    tm_answer_unref(ans);
}

static void test_mx_and_names(void **state)
{
    (void)state;
    tm_answer_t *ans;
    char why[128];
    const uint8_t mx[] = {0, 10, 2, 'I', 'N', 4, 'T', 'm', 'e', 's', 0};
    assert_int_equal(decode(TM_RR_MX, mx, sizeof mx, &ans, why, sizeof why), TM_OK);
    assert_int_equal(ans->rrs[0].u.mx.preference, 10);
    assert_string_equal(ans->rrs[0].u.mx.host, "in.tmes");
    tm_answer_unref(ans);

    assert_int_equal(decode(TM_RR_MX, mx, 1, &ans, why, sizeof why), TM_EPARSE);
    assert_string_equal(why, "MX record too short");
    tm_answer_unref(ans);

    const uint8_t stray[] = {0, 10, 1, 'a', 0, 'x', 'y'};
    assert_int_equal(decode(TM_RR_MX, stray, sizeof stray, &ans, why, sizeof why), TM_EPARSE);
    assert_string_equal(why, "MX record has 2 stray bytes after its name");
    tm_answer_unref(ans);

    const uint8_t target[] = {3, 'W', 'w', 'W', 0};
    const uint16_t types[] = {TM_RR_CNAME, TM_RR_PTR, TM_RR_NS};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(decode(types[i], target, sizeof target, &ans, why, sizeof why), TM_OK);
        assert_string_equal(ans->rrs[0].u.name, "www");
        tm_answer_unref(ans);
    }
    assert_int_equal(decode(TM_RR_CNAME, target, 3, &ans, why, sizeof why), TM_EPARSE);
    tm_answer_unref(ans);
}

static void test_txt(void **state)
{
    (void)state;
    tm_answer_t *ans;
    char why[128];
    const uint8_t txt[] = {6, 'v', '=', 's', 'p', 'f', '1', 5, ' ', '-', 'a', 'l', 'l', 0};
    assert_int_equal(decode(TM_RR_TXT, txt, sizeof txt, &ans, why, sizeof why), TM_OK);
    assert_int_equal(ans->rrs[0].u.txt.nstrings, 3);
    assert_int_equal(ans->rrs[0].u.txt.len, 11);
    assert_memory_equal(ans->rrs[0].u.txt.data, "v=spf1 -all", 11);
    assert_int_equal(ans->rrs[0].u.txt.string_lens[0], 6);
    assert_int_equal(ans->rrs[0].u.txt.string_lens[2], 0);
    tm_answer_unref(ans);

    /* no character-string at all: kept as a record without text */
    assert_int_equal(decode(TM_RR_TXT, "", 0, &ans, why, sizeof why), TM_OK);
    assert_int_equal(ans->count, 1);
    assert_int_equal(ans->rrs[0].u.txt.nstrings, 0);
    tm_answer_unref(ans);

    const uint8_t past[] = {3, 'a', 'b'};
    assert_int_equal(decode(TM_RR_TXT, past, sizeof past, &ans, why, sizeof why), TM_EPARSE);
    assert_string_equal(why, "TXT character-string runs past its record");
    tm_answer_unref(ans);

    /* TM_TXT_MAX_STRINGS empty strings are accepted, one more is not */
    static uint8_t many[TM_TXT_MAX_STRINGS + 1];
    assert_int_equal(decode(TM_RR_TXT, many, TM_TXT_MAX_STRINGS, &ans, why, sizeof why), TM_OK);
    tm_answer_unref(ans);
    assert_int_equal(decode(TM_RR_TXT, many, sizeof many, &ans, why, sizeof why), TM_ERANGE);
    assert_string_equal(why, "TXT record with more than 4096 character-strings");
    tm_answer_unref(ans);

    tm_alloc_fail_after(1);
    tm_cursor_t c;
    tm_cursor_init(&c, txt, sizeof txt);
    ans = tm_answer_create("x", TM_RR_TXT, TM_DNS_NOERROR);
    assert_null(ans); /* the first allocation was the answer's */
    tm_alloc_fail_after(0);
    ans = tm_answer_create("x", TM_RR_TXT, TM_DNS_NOERROR);
    assert_non_null(ans);
    tm_alloc_fail_after(1);
    assert_int_equal(tm_rdata_add(ans, TM_RR_TXT, 1, &c, NULL), TM_ENOMEM);
    tm_alloc_fail_after(0);
    tm_answer_unref(ans);
}

static void test_soa_and_other_types(void **state)
{
    (void)state;
    tm_answer_t *ans;
    char why[128];
    const uint8_t soa[] = {2, 'N', 's', 0, 4, 'h', 'o', 's', 't', 0,
                           0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5};
    assert_int_equal(decode(TM_RR_SOA, soa, sizeof soa, &ans, why, sizeof why), TM_OK);
    assert_string_equal(ans->rrs[0].u.soa.mname, "ns");
    assert_string_equal(ans->rrs[0].u.soa.rname, "host");
    assert_int_equal(ans->rrs[0].u.soa.serial, 1);
    assert_int_equal(ans->rrs[0].u.soa.minimum, 5);
    tm_answer_unref(ans);
    assert_int_equal(decode(TM_RR_SOA, soa, sizeof soa - 1, &ans, why, sizeof why), TM_EPARSE);
    assert_string_equal(why, "SOA record too short");
    tm_answer_unref(ans);
    uint8_t longer[sizeof soa + 3] = {0};
    memcpy(longer, soa, sizeof soa);
    assert_int_equal(decode(TM_RR_SOA, longer, sizeof longer, &ans, why, sizeof why), TM_EPARSE);
    assert_string_equal(why, "SOA record has 3 stray bytes");
    tm_answer_unref(ans);

    /* a type without a tm_rr_t form: accepted, no record data */
    assert_int_equal(decode(99, "\x01\x02", 2, &ans, why, sizeof why), TM_OK);
    assert_int_equal(ans->count, 0);
    tm_answer_unref(ans);
}

/* With ans NULL the data is only checked; the first reason is kept. */
static void test_check_only_and_first_reason(void **state)
{
    (void)state;
    char why[128] = "";
    tm_rdata_reader_t reader = {.why = why, .whylen = sizeof why};
    tm_cursor_t c;
    const uint8_t a[] = {1, 2, 3, 4};
    tm_cursor_init(&c, a, sizeof a);
    assert_int_equal(tm_rdata_add(NULL, TM_RR_A, 1, &c, &reader), TM_OK);
    tm_cursor_init(&c, a, 3);
    assert_int_equal(tm_rdata_add(NULL, TM_RR_A, 1, &c, &reader), TM_EPARSE);
    assert_string_equal(why, "A record with 3 bytes of data instead of 4");
    tm_cursor_init(&c, a, 1);
    assert_int_equal(tm_rdata_add(NULL, TM_RR_MX, 1, &c, &reader), TM_EPARSE);
    assert_string_equal(why, "A record with 3 bytes of data instead of 4");
    /* no reader at all: the status alone */
    tm_cursor_init(&c, a, 1);
    assert_int_equal(tm_rdata_add(NULL, TM_RR_MX, 1, &c, NULL), TM_EPARSE);
}

/* A name reader of the caller's (wire.c follows compression pointers). */
static bool fixed_name(void *arg, tm_cursor_t *cur, char out[TM_DNS_TEXT_NAME_MAX])
{
    (void)cur;
    strcpy(out, (const char *)arg);
    return true;
}

static void test_custom_name_reader(void **state)
{
    (void)state;
    tm_answer_t *ans = tm_answer_create("x", TM_RR_MX, TM_DNS_NOERROR);
    assert_non_null(ans);
    tm_rdata_reader_t reader = {.read_name = fixed_name, .arg = "from.pointer"};
    const uint8_t mx[] = {0, 5};
    tm_cursor_t c;
    tm_cursor_init(&c, mx, sizeof mx);
    assert_int_equal(tm_rdata_add(ans, TM_RR_MX, 1, &c, &reader), TM_OK);
    assert_string_equal(ans->rrs[0].u.mx.host, "from.pointer");
    assert_int_equal(ans->rrs[0].u.mx.preference, 5);
    tm_answer_unref(ans);
}

/* tm_dns_name_wire: presentation text to wire, the inverse of
 * tm_dns_name_text (RFC 1035 section 5.1), and its refusals. */
static void expect_wire(const char *text, const char *want, size_t want_len)
{
    uint8_t w[TM_DNS_WIRE_NAME_MAX];
    size_t len = 99;
    assert_true(tm_dns_name_wire(text, w, &len));
    assert_int_equal(len, want_len);
    assert_memory_equal(w, want, want_len);
    /* and back */
    tm_cursor_t c;
    char back[TM_DNS_TEXT_NAME_MAX];
    tm_cursor_init(&c, w, len);
    assert_true(tm_dns_name_text(&c, back));
}

static void test_name_wire(void **state)
{
    (void)state;
    expect_wire("", "\0", 1);
    expect_wire(".", "\0", 1);
    expect_wire("Ab.c", "\2Ab\1c\0", 6);
    expect_wire("ab.c.", "\2ab\1c\0", 6);
    expect_wire("a\\.b.c", "\3a.b\1c\0", 7);
    expect_wire("a\\046b.c", "\3a.b\1c\0", 7);
    expect_wire("\\000x", "\2\0x\0", 4);
    expect_wire("a\\\\b", "\3a\\b\0", 5);
    uint8_t w[TM_DNS_WIRE_NAME_MAX];
    size_t len;
    static const char *const bad[] = {"a..b", ".a", "a\\", "a\\25", "a\\2x5", "a\\256", ".."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(tm_dns_name_wire(bad[i], w, &len));
    /* a label of 63 octets, not 64 */
    char label[70];
    memset(label, 'a', 64);
    label[64] = '\0';
    assert_false(tm_dns_name_wire(label, w, &len));
    label[63] = '\0';
    assert_true(tm_dns_name_wire(label, w, &len));
    assert_int_equal(len, 65);
    /* 255 octets in all, not 256: four labels of 62 and one of 1 + root = 255 */
    char name[300];
    size_t o = 0;
    for (int k = 0; k < 4; k++) {
        memset(name + o, 'b', 62);
        o += 62;
        name[o++] = '.';
    }
    name[o++] = 'c';
    name[o] = '\0';
    assert_true(tm_dns_name_wire(name, w, &len));
    assert_int_equal(len, 255);
    name[o++] = 'c'; /* one more octet */
    name[o] = '\0';
    assert_false(tm_dns_name_wire(name, w, &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_label_text, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_name_text, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_name_length_limit, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_addresses, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_mx_and_names, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_txt, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_soa_and_other_types, reset_hook, reset_hook),
        cmocka_unit_test_setup_teardown(test_check_only_and_first_reason, reset_hook,
                                        reset_hook),
        cmocka_unit_test_setup_teardown(test_custom_name_reader, reset_hook, reset_hook),
        cmocka_unit_test(test_name_wire),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
