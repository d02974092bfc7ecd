/* probe_view.c - the views the probes fill and the checks read
 * (tmems/tm_probe_view.h). */
#include <string.h>

#include "tmems/tm_probe_view.h"

tm_auth_view_t *tm_auth_view_create(void) { return tm_calloc(1, sizeof(tm_auth_view_t)); }

void tm_auth_view_destroy(tm_auth_view_t *view)
{
    if (!view)
        return;
    for (size_t i = 0; i < TM_PROBE_MAX_TARGETS; i++) {
        tm_answer_unref(view->servers[i].soa);
        tm_answer_unref(view->servers[i].txt);
        tm_answer_unref(view->servers[i].mx);
    }
    tm_free(view);
}

tm_smtp_view_t *tm_smtp_view_create(void) { return tm_calloc(1, sizeof(tm_smtp_view_t)); }

void tm_smtp_view_destroy(tm_smtp_view_t *view)
{
    if (!view)
        return;
    for (size_t i = 0; i < TM_PROBE_MAX_TARGETS; i++) {
        tm_smtp_server_t *s = &view->servers[i];
        tm_free(s->error);
        tm_free(s->greeting);
        tm_free(s->extensions);
        tm_free(s->reply);
        tm_free(s->tls_version);
        tm_free(s->tls_cipher);
        tm_free(s->cert_cn);
        tm_free(s->verify_error);
    }
    tm_free(view);
}
