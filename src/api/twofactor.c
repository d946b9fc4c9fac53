/* Two-factor enrolment of the signed-in user: status, a new secret (QR code and text), and its
 * confirmation with a current code, which answers the recovery codes once. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

void api_two_factor_get(http_req *r)
{
	tusk_app *app = http_req_app(r);
	auth_session *s = api_session(r);
	api_json j;
	jw_fields(api_json_begin(&j), "bbbbi", "available", auth_two_factor_covers(app->auth, &s->user), "enabled",
		  s->user.totp_enabled, "required", app->cfg->require_two_factor || s->user.two_factor_required,
		  "setup_required", s->two_factor_setup_required, "recovery_codes_left",
		  auth_two_factor_codes_left(app->auth, &s->user));
	api_json_send(r, 200, &j);
}

void api_two_factor_setup(http_req *r)
{
	tusk_app *app = http_req_app(r);
	auth_session *s = api_session(r);
	char *secret = NULL, *uri = NULL, *svg = NULL, *token = NULL;
	tusk_err err = {0};
	if (!auth_two_factor_begin(app->auth, &s->user, &secret, &uri, &svg, &token, &err)) {
		api_respond_err(r, &err);
		return;
	}
	api_json j;
	/* the secret goes to its owner only, over this answer: never to a log or the audit */
	jw_fields(api_json_begin(&j), "sssei", "secret", secret, "otpauth_uri", uri, "setup_token", token, "qr_svg",
		  svg, "expires_in", (int64_t)AUTH_PENDING_SECONDS);
	http_add_header(r, "Cache-Control", "no-store");
	api_json_send(r, 200, &j);
	sodium_memzero(secret, strlen(secret));
	sodium_memzero(uri, strlen(uri));
	free(secret);
	free(uri);
	free(svg);
	free(token);
}

/* A refusal of a change to two-factor: after too many wrong codes, when to try again. */
static void respond_refusal(http_req *r, const tusk_err *err, int retry_after)
{
	if (err->code == ERR_LOGIN_PAUSED && retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", retry_after);
		http_add_header(r, "Retry-After", ra);
	}
	api_respond_err(r, err);
}

void api_two_factor_confirm(http_req *r)
{
	tusk_app *app = http_req_app(r);
	struct confirm_in {
		const char *token, *code, *current_code, *password;
	} in;
	static const api_field fields[] = {
	    API_FIELD("setup_token", API_TEXT, struct confirm_in, token, API_REQUIRED),
	    API_FIELD("code", API_TEXT, struct confirm_in, code, API_REQUIRED),
	    API_FIELD("current_code", API_TEXT, struct confirm_in, current_code, 0),
	    API_FIELD("password", API_TEXT, struct confirm_in, password, 0),
	};
	static const api_form form = API_FORM(fields, "Give the setup_token and the code your authenticator shows.");
	if (!api_body(r, &form, &in, NULL))
		return;
	char codes[AUTH_RECOVERY_CODES][AUTH_RECOVERY_CHARS];
	tusk_err err = {0};
	int retry_after = 0;
	struct auth_proof proof = {.code = in.current_code, .password = in.password};
	if (!auth_two_factor_confirm(app->auth, api_session(r), in.token, in.code, &proof, http_req_client_ip(r), codes,
				     &retry_after, &err)) {
		respond_refusal(r, &err, retry_after);
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	jw_key(w, "recovery_codes");
	jw_arr_begin(w);
	for (int i = 0; i < AUTH_RECOVERY_CODES; i++)
		jw_str(w, codes[i]);
	jw_arr_end(w);
	http_add_header(r, "Cache-Control", "no-store");
	api_json_send(r, 200, &j);
	sodium_memzero(codes, sizeof(codes));
}

/* The user turns two-factor off, proving it holds the current factor (or its password). */
void api_two_factor_disable(http_req *r)
{
	tusk_app *app = http_req_app(r);
	struct disable_in {
		const char *code, *password;
	} in = {0};
	static const api_field fields[] = {
	    API_FIELD("code", API_TEXT, struct disable_in, code, 0),
	    API_FIELD("password", API_TEXT, struct disable_in, password, 0),
	};
	static const api_form form =
	    API_FORM(fields, "Give a code of your authenticator app, a recovery code, or your password.");
	if (!api_body(r, &form, &in, NULL))
		return;
	tusk_err err = {0};
	int retry_after = 0;
	struct auth_proof proof = {.code = in.code, .password = in.password};
	if (!auth_two_factor_disable(app->auth, api_session(r), &proof, http_req_client_ip(r), &retry_after, &err)) {
		respond_refusal(r, &err, retry_after);
		return;
	}
	http_respond_empty(r, 204);
}
