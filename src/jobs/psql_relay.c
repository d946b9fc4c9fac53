/* The PSQL tool's relay between psql's network namespace and the server (see psql_relay.h). */
#include "jobs/psql_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pg/quote.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

/* libpq's own default socket directory on Debian (a host-less desktop entry) */
#define DEFAULT_SOCKET_DIR "/var/run/postgresql"

enum {
	BUF = 32 * 1024, /* each way of each relayed connection, allocated while it lasts */
	DEFAULT_TIMEOUT_S = 10,
	MAX_TIMEOUT_S = 30,
	REFUSE_LINGER_MS = 5000, /* a refused psql has this long to read why */
	SSL_REQUEST = 80877103,
	GSS_REQUEST = 80877104,
};

/* ---- conninfo ---- */

static const char *opt(const PQconninfoOption *opts, const char *key)
{
	for (const PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, key) == 0)
			return o->val;
	return NULL;
}

/* The i-th element of a libpq list, blanks trimmed ("" past its end), into out. */
static void nth(const char *list, size_t i, char *out, size_t n)
{
	char *e = pg_list_nth(list, i);
	snprintf(out, n, "%s", e);
	free(e);
}

static bool is_socket(const char *host, const char *hostaddr)
{
	return !*hostaddr && (!*host || host[0] == '/' || host[0] == '@');
}

static void put_value(str *s, const char *key, const char *v)
{
	str_appendf(s, "%s%s='", s->len ? " " : "", key);
	for (const char *c = v; *c; c++) {
		if (*c == '\'' || *c == '\\')
			str_append_char(s, '\\');
		str_append_char(s, *c);
	}
	str_append_char(s, '\'');
}

bool psql_sandbox_conninfo(const char *conninfo, char **out, int *nhosts, tusk_err *err)
{
	*out = NULL;
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &msg);
	if (!opts) {
		err_set(err, ERR_INVALID_SERVER, "The server's connection parameters do not parse: %s",
			msg ? msg : "out of memory");
		PQfreemem(msg);
		return false;
	}
	const char *host = opt(opts, "host"), *hostaddr = opt(opts, "hostaddr"), *port = opt(opts, "port");
	const char *service = opt(opts, "service");
	size_t nh = pg_list_count(host), na = pg_list_count(hostaddr), np = pg_list_count(port);
	size_t n = nh > na ? nh : na;
	if (n == 0)
		n = 1;
	bool ok = true;
	if (service && *service) {
		err_set(err, ERR_INVALID_SERVER,
			"This server entry names a connection service (service=%s) of Tusk's host, which psql in its "
			"sandbox cannot read: give the entry its host and port to use the PSQL tool.",
			service);
		ok = false;
	} else if (n > PSQL_MAX_HOSTS) {
		err_set(err, ERR_INVALID_SERVER, "The PSQL tool reaches at most %d hosts of one server entry.",
			PSQL_MAX_HOSTS);
		ok = false;
	} else if (np > 1 && np != n) {
		err_set(err, ERR_INVALID_SERVER, "give one port, or one port per host");
		ok = false;
	}
	if (!ok) {
		PQconninfoFree(opts);
		return false;
	}
	str hosts = STR_INIT, addrs = STR_INIT, ports = STR_INIT;
	bool all_sockets = true;
	for (size_t i = 0; i < n; i++) {
		char h[256], a[64];
		nth(host, i, h, sizeof(h));
		nth(hostaddr, i, a, sizeof(a));
		bool sock = is_socket(h, a);
		all_sockets &= sock;
		str_appendf(&hosts, "%s%s", i ? "," : "", sock ? "localhost" : h);
		str_appendf(&addrs, "%s127.0.0.1", i ? "," : "");
		str_appendf(&ports, "%s%d", i ? "," : "", PSQL_INNER_PORT + (int)i);
	}
	str s = STR_INIT;
	for (const PQconninfoOption *o = opts; o->keyword; o++) {
		const char *k = o->keyword;
		if (!o->val || strcmp(k, "host") == 0 || strcmp(k, "hostaddr") == 0 || strcmp(k, "port") == 0 ||
		    strcmp(k, "service") == 0 ||
		    (all_sockets && (strcmp(k, "sslmode") == 0 || strcmp(k, "gssencmode") == 0)))
			continue;
		put_value(&s, k, o->val);
	}
	put_value(&s, "host", str_cstr(&hosts));
	put_value(&s, "hostaddr", str_cstr(&addrs));
	put_value(&s, "port", str_cstr(&ports));
	if (all_sockets) {
		put_value(&s, "sslmode", "disable");
		put_value(&s, "gssencmode", "disable");
	}
	str_free(&hosts);
	str_free(&addrs);
	str_free(&ports);
	PQconninfoFree(opts);
	*out = str_take(&s);
	*nhosts = (int)n;
	return true;
}

