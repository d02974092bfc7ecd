/* json_util.c - the JSON building blocks every renderer shares: valid UTF-8
 * strings from untrusted bytes, adds that never leak, and printing in the
 * two-space layout of CLI.md. */
#include <string.h>

#include "report/json_util.h"

/* A string from anywhere (DNS data included) as a JSON string, or NULL when
 * memory ran out.  cJSON strings are C strings, so a NUL byte inside DNS
 * data becomes U+FFFD, as an invalid byte does. */
cJSON *tm_json_string(const char *s, size_t len)
{
    static const char replacement[] = "\xef\xbf\xbd";
    tm_buf_t buf;
    tm_buf_init(&buf);
    tm_status_t st = tm_buf_append(&buf, "", 0);
    size_t start = 0;
    for (size_t i = 0; i <= len && st == TM_OK; i++) {
        if (i < len && s[i] != '\0')
            continue;
        st = tm_utf8_sanitize(&buf, s + start, i - start);
        if (st == TM_OK && i < len)
            st = tm_buf_append(&buf, replacement, sizeof replacement - 1);
        start = i + 1;
    }
    cJSON *item = (st == TM_OK && buf.data) ? cJSON_CreateString(buf.data) : NULL;
    tm_buf_clear(&buf);
    return item;
}

cJSON *tm_json_cstring(const char *s)
{
    return s ? tm_json_string(s, strlen(s)) : cJSON_CreateNull();
}

/* Adds item under a literal key (no copy of the key, so no allocation can
 * fail there); deletes the item when it cannot be added.  False when item is
 * NULL (its creation failed) or the add failed. */
bool tm_json_add(cJSON *obj, const char *key, cJSON *item)
{
    if (!item)
        return false;
    if (!cJSON_AddItemToObjectCS(obj, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

bool tm_json_push(cJSON *arr, cJSON *item)
{
    if (!item)
        return false;
    if (!cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

tm_status_t tm_json_print(const cJSON *root, bool pretty, tm_buf_t *out)
{
    char *text = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
    if (!text)
        return TM_ENOMEM;
    tm_status_t st = TM_OK;
    if (!pretty) {
        st = tm_buf_puts(out, text);
    } else {
        /* cJSON indents with tabs and puts one after each ':'.  A raw tab
         * can only be layout (inside strings cJSON writes \t), so it becomes
         * the two-space indentation of CLI.md, or one space after ':'. */
        for (const char *p = text; *p && st == TM_OK; p++) {
            if (*p != '\t')
                st = tm_buf_putc(out, *p);
            else
                st = (p > text && p[-1] == ':') ? tm_buf_putc(out, ' ') : tm_buf_puts(out, "  ");
        }
        if (st == TM_OK)
            st = tm_buf_putc(out, '\n');
    }
    cJSON_free(text);
    return st;
}
