/* The dashboard stream: server-sent events, one sample a second, from the
 * sampler shared by every watcher of the same (user, server, database). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

struct stream {
	samplers *owner;
	sampler *s;
	uint64_t seq;
	str pending;
	size_t sent;
	bool finished;
};

static void stream_free(void *cls)
{
	struct stream *st = cls;
	sampler_unwatch(st->owner, st->s);
	str_free(&st->pending);
	free(st);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct stream *st = cls;
	if (st->sent >= st->pending.len) {
		if (st->finished)
			return -1;
		str_reset(&st->pending);
		st->sent = 0;
		char *json = NULL;
		bool closed = false;
		st->seq = sampler_next(st->s, st->seq, 15000, &json, &closed);
		if (json) {
			str_appendf(&st->pending, "event: %s\ndata: %s\n\n", strstr(json, "\"error\"") ? "error" : "sample",
				    json);
			free(json);
		} else if (closed) {
			str_append_cstr(&st->pending, "event: closed\ndata: {}\n\n");
			st->finished = true;
		} else {
			str_append_cstr(&st->pending, ": keep-alive\n\n");
		}
	}
	size_t n = st->pending.len - st->sent;
	if (n > max)
		n = max;
	memcpy(buf, st->pending.buf + st->sent, n);
	st->sent += n;
	return (ssize_t)n;
}

void api_dashboard_events(http_req *r)
{
	tusk_app *app = http_req_app(r);
	int64_t server_id;
	store_server sv;
	tusk_err err;
	int64_t uid = api_session(r)->user.id;
	if (!api_path_id(r, "server", &server_id) ||
	    !api_found(r, store_server_get(app->store, uid, server_id, &sv, &err), &err, "server", server_id))
		return;
	store_server_clear(&sv);
	if (!pgpool_is_connected(app->pool, uid, server_id)) {
		http_respond_error(r, 409, "not_connected", "Connect to this server first.");
		return;
	}
	const char *db = http_req_query(r, "database");
	struct stream *st = xcalloc(1, sizeof(*st));
	st->owner = app->samplers;
	st->s = sampler_watch(app->samplers, uid, server_id, db && *db ? db : NULL);
	http_add_header(r, "X-Accel-Buffering", "no");
	http_respond_stream(r, 200, "text/event-stream; charset=utf-8", stream_read, st, stream_free);
}