/* ---- where host i is, and connecting there ---- */

struct target {
	char host[256], addr[64];
	int port;
	bool sock;
	int timeout_s;
	bool ssl_required;
};

static bool target_of(const char *conninfo, int i, struct target *t, tusk_err *err)
{
	memset(t, 0, sizeof(*t));
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &msg);
	if (!opts) {
		err_set(err, ERR_INVALID_SERVER, "the server's connection parameters do not parse: %s",
			msg ? msg : "out of memory");
		PQfreemem(msg);
		return false;
	}
	const char *host = opt(opts, "host"), *hostaddr = opt(opts, "hostaddr"), *port = opt(opts, "port");
	const char *timeout = opt(opts, "connect_timeout"), *sslmode = opt(opts, "sslmode");
	size_t n = pg_list_count(host) > pg_list_count(hostaddr) ? pg_list_count(host) : pg_list_count(hostaddr);
	bool ok = (size_t)i < (n ? n : 1);
	if (!ok) {
		err_set(err, ERR_INVALID_SERVER, "the server entry no longer has a host number %d", i + 1);
	} else {
		nth(host, (size_t)i, t->host, sizeof(t->host));
		nth(hostaddr, (size_t)i, t->addr, sizeof(t->addr));
		char p[16];
		nth(port, pg_list_count(port) > 1 ? (size_t)i : 0, p, sizeof(p));
		t->port = *p ? atoi(p) : 5432;
		t->sock = is_socket(t->host, t->addr);
		if (t->sock && !*t->host)
			snprintf(t->host, sizeof(t->host), "%s", DEFAULT_SOCKET_DIR);
		int to = timeout ? atoi(timeout) : 0;
		t->timeout_s = to <= 0 ? DEFAULT_TIMEOUT_S : to > MAX_TIMEOUT_S ? MAX_TIMEOUT_S : to;
		t->ssl_required = sslmode && (strcmp(sslmode, "require") == 0 || strncmp(sslmode, "verify-", 7) == 0);
	}
	PQconninfoFree(opts);
	return ok;
}

struct psql_relays;
static bool ending(struct psql_relays *r);

/* Connects fd to addr within deadline (monotonic ms), unless the session ends first; the
 * socket stays non-blocking. */
static bool connect_by(struct psql_relays *r, int fd, const struct sockaddr *addr, socklen_t len, int64_t deadline,
		       int *e)
{
	if (connect(fd, addr, len) == 0)
		return true;
	if (errno != EINPROGRESS) {
		*e = errno;
		return false;
	}
	for (;;) {
		int64_t left = deadline - time_mono_ms();
		if (left <= 0 || ending(r)) {
			*e = left <= 0 ? ETIMEDOUT : ECANCELED;
			return false;
		}
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int rc = poll(&p, 1, left > 250 ? 250 : (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			*e = errno;
			return false;
		}
		if (rc == 0)
			continue;
		int so = 0;
		socklen_t sl = sizeof(so);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl);
		*e = so;
		return so == 0;
	}
}

