-- The pause after wrong passwords, per e-mail address whether an account
-- has it or not (an unknown address pauses like a known one, so neither
-- the answers nor the pauses tell which exist). It replaces the users'
-- lock, which only an administrator could lift.
CREATE TABLE login_throttle (
	email TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	locked_until BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
ALTER TABLE users DROP COLUMN locked;
ALTER TABLE users DROP COLUMN failed_attempts;
