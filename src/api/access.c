/* Access that ends ends everywhere at once: when a server is deleted or
 * unshared, or a user is disabled, deleted or logs out, what they already
 * have open on it (query tabs, dashboards, jobs, pooled connections) closes,
 * and the tab says why. Changes made on this replica revoke at once; a
 * sweep every few seconds checks every holder against the store, so changes
 * made on another replica take effect here too. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "util/log.h"
#include "util/thread.h"
#include "util/time.h"

enum { SWEEP_MS = 3000, REMEMBERED = 64, REMEMBER_SECONDS = 600 };

struct revocation {
	int64_t user_id, server_id; /* server 0: all of the user's */
	char owner[80];		    /* a login session's, or "" */
	char reason[200];
	time_t at;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;
static struct revocation recent[REMEMBERED];
static size_t next_slot;
static bool stopping;
static pthread_t sweeper;
static bool sweeping;

static void remember(int64_t user_id, int64_t server_id, const char *owner, const char *reason)
{
	pthread_mutex_lock(&lock);
	struct revocation *r = &recent[next_slot++ % REMEMBERED];
	r->user_id = user_id;
	r->server_id = server_id;
	snprintf(r->owner, sizeof(r->owner), "%s", owner ? owner : "");
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
	r->at = time(NULL);
	pthread_mutex_unlock(&lock);
}

bool api_access_revoked(int64_t user_id, int64_t server_id, const char *owner, char *reason, size_t n)
{
	bool found = false;
	time_t now = time(NULL);
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < REMEMBERED && !found; i++) {
		const struct revocation *r = &recent[i];
		if (!r->at || now - r->at > REMEMBER_SECONDS || r->user_id != user_id)
			continue;
		if ((r->server_id && server_id && r->server_id != server_id) ||
		    (r->owner[0] && (!owner || strcmp(r->owner, owner))))
			continue;
		snprintf(reason, n, "%s", r->reason);
		found = true;
	}
	pthread_mutex_unlock(&lock);
	return found;
}

void api_access_revoke(tusk_app *app, int64_t user_id, int64_t server_id, const char *owner, const char *reason)
{
	remember(user_id, server_id, owner, reason);
	int tabs = qmanager_close_for(app->queries, user_id, server_id, owner);
	tabs += api_psql_close_for(user_id, server_id, owner, reason);
	/* a window's stream is its login session's: it ends with the session or the account */
	if (owner || !server_id) {
		api_stream_close_for(user_id, owner, reason);
		/* its idle connections lose the logged-in user's exemption (live sessions mark theirs again) */
		http_server_forget_account(app->http, user_id);
	}
	if (owner) {
		if (tabs)
			log_msg(LOG_INFO, "query tabs closed with their login session", NULL);
		return; /* a login session's end leaves the user's other sessions alone */
	}
	int streams = samplers_stop_for(app->samplers, user_id, server_id);
	int njobs = jobs_cancel_for(app->jobs, user_id, server_id, reason);
	if (server_id)
		pgpool_disconnect(app->pool, user_id, server_id);
	else
		pgpool_disconnect_user(app->pool, user_id);
	if (tabs || streams || njobs) {
		char uid[24], sid[24], counts[96];
		snprintf(uid, sizeof(uid), "%lld", (long long)user_id);
		snprintf(sid, sizeof(sid), "%lld", (long long)server_id);
		snprintf(counts, sizeof(counts), "%d query tabs, %d dashboards, %d jobs", tabs, streams, njobs);
		log_msg(LOG_INFO, "access revoked", "user", uid, "server", server_id ? sid : "all", "closed", counts,
			"reason", reason, NULL);
	}
}

/* Whether user_id still may use server_id: 1 yes, 0 no (why in reason), -1 unknown (store trouble). */
static int still_allowed(tusk_app *app, int64_t user_id, int64_t server_id, bool *user_gone, char *reason, size_t n)
{
	tusk_err err;
	store_user u;
	int found = store_user_by_id(app->store, user_id, &u, &err);
	if (found < 0)
		return -1;
	if (found == 0 || !u.active) {
		*user_gone = true;
		snprintf(reason, n, "Your Tusk account was %s.", found == 0 ? "deleted" : "disabled");
		return 0;
	}
	store_server sv;
	found = store_server_get(app->store, user_id, server_id, &sv, &err);
	if (found < 0)
		return -1;
	if (found == 1) {
		store_server_clear(&sv);
		return 1;
	}
	snprintf(reason, n, "The server was deleted, or is no longer shared with you.");
	return 0;
}

