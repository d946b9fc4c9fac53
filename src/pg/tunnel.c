/* SSH tunnels (see tunnel.h). Each tunnel has one thread that owns its
 * libssh session (libssh wants a session used by one thread at a time): it
 * accepts on the tunnel's Unix socket, opens a direct-tcpip channel per
 * accepted connection and copies bytes both ways. */
#include "pg/tunnel.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh/libssh.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/str.h"

#define MAX_FORWARDS 64
/* Tunnels one user may hold open at once (each is a thread, an SSH connection
 * and a socket): past it 429 too_many_tunnels. */
#define MAX_TUNNELS_PER_USER 16
/* Every tunnel listens in a folder of its own, at this port's socket name. */
#define TUNNEL_PORT 5432
#define BUF_SIZE 32768

/* The spec, owned (the secret in guarded memory). */
struct spec {
	char *host, *address, *username, *identity_file, *secret, *known_key, *dest_host;
	int port, keepalive_s, timeout_s, dest_port;
};

struct forward {
	int fd;
	ssh_channel ch;
};

struct tunnel {
	int64_t user_id, server_id;
	struct spec spec;
	int port;
	char dir[80]; /* its own folder in the private one: a path never shared with another tunnel */
	char path[108];
	int listen_fd;
	int wake[2]; /* a byte here stops the thread */
	pthread_t thread;
	ssh_session session; /* the thread's, once started */
	ssh_event ev;	     /* reads what the server sends when no channel asks (its keep-alives) */
	struct forward fwd[MAX_FORWARDS];
	int nfwd;
	time_t last_sent;
	struct tunnel *next;
};

struct pgtunnels {
	pthread_mutex_t lock;
	char dir[64]; /* "" until the first tunnel */
	struct tunnel *list;
};

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static void spec_copy(struct spec *d, const pgtunnel_spec *s)
{
	d->host = dup_or_null(s->host);
	d->address = dup_or_null(s->address);
	d->username = dup_or_null(s->username);
	d->identity_file = dup_or_null(s->identity_file);
	d->known_key = dup_or_null(s->known_key);
	d->dest_host = dup_or_null(s->dest_host);
	d->secret = NULL;
	if (s->secret) {
		size_t n = strlen(s->secret);
		d->secret = sodium_malloc(n + 1);
		memcpy(d->secret, s->secret, n + 1);
	}
	d->port = s->port ? s->port : 22;
	d->keepalive_s = s->keepalive_s;
	d->timeout_s = s->timeout_s > 0 ? s->timeout_s : 10;
	d->dest_port = s->dest_port ? s->dest_port : 5432;
}

static void spec_free(struct spec *d)
{
	free(d->host);
	free(d->address);
	free(d->username);
	free(d->identity_file);
	free(d->known_key);
	free(d->dest_host);
	if (d->secret)
		sodium_free(d->secret);
}

static bool same_text(const char *a, const char *b)
{
	a = a && *a ? a : NULL;
	b = b && *b ? b : NULL;
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool spec_same(const struct spec *d, const pgtunnel_spec *s)
{
	return same_text(d->host, s->host) && same_text(d->address, s->address) &&
	       same_text(d->username, s->username) && same_text(d->identity_file, s->identity_file) &&
	       same_text(d->secret, s->secret) && same_text(d->known_key, s->known_key) &&
	       same_text(d->dest_host, s->dest_host) && d->port == (s->port ? s->port : 22) &&
	       d->dest_port == (s->dest_port ? s->dest_port : 5432) && d->keepalive_s == s->keepalive_s;
}

/* ---- the SSH session ---- */

/* The server's host key as "SHA256:<base64>" (malloc'd) and its type. */
static char *host_fingerprint(ssh_session s, const char **type)
{
	ssh_key key = NULL;
	if (ssh_get_server_publickey(s, &key) != SSH_OK)
		return NULL;
	unsigned char *hash = NULL;
	size_t n = 0;
	char *fp = NULL;
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &n) == 0) {
		char *text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, n);
		fp = text ? xstrdup(text) : NULL;
		ssh_string_free_char(text);
		ssh_clean_pubkey_hash(&hash);
	}
	*type = ssh_key_type_to_char(ssh_key_type(key));
	ssh_key_free(key);
	return fp;
}

