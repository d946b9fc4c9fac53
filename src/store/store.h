/* The metadata store: Tusk's own data (users, sessions, audit, servers...).
 * The one interface callers use; SQLite in the data directory for one
 * process, PostgreSQL for several replicas sharing it. Every function is
 * safe to call from any thread. */
#ifndef TUSK_STORE_STORE_H
#define TUSK_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct store store;

/* Opens the store and applies pending migrations (replicas starting
 * together take turns); refuses a store written by a newer Tusk. url: a
 * PostgreSQL URI or key=value conninfo (never logged), or NULL/"" for
 * SQLite in data_dir (created when new). */
store *store_open(const char *data_dir, const char *url, tusk_err *err);
void store_close(store *s);
/* Where the store is, for the log (never a password). */
void store_describe(store *s, char *out, size_t n);
/* True when other Tusk processes may share the store (PostgreSQL). */
bool store_shared(store *s);
/* Start-up work that must run once however many replicas start together
 * (first administrator, servers.json): one process at a time holds this. */
bool store_lock_startup(store *s, tusk_err *err) __attribute__((warn_unused_result));
void store_unlock_startup(store *s);
/* Marks this process (a name unique among the processes sharing the store)
 * alive for as long as it runs: store_job_unfinished of another process
 * leaves its jobs alone. */
bool store_instance_register(store *s, const char *instance, tusk_err *err) __attribute__((warn_unused_result));
bool store_ping(store *s, tusk_err *err) __attribute__((warn_unused_result));
int store_schema_version(store *s);
/* Errors the store met since start. */
unsigned long store_error_count(void);
/* The newest schema version this build knows. */
int store_latest_version(void);

/* Small key/value facts about this store. */
bool store_meta_get(store *s, const char *key, char *out, size_t n, tusk_err *err) __attribute__((warn_unused_result));
bool store_meta_set(store *s, const char *key, const char *value, tusk_err *err) __attribute__((warn_unused_result));
/* Sets key only when it has no value yet (the first of several replicas wins). */
bool store_meta_add(store *s, const char *key, const char *value, tusk_err *err) __attribute__((warn_unused_result));

/* ---- users ---- */
#define STORE_WRAPPED_KEY_MAX 96
typedef struct {
	int64_t id;
	char email[256];
	char role[8]; /* "admin" or "user" */
	char password_hash[160];
	bool active;
	/* the pause after wrong passwords for this e-mail (read only: see store_login_*) */
	bool locked;	      /* locked_until is in the future */
	int64_t locked_until; /* unix seconds, 0 = none */
	int failed_attempts;
	unsigned char data_key_wrapped[STORE_WRAPPED_KEY_MAX];
	size_t data_key_wrapped_len;
	unsigned char data_key_salt[16];
	int64_t created_at, updated_at, last_login_at; /* unix seconds; last_login_at 0 = never */
	char auth_source[16]; /* "internal", "ldap", "webserver", "oauth2" ("" reads as internal) */
	/* oauth2 users: the provider (its OAUTH2_NAME) and the provider's subject for the user; ""
	 * when not known yet (bound at the first sign-in: see auth/external.c). Read only here: see
	 * store_user_bind_oauth2 and store_user_set_oauth2. store_user_create writes them. */
	char oauth2_provider[64];
	char oauth2_subject[256];
	/* two-factor (read only here: see store_two_factor_*) */
	bool totp_enabled;	  /* an authenticator is enrolled */
	bool two_factor_required; /* an administrator asks this user to enrol */
} store_user;

int64_t store_user_count(store *s, tusk_err *err);
int64_t store_admin_count(store *s, tusk_err *err); /* active administrators */
/* Sets u->id. err code "email_taken" when the e-mail exists. */
bool store_user_create(store *s, store_user *u, tusk_err *err) __attribute__((warn_unused_result));
/* 1 found, 0 not found, -1 error */
int store_user_by_email(store *s, const char *email, store_user *u, tusk_err *err);
int store_user_by_id(store *s, int64_t id, store_user *u, tusk_err *err);
/* Writes every field of u by id. err code "email_taken" on a duplicate e-mail. */
bool store_user_update(store *s, const store_user *u, tusk_err *err) __attribute__((warn_unused_result));
bool store_user_delete(store *s, int64_t id, tusk_err *err) __attribute__((warn_unused_result));
/* Wrong passwords per e-mail address, whether an account has it or not (so
 * an unknown address pauses like a known one). store_login_failed counts
 * one more atomically (a count older than forget_after seconds starts
 * again) and returns the count; store_login_pause sets the time logins to
 * the address may resume; store_login_paused_until reads it (0 = none, -1
 * error); store_login_clear forgets the address (a right password, an
 * unlock); store_login_purge forgets what is quiet since before. */
