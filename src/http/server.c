/* libmicrohttpd glue: one thread per connection (handlers may block on a
 * pooled PostgreSQL connection), each waiting with poll() so descriptors
 * past 1,024 work; request lifecycle, routing, responses; and the guard
 * of the connection table: deadlines for a stranger's headers and for a
 * buffered body, caps per address, and room kept for probes and logged-in
 * users (see track_*). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "http/netaddr.h"
#include "http/router.h"
#include "util/json.h"
#include "util/log.h"
#include "util/thread.h"
#include "util/time.h"

/* One accepted connection, as the guard sees it. */
enum conn_phase { PHASE_HEADERS, PHASE_BODY, PHASE_ANSWER };
struct conn_track {
	int fd;
	unsigned char addr[16];
	double since; /* monotonic seconds the phase began */
	enum conn_phase phase;
	bool known;	 /* a logged-in user's: no header deadline, never evicted */
	int64_t account; /* whose, when known */
	/* answered a request already: idle between requests it is neither slow nor
	 * held to the header deadline (a client reusing it would see it shut under
	 * it), only to the idle timeout; when the table is full it is evictable */
	bool served;
	bool over;  /* past a cap: its first request is answered 503 */
	bool timed; /* the body phase has a deadline (a buffered body) */
	bool shut;  /* shutdown() already: MHD closes it soon */
	struct conn_track *prev, *next;
};

#define IP_BUCKETS 1024
struct ip_count {
	unsigned char addr[16];
	unsigned n;
	struct ip_count *next;
};

struct http_server {
	struct MHD_Daemon *daemon;
	http_config cfg;
	char *script_name;
	netaddr_list proxies;
	int listen_fd;
	int port;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	int inflight;
	http_stats stats; /* under lock */
	/* the connection guard, under conn_lock */
	pthread_mutex_t conn_lock;
	pthread_cond_t conn_stop;
	pthread_t guard;
	bool guard_running, stopping;
	struct conn_track *conns; /* newest first */
	unsigned nconns;
	unsigned shut_pending; /* shut down, not yet closed by MHD */
	struct ip_count *per_ip[IP_BUCKETS];
	http_conn_stats cstats;
};

const double http_latency_bounds[HTTP_LATENCY_BUCKETS] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
							  0.25,	 0.5,	1,    2.5,   5,	   1e308};

static bool status_code_valid(int status)
{
	return status >= 100 && status < 600;
}

struct header {
	const char *name, *value;
	struct header *next;
};

struct http_req {
	http_server *srv;
	struct MHD_Connection *conn;
	arena *arena;
	const char *method;
	const char *url;
	slice path;
	const char *base;
	str body;
	bool too_large;
	route_param params[ROUTER_MAX_PARAMS];
	int nparams;
	struct header *headers;
	struct MHD_Response *resp;
	bool queued; /* resp is with MHD */
	int status;
	atomic_ulong bytes;
	struct timespec start;
	char client_ip[INET6_ADDRSTRLEN];
	unsigned char client_addr[16];
	bool from_proxy, https, loopback;
	void *user;
	json_t *json;
	bool streaming; /* a ROUTE_STREAM_BODY route: the body goes to sink, not body */
	bool has_sink;
	http_body_sink sink;
	void *sink_cls;
	struct conn_track *track;
	const http_route *route; /* matched when the headers came in */
	size_t body_cap;
};

/* ---- request accessors ---- */

const char *http_req_method(const http_req *r)
{
	return r->method;
}
slice http_req_path(const http_req *r)
{
	return r->path;
}
const char *http_req_base(const http_req *r)
{
	return r->base;
}
slice http_req_body(const http_req *r)
{
	return (slice){r->body.buf ? r->body.buf : "", r->body.len};
}
arena *http_req_arena(http_req *r)
{
	return r->arena;
}
void *http_req_app(const http_req *r)
{
	return r->srv->cfg.app;
}
const char *http_req_client_ip(const http_req *r)
{
	return r->client_ip;
}
bool http_req_is_https(const http_req *r)
{
	return r->https;
}
bool http_req_is_loopback(const http_req *r)
{
	return r->loopback;
}

bool http_req_from_trusted_proxy(const http_req *r)
{
	return r->from_proxy;
}
static void track_served(http_req *r);
static bool track_account(http_req *r, int64_t account);
bool http_req_set_user(http_req *r, void *user, int64_t account)
{
	r->user = user;
	return !user || track_account(r, account);
}
void *http_req_user(const http_req *r)
{
	return r->user;
}
bool http_responded(const http_req *r)
{
	return r->resp != NULL;
}

