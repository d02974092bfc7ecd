/* window.c - the adaptive in-flight window (see window.h). */
#include "resolve/window.h"

void tm_window_init(tm_window_t *w, unsigned cap)
{
    w->cap = cap ? cap : 1;
    w->size = w->cap < TM_WINDOW_START ? w->cap : TM_WINDOW_START;
    w->slow_start = true;
    w->base_rtt_us = 0;
    w->next_seq = 0;
    w->recover_seq = 0;
    w->backoffs = 0;
}

unsigned tm_window_size(const tm_window_t *w)
{
    unsigned n = (unsigned)w->size;
    if (n < 1)
        n = 1;
    return n > w->cap ? w->cap : n;
}

unsigned long tm_window_sent(tm_window_t *w) { return w->next_seq++; }

/* The delay an answer may have spent queued and still count as clean. */
static long long allowance(const tm_window_t *w)
{
    long long a = w->base_rtt_us / 8;
    return a > TM_WINDOW_QUEUE_MIN_US ? a : TM_WINDOW_QUEUE_MIN_US;
}

void tm_window_on_answer(tm_window_t *w, long long rtt_us)
{
    if (rtt_us < 0)
        rtt_us = 0;
    if (w->base_rtt_us == 0 || rtt_us < w->base_rtt_us)
        w->base_rtt_us = rtt_us > 0 ? rtt_us : 1;
    if (rtt_us > w->base_rtt_us + allowance(w))
        return; /* it queued: hold the window where it is */
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
