/* tm_util.h - the util layer: growable buffers, a bounded cursor, domain-name
 * rules, IP addresses and CIDR blocks, UTF-8 hygiene.  No I/O, no globals. */
#ifndef TMEMS_TM_UTIL_H
#define TMEMS_TM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_status.h"

/* ---- growable byte buffer, always NUL-terminated ------------------------ */

typedef struct {
    char *data;   /* NUL-terminated; NULL until the first append */
    size_t len;   /* bytes used, excluding the terminator */
    size_t cap;
    size_t limit; /* 0 = TM_BUF_DEFAULT_LIMIT; appends past it give TM_ERANGE */
} tm_buf_t;

#define TM_BUF_DEFAULT_LIMIT ((size_t)16 << 20)

void tm_buf_init(tm_buf_t *buf);
void tm_buf_clear(tm_buf_t *buf); /* frees data; the struct can be reused */
tm_status_t tm_buf_append(tm_buf_t *buf, const char *bytes, size_t len);
tm_status_t tm_buf_puts(tm_buf_t *buf, const char *s);
tm_status_t tm_buf_putc(tm_buf_t *buf, char c);
tm_status_t tm_buf_printf(tm_buf_t *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the data to the caller (free with tm_free); an empty buffer gives
 * an empty string.  The buffer is left empty. NULL on allocation failure. */
char *tm_buf_take(tm_buf_t *buf);

/* printf into a new string the caller frees with tm_free; NULL on failure. */
char *tm_strprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- bounded cursor: every parser reads through one -------------------- */

typedef struct {
    const uint8_t *base;
    size_t len;
    size_t pos;
} tm_cursor_t;

void tm_cursor_init(tm_cursor_t *cur, const void *data, size_t len);
/* The byte-at-a-time reads are inline: every parser calls them per
 * character, and a call each was a third of the time of a hostile SPF
 * record's evaluation (src/lib/util/cursor.c has the rest). */
static inline size_t tm_cursor_left(const tm_cursor_t *cur) { return cur->len - cur->pos; }
static inline bool tm_cursor_eof(const tm_cursor_t *cur) { return cur->pos >= cur->len; }
/* The byte ahead bytes on, -1 past the end. */
static inline int tm_cursor_peek_at(const tm_cursor_t *cur, size_t ahead)
{
    return ahead < cur->len - cur->pos ? cur->base[cur->pos + ahead] : -1;
}
static inline int tm_cursor_peek(const tm_cursor_t *cur) { return tm_cursor_peek_at(cur, 0); }
static inline int tm_cursor_next(tm_cursor_t *cur)
{
    int c = tm_cursor_peek(cur);
    if (c >= 0)
        cur->pos++;
    return c;
}
static inline bool tm_cursor_skip(tm_cursor_t *cur, size_t n)
{
    if (n > cur->len - cur->pos)
        return false;
    cur->pos += n;
    return true;
}
bool tm_cursor_u8(tm_cursor_t *cur, uint8_t *out);
bool tm_cursor_u16(tm_cursor_t *cur, uint16_t *out);  /* network order */
bool tm_cursor_u32(tm_cursor_t *cur, uint32_t *out);  /* network order */
bool tm_cursor_bytes(tm_cursor_t *cur, void *out, size_t n);
/* Consumes the ASCII case-insensitive prefix if present. */
bool tm_cursor_accept_ci(tm_cursor_t *cur, const char *prefix);

/* ---- ASCII case, hashing, the clock -------------------------------------- */

/* ASCII lower case of one byte, every other byte as it is.  Host names and
 * protocol keywords are case-insensitive for ASCII only (RFC 4343 section
 * 3); <ctype.h> would also fold bytes >= 0x80 under a Latin-1 LC_CTYPE
 * (setlocale for gettext). */
static inline char tm_ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* strncasecmp and strcasecmp for ASCII only, whatever the locale: A-Z
 * fold to a-z, every other byte compares as itself (util/ascii.c). */
int tm_ascii_ncasecmp(const char *a, const char *b, size_t n);
int tm_ascii_casecmp(const char *a, const char *b);

/* FNV-1a, 64 bits: start from TM_FNV1A_INIT, fold bytes in. */
#define TM_FNV1A_INIT 14695981039346656037ULL
#define TM_FNV1A_PRIME 1099511628211ULL
static inline uint64_t tm_fnv1a_step(uint64_t h, uint8_t byte)
{
    return (h ^ byte) * TM_FNV1A_PRIME;
}
uint64_t tm_fnv1a(uint64_t h, const void *data, size_t len);

/* Monotonic time (CLOCK_MONOTONIC) in microseconds and milliseconds: the
 * one clock of every timeout, deadline and elapsed time. */
long long tm_monotonic_us(void);
long long tm_monotonic_ms(void);

/* ---- domain names ------------------------------------------------------ */

#define TM_NAME_MAX 253  /* presentation form without the trailing dot */
#define TM_LABEL_MAX 63

typedef enum {
    TM_NAME_OK = 0,
    TM_NAME_EMPTY,
    TM_NAME_TOO_LONG,
    TM_NAME_LABEL_EMPTY,
    TM_NAME_LABEL_TOO_LONG,
    TM_NAME_BAD_CHAR,
    TM_NAME_HYPHEN_EDGE,
    TM_NAME_SINGLE_LABEL,
    TM_NAME_ALL_NUMERIC_TLD
} tm_name_error_t;

/* Validates a host name (LDH labels, RFC 1123 section 2.1; also '_' so that
 * service labels like _spf pass) and writes its canonical form: ASCII lower
 * case, no trailing dot.  out must hold TM_NAME_MAX + 1 bytes.  A name that
 * is an IP literal fails with TM_NAME_ALL_NUMERIC_TLD. */
tm_name_error_t tm_name_normalize(const char *in, char out[TM_NAME_MAX + 1]);
/* Same rules for a name that must be a registrable mail domain: at least two
 * labels. */
tm_name_error_t tm_domain_normalize(const char *in, char out[TM_NAME_MAX + 1]);
/* English reason for an error (untranslated; callers wrap it in _()). */
const char *tm_name_strerror(tm_name_error_t err);
/* True when label is a valid host label of min..max characters of letters,
 * digits and '-', not starting or ending with '-' (company ID rule). */
bool tm_label_valid(const char *label, size_t min_len, size_t max_len);
/* The canonical spelling of a name as the tool keeps it: ASCII lower case,
 * one trailing dot dropped, every other byte kept (a name from DNS in
 * presentation form keeps its \DDD escapes).  len bytes of in are read;
 * out gets the name and a NUL.  False when it does not fit in outlen. */
bool tm_name_canonical(const char *in, size_t len, char *out, size_t outlen);
/* The same in a new string (free with tm_free); NULL on allocation failure. */
char *tm_name_canonical_dup(const char *in);
/* The hash of (name, type) under tm_name_equal: ASCII case and one
 * trailing dot do not change it (FNV-1a over the canonical name, then the
 * type). */
uint64_t tm_name_hash(const char *name, uint16_t type);
/* Case-insensitive equality of two names, ignoring one trailing dot. */
bool tm_name_equal(const char *a, const char *b);
/* True when name equals suffix or ends with "." suffix (case-insensitive). */
bool tm_name_has_suffix(const char *name, const char *suffix);
/* How many single-character edits (insert, delete, replace, or swap of two
 * neighbours) turn one name into the other, ignoring case and one trailing
 * dot; at most limit + 1 (a larger distance is reported as limit + 1). */
size_t tm_name_distance(const char *a, const char *b, size_t limit);

/* A domain name as a user typed it, possibly in Unicode (例え.jp): converted
 * with IDNA2008 (RFC 5891, libidn2) to its A-label form, validated, and
 * canonicalised.  ascii gets the A-label name, display the U-label name
 * (equal to ascii for a plain ASCII name); both TM_NAME_MAX + 1 bytes.  On
 * failure *why (if not NULL) gets a static English reason: TM_EINVAL for a
 * name that is not valid, TM_EUNSUPPORTED when a name that needs IDNA2008
 * meets a missing IDN plugin (libidn2 is loaded only for those names,
 * tmems/tm_plugin.h), TM_ENOMEM. */
tm_status_t tm_domain_from_user(const char *input, char ascii[TM_NAME_MAX + 1],
                                char display[TM_NAME_MAX * 4 + 1], const char **why);
/* Whether the IDN plugin can be loaded (tm_domain_from_user needs it for
 * non-ASCII names and A-labels): TM_OK, else TM_EUNSUPPORTED and err gets
 * a translated message with the loader's reason (the file it tried). */
tm_status_t tm_idn_ready(char *err, size_t errlen);

/* ---- IP addresses and CIDR blocks -------------------------------------- */

typedef struct {
    uint8_t family; /* 4 or 6 */
    uint8_t bytes[16];
} tm_ip_t;

typedef struct {
    tm_ip_t addr;   /* network address (host bits cleared) */
    uint8_t prefix; /* 0..32 or 0..128 */
} tm_cidr_t;

/* Parses a literal IPv4 or IPv6 address. */
bool tm_ip_parse(const char *text, tm_ip_t *out);
/* Writes the conventional text form (RFC 5952 for IPv6); buf >= 46 bytes. */
void tm_ip_format(const tm_ip_t *ip, char *buf, size_t buflen);
/* "a.b.c.d/n" or "x::/n"; a missing prefix means a host route. */
bool tm_cidr_parse(const char *text, tm_cidr_t *out);
void tm_cidr_format(const tm_cidr_t *cidr, char *buf, size_t buflen);
bool tm_cidr_contains(const tm_cidr_t *cidr, const tm_ip_t *ip);
/* Compares the first prefix bits of two addresses of the same family. */
bool tm_ip_prefix_match(const tm_ip_t *a, const tm_ip_t *b, unsigned prefix);
/* ::ffff:a.b.c.d becomes a.b.c.d (RFC 7208 section 5: such clients are
 * evaluated as IPv4). */
void tm_ip_unmap_v4(tm_ip_t *ip);
/* Number of addresses in an IPv4 block (2^(32-prefix)); 0 for IPv6. */
uint64_t tm_cidr_size_v4(const tm_cidr_t *cidr);
/* The index-th address of an IPv4 block. */
void tm_cidr_nth_v4(const tm_cidr_t *cidr, uint32_t index, tm_ip_t *out);

/* ---- text hygiene for untrusted bytes ---------------------------------- */

/* Decodes one UTF-8 sequence at s[0..len) (len >= 1): its length, with *cp
 * set, or 0 when the bytes are not a valid shortest-form sequence. */
size_t tm_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* True when the bytes are valid UTF-8 (no overlongs, no surrogates). */
bool tm_utf8_valid(const char *s, size_t len);
/* Appends s to buf as valid UTF-8: each invalid byte becomes U+FFFD.
 * Control characters are kept (JSON escapes them). */
tm_status_t tm_utf8_sanitize(tm_buf_t *buf, const char *s, size_t len);
/* The one escaping policy for bytes the tool did not write (src/lib/util/
 * text.c lists it; docs/tmems-check.1 documents it): invisible or acting
 * characters and invalid UTF-8 become \xNN, \uNNNN or \UNNNNNNNN, and a
 * backslash \\, so DNS data cannot move the cursor, change colours,
 * retitle a window or hide text, and every byte shows once. */
tm_status_t tm_text_escape(tm_buf_t *buf, const char *s, size_t len);
/* The same for the inside of a quoted string: '"' also becomes \". */
tm_status_t tm_text_escape_quoted(tm_buf_t *buf, const char *s, size_t len);
/* The same for data that must be ASCII (an SPF record, an HTTP header
 * field): also every byte outside ASCII becomes \xNN. */
tm_status_t tm_text_escape_ascii(tm_buf_t *buf, const char *s, size_t len);
/* For text that already shows untrusted bytes escaped (a finding that
 * quotes DNS data): hidden characters are escaped, a backslash stays, so
 * nothing is escaped twice. */
tm_status_t tm_text_neutralize(tm_buf_t *buf, const char *s, size_t len);
/* Which of the above: */
typedef enum {
    TM_TEXT_RAW,        /* tm_text_escape */
    TM_TEXT_QUOTED,     /* tm_text_escape_quoted */
    TM_TEXT_ASCII,      /* tm_text_escape_ascii */
    TM_TEXT_NEUTRALIZE  /* tm_text_neutralize */
} tm_text_escaping_t;
/* Escaped text for a message, in a fixed array: at most outlen - 1 bytes
 * and a NUL; when the escapes of the whole text do not fit, as many whole
 * characters as do, then "...".  No allocation.  Returns out. */
const char *tm_text_escape_cut(char *out, size_t outlen, const char *s, size_t len,
                               tm_text_escaping_t mode);
/* True for the characters the policy escapes (C0, DEL, C1, bidirectional
 * and invisible format characters, tags). */
bool tm_text_is_hidden(uint32_t cp);
/* Display width of UTF-8 text on a terminal (East Asian wide = 2). */
size_t tm_text_width(const char *s);

#endif
