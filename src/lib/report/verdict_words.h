/* verdict_words.h - the verdict of a domain in words, shared by the text
 * report and JUnit (internal to the report layer). */
#ifndef TMEMS_REPORT_VERDICT_WORDS_H
#define TMEMS_REPORT_VERDICT_WORDS_H

#include "tmems/tm_check.h"
#include "tmems/tm_util.h"

/* The tool's own verdict ("ready", "not ready", ...), in words other than
 * the console's, translated; DNS data never appears in it. */
tm_status_t tm_report_verdict_words(const tm_assessment_t *a, tm_buf_t *out);
/* What the TMEmS console shows: 完了, or 設定が必要 with the sections that get
 * a red (!), each marked when it is expected before the MX cutover. */
tm_status_t tm_report_console_words(const tm_assessment_t *a, tm_buf_t *out);
/* The status whose colour the verdict takes in the text report. */
tm_check_status_t tm_report_verdict_colour(const tm_assessment_t *a);
/* The console's label of a section: 全般 / ドメイン名, 受信サーバ, 送信サーバ. */
const char *tm_report_console_section(tm_section_t section);

#endif
