/* Two-factor enrolment of the signed-in user: status, a new secret (QR code and text), and its
 * confirmation with a current code, which answers the recovery codes once. */
#include <sodium.h>
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

void api_two_factor_confirm(http_req *r)
{
	tusk_app *app = http_req_app(r);
	struct confirm_in {
		const char *token, *code;
	} in;
	static const api_field fields[] = {
	    API_FIELD("setup_token", API_TEXT, struct confirm_in, token, API_REQUIRED),
	    API_FIELD("code", API_TEXT, struct confirm_in, code, API_REQUIRED),
	};
	static const api_form form = API_FORM(fields, "Give the setup_token and the code your authenticator shows.");
	if (!api_body(r, &form, &in, NULL))
		return;
	char codes[AUTH_RECOVERY_CODES][AUTH_RECOVERY_CHARS];
	tusk_err err = {0};
	if (!auth_two_factor_confirm(app->auth, api_session(r), in.token, in.code, http_req_client_ip(r), codes,
				     &err)) {
		api_respond_err(r, &err);
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
