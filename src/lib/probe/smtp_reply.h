/* smtp_reply.h - one SMTP reply read from untrusted bytes (RFC 5321 section
 * 4.2): the pure part of the SMTP probe, tested on its own.  Private to
 * src/lib/probe/. */
#ifndef TMEMS_PROBE_SMTP_REPLY_H
#define TMEMS_PROBE_SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_probe.h"

/* The EHLO keywords kept, space-separated. */
#define TM_SMTP_KEYWORDS_MAX 512

typedef enum {
    TM_SMTP_PARSE_MORE = 0, /* incomplete so far, nothing wrong yet */
    TM_SMTP_PARSE_DONE,     /* one complete reply */
    TM_SMTP_PARSE_BAD       /* not an SMTP reply */
} tm_smtp_parse_t;

typedef struct {
    unsigned code;                    /* 200..599 */
    size_t nlines;
    char text[TM_SMTP_TEXT_MAX];      /* the lines' text after the code and its
                                         separator, joined by '\n', raw bytes */
    size_t text_len;
    bool text_cut;                    /* more text came than TM_SMTP_TEXT_MAX */
    bool starttls;                    /* a line after the first has the keyword
                                         STARTTLS (an EHLO reply, RFC 3207) */
    char keywords[TM_SMTP_KEYWORDS_MAX]; /* keywords of the lines after the
                                            first, upper case, space-separated */
    size_t keywords_len;
} tm_smtp_reply_t;

/* Parses the reply at the start of data[0..len): lines "CCC-text" and a
 * last line "CCC text" or "CCC", each ended by CRLF (a bare LF is accepted),
 * every line with the same code whose first digit is 2 to 5.  On DONE,
 * *used is the number of bytes the reply took.  On BAD, *why is a static
 * English reason.  Lines longer than TM_SMTP_LINE_MAX and replies of more
 * than TM_SMTP_REPLY_LINES_MAX lines are BAD, so a hostile server cannot
 * make the caller wait for an endless reply.  Allocates nothing. */
tm_smtp_parse_t tm_smtp_reply_parse(const char *data, size_t len, tm_smtp_reply_t *out,
                                    size_t *used, const char **why);

#endif
