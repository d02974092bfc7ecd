/* json_stream.c - the --format json document (docs/json.md), written as the
 * results come: the head up to the opening of "results", one element per
 * result, then the tail.  A batch of 10,000 domains holds one result at a
 * time, and each is written once, straight in the document's layout.  The
 * whole document (tm_report_json_document) is the same three steps. */
#include <stdio.h>

#include "json_result.h"

tm_status_t tm_report_json_stream_begin(const tm_json_meta_t *meta, tm_buf_t *out)
{
    if (!meta || !out)
        return TM_EINVAL;
    size_t had = out->len;
    tm_jw_t w;
    tm_jw_init(&w, out, TM_JSON_PRETTY, 0);
    tm_jw_object(&w);
    tm_jw_key(&w, "schema");
    tm_jw_int(&w, 1);
    tm_jw_key(&w, "tool");
    tm_jw_cstring(&w, "tmems-check");
    tm_jw_key(&w, "version");
    tm_jw_cstring(&w, TM_VERSION);
    tm_jw_key(&w, "region");
    tm_jw_cstring(&w, meta->region);
    tm_jw_key(&w, "rules");
    tm_jw_cstring(&w, meta->rules);
    tm_jw_key(&w, "results");
    tm_jw_array(&w);
    /* left open: the items and the tail follow */
    tm_status_t st = w.st;
    if (st != TM_OK && out->data) {
        out->len = had;
        out->data[had] = '\0';
    }
    return st;
}

tm_status_t tm_report_json_stream_item(const tm_result_t *result,
                                       const tm_assessment_t *assessment, size_t index,
                                       tm_buf_t *out)
{
    if (!result || !out)
        return TM_EINVAL;
    size_t had = out->len;
    /* the elements of "results" are on one line with the array, ", "
     * between them; each object's members are a level below the document's */
    tm_status_t st = index > 0 ? tm_buf_append(out, ", ", 2) : TM_OK;
    if (st == TM_OK)
        st = tm_report_json_write_result(result, assessment, TM_JSON_PRETTY, 1, out);
    if (st != TM_OK && out->data) {
        out->len = had;
        out->data[had] = '\0';
    }
    return st;
}

tm_status_t tm_report_json_stream_end(long elapsed_ms, tm_buf_t *out)
{
    if (!out)
        return TM_EINVAL;
    return tm_buf_printf(out, "],\n  \"elapsed_ms\": %ld\n}\n", elapsed_ms);
}

tm_status_t tm_report_json_document(const tm_json_meta_t *meta, const tm_result_t *const *results,
                                    const tm_assessment_t *assessments, size_t count,
                                    long elapsed_ms, tm_buf_t *out)
{
    if (!meta || !out || (count > 0 && !results))
        return TM_EINVAL;
    size_t had = out->len;
    tm_status_t st = tm_report_json_stream_begin(meta, out);
    for (size_t i = 0; i < count && st == TM_OK; i++)
        st = results[i] ? tm_report_json_stream_item(results[i],
                                                     assessments ? &assessments[i] : NULL, i,
                                                     out)
                        : TM_EINVAL;
    if (st == TM_OK)
        st = tm_report_json_stream_end(elapsed_ms, out);
    if (st != TM_OK && out->data) {
        out->len = had;
        out->data[had] = '\0';
    }
    return st;
}
