/* One event stream per browser window: a browser opens at most six HTTP/1.1
 * connections to a host, so a stream per query tab, dashboard and job log
 * stalls the seventh. GET /api/v1/stream opens a stream and names it in its
 * first event; the window then subscribes topics to it by POSTs (logged in,
 * CSRF-checked, each topic authorised by the same loader as its own stream)
 * and every event goes out tagged with the key the window gave its topic.
 *
 * Each topic runs the producer its own stream runs (query.c, dashboard.c,
 * jobs.c) on a thread of its own, as the connection thread ran it before;
 * what it produces goes to the stream's queue, which holds at most
 * QUEUE_BYTES: past that a topic's events are dropped until the reader
 * catches up, and then the window gets {"event":"lost"} for it and refetches.
 * A topic's last event (closed, end) always goes through. */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/log.h"
#include "util/thread.h"
#include "util/time.h"

enum {
	QUEUE_BYTES = 1 << 20,
	TOPICS_PER_STREAM = 64,
	STREAMS_PER_USER = 16,
	KEY_MAX = 32,
	ID_BYTES = 16,
	KEEPALIVE_MS = 15000,
	PEER_CHECK_MS = 1000,
};

struct item {
	struct item *next;
	size_t len;
	char text[];
};

struct topic {
	struct topic *next;
	struct mux *m;
	char key[KEY_MAX + 1];
	api_topic producer;
	bool dead; /* unsubscribed, or the stream is gone: the pump stops after its current wait */
	bool lost; /* events were dropped: "lost" goes out once the reader catches up */
};

struct mux {
	struct mux *next;
	char id[2 * ID_BYTES + 1];
	int64_t user_id;
	char owner[80];
	int refs; /* the connection's and each pump's; under hub.lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct item *head, *tail;
	size_t queued;
	struct topic *topics;
	int ntopics;
	bool hello, gone, ending; /* gone: the reader left; ending: close after the queue */
	char end_reason[16], end_message[200];
};

/* A stream of one topic of its own (GET .../events): counted with the
 * user's window streams, so a user cannot hold every connection Tusk has
 * by opening one topic's stream many times. */
struct direct {
	struct direct *next;
	api_topic t;
	int64_t user_id;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t idle;
	struct mux *all;
	struct direct *direct;
	int pumps;
	bool stopping;
} hub = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, false};

/* The user's open streams, window and direct; under hub.lock. */
static int streams_of(int64_t user_id)
{
	int mine = 0;
	for (struct mux *m = hub.all; m; m = m->next)
		mine += m->user_id == user_id && !m->gone;
	for (struct direct *d = hub.direct; d; d = d->next)
		mine += d->user_id == user_id;
	return mine;
}

static bool too_many_streams(http_req *r)
{
	http_respond_error(r, ERR_TOO_MANY_STREAMS,
			   "You have %d event streams open (one a browser window), the most allowed: close a "
			   "window first.",
			   STREAMS_PER_USER);
	return false;
}

static bool direct_next(void *cls, str *out)
{
	struct direct *d = cls;
	return d->t.next(d->t.cls, out);
}

static void direct_free(void *cls)
{
	struct direct *d = cls;
	pthread_mutex_lock(&hub.lock);
	for (struct direct **p = &hub.direct; *p; p = &(*p)->next)
		if (*p == d) {
			*p = d->next;
			break;
		}
	pthread_mutex_unlock(&hub.lock);
	d->t.free(d->t.cls);
	free(d);
}

void api_topic_respond(http_req *r, api_topic *t)
{
	int64_t uid = api_session(r)->user.id;
	pthread_mutex_lock(&hub.lock);
	bool room = streams_of(uid) < STREAMS_PER_USER;
	struct direct *d = NULL;
	if (room) {
		d = xcalloc(1, sizeof(*d));
		d->t = *t;
		d->user_id = uid;
		d->next = hub.direct;
		hub.direct = d;
	}
	pthread_mutex_unlock(&hub.lock);
	if (!room) {
		t->free(t->cls);
		too_many_streams(r);
		return;
	}
	http_respond_events(r, direct_next, d, direct_free);
}

static atomic_ulong dropped_total;

static void mux_release(struct mux *m)
{
	pthread_mutex_lock(&hub.lock);
	bool last = --m->refs == 0;
	if (last) {
		struct mux **pp = &hub.all;
		while (*pp && *pp != m)
			pp = &(*pp)->next;
		if (*pp)
			*pp = m->next;
	}
	pthread_mutex_unlock(&hub.lock);
	if (!last)
		return;
	for (struct item *it = m->head, *next; it; it = next) {
		next = it->next;
		free(it);
	}
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
	free(m);
}

