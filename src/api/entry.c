/* pgAdmin's entry points, so bookmarks, links and checks written for pgAdmin carry over:
 * `/` and `/browser/` send a browser without a session to `/login`, as pgAdmin does, and
 * serve the app to one with a session; pgAdmin's form login (POST /authenticate/login) is
 * sent on to the login page. `/login` itself is the app (the static fallback), which shows its
 * login screen to whoever is not logged in; `/misc/ping` is in misc.c. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "http/static.h"

static char *login_url(http_req *r)
{
	return arena_printf(http_req_arena(r), "%slogin", http_req_base(r));
}

void api_entry_app(http_req *r)
{
	tusk_app *app = http_req_app(r);
	/* desktop mode signs in with the key in the address's fragment, on this very page */
	if (!app->cfg->desktop) {
		auth_session s;
		tusk_err err;
		int found = auth_session_load(app->auth, http_req_cookie(r, "tusk_session"), &s, &err);
		sodium_memzero(&s, sizeof(s));
		if (found == 0) {
			http_add_header(r, "Cache-Control", "no-store");
			http_respond_redirect(r, 302, login_url(r));
			return;
		}
		/* a store error: the app loads and says what it finds */
	}
	http_static_serve(r);
}

/* pgAdmin's login form posts e-mail and password as a form. Tusk takes credentials as JSON only
 * (POST /api/v1/auth/login; a cross-site form cannot send JSON, which stops login CSRF), so the
 * form's post goes on to the login page, where the browser shows the login screen. */
void api_entry_form_login(http_req *r)
{
	static const char msg[] = "Tusk's login page is at /login (the API takes POST /api/v1/auth/login with JSON "
				  "{\"email\":...,\"password\":...}).\n";
	http_add_header(r, "Location", login_url(r));
	http_add_header(r, "Cache-Control", "no-store");
	http_respond_static(r, 303, "text/plain; charset=utf-8", msg, sizeof(msg) - 1);
}
