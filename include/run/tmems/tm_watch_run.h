/* tm_watch_run.h - the watch itself (tmems/tm_watch.h has what it knows
 * and judges): finding the zone and its name servers, asking each server
 * directly at every interval on the resolver's event loop
 * (src/lib/probe/ask.c), and telling the caller every change through a
 * callback (src/lib/run/watch.c).  It never prints. */
#ifndef TMEMS_TM_WATCH_RUN_H
#define TMEMS_TM_WATCH_RUN_H

#include "tmems/tm_resolve.h"
#include "tmems/tm_watch.h"

typedef struct tm_watch tm_watch_t;

typedef struct {
    const char *domain;           /* ASCII, canonical */
    const char *display;
    const tm_rules_t *rules;
    const tm_check_options_t *check; /* --company, --token, --no-outbound */
    bool strict;                  /* warnings keep a view from ready */
    tm_watch_expect_t expect;
    /* the resolvers: one row each, and the recursive questions (finding the
     * zone, the names the checks need) go to all of them */
    const char *const *servers;   /* "ADDR:PORT" (tm_resolver_server_valid) */
    size_t nservers;
    const char *doh_url;          /* instead of servers */
    const char *doh_cacert, *doh_capath;
    unsigned timeout_ms, tries;   /* per question */
    uint16_t auth_port;           /* 0 = 53 */
    unsigned interval_ms;         /* between poll starts */
    unsigned deadline_ms;         /* the whole watch */
    bool until_caches;
    bool old_ttl_given;
    uint32_t old_ttl_s;
    unsigned tick_ms;             /* 0 = no TICK events */
    void (*on_event)(void *arg, const tm_watch_event_t *ev);
    void *arg;
} tm_watch_options_t;

/* A watch that has asked nothing yet; opts and what it points to must
 * outlive it.  Free with tm_watch_destroy. */
tm_status_t tm_watch_create(const tm_watch_options_t *opts, tm_watch_t **out);
/* Runs the watch on loop's event loop (a resolver used only as the loop)
 * until it ends; events come from inside.  TM_OK once ended (the outcome is
 * in the snapshot), or why it could not go on (no memory). */
tm_status_t tm_watch_run(tm_watch_t *w, tm_resolver_t *loop);
const tm_watch_snapshot_t *tm_watch_snapshot(const tm_watch_t *w);
void tm_watch_destroy(tm_watch_t *w); /* NULL is a no-op */

/* Wall clock, milliseconds since the epoch. */
int64_t tm_watch_wall_ms(void);

#endif
