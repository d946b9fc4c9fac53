/* A user's preferences (the Preferences dialog), kept in the store: one
 * object of known keys, each a flag, a whole number in a range, one of a
 * few words, or a keyboard shortcut. GET answers every key (the default
 * where the user chose nothing); PUT takes some of them (null: back to the
 * default), checks all before keeping any, and answers the whole set. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

enum pref_type { PREF_BOOL, PREF_INT, PREF_CHOICE };

struct pref {
	const char *key;
	enum pref_type type;
	json_int_t min, max, def;   /* PREF_INT; PREF_BOOL: def 0/1 */
	const char *const *choices; /* PREF_CHOICE: NULL-terminated, the first is the default */
};

static const char *const THEMES[] = {"system", "light", "dark", NULL};
static const char *const NUMBER_FORMATS[] = {"plain", "grouped", NULL};
static const char *const DATE_FORMATS[] = {"iso", "locale", NULL};

static const struct pref PREFS[] = {
    {"theme", PREF_CHOICE, 0, 0, 0, THEMES},
    {"editor_font_size", PREF_INT, 9, 24, 13, NULL},
    {"editor_tab_size", PREF_INT, 1, 8, 2, NULL},
    {"autocompletion", PREF_BOOL, 0, 0, 1, NULL},
    {"query_row_limit", PREF_INT, 0, 10000000, 0, NULL},
    {"view_data_limit", PREF_INT, 0, 1000000, 0, NULL},
    {"number_format", PREF_CHOICE, 0, 0, 0, NUMBER_FORMATS},
    {"date_format", PREF_CHOICE, 0, 0, 0, DATE_FORMATS},
    {"confirm_close_unsaved", PREF_BOOL, 0, 0, 0, NULL},
};

/* The query tool's commands a user may rebind, with their keys by default. */
static const struct {
	const char *action, *def;
} SHORTCUTS[] = {
    {"execute", "F5"},
    {"explain", "F7"},
    {"explain_analyze", "Shift+F7"},
    {"format", "Ctrl+Shift+F"},
};
#define NSHORTCUTS (sizeof(SHORTCUTS) / sizeof(*SHORTCUTS))
#define MAX_PREFS_BODY (16 * 1024)

static json_t *default_of(const struct pref *p)
{
	switch (p->type) {
	case PREF_BOOL:
		return json_boolean(p->def);
	case PREF_INT:
		return json_integer(p->def);
	case PREF_CHOICE:
		return json_string(p->choices[0]);
	}
	return json_null();
}

static const struct pref *find_pref(const char *key)
{
	for (size_t i = 0; i < sizeof(PREFS) / sizeof(*PREFS); i++)
		if (strcmp(PREFS[i].key, key) == 0)
			return &PREFS[i];
	return NULL;
}

/* Whether v is a value of p; else the sentence why not in why. */
static bool pref_valid(const struct pref *p, json_t *v, char *why, size_t n)
{
	if (p->type == PREF_BOOL && !json_is_boolean(v)) {
		snprintf(why, n, "'%s' must be true or false.", p->key);
		return false;
	}
	if (p->type == PREF_INT &&
	    (!json_is_integer(v) || json_integer_value(v) < p->min || json_integer_value(v) > p->max)) {
		snprintf(why, n, "'%s' must be a whole number from %lld to %lld.", p->key, (long long)p->min,
			 (long long)p->max);
		return false;
	}
	if (p->type == PREF_CHOICE) {
		for (size_t i = 0; json_is_string(v) && p->choices[i]; i++)
			if (strcmp(p->choices[i], json_string_value(v)) == 0)
				return true;
		str list = STR_INIT;
		for (size_t i = 0; p->choices[i]; i++)
			str_appendf(&list, "%s'%s'", i ? ", " : "", p->choices[i]);
		snprintf(why, n, "'%s' must be one of %s.", p->key, str_cstr(&list));
		str_free(&list);
		return false;
	}
	return true;
}

/* "Ctrl+Alt+Shift+Meta+Key" (modifiers in that order, each once): Key is F1-F12, or
 * A-Z, 0-9 or Enter with Ctrl, Alt or Meta (else it would stop typing). */
static bool shortcut_valid(const char *s)
{
	static const char *const MODS[] = {"Ctrl+", "Alt+", "Shift+", "Meta+"};
	bool command = false;
	for (size_t i = 0; i < 4; i++)
		if (strncmp(s, MODS[i], strlen(MODS[i])) == 0) {
			command = command || i != 2;
			s += strlen(MODS[i]);
		}
	if (s[0] == 'F' && s[1] >= '1' && s[1] <= '9' &&
	    (!s[2] || (s[1] == '1' && s[2] >= '0' && s[2] <= '2' && !s[3])))
		return true;
	bool single = s[0] && !s[1] && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9'));
	return command && (single || strcmp(s, "Enter") == 0);
}