/* Trust on first use, never a silent change: the key must be the one the
 * entry keeps (the owner accepted it), byte for byte of its SHA-256. */
static bool verify_host(ssh_session s, const struct spec *c, tusk_err *err)
{
	const char *type = "?";
	char *fp = host_fingerprint(s, &type);
	bool ok = false;
	if (!fp)
		err_set(err, ERR_SSH_FAILED, "The SSH server %s showed no host key Tusk could read.", c->host);
	else if (!c->known_key)
		err_set(err, ERR_SSH_HOST_KEY_UNKNOWN,
			"Tusk does not know the SSH server %s:%d yet. Check that its %s host key has this "
			"fingerprint, then accept it: %s",
			c->host, c->port, type, fp);
	else if (strcmp(fp, c->known_key) != 0)
		err_set(err, ERR_SSH_HOST_KEY_CHANGED,
			"The host key of the SSH server %s:%d changed: it is now %s %s, Tusk trusts %s. Someone may be "
			"in the middle; Tusk refuses to connect. If the key was changed on purpose, forget the trusted "
			"key in the server's SSH Tunnel tab and connect again.",
			c->host, c->port, type, fp, c->known_key);
	else
		ok = true;
	free(fp);
	return ok;
}

static bool authenticate(ssh_session s, const struct spec *c, tusk_err *err)
{
	int rc;
	if (c->identity_file) {
		ssh_key key = NULL;
		if (ssh_pki_import_privkey_file(c->identity_file, c->secret, NULL, NULL, &key) != SSH_OK) {
			err_set(err, ERR_SSH_AUTH_FAILED,
				"Tusk could not read the SSH identity file: it is not a private key, or its passphrase "
				"is %s.",
				c->secret ? "wrong" : "missing");
			return false;
		}
		rc = ssh_userauth_publickey(s, NULL, key);
		ssh_key_free(key);
	} else {
		rc = ssh_userauth_password(s, NULL, c->secret ? c->secret : "");
	}
	if (rc == SSH_AUTH_SUCCESS)
		return true;
	const char *why = ssh_get_error(s);
	err_set(err, ERR_SSH_AUTH_FAILED, "The SSH server %s refused %s for user %s%s%s.", c->host,
		c->identity_file ? "the identity file's key"
		: c->secret	 ? "the password"
				 : "an empty password",
		c->username ? c->username : "", why && *why ? ": " : "", why && *why ? why : "");
	return false;
}

/* Connects, checks the host key and authenticates; NULL with err. */
static ssh_session session_open(const struct spec *c, tusk_err *err)
{
	ssh_session s = ssh_new();
	if (!s) {
		err_set(err, ERR_SSH_FAILED, "out of memory");
		return NULL;
	}
	long timeout = c->timeout_s;
	int no = 0, port = c->port;
	/* none of the Tusk host's SSH configuration, keys, agent or known hosts */
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	ssh_options_set(s, SSH_OPTIONS_SSH_DIR, "/nonexistent");
	ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
	ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	ssh_options_set(s, SSH_OPTIONS_HOST, c->address ? c->address : c->host);
	ssh_options_set(s, SSH_OPTIONS_PORT, &port);
	ssh_options_set(s, SSH_OPTIONS_USER, c->username ? c->username : "");
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
	if (ssh_connect(s) != SSH_OK) {
		err_set(err, ERR_SSH_FAILED, "Tusk could not reach the SSH server %s:%d: %s", c->host, c->port,
			ssh_get_error(s));
	} else if (verify_host(s, c, err) && authenticate(s, c, err)) {
		return s;
	}
	ssh_disconnect(s);
	ssh_free(s);
	return NULL;
}

/* ---- the tunnel's thread ---- */

static void forward_end(struct tunnel *t, int i)
{
	struct forward *f = &t->fwd[i];
	close(f->fd);
	if (f->ch) {
		if (t->session && ssh_is_connected(t->session))
			ssh_channel_close(f->ch);
		ssh_channel_free(f->ch);
	}
	t->fwd[i] = t->fwd[--t->nfwd];
}

