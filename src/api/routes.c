/* The route table: every endpoint Tusk serves, in one place, and the check
 * that runs before each handler (login, CSRF, administrator) as soon as the
 * request's headers are in, before any of its body is read. */
#include <string.h>

#include "api/api.h"

static const http_route routes[] = {
    {"GET", "/misc/ping", api_ping, ROUTE_PUBLIC},
    /* pgAdmin's entry points, for bookmarks and checks written for it (api/entry.c) */
    {"GET", "/", api_entry_app, ROUTE_PUBLIC},
    {"GET", "/browser", api_entry_app, ROUTE_PUBLIC},
    {"GET", "/browser/", api_entry_app, ROUTE_PUBLIC},
    {"POST", "/authenticate/login", api_entry_form_login, ROUTE_PUBLIC},
    {"GET", "/healthz", api_healthz, ROUTE_PUBLIC},
    {"GET", "/readyz", api_readyz, ROUTE_PUBLIC},
    {"GET", "/api/v1/version", api_version, ROUTE_PUBLIC},
    {"GET", "/metrics", api_metrics, ROUTE_PUBLIC},

    {"POST", "/api/v1/auth/login", api_auth_login, ROUTE_PUBLIC | ROUTE_SMALL_BODY},
    {"POST", "/api/v1/auth/desktop", api_auth_desktop, ROUTE_PUBLIC | ROUTE_SMALL_BODY},
    {"GET", "/api/v1/auth/sources", api_auth_sources, ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/webserver", api_auth_webserver, ROUTE_PUBLIC | ROUTE_SMALL_BODY},
    {"GET", "/api/v1/auth/oauth2/error", api_auth_oauth2_error, ROUTE_PUBLIC},
    {"GET", "/api/v1/auth/oauth2/{name}", api_auth_oauth2_start, ROUTE_PUBLIC},
    {"GET", "/oauth2/authorize", api_auth_oauth2_callback, ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/logout", api_auth_logout, 0},
    {"GET", "/api/v1/auth/me", api_auth_me, 0},
    {"PUT", "/api/v1/auth/password", api_auth_password, 0},
    {"POST", "/api/v1/auth/login/two-factor", api_auth_second_step, ROUTE_PUBLIC | ROUTE_SMALL_BODY},
    {"GET", "/api/v1/auth/two-factor", api_two_factor_get, 0},
    {"POST", "/api/v1/auth/two-factor/setup", api_two_factor_setup, 0},
    {"POST", "/api/v1/auth/two-factor/confirm", api_two_factor_confirm, ROUTE_SMALL_BODY},
    {"DELETE", "/api/v1/auth/two-factor", api_two_factor_disable, ROUTE_SMALL_BODY},

    {"GET", "/api/v1/users", api_users_list, ROUTE_ADMIN},
    {"POST", "/api/v1/users", api_users_create, ROUTE_ADMIN},
    {"PUT", "/api/v1/users/{id}", api_users_update, ROUTE_ADMIN},
    {"DELETE", "/api/v1/users/{id}", api_users_delete, ROUTE_ADMIN},
    {"PUT", "/api/v1/users/{id}/two-factor", api_users_two_factor_require, ROUTE_ADMIN},
    {"DELETE", "/api/v1/users/{id}/two-factor", api_users_two_factor_reset, ROUTE_ADMIN},
    {"GET", "/api/v1/audit", api_audit_list, ROUTE_ADMIN},

    {"GET", "/api/v1/servers", api_servers_list, 0},
    {"POST", "/api/v1/servers", api_servers_create, 0},
    {"POST", "/api/v1/servers/import", api_servers_import, ROUTE_LARGE_BODY},
    {"GET", "/api/v1/servers/export", api_servers_export, 0},
    {"GET", "/api/v1/servers/{id}", api_servers_get, 0},
    {"PUT", "/api/v1/servers/{id}", api_servers_update, 0},
    {"DELETE", "/api/v1/servers/{id}", api_servers_delete, 0},
    {"POST", "/api/v1/servers/{id}/connect", api_servers_connect, 0},
    {"POST", "/api/v1/servers/{id}/disconnect", api_servers_disconnect, 0},
    {"GET", "/api/v1/servers/{id}/objects", api_objects_children, 0},
    {"GET", "/api/v1/servers/{id}/objects/collection", api_objects_collection, 0},
    {"GET", "/api/v1/servers/{id}/objects/ddl", api_objects_ddl, 0},
    {"GET", "/api/v1/servers/{id}/objects/properties", api_objects_properties, 0},
    {"GET", "/api/v1/servers/{id}/objects/statistics", api_objects_statistics, 0},
    {"GET", "/api/v1/servers/{id}/objects/dependencies", api_objects_dependencies, 0},
    {"POST", "/api/v1/servers/{id}/objects/drop", api_objects_drop, 0},
    {"POST", "/api/v1/servers/{id}/objects/release", api_objects_release, 0},
    {"GET", "/api/v1/servers/{id}/objects/search", api_objects_search, 0},
    {"POST", "/api/v1/servers/{id}/objects/create", api_objects_create, ROUTE_LARGE_BODY},
    {"POST", "/api/v1/servers/{id}/objects/alter", api_objects_alter, ROUTE_LARGE_BODY},
    {"GET", "/api/v1/servers/{id}/objects/count", api_objects_count, 0},
    {"POST", "/api/v1/servers/{id}/objects/maintenance", api_objects_maintenance, 0},
    {"GET", "/api/v1/servers/{id}/objects/script", api_objects_script, 0},
    {"POST", "/api/v1/servers/{id}/sessions", api_sessions_open, 0},
    {"GET", "/api/v1/servers/{id}/session-roles", api_sessions_roles, 0},
    {"GET", "/api/v1/sessions/{sid}/status", api_sessions_status, 0},
    {"GET", "/api/v1/sessions/{sid}/events", api_sessions_events, 0},
    {"POST", "/api/v1/sessions/{sid}/execute", api_sessions_execute, ROUTE_LARGE_BODY},
    {"POST", "/api/v1/sessions/{sid}/commit", api_sessions_commit, 0},
    {"POST", "/api/v1/sessions/{sid}/rollback", api_sessions_rollback, 0},
    {"POST", "/api/v1/sessions/{sid}/cancel", api_sessions_cancel, 0},
    {"DELETE", "/api/v1/sessions/{sid}", api_sessions_close, 0},
    {"GET", "/api/v1/sessions/{sid}/results/{k}/rows", api_sessions_rows, 0},
    {"GET", "/api/v1/sessions/{sid}/results/{k}/rows/{row}/{col}", api_sessions_value, 0},
    {"GET", "/api/v1/sessions/{sid}/results/{k}/export", api_sessions_export, 0},
    {"GET", "/api/v1/servers/{id}/table", api_data_table, 0},
    {"POST", "/api/v1/servers/{id}/edits", api_data_edit, ROUTE_LARGE_BODY},
    {"POST", "/api/v1/sessions/{sid}/view", api_data_view, 0},
    {"GET", "/api/v1/history", api_history_list, 0},
    {"DELETE", "/api/v1/history", api_history_clear, 0},
    {"GET", "/api/v1/queries", api_snippets_list, 0},
    {"POST", "/api/v1/queries", api_snippets_create, ROUTE_LARGE_BODY},
    {"PUT", "/api/v1/queries/{id}", api_snippets_update, ROUTE_LARGE_BODY},
    {"DELETE", "/api/v1/queries/{id}", api_snippets_delete, 0},
    {"GET", "/api/v1/workspace", api_workspace_get, 0},
    {"PUT", "/api/v1/workspace", api_workspace_put, ROUTE_LARGE_BODY},
    {"GET", "/api/v1/preferences", api_preferences_get, 0},
    {"PUT", "/api/v1/preferences", api_preferences_put, 0},
    {"GET", "/api/v1/servers/{id}/dashboard/events", api_dashboard_events, 0},
    {"GET", "/api/v1/servers/{id}/erd", api_erd, 0},
    {"POST", "/api/v1/schema-diff", api_schema_diff, ROUTE_LARGE_BODY},
    {"POST", "/api/v1/schema-diff/{id}/script", api_schema_diff_script, ROUTE_LARGE_BODY},
    {"POST", "/api/v1/schema-diff/runs/{token}/cancel", api_schema_diff_cancel, 0},
    {"GET", "/api/v1/servers/{id}/activity", api_monitor_activity, 0},
    {"POST", "/api/v1/servers/{id}/activity/{pid}/cancel", api_monitor_cancel, 0},
    {"POST", "/api/v1/servers/{id}/activity/{pid}/terminate", api_monitor_terminate, 0},
    {"POST", "/api/v1/servers/{id}/actions", api_monitor_server_action, 0},
    {"GET", "/api/v1/servers/{id}/locks", api_monitor_locks, 0},
    {"GET", "/api/v1/servers/{id}/prepared", api_monitor_prepared, 0},
    {"POST", "/api/v1/servers/{id}/prepared/commit", api_monitor_prepared_commit, 0},
    {"POST", "/api/v1/servers/{id}/prepared/rollback", api_monitor_prepared_rollback, 0},
    {"GET", "/api/v1/servers/{id}/settings", api_monitor_settings, 0},
    {"GET", "/api/v1/servers/{id}/replication", api_monitor_replication, 0},
    {"GET", "/api/v1/servers/{id}/progress", api_monitor_progress, 0},
    {"GET", "/api/v1/servers/{id}/statements", api_monitor_statements, 0},
    {"GET", "/api/v1/servers/{id}/health", api_monitor_health, 0},
    {"GET", "/api/v1/servers/{id}/about", api_monitor_about, 0},
    {"GET", "/api/v1/servers/{id}/roles", api_roles_list, 0},
    {"GET", "/api/v1/servers/{id}/completion", api_objects_completion, 0},
    {"POST", "/api/v1/servers/{id}/roles", api_roles_create, 0},
    {"POST", "/api/v1/servers/{id}/roles/alter", api_roles_alter, 0},
    {"POST", "/api/v1/servers/{id}/roles/drop", api_roles_drop, 0},
    {"POST", "/api/v1/servers/{id}/privileges", api_privileges_grant, 0},
    {"GET", "/api/v1/servers/{id}/privileges/effective", api_privileges_effective, 0},
    {"GET", "/api/v1/servers/{id}/default-privileges", api_default_privileges_list, 0},
    {"POST", "/api/v1/servers/{id}/default-privileges", api_default_privileges_alter, 0},
    {"GET", "/api/v1/servers/{id}/logical", api_logical_status, 0},
    {"POST", "/api/v1/servers/{id}/subscriptions", api_subscriptions_create, 0},
    {"POST", "/api/v1/servers/{id}/subscriptions/action", api_subscriptions_action, 0},
    {"POST", "/api/v1/servers/{id}/replication/setup", api_replication_setup, 0},
    {"POST", "/api/v1/servers/{id}/jobs", api_jobs_start, 0},
    {"GET", "/api/v1/servers/{id}/archive", api_jobs_archive, 0},
    {"GET", "/api/v1/jobs", api_jobs_list, 0},
    {"GET", "/api/v1/jobs/{id}", api_jobs_get, 0},
    {"GET", "/api/v1/jobs/{id}/log", api_jobs_log, 0},
    {"GET", "/api/v1/jobs/{id}/events", api_jobs_events, 0},
    {"POST", "/api/v1/jobs/{id}/cancel", api_jobs_cancel, 0},
    {"POST", "/api/v1/jobs/{id}/acknowledge", api_jobs_acknowledge, 0},
    {"DELETE", "/api/v1/jobs/{id}", api_jobs_delete, 0},
    {"GET", "/api/v1/server-groups", api_groups_list, 0},
    {"POST", "/api/v1/server-groups", api_groups_create, 0},
    {"PUT", "/api/v1/server-groups/{id}", api_groups_update, 0},
    {"DELETE", "/api/v1/server-groups/{id}", api_groups_delete, 0},
    {"GET", "/api/v1/stream", api_stream_open, 0},
    {"POST", "/api/v1/stream/{stream}/sessions/{sid}", api_stream_session, 0},
    {"POST", "/api/v1/stream/{stream}/dashboards/{id}", api_stream_dashboard, 0},
    {"POST", "/api/v1/stream/{stream}/jobs/{id}", api_stream_job, 0},
    {"POST", "/api/v1/stream/{stream}/psql/{sid}", api_stream_psql, 0},
    {"POST", "/api/v1/stream/{stream}/schema-diffs/{token}", api_stream_schema_diff, 0},
    {"GET", "/api/v1/psql", api_psql_info, 0},
    {"POST", "/api/v1/servers/{id}/psql", api_psql_open, 0},
    {"GET", "/api/v1/psql/{sid}/events", api_psql_events, 0},
    {"POST", "/api/v1/psql/{sid}/input", api_psql_input, 0},
    {"POST", "/api/v1/psql/{sid}/resize", api_psql_resize, 0},
    {"DELETE", "/api/v1/psql/{sid}", api_psql_close, 0},
    {"POST", "/api/v1/stream/{stream}/unsubscribe", api_stream_unsubscribe, 0},
    {"GET", "/api/v1/files", api_files_list, 0},
    {"DELETE", "/api/v1/files", api_files_delete, 0},
    {"POST", "/api/v1/files/folders", api_files_mkdir, 0},
    {"POST", "/api/v1/files/move", api_files_move, 0},
    {"GET", "/api/v1/files/download", api_files_download, 0},
    {"PUT", "/api/v1/files/upload", api_files_upload, ROUTE_STREAM_BODY},
};

const http_route *api_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

static bool changes_state(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

bool api_before(http_req *r, const http_route *route)
{
	if (route->flags & ROUTE_PUBLIC)
		return true;
	tusk_app *app = http_req_app(r);
	auth_session *s = arena_alloc(http_req_arena(r), sizeof(*s));
	tusk_err err;
	int found = auth_session_load(app->auth, http_req_cookie(r, "tusk_session"), s, &err);
	if (found < 0) {
		api_internal_error(r, &err);
		return false;
	}
	if (found == 0) {
		http_respond_error(r, ERR_UNAUTHENTICATED, "Log in first (your session may have ended).");
		return false;
	}
	if (!api_auth_proxy_same_user(r, s))
		return false;
	if (changes_state(http_req_method(r)) && !(route->flags & ROUTE_NO_CSRF)) {
		const char *token = http_req_header(r, "X-CSRF-Token");
		if (!token || !auth_token_equal(token, s->session.csrf_token)) {
			http_respond_error(
			    r, ERR_CSRF_FAILED,
			    "This request lacks the X-CSRF-Token header of your session; reload the page.");
			return false;
		}
	}
	/* a first-start password below the minimum: nothing but changing it (or leaving) */
	if (s->password_change_required && route->handler != api_auth_me && route->handler != api_auth_password &&
	    route->handler != api_auth_logout) {
		http_respond_error(r, ERR_PASSWORD_CHANGE_REQUIRED,
				   "Your password is shorter than Tusk accepts: change it before anything else "
				   "(PUT /api/v1/auth/password).");
		return false;
	}
	/* two-factor required and not enrolled: nothing but enrolling (or leaving) */
	if (s->two_factor_setup_required && route->handler != api_auth_me && route->handler != api_auth_logout &&
	    route->handler != api_two_factor_get && route->handler != api_two_factor_setup &&
	    route->handler != api_two_factor_confirm) {
		http_respond_error(r, ERR_TWO_FACTOR_SETUP_REQUIRED,
				   "Two-factor sign-in is required of you: enrol an authenticator app before anything "
				   "else (POST /api/v1/auth/two-factor/setup).");
		return false;
	}
	if ((route->flags & ROUTE_ADMIN) && strcmp(s->user.role, "admin") != 0) {
		http_respond_error(r, ERR_FORBIDDEN, "Only administrators may do this.");
		return false;
	}
	/* logging out is always possible, even for an account at its cap */
	if (!http_req_set_user(r, s, s->user.id) && route->handler != api_auth_logout) {
		http_respond_error(r, ERR_TOO_MANY_USER_CONNECTIONS,
				   "You hold %u connections to Tusk, the most one user may: close some windows or tabs "
				   "(TUSK_MAX_CONNECTIONS_PER_USER).",
				   (unsigned)app->cfg->max_connections_per_user);
		return false;
	}
	return true;
}
