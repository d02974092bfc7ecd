/* github.c - GitHub Actions workflow commands (tm_report_ci.h): each
 * finding that needs attention becomes an annotation on the line of the
 * record it concerns, in the pull request's diff.
 *
 * A workflow command is one line, "::KIND PROPERTIES::MESSAGE"; in the
 * message '%', CR and LF are written %25, %0D and %0A, and in a property
 * value ':' and ',' also (%3A, %2C), which is how the runner reads them
 * back.  DNS data is first neutralised by the one escaping policy
 * (tm_text_neutralize), so it cannot act on the log viewer either, and a
 * record can never start a command of its own: no raw line break reaches
 * the output. */
#include <string.h>

#include "ci_words.h"
#include "tmems/tm_report_ci.h"
#include "tmems/tm_i18n.h"

static tm_status_t escape(tm_buf_t *out, const char *s, bool property)
{
    tm_status_t st = TM_OK;
    for (const char *p = s ? s : ""; st == TM_OK && *p; p++) {
        switch (*p) {
        case '%': st = tm_buf_puts(out, "%25"); break;
        case '\r': st = tm_buf_puts(out, "%0D"); break;
        case '\n': st = tm_buf_puts(out, "%0A"); break;
        case ':': st = property ? tm_buf_puts(out, "%3A") : tm_buf_putc(out, ':'); break;
        case ',': st = property ? tm_buf_puts(out, "%2C") : tm_buf_putc(out, ','); break;
        default: st = tm_buf_putc(out, *p); break;
        }
    }
    return st;
}

tm_status_t tm_github_escape_data(tm_buf_t *out, const char *s) { return escape(out, s, false); }

tm_status_t tm_github_escape_property(tm_buf_t *out, const char *s)
{
    return escape(out, s, true);
}

static const char *const kind_word[TM_GH_KINDS] = {"error", "warning", "notice"};

/* A path as the runner resolves it: relative to the workspace. */
static const char *repo_path(const tm_github_t *gh, const char *file)
{
    size_t n = gh->workspace ? strlen(gh->workspace) : 0;
    while (n > 1 && gh->workspace[n - 1] == '/')
        n--;
    if (n > 0 && strncmp(file, gh->workspace, n) == 0 && file[n] == '/')
        return file + n + 1;
    if (strncmp(file, "./", 2) == 0)
        return file + 2;
    return file;
}

/* Neutralised text (tm_text_neutralize) of s, into tmp. */
static const char *clean(tm_buf_t *tmp, const char *s)
{
    tmp->len = 0;
    if (tm_ci_neutralize_lines(tmp, s) != TM_OK || tm_buf_putc(tmp, '\0') != TM_OK)
        return "";
    return tmp->data;
}

static tm_status_t command(tm_github_t *gh, tm_github_kind_t kind, const tm_result_t *r,
                           const tm_finding_t *f, tm_buf_t *line)
{
    tm_buf_t tmp;
    tm_buf_init(&tmp);
    tm_status_t st = tm_buf_printf(line, "::%s ", kind_word[kind]);
    if (st == TM_OK && f->source.file) {
        st = tm_buf_puts(line, "file=");
        if (st == TM_OK)
            st = tm_github_escape_property(line, clean(&tmp, repo_path(gh, f->source.file)));
        if (st == TM_OK && f->source.line)
            st = tm_buf_printf(line, ",line=%lu", f->source.line);
        if (st == TM_OK && f->source.line && f->source.column)
            st = tm_buf_printf(line, ",col=%u", f->source.column);
        if (st == TM_OK)
            st = tm_buf_putc(line, ',');
    }
    /* The title: the check and the domain, which a zone of many domains
     * needs to tell annotations apart. */
    if (st == TM_OK)
        st = tm_buf_puts(line, "title=");
    if (st == TM_OK) {
        char *title = tm_strprintf(_("tmems-check %s (%s)"), f->id ? f->id : "",
                                   r->domain ? r->domain : r->ascii ? r->ascii : "");
        st = title ? tm_github_escape_property(line, clean(&tmp, title)) : TM_ENOMEM;
        tm_free(title);
    }
    if (st == TM_OK)
        st = tm_buf_puts(line, "::");
    if (st == TM_OK && tm_finding_console_flag(f))
        st = tm_buf_puts(line, "(!) ");
    if (st == TM_OK)
        st = tm_github_escape_data(line, clean(&tmp, f->summary ? f->summary : ""));
    if (st == TM_OK && f->detail) {
        st = tm_github_escape_data(line, "\n");
        if (st == TM_OK)
            st = tm_github_escape_data(line, clean(&tmp, f->detail));
    }
    if (st == TM_OK && f->fix) {
        st = tm_github_escape_data(line, "\n");
        if (st == TM_OK)
            st = tm_github_escape_data(line, _("Fix:"));
        if (st == TM_OK)
            st = tm_github_escape_data(line, "\n");
        if (st == TM_OK)
            st = tm_github_escape_data(line, clean(&tmp, f->fix));
    }
    if (st == TM_OK)
        st = tm_buf_putc(line, '\n');
    tm_buf_clear(&tmp);
    return st;
}

