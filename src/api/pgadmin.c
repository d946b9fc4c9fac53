/* Taking over a pgAdmin volume: when the data dir holds pgAdmin's
 * pgadmin4.db, Tusk leaves it untouched, starts its own store beside it and,
 * once, brings over pgAdmin's users (their e-mail and role; pgAdmin's
 * password hashes cannot be used, so each needs a new password from an
 * administrator), every user's servers and groups, and the files in each
 * user's pgAdmin storage folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/api.h"
#include "files/files.h"
#include "pgadmin/import.h"
#include "util/log.h"
#include "util/str.h"

/* pgAdmin's storage folder name for a login name: '@' becomes '_', slashes
 * become "slash", and a name that is empty or starts with a digit gets the
 * prefix pga_user_. */
static void pgadmin_storage_name(const char *login, size_t len, str *out)
{
	if (len == 0 || (login[0] >= '0' && login[0] <= '9'))
		str_append_cstr(out, "pga_user_");
	for (size_t i = 0; i < len; i++) {
		if (login[i] == '@')
			str_append_char(out, '_');
		else if (login[i] == '/' || login[i] == '\\')
			str_append_cstr(out, "slash");
		else
			str_append_char(out, login[i]);
	}
}

/* Brings a pgAdmin user's files (storage/<name>/ beside pgadmin4.db, or the
 * older storage/<name before the @>/) into the Tusk user's area. */
static void import_storage(tusk_app *app, const pgadmin_user *p, int64_t user_id, size_t *files)
{
	const char *login = p->username && *p->username ? p->username : p->email;
	const char *at = strchr(login, '@');
	size_t lens[2] = {strlen(login), at ? (size_t)(at - login) : 0};
	for (int k = 0; k < (at ? 2 : 1); k++) {
		str dir = STR_INIT;
		str_appendf(&dir, "%s/storage/", app->cfg->data_dir);
		pgadmin_storage_name(login, lens[k], &dir);
		struct stat sb;
		if (lstat(str_cstr(&dir), &sb) == 0 && S_ISDIR(sb.st_mode)) {
			files_import_counts n;
			tusk_err err = {0};
			char nf[24], ns[24];
			if (files_import_tree(app->cfg->data_dir, user_id, str_cstr(&dir), &n, &err)) {
				*files += n.files;
				snprintf(nf, sizeof(nf), "%zu", n.files);
				snprintf(ns, sizeof(ns), "%zu", n.skipped);
				log_msg(LOG_INFO,
					"pgAdmin storage brought over (hard links; pgAdmin's folder is untouched)",
					"email", p->email, "from", str_cstr(&dir), "files", nf, "left", ns, NULL);
			} else {
				log_msg(LOG_WARN, "pgAdmin storage not brought over", "email", p->email, "from",
					str_cstr(&dir), "reason", err.msg, NULL);
			}
			str_free(&dir);
			return;
		}
		str_free(&dir);
	}
}

/* The Tusk user for a pgAdmin user: the one with the same e-mail (the
 * administrator Tusk created from PGADMIN_DEFAULT_EMAIL), else a new account
 * without a password. */
static bool tusk_user_for(tusk_app *app, const pgadmin_user *p, store_user *u, bool *created, tusk_err *err)
{
	char email[256];
	*created = false;
	if (!auth_email_normalize(p->email, email, err))
		return false;
	int found = store_user_by_email(app->store, email, u, err);
	if (found != 0)
		return found > 0;
	*created = auth_user_create_unset(app->auth, email, p->admin ? "admin" : "user", p->active, u, err);
	return *created;
}

bool api_pgadmin_import(tusk_app *app, tusk_err *err)
{
	const config *cfg = app->cfg;
	char path[4200];
	snprintf(path, sizeof(path), "%s/pgadmin4.db", cfg->data_dir);
	struct stat sb;
	if (cfg->desktop || stat(path, &sb) != 0)
		return true;
	char done[8];
	if (!store_meta_get(app->store, "pgadmin_imported", done, sizeof(done), err))
		return false;
	if (done[0])
		return true;
	pgadmin_user *users = NULL;
	size_t n = 0;
	tusk_err rerr = {0};
	if (!pgadmin_read(path, &users, &n, &rerr)) {
		log_msg(LOG_WARN, "pgAdmin's database found but not read; nothing imported", "path", path, "reason",
			rerr.msg, NULL);
		return true;
	}
	size_t made = 0, servers = 0, files = 0;
	for (size_t i = 0; i < n; i++) {
		const pgadmin_user *p = &users[i];
		store_user u;
		bool created;
		tusk_err uerr = {0};
		if (!tusk_user_for(app, p, &u, &created, &uerr)) {
			log_msg(LOG_WARN, "pgAdmin user not imported", "email", p->email, "reason", uerr.msg, NULL);
			continue;
		}
		made += created;
		json_t *details = json_array();
		store_server *list = NULL;
		size_t nl = 0;
		if (p->nservers == 0) {
			/* nothing to bring */
		} else if (!api_servers_parse_json(p->servers, strcmp(u.role, "admin") == 0, &list, &nl, details)) {
			size_t k;
			json_t *d;
			json_array_foreach(details, k, d)
			    log_msg(LOG_WARN, "pgAdmin server not imported", "email", p->email, "entry",
				    json_string_value(json_object_get(d, "entry")), "reason",
				    json_string_value(json_object_get(d, "reason")), NULL);
		} else if (!store_server_import(app->store, u.id, list, nl, false, &uerr)) {
			log_msg(LOG_WARN, "pgAdmin servers not imported", "email", p->email, "reason", uerr.msg, NULL);
		} else {
			servers += nl;
		}
		if (p->skipped_tunnels) {
			char count[24];
			snprintf(count, sizeof(count), "%zu", p->skipped_tunnels);
			log_msg(LOG_WARN,
				"pgAdmin servers named SSH tunnels without their host or user: they were imported "
				"without them",
				"email", p->email, "servers", count, NULL);
		}
		store_server_list_free(list, nl);
		json_decref(details);
		import_storage(app, p, u.id, &files);
	}
	pgadmin_users_free(users, n);
	if (!store_meta_set(app->store, "pgadmin_imported", "1", err))
		return false;
	char nu[24], ns[24], nf[24];
	snprintf(nu, sizeof(nu), "%zu", made);
	snprintf(ns, sizeof(ns), "%zu", servers);
	snprintf(nf, sizeof(nf), "%zu", files);
	log_msg(LOG_INFO, "pgAdmin's users and servers imported; pgadmin4.db is left untouched", "users", nu, "servers",
		ns, "files", nf, "note",
		"pgAdmin's passwords cannot be carried over: an administrator sets each new user's password", NULL);
	return true;
}