/* A topic's pump is over (or never started): its stream lets go, and the
 * hub, which waits for every pump at shutdown, hears of it. */
static void pump_gone(struct mux *m)
{
	mux_release(m);
	pthread_mutex_lock(&hub.lock);
	hub.pumps--;
	pthread_cond_broadcast(&hub.idle);
	pthread_mutex_unlock(&hub.lock);
}

/* Caller holds m->lock. */
static void enqueue(struct mux *m, const str *s)
{
	struct item *it = xmalloc(sizeof(*it) + s->len);
	it->next = NULL;
	it->len = s->len;
	memcpy(it->text, s->buf, s->len);
	if (m->tail)
		m->tail->next = it;
	else
		m->head = it;
	m->tail = it;
	m->queued += s->len;
	pthread_cond_broadcast(&m->cond);
}

static void lost_event(str *out, const char *key)
{
	str_append_cstr(out, "data: ");
	json_writer w;
	jw_init(&w, out);
	jw_object(&w, "ss", "key", key, "event", "lost");
	str_append_cstr(out, "\n\n");
}

/* The producers' own events ("event: NAME\ndata: JSON\n\n", one data line
 * each, comments for keep-alives) tagged with the topic's key:
 * "data: {"key":K,"event":NAME,"data":JSON}". */
static void tag_events(const char *key, const str *in, str *out)
{
	const char *p = in->buf, *end = in->buf + in->len;
	char name[32] = "message";
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 7 && memcmp(p, "event: ", 7) == 0) {
			snprintf(name, sizeof(name), "%.*s", (int)(n - 7), p + 7);
		} else if (n > 6 && memcmp(p, "data: ", 6) == 0) {
			str_append_cstr(out, "data: {\"key\":");
			json_writer w;
			jw_init(&w, out);
			jw_str(&w, key);
			str_append_cstr(out, ",\"event\":");
			jw_str(&w, name);
			/* the producer's data is JSON its own writer made */
			str_append_cstr(out, ",\"data\":");
			str_append(out, p + 6, n - 6);
			str_append_cstr(out, "}\n\n");
			snprintf(name, sizeof(name), "message");
		}
		p += n + 1;
	}
}

static void deliver(struct topic *t, const str *chunk, bool last)
{
	struct mux *m = t->m;
	str tagged = STR_INIT;
	tag_events(t->key, chunk, &tagged);
	pthread_mutex_lock(&m->lock);
	if (tagged.len && !t->dead && !m->gone) {
		if (!last && (t->lost || m->queued + tagged.len > QUEUE_BYTES)) {
			t->lost = true;
			atomic_fetch_add(&dropped_total, 1);
		} else {
			if (t->lost) {
				str note = STR_INIT;
				lost_event(&note, t->key);
				enqueue(m, &note);
				str_free(&note);
				t->lost = false;
			}
			enqueue(m, &tagged);
		}
	}
	pthread_mutex_unlock(&m->lock);
	str_free(&tagged);
}

static void *pump_main(void *arg)
{
	struct topic *t = arg;
	struct mux *m = t->m;
	str chunk = STR_INIT;
	for (bool more = true; more;) {
		pthread_mutex_lock(&m->lock);
		bool dead = t->dead || m->gone;
		pthread_mutex_unlock(&m->lock);
		if (dead)
			break;
		str_reset(&chunk);
		more = t->producer.next(t->producer.cls, &chunk);
		deliver(t, &chunk, !more);
	}
	str_free(&chunk);
	if (t->producer.free)
		t->producer.free(t->producer.cls);
	pthread_mutex_lock(&m->lock);
	/* dropped events and then the end (a job's "end" comes before its
	 * producer's last, empty, turn): the window still learns, and asks again */
	if (t->lost && !t->dead && !m->gone) {
		str note = STR_INIT;
		lost_event(&note, t->key);
		enqueue(m, &note);
		str_free(&note);
	}
	struct topic **pp = &m->topics;
	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	m->ntopics--;
	pthread_mutex_unlock(&m->lock);
	free(t);
	pump_gone(m);
	return NULL;
}

/* ---- the stream itself ---- */

/* Caller holds m->lock: "lost" for each topic that dropped events, once the
 * reader has caught up to half the queue's bound. */
