/* Schema Diff over HTTP: POST /api/v1/schema-diff {source: {server_id,
 * database, schema?}, target: {...}, options: {ignore_owner,
 * ignore_privileges, ignore_whitespace, ignore_tablespace}, select: [ids],
 * progress?: token} answered with every object's state and DDLs and the
 * annotated migration script (catalog/schema_diff.c), and the id under
 * which the comparison is kept for its user a while: POST
 * /api/v1/schema-diff/{id}/script {select} plans the script of another
 * choice of objects without reading either database again.
 *
 * A comparison given a progress token reports its phases and counts to a
 * topic of the window's event stream (POST /api/v1/stream/{stream}/
 * schema-diffs/{token}, subscribed before or after the comparison starts)
 * and stops at its next phase after POST /api/v1/schema-diff/runs/{token}/
 * cancel. */
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/time.h"

/* ---- comparisons kept ---- */

enum {
	KEEP_PER_USER = 4,	  /* a user's newest comparisons */
	KEEP_TOTAL = 32,	  /* everyone's */
	KEEP_MS = 10 * 60 * 1000, /* since the last use */
	GONE_REMEMBERED = 256,	  /* ids let go, answered 410 rather than 404 */
	ID_BYTES = 16,
};
static const size_t KEEP_BYTES = (size_t)256 << 20; /* the estimate of everyone's comparisons together */

struct kept {
	struct kept *next;
	char id[2 * ID_BYTES + 1];
	int64_t user_id, used_ms;
	size_t bytes;
	catalog_diff *d;
	pthread_mutex_t lock; /* one plan at a time */
	int refs;	      /* the list's, and each request's using it; under keep.lock */
	bool listed;
};