const char *http_req_header(http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_req_query(http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_req_query_n(http_req *r, const char *name, size_t *len)
{
	const char *v = NULL;
	if (MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v, len) != MHD_YES)
		return NULL;
	return v;
}

const char *http_req_cookie(http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *http_req_param(const http_req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (slice_eq_cstr(r->params[i].name, name))
			return arena_strndup(r->arena, r->params[i].value.ptr, r->params[i].value.len);
	return NULL;
}

json_t *http_req_json(http_req *r)
{
	if (r->json)
		return r->json;
	json_error_t e;
	slice b = http_req_body(r);
	json_t *j = json_loadb(b.ptr, b.len, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		http_respond_error(r, ERR_INVALID_JSON, "The request body is not valid JSON: %s (line %d, column %d).",
				   e.text, e.line, e.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		http_respond_error(r, ERR_INVALID_JSON, "The request body must be a JSON object.");
		return NULL;
	}
	r->json = j;
	return j;
}

/* ---- responses ---- */

void http_add_header(http_req *r, const char *name, const char *value)
{
	struct header *h = arena_alloc(r->arena, sizeof(*h));
	h->name = arena_strdup(r->arena, name);
	h->value = arena_strdup(r->arena, value);
	h->next = r->headers;
	r->headers = h;
}

static bool has_header(const http_req *r, const char *name)
{
	for (const struct header *h = r->headers; h; h = h->next)
		if (strcasecmp(h->name, name) == 0)
			return true;
	return false;
}

static void finish(http_req *r, int status, struct MHD_Response *resp, const char *content_type)
{
	if (r->resp) {
		/* a handler answered twice: keep the first answer */
		log_msg(LOG_ERROR, "handler responded twice", "path", r->url, NULL);
		MHD_destroy_response(resp);
		return;
	}
	if (content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
				"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
				"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	if (!has_header(r, "Cache-Control"))
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	/* every "too many" and "unavailable" tells the client when to come back */
	if ((status == 429 || status == 503) && !has_header(r, "Retry-After"))
		MHD_add_response_header(resp, "Retry-After", "2");
	for (const struct header *h = r->headers; h; h = h->next)
		MHD_add_response_header(resp, h->name, h->value);
	r->resp = resp;
	r->status = status;
}

void http_respond(http_req *r, int status, const char *content_type, const void *body, size_t len)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	r->bytes = len;
	finish(r, status, resp, content_type);
}

void http_respond_static(http_req *r, int status, const char *content_type, const void *body, size_t len)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
	r->bytes = len;
	finish(r, status, resp, content_type);
}

void http_respond_json(http_req *r, int status, str *s)
{
	size_t len = s->len;
	char *buf = str_take(s);
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	r->bytes = len;
	finish(r, status, resp, "application/json; charset=utf-8");
}

static void respond_error(http_req *r, int status, err_code code, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void respond_error(http_req *r, int status, err_code code, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	http_error_body b;
	http_error_begin(&b, code, msg);
	http_error_send(r, status, &b);
}

json_writer *http_error_begin(http_error_body *b, err_code code, const char *message)
{
	b->out = (str)STR_INIT;
	jw_init(&b->w, &b->out);
	jw_obj_begin(&b->w);
	jw_key(&b->w, "error");
	jw_obj_begin(&b->w);
	jw_fields(&b->w, "ss", "code", err_name(code), "message", message);
	return &b->w;
}

void http_error_send(http_req *r, int status, http_error_body *b)
{
	jw_obj_end(&b->w);
	jw_obj_end(&b->w);
	http_respond_json(r, status, &b->out);
}

void http_respond_error(http_req *r, err_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	respond_error(r, err_status(code, false), code, fmt, ap);
	va_end(ap);
}

void http_respond_error_status(http_req *r, int status, err_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	respond_error(r, status, code, fmt, ap);
	va_end(ap);
}

void http_respond_empty(http_req *r, int status)
{
	http_respond(r, status, NULL, "", 0);
}

void http_respond_redirect(http_req *r, int status, const char *location)
{
	http_add_header(r, "Location", location);
	http_respond(r, status, "text/plain; charset=utf-8", "", 0);
}

void http_respond_file(http_req *r, int status, const char *content_type, int fd, uint64_t size)
{
	struct MHD_Response *resp = MHD_create_response_from_fd64(size, fd);
	if (!resp) {
		close(fd);
		http_respond_error(r, ERR_INTERNAL, "The file could not be sent.");
		return;
	}
	r->bytes = size;
	finish(r, status, resp, content_type);
}

void http_req_body_sink(http_req *r, const http_body_sink *sink, void *cls)
{
	r->sink = *sink;
	r->sink_cls = cls;
	r->has_sink = true;
}

struct stream {
	http_req *req;
	http_stream_read read;
	void *cls;
	void (*free_cls)(void *);
	int fd; /* the client's socket, for http_peer_gone */
};

/* The socket of the response being read on this thread (MHD reads each
 * connection's response on the connection's own thread). */
static __thread int reading_fd = -1;

bool http_peer_gone(void)
{
	if (reading_fd < 0)
		return false;
	struct pollfd p = {.fd = reading_fd, .events = POLLRDHUP};
	if (poll(&p, 1, 0) <= 0)
		return false;
	return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	reading_fd = st->fd;
	ssize_t n = st->read(st->cls, pos, buf, max);
	reading_fd = -1;
	if (n < 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	st->req->bytes += (unsigned long)n;
	return n;
}

static void stream_free(void *cls)
{
	struct stream *st = cls;
	if (st->free_cls)
		st->free_cls(st->cls);
	free(st);
}

void http_respond_stream(http_req *r, int status, const char *content_type, http_stream_read read, void *cls,
			 void (*free_cls)(void *cls))
{
	struct stream *st = xmalloc(sizeof(*st));
	const union MHD_ConnectionInfo *fi = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	*st = (struct stream){r, read, cls, free_cls, fi ? fi->connect_fd : -1};
	struct MHD_Response *resp =
	    MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, st, stream_free);
	finish(r, status, resp, content_type);
}

struct chunks {
	http_next_chunk next;
	void *cls;
	void (*free_cls)(void *);
	str pending;
	size_t sent;
	bool last;
};

static ssize_t chunks_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct chunks *e = cls;
	while (e->sent >= e->pending.len) {
		if (e->last)
			return -1;
		str_reset(&e->pending);
		e->sent = 0;
		e->last = !e->next(e->cls, &e->pending);
	}
	size_t n = e->pending.len - e->sent;
	if (n > max)
		n = max;
	memcpy(buf, e->pending.buf + e->sent, n);
	e->sent += n;
	return (ssize_t)n;
}

static void chunks_free(void *cls)
{
	struct chunks *e = cls;
	if (e->free_cls)
		e->free_cls(e->cls);
	str_free(&e->pending);
	free(e);
}

void http_respond_chunks(http_req *r, int status, const char *content_type, http_next_chunk next, void *cls,
			 void (*free_cls)(void *cls))
{
	struct chunks *e = xcalloc(1, sizeof(*e));
	e->next = next;
	e->cls = cls;
	e->free_cls = free_cls;
	http_respond_stream(r, status, content_type, chunks_read, e, chunks_free);
}

void http_respond_events(http_req *r, http_next_chunk next, void *cls, void (*free_cls)(void *cls))
{
	/* proxies such as nginx must pass each event on at once */
	http_add_header(r, "X-Accel-Buffering", "no");
	http_respond_chunks(r, 200, "text/event-stream; charset=utf-8", next, cls, free_cls);
}

/* ---- the connection guard ----
 * MHD's own caps close a connection at accept, which a client sees as a
 * reset; its timeout is an idle timeout, which a client dripping one byte
 * at a time never meets. So MHD's table is sized by the descriptors
 * available and Tusk decides: a connection past max_connections (or past
 * max_connections_per_ip) gets a 503 with Retry-After for its first
 * request; a stranger (no logged-in request yet) must send its headers
 * within header_timeout; a buffered body must arrive within body_timeout;
 * strangers slow with their headers are capped per address and in all,
 * leaving a quarter of the table to probes and logged-in users; and when
 * the table is full the oldest slow stranger makes room for a newcomer. */

#define SLOW_AFTER 1.0 /* seconds in the header phase that make a stranger slow */

static struct ip_count **ip_slot(http_server *s, const unsigned char addr[16])
{
	unsigned h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	struct ip_count **pp = &s->per_ip[h % IP_BUCKETS];
	while (*pp && memcmp((*pp)->addr, addr, 16) != 0)
		pp = &(*pp)->next;
	return pp;
}

/* Caller holds conn_lock. Returns the address's count after the change. */
static unsigned ip_add(http_server *s, const unsigned char addr[16], int delta)
{
	struct ip_count **pp = ip_slot(s, addr);
	if (!*pp) {
		if (delta < 0)
			return 0;
		*pp = xcalloc(1, sizeof(**pp));
		memcpy((*pp)->addr, addr, 16);
	}
	struct ip_count *c = *pp;
	c->n = delta < 0 ? c->n - 1 : c->n + 1;
	unsigned n = c->n;
	if (n == 0) {
		*pp = c->next;
		free(c);
	}
	return n;
}

/* Caller holds conn_lock. */
static void track_shut(http_server *s, struct conn_track *t, unsigned long *counter)
{
	if (t->shut)
		return;
	t->shut = true;
	s->shut_pending++;
	(*counter)++;
	/* MHD's thread for the connection sees the end and closes it; the
	 * descriptor stays ours until MHD reports the connection closed */
	shutdown(t->fd, SHUT_RDWR);
}

static bool slow_stranger(const struct conn_track *t, double now)
{
	return !t->known && !t->served && !t->shut && t->phase == PHASE_HEADERS && now - t->since >= SLOW_AFTER;
}

/* Caller holds conn_lock: closes the oldest stranger still sending (or
 * idle before) its headers, if any; slow_only: one waiting a second or more. */
static bool evict_one(http_server *s, double now, bool slow_only)
{
	struct conn_track *oldest = NULL;
	for (struct conn_track *t = s->conns; t; t = t->next) {
		bool candidate = slow_only ? slow_stranger(t, now)
					   : !t->known && !t->shut && t->phase == PHASE_HEADERS && t->since < now;
		if (candidate && (!oldest || t->since <= oldest->since))
			oldest = t;
	}
	if (oldest)
		track_shut(s, oldest, &s->cstats.evicted);
	return oldest != NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	http_server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		struct conn_track *t = *socket_context;
		if (!t)
			return;
		pthread_mutex_lock(&s->conn_lock);
		if (t->prev)
			t->prev->next = t->next;
		else
			s->conns = t->next;
		if (t->next)
			t->next->prev = t->prev;
		s->nconns--;
		if (t->shut)
			s->shut_pending--;
		ip_add(s, t->addr, -1);
		pthread_mutex_unlock(&s->conn_lock);
		free(t);
		*socket_context = NULL;
		return;
	}
	struct conn_track *t = xcalloc(1, sizeof(*t));
	const union MHD_ConnectionInfo *fi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *ai = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	t->fd = fi ? fi->connect_fd : -1;
	if (ai)
		netaddr_from_sockaddr(ai->client_addr, t->addr);
	double now = time_mono_s();
	t->since = now;
	t->phase = PHASE_HEADERS;
	pthread_mutex_lock(&s->conn_lock);
	t->next = s->conns;
	if (s->conns)
		s->conns->prev = t;
	s->conns = t;
	s->nconns++;
	unsigned from_ip = ip_add(s, t->addr, +1);
	if (s->nconns - s->shut_pending > s->cfg.max_connections && !evict_one(s, now, false))
		t->over = true;
	if (s->cfg.max_connections_per_ip && from_ip > s->cfg.max_connections_per_ip)
		t->over = true;
	if (t->over)
		s->cstats.refused++;
	pthread_mutex_unlock(&s->conn_lock);
	*socket_context = t;
}

static void track_phase(http_req *r, enum conn_phase phase, bool timed)
{
	struct conn_track *t = r->track;
	if (!t)
		return;
	pthread_mutex_lock(&r->srv->conn_lock);
	t->phase = phase;
	t->timed = timed;
	t->since = time_mono_s();
	pthread_mutex_unlock(&r->srv->conn_lock);
}

void http_server_forget_account(http_server *s, int64_t account)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->conn_lock);
	for (struct conn_track *t = s->conns; t; t = t->next)
		if (t->known && t->account == account)
			t->known = false;
	pthread_mutex_unlock(&s->conn_lock);
}

