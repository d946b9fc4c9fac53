/* The oauth2 sign-in source: OpenID Connect and plain OAuth2 providers, authorization-code flow
 * with PKCE (S256); state, nonce and verifier kept in the browser, sealed (XChaCha20-Poly1305
 * under a key from the server secret) in a cookie that lives ten minutes, so Tusk keeps no table
 * strangers can fill; the ID token checked against the provider's JWKS (auth/jwt.h). */
#ifndef TUSK_AUTH_OIDC_H
#define TUSK_AUTH_OIDC_H

#include "auth/auth.h"

#define OIDC_BROWSER_COOKIE "tusk_oauth2"
#define OIDC_FLOW_SECONDS 600

/* Logs the providers at start (loudly when certificate verification is off). */
void oidc_startup_log(const config *cfg);

/* Begins a sign-in: *url (malloc'd) is the provider's authorization URL to send the browser to,
 * *cookie (malloc'd) the value for OIDC_BROWSER_COOKIE. FAILED with err set (discovery failed),
 * LIMITED (*retry_after) when client started too many. */
enum oidc_start_result { OIDC_START_OK, OIDC_START_FAILED, OIDC_START_LIMITED };
enum oidc_start_result oidc_start(auth *a, const config_oauth2 *p, int index, const char *redirect_uri,
				  const char *client, char **url, char **cookie, int *retry_after, tusk_err *err)
    __attribute__((warn_unused_result));

/* The provider sent the browser back: state and code checked, the code exchanged, the user
 * signed in (or refused: AUTH_DENIED with err's message for the login page). */
enum auth_result oidc_callback(auth *a, const char *browser, const char *state, const char *code,
			       const char *redirect_uri, const char *client, auth_session *out, tusk_err *err);

/* Whether state is the one of the flow the browser's cookie seals (the provider's own answer to
 * this browser's sign-in, not a link someone else made). */
bool oidc_state_ok(auth *a, const char *cookie, const char *state);

/* A callback's refusal for the login page of that browser: sealed into the cookie's next value
 * (malloc'd; NULL on failure), read back (and then cleared by the caller). */
char *oidc_error_seal(auth *a, const char *message);
bool oidc_error_take(auth *a, const char *cookie, char out[512]);

#endif