static struct {
	pthread_mutex_t lock;
	struct kept *all; /* newest first */
	struct {
		char id[2 * ID_BYTES + 1];
		int64_t user_id;
	} gone[GONE_REMEMBERED];
	size_t ngone;
} keep = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Caller holds keep.lock. */
static void kept_release_locked(struct kept *k)
{
	if (--k->refs > 0)
		return;
	catalog_diff_free(k->d);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

/* Caller holds keep.lock: k leaves the list, its id remembered as let go. */
static void unlist(struct kept **pp)
{
	struct kept *k = *pp;
	*pp = k->next;
	k->listed = false;
	size_t at = keep.ngone++ % GONE_REMEMBERED;
	memcpy(keep.gone[at].id, k->id, sizeof(k->id));
	keep.gone[at].user_id = k->user_id;
	kept_release_locked(k);
}

/* Caller holds keep.lock: those unused too long go, then the oldest past the bounds. */
static void sweep_locked(int64_t now)
{
	for (struct kept **pp = &keep.all; *pp;) {
		if (now - (*pp)->used_ms > KEEP_MS)
			unlist(pp);
		else
			pp = &(*pp)->next;
	}
	for (;;) {
		size_t total = 0, bytes = 0;
		struct kept **oldest = NULL;
		for (struct kept **pp = &keep.all; *pp; pp = &(*pp)->next) {
			total++;
			bytes += (*pp)->bytes;
			oldest = pp;
		}
		if (!oldest || (total <= KEEP_TOTAL && bytes <= KEEP_BYTES))
			break;
		unlist(oldest);
	}
}

/* Keeps d for user (taking it); its id into id. */
static void keep_add(int64_t user_id, catalog_diff *d, char id[2 * ID_BYTES + 1])
{
	struct kept *k = xcalloc(1, sizeof(*k));
	unsigned char raw[ID_BYTES];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(k->id, sizeof(k->id), raw, sizeof(raw));
	memcpy(id, k->id, sizeof(k->id));
	k->user_id = user_id;
	k->used_ms = time_mono_ms();
	k->bytes = catalog_diff_bytes(d);
	k->d = d;
	k->refs = 1;
	k->listed = true;
	pthread_mutex_init(&k->lock, NULL);
	pthread_mutex_lock(&keep.lock);
	k->next = keep.all;
	keep.all = k;
	/* the user's oldest past their bound */
	int mine = 0;
	for (struct kept **pp = &keep.all; *pp;) {
		if ((*pp)->user_id == user_id && ++mine > KEEP_PER_USER)
			unlist(pp);
		else
			pp = &(*pp)->next;
	}
	sweep_locked(k->used_ms);
	pthread_mutex_unlock(&keep.lock);
}

/* The {id} comparison of the user, held (keep_release it); NULL after answering 404 or 410. */
static struct kept *keep_find(http_req *r, int64_t user_id)
{
	const char *id = http_req_param(r, "id");
	struct kept *found = NULL;
	bool let_go = false;
	pthread_mutex_lock(&keep.lock);
	int64_t now = time_mono_ms();
	sweep_locked(now);
	for (struct kept *k = keep.all; k && !found; k = k->next) {
		if (k->user_id == user_id && strcmp(k->id, id) == 0) {
			found = k;
			k->refs++;
			k->used_ms = now;
		}
	}
	for (size_t i = 0; !found && i < GONE_REMEMBERED && i < keep.ngone; i++)
		let_go |= keep.gone[i].user_id == user_id && strcmp(keep.gone[i].id, id) == 0;
	pthread_mutex_unlock(&keep.lock);
	if (!found && let_go)
		http_respond_error(r, ERR_DIFF_EXPIRED,
				   "This comparison is no longer kept (a comparison is kept %d minutes after its last "
				   "use, and only your %d newest): compare again.",
				   KEEP_MS / 60000, KEEP_PER_USER);
	else if (!found)
		http_respond_error(r, ERR_DIFF_NOT_FOUND,
				   "No comparison %s of yours is kept on this Tusk server: compare again.", id);
	return found;
}

static void keep_release(struct kept *k)
{
	pthread_mutex_lock(&keep.lock);
	kept_release_locked(k);
	pthread_mutex_unlock(&keep.lock);
}

void api_schema_diff_stop(void)
{
	pthread_mutex_lock(&keep.lock);
	while (keep.all)
		unlist(&keep.all);
	pthread_mutex_unlock(&keep.lock);
}

/* ---- progress ---- */

enum { TOKEN_MAX = 64, RUNS_PER_USER = 8, WAIT_FOR_RUN_MS = 30000 };

struct run {
	struct run *next;
	int64_t user_id;
	char token[TOKEN_MAX + 1];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	catalog_diff_progress p;
	char phase[16];
	int seq;	     /* each report's */
	bool started, ended; /* by the comparison's request */
	char outcome[16];    /* done, failed, cancelled */
	char message[300];   /* a failure's */
	_Atomic bool cancel; /* asked for by POST .../cancel */
	int refs;	     /* the request's and the topic's; under runs.lock */
};

static struct {
	pthread_mutex_t lock;
	struct run *all;
} runs = {PTHREAD_MUTEX_INITIALIZER, NULL};

static bool token_valid(const char *t)
{
	size_t n = t ? strlen(t) : 0;
	if (n == 0 || n > TOKEN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') ||
		      t[i] == '-' || t[i] == '_'))
			return false;
	return true;
}

/* The user's run under token, held: found, or made when make (NULL past the user's bound). */
static struct run *run_get(int64_t user_id, const char *token, bool make, bool *full)
{
	pthread_mutex_lock(&runs.lock);
	struct run *found = NULL;
	int mine = 0;
	for (struct run *u = runs.all; u; u = u->next) {
		mine += u->user_id == user_id;
		if (u->user_id == user_id && strcmp(u->token, token) == 0)
			found = u;
	}
	*full = !found && make && mine >= RUNS_PER_USER;
	if (!found && make && !*full) {
		found = xcalloc(1, sizeof(*found));
		found->user_id = user_id;
		snprintf(found->token, sizeof(found->token), "%s", token);
		snprintf(found->phase, sizeof(found->phase), "waiting");
		found->p = (catalog_diff_progress){NULL, -1, -1, -1, -1, -1, -1, -1};
		pthread_mutex_init(&found->lock, NULL);
		pthread_cond_init(&found->cond, NULL);
		found->next = runs.all;
		runs.all = found;
	}
	if (found)
		found->refs++;
	pthread_mutex_unlock(&runs.lock);
	return found;
}

