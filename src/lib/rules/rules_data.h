/* rules_data.h - the bundled rules JSON, embedded at build time by
 * cmake/embed_rules.cmake (one entry per data/rules/<region>.json, whose
 * "region" is its file name). */
#ifndef TMEMS_RULES_DATA_H
#define TMEMS_RULES_DATA_H

#include <stddef.h>

typedef struct {
    const char *region;
    const char *json;
    size_t len;
    /* Read from the JSON at build time: what tm_rules_add_other_sites
     * needs of every other site, without parsing it at run time. */
    const char *site;
    const char *inbound_suffix;
} tm_rules_blob_t;

/* Terminated by an entry whose region is NULL. */
extern const tm_rules_blob_t tm_rules_blobs[];

#endif