bool store_login_failed(store *s, const char *email, int64_t now, int forget_after, int *failures, tusk_err *err)
    __attribute__((warn_unused_result));
bool store_login_pause(store *s, const char *email, int64_t until, tusk_err *err) __attribute__((warn_unused_result));
int64_t store_login_paused_until(store *s, const char *email, tusk_err *err);
bool store_login_clear(store *s, const char *email, tusk_err *err) __attribute__((warn_unused_result));
bool store_login_purge(store *s, int64_t before, tusk_err *err) __attribute__((warn_unused_result));
/* store_login_hold pauses logins to the address until `until` unless a pause is running at now:
 * 1 this caller set it (it alone may check a password now), 0 another holds it, -1 error.
 * store_login_release takes back one counted attempt that checked no password (the source could
 * not be asked), and the hold it set when held. */
int store_login_hold(store *s, const char *email, int64_t now, int64_t until, tusk_err *err);
bool store_login_release(store *s, const char *email, bool held, tusk_err *err) __attribute__((warn_unused_result));
/* All users ordered by e-mail; free() the array. */
store_user *store_user_list(store *s, size_t *n, tusk_err *err);
/* The oauth2 user the provider's subject names: 1 found, 0 not found, -1 error. */
int store_user_by_oauth2(store *s, const char *provider, const char *subject, store_user *u, tusk_err *err);
/* Binds a user to provider and subject in one statement, only while it has no subject and its
 * provider is provider or none (so of two racing sign-ins one binds): 1 bound, 0 not (bound
 * already or to another provider), -1 error. */
int store_user_bind_oauth2(store *s, int64_t id, const char *provider, const char *subject, tusk_err *err);
/* An operator sets (or clears, NULL) the provider of a user; its subject is forgotten, so the
 * next sign-in through that provider binds it again. */
bool store_user_set_oauth2(store *s, int64_t id, const char *provider, tusk_err *err)
    __attribute__((warn_unused_result));

/* ---- two-factor sign-in (TOTP) ---- */
/* The encrypted authenticator secret and the newest accepted step: 1, 0 not enrolled, -1 error. */
int store_two_factor_get(store *s, int64_t user_id, unsigned char *enc, size_t cap, size_t *n, int64_t *last_step,
			 tusk_err *err);
/* Enrols (enc, the step of the confirming code, the recovery codes' hashes, replacing any) in one
 * transaction; enc NULL removes the authenticator and the recovery codes. */
bool store_two_factor_set(store *s, int64_t user_id, const void *enc, size_t n, int64_t last_step,
			  char (*const codes)[65], size_t ncodes, tusk_err *err) __attribute__((warn_unused_result));
/* Takes step if it is newer than the last accepted one: 1 taken, 0 used already (a replay), -1 error. */
int store_two_factor_use_step(store *s, int64_t user_id, int64_t step, tusk_err *err);
/* Takes a recovery code by its hash: 1 taken (now gone), 0 none such, -1 error. */
int store_two_factor_use_code(store *s, int64_t user_id, const char *code_hash, tusk_err *err);
int64_t store_two_factor_codes_left(store *s, int64_t user_id, tusk_err *err);
bool store_two_factor_require(store *s, int64_t user_id, bool required, tusk_err *err)
    __attribute__((warn_unused_result));

