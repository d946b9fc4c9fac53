/* HTTP glue over libmicrohttpd: a server with a route table, per-request
 * arena, request accessors and response builders. Knows nothing of PostgreSQL. */
#ifndef TUSK_HTTP_HTTP_H
#define TUSK_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/json.h"
#include "util/str.h"

typedef struct http_server http_server;
typedef struct http_req http_req;
typedef void (*http_handler)(http_req *req);

/* Route flags: meaning is the application's (checked by its before hook). */
enum {
	ROUTE_PUBLIC = 1 << 0,	/* no login needed */
	ROUTE_NO_CSRF = 1 << 1, /* state-changing but exempt from CSRF (login) */
	ROUTE_ADMIN = 1 << 2,	/* administrators only */
	/* The server's own: the handler runs once the headers are in, before the
	 * body, which it takes in pieces (http_req_body_sink) instead of buffered
	 * up to max_body_bytes. */
	ROUTE_STREAM_BODY = 1 << 3,
	/* Body caps: a route takes at most small_body_bytes (login), the
	 * default json_body_bytes, or max_body_bytes (SQL scripts, imports). */
	ROUTE_SMALL_BODY = 1 << 4,
	ROUTE_LARGE_BODY = 1 << 5,
};

typedef struct {
	const char *method;
	const char *pattern;
	http_handler handler;
	unsigned flags;
} http_route;

/* Called before a matched route's handler; returns false after responding itself. */
typedef bool (*http_before_hook)(http_req *req, const http_route *route);

typedef struct {
	const char *listen_address; /* "127.0.0.1", "[::]", "::1", "0.0.0.0" */
	int port;
	const char *script_name; /* "" or "/prefix" */
	const char *trusted_proxies;
	size_t max_body_bytes;	 /* ROUTE_LARGE_BODY routes */
	size_t json_body_bytes;	 /* every other route */
	size_t small_body_bytes; /* ROUTE_SMALL_BODY routes */
	unsigned max_connections;
	unsigned max_connections_per_ip;      /* 0 = no cap; beyond: 503 */
	unsigned max_connections_per_user;    /* a logged-in account's; 0 = no cap; beyond: 429 */
	unsigned max_slow_connections_per_ip; /* strangers still sending headers after 1 s */
	unsigned timeout_seconds;	      /* idle connection */
	unsigned header_timeout_seconds;      /* a stranger's request line and headers */
	unsigned body_timeout_seconds;	      /* a buffered body, from its headers to its end */
	const http_route *routes;
	size_t nroutes;
	http_before_hook before;
	http_handler fallback; /* GET/HEAD paths outside /api/ no route matched */
	void *app;
} http_config;

http_server *http_server_start(const http_config *cfg, tusk_err *err) __attribute__((warn_unused_result));
int http_server_port(const http_server *s);
/* Stops accepting new connections. */
void http_server_quiesce(http_server *s);
/* An account's login session ended (or the account did): its connections are strangers' again
 * (held to the idle timeout, evictable) until a request of a live session marks them again. */
void http_server_forget_account(http_server *s, int64_t account);
/* Waits until no request is in flight or the deadline passes; true when drained. */
bool http_server_drain(http_server *s, int timeout_ms);
void http_server_stop(http_server *s);

/* Counters for monitoring: answers by status and a latency histogram. */
#define HTTP_LATENCY_BUCKETS 12
extern const double http_latency_bounds[HTTP_LATENCY_BUCKETS]; /* seconds; the last is +Inf */
typedef struct {
	unsigned long by_status[600];		     /* index = status code */
	unsigned long latency[HTTP_LATENCY_BUCKETS]; /* cumulative counts, Prometheus style */
	double latency_sum;
	unsigned long count;
} http_stats;
void http_server_stats(http_server *s, http_stats *out);
/* Connections open now, and those closed for a deadline, a cap or eviction. */
typedef struct {
	unsigned long open, slow, refused, timed_out, evicted;
} http_conn_stats;
void http_server_conn_stats(http_server *s, http_conn_stats *out);

