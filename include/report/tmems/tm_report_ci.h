/* tm_report_ci.h - the formats CI systems read: GitHub Actions workflow
 * commands (--format github), a Markdown summary (--format markdown, and
 * the step summary of the github format), SARIF 2.1.0 (--format sarif),
 * and the report of --plan (the proposed zone against live DNS).  Like
 * every renderer they decide nothing: the findings and their assessment
 * say it all (tm_report.h).  docs/ci.md shows each in use. */
#ifndef TMEMS_TM_REPORT_CI_H
#define TMEMS_TM_REPORT_CI_H

#include <stdbool.h>

#include "tmems/tm_plan.h"
#include "tmems/tm_result.h"
#include "tmems/tm_util.h"

/* ---- GitHub Actions workflow commands ------------------------------------
 * "::error file=F,line=L,col=C,title=T::MESSAGE" and ::warning, ::notice.
 * GitHub shows at most 10 annotations of each kind per step: the tenth of
 * a kind waits until the end, where it is written when it is the last one,
 * else replaced by one annotation saying how many more there are (each of
 * them is still written to the log as a plain line). */

#define TM_GITHUB_PER_KIND 10

typedef enum { TM_GH_ERROR = 0, TM_GH_WARNING, TM_GH_NOTICE, TM_GH_KINDS } tm_github_kind_t;

typedef struct {
    bool strict;            /* --strict: warnings are errors */
    const char *workspace;  /* $GITHUB_WORKSPACE: an absolute path below it is
                               written relative to it; NULL = as it is */
    unsigned count[TM_GH_KINDS]; /* annotations of each kind so far */
    char *held[TM_GH_KINDS];     /* the last one allowed, until the end */
} tm_github_t;

/* Escapes for a workflow command: the message ('%', CR and LF) and a
 * property value (also ':' and ','). */
tm_status_t tm_github_escape_data(tm_buf_t *out, const char *s);
tm_status_t tm_github_escape_property(tm_buf_t *out, const char *s);

/* The annotations of one domain: fail and error are ::error, warn
 * ::warning (::error under strict), info with a Fix ::notice; pass and
 * skip none.  Each on the file and line of its record when known. */
tm_status_t tm_report_github_result(tm_github_t *gh, const tm_result_t *result,
                                    const tm_assessment_t *assessment, tm_buf_t *out);
/* The annotations held back, or the count of those over the limit. */
tm_status_t tm_report_github_end(tm_github_t *gh, tm_buf_t *out);
void tm_github_clear(tm_github_t *gh);

/* ---- Markdown --------------------------------------------------------------
 * For $GITHUB_STEP_SUMMARY and pull-request comments: a heading, the
 * verdict, and a table of the findings that need attention.  DNS data is
 * escaped so that it cannot become a link, an image or HTML. */
tm_status_t tm_markdown_escape(tm_buf_t *out, const char *s);
tm_status_t tm_report_markdown_result(const tm_result_t *result,
                                      const tm_assessment_t *assessment, tm_buf_t *out);

/* ---- SARIF 2.1.0 -------------------------------------------------------------
 * One run of tool tmems-check with one rule per check id of the catalogue
 * (its help text from tm_check_description, tm_check.h), and one result per finding: level
 * error (fail, error), warning (warn), note (info); pass and skip are
 * results of kind pass and notApplicable.  A finding with a source has a
 * physical location; partialFingerprints are a hash of the check id and
 * the domain, so a finding keeps its identity when lines move. */
typedef struct {
    const char *version;    /* the tool's */
    const char *workspace;  /* as for the github format */
    bool strict;
    bool first;             /* no result written yet */
} tm_sarif_t;

tm_status_t tm_report_sarif_begin(tm_sarif_t *s, tm_buf_t *out);
tm_status_t tm_report_sarif_result(tm_sarif_t *s, const tm_result_t *result,
                                   const tm_assessment_t *assessment, tm_buf_t *out);
tm_status_t tm_report_sarif_end(tm_sarif_t *s, tm_buf_t *out);

/* ---- --plan ------------------------------------------------------------------- */

/* The plan of one domain as text (escaped for a terminal), as one element
 * of the JSON "plans" list (compact), and as Markdown. */
tm_status_t tm_report_plan_text(const tm_plan_t *plan, bool color, tm_buf_t *out);
tm_status_t tm_report_plan_json(const tm_plan_t *plan, tm_buf_t *out);
tm_status_t tm_report_plan_markdown(const tm_plan_t *plan, tm_buf_t *out);

#endif
