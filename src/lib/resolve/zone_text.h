/* zone_text.h - a zone file's text made readable by libzscanner, with BIND's
 * meaning kept (internal to zone.c).
 *
 * named-checkzone loads files that libzscanner (Knot DNS 3.2) refuses; the
 * bytes are rewritten, never the meaning:
 *   - a byte outside printable ASCII (UTF-8 text, control bytes, NUL) in a
 *     name or a string: BIND keeps it as it is, libzscanner accepts it only
 *     as \DDD (RFC 1035 section 5.1), so it is written \DDD;
 *   - CR: BIND ends a line at a CR outside quotes and comments (CRLF is one
 *     line end) and keeps it as a byte inside quotes; libzscanner refuses
 *     it everywhere;
 *   - $GENERATE (BIND's extension, not in libzscanner): expanded into the
 *     records it stands for, as BIND does.
 * Line numbers of the result are mapped back to the file's own, so errors
 * keep file:line. */
#ifndef TMEMS_RESOLVE_ZONE_TEXT_H
#define TMEMS_RESOLVE_ZONE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_util.h"

typedef struct {
    uint64_t out_first;  /* first line of the result in this segment */
    uint64_t src_first;  /* its line in the file */
    bool same_line;      /* every line of the segment comes from src_first ($GENERATE) */
} zone_line_seg_t;

typedef struct {
    tm_buf_t text;       /* for libzscanner */
    zone_line_seg_t *segs;
    size_t nsegs, segs_cap;
    uint64_t out_line;   /* lines written so far */
    size_t generated;    /* records written by $GENERATE */
    bool has_nul;        /* the file holds a NUL byte: maybe not a zone file */
    bool long_string;    /* the line just converted has a quoted string longer
                            than 255 bytes */
    bool origin_set;     /* a $ORIGIN came before the first record */
    bool saw_record;
} zone_text_t;

/* Rewrites src[0..len) into out (initialised here; free with
 * zone_text_free).  generate_max bounds the records $GENERATE may write.
 * TM_EPARSE for a $GENERATE line BIND would refuse: *line gets its line and
 * why a translated reason; TM_ERANGE past a bound; TM_ENOMEM. */
tm_status_t zone_text_prepare(const char *src, size_t len, size_t generate_max,
                              zone_text_t *out, uint64_t *line, char *why, size_t whylen);
/* The file's line of a line of the result (both from 1). */
uint64_t zone_text_source_line(const zone_text_t *t, uint64_t out_line);
void zone_text_free(zone_text_t *t);

#endif
