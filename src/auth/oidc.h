/* The oauth2 sign-in source: OpenID Connect and plain OAuth2 providers, authorization-code flow
 * with PKCE (S256), state and nonce kept in this process (single use, ten minutes, bound to the
 * browser by a cookie), the ID token checked against the provider's JWKS (auth/jwt.h). */
#ifndef TUSK_AUTH_OIDC_H
#define TUSK_AUTH_OIDC_H

#include "auth/auth.h"

#define OIDC_BROWSER_COOKIE "tusk_oauth2"
#define OIDC_FLOW_SECONDS 600

/* Logs the providers at start (loudly when certificate verification is off). */
void oidc_startup_log(const config *cfg);

/* Begins a sign-in: *url (malloc'd) is the provider's authorization URL to send the browser to,
 * browser the value for OIDC_BROWSER_COOKIE. False with err set (discovery failed). */
bool oidc_start(const config_oauth2 *p, int index, const char *redirect_uri, char **url, char browser[AUTH_TOKEN_CHARS],
		tusk_err *err) __attribute__((warn_unused_result));

/* The provider sent the browser back: state and code checked, the code exchanged, the user
 * signed in (or refused: AUTH_DENIED with err's message for the login page). */
enum auth_result oidc_callback(auth *a, const char *browser, const char *state, const char *code,
			       const char *redirect_uri, const char *client, auth_session *out, tusk_err *err);

/* A callback's refusal, kept for the login page of that browser (single use). */
void oidc_error_keep(const char *browser, const char *message);
bool oidc_error_take(const char *browser, char out[512]);

#endif
