/* libmicrohttpd glue: one thread per connection (handlers may block on a
 * pooled PostgreSQL connection), request lifecycle, routing, responses. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "http/netaddr.h"
#include "http/router.h"
#include "util/json.h"
#include "util/log.h"

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
};

const double http_latency_bounds[HTTP_LATENCY_BUCKETS] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
							  0.25,  0.5,   1,    2.5,   5,    1e308};

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
};

/* ---- request accessors ---- */

const char *http_req_method(const http_req *r) { return r->method; }
slice http_req_path(const http_req *r) { return r->path; }
const char *http_req_base(const http_req *r) { return r->base; }
slice http_req_body(const http_req *r) { return (slice){r->body.buf ? r->body.buf : "", r->body.len}; }
arena *http_req_arena(http_req *r) { return r->arena; }
void *http_req_app(const http_req *r) { return r->srv->cfg.app; }
const char *http_req_client_ip(const http_req *r) { return r->client_ip; }
bool http_req_is_https(const http_req *r) { return r->https; }
bool http_req_is_loopback(const http_req *r) { return r->loopback; }
void http_req_set_user(http_req *r, void *user) { r->user = user; }
void *http_req_user(const http_req *r) { return r->user; }
bool http_responded(const http_req *r) { return r->resp != NULL; }

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
		http_respond_error(r, 400, "invalid_json", "The request body is not valid JSON: %s (line %d, column %d).",
				   e.text, e.line, e.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		http_respond_error(r, 400, "invalid_json", "The request body must be a JSON object.");
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

void http_respond_error(http_req *r, int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	str s = STR_INIT;
	json_writer w;
	jw_init(&w, &s);
	jw_obj_begin(&w);
	jw_key(&w, "error");
	jw_obj_begin(&w);
	jw_kv_str(&w, "code", code);
	jw_kv_str(&w, "message", msg);
	jw_obj_end(&w);
	jw_obj_end(&w);
	http_respond_json(r, status, &s);
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
		http_respond_error(r, 500, "internal", "The file could not be sent.");
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
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	ssize_t n = st->read(st->cls, pos, buf, max);
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
	*st = (struct stream){r, read, cls, free_cls};
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, st,
								      stream_free);
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

/* A forwarded prefix must look like a plain path: "/pgadmin". */
static bool valid_prefix(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c <= ' ' || strchr("\"'<>\\?#", *c) || (unsigned char)*c >= 0x7f)
			return false;
	return true;
}

