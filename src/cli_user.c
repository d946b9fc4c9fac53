/* tusk user ...: what an operator does to accounts with a shell on the host or in the pod, for
 * when no administrator can sign in (a forgotten password, a lost phone, an identity provider
 * that no longer knows the only administrator). Each command opens the store the server uses,
 * changes one account, writes the audit line, and exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "cli.h"
#include "util/str.h"

#define CLIENT "command line"

static const char usage[] =
    "usage: tusk user list [OPTIONS]\n"
    "       tusk user show EMAIL [OPTIONS]\n"
    "       tusk user create EMAIL [admin|user] [--password-file FILE] [OPTIONS]\n"
    "       tusk user set-password EMAIL [--password-file FILE] [OPTIONS]\n"
    "       tusk user unlock EMAIL [OPTIONS]\n"
    "       tusk user reset-two-factor EMAIL [OPTIONS]\n"
    "       tusk user set-role EMAIL admin|user [OPTIONS]\n"
    "       tusk user set-provider EMAIL [PROVIDER] [OPTIONS]\n"
    "OPTIONS: --data-dir DIR, --store-url URL (else TUSK_DATA_DIR/TUSK_STORE_URL, as the server).\n"
    "Run it with the server's settings (environment) so it finds the same store and providers.\n";

/* What a command works on: the parsed command line, the store, the account. */
struct cli {
	const char *command, *email, *arg, *password_file;
	config cfg;
	store *st;
	auth *a;
	store_user u;
};

