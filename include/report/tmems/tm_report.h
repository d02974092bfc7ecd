/* tm_report.h - renders results; never decides a status.
 * Text goes through gettext and escapes every byte that came from DNS.
 *
 * Every renderer of a domain takes its assessment (tm_findings_assess,
 * tm_check.h), made once by the caller and used for the exit status too,
 * so that text, -q, JSON, JSON Lines and JUnit tell the same story as the
 * exit status.  NULL assesses the findings here, without --strict. */
#ifndef TMEMS_TM_REPORT_H
#define TMEMS_TM_REPORT_H

#include <stdbool.h>

#include "tmems/tm_check.h"
#include "tmems/tm_result.h"
#include "tmems/tm_spf.h"
#include "tmems/tm_util.h"

typedef struct {
    bool color;      /* ANSI colour (decided by the CLI: terminal, --color, NO_COLOR) */
    int verbosity;   /* -1 = -q (verdict line only), 0 default, 1+ = -v */
    const tm_rules_t *rules;
    const tm_assessment_t *assessment; /* NULL: assessed without --strict */
} tm_text_options_t;

/* Appends the text report of one domain to out. */
tm_status_t tm_report_text(const tm_result_t *result, const tm_text_options_t *opts,
                           tm_buf_t *out);

typedef struct {
    const char *region;   /* "jp" */
    const char *rules;    /* "bundled" or the --rules path */
} tm_json_meta_t;

/* One element of "results" (docs/json.md), as compact JSON text appended to
 * out (this is also one line of --format jsonl). */
tm_status_t tm_report_json_result(const tm_result_t *result, const tm_assessment_t *assessment,
                                  tm_buf_t *out);

/* The --format json document, {"schema":1, ..., "results":[...],
 * "elapsed_ms":N} in the two-space layout of docs/json.md, written in
 * pieces so that a batch holds one result at a time: begin, then one item
 * per result (index 0, 1, ... in order), then end.  Each piece is appended
 * to out, or nothing on failure. */
tm_status_t tm_report_json_stream_begin(const tm_json_meta_t *meta, tm_buf_t *out);
tm_status_t tm_report_json_stream_item(const tm_result_t *result,
                                       const tm_assessment_t *assessment, size_t index,
                                       tm_buf_t *out);
tm_status_t tm_report_json_stream_end(long elapsed_ms, tm_buf_t *out);
/* The whole document at once: the same pieces.  assessments holds one per
 * result, or is NULL (each assessed without --strict). */
tm_status_t tm_report_json_document(const tm_json_meta_t *meta, const tm_result_t *const *results,
                                    const tm_assessment_t *assessments, size_t count,
                                    long elapsed_ms, tm_buf_t *out);

/* ---- JUnit XML (--format junit), streamed domain by domain -------------
 * A document is begin, one suite per domain, end: GitLab and Jenkins read
 * the <testsuites> root.  Each appends to out; DNS data is escaped, and
 * characters XML 1.0 cannot carry are dropped. */

/* The XML declaration and the opening <testsuites> tag. */
tm_status_t tm_report_junit_begin(tm_buf_t *out);
/* One <testsuite name=DOMAIN tests failures errors skipped> with the phase,
 * company, verdicts and console view as properties and one <testcase
 * classname=SECTION name=CHECK-ID> per finding: <failure> for fail (and for
 * warn under --strict), <error> for error, <skipped/> for skip,
 * <system-out> with the summary for warn and info.  A verdict that is
 * unknown although nothing errs (every decisive check skipped) adds a
 * testcase "verdict" with an <error>, so that CI does not show it green. */
tm_status_t tm_report_junit_suite(const tm_result_t *result, const tm_assessment_t *assessment,
                                  tm_buf_t *out);
/* The closing </testsuites>. */
tm_status_t tm_report_junit_end(tm_buf_t *out);

/* ---- HTML (--format html, --html FILE): one self-contained page ---------
 * docs/html.md.  The page is begin, an optional summary (several domains),
 * one section per domain, then the JSON document and the end: no request
 * of any kind leaves the page (a Content-Security-Policy forbids them),
 * it reads with scripts off and prints.  DNS data is escaped by the one
 * policy (src/lib/util/text.c), then for HTML. */

typedef struct {
    const char *lang;        /* "ja" or "en": <html lang> */
    const char *title;       /* the domain, or a count of domains, for <title> */
    const char *generated;   /* when the run started, with its zone */
    const char *region;
    const char *rules;       /* "bundled" or the --rules path */
    const char *rules_sources; /* the newest date of the rules, or NULL */
    const char *resolver;    /* how DNS was asked (for a ticket) */
    const char *const *zones; /* the --zone files */
    size_t nzones;
    const char *options;     /* the command line's options as given */
} tm_html_meta_t;

/* The doctype, the head (inline style, the policy), the title. */
tm_status_t tm_report_html_begin(const tm_html_meta_t *meta, tm_buf_t *out);
/* One row of the summary table of several domains, linking to the
 * domain's section (index as given to tm_report_html_domain). */
tm_status_t tm_report_html_summary_row(const tm_result_t *result,
                                       const tm_assessment_t *assessment, size_t index,
                                       tm_buf_t *out);
/* The summary table around rows made by tm_report_html_summary_row. */
tm_status_t tm_report_html_summary(const char *rows, size_t count, tm_buf_t *out);
/* One domain's section: its verdict, the findings in the console's
 * sections (status, why, the console's (!), the Fix with a copy button),
 * the SPF tree, the data-center ranges and the records read. */
tm_status_t tm_report_html_domain(const tm_result_t *result, const tm_assessment_t *assessment,
                                  size_t index, tm_buf_t *out);
/* Ends the domains, adds the run's facts (for a ticket), and opens the
 * element that embeds the JSON document (docs/json.md):
 * <script type="application/json" id="tmems-report">. */
tm_status_t tm_report_html_footer(const tm_html_meta_t *meta, tm_buf_t *out);
/* A piece of the JSON document, escaped for the inside of that element
 * (pieces may be cut anywhere: the escape is byte by byte). */
tm_status_t tm_report_html_json_chunk(const char *json, size_t len, tm_buf_t *out);
/* Closes the JSON element, adds the page's script, ends the page. */
tm_status_t tm_report_html_end(tm_buf_t *out);

/* ---- tmems-check spf: one check_host() evaluation (docs/cli.md) ------------- */

typedef struct {
    const char *domain;
    const char *ip;
    const char *sender;
    const char *helo;
} tm_spf_eval_view_t;

/* The evaluation as text: the result, the explanation, the counts and the
 * trace, one line a term, DNS data escaped. */
tm_status_t tm_report_spf_text(const tm_spf_eval_view_t *view, const tm_spf_eval_t *eval,
                               bool color, tm_buf_t *out);
/* The evaluation as the JSON object of docs/cli.md, pretty-printed, or on
 * one line for JSON Lines (one_line: several --ip, docs/cli.md). */
tm_status_t tm_report_spf_json(const tm_spf_eval_view_t *view, const tm_spf_eval_t *eval,
                               bool one_line, tm_buf_t *out);

/* ---- tmems-check checks: the catalogue (docs/cli.md) ------------------- */

/* The heading of a console section, translated, as the text report shows it. */
const char *tm_report_section_heading(tm_section_t section);
/* Every check of the catalogue under its section's heading: id, "(!)" when
 * the console flags it, and its one-line description; then what "(!)"
 * means. */
tm_status_t tm_report_catalogue_text(tm_buf_t *out);
/* The same as a JSON document (docs/json.md, "tmems-check checks"). */
tm_status_t tm_report_catalogue_json(tm_buf_t *out);

#endif
