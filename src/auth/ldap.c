/* The ldap sign-in source over Debian's libldap: search-then-bind (a service account or
 * anonymous) or direct bind, StartTLS or ldaps:// with a CA file, group membership for the
 * role. The user's password goes to the directory only and is never stored. User names
 * reach filters escaped per RFC 4515 and DNs escaped per RFC 4514. */
#include <errno.h>
#include <ldap.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "auth/internal.h"
#include "util/log.h"
#include "util/str.h"

/* RFC 4515: '*', '(', ')', '\' and NUL (and every byte outside printable ASCII) as \XX. */
void auth_ldap_escape_filter(const char *in, str *out)
{
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if (*p == '*' || *p == '(' || *p == ')' || *p == '\\' || *p < 0x20 || *p >= 0x7f)
			str_appendf(out, "\\%02x", *p);
		else
			str_append_char(out, (char)*p);
	}
}

/* RFC 4514: the special characters of a DN value, a leading '#' or space and a trailing
 * space, and every byte outside printable ASCII, as \XX. */
void auth_ldap_escape_dn(const char *in, str *out)
{
	size_t n = strlen(in);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		bool special = strchr(",+\"\\<>;=", c) != NULL || c < 0x20 || c >= 0x7f ||
			       (i == 0 && (c == '#' || c == ' ')) || (i == n - 1 && c == ' ');
		if (special && c)
			str_appendf(out, "\\%02x", c);
		else
			str_append_char(out, (char)c);
	}
}

static void set_why(char why[160], const char *what, int rc)
{
	snprintf(why, 160, "ldap: %s: %s", what, ldap_err2string(rc));
}

/* One sign-in asks the directory for LDAP_CONNECTION_TIMEOUT in all, not per step: a directory
 * that answers slowly (or not at all) holds a sign-in no longer than that. libldap's timeouts
 * bound each operation but not the TLS handshake of ldaps:// or StartTLS (a directory that
 * accepts and never answers held a sign-in for ever), so a watchdog thread shuts the socket
 * down at the deadline: every read then ends, whatever libldap is doing. */
struct deadline {
	struct timespec at; /* CLOCK_MONOTONIC */
	int seconds;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool done;
	int fd; /* the directory's socket once connected, else -1 */
	pthread_t watchdog;
	bool watching;
};

static struct timeval remaining(const struct deadline *d)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long us = (long long)(d->at.tv_sec - now.tv_sec) * 1000000 + (d->at.tv_nsec - now.tv_nsec) / 1000;
	if (us < 1000)
		us = 0;
	return (struct timeval){.tv_sec = (time_t)(us / 1000000), .tv_usec = (suseconds_t)(us % 1000000)};
}

/* The time left as the limit of the next synchronous call; false (why) when none is. */
static bool budget(LDAP *ld, const struct deadline *d, char why[160])
{
	struct timeval tv = remaining(d);
	if (!tv.tv_sec && !tv.tv_usec) {
		snprintf(why, 160, "ldap: the directory did not answer within %d s (LDAP_CONNECTION_TIMEOUT)",
			 d->seconds);
		return false;
	}
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	return true;
}

static void *watch(void *arg)
{
	struct deadline *d = arg;
	pthread_mutex_lock(&d->lock);
	while (!d->done && pthread_cond_timedwait(&d->wake, &d->lock, &d->at) != ETIMEDOUT)
		;
	if (!d->done && d->fd >= 0)
		shutdown(d->fd, SHUT_RDWR);
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

static void deadline_start(struct deadline *d, int seconds)
{
	memset(d, 0, sizeof(*d));
	d->seconds = seconds;
	d->fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &d->at);
	d->at.tv_sec += seconds;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&d->lock, NULL);
	d->watching = pthread_create(&d->watchdog, NULL, watch, d) == 0;
	if (!d->watching)
		log_msg(LOG_WARN, "ldap: no watchdog thread; a directory that never answers TLS may hold this sign-in",
			NULL);
}

/* Before the socket closes: the watchdog stops (and never touches a closed descriptor). */
static void deadline_end(struct deadline *d)
{
	pthread_mutex_lock(&d->lock);
	d->done = true;
	d->fd = -1;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	if (d->watching)
		pthread_join(d->watchdog, NULL);
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
}

/* Called by libldap once the TCP connection stands, before TLS: the watchdog learns the socket. */
static int on_connect(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv, struct sockaddr *addr, struct ldap_conncb *ctx)
{
	(void)ld, (void)srv, (void)addr;
	struct deadline *d = ctx->lc_arg;
	ber_socket_t fd = -1;
	if (ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &fd) == 1 && fd >= 0) {
		pthread_mutex_lock(&d->lock);
		d->fd = fd;
		pthread_mutex_unlock(&d->lock);
	}
	return 0;
}

