/* window.h - how many questions the resolver keeps on the network at once.
 * Private to src/lib/resolve/.
 *
 * A fixed number is wrong both ways: 512 questions sent at once to a server
 * on the same machine overflow its receive buffer (and ours), every lost
 * datagram then costs a whole --timeout, and a public resolver rate-limits a
 * client that bursts; a small fixed number leaves a batch waiting on round
 * trips over a long path.  So the window adapts, in the manner of TCP's
 * congestion control (RFC 5681 section 3.1, RFC 6298 for Karn's rule):
 *
 *  - it starts at TM_WINDOW_START (at most the cap): what the tool sends to
 *    a server it knows nothing about;
 *  - it grows by one for every answer that came back on its first try
 *    without having queued (doubling per round trip), by 1/size an answer
 *    once it has backed off (one per round trip);
 *  - "queued" is measured: an answer whose round trip exceeds the lowest
 *    seen by more than max(TM_WINDOW_QUEUE_MIN_US, lowest / 8) waited in a
 *    buffer somewhere (the server's, or ours while the checks ran), so the
 *    window stops growing before that buffer overflows;
 *  - a try that timed out halves it (not below TM_WINDOW_FLOOR), once per
 *    window: tries sent before the back-off were already in flight and do
 *    not halve it again.
 *
 * Pure arithmetic on the numbers the resolver feeds it; unit-tested in
 * tests/unit/test_window.c. */
#ifndef TMEMS_RESOLVE_WINDOW_H
#define TMEMS_RESOLVE_WINDOW_H

#include <stdbool.h>

/* Questions sent at once to a server nothing is known of yet.  A BIND on
 * the same machine with its default 208 KiB receive buffer takes 128 small
 * queries in one burst without a drop (bench/README.md "macro"). */
#define TM_WINDOW_START 128u
#define TM_WINDOW_FLOOR 4u
/* Queueing delay tolerated before growth stops, for short paths. */
#define TM_WINDOW_QUEUE_MIN_US 1000LL

typedef struct {
    unsigned cap;           /* never more than this (--max-queries) */
    double size;            /* the current window; fractional while it grows
                               by 1/size an answer */
    bool slow_start;        /* no back-off yet: grow by one an answer */
    long long base_rtt_us;  /* the lowest round trip seen; 0 before any */
    unsigned long next_seq; /* sequence number of the next try sent */
    unsigned long recover_seq; /* tries numbered below it were in flight at
                                  the last back-off */
    unsigned backoffs;      /* times the window was halved */
} tm_window_t;

/* cap: at least 1 (0 is taken as 1). */
void tm_window_init(tm_window_t *w, unsigned cap);
/* The number of questions that may be on the network now (1 to cap). */
unsigned tm_window_size(const tm_window_t *w);
/* Numbers a try as it is sent; give the number back with its outcome. */
unsigned long tm_window_sent(tm_window_t *w);
/* An answer to a try sent once (Karn: a retransmitted question's answer
 * cannot tell which try it answers) came back rtt_us after it was sent. */
void tm_window_on_answer(tm_window_t *w, long long rtt_us);
/* The try numbered seq timed out. */
void tm_window_on_timeout(tm_window_t *w, unsigned long seq);

#endif