/* Marks the connection one that answered a request (served). */
static void track_served(http_req *r)
{
	if (!r->track)
		return;
	pthread_mutex_lock(&r->srv->conn_lock);
	r->track->served = true;
	pthread_mutex_unlock(&r->srv->conn_lock);
}

/* The connection becomes the account's, if the account holds fewer than its cap: one user's
 * connections, exempt from the stranger's deadlines, cannot fill the table for everyone. */
static bool track_account(http_req *r, int64_t account)
{
	struct conn_track *t = r->track;
	if (!t)
		return true;
	http_server *s = r->srv;
	pthread_mutex_lock(&s->conn_lock);
	bool ok = true;
	/* a quarter of the table at most, so a small table is not one account's either */
	unsigned cap = s->cfg.max_connections_per_user, quarter = s->cfg.max_connections / 4;
	if (cap && quarter >= 4 && quarter < cap)
		cap = quarter;
	if (!(t->known && t->account == account) && cap) {
		unsigned held = 0;
		for (struct conn_track *c = s->conns; c; c = c->next)
			held += c != t && c->known && !c->shut && c->account == account;
		ok = held < cap;
	}
	if (ok) {
		t->known = true;
		t->account = account;
	} else {
		t->known = false; /* a stranger's again: evictable, held to the idle timeout */
		s->cstats.refused++;
	}
	pthread_mutex_unlock(&s->conn_lock);
	return ok;
}

