/* ci_words.h - words shared by the CI formats: Markdown escaping, a
 * status and a plan change in words, a source location as text (internal
 * to the report layer). */
#ifndef TMEMS_REPORT_CI_WORDS_H
#define TMEMS_REPORT_CI_WORDS_H

#include "tmems/tm_check.h"
#include "tmems/tm_plan.h"
#include "tmems/tm_util.h"

/* s neutralised by the one escaping policy (tm_text_neutralize), line
 * by line: the line breaks the tool wrote stay line breaks. */
tm_status_t tm_ci_neutralize_lines(tm_buf_t *out, const char *s);
/* pass, info, warn, ... translated (the JSON spelling stays English). */
const char *tm_ci_status_word(tm_check_status_t status);
/* fixed, broken, still failing, unchanged, translated. */
const char *tm_ci_change_word(tm_plan_change_t change);
/* FILE:LINE:COLUMN (as much as is known), or "" when the source has no
 * file, appended to out. */
tm_status_t tm_ci_put_source(tm_buf_t *out, const tm_source_t *src);

#endif