static void run_release(struct run *u)
{
	pthread_mutex_lock(&runs.lock);
	bool last = --u->refs == 0;
	if (last) {
		struct run **pp = &runs.all;
		while (*pp && *pp != u)
			pp = &(*pp)->next;
		if (*pp)
			*pp = u->next;
	}
	pthread_mutex_unlock(&runs.lock);
	if (!last)
		return;
	pthread_mutex_destroy(&u->lock);
	pthread_cond_destroy(&u->cond);
	free(u);
}

static void run_report(void *cls, const catalog_diff_progress *p)
{
	struct run *u = cls;
	pthread_mutex_lock(&u->lock);
	u->p = *p;
	snprintf(u->phase, sizeof(u->phase), "%s", p->phase);
	u->seq++;
	pthread_cond_broadcast(&u->cond);
	pthread_mutex_unlock(&u->lock);
}

static void run_end(struct run *u, const char *outcome, const char *message)
{
	pthread_mutex_lock(&u->lock);
	u->ended = true;
	snprintf(u->outcome, sizeof(u->outcome), "%s", outcome);
	snprintf(u->message, sizeof(u->message), "%s", message ? message : "");
	u->seq++;
	pthread_cond_broadcast(&u->cond);
	pthread_mutex_unlock(&u->lock);
}

struct watcher {
	struct run *u;
	int seen;
	bool over;
	int64_t keepalive_at, give_up_ms;
};

static void count(json_writer *w, const char *key, int64_t n)
{
	if (n >= 0)
		jw_kv_int(w, key, n);
}

/* Caller holds u->lock. */
static void progress_event(str *out, const struct run *u)
{
	str_append_cstr(out, "event: progress\ndata: ");
	json_writer w;
	jw_init(&w, out);
	jw_obj_begin(&w);
	jw_kv_str(&w, "phase", u->phase);
	count(&w, "source", u->p.source);
	count(&w, "target", u->p.target);
	count(&w, "identical", u->p.identical);
	count(&w, "different", u->p.different);
	count(&w, "source_only", u->p.source_only);
	count(&w, "target_only", u->p.target_only);
	count(&w, "ddl", u->p.ddl);
	jw_obj_end(&w);
	str_append_cstr(out, "\n\n");
}

static bool next_progress(void *cls, str *out)
{
	struct watcher *wt = cls;
	if (wt->over)
		return false;
	struct run *u = wt->u;
	pthread_mutex_lock(&u->lock);
	if (wt->seen == u->seq) {
		struct timespec wake = time_after_ms(CLOCK_REALTIME, API_IDLE_CHECK_MS);
		pthread_cond_timedwait(&u->cond, &u->lock, &wake);
	}
	bool news = wt->seen != u->seq, ended = u->ended, started = u->started || u->seq > 0;
	if (news) {
		wt->seen = u->seq;
		progress_event(out, u);
	}
	if (ended) {
		str_append_cstr(out, "event: end\ndata: ");
		json_writer w;
		jw_init(&w, out);
		jw_obj_begin(&w);
		jw_kv_str(&w, "state", u->outcome);
		if (u->message[0])
			jw_kv_str(&w, "message", u->message);
		jw_obj_end(&w);
		str_append_cstr(out, "\n\n");
	}
	pthread_mutex_unlock(&u->lock);
	if (ended) {
		wt->over = true;
		return false;
	}
	if (!started && time_mono_ms() > wt->give_up_ms) {
		/* subscribed, but no comparison came with the token */
		str_append_cstr(out, "event: end\ndata: {\"state\":\"gone\"}\n\n");
		wt->over = true;
		return false;
	}
	return news || api_event_idle(out, &wt->keepalive_at);
}

static void watcher_free(void *cls)
{
	struct watcher *wt = cls;
	run_release(wt->u);
	free(wt);
}

bool api_schema_diff_topic(http_req *r, api_topic *t)
{
	const char *token = http_req_param(r, "token");
	if (!token_valid(token)) {
		http_respond_error(r, ERR_INVALID_PARAMETER,
				   "A comparison's progress token is 1 to %d letters, digits, '-' or '_'.", TOKEN_MAX);
		return false;
	}
	bool full;
	struct run *u = run_get(api_session(r)->user.id, token, true, &full);
	if (!u) {
		http_respond_error(r, ERR_BUSY, "You have %d comparisons running or awaited: let one end first.",
				   RUNS_PER_USER);
		return false;
	}
	struct watcher *wt = xcalloc(1, sizeof(*wt));
	wt->u = u;
	wt->seen = -1; /* the current state goes out first */
	wt->give_up_ms = time_mono_ms() + WAIT_FOR_RUN_MS;
	*t = (api_topic){next_progress, wt, watcher_free};
	return true;
}

