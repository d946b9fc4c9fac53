#include "pg/sampler.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/holders.h"
#include "util/json.h"
#include "util/log.h"
#include "util/str.h"
#include "util/thread.h"
#include "util/time.h"

/* Cumulative counters a sample turns into per-second rates. */
static const char *const counters[] = {"commits",    "rollbacks", "inserted",	 "updated",    "deleted",
				       "fetched",    "returned",  "blocks_read", "blocks_hit", "temp_files",
				       "temp_bytes", "deadlocks", "wal_bytes"};
#define NCOUNTERS (sizeof(counters) / sizeof(counters[0]))

struct sampler {
	samplers *owner;
	int64_t user_id, server_id;
	char *database; /* NULL = server */
	int watchers;
	int refs; /* the thread's and each watcher's; the last one frees */
	bool stop;
	pthread_cond_t fresh;
	uint64_t seq;
	char *json; /* the latest sample */
	struct sampler *next;
};

struct samplers {
	pgpool *pool;
	int interval_ms;
	pthread_mutex_t lock;
	pthread_cond_t done;
	int threads;
	bool closing;
	struct sampler *list;
};

samplers *samplers_new(pgpool *pool, int interval_ms)
{
	samplers *ss = xcalloc(1, sizeof(*ss));
	ss->pool = pool;
	ss->interval_ms = interval_ms;
	pthread_mutex_init(&ss->lock, NULL);
	pthread_cond_init(&ss->done, NULL);
	return ss;
}

int samplers_running(samplers *ss)
{
	pthread_mutex_lock(&ss->lock);
	int n = ss->threads;
	pthread_mutex_unlock(&ss->lock);
	return n;
}

/* One query for everything a dashboard draws; $1 = the database or NULL for all. */
static const char *const sample_sql =
    "SELECT extract(epoch FROM clock_timestamp())::float8, "
    "(SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend' AND ($1::text IS NULL "
    "OR datname = $1)), (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend' AND "
    "state = 'active' AND ($1::text IS NULL OR datname = $1)), (SELECT count(*) FROM pg_catalog.pg_stat_activity "
    "WHERE backend_type = 'client backend' AND state = 'idle' AND ($1::text IS NULL OR datname = $1)), (SELECT "
    "count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend' AND state LIKE 'idle in "
    "transaction%' AND ($1::text IS NULL OR datname = $1)), (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE "
    "backend_type = 'client backend' AND wait_event_type = 'Lock' AND ($1::text IS NULL OR datname = $1)), "
    "sum(xact_commit), sum(xact_rollback), sum(tup_inserted), sum(tup_updated), sum(tup_deleted), sum(tup_fetched), "
    "sum(tup_returned), sum(blks_read), sum(blks_hit), sum(temp_files), sum(temp_bytes), sum(deadlocks), "
    "CASE WHEN pg_catalog.pg_is_in_recovery() THEN 0 ELSE pg_catalog.pg_wal_lsn_diff("
    "pg_catalog.pg_current_wal_lsn(), '0/0') END, (SELECT COALESCE(max(pg_catalog.pg_wal_lsn_diff("
    "pg_catalog.pg_current_wal_lsn(), replay_lsn)), 0) FROM pg_catalog.pg_stat_replication WHERE NOT "
    "pg_catalog.pg_is_in_recovery()), (SELECT sum(pg_catalog.pg_database_size(oid)) FROM pg_catalog.pg_database "
    "WHERE datallowconn AND ($1::text IS NULL OR datname = $1)) "
    "FROM pg_catalog.pg_stat_database WHERE datname IS NOT NULL AND ($1::text IS NULL OR datname = $1)";

