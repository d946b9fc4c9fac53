-- CSRF tokens are derived from the session token (auth_csrf_token): none is kept.
UPDATE sessions SET csrf_token = '';

-- A server's other secrets for one user (the client key's passphrase,
-- sslpassword), encrypted with that user's data key like saved passwords.
CREATE TABLE server_secrets (
	server_id BIGINT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	value_enc BYTEA NOT NULL,
	PRIMARY KEY (server_id, user_id, name)
);

-- Passphrases kept in clear among the connection parameters cannot be
-- encrypted without their user's key: they are removed (enter them again).
UPDATE servers SET connection_params = (connection_params::jsonb - 'sslpassword')::text
WHERE connection_params::jsonb ? 'sslpassword';