static int by_addr_then_newest(const void *a, const void *b)
{
	const struct conn_track *x = *(struct conn_track *const *)a, *y = *(struct conn_track *const *)b;
	int c = memcmp(x->addr, y->addr, 16);
	if (c)
		return c;
	return x->since > y->since ? -1 : x->since < y->since;
}

/* Caller holds conn_lock: one pass of deadlines and caps. */
static void guard_pass(http_server *s, double now)
{
	const http_config *c = &s->cfg;
	unsigned slow = 0;
	for (struct conn_track *t = s->conns; t; t = t->next) {
		if (t->shut)
			continue;
		double age = now - t->since;
		if (t->phase == PHASE_HEADERS && !t->known &&
		    age > (t->served ? c->timeout_seconds : c->header_timeout_seconds))
			track_shut(s, t, &s->cstats.timed_out);
		else if (t->phase == PHASE_BODY && t->timed && age > c->body_timeout_seconds)
			track_shut(s, t, &s->cstats.timed_out);
		else if (slow_stranger(t, now))
			slow++;
	}
	s->cstats.slow = slow;
	if (!slow)
		return;
	struct conn_track **list = xcalloc(slow, sizeof(*list));
	size_t n = 0;
	for (struct conn_track *t = s->conns; t && n < slow; t = t->next)
		if (slow_stranger(t, now))
			list[n++] = t;
	qsort(list, n, sizeof(*list), by_addr_then_newest);
	/* per address: the newest max_slow_connections_per_ip stay */
	unsigned run = 0;
	for (size_t i = 0; i < n; i++) {
		run = i && memcmp(list[i]->addr, list[i - 1]->addr, 16) == 0 ? run + 1 : 1;
		if (c->max_slow_connections_per_ip && run > c->max_slow_connections_per_ip) {
			track_shut(s, list[i], &s->cstats.evicted);
			slow--;
		}
	}
	/* in all: slow strangers leave a quarter of the table free */
	unsigned room = c->max_connections - c->max_connections / 4;
	while (slow > room && evict_one(s, now, true))
		slow--;
	free(list);
}

