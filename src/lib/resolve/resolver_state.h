/* resolver_state.h - the resolver's state (tmems/tm_resolve.h), shared by
 * the files that each keep one part of it.  Private to src/lib/resolve/.
 *
 * Every (name, type) question is answered once per resolver, from the zone
 * file whose origin covers it, else offline from the static records, else
 * from DNS with many questions in flight at once.  Each question gets one
 * cache entry; callers wait on an entry through waiters; an entry is QUEUED
 * (waiting for a free in-flight slot), SENT, CHASING or DONE with its
 * answer.  Answers are handed to callbacks only from tm_resolver_run, so a
 * caller never sees its callback run inside its own submit.
 *
 *   resolver.c   the API: create, submit, run, post, stats, fetch
 *   waiters.c    who waits for which entry, and handing answers out
 *   cache.c      the entries by question, and their eviction (CLOCK)
 *   dispatch.c   where a question is answered: zones, static records, DNS
 *   transport.c  the questions on the network (c-ares or DoH): sends,
 *                tries, truncation, timeouts, unreachable servers
 *   query_id.c   the query IDs (query_id.h)
 *   window.c     how many questions are on the network at once (window.h)
 *   loop.c       the poll() loop of the transport and the sources (loop.h) */
#ifndef TMEMS_RESOLVE_RESOLVER_STATE_H
#define TMEMS_RESOLVE_RESOLVER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cares.h"
#include "doh.h"
#include "loop.h"
#include "query_id.h"
#include "window.h"
#include "tmems/tm_resolve.h"

/* A name longer than this cannot be a domain name in any form. */
#define TM_RESOLVER_NAME_TEXT_MAX 1024

/* CHASING: a zone's CNAME left every zone and the entry waits for the DNS
 * answer of the target. */
typedef enum { ENTRY_QUEUED, ENTRY_SENT, ENTRY_CHASING, ENTRY_DONE } entry_state_t;

typedef struct entry entry_t;

typedef struct waiter {
    tm_resolve_cb cb;
    void *arg;
    entry_t *entry;
    struct waiter *next;
} waiter_t;

struct entry {
    tm_resolver_t *res;
    char *name;             /* lower case, no trailing dot */
    uint16_t type;
    entry_state_t state;
    bool via_tcp;           /* the UDP answer was truncated */
    uint16_t id;            /* the query ID while SENT, the same for every try */
    unsigned tries;         /* tries sent for the current transport (UDP or TCP) */
    unsigned long seq;      /* the window's number of the latest try */
    long long sent_us;      /* when the latest try went out */
    tm_answer_t *answer;    /* DONE: the answer, or NULL when it could not be built */
    waiter_t *waiters;      /* callers waiting for the answer */
    waiter_t **waiters_tail;
    entry_t *hash_next;
    entry_t *queue_next;    /* the send FIFO */
    unsigned ready;         /* its waiters on the ready list: they read answer */
    bool referenced;        /* asked again since the clock hand last passed */
    bool in_ring;           /* on the eviction clock (once handed out) */
    entry_t *ring_prev, *ring_next; /* answered entries, for the eviction clock */
};

struct tm_resolver {
    unsigned timeout_ms, tries;
    bool offline, norecurse;
    const tm_static_records_t *records;
    tm_zone_t *zones[TM_RESOLVER_MAX_ZONES];
    size_t nzones;
    tm_cares_t *net;        /* NULL offline: no socket is ever made */
    tm_doh_t *doh;          /* --doh: every query goes here, net stays NULL */
    const tm_doh_api_t *doh_api; /* the DoH plugin's table, with doh */
    char where[320];        /* the servers or the URL, for failure messages */
    tm_poll_source_t transport; /* net or doh as the loop's first source */
    tm_loop_t loop;         /* the poll() of the transport and the sources */
    long long deadline_at;  /* monotonic ms; 0 = none */
    unsigned deadline_ms;
    tm_resolver_failure_t failure_kind;
    char failure[512];      /* the first failure, translated */
    unsigned long answers;  /* DNS messages received: a server that sent one
                               is reachable, so its silence is a TIMEOUT */
    bool silence_is_timeout; /* tm_resolver_options_t */

    entry_t **buckets;
    size_t nbuckets, nentries;
    /* CLOCK (second chance): answered entries nobody asked again since the
     * hand last passed are evicted once the cache holds `capacity`. */
    entry_t *ring_head, *ring_tail, *hand;
    size_t capacity;
    size_t sweep_rest;      /* new entries that skip the sweep: see cache.c */