static void announce_lost(struct mux *m, str *out)
{
	if (m->queued > QUEUE_BYTES / 2)
		return;
	for (struct topic *t = m->topics; t; t = t->next) {
		if (t->lost && !t->dead) {
			lost_event(out, t->key);
			t->lost = false;
		}
	}
}

static bool next_event(void *cls, str *out)
{
	struct mux *m = cls;
	pthread_mutex_lock(&m->lock);
	if (!m->hello) {
		m->hello = true;
		pthread_mutex_unlock(&m->lock);
		str_append_cstr(out, "retry: 3000\ndata: ");
		json_writer w;
		jw_init(&w, out);
		jw_object(&w, "ss", "event", "stream", "id", m->id);
		str_append_cstr(out, "\n\n");
		return true;
	}
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, KEEPALIVE_MS);
	bool more = true;
	for (;;) {
		if (m->head) {
			struct item *it = m->head;
			m->head = it->next;
			if (!m->head)
				m->tail = NULL;
			m->queued -= it->len;
			str_append(out, it->text, it->len);
			free(it);
			announce_lost(m, out);
			break;
		}
		announce_lost(m, out);
		if (out->len)
			break;
		if (m->ending) {
			str_append_cstr(out, "data: ");
			json_writer w;
			jw_init(&w, out);
			jw_obj_begin(&w);
			jw_kv_str(&w, "event", "closed");
			jw_kv_str(&w, "reason", m->end_reason);
			if (m->end_message[0])
				jw_kv_str(&w, "message", m->end_message);
			jw_obj_end(&w);
			str_append_cstr(out, "\n\n");
			more = false;
			break;
		}
		/* wake each second to see whether the window closed: its slot is
		 * free again at once, not at the next keep-alive write */
		struct timespec wake = time_after_ms(CLOCK_REALTIME, PEER_CHECK_MS);
		bool last_slice = time_before(&deadline, &wake);
		if (pthread_cond_timedwait(&m->cond, &m->lock, last_slice ? &deadline : &wake) != 0) {
			if (http_peer_gone()) {
				more = false;
				break;
			}
			if (last_slice) {
				more = api_event_keepalive(out);
				break;
			}
		}
	}
	pthread_mutex_unlock(&m->lock);
	return more;
}

/* The reader left: every topic stops; the last pump out frees the stream. */
static void stream_gone(void *cls)
{
	struct mux *m = cls;
	pthread_mutex_lock(&m->lock);
	m->gone = true;
	for (struct topic *t = m->topics; t; t = t->next)
		t->dead = true;
	pthread_mutex_unlock(&m->lock);
	mux_release(m);
}

void api_stream_open(http_req *r)
{
	auth_session *as = api_session(r);
	pthread_mutex_lock(&hub.lock);
	int mine = streams_of(as->user.id);
	bool stopping = hub.stopping;
	pthread_mutex_unlock(&hub.lock);
	if (stopping) {
		http_respond_error(r, ERR_SERVER_STOPPING, "This Tusk server is stopping.");
		return;
	}
	if (mine >= STREAMS_PER_USER) {
		too_many_streams(r);
		return;
	}
	struct mux *m = xcalloc(1, sizeof(*m));
	unsigned char raw[ID_BYTES];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(m->id, sizeof(m->id), raw, sizeof(raw));
	m->user_id = as->user.id;
	snprintf(m->owner, sizeof(m->owner), "%s", as->session.id_hash);
	m->refs = 1;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	pthread_mutex_lock(&hub.lock);
	m->next = hub.all;
	hub.all = m;
	pthread_mutex_unlock(&hub.lock);
	http_respond_events(r, next_event, m, stream_gone);
}

/* The {stream} of this login session, with a reference; else 404 after answering. */
static struct mux *find_stream(http_req *r)
{
	const char *id = http_req_param(r, "stream");
	auth_session *as = api_session(r);
	struct mux *found = NULL;
	pthread_mutex_lock(&hub.lock);
	for (struct mux *m = hub.all; m && !found; m = m->next) {
		if (!m->gone && !m->ending && strcmp(m->id, id) == 0 && strcmp(m->owner, as->session.id_hash) == 0) {
			found = m;
			m->refs++;
		}
	}
	pthread_mutex_unlock(&hub.lock);
	if (!found)
		http_respond_error(
		    r, ERR_STREAM_NOT_FOUND,
		    "No event stream %s of yours is open on this Tusk server: open one (GET /api/v1/stream).", id);
	return found;
}

