/* window.h - how many questions the resolver keeps on the network at once,
 * and how fast it sends them.  Private to src/lib/resolve/.
 *
 * A fixed number is wrong both ways: 512 questions sent at once to a server
 * on the same machine overflow its receive buffer (and ours), every lost
 * datagram then costs a whole --timeout, and a public resolver rate-limits a
 * client that bursts; a small fixed number leaves a batch waiting on round
 * trips over a long path.  So the window adapts, in the manner of TCP's
 * congestion control (RFC 5681 section 3.1; Karn's rule as in RFC 6298
 * section 3; the queue estimate of TCP Vegas):
 *
 *  - it starts at TM_WINDOW_START (at most the cap): what the tool sends to
 *    a server it knows nothing about;
 *  - the queue is estimated from first tries' round trips: size x (rtt -
 *    lowest) / rtt questions were waiting in a buffer somewhere (the
 *    server's, or ours while the checks ran).  rtt is the lowest of the
 *    current round (as many answers as the window holds) once it has
 *    TM_WINDOW_ROUND_MIN answers, as HyStart++ takes it (RFC 9406 section
 *    4.2): one answer read late says little;
 *  - while that estimate stays below TM_WINDOW_QUEUED the window grows by
 *    one an answer (doubling per round trip); once it is reached it grows
 *    by a quarter of that (RFC 9406's conservative slow start), and a round
 *    whose lowest round trip is back below the one that ended doubling
 *    resumes doubling: the delay was the tool's own (busy judging while
 *    answers waited), not the path's, and taken for the path it had left a
 *    batch on a 20 ms path at a third of the window it takes;
 *    TM_WINDOW_CSS_ROUNDS rounds later, or past TM_WINDOW_QUEUED_MAX, or at
 *    a timeout, doubling ends for good and growth is 1/size an answer (one
 *    per round trip);
 *  - past TM_WINDOW_QUEUED_MAX, judged on each answer's own round trip in
 *    every phase (a server on this machine fills its 208 KiB buffer within
 *    a round: the round's lowest would see it too late), it shrinks by
 *    1/size an answer (TCP Vegas):
 *    the window settles where a few dozen questions wait, long before a
 *    208 KiB socket buffer (some 200 queries) would overflow, and a tool
 *    slower than its answers (busy with the checks) asks for less;
 *  - a try that timed out halves it (not below TM_WINDOW_FLOOR), once per
 *    window: tries sent before the back-off were already in flight and do
 *    not halve it again;
 *  - sends are paced: at most TM_WINDOW_BURST at once, then at the
 *    window's rate (size per lowest round trip), so that answers read all
 *    at once after the tool was busy do not release the whole window in
 *    one burst (RFC 7661 section 4 discusses the same for TCP).
 *
 * Pure arithmetic on the numbers the resolver feeds it; unit-tested in
 * tests/unit/test_window.c. */
#ifndef TMEMS_RESOLVE_WINDOW_H
#define TMEMS_RESOLVE_WINDOW_H

#include <stdbool.h>

/* Questions sent at once to a server nothing is known of yet.  A BIND on
 * the same machine with its default 208 KiB receive buffer takes 128 small
 * queries in one burst without a drop (bench/README.md "Network"). */
#define TM_WINDOW_START 128u
#define TM_WINDOW_FLOOR 4u
/* Questions estimated to wait in queues: past the first doubling ends,
 * past the second the window shrinks. */
#define TM_WINDOW_QUEUED 32.0
#define TM_WINDOW_QUEUED_MAX 64.0
/* Sends in one burst at most once the path's round trip is known. */
#define TM_WINDOW_BURST 64.0
/* Answers of a round before its lowest round trip counts (RFC 9406's
 * N_RTT_SAMPLE), and the rounds of conservative growth (CSS_ROUNDS). */
#define TM_WINDOW_ROUND_MIN 8u
#define TM_WINDOW_CSS_ROUNDS 5u

typedef enum {
    TM_WINDOW_SLOW_START,   /* doubling per round trip */
    TM_WINDOW_CONSERVATIVE, /* a quarter of that, until it proves spurious */
    TM_WINDOW_AVOIDANCE     /* one per round trip, Vegas's hold and decrease */
} tm_window_phase_t;

typedef struct {
    unsigned cap;           /* never more than this (--max-queries) */
    double size;            /* the current window; fractional while it grows
                               by 1/size an answer */
    tm_window_phase_t phase;
    long long base_rtt_us;  /* the lowest round trip seen; 0 before any */
    long long round_min_us; /* the lowest round trip of this round */
    unsigned round_answers; /* answers of this round so far */
    unsigned round_len;     /* answers that end this round */
    long long css_baseline_us; /* the round's lowest that ended doubling */
    unsigned css_rounds;    /* rounds of conservative growth so far */
    unsigned long next_seq; /* sequence number of the next try sent */
    unsigned long recover_seq; /* tries numbered below it were in flight at
                                  the last back-off */
    unsigned backoffs;      /* times the window was halved */
    double tokens;          /* sends allowed now (pacing) */
    long long tokens_at_us; /* when tokens was last brought up to date */
} tm_window_t;

/* cap: at least 1 (0 is taken as 1). */
void tm_window_init(tm_window_t *w, unsigned cap);
/* The number of questions that may be on the network now (1 to cap). */
unsigned tm_window_size(const tm_window_t *w);
/* True when pacing lets one more try go out at now_us. */
bool tm_window_may_send(tm_window_t *w, long long now_us);
/* When the next try may go out (now_us when it may already). */
long long tm_window_next_send_us(tm_window_t *w, long long now_us);
/* Numbers a try as it is sent (and spends a pacing token); give the number
 * back with its outcome. */
unsigned long tm_window_sent(tm_window_t *w, long long now_us);
/* An answer to a try sent once (Karn: a retransmitted question's answer
 * cannot tell which try it answers) came back rtt_us after it was sent. */
void tm_window_on_answer(tm_window_t *w, long long rtt_us);
/* The try numbered seq timed out. */
void tm_window_on_timeout(tm_window_t *w, unsigned long seq);

#endif