/* Past the limit, a finding is still in the log, as a plain line the
 * runner does not read as a command. */
static tm_status_t plain(tm_buf_t *out, tm_github_kind_t kind, const tm_buf_t *cmd)
{
    /* "::error file=...::msg" -> "tmems-check error: file=...: msg" */
    tm_status_t st = tm_buf_printf(out, "tmems-check %s: ", kind_word[kind]);
    const char *c = cmd->data + 2 + strlen(kind_word[kind]) + 1;
    return st == TM_OK ? tm_buf_append(out, c, cmd->len - (size_t)(c - cmd->data)) : st;
}

static tm_status_t annotate(tm_github_t *gh, tm_github_kind_t kind, const tm_result_t *r,
                            const tm_finding_t *f, tm_buf_t *out)
{
    tm_buf_t line;
    tm_buf_init(&line);
    tm_status_t st = command(gh, kind, r, f, &line);
    unsigned n = ++gh->count[kind];
    if (st != TM_OK) {
        /* nothing */
    } else if (n < TM_GITHUB_PER_KIND) {
        st = tm_buf_append(out, line.data, line.len);
    } else if (n == TM_GITHUB_PER_KIND) {
        gh->held[kind] = tm_buf_take(&line); /* the last one allowed: at the end */
        st = gh->held[kind] ? TM_OK : TM_ENOMEM;
    } else {
        st = plain(out, kind, &line);
    }
    tm_buf_clear(&line);
    return st;
}

tm_status_t tm_report_github_result(tm_github_t *gh, const tm_result_t *result,
                                    const tm_assessment_t *assessment, tm_buf_t *out)
{
    (void)assessment;
    tm_status_t st = TM_OK;
    for (size_t i = 0; st == TM_OK && i < result->findings.count; i++) {
        const tm_finding_t *f = &result->findings.items[i];
        switch (f->status) {
        case TM_CHECK_FAIL:
        case TM_CHECK_ERROR: st = annotate(gh, TM_GH_ERROR, result, f, out); break;
        case TM_CHECK_WARN:
            st = annotate(gh, gh->strict ? TM_GH_ERROR : TM_GH_WARNING, result, f, out);
            break;
        case TM_CHECK_INFO:
            if (f->fix)
                st = annotate(gh, TM_GH_NOTICE, result, f, out);
            break;
        default: break;
        }
    }
    return st;
}

tm_status_t tm_report_github_end(tm_github_t *gh, tm_buf_t *out)
{
    tm_status_t st = TM_OK;
    for (int k = 0; st == TM_OK && k < TM_GH_KINDS; k++) {
        if (!gh->held[k])
            continue;
        if (gh->count[k] == TM_GITHUB_PER_KIND) {
            st = tm_buf_puts(out, gh->held[k]);
            continue;
        }
        /* Over the limit: the held one goes to the log with the rest, and
         * the last annotation GitHub shows says how many it does not. */
        tm_buf_t held;
        tm_buf_init(&held);
        st = tm_buf_puts(&held, gh->held[k]);
        if (st == TM_OK)
            st = plain(out, (tm_github_kind_t)k, &held);
        tm_buf_clear(&held);
        unsigned more = gh->count[k] - (TM_GITHUB_PER_KIND - 1);
        const char *what =
            k == TM_GH_ERROR
                ? dngettext(TM_TEXTDOMAIN, "%u more error is not annotated",
                            "%u more errors are not annotated", more)
            : k == TM_GH_WARNING
                ? dngettext(TM_TEXTDOMAIN, "%u more warning is not annotated",
                            "%u more warnings are not annotated", more)
                : dngettext(TM_TEXTDOMAIN, "%u more notice is not annotated",
                            "%u more notices are not annotated", more);
        char *msg = tm_strprintf(what, more);
        char *full = msg ? tm_strprintf("%s %s", msg,
                                        _("(GitHub shows 10 of a kind per step): the job log "
                                          "and the step summary list them all"))
                         : NULL;
        if (st == TM_OK)
            st = full ? tm_buf_printf(out, "::%s title=tmems-check::", kind_word[k]) : TM_ENOMEM;
        if (st == TM_OK)
            st = tm_github_escape_data(out, full);
        if (st == TM_OK)
            st = tm_buf_putc(out, '\n');
        tm_free(msg);
        tm_free(full);
    }
    return st;
}

void tm_github_clear(tm_github_t *gh)
{
    for (int k = 0; k < TM_GH_KINDS; k++) {
        tm_free(gh->held[k]);
        gh->held[k] = NULL;
    }
}
