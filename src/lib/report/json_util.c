/* json_util.c - the JSON building blocks every renderer shares: strings
 * from untrusted bytes, escaped by the one policy, adds that never leak, and printing in the
 * two-space layout of docs/json.md. */
#include <string.h>

#include "json_util.h"

/* A string from anywhere (DNS data included) as a JSON string, or NULL when
 * memory ran out.  The escaping policy of src/lib/util/text.c in JSON's own
 * form (RFC 8259 section 7), which represents every character exactly: the
 * characters the policy hides become \uXXXX (a tag character a surrogate
 * pair), NUL included, so the decoded string is the data and the JSON text
 * shows, in a terminal or a browser, which characters were there.  Only a
 * byte that is not UTF-8 cannot be represented: it becomes U+FFFD, written
 * \ufffd (RFC 8259 section 8.1 requires UTF-8).  cJSON keeps C strings, so
 * the text is made here and handed over as raw JSON. */
cJSON *tm_json_string(const char *s, size_t len)
{
    tm_buf_t buf;
    tm_buf_init(&buf);
    tm_status_t st = tm_buf_putc(&buf, '"');
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len && st == TM_OK;) {
        uint32_t cp;
        size_t n = tm_utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            st = tm_buf_puts(&buf, "\\ufffd");
            i++;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            st = tm_buf_printf(&buf, "\\%c", (char)cp);
        } else if (cp == '\n') {
            st = tm_buf_puts(&buf, "\\n"); /* the line separator of detail and fix */
        } else if (cp == '\t') {
            st = tm_buf_puts(&buf, "\\t");
        } else if (tm_text_is_hidden(cp) && cp > 0xffff) {
            uint32_t v = cp - 0x10000;
            st = tm_buf_printf(&buf, "\\u%04x\\u%04x", (unsigned)(0xd800 + (v >> 10)),
                               (unsigned)(0xdc00 + (v & 0x3ff)));
        } else if (tm_text_is_hidden(cp)) {
            st = tm_buf_printf(&buf, "\\u%04x", (unsigned)cp);
        } else {
            st = tm_buf_append(&buf, s + i, n);
        }
        i += n;
    }
    if (st == TM_OK)
        st = tm_buf_putc(&buf, '"');
    cJSON *item = (st == TM_OK && buf.data) ? cJSON_CreateRaw(buf.data) : NULL;
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

static tm_status_t put_tabs(tm_buf_t *out, int n)
{
    tm_status_t st = TM_OK;
    for (int i = 0; i < n && st == TM_OK; i++)
        st = tm_buf_putc(out, '\t');
    return st;
}

tm_status_t tm_json_reindent(const char *compact, int depth, tm_buf_t *out)
{
    /* cJSON's formatted layout (before tm_json_print turns its tabs into
     * the two-space layout): an object's members one a line, indented one
     * tab deeper, "key":<tab>value; arrays on one line, ", " between
     * elements.  Strings are copied byte for byte, escapes and all. */
    enum { MAX_NEST = 64 };
    char kind[MAX_NEST];  /* '{' or '[' */
    bool members[MAX_NEST];
    int top = -1;
    tm_status_t st = TM_OK;
    for (const char *p = compact; *p && st == TM_OK; p++) {
        char c = *p;
        bool in_object = top >= 0 && kind[top] == '{';
        if (c == '"') {
            const char *end = p + 1;
            while (*end && *end != '"')
                end += (*end == '\\' && end[1]) ? 2 : 1;
            if (!*end)
                return TM_EINVAL;
            if (in_object && (p == compact || p[-1] == '{' || p[-1] == ','))
                st = put_tabs(out, depth); /* a key */
            if (st == TM_OK)
                st = tm_buf_append(out, p, (size_t)(end - p + 1));
            if (in_object)
                members[top] = true;
            p = end;
        } else if (c == '{' || c == '[') {
            if (++top >= MAX_NEST)
                return TM_ERANGE;
            kind[top] = c;
            members[top] = false;
            st = tm_buf_putc(out, c);
            if (st == TM_OK && c == '{') {
                depth++;
                st = tm_buf_putc(out, '\n');
            }
        } else if (c == '}' || c == ']') {
            if (top < 0 || kind[top] != (c == '}' ? '{' : '['))
                return TM_EINVAL;
            if (c == '}') {
                depth--;
                if (members[top])
                    st = tm_buf_putc(out, '\n');
                if (st == TM_OK)
                    st = put_tabs(out, depth);
            }
            top--;
            if (st == TM_OK)
                st = tm_buf_putc(out, c);
        } else if (c == ':') {
            st = tm_buf_puts(out, ":\t");
        } else if (c == ',') {
            st = tm_buf_puts(out, in_object ? ",\n" : ", ");
        } else {
            st = tm_buf_putc(out, c);
        }
    }
    return top == -1 || st != TM_OK ? st : TM_EINVAL;
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
         * the two-space indentation of docs/json.md, or one space after ':'. */
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
