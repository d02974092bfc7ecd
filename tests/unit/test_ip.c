/* test_ip.c - IPv4/IPv6 parsing and RFC 5952 formatting, CIDR parsing with
 * its prefix bounds, containment (IPv4-mapped clients too) and block walking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tmems/tm_util.h"

static tm_ip_t ip(const char *text)
{
    tm_ip_t out;
    if (!tm_ip_parse(text, &out))
        print_error("cannot parse \"%s\"\n", text);
    assert_true(tm_ip_parse(text, &out));
    return out;
}

static tm_cidr_t cidr(const char *text)
{
    tm_cidr_t out;
    if (!tm_cidr_parse(text, &out))
        print_error("cannot parse \"%s\"\n", text);
    assert_true(tm_cidr_parse(text, &out));
    return out;
}

static void test_parse_v4(void **state)
{
    (void)state;
    tm_ip_t a = ip("192.0.2.1");
    assert_int_equal(a.family, 4);
    static const uint8_t want[16] = {192, 0, 2, 1};
    assert_memory_equal(a.bytes, want, 16); /* the unused bytes are zero */
    a = ip("255.255.255.255");
    assert_int_equal(a.bytes[0], 255);
    assert_int_equal(a.bytes[3], 255);
    a = ip("0.0.0.0");
    assert_int_equal(a.family, 4);
    assert_int_equal(a.bytes[0], 0);
}

static void test_parse_v6(void **state)
{
    (void)state;
    tm_ip_t a = ip("2001:DB8::1");
    assert_int_equal(a.family, 6);
    static const uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    assert_memory_equal(a.bytes, want, 16);
    a = ip("::ffff:192.0.2.1");
    assert_int_equal(a.family, 6); /* parsing does not unmap */
    assert_int_equal(a.bytes[10], 0xff);
    assert_int_equal(a.bytes[11], 0xff);
    assert_int_equal(a.bytes[12], 192);
    assert_int_equal(a.bytes[15], 1);
    a = ip("::");
    assert_int_equal(a.family, 6);
    for (int i = 0; i < 16; i++)
        assert_int_equal(a.bytes[i], 0);
}

static void test_parse_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", " ", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", " 1.2.3.4",
        "1.2.3.4 ", "a.b.c.d", "1.2.3.-4", "1..2.3", "0x1.2.3.4", "1.2.3.4/24", "1.2.3.4:25",
        ":::", "2001:db8::1::2", "12345::", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "[::1]",
        "g::1", "2001:db8::/32", "::ffff:1.2.3", "::ffff:256.1.2.3", "localhost", "example.com",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tm_ip_t out;
        if (tm_ip_parse(bad[i], &out))
            print_error("accepted \"%s\"\n", bad[i]);
        assert_false(tm_ip_parse(bad[i], &out));
    }
}

/* RFC 5952 section 4: lower case, no leading zeros, the longest run of two
 * or more zero fields shortened (the first of equal runs), a single zero
 * field never shortened; section 5: IPv4-mapped in mixed notation. */
