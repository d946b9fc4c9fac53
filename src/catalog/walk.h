/* A tree path taken apart (catalog/tree.c): the engine every tree, grid,
 * DDL, properties and statement request goes through, and what the unit
 * tests check without a server. Private to catalog/ (and its tests). */
#ifndef TUSK_CATALOG_WALK_H
#define TUSK_CATALOG_WALK_H

#include <stdbool.h>

#include "catalog/catalog.h"
#include "catalog/kinds.h"
#include "util/err.h"
#include "util/str.h"

typedef struct {
	char *db;	       /* inside a database: its name */
	const char *params[2]; /* the ancestor names the next listing takes */
	int nparams;
	char *names[16]; /* the members' names along the way */
	int nnames;
	const catalog_kind *kind;    /* the member the path ends at, or the members of the collection it ends at */
	const catalog_listing *list; /* the last collection on the way; NULL at a database itself */
	bool at_member;
} catalog_walk;

/* "/c0/n0/c1/n1...", names percent-decoded: each collection one the
 * member before it has; false (err not_found) for a path naming nothing. */
bool catalog_walk_path(const char *path, catalog_walk *w, tusk_err *err);
void catalog_walk_free(catalog_walk *w);

/* The SQL of one page of the collection at q->path, as catalog_collection
 * runs it: its listing's parameters ($1...) then the page's limit and
 * offset; *db the database it runs in (malloc'd, NULL: the maintenance
 * database). err not_found (not a collection) or invalid_order. */
bool catalog_grid_sql(const catalog_grid_query *q, str *sql, char **db, tusk_err *err);

#endif