/* A sign-in waiting for its second step (not a session). */
typedef struct {
	char id_hash[65];
	int64_t user_id;
	unsigned char data_key_wrapped[STORE_WRAPPED_KEY_MAX];
	size_t data_key_wrapped_len;
	int64_t expires_at;
	int failures;
} store_pending;
bool store_pending_create(store *s, const store_pending *p, tusk_err *err) __attribute__((warn_unused_result));
/* 1 found and not expired, 0 none, -1 error. */
int store_pending_get(store *s, const char *id_hash, int64_t now, store_pending *p, tusk_err *err);
/* Ends it: 1 this call ended it (so one caller alone goes on), 0 gone already, -1 error. */
int store_pending_take(store *s, const char *id_hash, tusk_err *err);
/* Counts one more wrong code; returns the count, -1 on error. */
int store_pending_failed(store *s, const char *id_hash, tusk_err *err);
bool store_pending_purge(store *s, int64_t now, tusk_err *err) __attribute__((warn_unused_result));

/* ---- login sessions ---- */
typedef struct {
	char id_hash[65];
	int64_t user_id;
	char csrf_token[64];
	unsigned char data_key_wrapped[STORE_WRAPPED_KEY_MAX];
	size_t data_key_wrapped_len;
	int64_t created_at, last_seen_at, expires_at;
	char client_addr[64];
} store_session;

bool store_session_create(store *s, const store_session *ss, tusk_err *err) __attribute__((warn_unused_result));
int store_session_get(store *s, const char *id_hash, store_session *ss, tusk_err *err);
bool store_session_touch(store *s, const char *id_hash, int64_t now, tusk_err *err) __attribute__((warn_unused_result));
bool store_session_delete(store *s, const char *id_hash, tusk_err *err) __attribute__((warn_unused_result));
/* Ends every session of a user but keep_hash (NULL ends all). */
bool store_session_delete_user(store *s, int64_t user_id, const char *keep_hash, tusk_err *err)
    __attribute__((warn_unused_result));
bool store_session_purge(store *s, int64_t now, int idle_seconds, tusk_err *err) __attribute__((warn_unused_result));
/* For a cache of checked sessions: *gen moves whenever a session may have
 * ended or a user changed (logout, password change, disabling, deletion),
 * here or in another process sharing the store; on PostgreSQL it reflects
 * every change committed before the call. False when that cannot be told
 * now (then ask the store). */
bool store_auth_generation(store *s, uint64_t *gen) __attribute__((warn_unused_result));

/* ---- servers ---- */
typedef struct {
	int64_t id;
	int64_t user_id;
	char name[128];
} store_group;

/* Text fields are NULL when unset; owned by the struct (store_server_clear). */
typedef struct {
	int64_t id;
	int64_t user_id; /* owner */
	int64_t group_id;
	char *group_name;
	char *name, *host, *maintenance_db, *username, *role, *service, *comment, *bg_color, *fg_color;
	int port;		 /* 0 = unset */
	char *db_restriction;	 /* JSON array text */
	char *connection_params; /* JSON object text */
	bool shared;
	char *shared_username;
	int64_t created_at, updated_at;
	bool has_saved_password; /* for the user who asked */
	bool has_sslpassword;	 /* the user who asked keeps the client key's passphrase */
	/* an SSH tunnel (pgAdmin's Tunnel* fields): auth 0 password, 1 identity file */
	bool use_ssh_tunnel;
	char *tunnel_host, *tunnel_username, *tunnel_identity_file;
	int tunnel_port, tunnel_authentication, tunnel_keepalive;
	char *tunnel_host_key;	  /* "SHA256:..." the owner accepted, or NULL */
	bool has_tunnel_password; /* the user who asked keeps the tunnel's password or passphrase */
} store_server;

void store_server_clear(store_server *sv);
/* Groups of a user, by name. free() the array. */
store_group *store_group_list(store *s, int64_t user_id, size_t *n, tusk_err *err);
/* Finds or creates the user's group of that name. */
bool store_group_ensure(store *s, int64_t user_id, const char *name, int64_t *id, tusk_err *err)
    __attribute__((warn_unused_result));
int store_group_get(store *s, int64_t user_id, int64_t id, store_group *g, tusk_err *err);
/* err code group_exists on a duplicate name */
bool store_group_rename(store *s, int64_t user_id, int64_t id, const char *name, tusk_err *err)
    __attribute__((warn_unused_result));
