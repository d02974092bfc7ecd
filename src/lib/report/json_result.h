/* json_result.h - one result of docs/json.md in any layout of the JSON
 * writer (internal to the report layer: json.c writes it, json_stream.c
 * lays the document out around it). */
#ifndef TMEMS_REPORT_JSON_RESULT_H
#define TMEMS_REPORT_JSON_RESULT_H

#include "json_util.h"
#include "tmems/tm_report.h"

/* Appends the result to out in layout, its first line at indentation
 * level; NULL assesses the findings without --strict.  Nothing is left in
 * out on failure. */
tm_status_t tm_report_json_write_result(const tm_result_t *result,
                                        const tm_assessment_t *assessment,
                                        tm_json_layout_t layout, int level, tm_buf_t *out);

#endif
