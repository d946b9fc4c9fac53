/* Settings: command-line flags > environment (TUSK_*, and PGADMIN_* for the
 * pgAdmin container contract) > defaults. Secrets may come from NAME_FILE. */
#ifndef TUSK_CONFIG_H
#define TUSK_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "util/err.h"

/* One provider of the oauth2 sign-in source (pgAdmin's OAUTH2_CONFIG keys; config_oauth2.c). */
typedef struct {
	char *name, *display_name, *client_id, *client_secret, *token_url, *authorization_url;
	char *server_metadata_url, *api_base_url, *userinfo_endpoint, *scope, *icon, *button_color;
	char *username_claim;	 /* default "email" */
	char *additional_claims; /* JSON {"claim": ["value", ...]}: each must match, or NULL */
	char *admin_claims;	 /* Tusk's OAUTH2_ADMIN_CLAIMS, same shape: a match makes an administrator */
	bool auto_create_user;	 /* default true */
	bool ssl_cert_verification;
} config_oauth2;

typedef struct {
	char *listen_address;
	int port;
	char *data_dir;
	char *store_url;   /* PostgreSQL metadata store (URI or conninfo; a secret), or NULL/"" for SQLite */
	char *script_name; /* "" or "/prefix" without trailing slash */
	char *log_format;
	char *log_level;
	int max_body_bytes;
	int max_json_bytes;
	int max_connections;
	int max_connections_per_ip;
	int max_connections_per_user;
	int max_slow_connections_per_ip;
	int http_timeout;
	int http_header_timeout;
	int http_body_timeout;
	int shutdown_timeout;
	bool allow_root;
	bool desktop;
	bool server_mode;
	char *default_email;
	char *default_password;
	bool generate_admin_password;
	char *trusted_proxies;
	int session_idle_timeout;
	int session_lifetime;
	int max_login_attempts;
	int login_lockout_seconds;     /* first lockout; doubles with each further wrong password */
	int login_lockout_max_seconds; /* longest lockout */
	int session_cache_seconds;     /* validated sessions kept in memory (0 = off) */
	int password_min_length;
	int login_rate_limit;
	int pg_max_connections_per_user;
	int pg_idle_timeout;
	int pg_statement_timeout;
	int pg_connect_timeout;
	int pg_pool_wait;		   /* seconds a request waits for a pooled connection */
	int pg_max_connections_per_server; /* per user and server: browsing + query tabs */
	int max_query_sessions_per_user;
	int max_jobs_per_user;
	bool enable_psql; /* server mode: the PSQL tool is offered */
	int max_psql_sessions_per_user;
	char *server_json_file;
	char *spool_dir;
	char *file_dirs;       /* ':'-separated; "" = none */
	char *allowed_hosts;   /* TUSK_ALLOWED_HOSTS (pg/allow.h); "" = any TCP host */
	char *pg_service_file; /* "" = service= refused in server mode */
	char *pg_bin_dir;      /* ':'-separated directories of client programs, or NULL */
	int max_jobs;	       /* jobs running at once per Tusk process */
	int query_idle_timeout;
	int history_max;
	bool audit_sql;
	char *metrics_token;
	bool replace_servers_on_startup;
	int storage_quota_mb; /* per user, 0 = unlimited */
	/* sign-in sources (auth/sources.h): comma-separated, in order */
	char *auth_sources;
	char *webserver_remote_user; /* header names, comma-separated */
	char *oauth2_redirect_url;   /* fixed redirect URI (else from the request's host) */
	bool webserver_auto_create_user;
	char *ldap_server_uri;
	char *ldap_username_attribute;
	char *ldap_search_base_dn;
	char *ldap_search_filter;
	char *ldap_search_scope; /* subtree, level or base */
	char *ldap_bind_user;
	char *ldap_bind_password;
	bool ldap_anonymous_bind;
	char *ldap_base_dn; /* direct bind: <attribute>=<name>,<base dn> */
	bool ldap_use_starttls;
	char *ldap_ca_cert_file;
	char *ldap_cert_file;
	char *ldap_key_file;
	bool ldap_auto_create_user;
	bool ldap_dn_case_sensitive;
	char *ldap_admin_group; /* group DNs: members are administrators / users */
	char *ldap_user_group;
	int ldap_connection_timeout;
	int ldap_max_sign_ins;	 /* LDAP sign-ins waiting on the directory at once */
	bool two_factor;	 /* TOTP enrolment and the second sign-in step are on */
	bool require_two_factor; /* every internal/ldap user must enrol */
	config_oauth2 *oauth2;	 /* the oauth2 source's providers, in their order */
	size_t noauth2;
	bool in_container; /* detected, not a setting */
	/* PGADMIN_CONFIG_* notes for the log: "KEY: what happened", one per line */
	char *pgadmin_notes;
	bool show_help;
	bool show_version;
} config;

/* Environment lookups go through envp ("NAME=value" strings, NULL-terminated)
 * so tests can pass their own. Returns false with err set on a bad flag/value. */
bool config_load(config *c, int argc, char **argv, char *const *envp, tusk_err *err)
    __attribute__((warn_unused_result));
void config_free(config *c);
/* Blanks the values of secret settings (passwords, tokens, the store URL)
 * where they sit in the process's environment, once they were read: the
 * environment block (/proc/<pid>/environ) then holds none of them. */
void config_wipe_secrets(char **envp);
void config_print_help(FILE *out);
/* Parses a Python literal as pgAdmin's config takes it ('text', "text",
 * True/False, integers, floats, None) into text ("true"/"false" for booleans,
 * "" for None); false for other forms (lists, expressions). */
bool config_python_literal(const char *in, char **out);
/* The value of NAME in an environment block (envp as main gets it), or NULL. */
const char *config_env_get(char *const *envp, const char *name);

/* A Python literal (str, int, float, True/False/None, lists, dicts; nesting bounded) as JSON, or
 * NULL when it is not one Tusk reads. */
struct json_t *config_python_value(const char *in, size_t n);
/* Replaces the oauth2 providers from a JSON list of provider dicts; source names the setting. */
bool config_oauth2_set(config *c, struct json_t *list, const char *source, tusk_err *err)
    __attribute__((warn_unused_result));
void config_oauth2_free(config *c);
const config_oauth2 *config_oauth2_find(const config *c, const char *name);

/* Reads a secret file: contents with one trailing newline stripped. */
char *config_read_secret_file(const char *path, tusk_err *err);

#endif
