/* Clocks and deadlines: the timespec arithmetic the server's waits share.
 * Condition-variable waits take CLOCK_REALTIME deadlines (pthread's
 * default clock); durations and watchdogs use CLOCK_MONOTONIC. */
#ifndef TUSK_UTIL_TIME_H
#define TUSK_UTIL_TIME_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* The clock's time plus ms milliseconds (ms >= 0). */
struct timespec time_after_ms(clockid_t clock, int64_t ms);
/* Whether a comes before b (same clock). */
bool time_before(const struct timespec *a, const struct timespec *b);
/* Whether a CLOCK_MONOTONIC deadline has passed. */
bool time_passed(const struct timespec *deadline);
/* Milliseconds from a CLOCK_MONOTONIC time until now. */
double time_ms_since(const struct timespec *start);
/* CLOCK_MONOTONIC now, in whole milliseconds and in seconds. */
int64_t time_mono_ms(void);
double time_mono_s(void);

#endif
