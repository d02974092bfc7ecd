/* zone_input.c - which reader a --zone input takes (tm_resolve.h,
 * tm_zone_load_format): a BIND zone file, an octoDNS YAML file or
 * directory, or DNSControl's print-ir JSON, by option or by name and
 * content. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zone_input.h"
#include "zone_rdata.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_util.h"

static const char *const format_names[] = {"auto", "bind", "octodns", "dnscontrol"};

const char *tm_zone_format_name(tm_zone_format_t format)
{
    return (unsigned)format < sizeof format_names / sizeof format_names[0]
               ? format_names[format]
               : "auto";
}

bool tm_zone_format_parse(const char *word, tm_zone_format_t *out)
{
    for (size_t i = 0; word && i < sizeof format_names / sizeof format_names[0]; i++) {
        if (strcmp(word, format_names[i]) == 0) {
            *out = (tm_zone_format_t)i;
            return true;
        }
    }
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* octoDNS's split layout: a directory named ZONE. (with the dot), or one
 * that holds YAML files.  Any other directory is no zone: the zone-file
 * reader then says so ("Is a directory"). */
static bool octodns_directory(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n > 1 && path[n - 1] == '.' && path[n - 2] != '/' && path[n - 2] != '.')
        return true;
    DIR *d = opendir(path);
    if (!d)
        return false;
    bool yaml = false;
    struct dirent *e;
    while (!yaml && (e = readdir(d)) != NULL)
        yaml = e->d_name[0] != '.' &&
               (ends_with(e->d_name, ".yaml") || ends_with(e->d_name, ".yml"));
    closedir(d);
    return yaml;
}

tm_zone_format_t tm_zone_format_detect(const char *path)
{
    struct stat sb;
    if (!path)
        return TM_ZONE_FORMAT_BIND;
    bool exists = stat(path, &sb) == 0;
    if (exists && S_ISDIR(sb.st_mode))
        return octodns_directory(path) ? TM_ZONE_FORMAT_OCTODNS : TM_ZONE_FORMAT_BIND;
    if (ends_with(path, ".yaml") || ends_with(path, ".yml"))
        return TM_ZONE_FORMAT_OCTODNS;
    if (ends_with(path, ".json"))
        return TM_ZONE_FORMAT_DNSCONTROL;
    if (!exists || !S_ISREG(sb.st_mode))
        return TM_ZONE_FORMAT_BIND; /* the zone reader says what is wrong with it */
    /* By content: the first byte that is not blank.  Never blocks (a
     * regular file), reads at most a few KiB. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return TM_ZONE_FORMAT_BIND;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    tm_zone_format_t f = TM_ZONE_FORMAT_BIND;
    for (ssize_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == '{')
            f = TM_ZONE_FORMAT_DNSCONTROL;
        else if (c == '-' && i + 2 < n && buf[i + 1] == '-' && buf[i + 2] == '-')
            f = TM_ZONE_FORMAT_OCTODNS; /* a YAML document start */
        break;
    }
    return f;
}

void zone_input_name_from_path(const char *path, const char *fallback, char *out, size_t outlen)
{
    char name[1100], canon[TM_NAME_MAX + 1];
    size_t n = strlen(path);
    out[0] = '\0';
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (n - start >= sizeof name)
        return;
    memcpy(name, path + start, n - start);
    name[n - start] = '\0';
    size_t l = strlen(name);
    if (ends_with(name, ".yaml"))
        name[l - 5] = '\0';
    else if (ends_with(name, ".yml"))
        name[l - 4] = '\0';
    l = strlen(name);
    /* octoDNS names a split directory ZONE. with the trailing dot: that
     * says it is the zone, even a single label ("example."). */
    bool dotted = l > 0 && name[l - 1] == '.';
    if (dotted)
        name[--l] = '\0';
    if (l == 0 || tm_name_normalize(name, canon) != TM_NAME_OK)
        return;
    /* "zone.yaml" may be a file named for no zone: with the domain checked
     * at hand, a single label that is neither it nor a zone above it
     * ("example.yaml" for www.example) gives way to it. */
    if (!dotted && !strchr(canon, '.') && fallback && strcmp(fallback, canon) != 0 &&
        !tm_name_has_suffix(fallback, canon))
        return;
    snprintf(out, outlen, "%s", canon);
}

tm_status_t tm_zone_load_format(const char *path, tm_zone_format_t format,
                                const tm_zone_options_t *opts, tm_zone_t **out, char *err,
                                size_t errlen)
{
    if (!path || !opts || !out)
        return TM_EINVAL;
    if (err && errlen)
        err[0] = '\0';
    if (format == TM_ZONE_FORMAT_AUTO)
        format = tm_zone_format_detect(path);
    switch (format) {
    case TM_ZONE_FORMAT_OCTODNS: return zone_octodns_load(path, opts, out, err, errlen);
    case TM_ZONE_FORMAT_DNSCONTROL: return zone_dnscontrol_load(path, opts, out, err, errlen);
    default: return tm_zone_load_with(path, opts, out, err, errlen);
    }
}
