/* tm_watch.h - `tmems-check watch`: the MX cutover (or its rollback) seen
 * from every authoritative server and every resolver, poll after poll,
 * until the servers agree on the expected state (docs/watch.md).
 *
 * Two parts:
 *  - pure, here (the judge layer, src/lib/watch/): what one server serves
 *    as canonical texts compared as sets, the judgement of one server's
 *    view with the checks of a normal run, the cache horizon, the outcome
 *    at the end, and what a watch knows (its rows, snapshot and events),
 *    which the report layer renders;
 *  - the watch itself (the run layer, tmems/tm_watch_run.h,
 *    src/lib/run/watch.c): finding the zone and its name servers, asking
 *    each server directly at every interval on the resolver's event loop
 *    (src/lib/probe/ask.c), and telling the caller every change through a
 *    callback.  It never prints. */
#ifndef TMEMS_TM_WATCH_H
#define TMEMS_TM_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_check.h"
#include "tmems/tm_dns.h"
#include "tmems/tm_rules.h"
#include "tmems/tm_status.h"

/* Rows of the watch: authoritative addresses and resolvers together.  A
 * zone with more name-server addresses is watched on the first ones and
 * the snapshot says it was cut. */
#define TM_WATCH_MAX_SERVERS 32
/* Name servers of the zone looked up at most (each with A and AAAA). */
#define TM_WATCH_MAX_NS 16
/* Questions one poll asks each server: the apex SOA, the domain's MX and
 * TXT (docs/watch.md "Load"). */
#define TM_WATCH_QUESTIONS_PER_SERVER 3
/* --expect-mx values at most. */
#define TM_WATCH_MAX_EXPECT_MX 8

typedef enum {
    TM_WATCH_AUTHORITATIVE = 0, /* a name server of the zone, asked with RD=0 */
    TM_WATCH_RESOLVER           /* a recursive resolver (--server, --doh, the system's) */
} tm_watch_role_t;

const char *tm_watch_role_name(tm_watch_role_t role); /* "authoritative", "resolver" */

typedef enum {
    TM_WATCH_PENDING = 0, /* not asked yet */
    TM_WATCH_READY,       /* serves the expected state */
    TM_WATCH_OLD,         /* still serves what it served at its first answer */
    TM_WATCH_OTHER,       /* serves something else (the reason says what) */
    TM_WATCH_FAILED       /* could not be asked, or its view could not be judged
                             (the reason says why); asked again next poll */
} tm_watch_state_t;

const char *tm_watch_state_name(tm_watch_state_t state); /* "pending", "ready", ... */

/* ---- what one server serves (pure, src/lib/watch/facts.c) ---------------- */

/* Canonical texts of one server's answers: equal texts mean equal record
 * sets (order and TTLs aside), so two servers are compared by strcmp. */
typedef struct {
    bool answered;      /* the MX and TXT questions both got an answer that is
                           not a failure (NXDOMAIN and NODATA are answers) */
    bool serial_known;
    uint32_t serial;
    char *mname;        /* the SOA MNAME, lower case; NULL when unknown */
    char *mx;           /* "10 a.example, 20 b.example" in preference order; ""
                           for none; NULL when not answered */
    uint32_t mx_ttl;    /* the lowest TTL of the MX records, 0 for none */
    char *token;        /* the tmes= TXT records, quoted (tm_quote_dns), sorted,
                           joined by ", "; "" for none */
    char *spf;          /* the v=spf1 records, likewise */
} tm_watch_facts_t;

/* Fills *out from one server's answers (any may be NULL).  The caller
 * clears it with tm_watch_facts_clear.  TM_ENOMEM leaves it cleared. */
tm_status_t tm_watch_facts_from(const tm_rules_t *rules, const tm_answer_t *soa,
                                const tm_answer_t *mx, const tm_answer_t *txt,
                                tm_watch_facts_t *out);
void tm_watch_facts_clear(tm_watch_facts_t *facts);
tm_status_t tm_watch_facts_copy(const tm_watch_facts_t *from, tm_watch_facts_t *to);
/* True when both answered and serve the same MX, token and SPF sets. */
bool tm_watch_facts_same(const tm_watch_facts_t *a, const tm_watch_facts_t *b);

/* ---- the expected state (pure, src/lib/watch/expect.c) ------------------- */

/* Given with --expect-mx and --expect-spf; with neither, the expected state
 * is what the checks of a normal run want after the cutover. */
typedef struct {
    const char *mx[TM_WATCH_MAX_EXPECT_MX]; /* "HOST" or "PREF HOST" */
    size_t nmx;
    const char *spf; /* the whole v=spf1 record, or "none" for no SPF record;
                        NULL = not compared */
} tm_watch_expect_t;

bool tm_watch_expect_given(const tm_watch_expect_t *expect);
/* Checks one --expect-mx value: a host name, optionally after a preference
 * (0-65535) and a space.  On failure *why gets a static English reason
 * (show it with _()). */
