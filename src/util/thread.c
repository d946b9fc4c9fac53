#include "util/thread.h"
#include "util/time.h"

#include <errno.h>

bool thread_detached(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return rc == 0;
}

void thread_stop(pthread_t t, pthread_mutex_t *lock, pthread_cond_t *cond, bool *stop)
{
	pthread_mutex_lock(lock);
	*stop = true;
	pthread_cond_broadcast(cond);
	pthread_mutex_unlock(lock);
	pthread_join(t, NULL);
}

bool thread_nap(pthread_cond_t *cond, pthread_mutex_t *lock, const bool *stop, int ms)
{
	if (*stop)
		return false;
	struct timespec wake = time_after_ms(CLOCK_REALTIME, ms);
	pthread_cond_timedwait(cond, lock, &wake);
	return !*stop;
}

bool thread_wait_zero(pthread_cond_t *cond, pthread_mutex_t *lock, const int *count, const struct timespec *deadline)
{
	while (*count > 0)
		if (pthread_cond_timedwait(cond, lock, deadline) == ETIMEDOUT)
			break;
	return *count == 0;
}