static void on_close(LDAP *ld, Sockbuf *sb, struct ldap_conncb *ctx)
{
	(void)ld, (void)sb;
	struct deadline *d = ctx->lc_arg;
	pthread_mutex_lock(&d->lock);
	d->fd = -1;
	pthread_mutex_unlock(&d->lock);
}

/* Options and TLS as configured; StartTLS when asked. NULL with why on failure. cb (the
 * caller's, alive as long as the handle) sets the socket's timeouts. */
static LDAP *open_directory(const config *cfg, ldap_conncb *cb, const struct deadline *d, char why[160])
{
	LDAP *ld = NULL;
	int rc = ldap_initialize(&ld, cfg->ldap_server_uri);
	if (rc != LDAP_SUCCESS) {
		set_why(why, "the server URI", rc);
		return NULL;
	}
	int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, newctx = 0;
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(ld, LDAP_OPT_CONNECT_CB, cb);
	if (!budget(ld, d, why)) {
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	if (*cfg->ldap_ca_cert_file)
		ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, cfg->ldap_ca_cert_file);
	if (*cfg->ldap_cert_file)
		ldap_set_option(ld, LDAP_OPT_X_TLS_CERTFILE, cfg->ldap_cert_file);
	if (*cfg->ldap_key_file)
		ldap_set_option(ld, LDAP_OPT_X_TLS_KEYFILE, cfg->ldap_key_file);
	ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
	rc = ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &newctx);
	if (rc != LDAP_SUCCESS) {
		set_why(why, "TLS set-up (CA, certificate or key file)", rc);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	if (cfg->ldap_use_starttls &&
	    (!budget(ld, d, why) || (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS)) {
		if (rc != LDAP_SUCCESS)
			set_why(why, "StartTLS", rc);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	return ld;
}

static int simple_bind(LDAP *ld, const struct deadline *d, const char *dn, const char *password)
{
	char why[160];
	if (!budget(ld, d, why))
		return LDAP_TIMEOUT;
	struct berval cred = {.bv_val = (char *)password, .bv_len = strlen(password)};
	return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
}

static int search_scope(const char *s)
{
	return strcasecmp(s, "base") == 0    ? LDAP_SCOPE_BASE
	       : strcasecmp(s, "level") == 0 ? LDAP_SCOPE_ONELEVEL
					     : LDAP_SCOPE_SUBTREE;
}

/* The value of the entry's first RDN when it is of the username attribute (uid=alice,...), folded;
 * "" otherwise. */
static void rdn_name(LDAP *ld, LDAPMessage *e, const config *cfg, char out[256])
{
	out[0] = '\0';
	char *dn = ldap_get_dn(ld, e);
	LDAPDN parsed = NULL;
	if (dn && ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS && parsed && parsed[0] &&
	    parsed[0][0] && !parsed[0][1]) {
		LDAPAVA *ava = parsed[0][0];
		char v[256];
		if (ava->la_attr.bv_len == strlen(cfg->ldap_username_attribute) &&
		    strncasecmp(ava->la_attr.bv_val, cfg->ldap_username_attribute, ava->la_attr.bv_len) == 0 &&
		    ava->la_value.bv_len > 0 && ava->la_value.bv_len < sizeof(v) &&
		    !memchr(ava->la_value.bv_val, 0, ava->la_value.bv_len)) {
			memcpy(v, ava->la_value.bv_val, ava->la_value.bv_len);
			v[ava->la_value.bv_len] = '\0';
			if (!auth_name_fold(v, false, out))
				out[0] = '\0';
		}
	}
	if (parsed)
		ldap_dnfree(parsed);
	if (dn)
		ldap_memfree(dn);
}

/* The entry's own user name (the username attribute's value, not the text typed: directories
 * match names loosely, by case and Unicode compatibility forms). One name per entry whatever
 * was typed, so an entry with several values is still one account: the value its DN is named
 * by (uid=alice,...), else the least value (folded), whatever order the directory sends them in.
 * False when the entry has none Tusk can take. */
static bool entry_name(LDAP *ld, LDAPMessage *e, const config *cfg, char out[256])
{
	struct berval **vals = ldap_get_values_len(ld, e, cfg->ldap_username_attribute);
	char rdn[256], best_fold[256] = "", got[256];
	bool found = false, by_rdn = false;
	rdn_name(ld, e, cfg, rdn);
	for (size_t i = 0; vals && vals[i] && !by_rdn; i++) {
		if (vals[i]->bv_len == 0 || vals[i]->bv_len > 254 || memchr(vals[i]->bv_val, 0, vals[i]->bv_len))
			continue;
		char v[256];
		memcpy(v, vals[i]->bv_val, vals[i]->bv_len);
		v[vals[i]->bv_len] = '\0';
		if (!auth_name_fold(v, false, got))
			continue;
		by_rdn = rdn[0] && strcmp(got, rdn) == 0;
		if (by_rdn || !found || strcmp(got, best_fold) < 0) {
			snprintf(out, 256, "%s", v);
			snprintf(best_fold, sizeof(best_fold), "%s", got);
			found = true;
		}
	}
	ldap_value_free_len(vals);
	return found;
}

/* The one entry the name finds (search-then-bind): 1 with *dn (ldap_memfree it) and the entry's
 * user name, 0 none or several, -1 the directory failed (why). */
static int find_user(LDAP *ld, const config *cfg, const struct deadline *d, const char *name, char **dn, char user[256],
		     char why[160])
{
	const char *bind_dn = cfg->ldap_anonymous_bind ? "" : cfg->ldap_bind_user;
	int rc = simple_bind(ld, d, bind_dn, cfg->ldap_anonymous_bind ? "" : cfg->ldap_bind_password);
	if (rc != LDAP_SUCCESS) {
		set_why(why, cfg->ldap_anonymous_bind ? "anonymous bind" : "the service account's bind", rc);
		return -1;
	}
	str filter = STR_INIT;
	const char *extra = cfg->ldap_search_filter;
	bool wrap = *extra && extra[0] != '(';
	str_appendf(&filter, "(&%s%s%s(%s=", wrap ? "(" : "", extra, wrap ? ")" : "", cfg->ldap_username_attribute);
	auth_ldap_escape_filter(name, &filter);
	str_append(&filter, "))", 2);
	const char *base = *cfg->ldap_search_base_dn ? cfg->ldap_search_base_dn : cfg->ldap_base_dn;
	char *attrs[] = {cfg->ldap_username_attribute, NULL};
	struct timeval tv = remaining(d);
	LDAPMessage *res = NULL;
	rc = budget(ld, d, why) ? ldap_search_ext_s(ld, base, search_scope(cfg->ldap_search_scope), filter.buf, attrs,
						    0, NULL, NULL, &tv, 2, &res)
				: LDAP_TIMEOUT;
	str_free(&filter);
	int found = 0;
	if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED) {
		int n = ldap_count_entries(ld, res);
		LDAPMessage *e = n == 1 ? ldap_first_entry(ld, res) : NULL;
		if (e && !entry_name(ld, e, cfg, user))
			snprintf(why, 160, "ldap: the entry has no %s value Tusk can take",
				 cfg->ldap_username_attribute);
		else if (e)
			*dn = ldap_get_dn(ld, e);
		found = n == 1 && *dn ? 1 : 0;
		if (n > 1)
			snprintf(why, 160, "ldap: the name finds more than one entry");
	} else if (rc == LDAP_NO_SUCH_OBJECT) {
		snprintf(why, 160, "ldap: the search base does not exist");
	} else {
		set_why(why, "search", rc);
		found = -1;
	}
	ldap_msgfree(res);
	return found;
}

/* Direct bind: the bound entry's own user name, read back with the user's bind. */
static bool read_back(LDAP *ld, const config *cfg, const struct deadline *d, const char *dn, char user[256],
		      char why[160])
{
	char *attrs[] = {cfg->ldap_username_attribute, NULL};
	struct timeval tv = remaining(d);
	LDAPMessage *res = NULL;
	int rc = budget(ld, d, why)
		     ? ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL, NULL, &tv, 1, &res)
		     : LDAP_TIMEOUT;
	LDAPMessage *e = rc == LDAP_SUCCESS ? ldap_first_entry(ld, res) : NULL;
	bool ok = e && entry_name(ld, e, cfg, user);
	ldap_msgfree(res);
	if (!ok)
		snprintf(why, 160, "ldap: the user's entry and its %s could not be read back (%s)",
			 cfg->ldap_username_attribute, rc == LDAP_SUCCESS ? "no such value" : ldap_err2string(rc));
	return ok;
}