/* Caller holds m->lock. */
static struct topic *find_topic(struct mux *m, const char *key)
{
	for (struct topic *t = m->topics; t; t = t->next)
		if (!t->dead && strcmp(t->key, key) == 0)
			return t;
	return NULL;
}

static bool key_valid(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	if (n == 0 || n > KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.' || c == ':'))
			return false;
	}
	return true;
}

/* Whether key can name a new topic of m; answers 400/409/429 otherwise. */
static bool key_free(http_req *r, struct mux *m, const char *key)
{
	if (!key_valid(key)) {
		http_respond_error(r, ERR_INVALID_FIELD,
				   "The key names the topic in the stream's events: 1 to %d letters, digits or '-_.:'.",
				   KEY_MAX);
		return false;
	}
	pthread_mutex_lock(&m->lock);
	bool taken = find_topic(m, key) != NULL, full = m->ntopics >= TOPICS_PER_STREAM;
	pthread_mutex_unlock(&m->lock);
	if (taken)
		http_respond_error(r, ERR_TOPIC_TAKEN, "The stream already has a topic '%s': unsubscribe it first.",
				   key);
	else if (full)
		http_respond_error(r, ERR_TOO_MANY_TOPICS,
				   "The stream has %d topics, the most allowed: unsubscribe one first.",
				   TOPICS_PER_STREAM);
	return !taken && !full;
}

/* Starts the topic's pump; 204, or an error answered (the producer freed). */
static void attach(http_req *r, struct mux *m, const char *key, api_topic *producer)
{
	struct topic *t = xcalloc(1, sizeof(*t));
	t->m = m;
	snprintf(t->key, sizeof(t->key), "%s", key);
	t->producer = *producer;
	pthread_mutex_lock(&hub.lock);
	m->refs++;
	hub.pumps++;
	pthread_mutex_unlock(&hub.lock);
	pthread_mutex_lock(&m->lock);
	bool ok = !m->gone && !m->ending && !find_topic(m, key) && m->ntopics < TOPICS_PER_STREAM;
	if (ok) {
		t->next = m->topics;
		m->topics = t;
		m->ntopics++;
		if (!thread_detached(pump_main, t)) {
			m->topics = t->next;
			m->ntopics--;
			ok = false;
		}
	}
	pthread_mutex_unlock(&m->lock);
	if (ok) {
		http_respond_empty(r, 204);
		return;
	}
	if (producer->free)
		producer->free(producer->cls);
	free(t);
	pump_gone(m);
	http_respond_error(r, ERR_TOPIC_TAKEN,
			   "The topic could not be added (the key was taken meanwhile, or the "
			   "stream ended).");
}

struct sub_in {
	const char *key, *database;
	int64_t offset;
};
static const api_field sub_fields[] = {
    API_FIELD("key", API_TEXT, struct sub_in, key, API_REQUIRED),
    API_FIELD("database", API_TEXT, struct sub_in, database, 0),
    API_FIELD("offset", API_INT, struct sub_in, offset, 0),
};
static const api_form sub_form = API_FORM(sub_fields, "Give the key that names the topic in the stream's events.");

/* The request's body read by form into in, then the stream its path names
 * (held: mux_release it); NULL once the request is answered. */
static struct mux *stream_with_body(http_req *r, const api_form *form, void *in)
{
	if (!api_body(r, form, in, NULL))
		return NULL;
	return find_stream(r);
}

enum topic_kind { TOPIC_SESSION, TOPIC_DASHBOARD, TOPIC_JOB, TOPIC_PSQL, TOPIC_SCHEMA_DIFF };

static void subscribe(http_req *r, enum topic_kind kind)
{
	struct sub_in in = {0};
	struct mux *m = stream_with_body(r, &sub_form, &in);
	if (!m)
		return;
	if (!key_free(r, m, in.key)) {
		mux_release(m);
		return;
	}
	api_topic producer = {0};
	bool opened = kind == TOPIC_SESSION	  ? api_sessions_topic(r, &producer)
		      : kind == TOPIC_DASHBOARD	  ? api_dashboard_topic(r, in.database, &producer)
		      : kind == TOPIC_PSQL	  ? api_psql_topic(r, in.offset, &producer)
		      : kind == TOPIC_SCHEMA_DIFF ? api_schema_diff_topic(r, &producer)
						  : api_jobs_topic(r, in.offset, &producer);
	if (opened)
		attach(r, m, in.key, &producer);
	mux_release(m);
}

void api_stream_session(http_req *r)
{
	subscribe(r, TOPIC_SESSION);
}