static void session_drop(struct tunnel *t)
{
	while (t->nfwd)
		forward_end(t, t->nfwd - 1);
	if (t->ev) {
		ssh_event_remove_session(t->ev, t->session);
		ssh_event_free(t->ev);
		t->ev = NULL;
	}
	if (t->session) {
		ssh_disconnect(t->session);
		ssh_free(t->session);
		t->session = NULL;
	}
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL); /* a client gone is an error, not a signal */
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* A new connection to the tunnel: a channel to the server, the session
 * opened again first when it dropped. */
static void accept_one(struct tunnel *t)
{
	int fd = accept4(t->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (t->nfwd == MAX_FORWARDS) {
		close(fd);
		return;
	}
	tusk_err err;
	if (t->session && !ssh_is_connected(t->session))
		session_drop(t);
	if (!t->session && !(t->session = session_open(&t->spec, &err))) {
		log_msg(LOG_WARN, "ssh tunnel not reopened", "host", t->spec.host, "detail", err.msg, NULL);
		close(fd);
		return;
	}
	ssh_channel ch = ssh_channel_new(t->session);
	if (!ch || ssh_channel_open_forward(ch, t->spec.dest_host, t->spec.dest_port, "127.0.0.1", 0) != SSH_OK) {
		log_msg(LOG_WARN, "ssh tunnel refused a channel", "host", t->spec.host, "to", t->spec.dest_host,
			"detail", ssh_get_error(t->session), NULL);
		if (ch)
			ssh_channel_free(ch);
		close(fd);
		if (!ssh_is_connected(t->session))
			session_drop(t);
		return;
	}
	t->fwd[t->nfwd++] = (struct forward){fd, ch};
}

/* Copies what the server sent on every channel to its client; true when
 * anything moved (libssh may have buffered more for another channel). */
static bool pump_channels(struct tunnel *t, char *buf)
{
	bool moved = false;
	for (int i = t->nfwd - 1; i >= 0; i--) {
		struct forward *f = &t->fwd[i];
		int n = ssh_channel_read_nonblocking(f->ch, buf, BUF_SIZE, 0);
		if (n > 0) {
			moved = true;
			if (!write_all(f->fd, buf, (size_t)n))
				forward_end(t, i);
		} else if (n == SSH_ERROR || (n == 0 && ssh_channel_is_eof(f->ch))) {
			forward_end(t, i);
		}
	}
	return moved;
}

/* Copies what a client sent to its channel; false when the client is gone. */
static bool client_to_channel(struct forward *f, char *buf)
{
	ssize_t n = read(f->fd, buf, BUF_SIZE);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		ssh_channel_send_eof(f->ch);
		return false;
	}
	return ssh_channel_write(f->ch, buf, (uint32_t)n) == n;
}

static void keep_alive(struct tunnel *t)
{
	time_t now = time(NULL);
	if (!t->session || t->spec.keepalive_s <= 0 || now - t->last_sent < t->spec.keepalive_s)
		return;
	t->last_sent = now;
	if (ssh_send_ignore(t->session, "tusk") != SSH_OK || !ssh_is_connected(t->session))
		session_drop(t); /* opened again by the next connection */
}

