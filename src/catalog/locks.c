/* The lock each kind of DDL statement takes on its table and what it does
 * to the table's rows, as PostgreSQL's documentation of ALTER TABLE, CREATE
 * INDEX and explicit locking says and tests/api/schema-diff.test.mjs checks
 * against pg_locks. One row per statement kind as Tusk builds it. */
#include <stddef.h>
#include <string.h>

#include "catalog/locks.h"

#define AE "AccessExclusiveLock", "ACCESS EXCLUSIVE"
#define SUE "ShareUpdateExclusiveLock", "SHARE UPDATE EXCLUSIVE"
#define SRE "ShareRowExclusiveLock", "SHARE ROW EXCLUSIVE"
#define TIMEOUT "SET lock_timeout = '5s' first: waiting for the lock queues every other query on the table behind it"

static const catalog_lock_info LOCKS[STMT_KINDS] = {
    {STMT_OTHER, NULL, NULL, EFFECT_NONE, NULL, NULL},
    {STMT_CREATE, NULL, NULL, EFFECT_NONE,
     "a new object; a foreign key in it locks the referenced table SHARE ROW EXCLUSIVE", NULL},
    {STMT_DROP, NULL, NULL, EFFECT_NONE, NULL, NULL},
    {STMT_DROP_TABLE, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_ADD_COLUMN, AE, EFFECT_NONE,
     "no rewrite unless the column has a volatile default (random(), clock_timestamp())", TIMEOUT},
    {STMT_DROP_COLUMN, AE, EFFECT_NONE, "the space is reclaimed only by a later rewrite", TIMEOUT},
    {STMT_SET_TYPE, AE, EFFECT_REWRITE,
     "no rewrite when the old type is binary-coercible to the new (varchar(n) to a longer one or text)",
     "add a new column, backfill it in batches, then swap names in one short transaction"},
    {STMT_SET_DEFAULT, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_SET_NOT_NULL, AE, EFFECT_SCAN, "no scan when a validated CHECK (col IS NOT NULL) already proves it",
     "ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE), then SET "
     "NOT NULL skips the scan"},
    {STMT_DROP_NOT_NULL, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_IDENTITY, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_ADD_CHECK, AE, EFFECT_SCAN, NULL,
     "ADD CONSTRAINT ... NOT VALID (brief lock, no scan), then VALIDATE CONSTRAINT under SHARE UPDATE EXCLUSIVE"},
    {STMT_ADD_FOREIGN_KEY, SRE, EFFECT_SCAN, "the referenced table is locked SHARE ROW EXCLUSIVE too",
     "ADD CONSTRAINT ... NOT VALID (no scan), then VALIDATE CONSTRAINT under SHARE UPDATE EXCLUSIVE"},
    {STMT_ADD_NOT_VALID, AE, EFFECT_NONE, "existing rows are checked later, by VALIDATE CONSTRAINT", TIMEOUT},
    {STMT_ADD_FK_NOT_VALID, SRE, EFFECT_NONE,
     "the referenced table is locked SHARE ROW EXCLUSIVE too; existing rows are checked later, by VALIDATE CONSTRAINT",
     TIMEOUT},
    {STMT_ADD_KEY, AE, EFFECT_BUILD, NULL,
     "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY / UNIQUE USING INDEX"},
    {STMT_VALIDATE, SUE, EFFECT_SCAN, "reads and writes go on while it scans", NULL},
    {STMT_DROP_CONSTRAINT, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_CREATE_INDEX, "ShareLock", "SHARE", EFFECT_BUILD, "blocks writes (reads go on) while it builds",
     "CREATE INDEX CONCURRENTLY (SHARE UPDATE EXCLUSIVE: writes go on; outside a transaction block)"},
    {STMT_CREATE_INDEX_CONCURRENTLY, SUE, EFFECT_BUILD, "runs outside a transaction block; two scans", NULL},
    {STMT_DROP_INDEX, AE, EFFECT_NONE, NULL, "DROP INDEX CONCURRENTLY (outside a transaction block)"},
    {STMT_DROP_INDEX_CONCURRENTLY, SUE, EFFECT_NONE, "runs outside a transaction block", NULL},
    {STMT_CREATE_TRIGGER, SRE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_DROP_TRIGGER, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_COMMENT_TABLE, SUE, EFFECT_NONE, NULL, NULL},
    {STMT_OWNER_TABLE, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_GRANT, NULL, NULL, EFFECT_NONE, NULL, NULL},
    {STMT_REPLACE_VIEW, AE, EFFECT_NONE, "on the view only", TIMEOUT},
    {STMT_REPLACE_FUNCTION, NULL, NULL, EFFECT_NONE, "sessions pick up the new body at their next call", NULL},
    {STMT_ENUM_ADD_VALUE, NULL, NULL, EFFECT_NONE, "the new value cannot be used in the same transaction", NULL},
    {STMT_ALTER_SEQUENCE, NULL, NULL, EFFECT_NONE,
     "the sequence keeps its current value: one outside the new bounds makes it fail (RESTART would reset it)", NULL},
    {STMT_RENAME, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_RENAME_INDEX, SUE, EFFECT_NONE, "on the index only: reads and writes of the table go on", NULL},
    {STMT_SET_SCHEMA, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_POLICY, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_TRIGGER_ENABLE, SRE, EFFECT_NONE, "blocks writes (reads go on)", TIMEOUT},
    {STMT_ROW_SECURITY, AE, EFFECT_NONE, "queries see only the rows a policy lets through from the next statement on",
     TIMEOUT},
    {STMT_LOCK_TIMEOUT, NULL, NULL, EFFECT_NONE,
     "a statement that waits longer than this for its lock fails, and the transaction with it, instead of queueing "
     "every other query on the table behind it",
     NULL},
    {STMT_SET_STORAGE, AE, EFFECT_NONE, "values already stored keep their storage; new and updated ones take it",
     TIMEOUT},
    {STMT_SET_COMPRESSION, AE, EFFECT_NONE, "values already stored stay compressed as they are", TIMEOUT},
    {STMT_SET_STATISTICS, SUE, EFFECT_NONE, "takes effect at the next ANALYZE", NULL},
    {STMT_SET_COLUMN_OPTIONS, SUE, EFFECT_NONE, "takes effect at the next ANALYZE", NULL},
    {STMT_RULE, AE, EFFECT_NONE, NULL, TIMEOUT},
    {STMT_PARTITION, AE, EFFECT_NONE, NULL,
     "CREATE TABLE ... (LIKE the partitioned table INCLUDING ALL), then ALTER TABLE ... ATTACH PARTITION, which "
     "takes SHARE UPDATE EXCLUSIVE on the partitioned table"},
};

const catalog_lock_info *catalog_lock_of(enum catalog_stmt stmt)
{
	return stmt >= 0 && stmt < STMT_KINDS ? &LOCKS[stmt] : &LOCKS[STMT_OTHER];
}

bool catalog_lock_safer_is_timeout(const catalog_lock_info *l)
{
	return l->safer && strncmp(l->safer, "SET lock_timeout", 16) == 0;
}

const char *catalog_effect_name(enum catalog_effect e)
{
	static const char *const names[] = {"none", "scan", "rewrite", "build"};
	return e <= EFFECT_BUILD ? names[e] : "none";
}
