/* clock.c - the one monotonic clock: every timeout, deadline, pacing step
 * and elapsed time of the tool is measured on it (CLOCK_MONOTONIC: a clock
 * that a change of the wall-clock time cannot move). */
#include <time.h>

#include "tmems/tm_util.h"

long long tm_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long tm_monotonic_ms(void) { return tm_monotonic_us() / 1000; }