/* Whether dn (or name, for posixGroup's memberUid) belongs to group: 1 yes, 0 no, -1 the
 * directory did not answer (why): a directory out of time refuses no one, it is unavailable. */
static int in_group(LDAP *ld, const struct deadline *d, const char *group, const char *dn, const char *name,
		    char why[160])
{
	static const char *const attrs[] = {"member", "uniqueMember", "memberUid"};
	for (size_t i = 0; i < 3; i++) {
		if (!budget(ld, d, why))
			return -1;
		const char *v = i == 2 ? name : dn;
		struct berval bv = {.bv_val = (char *)v, .bv_len = strlen(v)};
		int rc = ldap_compare_ext_s(ld, group, attrs[i], &bv, NULL, NULL);
		if (rc == LDAP_COMPARE_TRUE)
			return 1;
		if (rc == LDAP_NO_SUCH_OBJECT) {
			log_msg(LOG_WARN, "LDAP group not found", "group", group, NULL);
			return 0;
		}
		if (rc == LDAP_TIMEOUT || rc == LDAP_SERVER_DOWN) {
			set_why(why, "reading the groups", rc);
			return -1;
		}
	}
	return 0;
}

/* The role from the groups: admin group first, then user group; "" when neither is set. */
static enum ldap_check group_role(LDAP *ld, const config *cfg, const struct deadline *d, const char *dn,
				  const char *name, char role[8], char why[160])
{
	/* the service account reads the groups when there is one; else the user's own bind */
	if (*cfg->ldap_bind_user && !cfg->ldap_anonymous_bind &&
	    simple_bind(ld, d, cfg->ldap_bind_user, cfg->ldap_bind_password) != LDAP_SUCCESS) {
		snprintf(why, 160, "ldap: the service account's bind failed when reading groups");
		return LDAP_CHECK_UNAVAILABLE;
	}
	int admin = *cfg->ldap_admin_group ? in_group(ld, d, cfg->ldap_admin_group, dn, name, why) : 0;
	if (admin != 0) {
		snprintf(role, 8, "%s", admin > 0 ? "admin" : "");
		return admin > 0 ? LDAP_CHECK_OK : LDAP_CHECK_UNAVAILABLE;
	}
	if (*cfg->ldap_user_group) {
		int user = in_group(ld, d, cfg->ldap_user_group, dn, name, why);
		if (user < 0)
			return LDAP_CHECK_UNAVAILABLE;
		if (user == 0) {
			snprintf(why, 160, "ldap: in none of the groups allowed to sign in");
			return LDAP_CHECK_DENIED;
		}
		snprintf(role, 8, "user");
	} else if (*cfg->ldap_admin_group) {
		snprintf(role, 8, "user");
	}
	return LDAP_CHECK_OK;
}