    entry_t *queue_head, **queue_tail;
    size_t queued;          /* entries in the send FIFO */
    size_t in_flight, max_in_flight;
    tm_window_t window;
    long long pace_due_ms;  /* questions wait for pacing until then; -1 none */
    tm_query_ids_t ids;     /* the IDs of the queries in flight */

    waiter_t *ready_head, **ready_tail; /* answers to hand out from run */
    tm_resolver_call_t *calls_head, **calls_tail; /* tm_resolver_post */
    size_t pending;         /* waiters not yet called back */
    bool oom;               /* an answer could not be built: run reports it */
    bool nested;            /* runs in another's loop: hands out NULL for an answer
                               that could not be built (nobody reads run's status) */
    tm_status_t loop_error; /* the transport's bookkeeping failed: run reports it */
    tm_resolver_stats_t stats;
};

/* ---- resolver.c ---- */

/* Records the run's first failure (later ones follow from it). */
void tm_resolver_set_failure(tm_resolver_t *res, tm_resolver_failure_t kind, const char *fmt,
                             ...) __attribute__((format(printf, 3, 4)));

/* ---- cache.c ---- */

/* The empty cache; TM_ENOMEM. */
tm_status_t tm_rcache_init(tm_resolver_t *res);
/* The entry of (name, type), canonical name; NULL when there is none. */
entry_t *tm_rcache_find(const tm_resolver_t *res, const char *name, uint16_t type);
/* A new entry for (name, type), after making room; TM_ERANGE past the
 * bound of entries, TM_ENOMEM. */
tm_status_t tm_rcache_add(tm_resolver_t *res, const char *name, uint16_t type, entry_t **out);
/* e's answer may have been handed out for the last time: it goes on the
 * eviction clock once nobody waits for it. */
void tm_rcache_retire(tm_resolver_t *res, entry_t *e);
/* Frees every entry, its waiters and the table. */
void tm_rcache_clear(tm_resolver_t *res);

/* ---- waiters.c ---- */

/* Makes w wait for the answer of (name, type): from the cache, by joining
 * the question in flight, or by asking it (count_hit: a cache hit counts
 * in the statistics). */
tm_status_t tm_rwait_attach(tm_resolver_t *res, const char *name, uint16_t type, waiter_t *w,
                            bool count_hit);
/* e has its answer (NULL: it could not be built): every waiter becomes
 * ready. */
void tm_rwait_finish(tm_resolver_t *res, entry_t *e, tm_answer_t *ans_own);
/* Calls back every waiter that was ready when it started. */
void tm_rwait_deliver(tm_resolver_t *res);
/* Takes back every waiter of (cb, arg). */
void tm_rwait_forget(tm_resolver_t *res, tm_resolve_cb cb, void *arg);
/* Frees the waiters still on the ready list. */
void tm_rwait_clear(tm_resolver_t *res);

/* ---- dispatch.c ---- */

/* Loads the zone files of opts. */
tm_status_t tm_rsrc_load_zones(tm_resolver_t *res, const tm_resolver_options_t *opts,
                               char *err, size_t errlen);
/* An answer of the outcome with its reason; NULL for out of memory. */
tm_answer_t *tm_rsrc_error_answer(const char *name, uint16_t type, tm_dns_outcome_t outcome,
                                  const char *reason);
/* Where a new entry goes: answered now (zone, static records, offline
 * unknown), after a chase, or into the send FIFO. */
void tm_rsrc_dispatch(tm_resolver_t *res, entry_t *e);

/* ---- transport.c ---- */

/* The c-ares or DoH transport of opts (not offline). */
tm_status_t tm_rnet_setup(tm_resolver_t *res, const tm_resolver_options_t *opts, char *err,
                          size_t errlen);
/* Sends from the FIFO while the window has room and pacing allows. */
void tm_rnet_start_sends(tm_resolver_t *res);
/* Questions are on the network or waiting for it. */
bool tm_rnet_busy(const tm_resolver_t *res);
/* The transport as a loop source's watch and handle (loop.h). */
size_t tm_rnet_watch(void *self, struct pollfd *pfd, size_t max, long long *due);
void tm_rnet_handle(void *self, const struct pollfd *pfd, size_t n, long long now);
/* Closes the transport: c-ares calls back every query still in flight
 * with a cancellation, which touches no entry. */
void tm_rnet_close(tm_resolver_t *res);

#endif
