/* User names in one form (src/auth/names.c): what a directory matching loosely takes as one name
 * is one key here (issue 19, finding 1). */
#include <criterion/criterion.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/internal.h"

static const char *fold(const char *in, bool keep_case)
{
	static char out[256];
	return auth_name_fold(in, keep_case, out) ? out : NULL;
}

Test(auth_names, every_spelling_of_a_name_folds_to_one)
{
	const char *alice[] = {"alice",	 "ALICE",   "Alice",	   "ａｌｉｃｅ",  "aｌice",
			       " alice", "alice  ", "\u3000alice", "ali\u200bce", "\u00a0alice\u2003"};
	for (size_t i = 0; i < sizeof(alice) / sizeof(*alice); i++) {
		const char *f = fold(alice[i], false);
		cr_assert(f && strcmp(f, "alice") == 0, "'%s' folds to '%s'", alice[i], f ? f : "(refused)");
	}
	/* Unicode case folding beyond ASCII, and compatibility forms */
	cr_assert_str_eq(fold("ÜRSULA", false), "ürsula");
	cr_assert_str_eq(fold("Straße", false), "strasse");
	cr_assert_str_eq(fold("ﬁnn", false), "finn");
	/* keep_case: compatibility forms and spaces only */
	cr_assert_str_eq(fold(" Ａlice ", true), "Alice");
}

Test(auth_names, names_with_nothing_or_control_characters_are_refused)
{
	const char *bad[] = {"", "   ", "\u200b", "al\x01ice", "alice\n", "\talice", "\xff\xfe", "a\x7f"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert_null(fold(bad[i], false), "entry %zu taken", i);
	char long_name[400];
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	cr_assert_null(fold(long_name, false));
}

Test(auth_names, throttle_keys_never_reach_the_second_step_namespace)
{
	char key[264], second[264];
	store_user u = {.id = 7};
	auth_second_step_key(&u, second);
	cr_assert_str_eq(second, "2FA:7");
	const char *typed[] = {"2FA:7", "2fa:7", "２ＦＡ:7", " 2FA:7 "};
	for (size_t i = 0; i < sizeof(typed) / sizeof(*typed); i++) {
		auth_throttle_key(typed[i], key);
		cr_assert_str_neq(key, second, "'%s' reaches the second step's counter", typed[i]);
	}
	/* a name that does not fold is kept as a digest, not as its text */
	auth_throttle_key("pass\x01word", key);
	cr_assert(key[0] == '#' && strstr(key, "pass") == NULL, "%s", key);
	auth_throttle_key("ＡＤＭＩＮ@tusk.local", key);
	cr_assert_str_eq(key, "admin@tusk.local");
}

static const char *key(const char *in, bool keep_case)
{
	static char out[256];
	return auth_name_key(in, keep_case, out) ? out : NULL;
}

/* Account names (outsider round 6): the name itself in lower case; never folded into
 * another's, and refused when it could pass for another. */
Test(auth_names, account_names_are_never_merged_into_another)
{
	cr_assert_str_eq(key("Alice@Example.org", false), "alice@example.org");
	cr_assert_str_eq(key("Alice", true), "Alice");
	cr_assert_str_eq(key("ÜRSULA", false), "ürsula");
	cr_assert_str_eq(key("Straße", false), "straße"); /* not "strasse": another person */
	cr_assert_str_eq(key("STRAẞE", false), "straße");
	cr_assert_str_eq(key("\u00e9mile", false), "\u00e9mile");
	/* not composed (NFC): a decomposed accent, signs whose composed form is another letter */
	const char *refused[] = {
	    "e\u0301mile", "\u212aim",	  "\u2126mega",	 "\u212bngstrom", "a\u0387b",	 "al\u00adice",
	    "al\u200dice", "al\u200bice", "alice\ufe0f", "al\u2060ice",	  "al\u034fice", "ａｌｉｃｅ",
	    "ﬁnn",	   " alice",	  "alice ",	 "al\x01ice",	  "\xff\xfe",	 "",
	    "x\u202ey"};
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++)
		cr_assert_null(key(refused[i], false), "entry %zu taken", i);
}