enum ldap_check auth_ldap_check(const config *cfg, const char *name, const char *password, char role[8], char user[256],
				char why[160])
{
	role[0] = user[0] = '\0';
	snprintf(why, 160, "ldap: wrong user name or password");
	/* an empty password would be an unauthenticated bind, which directories let through */
	if (!name || !*name || !password || !*password)
		return LDAP_CHECK_BAD;
	struct deadline d;
	deadline_start(&d, cfg->ldap_connection_timeout);
	ldap_conncb cb = {.lc_add = on_connect, .lc_del = on_close, .lc_arg = &d};
	LDAP *ld = open_directory(cfg, &cb, &d, why);
	if (!ld) {
		deadline_end(&d);
		return LDAP_CHECK_UNAVAILABLE;
	}
	char *dn = NULL;
	str direct = STR_INIT;
	int found = 1;
	bool search = cfg->ldap_anonymous_bind || *cfg->ldap_bind_user;
	if (search) {
		found = find_user(ld, cfg, &d, name, &dn, user, why);
	} else {
		str_appendf(&direct, "%s=", cfg->ldap_username_attribute);
		auth_ldap_escape_dn(name, &direct);
		str_appendf(&direct, ",%s", cfg->ldap_base_dn);
	}
	const char *user_dn = search ? dn : direct.buf;
	enum ldap_check res = found < 0 ? LDAP_CHECK_UNAVAILABLE : LDAP_CHECK_BAD;
	if (found == 1) {
		int rc = simple_bind(ld, &d, user_dn, password);
		if (rc == LDAP_SUCCESS && !search && !read_back(ld, cfg, &d, user_dn, user, why))
			res = LDAP_CHECK_UNAVAILABLE;
		else if (rc == LDAP_SUCCESS)
			res = group_role(ld, cfg, &d, user_dn, user, role, why); /* memberUid: the entry's name */
		else if (rc != LDAP_INVALID_CREDENTIALS && rc != LDAP_INVALID_DN_SYNTAX && rc != LDAP_NO_SUCH_OBJECT)
			res = LDAP_CHECK_UNAVAILABLE, set_why(why, "the user's bind", rc);
	}
	if (dn)
		ldap_memfree(dn);
	str_free(&direct);
	ldap_unbind_ext_s(ld, NULL, NULL);
	deadline_end(&d);
	return res;
}
