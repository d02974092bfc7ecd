/* window.c - the adaptive in-flight window and its pacing (see window.h). */
#include "window.h"

void tm_window_init(tm_window_t *w, unsigned cap)
{
    w->cap = cap ? cap : 1;
    w->size = w->cap < TM_WINDOW_START ? w->cap : TM_WINDOW_START;
    w->phase = TM_WINDOW_SLOW_START;
    w->base_rtt_us = 0;
    w->round_min_us = 0;
    w->round_answers = 0;
    w->round_len = TM_WINDOW_ROUND_MIN;
    w->css_baseline_us = 0;
    w->css_rounds = 0;
    w->next_seq = 0;
    w->recover_seq = 0;
    w->backoffs = 0;
    w->tokens = 0;
    w->tokens_at_us = 0;
}

unsigned tm_window_size(const tm_window_t *w)
{
    unsigned n = (unsigned)w->size;
    if (n < 1)
        n = 1;
    return n > w->cap ? w->cap : n;
}

/* Before any round trip is known nothing paces the sends (the start window
 * bounds the first burst); after, tokens come at size per round trip, up
 * to one burst. */
static void refill(tm_window_t *w, long long now_us)
{
    if (w->base_rtt_us == 0)
        return;
    if (now_us > w->tokens_at_us) {
        w->tokens += (double)(now_us - w->tokens_at_us) * w->size / (double)w->base_rtt_us;
        w->tokens_at_us = now_us;
    }
    if (w->tokens > TM_WINDOW_BURST)
        w->tokens = TM_WINDOW_BURST;
}

bool tm_window_may_send(tm_window_t *w, long long now_us)
{
    refill(w, now_us);
    return w->base_rtt_us == 0 || w->tokens >= 1.0;
}

long long tm_window_next_send_us(tm_window_t *w, long long now_us)
{
    if (tm_window_may_send(w, now_us))
        return now_us;
    double wait = (1.0 - w->tokens) * (double)w->base_rtt_us / w->size;
    return now_us + (long long)wait + 1;
}

unsigned long tm_window_sent(tm_window_t *w, long long now_us)
{
    refill(w, now_us);
    if (w->base_rtt_us != 0)
        w->tokens -= 1.0;
    return w->next_seq++;
}

/* The questions estimated to wait, from a round trip and the lowest. */
static double queued_at(const tm_window_t *w, long long rtt_us)
{
    return w->size * (double)(rtt_us - w->base_rtt_us) / (double)rtt_us;
}

/* A round ends after as many answers as the window held when it began. */
static void end_round(tm_window_t *w)
{
    w->round_answers = 0;
    w->round_len = (unsigned)w->size > TM_WINDOW_ROUND_MIN ? (unsigned)w->size
                                                           : TM_WINDOW_ROUND_MIN;
    /* the round in which conservative growth began is not one of its
     * TM_WINDOW_CSS_ROUNDS: those are whole rounds */
    if (w->phase == TM_WINDOW_CONSERVATIVE && ++w->css_rounds > TM_WINDOW_CSS_ROUNDS)
        w->phase = TM_WINDOW_AVOIDANCE;
}

void tm_window_on_answer(tm_window_t *w, long long rtt_us)
{
    if (rtt_us < 1)
        rtt_us = 1;
    if (w->base_rtt_us == 0 || rtt_us < w->base_rtt_us) {
        if (w->base_rtt_us == 0)
            w->tokens = TM_WINDOW_BURST; /* pacing starts with a full burst */
        w->base_rtt_us = rtt_us;
    }
    if (w->round_answers == 0 || rtt_us < w->round_min_us)
        w->round_min_us = rtt_us;
    w->round_answers++;
    bool sampled = w->round_answers >= TM_WINDOW_ROUND_MIN;
    double queued = queued_at(w, w->round_min_us);
    double growth = 0;
    if (queued_at(w, rtt_us) > TM_WINDOW_QUEUED_MAX) {
        /* Past the second bound even one answer counts, in every phase:
         * a server on this machine fills its buffer within a round. */
        w->phase = TM_WINDOW_AVOIDANCE;
        growth = -1.0 / w->size; /* one less a round trip (Vegas) */
    } else if (w->phase == TM_WINDOW_SLOW_START) {
        if (sampled && queued > TM_WINDOW_QUEUED) {
            /* HyStart's delay exit, conservatively (RFC 9406 4.2) */
            w->phase = TM_WINDOW_CONSERVATIVE;
            w->css_baseline_us = w->round_min_us;
            w->css_rounds = 0;
        } else {
            growth = 1.0;
        }
    } else if (w->phase == TM_WINDOW_CONSERVATIVE) {
        if (sampled && w->round_min_us < w->css_baseline_us) {
            w->phase = TM_WINDOW_SLOW_START; /* the exit was spurious */
            growth = 1.0;
        } else {
            growth = 0.25;
        }
    } else if (queued_at(w, rtt_us) <= TM_WINDOW_QUEUED) {
        growth = 1.0 / w->size; /* avoidance: each answer's own (Vegas) */
    }
    w->size += growth;
    if (w->size < TM_WINDOW_FLOOR)
        w->size = TM_WINDOW_FLOOR;
    if (w->size > w->cap)
        w->size = w->cap;
    if (w->round_answers >= w->round_len)
        end_round(w);
}

void tm_window_on_timeout(tm_window_t *w, unsigned long seq)
{
    /* RFC 5681 section 3.2 in spirit: one reduction per window of data
     * lost, not one per lost packet. */
    if (seq < w->recover_seq)
        return;
    w->recover_seq = w->next_seq;
    w->phase = TM_WINDOW_AVOIDANCE;
    w->backoffs++;
    w->size /= 2;
    if (w->size < TM_WINDOW_FLOOR)
        w->size = TM_WINDOW_FLOOR;
    if (w->size > w->cap)
        w->size = w->cap;
}