/* Request accessors. Strings live until the request completes. */
const char *http_req_method(const http_req *r);
slice http_req_path(const http_req *r);	      /* below the base path, starts with '/' */
const char *http_req_base(const http_req *r); /* base path with trailing '/', e.g. "/" or "/pgadmin/" */
const char *http_req_header(http_req *r, const char *name);
const char *http_req_query(http_req *r, const char *name);
/* The value and its decoded length: a length past strlen means it held a NUL (%00). */
const char *http_req_query_n(http_req *r, const char *name, size_t *len);
const char *http_req_cookie(http_req *r, const char *name);
const char *http_req_param(const http_req *r, const char *name);
slice http_req_body(const http_req *r);
arena *http_req_arena(http_req *r);
void *http_req_app(const http_req *r);
const char *http_req_client_ip(const http_req *r); /* after trusted X-Forwarded-For */
bool http_req_is_https(const http_req *r);	   /* direct TLS or trusted X-Forwarded-Proto */
bool http_req_is_loopback(const http_req *r);
bool http_req_from_trusted_proxy(const http_req *r); /* the TCP peer is in TUSK_TRUSTED_PROXIES */
/* Also marks the connection as a logged-in user's: no header deadline, never evicted. */
/* The request's logged-in user, and its account's id: the connection is the account's (no
 * header deadline, never evicted), unless the account holds max_connections_per_user already:
 * then false, and the caller answers 429 too_many_user_connections. */
bool http_req_set_user(http_req *r, void *user, int64_t account) __attribute__((warn_unused_result));
void *http_req_user(const http_req *r);

/* Whether a forwarded prefix (X-Forwarded-Prefix) is a clean path:
 * "/pgadmin" or "/tools/pgadmin/", segments of letters, digits and "-._~"
 * only, no "." or "..", no "//". It ends up in Set-Cookie paths, <base
 * href> and redirects. */
bool http_prefix_valid(const char *p);

/* Responses: exactly one per request. Headers added before responding. */
void http_add_header(http_req *r, const char *name, const char *value);
void http_respond(http_req *r, int status, const char *content_type, const void *body, size_t len);
void http_respond_static(http_req *r, int status, const char *content_type, const void *body, size_t len);
/* Takes the JSON text from s (freed by the server). */
void http_respond_json(http_req *r, int status, str *s);
/* {"error":{"code","message"}} with the code's status (util/err.h's table). */
void http_respond_error(http_req *r, err_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with a status the caller chooses: a step whose every failure means one thing. */
/* An error body with more members: {"error": {code, message, ...}}, the
 * caller writing the rest between begin and send. */
typedef struct {
	str out;
	json_writer w;
} http_error_body;
json_writer *http_error_begin(http_error_body *b, err_code code, const char *message);
void http_error_send(http_req *r, int status, http_error_body *b);
void http_respond_error_status(http_req *r, int status, err_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void http_respond_empty(http_req *r, int status);
void http_respond_redirect(http_req *r, int status, const char *location);
bool http_responded(const http_req *r);

/* Streaming responses: read fills buf and returns bytes, 0 to wait for more
 * is not allowed (block instead), -1 to end the stream. free runs once. */
typedef ssize_t (*http_stream_read)(void *cls, uint64_t pos, char *buf, size_t max);
void http_respond_stream(http_req *r, int status, const char *content_type, http_stream_read read, void *cls,
			 void (*free_cls)(void *cls));

/* A body produced in pieces: next appends the next piece to out (it may
 * block until there is one) and returns false after the last. */
typedef bool (*http_next_chunk)(void *cls, str *out);
void http_respond_chunks(http_req *r, int status, const char *content_type, http_next_chunk next, void *cls,
			 void (*free_cls)(void *cls));
/* Server-sent events: chunks of text/event-stream that proxies pass on at once. */
void http_respond_events(http_req *r, http_next_chunk next, void *cls, void (*free_cls)(void *cls));
/* In a stream's read or next-chunk callback: whether the client has closed
 * its end (a closed tab or window), so a producer that waits for events can
 * end at once instead of at its next keep-alive write. */
bool http_peer_gone(void);

/* A body taken in pieces, for ROUTE_STREAM_BODY routes. The handler either
 * responds at once (the body is then refused unread: with "Expect:
 * 100-continue" the client never sends it) or hands over a sink:
 * - chunk gets each piece as it arrives, in the connection's own buffer (so
 *   memory stays constant however large the body); it returns false after
 *   responding with an error, and the rest of the body is read and dropped;
 * - end runs after the last piece, unless chunk refused, and responds;
 * - done runs exactly once when the request is over, however it ended (a
 *   client gone mid-body included), and frees cls.
 * http_req_body is empty for these routes. */
typedef struct {
	bool (*chunk)(http_req *r, void *cls, const char *data, size_t len);
	void (*end)(http_req *r, void *cls);
	void (*done)(void *cls);
} http_body_sink;
void http_req_body_sink(http_req *r, const http_body_sink *sink, void *cls);

/* A regular file as the body, with Content-Length, sent from the kernel's page
 * cache (sendfile) in constant memory; the server takes fd and closes it. */
void http_respond_file(http_req *r, int status, const char *content_type, int fd, uint64_t size);

/* Parses the body as a JSON object (jansson); on failure responds 400 and returns NULL. */
struct json_t;
struct json_t *http_req_json(http_req *r);

#endif