static void *guard_main(void *arg)
{
	http_server *s = arg;
	pthread_mutex_lock(&s->conn_lock);
	while (thread_nap(&s->conn_stop, &s->conn_lock, &s->stopping, 250))
		guard_pass(s, time_mono_s());
	pthread_mutex_unlock(&s->conn_lock);
	return NULL;
}

void http_server_conn_stats(http_server *s, http_conn_stats *out)
{
	pthread_mutex_lock(&s->conn_lock);
	*out = s->cstats;
	out->open = s->nconns;
	pthread_mutex_unlock(&s->conn_lock);
}

/* ---- request lifecycle ---- */

/* Rightmost X-Forwarded-For entry that is not a trusted proxy. */
static void forwarded_client(http_req *r)
{
	const char *xff = http_req_header(r, "X-Forwarded-For");
	if (!xff)
		return;
	char *copy = arena_strdup(r->arena, xff);
	char *parts[32];
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(copy, ", ", &save); t && n < 32; t = strtok_r(NULL, ", ", &save))
		parts[n++] = t;
	for (int i = n - 1; i >= 0; i--) {
		unsigned char a[16];
		if (!netaddr_parse(parts[i], a))
			return;
		memcpy(r->client_addr, a, 16);
		netaddr_format(a, r->client_ip, sizeof(r->client_ip));
		if (!netaddr_list_contains(&r->srv->proxies, a))
			return;
	}
}

bool http_prefix_valid(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > 256 || p[0] != '/')
		return false;
	size_t seg = 0;
	for (size_t i = 1; i <= n; i++) {
		char c = p[i];
		if (c == '/' || c == '\0') {
			const char *start = p + i - seg;
			if (seg == 0 && !(c == '\0' && (i == n))) /* "//" */
				return false;
			if ((seg == 1 && start[0] == '.') || (seg == 2 && start[0] == '.' && start[1] == '.'))
				return false;
			seg = 0;
			continue;
		}
		if (!(isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_' || c == '~'))
			return false;
		seg++;
	}
	return true;
}

static void resolve_base(http_req *r, const char *url)
{
	const char *prefix = r->srv->script_name;
	const char *fwd = r->from_proxy ? http_req_header(r, "X-Forwarded-Prefix") : NULL;
	if (fwd && http_prefix_valid(fwd)) {
		size_t n = strlen(fwd);
		while (n && fwd[n - 1] == '/')
			n--;
		prefix = arena_strndup(r->arena, fwd, n);
	}
	r->base = arena_printf(r->arena, "%s/", prefix);
	size_t plen = strlen(prefix);
	/* The proxy may pass the prefix on or strip it: accept both. */
	if (plen && strncmp(url, prefix, plen) == 0 && (url[plen] == '/' || url[plen] == '\0'))
		url += plen;
	r->path = slice_cstr(url);
}

static http_req *req_new(http_server *s, struct MHD_Connection *conn, const char *url, const char *method)
{
	http_req *r = xcalloc(1, sizeof(*r));
	r->srv = s;
	r->conn = conn;
	r->arena = arena_new();
	r->method = arena_strdup(r->arena, method);
	r->url = arena_strdup(r->arena, url);
	str_init_max(&r->body, s->cfg.json_body_bytes);
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	const union MHD_ConnectionInfo *sc = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	r->track = sc ? sc->socket_context : NULL;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && netaddr_from_sockaddr(ci->client_addr, r->client_addr)) {
		netaddr_format(r->client_addr, r->client_ip, sizeof(r->client_ip));
		unsigned char lo4[16], lo6[16];
		netaddr_parse("127.0.0.1", lo4);
		netaddr_parse("::1", lo6);
		r->loopback = memcmp(r->client_addr, lo4, 13) == 0 || memcmp(r->client_addr, lo6, 16) == 0;
		r->from_proxy = netaddr_list_contains(&s->proxies, r->client_addr);
	}
	if (r->from_proxy) {
		const char *proto = http_req_header(r, "X-Forwarded-Proto");
		r->https = proto && strcasecmp(proto, "https") == 0;
		forwarded_client(r);
	}
	resolve_base(r, r->url);
	return r;
}

/* The route for the request (its parameters set), or NULL after answering
 * what no route serves: a redirect, 404, 405 or a static file. */