/* err code group_not_empty when it still has servers */
bool store_group_delete(store *s, int64_t user_id, int64_t id, tusk_err *err) __attribute__((warn_unused_result));

/* Servers a user sees: their own and every shared one. free with store_server_list_free. */
store_server *store_server_list(store *s, int64_t user_id, size_t *n, tusk_err *err);
void store_server_list_free(store_server *list, size_t n);
/* A server the user may see (own or shared): 1, 0 not found, -1 error. */
int store_server_get(store *s, int64_t user_id, int64_t id, store_server *sv, tusk_err *err);
bool store_server_create(store *s, store_server *sv, tusk_err *err) __attribute__((warn_unused_result));
bool store_server_update(store *s, const store_server *sv, tusk_err *err) __attribute__((warn_unused_result));
bool store_server_delete(store *s, int64_t id, tusk_err *err) __attribute__((warn_unused_result));
/* Keeps the SSH tunnel's accepted host key ("SHA256:...", NULL forgets it). */
bool store_server_set_host_key(store *s, int64_t id, const char *fingerprint, tusk_err *err)
    __attribute__((warn_unused_result));
/* Creates many servers (groups by name) in one transaction: all or none. */
bool store_server_import(store *s, int64_t user_id, store_server *list, size_t n, bool replace, tusk_err *err)
    __attribute__((warn_unused_result));

/* Saved passwords, encrypted by the caller. */
bool store_credential_set(store *s, int64_t server_id, int64_t user_id, const void *enc, size_t n, tusk_err *err)
    __attribute__((warn_unused_result));
/* 1 found (*out malloc'd), 0 none, -1 error */
int store_credential_get(store *s, int64_t server_id, int64_t user_id, unsigned char **out, size_t *n, tusk_err *err);
bool store_credential_delete(store *s, int64_t server_id, int64_t user_id, tusk_err *err)
    __attribute__((warn_unused_result));
/* Every saved password of a user (their data key changed). */
bool store_credential_delete_user(store *s, int64_t user_id, tusk_err *err) __attribute__((warn_unused_result));
/* Every user's saved password and secrets for a server (its address changed:
 * they were saved for the old one). */
bool store_credential_delete_server(store *s, int64_t server_id, tusk_err *err) __attribute__((warn_unused_result));
/* A server's other per-user secrets by name ("sslpassword"), encrypted by
 * the caller like saved passwords; get returns 1 found, 0 none, -1 error.
 * store_credential_delete_user removes these too. */
bool store_secret_set(store *s, int64_t server_id, int64_t user_id, const char *name, const void *enc, size_t n,
		      tusk_err *err) __attribute__((warn_unused_result));
int store_secret_get(store *s, int64_t server_id, int64_t user_id, const char *name, unsigned char **out, size_t *n,
		     tusk_err *err);
bool store_secret_delete(store *s, int64_t server_id, int64_t user_id, const char *name, tusk_err *err)
    __attribute__((warn_unused_result));

/* ---- query history, saved queries, workspaces ---- */
typedef struct {
	int64_t id, user_id, server_id; /* server_id 0 = deleted server */
	char *database, *sql, *status, *error;
	int64_t started_at, duration_ms, row_count;
} store_history;

void store_history_clear(store_history *h);
/* Adds an entry and keeps the user's newest `keep` entries. */
bool store_history_add(store *s, const store_history *h, int keep, tusk_err *err) __attribute__((warn_unused_result));
/* Newest first; filters: server (0 = any), text in the SQL (NULL = any). */
store_history *store_history_list(store *s, int64_t user_id, int64_t server_id, const char *text, int64_t limit,
				  int64_t offset, size_t *n, int64_t *total, tusk_err *err);
void store_history_list_free(store_history *list, size_t n);
bool store_history_delete_user(store *s, int64_t user_id, tusk_err *err) __attribute__((warn_unused_result));

typedef struct {
	int64_t id, user_id;
	char *name, *sql;
	int64_t created_at, updated_at;
} store_snippet;

