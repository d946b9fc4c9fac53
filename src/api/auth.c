/* Login, logout, who am I, change own password, desktop key. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "auth/oidc.h"
#include "util/log.h"

#define COOKIE "tusk_session"

/* Path = the base path without its trailing slash, or "/". */
static const char *cookie_path(http_req *r)
{
	const char *base = http_req_base(r);
	size_t n = strlen(base);
	if (n <= 1)
		return "/";
	return arena_strndup(http_req_arena(r), base, n - 1);
}

static void set_cookie(http_req *r, const char *value, int max_age)
{
	char *c = arena_printf(http_req_arena(r), COOKIE "=%s; Path=%s; Max-Age=%d; HttpOnly; SameSite=Lax%s", value,
			       cookie_path(r), max_age, http_req_is_https(r) ? "; Secure" : "");
	http_add_header(r, "Set-Cookie", c);
}

static void respond_session(http_req *r, int status, const auth_session *s)
{
	api_json j;
	jw_key(api_json_begin(&j), "user");
	api_json_user(&j.w, &s->user);
	jw_fields(&j.w, "sbb", "csrf_token", s->session.csrf_token, "password_change_required",
		  s->password_change_required, "two_factor_setup_required", s->two_factor_setup_required);
	api_json_send(r, status, &j);
}

static void respond_login_result(http_req *r, enum auth_result res, auth_session *s, int retry_after,
				 const tusk_err *err)
{
	tusk_app *app = http_req_app(r);
	switch (res) {
	case AUTH_OK:
		set_cookie(r, s->token, app->cfg->session_lifetime);
		respond_session(r, 200, s);
		break;
	case AUTH_BAD_CREDENTIALS:
		http_respond_error(r, ERR_INVALID_CREDENTIALS,
				   "The e-mail address or password is not right. (An account brought over from pgAdmin "
				   "has no password until an administrator sets one.)");
		break;
	case AUTH_LOCKED: {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", retry_after);
		http_add_header(r, "Retry-After", ra);
		http_respond_error(r, ERR_LOGIN_PAUSED,
				   "Too many wrong passwords for this e-mail address: logins to it pause for %d s (an "
				   "administrator can end the pause).",
				   retry_after);
		break;
	}
	case AUTH_DISABLED:
		http_respond_error(r, ERR_ACCOUNT_DISABLED, "This account is disabled. Ask an administrator.");
		break;
	case AUTH_RATE_LIMITED: {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", retry_after);
		http_add_header(r, "Retry-After", ra);
		http_respond_error(r, ERR_RATE_LIMITED, "Too many login attempts from this address. Try again in %d s.",
				   retry_after);
		break;
	}
	case AUTH_DENIED:
		api_respond_err(r, err);
		break;
	case AUTH_UNAVAILABLE:
		http_respond_error(
		    r, ERR_SIGNIN_UNAVAILABLE,
		    "The LDAP directory cannot be reached or refused Tusk's connection; try again, or ask "
		    "an administrator (Tusk's log says why).");
		break;
	case AUTH_BUSY: {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", retry_after);
		http_add_header(r, "Retry-After", ra);
		http_respond_error(
		    r, ERR_SIGNIN_UNAVAILABLE,
		    "Too many sign-ins are waiting for the LDAP directory (it answers slowly or not at all): "
		    "try again in %d s, or ask an administrator.",
		    retry_after);
		break;
	}
	case AUTH_ERROR:
		api_internal_error(r, err);
		break;
	case AUTH_SECOND_STEP: {
		/* no cookie yet: the pending token is no session, and opens nothing but the second step */
		api_json j;
		jw_fields(api_json_begin(&j), "sbsi", "second_step", "totp", "two_factor_required", true,
			  "pending_token", s->pending, "expires_in", s->pending_expires_at - (int64_t)time(NULL));
		api_json_send(r, 200, &j);
		break;
	}
	}
	sodium_memzero(s, sizeof(*s));
}