/* Checks a "shortcuts" object over the stored one into merged: known actions, valid keys, no key twice. */
static bool shortcuts_merge(json_t *given, json_t *merged, char *why, size_t n)
{
	if (!json_is_object(given)) {
		snprintf(why, n, "'shortcuts' must be an object of actions and keys.");
		return false;
	}
	const char *action;
	json_t *v;
	json_object_foreach(given, action, v)
	{
		size_t i = 0;
		while (i < NSHORTCUTS && strcmp(SHORTCUTS[i].action, action) != 0)
			i++;
		if (i == NSHORTCUTS) {
			snprintf(why, n, "There is no shortcut '%.100s' (execute, explain, explain_analyze, format).",
				 action);
			return false;
		}
		if (!json_is_null(v) && (!json_is_string(v) || !shortcut_valid(json_string_value(v)))) {
			snprintf(why, n, "The key for '%s' must read like F5, Shift+F7 or Ctrl+Shift+F.", action);
			return false;
		}
		json_object_set_new(merged, action, json_is_null(v) ? json_string(SHORTCUTS[i].def) : json_incref(v));
	}
	for (size_t i = 0; i < NSHORTCUTS; i++)
		for (size_t j = i + 1; j < NSHORTCUTS; j++)
			if (json_equal(json_object_get(merged, SHORTCUTS[i].action),
				       json_object_get(merged, SHORTCUTS[j].action))) {
				snprintf(why, n, "'%s' and '%s' would have the same key, %s.", SHORTCUTS[i].action,
					 SHORTCUTS[j].action,
					 json_string_value(json_object_get(merged, SHORTCUTS[i].action)));
				return false;
			}
	return true;
}

/* Every key: the stored value where it is still valid, else the default. */
static json_t *complete(json_t *stored)
{
	json_t *out = json_object(), *keys = json_object(), *had = json_object_get(stored, "shortcuts");
	char why[200];
	for (size_t i = 0; i < sizeof(PREFS) / sizeof(*PREFS); i++) {
		json_t *v = json_object_get(stored, PREFS[i].key);
		json_object_set_new(out, PREFS[i].key,
				    v && pref_valid(&PREFS[i], v, why, sizeof(why)) ? json_incref(v)
										    : default_of(&PREFS[i]));
	}
	for (size_t i = 0; i < NSHORTCUTS; i++) {
		json_t *v = json_object_get(had, SHORTCUTS[i].action);
		json_object_set_new(keys, SHORTCUTS[i].action,
				    json_is_string(v) && shortcut_valid(json_string_value(v))
					? json_incref(v)
					: json_string(SHORTCUTS[i].def));
	}
	json_object_set_new(out, "shortcuts", keys);
	return out;
}

/* The user's whole set (defaults filled in); NULL after answering a store failure. */
static json_t *load(http_req *r)
{
	char *text = NULL;
	tusk_err err;
	if (!store_preferences_get(api_store(r), api_session(r)->user.id, &text, &err)) {
		api_internal_error(r, &err);
		return NULL;
	}
	json_t *stored = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	json_t *out = complete(stored);
	json_decref(stored);
	return out;
}

static void respond(http_req *r, json_t *prefs)
{
	json_t *body = json_pack("{s:o}", "preferences", prefs);
	char *text = json_dumps(body, JSON_COMPACT);
	str out = STR_INIT;
	str_append_cstr(&out, text);
	free(text);
	json_decref(body);
	http_respond_json(r, 200, &out);
}

void api_preferences_get(http_req *r)
{
	json_t *prefs = load(r);
	if (prefs)
		respond(r, prefs);
}

/* Applies the given keys to prefs; false with the sentence why for the first bad one. */
static bool merge(json_t *prefs, json_t *given, char *why, size_t n)
{
	const char *key;
	json_t *v;
	json_object_foreach(given, key, v)
	{
		if (strcmp(key, "shortcuts") == 0) {
			json_t *keys = json_object_get(prefs, "shortcuts");
			for (size_t i = 0; json_is_null(v) && i < NSHORTCUTS; i++)
				json_object_set_new(keys, SHORTCUTS[i].action, json_string(SHORTCUTS[i].def));
			if (!json_is_null(v) && !shortcuts_merge(v, keys, why, n))
				return false;
			continue;
		}
		const struct pref *p = find_pref(key);
		if (!p) {
			snprintf(why, n, "There is no preference '%.100s'.", key);
			return false;
		}
		if (!json_is_null(v) && !pref_valid(p, v, why, n))
			return false;
		json_object_set_new(prefs, key, json_is_null(v) ? default_of(p) : json_incref(v));
	}
	return true;
}

void api_preferences_put(http_req *r)
{
	if (http_req_body(r).len > MAX_PREFS_BODY) {
		http_respond_error(r, ERR_BODY_TOO_LARGE, "Preferences may be at most 16 KiB.");
		return;
	}
	json_t *body = http_req_json(r);
	if (!body)
		return;
	json_t *given = json_object_get(body, "preferences");
	if (!json_is_object(given)) {
		http_respond_error(r, ERR_INVALID_FIELD, "Send {\"preferences\": {...}} with the keys to change.");
		return;
	}
	json_t *prefs = load(r);
	if (!prefs)
		return;
	char why[300];
	if (!merge(prefs, given, why, sizeof(why))) {
		json_decref(prefs);
		http_respond_error(r, ERR_INVALID_FIELD, "%s", why);
		return;
	}
	char *text = json_dumps(prefs, JSON_COMPACT);
	tusk_err err;
	bool ok = store_preferences_put(api_store(r), api_session(r)->user.id, text, &err);
	free(text);
	if (!ok) {
		json_decref(prefs);
		api_internal_error(r, &err);
		return;
	}
	respond(r, prefs);
}
