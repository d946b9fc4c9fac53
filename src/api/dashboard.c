/* The dashboard stream: server-sent events, one sample a second, from the
 * sampler shared by every watcher of the same (user, server, database). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

struct stream {
	samplers *owner;
	sampler *s;
	uint64_t seq;
	int64_t user_id, server_id;
	int64_t keepalive_at;
};

static void stream_free(void *cls)
{
	struct stream *st = cls;
	sampler_unwatch(st->owner, st->s);
	free(st);
}

static bool next_event(void *cls, str *out)
{
	struct stream *st = cls;
	char *json = NULL;
	bool closed = false;
	st->seq = sampler_next(st->s, st->seq, API_IDLE_CHECK_MS, &json, &closed);
	if (json) {
		str_appendf(out, "event: %s\ndata: %s\n\n", strstr(json, "\"error\"") ? "error" : "sample", json);
		free(json);
		return true;
	}
	if (closed) {
		char why[200];
		bool revoked = api_access_revoked(st->user_id, st->server_id, NULL, why, sizeof(why));
		api_event_closed(out, revoked ? "revoked" : NULL, revoked ? why : NULL);
		return false;
	}
	return api_event_idle(out, &st->keepalive_at);
}

bool api_dashboard_topic(http_req *r, const char *database, api_topic *t)
{
	api_server srv;
	if (!api_server_checked(r, &srv))
		return false;
	tusk_app *app = srv.app;
	int64_t uid = srv.user_id, server_id = srv.server_id;
	if (!pgpool_is_connected(app->pool, uid, server_id)) {
		http_respond_error(r, ERR_NOT_CONNECTED, "Connect to this server first.");
		return false;
	}
	/* PostgreSQL keeps names of 63 bytes: a longer one names no database, only costs memory */
	if (database && strlen(database) > 63) {
		http_respond_error(r, ERR_INVALID_FIELD, "A database name is at most 63 bytes.");
		return false;
	}
	sampler *s = sampler_watch(app->samplers, uid, server_id, database && *database ? database : NULL);
	if (!s) {
		http_respond_error(
		    r, ERR_TOO_MANY_DASHBOARDS,
		    "You have %d dashboards open (servers and databases), the most at once: close one first.",
		    SAMPLERS_PER_USER);
		return false;
	}
	struct stream *st = xcalloc(1, sizeof(*st));
	st->owner = app->samplers;
	st->user_id = uid;
	st->server_id = server_id;
	st->s = s;
	*t = (api_topic){next_event, st, stream_free};
	return true;
}

void api_dashboard_events(http_req *r)
{
	api_topic t;
	if (api_dashboard_topic(r, http_req_query(r, "database"), &t))
		api_topic_respond(r, &t);
}
