-- Two-factor sign-in (TOTP, RFC 6238) for users of the internal and ldap sources.
-- totp_secret: the authenticator's secret, encrypted (XChaCha20-Poly1305) under a key derived
-- from the store's server secret and bound to the user's id; NULL when not enrolled.
-- totp_last_step: the newest 30-second step whose code was accepted (a code is taken once).
-- two_factor_required: an administrator asks this user to enrol (TUSK_REQUIRE_TWO_FACTOR asks all).
ALTER TABLE users ADD COLUMN totp_secret BYTEA;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN two_factor_required INTEGER NOT NULL DEFAULT 0;

-- One-time recovery codes, kept as keyed BLAKE2b hashes; a used one is deleted.
CREATE TABLE recovery_codes (
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	PRIMARY KEY (user_id, code_hash)
);

-- A sign-in between the password and the code: not a session (no cookie, no CSRF token),
-- short-lived, single-use. The data key is wrapped under the pending token, which only the
-- browser holds; failures counts wrong codes against this one token.
CREATE TABLE login_pending (
	id_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	data_key_wrapped BYTEA,
	expires_at BIGINT NOT NULL,
	failures INTEGER NOT NULL DEFAULT 0
);
