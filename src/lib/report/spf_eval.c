/* spf_eval.c - renders one check_host() evaluation for "tmems-check spf":
 * support staff answer "would mail from this address pass?" with it. */
#include <string.h>

#include "json_util.h"
#include "tmems/tm_json_alloc.h"
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
                               tm_buf_t *out)
{
    tm_status_t st = TM_ENOMEM;
    cJSON *root = cJSON_CreateObject();
    cJSON *trace = cJSON_CreateArray();
    if (!root || !trace)
        goto done;
    bool ok = tm_json_add(root, "schema", cJSON_CreateNumber(1)) &&
              tm_json_add(root, "domain", tm_json_cstring(view->domain)) &&
              tm_json_add(root, "ip", tm_json_cstring(view->ip)) &&
              tm_json_add(root, "sender", tm_json_cstring(view->sender)) &&
              tm_json_add(root, "helo", tm_json_cstring(view->helo)) &&
              tm_json_add(root, "result", cJSON_CreateString(tm_spf_result_name(eval->result))) &&
              tm_json_add(root, "explanation",
                  tm_json_cstring(eval->explanation_default ? NULL : eval->explanation)) &&
              tm_json_add(root, "reason", tm_json_cstring(eval->reason)) &&
              tm_json_add(root, "lookups", cJSON_CreateNumber(eval->lookups)) &&
              tm_json_add(root, "void_lookups", cJSON_CreateNumber(eval->void_lookups));
    for (size_t i = 0; ok && i < eval->ntrace; i++) {
        cJSON *step = cJSON_CreateObject();
        ok = step && tm_json_add(step, "domain", tm_json_cstring(eval->trace[i].domain)) &&
             tm_json_add(step, "term", tm_json_cstring(eval->trace[i].term)) &&
             tm_json_add(step, "match", cJSON_CreateBool(eval->trace[i].match));
        if (step)
            cJSON_AddItemToArray(trace, step);
    }
    cJSON_AddItemToObject(root, "trace", trace);
    trace = NULL;
    if (!ok)
        goto done;
    tm_json_begin();
    st = tm_json_print(root, true, out);
done:
    cJSON_Delete(trace);
    cJSON_Delete(root);
    return st;
}