static void write_sample(str *out, PGresult *r, const double *prev, double prev_time, double *now_counters,
			 double *now_time)
{
	json_writer w;
	jw_init(&w, out);
	double t = atof(PQgetvalue(r, 0, 0));
	*now_time = t;
	jw_obj_begin(&w);
	jw_key(&w, "time");
	jw_double(&w, t);
	jw_key(&w, "sessions");
	jw_obj_begin(&w);
	static const char *const sessions[] = {"total", "active", "idle", "idle_in_transaction", "waiting"};
	for (int i = 0; i < 5; i++)
		jw_kv_int(&w, sessions[i], atoll(PQgetvalue(r, 0, 1 + i)));
	jw_obj_end(&w);
	jw_key(&w, "counters");
	jw_obj_begin(&w);
	for (size_t i = 0; i < NCOUNTERS; i++) {
		now_counters[i] = atof(PQgetvalue(r, 0, 6 + (int)i));
		jw_key(&w, counters[i]);
		jw_double(&w, now_counters[i]);
	}
	jw_obj_end(&w);
	/* per second over the interval actually measured; none on the first sample */
	jw_key(&w, "rates");
	if (prev_time > 0 && t > prev_time) {
		jw_obj_begin(&w);
		for (size_t i = 0; i < NCOUNTERS; i++) {
			double d = now_counters[i] - prev[i];
			jw_key(&w, counters[i]);
			jw_double(&w, d < 0 ? 0 : d / (t - prev_time)); /* a stats reset restarts the counters */
		}
		double reads = now_counters[7] - prev[7], hits = now_counters[8] - prev[8];
		jw_key(&w, "hit_ratio");
		if (reads + hits > 0)
			jw_double(&w, hits / (reads + hits));
		else
			jw_null(&w);
		jw_obj_end(&w);
	} else {
		jw_null(&w);
	}
	jw_key(&w, "replication_lag_bytes");
	jw_double(&w, atof(PQgetvalue(r, 0, 6 + (int)NCOUNTERS)));
	jw_key(&w, "database_size");
	jw_double(&w, atof(PQgetvalue(r, 0, 7 + (int)NCOUNTERS)));
	jw_obj_end(&w);
}

static void sampler_free(sampler *s)
{
	free(s->json);
	free(s->database);
	pthread_cond_destroy(&s->fresh);
	free(s);
}

static void publish(sampler *s, char *json)
{
	samplers *ss = s->owner;
	pthread_mutex_lock(&ss->lock);
	free(s->json);
	s->json = json;
	s->seq++;
	pthread_cond_broadcast(&s->fresh);
	pthread_mutex_unlock(&ss->lock);
}

