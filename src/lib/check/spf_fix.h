/* spf_fix.h - the SPF record to publish instead: built from the current
 * record, so a fix keeps the user's own senders, and printed only when it
 * really fixes the finding and breaks nothing (internal to checks). */
#ifndef TMEMS_CHECK_SPF_FIX_H
#define TMEMS_CHECK_SPF_FIX_H

#include "tmems/tm_check.h"
#include "tmems/tm_spf.h"

/* What the finding showing the record needs from it; a record is printed
 * only when, published, it makes that check pass. */
typedef enum {
    TM_SPF_GOAL_PRESENT = 0, /* a record at all (spf.present) */
    TM_SPF_GOAL_INCLUDE,     /* the site include, not the legacy one (spf.include) */
    TM_SPF_GOAL_LOOKUPS,     /* at most 8 lookups: within the limit with headroom */
    TM_SPF_GOAL_VOID,        /* at most 2 void lookups */
    TM_SPF_GOAL_ALL,         /* ends in ~all or -all (or redirect=) */
    TM_SPF_GOAL_RANGES,      /* every data-center address passes */
    TM_SPF_GOAL_HARDCODED    /* no ip4:/ip6: term of a data-center range */
} tm_spf_goal_t;

/* Why no record can be printed (TM_SPF_FIXABLE when one can). */
typedef enum {
    TM_SPF_FIXABLE = 0,
    TM_SPF_NOFIX_SYNTAX,     /* the apex record does not parse */
    TM_SPF_NOFIX_SAME,       /* the safe changes leave the record as published */
    TM_SPF_NOFIX_UNKNOWN,    /* part of the tree is unknown: the new count is too */
    TM_SPF_NOFIX_LOOKUPS,    /* adding or moving the include costs too much */
    TM_SPF_NOFIX_SIZE,       /* the TXT answer would pass 512 bytes */
    TM_SPF_NOFIX_GOAL        /* the safe changes do not reach the goal */
} tm_spf_fixability_t;

/* The record derived from the published one, and what it costs. */
typedef struct {
    tm_buf_t text;           /* the record (no zone-file quoting) */
    bool fresh;              /* there is no record: a new one */
    bool include_first;      /* the site include is put right after v=spf1 */
    bool include_added;      /* ... and the apex record did not name it */
    bool legacy_replaced;
    size_t dead_dropped;     /* a/mx/exists terms naming hosts that do not exist */
    size_t ranges_dropped;   /* ip4/ip6 terms inside the data-center ranges */
    size_t hardcoded_left;   /* hard-coded range terms still in the tree */
    bool changed;            /* differs from the published record */
    bool exact;              /* the counts below are known exactly */
    unsigned lookups_before, lookups_after;
    unsigned void_after;
    tm_spf_fixability_t fixability; /* for the goal asked */
} tm_spf_suggestion_t;

/* Derives the record for goal: the current apex record with the legacy
 * include replaced by the site include, the site include put first (right
 * after v=spf1) when it is missing, sits behind the lookup limit, or when
 * some data-center address does not pass; ip4:/ip6: terms that lie wholly
 * inside the data-center ranges dropped (once the include is reachable);
 * a/mx/exists terms naming non-existent hosts dropped; +all and ?all as
 * ~all, and ~all added when neither all nor redirect= ends the record.  A
 * fresh record when there is none.  Without outbound protection
 * (--no-outbound) the include is added or moved only for the goals that
 * are about it (present, include, ranges, hardcoded).  s->fixability says
 * whether the result is a fix for goal.  Clear with tm_spf_suggestion_clear. */
tm_status_t tm_spf_suggest(const tm_check_ctx_t *ctx, tm_spf_goal_t goal, tm_spf_suggestion_t *s);
void tm_spf_suggestion_clear(tm_spf_suggestion_t *s);
/* The record of tm_spf_suggest for goal include, as text into out. */
tm_status_t tm_spf_suggest_record(const tm_check_ctx_t *ctx, tm_buf_t *out);
/* Adds the suggestion to the finding's fix as a zone-file line (split into
 * 255-byte character-strings, RFC 7208 section 3.3) when it is a fix for
 * goal; otherwise says, in words, why no record is printed and what to do
 * first.  *printed (may be NULL) tells which. */
tm_status_t tm_spf_fix_line(const tm_check_ctx_t *ctx, tm_spf_goal_t goal, tm_finding_t *out,
                            bool *printed);
/* When the count cannot be brought within the goal by safe changes: says
 * that which senders to drop is the user's decision and how many lookups
 * must go; with list, lists the apex terms that cost lookups with their
 * cost (the site include marked as needed for TMEmS). */
tm_status_t tm_spf_fix_decide(const tm_check_ctx_t *ctx, const tm_spf_suggestion_t *s, bool list,
                              tm_finding_t *out);

#endif
