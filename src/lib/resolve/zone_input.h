/* zone_input.h - the readers of --zone files that are not BIND zone files
 * (internal; tm_zone_load_format in tm_resolve.h dispatches to them). */
#ifndef TMEMS_RESOLVE_ZONE_INPUT_H
#define TMEMS_RESOLVE_ZONE_INPUT_H

#include <stddef.h>

#include "tmems/tm_resolve.h"

/* Bounds on what one input may cost, the same as a zone file's. */
#define ZONE_INPUT_FILE_MAX ((size_t)64 << 20)
#define ZONE_INPUT_FILES_MAX 64
/* YAML nodes or JSON values visited: an alias cannot make the walk endless. */
#define ZONE_INPUT_NODES_MAX ((size_t)4 << 20)

/* octoDNS YamlProvider (ZONE.yaml) or its split layout (a directory ZONE./
 * of YAML files, each a mapping of record names), src/lib/resolve/zone_octodns.c. */
tm_status_t zone_octodns_load(const char *path, const tm_zone_options_t *opts, tm_zone_t **out,
                              char *err, size_t errlen);

/* The JSON of `dnscontrol print-ir`, src/lib/resolve/zone_dnscontrol.c. */
tm_status_t zone_dnscontrol_load(const char *path, const tm_zone_options_t *opts,
                                 tm_zone_t **out, char *err, size_t errlen);

/* Every domain of a print-ir file, one zone each, into zones (at most max):
 * a run that checks many domains reads them all from one file. */
tm_status_t zone_dnscontrol_load_all(const char *path, tm_zone_t **zones, size_t max,
                                     size_t *count, char *err, size_t errlen);

/* The zone name a file or directory name gives ("example.com.yaml",
 * "example.com." or "zones/example.com/"), lower case without the trailing
 * dot, or "" when it is not a domain name, or when it is a single label
 * without a trailing dot ("zone.yaml") and fallback (the domain checked,
 * canonical) is another name. */
void zone_input_name_from_path(const char *path, const char *fallback, char *out,
                               size_t outlen);

#endif
