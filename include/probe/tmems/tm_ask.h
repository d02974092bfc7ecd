/* tm_ask.h - a few questions asked of one server, fresh, on another
 * resolver's event loop (src/lib/probe/ask.c).
 *
 * Each ask has a resolver of its own, made for it and gone with it: no
 * cache answers for the server, and each answer is known to come from that
 * server (a resolver with several servers picks one per question).  It runs
 * as a source of the loop (tm_resolver_as_source), so the asks of every
 * server are in flight at once with whatever else the loop waits for.
 * `tmems-check watch` asks every server this way at every poll. */
#ifndef TMEMS_TM_ASK_H
#define TMEMS_TM_ASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_dns.h"
#include "tmems/tm_resolve.h"
#include "tmems/tm_status.h"

/* Questions of one ask at most. */
#define TM_ASK_MAX_QUESTIONS 256

typedef struct {
    const char *name;
    uint16_t type;
} tm_ask_question_t;

typedef struct tm_ask tm_ask_t;

/* Asks the questions with the transport of server_opts (its servers, doh_url,
 * norecurse, timeout_ms and tries; its cache, deadline and zones are not
 * used) on loop's event loop.  done(arg) is called once, when every answer
 * is in, from tm_resolver_run between rounds (tm_resolver_post): it may
 * destroy the ask.  When the resolver cannot even be made (no socket for
 * the address family, a bad value), every answer is UNREACHABLE with the
 * reason, and done still comes from the loop.  Names are copied. */
tm_status_t tm_ask_start(tm_resolver_t *loop, const tm_resolver_options_t *server_opts,
                         const tm_ask_question_t *questions, size_t n, void (*done)(void *arg),
                         void *arg, tm_ask_t **out);
bool tm_ask_done(const tm_ask_t *ask);
size_t tm_ask_count(const tm_ask_t *ask);
/* The i-th answer (borrowed, valid until tm_ask_destroy), NULL until it
 * came (or when it could not be kept for lack of memory). */
const tm_answer_t *tm_ask_answer(const tm_ask_t *ask, size_t i);
/* Leaves the loop, takes back what is still due, frees.  Not from inside
 * an answer callback of the ask's own resolver.  NULL is a no-op. */
void tm_ask_destroy(tm_ask_t *ask);

#endif
