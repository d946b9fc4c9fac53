#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "files/files.h"

/* Each test gets a data directory of its own under TMPDIR, removed afterwards. */
static char data_dir[PATH_MAX];
static char *root;

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(data_dir, sizeof(data_dir), "%s/tusk-storage-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	cr_assert(mkdtemp(data_dir), "mkdtemp");
	tusk_err err;
	cr_assert(files_user_root(data_dir, 7, &root, &err), "%s", err.msg);
}

static void teardown(void)
{
	tusk_err err;
	free(root);
	root = NULL;
	cr_assert(files_remove_tree(data_dir, &err), "%s", err.msg);
}

TestSuite(files, .init = setup, .fini = teardown);

static void make_file(const char *rel, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	cr_assert(f, "fopen %s", path);
	fputs(text, f);
	fclose(f);
}

static void make_dir(const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_eq(mkdir(path, 0700), 0, "mkdir %s", path);
}

static void make_link(const char *target, const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_eq(symlink(target, path), 0, "symlink %s", path);
}

/* Resolves rel and expects a refusal with code and a message containing words. */
static void refused(const char *rel, bool must_exist, const char *code, const char *words)
{
	char *abs = NULL;
	tusk_err err = {0};
	bool ok = files_resolve(data_dir, 7, rel, must_exist, &abs, &err);
	cr_assert_not(ok, "'%s' was accepted as %s", rel, abs ? abs : "?");
	cr_assert_str_eq(err_name(err.code), code, "'%s': code %s (%s)", rel, err_name(err.code), err.msg);
	cr_assert(strstr(err.msg, words), "'%s': message '%s' lacks '%s'", rel, err.msg, words);
}

/* Resolves rel and expects root + "/" + want. */
static void resolves(const char *rel, bool must_exist, const char *want)
{
	char *abs = NULL;
	tusk_err err;
	cr_assert(files_resolve(data_dir, 7, rel, must_exist, &abs, &err), "'%s': %s", rel, err.msg);
	char expect[PATH_MAX];
	snprintf(expect, sizeof(expect), "%s%s%s", root, *want ? "/" : "", want);
	cr_assert_str_eq(abs, expect);
	free(abs);
}