void api_schema_diff_cancel(http_req *r)
{
	const char *token = http_req_param(r, "token");
	bool full;
	struct run *u = token_valid(token) ? run_get(api_session(r)->user.id, token, false, &full) : NULL;
	bool running = false;
	if (u) {
		pthread_mutex_lock(&u->lock);
		running = u->started && !u->ended;
		pthread_mutex_unlock(&u->lock);
		if (running)
			atomic_store(&u->cancel, true);
		run_release(u);
	}
	if (running)
		http_respond_empty(r, 204);
	else
		http_respond_error(r, ERR_DIFF_NOT_FOUND, "No comparison of yours is running under that token.");
}

/* ---- the requests ---- */

/* {server_id, database, schema?} of a server the user may see; false after answering. */
static bool read_side(http_req *r, const api_server *s, json_t *body, const char *key, catalog_diff_side *side,
		      pgpool_ref *pg)
{
	json_t *o = json_object_get(body, key), *sid = json_object_get(o, "server_id"),
	       *schema = json_object_get(o, "schema");
	side->database = json_string_value(json_object_get(o, "database"));
	side->schema = json_is_string(schema) && *json_string_value(schema) ? json_string_value(schema) : NULL;
	if (!json_is_integer(sid) || !side->database || !*side->database ||
	    (schema && !json_is_null(schema) && !json_is_string(schema))) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "'%s' is {server_id, database, schema?} of a server you are connected to.", key);
		return false;
	}
	if (!api_server_known(r, s, json_integer_value(sid)))
		return false;
	*pg = (pgpool_ref){s->pg.pool, s->user_id, json_integer_value(sid)};
	side->pg = pg;
	return true;
}

static bool read_select(http_req *r, json_t *body, json_t **select)
{
	json_t *sel = json_object_get(body, "select");
	if (sel && !json_is_null(sel) && !json_is_array(sel)) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "'select' is a list of object ids, or null for every difference.");
		return false;
	}
	*select = json_is_array(sel) ? sel : NULL;
	return true;
}

static bool read_options(http_req *r, json_t *body, catalog_diff_options *o)
{
	json_t *opt = json_object_get(body, "options");
	if (opt && !json_is_object(opt)) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "'options' is an object of flags and 'select' a list of object ids.");
		return false;
	}
	o->ignore_owner = json_is_true(json_object_get(opt, "ignore_owner"));
	o->ignore_privileges = json_is_true(json_object_get(opt, "ignore_privileges"));
	o->ignore_whitespace = json_is_true(json_object_get(opt, "ignore_whitespace"));
	o->ignore_tablespace = json_is_true(json_object_get(opt, "ignore_tablespace"));
	o->no_table_ddl = json_is_false(json_object_get(opt, "table_ddl"));
	return read_select(r, body, &o->select);
}

/* The body's progress token, its run begun (NULL: none given); false after answering. */
static bool read_progress(http_req *r, json_t *body, struct run **out)
{
	json_t *tok = json_object_get(body, "progress");
	*out = NULL;
	if (!tok || json_is_null(tok))
		return true;
	if (!json_is_string(tok) || !token_valid(json_string_value(tok))) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "'progress' is a token of 1 to %d letters, digits, '-' or '_' that names the "
				   "comparison's progress topic.",
				   TOKEN_MAX);
		return false;
	}
	bool full;
	struct run *u = run_get(api_session(r)->user.id, json_string_value(tok), true, &full);
	if (!u) {
		http_respond_error(r, ERR_BUSY, "You have %d comparisons running or awaited: let one end first.",
				   RUNS_PER_USER);
		return false;
	}
	pthread_mutex_lock(&u->lock);
	bool taken = u->started;
	u->started = true;
	pthread_cond_broadcast(&u->cond);
	pthread_mutex_unlock(&u->lock);
	if (taken) {
		run_release(u);
		http_respond_error(r, ERR_BUSY,
				   "A comparison with that progress token has run already: use a new one.");
		return false;
	}
	*out = u;
	return true;
}

