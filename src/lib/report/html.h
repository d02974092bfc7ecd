/* html.h - the HTML report's pieces (internal to the report layer).
 *
 * DNS data is untrusted: every byte the page shows goes through the one
 * escaping policy of src/lib/util/text.c for hidden characters first, and
 * then through html_text for the five characters HTML gives a meaning
 * (& < > " ').  So no record can add markup, leave an attribute or a
 * script element, or hide text.  The JSON embedded for tools is escaped
 * for the inside of a script element (tm_report_html_json_chunk). */
#ifndef TMEMS_REPORT_HTML_H
#define TMEMS_REPORT_HTML_H

#include "tmems/tm_report.h"

/* Text the tool wrote or that shows DNS data already escaped by the policy
 * (a finding's text, a canonical name): hidden characters escaped (a
 * backslash kept), then HTML-escaped. */
tm_status_t html_text(tm_buf_t *out, const char *s, size_t len);
tm_status_t html_cstr(tm_buf_t *out, const char *s);
/* Lines of such text (a finding's detail): each line as html_text, the
 * line breaks kept (the policy would escape them). */
tm_status_t html_lines(tm_buf_t *out, const char *s);
/* Raw bytes from DNS (a TXT string, an SPF term): escaped by the policy,
 * backslash included, then HTML-escaped. */
tm_status_t html_raw(tm_buf_t *out, const char *s, size_t len);
tm_status_t html_raw_cstr(tm_buf_t *out, const char *s);
/* printf of the tool's own words (translated text, numbers): the result is
 * HTML-escaped as a whole.  Never for DNS data. */
tm_status_t html_printf(tm_buf_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The status words, as the text report has them (translated). */
const char *html_status_word(tm_check_status_t s);

/* The SPF part of a domain's section: the tree with its lookups per
 * branch, the budget bars, the data-center ranges (html_spf.c). */
tm_status_t html_spf(const tm_result_t *r, size_t index, tm_buf_t *out);
/* The records the run read, with their TTLs and sources (html_spf.c). */
tm_status_t html_records(const tm_result_t *r, tm_buf_t *out);

#endif