static void resolve_base(http_req *r, const char *url)
{
	const char *prefix = r->srv->script_name;
	const char *fwd = r->from_proxy ? http_req_header(r, "X-Forwarded-Prefix") : NULL;
	if (fwd && valid_prefix(fwd)) {
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
	str_init_max(&r->body, s->cfg.max_body_bytes);
	clock_gettime(CLOCK_MONOTONIC, &r->start);
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

static void dispatch(http_req *r)
{
	http_server *s = r->srv;
	const char *m = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	bool api = slice_starts_with(r->path, "/api/") || slice_eq_cstr(r->path, "/api");
	if (r->path.len == 0) {
		/* exactly the prefix without its slash */
		http_respond_redirect(r, 308, r->base);
		return;
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
		if (s->cfg.before && !s->cfg.before(r, rt))
			return;
		rt->handler(r);
		return;
	}
	if (allowed.len) {
		http_add_header(r, "Allow", str_cstr(&allowed));
		str_free(&allowed);
		http_respond_error(r, 405, "method_not_allowed", "%s is not allowed here.", r->method);
		return;
	}
	str_free(&allowed);
	if (!api && strcmp(m, "GET") == 0 && s->cfg.fallback) {
		s->cfg.fallback(r);
		return;
	}
	if (api || strcmp(m, "GET") == 0)
		http_respond_error(r, 404, "not_found", "Nothing is at %.*s.", (int)r->path.len, r->path.ptr);
	else
		http_respond_error(r, 405, "method_not_allowed", "%s is not allowed here.", r->method);
}

static enum MHD_Result queue(http_req *r)
{
	if (!r->resp)
		http_respond_error(r, 500, "internal", "The server did not produce an answer.");
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, r->resp);
	MHD_destroy_response(r->resp);
	r->queued = true;
	return ret;
}

/* The ROUTE_STREAM_BODY route a request goes to, if any (its parameters set). */
static const http_route *stream_route(http_req *r)
{
	const http_config *c = &r->srv->cfg;
	for (size_t i = 0; i < c->nroutes; i++) {
		const http_route *rt = &c->routes[i];
		if (!(rt->flags & ROUTE_STREAM_BODY) || strcmp(rt->method, r->method) != 0)
			continue;
		int n = router_match(rt->pattern, r->path, r->params, ROUTER_MAX_PARAMS);
		if (n >= 0) {
			r->nparams = n;
			return rt;
		}
	}
	return NULL;
}

/* Headers are in: check and run the handler now, before any of the body. */
static enum MHD_Result stream_start(http_req *r, const http_route *rt)
{
	r->streaming = true;
	if (!r->srv->cfg.before || r->srv->cfg.before(r, rt))
		rt->handler(r);
	if (!r->resp && !r->has_sink)
		http_respond_error(r, 500, "internal", "The handler took no request body.");
	/* a refusal goes out before the body: MHD then closes the connection */
	return r->resp ? queue(r) : MHD_YES;
}

static void stream_feed(http_req *r, const char *data, size_t n)
{
	if (r->resp)
		return; /* refused: the rest is dropped */
	if (!r->sink.chunk(r, r->sink_cls, data, n) && !r->resp)
		http_respond_error(r, 500, "internal", "The request body could not be taken.");
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
		const http_route *rt = stream_route(r);
		if (rt)
			return stream_start(r, rt);
		const char *cl = http_req_header(r, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > s->cfg.max_body_bytes) {
			/* answer before reading the body; MHD then closes the connection */
			http_respond_error(r, 413, "body_too_large", "The request body is larger than %zu bytes.",
					   s->cfg.max_body_bytes);
			return queue(r);
		}
		return MHD_YES;
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
		http_respond_error(r, 413, "body_too_large", "The request body is larger than %zu bytes.",
				   s->cfg.max_body_bytes);
	} else {
		dispatch(r);
	}
	return queue(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	http_server *s = cls;
	http_req *r = *con_cls;
	if (!r)
		return;
	*con_cls = NULL;
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	double ms = (double)(end.tv_sec - r->start.tv_sec) * 1e3 + (double)(end.tv_nsec - r->start.tv_nsec) / 1e6;
	char status[16], bytes[32], dur[32];
	snprintf(status, sizeof(status), "%d", r->status);
	snprintf(bytes, sizeof(bytes), "%lu", (unsigned long)r->bytes);
	snprintf(dur, sizeof(dur), "%.1f", ms);
	/* the path only: query strings may carry one-time keys */
	const char *path = r->url;
	bool quiet = strcmp(path, "/misc/ping") == 0 || strcmp(path, "/healthz") == 0 || strcmp(path, "/readyz") == 0;
	log_msg(quiet ? LOG_DEBUG : LOG_INFO, "request", "method", r->method, "path", path, "status", status, "bytes",
		bytes, "ms", dur, "client", r->client_ip,
		toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL : "aborted", "true", NULL);
	int r_status = r->status;
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
		err_set(err, "invalid_setting", "listen address is too long");
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
		err_set(err, "listen_failed", "cannot resolve listen address '%s': %s", address, gai_strerror(rc));
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1, zero = 0;
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (res->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	}
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 256) != 0) {
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
		err_set(err, "listen_failed", "cannot listen on %s:%d: %s%s", address, port, strerror(e), hint);
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

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_msg(LOG_WARN, "http", "detail", msg, NULL);
}

http_server *http_server_start(const http_config *cfg, tusk_err *err)
{
	http_server *s = xcalloc(1, sizeof(*s));
	s->cfg = *cfg;
	s->script_name = xstrdup(cfg->script_name ? cfg->script_name : "");
	s->listen_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->idle, NULL);
	if (!netaddr_list_parse(&s->proxies, cfg->trusted_proxies ? cfg->trusted_proxies : "", err))
		goto fail;
	s->listen_fd = open_listener(cfg->listen_address, cfg->port, &s->port, err);
	if (s->listen_fd < 0)
		goto fail;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG;
	s->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listen_fd,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_connections_per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
		cfg->timeout_seconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)1024 * 1024, MHD_OPTION_END);
	if (!s->daemon) {
		err_set(err, "listen_failed", "the HTTP server could not start on %s:%d", cfg->listen_address, s->port);
		goto fail;
	}
	s->listen_fd = -1; /* the daemon owns it now */
	return s;
fail:
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	netaddr_list_free(&s->proxies);
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
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	while (s->inflight > 0)
		if (pthread_cond_timedwait(&s->idle, &s->lock, &deadline) == ETIMEDOUT)
			break;
	bool drained = s->inflight == 0;
	pthread_mutex_unlock(&s->lock);
	return drained;
}

void http_server_stop(http_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	netaddr_list_free(&s->proxies);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->idle);
	free(s->script_name);
	free(s);
}
