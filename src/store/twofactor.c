/* Two-factor sign-in in the store: the encrypted TOTP secret and its last accepted step on the
 * user, the recovery codes' hashes, and the sign-ins waiting for their second step. */
#include <string.h>

#include "store/internal.h"

static void read_secret(db_stmt *st, void *ctx)
{
	struct {
		unsigned char *enc;
		size_t cap, *n;
		int64_t *last_step;
	} *o = ctx;
	store_cols(st, "ki", o->enc, o->cap, o->n, o->last_step);
}

int store_two_factor_get(store *s, int64_t user_id, unsigned char *enc, size_t cap, size_t *n, int64_t *last_step,
			 tusk_err *err)
{
	struct {
		unsigned char *enc;
		size_t cap, *n;
		int64_t *last_step;
	} o = {enc, cap, n, last_step};
	*n = 0;
	return (int)store_sql(s, STORE_READ, read_secret, &o, err,
			      "SELECT totp_secret, totp_last_step FROM users WHERE id = $1 AND totp_secret IS NOT NULL",
			      "i", user_id);
}

bool store_two_factor_set(store *s, int64_t user_id, const void *enc, size_t n, int64_t last_step,
			  char (*const codes)[65], size_t ncodes, tusk_err *err)
{
	/* the codes first and the secret last: the secret decides whether two-factor is on, and
	 * setting it is the change that tells every replica's session cache */
	bool ok = store_exec(s, err, "DELETE FROM recovery_codes WHERE user_id = $1", "i", user_id);
	for (size_t i = 0; ok && enc && i < ncodes; i++)
		ok = store_exec(s, err, "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)", "it",
				user_id, codes[i]);
	if (!ok)
		return false;
	if (!enc)
		return store_sql(s, STORE_REVOKE, NULL, NULL, err,
				 "UPDATE users SET totp_secret = NULL, totp_last_step = 0 WHERE id = $1", "i",
				 user_id) >= 0;
	return store_sql(s, STORE_REVOKE, NULL, NULL, err,
			 "UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3", "bii", enc, n,
			 last_step, user_id) >= 0;
}

int store_two_factor_use_step(store *s, int64_t user_id, int64_t step, tusk_err *err)
{
	int64_t id = 0;
	/* one statement, so two replicas given the same code cannot both take it */
	return (int)store_sql(s, STORE_WRITE, store_row_int, &id, err,
			      "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2 RETURNING id",
			      "ii", user_id, step);
}

int store_two_factor_use_code(store *s, int64_t user_id, const char *code_hash, tusk_err *err)
{
	int64_t id = 0;
	return (int)store_sql(s, STORE_WRITE, store_row_int, &id, err,
			      "DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 RETURNING user_id",
			      "it", user_id, code_hash);
}

int64_t store_two_factor_codes_left(store *s, int64_t user_id, tusk_err *err)
{
	int64_t n = -1;
	return store_sql(s, STORE_READ, store_row_int, &n, err,
			 "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1", "i", user_id) == 1
		   ? n
		   : -1;
}

bool store_two_factor_require(store *s, int64_t user_id, bool required, tusk_err *err)
{
	return store_sql(s, STORE_REVOKE, NULL, NULL, err, "UPDATE users SET two_factor_required = $1 WHERE id = $2",
			 "di", (int)required, user_id) >= 0;
}

/* ---- sign-ins waiting for their second step ---- */

bool store_pending_create(store *s, const store_pending *p, tusk_err *err)
{
	return store_exec(s, err,
			  "INSERT INTO login_pending (id_hash, user_id, data_key_wrapped, expires_at, failures) "
			  "VALUES ($1, $2, $3, $4, 0)",
			  "tibi", p->id_hash, p->user_id, (const void *)p->data_key_wrapped, p->data_key_wrapped_len,
			  p->expires_at);
}

static void read_pending(db_stmt *st, void *ctx)
{
	store_pending *p = ctx;
	store_cols(st, "cikid", p->id_hash, sizeof(p->id_hash), &p->user_id, p->data_key_wrapped,
		   sizeof(p->data_key_wrapped), &p->data_key_wrapped_len, &p->expires_at, &p->failures);
}

int store_pending_get(store *s, const char *id_hash, int64_t now, store_pending *p, tusk_err *err)
{
	memset(p, 0, sizeof(*p));
	return (int)store_sql(s, STORE_READ, read_pending, p, err,
			      "SELECT id_hash, user_id, data_key_wrapped, expires_at, failures FROM login_pending "
			      "WHERE id_hash = $1 AND expires_at > $2",
			      "ti", id_hash, now);
}

int store_pending_take(store *s, const char *id_hash, tusk_err *err)
{
	int64_t id = 0;
	return (int)store_sql(s, STORE_WRITE, store_row_int, &id, err,
			      "DELETE FROM login_pending WHERE id_hash = $1 RETURNING user_id", "t", id_hash);
}

int store_pending_failed(store *s, const char *id_hash, tusk_err *err)
{
	int64_t n = 0;
	int64_t rows = store_sql(
	    s, STORE_WRITE, store_row_int, &n, err,
	    "UPDATE login_pending SET failures = failures + 1 WHERE id_hash = $1 RETURNING failures", "t", id_hash);
	return rows < 0 ? -1 : (int)n;
}

bool store_pending_purge(store *s, int64_t now, tusk_err *err)
{
	return store_exec(s, err, "DELETE FROM login_pending WHERE expires_at <= $1", "i", now);
}
