/* json_stream.c - the --format json document written domain by domain.
 * Built whole, the document of 10,000 domains holds every result as a cJSON
 * tree at once (hundreds of megabytes); written in pieces it holds one.
 *
 * The layout stays tm_report_json_document's alone: an empty document is
 * cut where its results array opens, and each item is cut out of the
 * document of that one result, so the pieces join to the very bytes the
 * whole document would have. */
#include <string.h>

#include "tmems/tm_report.h"

/* cJSON's separator between the elements of a formatted array. */
#define ITEM_SEPARATOR ", "

/* The document without results, and where its "results": [] opens: the
 * array's '[' is at *at - 1.  Searched from the end: an earlier match could
 * only sit inside a string (--rules path), where the quotes are escaped. */
static tm_status_t empty_document(const tm_json_meta_t *meta, long elapsed_ms, tm_buf_t *doc,
                                  size_t *at)
{
    static const char marker[] = "\"results\": []";
    tm_status_t st = tm_report_json_document(meta, NULL, 0, elapsed_ms, doc);
    if (st != TM_OK)
        return st;
    const char *found = NULL;
    for (const char *p = doc->data; p && (p = strstr(p, marker)) != NULL; p++)
        found = p;
    if (!found)
        return TM_EINVAL;
    *at = (size_t)(found - doc->data) + sizeof(marker) - 2; /* just after '[' */
    return TM_OK;
}

tm_status_t tm_report_json_stream_begin(const tm_json_meta_t *meta, tm_buf_t *out)
{
    if (!meta || !out)
        return TM_EINVAL;
    tm_buf_t doc;
    tm_buf_init(&doc);
    size_t at = 0;
    tm_status_t st = empty_document(meta, 0, &doc, &at);
    if (st == TM_OK)
        st = tm_buf_append(out, doc.data, at);
    tm_buf_clear(&doc);
    return st;
}

tm_status_t tm_report_json_stream_item(const tm_json_meta_t *meta, const char *result,
                                       size_t index, tm_buf_t *out)
{
    if (!meta || !result || !out)
        return TM_EINVAL;
    tm_buf_t empty, one;
    tm_buf_init(&empty);
    tm_buf_init(&one);
    size_t at = 0;
    tm_status_t st = empty_document(meta, 0, &empty, &at);
    if (st == TM_OK)
        st = tm_report_json_document(meta, &result, 1, 0, &one);
    if (st != TM_OK)
        goto done;
    /* one = head + item + tail, where empty = head + tail */
    size_t tail = empty.len - at;
    if (one.len < empty.len || memcmp(one.data, empty.data, at) != 0 ||
        memcmp(one.data + one.len - tail, empty.data + at, tail) != 0) {
        st = TM_EINVAL;
        goto done;
    }
    if (index > 0)
        st = tm_buf_puts(out, ITEM_SEPARATOR);
    if (st == TM_OK)
        st = tm_buf_append(out, one.data + at, one.len - empty.len);
done:
    tm_buf_clear(&empty);
    tm_buf_clear(&one);
    return st;
}

tm_status_t tm_report_json_stream_end(const tm_json_meta_t *meta, long elapsed_ms, tm_buf_t *out)
{
    if (!meta || !out)
        return TM_EINVAL;
    tm_buf_t doc;
    tm_buf_init(&doc);
    size_t at = 0;
    tm_status_t st = empty_document(meta, elapsed_ms, &doc, &at);
    if (st == TM_OK)
        st = tm_buf_append(out, doc.data + at, doc.len - at);
    tm_buf_clear(&doc);
    return st;
}