static const http_route *route_for(http_req *r)
{
	http_server *s = r->srv;
	const char *m = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	bool api = slice_starts_with(r->path, "/api/") || slice_eq_cstr(r->path, "/api");
	if (r->path.len == 0) {
		/* exactly the prefix without its slash */
		http_respond_redirect(r, 308, r->base);
		return NULL;
	}
	str allowed = STR_INIT;
	for (size_t i = 0; i < s->cfg.nroutes; i++) {
		const http_route *rt = &s->cfg.routes[i];
		int n = router_match(rt->pattern, r->path, r->params, ROUTER_MAX_PARAMS);
		if (n < 0)
			continue;
		if (strcmp(rt->method, m) != 0) {
			if (!strstr(str_cstr(&allowed), rt->method))
				str_appendf(&allowed, "%s%s", allowed.len ? ", " : "", rt->method);
			continue;
		}
		str_free(&allowed);
		r->nparams = n;
		return rt;
	}
	if (allowed.len) {
		http_add_header(r, "Allow", str_cstr(&allowed));
		str_free(&allowed);
		http_respond_error(r, ERR_METHOD_NOT_ALLOWED, "%s is not allowed here.", r->method);
		return NULL;
	}
	str_free(&allowed);
	if (!api && strcmp(m, "GET") == 0 && s->cfg.fallback) {
		s->cfg.fallback(r);
		return NULL;
	}
	if (api || strcmp(m, "GET") == 0)
		http_respond_error(r, ERR_NOT_FOUND, "Nothing is at %.*s.", (int)r->path.len, r->path.ptr);
	else
		http_respond_error(r, ERR_METHOD_NOT_ALLOWED, "%s is not allowed here.", r->method);
	return NULL;
}

static enum MHD_Result queue(http_req *r)
{
	if (!r->resp)
		http_respond_error(r, ERR_INTERNAL, "The server did not produce an answer.");
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, r->resp);
	MHD_destroy_response(r->resp);
	r->queued = true;
	track_phase(r, PHASE_ANSWER, false);
	return ret;
}

/* Headers are in: check and run the handler now, before any of the body. */
static enum MHD_Result stream_start(http_req *r, const http_route *rt)
{
	r->streaming = true;
	if (!r->srv->cfg.before || r->srv->cfg.before(r, rt))
		rt->handler(r);
	if (!r->resp && !r->has_sink)
		http_respond_error(r, ERR_INTERNAL, "The handler took no request body.");
	/* a refusal goes out before the body: MHD then closes the connection */
	return r->resp ? queue(r) : MHD_YES;
}

static void stream_feed(http_req *r, const char *data, size_t n)
{
	if (r->resp)
		return; /* refused: the rest is dropped */
	if (!r->sink.chunk(r, r->sink_cls, data, n) && !r->resp)
		http_respond_error(r, ERR_INTERNAL, "The request body could not be taken.");
}

/* One header's values, for the framing checks. */
struct header_count {
	const char *name;
	int n;
	const char *first;
	bool differ;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct header_count *h = cls;
	if (strcasecmp(key, h->name) != 0)
		return MHD_YES;
	if (h->n++ == 0)
		h->first = value;
	else if (strcmp(h->first, value) != 0)
		h->differ = true;
	return MHD_YES;
}

/* How the body is framed must be beyond doubt (request smuggling, bodies
 * that never end): one Content-Length of digits, or Transfer-Encoding
 * chunked alone. Responds and returns false otherwise. */
static bool framing_ok(http_req *r)
{
	struct header_count cl = {.name = "Content-Length"}, te = {.name = "Transfer-Encoding"};
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_header, &cl);
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_header, &te);
	if (cl.differ) {
		http_respond_error(r, ERR_BAD_REQUEST, "The request has two different Content-Length headers.");
		return false;
	}
	if (cl.n && (!cl.first[0] || strspn(cl.first, "0123456789") != strlen(cl.first))) {
		http_respond_error(r, ERR_BAD_REQUEST, "The Content-Length header is not a number.");
		return false;
	}
	if (te.n && cl.n) {
		http_respond_error(r, ERR_BAD_REQUEST, "The request has both Content-Length and Transfer-Encoding.");
		return false;
	}
	if (te.n && (te.n > 1 || strcasecmp(te.first, "chunked") != 0)) {
		http_respond_error(r, ERR_NOT_IMPLEMENTED, "Transfer-Encoding '%.64s' is not supported (only chunked).",
				   te.first);
		return false;
	}
	return true;
}

static size_t body_cap(const http_server *s, const http_route *rt)
{
	if (rt->flags & ROUTE_SMALL_BODY)
		return s->cfg.small_body_bytes;
	if (rt->flags & ROUTE_LARGE_BODY)
		return s->cfg.max_body_bytes;
	return s->cfg.json_body_bytes;
}

/* The headers are in: everything that can be decided without the body is
 * decided now (capacity, framing, route, login and CSRF, size), so a
 * request refused never has its body read. */
