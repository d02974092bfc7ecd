/* tm_watch_json.h - the events of `tmems-check watch --format jsonl`, one
 * JSON object a line (docs/watch.md "Events"), rendered by the report
 * layer (src/lib/report/watch_json.c). */
#ifndef TMEMS_TM_WATCH_JSON_H
#define TMEMS_TM_WATCH_JSON_H

#include "tmems/tm_util.h"
#include "tmems/tm_watch.h"

/* Appends the event as one line of compact JSON and a newline; TICK and
 * POLL events append nothing.  DNS data is escaped as in every JSON output
 * of the tool (docs/json.md). */
tm_status_t tm_watch_event_json(const tm_watch_event_t *ev, tm_buf_t *out);

/* Local time with its offset, "2026-12-05T14:32:05+09:00", into buf. */
void tm_watch_iso_time(int64_t wall_ms, char *buf, size_t len);

#endif
