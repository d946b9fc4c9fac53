/* The thread chores the server's managers share (query sessions,
 * dashboard samplers, jobs, the HTTP server). */
#ifndef TUSK_UTIL_THREAD_H
#define TUSK_UTIL_THREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

/* Starts fn(arg) on a detached thread; false when none could start. */
bool thread_detached(void *(*fn)(void *), void *arg);
/* With lock held: waits on cond until *count is 0 or the CLOCK_REALTIME
 * deadline passes; whether *count reached 0. */
/* Sets *stop under lock, wakes the thread waiting on cond and joins it. */
void thread_stop(pthread_t t, pthread_mutex_t *lock, pthread_cond_t *cond, bool *stop);
/* With lock held: a periodic thread's pause of ms milliseconds, cut short
 * by a broadcast on cond; whether to go on (*stop is still false). */
bool thread_nap(pthread_cond_t *cond, pthread_mutex_t *lock, const bool *stop, int ms);
bool thread_wait_zero(pthread_cond_t *cond, pthread_mutex_t *lock, const int *count, const struct timespec *deadline);

#endif