static enum MHD_Result headers_in(http_req *r)
{
	http_server *s = r->srv;
	track_phase(r, PHASE_BODY, true);
	if (r->track && r->track->over) {
		http_add_header(r, "Retry-After", "2");
		http_add_header(r, "Connection", "close");
		http_respond_error(r, ERR_OVERLOADED, "Tusk has too many connections open; try again in a moment.");
		return queue(r);
	}
	if (!framing_ok(r))
		return queue(r);
	const http_route *rt = route_for(r);
	if (!rt)
		return queue(r);
	r->route = rt;
	if (rt->flags & ROUTE_STREAM_BODY) {
		track_phase(r, PHASE_BODY, false);
		return stream_start(r, rt);
	}
	if (s->cfg.before && !s->cfg.before(r, rt))
		return queue(r);
	r->body_cap = body_cap(s, rt);
	str_init_max(&r->body, r->body_cap);
	const char *cl = http_req_header(r, "Content-Length");
	if (cl && strtoull(cl, NULL, 10) > r->body_cap) {
		/* answer before reading the body; MHD then closes the connection */
		http_respond_error(r, ERR_BODY_TOO_LARGE, "The request body is larger than %zu bytes.", r->body_cap);
		return queue(r);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)version;
	http_server *s = cls;
	http_req *r = *con_cls;
	if (!r) {
		r = req_new(s, conn, url, method);
		*con_cls = r;
		pthread_mutex_lock(&s->lock);
		s->inflight++;
		pthread_mutex_unlock(&s->lock);
		return headers_in(r);
	}
	if (*upload_data_size) {
		if (r->streaming) {
			stream_feed(r, upload_data, *upload_data_size);
		} else if (!r->too_large) {
			str_append(&r->body, upload_data, *upload_data_size);
			if (!str_ok(&r->body)) {
				r->too_large = true;
				str_free(&r->body);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->queued)
		return MHD_YES; /* already answered early */
	if (r->streaming) {
		if (!r->resp)
			r->sink.end(r, r->sink_cls);
	} else if (r->too_large) {
		http_respond_error(r, ERR_BODY_TOO_LARGE, "The request body is larger than %zu bytes.", r->body_cap);
	} else {
		track_phase(r, PHASE_ANSWER, false);
		r->route->handler(r);
	}
	return queue(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	http_server *s = cls;
	http_req *r = *con_cls;
	if (!r)
		return;
	*con_cls = NULL;
	double ms = time_ms_since(&r->start);
	char status[16], bytes[32], dur[32];
	snprintf(status, sizeof(status), "%d", r->status);
	snprintf(bytes, sizeof(bytes), "%lu", (unsigned long)r->bytes);
	snprintf(dur, sizeof(dur), "%.1f", ms);
	/* the path only: query strings may carry one-time keys */
	const char *path = r->url;
	bool quiet = strcmp(path, "/misc/ping") == 0 || strcmp(path, "/healthz") == 0 || strcmp(path, "/readyz") == 0;
	log_msg(quiet ? LOG_DEBUG : LOG_INFO, "request", "method", r->method, "path", path, "status", status, "bytes",
		bytes, "ms", dur, "client", r->client_ip, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL : "aborted",
		"true", NULL);
	int r_status = r->status;
	/* the connection waits for its next request (the track is re-read: it
	 * is gone when the connection closed) */
	const union MHD_ConnectionInfo *sc = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	r->track = sc ? sc->socket_context : NULL;
	track_phase(r, PHASE_HEADERS, false);
	track_served(r);
	if (r->has_sink && r->sink.done)
		r->sink.done(r->sink_cls);
	if (r->json)
		json_decref(r->json);
	str_free(&r->body);
	arena_free(r->arena);
	free(r);
	pthread_mutex_lock(&s->lock);
	if (--s->inflight == 0)
		pthread_cond_broadcast(&s->idle);
	if (status_code_valid(r_status))
		s->stats.by_status[r_status]++;
	for (int b = 0; b < HTTP_LATENCY_BUCKETS; b++)
		if (ms / 1000.0 <= http_latency_bounds[b])
			s->stats.latency[b]++;
	s->stats.latency_sum += ms / 1000.0;
	s->stats.count++;
	pthread_mutex_unlock(&s->lock);
}

void http_server_stats(http_server *s, http_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->stats;
	pthread_mutex_unlock(&s->lock);
}

/* ---- listening ---- */

static int open_listener(const char *address, int port, int *bound_port, tusk_err *err)
{
	char host[256];
	size_t n = strlen(address);
	if (n >= sizeof(host)) {
		err_set(err, ERR_INVALID_SETTING, "listen address is too long");
		return -1;
	}
	if (n >= 2 && address[0] == '[' && address[n - 1] == ']') {
		memcpy(host, address + 1, n - 2);
		host[n - 2] = '\0';
	} else {
		memcpy(host, address, n + 1);
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res;
	char portstr[16];
	snprintf(portstr, sizeof(portstr), "%d", port);
	int rc = getaddrinfo(host[0] ? host : NULL, portstr, &hints, &res);
	if (rc != 0) {
		err_set(err, ERR_LISTEN_FAILED, "cannot resolve listen address '%s': %s", address, gai_strerror(rc));
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1, zero = 0;
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (res->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	}
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
		int e = errno;
		bool v6 = res->ai_family == AF_INET6;
		const char *hint =
		    e == EACCES && port < 1024
			? " (a port below 1024 needs the NET_BIND_SERVICE capability: allow it, which in the "
			  "container image means starting through /entrypoint.sh, whose copy of tusk carries it "
			  "as a file capability, with NET_BIND_SERVICE not dropped and privilege escalation "
			  "allowed; or set PGADMIN_LISTEN_PORT or TUSK_PORT to 1024 or above)"
		    : e == EADDRINUSE ? " (another process uses this port)"
		    : v6 && (e == EAFNOSUPPORT || e == EADDRNOTAVAIL)
			? " (IPv6 is not available here: set PGADMIN_LISTEN_ADDRESS or TUSK_LISTEN_ADDRESS to "
			  "0.0.0.0)"
			: "";
		err_set(err, ERR_LISTEN_FAILED, "cannot listen on %s:%d: %s%s", address, port, strerror(e), hint);
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	*bound_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						     : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_msg(LOG_WARN, "http", "detail", msg, NULL);
}

/* MHD's own table: max_connections plus room to answer 503 to those past
 * it, within the descriptors the process may open (a quarter of them kept
 * for PostgreSQL connections, spool and log files). */
static unsigned table_size(const http_config *cfg)
{
	unsigned want = cfg->max_connections + cfg->max_connections / 4 + 16;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		rlim_t budget = rl.rlim_cur - rl.rlim_cur / 4;
		if (budget < want) {
			char have[32];
			snprintf(have, sizeof(have), "%lu", (unsigned long)budget);
			log_msg(LOG_WARN,
				"few file descriptors: the connection table is smaller than TUSK_MAX_CONNECTIONS",
				"connections", have, NULL);
			want = budget > 16 ? (unsigned)budget : 16;
		}
	}
	return want;
}

http_server *http_server_start(const http_config *cfg, tusk_err *err)
{
	http_server *s = xcalloc(1, sizeof(*s));
	s->cfg = *cfg;
	s->script_name = xstrdup(cfg->script_name ? cfg->script_name : "");
	s->listen_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->idle, NULL);
	pthread_mutex_init(&s->conn_lock, NULL);
	pthread_cond_init(&s->conn_stop, NULL);
	if (!netaddr_list_parse(&s->proxies, cfg->trusted_proxies ? cfg->trusted_proxies : "", err))
		goto fail;
	s->listen_fd = open_listener(cfg->listen_address, cfg->port, &s->port, err);
	if (s->listen_fd < 0)
		goto fail;
	/* poll(), not select(): descriptors past FD_SETSIZE (1,024) work */
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG;
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				     MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listen_fd, MHD_OPTION_NOTIFY_COMPLETED,
				     on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				     MHD_OPTION_CONNECTION_LIMIT, table_size(cfg), MHD_OPTION_CONNECTION_TIMEOUT,
				     cfg->timeout_seconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024,
				     MHD_OPTION_THREAD_STACK_SIZE, (size_t)1024 * 1024, MHD_OPTION_END);
	if (!s->daemon) {
		err_set(err, ERR_LISTEN_FAILED, "the HTTP server could not start on %s:%d", cfg->listen_address,
			s->port);
		goto fail;
	}
	s->guard_running = pthread_create(&s->guard, NULL, guard_main, s) == 0;
	s->listen_fd = -1; /* the daemon owns it now */
	return s;
fail:
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	netaddr_list_free(&s->proxies);
	pthread_mutex_destroy(&s->conn_lock);
	pthread_cond_destroy(&s->conn_stop);
	free(s->script_name);
	free(s);
	return NULL;
}

int http_server_port(const http_server *s)
{
	return s->port;
}

void http_server_quiesce(http_server *s)
{
	MHD_socket fd = MHD_quiesce_daemon(s->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
}

bool http_server_drain(http_server *s, int timeout_ms)
{
	struct timespec deadline = time_after_ms(CLOCK_REALTIME, timeout_ms);
	pthread_mutex_lock(&s->lock);
	bool drained = thread_wait_zero(&s->idle, &s->lock, &s->inflight, &deadline);
	pthread_mutex_unlock(&s->lock);
	return drained;
}

void http_server_stop(http_server *s)
{
	if (!s)
		return;
	if (s->guard_running)
		thread_stop(s->guard, &s->conn_lock, &s->conn_stop, &s->stopping);
	MHD_stop_daemon(s->daemon);
	for (int i = 0; i < IP_BUCKETS; i++)
		while (s->per_ip[i]) {
			struct ip_count *next = s->per_ip[i]->next;
			free(s->per_ip[i]);
			s->per_ip[i] = next;
		}
	pthread_mutex_destroy(&s->conn_lock);
	pthread_cond_destroy(&s->conn_stop);
	netaddr_list_free(&s->proxies);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->idle);
	free(s->script_name);
	free(s);
}
