/* spf_eval.c - renders one check_host() evaluation for "tmems-check spf":
 * support staff answer "would mail from this address pass?" with it. */
#include <string.h>

#include "json_util.h"
#include "tmems/tm_report.h"
#include "tmems/tm_i18n.h"

/* The escaping policy of src/lib/util/text.c: the arguments and the
 * reason are text that shows untrusted bytes escaped already (names in
 * presentation form), so they are only neutralised; the explanation and the
 * trace are raw DNS data, escaped backslash and all.  Every byte once. */
static tm_status_t put_escaped(tm_buf_t *out, const char *s)
{
    return s ? tm_text_neutralize(out, s, strlen(s)) : tm_buf_puts(out, "-");
}

static tm_status_t put_raw(tm_buf_t *out, const char *s)
{
    return s ? tm_text_escape(out, s, strlen(s)) : tm_buf_puts(out, "-");
}

tm_status_t tm_report_spf_text(const tm_spf_eval_view_t *view, const tm_spf_eval_t *eval,
                               bool color, tm_buf_t *out)
{
    const char *on = "", *off = "";
    if (color) {
        bool good = eval->result == TM_SPF_PASS;
        bool bad = eval->result == TM_SPF_FAIL || eval->result == TM_SPF_PERMERROR;
        on = good ? "\033[32m" : bad ? "\033[31m" : "\033[33m";
        off = "\033[0m";
    }
    tm_status_t st = tm_buf_puts(out, _("check_host("));
    if (st == TM_OK)
        st = put_escaped(out, view->ip);
    if (st == TM_OK)
        st = tm_buf_puts(out, ", ");
    if (st == TM_OK)
        st = put_escaped(out, view->domain);
    if (st == TM_OK)
        st = tm_buf_puts(out, ", ");
    if (st == TM_OK)
        st = put_escaped(out, view->sender);
    if (st == TM_OK)
        st = tm_buf_printf(out, ") = %s%s%s\n", on, tm_spf_result_name(eval->result), off);
    if (st == TM_OK && eval->reason) {
        st = tm_buf_puts(out, _("  reason: "));
        if (st == TM_OK)
            st = put_escaped(out, eval->reason);
        if (st == TM_OK)
            st = tm_buf_putc(out, '\n');
    }
    if (st == TM_OK && eval->explanation && !eval->explanation_default) {
        st = tm_buf_puts(out, _("  explanation: "));
        if (st == TM_OK)
            st = put_raw(out, eval->explanation);
        if (st == TM_OK)
            st = tm_buf_putc(out, '\n');
    }
    if (st == TM_OK)
        st = tm_buf_printf(out, _("  DNS lookups: %u of 10, void lookups: %u of 2\n"),
                           eval->lookups, eval->void_lookups);
    if (st == TM_OK && eval->ntrace)
        st = tm_buf_puts(out, _("  trace:\n"));
    for (size_t i = 0; i < eval->ntrace && st == TM_OK; i++) {
        st = tm_buf_puts(out, eval->trace[i].match ? "    * " : "      ");
        if (st == TM_OK)
            st = put_raw(out, eval->trace[i].domain);
        if (st == TM_OK)
            st = tm_buf_puts(out, ": ");
        if (st == TM_OK)
            st = put_raw(out, eval->trace[i].term);
        if (st == TM_OK)
            st = tm_buf_puts(out, eval->trace[i].match ? _("  (matches)\n") : "\n");
    }
    return st;
}

tm_status_t tm_report_spf_json(const tm_spf_eval_view_t *view, const tm_spf_eval_t *eval,
                               bool one_line, tm_buf_t *out)
{
    size_t had = out->len;
    tm_jw_t w;
    tm_jw_init(&w, out, one_line ? TM_JSON_COMPACT : TM_JSON_PRETTY_ARRAYS_NEST, 0);
    tm_jw_object(&w);
    tm_jw_key(&w, "schema");
    tm_jw_int(&w, 1);
    tm_jw_key(&w, "domain");
    tm_jw_cstring(&w, view->domain);
    tm_jw_key(&w, "ip");
    tm_jw_cstring(&w, view->ip);
    tm_jw_key(&w, "sender");
    tm_jw_cstring(&w, view->sender);
    tm_jw_key(&w, "helo");
    tm_jw_cstring(&w, view->helo);
    tm_jw_key(&w, "result");
    tm_jw_cstring(&w, tm_spf_result_name(eval->result));
    tm_jw_key(&w, "explanation");
    tm_jw_cstring(&w, eval->explanation_default ? NULL : eval->explanation);
    tm_jw_key(&w, "reason");
    tm_jw_cstring(&w, eval->reason);
    tm_jw_key(&w, "lookups");
    tm_jw_int(&w, eval->lookups);
    tm_jw_key(&w, "void_lookups");
    tm_jw_int(&w, eval->void_lookups);
    tm_jw_key(&w, "trace");
    tm_jw_array(&w);
    for (size_t i = 0; i < eval->ntrace; i++) {
        tm_jw_object(&w);
        tm_jw_key(&w, "domain");
        tm_jw_cstring(&w, eval->trace[i].domain);
        tm_jw_key(&w, "term");
        tm_jw_cstring(&w, eval->trace[i].term);
        tm_jw_key(&w, "match");
        tm_jw_bool(&w, eval->trace[i].match);
        tm_jw_object_end(&w);
    }
    tm_jw_array_end(&w);
    tm_jw_object_end(&w);
    tm_status_t st = tm_jw_status(&w);
    if (st == TM_OK)
        st = tm_buf_putc(out, '\n');
    if (st != TM_OK && out->data) {
        out->len = had;
        out->data[had] = '\0';
    }
    return st;
}