static int dial(struct psql_relays *r, const struct target *t, tusk_err *err)
{
	int64_t deadline = time_mono_ms() + (int64_t)t->timeout_s * 1000;
	int e = 0;
	if (t->sock) {
		struct sockaddr_un un = {.sun_family = AF_UNIX};
		bool abstract = t->host[0] == '@';
		int len = snprintf(un.sun_path, sizeof(un.sun_path), "%s/.s.PGSQL.%d", t->host + abstract, t->port);
		if (len < 0 || (size_t)len >= sizeof(un.sun_path)) {
			err_set(err, ERR_CONNECTION_FAILED, "the socket path %s is too long", t->host);
			return -1;
		}
		if (abstract)
			un.sun_path[0] = 0;
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)len + (abstract ? 0 : 1));
		if (fd >= 0 && connect_by(r, fd, (struct sockaddr *)&un, sl, deadline, &e))
			return fd;
		if (fd >= 0)
			close(fd);
		err_set(err, ERR_CONNECTION_FAILED,
			"Tusk could not connect to the server's socket %s%s/.s.PGSQL.%d: %s", abstract ? "@" : "",
			t->host + abstract, t->port, strerror(e ? e : errno));
		return -1;
	}
	char port[16];
	snprintf(port, sizeof(port), "%d", t->port);
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
	if (*t->addr)
		hints.ai_flags = AI_NUMERICHOST;
	const char *name = *t->addr ? t->addr : t->host;
	int rc = getaddrinfo(name, port, &hints, &res);
	if (rc != 0) {
		err_set(err, ERR_CONNECTION_FAILED, "Tusk could not translate host name \"%s\" to an address: %s", name,
			gai_strerror(rc));
		return -1;
	}
	int fd = -1;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			e = errno;
			continue;
		}
		if (!connect_by(r, fd, ai->ai_addr, ai->ai_addrlen, deadline, &e)) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		err_set(err, ERR_CONNECTION_FAILED, "Tusk could not connect to the server at %s (%s) port %d: %s",
			*t->host ? t->host : t->addr, *t->addr ? t->addr : "its addresses", t->port, strerror(e));
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	return fd;
}

/* ---- the relays ---- */

struct half {
	unsigned char *buf; /* BUF bytes */
	size_t len, off;
};

struct conn {
	bool used;
	int c, s;	  /* psql's end, the server's (-1 while refusing) */
	struct half up;	  /* psql -> server */
	struct half down; /* server -> psql */
	bool c_eof, s_eof, c_shut, s_shut;
	/* refusing: the client's packets are read (hdr) to answer SSL/GSS requests "N", then
	 * the error; then its input is discarded until it closes or linger runs out */
	bool refusing, told, ssl_required;
	unsigned char hdr[8];
	size_t hdr_len;
	int64_t linger_until;
	char *why;
};

struct slot {
	int kind; /* 0 listener, 1 psql's end, 2 the server's */
	int idx;
};

struct psql_relays {
	int listeners[PSQL_MAX_HOSTS];
	int n;
	psql_route_fn route;
	psql_notice_fn notice;
	psql_ending_fn ending;
	void *ctx;
	struct conn *conns; /* PSQL_MAX_RELAYS */
	struct slot slots[PSQL_MAX_HOSTS + 2 * PSQL_MAX_RELAYS];
	unsigned accepted;
};

static bool ending(struct psql_relays *r)
{
	return r->ending && r->ending(r->ctx);
}

psql_relays *psql_relays_new(const int *listeners, int n, psql_route_fn route, psql_notice_fn notice,
			     psql_ending_fn ending_fn, void *ctx)
{
	psql_relays *r = xcalloc(1, sizeof(*r));
	r->n = n > PSQL_MAX_HOSTS ? PSQL_MAX_HOSTS : n;
	for (int i = 0; i < r->n; i++) {
		r->listeners[i] = listeners[i];
		fcntl(listeners[i], F_SETFL, fcntl(listeners[i], F_GETFL) | O_NONBLOCK);
	}
	r->route = route;
	r->notice = notice;
	r->ending = ending_fn;
	r->ctx = ctx;
	r->conns = xcalloc(PSQL_MAX_RELAYS, sizeof(struct conn));
	return r;
}

static void conn_close(struct conn *k)
{
	if (k->c >= 0)
		close(k->c);
	if (k->s >= 0)
		close(k->s);
	free(k->why);
	free(k->up.buf);
	free(k->down.buf);
	memset(k, 0, sizeof(*k));
}