bool tm_watch_expect_mx_valid(const char *value, const char **why);
/* Checks an --expect-spf value: "none", or a record starting "v=spf1"
 * followed by a space or its end (RFC 7208 section 4.5), at most 2048 bytes. */
bool tm_watch_expect_spf_valid(const char *value, const char **why);
/* True when the answers serve the expected MX set (every host given, no
 * other, at the given preferences) and the expected SPF record (exactly
 * that one).  Parts not given are not compared. */
bool tm_watch_expect_met(const tm_watch_expect_t *expect, const tm_answer_t *mx,
                         const tm_answer_t *txt);

/* ---- the judgement of one view (pure, src/lib/watch/judge.c) ------------- */

typedef struct {
    const char *domain;              /* ASCII, canonical */
    const char *display;             /* for people */
    const tm_rules_t *rules;
    const tm_check_options_t *opts;  /* as tm_watch_check_options makes them */
    const tm_watch_expect_t *expect; /* NULL or nothing given: the checks decide */
    const tm_answer_t *mx, *txt;     /* what the server served for the domain */
    const tm_rrset_t *support;       /* every other name the checks read, asked
                                        of the resolvers; may lack some */
    const tm_rrset_t *support_failed;/* this poll's failed support answers; may be NULL */
    const tm_watch_facts_t *facts;    /* of mx and txt */
    const tm_watch_facts_t *baseline; /* the server's first answer; may be NULL */
    bool strict;                      /* --strict: a warning keeps it from ready */
} tm_watch_view_t;

typedef struct {
    tm_watch_state_t state;
    tm_verdict_t verdict;   /* the checks' verdict on the view */
    const char *check_id;   /* the first check that keeps the view from ready
                               (a static catalogue id), or NULL */
    char *reason;           /* one translated line for OTHER and FAILED (the
                               summary of that check, or what differs from the
                               expected state), or NULL */
    char company[TM_LABEL_MAX + 1]; /* the company ID the checks used, "" if none */
} tm_watch_judgement_t;

/* The checks of a normal run for watching: phase post (what the checks
 * want after the cutover) unless an expected state is given (then auto),
 * without the probes of --authoritative and --smtp and without
 * rules.current, which say nothing about one server's view. */
void tm_watch_check_options(const tm_check_options_t *given, const tm_watch_expect_t *expect,
                            tm_check_options_t *out);

/* Judges one view.  When the checks need names that neither support rrset
 * holds, they are added to need (which the caller clears first) and the
 * judgement is PENDING: the caller asks them and judges again.  The caller
 * frees out->reason with tm_watch_judgement_clear. */
tm_status_t tm_watch_judge(const tm_watch_view_t *view, tm_questions_t *need,
                           tm_watch_judgement_t *out);
void tm_watch_judgement_clear(tm_watch_judgement_t *j);

/* ---- the cache horizon (pure, src/lib/watch/horizon.c) ------------------- */

/* A resolver that fetched the old MX just before the last authoritative
 * server changed keeps it for the old TTL (RFC 1035 section 3.2.1; RFC 2181
 * section 8), so every cache has dropped it by the time the change was
 * first seen everywhere plus that TTL.  The change happened at most one
 * poll before it was seen: the bound is "at the latest". */
typedef struct {
    bool known;
    int64_t at_ms;      /* wall clock, milliseconds since the epoch */
    uint32_t ttl_s;     /* the old MX TTL used */
    bool ttl_given;     /* from the option, not remembered from the first poll */
} tm_watch_horizon_t;

/* all_ready_since_ms: the wall time of the poll since which every
 * authoritative server serves the expected state, or -1 while one does not.
 * ttl_known: an old MX TTL was seen (or given). */
void tm_watch_horizon_compute(int64_t all_ready_since_ms, bool ttl_known, uint32_t old_ttl_s,
                              bool ttl_given, tm_watch_horizon_t *out);
/* The old MX TTL remembered: the highest MX TTL among the authoritative
 * servers' first answers that were not yet the expected state. */
void tm_watch_old_ttl_note(const tm_watch_facts_t *first, tm_watch_state_t first_state,
                           bool *known, uint32_t *ttl_s);

/* ---- the outcome (pure, src/lib/watch/outcome.c) ------------------------- */

/* Why a server keeps the watch from its goal at the end. */
typedef enum {
    TM_WATCH_WHY_NONE = 0,
    TM_WATCH_WHY_STALE_SECONDARY,  /* same primary (SOA MNAME), older serial: it
                                      has not transferred the change */
    TM_WATCH_WHY_OTHER_PROVIDER,   /* its SOA names another primary: a copy of the
                                      zone nobody updates (a forgotten provider) */
    TM_WATCH_WHY_SAME_SERIAL,      /* the serial of the servers that changed, other
                                      records: the serial was not increased */
    TM_WATCH_WHY_UNCHANGED,        /* no authoritative server serves the expected
                                      state: the change is not in the zone */
    TM_WATCH_WHY_UNASKED,          /* could not be asked (or judged) */
    TM_WATCH_WHY_CACHE_STALE,      /* a resolver past the horizon still serves
                                      another state */
    TM_WATCH_WHY_BEFORE_HORIZON    /* --until caches: the deadline came before the
                                      horizon */
} tm_watch_why_t;

