/* window.c - the adaptive in-flight window and its pacing (see window.h). */
#include "window.h"

void tm_window_init(tm_window_t *w, unsigned cap)
{
    w->cap = cap ? cap : 1;
    w->size = w->cap < TM_WINDOW_START ? w->cap : TM_WINDOW_START;
    w->slow_start = true;
    w->base_rtt_us = 0;
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

void tm_window_on_answer(tm_window_t *w, long long rtt_us)
{
    if (rtt_us < 1)
        rtt_us = 1;
    if (w->base_rtt_us == 0 || rtt_us < w->base_rtt_us) {
        if (w->base_rtt_us == 0)
            w->tokens = TM_WINDOW_BURST; /* pacing starts with a full burst */
        w->base_rtt_us = rtt_us;
    }
    double queued = w->size * (double)(rtt_us - w->base_rtt_us) / (double)rtt_us;
    if (queued > TM_WINDOW_QUEUED_MAX) {
        /* A queue is building up: one less a round trip, before a buffer
         * overflows (TCP Vegas's decrease). */
        w->slow_start = false;
        w->size -= 1.0 / w->size;
        if (w->size < TM_WINDOW_FLOOR)
            w->size = TM_WINDOW_FLOOR;
        return;
    }
    if (queued > TM_WINDOW_QUEUED) {
        /* The path starts queueing: doubling ends (HyStart's delay exit),
         * and the window holds. */
        w->slow_start = false;
        return;
    }
    if (w->slow_start)
        w->size += 1.0;
    else
        w->size += 1.0 / w->size;
    if (w->size > w->cap)
        w->size = w->cap;
}

void tm_window_on_timeout(tm_window_t *w, unsigned long seq)
{
    /* RFC 5681 section 3.2 in spirit: one reduction per window of data
     * lost, not one per lost packet. */
    if (seq < w->recover_seq)
        return;
    w->recover_seq = w->next_seq;
    w->slow_start = false;
    w->backoffs++;
    w->size /= 2;
    if (w->size < TM_WINDOW_FLOOR)
        w->size = TM_WINDOW_FLOOR;
    if (w->size > w->cap)
        w->size = w->cap;
}