static void *sampler_main(void *arg)
{
	sampler *s = arg;
	samplers *ss = s->owner;
	double prev[NCOUNTERS] = {0}, prev_time = 0;
	for (;;) {
		pthread_mutex_lock(&ss->lock);
		bool stop = s->stop || ss->closing;
		pthread_mutex_unlock(&ss->lock);
		if (stop)
			break;
		const char *params[1] = {s->database};
		pg_error pe;
		tusk_err err = {0};
		pgpool_ref at = {ss->pool, s->user_id, s->server_id};
		PGresult *r = pgpool_query(&at, s->database, sample_sql, 1, params, &pe, &err);
		str out = STR_INIT;
		if (r && PQntuples(r) == 1) {
			double now[NCOUNTERS], now_time;
			write_sample(&out, r, prev, prev_time, now, &now_time);
			memcpy(prev, now, sizeof(prev));
			prev_time = now_time;
		} else {
			json_writer w;
			jw_init(&w, &out);
			jw_obj_begin(&w);
			jw_kv_str(&w, "error", r ? "the database has no statistics" : err.msg);
			jw_obj_end(&w);
			prev_time = 0; /* rates restart after a gap */
		}
		PQclear(r);
		publish(s, str_take(&out));
		/* sleep the rest of the interval, waking early to stop */
		struct timespec wake = time_after_ms(CLOCK_REALTIME, ss->interval_ms);
		pthread_mutex_lock(&ss->lock);
		while (!s->stop && !ss->closing)
			if (pthread_cond_timedwait(&ss->done, &ss->lock, &wake) == ETIMEDOUT)
				break;
		pthread_mutex_unlock(&ss->lock);
	}
	pthread_mutex_lock(&ss->lock);
	for (struct sampler **pp = &ss->list; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	s->stop = true;
	pthread_cond_broadcast(&s->fresh);
	bool last = --s->refs == 0;
	ss->threads--;
	pthread_cond_broadcast(&ss->done);
	pthread_mutex_unlock(&ss->lock);
	if (last)
		sampler_free(s);
	return NULL;
}

sampler *sampler_watch(samplers *ss, int64_t user_id, int64_t server_id, const char *database)
{
	pthread_mutex_lock(&ss->lock);
	sampler *s = ss->list;
	while (s && !(s->user_id == user_id && s->server_id == server_id && !s->stop &&
		      ((!s->database && !database) || (s->database && database && strcmp(s->database, database) == 0))))
		s = s->next;
	if (!s) {
		/* each sampler is a thread and a connection that asks once a second: one user's are few */
		int mine = 0;
		for (sampler *o = ss->list; o; o = o->next)
			mine += o->user_id == user_id && !o->stop;
		if (mine >= SAMPLERS_PER_USER) {
			pthread_mutex_unlock(&ss->lock);
			return NULL;
		}
		s = xcalloc(1, sizeof(*s));
		s->owner = ss;
		s->user_id = user_id;
		s->server_id = server_id;
		s->database = database ? xstrdup(database) : NULL;
		pthread_cond_init(&s->fresh, NULL);
		s->refs = 1; /* the thread */
		s->next = ss->list;
		ss->list = s;
		ss->threads++;
		thread_detached(sampler_main, s);
	}
	s->watchers++;
	s->refs++;
	pthread_mutex_unlock(&ss->lock);
	return s;
}

void sampler_unwatch(samplers *ss, sampler *s)
{
	pthread_mutex_lock(&ss->lock);
	if (--s->watchers == 0 && !s->stop) {
		/* nobody watches: stop sampling */
		s->stop = true;
		pthread_cond_broadcast(&ss->done);
	}
	bool last = --s->refs == 0;
	pthread_mutex_unlock(&ss->lock);
	if (last)
		sampler_free(s);
}

uint64_t sampler_next(sampler *s, uint64_t seq, int timeout_ms, char **json, bool *closed)
{
	samplers *ss = s->owner;
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, timeout_ms);
	pthread_mutex_lock(&ss->lock);
	while (s->seq == seq && !s->stop && !ss->closing)
		if (pthread_cond_timedwait(&s->fresh, &ss->lock, &deadline) == ETIMEDOUT)
			break;
	*json = s->seq != seq && s->json ? xstrdup(s->json) : NULL;
	*closed = ss->closing || s->stop;
	uint64_t now = s->seq;
	pthread_mutex_unlock(&ss->lock);
	return now;
}

int samplers_stop_for(samplers *ss, int64_t user_id, int64_t server_id)
{
	int n = 0;
	pthread_mutex_lock(&ss->lock);
	for (sampler *s = ss->list; s; s = s->next)
		if (s->user_id == user_id && (!server_id || s->server_id == server_id) && !s->stop) {
			s->stop = true;
			pthread_cond_broadcast(&s->fresh);
			n++;
		}
	pthread_cond_broadcast(&ss->done);
	pthread_mutex_unlock(&ss->lock);
	return n;
}

size_t samplers_holders(samplers *ss, int64_t **pairs)
{
	return HOLDERS(&ss->lock, &ss->list, sampler, pairs);
}

void samplers_shutdown(samplers *ss, int timeout_ms)
{
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, (int64_t)timeout_ms + 1000);
	pthread_mutex_lock(&ss->lock);
	ss->closing = true;
	for (sampler *s = ss->list; s; s = s->next)
		pthread_cond_broadcast(&s->fresh);
	pthread_cond_broadcast(&ss->done);
	thread_wait_zero(&ss->done, &ss->lock, &ss->threads, &deadline);
	pthread_mutex_unlock(&ss->lock);
}

void samplers_free(samplers *ss)
{
	if (!ss)
		return;
	pthread_mutex_destroy(&ss->lock);
	pthread_cond_destroy(&ss->done);
	free(ss);
}