void api_stream_dashboard(http_req *r)
{
	subscribe(r, TOPIC_DASHBOARD);
}

void api_stream_job(http_req *r)
{
	subscribe(r, TOPIC_JOB);
}

void api_stream_psql(http_req *r)
{
	subscribe(r, TOPIC_PSQL);
}

void api_stream_schema_diff(http_req *r)
{
	subscribe(r, TOPIC_SCHEMA_DIFF);
}

struct unsub_in {
	const char *key;
};
static const api_field unsub_fields[] = {API_FIELD("key", API_TEXT, struct unsub_in, key, API_REQUIRED)};
static const api_form unsub_form = API_FORM(unsub_fields, "Give the key of the topic to unsubscribe.");

void api_stream_unsubscribe(http_req *r)
{
	struct unsub_in in = {0};
	struct mux *m = stream_with_body(r, &unsub_form, &in);
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	struct topic *t = find_topic(m, in.key);
	if (t)
		t->dead = true; /* its pump ends after its current wait; nothing more of it is queued */
	pthread_mutex_unlock(&m->lock);
	mux_release(m);
	/* a topic that ended by itself (a job's end, a closed tab) is as gone as one never there */
	http_respond_empty(r, 204);
}

/* ---- revocation, shutdown, monitoring ---- */

/* Caller holds hub.lock. */
static void end_stream(struct mux *m, const char *reason, const char *message)
{
	pthread_mutex_lock(&m->lock);
	if (!m->ending) {
		m->ending = true;
		snprintf(m->end_reason, sizeof(m->end_reason), "%s", reason);
		snprintf(m->end_message, sizeof(m->end_message), "%s", message ? message : "");
		for (struct topic *t = m->topics; t; t = t->next)
			t->dead = true;
		pthread_cond_broadcast(&m->cond);
	}
	pthread_mutex_unlock(&m->lock);
}

int api_stream_close_for(int64_t user_id, const char *owner, const char *reason)
{
	int n = 0;
	pthread_mutex_lock(&hub.lock);
	for (struct mux *m = hub.all; m; m = m->next) {
		if (m->user_id == user_id && (!owner || strcmp(owner, m->owner) == 0) && !m->gone) {
			end_stream(m, "revoked", reason);
			n++;
		}
	}
	pthread_mutex_unlock(&hub.lock);
	return n;
}

size_t api_stream_holders(api_stream_holder **out)
{
	pthread_mutex_lock(&hub.lock);
	size_t n = 0;
	for (struct mux *m = hub.all; m; m = m->next)
		n++;
	api_stream_holder *h = xcalloc(n ? n : 1, sizeof(*h));
	size_t i = 0;
	for (struct mux *m = hub.all; m; m = m->next, i++) {
		h[i].user_id = m->user_id;
		snprintf(h[i].owner, sizeof(h[i].owner), "%s", m->owner);
	}
	pthread_mutex_unlock(&hub.lock);
	*out = h;
	return n;
}

void api_stream_shutdown(int timeout_ms)
{
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, timeout_ms);
	pthread_mutex_lock(&hub.lock);
	hub.stopping = true;
	/* the topics' producers end on their own as sessions, samplers and jobs
	 * stop (their "closed"/"end" events go out first); then each stream ends */
	thread_wait_zero(&hub.idle, &hub.lock, &hub.pumps, &deadline);
	for (struct mux *m = hub.all; m; m = m->next)
		end_stream(m, "shutdown", NULL);
	pthread_mutex_unlock(&hub.lock);
}

void api_stream_wait(void)
{
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, 30000);
	pthread_mutex_lock(&hub.lock);
	hub.stopping = true;
	for (struct mux *m = hub.all; m; m = m->next)
		end_stream(m, "shutdown", NULL);
	if (!thread_wait_zero(&hub.idle, &hub.lock, &hub.pumps, &deadline))
		log_msg(LOG_WARN, "event stream topics still running at exit", NULL);
	pthread_mutex_unlock(&hub.lock);
}

void api_stream_stats(api_stream_counts *out)
{
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&hub.lock);
	for (struct mux *m = hub.all; m; m = m->next) {
		pthread_mutex_lock(&m->lock);
		out->streams += !m->gone;
		out->topics += (unsigned long)m->ntopics;
		out->queued_bytes += m->queued;
		pthread_mutex_unlock(&m->lock);
	}
	pthread_mutex_unlock(&hub.lock);
	out->dropped = atomic_load(&dropped_total);
}
