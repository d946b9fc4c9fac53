/* Probes and facts about the running process. */
#include <string.h>

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
	tusk_err err;
	if (!store_ping(api_store(r), &err)) {
		http_respond_error(r, ERR_STORE_UNAVAILABLE, "The metadata store is not reachable: %s", err.msg);
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

/* Prometheus text format, behind a bearer token (404 when none is set, so
 * the endpoint does not exist for scrapers that were not given one). */
void api_metrics(http_req *r)
{
	tusk_app *app = http_req_app(r);
	const char *token = app->cfg->metrics_token;
	if (!token || !*token) {
		http_respond_error(r, ERR_NOT_FOUND, "Metrics are off: set TUSK_METRICS_TOKEN to turn them on.");
		return;
	}
	const char *given = http_req_header(r, "Authorization");
	if (!given || strncmp(given, "Bearer ", 7) != 0 || !auth_token_equal(given + 7, token)) {
		http_add_header(r, "WWW-Authenticate", "Bearer realm=\"tusk\"");
		http_respond_error(r, ERR_UNAUTHENTICATED, "Give the metrics token as Authorization: Bearer <token>.");
		return;
	}
	http_stats st;
	http_server_stats(app->http, &st);
	str out = STR_INIT;
	str_append_cstr(&out, "# HELP tusk_http_requests_total HTTP requests answered, by status code.\n"
			      "# TYPE tusk_http_requests_total counter\n");
	for (int code = 100; code < 600; code++)
		if (st.by_status[code])
			str_appendf(&out, "tusk_http_requests_total{status=\"%d\"} %lu\n", code, st.by_status[code]);
	str_append_cstr(&out, "# HELP tusk_http_request_duration_seconds Time from a request's start to its answer.\n"
			      "# TYPE tusk_http_request_duration_seconds histogram\n");
	for (int b = 0; b < HTTP_LATENCY_BUCKETS; b++) {
		if (b == HTTP_LATENCY_BUCKETS - 1)
			str_appendf(&out, "tusk_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n",
				    st.latency[b]);
		else
			str_appendf(&out, "tusk_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
				    http_latency_bounds[b], st.latency[b]);
	}
	str_appendf(&out, "tusk_http_request_duration_seconds_sum %.6f\ntusk_http_request_duration_seconds_count %lu\n",
		    st.latency_sum, st.count);
	http_conn_stats cs;
	http_server_conn_stats(app->http, &cs);
	str_appendf(
	    &out,
	    "# HELP tusk_http_connections HTTP connections open, and of them strangers slow with their headers.\n"
	    "# TYPE tusk_http_connections gauge\n"
	    "tusk_http_connections{state=\"open\"} %lu\ntusk_http_connections{state=\"slow\"} %lu\n"
	    "# HELP tusk_http_connections_closed_total Connections refused (503), timed out or evicted by the guard.\n"
	    "# TYPE tusk_http_connections_closed_total counter\n"
	    "tusk_http_connections_closed_total{reason=\"refused\"} %lu\n"
	    "tusk_http_connections_closed_total{reason=\"timed_out\"} %lu\n"
	    "tusk_http_connections_closed_total{reason=\"evicted\"} %lu\n",
	    cs.open, cs.slow, cs.refused, cs.timed_out, cs.evicted);
	str_appendf(&out,
		    "# HELP tusk_query_sessions Open query-tool sessions (each owns a PostgreSQL connection).\n"
		    "# TYPE tusk_query_sessions gauge\ntusk_query_sessions %d\n"
		    "# HELP tusk_pg_connections Pooled PostgreSQL connections for browsing.\n"
		    "# TYPE tusk_pg_connections gauge\ntusk_pg_connections %d\n"
		    "# HELP tusk_dashboard_samplers Running dashboard samplers.\n"
		    "# TYPE tusk_dashboard_samplers gauge\ntusk_dashboard_samplers %d\n"
		    "# HELP tusk_jobs Background jobs (backups, restores...) queued or running in this Tusk.\n"
		    "# TYPE tusk_jobs gauge\ntusk_jobs %d\n"
		    "# HELP tusk_store_errors_total Errors of the metadata store.\n"
		    "# TYPE tusk_store_errors_total counter\ntusk_store_errors_total %lu\n"
		    "# HELP tusk_start_time_seconds When this Tusk started (Unix time).\n"
		    "# TYPE tusk_start_time_seconds gauge\ntusk_start_time_seconds %lld\n",
		    qmanager_count(app->queries), pgpool_open_count(app->pool), samplers_running(app->samplers),
		    jobs_running(app->jobs), store_error_count(), (long long)app->started);
	api_stream_counts sc;
	api_stream_stats(&sc);
	str_appendf(&out,
		    "# HELP tusk_event_streams Browser windows' event streams open, and their topics.\n"
		    "# TYPE tusk_event_streams gauge\ntusk_event_streams %lu\n"
		    "# HELP tusk_event_stream_topics Topics (query tabs, dashboards, job logs) of the open streams.\n"
		    "# TYPE tusk_event_stream_topics gauge\ntusk_event_stream_topics %lu\n"
		    "# HELP tusk_event_stream_queued_bytes Events waiting for slow readers, in all streams.\n"
		    "# TYPE tusk_event_stream_queued_bytes gauge\ntusk_event_stream_queued_bytes %lu\n"
		    "# HELP tusk_event_stream_dropped_total Events dropped for a slow reader (the window refetches).\n"
		    "# TYPE tusk_event_stream_dropped_total counter\ntusk_event_stream_dropped_total %lu\n",
		    sc.streams, sc.topics, sc.queued_bytes, sc.dropped);
	http_respond(r, 200, "text/plain; version=0.0.4; charset=utf-8", out.buf, out.len);
	str_free(&out);
}
