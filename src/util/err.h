/* The error a failing function leaves for its caller: a code and a human
 * sentence. Every code Tusk answers with is one row of ERR_TABLE: its
 * snake_case name (the API's "code"), its HTTP status, and whether it is
 * Tusk's own failure (the answer then says only "internal" and the log has
 * the sentence). A code a connect request answers differently (the
 * password it asks for, a server the policy refuses) says so in its last
 * column; 0 there means the same status. */
#ifndef TUSK_UTIL_ERR_H
#define TUSK_UTIL_ERR_H

#include <stdbool.h>

/* X(enum, name, status, internal, status when answering POST .../connect) */
#define ERR_TABLE(X)                                                                                                   \
	X(ERR_NONE, "", 500, true, 0)                                                                                  \
	/* Tusk's own failures: the sentence goes to the log, not to the browser */                                    \
	X(ERR_INTERNAL, "internal", 500, true, 0)                                                                      \
	X(ERR_STORE_ERROR, "store_error", 500, true, 0)                                                                \
	X(ERR_STORE_UNIQUE, "store_unique", 500, true, 0)                                                              \
	X(ERR_STORE_TOO_NEW, "store_too_new", 500, true, 0)                                                            \
	X(ERR_BOOTSTRAP_FAILED, "bootstrap_failed", 500, true, 0)                                                      \
	/* start-up and configuration (never an HTTP answer) */                                                        \
	X(ERR_DATA_DIR_UNWRITABLE, "data_dir_unwritable", 500, false, 0)                                               \
	X(ERR_LISTEN_FAILED, "listen_failed", 500, false, 0)                                                           \
	X(ERR_INVALID_SETTING, "invalid_setting", 500, false, 0)                                                       \
	X(ERR_INVALID_FLAG, "invalid_flag", 500, false, 0)                                                             \
	X(ERR_NOT_PGADMIN, "not_pgadmin", 500, false, 0)                                                               \
	/* 4xx: what the request asked for */                                                                          \
	X(ERR_BAD_REQUEST, "bad_request", 400, false, 0)                                                               \
	X(ERR_INVALID_JSON, "invalid_json", 400, false, 0)                                                             \
	X(ERR_INVALID_FIELD, "invalid_field", 400, false, 0)                                                           \
	X(ERR_MISSING_FIELD, "missing_field", 400, false, 0)                                                           \
	X(ERR_INVALID_NAME, "invalid_name", 400, false, 0)                                                             \
	X(ERR_INVALID_PARAMETER, "invalid_parameter", 400, false, 0)                                                   \
	X(ERR_INVALID_QUERY, "invalid_query", 400, false, 0)                                                           \
	X(ERR_INVALID_OFFSET, "invalid_offset", 400, false, 0)                                                         \
	X(ERR_INVALID_LIMIT, "invalid_limit", 400, false, 0)                                                           \
	X(ERR_INVALID_PATH, "invalid_path", 400, false, 0)                                                             \
	X(ERR_INVALID_ROLE, "invalid_role", 400, false, 0)                                                             \
	X(ERR_INVALID_SPEC, "invalid_spec", 400, false, 0)                                                             \
	X(ERR_INVALID_KIND, "invalid_kind", 400, false, 0)                                                             \
	X(ERR_INVALID_ORDER, "invalid_order", 400, false, 0)                                                           \
	X(ERR_INVALID_EMAIL, "invalid_email", 400, false, 0)                                                           \
	X(ERR_INVALID_CHANGE, "invalid_change", 400, false, 0)                                                         \
	X(ERR_INVALID_IMPORT, "invalid_import", 400, false, 0)                                                         \
	X(ERR_WEAK_PASSWORD, "weak_password", 400, false, 0)                                                           \
	X(ERR_NAME_TOO_LONG, "name_too_long", 400, false, 0)                                                           \
	X(ERR_NOT_A_FILE, "not_a_file", 400, false, 0)                                                                 \
	X(ERR_NOT_A_FOLDER, "not_a_folder", 400, false, 0)                                                             \
	X(ERR_NOT_GRANTABLE, "not_grantable", 400, false, 0)                                                           \
	X(ERR_SEVERAL_DATABASES, "several_databases", 400, false, 0)                                                   \
	X(ERR_INVALID_CREDENTIALS, "invalid_credentials", 401, false, 0)                                               \
	X(ERR_INVALID_DESKTOP_KEY, "invalid_desktop_key", 401, false, 0)                                               \
	X(ERR_INVALID_CODE, "invalid_code", 401, false, 0)                                                             \
	X(ERR_TWO_FACTOR_NOT_COVERED, "two_factor_not_covered", 422, false, 0)                                         \
	X(ERR_SECOND_STEP_ENDED, "second_step_ended", 401, false, 0)                                                   \
	X(ERR_UNAUTHENTICATED, "unauthenticated", 401, false, 0)                                                       \
	X(ERR_ACCESS_REVOKED, "access_revoked", 403, false, 0)                                                         \
	X(ERR_ACCOUNT_DISABLED, "account_disabled", 403, false, 0)                                                     \
	X(ERR_CSRF_FAILED, "csrf_failed", 403, false, 0)                                                               \
	X(ERR_DESKTOP_MODE, "desktop_mode", 403, false, 0)                                                             \
	X(ERR_FORBIDDEN, "forbidden", 403, false, 0)                                                                   \
	X(ERR_PASSWORD_CHANGE_REQUIRED, "password_change_required", 403, false, 0)                                     \
	X(ERR_TWO_FACTOR_SETUP_REQUIRED, "two_factor_setup_required", 403, false, 0)                                   \
	X(ERR_REAUTHENTICATION_REQUIRED, "reauthentication_required", 403, false, 0)                                   \
	X(ERR_WRONG_PASSWORD, "wrong_password", 403, false, 0)                                                         \
	X(ERR_PERMISSION_DENIED, "permission_denied", 403, false, 0)                                                   \
	X(ERR_NOT_FOUND, "not_found", 404, false, 0)                                                                   \
	X(ERR_EXTENSION_MISSING, "extension_missing", 404, false, 0)                                                   \
	X(ERR_ROLE_NOT_FOUND, "role_not_found", 404, false, 0)                                                         \
	X(ERR_SESSION_NOT_FOUND, "session_not_found", 404, false, 0)                                                   \
	X(ERR_STREAM_NOT_FOUND, "stream_not_found", 404, false, 0)                                                     \
	X(ERR_DIFF_NOT_FOUND, "diff_not_found", 404, false, 0)                                                         \
	X(ERR_METHOD_NOT_ALLOWED, "method_not_allowed", 405, false, 0)                                                 \
	X(ERR_NOT_CONNECTED, "not_connected", 409, false, 0)                                                           \
	X(ERR_CANNOT_DELETE_SELF, "cannot_delete_self", 409, false, 0)                                                 \
	X(ERR_EXISTS, "exists", 409, false, 0)                                                                         \
	X(ERR_FILE_EXISTS, "file_exists", 409, false, 0)                                                               \
	X(ERR_IN_USE, "in_use", 409, false, 0)                                                                         \
	X(ERR_LAST_ADMIN, "last_admin", 409, false, 0)                                                                 \
	X(ERR_NO_DATA_KEY, "no_data_key", 409, false, 0)                                                               \
	X(ERR_NO_PRIMARY_KEY, "no_primary_key", 409, false, 0)                                                         \
	X(ERR_NOT_EMPTY, "not_empty", 409, false, 0)                                                                   \
	X(ERR_NOT_RUNNING, "not_running", 409, false, 0)                                                               \
	X(ERR_RUNNING, "running", 409, false, 0)                                                                       \
	X(ERR_SESSION_ELSEWHERE, "session_elsewhere", 409, false, 0)                                                   \
	X(ERR_BUSY, "busy", 409, false, 0)                                                                             \
	X(ERR_TOPIC_TAKEN, "topic_taken", 409, false, 0)                                                               \
	X(ERR_SUPERSEDED, "superseded", 409, false, 0)                                                                 \
	X(ERR_EMAIL_TAKEN, "email_taken", 409, false, 0)                                                               \
	X(ERR_GROUP_EXISTS, "group_exists", 409, false, 0)                                                             \
	X(ERR_GROUP_NOT_EMPTY, "group_not_empty", 409, false, 0)                                                       \
	X(ERR_NAME_TAKEN, "name_taken", 409, false, 0)                                                                 \
	X(ERR_DDL_FAILED, "ddl_failed", 409, false, 0)                                                                 \
	X(ERR_DROP_FAILED, "drop_failed", 409, false, 0)                                                               \
	X(ERR_ACTION_FAILED, "action_failed", 409, false, 0)                                                           \
	X(ERR_EDIT_FAILED, "edit_failed", 409, false, 0)                                                               \
	X(ERR_PREPARED_FAILED, "prepared_failed", 409, false, 0)                                                       \
	X(ERR_CANCELLED, "cancelled", 409, false, 0)                                                                   \
	X(ERR_DIFF_EXPIRED, "diff_expired", 410, false, 0)                                                             \
	X(ERR_BODY_TOO_LARGE, "body_too_large", 413, false, 0)                                                         \
	X(ERR_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415, false, 0)                                         \
	X(ERR_UNAVAILABLE, "unavailable", 422, false, 0)                                                               \
	X(ERR_DDL_UNAVAILABLE, "ddl_unavailable", 422, false, 0)                                                       \
	X(ERR_NO_CASCADE, "no_cascade", 422, false, 0)                                                                 \
	X(ERR_PROGRAM_MISSING, "program_missing", 422, false, 0)                                                       \
	X(ERR_ARCHIVE_UNREADABLE, "archive_unreadable", 422, false, 0)                                                 \
	X(ERR_NO_PRIVILEGES, "no_privileges", 422, false, 0)                                                           \
	X(ERR_NOT_AN_ARCHIVE, "not_an_archive", 422, false, 0)                                                         \
	X(ERR_TOO_MANY_TABLES, "too_many_tables", 422, false, 0)                                                       \
	X(ERR_UNFENCED, "unfenced", 422, false, 0)                                                                     \
	X(ERR_WAL_LEVEL, "wal_level", 422, false, 0)                                                                   \
	X(ERR_FILE_NOT_FOUND, "file_not_found", 422, false, 0)                                                         \
	X(ERR_LOGIN_PAUSED, "login_paused", 429, false, 0)                                                             \
	X(ERR_RATE_LIMITED, "rate_limited", 429, false, 0)                                                             \
	X(ERR_TOO_MANY_JOBS, "too_many_jobs", 429, false, 0)                                                           \
	X(ERR_TOO_MANY_SESSIONS, "too_many_sessions", 429, false, 0)                                                   \
	X(ERR_TOO_MANY_STREAMS, "too_many_streams", 429, false, 0)                                                     \
	X(ERR_TOO_MANY_TUNNELS, "too_many_tunnels", 429, false, 0)                                                     \
	X(ERR_TOO_MANY_TOPICS, "too_many_topics", 429, false, 0)                                                       \
	X(ERR_TOO_MANY_USER_CONNECTIONS, "too_many_user_connections", 429, false, 0)                                   \
	X(ERR_TOO_MANY_DASHBOARDS, "too_many_dashboards", 429, false, 0)                                               \
	X(ERR_TOO_MANY_SERVER_CONNECTIONS, "too_many_server_connections", 429, false, 0)                               \
	/* 5xx: Tusk, or the managed server behind it */                                                               \
	X(ERR_IO_ERROR, "io_error", 500, false, 0)                                                                     \
	X(ERR_STORAGE_FAILED, "storage_failed", 500, false, 0)                                                         \
	X(ERR_JOB_FAILED, "job_failed", 500, false, 0)                                                                 \
	X(ERR_SPOOL_FAILED, "spool_failed", 500, false, 0)                                                             \
	X(ERR_NO_WEB_APP, "no_web_app", 500, false, 0)                                                                 \
	X(ERR_NOT_IMPLEMENTED, "not_implemented", 501, false, 0)                                                       \
	X(ERR_QUERY_FAILED, "query_failed", 502, false, 0)                                                             \
	X(ERR_CONNECTION_FAILED, "connection_failed", 502, false, 0)                                                   \
	X(ERR_CONNECTION_LOST, "connection_lost", 502, false, 0)                                                       \
	X(ERR_SSL_FAILED, "ssl_failed", 502, false, 0)                                                                 \
	X(ERR_DATABASE_MISSING, "database_missing", 502, false, 0)                                                     \
	/* a connect asks for a (better) password: 401 there, the server's refusal elsewhere */                        \
	X(ERR_PASSWORD_REQUIRED, "password_required", 502, false, 401)                                                 \
	X(ERR_AUTHENTICATION_FAILED, "authentication_failed", 502, false, 401)                                         \
	X(ERR_TOO_MANY_CONNECTIONS, "too_many_connections", 502, false, 503)                                           \
	/* the connection policy refuses what the server entry names: the entry is at fault */                         \
	X(ERR_HOST_NOT_ALLOWED, "host_not_allowed", 502, false, 422)                                                   \
	X(ERR_SERVICE_NOT_ALLOWED, "service_not_allowed", 502, false, 422)                                             \
	X(ERR_INVALID_SERVER, "invalid_server", 502, false, 422)                                                       \
	/* the SSH tunnel: a host key to accept (409 carries its fingerprint), a changed one refused */                \
	X(ERR_SSH_HOST_KEY_UNKNOWN, "ssh_host_key_unknown", 502, false, 409)                                           \
	X(ERR_SSH_HOST_KEY_CHANGED, "ssh_host_key_changed", 502, false, 409)                                           \
	X(ERR_SSH_AUTH_FAILED, "ssh_authentication_failed", 502, false, 401)                                           \
	X(ERR_SSH_FAILED, "ssh_failed", 502, false, 0)                                                                 \
	X(ERR_OVERLOADED, "overloaded", 503, false, 0)                                                                 \
	X(ERR_SERVER_STOPPING, "server_stopping", 503, false, 0)                                                       \
	X(ERR_STOPPING, "stopping", 503, false, 0)                                                                     \
	X(ERR_POOL_BUSY, "pool_busy", 503, false, 0)                                                                   \
	X(ERR_STORE_UNAVAILABLE, "store_unavailable", 503, false, 0)                                                   \
	X(ERR_SIGNIN_UNAVAILABLE, "signin_unavailable", 503, false, 0)                                                 \
	X(ERR_SERVER_TIMEOUT, "server_timeout", 504, false, 0)                                                         \
	X(ERR_QUOTA_EXCEEDED, "quota_exceeded", 507, false, 0)                                                         \
	X(ERR_DISK_FULL, "disk_full", 507, false, 0)

#define ERR_ENUM(e, name, status, internal, connect) e,
typedef enum { ERR_TABLE(ERR_ENUM) ERR_COUNT } err_code;
#undef ERR_ENUM

typedef struct {
	err_code code;
	char msg[1024];
} tusk_err;

void err_set(tusk_err *err, err_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The code's snake_case name ("" for ERR_NONE). */
const char *err_name(err_code code);
/* The HTTP status that answers it; on_connect: for POST .../connect. */
int err_status(err_code code, bool on_connect);
/* Tusk's own failure: answered as "internal", the sentence logged. */
bool err_internal(err_code code);

#endif
