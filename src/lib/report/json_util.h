/* json_util.h - shared JSON helpers of the report layer (internal). */
#ifndef TMEMS_REPORT_JSON_UTIL_H
#define TMEMS_REPORT_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "tmems/tm_util.h"

/* A JSON string from any bytes (a raw item): control, bidirectional and
 * invisible characters, NUL included, written \uXXXX; a byte that is not
 * UTF-8 becomes U+FFFD (RFC 8259 section 8.1).  NULL when memory ran out. */
cJSON *tm_json_string(const char *s, size_t len);
/* The same for a C string; JSON null for NULL. */
cJSON *tm_json_cstring(const char *s);
/* Adds item under a literal key, or deletes it; false when item is NULL or
 * could not be added. */
bool tm_json_add(cJSON *obj, const char *key, cJSON *item);
/* Appends item to an array, or deletes it. */
bool tm_json_push(cJSON *arr, cJSON *item);
/* Appends compact JSON text (as tm_json_print writes it unformatted) in
 * cJSON's formatted layout at depth tabs, strings copied byte for byte:
 * unlike a parse and print, no escape is lost (cJSON strings end at a NUL). */
tm_status_t tm_json_reindent(const char *compact, int depth, tm_buf_t *out);
/* Appends the text of root: compact, or pretty with two-space indentation
 * and a final newline. */
tm_status_t tm_json_print(const cJSON *root, bool pretty, tm_buf_t *out);

#endif
