/* zone_dump.c - a test tool: every record of a zone file, one a line, as
 *
 *     owner TTL TYPE HEX
 *
 * (owner lower case with \DDD escapes and no trailing dot, TYPE a number,
 * HEX the wire RDATA, "-" when empty), for test_zone_files.sh to compare
 * what tmems-check loads with what BIND loads.
 *
 *   zone_dump [--include-dir DIR] ORIGIN FILE
 *       FILE as tmems-check reads it (tm_zone_load_with, ORIGIN as the
 *       origin where the file sets none, as with `tmems-check ORIGIN`)
 *   zone_dump --canonical ORIGIN FILE
 *       FILE read by libzscanner alone, nothing rewritten: for the output of
 *       `named-checkzone -D`, canonical RFC 1035 text in printable ASCII, so
 *       that BIND's reading of the original file can be compared in wire form.
 *
 * Exit status 0, or 1 with the error on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libzscanner/scanner.h>

#include "tmems/tm_rdata.h"
#include "tmems/tm_resolve.h"

/* The owner as the tool writes names (tm_dns_name_text: lower case,
 * \DDD escapes), so both sides of a comparison spell a name alike. */
static void put_owner_wire(const uint8_t *w, size_t len)
{
    char text[TM_DNS_TEXT_NAME_MAX];
    tm_cursor_t c;
    tm_cursor_init(&c, w, len);
    if (tm_dns_name_text(&c, text))
        fputs(text, stdout);
    else
        fputs("<bad name>", stdout);
}

/* RDATA in canonical form (RFC 4034 section 6.2): the domain names of MX,
 * NS, CNAME and PTR in lower case, as DNS compares them. */
static void put_rest(unsigned ttl, unsigned type, const uint8_t *rd, size_t len)
{
    size_t names_from = type == 15 ? 2 : (type == 2 || type == 5 || type == 12) ? 0 : len;
    printf(" %u %u ", ttl, type);
    if (len == 0)
        putchar('-');
    for (size_t i = 0; i < len; i++) {
        uint8_t b = rd[i];
        if (i >= names_from && b >= 'A' && b <= 'Z')
            b = (uint8_t)(b - 'A' + 'a');
        printf("%02x", b);
    }
    putchar('\n');
}

static int canonical(const char *origin, const char *path)
{
    char abs[1100];
    snprintf(abs, sizeof abs, "%s.", origin);
    zs_scanner_t *s = calloc(1, sizeof *s);
    if (!s || zs_init(s, abs, 1, 3600) != 0 || zs_set_input_file(s, path) != 0) {
        fprintf(stderr, "zone_dump: %s: %s\n", path, s ? zs_strerror(s->error.code) : "memory");
        free(s);
        return 1;
    }
    int rc = 0;
    while (zs_parse_record(s) == 0) {
        if (s->state == ZS_STATE_DATA) {
            put_owner_wire(s->r_owner, s->r_owner_length);
            put_rest(s->r_ttl, s->r_type, s->r_data, s->r_data_length);
        } else if (s->state == ZS_STATE_ERROR || s->state == ZS_STATE_INCLUDE) {
            fprintf(stderr, "zone_dump: %s line %llu: %s\n", path,
                    (unsigned long long)s->line_counter, zs_strerror(s->error.code));
            rc = 1;
            break;
        } else {
            break;
        }
    }
    zs_deinit(s);
    free(s);
    return rc;
}

int main(int argc, char **argv)
{
    const char *include_dir = NULL;
    bool canon = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--canonical") == 0)
            canon = true;
        else if (strcmp(argv[i], "--include-dir") == 0 && i + 1 < argc)
            include_dir = argv[++i];
        else
            break;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: zone_dump [--canonical | --include-dir DIR] ORIGIN FILE\n");
        return 2;
    }
    if (canon)
        return canonical(argv[i], argv[i + 1]);
    tm_zone_options_t opts = {.default_origin = argv[i], .include_dir = include_dir};
    tm_zone_t *zone = NULL;
    char err[1024];
    if (tm_zone_load_with(argv[i + 1], &opts, &zone, err, sizeof err) != TM_OK) {
        fprintf(stderr, "zone_dump: %s\n", err);
        return 1;
    }
    tm_zone_record_t r;
    for (size_t k = 0; tm_zone_record(zone, k, &r); k++) {
        fputs(r.owner, stdout);
        put_rest(r.ttl, r.type, r.rdata, r.rdlen);
    }
    tm_zone_destroy(zone);
    return 0;
}
