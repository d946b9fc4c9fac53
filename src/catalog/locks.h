/* What a DDL statement costs on the server that runs it: the lock it takes
 * on the table it changes, whether it rewrites or scans that table, and the
 * safer way to do the same thing where PostgreSQL has one. Keyed by the kind
 * of statement as Tusk builds it, never read back from SQL text, so every
 * preview that builds statements (the schema diff's script, table
 * Properties) can show the same annotation. Private to catalog/. */
#ifndef TUSK_CATALOG_LOCKS_H
#define TUSK_CATALOG_LOCKS_H

#include <stdbool.h>

enum catalog_stmt {
	STMT_OTHER,	 /* nothing PostgreSQL locks a table for */
	STMT_CREATE,	 /* a new object */
	STMT_DROP,	 /* DROP of an object */
	STMT_DROP_TABLE, /* DROP TABLE / VIEW / MATERIALIZED VIEW */
	STMT_ADD_COLUMN, /* without a default, or with a non-volatile one */
	STMT_DROP_COLUMN,
	STMT_SET_TYPE,	  /* ALTER COLUMN TYPE */
	STMT_SET_DEFAULT, /* SET / DROP DEFAULT */
	STMT_SET_NOT_NULL,
	STMT_DROP_NOT_NULL,
	STMT_IDENTITY,	       /* ADD / SET / DROP identity */
	STMT_ADD_CHECK,	       /* ADD CONSTRAINT CHECK, validated */
	STMT_ADD_FOREIGN_KEY,  /* ADD CONSTRAINT FOREIGN KEY, validated */
	STMT_ADD_NOT_VALID,    /* ADD CONSTRAINT CHECK ... NOT VALID */
	STMT_ADD_FK_NOT_VALID, /* ADD CONSTRAINT FOREIGN KEY ... NOT VALID */
	STMT_ADD_KEY,	       /* ADD PRIMARY KEY / UNIQUE / EXCLUDE (builds an index) */
	STMT_VALIDATE,	       /* VALIDATE CONSTRAINT */
	STMT_DROP_CONSTRAINT,
	STMT_CREATE_INDEX,
	STMT_CREATE_INDEX_CONCURRENTLY,
	STMT_DROP_INDEX,
	STMT_DROP_INDEX_CONCURRENTLY,
	STMT_CREATE_TRIGGER,
	STMT_DROP_TRIGGER,
	STMT_COMMENT_TABLE, /* COMMENT ON TABLE / COLUMN */
	STMT_OWNER_TABLE,   /* ALTER TABLE / VIEW OWNER TO */
	STMT_GRANT,	    /* GRANT / REVOKE */
	STMT_REPLACE_VIEW,  /* CREATE OR REPLACE VIEW over an existing view */
	STMT_REPLACE_FUNCTION,
	STMT_ENUM_ADD_VALUE,
	STMT_ALTER_SEQUENCE,
	STMT_RENAME,		 /* ALTER TABLE / VIEW RENAME [COLUMN | CONSTRAINT] */
	STMT_RENAME_INDEX,	 /* ALTER INDEX RENAME: on the index only */
	STMT_SET_SCHEMA,	 /* ALTER TABLE / VIEW SET SCHEMA */
	STMT_POLICY,		 /* CREATE / ALTER / DROP POLICY */
	STMT_TRIGGER_ENABLE,	 /* ALTER TABLE ENABLE / DISABLE TRIGGER */
	STMT_ROW_SECURITY,	 /* ALTER TABLE [NO] FORCE / ENABLE / DISABLE ROW LEVEL SECURITY */
	STMT_LOCK_TIMEOUT,	 /* SET LOCAL lock_timeout: the preamble */
	STMT_SET_STORAGE,	 /* ALTER COLUMN SET STORAGE */
	STMT_SET_COMPRESSION,	 /* ALTER COLUMN SET COMPRESSION */
	STMT_SET_STATISTICS,	 /* ALTER COLUMN SET STATISTICS */
	STMT_SET_COLUMN_OPTIONS, /* ALTER COLUMN SET / RESET (n_distinct ...) */
	STMT_RULE,		 /* CREATE / DROP RULE */
	STMT_PARTITION,		 /* CREATE TABLE ... PARTITION OF: on the partitioned table */
	STMT_KINDS
};

enum catalog_effect {
	EFFECT_NONE,	/* catalog only */
	EFFECT_SCAN,	/* reads every row to validate */
	EFFECT_REWRITE, /* writes a new copy of the table and its indexes */
	EFFECT_BUILD,	/* reads every row to build an index */
};

typedef struct {
	enum catalog_stmt stmt;
	const char *lock; /* PostgreSQL's name of the lock on the table: "AccessExclusiveLock"; NULL: none */
	const char *mode; /* as the documentation writes it: "ACCESS EXCLUSIVE" */
	enum catalog_effect effect;
	const char *note;  /* when the effect differs ("a volatile default rewrites") or NULL */
	const char *safer; /* the safer equivalent, or NULL */
} catalog_lock_info;

/* The row for a statement kind (STMT_OTHER's for one out of range). */
const catalog_lock_info *catalog_lock_of(enum catalog_stmt stmt);
/* Whether the kind's safer way is a lock_timeout preamble (SET LOCAL lock_timeout). */
bool catalog_lock_safer_is_timeout(const catalog_lock_info *l);
/* The timeout the preamble sets (the one the safer way names). */
#define CATALOG_LOCK_TIMEOUT "5s"
/* "none", "scan", "rewrite", "build". */
const char *catalog_effect_name(enum catalog_effect e);

#endif