void psql_relays_free(psql_relays *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n; i++)
		close(r->listeners[i]);
	for (int i = 0; i < PSQL_MAX_RELAYS; i++)
		if (r->conns[i].used)
			conn_close(&r->conns[i]);
	free(r->conns);
	free(r);
}

static int live(const psql_relays *r)
{
	int n = 0;
	for (int i = 0; i < PSQL_MAX_RELAYS; i++)
		n += r->conns[i].used;
	return n;
}

size_t psql_relays_poll(psql_relays *r, struct pollfd *p, size_t max)
{
	size_t k = 0;
	bool room = live(r) < PSQL_MAX_RELAYS;
	for (int i = 0; i < r->n && k < max; i++) {
		p[k] = (struct pollfd){.fd = room ? r->listeners[i] : -1, .events = POLLIN};
		r->slots[k++] = (struct slot){0, i};
	}
	for (int i = 0; i < PSQL_MAX_RELAYS && k + 2 <= max; i++) {
		struct conn *c = &r->conns[i];
		if (!c->used)
			continue;
		short ce = 0, se = 0;
		if (!c->c_eof && (c->refusing || c->up.len == 0))
			ce |= POLLIN;
		if (c->down.off < c->down.len)
			ce |= POLLOUT;
		if (c->s >= 0 && !c->s_eof && c->down.len == 0)
			se |= POLLIN;
		if (c->s >= 0 && c->up.off < c->up.len)
			se |= POLLOUT;
		p[k] = (struct pollfd){.fd = c->c, .events = ce};
		r->slots[k++] = (struct slot){1, i};
		p[k] = (struct pollfd){.fd = c->s, .events = se};
		r->slots[k++] = (struct slot){2, i};
	}
	return k;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A FATAL ErrorResponse (SQLSTATE 08001) saying why into the way down. */
static void say_error(struct conn *k)
{
	unsigned char *b = k->down.buf;
	size_t at = 5;
	const char *fields[][2] = {{"S", "FATAL"}, {"V", "FATAL"}, {"C", "08001"}, {"M", k->why}};
	for (size_t i = 0; i < 4; i++) {
		size_t len = strlen(fields[i][1]);
		if (at + 2 + len + 1 >= BUF)
			len = BUF - at - 3;
		b[at++] = (unsigned char)fields[i][0][0];
		memcpy(b + at, fields[i][1], len);
		at += len;
		b[at++] = 0;
	}
	b[at++] = 0;
	b[0] = 'E';
	put32(b + 1, (uint32_t)(at - 1));
	k->down.len = at;
	k->down.off = 0;
	k->told = true;
}

static void accept_one(psql_relays *r, int listener, int host)
{
	int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0)
		return;
	struct conn *k = NULL;
	for (int i = 0; i < PSQL_MAX_RELAYS && !k; i++)
		if (!r->conns[i].used)
			k = &r->conns[i];
	if (!k) {
		close(c);
		return;
	}
	r->accepted++;
	memset(k, 0, sizeof(*k));
	k->used = true;
	k->c = c;
	k->s = -1;
	k->up.buf = xmalloc(BUF);
	k->down.buf = xmalloc(BUF);
	tusk_err err = {0};
	char *conninfo = NULL;
	struct target t;
	if (r->route(r->ctx, &conninfo, &err) && target_of(conninfo, host, &t, &err))
		k->s = dial(r, &t, &err);
	else
		t.ssl_required = false;
	free(conninfo);
	if (k->s >= 0)
		return;
	k->refusing = true;
	k->ssl_required = t.ssl_required;
	k->linger_until = time_mono_ms() + REFUSE_LINGER_MS;
	str why = STR_INIT;
	str_appendf(&why, "Tusk did not relay this connection to the server: %s",
		    err.msg[0] ? err.msg : "it could not reach it.");
	k->why = str_take(&why);
	log_msg(LOG_INFO, "PSQL tool: a connection of psql's was not relayed", "reason", k->why, NULL);
	if (k->ssl_required && r->notice)
		r->notice(r->ctx, k->why);
}