/* Reads a password from a file or stdin: the first line, newline stripped. */
static char *read_password(const char *file)
{
	tusk_err err;
	if (file) {
		char *p = config_read_secret_file(file, &err);
		if (!p)
			fprintf(stderr, "tusk: %s\n", err.msg);
		return p;
	}
	char buf[2048];
	if (!fgets(buf, sizeof(buf), stdin)) {
		fputs("tusk: no password on standard input\n", stderr);
		return NULL;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return xstrdup(buf);
}

static const char *source_of(const store_user *u)
{
	return u->auth_source[0] ? u->auth_source : "internal";
}

static int failed(const tusk_err *err)
{
	fprintf(stderr, "tusk: %s\n", err->msg);
	return EXIT_FAILURE;
}

static int cmd_list(struct cli *c)
{
	tusk_err err;
	size_t n = 0;
	store_user *list = store_user_list(c->st, &n, &err);
	if (!list)
		return failed(&err);
	printf("%-40s %-6s %-9s %-16s %-10s %s\n", "USER", "ROLE", "SOURCE", "PROVIDER", "TWO-FACTOR", "STATE");
	for (size_t i = 0; i < n; i++) {
		const store_user *u = &list[i];
		printf("%-40s %-6s %-9s %-16s %-10s %s\n", u->email, u->role, source_of(u),
		       u->oauth2_provider[0] ? u->oauth2_provider : "-", u->totp_enabled ? "on" : "off",
		       !u->active  ? "disabled"
		       : u->locked ? "paused"
				   : "active");
	}
	free(list);
	return 0;
}

static void print_time(const char *label, int64_t t)
{
	char buf[32] = "never";
	time_t tt = (time_t)t;
	struct tm tm;
	if (t && gmtime_r(&tt, &tm))
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("%-12s %s\n", label, buf);
}

static int cmd_show(struct cli *c)
{
	const store_user *u = &c->u;
	printf("%-12s %lld\n%-12s %s\n%-12s %s\n%-12s %s\n", "id:", (long long)u->id, "user:", u->email,
	       "role:", u->role, "source:", source_of(u));
	if (strcmp(source_of(u), "oauth2") == 0) {
		if (!u->oauth2_provider[0])
			printf("%-12s (none recorded: made before Tusk kept it; tusk user set-provider)\n",
			       "provider:");
		else if (!u->oauth2_subject[0])
			printf("%-12s %s (not signed in yet: its first sign-in binds it)\n",
			       "provider:", u->oauth2_provider);
		else
			printf("%-12s %s (subject %s)\n", "provider:", u->oauth2_provider, u->oauth2_subject);
	}
	printf("%-12s %s\n%-12s %s%s\n", "state:",
	       !u->active  ? "disabled"
	       : u->locked ? "paused after wrong passwords"
			   : "active",
	       "two-factor:", u->totp_enabled ? "on" : "off", u->two_factor_required ? " (required)" : "");
	print_time("created:", u->created_at);
	print_time("last login:", u->last_login_at);
	return 0;
}

static int cmd_unlock(struct cli *c)
{
	tusk_err err;
	/* only the pause after wrong passwords ends: password, data key and saved passwords stay */
	if (!auth_unlock(c->a, &c->u, CLIENT, &err))
		return failed(&err);
	printf("%s may log in again; its password and saved server passwords are unchanged.\n", c->u.email);
	return 0;
}

static int cmd_set_password(struct cli *c)
{
	tusk_err err;
	char *password = read_password(c->password_file);
	if (!password)
		return EXIT_FAILURE;
	bool ok = auth_user_reset_password(c->a, &c->u, password, &err);
	memset(password, 0, strlen(password));
	free(password);
	if (!ok)
		return failed(&err);
	auth_audit(c->a, &c->u, NULL, "password_reset", CLIENT,
		   "password set with tusk user set-password; saved server passwords were discarded");
	printf("The password of %s is set; the account is unlocked, its sessions ended and its saved server "
	       "passwords discarded.\n",
	       c->u.email);
	return 0;
}

/* An account of the internal source, for the operator whose sign-in sources let no
 * administrator in (the identity provider gone, the directory unreachable). */
static int cmd_create(struct cli *c)
{
	tusk_err err;
	const char *role = c->arg ? c->arg : "user";
	if (strcmp(role, "admin") != 0 && strcmp(role, "user") != 0) {
		fputs("tusk: the role is admin or user\n", stderr);
		return EXIT_USAGE;
	}
	char *password = read_password(c->password_file);
	if (!password)
		return EXIT_FAILURE;
	bool ok = auth_user_create(c->a, c->email, password, role, true, &c->u, &err);
	memset(password, 0, strlen(password));
	free(password);
	if (!ok)
		return failed(&err);
	char detail[300];
	snprintf(detail, sizeof(detail), "created %s (%s) with tusk user create", c->u.email, c->u.role);
	auth_audit(c->a, &c->u, NULL, "user_created", CLIENT, detail);
	printf("%s is created (%s, Tusk password)%s.\n", c->u.email, c->u.role,
	       auth_source_on(c->a, "internal") ? ""
						: "; add internal to the sign-in sources (TUSK_AUTHENTICATION_SOURCES) "
						  "for it to sign in");
	return 0;
}

static int cmd_reset_two_factor(struct cli *c)
{
	tusk_err err;
	if (!auth_two_factor_reset(c->a, &c->u, &err))
		return failed(&err);
	char detail[400];
	snprintf(detail, sizeof(detail),
		 "two-factor of %s reset with tusk user reset-two-factor: authenticator and recovery codes removed",
		 c->u.email);
	auth_audit(c->a, &c->u, NULL, "two_factor_reset", CLIENT, detail);
	printf("%s signs in without a code now%s.\n", c->u.email,
	       c->cfg.require_two_factor || c->u.two_factor_required ? ", and enrols an authenticator again at once"
								     : "");
	return 0;
}

static int cmd_set_role(struct cli *c)
{
	tusk_err err;
	if (!c->arg || (strcmp(c->arg, "admin") != 0 && strcmp(c->arg, "user") != 0)) {
		fputs("tusk: the role is admin or user\n", stderr);
		return EXIT_USAGE;
	}
	int64_t admins = store_admin_count(c->st, &err);
	if (admins < 0)
		return failed(&err);
	if (strcmp(c->arg, "user") == 0 && strcmp(c->u.role, "admin") == 0 && c->u.active && admins <= 1) {
		fputs("tusk: this is the last active administrator: make another one first\n", stderr);
		return EXIT_FAILURE;
	}
	snprintf(c->u.role, sizeof(c->u.role), "%s", c->arg);
	c->u.active = true;
	c->u.updated_at = time(NULL);
	if (!store_user_update(c->st, &c->u, &err))
		return failed(&err);
	char detail[420];
	snprintf(detail, sizeof(detail), "role of %s set to %s (and active) with tusk user set-role", c->u.email,
		 c->arg);
	auth_audit(c->a, &c->u, NULL, "user_updated", CLIENT, detail);
	printf("%s is an active %s now.\n", c->u.email, strcmp(c->arg, "admin") == 0 ? "administrator" : "user");
	return 0;
}

static int cmd_set_provider(struct cli *c)
{
	tusk_err err;
	if (!auth_user_set_provider(c->a, &c->u, c->arg, &err))
		return failed(&err);
	char detail[420];
	snprintf(detail, sizeof(detail), "provider of %s set to %s with tusk user set-provider; subject forgotten",
		 c->u.email, c->u.oauth2_provider);
	auth_audit(c->a, &c->u, NULL, "user_updated", CLIENT, detail);
	printf("%s signs in through %s now; its next sign-in there binds the provider's account to it.\n", c->u.email,
	       c->u.oauth2_provider);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct cli *c);
	bool email, arg, optional_arg;
} commands[] = {
    {"list", cmd_list, false, false, false},	   {"show", cmd_show, true, false, false},
    {"create", cmd_create, true, true, true},	   {"set-password", cmd_set_password, true, false, false},
    {"unlock", cmd_unlock, true, false, false},	   {"reset-two-factor", cmd_reset_two_factor, true, false, false},
    {"set-role", cmd_set_role, true, true, false}, {"set-provider", cmd_set_provider, true, true, true},
};