static void finish(http_req *r, struct run *u, const tusk_err *err, const pg_error *pe)
{
	if (u) {
		run_end(u, err->code == ERR_CANCELLED ? "cancelled" : "failed", err->msg[0] ? err->msg : pe->message);
		run_release(u);
	}
	api_respond_failure(r, err, pe);
}

void api_schema_diff(http_req *r)
{
	api_server s = {.app = http_req_app(r), .user_id = api_session(r)->user.id};
	s.pg = (pgpool_ref){s.app->pool, s.user_id, 0};
	json_t *body = http_req_json(r);
	if (!body)
		return; /* http_req_json answered */
	catalog_diff_side src, tgt;
	pgpool_ref spg, tpg;
	catalog_diff_options opt = {0};
	if (!json_is_object(body)) {
		http_respond_error(r, ERR_INVALID_SPEC, "Give {source, target, options}.");
		return;
	}
	if (!read_side(r, &s, body, "source", &src, &spg) || !read_side(r, &s, body, "target", &tgt, &tpg) ||
	    !read_options(r, body, &opt))
		return;
	if ((src.schema == NULL) != (tgt.schema == NULL)) {
		http_respond_error(r, ERR_INVALID_SPEC,
				   "Compare a schema with a schema, or a database with a database.");
		return;
	}
	if (src.schema && strcmp(src.schema, tgt.schema)) {
		/* the script creates objects as the source's DDL names them, schema and all */
		http_respond_error(r, ERR_INVALID_SPEC,
				   "Compare schemas of the same name: the script writes the source's names.");
		return;
	}
	struct run *u;
	if (!read_progress(r, body, &u))
		return;
	catalog_diff_watch watch = {u ? run_report : NULL, u, u ? &u->cancel : NULL};
	pg_error pe = {0};
	tusk_err err = {0};
	catalog_diff *d = catalog_diff_compare(&src, &tgt, &opt, &watch, &pe, &err);
	if (!d) {
		finish(r, u, &err, &pe);
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	if (!catalog_diff_write(d, opt.select, true, w, &pe, &err)) {
		str_free(&j.out);
		catalog_diff_free(d);
		finish(r, u, &err, &pe);
		return;
	}
	char id[2 * ID_BYTES + 1];
	keep_add(s.user_id, d, id);
	jw_kv_str(w, "id", id);
	jw_kv_int(w, "expires_in", KEEP_MS / 1000);
	if (u) {
		run_end(u, "done", NULL);
		run_release(u);
	}
	api_json_send(r, 200, &j);
}

void api_schema_diff_script(http_req *r)
{
	api_server s = {.app = http_req_app(r), .user_id = api_session(r)->user.id};
	s.pg = (pgpool_ref){s.app->pool, s.user_id, 0};
	json_t *body = http_req_json(r), *select;
	if (!body)
		return;
	if (!json_is_object(body)) {
		http_respond_error(r, ERR_INVALID_SPEC, "Give {select: [object ids] | null}.");
		return;
	}
	if (!read_select(r, body, &select))
		return;
	struct kept *k = keep_find(r, s.user_id);
	if (!k)
		return;
	/* the servers may have been taken from the user since */
	int64_t a, b;
	catalog_diff_servers(k->d, &a, &b);
	if (!api_server_known(r, &s, a) || !api_server_known(r, &s, b)) {
		keep_release(k);
		return;
	}
	api_json j;
	json_writer *w = api_json_begin(&j);
	pg_error pe = {0};
	tusk_err err = {0};
	pthread_mutex_lock(&k->lock);
	bool ok = catalog_diff_write(k->d, select, false, w, &pe, &err);
	pthread_mutex_unlock(&k->lock);
	keep_release(k);
	if (ok) {
		jw_kv_str(w, "id", http_req_param(r, "id"));
		api_json_send(r, 200, &j);
	} else {
		str_free(&j.out);
		api_respond_failure(r, &err, &pe);
	}
}