void store_snippet_clear(store_snippet *q);
store_snippet *store_snippet_list(store *s, int64_t user_id, size_t *n, tusk_err *err);
void store_snippet_list_free(store_snippet *list, size_t n);
int store_snippet_get(store *s, int64_t user_id, int64_t id, store_snippet *q, tusk_err *err);
/* Creates (id 0) or updates; err code name_taken on a duplicate name. */
bool store_snippet_save(store *s, store_snippet *q, tusk_err *err) __attribute__((warn_unused_result));
bool store_snippet_delete(store *s, int64_t user_id, int64_t id, tusk_err *err) __attribute__((warn_unused_result));

/* The user's open tabs as a JSON text; *state NULL when none saved. */
bool store_workspace_get(store *s, int64_t user_id, char **state, tusk_err *err) __attribute__((warn_unused_result));
bool store_workspace_put(store *s, int64_t user_id, const char *state, tusk_err *err)
    __attribute__((warn_unused_result));

/* The user's preferences as a JSON text; *settings NULL when none saved. */
bool store_preferences_get(store *s, int64_t user_id, char **settings, tusk_err *err)
    __attribute__((warn_unused_result));
bool store_preferences_put(store *s, int64_t user_id, const char *settings, tusk_err *err)
    __attribute__((warn_unused_result));

/* ---- background jobs ---- */
typedef struct {
	int64_t id, user_id, server_id; /* server_id 0: none (deleted) */
	char *kind, *description;
	char *state;   /* queued, running, succeeded, failed, cancelled */
	char *command; /* the command line, never with a password */
	int64_t pid, exit_code;
	bool has_exit_code, acknowledged;
	char *reason;				  /* why it failed or was cancelled, or NULL */
	char *log_path;				  /* absolute */
	char *output_path;			  /* in the user's storage, or NULL */
	char *input_path;			  /* what a restore or import reads, in the user's storage, or NULL */
	int64_t created_at, started_at, ended_at; /* unix seconds; 0 = not yet */
	char *instance;				  /* the Tusk process that runs it */
} store_job;

void store_job_clear(store_job *j);
void store_job_list_free(store_job *list, size_t n);
/* Sets j->id. */
bool store_job_create(store *s, store_job *j, tusk_err *err) __attribute__((warn_unused_result));
bool store_job_set_log(store *s, int64_t id, const char *log_path, tusk_err *err) __attribute__((warn_unused_result));
bool store_job_started(store *s, int64_t id, int64_t pid, int64_t at, tusk_err *err)
    __attribute__((warn_unused_result));
/* Ends a queued or running job (a finished one stays as it ended). */
bool store_job_finished(store *s, int64_t id, const char *state, const int64_t *exit_code, const char *reason,
			int64_t at, tusk_err *err) __attribute__((warn_unused_result));
/* A user's jobs, newest first (at most 500). */
store_job *store_job_list(store *s, int64_t user_id, size_t *n, tusk_err *err);
/* Queued or running jobs of Tusk processes that are gone: not instance, and
 * not registered by a live process (to settle after a restart). */
store_job *store_job_unfinished(store *s, const char *instance, size_t *n, tusk_err *err);
/* 1 found, 0 not found, -1 error; user_id 0: any user's. */
int store_job_get(store *s, int64_t user_id, int64_t id, store_job *j, tusk_err *err);
bool store_job_acknowledge(store *s, int64_t user_id, int64_t id, tusk_err *err) __attribute__((warn_unused_result));
/* Only a finished job. */
bool store_job_delete(store *s, int64_t user_id, int64_t id, tusk_err *err) __attribute__((warn_unused_result));

/* ---- audit log ---- */
typedef struct {
	int64_t id;
	int64_t time;
	int64_t user_id; /* 0 = none */
	char user_email[256];
	char event[48];
	char client_addr[64];
	char detail[512];
} store_audit;

bool store_audit_add(store *s, const store_audit *a, tusk_err *err) __attribute__((warn_unused_result));
typedef struct {
	const char *event; /* exact event, or NULL */
	const char *text;  /* substring of e-mail, address or detail, or NULL */
	int64_t user_id;   /* 0 = everyone */
	int64_t limit, offset;
} store_audit_filter;
/* Newest first; free() the array. *total counts all matches. */
store_audit *store_audit_list(store *s, const store_audit_filter *f, size_t *n, int64_t *total, tusk_err *err);

#endif