/* The command line: the command, its EMAIL and argument, then options; flags gets the store's
 * options for config_load. -1 when it is not a command line of these commands. */
static int parse(struct cli *c, int argc, char **argv, char *flags[6], int *nflags)
{
	int k = -1;
	for (size_t i = 0; argc >= 3 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[2], commands[i].name) == 0)
			k = (int)i;
	if (k < 0)
		return -1;
	int i = 3;
	if (commands[k].email && (i >= argc || argv[i][0] == '-'))
		return -1;
	if (commands[k].email)
		c->email = argv[i++];
	if (commands[k].arg && i < argc && argv[i][0] != '-')
		c->arg = argv[i++];
	else if (commands[k].arg && !commands[k].optional_arg)
		return -1;
	flags[0] = argv[0];
	*nflags = 1;
	for (; i < argc; i++) {
		bool takes_password = commands[k].run == cmd_set_password || commands[k].run == cmd_create;
		if (takes_password && strcmp(argv[i], "--password-file") == 0 && i + 1 < argc) {
			c->password_file = argv[++i];
		} else if ((strcmp(argv[i], "--data-dir") == 0 || strcmp(argv[i], "--store-url") == 0) &&
			   i + 1 < argc && *nflags + 2 <= 6) {
			flags[(*nflags)++] = argv[i];
			flags[(*nflags)++] = argv[++i];
		} else {
			fprintf(stderr, "tusk: unexpected argument '%s'\n", argv[i]);
			return -1;
		}
	}
	c->command = commands[k].name;
	return k;
}

/* The account the command names: 0, or the exit code. */
static int find_account(struct cli *c)
{
	tusk_err err;
	char normalized[256];
	int found = store_user_by_email(c->st, c->email, &c->u, &err);
	/* internal users' names are normalised e-mail addresses; external names are taken as given */
	if (found == 0 && auth_email_normalize(c->email, normalized, &err))
		found = store_user_by_email(c->st, normalized, &c->u, &err);
	if (found > 0)
		return 0;
	fprintf(stderr, "tusk: %s\n", found < 0 ? err.msg : "there is no user with that e-mail address or name");
	return EXIT_FAILURE;
}

int cli_user(int argc, char **argv, char **env, cli_open_store open_store)
{
	struct cli c = {0};
	char *flags[6];
	int nflags = 0;
	int k = parse(&c, argc, argv, flags, &nflags);
	if (k < 0) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	tusk_err err;
	if (!config_load(&c.cfg, nflags, flags, env, &err)) {
		fprintf(stderr, "tusk: %s\n", err.msg);
		config_free(&c.cfg);
		return EXIT_CONFIG;
	}
	int rc = open_store(&c.cfg, &c.st);
	if (rc) {
		config_free(&c.cfg);
		return rc;
	}
	c.a = auth_new(c.st, &c.cfg);
	rc = commands[k].email && commands[k].run != cmd_create ? find_account(&c) : 0;
	if (rc == 0)
		rc = commands[k].run(&c);
	auth_free(c.a);
	store_close(c.st);
	config_free(&c.cfg);
	return rc;
}