/* A cross-site form cannot send JSON without a preflight: requiring it stops login CSRF. */
static bool require_json(http_req *r)
{
	const char *ct = http_req_header(r, "Content-Type");
	if (ct && strncasecmp(ct, "application/json", 16) == 0)
		return true;
	http_respond_error(r, ERR_UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json.");
	return false;
}

void api_auth_login(http_req *r)
{
	tusk_app *app = http_req_app(r);
	if (app->cfg->desktop) {
		http_respond_error(r, ERR_DESKTOP_MODE, "Tusk runs in desktop mode: open the URL it printed at start.");
		return;
	}
	struct login_in {
		const char *email, *username, *password;
	} in;
	/* "username" for a directory's user names (the ldap source); either names the user */
	static const api_field fields[] = {
	    API_FIELD("email", API_TEXT, struct login_in, email, 0),
	    API_FIELD("username", API_TEXT, struct login_in, username, 0),
	    API_FIELD("password", API_TEXT, struct login_in, password, API_REQUIRED),
	};
	static const api_form form = API_FORM(fields, "Give both a user name (or e-mail address) and a password.");
	if (!require_json(r) || !api_body(r, &form, &in, NULL))
		return;
	const char *name = in.email && *in.email ? in.email : in.username;
	if (!name || !*name) {
		http_respond_error(r, ERR_MISSING_FIELD, "Give both a user name (or e-mail address) and a password.");
		return;
	}
	auth_session s;
	int retry_after = 0;
	tusk_err err = {0};
	enum auth_result res = auth_login(app->auth, name, in.password, http_req_client_ip(r), &s, &retry_after, &err);
	respond_login_result(r, res, &s, retry_after, &err);
}

/* The second step of a sign-in with two-factor: the pending token and a code. */
void api_auth_second_step(http_req *r)
{
	struct step_in {
		const char *pending, *code;
	} in;
	static const api_field fields[] = {
	    API_FIELD("pending_token", API_TEXT, struct step_in, pending, API_REQUIRED),
	    API_FIELD("code", API_TEXT, struct step_in, code, API_REQUIRED),
	};
	static const api_form form =
	    API_FORM(fields, "Give the pending_token the login answered and the code your authenticator shows.");
	if (!require_json(r) || !api_body(r, &form, &in, NULL))
		return;
	tusk_app *app = http_req_app(r);
	auth_session s;
	int retry_after = 0;
	tusk_err err = {0};
	enum auth_result res =
	    auth_second_step(app->auth, in.pending, in.code, http_req_client_ip(r), &s, &retry_after, &err);
	if (res == AUTH_BAD_CREDENTIALS) {
		api_respond_err(r, &err);
		return;
	}
	if (res == AUTH_LOCKED) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", retry_after);
		http_add_header(r, "Retry-After", ra);
		http_respond_error(
		    r, ERR_LOGIN_PAUSED,
		    "Too many wrong two-factor codes for this account: its second step pauses for %d s (an "
		    "administrator can end the pause).",
		    retry_after);
		return;
	}
	respond_login_result(r, res, &s, retry_after, &err);
}

void api_auth_desktop(http_req *r)
{
	tusk_app *app = http_req_app(r);
	if (!app->cfg->desktop) {
		http_respond_error(r, ERR_NOT_FOUND, "Desktop keys are only used in desktop mode.");
		return;
	}
	struct desktop_in {
		const char *key;
	} in;
	static const api_field fields[] = {API_FIELD("key", API_TEXT, struct desktop_in, key, 0)};
	static const api_form form = API_FORM(fields, "");
	if (!require_json(r) || !api_body(r, &form, &in, NULL))
		return;
	auth_session s;
	tusk_err err = {0};
	enum auth_result res = auth_desktop_login(app->auth, in.key, http_req_client_ip(r), &s, &err);
	if (res == AUTH_BAD_CREDENTIALS) {
		http_respond_error(r, ERR_INVALID_DESKTOP_KEY,
				   "This desktop key is wrong or was used already. Restart Tusk for a new one.");
		return;
	}
	respond_login_result(r, res, &s, 0, &err);
}

void api_auth_logout(http_req *r)
{
	tusk_app *app = http_req_app(r);
	tusk_err err;
	if (!auth_logout(app->auth, api_session(r), http_req_client_ip(r), &err)) {
		api_internal_error(r, &err);
		return;
	}
	auth_session *s = api_session(r);
	api_access_revoke(app, s->user.id, 0, s->session.id_hash, "You logged out.");
	set_cookie(r, "", 0);
	if (strcmp(s->user.auth_source, "webserver") == 0) {
		static const char msg[] =
		    "{\"webserver\":true,\"message\":\"You are logged out of Tusk, but the proxy "
		    "in front signs you in again on your next visit: to sign out for good, sign out "
		    "of the proxy (your identity provider).\"}";
		http_respond(r, 200, "application/json", msg, sizeof(msg) - 1);
		return;
	}
	http_respond(r, 200, "application/json", "{}", 2);
}