static void test_format_rfc5952(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"192.0.2.1", "192.0.2.1"},
        {"0.0.0.0", "0.0.0.0"},
        {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
        {"2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"},
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
        {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
        {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},
        {"1:0:0:0:2:0:0:3", "1::2:0:0:3"},
        {"2001:db8:0:0:0:0:2:1", "2001:db8::2:1"},
        {"0:0:0:0:0:0:0:0", "::"},
        {"0:0:0:0:0:0:0:1", "::1"},
        {"1:0:0:0:0:0:0:0", "1::"},
        {"0:0:1:0:0:0:0:0", "0:0:1::"},
        {"fe80:0:0:0:0:0:0:1", "fe80::1"},
        {"2001:DB8:ABCD:EF01:2345:6789:ABCD:EF01", "2001:db8:abcd:ef01:2345:6789:abcd:ef01"},
        {"2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::"},
        {"2001:db8:0:0:0:1:0:0", "2001:db8::1:0:0"},
        {"::ffff:c000:0201", "::ffff:192.0.2.1"},
        /* ::/96 "IPv4-compatible" is deprecated (RFC 4291 section 2.5.5.1),
         * so these are plain hexadecimal, not "::0.1.0.2" */
        {"::1:2", "::1:2"},
        {"::102:304", "::102:304"},
        {"0:0:0:0:2:0:0:1", "::2:0:0:1"},
        {"64:ff9b::1", "64:ff9b::1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tm_ip_t a = ip(cases[i].in);
        char buf[46];
        tm_ip_format(&a, buf, sizeof(buf));
        if (strcmp(buf, cases[i].out) != 0)
            print_error("%s -> %s (want %s)\n", cases[i].in, buf, cases[i].out);
        assert_string_equal(buf, cases[i].out);
        /* the text form reads back as the same address */
        tm_ip_t back = ip(buf);
        assert_int_equal(back.family, a.family);
        assert_memory_equal(back.bytes, a.bytes, 16);
    }
}

static void test_format_longest_and_small_buffer(void **state)
{
    (void)state;
    tm_ip_t a = ip("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
    char buf[46];
    tm_ip_format(&a, buf, sizeof(buf));
    assert_string_equal(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    a = ip("::ffff:255.255.255.255");
    tm_ip_format(&a, buf, sizeof(buf));
    assert_string_equal(buf, "::ffff:255.255.255.255");

    /* a short buffer is truncated, terminated and never overrun */
    char small[10];
    memset(small, 'X', sizeof(small));
    a = ip("2001:db8::1");
    tm_ip_format(&a, small, 8);
    assert_string_equal(small, "2001:db");
    assert_int_equal(small[8], 'X');
    assert_int_equal(small[9], 'X');
}

static void test_cidr_parse_valid(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out;
        unsigned prefix;
    } cases[] = {
        {"192.0.2.0/24", "192.0.2.0/24", 24},
        {"192.0.2.77/24", "192.0.2.0/24", 24}, /* host bits cleared */
        {"192.0.2.255/25", "192.0.2.128/25", 25},
        {"192.0.2.255/26", "192.0.2.192/26", 26},
        {"192.0.2.77", "192.0.2.77/32", 32}, /* no prefix: a host route */
        {"10.1.2.3/32", "10.1.2.3/32", 32},
        {"10.1.2.3/0", "0.0.0.0/0", 0},
        {"255.255.255.255/1", "128.0.0.0/1", 1},
        {"10.255.0.0/9", "10.128.0.0/9", 9},
        {"2001:db8::/32", "2001:db8::/32", 32},
        {"2001:db8:abcd::1/48", "2001:db8:abcd::/48", 48},
        {"2001:db8:ffff::/33", "2001:db8:8000::/33", 33},
        {"2001:db8::1", "2001:db8::1/128", 128},
        {"2001:db8::1/128", "2001:db8::1/128", 128},
        {"2001:db8::/0", "::/0", 0},
        {"::/0", "::/0", 0},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/127", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127",
         127},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tm_cidr_t c = cidr(cases[i].in);
        assert_int_equal(c.prefix, cases[i].prefix);
        char buf[64];
        tm_cidr_format(&c, buf, sizeof(buf));
        if (strcmp(buf, cases[i].out) != 0)
            print_error("%s -> %s (want %s)\n", cases[i].in, buf, cases[i].out);
        assert_string_equal(buf, cases[i].out);
    }
}

static void test_cidr_parse_invalid(void **state)
{
    (void)state;
    char longtext[200];
    memset(longtext, '1', sizeof(longtext) - 1);
    longtext[sizeof(longtext) - 1] = '\0';
    const char *const bad[] = {
        "", "/", "/24", "192.0.2.0/", "192.0.2.0/33", "192.0.2.0/-1", "192.0.2.0/08",
        "192.0.2.0/00", "192.0.2.0/+8", "192.0.2.0/ 8", "192.0.2.0/8 ", "192.0.2.0/8a",
        "192.0.2.0/1000", "192.0.2.0/4294967320", "192.0.2.0/24/8", "192.0.2/24",
        " 192.0.2.0/24", "192.0.2.0 /24", "2001:db8::/129", "2001:db8::/-1", "2001:db8::/0128",
        "2001:db8::/", "2001:db8:::/32", "example.com/24", longtext,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tm_cidr_t out;
        if (tm_cidr_parse(bad[i], &out))
            print_error("accepted \"%s\"\n", bad[i]);
        assert_false(tm_cidr_parse(bad[i], &out));
    }
}

static void test_contains(void **state)
{
    (void)state;
    static const struct {
        const char *block, *client;
        bool in;
    } cases[] = {
        {"192.0.2.0/24", "192.0.2.0", true},
        {"192.0.2.0/24", "192.0.2.255", true},
        {"192.0.2.0/24", "192.0.3.0", false},
        {"192.0.2.0/24", "192.0.1.255", false},
        {"192.0.2.128/25", "192.0.2.128", true},
        {"192.0.2.128/25", "192.0.2.127", false},
        {"192.0.2.64/26", "192.0.2.127", true},
        {"192.0.2.64/26", "192.0.2.128", false},
        {"192.0.2.7/32", "192.0.2.7", true},
        {"192.0.2.7/32", "192.0.2.6", false},
        {"0.0.0.0/0", "203.0.113.9", true},
        /* RFC 7208 section 5: an IPv4-mapped client is evaluated as IPv4 */
        {"192.0.2.0/24", "::ffff:192.0.2.5", true},
        {"192.0.2.0/24", "::ffff:192.0.3.5", false},
        {"0.0.0.0/0", "::ffff:8.8.8.8", true},
        {"192.0.2.0/24", "::192.0.2.5", false}, /* not mapped */
        {"192.0.2.0/24", "2001:db8::1", false},
        {"2001:db8::/32", "2001:db8:ffff::1", true},
        {"2001:db8::/32", "2001:db9::", false},
        {"2001:db8::/32", "192.0.2.1", false},
        {"2001:db8:8000::/33", "2001:db8:7fff::1", false},
        {"2001:db8:8000::/33", "2001:db8:8000::1", true},
        {"::/0", "::1", true},
        {"::/0", "192.0.2.1", false},
        {"2001:db8::1/128", "2001:db8::1", true},
        {"2001:db8::1/128", "2001:db8::2", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tm_cidr_t c = cidr(cases[i].block);
        tm_ip_t a = ip(cases[i].client);
        tm_ip_t before = a;
        if (tm_cidr_contains(&c, &a) != cases[i].in)
            print_error("%s contains %s\n", cases[i].block, cases[i].client);
        assert_int_equal(tm_cidr_contains(&c, &a), cases[i].in);
        assert_memory_equal(&a, &before, sizeof(a)); /* the client is not changed */
    }
}

static void test_prefix_match(void **state)
{
    (void)state;
    tm_ip_t a = ip("10.0.0.0"), b = ip("10.255.0.0"), c = ip("::a00:0");
    assert_true(tm_ip_prefix_match(&a, &b, 0));
    assert_true(tm_ip_prefix_match(&a, &b, 8));
    assert_false(tm_ip_prefix_match(&a, &b, 9));
    assert_false(tm_ip_prefix_match(&a, &b, 32));
    assert_true(tm_ip_prefix_match(&a, &a, 32));
    assert_false(tm_ip_prefix_match(&a, &a, 33)); /* past the address size */
    assert_false(tm_ip_prefix_match(&a, &c, 0));  /* families differ */
    tm_ip_t x = ip("2001:db8::1"), y = ip("2001:db8::");
    assert_true(tm_ip_prefix_match(&x, &y, 127));
    assert_false(tm_ip_prefix_match(&x, &y, 128));
    assert_true(tm_ip_prefix_match(&x, &x, 128));
    assert_false(tm_ip_prefix_match(&x, &x, 129));
}

static void test_unmap(void **state)
{
    (void)state;
    tm_ip_t a = ip("::ffff:192.0.2.1");
    tm_ip_unmap_v4(&a);
    assert_int_equal(a.family, 4);
    static const uint8_t want[16] = {192, 0, 2, 1};
    assert_memory_equal(a.bytes, want, 16);
    tm_ip_t same = ip("192.0.2.1");
    assert_memory_equal(&a, &same, sizeof(a));

    static const char *const untouched[] = {"::1", "::192.0.2.1", "::fffe:192.0.2.1",
                                            "0:0:0:0:ffff::1", "64:ff9b::192.0.2.1",
                                            "2001:db8::ffff:1.2.3.4", "192.0.2.1"};
    for (size_t i = 0; i < sizeof(untouched) / sizeof(untouched[0]); i++) {
        tm_ip_t u = ip(untouched[i]), before = u;
        tm_ip_unmap_v4(&u);
        assert_memory_equal(&u, &before, sizeof(u));
    }
}

static void test_size_and_nth(void **state)
{
    (void)state;
    static const struct {
        const char *block;
        uint64_t size;
        const char *first, *last;
    } cases[] = {
        {"192.0.2.128/25", 128, "192.0.2.128", "192.0.2.255"},
        {"192.0.2.64/26", 64, "192.0.2.64", "192.0.2.127"},
        {"192.0.2.7/32", 1, "192.0.2.7", "192.0.2.7"},
        {"192.0.2.0/24", 256, "192.0.2.0", "192.0.2.255"},
        {"10.0.0.0/8", 16777216, "10.0.0.0", "10.255.255.255"},
        {"0.0.0.0/0", (uint64_t)1 << 32, "0.0.0.0", "255.255.255.255"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tm_cidr_t c = cidr(cases[i].block);
        uint64_t size = tm_cidr_size_v4(&c);
        assert_int_equal(size, cases[i].size);
        tm_ip_t first, last, want_first = ip(cases[i].first), want_last = ip(cases[i].last);
        memset(&first, 0xee, sizeof(first));
        memset(&last, 0xee, sizeof(last));
        tm_cidr_nth_v4(&c, 0, &first);
        tm_cidr_nth_v4(&c, (uint32_t)(size - 1), &last);
        assert_memory_equal(&first, &want_first, sizeof(first));
        assert_memory_equal(&last, &want_last, sizeof(last));
        /* every address of a small block is inside it, the next one is not */
        if (size <= 256) {
            for (uint32_t k = 0; k < size; k++) {
                tm_ip_t a;
                tm_cidr_nth_v4(&c, k, &a);
                assert_true(tm_cidr_contains(&c, &a));
                assert_int_equal(a.bytes[3], (uint8_t)(want_first.bytes[3] + k));
            }
            tm_ip_t past;
            tm_cidr_nth_v4(&c, (uint32_t)size, &past);
            assert_false(tm_cidr_contains(&c, &past));
        }
    }
    /* carry across octets */
    tm_cidr_t c = cidr("10.0.0.0/8");
    tm_ip_t a;
    char buf[46];
    tm_cidr_nth_v4(&c, 65536 + 256 + 1, &a);
    tm_ip_format(&a, buf, sizeof(buf));
    assert_string_equal(buf, "10.1.1.1");
    tm_cidr_nth_v4(&c, 255 + 1, &a);
    tm_ip_format(&a, buf, sizeof(buf));
    assert_string_equal(buf, "10.0.1.0");

    tm_cidr_t v6 = cidr("2001:db8::/120");
    assert_int_equal(tm_cidr_size_v4(&v6), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_v4),
        cmocka_unit_test(test_parse_v6),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_format_rfc5952),
        cmocka_unit_test(test_format_longest_and_small_buffer),
        cmocka_unit_test(test_cidr_parse_valid),
        cmocka_unit_test(test_cidr_parse_invalid),
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_prefix_match),
        cmocka_unit_test(test_unmap),
        cmocka_unit_test(test_size_and_nth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