/* Reads what psql sent a refusing relay; answers once it has a request's header. */
static void refuse_read(struct conn *k)
{
	unsigned char junk[4096];
	for (;;) {
		unsigned char *into = k->told ? junk : k->hdr + k->hdr_len;
		size_t room = k->told ? sizeof(junk) : sizeof(k->hdr) - k->hdr_len;
		ssize_t got = read(k->c, into, room);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
				k->c_eof = true;
			return;
		}
		if (k->told)
			continue;
		k->hdr_len += (size_t)got;
		if (k->hdr_len < sizeof(k->hdr))
			continue;
		uint32_t len = get32(k->hdr), code = get32(k->hdr + 4);
		k->hdr_len = 0;
		if (len == 8 && (code == GSS_REQUEST || (code == SSL_REQUEST && !k->ssl_required))) {
			k->down.buf[0] = 'N'; /* no encryption: the error then comes in the clear */
			k->down.len = 1;
			k->down.off = 0;
			return; /* the next packet once 'N' is out */
		}
		say_error(k);
		return;
	}
}

/* Moves what one end has into the other's buffer, and the buffer out. */
static void pump_half(int from, int to, struct half *h, bool *from_eof, bool *bad)
{
	if (h->len == 0 && !*from_eof && from >= 0) {
		ssize_t got = read(from, h->buf, BUF);
		if (got > 0) {
			h->len = (size_t)got;
			h->off = 0;
		} else if (got == 0) {
			*from_eof = true;
		} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			*bad = true;
		}
	}
	if (h->off < h->len && to >= 0) {
		ssize_t put = send(to, h->buf + h->off, h->len - h->off, MSG_NOSIGNAL);
		if (put > 0)
			h->off += (size_t)put;
		else if (put < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			*bad = true;
		if (h->off == h->len)
			h->len = h->off = 0;
	}
}

static void run_conn(struct conn *k, short cev, short sev)
{
	bool bad = (cev & (POLLERR | POLLNVAL)) || (sev & (POLLERR | POLLNVAL));
	if (k->refusing) {
		if (cev & (POLLIN | POLLHUP))
			refuse_read(k);
		if (k->down.off < k->down.len) {
			ssize_t put = send(k->c, k->down.buf + k->down.off, k->down.len - k->down.off, MSG_NOSIGNAL);
			if (put > 0)
				k->down.off += (size_t)put;
			else if (put < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				bad = true;
			if (k->down.off == k->down.len)
				k->down.len = k->down.off = 0;
		}
		if (k->told && k->down.len == 0 && !k->c_shut) {
			shutdown(k->c, SHUT_WR);
			k->c_shut = true;
		}
		if (bad || k->c_eof || time_mono_ms() > k->linger_until)
			conn_close(k);
		return;
	}
	if (cev & (POLLIN | POLLHUP | POLLOUT) || sev & (POLLIN | POLLHUP | POLLOUT)) {
		pump_half(k->c, k->s, &k->up, &k->c_eof, &bad);
		pump_half(k->s, k->c, &k->down, &k->s_eof, &bad);
	}
	/* an end that finished sending: the other learns it once what it sent is through */
	if (k->c_eof && k->up.len == 0 && !k->s_shut) {
		shutdown(k->s, SHUT_WR);
		k->s_shut = true;
	}
	if (k->s_eof && k->down.len == 0 && !k->c_shut) {
		shutdown(k->c, SHUT_WR);
		k->c_shut = true;
	}
	if (bad || (k->c_shut && k->s_shut) || (k->c_eof && k->s_eof && !k->up.len && !k->down.len))
		conn_close(k);
}

void psql_relays_run(psql_relays *r, const struct pollfd *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (r->slots[k].kind == 0 && (p[k].revents & POLLIN))
			accept_one(r, r->listeners[r->slots[k].idx], r->slots[k].idx);
	for (size_t k = 0; k + 1 < n; k++) {
		if (r->slots[k].kind != 1)
			continue;
		struct conn *c = &r->conns[r->slots[k].idx];
		if (c->used && (p[k].revents || p[k + 1].revents || c->refusing))
			run_conn(c, p[k].revents, p[k + 1].revents);
	}
}

unsigned psql_relays_count(const psql_relays *r)
{
	return r->accepted;
}
