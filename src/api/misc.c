/* Probes and facts about the running process. */
#include "api/api.h"
#include "util/json.h"

void api_ping(http_req *r)
{
	/* same path and body as pgAdmin: Kubernetes probes written for it keep working */
	http_respond_static(r, 200, "text/plain; charset=utf-8", "PING", 4);
}

void api_healthz(http_req *r)
{
	http_respond_static(r, 200, "text/plain; charset=utf-8", "ok", 2);
}

void api_readyz(http_req *r)
{
	tusk_app *app = http_req_app(r);
	tusk_err err;
	if (!store_ping(app->store, &err)) {
		http_respond_error(r, 503, "store_unavailable", "The metadata store is not reachable: %s", err.msg);
		return;
	}
	http_respond_static(r, 200, "text/plain; charset=utf-8", "ready", 5);
}

void api_version(http_req *r)
{
	tusk_app *app = http_req_app(r);
	str s = STR_INIT;
	json_writer w;
	jw_init(&w, &s);
	jw_obj_begin(&w);
	jw_kv_str(&w, "name", "tusk");
	jw_kv_str(&w, "version", TUSK_VERSION);
	jw_kv_int(&w, "store_schema", store_schema_version(app->store));
	jw_kv_str(&w, "mode", app->cfg->desktop ? "desktop" : "server");
	jw_obj_end(&w);
	http_respond_json(r, 200, &s);
}
