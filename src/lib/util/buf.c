/* buf.c - the growable, always-terminated byte buffer behind every string the
 * library builds, with a hard limit so hostile data cannot grow it without bound. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tmems/tm_util.h"

void tm_buf_init(tm_buf_t *buf)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->limit = 0;
}

void tm_buf_clear(tm_buf_t *buf)
{
    size_t limit = buf->limit;
    tm_free(buf->data);
    tm_buf_init(buf);
    buf->limit = limit;
}

static tm_status_t reserve(tm_buf_t *buf, size_t extra)
{
    size_t limit = buf->limit ? buf->limit : TM_BUF_DEFAULT_LIMIT;
    if (extra > limit || buf->len > limit - extra)
        return TM_ERANGE;
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return TM_OK;
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap *= 2;
    char *grown = tm_realloc(buf->data, cap);
    if (!grown)
        return TM_ENOMEM;
    buf->data = grown;
    buf->cap = cap;
    return TM_OK;
}

tm_status_t tm_buf_append(tm_buf_t *buf, const char *bytes, size_t len)
{
    tm_status_t st = reserve(buf, len);
    if (st != TM_OK)
        return st;
    if (len)
        memcpy(buf->data + buf->len, bytes, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return TM_OK;
}

tm_status_t tm_buf_puts(tm_buf_t *buf, const char *s) { return tm_buf_append(buf, s, strlen(s)); }

tm_status_t tm_buf_putc(tm_buf_t *buf, char c) { return tm_buf_append(buf, &c, 1); }

static tm_status_t buf_vprintf(tm_buf_t *buf, const char *fmt, va_list ap)
{
    va_list probe;
    va_copy(probe, ap);
    int n = vsnprintf(NULL, 0, fmt, probe);
    va_end(probe);
    if (n < 0)
        return TM_EINVAL;
    tm_status_t st = reserve(buf, (size_t)n);
    if (st != TM_OK)
        return st;
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
    return TM_OK;
}

tm_status_t tm_buf_printf(tm_buf_t *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tm_status_t st = buf_vprintf(buf, fmt, ap);
    va_end(ap);
    return st;
}

char *tm_buf_take(tm_buf_t *buf)
{
    char *data = buf->data;
    if (!data)
        data = tm_strdup("");
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    return data;
}

char *tm_strprintf(const char *fmt, ...)
{
    tm_buf_t buf;
    tm_buf_init(&buf);
    va_list ap;
    va_start(ap, fmt);
    tm_status_t st = buf_vprintf(&buf, fmt, ap);
    va_end(ap);
    if (st != TM_OK) {
        tm_buf_clear(&buf);
        return NULL;
    }
    return tm_buf_take(&buf);
}
