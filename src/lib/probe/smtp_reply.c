/* smtp_reply.c - one SMTP reply from untrusted bytes (RFC 5321 section 4.2):
 *
 *   Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 *                Reply-code [ SP textstring ] CRLF
 *
 * Every line of a reply carries the same code.  An EHLO reply lists one
 * extension a line after the first (RFC 5321 section 4.1.1.1), whose keyword
 * is ALPHA / DIGIT followed by ALPHA / DIGIT / "-". */
#include <string.h>

#include "smtp_reply.h"

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

static bool is_alnum(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int upper(int c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

/* Checks the bytes of a line seen so far (len may be short of the whole
 * line): false when they cannot start a reply line. */
static bool prefix_ok(const char *line, size_t len)
{
    if (len > 0 && !(line[0] >= '2' && line[0] <= '5'))
        return false;
    for (size_t i = 1; i < len && i < 3; i++) {
        if (!is_digit((unsigned char)line[i]))
            return false;
    }
    if (len > 3 && line[3] != '-' && line[3] != ' ' && line[3] != '\r')
        return false;
    return true;
}

static void append_text(tm_smtp_reply_t *out, const char *text, size_t len)
{
    if (out->nlines > 1 && !out->text_cut) {
        if (out->text_len + 1 > sizeof(out->text)) {
            out->text_cut = true;
            return;
        }
        out->text[out->text_len++] = '\n';
    }
    size_t room = sizeof(out->text) - out->text_len;
    if (len > room) {
        out->text_cut = true;
        len = room;
    }
    if (out->text_cut && len == 0)
        return;
    memcpy(out->text + out->text_len, text, len);
    out->text_len += len;
}

/* The keyword at the start of an EHLO line, upper-cased into out's list. */
static void take_keyword(tm_smtp_reply_t *out, const char *text, size_t len)
{
    tm_cursor_t cur;
    tm_cursor_init(&cur, text, len);
    char word[64];
    size_t n = 0;
    int c = tm_cursor_peek(&cur);
    if (c < 0 || !is_alnum(c))
        return;
    while ((c = tm_cursor_peek(&cur)) >= 0 && (is_alnum(c) || c == '-')) {
        tm_cursor_next(&cur);
        if (n + 1 < sizeof(word))
            word[n++] = (char)upper(c);
    }
    word[n] = '\0';
    if (strcmp(word, "STARTTLS") == 0)
        out->starttls = true;
    size_t need = n + (out->keywords_len ? 1 : 0);
    if (out->keywords_len + need + 1 > sizeof(out->keywords))
        return;
    if (out->keywords_len)
        out->keywords[out->keywords_len++] = ' ';
    memcpy(out->keywords + out->keywords_len, word, n);
    out->keywords_len += n;
    out->keywords[out->keywords_len] = '\0';
}

tm_smtp_parse_t tm_smtp_reply_parse(const char *data, size_t len, tm_smtp_reply_t *out,
                                    size_t *used, const char **why)
{
    memset(out, 0, sizeof(*out));
    *used = 0;
    *why = NULL;
    tm_cursor_t cur;
    tm_cursor_init(&cur, data, len);
    for (;;) {
        size_t start = cur.pos;
        /* Find the line's LF within the bound. */
        size_t n = 0;
        int c;
        while ((c = tm_cursor_peek_at(&cur, n)) >= 0 && c != '\n') {
            if (++n > TM_SMTP_LINE_MAX) {
                *why = "a reply line is too long";
                return TM_SMTP_PARSE_BAD;
            }
        }
        const char *line = data + start;
        if (!prefix_ok(line, n)) {
            *why = "a reply line does not start with a 3-digit code";
            return TM_SMTP_PARSE_BAD;
        }
        if (c < 0)
            return TM_SMTP_PARSE_MORE;
        tm_cursor_skip(&cur, n + 1);
        size_t line_len = n;
        if (line_len > 0 && line[line_len - 1] == '\r')
            line_len--;
        if (line_len < 3) {
            *why = "a reply line does not start with a 3-digit code";
            return TM_SMTP_PARSE_BAD;
        }
        unsigned code = (unsigned)(line[0] - '0') * 100 + (unsigned)(line[1] - '0') * 10 +
                        (unsigned)(line[2] - '0');
        bool last = line_len == 3 || line[3] == ' ';
        if (!last && line[3] != '-') {
            *why = "a reply line has no space or '-' after its code";
            return TM_SMTP_PARSE_BAD;
        }
        if (out->nlines > 0 && code != out->code) {
            *why = "the lines of a reply carry different codes";
            return TM_SMTP_PARSE_BAD;
        }
        if (out->nlines >= TM_SMTP_REPLY_LINES_MAX) {
            *why = "a reply has too many lines";
            return TM_SMTP_PARSE_BAD;
        }
        out->code = code;
        out->nlines++;
        const char *text = line_len > 4 ? line + 4 : "";
        size_t text_len = line_len > 4 ? line_len - 4 : 0;
        append_text(out, text, text_len);
        if (out->nlines > 1)
            take_keyword(out, text, text_len);
        if (last) {
            *used = cur.pos;
            return TM_SMTP_PARSE_DONE;
        }
    }
}