/* Checks one (user, server) holder; pairs already checked in this sweep are skipped. */
static void check_pair(tusk_app *app, int64_t user_id, int64_t server_id, int64_t *seen, size_t *nseen, size_t cap)
{
	for (size_t i = 0; i < *nseen; i++)
		if (seen[2 * i] == user_id && seen[2 * i + 1] == server_id)
			return;
	if (*nseen < cap) {
		seen[2 * *nseen] = user_id;
		seen[2 * *nseen + 1] = server_id;
		(*nseen)++;
	}
	char reason[200];
	bool user_gone = false;
	if (still_allowed(app, user_id, server_id, &user_gone, reason, sizeof(reason)) == 0)
		api_access_revoke(app, user_id, user_gone ? 0 : server_id, NULL, reason);
}

/* Whether a login session is over: logged out, deleted, past its lifetime
 * or idle too long (the next request with its cookie would be refused; a
 * store error counts as not over). */
static bool session_over(tusk_app *app, const char *owner, int64_t now)
{
	store_session ss;
	tusk_err err;
	int found = store_session_get(app->store, owner, &ss, &err);
	if (found <= 0)
		return found == 0;
	return ss.expires_at <= now || ss.last_seen_at + app->cfg->session_idle_timeout <= now;
}

static const char session_ended[] = "You logged out, or your login session ended.";

void api_access_sweep(tusk_app *app)
{
	int64_t *pool = NULL, *dash = NULL, *work = NULL;
	qholder *tabs = NULL;
	size_t np = pgpool_holders(app->pool, &pool), nd = samplers_holders(app->samplers, &dash),
	       nj = jobs_holders(app->jobs, &work), nt = qmanager_holders(app->queries, &tabs);
	size_t cap = np + nd + nj + nt;
	int64_t *seen = xcalloc(cap ? 2 * cap : 1, sizeof(*seen));
	size_t nseen = 0;
	for (size_t i = 0; i < np; i++)
		check_pair(app, pool[2 * i], pool[2 * i + 1], seen, &nseen, cap);
	for (size_t i = 0; i < nd; i++)
		check_pair(app, dash[2 * i], dash[2 * i + 1], seen, &nseen, cap);
	for (size_t i = 0; i < nj; i++)
		check_pair(app, work[2 * i], work[2 * i + 1], seen, &nseen, cap);
	int64_t now = time(NULL);
	for (size_t i = 0; i < nt; i++) {
		check_pair(app, tabs[i].user_id, tabs[i].server_id, seen, &nseen, cap);
		/* a tab belongs to its login session: logging out (here or on another replica) ends it */
		if (session_over(app, tabs[i].owner, now))
			api_access_revoke(app, tabs[i].user_id, tabs[i].server_id, tabs[i].owner, session_ended);
	}
	/* a window's stream ends with its login session, here or on another replica */
	api_stream_holder *streams = NULL;
	size_t ns = api_stream_holders(&streams);
	for (size_t i = 0; i < ns; i++)
		if (session_over(app, streams[i].owner, now))
			api_access_revoke(app, streams[i].user_id, 0, streams[i].owner, session_ended);
	/* PSQL tool sessions: a server's access, and their login session, as query tabs */
	psql_holder *terms = NULL;
	size_t nx = api_psql_holders(&terms);
	for (size_t i = 0; i < nx; i++) {
		check_pair(app, terms[i].user_id, terms[i].server_id, seen, &nseen, cap);
		if (session_over(app, terms[i].owner, now))
			api_access_revoke(app, terms[i].user_id, terms[i].server_id, terms[i].owner, session_ended);
	}
	FREE_ALL(seen, pool, dash, work, tabs, streams, terms);
}

static void *sweeper_main(void *arg)
{
	tusk_app *app = arg;
	pthread_mutex_lock(&lock);
	while (thread_nap(&stop_cond, &lock, &stopping, SWEEP_MS)) {
		pthread_mutex_unlock(&lock);
		api_access_sweep(app);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void api_access_start(tusk_app *app)
{
	stopping = false;
	sweeping = pthread_create(&sweeper, NULL, sweeper_main, app) == 0;
}

void api_access_stop(void)
{
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&stop_cond);
	pthread_mutex_unlock(&lock);
	if (sweeping)
		pthread_join(sweeper, NULL);
	sweeping = false;
}

bool api_event_keepalive(str *out)
{
	str_append_cstr(out, ": keep-alive\n\n");
	return true;
}

bool api_event_idle(str *out, int64_t *keepalive_at)
{
	if (http_peer_gone())
		return false;
	int64_t now = time_mono_ms();
	if (!*keepalive_at)
		*keepalive_at = now + API_KEEPALIVE_MS;
	if (now < *keepalive_at)
		return true;
	*keepalive_at = now + API_KEEPALIVE_MS;
	return api_event_keepalive(out);
}

void api_event_closed(str *out, const char *reason, const char *message)
{
	str_append_cstr(out, "event: closed\ndata: ");
	json_writer w;
	jw_init(&w, out);
	jw_obj_begin(&w);
	if (reason)
		jw_kv_str(&w, "reason", reason);
	if (message)
		jw_kv_str(&w, "message", message);
	jw_obj_end(&w);
	str_append_cstr(out, "\n\n");
}
