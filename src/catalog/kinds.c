/* Finding a kind's row: by the tree's name, by the collection listing it,
 * by PostgreSQL's address type; and walking them all, family by family. */
#include "catalog/kinds.h"

#include <string.h>

static const catalog_kind *const families[] = {catalog_server_kinds, catalog_database_kinds, catalog_relation_kinds,
					       catalog_routine_kinds, catalog_type_kinds};
#define NFAMILIES (sizeof(families) / sizeof(*families))

const catalog_kind *catalog_kind_first(void)
{
	return families[0];
}

const catalog_kind *catalog_kind_next(const catalog_kind *k)
{
	if (k[1].kind)
		return k + 1;
	for (size_t f = 0; f + 1 < NFAMILIES; f++) {
		const catalog_kind *last = families[f];
		while (last[1].kind)
			last++;
		if (last == k)
			return families[f + 1];
	}
	return NULL;
}

const catalog_kind *catalog_kind_named(const char *kind)
{
	for (const catalog_kind *k = catalog_kind_first(); k; k = catalog_kind_next(k))
		if (strcmp(k->kind, kind) == 0)
			return k;
	return NULL;
}

const catalog_kind *catalog_kind_listing(const char *collection, const catalog_listing **list)
{
	for (const catalog_kind *k = catalog_kind_first(); k; k = catalog_kind_next(k)) {
		if (strcmp(k->list->collection, collection) == 0) {
			*list = k->list;
			return k;
		}
		if (k->also && strcmp(k->also->collection, collection) == 0) {
			*list = k->also;
			return k;
		}
	}
	return NULL;
}

const catalog_kind *catalog_kind_typed(const char *identify)
{
	for (const catalog_kind *k = catalog_kind_first(); k; k = catalog_kind_next(k))
		if (k->identify && strcmp(k->identify, identify) == 0)
			return k;
	return NULL;
}

int catalog_level_params(enum catalog_level level)
{
	switch (level) {
	case CATALOG_AT_SERVER:
	case CATALOG_AT_DATABASE:
		return 0;
	case CATALOG_AT_SCHEMA:
	case CATALOG_AT_FDW:
		return 1;
	default:
		return 2;
	}
}
