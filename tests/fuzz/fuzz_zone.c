/* fuzz_zone.c - the zone-file path: libzscanner through tm_zone_load, then
 * authoritative answers (RFC 1034 section 4.3.2) for a few names.
 *
 * tm_zone_load reads a path, so the input goes to one temporary file that
 * is rewritten for every run.  Byte 0 picks the origin (none: from the
 * file's $ORIGIN or SOA; or fuzz.example); the rest is the zone text. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "tmems/tm_resolve.h"

static char path[64];

static void remove_file(void) { unlink(path); }

static int zone_file(void)
{
    static int fd = -1;
    if (fd >= 0)
        return fd;
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(path, sizeof path, "%s/tm-fuzz-zone.XXXXXX", dir);
    fd = mkstemp(path);
    if (fd < 0)
        abort();
    atexit(remove_file);
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
    const char *origin = (data[0] & 1) ? "fuzz.example" : NULL;

    tm_zone_t *zone = NULL;
    char err[256] = "";
    tm_status_t st = tm_zone_load(path, origin, &zone, err, sizeof err);
    if (st != TM_OK) {
        FUZZ_CHECK(zone == NULL);
        FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
        return 0;
    }
    FUZZ_CHECK(zone != NULL);
    const char *zorigin = tm_zone_origin(zone);
    FUZZ_CHECK(zorigin != NULL);
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
