/* json_util.h - the JSON writer of the report layer (internal): JSON text
 * written straight into a buffer, value after value, with no tree in
 * between.  A batch of thousands of domains renders each result once, in
 * the layout its format wants, and never parses what it wrote. */
#ifndef TMEMS_REPORT_JSON_UTIL_H
#define TMEMS_REPORT_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_util.h"

typedef enum {
    /* No white space at all: one line of --format jsonl. */
    TM_JSON_COMPACT,
    /* The --format json document (docs/json.md): an object's members one a
     * line, indented two spaces a level, "key": value; arrays on one line
     * with ", " between elements, an object inside an array indented by
     * the objects around it only. */
    TM_JSON_PRETTY,
    /* The same, but an array also counts as a level of indentation (the
     * layout of the spf subcommand's JSON since its first version). */
    TM_JSON_PRETTY_ARRAYS_NEST
} tm_json_layout_t;

/* Containers open at once, at most: the deepest output (an SPF tree of
 * TM_SPF_TREE_DEPTH_MAX levels, three containers a level) stays far below. */
#define TM_JSON_NEST_MAX 64

typedef struct {
    tm_buf_t *out;
    tm_json_layout_t layout;
    int level;                         /* indentation levels now */
    int top;                           /* index of the innermost open container, -1 */
    char kind[TM_JSON_NEST_MAX];       /* '{' or '[' */
    bool any[TM_JSON_NEST_MAX];        /* the container holds an element already */
    bool after_key;                    /* a key was written, its value is next */
    tm_status_t st;                    /* the first failure; then nothing is written */
} tm_jw_t;

/* Starts writing into out (appending) with the given layout; level is the
 * indentation the first value starts at (a document's results are at 1). */
void tm_jw_init(tm_jw_t *w, tm_buf_t *out, tm_json_layout_t layout, int level);
void tm_jw_object(tm_jw_t *w);
void tm_jw_object_end(tm_jw_t *w);
void tm_jw_array(tm_jw_t *w);
void tm_jw_array_end(tm_jw_t *w);
/* The key of the next member of the open object: a literal of the
 * program (written as it is, never escaped). */
void tm_jw_key(tm_jw_t *w, const char *key);
/* A string from any bytes, DNS data included: the escaping policy of
 * src/lib/util/text.c in JSON's own form (RFC 8259 section 7), see
 * json_util.c. */
void tm_jw_string(tm_jw_t *w, const char *s, size_t len);
/* The same for a C string; null for NULL. */
void tm_jw_cstring(tm_jw_t *w, const char *s);
void tm_jw_int(tm_jw_t *w, long long v);
void tm_jw_bool(tm_jw_t *w, bool v);
void tm_jw_null(tm_jw_t *w);
/* The first failure (TM_ENOMEM, TM_ERANGE past the buffer's limit,
 * TM_EINVAL for unbalanced containers), or TM_OK. */
tm_status_t tm_jw_status(const tm_jw_t *w);

#endif