/* The oauth2 source's buttons: name, label, icon and colour of each provider. */
static void api_oauth2_providers(json_writer *w, const config *cfg)
{
	jw_key(w, "oauth2_providers");
	jw_arr_begin(w);
	for (size_t i = 0; i < cfg->noauth2; i++) {
		const config_oauth2 *p = &cfg->oauth2[i];
		jw_obj_begin(w);
		jw_fields(w, "ssss", "name", p->name, "display_name", p->display_name, "icon", p->icon ? p->icon : "",
			  "button_color", p->button_color ? p->button_color : "");
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* The sign-in sources in their order, for the login page (public: it shows before a login). */
void api_auth_sources(http_req *r)
{
	tusk_app *app = http_req_app(r);
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_key(w, "sources");
	jw_arr_begin(w);
	static const char *const names[] = {"internal", "ldap", "webserver", "oauth2"};
	for (const char *p = app->cfg->auth_sources; p && *p;) {
		size_t n = strcspn(p, ", ");
		for (size_t k = 0; k < 4; k++)
			if (strlen(names[k]) == n && strncasecmp(p, names[k], n) == 0)
				jw_str(w, names[k]);
		p += n;
		p += strspn(p, ", ");
	}
	jw_arr_end(w);
	api_oauth2_providers(w, app->cfg);
	api_json_send(r, 200, &j);
}

/* The first of the configured header names (',' separated, '_' read as '-') that the request has. */
/* The user the proxy names in the one configured header (pgAdmin's REMOTE_USER style: _ reads as -). */
static const char *remote_user(http_req *r, const char *name, const char **which)
{
	char *h = arena_strdup(http_req_arena(r), name);
	for (char *c = h; *c; c++)
		*c = *c == '_' ? '-' : *c;
	*which = h;
	const char *v = http_req_header(r, h);
	return v && *v ? v : NULL;
}

bool api_auth_proxy_same_user(http_req *r, auth_session *s)
{
	tusk_app *app = http_req_app(r);
	if (strcmp(s->user.auth_source, "webserver") != 0 || !http_req_from_trusted_proxy(r))
		return true;
	const char *header = NULL, *name = remote_user(r, app->cfg->webserver_remote_user, &header);
	char folded[256];
	/* the same user however the proxy writes the name (auth_name_fold, as at sign-in) */
	if (!name || strcasecmp(name, s->user.email) == 0 ||
	    (auth_name_fold(name, false, folded) && strcmp(folded, s->user.email) == 0))
		return true;
	tusk_err err;
	if (!auth_logout(app->auth, s, http_req_client_ip(r), &err)) {
		api_internal_error(r, &err);
		return false;
	}
	api_access_revoke(app, s->user.id, 0, s->session.id_hash, "The proxy in front signed someone else in.");
	set_cookie(r, "", 0);
	http_respond_error(
	    r, ERR_UNAUTHENTICATED,
	    "The proxy in front now signs in someone else: this Tusk session of %s ended. Reload the page.",
	    s->user.email);
	return false;
}

/* The webserver source: the proxy in front names the user in a header, believed only when the TCP
 * peer is a trusted proxy. A login session is made as for a password (cookie, CSRF token). */
void api_auth_webserver(http_req *r)
{
	tusk_app *app = http_req_app(r);
	if (app->cfg->desktop || !auth_source_on(app->auth, "webserver")) {
		http_respond_error(r, ERR_NOT_FOUND, "The webserver sign-in source is not configured.");
		return;
	}
	if (!require_json(r))
		return;
	const char *header = NULL, *name = remote_user(r, app->cfg->webserver_remote_user, &header);
	if (!http_req_from_trusted_proxy(r)) {
		/* a header from elsewhere is an attempt worth the audit; its absence is a visit */
		if (name)
			auth_audit(app->auth, NULL, name, "login_failed", http_req_client_ip(r),
				   "webserver: the header came from an address that is not a trusted proxy");
		http_respond_error(
		    r, ERR_FORBIDDEN,
		    "Tusk takes the user from the proxy's header only when the request comes from a "
		    "trusted proxy (TUSK_TRUSTED_PROXIES); this one did not. Sign in through the proxy.");
		return;
	}
	if (!name) {
		http_respond_error(r, ERR_UNAUTHENTICATED, "The proxy in front named no user (header %s).",
				   app->cfg->webserver_remote_user);
		return;
	}
	auth_session s;
	tusk_err err = {0};
	enum auth_result res = auth_webserver_login(app->auth, name, http_req_client_ip(r), &s, &err);
	respond_login_result(r, res, &s, 0, &err);
}

void api_auth_me(http_req *r)
{
	respond_session(r, 200, api_session(r));
}

void api_auth_password(http_req *r)
{
	tusk_app *app = http_req_app(r);
	struct password_in {
		const char *current, *next;
	} in;
	static const api_field fields[] = {
	    API_FIELD("current_password", API_TEXT, struct password_in, current, API_REQUIRED),
	    API_FIELD("new_password", API_TEXT, struct password_in, next, API_REQUIRED),
	};
	static const api_form form = API_FORM(fields, "Give the current and the new password.");
	if (!api_body(r, &form, &in, NULL))
		return;
	tusk_err err = {0};
	if (!auth_change_password(app->auth, api_session(r), in.current, in.next, http_req_client_ip(r), &err)) {
		api_respond_err(r, &err);
		return;
	}
	http_respond(r, 200, "application/json", "{}", 2);
}

/* Where the provider sends the browser back: TUSK_OAUTH2_REDIRECT_URL when set; else pgAdmin's
 * path, so a client registered for pgAdmin keeps working, on the request's host (or the trusted
 * proxy's X-Forwarded-Host). */
static const char *oauth2_redirect_uri(http_req *r)
{
	/* a configured public URL wins: then no Host header a client sends can change it */
	tusk_app *app = http_req_app(r);
	const char *fixed = app->cfg->oauth2_redirect_url;
	if (fixed && *fixed)
		return fixed;
	const char *host = http_req_from_trusted_proxy(r) ? http_req_header(r, "X-Forwarded-Host") : NULL;
	if (!host || !*host)
		host = http_req_header(r, "Host");
	if (!host || !*host || strlen(host) > 255 ||
	    host[strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")])
		return NULL;
	return arena_printf(http_req_arena(r), "%s://%s%soauth2/authorize", http_req_is_https(r) ? "https" : "http",
			    host, http_req_base(r));
}

static void oauth2_cookie(http_req *r, const char *value, int max_age)
{
	http_add_header(r, "Set-Cookie",
			arena_printf(http_req_arena(r),
				     OIDC_BROWSER_COOKIE "=%s; Path=%s; Max-Age=%d; HttpOnly; SameSite=Lax%s", value,
				     cookie_path(r), max_age, http_req_is_https(r) ? "; Secure" : ""));
}

void api_auth_oauth2_start(http_req *r)
{
	tusk_app *app = http_req_app(r);
	const config_oauth2 *p = config_oauth2_find(app->cfg, http_req_param(r, "name"));
	if (app->cfg->desktop || !auth_source_on(app->auth, "oauth2") || !p) {
		http_respond_error(r, ERR_NOT_FOUND, "There is no oauth2 sign-in provider '%s'.",
				   http_req_param(r, "name"));
		return;
	}
	const char *redirect_uri = oauth2_redirect_uri(r);
	if (!redirect_uri) {
		http_respond_error(r, ERR_INVALID_FIELD, "The request's Host header is missing or malformed.");
		return;
	}
	char *url = NULL, *cookie = NULL;
	int retry_after = 0;
	tusk_err err = {0};
	enum oidc_start_result st = oidc_start(app->auth, p, (int)(p - app->cfg->oauth2), redirect_uri,
					       http_req_client_ip(r), &url, &cookie, &retry_after, &err);
	if (st == OIDC_START_LIMITED) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", retry_after);
		http_add_header(r, "Retry-After", ra);
		http_respond_error(r, ERR_RATE_LIMITED,
				   "Too many sign-ins started from this address. Try again in %d s.", retry_after);
		return;
	}
	if (st != OIDC_START_OK) {
		/* the browser followed a link: the reason goes to the login page, not as bare JSON */
		free(cookie);
		cookie = oidc_error_seal(app->auth, err.msg);
		oauth2_cookie(r, cookie ? cookie : "", cookie ? OIDC_FLOW_SECONDS : 0);
		free(cookie);
		http_respond_redirect(r, 302,
				      arena_printf(http_req_arena(r), "%slogin?oauth2_error=1", http_req_base(r)));
		return;
	}
	oauth2_cookie(r, cookie, OIDC_FLOW_SECONDS);
	http_add_header(r, "Cache-Control", "no-store");
	http_respond_redirect(r, 302, arena_strdup(http_req_arena(r), url));
	free(url);
	sodium_memzero(cookie, strlen(cookie));
	free(cookie);
}

/* The provider's redirect back: the session cookie and the app, or the login page with the reason. */
void api_auth_oauth2_callback(http_req *r)
{
	tusk_app *app = http_req_app(r);
	if (app->cfg->desktop || !auth_source_on(app->auth, "oauth2")) {
		http_respond_error(r, ERR_NOT_FOUND, "The oauth2 sign-in source is not configured.");
		return;
	}
	const char *browser = http_req_cookie(r, OIDC_BROWSER_COOKIE), *perr = http_req_query(r, "error");
	const char *redirect_uri = oauth2_redirect_uri(r);
	auth_session s;
	tusk_err err = {0};
	enum auth_result res = AUTH_DENIED;
	if (perr) {
		/* the query is anyone's text (a link can carry it): unless it carries the state of this
		 * browser's own sign-in (which only the provider knows), the page says a fixed sentence;
		 * the log has the provider's words either way */
		const char *d = http_req_query(r, "error_description");
		bool genuine = oidc_state_ok(app->auth, browser, http_req_query(r, "state"));
		log_msg(LOG_WARN, "oauth2: the identity provider answered with an error", "error", perr, "description",
			d ? d : "", "state", genuine ? "this browser's" : "unknown", "client", http_req_client_ip(r),
			NULL);
		auth_audit(app->auth, NULL, "", "login_failed", http_req_client_ip(r),
			   "oauth2: the identity provider answered with an error (Tusk's log has its text)");
		if (genuine)
			err_set(&err, ERR_PERMISSION_DENIED,
				"The identity provider did not sign you in: %.64s%s%.200s.", perr, d ? " — " : "",
				d ? d : "");
		else
			err_set(&err, ERR_PERMISSION_DENIED,
				"The identity provider did not sign you in. Try again, or ask an administrator (Tusk's "
				"log has the provider's reason).");
	} else
		res = oidc_callback(app->auth, browser, http_req_query(r, "state"), http_req_query(r, "code"),
				    redirect_uri ? redirect_uri : "", http_req_client_ip(r), &s, &err);
	http_add_header(r, "Cache-Control", "no-store");
	if (res == AUTH_OK) {
		oauth2_cookie(r, "", 0);
		set_cookie(r, s.token, app->cfg->session_lifetime);
		sodium_memzero(&s, sizeof(s));
		http_respond_redirect(r, 302, http_req_base(r));
		return;
	}
	if (res == AUTH_ERROR)
		log_msg(LOG_ERROR, "oauth2 sign-in failed", "error", err.msg, NULL);
	char *sealed = oidc_error_seal(
	    app->auth, res == AUTH_DISABLED ? "This account is disabled. Ask an administrator."
		       : res == AUTH_ERROR  ? "Tusk could not finish the sign-in (its log says why). Try again."
					    : err.msg);
	oauth2_cookie(r, sealed ? sealed : "", sealed ? OIDC_FLOW_SECONDS : 0);
	free(sealed);
	http_respond_redirect(r, 302, arena_printf(http_req_arena(r), "%slogin?oauth2_error=1", http_req_base(r)));
}

/* The refusal of this browser's last oauth2 sign-in, once, for the login page. */
void api_auth_oauth2_error(http_req *r)
{
	char msg[512];
	api_json j;
	json_writer *w = api_json_begin(&j);
	tusk_app *app = http_req_app(r);
	bool found = oidc_error_take(app->auth, http_req_cookie(r, OIDC_BROWSER_COOKIE), msg);
	if (found)
		oauth2_cookie(r, "", 0); /* shown once */
	jw_fields(w, "s", "message", found ? msg : "");
	api_json_send(r, 200, &j);
}
