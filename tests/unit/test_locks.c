/* The lock table (catalog/locks.c): one row per statement kind, in the
 * enum's order, so a kind appended to enum catalog_stmt without its row (or
 * a row out of place) is found here rather than shown as "no lock"; a row
 * that names a lock names its mode too, and the lock_timeout test holds. */
#include <criterion/criterion.h>
#include <string.h>

#include "catalog/locks.h"

Test(locks, every_kind_has_its_own_row)
{
	for (int k = 0; k < STMT_KINDS; k++) {
		const catalog_lock_info *l = catalog_lock_of((enum catalog_stmt)k);
		cr_expect_eq(l->stmt, (enum catalog_stmt)k, "kind %d's row is kind %d's", k, (int)l->stmt);
		cr_expect_eq(l->lock == NULL, l->mode == NULL, "kind %d: lock and mode go together", k);
	}
	cr_expect_eq(catalog_lock_of(STMT_KINDS)->stmt, STMT_OTHER);
	cr_expect_eq(catalog_lock_of((enum catalog_stmt) - 1)->stmt, STMT_OTHER);
}

Test(locks, the_kinds_the_dialogs_add)
{
	cr_expect_str_eq(catalog_lock_of(STMT_RENAME)->lock, "AccessExclusiveLock");
	cr_expect_str_eq(catalog_lock_of(STMT_RENAME_INDEX)->lock, "ShareUpdateExclusiveLock");
	cr_expect_str_eq(catalog_lock_of(STMT_TRIGGER_ENABLE)->lock, "ShareRowExclusiveLock");
	cr_expect_str_eq(catalog_lock_of(STMT_POLICY)->lock, "AccessExclusiveLock");
	cr_expect_null(catalog_lock_of(STMT_LOCK_TIMEOUT)->lock);
	cr_expect(catalog_lock_safer_is_timeout(catalog_lock_of(STMT_ADD_COLUMN)));
	cr_expect(catalog_lock_safer_is_timeout(catalog_lock_of(STMT_RENAME)));
	cr_expect_not(catalog_lock_safer_is_timeout(catalog_lock_of(STMT_CREATE_INDEX)));
	cr_expect_not(catalog_lock_safer_is_timeout(catalog_lock_of(STMT_OTHER)));
	/* the preamble Tusk writes is the one the safer way names */
	cr_expect(strstr(catalog_lock_of(STMT_ADD_COLUMN)->safer, "'" CATALOG_LOCK_TIMEOUT "'") != NULL);
}