static void *tunnel_main(void *arg)
{
	struct tunnel *t = arg;
	char *buf = xmalloc(BUF_SIZE);
	struct pollfd pfd[MAX_FORWARDS + 3];
	for (;;) {
		/* a few rounds, not until the server stops sending: one long stream (a dump)
		 * must not keep the other connections' requests and the stop waiting */
		bool more = false;
		for (int round = 0; round < 8 && t->session && (more = pump_channels(t, buf)); round++)
			;
		int n = 0;
		pfd[n++] = (struct pollfd){.fd = t->wake[0], .events = POLLIN};
		pfd[n++] = (struct pollfd){.fd = t->listen_fd, .events = POLLIN};
		int ssh_fd = t->session ? ssh_get_fd(t->session) : -1;
		pfd[n++] = (struct pollfd){.fd = ssh_fd, .events = POLLIN};
		int nf = t->nfwd;
		for (int i = 0; i < nf; i++)
			pfd[n++] = (struct pollfd){.fd = t->fwd[i].fd, .events = POLLIN};
		if (poll(pfd, (nfds_t)n, more ? 0 : 1000) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		/* clients first, from the last: forward_end moves the last forward into the gap */
		for (int i = nf - 1; i >= 0; i--)
			if (pfd[3 + i].revents && !client_to_channel(&t->fwd[i], buf))
				forward_end(t, i);
		if (pfd[2].revents && t->session) {
			if (!t->ev && (t->ev = ssh_event_new()))
				ssh_event_add_session(t->ev, t->session);
			if (!t->ev || ssh_event_dopoll(t->ev, 0) == SSH_ERROR)
				session_drop(t);
		}
		if (pfd[1].revents & POLLIN)
			accept_one(t);
		if (t->session && !ssh_is_connected(t->session))
			session_drop(t);
		keep_alive(t);
	}
	session_drop(t);
	free(buf);
	return NULL;
}

/* ---- the set of tunnels ---- */

pgtunnels *pgtunnels_new(void)
{
	pgtunnels *t = xcalloc(1, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

static void tunnel_free(struct tunnel *t)
{
	if (write(t->wake[1], "x", 1) < 0) {
		/* the thread still sees the pipe close below */
	}
	pthread_join(t->thread, NULL);
	close(t->wake[0]);
	close(t->wake[1]);
	close(t->listen_fd);
	unlink(t->path);
	rmdir(t->dir);
	spec_free(&t->spec);
	free(t);
}

void pgtunnels_free(pgtunnels *t)
{
	if (!t)
		return;
	pgtunnels_close(t, -1, -1);
	if (*t->dir)
		rmdir(t->dir);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* The private socket folder (lock held); false when it cannot be made. */
static bool socket_dir(pgtunnels *t, tusk_err *err)
{
	if (*t->dir)
		return true;
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(t->dir, sizeof(t->dir), "%s/tusk-ssh-XXXXXX", tmp);
	if (mkdtemp(t->dir)) /* 0700: no other user of the host reaches the tunnels */
		return true;
	err_set(err, ERR_SSH_FAILED, "Tusk could not make a folder for its SSH tunnels in %s: %s", tmp,
		strerror(errno));
	*t->dir = '\0';
	return false;
}

/* A listening socket at <dir>/<its own folder>/.s.PGSQL.5432 for tn (lock
 * held). The folder is new (mkdtemp), so no other tunnel's socket, live or
 * being closed, can ever be at that path. */
static bool listen_at(pgtunnels *t, struct tunnel *tn, tusk_err *err)
{
	if (!socket_dir(t, err))
		return false;
	snprintf(tn->dir, sizeof(tn->dir), "%s/XXXXXX", t->dir);
	if (!mkdtemp(tn->dir)) {
		err_set(err, ERR_SSH_FAILED, "Tusk could not make a folder for an SSH tunnel: %s", strerror(errno));
		*tn->dir = '\0';
		return false;
	}
	tn->port = TUNNEL_PORT;
	snprintf(tn->path, sizeof(tn->path), "%s/.s.PGSQL.%d", tn->dir, tn->port);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", tn->path);
	tn->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (tn->listen_fd >= 0 && bind(tn->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    chmod(tn->path, 0600) == 0 && listen(tn->listen_fd, 16) == 0)
		return true;
	err_set(err, ERR_SSH_FAILED, "Tusk could not listen on %s: %s", tn->path, strerror(errno));
	if (tn->listen_fd >= 0)
		close(tn->listen_fd);
	unlink(tn->path);
	rmdir(tn->dir);
	return false;
}

static struct tunnel **find(pgtunnels *t, int64_t user_id, int64_t server_id)
{
	struct tunnel **pp = &t->list;
	while (*pp && !((*pp)->user_id == user_id && (*pp)->server_id == server_id))
		pp = &(*pp)->next;
	return pp;
}

static bool reuse(pgtunnels *t, int64_t user_id, int64_t server_id, const pgtunnel_spec *spec, char *dir, size_t dir_n,
		  int *port)
{
	pthread_mutex_lock(&t->lock);
	struct tunnel *tn = *find(t, user_id, server_id);
	bool same = tn && spec_same(&tn->spec, spec);
	if (same) {
		snprintf(dir, dir_n, "%s", tn->dir);
		*port = tn->port;
	}
	pthread_mutex_unlock(&t->lock);
	return same;
}

/* Whether the user may open one more tunnel (the one of this server is replaced, not added). */
static bool room_for(pgtunnels *t, int64_t user_id, int64_t server_id, tusk_err *err)
{
	pthread_mutex_lock(&t->lock);
	int n = 0;
	for (struct tunnel *tn = t->list; tn; tn = tn->next)
		n += tn->user_id == user_id && tn->server_id != server_id;
	pthread_mutex_unlock(&t->lock);
	if (n < MAX_TUNNELS_PER_USER)
		return true;
	err_set(err, ERR_TOO_MANY_TUNNELS,
		"You have %d SSH tunnels open (one per connected server that uses one), the most allowed: "
		"disconnect one of those servers first.",
		n);
	return false;
}

bool pgtunnels_open(pgtunnels *t, int64_t user_id, int64_t server_id, const pgtunnel_spec *spec, char *dir,
		    size_t dir_n, int *port, tusk_err *err)
{
	if (reuse(t, user_id, server_id, spec, dir, dir_n, port))
		return true;
	if (!room_for(t, user_id, server_id, err))
		return false;
	struct tunnel *tn = xcalloc(1, sizeof(*tn));
	tn->user_id = user_id;
	tn->server_id = server_id;
	spec_copy(&tn->spec, spec);
	/* the session is proved here, where the answer can say what failed */
	tn->session = session_open(&tn->spec, err);
	pthread_mutex_lock(&t->lock);
	bool ok = tn->session && listen_at(t, tn, err);
	struct tunnel *old = NULL;
	if (ok && pipe2(tn->wake, O_CLOEXEC) == 0) {
		tn->last_sent = time(NULL);
		pthread_create(&tn->thread, NULL, tunnel_main, tn);
		struct tunnel **pp = find(t, user_id, server_id);
		old = *pp;
		if (old)
			*pp = old->next;
		tn->next = t->list;
		t->list = tn;
		snprintf(dir, dir_n, "%s", tn->dir);
		*port = tn->port;
	} else if (ok) {
		err_set(err, ERR_SSH_FAILED, "Tusk could not start an SSH tunnel: %s", strerror(errno));
		close(tn->listen_fd);
		unlink(tn->path);
		rmdir(tn->dir);
		ok = false;
	}
	pthread_mutex_unlock(&t->lock);
	if (old)
		tunnel_free(old);
	if (!ok) {
		session_drop(tn);
		spec_free(&tn->spec);
		free(tn);
	}
	return ok;
}

void pgtunnels_close(pgtunnels *t, int64_t user_id, int64_t server_id)
{
	pthread_mutex_lock(&t->lock);
	struct tunnel **pp = &t->list, *gone = NULL;
	while (*pp) {
		struct tunnel *tn = *pp;
		if ((user_id < 0 || tn->user_id == user_id) && (server_id < 0 || tn->server_id == server_id)) {
			*pp = tn->next;
			tn->next = gone;
			gone = tn;
		} else {
			pp = &tn->next;
		}
	}
	pthread_mutex_unlock(&t->lock);
	while (gone) {
		struct tunnel *next = gone->next;
		tunnel_free(gone);
		gone = next;
	}
}

bool pgtunnels_owns(pgtunnels *t, int64_t user_id, int64_t server_id, const char *host, const char *port)
{
	pthread_mutex_lock(&t->lock);
	struct tunnel *tn = *find(t, user_id, server_id);
	char want[16];
	snprintf(want, sizeof(want), "%d", tn ? tn->port : 0);
	bool yes = tn && host && port && strcmp(host, tn->dir) == 0 && strcmp(port, want) == 0;
	pthread_mutex_unlock(&t->lock);
	return yes;
}

const char *pgtunnel_fingerprint_in(const char *msg)
{
	const char *fp = msg ? strstr(msg, "SHA256:") : NULL;
	return fp;
}