Test(files, the_area_is_created_0700_under_the_data_dir)
{
	struct stat st;
	cr_assert_eq(stat(root, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 0777, 0700);
	char *real = realpath(data_dir, NULL);
	char expect[PATH_MAX];
	snprintf(expect, sizeof(expect), "%s/storage/7", real);
	cr_assert_str_eq(root, expect);
	free(real);
	char *again;
	tusk_err err;
	cr_assert(files_user_root(data_dir, 7, &again, &err), "%s", err.msg);
	cr_assert_str_eq(again, root);
	free(again);
	cr_assert_not(files_user_root(data_dir, 0, &again, &err));
}

Test(files, normal_nested_paths_resolve)
{
	make_dir("backups");
	make_dir("backups/2024");
	make_file("backups/2024/app.dump", "x");
	resolves("", true, "");
	resolves(".", true, "");
	resolves("backups", true, "backups");
	resolves("backups/2024/app.dump", true, "backups/2024/app.dump");
	resolves("backups//2024/./app.dump", true, "backups/2024/app.dump");
	resolves("backups/2024/", true, "backups/2024");
	resolves("backups/2024/new.dump", false, "backups/2024/new.dump");
	resolves("..hidden", false, "..hidden");
	resolves("a..b", false, "a..b");
	resolves("caf\xc3\xa9 \xe2\x82\xac.sql", false, "caf\xc3\xa9 \xe2\x82\xac.sql");
}

Test(files, missing_things_are_not_found)
{
	refused("nothing.dump", true, "not_found", "'nothing.dump' does not exist");
	refused("no/such/folder.dump", false, "not_found", "'no' does not exist");
}

Test(files, dot_dot_is_refused_wherever_it_is)
{
	make_dir("a");
	refused("..", false, "invalid_path", "'..'");
	refused("../x", false, "invalid_path", "'..'");
	refused("a/../../x", false, "invalid_path", "'..'");
	refused("a/..", true, "invalid_path", "'..'");
	refused("a/../a", true, "invalid_path", "'..'");
	refused("../7/a", true, "invalid_path", "'..'");
}

Test(files, absolute_paths_are_refused)
{
	refused("/etc/passwd", true, "invalid_path", "starts with '/'");
	refused("/", true, "invalid_path", "starts with '/'");
	char abs[PATH_MAX];
	snprintf(abs, sizeof(abs), "%s/x", root); /* even one inside the area */
	refused(abs, false, "invalid_path", "starts with '/'");
}

Test(files, a_symlink_to_etc_is_refused)
{
	make_link("/etc", "etc");
	refused("etc", true, "invalid_path", "symbolic link");
	refused("etc/passwd", true, "invalid_path", "'etc' is a symbolic link");
	refused("etc/new-file", false, "invalid_path", "'etc' is a symbolic link");
}

Test(files, a_symlink_inside_pointing_out_is_refused)
{
	make_dir("inner");
	make_link("../../../..", "inner/up");
	make_link("/etc/passwd", "inner/passwd");
	refused("inner/up/etc/passwd", true, "invalid_path", "'inner/up' is a symbolic link");
	refused("inner/passwd", true, "invalid_path", "'inner/passwd' is a symbolic link");
	/* writing through a dangling link to a new file outside is refused too */
	make_link("/tmp/tusk-should-not-exist", "inner/dangling");
	refused("inner/dangling", false, "invalid_path", "symbolic link");
}

Test(files, even_a_symlink_pointing_inside_is_refused)
{
	make_dir("real");
	make_file("real/f", "x");
	make_link("real", "alias");
	refused("alias/f", true, "invalid_path", "'alias' is a symbolic link");
}

Test(files, a_file_is_not_a_folder)
{
	make_file("plain", "x");
	refused("plain/x", false, "invalid_path", "'plain' is not a folder");
}

Test(files, control_characters_and_bad_utf8_are_refused)
{
	refused("a\nb", false, "invalid_path", "control character");
	refused("tab\there", false, "invalid_path", "control character");
	refused("del\x7f", false, "invalid_path", "control character");
	refused("bad\xff", false, "invalid_path", "UTF-8");
	refused("overlong\xc0\xaf", false, "invalid_path", "UTF-8");
	refused("surrogate\xed\xa0\x80", false, "invalid_path", "UTF-8");
	refused("cut\xe2\x82", false, "invalid_path", "UTF-8");
}

Test(files, a_nul_byte_ends_the_c_string_and_nothing_past_it_is_seen)
{
	/* "a\0/../../etc": C callers cannot pass past a NUL; the HTTP layer
	 * refuses values with one (tests/api/storage.test.mjs) */
	const char with_nul[] = "a\0/../../etc/passwd";
	resolves(with_nul, false, "a");
}

Test(files, very_long_names_and_paths_are_refused)
{
	char name[FILES_NAME_MAX + 2];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	refused(name, false, "invalid_path", "longer than 255 bytes");
	name[FILES_NAME_MAX] = '\0'; /* exactly the longest name */
	resolves(name, false, name);
	char path[FILES_PATH_MAX + 64];
	size_t n = 0;
	while (n + 4 < sizeof(path) - 1) {
		memcpy(path + n, "abc/", 4);
		n += 4;
	}
	path[n] = '\0';
	refused(path, false, "invalid_path", "longer than 1024 bytes");
}

Test(files, usage_counts_regular_files_and_not_links)
{
	make_dir("d");
	make_file("d/a", "12345");
	make_file("b", "123");
	make_link("/etc/passwd", "d/link");
	uint64_t used = 0;
	tusk_err err;
	cr_assert(files_usage(data_dir, 7, &used, &err), "%s", err.msg);
	cr_assert_eq(used, 8);
	cr_assert(files_quota_check(data_dir, 7, 0, 1ull << 40, &err), "0 is unlimited");
	cr_assert(files_quota_check(data_dir, 7, 10, 2, &err), "%s", err.msg);
	cr_assert_not(files_quota_check(data_dir, 7, 10, 3, &err));
	cr_assert_str_eq(err_name(err.code), "quota_exceeded");
	cr_assert_not(files_quota_check(data_dir, 7, 5, 0, &err), "already over");
}

Test(files, remove_tree_removes_links_not_their_targets)
{
	char outside[PATH_MAX + 16];
	snprintf(outside, sizeof(outside), "%s/outside", data_dir);
	cr_assert_eq(mkdir(outside, 0700), 0);
	char keep[PATH_MAX + 32];
	snprintf(keep, sizeof(keep), "%s/keep", outside);
	FILE *f = fopen(keep, "w");
	fputs("keep", f);
	fclose(f);
	make_dir("d");
	make_dir("d/e");
	make_file("d/e/f", "x");
	make_link(outside, "d/out");
	char *abs;
	tusk_err err;
	cr_assert(files_resolve(data_dir, 7, "d", true, &abs, &err), "%s", err.msg);
	cr_assert(files_remove_tree(abs, &err), "%s", err.msg);
	struct stat st;
	cr_assert_neq(lstat(abs, &st), 0, "the folder is gone");
	cr_assert_eq(stat(keep, &st), 0, "the link's target is untouched");
	free(abs);
}

Test(storage_config, the_quota_defaults_to_10_gib_flag_beats_env_and_zero_means_unlimited)
{
	config c;
	tusk_err err;
	char *argv[] = {"tusk", NULL};
	char *envp[] = {NULL};
	cr_assert(config_load(&c, 1, argv, envp, &err), "%s", err.msg);
	cr_assert_eq(c.storage_quota_mb, 10240);
	config_free(&c);
	char *argv2[] = {"tusk", "--storage-quota-mb", "0", NULL};
	char *envp2[] = {"TUSK_STORAGE_QUOTA_MB=5", NULL};
	cr_assert(config_load(&c, 3, argv2, envp2, &err), "%s", err.msg);
	cr_assert_eq(c.storage_quota_mb, 0);
	config_free(&c);
	cr_assert(config_load(&c, 1, argv, envp2, &err), "%s", err.msg);
	cr_assert_eq(c.storage_quota_mb, 5);
	config_free(&c);
	char *envp3[] = {"TUSK_STORAGE_QUOTA_MB=-1", NULL};
	cr_assert_not(config_load(&c, 1, argv, envp3, &err));
	config_free(&c);
}
