/* tm_rdata.h - record data in wire form (RFC 1035 sections 3.1 and 3.3) to
 * the tool's records: the one decoder of names and RDATA, for the records
 * of a DNS message (src/lib/dns/wire.c, whose names may be compressed) and
 * those of a zone file (src/lib/resolve/zone.c: libzscanner hands them over
 * uncompressed), hence public in the dns layer (src/lib/dns/rdata.c). */
#ifndef TMEMS_TM_RDATA_H
#define TMEMS_TM_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_dns.h"

/* RFC 1035 section 3.1: at most 255 octets on the wire.  The text form can
 * grow fourfold when every byte needs a \DDD escape. */
#define TM_DNS_WIRE_NAME_MAX 255
#define TM_DNS_TEXT_NAME_MAX (TM_DNS_WIRE_NAME_MAX * 4 + 1)

/* Writes one label of n bytes in presentation form at out + at: ASCII
 * lower case; the dot, the backslash and bytes outside printable ASCII as
 * \DDD (RFC 1035 section 5.1), so that a hostile label cannot forge a
 * label boundary.  out needs 4 * n bytes of room there.  Returns the new
 * end. */
size_t tm_dns_label_text(char *out, size_t at, const uint8_t *label, size_t n);

/* An uncompressed name in wire form at the cursor, in text form (labels as
 * above, no trailing dot, "" for the root); the cursor moves past it.  False
 * when it is malformed (a label over 63 octets, a compression pointer, over
 * 255 octets, or past the end), the cursor then unmoved. */
bool tm_dns_name_text(tm_cursor_t *cur, char out[TM_DNS_TEXT_NAME_MAX]);

/* The inverse: a name in presentation form (RFC 1035 section 5.1: \X and
 * \DDD escapes; a trailing dot or none; "" and "." the root) as an
 * uncompressed wire name, bytes as written (no case change), *len its
 * length.  False when it is no name: an empty label, a label over 63
 * octets, over 255 octets, \DDD over 255 or a dangling backslash. */
bool tm_dns_name_wire(const char *text, uint8_t out[TM_DNS_WIRE_NAME_MAX], size_t *len);

/* How a name inside RDATA is read: from a whole message, following
 * compression pointers (wire.c), or uncompressed (NULL: tm_dns_name_text).
 * On failure the reader says why itself. */
typedef bool (*tm_rdata_name_reader_t)(void *arg, tm_cursor_t *cur,
                                       char out[TM_DNS_TEXT_NAME_MAX]);

typedef struct {
    tm_rdata_name_reader_t read_name; /* NULL: uncompressed names */
    void *arg;
    char *why;                        /* the reason of a failure (may be NULL): */
    size_t whylen;                    /* written when empty, translated */
} tm_rdata_reader_t;

/* Reads the name that fills the rest of a record's data (the target of a
 * CNAME, PTR, NS or MX record); type names the record in the reason.
 * TM_EPARSE when it is malformed or followed by stray bytes. */
tm_status_t tm_rdata_name_last(const tm_rdata_reader_t *reader, tm_cursor_t *rdata,
                               uint16_t type, char out[TM_DNS_TEXT_NAME_MAX]);

/* Decodes one record of type from its RDATA (rdata bounded to the record's
 * data) and adds it to ans with ttl, or only checks it when ans is NULL.
 * A, AAAA, MX, TXT (each character-string kept), CNAME, PTR, NS and SOA
 * are decoded; a record of another type has no tm_rr_t form and is
 * accepted without data.  TM_EPARSE when the RDATA is malformed, TM_ERANGE
 * for a TXT record of more than TM_TXT_MAX_STRINGS strings (both with the
 * reason), TM_ENOMEM. */
tm_status_t tm_rdata_add(tm_answer_t *ans, uint16_t type, uint32_t ttl, tm_cursor_t *rdata,
                         const tm_rdata_reader_t *reader);

#endif