const char *tm_watch_why_name(tm_watch_why_t why); /* "stale_secondary", ... */

typedef enum {
    TM_WATCH_REACHED = 0, /* exit 0 */
    TM_WATCH_WRONG,       /* exit 1: a server still serves a wrong state */
    TM_WATCH_UNASKED_END  /* exit 3: servers could not be asked */
} tm_watch_outcome_t;

const char *tm_watch_outcome_name(tm_watch_outcome_t outcome); /* "reached", "wrong", "unasked" */
int tm_watch_outcome_exit_status(tm_watch_outcome_t outcome);   /* 0, 1, 3 */

/* What the outcome reads of one row. */
typedef struct {
    tm_watch_role_t role;
    tm_watch_state_t state;
    const tm_watch_facts_t *facts; /* the latest answer; NULL when none */
    bool skipped;                  /* never asked on purpose (no route) */
    tm_watch_why_t why;            /* set by tm_watch_outcome_judge */
} tm_watch_row_t;

/* Whether the goal is reached now: every authoritative row ready and, with
 * until_caches, the horizon passed (now_ms) and every resolver ready. */
bool tm_watch_goal_reached(const tm_watch_row_t *rows, size_t n, bool until_caches,
                           const tm_watch_horizon_t *horizon, int64_t now_ms);
/* The outcome at the end (the goal reached, or the deadline), with each
 * row's why: a wrong authoritative state wins (1), then servers not asked
 * (3), then the caches of --until caches (1, or 3 for a resolver not
 * asked). */
tm_watch_outcome_t tm_watch_outcome_judge(tm_watch_row_t *rows, size_t n, bool reached,
                                          bool until_caches, const tm_watch_horizon_t *horizon,
                                          int64_t now_ms);

/* ---- what a watch knows (src/lib/run/watch.c fills it) ------------------ */

/* One row of the watch as the caller reads it. */
typedef struct {
    tm_watch_role_t role;
    char host[TM_NAME_MAX + 1];  /* the NS host; "" for a resolver */
    char address[128];           /* "192.0.2.1", "2001:db8::1", "127.0.0.1:5353",
                                    a DoH URL, or "" for the system's resolver */
    tm_watch_state_t state;
    tm_watch_facts_t facts;      /* the latest answer (facts.answered false when
                                    none yet) */
    tm_answer_t *mx, *txt;       /* the latest answers (references), or NULL */
    tm_watch_facts_t first;      /* its first answer (the old state) */
    bool has_first;
    tm_verdict_t verdict;        /* the checks' verdict on the latest view */
    const char *check_id;        /* see tm_watch_judgement_t */
    char *reason;                /* translated, raw DNS data inside; or NULL */
    bool skipped;                /* not asked: this machine has no route to it */
    unsigned failures;           /* polls in a row that could not ask it */
    int64_t changed_ms;          /* wall time of its last change */
    tm_watch_why_t why;          /* at the end */
} tm_watch_server_t;

typedef enum {
    TM_WATCH_EV_START = 0, /* the zone and its servers are known */
    TM_WATCH_EV_CHANGE,    /* a row changed state, serial or records */
    TM_WATCH_EV_POLL,      /* a poll ended */
    TM_WATCH_EV_HORIZON,   /* the horizon became known, or moved */
    TM_WATCH_EV_RETRY,     /* finding the zone or its servers failed; retried */
    TM_WATCH_EV_TICK,      /* tick_ms passed (a live display redraws) */
    TM_WATCH_EV_END        /* the goal is reached or the deadline passed */
} tm_watch_event_kind_t;

/* Everything known, read-only for the caller. */
typedef struct {
    const char *domain, *display;
    char apex[TM_NAME_MAX + 1];     /* "" until found */
    tm_watch_server_t servers[TM_WATCH_MAX_SERVERS];
    size_t count;
    size_t nauth;                   /* the first nauth rows are authoritative */
    bool truncated;                 /* more name-server addresses than fit */
    bool expect_given;
    const tm_watch_expect_t *expect;
    const char *company;            /* --company, or the one the ready views name */
    tm_watch_horizon_t horizon;
    bool old_ttl_known;
    uint32_t old_ttl_s;
    int64_t started_ms;             /* wall clock */
    long long elapsed_ms;
    unsigned polls;
    unsigned interval_ms, deadline_ms;
    bool until_caches;
    bool ended;
    tm_watch_outcome_t outcome;
    char *retry_reason;             /* the latest failure to find the zone */
} tm_watch_snapshot_t;

typedef struct {
    tm_watch_event_kind_t kind;
    size_t server;                  /* CHANGE: the row */
    tm_watch_state_t previous;      /* CHANGE: its state before */
    int64_t wall_ms;
    const tm_watch_snapshot_t *snap;
} tm_watch_event_t;

#endif
