/* test_zone_rdata.c - text values of octoDNS and DNSControl records in wire
 * form (src/lib/resolve/zone_rdata.c): names (relative, absolute, escaped,
 * too long), character-strings and their 255-byte cut, octoDNS's "\;" and
 * quoted chunks, addresses, and the record types read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "resolve/zone_rdata.h"
#include "tmems/tm_dns.h"

static zrd_t *rd_new(void)
{
    zrd_t *rd = calloc(1, sizeof *rd);
    assert_non_null(rd);
    return rd;
}

static void test_full_name(void **state)
{
    (void)state;
    char out[300];
    assert_true(zrd_full_name("", "example.com", out, sizeof out));
    assert_string_equal(out, "example.com");
    assert_true(zrd_full_name("@", "example.com", out, sizeof out));
    assert_string_equal(out, "example.com");
    assert_true(zrd_full_name("WWW", "example.com", out, sizeof out));
    assert_string_equal(out, "www.example.com");
    assert_true(zrd_full_name("Mail.Other.NET.", "example.com", out, sizeof out));
    assert_string_equal(out, "mail.other.net");
    /* an escaped final dot is part of the label, not absolute */
    assert_true(zrd_full_name("a\\.", "x", out, sizeof out));
    assert_string_equal(out, "a\\..x");
    assert_false(zrd_full_name("www", "example.com", out, 8));
}

static void test_put_name(void **state)
{
    (void)state;
    zrd_t *rd = rd_new();
    assert_true(zrd_put_name(rd, "mx.example"));
    assert_int_equal(rd->len, 12);
    assert_memory_equal(rd->data, "\002mx\007example\000", 12);
    rd->len = 0;
    assert_true(zrd_put_name(rd, "mx.example."));
    assert_int_equal(rd->len, 12);
    rd->len = 0;
    assert_true(zrd_put_name(rd, "a\\.b\\046c.d"));
    assert_memory_equal(rd->data, "\005a.b.c\001d\000", 9);
    rd->len = 0;
    assert_true(zrd_put_name(rd, ""));
    assert_int_equal(rd->len, 1); /* the root */
    rd->len = 0;
    assert_false(zrd_put_name(rd, "a..b"));
    assert_false(zrd_put_name(rd, "\\256.example"));
    char label[80];
    memset(label, 'x', 64);
    label[64] = '\0';
    assert_false(zrd_put_name(rd, label)); /* a label of 64 octets */
    char longname[300] = "";
    for (int i = 0; i < 26; i++)
        strcat(longname, "abcdefghi.");
    assert_false(zrd_put_name(rd, longname)); /* 260 octets */
    free(rd);
}

static void test_strings(void **state)
{
    (void)state;
    zrd_t *rd = rd_new();
    char text[600];
    memset(text, 'a', sizeof text);
    assert_true(zrd_put_text(rd, text, 600)); /* 255 + 255 + 90 */
    assert_int_equal(rd->len, 603);
    assert_int_equal(rd->data[0], 255);
    assert_int_equal(rd->data[256], 255);
    assert_int_equal(rd->data[512], 90);
    rd->len = 0;
    assert_true(zrd_put_text(rd, "", 0));
    assert_int_equal(rd->len, 1);
    assert_false(zrd_put_string(rd, text, 256));
    free(rd);
}

static void test_octodns_txt(void **state)
{
    (void)state;
    zrd_t *rd = rd_new();
    assert_true(zrd_put_octodns_txt(rd, "v=spf1 a\\; b"));
    assert_int_equal(rd->len, 12);
    assert_memory_equal(rd->data, "\013v=spf1 a; b", 12);
    rd->len = 0;
    /* chunks: each one character-string, escapes undone inside */
    assert_true(zrd_put_octodns_txt(rd, "\"v=spf1 \" \"say \\\"hi\\\" \\\\ \\;\""));
    assert_int_equal(rd->data[0], 7);
    assert_memory_equal(rd->data + 1, "v=spf1 ", 7);
    assert_int_equal(rd->data[8], 12);
    assert_memory_equal(rd->data + 9, "say \"hi\" \\ ;", 12);
    rd->len = 0;
    assert_false(zrd_put_octodns_txt(rd, "\"unterminated"));
    assert_false(zrd_put_octodns_txt(rd, "\"a\" b"));
    char chunk[300] = "\"";
    memset(chunk + 1, 'x', 256);
    strcpy(chunk + 257, "\"");
    assert_false(zrd_put_octodns_txt(rd, chunk)); /* a chunk over 255 */
    free(rd);
}

static void test_addresses_and_types(void **state)
{
    (void)state;
    zrd_t *rd = rd_new();
    assert_true(zrd_put_a(rd, "192.0.2.1"));
    assert_memory_equal(rd->data, "\300\000\002\001", 4);
    assert_false(zrd_put_a(rd, "192.0.2"));
    assert_false(zrd_put_a(rd, "2001:db8::1"));
    assert_true(zrd_put_aaaa(rd, "2001:db8::1"));
    assert_int_equal(rd->len, 20);
    assert_false(zrd_put_aaaa(rd, "192.0.2.1"));
    bool spf;
    assert_int_equal(zrd_type("mx", &spf), TM_RR_MX);
    assert_false(spf);
    assert_int_equal(zrd_type("TXT", &spf), TM_RR_TXT);
    assert_int_equal(zrd_type("SPF", &spf), ZRD_TYPE_SPF);
    assert_true(spf);
    assert_int_equal(zrd_type("CAA", &spf), 0);
    assert_int_equal(zrd_type("ALIAS", &spf), 0);
    free(rd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_name),
        cmocka_unit_test(test_put_name),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_octodns_txt),
        cmocka_unit_test(test_addresses_and_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
