/* fuzz_zone.c - the zone-file path: the text rewritten for libzscanner
 * (zone_text.c: bytes as \DDD, CR, $GENERATE), libzscanner through
 * tm_zone_load_with, $INCLUDE of a few prepared files, then authoritative
 * answers (RFC 1034 section 4.3.2) for a few names.
 *
 * tm_zone_load reads a path, so the input goes to one temporary file that
 * is rewritten for every run, in a directory that is also the include
 * directory, beside a.inc, sub/b.inc (which includes a.inc) and out.inc, a
 * symbolic link out of the directory.  Byte 0: bit 0 forces the origin
 * fuzz.example, bit 7 makes it the default origin instead (as with
 * named-checkzone ZONE FILE); bits 1-3 pick the types asked.  The rest is
 * the zone text. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "tmems/tm_resolve.h"

static char dir[64], path[96];

static void remove_files(void)
{
    char p[128];
    static const char *const names[] = {"a.inc", "sub/b.inc", "out.inc", "zone", "sub"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        if (unlink(p) != 0)
            rmdir(p);
    }
    rmdir(dir);
}

static void put(const char *name, const char *text)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
}

static int zone_file(void)
{
    static int fd = -1;
    if (fd >= 0)
        return fd;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/tm-fuzz-zone.XXXXXX", base);
    if (!mkdtemp(dir))
        abort();
    atexit(remove_files);
    char sub[128], out[128];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(out, sizeof out, "%s/out.inc", dir);
    if (mkdir(sub, 0700) != 0 || symlink("/etc/hostname", out) != 0)
        abort();
    put("a.inc", "$TTL 60\nwww A 192.0.2.1\n@ MX 10 mail\nmail AAAA 2001:db8::1\n");
    put("sub/b.inc", "$INCLUDE a.inc sub.fuzz.example.\n_spf TXT \"v=spf1 -all\"\n");
    snprintf(path, sizeof path, "%s/zone", dir);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        abort();
    return fd;
}

static const char *const labels[] = {"", "www.", "mail.", "_spf.", "a.b.", "*.", "x.y.z."};
static const uint16_t types[] = {TM_RR_A,  TM_RR_AAAA, TM_RR_MX,  TM_RR_TXT,
                                 TM_RR_CNAME, TM_RR_NS, TM_RR_SOA, TM_RR_PTR};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int fd = zone_file();
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
        abort();
    tm_zone_options_t opts = {
        .origin = (data[0] & 1) ? "fuzz.example" : NULL,
        .default_origin = (data[0] & 0x80) ? "fuzz.example" : NULL,
        .include_dir = dir,
    };

    tm_zone_t *zone = NULL;
    char err[256] = "";
    tm_status_t st = tm_zone_load_with(path, &opts, &zone, err, sizeof err);
    if (st != TM_OK) {
        FUZZ_CHECK(zone == NULL);
        FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
        return 0;
    }
    FUZZ_CHECK(zone != NULL);
    const char *zorigin = tm_zone_origin(zone);
    FUZZ_CHECK(zorigin != NULL);
    /* Every record is inside the zone, in canonical order of owner and
     * type, with RDATA of its recorded length. */
    tm_zone_record_t r, prev = {0};
    for (size_t i = 0; tm_zone_record(zone, i, &r); i++) {
        FUZZ_CHECK(r.owner != NULL);
        /* Inside the zone, or glue and occluded data below one of its cuts. */
        FUZZ_CHECK(tm_zone_covers(zone, r.owner) || tm_zone_delegates(zone, r.owner, NULL, 0));
        FUZZ_CHECK(r.rdlen == 0 || r.rdata != NULL);
        if (i > 0 && strcmp(prev.owner, r.owner) == 0) {
            FUZZ_CHECK(prev.type <= r.type);
            if (prev.type == r.type)
                FUZZ_CHECK(prev.ttl == r.ttl); /* one TTL per RRset */
        }
        prev = r;
    }
    FUZZ_CHECK(!tm_zone_record(zone, tm_zone_size(zone), &r));
    for (size_t l = 0; l < sizeof labels / sizeof labels[0]; l++) {
        char name[512];
        snprintf(name, sizeof name, "%s%s", labels[l], zorigin);
        /* Pick three types per name from the input, so runs differ. */
        for (size_t k = 0; k < 3; k++) {
            uint16_t type = types[((data[0] >> 1) + l + k * 3) & 7];
            tm_answer_t *ans = tm_zone_answer(zone, name, type);
            if (!ans)
                continue; /* only out of memory */
            FUZZ_CHECK(ans->outcome == TM_DNS_NOERROR || ans->outcome == TM_DNS_NODATA ||
                       ans->outcome == TM_DNS_NXDOMAIN || ans->outcome == TM_DNS_FORMERR ||
                       ans->outcome == TM_DNS_SERVFAIL);
            FUZZ_CHECK(ans->outcome == TM_DNS_NOERROR || ans->count == 0);
            for (size_t i = 0; i < ans->count; i++)
                FUZZ_CHECK(ans->rrs[i].type == type);
            tm_answer_unref(ans);
        }
        /* A zone answers for its own origin. */
        if (l == 0)
            FUZZ_CHECK(tm_zone_covers(zone, name));
    }
    tm_zone_destroy(zone);
    return 0;
}
