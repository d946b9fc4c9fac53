/* The schema diff's own parts, shared by schema_diff.c (inventory, pairing,
 * order, output) and schema_diff_table.c (a table's or view's changes in
 * place). Private to catalog/. */
#ifndef TUSK_CATALOG_SCHEMA_DIFF_H
#define TUSK_CATALOG_SCHEMA_DIFF_H

#include <jansson.h>
#include <libpq-fe.h>

#include "catalog/catalog.h"
#include "catalog/locks.h"

/* One object of one side. */
struct sd_obj {
	char *kind, *schema, *name; /* name: as the tree's path names it ("f(integer)") */
	char *key;		    /* the side's own: "c<oid>", "p<oid>", "t<oid>", "n<oid>" */
	char *path, *ddl, *cmp;	    /* tree path; DDL; what it is compared by (the inventory, the options applied) */
	/* owner, comment, acl, size and the kind's structure; of an object identical on both sides only
	 * owner, comment and acl_key until sd_full_info (parsing every object's took longer than the
	 * rest of the comparison) */
	json_t *info;
	char *raw;   /* the inventory's text of info, until sd_full_info parses it */
	char *names; /* a table's column names in their order, as JSON (info has its columns by name) */
	bool mark;   /* ordering / dependants */
};

struct sd_side {
	const catalog_diff_side *in;
	struct sd_obj *o;
	size_t n;
	size_t *from, *to; /* o[from[i]] depends on o[to[i]] */
	size_t ndep;
	/* the side's own work runs on a thread of its own: its failure */
	pg_error pe;
	tusk_err err;
	const catalog_diff_options *opt;
	struct sd_item **items; /* each object's pair, once paired */
	bool ok;
};

struct sd_stmt {
	char *sql, *object;
	char *comment; /* said before it in the script ("-- ..."), or NULL */
	enum catalog_stmt stmt;
	const struct sd_obj *table; /* the target's table it locks, or NULL */
};

struct sd_script {
	PGconn *c; /* the target's connection: quoting */
	const catalog_diff_options *opt;
	struct sd_stmt *s;
	size_t n, cap;
	json_t *warnings;
	const char *object; /* whose statements are being added */
};

/* o->info in full (once; those not identical have it before the plan), a table's columns in their order. */
void sd_full_info(struct sd_obj *o);

/* Appends one statement (sql ends with ';'), taking ownership of sql. */
void sd_add(struct sd_script *sc, char *sql, enum catalog_stmt stmt, const struct sd_obj *table);
/* The comment said before the last statement added (taking ownership of text). */
void sd_comment(struct sd_script *sc, char *text);
/* Where a table's columns stand otherwise than in the source (PostgreSQL appends a new column), as
 * sentences appended to notes; none when the order is the same. */
void sd_column_order(const struct sd_obj *s, const struct sd_obj *t, json_t *notes);
/* Owner, comment and privileges of t (ref: as statements name it) made like s's. */
void sd_meta(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t, const char *ref);
/* The partitions of a partitioned table the script creates, after its DDL. */
void sd_partitions(struct sd_script *sc, const struct sd_obj *s);
/* A table's changes in place (columns, constraints, indexes, triggers, then sd_meta); false when it has none. */
bool sd_table(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t);
/* A view's CREATE OR REPLACE when its columns are only appended to: false when it must be recreated. */
bool sd_view(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t);

/* A sequence's parameters (ALTER SEQUENCE) when they differ; false when they do not. */
bool sd_sequence(struct sd_script *sc, const struct sd_obj *s, const struct sd_obj *t, const char *ref);

#endif
