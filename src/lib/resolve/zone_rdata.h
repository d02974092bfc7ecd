/* zone_rdata.h - record values as the octoDNS and DNSControl readers find
 * them (text) turned into the wire form a zone keeps (internal).
 *
 * A zone file's RDATA comes from libzscanner already in wire form; the
 * other formats hold names and strings, which these helpers encode the way
 * RFC 1035 section 3.3 lays them out, so that every format ends in the same
 * records (src/lib/resolve/zone.c). */
#ifndef TMEMS_RESOLVE_ZONE_RDATA_H
#define TMEMS_RESOLVE_ZONE_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_status.h"
#include "tmems/tm_util.h"

/* The longest RDATA (RFC 1035 section 3.2.1: RDLENGTH is 16 bits). */
#define ZRD_MAX 65535

typedef struct {
    uint8_t data[ZRD_MAX];
    size_t len;
} zrd_t;

/* The full name of an owner or a target written relative to origin: "" and
 * "@" are the origin, a name ending in '.' is absolute (the dot dropped),
 * anything else gets ".origin" appended.  Lower case.  False when the
 * result is longer than a name can be. */
bool zrd_full_name(const char *text, const char *origin, char *out, size_t outlen);

/* Appends a name in text form (labels separated by '.', "\." and "\DDD"
 * escapes as in a zone file, RFC 1035 section 5.1) in uncompressed wire
 * form.  False when it is not a name: an empty label, a label over 63
 * octets, more than 255 octets. */
bool zrd_put_name(zrd_t *rd, const char *name);
bool zrd_put_u16(zrd_t *rd, uint16_t v);
/* One character-string (RFC 1035 section 3.3): false over 255 octets. */
bool zrd_put_string(zrd_t *rd, const char *s, size_t len);
/* A TXT value as bytes: one or more character-strings of at most 255
 * octets each (a longer text is cut every 255 octets, as RFC 7208 section
 * 3.3 expects publishers to do). */
bool zrd_put_text(zrd_t *rd, const char *s, size_t len);

/* A: dotted quad; AAAA: RFC 4291 text.  False when not an address. */
bool zrd_put_a(zrd_t *rd, const char *text);
bool zrd_put_aaaa(zrd_t *rd, const char *text);

/* octoDNS writes ';' in TXT values escaped as "\;" and may give a value as
 * quoted chunks ("part one" "part two").  Appends the strings of such a
 * value to rd: each quoted chunk one character-string (\" \\ \; unescaped),
 * an unquoted value its text with "\;" unescaped, cut every 255 octets.
 * False when the value cannot be TXT (an unterminated chunk, a chunk over
 * 255 octets, the whole over 65535). */
bool zrd_put_octodns_txt(zrd_t *rd, const char *value);

/* The deprecated SPF RR type (RFC 7208 section 3.1): published as such,
 * never read by receivers, so it never counts as a TXT record here. */
#define ZRD_TYPE_SPF 99

/* The record types the checks read (tm_rrtype_t), from their names in any
 * case; "SPF" gives ZRD_TYPE_SPF (its value is written as TXT's) with
 * *was_spf set.  0 for another type: the readers skip it. */
uint16_t zrd_type(const char *name, bool *was_spf);

#endif
