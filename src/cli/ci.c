/* ci.c - the CI formats on the command line (tmc_ci.h). */
#include <stdlib.h>
#include <string.h>

#include "tmc_ci.h"
#include "tmc_msg.h"
#include "tmems/tm_i18n.h"

void tmc_ci_init(tmc_ci_t *ci, const tmc_params_t *p)
{
    memset(ci, 0, sizeof *ci);
    ci->p = p;
    /* Paths the runner resolves are relative to the workspace (docs/ci.md). */
    const char *ws = getenv("GITHUB_WORKSPACE");
    ci->gh.workspace = ws && *ws ? ws : NULL;
    ci->gh.strict = p->strict;
    ci->sarif.workspace = ci->gh.workspace;
    ci->sarif.strict = p->strict;
    ci->sarif.version = TM_VERSION;
    const char *path = getenv("GITHUB_STEP_SUMMARY");
    if (p->format == TMC_FORMAT_GITHUB && path && *path) {
        ci->summary = fopen(path, "a");
        if (!ci->summary)
            tmc_error(_("cannot append to the step summary '%s'"), path);
    }
}

void tmc_ci_summary(tmc_ci_t *ci, const char *markdown, size_t len)
{
    if (!ci->summary || ci->summary_failed || len == 0)
        return;
    if (fwrite(markdown, 1, len, ci->summary) != len || fflush(ci->summary) != 0) {
        ci->summary_failed = true;
        tmc_error("%s", _("the step summary could not be written"));
    }
}

tm_status_t tmc_ci_frame(tmc_ci_t *ci, bool begin, tm_buf_t *out)
{
    switch (ci->p->format) {
    case TMC_FORMAT_SARIF:
        return begin ? tm_report_sarif_begin(&ci->sarif, out) : tm_report_sarif_end(&ci->sarif, out);
    case TMC_FORMAT_GITHUB:
        if (begin) {
            char *head = tm_strprintf("## %s\n\n", ci->p->plan ? _("tmems-check plan")
                                                               : _("tmems-check"));
            if (head)
                tmc_ci_summary(ci, head, strlen(head));
            tm_free(head);
            return TM_OK;
        }
        return tm_report_github_end(&ci->gh, out);
    default: return TM_OK;
    }
}

tm_status_t tmc_ci_render(tmc_ci_t *ci, const tm_result_t *result, const tm_assessment_t *a,
                          tm_buf_t *out)
{
    switch (ci->p->format) {
    case TMC_FORMAT_SARIF: return tm_report_sarif_result(&ci->sarif, result, a, out);
    case TMC_FORMAT_MARKDOWN: return tm_report_markdown_result(result, a, out);
    case TMC_FORMAT_GITHUB: {
        tm_status_t st = tm_report_github_result(&ci->gh, result, a, out);
        if (st == TM_OK && ci->summary && !ci->p->plan) {
            tm_buf_t md;
            tm_buf_init(&md);
            st = tm_report_markdown_result(result, a, &md);
            if (st == TM_OK)
                tmc_ci_summary(ci, md.data, md.len);
            tm_buf_clear(&md);
        }
        return st;
    }
    default: return TM_OK;
    }
}

void tmc_ci_clear(tmc_ci_t *ci)
{
    tm_github_clear(&ci->gh);
    if (ci->summary)
        fclose(ci->summary);
    ci->summary = NULL;
}
